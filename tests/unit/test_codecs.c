/* Host unit tests of the pure codecs (no Windows headers, no Wine).
 * Built with -fsanitize=address,undefined; prints "unit: N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/ws_frame.h"
#include "codec/utf8.h"
#include "codec/ws_handshake.h"
#include "codec/http_parse.h"
#include "codec/url_crack.h"

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) passed++; else { failed++; printf("%s:%d: FAIL: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

static size_t unhex(const char *hex, uint8_t *out)
{
    size_t n = 0;
    while (hex[0] && hex[1])
    {
        unsigned v;
        sscanf(hex, "%2x", &v);
        out[n++] = (uint8_t)v;
        hex += 2;
    }
    return n;
}

static void hexstr(const uint8_t *p, size_t n, char *out)
{
    size_t i;
    for (i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = 0;
}

/* ---- frames ---- */
static void test_frame_encode(void)
{
    uint8_t h[WSF_MAX_HEADER];
    const uint8_t key[4] = { 0x37, 0xfa, 0x21, 0x3d };
    uint8_t masked[5];
    char hex[64];
    size_t n;

    /* RFC 6455 5.7 examples */
    n = wsf_encode_header(h, 1, WSF_OP_TEXT, 5, NULL);
    CHECK(n == 2 && h[0] == 0x81 && h[1] == 0x05, "unmasked Hello header");
    n = wsf_encode_header(h, 1, WSF_OP_TEXT, 5, key);
    hexstr(h, n, hex);
    CHECK(n == 6 && !strcmp(hex, "818537fa213d"), "masked Hello header %s", hex);
    wsf_mask(masked, (const uint8_t *)"Hello", 5, key, 0);
    hexstr(masked, 5, hex);
    CHECK(!strcmp(hex, "7f9f4d5158"), "masked Hello payload %s", hex);
    n = wsf_encode_header(h, 1, WSF_OP_TEXT, 3, NULL);
    h[0] = 0x01;
    CHECK(n == 2, "fragment");
    n = wsf_encode_header(h, 1, WSF_OP_BINARY, 256, NULL);
    hexstr(h, n, hex);
    CHECK(n == 4 && !strcmp(hex, "827e0100"), "256 bytes %s", hex);
    n = wsf_encode_header(h, 1, WSF_OP_BINARY, 65536, NULL);
    hexstr(h, n, hex);
    CHECK(n == 10 && !strcmp(hex, "827f0000000000010000"), "64 KiB %s", hex);
    n = wsf_encode_header(h, 1, WSF_OP_BINARY, 125, NULL);
    CHECK(n == 2 && h[1] == 125, "125 bytes");
    n = wsf_encode_header(h, 1, WSF_OP_BINARY, 126, NULL);
    CHECK(n == 4 && h[1] == 126 && h[3] == 126, "126 bytes");
    n = wsf_encode_header(h, 1, WSF_OP_BINARY, 65535, key);
    CHECK(n == 8 && h[1] == (0x80 | 126) && h[2] == 0xff && h[3] == 0xff && !memcmp(h + 4, key, 4), "65535 masked");
    n = wsf_encode_header(h, 0, WSF_OP_CONTINUATION, 0, NULL);
    CHECK(n == 2 && h[0] == 0x00 && h[1] == 0, "continuation, not final");
}

static void test_mask_pieces(void)
{
    uint8_t src[1000], whole[1000], pieces[1000];
    const uint8_t key[4] = { 1, 2, 3, 250 };
    size_t i, off, step;
    for (i = 0; i < sizeof(src); i++) src[i] = (uint8_t)(i * 7);
    wsf_mask(whole, src, sizeof(src), key, 0);
    for (i = 0; i < sizeof(src); i++) if (whole[i] != (src[i] ^ key[i & 3])) break;
    CHECK(i == sizeof(src), "whole mask differs at %zu", i);
    for (step = 1; step < 20; step++)
    {
        for (off = 0; off < sizeof(src); off += step)
        {
            size_t n = sizeof(src) - off < step ? sizeof(src) - off : step;
            wsf_mask(pieces + off, src + off, n, key, off);
        }
        CHECK(!memcmp(whole, pieces, sizeof(src)), "masking in pieces of %zu", step);
    }
    memcpy(pieces, src, sizeof(src));
    wsf_mask(pieces + 3, pieces + 3, 997, key, 3);   /* in place, unaligned */
    CHECK(!memcmp(pieces + 3, whole + 3, 997), "in-place masking");
    wsf_mask(pieces, whole, sizeof(src), key, 0);
    CHECK(!memcmp(pieces, src, sizeof(src)), "unmasking restores");
}

