/* Model-based random test of the WebSocket calls, in synchronous and
 * asynchronous mode (there each call is followed by its completion): a
 * seeded random sequence of Send (4 buffer types, boundary sizes), Receive
 * (random buffer sizes), server pings, server- and client-initiated closes,
 * Shutdown, QueryCloseStatus and CloseHandle against the /echo peer, each
 * result checked against a model of the documented rules (the state table
 * in the README).  MODEL_SEED / MODEL_EPISODES change the run (make fuzz
 * runs a long one). */
#include <stdlib.h>
#include "test.h"

enum mstate { M_OPEN, M_SEND_CLOSED, M_RECV_CLOSED, M_CLOSED };
static const char *const mstate_name[] = { "open", "send-closed", "receive-closed", "closed" };

enum kind { K_TEXT, K_BINARY, K_CLOSE };

struct expect
{
    enum kind kind;
    DWORD size, pos;    /* message bytes, how many received */
    DWORD id;           /* content generator */
    USHORT code;        /* K_CLOSE */
    char reason[24];
};

#define QMAX 128
struct model
{
    unsigned rng;
    enum mstate st;
    int open_kind;              /* -1 or the kind of the fragmented message being sent */
    DWORD open_size, open_id;
    struct expect q[QMAX];
    int qhead, qlen;
    BOOL server_closing;        /* the server's close frame is on its way */
    BOOL ping_out;              /* the server's ping is not answered yet: its "pong:" text
                                 * comes once we read the ping, so nothing else is sent
                                 * meanwhile (that keeps the order of what comes back known) */
    USHORT status;              /* expected QueryCloseStatus */
    char reason[24];
    BOOL status_known;
    DWORD next_id;
};

static unsigned rnd(struct model *m)
{
    m->rng ^= m->rng << 13;
    m->rng ^= m->rng >> 17;
    m->rng ^= m->rng << 5;
    return m->rng;
}

static BYTE content(enum kind kind, DWORD id, DWORD i)
{
    return kind == K_TEXT ? (BYTE)('a' + (i + id) % 26) : (BYTE)(i * 7 + id);
}

static void push(struct model *m, struct expect e)
{
    if (m->qlen < QMAX) m->q[(m->qhead + m->qlen++) % QMAX] = e;
}

static struct expect *head(struct model *m)
{
    return m->qlen ? &m->q[m->qhead] : NULL;
}

static void push_close(struct model *m, USHORT code, const char *reason)
{
    struct expect e = { K_CLOSE, 0, 0, 0, code, "" };
    strcpy(e.reason, reason);
    push(m, e);
}

static const DWORD sizes[] = { 0, 1, 2, 125, 126, 127, 300, 4095, 4097, 8191, 8193, 65535, 65536, 65537, 100003 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

#define CHECK_STEP(cond, ...) do { char what_[200]; snprintf(what_, sizeof(what_), __VA_ARGS__); \
        ok(cond, "seed %u step %d (%s, %s): %s\n", seed, step, async_mode ? "async" : "sync", mstate_name[m->st], what_); \
        if (!(cond)) return FALSE; } while (0)

static BYTE *buffer;
static struct { LONG steps, sends, refused, receives, pieces, commands, closes, queries; } stats;

/* ---- the calls, synchronous or asynchronous ---- */

#define NO_COMPLETION 0xfffffffe
static BOOL async_mode;
static struct
{
    HANDLE event;
    DWORD status, bytes, error;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
} done;

static void CALLBACK model_callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        done.bytes = ((WINHTTP_WEB_SOCKET_STATUS *)info)->dwBytesTransferred;
        done.type = ((WINHTTP_WEB_SOCKET_STATUS *)info)->eBufferType;
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        done.error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
        break;
    case WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        break;
    default:
        return;
    }
    done.status = status;
    SetEvent(done.event);
}

/* An asynchronous call returned err: its completion's error (or 0). */
static DWORD completion(DWORD err)
{
    if (err) return err;
    if (WaitForSingleObject(done.event, 30000)) return NO_COMPLETION;
    return done.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR ? done.error : ERROR_SUCCESS;
}

static DWORD m_send(HINTERNET ws, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, void *buf, DWORD len)
{
    if (!async_mode) return WinHttpWebSocketSend(ws, type, buf, len);
    ResetEvent(done.event);
    return completion(WinHttpWebSocketSend(ws, type, buf, len));
}

