/*
 * Tests of send_nowait and watch_write (transport interface version 3)
 * against the sink servers of echo_server.js: connections that read nothing
 * until told to over the control connection, then report the byte count and
 * FNV-1a hash of everything they received, so lost, repeated or reordered
 * bytes show.  Each test fills a connection until send_nowait takes nothing,
 * checks that the write watch stays quiet while the server does not read,
 * lets the server read and checks that the watch fires and the rest goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "transport_test.h"

#define FILL_CHUNK (1u << 20)
#define FILL_LIMIT (64u << 20)   /* taking more than this without filling up is a failure */
#define SLOW_CALL_MS 2000        /* a send_nowait this slow was blocking, not busy */
#define QUIET_MS 300             /* how long "no event" is watched for */
#define EVENT_MS 10000           /* how long an expected event may take */
#define MAX_PAYLOAD 1000003u
#define MAX_BUFS 100
#define CYCLES 3000         /* close_cycles; NOWAIT_CYCLES in the environment overrides */

static whnet_conn ctl;  /* the control connection to the sink servers */
static unsigned char pattern[FILL_CHUNK], payload[MAX_PAYLOAD];
static uint64_t next_token = 0x7e57000000000000ull;

struct sink
{
    whnet_conn c;
    int tls;
    char id[8];         /* the server's name for this connection */
    const char *go;     /* the control command that makes the server read */
    uint64_t sent;      /* bytes the transport took */
    uint32_t hash;      /* FNV-1a of them, in order */
    uint32_t pending;   /* *pending of the last send_nowait */
    uint32_t slowest;   /* the longest send_nowait, ms */
};

static uint32_t fnv1a(uint32_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len--) h = (h ^ *p++) * 16777619u;
    return h;
}

/* One command line to the control server; its one-line answer in reply. */
static int control(const char *cmd, const char *id, char *reply, size_t size)
{
    char line[64];
    size_t len = 0;
    uint32_t r, n = 0;

    snprintf(line, sizeof(line), "%s %s\n", cmd, id ? id : "");
    if ((r = send1(ctl, line, (uint32_t)strlen(line)))) { ok(0, "control send: %u", r); return 0; }
    for (;;)
    {
        if ((r = ops->recv(ctl, reply + len, 1, EVENT_MS, &n)) || !n)
        {
            ok(0, "control answer to %s: r=%u n=%u", cmd, r, n);
            return 0;
        }
        if (reply[len] == '\n' || len + 2 >= size) break;
        len++;
    }
    reply[len] = 0;
    return 1;
}

static int command(const char *cmd, const char *id)
{
    char reply[32];
    if (!control(cmd, id, reply, sizeof(reply))) return 0;
    ok(!strcmp(reply, "ok"), "%s %s: answer '%s'", cmd, id, reply);
    return !strcmp(reply, "ok");
}

static int open_sink(struct sink *s, int tls)
{
    uint32_t r, errs;

    memset(s, 0, sizeof(*s));
    s->tls = tls;
    s->hash = 2166136261u;
    s->go = "go";
    r = tls ? open_tls("tls_sink", "localhost", 0, &errs, &s->c) : open_conn("sink", &s->c);
    if (r) { ok(0, "connect to the sink: %u", r); return 0; }
    r = recv_all(s->c, s->id, 8, EVENT_MS);
    ok(!r && s->id[7] == '\n', "sink id: r=%u", r);
    if (r) { ops->close(s->c); return 0; }
    s->id[7] = 0;
    return 1;
}

