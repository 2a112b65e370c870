/* HTTP cookies (RFC 6265): see include/codec/cookie.h. */
#include <stdlib.h>
#include <string.h>
#include "codec/cookie.h"

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_wsp(int c) { return c == ' ' || c == '\t'; }

static int eq_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i;
    if (alen != blen) return 0;
    for (i = 0; i < alen; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
    return 1;
}

/* ---- dates (5.1.1) ---- */

static int is_delimiter(unsigned char c)
{
    return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) || (c >= 0x5b && c <= 0x60)
        || (c >= 0x7b && c <= 0x7e);
}

/* 1*max DIGIT at t (of n), followed by the end or a non-digit: the count, or 0 */
static size_t digits(const char *t, size_t n, size_t max, int *v)
{
    size_t i = 0;
    *v = 0;
    while (i < n && i < max && is_digit((unsigned char)t[i])) *v = *v * 10 + (t[i++] - '0');
    if (!i || (i < n && is_digit((unsigned char)t[i]))) return 0;
    return i;
}

static int match_time(const char *t, size_t n, int *h, int *m, int *s)
{
    size_t a, b, c;
    if (!(a = digits(t, n, 2, h)) || a >= n || t[a] != ':') return 0;
    t += a + 1; n -= a + 1;
    if (!(b = digits(t, n, 2, m)) || b >= n || t[b] != ':') return 0;
    t += b + 1; n -= b + 1;
    if (!(c = digits(t, n, 2, s))) return 0;
    return 1;
}

static int days_in_month(int64_t y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[m - 1];
}

int64_t cookie_days_from_civil(int64_t y, int m, int d)
{
    /* days since 1970-01-01 of a Gregorian date (the usual era arithmetic) */
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400;
}

int cookie_parse_date(const char *s, size_t len, int64_t *t)
{
    static const char months[12][4] = { "jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec" };
    int found_time = 0, found_day = 0, found_month = 0, found_year = 0;
    int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0, v;
    size_t i = 0;

    while (i < len)
    {
        size_t start, n;
        const char *tok;
        while (i < len && is_delimiter((unsigned char)s[i])) i++;
        start = i;
        while (i < len && !is_delimiter((unsigned char)s[i])) i++;
        if (i == start) break;
        tok = s + start;
        n = i - start;
        if (!found_time && match_time(tok, n, &hour, &minute, &second)) { found_time = 1; continue; }
        if (!found_day && digits(tok, n, 2, &v)) { found_day = 1; day = v; continue; }
        if (!found_month && n >= 3)
        {
            int m;
            for (m = 0; m < 12; m++)
                if (lower((unsigned char)tok[0]) == months[m][0] && lower((unsigned char)tok[1]) == months[m][1]
                    && lower((unsigned char)tok[2]) == months[m][2]) break;
            if (m < 12) { found_month = 1; month = m + 1; continue; }
        }
        if (!found_year && digits(tok, n, 4, &v) >= 2) { found_year = 1; year = v; continue; }
    }
    if (!found_time || !found_day || !found_month || !found_year) return -1;
    if (year >= 70 && year <= 99) year += 1900;
    else if (year >= 0 && year <= 69) year += 2000;
    if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) return -1;
    if (day > days_in_month(year, month)) return -1;
    *t = cookie_days_from_civil(year, month, day) + hour * 3600 + minute * 60 + second;
    return 0;
}

/* ---- matching (5.1.3, 5.1.4) ---- */

static size_t path_end(const char *path, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) if (path[i] == '?' || path[i] == '#' || !path[i]) break;
    return i;
}

cookie_str cookie_default_path(const char *path, size_t len)
{
    cookie_str r = { "/", 1 };
    size_t n = path_end(path, len), last;
    if (!n || path[0] != '/') return r;
    for (last = n - 1; last && path[last] != '/'; last--) ;
    if (!last) return r;
    r.p = path;
    r.len = last;
    return r;
}

