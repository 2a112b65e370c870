/*
 * Group com, part 2: the WinHttpRequest object through IDispatch (DISPIDs
 * from GetIDsOfNames, as script engines call it), its type library loaded
 * from winhttp.dll, and DllRegisterServer / DllUnregisterServer.
 */
#include "com_test.h"
#include <httprequestid.h>

static HRESULT invoke(IDispatch *disp, DISPID id, WORD flags, VARIANT *args, UINT nargs, VARIANT *result)
{
    DISPID named = DISPID_PROPERTYPUT;
    DISPPARAMS params = { args, NULL, nargs, 0 };
    EXCEPINFO ei;
    UINT err = 0;

    if (flags & DISPATCH_PROPERTYPUT) { params.rgdispidNamedArgs = &named; params.cNamedArgs = 1; }
    memset(&ei, 0, sizeof(ei));
    if (result) VariantInit(result);
    return IDispatch_Invoke(disp, id, &IID_NULL, LOCALE_USER_DEFAULT, flags, &params, result, &ei, &err);
}

static void test_names(IDispatch *disp)
{
    static const struct { const WCHAR *name; DISPID id; } names[] =
    {
        { L"Open", DISPID_HTTPREQUEST_OPEN }, { L"SetRequestHeader", DISPID_HTTPREQUEST_SETREQUESTHEADER },
        { L"GetResponseHeader", DISPID_HTTPREQUEST_GETRESPONSEHEADER },
        { L"GetAllResponseHeaders", DISPID_HTTPREQUEST_GETALLRESPONSEHEADERS },
        { L"Send", DISPID_HTTPREQUEST_SEND }, { L"Option", DISPID_HTTPREQUEST_OPTION },
        { L"Status", DISPID_HTTPREQUEST_STATUS }, { L"StatusText", DISPID_HTTPREQUEST_STATUSTEXT },
        { L"ResponseText", DISPID_HTTPREQUEST_RESPONSETEXT }, { L"ResponseBody", DISPID_HTTPREQUEST_RESPONSEBODY },
        { L"ResponseStream", DISPID_HTTPREQUEST_RESPONSESTREAM }, { L"Abort", DISPID_HTTPREQUEST_ABORT },
        { L"SetProxy", DISPID_HTTPREQUEST_SETPROXY }, { L"SetCredentials", DISPID_HTTPREQUEST_SETCREDENTIALS },
        { L"WaitForResponse", DISPID_HTTPREQUEST_WAITFORRESPONSE }, { L"SetTimeouts", DISPID_HTTPREQUEST_SETTIMEOUTS },
        { L"SetClientCertificate", DISPID_HTTPREQUEST_SETCLIENTCERTIFICATE },
        { L"SetAutoLogonPolicy", DISPID_HTTPREQUEST_SETAUTOLOGONPOLICY },
        { L"sEnD", DISPID_HTTPREQUEST_SEND },    /* names are case-insensitive */
    };
    WCHAR *name;
    DISPID id;
    unsigned int i;
    HRESULT hr;

    for (i = 0; i < ARRAYSIZE(names); i++)
    {
        name = (WCHAR *)names[i].name;
        id = -1;
        hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
        ok(hr == S_OK && id == names[i].id, "GetIDsOfNames(%ls): %#lx, %ld\n", names[i].name, hr, id);
    }
    name = (WCHAR *)L"NoSuchMethod";
    hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
    ok(hr == DISP_E_UNKNOWNNAME, "unknown name: %#lx\n", hr);
}

