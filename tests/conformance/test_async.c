/* Asynchronous mode (WINHTTP_FLAG_ASYNC): the exact notification sequences
 * of the HTTP steps and of the WebSocket operations, their payload
 * structures and contexts, and cancellation (Close and WinHttpCloseHandle
 * while operations are pending), races repeated many times. */
#include "notes.h"

#ifndef WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT
#define WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT 115
#endif

#define WAIT_MS 10000

static const WINHTTP_WEB_SOCKET_STATUS *ws_status(const struct note *n)
{
    return (const WINHTTP_WEB_SOCKET_STATUS *)n->info;
}

static const WINHTTP_WEB_SOCKET_ASYNC_RESULT *ws_result(const struct note *n)
{
    return (const WINHTTP_WEB_SOCKET_ASYNC_RESULT *)n->info;
}

static void test_callback_api(void)
{
    HINTERNET ses = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    WINHTTP_STATUS_CALLBACK prev;

    ok(ses != NULL, "WinHttpOpen(ASYNC) failed: %lu\n", GetLastError());
    if (!ses) return;
    SetLastError(0xdeadbeef);
    prev = WinHttpSetStatusCallback(ses, note_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    ok(prev == NULL && GetLastError() == ERROR_SUCCESS, "first callback: %p %lu\n", prev, GetLastError());
    prev = WinHttpSetStatusCallback(ses, note_callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0);
    ok(prev == note_callback, "previous callback not returned: %p\n", prev);
    prev = WinHttpSetStatusCallback(ses, NULL, 0, 0);
    ok(prev == note_callback, "previous callback when clearing: %p\n", prev);
    SetLastError(0xdeadbeef);
    prev = WinHttpSetStatusCallback((HINTERNET)(ULONG_PTR)0xdead0, note_callback, 0, 0);
    ok(prev == WINHTTP_INVALID_STATUS_CALLBACK && GetLastError() == ERROR_INVALID_HANDLE,
       "bad handle: %p %lu\n", prev, GetLastError());
    WinHttpCloseHandle(ses);
}

static void test_async_http(void)
{
    static const DWORD send_seq[] = {
        WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED,
        WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
        WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
        WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE };
    static const DWORD recv_seq[] = {
        WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED,
        WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE };
    HINTERNET ses, con, req;
    DWORD_PTR ctx = 0x1234;
    struct note n;
    char buf[64];
    DWORD status = 0, size = sizeof(status), avail;
    int i;

    notes_reset();
    ses = open_async_session();
    ok(ses != NULL, "session: %lu\n", GetLastError());
    if (!ses) return;
    ok(WinHttpSetOption(ses, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof(ctx)), "context: %lu\n", GetLastError());
    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    ok(con && req, "handles: %lu\n", GetLastError());
    if (!req) { WinHttpCloseHandle(con); WinHttpCloseHandle(ses); return; }
    i = note_wait(con, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, 0, 0);
    ok(i >= 0 && note_get(i, &n) && n.context == 0x1234 && n.len == sizeof(HINTERNET) && *(HINTERNET *)n.info == con,
       "connect HANDLE_CREATED: %d ctx %Ix\n", i, i >= 0 ? n.context : 0);
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, 0, 0) >= 0, "request HANDLE_CREATED missing\n");

    notes_reset();
    SetLastError(0xdeadbeef);
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0x5678) && GetLastError() == ERROR_SUCCESS,
       "SendRequest: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, WAIT_MS);
    ok(i >= 0, "no SENDREQUEST_COMPLETE: %s\n", notes_for(req));
    ok(notes_are(req, send_seq, ARRAYSIZE(send_seq)), "SendRequest sequence: %s\n", notes_for(req));
    for (i = 0; note_get(i, &n); i++)
        ok(n.context == 0x5678, "note %d (0x%lx) context %Ix, not SendRequest's\n", i, n.status, n.context);
    if (note_get(5, &n)) ok(n.len == sizeof(DWORD) && *(DWORD *)n.info > 20, "REQUEST_SENT: %lu bytes\n", *(DWORD *)n.info);

    notes_reset();
    ok(WinHttpReceiveResponse(req, NULL), "ReceiveResponse: %lu\n", GetLastError());
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, 0, WAIT_MS) >= 0, "no HEADERS_AVAILABLE: %s\n",
       notes_for(req));
    ok(notes_are(req, recv_seq, ARRAYSIZE(recv_seq)), "ReceiveResponse sequence: %s\n", notes_for(req));
    ok(WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL)
       && status == 200, "status %lu\n", status);

    notes_reset();
    avail = 0xdeadbeef;
    ok(WinHttpQueryDataAvailable(req, &avail), "QueryDataAvailable: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, 0, WAIT_MS);
    ok(i >= 0 && note_get(i, &n) && n.len == sizeof(DWORD) && *(DWORD *)n.info == 10, "DATA_AVAILABLE: %d %lu %lu\n",
       i, n.len, *(DWORD *)n.info);

    notes_reset();
    memset(buf, 0, sizeof(buf));
    ok(WinHttpReadData(req, buf, sizeof(buf), NULL), "ReadData: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, WAIT_MS);
    ok(i >= 0 && note_get(i, &n) && n.len == 10 && n.info_ptr == buf && !memcmp(buf, "status 200", 10),
       "READ_COMPLETE: %d len %lu '%s'\n", i, n.len, buf);
    notes_reset();
    ok(WinHttpReadData(req, buf, sizeof(buf), NULL), "ReadData at end: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, WAIT_MS);
    ok(i >= 0 && note_get(i, &n) && n.len == 0, "end of body: %d len %lu\n", i, n.len);

    notes_reset();
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    ok(note_wait(ses, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, WAIT_MS) >= 0, "session HANDLE_CLOSING missing\n");
    ok(!strcmp(notes_for(req), "HANDLE_CLOSING") && !strcmp(notes_for(con), "HANDLE_CLOSING"),
       "closing: req %s\n", notes_for(req));
}

/* A notification mask set on the request only lets its flags through. */
static void test_async_mask(void)
{
    HINTERNET ses, con, req;

    notes_reset();
    ses = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/204", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    ok(req != NULL, "handles: %lu\n", GetLastError());
    if (!req) return;
    WinHttpSetStatusCallback(req, note_callback, WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE |
                             WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE | WINHTTP_CALLBACK_FLAG_REQUEST_ERROR, 0);
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "SendRequest: %lu\n", GetLastError());
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, WAIT_MS) >= 0, "no SENDREQUEST_COMPLETE\n");
    ok(WinHttpReceiveResponse(req, NULL), "ReceiveResponse: %lu\n", GetLastError());
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, 0, WAIT_MS) >= 0, "no HEADERS_AVAILABLE\n");
    ok(!strcmp(notes_for(req), "SENDREQUEST_COMPLETE,HEADERS_AVAILABLE"), "masked: %s\n", notes_for(req));
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    Sleep(50);
    ok(!strcmp(notes_for(req), "SENDREQUEST_COMPLETE,HEADERS_AVAILABLE"), "HANDLE_CLOSING not masked: %s\n",
       notes_for(req));
}

