/* native_client: the native Linux reference client of the WebSocket
 * benchmark; talks to bench/native/echo_server (or any RFC 6455 echo server)
 * on 127.0.0.1.
 *
 *   native_client --scheme ws|wss --port PORT [--reps N] [--workloads LIST]
 *                 [--bulk-mib M] [--idle N] [--scale N]
 *
 * Workloads (comma-separated LIST, default rt16,rt1k,rt64k,bulk64k,bulk1m,idle):
 *   rt16, rt1k, rt64k  sequential round trips of 16 B text / 1 KiB / 64 KiB
 *                      binary messages; mean microseconds per round trip
 *   bulk64k, bulk1m    a sender thread sends M MiB in 64 KiB / 1 MiB messages
 *                      while the main thread receives the echoes; MiB/s of
 *                      payload in one direction (after one untimed 8 MiB run)
 *   idle               N open idle connections; resident KiB that each of the
 *                      last N/2 adds
 *   scale              N connections (default 10,000) opened one after another
 *                      and kept open: scale-open, ms to open all; scale-mem,
 *                      resident KiB that each of the last N/2 adds;
 *                      scale-threads, the growth of the thread count; then a
 *                      16-byte echo on each, one after another, checked byte
 *                      for byte: scale-echo, ms for all.  (No scale-srv: there
 *                      is no wineserver.)  Needs N + SCALE_FD_SPARE descriptors.
 * Echoes are copied into a buffer, as a WinHTTP client receives them.
 * Each repetition uses a fresh connection (set-up not timed) and prints
 *   result native SCHEME WORKLOAD VALUE UNIT
 * For wss the TLS handshake is real; with --ca the server's certificate
 * chain and name (127.0.0.1) are verified on every handshake, resumed ones
 * too (bench/run.sh passes its test CA: a WinHTTP client verifies, so the
 * reference does the same work). */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <gnutls/gnutls.h>

#include "codec/ws_frame.h"
#include "codec/ws_handshake.h"
#include "sock_io.h"

#define RBUF_SIZE (64 * 1024)
#define SBUF_SIZE (64 * 1024 + 64)
#define WARMUP_RT 50
#define BULK_WARMUP_MIB 8
#define MIN_RT 50
#define SETUP_WARMUP 5
/* bulk16m: messages of 16 MiB and a bit, not a power of two */
#define BIG_MSG ((16u << 20) + 4097u)
#define SETUP_MIN 20
#define RT_SECONDS 0.5
#define SCALE_FD_SPARE 64  /* descriptors beyond one per connection */

typedef struct wsconn
{
    int fd;
    gnutls_session_t tls;
    uint64_t rng;                /* used by the sending side only */
    size_t rpos, rend;
    uint8_t rbuf[RBUF_SIZE];
    uint8_t sbuf[SBUF_SIZE];
} wsconn;

static int use_tls;
static unsigned short port;
static gnutls_certificate_credentials_t cred;
static const char *ca_file;  /* --ca: verify the server's certificate against this CA */
/* the setup workload resumes TLS sessions, as our winhttp (and schannel) do */
static int resume_on;
static gnutls_datum_t resume_data;
static const char *scheme = "ws";

