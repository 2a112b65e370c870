/* WinHttpCrackUrl answers measured on Windows (Wine's dlls/winhttp/tests/url.c):
 * lengths needed when buffers are too small, ports ":0", ":" and ":/", a buffer
 * of no length, extra info left in the path when not asked for.  Part of the
 * crackurl group. */
#include "test.h"

static void reset(URL_COMPONENTS *uc)
{
    memset(uc, 0, sizeof(*uc));
    uc->dwStructSize = sizeof(*uc);
    uc->dwSchemeLength = uc->dwUserNameLength = uc->dwPasswordLength = ~0u;
    uc->dwHostNameLength = 1;
    uc->dwUrlPathLength = uc->dwExtraInfoLength = ~0u;
}

static void test_short_buffers(void)
{
    static const WCHAR url[] = L"http://username:password@www.winehq.org/site/about?query";
    WCHAR scheme[20], user[20], pass[20], host[40], path[80], extra[40];
    URL_COMPONENTS uc;

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszScheme = scheme;    uc.dwSchemeLength = 1;
    uc.lpszUserName = user;    uc.dwUserNameLength = 20;
    uc.lpszPassword = pass;    uc.dwPasswordLength = 20;
    uc.lpszHostName = host;    uc.dwHostNameLength = 1;
    uc.lpszUrlPath = path;     uc.dwUrlPathLength = 40;
    uc.lpszExtraInfo = extra;  uc.dwExtraInfoLength = 20;
    path[0] = 0;
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(url, 0, 0, &uc) && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "short buffers: %lu\n",
       GetLastError());
    ok(uc.dwSchemeLength == 5, "scheme length needed %lu\n", uc.dwSchemeLength);
    ok(uc.dwHostNameLength == 15, "host length needed %lu\n", uc.dwHostNameLength);
    ok(uc.dwUrlPathLength == 11 && !wcscmp(path, L"/site/about"), "path '%ls' %lu\n", path, uc.dwUrlPathLength);

    /* a buffer of no length: ERROR_INVALID_PARAMETER before anything is written */
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    wcscpy(scheme, L"keep");
    uc.lpszScheme = scheme;
    uc.dwSchemeLength = 0;
    uc.dwUserNameLength = ~0u;
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(L"http://www.winehq.org/test", 0, 0, &uc) && GetLastError() == ERROR_INVALID_PARAMETER,
       "buffer of no length: %lu\n", GetLastError());
    ok(!wcscmp(scheme, L"keep") && !uc.nScheme && !uc.nPort && uc.dwUserNameLength == ~0u && !uc.lpszUserName,
       "written anyway: '%ls' %d %u\n", scheme, uc.nScheme, uc.nPort);
}

static void test_ports(void)
{
    static const struct { const WCHAR *url; INTERNET_PORT port; } cases[] =
    {
        { L"http://winehq.org:0", 0 },
        { L"http://winehq.org:", 80 },
        { L"http://winehq.org:/", 80 },
        { L"https://winehq.org:/x", 443 },
        { L"http://username:password@www.winehq.org:42/site/about?query", 42 },
    };
    URL_COMPONENTS uc;
    size_t i;

    for (i = 0; i < ARRAYSIZE(cases); i++)
    {
        reset(&uc);
        uc.nPort = 1;
        ok(WinHttpCrackUrl(cases[i].url, 0, 0, &uc) && uc.nPort == cases[i].port, "%ls: %lu, port %u\n", cases[i].url,
           GetLastError(), uc.nPort);
    }
    reset(&uc);
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(L"http://winehq.org:65536", 0, 0, &uc) && GetLastError() == ERROR_WINHTTP_INVALID_URL,
       "port 65536: %lu\n", GetLastError());
}

