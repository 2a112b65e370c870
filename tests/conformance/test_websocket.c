/* WinHttpWebSocketSend / Receive: buffer types, fragments, large messages,
 * pings, parameter checks, full duplex, frames as seen on the wire. */
#include <stdlib.h>
#include "test.h"

static HINTERNET echo_socket(struct conn_handles *h, BOOL secure)
{
    HINTERNET ws = ws_connect(h, secure, L"/echo");
    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    return ws;
}

static void test_echo_types(BOOL secure)
{
    struct conn_handles h;
    HINTERNET ws = echo_socket(&h, secure);
    BYTE bin[300], buf[1024];
    DWORD err, len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) return;
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"h\xc3\xa9llo", 6);
    ok(!err, "text Send: %lu\n", err);
    err = ws_recv_message(ws, (char *)buf, sizeof(buf), &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && len == 6 && !memcmp(buf, "h\xc3\xa9llo", 6),
       "text echo: err %lu type %d len %lu\n", err, bt, len);

    fill_pattern(bin, sizeof(bin), FALSE);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, bin, sizeof(bin));
    ok(!err, "binary Send: %lu\n", err);
    err = ws_recv_message(ws, (char *)buf, sizeof(buf), &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE && len == sizeof(bin) && !memcmp(buf, bin, len),
       "binary echo: err %lu type %d len %lu\n", err, bt, len);

    /* zero-length messages, both ways */
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, NULL, 0);
    ok(!err, "empty binary Send: %lu\n", err);
    len = 99;
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && len == 0 && bt == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, "empty binary echo: %lu %lu %d\n", err, len, bt);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"", 0);
    ok(!err, "empty text Send: %lu\n", err);
    len = 99;
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && len == 0 && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, "empty text echo: %lu %lu %d\n", err, len, bt);
    ws_send_text(ws, "cmd:empty:binary");
    len = 99;
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && len == 0 && bt == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, "server empty binary: %lu %lu %d\n", err, len, bt);
    ws_send_text(ws, "cmd:empty:text");
    len = 99;
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && len == 0 && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, "server empty text: %lu %lu %d\n", err, len, bt);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_send_params(void)
{
    struct conn_handles h;
    HINTERNET ws = echo_socket(&h, FALSE);
    DWORD err, len;
    char buf[64];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) return;
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE, (void *)"x", 1);
    ok(err == ERROR_INVALID_PARAMETER, "CLOSE type: %lu\n", err);
    err = WinHttpWebSocketSend(ws, (WINHTTP_WEB_SOCKET_BUFFER_TYPE)7, (void *)"x", 1);
    ok(err == ERROR_INVALID_PARAMETER, "type 7: %lu\n", err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, NULL, 5);
    ok(err == ERROR_INVALID_PARAMETER, "NULL buffer: %lu\n", err);
    err = WinHttpWebSocketSend(NULL, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"x", 1);
    ok(err == ERROR_INVALID_HANDLE, "NULL handle: %lu\n", err);
    err = WinHttpWebSocketSend(h.request, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"x", 1);
    ok(err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "request handle: %lu\n", err);
    err = WinHttpWebSocketReceive(h.request, buf, sizeof(buf), &len, &bt);
    ok(err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "Receive on request handle: %lu\n", err);
    err = WinHttpWebSocketReceive(NULL, buf, sizeof(buf), &len, &bt);
    ok(err == ERROR_INVALID_HANDLE, "Receive on NULL: %lu\n", err);
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), NULL, &bt);
    ok(err == ERROR_INVALID_PARAMETER, "Receive without pdwBytesRead: %lu\n", err);
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, NULL);
    ok(err == ERROR_INVALID_PARAMETER, "Receive without peBufferType: %lu\n", err);

    /* the socket is still fine after all that */
    err = ws_send_text(ws, "fine");
    ok(!err, "Send: %lu\n", err);
    err = ws_recv_message(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && len == 4 && !memcmp(buf, "fine", 4), "echo: %lu %lu\n", err, len);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_send_fragments(void)
{
    struct conn_handles h;
    HINTERNET ws = echo_socket(&h, FALSE);
    DWORD err, len;
    char buf[512], expect[128], sha[41];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) return;
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, (void *)"Hello, ", 7);
    ok(!err, "fragment 1: %lu\n", err);
    /* a different type while a text message is open */
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"xx", 2);
    ok(err == ERROR_INVALID_PARAMETER, "binary inside a text message: %lu\n", err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, (void *)"xx", 2);
    ok(err == ERROR_INVALID_PARAMETER, "binary fragment inside a text message: %lu\n", err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, (void *)"frag", 4);
    ok(!err, "fragment 2: %lu\n", err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"mented!", 7);
    ok(!err, "last fragment: %lu\n", err);
    err = ws_recv_message(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && len == 18 && !memcmp(buf, "Hello, fragmented!", 18),
       "fragmented echo: %lu %d %lu '%.*s'\n", err, bt, len, (int)len, buf);

    ws_send_text(ws, "cmd:lastinfo");
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    sha1_hex("Hello, fragmented!", 18, sha);
    snprintf(expect, sizeof(expect), "{\"type\":\"text\",\"length\":18,\"sha1\":\"%s\"}", sha);
    ok(!err && !strcmp(buf, expect), "lastinfo %s, expected %s\n", buf, expect);

    /* binary fragments */
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, (void *)"\x01\x02", 2);
    ok(!err, "binary fragment: %lu\n", err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"x", 1);
    ok(err == ERROR_INVALID_PARAMETER, "text inside a binary message: %lu\n", err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, (void *)"\x03", 1);
    ok(!err, "binary last fragment: %lu\n", err);
    err = ws_recv_message(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE && len == 3 && !memcmp(buf, "\x01\x02\x03", 3),
       "binary fragmented echo: %lu %d %lu\n", err, bt, len);
    ws_send_text(ws, "cmd:count");
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    ok(!err && !strcmp(buf, "2"), "server counted %s messages\n", buf);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_receive_fragments(void)
{
    struct conn_handles h;
    HINTERNET ws = echo_socket(&h, FALSE);
    BYTE msg[100], buf[200], expect[1000];
    DWORD err, len, total, pieces;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) return;
    /* a small buffer: FRAGMENT pieces, then the MESSAGE type on the last */
    fill_pattern(msg, sizeof(msg), TRUE);
    WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, msg, sizeof(msg));
    total = pieces = 0;
    do
    {
        err = WinHttpWebSocketReceive(ws, buf + total, 10, &len, &bt);
        if (err) break;
        ok(len == 10, "piece of %lu bytes\n", len);
        total += len;
        pieces++;
        if (total < 100) ok(bt == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, "piece %lu type %d\n", pieces, bt);
    } while (bt == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE && total < sizeof(buf));
    ok(!err && total == 100 && pieces == 10 && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && !memcmp(buf, msg, 100),
       "small buffer: err %lu total %lu pieces %lu type %d\n", err, total, pieces, bt);

    /* server-sent fragments: 5 frames of a 1000-byte binary message */
    ws_send_text(ws, "cmd:frag:5:1000:binary");
    fill_pattern(expect, 1000, FALSE);
    total = pieces = 0;
    {
        BYTE big[1200];
        do
        {
            err = WinHttpWebSocketReceive(ws, big + total, sizeof(big) - total, &len, &bt);
            if (err) break;
            total += len;
            pieces++;
            if (total < 1000) ok(bt == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, "type %d at %lu\n", bt, total);
        } while (bt == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);
        ok(!err && total == 1000 && bt == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE && !memcmp(big, expect, 1000),
           "server fragments: err %lu total %lu type %d\n", err, total, bt);
        ok(pieces >= 5, "%lu pieces for 5 frames\n", pieces);
    }
    ws_send_text(ws, "cmd:frag:3:90:text");
    fill_pattern(expect, 90, TRUE);
    err = ws_recv_message(ws, (char *)buf, sizeof(buf), &len, &bt);
    ok(!err && len == 90 && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && !memcmp(buf, expect, 90),
       "text fragments: %lu %lu %d\n", err, len, bt);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

