/* pool: connection reuse (keep-alive) and body-less responses, sync and
 * async.  The peer's /pool/ routes name the connection that carried each
 * answer (X-Conn), so reuse is proven, not assumed (SCENARIOS.md). */
#include <stdlib.h>
#include "notes.h"

#define WAIT_MS 20000

struct resp
{
    DWORD err;                        /* of the first call that failed, 0: none */
    DWORD status;
    DWORD conn;                       /* X-Conn, 0: none */
    char body[256];
    DWORD len;                        /* body bytes read */
    DWORD avail0;                     /* QueryDataAvailable before reading */
    WCHAR extra[64];                  /* the header asked for with want */
};

static DWORD header_number(HINTERNET req, const WCHAR *name)
{
    WCHAR buf[32];
    DWORD size = sizeof(buf);
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM, name, buf, &size, NULL)) return 0;
    return wcstoul(buf, NULL, 10);
}

static void header_text(HINTERNET req, const WCHAR *name, WCHAR *out, DWORD chars)
{
    DWORD size = chars * sizeof(WCHAR);
    out[0] = 0;
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM, name, out, &size, NULL)) out[0] = 0;
}

/* One synchronous request on con; the body is read to its end when
 * read_body, and the request handle is closed (returned instead when keep). */
static HINTERNET sync_request(HINTERNET con, const WCHAR *verb, const WCHAR *path, DWORD flags, const WCHAR *headers,
                              const char *data, BOOL read_body, const WCHAR *want, struct resp *r, BOOL keep)
{
    HINTERNET req = WinHttpOpenRequest(con, verb, path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, flags);
    DWORD size = sizeof(DWORD), got, dlen = data ? (DWORD)strlen(data) : 0;

    memset(r, 0, sizeof(*r));
    if (!req) { r->err = GetLastError(); return NULL; }
    if (!WinHttpSendRequest(req, headers, headers ? (DWORD)-1 : 0, (void *)data, dlen, dlen, 0) ||
        !WinHttpReceiveResponse(req, NULL))
    {
        r->err = GetLastError();
        goto done;
    }
    WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &r->status, &size, NULL);
    r->conn = header_number(req, L"X-Conn");
    if (want) header_text(req, want, r->extra, ARRAYSIZE(r->extra));
    if (!read_body) goto done;
    if (!WinHttpQueryDataAvailable(req, &r->avail0)) { r->err = GetLastError(); goto done; }
    for (;;)
    {
        if (!WinHttpReadData(req, r->body + r->len, sizeof(r->body) - 1 - r->len, &got)) { r->err = GetLastError(); break; }
        if (!got) break;
        r->len += got;
        if (r->len == sizeof(r->body) - 1) break;
    }
done:
    if (keep) return req;
    WinHttpCloseHandle(req);
    return NULL;
}

static HINTERNET connect_to(HINTERNET ses, const char *which)
{
    return WinHttpConnect(ses, peer_host(), peer_port(which), 0);
}

/* Reuse after each way a response can end, and none after each way it
 * cannot. */
