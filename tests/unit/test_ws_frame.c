/* WebSocket framing tests: RFC 6455 5.7 examples, error cases, masking,
 * fragmentation, close payloads. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "codec/ws_frame.h"

static const uint8_t rfc_key[4] = { 0x37, 0xfa, 0x21, 0x3d };

static void test_rfc_examples(void)
{
    uint8_t buf[64], frame[64];
    wsf_header h;
    size_t n, flen;
    int rc;

    /* A single-frame unmasked text message */
    flen = unit_unhex("81 05 48 65 6c 6c 6f", frame);
    n = wsf_encode_header(buf, 1, WSF_OP_TEXT, 5, NULL);
    CHECK_EQ(n, 2);
    CHECK(unit_mem_eq(buf, n, frame, 2));
    rc = wsf_parse_header(frame, flen, 1, &h);
    CHECK_EQ(rc, 2);
    CHECK_EQ(h.fin, 1);
    CHECK_EQ(h.rsv, 0);
    CHECK_EQ(h.opcode, WSF_OP_TEXT);
    CHECK_EQ(h.masked, 0);
    CHECK_EQ(h.payload_len, 5);
    CHECK_EQ(h.header_len, 2);
    CHECK(!memcmp(frame + 2, "Hello", 5));

    /* A single-frame masked text message */
    flen = unit_unhex("81 85 37 fa 21 3d 7f 9f 4d 51 58", frame);
    n = wsf_encode_header(buf, 1, WSF_OP_TEXT, 5, rfc_key);
    CHECK_EQ(n, 6);
    CHECK(unit_mem_eq(buf, n, frame, 6));
    wsf_mask(buf + n, (const uint8_t *)"Hello", 5, rfc_key, 0);
    CHECK(unit_mem_eq(buf, n + 5, frame, flen));
    rc = wsf_parse_header(frame, flen, 0, &h);
    CHECK_EQ(rc, 6);
    CHECK_EQ(h.masked, 1);
    CHECK(!memcmp(h.mask, rfc_key, 4));
    CHECK_EQ(h.payload_len, 5);
    wsf_mask(frame + 6, frame + 6, 5, h.mask, 0);
    CHECK(!memcmp(frame + 6, "Hello", 5));
    /* a client never accepts a masked frame from the server */
    rc = wsf_parse_header(buf, n + 5, 1, &h);
    CHECK_EQ(rc, WSF_ERR_MASKED);

    /* A fragmented unmasked text message */
    flen = unit_unhex("01 03 48 65 6c", frame);
    rc = wsf_parse_header(frame, flen, 1, &h);
    CHECK_EQ(rc, 2);
    CHECK_EQ(h.fin, 0);
    CHECK_EQ(h.opcode, WSF_OP_TEXT);
    CHECK_EQ(h.payload_len, 3);
    n = wsf_encode_header(buf, 0, WSF_OP_TEXT, 3, NULL);
    CHECK(unit_mem_eq(buf, n, frame, 2));
    flen = unit_unhex("80 02 6c 6f", frame);
    rc = wsf_parse_header(frame, flen, 1, &h);
    CHECK_EQ(rc, 2);
    CHECK_EQ(h.fin, 1);
    CHECK_EQ(h.opcode, WSF_OP_CONTINUATION);
    CHECK_EQ(h.payload_len, 2);
    n = wsf_encode_header(buf, 1, WSF_OP_CONTINUATION, 2, NULL);
    CHECK(unit_mem_eq(buf, n, frame, 2));

    /* Unmasked Ping, masked Pong */
    flen = unit_unhex("89 05 48 65 6c 6c 6f", frame);
    rc = wsf_parse_header(frame, flen, 1, &h);
    CHECK_EQ(rc, 2);
    CHECK_EQ(h.opcode, WSF_OP_PING);
    n = wsf_encode_header(buf, 1, WSF_OP_PING, 5, NULL);
    CHECK(unit_mem_eq(buf, n, frame, 2));
    flen = unit_unhex("8a 85 37 fa 21 3d 7f 9f 4d 51 58", frame);
    n = wsf_encode_header(buf, 1, WSF_OP_PONG, 5, rfc_key);
    wsf_mask(buf + n, (const uint8_t *)"Hello", 5, rfc_key, 0);
    CHECK(unit_mem_eq(buf, n + 5, frame, flen));
    rc = wsf_parse_header(frame, flen, 0, &h);
    CHECK_EQ(rc, 6);
    CHECK_EQ(h.opcode, WSF_OP_PONG);

    /* 256 bytes binary message in a single unmasked frame */
    flen = unit_unhex("82 7e 01 00", frame);
    n = wsf_encode_header(buf, 1, WSF_OP_BINARY, 256, NULL);
    CHECK(unit_mem_eq(buf, n, frame, flen));
    rc = wsf_parse_header(frame, flen, 1, &h);
    CHECK_EQ(rc, 4);
    CHECK_EQ(h.payload_len, 256);
    CHECK_EQ(h.opcode, WSF_OP_BINARY);

    /* 64KiB binary message in a single unmasked frame */
    flen = unit_unhex("82 7f 00 00 00 00 00 01 00 00", frame);
    n = wsf_encode_header(buf, 1, WSF_OP_BINARY, 65536, NULL);
    CHECK(unit_mem_eq(buf, n, frame, flen));
    rc = wsf_parse_header(frame, flen, 1, &h);
    CHECK_EQ(rc, 10);
    CHECK_EQ(h.payload_len, 65536);
}

