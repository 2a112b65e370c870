/* pool (part): WINHTTP_OPTION_MAX_CONNS_PER_SERVER and
 * WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER, sync and async.  Which
 * connection served a request is the peer's X-Conn (SCENARIOS.md), so a
 * request that waited for a released connection is proven to have reused
 * it; a request that waits is seen not finishing while the limit holds (a
 * check that can only pass wrongly on a slow machine, never fail). */
#include <stdlib.h>
#include "notes.h"

#define WAIT_MS 20000
#define STILL_MS 500     /* "still waiting" look */

/* one synchronous request on its own thread */
struct job
{
    HINTERNET con, req;
    const WCHAR *path;
    DWORD connect_timeout;            /* 0: the default */
    BOOL keep;                        /* leave req open (the main thread closes it) */
    HANDLE opened, done;
    DWORD err, status, conn;
};

static DWORD x_conn(HINTERNET req)
{
    WCHAR buf[32];
    DWORD size = sizeof(buf);
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM, L"X-Conn", buf, &size, NULL)) return 0;
    return wcstoul(buf, NULL, 10);
}

/* send and receive on req; the body is read to its end when read */
static DWORD run_request(HINTERNET req, BOOL read, DWORD *status, DWORD *conn)
{
    DWORD size = sizeof(DWORD), got;
    char buf[512];

    *status = *conn = 0;
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL)) return GetLastError();
    WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, status, &size, NULL);
    *conn = x_conn(req);
    while (read)
    {
        if (!WinHttpReadData(req, buf, sizeof(buf), &got)) return GetLastError();
        if (!got) break;
    }
    return 0;
}

static DWORD WINAPI job_thread(void *arg)
{
    struct job *j = arg;

    j->req = WinHttpOpenRequest(j->con, L"GET", j->path, NULL, NULL, NULL, 0);
    if (j->req && j->connect_timeout)
        WinHttpSetOption(j->req, WINHTTP_OPTION_CONNECT_TIMEOUT, &j->connect_timeout, sizeof(DWORD));
    SetEvent(j->opened);
    j->err = j->req ? run_request(j->req, TRUE, &j->status, &j->conn) : GetLastError();
    if (!j->keep && j->req) WinHttpCloseHandle(j->req);
    SetEvent(j->done);
    return 0;
}

static HANDLE start_job(struct job *j, HINTERNET con, const WCHAR *path, BOOL keep)
{
    HANDLE t;
    memset(j, 0, sizeof(*j));
    j->keep = keep;
    j->con = con;
    j->path = path;
    j->opened = CreateEventW(NULL, TRUE, FALSE, NULL);
    j->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, job_thread, j, 0, NULL);
    WaitForSingleObject(j->opened, WAIT_MS);
    return t;
}

static void end_job(struct job *j, HANDLE t)
{
    WaitForSingleObject(t, WAIT_MS);
    CloseHandle(t);
    CloseHandle(j->opened);
    CloseHandle(j->done);
}

