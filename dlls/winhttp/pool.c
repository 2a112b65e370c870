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
 *
 * WINHTTP_OPTION_MAX_CONNS_PER_SERVER (and _PER_1_0_SERVER, once the server
 * answered HTTP/1.0) bound the connections per key, busy and idle: each
 * counts in its key's slot from the moment a request reserves it until it
 * is closed (a WebSocket keeps its connection, and its count, until its
 * handle closes).  A request that finds its key full waits for a release:
 * a synchronous one blocks (condition variable; its handle's close wakes
 * it), an asynchronous one parks on the request like a wait for data and
 * is woken through the object's readable callback.
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

/* the connections of one key, counted against the limit */
struct conn_slot
{
    struct conn_slot *next;
    struct conn_pool *pool;
    char *key;
    DWORD count;                      /* open or being opened, busy or idle */
    BOOL http10;                      /* the server's last answer was HTTP/1.0 */
};

/* an asynchronous request parked until a connection to key is released */
struct pool_waiter
{
    struct pool_waiter *next;
    char *key;
    ULONGLONG token;                  /* poll_token of the request's parked step */
};

struct conn_pool
{
    SRWLOCK lock;
    struct pool_entry *idle;
    DWORD count;
    struct conn_slot *slots;
    struct pool_waiter *waiters;
    CONDITION_VARIABLE released;      /* synchronous waiters */
};

static struct conn_pool *get_pool(struct session *s)
{
    struct conn_pool *p;

    if ((p = s->pool)) return p;
    if (!(p = heap_alloc_zero(sizeof(*p)))) return NULL;
    InitializeSRWLock(&p->lock);
    InitializeConditionVariable(&p->released);
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

static DWORD slot_limit(const struct session *s, const struct conn_slot *slot)
{
    DWORD limit = slot->http10 ? s->max_conns_10 : s->max_conns;
    return limit ? limit : ~0u;
}

/* caller holds the lock */
static struct conn_slot *find_slot(struct conn_pool *p, const char *key, BOOL add)
{
    struct conn_slot *slot;
    size_t len;

    for (slot = p->slots; slot; slot = slot->next)
        if (!strcmp(slot->key, key)) return slot;
    if (!add || !(slot = heap_alloc_zero(sizeof(*slot)))) return NULL;
    len = strlen(key) + 1;
    if (!(slot->key = heap_alloc(len))) { heap_free(slot); return NULL; }
    memcpy(slot->key, key, len);
    slot->pool = p;
    slot->next = p->slots;
    p->slots = slot;
    return slot;
}

static struct pool_entry **find_idle(struct conn_pool *p, const char *key)
{
    struct pool_entry **e;
    for (e = &p->idle; *e; e = &(*e)->next)
        if (!strcmp((*e)->conn->pool_key, key)) return e;
    return NULL;
}

/* A connection to key was released (idle or closed): every waiter for it
 * tries again (caller holds the lock; the woken are returned to run after). */
static struct pool_waiter *take_waiters(struct conn_pool *p, const char *key)
{
    struct pool_waiter **w = &p->waiters, *x, *out = NULL;

