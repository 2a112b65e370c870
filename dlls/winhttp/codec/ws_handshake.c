/* RFC 6455 section 4 opening handshake values, with the SHA-1 (FIPS 180-4)
 * and base64 (RFC 4648 section 4) they need. */
#include <string.h>
#include "codec/ws_handshake.h"

/* ---- SHA-1 ---- */

typedef struct sha1_state
{
    uint32_t h[5];
    uint64_t length;      /* bytes hashed so far */
    uint8_t buf[64];
    size_t fill;          /* bytes in buf */
} sha1_state;

static uint32_t rotl32(uint32_t v, unsigned n)
{
    return (v << n) | (v >> (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void sha1_compress(uint32_t h[5], const uint8_t *block)
{
    uint32_t w[16];
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    unsigned t;

    for (t = 0; t < 16; t++) w[t] = load_be32(block + 4 * t);

    /* message schedule kept in a 16-word ring */
#define SCHED(t) (w[(t) & 15] = rotl32(w[((t) + 13) & 15] ^ w[((t) + 8) & 15] ^ w[((t) + 2) & 15] ^ w[(t) & 15], 1))
#define STEP(f, k, wt) do { uint32_t tmp = rotl32(a, 5) + (f) + e + (k) + (wt); \
        e = d; d = c; c = rotl32(b, 30); b = a; a = tmp; } while (0)

    for (t = 0; t < 16; t++) STEP((b & c) | (~b & d), 0x5a827999u, w[t]);
    for (; t < 20; t++) STEP((b & c) | (~b & d), 0x5a827999u, SCHED(t));
    for (; t < 40; t++) STEP(b ^ c ^ d, 0x6ed9eba1u, SCHED(t));
    for (; t < 60; t++) STEP((b & c) | (b & d) | (c & d), 0x8f1bbcdcu, SCHED(t));
    for (; t < 80; t++) STEP(b ^ c ^ d, 0xca62c1d6u, SCHED(t));
#undef STEP
#undef SCHED

    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static void sha1_start(sha1_state *s)
{
    s->h[0] = 0x67452301u;
    s->h[1] = 0xefcdab89u;
    s->h[2] = 0x98badcfeu;
    s->h[3] = 0x10325476u;
    s->h[4] = 0xc3d2e1f0u;
    s->length = 0;
    s->fill = 0;
}

static void sha1_add(sha1_state *s, const void *data, size_t len)
{
    const uint8_t *p = data;

    if (!len) return;
    s->length += len;
    if (s->fill)
    {
        size_t take = 64 - s->fill;
        if (take > len) take = len;
        memcpy(s->buf + s->fill, p, take);
        s->fill += take;
        p += take;
        len -= take;
        if (s->fill < 64) return;
        sha1_compress(s->h, s->buf);
        s->fill = 0;
    }
    while (len >= 64)
    {
        sha1_compress(s->h, p);
        p += 64;
        len -= 64;
    }
    if (len)
    {
        memcpy(s->buf, p, len);
        s->fill = len;
    }
}

static void sha1_end(sha1_state *s, uint8_t out[20])
{
    uint64_t bits = s->length * 8;
    unsigned i;

    s->buf[s->fill++] = 0x80;
    if (s->fill > 56)
    {
        memset(s->buf + s->fill, 0, 64 - s->fill);
        sha1_compress(s->h, s->buf);
        s->fill = 0;
    }
    memset(s->buf + s->fill, 0, 56 - s->fill);
    for (i = 0; i < 8; i++) s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha1_compress(s->h, s->buf);
    for (i = 0; i < 5; i++)
    {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

void sha1_digest(const void *data, size_t len, uint8_t out[20])
{
    sha1_state s;
    sha1_start(&s);
    sha1_add(&s, data, len);
    sha1_end(&s, out);
}

/* ---- base64 ---- */

static const char b64_alphabet[65] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encode(const uint8_t *in, size_t len, char *out)
{
    size_t i = 0, o = 0;

    for (; len - i >= 3; i += 3)
    {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = b64_alphabet[v & 63];
    }
    if (len - i == 1)
    {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    }
    else if (len - i == 2)
    {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = 0;
    return o;
}

/* ---- handshake ---- */

static const char ws_magic[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

void ws_make_key(const uint8_t nonce[16], char out[WS_KEY_LEN + 1])
{
    base64_encode(nonce, 16, out);
}

void ws_accept_for_key(const char *key, size_t key_len, char out[WS_ACCEPT_LEN + 1])
{
    sha1_state s;
    uint8_t digest[20];

    sha1_start(&s);
    sha1_add(&s, key, key_len);
    sha1_add(&s, ws_magic, sizeof(ws_magic) - 1);
    sha1_end(&s, digest);
    base64_encode(digest, sizeof(digest), out);
}

int ws_accept_matches(const char *key, size_t key_len, const char *value, size_t value_len)
{
    char expect[WS_ACCEPT_LEN + 1];

    while (value_len && (value[0] == ' ' || value[0] == '\t')) { value++; value_len--; }
    while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t')) value_len--;
    if (value_len != WS_ACCEPT_LEN) return 0;
    ws_accept_for_key(key, key_len, expect);
    return memcmp(expect, value, WS_ACCEPT_LEN) == 0;
}
