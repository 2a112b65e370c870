/* WinHttpCrackUrl (and WinHttpCreateUrl, test_createurl.c). */
#include "test.h"

static void init_uc(URL_COMPONENTS *uc)
{
    memset(uc, 0, sizeof(*uc));
    uc->dwStructSize = sizeof(*uc);
    uc->dwSchemeLength = uc->dwHostNameLength = uc->dwUserNameLength = uc->dwPasswordLength = (DWORD)-1;
    uc->dwUrlPathLength = uc->dwExtraInfoLength = (DWORD)-1;
}

static BOOL part_is(const WCHAR *p, DWORD len, const WCHAR *want)
{
    return p && len == wcslen(want) && !wcsncmp(p, want, len);
}

static void test_pointer_mode(void)
{
    URL_COMPONENTS uc;
    const WCHAR *url = L"https://user:pw@example.com:8443/a/b%20c?x=1#frag";

    init_uc(&uc);
    ok(WinHttpCrackUrl(url, 0, 0, &uc), "CrackUrl failed: %lu\n", GetLastError());
    ok(uc.nScheme == INTERNET_SCHEME_HTTPS, "scheme %d\n", uc.nScheme);
    ok(part_is(uc.lpszScheme, uc.dwSchemeLength, L"https"), "scheme part\n");
    ok(part_is(uc.lpszUserName, uc.dwUserNameLength, L"user"), "user\n");
    ok(part_is(uc.lpszPassword, uc.dwPasswordLength, L"pw"), "password\n");
    ok(part_is(uc.lpszHostName, uc.dwHostNameLength, L"example.com"), "host %.*ls\n", (int)uc.dwHostNameLength, uc.lpszHostName);
    ok(uc.nPort == 8443, "port %u\n", uc.nPort);
    ok(part_is(uc.lpszUrlPath, uc.dwUrlPathLength, L"/a/b%20c"), "path %.*ls\n", (int)uc.dwUrlPathLength, uc.lpszUrlPath);
    ok(part_is(uc.lpszExtraInfo, uc.dwExtraInfoLength, L"?x=1#frag"), "extra %.*ls\n", (int)uc.dwExtraInfoLength, uc.lpszExtraInfo);
    ok(uc.lpszHostName == url + 16, "pointer mode points into the URL\n");

    init_uc(&uc);
    ok(WinHttpCrackUrl(L"http://127.0.0.1/", 0, 0, &uc), "CrackUrl failed: %lu\n", GetLastError());
    ok(uc.nScheme == INTERNET_SCHEME_HTTP && uc.nPort == 80, "scheme %d port %u\n", uc.nScheme, uc.nPort);
    ok(uc.dwUserNameLength == 0 && uc.dwPasswordLength == 0, "user %lu password %lu\n", uc.dwUserNameLength, uc.dwPasswordLength);
    init_uc(&uc);
    ok(WinHttpCrackUrl(L"https://[::1]:9000/ws", 0, 0, &uc), "IPv6 CrackUrl failed: %lu\n", GetLastError());
    ok(part_is(uc.lpszHostName, uc.dwHostNameLength, L"[::1]") || part_is(uc.lpszHostName, uc.dwHostNameLength, L"::1"),
       "IPv6 host %.*ls\n", (int)uc.dwHostNameLength, uc.lpszHostName);
    ok(uc.nPort == 9000, "IPv6 port %u\n", uc.nPort);
    init_uc(&uc);
    ok(WinHttpCrackUrl(L"https://example.com", 0, 0, &uc), "CrackUrl failed: %lu\n", GetLastError());
    ok(uc.nPort == 443 && uc.dwUrlPathLength == 0, "port %u path length %lu\n", uc.nPort, uc.dwUrlPathLength);
    /* a length of 0 asks for nothing: that component stays NULL/0, while a
     * NULL pointer with a nonzero length points into the URL */
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = 1;
    uc.dwUrlPathLength = 1;
    ok(WinHttpCrackUrl(url, 0, 0, &uc), "CrackUrl failed: %lu\n", GetLastError());
    ok(!uc.lpszScheme && !uc.dwSchemeLength, "scheme not asked for: %p %lu\n", uc.lpszScheme, uc.dwSchemeLength);
    ok(!uc.lpszUserName && !uc.dwUserNameLength, "user not asked for: %p %lu\n", uc.lpszUserName, uc.dwUserNameLength);
    ok(!uc.lpszExtraInfo && !uc.dwExtraInfoLength, "extra not asked for: %p %lu\n", uc.lpszExtraInfo, uc.dwExtraInfoLength);
    ok(uc.lpszHostName == url + 16 && uc.dwHostNameLength == 11, "host %p %lu\n", uc.lpszHostName, uc.dwHostNameLength);
    /* whether the path then runs on over the extra info the caller did not ask
     * for is not documented (WinINet does that): accept both */
    ok(uc.lpszUrlPath == url + 32 && (uc.dwUrlPathLength == 8 || uc.dwUrlPathLength == 17),
       "path %p %lu\n", uc.lpszUrlPath, uc.dwUrlPathLength);
    ok(uc.nScheme == INTERNET_SCHEME_HTTPS && uc.nPort == 8443, "scheme %d port %u\n", uc.nScheme, uc.nPort);

    /* default ports, and an explicit default port */
    init_uc(&uc);
    ok(WinHttpCrackUrl(L"http://example.com:80/x", 0, 0, &uc) && uc.nPort == 80, "http :80 -> %u\n", uc.nPort);
    init_uc(&uc);
    ok(WinHttpCrackUrl(L"https://example.com:80/x", 0, 0, &uc) && uc.nPort == 80, "https :80 -> %u\n", uc.nPort);
    init_uc(&uc);
    ok(WinHttpCrackUrl(L"HTTPS://EXAMPLE.COM/x", 0, 0, &uc) && uc.nScheme == INTERNET_SCHEME_HTTPS && uc.nPort == 443,
       "upper-case scheme: %d %u\n", uc.nScheme, uc.nPort);
    /* a user name with an empty password */
    init_uc(&uc);
    ok(WinHttpCrackUrl(L"http://alice@example.com/", 0, 0, &uc), "CrackUrl failed: %lu\n", GetLastError());
    ok(part_is(uc.lpszUserName, uc.dwUserNameLength, L"alice") && uc.dwPasswordLength == 0,
       "user %.*ls password length %lu\n", (int)uc.dwUserNameLength, uc.lpszUserName, uc.dwPasswordLength);
    ok(part_is(uc.lpszHostName, uc.dwHostNameLength, L"example.com"), "host %.*ls\n", (int)uc.dwHostNameLength, uc.lpszHostName);

    /* explicit length: the rest is ignored */
    init_uc(&uc);
    ok(WinHttpCrackUrl(L"http://host.example/pathGARBAGE", 24, 0, &uc), "CrackUrl with a length failed: %lu\n", GetLastError());
    ok(part_is(uc.lpszUrlPath, uc.dwUrlPathLength, L"/path"), "path %.*ls\n", (int)uc.dwUrlPathLength, uc.lpszUrlPath);
}

