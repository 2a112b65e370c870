/* Credentials: WinHttpQueryAuthSchemes, WinHttpSetCredentials, the 401
 * flow with Basic and Digest (sync and async), the USERNAME/PASSWORD
 * options, against the peer's /auth/ paths (tests/peer/auth.js).
 * Expectations marked "Windows-verified" come from Wine's tests, which were
 * run on Windows (dlls/winhttp/tests/winhttp.c: test_basic_authentication,
 * test_multi_authentication, test_credentials). */
#include "notes.h"

#define WAIT_MS 20000

/* The peer's X-Auth-Problem (why it refused), "" if none. */
static const char *problem_of(HINTERNET req)
{
    static WCHAR w[256];
    static char a[256];
    DWORD size = sizeof(w);
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM, L"X-Auth-Problem", w, &size, NULL)) return "";
    WideCharToMultiByte(CP_UTF8, 0, w, -1, a, sizeof(a), NULL, NULL);
    return a;
}

/* Synchronous send + receive on an open request: the status, 0 on failure. */
static DWORD roundtrip(HINTERNET req)
{
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0)) return 0;
    if (!WinHttpReceiveResponse(req, NULL)) return 0;
    return status_of(req);
}

static BOOL open_handles(struct conn_handles *h, const WCHAR *path, BOOL async)
{
    memset(h, 0, sizeof(*h));
    h->session = async ? open_async_session() : open_session();
    if (h->session) h->connect = WinHttpConnect(h->session, peer_host(), peer_port("WS"), 0);
    if (h->connect) h->request = WinHttpOpenRequest(h->connect, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                                    WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    ok(h->request != NULL, "handles for %ls: %lu\n", path, GetLastError());
    if (!h->request) close_handles(h);
    return h->request != NULL;
}

static BOOL query_schemes(HINTERNET req, DWORD *supported, DWORD *first, DWORD *target)
{
    *supported = *first = *target = 0xdeadbeef;
    return WinHttpQueryAuthSchemes(req, supported, first, target);
}

static void test_invalid_parameters(void)
{
    DWORD supported, first, target, err;
    HINTERNET ses, con, req;
    BOOL ret;

    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryAuthSchemes(NULL, NULL, NULL, NULL) && GetLastError() == ERROR_INVALID_HANDLE,
       "NULL handle: %lu\n", GetLastError());   /* Windows-verified */
    SetLastError(0xdeadbeef);
    ret = query_schemes(NULL, &supported, &first, &target);
    ok(!ret && GetLastError() == ERROR_INVALID_HANDLE && supported == 0xdeadbeef && first == 0xdeadbeef &&
       target == 0xdeadbeef, "NULL handle: %lu\n", GetLastError());   /* Windows-verified */
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetCredentials(NULL, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL) &&
       GetLastError() == ERROR_INVALID_HANDLE, "SetCredentials NULL handle: %lu\n", GetLastError());

    ses = open_session();
    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/auth/basic", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    ok(ses && con && req, "handles: %lu\n", GetLastError());
    if (!req) goto done;

    /* the wrong handle types */
    SetLastError(0xdeadbeef);
    ret = query_schemes(ses, &supported, &first, &target);
    ok(!ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE && supported == 0xdeadbeef,
       "session handle: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ret = query_schemes(con, &supported, &first, &target);
    ok(!ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "connect handle: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetCredentials(con, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL) &&
       GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "SetCredentials on a connect handle: %lu\n", GetLastError());

    /* before any response: ERROR_INVALID_OPERATION, nothing written (Windows-verified) */
    SetLastError(0xdeadbeef);
    ret = WinHttpQueryAuthSchemes(req, NULL, NULL, NULL);
    err = GetLastError();
    ok(!ret && (err == ERROR_INVALID_PARAMETER || err == ERROR_INVALID_OPERATION), "NULL pointers: %lu\n", err);
    supported = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    ret = WinHttpQueryAuthSchemes(req, &supported, NULL, NULL);
    err = GetLastError();
    ok(!ret && (err == ERROR_INVALID_PARAMETER || err == ERROR_INVALID_OPERATION) && supported == 0xdeadbeef,
       "NULL first/target: %lu\n", err);
    SetLastError(0xdeadbeef);
    ret = query_schemes(req, &supported, &first, &target);
    ok(!ret && GetLastError() == ERROR_INVALID_OPERATION && supported == 0xdeadbeef && first == 0xdeadbeef &&
       target == 0xdeadbeef, "before sending: %lu\n", GetLastError());

    /* SetCredentials: Basic and Digest need both strings; the SSPI schemes
     * take NULL for the logged-on user (Windows-verified) */
    SetLastError(0xdeadbeef);
    ok(WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_NTLM, NULL, NULL, NULL) &&
       GetLastError() == ERROR_SUCCESS, "NTLM, NULL credentials: %lu\n", GetLastError());
    ok(WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_PASSPORT, NULL, NULL, NULL),
       "Passport, NULL credentials: %lu\n", GetLastError());
    ok(WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_NEGOTIATE, NULL, NULL, NULL),
       "Negotiate, NULL credentials: %lu\n", GetLastError());
    {
        static const struct { DWORD scheme; const WCHAR *user, *pass; } bad[] = {
            { WINHTTP_AUTH_SCHEME_DIGEST, NULL, NULL }, { WINHTTP_AUTH_SCHEME_BASIC, NULL, NULL },
            { WINHTTP_AUTH_SCHEME_BASIC, L"user", NULL }, { WINHTTP_AUTH_SCHEME_BASIC, NULL, L"pwd" },
            { WINHTTP_AUTH_SCHEME_DIGEST, L"user", NULL },
        };
        int i;
        for (i = 0; i < (int)ARRAYSIZE(bad); i++)
        {
            SetLastError(0xdeadbeef);
            ok(!WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_SERVER, bad[i].scheme, bad[i].user, bad[i].pass, NULL) &&
               GetLastError() == ERROR_INVALID_PARAMETER, "case %d: %lu\n", i, GetLastError());
        }
    }
    /* not a scheme, several schemes at once, not a target, the reserved parameter (documented) */
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_SERVER, 0, L"user", L"pwd", NULL) &&
       GetLastError() == ERROR_INVALID_PARAMETER, "scheme 0: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC | WINHTTP_AUTH_SCHEME_DIGEST,
                              L"user", L"pwd", NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
       "two schemes: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetCredentials(req, 2, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL) &&
       GetLastError() == ERROR_INVALID_PARAMETER, "target 2: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", &err) &&
       GetLastError() == ERROR_INVALID_PARAMETER, "pAuthParams: %lu\n", GetLastError());
    ok(WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_SCHEME_BASIC, L"puser", L"", NULL),
       "proxy target, empty password: %lu\n", GetLastError());
