/*
 * WinHttpRequest's Option property: each WinHttpRequestOption mapped to a
 * setting of the object, applied to the WinHTTP handles at Open or Send.
 * Called with the object's lock held.
 */
#include "request_object.h"

#define HR_WIN(e) HRESULT_FROM_WIN32(e)

static HRESULT to_long(VARIANT *in, LONG *out)
{
    VARIANT v;
    HRESULT hr;
    VariantInit(&v);
    if (FAILED(hr = VariantChangeType(&v, in, 0, VT_I4))) return hr;
    *out = V_I4(&v);
    return S_OK;
}

static HRESULT to_bool(VARIANT *in, BOOL *out)
{
    VARIANT v;
    HRESULT hr;
    VariantInit(&v);
    if (FAILED(hr = VariantChangeType(&v, in, 0, VT_BOOL))) return hr;
    *out = V_BOOL(&v) != VARIANT_FALSE;
    return S_OK;
}

static void put_bool(VARIANT *v, BOOL b)
{
    V_VT(v) = VT_BOOL;
    V_BOOL(v) = b ? VARIANT_TRUE : VARIANT_FALSE;
}

static void put_long(VARIANT *v, LONG l)
{
    V_VT(v) = VT_I4;
    V_I4(v) = l;
}

static HRESULT put_string(VARIANT *v, const WCHAR *s)
{
    V_VT(v) = VT_BSTR;
    return (V_BSTR(v) = SysAllocString(s ? s : L"")) ? S_OK : E_OUTOFMEMORY;
}

/* a DWORD option of the session, for what we do not keep ourselves */
static DWORD session_dword(struct winhttp_request *r, DWORD option, DWORD fallback)
{
    DWORD value, size = sizeof(value);
    HINTERNET h = r->session ? r->session : WinHttpOpen(L"", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);

    if (!h || !WinHttpQueryOption(h, option, &value, &size)) value = fallback;
    if (h && h != r->session) WinHttpCloseHandle(h);
    return value;
}

HRESULT request_get_option(struct winhttp_request *r, WinHttpRequestOption opt, VARIANT *value)
{
    WCHAR *url;
    DWORD size;
    HRESULT hr;

    TRACE("%p, %d\n", r, opt);
    VariantInit(value);
    switch (opt)
    {
    case WinHttpRequestOption_UserAgentString:
        return put_string(value, r->user_agent ? r->user_agent :
                          L"Mozilla/4.0 (compatible; Win32; WinHttp.WinHttpRequest.5)");
    case WinHttpRequestOption_URL:
        /* after a Send: the final URL, redirects followed */
        if (r->request && (r->state == COMREQ_RESPONSE))
        {
            size = 0;
            WinHttpQueryOption(r->request, WINHTTP_OPTION_URL, NULL, &size);
            if (size && (url = heap_alloc(size + sizeof(WCHAR))))
            {
                if (WinHttpQueryOption(r->request, WINHTTP_OPTION_URL, url, &size))
                {
                    url[size / sizeof(WCHAR)] = 0;
                    hr = put_string(value, url);
                    heap_free(url);
                    return hr;
                }
                heap_free(url);
            }
        }
        return put_string(value, r->url);
    case WinHttpRequestOption_URLCodePage: put_long(value, r->url_codepage); return S_OK;
    case WinHttpRequestOption_EscapePercentInURL: put_bool(value, r->escape_percent); return S_OK;
    case WinHttpRequestOption_SslErrorIgnoreFlags: put_long(value, r->ssl_ignore_flags); return S_OK;
    case WinHttpRequestOption_EnableRedirects: put_bool(value, r->enable_redirects); return S_OK;
    case WinHttpRequestOption_UrlEscapeDisable: put_bool(value, r->url_escape_disable); return S_OK;
    case WinHttpRequestOption_UrlEscapeDisableQuery: put_bool(value, r->url_escape_disable_query); return S_OK;
    case WinHttpRequestOption_SecureProtocols:
        put_long(value, r->secure_protocols ? r->secure_protocols :
                 session_dword(r, WINHTTP_OPTION_SECURE_PROTOCOLS, 0));
        return S_OK;
    case WinHttpRequestOption_EnableTracing: put_bool(value, r->enable_tracing); return S_OK;
    case WinHttpRequestOption_RevertImpersonationOverSsl: put_bool(value, r->revert_impersonation); return S_OK;
    case WinHttpRequestOption_EnableHttpsToHttpRedirects: put_bool(value, r->https_to_http_redirects); return S_OK;
    case WinHttpRequestOption_EnablePassportAuthentication: put_bool(value, r->passport); return S_OK;
    case WinHttpRequestOption_MaxAutomaticRedirects:
        put_long(value, r->max_redirects ? r->max_redirects :
                 session_dword(r, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, 10));
        return S_OK;
    case WinHttpRequestOption_EnableHttp1_1: put_bool(value, r->enable_http11); return S_OK;
    case WinHttpRequestOption_EnableCertificateRevocationCheck: put_bool(value, r->revocation_check); return S_OK;
    case WinHttpRequestOption_SelectCertificate:        /* client certificates: not supported */
    case WinHttpRequestOption_MaxResponseHeaderSize:    /* no such limits in our WinHTTP */
    case WinHttpRequestOption_MaxResponseDrainSize:
        FIXME("option %d not supported\n", opt);
        return E_NOTIMPL;
    default:
        return E_INVALIDARG;
    }
}

