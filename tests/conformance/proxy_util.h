/* Helpers of the proxy tests (proxy_util.c). */
#ifndef CONFORMANCE_PROXY_UTIL_H
#define CONFORMANCE_PROXY_UTIL_H

#include "test.h"

struct result
{
    DWORD error;            /* of the first call that failed, 0 */
    DWORD status;
    char body[1024];        /* NUL terminated, cut */
    WCHAR via[64];          /* Via response header, "" if none */
    WCHAR proxy_auth[128];  /* Proxy-Authenticate, "" if none */
};

/* GET path on server:port in session ses (flags: WINHTTP_FLAG_SECURE),
 * extra headers added with WinHttpAddRequestHeaders; returns res->error. */
DWORD do_request(HINTERNET ses, const WCHAR *server, INTERNET_PORT port, const WCHAR *path, DWORD flags,
                 const WCHAR *headers, struct result *res);
/* A session (flags: WINHTTP_FLAG_ASYNC or 0) whose named proxy is the peer's
 * proxy on 127.0.0.1 (peer_host()) at port proxy, with no bypass list. */
HINTERNET open_proxy_session(const WCHAR *agent, INTERNET_PORT proxy, DWORD flags);
/* A number from the proxy's GET /stats, -1 if unavailable. */
int proxy_stat(INTERNET_PORT proxy, const char *key);
/* A string from /stats ("" for null or unavailable). */
void proxy_stat_string(INTERNET_PORT proxy, const char *key, char *buf, size_t size);

#endif
