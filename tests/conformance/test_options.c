/* WinHttpSetTimeouts, WinHttpSetOption / WinHttpQueryOption. */
#include "test.h"

#ifndef WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT
#define WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT 115
#endif
#ifndef WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL
#define WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL 116
#endif
#ifndef WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE
#define WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE 122
#endif
#ifndef WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE
#define WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE 123
#endif

static DWORD query_dword(HINTERNET h, DWORD option, BOOL *okay)
{
    DWORD v = 0xdeadbeef, size = sizeof(v);
    *okay = WinHttpQueryOption(h, option, &v, &size) && size == sizeof(DWORD);
    return v;
}

static void test_timeouts(void)
{
    HINTERNET session = open_session(), connect, request;
    BOOL good;
    DWORD v;

    connect = WinHttpConnect(session, peer_host(), 80, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    /* documented defaults */
    v = query_dword(session, WINHTTP_OPTION_CONNECT_TIMEOUT, &good);
    ok(good && v == 60000, "default connect timeout %lu\n", v);
    v = query_dword(session, WINHTTP_OPTION_SEND_TIMEOUT, &good);
    ok(good && v == 30000, "default send timeout %lu\n", v);
    v = query_dword(session, WINHTTP_OPTION_RECEIVE_TIMEOUT, &good);
    ok(good && v == 30000, "default receive timeout %lu\n", v);

    ok(WinHttpSetTimeouts(session, 1000, 2000, 3000, 4000), "SetTimeouts(session): %lu\n", GetLastError());
    v = query_dword(session, WINHTTP_OPTION_CONNECT_TIMEOUT, &good);
    ok(good && v == 2000, "connect timeout %lu\n", v);
    v = query_dword(session, WINHTTP_OPTION_RECEIVE_TIMEOUT, &good);
    ok(good && v == 4000, "receive timeout %lu\n", v);
    ok(WinHttpSetTimeouts(request, -1, -1, -1, 5000), "SetTimeouts(request): %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_RECEIVE_TIMEOUT, &good);
    ok(good && v == 5000, "request receive timeout %lu\n", v);
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetTimeouts(session, -2, 0, 0, 0) && GetLastError() == ERROR_INVALID_PARAMETER,
       "SetTimeouts(-2): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetTimeouts(connect, 0, 0, 0, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "SetTimeouts(connect handle): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetTimeouts(NULL, 0, 0, 0, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "SetTimeouts(NULL): %lu\n", GetLastError());
    v = 7000;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_SEND_TIMEOUT, &v, sizeof(v)), "SetOption(SEND_TIMEOUT): %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_SEND_TIMEOUT, &good);
    ok(good && v == 7000, "send timeout %lu\n", v);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static void test_generic(void)
{
    HINTERNET session = open_session(), connect, request;
    DWORD_PTR ctx = 0x1234, got = 0;
    DWORD size, v, small;
    WCHAR agent[64];

    connect = WinHttpConnect(session, peer_host(), 80, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof(ctx)), "SetOption(CONTEXT): %lu\n", GetLastError());
    size = sizeof(got);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &got, &size) && got == 0x1234, "context %Ix\n", got);

    /* too small a buffer: ERROR_INSUFFICIENT_BUFFER and the needed size in bytes */
    size = 1;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(request, WINHTTP_OPTION_HANDLE_TYPE, &small, &size) && GetLastError() == ERROR_INSUFFICIENT_BUFFER,
       "small buffer: %lu\n", GetLastError());
    ok(size == sizeof(DWORD), "needed size %lu\n", size);
    size = 2;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(session, WINHTTP_OPTION_CONNECT_TIMEOUT, &small, &size) && GetLastError() == ERROR_INSUFFICIENT_BUFFER,
       "small buffer for CONNECT_TIMEOUT: %lu\n", GetLastError());
    ok(size == sizeof(DWORD), "needed size %lu\n", size);
    /* documented: a NULL buffer fails with ERROR_INSUFFICIENT_BUFFER and gives the size */
    size = 0;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(session, WINHTTP_OPTION_RECEIVE_TIMEOUT, NULL, &size) && GetLastError() == ERROR_INSUFFICIENT_BUFFER,
       "NULL buffer: %lu\n", GetLastError());
    ok(size == sizeof(DWORD), "needed size for a NULL buffer %lu\n", size);

    /* the agent given to WinHttpOpen; the needed size of a string includes the NUL */
    memset(agent, 0, sizeof(agent));
    size = sizeof(agent);
    ok(WinHttpQueryOption(session, WINHTTP_OPTION_USER_AGENT, agent, &size) && !wcscmp(agent, L"winhttp-conformance/1.0"),
       "user agent '%ls': %lu\n", agent, GetLastError());
    ok(WinHttpSetOption(session, WINHTTP_OPTION_USER_AGENT, (void *)L"other-agent/2", 14), "set user agent: %lu\n", GetLastError());
    memset(agent, 0, sizeof(agent));
    size = sizeof(agent);
    ok(WinHttpQueryOption(session, WINHTTP_OPTION_USER_AGENT, agent, &size) && !wcscmp(agent, L"other-agent/2"),
       "user agent after SetOption '%ls': %lu\n", agent, GetLastError());

    /* unknown option */
    v = 1;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(request, 0x7fff, &v, sizeof(v)) && GetLastError() == ERROR_WINHTTP_INVALID_OPTION,
       "unknown option: %lu\n", GetLastError());
    size = sizeof(v);
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(request, 0x7fff, &v, &size) && GetLastError() == ERROR_WINHTTP_INVALID_OPTION,
       "unknown option query: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(NULL, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof(ctx)) && GetLastError() == ERROR_INVALID_HANDLE,
       "SetOption(NULL): %lu\n", GetLastError());
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static void test_websocket_options(void)
{
    HINTERNET session = open_session(), connect, request, ws;
    struct conn_handles h;
    DWORD v, err;
    BOOL good;

    connect = WinHttpConnect(session, peer_host(), 80, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    /* the upgrade option belongs to a request; whatever the error, one must be set */
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(session, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0) && GetLastError() != 0xdeadbeef &&
       GetLastError() != ERROR_SUCCESS, "upgrade option on a session: %lu\n", GetLastError());
    ok(WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0), "upgrade option on a request: %lu\n", GetLastError());

    /* "Sets the time, in milliseconds, that WinHttpWebSocketClose should wait"
     * (set-only in the docs, so it is not queried here) */
    v = 2000;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &v, sizeof(v)), "CLOSE_TIMEOUT: %lu\n", GetLastError());

    /* "Sets or retrieves a DWORD which specifies the receive buffer size" */
    v = 16384;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &v, sizeof(v)), "RECEIVE_BUFFER_SIZE: %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &good);
    ok(good && v == 16384, "receive buffer size %lu\n", v);
    v = 8192;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &v, sizeof(v)), "SEND_BUFFER_SIZE: %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &good);
    ok(good && v == 8192, "send buffer size %lu\n", v);
    /* a DWORD option with a 2-byte buffer cannot be taken; the exact error is
     * not documented (ERROR_INVALID_PARAMETER or ERROR_INSUFFICIENT_BUFFER) */
    v = 4096;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &v, 2) &&
       (GetLastError() == ERROR_INVALID_PARAMETER || GetLastError() == ERROR_INSUFFICIENT_BUFFER),
       "2-byte buffer for RECEIVE_BUFFER_SIZE: %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &good);
    ok(good && v == 16384, "receive buffer size after the rejected set %lu\n", v);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);

    /* KEEPALIVE_INTERVAL, documented: "Using WinHttpSetOption to set a value lower
     * than 15000 will return with ERROR_INVALID_PARAMETER".  The docs do not say
     * which handle takes it; the WebSocket handle does (it is the connection's). */
    ws = ws_connect(&h, FALSE, L"/echo");
    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    v = 30000;
    ok(WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, sizeof(v)), "KEEPALIVE 30000: %lu\n", GetLastError());
    v = 15000;
    ok(WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, sizeof(v)), "KEEPALIVE 15000: %lu\n", GetLastError());
    v = 14999;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, sizeof(v)) &&
       GetLastError() == ERROR_INVALID_PARAMETER, "keepalive of 14999 ms: %lu\n", GetLastError());
    v = 1;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, sizeof(v)) &&
       GetLastError() == ERROR_INVALID_PARAMETER, "keepalive of 1 ms: %lu\n", GetLastError());
    /* the socket still works */
    err = ws_send_text(ws, "still here");
    ok(!err, "Send after the options: %lu\n", err);
    {
        char buf[64];
        DWORD len = 0;
        WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
        err = ws_recv_message(ws, buf, sizeof(buf), &len, &bt);
        ok(!err && len == 10 && !memcmp(buf, "still here", 10), "echo: %lu %lu\n", err, len);
    }
    WinHttpWebSocketClose(ws, 1000, NULL, 0);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_security_flags(void)
{
    HINTERNET session = open_session(), connect, request;
    DWORD v, flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID;
    BOOL good;

    connect = WinHttpConnect(session, peer_host(), 443, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags)), "SECURITY_FLAGS: %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_SECURITY_FLAGS, &good);
    ok(good && (v & flags) == flags, "security flags 0x%lx\n", v);
    flags |= SECURITY_FLAG_IGNORE_CERT_DATE_INVALID;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags)), "SECURITY_FLAGS: %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_SECURITY_FLAGS, &good);
    ok(good && (v & flags) == flags, "security flags 0x%lx\n", v);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* option 0 (no option), and an existing option on a handle without it */