static void async_send_error(INTERNET_PORT port, DWORD flags, DWORD want_err, DWORD want_secure)
{
    HINTERNET ses, con, req;
    struct note n;
    int i;

    notes_reset();
    ses = open_async_session();
    con = WinHttpConnect(ses, peer_host(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, flags);
    ok(req != NULL, "handles: %lu\n", GetLastError());
    if (!req) return;
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "SendRequest failed at once: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, WAIT_MS);
    ok(i >= 0 && note_get(i, &n) && n.len == sizeof(WINHTTP_ASYNC_RESULT)
       && ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult == API_SEND_REQUEST
       && ((WINHTTP_ASYNC_RESULT *)n.info)->dwError == want_err,
       "REQUEST_ERROR: %d result %Iu error %lu (%s)\n", i, i >= 0 ? ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult : 0,
       i >= 0 ? ((WINHTTP_ASYNC_RESULT *)n.info)->dwError : 0, notes_for(req));
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, 0) < 0, "SENDREQUEST_COMPLETE after an error\n");
    if (want_secure)
    {
        i = note_wait(req, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, 0, 0);
        ok(i >= 0 && note_get(i, &n) && n.len == sizeof(DWORD) && (*(DWORD *)n.info & want_secure),
           "SECURE_FAILURE: %d flags 0x%lx\n", i, i >= 0 ? *(DWORD *)n.info : 0);
    }
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, WAIT_MS);
    ok(i >= 0 && !note_get(i + 1, &n) ? TRUE : (i >= 0 && n.handle != req), "HANDLE_CLOSING not last: %s\n",
       notes_for(req));
}

