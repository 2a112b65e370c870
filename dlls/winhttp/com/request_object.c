/*
 * The WinHttpRequest COM object: IUnknown, IDispatch (through our type
 * library) and the IWinHttpRequest methods that do not send (Open, headers,
 * the response's properties, settings).  Send, WaitForResponse and Abort are
 * in request_send.c, Option in request_option.c.
 */
#include "request_object.h"

#define HR_WIN(e) HRESULT_FROM_WIN32(e)

static const WCHAR default_agent[] = L"Mozilla/4.0 (compatible; Win32; WinHttp.WinHttpRequest.5)";

static HRESULT WINAPI req_QueryInterface(IWinHttpRequest *iface, REFIID iid, void **obj)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);

    if (!obj) return E_POINTER;
    if (IsEqualGUID(iid, &IID_IUnknown) || IsEqualGUID(iid, &IID_IDispatch) ||
        IsEqualGUID(iid, &IID_IWinHttpRequest))
    {
        *obj = &r->IWinHttpRequest_iface;
        IWinHttpRequest_AddRef(iface);
        return S_OK;
    }
    if (request_query_events(r, iid, obj)) return S_OK;
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI req_AddRef(IWinHttpRequest *iface)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    return InterlockedIncrement(&r->refs);
}

static void free_settings(struct winhttp_request *r)
{
    int i;
    heap_free(r->proxy_server);
    heap_free(r->proxy_bypass);
    for (i = 0; i < 2; i++) { heap_free(r->cred_user[i]); heap_free(r->cred_pass[i]); }
    heap_free(r->user_agent);
}

static ULONG WINAPI req_Release(IWinHttpRequest *iface)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    LONG refs = InterlockedDecrement(&r->refs);

    if (!refs)
    {
        /* a running worker holds a reference: nothing is sending now */
        EnterCriticalSection(&r->cs);
        request_abort_locked(r);
        LeaveCriticalSection(&r->cs);
        if (r->session) WinHttpCloseHandle(r->session);
        if (r->done_event) CloseHandle(r->done_event);
        if (r->thread) CloseHandle(r->thread);
        free_settings(r);
        if (r->sink) IWinHttpRequestEvents_Release(r->sink);
        DeleteCriticalSection(&r->cs);
        heap_free(r);
        com_object_destroyed();
    }
    return refs;
}

static HRESULT WINAPI req_GetTypeInfoCount(IWinHttpRequest *iface, UINT *count)
{
    if (!count) return E_INVALIDARG;
    *count = 1;
    return S_OK;
}

static HRESULT WINAPI req_GetTypeInfo(IWinHttpRequest *iface, UINT index, LCID lcid, ITypeInfo **ti)
{
    HRESULT hr;
    if (!ti) return E_INVALIDARG;
    *ti = NULL;
    if (index) return DISP_E_BADINDEX;
    hr = com_get_typeinfo(&IID_IWinHttpRequest, ti);
    if (SUCCEEDED(hr)) ITypeInfo_AddRef(*ti);
    return hr;
}

