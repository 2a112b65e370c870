/* fetch.h: a GET read to the end, synchronously or asynchronously. */
#include <stdlib.h>
#include "fetch.h"

#define ASYNC_WAIT_MS 60000

struct async_ctx
{
    HANDLE done;
    DWORD status;             /* the completion that came */
    DWORD value;              /* DATA_AVAILABLE count, READ_COMPLETE length */
    DWORD error;              /* REQUEST_ERROR's dwError */
};

static void CALLBACK fetch_callback(HINTERNET h, DWORD_PTR context, DWORD status, void *info, DWORD len)
{
    struct async_ctx *c = (struct async_ctx *)context;

    if (!c) return;
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        c->value = 0;
        break;
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
        c->value = *(DWORD *)info;
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        c->value = len;
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        c->error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
        break;
    default:
        return;
    }
    c->status = status;
    SetEvent(c->done);
}

/* an asynchronous call was made (ok: its return value): wait for want */
static DWORD await(struct async_ctx *c, BOOL ok, DWORD want, DWORD *value)
{
    if (!ok) return GetLastError();
    if (WaitForSingleObject(c->done, ASYNC_WAIT_MS)) return WAIT_TIMEOUT;
    if (c->status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) return c->error;
    if (c->status != want) return ERROR_INVALID_STATE;
    if (value) *value = c->value;
    return 0;
}

static BOOL fail(struct fetch_result *r, const char *stage, DWORD err)
{
    r->stage = stage;
    r->error = err ? err : ERROR_GEN_FAILURE;
    return FALSE;
}

static BOOL set_decompression(HINTERNET h, DWORD flags)
{
    return flags == FETCH_NO_OPTION || WinHttpSetOption(h, WINHTTP_OPTION_DECOMPRESSION, &flags, sizeof(flags));
}

BOOL fetch_keep(const struct fetch_args *a, struct fetch_result *r, struct conn_handles *h)
{
    struct async_ctx *cp = calloc(1, sizeof(*cp));
    DWORD err = 0, size, avail, got, cap = 0;
    BOOL ret = FALSE;

    memset(r, 0, sizeof(*r));
    memset(h, 0, sizeof(*h));
    if (!cp) return fail(r, "open", ERROR_NOT_ENOUGH_MEMORY);
    h->session = WinHttpOpen(L"winhttp-conformance/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                             WINHTTP_NO_PROXY_BYPASS, a->async ? WINHTTP_FLAG_ASYNC : 0);
    if (!h->session) { fail(r, "open", GetLastError()); goto done; }
    if (!set_decompression(h->session, a->session_decompression)) { fail(r, "option", GetLastError()); goto done; }
    if (a->async)
    {
        cp->done = CreateEventW(NULL, FALSE, FALSE, NULL);
        if (WinHttpSetStatusCallback(h->session, fetch_callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0)
            == WINHTTP_INVALID_STATUS_CALLBACK) { fail(r, "callback", GetLastError()); goto done; }
    }
    if (!(h->connect = WinHttpConnect(h->session, peer_host(), peer_port("WS"), 0)) ||
        !(h->request = WinHttpOpenRequest(h->connect, L"GET", a->path, NULL, WINHTTP_NO_REFERER,
                                          WINHTTP_DEFAULT_ACCEPT_TYPES, 0)))
    {
        fail(r, "open", GetLastError());
        goto done;
    }
    if (!set_decompression(h->request, a->request_decompression)) { fail(r, "option", GetLastError()); goto done; }

    if (a->async)
    {
        if ((err = await(cp, WinHttpSendRequest(h->request, a->headers, a->headers ? (DWORD)-1 : 0, NULL, 0, 0,
                                                 (DWORD_PTR)cp), WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, NULL)))
        { fail(r, "send", err); goto done; }
        if ((err = await(cp, WinHttpReceiveResponse(h->request, NULL), WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
                         NULL)))
        { fail(r, "receive", err); goto done; }
    }
    else
    {
        if (!WinHttpSendRequest(h->request, a->headers, a->headers ? (DWORD)-1 : 0, NULL, 0, 0, 0))
        { fail(r, "send", GetLastError()); goto done; }
        if (!WinHttpReceiveResponse(h->request, NULL)) { fail(r, "receive", GetLastError()); goto done; }
    }
    size = sizeof(r->status);
    WinHttpQueryHeaders(h->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &r->status,
                        &size, NULL);
    for (;;)
    {
        avail = 0;
        if (a->async)
            err = await(cp, WinHttpQueryDataAvailable(h->request, NULL), WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE,
                        &avail);
        else err = WinHttpQueryDataAvailable(h->request, &avail) ? 0 : GetLastError();
        if (err) { fail(r, "read", err); goto done; }
        if (!avail) break;
        r->reads++;
        if (r->len + avail > cap)
        {
            BYTE *p;
            cap = max(cap * 2, r->len + avail);
            if (!(p = realloc(r->body, cap))) { fail(r, "read", ERROR_NOT_ENOUGH_MEMORY); goto done; }
            r->body = p;
        }
        got = 0;
        if (a->async)
            err = await(cp, WinHttpReadData(h->request, r->body + r->len, avail, NULL),
                        WINHTTP_CALLBACK_STATUS_READ_COMPLETE, &got);
        else err = WinHttpReadData(h->request, r->body + r->len, avail, &got) ? 0 : GetLastError();
        if (err) { fail(r, "read", err); goto done; }
        if (got < avail) r->short_reads++;
        if (!got) { fail(r, "read", ERROR_HANDLE_EOF); goto done; }  /* reported bytes that never came */
        r->len += got;
    }
    ret = TRUE;
done:
    if (a->async && h->request)
    {
        /* no more callbacks into c from this request */
        WinHttpSetStatusCallback(h->request, NULL, 0, 0);
        WinHttpSetOption(h->request, WINHTTP_OPTION_CONTEXT_VALUE, &(DWORD_PTR){ 0 }, sizeof(DWORD_PTR));
    }
    /* after a wait that timed out a completion may still come: c stays */
    if (err != WAIT_TIMEOUT)
    {
        if (cp->done) CloseHandle(cp->done);
        free(cp);
    }
    return ret;
}

BOOL fetch(const struct fetch_args *a, struct fetch_result *r)
{
    struct conn_handles h;
    BOOL ret = fetch_keep(a, r, &h);
    close_handles(&h);
    return ret;
}

void fetch_free(struct fetch_result *r)
{
    free(r->body);
    r->body = NULL;
}

BOOL header_value(HINTERNET req, DWORD level, const WCHAR *name, WCHAR *buf, DWORD chars)
{
    DWORD size = chars * sizeof(WCHAR);
    buf[0] = 0;
    return WinHttpQueryHeaders(req, level, name, buf, &size, NULL);
}
