/*
 * Connection reuse: each session keeps the keep-alive connections its
 * requests are done with, keyed by where they lead (server, port, TLS and
 * the options that shape its handshake, proxy), and hands one to the next
 * request for the same place.  Bytes a connection read past the end of a
 * response stay in its read-ahead buffer: they begin the next response.
 *
 * An idle connection lives POOL_IDLE_MS (Windows documents no figure for
 * WinHTTP; 60 s is WinINet's documented KeepAliveTimeout default), at most
 * POOL_MAX_IDLE of them per session (the oldest is closed).  Expiry is
 * checked whenever the pool is used; the session's end closes the rest.
 */
#include <stdio.h>
#include "private.h"
#include "client_cert.h"

#define POOL_IDLE_MS  60000
#define POOL_MAX_IDLE 32

struct pool_entry
{
    struct pool_entry *next;          /* newer first */
    struct netconn *conn;
    ULONGLONG since;                  /* GetTickCount64 when it became idle */
};

struct conn_pool
{
    SRWLOCK lock;
    struct pool_entry *idle;
    DWORD count;
};

static struct conn_pool *get_pool(struct session *s)
{
    struct conn_pool *p;

    if ((p = s->pool)) return p;
    if (!(p = heap_alloc_zero(sizeof(*p)))) return NULL;
    InitializeSRWLock(&p->lock);
    if (InterlockedCompareExchangePointer((void **)&s->pool, p, NULL)) heap_free(p);
    return s->pool;
}

/* "host|port|tls|security flags|protocols|proxy|proxy port|proxy
 * credentials": connections with equal keys are interchangeable.  Through
 * a proxy, the application's Proxy-Authorization header is part of it: a
 * tunnel opened with one identity's credentials is not lent to a request
 * without them. */
char *pool_make_key(struct request *r, BOOL secure, INTERNET_PORT port, const WCHAR *proxy, INTERNET_PORT proxy_port)
{
    char *host = strdupWA(request_server(r)), *via = proxy ? strdupWA(proxy) : NULL, *cred = NULL, *key = NULL;
    int i = proxy ? headers_find(&r->req_headers, L"Proxy-Authorization", 0) : -1;
    size_t len;

    /* WINHTTP_DISABLE_KEEP_ALIVE: no key, so the request takes no idle
     * connection and its own is never kept */
    if (r->disabled_features & WINHTTP_DISABLE_KEEP_ALIVE)
    {
        heap_free(host);
        heap_free(via);
        return NULL;
    }
    if (i >= 0) cred = strdupWA(r->req_headers.items[i].value);
    if (host && (!proxy || via) && (i < 0 || cred))
    {
        len = strlen(host) + (via ? strlen(via) : 0) + (cred ? strlen(cred) : 0) + 100;
        /* the client certificate too (client_cert.c): a connection
         * authenticated with one is not lent to a request without it */
        if ((key = heap_alloc(len)))
            snprintf(key, len, "%s|%u|%d|%08lx|%08lx|%s|%u|%s|%08lx", host, port, secure ? 1 : 0, r->security_flags,
                     r->connect->session->secure_protocols, via ? via : "", proxy ? proxy_port : 0, cred ? cred : "",
                     (unsigned long)client_cert_tag(r->client_cert));
    }
    heap_free(host);
    heap_free(via);
    heap_free(cred);
    return key;
}

/* Entries idle for too long leave the list (caller holds the lock); they
 * are returned for closing outside it. */
static struct pool_entry *take_expired(struct conn_pool *p, ULONGLONG now)
{
    struct pool_entry **e = &p->idle, *out = NULL, *x;
    DWORD kept = 0;

    while ((x = *e))
    {
        if (now - x->since >= POOL_IDLE_MS || kept >= POOL_MAX_IDLE)
        {
            *e = x->next;
            x->next = out;
            out = x;
            p->count--;
        }
        else
        {
            kept++;
            e = &x->next;
        }
    }
    return out;
}

static void close_entries(struct pool_entry *e)
{
    struct pool_entry *next;
    for (; e; e = next)
    {
        next = e->next;
        TRACE("closing idle connection %s\n", e->conn->pool_key);
        netconn_close(e->conn);
        heap_free(e);
    }
}

/* Still usable: the server has not closed it (nor sent anything past what
 * we already hold, which is kept).  Looks without waiting. */
static BOOL still_open(struct netconn *c)
{
    DWORD err;
    int n = 0;

    while (!(err = netconn_fill(c, NETCONN_NOWAIT)) && ++n < 16) ;
    return err == ERROR_WINHTTP_TIMEOUT;
}

struct netconn *pool_take(struct session *s, const char *key)
{
    struct conn_pool *p = s->pool;
    struct pool_entry **e, *x, *dead = NULL;
    struct netconn *c = NULL;

    if (!p || !key) return NULL;
    for (;;)
    {
        AcquireSRWLockExclusive(&p->lock);
        close_entries(dead);  /* harmless under the lock: closing does not wait */
        dead = take_expired(p, GetTickCount64());
        for (e = &p->idle; (x = *e); e = &x->next)
            if (!strcmp(x->conn->pool_key, key)) break;
        if (x)
        {
            *e = x->next;
            p->count--;
        }
        ReleaseSRWLockExclusive(&p->lock);
        if (!x) break;
        c = x->conn;
        heap_free(x);
        if (still_open(c))
        {
            c->uses++;
            TRACE("reusing connection %s (%lu requests before)\n", key, c->uses);
            break;
        }
        TRACE("idle connection %s was closed by the server\n", key);
        netconn_close(c);
        c = NULL;
    }
    close_entries(dead);
    return c;
}

void pool_put(struct session *s, struct netconn *c)
{
    struct conn_pool *p = get_pool(s);
    struct pool_entry *x, *dead;

    if (!p || !(x = heap_alloc(sizeof(*x))))
    {
        netconn_close(c);
        return;
    }
    netconn_release_buffer(c);  /* while empty: an idle connection keeps no buffer */
    x->conn = c;
    x->since = GetTickCount64();
    AcquireSRWLockExclusive(&p->lock);
    x->next = p->idle;
    p->idle = x;
    p->count++;
    dead = take_expired(p, x->since);
    ReleaseSRWLockExclusive(&p->lock);
    TRACE("connection %s idle\n", c->pool_key);
    close_entries(dead);
}

/* The response allows reusing the connection: it ended where its framing
 * says (not at the connection's end), and neither side asked to close it
 * (an HTTP/1.0 answer without keep-alive closes: RFC 9112 9.3). */
BOOL pool_response_allows(struct request *r)
{
    if (r->state != REQ_RESPONSE || !r->body_done || r->body_mode == BODY_UNTIL_CLOSE) return FALSE;
    if (r->status_code == HTTP_STATUS_SWITCH_PROTOCOLS) return FALSE;
    if (headers_have_token(&r->req_headers, L"Connection", "close")) return FALSE;
    if (headers_have_token(&r->resp_headers, L"Connection", "close")) return FALSE;
    if (headers_have_token(&r->resp_headers, L"Proxy-Connection", "close")) return FALSE;
    if (r->resp_version && !wcscmp(r->resp_version, L"HTTP/1.0") &&
        !headers_have_token(&r->resp_headers, L"Connection", "keep-alive") &&
        !headers_have_token(&r->resp_headers, L"Proxy-Connection", "keep-alive"))
        return FALSE;
    return TRUE;
}

void pool_free(struct session *s)
{
    struct conn_pool *p = s->pool;

    if (!p) return;
    close_entries(p->idle);
    heap_free(p);
    s->pool = NULL;
}