/* send_nowait, with the bytes it took added to s->sent and s->hash. */
static uint32_t nowait(struct sink *s, const struct whnet_buf *bufs, uint32_t count, uint32_t *taken)
{
    ULONGLONG t0 = GetTickCount64();
    uint32_t r, i, left, dt;

    *taken = s->pending = 0xdeadbeef;
    r = ops->send_nowait(s->c, bufs, count, taken, &s->pending);
    dt = (uint32_t)(GetTickCount64() - t0);
    if (dt > s->slowest) s->slowest = dt;
    if (r) return r;
    ok(s->pending <= 1 && (!s->pending || s->tls), "pending %u (tls %d)", s->pending, s->tls);
    for (i = 0, left = *taken; i < count && left; i++)
    {
        uint32_t n = min(left, bufs[i].len);
        s->hash = fnv1a(s->hash, bufs[i].data, n);
        left -= n;
    }
    ok(!left, "took %u bytes, more than offered", *taken);
    s->sent += *taken - left;
    return r;
}

/* Waits for one token; any other one is a failure. */
static int wait_token(uint64_t want, uint32_t timeout_ms)
{
    ULONGLONG end = GetTickCount64() + timeout_ms, now;
    uint64_t tokens[8];
    uint32_t r, count, i;
    int got = 0;

    while (!got && (now = GetTickCount64()) < end)
    {
        count = 99;
        r = ops->wait_events(tokens, 8, (uint32_t)(end - now), &count);
        if (r) { ok(0, "wait_events: %u", r); return 0; }
        for (i = 0; i < count; i++)
        {
            if (tokens[i] == want) got = 1;
            else ok(0, "token %#llx while waiting for %#llx", (unsigned long long)tokens[i],
                    (unsigned long long)want);
        }
    }
    ok(got, "no token %#llx within %u ms", (unsigned long long)want, timeout_ms);
    return got;
}

/* No token at all may come within ms. */
static void quiet(uint32_t ms, const char *why)
{
    uint64_t tokens[8];
    uint32_t count = 99, r = ops->wait_events(tokens, 8, ms, &count);
    ok(!r && !count, "%s: r=%u, %u tokens, first %#llx", why, r, count,
       count && count <= 8 ? (unsigned long long)tokens[0] : 0ull);
}

/* send_nowait until it takes nothing: the server reads nothing, so the
 * socket fills.  A TLS connection then holds a partly written record.
 * node's TLS socket goes on reading a little after it was paused (up to its
 * stream buffer's mark), so fill again after a pause until a round takes
 * nothing from its first call. */
static int fill(struct sink *s)
{
    uint32_t r, taken, pos, calls, round;
    struct whnet_buf b;

    for (round = 0; ; round++)
    {
        for (calls = 0; ; calls++)
        {
            pos = (uint32_t)(s->sent % FILL_CHUNK);
            b.data = pattern + pos;
            b.len = FILL_CHUNK - pos;
            if ((r = nowait(s, &b, 1, &taken))) { ok(0, "send_nowait while filling: %u", r); return 0; }
            if (!taken) break;
            if (s->sent > FILL_LIMIT) { ok(0, "took %llu bytes and never filled", (unsigned long long)s->sent); return 0; }
        }
        if (round && !calls) break;
        if (round == 50) { ok(0, "the server kept reading"); return 0; }
        Sleep(50);
    }
    ok(!s->tls || s->pending == 1, "a full TLS connection holds no record: pending %u", s->pending);
    ok(s->slowest < SLOW_CALL_MS, "a send_nowait call took %u ms", s->slowest);
    return 1;
}

/* Sends all of bufs with send_nowait, waiting on watch_write whenever the
 * connection takes less than offered, then (TLS) calls with count 0 until
 * nothing is pending.  If blocked, the server is not reading yet: the first
 * try must leave something, the armed watch must stay quiet, and only then
 * is the server told to read. */
