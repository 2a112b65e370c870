/* wsrules: one test per WebSocket rule on which this DLL was found to
 * differ from Windows: the acceptance tests for the rewrite of websocket.c.
 * Expected behaviour is Windows' (Wine's Windows-verified tests, MSDN);
 * "our decision" marks the documented / RFC 6455 reading chosen where
 * Windows' is not known.  A blocking call a wrong DLL could leave hanging
 * runs on a worker thread with a watchdog, so the group never hangs. */
#include <stdlib.h>
#include "notes.h"

#define WAIT_MS 10000
#define ASYNC_DONE (WINHTTP_CALLBACK_STATUS_READ_COMPLETE | WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE | \
                    WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
#define BT_CLOSE WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE
#define BT_BINARY WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE

/* ---- helpers ---- */

static HANDLE note_event;  /* auto-reset, set on every notification */

static void CALLBACK rules_callback(HINTERNET h, DWORD_PTR context, DWORD status, void *info, DWORD len)
{
    note_callback(h, context, status, info, len);
    SetEvent(note_event);
}

/* Waits up to timeout ms for a note at or after index `from` for h whose
 * status is one of the bits in `statuses`: TRUE and the first such note in
 * *out (if given), or FALSE and *out zeroed. */
static BOOL wait_for(HINTERNET h, int from, DWORD statuses, DWORD timeout, struct note *out)
{
    DWORD start = GetTickCount(), elapsed;
    struct note n;
    int i;

    for (;;)
    {
        for (i = from; note_get(i, &n); i++)
            if (n.handle == h && (n.status & statuses))
            {
                if (out) *out = n;
                return TRUE;
            }
        if ((elapsed = GetTickCount() - start) >= timeout)
        {
            if (out) memset(out, 0, sizeof(*out));
            return FALSE;
        }
        WaitForSingleObject(note_event, timeout - elapsed);
    }
}

static const WINHTTP_WEB_SOCKET_STATUS *ws_st(const struct note *n) { return (const void *)n->info; }
static const WINHTTP_WEB_SOCKET_ASYNC_RESULT *ws_res(const struct note *n) { return (const void *)n->info; }

/* How to upgrade: session mode and callback, extra request headers, a
 * WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT set on the request before it is
 * sent (0: none). */
struct up
{
    BOOL async;
    WINHTTP_STATUS_CALLBACK callback;
    DWORD mask;
    const WCHAR *headers;
    DWORD close_timeout;
    DWORD send_timeout;                /* WINHTTP_OPTION_SEND_TIMEOUT on the request (0: default) */
};

static const struct up async_up = { TRUE, rules_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, NULL, 0, 0 };

/* An asynchronous step of the upgrade ended with `want` (else GetLastError
 * is set from REQUEST_ERROR, or ERROR_TIMEOUT). */
static BOOL async_step(HINTERNET req, int from, DWORD want)
{
    struct note n;
    BOOL got = wait_for(req, from, want | WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, WAIT_MS, &n);
    if (got && n.status == want) return TRUE;
    SetLastError(got ? ((const WINHTTP_ASYNC_RESULT *)n.info)->dwError : ERROR_TIMEOUT);
    return FALSE;
}

/* Upgrade at path on the plain listener as o says (NULL: synchronous,
 * nothing special).  The websocket handle, or NULL and *err from the failing
 * call; the handles in h stay open either way. */