int cookie_host_is_ip(const char *host, size_t len)
{
    size_t i, dots = 0;
    if (!len) return 0;
    if (memchr(host, ':', len) || host[0] == '[') return 1;
    for (i = 0; i < len; i++)
    {
        if (host[i] == '.') dots++;
        else if (!is_digit((unsigned char)host[i])) return 0;
    }
    return dots == 3;
}

int cookie_domain_match(const char *host, size_t hlen, const char *domain, size_t dlen)
{
    if (!dlen) return 0;
    if (eq_nocase(host, hlen, domain, dlen)) return 1;
    if (hlen <= dlen || host[hlen - dlen - 1] != '.') return 0;
    if (!eq_nocase(host + hlen - dlen, dlen, domain, dlen)) return 0;
    return !cookie_host_is_ip(host, hlen);
}

int cookie_path_match(const char *path, size_t plen, const char *cpath, size_t clen)
{
    size_t n = path_end(path, plen);
    if (!n || path[0] != '/') { path = "/"; n = 1; }
    if (!clen || clen > n || memcmp(path, cpath, clen)) return 0;
    return clen == n || cpath[clen - 1] == '/' || path[clen] == '/';
}

/* ---- Set-Cookie (5.2) ---- */

static cookie_str trim(const char *p, size_t n)
{
    cookie_str r;
    while (n && is_wsp((unsigned char)*p)) { p++; n--; }
    while (n && is_wsp((unsigned char)p[n - 1])) n--;
    r.p = p;
    r.len = n;
    return r;
}

static int has_ctl(const char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
    {
        unsigned char c = (unsigned char)p[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) return 1;
    }
    return 0;
}

/* Max-Age's value: 0 and *secs, or -1 (ignore the attribute) */
static int parse_max_age(cookie_str v, int64_t *secs)
{
    size_t i = 0;
    int neg = 0;
    int64_t n = 0;
    if (!v.len) return -1;
    if (v.p[0] == '-') { neg = 1; i = 1; }
    if (i == v.len) return -1;
    for (; i < v.len; i++)
    {
        if (!is_digit((unsigned char)v.p[i])) return -1;
        if (n < INT64_MAX / 20) n = n * 10 + (v.p[i] - '0');
    }
    *secs = neg ? -n : n;
    return 0;
}

int cookie_parse(const char *s, size_t len, const char *path, size_t plen, int64_t now, cookie_parsed *c)
{
    const char *semi = memchr(s, ';', len), *eq, *end = s + len, *p;
    size_t pair_len = semi ? (size_t)(semi - s) : len;
    int have_max_age = 0, have_expires = 0;
    int64_t max_age_expiry = 0, expires = 0;

    memset(c, 0, sizeof(*c));
    if (has_ctl(s, len)) return COOKIE_IGNORED;
    if (!(eq = memchr(s, '=', pair_len))) return COOKIE_IGNORED;
    c->name = trim(s, (size_t)(eq - s));
    c->value = trim(eq + 1, pair_len - (size_t)(eq - s) - 1);
    if (!c->name.len) return COOKIE_IGNORED;
    if (c->name.len + c->value.len > COOKIE_MAX_BYTES) return COOKIE_IGNORED;
    c->path = cookie_default_path(path, plen);
    c->expires = COOKIE_NEVER;

    for (p = semi; p && p < end; )
    {
        const char *av = p + 1, *next = memchr(av, ';', (size_t)(end - av)), *av_end = next ? next : end;
        const char *aeq = memchr(av, '=', (size_t)(av_end - av));
        cookie_str name = trim(av, (size_t)((aeq ? aeq : av_end) - av));
        cookie_str value = aeq ? trim(aeq + 1, (size_t)(av_end - aeq - 1)) : trim(av_end, 0);
        int64_t t;

        p = next;
        if (eq_nocase(name.p, name.len, "expires", 7))
        {
            if (!cookie_parse_date(value.p, value.len, &t)) { have_expires = 1; expires = t; }
        }
        else if (eq_nocase(name.p, name.len, "max-age", 7))
        {
            if (!parse_max_age(value, &t))
            {
                have_max_age = 1;
                if (t <= 0) max_age_expiry = INT64_MIN;
                else max_age_expiry = now > INT64_MAX - t ? COOKIE_NEVER - 1 : now + t;
            }
        }
        else if (eq_nocase(name.p, name.len, "domain", 6))
        {
            if (value.len && value.p[0] == '.') { value.p++; value.len--; }
            if (value.len) c->domain = value;
        }
        else if (eq_nocase(name.p, name.len, "path", 4))
        {
            if (value.len && value.p[0] == '/') c->path = value;
            else c->path = cookie_default_path(path, plen);
        }
        else if (eq_nocase(name.p, name.len, "secure", 6)) c->secure = 1;
        else if (eq_nocase(name.p, name.len, "httponly", 8)) c->http_only = 1;
    }
    if (have_max_age) { c->persistent = 1; c->expires = max_age_expiry; }
    else if (have_expires) { c->persistent = 1; c->expires = expires; }
    return COOKIE_STORED;
}

