/*
 * WebSocket handles (RFC 6455 client side): WinHttpWebSocketCompleteUpgrade,
 * Send, Receive, Shutdown, Close, QueryCloseStatus, in synchronous and
 * asynchronous mode.
 *
 * Asynchronous mode, as Windows does it: Send and Shutdown run on the
 * caller's thread and report WRITE_COMPLETE / SHUTDOWN_COMPLETE before they
 * return; Receive (and the wait for the server's close frame in Close)
 * completes on a pool thread when data arrives: the receive engine below is
 * resumable, it never blocks in asynchronous mode, and the dispatcher
 * (async.c) calls back when the connection becomes readable.
 *
 * Locking: send_cs serialises everything written to the connection (data
 * frames, pongs, the close frame); recv_cs serialises frame reads.  A send and
 * a receive may run at the same time on two threads (full duplex).  A second
 * concurrent send (or receive) fails with ERROR_INVALID_OPERATION instead of
 * queueing, as on Windows.
 */
#include "private.h"
#include "codec/ws_frame.h"
#include "codec/utf8.h"
#include "codec/http_parse.h"
#include "codec/ws_handshake.h"

#define MIN_BUFFER_SIZE 256  /* smallest receive / send buffer we use, whatever the option says */
#define SCRATCH_SIZE 4096
#define BIG_CHUNK 65536   /* most bytes masked per write for big messages */

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

/* Cancel the pending asynchronous receive (caller holds recv_cs). */
static void cancel_rop(struct websocket *ws, struct completion *c)
{
    if (!ws->rop_pending) return;
    ws->rop_pending = FALSE;
    complete_error(c, ws->rop_close ? WINHTTP_WEB_SOCKET_CLOSE_OPERATION : WINHTTP_WEB_SOCKET_RECEIVE_OPERATION,
                   ERROR_WINHTTP_OPERATION_CANCELLED);
}

static void websocket_close_handle(struct object *obj)
{
    struct websocket *ws = (struct websocket *)obj;
    struct completion c = { 0 };

    if (ws->timers) timers_remove(obj->handle);
    /* end any blocking receive or send on another thread */
    if (ws->conn) netconn_cancel(ws->conn);
    if (ws->async)
    {
        /* a pending receive or Close ends now, before HANDLE_CLOSING */
        EnterCriticalSection(&ws->recv_cs);
        cancel_rop(ws, &c);
        LeaveCriticalSection(&ws->recv_cs);
        if (c.status)
        {
            InterlockedExchange(&ws->recv_busy, 0);
            deliver(ws, &c);
        }
    }
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
    heap_free(ws->msgstate);
    heap_free(ws->utf8);
    heap_free(ws);
}

static const struct object_vtbl websocket_vtbl = { websocket_close_handle, websocket_destroy };

/* The read-ahead buffer becomes WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE
 * bytes (never less than what it already holds). */
