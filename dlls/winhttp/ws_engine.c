/*
 * The WebSocket frame engine: frames out (data, pongs, close) and frames in
 * (one resumable receive engine for synchronous and asynchronous receives
 * and for Close's wait for the server's close frame).  See websocket.h for
 * the locks.
 */
#include "websocket.h"

#define BIG_CHUNK 65536   /* most bytes masked per write for big messages */

/* ---- state ---- */

/* The connection cannot be used any more (protocol error, I/O failure,
 * timeout).  A failure after both close frames were exchanged changes
 * nothing. */
void ws_fail(struct websocket *ws, DWORD err)
{
    AcquireSRWLockExclusive(&ws->state_lock);
    if (ws->st.state != WSS_CLOSED && ws->st.state != WSS_ABORTED)
    {
        ws->fail_error = err;
        WARN("%p: connection failed in state %s, error %lu\n", ws->hdr.handle, wss_state_name(ws->st.state), err);
    }
    wss_event(&ws->st, WSS_EV_FAILED);
    ReleaseSRWLockExclusive(&ws->state_lock);
}

BOOL ws_state_is(struct websocket *ws, enum wss_state state)
{
    BOOL ret;
    AcquireSRWLockShared(&ws->state_lock);
    ret = ws->st.state == state;
    ReleaseSRWLockShared(&ws->state_lock);
    return ret;
}

/* The close handshake is over or abandoned: TLS close_notify and FIN, once. */
void ws_finish(struct websocket *ws)
{
    if (InterlockedExchange(&ws->finished, 1)) return;
    TRACE("%p: shutting the connection down\n", ws->hdr.handle);
    EnterCriticalSection(&ws->send_cs);
    transport_get()->shutdown_send(ws->conn->id);
    LeaveCriticalSection(&ws->send_cs);
}

/* A deadline (WS_WAIT_FOREVER, WS_NO_WAIT or a GetTickCount64 value) as
 * the ms a netconn call may wait. */
static int wait_ms(ULONGLONG deadline)
{
    ULONGLONG now;
    if (deadline == WS_WAIT_FOREVER) return -1;
    if (deadline == WS_NO_WAIT) return NETCONN_NOWAIT;
    now = GetTickCount64();
    if (now >= deadline) return NETCONN_NOWAIT;
    return (int)min(deadline - now, 0x7fffffff);
}

/* ---- sending ---- */

DWORD ws_next_seq(void)
{
    static LONG counter;
    DWORD seq;
    do seq = (DWORD)InterlockedIncrement(&counter); while (!seq);
    return seq;
}

/* Set up ws->out for one frame.  Control payloads are copied (the caller's
 * may not outlive the call). */
static DWORD frame_begin(struct websocket *ws, int opcode, BOOL fin, const BYTE *data, DWORD len)
{
    struct ws_out *o = &ws->out;
    DWORD err;

    if ((opcode & 8) && len > sizeof(o->ctl)) return ERROR_INVALID_PARAMETER;
    if ((err = transport_random(o->mask, sizeof(o->mask)))) return err;
    if (opcode & 8)
    {
        if (len) memcpy(o->ctl, data, len);
        data = o->ctl;
    }
    o->hlen = (DWORD)wsf_encode_header(o->head, fin, opcode, len, o->mask);
    o->hdone = 0;
    o->data = data;
    o->len = len;
    o->masked = o->chunk_pos = o->chunk_len = o->chunk_size = 0;
    o->chunk = o->spare = NULL;
    o->deadline = (int)ws->send_timeout > 0 ? GetTickCount64() + ws->send_timeout : WS_WAIT_FOREVER;
    TRACE("%p: frame opcode %d fin %d length %lu\n", ws->hdr.handle, opcode, fin, len);
    if (!len) return ERROR_SUCCESS;
    /* small frames (control frames among them) are masked inside ws->out,
     * so that a websocket sending only those keeps no mask buffer */
    if (len <= sizeof(o->small))
    {
        o->chunk = o->small;
        o->chunk_size = sizeof(o->small);
        return ERROR_SUCCESS;
    }
    /* a message larger than the send buffer is masked through a transient
     * buffer of up to BIG_CHUNK bytes, so that it leaves in few writes
     * without every WebSocket keeping a big buffer */
    if (len > ws->send_buffer_size && (o->spare = heap_alloc(min(len, BIG_CHUNK))))
    {
        o->chunk = o->spare;
        o->chunk_size = min(len, BIG_CHUNK);
        return ERROR_SUCCESS;
    }
    if (ws->mask_buf_size < min(len, ws->send_buffer_size))
    {
        DWORD size = min(max(len, 4096), ws->send_buffer_size);
        BYTE *p = heap_realloc(ws->mask_buf, size);
        if (!p) return ERROR_NOT_ENOUGH_MEMORY;
        ws->mask_buf = p;
        ws->mask_buf_size = size;
    }
    o->chunk = ws->mask_buf;
    o->chunk_size = ws->mask_buf_size;
    return ERROR_SUCCESS;
}

