/* Handles: creation, types, parents, invalid and wrong-type handles,
 * closing in any order. */
#include "test.h"

static DWORD handle_type(HINTERNET h)
{
    DWORD type = 0xdead, size = sizeof(type);
    if (!WinHttpQueryOption(h, WINHTTP_OPTION_HANDLE_TYPE, &type, &size)) return 0xdead;
    return type;
}

static void test_types_and_parents(void)
{
    HINTERNET session, connect, request, parent = NULL;
    DWORD size = sizeof(parent);

    session = open_session();
    ok(session != NULL, "WinHttpOpen failed: %lu\n", GetLastError());
    connect = WinHttpConnect(session, peer_host(), 80, 0);
    ok(connect != NULL, "WinHttpConnect failed: %lu\n", GetLastError());
    request = WinHttpOpenRequest(connect, NULL, NULL, NULL, NULL, NULL, 0);
    ok(request != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError());
    ok(handle_type(session) == WINHTTP_HANDLE_TYPE_SESSION, "session type %lu\n", handle_type(session));
    ok(handle_type(connect) == WINHTTP_HANDLE_TYPE_CONNECT, "connect type %lu\n", handle_type(connect));
    ok(handle_type(request) == WINHTTP_HANDLE_TYPE_REQUEST, "request type %lu\n", handle_type(request));
    ok(session != connect && connect != request && session != request, "handles not distinct\n");
    ok(WinHttpQueryOption(request, WINHTTP_OPTION_PARENT_HANDLE, &parent, &size) && parent == connect,
       "request parent %p, expected %p\n", parent, connect);
    parent = NULL;
    size = sizeof(parent);
    ok(WinHttpQueryOption(connect, WINHTTP_OPTION_PARENT_HANDLE, &parent, &size) && parent == session,
       "connect parent %p, expected %p\n", parent, session);
    ok(WinHttpCloseHandle(request), "close request: %lu\n", GetLastError());
    ok(WinHttpCloseHandle(connect), "close connect: %lu\n", GetLastError());
    ok(WinHttpCloseHandle(session), "close session: %lu\n", GetLastError());
}

