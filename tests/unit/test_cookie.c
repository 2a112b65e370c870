/* Host unit tests of the cookie codec (codec/cookie.c, RFC 6265). */
#include <string.h>
#include "check.h"
#include "codec/cookie.h"

#define NOW 1700000000LL

static int date(const char *s, int64_t *t) { return cookie_parse_date(s, strlen(s), t); }

static void check_date(const char *s, int64_t want)
{
    int64_t t = 0;
    int rc = date(s, &t);
    CHECKF(!rc && t == want, "'%s': rc %d, %lld, want %lld", s, rc, (long long)t, (long long)want);
}

static void test_dates(void)
{
    static const char *const bad[] =
    {
        "", "GMT", "Sun, 06 Nov 1994", "06 Nov 1994 08:49", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:60 GMT", "Sat, 30 Feb 2019 00:00:00 GMT", "Mon, 01 Jan 1600 00:00:00 GMT",
        "Sun, 06 Nov 19940 08:49:37 GMT", "Sun, 006 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 008:49:37 GMT",
        "Fri, 29 Feb 2019 10:00:00 GMT",
    };
    int64_t t;
    size_t i;

    /* the three HTTP forms and what 5.1.1 takes besides */
    check_date("Sun, 06 Nov 1994 08:49:37 GMT", 784111777);
    check_date("Sunday, 06-Nov-94 08:49:37 GMT", 784111777);
    check_date("Sun Nov  6 08:49:37 1994", 784111777);
    check_date("06 nov 1994 08:49:37", 784111777);
    check_date("Wed, 13 Jan 2021 22:23:01 GMT", 1610576581);   /* Wine's cookie test's date */
    check_date("13-Jan-2021 22:23:01", 1610576581);
    check_date("Wed, 13 January 2021 22:23:01 GMT", 1610576581);
    check_date("Thu, 01 Jan 1970 00:00:00 GMT", 0);
    check_date("1 Jan 70 0:0:0", 0);
    check_date("Sat, 01 Mar 69 00:00:00 GMT", 3129321600LL);  /* 0-69: 2000s */
    check_date("Sat, 29 Feb 2020 12:00:00 GMT", 1582977600);
    check_date("Mon, 01 Jan 1601 00:00:00 GMT", -11644473600LL);
    check_date("Sun, 06 Nov 1994 08:49:37xyz GMT", 784111777);   /* a time followed by non-digits */
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECKF(date(bad[i], &t) == -1, "'%s' should not parse", bad[i]);
}

static void test_matching(void)
{
    cookie_str d;
#define DP(in, want) do { d = cookie_default_path(in, strlen(in)); \
                          CHECKF(d.len == strlen(want) && !memcmp(d.p, want, d.len), "default path of '%s': '%.*s'", \
                                 in, (int)d.len, d.p); } while (0)
    DP("", "/");
    DP("x", "/");
    DP("/", "/");
    DP("/cookie", "/");
    DP("/a/b", "/a");
    DP("/a/b/", "/a/b");
    DP("/a/b?x=/c/d", "/a");
    DP("/a/b#/c/d", "/a");
#undef DP
#define PM(p, c) cookie_path_match(p, strlen(p), c, strlen(c))
    CHECK(PM("/", "/"));
    CHECK(PM("/a/b", "/"));
    CHECK(PM("/a/b", "/a"));
    CHECK(PM("/a/b", "/a/"));
    CHECK(PM("/a", "/a"));
    CHECK(PM("/a?q", "/a"));
    CHECK(!PM("/ab", "/a"));
    CHECK(!PM("/a", "/a/"));
    CHECK(!PM("/b", "/a"));
    CHECK(!PM("/A", "/a"));       /* case matters in paths */
    CHECK(PM("", "/"));
    CHECK(!PM("/x?/a/b", "/a"));
#undef PM
#define DM(h, dom) cookie_domain_match(h, strlen(h), dom, strlen(dom))
    CHECK(DM("example.com", "example.com"));
    CHECK(DM("WWW.Example.COM", "example.com"));
    CHECK(DM("a.b.example.com", "example.com"));
    CHECK(!DM("badexample.com", "example.com"));
    CHECK(!DM("example.com", "www.example.com"));
    CHECK(!DM("example.com", ""));
    CHECK(DM("127.0.0.1", "127.0.0.1"));
    CHECK(!DM("127.0.0.1", "0.0.1"));   /* an IP address matches only itself */
    CHECK(DM("localhost", "LOCALHOST"));
