/* HTTP authentication codec: challenges (RFC 7235), Basic (RFC 7617),
 * Digest (RFC 7616 / RFC 2617).  See include/codec/http_auth.h. */
#include <stdlib.h>
#include <string.h>
#include "codec/ws_handshake.h"
#include "codec/http_auth.h"
#include "codec/hash.h"

static int is_tchar(unsigned char ch)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) return 1;
    return ch && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static int is_t68char(unsigned char ch)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) return 1;
    return ch && strchr("-._~+/", ch) != NULL;
}

static int is_ctl(unsigned char ch) { return (ch < 0x20 && ch != '\t') || ch == 0x7f; }

static int is_ws(char ch) { return ch == ' ' || ch == '\t'; }

static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }

static int same_ci(const char *a, size_t alen, const char *b)
{
    size_t i;
    if (alen != strlen(b)) return 0;
    for (i = 0; i < alen; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
    return 1;
}

unsigned ha_scheme_of(const char *name, size_t len)
{
    if (same_ci(name, len, "Basic")) return HA_SCHEME_BASIC;
    if (same_ci(name, len, "NTLM")) return HA_SCHEME_NTLM;
    if (same_ci(name, len, "Passport1.4")) return HA_SCHEME_PASSPORT;
    if (same_ci(name, len, "Digest")) return HA_SCHEME_DIGEST;
    if (same_ci(name, len, "Negotiate")) return HA_SCHEME_NEGOTIATE;
    return 0;
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && is_ws(s[i])) i++;
    return i;
}

static size_t skip_token(const char *s, size_t len, size_t i)
{
    while (i < len && is_tchar((unsigned char)s[i])) i++;
    return i;
}

int ha_next_challenge(const char *s, size_t len, size_t *pos, ha_challenge *c)
{
    size_t i = *pos, start, j, k;

    memset(c, 0, sizeof(*c));
    while (i < len && (is_ws(s[i]) || s[i] == ',')) i++;   /* empty list elements */
    if (i >= len) { *pos = len; return 0; }

    start = i;
    if ((i = skip_token(s, len, i)) == start) return -1;
    c->name.p = s + start;
    c->name.len = i - start;
    c->scheme = ha_scheme_of(c->name.p, c->name.len);
    if (i < len && !is_ws(s[i]) && s[i] != ',') return -1;
    i = skip_ws(s, len, i);
    if (i >= len || s[i] == ',') { *pos = i; return 1; }    /* the scheme alone */

    /* token68: its characters, then '='s, then the end of this challenge */
    for (j = i; j < len && is_t68char((unsigned char)s[j]); j++) {}
    for (k = j; k < len && s[k] == '='; k++) {}
    if (j > i)
    {
        size_t m = skip_ws(s, len, k);
        if (m >= len || s[m] == ',')
        {
            c->token68.p = s + i;
            c->token68.len = k - i;
            *pos = m;
            return 1;
        }
    }

    /* auth-params: name BWS "=" BWS ( token / quoted-string ), comma separated */
    for (;;)
    {
        ha_param *p;
        size_t name_start = i, name_end;

        if ((i = skip_token(s, len, i)) == name_start) return -1;
        name_end = i;
        i = skip_ws(s, len, i);
        if (i >= len || s[i] != '=')
        {
            /* a token that is no parameter: the next challenge starts here */
            if (!c->nparams) return -1;
            *pos = name_start;
            return 1;
        }
        if (c->nparams == HA_MAX_PARAMS) return -1;
        p = &c->params[c->nparams];
        p->name.p = s + name_start;
        p->name.len = name_end - name_start;
        i = skip_ws(s, len, i + 1);
        if (i < len && s[i] == '"')
        {
            size_t vstart = ++i;
            while (i < len && s[i] != '"')
            {
                if (s[i] == '\\' && ++i >= len) return -1;
                if (is_ctl((unsigned char)s[i])) return -1;   /* qdtext and quoted-pair exclude controls */
                i++;
            }
            if (i >= len) return -1;   /* no closing quote */
            p->value.p = s + vstart;
            p->value.len = i - vstart;
            p->quoted = 1;
            i++;
        }
        else
        {
            size_t vstart = i;
            if ((i = skip_token(s, len, i)) == vstart) return -1;
            p->value.p = s + vstart;
            p->value.len = i - vstart;
            p->quoted = 0;
        }
        c->nparams++;
        i = skip_ws(s, len, i);
        if (i >= len) { *pos = len; return 1; }
        if (s[i] != ',') return -1;
        while (i < len && (is_ws(s[i]) || s[i] == ',')) i++;
        if (i >= len) { *pos = len; return 1; }
    }
}

