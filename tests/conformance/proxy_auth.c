/* Proxy credentials (part of the proxy group): WinHttpSetCredentials with
 * WINHTTP_AUTH_TARGET_PROXY and WINHTTP_OPTION_PROXY_USERNAME/PASSWORD
 * through the peer's proxies that demand Basic (PROXY_AUTH) and Digest
 * (PROXY_DIGEST) credentials (tests/peer/proxy.js): plain HTTP sent to the
 * proxy, HTTPS and WSS through a CONNECT tunnel, synchronous and
 * asynchronous; a 407 answered once by itself when credentials are known,
 * a wrong password's 407 reaching the application, WinHttpQueryAuthSchemes
 * naming the proxy target, and the credentials kept out of the tunnel.
 * The proxies count what they saw (GET /stats): "refused" counts 407s (and
 * 403s), "accepted" the requests and CONNECTs whose credentials passed. */
#include <stdlib.h>
#include "proxy_util.h"

enum how { CREDS_NONE, CREDS_SET, CREDS_OPTIONS };

struct pa_case
{
    const char *proxy;       /* "PROXY_AUTH" (Basic) or "PROXY_DIGEST" */
    BOOL secure;             /* https through a tunnel, else http sent to the proxy */
    BOOL async;
    enum how how;
    DWORD scheme;            /* for CREDS_SET */
    const WCHAR *pass;       /* the password given (user is always "user") */
    const WCHAR *path;       /* default /status/200 */
};

struct pa_result
{
    DWORD error;             /* of the first call that failed, 0 */
    DWORD status;
    char body[1024];         /* synchronous only */
    BOOL schemes_ok;         /* WinHttpQueryAuthSchemes succeeded */
    DWORD supported, first, target;
};

struct async_ctx
{
    HANDLE event;
    DWORD status, error;
};

static void CALLBACK pa_callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    struct async_ctx *a = (struct async_ctx *)ctx;
    if (!a) return;
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) a->error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
    a->status = status;
    SetEvent(a->event);
}

static DWORD async_step(struct async_ctx *a, DWORD want)
{
    if (WaitForSingleObject(a->event, 30000) != WAIT_OBJECT_0) return WAIT_TIMEOUT;
    ResetEvent(a->event);
    if (a->status == want) return 0;
    return a->status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR ? a->error : ERROR_GEN_FAILURE;
}

static BOOL apply_credentials(HINTERNET req, const struct pa_case *c)
{
    switch (c->how)
    {
    case CREDS_SET:
        return WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_PROXY, c->scheme, L"user", c->pass, NULL);
    case CREDS_OPTIONS:
        return WinHttpSetOption(req, WINHTTP_OPTION_PROXY_USERNAME, (void *)L"user", 4) &&
               WinHttpSetOption(req, WINHTTP_OPTION_PROXY_PASSWORD, (void *)c->pass, (DWORD)wcslen(c->pass));
    default:
        return TRUE;
    }
}

/* Send once and receive the response; in *res the status, the body
 * (synchronous), and for a 401/407 what WinHttpQueryAuthSchemes says. */
static DWORD send_receive(HINTERNET req, struct async_ctx *a, struct pa_result *res)
{
    DWORD size, got, total = 0;

    res->error = res->status = 0;
    res->body[0] = 0;
    res->schemes_ok = FALSE;
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, (DWORD_PTR)a)) return res->error = GetLastError();
    if (a && (res->error = async_step(a, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE))) return res->error;
    if (!WinHttpReceiveResponse(req, NULL)) return res->error = GetLastError();
    if (a && (res->error = async_step(a, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE))) return res->error;
    size = sizeof(res->status);
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &res->status, &size, NULL))
        return res->error = GetLastError();
    if (res->status == 401 || res->status == 407)
        res->schemes_ok = WinHttpQueryAuthSchemes(req, &res->supported, &res->first, &res->target);
    if (a) return 0;
    for (;;)
    {
        if (!WinHttpReadData(req, res->body + total, sizeof(res->body) - 1 - total, &got)) return res->error = GetLastError();
        if (!got || (total += got) == sizeof(res->body) - 1) break;
    }
    res->body[total] = 0;
    return 0;
}

struct pa_handles { HINTERNET ses, con, req; struct async_ctx a; };