static DISPID id_of(IDispatch *disp, const WCHAR *s)
{
    WCHAR *name = (WCHAR *)s;
    DISPID id = -1;
    IDispatch_GetIDsOfNames(disp, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
    return id;
}

static void test_invoke(IDispatch *disp)
{
    VARIANT args[3], res;
    UINT count = 0;
    ITypeInfo *ti = NULL;
    TYPEATTR *attr;
    char text[2048];
    HRESULT hr;

    ok(IDispatch_GetTypeInfoCount(disp, &count) == S_OK && count == 1, "GetTypeInfoCount %u\n", count);
    hr = IDispatch_GetTypeInfo(disp, 0, LOCALE_USER_DEFAULT, &ti);
    ok(hr == S_OK && ti, "GetTypeInfo: %#lx\n", hr);
    if (ti && ITypeInfo_GetTypeAttr(ti, &attr) == S_OK)
    {
        ok(IsEqualGUID(&attr->guid, &IID_IWinHttpRequest), "type info of IWinHttpRequest\n");
        ITypeInfo_ReleaseTypeAttr(ti, attr);
    }
    if (ti) ITypeInfo_Release(ti);

    /* arguments go right to left */
    args[2] = com_var_str(L"POST");
    args[1] = com_var_str(com_url(L"/echo-request"));
    args[0] = com_var_bool(FALSE);
    hr = invoke(disp, id_of(disp, L"Open"), DISPATCH_METHOD, args, 3, NULL);
    ok(hr == S_OK, "Invoke(Open): %#lx\n", hr);
    args[1] = com_var_str(L"X-Dispatch");
    args[0] = com_var_str(L"yes");
    hr = invoke(disp, id_of(disp, L"SetRequestHeader"), DISPATCH_METHOD, args, 2, NULL);
    ok(hr == S_OK, "Invoke(SetRequestHeader): %#lx\n", hr);
    args[0] = com_var_str(L"via invoke");
    hr = invoke(disp, id_of(disp, L"Send"), DISPATCH_METHOD, args, 1, NULL);
    ok(hr == S_OK, "Invoke(Send): %#lx\n", hr);

    hr = invoke(disp, id_of(disp, L"Status"), DISPATCH_PROPERTYGET, NULL, 0, &res);
    ok(hr == S_OK && V_VT(&res) == VT_I4 && V_I4(&res) == 200, "Invoke(Status): %#lx vt %u\n", hr, V_VT(&res));
    hr = invoke(disp, id_of(disp, L"ResponseText"), DISPATCH_PROPERTYGET, NULL, 0, &res);
    ok(hr == S_OK && V_VT(&res) == VT_BSTR, "Invoke(ResponseText): %#lx vt %u\n", hr, V_VT(&res));
    text[0] = 0;
    if (V_VT(&res) == VT_BSTR) WideCharToMultiByte(CP_UTF8, 0, V_BSTR(&res), -1, text, sizeof(text), NULL, NULL);
    text[sizeof(text) - 1] = 0;
    ok(strstr(text, "\"x-dispatch\":\"yes\"") && strstr(text, "\"body\":\"via invoke\""), "text %s\n", text);
    VariantClear(&res);

    args[0] = com_var_str(L"Content-Type");
    hr = invoke(disp, id_of(disp, L"GetResponseHeader"), DISPATCH_METHOD, args, 1, &res);
    ok(hr == S_OK && V_VT(&res) == VT_BSTR && !wcscmp(V_BSTR(&res), L"application/json"),
       "Invoke(GetResponseHeader): %#lx\n", hr);
    VariantClear(&res);

    /* Option: a property with an argument */
    args[0] = com_var_i4(WinHttpRequestOption_URLCodePage);
    hr = invoke(disp, DISPID_HTTPREQUEST_OPTION, DISPATCH_PROPERTYGET, args, 1, &res);
    ok(hr == S_OK && V_VT(&res) == VT_I4 && V_I4(&res) == CP_UTF8, "Invoke(get Option): %#lx\n", hr);
    args[1] = com_var_i4(WinHttpRequestOption_UserAgentString);
    args[0] = com_var_str(L"dispatch-agent");
    hr = invoke(disp, DISPID_HTTPREQUEST_OPTION, DISPATCH_PROPERTYPUT, args, 2, NULL);
    ok(hr == S_OK, "Invoke(put Option): %#lx\n", hr);
    args[0] = com_var_i4(WinHttpRequestOption_UserAgentString);
    hr = invoke(disp, DISPID_HTTPREQUEST_OPTION, DISPATCH_PROPERTYGET, args, 1, &res);
    ok(hr == S_OK && V_VT(&res) == VT_BSTR && !wcscmp(V_BSTR(&res), L"dispatch-agent"), "agent back: %#lx\n", hr);
    VariantClear(&res);

    /* an error HRESULT comes back through Invoke */
    hr = invoke(disp, id_of(disp, L"Abort"), DISPATCH_METHOD, NULL, 0, NULL);
    ok(hr == S_OK, "Invoke(Abort): %#lx\n", hr);
    hr = invoke(disp, id_of(disp, L"Send"), DISPATCH_METHOD, NULL, 0, NULL);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN) || hr == DISP_E_EXCEPTION,
       "Invoke(Send) before Open: %#lx\n", hr);
}

