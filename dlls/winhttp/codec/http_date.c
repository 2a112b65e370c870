/* HTTP dates: see include/codec/http_date.h. */
#include "codec/http_date.h"

static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static char *put2(char *p, int v)
{
    *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

static char *put_str(char *p, const char *s)
{
    while (*s) *p++ = *s++;
    return p;
}

size_t http_date_format(const http_date *d, char *out)
{
    char *p = out;

    if (d->day_of_week < 0 || d->day_of_week > 6 || d->month < 1 || d->month > 12 || d->day < 1 || d->day > 31
        || d->year < 0 || d->year > 9999 || d->hour < 0 || d->hour > 23 || d->minute < 0 || d->minute > 59
        || d->second < 0 || d->second > 60)
        return 0;
    p = put_str(p, days[d->day_of_week]);
    p = put_str(p, ", ");
    p = put2(p, d->day);
    *p++ = ' ';
    p = put_str(p, months[d->month - 1]);
    *p++ = ' ';
    p = put2(p, d->year / 100);
    p = put2(p, d->year);
    *p++ = ' ';
    p = put2(p, d->hour);
    *p++ = ':';
    p = put2(p, d->minute);
    *p++ = ':';
    p = put2(p, d->second);
    p = put_str(p, " GMT");
    *p = 0;
    return (size_t)(p - out);
}

int http_date_weekday(int year, int month, int day)
{
    static const int t[12] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
    if (month < 3) year--;
    return (year + year / 4 - year / 100 + year / 400 + t[month - 1] + day) % 7;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int is_alpha(int c) { c = lower(c); return c >= 'a' && c <= 'z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* index of a 3-letter name (case-blind, on the first three letters) or -1 */
static int find_name(const char (*names)[4], int count, const char *w, size_t n)
{
    int i;
    if (n < 3) return -1;
    for (i = 0; i < count; i++)
        if (lower(w[0]) == lower(names[i][0]) && lower(w[1]) == lower(names[i][1]) && lower(w[2]) == lower(names[i][2]))
            return i;
    return -1;
}

int http_date_parse(const char *s, size_t len, http_date *d)
{
    long nums[6];
    int nnum = 0, month = -1, month_first = 0;
    size_t i = 0;

    while (i < len)
    {
        size_t start = i;
        if (is_digit(s[i]))
        {
            long v = 0;
            while (i < len && is_digit(s[i]) && v < 100000) v = v * 10 + (s[i++] - '0');
            if (i < len && is_digit(s[i])) return -1;
            if (nnum == 6) return -1;
            nums[nnum++] = v;
        }
        else if (is_alpha(s[i]))
        {
            int m;
            while (i < len && is_alpha(s[i])) i++;
            if ((m = find_name(months, 12, s + start, i - start)) >= 0 && month < 0)
            {
                month = m;
                month_first = nnum == 0;
            }
            else if (find_name(days, 7, s + start, i - start) < 0 && !(i - start == 3 && lower(s[start]) == 'g'
                     && lower(s[start + 1]) == 'm' && lower(s[start + 2]) == 't') && !(i - start == 3
                     && lower(s[start]) == 'u' && lower(s[start + 1]) == 't' && lower(s[start + 2]) == 'c'))
                return -1;  /* a word that is no day, month or zone */
        }
        else if (s[i] == ' ' || s[i] == '\t' || s[i] == ',' || s[i] == ':' || s[i] == '-' || s[i] == '\r'
                 || s[i] == '\n')
            i++;
        else if (!s[i])
            break;
        else
            return -1;
    }
    if (month < 0 || nnum != 5) return -1;
    d->month = month + 1;
    if (month_first)
    {
        /* asctime: day hh mm ss year */
        d->day = (int)nums[0]; d->hour = (int)nums[1]; d->minute = (int)nums[2]; d->second = (int)nums[3];
        d->year = (int)nums[4];
    }
    else
    {
        /* IMF-fixdate, RFC 850: day year hh mm ss */
        d->day = (int)nums[0]; d->year = (int)nums[1]; d->hour = (int)nums[2]; d->minute = (int)nums[3];
        d->second = (int)nums[4];
    }
    if (d->year < 100) d->year += d->year < 50 ? 2000 : 1900;  /* RFC 9110: two-digit years */
    if (d->day < 1 || d->day > 31 || d->hour > 23 || d->minute > 59 || d->second > 60 || d->year > 9999) return -1;
    d->day_of_week = http_date_weekday(d->year, d->month, d->day);
    return 0;
}
