/*
 * WINHTTP_OPTION_DECOMPRESSION: response bodies with Content-Encoding gzip
 * or deflate are inflated on the way to WinHttpReadData and
 * WinHttpQueryDataAvailable (which then count inflated bytes).  zlib does
 * the inflating, on the Unix side (whnet.h: inflate_create/inflate).
 *
 * What Windows does, as documented ("Option Flags") and as seen by
 * programs that ran on it (see tests/conformance/test_decompress.c):
 * - the option is a DWORD of WINHTTP_DECOMPRESSION_FLAG_* set on a session
 *   (inherited by requests opened later) or a request;
 * - WinHTTP then sends its own Accept-Encoding, replacing the caller's;
 * - a body it inflates loses its Content-Encoding and Content-Length
 *   headers (the length of what the caller reads is not known up front);
 * - anything else (another or several codings, a coding whose flag is not
 *   set, the option off) reaches the caller as the server sent it.
 * A corrupt stream, or a body that ends inside the stream, fails the read
 * with ERROR_WINHTTP_INVALID_SERVER_RESPONSE.
 */
#include "private.h"

#define IN_SIZE  16384        /* raw body bytes read at a time */
#define OUT_SIZE 65536        /* inflated bytes held for the caller */
#define TRAIL_MAX 65536       /* bytes after the compressed stream dropped at most */

struct decomp
{
    whnet_inflater inflater;
    BYTE *in;                 /* raw body bytes not inflated yet: in[in_pos..in_len) */
    DWORD in_pos, in_len;
    BYTE *out;                /* inflated bytes not returned yet: out[out_pos..out_len) */
    DWORD out_pos, out_len;
    BOOL full;                /* the last inflate filled out: zlib may hold more */
    BOOL raw_done;            /* the raw body ended */
    BOOL raw_seen;            /* it had at least one byte */
    BOOL stream_end;          /* the compressed stream ended */
    DWORD trail;              /* bytes after it dropped so far */
};

/* The Accept-Encoding the request head carries in place of the caller's,
 * NULL when the option is off.  It is written into the head only, not into
 * the request's header list: a resend after the option was turned off sends
 * the caller's own header again (or none), not ours. */
const char *decomp_accept_encoding(const struct request *r)
{
    if (!r->decompression || r->websocket_upgrade) return NULL;
    return "gzip, deflate";
}

/* the single coding of the response, if it is one we inflate */
static DWORD coding_kind(const struct request *r, const WCHAR *value)
{
    const WCHAR *s = value, *e = value + wcslen(value);
    size_t n;

    while (s < e && (*s == ' ' || *s == '\t')) s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
    n = e - s;
    if ((r->decompression & WINHTTP_DECOMPRESSION_FLAG_GZIP) &&
        ((n == 4 && !strncmpiW_ascii(s, L"gzip", 4)) || (n == 6 && !strncmpiW_ascii(s, L"x-gzip", 6))))
        return WHNET_INFLATE_GZIP;
    if ((r->decompression & WINHTTP_DECOMPRESSION_FLAG_DEFLATE) && n == 7 && !strncmpiW_ascii(s, L"deflate", 7))
        return WHNET_INFLATE_DEFLATE;
    return 0;
}

