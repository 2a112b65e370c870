/*
 * Proxy auto-configuration: WinHttpGetProxyForUrl, the resolver functions
 * (WinHttpCreateProxyResolver, WinHttpGetProxyForUrlEx/Ex2,
 * WinHttpGetProxyResult/Ex, WinHttpFreeProxyResult/Ex),
 * WinHttpDetectAutoProxyConfigUrl and WinHttpResetAutoProxy.
 *
 * A PAC script is downloaded with our own HTTP stack (a direct connection)
 * and run by the system's jsproxy.dll (InternetInitializeAutoProxyDll and
 * InternetGetProxyInfo, as Windows ships it and Wine too).  WPAD
 * auto-detection (DHCP, DNS) is not done: it would query the network
 * beyond loopback; WINHTTP_AUTOPROXY_AUTO_DETECT therefore ends in
 * ERROR_WINHTTP_AUTODETECTION_FAILED.  Nothing is cached: every call
 * downloads and runs the script afresh.
 */
#include <stdio.h>
#include "proxy.h"

#define MAX_SCRIPT (1024 * 1024)
#define WINHTTP_HANDLE_TYPE_RESOLVER_PRIVATE 6   /* our handle type value for resolvers */

/* jsproxy.dll's interface (wininet.h's AUTO_PROXY_SCRIPT_BUFFER) */
struct script_buffer { DWORD dwStructSize; LPSTR lpszScriptBuffer; DWORD dwScriptBufferSize; };
typedef BOOL (WINAPI *init_fn)(DWORD, LPSTR, LPSTR, void *, struct script_buffer *);
typedef BOOL (WINAPI *deinit_fn)(LPSTR, DWORD);
typedef BOOL (WINAPI *getinfo_fn)(LPCSTR, DWORD, LPSTR, DWORD, LPSTR *, LPDWORD);

static SRWLOCK pac_lock = SRWLOCK_INIT;   /* jsproxy holds one script per process */
static HMODULE jsproxy;
static init_fn p_init;
static deinit_fn p_deinit;
static getinfo_fn p_getinfo;

/* Download url's body (http or https, direct).  heap_alloc'd, NUL terminated. */
static DWORD download_script(const WCHAR *url, char **out, DWORD *out_len)
{
    URL_COMPONENTS uc;
    WCHAR host[256], path[2048];
    HINTERNET ses = NULL, con = NULL, req = NULL;
    DWORD status = 0, size = sizeof(status), total = 0, got;
    char *buf = NULL;
    DWORD err = ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;

    *out = NULL;
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = host;
    uc.dwHostNameLength = ARRAYSIZE(host);
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = ARRAYSIZE(path);
    uc.dwExtraInfoLength = 1;  /* the query stays in the path */
    if (!WinHttpCrackUrl(url, 0, 0, &uc)) return ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;
    if (uc.nScheme != INTERNET_SCHEME_HTTP && uc.nScheme != INTERNET_SCHEME_HTTPS)
        return ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;
    if (uc.lpszExtraInfo && uc.dwExtraInfoLength && wcslen(path) + uc.dwExtraInfoLength < ARRAYSIZE(path))
        wcsncat(path, uc.lpszExtraInfo, uc.dwExtraInfoLength);
    if (!(ses = WinHttpOpen(L"winhttp-pac", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0))) goto done;
    if (!(con = WinHttpConnect(ses, host, uc.nPort, 0))) goto done;
    if (!(req = WinHttpOpenRequest(con, L"GET", path[0] ? path : L"/", NULL, NULL, NULL,
                                   uc.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0)))
        goto done;
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL)) goto done;
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL) ||
        status != 200)
        goto done;
    if (!(buf = heap_alloc(MAX_SCRIPT + 1))) { err = ERROR_NOT_ENOUGH_MEMORY; goto done; }
    for (;;)
    {
        if (!WinHttpReadData(req, buf + total, MAX_SCRIPT - total, &got)) goto done;
        if (!got) break;
        total += got;
        if (total == MAX_SCRIPT) goto done;  /* too large for a PAC file */
    }
    buf[total] = 0;
    *out = buf;
    *out_len = total;
    buf = NULL;
    err = ERROR_SUCCESS;
done:
    TRACE("%s: status %lu, %lu bytes, error %lu\n", dbg_w(url), status, total, err);
    heap_free(buf);
    if (req) WinHttpCloseHandle(req);
    if (con) WinHttpCloseHandle(con);
    if (ses) WinHttpCloseHandle(ses);
    return err;
}

