/*
 * A connection as winhttp sees it: a transport connection plus a read-ahead
 * buffer (response headers, WebSocket frame headers).  Large payload reads
 * go straight into the caller's buffer.  The buffer exists only while it
 * holds bytes or a read fills it: netconn_fill allocates it, and
 * netconn_release_buffer (an asynchronous receive parking on the poller)
 * frees it when empty, so an idle connection keeps none (issue 14).
 */
#include "private.h"
#include "client_cert.h"

#define RBUF_SIZE 4096

DWORD timeout_to_ms(int t)
{
    if (t == NETCONN_NOWAIT) return 0;
    return t <= 0 ? WHNET_INFINITE : (DWORD)t;
}

#define IGNORABLE (WHNET_IGNORE_UNKNOWN_CA | WHNET_IGNORE_WRONG_USAGE | WHNET_IGNORE_CN_INVALID | WHNET_IGNORE_DATE_INVALID)

/* The host name as the transport takes it (an IPv6 literal without its
 * brackets), and a netconn without a connection yet. */
static DWORD netconn_new(const WCHAR *host, BOOL secure, char **out_host, struct netconn **out)
{
    struct netconn *c;
    char *hostA;
    size_t len;

    if (!transport_get()) return ERROR_WINHTTP_INTERNAL_ERROR;
    if (!(hostA = strdupWA(host))) return ERROR_NOT_ENOUGH_MEMORY;
    len = strlen(hostA);
    if (len >= 2 && hostA[0] == '[' && hostA[len - 1] == ']')
    {
        memmove(hostA, hostA + 1, len - 2);
        hostA[len - 2] = 0;
    }
    if (!(c = heap_alloc_zero(sizeof(*c))))
    {
        heap_free(hostA);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    c->rbuf_size = RBUF_SIZE;
    c->secure = secure;
    *out_host = hostA;
    *out = c;
    return ERROR_SUCCESS;
}

DWORD netconn_open(const WCHAR *host, INTERNET_PORT port, BOOL secure, DWORD security_flags, const struct session *ses,
                   const struct client_cert *cc, const struct timeouts *to, struct netconn **out, DWORD *cert_errors)
{
    const struct whnet_ops *t = transport_get();
    DWORD protocols = ses ? ses->secure_protocols : 0;
    struct netconn *c;
    char *hostA;
    DWORD ret;

    *out = NULL;
    if (cert_errors) *cert_errors = 0;
    if ((ret = netconn_new(host, secure, &hostA, &c))) return ret;
    TRACE("connecting to %s port %u%s\n", hostA, port, secure ? " (TLS)" : "");
    ret = t->connect(hostA, port, timeout_to_ms(to->connect), timeout_to_ms(to->resolve), &c->id);
    /* a TLS session made with a client certificate is never kept or
     * offered (resumption would carry the identity to other requests) */
    if (!ret && secure && ses && !cc) tls_resume_attach(c->id, ses, hostA, port, protocols, security_flags);
    heap_free(hostA);
    if (!ret && secure) ret = netconn_secure(c, host, security_flags, protocols, cc, to, cert_errors);
    if (ret)
    {
        TRACE("connect failed: %lu\n", ret);
        if (c->id) t->close(c->id);
        heap_free(c->rbuf);
        heap_free(c);
        return ret;
    }
    *out = c;
    return ERROR_SUCCESS;
}

DWORD netconn_open_start(const WCHAR *host, INTERNET_PORT port, BOOL secure, DWORD security_flags,
                         const struct session *ses, const struct client_cert *cc, int resolve_timeout,
                         struct netconn **out)
{
    DWORD protocols = ses ? ses->secure_protocols : 0;
    struct netconn *c;
    char *hostA;
    DWORD ret;

    *out = NULL;
    if ((ret = netconn_new(host, secure, &hostA, &c))) return ret;
    c->host = hostA;
    c->ignore_flags = security_flags & IGNORABLE;
    TRACE("connecting to %s port %u%s, without waiting\n", c->host, port, secure ? " (TLS)" : "");
    ret = transport_get()->connect_start(c->host, port, timeout_to_ms(resolve_timeout), &c->id);
    if (secure && (!ret || ret == ERROR_IO_PENDING))
    {
        DWORD err = transport_get()->tls_set_protocols(c->id, protocols);
        if (!err) err = transport_get()->tls_check_revocation(c->id, !!(security_flags & SECURITY_FLAG_INTERNAL_REVOCATION));
        if (!err) err = client_cert_apply(c->id, cc);
        if (err) ret = err;
        else if (ses && !cc) tls_resume_attach(c->id, ses, c->host, port, protocols, security_flags);
    }
    if (ret && ret != ERROR_IO_PENDING)
    {
        TRACE("connect failed: %lu\n", ret);
        netconn_close(c);
        return ret;
    }
    c->opening = ret ? NETCONN_CONNECTING : secure ? NETCONN_HANDSHAKE : NETCONN_READY;
    *out = c;
    return ERROR_SUCCESS;
}

DWORD netconn_open_step(struct netconn *c, BOOL *want_write, DWORD *cert_errors)
{
    const struct whnet_ops *t = transport_get();
    DWORD ret;

    *want_write = TRUE;
    if (c->opening == NETCONN_CONNECTING)
    {
        if ((ret = t->connect_continue(c->id))) return ret;
        c->opening = c->secure ? NETCONN_HANDSHAKE : NETCONN_READY;
    }
    if (c->opening == NETCONN_HANDSHAKE)
    {
        uint32_t errs = 0, ww = 0;
        ret = t->tls_handshake_step(c->id, c->host, c->ignore_flags, &errs, &ww);
        *want_write = ww != 0;
        if (ret == ERROR_IO_PENDING) return ret;
        *cert_errors = errs;
        TRACE("TLS handshake: error %lu, certificate problems 0x%08lx\n", ret, (unsigned long)errs);
        if (ret) return ret;
        c->opening = NETCONN_READY;
    }
    return ERROR_SUCCESS;
}

/* Write what the connection takes of bufs from byte *done on. */
DWORD netconn_send_some(struct netconn *c, const struct whnet_buf *bufs, DWORD count, DWORD *done)
{
    const struct whnet_ops *t = transport_get();

    for (;;)
    {
        struct whnet_buf rest[4];
        DWORD i, n = 0, skip = *done, left = 0, ret;
        uint32_t taken = 0, pending = 0;

        for (i = 0; i < count && n < ARRAYSIZE(rest); i++)
        {
            if (skip >= bufs[i].len) { skip -= bufs[i].len; continue; }
            rest[n].data = (const BYTE *)bufs[i].data + skip;
            left += rest[n++].len = bufs[i].len - skip;
            skip = 0;
        }
        if (!left && !c->tls_pending) return ERROR_SUCCESS;
        if ((ret = t->send_nowait(c->id, rest, n, &taken, &pending))) return ret;
        *done += taken;
        c->tls_pending = pending != 0;
        if (taken < left || (!left && pending)) return ERROR_IO_PENDING;
    }
}

/* TLS handshake over a connected c (directly, or through a proxy's tunnel),
 * host naming the server for SNI and certificate checks. */
DWORD netconn_secure(struct netconn *c, const WCHAR *host, DWORD security_flags, DWORD protocols,
                     const struct client_cert *cc, const struct timeouts *to, DWORD *cert_errors)
{
    uint32_t errs = 0;
    char *hostA;
    size_t len;
    DWORD ret;

    if (cert_errors) *cert_errors = 0;
    if (!(hostA = strdupWA(host))) return ERROR_NOT_ENOUGH_MEMORY;
    len = strlen(hostA);
    if (len >= 2 && hostA[0] == '[' && hostA[len - 1] == ']')
    {
        memmove(hostA, hostA + 1, len - 2);
        hostA[len - 2] = 0;
    }
    ret = transport_get()->tls_set_protocols(c->id, protocols);
    if (!ret) ret = transport_get()->tls_check_revocation(c->id, !!(security_flags & SECURITY_FLAG_INTERNAL_REVOCATION));
    if (!ret) ret = client_cert_apply(c->id, cc);
    if (!ret)
        ret = transport_get()->tls_handshake(c->id, hostA, security_flags & IGNORABLE, timeout_to_ms(to->connect), &errs);
    if (cert_errors) *cert_errors = errs;
    TRACE("TLS handshake: error %lu, certificate problems 0x%08lx\n", ret, (unsigned long)errs);
    heap_free(hostA);
    if (!ret) c->secure = TRUE;
    return ret;
}

BOOL netconn_cert_requested(struct netconn *c)
{
    uint32_t proto, bits, flags = 0;
    if (!c || !c->secure || transport_get()->tls_info(c->id, &proto, &bits, &flags)) return FALSE;
    return (flags & WHNET_TLS_CERT_REQUESTED) != 0;
}

BOOL netconn_truncated(struct netconn *c)
{
    uint32_t proto, bits, flags = 0;
    if (!c || !c->secure || transport_get()->tls_info(c->id, &proto, &bits, &flags)) return FALSE;
    return (flags & WHNET_TLS_TRUNCATED) != 0;
}

DWORD netconn_send(struct netconn *c, const struct whnet_buf *bufs, DWORD count, int timeout)
{
    return transport_get()->send(c->id, bufs, count, timeout_to_ms(timeout));
}

DWORD netconn_fill(struct netconn *c, int timeout)
{
    uint32_t got = 0;
    DWORD ret;

    if (c->rpos && c->rpos == c->rlen) c->rpos = c->rlen = 0;
    if (!c->rbuf && !(c->rbuf = heap_alloc(c->rbuf_size))) return ERROR_NOT_ENOUGH_MEMORY;
    if (c->rlen == c->rbuf_size)
    {
        if (!c->rpos)
        {
            /* a long header block: grow up to 64 KiB, as Windows' default limit */
            BYTE *p;
            if (c->rbuf_size >= 65536) return ERROR_WINHTTP_HEADER_SIZE_OVERFLOW;
            if (!(p = heap_realloc(c->rbuf, c->rbuf_size * 2))) return ERROR_NOT_ENOUGH_MEMORY;
            c->rbuf = p;
            c->rbuf_size *= 2;
        }
        else
        {
            memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
            c->rlen -= c->rpos;
            c->rpos = 0;
        }
    }
    if (c->eof) return ERROR_WINHTTP_CONNECTION_ERROR;
    ret = transport_get()->recv(c->id, c->rbuf + c->rlen, c->rbuf_size - c->rlen, timeout_to_ms(timeout), &got);
    if (ret) return ret;
    if (!got) { c->eof = TRUE; return ERROR_HANDLE_EOF; }
    c->rlen += got;
    return ERROR_SUCCESS;
}

/* Up to len bytes: buffered bytes first; otherwise one transport read
 * straight into buf.  *read == 0 with success means end of stream. */
DWORD netconn_read(struct netconn *c, void *buf, DWORD len, int timeout, DWORD *read)
{
    DWORD avail = c->rlen - c->rpos;
    uint32_t got = 0;
    DWORD ret;

    *read = 0;
    if (!len) return ERROR_SUCCESS;
    if (avail)
    {
        DWORD n = min(avail, len);
        memcpy(buf, c->rbuf + c->rpos, n);
        c->rpos += n;
        *read = n;
        return ERROR_SUCCESS;
    }
    if (c->eof) return ERROR_SUCCESS;
    if (len < 4096)
    {
        /* small reads: refill the buffer to save transport calls */
        ret = netconn_fill(c, timeout);
        if (ret == ERROR_HANDLE_EOF) return ERROR_SUCCESS;
        if (ret) return ret;
        return netconn_read(c, buf, len, timeout, read);
    }
    ret = transport_get()->recv(c->id, buf, len, timeout_to_ms(timeout), &got);
    if (ret) return ret;
    if (!got) c->eof = TRUE;
    *read = got;
    return ERROR_SUCCESS;
}

DWORD netconn_read_exact(struct netconn *c, void *buf, DWORD len, int timeout)
{
    BYTE *p = buf;
    while (len)
    {
        DWORD got, ret = netconn_read(c, p, len, timeout, &got);
        if (ret) return ret;
        if (!got) return ERROR_WINHTTP_CONNECTION_ERROR;
        p += got;
        len -= got;
    }
    return ERROR_SUCCESS;
}

/* Free the read-ahead buffer if it holds nothing; the next fill makes a new one. */
void netconn_release_buffer(struct netconn *c)
{
    if (!c->rbuf || c->rpos != c->rlen) return;
    heap_free(c->rbuf);
    c->rbuf = NULL;
    c->rpos = c->rlen = 0;
}

/* The read-ahead buffer becomes size bytes (never less than it holds). */
void netconn_set_buffer_size(struct netconn *c, DWORD size)
{
    DWORD held = c->rlen - c->rpos;
    BYTE *p;

    size = max(size, held);
    if (!held)
    {
        netconn_release_buffer(c);
        c->rbuf_size = size;
        return;
    }
    if (size == c->rbuf_size) return;
    if (!(p = heap_alloc(size))) return;
    memcpy(p, c->rbuf + c->rpos, held);
    heap_free(c->rbuf);
    c->rbuf = p;
    c->rbuf_size = size;
    c->rpos = 0;
    c->rlen = held;
}

void netconn_cancel(struct netconn *c)
{
    if (!c) return;
    c->cancelled = TRUE;
    transport_get()->cancel(c->id);
}

void netconn_close(struct netconn *c)
{
    if (!c) return;
    if (c->id) transport_get()->close(c->id);
    if (c->slot) pool_conn_closed(c);
    heap_free(c->host);
    heap_free(c->pool_key);
    heap_free(c->rbuf);
    heap_free(c);
}