static void test_sync_reuse(void)
{
    static const struct { const WCHAR *verb, *path; DWORD status; const char *body; } ends[] = {
        { L"GET", L"/pool/conn", 200, NULL },        /* Content-Length */
        { L"GET", L"/pool/len0", 200, "" },          /* Content-Length: 0 (issue 12) */
        { L"GET", L"/pool/chunked", 200, "one|two" },
        { L"HEAD", L"/pool/conn", 200, "" },         /* Content-Length given, no body */
        { L"GET", L"/pool/status/204", 204, "" },
        { L"GET", L"/pool/status/304", 304, "" },
        { L"GET", L"/pool/interim?n=3", 200, "final" },  /* 100, 102, 103 skipped */
    };
    HINTERNET ses = open_session(), con = connect_to(ses, "WS");
    struct resp a, b;
    DWORD i;

    ok(ses && con, "handles: %lu\n", GetLastError());
    if (!con) { WinHttpCloseHandle(ses); return; }
    for (i = 0; i < ARRAYSIZE(ends); i++)
    {
        sync_request(con, ends[i].verb, ends[i].path, 0, NULL, NULL, TRUE, NULL, &a, FALSE);
        ok(!a.err && a.status == ends[i].status && a.conn, "%ls %ls: error %lu status %lu conn %lu\n", ends[i].verb,
           ends[i].path, a.err, a.status, a.conn);
        if (ends[i].body)
            ok(a.len == strlen(ends[i].body) && !memcmp(a.body, ends[i].body, a.len) &&
               (a.avail0 == a.len || (a.len && a.avail0 && a.avail0 <= a.len)),
               "%ls %ls: body '%s' (%lu), available %lu\n", ends[i].verb, ends[i].path, a.body, a.len, a.avail0);
        sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
        ok(!b.err && b.status == 200 && b.conn == a.conn, "after %ls %ls: conn %lu then %lu (error %lu)\n",
           ends[i].verb, ends[i].path, a.conn, b.conn, b.err);
    }
    /* the body left unread: a small one already here is dropped and the
     * connection reused; a large one closes it */
    sync_request(con, L"GET", L"/pool/big?n=100", 0, NULL, NULL, FALSE, NULL, &a, FALSE);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!a.err && !b.err && b.conn == a.conn && b.len && !strncmp(b.body, "conn ", 5),
       "small unread body: conn %lu then %lu, '%s'\n", a.conn, b.conn, b.body);
    sync_request(con, L"GET", L"/pool/big?n=4000000", 0, NULL, NULL, FALSE, NULL, &a, FALSE);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!a.err && !b.err && b.conn && b.conn != a.conn, "large unread body: conn %lu then %lu\n", a.conn, b.conn);
    /* Connection: close, and an HTTP/1.0 answer without keep-alive */
    sync_request(con, L"GET", L"/pool/close", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!a.err && !b.err && a.conn && b.conn != a.conn, "Connection: close: conn %lu then %lu\n", a.conn, b.conn);
    sync_request(con, L"GET", L"/pool/http10", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    ok(!a.err && a.len == 4 && !memcmp(a.body, "http", 4), "HTTP/1.0: error %lu '%s'\n", a.err, a.body);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!b.err && b.conn && b.conn != a.conn, "HTTP/1.0 without keep-alive: conn %lu then %lu (error %lu)\n", a.conn,
       b.conn, b.err);
    /* the request asked to close */
    sync_request(con, L"GET", L"/pool/conn", 0, L"Connection: close", NULL, TRUE, NULL, &a, FALSE);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!a.err && !b.err && a.conn && b.conn != a.conn, "request's Connection: close: conn %lu then %lu\n", a.conn,
       b.conn);
    /* another connect handle to the same server shares the session's pool */
    {
        HINTERNET con2 = connect_to(ses, "WS");
        sync_request(con2, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
        ok(!a.err && a.conn == b.conn, "second connect handle: conn %lu, pooled %lu\n", a.conn, b.conn);
        WinHttpCloseHandle(con2);
    }
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* Bytes after a response are the start of the next one, never dropped. */
static void test_pipelined(void)
{
    HINTERNET ses = open_session(), con = connect_to(ses, "WS");
    struct resp a, b;

    sync_request(con, L"GET", L"/pool/pipelined", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    ok(!a.err && a.len == 5 && !memcmp(a.body, "first", 5), "first answer: error %lu '%s'\n", a.err, a.body);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, L"X-Pipelined", &b, FALSE);
    ok(!b.err && b.conn == a.conn && !wcscmp(b.extra, L"yes") && b.len == 9 && !memcmp(b.body, "pipelined", 9),
       "the bytes read ahead: error %lu conn %lu/%lu X-Pipelined '%ls' body '%s'\n", b.err, a.conn, b.conn, b.extra,
       b.body);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* An idle connection the server closed: a GET is sent again on a new
 * connection, a POST is not (RFC 9112 9.3.1). */
static void test_server_closed(void)
{
    HINTERNET ses = open_session(), con = connect_to(ses, "WS");
    struct resp a, b, p0, p1;

    sync_request(con, L"GET", L"/pool/close-next", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!a.err && a.conn, "close-next: error %lu\n", a.err);
    ok(!b.err && b.status == 200 && b.conn && b.conn != a.conn, "GET retried: error %lu conn %lu then %lu\n", b.err,
       a.conn, b.conn);

    sync_request(con, L"GET", L"/pool/posts", 0, NULL, NULL, TRUE, NULL, &p0, FALSE);
    sync_request(con, L"GET", L"/pool/close-next", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    ok(!a.err && a.conn == p0.conn, "close-next on the pooled connection: %lu, %lu\n", a.conn, p0.conn);
    sync_request(con, L"POST", L"/pool/conn", 0, NULL, "data", TRUE, NULL, &b, FALSE);
    ok(b.err != 0, "POST on a connection the server closed: error %lu status %lu (not sent twice)\n", b.err, b.status);
    sync_request(con, L"GET", L"/pool/posts", 0, NULL, NULL, TRUE, NULL, &p1, FALSE);
    ok(!p0.err && !p1.err && atoi(p1.body) == atoi(p0.body) + 1, "POSTs the server saw: %s then %s\n", p0.body,
       p1.body);

    /* the server's idle timeout closes a pooled connection */
    sync_request(con, L"GET", L"/pool/idle-close?ms=200", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    Sleep(2000);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!a.err && !b.err && b.status == 200 && b.conn != a.conn, "after the server's idle close: conn %lu then %lu, "
       "error %lu\n", a.conn, b.conn, b.err);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* 1xx answers are skipped, WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE of them
 * at most; conditional headers go out as given. */
static void test_interim_and_conditional(void)
{
    HINTERNET ses = open_session(), con = connect_to(ses, "WS"), req;
    DWORD two = 2, avail = 0xdead, got = 0xdead, status = 0, size = sizeof(status);
    struct resp a;
    char buf[16];

    sync_request(con, L"GET", L"/pool/interim?n=12", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    ok(a.err == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "12 interim answers (default limit 10): error %lu status %lu\n",
       a.err, a.status);
    req = WinHttpOpenRequest(con, L"GET", L"/pool/interim?n=3", NULL, NULL, NULL, 0);
    ok(WinHttpSetOption(req, WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, &two, sizeof(two)), "option: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && !WinHttpReceiveResponse(req, NULL) &&
       GetLastError() == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "3 interim answers, limit 2: %lu\n", GetLastError());
    WinHttpCloseHandle(req);

    req = sync_request(con, L"GET", L"/pool/ims", 0, L"If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT", NULL, FALSE,
                       L"X-IMS", &a, TRUE);
    ok(!a.err && a.status == 304 && !wcscmp(a.extra, L"Sat, 01 Jan 2000 00:00:00 GMT"),
       "If-Modified-Since: error %lu status %lu, the server saw '%ls'\n", a.err, a.status, a.extra);
    ok(WinHttpQueryDataAvailable(req, &avail) && avail == 0, "304: available %lu (%lu)\n", avail, GetLastError());
    ok(WinHttpReadData(req, buf, sizeof(buf), &got) && got == 0, "304: read %lu (%lu)\n", got, GetLastError());
    WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
    WinHttpCloseHandle(req);
    {
        struct resp b;
        sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
        ok(!b.err && b.conn == a.conn, "after the 304: conn %lu then %lu\n", a.conn, b.conn);
    }
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* TLS connections are reused too; other security flags need another one. */
static void test_tls_reuse(void)
{
    HINTERNET ses = open_session(), con;
    struct resp a, b, c;

    if (!peer_port("WSS")) { skip("no TLS peer\n"); WinHttpCloseHandle(ses); return; }
    con = connect_to(ses, "WSS");
    sync_request(con, L"GET", L"/pool/conn", WINHTTP_FLAG_SECURE, NULL, NULL, TRUE, NULL, &a, FALSE);
    sync_request(con, L"GET", L"/pool/conn", WINHTTP_FLAG_SECURE, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!a.err && !b.err && a.conn && b.conn == a.conn, "TLS: conn %lu then %lu (error %lu %lu)\n", a.conn, b.conn,
       a.err, b.err);
    {
        HINTERNET req = WinHttpOpenRequest(con, L"GET", L"/pool/conn", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
        DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA, size = sizeof(DWORD);
        ok(WinHttpSetOption(req, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags)), "flags: %lu\n", GetLastError());
        ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL), "send: %lu\n",
           GetLastError());
        memset(&c, 0, sizeof(c));
        WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &c.status, &size, NULL);
        c.conn = header_number(req, L"X-Conn");
        ok(c.status == 200 && c.conn && c.conn != b.conn, "other security flags: conn %lu, pooled %lu\n", c.conn, b.conn);
        WinHttpCloseHandle(req);
    }
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* Notifications: a reused connection is neither resolved nor connected;
 * closing a request whose connection is not kept reports
 * CLOSING_CONNECTION and CONNECTION_CLOSED before HANDLE_CLOSING (Wine's
 * notification tests, checked on Windows).  Those tests also show Windows
 * reusing a connection from an earlier session of the process, so this
 * runs first, with a server name no other test here uses. */
static void test_notifications(void)
{
    static const DWORD fresh[] = { WINHTTP_CALLBACK_STATUS_HANDLE_CREATED,
        WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED,
        WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
        WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
        WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED,
        WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING };
    static const DWORD reused[] = { WINHTTP_CALLBACK_STATUS_HANDLE_CREATED,
        WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
        WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED,
        WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING };
    static const DWORD closed[] = { WINHTTP_CALLBACK_STATUS_HANDLE_CREATED,
        WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
        WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED,
        WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION, WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED,
        WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING };
    HINTERNET ses = open_session(), con, req;
    struct resp a;

    WinHttpSetStatusCallback(ses, note_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    con = WinHttpConnect(ses, peer_name(), peer_port("WS"), 0);
    notes_reset();
    req = sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &a, TRUE);
    WinHttpCloseHandle(req);
    ok(!a.err && notes_are(req, fresh, ARRAYSIZE(fresh)), "first request: %s\n", notes_for(req));
    notes_reset();
    req = sync_request(con, L"GET", L"/pool/close", 0, NULL, NULL, TRUE, NULL, &a, TRUE);
    WinHttpCloseHandle(req);
    ok(notes_are(req, closed, ARRAYSIZE(closed)), "Connection: close on a reused connection: %s\n", notes_for(req));
    notes_reset();
    req = sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &a, TRUE);
    WinHttpCloseHandle(req);
    ok(!a.err && notes_are(req, fresh, ARRAYSIZE(fresh)), "after a close: %s\n", notes_for(req));
    notes_reset();
    req = sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &a, TRUE);
    WinHttpCloseHandle(req);
    ok(!a.err && notes_are(req, reused, ARRAYSIZE(reused)), "reused: %s\n", notes_for(req));
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* ---- asynchronous mode ---- */

/* the first of two statuses to come for h after note `from` */
static int wait_either(HINTERNET h, DWORD want, DWORD fail, int from)
{
    DWORD start = GetTickCount();
    struct note n;
    int i;

    for (;;)
    {
        for (i = from; note_get(i, &n); i++)
            if (n.handle == h && (n.status == want || n.status == fail)) return n.status == want ? i : -1;
        if (GetTickCount() - start > WAIT_MS) return -1;
        Sleep(5);
    }
}

/* when set, the callback closes a request as its body ends (a common
 * pattern: WinHttpCloseHandle from READ_COMPLETE with 0 bytes) */
static BOOL close_on_end;

static void CALLBACK pool_callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    note_callback(h, ctx, status, info, len);
    if (close_on_end && status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE && !len) WinHttpCloseHandle(h);
}

static void async_request(HINTERNET con, const WCHAR *verb, const WCHAR *path, struct resp *r, const char **seq)
{
    HINTERNET req = WinHttpOpenRequest(con, verb, path, NULL, NULL, NULL, 0);
    DWORD size = sizeof(DWORD);
    static char seqbuf[512];
    struct note n;
    int i;

    memset(r, 0, sizeof(*r));
    notes_reset();
    if (!req || !WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) ||
        wait_either(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0) < 0 ||
        !WinHttpReceiveResponse(req, NULL) ||
        wait_either(req, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0) < 0)
    {
        r->err = GetLastError() ? GetLastError() : ~0u;
        goto done;
    }
    WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &r->status, &size, NULL);
    r->conn = header_number(req, L"X-Conn");
    for (;;)
    {
        int from = notes_count();
        if (!WinHttpReadData(req, r->body + r->len, sizeof(r->body) - 1 - r->len, NULL) ||
            (i = wait_either(req, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, from)) < 0)
        {
            r->err = ~0u;
            break;
        }
        note_get(i, &n);
        if (!n.len) break;
        r->len += n.len;
        if (r->len == sizeof(r->body) - 1) break;
    }
done:
    if (seq)
    {
        snprintf(seqbuf, sizeof(seqbuf), "%s", notes_for(req));
        *seq = seqbuf;
    }
    /* the connection goes back once the last reference is gone: then
     * HANDLE_CLOSING comes */
    if (!close_on_end || r->err) WinHttpCloseHandle(req);
    ok(note_wait(req, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, WAIT_MS) >= 0, "no HANDLE_CLOSING for %ls\n", path);
}