done:
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static BOOL option_is(HINTERNET h, DWORD option, const WCHAR *want)
{
    WCHAR buf[64];
    DWORD size = sizeof(buf);
    buf[0] = 0xffff;
    if (!WinHttpQueryOption(h, option, buf, &size)) return FALSE;
    return !wcscmp(buf, want) && size == wcslen(want) * sizeof(WCHAR);
}

static void test_credential_options(void)
{
    static const DWORD options[] = { WINHTTP_OPTION_USERNAME, WINHTTP_OPTION_PASSWORD,
                                     WINHTTP_OPTION_PROXY_USERNAME, WINHTTP_OPTION_PROXY_PASSWORD };
    struct conn_handles h;
    DWORD size, value;
    WCHAR buf[64];
    int i;

    if (!open_handles(&h, L"/auth/basic", FALSE)) return;
    /* empty at first: success, size 0 (Windows-verified) */
    for (i = 0; i < (int)ARRAYSIZE(options); i++)
        ok(option_is(h.request, options[i], L""), "option %lu not empty: %lu\n", options[i], GetLastError());
    /* the length counts characters: 3 of "pwd2" sets "pwd" */
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_USERNAME, (void *)L"user", 4), "USERNAME: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PASSWORD, (void *)L"pwd2", 3), "PASSWORD: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PROXY_USERNAME, (void *)L"proxyuser", 9), "PROXY_USERNAME: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PROXY_PASSWORD, (void *)L"proxypass", 9), "PROXY_PASSWORD: %lu\n", GetLastError());
    ok(option_is(h.request, WINHTTP_OPTION_USERNAME, L"user"), "USERNAME query\n");
    ok(option_is(h.request, WINHTTP_OPTION_PASSWORD, L"pwd"), "PASSWORD query\n");
    ok(option_is(h.request, WINHTTP_OPTION_PROXY_USERNAME, L"proxyuser"), "PROXY_USERNAME query\n");
    ok(option_is(h.request, WINHTTP_OPTION_PROXY_PASSWORD, L"proxypass"), "PROXY_PASSWORD query\n");
    /* NULL buffer: the size needed, with the terminating NUL */
    size = 0;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(h.request, WINHTTP_OPTION_USERNAME, NULL, &size) && GetLastError() == ERROR_INSUFFICIENT_BUFFER &&
       size == 5 * sizeof(WCHAR), "NULL buffer: %lu size %lu\n", GetLastError(), size);
    size = 2 * sizeof(WCHAR);
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(h.request, WINHTTP_OPTION_USERNAME, buf, &size) && GetLastError() == ERROR_INSUFFICIENT_BUFFER &&
       size == 5 * sizeof(WCHAR), "small buffer: %lu size %lu\n", GetLastError(), size);
    /* not on a session (the options are per request here) */
    ok(!WinHttpSetOption(h.session, WINHTTP_OPTION_USERNAME, (void *)L"user", 4), "USERNAME on a session succeeded\n");
    close_handles(&h);

    /* WinHttpSetCredentials leaves the options alone (Windows-verified) */
    if (!open_handles(&h, L"/auth/basic", FALSE)) return;
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pass", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(option_is(h.request, WINHTTP_OPTION_USERNAME, L""), "USERNAME after SetCredentials\n");
    ok(option_is(h.request, WINHTTP_OPTION_PASSWORD, L""), "PASSWORD after SetCredentials\n");

    /* the auto-logon policy: the three levels */
    for (value = WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM; value <= WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH; value++)
        ok(WinHttpSetOption(h.request, WINHTTP_OPTION_AUTOLOGON_POLICY, &value, sizeof(value)), "policy %lu: %lu\n",
           value, GetLastError());
    close_handles(&h);
}

