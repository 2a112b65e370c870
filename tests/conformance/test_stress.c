/* Many messages, many connections at once, a 16 MiB message, and a
 * misbehaving server next to good connections. */
#include <stdlib.h>
#include "test.h"

static void test_many_messages(void)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/echo");
    char msg[32], buf[64];
    DWORD err = 0, len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
    int i, good = 0;

    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    for (i = 0; i < 1000; i++)
    {
        snprintf(msg, sizeof(msg), "message %d", i);
        if ((err = ws_send_text(ws, msg))) break;
        if ((err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt))) break;
        if (len == strlen(msg) && !memcmp(buf, msg, len)) good++;
    }
    ok(good == 1000, "%d of 1000 round trips right (last error %lu)\n", good, err);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

struct worker { int id, good; DWORD err; BOOL bad_server; };

static DWORD WINAPI worker_thread(void *arg)
{
    struct worker *w = arg;
    struct conn_handles h;
    HINTERNET ws;
    char msg[64], buf[128];
    DWORD len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;
    int i;

    if (w->bad_server)
    {
        /* a server sending garbage (RSV bits, then a masked frame) */
        ws = ws_connect(&h, FALSE, L"/raw?send=c1026869818201020304696b");
        if (!ws) { w->err = GetLastError(); return 0; }
        w->err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), &len, &bt);
        WinHttpCloseHandle(ws);
        close_handles(&h);
        return 0;
    }
    ws = ws_connect(&h, FALSE, L"/echo");
    if (!ws) { w->err = GetLastError(); return 0; }
    for (i = 0; i < 100; i++)
    {
        snprintf(msg, sizeof(msg), "worker %d message %d", w->id, i);
        if ((w->err = ws_send_text(ws, msg))) break;
        if ((w->err = ws_recv_message(ws, buf, sizeof(buf) - 1, &len, &bt))) break;
        if (len == strlen(msg) && !memcmp(buf, msg, len)) w->good++;
    }
    WinHttpWebSocketClose(ws, 1000, NULL, 0);
    WinHttpCloseHandle(ws);
    close_handles(&h);
    return 0;
}

static void test_parallel(void)
{
    struct worker w[24];
    HANDLE threads[24];
    int i, n = 24;

    memset(w, 0, sizeof(w));
    for (i = 0; i < n; i++)
    {
        w[i].id = i;
        w[i].bad_server = (i % 6 == 5);   /* 4 of them talk to a broken server */
        threads[i] = CreateThread(NULL, 0, worker_thread, &w[i], 0, NULL);
    }
    ok(WaitForMultipleObjects(n, threads, TRUE, 60000) == WAIT_OBJECT_0, "workers did not finish\n");
    for (i = 0; i < n; i++)
    {
        if (w[i].bad_server)
            ok(w[i].err == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "worker %d (bad server): %lu\n", i, w[i].err);
        else
            ok(w[i].good == 100 && !w[i].err, "worker %d: %d of 100 right, error %lu\n", i, w[i].good, w[i].err);
        CloseHandle(threads[i]);
    }
}

static void test_open_close(void)
{
    int i, good = 0;
    for (i = 0; i < 200; i++)
    {
        struct conn_handles h;
        HINTERNET ws = ws_connect(&h, FALSE, L"/echo");
        if (!ws) continue;
        if (!WinHttpWebSocketClose(ws, 1000, NULL, 0)) good++;
        WinHttpCloseHandle(ws);
        close_handles(&h);
    }
    ok(good == 200, "%d of 200 open/close cycles worked\n", good);
}

static void test_huge(void)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/echo");
    const DWORD size = 16 * 1024 * 1024, piece = 64 * 1024;
    BYTE *msg = malloc(size), *buf = malloc(size + 1);
    DWORD i, err = 0, len;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    ok(ws != NULL, "upgrade failed: %lu\n", GetLastError());
    if (!ws || !msg || !buf) { free(msg); free(buf); return; }
    for (i = 0; i < size; i++) msg[i] = (BYTE)(i * 7 + (i >> 16));
    for (i = 0; i < size && !err; i += piece)
        err = WinHttpWebSocketSend(ws, i + piece < size ? WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE
                                                        : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, msg + i, piece);
    ok(!err, "sending 16 MiB in 64 KiB fragments: %lu\n", err);
    err = ws_recv_message(ws, (char *)buf, size + 1, &len, &bt);
    ok(!err && len == size && bt == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE && !memcmp(buf, msg, size),
       "16 MiB echo: %lu %lu %d\n", err, len, bt);
    WinHttpCloseHandle(ws);
    close_handles(&h);
    free(msg);
    free(buf);
}

void test_stress(void)
{
    test_many_messages();
    test_parallel();
    test_open_close();
    test_huge();
}
