/* libFuzzer target: WebSocket frame stream parsing, fragmentation state,
 * close payloads and UTF-8 validation, with cross-checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codec/ws_frame.h"
#include "codec/utf8.h"

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

static int utf8_bytewise(const uint8_t *p, size_t len)
{
    utf8_validator v;
    size_t i;
    int failed = 0;
    utf8v_init(&v);
    for (i = 0; i < len; i++)
    {
        int rc = utf8v_feed(&v, p + i, 1);
        if (failed) REQUIRE(rc == -1);   /* sticky */
        if (rc) failed = 1;
    }
    if (failed) return -1;
    return utf8v_finish(&v);
}

static void check_utf8(const uint8_t *p, size_t len, size_t cut)
{
    utf8_validator v;
    int whole = utf8_valid(p, len), split;

    REQUIRE(whole == 0 || whole == -1);
    REQUIRE(utf8_bytewise(p, len) == whole);
    if (cut > len) cut = len;
    utf8v_init(&v);
    split = utf8v_feed(&v, p, cut);
    if (!split) split = utf8v_feed(&v, p + cut, len - cut);
    if (!split) split = utf8v_finish(&v);
    REQUIRE(split == whole);
}

static void check_header(const uint8_t *buf, size_t len, int reject_masked, int rc, const wsf_header *h)
{
    uint8_t enc[WSF_MAX_HEADER];
    wsf_header h2;
    size_t k, n;

    /* every strict prefix of a complete header needs more data; errors are
     * reported consistently once detectable */
    for (k = 0; k < (size_t)rc; k++)
    {
        int r = wsf_parse_header(buf, k, reject_masked, &h2);
        REQUIRE(r == WSF_NEED_MORE);
    }
    REQUIRE(h->header_len == (size_t)rc);
    REQUIRE(h->rsv == 0);
    REQUIRE(h->fin == 0 || h->fin == 1);
    REQUIRE(h->masked == 0 || h->masked == 1);
    REQUIRE(!(reject_masked && h->masked));
    REQUIRE(!(h->payload_len >> 63));
    if (h->opcode >= 8) REQUIRE(h->fin && h->payload_len <= WSF_MAX_CONTROL_PAYLOAD);

    /* encode(parse(x)) parses back to the same header */
    n = wsf_encode_header(enc, h->fin, h->opcode, h->payload_len, h->masked ? h->mask : NULL);
    REQUIRE(n >= 2 && n <= WSF_MAX_HEADER && n <= (size_t)rc);
    REQUIRE(wsf_parse_header(enc, n, 0, &h2) == (int)n);
    REQUIRE(h2.fin == h->fin && h2.opcode == h->opcode && h2.masked == h->masked &&
            h2.payload_len == h->payload_len && !memcmp(h2.mask, h->mask, 4));
    /* and byte-identical when the input used the minimal length encoding */
    if (n == (size_t)rc) REQUIRE(!memcmp(enc, buf, n));
    (void)len;
}

static void check_close(const uint8_t *p, size_t len)
{
    const uint8_t *reason;
    size_t reason_len;
    uint16_t code;
    int has_code, rc = wsf_close_parse(p, len, &has_code, &code, &reason, &reason_len);

    if (len == 0) { REQUIRE(rc == 0 && !has_code); return; }
    if (len == 1) { REQUIRE(rc == WSF_ERR_BAD_CLOSE_PAYLOAD); return; }
    if (!rc)
    {
        uint8_t out[4096 + 2];
        REQUIRE(has_code && wsf_close_code_valid(code));
        REQUIRE(reason == p + 2 && reason_len == len - 2);
        REQUIRE(!utf8_valid(reason, reason_len));
        if (len <= sizeof(out))
        {
            REQUIRE(wsf_close_build(out, code, reason, reason_len) == len);
            REQUIRE(!memcmp(out, p, len));
        }
    }
    else if (rc == WSF_ERR_BAD_CLOSE_CODE)
        REQUIRE(!wsf_close_code_valid((uint16_t)((p[0] << 8) | p[1])));
    else
    {
        REQUIRE(rc == WSF_ERR_INVALID_UTF8);
        REQUIRE(utf8_valid(p + 2, len - 2) == -1);
    }
    REQUIRE(wsf_error_close_code(rc ? rc : WSF_ERR_BAD_CLOSE_CODE) == (rc == WSF_ERR_INVALID_UTF8 ? 1007 : 1002));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wsf_msgstate ms;
    size_t pos, cut;
    int reject_masked;
    uint8_t *copy;

    if (!size) return 0;
    reject_masked = data[0] & 1;
    cut = data[0] >> 1;
    data++;
    size--;

    check_utf8(data, size, cut);
    check_close(data, size);

    copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    wsf_msgstate_init(&ms);
    pos = 0;
    while (pos < size)
    {
        wsf_header h;
        int rc = wsf_parse_header(copy + pos, size - pos, reject_masked, &h), t = -1, mrc;
        size_t avail, plen;
        uint8_t *payload;

        REQUIRE(rc >= WSF_ERR_INVALID_UTF8 && rc <= WSF_MAX_HEADER);
        if (rc < 0)
        {
            REQUIRE(wsf_error_close_code(rc) == 1002);
            REQUIRE(wsf_error_name(rc) != NULL);
            break;
        }
        if (rc == 0) break;
        check_header(copy + pos, size - pos, reject_masked, rc, &h);
        pos += (size_t)rc;

        {
            wsf_msgstate before = ms;
            mrc = wsf_msgstate_frame(&ms, &h, &t);
            if (h.opcode >= 8)
            {
                REQUIRE(mrc == 0 && t == h.opcode);
                REQUIRE(ms.in_message == before.in_message && ms.msg_opcode == before.msg_opcode);
            }
            else if (mrc)
            {
                REQUIRE(mrc == (h.opcode == WSF_OP_CONTINUATION ? WSF_ERR_UNEXPECTED_CONTINUATION
                                                                : WSF_ERR_EXPECTED_CONTINUATION));
                REQUIRE(before.in_message == (h.opcode != WSF_OP_CONTINUATION));
                break;
            }
            else
            {
                REQUIRE(t == WSF_OP_TEXT || t == WSF_OP_BINARY);
                REQUIRE(ms.in_message == !h.fin);
                if (ms.in_message) REQUIRE(ms.msg_opcode == t);
            }
        }

        avail = size - pos;
        plen = h.payload_len < avail ? (size_t)h.payload_len : avail;
        payload = copy + pos;
        if (h.masked && plen)
        {
            uint8_t *a = malloc(plen), *b = malloc(plen);
            size_t split = (size_t)h.mask[0] % (plen + 1);
            wsf_mask(a, payload, plen, h.mask, 0);
            wsf_mask(b, payload, split, h.mask, 0);
            wsf_mask(b + split, payload + split, plen - split, h.mask, split);
            REQUIRE(!memcmp(a, b, plen));
            wsf_mask(b, a, plen, h.mask, 0);   /* involution */
            REQUIRE(!memcmp(b, payload, plen));
            wsf_mask(payload, payload, plen, h.mask, 0);   /* in place */
            REQUIRE(!memcmp(a, payload, plen));
            free(a);
            free(b);
        }
        if (t == WSF_OP_TEXT) check_utf8(payload, plen, plen / 2);
        if (h.opcode == WSF_OP_CLOSE && plen == h.payload_len) check_close(payload, plen);
        pos += plen;
    }
    free(copy);
    return 0;
}