/* the type library inside winhttp.dll */
static void test_typelib(void)
{
    ITypeLib *lib = NULL;
    ITypeInfo *ti = NULL;
    TLIBATTR *la;
    HRESULT hr;

    hr = LoadTypeLibEx(L"winhttp.dll", REGKIND_NONE, &lib);
    ok(hr == S_OK && lib, "LoadTypeLibEx(winhttp.dll): %#lx\n", hr);
    if (!lib) return;
    if (ITypeLib_GetLibAttr(lib, &la) == S_OK)
    {
        ok(IsEqualGUID(&la->guid, &LIBID_WinHttp) && la->wMajorVerNum == 5 && la->wMinorVerNum == 1,
           "library WinHttp 5.1: %u.%u\n", la->wMajorVerNum, la->wMinorVerNum);
        ITypeLib_ReleaseTLibAttr(lib, la);
    }
    hr = ITypeLib_GetTypeInfoOfGuid(lib, &CLSID_WinHttpRequest, &ti);
    ok(hr == S_OK, "coclass WinHttpRequest: %#lx\n", hr);
    if (ti) ITypeInfo_Release(ti);
    hr = ITypeLib_GetTypeInfoOfGuid(lib, &IID_IWinHttpRequestEvents, &ti);
    ok(hr == S_OK, "IWinHttpRequestEvents: %#lx\n", hr);
    if (ti) ITypeInfo_Release(ti);
    ITypeLib_Release(lib);
}

void com_dispatch_tests(void)
{
    IDispatch *disp = NULL;
    HRESULT hr;

    hr = CoCreateInstance(&CLSID_WinHttpRequest, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&disp);
    ok(hr == S_OK, "CoCreateInstance(IDispatch): %#lx\n", hr);
    if (disp)
    {
        test_names(disp);
        test_invoke(disp);
        IDispatch_Release(disp);
    }
    test_typelib();
}

static BOOL key_value(const WCHAR *key, const WCHAR *name, WCHAR *out, DWORD size)
{
    HKEY k;
    DWORD type;
    LSTATUS ret;
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, key, 0, KEY_READ, &k)) return FALSE;
    ret = RegQueryValueExW(k, name, NULL, &type, (BYTE *)out, &size);
    RegCloseKey(k);
    return !ret && type == REG_SZ;
}

/* unregister, check, register again (the prefix ends as it was: registered) */
void com_register_tests(void)
{
    HMODULE mod = LoadLibraryW(L"winhttp.dll");
    HRESULT (WINAPI *reg)(void), (WINAPI *unreg)(void);
    WCHAR buf[MAX_PATH];
    CLSID clsid;
    HRESULT hr;

    reg = (void *)GetProcAddress(mod, "DllRegisterServer");
    unreg = (void *)GetProcAddress(mod, "DllUnregisterServer");
    ok(reg && unreg, "DllRegisterServer/DllUnregisterServer exported\n");
    if (!reg || !unreg) return;
    hr = unreg();
    ok(hr == S_OK, "DllUnregisterServer: %#lx\n", hr);
    hr = CLSIDFromProgID(L"WinHttp.WinHttpRequest.5.1", &clsid);
    ok(hr == CO_E_CLASSSTRING, "ProgID after DllUnregisterServer: %#lx\n", hr);
    hr = reg();
    ok(hr == S_OK, "DllRegisterServer: %#lx\n", hr);
    hr = CLSIDFromProgID(L"WinHttp.WinHttpRequest.5.1", &clsid);
    ok(hr == S_OK && IsEqualGUID(&clsid, &CLSID_WinHttpRequest), "ProgID registered: %#lx\n", hr);
    ok(key_value(L"CLSID\\{2087C2F4-2CEF-4953-A8AB-66779B670495}\\InprocServer32", L"ThreadingModel", buf,
                 sizeof(buf)) && !wcscmp(buf, L"Both"), "ThreadingModel Both\n");
    ok(key_value(L"CLSID\\{2087C2F4-2CEF-4953-A8AB-66779B670495}\\InprocServer32", NULL, buf, sizeof(buf)) &&
       wcsstr(_wcslwr(buf), L"winhttp.dll"), "InprocServer32 is winhttp.dll: %ls\n", buf);
    ok(key_value(L"WinHttp.WinHttpRequest\\CurVer", NULL, buf, sizeof(buf)) &&
       !wcscmp(buf, L"WinHttp.WinHttpRequest.5.1"), "version-independent ProgID\n");
    ok(key_value(L"TypeLib\\{662901FC-6951-4854-9EB2-D9A2570F2B2E}\\5.1\\0\\win64", NULL, buf, sizeof(buf)) &&
       wcsstr(_wcslwr(buf), L"winhttp.dll"), "type library registered: %ls\n", buf);
    FreeLibrary(mod);
}
