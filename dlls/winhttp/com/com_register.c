/*
 * DllRegisterServer / DllUnregisterServer: the WinHttpRequest class, its
 * ProgIDs and the WinHttp type library, as Windows registers them.
 */
#include "request_object.h"

#define CLSID_STR L"{2087C2F4-2CEF-4953-A8AB-66779B670495}"
#define PROGID    L"WinHttp.WinHttpRequest.5.1"
#define VI_PROGID L"WinHttp.WinHttpRequest"
#define CLASS_NAME L"WinHttpRequest component version 5.1"

static LSTATUS set_value(const WCHAR *key, const WCHAR *name, const WCHAR *value)
{
    HKEY k;
    LSTATUS ret = RegCreateKeyExW(HKEY_CLASSES_ROOT, key, 0, NULL, 0, KEY_WRITE, NULL, &k, NULL);
    if (ret) return ret;
    ret = RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)value, (wcslen(value) + 1) * sizeof(WCHAR));
    RegCloseKey(k);
    return ret;
}

HRESULT WINAPI DllRegisterServer(void)
{
    const WCHAR *path = com_module_path();
    ITypeLib *lib;
    LSTATUS ret = 0;
    HRESULT hr;

    TRACE("%s\n", dbg_w(path));
    if (!path[0]) return E_UNEXPECTED;
    if (!ret) ret = set_value(L"CLSID\\" CLSID_STR, NULL, CLASS_NAME);
    if (!ret) ret = set_value(L"CLSID\\" CLSID_STR L"\\InprocServer32", NULL, path);
    if (!ret) ret = set_value(L"CLSID\\" CLSID_STR L"\\InprocServer32", L"ThreadingModel", L"Both");
    if (!ret) ret = set_value(L"CLSID\\" CLSID_STR L"\\ProgID", NULL, PROGID);
    if (!ret) ret = set_value(L"CLSID\\" CLSID_STR L"\\VersionIndependentProgID", NULL, VI_PROGID);
    if (!ret) ret = set_value(L"CLSID\\" CLSID_STR L"\\TypeLib", NULL, L"{662901FC-6951-4854-9EB2-D9A2570F2B2E}");
    if (!ret) ret = set_value(L"CLSID\\" CLSID_STR L"\\Version", NULL, L"5.1");
    if (!ret) ret = set_value(PROGID, NULL, CLASS_NAME);
    if (!ret) ret = set_value(PROGID L"\\CLSID", NULL, CLSID_STR);
    if (!ret) ret = set_value(VI_PROGID, NULL, CLASS_NAME);
    if (!ret) ret = set_value(VI_PROGID L"\\CLSID", NULL, CLSID_STR);
    if (!ret) ret = set_value(VI_PROGID L"\\CurVer", NULL, PROGID);
    if (ret) return HRESULT_FROM_WIN32(ret);

    if (FAILED(hr = LoadTypeLibEx(path, REGKIND_NONE, &lib))) return hr;
    hr = RegisterTypeLib(lib, (OLECHAR *)path, NULL);
    ITypeLib_Release(lib);
    return hr;
}

HRESULT WINAPI DllUnregisterServer(void)
{
    static const WCHAR *keys[] = { L"CLSID\\" CLSID_STR, PROGID, VI_PROGID };
    LSTATUS ret;
    HRESULT hr;
    unsigned int i;

    TRACE("\n");
    for (i = 0; i < ARRAYSIZE(keys); i++)
    {
        ret = RegDeleteTreeW(HKEY_CLASSES_ROOT, keys[i]);
        if (ret && ret != ERROR_FILE_NOT_FOUND) return HRESULT_FROM_WIN32(ret);
        RegDeleteKeyW(HKEY_CLASSES_ROOT, keys[i]);
    }
    hr = UnRegisterTypeLib(&LIBID_WinHttp, 5, 1, LANG_NEUTRAL, sizeof(void *) == 8 ? SYS_WIN64 : SYS_WIN32);
    /* not registered is not an error here */
    if (hr == TYPE_E_REGISTRYACCESS || hr == TYPE_E_CANTLOADLIBRARY || hr == TYPE_E_LIBNOTREGISTERED) hr = S_OK;
    return hr;
}
