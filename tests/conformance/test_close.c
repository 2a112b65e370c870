/* WinHttpWebSocketClose, Shutdown, QueryCloseStatus: both directions,
 * parameter checks, timeouts, closing while a receive is pending. */
#include "test.h"

#ifndef WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT
#define WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT 115
#endif

static void test_client_close(void)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/echo");
    USHORT status = 0;
    char reason[200];
    DWORD err, len = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, reason, sizeof(reason), &len);
    ok(err == ERROR_INVALID_OPERATION, "QueryCloseStatus before any close: %lu\n", err);
    err = WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, (void *)"done here", 9);
    ok(!err, "Close: %lu\n", err);
    memset(reason, 0, sizeof(reason));
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, reason, sizeof(reason), &len);
    ok(!err && status == 1000 && len == 9 && !memcmp(reason, "done here", 9),
       "close status: %lu %u %lu '%s'\n", err, status, len, reason);
    /* too small a buffer for the reason */
    len = 0;
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, reason, 4, &len);
    ok(err == ERROR_INSUFFICIENT_BUFFER && len == 9, "small buffer: %lu %lu\n", err, len);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"x", 1);
    ok(err != ERROR_SUCCESS, "Send after Close succeeded\n");
    err = WinHttpWebSocketReceive(ws, reason, sizeof(reason), &len, &bt);
    ok(err != ERROR_SUCCESS, "Receive after Close succeeded\n");
    ok(WinHttpCloseHandle(ws), "CloseHandle failed: %lu\n", GetLastError());
    close_handles(&h);
}

static void test_server_close(const char *cmd, USHORT want_status, const char *want_reason)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/echo");
    USHORT status = 0;
    char buf[200];
    DWORD err, len = 99;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt = 0;

    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    ws_send_text(ws, cmd);
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE && len == 0, "%s: Receive %lu type %d len %lu\n", cmd, err, bt, len);
    memset(buf, 0, sizeof(buf));
    len = 99;
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, buf, sizeof(buf), &len);
    ok(!err && status == want_status && len == strlen(want_reason) && !memcmp(buf, want_reason, len),
       "%s: status %lu %u len %lu '%s'\n", cmd, err, status, len, buf);
    /* the receive channel is closed now */
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(err == ERROR_INVALID_OPERATION, "%s: Receive after the close frame: %lu\n", cmd, err);
    /* we still owe the server our close frame */
    err = WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0);
    ok(!err, "%s: Close after the server's close: %lu\n", cmd, err);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_shutdown(void)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/echo");
    USHORT status = 0;
    char buf[200];
    DWORD err, len = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt = 0;

    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    ws_send_text(ws, "before shutdown");
    err = WinHttpWebSocketShutdown(ws, 4000, (void *)"going", 5);
    ok(!err, "Shutdown: %lu\n", err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"x", 1);
    ok(err != ERROR_SUCCESS, "Send after Shutdown succeeded\n");
    /* still receiving: the echo that was in flight, then the server's close */
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && !strcmp(buf, "before shutdown"), "echo after Shutdown: %lu\n", err);
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE, "close frame after Shutdown: %lu %d\n", err, bt);
    memset(buf, 0, sizeof(buf));
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, buf, sizeof(buf), &len);
    ok(!err && status == 4000 && len == 5 && !memcmp(buf, "going", 5), "server echoed %lu %u '%s'\n", err, status, buf);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_close_params(void)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/echo");
    char reason[130];
    USHORT status;
    DWORD err, len;

    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    memset(reason, 'r', sizeof(reason));
    err = WinHttpWebSocketClose(ws, 1000, reason, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1);
    ok(err == ERROR_INVALID_PARAMETER, "reason of 124 bytes: %lu\n", err);
    err = WinHttpWebSocketShutdown(ws, 1000, reason, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1);
    ok(err == ERROR_INVALID_PARAMETER, "Shutdown with a reason of 124 bytes: %lu\n", err);
    err = WinHttpWebSocketClose(ws, 1000, NULL, 5);
    ok(err == ERROR_INVALID_PARAMETER, "NULL reason with a length: %lu\n", err);
    err = WinHttpWebSocketClose(NULL, 1000, NULL, 0);
    ok(err == ERROR_INVALID_HANDLE, "NULL handle: %lu\n", err);
    err = WinHttpWebSocketClose(h.request, 1000, NULL, 0);
    ok(err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "request handle: %lu\n", err);
    err = WinHttpWebSocketQueryCloseStatus(h.request, &status, reason, sizeof(reason), &len);
    ok(err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "QueryCloseStatus on a request handle: %lu\n", err);
    err = WinHttpWebSocketQueryCloseStatus(ws, NULL, reason, sizeof(reason), &len);
    ok(err == ERROR_INVALID_PARAMETER, "QueryCloseStatus without status: %lu\n", err);
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, reason, sizeof(reason), NULL);
    ok(err == ERROR_INVALID_PARAMETER, "QueryCloseStatus without pdwReasonLengthConsumed: %lu\n", err);
    /* status codes an endpoint may not send */
    err = WinHttpWebSocketClose(ws, 999, NULL, 0);
    ok(err == ERROR_INVALID_PARAMETER, "status 999: %lu\n", err);
    err = WinHttpWebSocketClose(ws, 1006, NULL, 0);
    ok(err == ERROR_INVALID_PARAMETER, "status 1006: %lu\n", err);
    err = WinHttpWebSocketClose(ws, 5000, NULL, 0);
    ok(err == ERROR_INVALID_PARAMETER, "status 5000: %lu\n", err);
    /* a full 123-byte reason is fine */
    err = WinHttpWebSocketClose(ws, 1000, reason, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH);
    ok(!err, "reason of 123 bytes: %lu\n", err);
    len = 0;
    err = WinHttpWebSocketQueryCloseStatus(ws, &status, reason, sizeof(reason), &len);
    ok(!err && status == 1000 && len == WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH, "echoed: %lu %u %lu\n", err, status, len);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_close_timeout(void)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/silent");
    DWORD timeout = 1000, err, start, elapsed, value = 0, size = sizeof(value);

    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    ok(WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &timeout, sizeof(timeout)),
       "SetOption(CLOSE_TIMEOUT) on the websocket: %lu\n", GetLastError());
    ok(WinHttpQueryOption(ws, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &value, &size) && value == 1000,
       "QueryOption(CLOSE_TIMEOUT): %lu\n", value);
    start = GetTickCount();
    err = WinHttpWebSocketClose(ws, 1000, NULL, 0);
    elapsed = GetTickCount() - start;
    ok(elapsed >= 800 && elapsed < 5000, "Close took %lu ms with a 1000 ms timeout (error %lu)\n", elapsed, err);
    ok(err != ERROR_SUCCESS, "Close succeeded without the server's close frame\n");
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

