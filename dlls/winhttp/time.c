/* WinHttpTimeFromSystemTime and WinHttpTimeToSystemTime (codec/http_date.c). */
#include "private.h"
#include "codec/http_date.h"

BOOL WINAPI WinHttpTimeFromSystemTime(const SYSTEMTIME *time, LPWSTR string)
{
    char buf[HTTP_DATE_LEN + 1];
    http_date d;
    size_t i, n;

    TRACE("%p, %p\n", time, string);
    if (!time || !string) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    d.year = time->wYear;
    d.month = time->wMonth;
    d.day_of_week = time->wDayOfWeek;
    d.day = time->wDay;
    d.hour = time->wHour;
    d.minute = time->wMinute;
    d.second = time->wSecond;
    if (!(n = http_date_format(&d, buf))) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    for (i = 0; i <= n; i++) string[i] = (WCHAR)(unsigned char)buf[i];
    set_error(ERROR_SUCCESS);
    return TRUE;
}

BOOL WINAPI WinHttpTimeToSystemTime(LPCWSTR string, SYSTEMTIME *time)
{
    char buf[128];
    http_date d;
    size_t n;

    TRACE("%s, %p\n", dbg_w(string), time);
    if (!string || !time) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    for (n = 0; string[n] && n < sizeof(buf); n++)
    {
        if (string[n] > 0x7f) break;
        buf[n] = (char)string[n];
    }
    if ((string[n] && n < sizeof(buf)) || n == sizeof(buf) || http_date_parse(buf, n, &d))
    {
        set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    time->wYear = (WORD)d.year;
    time->wMonth = (WORD)d.month;
    time->wDayOfWeek = (WORD)d.day_of_week;
    time->wDay = (WORD)d.day;
    time->wHour = (WORD)d.hour;
    time->wMinute = (WORD)d.minute;
    time->wSecond = (WORD)d.second;
    time->wMilliseconds = 0;
    set_error(ERROR_SUCCESS);
    return TRUE;
}
