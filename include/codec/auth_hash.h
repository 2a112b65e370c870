/* MD5 (RFC 1321) and SHA-256 (FIPS 180-4) for HTTP Digest authentication.
 * Pure C11, no Windows or Unix headers. */
#ifndef CODEC_AUTH_HASH_H
#define CODEC_AUTH_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct
{
    uint32_t h[8];          /* MD5 uses the first 4 */
    uint64_t total;         /* bytes hashed so far */
    uint8_t block[64];
    size_t fill;            /* bytes in block */
    int sha256;             /* 0: MD5, 1: SHA-256 */
} auth_hash;

#define AUTH_MD5_LEN 16
#define AUTH_SHA256_LEN 32

void auth_hash_init(auth_hash *c, int sha256);
void auth_hash_update(auth_hash *c, const void *data, size_t len);
/* Writes the digest (16 or 32 bytes); returns its length. */
size_t auth_hash_final(auth_hash *c, uint8_t *out);
/* Lowercase hex of a digest: out holds 2 * len + 1 chars. */
void auth_hex(const uint8_t *digest, size_t len, char *out);

#endif
