/*
 * Group com: the WinHttpRequest COM object through its vtable, against the
 * plain HTTP peer (Windows' behaviour from Microsoft's documentation and
 * Wine's tests, which ran on Windows).  com_dispatch.c does the same calls
 * through IDispatch, the type library and the registration.
 */
#include <initguid.h>
#include "com_test.h"

BSTR com_bstr(const WCHAR *s)
{
    static BSTR ring[64];
    static int next;
    BSTR b = SysAllocString(s);
    SysFreeString(ring[next]);
    ring[next] = b;
    next = (next + 1) % 64;
    return b;
}

BSTR com_url(const WCHAR *path)
{
    WCHAR url[512];
    swprintf(url, 512, L"http://%ls:%u%ls", peer_host(), peer_port("WS"), path);
    return com_bstr(url);
}

VARIANT com_var_missing(void) { VARIANT v; V_VT(&v) = VT_ERROR; V_ERROR(&v) = DISP_E_PARAMNOTFOUND; return v; }
VARIANT com_var_bool(BOOL b) { VARIANT v; V_VT(&v) = VT_BOOL; V_BOOL(&v) = b ? VARIANT_TRUE : VARIANT_FALSE; return v; }
VARIANT com_var_i4(LONG l) { VARIANT v; V_VT(&v) = VT_I4; V_I4(&v) = l; return v; }
VARIANT com_var_str(const WCHAR *s) { VARIANT v; V_VT(&v) = VT_BSTR; V_BSTR(&v) = com_bstr(s); return v; }

IWinHttpRequest *com_create(void)
{
    IWinHttpRequest *req = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_WinHttpRequest, NULL, CLSCTX_INPROC_SERVER, &IID_IWinHttpRequest,
                                  (void **)&req);
    ok(hr == S_OK && req, "CoCreateInstance(CLSID_WinHttpRequest): %#lx\n", hr);
    return SUCCEEDED(hr) ? req : NULL;
}

void com_text(IWinHttpRequest *req, char *buf, int size)
{
    BSTR text = NULL;
    buf[0] = 0;
    if (IWinHttpRequest_get_ResponseText(req, &text) == S_OK && text)
        WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, size, NULL, NULL);
    buf[size - 1] = 0;
    SysFreeString(text);
}

