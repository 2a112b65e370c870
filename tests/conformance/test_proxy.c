/* Proxies, traffic side: requests through the peer's HTTP proxy
 * (tests/peer/proxy.js): plain HTTP in absolute form, HTTPS and WSS through
 * a CONNECT tunnel, bypass lists, the 407 flow, WINHTTP_OPTION_PROXY.  The
 * proxy counts what it saw (GET /stats on the proxy itself), so a check
 * can tell a proxied request from a direct one.  The configuration side
 * (registry, PAC, resolvers) is in proxy_config.c. */
#include <stdlib.h>
#include "test.h"
#include "proxy_util.h"

static void test_exports(void)
{
    static const char *names[] = {
        "WinHttpGetIEProxyConfigForCurrentUser", "WinHttpGetDefaultProxyConfiguration",
        "WinHttpSetDefaultProxyConfiguration", "WinHttpDetectAutoProxyConfigUrl", "WinHttpGetProxyForUrl",
        "WinHttpGetProxyForUrlEx", "WinHttpGetProxyForUrlEx2", "WinHttpCreateProxyResolver",
        "WinHttpGetProxyResult", "WinHttpGetProxyResultEx", "WinHttpFreeProxyResult", "WinHttpFreeProxyResultEx",
        "WinHttpResetAutoProxy", "WinHttpGetProxySettingsVersion", "WinHttpReadProxySettings",
        "WinHttpWriteProxySettings", "WinHttpFreeProxySettings" };
    HMODULE mod = GetModuleHandleA("winhttp.dll");
    size_t i;

    ok(mod != NULL, "winhttp.dll not loaded\n");
    if (!mod) return;
    for (i = 0; i < ARRAYSIZE(names); i++)
        ok(GetProcAddress(mod, names[i]) != NULL, "%s not exported\n", names[i]);
}

static void test_named_http(void)
{
    INTERNET_PORT ws = peer_port("WS"), proxy = peer_port("PROXY");
    WCHAR list[64];
    struct result res;
    HINTERNET ses;
    int before;

    swprintf(list, ARRAYSIZE(list), L"%ls:%u", peer_host(), proxy);
    ses = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_NAMED_PROXY, list, WINHTTP_NO_PROXY_BYPASS, 0);
    ok(ses != NULL, "WinHttpOpen(NAMED_PROXY) failed: %lu\n", GetLastError());
    if (!ses) return;
    before = proxy_stat(proxy, "requests");
    ok(do_request(ses, peer_host(), ws, L"/status/200", 0, NULL, &res) == 0, "request failed: %lu\n", res.error);
    ok(res.status == 200 && !strcmp(res.body, "status 200"), "status %lu body '%s'\n", res.status, res.body);
    ok(!wcscmp(res.via, L"1.1 peer-proxy"), "no Via from the proxy: '%ls'\n", res.via);
    ok(proxy_stat(proxy, "requests") == before + 1, "the proxy saw %d requests, expected %d\n",
       proxy_stat(proxy, "requests"), before + 1);
    WinHttpCloseHandle(ses);

    /* the scheme-specific form, with blanks and a second entry */
    swprintf(list, ARRAYSIZE(list), L"http=%ls:%u https=%ls:%u", peer_host(), proxy, peer_host(), proxy);
    ses = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_NAMED_PROXY, list, WINHTTP_NO_PROXY_BYPASS, 0);
    ok(ses != NULL, "WinHttpOpen(http=..) failed: %lu\n", GetLastError());
    if (!ses) return;
    before = proxy_stat(proxy, "requests");
    ok(do_request(ses, peer_host(), ws, L"/status/201", 0, NULL, &res) == 0, "request failed: %lu\n", res.error);
    ok(res.status == 201 && !wcscmp(res.via, L"1.1 peer-proxy"), "status %lu via '%ls'\n", res.status, res.via);
    ok(proxy_stat(proxy, "requests") == before + 1, "not through the proxy\n");
    WinHttpCloseHandle(ses);
}

