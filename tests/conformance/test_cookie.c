/* Cookies (issue 12 part 3): the session's store against the peer's
 * /cookie/ paths (tests/peer/cookie.js), synchronous.
 * Windows-verified (Wine's winhttp.c test_cookies): "name = value " is
 * stored as name=value; names differ by case; two cookies of one path go
 * out the later one first ("NAME=value; name=value"); a new connect handle
 * of the session still sends them, another session does not; a Cookie
 * header the application adds goes first, the store's after it in the same
 * field ("name=value2; NAME=value; name=value"); "Domain = localhost" from
 * localhost is taken.  The rest follows RFC 6265: Path and default-path,
 * host-only cookies (127.0.0.1 and localhost are two hosts), Domain
 * refused when it does not domain-match the host, Secure only over HTTPS,
 * Max-Age before Expires, deletion by Max-Age=0 or a date past, expiry on
 * the clock (Max-Age=1, checked ~2.5 s later), cookies on redirect targets,
 * on the request sent again after a 401, and on a WebSocket upgrade;
 * WINHTTP_DISABLE_COOKIES (Microsoft's documentation) for one request. */
#include <wchar.h>
#include <wctype.h>
#include "test.h"

/* The peer as two hosts for cookies: its address and its name. */
#define HOST_IP peer_host()
#define HOST_NAME peer_name()

struct reply { DWORD status, fields; char body[2048]; };

/* "/cookie/set?c=V1&c=V2..." with each value percent-encoded, then extra
 * (already encoded, may be NULL) */
static void set_path(WCHAR *out, size_t n, const WCHAR *const *values, const WCHAR *extra)
{
    size_t len = swprintf(out, n, L"/cookie/set?");
    for (; *values; values++)
    {
        const WCHAR *v = *values;
        if (out[len - 1] != '?') out[len++] = '&';
        out[len++] = 'c'; out[len++] = '=';
        for (; *v && len + 4 < n; v++)
        {
            if (iswalnum(*v)) out[len++] = *v;
            else len += swprintf(out + len, n - len, L"%%%02X", (unsigned)*v);
        }
    }
    out[len] = 0;
    if (extra) wcsncat(out, extra, n - len - 1);
}

/* "http[s]://host:port/cookie/echo" encoded for a to= parameter */
static void echo_target(WCHAR *out, size_t n, BOOL secure, const WCHAR *host, INTERNET_PORT port)
{
    swprintf(out, n, L"&status=302&to=http%ls%%3A%%2F%%2F%ls%%3A%u%%2Fcookie%%2Fecho", secure ? L"s" : L"", host, port);
}

/* One request on session ses; FALSE (with a failed check) when a call fails. */
static BOOL get(HINTERNET ses, const WCHAR *host, BOOL secure, const WCHAR *path, DWORD disable, const WCHAR *headers,
                struct reply *rep)
{
    HINTERNET con, req = NULL;
    DWORD size, read, total = 0;
    BOOL ret = FALSE;

    memset(rep, 0, sizeof(*rep));
    con = WinHttpConnect(ses, host, peer_port(secure ? "WSS" : "WS"), 0);
    ok(con != NULL, "connect %ls: %lu\n", host, GetLastError());
    if (!con) return FALSE;
    req = WinHttpOpenRequest(con, L"GET", path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                             secure ? WINHTTP_FLAG_SECURE : 0);
    if (!req) { ok(0, "open %ls: %lu\n", path, GetLastError()); goto done; }
    if (disable && !WinHttpSetOption(req, WINHTTP_OPTION_DISABLE_FEATURE, &disable, sizeof(disable)))
    {
        ok(0, "disable feature: %lu\n", GetLastError());
        goto done;
    }
    if (!WinHttpSendRequest(req, headers, headers ? ~0u : 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL))
    {
        ok(0, "%ls%ls: %lu\n", host, path, GetLastError());
        goto done;
    }
    size = sizeof(rep->status);
    WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &rep->status, &size, NULL);
    size = sizeof(rep->fields);
    WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_NUMBER, L"X-Cookie-Fields", &rep->fields, &size,
                        NULL);
    while (total + 1 < sizeof(rep->body) && WinHttpReadData(req, rep->body + total, sizeof(rep->body) - 1 - total, &read)
           && read)
        total += read;
    rep->body[total] = 0;
    ret = TRUE;
