/* WebSocket framing (RFC 6455 section 5): header encode/parse, masking,
 * fragmentation rules, close payloads. */
#include <string.h>
#include "codec/ws_frame.h"
#include "codec/utf8.h"

uint16_t wsf_error_close_code(int err)
{
    return err == WSF_ERR_INVALID_UTF8 ? 1007 : 1002;
}

const char *wsf_error_name(int err)
{
    switch (err)
    {
    case WSF_NEED_MORE: return "need more data";
    case WSF_ERR_RESERVED_BITS: return "reserved bits set";
    case WSF_ERR_BAD_OPCODE: return "reserved opcode";
    case WSF_ERR_CONTROL_TOO_LONG: return "control frame longer than 125 bytes";
    case WSF_ERR_CONTROL_FRAGMENTED: return "fragmented control frame";
    case WSF_ERR_MASKED: return "masked frame from server";
    case WSF_ERR_LENGTH: return "64-bit length with the top bit set";
    case WSF_ERR_UNEXPECTED_CONTINUATION: return "continuation without a message";
    case WSF_ERR_EXPECTED_CONTINUATION: return "new message inside a fragmented one";
    case WSF_ERR_BAD_CLOSE_PAYLOAD: return "close payload of one byte";
    case WSF_ERR_BAD_CLOSE_CODE: return "close code not allowed";
    case WSF_ERR_INVALID_UTF8: return "invalid UTF-8";
    }
    return "unknown error";
}

size_t wsf_encode_header(uint8_t *out, int fin, int opcode, uint64_t payload_len, const uint8_t mask[4])
{
    size_t n = 2;
    uint8_t mbit = mask ? 0x80 : 0;

    out[0] = (uint8_t)((fin ? 0x80 : 0) | (opcode & 0x0f));
    if (payload_len < 126) out[1] = mbit | (uint8_t)payload_len;
    else if (payload_len <= 0xffff)
    {
        out[1] = mbit | 126;
        out[2] = (uint8_t)(payload_len >> 8);
        out[3] = (uint8_t)payload_len;
        n = 4;
    }
    else
    {
        int i;
        out[1] = mbit | 127;
        for (i = 0; i < 8; i++) out[2 + i] = (uint8_t)(payload_len >> (56 - 8 * i));
        n = 10;
    }
    if (mask)
    {
        memcpy(out + n, mask, 4);
        n += 4;
    }
    return n;
}

void wsf_mask(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t mask[4], uint64_t key_offset)
{
    uint8_t key[8];
    uint64_t k64;
    size_t i = 0, r = (size_t)(key_offset & 3);
    int j;

    /* the key rotated so that key[0] applies to src[0] */
    for (j = 0; j < 8; j++) key[j] = mask[(r + j) & 3];
    memcpy(&k64, key, 8);
    for (; i + 8 <= len; i += 8)
    {
        uint64_t v;
        memcpy(&v, src + i, 8);
        v ^= k64;
        memcpy(dst + i, &v, 8);
    }
    for (; i < len; i++) dst[i] = src[i] ^ key[i & 7];
}

int wsf_parse_header(const uint8_t *buf, size_t len, int reject_masked, wsf_header *h)
{
    size_t need = 2;
    uint64_t plen;
    int op;

    if (len < 2) return WSF_NEED_MORE;
    h->fin = buf[0] >> 7;
    h->rsv = (buf[0] >> 4) & 7;
    h->opcode = op = buf[0] & 0x0f;
    h->masked = buf[1] >> 7;
    plen = buf[1] & 0x7f;
    if (h->rsv) return WSF_ERR_RESERVED_BITS;
    if ((op > WSF_OP_BINARY && op < WSF_OP_CLOSE) || op > WSF_OP_PONG) return WSF_ERR_BAD_OPCODE;
    if (op >= WSF_OP_CLOSE && !h->fin) return WSF_ERR_CONTROL_FRAGMENTED;
    if (op >= WSF_OP_CLOSE && plen > WSF_MAX_CONTROL_PAYLOAD) return WSF_ERR_CONTROL_TOO_LONG;
    if (plen == 126) need += 2;
    else if (plen == 127) need += 8;
    if (len < need) return WSF_NEED_MORE;
    if (plen == 126) plen = ((uint64_t)buf[2] << 8) | buf[3];
    else if (plen == 127)
    {
        int i;
        if (buf[2] & 0x80) return WSF_ERR_LENGTH;
        plen = 0;
        for (i = 0; i < 8; i++) plen = (plen << 8) | buf[2 + i];
    }
    if (h->masked && reject_masked) return WSF_ERR_MASKED;
    if (h->masked)
    {
        if (len < need + 4) return WSF_NEED_MORE;
        memcpy(h->mask, buf + need, 4);
        need += 4;
    }
    else memset(h->mask, 0, 4);
    h->payload_len = plen;
    h->header_len = need;
    return (int)need;
}

void wsf_msgstate_init(wsf_msgstate *s)
{
    s->in_message = 0;
    s->msg_opcode = 0;
}

int wsf_msgstate_frame(wsf_msgstate *s, const wsf_header *h, int *msg_opcode)
{
    if (h->opcode >= WSF_OP_CLOSE)
    {
        if (msg_opcode) *msg_opcode = h->opcode;
        return 0;
    }
    if (h->opcode == WSF_OP_CONTINUATION)
    {
        if (!s->in_message) return WSF_ERR_UNEXPECTED_CONTINUATION;
    }
    else
    {
        if (s->in_message) return WSF_ERR_EXPECTED_CONTINUATION;
        s->msg_opcode = h->opcode;
    }
    if (msg_opcode) *msg_opcode = s->msg_opcode;
    s->in_message = !h->fin;
    return 0;
}

int wsf_close_code_valid(uint16_t code)
{
    if (code >= 1000 && code <= 1003) return 1;
    if (code >= 1007 && code <= 1014) return 1;
    if (code >= 3000 && code <= 4999) return 1;
    return 0;
}

int wsf_close_parse(const uint8_t *payload, size_t len, int *has_code, uint16_t *code,
                    const uint8_t **reason, size_t *reason_len)
{
    *has_code = 0;
    *code = 0;
    *reason = NULL;
    *reason_len = 0;
    if (!len) return 0;
    if (len == 1) return WSF_ERR_BAD_CLOSE_PAYLOAD;
    *code = (uint16_t)((payload[0] << 8) | payload[1]);
    if (!wsf_close_code_valid(*code)) return WSF_ERR_BAD_CLOSE_CODE;
    if (utf8_valid(payload + 2, len - 2)) return WSF_ERR_INVALID_UTF8;
    *has_code = 1;
    *reason = payload + 2;
    *reason_len = len - 2;
    return 0;
}

size_t wsf_close_build(uint8_t *out, uint16_t code, const void *reason, size_t reason_len)
{
    out[0] = (uint8_t)(code >> 8);
    out[1] = (uint8_t)code;
    if (reason_len) memcpy(out + 2, reason, reason_len);
    return 2 + reason_len;
}
