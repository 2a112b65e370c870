/*
 * Requests: WinHttpOpenRequest, WinHttpSendRequest, WinHttpWriteData,
 * WinHttpReceiveResponse, WinHttpQueryDataAvailable, WinHttpReadData.
 * Connections are reused through the session's pool (pool.c).
 */
#include <stdio.h>
#include "private.h"
#include "client_cert.h"
#include "proxy.h"
#include "codec/http_parse.h"
#include "codec/ws_handshake.h"

static void request_task(void *ctx, ULONGLONG arg);
static BOOL drain_body(struct request *r);
static void send_request_end(struct request *r);

/* No step runs on r now (a call holds hdr.cs while it works; an
 * asynchronous one may be reporting its completion, or queued, which is
 * fine), none is parked on the connection, and the response is read to the
 * end (or the rest was here already and is dropped): the connection may go
 * back to the pool instead of being cancelled.  Waits for nothing. */
static BOOL request_quiet(struct request *r)
{
    BOOL quiet;

    if (!TryEnterCriticalSection(&r->hdr.cs)) return FALSE;
    AcquireSRWLockShared(&r->wait_lock);
    quiet = !r->waiting && r->hdr.cs.RecursionCount == 1;  /* not from a callback inside a running step */
    ReleaseSRWLockShared(&r->wait_lock);
    if (quiet) quiet = drain_body(r);
    LeaveCriticalSection(&r->hdr.cs);
    return quiet;
}

static void request_close(struct object *obj)
{
    struct request *r = (struct request *)obj;
    void *waiting;
    BOOL timers;

    /* wake a blocked call on another thread; it releases its reference after */
    AcquireSRWLockShared(&r->conn_lock);
    if (r->conn && !request_quiet(r)) netconn_cancel(r->conn);
    ReleaseSRWLockShared(&r->conn_lock);
    pool_request_closed(r);  /* a wait for a connection ends too */
    /* a step waiting for data ends now (cancelled); the calls queued behind
     * it follow, cancelled too */
    AcquireSRWLockExclusive(&r->wait_lock);
    waiting = r->waiting;
    r->waiting = NULL;
    timers = r->timers;
    ReleaseSRWLockExclusive(&r->wait_lock);
    if (timers) timers_remove(obj->handle);
    if (waiting && !queue_task(request_task, waiting, 0)) request_task(waiting, 0);
}

/* Install a new connection (or NULL), returning the old one for the caller
 * to close or hand on. */
struct netconn *request_swap_conn(struct request *r, struct netconn *conn)
{
    struct netconn *old;
    AcquireSRWLockExclusive(&r->conn_lock);
    old = r->conn;
    r->conn = conn;
    ReleaseSRWLockExclusive(&r->conn_lock);
    return old;
}

static void request_reset_response(struct request *r)
{
    heap_free(r->status_text); r->status_text = NULL;
    heap_free(r->resp_version); r->resp_version = NULL;
    heap_free(r->raw_headers); r->raw_headers = NULL;
    headers_free(&r->resp_headers);
    heap_free(r->chunked); r->chunked = NULL;
    heap_free(r->body_buf); r->body_buf = NULL;
    r->body_buf_len = r->body_buf_pos = 0;
    r->status_code = 0;
    r->body_mode = BODY_NONE;
    r->body_done = FALSE;
    decomp_free(r);
}

/* The connection leaves the request: back to the pool when the response
 * allows it, else closed (notify: with CLOSING_CONNECTION and
 * CONNECTION_CLOSED, as when the handle closes). */
static void request_release_conn(struct request *r, BOOL notify)
{
    struct netconn *c;

    if (!r->conn) return;
    drain_body(r);
    c = request_swap_conn(r, NULL);
    if (c->pool_key && !c->eof && !c->cancelled && c->opening == NETCONN_READY && !c->tls_pending &&
        pool_response_allows(r))
    {
        pool_put(r->connect->session, c);
        return;
    }
    if (notify) send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION, NULL, 0);
    netconn_close(c);
    if (notify) send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED, NULL, 0);
}

/* last reference gone, before HANDLE_CLOSING (handle.c) */
void request_closing(struct object *obj)
{
    request_release_conn((struct request *)obj, TRUE);
}

/* RFC 9112 9.3.1: a request is sent again on a new connection, once, when
 * the reused connection failed before any of the response came, and only
 * when its method is idempotent and all of its body can be sent again. */
static BOOL may_retry(const struct request *r, DWORD optional_len, DWORD total)
{
    static const WCHAR *const idempotent[] = { L"GET", L"HEAD", L"PUT", L"DELETE", L"OPTIONS", L"TRACE" };
    DWORD i;

    if (r->retried || !r->conn || !r->conn->uses || optional_len != total || r->hdr.closed) return FALSE;
    for (i = 0; i < ARRAYSIZE(idempotent); i++)
        if (!wcscmp(r->verb, idempotent[i])) return TRUE;
    return FALSE;
}

static void request_destroy(struct object *obj)
{
    struct request *r = (struct request *)obj;
    netconn_close(r->conn);
    pool_unreserve(r);
    heap_free(r->pool_key);
    request_reset_response(r);
    auth_free(r);
    headers_free(&r->req_headers);
    proxy_config_free(r->proxy);
    heap_free(r->proxy);
    client_cert_free(r->client_cert);
    heap_free(r->verb);
    heap_free(r->path);
    heap_free(r->redir_server);
    heap_free(r->version);
    heap_free(r);
}

static void request_timer(struct object *obj, ULONGLONG now);
static void request_readable(struct object *obj, DWORD seq);
static const struct object_vtbl request_vtbl = { request_close, request_destroy, request_timer, request_readable };

static DWORD queue_request_task(struct request *r, DWORD api, const void *data, DWORD len, DWORD total);

/* Grab a request handle for an API call: ERROR_INVALID_HANDLE or
 * ERROR_WINHTTP_INCORRECT_HANDLE_TYPE on failure (already set). */
static struct request *grab_request(HINTERNET h)
{
    DWORD err;
    struct object *obj = grab_typed(h, WINHTTP_HANDLE_TYPE_REQUEST, &err);
    if (!obj) set_error(err);
    return (struct request *)obj;
}