static HINTERNET upgrade(struct conn_handles *h, const WCHAR *path, const struct up *o, DWORD *err)
{
    static const struct up plain;
    HINTERNET ws = NULL;
    int from;

    if (!o) o = &plain;
    memset(h, 0, sizeof(*h));
    if (!(h->session = WinHttpOpen(L"winhttp-conformance/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                   WINHTTP_NO_PROXY_BYPASS, o->async ? WINHTTP_FLAG_ASYNC : 0))) goto done;
    if (o->callback) WinHttpSetStatusCallback(h->session, o->callback, o->mask, 0);
    if (!(h->connect = WinHttpConnect(h->session, peer_host(), peer_port("WS"), 0))) goto done;
    if (!(h->request = WinHttpOpenRequest(h->connect, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                          WINHTTP_DEFAULT_ACCEPT_TYPES, 0))) goto done;
    if (!WinHttpSetOption(h->request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0)) goto done;
    if (o->close_timeout && !WinHttpSetOption(h->request, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT,
                                              (void *)&o->close_timeout, sizeof(DWORD)))
        trace("the request handle refuses CLOSE_TIMEOUT: %lu\n", GetLastError());
    if (o->send_timeout && !WinHttpSetOption(h->request, WINHTTP_OPTION_SEND_TIMEOUT, (void *)&o->send_timeout,
                                             sizeof(DWORD))) goto done;
    from = notes_count();
    if (!WinHttpSendRequest(h->request, o->headers ? o->headers : WINHTTP_NO_ADDITIONAL_HEADERS,
                            o->headers ? (DWORD)-1 : 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0)) goto done;
    if (o->async && !async_step(h->request, from, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE)) goto done;
    from = notes_count();
    if (!WinHttpReceiveResponse(h->request, NULL)) goto done;
    if (o->async && !async_step(h->request, from, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE)) goto done;
    ws = WinHttpWebSocketCompleteUpgrade(h->request, 0);
done:
    *err = ws ? ERROR_SUCCESS : GetLastError();
    return ws;
}

/* upgrade() that must work; on failure the handles are closed already. */
static HINTERNET open_ws(struct conn_handles *h, const WCHAR *path, const struct up *o)
{
    DWORD err;
    HINTERNET ws = upgrade(h, path, o, &err);
    ok(ws != NULL, "upgrade to %ls failed: %lu\n", path, err);
    if (!ws) close_handles(h);
    return ws;
}

static void done_ws(HINTERNET ws, struct conn_handles *h)
{
    if (ws) WinHttpCloseHandle(ws);
    close_handles(h);
}

/* Synchronous receives until the CLOSE buffer type: 0, or the error. */
static DWORD recv_until_close(HINTERNET ws)
{
    char buf[256];
    DWORD err, len, i;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;

    for (i = 0; i < 64; i++)
    {
        if ((err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &type))) return err;
        if (type == BT_CLOSE) return ERROR_SUCCESS;
    }
    return ERROR_MORE_DATA;
}

static void check_close_status(HINTERNET ws, USHORT want, const char *reason, const char *what)
{
    USHORT status = 0;
    char buf[128] = "";
    DWORD len = 0, err = WinHttpWebSocketQueryCloseStatus(ws, &status, buf, sizeof(buf), &len);
    ok(!err && status == want && len == strlen(reason) && !memcmp(buf, reason, len),
       "%s: QueryCloseStatus error %lu, status %u, reason '%.*s' (%lu bytes), expected %u '%s'\n", what, err,
       status, (int)min(len, sizeof(buf)), buf, len, want, reason);
}

/* One blocking call on a worker thread. */
enum op { OP_RECEIVE, OP_SEND, OP_CLOSE };

struct call
{
    enum op op;
    HINTERNET ws;
    void *data;                        /* OP_SEND: what to send (binary) */
    DWORD len;                         /* bytes to send / receive buffer size (0: all of buf) */
    USHORT status;                     /* OP_CLOSE */
    const char *reason;                /* OP_CLOSE */
    DWORD err, got, ms;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    HANDLE thread, started;
    BYTE buf[256];
};

static DWORD WINAPI call_proc(void *arg)
{
    struct call *c = arg;
    DWORD start = GetTickCount();

    SetEvent(c->started);
    if (c->op == OP_RECEIVE)
        c->err = WinHttpWebSocketReceive(c->ws, c->buf, c->len ? c->len : sizeof(c->buf), &c->got, &c->type);
    else if (c->op == OP_SEND)
        c->err = WinHttpWebSocketSend(c->ws, BT_BINARY, c->data, c->len);
    else
        c->err = WinHttpWebSocketClose(c->ws, c->status, (void *)c->reason, c->reason ? (DWORD)strlen(c->reason) : 0);
    c->ms = GetTickCount() - start;
    return 0;
}

static struct call *call_start(enum op op, HINTERNET ws, void *data, DWORD len, USHORT status, const char *reason)
{
    struct call *c = calloc(1, sizeof(*c));
    c->op = op;
    c->ws = ws;
    c->data = data;
    c->len = len;
    c->status = status;
    c->reason = reason;
    c->started = CreateEventW(NULL, TRUE, FALSE, NULL);
    c->thread = CreateThread(NULL, 0, call_proc, c, 0, NULL);
    WaitForSingleObject(c->started, WAIT_MS);
    return c;
}

/* Waits up to ms for the call.  Still blocked: the check fails and the
 * websocket handle is closed to end it (*ws becomes NULL); if even that does
 * not end it, its memory is abandoned.  Returns the call if it ended in
 * time (the caller frees it), else NULL. */
static struct call *call_wait(struct call *c, DWORD ms, HINTERNET *ws, const char *what)
{
    BOOL in_time = WaitForSingleObject(c->thread, ms) == WAIT_OBJECT_0;

    ok(in_time, "%s still blocked after %lu ms\n", what, ms);
    if (!in_time)
    {
        if (*ws) WinHttpCloseHandle(*ws);
        *ws = NULL;
        if (WaitForSingleObject(c->thread, 5000) != WAIT_OBJECT_0)
        {
            ok(0, "%s still blocked after WinHttpCloseHandle\n", what);
            return NULL;
        }
    }
    CloseHandle(c->thread);
    CloseHandle(c->started);
    if (in_time) return c;
    free(c);
    return NULL;
}

static DWORD ask_number(HINTERNET ws, const char *cmd)
{
    char buf[64];
    DWORD len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;

    if (ws_send_text(ws, cmd) || ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &type)) return ~0u;
    return strtoul(buf, NULL, 10);
}

/* ---- 1. asynchronous Receive: the out parameters ---- */

/* Asks the server for a message (cmd) and receives it asynchronously: with
 * NULL pdwBytesRead / peBufferType the call is accepted; given, they are not
 * written; the result comes with READ_COMPLETE. */
static void async_receive(HINTERNET ws, const char *cmd, BOOL null_out, const char *want, DWORD want_len,
                          WINHTTP_WEB_SOCKET_BUFFER_TYPE want_type)
{
    static char buf[64];  /* a late completion must not write into a dead stack frame */
    const char *what = null_out ? "NULL out parameters" : "out parameters given";
    DWORD size = 0xdeadbeef, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = 0xdeadbeef;
    struct note n;
    int from = notes_count();

    memset(buf, 0, sizeof(buf));
    ok(!ws_send_text(ws, cmd), "%s: Send failed\n", what);
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), null_out ? NULL : &size, null_out ? NULL : &type);
    ok(!err, "async Receive with %s: %lu\n", what, err);
    if (err) return;
    wait_for(ws, from, ASYNC_DONE, WAIT_MS, &n);
    ok(n.status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE && n.len == sizeof(*ws_st(&n))
       && ws_st(&n)->dwBytesTransferred == want_len && ws_st(&n)->eBufferType == want_type
       && !memcmp(buf, want, want_len), "async Receive with %s: %s\n", what, notes_for(ws));
    ok(size == 0xdeadbeef && type == 0xdeadbeef, "async Receive wrote its out parameters: %lu %u\n", size, type);
}