/* 401 -> QueryAuthSchemes -> SetCredentials -> the same request again -> 200 */
static void test_basic_flow(void)
{
    DWORD supported, first, target;
    struct conn_handles h;
    char body[64];

    if (!open_handles(&h, L"/auth/basic", FALSE)) return;
    ok(roundtrip(h.request) == 401, "first answer %lu (%lu)\n", status_of(h.request), GetLastError());
    ok(read_all(h.request, body, sizeof(body)) == 12 && !strcmp(body, "Unauthorized"), "401 body '%s'\n", body);
    SetLastError(0xdeadbeef);
    ok(query_schemes(h.request, &supported, &first, &target) && GetLastError() == ERROR_SUCCESS, "QueryAuthSchemes: %lu\n",
       GetLastError());
    ok(supported == WINHTTP_AUTH_SCHEME_BASIC && first == WINHTTP_AUTH_SCHEME_BASIC && target == WINHTTP_AUTH_TARGET_SERVER,
       "schemes %#lx first %#lx target %lu\n", supported, first, target);   /* Windows-verified */
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "after SetCredentials: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    ok(read_all(h.request, body, sizeof(body)) == 11 && !strcmp(body, "Hello World"), "200 body '%s'\n", body);
    /* a 200 has no schemes (Windows-verified) */
    SetLastError(0xdeadbeef);
    ok(!query_schemes(h.request, &supported, &first, &target) && GetLastError() == ERROR_INVALID_OPERATION &&
       supported == 0xdeadbeef, "after 200: %lu\n", GetLastError());
    close_handles(&h);

    /* a wrong password: the server's 401 again reaches the application */
    if (!open_handles(&h, L"/auth/basic", FALSE)) return;
    ok(roundtrip(h.request) == 401, "first answer %lu\n", status_of(h.request));
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd2", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 401 && !strcmp(problem_of(h.request), "wrong Basic credentials"),
       "wrong password: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    ok(query_schemes(h.request, &supported, &first, &target) && supported == WINHTTP_AUTH_SCHEME_BASIC,
       "schemes after the second 401: %#lx\n", supported);
    /* then the right one on the same handle */
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "right password: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);
}

