/* Redirects followed by WinHttpReceiveResponse: each 3xx status, method and
 * body rules, relative and absolute Location, to the TLS listener and back,
 * WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_DISABLE_REDIRECTS,
 * WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, WINHTTP_OPTION_URL and the
 * REDIRECT notification, synchronous and asynchronous, against the peer's
 * /redirect/ paths (tests/peer/redirect.js).
 * Windows-verified (Wine's notification.c, test_redirect): the order
 * RESPONSE_RECEIVED, REDIRECT, [connection], SENDING_REQUEST, REQUEST_SENT,
 * RECEIVING_RESPONSE, RESPONSE_RECEIVED (HEADERS_AVAILABLE when async), no
 * second SENDREQUEST_COMPLETE, the final status 200.  From Microsoft's
 * documentation: the default maximum of 10, the default policy
 * (no https -> http), ERROR_WINHTTP_REDIRECT_FAILED (12156). */
#include "notes.h"

#define WAIT_MS 20000

/* "/redirect/CODE?to=TARGET" with TARGET percent-encoded */
static void redirect_path(WCHAR *out, size_t n, DWORD code, const WCHAR *target)
{
    size_t len = swprintf(out, n, L"/redirect/%lu?to=", code);
    for (; *target && len + 4 < n; target++)
    {
        if (iswalnum(*target) || wcschr(L"/.-_~:", *target)) out[len++] = *target;
        else len += swprintf(out + len, n - len, L"%%%02X", (unsigned)*target);
    }
    out[len] = 0;
}

static BOOL get_url(HINTERNET req, WCHAR *buf, DWORD size)
{
    DWORD len = size;
    return WinHttpQueryOption(req, WINHTTP_OPTION_URL, buf, &len);
}

/* Synchronous: open a request on the plain (or TLS) listener with these
 * options, send (optional body), receive.  Returns TRUE if both calls
 * succeeded; *err the error otherwise. */
struct req_opts { const WCHAR *verb; const char *body; DWORD policy, max, disable; BOOL secure; };

static BOOL run_sync(struct conn_handles *h, const WCHAR *path, const struct req_opts *o, DWORD *err)
{
    DWORD len = o->body ? (DWORD)strlen(o->body) : 0;
    memset(h, 0, sizeof(*h));
    *err = 0;
    h->session = open_session();
    h->connect = WinHttpConnect(h->session, peer_host(), peer_port(o->secure ? "WSS" : "WS"), 0);
    h->request = WinHttpOpenRequest(h->connect, o->verb ? o->verb : L"GET", path, NULL, WINHTTP_NO_REFERER,
                                    WINHTTP_DEFAULT_ACCEPT_TYPES, o->secure ? WINHTTP_FLAG_SECURE : 0);
    if (!h->request) { *err = GetLastError(); ok(0, "open %ls: %lu\n", path, *err); return FALSE; }
    if (o->policy != ~0u)
        ok(WinHttpSetOption(h->request, WINHTTP_OPTION_REDIRECT_POLICY, (void *)&o->policy, sizeof(DWORD)),
           "set policy: %lu\n", GetLastError());
    if (o->max != ~0u)
        ok(WinHttpSetOption(h->request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, (void *)&o->max, sizeof(DWORD)),
           "set max: %lu\n", GetLastError());
    if (o->disable)
        ok(WinHttpSetOption(h->request, WINHTTP_OPTION_DISABLE_FEATURE, (void *)&o->disable, sizeof(DWORD)),
           "disable feature: %lu\n", GetLastError());
    if (!WinHttpSendRequest(h->request, NULL, 0, (void *)o->body, len, len, 0) ||
        !WinHttpReceiveResponse(h->request, NULL))
    {
        *err = GetLastError();
        return FALSE;
    }
    return TRUE;
}

static const struct req_opts plain_get = { NULL, NULL, ~0u, ~0u, 0, FALSE };

