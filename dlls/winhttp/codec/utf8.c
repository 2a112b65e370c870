/* Incremental UTF-8 validation (RFC 3629, Unicode table 3-7). */
#include "codec/utf8.h"

/* state: 0 at a boundary; 1..3 continuation bytes still expected;
 * UTF8_BAD once invalid.  pending: the allowed range for the next byte
 * (low byte = min, next byte = max). */
#define UTF8_BAD 0xffu
#define RANGE(lo, hi) ((uint32_t)(lo) | ((uint32_t)(hi) << 8))

void utf8v_init(utf8_validator *v)
{
    v->state = 0;
    v->pending = RANGE(0x80, 0xbf);
}

int utf8v_feed(utf8_validator *v, const uint8_t *p, size_t len)
{
    uint32_t state = v->state, range = v->pending;
    size_t i = 0;

    if (state == UTF8_BAD) return -1;
    while (i < len)
    {
        uint8_t c = p[i];
        if (!state)
        {
            /* fast path: ASCII runs */
            if (c < 0x80) { i++; continue; }
            if (c >= 0xc2 && c <= 0xdf) { state = 1; range = RANGE(0x80, 0xbf); }
            else if (c == 0xe0) { state = 2; range = RANGE(0xa0, 0xbf); }
            else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) { state = 2; range = RANGE(0x80, 0xbf); }
            else if (c == 0xed) { state = 2; range = RANGE(0x80, 0x9f); }
            else if (c == 0xf0) { state = 3; range = RANGE(0x90, 0xbf); }
            else if (c >= 0xf1 && c <= 0xf3) { state = 3; range = RANGE(0x80, 0xbf); }
            else if (c == 0xf4) { state = 3; range = RANGE(0x80, 0x8f); }
            else { v->state = UTF8_BAD; return -1; }
        }
        else
        {
            if (c < (range & 0xff) || c > (range >> 8)) { v->state = UTF8_BAD; return -1; }
            state--;
            range = RANGE(0x80, 0xbf);
        }
        i++;
    }
    v->state = state;
    v->pending = range;
    return 0;
}

int utf8v_finish(const utf8_validator *v)
{
    return v->state == 0 ? 0 : -1;
}

int utf8_valid(const uint8_t *p, size_t len)
{
    utf8_validator v;
    utf8v_init(&v);
    if (utf8v_feed(&v, p, len)) return -1;
    return utf8v_finish(&v);
}
