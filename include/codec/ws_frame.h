/* WebSocket framing (RFC 6455 section 5), pure C11, no OS headers. */
#ifndef CODEC_WS_FRAME_H
#define CODEC_WS_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum wsf_opcode
{
    WSF_OP_CONTINUATION = 0x0,
    WSF_OP_TEXT = 0x1,
    WSF_OP_BINARY = 0x2,
    WSF_OP_CLOSE = 0x8,
    WSF_OP_PING = 0x9,
    WSF_OP_PONG = 0xa,
};

#define WSF_MAX_HEADER 14          /* 2 + 8 (length) + 4 (mask) */
#define WSF_MAX_CONTROL_PAYLOAD 125
#define WSF_MAX_CLOSE_REASON 123

/* Errors (negative).  Each maps to a close code the client must send. */
enum wsf_error
{
    WSF_NEED_MORE = 0,                /* not an error: header incomplete */
    WSF_ERR_RESERVED_BITS = -1,       /* RSV1-3 set, no extension negotiated -> 1002 */
    WSF_ERR_BAD_OPCODE = -2,          /* reserved opcode 3-7, 0xb-0xf -> 1002 */
    WSF_ERR_CONTROL_TOO_LONG = -3,    /* control frame payload > 125 -> 1002 */
    WSF_ERR_CONTROL_FRAGMENTED = -4,  /* control frame with FIN clear -> 1002 */
    WSF_ERR_MASKED = -5,              /* server frame with MASK bit set -> 1002 */
    WSF_ERR_LENGTH = -6,              /* 64-bit length with the top bit set -> 1002 */
    WSF_ERR_UNEXPECTED_CONTINUATION = -7, /* continuation with no message open -> 1002 */
    WSF_ERR_EXPECTED_CONTINUATION = -8,   /* new data frame inside a fragmented message -> 1002 */
    WSF_ERR_BAD_CLOSE_PAYLOAD = -9,   /* close payload of 1 byte -> 1002 */
    WSF_ERR_BAD_CLOSE_CODE = -10,     /* close code not allowed on the wire -> 1002 */
    WSF_ERR_INVALID_UTF8 = -11,       /* text or close reason not UTF-8 -> 1007 */
};

/* Close code to send back for an error above (1002 or 1007). */
uint16_t wsf_error_close_code(int err);
const char *wsf_error_name(int err);

typedef struct wsf_header
{
    int fin;             /* 0/1 */
    int rsv;             /* bits RSV1..RSV3 as 0..7 (RSV1 = 4) */
    int opcode;          /* enum wsf_opcode */
    int masked;          /* 0/1 */
    uint8_t mask[4];
    uint64_t payload_len;
    size_t header_len;   /* bytes the header occupied */
} wsf_header;

/* Encode a frame header into out (at least WSF_MAX_HEADER bytes).  mask ==
 * NULL writes an unmasked header.  Returns the header length (2..14). */
size_t wsf_encode_header(uint8_t *out, int fin, int opcode, uint64_t payload_len, const uint8_t mask[4]);

/* XOR len bytes of src with the masking key into dst (dst may equal src).
 * key_offset is the position of src[0] within the frame payload, so a
 * payload may be masked/unmasked in pieces. */
void wsf_mask(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t mask[4], uint64_t key_offset);

/* Parse one frame header from buf.  Returns header_len (>0) when a complete
 * header was parsed into *h, WSF_NEED_MORE (0) if more bytes are needed, or
 * a negative wsf_error.  Checks, in this order: reserved bits, opcode,
 * control frame fragmented, control frame too long, 64-bit length top bit,
 * and, if reject_masked, the MASK bit. */
int wsf_parse_header(const uint8_t *buf, size_t len, int reject_masked, wsf_header *h);

/* Message-level sequencing of data frames (fragmentation rules). */
typedef struct wsf_msgstate
{
    int in_message;      /* a fragmented message is open */
    int msg_opcode;      /* WSF_OP_TEXT or WSF_OP_BINARY of the open message */
} wsf_msgstate;

void wsf_msgstate_init(wsf_msgstate *s);
/* Apply a parsed header.  Control frames leave the state alone and return 0.
 * Data frames: returns 0 and updates state, or WSF_ERR_UNEXPECTED_CONTINUATION /
 * WSF_ERR_EXPECTED_CONTINUATION.  *msg_opcode (may be NULL) receives the
 * message type the frame belongs to (TEXT or BINARY; the control opcode for
 * control frames). */
int wsf_msgstate_frame(wsf_msgstate *s, const wsf_header *h, int *msg_opcode);

/* Close frame payloads (RFC 6455 5.5.1, 7.4). */
/* Is code acceptable in a close frame received from the peer? 1000-1003,
 * 1007-1014, 3000-4999 are; 1004-1006, 1015, <1000, 1016-2999, >=5000 aren't. */
int wsf_close_code_valid(uint16_t code);
/* Parse a received close payload.  len 0: *has_code = 0, returns 0.
 * Otherwise validates length (!= 1), code, and UTF-8 of the reason.  Returns 0
 * or WSF_ERR_BAD_CLOSE_PAYLOAD / WSF_ERR_BAD_CLOSE_CODE / WSF_ERR_INVALID_UTF8. */
int wsf_close_parse(const uint8_t *payload, size_t len, int *has_code, uint16_t *code,
                    const uint8_t **reason, size_t *reason_len);
/* Build a close payload (code in network order, then reason) into out (at
 * least 2 + reason_len bytes).  Returns the payload length. */
size_t wsf_close_build(uint8_t *out, uint16_t code, const void *reason, size_t reason_len);

#endif