static int parse_hex(const char *hex, int reject_masked, wsf_header *h)
{
    uint8_t buf[64];
    size_t n = unhex(hex, buf);
    return wsf_parse_header(buf, n, reject_masked, h);
}

static void test_frame_parse(void)
{
    wsf_header h;
    int rc;

    rc = parse_hex("81056865", 1, &h);
    CHECK(rc == 2 && h.fin == 1 && h.opcode == WSF_OP_TEXT && h.payload_len == 5 && !h.masked, "text header rc %d", rc);
    CHECK(parse_hex("81", 1, &h) == WSF_NEED_MORE, "one byte needs more");
    CHECK(parse_hex("", 1, &h) == WSF_NEED_MORE, "empty needs more");
    CHECK(parse_hex("827e01", 1, &h) == WSF_NEED_MORE, "16-bit length incomplete");
    rc = parse_hex("827e0100", 1, &h);
    CHECK(rc == 4 && h.payload_len == 256, "16-bit length rc %d len %llu", rc, (unsigned long long)h.payload_len);
    CHECK(parse_hex("827f00000000000100", 1, &h) == WSF_NEED_MORE, "64-bit length incomplete");
    rc = parse_hex("827f0000000000010000", 1, &h);
    CHECK(rc == 10 && h.payload_len == 65536, "64-bit length");
    rc = parse_hex("827f7fffffffffffffff", 1, &h);
    CHECK(rc == 10 && h.payload_len == 0x7fffffffffffffffull, "largest length");
    CHECK(parse_hex("827f8000000000000000", 1, &h) == WSF_ERR_LENGTH, "top bit of 64-bit length");
    CHECK(parse_hex("c1026869", 1, &h) == WSF_ERR_RESERVED_BITS, "RSV1");
    CHECK(parse_hex("a1026869", 1, &h) == WSF_ERR_RESERVED_BITS, "RSV2");
    CHECK(parse_hex("91026869", 1, &h) == WSF_ERR_RESERVED_BITS, "RSV3");
    CHECK(parse_hex("83026869", 1, &h) == WSF_ERR_BAD_OPCODE, "opcode 3");
    CHECK(parse_hex("87026869", 1, &h) == WSF_ERR_BAD_OPCODE, "opcode 7");
    CHECK(parse_hex("8b00", 1, &h) == WSF_ERR_BAD_OPCODE, "opcode 0xb");
    CHECK(parse_hex("8f00", 1, &h) == WSF_ERR_BAD_OPCODE, "opcode 0xf");
    CHECK(parse_hex("0900", 1, &h) == WSF_ERR_CONTROL_FRAGMENTED, "fragmented ping");
    CHECK(parse_hex("0800", 1, &h) == WSF_ERR_CONTROL_FRAGMENTED, "fragmented close");
    CHECK(parse_hex("897e", 1, &h) == WSF_ERR_CONTROL_TOO_LONG, "ping of 126");
    rc = parse_hex("897d", 1, &h);
    CHECK(rc == 2 && h.payload_len == 125, "ping of 125");
    CHECK(parse_hex("818201020304", 1, &h) == WSF_ERR_MASKED, "masked rejected");
    rc = parse_hex("818201020304", 0, &h);
    CHECK(rc == 6 && h.masked && h.mask[0] == 1 && h.mask[3] == 4 && h.payload_len == 2, "masked accepted rc %d", rc);
    CHECK(parse_hex("8182010203", 0, &h) == WSF_NEED_MORE, "mask incomplete");
    /* order of checks: reserved bits before opcode */
    CHECK(parse_hex("f3026869", 1, &h) == WSF_ERR_RESERVED_BITS, "RSV before opcode");
    /* round trip */
    {
        uint8_t buf[WSF_MAX_HEADER];
        const uint8_t key[4] = { 9, 8, 7, 6 };
        uint64_t lens[] = { 0, 1, 125, 126, 65535, 65536, 1ull << 40 };
        size_t i;
        for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
        {
            size_t n = wsf_encode_header(buf, 1, WSF_OP_BINARY, lens[i], key);
            rc = wsf_parse_header(buf, n, 0, &h);
            CHECK(rc == (int)n && h.payload_len == lens[i] && h.masked && !memcmp(h.mask, key, 4) && h.header_len == n,
                  "round trip of length %llu", (unsigned long long)lens[i]);
        }
    }
    CHECK(wsf_error_close_code(WSF_ERR_INVALID_UTF8) == 1007, "UTF-8 -> 1007");
    CHECK(wsf_error_close_code(WSF_ERR_MASKED) == 1002 && wsf_error_close_code(WSF_ERR_RESERVED_BITS) == 1002, "-> 1002");
    CHECK(strlen(wsf_error_name(WSF_ERR_BAD_OPCODE)) > 0, "error name");
}