static void test_length_boundaries(void)
{
    static const uint64_t lens[] = { 0, 1, 125, 126, 127, 65535, 65536, 0x7fffffffffffffffull, 0x123456789aull };
    static const size_t hlen[] = { 2, 2, 2, 4, 4, 4, 10, 10, 10 };
    uint8_t buf[WSF_MAX_HEADER];
    size_t i, n;
    int m;

    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
    {
        for (m = 0; m < 2; m++)
        {
            wsf_header h;
            size_t k;
            int rc;
            n = wsf_encode_header(buf, 1, WSF_OP_BINARY, lens[i], m ? rfc_key : NULL);
            CHECK_EQ(n, hlen[i] + (m ? 4 : 0));
            rc = wsf_parse_header(buf, n, 0, &h);
            CHECK_EQ(rc, (int)n);
            CHECKF(h.payload_len == lens[i], "len %llu", (unsigned long long)lens[i]);
            CHECK_EQ(h.masked, m);
            CHECK_EQ(h.header_len, n);
            if (m) CHECK(!memcmp(h.mask, rfc_key, 4));
            /* every strict prefix needs more */
            for (k = 0; k < n; k++)
                CHECKF(wsf_parse_header(buf, k, 0, &h) == WSF_NEED_MORE, "prefix %zu of %zu", k, n);
            /* extra trailing bytes are not part of the header */
            {
                uint8_t big[WSF_MAX_HEADER + 8];
                memcpy(big, buf, n);
                memset(big + n, 0xff, 8);
                CHECK_EQ(wsf_parse_header(big, n + 8, 0, &h), (int)n);
            }
        }
    }
    /* fin and opcode bits */
    n = wsf_encode_header(buf, 0, WSF_OP_CONTINUATION, 3, NULL);
    CHECK_EQ(buf[0], 0x00);
    CHECK_EQ(buf[1], 0x03);
    n = wsf_encode_header(buf, 1, WSF_OP_CLOSE, 2, rfc_key);
    CHECK_EQ(buf[0], 0x88);
    CHECK_EQ(buf[1], 0x82);
    CHECK_EQ(n, 6);
}

