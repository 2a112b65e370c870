/* WinHttpOpen, WinHttpConnect, WinHttpCloseHandle, WinHttpSetTimeouts, WinHttpSetStatusCallback. */
#include "private.h"
#include "proxy.h"

static void session_destroy(struct object *obj)
{
    struct session *s = (struct session *)obj;
    tls_resume_forget(s);
    pool_free(s);
    heap_free(s->agent);
    heap_free(s->proxy);
    heap_free(s->proxy_bypass);
    cookie_store_free(s);
    heap_free(s);
}

static const struct object_vtbl session_vtbl = { NULL, session_destroy, NULL, NULL };

HINTERNET WINAPI WinHttpOpen(LPCWSTR agent, DWORD access, LPCWSTR proxy, LPCWSTR bypass, DWORD flags)
{
    struct session *s;
    HINTERNET h;
    DWORD err;

    TRACE("%s, %lu, %s, %s, 0x%08lx\n", dbg_w(agent), access, dbg_w(proxy), dbg_w(bypass), flags);
    if ((flags & WINHTTP_FLAG_ASYNC) && !async_start())
    {
        ERR("no thread pool or transport: asynchronous mode unavailable\n");
        set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    if (!(s = heap_alloc_zero(sizeof(*s)))) { set_error(ERROR_NOT_ENOUGH_MEMORY); return NULL; }
    init_object(&s->hdr, WINHTTP_HANDLE_TYPE_SESSION, &session_vtbl, NULL);
    s->hdr.flags = flags;
    s->agent = strdupW(agent);
    if ((err = proxy_session_init(s, access, proxy, bypass)))
    {
        release_object(&s->hdr);
        set_error(err);
        return NULL;
    }
    options_session_defaults(s);
    h = alloc_handle(&s->hdr);
    release_object(&s->hdr);
    if (!h) { set_error(ERROR_OUTOFMEMORY); return NULL; }
    set_error(ERROR_SUCCESS);
    return h;
}

static void connect_destroy(struct object *obj)
{
    struct connect *c = (struct connect *)obj;
    heap_free(c->server);
    heap_free(c);
}

static const struct object_vtbl connect_vtbl = { NULL, connect_destroy, NULL, NULL };

HINTERNET WINAPI WinHttpConnect(HINTERNET hsession, LPCWSTR server, INTERNET_PORT port, DWORD reserved)
{
    struct object *obj;
    struct connect *c;
    HINTERNET h = NULL;

    TRACE("%p, %s, %u, %lu\n", hsession, dbg_w(server), port, reserved);
    if (!(obj = grab_object(hsession))) { set_error(ERROR_INVALID_HANDLE); return NULL; }
    if (obj->type != WINHTTP_HANDLE_TYPE_SESSION)
    {
        set_error(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        goto done;
    }
    if (!server || !server[0])
    {
        set_error(ERROR_INVALID_PARAMETER);
        goto done;
    }
    if (!(c = heap_alloc_zero(sizeof(*c)))) { set_error(ERROR_NOT_ENOUGH_MEMORY); goto done; }
    init_object(&c->hdr, WINHTTP_HANDLE_TYPE_CONNECT, &connect_vtbl, obj);
    c->session = (struct session *)obj;
    c->server = strdupW(server);
    c->port = port;
    if ((h = alloc_handle(&c->hdr)))
    {
        send_callback(&c->hdr, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &h, sizeof(h));
        set_error(ERROR_SUCCESS);
    }
    else set_error(ERROR_OUTOFMEMORY);
    release_object(&c->hdr);
done:
    release_object(obj);
    return h;
}

BOOL WINAPI WinHttpCloseHandle(HINTERNET handle)
{
    TRACE("%p\n", handle);
    if (!free_handle(handle))
    {
        set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    set_error(ERROR_SUCCESS);
    return TRUE;
}

BOOL WINAPI WinHttpSetTimeouts(HINTERNET handle, int resolve, int connect, int send, int receive)
{
    struct object *obj;
    struct timeouts *t;
    BOOL ret = FALSE;

    TRACE("%p, %d, %d, %d, %d\n", handle, resolve, connect, send, receive);
    if (resolve < -1 || connect < -1 || send < -1 || receive < -1)
    {
        set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(obj = grab_object(handle))) { set_error(ERROR_INVALID_HANDLE); return FALSE; }
    switch (obj->type)
    {
    case WINHTTP_HANDLE_TYPE_SESSION: t = &((struct session *)obj)->timeouts; break;
    case WINHTTP_HANDLE_TYPE_REQUEST: t = &((struct request *)obj)->timeouts; break;
    default: set_error(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE); goto done;
    }
    EnterCriticalSection(&obj->cs);
    t->resolve = resolve;
    t->connect = connect;
    t->send = send;
    t->receive = receive;
    LeaveCriticalSection(&obj->cs);
    ret = TRUE;
    set_error(ERROR_SUCCESS);
done:
    release_object(obj);
    return ret;
}

WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback(HINTERNET handle, WINHTTP_STATUS_CALLBACK callback,
                                                        DWORD flags, DWORD_PTR reserved)
{
    struct object *obj;
    WINHTTP_STATUS_CALLBACK prev;

    TRACE("%p, %p, 0x%08lx\n", handle, callback, flags);
    if (!(obj = grab_object(handle))) { set_error(ERROR_INVALID_HANDLE); return WINHTTP_INVALID_STATUS_CALLBACK; }
    EnterCriticalSection(&obj->cs);
    prev = obj->callback;
    obj->callback = callback;
    obj->notify_mask = flags;
    LeaveCriticalSection(&obj->cs);
    release_object(obj);
    set_error(ERROR_SUCCESS);
    return prev;
}
