/* HTTP cookies (RFC 6265), pure C11, no Windows or Unix headers: the
 * Set-Cookie parser (5.2), the cookie date (5.1.1), domain and path
 * matching (5.1.3, 5.1.4), and a jar (5.3 storage model, 5.4 Cookie
 * header) without locking; the DLL wraps it (dlls/winhttp/cookie_store.c).
 * Times are seconds since 1970-01-01 UTC; hosts are compared case-blind. */
#ifndef CODEC_COOKIE_H
#define CODEC_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#define COOKIE_NEVER INT64_MAX          /* expiry of a session (non-persistent) cookie */
#define COOKIE_MAX_BYTES 4096           /* name + value longer than this: ignored */
#define COOKIE_MAX_PER_DOMAIN 50        /* RFC 6265 6.1's minimums, kept as limits */
#define COOKIE_MAX_TOTAL 3000

typedef struct { const char *p; size_t len; } cookie_str;

/* What cookie_parse made of one Set-Cookie value (spans into its input or
 * into the request path given). */
typedef struct
{
    cookie_str name, value;
    cookie_str domain;      /* the Domain attribute without its leading dot; len 0: none */
    cookie_str path;        /* the Path attribute, or the default-path of the request */
    int secure, http_only;
    int persistent;         /* Max-Age or Expires given */
    int64_t expires;        /* COOKIE_NEVER when not persistent */
} cookie_parsed;

/* cookie_parse / cookie_jar_set results */
enum
{
    COOKIE_STORED = 0,      /* stored (new or replacing one) */
    COOKIE_DELETED,         /* expired on arrival: a cookie it names was removed (or none was there) */
    COOKIE_IGNORED,         /* malformed (no '=', empty name, control characters, too long) */
    COOKIE_REJECTED,        /* Domain does not domain-match the request host, or is a single label */
    COOKIE_NOMEM,
};

/* RFC 6265 5.1.1: 0 and *t, or -1 when the text is no cookie-date. */
int cookie_parse_date(const char *s, size_t len, int64_t *t);

/* Seconds since 1970 of a UTC date (proleptic Gregorian); month 1-12. */
int64_t cookie_days_from_civil(int64_t year, int month, int day);

/* RFC 6265 5.1.4: the directory of the request path ("/" unless it has a
 * second '/').  path need not end at the query: '?' and '#' end it. */
cookie_str cookie_default_path(const char *path, size_t len);

/* RFC 6265 5.1.3 (case-blind): host equals domain, or ends with "." +
 * domain and is not an IP address. */
int cookie_domain_match(const char *host, size_t hlen, const char *domain, size_t dlen);

/* RFC 6265 5.1.4: request path (up to '?' or '#') path-matches cookie path. */
int cookie_path_match(const char *path, size_t plen, const char *cpath, size_t clen);

/* Whether host is an IPv4 or IPv6 address literal. */
int cookie_host_is_ip(const char *host, size_t len);

/* Parse one Set-Cookie value received for a request to path at time now.
 * COOKIE_STORED (fine), COOKIE_IGNORED. */
int cookie_parse(const char *s, size_t len, const char *path, size_t plen, int64_t now, cookie_parsed *c);

typedef struct cookie_item
{
    struct cookie_item *next;
    char *name, *value, *domain, *path;   /* one allocation, NUL terminated; domain lowercased */
    size_t name_len, value_len, domain_len, path_len;
    int host_only, secure, http_only, persistent;
    int64_t expires;
    uint64_t created;                     /* creation order (kept when replaced) */
} cookie_item;

typedef struct
{
    cookie_item *head;
    size_t count;
    uint64_t seq;
} cookie_jar;

void cookie_jar_init(cookie_jar *jar);
void cookie_jar_clear(cookie_jar *jar);

/* A Set-Cookie value received from host for path (the request's) at time
 * now: the storage model of RFC 6265 5.3.  A cookie with the same name,
 * domain and path is replaced (keeping its creation order); one expired on
 * arrival deletes it.  Returns a COOKIE_* code. */
int cookie_jar_set(cookie_jar *jar, const char *s, size_t len, const char *host, size_t hlen, const char *path,
                   size_t plen, int64_t now);

/* The Cookie header value for a request ("n1=v1; n2=v2"): cookies whose
 * domain matches host (host-only: equal), whose path path-matches, Secure
 * ones only when secure; the longer path first, then the most recently
 * created first (the order Windows sends, per Wine's tests checked on
 * Windows).  Expired cookies are removed first.  Writes at most size - 1
 * bytes and a NUL to out (when size > 0); returns the full length. */
size_t cookie_jar_header(cookie_jar *jar, const char *host, size_t hlen, const char *path, size_t plen, int secure,
                         int64_t now, char *out, size_t size);

#endif