static void test_errors(void)
{
    uint8_t f[16];
    wsf_header h;
    int op, bit;

    /* reserved bits, each alone */
    for (bit = 0; bit < 3; bit++)
    {
        f[0] = (uint8_t)(0x81 | (0x10 << bit));
        f[1] = 0x00;
        CHECK_EQ(wsf_parse_header(f, 2, 1, &h), WSF_ERR_RESERVED_BITS);
    }
    /* reserved opcodes */
    for (op = 0; op < 16; op++)
    {
        int expect_ok = op <= 2 || (op >= 8 && op <= 10);
        f[0] = (uint8_t)(0x80 | op);
        f[1] = 0x00;
        if (expect_ok) CHECKF(wsf_parse_header(f, 2, 1, &h) == 2, "opcode %d", op);
        else CHECKF(wsf_parse_header(f, 2, 1, &h) == WSF_ERR_BAD_OPCODE, "opcode %d", op);
    }
    /* fragmented control frames */
    for (op = 8; op <= 10; op++)
    {
        f[0] = (uint8_t)op;
        f[1] = 0x00;
        CHECKF(wsf_parse_header(f, 2, 1, &h) == WSF_ERR_CONTROL_FRAGMENTED, "opcode %d", op);
    }
    /* control frames longer than 125 */
    f[0] = 0x89; f[1] = 125;
    CHECK_EQ(wsf_parse_header(f, 2, 1, &h), 2);
    f[1] = 126;
    CHECK_EQ(wsf_parse_header(f, 2, 1, &h), WSF_ERR_CONTROL_TOO_LONG);
    f[1] = 127;
    CHECK_EQ(wsf_parse_header(f, 2, 1, &h), WSF_ERR_CONTROL_TOO_LONG);
    f[0] = 0x88; f[1] = 126; f[2] = 0; f[3] = 2;  /* even non-minimal small lengths */
    CHECK_EQ(wsf_parse_header(f, 4, 1, &h), WSF_ERR_CONTROL_TOO_LONG);
    /* 64-bit length with the top bit */
    unit_unhex("82 7f 80 00 00 00 00 00 00 00", f);
    CHECK_EQ(wsf_parse_header(f, 10, 1, &h), WSF_ERR_LENGTH);
    CHECK_EQ(wsf_parse_header(f, 9, 1, &h), WSF_NEED_MORE);
    unit_unhex("82 7f 7f ff ff ff ff ff ff ff", f);
    CHECK_EQ(wsf_parse_header(f, 10, 1, &h), 10);
    CHECK(h.payload_len == 0x7fffffffffffffffull);
    /* masked */
    unit_unhex("82 80 01 02 03 04", f);
    CHECK_EQ(wsf_parse_header(f, 6, 1, &h), WSF_ERR_MASKED);
    CHECK_EQ(wsf_parse_header(f, 2, 1, &h), WSF_ERR_MASKED);
    CHECK_EQ(wsf_parse_header(f, 6, 0, &h), 6);
    CHECK_EQ(wsf_parse_header(f, 5, 0, &h), WSF_NEED_MORE);

    /* order of checks */
    f[0] = 0xf3; f[1] = 0xff;                   /* rsv + bad opcode + masked + 127 */
    CHECK_EQ(wsf_parse_header(f, 2, 1, &h), WSF_ERR_RESERVED_BITS);
    f[0] = 0x03;                                /* bad opcode, no fin */
    CHECK_EQ(wsf_parse_header(f, 2, 1, &h), WSF_ERR_BAD_OPCODE);
    f[0] = 0x09; f[1] = 0xfe;                   /* fragmented ping, too long, masked */
    CHECK_EQ(wsf_parse_header(f, 2, 1, &h), WSF_ERR_CONTROL_FRAGMENTED);
    f[0] = 0x89;
    CHECK_EQ(wsf_parse_header(f, 2, 1, &h), WSF_ERR_CONTROL_TOO_LONG);
    unit_unhex("82 ff 80 00 00 00 00 00 00 00", f); /* masked and top bit */
    CHECK_EQ(wsf_parse_header(f, 10, 1, &h), WSF_ERR_LENGTH);

    /* empty / one byte input */
    CHECK_EQ(wsf_parse_header(f, 0, 1, &h), WSF_NEED_MORE);
    CHECK_EQ(wsf_parse_header(f, 1, 1, &h), WSF_NEED_MORE);

    /* close codes and names */
    {
        static const int errs[] = { WSF_ERR_RESERVED_BITS, WSF_ERR_BAD_OPCODE, WSF_ERR_CONTROL_TOO_LONG,
            WSF_ERR_CONTROL_FRAGMENTED, WSF_ERR_MASKED, WSF_ERR_LENGTH, WSF_ERR_UNEXPECTED_CONTINUATION,
            WSF_ERR_EXPECTED_CONTINUATION, WSF_ERR_BAD_CLOSE_PAYLOAD, WSF_ERR_BAD_CLOSE_CODE };
        size_t i, j;
        for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
        {
            CHECKF(wsf_error_close_code(errs[i]) == 1002, "error %d", errs[i]);
            CHECK(wsf_error_name(errs[i]) != NULL);
            for (j = 0; j < i; j++) CHECK(strcmp(wsf_error_name(errs[i]), wsf_error_name(errs[j])));
        }
        CHECK_EQ(wsf_error_close_code(WSF_ERR_INVALID_UTF8), 1007);
        CHECK(wsf_error_name(WSF_ERR_INVALID_UTF8) != NULL);
        CHECK(wsf_error_name(WSF_NEED_MORE) != NULL);
        CHECK(wsf_error_name(-99) != NULL);
    }
}