static void test_async_receive_out_params(void)
{
    struct conn_handles h;
    HINTERNET ws;

    notes_reset();
    if (!(ws = open_ws(&h, L"/echo", &async_up))) return;
    async_receive(ws, "hello", FALSE, "hello", 5, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
    async_receive(ws, "cmd:big:3:binary", TRUE, "\0\1\2", 3, BT_BINARY);
    done_ws(ws, &h);
}

/* ---- 2. asynchronous Send, Close, then WinHttpCloseHandle ---- */

static void test_async_close_then_closehandle(void)
{
    struct conn_handles h;
    HINTERNET ws, ses;
    struct note n;
    DWORD err;
    int from;

    notes_reset();
    if (!(ws = open_ws(&h, L"/echo", &async_up))) return;
    notes_reset();
    err = ws_send_text(ws, "last words");
    ok(!err, "async Send: %lu\n", err);
    from = notes_count();
    err = WinHttpWebSocketClose(ws, 1000, NULL, 0);
    ok(!err, "async Close: %lu\n", err);
    wait_for(ws, from, ASYNC_DONE, WAIT_MS, &n);
    ok(n.status == WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, "async Close: %s\n",
       notes_for(ws));
    check_close_status(ws, 1000, "", "after CLOSE_COMPLETE");
    ok(WinHttpCloseHandle(ws), "CloseHandle(websocket): %lu\n", GetLastError());
    ok(wait_for(ws, 0, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, WAIT_MS, NULL),
       "no HANDLE_CLOSING for the websocket: %s\n", notes_for(ws));
    ses = h.session;
    close_handles(&h);
    /* the session's HANDLE_CLOSING comes last of all */
    ok(wait_for(ses, 0, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, WAIT_MS, NULL), "no HANDLE_CLOSING for the session\n");
    ok(!strcmp(notes_for(ws), "WRITE_COMPLETE,CLOSE_COMPLETE,HANDLE_CLOSING"), "websocket notifications: %s\n",
       notes_for(ws));
}

/* ---- 3. HANDLE_CLOSING needs its own bit in the notification mask ---- */

static LONG masked_created, masked_closing;

static void CALLBACK counting_callback(HINTERNET h, DWORD_PTR context, DWORD status, void *info, DWORD len)
{
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CREATED) InterlockedIncrement(&masked_created);
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) InterlockedIncrement(&masked_closing);
}

