/* echo_server: RFC 6455 WebSocket echo server for the benchmarks, plain (ws)
 * and TLS (wss, GnuTLS), native Linux.
 *
 *   echo_server --cert CERT.pem --key KEY.pem
 *
 * Listens on two ephemeral ports on 127.0.0.1 (one plain, one TLS), prints
 * "ports WSPORT WSSPORT" on one line of stdout, then serves until stdin reaches
 * EOF (or SIGTERM) and exits 0.  One thread per connection, blocking I/O.
 * After the opening handshake every data frame is echoed with the same FIN bit,
 * opcode and payload (unmasked); big frames are streamed through a 64 KiB
 * buffer.  Ping -> pong, close -> close echoing the status code, pong ignored.
 * A protocol error closes that connection only.
 *
 * It holds 10,000 connections and more (bench/run.sh's scale workload): a
 * connection starts with small buffers inside its struct (about 12 KiB) and
 * takes the big ones on its first data frame above SMALL_FRAME bytes; the
 * descriptor limit is raised to the hard limit (ulimit -Hn). */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gnutls/gnutls.h>

#include "codec/ws_frame.h"
#include "codec/ws_handshake.h"
#include "sock_io.h"

#define IBUF_SIZE (128 * 1024)       /* receive buffer */
#define OBUF_SIZE (64 * 1024 + 64)   /* send buffer: header + 64 KiB chunk */
#define MAX_REQUEST 8192             /* opening handshake request */
#define SMALL_FRAME 4096             /* larger data frames switch to the big buffers */
#define SMALL_IN MAX_REQUEST         /* the first buffers, inside struct conn */
#define SMALL_OUT (SMALL_FRAME + 64)
#define THREAD_STACK (256 * 1024)
#define TLS_RECORD 16384

struct conn
{
    int fd;
    gnutls_session_t tls;            /* NULL for plain ws */
    size_t ipos, iend;               /* unread bytes are in[ipos..iend) */
    size_t olen;                     /* pending bytes in out */
    size_t icap, ocap;               /* sizes of in and out */
    uint8_t *in, *out;               /* small_in/small_out, or the big buffers */
    uint8_t small_in[SMALL_IN];
    uint8_t small_out[SMALL_OUT];
};

static gnutls_certificate_credentials_t server_cred;
/* session tickets, as servers commonly have them: clients may resume */
static gnutls_datum_t ticket_key;

/* Set per thread: the TLS pull function then reads without blocking. */
static __thread int tls_nonblock;

static ssize_t tls_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
    struct conn *c = ptr;
    ssize_t n = recv(c->fd, buf, len, tls_nonblock ? MSG_DONTWAIT : 0);
    if (n < 0) gnutls_transport_set_errno(c->tls, errno);
    return n;
}

static ssize_t tls_push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
    struct conn *c = ptr;
    ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) gnutls_transport_set_errno(c->tls, errno);
    return n;
}

static int tls_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
    struct conn *c = ptr;
    struct pollfd p = { .fd = c->fd, .events = POLLIN };
    int r;

    do r = poll(&p, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
    while (r < 0 && errno == EINTR);
    if (r < 0) gnutls_transport_set_errno(c->tls, errno);
    return r;
}

static int flush_out(struct conn *c)
{
    int r = c->olen ? sock_write_all(c->fd, c->tls, c->out, c->olen) : 0;
    c->olen = 0;
    return r;
}

/* Flush pending output (the peer may be waiting for it), then read more into
 * the input buffer.  Returns -1 on EOF or error. */