static int send_loop(struct sink *s, const struct whnet_buf *bufs, uint32_t count, int blocked)
{
    struct whnet_buf rest[MAX_BUFS];
    uint32_t idx = 0, off = 0, n, i, r, taken, offered, rounds;
    uint64_t token;

    for (rounds = 0; rounds < 100000; rounds++)
    {
        while (idx < count && bufs[idx].len == off) { idx++; off = 0; }
        if (idx == count && !s->pending) return 1;
        for (n = 0, offered = 0, i = idx; i < count; i++, n++)
        {
            rest[n].data = (const char *)bufs[i].data + (i == idx ? off : 0);
            rest[n].len = bufs[i].len - (i == idx ? off : 0);
            offered += rest[n].len;
        }
        if ((r = nowait(s, rest, n, &taken))) { ok(0, "send_nowait: %u", r); return 0; }
        for (i = taken; i && idx < count; )
        {
            uint32_t k = min(i, bufs[idx].len - off);
            off += k;
            i -= k;
            if (off == bufs[idx].len) { idx++; off = 0; }
        }
        if (idx == count && !s->pending) { ok(!blocked, "a full connection took all %u bytes", offered); return 1; }
        token = ++next_token;
        r = ops->watch_write(s->c, token);
        if (blocked)
        {
            ok(taken < offered || s->pending, "a full connection took all %u bytes", offered);
            ok(!r, "watch_write on a full connection: %u", r);
            quiet(QUIET_MS, "write watch while the server does not read");
            if (!command(s->go, s->id)) return 0;
            blocked = 0;
            if (r) continue;
        }
        else if (r == ERROR_MORE_DATA) continue;
        else if (r) { ok(0, "watch_write: %u", r); return 0; }
        if (!wait_token(token, EVENT_MS)) return 0;
    }
    ok(0, "send loop did not end");
    return 0;
}

/* End of stream to the sink; it answers with the count and hash of all it read. */
static void finish(struct sink *s)
{
    char buf[64];
    uint32_t len = 0, r, n = 0, hash = 0;
    unsigned long long count = 0;

    r = ops->shutdown_send(s->c);
    ok(!r, "shutdown_send: %u", r);
    while (!(r = ops->recv(s->c, buf + len, sizeof(buf) - 1 - len, EVENT_MS, &n)) && n && len + 1 < sizeof(buf))
        len += n;
    buf[len] = 0;
    ok(!r && sscanf(buf, "%llu %x", &count, &hash) == 2, "sink's answer: r=%u '%s'", r, buf);
    ok(count == s->sent && hash == s->hash, "sink read %llu bytes, hash %08x; sent %llu, hash %08x", count, hash,
       (unsigned long long)s->sent, s->hash);
    ok(s->slowest < SLOW_CALL_MS, "a send_nowait call took %u ms", s->slowest);
    ops->close(s->c);
}

/* A message of size bytes in one of four layouts, sent into a full connection. */
static void blocked_message(int tls, uint32_t size, int layout)
{
    static const char *layouts[] = { "one buffer", "header+payload", "five buffers", "100 buffers" };
    unsigned char header[2] = { 0x82, 0x7f };
    struct whnet_buf b[MAX_BUFS];
    uint32_t count, a, c;
    char name[80];
    struct sink s;

    snprintf(name, sizeof(name), "nowait %s %u, %s", tls ? "tls" : "plain", size, layouts[layout]);
    current = name;
    if (!open_sink(&s, tls)) return;
    switch (layout)
    {
    case 0:
        b[0].data = payload; b[0].len = size;
        count = 1;
        break;
    case 1:
        b[0].data = header; b[0].len = 2;
        b[1].data = payload; b[1].len = size;
        count = 2;
        break;
    case 3:  /* more than one sendmsg batch (64 iovecs); empty ones when size < 100 */
        for (a = 0, c = 0; a < MAX_BUFS; a++)
        {
            b[a].data = payload + c;
            b[a].len = size / MAX_BUFS + (a < size % MAX_BUFS);
            c += b[a].len;
        }
        count = MAX_BUFS;
        break;
    default:
        a = size / 3;
        c = (size - a) / 2;
        b[0].data = header; b[0].len = 2;
        b[1].data = payload; b[1].len = 0;
        b[2].data = payload; b[2].len = a;
        b[3].data = payload + a; b[3].len = c;
        b[4].data = payload + a + c; b[4].len = size - a - c;
        count = 5;
        break;
    }
    if (fill(&s) && send_loop(&s, b, count, 1)) finish(&s);
    else ops->close(s.c);
}