static void test_async_reuse(void)
{
    HINTERNET ses = open_async_session(), con;
    struct resp a, b;
    const char *seq;
    DWORD i;
    static const WCHAR *const paths[] = { L"/pool/conn", L"/pool/len0", L"/pool/chunked", L"/pool/status/304",
                                          L"/pool/status/204", L"/pool/interim?n=2" };

    ok(ses != NULL, "session: %lu\n", GetLastError());
    if (!ses) return;
    con = connect_to(ses, "WS");
    for (i = 0; i < ARRAYSIZE(paths); i++)
    {
        async_request(con, L"GET", paths[i], &a, NULL);
        async_request(con, L"GET", L"/pool/conn", &b, &seq);
        ok(!a.err && !b.err && a.conn && b.conn == a.conn, "async %ls then /pool/conn: conn %lu then %lu (%lu %lu)\n",
           paths[i], a.conn, b.conn, a.err, b.err);
        ok(!strstr(seq, "CONNECTING_TO_SERVER") && !strstr(seq, "RESOLVING_NAME") && strstr(seq, "SENDING_REQUEST"),
           "async reused connection: %s\n", seq);
    }
    async_request(con, L"HEAD", L"/pool/conn", &a, NULL);
    async_request(con, L"GET", L"/pool/conn", &b, NULL);
    ok(!a.err && a.status == 200 && a.len == 0 && b.conn == a.conn && b.len > 5, "async HEAD: conn %lu then %lu, %lu "
       "bytes\n", a.conn, b.conn, a.len);
    /* a server-closed idle connection: the GET goes again on a new one */
    async_request(con, L"GET", L"/pool/close-next", &a, NULL);
    async_request(con, L"GET", L"/pool/conn", &b, NULL);
    ok(!a.err && !b.err && b.status == 200 && b.conn && b.conn != a.conn, "async retry: conn %lu then %lu (error %lu)\n",
       a.conn, b.conn, b.err);
    /* pipelined bytes */
    async_request(con, L"GET", L"/pool/pipelined", &a, NULL);
    async_request(con, L"GET", L"/pool/conn", &b, NULL);
    ok(!a.err && !b.err && b.conn == a.conn && b.len == 9 && !memcmp(b.body, "pipelined", 9),
       "async read-ahead kept: conn %lu/%lu '%s'\n", a.conn, b.conn, b.body);
    /* closed from its own READ_COMPLETE callback: the connection is kept */
    WinHttpSetStatusCallback(con, pool_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    close_on_end = TRUE;
    async_request(con, L"GET", L"/pool/conn", &a, NULL);
    close_on_end = FALSE;
    async_request(con, L"GET", L"/pool/conn", &b, NULL);
    ok(!a.err && !b.err && a.conn && b.conn == a.conn, "closed in the callback: conn %lu then %lu\n", a.conn, b.conn);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* WINHTTP_OPTION_DISABLE_FEATURE with WINHTTP_DISABLE_KEEP_ALIVE ("disables
 * keep-alive semantics for the connection", Option Flags page): the
 * request neither takes an idle connection nor leaves its own for reuse. */
static DWORD no_keep_alive_request(HINTERNET con, DWORD *err)
{
    HINTERNET req = WinHttpOpenRequest(con, L"GET", L"/pool/conn", NULL, WINHTTP_NO_REFERER,
                                       WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    DWORD opt = WINHTTP_DISABLE_KEEP_ALIVE, conn = 0, got;
    char buf[64];

    *err = 0;
    if (!req || !WinHttpSetOption(req, WINHTTP_OPTION_DISABLE_FEATURE, &opt, sizeof(opt)) ||
        !WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL))
        *err = GetLastError();
    else
    {
        conn = header_number(req, L"X-Conn");
        while (WinHttpReadData(req, buf, sizeof(buf), &got) && got) ;
    }
    WinHttpCloseHandle(req);
    return conn;
}

static void test_keep_alive_disabled(void)
{
    HINTERNET ses = open_session(), con = connect_to(ses, "WS");
    struct resp a, b;
    DWORD err, c;

    ok(ses && con, "handles: %lu\n", GetLastError());
    if (!con) { WinHttpCloseHandle(ses); return; }
    /* its own connection is not kept */
    c = no_keep_alive_request(con, &err);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    ok(!err && c && !a.err && a.conn && a.conn != c, "keep-alive disabled, then a request: conn %lu then %lu (%lu)\n",
       c, a.conn, err);
    /* an idle connection is not taken (and stays for the next request) */
    c = no_keep_alive_request(con, &err);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!err && c && c != a.conn, "keep-alive disabled took idle conn %lu (%lu)\n", a.conn, err);
    ok(!b.err && b.conn == a.conn, "the idle connection after it: conn %lu, kept %lu\n", b.conn, a.conn);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* the peer's /pool/gzip pattern (http_routes.js) */
static BOOL gzip_pattern_ok(const BYTE *p, DWORD from, DWORD n)
{
    static BYTE *pat;
    static DWORD pat_len;
    DWORD i, x = 1;

    if (from + n > pat_len)
    {
        free(pat);
        pat_len = from + n;
        if (!(pat = malloc(pat_len))) { pat_len = 0; return FALSE; }
        for (i = 0; i < pat_len; i++) { x = x * 1103515245u + 12345u; pat[i] = (BYTE)(x >> 16); }
    }
    return !memcmp(p, pat + from, n);
}

/* A body inflated on the way (WINHTTP_OPTION_DECOMPRESSION) and read to
 * its end leaves the connection for the next request, which gets its own
 * plain answer; synchronous (length and chunked framing, bodies larger
 * than the inflater's buffers) and asynchronous. */
static void test_decompressed_reuse(void)
{
    static const WCHAR *const paths[] = { L"/pool/gzip?n=150000", L"/pool/gzip?n=150000&chunked=1" };
    DWORD opt = WINHTTP_DECOMPRESSION_FLAG_ALL, i, got, total, avail, conn, err;
    HINTERNET ses = open_session(), con, req;
    static BYTE buf[70000];
    struct resp b;
    BOOL good;

    ok(ses && WinHttpSetOption(ses, WINHTTP_OPTION_DECOMPRESSION, &opt, sizeof(opt)), "decompression option: %lu\n",
       GetLastError());
    con = connect_to(ses, "WS");
    for (i = 0; i < ARRAYSIZE(paths); i++)
    {
        req = WinHttpOpenRequest(con, L"GET", paths[i], NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
        total = conn = err = 0;
        good = TRUE;
        if (!req || !WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL))
            err = GetLastError();
        else
        {
            conn = header_number(req, L"X-Conn");
            for (;;)
            {
                if (!WinHttpQueryDataAvailable(req, &avail)) { err = GetLastError(); break; }
                if (!avail) break;
                if (!WinHttpReadData(req, buf, min(avail, sizeof(buf)), &got)) { err = GetLastError(); break; }
                if (!got) break;
                if (!gzip_pattern_ok(buf, total, got)) good = FALSE;
                total += got;
            }
        }
        WinHttpCloseHandle(req);
        ok(!err && conn && total == 150000 && good, "%ls: error %lu, %lu bytes inflated, pattern %d\n", paths[i], err,
           total, good);
        sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
        ok(!b.err && b.status == 200 && b.conn == conn && b.len && !strncmp(b.body, "conn ", 5),
           "after %ls: conn %lu then %lu, '%s' (error %lu)\n", paths[i], conn, b.conn, b.body, b.err);
    }
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void test_decompressed_reuse_async(void)
{
    DWORD opt = WINHTTP_DECOMPRESSION_FLAG_ALL;
    HINTERNET ses = open_async_session(), con;
    struct resp a, b;

    ok(ses && WinHttpSetOption(ses, WINHTTP_OPTION_DECOMPRESSION, &opt, sizeof(opt)), "decompression option: %lu\n",
       GetLastError());
    con = connect_to(ses, "WS");
    WinHttpSetStatusCallback(con, pool_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    async_request(con, L"GET", L"/pool/gzip?n=200&chunked=1", &a, NULL);
    async_request(con, L"GET", L"/pool/conn", &b, NULL);
    ok(!a.err && a.conn && a.len == 200 && gzip_pattern_ok((BYTE *)a.body, 0, 200), "async inflated: error %lu, %lu bytes\n",
       a.err, a.len);
    ok(!b.err && b.conn == a.conn && !strncmp(b.body, "conn ", 5), "async after inflated: conn %lu then %lu '%s'\n",
       a.conn, b.conn, b.body);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* A cookie set by a response on a connection that the server then closes
 * while idle: the next request, sent again on a new connection, carries it
 * (sync and async). */
static void test_cookie_on_retry(void)
{
    HINTERNET ses = open_session(), con = connect_to(ses, "WS");
    struct resp a, b;

    sync_request(con, L"GET", L"/pool/cookie-close-next", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    sync_request(con, L"GET", L"/pool/cookie-echo", 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    ok(!a.err && !b.err && a.conn && b.conn && b.conn != a.conn && b.len == 8 && !memcmp(b.body, "pooled=1", 8),
       "sync: conn %lu then %lu, cookie '%s' (errors %lu %lu)\n", a.conn, b.conn, b.body, a.err, b.err);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);

    ses = open_async_session();
    con = connect_to(ses, "WS");
    WinHttpSetStatusCallback(con, pool_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    async_request(con, L"GET", L"/pool/cookie-close-next", &a, NULL);
    async_request(con, L"GET", L"/pool/cookie-echo", &b, NULL);
    ok(!a.err && !b.err && a.conn && b.conn && b.conn != a.conn && b.len == 8 && !memcmp(b.body, "pooled=1", 8),
       "async: conn %lu then %lu, cookie '%s' (errors %lu %lu)\n", a.conn, b.conn, b.body, a.err, b.err);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* A redirect to another host name of the same server: the first hop's
 * connection (reused) goes back under the first name, the second hop gets
 * a connection of its own, and each is found again under its own name. */
static void test_redirect_across_hosts(void)
{
    HINTERNET ses = open_session(), con = connect_to(ses, "WS"), con2;
    WCHAR path[160];
    struct resp a, b, c, d;

    swprintf(path, ARRAYSIZE(path), L"/redirect/302?to=http://%ls:%u/pool/conn", peer_name(), peer_port("WS"));
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &a, FALSE);
    sync_request(con, L"GET", path, 0, NULL, NULL, TRUE, NULL, &b, FALSE);
    sync_request(con, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &c, FALSE);
    con2 = WinHttpConnect(ses, peer_name(), peer_port("WS"), 0);
    sync_request(con2, L"GET", L"/pool/conn", 0, NULL, NULL, TRUE, NULL, &d, FALSE);
    ok(!a.err && !b.err && b.status == 200 && a.conn && b.conn && b.conn != a.conn,
       "redirected to %ls: conn %lu then %lu (status %lu, errors %lu %lu)\n", peer_name(), a.conn, b.conn, b.status,
       a.err, b.err);
    ok(!c.err && c.conn == a.conn, "first name again: conn %lu, first %lu\n", c.conn, a.conn);
    ok(!d.err && d.conn == b.conn, "second name again: conn %lu, redirected %lu\n", d.conn, b.conn);
    WinHttpCloseHandle(con2);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}
void test_pool_limits(void);  /* test_pool_limit.c */

void test_pool(void)
{
    test_notifications();
    test_sync_reuse();
    test_pipelined();
    test_interim_and_conditional();
    test_tls_reuse();
    test_async_reuse();
    test_server_closed();
    test_keep_alive_disabled();
    test_decompressed_reuse();
    test_decompressed_reuse_async();
    test_cookie_on_retry();
    test_redirect_across_hosts();
    test_pool_limits();
}
