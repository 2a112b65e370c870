/* Incremental UTF-8 validator following RFC 3629 section 4 (well-formed
 * byte sequences): no overlong forms, no UTF-16 surrogates, nothing above
 * U+10FFFF. */
#include <string.h>
#include "codec/utf8.h"

/* v->state: count of continuation bytes still owed (0..3), or V_INVALID.
 * v->pending: bounds for the very next continuation byte, lo in bits 0-7 and
 * hi in bits 8-15.  Only the first continuation byte of a sequence has
 * narrowed bounds; the following ones are always 80..BF. */
#define V_INVALID 0xffu
#define BOUNDS(lo, hi) ((uint32_t)(lo) | ((uint32_t)(hi) << 8))
#define ANY_CONT BOUNDS(0x80, 0xbf)

static const uint64_t high_bits = 0x8080808080808080ull;

void utf8v_init(utf8_validator *v)
{
    v->state = 0;
    v->pending = ANY_CONT;
}

/* Classify a lead byte: returns the number of continuation bytes that must
 * follow, setting *bounds for the first one, or -1 if it cannot start a
 * character. */
static int lead_byte(uint8_t b, uint32_t *bounds)
{
    if (b < 0xc2) return -1;  /* 80..BF stray continuation, C0/C1 overlong */
    if (b < 0xe0) { *bounds = ANY_CONT; return 1; }
    if (b == 0xe0) { *bounds = BOUNDS(0xa0, 0xbf); return 2; }  /* no overlong */
    if (b == 0xed) { *bounds = BOUNDS(0x80, 0x9f); return 2; }  /* no surrogates */
    if (b < 0xf0) { *bounds = ANY_CONT; return 2; }
    if (b == 0xf0) { *bounds = BOUNDS(0x90, 0xbf); return 3; }  /* no overlong */
    if (b < 0xf4) { *bounds = ANY_CONT; return 3; }
    if (b == 0xf4) { *bounds = BOUNDS(0x80, 0x8f); return 3; }  /* <= U+10FFFF */
    return -1;
}

int utf8v_feed(utf8_validator *v, const uint8_t *p, size_t len)
{
    uint32_t owed = v->state, bounds = v->pending;
    const uint8_t *end;

    if (owed == V_INVALID) return -1;
    if (!len) return 0;
    end = p + len;

    while (p < end)
    {
        if (!owed)
        {
            int n;
            /* ASCII runs, eight bytes per step */
            while ((size_t)(end - p) >= 8)
            {
                uint64_t w;
                memcpy(&w, p, 8);
                if (w & high_bits) break;
                p += 8;
            }
            while (p < end && *p < 0x80) p++;
            if (p == end) break;
            n = lead_byte(*p++, &bounds);
            if (n < 0) goto invalid;
            owed = (uint32_t)n;
        }
        else
        {
            uint8_t b = *p++;
            if (b < (bounds & 0xff) || b > (bounds >> 8)) goto invalid;
            bounds = ANY_CONT;
            owed--;
        }
    }
    v->state = owed;
    v->pending = bounds;
    return 0;

invalid:
    v->state = V_INVALID;
    v->pending = ANY_CONT;
    return -1;
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