static const ha_param *find_param(const ha_challenge *c, const char *name)
{
    size_t i;
    for (i = 0; i < c->nparams; i++)
        if (same_ci(c->params[i].name.p, c->params[i].name.len, name)) return &c->params[i];
    return NULL;
}

long ha_param_get(const ha_challenge *c, const char *name, char *out, size_t outsz)
{
    const ha_param *p = find_param(c, name);
    size_t i, n = 0;

    if (!p) return -1;
    for (i = 0; i < p->value.len; i++)
    {
        char ch = p->value.p[i];
        if (p->quoted && ch == '\\' && i + 1 < p->value.len) ch = p->value.p[++i];
        if (n + 1 >= outsz) return -2;
        out[n++] = ch;
    }
    if (!outsz) return -2;
    out[n] = 0;
    return (long)n;
}

size_t ha_base64(const void *data, size_t len, char *out)
{
    return base64_encode(data, len, out);   /* codec/ws_handshake.c */
}

long ha_basic(const char *user, const char *pass, char *out, size_t outsz)
{
    size_t ulen = strlen(user), plen = strlen(pass), raw = ulen + 1 + plen;
    char *joined;
    size_t n;

    if (strchr(user, ':')) return -1;
    if (outsz < 6 + 4 * ((raw + 2) / 3) + 1) return -1;
    if (!(joined = malloc(raw))) return -1;
    memcpy(joined, user, ulen);
    joined[ulen] = ':';
    memcpy(joined + ulen + 1, pass, plen);
    memcpy(out, "Basic ", 6);
    n = ha_base64(joined, raw, out + 6);
    memset(joined, 0, raw);   /* the password */
    free(joined);
    return (long)(6 + n);
}

/* ---- Digest ---- */

struct writer { char *p; size_t len, cap; int full; };

static void put(struct writer *w, const char *s, size_t n)
{
    if (w->full || w->len + n + 1 > w->cap) { w->full = 1; return; }
    memcpy(w->p + w->len, s, n);
    w->len += n;
    w->p[w->len] = 0;
}

static void puts_(struct writer *w, const char *s) { put(w, s, strlen(s)); }

/* a quoted-string with '"' and '\' escaped */
static void put_quoted(struct writer *w, const char *s)
{
    put(w, "\"", 1);
    for (; *s; s++)
    {
        if (*s == '"' || *s == '\\') put(w, "\\", 1);
        put(w, s, 1);
    }
    put(w, "\"", 1);
}

static void hash_parts(int sha256, const char *const *parts, size_t count, char *hex_out)
{
    hash_ctx h;
    uint8_t digest[HASH_SHA256_LEN];
    size_t i, n;

    hash_init(&h, sha256 ? HASH_SHA256 : HASH_MD5);
    for (i = 0; i < count; i++)
    {
        if (i) hash_update(&h, ":", 1);
        hash_update(&h, parts[i], strlen(parts[i]));
    }
    n = hash_final(&h, digest);
    hash_hex(digest, n, hex_out);
}

/* does the qop list (tokens separated by commas and spaces) offer "auth"? */
static int offers_auth(const char *list)
{
    const char *p = list;
    while (*p)
    {
        size_t n;
        while (*p == ',' || is_ws(*p)) p++;
        for (n = 0; p[n] && p[n] != ',' && !is_ws(p[n]); n++) {}
        if (n && same_ci(p, n, "auth")) return 1;
        p += n;
    }
    return 0;
}

