/* A request upgraded twice, and handles outliving their parents (Wine's
 * test_websocket, run on Windows).  Part of the upgrade group. */
#include "test.h"

static BOOL echo_once(HINTERNET ws, const char *text)
{
    char buf[64];
    DWORD len = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
    if (ws_send_text(ws, text)) return FALSE;
    return !ws_recv_message(ws, buf, sizeof(buf), &len, &bt) && len == strlen(text) && !memcmp(buf, text, len);
}

void test_upgrade_again(void)
{
    INTERNET_PORT port = peer_port("WS");
    HINTERNET ses, con, req, ws, ws2;
    WCHAR key1[64], key2[64], buf[64];
    DWORD_PTR ctx;
    DWORD len, index;

    if (!port) { skip("no peer\n"); return; }
    ses = open_session();
    con = WinHttpConnect(ses, peer_host(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/echo", NULL, NULL, NULL, 0);
    ok(WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0), "upgrade option: %lu\n", GetLastError());
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL), "first request: %lu\n",
       GetLastError());
    ws = WinHttpWebSocketCompleteUpgrade(req, 0);
    ok(ws != NULL, "first upgrade: %lu\n", GetLastError());
    index = 0;
    len = sizeof(key1);
    key1[0] = 0;
    WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, L"Sec-WebSocket-Key", key1, &len, &index);
    /* the response stays on the request, not on the websocket */
    len = sizeof(buf);
    ok(WinHttpQueryHeaders(req, WINHTTP_QUERY_UPGRADE, NULL, buf, &len, NULL) && !wcsicmp(buf, L"websocket"),
       "Upgrade after the upgrade '%ls': %lu\n", buf, GetLastError());
    len = sizeof(buf);
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryHeaders(ws, WINHTTP_QUERY_UPGRADE, NULL, buf, &len, NULL) &&
       GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "headers of a websocket: %lu\n", GetLastError());

    /* sending again makes a new key, and upgrading again a new websocket */
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "second send: %lu\n", GetLastError());
    index = 0;
    len = sizeof(key2);
    key2[0] = 0;
    WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, L"Sec-WebSocket-Key", key2, &len, &index);
    ok(key1[0] && key2[0] && wcscmp(key1, key2), "keys '%ls' '%ls'\n", key1, key2);
    ws2 = WinHttpWebSocketCompleteUpgrade(req, 0);
    ok(ws2 != NULL && ws2 != ws, "second upgrade %p: %lu\n", ws2, GetLastError());

    /* the request outlives its connection and session handles */
    ok(WinHttpCloseHandle(con), "close connection: %lu\n", GetLastError());
    len = sizeof(ctx);
    ok(WinHttpQueryOption(req, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, &len), "request after its connection: %lu\n",
       GetLastError());
    if (ws) ok(echo_once(ws, "first websocket"), "first websocket echo\n");
    if (ws2) ok(echo_once(ws2, "second websocket"), "second websocket echo\n");
    if (ws2) ok(WinHttpCloseHandle(ws2), "close second: %lu\n", GetLastError());
    if (ws) ok(WinHttpCloseHandle(ws), "close first: %lu\n", GetLastError());
    ok(WinHttpQueryOption(req, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, &len), "request after the websockets: %lu\n",
       GetLastError());
    ok(WinHttpCloseHandle(ses), "close session: %lu\n", GetLastError());
    ok(WinHttpQueryOption(req, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, &len), "request after its session: %lu\n",
       GetLastError());
    ok(WinHttpCloseHandle(req), "close request: %lu\n", GetLastError());
}
