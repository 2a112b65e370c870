/*
 * Proxies: configuration (WinHttpOpen's access types, WINHTTP_OPTION_PROXY,
 * the registry), the choice of a proxy for one request, and the CONNECT
 * tunnel.  proxy.c, proxy_registry.c, proxy_pac.c, proxy_tunnel.c.
 */
#ifndef WINHTTP_PROXY_H
#define WINHTTP_PROXY_H

#include "private.h"

/* A proxy configuration as a session or a request holds it. */
struct proxy_config
{
    DWORD access;          /* WINHTTP_ACCESS_TYPE_NO_PROXY, _NAMED_PROXY or _AUTOMATIC_PROXY */
    WCHAR *server;         /* NAMED_PROXY: "host:port" list, "http=..;https=.." */
    WCHAR *bypass;         /* may be NULL */
};

/* Where one request connects first. */
struct proxy_target
{
    WCHAR *host;           /* NULL: directly to the server */
    INTERNET_PORT port;
};

void proxy_config_free(struct proxy_config *c);
DWORD proxy_config_copy(struct proxy_config *dst, const struct proxy_config *src);
/* Checks a proxy list ("host[:port]", "scheme=host[:port]", separated by
 * ';' or blanks): FALSE when it names no usable server. */
BOOL proxy_list_valid(const WCHAR *list);
/* The proxy list's entry for a scheme ("http" or "https"), NULL if none. */
DWORD proxy_list_pick(const WCHAR *list, BOOL secure, struct proxy_target *out);
/* TRUE when host (and port) match the bypass list. */
BOOL proxy_bypassed(const WCHAR *bypass, const WCHAR *host, INTERNET_PORT port);

/* The session's configuration at WinHttpOpen time (access types resolved). */
DWORD proxy_session_init(struct session *s, DWORD access, const WCHAR *proxy, const WCHAR *bypass);
/* The proxy for a request about to connect (request's option, else the
 * session's); out->host NULL for a direct connection. */
DWORD proxy_pick(struct request *r, BOOL secure, INTERNET_PORT port, struct proxy_target *out);

/* WINHTTP_OPTION_PROXY on session and request handles. */
DWORD proxy_set_option(struct object *obj, const void *buffer, DWORD len);
DWORD proxy_get_option(struct object *obj, void *buffer, DWORD *len);

/* Registry (proxy_registry.c) */
DWORD proxy_read_default(struct proxy_config *out);          /* WinHttpSettings */
WCHAR *proxy_globaldup(const WCHAR *s);                       /* GlobalAlloc copy, NULL for NULL */

/* PAC (proxy_pac.c): run the script at url for target_url; result is a
 * list "host:port;host:port" (GlobalAlloc) or NULL for DIRECT. */
DWORD pac_find_proxy(const WCHAR *script_url, const WCHAR *target_url, WCHAR **result);

/* CONNECT (proxy_tunnel.c): open the connection for a request through the
 * proxy (a tunnel when secure).  *refused: the proxy answered the CONNECT
 * with something other than 2xx; that answer stays in the connection's
 * buffer for WinHttpReceiveResponse to report. */
DWORD proxy_open_connection(struct request *r, const struct proxy_target *proxy, INTERNET_PORT port, BOOL secure,
                            struct netconn **out, BOOL *refused);
DWORD proxy_tunnel(struct netconn *c, const WCHAR *host, INTERNET_PORT port, const WCHAR *agent,
                   const struct header_list *headers, const char *auth, const struct timeouts *to, BOOL *refused);

#endif
