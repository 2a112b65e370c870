/* RFC 6455 section 5 framing: header encoding and parsing, payload masking,
 * fragmentation sequencing and close frame payloads. */
#include <string.h>
#include "codec/ws_frame.h"
#include "codec/utf8.h"

uint16_t wsf_error_close_code(int err)
{
    if (err == WSF_ERR_INVALID_UTF8) return 1007;  /* invalid frame payload data */
    return 1002;                                   /* protocol error */
}

const char *wsf_error_name(int err)
{
    switch (err)
    {
    case WSF_NEED_MORE:                   return "WSF_NEED_MORE";
    case WSF_ERR_RESERVED_BITS:           return "WSF_ERR_RESERVED_BITS";
    case WSF_ERR_BAD_OPCODE:              return "WSF_ERR_BAD_OPCODE";
    case WSF_ERR_CONTROL_TOO_LONG:        return "WSF_ERR_CONTROL_TOO_LONG";
    case WSF_ERR_CONTROL_FRAGMENTED:      return "WSF_ERR_CONTROL_FRAGMENTED";
    case WSF_ERR_MASKED:                  return "WSF_ERR_MASKED";
    case WSF_ERR_LENGTH:                  return "WSF_ERR_LENGTH";
    case WSF_ERR_UNEXPECTED_CONTINUATION: return "WSF_ERR_UNEXPECTED_CONTINUATION";
    case WSF_ERR_EXPECTED_CONTINUATION:   return "WSF_ERR_EXPECTED_CONTINUATION";
    case WSF_ERR_BAD_CLOSE_PAYLOAD:       return "WSF_ERR_BAD_CLOSE_PAYLOAD";
    case WSF_ERR_BAD_CLOSE_CODE:          return "WSF_ERR_BAD_CLOSE_CODE";
    case WSF_ERR_INVALID_UTF8:            return "WSF_ERR_INVALID_UTF8";
    default:                              return "WSF_ERR_UNKNOWN";
    }
}

static int is_control(int opcode) { return (opcode & 0x8) != 0; }

static int opcode_defined(int opcode)
{
    switch (opcode)
    {
    case WSF_OP_CONTINUATION: case WSF_OP_TEXT: case WSF_OP_BINARY:
    case WSF_OP_CLOSE: case WSF_OP_PING: case WSF_OP_PONG:
        return 1;
    default:
        return 0;
    }
}

