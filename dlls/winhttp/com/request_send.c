/*
 * WinHttpRequest: Send (synchronous, or on a worker thread in asynchronous
 * mode), WaitForResponse, Abort and the response text's decoding.  Every
 * network step is our own public API: WinHttpOpenRequest, SendRequest,
 * ReceiveResponse, QueryDataAvailable, ReadData, QueryHeaders.
 */
#include "request_object.h"

#define HR_WIN(e) HRESULT_FROM_WIN32(e)

struct send_job
{
    struct winhttp_request *r;
    HINTERNET request;
    LONG generation;
    BYTE *body; DWORD body_len;
    BOOL creds[2];                  /* credentials for server / proxy present */
    HMODULE module;                 /* async: keeps the DLL loaded while the thread runs */
    IWinHttpRequestEvents *sink;    /* async: the advised sink, if any (a reference) */
};

/* the events, fired while this job is still the object's current Send */
static BOOL job_current(struct send_job *job)
{
    BOOL ret;
    EnterCriticalSection(&job->r->cs);
    ret = job->generation == job->r->generation;
    LeaveCriticalSection(&job->r->cs);
    return ret;
}

static void fire_start(struct send_job *job, DWORD status)
{
    WCHAR ct[256];
    DWORD size = sizeof(ct) - sizeof(WCHAR);
    BSTR s;

    if (!job->sink || !job_current(job)) return;
    if (!WinHttpQueryHeaders(job->request, WINHTTP_QUERY_CONTENT_TYPE, NULL, ct, &size, NULL)) size = 0;
    ct[size / sizeof(WCHAR)] = 0;
    s = SysAllocString(ct);
    IWinHttpRequestEvents_OnResponseStart(job->sink, status, s);
    SysFreeString(s);
}

static void fire_data(struct send_job *job, const BYTE *data, DWORD len)
{
    SAFEARRAY *sa;
    void *p;

    if (!job->sink || !len || !job_current(job)) return;
    if (!(sa = SafeArrayCreateVector(VT_UI1, 0, len))) return;
    if (SUCCEEDED(SafeArrayAccessData(sa, &p)))
    {
        memcpy(p, data, len);
        SafeArrayUnaccessData(sa);
        IWinHttpRequestEvents_OnResponseDataAvailable(job->sink, &sa);
    }
    SafeArrayDestroy(sa);
}

static void fire_end(struct send_job *job, HRESULT hr)
{
    WCHAR msg[512];
    BSTR s;

    if (!job->sink || !job_current(job)) return;
    if (SUCCEEDED(hr))
    {
        IWinHttpRequestEvents_OnResponseFinished(job->sink);
        return;
    }
    if (!FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, hr, 0, msg,
                        ARRAYSIZE(msg), NULL))
        msg[0] = 0;
    s = SysAllocString(msg);
    IWinHttpRequestEvents_OnError(job->sink, hr, s);
    SysFreeString(s);
}

/* VARIANT body -> bytes: BSTR as UTF-8, a byte array as is, nothing for empty */
static HRESULT body_bytes(VARIANT *in, BYTE **out, DWORD *len)
{
    VARIANT v, s;
    HRESULT hr = S_OK;
    void *data;
    int n;

    *out = NULL; *len = 0;
    VariantInit(&v);
    if (FAILED(hr = VariantCopyInd(&v, in))) return hr;
    switch (V_VT(&v))
    {
    case VT_EMPTY: case VT_ERROR: case VT_NULL:
        break;
    case VT_ARRAY | VT_UI1: case VT_ARRAY | VT_I1:
    {
        LONG lb, ub;
        if (SafeArrayGetDim(V_ARRAY(&v)) != 1) { hr = E_INVALIDARG; break; }
        SafeArrayGetLBound(V_ARRAY(&v), 1, &lb);
        SafeArrayGetUBound(V_ARRAY(&v), 1, &ub);
        if (ub < lb) break;
        if (FAILED(hr = SafeArrayAccessData(V_ARRAY(&v), &data))) break;
        *len = ub - lb + 1;
        if (!(*out = heap_alloc(*len))) hr = E_OUTOFMEMORY;
        else memcpy(*out, data, *len);
        SafeArrayUnaccessData(V_ARRAY(&v));
        break;
    }
    default:
        VariantInit(&s);
        if (FAILED(hr = VariantChangeType(&s, &v, 0, VT_BSTR))) break;
        n = WideCharToMultiByte(CP_UTF8, 0, V_BSTR(&s), SysStringLen(V_BSTR(&s)), NULL, 0, NULL, NULL);
        if (n > 0)
        {
            if (!(*out = heap_alloc(n))) hr = E_OUTOFMEMORY;
            else *len = WideCharToMultiByte(CP_UTF8, 0, V_BSTR(&s), SysStringLen(V_BSTR(&s)),
                                            (char *)*out, n, NULL, NULL);
        }
        VariantClear(&s);
        break;
    }
    VariantClear(&v);
    if (FAILED(hr)) { heap_free(*out); *out = NULL; *len = 0; }
    return hr;
}