HINTERNET WINAPI WinHttpOpenRequest(HINTERNET hconnect, LPCWSTR verb, LPCWSTR object, LPCWSTR version,
                                    LPCWSTR referrer, LPCWSTR *types, DWORD flags)
{
    struct object *obj;
    struct connect *c;
    struct request *r;
    HINTERNET h = NULL;

    TRACE("%p, %s, %s, %s, %s, %p, 0x%08lx\n", hconnect, dbg_w(verb), dbg_w(object), dbg_w(version),
          dbg_w(referrer), types, flags);
    if (!(obj = grab_object(hconnect))) { set_error(ERROR_INVALID_HANDLE); return NULL; }
    if (obj->type != WINHTTP_HANDLE_TYPE_CONNECT)
    {
        set_error(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        goto done;
    }
    c = (struct connect *)obj;
    if (!(r = heap_alloc_zero(sizeof(*r)))) { set_error(ERROR_NOT_ENOUGH_MEMORY); goto done; }
    init_object(&r->hdr, WINHTTP_HANDLE_TYPE_REQUEST, &request_vtbl, obj);
    InitializeSRWLock(&r->conn_lock);
    r->connect = c;
    r->verb = strdupW(verb && verb[0] ? verb : L"GET");
    if (object && object[0])
    {
        if (object[0] == '/') r->path = strdupW(object);
        else
        {
            size_t len = wcslen(object);
            if ((r->path = heap_alloc((len + 2) * sizeof(WCHAR))))
            {
                r->path[0] = '/';
                memcpy(r->path + 1, object, (len + 1) * sizeof(WCHAR));
            }
        }
    }
    else r->path = strdupW(L"/");
    r->version = strdupW(version && version[0] ? version : L"HTTP/1.1");
    r->open_flags = flags;
    options_request_inherit(r, c->session);
    r->state = REQ_OPEN;
    if (!r->verb || !r->path || !r->version)
    {
        release_object(&r->hdr);
        set_error(ERROR_NOT_ENOUGH_MEMORY);
        goto done;
    }
    if (referrer && referrer[0])
        headers_add(&r->req_headers, L"Referer", 7, referrer, wcslen(referrer));
    if (types)
    {
        for (; *types; types++)
        {
            int i = headers_find(&r->req_headers, L"Accept", 0);
            if (i < 0) headers_add(&r->req_headers, L"Accept", 6, *types, wcslen(*types));
            else
            {
                /* coalesce into one Accept header */
                struct header *hd = &r->req_headers.items[i];
                size_t a = wcslen(hd->value), b = wcslen(*types);
                WCHAR *v = heap_alloc((a + b + 3) * sizeof(WCHAR));
                if (!v) continue;
                memcpy(v, hd->value, a * sizeof(WCHAR));
                v[a] = ','; v[a + 1] = ' ';
                memcpy(v + a + 2, *types, (b + 1) * sizeof(WCHAR));
                heap_free(hd->value);
                hd->value = v;
            }
        }
    }
    if ((h = alloc_handle(&r->hdr)))
    {
        send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &h, sizeof(h));
        set_error(ERROR_SUCCESS);
    }
    else set_error(ERROR_OUTOFMEMORY);
    release_object(&r->hdr);
done:
    release_object(obj);
    return h;
}

/* ---- building the request head ---- */

struct strbuf { char *p; size_t len, cap; BOOL oom; };