HRESULT request_put_option(struct winhttp_request *r, WinHttpRequestOption opt, VARIANT value)
{
    VARIANT s;
    LONG l;
    BOOL b;
    HRESULT hr;

    TRACE("%p, %d, vt %u\n", r, opt, V_VT(&value));
    switch (opt)
    {
    case WinHttpRequestOption_UserAgentString:
        VariantInit(&s);
        if (FAILED(hr = VariantChangeType(&s, &value, 0, VT_BSTR))) return hr;
        heap_free(r->user_agent);
        r->user_agent = strdupW(V_BSTR(&s));
        VariantClear(&s);
        if (!r->user_agent) return E_OUTOFMEMORY;
        if (r->session && !WinHttpSetOption(r->session, WINHTTP_OPTION_USER_AGENT, r->user_agent,
                                            wcslen(r->user_agent)))
            return HR_WIN(GetLastError());
        return S_OK;
    case WinHttpRequestOption_URL:
        return E_INVALIDARG;    /* read-only: Open sets the URL */
    case WinHttpRequestOption_URLCodePage:
        if (V_VT(&value) == VT_BSTR)
        {
            /* a charset name; unknown names leave the code page as it is */
            if (V_BSTR(&value) && !_wcsicmp(V_BSTR(&value), L"utf-8")) r->url_codepage = CP_UTF8;
            return S_OK;
        }
        if (FAILED(hr = to_long(&value, &l))) return hr;
        r->url_codepage = l;
        return S_OK;
    case WinHttpRequestOption_SslErrorIgnoreFlags:
        if (FAILED(hr = to_long(&value, &l))) return hr;
        if (l & ~SslErrorFlag_Ignore_All) return E_INVALIDARG;
        r->ssl_ignore_flags = l;
        return S_OK;
    case WinHttpRequestOption_SecureProtocols:
        if (FAILED(hr = to_long(&value, &l))) return hr;
        if (!r->session) r->secure_protocols = l;
        else if (!WinHttpSetOption(r->session, WINHTTP_OPTION_SECURE_PROTOCOLS, &l, sizeof(l)))
            return HR_WIN(GetLastError());
        r->secure_protocols = l;
        return S_OK;
    case WinHttpRequestOption_MaxAutomaticRedirects:
        if (FAILED(hr = to_long(&value, &l))) return hr;
        if (l < 0) return E_INVALIDARG;
        r->max_redirects = l;
        return S_OK;
    case WinHttpRequestOption_EscapePercentInURL:
    case WinHttpRequestOption_EnableRedirects:
    case WinHttpRequestOption_UrlEscapeDisable:
    case WinHttpRequestOption_UrlEscapeDisableQuery:
    case WinHttpRequestOption_EnableTracing:
    case WinHttpRequestOption_RevertImpersonationOverSsl:
    case WinHttpRequestOption_EnableHttpsToHttpRedirects:
    case WinHttpRequestOption_EnablePassportAuthentication:
    case WinHttpRequestOption_EnableHttp1_1:
    case WinHttpRequestOption_EnableCertificateRevocationCheck:
        if (FAILED(hr = to_bool(&value, &b))) return hr;
        switch (opt)
        {
        case WinHttpRequestOption_EscapePercentInURL: r->escape_percent = b; break;
        case WinHttpRequestOption_EnableRedirects: r->enable_redirects = b; break;
        case WinHttpRequestOption_UrlEscapeDisable: r->url_escape_disable = b; break;
        case WinHttpRequestOption_UrlEscapeDisableQuery: r->url_escape_disable_query = b; break;
        case WinHttpRequestOption_EnableTracing: r->enable_tracing = b; break;
        case WinHttpRequestOption_RevertImpersonationOverSsl: r->revert_impersonation = b; break;
        case WinHttpRequestOption_EnableHttpsToHttpRedirects: r->https_to_http_redirects = b; break;
        case WinHttpRequestOption_EnablePassportAuthentication: r->passport = b; break;
        case WinHttpRequestOption_EnableHttp1_1: r->enable_http11 = b; break;
        default: r->revocation_check = b; break;
        }
        return S_OK;
    case WinHttpRequestOption_SelectCertificate:
    case WinHttpRequestOption_MaxResponseHeaderSize:
    case WinHttpRequestOption_MaxResponseDrainSize:
        FIXME("option %d not supported\n", opt);
        return E_NOTIMPL;
    default:
        return E_INVALIDARG;
    }
}