static void test_no_option(void)
{
    HINTERNET ses = open_session(), con = WinHttpConnect(ses, peer_host(), 80, 0);
    HINTERNET req = WinHttpOpenRequest(con, L"GET", L"/", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    HINTERNET handles[3] = { ses, con, req };
    DWORD value = 5, size;
    BYTE buf[16];
    int i;

    for (i = 0; i < 3; i++)
    {
        SetLastError(0xdeadbeef);
        ok(!WinHttpSetOption(handles[i], 0, buf, 4) && GetLastError() == ERROR_WINHTTP_INVALID_OPTION,
           "handle %d: set option 0: %lu\n", i, GetLastError());
        size = sizeof(buf);
        SetLastError(0xdeadbeef);
        ok(!WinHttpQueryOption(handles[i], 0, buf, &size) && GetLastError() == ERROR_INVALID_PARAMETER,
           "handle %d: query option 0: %lu\n", i, GetLastError());
    }
    size = sizeof(value);
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(con, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &value, &size)
       && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "receive buffer size on a connection: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(con, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &value, sizeof(value))
       && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "set on a connection: %lu\n", GetLastError());
    value = 12345;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryDataAvailable(req, &value) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE && value == 12345,
       "QueryDataAvailable before the response: %lu, %lu\n", GetLastError(), value);
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryDataAvailable(con, &value) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "QueryDataAvailable on a connection: %lu\n", GetLastError());
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

void test_options_table(void);   /* test_options_table.c */

void test_connection_info(void);

void test_options(void)
{
    test_no_option();
    test_timeouts();
    test_generic();
    test_websocket_options();
    test_security_flags();
    test_options_table();
    test_connection_info();   /* test_connection_info.c */
}
