/* HTTP/1.1 response parsing (RFC 9112): status line, header fields, list
 * tokens, Content-Length, chunked transfer coding. */
#include <string.h>
#include "codec/http_parse.h"

size_t http_header_block_end(const char *buf, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
    {
        if (buf[i] != '\n') continue;
        if (i + 1 < len && buf[i + 1] == '\n') return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') return i + 3;
    }
    return 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_ws(char c) { return c == ' ' || c == '\t'; }

int http_parse_status_line(const char *line, size_t len, http_status_line *out)
{
    size_t i = 5;
    if (len < 12 || memcmp(line, "HTTP/", 5)) return -1;
    if (!is_digit(line[5]) || line[6] != '.' || !is_digit(line[7])) return -1;
    out->major = line[5] - '0';
    out->minor = line[7] - '0';
    out->version = line;
    out->version_len = 8;
    i = 8;
    if (line[i] != ' ') return -1;
    while (i < len && line[i] == ' ') i++;
    if (i + 3 > len || !is_digit(line[i]) || !is_digit(line[i + 1]) || !is_digit(line[i + 2])) return -1;
    out->status = (line[i] - '0') * 100 + (line[i + 1] - '0') * 10 + (line[i + 2] - '0');
    if (out->status < 100) return -1;
    i += 3;
    if (i < len && line[i] != ' ') return -1;
    while (i < len && is_ws(line[i])) i++;
    out->reason = line + i;
    out->reason_len = len - i;
    while (out->reason_len && (is_ws(out->reason[out->reason_len - 1]) || out->reason[out->reason_len - 1] == '\r'))
        out->reason_len--;
    return 0;
}

int http_next_header(const char *buf, size_t len, size_t *pos,
                     const char **name, size_t *name_len, const char **value, size_t *value_len)
{
    size_t p = *pos, eol, end, colon;

    if (p >= len) return -1;
    for (eol = p; eol < len && buf[eol] != '\n'; eol++) ;
    if (eol == len) return -1;
    end = eol;
    if (end > p && buf[end - 1] == '\r') end--;
    *pos = eol + 1;
    if (end == p) return 0;                       /* blank line */
    if (is_ws(buf[p])) return -1;                 /* obsolete folding */
    for (colon = p; colon < end && buf[colon] != ':'; colon++) ;
    if (colon == end || colon == p) return -1;
    if (is_ws(buf[colon - 1])) return -1;
    *name = buf + p;
    *name_len = colon - p;
    p = colon + 1;
    while (p < end && is_ws(buf[p])) p++;
    while (end > p && is_ws(buf[end - 1])) end--;
    *value = buf + p;
    *value_len = end - p;
    return 1;
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

int http_token_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i;
    if (alen != blen) return 0;
    for (i = 0; i < alen; i++) if (lower(a[i]) != lower(b[i])) return 0;
    return 1;
}

int http_list_has_token(const char *value, size_t len, const char *token)
{
    size_t i = 0, tlen = strlen(token);
    while (i < len)
    {
        size_t start, end;
        while (i < len && (is_ws(value[i]) || value[i] == ',')) i++;
        start = i;
        while (i < len && value[i] != ',') i++;
        end = i;
        while (end > start && is_ws(value[end - 1])) end--;
        if (end > start && http_token_eq(value + start, end - start, token, tlen)) return 1;
    }
    return 0;
}

int http_parse_content_length(const char *value, size_t len, uint64_t *out)
{
    size_t i = 0;
    uint64_t n = 0;
    int digits = 0;
    while (i < len && is_ws(value[i])) i++;
    while (i < len && is_digit(value[i]))
    {
        unsigned d = (unsigned)(value[i] - '0');
        if (n > (UINT64_MAX - d) / 10) return -1;
        n = n * 10 + d;
        digits++;
        i++;
    }
    while (i < len && is_ws(value[i])) i++;
    if (!digits || i != len) return -1;
    *out = n;
    return 0;
}

enum { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER_START, CH_TRAILER, CH_TRAILER_LF,
       CH_FINAL_LF, CH_DONE };

void http_chunked_init(http_chunked *c)
{
    c->state = CH_SIZE;
    c->remaining = 0;
    c->done = 0;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A chunk-size line is "hex[;ext]CRLF".  While in CH_SIZE/CH_EXT,
 * "remaining" accumulates the size, its top bit meaning "a digit was seen". */
#define SIZE_SEEN ((uint64_t)1 << 63)

long http_chunked_decode(http_chunked *c, uint8_t *buf, size_t len, size_t *consumed)
{
    size_t i = 0, out = 0;

    while (i < len && c->state != CH_DONE)
    {
        uint8_t b = buf[i];
        switch (c->state)
        {
        case CH_SIZE:
        {
            int h = hexval(b);
            if (h >= 0)
            {
                uint64_t v = c->remaining & ~SIZE_SEEN;
                if (v >> 58) return -1;            /* absurd size */
                c->remaining = ((v << 4) | (uint64_t)h) | SIZE_SEEN;
                i++;
                break;
            }
            if (!(c->remaining & SIZE_SEEN)) return -1;
            if (b == ';' || b == ' ' || b == '\t') { c->state = CH_EXT; i++; break; }
            if (b == '\r') { c->state = CH_SIZE_LF; i++; break; }
            if (b == '\n') { c->state = CH_SIZE_LF; break; }  /* bare LF: handled below */
            return -1;
        }
        case CH_EXT:
            if (b == '\r') c->state = CH_SIZE_LF;
            else if (b == '\n') { c->state = CH_SIZE_LF; break; }
            i++;
            break;
        case CH_SIZE_LF:
            if (b != '\n') return -1;
            i++;
            c->remaining &= ~SIZE_SEEN;
            c->state = c->remaining ? CH_DATA : CH_TRAILER_START;
            break;
        case CH_DATA:
        {
            size_t n = len - i;
            if (n > c->remaining) n = (size_t)c->remaining;
            memmove(buf + out, buf + i, n);
            out += n;
            i += n;
            c->remaining -= n;
            if (!c->remaining) c->state = CH_DATA_CR;
            break;
        }
        case CH_DATA_CR:
            if (b == '\r') { c->state = CH_DATA_LF; i++; }
            else if (b == '\n') c->state = CH_DATA_LF;
            else return -1;
            break;
        case CH_DATA_LF:
            if (b != '\n') return -1;
            i++;
            c->state = CH_SIZE;
            c->remaining = 0;
            break;
        case CH_TRAILER_START:
            /* either the final CRLF or a trailer field line */
            if (b == '\r') { c->state = CH_FINAL_LF; i++; }
            else if (b == '\n') { c->state = CH_DONE; i++; }
            else { c->state = CH_TRAILER; i++; }
            break;
        case CH_TRAILER:
            if (b == '\n') c->state = CH_TRAILER_START;
            i++;
            break;
        case CH_FINAL_LF:
            if (b != '\n') return -1;
            i++;
            c->state = CH_DONE;
            break;
        }
    }
    if (c->state == CH_DONE) c->done = 1;
    *consumed = i;
    return (long)out;
}