/* A blocking send, with its bytes added to s->sent and s->hash. */
static void blocking_send(struct sink *s, const struct whnet_buf *bufs, uint32_t count)
{
    uint32_t r = ops->send(s->c, bufs, count, EVENT_MS), i;
    ok(!r, "send: %u", r);
    for (i = 0; i < count && !r; i++)
    {
        s->sent += bufs[i].len;
        s->hash = fnv1a(s->hash, bufs[i].data, bufs[i].len);
    }
}

/* Everything sent so far reaches the (draining) sink, without an end of
 * stream to push it. */
static void arrived(struct sink *s)
{
    ULONGLONG end = GetTickCount64() + EVENT_MS;
    unsigned long long got = 0;
    char reply[32];

    while (control("count", s->id, reply, sizeof(reply)) && (got = strtoull(reply, NULL, 10)) < s->sent
           && GetTickCount64() < end)
        Sleep(20);
    ok(got == s->sent, "the sink has read %llu of %llu bytes", got, (unsigned long long)s->sent);
}

/* TLS: a record left pending goes out through count-0 calls, a blocking
 * send or shutdown_send, before anything else. */
static void tls_pending(void)
{
    unsigned char header[2] = { 0x82, 0x7e };
    struct whnet_buf b[2] = { { header, 2 }, { payload, 65537 } };
    struct sink s;
    uint32_t n;

    current = "nowait tls pending, count 0";
    if (open_sink(&s, 1))
    {
        if (fill(&s) && send_loop(&s, NULL, 0, 1)) finish(&s);
        else ops->close(s.c);
    }

    for (n = 1; n <= 2; n++)
    {
        current = n == 1 ? "nowait tls pending, then send one buffer" : "nowait tls pending, then send two buffers";
        if (!open_sink(&s, 1)) continue;
        if (fill(&s) && command("go", s.id))
        {
            blocking_send(&s, b + 2 - n, n);
            arrived(&s);
            finish(&s);
        }
        else ops->close(s.c);
    }

    current = "nowait tls pending, then shutdown_send";
    if (open_sink(&s, 1))
    {
        if (fill(&s) && command("go", s.id)) finish(&s);
        else ops->close(s.c);
    }
}

/* A read watch and a write watch on one connection each bring their own token. */
static void both_watches(int tls)
{
    uint64_t wtok = ++next_token, rtok = ++next_token;
    struct sink s;
    char buf[4] = { 0 };
    uint32_t r, n, i;

    current = tls ? "nowait tls, read and write watch" : "nowait plain, read and write watch";
    if (!open_sink(&s, tls)) return;
    if (!fill(&s)) { ops->close(s.c); return; }
    r = ops->watch_write(s.c, wtok);
    ok(!r, "watch_write: %u", r);
    /* TLS 1.3: the server's post-handshake records (session tickets) make
     * the socket readable without any data for recv, and watch says
     * ERROR_MORE_DATA for them; a recv that times out takes them in. */
    for (i = 0; (r = ops->watch(s.c, rtok)) == ERROR_MORE_DATA && tls && i < 10; i++)
    {
        n = 99;
        r = ops->recv(s.c, buf, sizeof(buf), 200, &n);
        ok(r == ERR_TIMEOUT && !n, "recv with only TLS handshake records to read: r=%u n=%u", r, n);
    }
    ok(!r, "watch: %u", r);
    quiet(QUIET_MS, "both watches while the server neither sends nor reads");
    if (command("say", s.id) && wait_token(rtok, EVENT_MS))
    {
        quiet(QUIET_MS, "the write watch once the server sent, still not reading");
        r = recv_all(s.c, buf, 3, EVENT_MS);
        ok(!r && !memcmp(buf, "hi\n", 3), "recv: %u '%s'", r, buf);
        if (command("go", s.id) && wait_token(wtok, EVENT_MS) && send_loop(&s, NULL, 0, 0))
        {
            finish(&s);
            return;
        }
    }
    ops->close(s.c);
}

