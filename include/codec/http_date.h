/* HTTP dates (RFC 9110 5.6.7), pure C11: Windows' WinHttpTimeFromSystemTime
 * and WinHttpTimeToSystemTime formats. */
#ifndef CODEC_HTTP_DATE_H
#define CODEC_HTTP_DATE_H

#include <stddef.h>

typedef struct http_date
{
    int year, month, day_of_week, day, hour, minute, second;  /* month 1-12, day_of_week 0 = Sunday */
} http_date;

#define HTTP_DATE_LEN 29   /* "Sun, 06 Nov 1994 08:49:37 GMT" */

/* IMF-fixdate of d into out (at least HTTP_DATE_LEN + 1 chars, NUL
 * terminated); the day name is d->day_of_week's.  Returns the length, or 0
 * if a field is out of range. */
size_t http_date_format(const http_date *d, char *out);

/* Parse an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), an RFC 850 date
 * ("Sunday, 06-Nov-94 08:49:37 GMT") or an asctime() date ("Sun Nov  6
 * 08:49:37 1994"), leniently as Windows does: any run of spaces, commas,
 * colons or dashes separates the fields, names are matched case-blind on
 * their first three letters, the day name and the zone may be missing.
 * The day of the week is computed from the date.  0 or -1. */
int http_date_parse(const char *s, size_t len, http_date *d);

/* 0 = Sunday, for a date of the Gregorian calendar. */
int http_date_weekday(int year, int month, int day);

#endif