static void test_async_errors(void)
{
    INTERNET_PORT p = peer_port("WSS_SELFSIGNED");
    async_send_error(1, 0, ERROR_WINHTTP_CANNOT_CONNECT, 0);  /* nothing listens on 127.0.0.1:1 */
    if (p) async_send_error(p, WINHTTP_FLAG_SECURE, ERROR_WINHTTP_SECURE_FAILURE,
                            WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA);
    else skip("no self-signed TLS peer\n");
}

/* Send, Receive, fragments, Shutdown with a receive pending, Close. */
static void test_async_websocket(void)
{
    struct conn_handles h;
    HINTERNET ws;
    struct note n;
    char buf[128];
    BYTE *big, *back;
    DWORD size, err, i, total;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    USHORT status;
    int k;

    notes_reset();
    ws = async_ws_connect(&h, L"/echo", 0x77);
    ok(ws != NULL, "async upgrade failed: %lu (%s)\n", GetLastError(), notes_for(h.session));
    if (!ws) return;
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, 0, 0);
    ok(k >= 0 && note_get(k, &n) && n.context == 0x77, "websocket HANDLE_CREATED: %d\n", k);

    /* Send completes on the caller's thread, before the call returns */
    notes_reset();
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"hello", 5);
    ok(!err, "Send: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, 0, 0);
    ok(k >= 0 && note_get(k, &n) && n.thread == GetCurrentThreadId() && n.context == 0x77
       && n.len == sizeof(WINHTTP_WEB_SOCKET_STATUS) && ws_status(&n)->dwBytesTransferred == 5
       && ws_status(&n)->eBufferType == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
       "WRITE_COMPLETE: %d len %lu\n", k, n.len);

    /* Receive: the data comes with READ_COMPLETE; the out parameters stay untouched */
    notes_reset();
    size = 0xdeadbeef;
    type = 0xdeadbeef;
    memset(buf, 0, sizeof(buf));
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &size, &type);
    ok(!err, "Receive: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, WAIT_MS);
    ok(k >= 0 && note_get(k, &n) && n.len == sizeof(WINHTTP_WEB_SOCKET_STATUS) && ws_status(&n)->dwBytesTransferred == 5
       && ws_status(&n)->eBufferType == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && !memcmp(buf, "hello", 5)
       && n.context == 0x77, "READ_COMPLETE: %d '%s'\n", k, buf);
    ok(size == 0xdeadbeef && type == 0xdeadbeef, "out parameters written: %lu %u\n", size, type);

    /* one receive at a time; a send while a receive is pending (full duplex) */
    notes_reset();
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &size, &type);
    ok(!err, "Receive: %lu\n", err);
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &size, &type);
    ok(err == ERROR_INVALID_OPERATION, "second pending Receive: %lu\n", err);
    Sleep(20);
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, 0) < 0, "READ_COMPLETE with nothing sent\n");
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"xyz", 3);
    ok(!err, "Send during Receive: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, WAIT_MS);
    ok(k >= 0 && note_get(k, &n) && ws_status(&n)->dwBytesTransferred == 3
       && ws_status(&n)->eBufferType == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE && !memcmp(buf, "xyz", 3),
       "full duplex echo: %d\n", k);

    /* a message bigger than the buffer: fragments, then the end */
    ws_send_text(ws, "cmd:big:100:text");
    total = 0;
    for (i = 0; i < 4; i++)
    {
        notes_reset();
        err = WinHttpWebSocketReceive(ws, buf, 30, &size, &type);
        k = note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, WAIT_MS);
        if (err || k < 0 || !note_get(k, &n)) break;
        total += ws_status(&n)->dwBytesTransferred;
        ok(ws_status(&n)->dwBytesTransferred == (i < 3 ? 30u : 10u) && ws_status(&n)->eBufferType ==
           (i < 3 ? WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE : WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE),
           "piece %lu: %lu bytes type %u\n", i, ws_status(&n)->dwBytesTransferred, ws_status(&n)->eBufferType);
        ok(buf[0] == 'a' + (char)((i * 30) % 26), "piece %lu content\n", i);
    }
    ok(total == 100, "fragments total %lu\n", total);

    /* 256 KiB binary round trip, received in one buffer */
    big = malloc(262144);
    back = malloc(262144);
    for (i = 0; i < 262144; i++) big[i] = (BYTE)(i * 7 + 3);
    notes_reset();
    err = WinHttpWebSocketReceive(ws, back, 262144, &size, &type);
    ok(!err, "Receive: %lu\n", err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big, 262144);
    ok(!err, "big Send: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, WAIT_MS);
    ok(k >= 0 && note_get(k, &n) && ws_status(&n)->dwBytesTransferred == 262144
       && ws_status(&n)->eBufferType == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE && !memcmp(big, back, 262144),
       "256 KiB echo: %d %lu\n", k, k >= 0 ? ws_status(&n)->dwBytesTransferred : 0);
    free(big);
    free(back);

    /* Shutdown with a receive pending: SHUTDOWN_COMPLETE at once, then the
     * receive gets the server's close frame */
    notes_reset();
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &size, &type);
    ok(!err, "Receive: %lu\n", err);
    err = WinHttpWebSocketShutdown(ws, 1000, (void *)"bye", 3);
    ok(!err, "Shutdown: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, 0, 0);
    ok(k >= 0 && note_get(k, &n) && n.thread == GetCurrentThreadId(), "SHUTDOWN_COMPLETE not inline: %s\n",
       notes_for(ws));
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"x", 1);
    ok(err == ERROR_INVALID_OPERATION, "Send after Shutdown: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, WAIT_MS);
    ok(k >= 0 && note_get(k, &n) && ws_status(&n)->dwBytesTransferred == 0
       && ws_status(&n)->eBufferType == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE, "close frame: %s\n", notes_for(ws));
    size = 0;
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, buf, sizeof(buf), &size);
    ok(!err && status == 1000 && size == 3 && !memcmp(buf, "bye", 3), "close status %lu %u %lu\n", err, status, size);
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &size, &type);
    ok(err == ERROR_INVALID_OPERATION, "Receive after the close frame: %lu\n", err);

    /* Close now only finishes: CLOSE_COMPLETE, no information */
    notes_reset();
    err = WinHttpWebSocketClose(ws, 1000, NULL, 0);
    ok(!err, "Close: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, 0, WAIT_MS);
    ok(k >= 0 && note_get(k, &n) && n.len == 0, "CLOSE_COMPLETE: %s\n", notes_for(ws));

    notes_reset();
    WinHttpCloseHandle(ws);
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, WAIT_MS) >= 0 && !strcmp(notes_for(ws), "HANDLE_CLOSING"),
       "after CloseHandle: %s\n", notes_for(ws));
    close_handles(&h);
}

