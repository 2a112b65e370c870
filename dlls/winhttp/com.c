/*
 * The COM entry points Windows' winhttp.dll exports.  The WinHttpRequest
 * object (CLSID_WinHttpRequest) behind them is not built yet: the class
 * factory answers CLASS_E_CLASSNOTAVAILABLE, what COM documents for a class
 * the DLL does not provide, and there is nothing to register.
 */
#include "private.h"
#include <objbase.h>

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID iid, void **obj)
{
    TRACE("%p, %p, %p\n", clsid, iid, obj);
    if (!obj) return E_POINTER;
    *obj = NULL;
    FIXME("no COM classes yet (the WinHttpRequest object is not implemented)\n");
    return CLASS_E_CLASSNOTAVAILABLE;
}

/* Our pool and dispatcher threads pin the DLL once started; before that
 * nothing of ours is in use through COM either (no class objects exist). */
HRESULT WINAPI DllCanUnloadNow(void)
{
    return S_OK;
}

HRESULT WINAPI DllRegisterServer(void)
{
    FIXME("no COM classes to register (the WinHttpRequest object is not implemented)\n");
    return E_NOTIMPL;
}

HRESULT WINAPI DllUnregisterServer(void)
{
    FIXME("no COM classes to unregister (the WinHttpRequest object is not implemented)\n");
    return E_NOTIMPL;
}