static void resize_read_buffer(struct netconn *c, DWORD size)
{
    DWORD held = c->rlen - c->rpos;
    BYTE *p;

    size = max(size, held);
    if (size == c->rbuf_size) return;
    if (!(p = heap_alloc(size))) return;
    memcpy(p, c->rbuf + c->rpos, held);
    heap_free(c->rbuf);
    c->rbuf = p;
    c->rbuf_size = size;
    c->rpos = 0;
    c->rlen = held;
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
    return ERROR_SUCCESS;
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
    if ((err = check_upgrade_response(r))) goto done;
    if (!(ws = heap_alloc_zero(sizeof(*ws))) || !(ws->msgstate = heap_alloc_zero(sizeof(wsf_msgstate)))
        || !(ws->utf8 = heap_alloc_zero(sizeof(utf8_validator))))
    {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    init_object(&ws->hdr, WINHTTP_HANDLE_TYPE_WEBSOCKET, &websocket_vtbl, obj);
    ws->hdr.context = context;
    InitializeCriticalSection(&ws->send_cs);
    InitializeCriticalSection(&ws->recv_cs);
    wsf_msgstate_init(ws->msgstate);
    utf8v_init(ws->utf8);
    ws->send_timeout = r->timeouts.send;
    ws->close_timeout = r->ws_close_timeout;
    ws->keepalive = r->ws_keepalive;
    ws->recv_buffer_size = max(r->ws_recv_buffer, MIN_BUFFER_SIZE);
    ws->send_buffer_size = max(r->ws_send_buffer, MIN_BUFFER_SIZE);
    ws->async = is_async(&ws->hdr);
    ws->last_send = GetTickCount64();
    /* the connection (and any frame bytes that came with the 101) move over */
    ws->conn = request_swap_conn(r, NULL);
    resize_read_buffer(ws->conn, ws->recv_buffer_size);
    r->state = REQ_UPGRADED;
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
    if (ws)
    {
        heap_free(ws->msgstate);
        heap_free(ws->utf8);
        heap_free(ws);
    }
    release_object(obj);
    TRACE("%p -> %p (error %lu)\n", hrequest, h, err);
    set_error(err);
    return h;
}

static struct websocket *grab_websocket(HINTERNET h, DWORD *err)
{
    struct object *obj = grab_object(h);
    if (!obj) { *err = ERROR_INVALID_HANDLE; return NULL; }
    if (obj->type != WINHTTP_HANDLE_TYPE_WEBSOCKET)
    {
        release_object(obj);
        *err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return NULL;
    }
    *err = ERROR_SUCCESS;
    return (struct websocket *)obj;
}

/* ---- sending ---- */

/* Send one frame; caller holds send_cs. */
static DWORD send_frame(struct websocket *ws, int opcode, BOOL fin, const BYTE *data, DWORD len)
{
    BYTE head[WSF_MAX_HEADER], mask[4], *chunk = NULL, *spare = NULL;
    struct whnet_buf bufs[2];
    DWORD err, done = 0, chunk_size = 0;
    size_t hlen;

    if ((err = transport_random(mask, sizeof(mask)))) return err;
    hlen = wsf_encode_header(head, fin, opcode, len, mask);
    TRACE("%p: frame opcode %d fin %d length %lu\n", ws->hdr.handle, opcode, fin, len);
    /* a message larger than the send buffer is masked through a transient
     * buffer of up to BIG_CHUNK bytes, so that it leaves in few writes
     * without every WebSocket keeping a big buffer */
    if (len > ws->send_buffer_size && (spare = heap_alloc(min(len, BIG_CHUNK))))
    {
        chunk = spare;
        chunk_size = min(len, BIG_CHUNK);
    }
    else if (len)
    {
        if (ws->mask_buf_size < min(len, ws->send_buffer_size))
        {
            DWORD size = min(max(len, 4096), ws->send_buffer_size);
            BYTE *p = heap_realloc(ws->mask_buf, size);
            if (!p) return ERROR_NOT_ENOUGH_MEMORY;
            ws->mask_buf = p;
            ws->mask_buf_size = size;
        }
        chunk = ws->mask_buf;
        chunk_size = ws->mask_buf_size;
    }
    do
    {
        DWORD n = min(len - done, chunk_size), count = 0;
        if (!done)
        {
            /* the header goes with the first chunk */
            bufs[count].data = head;
            bufs[count++].len = (uint32_t)hlen;
        }
        if (n)
        {
            wsf_mask(chunk, data + done, n, mask, done);
            bufs[count].data = chunk;
            bufs[count++].len = n;
        }
        if ((err = netconn_send(ws->conn, bufs, count, ws->send_timeout))) break;
        done += n;
    } while (done < len);
    heap_free(spare);
    if (err) return err;
    ws->last_send = GetTickCount64();
    return ERROR_SUCCESS;
}

/* Send a close frame once (caller holds send_cs). */
static DWORD send_close_frame(struct websocket *ws, USHORT status, const void *reason, DWORD len)
{
    BYTE payload[2 + WSF_MAX_CLOSE_REASON];
    size_t n = 0;
    DWORD err;

    if (ws->close_sent) return ERROR_SUCCESS;
    if (status != WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS) n = wsf_close_build(payload, status, reason, len);
    ws->close_sent = TRUE;
    err = send_frame(ws, WSF_OP_CLOSE, TRUE, payload, (DWORD)n);
    TRACE("%p: close frame sent, status %u, reason length %lu, error %lu\n", ws->hdr.handle, status, len, err);
    return err;
}

/* The connection cannot be used any more (protocol error, I/O failure). */
static void websocket_fail(struct websocket *ws, DWORD err)
{
    if (!ws->failed)
    {
        ws->failed = TRUE;
        ws->fail_error = err;
        WARN("%p: connection failed, error %lu\n", ws->hdr.handle, err);
    }
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

/* Asynchronous mode: report a Send / Shutdown / Close completion on the
 * caller's thread, as Windows does, unless callbacks are already nested too
 * deeply on this thread: then on the pool. */
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

DWORD WINAPI WinHttpWebSocketSend(HINTERNET hsocket, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, void *buf, DWORD len)
{
    struct websocket *ws;
    struct completion c = { 0 };
    DWORD err;
    BOOL binary, fin, io = FALSE;
    int opcode;

    TRACE("%p, %u, %p, %lu\n", hsocket, type, buf, len);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    switch (type)
    {
    case WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE: binary = TRUE; fin = TRUE; break;
    case WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE: binary = TRUE; fin = FALSE; break;
    case WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE: binary = FALSE; fin = TRUE; break;
    case WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE: binary = FALSE; fin = FALSE; break;
    default: err = ERROR_INVALID_PARAMETER; goto done;  /* including CLOSE_BUFFER_TYPE */
    }
    if (!buf && len) { err = ERROR_INVALID_PARAMETER; goto done; }
    if (InterlockedCompareExchange(&ws->send_busy, 1, 0)) { err = ERROR_INVALID_OPERATION; goto done; }
    EnterCriticalSection(&ws->send_cs);
    if (ws->close_sent || ws->failed) err = ERROR_INVALID_OPERATION;
    else if (ws->send_in_message && binary != ws->send_msg_binary) err = ERROR_INVALID_PARAMETER;
    else
    {
        opcode = ws->send_in_message ? WSF_OP_CONTINUATION : (binary ? WSF_OP_BINARY : WSF_OP_TEXT);
        err = send_frame(ws, opcode, fin, buf, len);
        io = TRUE;
        if (!err)
        {
            ws->send_in_message = !fin;
            ws->send_msg_binary = binary;
        }
        else websocket_fail(ws, err);
    }
    LeaveCriticalSection(&ws->send_cs);
    InterlockedExchange(&ws->send_busy, 0);
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

/* ---- receiving ---- */

/* Protocol violation by the server: send the close code RFC 6455 asks for,
 * then give up on the connection. Caller holds recv_cs. */
static DWORD protocol_error(struct websocket *ws, int wsf_err)
{
    USHORT code = wsf_error_close_code(wsf_err);
    WARN("%p: protocol error %s, closing with %u\n", ws->hdr.handle, wsf_error_name(wsf_err), code);
    EnterCriticalSection(&ws->send_cs);
    send_close_frame(ws, code, NULL, 0);
    LeaveCriticalSection(&ws->send_cs);
    transport_get()->shutdown_send(ws->conn->id);
    websocket_fail(ws, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
}

/* Map a transport error while reading. */
static DWORD read_failed(struct websocket *ws, DWORD err)
{
    if (err == ERROR_HANDLE_EOF) err = ERROR_WINHTTP_CONNECTION_ERROR;
    websocket_fail(ws, err);
    return err;
}

/* Next frame header into *h.  A control frame's payload is in the read
 * buffer too when this returns (so handling it never waits).  With
 * NETCONN_NOWAIT: ERROR_IO_PENDING when more bytes must arrive first. */
static DWORD read_frame_header(struct websocket *ws, wsf_header *h, int timeout)
{
    struct netconn *c = ws->conn;
    DWORD err;
    int rc;

    for (;;)
    {
        DWORD avail = c->rlen - c->rpos;
        rc = wsf_parse_header(c->rbuf + c->rpos, avail, 1, h);
        if (rc < 0) return protocol_error(ws, rc);
        if (rc > 0 && (h->opcode < WSF_OP_CLOSE || avail >= rc + h->payload_len))
        {
            c->rpos += rc;
            return ERROR_SUCCESS;
        }
        err = netconn_fill(c, timeout);
        if (err == ERROR_WINHTTP_TIMEOUT && timeout == NETCONN_NOWAIT) return ERROR_IO_PENDING;
        if (err) return read_failed(ws, err);
    }
}

/* Handle a control frame (its payload is buffered). Returns ERROR_SUCCESS,
 * an error, or ERROR_MORE_DATA meaning "a close frame arrived". */
static DWORD handle_control(struct websocket *ws, const wsf_header *h)
{
    BYTE payload[WSF_MAX_CONTROL_PAYLOAD];
    DWORD len = (DWORD)h->payload_len, err;

    if ((err = netconn_read_exact(ws->conn, payload, len, -1))) return read_failed(ws, err);
    switch (h->opcode)
    {
    case WSF_OP_PING:
        TRACE("%p: ping, %lu bytes: answering\n", ws->hdr.handle, len);
        EnterCriticalSection(&ws->send_cs);
        err = ws->close_sent ? ERROR_SUCCESS : send_frame(ws, WSF_OP_PONG, TRUE, payload, len);
        LeaveCriticalSection(&ws->send_cs);
        if (err) return read_failed(ws, err);
        return ERROR_SUCCESS;
    case WSF_OP_PONG:
        TRACE("%p: pong, %lu bytes\n", ws->hdr.handle, len);
        return ERROR_SUCCESS;
    case WSF_OP_CLOSE:
    {
        int has_code, rc;
        uint16_t code = 0;
        const uint8_t *reason = NULL;
        size_t reason_len = 0;
        if ((rc = wsf_close_parse(payload, len, &has_code, &code, &reason, &reason_len)))
            return protocol_error(ws, rc);
        ws->close_status = has_code ? code : WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS;
        ws->close_reason_len = (DWORD)reason_len;
        if (reason_len) memcpy(ws->close_reason, reason, reason_len);
        ws->close_received = TRUE;
        TRACE("%p: close frame received, status %u, reason length %lu\n", ws->hdr.handle, ws->close_status,
              ws->close_reason_len);
        return ERROR_MORE_DATA;
    }
    }
    return protocol_error(ws, WSF_ERR_BAD_OPCODE);
}

/* The receive engine: frames into buf until buf is full or the current
 * frame ends; *done counts the payload bytes stored so far (kept across
 * calls).  Caller holds recv_cs.  timeout -1 blocks (synchronous mode);
 * NETCONN_NOWAIT returns ERROR_IO_PENDING instead of waiting, with all
 * progress kept in the websocket and *done, so the next call resumes. */
static DWORD receive(struct websocket *ws, BYTE *buf, DWORD len, DWORD *done, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type,
                     int timeout)
{
    wsf_header h;
    DWORD err;
    int rc, msg_opcode;

    while (!ws->in_frame)
    {
        if ((err = read_frame_header(ws, &h, timeout))) return err;
        if ((rc = wsf_msgstate_frame(ws->msgstate, &h, &msg_opcode))) return protocol_error(ws, rc);
        if (h.opcode >= WSF_OP_CLOSE)
        {
            err = handle_control(ws, &h);
            if (err == ERROR_MORE_DATA)
            {
                *done = 0;
                *type = WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE;
                return ERROR_SUCCESS;
            }
            if (err) return err;
            continue;
        }
        TRACE("%p: data frame opcode %d fin %d length %llu\n", ws->hdr.handle, h.opcode, h.fin, (unsigned long long)h.payload_len);
        if (h.opcode != WSF_OP_CONTINUATION && msg_opcode == WSF_OP_TEXT) utf8v_init(ws->utf8);
        ws->in_frame = TRUE;
        ws->frame_remaining = h.payload_len;
        ws->frame_fin = h.fin;
        ws->frame_msg_opcode = msg_opcode;
    }

    while (*done < len && ws->frame_remaining)
    {
        DWORD want = (DWORD)min((ULONGLONG)(len - *done), ws->frame_remaining), got;
        err = netconn_read(ws->conn, buf + *done, want, timeout, &got);
        if (err == ERROR_WINHTTP_TIMEOUT && timeout == NETCONN_NOWAIT) return ERROR_IO_PENDING;
        if (err) return read_failed(ws, err);
        if (!got) return read_failed(ws, ERROR_HANDLE_EOF);
        ws->frame_remaining -= got;
        if (ws->frame_msg_opcode == WSF_OP_TEXT && utf8v_feed(ws->utf8, buf + *done, got))
            return protocol_error(ws, WSF_ERR_INVALID_UTF8);
        *done += got;
    }
    if (!ws->frame_remaining)
    {
        ws->in_frame = FALSE;
        if (ws->frame_fin && ws->frame_msg_opcode == WSF_OP_TEXT && utf8v_finish(ws->utf8))
            return protocol_error(ws, WSF_ERR_INVALID_UTF8);
    }
    if (!ws->frame_remaining && ws->frame_fin)
        *type = ws->frame_msg_opcode == WSF_OP_TEXT ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
                                                    : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    else
        *type = ws->frame_msg_opcode == WSF_OP_TEXT ? WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
                                                    : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    return ERROR_SUCCESS;
}

/* ---- asynchronous receiving ---- */

static LONG rop_counter;

static ULONGLONG rop_token(struct websocket *ws)
{
    return ((ULONGLONG)(ULONG_PTR)ws->hdr.handle << 32) | ws->rop_seq;
}

static void rop_task(void *ctx, ULONGLONG token);

/* Run the pending receive once data may be there: now (data is buffered),
 * or when the poller says the connection is readable.  Caller holds
 * recv_cs. */
static DWORD rop_schedule(struct websocket *ws, BOOL now)
{
    DWORD err = ERROR_MORE_DATA;

    ws->rop_seq = (DWORD)InterlockedIncrement(&rop_counter);
    if (!now) err = transport_get()->watch(ws->conn->id, rop_token(ws));
    if (err == ERROR_SUCCESS) return ERROR_SUCCESS;
    if (err != ERROR_MORE_DATA) return err;
    return queue_task(rop_task, NULL, rop_token(ws)) ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

/* The close handshake is over (or abandoned): end the TCP connection. */
static void close_finish(struct websocket *ws)
{
    transport_get()->shutdown_send(ws->conn->id);
    if (!ws->failed) websocket_fail(ws, ERROR_INVALID_OPERATION);
}

/* Advance the pending receive as far as the buffered and readable bytes
 * go.  Caller holds recv_cs; c gets the completion if it ended. */
static void rop_step(struct websocket *ws, struct completion *c)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD err;

    if (ws->rop_close)
    {
        /* WinHttpWebSocketClose: discard data until the server's close frame */
        while (!ws->close_received && !ws->failed)
        {
            DWORD got = 0;
            err = receive(ws, ws->scratch, SCRATCH_SIZE, &got, &type, NETCONN_NOWAIT);
            if (err == ERROR_IO_PENDING)
            {
                if (GetTickCount64() < ws->close_deadline && !(err = rop_schedule(ws, FALSE))) return;
                if (err == ERROR_IO_PENDING)
                {
                    WARN("%p: no close frame from the server in time\n", ws->hdr.handle);
                    err = ERROR_WINHTTP_TIMEOUT;
                }
                break;
            }
            if (err) break;
        }
        if (ws->close_received) err = ERROR_SUCCESS;
        else if (ws->failed && !err) err = ws->fail_error;
        ws->rop_pending = FALSE;
        close_finish(ws);
        if (err) complete_error(c, WINHTTP_WEB_SOCKET_CLOSE_OPERATION, err);
        else complete_none(c, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
        return;
    }
    err = receive(ws, ws->rop_buf, ws->rop_len, &ws->rop_done, &type, NETCONN_NOWAIT);
    if (err == ERROR_IO_PENDING && !(err = rop_schedule(ws, FALSE))) return;
    ws->rop_pending = FALSE;
    if (err) complete_error(c, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, err);
    else complete_ok(c, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, ws->rop_done, type);
}

static void rop_task(void *ctx, ULONGLONG token)
{
    struct object *obj = grab_object((HINTERNET)(ULONG_PTR)(token >> 32));
    struct completion c = { 0 };
    struct websocket *ws;

    if (!obj) return;  /* closed meanwhile: the close cancelled the receive */
    if (obj->type == WINHTTP_HANDLE_TYPE_WEBSOCKET)
    {
        ws = (struct websocket *)obj;
        EnterCriticalSection(&ws->recv_cs);
        if (ws->rop_pending && ws->rop_seq == (DWORD)token) rop_step(ws, &c);
        LeaveCriticalSection(&ws->recv_cs);
        if (c.status)
        {
            InterlockedExchange(&ws->recv_busy, 0);
            deliver(ws, &c);
        }
    }
    release_object(obj);
}

void websocket_readable(ULONGLONG token)
{
    if (!queue_task(rop_task, NULL, token)) rop_task(NULL, token);
}

static void ping_task(void *ctx, ULONGLONG arg)
{
    struct websocket *ws = ctx;

    /* a frame being sent means the connection is not idle: no ping then */
    if (TryEnterCriticalSection(&ws->send_cs))
    {
        if (!ws->close_sent && !ws->failed && !ws->send_busy && ws->keepalive
            && GetTickCount64() - ws->last_send >= ws->keepalive)
        {
            DWORD err = send_frame(ws, WSF_OP_PING, TRUE, NULL, 0);
            TRACE("%p: keep-alive ping sent, error %lu\n", ws->hdr.handle, err);
        }
        LeaveCriticalSection(&ws->send_cs);
    }
    InterlockedExchange(&ws->ping_queued, 0);
    release_object(&ws->hdr);
}

/* Every tick, from the dispatcher thread: keep-alive and Close timeouts. */
void websocket_timer(struct object *obj, ULONGLONG now)
{
    struct websocket *ws = (struct websocket *)obj;

    if (ws->async && ws->rop_pending && ws->rop_close && now >= ws->close_deadline)
        queue_task(rop_task, NULL, rop_token(ws));
    if (ws->keepalive && !ws->close_sent && !ws->failed && now - ws->last_send >= ws->keepalive
        && !InterlockedCompareExchange(&ws->ping_queued, 1, 0))
    {
        addref_object(obj);
        if (!queue_task(ping_task, ws, 0))
        {
            InterlockedExchange(&ws->ping_queued, 0);
            release_object(obj);
        }
    }
}

DWORD WINAPI WinHttpWebSocketReceive(HINTERNET hsocket, void *buf, DWORD len, DWORD *read,
                                     WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    struct websocket *ws;
    DWORD err, got = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t = 0;

    TRACE("%p, %p, %lu, %p, %p\n", hsocket, buf, len, read, type);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    if (!buf || !len || !read || !type) { err = ERROR_INVALID_PARAMETER; goto done; }
    if (InterlockedCompareExchange(&ws->recv_busy, 1, 0)) { err = ERROR_INVALID_OPERATION; goto done; }
    EnterCriticalSection(&ws->recv_cs);
    if (ws->close_received || ws->failed || ws->rop_pending) err = ERROR_INVALID_OPERATION;
    else if (ws->async)
    {
        /* completes with READ_COMPLETE or REQUEST_ERROR; *read and *type stay untouched */
        ws->rop_pending = TRUE;
        ws->rop_close = FALSE;
        ws->rop_buf = buf;
        ws->rop_len = len;
        ws->rop_done = 0;
        if ((err = rop_schedule(ws, ws->conn->rlen > ws->conn->rpos))) ws->rop_pending = FALSE;
        LeaveCriticalSection(&ws->recv_cs);
        if (err) InterlockedExchange(&ws->recv_busy, 0);
        goto done;
    }
    else err = receive(ws, buf, len, &got, &t, -1);
    LeaveCriticalSection(&ws->recv_cs);
    InterlockedExchange(&ws->recv_busy, 0);
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
    /* what an endpoint may put on the wire (RFC 6455 7.4), plus 1005 meaning
     * "send a close frame without a status" */
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

DWORD WINAPI WinHttpWebSocketShutdown(HINTERNET hsocket, USHORT status, void *reason, DWORD len)
{
    struct websocket *ws;
    struct completion c = { 0 };
    DWORD err;
    BOOL io = FALSE;

    TRACE("%p, %u, %p, %lu\n", hsocket, status, reason, len);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    if ((err = check_close_params(status, reason, len))) goto done;
    if (InterlockedCompareExchange(&ws->send_busy, 1, 0)) { err = ERROR_INVALID_OPERATION; goto done; }
    EnterCriticalSection(&ws->send_cs);
    if (ws->close_sent || ws->failed) err = ERROR_INVALID_OPERATION;
    else
    {
        io = TRUE;
        if ((err = send_close_frame(ws, status, reason, len))) websocket_fail(ws, err);
    }
    LeaveCriticalSection(&ws->send_cs);
    InterlockedExchange(&ws->send_busy, 0);
done:
    if (err && ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    if (ws->async && io)
    {
        if (err) complete_error(&c, WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION, err);
        else complete_none(&c, WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE);
        deliver_inline(ws, &c);
        err = ERROR_SUCCESS;
    }
    TRACE("%p -> %lu\n", hsocket, err);
    release_object(&ws->hdr);
    return err;
}

/* Wait for the server's close frame, discarding data, answering pings, for
 * at most timeout_ms.  Caller holds recv_cs. */
static DWORD wait_for_close(struct websocket *ws, DWORD timeout_ms)
{
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    BYTE scratch[SCRATCH_SIZE];

    while (!ws->close_received && !ws->failed)
    {
        ULONGLONG now = GetTickCount64();
        WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
        DWORD got = 0, err;
        int left;

        if (now >= deadline) return ERROR_WINHTTP_TIMEOUT;
        left = (int)min(deadline - now, 0x7fffffff);
        if (!ws->in_frame)
        {
            /* peek a header with the deadline; receive() then reads without blocking long */
            struct netconn *c = ws->conn;
            wsf_header h;
            int rc = wsf_parse_header(c->rbuf + c->rpos, c->rlen - c->rpos, 1, &h);
            if (rc == 0)
            {
                err = netconn_fill(c, left);
                if (err == ERROR_WINHTTP_TIMEOUT) return err;
                if (err) return read_failed(ws, err);
                continue;
            }
        }
        if ((err = receive(ws, scratch, sizeof(scratch), &got, &type, -1))) return err;
    }
    return ws->failed && !ws->close_received ? ws->fail_error : ERROR_SUCCESS;
}

/* Asynchronous Close, once the close frame is sent: a pending receive ends
 * (cancelled, reported at once), then the receiving side waits for the
 * server's close frame on the pool: CLOSE_COMPLETE or REQUEST_ERROR. */
static DWORD close_async(struct websocket *ws)
{
    struct completion cancelled = { 0 }, c = { 0 };
    DWORD err = ERROR_SUCCESS;

    EnterCriticalSection(&ws->recv_cs);
    if (ws->rop_pending && ws->rop_close) err = ERROR_INVALID_OPERATION;  /* a Close is already waiting */
    else
    {
        cancel_rop(ws, &cancelled);
        InterlockedExchange(&ws->recv_busy, 1);
        if (ws->close_received || ws->failed)
        {
            close_finish(ws);
            if (ws->close_received) complete_none(&c, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
            else complete_error(&c, WINHTTP_WEB_SOCKET_CLOSE_OPERATION, ws->fail_error);
        }
        else if (!ws->scratch && !(ws->scratch = heap_alloc(SCRATCH_SIZE)))
            complete_error(&c, WINHTTP_WEB_SOCKET_CLOSE_OPERATION, ERROR_NOT_ENOUGH_MEMORY);
        else
        {
            DWORD e;
            ws->rop_pending = TRUE;
            ws->rop_close = TRUE;
            ws->close_deadline = GetTickCount64() + ws->close_timeout;
            if ((e = rop_schedule(ws, ws->conn->rlen > ws->conn->rpos)))
            {
                ws->rop_pending = FALSE;
                complete_error(&c, WINHTTP_WEB_SOCKET_CLOSE_OPERATION, e);
            }
        }
        if (!ws->rop_pending) InterlockedExchange(&ws->recv_busy, 0);
    }
    LeaveCriticalSection(&ws->recv_cs);
    deliver_inline(ws, &cancelled);
    deliver_inline(ws, &c);
    return err;
}

DWORD WINAPI WinHttpWebSocketClose(HINTERNET hsocket, USHORT status, void *reason, DWORD len)
{
    struct websocket *ws;
    DWORD err;

    TRACE("%p, %u, %p, %lu\n", hsocket, status, reason, len);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    if ((err = check_close_params(status, reason, len))) goto done;
    if (InterlockedCompareExchange(&ws->send_busy, 1, 0)) { err = ERROR_INVALID_OPERATION; goto done; }
    EnterCriticalSection(&ws->send_cs);
    if (ws->failed) err = ERROR_INVALID_OPERATION;
    else if (!ws->close_sent && (err = send_close_frame(ws, status, reason, len))) websocket_fail(ws, err);
    LeaveCriticalSection(&ws->send_cs);
    InterlockedExchange(&ws->send_busy, 0);
    if (err) goto done;

    if (ws->async)
    {
        err = close_async(ws);
        goto done;
    }
    if (InterlockedCompareExchange(&ws->recv_busy, 1, 0))
    {
        /* a receive is blocked on another thread: it ends with
         * ERROR_WINHTTP_OPERATION_CANCELLED; we cannot read the server's close */
        netconn_cancel(ws->conn);
    }
    else
    {
        EnterCriticalSection(&ws->recv_cs);
        if (!ws->close_received && !ws->failed)
        {
            err = wait_for_close(ws, ws->close_timeout);
            if (err == ERROR_WINHTTP_TIMEOUT) WARN("%p: no close frame from the server in time\n", hsocket);
        }
        LeaveCriticalSection(&ws->recv_cs);
        InterlockedExchange(&ws->recv_busy, 0);
    }
    close_finish(ws);
done:
    if (err && ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p -> %lu\n", hsocket, err);
    release_object(&ws->hdr);
    return err;
}

DWORD WINAPI WinHttpWebSocketQueryCloseStatus(HINTERNET hsocket, USHORT *status, void *reason, DWORD len,
                                              DWORD *consumed)
{
    struct websocket *ws;
    DWORD err;

    TRACE("%p, %p, %p, %lu, %p\n", hsocket, status, reason, len, consumed);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    if (!status || !consumed || (!reason && len)) { err = ERROR_INVALID_PARAMETER; goto done; }
    if (!ws->close_received) { err = ERROR_INVALID_OPERATION; goto done; }
    *consumed = ws->close_reason_len;
    if (len < ws->close_reason_len) { err = ERROR_INSUFFICIENT_BUFFER; goto done; }
    *status = ws->close_status;
    if (ws->close_reason_len) memcpy(reason, ws->close_reason, ws->close_reason_len);
done:
    TRACE("%p -> %lu\n", hsocket, err);
    release_object(&ws->hdr);
    return err;
}