/* Close with a receive pending: the receive is cancelled before Close
 * returns, then CLOSE_COMPLETE arrives with the server's answer. */
static void test_async_close_cancels_receive(void)
{
    struct conn_handles h;
    HINTERNET ws;
    struct note n;
    char buf[64];
    DWORD size, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    USHORT status = 0;
    int k;

    notes_reset();
    ws = async_ws_connect(&h, L"/echo", 1);
    ok(ws != NULL, "upgrade: %lu\n", GetLastError());
    if (!ws) return;
    notes_reset();
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &size, &type);
    ok(!err, "Receive: %lu\n", err);
    err = WinHttpWebSocketClose(ws, 1000, (void *)"done", 4);
    ok(!err, "Close: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, 0);
    ok(k >= 0 && note_get(k, &n) && n.len == sizeof(WINHTTP_WEB_SOCKET_ASYNC_RESULT)
       && ws_result(&n)->Operation == WINHTTP_WEB_SOCKET_RECEIVE_OPERATION && ws_result(&n)->AsyncResult.dwResult == 0
       && ws_result(&n)->AsyncResult.dwError == ERROR_WINHTTP_OPERATION_CANCELLED,
       "cancelled receive not reported before Close returned: %s\n", notes_for(ws));
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, 0, WAIT_MS);
    ok(k >= 0, "no CLOSE_COMPLETE: %s\n", notes_for(ws));
    ok(!strcmp(notes_for(ws), "REQUEST_ERROR,CLOSE_COMPLETE"), "sequence: %s\n", notes_for(ws));
    size = 0;
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, buf, sizeof(buf), &size);
    ok(!err && status == 1000 && size == 4, "close status: %lu %u %lu\n", err, status, size);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

