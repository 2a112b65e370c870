/*
 * A native TLS server for the transport test whose records may carry only
 * 512 bytes: it asks for that with the record_size_limit extension (RFC
 * 8449), which the client's GnuTLS honours when writing.  node's TLS cannot
 * do this, hence a program of its own.
 *
 * usage: tls_small_sink CERT.pem KEY.pem
 * Prints the port it listens on (127.0.0.1), then serves one connection at a
 * time: handshake, read everything until the client's close_notify or FIN,
 * answer "COUNT FNV1A32HEX\n" and close.  echo_server.js starts it and stops
 * it (SIGSTOP) while the test wants a server that does not read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

static void serve(int fd, gnutls_certificate_credentials_t creds)
{
    static unsigned char buf[65536];
    unsigned long long count = 0;
    uint32_t hash = 2166136261u;
    gnutls_session_t s;
    char answer[64];
    ssize_t n, i;
    int rc;

    if (gnutls_init(&s, GNUTLS_SERVER) < 0) return;
    gnutls_set_default_priority(s);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, creds);
    gnutls_record_set_max_size(s, 512);
    gnutls_transport_set_int(s, fd);
    do rc = gnutls_handshake(s);
    while (rc < 0 && !gnutls_error_is_fatal(rc));
    if (rc < 0) goto done;
    for (;;)
    {
        n = gnutls_record_recv(s, buf, sizeof(buf));
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) continue;
        if (n < 0 && !gnutls_error_is_fatal((int)n)) continue;
        if (n <= 0) break;  /* close_notify, FIN or an error: answer what came */
        for (i = 0; i < n; i++) hash = (hash ^ buf[i]) * 16777619u;
        count += (unsigned long long)n;
    }
    snprintf(answer, sizeof(answer), "%llu %x\n", count, hash);
    do rc = gnutls_record_send(s, answer, strlen(answer));
    while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
    gnutls_bye(s, GNUTLS_SHUT_WR);
done:
    gnutls_deinit(s);
}

int main(int argc, char **argv)
{
    gnutls_certificate_credentials_t creds;
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int lfd, fd, one = 1;

    if (argc != 3) { fprintf(stderr, "usage: tls_small_sink CERT KEY\n"); return 2; }
    if (gnutls_global_init() < 0 || gnutls_certificate_allocate_credentials(&creds) < 0
        || gnutls_certificate_set_x509_key_file(creds, argv[1], argv[2], GNUTLS_X509_FMT_PEM) < 0)
    {
        fprintf(stderr, "tls_small_sink: cannot load %s / %s\n", argv[1], argv[2]);
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0
        || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))
        || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 8)
        || getsockname(lfd, (struct sockaddr *)&sa, &len))
    {
        perror("tls_small_sink");
        return 1;
    }
    printf("%u\n", ntohs(sa.sin_port));
    fflush(stdout);
    for (;;)
    {
        if ((fd = accept(lfd, NULL, NULL)) < 0)
        {
            if (errno == EINTR) continue;
            perror("tls_small_sink: accept");
            return 1;
        }
        serve(fd, creds);
        close(fd);
    }
}
