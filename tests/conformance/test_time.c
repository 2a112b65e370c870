/* WinHttpTimeFromSystemTime / WinHttpTimeToSystemTime. */
#include "test.h"

static void check_parse(const WCHAR *s, const SYSTEMTIME *want)
{
    SYSTEMTIME t;
    BOOL ret;

    memset(&t, 0xcc, sizeof(t));
    SetLastError(0xdeadbeef);
    ret = WinHttpTimeToSystemTime(s, &t);
    ok(ret && GetLastError() == ERROR_SUCCESS, "%ls: %d, error %lu\n", s, ret, GetLastError());
    ok(!memcmp(&t, want, sizeof(t)), "%ls: %u-%u-%u (%u) %u:%u:%u.%u\n", s, t.wYear, t.wMonth, t.wDay, t.wDayOfWeek,
       t.wHour, t.wMinute, t.wSecond, t.wMilliseconds);
}

void test_time(void)
{
    static const SYSTEMTIME jul2008 = { 2008, 7, 1, 28, 10, 5, 52, 0 }, nov1994 = { 1994, 11, 0, 6, 8, 49, 37, 0 };
    SYSTEMTIME t = jul2008;
    WCHAR buf[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR) + 1];
    BOOL ret;

    /* Windows-verified (Wine's tests): the format, the null checks, the last error */
    memset(buf, 0xcc, sizeof(buf));
    SetLastError(0xdeadbeef);
    ret = WinHttpTimeFromSystemTime(&t, buf);
    ok(ret && GetLastError() == ERROR_SUCCESS && !wcscmp(buf, L"Mon, 28 Jul 2008 10:05:52 GMT"),
       "TimeFromSystemTime: %d, %lu, %ls\n", ret, GetLastError(), buf);
    SetLastError(0xdeadbeef);
    ok(!WinHttpTimeFromSystemTime(&t, NULL) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL buffer: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpTimeFromSystemTime(NULL, buf) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL time: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpTimeToSystemTime(L"Mon, 28 Jul 2008 10:05:52 GMT", NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
       "NULL SYSTEMTIME: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpTimeToSystemTime(NULL, &t) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL string: %lu\n",
       GetLastError());
    check_parse(L"Mon, 28 Jul 2008 10:05:52 GMT\n", &jul2008);
    check_parse(L" mon 28 jul 2008 10 05 52\n", &jul2008);
    /* RFC 9110's other two formats (our reading: not checked on Windows; Wine's builtin
     * takes "94" as the year 94 and does not parse asctime dates) */
    check_parse(L"Sunday, 06-Nov-94 08:49:37 GMT", &nov1994);
    check_parse(L"Sun Nov  6 08:49:37 1994", &nov1994);
    /* round trip */
    ok(WinHttpTimeFromSystemTime(&nov1994, buf) && !wcscmp(buf, L"Sun, 06 Nov 1994 08:49:37 GMT"), "%ls\n", buf);
    check_parse(buf, &nov1994);
}