DWORD decomp_start(struct request *r)
{
    struct decomp *d;
    DWORD kind, err;
    int i;

    if (!r->decompression || r->body_mode == BODY_NONE) return ERROR_SUCCESS;
    if ((i = headers_find(&r->resp_headers, L"Content-Encoding", 0)) < 0) return ERROR_SUCCESS;
    if (headers_find(&r->resp_headers, L"Content-Encoding", i + 1) >= 0) return ERROR_SUCCESS;
    if (!(kind = coding_kind(r, r->resp_headers.items[i].value))) return ERROR_SUCCESS;
    if (!transport_get()) return ERROR_WINHTTP_INTERNAL_ERROR;
    if (!(d = heap_alloc_zero(sizeof(*d)))) return ERROR_NOT_ENOUGH_MEMORY;
    if (!(d->in = heap_alloc(IN_SIZE)) || !(d->out = heap_alloc(OUT_SIZE)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    else
        err = transport_get()->inflate_create(kind, &d->inflater);
    if (err)
    {
        heap_free(d->in);
        heap_free(d->out);
        heap_free(d);
        return err;
    }
    r->decomp = d;
    TRACE("%p: inflating %s\n", r->hdr.handle, kind == WHNET_INFLATE_GZIP ? "gzip" : "deflate");
    headers_remove(&r->resp_headers, i);
    while ((i = headers_find(&r->resp_headers, L"Content-Length", 0)) >= 0) headers_remove(&r->resp_headers, i);
    return ERROR_SUCCESS;
}

void decomp_free(struct request *r)
{
    struct decomp *d = r->decomp;

    if (!d) return;
    r->decomp = NULL;
    if (d->inflater) transport_get()->inflate_free(d->inflater);
    heap_free(d->in);
    heap_free(d->out);
    heap_free(d);
}

/* Until inflated bytes wait in d->out or everything (raw body and stream)
 * ended.  Reading the raw body may end with ERROR_WINHTTP_TIMEOUT for an
 * asynchronous step (request.c parks it); nothing is lost then. */
static DWORD fill(struct request *r, struct decomp *d)
{
    DWORD err, got;

    for (;;)
    {
        DWORD avail = d->in_len - d->in_pos;
        uint32_t consumed, produced, end;

        if (d->out_pos < d->out_len) return ERROR_SUCCESS;
        if (d->stream_end)
        {
            /* The caller's body ends with the compressed stream.  Bytes after
             * it are dropped: up to the end of the framing (so that the
             * connection can be reused) but at most TRAIL_MAX of them; a body
             * that runs to the close is not waited for (the connection is not
             * reused anyway).  Without its framing's end (r->body_done still
             * FALSE) the connection is closed, not pooled. */
            if (d->raw_done) return ERROR_SUCCESS;
            d->trail += d->in_len - d->in_pos;
            d->in_pos = d->in_len = 0;
            if (r->body_mode == BODY_UNTIL_CLOSE || d->trail >= TRAIL_MAX)
            {
                if (d->trail) WARN("%p: %lu+ bytes after the compressed stream\n", r->hdr.handle, d->trail);
                d->raw_done = TRUE;
                continue;
            }
            if ((err = request_read_raw(r, d->in, IN_SIZE, &got))) return err;
            if (!got) d->raw_done = TRUE;
            d->in_len = got;
            continue;
        }
        if (avail || d->full)
        {
            err = transport_get()->inflate(d->inflater, d->in + d->in_pos, avail, d->out, OUT_SIZE,
                                           &consumed, &produced, &end);
            if (err == ERROR_INVALID_DATA)
            {
                WARN("%p: corrupt compressed body\n", r->hdr.handle);
                return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
            }
            if (err) return err;
            d->in_pos += consumed;
            d->out_pos = 0;
            d->out_len = produced;
            d->full = produced == OUT_SIZE;
            if (end) d->stream_end = TRUE;
            if (end || consumed || produced) continue;
        }
        /* an empty body (Content-Length: 0 and a Content-Encoding, as some
         * servers send) is an empty plain body */
        if (d->raw_done && !d->raw_seen)
        {
            d->stream_end = TRUE;
            continue;
        }
        /* zlib needs more input than there is */
        if (d->raw_done || avail == IN_SIZE)
        {
            WARN("%p: the body ended inside the compressed stream\n", r->hdr.handle);
            return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        }
        if (d->in_pos)
        {
            memmove(d->in, d->in + d->in_pos, avail);
            d->in_pos = 0;
            d->in_len = avail;
        }
        if ((err = request_read_raw(r, d->in + d->in_len, IN_SIZE - d->in_len, &got))) return err;
        if (!got) d->raw_done = TRUE;
        else d->raw_seen = TRUE;
        d->in_len += got;
    }
}

DWORD decomp_read(struct request *r, void *buf, DWORD len, DWORD *read)
{
    struct decomp *d = r->decomp;
    DWORD err, n;

    *read = 0;
    if (!len) return ERROR_SUCCESS;
    if ((err = fill(r, d))) return err;
    n = min(len, d->out_len - d->out_pos);
    memcpy(buf, d->out + d->out_pos, n);
    d->out_pos += n;
    *read = n;
    return ERROR_SUCCESS;
}

DWORD decomp_available(struct request *r, DWORD *available)
{
    struct decomp *d = r->decomp;
    DWORD err;

    *available = 0;
    if ((err = fill(r, d))) return err;
    *available = d->out_len - d->out_pos;
    return ERROR_SUCCESS;
}