static DWORD m_receive(HINTERNET ws, void *buf, DWORD len, DWORD *got, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    DWORD err;
    if (!async_mode) return WinHttpWebSocketReceive(ws, buf, len, got, type);
    ResetEvent(done.event);
    if (!(err = completion(WinHttpWebSocketReceive(ws, buf, len, NULL, NULL))))
    {
        *got = done.bytes;
        *type = done.type;
    }
    return err;
}

static DWORD m_close(HINTERNET ws, BOOL shutdown, USHORT status, void *reason, DWORD len)
{
    if (!async_mode)
        return shutdown ? WinHttpWebSocketShutdown(ws, status, reason, len) : WinHttpWebSocketClose(ws, status, reason, len);
    ResetEvent(done.event);
    return completion(shutdown ? WinHttpWebSocketShutdown(ws, status, reason, len)
                               : WinHttpWebSocketClose(ws, status, reason, len));
}

/* An asynchronous upgrade on the plain or TLS listener. */
static HINTERNET async_upgrade(struct conn_handles *h, BOOL secure)
{
    HINTERNET ws = NULL;

    memset(h, 0, sizeof(*h));
    h->session = WinHttpOpen(L"winhttp-conformance/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                             WINHTTP_NO_PROXY_BYPASS, WINHTTP_FLAG_ASYNC);
    if (!h->session) return NULL;
    WinHttpSetStatusCallback(h->session, model_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    h->connect = WinHttpConnect(h->session, peer_host(), peer_port(secure ? "WSS" : "WS"), 0);
    h->request = h->connect ? WinHttpOpenRequest(h->connect, L"GET", L"/echo", NULL, WINHTTP_NO_REFERER,
                                                 WINHTTP_DEFAULT_ACCEPT_TYPES, secure ? WINHTTP_FLAG_SECURE : 0) : NULL;
    if (h->request && WinHttpSetOption(h->request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0))
    {
        ResetEvent(done.event);
        if (!completion(!WinHttpSendRequest(h->request, NULL, 0, NULL, 0, 0, 0)))
        {
            ResetEvent(done.event);
            if (!completion(!WinHttpReceiveResponse(h->request, NULL))) ws = WinHttpWebSocketCompleteUpgrade(h->request, 0);
        }
    }
    if (!ws) close_handles(h);
    return ws;
}

static BOOL op_send(struct model *m, HINTERNET ws, unsigned seed, int step)
{
    static const WINHTTP_WEB_SOCKET_BUFFER_TYPE types[] =
    {
        WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
        WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
    };
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = types[rnd(m) % 4];
    enum kind kind = type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
                     ? K_TEXT : K_BINARY;
    BOOL fin = type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || type == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    DWORD size = sizes[rnd(m) % NSIZES], i, err, expect, id;

    if (m->ping_out) return TRUE;  /* see struct model */
    id = m->open_kind >= 0 ? m->open_id : m->next_id;
    for (i = 0; i < size; i++) buffer[i] = content(kind, id, (m->open_kind >= 0 ? m->open_size : 0) + i);
    if (m->st != M_OPEN) expect = ERROR_INVALID_OPERATION;
    else if (m->open_kind >= 0 && m->open_kind != (int)kind) expect = ERROR_INVALID_PARAMETER;
    else expect = ERROR_SUCCESS;
    err = m_send(ws, type, buffer, size);
    if (err) stats.refused++;
    else stats.sends++;
    CHECK_STEP(err == expect, "Send(type %d, %lu bytes) returned %lu, expected %lu", type, size, err, expect);
    if (err) return TRUE;
    if (m->open_kind < 0)
    {
        m->open_kind = kind;
        m->open_size = 0;
        m->open_id = m->next_id++;
    }
    m->open_size += size;
    if (fin)
    {
        struct expect e = { kind, m->open_size, 0, m->open_id, 0, "" };
        if (!m->server_closing) push(m, e);  /* once the server sent its close it echoes nothing */
        m->open_kind = -1;
    }
    return TRUE;
}

/* the first bytes of a text command (only when no fragmented message is open) */
static BOOL op_command(struct model *m, HINTERNET ws, unsigned seed, int step)
{
    char cmd[64];
    DWORD err;
    BOOL close = rnd(m) % 3 == 0;

    if (m->st != M_OPEN || m->open_kind >= 0 || m->server_closing || m->ping_out) return TRUE;
    if (close)
    {
        USHORT code = (USHORT)(4000 + rnd(m) % 100);
        char reason[24];
        snprintf(reason, sizeof(reason), "r%u", step);
        snprintf(cmd, sizeof(cmd), "cmd:close:%u:%s", code, reason);
        push_close(m, code, reason);
        m->server_closing = TRUE;
    }
    else
    {
        struct expect e = { K_TEXT, 0, 0, 0, 0, "" };
        snprintf(cmd, sizeof(cmd), "cmd:ping:p%d", step);
        snprintf(e.reason, sizeof(e.reason), "pong:p%d", step);
        e.size = (DWORD)strlen(e.reason);
        e.id = ~0u;  /* content is e.reason */
        push(m, e);
        m->ping_out = TRUE;
    }
    err = m_send(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, cmd, (DWORD)strlen(cmd));
    stats.commands++;
    CHECK_STEP(!err, "Send(%s) returned %lu", cmd, err);
    return TRUE;
}

static BOOL op_receive(struct model *m, HINTERNET ws, unsigned seed, int step)
{
    static const DWORD bufsizes[] = { 1, 7, 125, 126, 4096, 8193, 65536, 70000 };
    struct expect *e = head(m);
    DWORD len = bufsizes[rnd(m) % (sizeof(bufsizes) / sizeof(bufsizes[0]))], got = ~0u, err, i, want;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = 99, etype;

    if (m->st == M_RECV_CLOSED || m->st == M_CLOSED)
    {
        err = m_receive(ws, buffer, len, &got, &type);
        CHECK_STEP(err == ERROR_INVALID_OPERATION, "Receive returned %lu, expected 4317", err);
        return TRUE;
    }
    if (!e) return TRUE;  /* it would wait forever */
    if (len == 1 && e->size - e->pos > 1000) len = 4096;
    err = m_receive(ws, buffer, len, &got, &type);
    stats.pieces++;
    CHECK_STEP(!err, "Receive(%lu) returned %lu", len, err);
    if (e->kind == K_CLOSE)
    {
        CHECK_STEP(type == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE && got == 0, "expected the close frame, got type %d, %lu bytes",
                   type, got);
        m->st = m->st == M_OPEN ? M_RECV_CLOSED : M_CLOSED;
        m->status = e->code;
        strcpy(m->reason, e->reason);
        m->status_known = TRUE;
        m->qhead = (m->qhead + 1) % QMAX;
        m->qlen--;
        return TRUE;
    }
    want = min(len, e->size - e->pos);
    CHECK_STEP(got >= 1 || e->size == 0, "Receive gave 0 bytes of a %lu-byte message", e->size);
    CHECK_STEP(got <= want, "Receive gave %lu bytes, at most %lu expected", got, want);
    for (i = 0; i < got; i++)
    {
        BYTE b = e->id == ~0u ? (BYTE)e->reason[e->pos + i] : content(e->kind, e->id, e->pos + i);
        if (buffer[i] != b) break;
    }
    CHECK_STEP(i == got, "message %lu byte %lu differs", e->id, e->pos + i);
    e->pos += got;
    if (e->kind == K_TEXT) etype = e->pos == e->size ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
    else etype = e->pos == e->size ? WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    CHECK_STEP(type == etype, "piece type %d, expected %d (%lu of %lu bytes)", type, etype, e->pos, e->size);
    if (e->pos == e->size)
    {
        if (e->id == ~0u) m->ping_out = FALSE;
        m->qhead = (m->qhead + 1) % QMAX;
        m->qlen--;
    }
    return TRUE;
}

static BOOL op_close(struct model *m, HINTERNET ws, unsigned seed, int step, BOOL shutdown)
{
    DWORD err, expect;
    static const char reason[] = "bye";

    if (m->ping_out) return TRUE;
    if (shutdown) expect = m->st == M_OPEN || m->st == M_RECV_CLOSED ? ERROR_SUCCESS : ERROR_INVALID_OPERATION;
    else expect = ERROR_SUCCESS;
    err = m_close(ws, shutdown, 1000, (void *)reason, 3);
    stats.closes++;
    CHECK_STEP(err == expect, "%s returned %lu, expected %lu", shutdown ? "Shutdown" : "Close", err, expect);
    if (err) return TRUE;
    if (m->st == M_OPEN && !m->server_closing)
        push_close(m, 1000, reason);   /* the server answers with our code and reason */
    if (shutdown)
    {
        m->st = m->st == M_OPEN ? M_SEND_CLOSED : M_CLOSED;
        return TRUE;
    }
    /* Close: whatever was still coming is discarded up to the server's close frame */
    while (m->qlen && head(m)->kind != K_CLOSE)
    {
        m->qhead = (m->qhead + 1) % QMAX;
        m->qlen--;
    }
    if (m->qlen)
    {
        m->status = head(m)->code;
        strcpy(m->reason, head(m)->reason);
        m->status_known = TRUE;
        m->qlen = 0;
    }
    m->st = M_CLOSED;
    return TRUE;
}

static BOOL op_query(struct model *m, HINTERNET ws, unsigned seed, int step)
{
    USHORT status = 0;
    char reason[64] = "";
    DWORD len = 0, err = WinHttpWebSocketQueryCloseStatus(ws, &status, reason, sizeof(reason), &len);

    stats.queries++;

    if (m->st == M_OPEN || m->st == M_SEND_CLOSED)
    {
        CHECK_STEP(err == ERROR_INVALID_OPERATION, "QueryCloseStatus returned %lu, expected 4317", err);
        return TRUE;
    }
    CHECK_STEP(!err && m->status_known && status == m->status && len == strlen(m->reason) && !memcmp(reason, m->reason, len),
               "QueryCloseStatus: %lu, status %u '%.*s', expected %u '%s'", err, status, (int)len, reason, m->status, m->reason);
    return TRUE;
}

static void run_episode(unsigned seed, BOOL secure, BOOL async)
{
    struct conn_handles h;
    struct model model = { 0 }, *m = &model;
    HINTERNET ws;
    BOOL going = TRUE;
    int step, after;

    async_mode = async;
    ws = async ? async_upgrade(&h, secure) : ws_connect(&h, secure, L"/echo");
    ok(ws != NULL, "seed %u: %s upgrade failed: %lu\n", seed, async ? "async" : "sync", GetLastError());
    if (!ws) return;
    m->rng = seed * 2654435761u + 1;
    m->open_kind = -1;
    /* while open, mostly data; once a close is under way, a few more steps
     * (what is still allowed, what is refused), then the episode ends */
    for (step = 0, after = 0; step < 80 && going && after < 8; step++)
    {
        unsigned r = rnd(m) % 100;
        BOOL open = m->st == M_OPEN && !m->server_closing;
        stats.steps++;
        if (!open) after++;
        if (r < (open ? 45u : 25u)) going = op_send(m, ws, seed, step);
        else if (r < 75) going = op_receive(m, ws, seed, step);
        else if (r < 85) going = op_command(m, ws, seed, step);
        else if (r < (open ? 88u : 90u)) going = op_close(m, ws, seed, step, TRUE);
        else if (r < (open ? 91u : 95u)) going = op_close(m, ws, seed, step, FALSE);
        else if (r < 99) going = op_query(m, ws, seed, step);
        else break;   /* CloseHandle at a random point */
    }
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

void test_model(void)
{
    const char *s = getenv("MODEL_SEED"), *n = getenv("MODEL_EPISODES");
    unsigned seed = s ? (unsigned)strtoul(s, NULL, 10) : 20261128u;
    int episodes = n ? atoi(n) : 60, i;

    if (!(buffer = malloc(200000))) return;
    done.event = CreateEventW(NULL, TRUE, FALSE, NULL);
    printf("figure: model seed %u, %d episodes (MODEL_SEED / MODEL_EPISODES repeat it)\n", seed, episodes);
    /* every other episode asynchronous, every fourth over TLS */
    /* episode seeds spread from the run's seed (runs from nearby seeds share none) */
    for (i = 0; i < episodes; i++) run_episode((seed ^ 0x9e3779b9u) * 2654435761u + (unsigned)i * 40503u, i % 4 == 3,
                                               i % 2 == 1);
    CloseHandle(done.event);
    free(buffer);
    printf("figure: model %ld steps: %ld sends accepted, %ld refused, %ld receive calls, %ld server commands, "
           "%ld Shutdown/Close, %ld QueryCloseStatus\n", stats.steps, stats.sends, stats.refused, stats.pieces,
           stats.commands, stats.closes, stats.queries);
    check_fresh_echo("after the model run");
}
