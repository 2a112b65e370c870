/* WebSocket opening handshake (RFC 6455 4.1, 4.2.2): key, accept value;
 * SHA-1 (FIPS 180-4) and base64 (RFC 4648) written for it. */
#include <string.h>
#include "codec/ws_handshake.h"

static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

struct sha1_ctx { uint32_t h[5]; uint64_t total; uint8_t block[64]; size_t used; };

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(struct sha1_ctx *c, const uint8_t *p)
{
    uint32_t w[80], a, b, d, e, f, k, t, cc;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = ((uint32_t)p[4 * i] << 24) | ((uint32_t)p[4 * i + 1] << 16) | ((uint32_t)p[4 * i + 2] << 8) | p[4 * i + 3];
    for (; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3]; e = c->h[4];
    for (i = 0; i < 80; i++)
    {
        if (i < 20) { f = (b & cc) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ cc ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & cc) | (b & d) | (cc & d); k = 0x8f1bbcdc; }
        else { f = b ^ cc ^ d; k = 0xca62c1d6; }
        t = rol(a, 5) + f + e + k + w[i];
        e = d; d = cc; cc = rol(b, 30); b = a; a = t;
    }
    c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d; c->h[4] += e;
}

static void sha1_init(struct sha1_ctx *c)
{
    c->h[0] = 0x67452301; c->h[1] = 0xefcdab89; c->h[2] = 0x98badcfe; c->h[3] = 0x10325476; c->h[4] = 0xc3d2e1f0;
    c->total = 0;
    c->used = 0;
}

static void sha1_update(struct sha1_ctx *c, const uint8_t *p, size_t len)
{
    c->total += len;
    while (len)
    {
        size_t n = 64 - c->used;
        if (n > len) n = len;
        memcpy(c->block + c->used, p, n);
        c->used += n;
        p += n;
        len -= n;
        if (c->used == 64) { sha1_block(c, c->block); c->used = 0; }
    }
}

static void sha1_final(struct sha1_ctx *c, uint8_t out[20])
{
    uint64_t bits = c->total * 8;
    uint8_t pad = 0x80, zero = 0, len[8];
    int i;
    sha1_update(c, &pad, 1);
    while (c->used != 56) sha1_update(c, &zero, 1);
    for (i = 0; i < 8; i++) len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha1_update(c, len, 8);
    for (i = 0; i < 5; i++)
    {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
}

void sha1_digest(const void *data, size_t len, uint8_t out[20])
{
    struct sha1_ctx c;
    sha1_init(&c);
    sha1_update(&c, data, len);
    sha1_final(&c, out);
}

size_t base64_encode(const uint8_t *in, size_t len, char *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o = 0;
    for (i = 0; i + 3 <= len; i += 3)
    {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = tbl[v >> 18]; out[o++] = tbl[(v >> 12) & 63]; out[o++] = tbl[(v >> 6) & 63]; out[o++] = tbl[v & 63];
    }
    if (len - i == 1)
    {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = tbl[v >> 18]; out[o++] = tbl[(v >> 12) & 63]; out[o++] = '='; out[o++] = '=';
    }
    else if (len - i == 2)
    {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = tbl[v >> 18]; out[o++] = tbl[(v >> 12) & 63]; out[o++] = tbl[(v >> 6) & 63]; out[o++] = '=';
    }
    out[o] = 0;
    return o;
}

void ws_make_key(const uint8_t nonce[16], char out[WS_KEY_LEN + 1])
{
    base64_encode(nonce, 16, out);
}

void ws_accept_for_key(const char *key, size_t key_len, char out[WS_ACCEPT_LEN + 1])
{
    struct sha1_ctx c;
    uint8_t digest[20];
    sha1_init(&c);
    sha1_update(&c, (const uint8_t *)key, key_len);
    sha1_update(&c, (const uint8_t *)ws_guid, sizeof(ws_guid) - 1);
    sha1_final(&c, digest);
    base64_encode(digest, 20, out);
}

int ws_accept_matches(const char *key, size_t key_len, const char *value, size_t value_len)
{
    char expected[WS_ACCEPT_LEN + 1];
    while (value_len && (*value == ' ' || *value == '\t')) { value++; value_len--; }
    while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t')) value_len--;
    ws_accept_for_key(key, key_len, expected);
    return value_len == WS_ACCEPT_LEN && !memcmp(value, expected, WS_ACCEPT_LEN);
}
