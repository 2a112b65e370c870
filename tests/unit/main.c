/* Host unit test driver for the pure codecs: prints "unit: N passed, N failed". */
#include <string.h>
#include "check.h"

int unit_passed, unit_failed;

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t unit_unhex(const char *hex, uint8_t *out)
{
    size_t n = 0;
    while (*hex)
    {
        int hi, lo;
        if (*hex == ' ') { hex++; continue; }
        hi = hexval(hex[0]);
        lo = hex[1] ? hexval(hex[1]) : -1;
        if (hi < 0 || lo < 0) break;
        out[n++] = (uint8_t)(hi * 16 + lo);
        hex += 2;
    }
    return n;
}

int unit_mem_eq(const void *a, size_t alen, const void *b, size_t blen)
{
    return alen == blen && (!alen || !memcmp(a, b, alen));
}

int main(void)
{
    test_ws_frame();
    test_utf8();
    test_handshake();
    test_ws_state();
    test_http_date();
    test_http();
    test_url();
    test_http_auth();
    test_cookie();
    test_readahead();
    printf("unit: %d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}