static BOOL pa_open(struct pa_handles *h, const struct pa_case *c, INTERNET_PORT port, const WCHAR *path)
{
    memset(h, 0, sizeof(*h));
    h->ses = open_proxy_session(L"proxy-auth-test", peer_port(c->proxy), c->async ? WINHTTP_FLAG_ASYNC : 0);
    if (!h->ses) return FALSE;
    if (c->async)
    {
        h->a.event = CreateEventW(NULL, TRUE, FALSE, NULL);
        WinHttpSetStatusCallback(h->ses, pa_callback, WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE |
                                 WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE | WINHTTP_CALLBACK_FLAG_REQUEST_ERROR, 0);
    }
    return (h->con = WinHttpConnect(h->ses, peer_name(), port, 0)) &&
           (h->req = WinHttpOpenRequest(h->con, L"GET", path, NULL, NULL, NULL, c->secure ? WINHTTP_FLAG_SECURE : 0));
}

static void pa_close(struct pa_handles *h)
{
    if (h->req) WinHttpCloseHandle(h->req);
    if (h->con) WinHttpCloseHandle(h->con);
    if (h->ses) WinHttpCloseHandle(h->ses);
    if (h->a.event)
    {
        Sleep(50);   /* HANDLE_CLOSING goes to no one (no flag), but let the pool finish */
        CloseHandle(h->a.event);
    }
}

/* One request as the case says; *res as send_receive. */
static DWORD run_case(const struct pa_case *c, struct pa_result *res)
{
    INTERNET_PORT port = peer_port(c->secure ? "WSS" : "WS");
    struct pa_handles h;
    DWORD err;

    memset(res, 0, sizeof(*res));
    if (!pa_open(&h, c, port, c->path ? c->path : L"/status/200") || !apply_credentials(h.req, c))
        err = res->error = GetLastError();
    else err = send_receive(h.req, c->async ? &h.a : NULL, res);
    pa_close(&h);
    return err;
}

static const char *describe(const struct pa_case *c)
{
    static char buf[128];
    snprintf(buf, sizeof(buf), "%s %s %s %s", c->proxy, c->secure ? "https" : "http", c->async ? "async" : "sync",
             c->how == CREDS_SET ? "SetCredentials" : c->how == CREDS_OPTIONS ? "options" : "no credentials");
    return buf;
}

/* Right credentials: 200.  preemptive: they went with the first request
 * (no 407 on the way), else one 407 was answered by itself. */
static void check_success(const struct pa_case *c, BOOL preemptive)
{
    INTERNET_PORT proxy = peer_port(c->proxy);
    int refused = proxy_stat(proxy, "refused"), accepted = proxy_stat(proxy, "accepted");
    int connects = proxy_stat(proxy, "connects");
    struct pa_result res;
    DWORD err;

    err = run_case(c, &res);
    ok(!err && res.status == 200, "%s: error %lu status %lu\n", describe(c), res.error, res.status);
    if (!c->async && !c->path) ok(!strcmp(res.body, "status 200"), "%s: body '%s'\n", describe(c), res.body);
    ok(proxy_stat(proxy, "accepted") == accepted + 1, "%s: the proxy accepted %d, expected 1\n", describe(c),
       proxy_stat(proxy, "accepted") - accepted);
    ok(proxy_stat(proxy, "refused") == refused + (preemptive ? 0 : 1), "%s: the proxy refused %d, expected %d\n",
       describe(c), proxy_stat(proxy, "refused") - refused, preemptive ? 0 : 1);
    if (c->secure)
        ok(proxy_stat(proxy, "connects") == connects + (preemptive ? 1 : 2), "%s: %d CONNECTs, expected %d\n",
           describe(c), proxy_stat(proxy, "connects") - connects, preemptive ? 1 : 2);
}

/* Wrong password: the 407 that answers it reaches the application, with
 * the proxy as the target; the same handle then gets the right
 * credentials through WinHttpSetCredentials and passes. */
static void check_wrong_password(const struct pa_case *c, DWORD scheme)
{
    INTERNET_PORT proxy = peer_port(c->proxy), port = peer_port(c->secure ? "WSS" : "WS");
    int refused = proxy_stat(proxy, "refused");
    struct pa_handles h;
    struct pa_result res;
    DWORD err;

    if (!pa_open(&h, c, port, L"/status/200") || !apply_credentials(h.req, c))
    {
        ok(0, "%s: open: %lu\n", describe(c), GetLastError());
        pa_close(&h);
        return;
    }
    err = send_receive(h.req, c->async ? &h.a : NULL, &res);
    ok(!err && res.status == 407,
       "%s, wrong password: error %lu status %lu\n", describe(c), res.error, res.status);
    /* options: a first 407, answered once with the wrong password, a second
     * one; SetCredentials: Basic went with the first request, refused once;
     * Digest answered the first 407, refused again */
    {
        int want = (c->how == CREDS_SET && scheme == WINHTTP_AUTH_SCHEME_BASIC) ? 1 : 2;
        ok(proxy_stat(proxy, "refused") == refused + want, "%s, wrong password: refused %d times, expected %d\n",
           describe(c), proxy_stat(proxy, "refused") - refused, want);
    }
    ok(res.schemes_ok && res.supported == scheme && res.first == scheme && res.target == WINHTTP_AUTH_TARGET_PROXY,
       "%s, wrong password: QueryAuthSchemes %d: %#lx first %#lx target %lu\n", describe(c), res.schemes_ok,
       res.supported, res.first, res.target);
    ok(WinHttpSetCredentials(h.req, WINHTTP_AUTH_TARGET_PROXY, scheme, L"user", L"pass", NULL),
       "SetCredentials: %lu\n", GetLastError());
    err = send_receive(h.req, c->async ? &h.a : NULL, &res);
    ok(!err && res.status == 200,
       "%s, resent with the right password: error %lu status %lu\n", describe(c), res.error, res.status);
    pa_close(&h);
}