static void test_msgstate(void)
{
    wsf_msgstate s;
    wsf_header h;
    int op = -1;

    memset(&h, 0, sizeof(h));
    wsf_msgstate_init(&s);
    h.opcode = WSF_OP_CONTINUATION; h.fin = 1;
    CHECK(wsf_msgstate_frame(&s, &h, &op) == WSF_ERR_UNEXPECTED_CONTINUATION, "continuation first");
    h.opcode = WSF_OP_TEXT; h.fin = 0;
    CHECK(!wsf_msgstate_frame(&s, &h, &op) && op == WSF_OP_TEXT && s.in_message, "text start");
    h.opcode = WSF_OP_PING; h.fin = 1;
    CHECK(!wsf_msgstate_frame(&s, &h, &op) && op == WSF_OP_PING && s.in_message, "ping in the middle");
    h.opcode = WSF_OP_BINARY; h.fin = 1;
    CHECK(wsf_msgstate_frame(&s, &h, &op) == WSF_ERR_EXPECTED_CONTINUATION, "binary inside text");
    h.opcode = WSF_OP_CONTINUATION; h.fin = 0;
    CHECK(!wsf_msgstate_frame(&s, &h, &op) && op == WSF_OP_TEXT, "continuation keeps the type");
    h.fin = 1;
    CHECK(!wsf_msgstate_frame(&s, &h, &op) && op == WSF_OP_TEXT && !s.in_message, "final continuation");
    h.opcode = WSF_OP_BINARY; h.fin = 1;
    CHECK(!wsf_msgstate_frame(&s, &h, &op) && op == WSF_OP_BINARY && !s.in_message, "whole binary");
    h.opcode = WSF_OP_CONTINUATION;
    CHECK(wsf_msgstate_frame(&s, &h, NULL) == WSF_ERR_UNEXPECTED_CONTINUATION, "continuation after a whole message");
}

static void test_close_payload(void)
{
    static const int valid[] = { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999 };
    static const int invalid[] = { 0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535 };
    uint8_t buf[130];
    const uint8_t *reason;
    size_t rlen, n, i;
    int has, rc;
    uint16_t code;

    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) CHECK(wsf_close_code_valid(valid[i]), "code %d valid", valid[i]);
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) CHECK(!wsf_close_code_valid(invalid[i]), "code %d invalid", invalid[i]);
    rc = wsf_close_parse(buf, 0, &has, &code, &reason, &rlen);
    CHECK(!rc && !has && !rlen, "empty close");
    buf[0] = 3;
    CHECK(wsf_close_parse(buf, 1, &has, &code, &reason, &rlen) == WSF_ERR_BAD_CLOSE_PAYLOAD, "1-byte close");
    n = wsf_close_build(buf, 4001, "bye", 3);
    CHECK(n == 5 && buf[0] == 0x0f && buf[1] == 0xa1, "built close");
    rc = wsf_close_parse(buf, n, &has, &code, &reason, &rlen);
    CHECK(!rc && has && code == 4001 && rlen == 3 && !memcmp(reason, "bye", 3), "parsed close");
    n = unhex("03ed", buf);
    CHECK(wsf_close_parse(buf, n, &has, &code, &reason, &rlen) == WSF_ERR_BAD_CLOSE_CODE, "1005 on the wire");
    n = unhex("03e8c328", buf);
    CHECK(wsf_close_parse(buf, n, &has, &code, &reason, &rlen) == WSF_ERR_INVALID_UTF8, "bad UTF-8 reason");
    n = unhex("03e8c3a9", buf);
    CHECK(!wsf_close_parse(buf, n, &has, &code, &reason, &rlen) && rlen == 2, "UTF-8 reason");
}

