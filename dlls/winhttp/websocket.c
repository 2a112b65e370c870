/*
 * WebSocket handles (RFC 6455 client side): WinHttpWebSocketCompleteUpgrade,
 * Send, Receive, Shutdown, Close, QueryCloseStatus, in synchronous and
 * asynchronous mode.  What each call may do in each state is decided by the
 * state machine (codec/ws_state.c); the frames are ws_engine.c's.
 *
 * Asynchronous mode, as Windows does it: Send, Shutdown and Close write
 * their frame on the caller's thread as far as the connection takes it
 * without waiting; when all of it went, WRITE_COMPLETE / SHUTDOWN_COMPLETE
 * come before the call returns, otherwise the rest goes when the connection
 * is writable and the completion comes from the pool then (ws_out_done).
 * Receive (and the wait for the server's close frame in Close) completes on
 * a pool thread when data arrives: the receive engine is resumable, it never
 * blocks in asynchronous mode, and the dispatcher (async.c) calls back when
 * the connection becomes readable or writable.
 */
#include "websocket.h"
#include "codec/http_parse.h"
#include "codec/ws_handshake.h"

#define MIN_BUFFER_SIZE 256  /* smallest receive / send buffer we use, whatever the option says */
#define WS_BUFFER_UNSET_SIZE 8192  /* read-ahead and send buffer when the options were not set */

/* A completion to report once locks are released. */
struct completion
{
    DWORD status;                     /* WINHTTP_CALLBACK_STATUS_*, 0: none */
    union
    {
        WINHTTP_WEB_SOCKET_STATUS st;
        WINHTTP_WEB_SOCKET_ASYNC_RESULT res;
    } u;
    DWORD len;
};

static void complete_ok(struct completion *c, DWORD status, DWORD bytes, WINHTTP_WEB_SOCKET_BUFFER_TYPE type)
{
    c->status = status;
    c->u.st.dwBytesTransferred = bytes;
    c->u.st.eBufferType = type;
    c->len = sizeof(c->u.st);
}

static void complete_none(struct completion *c, DWORD status)
{
    c->status = status;
    c->len = 0;
}

static void complete_error(struct completion *c, WINHTTP_WEB_SOCKET_OPERATION op, DWORD err)
{
    c->status = WINHTTP_CALLBACK_STATUS_REQUEST_ERROR;
    c->u.res.AsyncResult.dwResult = 0;
    c->u.res.AsyncResult.dwError = err;
    c->u.res.Operation = op;
    c->len = sizeof(c->u.res);
}

static void deliver(struct websocket *ws, struct completion *c)
{
    if (!c->status) return;
    TRACE("%p: notification 0x%08lx\n", ws->hdr.handle, c->status);
    send_callback(&ws->hdr, c->status, c->len ? &c->u : NULL, c->len);
}

struct send_done
{
    struct websocket *ws;
    struct completion c;
};

static void deliver_task(void *ctx, ULONGLONG arg)
{
    struct send_done *d = ctx;
    deliver(d->ws, &d->c);
    release_object(&d->ws->hdr);
    heap_free(d);
}

/* Asynchronous mode: report a completion on the caller's thread, as Windows
 * does for Send / Shutdown, unless callbacks are already nested too deeply
 * on this thread: then on the pool. */
static void deliver_inline(struct websocket *ws, struct completion *c)
{
    struct send_done *d;

    if (!c->status) return;
    if (inline_enter())
    {
        deliver(ws, c);
        inline_leave();
        return;
    }
    if ((d = heap_alloc(sizeof(*d))))
    {
        d->ws = (struct websocket *)addref_object(&ws->hdr);
        d->c = *c;
        if (queue_task(deliver_task, d, 0)) return;
        release_object(&ws->hdr);
        heap_free(d);
    }
    deliver(ws, c);  /* no pool: nest after all */
}

/* ---- the state machine ---- */

static DWORD begin(struct websocket *ws, enum wss_call call, enum wss_msg msg, BOOL fin, unsigned *flags)
{
    enum wss_result r;

    AcquireSRWLockExclusive(&ws->state_lock);
    r = wss_begin(&ws->st, call, msg, fin, flags);
    if (r) TRACE("%p: call %d refused in state %s (%d)\n", ws->hdr.handle, call, wss_state_name(ws->st.state), r);
    ReleaseSRWLockExclusive(&ws->state_lock);
    switch (r)
    {
    case WSS_OK: return ERROR_SUCCESS;
    case WSS_E_MSG_TYPE: return ERROR_INVALID_PARAMETER;
    default: return ERROR_INVALID_OPERATION;
    }
}

