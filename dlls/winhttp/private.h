/*
 * winhttp.dll for Wine: internal declarations shared by the DLL's files.
 */
#ifndef WINHTTP_PRIVATE_H
#define WINHTTP_PRIVATE_H

#include <stdarg.h>
#include <windows.h>
#include <winhttp.h>

#include "whnet.h"

#ifndef WINHTTP_HANDLE_TYPE_WEBSOCKET
#define WINHTTP_HANDLE_TYPE_WEBSOCKET 4
#endif

/* ---- tracing (debug.c): WINEDEBUG=+winhttp ---- */
enum dbg_class { DBG_FIXME = 0, DBG_ERR = 1, DBG_WARN = 2, DBG_TRACE = 3 };
int dbg_on(enum dbg_class cls);
void dbg_printf(enum dbg_class cls, const char *func, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *dbg_w(const WCHAR *s);   /* short-lived printable copy of a wide string */
#define TRACE(...) do { if (dbg_on(DBG_TRACE)) dbg_printf(DBG_TRACE, __func__, __VA_ARGS__); } while (0)
#define WARN(...)  do { if (dbg_on(DBG_WARN))  dbg_printf(DBG_WARN, __func__, __VA_ARGS__); } while (0)
#define ERR(...)   do { if (dbg_on(DBG_ERR))   dbg_printf(DBG_ERR, __func__, __VA_ARGS__); } while (0)
#define FIXME(...) do { if (dbg_on(DBG_FIXME)) dbg_printf(DBG_FIXME, __func__, __VA_ARGS__); } while (0)

/* ---- memory / strings (util.c) ---- */
void *heap_alloc(SIZE_T size);
void *heap_alloc_zero(SIZE_T size);
void *heap_realloc(void *p, SIZE_T size);
void heap_free(void *p);
WCHAR *strdupW(const WCHAR *s);
WCHAR *strndupW(const WCHAR *s, size_t len);
char *strdupWA(const WCHAR *s);                 /* UTF-16 -> UTF-8, NULL on failure */
WCHAR *strdupAW_latin1(const char *s, size_t len); /* bytes -> WCHAR 1:1 */
int strcmpiW_ascii(const WCHAR *a, const WCHAR *b);
int strncmpiW_ascii(const WCHAR *a, const WCHAR *b, size_t n);

/* ---- transport (transport.c) ---- */
const struct whnet_ops *transport_get(void);   /* NULL if unavailable */
DWORD transport_random(void *buf, DWORD len);  /* CSPRNG, batched */

/* ---- asynchronous machinery (async.c) ---- */
typedef void (*task_fn)(void *ctx, ULONGLONG arg);
BOOL async_start(void);                          /* thread pool + dispatcher; FALSE if unavailable */
BOOL queue_task(task_fn fn, void *ctx, ULONGLONG arg);
void queue_readable(ULONGLONG token);            /* vtbl->readable of poll_token's object, on the pool */
BOOL timers_add(HINTERNET h);                    /* vtbl->timer every tick from now on */
void timers_remove(HINTERNET h);
BOOL inline_enter(void);                         /* FALSE: too deeply nested, complete on the pool */
void inline_leave(void);

/* ---- handles (handle.c) ---- */
struct object;
struct object_vtbl
{
    void (*close)(struct object *obj);      /* WinHttpCloseHandle: cancel pending work */
    void (*destroy)(struct object *obj);    /* last reference gone: free */
    /* the asynchronous machinery's calls (async.c), NULL when unused: */
    void (*timer)(struct object *obj, ULONGLONG now);  /* every tick while registered (timers_add) */
    void (*readable)(struct object *obj, DWORD seq);   /* on the pool: a watch armed with
                                                        * poll_token(obj, seq) fired */
};

struct object
{
    DWORD type;                      /* WINHTTP_HANDLE_TYPE_* */
    HINTERNET handle;
    LONG refs;
    const struct object_vtbl *vtbl;
    struct object *parent;           /* holds a reference */
    CRITICAL_SECTION cs;
    DWORD_PTR context;
    WINHTTP_STATUS_CALLBACK callback;
    DWORD notify_mask;
    DWORD flags;                     /* WINHTTP_FLAG_ASYNC inherited from the session */
    BOOL closed;                     /* WinHttpCloseHandle was called */
};

HINTERNET alloc_handle(struct object *obj);
/* grab_object of a handle of one type: NULL with *err ERROR_INVALID_HANDLE or
 * ERROR_WINHTTP_INCORRECT_HANDLE_TYPE otherwise */
struct object *grab_typed(HINTERNET h, DWORD type, DWORD *err);
struct object *grab_object(HINTERNET h);        /* +1 ref, NULL if invalid */
struct object *addref_object(struct object *obj);
void release_object(struct object *obj);
BOOL free_handle(HINTERNET h);                  /* removes from table; FALSE if invalid */
void init_object(struct object *obj, DWORD type, const struct object_vtbl *vtbl, struct object *parent);
void send_callback(struct object *obj, DWORD status, void *info, DWORD len);
static inline BOOL is_async(const struct object *obj) { return (obj->flags & WINHTTP_FLAG_ASYNC) != 0; }

/* ---- objects ---- */
struct timeouts
{
    int resolve, connect, send, receive, receive_response;  /* ms, -1 = infinite */
};

struct session
{
    struct object hdr;
    WCHAR *agent;
    DWORD access_type;
    WCHAR *proxy, *proxy_bypass;
    struct timeouts timeouts;
    DWORD secure_protocols;
    DWORD ws_close_timeout, ws_keepalive;
    DWORD ws_recv_buffer, ws_send_buffer;  /* 0: not set (reported as Windows' default) */
    DWORD redirect_policy, max_redirects, max_continue, connect_retries;
    struct cookie_store *cookies;          /* cookie_store.c, NULL until the first Set-Cookie */
    DWORD decompression;              /* WINHTTP_OPTION_DECOMPRESSION */
    struct conn_pool *pool;           /* idle keep-alive connections (pool.c), NULL until needed */
    DWORD max_conns, max_conns_10;    /* WINHTTP_OPTION_MAX_CONNS_PER_[1_0_]SERVER, 0: unlimited */
};

struct connect
{
    struct object hdr;
    struct session *session;
    WCHAR *server;
    INTERNET_PORT port;
};

struct header
{
    WCHAR *name;
    WCHAR *value;
};

struct header_list
{
    struct header *items;
    DWORD count, capacity;
};

/* A connection: transport id + read-ahead buffer. Owned by one object. */
struct netconn
{
    whnet_conn id;
    BOOL secure;
    BYTE *rbuf;                       /* NULL while empty (allocated by netconn_fill) */
    DWORD rbuf_size, rpos, rlen;
    BOOL eof;
    /* asynchronous open (netconn_open_start) and writes (netconn_send_some) */
    enum { NETCONN_READY, NETCONN_CONNECTING, NETCONN_HANDSHAKE } opening;
    char *host;                       /* for the TLS handshake's name checks */
    DWORD ignore_flags;
    BOOL tls_pending;                 /* the transport holds bytes taken */
    char *pool_key;                   /* where it leads (pool.c); NULL: never pooled */
    DWORD uses;                       /* requests it served before the current one */
    BOOL cancelled;                   /* netconn_cancel was called: never reused */
    struct conn_slot *slot;           /* counted against its server's limit (pool.c), or NULL */
};

enum request_state
{
    REQ_OPEN,           /* created, not sent */
    REQ_SENT,           /* request line + headers (+ optional data) sent */
    REQ_RESPONSE,       /* response headers received */
    REQ_UPGRADED,       /* connection handed to a websocket */
    REQ_FAILED,
};

enum body_mode { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_UNTIL_CLOSE };

struct request
{
    struct object hdr;
    struct connect *connect;
    WCHAR *verb, *path, *version;
    DWORD open_flags;                 /* WINHTTP_FLAG_SECURE, ... */
    struct header_list req_headers;
    struct timeouts timeouts;
    DWORD security_flags;
    DWORD cert_errors;                /* from the last TLS handshake */
    BOOL websocket_upgrade;           /* WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET set */
    char ws_key[32];
    DWORD upgrades;                   /* websockets made from this request */
    DWORD ws_close_timeout, ws_keepalive, ws_recv_buffer, ws_send_buffer;
    DWORD redirect_policy, max_redirects, max_continue, connect_retries;
    DWORD disabled_features;          /* WINHTTP_OPTION_DISABLE_FEATURE */
    DWORD decompression;              /* WINHTTP_OPTION_DECOMPRESSION (decompress.c) */
    struct decomp *decomp;            /* inflating this response's body, else NULL */
    BOOL no_client_cert;              /* WINHTTP_NO_CLIENT_CERT_CONTEXT set: go on without one */
    struct client_cert *client_cert;  /* WINHTTP_OPTION_CLIENT_CERT_CONTEXT (client_cert.c) */
    struct proxy_config *proxy;       /* WINHTTP_OPTION_PROXY set on the request, else NULL (proxy.c) */
    WCHAR *redir_server;              /* where a redirect led (redirect.c), NULL: the connect handle's */
    INTERNET_PORT redir_port;         /* with redir_server */
    DWORD redirects;                  /* followed since WinHttpSendRequest */
    const void *optional;             /* WinHttpSendRequest's optional data, sent again on a redirect */
    DWORD optional_len;
    char *pool_key;                   /* the pool key of the connection being opened (pool.c) */
    BOOL retry_fresh;                 /* the next send opens a new connection (a reused one failed) */
    BOOL retried;                     /* that retry was made for this WinHttpSendRequest */
    struct conn_slot *slot;           /* a connection reserved under the server's limit, not opened yet */
    BOOL wait_pool;                   /* the running step waits for a connection to be released */

    enum request_state state;
    struct netconn *conn;             /* changed only under conn_lock (see request_swap_conn) */
    SRWLOCK conn_lock;                /* lets WinHttpCloseHandle cancel a blocked call safely */
    DWORD optional_total;             /* dwTotalLength of SendRequest */
    DWORD optional_sent;

    /* response */
    DWORD status_code;
    WCHAR *status_text;
    WCHAR *resp_version;
    struct header_list resp_headers;
    WCHAR *raw_headers;               /* status line + headers, CRLF separated, ends CRLF CRLF */
    enum body_mode body_mode;
    ULONGLONG body_remaining;         /* BODY_LENGTH */
    void *chunked;                    /* struct http_chunked * when BODY_CHUNKED */
    BYTE *body_buf;                   /* decoded but not yet returned chunked payload */
    DWORD body_buf_len, body_buf_pos;
    BOOL body_done;
    BOOL receiving_sent;              /* RECEIVING_RESPONSE reported for this request */
    struct auth_state *auth;          /* credentials and challenges (auth.c), NULL until needed */

    /* asynchronous mode: a step that found nothing to read waits for the
     * poller instead of a pool thread (see request.c) */
    BOOL nowait;                      /* the running step must not wait (under hdr.cs) */
    BOOL wait_write;                  /* it waits to write (else to read) */
    int wait_timeout;                 /* for how long (SendRequest, WriteData) */
    int send_phase;                   /* where an asynchronous SendRequest is (request.c) */
    char *send_head;                  /* the request head it writes */
    DWORD send_head_len, send_done;
    SRWLOCK wait_lock;                /* guards the fields below */
    void *waiting;                    /* struct request_task * parked for data */
    DWORD wait_seq;
    BOOL timers;                      /* registered with timers_add (for wait deadlines) */
    BOOL task_active;                 /* one asynchronous call runs at a time; */
    void *queued, *queued_tail;       /* the later ones wait here, in order */
};

/* the server and port a request goes to: the connect handle's until a
 * redirect leads elsewhere (the connect handle keeps the original) */
static inline const WCHAR *request_server(const struct request *r)
{
    return r->redir_server ? r->redir_server : r->connect->server;
}
static inline INTERNET_PORT request_port(const struct request *r)
{
    return r->redir_server ? r->redir_port : r->connect->port;
}

/* struct websocket lives in websocket.h */
struct websocket;

/* netconn.c: timeouts are ms; <= 0 means infinite, NETCONN_NOWAIT means
 * "do not wait" (ERROR_WINHTTP_TIMEOUT at once if nothing is there) */
#define NETCONN_NOWAIT (-2)
/* security_flags: WINHTTP_OPTION_SECURITY_FLAGS; protocols: WINHTTP_OPTION_SECURE_PROTOCOLS (0: default);
 * ses: the session whose secure protocols apply and whose TLS sessions are resumed (tls_resume.c), or NULL */
/* cc: the client certificate to offer (client_cert.c), NULL: none */
struct client_cert;
DWORD netconn_open(const WCHAR *host, INTERNET_PORT port, BOOL secure, DWORD security_flags, const struct session *ses,
                   const struct client_cert *cc, const struct timeouts *to, struct netconn **out, DWORD *cert_errors);
DWORD netconn_secure(struct netconn *c, const WCHAR *host, DWORD security_flags, DWORD protocols,
                     const struct client_cert *cc, const struct timeouts *to, DWORD *cert_errors);
DWORD netconn_send(struct netconn *c, const struct whnet_buf *bufs, DWORD count, int timeout);
/* Without waiting, for asynchronous calls: ERROR_IO_PENDING means "go on once
 * the connection is writable (*want_write) or readable". */
DWORD netconn_open_start(const WCHAR *host, INTERNET_PORT port, BOOL secure, DWORD security_flags,
                         const struct session *ses, const struct client_cert *cc, int resolve_timeout,
                         struct netconn **out);
/* tls_resume.c: TLS sessions resumed per WinHTTP session, host, port and settings */
void tls_resume_attach(whnet_conn id, const struct session *ses, const char *host, INTERNET_PORT port,
                       DWORD protocols, DWORD security_flags);
void tls_resume_forget(const struct session *ses);
DWORD netconn_open_step(struct netconn *c, BOOL *want_write, DWORD *cert_errors);
DWORD netconn_send_some(struct netconn *c, const struct whnet_buf *bufs, DWORD count, DWORD *done);
DWORD netconn_fill(struct netconn *c, int timeout);       /* read more into rbuf */
DWORD netconn_read(struct netconn *c, void *buf, DWORD len, int timeout, DWORD *read);
DWORD netconn_read_exact(struct netconn *c, void *buf, DWORD len, int timeout);
static inline DWORD netconn_buffered(const struct netconn *c) { return c->rlen - c->rpos; }
static inline const BYTE *netconn_peek(const struct netconn *c) { return c->rbuf ? c->rbuf + c->rpos : (const BYTE *)""; }
static inline void netconn_consume(struct netconn *c, DWORD n) { c->rpos += n; }
void netconn_set_buffer_size(struct netconn *c, DWORD size);
void netconn_release_buffer(struct netconn *c);  /* free the read-ahead buffer while empty */
void netconn_cancel(struct netconn *c);
void netconn_close(struct netconn *c);
DWORD timeout_to_ms(int t);
/* internal bit of request.security_flags (never reported): WINHTTP_OPTION_ENABLE_FEATURE
 * with WINHTTP_ENABLE_SSL_REVOCATION was set; netconn asks the transport to check */
#define SECURITY_FLAG_INTERNAL_REVOCATION 0x00800000  /* no SECURITY_FLAG_* uses it */
/* the server asked for a client certificate in c's TLS handshake */
BOOL netconn_cert_requested(struct netconn *c);
/* the last recv's end of stream on c was a TLS connection cut without close_notify */
BOOL netconn_truncated(struct netconn *c);
/* object_name.c: WinHttpOpenRequest's object name, escaped for the request
 * line as its WINHTTP_FLAG_ESCAPE_* flags say (heap_free) */
char *object_name_escape(const WCHAR *name, DWORD flags);

/* headers.c */
void headers_free(struct header_list *l);
DWORD headers_add(struct header_list *l, const WCHAR *name, size_t nlen, const WCHAR *value, size_t vlen);
int headers_find(const struct header_list *l, const WCHAR *name, int start);
void headers_remove(struct header_list *l, int index);
DWORD headers_set(struct header_list *l, const WCHAR *name, const WCHAR *value, BOOL first);
BOOL headers_have_token(const struct header_list *l, const WCHAR *name, const char *token);
DWORD return_string(const WCHAR *s, size_t len, void *buffer, DWORD *buflen);
DWORD add_request_headers(struct request *req, const WCHAR *headers, DWORD len, DWORD flags);
DWORD query_headers(struct request *req, DWORD level, const WCHAR *name, void *buffer, DWORD *len, DWORD *index);
DWORD headers_parse_response(struct header_list *l, const char *buf, size_t len, size_t pos);

/* pool.c: idle keep-alive connections of a session */
char *pool_make_key(struct request *r, BOOL secure, INTERNET_PORT port, const WCHAR *proxy, INTERNET_PORT proxy_port);
void pool_put(struct session *s, struct netconn *c);            /* takes c (closes it when full) */
BOOL pool_response_allows(struct request *r);                  /* neither side said close, body ended */
void pool_free(struct session *s);
/* the per-server limit: a kept connection (*conn), a reserved slot for a new
 * one (*conn NULL), or ERROR_WINHTTP_TIMEOUT (asynchronous: r->wait_pool set,
 * park with pool_wait) / ERROR_WINHTTP_OPERATION_CANCELLED */
DWORD pool_get(struct request *r, struct netconn **conn);
DWORD pool_wait(struct request *r, ULONGLONG token);   /* ERROR_MORE_DATA: try again now */
void pool_attach(struct request *r, struct netconn *c); /* the new connection takes key and slot */
void pool_unreserve(struct request *r);
void pool_request_closed(struct request *r);           /* wake or forget its wait */
void pool_note_response(struct request *r);            /* an HTTP/1.0 server? */
void pool_conn_closed(struct netconn *c);              /* netconn.c: its slot is free */

/* request.c */
struct netconn *request_swap_conn(struct request *r, struct netconn *conn);
void request_closing(struct object *obj);  /* last reference gone, before HANDLE_CLOSING */
DWORD request_receive_for_upgrade(struct request *r);

/* The transport's poller token for an object's watch: the handle and a
 * sequence number the object uses to tell a current watch from a stale one. */
static inline ULONGLONG poll_token(const struct object *obj, DWORD seq)
{
    return ((ULONGLONG)(ULONG_PTR)obj->handle << 32) | seq;
}

/* auth.c: credentials and the 401/407 flow */
char *auth_header(struct request *r, DWORD target, const char *uri, DWORD *err); /* "Authorization: ...\r\n" or NULL */
char *auth_connect_header(struct request *r, const char *authority, DWORD *err); /* for a tunnel's CONNECT */
BOOL auth_on_response(struct request *r);      /* records a 401/407; TRUE: send again now with credentials */
void auth_new_send(struct request *r);         /* WinHttpSendRequest was called */
void auth_free(struct request *r);
DWORD auth_set_option(struct object *obj, DWORD option, const void *buffer, DWORD len);
DWORD auth_get_option(struct object *obj, DWORD option, void *buffer, DWORD *len);

/* redirect.c: 3xx answers followed (WINHTTP_OPTION_REDIRECT_POLICY and friends) */
BOOL redirect_on_response(struct request *r, DWORD *err); /* TRUE: send again now (r points at the new URL) */

/* cookie_store.c: the session's cookies (RFC 6265, codec/cookie.c) */
void cookies_from_response(struct request *r);  /* store the response's Set-Cookie fields */
char *cookies_for_request(struct request *r);    /* "n=v; n=v" for the request head, NULL: none */
void cookie_store_free(struct session *s);
/* decompress.c: WINHTTP_OPTION_DECOMPRESSION */
const char *decomp_accept_encoding(const struct request *r);   /* our Accept-Encoding for the head, or NULL */
DWORD decomp_start(struct request *r);             /* the response is in: inflate its body? */
void decomp_free(struct request *r);
DWORD decomp_read(struct request *r, void *buf, DWORD len, DWORD *read);
DWORD decomp_available(struct request *r, DWORD *available);
DWORD request_read_raw(struct request *r, void *buf, DWORD len, DWORD *read);  /* request.c: body bytes as sent */

/* websocket.c */
DWORD websocket_set_keepalive(struct object *obj, DWORD interval);

/* options.c helpers */
void options_session_defaults(struct session *s);
void options_request_inherit(struct request *r, const struct session *s);
void options_process_detach(void);
DWORD get_object_option(struct object *obj, DWORD option, void *buffer, DWORD *len);
DWORD set_object_option(struct object *obj, DWORD option, void *buffer, DWORD len);

static inline void set_error(DWORD err) { SetLastError(err); }

#endif
