/* HTTP/1.1 response parsing (RFC 9112), pure C11.  Byte strings, not NUL-terminated. */
#ifndef CODEC_HTTP_PARSE_H
#define CODEC_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Offset just past the blank line ending the header block ("\r\n\r\n", also
 * accepting bare "\n\n"), or 0 if buf does not hold it yet. */
size_t http_header_block_end(const char *buf, size_t len);

typedef struct http_status_line
{
    int major, minor;     /* HTTP/1.1 -> 1, 1 */
    int status;           /* 100..999 */
    const char *reason;   /* points into the input; may be empty */
    size_t reason_len;
    const char *version;  /* "HTTP/1.1" inside the input */
    size_t version_len;
} http_status_line;

/* Parse "HTTP/x.y NNN reason" (line without its CRLF).  0 or -1. */
int http_parse_status_line(const char *line, size_t len, http_status_line *out);

/* Iterate over header lines, tolerantly (as a user agent may, RFC 9112 5):
 * *pos starts at the offset after the status line's line ending; each call
 * reads one line (ending in LF or CRLF) and advances *pos past it.  Returns
 *   1  a field: name (whitespace before the colon dropped) and value
 *      (surrounding whitespace dropped);
 *   2  a continuation line (obs-fold, the line starts with SP or HT): more
 *      of the previous field's value, trimmed, in value (name NULL); the
 *      caller joins it with one SP (RFC 9112 5.2);
 *   3  a line that is no field (no colon, or nothing before it): ignored
 *      (name and value NULL, both lengths 0);
 *   0  the blank line ending the block;
 *  -1  no complete line at *pos.
 * Values may hold any other byte (NUL included): the caller decides. */
int http_next_header(const char *buf, size_t len, size_t *pos,
                     const char **name, size_t *name_len, const char **value, size_t *value_len);

/* Case-insensitive ASCII comparison of two byte strings (1 if equal). */
int http_token_eq(const char *a, size_t alen, const char *b, size_t blen);
/* 1 if the comma-separated list value contains token (case-insensitive), e.g.
 * Connection: keep-alive, Upgrade. */
int http_list_has_token(const char *value, size_t len, const char *token);
/* Parse a decimal Content-Length (digits only, surrounding whitespace ok,
 * no overflow).  0 or -1. */
int http_parse_content_length(const char *value, size_t len, uint64_t *out);

/* Chunked transfer coding decoder (RFC 9112 7.1), in place. */
typedef struct http_chunked
{
    int state;           /* internal */
    uint64_t remaining;  /* internal */
    int done;            /* 1 once the last chunk and trailers were consumed */
} http_chunked;

void http_chunked_init(http_chunked *c);
/* Decode the len raw bytes in buf in place: payload bytes are moved to the
 * front of buf.  Returns the number of payload bytes now at buf[0..n), or
 * -1 on a malformed stream.  All len input bytes are consumed (state carries
 * across calls) unless the stream finishes: *consumed receives how many input
 * bytes were used (bytes after the end of the chunked body are not touched). */
long http_chunked_decode(http_chunked *c, uint8_t *buf, size_t len, size_t *consumed);

#endif