static void frame_end(struct websocket *ws, DWORD err)
{
    heap_free(ws->out.spare);
    ws->out.spare = NULL;
    if (!err) ws->last_send = GetTickCount64();
}

/* The bytes to write next: the rest of the header and of the masked chunk
 * (masking the next chunk once the last one is out).  0: the frame is out. */
static DWORD out_bufs(struct ws_out *o, struct whnet_buf *bufs, DWORD *total)
{
    DWORD count = 0;

    if (o->chunk_pos == o->chunk_len && o->masked < o->len)
    {
        DWORD n = min(o->len - o->masked, o->chunk_size);
        wsf_mask(o->chunk, o->data + o->masked, n, o->mask, o->masked);
        o->masked += n;
        o->chunk_pos = 0;
        o->chunk_len = n;
    }
    *total = 0;
    if (o->hdone < o->hlen)
    {
        bufs[count].data = o->head + o->hdone;
        *total += bufs[count++].len = o->hlen - o->hdone;
    }
    if (o->chunk_pos < o->chunk_len)
    {
        bufs[count].data = o->chunk + o->chunk_pos;
        *total += bufs[count++].len = o->chunk_len - o->chunk_pos;
    }
    return count;
}

static void out_advance(struct ws_out *o, DWORD n)
{
    DWORD h = min(n, o->hlen - o->hdone);
    o->hdone += h;
    o->chunk_pos += n - h;
}

/* Synchronous mode: the whole frame, waiting as long as the send timeout. */
static DWORD frame_write_all(struct websocket *ws)
{
    struct whnet_buf bufs[2];
    DWORD count, total, err;

    while ((count = out_bufs(&ws->out, bufs, &total)))
    {
        if ((err = netconn_send(ws->conn, bufs, count, wait_ms(ws->out.deadline)))) return err;
        out_advance(&ws->out, total);
    }
    return ERROR_SUCCESS;
}

/* Asynchronous mode: what the connection takes now.  ERROR_IO_PENDING: the
 * rest waits for writability. */
static DWORD frame_write_some(struct websocket *ws)
{
    for (;;)
    {
        struct whnet_buf bufs[2];
        DWORD total, done = 0, count = out_bufs(&ws->out, bufs, &total), err;

        /* with no bytes left, this still writes what the transport holds */
        err = netconn_send_some(ws->conn, bufs, count, &done);
        out_advance(&ws->out, done);
        if (err || !count) return err;
    }
}

static void out_task(void *ctx, ULONGLONG token)
{
    struct object *obj = grab_object((HINTERNET)(ULONG_PTR)(token >> 32));
    if (!obj) return;
    if (obj->type == WINHTTP_HANDLE_TYPE_WEBSOCKET) ws_out_resume((struct websocket *)obj, (DWORD)token);
    release_object(obj);
}

/* Be told when the connection takes more (caller holds send_cs). */
static DWORD out_watch(struct websocket *ws)
{
    ULONGLONG token;
    DWORD err;

    ws->out.seq = ws_next_seq();
    token = poll_token(&ws->hdr, ws->out.seq);
    err = transport_get()->watch_write(ws->conn->id, token);
    if (err == ERROR_MORE_DATA) err = queue_task(out_task, NULL, token) ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
    return err;
}

/* Asynchronous mode: start writing a frame (ws->out is not busy). */
static DWORD frame_start_async(struct websocket *ws, const struct ws_frame_req *req)
{
    const BYTE *data = req->kind == WS_OUT_SEND ? req->data : req->ctl;
    struct ws_out *o = &ws->out;
    DWORD err;

    if ((err = frame_begin(ws, req->opcode, req->fin, data, req->len))) return err;
    if ((err = frame_write_some(ws)) == ERROR_IO_PENDING)
    {
        o->req = *req;
        o->expire_queued = 0;
        if (!(err = out_watch(ws)))
        {
            o->busy = TRUE;
            return ERROR_IO_PENDING;
        }
    }
    frame_end(ws, err);
    return err;
}