static void test_handle_closing_mask(void)
{
    static const char *names[] = { "websocket", "request", "connect", "session" };
    const struct up created_only = { FALSE, counting_callback, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, NULL, 0, 0 };
    const struct up handles = { FALSE, rules_callback, WINHTTP_CALLBACK_FLAG_HANDLES, NULL, 0, 0 };
    struct conn_handles h;
    HINTERNET ws, all[4];
    struct note n;
    int i;

    if ((ws = open_ws(&h, L"/echo", &created_only))) done_ws(ws, &h);
    notes_reset();
    if (!(ws = open_ws(&h, L"/echo", &handles))) return;
    all[0] = ws;
    all[1] = h.request;
    all[2] = h.connect;
    all[3] = h.session;
    done_ws(ws, &h);
    for (i = 0; i < 4; i++)
        ok(wait_for(all[i], 0, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, WAIT_MS, NULL),
           "mask FLAG_HANDLES: no HANDLE_CLOSING for the %s\n", names[i]);
    for (i = 0; note_get(i, &n); i++)
        ok(n.status == WINHTTP_CALLBACK_STATUS_HANDLE_CREATED || n.status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
           "mask FLAG_HANDLES: notification 0x%lx\n", n.status);
    /* the first upgrade's handles were all closed before these */
    ok(masked_created >= 2, "mask HANDLE_CREATED: %ld HANDLE_CREATED notifications\n", masked_created);
    ok(!masked_closing, "mask HANDLE_CREATED only: %ld HANDLE_CLOSING notifications\n", masked_closing);
}

/* ---- 4. synchronous Close while another thread's Receive waits ---- */

static void close_during_receive(void)
{
    struct conn_handles h;
    HINTERNET ws = open_ws(&h, L"/echo", NULL);
    struct call *rcv, *cls;

    if (!ws) return;
    rcv = call_start(OP_RECEIVE, ws, NULL, 0, 0, NULL);
    ok(WaitForSingleObject(rcv->thread, 500) == WAIT_TIMEOUT, "Receive with nothing to read returned %lu\n",
       rcv->err);
    cls = call_start(OP_CLOSE, ws, NULL, 0, 1000, "bye");
    if ((cls = call_wait(cls, 8000, &ws, "Close with a Receive pending")))
    {
        ok(!cls->err && cls->ms <= 5000, "Close with a Receive pending: error %lu after %lu ms\n", cls->err, cls->ms);
        free(cls);
    }
    if ((rcv = call_wait(rcv, WAIT_MS, &ws, "the Receive pending during Close")))
    {
        ok(rcv->err == ERROR_WINHTTP_OPERATION_CANCELLED || (!rcv->err && rcv->type == BT_CLOSE),
           "the Receive pending during Close ended with %lu, type %d\n", rcv->err, rcv->type);
        free(rcv);
    }
    if (ws) check_close_status(ws, 1000, "bye", "Close with a Receive pending");
    done_ws(ws, &h);
}

/* whether the Receive or Close gets the server's close frame is a race:
 * a few rounds */
static void test_close_during_receive(void)
{
    int i;
    for (i = 0; i < 3; i++) close_during_receive();
}

/* ---- 5. after the server's close frame; after Shutdown ---- */

static void test_after_server_close(BOOL use_close)
{
    const char *what = use_close ? "Close" : "Shutdown";
    struct conn_handles h;
    HINTERNET ws = open_ws(&h, L"/echo", NULL);
    struct call *rcv;
    DWORD err;

    if (!ws) return;
    ws_send_text(ws, "cmd:close:1000:done");
    err = recv_until_close(ws);
    ok(!err, "no close frame from the server: %lu\n", err);
    if (err) { done_ws(ws, &h); return; }
    err = WinHttpWebSocketSend(ws, BT_BINARY, (void *)"x", 1);
    ok(err == ERROR_INVALID_OPERATION, "Send after the server's close frame: %lu\n", err);
    rcv = call_start(OP_RECEIVE, ws, NULL, 0, 0, NULL);
    if ((rcv = call_wait(rcv, WAIT_MS, &ws, "Receive after the server's close frame")))
    {
        ok(rcv->err == ERROR_INVALID_OPERATION, "Receive after the server's close frame: %lu\n", rcv->err);
        free(rcv);
    }
    if (!ws) { close_handles(&h); return; }
    err = use_close ? WinHttpWebSocketClose(ws, 1000, NULL, 0) : WinHttpWebSocketShutdown(ws, 1000, NULL, 0);
    ok(!err, "%s after the server's close frame: %lu\n", what, err);
    check_close_status(ws, 1000, "done", use_close ? "Close after the server's close" : "Shutdown after the server's close");
    done_ws(ws, &h);
}

