/*
 * Asynchronous WebSocket sends that the connection cannot take at once: the
 * call returns, the rest of the frame goes when the socket is writable, and
 * WRITE_COMPLETE (or REQUEST_ERROR) comes later from another thread.  The
 * peer is made to read slowly (cmd:slowread), so that a big message backs up
 * in the kernel's buffers; its validator checks every frame we write.
 */
#include "test.h"
#include "notes.h"
#include <stdlib.h>

#define WAIT_MS 60000
#define BIG (24 * 1024 * 1024 + 13)   /* more than loopback's socket buffers hold; odd */

static const WINHTTP_WEB_SOCKET_STATUS *ws_status(const struct note *n)
{
    return (const WINHTTP_WEB_SOCKET_STATUS *)n->info;
}

static const WINHTTP_WEB_SOCKET_ASYNC_RESULT *ws_result(const struct note *n)
{
    return (const WINHTTP_WEB_SOCKET_ASYNC_RESULT *)n->info;
}

/* An asynchronous echo on a second websocket while the first one's Send
 * waits: nothing in the process waits for that Send. */
static void other_echo_works(const char *when)
{
    struct conn_handles h;
    HINTERNET ws = async_ws_connect(&h, L"/echo", 0);
    char buf[16] = { 0 };
    DWORD err;
    struct note n;
    int k, from;

    ok(ws != NULL, "%s: second websocket: %lu\n", when, GetLastError());
    if (!ws) return;
    from = notes_count();
    err = WinHttpWebSocketReceive(ws, buf, sizeof(buf), NULL, NULL);
    ok(!err, "%s: Receive: %lu\n", when, err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"ping?", 5);
    ok(!err, "%s: Send: %lu\n", when, err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, from, 10000);
    ok(k >= 0 && note_get(k, &n) && ws_status(&n)->dwBytesTransferred == 5 && !memcmp(buf, "ping?", 5),
       "%s: echo on a second websocket: %s\n", when, notes_for(ws));
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

/* The whole message arrives back from /echo, intact. */
static void receive_echo(HINTERNET ws, const BYTE *sent, DWORD len, const char *what)
{
    BYTE *back = malloc(len);
    DWORD got = 0, err;
    struct note n;
    int k, from;
    BOOL whole = FALSE;

    while (back && got < len)
    {
        from = notes_count();
        if ((err = WinHttpWebSocketReceive(ws, back + got, len - got, NULL, NULL))) break;
        k = note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, from, WAIT_MS);
        if (k < 0 || !note_get(k, &n)) break;
        got += ws_status(&n)->dwBytesTransferred;
        whole = ws_status(&n)->eBufferType == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
        if (whole) break;
    }
    ok(back && whole && got == len && !memcmp(back, sent, len), "%s: echo %lu of %lu bytes, whole %d\n", what, got,
       len, whole);
    free(back);
}

static void pending_send(BOOL secure)
{
    const char *what = secure ? "wss" : "ws";
    struct conn_handles h;
    HINTERNET ws;
    BYTE *big = malloc(BIG);
    struct note n;
    DWORD err, i;
    int k, from;

    if (!big) { skip("no memory for %u bytes\n", BIG); return; }
    for (i = 0; i < BIG; i++) big[i] = (BYTE)(i * 13 + 5);
    notes_reset();
    ws = async_ws_connect_ex(&h, L"/echo", 0x51, secure, 0);
    ok(ws != NULL, "%s: upgrade: %lu\n", what, GetLastError());
    if (!ws) { free(big); return; }
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"cmd:slowread:2", 14);
    ok(!err, "%s: slowread command: %lu\n", what, err);

    from = notes_count();
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big, BIG);
    ok(!err, "%s: big Send: %lu\n", what, err);
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, from, 0) < 0,
       "%s: %u bytes reported written before the call returned, with the server reading slowly\n", what, BIG);
    /* the send side is taken until WRITE_COMPLETE */
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big, 1);
    ok(err == ERROR_INVALID_OPERATION, "%s: second Send while one is pending: %lu\n", what, err);
    other_echo_works(what);

    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, from, WAIT_MS);
    ok(k >= 0 && note_get(k, &n) && n.context == 0x51 && n.thread != GetCurrentThreadId()
       && ws_status(&n)->dwBytesTransferred == BIG
       && ws_status(&n)->eBufferType == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
       "%s: WRITE_COMPLETE from the pool: %s\n", what, notes_for(ws));
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, from, 0) < 0, "%s: %s\n", what, notes_for(ws));
    receive_echo(ws, big, BIG, what);

    /* the send side is free again; an odd small message goes straight out */
    from = notes_count();
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big, 65537);
    ok(!err, "%s: Send after: %lu\n", what, err);
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, from, WAIT_MS) >= 0, "%s: %s\n", what, notes_for(ws));
    receive_echo(ws, big, 65537, what);

    /* and a Close whose close frame goes out at once completes as usual */
    from = notes_count();
    err = WinHttpWebSocketClose(ws, 1000, NULL, 0);
    ok(!err, "%s: Close: %lu\n", what, err);
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, from, WAIT_MS) >= 0, "%s: %s\n", what, notes_for(ws));
    WinHttpCloseHandle(ws);
    close_handles(&h);
    free(big);
}

/* A server that stops reading: the Send ends with ERROR_WINHTTP_TIMEOUT
 * once the send timeout is over, and the connection is given up. */