/* ---- the jar (5.3, 5.4) ---- */

void cookie_jar_init(cookie_jar *jar)
{
    jar->head = NULL;
    jar->count = 0;
    jar->seq = 0;
}

void cookie_jar_clear(cookie_jar *jar)
{
    cookie_item *c = jar->head, *next;
    for (; c; c = next) { next = c->next; free(c); }
    jar->head = NULL;
    jar->count = 0;
}

static void unlink_item(cookie_jar *jar, cookie_item **link)
{
    cookie_item *c = *link;
    *link = c->next;
    free(c);
    jar->count--;
}

/* the oldest cookie (of domain d when d is given, other than keep) */
static cookie_item **oldest(cookie_jar *jar, const char *d, size_t dlen, const cookie_item *keep)
{
    cookie_item **link, **best = NULL;
    for (link = &jar->head; *link; link = &(*link)->next)
    {
        cookie_item *c = *link;
        if (c == keep || (d && !eq_nocase(c->domain, c->domain_len, d, dlen))) continue;
        if (!best || c->created < (*best)->created) best = link;
    }
    return best;
}

static void put_str(char **at, char **field, size_t *flen, cookie_str s, int lowercase)
{
    size_t i;
    *field = *at;
    *flen = s.len;
    for (i = 0; i < s.len; i++) (*at)[i] = lowercase ? (char)lower((unsigned char)s.p[i]) : s.p[i];
    (*at)[s.len] = 0;
    *at += s.len + 1;
}