static void die(const char *what)
{
    fprintf(stderr, "native_client: %s\n", what);
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t next_rand(uint64_t *s)  /* splitmix64 */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---- transport ---- */

/* Read more into rbuf (keeping unread bytes).  -1 on EOF or error. */
static int fill(wsconn *c)
{
    ssize_t n;

    if (c->rpos == c->rend) c->rpos = c->rend = 0;
    else if (c->rpos)
    {
        memmove(c->rbuf, c->rbuf + c->rpos, c->rend - c->rpos);
        c->rend -= c->rpos;
        c->rpos = 0;
    }
    if (c->rend == RBUF_SIZE) return -1;
    n = sock_read_some(c->fd, c->tls, c->rbuf + c->rend, RBUF_SIZE - c->rend);
    if (n <= 0) return -1;
    c->rend += (size_t)n;
    return 0;
}

static void ws_free(wsconn *c)
{
    if (c->tls) gnutls_deinit(c->tls);
    close(c->fd);
    free(c);
}

/* TCP connect, TLS handshake for wss, WebSocket opening handshake. */
static wsconn *ws_connect(void)
{
    struct sockaddr_in sa;
    wsconn *c = malloc(sizeof(*c));
    uint8_t nonce[16];
    char key[WS_KEY_LEN + 1], *resp, *end, *p;
    int one = 1, n, ok_accept = 0;
    size_t hl;

    if (!c) die("out of memory");
    c->rpos = c->rend = 0;
    c->tls = NULL;
    if (getrandom(&c->rng, sizeof(c->rng), 0) != sizeof(c->rng)) c->rng = (uint64_t)now_s() * 1000003u;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0) die("socket failed");
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(port);
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) die("connect to 127.0.0.1 failed");

    if (use_tls)
    {
        int r;
        if (gnutls_init(&c->tls, GNUTLS_CLIENT) < 0 || gnutls_set_default_priority(c->tls) < 0
            || gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, cred) < 0)
            die("TLS session setup failed");
        if (resume_on && resume_data.size) gnutls_session_set_data(c->tls, resume_data.data, resume_data.size);
        /* with --ca, the server's chain and name are verified in the
         * handshake, every time (resumed too), as a WinHTTP client's are */
        if (ca_file) gnutls_session_set_verify_cert(c->tls, "127.0.0.1", 0);
        gnutls_transport_set_int(c->tls, c->fd);
        gnutls_handshake_set_timeout(c->tls, 10000);
        do r = gnutls_handshake(c->tls);
        while (r < 0 && !gnutls_error_is_fatal(r));
        if (r < 0)
        {
            fprintf(stderr, "native_client: TLS handshake: %s\n", gnutls_strerror(r));
            exit(1);
        }
    }

    for (n = 0; n < 16; n += 8)
    {
        uint64_t v = next_rand(&c->rng);
        memcpy(nonce + n, &v, 8);
    }
    ws_make_key(nonce, key);
    n = snprintf((char *)c->sbuf, SBUF_SIZE,
                 "GET / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", port, key);
    if (sock_write_all(c->fd, c->tls, c->sbuf, (size_t)n)) die("sending the upgrade request failed");

    resp = (char *)c->rbuf;
    while (!(end = c->rend >= 4 ? memmem(resp, c->rend, "\r\n\r\n", 4) : NULL))
        if (fill(c)) die("no upgrade response");
    hl = (size_t)(end - resp) + 4;
    if (hl < 12 || strncmp(resp, "HTTP/1.1 101", 12)) die("upgrade refused");
    for (p = memchr(resp, '\n', hl); p && p + 1 < end; p = memchr(p + 1, '\n', (size_t)(end + 2 - (p + 1))))
    {
        static const char name[] = "Sec-WebSocket-Accept:";
        char *v = p + 1, *ve = memchr(v, '\n', (size_t)(end + 2 - v));
        if (ve && (size_t)(ve - v) > sizeof(name) - 1 && !strncasecmp(v, name, sizeof(name) - 1))
        {
            v += sizeof(name) - 1;
            if (ve[-1] == '\r') ve--;
            ok_accept = ws_accept_matches(key, WS_KEY_LEN, v, (size_t)(ve - v));
        }
    }
    if (!ok_accept) die("bad Sec-WebSocket-Accept");
    c->rpos = hl;
    return c;
}

/* ---- messages ---- */

/* Send one message (FIN set), masked with a fresh key; header and up to
 * 64 KiB of payload in one write, the rest in 64 KiB chunks. */
static int ws_send(wsconn *c, int opcode, const uint8_t *data, size_t len)
{
    uint64_t r = next_rand(&c->rng);
    uint8_t mask[4];
    size_t hl, n, off;

    memcpy(mask, &r, 4);
    hl = wsf_encode_header(c->sbuf, 1, opcode, len, mask);
    n = len < 65536 ? len : 65536;
    wsf_mask(c->sbuf + hl, data, n, mask, 0);
    if (sock_write_all(c->fd, c->tls, c->sbuf, hl + n)) return -1;
    for (off = n; off < len; off += n)
    {
        n = len - off < 65536 ? len - off : 65536;
        wsf_mask(c->sbuf, data + off, n, mask, off);
        if (sock_write_all(c->fd, c->tls, c->sbuf, n)) return -1;
    }
    return 0;
}

