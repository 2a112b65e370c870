/* WinHttpAddRequestHeaders and WinHttpQueryHeaders on request headers, the
 * method before sending, FLAG_SYSTEMTIME; expected answers from Wine's
 * test_WinHttpAddHeaders / test_websocket, which were run on Windows.
 * Part of the http group. */
#include "test.h"

#define QREQ (WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS)

/* the value of request header name (index 0), or "" and FALSE */
static BOOL req_header(HINTERNET req, const WCHAR *name, WCHAR *buf, DWORD chars, DWORD index)
{
    DWORD len = chars * sizeof(WCHAR);
    buf[0] = 0;
    return WinHttpQueryHeaders(req, QREQ, name, buf, &len, &index);
}

static void test_add_flags(void)
{
    HINTERNET ses = open_session(), con = WinHttpConnect(ses, peer_host(), 80, 0), req;
    WCHAR buf[256], *s;
    DWORD len, index, err;
    BOOL ret, reverse;

    req = WinHttpOpenRequest(con, L"POST", L"/posttest.php", NULL, NULL, NULL, 0);
    /* the method, before anything was sent */
    len = sizeof(buf);
    ok(WinHttpQueryHeaders(req, WINHTTP_QUERY_REQUEST_METHOD, NULL, buf, &len, NULL) && !wcscmp(buf, L"POST")
       && len == 4 * sizeof(WCHAR), "method '%ls' %lu: %lu\n", buf, len, GetLastError());
    /* a response header before the response */
    len = sizeof(buf);
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryHeaders(req, WINHTTP_QUERY_UPGRADE, NULL, buf, &len, NULL) &&
       GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "response header before sending: %lu\n", GetLastError());

    ok(WinHttpAddRequestHeaders(req, L"Warning:test1", ~0u, WINHTTP_ADDREQ_FLAG_ADD), "add: %lu\n", GetLastError());
    ok(WinHttpAddRequestHeaders(req, L"Warning:test2", ~0u, WINHTTP_ADDREQ_FLAG_ADD), "add: %lu\n", GetLastError());
    ok(req_header(req, L"Warning", buf, 256, 1) && !wcscmp(buf, L"test2"), "second Warning '%ls'\n", buf);
    ok(WinHttpAddRequestHeaders(req, L"Warning:test3", ~0u, WINHTTP_ADDREQ_FLAG_REPLACE), "replace: %lu\n", GetLastError());
    req_header(req, L"Warning", buf, 256, 0);
    reverse = wcscmp(buf, L"test2") != 0;  /* Windows 7 and later keep the other order */
    ok(!wcscmp(buf, reverse ? L"test3" : L"test2"), "first Warning after REPLACE '%ls'\n", buf);
    ok(req_header(req, L"Warning", buf, 256, 1) && !wcscmp(buf, reverse ? L"test2" : L"test3"),
       "second Warning after REPLACE '%ls'\n", buf);
    SetLastError(0xdeadbeef);
    ok(!WinHttpAddRequestHeaders(req, L"Warning:test4", ~0u, WINHTTP_ADDREQ_FLAG_ADD_IF_NEW), "ADD_IF_NEW succeeded\n");
    ok(WinHttpAddRequestHeaders(req, L"Warning:test4", ~0u, WINHTTP_ADDREQ_FLAG_COALESCE), "coalesce: %lu\n", GetLastError());
    req_header(req, L"Warning", buf, 256, 0);
    ok(!wcscmp(buf, reverse ? L"test3, test4" : L"test2, test4"), "coalesced '%ls'\n", buf);
    ok(WinHttpAddRequestHeaders(req, L"Warning:test5", ~0u, WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA), "comma: %lu\n",
       GetLastError());
    ok(WinHttpAddRequestHeaders(req, L"Warning:test6", ~0u, WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON), "semicolon: %lu\n",
       GetLastError());
    req_header(req, L"Warning", buf, 256, 0);
    ok(!wcscmp(buf, reverse ? L"test3, test4, test5; test6" : L"test2, test4, test5; test6"), "coalesced '%ls'\n", buf);
    ok(!req_header(req, L"Warning", buf, 256, 2), "a third Warning\n");

    /* header lines that are not "name: value" */
    {
        static const WCHAR *const bad[] = { L":", L":b", L"cd", L" e :f", L"g : value", L"h\tx: y" };
        size_t i;
        for (i = 0; i < ARRAYSIZE(bad); i++)
        {
            SetLastError(0xdeadbeef);
            ret = WinHttpAddRequestHeaders(req, bad[i], ~0u, WINHTTP_ADDREQ_FLAG_ADD);
            err = GetLastError();
            ok(!ret && err == ERROR_WINHTTP_INVALID_HEADER, "'%ls' taken: %d %lu\n", bad[i], ret, err);
        }
        ok(!req_header(req, L"g", buf, 256, 0) && !req_header(req, L"g ", buf, 256, 0), "'g' header added\n");
    }
    ok(WinHttpAddRequestHeaders(req, L"a:", ~0u, WINHTTP_ADDREQ_FLAG_ADD), "empty value: %lu\n", GetLastError());
    ok(req_header(req, L"a", buf, 256, 0) && !buf[0], "empty value '%ls'\n", buf);
    ok(WinHttpAddRequestHeaders(req, L"field: value ", ~0u, WINHTTP_ADDREQ_FLAG_ADD), "field: %lu\n", GetLastError());
    ok(req_header(req, L"field", buf, 256, 0) && (!wcscmp(buf, L"value") || !wcscmp(buf, L"value ")), "field '%ls'\n", buf);
    SetLastError(0xdeadbeef);
    ok(!WinHttpAddRequestHeaders(req, L"Range: bytes=0-773\r\n", 0, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE)
       && GetLastError() == ERROR_INVALID_PARAMETER, "length 0: %lu\n", GetLastError());
    ok(WinHttpAddRequestHeaders(req, L"Range: bytes=0-773\r\n", ~0u, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE),
       "Range: %lu\n", GetLastError());
    index = 0;
    len = sizeof(buf);
    ok(WinHttpQueryHeaders(req, QREQ, L"Range", buf, &len, &index) && !wcscmp(buf, L"bytes=0-773") &&
       len == 11 * sizeof(WCHAR) && index == 1, "Range '%ls' %lu %lu\n", buf, len, index);
    SetLastError(0xdeadbeef);
    ok(!WinHttpAddRequestHeaders(req, L"name: value", ~0u, WINHTTP_ADDREQ_FLAG_REPLACE) &&
       GetLastError() == ERROR_WINHTTP_HEADER_NOT_FOUND, "replace a missing header: %lu\n", GetLastError());
    ok(WinHttpAddRequestHeaders(req, L"name: value", ~0u, WINHTTP_ADDREQ_FLAG_ADD), "add name: %lu\n", GetLastError());
    ok(WinHttpAddRequestHeaders(req, L"name:", ~0u, WINHTTP_ADDREQ_FLAG_REPLACE), "remove name: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!req_header(req, L"name", buf, 256, 0) && GetLastError() == ERROR_WINHTTP_HEADER_NOT_FOUND,
       "name after removal: %lu\n", GetLastError());
    ok(WinHttpAddRequestHeaders(req, L"name: value", ~0u, 0), "flags 0: %lu\n", GetLastError());
    ok(req_header(req, L"name", buf, 256, 0) && !wcscmp(buf, L"value"), "name '%ls'\n", buf);

    /* the whole request head: size asked with a NULL buffer, index untouched */
    index = 0;
    len = 0;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryHeaders(req, WINHTTP_QUERY_RAW_HEADERS_CRLF | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, NULL, NULL, &len,
                            &index) && GetLastError() == ERROR_INSUFFICIENT_BUFFER && len > 40 && !index,
       "raw request headers size: %lu %lu %lu\n", GetLastError(), len, index);
    if (len > 40 && (s = HeapAlloc(GetProcessHeap(), 0, len)))
    {
        DWORD need = len;
        ok(WinHttpQueryHeaders(req, WINHTTP_QUERY_RAW_HEADERS_CRLF | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, NULL, s, &len,
                               &index) && len + sizeof(WCHAR) == need && !wcsncmp(s, L"POST /posttest.php HTTP/1", 25) &&
           !wcscmp(s + wcslen(s) - 4, L"\r\n\r\n"), "raw request headers '%ls'\n", s);
        HeapFree(GetProcessHeap(), 0, s);
    }
    SetLastError(0xdeadbeef);
    len = sizeof(buf);
    ok(!WinHttpQueryHeaders(req, WINHTTP_QUERY_MAX + 1, NULL, buf, &len, NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
       "info level past WINHTTP_QUERY_MAX: %lu\n", GetLastError());
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* the headers WinHTTP adds are request headers once sent (Wine's test_websocket) */
static void test_sent_headers(void)
{
    INTERNET_PORT port = peer_port("WS");
    HINTERNET ses = open_session(), con, req;
    WCHAR buf[128], host[64];
    DWORD len;

    if (!port) { skip("no peer\n"); WinHttpCloseHandle(ses); return; }
    con = WinHttpConnect(ses, peer_host(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/echo", NULL, NULL, NULL, 0);
    ok(WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0), "upgrade: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!req_header(req, L"Sec-WebSocket-Key", buf, 128, 0) && GetLastError() == ERROR_WINHTTP_HEADER_NOT_FOUND,
       "key before sending: %lu\n", GetLastError());
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "send: %lu\n", GetLastError());
    len = sizeof(buf);
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryHeaders(req, WINHTTP_QUERY_UPGRADE, NULL, buf, &len, NULL) &&
       GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "response header before the response: %lu\n", GetLastError());
    ok(req_header(req, L"Sec-WebSocket-Key", buf, 128, 0) && wcslen(buf) == 24, "key '%ls': %lu\n", buf, GetLastError());
    ok(req_header(req, L"Sec-WebSocket-Version", buf, 128, 0) && !wcscmp(buf, L"13"), "version '%ls'\n", buf);
    swprintf(host, ARRAYSIZE(host), L"%ls:%u", peer_host(), port);
    len = sizeof(buf);
    ok(WinHttpQueryHeaders(req, WINHTTP_QUERY_HOST | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, NULL, buf, &len, NULL) &&
       !wcscmp(buf, host), "Host '%ls'\n", buf);
    ok(WinHttpReceiveResponse(req, NULL), "response: %lu\n", GetLastError());
    len = sizeof(buf);
    ok(WinHttpQueryHeaders(req, WINHTTP_QUERY_UPGRADE, NULL, buf, &len, NULL) && !wcsicmp(buf, L"websocket"),
       "Upgrade '%ls'\n", buf);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* WINHTTP_QUERY_FLAG_SYSTEMTIME: the Date the peer (node) sends */
static void test_systemtime(void)
{
    struct conn_handles h;
    SYSTEMTIME st, expect;
    WCHAR date[64];
    DWORD len;

    if (!peer_port("WS") || !open_request(&h, L"GET", peer_port("WS"), L"/echo-request", 0, FALSE, 0, NULL))
    {
        skip("no peer response: %lu\n", GetLastError());
        return;
    }
    len = sizeof(date);
    ok(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_DATE, NULL, date, &len, NULL), "Date: %lu\n", GetLastError());
    ok(WinHttpTimeToSystemTime(date, &expect), "parse '%ls'\n", date);
    len = 0;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryHeaders(h.request, WINHTTP_QUERY_DATE | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, NULL, &len, NULL) &&
       GetLastError() == ERROR_INSUFFICIENT_BUFFER && len == sizeof(st), "size: %lu %lu\n", GetLastError(), len);
    memset(&st, 0, sizeof(st));
    len = sizeof(st);
    ok(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_DATE | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, &st, &len, NULL) &&
       len == sizeof(st) && !memcmp(&st, &expect, sizeof(st)) && st.wYear >= 2020,
       "SYSTEMTIME %u-%u-%u %u:%u:%u: %lu\n", st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute, st.wSecond,
       GetLastError());
    close_handles(&h);
}

void test_http_headers(void)
{
    test_add_flags();
    test_sent_headers();
    test_systemtime();
}