/* ---- UTF-8 ---- */
static void test_utf8(void)
{
    static const struct { const char *hex; int valid; } cases[] =
    {
        { "", 1 }, { "41", 1 }, { "c3a9", 1 }, { "e282ac", 1 }, { "f09f9880", 1 }, { "f48fbfbf", 1 },
        { "efbfbf", 1 }, { "ed9fbf", 1 }, { "ee8080", 1 }, { "7f", 1 },
        { "80", 0 }, { "bf", 0 }, { "c0af", 0 }, { "c1bf", 0 }, { "e080af", 0 }, { "f08080af", 0 },
        { "eda080", 0 }, { "edbfbf", 0 }, { "f4908080", 0 }, { "f5808080", 0 }, { "ff", 0 }, { "fe", 0 },
        { "c3", 0 }, { "e282", 0 }, { "f09f98", 0 }, { "c328", 0 }, { "e228a1", 0 }, { "f0289f98", 0 },
        { "cebae1bdb9cf83cebcceb5", 1 }, { "cebae1bdb9cf83cebcceb5eda080", 0 },
    };
    uint8_t buf[64];
    size_t i, j, n;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        utf8_validator v;
        int bytewise = 0;
        n = unhex(cases[i].hex, buf);
        CHECK((utf8_valid(buf, n) == 0) == cases[i].valid, "utf8 %s", cases[i].hex);
        utf8v_init(&v);
        for (j = 0; j < n; j++) if (utf8v_feed(&v, buf + j, 1)) { bytewise = -1; break; }
        if (!bytewise) bytewise = utf8v_finish(&v);
        CHECK((bytewise == 0) == cases[i].valid, "byte-at-a-time utf8 %s", cases[i].hex);
    }
    {
        utf8_validator v;
        utf8v_init(&v);
        n = unhex("ff41", buf);
        CHECK(utf8v_feed(&v, buf, 1) == -1 && utf8v_feed(&v, buf + 1, 1) == -1, "invalid is sticky");
        utf8v_init(&v);
        n = unhex("e282ac", buf);
        CHECK(!utf8v_feed(&v, buf, 2) && utf8v_finish(&v) == -1 && !utf8v_feed(&v, buf + 2, 1) && !utf8v_finish(&v),
              "split character");
    }
}

