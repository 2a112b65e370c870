/*
 * Test of whnet.dll (the transport) against the local servers started by
 * tests/transport/run.sh, which passes their ports in PORTS (a JSON object)
 * and the test CA in SSL_CERT_FILE.
 */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "transport_test.h"

const struct whnet_ops *ops;
static int passed, failed;
const char *current;

void ok_(int line, int cond, const char *fmt, ...)
{
    va_list ap;
    if (cond) { passed++; return; }
    failed++;
    printf("FAIL %s (line %d): ", current, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

uint16_t port(const char *name)
{
    const char *ports = getenv("PORTS"), *p;
    char key[64];
    snprintf(key, sizeof(key), "\"%s\":", name);
    if (!ports || !(p = strstr(ports, key)))
    {
        printf("no port for %s in PORTS\n", name);
        exit(2);
    }
    return (uint16_t)atoi(p + strlen(key));
}

uint32_t open_conn(const char *server, whnet_conn *c)
{
    *c = 0;
    return ops->connect("127.0.0.1", port(server), 5000, WHNET_INFINITE, c);
}

uint32_t open_tls(const char *server, const char *name, uint32_t ignore, uint32_t *errs, whnet_conn *c)
{
    uint32_t r = open_conn(server, c);
    *errs = 0xdeadbeef;
    if (r) return 0x10000 | r;
    r = ops->tls_handshake(*c, name, ignore, 5000, errs);
    if (r)
    {
        ops->close(*c);
        *c = 0;
    }
    return r;
}

/* Receives exactly len bytes; returns an error, or ~0u on early EOF. */
uint32_t recv_all(whnet_conn c, void *buf, uint32_t len, uint32_t timeout)
{
    uint32_t got = 0, n, r;
    while (got < len)
    {
        if ((r = ops->recv(c, (char *)buf + got, len - got, timeout, &n))) return r;
        if (!n) return ~0u;
        got += n;
    }
    return 0;
}

uint32_t send1(whnet_conn c, const void *data, uint32_t len)
{
    struct whnet_buf b = { data, len };
    return ops->send(c, &b, 1, 5000);
}

static void roundtrip(whnet_conn c, const char *msg)
{
    char buf[256];
    uint32_t len = (uint32_t)strlen(msg), r;
    r = send1(c, msg, len);
    ok(!r, "send: %u", r);
    memset(buf, 0, sizeof(buf));
    r = recv_all(c, buf, len, 5000);
    ok(!r && !memcmp(buf, msg, len), "echo of '%s': r=%u got '%.*s'", msg, r, (int)len, buf);
}

static void expect_eof(whnet_conn c)
{
    char buf[16];
    uint32_t n = 99, r = ops->recv(c, buf, sizeof(buf), 5000, &n);
    ok(!r && !n, "expected EOF, r=%u n=%u", r, n);
}

/* ---- plain TCP ---- */

static void test_get_ops(HMODULE mod)
{
    whnet_get_ops_fn get = (whnet_get_ops_fn)(void *)GetProcAddress(mod, "whnet_get_ops");
    current = "get_ops";
    ok(get != NULL, "no whnet_get_ops export");
    if (!get) return;
    ok(get(WHNET_INTERFACE_VERSION + 1) == NULL, "a newer interface version accepted");
    ops = get(WHNET_INTERFACE_VERSION);
    ok(ops != NULL, "whnet_get_ops(1) returned NULL (whnet.so not attached?)");
    if (ops) ok(ops->version == WHNET_INTERFACE_VERSION, "version %u", ops->version);
}

static void test_connect_errors(void)
{
    whnet_conn c = 0;
    uint32_t r;

    current = "connect_errors";
    r = ops->connect("127.0.0.1", port("refused"), 5000, WHNET_INFINITE, &c);
    ok(r == ERR_CANNOT_CONNECT && !c, "refused: %u", r);
    r = ops->connect("::1", port("refused"), 5000, WHNET_INFINITE, &c);
    ok(r == ERR_CANNOT_CONNECT && !c, "refused ::1: %u", r);
    r = ops->connect("nonexistent.invalid", 80, 5000, WHNET_INFINITE, &c);
    ok(r == ERR_NOT_RESOLVED && !c, "bad name: %u", r);
    r = ops->connect(NULL, 80, 5000, WHNET_INFINITE, &c);
    ok(r == ERROR_INVALID_PARAMETER, "NULL host: %u", r);
}

static void test_echo(void)
{
    whnet_conn c;
    uint32_t r;

    current = "echo";
    r = open_conn("echo", &c);
    ok(!r && c, "connect: %u", r);
    if (r) return;
    {
        uint32_t size, proto, bits;
        r = ops->peer_certificate(c, 0, NULL, 0, &size);
        ok(r == ERROR_INVALID_PARAMETER, "peer_certificate without TLS: %u", r);
        r = ops->tls_info(c, &proto, &bits, NULL);
        ok(r == ERROR_INVALID_PARAMETER, "tls_info without TLS: %u", r);
        r = ops->tls_set_protocols(c, 0x10000);
        ok(r == ERROR_INVALID_PARAMETER, "tls_set_protocols, unknown bit: %u", r);
    }
    roundtrip(c, "hello world");
    roundtrip(c, "second message");
    r = ops->shutdown_send(c);
    ok(!r, "shutdown_send: %u", r);
    expect_eof(c);
    ops->close(c);

    /* by name: localhost may resolve to ::1 first, which nobody serves */
    r = ops->connect("localhost", port("echo"), 5000, WHNET_INFINITE, &c);
    ok(!r, "connect localhost: %u", r);
    if (!r)
    {
        roundtrip(c, "via localhost");
        ops->close(c);
    }
}

void fill_pattern(unsigned char *p, size_t len, size_t offset)
{
    size_t i;
    for (i = 0; i < len; i++)
    {
        size_t x = i + offset;
        p[i] = (unsigned char)(x * 7 + (x >> 9) + (x >> 17));
    }
}

static size_t check_pattern(const unsigned char *p, size_t len, size_t offset)
{
    size_t i;
    for (i = 0; i < len; i++)
    {
        size_t x = i + offset;
        if (p[i] != (unsigned char)(x * 7 + (x >> 9) + (x >> 17))) return i;
    }
    return len;
}

static void multibuf(whnet_conn c)
{
    static unsigned char big[100000], back[100000 + 40000];
    struct whnet_buf bufs[100];
    uint32_t i, total = 0, r, off = 0;

    fill_pattern(big, sizeof(big), 0);
    /* a few small buffers, an empty one, then a big one */
    bufs[0].data = big;          bufs[0].len = 3;
    bufs[1].data = big + 3;      bufs[1].len = 0;
    bufs[2].data = big + 3;      bufs[2].len = 5;
    bufs[3].data = big + 8;      bufs[3].len = 99992;
    r = ops->send(c, bufs, 4, 5000);
    ok(!r, "send 4 buffers: %u", r);
    r = recv_all(c, back, sizeof(big), 5000);
    ok(!r && check_pattern(back, sizeof(big), 0) == sizeof(big), "4 buffers: r=%u, mismatch at %u", r,
       (unsigned)check_pattern(back, sizeof(big), 0));

    /* more buffers than one batch */
    for (i = 0; i < 100; i++)
    {
        bufs[i].data = big + off;
        bufs[i].len = i * 7 % 23 + (i == 50 ? 20000 : 0);
        off += bufs[i].len;
    }
    total = off;
    r = ops->send(c, bufs, 100, 5000);
    ok(!r, "send 100 buffers: %u", r);
    r = recv_all(c, back, total, 5000);
    ok(!r && check_pattern(back, total, 0) == total, "100 buffers: r=%u, mismatch at %u", r,
       (unsigned)check_pattern(back, total, 0));
    r = ops->send(c, bufs, 0, 5000);
    ok(!r, "send 0 buffers: %u", r);
}

static void test_multibuf(void)
{
    whnet_conn c;
    uint32_t r;

    current = "multibuf";
    if ((r = open_conn("echo", &c))) { ok(0, "connect: %u", r); return; }
    multibuf(c);
    ops->close(c);
}

#define BIG_SIZE (8u << 20)
#define CHUNK (64u << 10)

struct sender { whnet_conn c; uint32_t result; };

static DWORD WINAPI sender_thread(void *arg)
{
    struct sender *s = arg;
    static unsigned char chunk[2][CHUNK];
    uint32_t sent = 0, r = 0;

    while (sent < BIG_SIZE && !r)
    {
        unsigned char *p = chunk[(sent / CHUNK) & 1];
        struct whnet_buf b[2];
        fill_pattern(p, CHUNK, sent);
        b[0].data = p; b[0].len = 10;
        b[1].data = p + 10; b[1].len = CHUNK - 10;
        r = ops->send(s->c, b, 2, 30000);
        sent += CHUNK;
    }
    if (!r) r = ops->shutdown_send(s->c);
    s->result = r;
    return 0;
}

static void large_duplex(whnet_conn c)
{
    static unsigned char buf[CHUNK + 1000];
    struct sender s = { c, 0xffff };
    HANDLE th;
    uint32_t got = 0, n, r = 0;
    size_t bad = 0;
    ULONGLONG t0 = GetTickCount64();

    th = CreateThread(NULL, 0, sender_thread, &s, 0, NULL);
    while (got <= BIG_SIZE)
    {
        if ((r = ops->recv(c, buf, sizeof(buf), 30000, &n))) break;
        if (!n) break;
        if (!bad && check_pattern(buf, n, got) != n) bad = got + check_pattern(buf, n, got) + 1;
        got += n;
    }
    WaitForSingleObject(th, 30000);
    CloseHandle(th);
    ok(!r && got == BIG_SIZE, "recv: r=%u got %u of %u", r, got, BIG_SIZE);
    ok(!bad, "data differs at %u", (unsigned)(bad - 1));
    ok(!s.result, "sender: %u", s.result);
    printf("  %s: 8 MiB echoed in %u ms\n", current, (unsigned)(GetTickCount64() - t0));
}

static void test_large_duplex(void)
{
    whnet_conn c;
    uint32_t r;

    current = "large_duplex";
    if ((r = open_conn("echo", &c))) { ok(0, "connect: %u", r); return; }
    large_duplex(c);
    ops->close(c);
}

static void test_timeout(void)
{
    whnet_conn c;
    char buf[16];
    uint32_t r, n = 99;
    ULONGLONG t0, dt;

    current = "timeout";
    if ((r = open_conn("echo", &c))) { ok(0, "connect: %u", r); return; }
    t0 = GetTickCount64();
    r = ops->recv(c, buf, sizeof(buf), 300, &n);
    dt = GetTickCount64() - t0;
    ok(r == ERR_TIMEOUT, "recv: %u", r);
    ok(dt >= 250 && dt < 2000, "recv timeout took %u ms", (unsigned)dt);
    ok(n == 0, "received %u", n);
    roundtrip(c, "still usable");
    ops->close(c);

    /* a send that cannot complete: the peer never reads */
    if ((r = open_conn("silent", &c))) { ok(0, "connect silent: %u", r); return; }
    {
        static char junk[1 << 20];
        int i;
        struct whnet_buf b = { junk, sizeof(junk) };
        t0 = GetTickCount64();
        for (i = 0; i < 256; i++)
            if ((r = ops->send(c, &b, 1, 300))) break;
        dt = GetTickCount64() - t0;
        ok(r == ERR_TIMEOUT, "send to silent peer: %u after %d MiB", r, i);
        ok(dt < 10000, "send timeout took %u ms", (unsigned)dt);
    }
    ops->close(c);
}

struct blocked { whnet_conn c; int what; uint32_t result; ULONGLONG done; };

static DWORD WINAPI blocked_thread(void *arg)
{
    struct blocked *b = arg;
    static char junk[1 << 20];
    char buf[64];
    uint32_t n, errs;
    int i;

    switch (b->what)
    {
    case 0:
        b->result = ops->recv(b->c, buf, sizeof(buf), WHNET_INFINITE, &n);
        break;
    case 1:
        for (i = 0; i < 1024; i++)
        {
            struct whnet_buf wb = { junk, sizeof(junk) };
            if ((b->result = ops->send(b->c, &wb, 1, WHNET_INFINITE))) break;
        }
        break;
    case 2:
        b->result = ops->tls_handshake(b->c, "localhost", 0, WHNET_INFINITE, &errs);
        break;
    }
    b->done = GetTickCount64();
    return 0;
}

static void cancel_blocked(whnet_conn c, int what, const char *desc)
{
    struct blocked b = { c, what, 0xffff, 0 };
    HANDLE th = CreateThread(NULL, 0, blocked_thread, &b, 0, NULL);
    ULONGLONG t0;
    DWORD w;
    char buf[8];
    uint32_t r, n;

    Sleep(300);
    ok(!b.done, "%s returned early: %u", desc, b.result);
    t0 = GetTickCount64();
    r = ops->cancel(c);
    ok(!r, "cancel: %u", r);
    w = WaitForSingleObject(th, 5000);
    ok(w == WAIT_OBJECT_0, "%s still blocked after cancel", desc);
    if (w == WAIT_OBJECT_0)
    {
        ok(b.result == ERR_CANCELLED, "%s: %u", desc, b.result);
        ok(b.done - t0 < 1000, "%s took %u ms to notice", desc, (unsigned)(b.done - t0));
    }
    CloseHandle(th);
    /* sticky */
    r = ops->recv(c, buf, sizeof(buf), 1000, &n);
    ok(r == ERR_CANCELLED, "later recv: %u", r);
    r = send1(c, "x", 1);
    ok(r == ERR_CANCELLED, "later send: %u", r);
    r = ops->cancel(c);
    ok(!r, "second cancel: %u", r);
}

static void test_cancel(void)
{
    whnet_conn c;
    uint32_t r;

    current = "cancel_recv";
    if ((r = open_conn("echo", &c))) { ok(0, "connect: %u", r); return; }
    cancel_blocked(c, 0, "recv");
    ops->close(c);

    current = "cancel_send";
    if ((r = open_conn("silent", &c))) { ok(0, "connect: %u", r); return; }
    cancel_blocked(c, 1, "send");
    ops->close(c);

    current = "cancel_handshake";
    if ((r = open_conn("silent", &c))) { ok(0, "connect: %u", r); return; }
    cancel_blocked(c, 2, "tls_handshake");
    ops->close(c);
}

static void test_eof(void)
{
    whnet_conn c;
    char buf[16];
    uint32_t r;

    current = "eof";
    if ((r = open_conn("eof", &c))) { ok(0, "connect: %u", r); return; }
    memset(buf, 0, sizeof(buf));
    r = recv_all(c, buf, 5, 5000);
    ok(!r && !memcmp(buf, "hello", 5), "recv: %u '%s'", r, buf);
    expect_eof(c);
    expect_eof(c);
    ops->close(c);

    current = "closeafter";
    if ((r = open_conn("closeafter", &c))) { ok(0, "connect: %u", r); return; }
    r = send1(c, "0123456789", 10);
    ok(!r, "send: %u", r);
    memset(buf, 0, sizeof(buf));
    r = recv_all(c, buf, 5, 5000);
    ok(!r && !memcmp(buf, "01234", 5), "recv: %u '%s'", r, buf);
    expect_eof(c);
    ops->close(c);
}

static void test_reset(void)
{
    whnet_conn c;
    char buf[16];
    uint32_t r, n;

    current = "reset";
    if ((r = open_conn("reset", &c))) { ok(0, "connect: %u", r); return; }
    r = send1(c, "x", 1);
    ok(!r, "send: %u", r);
    r = ops->recv(c, buf, sizeof(buf), 5000, &n);
    ok(r == ERR_CONNECTION, "recv after reset: %u (n=%u)", r, n);
    /* writing to a dead connection must fail, not raise SIGPIPE */
    r = send1(c, "y", 1);
    ok(r == ERR_CONNECTION, "send after reset: %u", r);
    ops->close(c);
}

/* ---- TLS ---- */

/* peer_certificate and tls_info on a connection after its handshake */
static void tls_queries(whnet_conn c)
{
    unsigned char der[4096];
    uint32_t r, size = 0xdeadbeef, proto = 0, bits = 0;

    r = ops->peer_certificate(c, 0, NULL, 0, &size);
    ok(r == ERROR_INSUFFICIENT_BUFFER && size > 16 && size <= sizeof(der), "peer_certificate size: %u %u", r, size);
    r = ops->peer_certificate(c, 0, der, size - 1, &size);
    ok(r == ERROR_INSUFFICIENT_BUFFER, "peer_certificate, one byte short: %u", r);
    r = ops->peer_certificate(c, 0, der, sizeof(der), &size);
    ok(!r && size > 16 && der[0] == 0x30, "peer_certificate: %u %u %#x", r, size, der[0]);
    r = ops->peer_certificate(c, 99, der, sizeof(der), &size);
    ok(r == ERROR_NO_MORE_ITEMS, "peer_certificate past the end: %u", r);
    r = ops->peer_certificate(c, 0, der, sizeof(der), NULL);
    ok(r == ERROR_INVALID_PARAMETER, "peer_certificate without size: %u", r);
    r = ops->tls_info(c, &proto, &bits, NULL);
    ok(!r && (proto == WHNET_PROTO_TLS1_2 || proto == WHNET_PROTO_TLS1_3) && bits >= 128, "tls_info: %u %#x %u", r,
       proto, bits);
}

static void test_tls_good(void)
{
    whnet_conn c;
    uint32_t r, errs;

    current = "tls_good";
    r = open_tls("tls_good", "localhost", 0, &errs, &c);
    ok(!r && !errs, "handshake: %u errs %#x", r, errs);
    if (r) return;
    tls_queries(c);
    roundtrip(c, "hello over tls");
    multibuf(c);
    r = ops->shutdown_send(c);
    ok(!r, "shutdown_send: %u", r);
    expect_eof(c);
    ops->close(c);

    current = "tls_good_ip";
    r = open_tls("tls_good", "127.0.0.1", 0, &errs, &c);
    ok(!r && !errs, "handshake with IP name: %u errs %#x", r, errs);
    if (!r)
    {
        roundtrip(c, "by address");
        ops->close(c);
    }

    current = "tls_large_duplex";
    r = open_tls("tls_good", "localhost", 0, &errs, &c);
    ok(!r, "handshake: %u", r);
    if (!r)
    {
        large_duplex(c);
        ops->close(c);
    }

    current = "tls_eof";
    r = open_tls("tls_eof", "localhost", 0, &errs, &c);
    ok(!r, "handshake: %u", r);
    if (!r)
    {
        char buf[8] = {0};
        r = recv_all(c, buf, 5, 5000);
        ok(!r && !memcmp(buf, "hello", 5), "recv: %u '%s'", r, buf);
        expect_eof(c);
        ops->close(c);
    }

    current = "tls_cancel_recv";
    r = open_tls("tls_good", "localhost", 0, &errs, &c);
    ok(!r, "handshake: %u", r);
    if (!r)
    {
        cancel_blocked(c, 0, "tls recv");
        ops->close(c);
    }

    current = "tls_timeout";
    r = open_conn("silent", &c);
    ok(!r, "connect: %u", r);
    if (!r)
    {
        ULONGLONG t0 = GetTickCount64(), dt;
        r = ops->tls_handshake(c, "localhost", 0, 300, &errs);
        dt = GetTickCount64() - t0;
        ok(r == ERR_TIMEOUT, "handshake with silent peer: %u", r);
        ok(dt >= 250 && dt < 2000, "took %u ms", (unsigned)dt);
        ops->close(c);
    }

    current = "tls_not_tls";
    r = open_conn("eof", &c);
    ok(!r, "connect: %u", r);
    if (!r)
    {
        r = ops->tls_handshake(c, "localhost", 0, 5000, &errs);
        ok(r == ERR_SECURE, "handshake with plain server: %u", r);
        ops->close(c);
    }
}

static void check_cert(const char *server, uint32_t bits, uint32_t need, uint32_t not_enough)
{
    whnet_conn c;
    uint32_t r, errs;

    current = server;
    r = open_tls(server, "localhost", 0, &errs, &c);
    ok(r == ERR_SECURE, "no ignore flags: %u", r);
    ok((errs & bits) == bits, "errors %#x, expected bits %#x", errs, bits);
    ok(!(errs & ~bits & ~(WHNET_CERT_INVALID_CA | WHNET_CERT_CN_INVALID | WHNET_CERT_DATE_INVALID)),
       "unexpected errors %#x", errs);
    if (not_enough)
    {
        r = open_tls(server, "localhost", not_enough, &errs, &c);
        ok(r == ERR_SECURE, "ignore %#x should not be enough: %u", not_enough, r);
        if (!r) ops->close(c);
    }
    r = open_tls(server, "localhost", need, &errs, &c);
    ok(!r, "ignore %#x: %u (errs %#x)", need, r, errs);
    ok((errs & bits) == bits, "with ignore flags: errors %#x, expected bits %#x", errs, bits);
    if (!r)
    {
        roundtrip(c, "despite the certificate");
        ops->close(c);
    }
}

static void test_tls_certs(void)
{
    check_cert("tls_expired", WHNET_CERT_DATE_INVALID, WHNET_IGNORE_DATE_INVALID, WHNET_IGNORE_UNKNOWN_CA);
    check_cert("tls_wronghost", WHNET_CERT_CN_INVALID, WHNET_IGNORE_CN_INVALID, WHNET_IGNORE_DATE_INVALID);
    check_cert("tls_selfsigned", WHNET_CERT_INVALID_CA, WHNET_IGNORE_UNKNOWN_CA, WHNET_IGNORE_CN_INVALID);
    check_cert("tls_expired_wronghost", WHNET_CERT_DATE_INVALID | WHNET_CERT_CN_INVALID,
               WHNET_IGNORE_DATE_INVALID | WHNET_IGNORE_CN_INVALID, WHNET_IGNORE_DATE_INVALID);
    {
        whnet_conn c;
        uint32_t r, errs;
        current = "tls_expired_wronghost";
        r = open_tls(current, "localhost", WHNET_IGNORE_CN_INVALID | WHNET_IGNORE_UNKNOWN_CA, &errs, &c);
        ok(r == ERR_SECURE, "CN flag alone: %u", r);
        if (!r) ops->close(c);
    }
}

static void test_random(void)
{
    unsigned char a[32], b[32], zero[32];
    uint32_t r;

    current = "random";
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    memset(zero, 0, sizeof(zero));
    r = ops->random(a, sizeof(a));
    ok(!r, "random: %u", r);
    r = ops->random(b, sizeof(b));
    ok(!r, "random: %u", r);
    ok(memcmp(a, b, sizeof(a)) && memcmp(a, zero, sizeof(a)), "random bytes repeat or are zero");
    r = ops->random(a, 0);
    ok(!r, "random 0 bytes: %u", r);
}

/* ---- inflating (version 4): "hello hello hello" in each form, fed one
 * byte at a time into a 4-byte output buffer ---- */
static void inflate_one(const char *what, uint32_t kind, const unsigned char *in, uint32_t len, int extra)
{
    static const char plain[] = "hello hello hello";
    char out[64];
    uint32_t pos = 0, total = 0, consumed, produced, end = 0, r, rounds = 0, want;
    whnet_inflater f = 0;

    r = ops->inflate_create(kind, &f);
    ok(!r && f, "%s: inflate_create: %u", what, r);
    if (r) return;
    want = 1 + (uint32_t)extra;   /* grows while nothing moves: "more input first" */

    while (!end && rounds++ < 1000)
    {
        uint32_t n = pos + want > len ? len - pos : want;
        r = ops->inflate(f, in + pos, n, out + total, total + 4 <= sizeof(out) ? 4 : 0, &consumed, &produced, &end);
        if (r) break;
        ok(consumed <= n && produced <= 4, "%s: consumed %u of %u, produced %u", what, consumed, n, produced);
        pos += consumed;
        total += produced;
        if (!n && !produced && !end) break;   /* stuck */
        want = consumed || produced ? 1 + (uint32_t)extra : want + 1;
    }
    ok(!r && end && total == sizeof(plain) - 1 && !memcmp(out, plain, total) && pos == len,
       "%s: ret %u end %u, %u bytes out, %u of %u in", what, r, end, total, pos, len);
    r = ops->inflate(f, in, len, out, sizeof(out), &consumed, &produced, &end);
    ok(!r && end && !consumed && !produced, "%s: after the end: %u %u %u %u", what, r, end, consumed, produced);
    ops->inflate_free(f);
}

static void test_inflate(void)
{
    static const unsigned char gz[] = { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48,
        0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x90, 0x00, 0x80, 0x88, 0xf9, 0xe5, 0x11, 0x00, 0x00, 0x00 };
    static const unsigned char zl[] = { 0x78, 0x9c, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x90, 0x00,
        0x3a, 0x2e, 0x06, 0x7d };
    static const unsigned char bad[] = { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x07, 0xde,
        0xad };
    unsigned char gz_bad_crc[sizeof(gz)];
    char out[64];
    uint32_t r, consumed, produced, end;
    whnet_inflater f = 1;

    current = "inflate";
    r = ops->inflate_create(3, &f);
    ok(r == 87 && !f, "unknown kind: %u", r);
    inflate_one("gzip", WHNET_INFLATE_GZIP, gz, sizeof(gz), 0);
    inflate_one("gzip in 5-byte pieces", WHNET_INFLATE_GZIP, gz, sizeof(gz), 4);
    inflate_one("zlib", WHNET_INFLATE_DEFLATE, zl, sizeof(zl), 0);
    inflate_one("bare deflate", WHNET_INFLATE_DEFLATE, zl + 2, sizeof(zl) - 6, 0);
    inflate_one("bare deflate, one go", WHNET_INFLATE_DEFLATE, zl + 2, sizeof(zl) - 6, 100);

    if (!ops->inflate_create(WHNET_INFLATE_GZIP, &f))
    {
        r = ops->inflate(f, bad, sizeof(bad), out, sizeof(out), &consumed, &produced, &end);
        ok(r == 13 && !end, "invalid block type: %u", r);
        r = ops->inflate(f, gz, sizeof(gz), out, sizeof(out), &consumed, &produced, &end);
        ok(r == 13, "stays broken: %u", r);
        ops->inflate_free(f);
    }
    memcpy(gz_bad_crc, gz, sizeof(gz));
    gz_bad_crc[sizeof(gz) - 8] ^= 1;
    if (!ops->inflate_create(WHNET_INFLATE_GZIP, &f))
    {
        r = ops->inflate(f, gz_bad_crc, sizeof(gz), out, sizeof(out), &consumed, &produced, &end);
        ok(r == 13 && !end, "wrong CRC: %u", r);
        ops->inflate_free(f);
    }
    ops->inflate_free(0);
}

/* ---- readiness (the poller behind asynchronous receives) ---- */

static void test_watch(void)
{
    whnet_conn c, t;
    uint64_t tokens[8];
    uint32_t r, count, errs, n;
    char buf[16];

    current = "watch";
    r = open_conn("echo", &c);
    ok(!r, "connect: %u", r);
    if (r) return;
    r = ops->watch(c, 0);
    ok(r == ERROR_INVALID_PARAMETER, "token 0: %u", r);
    /* nothing to read: armed, and no event until data comes */
    r = ops->watch(c, 0x1234);
    ok(!r, "watch an idle connection: %u", r);
    count = 99;
    r = ops->wait_events(tokens, 8, 200, &count);
    ok(!r && !count, "wait with nothing readable: r=%u count=%u", r, count);
    r = send1(c, "ping", 4);
    ok(!r, "send: %u", r);
    count = 0;
    r = ops->wait_events(tokens, 8, 5000, &count);
    ok(!r && count == 1 && tokens[0] == 0x1234, "event for the echo: r=%u count=%u token=%#llx", r, count,
       count ? (unsigned long long)tokens[0] : 0ull);
    /* one event per watch */
    count = 99;
    r = ops->wait_events(tokens, 8, 100, &count);
    ok(!r && !count, "a second event without a second watch: r=%u count=%u", r, count);
    /* the echo is still unread: watch says so at once, arming nothing */
    r = ops->watch(c, 0x5678);
    ok(r == ERROR_MORE_DATA, "watch a readable connection: %u", r);
    count = 99;
    r = ops->wait_events(tokens, 8, 100, &count);
    ok(!r && !count, "an event after ERROR_MORE_DATA: r=%u count=%u", r, count);
    r = recv_all(c, buf, 4, 5000);
    ok(!r && !memcmp(buf, "ping", 4), "echo: %u", r);
    /* a closed connection leaves the poller with its watch: the echo on
     * its way makes no event */
    r = ops->watch(c, 0x9abc);
    ok(!r, "watch again: %u", r);
    r = send1(c, "pong", 4);
    ok(!r, "send: %u", r);
    ops->close(c);
    count = 99;
    r = ops->wait_events(tokens, 8, 300, &count);
    ok(!r && !count, "wait after closing a watched connection: r=%u count=%u", r, count);

    /* TLS: decrypted bytes held by GnuTLS count as readable */
    r = open_tls("tls_good", "localhost", 0, &errs, &t);
    ok(!r, "TLS connect: %u", r);
    if (r) return;
    r = send1(t, "abcdefgh", 8);
    ok(!r, "TLS send: %u", r);
    n = 0;
    r = ops->recv(t, buf, 1, 5000, &n);
    ok(!r && n == 1 && buf[0] == 'a', "TLS recv of 1 byte: r=%u n=%u", r, n);
    r = ops->watch(t, 0x4321);
    ok(r == ERROR_MORE_DATA, "watch with decrypted bytes pending: %u", r);
    r = recv_all(t, buf + 1, 7, 5000);
    ok(!r && !memcmp(buf, "abcdefgh", 8), "TLS rest of the echo: %u", r);
    ops->close(t);
}

int main(void)
{
    HMODULE mod;

    setvbuf(stdout, NULL, _IONBF, 0);
    current = "load";
    mod = LoadLibraryW(L"whnet.dll");
    ok(mod != NULL, "LoadLibrary(whnet.dll): %lu", GetLastError());
    if (mod) test_get_ops(mod);
    if (ops)
    {
        test_connect_errors();
        test_echo();
        test_multibuf();
        test_large_duplex();
        test_timeout();
        test_cancel();
        test_eof();
        test_reset();
        test_tls_good();
        test_tls_certs();
        test_random();
        test_inflate();
        test_watch();
        test_nowait();
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
