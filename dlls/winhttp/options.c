/* WinHttpSetOption and WinHttpQueryOption. */
#include <winsock2.h>   /* before winhttp.h: WINHTTP_CONNECTION_INFO needs SOCKADDR_STORAGE */
#include <ws2tcpip.h>
#include <stdio.h>
#include "websocket.h"
#include "proxy.h"
#include "server_cert.h"
#include "client_cert.h"

#define IGNORE_FLAGS (SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | \
                      SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE)

/*
 * Every option is one row of the table below: the handle types it may be
 * queried on and set on (ERROR_WINHTTP_INCORRECT_HANDLE_TYPE elsewhere), and
 * how.  A row without a query function is set-only (querying it is
 * ERROR_INVALID_PARAMETER, as Windows answers), one without a set function is
 * read-only (ERROR_WINHTTP_OPTION_NOT_SETTABLE); an option with no row is
 * ERROR_WINHTTP_INVALID_OPTION.  Plain DWORD options are described by where
 * they live (field offsets in the session and the request; a connection
 * reports its session's) and a range check.  Answers as measured on Windows
 * by Wine's tests (dlls/winhttp/tests/winhttp.c) where they exist, else as
 * the "Option Flags" page documents.
 */

#define ON_S (1u << WINHTTP_HANDLE_TYPE_SESSION)
#define ON_C (1u << WINHTTP_HANDLE_TYPE_CONNECT)
#define ON_R (1u << WINHTTP_HANDLE_TYPE_REQUEST)
#define ON_W (1u << WINHTTP_HANDLE_TYPE_WEBSOCKET)
#define ON_ANY (ON_S | ON_C | ON_R | ON_W)
#define NO_FIELD ((size_t)-1)
#define S_FIELD(f) offsetof(struct session, f)
#define R_FIELD(f) offsetof(struct request, f)

/* Windows' defaults (WebSocket buffers: reported while not set) */
#define WS_BUFFER_DEFAULT 32768

struct option_def;
typedef DWORD (*query_fn)(struct object *obj, const struct option_def *def, void *buffer, DWORD *len);
typedef DWORD (*set_fn)(struct object *obj, const struct option_def *def, void *buffer, DWORD len);

struct option_def
{
    DWORD option;
    unsigned query_on, set_on;           /* ON_* masks */
    query_fn query;                      /* NULL: set-only */
    set_fn set;                          /* NULL: read-only */
    size_t s_field, r_field;             /* DWORD options: where the value lives */
    DWORD min, max;                      /* DWORD options: accepted values */
    DWORD unset;                         /* DWORD options: reported while the field is 0 (0: none) */
};

static HANDLE unload_event;              /* WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT */

void options_session_defaults(struct session *s)
{
    /* documented defaults; the receive-response timeout reports "infinite"
     * on Windows (Wine's tests), the wait is then bounded by the receive
     * timeout (request.c) */
    s->timeouts.resolve = 0;
    s->timeouts.connect = 60000;
    s->timeouts.send = 30000;
    s->timeouts.receive = 30000;
    s->timeouts.receive_response = -1;
    s->ws_close_timeout = 10000;
    s->ws_keepalive = 30000;
    s->ws_recv_buffer = s->ws_send_buffer = 0;
    s->redirect_policy = WINHTTP_OPTION_REDIRECT_POLICY_DEFAULT;
    s->max_redirects = 10;
    s->max_continue = 10;
    s->connect_retries = 5;
}

/* a request takes its session's values when it is opened; later changes to
 * either do not reach the other (Wine's tests, verified on Windows) */
void options_request_inherit(struct request *r, const struct session *s)
{
    r->timeouts = s->timeouts;
    r->ws_close_timeout = s->ws_close_timeout;
    r->ws_keepalive = s->ws_keepalive;
    r->ws_recv_buffer = s->ws_recv_buffer;
    r->ws_send_buffer = s->ws_send_buffer;
    r->redirect_policy = s->redirect_policy;
    r->max_redirects = s->max_redirects;
    r->max_continue = s->max_continue;
    r->connect_retries = s->connect_retries;
    r->decompression = s->decompression;
}

