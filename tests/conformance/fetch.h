/* One GET from the plain peer, synchronous or asynchronous, read to the end
 * with WinHttpQueryDataAvailable + WinHttpReadData (as many bytes as were
 * reported available), for the decompress and tolerance groups. */
#ifndef CONFORMANCE_FETCH_H
#define CONFORMANCE_FETCH_H

#include "test.h"

#define FETCH_NO_OPTION 0xffffffffu   /* leave WINHTTP_OPTION_DECOMPRESSION alone */

struct fetch_args
{
    const WCHAR *path;
    BOOL async;
    DWORD session_decompression, request_decompression;  /* FETCH_NO_OPTION or the flags */
    const WCHAR *headers;                                /* extra request headers or NULL */
};

struct fetch_result
{
    DWORD error;              /* of the first call that failed, 0 if none */
    const char *stage;        /* which: "option", "send", "receive", "read" */
    DWORD status;
    BYTE *body;               /* what was read (free with fetch_free) */
    DWORD len;
    DWORD reads;              /* QueryDataAvailable calls that reported bytes */
    DWORD short_reads;        /* ReadData calls that gave fewer bytes than reported available */
};

BOOL fetch(const struct fetch_args *a, struct fetch_result *r);
/* a response header of the fetched request (first instance) into buf;
 * FALSE with GetLastError when there is none; needs fetch_keep */
void fetch_free(struct fetch_result *r);

/* like fetch, keeping the request (and its session/connect) open for
 * header queries: close with close_handles */
BOOL fetch_keep(const struct fetch_args *a, struct fetch_result *r, struct conn_handles *h);
BOOL header_value(HINTERNET req, DWORD level, const WCHAR *name, WCHAR *buf, DWORD chars);

#endif
