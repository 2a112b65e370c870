/*
 * wsdemo: a small WinHTTP WebSocket client, meant to be copied.
 *
 *   wsdemo.exe [ws://host:port/path | wss://host:port/path]
 *
 * Connects, upgrades to a WebSocket, sends a text and a binary message,
 * prints what comes back, closes cleanly and prints the server's close
 * status.  Uses only the public WinHTTP API: it runs the same on Windows,
 * under Wine with Wine's winhttp, and under Wine with ours (./wine-winhttp).
 */
#include <windows.h>
#include <winhttp.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what)
{
    printf("FAILED: %s (error %lu)\n", what, GetLastError());
    return 1;
}

static const char *type_name(WINHTTP_WEB_SOCKET_BUFFER_TYPE t)
{
    switch (t)
    {
    case WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE: return "binary message";
    case WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE: return "binary fragment";
    case WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE: return "text message";
    case WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE: return "text fragment";
    case WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE: return "close";
    }
    return "?";
}

/* Receive one whole message into buf; returns its length or -1. */
static int receive_message(HINTERNET ws, BYTE *buf, DWORD size, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    DWORD total = 0, got, err;
    do
    {
        err = WinHttpWebSocketReceive(ws, buf + total, size - total, &got, type);
        if (err) { SetLastError(err); return -1; }
        total += got;
    } while ((*type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE ||
              *type == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE) && total < size);
    return (int)total;
}

int wmain(int argc, WCHAR **argv)
{
    const WCHAR *url = argc > 1 ? argv[1] : L"ws://127.0.0.1:8080/echo";
    WCHAR host[256], path[1024];
    URL_COMPONENTS uc;
    HINTERNET session, connect, request, ws;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    BYTE buf[4096], binary[256];
    char reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1];
    const char *text = "Hello from WinHTTP";
    DWORD err, status_code = 0, size = sizeof(status_code), reason_len = 0, i;
    USHORT close_status = 0;
    BOOL secure;
    int n;

    /* 1. split the URL; ws:// and wss:// are spelled http:// and https:// for WinHTTP */
    if (!wcsncmp(url, L"ws://", 5) || !wcsncmp(url, L"wss://", 6))
    {
        static WCHAR http_url[1100];
        swprintf(http_url, 1100, L"http%ls", url + 2);
        url = http_url;
    }
    memset(&uc, 0, sizeof(uc));
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = host; uc.dwHostNameLength = ARRAYSIZE(host);
    uc.lpszUrlPath = path; uc.dwUrlPathLength = ARRAYSIZE(path);
    if (!WinHttpCrackUrl(url, 0, 0, &uc)) return fail("WinHttpCrackUrl");
    secure = uc.nScheme == INTERNET_SCHEME_HTTPS;
    printf("connecting to %ls port %u%s, path %ls\n", host, uc.nPort, secure ? " (TLS)" : "", path);

    /* 2. session, connection, request with the upgrade option */
    session = WinHttpOpen(L"wsdemo/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                          WINHTTP_NO_PROXY_BYPASS, 0);
    if (!session) return fail("WinHttpOpen");
    if (!(connect = WinHttpConnect(session, host, uc.nPort, 0))) return fail("WinHttpConnect");
    request = WinHttpOpenRequest(connect, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                 WINHTTP_DEFAULT_ACCEPT_TYPES, secure ? WINHTTP_FLAG_SECURE : 0);
    if (!request) return fail("WinHttpOpenRequest");
    if (!WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0))
        return fail("WinHttpSetOption(UPGRADE_TO_WEB_SOCKET)");
    if (!WinHttpSendRequest(request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, 0))
        return fail("WinHttpSendRequest");
    if (!WinHttpReceiveResponse(request, NULL)) return fail("WinHttpReceiveResponse");
    WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                        WINHTTP_HEADER_NAME_BY_INDEX, &status_code, &size, WINHTTP_NO_HEADER_INDEX);
    printf("server answered %lu\n", status_code);

    /* 3. the upgrade: the request handle is not needed afterwards */
    if (!(ws = WinHttpWebSocketCompleteUpgrade(request, 0))) return fail("WinHttpWebSocketCompleteUpgrade");
    WinHttpCloseHandle(request);
    printf("websocket open\n");

    /* 4. a text message and its echo */
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)text, (DWORD)strlen(text));
    if (err) { SetLastError(err); return fail("WinHttpWebSocketSend(text)"); }
    printf("sent text: %s\n", text);
    if ((n = receive_message(ws, buf, sizeof(buf) - 1, &type)) < 0) return fail("WinHttpWebSocketReceive");
    buf[n] = 0;
    printf("received %s, %d bytes: %s\n", type_name(type), n, (char *)buf);

    /* 5. a binary message and its echo */
    for (i = 0; i < sizeof(binary); i++) binary[i] = (BYTE)i;
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, binary, sizeof(binary));
    if (err) { SetLastError(err); return fail("WinHttpWebSocketSend(binary)"); }
    printf("sent binary: %u bytes\n", (unsigned)sizeof(binary));
    if ((n = receive_message(ws, buf, sizeof(buf), &type)) < 0) return fail("WinHttpWebSocketReceive");
    printf("received %s, %d bytes, %s\n", type_name(type), n,
           n == sizeof(binary) && !memcmp(buf, binary, n) ? "same bytes" : "DIFFERENT bytes");

    /* 6. close: send our close frame and wait for the server's */
    err = WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, (void *)"bye", 3);
    if (err) { SetLastError(err); return fail("WinHttpWebSocketClose"); }
    err = WinHttpWebSocketQueryCloseStatus(ws, &close_status, reason, sizeof(reason) - 1, &reason_len);
    if (err) { SetLastError(err); return fail("WinHttpWebSocketQueryCloseStatus"); }
    reason[reason_len] = 0;
    printf("closed: server status %u, reason \"%s\"\n", close_status, reason);

    WinHttpCloseHandle(ws);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
    printf("done\n");
    return 0;
}
