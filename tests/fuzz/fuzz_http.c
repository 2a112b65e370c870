/* libFuzzer target: HTTP response head parsing and chunked decoding, with
 * round-trip and split-consistency checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/http_parse.h"

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

static int is_ws(char c) { return c == ' ' || c == '\t'; }

static void check_header_field(const char *name, size_t nlen, const char *value, size_t vlen)
{
    char *line = malloc(nlen + vlen + 8);
    const char *n2, *v2;
    size_t nl2, vl2, pos = 0, i;
    uint64_t cl;

    REQUIRE(nlen > 0 && !is_ws(name[0]) && !is_ws(name[nlen - 1]));
    for (i = 0; i < nlen; i++) REQUIRE(name[i] != ':' && name[i] != '\n');
    for (i = 0; i < vlen; i++) REQUIRE(value[i] != '\n');
    if (vlen) REQUIRE(!is_ws(value[0]) && !is_ws(value[vlen - 1]));

    /* encode(parse(header)) parses back identically */
    memcpy(line, name, nlen);
    memcpy(line + nlen, ": ", 2);
    memcpy(line + nlen + 2, value, vlen);
    memcpy(line + nlen + 2 + vlen, "\r\n\r\n", 4);
    REQUIRE(http_next_header(line, nlen + vlen + 6, &pos, &n2, &nl2, &v2, &vl2) == 1);
    REQUIRE(http_token_eq(n2, nl2, name, nlen) && nl2 == nlen && !memcmp(n2, name, nlen));
    REQUIRE(vl2 == vlen && !memcmp(v2, value, vlen));
    REQUIRE(http_next_header(line, nlen + vlen + 6, &pos, &n2, &nl2, &v2, &vl2) == 0);
    REQUIRE(pos == nlen + vlen + 6);
    free(line);

    /* Content-Length round trip */
    if (!http_parse_content_length(value, vlen, &cl))
    {
        char dec[32];
        uint64_t cl2;
        int n = snprintf(dec, sizeof(dec), "%llu", (unsigned long long)cl);
        REQUIRE(!http_parse_content_length(dec, (size_t)n, &cl2) && cl2 == cl);
        for (i = 0; i < vlen; i++) REQUIRE(is_ws(value[i]) || (value[i] >= '0' && value[i] <= '9'));
    }
    /* a list containing the name as a token must report it (when the name
     * is a plausible token) */
    {
        int plain = 1;
        for (i = 0; i < nlen; i++) if (name[i] == ',' || name[i] == ';' || is_ws(name[i])) plain = 0;
        if (plain && nlen < 200)
        {
            char tok[256], list[512];
            int n;
            memcpy(tok, name, nlen);
            tok[nlen] = 0;
            if (strlen(tok) == nlen)
            {
                n = snprintf(list, sizeof(list), "a, %s ,b", tok);
                REQUIRE(http_list_has_token(list, (size_t)n, tok));
            }
        }
    }
    (void)http_list_has_token(value, vlen, "upgrade");
}

static void check_head(const char *buf, size_t len)
{
    size_t end = http_header_block_end(buf, len), pos;
    const char *eol;
    http_status_line sl;
    const char *name, *value;
    size_t nlen, vlen;
    int rc, guard = 0;

    if (end)
    {
        REQUIRE(end <= len && end >= 2 && buf[end - 1] == '\n');
        REQUIRE(http_header_block_end(buf, end) == end);
    }
    if (!(eol = memchr(buf, '\n', len))) return;
    pos = (size_t)(eol - buf);
    if (!http_parse_status_line(buf, pos && buf[pos - 1] == '\r' ? pos - 1 : pos, &sl))
    {
        REQUIRE(sl.status >= 100 && sl.status <= 999);
        REQUIRE(sl.version == buf && sl.version_len >= 8);
        REQUIRE(sl.reason >= buf && sl.reason + sl.reason_len <= buf + pos);
    }
    pos++;
    while ((rc = http_next_header(buf, end ? end : len, &pos, &name, &nlen, &value, &vlen)) > 0)
    {
        size_t i;
        REQUIRE(rc <= 3 && pos <= len && buf[pos - 1] == '\n');
        if (rc == 1)
        {
            REQUIRE(name >= buf && value + vlen <= buf + len);
            check_header_field(name, nlen, value, vlen);
        }
        else if (rc == 2)
        {
            /* a fold: trimmed, inside the line just read */
            REQUIRE(!name && !nlen && value >= buf && value + vlen <= buf + pos);
            if (vlen) REQUIRE(!is_ws(value[0]) && !is_ws(value[vlen - 1]));
            for (i = 0; i < vlen; i++) REQUIRE(value[i] != '\n');
        }
        else  /* no field: nothing of it handed out */
            REQUIRE(!name && !nlen && !value && !vlen);
        REQUIRE(++guard <= 1 << 20);
    }
    if (rc == 0 && end) REQUIRE(pos == end);
}