/* errors before Open and before Send, bad arguments */
static void test_states(void)
{
    IWinHttpRequest *req = com_create();
    BSTR text = NULL;
    VARIANT v;
    LONG status;
    HRESULT hr;

    if (!req) return;
    ok(IWinHttpRequest_get_Status(req, NULL) == E_INVALIDARG, "Status(NULL)\n");
    hr = IWinHttpRequest_get_Status(req, &status);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND), "Status before Open: %#lx\n", hr);
    hr = IWinHttpRequest_get_ResponseText(req, &text);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND), "ResponseText before Open: %#lx\n", hr);
    ok(IWinHttpRequest_get_ResponseText(req, NULL) == E_INVALIDARG, "ResponseText(NULL)\n");
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN), "Send before Open: %#lx\n", hr);
    hr = IWinHttpRequest_SetRequestHeader(req, com_bstr(L"X-A"), com_bstr(L"b"));
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN), "SetRequestHeader before Open: %#lx\n", hr);
    ok(IWinHttpRequest_SetRequestHeader(req, NULL, NULL) == E_INVALIDARG, "SetRequestHeader(NULL)\n");
    hr = IWinHttpRequest_SetCredentials(req, com_bstr(L"u"), com_bstr(L"p"), HTTPREQUEST_SETCREDENTIALS_FOR_SERVER);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN), "SetCredentials before Open: %#lx\n", hr);
    ok(IWinHttpRequest_SetAutoLogonPolicy(req, 0xdeadbeef) == E_INVALIDARG, "SetAutoLogonPolicy(bad)\n");
    ok(IWinHttpRequest_SetAutoLogonPolicy(req, AutoLogonPolicy_Never) == S_OK, "SetAutoLogonPolicy\n");
    ok(IWinHttpRequest_SetProxy(req, 0xdeadbeef, com_var_missing(), com_var_missing()) == E_INVALIDARG,
       "SetProxy(bad)\n");
    ok(IWinHttpRequest_SetProxy(req, HTTPREQUEST_PROXYSETTING_DIRECT, com_var_missing(), com_var_missing()) == S_OK,
       "SetProxy(DIRECT)\n");
    ok(IWinHttpRequest_SetTimeouts(req, 10000, 10000, 10000, 10000) == S_OK, "SetTimeouts\n");
    hr = IWinHttpRequest_WaitForResponse(req, com_var_missing(), NULL);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN), "WaitForResponse before Open: %#lx\n", hr);

    ok(IWinHttpRequest_Open(req, NULL, com_url(L"/"), com_var_missing()) == E_INVALIDARG, "Open(NULL method)\n");
    ok(IWinHttpRequest_Open(req, com_bstr(L"GET"), NULL, com_var_missing()) == E_INVALIDARG, "Open(NULL url)\n");
    hr = IWinHttpRequest_Open(req, com_bstr(L"GET"), com_bstr(L"test.example"), com_var_bool(FALSE));
    ok(hr == HRW(ERROR_WINHTTP_UNRECOGNIZED_SCHEME), "Open(no scheme): %#lx\n", hr);

    hr = IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/status/200"), com_var_bool(FALSE));
    ok(hr == S_OK, "Open: %#lx\n", hr);
    hr = IWinHttpRequest_get_Status(req, &status);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND), "Status before Send: %#lx\n", hr);
    hr = IWinHttpRequest_GetResponseHeader(req, com_bstr(L"X-Peer"), &text);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND), "GetResponseHeader before Send: %#lx\n", hr);
    ok(IWinHttpRequest_SetCredentials(req, NULL, com_bstr(L"p"), 0) == E_INVALIDARG, "SetCredentials(NULL user)\n");
    ok(IWinHttpRequest_SetCredentials(req, com_bstr(L"u"), com_bstr(L"p"), 7) == E_INVALIDARG, "SetCredentials(bad flags)\n");
    ok(IWinHttpRequest_SetRequestHeader(req, com_bstr(L"Bad Name"), com_bstr(L"x")) == E_INVALIDARG,
       "SetRequestHeader(name with a space)\n");
    hr = IWinHttpRequest_SetClientCertificate(req, com_bstr(L"CURRENT_USER\\MY\\nobody"));
    ok(hr != S_OK, "SetClientCertificate(not supported / not found) must fail: %#lx\n", hr);

    /* Abort goes back to before Open */
    ok(IWinHttpRequest_Abort(req) == S_OK, "Abort\n");
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN), "Send after Abort: %#lx\n", hr);
    ok(IWinHttpRequest_Abort(req) == S_OK, "Abort twice\n");

    VariantInit(&v);
    hr = IWinHttpRequest_get_Option(req, WinHttpRequestOption_URLCodePage, &v);
    ok(hr == S_OK && V_VT(&v) == VT_I4 && V_I4(&v) == CP_UTF8, "URLCodePage default: %#lx vt %u\n", hr, V_VT(&v));
    hr = IWinHttpRequest_get_Option(req, 12345, &v);
    ok(hr == E_INVALIDARG, "Option(12345): %#lx\n", hr);
    IWinHttpRequest_Release(req);
}

