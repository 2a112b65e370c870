/* A response body delimited by the connection's close (no Content-Length,
 * not chunked) over TLS that ends with a TCP close but no close_notify may
 * have been cut short by anyone on the path: reading it fails (we report
 * ERROR_WINHTTP_CONNECTION_ERROR) instead of ending cleanly.  The same body
 * ended with close_notify, a Content-Length body that was complete before
 * the same cut, and the cut on plain http (where the FIN is the end) all
 * read to the end. */
#include "test.h"

#define BODY "close-delimited body, 39 bytes long...."

/* GET path on listener; reads the body with ReadData (or QueryDataAvailable
 * first when query); *len: bytes read; returns the error that ended it (0:
 * a clean end). */
static DWORD fetch_cut(const char *listener, const WCHAR *path, BOOL query, char *buf, DWORD size, DWORD *len)
{
    INTERNET_PORT port = peer_port(listener);
    BOOL secure = strcmp(listener, "WS") != 0;
    struct conn_handles h;
    DWORD err = 0, n, avail;

    *len = 0;
    if (!open_request(&h, L"GET", port, path, secure ? WINHTTP_FLAG_SECURE : 0, FALSE, 0, NULL)) return GetLastError();
    for (;;)
    {
        if (query)
        {
            if (!WinHttpQueryDataAvailable(h.request, &avail)) { err = GetLastError(); break; }
            if (!avail) break;
        }
        if (!WinHttpReadData(h.request, buf + *len, size - *len, &n)) { err = GetLastError(); break; }
        if (!n) break;
        *len += n;
        if (*len == size) break;
    }
    close_handles(&h);
    return err;
}

void tls_truncation_tests(void)
{
    char buf[256];
    DWORD err, len;
    int query;

    if (!peer_port("WSS") || !peer_port("WS"))
    {
        skip("no WS/WSS listeners\n");
        return;
    }
    for (query = 0; query < 2; query++)
    {
        const char *how = query ? "QueryDataAvailable" : "ReadData";
        err = fetch_cut("WSS", L"/close-delimited?end=cut", query, buf, sizeof(buf), &len);
        ok(err == ERROR_WINHTTP_CONNECTION_ERROR, "TLS cut, close-delimited (%s): error %lu after %lu bytes\n", how,
           err, len);
        err = fetch_cut("WSS", L"/close-delimited?end=notify", query, buf, sizeof(buf), &len);
        ok(!err && len == strlen(BODY) && !memcmp(buf, BODY, len), "TLS close_notify (%s): error %lu, %lu bytes\n",
           how, err, len);
        err = fetch_cut("WSS", L"/length-cut?end=cut", query, buf, sizeof(buf), &len);
        ok(!err && len == strlen(BODY) && !memcmp(buf, BODY, len),
           "TLS cut after a complete Content-Length body (%s): error %lu, %lu bytes\n", how, err, len);
        err = fetch_cut("WS", L"/close-delimited?end=cut", query, buf, sizeof(buf), &len);
        ok(!err && len == strlen(BODY) && !memcmp(buf, BODY, len), "plain http, close-delimited (%s): error %lu, %lu bytes\n",
           how, err, len);
    }
}