void options_process_detach(void)
{
    if (unload_event) SetEvent(unload_event);
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

/* ---- plain DWORD options ---- */

static DWORD *dword_field(struct object *obj, const struct option_def *def)
{
    switch (obj->type)
    {
    case WINHTTP_HANDLE_TYPE_SESSION:
        return def->s_field == NO_FIELD ? NULL : (DWORD *)((char *)obj + def->s_field);
    case WINHTTP_HANDLE_TYPE_CONNECT:  /* reports its session's current value */
        return def->s_field == NO_FIELD ? NULL : (DWORD *)((char *)((struct connect *)obj)->session + def->s_field);
    case WINHTTP_HANDLE_TYPE_REQUEST:
        return def->r_field == NO_FIELD ? NULL : (DWORD *)((char *)obj + def->r_field);
    }
    return NULL;
}

static DWORD query_dword(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    DWORD *field = dword_field(obj, def), value;
    if (!field) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    value = (!*field && def->unset) ? def->unset : *field;
    return put_value(&value, sizeof(value), buffer, len);
}

static DWORD set_dword(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    DWORD *field = dword_field(obj, def), value, err;
    if (!field) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    if ((err = get_dword(buffer, len, &value))) return err;
    if (value < def->min || value > def->max) return ERROR_INVALID_PARAMETER;
    *field = value;
    return ERROR_SUCCESS;
}

/* ---- options with their own rules ---- */

/* WINHTTP_OPTION_MAX_CONNS_PER_[1_0_]SERVER: "when this option is set to
 * zero, WinHTTP sets the limit on the number of connections to 2" (Option
 * Flags page); enforced in pool.c */
static DWORD set_max_conns(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    DWORD value, err;
    if ((err = get_dword(buffer, len, &value))) return err;
    *dword_field(obj, def) = value ? value : 2;
    return ERROR_SUCCESS;
}

static DWORD get_url(struct request *r, void *buffer, DWORD *len)
{
    BOOL secure = (r->open_flags & WINHTTP_FLAG_SECURE) != 0;
    INTERNET_PORT port = request_port(r);
    WCHAR portstr[8] = L"";
    size_t n;
    WCHAR *url;
    DWORD err;

    if (port && port != (secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT))
        swprintf(portstr, ARRAYSIZE(portstr), L":%u", port);
    n = wcslen(request_server(r)) + wcslen(r->path) + wcslen(portstr) + 9;
    if (!(url = heap_alloc(n * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    swprintf(url, n, L"%ls://%ls%ls%ls", secure ? L"https" : L"http", request_server(r), portstr, r->path);
    err = return_string(url, wcslen(url), buffer, len);
    heap_free(url);
    return err;
}


static DWORD query_context(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    return put_value(&obj->context, sizeof(obj->context), buffer, len);
}

static DWORD set_context(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    if (!buffer) return ERROR_INVALID_PARAMETER;
    if (len != sizeof(DWORD_PTR)) return ERROR_INSUFFICIENT_BUFFER;
    obj->context = *(DWORD_PTR *)buffer;
    return ERROR_SUCCESS;
}

static DWORD query_callback(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    return put_value(&obj->callback, sizeof(obj->callback), buffer, len);
}

static DWORD query_handle_type(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    DWORD value = obj->type;
    return put_value(&value, sizeof(value), buffer, len);
}

static DWORD query_parent(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    HINTERNET parent = obj->parent ? obj->parent->handle : NULL;
    return put_value(&parent, sizeof(parent), buffer, len);
}

/* "WinHttpSetOption ... with a negative value other than -1" is refused by
 * WinHttpSetTimeouts only; the option takes any DWORD (0xbeefdead on Windows) */
static DWORD set_timeout(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    DWORD *field = dword_field(obj, def), value, err;
    if (!field) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    if ((err = get_dword(buffer, len, &value))) return err;
    *field = value;
    return ERROR_SUCCESS;
}

static DWORD query_agent(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    const WCHAR *agent = ((struct session *)obj)->agent ? ((struct session *)obj)->agent : L"";
    return return_string(agent, wcslen(agent), buffer, len);
}

static DWORD set_agent(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    struct session *s = (struct session *)obj;
    WCHAR *agent;
    if (!buffer && len) return ERROR_INVALID_PARAMETER;
    /* string options: dwBufferLength counts characters (WinHttpSetOption);
     * it may or may not include the terminating NUL */
    if (!(agent = strndupW(buffer ? buffer : L"", buffer ? wcsnlen(buffer, len) : 0))) return ERROR_NOT_ENOUGH_MEMORY;
    heap_free(s->agent);
    s->agent = agent;
    return ERROR_SUCCESS;
}

static DWORD query_security_flags(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    struct request *r = (struct request *)obj;
    DWORD value = r->security_flags & ~SECURITY_FLAG_INTERNAL_REVOCATION;
    if (r->open_flags & WINHTTP_FLAG_SECURE) value |= SECURITY_FLAG_SECURE | SECURITY_FLAG_STRENGTH_STRONG;
    return put_value(&value, sizeof(value), buffer, len);
}

static DWORD set_security_flags(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    DWORD value, err;
    if ((err = get_dword(buffer, len, &value))) return err;
    if (value & ~IGNORE_FLAGS) return ERROR_INVALID_PARAMETER;
    ((struct request *)obj)->security_flags =
        value | (((struct request *)obj)->security_flags & SECURITY_FLAG_INTERNAL_REVOCATION);
    return ERROR_SUCCESS;
}

static DWORD query_url(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    return get_url((struct request *)obj, buffer, len);
}

static DWORD set_upgrade(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    struct request *r = (struct request *)obj;
    if (r->state != REQ_OPEN) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    r->websocket_upgrade = TRUE;
    return ERROR_SUCCESS;
}

static DWORD set_keepalive(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    DWORD value;
    /* Windows-verified: a DWORD of at least WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE,
     * any other size or value is ERROR_INVALID_PARAMETER */
    if (!buffer || len != sizeof(DWORD)) return ERROR_INVALID_PARAMETER;
    if ((value = *(const DWORD *)buffer) < WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE) return ERROR_INVALID_PARAMETER;
    return websocket_set_keepalive(obj, value);
}

static DWORD set_ws_close_timeout(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    DWORD value, err;
    if (obj->type != WINHTTP_HANDLE_TYPE_WEBSOCKET) return set_dword(obj, def, buffer, len);
    if ((err = get_dword(buffer, len, &value))) return err;
    ((struct websocket *)obj)->close_timeout = value;
    return ERROR_SUCCESS;
}

static DWORD query_ws_close_timeout(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    if (obj->type != WINHTTP_HANDLE_TYPE_WEBSOCKET) return query_dword(obj, def, buffer, len);
    return put_value(&((struct websocket *)obj)->close_timeout, sizeof(DWORD), buffer, len);
}

/* Windows accepts any set of WINHTTP_DISABLE_* flags (Wine's tests: 0 and
 * 0xffffffff); WINHTTP_DISABLE_REDIRECTS is read by redirect.c,
 * WINHTTP_DISABLE_AUTHENTICATION by auth.c, WINHTTP_DISABLE_COOKIES by
 * cookie_store.c, WINHTTP_DISABLE_KEEP_ALIVE by pool.c */
static DWORD set_disable_feature(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    DWORD value, err;
    if ((err = get_dword(buffer, len, &value))) return err;
    ((struct request *)obj)->disabled_features |= value;
    return ERROR_SUCCESS;
}

static DWORD set_enable_feature(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    if (!buffer || len != sizeof(DWORD) || *(const DWORD *)buffer != WINHTTP_ENABLE_SSL_REVOCATION)
        return ERROR_INVALID_PARAMETER;
    /* checked from what the server staples (OCSP); nothing is fetched */
    ((struct request *)obj)->security_flags |= SECURITY_FLAG_INTERNAL_REVOCATION;
    return ERROR_SUCCESS;
}

/* MinGW's WINHTTP_FLAG_SECURE_PROTOCOL_ALL stops at TLS 1.0 */
#define KNOWN_PROTOCOLS (WINHTTP_FLAG_SECURE_PROTOCOL_SSL2 | WINHTTP_FLAG_SECURE_PROTOCOL_SSL3 | \
                         WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1 | \
                         WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | 0x2000 /* TLS 1.3 */)

/* never set: what a handshake then offers, TLS 1.2 and 1.3 (Windows'
 * default on current systems; 1.0/1.1 only when asked) */
static DWORD query_secure_protocols(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    DWORD value = ((struct session *)obj)->secure_protocols;
    if (!value) value = WHNET_PROTO_DEFAULT;
    return put_value(&value, sizeof(DWORD), buffer, len);
}

static DWORD set_secure_protocols(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    DWORD value, err;
    if ((err = get_dword(buffer, len, &value))) return err;
    if (value & ~KNOWN_PROTOCOLS) return ERROR_INVALID_PARAMETER;
    ((struct session *)obj)->secure_protocols = value;
    return ERROR_SUCCESS;
}

/* the server's certificate (server_cert.c) */
static DWORD query_server_cert(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    struct request *r = (struct request *)obj;
    if (def->option == WINHTTP_OPTION_SERVER_CERT_CONTEXT) return server_cert_query_context(r, buffer, len);
    if (def->option == WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT) return server_cert_query_info(r, buffer, len);
    if (def->option == WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT) return server_cert_query_chain(r, buffer, len);
    return server_cert_query_bitness(r, buffer, len);
}

/* "When a client certificate is not needed, WINHTTP_NO_CLIENT_CERT_CONTEXT";
 * only on a secure request (ERROR_WINHTTP_INCORRECT_HANDLE_STATE otherwise,
 * Wine's tests); a CERT_CONTEXT is sent when the server asks (client_cert.c) */
static DWORD set_client_cert(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    struct request *r = (struct request *)obj;
    struct client_cert *cc;
    DWORD err;

    if (!(r->open_flags & WINHTTP_FLAG_SECURE)) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (buffer == WINHTTP_NO_CLIENT_CERT_CONTEXT)
    {
        r->no_client_cert = TRUE;
        client_cert_free(r->client_cert);
        r->client_cert = NULL;
        return ERROR_SUCCESS;
    }
    if ((err = client_cert_create(buffer, len, &cc))) return err;
    client_cert_free(r->client_cert);
    r->client_cert = cc;
    r->no_client_cert = FALSE;
    return ERROR_SUCCESS;
}

static DWORD query_issuer_list(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    return client_cert_query_issuers((struct request *)obj, buffer, len);
}

/* only the default, Passport off, is what we do */
static DWORD set_passport(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    DWORD value, err;
    if ((err = get_dword(buffer, len, &value))) return err;
    if (value & ~(WINHTTP_ENABLE_PASSPORT_AUTH | WINHTTP_DISABLE_PASSPORT_KEYRING | WINHTTP_ENABLE_PASSPORT_KEYRING))
        return ERROR_INVALID_PARAMETER;
    if (!(value & (WINHTTP_ENABLE_PASSPORT_AUTH | WINHTTP_ENABLE_PASSPORT_KEYRING))) return ERROR_SUCCESS;
    FIXME("Passport authentication is not supported\n");
    return ERROR_NOT_SUPPORTED;
}

static DWORD set_unload_event(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    HANDLE event, old;
    if (!buffer) return ERROR_INVALID_PARAMETER;
    if (len != sizeof(HANDLE)) return ERROR_INSUFFICIENT_BUFFER;
    event = *(HANDLE *)buffer;
    old = InterlockedExchangePointer(&unload_event, event);
    (void)old;
    return ERROR_SUCCESS;
}

/* 0: "the number of threads is equal to the number of CPUs", which our pool does */
static DWORD query_worker_threads(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    DWORD value = 0;
    return put_value(&value, sizeof(value), buffer, len);
}

/* we speak HTTP/1.x only: no WINHTTP_PROTOCOL_FLAG_* was used */
static DWORD query_protocol_used(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    DWORD value = 0;
    return put_value(&value, sizeof(value), buffer, len);
}

/* credentials (auth.c) */
static DWORD query_auth(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    return auth_get_option(obj, def->option, buffer, len);
}

static DWORD set_auth(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    return auth_set_option(obj, def->option, buffer, len);
}

/* WINHTTP_OPTION_CONNECTION_INFO: the addresses of the request's
 * connection, once there is one (ERROR_WINHTTP_INCORRECT_HANDLE_STATE
 * before: Wine's tests) */
static void to_sockaddr(const struct whnet_addr *a, SOCKADDR_STORAGE *out)
{
    memset(out, 0, sizeof(*out));
    if (a->family == 4)
    {
        SOCKADDR_IN *in = (SOCKADDR_IN *)out;
        in->sin_family = AF_INET;
        in->sin_port = (USHORT)(a->port >> 8 | a->port << 8);  /* network order */
        memcpy(&in->sin_addr, a->addr, 4);
    }
    else
    {
        SOCKADDR_IN6 *in6 = (SOCKADDR_IN6 *)out;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = (USHORT)(a->port >> 8 | a->port << 8);
        in6->sin6_flowinfo = a->flowinfo;
        in6->sin6_scope_id = a->scope_id;
        memcpy(&in6->sin6_addr, a->addr, 16);
    }
}

static DWORD query_connection_info(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    struct request *r = (struct request *)obj;
    struct whnet_addr local, remote;
    WINHTTP_CONNECTION_INFO info;
    DWORD err;

    AcquireSRWLockShared(&r->conn_lock);
    if (!r->conn || r->conn->opening != NETCONN_READY) err = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else err = transport_get()->addresses(r->conn->id, &local, &remote);
    ReleaseSRWLockShared(&r->conn_lock);
    if (err) return err;
    memset(&info, 0, sizeof(info));
    info.cbSize = sizeof(info);
    to_sockaddr(&local, &info.LocalAddress);
    to_sockaddr(&remote, &info.RemoteAddress);
    return put_value(&info, sizeof(info), buffer, len);
}

/* WINHTTP_OPTION_PROXY (proxy.c) */
static DWORD query_proxy(struct object *obj, const struct option_def *def, void *buffer, DWORD *len)
{
    return proxy_get_option(obj, buffer, len);
}

static DWORD set_proxy(struct object *obj, const struct option_def *def, void *buffer, DWORD len)
{
    return proxy_set_option(obj, buffer, len);
}

#define TIMEOUT_ROW(opt, f) \
    { opt, ON_S | ON_C | ON_R, ON_S | ON_R, query_dword, set_timeout, S_FIELD(timeouts.f), R_FIELD(timeouts.f), 0, ~0u, 0 }
#define DWORD_ROW(opt, f, lo, hi) \
    { opt, ON_S | ON_C | ON_R, ON_S | ON_R, query_dword, set_dword, S_FIELD(f), R_FIELD(f), lo, hi, 0 }
#define CALLS_ROW(opt, q_on, s_on, q, s) { opt, q_on, s_on, q, s, NO_FIELD, NO_FIELD, 0, 0, 0 }

static const struct option_def options[] =
{
    CALLS_ROW(WINHTTP_OPTION_CALLBACK, ON_ANY, 0, query_callback, NULL),
    TIMEOUT_ROW(WINHTTP_OPTION_RESOLVE_TIMEOUT, resolve),
    TIMEOUT_ROW(WINHTTP_OPTION_CONNECT_TIMEOUT, connect),
    DWORD_ROW(WINHTTP_OPTION_CONNECT_RETRIES, connect_retries, 0, ~0u),
    TIMEOUT_ROW(WINHTTP_OPTION_SEND_TIMEOUT, send),
    TIMEOUT_ROW(WINHTTP_OPTION_RECEIVE_TIMEOUT, receive),
    TIMEOUT_ROW(WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, receive_response),
    CALLS_ROW(WINHTTP_OPTION_HANDLE_TYPE, ON_ANY, 0, query_handle_type, NULL),
    CALLS_ROW(WINHTTP_OPTION_PARENT_HANDLE, ON_ANY, 0, query_parent, NULL),
    CALLS_ROW(WINHTTP_OPTION_SECURITY_FLAGS, ON_R, ON_R, query_security_flags, set_security_flags),
    CALLS_ROW(WINHTTP_OPTION_URL, ON_R, 0, query_url, NULL),
    CALLS_ROW(WINHTTP_OPTION_USER_AGENT, ON_S, ON_S, query_agent, set_agent),
    CALLS_ROW(WINHTTP_OPTION_CONTEXT_VALUE, ON_ANY, ON_ANY, query_context, set_context),
    CALLS_ROW(WINHTTP_OPTION_CLIENT_CERT_CONTEXT, 0, ON_R, NULL, set_client_cert),
    CALLS_ROW(WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, ON_R, 0, query_issuer_list, NULL),
    CALLS_ROW(WINHTTP_OPTION_DISABLE_FEATURE, 0, ON_R, NULL, set_disable_feature),
    CALLS_ROW(WINHTTP_OPTION_ENABLE_FEATURE, 0, ON_R, NULL, set_enable_feature),
    CALLS_ROW(WINHTTP_OPTION_WORKER_THREAD_COUNT, ON_ANY, 0, query_worker_threads, NULL),
    CALLS_ROW(WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH, 0, ON_S, NULL, set_passport),
    CALLS_ROW(WINHTTP_OPTION_SECURE_PROTOCOLS, ON_S, ON_S, query_secure_protocols, set_secure_protocols),
    /* session options; default INFINITE (WINHTTP_CONNS_PER_SERVER_UNLIMITED) */
    { WINHTTP_OPTION_MAX_CONNS_PER_SERVER, ON_S, ON_S, query_dword, set_max_conns, S_FIELD(max_conns), NO_FIELD,
      0, ~0u, ~0u },
    { WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER, ON_S, ON_S, query_dword, set_max_conns, S_FIELD(max_conns_10),
      NO_FIELD, 0, ~0u, ~0u },
    DWORD_ROW(WINHTTP_OPTION_REDIRECT_POLICY, redirect_policy, 0, WINHTTP_OPTION_REDIRECT_POLICY_LAST),
    DWORD_ROW(WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, max_redirects, 0, ~0u),
    DWORD_ROW(WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE, max_continue, 0, ~0u),
    CALLS_ROW(WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, 0, ON_S, NULL, set_unload_event),
    CALLS_ROW(WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, 0, ON_R, NULL, set_upgrade),
    { WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, ON_S | ON_R | ON_W, ON_S | ON_R | ON_W, query_ws_close_timeout,
      set_ws_close_timeout, S_FIELD(ws_close_timeout), R_FIELD(ws_close_timeout), 0, ~0u, 0 },
    CALLS_ROW(WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 0, ON_W, NULL, set_keepalive),
    /* on Windows these belong to sessions and requests, not to websocket handles */
    { WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, ON_S | ON_R, ON_S | ON_R, query_dword, set_dword,
      S_FIELD(ws_recv_buffer), R_FIELD(ws_recv_buffer), 1, ~0u, WS_BUFFER_DEFAULT },
    { WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, ON_S | ON_R, ON_S | ON_R, query_dword, set_dword,
      S_FIELD(ws_send_buffer), R_FIELD(ws_send_buffer), 1, ~0u, WS_BUFFER_DEFAULT },
    CALLS_ROW(WINHTTP_OPTION_HTTP_PROTOCOL_USED, ON_R, 0, query_protocol_used, NULL),
    CALLS_ROW(WINHTTP_OPTION_USERNAME, ON_R, ON_R, query_auth, set_auth),
    CALLS_ROW(WINHTTP_OPTION_PASSWORD, ON_R, ON_R, query_auth, set_auth),
    CALLS_ROW(WINHTTP_OPTION_PROXY_USERNAME, ON_R, ON_R, query_auth, set_auth),
    CALLS_ROW(WINHTTP_OPTION_PROXY_PASSWORD, ON_R, ON_R, query_auth, set_auth),
    CALLS_ROW(WINHTTP_OPTION_AUTOLOGON_POLICY, 0, ON_R, NULL, set_auth),
    CALLS_ROW(WINHTTP_OPTION_PROXY, ON_S | ON_R, ON_S | ON_R, query_proxy, set_proxy),
    CALLS_ROW(WINHTTP_OPTION_CONNECTION_INFO, ON_R, 0, query_connection_info, NULL),
    CALLS_ROW(WINHTTP_OPTION_SERVER_CERT_CONTEXT, ON_R, 0, query_server_cert, NULL),
    CALLS_ROW(WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT, ON_R, 0, query_server_cert, NULL),
    CALLS_ROW(WINHTTP_OPTION_SECURITY_KEY_BITNESS, ON_R, 0, query_server_cert, NULL),
    CALLS_ROW(WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT, ON_R, 0, query_server_cert, NULL),
    /* set-only ("Sets a DWORD of flags", Option Flags page); decompress.c */
    { WINHTTP_OPTION_DECOMPRESSION, 0, ON_S | ON_R, NULL, set_dword, S_FIELD(decompression),
      R_FIELD(decompression), 0, WINHTTP_DECOMPRESSION_FLAG_ALL, 0 },
};

static const struct option_def *find_option(DWORD option)
{
    size_t i;
    for (i = 0; i < ARRAYSIZE(options); i++) if (options[i].option == option) return &options[i];
    return NULL;
}

DWORD set_object_option(struct object *obj, DWORD option, void *buffer, DWORD len)
{
    const struct option_def *def = find_option(option);

    if (!def)
    {
        FIXME("option %lu not supported\n", option);
        return ERROR_WINHTTP_INVALID_OPTION;
    }
    if (!def->set) return ERROR_WINHTTP_OPTION_NOT_SETTABLE;
    if (!(def->set_on & (1u << obj->type))) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    return def->set(obj, def, buffer, len);
}

DWORD get_object_option(struct object *obj, DWORD option, void *buffer, DWORD *len)
{
    const struct option_def *def;

    if (!option) return ERROR_INVALID_PARAMETER;  /* querying no option (setting it is ERROR_WINHTTP_INVALID_OPTION) */
    if (!(def = find_option(option)))
    {
        FIXME("option %lu not supported\n", option);
        return ERROR_WINHTTP_INVALID_OPTION;
    }
    if (!def->query) return ERROR_INVALID_PARAMETER;  /* set-only (Windows-verified for several) */
    if (!(def->query_on & (1u << obj->type))) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    return def->query(obj, def, buffer, len);
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
