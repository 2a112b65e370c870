/* tls_try: one https request, waiting or asynchronous (see tls_try.h). */
#include "tls_try.h"
#include "notes.h"

#define TLS_WAIT_MS 15000

/* The first of two notifications on h: 1 for a, 2 for b, 0 if none came in time. */
static int wait_either(HINTERNET h, DWORD a, DWORD b)
{
    DWORD start = GetTickCount();
    do
    {
        if (note_wait(h, a, 0, 0) >= 0) return 1;
        if (note_wait(h, b, 0, 0) >= 0) return 2;
        Sleep(10);
    } while (GetTickCount() - start < TLS_WAIT_MS);
    return 0;
}

static DWORD async_error(HINTERNET h)
{
    struct note n;
    int i = note_wait(h, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, 0);
    if (i < 0 || !note_get(i, &n) || n.len != sizeof(WINHTTP_ASYNC_RESULT)) return ~0u;
    return ((WINHTTP_ASYNC_RESULT *)n.info)->dwError;
}

static DWORD run(HINTERNET request, BOOL async)
{
    if (!async)
    {
        if (WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL)) return 0;
        return GetLastError();
    }
    if (!WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0)) return GetLastError();
    switch (wait_either(request, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR))
    {
    case 0: return WAIT_TIMEOUT;
    case 2: return async_error(request);
    }
    if (!WinHttpReceiveResponse(request, NULL)) return GetLastError();
    switch (wait_either(request, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR))
    {
    case 0: return WAIT_TIMEOUT;
    case 2: return async_error(request);
    }
    return 0;
}

BOOL tls_try(const char *listener, const WCHAR *host, BOOL async, DWORD security_flags, DWORD protocols,
             struct tls_result *res, void (*check)(HINTERNET request))
{
    INTERNET_PORT port = peer_port(listener);
    HINTERNET session, connect, request;
    struct note n;
    DWORD size;
    int i;

    memset(res, 0, sizeof(*res));
    res->err = ~0u;
    if (!port)
    {
        skip("no %s listener\n", listener);
        return FALSE;
    }
    notes_reset();
    session = async ? open_async_session() : open_session();
    if (!async) WinHttpSetStatusCallback(session, note_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    if (protocols && !WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof(protocols)))
        res->err = GetLastError();
    connect = WinHttpConnect(session, host ? host : peer_host(), port, 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    if (!request)
    {
        res->err = GetLastError();
        WinHttpCloseHandle(connect);
        WinHttpCloseHandle(session);
        return TRUE;
    }
    if (security_flags) WinHttpSetOption(request, WINHTTP_OPTION_SECURITY_FLAGS, &security_flags, sizeof(security_flags));
    if (res->err == ~0u) res->err = run(request, async);
    if (!res->err)
    {
        size = sizeof(res->status);
        WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &res->status, &size,
                            NULL);
        if (check) check(request);
    }
    i = note_wait(request, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, 0, 0);
    if (i >= 0 && note_get(i, &n))
    {
        res->secure_failure = TRUE;
        res->failure_flags = n.len == sizeof(DWORD) ? *(DWORD *)n.info : ~0u;
    }
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
    if (async) note_wait(request, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, TLS_WAIT_MS);
    return TRUE;
}
