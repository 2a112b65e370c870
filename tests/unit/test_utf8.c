/* UTF-8 validator tests in the spirit of Markus Kuhn's decoder stress test. */
#include <string.h>
#include "check.h"
#include "codec/utf8.h"

/* Straightforward reference: decode scalar values and check their ranges. */
static int ref_valid(const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i < len)
    {
        uint32_t cp;
        size_t n, k;
        uint8_t b = p[i];
        if (b < 0x80) { i++; continue; }
        else if ((b & 0xe0) == 0xc0) { n = 1; cp = b & 0x1f; }
        else if ((b & 0xf0) == 0xe0) { n = 2; cp = b & 0x0f; }
        else if ((b & 0xf8) == 0xf0) { n = 3; cp = b & 0x07; }
        else return -1;
        if (len - i - 1 < n) return -1;
        for (k = 1; k <= n; k++)
        {
            if ((p[i + k] & 0xc0) != 0x80) return -1;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (n == 1 && cp < 0x80) return -1;
        if (n == 2 && cp < 0x800) return -1;
        if (n == 3 && cp < 0x10000) return -1;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
        i += n + 1;
    }
    return 0;
}

static int bytewise(const uint8_t *p, size_t len)
{
    utf8_validator v;
    size_t i;
    utf8v_init(&v);
    for (i = 0; i < len; i++)
        if (utf8v_feed(&v, p + i, 1)) return -1;
    return utf8v_finish(&v);
}

static int split_at(const uint8_t *p, size_t len, size_t cut)
{
    utf8_validator v;
    utf8v_init(&v);
    if (utf8v_feed(&v, p, cut)) return -1;
    if (utf8v_feed(&v, p + cut, len - cut)) return -1;
    return utf8v_finish(&v);
}

static void expect(const char *s, size_t len, int valid, int line)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t cut;
    int whole = utf8_valid(p, len), ok = 1;

    if (whole != (valid ? 0 : -1)) { ok = 0; printf("line %d: utf8_valid %d\n", line, whole); }
    if (bytewise(p, len) != whole) { ok = 0; printf("line %d: bytewise differs\n", line); }
    for (cut = 0; cut <= len; cut++)
        if (split_at(p, len, cut) != whole) { ok = 0; printf("line %d: split at %zu differs\n", line, cut); }
    if (ref_valid(p, len) != whole) { ok = 0; printf("line %d: reference differs\n", line); }
    CHECKF(ok, "utf8 case at line %d", line);
}

#define VALID(s) expect(s, sizeof(s) - 1, 1, __LINE__)
#define INVALID(s) expect(s, sizeof(s) - 1, 0, __LINE__)

static void test_cases(void)
{
    VALID("");
    VALID("hello, world");
    VALID("\x00");
    VALID("\x7f");
    VALID("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5");      /* kosme */
    /* first and last of each length */
    VALID("\xc2\x80");
    VALID("\xdf\xbf");
    VALID("\xe0\xa0\x80");
    VALID("\xef\xbf\xbf");
    VALID("\xf0\x90\x80\x80");
    VALID("\xf4\x8f\xbf\xbf");
    /* around the surrogates */
    VALID("\xed\x9f\xbf");                                       /* U+D7FF */
    VALID("\xee\x80\x80");                                       /* U+E000 */
    VALID("\xef\xbf\xbd");                                       /* U+FFFD */
    VALID("\xef\xbf\xbe");                                       /* U+FFFE: noncharacter, still valid */
    /* long mixed text crossing the 8-byte fast path */
    VALID("abcdefghijklmnop\xc3\xa9qrstuvwxyz01234567\xf0\x9f\x98\x80""89abcdefgh");

    /* stray continuation bytes */
    INVALID("\x80");
    INVALID("\xbf");
    INVALID("a\x80" "b");
    INVALID("\x80\xbf\x80\xbf");
    /* lonely lead bytes and truncated sequences */
    INVALID("\xc2");
    INVALID("\xc2 ");
    INVALID("\xe0\xa0");
    INVALID("\xe1\x80");
    INVALID("\xf0\x90\x80");
    INVALID("\xf1");
    INVALID("abc\xf4\x8f\xbf");
    INVALID("\xe2\x82");
    /* impossible bytes */
    INVALID("\xfe");
    INVALID("\xff");
    INVALID("\xfe\xfe\xff\xff");
    INVALID("\xf5\x80\x80\x80");
    INVALID("\xf8\x88\x80\x80\x80");
    INVALID("\xfc\x84\x80\x80\x80\x80");
    /* overlongs */
    INVALID("\xc0\x80");
    INVALID("\xc0\xaf");
    INVALID("\xc1\xbf");
    INVALID("\xe0\x80\x80");
    INVALID("\xe0\x80\xaf");
    INVALID("\xe0\x9f\xbf");
    INVALID("\xf0\x80\x80\x80");
    INVALID("\xf0\x80\x80\xaf");
    INVALID("\xf0\x8f\xbf\xbf");
    /* surrogates, single and paired */
    INVALID("\xed\xa0\x80");
    INVALID("\xed\xad\xbf");
    INVALID("\xed\xae\x80");
    INVALID("\xed\xaf\xbf");
    INVALID("\xed\xb0\x80");
    INVALID("\xed\xbe\x80");
    INVALID("\xed\xbf\xbf");
    INVALID("\xed\xa0\x80\xed\xb0\x80");
    INVALID("\xed\xaf\xbf\xed\xbf\xbf");
    /* beyond U+10FFFF */
    INVALID("\xf4\x90\x80\x80");
    INVALID("\xf4\xbf\xbf\xbf");
    INVALID("\xf7\xbf\xbf\xbf");
    /* bad continuation in the middle */
    INVALID("\xe2\x28\xa1");
    INVALID("\xf0\x90\x28\xbc");
    INVALID("\xc3\x28");
    /* invalid after a long valid ASCII run */
    INVALID("0123456789abcdef0123456789abcdef\xff");
    INVALID("0123456789abcdef0123456789abcde\xc3");
}