static void send_timeout(void)
{
    struct conn_handles h;
    HINTERNET ws;
    BYTE *big = calloc(1, BIG);
    struct note n;
    DWORD err, start;
    int k, from;

    notes_reset();
    ws = async_ws_connect_ex(&h, L"/echo", 0, FALSE, 1500);
    ok(ws != NULL, "upgrade: %lu\n", GetLastError());
    if (!ws || !big) { free(big); if (ws) WinHttpCloseHandle(ws); close_handles(&h); return; }
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"cmd:slowread:3600000", 20);
    ok(!err, "slowread command: %lu\n", err);
    from = notes_count();
    start = GetTickCount();
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big, BIG);
    ok(!err, "big Send: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, from, WAIT_MS);
    ok(k >= 0 && note_get(k, &n) && ws_result(&n)->Operation == WINHTTP_WEB_SOCKET_SEND_OPERATION
       && ws_result(&n)->AsyncResult.dwError == ERROR_WINHTTP_TIMEOUT && n.thread != GetCurrentThreadId(),
       "REQUEST_ERROR with the send timeout: %s\n", notes_for(ws));
    ok(GetTickCount() - start >= 1000, "timed out after %lu ms, the timeout is 1500\n", GetTickCount() - start);
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, from, 0) < 0, "WRITE_COMPLETE too: %s\n", notes_for(ws));
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big, 1);
    ok(err == ERROR_INVALID_OPERATION, "Send after the timeout: %lu\n", err);
    from = notes_count();
    WinHttpCloseHandle(ws);
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, from, WAIT_MS) >= 0, "%s\n", notes_for(ws));
    close_handles(&h);
    free(big);
}

/* WinHttpCloseHandle with a Send waiting for the connection: the Send ends
 * cancelled, before HANDLE_CLOSING. */
static void closehandle_cancels_send(void)
{
    static const DWORD want[] = { WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING };
    struct conn_handles h;
    HINTERNET ws;
    BYTE *big = calloc(1, BIG);
    struct note n;
    DWORD err;
    int k, from;

    notes_reset();
    ws = async_ws_connect(&h, L"/echo", 0);
    ok(ws != NULL, "upgrade: %lu\n", GetLastError());
    if (!ws || !big) { free(big); if (ws) WinHttpCloseHandle(ws); close_handles(&h); return; }
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"cmd:slowread:3600000", 20);
    ok(!err, "slowread command: %lu\n", err);
    Sleep(50);  /* the command is read before the flood */
    from = notes_count();
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big, BIG);
    ok(!err, "big Send: %lu\n", err);
    Sleep(100);
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, from, 0) < 0, "written with the server not reading\n");
    notes_reset();
    WinHttpCloseHandle(ws);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, WAIT_MS);
    ok(k >= 0 && notes_are(ws, want, 2), "after CloseHandle: %s\n", notes_for(ws));
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, 0);
    ok(k >= 0 && note_get(k, &n) && ws_result(&n)->Operation == WINHTTP_WEB_SOCKET_SEND_OPERATION
       && ws_result(&n)->AsyncResult.dwError == ERROR_WINHTTP_OPERATION_CANCELLED, "cancelled Send: %d\n", k);
    close_handles(&h);
    free(big);
    check_fresh_echo("a Send cancelled by CloseHandle");
}

/* The server pings while our big frame is half out: the pong waits for the
 * frame's end (the validator would see it inside the frame otherwise). */
static void ping_during_pending_send(void)
{
    struct conn_handles h;
    HINTERNET ws;
    BYTE *big = malloc(BIG), *in = malloc(70000);
    struct note n;
    DWORD err, i;
    int k, from;
    char cmd[64];

    notes_reset();
    ws = async_ws_connect(&h, L"/echo", 0);
    ok(ws != NULL, "upgrade: %lu\n", GetLastError());
    if (!ws || !big || !in) { free(big); free(in); if (ws) WinHttpCloseHandle(ws); close_handles(&h); return; }
    for (i = 0; i < BIG; i++) big[i] = (BYTE)i;
    /* after 1 MiB of our next message the server stops reading, pings and
     * sends 65539 bytes; it reads again once those are out */
    sprintf(cmd, "cmd:pingflood:65539:%u", 1 << 20);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, cmd, (DWORD)strlen(cmd));
    ok(!err, "pingflood command: %lu\n", err);
    from = notes_count();
    err = WinHttpWebSocketReceive(ws, in, 70000, NULL, NULL);
    ok(!err, "Receive: %lu\n", err);
    err = WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big, BIG);
    ok(!err, "big Send: %lu\n", err);
    k = note_wait(ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, from, WAIT_MS);
    ok(k >= 0 && note_get(k, &n) && ws_status(&n)->dwBytesTransferred == 65539, "server's message: %s\n",
       notes_for(ws));
    if (k < 0 && (k = note_wait(ws, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, from, 0)) >= 0 && note_get(k, &n))
        trace("error %lu in operation %u\n", ws_result(&n)->AsyncResult.dwError, ws_result(&n)->Operation);
    ok(note_wait(ws, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, from, WAIT_MS) >= 0, "big Send: %s\n", notes_for(ws));
    receive_echo(ws, big, BIG, "after the ping");
    WinHttpCloseHandle(ws);
    close_handles(&h);
    free(big);
    free(in);
}

void test_asyncsend(void)
{
    pending_send(FALSE);
    pending_send(TRUE);
    send_timeout();
    closehandle_cancels_send();
    ping_during_pending_send();
}
