/* url_crack / url_unescape tests on UTF-16 code units. */
#include <string.h>
#include "check.h"
#include "codec/url_crack.h"

static uint16_t wbuf[512];

static size_t widen(const char *s)
{
    size_t n = 0;
    while (s[n] && n < sizeof(wbuf) / sizeof(wbuf[0])) { wbuf[n] = (uint8_t)s[n]; n++; }
    return n;
}

/* 1 if part is present and spells want (NULL: absent) */
static int part_is(const url_part *p, const char *want)
{
    size_t i, n;
    if (!want) return !p->present;
    if (!p->present) return 0;
    n = strlen(want);
    if (p->len != n) return 0;
    for (i = 0; i < n; i++) if (wbuf[p->off + i] != (uint8_t)want[i]) return 0;
    return 1;
}

struct url_case
{
    const char *url;
    int scheme;
    const char *user, *password, *host;
    unsigned port;
    int port_explicit;
    const char *path, *extra;
};

static void check_case(const struct url_case *c, int idx)
{
    url_parts p;
    size_t n = widen(c->url);
    int rc = url_crack(wbuf, n, &p), ok = 1;

    if (rc) ok = 0;
    else
    {
        if (p.scheme != c->scheme) ok = 0;
        if (!p.scheme_name.present || p.scheme_name.off != 0 ||
            p.scheme_name.len != (c->scheme == URL_SCHEME_HTTPS ? 5u : 4u)) ok = 0;
        if (!part_is(&p.user, c->user)) ok = 0;
        if (!part_is(&p.password, c->password)) ok = 0;
        if (!part_is(&p.host, c->host)) ok = 0;
        if (p.port != c->port || p.port_explicit != c->port_explicit) ok = 0;
        if (!part_is(&p.path, c->path)) ok = 0;
        if (!part_is(&p.extra, c->extra)) ok = 0;
    }
    CHECKF(ok, "url case %d: %s (rc %d)", idx, c->url, rc);
}

static void test_good(void)
{
    static const struct url_case cases[] = {
        { "http://example.com", URL_SCHEME_HTTP, NULL, NULL, "example.com", 80, 0, "", "" },
        { "http://example.com/", URL_SCHEME_HTTP, NULL, NULL, "example.com", 80, 0, "/", "" },
        { "https://example.com/a/b.html", URL_SCHEME_HTTPS, NULL, NULL, "example.com", 443, 0, "/a/b.html", "" },
        { "HTTP://Example.COM/X", URL_SCHEME_HTTP, NULL, NULL, "Example.COM", 80, 0, "/X", "" },
        { "HtTpS://h", URL_SCHEME_HTTPS, NULL, NULL, "h", 443, 0, "", "" },
        { "http://localhost:8080/path", URL_SCHEME_HTTP, NULL, NULL, "localhost", 8080, 1, "/path", "" },
        { "https://h:443/", URL_SCHEME_HTTPS, NULL, NULL, "h", 443, 1, "/", "" },
        { "http://h:1", URL_SCHEME_HTTP, NULL, NULL, "h", 1, 1, "", "" },
        { "http://h:65535/", URL_SCHEME_HTTP, NULL, NULL, "h", 65535, 1, "/", "" },
        { "http://h:00080/", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 1, "/", "" },
        { "http://user:pass@host/p", URL_SCHEME_HTTP, "user", "pass", "host", 80, 0, "/p", "" },
        { "http://user@host:81", URL_SCHEME_HTTP, "user", NULL, "host", 81, 1, "", "" },
        { "http://user:@host", URL_SCHEME_HTTP, "user", "", "host", 80, 0, "", "" },
        { "http://:pw@host", URL_SCHEME_HTTP, "", "pw", "host", 80, 0, "", "" },
        { "http://@host", URL_SCHEME_HTTP, "", NULL, "host", 80, 0, "", "" },
        { "http://u:p:q@host", URL_SCHEME_HTTP, "u", "p:q", "host", 80, 0, "", "" },
        { "http://a@b@host/", URL_SCHEME_HTTP, "a@b", NULL, "host", 80, 0, "/", "" },
        { "https://u:p@[::1]:8443/x?y", URL_SCHEME_HTTPS, "u", "p", "[::1]", 8443, 1, "/x", "?y" },
        { "http://[::1]:8080/", URL_SCHEME_HTTP, NULL, NULL, "[::1]", 8080, 1, "/", "" },
        { "http://[::1]", URL_SCHEME_HTTP, NULL, NULL, "[::1]", 80, 0, "", "" },
        { "http://[fe80::1%25eth0]/", URL_SCHEME_HTTP, NULL, NULL, "[fe80::1%25eth0]", 80, 0, "/", "" },
        { "http://h/p?q=1&r=2", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "/p", "?q=1&r=2" },
        { "http://h/p#frag", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "/p", "#frag" },
        { "http://h/p?q#frag", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "/p", "?q#frag" },
        { "http://h/p#f?g", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "/p", "#f?g" },
        { "http://h?q", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "", "?q" },
        { "http://h:99#f", URL_SCHEME_HTTP, NULL, NULL, "h", 99, 1, "", "#f" },
        { "http://h/a:b@c", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "/a:b@c", "" },
        { "http://h/p?x@y:z", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "/p", "?x@y:z" },
        { "http://127.0.0.1:3000/ws", URL_SCHEME_HTTP, NULL, NULL, "127.0.0.1", 3000, 1, "/ws", "" },
        { "http://h//double//", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "//double//", "" },
        { "http://h/%41%20b", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "/%41%20b", "" },
        /* as Windows cracks them (Wine's tests): port 0, empty ports, a lone '?' */
        { "http://h:0/", URL_SCHEME_HTTP, NULL, NULL, "h", 0, 1, "/", "" },
        { "http://h:0", URL_SCHEME_HTTP, NULL, NULL, "h", 0, 1, "", "" },
        { "http://h:", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "", "" },
        { "http://h:/", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "/", "" },
        { "https://h:/x", URL_SCHEME_HTTPS, NULL, NULL, "h", 443, 0, "/x", "" },
        { "http://[::1]:/", URL_SCHEME_HTTP, NULL, NULL, "[::1]", 80, 0, "/", "" },
        { "http://[::1]:0/", URL_SCHEME_HTTP, NULL, NULL, "[::1]", 0, 1, "/", "" },
        { "http://winehq?", URL_SCHEME_HTTP, NULL, NULL, "winehq", 80, 0, "", "" },
        { "http://h/p?", URL_SCHEME_HTTP, NULL, NULL, "h", 80, 0, "/p", "?" },
        { "http://winehq/post;a", URL_SCHEME_HTTP, NULL, NULL, "winehq", 80, 0, "/post;a", "" },
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) check_case(&cases[i], (int)i);
}