done:
    if (req) WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    return ret;
}

/* Set cookies from host (plain listener unless secure) */
static void set_cookies(HINTERNET ses, const WCHAR *host, BOOL secure, const WCHAR *const *values)
{
    WCHAR path[1024];
    struct reply rep;
    set_path(path, ARRAYSIZE(path), values, NULL);
    if (get(ses, host, secure, path, 0, NULL, &rep)) ok(rep.status == 200, "set: status %lu\n", rep.status);
}

/* What /cookie/echo[SUFFIX] on host receives */
static void check_echo_(int line, HINTERNET ses, const WCHAR *host, BOOL secure, const WCHAR *path, const char *want)
{
    struct reply rep;
    if (!get(ses, host, secure, path ? path : L"/cookie/echo", 0, NULL, &rep)) return;
    ok_(__FILE__, line, rep.status == 200 && !strcmp(rep.body, want) && rep.fields == (*want ? 1u : 0u),
        "%ls%ls: status %lu, %lu Cookie fields '%s', want '%s'\n", host, path ? path : L"/cookie/echo", rep.status,
        rep.fields, rep.body, want);
}
#define check_echo(ses, host, secure, path, want) check_echo_(__LINE__, ses, host, secure, path, want)

static void test_basic(void)
{
    static const WCHAR *const wine[] = { L"name = value ", L"NAME = value ", NULL };
    HINTERNET ses = open_session(), ses2 = open_session();
    struct reply rep;

    set_cookies(ses, HOST_IP, FALSE, wine);
    check_echo(ses, HOST_IP, FALSE, NULL, "NAME=value; name=value");
    check_echo(ses, HOST_IP, FALSE, NULL, "NAME=value; name=value");   /* still there, another connect handle */
    /* the application's header first, in the same field */
    if (get(ses, HOST_IP, FALSE, L"/cookie/echo", 0, L"Cookie: name=value2\r\n", &rep))
        ok(!strcmp(rep.body, "name=value2; NAME=value; name=value") && rep.fields == 1,
           "with the application's Cookie: %lu fields '%s'\n", rep.fields, rep.body);
    /* default-path: set from /cookie/set, the path is /cookie: nothing for /echo-request */
    if (get(ses, HOST_IP, FALSE, L"/echo-request", 0, NULL, &rep))
        ok(!strstr(rep.body, "\"cookie\""), "default-path /cookie sent to /echo-request: %.300s\n", rep.body);
    /* sessions do not share cookies */
    check_echo(ses2, HOST_IP, FALSE, NULL, "");
    WinHttpCloseHandle(ses2);
    WinHttpCloseHandle(ses);
}

