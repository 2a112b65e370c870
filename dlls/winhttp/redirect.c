/*
 * Redirects: a 301, 302, 303, 307 or 308 response with a Location is
 * followed by WinHttpReceiveResponse itself (as auth.c answers a 401), as
 * Microsoft documents for WINHTTP_OPTION_REDIRECT_POLICY:
 *  - WINHTTP_OPTION_REDIRECT_POLICY_NEVER, or WINHTTP_DISABLE_REDIRECTS set
 *    with WINHTTP_OPTION_DISABLE_FEATURE: the 3xx goes to the application;
 *  - ..._DISALLOW_HTTPS_TO_HTTP (the default): as ALWAYS, except that a
 *    redirect from https to http goes to the application;
 *  - more than WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS redirects for one
 *    WinHttpSendRequest: ERROR_WINHTTP_REDIRECT_FAILED.
 * Method and body: 303 turns anything but HEAD into a GET without a body;
 * 301 and 302 turn a POST into a GET without a body (as browsers do); 307
 * and 308 keep both.  A body that went out with WinHttpWriteData is gone,
 * so such a 307/308 goes to the application.
 * WINHTTP_CALLBACK_STATUS_REDIRECT reports the new URL (a WCHAR string)
 * after RESPONSE_RECEIVED, then the request is sent again (a new connection
 * every time, the old one is closed with its unread body); the connect
 * handle keeps its host, the request goes on to the new one (request_server).
 */
#include <stdio.h>
#include <wchar.h>
#include "private.h"
#include "codec/url_crack.h"