/* One frame; the send timeout covers the whole frame, not each write.
 * Asynchronous mode: for our own control frames, when ws->out is not busy. */
DWORD ws_send_frame(struct websocket *ws, int opcode, BOOL fin, const BYTE *data, DWORD len)
{
    DWORD err;

    if (ws->async)
    {
        struct ws_frame_req req;
        if (ws->out.busy) return ERROR_IO_PENDING;  /* callers check: not reached */
        if (len > sizeof(req.ctl)) return ERROR_INVALID_PARAMETER;
        req.kind = WS_OUT_CONTROL;
        req.opcode = opcode;
        req.fin = fin;
        req.len = len;
        if (len) memcpy(req.ctl, data, len);
        return frame_start_async(ws, &req);
    }
    if ((err = frame_begin(ws, opcode, fin, data, len))) return err;
    err = frame_write_all(ws);
    frame_end(ws, err);
    return err;
}

/* Asynchronous mode: an application's Send, Shutdown or Close frame; it
 * waits for a frame of ours still on the wire. */
DWORD ws_send_user(struct websocket *ws, const struct ws_frame_req *req)
{
    if (!ws->out.busy) return frame_start_async(ws, req);
    ws->out.next = *req;
    ws->out.next_set = TRUE;
    return ERROR_IO_PENDING;
}

/* Our close frame: the state moves first, so that no pong follows it. */
DWORD ws_send_close(struct websocket *ws, enum ws_out_kind kind, unsigned flags, USHORT status,
                    const void *reason, DWORD len)
{
    struct ws_frame_req req;
    DWORD err;

    req.kind = kind;
    req.opcode = WSF_OP_CLOSE;
    req.fin = TRUE;
    req.len = status == WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS ? 0 : (DWORD)wsf_close_build(req.ctl, status, reason, len);
    req.flags = flags;
    AcquireSRWLockExclusive(&ws->state_lock);
    wss_event(&ws->st, WSS_EV_CLOSE_SENT);
    ReleaseSRWLockExclusive(&ws->state_lock);
    err = ws->async ? ws_send_user(ws, &req) : ws_send_frame(ws, WSF_OP_CLOSE, TRUE, req.ctl, req.len);
    TRACE("%p: close frame, status %u, reason length %lu: error %lu\n", ws->hdr.handle, status, len, err);
    if (err && err != ERROR_IO_PENDING) ws_fail(ws, err);
    return err;
}

/* Write the pong owed, if any (caller holds send_cs: between two frames). */
static void send_pending_pong(struct websocket *ws)
{
    BYTE payload[WSF_MAX_CONTROL_PAYLOAD];
    DWORD len = 0, err;
    BOOL go;

    if (!ws->pong_pending || ws->out.busy) return;
    AcquireSRWLockExclusive(&ws->state_lock);
    go = InterlockedExchange(&ws->pong_pending, 0) && wss_can_send(&ws->st);
    if (go) memcpy(payload, ws->pong, len = ws->pong_len);
    ReleaseSRWLockExclusive(&ws->state_lock);
    if (!go) return;
    err = ws_send_frame(ws, WSF_OP_PONG, TRUE, payload, len);
    TRACE("%p: pong, %lu bytes, error %lu\n", ws->hdr.handle, len, err);
    if (err && err != ERROR_IO_PENDING) ws_fail(ws, err);
}

/* The frame on the wire is out, or failed with err (caller holds send_cs):
 * what it completes goes to done[]; a pong owed, then an application's frame
 * waiting, start. */
static int out_finish(struct websocket *ws, DWORD err, struct ws_frame_req *done, DWORD *errs)
{
    struct ws_out *o = &ws->out;
    int n = 0;

    o->busy = FALSE;
    frame_end(ws, err);
    if (err) ws_fail(ws, err);
    if (o->req.kind != WS_OUT_CONTROL)
    {
        done[n] = o->req;
        errs[n++] = err;
    }
    if (!err) send_pending_pong(ws);
    if (o->next_set && !o->busy)
    {
        struct ws_frame_req next = o->next;
        DWORD e = err ? err : frame_start_async(ws, &next);
        o->next_set = FALSE;
        if (e != ERROR_IO_PENDING)
        {
            done[n] = next;
            errs[n++] = e;
        }
    }
    return n;
}

static int report(struct websocket *ws, int n, const struct ws_frame_req *done, const DWORD *errs)
{
    int i;
    for (i = 0; i < n; i++) ws_out_done(ws, &done[i], errs[i]);
    return n;
}

