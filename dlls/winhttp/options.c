/* WinHttpSetOption and WinHttpQueryOption. */
#include <stdio.h>
#include "websocket.h"
#include "proxy.h"

#define IGNORE_FLAGS (SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | \
                      SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE)

static struct timeouts *object_timeouts(struct object *obj)
{
    if (obj->type == WINHTTP_HANDLE_TYPE_SESSION) return &((struct session *)obj)->timeouts;
    if (obj->type == WINHTTP_HANDLE_TYPE_REQUEST) return &((struct request *)obj)->timeouts;
    return NULL;
}

/* The WebSocket tunables live on sessions and requests (inherited into the
 * websocket at upgrade) and on websocket handles; the keep-alive interval is
 * set on websocket handles only (Windows refuses it elsewhere). */
static DWORD *ws_option_field(struct object *obj, DWORD option)
{
    switch (obj->type)
    {
    case WINHTTP_HANDLE_TYPE_SESSION:
    {
        struct session *s = (struct session *)obj;
        switch (option)
        {
        case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT: return &s->ws_close_timeout;
        case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE: return &s->ws_recv_buffer;
        case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE: return &s->ws_send_buffer;
        }
        break;
    }
    case WINHTTP_HANDLE_TYPE_REQUEST:
    {
        struct request *r = (struct request *)obj;
        switch (option)
        {
        case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT: return &r->ws_close_timeout;
        case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE: return &r->ws_recv_buffer;
        case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE: return &r->ws_send_buffer;
        }
        break;
    }
    case WINHTTP_HANDLE_TYPE_WEBSOCKET:
    {
        struct websocket *w = (struct websocket *)obj;
        switch (option)
        {
        case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT: return &w->close_timeout;
        }
        break;
    }
    }
    return NULL;
}

static DWORD get_dword(const void *buffer, DWORD len, DWORD *value)
{
    if (!buffer) return ERROR_INVALID_PARAMETER;
    if (len != sizeof(DWORD)) return ERROR_INSUFFICIENT_BUFFER;
    *value = *(const DWORD *)buffer;
    return ERROR_SUCCESS;
}