/* A bypass list entry sends the request directly: the proxy sees nothing. */
static void check_bypass(const WCHAR *server, const WCHAR *bypass, BOOL direct)
{
    INTERNET_PORT ws = peer_port("WS"), proxy = peer_port("PROXY");
    WCHAR list[64];
    struct result res;
    HINTERNET ses;
    int before;

    swprintf(list, ARRAYSIZE(list), L"%ls:%u", peer_host(), proxy);
    ses = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_NAMED_PROXY, list, bypass, 0);
    ok(ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError());
    if (!ses) return;
    before = proxy_stat(proxy, "requests");
    ok(do_request(ses, server, ws, L"/status/200", 0, NULL, &res) == 0, "%ls with bypass '%ls': %lu\n", server,
       bypass, res.error);
    ok(res.status == 200, "status %lu\n", res.status);
    if (direct)
        ok(proxy_stat(proxy, "requests") == before && !res.via[0], "%ls, bypass '%ls': went through the proxy\n",
           server, bypass);
    else
        ok(proxy_stat(proxy, "requests") == before + 1 && res.via[0], "%ls, bypass '%ls': not proxied\n", server, bypass);
    WinHttpCloseHandle(ses);
}

static void test_bypass(void)
{
    WCHAR wild[300], other[300], *dot;

    /* "*.example.org;127.0.0.*" and "127.0.0.2" for the peer at 127.0.0.1 */
    swprintf(wild, ARRAYSIZE(wild), L"*.example.org;%ls", peer_host());
    if ((dot = wcsrchr(wild, '.'))) wcscpy(dot + 1, L"*");
    wcscpy(other, peer_host());
    if ((dot = wcsrchr(other, '.'))) wcscpy(dot + 1, dot[1] == '2' && !dot[2] ? L"3" : L"2");
    check_bypass(peer_host(), peer_host(), TRUE);
    check_bypass(peer_host(), wild, TRUE);
    check_bypass(peer_name(), L"<local>", TRUE);  /* a name without a dot */
    check_bypass(peer_host(), L"<local>", FALSE);
    check_bypass(peer_host(), L"*.example.org", FALSE);
    check_bypass(peer_host(), other, FALSE);
}

static void test_https_tunnel(void)
{
    INTERNET_PORT wss = peer_port("WSS"), wrong = peer_port("WSS_WRONGHOST"), proxy = peer_port("PROXY");
    struct result res;
    HINTERNET ses;
    int before;

    ses = open_proxy_session(L"proxy-test", proxy, 0);
    ok(ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError());
    if (!ses) return;
    before = proxy_stat(proxy, "connects");
    ok(do_request(ses, peer_name(), wss, L"/status/200", WINHTTP_FLAG_SECURE, NULL, &res) == 0,
       "https through the proxy: %lu\n", res.error);
    ok(res.status == 200 && !strcmp(res.body, "status 200"), "status %lu body '%s'\n", res.status, res.body);
    ok(proxy_stat(proxy, "connects") == before + 1, "the proxy saw %d CONNECTs, expected %d\n",
       proxy_stat(proxy, "connects"), before + 1);
    /* the origin's certificate is checked inside the tunnel */
    before = proxy_stat(proxy, "connects");
    ok(do_request(ses, peer_name(), wrong, L"/status/200", WINHTTP_FLAG_SECURE, NULL, &res) ==
       ERROR_WINHTTP_SECURE_FAILURE, "wrong host name through the tunnel: %lu\n", res.error);
    ok(proxy_stat(proxy, "connects") == before + 1, "no CONNECT for the wrong-host server\n");
    WinHttpCloseHandle(ses);
}