static void ref_mask(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t key[4], uint64_t off)
{
    size_t i;
    for (i = 0; i < len; i++) dst[i] = src[i] ^ key[(off + i) % 4];
}

static void test_mask(void)
{
    enum { N = 1000 };
    uint8_t *src = malloc(N + 16), *whole = malloc(N + 16), *pieces = malloc(N + 16), *ref = malloc(N + 16);
    const uint8_t key[4] = { 0xa1, 0x5b, 0x3c, 0xe7 };
    size_t i, len, cut, align;
    int ok;

    for (i = 0; i < N + 16; i++) src[i] = (uint8_t)(i * 7 + 3);

    /* every length 0..80 at every source alignment and key offset */
    ok = 1;
    for (len = 0; len <= 80; len++)
        for (align = 0; align < 8; align++)
        {
            uint64_t off;
            for (off = 0; off < 5; off++)
            {
                ref_mask(ref, src + align, len, key, off);
                wsf_mask(whole + align, src + align, len, key, off);
                if (len && memcmp(whole + align, ref, len)) ok = 0;
            }
        }
    CHECKF(ok, "wsf_mask matches the bytewise reference");

    /* huge key offsets only matter mod 4 */
    ref_mask(ref, src, 50, key, 3);
    wsf_mask(whole, src, 50, key, 0xfffffffffffffff7ull);
    CHECK(!memcmp(whole, ref, 50));

    /* masking in pieces equals masking whole */
    wsf_mask(whole, src, N, key, 0);
    ok = 1;
    for (cut = 0; cut <= 40; cut++)
    {
        size_t pos = 0, step = cut ? cut : 1;
        while (pos < N)
        {
            size_t n = N - pos < step ? N - pos : step;
            wsf_mask(pieces + pos, src + pos, n, key, pos);
            pos += n;
            step = step % 13 + 1;   /* uneven piece sizes */
        }
        if (memcmp(pieces, whole, N)) ok = 0;
    }
    CHECKF(ok, "piecewise masking equals whole masking");

    /* in place; masking twice restores */
    memcpy(pieces, src, N);
    wsf_mask(pieces, pieces, N, key, 0);
    CHECK(!memcmp(pieces, whole, N));
    wsf_mask(pieces, pieces, N, key, 0);
    CHECK(!memcmp(pieces, src, N));
    /* len 0 touches nothing */
    pieces[0] = 0x55;
    wsf_mask(pieces, src, 0, key, 1);
    CHECK_EQ(pieces[0], 0x55);

    free(src);
    free(whole);
    free(pieces);
    free(ref);
}

static wsf_header hdr(int fin, int opcode)
{
    wsf_header h;
    memset(&h, 0, sizeof(h));
    h.fin = fin;
    h.opcode = opcode;
    return h;
}