static int conn_fill(struct conn *c)
{
    ssize_t n;

    if (flush_out(c)) return -1;
    if (c->ipos == c->iend) c->ipos = c->iend = 0;
    else if (c->ipos && c->icap - c->iend < TLS_RECORD)
    {
        memmove(c->in, c->in + c->ipos, c->iend - c->ipos);
        c->iend -= c->ipos;
        c->ipos = 0;
    }
    if (c->iend == c->icap) return -1;  /* cannot happen: frames are streamed */

    n = sock_read_some(c->fd, c->tls, c->in + c->iend, c->icap - c->iend);
    if (n <= 0) return -1;
    c->iend += (size_t)n;
    if (!c->tls) return 0;
    /* A full-size record suggests more are queued: take what is already
     * there without blocking, so one flush covers several records. */
    if (n == TLS_RECORD)
    {
        tls_nonblock = 1;
        while (c->icap - c->iend >= TLS_RECORD)
        {
            n = gnutls_record_recv(c->tls, c->in + c->iend, c->icap - c->iend);
            if (n == GNUTLS_E_INTERRUPTED) continue;
            if (n == GNUTLS_E_AGAIN) break;
            if (n <= 0)
            {
                tls_nonblock = 0;
                return -1;
            }
            c->iend += (size_t)n;
            if (n < TLS_RECORD) break;
        }
        tls_nonblock = 0;
    }
    return 0;
}

/* ---- opening handshake ---- */

static int token_in_list(const char *value, size_t len, const char *token)
{
    size_t tl = strlen(token), i = 0;

    while (i < len)
    {
        size_t start, end;
        while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == ',')) i++;
        start = i;
        while (i < len && value[i] != ',') i++;
        end = i;
        while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t')) end--;
        if (end - start == tl && !strncasecmp(value + start, token, tl)) return 1;
    }
    return 0;
}

