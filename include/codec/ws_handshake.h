/* WebSocket opening handshake helpers (RFC 6455 section 4), SHA-1 and base64. */
#ifndef CODEC_WS_HANDSHAKE_H
#define CODEC_WS_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#define WS_KEY_LEN 24     /* base64 of 16 bytes */
#define WS_ACCEPT_LEN 28  /* base64 of 20 bytes */

/* out receives WS_KEY_LEN chars + NUL: base64 of the 16-byte nonce. */
void ws_make_key(const uint8_t nonce[16], char out[WS_KEY_LEN + 1]);
/* out receives WS_ACCEPT_LEN chars + NUL: base64(SHA1(key "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")). */
void ws_accept_for_key(const char *key, size_t key_len, char out[WS_ACCEPT_LEN + 1]);
/* 1 if value (surrounding spaces/tabs ignored) equals the expected accept for key. */
int ws_accept_matches(const char *key, size_t key_len, const char *value, size_t value_len);

void sha1_digest(const void *data, size_t len, uint8_t out[20]);
/* Writes 4*ceil(len/3) chars + NUL; returns chars written (without NUL). */
size_t base64_encode(const uint8_t *in, size_t len, char *out);

#endif