static void test_basic_proxy(void)
{
    struct pa_case c = { "PROXY_AUTH", FALSE, FALSE, CREDS_SET, WINHTTP_AUTH_SCHEME_BASIC, L"pass", NULL };
    int secure, async;

    for (secure = 0; secure < 2; secure++)
        for (async = 0; async < 2; async++)
        {
            c.secure = secure;
            c.async = async;
            /* Basic credentials set before sending go with the first request
             * (and the first CONNECT) */
            c.how = CREDS_SET;
            c.pass = L"pass";
            check_success(&c, TRUE);
            /* the options answer the 407 */
            c.how = CREDS_OPTIONS;
            check_success(&c, FALSE);
            c.pass = L"wrong";
            check_wrong_password(&c, WINHTTP_AUTH_SCHEME_BASIC);
            c.how = CREDS_SET;
            check_wrong_password(&c, WINHTTP_AUTH_SCHEME_BASIC);
        }
}

static void test_digest_proxy(void)
{
    struct pa_case c = { "PROXY_DIGEST", FALSE, FALSE, CREDS_OPTIONS, WINHTTP_AUTH_SCHEME_DIGEST, L"pass", NULL };
    int secure, async;

    for (secure = 0; secure < 2; secure++)
        for (async = 0; async < 2; async++)
        {
            c.secure = secure;
            c.async = async;
            c.pass = L"pass";
            c.how = CREDS_OPTIONS;
            check_success(&c, FALSE);
            /* Digest set before sending: answers the first 407 */
            c.how = CREDS_SET;
            check_success(&c, FALSE);
            c.pass = L"wrong";
            check_wrong_password(&c, WINHTTP_AUTH_SCHEME_DIGEST);
            c.how = CREDS_OPTIONS;
            check_wrong_password(&c, WINHTTP_AUTH_SCHEME_DIGEST);
        }
}

/* Without credentials the 407 reaches the application (sync and async). */
static void test_no_credentials(void)
{
    struct pa_case c = { "PROXY_DIGEST", TRUE, FALSE, CREDS_NONE, 0, NULL, NULL };
    struct pa_result res;
    DWORD err;
    int async;

    for (async = 0; async < 2; async++)
    {
        c.async = async;
        err = run_case(&c, &res);
    ok(!err && res.status == 407, "%s: error %lu status %lu\n", describe(&c), res.error, res.status);
        ok(res.schemes_ok && res.supported == WINHTTP_AUTH_SCHEME_DIGEST && res.target == WINHTTP_AUTH_TARGET_PROXY,
           "%s: QueryAuthSchemes %d: %#lx target %lu\n", describe(&c), res.schemes_ok, res.supported, res.target);
    }
}

/* The proxy's credentials go on the CONNECT, never to the server inside
 * the tunnel (the server reports the headers it got); without a proxy
 * they are not sent at all. */
