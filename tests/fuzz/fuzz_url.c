/* libFuzzer target: url_crack / url_unescape with structural invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codec/url_crack.h"

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

static void check_part(const url_part *p, size_t len)
{
    if (!p->present) { REQUIRE(p->off == 0 && p->len == 0); return; }
    REQUIRE(p->off <= len && p->len <= len - p->off);
}

static int has(const uint16_t *u, const url_part *p, uint16_t c)
{
    size_t i;
    for (i = 0; i < p->len; i++) if (u[p->off + i] == c) return 1;
    return 0;
}

static void check_url(const uint16_t *u, size_t len)
{
    url_parts p;
    size_t at, host_off;
    uint16_t *u2;
    url_parts q;

    if (url_crack(u, len, &p)) return;
    check_part(&p.scheme_name, len);
    check_part(&p.user, len);
    check_part(&p.password, len);
    check_part(&p.host, len);
    check_part(&p.path, len);
    check_part(&p.extra, len);

    REQUIRE(p.scheme == URL_SCHEME_HTTP || p.scheme == URL_SCHEME_HTTPS);
    REQUIRE(p.scheme_name.present && p.scheme_name.off == 0);
    REQUIRE(p.scheme_name.len == (p.scheme == URL_SCHEME_HTTPS ? 5u : 4u));
    REQUIRE(u[p.scheme_name.len] == ':' && u[p.scheme_name.len + 1] == '/' && u[p.scheme_name.len + 2] == '/');
    REQUIRE(p.host.present && p.host.len > 0);
    REQUIRE(p.port >= 1 || p.port_explicit);   /* ":0" is port 0, as Windows takes it */
    if (!p.port_explicit) REQUIRE(p.port == (p.scheme == URL_SCHEME_HTTPS ? 443 : 80));
    if (p.password.present) REQUIRE(p.user.present);

    /* the components tile the URL with only separators between them */
    at = p.scheme_name.len + 3;
    if (p.user.present)
    {
        REQUIRE(p.user.off == at);
        REQUIRE(!has(u, &p.user, ':') && !has(u, &p.user, '/') && !has(u, &p.user, '?') && !has(u, &p.user, '#'));
        at += p.user.len;
        if (p.password.present)
        {
            REQUIRE(u[at] == ':' && p.password.off == at + 1);
            at = p.password.off + p.password.len;
        }
        REQUIRE(u[at] == '@');
        at++;
    }
    host_off = at;
    REQUIRE(p.host.off == host_off);
    REQUIRE(!has(u, &p.host, '@') && !has(u, &p.host, '/') && !has(u, &p.host, '?') && !has(u, &p.host, '#'));
    if (u[host_off] == '[') REQUIRE(u[host_off + p.host.len - 1] == ']');
    else REQUIRE(!has(u, &p.host, ':'));
    at = host_off + p.host.len;
    if (p.port_explicit)
    {
        uint32_t v = 0;
        REQUIRE(u[at] == ':');
        at++;
        REQUIRE(at < len && u[at] >= '0' && u[at] <= '9');
        for (; at < len && u[at] >= '0' && u[at] <= '9'; at++)
        {
            v = v * 10 + (u[at] - '0');
            REQUIRE(v <= 65535);
        }
        REQUIRE(v == p.port);
    }
    else if (at < len && u[at] == ':') at++;   /* ":" or ":/": an empty port is none */
    /* Windows: "http://host?" has an empty path and extra info at the end */
    if (at + 1 == len && u[at] == '?' && p.path.off == len && !p.path.len && !p.extra.len) return;
    REQUIRE(p.path.present && p.path.off == at);
    if (p.path.len) REQUIRE(u[p.path.off] == '/');
    REQUIRE(!has(u, &p.path, '?') && !has(u, &p.path, '#'));
    REQUIRE(p.extra.present && p.extra.off == p.path.off + p.path.len && p.extra.off + p.extra.len == len);
    if (p.extra.len) REQUIRE(u[p.extra.off] == '?' || u[p.extra.off] == '#');

    /* re-cracking a copy with the scheme upper-cased gives the same parts */
    u2 = malloc(len * sizeof(uint16_t));
    memcpy(u2, u, len * sizeof(uint16_t));
    for (at = 0; at < p.scheme_name.len; at++) if (u2[at] >= 'a' && u2[at] <= 'z') u2[at] -= 32;
    REQUIRE(!url_crack(u2, len, &q));
    REQUIRE(!memcmp(&p.host, &q.host, sizeof(url_part)) && !memcmp(&p.path, &q.path, sizeof(url_part)) &&
            !memcmp(&p.extra, &q.extra, sizeof(url_part)) && p.port == q.port && p.scheme == q.scheme);
    free(u2);
}

static void check_unescape(const uint16_t *u, size_t len)
{
    uint16_t *a = malloc((len ? len : 1) * sizeof(uint16_t)), *b = malloc((len ? len : 1) * sizeof(uint16_t));
    size_t n, m, i, pct = 0;

    n = url_unescape(a, u, len);
    REQUIRE(n <= len);
    memcpy(b, u, len * sizeof(uint16_t));
    m = url_unescape(b, b, len);
    REQUIRE(m == n && !memcmp(a, b, n * sizeof(uint16_t)));
    for (i = 0; i < len; i++) if (u[i] == '%') pct++;
    if (!pct) REQUIRE(n == len && !memcmp(a, u, len * sizeof(uint16_t)));
    REQUIRE(len - n <= 2 * pct);
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint16_t *u;
    size_t len, i;

    if (!size) return 0;
    /* first byte picks the encoding: widen bytes, or little-endian pairs */
    if (data[0] & 1)
    {
        len = (size - 1) / 2;
        u = malloc((len ? len : 1) * sizeof(uint16_t));
        for (i = 0; i < len; i++) u[i] = (uint16_t)(data[1 + 2 * i] | (data[2 + 2 * i] << 8));
    }
    else
    {
        len = size - 1;
        u = malloc((len ? len : 1) * sizeof(uint16_t));
        for (i = 0; i < len; i++) u[i] = data[1 + i];
    }
    check_url(u, len);
    check_unescape(u, len);
    free(u);
    return 0;
}
