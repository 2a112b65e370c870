/* MD5 (RFC 1321), SHA-1 and SHA-256 (FIPS 180-4): one block-buffering loop
 * for the three (Digest authentication, the WebSocket handshake).
 * Pure C11, no Windows or Unix headers. */
#ifndef CODEC_HASH_H
#define CODEC_HASH_H

#include <stddef.h>
#include <stdint.h>

enum hash_alg { HASH_MD5, HASH_SHA1, HASH_SHA256 };

typedef struct
{
    uint32_t h[8];          /* MD5 uses the first 4, SHA-1 the first 5 */
    uint64_t total;         /* bytes hashed so far */
    uint8_t block[64];
    size_t fill;            /* bytes in block */
    enum hash_alg alg;
} hash_ctx;

#define HASH_MD5_LEN 16
#define HASH_SHA1_LEN 20
#define HASH_SHA256_LEN 32
#define HASH_MAX_LEN HASH_SHA256_LEN

void hash_init(hash_ctx *c, enum hash_alg alg);
void hash_update(hash_ctx *c, const void *data, size_t len);
/* Writes the digest (16, 20 or 32 bytes); returns its length. */
size_t hash_final(hash_ctx *c, uint8_t *out);
/* Lowercase hex of a digest: out holds 2 * len + 1 chars. */
void hash_hex(const uint8_t *digest, size_t len, char *out);

#endif