/* a POST with a BSTR body (sent as UTF-8) and a request header, to /echo-request */
static void test_post_text(void)
{
    IWinHttpRequest *req = com_create();
    char text[4096];
    BSTR s = NULL;
    LONG status = 0;
    HRESULT hr;

    if (!req) return;
    hr = IWinHttpRequest_Open(req, com_bstr(L"POST"), com_url(L"/echo-request?x=1"), com_var_bool(FALSE));
    ok(hr == S_OK, "Open: %#lx\n", hr);
    ok(IWinHttpRequest_SetRequestHeader(req, com_bstr(L"X-Com-Test"), com_bstr(L"first")) == S_OK, "SetRequestHeader\n");
    ok(IWinHttpRequest_SetRequestHeader(req, com_bstr(L"X-Com-Test"), com_bstr(L"second")) == S_OK, "SetRequestHeader again\n");
    ok(IWinHttpRequest_SetRequestHeader(req, com_bstr(L"X-Gone"), com_bstr(L"1")) == S_OK, "SetRequestHeader X-Gone\n");
    ok(IWinHttpRequest_SetRequestHeader(req, com_bstr(L"X-Gone"), com_bstr(L"")) == S_OK, "SetRequestHeader remove\n");
    hr = IWinHttpRequest_Send(req, com_var_str(L"caf\x00e9 \x20ac"));
    ok(hr == S_OK, "Send: %#lx\n", hr);
    if (hr != S_OK) { IWinHttpRequest_Release(req); return; }
    ok(IWinHttpRequest_get_Status(req, &status) == S_OK && status == 200, "Status %ld\n", status);
    ok(IWinHttpRequest_get_StatusText(req, &s) == S_OK && s && !wcscmp(s, L"OK"), "StatusText\n");
    SysFreeString(s);
    com_text(req, text, sizeof(text));
    trace("echo: %s\n", text);
    ok(strstr(text, "\"method\":\"POST\"") != NULL, "method: %s\n", text);
    ok(strstr(text, "\"url\":\"/echo-request?x=1\"") != NULL, "url: %s\n", text);
    ok(strstr(text, "\"x-com-test\":\"second\"") != NULL, "the header set last: %s\n", text);
    ok(!strstr(text, "x-gone"), "a header set to \"\" is not sent: %s\n", text);
    /* UTF-8 of "café €" as the peer shows it (each byte as a latin1 character) */
    ok(strstr(text, "\"body\":\"caf\xc3\x83\xc2\xa9 \xc3\xa2\xc2\x82\xc2\xac\"") != NULL, "body: %s\n", text);
    ok(strstr(text, "\"content-length\":\"9\"") != NULL, "Content-Length 9: %s\n", text);
    ok(strstr(text, "WinHttp.WinHttpRequest.5") != NULL, "default user agent: %s\n", text);

    hr = IWinHttpRequest_GetResponseHeader(req, com_bstr(L"Content-Type"), &s);
    ok(hr == S_OK && s && !wcscmp(s, L"application/json") && SysStringLen(s) == 16, "GetResponseHeader: %#lx %u\n",
       hr, s ? SysStringLen(s) : 0);
    SysFreeString(s);
    hr = IWinHttpRequest_GetResponseHeader(req, com_bstr(L"X-Missing"), &s);
    ok(hr == HRW(ERROR_WINHTTP_HEADER_NOT_FOUND), "missing header: %#lx\n", hr);
    ok(IWinHttpRequest_GetResponseHeader(req, com_bstr(L"Content-Type"), NULL) == E_INVALIDARG, "GetResponseHeader(NULL)\n");
    s = NULL;
    hr = IWinHttpRequest_GetAllResponseHeaders(req, &s);
    ok(hr == S_OK && s, "GetAllResponseHeaders: %#lx\n", hr);
    if (s)
    {
        ok(wcsncmp(s, L"HTTP/", 5) != 0, "no status line: %ls\n", s);
        ok(wcsstr(s, L"Content-Type: application/json\r\n") != NULL, "Content-Type in %ls\n", s);
        SysFreeString(s);
    }
    hr = IWinHttpRequest_SetRequestHeader(req, com_bstr(L"X-Late"), com_bstr(L"1"));
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND), "SetRequestHeader after Send: %#lx\n", hr);

    /* Send again: the same request once more */
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == S_OK, "second Send: %#lx\n", hr);
    com_text(req, text, sizeof(text));
    ok(strstr(text, "\"x-com-test\":\"second\"") && strstr(text, "\"body\":\"\""), "second send: %s\n", text);
    IWinHttpRequest_Release(req);
}

