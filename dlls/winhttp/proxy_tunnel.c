/*
 * Connecting through a proxy: TCP to the proxy, then for https (and wss)
 * a CONNECT tunnel (RFC 9110 section 9.3.6) and TLS with the origin inside
 * it.  Runs where netconn_open runs (the calling thread, or a pool thread
 * for an asynchronous request), and blocks there.
 */
#include <stdio.h>
#include "proxy.h"

static BOOL append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap)
    {
        size_t c = max(*cap * 2, *len + n + 256);
        char *p = heap_realloc(*buf, c);
        if (!p) return FALSE;
        *buf = p;
        *cap = c;
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
    return TRUE;
}

static BOOL append_w(char **buf, size_t *len, size_t *cap, const WCHAR *s)
{
    char *a = strdupWA(s);
    BOOL ret;
    if (!a) return FALSE;
    ret = append(buf, len, cap, a);
    heap_free(a);
    return ret;
}

/* Offset just past the blank line ending the head in the buffered bytes, 0 if not there yet. */
static DWORD head_end(const struct netconn *c)
{
    const BYTE *p = netconn_peek(c);
    DWORD n = netconn_buffered(c), i;
    for (i = 0; i + 1 < n; i++)
    {
        if (p[i] != '\n') continue;
        if (p[i + 1] == '\n') return i + 2;
        if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n') return i + 3;
    }
    return 0;
}

DWORD proxy_tunnel(struct netconn *c, const WCHAR *host, INTERNET_PORT port, const WCHAR *agent,
                   const struct header_list *headers, const char *auth, const struct timeouts *to, BOOL *refused)
{
    char *req = NULL, portbuf[16];
    size_t len = 0, cap = 0;
    struct whnet_buf buf;
    const BYTE *p;
    DWORD err, end, i, status = 0;
    int h;
    BOOL ok;

    *refused = FALSE;
    sprintf(portbuf, ":%u", port);
    ok = append(&req, &len, &cap, "CONNECT ") && append_w(&req, &len, &cap, host) && append(&req, &len, &cap, portbuf) &&
         append(&req, &len, &cap, " HTTP/1.1\r\nHost: ") && append_w(&req, &len, &cap, host) &&
         append(&req, &len, &cap, portbuf) && append(&req, &len, &cap, "\r\n");
    if (ok && agent && agent[0])
        ok = append(&req, &len, &cap, "User-Agent: ") && append_w(&req, &len, &cap, agent) && append(&req, &len, &cap, "\r\n");
    /* credentials for the proxy the application added itself */
    for (h = -1; ok && (h = headers_find(headers, L"Proxy-Authorization", h + 1)) >= 0;)
        ok = append(&req, &len, &cap, "Proxy-Authorization: ") && append_w(&req, &len, &cap, headers->items[h].value) &&
             append(&req, &len, &cap, "\r\n");
    /* or the one built from the request's proxy credentials (auth.c) */
    if (ok && auth) ok = append(&req, &len, &cap, auth);
    if (ok) ok = append(&req, &len, &cap, "Proxy-Connection: Keep-Alive\r\n\r\n");
    if (!ok) { heap_free(req); return ERROR_NOT_ENOUGH_MEMORY; }
    TRACE("tunnel request:\n%s", auth ? "(with Proxy-Authorization)\n" : req);
    buf.data = req;
    buf.len = (uint32_t)len;
    err = netconn_send(c, &buf, 1, to->send);
    heap_free(req);
    if (err) return err;

    while (!(end = head_end(c)))
    {
        if ((err = netconn_fill(c, to->receive)))
            return err == ERROR_HANDLE_EOF || err == ERROR_WINHTTP_HEADER_SIZE_OVERFLOW
                   ? ERROR_WINHTTP_INVALID_SERVER_RESPONSE : err;
    }
    /* "HTTP/1.x NNN" */
    p = netconn_peek(c);
    if (end < 12 || memcmp(p, "HTTP/1.", 7) || p[8] != ' ') return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    for (i = 9; i < 12; i++)
    {
        if (p[i] < '0' || p[i] > '9') return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        status = status * 10 + (p[i] - '0');
    }
    TRACE("tunnel answer %lu\n", status);
    if (status >= 200 && status < 300)
    {
        netconn_consume(c, end);
        return ERROR_SUCCESS;
    }
    /* the proxy's answer (407, 502...) is the request's response */
    *refused = TRUE;
    return ERROR_SUCCESS;
}

DWORD proxy_open_connection(struct request *r, const struct proxy_target *proxy, INTERNET_PORT port, BOOL secure,
                            struct netconn **out, BOOL *refused)
{
    struct netconn *c;
    char *auth = NULL, *host8, *authority;
    DWORD err;

    *out = NULL;
    *refused = FALSE;
    r->cert_errors = 0;
    if (secure)
    {
        /* Proxy-Authorization for the CONNECT; the request inside the tunnel
         * never carries it */
        if (!(host8 = strdupWA(request_server(r)))) return ERROR_NOT_ENOUGH_MEMORY;
        if ((authority = heap_alloc(strlen(host8) + 8))) sprintf(authority, "%s:%u", host8, port);
        heap_free(host8);
        if (!authority) return ERROR_NOT_ENOUGH_MEMORY;
        auth = auth_connect_header(r, authority, &err);
        heap_free(authority);
        if (err) return err;
    }
    if ((err = netconn_open(proxy->host, proxy->port, FALSE, 0, 0, NULL, &r->timeouts, &c, NULL)))
    {
        heap_free(auth);
        return err;
    }
    if (secure)
    {
        /* the connection is visible to WinHttpCloseHandle while the tunnel
         * is set up: closing the handle cancels the waits */
        request_swap_conn(r, c);
        if (r->hdr.closed) err = ERROR_WINHTTP_OPERATION_CANCELLED;
        else err = proxy_tunnel(c, request_server(r), port, r->connect->session->agent, &r->req_headers, auth,
                                &r->timeouts, refused);
        heap_free(auth);
        if (!err && !*refused && !r->client_cert && (host8 = strdupWA(request_server(r))))
        {
            /* the TLS session is the origin server's, whichever way the
             * bytes go: kept and offered under the same key as a direct
             * connection's */
            tls_resume_attach(c->id, r->connect->session, host8, port, r->connect->session->secure_protocols,
                              r->security_flags);
            heap_free(host8);
        }
        if (!err && !*refused)
            err = netconn_secure(c, request_server(r), r->security_flags, r->connect->session->secure_protocols,
                                 r->client_cert,
                                 &r->timeouts, &r->cert_errors);
        request_swap_conn(r, NULL);
        if (err)
        {
            netconn_close(c);
            return err;
        }
    }
    *out = c;
    return ERROR_SUCCESS;
}