/* secure: wss through a CONNECT tunnel; else ws as an absolute-form upgrade request */
static void check_ws_proxied(BOOL secure)
{
    INTERNET_PORT port = peer_port(secure ? "WSS" : "WS"), proxy = peer_port("PROXY");
    const char *counter = secure ? "connects" : "upgrades";
    HINTERNET ses, con = NULL, req = NULL, ws = NULL;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    char buf[64];
    DWORD len = 0, err;
    int before;

    ses = open_proxy_session(L"proxy-test", proxy, 0);
    if (!ses) { ok(0, "WinHttpOpen failed: %lu\n", GetLastError()); return; }
    before = proxy_stat(proxy, counter);
    if ((con = WinHttpConnect(ses, peer_name(), port, 0)) &&
        (req = WinHttpOpenRequest(con, L"GET", L"/echo", NULL, NULL, NULL, secure ? WINHTTP_FLAG_SECURE : 0)) &&
        WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0) &&
        WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL))
        ws = WinHttpWebSocketCompleteUpgrade(req, 0);
    ok(ws != NULL, "%s upgrade through the proxy failed: %lu\n", secure ? "wss" : "ws", GetLastError());
    if (ws)
    {
        ok(!ws_send_text(ws, "through the tunnel"), "send failed\n");
        err = ws_recv_message(ws, buf, sizeof(buf), &len, &type);
        ok(!err && type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && len == 18 && !memcmp(buf, "through the tunnel", 18),
           "echo: err %lu type %d len %lu\n", err, type, len);
        ok(!WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0), "close failed\n");
        WinHttpCloseHandle(ws);
    }
    ok(proxy_stat(proxy, counter) == before + 1, "the %s upgrade did not go through the proxy\n", secure ? "wss" : "ws");
    if (req) WinHttpCloseHandle(req);
    if (con) WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void test_ws_proxied(void)
{
    check_ws_proxied(TRUE);
    check_ws_proxied(FALSE);
}

/* A Proxy-Authorization header the application adds reaches the proxy,
 * also on the CONNECT of an https request. */
static void test_connect_credentials(void)
{
    INTERNET_PORT wss = peer_port("WSS"), proxy = peer_port("PROXY");
    char last[128];
    struct result res;
    HINTERNET ses;

    ses = open_proxy_session(L"proxy-test", proxy, 0);
    if (!ses) { ok(0, "WinHttpOpen failed: %lu\n", GetLastError()); return; }
    ok(do_request(ses, peer_name(), wss, L"/echo-request", WINHTTP_FLAG_SECURE,
                  L"Proxy-Authorization: Basic dGVzdDp0dW5uZWw=", &res) == 0 && res.status == 200,
       "https with a Proxy-Authorization header: %lu status %lu\n", res.error, res.status);
    /* meant for the proxy: it does not travel on to the server */
    ok(res.body[0] == '{' && !strstr(res.body, "proxy-authorization"), "the server got %s\n", res.body);
    proxy_stat_string(proxy, "lastConnectAuth", last, sizeof(last));
    ok(!strcmp(last, "Basic dGVzdDp0dW5uZWw="), "the CONNECT carried '%s'\n", last);
    WinHttpCloseHandle(ses);
}

static void check_407(BOOL secure)
{
    INTERNET_PORT port = peer_port(secure ? "WSS" : "WS"), proxy = peer_port("PROXY_AUTH");
    DWORD flags = secure ? WINHTTP_FLAG_SECURE : 0;
    struct result res;
    HINTERNET ses;
    int refused;

    ses = open_proxy_session(L"proxy-test", proxy, 0);
    if (!ses) { ok(0, "WinHttpOpen failed: %lu\n", GetLastError()); return; }
    refused = proxy_stat(proxy, "refused");
    ok(do_request(ses, peer_name(), port, L"/status/200", flags, NULL, &res) == 0,
       "%s without credentials: %lu\n", secure ? "https" : "http", res.error);
    ok(res.status == 407, "%s: status %lu, expected 407\n", secure ? "https" : "http", res.status);
    ok(!wcscmp(res.proxy_auth, L"Basic realm=\"peer-proxy\""), "Proxy-Authenticate: '%ls'\n", res.proxy_auth);
    ok(!strcmp(res.body, "proxy authentication required"), "407 body '%s'\n", res.body);
    ok(proxy_stat(proxy, "refused") == refused + 1, "the proxy did not refuse\n");
    ok(do_request(ses, peer_name(), port, L"/status/200", flags, L"Proxy-Authorization: Basic dXNlcjpwYXNz", &res) == 0,
       "%s with credentials: %lu\n", secure ? "https" : "http", res.error);
    ok(res.status == 200 && !strcmp(res.body, "status 200"), "with credentials: status %lu body '%s'\n", res.status, res.body);

    /* the usual flow: the same request handle sent again with credentials */
    {
        HINTERNET con = WinHttpConnect(ses, peer_name(), port, 0);
        HINTERNET req = con ? WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, flags) : NULL;
        DWORD status = 0, size = sizeof(status);
        ok(req && WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL) &&
           WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL) &&
           status == 407, "%s: first send: %lu status %lu\n", secure ? "https" : "http", GetLastError(), status);
        status = 0;
        ok(req && WinHttpAddRequestHeaders(req, L"Proxy-Authorization: Basic dXNlcjpwYXNz", (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD) &&
           WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL) &&
           WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL) &&
           status == 200, "%s: resent with credentials: %lu status %lu\n", secure ? "https" : "http", GetLastError(), status);
        if (req) WinHttpCloseHandle(req);
        if (con) WinHttpCloseHandle(con);
    }
    WinHttpCloseHandle(ses);
}