/* ResponseBody and ResponseStream; a byte array as the body */
static void test_binary(void)
{
    IWinHttpRequest *req = com_create();
    BYTE expect[1000], *data, got[1100];
    SAFEARRAY *sa;
    IStream *stream;
    VARIANT v, body;
    LONG ub = -1;
    ULONG n = 0;
    char text[2048];
    HRESULT hr;

    if (!req) return;
    fill_pattern(expect, sizeof(expect), FALSE);
    hr = IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/big?n=1000"), com_var_missing());
    ok(hr == S_OK, "Open: %#lx\n", hr);
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == S_OK, "Send: %#lx\n", hr);
    VariantInit(&v);
    hr = IWinHttpRequest_get_ResponseBody(req, &v);
    ok(hr == S_OK && V_VT(&v) == (VT_ARRAY | VT_UI1), "ResponseBody: %#lx vt %#x\n", hr, V_VT(&v));
    if (hr == S_OK && V_VT(&v) == (VT_ARRAY | VT_UI1))
    {
        SafeArrayGetUBound(V_ARRAY(&v), 1, &ub);
        ok(ub == 999, "ubound %ld\n", ub);
        if (ub == 999 && SafeArrayAccessData(V_ARRAY(&v), (void **)&data) == S_OK)
        {
            ok(!memcmp(data, expect, 1000), "body bytes\n");
            SafeArrayUnaccessData(V_ARRAY(&v));
        }
    }
    VariantClear(&v);
    hr = IWinHttpRequest_get_ResponseStream(req, &v);
    ok(hr == S_OK && V_VT(&v) == VT_UNKNOWN, "ResponseStream: %#lx vt %#x\n", hr, V_VT(&v));
    if (hr == S_OK && V_VT(&v) == VT_UNKNOWN &&
        IUnknown_QueryInterface(V_UNKNOWN(&v), &IID_IStream, (void **)&stream) == S_OK)
    {
        ok(IStream_Read(stream, got, sizeof(got), &n) == S_OK && n == 1000 && !memcmp(got, expect, 1000),
           "stream read %lu bytes\n", n);
        IStream_Release(stream);
    }
    VariantClear(&v);

    /* a SAFEARRAY of bytes goes out as is */
    sa = SafeArrayCreateVector(VT_UI1, 0, 3);
    SafeArrayAccessData(sa, (void **)&data);
    data[0] = 'a'; data[1] = 0; data[2] = 'z';
    SafeArrayUnaccessData(sa);
    V_VT(&body) = VT_ARRAY | VT_UI1;
    V_ARRAY(&body) = sa;
    hr = IWinHttpRequest_Open(req, com_bstr(L"PUT"), com_url(L"/echo-request"), com_var_bool(FALSE));
    ok(hr == S_OK, "Open: %#lx\n", hr);
    hr = IWinHttpRequest_Send(req, body);
    ok(hr == S_OK, "Send(byte array): %#lx\n", hr);
    com_text(req, text, sizeof(text));
    ok(strstr(text, "\"method\":\"PUT\"") && strstr(text, "\"body\":\"a\\u0000z\""), "echo: %s\n", text);
    VariantClear(&body);
    IWinHttpRequest_Release(req);
}

/* ResponseText: a byte order mark, the Content-Type's charset, else UTF-8 */
static void check_text(const WCHAR *path, const WCHAR *expect)
{
    IWinHttpRequest *req = com_create();
    BSTR s = NULL;
    HRESULT hr;

    if (!req) return;
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(path), com_var_missing());
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == S_OK, "Send %ls: %#lx\n", path, hr);
    hr = IWinHttpRequest_get_ResponseText(req, &s);
    ok(hr == S_OK && s && !wcscmp(s, expect), "%ls: got %ls\n", path, s ? s : L"(null)");
    SysFreeString(s);
    IWinHttpRequest_Release(req);
}

