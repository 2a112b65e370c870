/* URL cracking for WinHttpCrackUrl, on UTF-16 code units, pure C11. */
#ifndef CODEC_URL_CRACK_H
#define CODEC_URL_CRACK_H

#include <stddef.h>
#include <stdint.h>

enum url_scheme { URL_SCHEME_UNKNOWN = 0, URL_SCHEME_HTTP = 1, URL_SCHEME_HTTPS = 2 };

typedef struct url_part { size_t off, len; int present; } url_part;

typedef struct url_parts
{
    int scheme;             /* enum url_scheme (http/https only are accepted) */
    url_part scheme_name;   /* "http" */
    url_part user, password;
    url_part host;          /* IPv6 literal keeps its brackets, as WinHTTP reports */
    uint16_t port;          /* explicit port, or 80 / 443 by scheme */
    int port_explicit;
    url_part path;          /* from the first '/' up to '?' or '#' (may be empty) */
    url_part extra;         /* from '?' or '#' to the end (may be empty) */
} url_parts;

/* Split url[0..len) ("scheme://[user[:pass]@]host[:port][/path][?query][#frag]").
 * Returns 0, or -1 if the URL is not absolute, the scheme is not http/https,
 * the host is empty, or the port is not a number in 1..65535. */
int url_crack(const uint16_t *url, size_t len, url_parts *out);

/* Decode %XX escapes of src into dst (dst may equal src); returns the new length. */
size_t url_unescape(uint16_t *dst, const uint16_t *src, size_t len);

/* RFC 3986 5.2.4 remove_dot_segments on path[0..len) (the path only, no
 * query), in place; returns the new length. */
size_t url_remove_dots(uint16_t *path, size_t len);

#endif
