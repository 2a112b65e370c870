/* WinHttpCrackUrl on top of the pure URL codec. */
#include "private.h"
#include "codec/url_crack.h"

static BOOL needs_escape(WCHAR c)
{
    return c <= 0x20 || c >= 0x7f || wcschr(L"<>\"{}|\\^`", c);
}

/* Write one component per the URL_COMPONENTS convention. */
static DWORD set_component(const WCHAR *url, const url_part *part, WCHAR **ptr, DWORD *len, DWORD flags, BOOL escapable)
{
    const WCHAR *src = url + part->off;
    size_t n = part->len, need, i;
    WCHAR *tmp = NULL;

    if (!*len && !*ptr) return ERROR_SUCCESS;        /* not wanted */
    if (!*ptr)
    {
        /* pointer into the caller's URL */
        *ptr = n || part->present ? (WCHAR *)src : NULL;
        *len = (DWORD)n;
        return ERROR_SUCCESS;
    }
    if (flags & ICU_DECODE)
    {
        if (!(tmp = strndupW(src, n))) return ERROR_NOT_ENOUGH_MEMORY;
        n = url_unescape((uint16_t *)tmp, (const uint16_t *)tmp, n);
        src = tmp;
    }
    need = n;
    if ((flags & ICU_ESCAPE) && escapable)
        for (i = 0, need = 0; i < n; i++) need += needs_escape(src[i]) ? 3 : 1;
    if (*len < need + 1)
    {
        *len = (DWORD)(need + 1);
        heap_free(tmp);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    if ((flags & ICU_ESCAPE) && escapable)
    {
        WCHAR *out = *ptr;
        static const WCHAR hex[] = L"0123456789ABCDEF";
        for (i = 0; i < n; i++)
        {
            if (needs_escape(src[i]) && src[i] < 0x100)
            {
                *out++ = '%';
                *out++ = hex[(src[i] >> 4) & 0xf];
                *out++ = hex[src[i] & 0xf];
            }
            else *out++ = src[i];
        }
        *out = 0;
        need = out - *ptr;
    }
    else
    {
        memcpy(*ptr, src, n * sizeof(WCHAR));
        (*ptr)[n] = 0;
    }
    *len = (DWORD)need;
    heap_free(tmp);
    return ERROR_SUCCESS;
}

static DWORD first_error(DWORD a, DWORD b) { return a ? a : b; }

BOOL WINAPI WinHttpCrackUrl(LPCWSTR url, DWORD url_len, DWORD flags, LPURL_COMPONENTS uc)
{
    url_parts parts;
    size_t len, i;
    DWORD err;
    const WCHAR *colon;

    TRACE("%s, %lu, 0x%08lx, %p\n", dbg_w(url), url_len, flags, uc);
    if (!url || !uc || uc->dwStructSize != sizeof(*uc)) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    if (flags & ICU_DECODE)
    {
        /* "ICU_DECODE ... can be used only if the user provides buffers" */
        if ((!uc->lpszScheme && uc->dwSchemeLength) || (!uc->lpszHostName && uc->dwHostNameLength) ||
            (!uc->lpszUserName && uc->dwUserNameLength) || (!uc->lpszPassword && uc->dwPasswordLength) ||
            (!uc->lpszUrlPath && uc->dwUrlPathLength) || (!uc->lpszExtraInfo && uc->dwExtraInfoLength))
        {
            set_error(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
    }
    len = url_len ? url_len : wcslen(url);
    colon = NULL;
    for (i = 0; i < len; i++) if (url[i] == ':') { colon = url + i; break; }
    if (!colon || colon == url) { set_error(ERROR_WINHTTP_UNRECOGNIZED_SCHEME); return FALSE; }
    if (!((colon - url == 4 && !strncmpiW_ascii(url, L"http", 4)) ||
          (colon - url == 5 && !strncmpiW_ascii(url, L"https", 5))))
    {
        set_error(ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
        return FALSE;
    }
    if (url_crack((const uint16_t *)url, len, &parts)) { set_error(ERROR_WINHTTP_INVALID_URL); return FALSE; }
    if ((flags & ICU_REJECT_USERPWD) && (parts.user.present || parts.password.present))
    {
        set_error(ERROR_WINHTTP_INVALID_URL);
        return FALSE;
    }
    /* a buffer of no length is a bad parameter, found before anything is written */
    if ((uc->lpszScheme && !uc->dwSchemeLength) || (uc->lpszHostName && !uc->dwHostNameLength) ||
        (uc->lpszUserName && !uc->dwUserNameLength) || (uc->lpszPassword && !uc->dwPasswordLength) ||
        (uc->lpszUrlPath && !uc->dwUrlPathLength) || (uc->lpszExtraInfo && !uc->dwExtraInfoLength))
    {
        set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    /* extra info not asked for stays in the path (Windows: "/get?x=1") */
    if (!uc->lpszExtraInfo && !uc->dwExtraInfoLength) parts.path.len += parts.extra.len;
    uc->nScheme = parts.scheme == URL_SCHEME_HTTPS ? INTERNET_SCHEME_HTTPS : INTERNET_SCHEME_HTTP;
    uc->nPort = parts.port;
    /* every component is done even when one does not fit: each buffer too
     * small gets the length it needs (with the NUL), the others their copy */
    err = set_component(url, &parts.scheme_name, &uc->lpszScheme, &uc->dwSchemeLength, 0, FALSE);
    err = first_error(err, set_component(url, &parts.host, &uc->lpszHostName, &uc->dwHostNameLength, flags & ICU_DECODE, FALSE));
    err = first_error(err, set_component(url, &parts.user, &uc->lpszUserName, &uc->dwUserNameLength, flags & ICU_DECODE, FALSE));
    err = first_error(err, set_component(url, &parts.password, &uc->lpszPassword, &uc->dwPasswordLength, flags & ICU_DECODE, FALSE));
    err = first_error(err, set_component(url, &parts.path, &uc->lpszUrlPath, &uc->dwUrlPathLength, flags, TRUE));
    err = first_error(err, set_component(url, &parts.extra, &uc->lpszExtraInfo, &uc->dwExtraInfoLength, flags, TRUE));
    set_error(err);
    return !err;
}
