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

    connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
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

    connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof(ctx)), "SetOption(CONTEXT): %lu\n", GetLastError());
    size = sizeof(got);
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &got, &size) && got == 0x1234, "context %Ix\n", got);

    /* too small a buffer: the needed size comes back */
    size = 1;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(request, WINHTTP_OPTION_HANDLE_TYPE, &small, &size) && GetLastError() == ERROR_INSUFFICIENT_BUFFER,
       "small buffer: %lu\n", GetLastError());
    ok(size == sizeof(DWORD), "needed size %lu\n", size);

    size = sizeof(agent);
    ok(WinHttpQueryOption(session, WINHTTP_OPTION_USER_AGENT, agent, &size) && !wcscmp(agent, L"winhttp-conformance/1.0"),
       "user agent %ls\n", agent);

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
    HINTERNET session = open_session(), connect, request;
    DWORD v;
    BOOL good;

    connect = WinHttpConnect(session, L"127.0.0.1", 80, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(session, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0), "upgrade option on a session succeeded\n");
    ok(WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0), "upgrade option on a request: %lu\n", GetLastError());

    v = 2000;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &v, sizeof(v)), "CLOSE_TIMEOUT: %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &good);
    ok(good && v == 2000, "close timeout %lu\n", v);
    v = 30000;
    ok(WinHttpSetOption(session, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, sizeof(v)), "KEEPALIVE: %lu\n", GetLastError());
    v = 1;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(session, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, sizeof(v)) &&
       GetLastError() == ERROR_INVALID_PARAMETER, "keepalive of 1 ms: %lu\n", GetLastError());
    v = 16384;
    ok(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &v, sizeof(v)), "RECEIVE_BUFFER_SIZE: %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &good);
    ok(good && v == 16384, "receive buffer size %lu\n", v);
    v = 0;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &v, sizeof(v)),
       "send buffer size 0 accepted\n");
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static void test_security_flags(void)
{
    HINTERNET session = open_session(), connect, request;
    DWORD v, flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID;
    BOOL good;

    connect = WinHttpConnect(session, L"127.0.0.1", 443, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(WinHttpSetOption(request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags)), "SECURITY_FLAGS: %lu\n", GetLastError());
    v = query_dword(request, WINHTTP_OPTION_SECURITY_FLAGS, &good);
    ok(good && (v & flags) == flags, "security flags 0x%lx\n", v);
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(session, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags)), "SECURITY_FLAGS on a session succeeded\n");
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

void test_options(void)
{
    test_timeouts();
    test_generic();
    test_websocket_options();
    test_security_flags();
}