static void test_proxy_auth(void)
{
    check_407(FALSE);
    check_407(TRUE);
}

static void check_option(HINTERNET h, DWORD access, const WCHAR *proxy, const WCHAR *bypass, const char *what)
{
    WINHTTP_PROXY_INFO pi;
    DWORD size = sizeof(pi);

    memset(&pi, 0xcc, sizeof(pi));
    if (!WinHttpQueryOption(h, WINHTTP_OPTION_PROXY, &pi, &size))
    {
        ok(0, "%s: query failed: %lu\n", what, GetLastError());
        return;
    }
    ok(size == sizeof(pi), "%s: size %lu\n", what, size);
    ok(pi.dwAccessType == access, "%s: access %lu, expected %lu\n", what, pi.dwAccessType, access);
    ok(proxy ? pi.lpszProxy && !wcscmp(pi.lpszProxy, proxy) : !pi.lpszProxy, "%s: proxy '%ls'\n", what,
       pi.lpszProxy ? pi.lpszProxy : L"(null)");
    ok(bypass ? pi.lpszProxyBypass && !wcscmp(pi.lpszProxyBypass, bypass) : !pi.lpszProxyBypass, "%s: bypass '%ls'\n",
       what, pi.lpszProxyBypass ? pi.lpszProxyBypass : L"(null)");
    GlobalFree(pi.lpszProxy);
    GlobalFree(pi.lpszProxyBypass);
}

static void test_option(void)
{
    INTERNET_PORT ws = peer_port("WS"), proxy = peer_port("PROXY");
    HINTERNET ses, con, req;
    WINHTTP_PROXY_INFO pi;
    WCHAR list[64];
    struct result res;
    DWORD size, err;
    int before;

    swprintf(list, ARRAYSIZE(list), L"%ls:%u", peer_host(), proxy);
    ses = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    if (!ses) { ok(0, "WinHttpOpen failed: %lu\n", GetLastError()); return; }
    check_option(ses, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, "new session");
    size = 0;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(ses, WINHTTP_OPTION_PROXY, NULL, &size) && GetLastError() == ERROR_INSUFFICIENT_BUFFER &&
       size == sizeof(pi), "NULL buffer: %lu size %lu\n", GetLastError(), size);

    pi.dwAccessType = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
    pi.lpszProxy = list;
    pi.lpszProxyBypass = (WCHAR *)L"*.example.org";
    ok(WinHttpSetOption(ses, WINHTTP_OPTION_PROXY, &pi, sizeof(pi)), "set on the session: %lu\n", GetLastError());
    check_option(ses, WINHTTP_ACCESS_TYPE_NAMED_PROXY, list, L"*.example.org", "session after set");
    before = proxy_stat(proxy, "requests");
    ok(do_request(ses, peer_host(), ws, L"/status/200", 0, NULL, &res) == 0 && res.status == 200,
       "request: %lu %lu\n", res.error, res.status);
    ok(proxy_stat(proxy, "requests") == before + 1 && res.via[0], "the session's option was not used\n");

    /* on a request handle: that request only */
    pi.dwAccessType = WINHTTP_ACCESS_TYPE_NO_PROXY;
    pi.lpszProxy = pi.lpszProxyBypass = NULL;
    con = WinHttpConnect(ses, peer_host(), ws, 0);
    req = con ? WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, 0) : NULL;
    ok(req != NULL, "open request: %lu\n", GetLastError());
    if (req)
    {
        check_option(req, WINHTTP_ACCESS_TYPE_NAMED_PROXY, list, L"*.example.org", "request before set");
        ok(WinHttpSetOption(req, WINHTTP_OPTION_PROXY, &pi, sizeof(pi)), "set on the request: %lu\n", GetLastError());
        check_option(req, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, "request after set");
        before = proxy_stat(proxy, "requests");
        ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL), "send: %lu\n", GetLastError());
        ok(proxy_stat(proxy, "requests") == before, "the request's NO_PROXY was not used\n");
        WinHttpCloseHandle(req);
    }
    /* errors */
    pi.dwAccessType = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
    pi.lpszProxy = list;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetOption(ses, WINHTTP_OPTION_PROXY, NULL, sizeof(pi)) && GetLastError() == ERROR_INVALID_PARAMETER,
       "NULL buffer: %lu\n", GetLastError());
    if (con)
    {
        SetLastError(0xdeadbeef);
        ok(!WinHttpSetOption(con, WINHTTP_OPTION_PROXY, &pi, sizeof(pi)), "set on a connect handle succeeded\n");
        err = GetLastError();
        ok(err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "connect handle: %lu\n", err);
        WinHttpCloseHandle(con);
    }
    WinHttpCloseHandle(ses);
}