static void test_each_status(void)
{
    static const DWORD codes[] = { 301, 302, 303, 307, 308 };
    WCHAR path[256], url[256], want[256];
    struct conn_handles h;
    char body[2048];
    DWORD err = 0, i;

    for (i = 0; i < ARRAYSIZE(codes); i++)
    {
        redirect_path(path, ARRAYSIZE(path), codes[i], L"/echo-request?x=1");
        if (!run_sync(&h, path, &plain_get, &err)) { ok(0, "%lu: %lu\n", codes[i], err); close_handles(&h); continue; }
        ok(status_of(h.request) == 200, "%lu followed: status %lu\n", codes[i], status_of(h.request));
        read_all(h.request, body, sizeof(body));
        ok(strstr(body, "\"method\":\"GET\"") && strstr(body, "\"url\":\"/echo-request?x=1\""),
           "%lu: the peer saw %.200s\n", codes[i], body);
        swprintf(want, ARRAYSIZE(want), L"http://%ls:%u/echo-request?x=1", peer_host(), peer_port("WS"));
        ok(get_url(h.request, url, sizeof(url)) && !wcscmp(url, want), "%lu: URL %ls, want %ls\n", codes[i], url, want);
        close_handles(&h);
    }
}

/* Dot segments in the Location go before the request does (RFC 3986 5.2.4):
 * relative "../" from /redirect/302, and an absolute URL with "./" and "../" */
static void test_dot_segments(void)
{
    WCHAR path[256], target[160], url[256], want[256];
    struct conn_handles h;
    char body[2048];
    DWORD err = 0, i;

    for (i = 0; i < 2; i++)
    {
        if (i) swprintf(target, ARRAYSIZE(target), L"http://%ls:%u/a/./b/../../echo-request?dots=%lu", peer_host(),
                        peer_port("WS"), i);
        else swprintf(target, ARRAYSIZE(target), L"../x/./../echo-request?dots=%lu", i);
        redirect_path(path, ARRAYSIZE(path), 302, target);
        if (!run_sync(&h, path, &plain_get, &err)) { ok(0, "dots %lu: %lu\n", i, err); close_handles(&h); continue; }
        ok(status_of(h.request) == 200, "dots %lu: status %lu\n", i, status_of(h.request));
        read_all(h.request, body, sizeof(body));
        swprintf(want, ARRAYSIZE(want), L"\"url\":\"/echo-request?dots=%lu\"", i);
        {
            char want_a[64];
            WideCharToMultiByte(CP_UTF8, 0, want, -1, want_a, sizeof(want_a), NULL, NULL);
            ok(strstr(body, want_a) != NULL, "dots %lu: the peer saw %.200s\n", i, body);
        }
        swprintf(want, ARRAYSIZE(want), L"http://%ls:%u/echo-request?dots=%lu", peer_host(), peer_port("WS"), i);
        ok(get_url(h.request, url, sizeof(url)) && !wcscmp(url, want), "dots %lu: URL %ls, want %ls\n", i, url, want);
        close_handles(&h);
    }
}