static void test_bad(void)
{
    static const char *const bad[] = {
        "", "http", "http:", "http:/", "http://", "http:/h/", "http:h", "example.com/path", "/path",
        "://h/", "ftp://h/", "ws://h/", "httpx://h/", "htt://h/", "file:///etc/passwd",
        "http:///path", "http://:80/", "http://user@/", "http://u:p@:81/", "http://?q", "http://#f",
        "http://h:65536/", "http://h:99999999999999999999/", "http://h:abc/", "http://h:8a/",
        "http://h:-1/", "http://h: 80/", "http://h:+80/",
        "http://[::1/", "http://[]/", "http://[::1]x/",
        "http://h:80:81/",
    };
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        url_parts p;
        size_t n = widen(bad[i]);
        CHECKF(url_crack(wbuf, n, &p) == -1, "url should fail: \"%s\"", bad[i]);
    }
}

static void test_misc(void)
{
    url_parts p;
    size_t n;

    /* explicit length shorter than the string */
    n = widen("http://host:8080/path?q");
    CHECK_EQ(url_crack(wbuf, 11, &p), 0);
    CHECK(part_is(&p.host, "host"));
    CHECK_EQ(p.port, 80);
    CHECK_EQ(url_crack(wbuf, 16, &p), 0);
    CHECK_EQ(p.port, 8080);
    CHECK(part_is(&p.path, ""));
    CHECK_EQ(url_crack(wbuf, n, &p), 0);
    CHECK(part_is(&p.extra, "?q"));
    CHECK_EQ(url_crack(wbuf, 0, &p), -1);
    CHECK_EQ(url_crack(NULL, 0, &p), -1);

    /* the lone '?' case: both at the end of the URL, after the '?' */
    n = widen("http://winehq?");
    CHECK_EQ(url_crack(wbuf, n, &p), 0);
    CHECK_EQ(p.path.off, 14);
    CHECK_EQ(p.extra.off, 14);

    /* empty path and extra are reported at the end of the authority */
    n = widen("http://h");
    CHECK_EQ(url_crack(wbuf, n, &p), 0);
    CHECK_EQ(p.path.off, 8);
    CHECK_EQ(p.extra.off, 8);
    CHECK_EQ(p.path.present, 1);
    CHECK_EQ(p.extra.present, 1);

    /* non-ASCII code units pass through */
    n = widen("http://h/x");
    wbuf[n++] = 0x00e9;
    wbuf[n++] = 0xd83d;
    wbuf[n++] = 0xde00;
    CHECK_EQ(url_crack(wbuf, n, &p), 0);
    CHECK_EQ(p.path.len, 5);
    n = widen("http://h");
    wbuf[7] = 0x4e2d;  /* host is a CJK character */
    CHECK_EQ(url_crack(wbuf, n, &p), 0);
    CHECK_EQ(p.host.len, 1);
    /* fullwidth colon in the scheme is not a scheme separator */
    n = widen("http\x01//h");
    wbuf[4] = 0xff1a;
    CHECK_EQ(url_crack(wbuf, n, &p), -1);
    /* a scheme with a code unit that folds to ASCII only when truncated */
    n = widen("http://h");
    wbuf[0] = 0x0168;  /* low byte 'h' */
    CHECK_EQ(url_crack(wbuf, n, &p), -1);
    CHECK_EQ(p.scheme, URL_SCHEME_UNKNOWN);
}