static void test_big(BOOL secure)
{
    struct conn_handles h;
    HINTERNET ws = echo_socket(&h, secure);
    const DWORD size = 1024 * 1024;
    BYTE *msg = malloc(size), *buf = malloc(size + 16);
    DWORD err, len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) { free(msg); free(buf); return; }
    ws_send_text(ws, "cmd:big:1048576:binary");
    fill_pattern(msg, size, FALSE);
    err = ws_recv_message(ws, (char *)buf, size + 16, &len, &bt);
    ok(!err && len == size && bt == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE && !memcmp(buf, msg, size),
       "1 MiB binary from server: %lu %lu %d\n", err, len, bt);
    ws_send_text(ws, "cmd:big:1048576:text");
    fill_pattern(msg, size, TRUE);
    err = ws_recv_message(ws, (char *)buf, size + 16, &len, &bt);
    ok(!err && len == size && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && !memcmp(buf, msg, size),
       "1 MiB text from server: %lu %lu %d\n", err, len, bt);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, msg, size);
    ok(!err, "1 MiB text Send: %lu\n", err);
    memset(buf, 0, size);
    err = ws_recv_message(ws, (char *)buf, size + 16, &len, &bt);
    ok(!err && len == size && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && !memcmp(buf, msg, size),
       "1 MiB text echo: %lu %lu %d\n", err, len, bt);
    fill_pattern(msg, size, FALSE);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, msg, size);
    ok(!err, "1 MiB binary Send: %lu\n", err);
    err = ws_recv_message(ws, (char *)buf, size + 16, &len, &bt);
    ok(!err && len == size && bt == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE && !memcmp(buf, msg, size),
       "1 MiB binary echo: %lu %lu %d\n", err, len, bt);
    /* lengths that are not a multiple of 64 KiB (the send path works in chunks) */
    {
        static const DWORD odd[] = { 65537, 200001 };
        int k;
        for (k = 0; k < 2; k++)
        {
            BOOL text = k == 1;
            WINHTTP_WEB_SOCKET_BUFFER_TYPE type = text ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
                                                       : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
            fill_pattern(msg, odd[k], text);
            err = WinHttpWebSocketSend(ws, type, msg, odd[k]);
            ok(!err, "%lu-byte Send: %lu\n", odd[k], err);
            memset(buf, 0, odd[k]);
            err = ws_recv_message(ws, (char *)buf, size + 16, &len, &bt);
            ok(!err && len == odd[k] && bt == type && !memcmp(buf, msg, odd[k]),
               "%lu-byte echo: %lu %lu %d\n", odd[k], err, len, bt);
        }
    }
    WinHttpCloseHandle(ws);
    close_handles(&h);
    free(msg);
    free(buf);
}