/* Copy mode for the host and path, 64 characters each. */
static void init_copy(URL_COMPONENTS *uc, WCHAR host[64], WCHAR path[64])
{
    memset(uc, 0, sizeof(*uc));
    uc->dwStructSize = sizeof(*uc);
    uc->lpszHostName = host;
    uc->dwHostNameLength = 64;
    uc->lpszUrlPath = path;
    uc->dwUrlPathLength = 64;
}

static void test_copy_mode(void)
{
    URL_COMPONENTS uc;
    WCHAR host[64], path[64], small[4];

    init_copy(&uc, host, path);
    ok(WinHttpCrackUrl(L"http://example.com:81/a%20b", 0, ICU_DECODE, &uc), "copy mode failed: %lu\n", GetLastError());
    ok(!wcscmp(host, L"example.com") && uc.dwHostNameLength == 11, "host %ls %lu\n", host, uc.dwHostNameLength);
    ok(!wcscmp(path, L"/a b") && uc.dwUrlPathLength == 4, "decoded path %ls %lu\n", path, uc.dwUrlPathLength);
    ok(uc.nPort == 81, "port %u\n", uc.nPort);

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = small;
    uc.dwHostNameLength = ARRAYSIZE(small);
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(L"http://example.com/", 0, 0, &uc) && GetLastError() == ERROR_INSUFFICIENT_BUFFER,
       "small host buffer: %lu\n", GetLastError());
    /* the length needed comes back, counting the terminating NUL (as Windows
     * does; Wine's tests check this on Windows) */
    ok(uc.dwHostNameLength == 12, "needed host length %lu\n", uc.dwHostNameLength);

    /* every part copied */
    {
        WCHAR scheme[16], user[16], pass[16], extra[32];
        memset(&uc, 0, sizeof(uc));
        uc.dwStructSize = sizeof(uc);
        uc.lpszScheme = scheme;     uc.dwSchemeLength = ARRAYSIZE(scheme);
        uc.lpszUserName = user;     uc.dwUserNameLength = ARRAYSIZE(user);
        uc.lpszPassword = pass;     uc.dwPasswordLength = ARRAYSIZE(pass);
        uc.lpszHostName = host;     uc.dwHostNameLength = ARRAYSIZE(host);
        uc.lpszUrlPath = path;      uc.dwUrlPathLength = ARRAYSIZE(path);
        uc.lpszExtraInfo = extra;   uc.dwExtraInfoLength = ARRAYSIZE(extra);
        ok(WinHttpCrackUrl(L"https://bob:secret@host.example:444/p/q?x=y", 0, 0, &uc), "copy all: %lu\n", GetLastError());
        ok(!wcscmp(scheme, L"https") && uc.dwSchemeLength == 5, "scheme %ls %lu\n", scheme, uc.dwSchemeLength);
        ok(!wcscmp(user, L"bob") && uc.dwUserNameLength == 3, "user %ls %lu\n", user, uc.dwUserNameLength);
        ok(!wcscmp(pass, L"secret") && uc.dwPasswordLength == 6, "password %ls %lu\n", pass, uc.dwPasswordLength);
        ok(!wcscmp(host, L"host.example") && uc.dwHostNameLength == 12, "host %ls %lu\n", host, uc.dwHostNameLength);
        ok(!wcscmp(path, L"/p/q") && uc.dwUrlPathLength == 4, "path %ls %lu\n", path, uc.dwUrlPathLength);
        ok(!wcscmp(extra, L"?x=y") && uc.dwExtraInfoLength == 4, "extra %ls %lu\n", extra, uc.dwExtraInfoLength);
        ok(uc.nScheme == INTERNET_SCHEME_HTTPS && uc.nPort == 444, "scheme %d port %u\n", uc.nScheme, uc.nPort);
    }

    /* ICU_DECODE "can be used only if the user provides buffers" */
    {
        URL_COMPONENTS pc;
        memset(&pc, 0, sizeof(pc));
        pc.dwStructSize = sizeof(pc);
        pc.dwHostNameLength = pc.dwUrlPathLength = (DWORD)-1;
        SetLastError(0xdeadbeef);
        ok(!WinHttpCrackUrl(L"http://example.com/a%20b", 0, ICU_DECODE, &pc) && GetLastError() == ERROR_INVALID_PARAMETER,
           "ICU_DECODE without buffers: %lu\n", GetLastError());
    }

    /* ICU_ESCAPE: unsafe characters in the path come back %xx-escaped */
    init_copy(&uc, host, path);
    ok(WinHttpCrackUrl(L"http://example.com/a b", 0, ICU_ESCAPE | ICU_DECODE, &uc), "ICU_ESCAPE failed: %lu\n", GetLastError());
    ok(!wcscmp(path, L"/a%20b") && uc.dwUrlPathLength == 6, "escaped path %ls %lu\n", path, uc.dwUrlPathLength);
}