static HRESULT WINAPI req_GetIDsOfNames(IWinHttpRequest *iface, REFIID iid, LPOLESTR *names, UINT count,
                                        LCID lcid, DISPID *ids)
{
    ITypeInfo *ti;
    HRESULT hr;

    if (!IsEqualGUID(iid, &IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    if (!names || !ids || !count) return E_INVALIDARG;
    if (FAILED(hr = com_get_typeinfo(&IID_IWinHttpRequest, &ti))) return hr;
    return ITypeInfo_GetIDsOfNames(ti, names, count, ids);
}

static HRESULT WINAPI req_Invoke(IWinHttpRequest *iface, DISPID id, REFIID iid, LCID lcid, WORD flags,
                                 DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    ITypeInfo *ti;
    HRESULT hr;

    if (!IsEqualGUID(iid, &IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    if (FAILED(hr = com_get_typeinfo(&IID_IWinHttpRequest, &ti))) return hr;
    /* a property put may come as METHOD|PROPERTYPUT (VBScript does this) */
    if ((flags & DISPATCH_PROPERTYPUT) && (flags & DISPATCH_METHOD)) flags = DISPATCH_PROPERTYPUT;
    return ITypeInfo_Invoke(ti, iface, id, flags, params, result, excep, arg_err);
}

/* "Name" must be a token: no separators, controls or spaces */
static BOOL valid_header_name(const WCHAR *s)
{
    if (!*s) return FALSE;
    for (; *s; s++)
        if (*s <= 32 || *s >= 127 || wcschr(L"()<>@,;:\\\"/[]?={}", *s)) return FALSE;
    return TRUE;
}

static void remove_header(struct winhttp_request *r, const WCHAR *name)
{
    size_t n = wcslen(name);
    WCHAR *p = r->headers;

    while (p && *p)
    {
        WCHAR *end = wcsstr(p, L"\r\n");
        WCHAR *next = end ? end + 2 : p + wcslen(p);
        if (!_wcsnicmp(p, name, n) && p[n] == ':')
            memmove(p, next, (wcslen(next) + 1) * sizeof(WCHAR));
        else
            p = next;
    }
}

static HRESULT WINAPI req_SetProxy(IWinHttpRequest *iface, HTTPREQUEST_PROXY_SETTING setting,
                                   VARIANT server, VARIANT bypass)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    WCHAR *s = NULL, *b = NULL;

    TRACE("%p, %ld\n", r, (long)setting);
    if (setting != HTTPREQUEST_PROXYSETTING_DEFAULT && setting != HTTPREQUEST_PROXYSETTING_DIRECT &&
        setting != HTTPREQUEST_PROXYSETTING_PROXY)
        return E_INVALIDARG;
    if (setting == HTTPREQUEST_PROXYSETTING_PROXY)
    {
        if (V_VT(&server) == VT_BSTR && V_BSTR(&server)) s = strdupW(V_BSTR(&server));
        if (V_VT(&bypass) == VT_BSTR && V_BSTR(&bypass)) b = strdupW(V_BSTR(&bypass));
    }
    EnterCriticalSection(&r->cs);
    heap_free(r->proxy_server); r->proxy_server = s;
    heap_free(r->proxy_bypass); r->proxy_bypass = b;
    r->proxy_setting = setting;
    LeaveCriticalSection(&r->cs);
    return S_OK;
}

static HRESULT WINAPI req_SetCredentials(IWinHttpRequest *iface, BSTR user, BSTR pass,
                                         HTTPREQUEST_SETCREDENTIALS_FLAGS flags)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    HRESULT hr = S_OK;

    TRACE("%p, %s, %ld\n", r, dbg_w(user), (long)flags);
    EnterCriticalSection(&r->cs);
    if (r->state == COMREQ_INIT) hr = HR_WIN(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN);
    else if (!user || !pass || (flags != HTTPREQUEST_SETCREDENTIALS_FOR_SERVER &&
                                flags != HTTPREQUEST_SETCREDENTIALS_FOR_PROXY))
        hr = E_INVALIDARG;
    else
    {
        heap_free(r->cred_user[flags]); r->cred_user[flags] = strdupW(user);
        heap_free(r->cred_pass[flags]); r->cred_pass[flags] = strdupW(pass);
    }
    LeaveCriticalSection(&r->cs);
    return hr;
}

/* Open: parses the URL, makes a session (first time) and a connect handle */
static HRESULT WINAPI req_Open(IWinHttpRequest *iface, BSTR method, BSTR url, VARIANT async)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    URL_COMPONENTS uc;
    HINTERNET connect;
    VARIANT v;
    BOOL is_async = FALSE;
    WCHAR *host = NULL, *path = NULL;
    HRESULT hr = S_OK;

    TRACE("%p, %s, %s\n", r, dbg_w(method), dbg_w(url));
    if (!method || !url) return E_INVALIDARG;
    if (V_VT(&async) != VT_ERROR && V_VT(&async) != VT_EMPTY)
    {
        VariantInit(&v);
        if (FAILED(hr = VariantChangeType(&v, &async, 0, VT_BOOL))) return hr;
        is_async = V_BOOL(&v) != VARIANT_FALSE;
    }
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = ~0u;
    if (!WinHttpCrackUrl(url, 0, 0, &uc)) return HR_WIN(GetLastError());
    if (!(host = strndupW(uc.lpszHostName, uc.dwHostNameLength))) return E_OUTOFMEMORY;
    if (!(path = heap_alloc((uc.dwUrlPathLength + uc.dwExtraInfoLength + 2) * sizeof(WCHAR))))
    {
        heap_free(host);
        return E_OUTOFMEMORY;
    }
    memcpy(path, uc.lpszUrlPath, uc.dwUrlPathLength * sizeof(WCHAR));
    memcpy(path + uc.dwUrlPathLength, uc.lpszExtraInfo, uc.dwExtraInfoLength * sizeof(WCHAR));
    path[uc.dwUrlPathLength + uc.dwExtraInfoLength] = 0;
    if (!path[0]) { path[0] = '/'; path[1] = 0; }

    EnterCriticalSection(&r->cs);
    request_abort_locked(r);
    if (r->connect) { WinHttpCloseHandle(r->connect); r->connect = NULL; }
    if (!r->session &&
        !(r->session = WinHttpOpen(r->user_agent ? r->user_agent : default_agent,
                                   WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, NULL, NULL, 0)))
        hr = HR_WIN(GetLastError());
    if (SUCCEEDED(hr) && r->secure_protocols &&
        !WinHttpSetOption(r->session, WINHTTP_OPTION_SECURE_PROTOCOLS, &r->secure_protocols, sizeof(DWORD)))
        hr = HR_WIN(GetLastError());
    if (SUCCEEDED(hr) && !(connect = WinHttpConnect(r->session, host, uc.nPort, 0)))
        hr = HR_WIN(GetLastError());
    if (SUCCEEDED(hr))
    {
        r->connect = connect;
        heap_free(r->verb); r->verb = strdupW(method);
        heap_free(r->url); r->url = strdupW(url);
        heap_free(r->path); r->path = path; path = NULL;
        heap_free(r->headers); r->headers = NULL;
        r->secure = uc.nScheme == INTERNET_SCHEME_HTTPS;
        r->async = is_async;
        r->state = COMREQ_OPEN;
    }
    LeaveCriticalSection(&r->cs);
    heap_free(host);
    heap_free(path);
    return hr;
}

static HRESULT WINAPI req_SetRequestHeader(IWinHttpRequest *iface, BSTR header, BSTR value)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    size_t old, add;
    WCHAR *p;
    HRESULT hr = S_OK;

    TRACE("%p, %s, %s\n", r, dbg_w(header), dbg_w(value));
    if (!header) return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    if (r->state == COMREQ_INIT) hr = HR_WIN(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN);
    else if (r->state != COMREQ_OPEN) hr = HR_WIN(ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND);
    else if (!valid_header_name(header) || (value && wcspbrk(value, L"\r\n"))) hr = E_INVALIDARG;
    else
    {
        remove_header(r, header);
        if (value && *value)
        {
            old = r->headers ? wcslen(r->headers) : 0;
            add = wcslen(header) + 2 + wcslen(value) + 2;
            if (!(p = heap_realloc(r->headers, (old + add + 1) * sizeof(WCHAR)))) hr = E_OUTOFMEMORY;
            else
            {
                swprintf(p + old, add + 1, L"%ls: %ls\r\n", header, value);
                r->headers = p;
            }
        }
    }
    LeaveCriticalSection(&r->cs);
    return hr;
}

