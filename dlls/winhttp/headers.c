/* Header lists, WinHttpAddRequestHeaders, WinHttpQueryHeaders. */
#include <stdio.h>
#include "private.h"
#include "codec/http_parse.h"

void headers_free(struct header_list *l)
{
    DWORD i;
    for (i = 0; i < l->count; i++)
    {
        heap_free(l->items[i].name);
        heap_free(l->items[i].value);
    }
    heap_free(l->items);
    l->items = NULL;
    l->count = l->capacity = 0;
}

DWORD headers_add(struct header_list *l, const WCHAR *name, size_t nlen, const WCHAR *value, size_t vlen)
{
    struct header *h;
    if (l->count == l->capacity)
    {
        DWORD cap = l->capacity ? l->capacity * 2 : 16;
        struct header *p = heap_realloc(l->items, cap * sizeof(*p));
        if (!p) return ERROR_NOT_ENOUGH_MEMORY;
        l->items = p;
        l->capacity = cap;
    }
    h = &l->items[l->count];
    h->name = strndupW(name, nlen);
    h->value = strndupW(value, vlen);
    if (!h->name || !h->value)
    {
        heap_free(h->name);
        heap_free(h->value);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    l->count++;
    return ERROR_SUCCESS;
}

int headers_find(const struct header_list *l, const WCHAR *name, int start)
{
    DWORD i;
    for (i = start < 0 ? 0 : (DWORD)start; i < l->count; i++)
        if (!strcmpiW_ascii(l->items[i].name, name)) return (int)i;
    return -1;
}

/* Does any header called name carry token in its comma-separated list? */
BOOL headers_have_token(const struct header_list *l, const WCHAR *name, const char *token)
{
    int i;
    for (i = headers_find(l, name, 0); i >= 0; i = headers_find(l, name, i + 1))
    {
        char *v = strdupWA(l->items[i].value);
        BOOL found = v && http_list_has_token(v, strlen(v), token);
        heap_free(v);
        if (found) return TRUE;
    }
    return FALSE;
}

/* Give the header called name this value: the first one's is replaced, or
 * a new header is added (at the front when first). */
DWORD headers_set(struct header_list *l, const WCHAR *name, const WCHAR *value, BOOL first)
{
    int i = headers_find(l, name, 0);
    WCHAR *v;
    DWORD err;

    if (i >= 0)
    {
        if (!(v = strdupW(value))) return ERROR_NOT_ENOUGH_MEMORY;
        heap_free(l->items[i].value);
        l->items[i].value = v;
        return ERROR_SUCCESS;
    }
    if ((err = headers_add(l, name, wcslen(name), value, wcslen(value)))) return err;
    if (first && l->count > 1)
    {
        struct header h = l->items[l->count - 1];
        memmove(&l->items[1], &l->items[0], (l->count - 1) * sizeof(h));
        l->items[0] = h;
    }
    return ERROR_SUCCESS;
}

void headers_remove(struct header_list *l, int index)
{
    heap_free(l->items[index].name);
    heap_free(l->items[index].value);
    memmove(&l->items[index], &l->items[index + 1], (l->count - index - 1) * sizeof(l->items[0]));
    l->count--;
}

static BOOL is_ws(WCHAR c) { return c == ' ' || c == '\t'; }

/* Apply one "Name: value" line with the WINHTTP_ADDREQ_* flags. */
static DWORD process_header(struct header_list *l, const WCHAR *line, size_t len, DWORD flags)
{
    const WCHAR *colon = NULL, *name_end, *value, *value_end = line + len;
    WCHAR *name;
    size_t i;
    int idx;
    DWORD err = ERROR_SUCCESS;

    for (i = 0; i < len; i++) if (line[i] == ':') { colon = line + i; break; }
    if (!colon) return ERROR_WINHTTP_INVALID_HEADER;
    /* a field name is a token: no space before the colon ("g : value", RFC 9112 5.1) */
    name_end = colon;
    if (name_end == line) return ERROR_WINHTTP_INVALID_HEADER;
    for (i = 0; line + i < name_end; i++)
        if (line[i] <= 0x20 || line[i] >= 0x7f) return ERROR_WINHTTP_INVALID_HEADER;
    value = colon + 1;
    while (value < value_end && is_ws(*value)) value++;
    while (value_end > value && is_ws(value_end[-1])) value_end--;

    if (!(name = strndupW(line, name_end - line))) return ERROR_NOT_ENOUGH_MEMORY;
    idx = headers_find(l, name, 0);

    if (flags & WINHTTP_ADDREQ_FLAG_ADD_IF_NEW)
    {
        if (idx >= 0) err = ERROR_WINHTTP_HEADER_ALREADY_EXISTS;
        else err = headers_add(l, name, name_end - line, value, value_end - value);
    }
    else if (flags & WINHTTP_ADDREQ_FLAG_REPLACE)
    {
        if (idx >= 0) headers_remove(l, idx);
        else if (!(flags & WINHTTP_ADDREQ_FLAG_ADD)) { err = ERROR_WINHTTP_HEADER_NOT_FOUND; goto done; }
        if (value_end > value)
            err = headers_add(l, name, name_end - line, value, value_end - value);
    }
    else if ((flags & (WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA | WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON)) && idx >= 0)
    {
        struct header *h = &l->items[idx];
        size_t a = wcslen(h->value), b = value_end - value;
        WCHAR *v = heap_alloc((a + b + 3) * sizeof(WCHAR));
        if (!v) { err = ERROR_NOT_ENOUGH_MEMORY; goto done; }
        memcpy(v, h->value, a * sizeof(WCHAR));
        v[a] = (flags & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON) ? ';' : ',';
        v[a + 1] = ' ';
        memcpy(v + a + 2, value, b * sizeof(WCHAR));
        v[a + 2 + b] = 0;
        heap_free(h->value);
        h->value = v;
    }
    else err = headers_add(l, name, name_end - line, value, value_end - value);
done:
    heap_free(name);
    return err;
}

DWORD add_request_headers(struct request *req, const WCHAR *headers, DWORD len, DWORD flags)
{
    const WCHAR *p = headers, *end = headers + len;
    DWORD err = ERROR_SUCCESS;

    while (p < end && !err)
    {
        const WCHAR *eol = p;
        while (eol < end && *eol != '\r' && *eol != '\n' && *eol) eol++;
        if (eol > p) err = process_header(&req->req_headers, p, eol - p, flags);
        if (eol < end && !*eol) break;
        p = eol;
        while (p < end && (*p == '\r' || *p == '\n')) p++;
    }
    return err;
}

BOOL WINAPI WinHttpAddRequestHeaders(HINTERNET hrequest, LPCWSTR headers, DWORD len, DWORD flags)
{
    struct object *obj;
    DWORD err;

    TRACE("%p, %s, %lu, 0x%08lx\n", hrequest, dbg_w(headers), len, flags);
    if (!headers || !len) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    if (!(obj = grab_object(hrequest))) { set_error(ERROR_INVALID_HANDLE); return FALSE; }
    if (obj->type != WINHTTP_HANDLE_TYPE_REQUEST) err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    else
    {
        if (len == ~0u) len = wcslen(headers);
        EnterCriticalSection(&obj->cs);
        err = add_request_headers((struct request *)obj, headers, len, flags);
        LeaveCriticalSection(&obj->cs);
    }
    release_object(obj);
    set_error(err);
    return !err;
}

/* ---- WinHttpQueryHeaders ---- */

static const WCHAR *const query_names[] =
{
    [WINHTTP_QUERY_MIME_VERSION] = L"Mime-Version",
    [WINHTTP_QUERY_CONTENT_TYPE] = L"Content-Type",
    [WINHTTP_QUERY_CONTENT_TRANSFER_ENCODING] = L"Content-Transfer-Encoding",
    [WINHTTP_QUERY_CONTENT_ID] = L"Content-ID",
    [WINHTTP_QUERY_CONTENT_DESCRIPTION] = L"Content-Description",
    [WINHTTP_QUERY_CONTENT_LENGTH] = L"Content-Length",
    [WINHTTP_QUERY_CONTENT_LANGUAGE] = L"Content-Language",
    [WINHTTP_QUERY_ALLOW] = L"Allow",
    [WINHTTP_QUERY_PUBLIC] = L"Public",
    [WINHTTP_QUERY_DATE] = L"Date",
    [WINHTTP_QUERY_EXPIRES] = L"Expires",
    [WINHTTP_QUERY_LAST_MODIFIED] = L"Last-Modified",
    [WINHTTP_QUERY_MESSAGE_ID] = L"Message-Id",
    [WINHTTP_QUERY_URI] = L"URI",
    [WINHTTP_QUERY_DERIVED_FROM] = L"Derived-From",
    [WINHTTP_QUERY_COST] = L"Cost",
    [WINHTTP_QUERY_LINK] = L"Link",
    [WINHTTP_QUERY_PRAGMA] = L"Pragma",
    [WINHTTP_QUERY_CONNECTION] = L"Connection",
    [WINHTTP_QUERY_ACCEPT] = L"Accept",
    [WINHTTP_QUERY_ACCEPT_CHARSET] = L"Accept-Charset",
    [WINHTTP_QUERY_ACCEPT_ENCODING] = L"Accept-Encoding",
    [WINHTTP_QUERY_ACCEPT_LANGUAGE] = L"Accept-Language",
    [WINHTTP_QUERY_AUTHORIZATION] = L"Authorization",
    [WINHTTP_QUERY_CONTENT_ENCODING] = L"Content-Encoding",
    [WINHTTP_QUERY_FORWARDED] = L"Forwarded",
    [WINHTTP_QUERY_FROM] = L"From",
    [WINHTTP_QUERY_IF_MODIFIED_SINCE] = L"If-Modified-Since",
    [WINHTTP_QUERY_LOCATION] = L"Location",
    [WINHTTP_QUERY_ORIG_URI] = L"Orig-Uri",
    [WINHTTP_QUERY_REFERER] = L"Referer",
    [WINHTTP_QUERY_RETRY_AFTER] = L"Retry-After",
    [WINHTTP_QUERY_SERVER] = L"Server",
    [WINHTTP_QUERY_TITLE] = L"Title",
    [WINHTTP_QUERY_USER_AGENT] = L"User-Agent",
    [WINHTTP_QUERY_WWW_AUTHENTICATE] = L"WWW-Authenticate",
    [WINHTTP_QUERY_PROXY_AUTHENTICATE] = L"Proxy-Authenticate",
    [WINHTTP_QUERY_ACCEPT_RANGES] = L"Accept-Ranges",
    [WINHTTP_QUERY_SET_COOKIE] = L"Set-Cookie",
    [WINHTTP_QUERY_COOKIE] = L"Cookie",
    [WINHTTP_QUERY_REFRESH] = L"Refresh",
    [WINHTTP_QUERY_CONTENT_DISPOSITION] = L"Content-Disposition",
    [WINHTTP_QUERY_AGE] = L"Age",
    [WINHTTP_QUERY_CACHE_CONTROL] = L"Cache-Control",
    [WINHTTP_QUERY_CONTENT_BASE] = L"Content-Base",
    [WINHTTP_QUERY_CONTENT_LOCATION] = L"Content-Location",
    [WINHTTP_QUERY_CONTENT_MD5] = L"Content-MD5",
    [WINHTTP_QUERY_CONTENT_RANGE] = L"Content-Range",
    [WINHTTP_QUERY_ETAG] = L"ETag",
    [WINHTTP_QUERY_HOST] = L"Host",
    [WINHTTP_QUERY_IF_MATCH] = L"If-Match",
    [WINHTTP_QUERY_IF_NONE_MATCH] = L"If-None-Match",
    [WINHTTP_QUERY_IF_RANGE] = L"If-Range",
    [WINHTTP_QUERY_IF_UNMODIFIED_SINCE] = L"If-Unmodified-Since",
    [WINHTTP_QUERY_MAX_FORWARDS] = L"Max-Forwards",
    [WINHTTP_QUERY_PROXY_AUTHORIZATION] = L"Proxy-Authorization",
    [WINHTTP_QUERY_RANGE] = L"Range",
    [WINHTTP_QUERY_TRANSFER_ENCODING] = L"Transfer-Encoding",
    [WINHTTP_QUERY_UPGRADE] = L"Upgrade",
    [WINHTTP_QUERY_VARY] = L"Vary",
    [WINHTTP_QUERY_VIA] = L"Via",
    [WINHTTP_QUERY_WARNING] = L"Warning",
    [WINHTTP_QUERY_EXPECT] = L"Expect",
    [WINHTTP_QUERY_PROXY_CONNECTION] = L"Proxy-Connection",
    [WINHTTP_QUERY_UNLESS_MODIFIED_SINCE] = L"Unless-Modified-Since",
    [WINHTTP_QUERY_PROXY_SUPPORT] = L"Proxy-Support",
    [WINHTTP_QUERY_AUTHENTICATION_INFO] = L"Authentication-Info",
    [WINHTTP_QUERY_PASSPORT_URLS] = L"Passport-Urls",
    [WINHTTP_QUERY_PASSPORT_CONFIG] = L"Passport-Config",
};

/* Copy a string result (len chars, maybe with embedded NULs) per the WinHTTP
 * buffer convention: sizes in bytes, the terminating NUL not counted on
 * success, counted in the size asked for on ERROR_INSUFFICIENT_BUFFER. */
DWORD return_string(const WCHAR *s, size_t len, void *buffer, DWORD *buflen)
{
    DWORD need = (DWORD)((len + 1) * sizeof(WCHAR));
    if (!buffer || *buflen < need)
    {
        *buflen = need;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy(buffer, s, len * sizeof(WCHAR));
    ((WCHAR *)buffer)[len] = 0;
    *buflen = (DWORD)(len * sizeof(WCHAR));
    return ERROR_SUCCESS;
}

static DWORD return_value(const WCHAR *s, DWORD modifiers, void *buffer, DWORD *buflen)
{
    if (modifiers & WINHTTP_QUERY_FLAG_NUMBER64)
    {
        if (!buffer || *buflen < sizeof(ULONGLONG)) { *buflen = sizeof(ULONGLONG); return ERROR_INSUFFICIENT_BUFFER; }
        *(ULONGLONG *)buffer = _wcstoui64(s, NULL, 10);
        *buflen = sizeof(ULONGLONG);
        return ERROR_SUCCESS;
    }
    if (modifiers & WINHTTP_QUERY_FLAG_NUMBER)
    {
        if (!buffer || *buflen < sizeof(DWORD)) { *buflen = sizeof(DWORD); return ERROR_INSUFFICIENT_BUFFER; }
        *(DWORD *)buffer = wcstoul(s, NULL, 10);
        *buflen = sizeof(DWORD);
        return ERROR_SUCCESS;
    }
    if (modifiers & WINHTTP_QUERY_FLAG_SYSTEMTIME)
    {
        SYSTEMTIME st;
        if (!buffer || *buflen < sizeof(st)) { *buflen = sizeof(st); return ERROR_INSUFFICIENT_BUFFER; }
        if (!WinHttpTimeToSystemTime(s, &st)) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
        memcpy(buffer, &st, sizeof(st));
        *buflen = sizeof(st);
        return ERROR_SUCCESS;
    }
    return return_string(s, wcslen(s), buffer, buflen);
}

/* Request head as text, for WINHTTP_QUERY_FLAG_REQUEST_HEADERS | RAW_HEADERS*. */
static WCHAR *build_request_raw(struct request *r, WCHAR sep)
{
    size_t total = wcslen(r->verb) + wcslen(r->path) + wcslen(r->version) + 8;
    WCHAR *s, *p;
    DWORD i;
    for (i = 0; i < r->req_headers.count; i++)
        total += wcslen(r->req_headers.items[i].name) + wcslen(r->req_headers.items[i].value) + 4;
    if (!(s = p = heap_alloc(total * sizeof(WCHAR)))) return NULL;
    p += swprintf(p, total, L"%ls %ls %ls", r->verb, r->path, r->version);
    *p++ = sep; if (sep == '\r') *p++ = '\n';
    for (i = 0; i < r->req_headers.count; i++)
    {
        p += swprintf(p, total - (p - s), L"%ls: %ls", r->req_headers.items[i].name, r->req_headers.items[i].value);
        *p++ = sep; if (sep == '\r') *p++ = '\n';
    }
    if (sep == '\r') { *p++ = '\r'; *p++ = '\n'; }
    *p = 0;
    return s;
}

DWORD query_headers(struct request *r, DWORD level, const WCHAR *name, void *buffer, DWORD *buflen, DWORD *index)
{
    DWORD info = level & 0xffff, modifiers = level & 0xffff0000;
    BOOL request_headers = (modifiers & WINHTTP_QUERY_FLAG_REQUEST_HEADERS) != 0;
    const struct header_list *list = request_headers ? &r->req_headers : &r->resp_headers;
    WCHAR num[16];
    DWORD err;
    int i, n;

    if (info > WINHTTP_QUERY_MAX && info != WINHTTP_QUERY_CUSTOM) return ERROR_INVALID_PARAMETER;
    /* the method is the request's, known before it is sent (Wine's tests) */
    if (!request_headers && info != WINHTTP_QUERY_REQUEST_METHOD && r->state != REQ_RESPONSE && r->state != REQ_UPGRADED)
        return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    switch (info)
    {
    case WINHTTP_QUERY_STATUS_CODE:
        if (request_headers) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
        swprintf(num, ARRAYSIZE(num), L"%lu", r->status_code);
        return return_value(num, modifiers, buffer, buflen);
    case WINHTTP_QUERY_STATUS_TEXT:
        if (request_headers) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
        return return_value(r->status_text, modifiers, buffer, buflen);
    case WINHTTP_QUERY_VERSION:
        return return_value(request_headers ? r->version : r->resp_version, modifiers, buffer, buflen);
    case WINHTTP_QUERY_REQUEST_METHOD:
        return return_value(r->verb, modifiers, buffer, buflen);
    case WINHTTP_QUERY_RAW_HEADERS_CRLF:
    case WINHTTP_QUERY_RAW_HEADERS:
    {
        WCHAR *raw, *copy = NULL;
        size_t len;
        if (request_headers) raw = copy = build_request_raw(r, info == WINHTTP_QUERY_RAW_HEADERS ? 0 : '\r');
        else if (info == WINHTTP_QUERY_RAW_HEADERS_CRLF) raw = r->raw_headers;
        else
        {
            /* NUL-separated lines, ending with an empty line */
            WCHAR *p, *q;
            if (!(raw = copy = strdupW(r->raw_headers))) return ERROR_NOT_ENOUGH_MEMORY;
            for (p = q = raw; *p; p++)
            {
                if (p[0] == '\r' && p[1] == '\n') { *q++ = 0; p++; }
                else *q++ = *p;
            }
            len = q - raw;  /* includes the NUL of the empty last line */
            err = return_string(raw, len - 1, buffer, buflen);
            heap_free(copy);
            return err;
        }
        if (!raw) return ERROR_NOT_ENOUGH_MEMORY;
        len = wcslen(raw);
        if (info == WINHTTP_QUERY_RAW_HEADERS)
        {
            /* request raw headers were built with NUL separators: measure them */
            WCHAR *p = raw;
            while (*p) p += wcslen(p) + 1;
            len = p - raw;
        }
        err = return_string(raw, len, buffer, buflen);
        heap_free(copy);
        return err;
    }
    case WINHTTP_QUERY_CUSTOM:
        if (!name) return ERROR_INVALID_PARAMETER;
        break;
    default:
        if (info >= ARRAYSIZE(query_names) || !query_names[info]) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
        name = query_names[info];
        break;
    }
    n = index ? (int)*index : 0;
    for (i = headers_find(list, name, 0); i >= 0 && n > 0; n--) i = headers_find(list, name, i + 1);
    if (i < 0) return ERROR_WINHTTP_HEADER_NOT_FOUND;
    err = return_value(list->items[i].value, modifiers, buffer, buflen);
    if (!err && index) (*index)++;
    return err;
}

BOOL WINAPI WinHttpQueryHeaders(HINTERNET hrequest, DWORD level, LPCWSTR name, LPVOID buffer, LPDWORD buflen,
                                LPDWORD index)
{
    struct object *obj;
    DWORD err;

    TRACE("%p, 0x%08lx, %s, %p, %p, %p\n", hrequest, level, dbg_w(name), buffer, buflen, index);
    if (!(obj = grab_object(hrequest))) { set_error(ERROR_INVALID_HANDLE); return FALSE; }
    if (obj->type != WINHTTP_HANDLE_TYPE_REQUEST) err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    else if (!buflen) err = ERROR_INVALID_PARAMETER;
    else
    {
        EnterCriticalSection(&obj->cs);
        err = query_headers((struct request *)obj, level, name, buffer, buflen, index);
        LeaveCriticalSection(&obj->cs);
    }
    release_object(obj);
    set_error(err);
    return !err;
}

/* Response header lines buf[pos..len) (after the status line) into l,
 * tolerantly (codec/http_parse.h): a line that is no field is dropped, a
 * folded line joins the field before it with one SP, and a NUL, CR or LF
 * inside a value becomes SP (RFC 9110 5.5).  ERROR_WINHTTP_INVALID_SERVER_RESPONSE
 * when the block does not end with its blank line. */
DWORD headers_parse_response(struct header_list *l, const char *buf, size_t len, size_t pos)
{
    const char *name, *value;
    size_t nlen, vlen, i;
    int rc;

    while ((rc = http_next_header(buf, len, &pos, &name, &nlen, &value, &vlen)) > 0)
    {
        WCHAR *v, *n = NULL;
        DWORD err = ERROR_SUCCESS;

        if (rc == 3) continue;  /* no field: value and vlen say nothing */
        v = strdupAW_latin1(value, vlen);
        if (!v) return ERROR_NOT_ENOUGH_MEMORY;
        for (i = 0; i < vlen; i++) if (!v[i] || v[i] == '\r' || v[i] == '\n') v[i] = ' ';
        if (rc == 1)
        {
            if ((n = strdupAW_latin1(name, nlen))) err = headers_add(l, n, nlen, v, vlen);
            else err = ERROR_NOT_ENOUGH_MEMORY;
        }
        else if (rc == 2 && l->count && vlen)
        {
            struct header *h = &l->items[l->count - 1];
            size_t old = wcslen(h->value);
            WCHAR *joined = heap_alloc((old + 1 + vlen + 1) * sizeof(WCHAR));
            if (joined)
            {
                memcpy(joined, h->value, old * sizeof(WCHAR));
                joined[old] = ' ';
                memcpy(joined + old + 1, v, vlen * sizeof(WCHAR));
                joined[old + 1 + vlen] = 0;
                heap_free(h->value);
                h->value = joined;
            }
            else err = ERROR_NOT_ENOUGH_MEMORY;
        }
        heap_free(n);
        heap_free(v);
        if (err) return err;
    }
    return rc < 0 ? ERROR_WINHTTP_INVALID_SERVER_RESPONSE : ERROR_SUCCESS;
}