/* A write watch on a full connection fires when the server resets it, and
 * send_nowait then reports the failure. */
static void reset_while_full(int tls)
{
    uint64_t token = ++next_token;
    struct whnet_buf b = { pattern, 1000 };
    uint32_t r, taken;
    struct sink s;

    current = tls ? "nowait tls, reset while full" : "nowait plain, reset while full";
    if (!open_sink(&s, tls)) return;
    if (fill(&s))
    {
        r = ops->watch_write(s.c, token);
        ok(!r, "watch_write: %u", r);
        quiet(QUIET_MS, "write watch while the server does not read");
        if (command("drop", s.id) && wait_token(token, EVENT_MS))
        {
            /* the server never read, so only the reset can have fired the watch */
            r = nowait(&s, &b, 1, &taken);
            ok(r == ERR_CONNECTION, "send_nowait after the reset: %u", r);
        }
    }
    ops->close(s.c);
}

/* A peer that allows only 512-byte records (RFC 8449 record_size_limit,
 * which GnuTLS honours when writing although gnutls_record_get_max_size
 * still says 16384): a record left pending then holds 512 bytes, and taken
 * must count exactly those. */
static void small_records(int mode)
{
    static const char *modes[] = { "send_nowait one buffer", "send_nowait header+payload",
                                   "then shutdown_send", "then a blocking send" };
    unsigned char header[2] = { 0x82, 0x7e };
    struct whnet_buf b[2] = { { header, 2 }, { payload, 65537 } };
    const char *ports_env = getenv("PORTS");
    char name[80];
    struct sink s;
    uint32_t r, errs;
    int done;

    snprintf(name, sizeof(name), "nowait tls, 512-byte records, %s", modes[mode]);
    current = name;
    if (!ports_env || !strstr(ports_env, "\"tls_small\":"))
    {
        printf("  %s: skipped, tls_small_sink did not start\n", current);
        return;
    }
    memset(&s, 0, sizeof(s));
    s.tls = 1;
    s.hash = 2166136261u;
    s.go = "thaw";
    if ((r = open_tls("tls_small", "localhost", 0, &errs, &s.c))) { ok(0, "connect: %u", r); return; }
    /* 16384 bytes corked make 32 records there: the one partly written
     * and 31 more wait in GnuTLS */
    done = command("freeze", NULL) && fill(&s);
    if (done && mode < 2) done = send_loop(&s, mode ? b : b + 1, mode ? 2 : 1, 1);
    else if (done) done = command("thaw", NULL);
    if (done && mode == 3) blocking_send(&s, b + 1, 1);
    if (done) finish(&s);
    else
    {
        command("thaw", NULL);
        ops->close(s.c);
    }
}