/* 303 and a POST's 301/302 go on as GET without the body; 307/308 keep both */
static void test_post(void)
{
    static const struct { DWORD code; BOOL keep; } cases[] = { {301, FALSE}, {302, FALSE}, {303, FALSE}, {307, TRUE}, {308, TRUE} };
    struct req_opts o = { L"POST", "posted-body", ~0u, ~0u, 0, FALSE };
    struct conn_handles h;
    WCHAR path[256];
    char body[2048];
    DWORD err = 0, i;

    for (i = 0; i < ARRAYSIZE(cases); i++)
    {
        redirect_path(path, ARRAYSIZE(path), cases[i].code, L"/echo-request");
        if (!run_sync(&h, path, &o, &err)) { ok(0, "POST %lu: %lu\n", cases[i].code, err); close_handles(&h); continue; }
        ok(status_of(h.request) == 200, "POST %lu: status %lu\n", cases[i].code, status_of(h.request));
        read_all(h.request, body, sizeof(body));
        if (cases[i].keep)
            ok(strstr(body, "\"method\":\"POST\"") && strstr(body, "\"body\":\"posted-body\""),
               "POST %lu keeps method and body: %.300s\n", cases[i].code, body);
        else
            ok(strstr(body, "\"method\":\"GET\"") && strstr(body, "\"body\":\"\"") && !strstr(body, "content-length"),
               "POST %lu goes on as GET without body: %.300s\n", cases[i].code, body);
        close_handles(&h);
    }
    /* a Content-Length the application added goes with the body (RFC 9110
     * 15.4: a request changed to GET drops what described the content;
     * otherwise the server would wait for a body that never comes) */
    redirect_path(path, ARRAYSIZE(path), 303, L"/echo-request");
    memset(&h, 0, sizeof(h));
    h.session = open_session();
    h.connect = WinHttpConnect(h.session, peer_host(), peer_port("WS"), 0);
    h.request = WinHttpOpenRequest(h.connect, L"POST", path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    if (WinHttpSendRequest(h.request, L"Content-Length: 11\r\n", ~0u, (void *)"posted-body", 11, 11, 0) &&
        WinHttpReceiveResponse(h.request, NULL))
    {
        read_all(h.request, body, sizeof(body));
        ok(strstr(body, "\"method\":\"GET\"") && !strstr(body, "content-length"), "303 after POST with Content-Length: %.300s\n", body);
    }
    else ok(0, "POST 303 with Content-Length: %lu\n", GetLastError());
    close_handles(&h);
    /* 303 on a PUT: GET as well */
    o.verb = L"PUT";
    redirect_path(path, ARRAYSIZE(path), 303, L"/echo-request");
    if (run_sync(&h, path, &o, &err))
    {
        read_all(h.request, body, sizeof(body));
        ok(strstr(body, "\"method\":\"GET\"") != NULL, "PUT 303: %.200s\n", body);
    }
    else ok(0, "PUT 303: %lu\n", err);
    close_handles(&h);
}

/* relative Location ("chain?n=N-1", resolved against /redirect/chain) and
 * the count: at most WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS (default 10) */
static void test_chain_and_max(void)
{
    struct req_opts o = plain_get;
    struct conn_handles h;
    WCHAR url[256], want[256];
    char body[64];
    DWORD err = 0, max = 0, len = sizeof(max);

    h.session = open_session();
    ok(WinHttpQueryOption(h.session, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &max, &len) && max == 10,
       "default max %lu: %lu\n", max, GetLastError());
    WinHttpCloseHandle(h.session);

    ok(run_sync(&h, L"/redirect/chain?n=10", &o, &err) && status_of(h.request) == 200, "10 redirects: %lu %lu\n", err,
       status_of(h.request));
    if (h.request)
    {
        read_all(h.request, body, sizeof(body));
        ok(!strcmp(body, "chain end"), "body %s\n", body);
        swprintf(want, ARRAYSIZE(want), L"http://%ls:%u/redirect/chain?n=0", peer_host(), peer_port("WS"));
        ok(get_url(h.request, url, sizeof(url)) && !wcscmp(url, want), "URL %ls, want %ls\n", url, want);
    }
    close_handles(&h);

    ok(!run_sync(&h, L"/redirect/chain?n=11", &o, &err) && err == ERROR_WINHTTP_REDIRECT_FAILED,
       "11 redirects: %lu, want ERROR_WINHTTP_REDIRECT_FAILED\n", err);
    close_handles(&h);

    o.max = 2;
    ok(run_sync(&h, L"/redirect/chain?n=2", &o, &err) && status_of(h.request) == 200, "max 2, 2 redirects: %lu\n", err);
    close_handles(&h);
    ok(!run_sync(&h, L"/redirect/chain?n=3", &o, &err) && err == ERROR_WINHTTP_REDIRECT_FAILED,
       "max 2, 3 redirects: %lu\n", err);
    close_handles(&h);
    o.max = 0;
    ok(!run_sync(&h, L"/redirect/chain?n=1", &o, &err) && err == ERROR_WINHTTP_REDIRECT_FAILED,
       "max 0, 1 redirect: %lu\n", err);
    close_handles(&h);
}

/* the 3xx itself reaches the application */
static void check_not_followed(const WCHAR *path, const struct req_opts *o, DWORD code, const char *what)
{
    struct conn_handles h;
    WCHAR loc[256];
    DWORD err = 0, size = sizeof(loc);
    char body[64];

    if (!run_sync(&h, path, o, &err)) { ok(0, "%s: %lu\n", what, err); close_handles(&h); return; }
    ok(status_of(h.request) == code, "%s: status %lu, want %lu\n", what, status_of(h.request), code);
    ok(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_LOCATION, NULL, loc, &size, NULL) || code == 301,
       "%s: Location: %lu\n", what, GetLastError());
    read_all(h.request, body, sizeof(body));
    ok(!strncmp(body, code == 301 ? "no location" : "redirect", 8), "%s: body %s\n", what, body);
    close_handles(&h);
}

