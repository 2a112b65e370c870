/*
 * WinHttpRequest's events: IConnectionPointContainer with one connection
 * point for IWinHttpRequestEvents, holding one sink at a time (a second
 * Advise is CONNECT_E_ADVISELIMIT).  request_send.c fires the events in
 * asynchronous mode, on its worker thread, directly on the sink (no
 * marshalling to the caller's apartment).
 */
#include "request_object.h"

#define SINK_COOKIE 1

static struct winhttp_request *impl_from_cpc(IConnectionPointContainer *iface)
{
    return CONTAINING_RECORD(iface, struct winhttp_request, IConnectionPointContainer_iface);
}

static struct winhttp_request *impl_from_cp(IConnectionPoint *iface)
{
    return CONTAINING_RECORD(iface, struct winhttp_request, IConnectionPoint_iface);
}

static HRESULT WINAPI cpc_QueryInterface(IConnectionPointContainer *iface, REFIID iid, void **obj)
{
    return IWinHttpRequest_QueryInterface(&impl_from_cpc(iface)->IWinHttpRequest_iface, iid, obj);
}

static ULONG WINAPI cpc_AddRef(IConnectionPointContainer *iface)
{
    return IWinHttpRequest_AddRef(&impl_from_cpc(iface)->IWinHttpRequest_iface);
}

static ULONG WINAPI cpc_Release(IConnectionPointContainer *iface)
{
    return IWinHttpRequest_Release(&impl_from_cpc(iface)->IWinHttpRequest_iface);
}

static HRESULT WINAPI cpc_EnumConnectionPoints(IConnectionPointContainer *iface, IEnumConnectionPoints **e)
{
    FIXME("not implemented\n");
    if (e) *e = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI cpc_FindConnectionPoint(IConnectionPointContainer *iface, REFIID iid, IConnectionPoint **cp)
{
    struct winhttp_request *r = impl_from_cpc(iface);

    if (!cp) return E_POINTER;
    *cp = NULL;
    if (!IsEqualGUID(iid, &IID_IWinHttpRequestEvents)) return CONNECT_E_NOCONNECTION;
    *cp = &r->IConnectionPoint_iface;
    IConnectionPoint_AddRef(*cp);
    return S_OK;
}

static IConnectionPointContainerVtbl cpc_vtbl =
{
    cpc_QueryInterface, cpc_AddRef, cpc_Release, cpc_EnumConnectionPoints, cpc_FindConnectionPoint
};

static HRESULT WINAPI cp_QueryInterface(IConnectionPoint *iface, REFIID iid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualGUID(iid, &IID_IUnknown) || IsEqualGUID(iid, &IID_IConnectionPoint))
    {
        *obj = iface;
        IConnectionPoint_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI cp_AddRef(IConnectionPoint *iface)
{
    return IWinHttpRequest_AddRef(&impl_from_cp(iface)->IWinHttpRequest_iface);
}

static ULONG WINAPI cp_Release(IConnectionPoint *iface)
{
    return IWinHttpRequest_Release(&impl_from_cp(iface)->IWinHttpRequest_iface);
}

static HRESULT WINAPI cp_GetConnectionInterface(IConnectionPoint *iface, IID *iid)
{
    if (!iid) return E_POINTER;
    *iid = IID_IWinHttpRequestEvents;
    return S_OK;
}

static HRESULT WINAPI cp_GetConnectionPointContainer(IConnectionPoint *iface, IConnectionPointContainer **cpc)
{
    struct winhttp_request *r = impl_from_cp(iface);
    if (!cpc) return E_POINTER;
    *cpc = &r->IConnectionPointContainer_iface;
    IConnectionPointContainer_AddRef(*cpc);
    return S_OK;
}

static HRESULT WINAPI cp_Advise(IConnectionPoint *iface, IUnknown *unk, DWORD *cookie)
{
    struct winhttp_request *r = impl_from_cp(iface);
    IWinHttpRequestEvents *sink;
    HRESULT hr;

    if (!unk || !cookie) return E_POINTER;
    *cookie = 0;
    if (FAILED(IUnknown_QueryInterface(unk, &IID_IWinHttpRequestEvents, (void **)&sink))) return CONNECT_E_CANNOTCONNECT;
    EnterCriticalSection(&r->cs);
    if (r->sink) hr = CONNECT_E_ADVISELIMIT;
    else
    {
        r->sink = sink;
        sink = NULL;
        *cookie = SINK_COOKIE;
        hr = S_OK;
    }
    LeaveCriticalSection(&r->cs);
    if (sink) IWinHttpRequestEvents_Release(sink);
    return hr;
}

static HRESULT WINAPI cp_Unadvise(IConnectionPoint *iface, DWORD cookie)
{
    struct winhttp_request *r = impl_from_cp(iface);
    IWinHttpRequestEvents *sink = NULL;

    EnterCriticalSection(&r->cs);
    if (cookie == SINK_COOKIE) { sink = r->sink; r->sink = NULL; }
    LeaveCriticalSection(&r->cs);
    if (!sink) return CONNECT_E_NOCONNECTION;
    IWinHttpRequestEvents_Release(sink);
    return S_OK;
}

static HRESULT WINAPI cp_EnumConnections(IConnectionPoint *iface, IEnumConnections **e)
{
    FIXME("not implemented\n");
    if (e) *e = NULL;
    return E_NOTIMPL;
}

static IConnectionPointVtbl cp_vtbl =
{
    cp_QueryInterface, cp_AddRef, cp_Release, cp_GetConnectionInterface, cp_GetConnectionPointContainer,
    cp_Advise, cp_Unadvise, cp_EnumConnections
};

void request_events_init(struct winhttp_request *r)
{
    r->IConnectionPointContainer_iface.lpVtbl = &cpc_vtbl;
    r->IConnectionPoint_iface.lpVtbl = &cp_vtbl;
}

BOOL request_query_events(struct winhttp_request *r, REFIID iid, void **obj)
{
    if (!IsEqualGUID(iid, &IID_IConnectionPointContainer)) return FALSE;
    *obj = &r->IConnectionPointContainer_iface;
    IConnectionPointContainer_AddRef(&r->IConnectionPointContainer_iface);
    return TRUE;
}
