/* WinHttpCrackUrl. */
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
    /* explicit length: the rest is ignored */
    init_uc(&uc);
    ok(WinHttpCrackUrl(L"http://host.example/pathGARBAGE", 24, 0, &uc), "CrackUrl with a length failed: %lu\n", GetLastError());
    ok(part_is(uc.lpszUrlPath, uc.dwUrlPathLength, L"/path"), "path %.*ls\n", (int)uc.dwUrlPathLength, uc.lpszUrlPath);
}

static void test_copy_mode(void)
{
    URL_COMPONENTS uc;
    WCHAR host[64], path[64], small[4];

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = host;
    uc.dwHostNameLength = ARRAYSIZE(host);
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = ARRAYSIZE(path);
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
}

static void test_errors(void)
{
    URL_COMPONENTS uc;

    init_uc(&uc);
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(L"ftp://example.com/", 0, 0, &uc) && GetLastError() == ERROR_WINHTTP_UNRECOGNIZED_SCHEME,
       "ftp: %lu\n", GetLastError());
    init_uc(&uc);
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(L"not a url", 0, 0, &uc) && GetLastError() == ERROR_WINHTTP_UNRECOGNIZED_SCHEME,
       "garbage: %lu\n", GetLastError());
    init_uc(&uc);
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(L"http://example.com:99999/", 0, 0, &uc) && GetLastError() == ERROR_WINHTTP_INVALID_URL,
       "port 99999: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(NULL, 0, 0, &uc) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL url: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpCrackUrl(L"http://example.com/", 0, 0, NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
       "NULL components: %lu\n", GetLastError());
}

void test_crackurl(void)
{
    test_pointer_mode();
    test_copy_mode();
    test_errors();
}