static BOOL load_jsproxy(void)
{
    if (!jsproxy && (jsproxy = LoadLibraryW(L"jsproxy.dll")))
    {
        p_init = (init_fn)(void *)GetProcAddress(jsproxy, "InternetInitializeAutoProxyDll");
        p_deinit = (deinit_fn)(void *)GetProcAddress(jsproxy, "InternetDeInitializeAutoProxyDll");
        p_getinfo = (getinfo_fn)(void *)GetProcAddress(jsproxy, "InternetGetProxyInfo");
    }
    return p_init && p_getinfo;
}

/* "PROXY a:1; PROXY b:2; DIRECT" -> "a:1;b:2" (up to the first DIRECT);
 * NULL when the first choice is DIRECT. */
static DWORD parse_pac_result(const char *s, WCHAR **result)
{
    WCHAR *list;
    size_t n = 0;
    const char *p = s;

    *result = NULL;
    if (!(list = GlobalAlloc(GMEM_FIXED, (strlen(s) + 1) * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    while (*p)
    {
        const char *word, *arg;
        size_t wlen, alen;
        while (*p == ' ' || *p == ';' || *p == '\t') p++;
        if (!*p) break;
        word = p;
        while (*p && *p != ' ' && *p != ';') p++;
        wlen = p - word;
        while (*p == ' ' || *p == '\t') p++;
        arg = p;
        while (*p && *p != ';' && *p != ' ') p++;
        alen = p - arg;
        if (wlen == 6 && !_strnicmp(word, "DIRECT", 6)) break;
        if (((wlen == 5 && !_strnicmp(word, "PROXY", 5)) || (wlen == 4 && !_strnicmp(word, "HTTP", 4))) && alen)
        {
            size_t i;
            if (n) list[n++] = ';';
            for (i = 0; i < alen; i++) list[n++] = (BYTE)arg[i];
        }
        /* SOCKS and others: not usable by WinHTTP, skipped */
    }
    list[n] = 0;
    if (!n) { GlobalFree(list); return ERROR_SUCCESS; }
    *result = list;
    return ERROR_SUCCESS;
}

DWORD pac_find_proxy(const WCHAR *script_url, const WCHAR *target_url, WCHAR **result)
{
    struct script_buffer sb;
    URL_COMPONENTS uc;
    WCHAR host[256];
    char *script = NULL, *urlA = NULL, *hostA = NULL, *answer = NULL;
    DWORD len = 0, err, alen = 0;

    *result = NULL;
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = host;
    uc.dwHostNameLength = ARRAYSIZE(host);
    if (!WinHttpCrackUrl(target_url, 0, 0, &uc)) return GetLastError();
    if ((err = download_script(script_url, &script, &len))) return err;
    if (!(urlA = strdupWA(target_url)) || !(hostA = strdupWA(host)))
    {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    AcquireSRWLockExclusive(&pac_lock);
    if (!load_jsproxy())
    {
        WARN("jsproxy.dll unavailable: cannot run PAC scripts\n");
        err = ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT;
    }
    else
    {
        sb.dwStructSize = sizeof(sb);
        sb.lpszScriptBuffer = script;
        sb.dwScriptBufferSize = len + 1;
        if (!p_init(0, NULL, NULL, NULL, &sb)) err = ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT;
        else
        {
            if (!p_getinfo(urlA, strlen(urlA), hostA, strlen(hostA), &answer, &alen) || !answer)
                err = ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT;
            if (p_deinit) p_deinit(NULL, 0);
        }
    }
    ReleaseSRWLockExclusive(&pac_lock);
    if (!err)
    {
        TRACE("FindProxyForURL(%s, %s) = %s\n", urlA, hostA, answer);
        err = parse_pac_result(answer, result);
    }
    if (answer) GlobalFree(answer);
done:
    heap_free(script);
    heap_free(urlA);
    heap_free(hostA);
    return err;
}

/* Checks of WINHTTP_AUTOPROXY_OPTIONS shared by the Url functions. */
static DWORD check_options(const WCHAR *url, const WINHTTP_AUTOPROXY_OPTIONS *o)
{
    if (!url || !url[0] || !o) return ERROR_INVALID_PARAMETER;
    if (!(o->dwFlags & (WINHTTP_AUTOPROXY_AUTO_DETECT | WINHTTP_AUTOPROXY_CONFIG_URL))) return ERROR_INVALID_PARAMETER;
    if ((o->dwFlags & WINHTTP_AUTOPROXY_AUTO_DETECT) && !o->dwAutoDetectFlags) return ERROR_INVALID_PARAMETER;
    if (o->dwAutoDetectFlags & ~(WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A)) return ERROR_INVALID_PARAMETER;
    if ((o->dwFlags & WINHTTP_AUTOPROXY_CONFIG_URL) && (!o->lpszAutoConfigUrl || !o->lpszAutoConfigUrl[0]))
        return ERROR_INVALID_PARAMETER;
    if (o->lpvReserved || o->dwReserved) return ERROR_INVALID_PARAMETER;
    return ERROR_SUCCESS;
}

/* What the options say for url: a proxy list or NULL (direct). */
static DWORD find_proxy(const WCHAR *url, const WINHTTP_AUTOPROXY_OPTIONS *o, WCHAR **list)
{
    URL_COMPONENTS uc;

    *list = NULL;
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = 1;
    if (!WinHttpCrackUrl(url, 0, 0, &uc)) return GetLastError();
    if (uc.nScheme != INTERNET_SCHEME_HTTP && uc.nScheme != INTERNET_SCHEME_HTTPS)
        return ERROR_WINHTTP_UNRECOGNIZED_SCHEME;
    if (!(o->dwFlags & WINHTTP_AUTOPROXY_CONFIG_URL))
    {
        /* WPAD (DHCP, DNS) is not attempted: it leaves the machine */
        return ERROR_WINHTTP_AUTODETECTION_FAILED;
    }
    return pac_find_proxy(o->lpszAutoConfigUrl, url, list);
}

BOOL WINAPI WinHttpGetProxyForUrl(HINTERNET hsession, LPCWSTR url, WINHTTP_AUTOPROXY_OPTIONS *options,
                                  WINHTTP_PROXY_INFO *info)
{
    struct object *obj;
    WCHAR *list = NULL;
    DWORD err;

    TRACE("%p, %s, %p, %p\n", hsession, dbg_w(url), options, info);
    if (!(obj = grab_object(hsession))) { set_error(ERROR_INVALID_HANDLE); return FALSE; }
    if (obj->type != WINHTTP_HANDLE_TYPE_SESSION) err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    else if (!info) err = ERROR_INVALID_PARAMETER;
    else err = check_options(url, options);
    release_object(obj);
    if (!err) err = find_proxy(url, options, &list);
    if (!err)
    {
        info->dwAccessType = list ? WINHTTP_ACCESS_TYPE_NAMED_PROXY : WINHTTP_ACCESS_TYPE_NO_PROXY;
        info->lpszProxy = list;
        info->lpszProxyBypass = NULL;
    }
    set_error(err);
    return !err;
}

BOOL WINAPI WinHttpDetectAutoProxyConfigUrl(DWORD flags, LPWSTR *url)
{
    TRACE("0x%08lx, %p\n", flags, url);
    if (!flags || !url || (flags & ~(WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A)))
    {
        set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    /* DHCP option 252 and DNS "wpad" lookups would leave the machine: not done */
    *url = NULL;
    set_error(ERROR_WINHTTP_AUTODETECTION_FAILED);
    return FALSE;
}

DWORD WINAPI WinHttpResetAutoProxy(HINTERNET hsession, DWORD flags)
{
    struct object *obj;
    DWORD err = ERROR_SUCCESS;

    TRACE("%p, 0x%08lx\n", hsession, flags);
    if (!(obj = grab_object(hsession))) return ERROR_INVALID_HANDLE;
    if (obj->type != WINHTTP_HANDLE_TYPE_SESSION) err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    else if (flags & ~(WINHTTP_RESET_ALL | WINHTTP_RESET_NOTIFY_NETWORK_CHANGED | WINHTTP_RESET_OUT_OF_PROC |
                       WINHTTP_RESET_DISCARD_RESOLVERS))
        err = ERROR_INVALID_PARAMETER;
    /* no auto-proxy state is kept between calls (scripts are fetched and
     * run anew each time), so there is nothing left to reset */
    release_object(obj);
    return err;
}

/* ---- resolvers ---- */

enum resolver_state { RESOLVER_IDLE, RESOLVER_RUNNING, RESOLVER_DONE };

struct resolver
{
    struct object hdr;
    enum resolver_state state;       /* under hdr.cs */
    DWORD error;                     /* of the last completed call */
    WCHAR *list;                     /* its answer (GlobalAlloc), NULL: direct */
};

struct resolver_task
{
    struct resolver *r;
    WCHAR *url;
    WINHTTP_AUTOPROXY_OPTIONS options;
    WCHAR *config_url;
};

static void resolver_destroy(struct object *obj)
{
    struct resolver *r = (struct resolver *)obj;
    GlobalFree(r->list);
    heap_free(r);
}

static const struct object_vtbl resolver_vtbl = { NULL, resolver_destroy, NULL, NULL };

DWORD WINAPI WinHttpCreateProxyResolver(HINTERNET hsession, HINTERNET *out)
{
    struct object *obj;
    struct resolver *r;
    DWORD err = ERROR_SUCCESS;
    HINTERNET h;

    TRACE("%p, %p\n", hsession, out);
    if (!(obj = grab_object(hsession))) return ERROR_INVALID_HANDLE;
    if (obj->type != WINHTTP_HANDLE_TYPE_SESSION || !is_async(obj)) err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    else if (!out) err = ERROR_INVALID_PARAMETER;
    else if (!(r = heap_alloc_zero(sizeof(*r)))) err = ERROR_NOT_ENOUGH_MEMORY;
    else
    {
        init_object(&r->hdr, WINHTTP_HANDLE_TYPE_RESOLVER_PRIVATE, &resolver_vtbl, obj);
        if ((h = alloc_handle(&r->hdr))) *out = h;
        else err = ERROR_NOT_ENOUGH_MEMORY;
        release_object(&r->hdr);
    }
    release_object(obj);
    return err;
}

static void resolver_run(void *ctx, ULONGLONG arg)
{
    struct resolver_task *t = ctx;
    struct resolver *r = t->r;
    WCHAR *list = NULL;
    DWORD err;

    (void)arg;
    err = find_proxy(t->url, &t->options, &list);
    EnterCriticalSection(&r->hdr.cs);
    GlobalFree(r->list);
    r->list = err ? NULL : list;
    r->error = err;
    r->state = RESOLVER_DONE;
    LeaveCriticalSection(&r->hdr.cs);
    if (err)
    {
        WINHTTP_ASYNC_RESULT res;
        GlobalFree(list);
        res.dwResult = API_GET_PROXY_FOR_URL;
        res.dwError = err;
        send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &res, sizeof(res));
    }
    else send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE, NULL, 0);
    heap_free(t->url);
    heap_free(t->config_url);
    heap_free(t);
    release_object(&r->hdr);
}

static struct resolver *grab_resolver(HINTERNET h, DWORD *err)
{
    struct object *obj = grab_object(h);
    *err = ERROR_SUCCESS;
    if (!obj) { *err = ERROR_INVALID_HANDLE; return NULL; }
    if (obj->type != WINHTTP_HANDLE_TYPE_RESOLVER_PRIVATE)
    {
        release_object(obj);
        *err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return NULL;
    }
    return (struct resolver *)obj;
}

DWORD WINAPI WinHttpGetProxyForUrlEx2(HINTERNET hresolver, PCWSTR url, WINHTTP_AUTOPROXY_OPTIONS *options,
                                      DWORD selection_len, BYTE *selection, DWORD_PTR context)
{
    struct resolver_task *t;
    struct resolver *r;
    DWORD err;

    TRACE("%p, %s, %p, %lu, %p, %Ix\n", hresolver, dbg_w(url), options, selection_len, selection, context);
    if (!(r = grab_resolver(hresolver, &err))) return err;
    if ((err = check_options(url, options)) || (selection_len && !selection))
    {
        release_object(&r->hdr);
        return err ? err : ERROR_INVALID_PARAMETER;
    }
    if (!(t = heap_alloc_zero(sizeof(*t))) || !(t->url = strdupW(url)) ||
        (options->lpszAutoConfigUrl && !(t->config_url = strdupW(options->lpszAutoConfigUrl))))
    {
        if (t) heap_free(t->url);
        heap_free(t);
        release_object(&r->hdr);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    t->options = *options;
    t->options.lpszAutoConfigUrl = t->config_url;
    t->r = r;  /* the task keeps our reference */
    EnterCriticalSection(&r->hdr.cs);
    if (r->state == RESOLVER_RUNNING) err = ERROR_INVALID_OPERATION;
    else
    {
        r->state = RESOLVER_RUNNING;
        r->hdr.context = context;
    }
    LeaveCriticalSection(&r->hdr.cs);
    if (!err && !queue_task(resolver_run, t, 0))
    {
        EnterCriticalSection(&r->hdr.cs);
        r->state = RESOLVER_IDLE;
        LeaveCriticalSection(&r->hdr.cs);
        err = ERROR_NOT_ENOUGH_MEMORY;
    }
    if (err)
    {
        heap_free(t->url);
        heap_free(t->config_url);
        heap_free(t);
        release_object(&r->hdr);
        return err;
    }
    return ERROR_IO_PENDING;
}

DWORD WINAPI WinHttpGetProxyForUrlEx(HINTERNET hresolver, PCWSTR url, WINHTTP_AUTOPROXY_OPTIONS *options, DWORD_PTR context)
{
    return WinHttpGetProxyForUrlEx2(hresolver, url, options, 0, NULL, context);
}

/* The entries of the last answer: one per proxy, or one "direct" entry. */
static DWORD make_entries(const WCHAR *list, WINHTTP_PROXY_RESULT_ENTRY **out, DWORD *count)
{
    WINHTTP_PROXY_RESULT_ENTRY *e;
    DWORD n = 1, i = 0;
    const WCHAR *p;

    *out = NULL;
    *count = 0;
    if (list) for (p = list; *p; p++) if (*p == ';') n++;
    if (!(e = GlobalAlloc(GMEM_FIXED | GMEM_ZEROINIT, n * sizeof(*e)))) return ERROR_NOT_ENOUGH_MEMORY;
    if (!list)
    {
        e[0].fProxy = FALSE;
        e[0].fBypass = TRUE;
        i = 1;
    }
    else
    {
        p = list;
        while (*p && i < n)
        {
            const WCHAR *start = p, *colon = NULL;
            size_t len;
            while (*p && *p != ';') { if (*p == ':') colon = p; p++; }
            len = (colon ? colon : p) - start;
            if (len && (e[i].pwszProxy = GlobalAlloc(GMEM_FIXED, (len + 1) * sizeof(WCHAR))))
            {
                memcpy(e[i].pwszProxy, start, len * sizeof(WCHAR));
                e[i].pwszProxy[len] = 0;
                e[i].fProxy = TRUE;
                e[i].ProxyScheme = INTERNET_SCHEME_HTTP;
                e[i].ProxyPort = colon ? (INTERNET_PORT)_wtoi(colon + 1) : INTERNET_DEFAULT_HTTP_PORT;
                i++;
            }
            if (*p) p++;
        }
    }
    *out = e;
    *count = i;
    return ERROR_SUCCESS;
}

static DWORD get_result(HINTERNET hresolver, WINHTTP_PROXY_RESULT_ENTRY **entries, DWORD *count, BOOL have_out)
{
    struct resolver *r;
    DWORD err;

    if (!(r = grab_resolver(hresolver, &err))) return err;
    if (!have_out) err = ERROR_INVALID_PARAMETER;
    else
    {
        EnterCriticalSection(&r->hdr.cs);
        if (r->state != RESOLVER_DONE) err = ERROR_INVALID_OPERATION;
        else if (r->error) err = r->error;
        else err = make_entries(r->list, entries, count);
        LeaveCriticalSection(&r->hdr.cs);
    }
    release_object(&r->hdr);
    return err;
}

DWORD WINAPI WinHttpGetProxyResult(HINTERNET hresolver, WINHTTP_PROXY_RESULT *result)
{
    WINHTTP_PROXY_RESULT_ENTRY *e = NULL;
    DWORD n = 0, err;

    TRACE("%p, %p\n", hresolver, result);
    if (!(err = get_result(hresolver, &e, &n, result != NULL)))
    {
        result->cEntries = n;
        result->pEntries = e;
    }
    return err;
}

DWORD WINAPI WinHttpGetProxyResultEx(HINTERNET hresolver, WINHTTP_PROXY_RESULT_EX *result)
{
    WINHTTP_PROXY_RESULT_ENTRY *e = NULL;
    DWORD n = 0, err;

    TRACE("%p, %p\n", hresolver, result);
    if (!(err = get_result(hresolver, &e, &n, result != NULL)))
    {
        result->cEntries = n;
        result->pEntries = e;
        result->hProxyDetectionHandle = NULL;
        result->dwProxyInterfaceAffinity = 0;
    }
    return err;
}

static void free_entries(WINHTTP_PROXY_RESULT_ENTRY *e, DWORD n)
{
    DWORD i;
    if (!e) return;
    for (i = 0; i < n; i++) GlobalFree(e[i].pwszProxy);
    GlobalFree(e);
}

VOID WINAPI WinHttpFreeProxyResult(WINHTTP_PROXY_RESULT *result)
{
    TRACE("%p\n", result);
    if (!result) return;
    free_entries(result->pEntries, result->cEntries);
    memset(result, 0, sizeof(*result));
}

VOID WINAPI WinHttpFreeProxyResultEx(WINHTTP_PROXY_RESULT_EX *result)
{
    TRACE("%p\n", result);
    if (!result) return;
    free_entries(result->pEntries, result->cEntries);
    memset(result, 0, sizeof(*result));
}
