/* A server that asks for a client certificate: WinHttpSendRequest fails
 * with ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED until the application says it
 * has none (WINHTTP_OPTION_CLIENT_CERT_CONTEXT = WINHTTP_NO_CLIENT_CERT_CONTEXT);
 * sent again, the request goes through without one (the peer accepts
 * that).  Waiting and asynchronous. */
#include "tls_try.h"
#include "notes.h"

#define CC_WAIT_MS 15000

static void sync_case(INTERNET_PORT port)
{
    HINTERNET ses = open_session(), con, req;
    DWORD status = 0, size = sizeof(status);
    BOOL ret;

    con = WinHttpConnect(ses, peer_name(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    SetLastError(0xdeadbeef);
    ret = WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0);
    ok(!ret && GetLastError() == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, "first send: %d %lu\n", ret, GetLastError());
    ret = WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0);
    ok(ret, "no client certificate: %lu\n", GetLastError());
    ret = WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL);
    ok(ret, "sent again: %lu\n", GetLastError());
    if (ret)
    {
        WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
        ok(status == 200, "status %lu\n", status);
    }
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void async_case(INTERNET_PORT port)
{
    HINTERNET ses, con, req;
    struct note n;
    int i;

    notes_reset();
    ses = open_async_session();
    con = WinHttpConnect(ses, peer_name(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "async send: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, CC_WAIT_MS);
    ok(i >= 0 && note_get(i, &n) && n.len == sizeof(WINHTTP_ASYNC_RESULT)
       && ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult == API_SEND_REQUEST
       && ((WINHTTP_ASYNC_RESULT *)n.info)->dwError == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED,
       "async REQUEST_ERROR: %d error %lu (%s)\n", i, i >= 0 ? ((WINHTTP_ASYNC_RESULT *)n.info)->dwError : 0,
       notes_for(req));
    ok(WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0),
       "async, no client certificate: %lu\n", GetLastError());
    notes_reset();
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "async send again: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, CC_WAIT_MS);
    ok(i >= 0, "async SENDREQUEST_COMPLETE after the option: %s\n", notes_for(req));
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    note_wait(req, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, CC_WAIT_MS);
}

void tls_client_cert_tests(void)
{
    INTERNET_PORT port = peer_port("WSS_CLIENTREQ");
    if (!port)
    {
        skip("no WSS_CLIENTREQ listener\n");
        return;
    }
    sync_case(port);
    async_case(port);
}
