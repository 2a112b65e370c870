/* URL cracking for WinHttpCrackUrl (UTF-16 code units). */
#include "codec/url_crack.h"

static int lower16(uint16_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static int prefix_is(const uint16_t *s, size_t len, const char *p)
{
    size_t i;
    for (i = 0; p[i]; i++) if (i >= len || lower16(s[i]) != p[i]) return 0;
    return 1;
}

static url_part part(size_t off, size_t len)
{
    url_part p;
    p.off = off;
    p.len = len;
    p.present = 1;
    return p;
}

int url_crack(const uint16_t *url, size_t len, url_parts *out)
{
    size_t i, auth_start, auth_end, host_start, host_end, at = (size_t)-1, colon;
    static const url_part none = { 0, 0, 0 };

    out->scheme = URL_SCHEME_UNKNOWN;
    out->scheme_name = out->user = out->password = out->host = out->path = out->extra = none;
    out->port = 0;
    out->port_explicit = 0;

    for (i = 0; i < len && url[i] != ':'; i++)
    {
        uint16_t c = url[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
            return -1;
    }
    if (!i || i + 3 > len || url[i + 1] != '/' || url[i + 2] != '/') return -1;
    out->scheme_name = part(0, i);
    if (i == 4 && prefix_is(url, len, "http")) out->scheme = URL_SCHEME_HTTP;
    else if (i == 5 && prefix_is(url, len, "https")) out->scheme = URL_SCHEME_HTTPS;
    else return -1;

    auth_start = i + 3;
    for (auth_end = auth_start; auth_end < len; auth_end++)
        if (url[auth_end] == '/' || url[auth_end] == '?' || url[auth_end] == '#') break;
    for (i = auth_start; i < auth_end; i++) if (url[i] == '@') at = i;   /* last '@' */
    host_start = auth_start;
    if (at != (size_t)-1)
    {
        for (colon = auth_start; colon < at && url[colon] != ':'; colon++) ;
        out->user = part(auth_start, colon - auth_start);
        if (colon < at) out->password = part(colon + 1, at - colon - 1);
        host_start = at + 1;
    }
    host_end = auth_end;
    if (host_start < auth_end && url[host_start] == '[')
    {
        for (i = host_start; i < auth_end && url[i] != ']'; i++) ;
        if (i == auth_end) return -1;
        host_end = i + 1;                          /* keep the brackets */
        if (host_end < auth_end && url[host_end] != ':') return -1;
    }
    else
    {
        for (i = host_start; i < auth_end && url[i] != ':'; i++) ;
        host_end = i;
    }
    if (host_end == host_start) return -1;
    out->host = part(host_start, host_end - host_start);
    if (host_end < auth_end)                       /* ":port" */
    {
        unsigned long port = 0;
        if (host_end + 1 == auth_end) return -1;
        for (i = host_end + 1; i < auth_end; i++)
        {
            if (url[i] < '0' || url[i] > '9') return -1;
            port = port * 10 + (url[i] - '0');
            if (port > 65535) return -1;
        }
        if (!port) return -1;
        out->port = (uint16_t)port;
        out->port_explicit = 1;
    }
    else out->port = out->scheme == URL_SCHEME_HTTPS ? 443 : 80;

    for (i = auth_end; i < len && url[i] != '?' && url[i] != '#'; i++) ;
    out->path = part(auth_end, i - auth_end);
    out->extra = part(i, len - i);
    return 0;
}

static int hex16(uint16_t c)
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
        int a, b;
        if (src[i] == '%' && i + 2 < len && (a = hex16(src[i + 1])) >= 0 && (b = hex16(src[i + 2])) >= 0)
        {
            dst[o++] = (uint16_t)(a * 16 + b);
            i += 3;
        }
        else dst[o++] = src[i++];
    }
    return o;
}