static BOOL is_redirect(DWORD status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static BOOL request_secure(const struct request *r)
{
    return (r->open_flags & WINHTTP_FLAG_SECURE) != 0;
}

/* "scheme://host[:port]" of the current target */
static WCHAR *current_origin(const struct request *r)
{
    BOOL secure = request_secure(r);
    INTERNET_PORT port = request_port(r);
    const WCHAR *server = request_server(r);
    size_t n = wcslen(server) + 24;
    WCHAR *s = heap_alloc(n * sizeof(WCHAR));

    if (!s) return NULL;
    if (port == INTERNET_DEFAULT_PORT || port == (secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT))
        swprintf(s, n, L"%ls://%ls", secure ? L"https" : L"http", server);
    else swprintf(s, n, L"%ls://%ls:%u", secure ? L"https" : L"http", server, port);
    return s;
}

static BOOL has_scheme(const WCHAR *s)
{
    const WCHAR *p = s;
    if (!iswalpha(*p)) return FALSE;
    while (iswalnum(*p) || *p == '+' || *p == '-' || *p == '.') p++;
    return *p == ':';
}

/* The Location resolved against the current URL (RFC 3986 5.2; crack_target
 * then removes dot segments): an absolute URL, "//authority...", "/path",
 * "?query" or a path relative to the current one's directory. */
static WCHAR *resolve_location(const struct request *r, const WCHAR *loc)
{
    WCHAR *origin, *url;
    const WCHAR *path = r->path;
    size_t n, dir;

    if (has_scheme(loc)) return strdupW(loc);
    if (loc[0] == '/' && loc[1] == '/')
    {
        n = wcslen(loc) + 8;
        if ((url = heap_alloc(n * sizeof(WCHAR))))
            swprintf(url, n, L"%ls:%ls", request_secure(r) ? L"https" : L"http", loc);
        return url;
    }
    if (!(origin = current_origin(r))) return NULL;
    if (loc[0] == '/') dir = 0;
    else if (loc[0] == '?') dir = wcscspn(path, L"?#");
    else
    {
        size_t end = wcscspn(path, L"?#");
        for (dir = end; dir && path[dir - 1] != '/'; dir--) ;
    }
    n = wcslen(origin) + dir + wcslen(loc) + 2;
    if ((url = heap_alloc(n * sizeof(WCHAR))))
    {
        if (!dir && loc[0] != '/') swprintf(url, n, L"%ls/%ls", origin, loc);
        else swprintf(url, n, L"%ls%.*ls%ls", origin, (int)dir, path, loc);
    }
    heap_free(origin);
    return url;
}

/* The new target; FALSE: not an http(s) URL we can go to */
static BOOL crack_target(const WCHAR *url, BOOL *secure, WCHAR **host, INTERNET_PORT *port, WCHAR **path)
{
    URL_COMPONENTS uc;
    size_t plen;

    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = ~0u;
    if (!WinHttpCrackUrl(url, 0, 0, &uc) || !uc.dwHostNameLength) return FALSE;
    if (uc.nScheme != INTERNET_SCHEME_HTTP && uc.nScheme != INTERNET_SCHEME_HTTPS) return FALSE;
    *secure = uc.nScheme == INTERNET_SCHEME_HTTPS;
    *port = uc.nPort;
    if (!(*host = strndupW(uc.lpszHostName, uc.dwHostNameLength))) return FALSE;
    /* the fragment stays with the client (RFC 9110 10.2.2) */
    plen = uc.dwUrlPathLength + uc.dwExtraInfoLength;
    if (uc.dwExtraInfoLength && uc.lpszExtraInfo)
    {
        const WCHAR *hash = wmemchr(uc.lpszExtraInfo, '#', uc.dwExtraInfoLength);
        if (hash) plen = uc.dwUrlPathLength + (hash - uc.lpszExtraInfo);
    }
    if (!plen) *path = strdupW(L"/");
    else *path = strndupW(uc.dwUrlPathLength ? uc.lpszUrlPath : uc.lpszExtraInfo, plen);
    if (*path && **path != '/')   /* "http://host?q" */
    {
        WCHAR *p = heap_alloc((wcslen(*path) + 2) * sizeof(WCHAR));
        if (p) { p[0] = '/'; wcscpy(p + 1, *path); }
        heap_free(*path);
        *path = p;
    }
    if (!*path) { heap_free(*host); return FALSE; }
    {   /* "/a/b/../c" goes to the server as "/a/c" (RFC 3986 5.2: the resolved path has no dot segments) */
        size_t end = wcscspn(*path, L"?"), n = url_remove_dots((uint16_t *)*path, end);
        memmove(*path + n, *path + end, (wcslen(*path + end) + 1) * sizeof(WCHAR));
    }
    return TRUE;
}

static void remove_header(struct request *r, const WCHAR *name)
{
    int i;
    while ((i = headers_find(&r->req_headers, name, 0)) >= 0) headers_remove(&r->req_headers, i);
}

BOOL redirect_on_response(struct request *r, DWORD *err)
{
    const WCHAR *loc;
    WCHAR *url, *host = NULL, *path = NULL;
    INTERNET_PORT port;
    BOOL secure, to_get;
    int i;

    *err = ERROR_SUCCESS;
    if (!is_redirect(r->status_code)) return FALSE;
    if (r->disabled_features & WINHTTP_DISABLE_REDIRECTS) return FALSE;
    if (r->redirect_policy == WINHTTP_OPTION_REDIRECT_POLICY_NEVER) return FALSE;
    if ((i = headers_find(&r->resp_headers, L"Location", 0)) < 0) return FALSE;
    loc = r->resp_headers.items[i].value;
    if (!*loc) return FALSE;

    to_get = (r->status_code == 303 && wcscmp(r->verb, L"HEAD")) ||
             ((r->status_code == 301 || r->status_code == 302) && !wcscmp(r->verb, L"POST"));
    /* a body streamed with WinHttpWriteData cannot be sent again */
    if (!to_get && r->optional_total > r->optional_len) return FALSE;

    if (!(url = resolve_location(r, loc))) { *err = ERROR_NOT_ENOUGH_MEMORY; return FALSE; }
    if (!crack_target(url, &secure, &host, &port, &path))
    {
        TRACE("not followed: %s\n", dbg_w(url));
        heap_free(url);
        return FALSE;
    }
    if (request_secure(r) && !secure && r->redirect_policy == WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP)
    {
        heap_free(url); heap_free(host); heap_free(path);
        return FALSE;
    }
    if (++r->redirects > r->max_redirects)
    {
        heap_free(url); heap_free(host); heap_free(path);
        *err = ERROR_WINHTTP_REDIRECT_FAILED;
        return FALSE;
    }
    TRACE("%lu to %s\n", r->status_code, dbg_w(url));
    send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_REDIRECT, url, (DWORD)((wcslen(url) + 1) * sizeof(WCHAR)));
    heap_free(url);

    if (to_get)
    {
        WCHAR *get = strdupW(L"GET");
        if (!get) { heap_free(host); heap_free(path); *err = ERROR_NOT_ENOUGH_MEMORY; return FALSE; }
        heap_free(r->verb);
        r->verb = get;
        r->optional = NULL;
        r->optional_len = 0;
        remove_header(r, L"Content-Length");
        remove_header(r, L"Content-Type");
    }
    heap_free(r->path);
    r->path = path;
    heap_free(r->redir_server);
    r->redir_server = host;
    r->redir_port = port;
    if (secure) r->open_flags |= WINHTTP_FLAG_SECURE;
    else r->open_flags &= ~WINHTTP_FLAG_SECURE;
    remove_header(r, L"Host");   /* made again for the new target */
    return TRUE;
}
