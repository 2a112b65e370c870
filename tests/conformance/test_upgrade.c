/* WinHttpWebSocketCompleteUpgrade: success, parameter and state checks,
 * servers that answer something other than a correct 101. */
#include "test.h"

static DWORD query_status(HINTERNET req)
{
    DWORD code = 0, size = sizeof(code);
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                             &code, &size, WINHTTP_NO_HEADER_INDEX))
        return 0;
    return code;
}

static void test_success(void)
{
    struct conn_handles h;
    HINTERNET ws;
    DWORD type = 0, size = sizeof(type), err, len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
    char buf[256];

    ws = ws_connect(&h, FALSE, L"/echo");
    ok(ws != NULL, "CompleteUpgrade failed: %lu\n", GetLastError());
    if (!ws) { close_handles(&h); return; }
    ok(WinHttpQueryOption(ws, WINHTTP_OPTION_HANDLE_TYPE, &type, &size), "QueryOption(HANDLE_TYPE) failed: %lu\n", GetLastError());
    ok(type == WINHTTP_HANDLE_TYPE_WEBSOCKET, "handle type %lu\n", type);
    ok(query_status(h.request) == 101, "status %lu\n", query_status(h.request));

    /* the request handle may go away right after the upgrade */
    ok(WinHttpCloseHandle(h.request), "closing the request failed: %lu\n", GetLastError());
    h.request = NULL;
    err = ws_send_text(ws, "after request closed");
    ok(!err, "Send failed: %lu\n", err);
    err = ws_recv_message(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && len == 20 && !memcmp(buf, "after request closed", 20),
       "echo: err %lu type %d len %lu\n", err, bt, len);

    /* a second upgrade of the same request is not possible: its handle is gone */
    SetLastError(0xdeadbeef);
    ok(!WinHttpWebSocketCompleteUpgrade(h.request, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "CompleteUpgrade(NULL): %lu\n", GetLastError());
    ok(WinHttpCloseHandle(ws), "closing the websocket failed: %lu\n", GetLastError());
    close_handles(&h);
}

static void test_subprotocol_and_headers(void)
{
    struct conn_handles h;
    HINTERNET ws;
    WCHAR proto[64];
    DWORD size = sizeof(proto), len, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
    char buf[4096], want[300];
    INTERNET_PORT port = peer_port("WS");

    memset(&h, 0, sizeof(h));
    h.session = open_session();
    h.connect = WinHttpConnect(h.session, peer_host(), port, 0);
    h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", NULL, NULL, NULL, 0);
    ok(h.request != NULL, "OpenRequest failed: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0), "SetOption failed: %lu\n", GetLastError());
    ok(WinHttpAddRequestHeaders(h.request, L"Sec-WebSocket-Protocol: chat.v2, chat.v1", (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD),
       "AddRequestHeaders failed: %lu\n", GetLastError());
    ok(WinHttpAddRequestHeaders(h.request, L"Authorization: Bearer abc123\r\n", (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD),
       "AddRequestHeaders failed: %lu\n", GetLastError());
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), "SendRequest failed: %lu\n", GetLastError());
    ok(WinHttpReceiveResponse(h.request, NULL), "ReceiveResponse failed: %lu\n", GetLastError());
    ok(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_CUSTOM, L"Sec-WebSocket-Protocol", proto, &size, NULL),
       "no Sec-WebSocket-Protocol in the answer: %lu\n", GetLastError());
    ok(!wcscmp(proto, L"chat.v2"), "selected protocol %ls\n", proto);
    ws = WinHttpWebSocketCompleteUpgrade(h.request, 0);
    ok(ws != NULL, "CompleteUpgrade failed: %lu\n", GetLastError());
    if (!ws) { close_handles(&h); return; }
    err = ws_send_text(ws, "cmd:headers");
    ok(!err, "Send failed: %lu\n", err);
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    ok(!err, "Receive failed: %lu\n", err);
    trace("headers: %s\n", buf);
    ok(strstr(buf, "\"sec-websocket-version\":\"13\"") != NULL, "no version 13: %s\n", buf);
    ok(strstr(buf, "\"sec-websocket-key\":\"") != NULL, "no key: %s\n", buf);
    ok(strstr(buf, "\"upgrade\":\"websocket\"") != NULL, "no upgrade: %s\n", buf);
    ok(strstr(buf, "\"authorization\":\"Bearer abc123\"") != NULL, "no authorization: %s\n", buf);
    ok(strstr(buf, "\"sec-websocket-protocol\":\"chat.v2, chat.v1\"") != NULL, "no protocol: %s\n", buf);
    snprintf(want, sizeof(want), "\"host\":\"%ls:", peer_host());
    ok(strstr(buf, want) != NULL, "no host: %s\n", buf);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_bad_calls(void)
{
    struct conn_handles h;
    HINTERNET ws, session;
    INTERNET_PORT port = peer_port("WS");

    SetLastError(0xdeadbeef);
    ok(!WinHttpWebSocketCompleteUpgrade(NULL, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "NULL handle: %lu\n", GetLastError());
    session = open_session();
    SetLastError(0xdeadbeef);
    ok(!WinHttpWebSocketCompleteUpgrade(session, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "session handle: %lu\n", GetLastError());
    WinHttpCloseHandle(session);

    /* not marked for upgrade: the server answers the plain request */
    ok(open_request(&h, L"GET", port, L"/echo", 0, FALSE, 0, NULL), "request failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ws = WinHttpWebSocketCompleteUpgrade(h.request, 0);
    ok(!ws && GetLastError() != ERROR_SUCCESS, "upgrade without the option: %p %lu\n", ws, GetLastError());
    if (ws) WinHttpCloseHandle(ws);
    close_handles(&h);

    /* marked, but no response received yet */
    memset(&h, 0, sizeof(h));
    h.session = open_session();
    h.connect = WinHttpConnect(h.session, peer_host(), port, 0);
    h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", NULL, NULL, NULL, 0);
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0), "SetOption failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ws = WinHttpWebSocketCompleteUpgrade(h.request, 0);
    ok(!ws && GetLastError() != ERROR_SUCCESS, "upgrade before sending: %p %lu\n", ws, GetLastError());
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), "SendRequest failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ws = WinHttpWebSocketCompleteUpgrade(h.request, 0);
    ok(!ws && GetLastError() != ERROR_SUCCESS, "upgrade before ReceiveResponse: %p %lu\n", ws, GetLastError());
    if (ws) WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_rejected(void)
{
    struct conn_handles h;
    HINTERNET ws;
    char body[64];
    DWORD read = 0, avail = 0;
    INTERNET_PORT port = peer_port("WS");

    ok(open_request(&h, L"GET", port, L"/reject", 0, TRUE, 0, NULL), "request failed: %lu\n", GetLastError());
    if (!h.request) return;
    ok(query_status(h.request) == 403, "status %lu\n", query_status(h.request));
    SetLastError(0xdeadbeef);
    ws = WinHttpWebSocketCompleteUpgrade(h.request, 0);
    ok(!ws, "upgrade of a 403 succeeded\n");
    ok(GetLastError() != ERROR_SUCCESS && GetLastError() != 0xdeadbeef, "error %lu\n", GetLastError());
    if (ws) WinHttpCloseHandle(ws);
    /* the request handle still works: its body can be read */
    ok(WinHttpQueryDataAvailable(h.request, &avail), "QueryDataAvailable failed: %lu\n", GetLastError());
    memset(body, 0, sizeof(body));
    ok(WinHttpReadData(h.request, body, sizeof(body) - 1, &read), "ReadData failed: %lu\n", GetLastError());
    ok(read == 17 && !strcmp(body, "no websocket here"), "body %lu '%s'\n", read, body);
    close_handles(&h);
}

static void test_bad_101(const WCHAR *path)
{
    struct conn_handles h;
    HINTERNET ws;
    INTERNET_PORT port = peer_port("WS");

    ok(open_request(&h, L"GET", port, path, 0, TRUE, 0, NULL), "%ls: request failed: %lu\n", path, GetLastError());
    if (!h.request) return;
    ok(query_status(h.request) == 101, "%ls: status %lu\n", path, query_status(h.request));
    SetLastError(0xdeadbeef);
    ws = WinHttpWebSocketCompleteUpgrade(h.request, 0);
    ok(!ws, "%ls: upgrade succeeded\n", path);
    ok(GetLastError() != ERROR_SUCCESS && GetLastError() != 0xdeadbeef, "%ls: error %lu\n", path, GetLastError());
    if (ws) WinHttpCloseHandle(ws);
    close_handles(&h);
}


void test_upgrade_again(void);    /* test_upgrade_again.c */

void test_upgrade(void)
{
    test_success();
    test_subprotocol_and_headers();
    test_bad_calls();
    test_rejected();
    test_bad_101(L"/bad-accept");
    test_bad_101(L"/no-accept");
    test_bad_101(L"/no-upgrade");
    check_fresh_echo("after the bad upgrades");
    test_upgrade_again();
}