static void test_attributes(void)
{
    static const WCHAR *const first[] =
    {
        L"o1=a; Path=/", L"o2=b; Path=/cookie/echo", L"o3=c; path=/cookie/echo/deep", L"o4=d; Path=/cookie/echoes",
        L"r=1", L"m=1; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        L"x=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=3600", L"f=1; Expires=Fri, 31 Dec 2255 23:59:59 GMT",
        L"p=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT", L"bad", NULL,
    };
    static const WCHAR *const second[] = { L"r=2", L"o1=; Max-Age=0; Path=/", L"x=1; Path=/cookie; Max-Age=-1",
                                           L"f=2; Expires=Sunday, 06-Nov-94 08:49:37 GMT", NULL };
    HINTERNET ses = open_session();

    set_cookies(ses, HOST_IP, FALSE, first);
    /* longer path first, then the later one first; a past Expires never stored;
     * Max-Age before Expires whatever their order */
    check_echo(ses, HOST_IP, FALSE, L"/cookie/echo/deep/1", "o3=c; o2=b; f=1; x=1; m=1; r=1; o1=a");
    check_echo(ses, HOST_IP, FALSE, L"/cookie/echo", "o2=b; f=1; x=1; m=1; r=1; o1=a");
    check_echo(ses, HOST_IP, FALSE, L"/cookie/echo/deeper", "o2=b; f=1; x=1; m=1; r=1; o1=a");
    /* replaced in place; deleted by Max-Age <= 0 and by a date past */
    set_cookies(ses, HOST_IP, FALSE, second);
    check_echo(ses, HOST_IP, FALSE, L"/cookie/echo", "o2=b; m=1; r=2");
    WinHttpCloseHandle(ses);
}

static void test_expiry(void)
{
    static const WCHAR *const values[] = { L"short=1; Max-Age=1", L"long=1; Max-Age=3600", NULL };
    HINTERNET ses = open_session();

    set_cookies(ses, HOST_IP, FALSE, values);
    Sleep(2500);
    check_echo(ses, HOST_IP, FALSE, NULL, "long=1");
    WinHttpCloseHandle(ses);
}

static void test_hosts(void)
{
    WCHAR d2[128], d3[128], d5[128], d6[128];
    const WCHAR *ip[] = { L"ip=1", d6, NULL };
    const WCHAR *lh[] = { L"lh=1", L"d1=1; Domain=example.com", d2, d3, L"d4=1; Domain=.host", d5, NULL };
    static const WCHAR *const over[] = { L"via=1; Path=/cookie/echo/deep", NULL };
    WCHAR path[1024], target[256];
    HINTERNET ses = open_session();
    INTERNET_PORT port = peer_port("WS");
    struct reply rep;

    /* the name's Domain is taken from it (Wine's test), not the address, a
     * subdomain or a single label; the address's parent is no domain */
    swprintf(d2, ARRAYSIZE(d2), L"d2=1; Domain = %ls", HOST_NAME);
    swprintf(d3, ARRAYSIZE(d3), L"d3=1; Domain=%ls", HOST_IP);
    swprintf(d5, ARRAYSIZE(d5), L"d5=1; Domain=a.%ls", HOST_NAME);
    swprintf(d6, ARRAYSIZE(d6), L"d6=1; Domain=%ls", wcschr(HOST_IP, '.') ? wcschr(HOST_IP, '.') + 1 : L"x");
    set_cookies(ses, HOST_IP, FALSE, ip);
    set_cookies(ses, HOST_NAME, FALSE, lh);
    check_echo(ses, HOST_IP, FALSE, NULL, "ip=1");
    check_echo(ses, HOST_NAME, FALSE, NULL, "d2=1; lh=1");
    /* a redirect to the other host carries that host's cookies, and the
     * cookie the 302 set stays with the host that set it */
    echo_target(target, ARRAYSIZE(target), FALSE, HOST_IP, port);
    set_path(path, ARRAYSIZE(path), (const WCHAR *const[]){ L"lh2=1", NULL }, target);
    if (get(ses, HOST_NAME, FALSE, path, 0, NULL, &rep))
        ok(rep.status == 200 && !strcmp(rep.body, "ip=1"), "name -> address: %lu '%s'\n", rep.status, rep.body);
    echo_target(target, ARRAYSIZE(target), FALSE, HOST_NAME, port);
    set_path(path, ARRAYSIZE(path), (const WCHAR *const[]){ L"ip2=1", NULL }, target);
    if (get(ses, HOST_IP, FALSE, path, 0, NULL, &rep))
        ok(rep.status == 200 && !strcmp(rep.body, "lh2=1; d2=1; lh=1"), "address -> name: %lu '%s'\n",
           rep.status, rep.body);
    check_echo(ses, HOST_IP, FALSE, NULL, "ip2=1; ip=1");
    /* across paths: the cookie a 302 sets for the target's path goes with the redirect */
    set_path(path, ARRAYSIZE(path), over, L"&status=302&to=%2Fcookie%2Fecho%2Fdeep%2Fx");
    if (get(ses, HOST_IP, FALSE, path, 0, NULL, &rep))
        ok(rep.status == 200 && !strcmp(rep.body, "via=1; ip2=1; ip=1"), "redirect across paths: %lu '%s'\n",
           rep.status, rep.body);
    WinHttpCloseHandle(ses);
}

