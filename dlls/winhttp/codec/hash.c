/* MD5 (RFC 1321), SHA-1 and SHA-256 (FIPS 180-4). */
#include <string.h>
#include "codec/hash.h"

static uint32_t rol(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }
static uint32_t ror(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

/* MD5: per-step shift amounts and the constants floor(2^32 * |sin(i + 1)|) */
static const unsigned md5_shift[64] = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};
static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static void md5_block(uint32_t *h, const uint8_t *p)
{
    uint32_t m[16], a = h[0], b = h[1], c = h[2], d = h[3];
    unsigned i;

    for (i = 0; i < 16; i++)
        m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
    for (i = 0; i < 64; i++)
    {
        uint32_t f, t;
        unsigned g;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
        else { f = c ^ (b | ~d); g = (7 * i) % 16; }
        t = d;
        d = c;
        c = b;
        b = b + rol(a + f + md5_k[i] + m[g], md5_shift[i]);
        a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
}

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void sha1_block(uint32_t *h, const uint8_t *p)
{
    uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    unsigned t;

    for (t = 0; t < 16; t++) w[t] = load_be32(p + 4 * t);
    /* the message schedule kept in a 16-word ring */
#define SCHED(t) (w[(t) & 15] = rol(w[((t) + 13) & 15] ^ w[((t) + 8) & 15] ^ w[((t) + 2) & 15] ^ w[(t) & 15], 1))
#define STEP(f, k, wt) do { uint32_t tmp = rol(a, 5) + (f) + e + (k) + (wt); \
        e = d; d = c; c = rol(b, 30); b = a; a = tmp; } while (0)
    for (t = 0; t < 16; t++) STEP((b & c) | (~b & d), 0x5a827999u, w[t]);
    for (; t < 20; t++) STEP((b & c) | (~b & d), 0x5a827999u, SCHED(t));
    for (; t < 40; t++) STEP(b ^ c ^ d, 0x6ed9eba1u, SCHED(t));
    for (; t < 60; t++) STEP((b & c) | (b & d) | (c & d), 0x8f1bbcdcu, SCHED(t));
    for (; t < 80; t++) STEP(b ^ c ^ d, 0xca62c1d6u, SCHED(t));
#undef STEP
#undef SCHED
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

/* SHA-256: the first 32 bits of the fractional parts of the cube roots of the first 64 primes */
static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static void sha256_block(uint32_t *h, const uint8_t *p)
{
    uint32_t w[64], v[8];
    unsigned i;

    for (i = 0; i < 16; i++)
        w[i] = load_be32(p + 4 * i);
    for (i = 16; i < 64; i++)
    {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(v, h, sizeof(v));
    for (i = 0; i < 64; i++)
    {
        uint32_t s1 = ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25);
        uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
        uint32_t t1 = v[7] + s1 + ch + sha_k[i] + w[i];
        uint32_t s0 = ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22);
        uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        uint32_t t2 = s0 + maj;
        v[7] = v[6]; v[6] = v[5]; v[5] = v[4]; v[4] = v[3] + t1;
        v[3] = v[2]; v[2] = v[1]; v[1] = v[0]; v[0] = t1 + t2;
    }
    for (i = 0; i < 8; i++) h[i] += v[i];
}

void hash_init(hash_ctx *c, enum hash_alg alg)
{
    static const uint32_t md5_iv[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    static const uint32_t sha1_iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    static const uint32_t sha_iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memset(c, 0, sizeof(*c));
    c->alg = alg;
    if (alg == HASH_SHA256) memcpy(c->h, sha_iv, sizeof(sha_iv));
    else if (alg == HASH_SHA1) memcpy(c->h, sha1_iv, sizeof(sha1_iv));
    else memcpy(c->h, md5_iv, sizeof(md5_iv));
}

static void run_block(hash_ctx *c, const uint8_t *p)
{
    if (c->alg == HASH_SHA256) sha256_block(c->h, p);
    else if (c->alg == HASH_SHA1) sha1_block(c->h, p);
    else md5_block(c->h, p);
}

void hash_update(hash_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;

    c->total += len;
    if (c->fill)
    {
        size_t n = 64 - c->fill;
        if (n > len) n = len;
        memcpy(c->block + c->fill, p, n);
        c->fill += n;
        p += n;
        len -= n;
        if (c->fill < 64) return;
        run_block(c, c->block);
        c->fill = 0;
    }
    for (; len >= 64; p += 64, len -= 64) run_block(c, p);  /* whole blocks straight from the input */
    if (len) memcpy(c->block, p, len);
    c->fill = len;
}

size_t hash_final(hash_ctx *c, uint8_t *out)
{
    uint64_t bits = c->total * 8;
    int big_endian = c->alg != HASH_MD5;
    size_t words = c->alg == HASH_SHA256 ? 8 : c->alg == HASH_SHA1 ? 5 : 4;
    unsigned i;

    c->block[c->fill++] = 0x80;
    if (c->fill > 56)
    {
        memset(c->block + c->fill, 0, 64 - c->fill);
        run_block(c, c->block);
        c->fill = 0;
    }
    memset(c->block + c->fill, 0, 56 - c->fill);
    for (i = 0; i < 8; i++)  /* the bit length: little-endian for MD5, big-endian for the SHAs */
        c->block[56 + i] = (uint8_t)(bits >> (big_endian ? 8 * (7 - i) : 8 * i));
    run_block(c, c->block);
    for (i = 0; i < 4 * words; i++)
        out[i] = (uint8_t)(c->h[i / 4] >> (big_endian ? 24 - 8 * (i % 4) : 8 * (i % 4)));
    return 4 * words;
}

void hash_hex(const uint8_t *digest, size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < len; i++)
    {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[2 * len] = 0;
}
