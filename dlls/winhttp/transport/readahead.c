/* Read-ahead for GnuTLS's pull function; see readahead.h. */
#include "readahead.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

static size_t take(struct readahead *ra, void *data, size_t size)
{
    size_t n = size < ra->len ? size : ra->len;

    memcpy(data, ra->buf + ra->off, n);
    ra->off += (uint32_t)n;
    ra->len -= (uint32_t)n;
    if (!ra->len) readahead_free(ra);
    return n;
}

ssize_t readahead_pull(int fd, struct readahead *ra, void *data, size_t size)
{
    struct iovec iov[2];
    ssize_t n;

    if (!size) return 0;
    if (ra->len) return (ssize_t)take(ra, data, size);
    /* empty: read for the caller and, behind its bytes, ahead */
    if (!ra->buf && !(ra->buf = malloc(READAHEAD_SIZE)))
    {
        /* no memory for the read-ahead: read what was asked only */
        do n = recv(fd, data, size, 0); while (n < 0 && errno == EINTR);
        return n;
    }
    iov[0].iov_base = data;
    iov[0].iov_len = size;
    iov[1].iov_base = ra->buf;
    iov[1].iov_len = READAHEAD_SIZE;
    do n = readv(fd, iov, 2); while (n < 0 && errno == EINTR);
    if (n <= 0 || (size_t)n <= size)
    {
        int e = errno;
        readahead_free(ra);
        errno = e;
        return n;
    }
    ra->off = 0;
    ra->len = (uint32_t)((size_t)n - size);
    return (ssize_t)size;
}

void readahead_free(struct readahead *ra)
{
    free(ra->buf);
    ra->buf = NULL;
    ra->off = ra->len = 0;
}