/* Receive one whole message.  Copies up to cap bytes into dst (may be NULL)
 * and returns its length in *total and its type in *opcode.  Pings and pongs
 * are skipped (the echo server sends none); a close frame is an error. */
static int ws_recv(wsconn *c, uint8_t *dst, size_t cap, uint64_t *total, int *opcode)
{
    int first = 1;

    *total = 0;
    for (;;)
    {
        wsf_header h;
        uint64_t left;
        int r;

        while (!(r = wsf_parse_header(c->rbuf + c->rpos, c->rend - c->rpos, 1, &h)))
            if (fill(c)) return -1;
        if (r < 0) return -1;
        c->rpos += h.header_len;
        left = h.payload_len;
        if (h.opcode & 0x8)
        {
            while (c->rend - c->rpos < left)
                if (fill(c)) return -1;
            c->rpos += (size_t)left;
            if (h.opcode == WSF_OP_CLOSE) return -1;
            continue;
        }
        if (first != (h.opcode != WSF_OP_CONTINUATION)) return -1;
        if (first) *opcode = h.opcode;
        first = 0;
        while (left)
        {
            size_t n = c->rend - c->rpos;
            if (!n)
            {
                if (fill(c)) return -1;
                continue;
            }
            if (n > left) n = (size_t)left;
            if (dst && *total < cap)
                memcpy(dst + *total, c->rbuf + c->rpos, cap - *total < n ? cap - *total : n);
            c->rpos += n;
            *total += n;
            left -= n;
        }
        if (h.fin) return 0;
    }
}

/* Close handshake: send 1000, wait for the server's close, drop the connection. */
static void ws_close(wsconn *c)
{
    uint8_t code[2] = { 0x03, 0xe8 };
    uint64_t r = next_rand(&c->rng);
    uint8_t mask[4];
    size_t hl;

    memcpy(mask, &r, 4);
    hl = wsf_encode_header(c->sbuf, 1, WSF_OP_CLOSE, 2, mask);
    wsf_mask(c->sbuf + hl, code, 2, mask, 0);
    if (!sock_write_all(c->fd, c->tls, c->sbuf, hl + 2))
    {
        for (;;)
        {
            wsf_header h;
            int n = wsf_parse_header(c->rbuf + c->rpos, c->rend - c->rpos, 1, &h);
            if (n < 0) break;
            if (!n || c->rend - c->rpos < h.header_len + h.payload_len)
            {
                if (fill(c)) break;
                continue;
            }
            c->rpos += h.header_len + (size_t)h.payload_len;
            if (h.opcode == WSF_OP_CLOSE) break;
        }
    }
    ws_free(c);
}

/* ---- workloads ---- */

static uint8_t *pattern;  /* BIG_MSG bytes of payload */

static void report(const char *workload, double value, const char *unit)
{
    printf("result native %s %s %.2f %s\n", scheme, workload, value, unit);
    fflush(stdout);
}

/* the CPU cost of a workload: rt16 -> cpu-rt16 */
static void report_cpu(const char *workload, double value, const char *unit)
{
    printf("result native %s cpu-%s %.3f %s\n", scheme, workload, value, unit);
    fflush(stdout);
}

/* user + system CPU seconds of this process so far */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* where echoes are copied, as a WinHTTP client gets them in its buffer */
static uint8_t *echo_buf;

static void round_trip(wsconn *c, int opcode, size_t len)
{
    uint8_t *echo = echo_buf;
    uint64_t got;
    int op;

    if (ws_send(c, opcode, pattern, len)) die("send failed");
    if (ws_recv(c, echo, len, &got, &op)) die("receive failed");
    if (got != len || op != opcode)
    {
        fprintf(stderr, "native_client: echo of %zu bytes came back as %llu bytes, opcode %d\n",
                len, (unsigned long long)got, op);
        exit(1);
    }
    if (len == 16 && memcmp(echo, pattern, 16)) die("echo of 16 bytes differs");
}

