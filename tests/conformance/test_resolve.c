/* Name resolution: the resolve timeout (WinHttpSetTimeouts' first value,
 * WINHTTP_OPTION_RESOLVE_TIMEOUT; 0 = none), closing the handle while a
 * name is being looked up, and asynchronous lookups that hold no pool
 * thread.  A slow lookup on loopback comes from whnet.so's test hook:
 * with WHNET_TEST_RESOLVE_DELAY_MS set (tests/run-wine-test.sh), a name
 * ending in ".slow.test" resolves that much later as the name without the
 * suffix (dlls/winhttp/transport/resolve.c).  Without the hook (another
 * winhttp) those names do not resolve: the slow cases are skipped. */
#include "notes.h"

/* the peer's name with the test hook's suffix (WHNET_TEST_RESOLVE_DELAY_MS) */
static const WCHAR *slow_host(void)
{
    static WCHAR name[128];
    if (!name[0]) swprintf(name, ARRAYSIZE(name), L"%ls.slow.test", peer_name());
    return name;
}
#define SLOW_HOST slow_host()

static DWORD slow_delay(void)
{
    char buf[32];
    if (!GetEnvironmentVariableA("WHNET_TEST_RESOLVE_DELAY_MS", buf, sizeof(buf))) return 0;
    return (DWORD)atoi(buf);
}

/* A synchronous GET of /status/200 at host; returns the error (0: status 200). */
static DWORD sync_get(const WCHAR *host, int resolve_timeout, HINTERNET *req_out)
{
    HINTERNET ses = open_session(), con, req;
    DWORD err = 0, status = 0, size = sizeof(status);

    if (!ses) return GetLastError();
    if (resolve_timeout >= 0) WinHttpSetTimeouts(ses, resolve_timeout, 60000, 30000, 30000);
    con = WinHttpConnect(ses, host, peer_port("WS"), 0);
    req = con ? WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, WINHTTP_NO_REFERER,
                                   WINHTTP_DEFAULT_ACCEPT_TYPES, 0) : NULL;
    if (req_out) *req_out = req;
    if (!req) err = GetLastError();
    else if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL)) err = GetLastError();
    else if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL))
        err = GetLastError();
    else if (status != 200) err = status;
    if (req_out) *req_out = NULL;
    if (req) WinHttpCloseHandle(req);
    if (con) WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    return err;
}

static void test_names_still_work(void)
{
    ok(!sync_get(peer_host(), 500, NULL), "the peer's address with a resolve timeout\n");
    ok(!sync_get(peer_name(), 500, NULL), "the peer's name with a resolve timeout\n");
    ok(!sync_get(peer_name(), -1, NULL), "the peer's name\n");
}

static void test_sync_timeout(DWORD delay)
{
    DWORD start = GetTickCount(), err = sync_get(SLOW_HOST, 500, NULL), took = GetTickCount() - start;

    ok(err == ERROR_WINHTTP_TIMEOUT, "sync resolve timeout: %lu\n", err);
    ok(took < delay - 2000, "sync resolve timeout took %lu ms (lookup takes %lu)\n", took, delay);
}

/* 0: no resolve timeout (the documented default); the slow name resolves */
static void test_sync_no_timeout(DWORD delay)
{
    DWORD start = GetTickCount(), err = sync_get(SLOW_HOST, 0, NULL), took = GetTickCount() - start;

    ok(!err, "slow name, resolve timeout 0: %lu\n", err);
    ok(took >= delay - 100, "slow name resolved after %lu ms (hook delay %lu)\n", took, delay);
}

static HINTERNET async_request(HINTERNET *ses, HINTERNET *con, const WCHAR *host, DWORD resolve_timeout)
{
    HINTERNET req;

    *ses = open_async_session();
    *con = *ses ? WinHttpConnect(*ses, host, peer_port("WS"), 0) : NULL;
    req = *con ? WinHttpOpenRequest(*con, L"GET", L"/status/200", NULL, WINHTTP_NO_REFERER,
                                    WINHTTP_DEFAULT_ACCEPT_TYPES, 0) : NULL;
    if (req && resolve_timeout)
        ok(WinHttpSetOption(req, WINHTTP_OPTION_RESOLVE_TIMEOUT, &resolve_timeout, sizeof(resolve_timeout)),
           "RESOLVE_TIMEOUT: %lu\n", GetLastError());
    return req;
}

static void async_close(HINTERNET ses, HINTERNET con, HINTERNET req)
{
    if (req) WinHttpCloseHandle(req);
    if (con) WinHttpCloseHandle(con);
    if (ses) WinHttpCloseHandle(ses);
}