static void test_invalid(void)
{
    HINTERNET session, connect, request;

    SetLastError(0xdeadbeef);
    ok(!WinHttpCloseHandle(NULL) && GetLastError() == ERROR_INVALID_HANDLE, "CloseHandle(NULL): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpConnect(NULL, peer_host(), 80, 0) && GetLastError() == ERROR_INVALID_HANDLE, "Connect(NULL): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpOpenRequest(NULL, L"GET", L"/", NULL, NULL, NULL, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "OpenRequest(NULL): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSendRequest(NULL, NULL, 0, NULL, 0, 0, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "SendRequest(NULL): %lu\n", GetLastError());

    session = open_session();
    connect = WinHttpConnect(session, peer_host(), 80, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);

    /* the wrong kind of handle */
    SetLastError(0xdeadbeef);
    ok(!WinHttpConnect(connect, peer_host(), 80, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "Connect(connect handle): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpConnect(request, peer_host(), 80, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "Connect(request handle): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpOpenRequest(session, L"GET", L"/", NULL, NULL, NULL, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "OpenRequest(session handle): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSendRequest(connect, NULL, 0, NULL, 0, 0, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "SendRequest(connect handle): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpReceiveResponse(session, NULL) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "ReceiveResponse(session handle): %lu\n", GetLastError());
    ok(WinHttpWebSocketSend(session, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"x", 1)
       == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "WebSocketSend(session handle)\n");
    ok(WinHttpWebSocketShutdown(connect, 1000, NULL, 0) == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "WebSocketShutdown(connect handle)\n");
    {
        /* WebSocket calls on a request handle (not a WebSocket handle) */
        char buf[16];
        DWORD got = 0, err;
        USHORT status = 0;
        WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

        err = WinHttpWebSocketSend(request, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"x", 1);
        ok(err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "WebSocketSend(request handle): %lu\n", err);
        err = WinHttpWebSocketReceive(request, buf, sizeof(buf), &got, &bt);
        ok(err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "WebSocketReceive(request handle): %lu\n", err);
        err = WinHttpWebSocketClose(request, 1000, NULL, 0);
        ok(err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "WebSocketClose(request handle): %lu\n", err);
        err = WinHttpWebSocketQueryCloseStatus(request, &status, buf, sizeof(buf), &got);
        ok(err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "WebSocketQueryCloseStatus(request handle): %lu\n", err);
        err = WinHttpWebSocketSend(NULL, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"x", 1);
        ok(err == ERROR_INVALID_HANDLE, "WebSocketSend(NULL): %lu\n", err);
    }
    SetLastError(0xdeadbeef);
    ok(!WinHttpWebSocketCompleteUpgrade(session, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "WebSocketCompleteUpgrade(session handle): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpWebSocketCompleteUpgrade(connect, 0) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "WebSocketCompleteUpgrade(connect handle): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpWebSocketCompleteUpgrade(NULL, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "WebSocketCompleteUpgrade(NULL): %lu\n", GetLastError());
    {
        DWORD avail, read;
        char buf[4];
        SetLastError(0xdeadbeef);
        ok(!WinHttpQueryDataAvailable(session, &avail) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
           "QueryDataAvailable(session handle): %lu\n", GetLastError());
        SetLastError(0xdeadbeef);
        ok(!WinHttpReadData(connect, buf, sizeof(buf), &read) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
           "ReadData(connect handle): %lu\n", GetLastError());
        SetLastError(0xdeadbeef);
        ok(!WinHttpAddRequestHeaders(session, L"X-A: b", (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD) &&
           GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "AddRequestHeaders(session handle): %lu\n", GetLastError());
    }

    /* parameters */
    SetLastError(0xdeadbeef);
    ok(!WinHttpConnect(session, NULL, 80, 0) && GetLastError() == ERROR_INVALID_PARAMETER,
       "Connect(NULL server): %lu\n", GetLastError());

    /* a closed handle is no longer valid */
    ok(WinHttpCloseHandle(request), "close request: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "SendRequest on a closed handle: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpCloseHandle(request) && GetLastError() == ERROR_INVALID_HANDLE, "second CloseHandle: %lu\n", GetLastError());
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

/* Children outlive their parents' handles. */
static void test_close_order(void)
{
    HINTERNET session, connect, request;
    char buf[64];
    DWORD read = 0;
    INTERNET_PORT port = peer_port("WS");

    session = open_session();
    connect = WinHttpConnect(session, peer_host(), port, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/status/200", NULL, NULL, NULL, 0);
    ok(request != NULL, "OpenRequest failed: %lu\n", GetLastError());
    ok(WinHttpCloseHandle(session), "close session first: %lu\n", GetLastError());
    ok(WinHttpCloseHandle(connect), "close connect next: %lu\n", GetLastError());
    /* the request still works */
    ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "SendRequest after the parents closed: %lu\n", GetLastError());
    ok(WinHttpReceiveResponse(request, NULL), "ReceiveResponse: %lu\n", GetLastError());
    memset(buf, 0, sizeof(buf));
    ok(WinHttpReadData(request, buf, sizeof(buf) - 1, &read) && !strcmp(buf, "status 200"), "body '%s'\n", buf);
    ok(WinHttpCloseHandle(request), "close request: %lu\n", GetLastError());
}

/* WinHttpOpenRequest: "If this parameter is NULL, the function uses GET as the HTTP verb." */
static void test_null_verb(void)
{
    HINTERNET session, connect, request;
    char body[2048];
    DWORD read, total = 0;

    session = open_session();
    connect = WinHttpConnect(session, peer_host(), peer_port("WS"), 0);
    request = WinHttpOpenRequest(connect, NULL, L"/echo-request", NULL, NULL, NULL, 0);
    ok(request != NULL, "OpenRequest(NULL verb) failed: %lu\n", GetLastError());
    ok(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "SendRequest: %lu\n", GetLastError());
    ok(WinHttpReceiveResponse(request, NULL), "ReceiveResponse: %lu\n", GetLastError());
    while (total < sizeof(body) - 1 && WinHttpReadData(request, body + total, sizeof(body) - 1 - total, &read) && read)
        total += read;
    body[total] = 0;
    ok(strstr(body, "\"method\":\"GET\"") != NULL, "NULL verb sent as: %s\n", body);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
}

static int created, closing;

static void CALLBACK callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    (void)h; (void)ctx; (void)info; (void)len;
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CREATED) created++;
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) closing++;
}

static void test_callbacks(void)
{
    HINTERNET session = open_session(), connect, request;
    WINHTTP_STATUS_CALLBACK prev;
    DWORD_PTR ctx = 0x55;

    prev = WinHttpSetStatusCallback(session, callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0);
    ok(prev == NULL, "previous callback %p\n", prev);
    prev = WinHttpSetStatusCallback(session, callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0);
    ok(prev == callback, "previous callback %p, expected %p\n", prev, callback);
    created = closing = 0;
    /* HANDLE_CLOSING is documented to come for handles with a non-NULL
     * context value: give every handle one */
    ok(WinHttpSetOption(session, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof(ctx)), "context: %lu\n", GetLastError());
    connect = WinHttpConnect(session, peer_host(), 80, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/", NULL, NULL, NULL, 0);
    ok(created == 2, "%d HANDLE_CREATED notifications for connect + request\n", created);
    WinHttpSetOption(connect, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof(ctx));
    WinHttpSetOption(request, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof(ctx));
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    ok(closing == 2, "%d HANDLE_CLOSING notifications\n", closing);
    WinHttpCloseHandle(session);
    SetLastError(0xdeadbeef);
    prev = WinHttpSetStatusCallback(NULL, callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0);
    ok(prev == WINHTTP_INVALID_STATUS_CALLBACK && GetLastError() == ERROR_INVALID_HANDLE,
       "SetStatusCallback(NULL): %p %lu\n", prev, GetLastError());
}

/* The COM entry points exist (a program importing them must load); the
 * WinHttpRequest object behind DllGetClassObject is not built yet. */
static void test_com_exports(void)
{
    typedef HRESULT (WINAPI *get_class_fn)(REFCLSID, REFIID, void **);
    typedef HRESULT (WINAPI *plain_fn)(void);
    static const GUID clsid_request = { 0x2087c2f4, 0x2cef, 0x4953, { 0xa8, 0xab, 0x66, 0x77, 0x9b, 0x67, 0x04, 0x95 } };
    static const GUID iid_classfactory = { 0x00000001, 0, 0, { 0xc0, 0, 0, 0, 0, 0, 0, 0x46 } };
    HMODULE mod = GetModuleHandleA("winhttp.dll");
    get_class_fn get = (get_class_fn)(void *)GetProcAddress(mod, "DllGetClassObject");
    plain_fn can_unload = (plain_fn)(void *)GetProcAddress(mod, "DllCanUnloadNow");
    void *obj = (void *)0xdeadbeef;
    HRESULT hr;

    ok(get && can_unload && GetProcAddress(mod, "DllRegisterServer") && GetProcAddress(mod, "DllUnregisterServer"),
       "COM entry points missing\n");
    if (!get) return;
    hr = get(&clsid_request, &iid_classfactory, &obj);
    if (hr == CLASS_E_CLASSNOTAVAILABLE)
    {
        ok(obj == NULL, "object %p with CLASS_E_CLASSNOTAVAILABLE\n", obj);
        skip("the WinHttpRequest COM object is not implemented yet (issue 12)\n");
    }
    else
    {
        IUnknown *unk = obj;
        ok(hr == S_OK && obj != NULL, "DllGetClassObject(CLSID_WinHttpRequest): %#lx\n", hr);
        if (hr == S_OK && unk) unk->lpVtbl->Release(unk);
    }
    hr = get(&clsid_request, &iid_classfactory, NULL);
    ok(hr == E_POINTER || hr == E_INVALIDARG, "NULL out pointer: %#lx\n", hr);
}

void test_handles(void)
{
    ok(WinHttpCheckPlatform(), "WinHttpCheckPlatform failed\n");
    test_types_and_parents();
    test_invalid();
    test_close_order();
    test_null_verb();
    test_callbacks();
    test_com_exports();
}