int cookie_jar_set(cookie_jar *jar, const char *s, size_t len, const char *host, size_t hlen, const char *path,
                   size_t plen, int64_t now)
{
    cookie_parsed p;
    cookie_str domain;
    cookie_item *item, **link;
    int rc, host_only;
    uint64_t created = 0;
    char *at;
    size_t n;

    if ((rc = cookie_parse(s, len, path, plen, now, &p))) return rc;
    if (!hlen) return COOKIE_REJECTED;
    if (p.domain.len)
    {
        /* no public suffix list here: a single label (no dot inside) is
         * taken as one, allowed only as the request host itself (5.3 step 5) */
        const char *dot = memchr(p.domain.p, '.', p.domain.len);
        if (!dot || dot == p.domain.p + p.domain.len - 1)
        {
            if (!eq_nocase(host, hlen, p.domain.p, p.domain.len)) return COOKIE_REJECTED;
            host_only = 1;
            domain.p = host; domain.len = hlen;
        }
        else if (!cookie_domain_match(host, hlen, p.domain.p, p.domain.len)) return COOKIE_REJECTED;
        else { host_only = 0; domain = p.domain; }
    }
    else { host_only = 1; domain.p = host; domain.len = hlen; }

    /* the cookie it replaces (same name, domain and path) goes, keeping its age */
    for (link = &jar->head; *link; link = &(*link)->next)
    {
        cookie_item *c = *link;
        if (c->name_len == p.name.len && !memcmp(c->name, p.name.p, p.name.len)
            && eq_nocase(c->domain, c->domain_len, domain.p, domain.len)
            && c->path_len == p.path.len && !memcmp(c->path, p.path.p, p.path.len))
        {
            created = c->created;
            unlink_item(jar, link);
            break;
        }
    }
    if (p.expires <= now) return COOKIE_DELETED;

    n = sizeof(*item) + p.name.len + p.value.len + domain.len + p.path.len + 4;
    if (!(item = malloc(n))) return COOKIE_NOMEM;
    at = (char *)(item + 1);
    put_str(&at, &item->name, &item->name_len, p.name, 0);
    put_str(&at, &item->value, &item->value_len, p.value, 0);
    put_str(&at, &item->domain, &item->domain_len, domain, 1);
    put_str(&at, &item->path, &item->path_len, p.path, 0);
    item->host_only = host_only;
    item->secure = p.secure;
    item->http_only = p.http_only;
    item->persistent = p.persistent;
    item->expires = p.expires;
    item->created = created ? created : ++jar->seq;
    item->next = jar->head;
    jar->head = item;
    jar->count++;

    /* limits: the oldest of the domain, then the oldest of all, make room */
    {
        size_t same = 0;
        cookie_item *c;
        for (c = jar->head; c; c = c->next)
            if (eq_nocase(c->domain, c->domain_len, item->domain, item->domain_len)) same++;
        if (same > COOKIE_MAX_PER_DOMAIN && (link = oldest(jar, item->domain, item->domain_len, item)))
            unlink_item(jar, link);
        if (jar->count > COOKIE_MAX_TOTAL && (link = oldest(jar, NULL, 0, item))) unlink_item(jar, link);
    }
    return COOKIE_STORED;
}

static int send_order(const void *a, const void *b)
{
    const cookie_item *x = *(cookie_item *const *)a, *y = *(cookie_item *const *)b;
    if (x->path_len != y->path_len) return x->path_len > y->path_len ? -1 : 1;
    if (x->created != y->created) return x->created > y->created ? -1 : 1;
    return 0;
}

size_t cookie_jar_header(cookie_jar *jar, const char *host, size_t hlen, const char *path, size_t plen, int secure,
                         int64_t now, char *out, size_t size)
{
    cookie_item **link, **list, *c;
    size_t count = 0, i, total = 0;

    if (size) out[0] = 0;
    for (link = &jar->head; *link; )
    {
        if ((*link)->expires <= now) unlink_item(jar, link);
        else link = &(*link)->next;
    }
    if (!jar->count || !(list = malloc(jar->count * sizeof(*list)))) return 0;
    for (c = jar->head; c; c = c->next)
    {
        if (c->host_only ? !eq_nocase(host, hlen, c->domain, c->domain_len)
                         : !cookie_domain_match(host, hlen, c->domain, c->domain_len)) continue;
        if (!cookie_path_match(path, plen, c->path, c->path_len)) continue;
        if (c->secure && !secure) continue;
        list[count++] = c;
    }
    qsort(list, count, sizeof(*list), send_order);
    for (i = 0; i < count; i++)
    {
        const char *parts[4] = { i ? "; " : "", list[i]->name, "=", list[i]->value };
        size_t lens[4] = { i ? 2u : 0u, list[i]->name_len, 1, list[i]->value_len };
        int k;
        for (k = 0; k < 4; k++)
        {
            if (size && total + lens[k] < size) memcpy(out + total, parts[k], lens[k]);
            else if (size && total < size) { memcpy(out + total, parts[k], size - 1 - total); }
            total += lens[k];
        }
    }
    if (size) out[total < size ? total : size - 1] = 0;
    free(list);
    return total;
}