/* the state a response property needs */
static HRESULT response_ready(struct winhttp_request *r)
{
    /* also before Open (Windows' answer, seen by Wine's tests) */
    if (r->state == COMREQ_RESPONSE) return S_OK;
    return HR_WIN(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND);
}

static HRESULT query_string(HINTERNET req, DWORD level, const WCHAR *name, BSTR *out)
{
    DWORD size = 0;
    BSTR s;

    WinHttpQueryHeaders(req, level, name, NULL, &size, NULL);
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) return HR_WIN(GetLastError());
    if (!(s = SysAllocStringLen(NULL, size / sizeof(WCHAR)))) return E_OUTOFMEMORY;
    if (!WinHttpQueryHeaders(req, level, name, s, &size, NULL))
    {
        DWORD err = GetLastError();
        SysFreeString(s);
        return HR_WIN(err);
    }
    /* the length without the terminator the first call counted */
    if (!SysReAllocStringLen(&s, s, size / sizeof(WCHAR)))
    {
        SysFreeString(s);
        return E_OUTOFMEMORY;
    }
    *out = s;
    return S_OK;
}

static HRESULT WINAPI req_GetResponseHeader(IWinHttpRequest *iface, BSTR header, BSTR *value)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    TRACE("%p, %s\n", r, dbg_w(header));
    EnterCriticalSection(&r->cs);
    if (SUCCEEDED(hr = response_ready(r)))
    {
        if (!header || !value) hr = E_INVALIDARG;
        else hr = query_string(r->request, WINHTTP_QUERY_CUSTOM, header, value);
    }
    LeaveCriticalSection(&r->cs);
    return hr;
}

