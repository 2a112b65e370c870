/* WinHttpCreateUrl (registered with the crackurl group). */
#include "test.h"

/* components for http://user:pw@example.org/a/b?x=1 (lengths left 0: measured) */
static void components(URL_COMPONENTS *uc)
{
    memset(uc, 0, sizeof(*uc));
    uc->dwStructSize = sizeof(*uc);
    uc->lpszScheme = (WCHAR *)L"http";
    uc->nScheme = INTERNET_SCHEME_HTTP;
    uc->lpszHostName = (WCHAR *)L"example.org";
    uc->nPort = 80;
    uc->lpszUserName = (WCHAR *)L"user";
    uc->lpszPassword = (WCHAR *)L"pw";
    uc->lpszUrlPath = (WCHAR *)L"/a/b";
    uc->lpszExtraInfo = (WCHAR *)L"?x=1";
}

/* CreateUrl into a large buffer: succeeds with want (length without the terminator), or fails with err */
static void check_url(const URL_COMPONENTS *uc, DWORD flags, const WCHAR *want, DWORD err, const char *what)
{
    WCHAR buf[256];
    DWORD len = ARRAYSIZE(buf);
    BOOL ret;

    SetLastError(0xdeadbeef);
    ret = WinHttpCreateUrl((URL_COMPONENTS *)uc, flags, buf, &len);
    if (want)
        ok(ret && GetLastError() == ERROR_SUCCESS && len == wcslen(want) && !wcscmp(buf, want),
           "%s: %d, error %lu, len %lu, %ls\n", what, ret, GetLastError(), len, ret ? buf : L"");
    else
        ok(!ret && GetLastError() == err, "%s: %d, error %lu (expected %lu)\n", what, ret, GetLastError(), err);
}

void test_createurl(void)
{
    static const WCHAR full[] = L"http://user:pw@example.org/a/b?x=1";
    URL_COMPONENTS uc;
    WCHAR buf[256];
    DWORD len;
    BOOL ret;

    /* parameters */
    len = 1234;
    SetLastError(0xdeadbeef);
    ok(!WinHttpCreateUrl(NULL, 0, buf, &len) && GetLastError() == ERROR_INVALID_PARAMETER && len == 1234,
       "NULL components: %lu, len %lu\n", GetLastError(), len);
    components(&uc);
    uc.dwStructSize = 0;
    check_url(&uc, 0, NULL, ERROR_INVALID_PARAMETER, "dwStructSize 0");
    components(&uc);
    SetLastError(0xdeadbeef);
    ok(!WinHttpCreateUrl(&uc, 0, buf, NULL) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL length: %lu\n",
       GetLastError());

    /* sizes: too small gives the size needed with the terminator; success the length without */
    len = 0;
    SetLastError(0xdeadbeef);
    ret = WinHttpCreateUrl(&uc, 0, NULL, &len);
    ok(!ret && GetLastError() == ERROR_INSUFFICIENT_BUFFER && len == wcslen(full) + 1, "size query: %lu, len %lu\n",
       GetLastError(), len);
    len = 100;
    SetLastError(0xdeadbeef);
    ret = WinHttpCreateUrl(&uc, 0, NULL, &len);
    ok(!ret && GetLastError() == ERROR_INVALID_PARAMETER && len == 100, "NULL buffer of 100: %lu, len %lu\n",
       GetLastError(), len);
    /* exactly the length, no room for the terminator (our reading; Wine's builtin writes it past the end) */
    len = wcslen(full);
    ret = WinHttpCreateUrl(&uc, 0, buf, &len);
    ok(!ret && GetLastError() == ERROR_INSUFFICIENT_BUFFER && len == wcslen(full) + 1, "no room for the terminator: %lu\n",
       len);
    check_url(&uc, 0, full, 0, "all components");

    /* scheme and port */
    uc.lpszScheme = (WCHAR *)L"ftp";
    check_url(&uc, 0, L"ftp://user:pw@example.org:80/a/b?x=1", 0, "the scheme string wins over nScheme");
    uc.lpszScheme = NULL;
    uc.nScheme = INTERNET_SCHEME_HTTPS;
    uc.nPort = 443;
    check_url(&uc, 0, L"https://user:pw@example.org/a/b?x=1", 0, "https, default port");
    uc.nPort = 8443;
    check_url(&uc, 0, L"https://user:pw@example.org:8443/a/b?x=1", 0, "https, port 8443");
    uc.nScheme = 0;
    uc.nPort = 0;
    check_url(&uc, 0, L"http://user:pw@example.org:0/a/b?x=1", 0, "no scheme: http, port 0 written");

    /* user name and password */
    components(&uc);
    uc.lpszPassword = NULL;
    check_url(&uc, 0, L"http://user@example.org/a/b?x=1", 0, "no password");
    uc.lpszUserName = NULL;
    check_url(&uc, 0, L"http://example.org/a/b?x=1", 0, "no user name, no password");
    uc.lpszPassword = (WCHAR *)L"pw";
    check_url(&uc, 0, NULL, ERROR_INVALID_PARAMETER, "a password without a user name");

    /* lengths are trusted when given */
    components(&uc);
    uc.dwHostNameLength = 7;
    uc.dwUrlPathLength = 2;
    check_url(&uc, 0, L"http://user:pw@example/a?x=1", 0, "given lengths");

    /* ICU_ESCAPE: path and extra info, not the other parts */
    components(&uc);
    uc.lpszUserName = (WCHAR *)L"a b";
    uc.lpszPassword = NULL;
    uc.lpszUrlPath = (WCHAR *)L"/a b<>\"#%{}|\\^[]`~";
    uc.lpszExtraInfo = (WCHAR *)L"?!$&'()*+,-./:;=?@_\r\x7f";
    check_url(&uc, ICU_ESCAPE, L"http://a b@example.org/a%20b%3C%3E%22%23%25%7B%7D%7C%5C%5E%5B%5D%60%7E"
              L"?!$&'()*+,-./:;=?@_%0D%7F", 0, "ICU_ESCAPE");
    check_url(&uc, 0, L"http://a b@example.org/a b<>\"#%{}|\\^[]`~?!$&'()*+,-./:;=?@_\r\x7f", 0, "no ICU_ESCAPE");
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszExtraInfo = (WCHAR *)L"? x";
    check_url(&uc, ICU_ESCAPE, L"http://?%20x", 0, "no host: no port");
    uc.lpszExtraInfo = (WCHAR *)L"?t=\xe9";
    check_url(&uc, 0, L"http://?t=\xe9", 0, "beyond ASCII, not escaped");
    if (GetACP() != CP_UTF8) check_url(&uc, ICU_ESCAPE, NULL, ERROR_INVALID_PARAMETER, "beyond ASCII with ICU_ESCAPE");

    /* ICU_REJECT_USERPWD: refused with a user name or a password, fine without */
    components(&uc);
    check_url(&uc, ICU_REJECT_USERPWD, NULL, ERROR_WINHTTP_INVALID_URL, "ICU_REJECT_USERPWD with user and password");
    uc.lpszPassword = NULL;
    check_url(&uc, ICU_REJECT_USERPWD, NULL, ERROR_WINHTTP_INVALID_URL, "ICU_REJECT_USERPWD with a user");
    uc.lpszUserName = (WCHAR *)L"";
    check_url(&uc, ICU_REJECT_USERPWD, L"http://@example.org/a/b?x=1", 0, "ICU_REJECT_USERPWD with an empty user");
    uc.lpszUserName = NULL;
    check_url(&uc, ICU_REJECT_USERPWD, L"http://example.org/a/b?x=1", 0, "ICU_REJECT_USERPWD without user");
}