/* WinHttpCloseHandle with a receive pending, data arriving or not: exactly
 * one completion for the receive (READ_COMPLETE if it won, else
 * REQUEST_ERROR cancelled), HANDLE_CLOSING last, nothing after it. */
static void test_async_closehandle_races(void)
{
    int round, bad_seq = 0, cancelled = 0, completed = 0, failed_open = 0, late = 0;
    BYTE *buf = malloc(300000);

    for (round = 0; round < 60; round++)
    {
        struct conn_handles h;
        HINTERNET ws;
        DWORD size, err;
        WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
        int k, i, completions = 0, closing_at = -1, created, total;
        struct note n;

        notes_reset();
        if (!(ws = async_ws_connect(&h, L"/echo", 2))) { failed_open++; continue; }
        err = WinHttpWebSocketReceive(ws, buf, 300000, &size, &type);
        if (err) { bad_seq++; WinHttpCloseHandle(ws); close_handles(&h); continue; }
        if (round % 3 == 1) ws_send_text(ws, "cmd:big:200000:binary");
        if (round % 3 == 2) { ws_send_text(ws, "cmd:big:10:binary"); Sleep(round % 4); }
        WinHttpCloseHandle(ws);
        k = note_wait(ws, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, note_wait(ws, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, 0, 0) + 1, WAIT_MS);
        Sleep(30);  /* anything after HANDLE_CLOSING would show up now */
        total = notes_count();
        /* handle values are reused: a note for an earlier object with the
         * same value may come before this one's HANDLE_CREATED */
        created = note_wait(ws, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, 0, 0);
        if (created < 0) { bad_seq++; trace("round %d: no HANDLE_CREATED: %s\n", round, notes_for(ws)); }
        for (i = created < 0 ? 0 : created + 1; i < total; i++)
        {
            if (!note_get(i, &n) || n.handle != ws) continue;
            if (n.status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) { if (closing_at >= 0) late++; closing_at = i; continue; }
            if (closing_at >= 0) { late++; trace("round %d: after HANDLE_CLOSING: %s\n", round, notes_for(ws)); }
            if (n.status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE) { completions++; completed++; }
            else if (n.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
            {
                completions++;
                if (ws_result(&n)->Operation == WINHTTP_WEB_SOCKET_RECEIVE_OPERATION
                    && ws_result(&n)->AsyncResult.dwError == ERROR_WINHTTP_OPERATION_CANCELLED) cancelled++;
                else bad_seq++;
            }
        }
        if (k < 0 || completions != 1) { bad_seq++; trace("round %d: %s\n", round, notes_for(ws)); }
        close_handles(&h);
    }
    ok(!failed_open, "%d upgrades failed\n", failed_open);
    ok(!bad_seq, "%d rounds with a wrong sequence\n", bad_seq);
    ok(!late, "%d notifications after HANDLE_CLOSING\n", late);
    ok(cancelled > 0, "no round saw the receive cancelled (%d completed)\n", completed);
    trace("close races: %d cancelled, %d completed first\n", cancelled, completed);
    free(buf);
}

/* CloseHandle while Close waits for a server that never answers; and
 * Close running into WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT. */
static void test_async_close_pending(void)
{
    struct conn_handles h;
    HINTERNET ws;
    struct note n;
    DWORD err, timeout = 1000, start, elapsed;
    int k;

    notes_reset();
    ws = async_ws_connect(&h, L"/silent", 3);
    ok(ws != NULL, "upgrade: %lu\n", GetLastError());
    if (!ws) return;
    notes_reset();
    err = WinHttpWebSocketClose(ws, 1000, NULL, 0);
    ok(!err, "Close: %lu\n", err);
    Sleep(100);
    ok(notes_count() == 0, "Close completed without an answer: %s\n", notes_for(ws));
    WinHttpCloseHandle(ws);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, WAIT_MS);
    ok(k >= 0 && !strcmp(notes_for(ws), "REQUEST_ERROR,HANDLE_CLOSING"), "sequence: %s\n", notes_for(ws));
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, 0);
    ok(k >= 0 && note_get(k, &n) && ws_result(&n)->Operation == WINHTTP_WEB_SOCKET_CLOSE_OPERATION
       && ws_result(&n)->AsyncResult.dwError == ERROR_WINHTTP_OPERATION_CANCELLED, "cancelled Close: %d\n", k);
    close_handles(&h);

    notes_reset();
    ws = async_ws_connect(&h, L"/silent", 4);
    ok(ws != NULL, "upgrade: %lu\n", GetLastError());
    if (!ws) return;
    ok(WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &timeout, sizeof(timeout)),
       "close timeout option: %lu\n", GetLastError());
    notes_reset();
    start = GetTickCount();
    err = WinHttpWebSocketClose(ws, 1000, NULL, 0);
    ok(!err, "Close: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, WAIT_MS);
    elapsed = GetTickCount() - start;
    ok(k >= 0 && note_get(k, &n) && ws_result(&n)->Operation == WINHTTP_WEB_SOCKET_CLOSE_OPERATION
       && ws_result(&n)->AsyncResult.dwError == ERROR_WINHTTP_TIMEOUT, "Close timeout: %s\n", notes_for(ws));
    ok(elapsed >= 900 && elapsed < 3000, "Close timed out after %lu ms (option: 1000)\n", elapsed);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

/* A protocol error found by an asynchronous receive. */
static void test_async_protocol_error(void)
{
    struct conn_handles h;
    HINTERNET ws;
    struct note n;
    char buf[64];
    DWORD size, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    int k;

    notes_reset();
    ws = async_ws_connect(&h, L"/raw?send=8102c328", 5);  /* text frame with invalid UTF-8 */
    ok(ws != NULL, "upgrade: %lu\n", GetLastError());
    if (!ws) return;
    notes_reset();
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &size, &type);
    ok(!err, "Receive: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, WAIT_MS);
    ok(k >= 0 && note_get(k, &n) && ws_result(&n)->Operation == WINHTTP_WEB_SOCKET_RECEIVE_OPERATION
       && ws_result(&n)->AsyncResult.dwError == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "invalid UTF-8: %s\n",
       notes_for(ws));
    WinHttpCloseHandle(ws);
    close_handles(&h);
    check_fresh_echo("after an asynchronous protocol error");
}

/* ---- slow servers do not hold up other connections ---- */

#define SLOW_REQUESTS 100
static volatile LONG slow_sent, slow_headers, slow_errors;
static HANDLE slow_all_sent, slow_all_answered;

static void CALLBACK slow_callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        if (!WinHttpReceiveResponse(h, NULL)) InterlockedIncrement(&slow_errors);
        if (InterlockedIncrement(&slow_sent) == SLOW_REQUESTS) SetEvent(slow_all_sent);
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        if (InterlockedIncrement(&slow_headers) == SLOW_REQUESTS) SetEvent(slow_all_answered);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        InterlockedIncrement(&slow_errors);
        break;
    }
}