static void test_not_to_origin(void)
{
    struct pa_case c = { "PROXY_AUTH", TRUE, FALSE, CREDS_SET, WINHTTP_AUTH_SCHEME_BASIC, L"pass", L"/echo-request" };
    INTERNET_PORT proxy = peer_port("PROXY_AUTH");
    struct pa_result res;
    DWORD err;
    char last[128];
    int how;

    for (how = CREDS_SET; how <= CREDS_OPTIONS; how++)
    {
        c.how = how;
        err = run_case(&c, &res);
    ok(!err && res.status == 200, "%s: error %lu status %lu\n", describe(&c), res.error, res.status);
        ok(res.body[0] == '{' && !strstr(res.body, "proxy-authorization") && !strstr(res.body, "dXNlcjpwYXNz"),
           "%s: the server got %s\n", describe(&c), res.body);
        proxy_stat_string(proxy, "lastConnectAuth", last, sizeof(last));
        ok(!strcmp(last, "Basic dXNlcjpwYXNz"), "%s: the CONNECT carried '%s'\n", describe(&c), last);
    }
    c.proxy = "PROXY_DIGEST";
    c.how = CREDS_OPTIONS;
    err = run_case(&c, &res);
    ok(!err && res.status == 200, "%s: error %lu status %lu\n", describe(&c), res.error, res.status);
    ok(res.body[0] == '{' && !strstr(res.body, "proxy-authorization") && !strstr(res.body, "Digest"),
       "%s: the server got %s\n", describe(&c), res.body);

    /* no proxy: proxy credentials stay home */
    {
        HINTERNET ses = WinHttpOpen(L"proxy-auth-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
        memset(&res, 0, sizeof(res));
        HINTERNET con = ses ? WinHttpConnect(ses, peer_host(), peer_port("WS"), 0) : NULL;
        HINTERNET req = con ? WinHttpOpenRequest(con, L"GET", L"/echo-request", NULL, NULL, NULL, 0) : NULL;
        BOOL sent = req && WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_SCHEME_BASIC, L"user",
                                                 L"pass", NULL) && !send_receive(req, NULL, &res);
        ok(sent && res.status == 200, "direct: %lu status %lu\n", GetLastError(), res.status);
        ok(res.body[0] == '{' && !strstr(res.body, "proxy-authorization"), "direct: the server got %s\n", res.body);
        if (req) WinHttpCloseHandle(req);
        if (con) WinHttpCloseHandle(con);
        if (ses) WinHttpCloseHandle(ses);
    }
}

/* A 407 and then the server's 401 in one WinHttpSendRequest: both answered. */
static void test_proxy_then_server(void)
{
    struct pa_case c = { "PROXY_AUTH", FALSE, FALSE, CREDS_OPTIONS, 0, L"pass", L"/auth/basic" };
    INTERNET_PORT port = peer_port("WS");
    struct pa_handles h;
    struct pa_result res;

    if (!pa_open(&h, &c, port, c.path) || !apply_credentials(h.req, &c) ||
        !WinHttpSetOption(h.req, WINHTTP_OPTION_USERNAME, (void *)L"user", 4) ||
        !WinHttpSetOption(h.req, WINHTTP_OPTION_PASSWORD, (void *)L"pwd", 3))
        ok(0, "open: %lu\n", GetLastError());
    else
    {
        DWORD err = send_receive(h.req, NULL, &res);
        ok(!err && res.status == 200 && !strcmp(res.body, "Hello World"),
           "407 then 401: error %lu status %lu body '%s'\n", res.error, res.status, res.body);
    }
    pa_close(&h);
}

/* wss through a tunnel of the Digest proxy, ws as an upgrade request sent
 * to it; credentials from the options answer the 407 */
static void check_ws(BOOL secure)
{
    struct pa_case c = { "PROXY_DIGEST", secure, FALSE, CREDS_OPTIONS, 0, L"pass", NULL };
    INTERNET_PORT proxy = peer_port("PROXY_DIGEST");
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    int accepted = proxy_stat(proxy, "accepted");
    HINTERNET ws = NULL;
    struct pa_handles h;
    char buf[64];
    DWORD len = 0, err;

    if (pa_open(&h, &c, peer_port(secure ? "WSS" : "WS"), L"/echo") && apply_credentials(h.req, &c) &&
        WinHttpSetOption(h.req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0) &&
        WinHttpSendRequest(h.req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(h.req, NULL))
        ws = WinHttpWebSocketCompleteUpgrade(h.req, 0);
    ok(ws != NULL, "%s through the Digest proxy: %lu\n", secure ? "wss" : "ws", GetLastError());
    if (ws)
    {
        ok(!ws_send_text(ws, "past the proxy"), "send failed\n");
        err = ws_recv_message(ws, buf, sizeof(buf), &len, &type);
        ok(!err && len == 14 && !memcmp(buf, "past the proxy", 14), "echo: err %lu len %lu\n", err, len);
        WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0);
        WinHttpCloseHandle(ws);
    }
    ok(proxy_stat(proxy, "accepted") == accepted + 1, "%s: the credentials were not accepted\n", secure ? "wss" : "ws");
    pa_close(&h);
}

static void test_ws(void)
{
    check_ws(TRUE);
    check_ws(FALSE);
}

void proxy_auth_tests(void)
{
    if (!peer_port("PROXY_DIGEST"))
    {
        skip("the peer's Digest proxy is not running (PEER_PROXY_DIGEST_PORT unset)\n");
        return;
    }
    test_basic_proxy();
    test_digest_proxy();
    test_no_credentials();
    test_not_to_origin();
    test_proxy_then_server();
    test_ws();
}