size_t wsf_encode_header(uint8_t *out, int fin, int opcode, uint64_t payload_len, const uint8_t mask[4])
{
    size_t n = 2;
    uint8_t mask_bit = mask ? 0x80 : 0x00;

    out[0] = (uint8_t)((fin ? 0x80 : 0x00) | (opcode & 0x0f));
    if (payload_len < 126)
        out[1] = (uint8_t)(mask_bit | payload_len);
    else if (payload_len <= 0xffff)
    {
        out[1] = mask_bit | 126;
        out[2] = (uint8_t)(payload_len >> 8);
        out[3] = (uint8_t)payload_len;
        n = 4;
    }
    else
    {
        int i;
        out[1] = mask_bit | 127;
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
    uint64_t wide;
    size_t i = 0;
    unsigned rot = (unsigned)(key_offset & 3);

    if (!len) return;
    /* key rotated so that key[0] applies to src[0]; doubled to 8 bytes.  Any
     * 8-byte step keeps the phase since 8 is a multiple of 4. */
    for (i = 0; i < 8; i++) key[i] = mask[(rot + i) & 3];
    memcpy(&wide, key, 8);

    i = 0;
    for (; len - i >= 32; i += 32)
    {
        uint64_t a, b, c, d;
        memcpy(&a, src + i, 8);
        memcpy(&b, src + i + 8, 8);
        memcpy(&c, src + i + 16, 8);
        memcpy(&d, src + i + 24, 8);
        a ^= wide; b ^= wide; c ^= wide; d ^= wide;
        memcpy(dst + i, &a, 8);
        memcpy(dst + i + 8, &b, 8);
        memcpy(dst + i + 16, &c, 8);
        memcpy(dst + i + 24, &d, 8);
    }
    for (; len - i >= 8; i += 8)
    {
        uint64_t w;
        memcpy(&w, src + i, 8);
        w ^= wide;
        memcpy(dst + i, &w, 8);
    }
    for (; i < len; i++) dst[i] = src[i] ^ key[i & 7];
}

int wsf_parse_header(const uint8_t *buf, size_t len, int reject_masked, wsf_header *h)
{
    uint8_t b0, b1;
    int fin, rsv, opcode, masked;
    unsigned len7;
    uint64_t payload_len;
    size_t need;

    if (len < 2) return WSF_NEED_MORE;
    b0 = buf[0];
    b1 = buf[1];
    fin = b0 >> 7;
    rsv = (b0 >> 4) & 7;
    opcode = b0 & 0x0f;
    masked = b1 >> 7;
    len7 = b1 & 0x7f;

    if (rsv) return WSF_ERR_RESERVED_BITS;
    if (!opcode_defined(opcode)) return WSF_ERR_BAD_OPCODE;
    if (is_control(opcode))
    {
        if (!fin) return WSF_ERR_CONTROL_FRAGMENTED;
        if (len7 > WSF_MAX_CONTROL_PAYLOAD) return WSF_ERR_CONTROL_TOO_LONG;
    }

    need = 2;
    if (len7 == 126)
    {
        if (len < 4) return WSF_NEED_MORE;
        payload_len = ((uint64_t)buf[2] << 8) | buf[3];
        need = 4;
    }
    else if (len7 == 127)
    {
        int i;
        if (len < 10) return WSF_NEED_MORE;
        if (buf[2] & 0x80) return WSF_ERR_LENGTH;
        payload_len = 0;
        for (i = 0; i < 8; i++) payload_len = (payload_len << 8) | buf[2 + i];
        need = 10;
    }
    else
        payload_len = len7;

    if (masked && reject_masked) return WSF_ERR_MASKED;
    if (masked) need += 4;
    if (len < need) return WSF_NEED_MORE;

    h->fin = fin;
    h->rsv = rsv;
    h->opcode = opcode;
    h->masked = masked;
    if (masked) memcpy(h->mask, buf + need - 4, 4);
    else memset(h->mask, 0, 4);
    h->payload_len = payload_len;
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
    int type;

    if (is_control(h->opcode))
    {
        if (msg_opcode) *msg_opcode = h->opcode;
        return 0;
    }
    if (h->opcode == WSF_OP_CONTINUATION)
    {
        if (!s->in_message) return WSF_ERR_UNEXPECTED_CONTINUATION;
        type = s->msg_opcode;
        if (h->fin)
        {
            s->in_message = 0;
            s->msg_opcode = 0;
        }
    }
    else if (h->opcode == WSF_OP_TEXT || h->opcode == WSF_OP_BINARY)
    {
        if (s->in_message) return WSF_ERR_EXPECTED_CONTINUATION;
        type = h->opcode;
        if (!h->fin)
        {
            s->in_message = 1;
            s->msg_opcode = type;
        }
    }
    else
        return WSF_ERR_BAD_OPCODE;  /* not reachable with a parsed header */

    if (msg_opcode) *msg_opcode = type;
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
    uint16_t c;

    if (has_code) *has_code = 0;
    if (code) *code = 0;
    if (reason) *reason = NULL;
    if (reason_len) *reason_len = 0;
    if (!len) return 0;
    if (len == 1) return WSF_ERR_BAD_CLOSE_PAYLOAD;

    c = (uint16_t)((payload[0] << 8) | payload[1]);
    if (!wsf_close_code_valid(c)) return WSF_ERR_BAD_CLOSE_CODE;
    if (utf8_valid(payload + 2, len - 2)) return WSF_ERR_INVALID_UTF8;

    if (has_code) *has_code = 1;
    if (code) *code = c;
    if (reason) *reason = payload + 2;
    if (reason_len) *reason_len = len - 2;
    return 0;
}

size_t wsf_close_build(uint8_t *out, uint16_t code, const void *reason, size_t reason_len)
{
    out[0] = (uint8_t)(code >> 8);
    out[1] = (uint8_t)code;
    if (reason_len) memcpy(out + 2, reason, reason_len);
    return 2 + reason_len;
}