static void sb_add(struct strbuf *b, const char *s, size_t len)
{
    if (b->oom) return;
    if (b->len + len + 1 > b->cap)
    {
        size_t cap = max(b->cap * 2, b->len + len + 256);
        char *p = heap_realloc(b->p, cap);
        if (!p) { b->oom = TRUE; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, len);
    b->len += len;
    b->p[b->len] = 0;
}

static void sb_str(struct strbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_wstr(struct strbuf *b, const WCHAR *s)
{
    char *a = strdupWA(s);
    if (!a) { b->oom = TRUE; return; }
    sb_str(b, a);
    heap_free(a);
}

static BOOL default_port(INTERNET_PORT port, BOOL secure)
{
    return (secure && port == INTERNET_DEFAULT_HTTPS_PORT) || (!secure && port == INTERNET_DEFAULT_HTTP_PORT);
}

static BOOL verb_is(const struct request *r, const WCHAR *v) { return !wcscmp(r->verb, v); }

/* via: VIA_PROXY, the request goes to a proxy (absolute-form target, RFC
 * 9112 3.2.2); VIA_TUNNEL, to the server through a proxy's tunnel (the
 * proxy's credentials stay out of it) */
enum via { VIA_DIRECT, VIA_PROXY, VIA_TUNNEL };

static DWORD build_request_head(struct request *r, INTERNET_PORT port, BOOL secure, DWORD total, enum via via,
                                struct strbuf *b)
{
    struct session *s = r->connect->session;
    size_t target_at;
    char *target = NULL;
    char *cookies;
    const char *accept_encoding = decomp_accept_encoding(r);   /* decompress.c */
    BOOL cookies_out = FALSE;
    DWORD i;

    DWORD err;

    /* the headers we add become request headers, as on Windows (queryable
     * with WINHTTP_QUERY_FLAG_REQUEST_HEADERS once sent) */
    if (headers_find(&r->req_headers, L"Host", 0) < 0)
    {
        size_t n = wcslen(request_server(r)) + 8;
        WCHAR *host = heap_alloc(n * sizeof(WCHAR));
        if (!host) return ERROR_NOT_ENOUGH_MEMORY;
        if (default_port(port, secure)) swprintf(host, n, L"%ls", request_server(r));
        else swprintf(host, n, L"%ls:%u", request_server(r), port);
        err = headers_set(&r->req_headers, L"Host", host, TRUE);
        heap_free(host);
        if (err) return err;
    }
    if (s->agent && s->agent[0] && headers_find(&r->req_headers, L"User-Agent", 0) < 0 &&
        (err = headers_set(&r->req_headers, L"User-Agent", s->agent, FALSE)))
        return err;
    if (r->websocket_upgrade)
    {
        BYTE nonce[16];
        WCHAR key[32];
        if ((err = transport_random(nonce, sizeof(nonce)))) return err;
        ws_make_key(nonce, r->ws_key);  /* a new key for each send */
        swprintf(key, ARRAYSIZE(key), L"%hs", r->ws_key);
        if ((err = headers_set(&r->req_headers, L"Upgrade", L"websocket", FALSE)) ||
            (err = headers_set(&r->req_headers, L"Connection", L"Upgrade", FALSE)) ||
            (err = headers_set(&r->req_headers, L"Sec-WebSocket-Key", key, FALSE)) ||
            (err = headers_set(&r->req_headers, L"Sec-WebSocket-Version", L"13", FALSE)))
            return err;
    }
    sb_wstr(b, r->verb); sb_str(b, " ");
    target_at = b->len;
    if (via == VIA_PROXY)
    {
        char portbuf[16];
        sb_str(b, "http://");
        sb_wstr(b, request_server(r));
        sprintf(portbuf, ":%u", port);
        if (!default_port(port, secure)) sb_str(b, portbuf);
    }
    {
        char *name = object_name_escape(r->path, r->open_flags);  /* object_name.c */
        if (name) sb_str(b, name);
        else b->oom = TRUE;
        heap_free(name);
    }
    /* the absolute URI a proxy's Digest answer covers */
    if (via == VIA_PROXY && !b->oom)
    {
        if ((target = heap_alloc(b->len - target_at + 1))) memcpy(target, b->p + target_at, b->len - target_at + 1);
        else b->oom = TRUE;
    }
    sb_str(b, " ");
    sb_wstr(b, r->version); sb_str(b, "\r\n");
    if (!r->websocket_upgrade && headers_find(&r->req_headers, L"Connection", 0) < 0)
        sb_str(b, "Connection: Keep-Alive\r\n");
    if ((total || verb_is(r, L"POST") || verb_is(r, L"PUT")) && headers_find(&r->req_headers, L"Content-Length", 0) < 0
        && headers_find(&r->req_headers, L"Transfer-Encoding", 0) < 0)
    {
        char num[32];
        sprintf(num, "Content-Length: %lu\r\n", total);
        sb_str(b, num);
    }
    cookies = cookies_for_request(r);   /* cookie_store.c */
    for (i = 0; i < r->req_headers.count; i++)
    {
        if (via == VIA_TUNNEL && !strcmpiW_ascii(r->req_headers.items[i].name, L"Proxy-Authorization")) continue;
        if (accept_encoding && !strcmpiW_ascii(r->req_headers.items[i].name, L"Accept-Encoding")) continue;
        sb_wstr(b, r->req_headers.items[i].name);
        sb_str(b, ": ");
        sb_wstr(b, r->req_headers.items[i].value);
        if (cookies && !cookies_out && !strcmpiW_ascii(r->req_headers.items[i].name, L"Cookie"))
        {
            /* the application's Cookie header first, the store's after it */
            if (r->req_headers.items[i].value[0]) sb_str(b, "; ");
            sb_str(b, cookies);
            cookies_out = TRUE;
        }
        sb_str(b, "\r\n");
    }
    if (accept_encoding) { sb_str(b, "Accept-Encoding: "); sb_str(b, accept_encoding); sb_str(b, "\r\n"); }
    if (cookies && !cookies_out) { sb_str(b, "Cookie: "); sb_str(b, cookies); sb_str(b, "\r\n"); }
    heap_free(cookies);
    {
        char *line = auth_header(r, WINHTTP_AUTH_TARGET_SERVER, NULL, &err);   /* auth.c */
        if (!err && line) { sb_str(b, line); heap_free(line); }
        if (!err && target && (line = auth_header(r, WINHTTP_AUTH_TARGET_PROXY, target, &err)))
        {
            sb_str(b, line);
            heap_free(line);
        }
        heap_free(target);
        if (err) return err;
    }
    sb_str(b, "\r\n");
    return b->oom ? ERROR_NOT_ENOUGH_MEMORY : ERROR_SUCCESS;
}

static void name_callback(struct request *r, DWORD status, const WCHAR *name)
{
    send_callback(&r->hdr, status, (void *)name, (wcslen(name) + 1) * sizeof(WCHAR));
}

/* What every send does first: a fresh start, the proxy to use if any
 * (proxy->host NULL: none), the request head, the first notifications. */
static DWORD send_begin(struct request *r, DWORD total, struct strbuf *head, INTERNET_PORT *port, BOOL *secure,
                        struct proxy_target *proxy)
{
    struct netconn *conn;
    const WCHAR *peer;
    DWORD err;

    /* Windows refuses an upgrade whose send buffer cannot hold a frame header
     * (WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE below 16; Wine's tests) */
    if (r->websocket_upgrade && r->ws_send_buffer && r->ws_send_buffer < 16) return ERROR_NOT_ENOUGH_MEMORY;
    *secure = (r->open_flags & WINHTTP_FLAG_SECURE) != 0;
    *port = request_port(r);
    if (*port == INTERNET_DEFAULT_PORT) *port = *secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    /* a resend starts from scratch (on the same connection when it is
     * reusable: it goes to the pool and comes back) */
    request_release_conn(r, FALSE);
    request_reset_response(r);
    r->receiving_sent = FALSE;
    r->state = REQ_FAILED;
    if ((err = proxy_pick(r, *secure, *port, proxy))) return err;
    if ((err = build_request_head(r, *port, *secure, total,
                                  !proxy->host ? VIA_DIRECT : *secure ? VIA_TUNNEL : VIA_PROXY, head))) return err;
    heap_free(r->pool_key);
    r->pool_key = pool_make_key(r, *secure, *port, proxy->host, proxy->port);
    if ((err = pool_get(r, &conn)))  /* the server's connection limit (pool.c) */
    {
        heap_free(proxy->host);
        proxy->host = NULL;
        heap_free(head->p);
        memset(head, 0, sizeof(*head));
        return err;
    }
    if (conn)
    {
        /* a connection kept alive: nothing to resolve or connect (Windows
         * reports neither; Wine's notification tests) */
        request_swap_conn(r, conn);
        return ERROR_SUCCESS;
    }
    r->retry_fresh = FALSE;
    /* the transport resolves and connects in one call: the name is reported
     * for NAME_RESOLVED too (it is the address when the server is one); the
     * proxy is where we connect when there is one */
    peer = proxy->host ? proxy->host : request_server(r);
    name_callback(r, WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, peer);
    name_callback(r, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, peer);
    name_callback(r, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, peer);
    return ERROR_SUCCESS;
}

/* peer NULL: on a reused connection */
static void send_connected(struct request *r, const WCHAR *peer, const char *head)
{
    if (peer) name_callback(r, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, peer);
    TRACE("request head:\n%s", head);
    send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, NULL, 0);
}

static void send_done(struct request *r, DWORD head_len, DWORD optional_len, DWORD total)
{
    send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_REQUEST_SENT, &head_len, sizeof(DWORD));
    r->optional_total = total;
    r->optional_sent = optional_len;
    r->state = REQ_SENT;
}

/* Connect (through the proxy when there is one), waiting. *refused: the
 * proxy refused the tunnel, its answer is the response. */
static DWORD send_open(struct request *r, const struct proxy_target *proxy, INTERNET_PORT port, BOOL secure,
                       BOOL *refused)
{
    struct netconn *conn;
    DWORD err;

    *refused = FALSE;
    if (proxy->host) err = proxy_open_connection(r, proxy, port, secure, &conn, refused);
    else err = netconn_open(request_server(r), port, secure, r->security_flags, r->connect->session, r->client_cert,
                            &r->timeouts, &conn, &r->cert_errors);
    if (err == ERROR_WINHTTP_SECURE_FAILURE)
        send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, &r->cert_errors, sizeof(r->cert_errors));
    if (err) { pool_unreserve(r); return err; }
    request_swap_conn(r, conn);
    if (r->hdr.closed) return ERROR_WINHTTP_OPERATION_CANCELLED;
    if (!r->no_client_cert && netconn_cert_requested(conn)) return ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED;
    if (*refused) r->state = REQ_SENT;
    return ERROR_SUCCESS;
}