static void send_bad_request(struct conn *c)
{
    static const char resp[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    sock_write_all(c->fd, c->tls, (const uint8_t *)resp, sizeof(resp) - 1);
}

/* Reads the request and answers it.  0 after a 101; -1 to close. */
static int do_handshake(struct conn *c)
{
    const char *req = (const char *)c->in, *end = NULL, *line, *key = NULL;
    size_t key_len = 0, hl;
    int upgrade = 0, n;
    char accept[WS_ACCEPT_LEN + 1], resp[256];

    for (;;)
    {
        if (c->iend >= 4 && (end = memmem(req, c->iend, "\r\n\r\n", 4))) break;
        if (c->iend >= MAX_REQUEST)
        {
            send_bad_request(c);
            return -1;
        }
        {
            ssize_t r;
            if (c->tls)
            {
                do r = gnutls_record_recv(c->tls, c->in + c->iend, MAX_REQUEST - c->iend);
                while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
            }
            else
            {
                do r = recv(c->fd, c->in + c->iend, MAX_REQUEST - c->iend, 0);
                while (r < 0 && errno == EINTR);
            }
            if (r <= 0) return -1;
            c->iend += (size_t)r;
        }
    }
    hl = (size_t)(end - req) + 4;

    line = memchr(req, '\n', hl);  /* skip the request line */
    if (hl < 4 || strncmp(req, "GET ", 4)) line = NULL;
    while (line && line + 1 < end)
    {
        const char *name = line + 1, *eol = memchr(name, '\n', (size_t)(end + 2 - name));
        const char *colon, *v, *ve;
        if (!eol) break;
        colon = memchr(name, ':', (size_t)(eol - name));
        if (colon)
        {
            size_t nl = (size_t)(colon - name);
            v = colon + 1;
            ve = eol;
            if (ve > v && ve[-1] == '\r') ve--;
            while (v < ve && (*v == ' ' || *v == '\t')) v++;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
            if (nl == 7 && !strncasecmp(name, "Upgrade", 7))
                upgrade = token_in_list(v, (size_t)(ve - v), "websocket");
            else if (nl == 17 && !strncasecmp(name, "Sec-WebSocket-Key", 17))
            {
                key = v;
                key_len = (size_t)(ve - v);
            }
        }
        line = eol;
    }
    if (!line || !upgrade || !key || !key_len)
    {
        send_bad_request(c);
        return -1;
    }

    ws_accept_for_key(key, key_len, accept);
    n = snprintf(resp, sizeof(resp),
                 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
    if (sock_write_all(c->fd, c->tls, (const uint8_t *)resp, (size_t)n)) return -1;
    c->ipos = hl;  /* anything after the request is frame data */
    return 0;
}

/* ---- frame echo loop ---- */

/* Move to the big buffers (once, for the connection's life), keeping what
 * is unread and unsent.  -1 if there is no memory. */
static int use_big_buffers(struct conn *c)
{
    uint8_t *in, *out;

    if (c->in != c->small_in) return 0;
    in = malloc(IBUF_SIZE);
    out = malloc(OBUF_SIZE);
    if (!in || !out)
    {
        free(in);
        free(out);
        fprintf(stderr, "echo_server: out of memory for a connection's buffers\n");
        return -1;
    }
    memcpy(in, c->in + c->ipos, c->iend - c->ipos);
    c->iend -= c->ipos;
    c->ipos = 0;
    memcpy(out, c->out, c->olen);
    c->in = in;
    c->out = out;
    c->icap = IBUF_SIZE;
    c->ocap = OBUF_SIZE;
    return 0;
}

static void echo_loop(struct conn *c)
{
    wsf_msgstate ms;

    wsf_msgstate_init(&ms);
    for (;;)
    {
        wsf_header h;
        int r;
        uint64_t left, off;

        while (!(r = wsf_parse_header(c->in + c->ipos, c->iend - c->ipos, 0, &h)))
            if (conn_fill(c)) return;
        if (r < 0 || !h.masked) return;  /* protocol error: client frames are masked */
        c->ipos += h.header_len;

        if (h.opcode & 0x8)
        {
            uint8_t payload[WSF_MAX_CONTROL_PAYLOAD];
            size_t len = (size_t)h.payload_len;

            while (c->iend - c->ipos < len)
                if (conn_fill(c)) return;
            wsf_mask(payload, c->in + c->ipos, len, h.mask, 0);
            c->ipos += len;
            if (h.opcode == WSF_OP_PONG) continue;
            if (h.opcode == WSF_OP_CLOSE)
            {
                if (len == 1) return;
                len = len >= 2 ? 2 : 0;  /* echo the status code only */
            }
            if (c->ocap - c->olen < 2 + len && flush_out(c)) return;
            c->olen += wsf_encode_header(c->out + c->olen, 1,
                                         h.opcode == WSF_OP_PING ? WSF_OP_PONG : WSF_OP_CLOSE, len, NULL);
            memcpy(c->out + c->olen, payload, len);
            c->olen += len;
            if (h.opcode == WSF_OP_CLOSE)
            {
                if (!flush_out(c) && c->tls) gnutls_bye(c->tls, GNUTLS_SHUT_WR);
                return;
            }
            continue;
        }

        if (wsf_msgstate_frame(&ms, &h, NULL)) return;
        if (h.payload_len > SMALL_FRAME && use_big_buffers(c)) return;
        /* Header and (the start of) the payload go out in one write. */
        left = h.payload_len;
        if (c->olen + WSF_MAX_HEADER + (left < 65536 ? left : 65536) > c->ocap && flush_out(c)) return;
        c->olen += wsf_encode_header(c->out + c->olen, h.fin, h.opcode, left, NULL);
        off = 0;
        while (left)
        {
            size_t n = c->iend - c->ipos, room = c->ocap - c->olen;
            if (!n)
            {
                if (conn_fill(c)) return;
                continue;
            }
            if (!room)
            {
                if (flush_out(c)) return;
                continue;
            }
            if (n > room) n = room;
            if (n > left) n = (size_t)left;
            wsf_mask(c->out + c->olen, c->in + c->ipos, n, h.mask, off);
            c->olen += n;
            c->ipos += n;
            off += n;
            left -= n;
        }
    }
}

static void *conn_thread(void *arg)
{
    struct conn *c = arg;

    if (c->tls)
    {
        int r;
        gnutls_transport_set_ptr(c->tls, c);
        gnutls_transport_set_pull_function(c->tls, tls_pull);
        gnutls_transport_set_push_function(c->tls, tls_push);
        gnutls_transport_set_pull_timeout_function(c->tls, tls_pull_timeout);
        gnutls_handshake_set_timeout(c->tls, 10000);
        do r = gnutls_handshake(c->tls);
        while (r < 0 && !gnutls_error_is_fatal(r));
        if (r < 0) goto done;
    }
    if (!do_handshake(c)) echo_loop(c);
done:
    if (c->tls) gnutls_deinit(c->tls);
    close(c->fd);
    if (c->in != c->small_in)
    {
        free(c->in);
        free(c->out);
    }
    free(c);
    return NULL;
}

struct listener
{
    int fd;
    int tls;
    int said_full;                   /* accept ran out of descriptors (said once) */
};

static long nofile_limit;            /* RLIMIT_NOFILE after raising it */

static void *accept_thread(void *arg)
{
    struct listener *l = arg;
    pthread_attr_t attr;

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (;;)
    {
        int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC), one = 1, r;
        struct conn *c;
        pthread_t t;

        if (fd < 0)
        {
            if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS)
            {
                /* said once: the clients then wait for their upgrade */
                if (!l->said_full++) fprintf(stderr, "echo_server: accept: %s (the descriptor limit is %ld)\n",
                                             strerror(errno), nofile_limit);
                usleep(10000);
            }
            continue;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c = malloc(sizeof(*c));
        if (!c)
        {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->tls = NULL;
        c->ipos = c->iend = c->olen = 0;
        c->in = c->small_in;
        c->out = c->small_out;
        c->icap = SMALL_IN;
        c->ocap = SMALL_OUT;
        if (l->tls)
        {
            if (gnutls_init(&c->tls, GNUTLS_SERVER) < 0
                || gnutls_set_default_priority(c->tls) < 0
                || gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, server_cred) < 0)
            {
                if (c->tls) gnutls_deinit(c->tls);
                close(fd);
                free(c);
                continue;
            }
            gnutls_certificate_server_set_request(c->tls, GNUTLS_CERT_IGNORE);
            if (ticket_key.size) gnutls_session_ticket_enable_server(c->tls, &ticket_key);
        }
        if ((r = pthread_create(&t, &attr, conn_thread, c)))
        {
            fprintf(stderr, "echo_server: cannot start a connection's thread: %s\n", strerror(r));
            if (c->tls) gnutls_deinit(c->tls);
            close(fd);
            free(c);
        }
    }
    return NULL;
}

static int make_listener(unsigned short *port)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

    if (fd < 0) return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4096)
        || getsockname(fd, (struct sockaddr *)&sa, &sl))
    {
        close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

static void on_sigterm(int sig)
{
    (void)sig;
    _exit(0);
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL;
    static struct listener ls[2];
    unsigned short ports[2];
    struct rlimit rl;
    pthread_attr_t attr;
    char buf[256];
    int i, r;

    for (i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--cert") && i + 1 < argc) cert = argv[++i];
        else if (!strcmp(argv[i], "--key") && i + 1 < argc) key = argv[++i];
        else
        {
            fprintf(stderr, "usage: %s --cert CERT.pem --key KEY.pem\n", argv[0]);
            return 2;
        }
    }
    if (!cert || !key)
    {
        fprintf(stderr, "usage: %s --cert CERT.pem --key KEY.pem\n", argv[0]);
        return 2;
    }

    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_sigterm);
    /* one descriptor per connection: as many as the hard limit allows */
    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max)
    {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (!getrlimit(RLIMIT_NOFILE, &rl)) nofile_limit = rl.rlim_cur == RLIM_INFINITY ? -1 : (long)rl.rlim_cur;

    if ((r = gnutls_global_init()) < 0
        || (r = gnutls_session_ticket_key_generate(&ticket_key)) < 0
        || (r = gnutls_certificate_allocate_credentials(&server_cred)) < 0
        || (r = gnutls_certificate_set_x509_key_file(server_cred, cert, key, GNUTLS_X509_FMT_PEM)) < 0)
    {
        fprintf(stderr, "echo_server: TLS setup: %s\n", gnutls_strerror(r));
        return 1;
    }

    for (i = 0; i < 2; i++)
    {
        ls[i].tls = i;
        if ((ls[i].fd = make_listener(&ports[i])) < 0)
        {
            perror("echo_server: listen");
            return 1;
        }
    }

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (i = 0; i < 2; i++)
    {
        pthread_t t;
        if (pthread_create(&t, &attr, accept_thread, &ls[i]))
        {
            fprintf(stderr, "echo_server: cannot start the accept thread\n");
            return 1;
        }
    }

    printf("ports %u %u\n", ports[0], ports[1]);
    fflush(stdout);

    /* Serve until stdin reaches EOF. */
    for (;;)
    {
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    _exit(0);
}