/* Keep c's TLS session for the next connection (TLS 1.3: once the ticket came). */
static void keep_session(wsconn *c)
{
    if (!c->tls || (gnutls_protocol_get_version(c->tls) == GNUTLS_TLS1_3
                    && !(gnutls_session_get_flags(c->tls) & GNUTLS_SFLAGS_SESSION_TICKET)))
        return;
    gnutls_free(resume_data.data);
    resume_data.data = NULL;
    resume_data.size = 0;
    gnutls_session_get_data2(c->tls, &resume_data);
}

/* Connection set-up: connect, TLS handshake (resuming), upgrade, one 16-byte
 * round trip, close handshake, one after the other; us per connection. */
static void run_setup(const char *name)
{
    double t0, t, c0;
    long count = 0, i;
    wsconn *c;

    resume_on = 1;
    for (i = 0; i < SETUP_WARMUP; i++)
    {
        c = ws_connect();
        round_trip(c, WSF_OP_TEXT, 16);
        keep_session(c);
        ws_close(c);
    }
    t0 = now_s();
    c0 = cpu_s();
    do
    {
        c = ws_connect();
        round_trip(c, WSF_OP_TEXT, 16);
        keep_session(c);
        ws_close(c);
        count++;
        t = now_s();
    } while (count < SETUP_MIN || t - t0 < RT_SECONDS);
    c0 = cpu_s() - c0;
    resume_on = 0;
    report(name, (t - t0) * 1e6 / (double)count, "us");
    report_cpu(name, c0 * 1000.0 / (double)count, "s/1k");
}

static void run_rt(const char *name, int opcode, size_t len)
{
    wsconn *c = ws_connect();
    double t0, t, c0;
    long count = 0, i;

    for (i = 0; i < WARMUP_RT; i++) round_trip(c, opcode, len);
    t0 = now_s();
    c0 = cpu_s();
    do
    {
        round_trip(c, opcode, len);
        count++;
        t = now_s();
    } while (count < MIN_RT || t - t0 < RT_SECONDS);
    c0 = cpu_s() - c0;
    ws_close(c);
    report(name, (t - t0) * 1e6 / (double)count, "us");
    report_cpu(name, c0 * 100000.0 / (double)count, "s/100k");
}

struct sender
{
    wsconn *c;
    size_t msg;
    long count;
    double t0;
    int err;
};

static void *sender_thread(void *arg)
{
    struct sender *s = arg;
    long i;

    s->t0 = now_s();
    for (i = 0; i < s->count; i++)
        if (ws_send(s->c, WSF_OP_BINARY, pattern, s->msg))
        {
            s->err = 1;
            break;
        }
    return NULL;
}

static void run_bulk(const char *name, size_t msg, unsigned mib, int timed)
{
    struct sender s;
    pthread_t t;
    uint64_t want, got = 0, n;
    double t1, c0;
    long i;
    int op;

    s.c = ws_connect();
    c0 = cpu_s();
    s.msg = msg;
    s.count = (long)(((uint64_t)mib << 20) / msg);
    s.err = 0;
    if (!s.count) s.count = 1;
    want = (uint64_t)s.count * msg;
    if (pthread_create(&t, NULL, sender_thread, &s)) die("cannot start the sender thread");
    for (i = 0; i < s.count; i++)
    {
        if (ws_recv(s.c, echo_buf, msg, &n, &op)) die("receive failed during bulk transfer");
        got += n;
    }
    t1 = now_s();
    pthread_join(t, NULL);
    if (s.err) die("send failed during bulk transfer");
    if (got != want)
    {
        fprintf(stderr, "native_client: sent %llu bytes, received %llu\n",
                (unsigned long long)want, (unsigned long long)got);
        exit(1);
    }
    ws_close(s.c);
    c0 = cpu_s() - c0;
    if (timed) report(name, (double)want / 1048576.0 / (t1 - s.t0), "MiBps");
    if (timed) report_cpu(name, c0 * 1073741824.0 / (double)want, "s/GiB");
}

