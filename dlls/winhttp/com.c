/*
 * The COM entry points Windows' winhttp.dll exports: the class object of
 * WinHttpRequest (CLSID_WinHttpRequest, com/request_object.c) and
 * DllCanUnloadNow.  DllRegisterServer is in com/com_register.c.
 */
#include "com/request_object.h"
#include <initguid.h>
DEFINE_GUID(CLSID_WinHttpRequest, 0x2087c2f4, 0x2cef, 0x4953, 0xa8, 0xab, 0x66, 0x77, 0x9b, 0x67, 0x04, 0x95);
DEFINE_GUID(IID_IWinHttpRequest, 0x016fe2ec, 0xb2c8, 0x45f8, 0xb2, 0x3b, 0x39, 0xe5, 0x3a, 0x75, 0x39, 0x6b);
DEFINE_GUID(IID_IWinHttpRequestEvents, 0xf97f4e15, 0xb787, 0x4212, 0x80, 0xd1, 0xd3, 0x80, 0xcb, 0xbf, 0x98, 0x2e);
DEFINE_GUID(LIBID_WinHttp, 0x662901fc, 0x6951, 0x4854, 0x9e, 0xb2, 0xd9, 0xa2, 0x57, 0x0f, 0x2b, 0x2e);

static LONG objects;    /* request objects and class factory locks alive */

void com_object_created(void) { InterlockedIncrement(&objects); }
void com_object_destroyed(void) { InterlockedDecrement(&objects); }

static HRESULT WINAPI factory_QueryInterface(IClassFactory *iface, REFIID iid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualGUID(iid, &IID_IUnknown) || IsEqualGUID(iid, &IID_IClassFactory))
    {
        *obj = iface;
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

/* one static factory: its references do not count */
static ULONG WINAPI factory_AddRef(IClassFactory *iface) { return 2; }
static ULONG WINAPI factory_Release(IClassFactory *iface) { return 1; }

static HRESULT WINAPI factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID iid, void **obj)
{
    TRACE("%p, %p, %p\n", outer, iid, obj);
    if (!obj) return E_POINTER;
    *obj = NULL;
    if (outer) return CLASS_E_NOAGGREGATION;
    return winhttp_request_create(iid, obj);
}

static HRESULT WINAPI factory_LockServer(IClassFactory *iface, BOOL lock)
{
    if (lock) com_object_created();
    else com_object_destroyed();
    return S_OK;
}

static IClassFactoryVtbl factory_vtbl =
{
    factory_QueryInterface, factory_AddRef, factory_Release, factory_CreateInstance, factory_LockServer
};
static IClassFactory request_factory = { &factory_vtbl };

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID iid, void **obj)
{
    TRACE("%p, %p, %p\n", clsid, iid, obj);
    if (!obj) return E_POINTER;
    *obj = NULL;
    if (!clsid || !IsEqualGUID(clsid, &CLSID_WinHttpRequest)) return CLASS_E_CLASSNOTAVAILABLE;
    return IClassFactory_QueryInterface(&request_factory, iid, obj);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    return objects ? S_FALSE : S_OK;
}