/* Credentials set before the first send go with it (Windows-verified for
 * Basic); WinHttpSetCredentials wins over the options whichever came first
 * (Windows-verified). */
static void test_credentials_first(void)
{
    struct conn_handles h;
    char body[2048];

    if (!open_handles(&h, L"/echo-request", FALSE)) return;
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "echo: %lu\n", GetLastError());
    read_all(h.request, body, sizeof(body));
    ok(strstr(body, "\"authorization\":\"Basic dXNlcjpwd2Q=\"") != NULL, "sent: %s\n", body);
    close_handles(&h);

    if (!open_handles(&h, L"/auth/basic", FALSE)) return;
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_USERNAME, (void *)L"user", 4), "USERNAME: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PASSWORD, (void *)L"pwd2", 4), "PASSWORD: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "SetCredentials then options: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);

    if (!open_handles(&h, L"/auth/basic", FALSE)) return;
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_USERNAME, (void *)L"user", 4), "USERNAME: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PASSWORD, (void *)L"pwd", 3), "PASSWORD: %lu\n", GetLastError());
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"user", L"pwd2", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 401, "options then SetCredentials: %lu\n", status_of(h.request));
    close_handles(&h);

    /* the options alone: the 401 is answered inside WinHttpReceiveResponse */
    if (!open_handles(&h, L"/auth/basic", FALSE)) return;
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_USERNAME, (void *)L"user", 4), "USERNAME: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PASSWORD, (void *)L"pwd", 3), "PASSWORD: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "options only: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    read_all(h.request, body, sizeof(body));
    ok(!strcmp(body, "Hello World"), "body '%s'\n", body);
    close_handles(&h);

    /* WINHTTP_DISABLE_AUTHENTICATION: no automatic answer (our reading of
     * "automatic authentication is disabled"; not verified on Windows) */
    if (!open_handles(&h, L"/auth/basic", FALSE)) return;
    {
        DWORD feature = WINHTTP_DISABLE_AUTHENTICATION;
        ok(WinHttpSetOption(h.request, WINHTTP_OPTION_DISABLE_FEATURE, &feature, sizeof(feature)), "disable: %lu\n",
           GetLastError());
    }
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_USERNAME, (void *)L"user", 4), "USERNAME: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PASSWORD, (void *)L"pwd", 3), "PASSWORD: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 401, "options with authentication disabled: %lu\n", status_of(h.request));
    close_handles(&h);
}

static void digest_flow(const WCHAR *path)
{
    DWORD supported, first, target;
    struct conn_handles h;
    char body[64];

    if (!open_handles(&h, path, FALSE)) return;
    ok(roundtrip(h.request) == 401, "%ls: first answer %lu\n", path, status_of(h.request));
    ok(query_schemes(h.request, &supported, &first, &target) && supported == WINHTTP_AUTH_SCHEME_DIGEST &&
       first == WINHTTP_AUTH_SCHEME_DIGEST && target == WINHTTP_AUTH_TARGET_SERVER,
       "%ls: schemes %#lx first %#lx target %lu\n", path, supported, first, target);
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_DIGEST, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "%ls: with credentials %lu (%s)\n", path, status_of(h.request), problem_of(h.request));
    ok(read_all(h.request, body, sizeof(body)) == 11, "%ls: body '%s'\n", path, body);
    /* once more on the same handle: the same nonce with the next count */
    ok(roundtrip(h.request) == 200, "%ls: again %lu (%s)\n", path, status_of(h.request), problem_of(h.request));
    close_handles(&h);
}