static HRESULT WINAPI req_GetAllResponseHeaders(IWinHttpRequest *iface, BSTR *headers)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    BSTR raw = NULL, s;
    WCHAR *eol;
    HRESULT hr;

    TRACE("%p\n", r);
    if (!headers) return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    if (SUCCEEDED(hr = response_ready(r)) &&
        SUCCEEDED(hr = query_string(r->request, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, &raw)))
    {
        /* the header fields only: without the status line */
        eol = wcsstr(raw, L"\r\n");
        s = SysAllocString(eol ? eol + 2 : raw);
        SysFreeString(raw);
        if (!s) hr = E_OUTOFMEMORY;
        else *headers = s;
    }
    LeaveCriticalSection(&r->cs);
    return hr;
}

static HRESULT WINAPI req_Send(IWinHttpRequest *iface, VARIANT body)
{
    return request_send(impl_from_IWinHttpRequest(iface), body);
}

static HRESULT WINAPI req_get_Status(IWinHttpRequest *iface, LONG *status)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    if (!status) return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    if (SUCCEEDED(hr = response_ready(r))) *status = r->status;
    LeaveCriticalSection(&r->cs);
    return hr;
}

static HRESULT WINAPI req_get_StatusText(IWinHttpRequest *iface, BSTR *text)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    if (!text) return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    if (SUCCEEDED(hr = response_ready(r)) && !(*text = SysAllocString(r->status_text ? r->status_text : L"")))
        hr = E_OUTOFMEMORY;
    LeaveCriticalSection(&r->cs);
    return hr;
}

static HRESULT WINAPI req_get_ResponseText(IWinHttpRequest *iface, BSTR *text)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    if (!text) return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    if (SUCCEEDED(hr = response_ready(r))) hr = request_decode_text(r, text);
    LeaveCriticalSection(&r->cs);
    return hr;
}

static HRESULT WINAPI req_get_ResponseBody(IWinHttpRequest *iface, VARIANT *body)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    SAFEARRAY *sa;
    void *data;
    HRESULT hr;

    if (!body) return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    if (SUCCEEDED(hr = response_ready(r)))
    {
        if (!(sa = SafeArrayCreateVector(VT_UI1, 0, r->resp_len))) hr = E_OUTOFMEMORY;
        else if (SUCCEEDED(hr = SafeArrayAccessData(sa, &data)))
        {
            if (r->resp_len) memcpy(data, r->resp, r->resp_len);
            SafeArrayUnaccessData(sa);
            V_VT(body) = VT_ARRAY | VT_UI1;
            V_ARRAY(body) = sa;
        }
        else SafeArrayDestroy(sa);
    }
    LeaveCriticalSection(&r->cs);
    return hr;
}

/* a new IStream over a copy of the body, at position 0, for every call */
static HRESULT WINAPI req_get_ResponseStream(IWinHttpRequest *iface, VARIANT *body)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    IStream *stream;
    HGLOBAL mem;
    HRESULT hr;

    if (!body) return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    if (SUCCEEDED(hr = response_ready(r)))
    {
        if (!(mem = GlobalAlloc(GMEM_MOVEABLE, r->resp_len ? r->resp_len : 1))) hr = E_OUTOFMEMORY;
        else
        {
            if (r->resp_len) { memcpy(GlobalLock(mem), r->resp, r->resp_len); GlobalUnlock(mem); }
            if (FAILED(hr = CreateStreamOnHGlobal(mem, TRUE, &stream))) GlobalFree(mem);
            else
            {
                ULARGE_INTEGER size;
                size.QuadPart = r->resp_len;
                IStream_SetSize(stream, size);
                V_VT(body) = VT_UNKNOWN;
                V_UNKNOWN(body) = (IUnknown *)stream;
            }
        }
    }
    LeaveCriticalSection(&r->cs);
    return hr;
}

static HRESULT WINAPI req_get_Option(IWinHttpRequest *iface, WinHttpRequestOption opt, VARIANT *value)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    if (!value) return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    hr = request_get_option(r, opt, value);
    LeaveCriticalSection(&r->cs);
    return hr;
}

static HRESULT WINAPI req_put_Option(IWinHttpRequest *iface, WinHttpRequestOption opt, VARIANT value)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    EnterCriticalSection(&r->cs);
    hr = request_put_option(r, opt, value);
    LeaveCriticalSection(&r->cs);
    return hr;
}

static HRESULT WINAPI req_WaitForResponse(IWinHttpRequest *iface, VARIANT timeout, VARIANT_BOOL *done)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    DWORD ms = INFINITE;
    VARIANT v;
    HRESULT hr;

    if (V_VT(&timeout) != VT_ERROR && V_VT(&timeout) != VT_EMPTY)
    {
        VariantInit(&v);
        if (FAILED(hr = VariantChangeType(&v, &timeout, 0, VT_I4))) return hr;
        if (V_I4(&v) < -1) return E_INVALIDARG;
        if (V_I4(&v) != -1) ms = V_I4(&v) > (LONG)(MAXDWORD / 1000) - 1 ? MAXDWORD - 1 : (DWORD)V_I4(&v) * 1000;
    }
    return request_wait(r, ms, done);
}