static void test_async_timeout(DWORD delay)
{
    HINTERNET ses, con, req = async_request(&ses, &con, SLOW_HOST, 500);
    DWORD start = GetTickCount(), took;
    struct note n;
    int i;

    notes_reset();
    ok(req && WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "async send: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, delay + 5000);
    took = GetTickCount() - start;
    ok(i >= 0 && note_get(i, &n) && ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult == API_SEND_REQUEST &&
       ((WINHTTP_ASYNC_RESULT *)n.info)->dwError == ERROR_WINHTTP_TIMEOUT, "async resolve timeout: %s (%Iu, %lu)\n",
       notes_for(req), i >= 0 ? ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult : 0,
       i >= 0 ? ((WINHTTP_ASYNC_RESULT *)n.info)->dwError : 0);
    ok(took < delay - 2000, "async resolve timeout took %lu ms (lookup takes %lu)\n", took, delay);
    async_close(ses, con, req);
}

/* WinHttpCloseHandle during the lookup ends the request at once */
static void test_async_close(DWORD delay)
{
    HINTERNET ses, con, req = async_request(&ses, &con, SLOW_HOST, 0);
    DWORD start, took;
    int i;

    notes_reset();
    ok(req && WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "async send: %lu\n", GetLastError());
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, 0, 5000) >= 0, "RESOLVING_NAME: %s\n", notes_for(req));
    Sleep(300);
    start = GetTickCount();
    WinHttpCloseHandle(req);
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, delay + 5000);
    took = GetTickCount() - start;
    ok(i >= 0, "HANDLE_CLOSING: %s\n", notes_for(req));
    ok(took < delay - 2000, "close during the lookup took %lu ms (lookup takes %lu)\n", took, delay);
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, 0) < 0, "completed after close: %s\n",
       notes_for(req));
    async_close(ses, con, NULL);
}

/* Slow lookups hold no pool thread: more of them than the pool has threads
 * (12), and a request to an address still completes at once. */
static void test_async_no_pool_thread(DWORD delay)
{
    HINTERNET ses[14], con[14], req[14], fses, fcon, freq;
    DWORD start, took, end;
    int i, n = 0;

    notes_reset();
    for (i = 0; i < 14; i++)
    {
        req[i] = async_request(&ses[i], &con[i], SLOW_HOST, 0);
        if (req[i] && WinHttpSendRequest(req[i], NULL, 0, NULL, 0, 0, 0)) n++;
    }
    ok(n == 14, "slow sends started: %d\n", n);
    Sleep(200);
    freq = async_request(&fses, &fcon, peer_host(), 0);
    start = GetTickCount();
    ok(freq && WinHttpSendRequest(freq, NULL, 0, NULL, 0, 0, 0), "fast send: %lu\n", GetLastError());
    i = note_wait(freq, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, delay + 10000);
    took = GetTickCount() - start;
    ok(i >= 0, "fast request: %s\n", notes_for(freq));
    ok(took < delay - 2000, "fast request behind 14 slow lookups took %lu ms (lookup takes %lu)\n", took, delay);
    async_close(fses, fcon, freq);
    /* the slow ones resolve and complete too (one deadline for all) */
    end = GetTickCount() + delay + 10000;
    for (i = 0; i < 14; i++)
    {
        DWORD now = GetTickCount(), left = (LONG)(end - now) > 0 ? end - now : 0;
        if (req[i])
            ok(note_wait(req[i], WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, left) >= 0,
               "slow request %d: %s\n", i, notes_for(req[i]));
    }
    for (i = 0; i < 14; i++) async_close(ses[i], con[i], req[i]);
}

/* RESOLVING_NAME, NAME_RESOLVED, CONNECTING_TO_SERVER, CONNECTED_TO_SERVER
 * for a name that needs a lookup, as before */
static void test_async_notifications(void)
{
    static const DWORD seq[] = {
        WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED,
        WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
        WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
        WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE };
    HINTERNET ses, con, req = async_request(&ses, &con, peer_name(), 0);

    notes_reset();
    ok(req && WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "send: %lu\n", GetLastError());
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, 10000) >= 0, "the peer's name: %s\n", notes_for(req));
    ok(notes_are(req, seq, ARRAYSIZE(seq)), "the peer's name, notifications: %s\n", notes_for(req));
    async_close(ses, con, req);
}

void test_resolve(void)
{
    DWORD delay = slow_delay();

    test_names_still_work();
    test_async_notifications();
    if (delay < 4000)
    {
        skip("WHNET_TEST_RESOLVE_DELAY_MS (whnet.so's slow-lookup test hook) unset or under 4000: no slow lookups\n");
        return;
    }
    test_sync_timeout(delay);
    test_async_timeout(delay);
    test_async_close(delay);
    test_async_no_pool_thread(delay);
    test_sync_no_timeout(delay);
}