static DWORD send_request(struct request *r, const WCHAR *headers, DWORD headers_len, const void *optional,
                          DWORD optional_len, DWORD total)
{
    struct strbuf head = { 0 };
    struct whnet_buf bufs[2];
    struct proxy_target proxy = { 0 };
    INTERNET_PORT port;
    BOOL secure, refused;
    DWORD err;

    if (headers && headers_len)
    {
        if ((err = add_request_headers(r, headers, headers_len, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE)))
            return err;
    }
again:
    if ((err = send_begin(r, total, &head, &port, &secure, &proxy))) goto done;
    if (r->conn) send_connected(r, NULL, head.p);  /* reused */
    else
    {
        if ((err = send_open(r, &proxy, port, secure, &refused))) goto done;
        send_connected(r, proxy.host ? proxy.host : request_server(r), head.p);
        if (refused) goto done;
        pool_attach(r, r->conn);
    }
    bufs[0].data = head.p;
    bufs[0].len = (uint32_t)head.len;
    bufs[1].data = optional;
    bufs[1].len = optional_len;
    if ((err = netconn_send(r->conn, bufs, optional_len ? 2 : 1, r->timeouts.send)))
    {
        if (!may_retry(r, optional_len, total)) goto done;
        TRACE("%p: the reused connection failed (%lu), sending again on a new one\n", r->hdr.handle, err);
        r->retried = r->retry_fresh = TRUE;
        heap_free(proxy.host);
        heap_free(head.p);
        memset(&proxy, 0, sizeof(proxy));
        memset(&head, 0, sizeof(head));
        goto again;
    }
    send_done(r, (DWORD)head.len, optional_len, total);
done:
    heap_free(proxy.host);
    heap_free(head.p);
    return err;
}

/* Asynchronous SendRequest, without waiting: it ends with
 * ERROR_WINHTTP_TIMEOUT (r->nowait still set) when it must wait for the
 * connection to be writable or readable (r->wait_write), at most
 * r->wait_timeout (see request_task).  r->send_phase says where it is.
 * Through a proxy, connecting and the tunnel's CONNECT still wait (on the
 * pool thread); writing the request does not. */
enum { SEND_START, SEND_OPENING, SEND_WRITING, SEND_REFUSED };

static DWORD send_request_step(struct request *r, const void *optional, DWORD optional_len, DWORD total)
{
    struct whnet_buf bufs[2];
    DWORD err;

    switch (r->send_phase)
    {
    case SEND_START:
    {
        struct proxy_target proxy = { 0 };
        struct strbuf head = { 0 };
        struct netconn *conn;
        INTERNET_PORT port;
        BOOL secure, refused;

        err = send_begin(r, total, &head, &port, &secure, &proxy);
        r->send_head = head.p;
        r->send_head_len = (DWORD)head.len;
        if (!err && r->conn)  /* reused */
        {
            heap_free(proxy.host);
            send_connected(r, NULL, r->send_head);
            r->send_phase = SEND_WRITING;
            r->send_done = 0;
            return send_request_step(r, optional, optional_len, total);
        }
        if (!err && proxy.host)
        {
            if (!(err = send_open(r, &proxy, port, secure, &refused)))
            {
                send_connected(r, proxy.host, r->send_head);
                r->send_phase = refused ? SEND_REFUSED : SEND_WRITING;
                r->send_done = 0;
                if (!refused) pool_attach(r, r->conn);
            }
            heap_free(proxy.host);
            if (err || refused) return err;
            return send_request_step(r, optional, optional_len, total);
        }
        if (err) { heap_free(proxy.host); return err; }  /* send_begin may fail after picking a proxy */
        if ((err = netconn_open_start(request_server(r), port, secure, r->security_flags,
                                      r->connect->session, r->client_cert, r->timeouts.resolve, &conn)))
        {
            if (err == ERROR_WINHTTP_TIMEOUT) r->nowait = FALSE;  /* a real one: there is no connection to wait on */
            return err;
        }
        request_swap_conn(r, conn);
        pool_attach(r, conn);
        r->send_phase = SEND_OPENING;
    }
    /* fall through */
    case SEND_OPENING:
        err = netconn_open_step(r->conn, &r->wait_write, &r->cert_errors);
        if (err == ERROR_IO_PENDING)
        {
            r->wait_timeout = r->timeouts.connect;
            return ERROR_WINHTTP_TIMEOUT;
        }
        if (err == ERROR_WINHTTP_TIMEOUT) r->nowait = FALSE;  /* a real one (resolve timeout), not "wait" */
        if (err == ERROR_WINHTTP_SECURE_FAILURE)
            send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, &r->cert_errors, sizeof(r->cert_errors));
        if (err) return err;
        if (!r->no_client_cert && netconn_cert_requested(r->conn)) return ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED;
        send_connected(r, request_server(r), r->send_head);
        r->send_phase = SEND_WRITING;
        r->send_done = 0;
    /* fall through */
    case SEND_WRITING:
        bufs[0].data = r->send_head;
        bufs[0].len = r->send_head_len;
        bufs[1].data = optional;
        bufs[1].len = optional_len;
        err = netconn_send_some(r->conn, bufs, 2, &r->send_done);
        if (err == ERROR_IO_PENDING)
        {
            r->wait_write = TRUE;
            r->wait_timeout = r->timeouts.send;
            return ERROR_WINHTTP_TIMEOUT;
        }
        if (err && may_retry(r, optional_len, total))
        {
            TRACE("%p: the reused connection failed (%lu), sending again on a new one\n", r->hdr.handle, err);
            send_request_end(r);
            r->retried = r->retry_fresh = TRUE;
            return send_request_step(r, optional, optional_len, total);
        }
        if (!err) send_done(r, r->send_head_len, optional_len, total);
        return err;
    default:  /* SEND_REFUSED: the proxy's answer is the response */
        return ERROR_SUCCESS;
    }
}

/* The asynchronous SendRequest ended (done, failed or cancelled). */
static void send_request_end(struct request *r)
{
    pool_unreserve(r);  /* a connection reserved and not opened (pool.c) */
    heap_free(r->send_head);
    r->send_head = NULL;
    r->send_phase = SEND_START;
}

