/* HTTP/1.1 response head and chunked body tests. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "codec/http_parse.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_block_end(void)
{
    CHECK_EQ(http_header_block_end(S("")), 0);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\r\n")), 0);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\r\nA: b\r\n")), 0);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\r\nA: b\r\n\r")), 0);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\r\nA: b\r\n\r\n")), 25);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody")), 25);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\r\n\r\n")), 19);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\nA: b\n\nbody")), 22);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\nA: b\r\n\nx")), 23);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\r\nA: b\n\r\nx")), 24);
    CHECK_EQ(http_header_block_end(S("HTTP/1.1 200 OK\r\nA: b\r\n \r\n")), 0);
    CHECK_EQ(http_header_block_end(S("\r\n\r\n")), 4);
}

static void test_status_line(void)
{
    http_status_line sl;

    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 200 OK"), &sl), 0);
    CHECK_EQ(sl.major, 1);
    CHECK_EQ(sl.minor, 1);
    CHECK_EQ(sl.status, 200);
    CHECK(unit_mem_eq(sl.reason, sl.reason_len, "OK", 2));
    CHECK(unit_mem_eq(sl.version, sl.version_len, "HTTP/1.1", 8));

    CHECK_EQ(http_parse_status_line(S("HTTP/1.0 404 Not Found"), &sl), 0);
    CHECK_EQ(sl.minor, 0);
    CHECK_EQ(sl.status, 404);
    CHECK(unit_mem_eq(sl.reason, sl.reason_len, "Not Found", 9));

    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 101 Switching Protocols"), &sl), 0);
    CHECK_EQ(sl.status, 101);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 999 x"), &sl), 0);
    CHECK_EQ(sl.status, 999);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 100 "), &sl), 0);
    CHECK_EQ(sl.reason_len, 0);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 204"), &sl), 0);
    CHECK_EQ(sl.status, 204);
    CHECK_EQ(sl.reason_len, 0);
    CHECK_EQ(http_parse_status_line(S("HTTP/2.0 200 OK"), &sl), 0);
    CHECK_EQ(sl.major, 2);

    CHECK_EQ(http_parse_status_line(S(""), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 "), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 20"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 099 Low"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 2000 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 20x OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1200 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("http/1.1 200 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1 200 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/.1 200 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1. 200 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("ICY 200 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/2355678569.1 200 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.99999999999 200 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1.1 200 OK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 200 O\rK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 200 O\nK"), &sl), -1);
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 200 O\0K"), &sl), -1);
    /* several spaces around the status code */
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1   200   Fine  Day"), &sl), 0);
    CHECK_EQ(sl.status, 200);
    CHECK(unit_mem_eq(sl.reason, sl.reason_len, "Fine  Day", 9));
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 200\tOK"), &sl), 0);
    CHECK(unit_mem_eq(sl.reason, sl.reason_len, "OK", 2));
    CHECK_EQ(http_parse_status_line(S("HTTP/1.1 200   "), &sl), 0);
    CHECK_EQ(sl.reason_len, 0);
}