/* A number field of /proc/self/status (VmRSS: in KiB, Threads:). */
static long self_status(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    size_t fl = strlen(field);
    char line[256];
    long v = -1;

    if (!f) die("cannot open /proc/self/status");
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, field, fl)) v = strtol(line + fl, NULL, 10);
    fclose(f);
    if (v < 0)
    {
        fprintf(stderr, "native_client: no %s in /proc/self/status\n", field);
        exit(1);
    }
    return v;
}

static long vmrss_kib(void)
{
    return self_status("VmRSS:");
}

/* The cost of one more idle connection: n/2 are opened first (they absorb
 * one-time set-up and memory the allocator already holds), then the
 * resident memory the other n - n/2 add, divided by their number; the
 * WinHTTP client measures the same way. */
static void run_idle(long n)
{
    wsconn **conns = calloc((size_t)n, sizeof(*conns));
    long mid, after, i, half = n / 2;

    if (!conns) die("out of memory");
    if (n < 2) die("--idle must be at least 2");
    for (i = 0; i < half; i++) conns[i] = ws_connect();
    mid = vmrss_kib();
    for (; i < n; i++) conns[i] = ws_connect();
    after = vmrss_kib();
    for (i = 0; i < n; i++) ws_free(conns[i]);
    free(conns);
    report("idle", (double)(after - mid) / (double)(n - half), "KiB");
}

/* N connections open at once, then an echo on each (see the top of the
 * file); memory measured as run_idle does. */
static void run_scale(long n)
{
    wsconn **conns = calloc((size_t)n, sizeof(*conns));
    long mid = 0, after, threads, i, half = n / 2;
    double t0, paused = 0, t_open, t;
    struct rlimit rl;
    uint8_t msg[32], echo[16];  /* "echo " and the index in 11 digits: 16 bytes */
    uint64_t got;
    int op;

    if (!conns) die("out of memory");
    if (n < 2) die("--scale must be at least 2");
    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY
        && rl.rlim_cur < (rlim_t)(n + SCALE_FD_SPARE))
    {
        fprintf(stderr, "native_client: scale: %ld connections need %ld descriptors, the limit is %ld "
                "(ulimit -Hn); no figures\n", n, n + SCALE_FD_SPARE, (long)rl.rlim_cur);
        exit(1);
    }
    threads = self_status("Threads:");
    t0 = now_s();
    for (i = 0; i < n; i++)
    {
        if (i == half)
        {
            t = now_s();
            mid = vmrss_kib();
            paused = now_s() - t;
        }
        conns[i] = ws_connect();
    }
    t_open = now_s() - t0 - paused;
    after = vmrss_kib();
    threads = self_status("Threads:") - threads;
    report("scale-open", t_open * 1e3, "ms");
    report("scale-mem", (double)(after - mid) / (double)(n - half), "KiB");
    report("scale-threads", (double)threads, "threads");

    t0 = now_s();
    for (i = 0; i < n; i++)
    {
        snprintf((char *)msg, sizeof(msg), "echo %011ld", i);
        if (ws_send(conns[i], WSF_OP_TEXT, msg, 16) || ws_recv(conns[i], echo, sizeof(echo), &got, &op))
        {
            fprintf(stderr, "native_client: scale: socket %ld: the echo failed (send or receive)\n", i);
            exit(1);
        }
        if (got != 16 || op != WSF_OP_TEXT || memcmp(echo, msg, 16))
        {
            fprintf(stderr, "native_client: scale: socket %ld: the echo differs (%llu bytes, opcode %d)\n", i,
                    (unsigned long long)got, op);
            exit(1);
        }
    }
    report("scale-echo", (now_s() - t0) * 1e3, "ms");
    for (i = 0; i < n; i++) ws_free(conns[i]);
    free(conns);
}