static void test_policy(void)
{
    struct req_opts o = plain_get;
    struct conn_handles h;
    WCHAR path[256], target[128], url[256];
    char body[2048];
    DWORD err = 0;

    redirect_path(path, ARRAYSIZE(path), 302, L"/echo-request");
    o.policy = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
    check_not_followed(path, &o, 302, "policy NEVER");
    o.policy = ~0u;
    o.disable = WINHTTP_DISABLE_REDIRECTS;
    check_not_followed(path, &o, 302, "WINHTTP_DISABLE_REDIRECTS");
    o.disable = 0;
    check_not_followed(L"/redirect/none/301", &o, 301, "301 without Location");

    /* http -> https (another listener): followed by default */
    swprintf(target, ARRAYSIZE(target), L"https://%ls:%u/echo-request?tls=1", peer_host(), peer_port("WSS"));
    redirect_path(path, ARRAYSIZE(path), 307, target);
    if (run_sync(&h, path, &o, &err))
    {
        ok(status_of(h.request) == 200, "http -> https: %lu\n", status_of(h.request));
        ok(get_url(h.request, url, sizeof(url)) && !wcscmp(url, target), "http -> https URL %ls\n", url);
        read_all(h.request, body, sizeof(body));
        ok(strstr(body, "\"url\":\"/echo-request?tls=1\"") != NULL, "http -> https: %.200s\n", body);
    }
    else ok(0, "http -> https: %lu\n", err);
    close_handles(&h);

    /* https -> http: not by default, with ALWAYS yes */
    swprintf(target, ARRAYSIZE(target), L"http://%ls:%u/echo-request?back=1", peer_host(), peer_port("WS"));
    redirect_path(path, ARRAYSIZE(path), 302, target);
    o.secure = TRUE;
    check_not_followed(path, &o, 302, "https -> http, default policy");
    o.policy = WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS;
    if (run_sync(&h, path, &o, &err))
    {
        ok(status_of(h.request) == 200, "https -> http, ALWAYS: %lu\n", status_of(h.request));
        ok(get_url(h.request, url, sizeof(url)) && !wcscmp(url, target), "https -> http URL %ls\n", url);
    }
    else ok(0, "https -> http, ALWAYS: %lu\n", err);
    close_handles(&h);
}

/* ---- notifications ---- */

static WCHAR sync_redirect_url[256];
static char sync_order[1024];

static void CALLBACK sync_callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    const char *name = NULL;
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_REDIRECT:
        name = "REDIRECT";
        if (info && len >= sizeof(WCHAR)) lstrcpynW(sync_redirect_url, info, ARRAYSIZE(sync_redirect_url));
        break;
    case WINHTTP_CALLBACK_STATUS_SENDING_REQUEST: name = "SENDING_REQUEST"; break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_SENT: name = "REQUEST_SENT"; break;
    case WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE: name = "RECEIVING_RESPONSE"; break;
    case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED: name = "RESPONSE_RECEIVED"; break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE: name = "HEADERS_AVAILABLE"; break;
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE: name = "SENDREQUEST_COMPLETE"; break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: name = "REQUEST_ERROR"; break;
    }
    if (name && strlen(sync_order) + strlen(name) + 2 < sizeof(sync_order))
    {
        if (sync_order[0]) strcat(sync_order, ",");
        strcat(sync_order, name);
    }
}

static const char expected_order[] =
    "RECEIVING_RESPONSE,RESPONSE_RECEIVED,REDIRECT,SENDING_REQUEST,REQUEST_SENT,RECEIVING_RESPONSE,RESPONSE_RECEIVED";