static void test_after_shutdown(void)
{
    struct conn_handles h;
    HINTERNET ws = open_ws(&h, L"/echo", NULL);
    DWORD err;

    if (!ws) return;
    err = WinHttpWebSocketShutdown(ws, 1000, NULL, 0);
    ok(!err, "Shutdown: %lu\n", err);
    err = WinHttpWebSocketSend(ws, BT_BINARY, (void *)"x", 1);
    ok(err == ERROR_INVALID_OPERATION, "Send after Shutdown: %lu\n", err);
    err = WinHttpWebSocketShutdown(ws, 1000, NULL, 0);
    ok(err == ERROR_INVALID_OPERATION, "second Shutdown: %lu\n", err);
    err = recv_until_close(ws);
    ok(!err, "Receive after Shutdown, until the server's close frame: %lu\n", err);
    err = WinHttpWebSocketClose(ws, 1000, NULL, 0);
    ok(!err, "Close after Shutdown: %lu\n", err);
    done_ws(ws, &h);
}

/* ---- 6. WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL ---- */

#define KEEPALIVE_IDLE 17000  /* ms of idleness checked with the minimum interval, 15000 */

struct keepalive { struct conn_handles h; HINTERNET ws; DWORD since; };

static void check_keepalive_query(HINTERNET h, BOOL buffer, const char *what)
{
    DWORD value = 0xdeadbeef, size = buffer ? sizeof(value) : 0;
    BOOL ret;

    SetLastError(0xdeadbeef);
    ret = WinHttpQueryOption(h, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, buffer ? &value : NULL, &size);
    ok(!ret && GetLastError() == ERROR_INVALID_PARAMETER, "QueryOption(KEEPALIVE_INTERVAL) on the %s: %d, error %lu\n",
       what, ret, GetLastError());
}

static void check_keepalive_set(HINTERNET h, DWORD value, DWORD len, DWORD want, const char *what)
{
    ULONGLONG v = value;
    BOOL ret;

    SetLastError(0xdeadbeef);
    ret = WinHttpSetOption(h, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, len);
    ok(want ? !ret && GetLastError() == want : ret, "SetOption(KEEPALIVE_INTERVAL, %lu, %lu bytes) on the %s: %d, "
       "error %lu\n", value, len, what, ret, GetLastError());
}

/* The option checks, then the minimum interval on an idle synchronous
 * websocket: keepalive_finish() checks the pings once KEEPALIVE_IDLE ms have
 * passed (the other tests run meanwhile). */
static void keepalive_start(struct keepalive *k)
{
    HINTERNET req;
    DWORD n;

    if (!(k->ws = open_ws(&k->h, L"/echo", NULL))) return;
    req = WinHttpOpenRequest(k->h.connect, L"GET", L"/echo", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    check_keepalive_query(k->h.session, TRUE, "session");
    check_keepalive_query(req, TRUE, "request");
    check_keepalive_query(k->ws, TRUE, "websocket");
    check_keepalive_query(k->ws, FALSE, "websocket (no buffer)");
    check_keepalive_set(req, 20000, sizeof(DWORD), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "request");
    WinHttpCloseHandle(req);
    check_keepalive_set(k->ws, 20000, 2, ERROR_INVALID_PARAMETER, "websocket");
    check_keepalive_set(k->ws, 20000, 8, ERROR_INVALID_PARAMETER, "websocket");
    check_keepalive_set(k->ws, 10000, sizeof(DWORD), ERROR_INVALID_PARAMETER, "websocket");
    check_keepalive_set(k->ws, 14999, sizeof(DWORD), ERROR_INVALID_PARAMETER, "websocket");
    check_keepalive_set(k->ws, 20000, sizeof(DWORD), 0, "websocket");
    check_keepalive_set(k->ws, WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE, sizeof(DWORD), 0, "websocket");
    n = ask_number(k->ws, "cmd:pings-received");
    ok(n == 0, "pings before any idle time: %lu\n", n);
    k->since = GetTickCount();
}

static void keepalive_finish(struct keepalive *k)
{
    DWORD idle, n;

    if (!k->ws) return;
    if ((idle = GetTickCount() - k->since) < KEEPALIVE_IDLE) Sleep(KEEPALIVE_IDLE - idle);  /* an idle period */
    n = ask_number(k->ws, "cmd:pings-received");
    ok(n >= 1 && n != ~0u, "idle for %lu ms with a %u ms keep-alive interval: %lu pings\n", GetTickCount() - k->since,
       WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE, n);
    done_ws(k->ws, &k->h);
}

/* ---- 7. Close times out inside a frame that never ends ---- */

/* A binary frame announcing 65535 bytes, 10 of them sent; the server then
 * stays silent.  CLOSE_TIMEOUT 1000 ms; the frame's first 4 bytes read. */
static HINTERNET open_stalled(struct conn_handles *h, BOOL async)
{
    static BYTE buf[16];
    const struct up o = { async, async ? rules_callback : NULL, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, NULL, 1000, 0 };
    DWORD err, len = 0, value = 0, size = sizeof(value), timeout = 1000;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = 0;
    HINTERNET ws = open_ws(h, L"/raw?silent=1&send=827effff00010203040506070809", &o);
    struct note n;
    int from;

    if (!ws) return NULL;
    if (!WinHttpQueryOption(ws, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &value, &size) || value != 1000)
    {
        trace("CLOSE_TIMEOUT on the request did not reach the websocket (%lu): set on the websocket\n", value);
        ok(WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &timeout, sizeof(timeout)),
           "no handle takes CLOSE_TIMEOUT: %lu\n", GetLastError());
    }
    from = notes_count();
    memset(buf, 0, sizeof(buf));
    err = WinHttpWebSocketReceive(ws, buf, 4, &len, &type);
    if (async && !err)
    {
        wait_for(ws, from, ASYNC_DONE, WAIT_MS, &n);
        if (n.status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE)
        {
            len = ws_st(&n)->dwBytesTransferred;
            type = ws_st(&n)->eBufferType;
        }
        else err = n.status ? ws_res(&n)->AsyncResult.dwError : ERROR_TIMEOUT;
    }
    ok(!err && len == 4 && type == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE && !memcmp(buf, "\0\1\2\3", 4),
       "start of the unfinished frame: error %lu, %lu bytes, type %d\n", err, len, type);
    return ws;
}