static void test_parts(void)
{
    static const WCHAR k3[] = L"https://www.winehq.org/post?", k9[] = L"http://winehq?", k10[] = L"http://winehq/post;a";
    static const WCHAR k21[] = L"https://nba2k19-ws.2ksports.com:19133/nba/v4/Accounts/get_account?x=3789526775265663876";
    static const WCHAR k13[] = L"http://winehq.o g/path with spaces";
    WCHAR scheme[20], host[40], path[80];
    URL_COMPONENTS uc;

    reset(&uc);
    ok(WinHttpCrackUrl(k3, 0, 0, &uc), "%ls: %lu\n", k3, GetLastError());
    ok(uc.lpszUrlPath == k3 + 22 && uc.dwUrlPathLength == 5 && uc.lpszExtraInfo == k3 + 27 && uc.dwExtraInfoLength == 1,
       "path %lu, extra %lu\n", uc.dwUrlPathLength, uc.dwExtraInfoLength);
    reset(&uc);
    ok(WinHttpCrackUrl(k9, 0, 0, &uc), "%ls: %lu\n", k9, GetLastError());
    ok(uc.lpszUrlPath == k9 + 14 && !uc.dwUrlPathLength && uc.lpszExtraInfo == k9 + 14 && !uc.dwExtraInfoLength,
       "lone '?': path +%d %lu, extra +%d %lu\n", (int)(uc.lpszUrlPath - k9), uc.dwUrlPathLength,
       (int)(uc.lpszExtraInfo - k9), uc.dwExtraInfoLength);
    reset(&uc);
    ok(WinHttpCrackUrl(k10, 0, 0, &uc) && uc.lpszUrlPath == k10 + 13 && uc.dwUrlPathLength == 7 &&
       uc.lpszExtraInfo == k10 + 20 && !uc.dwExtraInfoLength, "';' in the path: %lu\n", uc.dwUrlPathLength);

    /* no extra-info buffer asked for: the query stays in the path */
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszScheme = scheme;  uc.dwSchemeLength = ARRAYSIZE(scheme);
    uc.lpszHostName = host;  uc.dwHostNameLength = ARRAYSIZE(host);
    uc.lpszUrlPath = path;   uc.dwUrlPathLength = ARRAYSIZE(path);
    ok(WinHttpCrackUrl(k21, 0, 0, &uc), "%ls: %lu\n", k21, GetLastError());
    ok(!wcscmp(path, k21 + 37) && uc.dwUrlPathLength == 50, "path '%ls' %lu\n", path, uc.dwUrlPathLength);
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszScheme = scheme;  uc.dwSchemeLength = ARRAYSIZE(scheme);
    uc.lpszHostName = host;  uc.dwHostNameLength = ARRAYSIZE(host);
    uc.lpszUrlPath = path;   uc.dwUrlPathLength = ARRAYSIZE(path);
    ok(WinHttpCrackUrl(k13, 0, ICU_ESCAPE | ICU_DECODE, &uc), "%ls: %lu\n", k13, GetLastError());
    ok(!wcscmp(host, L"winehq.o g"), "host '%ls'\n", host);
    ok(!wcscmp(path, L"/path%20with%20spaces") && uc.dwUrlPathLength == 21, "path '%ls' %lu\n", path, uc.dwUrlPathLength);

    /* pointers asked for everything; the extra info is empty, at the end */
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = uc.dwUserNameLength = uc.dwPasswordLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = ~0u;
    ok(WinHttpCrackUrl(L"http://www.winehq.org/test", 0, 0, &uc), "pointers: %lu\n", GetLastError());
    ok(!uc.lpszScheme && !uc.dwSchemeLength && uc.nScheme == INTERNET_SCHEME_HTTP, "scheme not asked for\n");
    ok(uc.dwUrlPathLength == 5 && uc.lpszExtraInfo && !uc.lpszExtraInfo[0] && !uc.dwExtraInfoLength,
       "path %lu extra %lu\n", uc.dwUrlPathLength, uc.dwExtraInfoLength);

    {
        static const struct { const WCHAR *url; DWORD err; } bad[] =
        {
            { L"HTTP:www.winehq.org", ERROR_WINHTTP_INVALID_URL },
            { L"http:/www.winehq.org", ERROR_WINHTTP_INVALID_URL },
            { L"www", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
            { L"http", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
            { L"http://", ERROR_WINHTTP_INVALID_URL },
        };
        size_t i;
        for (i = 0; i < ARRAYSIZE(bad); i++)
        {
            reset(&uc);
            SetLastError(0xdeadbeef);
            ok(!WinHttpCrackUrl(bad[i].url, 0, 0, &uc) && GetLastError() == bad[i].err, "%ls: %lu\n", bad[i].url,
               GetLastError());
        }
    }
}

void test_crackurl_windows(void)
{
    test_short_buffers();
    test_ports();
    test_parts();
}