static HRESULT WINAPI req_Abort(IWinHttpRequest *iface)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);

    TRACE("%p\n", r);
    EnterCriticalSection(&r->cs);
    request_abort_locked(r);
    if (r->connect) { WinHttpCloseHandle(r->connect); r->connect = NULL; }
    r->state = COMREQ_INIT;
    LeaveCriticalSection(&r->cs);
    return S_OK;
}

static HRESULT WINAPI req_SetTimeouts(IWinHttpRequest *iface, LONG resolve, LONG connect, LONG send, LONG receive)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    HRESULT hr = S_OK;

    TRACE("%p, %ld, %ld, %ld, %ld\n", r, (long)resolve, (long)connect, (long)send, (long)receive);
    if (resolve < -1 || connect < -1 || send < -1 || receive < -1) return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    r->timeouts[0] = resolve; r->timeouts[1] = connect; r->timeouts[2] = send; r->timeouts[3] = receive;
    if (r->session && !WinHttpSetTimeouts(r->session, resolve, connect, send, receive))
        hr = HR_WIN(GetLastError());
    LeaveCriticalSection(&r->cs);
    return hr;
}

/* Client certificates from a certificate store are not supported (yet):
 * the documented failure of the method, an error value, is E_NOTIMPL here. */
static HRESULT WINAPI req_SetClientCertificate(IWinHttpRequest *iface, BSTR cert)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);
    HRESULT hr;

    FIXME("%p, %s: client certificates are not supported\n", r, dbg_w(cert));
    EnterCriticalSection(&r->cs);
    if (r->state == COMREQ_INIT) hr = HR_WIN(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN);
    else if (!cert) hr = E_INVALIDARG;
    else hr = E_NOTIMPL;
    LeaveCriticalSection(&r->cs);
    return hr;
}

static HRESULT WINAPI req_SetAutoLogonPolicy(IWinHttpRequest *iface, WinHttpRequestAutoLogonPolicy policy)
{
    struct winhttp_request *r = impl_from_IWinHttpRequest(iface);

    TRACE("%p, %d\n", r, policy);
    if (policy != AutoLogonPolicy_Always && policy != AutoLogonPolicy_OnlyIfBypassProxy &&
        policy != AutoLogonPolicy_Never)
        return E_INVALIDARG;
    EnterCriticalSection(&r->cs);
    r->autologon = policy;
    LeaveCriticalSection(&r->cs);
    return S_OK;
}

static IWinHttpRequestVtbl request_vtbl =
{
    req_QueryInterface, req_AddRef, req_Release,
    req_GetTypeInfoCount, req_GetTypeInfo, req_GetIDsOfNames, req_Invoke,
    req_SetProxy, req_SetCredentials, req_Open, req_SetRequestHeader, req_GetResponseHeader,
    req_GetAllResponseHeaders, req_Send, req_get_Status, req_get_StatusText, req_get_ResponseText,
    req_get_ResponseBody, req_get_ResponseStream, req_get_Option, req_put_Option,
    req_WaitForResponse, req_Abort, req_SetTimeouts, req_SetClientCertificate, req_SetAutoLogonPolicy,
};

HRESULT winhttp_request_create(REFIID iid, void **obj)
{
    struct winhttp_request *r;
    HRESULT hr;

    if (!(r = heap_alloc_zero(sizeof(*r)))) return E_OUTOFMEMORY;
    r->IWinHttpRequest_iface.lpVtbl = &request_vtbl;
    request_events_init(r);
    r->refs = 1;
    InitializeCriticalSection(&r->cs);
    r->state = COMREQ_INIT;
    /* Windows' defaults (SetTimeouts documentation) */
    r->timeouts[0] = 0; r->timeouts[1] = 60000; r->timeouts[2] = 30000; r->timeouts[3] = 30000;
    r->url_codepage = CP_UTF8;
    r->enable_redirects = TRUE;
    r->enable_http11 = TRUE;
    r->autologon = AutoLogonPolicy_OnlyIfBypassProxy;
    com_object_created();
    hr = IWinHttpRequest_QueryInterface(&r->IWinHttpRequest_iface, iid, obj);
    IWinHttpRequest_Release(&r->IWinHttpRequest_iface);
    return hr;
}