static void test_msgstate(void)
{
    wsf_msgstate s;
    wsf_header h;
    int t;

    wsf_msgstate_init(&s);
    CHECK_EQ(s.in_message, 0);

    /* unfragmented text and binary */
    h = hdr(1, WSF_OP_TEXT);
    t = -1;
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_TEXT);
    CHECK_EQ(s.in_message, 0);
    h = hdr(1, WSF_OP_BINARY);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_BINARY);

    /* continuation without a message */
    h = hdr(1, WSF_OP_CONTINUATION);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), WSF_ERR_UNEXPECTED_CONTINUATION);
    h = hdr(0, WSF_OP_CONTINUATION);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, NULL), WSF_ERR_UNEXPECTED_CONTINUATION);

    /* fragmented binary with interleaved control frames */
    h = hdr(0, WSF_OP_BINARY);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_BINARY);
    CHECK_EQ(s.in_message, 1);
    CHECK_EQ(s.msg_opcode, WSF_OP_BINARY);
    h = hdr(1, WSF_OP_PING);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_PING);
    CHECK_EQ(s.in_message, 1);
    h = hdr(0, WSF_OP_CONTINUATION);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_BINARY);
    CHECK_EQ(s.in_message, 1);
    h = hdr(1, WSF_OP_PONG);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_PONG);
    /* new data frame inside the message */
    h = hdr(1, WSF_OP_TEXT);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), WSF_ERR_EXPECTED_CONTINUATION);
    h = hdr(0, WSF_OP_BINARY);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), WSF_ERR_EXPECTED_CONTINUATION);
    h = hdr(1, WSF_OP_CONTINUATION);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_BINARY);
    CHECK_EQ(s.in_message, 0);
    h = hdr(1, WSF_OP_CONTINUATION);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), WSF_ERR_UNEXPECTED_CONTINUATION);

    /* fragmented text, then close in the middle */
    h = hdr(0, WSF_OP_TEXT);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_TEXT);
    h = hdr(1, WSF_OP_CLOSE);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_CLOSE);
    CHECK_EQ(s.in_message, 1);
    CHECK_EQ(s.msg_opcode, WSF_OP_TEXT);
    h = hdr(1, WSF_OP_CONTINUATION);
    CHECK_EQ(wsf_msgstate_frame(&s, &h, &t), 0);
    CHECK_EQ(t, WSF_OP_TEXT);
    CHECK_EQ(s.in_message, 0);

    /* the RFC's fragmented "Hello" through parse + msgstate */
    {
        uint8_t f[8];
        wsf_header ph;
        wsf_msgstate_init(&s);
        unit_unhex("01 03", f);
        CHECK_EQ(wsf_parse_header(f, 2, 1, &ph), 2);
        CHECK_EQ(wsf_msgstate_frame(&s, &ph, &t), 0);
        CHECK_EQ(t, WSF_OP_TEXT);
        unit_unhex("80 02", f);
        CHECK_EQ(wsf_parse_header(f, 2, 1, &ph), 2);
        CHECK_EQ(wsf_msgstate_frame(&s, &ph, &t), 0);
        CHECK_EQ(t, WSF_OP_TEXT);
        CHECK_EQ(s.in_message, 0);
    }
}