static void test_notifications_sync(void)
{
    struct conn_handles h;
    WCHAR path[256], want[256];

    memset(&h, 0, sizeof(h));
    redirect_path(path, ARRAYSIZE(path), 302, L"/echo-request?n=1");
    h.session = open_session();
    WinHttpSetStatusCallback(h.session, sync_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    h.connect = WinHttpConnect(h.session, peer_host(), peer_port("WS"), 0);
    h.request = WinHttpOpenRequest(h.connect, L"GET", path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), "send: %lu\n", GetLastError());
    sync_order[0] = 0;
    sync_redirect_url[0] = 0;
    ok(WinHttpReceiveResponse(h.request, NULL), "receive: %lu\n", GetLastError());
    ok(!strcmp(sync_order, expected_order), "sync order %s\n", sync_order);
    swprintf(want, ARRAYSIZE(want), L"http://%ls:%u/echo-request?n=1", peer_host(), peer_port("WS"));
    ok(!wcscmp(sync_redirect_url, want), "REDIRECT with %ls, want %ls\n", sync_redirect_url, want);
    ok(status_of(h.request) == 200, "status %lu\n", status_of(h.request));
    close_handles(&h);
}

/* the notes for h without the connection's (Windows may reuse it) */
static void order_without_connection(HINTERNET h, char *out, size_t n)
{
    const char *all = notes_for(h), *p = all;
    out[0] = 0;
    while (*p)
    {
        size_t len = strcspn(p, ",");
        if (!(len == 14 && !strncmp(p, "RESOLVING_NAME", 14)) && !(len == 13 && !strncmp(p, "NAME_RESOLVED", 13)) &&
            !(len == 20 && !strncmp(p, "CONNECTING_TO_SERVER", 20)) &&
            !(len == 19 && !strncmp(p, "CONNECTED_TO_SERVER", 19)) && strlen(out) + len + 2 < n)
        {
            if (out[0]) strcat(out, ",");
            strncat(out, p, len);
        }
        p += len;
        if (*p) p++;
    }
}