static int unescape_is(const char *in, const char *want)
{
    uint16_t out[128];
    size_t n = widen(in), i, m = strlen(want);
    size_t r = url_unescape(out, wbuf, n);
    if (r != m) return 0;
    for (i = 0; i < m; i++) if (out[i] != (uint8_t)want[i]) return 0;
    /* in place gives the same */
    r = url_unescape(wbuf, wbuf, n);
    if (r != m) return 0;
    for (i = 0; i < m; i++) if (wbuf[i] != (uint8_t)want[i]) return 0;
    return 1;
}

static void test_unescape(void)
{
    CHECK(unescape_is("", ""));
    CHECK(unescape_is("abc", "abc"));
    CHECK(unescape_is("%41", "A"));
    CHECK(unescape_is("a%20b", "a b"));
    CHECK(unescape_is("%7e%7E", "~~"));
    CHECK(unescape_is("%2541", "%41"));
    CHECK(unescape_is("%", "%"));
    CHECK(unescape_is("%4", "%4"));
    CHECK(unescape_is("x%4", "x%4"));
    CHECK(unescape_is("%zz", "%zz"));
    CHECK(unescape_is("%4g", "%4g"));
    CHECK(unescape_is("%%41", "%A"));
    CHECK(unescape_is("100%", "100%"));
    CHECK(unescape_is("%ff", "\xff"));
    {
        uint16_t out[4];
        size_t n = widen("%00x");
        CHECK_EQ(url_unescape(out, wbuf, n), 2);
        CHECK_EQ(out[0], 0);
        CHECK_EQ(out[1], 'x');
        /* non-ASCII digits are not hex */
        wbuf[0] = '%'; wbuf[1] = 0xff11; wbuf[2] = '1';
        CHECK_EQ(url_unescape(out, wbuf, 3), 3);
        CHECK_EQ(out[1], 0xff11);
        CHECK_EQ(url_unescape(out, wbuf, 0), 0);
    }
}

static int dots_is(const char *in, const char *want)
{
    size_t n = widen(in), i, m = strlen(want);
    n = url_remove_dots(wbuf, n);
    if (n != m) return 0;
    for (i = 0; i < n; i++) if (wbuf[i] != (uint8_t)want[i]) return 0;
    return 1;
}

static void test_remove_dots(void)
{
    /* RFC 3986 5.2.4's own examples, then the normal and abnormal
     * resolutions of 5.4 after merging with the base "/b/c/d;p" */
    CHECK(dots_is("/a/b/c/./../../g", "/a/g"));
    CHECK(dots_is("mid/content=5/../6", "mid/6"));
    CHECK(dots_is("/b/c/g", "/b/c/g"));
    CHECK(dots_is("/b/c/./g", "/b/c/g"));
    CHECK(dots_is("/b/c/g/", "/b/c/g/"));
    CHECK(dots_is("/b/c/.", "/b/c/"));
    CHECK(dots_is("/b/c/./", "/b/c/"));
    CHECK(dots_is("/b/c/..", "/b/"));
    CHECK(dots_is("/b/c/../", "/b/"));
    CHECK(dots_is("/b/c/../g", "/b/g"));
    CHECK(dots_is("/b/c/../..", "/"));
    CHECK(dots_is("/b/c/../../", "/"));
    CHECK(dots_is("/b/c/../../g", "/g"));
    CHECK(dots_is("/b/c/../../../g", "/g"));
    CHECK(dots_is("/b/c/../../../../g", "/g"));
    CHECK(dots_is("/./g", "/g"));
    CHECK(dots_is("/../g", "/g"));
    CHECK(dots_is("/b/c/g.", "/b/c/g."));
    CHECK(dots_is("/b/c/.g", "/b/c/.g"));
    CHECK(dots_is("/b/c/g..", "/b/c/g.."));
    CHECK(dots_is("/b/c/..g", "/b/c/..g"));
    CHECK(dots_is("/b/c/./../g", "/b/g"));
    CHECK(dots_is("/b/c/./g/.", "/b/c/g/"));
    CHECK(dots_is("/b/c/g/./h", "/b/c/g/h"));
    CHECK(dots_is("/b/c/g/../h", "/b/c/h"));
    CHECK(dots_is("/b/c/g;x=1/./y", "/b/c/g;x=1/y"));
    CHECK(dots_is("/b/c/g;x=1/../y", "/b/c/y"));
    /* edges */
    CHECK(dots_is("", ""));
    CHECK(dots_is("/", "/"));
    CHECK(dots_is(".", ""));
    CHECK(dots_is("..", ""));
    CHECK(dots_is("/.", "/"));
    CHECK(dots_is("/..", "/"));
    CHECK(dots_is("//a/../b", "//b"));
    CHECK(dots_is("/a//../b", "/a/b"));
    CHECK(dots_is("/%2e%2e/a", "/%2e%2e/a"));   /* escaped dots are not dot segments here */
}

void test_url(void)
{
    test_remove_dots();
    test_good();
    test_bad();
    test_misc();
    test_unescape();
}