/* Writable connection, cancel, bad parameters. */
static void simple_cases(int tls)
{
    struct whnet_buf b = { "abc", 3 };
    uint32_t r, taken, pending;
    struct sink s;

    current = tls ? "nowait tls, writable" : "nowait plain, writable";
    if (!open_sink(&s, tls)) return;
    r = ops->watch_write(s.c, ++next_token);
    ok(r == ERROR_MORE_DATA, "watch_write on a writable connection: %u", r);
    quiet(100, "an event after ERROR_MORE_DATA");
    r = ops->watch_write(s.c, 0);
    ok(r == ERROR_INVALID_PARAMETER, "watch_write with token 0: %u", r);
    r = ops->watch_write(0, ++next_token);
    ok(r == ERROR_INVALID_PARAMETER, "watch_write on connection 0: %u", r);
    r = nowait(&s, &b, 1, &taken);
    ok(!r && taken == 3 && !s.pending, "3 bytes to a writable connection: r=%u taken %u pending %u", r, taken,
       s.pending);
    r = nowait(&s, NULL, 0, &taken);
    ok(!r && !taken && !s.pending, "nothing: r=%u taken %u pending %u", r, taken, s.pending);

    current = tls ? "nowait tls, bad parameters" : "nowait plain, bad parameters";
    taken = pending = 0xdeadbeef;
    r = ops->send_nowait(s.c, NULL, 1, &taken, &pending);
    ok(r == ERROR_INVALID_PARAMETER, "count 1 without buffers: %u", r);
    r = ops->send_nowait(s.c, &b, 1, NULL, &pending);
    ok(r == ERROR_INVALID_PARAMETER, "NULL taken: %u", r);
    r = ops->send_nowait(s.c, &b, 1, &taken, NULL);
    ok(r == ERROR_INVALID_PARAMETER, "NULL pending: %u", r);
    r = ops->send_nowait(0, &b, 1, &taken, &pending);
    ok(r == ERROR_INVALID_PARAMETER, "connection 0: %u", r);

    current = tls ? "nowait tls, cancelled" : "nowait plain, cancelled";
    r = ops->cancel(s.c);
    ok(!r, "cancel: %u", r);
    taken = pending = 0xdeadbeef;
    r = ops->send_nowait(s.c, &b, 1, &taken, &pending);
    ok(r == ERR_CANCELLED && !taken && !pending, "after cancel: r=%u taken %u pending %u", r, taken, pending);
    ops->close(s.c);
}

/* Many connections closed with a write watch armed: nothing of them may stay
 * behind in the poller (a stale registration fires once the server resets
 * the connection), and the transport keeps working. */
static void close_cycles(void)
{
    struct whnet_buf b[8];
    uint32_t i, j, r, taken, pending, armed = 0, writable = 0, bad = 0, cycles = CYCLES;
    const char *env = getenv("NOWAIT_CYCLES");
    struct sink s;

    current = "nowait close cycles";
    if (env && atoi(env) > 0) cycles = (uint32_t)atoi(env);
    for (j = 0; j < 8; j++) { b[j].data = pattern; b[j].len = FILL_CHUNK; }
    for (i = 0; i < cycles && !bad; i++)
    {
        if (!open_sink(&s, 0)) { bad = 1; break; }
        do r = ops->send_nowait(s.c, b, 8, &taken, &pending);
        while (!r && taken);
        if (r) { ok(0, "cycle %u: send_nowait %u", i, r); bad = 1; }
        else if (!(r = ops->watch_write(s.c, 0x7e5c000000000000ull + i))) armed++;
        else if (r == ERROR_MORE_DATA) writable++;
        else { ok(0, "cycle %u: watch_write %u", i, r); bad = 1; }
        ops->close(s.c);
        if (!command("drop", s.id)) bad = 1;
    }
    ok(i == cycles && !bad, "stopped after %u cycles", i);
    ok(armed == i && !writable, "%u of %u write watches armed, %u connections writable", armed, i, writable);
    quiet(1000, "tokens of closed connections");
    printf("  %s: %u connections closed with a write watch armed\n", current, armed);
}

void test_nowait(void)
{
    static const uint32_t sizes[] = { 1, 16383, 16384, 16385, 65537, MAX_PAYLOAD };
    uint32_t r, i;
    int tls, layout;

    current = "nowait";
    fill_pattern(pattern, sizeof(pattern), 0);
    fill_pattern(payload, sizeof(payload), 12345);
    if ((r = open_conn("control", &ctl))) { ok(0, "connect to control: %u", r); return; }
    for (tls = 0; tls < 2; tls++)
    {
        simple_cases(tls);
        both_watches(tls);
        reset_while_full(tls);
        for (i = 0; i < ARRAYSIZE(sizes); i++)
            for (layout = 0; layout < 4; layout++)
                blocked_message(tls, sizes[i], layout);
    }
    tls_pending();
    for (i = 0; i < 4; i++) small_records(i);
    close_cycles();
    /* after all that, still connects and reports the right tokens */
    blocked_message(0, 65537, 1);
    blocked_message(1, 65537, 1);
    both_watches(0);
    ops->close(ctl);
}
