/* Absolute http/https URL splitting for WinHttpCrackUrl, on UTF-16 code
 * units ("scheme://[user[:pass]@]host[:port][/path][?query][#frag]"). */
#include "codec/url_crack.h"

static uint16_t fold(uint16_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint16_t)(c + ('a' - 'A')) : c;
}

/* 1 if s[0..n) equals the lowercase ASCII word w, ignoring case. */
static int word_is(const uint16_t *s, size_t n, const char *w)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!w[i] || fold(s[i]) != (uint16_t)(unsigned char)w[i]) return 0;
    return w[n] == 0;
}

static url_part make_part(size_t off, size_t len)
{
    url_part p;
    p.off = off;
    p.len = len;
    p.present = 1;
    return p;
}

static int ends_authority(uint16_t c)
{
    return c == '/' || c == '?' || c == '#';
}

int url_crack(const uint16_t *url, size_t len, url_parts *out)
{
    static const url_part absent = { 0, 0, 0 };
    size_t i, colon, auth, auth_end, host_begin, host_end, port_begin, path_end;

    out->scheme = URL_SCHEME_UNKNOWN;
    out->scheme_name = absent;
    out->user = absent;
    out->password = absent;
    out->host = absent;
    out->port = 0;
    out->port_explicit = 0;
    out->path = absent;
    out->extra = absent;

    /* scheme ":" "//" */
    for (colon = 0; colon < len && url[colon] != ':'; colon++)
        if (ends_authority(url[colon])) return -1;
    if (colon == len || !colon) return -1;
    if (word_is(url, colon, "http")) out->scheme = URL_SCHEME_HTTP;
    else if (word_is(url, colon, "https")) out->scheme = URL_SCHEME_HTTPS;
    else return -1;
    if (len - colon < 3 || url[colon + 1] != '/' || url[colon + 2] != '/')
    {
        out->scheme = URL_SCHEME_UNKNOWN;
        return -1;
    }
    out->scheme_name = make_part(0, colon);

    auth = colon + 3;
    for (auth_end = auth; auth_end < len && !ends_authority(url[auth_end]); auth_end++)
        ;

    /* userinfo: up to the last '@' of the authority */
    host_begin = auth;
    for (i = auth_end; i > auth; i--)
    {
        if (url[i - 1] == '@')
        {
            size_t u, at = i - 1;
            for (u = auth; u < at && url[u] != ':'; u++)
                ;
            out->user = make_part(auth, u - auth);
            if (u < at) out->password = make_part(u + 1, at - u - 1);
            host_begin = at + 1;
            break;
        }
    }

    /* host, with an IPv6 literal kept in its brackets */
    if (host_begin < auth_end && url[host_begin] == '[')
    {
        for (host_end = host_begin + 1; host_end < auth_end && url[host_end] != ']'; host_end++)
            ;
        if (host_end == auth_end) return -1;     /* no closing bracket */
        if (host_end == host_begin + 1) return -1;  /* "[]" */
        host_end++;
        if (host_end < auth_end && url[host_end] != ':') return -1;
    }
    else
    {
        for (host_end = host_begin; host_end < auth_end && url[host_end] != ':'; host_end++)
            ;
        if (host_end == host_begin) return -1;
    }
    out->host = make_part(host_begin, host_end - host_begin);

    /* port */
    if (host_end < auth_end)
    {
        uint32_t port = 0;
        port_begin = host_end + 1;
        for (i = port_begin; i < auth_end; i++)
        {
            if (url[i] < '0' || url[i] > '9') return -1;
            port = port * 10 + (uint32_t)(url[i] - '0');
            if (port > 65535) return -1;
        }
        /* Windows takes ":0" as port 0 and an empty port (":", ":/") as none */
        out->port = (uint16_t)port;
        out->port_explicit = port_begin < auth_end;
    }
    if (!out->port_explicit) out->port = out->scheme == URL_SCHEME_HTTPS ? 443 : 80;

    /* path up to '?' or '#', then the rest as extra info */
    for (path_end = auth_end; path_end < len && url[path_end] != '?' && url[path_end] != '#'; path_end++)
        ;
    out->path = make_part(auth_end, path_end - auth_end);
    out->extra = make_part(path_end, len - path_end);
    /* Windows: no path and a lone "?" ("http://host?") give an empty path
     * and extra info at the end of the URL */
    if (path_end == auth_end && len - path_end == 1 && url[path_end] == '?')
        out->path = out->extra = make_part(len, 0);
    return 0;
}

static int hex_digit(uint16_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t url_unescape(uint16_t *dst, const uint16_t *src, size_t len)
{
    size_t i = 0, o = 0;

    while (i < len)
    {
        uint16_t c = src[i];
        if (c == '%' && len - i >= 3)
        {
            int hi = hex_digit(src[i + 1]), lo = hex_digit(src[i + 2]);
            if (hi >= 0 && lo >= 0)
            {
                dst[o++] = (uint16_t)(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        dst[o++] = c;
        i++;
    }
    return o;
}

static int starts(const uint16_t *p, size_t rem, const char *lit)
{
    size_t i;
    for (i = 0; lit[i]; i++)
        if (i >= rem || p[i] != (uint16_t)lit[i]) return 0;
    return 1;
}

/* Drop the last segment of out[0..*o) and the '/' before it. */
static void pop_segment(const uint16_t *out, size_t *o)
{
    while (*o && out[*o - 1] != '/') (*o)--;
    if (*o) (*o)--;
}

size_t url_remove_dots(uint16_t *path, size_t len)
{
    size_t i = 0, o = 0;   /* o <= i throughout: the output never overtakes the input */

    while (i < len)
    {
        const uint16_t *p = path + i;
        size_t rem = len - i;

        if (starts(p, rem, "../")) i += 3;                          /* A */
        else if (starts(p, rem, "./")) i += 2;
        else if (starts(p, rem, "/./")) i += 2;                     /* B: "/./" -> "/" */
        else if (rem == 2 && starts(p, rem, "/.")) { path[o++] = '/'; i = len; }
        else if (starts(p, rem, "/../")) { i += 3; pop_segment(path, &o); }   /* C */
        else if (rem == 3 && starts(p, rem, "/..")) { pop_segment(path, &o); path[o++] = '/'; i = len; }
        else if ((rem == 1 && p[0] == '.') || (rem == 2 && starts(p, rem, ".."))) i = len;   /* D */
        else                                                        /* E: the first segment moves */
        {
            do path[o++] = path[i++]; while (i < len && path[i] != '/');
        }
    }
    return o;
}