static void test_close_timeout_in_frame(void)
{
    struct conn_handles h;
    HINTERNET ws = open_stalled(&h, FALSE);
    struct call *c;

    if (!ws) return;
    c = call_start(OP_CLOSE, ws, NULL, 0, 1000, NULL);
    if ((c = call_wait(c, 20000, &ws, "Close inside an unfinished frame")))
    {
        ok(c->err == ERROR_WINHTTP_TIMEOUT && c->ms <= 8000,
           "Close inside an unfinished frame (timeout 1000 ms): error %lu after %lu ms\n", c->err, c->ms);
        free(c);
    }
    done_ws(ws, &h);
}

static void test_async_close_timeout_in_frame(void)
{
    struct conn_handles h;
    HINTERNET ws;
    struct note n;
    DWORD err, start, elapsed;
    int from;

    notes_reset();
    if (!(ws = open_stalled(&h, TRUE))) return;
    from = notes_count();
    start = GetTickCount();
    err = WinHttpWebSocketClose(ws, 1000, NULL, 0);
    ok(!err, "async Close: %lu\n", err);
    wait_for(ws, from, ASYNC_DONE, WAIT_MS, &n);
    elapsed = GetTickCount() - start;
    ok(n.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR
       && ws_res(&n)->Operation == WINHTTP_WEB_SOCKET_CLOSE_OPERATION
       && ws_res(&n)->AsyncResult.dwError == ERROR_WINHTTP_TIMEOUT && elapsed <= 8000,
       "async Close inside an unfinished frame (timeout 1000 ms), after %lu ms: %s, error %lu\n", elapsed,
       notes_for(ws), ws_res(&n)->AsyncResult.dwError);
    done_ws(ws, &h);
}

/* ---- 8. a ping answered while a big send is blocked ---- */

/* Measured on loopback (ss -tm) while the two sides are stuck: about 4 MiB
 * server to client can sit in the kernel (the peer's send buffer, at most
 * wmem_max 4 MiB, and our receive buffer, 128 KiB on a fresh connection),
 * and about 4.5 MiB client to server; both sizes are well above that. */
#define FLOOD_DOWN (8u << 20)   /* server to client while the server does not read */
#define FLOOD_UP (32u << 20)    /* client to server meanwhile */

static DWORD checksum(const BYTE *p, DWORD n)  /* FNV-1a */
{
    DWORD h = 2166136261u;
    while (n--) h = (h ^ *p++) * 16777619u;
    return h;
}

struct flood
{
    HINTERNET ws;
    BYTE *buf;
    DWORD start, down_len, down_bad, up_len, up_sum, err, others;
    BOOL pong;
};

/* Thread B: receives until it has the server's big message, the pong
 * confirmation and the echo of our big message. */
static DWORD WINAPI flood_receiver(void *arg)
{
    struct flood *f = arg;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD len, i;

    while (!(f->down_len && f->up_len && f->pong))
    {
        if ((f->err = ws_recv_message(f->ws, (char *)f->buf, FLOOD_UP + 8, &len, &type))) break;
        trace("flood receiver: %lu bytes, type %d, at %lu ms\n", len, type, GetTickCount() - f->start);
        if (type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && len == 7 && !memcmp(f->buf, "pong:pf", 7))
            f->pong = TRUE;
        else if (type == BT_BINARY && len == FLOOD_DOWN && !f->down_len)
        {
            f->down_len = len;
            for (i = 0; i < len; i++) f->down_bad += f->buf[i] != i % 251;
        }
        else if (type == BT_BINARY && len == FLOOD_UP && !f->up_len)
        {
            f->up_len = len;
            f->up_sum = checksum(f->buf, len);
        }
        else if (f->others++, type == BT_CLOSE) break;
    }
    return 0;
}

