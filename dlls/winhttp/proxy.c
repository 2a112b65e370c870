/*
 * Proxy configuration: proxy lists and bypass lists, the session's and the
 * request's configuration (WinHttpOpen's access types, WINHTTP_OPTION_PROXY),
 * and the choice of a proxy for one request.
 *
 * A proxy list holds entries separated by ';' or blanks, each
 * "[scheme=][http://]host[:port]"; an entry with "http=" serves http
 * requests, "https=" https requests, one without a scheme both.  A bypass
 * list holds host patterns ('*' matches any run of characters, an optional
 * ":port" must match too) and "<local>" (any name without a dot).
 */
#include <stdio.h>
#include "proxy.h"

static BOOL is_sep(WCHAR c) { return c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* One entry [start, end) of a proxy list, split into scheme, host, port. */
struct proxy_entry
{
    const WCHAR *scheme; size_t scheme_len;   /* before '=', may be empty */
    const WCHAR *host; size_t host_len;
    INTERNET_PORT port;                       /* 0: not given */
    BOOL valid;
};

static void parse_entry(const WCHAR *p, size_t len, struct proxy_entry *e)
{
    const WCHAR *end = p + len, *eq, *colon = NULL, *q;

    memset(e, 0, sizeof(*e));
    for (eq = p; eq < end && *eq != '='; eq++) ;
    if (eq < end)
    {
        e->scheme = p;
        e->scheme_len = eq - p;
        p = eq + 1;
    }
    /* the proxy's own scheme prefix (only http:// is meaningful) */
    if (end - p >= 7 && !strncmpiW_ascii(p, L"http://", 7)) p += 7;
    if (p < end && *p == '[')
    {
        /* IPv6 literal: [addr][:port] */
        for (q = p; q < end && *q != ']'; q++) ;
        if (q == end) return;
        e->host = p;
        e->host_len = q + 1 - p;
        if (q + 1 < end && q[1] == ':') colon = q + 1;
        else if (q + 1 != end) return;
    }
    else
    {
        for (q = p; q < end && *q != ':'; q++) ;
        e->host = p;
        e->host_len = q - p;
        if (q < end) colon = q;
    }
    if (e->host_len == 0) return;
    for (q = e->host; q < e->host + e->host_len; q++) if (*q == '/' || *q == '=') return;
    if (colon)
    {
        unsigned long port = 0;
        const WCHAR *d = colon + 1;
        if (d == end) return;
        for (; d < end; d++)
        {
            if (*d < '0' || *d > '9') return;
            port = port * 10 + (*d - '0');
            if (port > 65535) return;
        }
        if (!port) return;
        e->port = (INTERNET_PORT)port;
    }
    e->valid = TRUE;
}

/* Calls fn for each entry of the list; stops when fn returns TRUE. */
static BOOL for_each_entry(const WCHAR *list, BOOL (*fn)(const struct proxy_entry *, void *), void *ctx)
{
    const WCHAR *p = list;
    if (!list) return FALSE;
    while (*p)
    {
        const WCHAR *start;
        struct proxy_entry e;
        while (*p && is_sep(*p)) p++;
        if (!*p) break;
        start = p;
        while (*p && !is_sep(*p)) p++;
        parse_entry(start, p - start, &e);
        if (fn(&e, ctx)) return TRUE;
    }
    return FALSE;
}

static BOOL entry_usable(const struct proxy_entry *e, void *ctx)
{
    (void)ctx;
    return e->valid;
}

BOOL proxy_list_valid(const WCHAR *list)
{
    return for_each_entry(list, entry_usable, NULL);
}

struct pick_ctx { BOOL secure; struct proxy_entry generic, specific; BOOL have_generic, have_specific; };

static BOOL entry_pick(const struct proxy_entry *e, void *ctx)
{
    struct pick_ctx *c = ctx;
    if (!e->valid) return FALSE;
    if (!e->scheme_len)
    {
        if (!c->have_generic) { c->generic = *e; c->have_generic = TRUE; }
        return FALSE;
    }
    if ((c->secure && e->scheme_len == 5 && !strncmpiW_ascii(e->scheme, L"https", 5)) ||
        (!c->secure && e->scheme_len == 4 && !strncmpiW_ascii(e->scheme, L"http", 4)))
    {
        c->specific = *e;
        c->have_specific = TRUE;
        return TRUE;
    }
    return FALSE;
}

DWORD proxy_list_pick(const WCHAR *list, BOOL secure, struct proxy_target *out)
{
    struct pick_ctx c;
    const struct proxy_entry *e;

    memset(&c, 0, sizeof(c));
    out->host = NULL;
    out->port = 0;
    c.secure = secure;
    for_each_entry(list, entry_pick, &c);
    if (c.have_specific) e = &c.specific;
    else if (c.have_generic) e = &c.generic;
    else return ERROR_SUCCESS;
    if (!(out->host = strndupW(e->host, e->host_len))) return ERROR_NOT_ENOUGH_MEMORY;
    out->port = e->port ? e->port : INTERNET_DEFAULT_HTTP_PORT;
    return ERROR_SUCCESS;
}

/* '*' matches any run of characters; case-insensitive (ASCII). */
static BOOL wildcard_match(const WCHAR *pat, size_t plen, const WCHAR *s, size_t slen)
{
    while (plen)
    {
        if (*pat == '*')
        {
            size_t i;
            while (plen && *pat == '*') { pat++; plen--; }
            if (!plen) return TRUE;
            for (i = 0; i <= slen; i++)
                if (wildcard_match(pat, plen, s + i, slen - i)) return TRUE;
            return FALSE;
        }
        if (!slen) return FALSE;
        {
            WCHAR a = *pat, b = *s;
            if (a >= 'A' && a <= 'Z') a += 32;
            if (b >= 'A' && b <= 'Z') b += 32;
            if (a != b) return FALSE;
        }
        pat++; plen--; s++; slen--;
    }
    return !slen;
}

static BOOL is_bypass_sep(WCHAR c) { return is_sep(c) || c == ','; }

BOOL proxy_bypassed(const WCHAR *bypass, const WCHAR *host, INTERNET_PORT port)
{
    const WCHAR *p = bypass;
    size_t hlen = wcslen(host);

    if (!bypass) return FALSE;
    while (*p)
    {
        const WCHAR *start, *end, *colon;
        size_t len;
        while (*p && is_bypass_sep(*p)) p++;
        if (!*p) break;
        start = p;
        while (*p && !is_bypass_sep(*p)) p++;
        end = p;
        len = end - start;
        if (len == 7 && !strncmpiW_ascii(start, L"<local>", 7))
        {
            if (!wcschr(host, '.') && !wcschr(host, ':')) return TRUE;
            continue;
        }
        /* optional scheme prefix */
        for (colon = start; colon + 2 < end; colon++)
            if (colon[0] == ':' && colon[1] == '/' && colon[2] == '/') { start = colon + 3; break; }
        /* optional :port (not inside an IPv6 literal) */
        colon = NULL;
        {
            const WCHAR *q;
            for (q = end; q > start; q--)
            {
                if (q[-1] == ']') break;
                if (q[-1] == ':') { colon = q - 1; break; }
            }
        }
        if (colon)
        {
            unsigned long want = 0;
            const WCHAR *d;
            BOOL digits = colon + 1 < end;
            for (d = colon + 1; d < end; d++)
            {
                if (*d < '0' || *d > '9') { digits = FALSE; break; }
                want = want * 10 + (*d - '0');
                if (want > 65535) { digits = FALSE; break; }
            }
            if (digits)
            {
                if (want != port) continue;
                end = colon;
            }
        }
        if (wildcard_match(start, end - start, host, hlen)) return TRUE;
    }
    return FALSE;
}

void proxy_config_free(struct proxy_config *c)
{
    if (!c) return;
    heap_free(c->server);
    heap_free(c->bypass);
    c->server = c->bypass = NULL;
}

DWORD proxy_config_copy(struct proxy_config *dst, const struct proxy_config *src)
{
    dst->access = src->access;
    dst->server = src->server ? strdupW(src->server) : NULL;
    dst->bypass = src->bypass ? strdupW(src->bypass) : NULL;
    if ((src->server && !dst->server) || (src->bypass && !dst->bypass))
    {
        proxy_config_free(dst);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return ERROR_SUCCESS;
}

/* Turns an access type with strings into a stored configuration
 * (DEFAULT_PROXY becomes what the registry says). */
static DWORD make_config(DWORD access, const WCHAR *proxy, const WCHAR *bypass, struct proxy_config *out)
{
    struct proxy_config tmp;

    memset(out, 0, sizeof(*out));
    switch (access)
    {
    case WINHTTP_ACCESS_TYPE_DEFAULT_PROXY:
        return proxy_read_default(out);
    case WINHTTP_ACCESS_TYPE_NO_PROXY:
    case WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY:
        out->access = access;
        return ERROR_SUCCESS;
    case WINHTTP_ACCESS_TYPE_NAMED_PROXY:
        /* accepted as given, as Windows does (Wine's builtin too): a list
         * naming no usable server means direct connections */
        if (!proxy_list_valid(proxy)) WARN("no usable proxy in %s: connecting directly\n", dbg_w(proxy));
        tmp.access = access;
        tmp.server = proxy && proxy[0] ? (WCHAR *)proxy : NULL;
        tmp.bypass = bypass && bypass[0] ? (WCHAR *)bypass : NULL;
        return proxy_config_copy(out, &tmp);
    }
    return ERROR_INVALID_PARAMETER;
}

DWORD proxy_session_init(struct session *s, DWORD access, const WCHAR *proxy, const WCHAR *bypass)
{
    struct proxy_config c;
    DWORD err = make_config(access, proxy, bypass, &c);

    if (err) return err;
    TRACE("session proxy: access %lu, %s, bypass %s\n", c.access, dbg_w(c.server), dbg_w(c.bypass));
    s->access_type = c.access;
    s->proxy = c.server;
    s->proxy_bypass = c.bypass;
    return ERROR_SUCCESS;
}

/* "http://host:port/path" of a request, for PAC scripts. */
static WCHAR *request_url(struct request *r, BOOL secure, INTERNET_PORT port)
{
    size_t n = wcslen(request_server(r)) + wcslen(r->path) + 24;
    WCHAR *url = heap_alloc(n * sizeof(WCHAR));
    if (url) swprintf(url, n, L"%ls://%ls:%u%ls", secure ? L"https" : L"http", request_server(r), port, r->path);
    return url;
}

static DWORD pick_automatic(struct request *r, BOOL secure, INTERNET_PORT port, struct proxy_target *out)
{
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG ie;
    DWORD err;

    memset(&ie, 0, sizeof(ie));
    if (!WinHttpGetIEProxyConfigForCurrentUser(&ie)) return ERROR_SUCCESS;  /* nothing configured: direct */
    err = ERROR_SUCCESS;
    if (ie.lpszAutoConfigUrl)
    {
        WCHAR *url = request_url(r, secure, port), *list = NULL;
        if (!url) err = ERROR_NOT_ENOUGH_MEMORY;
        else if (!(err = pac_find_proxy(ie.lpszAutoConfigUrl, url, &list)))
        {
            if (list) err = proxy_list_pick(list, secure, out);
            GlobalFree(list);
            heap_free(url);
            goto done;
        }
        else WARN("PAC script %s failed (%lu), using the static settings\n", dbg_w(ie.lpszAutoConfigUrl), err);
        heap_free(url);
        err = ERROR_SUCCESS;
    }
    if (ie.lpszProxy && !proxy_bypassed(ie.lpszProxyBypass, request_server(r), port))
        err = proxy_list_pick(ie.lpszProxy, secure, out);
done:
    GlobalFree(ie.lpszAutoConfigUrl);
    GlobalFree(ie.lpszProxy);
    GlobalFree(ie.lpszProxyBypass);
    return err;
}

DWORD proxy_pick(struct request *r, BOOL secure, INTERNET_PORT port, struct proxy_target *out)
{
    struct session *s = r->connect->session;
    struct proxy_config c;
    DWORD err;

    out->host = NULL;
    out->port = 0;
    /* the session's settings may change under its lock: take a copy */
    EnterCriticalSection(&s->hdr.cs);
    if (r->proxy) err = proxy_config_copy(&c, r->proxy);
    else
    {
        struct proxy_config sc = { s->access_type, s->proxy, s->proxy_bypass };
        err = proxy_config_copy(&c, &sc);
    }
    LeaveCriticalSection(&s->hdr.cs);
    if (err) return err;
    switch (c.access)
    {
    case WINHTTP_ACCESS_TYPE_NAMED_PROXY:
        if (!proxy_bypassed(c.bypass, request_server(r), port)) err = proxy_list_pick(c.server, secure, out);
        break;
    case WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY:
        err = pick_automatic(r, secure, port, out);
        break;
    }
    proxy_config_free(&c);
    if (out->host) TRACE("%ls:%u through proxy %ls:%u\n", request_server(r), port, out->host, out->port);
    return err;
}

/* ---- WINHTTP_OPTION_PROXY ---- */

DWORD proxy_set_option(struct object *obj, const void *buffer, DWORD len)
{
    const WINHTTP_PROXY_INFO *pi = buffer;
    struct proxy_config c;
    DWORD err;

    if (obj->type != WINHTTP_HANDLE_TYPE_SESSION && obj->type != WINHTTP_HANDLE_TYPE_REQUEST)
        return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    if (!buffer) return ERROR_INVALID_PARAMETER;
    if (len != sizeof(*pi)) return ERROR_INSUFFICIENT_BUFFER;
    if (pi->dwAccessType != WINHTTP_ACCESS_TYPE_NO_PROXY && pi->dwAccessType != WINHTTP_ACCESS_TYPE_NAMED_PROXY &&
        pi->dwAccessType != WINHTTP_ACCESS_TYPE_DEFAULT_PROXY)
        return ERROR_INVALID_PARAMETER;
    if ((err = make_config(pi->dwAccessType, pi->lpszProxy, pi->lpszProxyBypass, &c))) return err;
    if (obj->type == WINHTTP_HANDLE_TYPE_SESSION)
    {
        struct session *s = (struct session *)obj;
        heap_free(s->proxy);
        heap_free(s->proxy_bypass);
        s->access_type = c.access;
        s->proxy = c.server;
        s->proxy_bypass = c.bypass;
    }
    else
    {
        struct request *r = (struct request *)obj;
        if (!r->proxy && !(r->proxy = heap_alloc_zero(sizeof(*r->proxy))))
        {
            proxy_config_free(&c);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        proxy_config_free(r->proxy);
        *r->proxy = c;
    }
    return ERROR_SUCCESS;
}

DWORD proxy_get_option(struct object *obj, void *buffer, DWORD *len)
{
    WINHTTP_PROXY_INFO *pi = buffer;
    struct proxy_config c;
    DWORD err;

    if (obj->type == WINHTTP_HANDLE_TYPE_SESSION)
    {
        struct session *s = (struct session *)obj;
        c.access = s->access_type;
        c.server = s->proxy;
        c.bypass = s->proxy_bypass;
    }
    else if (obj->type == WINHTTP_HANDLE_TYPE_REQUEST)
    {
        struct request *r = (struct request *)obj;
        struct session *s = r->connect->session;
        if (r->proxy) c = *r->proxy;
        else
        {
            /* the session's, read under its lock into a copy */
            struct proxy_config sc, copy;
            EnterCriticalSection(&s->hdr.cs);
            sc.access = s->access_type;
            sc.server = s->proxy;
            sc.bypass = s->proxy_bypass;
            err = proxy_config_copy(&copy, &sc);
            LeaveCriticalSection(&s->hdr.cs);
            if (err) return err;
            err = ERROR_SUCCESS;
            if (!buffer || *len < sizeof(*pi)) err = ERROR_INSUFFICIENT_BUFFER;
            else
            {
                pi->dwAccessType = copy.access;
                pi->lpszProxy = proxy_globaldup(copy.server);
                pi->lpszProxyBypass = proxy_globaldup(copy.bypass);
            }
            *len = sizeof(*pi);
            proxy_config_free(&copy);
            return err;
        }
    }
    else return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    if (!buffer || *len < sizeof(*pi))
    {
        *len = sizeof(*pi);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    pi->dwAccessType = c.access;
    pi->lpszProxy = proxy_globaldup(c.server);
    pi->lpszProxyBypass = proxy_globaldup(c.bypass);
    if ((c.server && !pi->lpszProxy) || (c.bypass && !pi->lpszProxyBypass))
    {
        GlobalFree(pi->lpszProxy);
        GlobalFree(pi->lpszProxyBypass);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    *len = sizeof(*pi);
    return ERROR_SUCCESS;
}
