/* Blocking socket I/O shared by the benchmark's native server and client:
 * plain TCP or a GnuTLS session on the same descriptor. */
#ifndef BENCH_SOCK_IO_H
#define BENCH_SOCK_IO_H

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <gnutls/gnutls.h>

/* Write the whole buffer.  0, or -1 on error. */
static inline int sock_write_all(int fd, gnutls_session_t tls, const uint8_t *p, size_t len)
{
    while (len)
    {
        ssize_t n;
        if (tls)
        {
            n = gnutls_record_send(tls, p, len);
            if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) continue;
        }
        else
        {
            n = send(fd, p, len, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
        }
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read what is there (at least one byte, blocking).  The count, 0 at the
 * end of the stream, or below 0 on error. */
static inline ssize_t sock_read_some(int fd, gnutls_session_t tls, uint8_t *p, size_t len)
{
    ssize_t n;
    if (tls)
    {
        do n = gnutls_record_recv(tls, p, len);
        while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
    }
    else
    {
        do n = recv(fd, p, len, 0);
        while (n < 0 && errno == EINTR);
    }
    return n;
}

#endif