int ws_out_resume(struct websocket *ws, DWORD seq)
{
    struct ws_frame_req done[2];
    DWORD errs[2], err;
    int n = 0;

    EnterCriticalSection(&ws->send_cs);
    if (ws->out.busy && ws->out.seq == seq)
    {
        if ((err = frame_write_some(ws)) != ERROR_IO_PENDING || (err = out_watch(ws)))
            n = out_finish(ws, err, done, errs);
    }
    ws_leave_send(ws);
    return report(ws, n, done, errs);
}

/* The frame is not out by the send deadline: the connection cannot carry
 * another frame after a partial one, so it ends. */
int ws_out_expire(struct websocket *ws, ULONGLONG now)
{
    struct ws_frame_req done[2];
    DWORD errs[2];
    int n = 0;

    EnterCriticalSection(&ws->send_cs);
    if (ws->out.busy && now >= ws->out.deadline)
    {
        WARN("%p: frame not written within the send timeout\n", ws->hdr.handle);
        netconn_cancel(ws->conn);
        n = out_finish(ws, ERROR_WINHTTP_TIMEOUT, done, errs);
    }
    LeaveCriticalSection(&ws->send_cs);
    return report(ws, n, done, errs);
}

int ws_out_cancel(struct websocket *ws)
{
    struct ws_frame_req done[2];
    DWORD errs[2];
    int n = 0;

    EnterCriticalSection(&ws->send_cs);
    if (ws->out.busy) n = out_finish(ws, ERROR_WINHTTP_OPERATION_CANCELLED, done, errs);
    LeaveCriticalSection(&ws->send_cs);
    return report(ws, n, done, errs);
}

/* Write the pong owed unless another thread is writing: that thread then
 * writes it when it leaves send_cs (ws_leave_send). */
static void flush_pong(struct websocket *ws)
{
    /* a frame of ours partly out (asynchronous mode): out_finish writes it
     * (busy is read without the lock: whoever clears it checks pong_pending
     * after, in ws_leave_send) */
    while (ws->pong_pending && !ws->out.busy && TryEnterCriticalSection(&ws->send_cs))
    {
        send_pending_pong(ws);
        LeaveCriticalSection(&ws->send_cs);
    }
}

void ws_leave_send(struct websocket *ws)
{
    LeaveCriticalSection(&ws->send_cs);
    flush_pong(ws);
}

/* A ping arrived: owe a pong with its payload (RFC 6455 5.5.3: answering
 * only the latest ping is allowed). */
static void queue_pong(struct websocket *ws, const BYTE *payload, DWORD len)
{
    AcquireSRWLockExclusive(&ws->state_lock);
    memcpy(ws->pong, payload, len);
    ws->pong_len = len;
    InterlockedExchange(&ws->pong_pending, 1);
    ReleaseSRWLockExclusive(&ws->state_lock);
    flush_pong(ws);
}

/* ---- receiving ---- */

/* A read returned err: nothing there yet (ERROR_IO_PENDING when not
 * waiting), the deadline passed (ERROR_WINHTTP_TIMEOUT, the connection stays
 * usable), or the connection is gone. */
static DWORD read_error(struct websocket *ws, DWORD err, ULONGLONG deadline)
{
    if (err == ERROR_WINHTTP_TIMEOUT && deadline != WS_WAIT_FOREVER)
        return deadline == WS_NO_WAIT ? ERROR_IO_PENDING : ERROR_WINHTTP_TIMEOUT;
    if (err == ERROR_HANDLE_EOF) err = ERROR_WINHTTP_CONNECTION_ERROR;
    ws_fail(ws, err);
    return err;
}

static void out_cancel_task(void *ctx, ULONGLONG arg)
{
    struct websocket *ws = ctx;
    ws_out_cancel(ws);
    release_object(&ws->hdr);
}

/* Protocol violation by the server: fail the connection (RFC 6455 7.1.7).
 * The close code RFC 6455 asks for goes out when the outgoing stream is
 * between two frames; a send in progress is never waited for: then the
 * connection is just cut. */
