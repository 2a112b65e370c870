/*
 * WebSocket handles (RFC 6455 client side), synchronous mode:
 * WinHttpWebSocketCompleteUpgrade, Send, Receive, Shutdown, Close,
 * QueryCloseStatus.
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

#define MASK_CHUNK 65536   /* payload bytes masked and sent per transport call */

static void websocket_close_handle(struct object *obj)
{
    struct websocket *ws = (struct websocket *)obj;
    /* end any blocking receive or send on another thread */
    if (ws->conn) netconn_cancel(ws->conn);
}

static void websocket_destroy(struct object *obj)
{
    struct websocket *ws = (struct websocket *)obj;
    TRACE("%p\n", obj->handle);
    netconn_close(ws->conn);
    DeleteCriticalSection(&ws->send_cs);
    DeleteCriticalSection(&ws->recv_cs);
    heap_free(ws->mask_buf);
    heap_free(ws->msgstate);
    heap_free(ws->utf8);
    heap_free(ws);
}

static const struct object_vtbl websocket_vtbl = { websocket_close_handle, websocket_destroy };

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
    ws->recv_buffer_size = r->ws_recv_buffer;
    ws->send_buffer_size = r->ws_send_buffer;
    /* the connection (and any frame bytes that came with the 101) move over */
    ws->conn = request_swap_conn(r, NULL);
    r->state = REQ_UPGRADED;
    if (!(h = alloc_handle(&ws->hdr))) err = ERROR_OUTOFMEMORY;
    else send_callback(&ws->hdr, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &h, sizeof(h));
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
    BYTE head[WSF_MAX_HEADER], mask[4];
    struct whnet_buf bufs[2];
    DWORD err, done = 0;
    size_t hlen;

    if ((err = transport_random(mask, sizeof(mask)))) return err;
    hlen = wsf_encode_header(head, fin, opcode, len, mask);
    TRACE("%p: frame opcode %d fin %d length %lu\n", ws->hdr.handle, opcode, fin, len);
    if (len && ws->mask_buf_size < min(len, MASK_CHUNK))
    {
        DWORD size = min(max(len, 4096), MASK_CHUNK);
        BYTE *p = heap_realloc(ws->mask_buf, size);
        if (!p) return ERROR_NOT_ENOUGH_MEMORY;
        ws->mask_buf = p;
        ws->mask_buf_size = size;
    }
    bufs[0].data = head;
    bufs[0].len = (uint32_t)hlen;
    do
    {
        DWORD n = min(len - done, MASK_CHUNK);
        DWORD count = 0;
        if (!done) count = 1;  /* header goes with the first chunk */
        if (n)
        {
            wsf_mask(ws->mask_buf, data + done, n, mask, done);
            bufs[count].data = ws->mask_buf;
            bufs[count].len = n;
            count++;
        }
        if ((err = netconn_send(ws->conn, done ? &bufs[1] : bufs, done ? 1 : count, ws->send_timeout))) return err;
        done += n;
    } while (done < len);
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

DWORD WINAPI WinHttpWebSocketSend(HINTERNET hsocket, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, void *buf, DWORD len)
{
    struct websocket *ws;
    DWORD err;
    BOOL binary, fin;
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

static DWORD read_frame_header(struct websocket *ws, wsf_header *h, int timeout)
{
    struct netconn *c = ws->conn;
    DWORD err;
    int rc;

    for (;;)
    {
        rc = wsf_parse_header(c->rbuf + c->rpos, c->rlen - c->rpos, 1, h);
        if (rc > 0) { c->rpos += rc; return ERROR_SUCCESS; }
        if (rc < 0) return protocol_error(ws, rc);
        if ((err = netconn_fill(c, timeout))) return read_failed(ws, err);
    }
}

/* Handle a control frame (payload not read yet). Returns ERROR_SUCCESS,
 * an error, or ERROR_MORE_DATA meaning "a close frame arrived". */
static DWORD handle_control(struct websocket *ws, const wsf_header *h, int timeout)
{
    BYTE payload[WSF_MAX_CONTROL_PAYLOAD];
    DWORD len = (DWORD)h->payload_len, err;

    if ((err = netconn_read_exact(ws->conn, payload, len, timeout))) return read_failed(ws, err);
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

/* Read up to len payload bytes of the current data frame into buf.  Fills
 * buf as far as the frame allows. Caller holds recv_cs. */
static DWORD read_payload(struct websocket *ws, BYTE *buf, DWORD len, DWORD *read, int timeout)
{
    DWORD want = (DWORD)min((ULONGLONG)len, ws->frame_remaining), err;

    if ((err = netconn_read_exact(ws->conn, buf, want, timeout))) return read_failed(ws, err);
    ws->frame_remaining -= want;
    if (ws->frame_msg_opcode == WSF_OP_TEXT && utf8v_feed(ws->utf8, buf, want))
        return protocol_error(ws, WSF_ERR_INVALID_UTF8);
    *read = want;
    return ERROR_SUCCESS;
}

static DWORD receive(struct websocket *ws, BYTE *buf, DWORD len, DWORD *read, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    const int timeout = -1; /* a WebSocket receive waits for as long as it takes */
    wsf_header h;
    DWORD err;
    int rc, msg_opcode;

    while (!ws->in_frame)
    {
        if ((err = read_frame_header(ws, &h, timeout))) return err;
        if ((rc = wsf_msgstate_frame(ws->msgstate, &h, &msg_opcode))) return protocol_error(ws, rc);
        if (h.opcode >= WSF_OP_CLOSE)
        {
            err = handle_control(ws, &h, timeout);
            if (err == ERROR_MORE_DATA)
            {
                *read = 0;
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

    if ((err = read_payload(ws, buf, len, read, timeout))) return err;
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
    if (ws->close_received || ws->failed) err = ERROR_INVALID_OPERATION;
    else err = receive(ws, buf, len, &got, &t);
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
    DWORD err;

    TRACE("%p, %u, %p, %lu\n", hsocket, status, reason, len);
    if (!(ws = grab_websocket(hsocket, &err))) return err;
    if ((err = check_close_params(status, reason, len))) goto done;
    if (InterlockedCompareExchange(&ws->send_busy, 1, 0)) { err = ERROR_INVALID_OPERATION; goto done; }
    EnterCriticalSection(&ws->send_cs);
    if (ws->close_sent || ws->failed) err = ERROR_INVALID_OPERATION;
    else if ((err = send_close_frame(ws, status, reason, len))) websocket_fail(ws, err);
    LeaveCriticalSection(&ws->send_cs);
    InterlockedExchange(&ws->send_busy, 0);
done:
    if (err && ws->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p -> %lu\n", hsocket, err);
    release_object(&ws->hdr);
    return err;
}

/* Wait for the server's close frame, discarding data, answering pings, for
 * at most timeout_ms.  Caller holds recv_cs. */
static DWORD wait_for_close(struct websocket *ws, DWORD timeout_ms)
{
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    BYTE scratch[4096];

    while (!ws->close_received && !ws->failed)
    {
        ULONGLONG now = GetTickCount64();
        WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
        DWORD got, err;
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
        if ((err = receive(ws, scratch, sizeof(scratch), &got, &type))) return err;
    }
    return ws->failed ? ws->fail_error : ERROR_SUCCESS;
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
    /* the close handshake is over (or abandoned): end the TCP connection */
    transport_get()->shutdown_send(ws->conn->id);
    if (!ws->failed) websocket_fail(ws, ERROR_INVALID_OPERATION);
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