int main(int argc, char **argv)
{
    const char *workloads = "rt16,rt1k,rt64k,bulk64k,bulk1m,idle";
    long reps = 3, idle = 1000, scale = 10000, bulk_mib = 128, i;
    char *list, *w, *save;
    struct rlimit rl;
    int r;

    for (i = 1; i < argc; i++)
    {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) die("missing option value");
        i++;
        if (!strcmp(a, "--scheme")) scheme = v;
        else if (!strcmp(a, "--port")) port = (unsigned short)atoi(v);
        else if (!strcmp(a, "--reps")) reps = atol(v);
        else if (!strcmp(a, "--workloads")) workloads = v;
        else if (!strcmp(a, "--bulk-mib")) bulk_mib = atol(v);
        else if (!strcmp(a, "--idle")) idle = atol(v);
        else if (!strcmp(a, "--scale")) scale = atol(v);
        else if (!strcmp(a, "--ca")) ca_file = v;
        else die("usage: native_client --scheme ws|wss --port PORT [--reps N] [--workloads LIST] "
                 "[--bulk-mib M] [--idle N] [--scale N] [--ca CA.pem]");
    }
    if (strcmp(scheme, "ws") && strcmp(scheme, "wss")) die("--scheme must be ws or wss");
    if (!port || reps < 1 || bulk_mib < 1 || idle < 1 || scale < 1) die("bad --port, --reps, --bulk-mib, --idle or --scale");
    use_tls = !strcmp(scheme, "wss");

    signal(SIGPIPE, SIG_IGN);
    /* one descriptor per connection (scale): as many as the hard limit allows */
    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max)
    {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (use_tls && ((r = gnutls_global_init()) < 0 || (r = gnutls_certificate_allocate_credentials(&cred)) < 0))
    {
        fprintf(stderr, "native_client: TLS setup: %s\n", gnutls_strerror(r));
        return 1;
    }
    if (use_tls && ca_file && (r = gnutls_certificate_set_x509_trust_file(cred, ca_file, GNUTLS_X509_FMT_PEM)) < 1)
    {
        fprintf(stderr, "native_client: no CA certificate in %s: %s\n", ca_file, r < 0 ? gnutls_strerror(r) : "none");
        return 1;
    }

    pattern = malloc(BIG_MSG);
    echo_buf = malloc(BIG_MSG);
    if (!pattern || !echo_buf) die("out of memory");
    for (i = 0; i < (int)BIG_MSG; i++) pattern[i] = (uint8_t)('a' + i % 26);

    list = strdup(workloads);
    for (w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save))
    {
        if (!strcmp(w, "idle"))
        {
            run_idle(idle);
            continue;
        }
        if (!strcmp(w, "scale"))
        {
            run_scale(scale);
            continue;
        }
        /* one untimed transfer first: connection slow start, thread set-up */
        if (!strcmp(w, "bulk64k")) run_bulk(w, 65536, BULK_WARMUP_MIB, 0);
        if (!strcmp(w, "bulk1m")) run_bulk(w, 1 << 20, BULK_WARMUP_MIB, 0);
        for (i = 0; i < reps; i++)
        {
            if (!strcmp(w, "rt16")) run_rt(w, WSF_OP_TEXT, 16);
            else if (!strcmp(w, "setup")) run_setup(w);
            else if (!strcmp(w, "rt1k")) run_rt(w, WSF_OP_BINARY, 1024);
            else if (!strcmp(w, "rt64k")) run_rt(w, WSF_OP_BINARY, 65536);
            else if (!strcmp(w, "bulk64k")) run_bulk(w, 65536, (unsigned)bulk_mib, 1);
            else if (!strcmp(w, "bulk1m")) run_bulk(w, 1 << 20, (unsigned)bulk_mib, 1);
            else if (!strcmp(w, "bulk16m")) run_bulk(w, BIG_MSG, (unsigned)bulk_mib, 1);
            else
            {
                fprintf(stderr, "native_client: unknown workload %s\n", w);
                return 1;
            }
        }
    }
    free(list);
    free(pattern);
    free(echo_buf);
    return 0;
}
