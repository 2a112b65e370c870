/* HTTP/1.1 response head parsing and chunked transfer decoding after
 * RFC 9112 sections 4, 5 and 7.1. */
#include <string.h>
#include "codec/http_parse.h"

static int is_sp(char c) { return c == ' ' || c == '\t'; }
static int is_dec(char c) { return c >= '0' && c <= '9'; }

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

size_t http_header_block_end(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;

    if (!len) return 0;
    /* an LF followed by an empty line (LF or CRLF) */
    while ((p = memchr(p, '\n', (size_t)(end - p))))
    {
        p++;
        if (p < end && *p == '\n') return (size_t)(p + 1 - buf);
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') return (size_t)(p + 2 - buf);
    }
    return 0;
}

int http_parse_status_line(const char *line, size_t len, http_status_line *out)
{
    size_t i, start;
    int major = 0, minor = 0, status, digits;

    if (len < 5 || memcmp(line, "HTTP/", 5)) return -1;
    i = 5;
    for (digits = 0; i < len && is_dec(line[i]); i++, digits++)
    {
        if (digits == 3) return -1;
        major = major * 10 + (line[i] - '0');
    }
    if (!digits) return -1;
    if (i >= len || line[i] != '.') return -1;
    i++;
    for (digits = 0; i < len && is_dec(line[i]); i++, digits++)
    {
        if (digits == 3) return -1;
        minor = minor * 10 + (line[i] - '0');
    }
    if (!digits) return -1;
    out->version = line;
    out->version_len = i;

    /* one SP required, extra ones tolerated */
    if (i >= len || line[i] != ' ') return -1;
    while (i < len && line[i] == ' ') i++;

    if (len - i < 3 || !is_dec(line[i]) || !is_dec(line[i + 1]) || !is_dec(line[i + 2])) return -1;
    status = (line[i] - '0') * 100 + (line[i + 1] - '0') * 10 + (line[i + 2] - '0');
    if (status < 100) return -1;
    i += 3;

    if (i < len)
    {
        if (!is_sp(line[i])) return -1;  /* "200x" or "2000" */
        while (i < len && is_sp(line[i])) i++;  /* "200   OK": the reason is "OK" */
    }
    start = i;
    for (; i < len; i++)
        if (line[i] == '\r' || line[i] == '\n' || line[i] == '\0') return -1;

    out->major = major;
    out->minor = minor;
    out->status = status;
    out->reason = line + start;
    out->reason_len = len - start;
    return 0;
}

int http_next_header(const char *buf, size_t len, size_t *pos,
                     const char **name, size_t *name_len, const char **value, size_t *value_len)
{
    size_t start = *pos, eol, line_end, next, colon, vs, ve;
    const char *nl;

    if (start >= len) return -1;
    nl = memchr(buf + start, '\n', len - start);
    if (!nl) return -1;
    eol = (size_t)(nl - buf);
    next = eol + 1;
    line_end = eol;
    if (line_end > start && buf[line_end - 1] == '\r') line_end--;

    if (line_end == start)
    {
        *pos = next;
        return 0;
    }
    *pos = next;
    if (is_sp(buf[start]))
    {
        /* obs-fold (RFC 9112 5.2): more of the previous field's value */
        vs = start;
        ve = line_end;
        while (vs < ve && is_sp(buf[vs])) vs++;
        while (ve > vs && is_sp(buf[ve - 1])) ve--;
        *name = NULL;
        *name_len = 0;
        *value = buf + vs;
        *value_len = ve - vs;
        return 2;
    }

    for (colon = start; colon < line_end && buf[colon] != ':'; colon++)
        ;
    if (colon == line_end || colon == start)
    {
        /* no colon, empty name: ignored (and nothing of it handed out) */
        *name = *value = NULL;
        *name_len = *value_len = 0;
        return 3;
    }

    vs = colon + 1;
    ve = line_end;
    while (vs < ve && is_sp(buf[vs])) vs++;
    while (ve > vs && is_sp(buf[ve - 1])) ve--;
    while (colon > start && is_sp(buf[colon - 1])) colon--;  /* "Name : value" */

    *name = buf + start;
    *name_len = colon - start;
    *value = buf + vs;
    *value_len = ve - vs;
    return 1;
}

int http_token_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i;
    if (alen != blen) return 0;
    for (i = 0; i < alen; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return 0;
    return 1;
}

int http_list_has_token(const char *value, size_t len, const char *token)
{
    size_t tlen = strlen(token), i = 0;

    while (i < len)
    {
        size_t s, e, next;
        for (e = i; e < len && value[e] != ','; e++)
            ;
        next = e + 1;
        s = i;
        /* drop parameters ("chunked;foo=bar") and surrounding whitespace */
        {
            size_t semi;
            for (semi = s; semi < e && value[semi] != ';'; semi++)
                ;
            e = semi;
        }
        while (s < e && is_sp(value[s])) s++;
        while (e > s && is_sp(value[e - 1])) e--;
        if (http_token_eq(value + s, e - s, token, tlen) && e > s) return 1;
        i = next;
    }
    return 0;
}

