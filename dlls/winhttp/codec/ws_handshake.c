/* RFC 6455 section 4 opening handshake values, with the SHA-1 (FIPS 180-4)
 * (codec/hash.c) and base64 (RFC 4648 section 4) they need. */
#include <string.h>
#include "codec/ws_handshake.h"
#include "codec/hash.h"

void sha1_digest(const void *data, size_t len, uint8_t out[20])
{
    hash_ctx c;
    hash_init(&c, HASH_SHA1);
    hash_update(&c, data, len);
    hash_final(&c, out);
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
    hash_ctx c;
    uint8_t digest[HASH_SHA1_LEN];

    hash_init(&c, HASH_SHA1);
    hash_update(&c, key, key_len);
    hash_update(&c, ws_magic, sizeof(ws_magic) - 1);
    hash_final(&c, digest);
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