static void test_secure(void)
{
    static const WCHAR *const values[] = { L"sec=1; Secure", L"plain=1", NULL };
    HINTERNET ses = open_session();
    WCHAR path[1024], target[256];
    struct reply rep;

    if (!peer_port("WSS")) { skip("no TLS peer\n"); WinHttpCloseHandle(ses); return; }
    set_cookies(ses, HOST_NAME, TRUE, values);
    check_echo(ses, HOST_NAME, TRUE, NULL, "plain=1; sec=1");
    check_echo(ses, HOST_NAME, FALSE, NULL, "plain=1");   /* ports do not count, Secure does */
    /* an https -> http redirect (allowed by the policy) leaves the Secure cookie behind */
    echo_target(target, ARRAYSIZE(target), FALSE, HOST_NAME, peer_port("WS"));
    set_path(path, ARRAYSIZE(path), (const WCHAR *const[]){ NULL }, target);
    {
        HINTERNET con = WinHttpConnect(ses, HOST_NAME, peer_port("WSS"), 0);
        HINTERNET req = WinHttpOpenRequest(con, L"GET", path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                           WINHTTP_FLAG_SECURE);
        DWORD policy = WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS, read = 0, total = 0;
        rep.body[0] = 0;
        if (req && WinHttpSetOption(req, WINHTTP_OPTION_REDIRECT_POLICY, &policy, sizeof(policy)) &&
            WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL))
        {
            while (total + 1 < sizeof(rep.body) && WinHttpReadData(req, rep.body + total, sizeof(rep.body) - 1 - total,
                                                                   &read) && read)
                total += read;
            rep.body[total] = 0;
            ok(!strcmp(rep.body, "plain=1"), "https -> http: '%s'\n", rep.body);
        }
        else ok(0, "https -> http redirect: %lu\n", GetLastError());
        if (req) WinHttpCloseHandle(req);
        WinHttpCloseHandle(con);
    }
    WinHttpCloseHandle(ses);
}

static void test_disable(void)
{
    static const WCHAR *const values[] = { L"kept=1", NULL };
    static const WCHAR *const ignored[] = { L"ignored=1", NULL };
    HINTERNET ses = open_session();
    WCHAR path[256];
    struct reply rep;

    set_cookies(ses, HOST_IP, FALSE, values);
    /* not stored from a request with cookies disabled */
    set_path(path, ARRAYSIZE(path), ignored, NULL);
    if (get(ses, HOST_IP, FALSE, path, WINHTTP_DISABLE_COOKIES, NULL, &rep))
        ok(rep.status == 200, "set with cookies disabled: %lu\n", rep.status);
    check_echo(ses, HOST_IP, FALSE, NULL, "kept=1");
    /* not sent either; the application's own Cookie header goes as given */
    if (get(ses, HOST_IP, FALSE, L"/cookie/echo", WINHTTP_DISABLE_COOKIES, NULL, &rep))
        ok(rep.status == 200 && !rep.fields && !rep.body[0], "disabled: %lu fields '%s'\n", rep.fields, rep.body);
    if (get(ses, HOST_IP, FALSE, L"/cookie/echo", WINHTTP_DISABLE_COOKIES, L"Cookie: mine=1\r\n", &rep))
        ok(rep.fields == 1 && !strcmp(rep.body, "mine=1"), "disabled, own header: %lu fields '%s'\n", rep.fields,
           rep.body);
    /* other features disabled leave cookies on */
    if (get(ses, HOST_IP, FALSE, L"/cookie/echo", WINHTTP_DISABLE_REDIRECTS, NULL, &rep))
        ok(!strcmp(rep.body, "kept=1"), "redirects disabled: '%s'\n", rep.body);
    WinHttpCloseHandle(ses);
}