    WakeAllConditionVariable(&p->released);
    while ((x = *w))
    {
        if (key && strcmp(x->key, key)) { w = &x->next; continue; }
        *w = x->next;
        x->next = out;
        out = x;
    }
    return out;
}

static void waiter_free(struct pool_waiter *w)
{
    heap_free(w->key);
    heap_free(w);
}

static void run_waiters(struct pool_waiter *w)
{
    struct pool_waiter *next;
    for (; w; w = next)
    {
        next = w->next;
        queue_readable(w->token);
        waiter_free(w);
    }
}

DWORD pool_get(struct request *r, struct netconn **conn)
{
    struct session *s = r->connect->session;
    struct conn_pool *p = get_pool(s);
    struct pool_entry **e, *x, *dead;
    struct conn_slot *slot;
    int timeout = r->timeouts.connect;
    ULONGLONG deadline = timeout > 0 ? GetTickCount64() + timeout : 0;
    DWORD err;
    BOOL fresh = r->retry_fresh, evict;

    *conn = NULL;
    pool_unreserve(r);
    r->wait_pool = FALSE;
    if (!p || !r->pool_key) return ERROR_SUCCESS;  /* never pooled, never counted */
    for (;;)
    {
        x = NULL;
        AcquireSRWLockExclusive(&p->lock);
        dead = take_expired(p, GetTickCount64());
        slot = find_slot(p, r->pool_key, TRUE);
        evict = FALSE;
        if ((e = find_idle(p, r->pool_key)) &&
            (!fresh || (evict = slot && slot->count >= slot_limit(s, slot)) || (slot && slot->count > slot_limit(s, slot))))
        {
            /* a kept connection; over the limit (it was lowered, or the
             * server turned out to speak HTTP/1.0) or when a fresh one is
             * wanted at the limit, the kept one is closed to make room */
            if (slot && slot->count > slot_limit(s, slot)) evict = TRUE;
            x = *e;
            *e = x->next;
            p->count--;
        }
        else if (!slot || slot->count < slot_limit(s, slot))
        {
            if (slot) slot->count++;
            r->slot = slot;
            ReleaseSRWLockExclusive(&p->lock);
            close_entries(dead);
            return ERROR_SUCCESS;
        }
        else if (r->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
        else if (r->nowait) err = ERROR_WINHTTP_TIMEOUT;
        else if (deadline && GetTickCount64() >= deadline) err = ERROR_WINHTTP_TIMEOUT;
        else
        {
            TRACE("%p: waiting for a connection to %s (%lu open)\n", r->hdr.handle, r->pool_key, slot->count);
            SleepConditionVariableSRW(&p->released, &p->lock,
                                      deadline ? (DWORD)(deadline - min(deadline, GetTickCount64())) : INFINITE, 0);
            err = ERROR_IO_PENDING;
        }
        ReleaseSRWLockExclusive(&p->lock);
        close_entries(dead);
        if (x)
        {
            struct netconn *c = x->conn;
            heap_free(x);
            if (!evict && still_open(c))
            {
                c->uses++;
                TRACE("reusing connection %s (%lu requests before)\n", r->pool_key, c->uses);
                *conn = c;
                return ERROR_SUCCESS;
            }
            TRACE("idle connection %s closed\n", r->pool_key);
            netconn_close(c);  /* frees its slot */
            continue;
        }
        if (err == ERROR_IO_PENDING) continue;
        if (err == ERROR_WINHTTP_TIMEOUT && r->nowait)
        {
            r->wait_pool = TRUE;
            r->wait_timeout = timeout;
        }
        return err;
    }
}

/* Park r's step until a connection to its key is released (called with the
 * wait's token once r->waiting is set).  ERROR_MORE_DATA: one was released
 * meanwhile, run the step again now. */
DWORD pool_wait(struct request *r, ULONGLONG token)
{
    struct session *s = r->connect->session;
    struct conn_pool *p = s->pool;
    struct pool_waiter *w, **pw;
    struct conn_slot *slot;
    DWORD ret = ERROR_SUCCESS;

    if (!p || !r->pool_key) return ERROR_MORE_DATA;
    if (!(w = heap_alloc(sizeof(*w)))) return ERROR_NOT_ENOUGH_MEMORY;
    w->token = token;
    if (!(w->key = heap_alloc(strlen(r->pool_key) + 1))) { heap_free(w); return ERROR_NOT_ENOUGH_MEMORY; }
    strcpy(w->key, r->pool_key);
    AcquireSRWLockExclusive(&p->lock);
    slot = find_slot(p, r->pool_key, FALSE);
    if (!slot || slot->count < slot_limit(s, slot) || find_idle(p, r->pool_key)) ret = ERROR_MORE_DATA;
    else
    {
        /* an older wait of the same request is stale */
        for (pw = &p->waiters; *pw; pw = &(*pw)->next)
            if ((*pw)->token >> 32 == token >> 32)
            {
                struct pool_waiter *old = *pw;
                *pw = old->next;
                waiter_free(old);
                break;
            }
        w->next = p->waiters;
        p->waiters = w;
        w = NULL;
    }
    ReleaseSRWLockExclusive(&p->lock);
    if (w) waiter_free(w);
    return ret;
}

/* The handle closes: a synchronous wait ends (it sees hdr.closed), a parked
 * one is forgotten (request_close runs the step, cancelled). */
void pool_request_closed(struct request *r)
{
    struct conn_pool *p = r->connect->session->pool;
    struct pool_waiter **pw, *x, *gone = NULL;
    ULONGLONG h = (ULONGLONG)(ULONG_PTR)r->hdr.handle;

    if (!p) return;
    AcquireSRWLockExclusive(&p->lock);
    for (pw = &p->waiters; (x = *pw);)
    {
        if (x->token >> 32 != h) { pw = &x->next; continue; }
        *pw = x->next;
        x->next = gone;
        gone = x;
    }
    WakeAllConditionVariable(&p->released);
    ReleaseSRWLockExclusive(&p->lock);
    for (; gone; gone = x)
    {
        x = gone->next;
        waiter_free(gone);
    }
}

void pool_attach(struct request *r, struct netconn *c)
{
    c->pool_key = r->pool_key;
    r->pool_key = NULL;
    c->slot = r->slot;
    r->slot = NULL;
}

/* One connection fewer counts against slot's limit: its waiters try again. */
static void slot_release(struct conn_slot *slot)
{
    struct conn_pool *p = slot->pool;
    struct pool_waiter *woken;

    AcquireSRWLockExclusive(&p->lock);
    slot->count--;
    woken = take_waiters(p, slot->key);
    ReleaseSRWLockExclusive(&p->lock);
    TRACE("%s: %lu open\n", slot->key, slot->count);
    run_waiters(woken);
}

/* a reserved slot not used (the connection could not be opened) */
void pool_unreserve(struct request *r)
{
    struct conn_slot *slot = r->slot;

    if (!slot) return;
    r->slot = NULL;
    slot_release(slot);
}

void pool_conn_closed(struct netconn *c)
{
    struct conn_slot *slot = c->slot;

    c->slot = NULL;
    slot_release(slot);
}

/* RFC 9110 2.5: the version a server answers with is the one it speaks */
void pool_note_response(struct request *r)
{
    struct conn_slot *slot = r->conn ? r->conn->slot : NULL;
    BOOL v10 = r->resp_version && !wcscmp(r->resp_version, L"HTTP/1.0");

    if (!slot || slot->http10 == v10) return;
    AcquireSRWLockExclusive(&slot->pool->lock);
    slot->http10 = v10;
    ReleaseSRWLockExclusive(&slot->pool->lock);
}

void pool_put(struct session *s, struct netconn *c)
{
    struct conn_pool *p = get_pool(s);
    struct pool_entry *x, *dead;
    struct pool_waiter *woken;

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
    woken = take_waiters(p, c->pool_key);
    ReleaseSRWLockExclusive(&p->lock);
    TRACE("connection %s idle\n", c->pool_key);
    close_entries(dead);
    run_waiters(woken);
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
    p->idle = NULL;
    while (p->waiters)
    {
        struct pool_waiter *w = p->waiters;
        p->waiters = w->next;
        waiter_free(w);
    }
    while (p->slots)
    {
        struct conn_slot *slot = p->slots;
        p->slots = slot->next;
        heap_free(slot->key);
        heap_free(slot);
    }
    heap_free(p);
    s->pool = NULL;
}