/* 100 asynchronous requests wait for a server that answers after 8 s; a
 * WebSocket opened meanwhile in the same process still upgrades and echoes
 * before any of them is answered (waiting for a response must not hold a
 * pool thread). */
static void test_async_slow_requests(void)
{
    HINTERNET ses, con, req[SLOW_REQUESTS], ws;
    struct conn_handles h;
    char buf[64] = "";
    DWORD size = 0, answered, i, sent = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;

    slow_all_sent = CreateEventW(NULL, TRUE, FALSE, NULL);
    slow_all_answered = CreateEventW(NULL, TRUE, FALSE, NULL);
    ses = WinHttpOpen(L"winhttp-conformance/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                      WINHTTP_NO_PROXY_BYPASS, WINHTTP_FLAG_ASYNC);
    WinHttpSetStatusCallback(ses, slow_callback, WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE |
                             WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE | WINHTTP_CALLBACK_FLAG_REQUEST_ERROR, 0);
    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    for (i = 0; i < SLOW_REQUESTS; i++)
    {
        req[i] = WinHttpOpenRequest(con, L"GET", L"/slow?ms=8000", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
        if (req[i] && WinHttpSendRequest(req[i], WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, i)) sent++;
    }
    ok(sent == SLOW_REQUESTS, "%lu of %u slow requests started\n", sent, SLOW_REQUESTS);
    ok(!WaitForSingleObject(slow_all_sent, 30000), "%ld of %u slow requests sent\n", slow_sent, SLOW_REQUESTS);

    ws = async_ws_connect(&h, L"/echo", 0x51);
    ok(ws != NULL, "upgrade while 100 requests wait: %lu\n", GetLastError());
    if (ws)
    {
        int from = notes_count();
        ok(!WinHttpWebSocketReceive(ws, buf, sizeof(buf) - 1, &size, &type), "Receive\n");
        ok(!WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"quick", 5), "Send\n");
        ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, from, 30000) >= 0 && !strcmp(buf, "quick"),
           "echo while 100 requests wait: '%s'\n", buf);
        answered = slow_headers;
        ok(answered == 0, "the echo came after %lu slow responses: something waited on a pool thread\n", answered);
        WinHttpCloseHandle(ws);
        close_handles(&h);
    }
    ok(!WaitForSingleObject(slow_all_answered, 60000) && !slow_errors, "slow responses: %ld answered, %ld errors\n",
       slow_headers, slow_errors);
    for (i = 0; i < SLOW_REQUESTS; i++) if (req[i]) WinHttpCloseHandle(req[i]);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    CloseHandle(slow_all_sent);
    CloseHandle(slow_all_answered);
}

