/* HTTP authentication: WWW-Authenticate / Proxy-Authenticate challenges
 * (RFC 7235), Basic credentials (RFC 7617), Digest responses (RFC 7616,
 * RFC 2617).  Pure C11, no Windows or Unix headers; the caller supplies the
 * random client nonce. */
#ifndef CODEC_HTTP_AUTH_H
#define CODEC_HTTP_AUTH_H

#include <stddef.h>

/* The scheme bits, equal to WinHTTP's WINHTTP_AUTH_SCHEME_* values. */
#define HA_SCHEME_BASIC     0x01
#define HA_SCHEME_NTLM      0x02
#define HA_SCHEME_PASSPORT  0x04
#define HA_SCHEME_DIGEST    0x08
#define HA_SCHEME_NEGOTIATE 0x10

#define HA_MAX_PARAMS 16

typedef struct { const char *p; size_t len; } ha_str;   /* points into the header text */

typedef struct
{
    ha_str name, value;     /* value: the raw text, still with quotes' escapes */
    int quoted;             /* the value was a quoted-string */
} ha_param;

typedef struct
{
    unsigned scheme;        /* HA_SCHEME_*, 0 for a scheme we do not know (Bearer...) */
    ha_str name;            /* the scheme token as sent */
    ha_str token68;         /* e.g. an NTLM/Negotiate blob; len 0 if none */
    size_t nparams;
    ha_param params[HA_MAX_PARAMS];
} ha_challenge;

/* The next challenge of a header value (a comma-separated list of challenges,
 * each "scheme [token68 | name=value, ...]"; several header fields are the
 * same as one joined with ", ").  *pos starts at 0.  Returns 1 with *c
 * filled, 0 at the end, -1 on a syntax error (or more than HA_MAX_PARAMS
 * parameters); after -1 the rest of the value is not usable. */
int ha_next_challenge(const char *s, size_t len, size_t *pos, ha_challenge *c);

/* Scheme bit of a scheme name (case-insensitive), 0 if unknown. */
unsigned ha_scheme_of(const char *name, size_t len);

/* A parameter's value, unquoted, NUL-terminated into out.  Returns its
 * length, -1 if the parameter is absent, -2 if out is too small. */
long ha_param_get(const ha_challenge *c, const char *name, char *out, size_t outsz);

/* Base64 (RFC 4648, with padding) of data: out holds 4 * ((len + 2) / 3) + 1
 * chars.  Returns the length written (without the NUL). */
size_t ha_base64(const void *data, size_t len, char *out);

/* "Basic " + base64(user ":" pass) into out.  Returns the length, or -1 if
 * out is too small or the user name contains ':' (RFC 7617 forbids it). */
long ha_basic(const char *user, const char *pass, char *out, size_t outsz);

typedef struct
{
    const char *user, *pass;        /* UTF-8, NUL-terminated */
    const char *method, *uri;       /* the request's method and request-target */
    const char *cnonce;             /* client nonce text chosen by the caller (no '"' or '\\') */
    unsigned long nc;               /* nonce count: 1 for the first use of this nonce */
} ha_digest_input;

/* "Digest username=..., response=..." for a Digest challenge into out.
 * Algorithms: MD5 (default), MD5-sess, SHA-256, SHA-256-sess; qop "auth"
 * (chosen when offered) or none (RFC 2069 form).  Returns the length, or
 * -1 for a challenge it cannot answer (no nonce or realm, another algorithm,
 * only qop=auth-int), -2 if out is too small. */
long ha_digest(const ha_challenge *c, const ha_digest_input *in, char *out, size_t outsz);

#endif