/* ---- handshake, SHA-1, base64 ---- */
static void test_handshake(void)
{
    static const uint8_t nonce[16] = { 't', 'h', 'e', ' ', 's', 'a', 'm', 'p', 'l', 'e', ' ', 'n', 'o', 'n', 'c', 'e' };
    char key[WS_KEY_LEN + 1], accept[WS_ACCEPT_LEN + 1], hex[41], b64[64];
    uint8_t d[20];
    char *million;

    ws_make_key(nonce, key);
    CHECK(!strcmp(key, "dGhlIHNhbXBsZSBub25jZQ=="), "key %s", key);
    ws_accept_for_key(key, strlen(key), accept);
    CHECK(!strcmp(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "accept %s", accept);
    CHECK(ws_accept_matches(key, strlen(key), " s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\t", 30), "accept with spaces");
    CHECK(!ws_accept_matches(key, strlen(key), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo", 27), "short accept");
    CHECK(!ws_accept_matches(key, strlen(key), "S3pPLMBiTxaQ9kYGzzhZRbK+xOo=", 28), "case matters");

    sha1_digest("abc", 3, d); hexstr(d, 20, hex);
    CHECK(!strcmp(hex, "a9993e364706816aba3e25717850c26c9cd0d89d"), "sha1 abc %s", hex);
    sha1_digest("", 0, d); hexstr(d, 20, hex);
    CHECK(!strcmp(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709"), "sha1 empty %s", hex);
    sha1_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d); hexstr(d, 20, hex);
    CHECK(!strcmp(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"), "sha1 448 bits %s", hex);
    million = malloc(1000000);
    memset(million, 'a', 1000000);
    sha1_digest(million, 1000000, d); hexstr(d, 20, hex);
    CHECK(!strcmp(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"), "sha1 million a %s", hex);
    free(million);

    CHECK(base64_encode((const uint8_t *)"", 0, b64) == 0 && !strcmp(b64, ""), "b64 empty");
    CHECK(base64_encode((const uint8_t *)"f", 1, b64) == 4 && !strcmp(b64, "Zg=="), "b64 f");
    CHECK(base64_encode((const uint8_t *)"fo", 2, b64) == 4 && !strcmp(b64, "Zm8="), "b64 fo");
    CHECK(base64_encode((const uint8_t *)"foo", 3, b64) == 4 && !strcmp(b64, "Zm9v"), "b64 foo");
    CHECK(base64_encode((const uint8_t *)"foob", 4, b64) == 8 && !strcmp(b64, "Zm9vYg=="), "b64 foob");
    CHECK(base64_encode((const uint8_t *)"fooba", 5, b64) == 8 && !strcmp(b64, "Zm9vYmE="), "b64 fooba");
    CHECK(base64_encode((const uint8_t *)"foobar", 6, b64) == 8 && !strcmp(b64, "Zm9vYmFy"), "b64 foobar");
    CHECK(base64_encode((const uint8_t *)"\xff\xfe", 2, b64) == 4 && !strcmp(b64, "//4="), "b64 high bytes");
}

/* ---- HTTP ---- */
static void test_http(void)
{
    const char *resp = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection:  keep-alive, Upgrade \r\n"
                       "X-Empty:\r\n\r\nFRAME";
    http_status_line sl;
    const char *name, *value;
    size_t nlen, vlen, pos, end;
    uint64_t cl;
    int rc;

    end = http_header_block_end(resp, strlen(resp));
    CHECK(end == strlen(resp) - 5, "header block end %zu", end);
    CHECK(http_header_block_end(resp, 40) == 0, "incomplete block");
    CHECK(http_header_block_end("HTTP/1.0 200 OK\n\nbody", 21) == 17, "bare LF block");
    CHECK(!http_parse_status_line(resp, 32, &sl) && sl.status == 101 && sl.major == 1 && sl.minor == 1 &&
          sl.reason_len == 19 && !memcmp(sl.reason, "Switching Protocols", 19), "status line");
    CHECK(!http_parse_status_line("HTTP/1.0 404", 12, &sl) && sl.status == 404 && sl.reason_len == 0, "no reason");
    CHECK(http_parse_status_line("HTTP/1.1 20 OK", 14, &sl) == -1, "2-digit status");
    CHECK(http_parse_status_line("HTTX/1.1 200 OK", 15, &sl) == -1, "not HTTP");
    CHECK(http_parse_status_line("HTTP/1.1 2000 OK", 16, &sl) == -1, "4-digit status");
    CHECK(http_parse_status_line("HTTP/1.1 099 OK", 15, &sl) == -1, "status < 100");
    pos = 34;
    rc = http_next_header(resp, end, &pos, &name, &nlen, &value, &vlen);
    CHECK(rc == 1 && nlen == 7 && !memcmp(name, "Upgrade", 7) && vlen == 9 && !memcmp(value, "websocket", 9), "header 1");
    rc = http_next_header(resp, end, &pos, &name, &nlen, &value, &vlen);
    CHECK(rc == 1 && vlen == 19 && !memcmp(value, "keep-alive, Upgrade", 19), "header 2 trimmed");
    CHECK(http_list_has_token(value, vlen, "upgrade") && http_list_has_token(value, vlen, "KEEP-ALIVE") &&
          !http_list_has_token(value, vlen, "upgrad") && !http_list_has_token(value, vlen, "close"), "list tokens");
    rc = http_next_header(resp, end, &pos, &name, &nlen, &value, &vlen);
    CHECK(rc == 1 && nlen == 7 && vlen == 0, "empty value");
    rc = http_next_header(resp, end, &pos, &name, &nlen, &value, &vlen);
    CHECK(rc == 0 && pos == end, "end of headers");
    pos = 0;
    CHECK(http_next_header("NoColon\r\n\r\n", 11, &pos, &name, &nlen, &value, &vlen) == -1, "no colon");
    pos = 0;
    CHECK(http_next_header("Bad : x\r\n\r\n", 11, &pos, &name, &nlen, &value, &vlen) == -1, "space before colon");
    pos = 0;
    CHECK(http_next_header(" folded\r\n\r\n", 11, &pos, &name, &nlen, &value, &vlen) == -1, "folding");
    pos = 0;
    CHECK(http_next_header(": x\r\n\r\n", 7, &pos, &name, &nlen, &value, &vlen) == -1, "empty name");
    CHECK(http_token_eq("Content-Length", 14, "content-length", 14) && !http_token_eq("a", 1, "ab", 2), "token eq");
    CHECK(!http_parse_content_length(" 1234 ", 6, &cl) && cl == 1234, "content length");
    CHECK(!http_parse_content_length("18446744073709551615", 20, &cl) && cl == UINT64_MAX, "max content length");
    CHECK(http_parse_content_length("18446744073709551616", 20, &cl) == -1, "overflow");
    CHECK(http_parse_content_length("12a", 3, &cl) == -1 && http_parse_content_length("", 0, &cl) == -1 &&
          http_parse_content_length("-1", 2, &cl) == -1 && http_parse_content_length("1 2", 3, &cl) == -1, "bad lengths");
}

static long chunked_all(const char *in, size_t len, size_t piece, char *out, size_t *consumed_total, int *done)
{
    http_chunked c;
    uint8_t buf[512];
    size_t off = 0, outlen = 0;
    http_chunked_init(&c);
    *consumed_total = 0;
    while (off < len && !c.done)
    {
        size_t n = len - off < piece ? len - off : piece, consumed = 0;
        long got;
        memcpy(buf, in + off, n);
        got = http_chunked_decode(&c, buf, n, &consumed);
        if (got < 0) return -1;
        memcpy(out + outlen, buf, (size_t)got);
        outlen += (size_t)got;
        *consumed_total += consumed;
        if (!c.done && consumed != n) return -2;
        off += n;
    }
    *done = c.done;
    out[outlen] = 0;
    return (long)outlen;
}

static void test_chunked(void)
{
    const char *body = "7\r\nchunk-1\r\n9;ext=1\r\n|chunk-22\r\nA\r\n|chunk-333\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    size_t len = strlen(body), piece, consumed;
    char out[256];
    int done;
    long n;

    for (piece = 1; piece <= len; piece++)
    {
        n = chunked_all(body, len, piece, out, &consumed, &done);
        CHECK(n == 26 && done && !strcmp(out, "chunk-1|chunk-22|chunk-333") && consumed == len - 4,
              "chunked in pieces of %zu: n %ld consumed %zu done %d", piece, n, consumed, done);
    }
    n = chunked_all("0\r\n\r\n", 5, 5, out, &consumed, &done);
    CHECK(n == 0 && done && consumed == 5, "empty chunked body");
    n = chunked_all("3\r\nabc\r\n", 8, 8, out, &consumed, &done);
    CHECK(n == 3 && !done, "not finished yet");
    CHECK(chunked_all("x\r\nabc\r\n0\r\n\r\n", 13, 13, out, &consumed, &done) == -1, "bad hex");
    CHECK(chunked_all("\r\nabc", 5, 5, out, &consumed, &done) == -1, "no size");
    CHECK(chunked_all("3\r\nabcX0\r\n\r\n", 12, 12, out, &consumed, &done) == -1, "missing CRLF after data");
    CHECK(chunked_all("ffffffffffffffffff\r\n", 20, 20, out, &consumed, &done) == -1, "huge size");
    n = chunked_all("3\nabc\n0\n\n", 9, 9, out, &consumed, &done);
    CHECK(n == 3 && done, "bare LF chunked: %ld %d", n, done);
}

/* ---- URLs ---- */
static size_t widen(const char *s, uint16_t *out)
{
    size_t i;
    for (i = 0; s[i]; i++) out[i] = (uint8_t)s[i];
    return i;
}

static int part_eq(const uint16_t *url, url_part p, const char *want)
{
    size_t i;
    if (!p.present || p.len != strlen(want)) return 0;
    for (i = 0; i < p.len; i++) if (url[p.off + i] != (uint8_t)want[i]) return 0;
    return 1;
}

static void test_url(void)
{
    uint16_t u[256];
    url_parts p;
    size_t n;

    n = widen("http://example.com/path?q=1#f", u);
    CHECK(!url_crack(u, n, &p) && p.scheme == URL_SCHEME_HTTP && p.port == 80 && !p.port_explicit, "http");
    CHECK(part_eq(u, p.host, "example.com") && part_eq(u, p.path, "/path") && part_eq(u, p.extra, "?q=1#f") &&
          part_eq(u, p.scheme_name, "http") && !p.user.present, "http parts");
    n = widen("HTTPS://user:pa:ss@host:8443", u);
    CHECK(!url_crack(u, n, &p) && p.scheme == URL_SCHEME_HTTPS && p.port == 8443 && p.port_explicit, "https");
    CHECK(part_eq(u, p.user, "user") && part_eq(u, p.password, "pa:ss") && part_eq(u, p.host, "host") &&
          p.path.len == 0 && p.extra.len == 0, "https parts");
    n = widen("https://[::1]:9000/ws", u);
    CHECK(!url_crack(u, n, &p) && part_eq(u, p.host, "[::1]") && p.port == 9000, "IPv6");
    n = widen("https://[::1]/", u);
    CHECK(!url_crack(u, n, &p) && p.port == 443, "IPv6 default port");
    n = widen("http://h#frag", u);
    CHECK(!url_crack(u, n, &p) && part_eq(u, p.extra, "#frag") && p.path.len == 0, "fragment only");
    n = widen("http://user@h/", u);
    CHECK(!url_crack(u, n, &p) && part_eq(u, p.user, "user") && !p.password.present, "user only");
    CHECK(url_crack(u, widen("ftp://h/", u), &p) == -1, "ftp");
    CHECK(url_crack(u, widen("http:/h/", u), &p) == -1, "one slash");
    CHECK(url_crack(u, widen("http://", u), &p) == -1, "no host");
    CHECK(url_crack(u, widen("http:///x", u), &p) == -1, "empty host");
    CHECK(url_crack(u, widen("http://h:0/", u), &p) == -1, "port 0");
    CHECK(url_crack(u, widen("http://h:65536/", u), &p) == -1, "port 65536");
    CHECK(url_crack(u, widen("http://h:12a/", u), &p) == -1, "port not a number");
    CHECK(url_crack(u, widen("http://h:/", u), &p) == -1, "empty port");
    CHECK(url_crack(u, widen("example.com/x", u), &p) == -1, "no scheme");
    CHECK(url_crack(u, widen("http://[::1/", u), &p) == -1, "unclosed bracket");
    CHECK(!url_crack(u, widen("http://h:65535/", u), &p) && p.port == 65535, "port 65535");
    n = widen("a%20b%zz%4", u);
    n = url_unescape(u, u, n);
    CHECK(n == 8 && u[1] == ' ' && u[2] == 'b' && u[3] == '%' && u[7] == '4', "unescape %zu", n);
}

int main(void)
{
    test_frame_encode();
    test_mask_pieces();
    test_frame_parse();
    test_msgstate();
    test_close_payload();
    test_utf8();
    test_handshake();
    test_http();
    test_chunked();
    test_url();
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