#define STALLED 40

/* 40 asynchronous HTTPS requests to a server that accepts the connection
 * and never answers the TLS handshake (more requests than pool threads): a
 * WebSocket in the same process still upgrades and echoes while they wait
 * (a handshake must not hold a pool thread); a short connect timeout ends
 * one of them with ERROR_WINHTTP_TIMEOUT; closing the others cancels their
 * SendRequest, reported before HANDLE_CLOSING. */
static void test_async_stalled_handshakes(void)
{
    HINTERNET ses, con, req[STALLED], quick, ws;
    struct conn_handles h;
    INTERNET_PORT port = peer_port("MUTE");
    struct note n;
    char buf[64] = "";
    DWORD sent = 0, i, start;
    int k, from, good = 0;

    if (!port) { skip("no PEER_MUTE_PORT\n"); return; }
    notes_reset();
    ses = open_async_session();
    con = WinHttpConnect(ses, peer_host(), port, 0);
    for (i = 0; i < STALLED; i++)
    {
        req[i] = WinHttpOpenRequest(con, L"GET", L"/", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                    WINHTTP_FLAG_SECURE);
        if (req[i] && WinHttpSendRequest(req[i], WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, i)) sent++;
    }
    ok(sent == STALLED, "%lu of %u requests started\n", sent, STALLED);
    /* all of them are connected, and stuck in the handshake */
    for (i = 0; i < STALLED; i++)
        if (note_wait(req[i], WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, 0, 10000) >= 0) good++;
    ok(good == STALLED, "%d of %u requests connecting\n", good, STALLED);

    ws = async_ws_connect(&h, L"/echo", 0);
    ok(ws != NULL, "upgrade while %u handshakes wait: %lu\n", STALLED, GetLastError());
    if (ws)
    {
        from = notes_count();
        ok(!WinHttpWebSocketReceive(ws, buf, sizeof(buf) - 1, NULL, NULL), "Receive\n");
        ok(!WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"quick", 5), "Send\n");
        ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, from, 10000) >= 0 && !strcmp(buf, "quick"),
           "echo while %u handshakes wait: '%s'\n", STALLED, buf);
        WinHttpCloseHandle(ws);
        close_handles(&h);
    }
    for (i = 0; i < STALLED; i++)
        ok(note_wait(req[i], WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, 0) < 0
           && note_wait(req[i], WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, 0) < 0, "request %lu: %s\n", i,
           notes_for(req[i]));

    /* one more, with a short connect timeout */
    quick = WinHttpOpenRequest(con, L"GET", L"/", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                               WINHTTP_FLAG_SECURE);
    ok(quick && WinHttpSetTimeouts(quick, 0, 700, 0, 0), "timeouts: %lu\n", GetLastError());
    start = GetTickCount();
    from = notes_count();
    ok(quick && WinHttpSendRequest(quick, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, 0), "SendRequest: %lu\n",
       GetLastError());
    k = note_wait(quick, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, from, 30000);
    ok(k >= 0 && note_get(k, &n) && ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult == API_SEND_REQUEST
       && ((WINHTTP_ASYNC_RESULT *)n.info)->dwError == ERROR_WINHTTP_TIMEOUT, "stalled handshake: %s\n",
       notes_for(quick));
    ok(GetTickCount() - start >= 500, "timed out after %lu ms, the timeout is 700\n", GetTickCount() - start);
    WinHttpCloseHandle(quick);

    good = 0;
    for (i = 0; i < STALLED; i++)
    {
        from = notes_count();
        WinHttpCloseHandle(req[i]);
        k = note_wait(req[i], WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, from, 10000);
        if (k >= 0 && (k = note_wait(req[i], WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, from, 0)) >= 0 && note_get(k, &n)
            && ((WINHTTP_ASYNC_RESULT *)n.info)->dwError == ERROR_WINHTTP_OPERATION_CANCELLED
            && note_wait(req[i], WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, k, 0) > k)
            good++;
    }
    ok(good == STALLED, "%d of %u closed requests reported the cancelled SendRequest first\n", good, STALLED);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* An asynchronous response that does not come in time: REQUEST_ERROR
 * (API_RECEIVE_RESPONSE, ERROR_WINHTTP_TIMEOUT) once the receive-response
 * timeout passes, also while nothing holds a thread for it. */