/* The error to report for a failed operation: a protocol error seen by the
 * other side of the connection cuts it, which cancels a blocked operation;
 * that one reports the protocol error.  (A Close that gives up cancels a
 * blocked receive: that stays ERROR_WINHTTP_OPERATION_CANCELLED.) */
static DWORD op_error(struct websocket *ws, DWORD err)
{
    AcquireSRWLockShared(&ws->state_lock);
    if (err == ERROR_WINHTTP_OPERATION_CANCELLED && !ws->hdr.closed && ws->st.state == WSS_ABORTED
        && ws->fail_error == ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
        err = ws->fail_error;
    ReleaseSRWLockShared(&ws->state_lock);
    return err;
}

static void end(struct websocket *ws, enum wss_call call, enum wss_msg msg, BOOL fin, BOOL ok)
{
    AcquireSRWLockExclusive(&ws->state_lock);
    wss_end(&ws->st, call, msg, fin, ok);
    ReleaseSRWLockExclusive(&ws->state_lock);
}

/* ---- the handle ---- */

/* Cancel the pending asynchronous receive or Close (caller holds recv_cs);
 * the caller ends its operation and delivers c. */
static enum wss_call cancel_rop(struct websocket *ws, struct completion *c)
{
    if (!ws->rop_pending) return WSS_CALL_COUNT;
    ws->rop_pending = FALSE;
    complete_error(c, ws->rop_close ? WINHTTP_WEB_SOCKET_CLOSE_OPERATION : WINHTTP_WEB_SOCKET_RECEIVE_OPERATION,
                   ERROR_WINHTTP_OPERATION_CANCELLED);
    return ws->rop_close ? WSS_CALL_CLOSE : WSS_CALL_RECEIVE;
}

static void websocket_close_handle(struct object *obj)
{
    struct websocket *ws = (struct websocket *)obj;
    struct completion c = { 0 };
    enum wss_call call;

    if (ws->timers) timers_remove(obj->handle);
    /* end any blocking receive or send on another thread */
    netconn_cancel(ws->conn);
    if (!ws->async) return;
    /* a pending write ends now, before HANDLE_CLOSING, and so does */
    ws_out_cancel(ws);
    /* a pending receive or Close */
    EnterCriticalSection(&ws->recv_cs);
    call = cancel_rop(ws, &c);
    LeaveCriticalSection(&ws->recv_cs);
    if (call == WSS_CALL_COUNT) return;
    end(ws, call, WSS_MSG_NONE, FALSE, FALSE);
    deliver(ws, &c);
}

static void websocket_destroy(struct object *obj)
{
    struct websocket *ws = (struct websocket *)obj;
    TRACE("%p\n", obj->handle);
    netconn_close(ws->conn);
    DeleteCriticalSection(&ws->send_cs);
    DeleteCriticalSection(&ws->recv_cs);
    heap_free(ws->mask_buf);
    heap_free(ws->scratch);
    heap_free(ws);
}

static void websocket_timer(struct object *obj, ULONGLONG now);
static void websocket_readable(struct object *obj, DWORD seq);
static const struct object_vtbl websocket_vtbl =
{
    websocket_close_handle, websocket_destroy, websocket_timer, websocket_readable
};

/* RFC 6455 4.1: the server may select only what the client offered.  We
 * offer no extension (and could not decode one an application offered by
 * hand), and a subprotocol must be one the request listed. */
static DWORD check_negotiation(struct request *r)
{
    int i = headers_find(&r->resp_headers, L"Sec-WebSocket-Extensions", 0);
    char *proto;
    BOOL ok;

    if (i >= 0 && r->resp_headers.items[i].value[0])
    {
        WARN("101 selects extensions %s, none was offered\n", dbg_w(r->resp_headers.items[i].value));
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    }
    if ((i = headers_find(&r->resp_headers, L"Sec-WebSocket-Protocol", 0)) < 0) return ERROR_SUCCESS;
    if (!(proto = strdupWA(r->resp_headers.items[i].value))) return ERROR_NOT_ENOUGH_MEMORY;
    ok = *proto && !strchr(proto, ',') && headers_have_token(&r->req_headers, L"Sec-WebSocket-Protocol", proto);
    if (!ok) WARN("101 selects subprotocol %s, which was not offered\n", proto);
    heap_free(proto);
    return ok ? ERROR_SUCCESS : ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
}

static DWORD check_upgrade_response(struct request *r)
{
    char *accept;
    BOOL ok;
    int i;

    if (!r->websocket_upgrade) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (r->state != REQ_RESPONSE) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (r->status_code != HTTP_STATUS_SWITCH_PROTOCOLS)
    {
        WARN("server answered %lu, not 101\n", r->status_code);
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    }
    if (!headers_have_token(&r->resp_headers, L"Upgrade", "websocket") ||
        !headers_have_token(&r->resp_headers, L"Connection", "upgrade"))
    {
        WARN("101 without Upgrade: websocket / Connection: Upgrade\n");
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    }
    if ((i = headers_find(&r->resp_headers, L"Sec-WebSocket-Accept", 0)) < 0)
    {
        WARN("101 without Sec-WebSocket-Accept\n");
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    }
    if (!(accept = strdupWA(r->resp_headers.items[i].value))) return ERROR_NOT_ENOUGH_MEMORY;
    ok = ws_accept_matches(r->ws_key, strlen(r->ws_key), accept, strlen(accept));
    heap_free(accept);
    if (!ok)
    {
        WARN("wrong Sec-WebSocket-Accept\n");
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    }
    return check_negotiation(r);
}

HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade(HINTERNET hrequest, DWORD_PTR context)
{
    struct object *obj;
    struct request *r;
    struct websocket *ws = NULL;
    HINTERNET h = NULL;
    DWORD err;

    TRACE("%p, %llx\n", hrequest, (unsigned long long)context);
    if (!(obj = grab_object(hrequest))) { set_error(ERROR_INVALID_HANDLE); return NULL; }
    if (obj->type != WINHTTP_HANDLE_TYPE_REQUEST)
    {
        release_object(obj);
        set_error(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        return NULL;
    }
    r = (struct request *)obj;
    EnterCriticalSection(&obj->cs);
    if ((err = request_receive_for_upgrade(r)) || (err = check_upgrade_response(r))) goto done;
    if (!(ws = heap_alloc_zero(sizeof(*ws))))
    {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    init_object(&ws->hdr, WINHTTP_HANDLE_TYPE_WEBSOCKET, &websocket_vtbl, obj);
    ws->hdr.context = context;
    InitializeSRWLock(&ws->state_lock);
    InitializeConditionVariable(&ws->close_cv);
    InitializeCriticalSection(&ws->send_cs);
    InitializeCriticalSection(&ws->recv_cs);
    wss_init(&ws->st);
    wsf_msgstate_init(&ws->msg);
    utf8v_init(&ws->utf8);
    ws->send_timeout = r->timeouts.send;
    ws->close_timeout = r->ws_close_timeout;
    ws->keepalive = r->ws_keepalive;
    /* the buffer options report Windows' default (32 KiB) until set, but an
     * idle websocket must stay small (issue 14): unset, we use 8 KiB */
    ws->recv_buffer_size = r->ws_recv_buffer ? max(r->ws_recv_buffer, MIN_BUFFER_SIZE) : WS_BUFFER_UNSET_SIZE;
    ws->send_buffer_size = r->ws_send_buffer ? max(r->ws_send_buffer, MIN_BUFFER_SIZE) : WS_BUFFER_UNSET_SIZE;
    ws->async = is_async(&ws->hdr);
    ws->last_send = GetTickCount64();
    /* the connection (and any frame bytes that came with the 101) move over */
    ws->conn = request_swap_conn(r, NULL);
    netconn_set_buffer_size(ws->conn, ws->recv_buffer_size);
    r->state = REQ_UPGRADED;
    r->upgrades++;
    if (!(h = alloc_handle(&ws->hdr))) err = ERROR_OUTOFMEMORY;
    else
    {
        if (ws->keepalive || ws->async) ws->timers = timers_add(h);
        if (ws->keepalive && !ws->timers) WARN("%p: no timer thread, no keep-alive pings\n", h);
        send_callback(&ws->hdr, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &h, sizeof(h));
    }
    release_object(&ws->hdr);
    ws = NULL;
done:
    LeaveCriticalSection(&obj->cs);
    heap_free(ws);
    release_object(obj);
    TRACE("%p -> %p (error %lu)\n", hrequest, h, err);
    set_error(err);
    return h;
}

static struct websocket *grab_websocket(HINTERNET h, DWORD *err)
{
    return (struct websocket *)grab_typed(h, WINHTTP_HANDLE_TYPE_WEBSOCKET, err);
}

/* ---- sending ---- */

DWORD WINAPI WinHttpWebSocketSend(HINTERNET hsocket, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, void *buf, DWORD len)
{
    struct websocket *ws;
    struct completion c = { 0 };
    enum wss_msg msg;
    DWORD err;
    BOOL fin, io = FALSE;
    int opcode;

    TRACE("%p, %u, %p, %lu\n", hsocket, type, buf, len);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    switch (type)
    {
    case WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE: msg = WSS_MSG_BINARY; fin = TRUE; break;
    case WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE: msg = WSS_MSG_BINARY; fin = FALSE; break;
    case WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE: msg = WSS_MSG_TEXT; fin = TRUE; break;
    case WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE: msg = WSS_MSG_TEXT; fin = FALSE; break;
    default: err = ERROR_INVALID_PARAMETER; goto done;  /* including CLOSE_BUFFER_TYPE */
    }
    if (!buf && len) { err = ERROR_INVALID_PARAMETER; goto done; }
    if ((err = begin(ws, WSS_CALL_SEND, msg, fin, NULL))) goto done;
    /* the send side is ours: nobody else changes send_msg */
    if (ws->st.send_msg != WSS_MSG_NONE) opcode = WSF_OP_CONTINUATION;
    else opcode = msg == WSS_MSG_BINARY ? WSF_OP_BINARY : WSF_OP_TEXT;
    EnterCriticalSection(&ws->send_cs);
    if (ws->async)
    {
        struct ws_frame_req req;
        req.kind = WS_OUT_SEND;
        req.opcode = opcode;
        req.fin = fin;
        req.data = buf;
        req.len = len;
        req.type = type;
        req.msg = msg;
        err = ws_send_user(ws, &req);
    }
    else err = ws_send_frame(ws, opcode, fin, buf, len);
    ws_leave_send(ws);
    if (err == ERROR_IO_PENDING)
    {
        /* the rest goes out when the connection takes it: WRITE_COMPLETE then */
        err = ERROR_SUCCESS;
        goto done;
    }
    if (err) err = op_error(ws, err);
    if (err) ws_fail(ws, err);
    end(ws, WSS_CALL_SEND, msg, fin, !err);
    io = TRUE;
done:
    if (err && ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    if (ws->async && io)
    {
        /* the call succeeds; the outcome comes as a notification */
        if (err) complete_error(&c, WINHTTP_WEB_SOCKET_SEND_OPERATION, err);
        else complete_ok(&c, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, len, type);
        deliver_inline(ws, &c);
        err = ERROR_SUCCESS;
    }
    release_object(&ws->hdr);
    TRACE("%p -> %lu\n", hsocket, err);
    return err;
}

/* ---- asynchronous receiving ---- */

/* seq 0 is the Close deadline's token (see websocket_timer) */
#define ROP_DEADLINE_SEQ 0

static void rop_task(void *ctx, ULONGLONG token);

/* Run the pending receive once data may be there: now (data is buffered),
 * or when the poller says the connection is readable.  Caller holds
 * recv_cs. */
static DWORD rop_schedule(struct websocket *ws, BOOL now)
{
    DWORD err = ERROR_MORE_DATA;

    ws->rop_seq = ws_next_seq();  /* never ROP_DEADLINE_SEQ */
    /* an idle websocket keeps no read-ahead buffer while it waits (issue 14);
     * in the middle of a message more is coming: keep it */
    if (!now && !ws->in_frame && !ws->rop_done) netconn_release_buffer(ws->conn);
    if (!now) err = transport_get()->watch(ws->conn->id, poll_token(&ws->hdr, ws->rop_seq));
    if (err == ERROR_SUCCESS) return ERROR_SUCCESS;
    if (err != ERROR_MORE_DATA) return err;
    return queue_task(rop_task, NULL, poll_token(&ws->hdr, ws->rop_seq)) ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

/* A Close's wait for the server's close frame is over: end the connection. */
static void close_done(struct websocket *ws, DWORD err)
{
    if (err)
    {
        if (err == ERROR_WINHTTP_TIMEOUT) WARN("%p: no close frame from the server in time\n", ws->hdr.handle);
        ws_fail(ws, err);
        /* wakes a receive blocked on another thread (cancelled), before the
         * FIN below can make the server end the stream under it */
        netconn_cancel(ws->conn);
    }
    ws_finish(ws);
}

/* Advance the pending receive (or Close) as far as the buffered and
 * readable bytes go.  Caller holds recv_cs; returns the call to end, with
 * its completion in c, or WSS_CALL_COUNT while it goes on. */
static enum wss_call rop_step(struct websocket *ws, struct completion *c)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD err;

    if (ws->rop_close)
    {
        err = ws_drain(ws, WS_NO_WAIT, ws->close_deadline);
        if (err == ERROR_IO_PENDING && !(err = rop_schedule(ws, FALSE))) return WSS_CALL_COUNT;
        ws->rop_pending = FALSE;
        close_done(ws, err);
        if (err) complete_error(c, WINHTTP_WEB_SOCKET_CLOSE_OPERATION, err);
        else complete_none(c, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
        return WSS_CALL_CLOSE;
    }
    err = ws_receive(ws, ws->rop_buf, ws->rop_len, &ws->rop_done, &type, WS_NO_WAIT);
    if (err == ERROR_IO_PENDING && !(err = rop_schedule(ws, FALSE))) return WSS_CALL_COUNT;
    ws->rop_pending = FALSE;
    if (err) complete_error(c, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, err);
    else complete_ok(c, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, ws->rop_done, type);
    return WSS_CALL_RECEIVE;
}

/* The pending receive (or Close) may go on: seq is the watch's (or
 * ROP_DEADLINE_SEQ when the Close's deadline passed). */
static void rop_run(struct websocket *ws, DWORD seq)
{
    struct completion c = { 0 };
    enum wss_call call = WSS_CALL_COUNT;

    EnterCriticalSection(&ws->recv_cs);
    if (ws->rop_pending && (ws->rop_seq == seq || (seq == ROP_DEADLINE_SEQ && ws->rop_close)))
        call = rop_step(ws, &c);
    LeaveCriticalSection(&ws->recv_cs);
    if (call == WSS_CALL_COUNT) return;
    end(ws, call, WSS_MSG_NONE, FALSE, c.status != WINHTTP_CALLBACK_STATUS_REQUEST_ERROR);
    deliver(ws, &c);
}

static void websocket_readable(struct object *obj, DWORD seq)
{
    /* a read watch's or a write watch's: each checks its own */
    struct websocket *ws = (struct websocket *)obj;
    rop_run(ws, seq);
    if (ws->out.busy) ws_out_resume(ws, seq);  /* checked again under send_cs */
}

static void rop_task(void *ctx, ULONGLONG token)
{
    struct object *obj = grab_object((HINTERNET)(ULONG_PTR)(token >> 32));

    if (!obj) return;  /* closed meanwhile: the close cancelled the receive */
    if (obj->type == WINHTTP_HANDLE_TYPE_WEBSOCKET) rop_run((struct websocket *)obj, (DWORD)token);
    release_object(obj);
}

/* ---- timers: keep-alive pings, the asynchronous Close's deadline ---- */

static void ping_task(void *ctx, ULONGLONG arg)
{
    struct websocket *ws = ctx;
    BOOL go;

    /* a frame being sent means the connection is not idle: no ping then */
    if (TryEnterCriticalSection(&ws->send_cs))
    {
        AcquireSRWLockShared(&ws->state_lock);
        go = wss_can_send(&ws->st) && ws->st.send_op == WSS_OP_NONE && !ws->out.busy && ws->keepalive
             && GetTickCount64() - ws->last_send >= ws->keepalive;
        ReleaseSRWLockShared(&ws->state_lock);
        if (go)
        {
            DWORD err = ws_send_frame(ws, WSF_OP_PING, TRUE, NULL, 0);
            TRACE("%p: keep-alive ping sent, error %lu\n", ws->hdr.handle, err);
            if (err && err != ERROR_IO_PENDING) ws_fail(ws, err);
        }
        ws_leave_send(ws);
    }
    InterlockedExchange(&ws->ping_queued, 0);
    release_object(&ws->hdr);
}

static void expire_task(void *ctx, ULONGLONG now)
{
    struct websocket *ws = ctx;
    ws_out_expire(ws, now);
    InterlockedExchange(&ws->out.expire_queued, 0);
    release_object(&ws->hdr);
}

/* Every tick, from the dispatcher thread. */
static void websocket_timer(struct object *obj, ULONGLONG now)
{
    struct websocket *ws = (struct websocket *)obj;

    /* an asynchronous frame still not out when the send timeout is over
     * (read without send_cs: expire_task checks again) */
    if (ws->async && ws->out.busy && now >= ws->out.deadline && !InterlockedExchange(&ws->out.expire_queued, 1))
    {
        addref_object(obj);
        if (!queue_task(expire_task, ws, now))
        {
            InterlockedExchange(&ws->out.expire_queued, 0);
            release_object(obj);
        }
    }

    if (ws->async && ws->rop_pending && ws->rop_close && now >= ws->close_deadline
        && !InterlockedExchange(&ws->rop_deadline_queued, 1))
        queue_task(rop_task, NULL, poll_token(&ws->hdr, ROP_DEADLINE_SEQ));
    if (ws->keepalive && now - ws->last_send >= ws->keepalive && !InterlockedCompareExchange(&ws->ping_queued, 1, 0))
    {
        addref_object(obj);
        if (!queue_task(ping_task, ws, 0))
        {
            InterlockedExchange(&ws->ping_queued, 0);
            release_object(obj);
        }
    }
}

/* WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL on the websocket handle
 * (caller holds obj->cs): takes effect from now on. */
DWORD websocket_set_keepalive(struct object *obj, DWORD interval)
{
    struct websocket *ws = (struct websocket *)obj;

    ws->keepalive = interval;
    if (!ws->timers && !(ws->timers = timers_add(obj->handle))) WARN("%p: no timer thread, no keep-alive pings\n", obj->handle);
    return ERROR_SUCCESS;
}

/* ---- receiving ---- */

/* A synchronous Close may be waiting for the receive engine. */
static void wake_close_waiter(struct websocket *ws)
{
    AcquireSRWLockShared(&ws->state_lock);
    if (ws->close_waiting)
    {
        InterlockedIncrement(&ws->close_wakes);
        WakeAllConditionVariable(&ws->close_cv);
    }
    ReleaseSRWLockShared(&ws->state_lock);
}

DWORD WINAPI WinHttpWebSocketReceive(HINTERNET hsocket, void *buf, DWORD len, DWORD *read,
                                     WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    struct websocket *ws;
    DWORD err, got = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t = 0;

    TRACE("%p, %p, %lu, %p, %p\n", hsocket, buf, len, read, type);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    /* in asynchronous mode *read and *type are not used (documented) */
    if (!buf || !len || (!ws->async && (!read || !type))) { err = ERROR_INVALID_PARAMETER; goto done; }
    if ((err = begin(ws, WSS_CALL_RECEIVE, WSS_MSG_NONE, FALSE, NULL))) goto done;
    EnterCriticalSection(&ws->recv_cs);
    if (ws->async && ws->hdr.closed)
    {
        /* WinHttpCloseHandle ran meanwhile: it found nothing pending to cancel */
        LeaveCriticalSection(&ws->recv_cs);
        end(ws, WSS_CALL_RECEIVE, WSS_MSG_NONE, FALSE, FALSE);
        err = ERROR_WINHTTP_OPERATION_CANCELLED;
        goto done;
    }
    if (ws->async)
    {
        /* completes with READ_COMPLETE or REQUEST_ERROR */
        ws->rop_pending = TRUE;
        ws->rop_close = FALSE;
        ws->rop_buf = buf;
        ws->rop_len = len;
        ws->rop_done = 0;
        if ((err = rop_schedule(ws, netconn_buffered(ws->conn) != 0))) ws->rop_pending = FALSE;
        LeaveCriticalSection(&ws->recv_cs);
        if (err) end(ws, WSS_CALL_RECEIVE, WSS_MSG_NONE, FALSE, FALSE);
        goto done;
    }
    if ((err = ws_receive(ws, buf, len, &got, &t, WS_WAIT_FOREVER))) err = op_error(ws, err);
    LeaveCriticalSection(&ws->recv_cs);
    end(ws, WSS_CALL_RECEIVE, WSS_MSG_NONE, FALSE, !err);
    wake_close_waiter(ws);
    if (!err)
    {
        *read = got;
        *type = t;
    }
done:
    if (err && ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p -> %lu, %lu bytes, type %u\n", hsocket, err, got, t);
    release_object(&ws->hdr);
    return err;
}

/* ---- closing ---- */

static BOOL valid_close_status(USHORT status)
{
    /* what an endpoint may put on the wire (RFC 6455 7.4: never 1005, 1006
     * or 1015), plus 1005 meaning "send a close frame without a status" */
    if (status == WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS) return TRUE;
    return wsf_close_code_valid(status) != 0;
}

static DWORD check_close_params(USHORT status, const void *reason, DWORD len)
{
    if (len > WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) return ERROR_INVALID_PARAMETER;
    if (!reason && len) return ERROR_INVALID_PARAMETER;
    if (!valid_close_status(status)) return ERROR_INVALID_PARAMETER;
    if (status == WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS && len) return ERROR_INVALID_PARAMETER;
    return ERROR_SUCCESS;
}

/* Our close frame went out (or failed): both close frames exchanged means
 * the TCP connection ends. */
static void close_frame_out(struct websocket *ws, DWORD err)
{
    if (!err && ws_state_is(ws, WSS_CLOSED)) ws_finish(ws);
}

/* Shutdown and Close: our close frame, when the state says one is due.
 * ERROR_IO_PENDING (asynchronous mode): ws_out_done goes on once it is out. */
static DWORD send_close_if(struct websocket *ws, enum ws_out_kind kind, unsigned flags, USHORT status,
                           const void *reason, DWORD len)
{
    DWORD err;
    if (!(flags & WSS_NEED_SEND)) return ERROR_SUCCESS;
    EnterCriticalSection(&ws->send_cs);
    err = ws_send_close(ws, kind, flags, status, reason, len);
    LeaveCriticalSection(&ws->send_cs);
    if (err != ERROR_IO_PENDING) close_frame_out(ws, err);
    return err;
}

static void shutdown_done(struct websocket *ws, DWORD err, struct completion *c)
{
    end(ws, WSS_CALL_SHUTDOWN, WSS_MSG_NONE, FALSE, !err);
    if (err) complete_error(c, WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION, err);
    else complete_none(c, WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE);
}

DWORD WINAPI WinHttpWebSocketShutdown(HINTERNET hsocket, USHORT status, void *reason, DWORD len)
{
    struct websocket *ws;
    struct completion c = { 0 };
    unsigned flags;
    DWORD err;

    TRACE("%p, %u, %p, %lu\n", hsocket, status, reason, len);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    if ((err = check_close_params(status, reason, len))) goto done;
    if ((err = begin(ws, WSS_CALL_SHUTDOWN, WSS_MSG_NONE, FALSE, &flags))) goto done;
    err = send_close_if(ws, WS_OUT_SHUTDOWN, flags, status, reason, len);
    if (err == ERROR_IO_PENDING) err = ERROR_SUCCESS;  /* SHUTDOWN_COMPLETE once it is out */
    else if (ws->async)
    {
        if (err && ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
        shutdown_done(ws, err, &c);
        deliver_inline(ws, &c);
        err = ERROR_SUCCESS;
    }
    else end(ws, WSS_CALL_SHUTDOWN, WSS_MSG_NONE, FALSE, !err);
done:
    if (err && ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p -> %lu\n", hsocket, err);
    release_object(&ws->hdr);
    return err;
}

/* Synchronous Close, once our close frame is out: wait for the server's,
 * at most close_timeout.  A receive blocked on another thread keeps the
 * engine and may read the close frame itself: wait for that, or for the
 * engine to be free. */
static DWORD close_sync(struct websocket *ws)
{
    ULONGLONG give_up = GetTickCount64() + ws->close_timeout;
    DWORD err;

    for (;;)
    {
        ULONGLONG now;
        LONG wakes;

        AcquireSRWLockExclusive(&ws->state_lock);
        ws->close_waiting = TRUE;
        wakes = ws->close_wakes;
        ReleaseSRWLockExclusive(&ws->state_lock);
        if (TryEnterCriticalSection(&ws->recv_cs))
        {
            err = ws_drain(ws, give_up, give_up);
            LeaveCriticalSection(&ws->recv_cs);
            break;
        }
        /* a receive on another thread reads: it may read the close frame itself */
        if ((err = ws_close_outcome(ws)) != ERROR_IO_PENDING) break;
        if ((now = GetTickCount64()) >= give_up) { err = ERROR_WINHTTP_TIMEOUT; break; }
        /* asleep until a receive ends or the close frame came, unless that
         * happened since wakes was read */
        AcquireSRWLockExclusive(&ws->state_lock);
        if (ws->close_wakes == wakes)
            SleepConditionVariableSRW(&ws->close_cv, &ws->state_lock, (DWORD)min(give_up - now, 0x7fffffff), 0);
        ReleaseSRWLockExclusive(&ws->state_lock);
    }
    close_done(ws, err);
    return err;
}

/* Asynchronous Close, once our close frame is out (or failed with err):
 * CLOSE_COMPLETE now when the server's close frame is already here,
 * otherwise the receiving side waits for it on the pool (the completion
 * comes from rop_step).  c receives a completion to report now. */
static void close_async(struct websocket *ws, unsigned flags, DWORD err, struct completion *c)
{
    if (!err && (flags & WSS_NEED_RECEIVE))
    {
        EnterCriticalSection(&ws->recv_cs);
        if (ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;  /* CloseHandle found nothing to cancel */
        else
        {
            ws->rop_pending = TRUE;
            ws->rop_close = TRUE;
            ws->close_deadline = GetTickCount64() + ws->close_timeout;
            ws->rop_deadline_queued = 0;
            if ((err = rop_schedule(ws, TRUE))) ws->rop_pending = FALSE;
        }
        LeaveCriticalSection(&ws->recv_cs);
        if (!err) return;
    }
    if (err) close_done(ws, err);
    else ws_finish(ws);
    end(ws, WSS_CALL_CLOSE, WSS_MSG_NONE, FALSE, !err);
    if (err) complete_error(c, WINHTTP_WEB_SOCKET_CLOSE_OPERATION, err);
    else complete_none(c, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
}

DWORD WINAPI WinHttpWebSocketClose(HINTERNET hsocket, USHORT status, void *reason, DWORD len)
{
    struct websocket *ws;
    struct completion cancelled = { 0 }, c = { 0 };
    unsigned flags;
    DWORD err;

    TRACE("%p, %u, %p, %lu\n", hsocket, status, reason, len);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    if ((err = check_close_params(status, reason, len))) goto done;
    if ((err = begin(ws, WSS_CALL_CLOSE, WSS_MSG_NONE, FALSE, &flags))) goto done;
    if (ws->async)
    {
        /* a pending receive ends (cancelled), reported first, on this thread
         * whatever the nesting: a pool task could come after the Close's own
         * completion */
        if (flags & WSS_CANCEL_RECEIVE)
        {
            EnterCriticalSection(&ws->recv_cs);
            cancel_rop(ws, &cancelled);
            LeaveCriticalSection(&ws->recv_cs);
            deliver(ws, &cancelled);
        }
        err = send_close_if(ws, WS_OUT_CLOSE, flags, status, reason, len);
        if (err != ERROR_IO_PENDING)  /* else ws_out_done goes on once it is out */
        {
            close_async(ws, flags, err, &c);
            deliver_inline(ws, &c);
        }
        err = ERROR_SUCCESS;
        goto done;
    }
    err = send_close_if(ws, WS_OUT_CLOSE, flags, status, reason, len);
    if (!err && (flags & WSS_NEED_RECEIVE)) err = close_sync(ws);
    else if (err) close_done(ws, err);
    else ws_finish(ws);
    end(ws, WSS_CALL_CLOSE, WSS_MSG_NONE, FALSE, !err);
done:
    if (err && ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p -> %lu\n", hsocket, err);
    release_object(&ws->hdr);
    return err;
}

/* Asynchronous mode: the frame of a Send, Shutdown or Close that had to
 * wait for the connection is out, or failed (on the pool, or in
 * WinHttpCloseHandle; no lock held). */
void ws_out_done(struct websocket *ws, const struct ws_frame_req *req, DWORD err)
{
    struct completion c = { 0 };

    if (err) err = op_error(ws, err);
    if (err && ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p: frame of call kind %d out, error %lu\n", ws->hdr.handle, req->kind, err);
    switch (req->kind)
    {
    case WS_OUT_SEND:
        if (err) ws_fail(ws, err);
        end(ws, WSS_CALL_SEND, req->msg, req->fin, !err);
        if (err) complete_error(&c, WINHTTP_WEB_SOCKET_SEND_OPERATION, err);
        else complete_ok(&c, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, req->len, req->type);
        break;
    case WS_OUT_SHUTDOWN:
        close_frame_out(ws, err);
        shutdown_done(ws, err, &c);
        break;
    case WS_OUT_CLOSE:
        close_frame_out(ws, err);
        close_async(ws, req->flags, err, &c);
        break;
    default:
        return;
    }
    deliver(ws, &c);
}

DWORD WINAPI WinHttpWebSocketQueryCloseStatus(HINTERNET hsocket, USHORT *status, void *reason, DWORD len,
                                              DWORD *consumed)
{
    struct websocket *ws;
    DWORD err;

    TRACE("%p, %p, %p, %lu, %p\n", hsocket, status, reason, len, consumed);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    if (!status || !consumed || (!reason && len)) { err = ERROR_INVALID_PARAMETER; goto done; }
    AcquireSRWLockExclusive(&ws->state_lock);
    if (wss_begin(&ws->st, WSS_CALL_QUERY_CLOSE, WSS_MSG_NONE, 0, NULL)) err = ERROR_INVALID_OPERATION;
    else
    {
        *status = ws->close_status;
        *consumed = ws->close_reason_len;
        if (len < ws->close_reason_len) err = ERROR_INSUFFICIENT_BUFFER;
        else if (ws->close_reason_len) memcpy(reason, ws->close_reason, ws->close_reason_len);
    }
    ReleaseSRWLockExclusive(&ws->state_lock);
done:
    TRACE("%p -> %lu\n", hsocket, err);
    release_object(&ws->hdr);
    return err;
}