/* the 401 sets a cookie; the request sent again with credentials carries it */
static void test_auth(void)
{
    HINTERNET ses = open_session(), con, req;
    DWORD status = 0, size = sizeof(status), read = 0, total = 0;
    char body[256];

    con = WinHttpConnect(ses, HOST_IP, peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/cookie/auth", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    if (!req || !WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL))
    {
        ok(0, "/cookie/auth: %lu\n", GetLastError());
        goto done;
    }
    WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
    ok(status == 401, "first answer %lu\n", status);
    ok(WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL),
       "set credentials: %lu\n", GetLastError());
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL))
    {
        ok(0, "/cookie/auth again: %lu\n", GetLastError());
        goto done;
    }
    size = sizeof(status);
    WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
    while (total + 1 < sizeof(body) && WinHttpReadData(req, body + total, sizeof(body) - 1 - total, &read) && read)
        total += read;
    body[total] = 0;
    ok(status == 200 && !strcmp(body, "auth=1"), "with credentials: %lu '%s'\n", status, body);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);

    /* credentials given first: ReceiveResponse answers the 401 itself, the
     * request it sends again carries the cookie the 401 set */
    ses = open_session();
    con = WinHttpConnect(ses, HOST_IP, peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/cookie/auth", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    if (!req || !WinHttpSetOption(req, WINHTTP_OPTION_USERNAME, (void *)L"user", 4) ||
        !WinHttpSetOption(req, WINHTTP_OPTION_PASSWORD, (void *)L"pwd", 3) ||
        !WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL))
    {
        ok(0, "/cookie/auth with credentials first: %lu\n", GetLastError());
        goto done;
    }
    size = sizeof(status);
    WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
    total = 0;
    while (total + 1 < sizeof(body) && WinHttpReadData(req, body + total, sizeof(body) - 1 - total, &read) && read)
        total += read;
    body[total] = 0;
    ok(status == 200 && !strcmp(body, "auth=1"), "answered by ReceiveResponse: %lu '%s'\n", status, body);
done:
    if (req) WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* the upgrade request of a WebSocket carries the session's cookies */
static void test_websocket(void)
{
    static const WCHAR *const values[] = { L"ws=1; Path=/", NULL };
    HINTERNET ses = open_session(), con, req = NULL, ws = NULL;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    char buf[4096];
    DWORD len = 0, err;

    set_cookies(ses, HOST_IP, FALSE, values);
    con = WinHttpConnect(ses, HOST_IP, peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/echo", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    if (!req || !WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0) ||
        !WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL) ||
        !(ws = WinHttpWebSocketCompleteUpgrade(req, 0)))
    {
        ok(0, "upgrade: %lu\n", GetLastError());
        goto done;
    }
    if ((err = ws_send_text(ws, "cmd:headers")) || (err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &type)))
        ok(0, "headers: %lu\n", err);
    else
    {
        buf[len] = 0;
        ok(strstr(buf, "\"cookie\":\"ws=1\"") != NULL, "upgrade request headers: %.400s\n", buf);
    }
    WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0);
done:
    if (ws) WinHttpCloseHandle(ws);
    if (req) WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

void test_cookie(void)
{
    if (!peer_port("WS")) { skip("no peer\n"); return; }
    test_basic();
    test_attributes();
    test_expiry();
    test_hosts();
    test_secure();
    test_disable();
    test_auth();
    test_websocket();
}
