/* WINHTTP_OPTION_CONNECTION_INFO: the addresses of the connection that
 * carries a request (part of the options group). */
#include <winsock2.h>
#include <ws2tcpip.h>
#include "test.h"

static USHORT port_of(const SOCKADDR_STORAGE *ss)
{
    const BYTE *p = (const BYTE *)&((const SOCKADDR_IN *)ss)->sin_port;
    return (USHORT)(p[0] << 8 | p[1]);
}

static BOOL is_loopback(const SOCKADDR_IN *in)
{
    const BYTE *a = (const BYTE *)&in->sin_addr;
    return a[0] == 127 && a[1] == 0 && a[2] == 0 && a[3] == 1;
}

void test_connection_info(void)
{
    HINTERNET ses = open_session(), con, req;
    WINHTTP_CONNECTION_INFO info;
    const SOCKADDR_IN *local, *remote;
    DWORD size, err;
    BOOL ret;

    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    ok(req != NULL, "request: %lu\n", GetLastError());
    if (!req) return;
    /* no connection yet (Wine's tests, verified on Windows) */
    size = sizeof(info);
    SetLastError(0xdeadbeef);
    ret = WinHttpQueryOption(req, WINHTTP_OPTION_CONNECTION_INFO, &info, &size);
    err = GetLastError();
    ok(!ret && err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "before sending: %d %lu\n", ret, err);

    ret = WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL);
    ok(ret, "request: %lu\n", GetLastError());
    size = 0;
    ret = WinHttpQueryOption(req, WINHTTP_OPTION_CONNECTION_INFO, NULL, &size);
    err = GetLastError();
    ok(!ret && err == ERROR_INSUFFICIENT_BUFFER && size == sizeof(info), "no buffer: %d %lu size %lu\n", ret, err,
       size);
    memset(&info, 0xcc, sizeof(info));
    size = sizeof(info);
    ret = WinHttpQueryOption(req, WINHTTP_OPTION_CONNECTION_INFO, &info, &size);
    ok(ret && size == sizeof(info) && info.cbSize == sizeof(info), "query: %d %lu size %lu cbSize %lu\n", ret,
       GetLastError(), size, info.cbSize);
    local = (const SOCKADDR_IN *)&info.LocalAddress;
    remote = (const SOCKADDR_IN *)&info.RemoteAddress;
    ok(remote->sin_family == AF_INET && is_loopback(remote)
       && port_of(&info.RemoteAddress) == peer_port("WS"), "remote: family %u port %u\n", remote->sin_family,
       port_of(&info.RemoteAddress));
    ok(local->sin_family == AF_INET && is_loopback(local)
       && port_of(&info.LocalAddress) != 0 && port_of(&info.LocalAddress) != peer_port("WS"),
       "local: family %u port %u\n", local->sin_family, port_of(&info.LocalAddress));
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}
