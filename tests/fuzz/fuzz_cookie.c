/* libFuzzer target: cookies (codec/cookie.c).  The first byte picks the
 * part: cookie dates, or a jar fed with Set-Cookie lines (the input split
 * at '\n': a host line, a path line, then Set-Cookie values; a line starting
 * with '>' asks for the Cookie header of the host and path it names), with
 * invariants. */
#include <stdint.h>
#include <string.h>
#include "codec/cookie.h"

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

static void check_date(const uint8_t *data, size_t size)
{
    int64_t t;
    if (cookie_parse_date((const char *)data, size, &t)) return;
    REQUIRE(t >= cookie_days_from_civil(1601, 1, 1));
    REQUIRE(t < cookie_days_from_civil(10000, 1, 1));
}

static int inside(cookie_str s, const char *p, size_t n)
{
    return !s.len || (s.p >= p && s.p + s.len <= p + n);
}

static void check_header(cookie_jar *jar, const char *host, size_t hlen, const char *path, size_t plen, int secure,
                         int64_t now)
{
    static char out[1 << 16];
    size_t n = cookie_jar_header(jar, host, hlen, path, plen, secure, now, out, sizeof(out)), i;
    size_t again = cookie_jar_header(jar, host, hlen, path, plen, secure, now, NULL, 0);
    REQUIRE(n == again);
    if (n >= sizeof(out)) return;
    REQUIRE(strlen(out) == n);
    /* nothing that could end or split the header line */
    for (i = 0; i < n; i++) REQUIRE(out[i] != '\r' && out[i] != '\n');
    REQUIRE(!n || (out[0] != ';' && out[n - 1] != ' '));
}

static void check_jar(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *end = s + size, *host = "", *path = "/";
    size_t hlen = 0, plen = 1, line = 0;
    int64_t now = 1700000000;
    cookie_jar jar;

    cookie_jar_init(&jar);
    while (s < end)
    {
        const char *nl = memchr(s, '\n', (size_t)(end - s)), *e = nl ? nl : end;
        size_t n = (size_t)(e - s);
        if (line == 0) { host = s; hlen = n; }
        else if (line == 1) { path = s; plen = n; }
        else if (n && s[0] == '>')
            check_header(&jar, host, hlen, s + 1, n - 1, n > 1 && s[1] == 's', now);
        else if (n && s[0] == '+') now += n;   /* the clock moves on */
        else
        {
            cookie_parsed c;
            int rc = cookie_parse(s, n, path, plen, now, &c);
            REQUIRE(rc == COOKIE_STORED || rc == COOKIE_IGNORED);
            if (rc == COOKIE_STORED)
            {
                REQUIRE(c.name.len && inside(c.name, s, n) && inside(c.value, s, n) && inside(c.domain, s, n));
                REQUIRE(c.path.len && c.path.p[0] == '/');
                REQUIRE(c.persistent || c.expires == COOKIE_NEVER);
            }
            rc = cookie_jar_set(&jar, s, n, host, hlen, path, plen, now);
            REQUIRE(rc >= COOKIE_STORED && rc <= COOKIE_NOMEM);
            REQUIRE(jar.count <= COOKIE_MAX_TOTAL);
        }
        line++;
        s = nl ? nl + 1 : end;
    }
    check_header(&jar, host, hlen, path, plen, 1, now);
    {
        /* every cookie kept is whole and was allowed for this host */
        cookie_item *c;
        size_t count = 0;
        for (c = jar.head; c; c = c->next, count++)
        {
            REQUIRE(c->name_len && strlen(c->name) == c->name_len && c->path_len && c->path[0] == '/');
            REQUIRE(c->host_only || cookie_domain_match(host, hlen, c->domain, c->domain_len));
        }
        REQUIRE(count == jar.count);
    }
    cookie_jar_clear(&jar);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    if (data[0] & 1) check_date(data + 1, size - 1);
    else check_jar(data + 1, size - 1);
    return 0;
}