/* Asynchronous requests: the tunnel is set up on the pool. */
static HANDLE async_event;
static DWORD async_status, async_error;
static WCHAR async_connected_to[64];

static void CALLBACK async_callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    if (status == WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER) return;
    if (status == WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER)
    {
        if (info) lstrcpynW(async_connected_to, info, ARRAYSIZE(async_connected_to));
        return;
    }
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
        async_error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
    async_status = status;
    SetEvent(async_event);
}

static DWORD async_wait(void)
{
    ok(WaitForSingleObject(async_event, 20000) == WAIT_OBJECT_0, "no notification\n");
    ResetEvent(async_event);
    return async_status;
}

static void check_async(const char *which, DWORD want_status)
{
    INTERNET_PORT wss = peer_port("WSS"), proxy = peer_port(which);
    HINTERNET ses, con, req;
    DWORD status = 0, size = sizeof(status);
    int before;

    ses = open_proxy_session(L"proxy-test", proxy, WINHTTP_FLAG_ASYNC);
    if (!ses) { ok(0, "WinHttpOpen(ASYNC) failed: %lu\n", GetLastError()); return; }
    async_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    async_connected_to[0] = 0;
    WinHttpSetStatusCallback(ses, async_callback, WINHTTP_CALLBACK_FLAG_CONNECT_TO_SERVER | WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE |
                             WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE | WINHTTP_CALLBACK_FLAG_REQUEST_ERROR, 0);
    before = proxy_stat(proxy, "connects");
    con = WinHttpConnect(ses, peer_name(), wss, 0);
    req = con ? WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE) : NULL;
    ok(req != NULL, "open: %lu\n", GetLastError());
    if (req && WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0))
    {
        ok(async_wait() == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, "%s: send: status 0x%lx error %lu\n", which,
           async_status, async_error);
        /* the connection is to the proxy (the server is "localhost") */
        ok(!wcscmp(async_connected_to, peer_host()), "%s: CONNECTED_TO_SERVER names '%ls'\n", which, async_connected_to);
        ok(WinHttpReceiveResponse(req, NULL), "receive: %lu\n", GetLastError());
        ok(async_wait() == WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, "%s: receive: status 0x%lx error %lu\n", which,
           async_status, async_error);
        ok(WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL) &&
           status == want_status, "%s: status %lu, expected %lu\n", which, status, want_status);
    }
    else ok(0, "send: %lu\n", GetLastError());
    ok(proxy_stat(proxy, "connects") == before + 1, "%s: no CONNECT\n", which);
    if (req) WinHttpCloseHandle(req);
    if (con) WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    CloseHandle(async_event);
}

static void test_async(void)
{
    check_async("PROXY", 200);
    check_async("PROXY_AUTH", 407);
}

void proxy_config_tests(void);
void proxy_auth_tests(void);

void test_proxy(void)
{
    if (!peer_port("PROXY") || !peer_port("PROXY_AUTH") || !peer_port("WSS"))
    {
        skip("the peer's proxies are not running (PEER_PROXY_PORT unset)\n");
        return;
    }
    test_exports();
    test_named_http();
    test_bypass();
    test_https_tunnel();
    test_ws_proxied();
    test_connect_credentials();
    test_proxy_auth();
    test_option();
    test_async();
    proxy_auth_tests();
    proxy_config_tests();
}