static void test_ping(void)
{
    struct conn_handles h;
    HINTERNET ws = echo_socket(&h, FALSE);
    char buf[128];
    DWORD err, len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) return;
    /* the server pings; our Receive answers it by itself and then gets the
     * server's confirmation that the pong carried the same payload */
    ws_send_text(ws, "cmd:ping:hello");
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && !strcmp(buf, "pong:hello"),
       "after ping: err %lu '%s'\n", err, err ? "" : buf);
    ws_send_text(ws, "cmd:ping:");
    err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt);
    ok(!err && !strcmp(buf, "pong:"), "after empty ping: err %lu '%s'\n", err, err ? "" : buf);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

struct recv_thread { HINTERNET ws; DWORD err, len; WINHTTP_WEB_SOCKET_BUFFER_TYPE type; char buf[64]; };

static DWORD WINAPI receiver(void *arg)
{
    struct recv_thread *t = arg;
    t->err = ws_recv_message(t->ws, t->buf, sizeof(t->buf) - 1, &t->len, &t->type);
    return 0;
}

static void test_full_duplex(void)
{
    struct conn_handles h;
    HINTERNET ws = echo_socket(&h, FALSE);
    struct recv_thread t;
    HANDLE thread;
    DWORD err, len;
    char buf[16];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    if (!ws) return;
    memset(&t, 0, sizeof(t));
    t.ws = ws;
    thread = CreateThread(NULL, 0, receiver, &t, 0, NULL);
    Sleep(200);  /* the receive is pending on the other thread */
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
    ok(err == ERROR_INVALID_OPERATION, "second concurrent Receive: %lu\n", err);
    err = ws_send_text(ws, "duplex");
    ok(!err, "Send while a Receive is pending: %lu\n", err);
    ok(WaitForSingleObject(thread, 5000) == WAIT_OBJECT_0, "receiver did not finish\n");
    ok(!t.err && t.len == 6 && !strcmp(t.buf, "duplex"), "receiver: %lu %lu '%s'\n", t.err, t.len, t.buf);
    CloseHandle(thread);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

/* Frames as the server sees them (the /raw peer reports each client frame). */
static int json_int(const char *json, const char *key)
{
    char pat[32];
    const char *p;
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    p = strstr(json, pat);
    return p ? atoi(p + strlen(pat)) : -1;
}

static void json_str(const char *json, const char *key, char *out, size_t size)
{
    char pat[32];
    const char *p, *e;
    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    out[0] = 0;
    if (!(p = strstr(json, pat))) return;
    p += strlen(pat);
    if (!(e = strchr(p, '"')) || (size_t)(e - p) >= size) return;
    memcpy(out, p, e - p);
    out[e - p] = 0;
}

static BOOL next_report(HINTERNET ws, char *buf, DWORD size)
{
    DWORD len, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
    err = ws_recv_message(ws, buf, size - 1, &len, &bt);
    ok(!err && bt == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, "report: %lu %d\n", err, bt);
    if (err) { buf[0] = 0; return FALSE; }
    buf[len] = 0;
    return TRUE;
}

static void test_wire_frames(void)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/raw?send=");
    char rep[1024], mask1[16], mask2[16], payload[600], hex[600];
    BYTE data[200];

    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"abc", 3);
    if (next_report(ws, rep, sizeof(rep)))
    {
        ok(json_int(rep, "fin") == 1 && json_int(rep, "opcode") == 1 && json_int(rep, "rsv") == 0, "text frame: %s\n", rep);
        ok(json_int(rep, "masked") == 1 && json_int(rep, "length") == 3, "masking/length: %s\n", rep);
        json_str(rep, "payload", payload, sizeof(payload));
        ok(!strcmp(payload, "616263"), "payload %s\n", payload);
        json_str(rep, "mask", mask1, sizeof(mask1));
    }
    WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"abc", 3);
    if (next_report(ws, rep, sizeof(rep)))
    {
        json_str(rep, "mask", mask2, sizeof(mask2));
        ok(strlen(mask2) == 8 && strcmp(mask1, mask2), "same mask twice: %s %s\n", mask1, mask2);
    }
    /* fragments: first frame carries the type, later ones continuation, FIN last */
    fill_pattern(data, sizeof(data), FALSE);
    WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, data, 150);
    if (next_report(ws, rep, sizeof(rep)))
    {
        ok(json_int(rep, "fin") == 0 && json_int(rep, "opcode") == 2 && json_int(rep, "length") == 150, "first fragment: %s\n", rep);
        json_str(rep, "payload", payload, sizeof(payload));
        to_hex(data, 150, hex);
        ok(!strcmp(payload, hex), "126+ byte payload differs\n");
    }
    WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, data, 1);
    if (next_report(ws, rep, sizeof(rep)))
        ok(json_int(rep, "fin") == 0 && json_int(rep, "opcode") == 0, "middle fragment: %s\n", rep);
    WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, data, 0);
    if (next_report(ws, rep, sizeof(rep)))
        ok(json_int(rep, "fin") == 1 && json_int(rep, "opcode") == 0 && json_int(rep, "length") == 0, "last fragment: %s\n", rep);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

void test_websocket(void)
{
    test_echo_types(FALSE);
    test_echo_types(TRUE);
    test_send_params();
    test_send_fragments();
    test_receive_fragments();
    test_big(FALSE);
    test_big(TRUE);
    test_ping();
    test_full_duplex();
    test_wire_frames();
}