static void test_charsets(void)
{
    check_text(L"/typed?hex=636166c3a9", L"caf\x00e9");                               /* no type: UTF-8 */
    check_text(L"/typed?hex=636166c3a9&ct=text/plain", L"caf\x00e9");                 /* no charset: UTF-8 */
    check_text(L"/typed?hex=636166e9&ct=text/plain;%20charset=iso-8859-1", L"caf\x00e9");
    check_text(L"/typed?hex=636166e9&ct=text/html;%20charset=%22windows-1252%22", L"caf\x00e9");
    check_text(L"/typed?hex=fffe6300e900&ct=text/plain", L"c\x00e9");                /* UTF-16LE BOM */
    check_text(L"/typed?hex=efbbbf6869&ct=text/plain;%20charset=iso-8859-1", L"hi");  /* UTF-8 BOM wins */
}

/* statuses, redirects, errors */
static void test_errors(void)
{
    IWinHttpRequest *req = com_create();
    VARIANT v;
    LONG status = 0;
    char text[256];
    HRESULT hr;

    if (!req) return;
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/status/404"), com_var_bool(FALSE));
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == S_OK, "Send (404): %#lx\n", hr);
    ok(IWinHttpRequest_get_Status(req, &status) == S_OK && status == 404, "Status %ld\n", status);
    com_text(req, text, sizeof(text));
    ok(!strcmp(text, "status 404"), "text %s\n", text);

    /* redirects followed by default; Option URL is then the final URL */
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/redirect/302?to=/status/201"), com_var_bool(FALSE));
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == S_OK, "Send (redirect): %#lx\n", hr);
    ok(IWinHttpRequest_get_Status(req, &status) == S_OK && status == 201, "after the redirect: %ld\n", status);
    VariantInit(&v);
    hr = IWinHttpRequest_get_Option(req, WinHttpRequestOption_URL, &v);
    ok(hr == S_OK && V_VT(&v) == VT_BSTR && wcsstr(V_BSTR(&v), L"/status/201"), "URL %ls\n",
       V_VT(&v) == VT_BSTR ? V_BSTR(&v) : L"?");
    VariantClear(&v);
    /* ... and not with EnableRedirects = FALSE */
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/redirect/302?to=/status/201"), com_var_bool(FALSE));
    hr = IWinHttpRequest_put_Option(req, WinHttpRequestOption_EnableRedirects, com_var_bool(FALSE));
    ok(hr == S_OK, "EnableRedirects: %#lx\n", hr);
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == S_OK, "Send (no redirect): %#lx\n", hr);
    ok(IWinHttpRequest_get_Status(req, &status) == S_OK && status == 302, "redirect not followed: %ld\n", status);
    IWinHttpRequest_put_Option(req, WinHttpRequestOption_EnableRedirects, com_var_bool(TRUE));

    /* the user agent option reaches the server */
    hr = IWinHttpRequest_put_Option(req, WinHttpRequestOption_UserAgentString, com_var_str(L"com-test/1.0"));
    ok(hr == S_OK, "UserAgentString: %#lx\n", hr);
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/echo-request"), com_var_bool(FALSE));
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == S_OK, "Send: %#lx\n", hr);
    com_text(req, text, sizeof(text));
    ok(strstr(text, "\"user-agent\":\"com-test/1.0\"") != NULL, "user agent: %s\n", text);

    /* nothing listens on port 1 */
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_bstr(L"http://127.0.0.1:1/"), com_var_bool(FALSE));
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CONNECT), "Send to a closed port: %#lx\n", hr);
    hr = IWinHttpRequest_get_Status(req, &status);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND), "Status after a failed Send: %#lx\n", hr);

    /* the receive timeout (ms) from SetTimeouts */
    ok(IWinHttpRequest_SetTimeouts(req, 0, 5000, 5000, 500) == S_OK, "SetTimeouts\n");
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/drip?ms=10000"), com_var_bool(FALSE));
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == HRW(ERROR_WINHTTP_TIMEOUT), "Send with a 500 ms receive timeout: %#lx\n", hr);
    IWinHttpRequest_Release(req);
}