static DWORD protocol_error(struct websocket *ws, int wsf_err)
{
    USHORT code = wsf_error_close_code(wsf_err);
    BOOL can_send = FALSE, locked, cut = TRUE;
    BYTE payload[2];

    WARN("%p: protocol error %s, closing with %u\n", ws->hdr.handle, wsf_error_name(wsf_err), code);
    if ((locked = TryEnterCriticalSection(&ws->send_cs)))
    {
        AcquireSRWLockShared(&ws->state_lock);
        can_send = wss_can_send(&ws->st) && !ws->out.busy;
        ReleaseSRWLockShared(&ws->state_lock);
    }
    ws_fail(ws, ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    if (can_send) ws_send_frame(ws, WSF_OP_CLOSE, TRUE, payload, (DWORD)wsf_close_build(payload, code, NULL, 0));
    if (locked)
    {
        cut = ws->out.busy;  /* a frame (maybe the close frame) is partly out */
        LeaveCriticalSection(&ws->send_cs);
    }
    if (!cut) ws_finish(ws);
    else
    {
        netconn_cancel(ws->conn);
        /* an asynchronous write waiting for writability ends now, on the pool
         * (the receive engine's caller holds recv_cs) */
        if (ws->async)
        {
            addref_object(&ws->hdr);
            if (!queue_task(out_cancel_task, ws, 0)) release_object(&ws->hdr);
        }
    }
    return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
}

/* Next frame header into *h.  A control frame's payload is in the read
 * buffer too when this returns (so handling it never waits). */
static DWORD read_frame_header(struct websocket *ws, wsf_header *h, ULONGLONG deadline)
{
    struct netconn *c = ws->conn;
    DWORD err;
    int rc;

    for (;;)
    {
        DWORD avail = netconn_buffered(c);
        rc = wsf_parse_header(netconn_peek(c), avail, 1, h);
        if (rc < 0) return protocol_error(ws, rc);
        if (rc > 0 && (h->opcode < WSF_OP_CLOSE || avail >= rc + h->payload_len))
        {
            netconn_consume(c, rc);
            return ERROR_SUCCESS;
        }
        if ((err = netconn_fill(c, wait_ms(deadline)))) return read_error(ws, err, deadline);
    }
}

/* The server's close frame: record it, move the state. */
static DWORD close_received(struct websocket *ws, const BYTE *payload, DWORD len)
{
    const uint8_t *reason = NULL;
    size_t reason_len = 0;
    uint16_t code = 0;
    int has_code, rc;
    BOOL done;

    if ((rc = wsf_close_parse(payload, len, &has_code, &code, &reason, &reason_len))) return protocol_error(ws, rc);
    AcquireSRWLockExclusive(&ws->state_lock);
    ws->close_status = has_code ? code : WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS;
    ws->close_reason_len = (DWORD)reason_len;
    if (reason_len) memcpy(ws->close_reason, reason, reason_len);
    wss_event(&ws->st, WSS_EV_CLOSE_RECEIVED);
    done = ws->st.state == WSS_CLOSED;
    if (ws->close_waiting)
    {
        InterlockedIncrement(&ws->close_wakes);
        WakeAllConditionVariable(&ws->close_cv);
    }
    ReleaseSRWLockExclusive(&ws->state_lock);
    TRACE("%p: close frame received, status %u, reason length %lu\n", ws->hdr.handle, ws->close_status,
          ws->close_reason_len);
    if (done) ws_finish(ws);
    return ERROR_SUCCESS;
}

/* Handle a control frame (its payload is buffered).  *closed is set when
 * it was the close frame. */
static DWORD handle_control(struct websocket *ws, const wsf_header *h, BOOL *closed)
{
    BYTE payload[WSF_MAX_CONTROL_PAYLOAD];
    DWORD len = (DWORD)h->payload_len, err;

    if ((err = netconn_read_exact(ws->conn, payload, len, -1))) return read_error(ws, err, WS_WAIT_FOREVER);
    switch (h->opcode)
    {
    case WSF_OP_PING:
        TRACE("%p: ping, %lu bytes\n", ws->hdr.handle, len);
        queue_pong(ws, payload, len);
        return ERROR_SUCCESS;
    case WSF_OP_PONG:
        TRACE("%p: pong, %lu bytes\n", ws->hdr.handle, len);
        return ERROR_SUCCESS;
    case WSF_OP_CLOSE:
        *closed = TRUE;
        return close_received(ws, payload, len);
    }
    return protocol_error(ws, WSF_ERR_BAD_OPCODE);
}

static WINHTTP_WEB_SOCKET_BUFFER_TYPE piece_type(int msg_opcode, BOOL last)
{
    if (msg_opcode == WSF_OP_TEXT)
        return last ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
    return last ? WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
}

/* The receive engine: frames into buf until buf is full or the current
 * frame ends; *done counts the payload bytes stored so far (kept across
 * calls).  Waits for the network until deadline (WS_WAIT_FOREVER, an
 * absolute tick count, or WS_NO_WAIT: ERROR_IO_PENDING instead of waiting);
 * all progress is kept in the websocket and *done, so the next call
 * resumes.  A close frame ends with *type WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE. */
DWORD ws_receive(struct websocket *ws, BYTE *buf, DWORD len, DWORD *done, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type,
                 ULONGLONG deadline)
{
    wsf_header h;
    DWORD err;
    int rc, msg_opcode;

    while (!ws->in_frame)
    {
        BOOL closed = FALSE;
        if ((err = read_frame_header(ws, &h, deadline))) return err;
        if ((rc = wsf_msgstate_frame(&ws->msg, &h, &msg_opcode))) return protocol_error(ws, rc);
        if (h.opcode >= WSF_OP_CLOSE)
        {
            if ((err = handle_control(ws, &h, &closed))) return err;
            if (!closed) continue;
            *done = 0;
            *type = WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE;
            return ERROR_SUCCESS;
        }
        TRACE("%p: data frame opcode %d fin %d length %llu\n", ws->hdr.handle, h.opcode, h.fin,
              (unsigned long long)h.payload_len);
        if (h.opcode != WSF_OP_CONTINUATION && msg_opcode == WSF_OP_TEXT) utf8v_init(&ws->utf8);
        ws->in_frame = TRUE;
        ws->frame_remaining = h.payload_len;
        ws->frame_fin = h.fin;
        ws->frame_msg_opcode = msg_opcode;
    }

    while (*done < len && ws->frame_remaining)
    {
        DWORD want = (DWORD)min((ULONGLONG)(len - *done), ws->frame_remaining), got;
        if ((err = netconn_read(ws->conn, buf + *done, want, wait_ms(deadline), &got)))
            return read_error(ws, err, deadline);
        if (!got) return read_error(ws, ERROR_HANDLE_EOF, deadline);
        ws->frame_remaining -= got;
        if (ws->frame_msg_opcode == WSF_OP_TEXT && utf8v_feed(&ws->utf8, buf + *done, got))
            return protocol_error(ws, WSF_ERR_INVALID_UTF8);
        *done += got;
    }
    if (!ws->frame_remaining)
    {
        ws->in_frame = FALSE;
        if (ws->frame_fin && ws->frame_msg_opcode == WSF_OP_TEXT && utf8v_finish(&ws->utf8))
            return protocol_error(ws, WSF_ERR_INVALID_UTF8);
    }
    *type = piece_type(ws->frame_msg_opcode, !ws->frame_remaining && ws->frame_fin);
    return ERROR_SUCCESS;
}

/* Where a Close's wait stands: ERROR_SUCCESS once the server's close frame
 * is here, the failure once the connection is aborted, else ERROR_IO_PENDING. */
DWORD ws_close_outcome(struct websocket *ws)
{
    DWORD err = ERROR_IO_PENDING;

    AcquireSRWLockShared(&ws->state_lock);
    if (ws->st.state == WSS_CLOSED || ws->st.state == WSS_RECV_CLOSED) err = ERROR_SUCCESS;
    else if (ws->st.state == WSS_ABORTED) err = ws->fail_error;
    ReleaseSRWLockShared(&ws->state_lock);
    return err;
}

/* Close: read and discard until the server's close frame, waiting for the
 * network until wait_until (see ws_receive), and never past give_up_at
 * (ERROR_WINHTTP_TIMEOUT), however fast the server trickles data. */
#define LATE_READS 64

DWORD ws_drain(struct websocket *ws, ULONGLONG wait_until, ULONGLONG give_up_at)
{
    int late = 0;

    if (!ws->scratch && !(ws->scratch = heap_alloc(WS_SCRATCH_SIZE))) return ERROR_NOT_ENOUGH_MEMORY;
    for (;;)
    {
        WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
        DWORD got = 0, err;

        if ((err = ws_close_outcome(ws)) != ERROR_IO_PENDING) return err;
        if (GetTickCount64() >= give_up_at)
        {
            /* late: only what is already there (a bounded amount) may still bring the close frame */
            if (++late > LATE_READS) return ERROR_WINHTTP_TIMEOUT;
            wait_until = WS_NO_WAIT;
        }
        err = ws_receive(ws, ws->scratch, WS_SCRATCH_SIZE, &got, &type, wait_until);
        if (late && err == ERROR_IO_PENDING) return ERROR_WINHTTP_TIMEOUT;
        if (err) return err;
    }
}
