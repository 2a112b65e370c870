/* Servers that break RFC 6455: every violation must fail the receive with
 * ERROR_WINHTTP_INVALID_SERVER_RESPONSE (RFC 6455 7.1.7 "fail the WebSocket
 * connection"), without crashing and without hurting other connections. */
#include <stdlib.h>
#include "test.h"

static HINTERNET raw_socket(struct conn_handles *h, const char *hex, BOOL end)
{
    WCHAR path[1024];
    HINTERNET ws;
    swprintf(path, ARRAYSIZE(path), L"/raw?send=%hs%ls", hex, end ? L"&end=1" : L"");
    ws = ws_connect(h, FALSE, path);
    ok(ws != NULL, "upgrade for %s failed: %lu\n", hex, GetLastError());
    return ws;
}

/* Receives until an error; returns it (0 if none came within max tries). */
static DWORD receive_until_error(HINTERNET ws, int max, int *messages)
{
    char buf[256];
    DWORD len, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
    int i;
    *messages = 0;
    for (i = 0; i < max; i++)
    {
        err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
        if (err) return err;
        if (bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || bt == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE ||
            bt == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE)
            (*messages)++;
    }
    return 0;
}

static void check_violation(const char *what, const char *hex, int allowed_pieces)
{
    struct conn_handles h;
    HINTERNET ws = raw_socket(&h, hex, FALSE);
    DWORD err;
    int messages;

    if (!ws) return;
    err = receive_until_error(ws, allowed_pieces + 1, &messages);
    ok(err == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "%s (%s): Receive ended with %lu\n", what, hex, err);
    ok(messages == 0, "%s: %d complete messages delivered\n", what, messages);
    /* the socket is dead for receiving, and says so instead of hanging */
    if (err)
    {
        char buf[16];
        DWORD len;
        WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
        err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
        ok(err != ERROR_SUCCESS, "%s: Receive after the failure succeeded\n", what);
    }
    ok(WinHttpCloseHandle(ws), "%s: CloseHandle: %lu\n", what, GetLastError());
    close_handles(&h);
}

static void test_violations(void)
{
    char hex[600];

    check_violation("masked server frame", "818201020304696b", 0);
    check_violation("RSV1 without extension", "c1026869", 0);
    check_violation("RSV3 without extension", "91026869", 0);
    check_violation("reserved data opcode 3", "83026869", 0);
    check_violation("reserved control opcode 0xb", "8b00", 0);
    strcpy(hex, "897e007e");
    memset(hex + 8, '0', 252);
    hex[260] = 0;
    check_violation("ping of 126 bytes", hex, 0);
    check_violation("fragmented ping", "090170", 0);
    check_violation("continuation without a message", "80026869", 0);
    check_violation("new text frame inside a fragmented message", "010161810162", 1);
    check_violation("invalid UTF-8 text", "8102c328", 0);
    check_violation("overlong UTF-8 text", "8102c0af", 0);
    check_violation("UTF-16 surrogate in UTF-8 text", "8103eda080", 0);
    check_violation("invalid UTF-8 across fragments", "0101c3800128", 1);
    check_violation("text ending inside a character", "8101c3", 0);
    check_violation("close code 1005 on the wire", "880203ed", 0);
    check_violation("close code 999", "880203e7", 0);
    check_violation("close payload of one byte", "880103", 0);
    check_violation("close reason not UTF-8", "880403e8c328", 0);
    check_violation("64-bit length with the top bit", "817f80000000000000026869", 0);
}

static void test_ping_from_raw(void)
{
    struct conn_handles h;
    HINTERNET ws = raw_socket(&h, "89017081026869", FALSE);
    char buf[512];
    DWORD err, len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) return;
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && len == 2 && !memcmp(buf, "hi", 2),
       "text after a ping: %lu %d %lu\n", err, bt, len);
    /* the next thing the server says is its report of our pong */
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    ok(!err && strstr(buf, "\"opcode\":10") && strstr(buf, "\"payload\":\"70\"") && strstr(buf, "\"masked\":1"),
       "pong report: %lu %s\n", err, err ? "" : buf);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_unsolicited_pong(void)
{
    struct conn_handles h;
    HINTERNET ws = raw_socket(&h, "8a0178" "81026869", FALSE);
    char buf[64];
    DWORD err, len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) return;
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    ok(!err && len == 2 && !memcmp(buf, "hi", 2), "text after an unsolicited pong: %lu %lu\n", err, len);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_eof(void)
{
    struct conn_handles h;
    HINTERNET ws = raw_socket(&h, "81026869", TRUE);
    char buf[64];
    DWORD err, len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) return;
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    ok(!err && len == 2 && !memcmp(buf, "hi", 2), "text before EOF: %lu %lu\n", err, len);
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(err != ERROR_SUCCESS, "Receive at EOF without a close frame succeeded (type %d)\n", bt);
    WinHttpCloseHandle(ws);
    close_handles(&h);

    ws = raw_socket(&h, "0103616263", TRUE);   /* EOF in the middle of a message */
    if (!ws) return;
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, "fragment before EOF: %lu %d\n", err, bt);
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(err != ERROR_SUCCESS, "Receive at EOF inside a message succeeded\n");
    WinHttpCloseHandle(ws);
    close_handles(&h);
}


void test_protocol(void)
{
    test_violations();
    test_ping_from_raw();
    test_unsolicited_pong();
    test_eof();
    check_fresh_echo("after the protocol errors");
}