static HINTERNET limited_session(DWORD flags, DWORD max, DWORD max10)
{
    HINTERNET ses = WinHttpOpen(L"winhttp-conformance/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                WINHTTP_NO_PROXY_BYPASS, flags);
    if (ses && max) ok(WinHttpSetOption(ses, WINHTTP_OPTION_MAX_CONNS_PER_SERVER, &max, sizeof(max)),
                       "MAX_CONNS_PER_SERVER %lu: %lu\n", max, GetLastError());
    if (ses && max10) ok(WinHttpSetOption(ses, WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER, &max10, sizeof(max10)),
                         "MAX_CONNS_PER_1_0_SERVER %lu: %lu\n", max10, GetLastError());
    return ses;
}

/* a request holding its connection: response in, body unread, handle open */
static HINTERNET hold(HINTERNET con, const WCHAR *path, DWORD *conn)
{
    HINTERNET req = WinHttpOpenRequest(con, L"GET", path, NULL, NULL, NULL, 0);
    DWORD status, err = req ? run_request(req, FALSE, &status, conn) : GetLastError();
    ok(!err && status == 200 && *conn, "%ls held: error %lu status %lu conn %lu\n", path, err, status, *conn);
    return req;
}

/* read the rest of the body and close: the connection goes back */
static void release(HINTERNET req)
{
    char buf[512];
    DWORD got;
    while (WinHttpReadData(req, buf, sizeof(buf), &got) && got) ;
    WinHttpCloseHandle(req);
}

static void test_options(void)
{
    HINTERNET ses = open_session(), con, req;
    static const DWORD opts[] = { WINHTTP_OPTION_MAX_CONNS_PER_SERVER, WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER };
    DWORD i, v, size, one = 1;

    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/pool/conn", NULL, NULL, NULL, 0);
    for (i = 0; i < ARRAYSIZE(opts); i++)
    {
        v = 0; size = sizeof(v);
        ok(WinHttpQueryOption(ses, opts[i], &v, &size) && v == WINHTTP_CONNS_PER_SERVER_UNLIMITED && size == 4,
           "option %lu: default %lu size %lu (%lu)\n", opts[i], v, size, GetLastError());
        v = 5;
        ok(WinHttpSetOption(ses, opts[i], &v, sizeof(v)), "set 5: %lu\n", GetLastError());
        v = 0; size = sizeof(v);
        ok(WinHttpQueryOption(ses, opts[i], &v, &size) && v == 5, "option %lu: %lu\n", opts[i], v);
        /* "When this option is set to zero, WinHTTP sets the limit on the
         * number of connections to 2" (Option Flags page) */
        v = 0;
        ok(WinHttpSetOption(ses, opts[i], &v, sizeof(v)), "set 0: %lu\n", GetLastError());
        size = sizeof(v);
        ok(WinHttpQueryOption(ses, opts[i], &v, &size) && v == 2, "option %lu after 0: %lu\n", opts[i], v);
        v = WINHTTP_CONNS_PER_SERVER_UNLIMITED;
        ok(WinHttpSetOption(ses, opts[i], &v, sizeof(v)), "set INFINITE: %lu\n", GetLastError());
        SetLastError(0xdeadbeef);
        ok(!WinHttpSetOption(ses, opts[i], &one, 2) && GetLastError() == ERROR_INSUFFICIENT_BUFFER,
           "short buffer: %lu\n", GetLastError());
        SetLastError(0xdeadbeef);
        ok(!WinHttpSetOption(ses, opts[i], NULL, 4) && GetLastError() == ERROR_INVALID_PARAMETER,
           "NULL buffer: %lu\n", GetLastError());
        size = 0;
        SetLastError(0xdeadbeef);
        ok(!WinHttpQueryOption(ses, opts[i], NULL, &size) && GetLastError() == ERROR_INSUFFICIENT_BUFFER && size == 4,
           "size query: %lu, %lu\n", GetLastError(), size);
        /* session options: not on connect or request handles */
        SetLastError(0xdeadbeef);
        ok(!WinHttpSetOption(con, opts[i], &one, sizeof(one)) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
           "set on a connect handle: %lu\n", GetLastError());
        SetLastError(0xdeadbeef);
        ok(!WinHttpSetOption(req, opts[i], &one, sizeof(one)) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
           "set on a request handle: %lu\n", GetLastError());
        size = sizeof(v);
        SetLastError(0xdeadbeef);
        ok(!WinHttpQueryOption(req, opts[i], &v, &size) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
           "query on a request handle: %lu\n", GetLastError());
    }
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* Limit 1: the second request waits until the first gives its connection
 * back, then goes on it. */
static void test_sync_limit1(void)
{
    HINTERNET ses = limited_session(0, 1, 0), con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0), a;
    struct job b;
    HANDLE t;
    DWORD ca = 0;

    a = hold(con, L"/pool/conn", &ca);
    t = start_job(&b, con, L"/pool/conn", FALSE);
    ok(WaitForSingleObject(b.done, STILL_MS) == WAIT_TIMEOUT, "limit 1: the second request did not wait (conn %lu, "
       "first %lu)\n", b.conn, ca);
    release(a);
    ok(WaitForSingleObject(b.done, WAIT_MS) == WAIT_OBJECT_0 && !b.err && b.status == 200 && b.conn == ca,
       "limit 1: the second request: error %lu conn %lu, first %lu\n", b.err, b.conn, ca);
    end_job(&b, t);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* Limit 2 with three: two connections, the third request waits for one. */
static void test_sync_limit2(void)
{
    HINTERNET ses = limited_session(0, 2, 0), con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0), a, b;
    struct job c;
    HANDLE t;
    DWORD ca = 0, cb = 0;

    a = hold(con, L"/pool/conn", &ca);
    b = hold(con, L"/pool/conn", &cb);
    ok(ca && cb && ca != cb, "limit 2: two connections %lu %lu\n", ca, cb);
    t = start_job(&c, con, L"/pool/conn", FALSE);
    ok(WaitForSingleObject(c.done, STILL_MS) == WAIT_TIMEOUT, "limit 2: the third did not wait (conn %lu)\n", c.conn);
    release(b);
    ok(WaitForSingleObject(c.done, WAIT_MS) == WAIT_OBJECT_0 && !c.err && c.conn == cb,
       "limit 2: the third request: error %lu conn %lu, released %lu\n", c.err, c.conn, cb);
    end_job(&c, t);
    release(a);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* The default has no limit: three requests at once, three connections. */
static void test_sync_unlimited(void)
{
    HINTERNET ses = open_session(), con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0), h[3];
    DWORD c[3] = { 0 }, i;

    for (i = 0; i < 3; i++) h[i] = hold(con, L"/pool/conn", &c[i]);
    ok(c[0] && c[1] && c[2] && c[0] != c[1] && c[1] != c[2] && c[0] != c[2], "no limit: connections %lu %lu %lu\n",
       c[0], c[1], c[2]);
    for (i = 0; i < 3; i++) release(h[i]);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* The HTTP/1.0 limit applies once the server answered HTTP/1.0. */
static void test_sync_http10(void)
{
    HINTERNET ses = limited_session(0, 0, 1), con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0), a, x;
    struct job b;
    HANDLE t;
    DWORD ca = 0, cx = 0;

    /* an HTTP/1.1 server: the 1.0 limit does not count */
    a = hold(con, L"/pool/conn", &ca);
    x = hold(con, L"/pool/conn", &cx);
    ok(ca && cx && ca != cx, "HTTP/1.1 server, 1.0 limit 1: connections %lu %lu\n", ca, cx);
    release(x);
    release(a);
    /* it answers HTTP/1.0 (no keep-alive: the connection closes) */
    a = hold(con, L"/pool/http10", &ca);
    t = start_job(&b, con, L"/pool/conn", FALSE);
    ok(WaitForSingleObject(b.done, STILL_MS) == WAIT_TIMEOUT, "1.0 limit 1: the second did not wait (conn %lu)\n",
       b.conn);
    release(a);
    ok(WaitForSingleObject(b.done, WAIT_MS) == WAIT_OBJECT_0 && !b.err && b.conn && b.conn != ca,
       "1.0 limit: after the release: error %lu conn %lu (first %lu, closed)\n", b.err, b.conn, ca);
    end_job(&b, t);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* A waiting synchronous request ends when its handle is closed, or when its
 * connect timeout passes (the wait is part of getting a connection). */
static void test_sync_wait_ends(void)
{
    HINTERNET ses = limited_session(0, 1, 0), con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0), a;
    struct job b;
    HANDLE t;
    DWORD ca = 0;

    a = hold(con, L"/pool/conn", &ca);
    t = start_job(&b, con, L"/pool/conn", TRUE);
    ok(WaitForSingleObject(b.done, STILL_MS) == WAIT_TIMEOUT, "the second did not wait\n");
    WinHttpCloseHandle(b.req);
    ok(WaitForSingleObject(b.done, WAIT_MS) == WAIT_OBJECT_0 && b.err == ERROR_WINHTTP_OPERATION_CANCELLED,
       "closed while waiting: error %lu\n", b.err);
    end_job(&b, t);

    /* the connect timeout; the connection is held all along */
    {
        struct job c;
        memset(&c, 0, sizeof(c));
        c.con = con;
        c.path = L"/pool/conn";
        c.connect_timeout = 300;
        c.opened = CreateEventW(NULL, TRUE, FALSE, NULL);
        c.done = CreateEventW(NULL, TRUE, FALSE, NULL);
        t = CreateThread(NULL, 0, job_thread, &c, 0, NULL);
        ok(WaitForSingleObject(c.done, WAIT_MS) == WAIT_OBJECT_0 && c.err == ERROR_WINHTTP_TIMEOUT,
           "connect timeout while waiting: error %lu\n", c.err);
        end_job(&c, t);
    }
    /* neither left a slot taken: the connection comes back to the next one */
    release(a);
    a = hold(con, L"/pool/conn", &ca);
    release(a);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* A WebSocket keeps its connection, and its place under the limit, until
 * its handle closes. */
static void test_sync_websocket(void)
{
    HINTERNET ses = limited_session(0, 1, 0), con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0), req, ws;
    struct job b;
    HANDLE t;

    req = WinHttpOpenRequest(con, L"GET", L"/echo", NULL, NULL, NULL, 0);
    ok(req && WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0) &&
       WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL), "upgrade: %lu\n",
       GetLastError());
    ws = WinHttpWebSocketCompleteUpgrade(req, 0);
    ok(ws != NULL, "websocket: %lu\n", GetLastError());
    WinHttpCloseHandle(req);
    t = start_job(&b, con, L"/pool/conn", FALSE);
    ok(WaitForSingleObject(b.done, STILL_MS) == WAIT_TIMEOUT, "the websocket's connection did not count (conn %lu)\n",
       b.conn);
    if (ws) WinHttpCloseHandle(ws);
    ok(WaitForSingleObject(b.done, WAIT_MS) == WAIT_OBJECT_0 && !b.err && b.status == 200 && b.conn,
       "after the websocket closed: error %lu status %lu\n", b.err, b.status);
    end_job(&b, t);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* ---- asynchronous: a waiting request parks, no thread blocks ---- */

