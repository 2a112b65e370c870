/* Incremental UTF-8 validation (RFC 3629: no overlongs, no surrogates, max U+10FFFF). */
#ifndef CODEC_UTF8_H
#define CODEC_UTF8_H

#include <stddef.h>
#include <stdint.h>

typedef struct utf8_validator
{
    uint32_t state;      /* 0 = at a character boundary; internal otherwise */
    uint32_t pending;    /* internal */
} utf8_validator;

void utf8v_init(utf8_validator *v);
/* Feed bytes.  Returns 0 while the stream is valid so far, -1 as soon as it
 * cannot be valid UTF-8 (sticky: later calls keep returning -1). */
int utf8v_feed(utf8_validator *v, const uint8_t *p, size_t len);
/* Returns 0 if the stream fed so far ends on a character boundary (valid and
 * complete), -1 otherwise. */
int utf8v_finish(const utf8_validator *v);
/* Whole-buffer convenience: 0 if valid and complete, -1 otherwise. */
int utf8_valid(const uint8_t *p, size_t len);

#endif
