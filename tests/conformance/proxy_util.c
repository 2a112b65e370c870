/* Helpers of the proxy tests. */
#include <stdlib.h>
#include "proxy_util.h"

HINTERNET open_proxy_session(const WCHAR *agent, INTERNET_PORT proxy, DWORD flags)
{
    WCHAR list[64];

    swprintf(list, ARRAYSIZE(list), L"%ls:%u", peer_host(), proxy);
    return WinHttpOpen(agent, WINHTTP_ACCESS_TYPE_NAMED_PROXY, list, WINHTTP_NO_PROXY_BYPASS, flags);
}

DWORD do_request(HINTERNET ses, const WCHAR *server, INTERNET_PORT port, const WCHAR *path, DWORD flags,
                 const WCHAR *headers, struct result *res)
{
    HINTERNET con = NULL, req = NULL;
    DWORD size, got, total = 0;

    memset(res, 0, sizeof(*res));
    if (!(con = WinHttpConnect(ses, server, port, 0))) goto fail;
    if (!(req = WinHttpOpenRequest(con, L"GET", path, NULL, NULL, NULL, flags))) goto fail;
    if (headers && !WinHttpAddRequestHeaders(req, headers, (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD)) goto fail;
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0)) goto fail;
    if (!WinHttpReceiveResponse(req, NULL)) goto fail;
    size = sizeof(res->status);
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &res->status, &size, NULL))
        goto fail;
    size = sizeof(res->via);
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_VIA, NULL, res->via, &size, NULL)) res->via[0] = 0;
    size = sizeof(res->proxy_auth);
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_PROXY_AUTHENTICATE, NULL, res->proxy_auth, &size, NULL))
        res->proxy_auth[0] = 0;
    for (;;)
    {
        if (!WinHttpReadData(req, res->body + total, sizeof(res->body) - 1 - total, &got)) goto fail;
        if (!got) break;
        total += got;
        if (total == sizeof(res->body) - 1) break;
    }
    res->body[total] = 0;
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    return 0;
fail:
    res->error = GetLastError();
    if (!res->error) res->error = ERROR_GEN_FAILURE;
    if (req) WinHttpCloseHandle(req);
    if (con) WinHttpCloseHandle(con);
    return res->error;
}

static BOOL get_stats(INTERNET_PORT proxy, char *buf, size_t size)
{
    HINTERNET ses = WinHttpOpen(L"proxy-stats", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    struct result res;
    BOOL ret;

    if (!ses) return FALSE;
    ret = !do_request(ses, peer_host(), proxy, L"/stats", 0, NULL, &res) && res.status == 200;
    WinHttpCloseHandle(ses);
    if (ret) snprintf(buf, size, "%s", res.body);
    return ret;
}

/* the text after "key": in the JSON object */
static const char *find_key(const char *json, const char *key)
{
    char pat[64];
    const char *p;
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    p = strstr(json, pat);
    return p ? p + strlen(pat) : NULL;
}

int proxy_stat(INTERNET_PORT proxy, const char *key)
{
    char json[1024];
    const char *p;
    if (!get_stats(proxy, json, sizeof(json)) || !(p = find_key(json, key))) return -1;
    return atoi(p);
}

void proxy_stat_string(INTERNET_PORT proxy, const char *key, char *buf, size_t size)
{
    char json[1024];
    const char *p, *end;
    buf[0] = 0;
    if (!get_stats(proxy, json, sizeof(json)) || !(p = find_key(json, key)) || *p != '"') return;
    p++;
    if (!(end = strchr(p, '"'))) return;
    snprintf(buf, size, "%.*s", (int)(end - p), p);
}