static void test_errors(void)
{
    URL_COMPONENTS uc;

    {
        static const struct { const WCHAR *url; DWORD err; const char *what; } bad[] =
        {
            { L"ftp://example.com/", ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "ftp" },
            { L"not a url", ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "garbage" },
            { L"www.example.com", ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "no scheme" },
            { L"", ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "empty URL" },
            { L"ws://example.com/", ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "ws" },
            { L"http://example.com:99999/", ERROR_WINHTTP_INVALID_URL, "port 99999" },
            { L"http://example.com:65536/", ERROR_WINHTTP_INVALID_URL, "port 65536" },
            { L"http://", ERROR_WINHTTP_INVALID_URL, "no host" },
            { L"http:/example.com", ERROR_WINHTTP_INVALID_URL, "one slash" },
        };
        unsigned int i;
        for (i = 0; i < ARRAYSIZE(bad); i++)
        {
            init_uc(&uc);
            SetLastError(0xdeadbeef);
            ok(!WinHttpCrackUrl(bad[i].url, 0, 0, &uc) && GetLastError() == bad[i].err, "%s: %lu\n", bad[i].what, GetLastError());
        }
    }
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(NULL, 0, 0, &uc) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL url: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(L"http://example.com/", 0, 0, NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
       "NULL components: %lu\n", GetLastError());
}

void test_createurl(void);

void test_crackurl_windows(void);   /* test_crackurl_windows.c */

void test_crackurl(void)
{
    test_pointer_mode();
    test_copy_mode();
    test_errors();
    test_createurl();
    test_crackurl_windows();
}