static void test_digest(void)
{
    struct conn_handles h;

    digest_flow(L"/auth/digest");
    digest_flow(L"/auth/digest?algorithm=MD5-sess");
    digest_flow(L"/auth/digest?algorithm=SHA-256");
    digest_flow(L"/auth/digest?algorithm=SHA-256-sess");
    /* an object name that needs escaping: the digest's uri is the target as sent */
    digest_flow(L"/auth/digest?note=a b");

    /* each nonce good for one request: the second request's 401 says
     * stale=true and is answered with the new nonce inside ReceiveResponse */
    if (!open_handles(&h, L"/auth/digest?stale=1", FALSE)) return;
    ok(roundtrip(h.request) == 401, "stale: first answer %lu\n", status_of(h.request));
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_DIGEST, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "stale: with credentials %lu (%s)\n", status_of(h.request), problem_of(h.request));
    ok(roundtrip(h.request) == 200, "stale: the used nonce %lu (%s)\n", status_of(h.request), problem_of(h.request));
    ok(roundtrip(h.request) == 200, "stale: once more %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);

    /* a wrong password: 401 again, with the peer's reason */
    if (!open_handles(&h, L"/auth/digest", FALSE)) return;
    ok(roundtrip(h.request) == 401, "first answer %lu\n", status_of(h.request));
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_DIGEST, L"user", L"wrong", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 401 && !strcmp(problem_of(h.request), "wrong response (password?)"),
       "wrong password: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);

    /* Digest credentials before the first send: the challenge is answered
     * inside WinHttpReceiveResponse */
    if (!open_handles(&h, L"/auth/digest?algorithm=SHA-256", FALSE)) return;
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_DIGEST, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "Digest set first: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);

    /* the options answer a Digest challenge too */
    if (!open_handles(&h, L"/auth/digest", FALSE)) return;
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_USERNAME, (void *)L"user", 4), "USERNAME: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PASSWORD, (void *)L"pwd", 3), "PASSWORD: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "options, Digest: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);
}