static HINTERNET async_send(HINTERNET con, const WCHAR *path)
{
    HINTERNET req = WinHttpOpenRequest(con, L"GET", path, NULL, NULL, NULL, 0);
    ok(req && WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "async send %ls: %lu\n", path, GetLastError());
    return req;
}

/* SENDREQUEST_COMPLETE came: receive the headers; X-Conn, 0 on failure */
static DWORD async_headers(HINTERNET req)
{
    if (note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, WAIT_MS) < 0) return 0;
    if (!WinHttpReceiveResponse(req, NULL)) return 0;
    if (note_wait(req, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, 0, WAIT_MS) < 0) return 0;
    return x_conn(req);
}

/* the rest of the body (small, already read ahead or arriving), then close */
static void async_release(HINTERNET req)
{
    static char buf[512];
    int from = notes_count();
    if (WinHttpReadData(req, buf, sizeof(buf), NULL))
        note_wait(req, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, from, WAIT_MS);
    from = notes_count();
    if (WinHttpReadData(req, buf, sizeof(buf), NULL))
        note_wait(req, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, from, WAIT_MS);
    WinHttpCloseHandle(req);
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, WAIT_MS) >= 0, "no HANDLE_CLOSING\n");
}

static void test_async_limit(void)
{
    HINTERNET ses = limited_session(WINHTTP_FLAG_ASYNC, 1, 0), con, a, b, c;
    DWORD ca, cb;

    WinHttpSetStatusCallback(ses, note_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    notes_reset();
    a = async_send(con, L"/pool/conn");
    ca = async_headers(a);
    ok(ca != 0, "async first: conn %lu\n", ca);
    b = async_send(con, L"/pool/conn");
    ok(note_wait(b, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, STILL_MS) < 0 &&
       note_wait(b, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, 0) < 0, "async limit 1: the second did not wait: %s\n",
       notes_for(b));
    async_release(a);
    cb = async_headers(b);
    ok(cb == ca, "async limit 1: the second on conn %lu, first %lu: %s\n", cb, ca, notes_for(b));

    /* closing a parked request: it ends, and takes nothing with it */
    c = async_send(con, L"/pool/conn");
    ok(note_wait(c, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, STILL_MS) < 0, "the third did not wait: %s\n",
       notes_for(c));
    WinHttpCloseHandle(c);
    ok(note_wait(c, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, WAIT_MS) >= 0 &&
       note_wait(c, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, 0) < 0, "closed while parked: %s\n",
       notes_for(c));
    /* a parked request's wait ends with its connect timeout */
    {
        DWORD to = 300;
        struct note n;
        int i;
        c = WinHttpOpenRequest(con, L"GET", L"/pool/conn", NULL, NULL, NULL, 0);
        ok(c && WinHttpSetOption(c, WINHTTP_OPTION_CONNECT_TIMEOUT, &to, sizeof(to)) &&
           WinHttpSendRequest(c, NULL, 0, NULL, 0, 0, 0), "send: %lu\n", GetLastError());
        i = note_wait(c, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, WAIT_MS);
        ok(i >= 0 && note_get(i, &n) && ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult == API_SEND_REQUEST &&
           ((WINHTTP_ASYNC_RESULT *)n.info)->dwError == ERROR_WINHTTP_TIMEOUT, "parked past the connect timeout: %s\n",
           notes_for(c));
        WinHttpCloseHandle(c);
    }
    async_release(b);
    c = async_send(con, L"/pool/conn");
    ok(async_headers(c) == ca, "after the parked one closed: conn %s\n", notes_for(c));
    async_release(c);

    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);

    /* limit 2 with three in flight: the third goes on the first released */
    {
        HINTERNET r[3];
        DWORD n[3];
        ses = limited_session(WINHTTP_FLAG_ASYNC, 2, 0);
        WinHttpSetStatusCallback(ses, note_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
        con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
        r[0] = async_send(con, L"/pool/conn");
        r[1] = async_send(con, L"/pool/conn");
        n[0] = async_headers(r[0]);
        n[1] = async_headers(r[1]);
        r[2] = async_send(con, L"/pool/conn");
        ok(n[0] && n[1] && n[0] != n[1], "async limit 2: connections %lu %lu\n", n[0], n[1]);
        ok(note_wait(r[2], WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, STILL_MS) < 0,
           "async limit 2: the third did not wait: %s\n", notes_for(r[2]));
        async_release(r[1]);
        n[2] = async_headers(r[2]);
        ok(n[2] == n[1], "async limit 2: the third on conn %lu, released %lu\n", n[2], n[1]);
        async_release(r[2]);
        async_release(r[0]);
    }

    /* no limit: three at once on three connections */
    {
        HINTERNET ses2 = open_async_session(), con2, r[3];
        DWORD n[3], i;
        con2 = WinHttpConnect(ses2, peer_host(), peer_port("WS"), 0);
        for (i = 0; i < 3; i++) r[i] = async_send(con2, L"/pool/conn");
        for (i = 0; i < 3; i++) n[i] = async_headers(r[i]);
        ok(n[0] && n[1] && n[2] && n[0] != n[1] && n[1] != n[2] && n[0] != n[2], "async, no limit: %lu %lu %lu\n",
           n[0], n[1], n[2]);
        for (i = 0; i < 3; i++) async_release(r[i]);
        WinHttpCloseHandle(con2);
        WinHttpCloseHandle(ses2);
    }
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

void test_pool_limits(void)
{
    test_options();
    test_sync_limit1();
    test_sync_limit2();
    test_sync_unlimited();
    test_sync_http10();
    test_sync_wait_ends();
    test_sync_websocket();
    test_async_limit();
}