/* Decode in pieces at the given cuts; returns payload length or -1, and the
 * number of input bytes used. */
static long chunked_pieces(const uint8_t *in, size_t len, const size_t *cuts, size_t ncuts,
                           uint8_t *out, size_t *used, int *done)
{
    http_chunked c;
    uint8_t *work = malloc(len ? len : 1);
    size_t start = 0, i, total = 0;

    memcpy(work, in, len);
    http_chunked_init(&c);
    *used = 0;
    for (i = 0; i <= ncuts; i++)
    {
        size_t stop = i < ncuts ? cuts[i] : len, consumed;
        long n;
        if (stop < start) stop = start;
        if (stop > len) stop = len;
        n = http_chunked_decode(&c, work + start, stop - start, &consumed);
        if (n < 0) { free(work); *done = 0; return -1; }
        REQUIRE((size_t)n <= stop - start && consumed <= stop - start);
        memcpy(out + total, work + start, (size_t)n);
        total += (size_t)n;
        if (c.done)
        {
            *used = start + consumed;
            /* bytes after the end are untouched */
            REQUIRE(!memcmp(work + *used, in + *used, len - *used));
            break;
        }
        REQUIRE(consumed == stop - start);
        start = stop;
        *used = stop;
    }
    *done = c.done;
    free(work);
    return (long)total;
}

static void check_chunked(const uint8_t *data, size_t len, uint8_t seed)
{
    uint8_t *o1 = malloc(len + 1), *o2 = malloc(len + 1), *o3 = malloc(len + 1);
    size_t u1, u2, u3, cuts[3], bytecuts_n = len > 1 ? len - 1 : 0, i;
    size_t *bytecuts = malloc((bytecuts_n + 1) * sizeof(size_t));
    int d1, d2, d3;
    long n1, n2, n3;

    n1 = chunked_pieces(data, len, NULL, 0, o1, &u1, &d1);
    cuts[0] = len ? seed % (len + 1) : 0;
    cuts[1] = len ? (cuts[0] + seed * 7u) % (len + 1) : 0;
    if (cuts[1] < cuts[0]) { size_t t = cuts[0]; cuts[0] = cuts[1]; cuts[1] = t; }
    cuts[2] = len ? (cuts[1] + (len - cuts[1]) / 2) : 0;
    n2 = chunked_pieces(data, len, cuts, 3, o2, &u2, &d2);
    for (i = 0; i < bytecuts_n; i++) bytecuts[i] = i + 1;
    n3 = len <= 512 ? chunked_pieces(data, len, bytecuts, bytecuts_n, o3, &u3, &d3) : n1;

    REQUIRE(n1 == n2);
    if (n1 >= 0)
    {
        REQUIRE(d1 == d2 && !memcmp(o1, o2, (size_t)n1));
        if (d1) REQUIRE(u1 == u2);
    }
    if (len <= 512)
    {
        REQUIRE(n3 == n1);
        if (n1 >= 0)
        {
            REQUIRE(d3 == d1 && !memcmp(o1, o3, (size_t)n1));
            if (d1) REQUIRE(u3 == u1);
        }
    }
    free(o1);
    free(o2);
    free(o3);
    free(bytecuts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    check_head((const char *)data + 1, size - 1);
    check_chunked(data + 1, size - 1, data[0]);
    return 0;
}
