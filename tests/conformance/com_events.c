/*
 * Group com, part 3: IWinHttpRequestEvents through IConnectionPointContainer
 * in asynchronous mode (OnResponseStart, OnResponseDataAvailable,
 * OnResponseFinished, OnError).  Our object calls the sink directly from
 * its worker thread (no marshalling), so they arrive on that thread.
 */
#include "com_test.h"

struct sink
{
    IWinHttpRequestEvents iface;
    LONG refs;
    LONG starts, finishes, errors, bad_order;
    LONG status, error;
    DWORD bytes;
    WCHAR type[64];
    BYTE data[8192];
};

static struct sink *impl(IWinHttpRequestEvents *iface) { return CONTAINING_RECORD(iface, struct sink, iface); }

static HRESULT WINAPI sink_QueryInterface(IWinHttpRequestEvents *iface, REFIID iid, void **obj)
{
    if (IsEqualGUID(iid, &IID_IUnknown) || IsEqualGUID(iid, &IID_IWinHttpRequestEvents))
    {
        *obj = iface;
        IWinHttpRequestEvents_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI sink_AddRef(IWinHttpRequestEvents *iface) { return InterlockedIncrement(&impl(iface)->refs); }
static ULONG WINAPI sink_Release(IWinHttpRequestEvents *iface) { return InterlockedDecrement(&impl(iface)->refs); }

static void WINAPI sink_OnResponseStart(IWinHttpRequestEvents *iface, LONG status, BSTR type)
{
    struct sink *s = impl(iface);
    if (s->starts || s->finishes || s->errors) s->bad_order++;
    s->starts++;
    s->status = status;
    lstrcpynW(s->type, type ? type : L"", ARRAYSIZE(s->type));
}

static void WINAPI sink_OnResponseDataAvailable(IWinHttpRequestEvents *iface, SAFEARRAY **data)
{
    struct sink *s = impl(iface);
    LONG ub = -1;
    BYTE *p;

    if (!s->starts || s->finishes) s->bad_order++;
    if (!data || !*data) { s->bad_order++; return; }
    SafeArrayGetUBound(*data, 1, &ub);
    if (ub >= 0 && SafeArrayAccessData(*data, (void **)&p) == S_OK)
    {
        if (s->bytes + ub + 1 <= sizeof(s->data)) memcpy(s->data + s->bytes, p, ub + 1);
        s->bytes += ub + 1;
        SafeArrayUnaccessData(*data);
    }
}

static void WINAPI sink_OnResponseFinished(IWinHttpRequestEvents *iface)
{
    struct sink *s = impl(iface);
    if (!s->starts) s->bad_order++;
    s->finishes++;
}

static void WINAPI sink_OnError(IWinHttpRequestEvents *iface, LONG number, BSTR desc)
{
    struct sink *s = impl(iface);
    s->errors++;
    s->error = number;
}

static IWinHttpRequestEventsVtbl sink_vtbl =
{
    sink_QueryInterface, sink_AddRef, sink_Release,
    sink_OnResponseStart, sink_OnResponseDataAvailable, sink_OnResponseFinished, sink_OnError
};

void com_events_tests(void)
{
    IWinHttpRequest *req = com_create();
    IConnectionPointContainer *cpc = NULL;
    IConnectionPoint *cp = NULL, *cp2 = NULL;
    static struct sink sink, sink2;
    VARIANT_BOOL done = 0;
    DWORD cookie = 0, cookie2 = 0;
    BYTE expect[5000];
    HRESULT hr;

    memset(&sink, 0, sizeof(sink));
    memset(&sink2, 0, sizeof(sink2));
    sink.iface.lpVtbl = sink2.iface.lpVtbl = &sink_vtbl;
    sink.refs = sink2.refs = 1;
    if (!req) return;
    hr = IWinHttpRequest_QueryInterface(req, &IID_IConnectionPointContainer, (void **)&cpc);
    ok(hr == S_OK, "QueryInterface(IConnectionPointContainer): %#lx\n", hr);
    if (!cpc) { IWinHttpRequest_Release(req); return; }
    hr = IConnectionPointContainer_FindConnectionPoint(cpc, &IID_IDispatch, &cp2);
    ok(hr == CONNECT_E_NOCONNECTION, "FindConnectionPoint(IDispatch): %#lx\n", hr);
    hr = IConnectionPointContainer_FindConnectionPoint(cpc, &IID_IWinHttpRequestEvents, &cp);
    ok(hr == S_OK && cp, "FindConnectionPoint(IWinHttpRequestEvents): %#lx\n", hr);
    IConnectionPointContainer_Release(cpc);
    if (!cp) { IWinHttpRequest_Release(req); return; }
    hr = IConnectionPoint_Advise(cp, (IUnknown *)&sink.iface, &cookie);
    ok(hr == S_OK && cookie, "Advise: %#lx\n", hr);

    fill_pattern(expect, sizeof(expect), FALSE);
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/big?n=5000"), com_var_bool(TRUE));
    hr = IWinHttpRequest_Send(req, com_var_missing());
    ok(hr == S_OK, "Send: %#lx\n", hr);
    hr = IWinHttpRequest_WaitForResponse(req, com_var_i4(60), &done);
    ok(hr == S_OK && done == VARIANT_TRUE, "WaitForResponse: %#lx %d\n", hr, done);
    ok(sink.starts == 1 && sink.status == 200 && !wcscmp(sink.type, L"application/octet-stream"),
       "OnResponseStart: %ld times, status %ld, type %ls\n", sink.starts, sink.status, sink.type);
    ok(sink.bytes == 5000 && !memcmp(sink.data, expect, 5000), "OnResponseDataAvailable: %lu bytes\n", sink.bytes);
    ok(sink.finishes == 1 && !sink.errors && !sink.bad_order, "OnResponseFinished %ld, errors %ld, out of order %ld\n",
       sink.finishes, sink.errors, sink.bad_order);

    /* an error ends with OnError and the HRESULT */
    sink.starts = sink.finishes = sink.errors = 0;
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_bstr(L"http://127.0.0.1:1/"), com_var_bool(TRUE));
    ok(IWinHttpRequest_Send(req, com_var_missing()) == S_OK, "Send\n");
    hr = IWinHttpRequest_WaitForResponse(req, com_var_i4(60), &done);
    ok(hr == HRW(ERROR_WINHTTP_CANNOT_CONNECT), "WaitForResponse after a failed send: %#lx\n", hr);
    ok(sink.errors == 1 && sink.error == HRW(ERROR_WINHTTP_CANNOT_CONNECT) && !sink.starts && !sink.finishes,
       "OnError %ld times, %#lx\n", sink.errors, sink.error);

    /* one sink at a time; after Unadvise no more events */
    hr = IConnectionPoint_Advise(cp, (IUnknown *)&sink2.iface, &cookie2);
    ok(hr == CONNECT_E_ADVISELIMIT, "second Advise: %#lx\n", hr);
    ok(IConnectionPoint_Unadvise(cp, cookie) == S_OK, "Unadvise\n");
    ok(IConnectionPoint_Unadvise(cp, cookie) == CONNECT_E_NOCONNECTION, "Unadvise twice\n");
    sink.starts = 0;
    IWinHttpRequest_Open(req, com_bstr(L"GET"), com_url(L"/status/200"), com_var_bool(TRUE));
    IWinHttpRequest_Send(req, com_var_missing());
    IWinHttpRequest_WaitForResponse(req, com_var_i4(60), &done);
    ok(!sink.starts, "no events after Unadvise\n");
    ok(sink.refs == 1, "the sink's references given back: %ld\n", sink.refs);
    IConnectionPoint_Release(cp);
    IWinHttpRequest_Release(req);
}
