/*
 * WinHttpCreateUrl.  As Windows does it (Wine's tests were checked on it):
 * component lengths are trusted when nonzero (else the string is measured);
 * the scheme string wins over nScheme, and with neither it is http; the port
 * is written, after a host, unless it is the scheme's default; a password
 * needs a user name; ICU_ESCAPE escapes the path and the extra info, and
 * refuses characters beyond ASCII.  *len: on success the URL's length, when
 * the buffer is too small the size it needs (with the terminator).
 */
#include "private.h"

struct out
{
    WCHAR *p;        /* NULL: only counting */
    size_t n;
};

static void put(struct out *o, const WCHAR *s, size_t n)
{
    if (o->p) memcpy(o->p + o->n, s, n * sizeof(WCHAR));
    o->n += n;
}

static size_t comp_len(const WCHAR *s, DWORD len)
{
    return !s ? 0 : len ? len : wcslen(s);
}

/* what ICU_ESCAPE turns into %XX (Windows-verified set) */
static BOOL create_escape(WCHAR c)
{
    return c <= 0x20 || c == 0x7f || wcschr(L"\"#%<>[\\]^`{|}~", c);
}

static DWORD put_escaped(struct out *o, const WCHAR *s, size_t n, DWORD flags)
{
    static const WCHAR hex[] = L"0123456789ABCDEF";
    size_t i;

    if (!(flags & ICU_ESCAPE))
    {
        put(o, s, n);
        return ERROR_SUCCESS;
    }
    for (i = 0; i < n; i++)
    {
        WCHAR e[3] = { '%', hex[(s[i] >> 4) & 15], hex[s[i] & 15] };
        if (s[i] > 0x7f) return ERROR_INVALID_PARAMETER;
        if (create_escape(s[i])) put(o, e, 3);
        else put(o, &s[i], 1);
    }
    return ERROR_SUCCESS;
}

static DWORD build_url(const URL_COMPONENTS *uc, DWORD flags, struct out *o)
{
    const WCHAR *scheme = uc->lpszScheme;
    size_t scheme_len = comp_len(uc->lpszScheme, uc->dwSchemeLength);
    INTERNET_PORT default_port = 0;
    DWORD err;

    if (!scheme)
    {
        scheme = uc->nScheme == INTERNET_SCHEME_HTTPS ? L"https" : L"http";
        scheme_len = wcslen(scheme);
    }
    if (scheme_len == 4 && !strncmpiW_ascii(scheme, L"http", 4)) default_port = INTERNET_DEFAULT_HTTP_PORT;
    else if (scheme_len == 5 && !strncmpiW_ascii(scheme, L"https", 5)) default_port = INTERNET_DEFAULT_HTTPS_PORT;
    /* ICU_REJECT_USERPWD: a user name or password makes the URL invalid (as
     * WinHttpCrackUrl answers with the same flag; not measured on Windows) */
    if ((flags & ICU_REJECT_USERPWD) && (comp_len(uc->lpszUserName, uc->dwUserNameLength) ||
                                         comp_len(uc->lpszPassword, uc->dwPasswordLength)))
        return ERROR_WINHTTP_INVALID_URL;
    put(o, scheme, scheme_len);
    put(o, L"://", 3);
    if (uc->lpszUserName)
    {
        put(o, uc->lpszUserName, comp_len(uc->lpszUserName, uc->dwUserNameLength));
        if (uc->lpszPassword)
        {
            put(o, L":", 1);
            put(o, uc->lpszPassword, comp_len(uc->lpszPassword, uc->dwPasswordLength));
        }
        put(o, L"@", 1);
    }
    else if (uc->lpszPassword) return ERROR_INVALID_PARAMETER;
    if (uc->lpszHostName)
    {
        put(o, uc->lpszHostName, comp_len(uc->lpszHostName, uc->dwHostNameLength));
        if (uc->nPort != default_port || !default_port)
        {
            WCHAR port[8];
            unsigned v = uc->nPort;
            size_t i = ARRAYSIZE(port);
            do port[--i] = (WCHAR)('0' + v % 10); while (v /= 10);
            port[--i] = ':';
            put(o, port + i, ARRAYSIZE(port) - i);
        }
    }
    if ((err = put_escaped(o, uc->lpszUrlPath, comp_len(uc->lpszUrlPath, uc->dwUrlPathLength), flags))) return err;
    return put_escaped(o, uc->lpszExtraInfo, comp_len(uc->lpszExtraInfo, uc->dwExtraInfoLength), flags);
}

BOOL WINAPI WinHttpCreateUrl(URL_COMPONENTS *uc, DWORD flags, LPWSTR url, LPDWORD len)
{
    struct out count = { NULL, 0 }, out = { url, 0 };
    DWORD err;

    TRACE("%p, %#lx, %p, %p\n", uc, flags, url, len);
    if (!uc || uc->dwStructSize != sizeof(*uc) || !len) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    if ((err = build_url(uc, flags, &count))) { set_error(err); return FALSE; }
    if (*len < count.n + 1)
    {
        *len = (DWORD)(count.n + 1);
        set_error(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    if (!url) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    build_url(uc, flags, &out);
    url[out.n] = 0;
    *len = (DWORD)out.n;
    TRACE("-> %s\n", dbg_w(url));
    set_error(ERROR_SUCCESS);
    return TRUE;
}