static void test_sticky(void)
{
    utf8_validator v;
    const uint8_t bad = 0xff, good = 'a';
    utf8v_init(&v);
    CHECK_EQ(utf8v_finish(&v), 0);
    CHECK_EQ(utf8v_feed(&v, &good, 1), 0);
    CHECK_EQ(utf8v_feed(&v, NULL, 0), 0);
    CHECK_EQ(utf8v_feed(&v, &bad, 1), -1);
    CHECK_EQ(utf8v_feed(&v, &good, 1), -1);
    CHECK_EQ(utf8v_feed(&v, NULL, 0), -1);
    CHECK_EQ(utf8v_finish(&v), -1);
    utf8v_init(&v);
    CHECK_EQ(v.state, 0);
    CHECK_EQ(utf8v_feed(&v, (const uint8_t *)"\xe2\x82", 2), 0);
    CHECK(v.state != 0);
    CHECK_EQ(utf8v_finish(&v), -1);
    CHECK_EQ(utf8v_feed(&v, (const uint8_t *)"\xac", 1), 0);
    CHECK_EQ(v.state, 0);
    CHECK_EQ(utf8v_finish(&v), 0);
    CHECK_EQ(utf8_valid(NULL, 0), 0);
}

/* Exhaustive agreement with the reference over all 1-2 byte inputs, all
 * 3-byte inputs starting with a 3-byte lead, and a 4-byte sample. */
static void test_exhaustive(void)
{
    uint8_t b[4];
    static const uint8_t edge[] = { 0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff };
    unsigned a, c, d, e;
    int ok = 1;

    for (a = 0; a < 256; a++)
    {
        b[0] = (uint8_t)a;
        if (utf8_valid(b, 1) != ref_valid(b, 1)) ok = 0;
        for (c = 0; c < 256; c++)
        {
            b[1] = (uint8_t)c;
            if (utf8_valid(b, 2) != ref_valid(b, 2)) ok = 0;
        }
    }
    CHECKF(ok, "all 1 and 2 byte inputs agree with the reference");

    ok = 1;
    for (a = 0xe0; a < 0xf0; a++)
        for (c = 0; c < 256; c++)
            for (d = 0; d < 256; d++)
            {
                b[0] = (uint8_t)a; b[1] = (uint8_t)c; b[2] = (uint8_t)d;
                if (utf8_valid(b, 3) != ref_valid(b, 3)) ok = 0;
            }
    CHECKF(ok, "all 3 byte sequences with a 3-byte lead agree with the reference");

    ok = 1;
    for (a = 0xf0; a < 0x100; a++)
        for (c = 0; c < 256; c++)
            for (d = 0; d < sizeof(edge); d++)
                for (e = 0; e < sizeof(edge); e++)
                {
                    b[0] = (uint8_t)a; b[1] = (uint8_t)c; b[2] = edge[d]; b[3] = edge[e];
                    if (utf8_valid(b, 4) != ref_valid(b, 4)) ok = 0;
                    if (bytewise(b, 4) != ref_valid(b, 4)) ok = 0;
                }
    CHECKF(ok, "4 byte sample agrees with the reference");
}

void test_utf8(void)
{
    test_cases();
    test_sticky();
    test_exhaustive();
}