/* Open(..., async = TRUE): Send returns at once, WaitForResponse waits */
static void test_async(void)
{
    IWinHttpRequest *req = com_create();
    VARIANT_BOOL done = 0x1234;
    LONG status = 0;
    char text[64];
    HRESULT hr;

    if (!req) return;
    hr = IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/drip?ms=3000"), com_var_bool(TRUE));
    ok(hr == S_OK, "Open async: %#lx\n", hr);
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == S_OK, "Send: %#lx\n", hr);
    hr = IWinHttpRequest_WaitForResponse(req, com_var_i4(0), &done);
    ok(hr == S_OK && done == VARIANT_FALSE, "WaitForResponse(0) while the body drips: %#lx %d\n", hr, done);
    hr = IWinHttpRequest_get_Status(req, &status);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND), "Status while sending: %#lx\n", hr);
    hr = IWinHttpRequest_WaitForResponse(req, com_var_i4(60), &done);
    ok(hr == S_OK && done == VARIANT_TRUE, "WaitForResponse(60 s): %#lx %d\n", hr, done);
    ok(IWinHttpRequest_get_Status(req, &status) == S_OK && status == 200, "Status %ld\n", status);
    com_text(req, text, sizeof(text));
    ok(!strcmp(text, "0123456789"), "text %s\n", text);

    /* Abort while the worker waits for the body; the object stays usable */
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/drip?ms=20000"), com_var_bool(TRUE));
    ok(IWinHttpRequest_Send(req, com_var_missing()) == S_OK, "Send\n");
    ok(IWinHttpRequest_Abort(req) == S_OK, "Abort while sending\n");
    hr = IWinHttpRequest_get_Status(req, &status);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND), "Status after Abort: %#lx\n", hr);
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/status/200"), com_var_bool(TRUE));
    ok(IWinHttpRequest_Send(req, com_var_missing()) == S_OK, "Send after Abort\n");
    hr = IWinHttpRequest_WaitForResponse(req, com_var_missing(), &done);
    ok(hr == S_OK && done == VARIANT_TRUE, "WaitForResponse(): %#lx %d\n", hr, done);
    ok(IWinHttpRequest_get_Status(req, &status) == S_OK && status == 200, "Status %ld\n", status);

    /* released while a send is pending: no crash, nothing leaks into the next test */
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/drip?ms=500"), com_var_bool(TRUE));
    ok(IWinHttpRequest_Send(req, com_var_missing()) == S_OK, "Send\n");
    IWinHttpRequest_Release(req);
}

void test_com(void)
{
    IUnknown *unk = NULL;
    IDispatch *disp = NULL;
    CLSID clsid;
    HRESULT hr;

    /* a single-threaded apartment, as scripts use: the object is then used
     * directly whether the class is registered Apartment (Wine's own
     * registration in a new prefix) or Both (our DllRegisterServer) */
    hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    ok(hr == S_OK, "CoInitializeEx: %#lx\n", hr);
    hr = CLSIDFromProgID(L"WinHttp.WinHttpRequest.5.1", &clsid);
    ok(hr == S_OK && IsEqualGUID(&clsid, &CLSID_WinHttpRequest), "CLSIDFromProgID: %#lx\n", hr);
    hr = CoCreateInstance(&CLSID_WinHttpRequest, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unk);
    ok(hr == S_OK, "CoCreateInstance(IUnknown): %#lx\n", hr);
    if (hr != S_OK)
    {
        skip("no WinHttpRequest object: the other com tests cannot run\n");
        CoUninitialize();
        return;
    }
    hr = IUnknown_QueryInterface(unk, &IID_IDispatch, (void **)&disp);
    ok(hr == S_OK, "QueryInterface(IDispatch): %#lx\n", hr);
    if (disp) IDispatch_Release(disp);
    IUnknown_Release(unk);

    test_states();
    test_post_text();
    test_binary();
    test_charsets();
    test_errors();
    test_async();
    com_events_tests();
    com_dispatch_tests();
    com_register_tests();
    CoUninitialize();
}