static void test_async_response_timeout(void)
{
    HINTERNET ses, con, req;
    DWORD timeout = 1000;
    struct note n;
    int i;

    notes_reset();
    ses = open_async_session();
    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/slow?ms=20000", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    ok(req && WinHttpSetOption(req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &timeout, sizeof(timeout)),
       "request: %lu\n", GetLastError());
    ok(req && WinHttpSendRequest(req, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, 0), "send: %lu\n", GetLastError());
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, 10000) >= 0, "SENDREQUEST_COMPLETE: %s\n", notes_for(req));
    ok(WinHttpReceiveResponse(req, NULL), "ReceiveResponse: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, 15000);
    ok(i >= 0 && note_get(i, &n) && ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult == API_RECEIVE_RESPONSE
       && ((WINHTTP_ASYNC_RESULT *)n.info)->dwError == ERROR_WINHTTP_TIMEOUT, "timeout: %s\n", notes_for(req));
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* Two reads outstanding while the body is still on its way: each is either
 * refused at once or completes (none is lost), in order, with all the data. */
static void test_async_two_reads(void)
{
    HINTERNET ses, con, req;
    char a[8] = "", b[8] = "";
    BOOL first, second;
    struct note n;
    int i, from, reads = 0;
    DWORD total = 0;

    notes_reset();
    ses = open_async_session();
    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/drip?ms=1000", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    ok(req && WinHttpSendRequest(req, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, 0), "send: %lu\n", GetLastError());
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, 10000) >= 0 && WinHttpReceiveResponse(req, NULL)
       && note_wait(req, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, 0, 10000) >= 0, "response: %s\n", notes_for(req));
    from = notes_count();
    first = WinHttpReadData(req, a, 5, NULL);
    second = WinHttpReadData(req, b, 5, NULL);
    ok(first, "first ReadData: %lu\n", GetLastError());
    for (i = from; reads < first + second; i++)
    {
        if ((i = note_wait(req, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, i, 10000)) < 0 || !note_get(i, &n)) break;
        reads++;
        total += n.len;
    }
    ok(reads == first + second, "%d of %d reads completed: %s\n", reads, first + second, notes_for(req));
    ok(!second || (total == 10 && !memcmp(a, "01234", 5) && !memcmp(b, "56789", 5)),
       "two reads: %lu bytes, '%.5s' '%.5s'\n", total, a, b);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

void async_blocking_callbacks(void);  /* async_blocking.c */

void test_async(void)
{
    test_callback_api();
    test_async_http();
    test_async_mask();
    test_async_errors();
    test_async_websocket();
    test_async_close_cancels_receive();
    test_async_closehandle_races();
    test_async_close_pending();
    test_async_protocol_error();
    test_async_slow_requests();
    test_async_stalled_handshakes();
    test_async_response_timeout();
    test_async_two_reads();
    async_blocking_callbacks();
}