static void test_notifications_async(void)
{
    struct conn_handles h;
    WCHAR path[256], want[64];
    char order[1024];
    struct note n;
    int i;
    DWORD max = 1, body_len = 4;

    memset(&h, 0, sizeof(h));
    redirect_path(path, ARRAYSIZE(path), 307, L"/echo-request");
    h.session = open_async_session();
    h.connect = WinHttpConnect(h.session, peer_host(), peer_port("WS"), 0);
    h.request = WinHttpOpenRequest(h.connect, L"POST", path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    notes_reset();
    ok(WinHttpSendRequest(h.request, NULL, 0, (void *)"abcd", body_len, body_len, 0), "send: %lu\n", GetLastError());
    ok(note_wait(h.request, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, WAIT_MS) >= 0, "no SENDREQUEST_COMPLETE\n");
    notes_reset();
    ok(WinHttpReceiveResponse(h.request, NULL), "receive: %lu\n", GetLastError());
    i = note_wait(h.request, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, 0, WAIT_MS);
    ok(i >= 0, "no HEADERS_AVAILABLE: %s\n", notes_for(h.request));
    order_without_connection(h.request, order, sizeof(order));
    ok(!strcmp(order, "RECEIVING_RESPONSE,RESPONSE_RECEIVED,REDIRECT,SENDING_REQUEST,REQUEST_SENT,"
                      "RECEIVING_RESPONSE,RESPONSE_RECEIVED,HEADERS_AVAILABLE"), "async order %s\n", order);
    swprintf(want, ARRAYSIZE(want), L"http://%ls:%u/echo-request", peer_host(), peer_port("WS"));
    for (i = 0; note_get(i, &n); i++)
        if (n.handle == h.request && n.status == WINHTTP_CALLBACK_STATUS_REDIRECT) break;
    ok(n.status == WINHTTP_CALLBACK_STATUS_REDIRECT && n.len &&
       !memcmp(n.info, want, min(sizeof(n.info), wcslen(want) * sizeof(WCHAR))), "REDIRECT info (%lu bytes)\n", n.len);
    ok(status_of(h.request) == 200, "async 307: %lu\n", status_of(h.request));
    {
        char body[2048];
        DWORD avail = 0, read = 0, total = 0;
        notes_reset();
        /* read the echo (async: wait READ_COMPLETE each time) */
        for (;;)
        {
            int at = notes_count();
            if (!WinHttpReadData(h.request, body + total, sizeof(body) - 1 - total, NULL)) break;
            if ((i = note_wait(h.request, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, at, WAIT_MS)) < 0) break;
            note_get(i, &n);
            read = n.len;
            if (!read) break;
            total += read;
        }
        body[total] = 0;
        (void)avail;
        ok(strstr(body, "\"method\":\"POST\"") && strstr(body, "\"body\":\"abcd\""), "async 307 POST: %.300s\n", body);
    }
    close_handles(&h);

    /* async: too many redirects end with REQUEST_ERROR */
    h.session = open_async_session();
    h.connect = WinHttpConnect(h.session, peer_host(), peer_port("WS"), 0);
    h.request = WinHttpOpenRequest(h.connect, L"GET", L"/redirect/chain?n=2", NULL, WINHTTP_NO_REFERER,
                                   WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    WinHttpSetOption(h.request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &max, sizeof(max));
    notes_reset();
    ok(WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0), "send: %lu\n", GetLastError());
    ok(note_wait(h.request, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, WAIT_MS) >= 0, "no SENDREQUEST_COMPLETE\n");
    notes_reset();
    ok(WinHttpReceiveResponse(h.request, NULL), "receive: %lu\n", GetLastError());
    i = note_wait(h.request, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, WAIT_MS);
    ok(i >= 0 && note_get(i, &n) && ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult == API_RECEIVE_RESPONSE &&
       ((WINHTTP_ASYNC_RESULT *)n.info)->dwError == ERROR_WINHTTP_REDIRECT_FAILED,
       "async max exceeded: %s\n", notes_for(h.request));
    close_handles(&h);
}

/* Credentials set for the connect handle's server are not offered to
 * another server a redirect leads to ("localhost" is another name than
 * "127.0.0.1"); a redirect on the same server keeps them. */
static void test_credentials_stay(void)
{
    struct conn_handles h;
    WCHAR path[512], target[256];
    char body[4096];
    DWORD err, i;

    for (i = 0; i < 2; i++)
    {
        memset(&h, 0, sizeof(h));
        if (i) swprintf(target, ARRAYSIZE(target), L"http://%ls:%u/echo-request?other=1", peer_name(), peer_port("WS"));
        else swprintf(target, ARRAYSIZE(target), L"http://%ls:%u/echo-request?same=1", peer_host(), peer_port("WS"));
        redirect_path(path, ARRAYSIZE(path), 302, target);
        h.session = open_session();
        h.connect = WinHttpConnect(h.session, peer_host(), peer_port("WS"), 0);
        h.request = WinHttpOpenRequest(h.connect, L"GET", path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
        ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"secret",
                                 NULL), "SetCredentials: %lu\n", GetLastError());
        err = WinHttpSendRequest(h.request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(h.request, NULL)
              ? 0 : GetLastError();
        ok(!err && status_of(h.request) == 200, "%s server: %lu status %lu\n", i ? "other" : "same", err,
           status_of(h.request));
        read_all(h.request, body, sizeof(body));
        if (i) ok(!strstr(body, "authorization") && !strstr(body, "Authorization"),
                  "credentials went to another server: %.300s\n", body);
        else ok(strstr(body, "Basic dXNlcjpzZWNyZXQ=") != NULL, "credentials lost on the same server: %.300s\n", body);
        close_handles(&h);
    }
}

void test_redirect(void)
{
    if (!peer_port("WS") || !peer_port("WSS")) { skip("no peer (PEER_WS_PORT/PEER_WSS_PORT)\n"); return; }
    test_each_status();
    test_dot_segments();
    test_post();
    test_chain_and_max();
    test_policy();
    test_notifications_sync();
    test_notifications_async();
    test_credentials_stay();
    /* a redirect answering a WebSocket upgrade request: what Windows does is
     * not known from any Windows-verified source; not tested */
    skip("redirect of an upgrade request: Windows' behaviour unknown\n");
}
