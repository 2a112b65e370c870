/*
 * The WinHttp type library, loaded from our own DLL's TYPELIB resource 1
 * (built by widl from httprequest.idl), for IDispatch on the request object.
 */
#include "request_object.h"

static ITypeLib *typelib;
static ITypeInfo *typeinfo_request;

HMODULE com_module(void)
{
    HMODULE module = NULL;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (const WCHAR *)com_module, &module);
    return module;
}

const WCHAR *com_module_path(void)
{
    static WCHAR path[MAX_PATH];
    if (!path[0] && !GetModuleFileNameW(com_module(), path, ARRAYSIZE(path))) path[0] = 0;
    return path;
}

/* the type info for guid, cached for the process (no reference added) */
HRESULT com_get_typeinfo(REFGUID guid, ITypeInfo **ti)
{
    ITypeLib *lib;
    ITypeInfo *info;
    HRESULT hr;

    if (!IsEqualGUID(guid, &IID_IWinHttpRequest)) return E_INVALIDARG;
    if (!typelib)
    {
        if (FAILED(hr = LoadTypeLibEx(com_module_path(), REGKIND_NONE, &lib)))
        {
            ERR("LoadTypeLibEx(%s) failed: %#lx\n", dbg_w(com_module_path()), hr);
            return hr;
        }
        if (InterlockedCompareExchangePointer((void **)&typelib, lib, NULL)) ITypeLib_Release(lib);
    }
    if (!typeinfo_request)
    {
        if (FAILED(hr = ITypeLib_GetTypeInfoOfGuid(typelib, guid, &info))) return hr;
        if (InterlockedCompareExchangePointer((void **)&typeinfo_request, info, NULL)) ITypeInfo_Release(info);
    }
    *ti = typeinfo_request;
    return S_OK;
}