static void test_pong_during_big_send(void)
{
    struct conn_handles h;
    HINTERNET ws = open_ws(&h, L"/echo", NULL);
    struct flood *f;
    struct call *c;
    HANDLE rx;
    BYTE *up;
    DWORD i, err, sum;
    char cmd[64];

    if (!ws) return;
    f = calloc(1, sizeof(*f));
    f->ws = ws;
    f->buf = malloc(FLOOD_UP + 16);
    up = malloc(FLOOD_UP);
    for (i = 0; i < FLOOD_UP; i++) up[i] = (BYTE)(i * 7 + (i >> 12));
    sum = checksum(up, FLOOD_UP);
    f->start = GetTickCount();
    rx = CreateThread(NULL, 0, flood_receiver, f, 0, NULL);
    /* the server floods once 1 MiB of our big message has come: we are inside that Send */
    snprintf(cmd, sizeof(cmd), "cmd:pingflood:%u:%u", FLOOD_DOWN, 1u << 20);
    err = ws_send_text(ws, cmd);
    ok(!err, "pingflood command: %lu\n", err);
    c = call_start(OP_SEND, ws, up, FLOOD_UP, 0, NULL);
    if ((c = call_wait(c, 25000, &ws, "32 MiB Send while the server pings and floods")))
    {
        ok(!c->err, "32 MiB Send while the server pings and floods: error %lu after %lu ms\n", c->err, c->ms);
        trace("32 MiB Send while the server pings and floods: %lu ms\n", c->ms);
        free(c);
    }
    if (WaitForSingleObject(rx, 20000) != WAIT_OBJECT_0)
    {
        ok(0, "the receiving thread still waits: %lu bytes from the server, pong %d, echo %lu bytes\n",
           f->down_len, f->pong, f->up_len);
        if (ws) WinHttpCloseHandle(ws);
        ws = NULL;
        if (WaitForSingleObject(rx, WAIT_MS) != WAIT_OBJECT_0) { ok(0, "receiving thread stuck\n"); return; }
    }
    CloseHandle(rx);
    ok(f->down_len == FLOOD_DOWN && !f->down_bad, "8 MiB from the server: %lu bytes, %lu wrong\n", f->down_len,
       f->down_bad);
    ok(f->pong, "no pong:pf (the server never got the pong)\n");
    ok(f->up_len == FLOOD_UP && f->up_sum == sum, "echo of the 32 MiB message: %lu bytes, checksum %08lx, sent %08lx\n",
       f->up_len, f->up_sum, sum);
    ok(!f->err && !f->others, "receiving thread: error %lu, %lu unexpected messages\n", f->err, f->others);
    if (ws) free(up);  /* else a send may still hold it */
    free(f->buf);
    free(f);
    done_ws(ws, &h);
}

/* ---- 12. The send timeout bounds a whole message ---- */

/* The server reads one socket read's worth (64 KiB at most) every 20 ms: a
 * 48 MiB Send crawls (15 s or more), each piece of it going out well within
 * the timeout.  With a 3 s send timeout the Send fails with
 * ERROR_WINHTTP_TIMEOUT after about 3 s (the timeout restarting for every
 * piece let it run to the end). */
static void test_send_timeout_whole_message(void)
{
    static const struct up slow_up = { FALSE, NULL, 0, NULL, 0, 3000 };
    struct conn_handles h;
    HINTERNET ws = open_ws(&h, L"/echo", &slow_up);
    DWORD size = 48u << 20, err;
    struct call *c;
    BYTE *big;

    if (!ws) return;
    err = ws_send_text(ws, "cmd:slowread:20");
    ok(!err, "slowread command: %lu\n", err);
    big = calloc(1, size);
    c = call_start(OP_SEND, ws, big, size, 0, NULL);
    if ((c = call_wait(c, 40000, &ws, "48 MiB Send to a slow reader with a 3 s send timeout")))
    {
        ok(c->err == ERROR_WINHTTP_TIMEOUT && c->ms < 12000, "48 MiB Send to a slow reader: error %lu after %lu ms\n",
           c->err, c->ms);
        free(c);
        free(big);
    }
    done_ws(ws, &h);
}

/* ---- 9. QueryCloseStatus with a small reason buffer ---- */