static void test_close_codes(void)
{
    uint32_t c;
    int ok = 1;

    for (c = 0; c <= 0xffff; c++)
    {
        int expect = (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
        if (!!wsf_close_code_valid((uint16_t)c) != expect) { ok = 0; printf("close code %u\n", c); }
    }
    CHECKF(ok, "close code validity over the whole range");
    CHECK(wsf_close_code_valid(1000));
    CHECK(wsf_close_code_valid(1001));
    CHECK(wsf_close_code_valid(1002));
    CHECK(wsf_close_code_valid(1003));
    CHECK(!wsf_close_code_valid(1004));
    CHECK(!wsf_close_code_valid(1005));
    CHECK(!wsf_close_code_valid(1006));
    CHECK(wsf_close_code_valid(1007));
    CHECK(wsf_close_code_valid(1011));
    CHECK(wsf_close_code_valid(1014));
    CHECK(!wsf_close_code_valid(1015));
    CHECK(!wsf_close_code_valid(1016));
    CHECK(!wsf_close_code_valid(0));
    CHECK(!wsf_close_code_valid(999));
    CHECK(!wsf_close_code_valid(2999));
    CHECK(wsf_close_code_valid(3000));
    CHECK(wsf_close_code_valid(4999));
    CHECK(!wsf_close_code_valid(5000));
    CHECK(!wsf_close_code_valid(65535));
}

static void test_close_payload(void)
{
    uint8_t buf[WSF_MAX_CONTROL_PAYLOAD] = { 0 };
    const uint8_t *reason;
    size_t reason_len, n;
    uint16_t code;
    int has_code;

    /* empty */
    has_code = 7;
    CHECK_EQ(wsf_close_parse(buf, 0, &has_code, &code, &reason, &reason_len), 0);
    CHECK_EQ(has_code, 0);
    CHECK_EQ(reason_len, 0);
    /* one byte */
    buf[0] = 0x03;
    CHECK_EQ(wsf_close_parse(buf, 1, &has_code, &code, &reason, &reason_len), WSF_ERR_BAD_CLOSE_PAYLOAD);
    /* code only */
    n = wsf_close_build(buf, 1000, NULL, 0);
    CHECK_EQ(n, 2);
    CHECK_EQ(buf[0], 0x03);
    CHECK_EQ(buf[1], 0xe8);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), 0);
    CHECK_EQ(has_code, 1);
    CHECK_EQ(code, 1000);
    CHECK_EQ(reason_len, 0);
    /* code + reason */
    n = wsf_close_build(buf, 4321, "bye \xc3\xa9t\xc3\xa9", 9);
    CHECK_EQ(n, 11);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), 0);
    CHECK_EQ(code, 4321);
    CHECK(unit_mem_eq(reason, reason_len, "bye \xc3\xa9t\xc3\xa9", 9));
    CHECK(reason == buf + 2);
    /* invalid codes */
    n = wsf_close_build(buf, 1005, "x", 1);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_BAD_CLOSE_CODE);
    n = wsf_close_build(buf, 1006, NULL, 0);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_BAD_CLOSE_CODE);
    n = wsf_close_build(buf, 999, NULL, 0);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_BAD_CLOSE_CODE);
    n = wsf_close_build(buf, 5000, NULL, 0);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_BAD_CLOSE_CODE);
    n = wsf_close_build(buf, 0, NULL, 0);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_BAD_CLOSE_CODE);
    /* bad UTF-8 reasons: lone continuation, overlong, surrogate, truncated */
    n = wsf_close_build(buf, 1000, "\x80", 1);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_INVALID_UTF8);
    n = wsf_close_build(buf, 1000, "ab\xc0\x80", 4);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_INVALID_UTF8);
    n = wsf_close_build(buf, 1001, "\xed\xa0\x80", 3);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_INVALID_UTF8);
    n = wsf_close_build(buf, 3000, "ok\xe2\x82", 4);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_INVALID_UTF8);
    /* bad code wins over bad reason */
    n = wsf_close_build(buf, 1004, "\xff", 1);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), WSF_ERR_BAD_CLOSE_CODE);
    /* maximal reason */
    {
        char r[WSF_MAX_CLOSE_REASON];
        memset(r, 'r', sizeof(r));
        n = wsf_close_build(buf, 1000, r, sizeof(r));
    }
    CHECK_EQ(n, WSF_MAX_CONTROL_PAYLOAD);
    CHECK_EQ(wsf_close_parse(buf, n, &has_code, &code, &reason, &reason_len), 0);
    CHECK_EQ(reason_len, WSF_MAX_CLOSE_REASON);
}

void test_ws_frame(void)
{
    test_rfc_examples();
    test_length_boundaries();
    test_errors();
    test_mask();
    test_msgstate();
    test_close_codes();
    test_close_payload();
}
