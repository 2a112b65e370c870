/* WinHttpSetOption / WinHttpQueryOption per option and handle type, with the
 * answers Windows gives (Wine's dlls/winhttp/tests/winhttp.c, which were run
 * on Windows) or the "Option Flags" page documents.  Part of the options group. */
#include "test.h"

#ifndef WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL
#define WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL 116
#endif
#ifndef WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE
#define WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE 122
#endif
#ifndef WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE
#define WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE 123
#endif

#define expect_fail(call, err, what) do { SetLastError(0xdeadbeef); \
    ok(!(call) && GetLastError() == (err), "%s: %lu, expected %lu\n", what, GetLastError(), (DWORD)(err)); } while (0)

static BOOL get_dword(HINTERNET h, DWORD option, DWORD *v)
{
    DWORD size = sizeof(*v);
    *v = 0xdeadbeef;
    return WinHttpQueryOption(h, option, v, &size) && size == sizeof(*v);
}

static BOOL set_dword(HINTERNET h, DWORD option, DWORD v)
{
    return WinHttpSetOption(h, option, &v, sizeof(v));
}

static void test_redirect_policy(void)
{
    HINTERNET ses = open_session(), con = WinHttpConnect(ses, peer_host(), 80, 0), req;
    DWORD v, size;

    expect_fail(WinHttpQueryOption(ses, WINHTTP_OPTION_REDIRECT_POLICY, NULL, NULL), ERROR_INVALID_PARAMETER,
                "query with no size");
    size = 0xdeadbeef;
    expect_fail(WinHttpQueryOption(ses, WINHTTP_OPTION_REDIRECT_POLICY, NULL, &size), ERROR_INSUFFICIENT_BUFFER,
                "query with a NULL buffer");
    ok(size == 4, "size needed %lu\n", size);
    size = 3;
    expect_fail(WinHttpQueryOption(ses, WINHTTP_OPTION_REDIRECT_POLICY, &v, &size), ERROR_INSUFFICIENT_BUFFER,
                "query with 3 bytes");
    ok(size == 4, "size needed %lu\n", size);
    v = 0xdeadbeef;
    size = 5;
    ok(WinHttpQueryOption(ses, WINHTTP_OPTION_REDIRECT_POLICY, &v, &size) && size == 4 &&
       v == WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP, "default policy %lu size %lu: %lu\n", v, size,
       GetLastError());
    expect_fail(WinHttpSetOption(ses, WINHTTP_OPTION_REDIRECT_POLICY, NULL, 4), ERROR_INVALID_PARAMETER, "set NULL");
    v = WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS;
    expect_fail(WinHttpSetOption(ses, WINHTTP_OPTION_REDIRECT_POLICY, &v, 3), ERROR_INSUFFICIENT_BUFFER, "set 3 bytes");
    expect_fail(WinHttpSetOption(ses, WINHTTP_OPTION_REDIRECT_POLICY, &v, 5), ERROR_INSUFFICIENT_BUFFER, "set 5 bytes");
    ok(set_dword(ses, WINHTTP_OPTION_REDIRECT_POLICY, v), "set ALWAYS: %lu\n", GetLastError());
    ok(get_dword(ses, WINHTTP_OPTION_REDIRECT_POLICY, &v) && v == WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS, "policy %lu\n", v);
    expect_fail(set_dword(ses, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_LAST + 1),
                ERROR_INVALID_PARAMETER, "policy out of range");
    /* a request starts with its session's policy and keeps its own */
    req = WinHttpOpenRequest(con, L"GET", L"/", NULL, NULL, NULL, 0);
    ok(get_dword(req, WINHTTP_OPTION_REDIRECT_POLICY, &v) && v == WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS,
       "request policy %lu\n", v);
    ok(set_dword(req, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_NEVER), "set on request: %lu\n",
       GetLastError());
    ok(get_dword(ses, WINHTTP_OPTION_REDIRECT_POLICY, &v) && v == WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS,
       "session policy after the request's %lu\n", v);

    /* documented defaults: 10 redirects, 10 "100 Continue" responses */
    ok(get_dword(ses, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &v) && v == 10, "max redirects %lu\n", v);
    ok(get_dword(ses, WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, &v) && v == 10, "max continue %lu\n", v);
    ok(set_dword(ses, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, 3), "set max redirects: %lu\n", GetLastError());
    WinHttpCloseHandle(req);
    req = WinHttpOpenRequest(con, L"GET", L"/", NULL, NULL, NULL, 0);
    ok(get_dword(req, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &v) && v == 3, "request max redirects %lu\n", v);
    ok(set_dword(req, WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, 2) &&
       get_dword(req, WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, &v) && v == 2, "request max continue %lu\n", v);
    ok(set_dword(req, WINHTTP_OPTION_CONNECT_RETRIES, 6), "CONNECT_RETRIES on a request: %lu\n", GetLastError());
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void test_features(void)
{
    HINTERNET ses = open_session(), con = WinHttpConnect(ses, peer_host(), 80, 0), req, sreq;
    DWORD v, size, handles;
    HINTERNET all[3];
    int i;

    req = WinHttpOpenRequest(con, L"GET", L"/", NULL, NULL, NULL, 0);
    all[0] = ses; all[1] = con; all[2] = req;
    for (i = 0; i < 3; i++)
        ok(get_dword(all[i], WINHTTP_OPTION_WORKER_THREAD_COUNT, &v) && v == 0, "handle %d: worker threads %lu\n", i, v);

    expect_fail(set_dword(ses, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_COOKIES),
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "DISABLE_FEATURE on a session");
    expect_fail(set_dword(con, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_COOKIES),
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "DISABLE_FEATURE on a connection");
    size = sizeof(v);
    expect_fail(WinHttpQueryOption(req, WINHTTP_OPTION_DISABLE_FEATURE, &v, &size), ERROR_INVALID_PARAMETER,
                "query DISABLE_FEATURE");
    size = 0;
    expect_fail(WinHttpQueryOption(req, WINHTTP_OPTION_DISABLE_FEATURE, NULL, &size), ERROR_INVALID_PARAMETER,
                "query DISABLE_FEATURE, NULL buffer");
    ok(set_dword(req, WINHTTP_OPTION_DISABLE_FEATURE, 0), "disable nothing: %lu\n", GetLastError());
    ok(set_dword(req, WINHTTP_OPTION_DISABLE_FEATURE, 0xffffffff), "disable all: %lu\n", GetLastError());
    ok(set_dword(req, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_COOKIES), "disable cookies: %lu\n", GetLastError());

    v = 0xdeadbeef;
    size = sizeof(v);
    expect_fail(WinHttpQueryOption(req, WINHTTP_OPTION_ENABLE_FEATURE, &v, &size), ERROR_INVALID_PARAMETER,
                "query ENABLE_FEATURE");
    ok(v == 0xdeadbeef, "buffer written: %lx\n", v);
    v = WINHTTP_ENABLE_SSL_REVOCATION;
    expect_fail(WinHttpSetOption(req, WINHTTP_OPTION_ENABLE_FEATURE, NULL, sizeof(v)), ERROR_INVALID_PARAMETER,
                "ENABLE_FEATURE, NULL buffer");
    expect_fail(WinHttpSetOption(req, WINHTTP_OPTION_ENABLE_FEATURE, &v, 0), ERROR_INVALID_PARAMETER,
                "ENABLE_FEATURE, no length");
    expect_fail(set_dword(req, WINHTTP_OPTION_ENABLE_FEATURE, 0xdeadbeef), ERROR_INVALID_PARAMETER,
                "ENABLE_FEATURE, unknown feature");
    ok(set_dword(req, WINHTTP_OPTION_ENABLE_FEATURE, WINHTTP_ENABLE_SSL_REVOCATION), "enable revocation checks: %lu\n",
       GetLastError());
    size = sizeof(v);
    ok(WinHttpQueryOption(req, WINHTTP_OPTION_SECURITY_FLAGS, &v, &size) && !(v & ~(SECURITY_FLAG_SECURE |
       SECURITY_FLAG_STRENGTH_STRONG | SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
       SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE)),
       "security flags after enabling revocation: %lx\n", v);

    /* the client certificate: on a secure request only; "none" is accepted */
    expect_fail(WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0),
                ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "client certificate on a plain request");
    sreq = WinHttpOpenRequest(con, L"GET", L"/", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(WinHttpSetOption(sreq, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0),
       "no client certificate on a secure request: %lu\n", GetLastError());
    WinHttpCloseHandle(sreq);

    /* secure protocols belong to the session */
    v = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    ok(WinHttpSetOption(ses, WINHTTP_OPTION_SECURE_PROTOCOLS, &v, sizeof(v)), "SECURE_PROTOCOLS: %lu\n", GetLastError());
    ok(get_dword(ses, WINHTTP_OPTION_SECURE_PROTOCOLS, &v) && v == WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2,
       "secure protocols 0x%lx\n", v);
    expect_fail(set_dword(con, WINHTTP_OPTION_SECURE_PROTOCOLS, WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2),
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "SECURE_PROTOCOLS on a connection");

    /* Passport stays off (the only setting we support) */
    ok(set_dword(ses, WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH, WINHTTP_DISABLE_PASSPORT_AUTH),
       "disable Passport: %lu\n", GetLastError());

    /* the callback, and an event for the DLL's unload */
    {
        WINHTTP_STATUS_CALLBACK cb = (WINHTTP_STATUS_CALLBACK)0x1234, got = NULL;
        HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
        WinHttpSetStatusCallback(req, (WINHTTP_STATUS_CALLBACK)test_features, WINHTTP_CALLBACK_FLAG_HANDLES, 0);
        size = sizeof(got);
        ok(WinHttpQueryOption(req, WINHTTP_OPTION_CALLBACK, &got, &size) && got == (WINHTTP_STATUS_CALLBACK)test_features
           && size == sizeof(got), "callback %p\n", got);
        WinHttpSetStatusCallback(req, NULL, 0, 0);
        expect_fail(WinHttpSetOption(req, WINHTTP_OPTION_CALLBACK, &cb, sizeof(cb)), ERROR_WINHTTP_OPTION_NOT_SETTABLE,
                    "set CALLBACK");
        ok(WinHttpSetOption(ses, WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, &ev, sizeof(ev)), "UNLOAD_NOTIFY_EVENT: %lu\n",
           GetLastError());
        ok(WaitForSingleObject(ev, 0) == WAIT_TIMEOUT, "unload event signalled while loaded\n");
        handles = 0;
        ok(WinHttpSetOption(ses, WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, &handles, 0) == FALSE, "event of size 0 taken\n");
        /* (the event stays registered; the process ends with the DLL loaded) */
    }
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* Wine's test_timeouts, on the values Windows gives */
static void test_timeout_options(void)
{
    static const DWORD opts[4] = { WINHTTP_OPTION_RESOLVE_TIMEOUT, WINHTTP_OPTION_CONNECT_TIMEOUT,
                                   WINHTTP_OPTION_SEND_TIMEOUT, WINHTTP_OPTION_RECEIVE_TIMEOUT };
    HINTERNET ses = open_session(), con, req;
    DWORD v;
    int i;

    for (i = 0; i < 4; i++)
    {
        ok(set_dword(ses, opts[i], 0xbeefdead), "option %lu = 0xbeefdead: %lu\n", opts[i], GetLastError());
        ok(get_dword(ses, opts[i], &v) && v == 0xbeefdead, "option %lu: %lx\n", opts[i], v);
    }
    con = WinHttpConnect(ses, peer_host(), 80, 0);
    for (i = 0; i < 4; i++)
    {
        ok(get_dword(con, opts[i], &v) && v == 0xbeefdead, "connection option %lu: %lx\n", opts[i], v);
        expect_fail(set_dword(con, opts[i], 0), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "timeout set on a connection");
        /* a connection follows its session */
        ok(set_dword(ses, opts[i], 0xdead), "session option %lu: %lu\n", opts[i], GetLastError());
        ok(get_dword(con, opts[i], &v) && v == 0xdead, "connection option %lu after the session's: %lx\n", opts[i], v);
    }
    expect_fail(WinHttpSetTimeouts(con, -2, 0, 0, 0), ERROR_INVALID_PARAMETER, "SetTimeouts(connection, -2)");
    expect_fail(WinHttpSetTimeouts(con, 0, 0, 0, -2), ERROR_INVALID_PARAMETER, "SetTimeouts(connection, ..., -2)");
    expect_fail(WinHttpSetTimeouts(con, -1, -1, -1, -1), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "SetTimeouts(connection)");

    req = WinHttpOpenRequest(con, NULL, NULL, NULL, NULL, NULL, 0);
    ok(WinHttpSetTimeouts(req, 0xcdef, 0x89ab, 0x4567, 0x0123), "SetTimeouts(request): %lu\n", GetLastError());
    ok(get_dword(req, WINHTTP_OPTION_RESOLVE_TIMEOUT, &v) && v == 0xcdef, "request resolve %lx\n", v);
    ok(get_dword(req, WINHTTP_OPTION_RECEIVE_TIMEOUT, &v) && v == 0x0123, "request receive %lx\n", v);
    /* request and session are independent once the request exists */
    ok(set_dword(req, WINHTTP_OPTION_SEND_TIMEOUT, 0xbeefdead), "request send timeout: %lu\n", GetLastError());
    ok(get_dword(ses, WINHTTP_OPTION_SEND_TIMEOUT, &v) && v == 0xdead, "session send timeout %lx\n", v);
    ok(set_dword(ses, WINHTTP_OPTION_SEND_TIMEOUT, 0xbeef), "session send timeout: %lu\n", GetLastError());
    ok(get_dword(req, WINHTTP_OPTION_SEND_TIMEOUT, &v) && v == 0xbeefdead, "request send timeout %lx\n", v);

    /* the receive-response timeout reports "infinite" until set */
    ok(get_dword(req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &v) && v == ~0u, "request response timeout %lx\n", v);
    ok(get_dword(con, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &v) && v == ~0u, "connection response timeout %lx\n", v);
    ok(get_dword(ses, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &v) && v == ~0u, "session response timeout %lx\n", v);
    expect_fail(set_dword(con, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 30000), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
                "response timeout on a connection");
    ok(set_dword(ses, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 48880), "session response timeout: %lu\n", GetLastError());
    ok(get_dword(ses, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &v) && v == 48880, "session response timeout %lu\n", v);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* Wine's test_websocket, the option part */
static void test_websocket_buffers(void)
{
    HINTERNET ses = open_session(), con, req, ws;
    INTERNET_PORT port = peer_port("WS");
    DWORD v, size, status;

    con = WinHttpConnect(ses, peer_host(), port, 0);
    ok(get_dword(ses, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &v) && v == 32768, "default receive buffer %lu\n", v);
    ok(get_dword(ses, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &v) && v == 32768, "default send buffer %lu\n", v);
    ok(set_dword(ses, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, 65535), "receive buffer: %lu\n", GetLastError());
    ok(set_dword(ses, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 15), "send buffer of 15: %lu\n", GetLastError());
    req = WinHttpOpenRequest(con, L"GET", L"/echo", NULL, NULL, NULL, 0);
    ok(get_dword(req, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &v) && v == 65535, "request receive buffer %lu\n", v);
    ok(get_dword(req, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &v) && v == 15, "request send buffer %lu\n", v);
    ok(set_dword(req, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, 1048576), "request receive buffer: %lu\n", GetLastError());
    ok(get_dword(ses, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &v) && v == 65535, "session receive buffer %lu\n", v);
    ok(get_dword(req, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &v) && v == 1048576, "request receive buffer %lu\n", v);
    size = sizeof(v);
    expect_fail(WinHttpQueryOption(con, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &v, &size),
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "receive buffer on a connection");
    size = sizeof(v);
    expect_fail(WinHttpQueryOption(ses, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, &size), ERROR_INVALID_PARAMETER,
                "query keep-alive on a session");
    size = sizeof(v);
    expect_fail(WinHttpQueryOption(req, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, &size), ERROR_INVALID_PARAMETER,
                "query keep-alive on a request");
    expect_fail(set_dword(req, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 20000), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
                "keep-alive on a request");
    ok(WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0), "upgrade: %lu\n", GetLastError());
    if (!port) { skip("no peer\n"); goto done; }
    /* a send buffer too small for a frame header refuses the upgrade request */
    expect_fail(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), ERROR_NOT_ENOUGH_MEMORY, "send buffer of 15");
    ok(set_dword(req, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 16), "send buffer of 16: %lu\n", GetLastError());
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "send with 16: %lu\n", GetLastError());
    ok(set_dword(req, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 15), "send buffer of 15 after sending: %lu\n", GetLastError());
    ok(WinHttpReceiveResponse(req, NULL), "receive response: %lu\n", GetLastError());
    status = 0;
    size = sizeof(status);
    ok(WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL) &&
       status == 101, "status %lu\n", status);
    ws = WinHttpWebSocketCompleteUpgrade(req, 0);
    ok(ws != NULL, "upgrade: %lu\n", GetLastError());
    if (!ws) goto done;
    size = sizeof(v);
    expect_fail(WinHttpQueryOption(ws, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &v, &size),
                ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "receive buffer on a websocket");
    expect_fail(set_dword(ws, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, 65535), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
                "set receive buffer on a websocket");
    expect_fail(set_dword(ws, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 65535), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
                "set send buffer on a websocket");
    v = 20000;
    expect_fail(WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, 2), ERROR_INVALID_PARAMETER,
                "keep-alive of 2 bytes");
    expect_fail(WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &v, 8), ERROR_INVALID_PARAMETER,
                "keep-alive of 8 bytes");
    size = 0;
    expect_fail(WinHttpQueryOption(ws, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, NULL, &size), ERROR_INVALID_PARAMETER,
                "query keep-alive, NULL buffer");
    /* it still echoes (a 16-byte send buffer and a 1 MiB receive buffer) */
    {
        char buf[64];
        DWORD len = 0;
        WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
        DWORD err = ws_send_text(ws, "sixteen or more bytes");
        ok(!err, "send: %lu\n", err);
        err = ws_recv_message(ws, buf, sizeof(buf), &len, &bt);
        ok(!err && len == 21 && !memcmp(buf, "sixteen or more bytes", 21), "echo: %lu %lu\n", err, len);
    }
    WinHttpWebSocketClose(ws, 1000, NULL, 0);
    WinHttpCloseHandle(ws);
done:
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

void test_options_table(void)
{
    test_redirect_policy();
    test_features();
    test_timeout_options();
    test_websocket_buffers();
}