struct pending { HINTERNET ws; DWORD err, len, done_at; WINHTTP_WEB_SOCKET_BUFFER_TYPE type; char buf[64]; };

static DWORD WINAPI pending_receive(void *arg)
{
    struct pending *p = arg;
    p->err = WinHttpWebSocketReceive(p->ws, p->buf, sizeof(p->buf), &p->len, &p->type);
    p->done_at = GetTickCount();
    return 0;
}

static void test_close_while_receiving(BOOL close_handle)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/silent");
    struct pending p;
    HANDLE thread;
    DWORD start, err, timeout = 1000;

    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &timeout, sizeof(timeout));
    memset(&p, 0, sizeof(p));
    p.ws = ws;
    thread = CreateThread(NULL, 0, pending_receive, &p, 0, NULL);
    Sleep(300);
    ok(WaitForSingleObject(thread, 0) == WAIT_TIMEOUT, "the receive did not block\n");
    start = GetTickCount();
    if (close_handle)
    {
        ok(WinHttpCloseHandle(ws), "CloseHandle: %lu\n", GetLastError());
        ok(WaitForSingleObject(thread, 5000) == WAIT_OBJECT_0, "receive still blocked after CloseHandle\n");
        ok(p.err != ERROR_SUCCESS, "pending receive succeeded after CloseHandle\n");
    }
    else
    {
        err = WinHttpWebSocketClose(ws, 1000, NULL, 0);
        trace("Close with a pending receive: %lu\n", err);
        ok(WaitForSingleObject(thread, 5000) == WAIT_OBJECT_0, "receive still blocked after Close\n");
        ok(p.err == ERROR_WINHTTP_OPERATION_CANCELLED, "pending receive ended with %lu\n", p.err);
        WinHttpCloseHandle(ws);
    }
    ok(p.done_at - start < 3000, "pending receive took %lu ms to end\n", p.done_at - start);
    CloseHandle(thread);
    close_handles(&h);
}

void test_close(void)
{
    test_client_close();
    test_server_close("cmd:close:4001:bye", 4001, "bye");
    test_server_close("cmd:close:1000:", 1000, "");
    test_server_close("cmd:close-empty", WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS, "");
    test_shutdown();
    test_close_params();
    test_close_timeout();
    test_close_while_receiving(FALSE);
    test_close_while_receiving(TRUE);
}