BOOL WINAPI WinHttpSendRequest(HINTERNET hrequest, LPCWSTR headers, DWORD headers_len, LPVOID optional,
                               DWORD optional_len, DWORD total_len, DWORD_PTR context)
{
    struct request *r;
    DWORD err;

    TRACE("%p, %s, %lu, %p, %lu, %lu, %llx\n", hrequest, dbg_w(headers), headers_len, optional, optional_len,
          total_len, (unsigned long long)context);
    if (!(r = grab_request(hrequest))) return FALSE;
    if (headers && headers_len == ~0u) headers_len = wcslen(headers);
    if ((!headers && headers_len) || (!optional && optional_len) || optional_len > total_len)
    {
        /* Windows treats dwTotalLength < dwOptionalLength as the optional length */
        if (optional && optional_len > total_len) total_len = optional_len;
        else { release_object(&r->hdr); set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    }
    EnterCriticalSection(&r->hdr.cs);
    r->hdr.context = context;
    auth_new_send(r);
    r->redirects = 0;
    r->retried = FALSE;
    r->optional = optional;   /* valid until the response is in, as documented */
    r->optional_len = optional_len;
    if (is_async(&r->hdr))
    {
        /* the headers are taken now; the optional data must stay valid until
         * SENDREQUEST_COMPLETE, as documented */
        err = headers && headers_len ? add_request_headers(r, headers, headers_len,
                                                           WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE) : 0;
        if (!err) err = queue_request_task(r, API_SEND_REQUEST, optional, optional_len, total_len);
    }
    else err = send_request(r, headers, headers_len, optional, optional_len, total_len);
    LeaveCriticalSection(&r->hdr.cs);
    if (r->hdr.closed && err) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p -> %lu\n", hrequest, err);
    release_object(&r->hdr);
    set_error(err);
    return !err;
}

/* Asynchronous WriteData without waiting (as send_request_step); *done
 * counts the bytes out. */
static DWORD write_data_step(struct request *r, const void *buffer, DWORD len, DWORD *done)
{
    struct whnet_buf buf;
    DWORD err;

    if (r->state != REQ_SENT) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    buf.data = buffer;
    buf.len = len;
    err = netconn_send_some(r->conn, &buf, 1, done);
    if (err == ERROR_IO_PENDING)
    {
        r->wait_write = TRUE;
        r->wait_timeout = r->timeouts.send;
        return ERROR_WINHTTP_TIMEOUT;
    }
    if (!err) r->optional_sent += len;
    return err;
}

static DWORD write_data(struct request *r, const void *buffer, DWORD len)
{
    struct whnet_buf buf;
    DWORD err;

    if (r->state != REQ_SENT) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (!len) return ERROR_SUCCESS;
    buf.data = buffer;
    buf.len = len;
    if (!(err = netconn_send(r->conn, &buf, 1, r->timeouts.send))) r->optional_sent += len;
    return err;
}

BOOL WINAPI WinHttpWriteData(HINTERNET hrequest, LPCVOID buffer, DWORD len, LPDWORD written)
{
    struct request *r;
    DWORD err;

    TRACE("%p, %p, %lu, %p\n", hrequest, buffer, len, written);
    if (!(r = grab_request(hrequest))) return FALSE;
    if (!buffer && len) { err = ERROR_INVALID_PARAMETER; goto done; }
    if (is_async(&r->hdr))
    {
        err = queue_request_task(r, API_WRITE_DATA, buffer, len, 0);
        goto done;
    }
    EnterCriticalSection(&r->hdr.cs);
    err = write_data(r, buffer, len);
    LeaveCriticalSection(&r->hdr.cs);
    if (!err && written) *written = len;
done:
    if (r->hdr.closed && err) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    release_object(&r->hdr);
    set_error(err);
    return !err;
}

/* ---- response ---- */

static DWORD parse_response_head(struct request *r, const char *buf, size_t len)
{
    http_status_line sl;
    const char *eol = memchr(buf, '\n', len);
    size_t line_len;

    if (!eol) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    line_len = eol - buf;
    if (line_len && buf[line_len - 1] == '\r') line_len--;
    if (http_parse_status_line(buf, line_len, &sl)) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    r->status_code = sl.status;
    r->status_text = strdupAW_latin1(sl.reason, sl.reason_len);
    r->resp_version = strdupAW_latin1(sl.version, sl.version_len);
    return headers_parse_response(&r->resp_headers, buf, len, eol - buf + 1);  /* headers.c */
}

static DWORD build_raw_headers(struct request *r)
{
    size_t total = 0, i;
    WCHAR *p;

    total += wcslen(r->resp_version) + 1 + 3 + 1 + wcslen(r->status_text) + 2;
    for (i = 0; i < r->resp_headers.count; i++)
        total += wcslen(r->resp_headers.items[i].name) + 2 + wcslen(r->resp_headers.items[i].value) + 2;
    total += 2 + 1;
    if (!(r->raw_headers = p = heap_alloc(total * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    p += swprintf(p, total, L"%ls %03lu %ls\r\n", r->resp_version, r->status_code, r->status_text);
    for (i = 0; i < r->resp_headers.count; i++)
        p += swprintf(p, total - (p - r->raw_headers), L"%ls: %ls\r\n", r->resp_headers.items[i].name,
                      r->resp_headers.items[i].value);
    wcscpy(p, L"\r\n");
    return ERROR_SUCCESS;
}

static void choose_body_mode(struct request *r)
{
    int i;
    r->body_mode = BODY_UNTIL_CLOSE;
    if (verb_is(r, L"HEAD") || r->status_code < 200 || r->status_code == 204 || r->status_code == 304)
    {
        r->body_mode = BODY_NONE;
        r->body_done = TRUE;
        return;
    }
    if (headers_have_token(&r->resp_headers, L"Transfer-Encoding", "chunked") &&
        (r->chunked = heap_alloc_zero(sizeof(http_chunked))))
    {
        http_chunked_init(r->chunked);
        r->body_mode = BODY_CHUNKED;
        return;
    }
    /* every Content-Length field must give the same valid length, else the
     * framing cannot be trusted: the body runs to the close and the
     * connection is not reused (RFC 9112 6.3) */
    for (i = headers_find(&r->resp_headers, L"Content-Length", 0); i >= 0;
         i = headers_find(&r->resp_headers, L"Content-Length", i + 1))
    {
        char *v = strdupWA(r->resp_headers.items[i].value);
        uint64_t n;
        BOOL valid = v && !http_parse_content_length(v, strlen(v), &n) &&
                     (r->body_mode != BODY_LENGTH || n == r->body_remaining);
        heap_free(v);
        if (!valid)
        {
            r->body_mode = BODY_UNTIL_CLOSE;
            r->body_done = FALSE;
            return;
        }
        r->body_mode = BODY_LENGTH;
        r->body_remaining = n;
        r->body_done = (n == 0);
    }
}

/* Waiting for response headers: both the receive timeout (WinHttpSetTimeouts)
 * and WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT apply; the shorter one wins. */
static int response_timeout(const struct timeouts *t)
{
    if (t->receive <= 0) return t->receive_response;
    if (t->receive_response <= 0) return t->receive;
    return min(t->receive, t->receive_response);
}

/* How long a step may wait for the network: not at all when it runs for an
 * asynchronous call (it then ends with ERROR_WINHTTP_TIMEOUT and r->nowait
 * still set, and waits for the poller; see request_task). */
static int step_timeout(const struct request *r, int timeout)
{
    return r->nowait ? NETCONN_NOWAIT : timeout;
}

/* One response; ERROR_WINHTTP_RESEND_REQUEST: answered by sending again
 * (a 401 with known credentials, a redirect followed) */
static DWORD receive_response_once(struct request *r)
{
    struct netconn *c = r->conn;
    DWORD err, interim = 0;

    if (r->state == REQ_RESPONSE) return ERROR_SUCCESS; /* already have it */
    if (r->state != REQ_SENT) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (r->optional_sent < r->optional_total) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (!r->receiving_sent) send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, NULL, 0);
    r->receiving_sent = TRUE;
    for (;;)
    {
        size_t end;
        request_reset_response(r);
        while (!(end = http_header_block_end((const char *)c->rbuf + c->rpos, c->rlen - c->rpos)))
        {
            BOOL nothing = !interim && c->rpos == c->rlen;
            err = netconn_fill(c, step_timeout(r, response_timeout(&r->timeouts)));
            if (err == ERROR_WINHTTP_TIMEOUT && r->nowait) return err;  /* nothing yet */
            if (nothing && (err == ERROR_HANDLE_EOF || err == ERROR_WINHTTP_CONNECTION_ERROR) &&
                may_retry(r, r->optional_len, r->optional_total))
            {
                /* the server closed the idle connection as the request came */
                TRACE("%p: reused connection closed (%lu), sending again on a new one\n", r->hdr.handle, err);
                r->retried = r->retry_fresh = TRUE;
                return ERROR_WINHTTP_RESEND_REQUEST;
            }
            if (err == ERROR_HANDLE_EOF) err = ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
            if (err) { r->state = REQ_FAILED; return err; }
        }
        TRACE("response head: %.*s", (int)end, (const char *)c->rbuf + c->rpos);
        err = parse_response_head(r, (const char *)c->rbuf + c->rpos, end);
        c->rpos += end;
        if (err) { r->state = REQ_FAILED; return err; }
        /* 1xx other than 101: interim, wait for the final response; at most
         * WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE of them */
        if (r->status_code >= 100 && r->status_code < 200 && r->status_code != 101)
        {
            if (++interim > r->max_continue) { r->state = REQ_FAILED; return ERROR_WINHTTP_INVALID_SERVER_RESPONSE; }
            continue;
        }
        break;
    }
    choose_body_mode(r);
    /* the head is consumed: a failure here (out of memory) ends the request,
     * or a later WinHttpReceiveResponse would read the body as a head */
    if ((err = decomp_start(r)) || (err = build_raw_headers(r))) { r->state = REQ_FAILED; return err; }
    r->state = REQ_RESPONSE;
    pool_note_response(r);
    {
        DWORD head_len = (DWORD)wcslen(r->raw_headers);
        send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, &head_len, sizeof(DWORD));
    }
    cookies_from_response(r);   /* cookie_store.c */
    if (auth_on_response(r)) return ERROR_WINHTTP_RESEND_REQUEST;  /* a 401 answered (auth.c) */
    if (redirect_on_response(r, &err)) return ERROR_WINHTTP_RESEND_REQUEST;  /* redirect.c */
    return err;
}

/* asynchronous: request_task sends again without waiting */
static DWORD receive_response(struct request *r)
{
    DWORD err;
    while ((err = receive_response_once(r)) == ERROR_WINHTTP_RESEND_REQUEST && !r->nowait)
        if ((err = send_request(r, NULL, 0, r->optional, r->optional_len, r->optional_len))) break;
    return err;
}

/* WinHttpWebSocketCompleteUpgrade on a request sent again after an upgrade,
 * without WinHttpReceiveResponse: Windows upgrades it (Wine's tests), so a
 * synchronous request receives its response here first (under hdr.cs).  The
 * first upgrade needs WinHttpReceiveResponse. */
DWORD request_receive_for_upgrade(struct request *r)
{
    if (r->state != REQ_SENT || !r->upgrades || is_async(&r->hdr)) return ERROR_SUCCESS;
    return receive_response(r);
}

BOOL WINAPI WinHttpReceiveResponse(HINTERNET hrequest, LPVOID reserved)
{
    struct request *r;
    DWORD err;

    TRACE("%p, %p\n", hrequest, reserved);
    if (!(r = grab_request(hrequest))) return FALSE;
    if (reserved) { release_object(&r->hdr); set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    if (is_async(&r->hdr)) err = queue_request_task(r, API_RECEIVE_RESPONSE, NULL, 0, 0);
    else
    {
        EnterCriticalSection(&r->hdr.cs);
        err = receive_response(r);
        LeaveCriticalSection(&r->hdr.cs);
    }
    if (r->hdr.closed && err) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p -> %lu (status %lu)\n", hrequest, err, r->status_code);
    release_object(&r->hdr);
    set_error(err);
    return !err;
}

/* Read up to len body bytes (blocking until at least one is available or
 * the body ended).  *read == 0: end of body. */
static DWORD read_body(struct request *r, void *buf, DWORD len, DWORD *read)
{
    struct netconn *c = r->conn;
    DWORD err, got = 0;

    *read = 0;
    if (r->body_done || !len) return ERROR_SUCCESS;
    switch (r->body_mode)
    {
    case BODY_NONE:
        return ERROR_SUCCESS;
    case BODY_LENGTH:
        if (r->body_remaining < len) len = (DWORD)r->body_remaining;
        if ((err = netconn_read(c, buf, len, step_timeout(r, r->timeouts.receive), &got))) return err;
        if (!got) return ERROR_WINHTTP_CONNECTION_ERROR; /* closed before Content-Length bytes */
        r->body_remaining -= got;
        if (!r->body_remaining) r->body_done = TRUE;
        break;
    case BODY_UNTIL_CLOSE:
        if ((err = netconn_read(c, buf, len, step_timeout(r, r->timeouts.receive), &got))) return err;
        if (!got && netconn_truncated(c)) return ERROR_WINHTTP_CONNECTION_ERROR;  /* TLS cut without close_notify */
        if (!got) r->body_done = TRUE;
        break;
    case BODY_CHUNKED:
        while (r->body_buf_pos == r->body_buf_len)
        {
            DWORD raw;
            size_t consumed = 0;
            long n;
            if (((http_chunked *)r->chunked)->done) { r->body_done = TRUE; return ERROR_SUCCESS; }
            if (!r->body_buf && !(r->body_buf = heap_alloc(16384))) return ERROR_NOT_ENOUGH_MEMORY;
            if ((err = netconn_read(c, r->body_buf, 16384, step_timeout(r, r->timeouts.receive), &raw))) return err;
            if (!raw) return ERROR_WINHTTP_CONNECTION_ERROR;
            n = http_chunked_decode(r->chunked, r->body_buf, raw, &consumed);
            if (n < 0) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
            r->body_buf_pos = 0;
            r->body_buf_len = (DWORD)n;
        }
        got = min(len, r->body_buf_len - r->body_buf_pos);
        memcpy(buf, r->body_buf + r->body_buf_pos, got);
        r->body_buf_pos += got;
        if (r->body_buf_pos == r->body_buf_len && ((http_chunked *)r->chunked)->done) r->body_done = TRUE;
        break;
    }
    *read = got;
    return ERROR_SUCCESS;
}

DWORD request_read_raw(struct request *r, void *buf, DWORD len, DWORD *read)
{
    return read_body(r, buf, len, read);
}

/* A body the application left unread is read and dropped when it is here
 * already (or comes without waiting), up to 64 KiB, so that the
 * connection can be reused; TRUE when the body is then complete. */
static BOOL drain_body(struct request *r)
{
    BYTE buf[4096];
    DWORD got, total = 0;
    BOOL nowait = r->nowait;

    if (r->state != REQ_RESPONSE || !r->conn || r->conn->cancelled) return FALSE;
    r->nowait = TRUE;
    while (!r->body_done && total < 65536 && !read_body(r, buf, sizeof(buf), &got) && got) total += got;
    r->nowait = nowait;
    return r->body_done;
}

/* Fill buffer as far as the body allows. */
static DWORD read_data(struct request *r, void *buffer, DWORD to_read, DWORD *read)
{
    DWORD err, got = 0, total = 0;

    *read = 0;
    if (r->state != REQ_RESPONSE) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    do
    {
        err = r->decomp ? decomp_read(r, (BYTE *)buffer + total, to_read - total, &got)
                        : read_body(r, (BYTE *)buffer + total, to_read - total, &got);
        total += got;
    } while (!err && got && total < to_read);
    if (err && total) err = ERROR_SUCCESS; /* report what we have; the error comes next call */
    *read = total;
    return err;
}

BOOL WINAPI WinHttpReadData(HINTERNET hrequest, LPVOID buffer, DWORD to_read, LPDWORD read)
{
    struct request *r;
    DWORD err, total = 0;

    TRACE("%p, %p, %lu, %p\n", hrequest, buffer, to_read, read);
    if (!(r = grab_request(hrequest))) return FALSE;
    if (!buffer && to_read) { release_object(&r->hdr); set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    if (is_async(&r->hdr))
    {
        /* READ_COMPLETE brings the count; *read is left alone */
        err = queue_request_task(r, API_READ_DATA, buffer, to_read, 0);
        goto done;
    }
    EnterCriticalSection(&r->hdr.cs);
    err = read_data(r, buffer, to_read, &total);
    LeaveCriticalSection(&r->hdr.cs);
    if (!err && read) *read = total;
done:
    if (r->hdr.closed && err) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p -> %lu, %lu bytes\n", hrequest, err, total);
    release_object(&r->hdr);
    set_error(err);
    return !err;
}

static DWORD query_data_available(struct request *r, DWORD *available)
{
    DWORD err = ERROR_SUCCESS, count = 0;

    *available = 0;
    if (r->state != REQ_RESPONSE) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (r->decomp) err = decomp_available(r, &count);   /* decompress.c */
    else if (!r->body_done)
    {
        struct netconn *c = r->conn;
        switch (r->body_mode)
        {
        case BODY_NONE:
            break;
        case BODY_LENGTH:
        case BODY_UNTIL_CLOSE:
            if (c->rlen == c->rpos && !c->eof)
            {
                err = netconn_fill(c, step_timeout(r, r->timeouts.receive));
                if (err == ERROR_HANDLE_EOF)
                    err = (r->body_mode == BODY_LENGTH) ? ERROR_WINHTTP_CONNECTION_ERROR : ERROR_SUCCESS;
            }
            count = c->rlen - c->rpos;
            if (r->body_mode == BODY_LENGTH && count > r->body_remaining) count = (DWORD)r->body_remaining;
            if (r->body_mode == BODY_UNTIL_CLOSE && !count && c->eof)
            {
                if (netconn_truncated(c)) err = ERROR_WINHTTP_CONNECTION_ERROR;  /* not an end: a cut */
                else r->body_done = TRUE;
            }
            break;
        case BODY_CHUNKED:
            if (r->body_buf_pos == r->body_buf_len)
            {
                /* decode the next piece into the internal buffer through a
                 * 1-byte read, then put the byte back */
                BYTE b;
                DWORD got;
                err = read_body(r, &b, 1, &got);
                if (!err && got) { r->body_buf_pos--; r->body_done = FALSE; }
            }
            count = r->body_buf_len - r->body_buf_pos;
            break;
        }
    }
    *available = count;
    return err;
}

BOOL WINAPI WinHttpQueryDataAvailable(HINTERNET hrequest, LPDWORD available)
{
    struct request *r;
    DWORD err, count = 0;

    TRACE("%p, %p\n", hrequest, available);
    if (!(r = grab_request(hrequest))) return FALSE;
    if (is_async(&r->hdr))
    {
        err = queue_request_task(r, API_QUERY_DATA_AVAILABLE, NULL, 0, 0);
        goto done;
    }
    EnterCriticalSection(&r->hdr.cs);
    err = query_data_available(r, &count);
    LeaveCriticalSection(&r->hdr.cs);
    if (!err && available) *available = count;
done:
    if (r->hdr.closed && err) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p -> %lu, %lu available\n", hrequest, err, count);
    release_object(&r->hdr);
    set_error(err);
    return !err;
}

/* ---- asynchronous mode: each call becomes a work item on the pool ----
 *
 * Steps that wait for the server (ReceiveResponse, QueryDataAvailable,
 * ReadData) run without waiting: when nothing is there to read, the work
 * item parks on the request (r->waiting), the transport's poller watches
 * the connection, and the step runs again on the pool once it is readable
 * (request_readable), or ends with ERROR_WINHTTP_TIMEOUT when its timeout
 * passes (request_timer), or cancelled when the handle is closed
 * (request_close).  SendRequest and WriteData do the same for connecting,
 * the TLS handshake and writing: no step ever waits on a pool thread (a
 * host name is looked up by the transport while the step is parked). */

#define TASK_TIMED_OUT 1   /* request_task's arg: the wait's deadline passed */

struct request_task
{
    struct request *r;
    DWORD api;                        /* API_SEND_REQUEST, ... (dwResult of WINHTTP_ASYNC_RESULT) */
    const void *data;
    DWORD len, total;
    DWORD out;
    BOOL resending;                   /* ReceiveResponse sends again (a 401 answered) */
    ULONGLONG deadline;               /* of the wait for data, 0: none */
    struct request_task *next;        /* in r->queued */
};

static LONG wait_counter;

/* r->wait_timeout when a step waits to read: the call's own timeout */
#define WAIT_TIMEOUT_READ INT_MIN

/* The step found nothing to read: park t until the connection is readable,
 * for at most the step's timeout from now (as a synchronous read waits that
 * long for each piece).  Caller holds hdr.cs.  FALSE: it cannot wait (*err
 * says why). */
static BOOL wait_for_data(struct request *r, struct request_task *t, DWORD *err)
{
    int timeout = r->wait_timeout != WAIT_TIMEOUT_READ ? r->wait_timeout
                : t->api == API_RECEIVE_RESPONSE ? response_timeout(&r->timeouts) : r->timeouts.receive;
    BOOL add_timer = FALSE;
    DWORD ret;

    t->deadline = timeout > 0 ? GetTickCount64() + timeout : 0;
    AcquireSRWLockExclusive(&r->wait_lock);
    if (r->hdr.closed) ret = ERROR_WINHTTP_OPERATION_CANCELLED;
    else
    {
        if (t->deadline && !r->timers) add_timer = r->timers = TRUE;
        do r->wait_seq = (DWORD)InterlockedIncrement(&wait_counter); while (!r->wait_seq);
        r->waiting = t;
        ret = r->wait_pool ? pool_wait(r, poll_token(&r->hdr, r->wait_seq))  /* pool.c */
            : r->wait_write ? transport_get()->watch_write(r->conn->id, poll_token(&r->hdr, r->wait_seq))
                            : transport_get()->watch(r->conn->id, poll_token(&r->hdr, r->wait_seq));
        if (ret) r->waiting = NULL;
    }
    ReleaseSRWLockExclusive(&r->wait_lock);
    /* registered after the handle closed: the tick finds no object, harmless */
    if (add_timer && !timers_add(r->hdr.handle)) WARN("%p: no timer thread, no timeout\n", r->hdr.handle);
    if (!ret) return TRUE;
    /* readable already: run again on the pool */
    if (ret == ERROR_MORE_DATA && queue_task(request_task, t, 0)) return TRUE;
    *err = ret == ERROR_MORE_DATA ? ERROR_NOT_ENOUGH_MEMORY : ret;
    return FALSE;
}

static void request_readable(struct object *obj, DWORD seq)
{
    struct request *r = (struct request *)obj;
    struct request_task *t = NULL;

    AcquireSRWLockExclusive(&r->wait_lock);
    if (r->waiting && r->wait_seq == seq)
    {
        t = r->waiting;
        r->waiting = NULL;
    }
    ReleaseSRWLockExclusive(&r->wait_lock);
    if (t) request_task(t, 0);
}

/* Every tick, from the dispatcher thread: a wait whose deadline passed. */
static void request_timer(struct object *obj, ULONGLONG now)
{
    struct request *r = (struct request *)obj;
    struct request_task *t = NULL;

    AcquireSRWLockExclusive(&r->wait_lock);
    if ((t = r->waiting) && t->deadline && now >= t->deadline) r->waiting = NULL;
    else t = NULL;
    ReleaseSRWLockExclusive(&r->wait_lock);
    if (t && !queue_task(request_task, t, TASK_TIMED_OUT)) request_task(t, TASK_TIMED_OUT);
}

/* The running call completed: the next queued one starts. */
static void start_next_task(struct request *r)
{
    struct request_task *next;

    AcquireSRWLockExclusive(&r->wait_lock);
    if ((next = r->queued) && !(r->queued = next->next)) r->queued_tail = NULL;
    if (!next) r->task_active = FALSE;
    ReleaseSRWLockExclusive(&r->wait_lock);
    if (next && !queue_task(request_task, next, 0)) request_task(next, 0);
}

static void request_task(void *ctx, ULONGLONG arg)
{
    struct request_task *t = ctx;
    struct request *r = t->r;
    DWORD err = ERROR_SUCCESS, status = 0, info_len = 0;
    void *info = NULL;

    EnterCriticalSection(&r->hdr.cs);
    if (r->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    else
    {
        r->nowait = TRUE;
        r->wait_write = r->wait_pool = FALSE;
        r->wait_timeout = WAIT_TIMEOUT_READ;
        switch (t->api)
        {
        case API_SEND_REQUEST:
            err = send_request_step(r, t->data, t->len, t->total);
            status = WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE;
            break;
        case API_RECEIVE_RESPONSE:
            for (;;)
            {
                if (t->resending)
                {
                    if ((err = send_request_step(r, r->optional, r->optional_len, r->optional_len))) break;
                    send_request_end(r);
                    t->resending = FALSE;
                }
                if ((err = receive_response(r)) != ERROR_WINHTTP_RESEND_REQUEST) break;
                t->resending = TRUE;
            }
            status = WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE;
            break;
        case API_QUERY_DATA_AVAILABLE:
            err = query_data_available(r, &t->out);
            status = WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE;
            info = &t->out;
            info_len = sizeof(t->out);
            break;
        case API_READ_DATA:
            err = read_data(r, (void *)t->data, t->len, &t->out);
            status = WINHTTP_CALLBACK_STATUS_READ_COMPLETE;
            info = (void *)t->data;
            info_len = t->out;
            break;
        case API_WRITE_DATA:
            err = write_data_step(r, t->data, t->len, &t->out);
            status = WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE;  /* t->out == t->len when done */
            info = &t->out;
            info_len = sizeof(t->out);
            break;
        }
        /* nothing to read yet: park (once the deadline passed, the step had
         * its last look at what is there and the timeout is reported) */
        if (r->nowait && err == ERROR_WINHTTP_TIMEOUT && arg != TASK_TIMED_OUT && wait_for_data(r, t, &err))
        {
            r->nowait = FALSE;
            LeaveCriticalSection(&r->hdr.cs);
            return;
        }
        r->nowait = FALSE;
    }
    if (t->api == API_SEND_REQUEST || t->resending) send_request_end(r);
    if (err == ERROR_WINHTTP_TIMEOUT && (t->api == API_RECEIVE_RESPONSE || t->api == API_SEND_REQUEST))
        r->state = REQ_FAILED;
    LeaveCriticalSection(&r->hdr.cs);
    if (err && r->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
    TRACE("%p: api %lu -> %lu\n", r->hdr.handle, t->api, err);
    if (err)
    {
        WINHTTP_ASYNC_RESULT res;
        res.dwResult = t->api;
        res.dwError = err;
        send_callback(&r->hdr, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &res, sizeof(res));
    }
    else send_callback(&r->hdr, status, info, info_len);
    heap_free(t);
    start_next_task(r);
    release_object(&r->hdr);
}

static DWORD queue_request_task(struct request *r, DWORD api, const void *data, DWORD len, DWORD total)
{
    struct request_task *t = heap_alloc(sizeof(*t));

    if (!t) return ERROR_NOT_ENOUGH_MEMORY;
    t->r = (struct request *)addref_object(&r->hdr);
    t->api = api;
    t->data = data;
    t->len = len;
    t->total = total;
    t->out = 0;
    t->resending = FALSE;
    t->deadline = 0;
    t->next = NULL;
    /* one call at a time, in the order they were made */
    AcquireSRWLockExclusive(&r->wait_lock);
    if (r->task_active)
    {
        if (r->queued_tail) ((struct request_task *)r->queued_tail)->next = t;
        else r->queued = t;
        r->queued_tail = t;
        ReleaseSRWLockExclusive(&r->wait_lock);
        return ERROR_SUCCESS;
    }
    r->task_active = TRUE;
    ReleaseSRWLockExclusive(&r->wait_lock);
    if (queue_task(request_task, t, 0)) return ERROR_SUCCESS;
    AcquireSRWLockExclusive(&r->wait_lock);
    r->task_active = FALSE;
    ReleaseSRWLockExclusive(&r->wait_lock);
    release_object(&r->hdr);
    heap_free(t);
    return ERROR_NOT_ENOUGH_MEMORY;
}