static void test_multi(void)
{
    DWORD supported, first, target;
    struct conn_handles h;

    /* Bearer, Basic, NTLM in three fields: Bearer is not a WinHTTP scheme (Windows-verified) */
    if (!open_handles(&h, L"/auth/multi-wine", FALSE)) return;
    ok(roundtrip(h.request) == 401, "multi-wine: %lu\n", status_of(h.request));
    ok(query_schemes(h.request, &supported, &first, &target), "QueryAuthSchemes: %lu\n", GetLastError());
    ok(supported == (WINHTTP_AUTH_SCHEME_BASIC | WINHTTP_AUTH_SCHEME_NTLM) && first == WINHTTP_AUTH_SCHEME_BASIC &&
       target == WINHTTP_AUTH_TARGET_SERVER, "schemes %#lx first %#lx target %lu\n", supported, first, target);
    close_handles(&h);

    /* four fields, one of them with two challenges */
    if (!open_handles(&h, L"/auth/multi", FALSE)) return;
    ok(roundtrip(h.request) == 401, "multi: %lu\n", status_of(h.request));
    ok(query_schemes(h.request, &supported, &first, &target), "QueryAuthSchemes: %lu\n", GetLastError());
    ok(supported == (WINHTTP_AUTH_SCHEME_NEGOTIATE | WINHTTP_AUTH_SCHEME_NTLM | WINHTTP_AUTH_SCHEME_DIGEST |
                     WINHTTP_AUTH_SCHEME_BASIC) && first == WINHTTP_AUTH_SCHEME_NEGOTIATE &&
       target == WINHTTP_AUTH_TARGET_SERVER, "schemes %#lx first %#lx target %lu\n", supported, first, target);
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_DIGEST, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 200, "Digest among four: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);

    /* NTLM offered but the peer cannot take it: the 401 comes back */
    if (!open_handles(&h, L"/auth/multi", FALSE)) return;
    ok(roundtrip(h.request) == 401, "multi: %lu\n", status_of(h.request));
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_NTLM, L"user", L"pwd", NULL),
       "SetCredentials NTLM: %lu\n", GetLastError());
    ok(roundtrip(h.request) == 401, "NTLM: %lu\n", status_of(h.request));
    close_handles(&h);

    /* a 407 reports the proxy target (no proxy: the peer answers as one would) */
    if (!open_handles(&h, L"/auth/proxy", FALSE)) return;
    ok(roundtrip(h.request) == 407, "proxy: %lu\n", status_of(h.request));
    ok(query_schemes(h.request, &supported, &first, &target), "QueryAuthSchemes: %lu\n", GetLastError());
    ok(supported == (WINHTTP_AUTH_SCHEME_BASIC | WINHTTP_AUTH_SCHEME_NTLM) && first == WINHTTP_AUTH_SCHEME_BASIC &&
       target == WINHTTP_AUTH_TARGET_PROXY, "schemes %#lx first %#lx target %lu\n", supported, first, target);
    close_handles(&h);
}

/* Asynchronous: the completions come as notifications. */
static DWORD async_roundtrip(HINTERNET req)
{
    int i;

    notes_reset();
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0)) return 0;
    if (note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, WAIT_MS) < 0) return 0;
    notes_reset();
    if (!WinHttpReceiveResponse(req, NULL)) return 0;
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, 0, WAIT_MS);
    if (i < 0) { trace("no HEADERS_AVAILABLE: %s\n", notes_for(req)); return 0; }
    return status_of(req);
}

static void test_async(void)
{
    DWORD supported, first, target;
    struct conn_handles h;

    if (!open_handles(&h, L"/auth/digest", TRUE)) return;
    ok(async_roundtrip(h.request) == 401, "async first answer %lu: %s\n", status_of(h.request), notes_for(h.request));
    ok(query_schemes(h.request, &supported, &first, &target) && supported == WINHTTP_AUTH_SCHEME_DIGEST,
       "async schemes %#lx: %lu\n", supported, GetLastError());
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_DIGEST, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(async_roundtrip(h.request) == 200, "async with credentials: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);

    /* the options: answered inside the one WinHttpReceiveResponse */
    if (!open_handles(&h, L"/auth/basic", TRUE)) return;
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_USERNAME, (void *)L"user", 4), "USERNAME: %lu\n", GetLastError());
    ok(WinHttpSetOption(h.request, WINHTTP_OPTION_PASSWORD, (void *)L"pwd", 3), "PASSWORD: %lu\n", GetLastError());
    ok(async_roundtrip(h.request) == 200, "async, options: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);

    /* Digest set first, answered inside ReceiveResponse, asynchronously */
    if (!open_handles(&h, L"/auth/digest?algorithm=MD5-sess", TRUE)) return;
    ok(WinHttpSetCredentials(h.request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_DIGEST, L"user", L"pwd", NULL),
       "SetCredentials: %lu\n", GetLastError());
    ok(async_roundtrip(h.request) == 200, "async, Digest first: %lu (%s)\n", status_of(h.request), problem_of(h.request));
    close_handles(&h);
}

void test_auth(void)
{
    if (!peer_port("WS")) { skip("no test peer (PEER_WS_PORT)\n"); return; }
    test_invalid_parameters();
    test_credential_options();
    test_basic_flow();
    test_credentials_first();
    test_digest();
    test_multi();
    test_async();
}