static DWORD put_value(const void *value, DWORD size, void *buffer, DWORD *len)
{
    if (!buffer || *len < size)
    {
        *len = size;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy(buffer, value, size);
    *len = size;
    return ERROR_SUCCESS;
}

DWORD set_object_option(struct object *obj, DWORD option, void *buffer, DWORD len)
{
    struct timeouts *to = object_timeouts(obj);
    DWORD value, err, *field;

    switch (option)
    {
    case WINHTTP_OPTION_CONTEXT_VALUE:
        if (!buffer) return ERROR_INVALID_PARAMETER;
        if (len != sizeof(DWORD_PTR)) return ERROR_INSUFFICIENT_BUFFER;
        obj->context = *(DWORD_PTR *)buffer;
        return ERROR_SUCCESS;

    case WINHTTP_OPTION_RESOLVE_TIMEOUT:
    case WINHTTP_OPTION_CONNECT_TIMEOUT:
    case WINHTTP_OPTION_SEND_TIMEOUT:
    case WINHTTP_OPTION_RECEIVE_TIMEOUT:
    case WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT:
        if (!to) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        if ((err = get_dword(buffer, len, &value))) return err;
        if ((int)value < -1) return ERROR_INVALID_PARAMETER;
        switch (option)
        {
        case WINHTTP_OPTION_RESOLVE_TIMEOUT: to->resolve = (int)value; break;
        case WINHTTP_OPTION_CONNECT_TIMEOUT: to->connect = (int)value; break;
        case WINHTTP_OPTION_SEND_TIMEOUT: to->send = (int)value; break;
        case WINHTTP_OPTION_RECEIVE_TIMEOUT: to->receive = (int)value; break;
        default: to->receive_response = (int)value; break;
        }
        return ERROR_SUCCESS;

    case WINHTTP_OPTION_USER_AGENT:
    {
        struct session *s = (struct session *)obj;
        WCHAR *agent;
        if (obj->type != WINHTTP_HANDLE_TYPE_SESSION) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        if (!buffer && len) return ERROR_INVALID_PARAMETER;
        /* string options: dwBufferLength counts characters (WinHttpSetOption);
         * it may or may not include the terminating NUL */
        if (!(agent = strndupW(buffer ? buffer : L"", buffer ? wcsnlen(buffer, len) : 0))) return ERROR_NOT_ENOUGH_MEMORY;
        heap_free(s->agent);
        s->agent = agent;
        return ERROR_SUCCESS;
    }

    case WINHTTP_OPTION_SECURE_PROTOCOLS:
        if (obj->type != WINHTTP_HANDLE_TYPE_SESSION) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        if ((err = get_dword(buffer, len, &value))) return err;
        if (value & ~WINHTTP_FLAG_SECURE_PROTOCOL_ALL & ~(DWORD)0x3000 /* TLS 1.3 */) return ERROR_INVALID_PARAMETER;
        ((struct session *)obj)->secure_protocols = value;
        return ERROR_SUCCESS;

    case WINHTTP_OPTION_SECURITY_FLAGS:
        if (obj->type != WINHTTP_HANDLE_TYPE_REQUEST) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        if ((err = get_dword(buffer, len, &value))) return err;
        if (value & ~IGNORE_FLAGS) return ERROR_INVALID_PARAMETER;
        ((struct request *)obj)->security_flags = value;
        return ERROR_SUCCESS;

    case WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET:
    {
        struct request *r = (struct request *)obj;
        if (obj->type != WINHTTP_HANDLE_TYPE_REQUEST) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        if (r->state != REQ_OPEN) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
        r->websocket_upgrade = TRUE;
        return ERROR_SUCCESS;
    }

    case WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL:
        /* Windows-verified: websocket handles only, a DWORD of at least
         * WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE, else ERROR_INVALID_PARAMETER */
        if (obj->type != WINHTTP_HANDLE_TYPE_WEBSOCKET) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        if (!buffer || len != sizeof(DWORD)) return ERROR_INVALID_PARAMETER;
        if ((value = *(const DWORD *)buffer) < WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE) return ERROR_INVALID_PARAMETER;
        return websocket_set_keepalive(obj, value);

    case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT:
    case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE:
    case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE:
        if (!(field = ws_option_field(obj, option))) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        if ((err = get_dword(buffer, len, &value))) return err;
        if ((option == WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE || option == WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE)
            && !value)
            return ERROR_INVALID_PARAMETER;
        *field = value;
        return ERROR_SUCCESS;

    case WINHTTP_OPTION_PROXY:
        return proxy_set_option(obj, buffer, len);

    case WINHTTP_OPTION_HANDLE_TYPE:
    case WINHTTP_OPTION_PARENT_HANDLE:
    case WINHTTP_OPTION_URL:
        return ERROR_WINHTTP_OPTION_NOT_SETTABLE;
    }
    FIXME("option %lu not supported\n", option);
    return ERROR_WINHTTP_INVALID_OPTION;
}

static DWORD get_url(struct request *r, void *buffer, DWORD *len)
{
    BOOL secure = (r->open_flags & WINHTTP_FLAG_SECURE) != 0;
    INTERNET_PORT port = r->connect->port;
    WCHAR portstr[8] = L"";
    size_t n;
    WCHAR *url;
    DWORD err;

    if (port && port != (secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT))
        swprintf(portstr, ARRAYSIZE(portstr), L":%u", port);
    n = wcslen(r->connect->server) + wcslen(r->path) + wcslen(portstr) + 9;
    if (!(url = heap_alloc(n * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    swprintf(url, n, L"%ls://%ls%ls%ls", secure ? L"https" : L"http", r->connect->server, portstr, r->path);
    err = return_string(url, wcslen(url), buffer, len);
    heap_free(url);
    return err;
}

DWORD get_object_option(struct object *obj, DWORD option, void *buffer, DWORD *len)
{
    struct timeouts *to = object_timeouts(obj);
    DWORD value, *field;
    int t;

    switch (option)
    {
    case 0:
        return ERROR_INVALID_PARAMETER;  /* querying no option (setting it is ERROR_WINHTTP_INVALID_OPTION) */
    case WINHTTP_OPTION_CONTEXT_VALUE:
        return put_value(&obj->context, sizeof(obj->context), buffer, len);
    case WINHTTP_OPTION_HANDLE_TYPE:
        value = obj->type;
        return put_value(&value, sizeof(value), buffer, len);
    case WINHTTP_OPTION_PARENT_HANDLE:
    {
        HINTERNET parent = obj->parent ? obj->parent->handle : NULL;
        return put_value(&parent, sizeof(parent), buffer, len);
    }
    case WINHTTP_OPTION_RESOLVE_TIMEOUT:
    case WINHTTP_OPTION_CONNECT_TIMEOUT:
    case WINHTTP_OPTION_SEND_TIMEOUT:
    case WINHTTP_OPTION_RECEIVE_TIMEOUT:
    case WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT:
        if (!to) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        switch (option)
        {
        case WINHTTP_OPTION_RESOLVE_TIMEOUT: t = to->resolve; break;
        case WINHTTP_OPTION_CONNECT_TIMEOUT: t = to->connect; break;
        case WINHTTP_OPTION_SEND_TIMEOUT: t = to->send; break;
        case WINHTTP_OPTION_RECEIVE_TIMEOUT: t = to->receive; break;
        default: t = to->receive_response; break;
        }
        return put_value(&t, sizeof(t), buffer, len);
    case WINHTTP_OPTION_USER_AGENT:
    {
        struct session *s = (struct session *)obj;
        const WCHAR *agent;
        if (obj->type != WINHTTP_HANDLE_TYPE_SESSION) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        agent = s->agent ? s->agent : L"";
        return return_string(agent, wcslen(agent), buffer, len);
    }
    case WINHTTP_OPTION_SECURITY_FLAGS:
    {
        struct request *r = (struct request *)obj;
        if (obj->type != WINHTTP_HANDLE_TYPE_REQUEST) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        value = r->security_flags;
        if (r->open_flags & WINHTTP_FLAG_SECURE) value |= SECURITY_FLAG_SECURE | SECURITY_FLAG_STRENGTH_STRONG;
        return put_value(&value, sizeof(value), buffer, len);
    }
    case WINHTTP_OPTION_URL:
        if (obj->type != WINHTTP_HANDLE_TYPE_REQUEST) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return get_url((struct request *)obj, buffer, len);
    case WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL:
        return ERROR_INVALID_PARAMETER;  /* Windows-verified: not queryable on any handle */
    case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT:
    case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE:
    case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE:
        if (!(field = ws_option_field(obj, option))) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return put_value(field, sizeof(DWORD), buffer, len);
    case WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET:
        return ERROR_INVALID_PARAMETER; /* set-only */
    case WINHTTP_OPTION_PROXY:
        return proxy_get_option(obj, buffer, len);
    }
    FIXME("option %lu not supported\n", option);
    return ERROR_WINHTTP_INVALID_OPTION;
}

BOOL WINAPI WinHttpSetOption(HINTERNET handle, DWORD option, LPVOID buffer, DWORD len)
{
    struct object *obj;
    DWORD err;

    TRACE("%p, %lu, %p, %lu\n", handle, option, buffer, len);
    if (!(obj = grab_object(handle))) { set_error(ERROR_INVALID_HANDLE); return FALSE; }
    EnterCriticalSection(&obj->cs);
    err = set_object_option(obj, option, buffer, len);
    LeaveCriticalSection(&obj->cs);
    release_object(obj);
    set_error(err);
    return !err;
}

BOOL WINAPI WinHttpQueryOption(HINTERNET handle, DWORD option, LPVOID buffer, LPDWORD len)
{
    struct object *obj;
    DWORD err;

    TRACE("%p, %lu, %p, %p\n", handle, option, buffer, len);
    if (!len) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    if (!(obj = grab_object(handle))) { set_error(ERROR_INVALID_HANDLE); return FALSE; }
    EnterCriticalSection(&obj->cs);
    err = get_object_option(obj, option, buffer, len);
    LeaveCriticalSection(&obj->cs);
    release_object(obj);
    set_error(err);
    return !err;
}