int http_parse_content_length(const char *value, size_t len, uint64_t *out)
{
    size_t s = 0, e = len;
    uint64_t v = 0;

    while (s < e && is_sp(value[s])) s++;
    while (e > s && is_sp(value[e - 1])) e--;
    if (s == e) return -1;
    for (; s < e; s++)
    {
        unsigned d;
        if (!is_dec(value[s])) return -1;
        d = (unsigned)(value[s] - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* ---- chunked transfer coding ---- */

enum
{
    CH_SIZE_FIRST,   /* expecting the first hex digit of a chunk-size */
    CH_SIZE,         /* more hex digits, or the end of the size */
    CH_SIZE_WS,      /* whitespace after the size (before ';' or CRLF) */
    CH_EXT,          /* chunk extensions: skipped up to LF */
    CH_SIZE_LF,      /* CR seen after the size line, LF must follow */
    CH_DATA,         /* payload bytes */
    CH_DATA_CR,      /* CRLF ending the chunk data */
    CH_DATA_LF,
    CH_TRAILER_START,/* at the start of a trailer line or the final CRLF */
    CH_TRAILER,      /* inside a trailer field line */
    CH_FINAL_LF,     /* CR of the final empty line seen */
    CH_DONE,
    CH_ERROR
};

void http_chunked_init(http_chunked *c)
{
    c->state = CH_SIZE_FIRST;
    c->remaining = 0;
    c->done = 0;
}

static int hex_value(uint8_t b)
{
    if (b >= '0' && b <= '9') return b - '0';
    if (b >= 'a' && b <= 'f') return b - 'a' + 10;
    if (b >= 'A' && b <= 'F') return b - 'A' + 10;
    return -1;
}

long http_chunked_decode(http_chunked *c, uint8_t *buf, size_t len, size_t *consumed)
{
    size_t in = 0, out = 0;
    int state = c->state;
    uint64_t remaining = c->remaining;

    if (consumed) *consumed = 0;
    if (state == CH_ERROR) return -1;
    if (state == CH_DONE) return 0;

    while (in < len)
    {
        uint8_t b;

        if (state == CH_DATA)
        {
            size_t take = len - in;
            if ((uint64_t)take > remaining) take = (size_t)remaining;
            if (out != in) memmove(buf + out, buf + in, take);
            out += take;
            in += take;
            remaining -= take;
            if (!remaining) state = CH_DATA_CR;
            continue;
        }

        b = buf[in++];
        switch (state)
        {
        case CH_SIZE_FIRST:
        {
            int h = hex_value(b);
            if (h < 0) goto bad;
            remaining = (uint64_t)h;
            state = CH_SIZE;
            break;
        }
        case CH_SIZE:
        {
            int h = hex_value(b);
            if (h < 0) goto size_end;
            if (remaining >> 60) goto bad;  /* would overflow 64 bits */
            remaining = (remaining << 4) | (uint64_t)h;
            break;
        }
        case CH_SIZE_WS:
        size_end:
            if (b == ' ' || b == '\t') state = CH_SIZE_WS;
            else if (b == ';') state = CH_EXT;
            else if (b == '\r') state = CH_SIZE_LF;
            else if (b == '\n') goto size_line_done;
            else goto bad;
            break;
        case CH_EXT:
            if (b == '\n') goto size_line_done;
            if (b == '\r') state = CH_SIZE_LF;
            break;
        case CH_SIZE_LF:
            if (b != '\n') goto bad;
        size_line_done:
            state = remaining ? CH_DATA : CH_TRAILER_START;
            break;
        case CH_DATA_CR:
            if (b == '\r') state = CH_DATA_LF;
            else if (b == '\n') state = CH_SIZE_FIRST;
            else goto bad;
            break;
        case CH_DATA_LF:
            if (b != '\n') goto bad;
            state = CH_SIZE_FIRST;
            break;
        case CH_TRAILER_START:
            if (b == '\r') state = CH_FINAL_LF;
            else if (b == '\n') goto finished;
            else state = CH_TRAILER;
            break;
        case CH_TRAILER:
            if (b == '\n') state = CH_TRAILER_START;
            break;
        case CH_FINAL_LF:
            if (b != '\n') goto bad;
            goto finished;
        default:
            goto bad;
        }
    }

    c->state = state;
    c->remaining = remaining;
    if (consumed) *consumed = in;
    return (long)out;

finished:
    c->state = CH_DONE;
    c->remaining = 0;
    c->done = 1;
    if (consumed) *consumed = in;
    return (long)out;

bad:
    c->state = CH_ERROR;
    c->remaining = 0;
    return -1;
}