static void test_headers(void)
{
    static const char resp[] =
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection:Upgrade\r\n"
        "Sec-WebSocket-Accept: \t s3pPLMBiTxaQ9kYGzzhZRbK+xOo= \t\r\n"
        "X-Empty:\r\n"
        "X-Colon: a:b: c\n"
        "\r\n"
        "body";
    const char *name, *value;
    size_t nlen, vlen, pos;
    size_t len = sizeof(resp) - 1;

    pos = 34;
    CHECK_EQ(http_next_header(resp, len, &pos, &name, &nlen, &value, &vlen), 1);
    CHECK(unit_mem_eq(name, nlen, "Upgrade", 7));
    CHECK(unit_mem_eq(value, vlen, "websocket", 9));
    CHECK_EQ(http_next_header(resp, len, &pos, &name, &nlen, &value, &vlen), 1);
    CHECK(unit_mem_eq(name, nlen, "Connection", 10));
    CHECK(unit_mem_eq(value, vlen, "Upgrade", 7));
    CHECK_EQ(http_next_header(resp, len, &pos, &name, &nlen, &value, &vlen), 1);
    CHECK(unit_mem_eq(name, nlen, "Sec-WebSocket-Accept", 20));
    CHECK(unit_mem_eq(value, vlen, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", 28));
    CHECK_EQ(http_next_header(resp, len, &pos, &name, &nlen, &value, &vlen), 1);
    CHECK(unit_mem_eq(name, nlen, "X-Empty", 7));
    CHECK_EQ(vlen, 0);
    CHECK_EQ(http_next_header(resp, len, &pos, &name, &nlen, &value, &vlen), 1);
    CHECK(unit_mem_eq(name, nlen, "X-Colon", 7));
    CHECK(unit_mem_eq(value, vlen, "a:b: c", 6));
    CHECK_EQ(http_next_header(resp, len, &pos, &name, &nlen, &value, &vlen), 0);
    CHECK_EQ(pos, len - 4);
    CHECK(!memcmp(resp + pos, "body", 4));

    /* tolerated lines: no colon or no name (ignored, 3), whitespace before
     * the colon (dropped), folds (2: the trimmed continuation) */
    pos = 0;
    name = value = "stale";
    nlen = vlen = 12345;
    CHECK_EQ(http_next_header(S("NoColon\r\nA: b\r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 3);
    CHECK_EQ(pos, 9);
    /* nothing of an ignored line (nor of an earlier call) is handed out */
    CHECK(!name && !nlen && !value && !vlen);
    CHECK_EQ(http_next_header(S("NoColon\r\nA: b\r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 1);
    CHECK(unit_mem_eq(name, nlen, "A", 1));
    pos = 0;
    CHECK_EQ(http_next_header(S(": value\r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 3);
    CHECK_EQ(pos, 9);
    pos = 0;
    CHECK_EQ(http_next_header(S("Name : value\r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 1);
    CHECK(unit_mem_eq(name, nlen, "Name", 4));
    CHECK(unit_mem_eq(value, vlen, "value", 5));
    pos = 0;
    CHECK_EQ(http_next_header(S("Name \t : value\r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 1);
    CHECK(unit_mem_eq(name, nlen, "Name", 4));
    pos = 0;
    CHECK_EQ(http_next_header(S(" Folded: x \r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 2);
    CHECK(name == NULL && nlen == 0);
    CHECK(unit_mem_eq(value, vlen, "Folded: x", 9));
    pos = 0;
    CHECK_EQ(http_next_header(S("A: b\r\n \t continued  \r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 1);
    CHECK_EQ(http_next_header(S("A: b\r\n \t continued  \r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 2);
    CHECK(unit_mem_eq(value, vlen, "continued", 9));
    CHECK_EQ(http_next_header(S("A: b\r\n \t continued  \r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 0);
    pos = 0;
    CHECK_EQ(http_next_header(S("\tX: y\r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 2);
    pos = 0;
    CHECK_EQ(http_next_header(S(" \r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 2);
    CHECK_EQ(vlen, 0);
    /* NUL bytes stay in the value (the DLL replaces them) */
    pos = 0;
    CHECK_EQ(http_next_header(S("X: a\0b\r\n\r\n"), &pos, &name, &nlen, &value, &vlen), 1);
    CHECK(unit_mem_eq(value, vlen, "a\0b", 3));
    /* no line ending at all / past the end */
    pos = 0;
    CHECK_EQ(http_next_header(S("A: b"), &pos, &name, &nlen, &value, &vlen), -1);
    pos = 4;
    CHECK_EQ(http_next_header(S("A: b"), &pos, &name, &nlen, &value, &vlen), -1);
    /* bare LF blank line */
    pos = 0;
    CHECK_EQ(http_next_header(S("\nrest"), &pos, &name, &nlen, &value, &vlen), 0);
    CHECK_EQ(pos, 1);
}

static void test_tokens(void)
{
    uint64_t v;

    CHECK(http_token_eq(S("Upgrade"), S("upgrade")));
    CHECK(http_token_eq(S("WEBSOCKET"), S("websocket")));
    CHECK(http_token_eq(S(""), S("")));
    CHECK(!http_token_eq(S("Upgrade"), S("Upgrades")));
    CHECK(!http_token_eq(S("a"), S("b")));
    CHECK(!http_token_eq(S("@"), S("`")));   /* 0x40 vs 0x60: not letters */
    CHECK(!http_token_eq(S("["), S("{")));

    CHECK(http_list_has_token(S("keep-alive, Upgrade"), "upgrade"));
    CHECK(http_list_has_token(S("Upgrade"), "upgrade"));
    CHECK(http_list_has_token(S("  Upgrade  "), "Upgrade"));
    CHECK(http_list_has_token(S("a,b,\tUPGRADE\t,c"), "upgrade"));
    CHECK(http_list_has_token(S(",,upgrade,,"), "upgrade"));
    CHECK(http_list_has_token(S("gzip, chunked"), "chunked"));
    CHECK(http_list_has_token(S("chunked;foo=bar"), "chunked"));
    CHECK(!http_list_has_token(S("keep-alive"), "upgrade"));
    CHECK(!http_list_has_token(S("upgraded"), "upgrade"));
    CHECK(!http_list_has_token(S("xupgrade"), "upgrade"));
    CHECK(!http_list_has_token(S("up grade"), "upgrade"));
    CHECK(!http_list_has_token(S(""), "upgrade"));
    CHECK(!http_list_has_token(S(", ,"), "upgrade"));
    CHECK(!http_list_has_token(S(", ,"), ""));

    CHECK_EQ(http_parse_content_length(S("0"), &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(http_parse_content_length(S("12345"), &v), 0);
    CHECK_EQ(v, 12345);
    CHECK_EQ(http_parse_content_length(S(" \t42 \t"), &v), 0);
    CHECK_EQ(v, 42);
    CHECK_EQ(http_parse_content_length(S("18446744073709551615"), &v), 0);
    CHECK(v == UINT64_MAX);
    CHECK_EQ(http_parse_content_length(S("0018446744073709551615"), &v), 0);
    CHECK(v == UINT64_MAX);
    v = 7;
    CHECK_EQ(http_parse_content_length(S("18446744073709551616"), &v), -1);
    CHECK_EQ(v, 7);
    CHECK_EQ(http_parse_content_length(S("99999999999999999999"), &v), -1);
    CHECK_EQ(http_parse_content_length(S("184467440737095516150"), &v), -1);
    CHECK_EQ(http_parse_content_length(S(""), &v), -1);
    CHECK_EQ(http_parse_content_length(S("   "), &v), -1);
    CHECK_EQ(http_parse_content_length(S("-1"), &v), -1);
    CHECK_EQ(http_parse_content_length(S("+1"), &v), -1);
    CHECK_EQ(http_parse_content_length(S("1 2"), &v), -1);
    CHECK_EQ(http_parse_content_length(S("12a"), &v), -1);
    CHECK_EQ(http_parse_content_length(S("0x10"), &v), -1);
    CHECK_EQ(http_parse_content_length(S("5, 5"), &v), -1);
}

/* Decode input fed in pieces (cuts sorted, within len).  Returns the payload
 * length or -1; *used gets the input bytes consumed in total. */
static long decode_pieces(const char *input, size_t len, const size_t *cuts, size_t ncuts,
                          uint8_t *out, size_t *used, int *done)
{
    http_chunked c;
    uint8_t *work = malloc(len ? len : 1);
    size_t start = 0, i, total = 0;

    http_chunked_init(&c);
    memcpy(work, input, len);
    *used = 0;
    for (i = 0; i <= ncuts; i++)
    {
        size_t end = i < ncuts ? cuts[i] : len, consumed = 12345;
        long n = http_chunked_decode(&c, work + start, end - start, &consumed);
        if (n < 0) { free(work); *done = c.done; return -1; }
        memcpy(out + total, work + start, (size_t)n);
        total += (size_t)n;
        if (c.done)
        {
            *used = start + consumed;
            break;
        }
        if (consumed != end - start) { free(work); *done = -1; return -1; }
        start = end;
        *used = end;
    }
    /* bytes after the end are untouched */
    if (*used < len && memcmp(work + *used, input + *used, len - *used)) total = (size_t)-2;
    *done = c.done;
    free(work);
    return (long)total;
}

static void chunked_case(const char *input, size_t len, const char *want, long want_len, size_t want_used,
                         int want_done, int line)
{
    uint8_t *out = malloc(len + 1);
    size_t used, cut, *cuts = malloc((len + 1) * sizeof(size_t));
    long n;
    int done, ok = 1;

    n = decode_pieces(input, len, NULL, 0, out, &used, &done);
    if (n != want_len) { ok = 0; printf("line %d: whole: got %ld want %ld\n", line, n, want_len); }
    else if (n >= 0)
    {
        if (memcmp(out, want, (size_t)n)) { ok = 0; printf("line %d: whole: payload differs\n", line); }
        if (done != want_done) { ok = 0; printf("line %d: done %d\n", line, done); }
        if (want_done && used != want_used) { ok = 0; printf("line %d: used %zu want %zu\n", line, used, want_used); }
    }
    /* split in two at every position */
    for (cut = 0; cut <= len; cut++)
    {
        n = decode_pieces(input, len, &cut, 1, out, &used, &done);
        if (n != want_len || (n >= 0 && (memcmp(out, want, (size_t)n) || done != want_done ||
                                         (want_done && used != want_used))))
        {
            ok = 0;
            printf("line %d: split at %zu: got %ld want %ld\n", line, cut, n, want_len);
            break;
        }
    }
    /* one byte at a time */
    for (cut = 0; cut < len; cut++) cuts[cut] = cut + 1;
    n = decode_pieces(input, len, cuts, len ? len - 1 : 0, out, &used, &done);
    if (n != want_len || (n >= 0 && (memcmp(out, want, (size_t)n) || done != want_done ||
                                     (want_done && used != want_used))))
    {
        ok = 0;
        printf("line %d: bytewise: got %ld want %ld\n", line, n, want_len);
    }
    CHECKF(ok, "chunked case at line %d", line);
    free(out);
    free(cuts);
}

#define CHUNK_OK(in, out, used) chunked_case(in, sizeof(in) - 1, out, sizeof(out) - 1, used, 1, __LINE__)
#define CHUNK_PARTIAL(in, out) chunked_case(in, sizeof(in) - 1, out, sizeof(out) - 1, 0, 0, __LINE__)
#define CHUNK_BAD(in) chunked_case(in, sizeof(in) - 1, "", -1, 0, 0, __LINE__)

static void test_chunked(void)
{
    CHUNK_OK("5\r\nhello\r\n0\r\n\r\n", "hello", 15);
    CHUNK_OK("5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n", "hello", 15);
    CHUNK_OK("0\r\n\r\n", "", 5);
    CHUNK_OK("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\nXYZ", "abcdefg", 22);
    CHUNK_OK("A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij", 35);
    CHUNK_OK("1f\r\n0123456789abcdefghijklmnopqrstu\r\n0\r\n\r\n", "0123456789abcdefghijklmnopqrstu", 42);
    CHUNK_OK("0005\r\nhello\r\n000\r\n\r\n", "hello", 20);
    /* chunk extensions */
    CHUNK_OK("5;name=value\r\nhello\r\n0;last\r\n\r\n", "hello", 31);
    CHUNK_OK("5 ; a=\"b;c\"\r\nhello\r\n0\r\n\r\n", "hello", 25);
    CHUNK_OK("5\t;x\r\nhello\r\n0\r\n\r\n", "hello", 18);
    /* trailers */
    CHUNK_OK("5\r\nhello\r\n0\r\nExpires: never\r\nX-Foo: bar\r\n\r\nnext", "hello", 43);
    /* bare LF line endings */
    CHUNK_OK("5\nhello\n0\n\n!", "hello", 11);
    CHUNK_OK("5\nhello\n0\nT: x\n\n", "hello", 16);
    /* payload containing CRLF and digits */
    CHUNK_OK("4\r\n\r\n0\r\r\n0\r\n\r\n", "\r\n0\r", 14);

    /* incomplete streams: all input consumed, not done */
    CHUNK_PARTIAL("5\r\nhel", "hel");
    CHUNK_PARTIAL("5\r\nhello\r\n", "hello");
    CHUNK_PARTIAL("5\r\nhello\r\n0\r\n", "hello");
    CHUNK_PARTIAL("5\r\nhello\r\n0\r\nTrailer: x\r\n", "hello");
    CHUNK_PARTIAL("", "");
    CHUNK_PARTIAL("ff", "");

    /* malformed */
    CHUNK_BAD("x\r\nhello\r\n0\r\n\r\n");
    CHUNK_BAD("\r\nhello\r\n0\r\n\r\n");
    CHUNK_BAD("5x\r\nhello\r\n0\r\n\r\n");
    CHUNK_BAD("-5\r\nhello\r\n");
    CHUNK_BAD("5\r\nhelloX\r\n0\r\n\r\n");
    CHUNK_BAD("5\r\nhello\rX0\r\n\r\n");
    CHUNK_BAD("5\rX");
    CHUNK_BAD(" 5\r\nhello\r\n");
    CHUNK_BAD("5 5\r\nhello\r\n");
    CHUNK_BAD("0\r\n\rX");
    CHUNK_BAD("10000000000000000\r\n");   /* 2^64: overflow */
    CHUNK_BAD("0x5\r\nhello\r\n");

    /* largest size is accepted as a header (data would follow) */
    {
        http_chunked c;
        uint8_t b[] = "ffffffffffffffff\r\nab";
        size_t consumed;
        http_chunked_init(&c);
        CHECK_EQ(http_chunked_decode(&c, b, sizeof(b) - 1, &consumed), 2);
        CHECK_EQ(consumed, sizeof(b) - 1);
        CHECK(!memcmp(b, "ab", 2));
        CHECK_EQ(c.done, 0);
    }
    /* sticky error and finished states */
    {
        http_chunked c;
        uint8_t b[32];
        size_t consumed;
        http_chunked_init(&c);
        memcpy(b, "zz", 2);
        CHECK_EQ(http_chunked_decode(&c, b, 2, &consumed), -1);
        memcpy(b, "0\r\n\r\n", 5);
        CHECK_EQ(http_chunked_decode(&c, b, 5, &consumed), -1);

        http_chunked_init(&c);
        memcpy(b, "0\r\n\r\nabc", 8);
        CHECK_EQ(http_chunked_decode(&c, b, 8, &consumed), 0);
        CHECK_EQ(consumed, 5);
        CHECK_EQ(c.done, 1);
        consumed = 99;
        CHECK_EQ(http_chunked_decode(&c, b + 5, 3, &consumed), 0);
        CHECK_EQ(consumed, 0);
        CHECK(!memcmp(b + 5, "abc", 3));
        /* NULL consumed is tolerated */
        http_chunked_init(&c);
        memcpy(b, "1\r\nz\r\n", 6);
        CHECK_EQ(http_chunked_decode(&c, b, 6, NULL), 1);
        CHECK_EQ(b[0], 'z');
        CHECK_EQ(http_chunked_decode(&c, b, 0, NULL), 0);
    }
}

void test_http(void)
{
    test_block_end();
    test_status_line();
    test_headers();
    test_tokens();
    test_chunked();
}
