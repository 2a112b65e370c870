/* Host unit tests of the HTTP date codec (codec/http_date.c). */
#include <string.h>
#include "check.h"
#include "codec/http_date.h"

static int parse(const char *s, http_date *d) { return http_date_parse(s, strlen(s), d); }

static void check_date(const char *s, int y, int mo, int dw, int da, int h, int mi, int se)
{
    http_date d;
    int rc = parse(s, &d);
    CHECKF(!rc && d.year == y && d.month == mo && d.day_of_week == dw && d.day == da && d.hour == h && d.minute == mi
           && d.second == se, "'%s': rc %d, %d-%d-%d (%d) %d:%d:%d", s, rc, d.year, d.month, d.day, d.day_of_week,
           d.hour, d.minute, d.second);
}

void test_http_date(void)
{
    static const char *const bad[] =
    {
        "", "Mon", "Mon, 28 Jul 2008", "28 2008 10:05:52", "Mon, 28 Foo 2008 10:05:52 GMT",
        "Mon, 28 Jul 2008 10:05:52 GMT extra", "Mon, 32 Jul 2008 10:05:52 GMT", "Mon, 28 Jul 2008 24:00:00 GMT",
        "Mon, 28 Jul 2008 10:60:00 GMT", "Mon, 28 Jul 2008 10:05:52 GMT 7", "Mon, 28 Jul 2008 10:05:52 +0000",
        "Mon, 28 Jul 20080 10:05:52 GMT", "Mon; 28 Jul 2008 10:05:52 GMT",
    };
    http_date d = { 2008, 7, 1, 28, 10, 5, 52 }, e;
    char out[HTTP_DATE_LEN + 1];
    int y, m, day, ok_all = 1;
    size_t i;

    /* the format Windows writes (checked on Windows by Wine's tests) */
    CHECK_EQ(http_date_format(&d, out), HTTP_DATE_LEN);
    CHECK(!strcmp(out, "Mon, 28 Jul 2008 10:05:52 GMT"));
    d.year = 905; d.day = 1; d.hour = 0; d.minute = 0; d.second = 0; d.day_of_week = 0;
    CHECK_EQ(http_date_format(&d, out), HTTP_DATE_LEN);
    CHECK(!strcmp(out, "Sun, 01 Jul 0905 00:00:00 GMT"));
    d.month = 13;
    CHECK_EQ(http_date_format(&d, out), 0);
    d.month = 7; d.day_of_week = 7;
    CHECK_EQ(http_date_format(&d, out), 0);

    /* RFC 9110's three formats, and what Windows accepts (Wine's tests) */
    check_date("Sun, 06 Nov 1994 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    check_date("Sunday, 06-Nov-94 08:49:37 GMT", 1994, 11, 0, 6, 8, 49, 37);
    check_date("Sun Nov  6 08:49:37 1994", 1994, 11, 0, 6, 8, 49, 37);
    check_date("Mon, 28 Jul 2008 10:05:52 GMT\n", 2008, 7, 1, 28, 10, 5, 52);
    check_date(" mon 28 jul 2008 10 05 52\n", 2008, 7, 1, 28, 10, 5, 52);
    check_date("28 JULY 2008 10:05:52", 2008, 7, 1, 28, 10, 5, 52);
    check_date("Thursday, 01-Jan-70 00:00:00 GMT", 1970, 1, 4, 1, 0, 0, 0);
    check_date("Saturday, 01-Jan-00 00:00:00 GMT", 2000, 1, 6, 1, 0, 0, 0);
    check_date("Thu, 31 Dec 2099 23:59:60 UTC", 2099, 12, 4, 31, 23, 59, 60);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) CHECKF(parse(bad[i], &e) == -1, "'%s' accepted", bad[i]);
    CHECK_EQ(http_date_parse("Mon, 28 Jul 2008 10:05:52 GMT", 16, &e), -1);  /* cut short */

    /* weekdays, and format/parse round trips over four centuries of days */
    CHECK_EQ(http_date_weekday(2000, 2, 29), 2);
    CHECK_EQ(http_date_weekday(1900, 3, 1), 4);
    for (y = 1900, day = 0; y < 2300; y += 3)
        for (m = 1; m <= 12; m++, day = (day + 7) % 28)
        {
            d.year = y; d.month = m; d.day = day + 1; d.hour = (y + m) % 24; d.minute = m * 4; d.second = y % 60;
            d.day_of_week = http_date_weekday(y, m, d.day);
            if (!http_date_format(&d, out) || parse(out, &e) || memcmp(&d, &e, sizeof(d))) ok_all = 0;
        }
    CHECKF(ok_all, "round trip");
}