#undef DM
    CHECK(cookie_host_is_ip("127.0.0.1", 9));
    CHECK(cookie_host_is_ip("::1", 3));
    CHECK(cookie_host_is_ip("[::1]", 5));
    CHECK(!cookie_host_is_ip("localhost", 9));
    CHECK(!cookie_host_is_ip("1.2.3", 5));
    CHECK(!cookie_host_is_ip("a1.2.3.4", 8));
}

static int parse(const char *s, const char *path, cookie_parsed *c)
{
    return cookie_parse(s, strlen(s), path, strlen(path), NOW, c);
}

static int str_is(cookie_str s, const char *want) { return s.len == strlen(want) && !memcmp(s.p, want, s.len); }

static void test_parse(void)
{
    cookie_parsed c;

    /* Wine's test (checked on Windows): spaces around '=' and after the value go */
    CHECK(parse("name = value ", "/cookie", &c) == COOKIE_STORED);
    CHECK(str_is(c.name, "name") && str_is(c.value, "value") && str_is(c.path, "/"));
    CHECK(!c.persistent && c.expires == COOKIE_NEVER && !c.secure && !c.http_only && !c.domain.len);
    CHECK(parse("name2=value; Domain = localhost; Path=/cookie5;Expires=Wed, 13 Jan 2021 22:23:01 GMT; HttpOnly; ",
                "/cookie4", &c) == COOKIE_STORED);
    CHECK(str_is(c.name, "name2") && str_is(c.value, "value") && str_is(c.domain, "localhost"));
    CHECK(str_is(c.path, "/cookie5") && c.http_only && !c.secure && c.persistent && c.expires == 1610576581);
    CHECK(parse("a=\"quoted; not\"", "/", &c) == COOKIE_STORED && str_is(c.value, "\"quoted"));
    CHECK(parse("a=", "/", &c) == COOKIE_STORED && str_is(c.name, "a") && !c.value.len);
    CHECK(parse("a=b=c", "/", &c) == COOKIE_STORED && str_is(c.value, "b=c"));
    /* ignored cookies */
    CHECK(parse("novalue", "/", &c) == COOKIE_IGNORED);
    CHECK(parse("novalue; a=b", "/", &c) == COOKIE_IGNORED);
    CHECK(parse(" =v", "/", &c) == COOKIE_IGNORED);
    CHECK(parse("", "/", &c) == COOKIE_IGNORED);
    CHECK(cookie_parse("a=b\0c", 5, "/", 1, NOW, &c) == COOKIE_IGNORED);
    CHECK(parse("a=b\r\nX: y", "/", &c) == COOKIE_IGNORED);
    CHECK(parse("a=\x7f", "/", &c) == COOKIE_IGNORED);
    {
        static char big[COOKIE_MAX_BYTES + 8];
        memset(big, 'v', sizeof(big) - 1);
        big[0] = 'n'; big[1] = '=';
        CHECK(parse(big, "/", &c) == COOKIE_IGNORED);
        big[COOKIE_MAX_BYTES + 1] = 0;   /* "n=" + 4095 bytes: name + value = 4096 */
        CHECK(parse(big, "/", &c) == COOKIE_STORED);
    }
    /* attributes: case-blind names, the last one wins, Max-Age before Expires */
    CHECK(parse("a=b; SECURE; hTtPoNlY; PATH=/x; path=/y", "/", &c) == COOKIE_STORED);
    CHECK(c.secure && c.http_only && str_is(c.path, "/y"));
    CHECK(parse("a=b; Path=/x; Path=", "/p/q", &c) == COOKIE_STORED && str_is(c.path, "/p"));
    CHECK(parse("a=b; Path=relative", "/p/q", &c) == COOKIE_STORED && str_is(c.path, "/p"));
    CHECK(parse("a=b; Max-Age=10; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "/", &c) == COOKIE_STORED);
    CHECK(c.persistent && c.expires == NOW + 10);
    CHECK(parse("a=b; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=10", "/", &c) == COOKIE_STORED);
    CHECK(c.expires == NOW + 10);
    CHECK(parse("a=b; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=1x", "/", &c) == COOKIE_STORED);
    CHECK(c.persistent && c.expires == 784111777);
    CHECK(parse("a=b; Max-Age=+5", "/", &c) == COOKIE_STORED && !c.persistent);
    CHECK(parse("a=b; Max-Age=", "/", &c) == COOKIE_STORED && !c.persistent);
    CHECK(parse("a=b; Max-Age=-", "/", &c) == COOKIE_STORED && !c.persistent);
    CHECK(parse("a=b; Max-Age=0", "/", &c) == COOKIE_STORED && c.persistent && c.expires <= NOW);
    CHECK(parse("a=b; Max-Age=-7", "/", &c) == COOKIE_STORED && c.expires <= NOW);
    CHECK(parse("a=b; Max-Age=99999999999999999999999", "/", &c) == COOKIE_STORED && c.expires > NOW);
    CHECK(parse("a=b; Expires=never", "/", &c) == COOKIE_STORED && !c.persistent);
    CHECK(parse("a=b; Domain=.Example.com", "/", &c) == COOKIE_STORED && str_is(c.domain, "Example.com"));
    CHECK(parse("a=b; Domain=", "/", &c) == COOKIE_STORED && !c.domain.len);
    CHECK(parse("a=b; Domain=.", "/", &c) == COOKIE_STORED && !c.domain.len);
    CHECK(parse("a=b;;; ;Unknown=1;Secure", "/", &c) == COOKIE_STORED && c.secure);
}

static size_t header(cookie_jar *j, const char *host, const char *path, int secure, int64_t now, char *out)
{
    return cookie_jar_header(j, host, strlen(host), path, strlen(path), secure, now, out, 512);
}

static int set(cookie_jar *j, const char *s, const char *host, const char *path, int64_t now)
{
    return cookie_jar_set(j, s, strlen(s), host, strlen(host), path, strlen(path), now);
}

#define HDR(host, path, secure, now, want) do { char out_[512]; size_t n_ = header(&jar, host, path, secure, now, out_); \
        CHECKF(n_ == strlen(want) && !strcmp(out_, want), "%s%s: '%s', want '%s'", host, path, out_, want); } while (0)

static void test_jar(void)
{
    cookie_jar jar;
    char small[8];
    int i;

    cookie_jar_init(&jar);
    /* Wine's test, checked on Windows: two names differing in case, same
     * path: the later one first; another session (jar) has none */
    CHECK(set(&jar, "name = value ", "localhost", "/cookie", NOW) == COOKIE_STORED);
    CHECK(set(&jar, "NAME = value ", "localhost", "/cookie", NOW) == COOKIE_STORED);
    HDR("localhost", "/cookie2", 0, NOW, "NAME=value; name=value");
    HDR("LocalHost", "/", 0, NOW, "NAME=value; name=value");
    HDR("127.0.0.1", "/cookie2", 0, NOW, "");              /* host-only: another host gets nothing */
    HDR("a.localhost", "/", 0, NOW, "");
    /* replacement keeps the place; deletion by Max-Age=0 or a date past */
    CHECK(set(&jar, "name=new", "localhost", "/x", NOW) == COOKIE_STORED);
    HDR("localhost", "/", 0, NOW, "NAME=value; name=new");
    CHECK_EQ(jar.count, 2);
    CHECK(set(&jar, "name=gone; Max-Age=0", "localhost", "/", NOW) == COOKIE_DELETED);
    HDR("localhost", "/", 0, NOW, "NAME=value");
    CHECK(set(&jar, "NAME=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "LOCALHOST", "/", NOW) == COOKIE_DELETED);
    HDR("localhost", "/", 0, NOW, "");
    CHECK_EQ(jar.count, 0);
    /* a deletion for another path leaves the cookie alone */
    CHECK(set(&jar, "p=1; Path=/a", "localhost", "/", NOW) == COOKIE_STORED);
    CHECK(set(&jar, "p=1; Max-Age=0", "localhost", "/", NOW) == COOKIE_DELETED);
    HDR("localhost", "/a/b", 0, NOW, "p=1");
    HDR("localhost", "/ab", 0, NOW, "");
    /* longer path first, then the newest first */
    CHECK(set(&jar, "q=2; Path=/", "localhost", "/", NOW) == COOKIE_STORED);
    CHECK(set(&jar, "r=3; Path=/a/b", "localhost", "/", NOW) == COOKIE_STORED);
    CHECK(set(&jar, "s=4; Path=/", "localhost", "/", NOW) == COOKIE_STORED);
    HDR("localhost", "/a/b/c", 0, NOW, "r=3; p=1; s=4; q=2");
    HDR("localhost", "/a", 0, NOW, "p=1; s=4; q=2");
    cookie_jar_clear(&jar);
    CHECK_EQ(jar.count, 0);

    /* Domain: the host itself or a parent, never another site, a single label or an address's parent */
    CHECK(set(&jar, "d=1; Domain=example.com", "www.example.com", "/", NOW) == COOKIE_STORED);
    CHECK(set(&jar, "e=1; Domain=.WWW.example.com", "www.example.com", "/", NOW) == COOKIE_STORED);
    CHECK(set(&jar, "f=1; Domain=other.com", "www.example.com", "/", NOW) == COOKIE_REJECTED);
    CHECK(set(&jar, "g=1; Domain=com", "www.example.com", "/", NOW) == COOKIE_REJECTED);
    CHECK(set(&jar, "g=1; Domain=com.", "www.example.com", "/", NOW) == COOKIE_REJECTED);
    CHECK(set(&jar, "h=1; Domain=a.www.example.com", "www.example.com", "/", NOW) == COOKIE_REJECTED);
    CHECK(set(&jar, "i=1; Domain=0.0.1", "127.0.0.1", "/", NOW) == COOKIE_REJECTED);
    CHECK(set(&jar, "j=1; Domain=127.0.0.1", "127.0.0.1", "/", NOW) == COOKIE_STORED);
    CHECK(set(&jar, "k=1; Domain=localhost", "localhost", "/", NOW) == COOKIE_STORED);   /* Wine's test */
    CHECK(set(&jar, "l=1; Domain=localhost", "127.0.0.1", "/", NOW) == COOKIE_REJECTED);
    CHECK(set(&jar, "m=1", "", "/", NOW) == COOKIE_REJECTED);
    HDR("www.example.com", "/", 0, NOW, "e=1; d=1");
    HDR("a.www.example.com", "/", 0, NOW, "e=1; d=1");
    HDR("example.com", "/", 0, NOW, "d=1");
    HDR("xexample.com", "/", 0, NOW, "");
    HDR("127.0.0.1", "/", 0, NOW, "j=1");
    HDR("localhost", "/", 0, NOW, "k=1");
    HDR("a.localhost", "/", 0, NOW, "");    /* a single label is host-only */
    cookie_jar_clear(&jar);

    /* Secure, expiry on the clock, HttpOnly still sent (an HTTP API) */
    CHECK(set(&jar, "s=1; Secure", "h", "/", NOW) == COOKIE_STORED);
    CHECK(set(&jar, "t=1; Max-Age=1; HttpOnly", "h", "/", NOW) == COOKIE_STORED);
    HDR("h", "/", 0, NOW, "t=1");
    HDR("h", "/", 1, NOW, "t=1; s=1");
    HDR("h", "/", 1, NOW + 1, "s=1");
    CHECK_EQ(jar.count, 1);
    CHECK_EQ(cookie_jar_header(&jar, "h", 1, "/", 1, 1, NOW, small, sizeof(small)), 3);
    CHECK(!strcmp(small, "s=1"));
    CHECK(set(&jar, "u=1234567890", "h", "/", NOW) == COOKIE_STORED);
    CHECK_EQ(cookie_jar_header(&jar, "h", 1, "/", 1, 1, NOW, small, sizeof(small)), 17);
    CHECK(!strcmp(small, "u=12345"));
    CHECK_EQ(cookie_jar_header(&jar, "h", 1, "/", 1, 1, NOW, NULL, 0), 17);
    cookie_jar_clear(&jar);

    /* limits: 50 per domain, the oldest goes */
    for (i = 0; i < COOKIE_MAX_PER_DOMAIN + 5; i++)
    {
        char s[32];
        snprintf(s, sizeof(s), "c%d=%d", i, i);
        CHECK(set(&jar, s, "h", "/", NOW) == COOKIE_STORED);
    }
    CHECK_EQ(jar.count, COOKIE_MAX_PER_DOMAIN);
    {
        char out[1024];
        cookie_jar_header(&jar, "h", 1, "/", 1, 0, NOW, out, sizeof(out));
        CHECK(!strstr(out, "c4=4") && strstr(out, "c5=5") && strstr(out, "c54=54") && !strncmp(out, "c54=54", 6));
    }
    CHECK(set(&jar, "other=1", "h2", "/", NOW) == COOKIE_STORED);
    CHECK_EQ(jar.count, COOKIE_MAX_PER_DOMAIN + 1);
    cookie_jar_clear(&jar);
}

void test_cookie(void)
{
    test_dates();
    test_matching();
    test_parse();
    test_jar();
}