static void test_close_reason_buffer(void)
{
    struct conn_handles h;
    HINTERNET ws = open_ws(&h, L"/echo", NULL);
    USHORT status = 0;
    char buf[16];
    DWORD err, len = 0;

    if (!ws) return;
    ws_send_text(ws, "cmd:close:4001:abcdefgh");
    err = recv_until_close(ws);
    ok(!err, "no close frame from the server: %lu\n", err);
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, buf, 3, &len);
    ok(err == ERROR_INSUFFICIENT_BUFFER && len == 8 && status == 4001,
       "QueryCloseStatus with 3 bytes for the reason: error %lu, length %lu, status %u\n", err, len, status);
    len = 0;
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, NULL, 0, &len);
    ok(err == ERROR_INSUFFICIENT_BUFFER && len == 8, "QueryCloseStatus without a buffer: error %lu, length %lu\n",
       err, len);
    check_close_status(ws, 4001, "abcdefgh", "QueryCloseStatus with room");
    done_ws(ws, &h);
}

/* ---- 10. every status of WINHTTP_WEB_SOCKET_CLOSE_STATUS; reason length ---- */

static void close_with(USHORT code, BOOL shutdown)
{
    struct conn_handles h;
    HINTERNET ws = open_ws(&h, L"/echo", NULL);
    char reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 2], what[32];
    DWORD err, len = 0;

    if (!ws) return;
    snprintf(what, sizeof(what), "%s(%u)", shutdown ? "Shutdown" : "Close", code);
    memset(reason, 'r', sizeof(reason));
    if (code == 1000)
    {
        len = WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1;
        err = shutdown ? WinHttpWebSocketShutdown(ws, code, reason, len) : WinHttpWebSocketClose(ws, code, reason, len);
        ok(err == ERROR_INVALID_PARAMETER, "%s with a reason of 124 bytes: %lu\n", what, err);
        len = WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH;
    }
    if (shutdown && !(err = WinHttpWebSocketShutdown(ws, code, reason, len))) err = recv_until_close(ws);
    else if (!shutdown) err = WinHttpWebSocketClose(ws, code, reason, len);
    ok(!err, "%s, reason of %lu bytes: %lu\n", what, len, err);
    reason[len] = 0;
    if (!err) check_close_status(ws, code, reason, what);
    done_ws(ws, &h);
}

static void test_close_statuses(void)
{
    static const USHORT codes[] = { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011 };
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(codes); i++)
    {
        close_with(codes[i], FALSE);
        close_with(codes[i], TRUE);
    }
}

/* ---- 11. a 101 naming an extension or subprotocol never offered ---- */

static void check_upgrade(const WCHAR *path, BOOL offer_chat, BOOL want_ok)
{
    const struct up o = { FALSE, NULL, 0, offer_chat ? L"Sec-WebSocket-Protocol: chat\r\n" : NULL, 0, 0 };
    struct conn_handles h;
    DWORD err, status = 0, size = sizeof(status), len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    HINTERNET ws = upgrade(&h, path, &o, &err);
    char report[512] = "";

    if (h.request)
        WinHttpQueryHeaders(h.request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
    ok(status == 101, "%ls: status %lu\n", path, status);
    if (want_ok)
    {
        ok(ws != NULL, "%ls offering chat: CompleteUpgrade failed: %lu\n", path, err);
        if (ws && !ws_send_text(ws, "hi")) ws_recv_message(ws, report, sizeof(report) - 1, &len, &type);
        ok(strstr(report, "\"opcode\":1") != NULL, "%ls: the server saw %s\n", path, report);
    }
    else
        ok(!ws && err == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "%ls, %s: CompleteUpgrade %p, error %lu\n", path,
           offer_chat ? "chat offered" : "nothing offered", ws, err);
    done_ws(ws, &h);
}

void test_wsrules(void)
{
    struct keepalive ka;

    note_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    keepalive_start(&ka);                 /* 6; its idle period runs during the other tests */
    test_async_receive_out_params();      /* 1 */
    test_async_close_then_closehandle();  /* 2 */
    test_handle_closing_mask();           /* 3 */
    test_close_during_receive();          /* 4 */
    test_after_server_close(FALSE);       /* 5 */
    test_after_server_close(TRUE);
    test_after_shutdown();
    test_close_timeout_in_frame();        /* 7 */
    test_async_close_timeout_in_frame();
    test_pong_during_big_send();          /* 8 */
    test_close_reason_buffer();           /* 9 */
    test_close_statuses();                /* 10 */
    check_upgrade(L"/raw?ext=permessage-deflate", FALSE, FALSE);  /* 11 */
    check_upgrade(L"/raw?proto=chat", FALSE, FALSE);
    check_upgrade(L"/raw?proto=other", TRUE, FALSE);
    check_upgrade(L"/raw?proto=chat", TRUE, TRUE);
    test_send_timeout_whole_message();    /* 12 */
    keepalive_finish(&ka);                /* 6 */
    CloseHandle(note_event);
}