#define DIGEST_FIELD 512

long ha_digest(const ha_challenge *c, const ha_digest_input *in, char *out, size_t outsz)
{
    char realm[DIGEST_FIELD], nonce[DIGEST_FIELD], opaque[DIGEST_FIELD], alg[64], qop[128];
    char ha1[2 * HASH_SHA256_LEN + 1], ha2[2 * HASH_SHA256_LEN + 1], resp[2 * HASH_SHA256_LEN + 1];
    char ncbuf[9];
    const char *alg_name;
    int sha256, sess, use_qop, i;
    long have_opaque;
    struct writer w = { out, 0, outsz, 0 };

    if (c->scheme != HA_SCHEME_DIGEST) return -1;
    if (ha_param_get(c, "realm", realm, sizeof(realm)) < 0) return -1;
    if (ha_param_get(c, "nonce", nonce, sizeof(nonce)) < 0) return -1;
    have_opaque = ha_param_get(c, "opaque", opaque, sizeof(opaque));
    if (have_opaque == -2) return -1;
    if (ha_param_get(c, "algorithm", alg, sizeof(alg)) < 0) strcpy(alg, "MD5");
    if (same_ci(alg, strlen(alg), "MD5")) { alg_name = "MD5"; sha256 = 0; sess = 0; }
    else if (same_ci(alg, strlen(alg), "MD5-sess")) { alg_name = "MD5-sess"; sha256 = 0; sess = 1; }
    else if (same_ci(alg, strlen(alg), "SHA-256")) { alg_name = "SHA-256"; sha256 = 1; sess = 0; }
    else if (same_ci(alg, strlen(alg), "SHA-256-sess")) { alg_name = "SHA-256-sess"; sha256 = 1; sess = 1; }
    else return -1;
    switch (ha_param_get(c, "qop", qop, sizeof(qop)))
    {
    case -1: use_qop = 0; break;
    case -2: return -1;
    default:
        if (!offers_auth(qop)) return -1;   /* auth-int only */
        use_qop = 1;
    }
    if (sess && !use_qop) return -1;        /* the cnonce could not be sent */

    {
        const char *a1[3] = { in->user, realm, in->pass };
        hash_parts(sha256, a1, 3, ha1);
    }
    if (sess)
    {
        const char *a1s[3] = { ha1, nonce, in->cnonce };
        char tmp[sizeof(ha1)];
        hash_parts(sha256, a1s, 3, tmp);
        memcpy(ha1, tmp, sizeof(tmp));
    }
    {
        const char *a2[2] = { in->method, in->uri };
        hash_parts(sha256, a2, 2, ha2);
    }
    for (i = 0; i < 8; i++) ncbuf[i] = "0123456789abcdef"[(in->nc >> (4 * (7 - i))) & 15];
    ncbuf[8] = 0;
    if (use_qop)
    {
        const char *r[6] = { ha1, nonce, ncbuf, in->cnonce, "auth", ha2 };
        hash_parts(sha256, r, 6, resp);
    }
    else
    {
        const char *r[3] = { ha1, nonce, ha2 };
        hash_parts(sha256, r, 3, resp);
    }

    puts_(&w, "Digest username=");
    put_quoted(&w, in->user);
    puts_(&w, ", realm=");
    put_quoted(&w, realm);
    puts_(&w, ", nonce=");
    put_quoted(&w, nonce);
    puts_(&w, ", uri=");
    put_quoted(&w, in->uri);
    puts_(&w, ", algorithm=");
    puts_(&w, alg_name);
    puts_(&w, ", response=\"");
    puts_(&w, resp);
    puts_(&w, "\"");
    if (have_opaque >= 0)
    {
        puts_(&w, ", opaque=");
        put_quoted(&w, opaque);
    }
    if (use_qop)
    {
        puts_(&w, ", qop=auth, nc=");
        puts_(&w, ncbuf);
        puts_(&w, ", cnonce=");
        put_quoted(&w, in->cnonce);
    }
    if (w.full) return -2;
    return (long)w.len;
}