static void set_dword(HINTERNET h, DWORD option, DWORD value)
{
    if (!WinHttpSetOption(h, option, &value, sizeof(value)))
        WARN("option %lu = %lu: error %lu\n", option, value, GetLastError());
}

/* the request handle for one Send, with the object's settings (cs held) */
static HINTERNET make_request(struct winhttp_request *r, DWORD *err)
{
    DWORD flags = (r->secure ? WINHTTP_FLAG_SECURE : 0) | (r->escape_percent ? WINHTTP_FLAG_ESCAPE_PERCENT : 0) |
                  (r->url_escape_disable ? WINHTTP_FLAG_ESCAPE_DISABLE : 0) |
                  (r->url_escape_disable_query ? WINHTTP_FLAG_ESCAPE_DISABLE_QUERY : 0);
    static const WCHAR *accept[] = { L"*/*", NULL };
    WINHTTP_PROXY_INFO proxy;
    HINTERNET h;
    DWORD autologon[] = { WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW, WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM,
                          WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH };

    if (!(h = WinHttpOpenRequest(r->connect, r->verb, r->path, r->enable_http11 ? NULL : L"HTTP/1.0",
                                 WINHTTP_NO_REFERER, accept, flags)))
    {
        *err = GetLastError();
        return NULL;
    }
    if (!WinHttpSetTimeouts(h, r->timeouts[0], r->timeouts[1], r->timeouts[2], r->timeouts[3]))
        WARN("timeouts: error %lu\n", GetLastError());
    if (!r->enable_redirects) set_dword(h, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_REDIRECTS);
    if (r->https_to_http_redirects) set_dword(h, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS);
    if (r->max_redirects) set_dword(h, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, r->max_redirects);
    if (r->ssl_ignore_flags) set_dword(h, WINHTTP_OPTION_SECURITY_FLAGS, r->ssl_ignore_flags);
    if (r->revocation_check) set_dword(h, WINHTTP_OPTION_ENABLE_FEATURE, WINHTTP_ENABLE_SSL_REVOCATION);
    set_dword(h, WINHTTP_OPTION_AUTOLOGON_POLICY, autologon[r->autologon]);
    if (r->proxy_setting != HTTPREQUEST_PROXYSETTING_DEFAULT)
    {
        proxy.dwAccessType = r->proxy_setting == HTTPREQUEST_PROXYSETTING_PROXY && r->proxy_server ?
                             WINHTTP_ACCESS_TYPE_NAMED_PROXY : WINHTTP_ACCESS_TYPE_NO_PROXY;
        proxy.lpszProxy = proxy.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY ? r->proxy_server : NULL;
        proxy.lpszProxyBypass = proxy.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY ? r->proxy_bypass : NULL;
        if (!WinHttpSetOption(h, WINHTTP_OPTION_PROXY, &proxy, sizeof(proxy)))
        {
            *err = GetLastError();
            WinHttpCloseHandle(h);
            return NULL;
        }
    }
    if (r->headers && *r->headers &&
        !WinHttpAddRequestHeaders(h, r->headers, (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE))
    {
        *err = GetLastError();
        WinHttpCloseHandle(h);
        return NULL;
    }
    return h;
}

/* after a 401/407: pick the strongest scheme offered that we can answer */
static BOOL set_credentials(struct send_job *job, DWORD status)
{
    static const DWORD order[] = { WINHTTP_AUTH_SCHEME_NEGOTIATE, WINHTTP_AUTH_SCHEME_NTLM,
                                   WINHTTP_AUTH_SCHEME_DIGEST, WINHTTP_AUTH_SCHEME_BASIC };
    struct winhttp_request *r = job->r;
    DWORD supported, first, target, i, idx = status == HTTP_STATUS_PROXY_AUTH_REQ;
    WCHAR *user = NULL, *pass = NULL;
    BOOL ok = FALSE;

    if (!job->creds[idx]) return FALSE;
    job->creds[idx] = FALSE;    /* one try per target, as a user would answer once */
    if (!WinHttpQueryAuthSchemes(job->request, &supported, &first, &target)) return FALSE;
    EnterCriticalSection(&r->cs);
    if (r->cred_user[idx]) { user = strdupW(r->cred_user[idx]); pass = strdupW(r->cred_pass[idx]); }
    LeaveCriticalSection(&r->cs);
    for (i = 0; i < ARRAYSIZE(order) && user && pass && !ok; i++)
        if (supported & order[i])
            ok = WinHttpSetCredentials(job->request, target, order[i], user, pass, NULL);
    heap_free(user);
    heap_free(pass);
    return ok;
}

/* the network part of Send, without the lock; returns S_OK or the error */
static HRESULT run_job(struct send_job *job)
{
    struct winhttp_request *r = job->r;
    BYTE *buf = NULL, *p;
    DWORD len = 0, cap = 0, avail, got, status = 0, size, err = 0;
    WCHAR *text = NULL;
    HRESULT hr;

    for (;;)
    {
        if (!WinHttpSendRequest(job->request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, job->body, job->body_len,
                                job->body_len, 0) ||
            !WinHttpReceiveResponse(job->request, NULL))
        { err = GetLastError(); break; }
        size = sizeof(status);
        if (!WinHttpQueryHeaders(job->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL,
                                 &status, &size, NULL))
        { err = GetLastError(); break; }
        if ((status == HTTP_STATUS_DENIED || status == HTTP_STATUS_PROXY_AUTH_REQ) && set_credentials(job, status))
            continue;
        fire_start(job, status);
        break;
    }
    while (!err)
    {
        if (!WinHttpQueryDataAvailable(job->request, &avail)) { err = GetLastError(); break; }
        if (!avail) break;
        if (len + avail > cap)
        {
            DWORD ncap = cap ? cap : 4096;
            while (ncap < len + avail) ncap *= 2;
            if (!(p = heap_realloc(buf, ncap))) { err = ERROR_NOT_ENOUGH_MEMORY; break; }
            buf = p; cap = ncap;
        }
        if (!WinHttpReadData(job->request, buf + len, avail, &got)) { err = GetLastError(); break; }
        if (!got) break;
        fire_data(job, buf + len, got);
        len += got;
    }
    if (!err)
    {
        size = 0;
        WinHttpQueryHeaders(job->request, WINHTTP_QUERY_STATUS_TEXT, NULL, NULL, &size, NULL);
        if ((text = heap_alloc(size + sizeof(WCHAR))))
        {
            if (!WinHttpQueryHeaders(job->request, WINHTTP_QUERY_STATUS_TEXT, NULL, text, &size, NULL)) size = 0;
            text[size / sizeof(WCHAR)] = 0;
        }
    }
    hr = err ? HR_WIN(err) : S_OK;

    EnterCriticalSection(&r->cs);
    if (job->generation == r->generation)
    {
        r->send_hr = hr;
        if (SUCCEEDED(hr))
        {
            r->status = status;
            heap_free(r->status_text); r->status_text = text; text = NULL;
            heap_free(r->resp); r->resp = buf; r->resp_len = len; buf = NULL;
            r->state = COMREQ_RESPONSE;
        }
        else r->state = COMREQ_FAILED;
    }
    LeaveCriticalSection(&r->cs);
    fire_end(job, hr);
    EnterCriticalSection(&r->cs);
    if (job->generation == r->generation && r->done_event) SetEvent(r->done_event);
    LeaveCriticalSection(&r->cs);
    TRACE("%p: status %lu, %lu bytes, hr %#lx\n", r, status, len, hr);
    heap_free(text);
    heap_free(buf);
    return hr;
}

static DWORD WINAPI send_thread(void *arg)
{
    struct send_job *job = arg;
    HMODULE module = job->module;

    run_job(job);
    if (job->sink) IWinHttpRequestEvents_Release(job->sink);
    IWinHttpRequest_Release(&job->r->IWinHttpRequest_iface);
    heap_free(job->body);
    heap_free(job);
    FreeLibraryAndExitThread(module, 0);
}

HRESULT request_send(struct winhttp_request *r, VARIANT body)
{
    struct send_job *job;
    HANDLE thread;
    DWORD err = 0;
    HRESULT hr;
    BOOL async;

    TRACE("%p, vt %u\n", r, V_VT(&body));
    if (!(job = heap_alloc_zero(sizeof(*job)))) return E_OUTOFMEMORY;
    if (FAILED(hr = body_bytes(&body, &job->body, &job->body_len))) { heap_free(job); return hr; }

    EnterCriticalSection(&r->cs);
    if (r->state == COMREQ_INIT) hr = HR_WIN(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN);
    else if (r->state == COMREQ_SENDING) hr = HR_WIN(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    else
    {
        request_abort_locked(r);    /* a Send after a response sends again */
        if (!(job->request = make_request(r, &err))) hr = HR_WIN(err);
        else
        {
            r->request = job->request;
            r->state = COMREQ_SENDING;
            job->r = r;
            job->generation = r->generation;
            job->creds[0] = r->cred_user[0] != NULL;
            job->creds[1] = r->cred_user[1] != NULL;
            if (r->async && !r->done_event && !(r->done_event = CreateEventW(NULL, TRUE, FALSE, NULL)))
                hr = HR_WIN(GetLastError());
            if (r->done_event) ResetEvent(r->done_event);
        }
    }
    async = r->async;
    if (SUCCEEDED(hr) && async)
    {
        if ((job->sink = r->sink)) IWinHttpRequestEvents_AddRef(job->sink);
        IWinHttpRequest_AddRef(&r->IWinHttpRequest_iface);
        GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (const WCHAR *)send_thread, &job->module);
        if (!(thread = CreateThread(NULL, 0, send_thread, job, 0, NULL)))
        {
            hr = HR_WIN(GetLastError());
            if (job->sink) { IWinHttpRequestEvents_Release(job->sink); job->sink = NULL; }
            FreeLibrary(job->module);
            IWinHttpRequest_Release(&r->IWinHttpRequest_iface);
            r->state = COMREQ_FAILED;
            r->send_hr = hr;
        }
        else
        {
            if (r->thread) CloseHandle(r->thread);
            r->thread = thread;
            job = NULL;
        }
    }
    if (FAILED(hr) && r->state == COMREQ_SENDING) r->state = COMREQ_FAILED;
    LeaveCriticalSection(&r->cs);

    if (SUCCEEDED(hr) && !async) hr = run_job(job);
    if (job) { heap_free(job->body); heap_free(job); }
    return hr;
}

HRESULT request_wait(struct winhttp_request *r, DWORD ms, VARIANT_BOOL *done)
{
    HANDLE event = NULL;
    HRESULT hr = S_OK;
    BOOL finished = TRUE;

    EnterCriticalSection(&r->cs);
    if (r->state == COMREQ_INIT) hr = HR_WIN(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN);
    else if (r->state == COMREQ_OPEN) hr = HR_WIN(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND);
    else if (r->state == COMREQ_SENDING) event = r->done_event;
    LeaveCriticalSection(&r->cs);
    if (FAILED(hr)) return hr;

    if (event && WaitForSingleObject(event, ms) == WAIT_TIMEOUT) finished = FALSE;
    EnterCriticalSection(&r->cs);
    if (finished && r->state == COMREQ_FAILED) hr = r->send_hr;
    else if (finished && r->state == COMREQ_SENDING) finished = FALSE;    /* aborted meanwhile */
    LeaveCriticalSection(&r->cs);
    if (done) *done = finished ? VARIANT_TRUE : VARIANT_FALSE;
    return hr;
}

/* drops the request handle and the response; a worker still running sees
 * the generation change and keeps its results to itself */
void request_abort_locked(struct winhttp_request *r)
{
    r->generation++;
    if (r->request) { WinHttpCloseHandle(r->request); r->request = NULL; }
    heap_free(r->resp); r->resp = NULL; r->resp_len = 0;
    heap_free(r->status_text); r->status_text = NULL;
    r->status = 0;
    if (r->state == COMREQ_SENDING || r->state == COMREQ_RESPONSE || r->state == COMREQ_FAILED) r->state = COMREQ_OPEN;
    if (r->done_event) SetEvent(r->done_event);
}

/* ---- ResponseText ---- */

static UINT codepage_of(const WCHAR *cs, size_t n)
{
    static const struct { const WCHAR *name; UINT cp; } names[] =
    {
        { L"utf-8", CP_UTF8 }, { L"utf8", CP_UTF8 }, { L"us-ascii", 20127 }, { L"ascii", 20127 },
        { L"iso-8859-1", 28591 }, { L"latin1", 28591 }, { L"utf-16", 1200 }, { L"utf-16le", 1200 },
        { L"utf-16be", 1201 }, { L"unicode", 1200 }, { L"shift_jis", 932 }, { L"euc-jp", 20932 },
        { L"gb2312", 936 }, { L"gbk", 936 }, { L"big5", 950 }, { L"koi8-r", 20866 }, { L"euc-kr", 51949 },
    };
    WCHAR name[32];
    unsigned int i, num;

    if (!n || n >= ARRAYSIZE(name)) return 0;
    memcpy(name, cs, n * sizeof(WCHAR));
    name[n] = 0;
    for (i = 0; i < ARRAYSIZE(names); i++)
        if (!_wcsicmp(name, names[i].name)) return names[i].cp;
    if (swscanf(name, L"windows-%u", &num) == 1 || swscanf(name, L"cp%u", &num) == 1) return num;
    if (swscanf(name, L"iso-8859-%u", &num) == 1 && num >= 2 && num <= 15) return 28590 + num;
    return 0;
}

/* the charset parameter of the response's Content-Type, 0 if none or unknown */
static UINT response_codepage(struct winhttp_request *r)
{
    WCHAR ct[256], *p, *end;
    DWORD size = sizeof(ct) - sizeof(WCHAR);

    if (!WinHttpQueryHeaders(r->request, WINHTTP_QUERY_CONTENT_TYPE, NULL, ct, &size, NULL)) return 0;
    ct[size / sizeof(WCHAR)] = 0;
    _wcslwr(ct);
    if (!(p = wcsstr(ct, L"charset="))) return 0;
    p += 8;
    if (*p == '"') p++;
    for (end = p; *end && *end != '"' && *end != ';' && *end != ' ' && *end != '\t'; end++) ;
    return codepage_of(p, end - p);
}

/* the body as text: a byte order mark wins, then the charset of the
 * Content-Type, else UTF-8 (what Microsoft documents for its other HTTP
 * request objects; not verified on Windows for this one) */
HRESULT request_decode_text(struct winhttp_request *r, BSTR *text)
{
    const BYTE *p = r->resp;
    DWORD len = r->resp_len, i;
    UINT cp;
    int n;
    BSTR s;

    if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) { cp = CP_UTF8; p += 3; len -= 3; }
    else if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) { cp = 1200; p += 2; len -= 2; }
    else if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) { cp = 1201; p += 2; len -= 2; }
    else if (!(cp = response_codepage(r))) cp = CP_UTF8;

    if (cp == 1200 || cp == 1201)
    {
        if (!(s = SysAllocStringLen(NULL, len / 2))) return E_OUTOFMEMORY;
        for (i = 0; i < len / 2; i++)
            s[i] = cp == 1200 ? (p[2 * i] | p[2 * i + 1] << 8) : (p[2 * i] << 8 | p[2 * i + 1]);
        *text = s;
        return S_OK;
    }
    n = len ? MultiByteToWideChar(cp, 0, (const char *)p, len, NULL, 0) : 0;
    if (len && !n)
    {
        WARN("code page %u unavailable (%lu), using UTF-8\n", cp, GetLastError());
        cp = CP_UTF8;
        n = MultiByteToWideChar(cp, 0, (const char *)p, len, NULL, 0);
    }
    if (!(s = SysAllocStringLen(NULL, n))) return E_OUTOFMEMORY;
    if (n) MultiByteToWideChar(cp, 0, (const char *)p, len, s, n);
    *text = s;
    return S_OK;
}
