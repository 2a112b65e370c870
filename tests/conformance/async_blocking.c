/* Asynchronous mode: an application's callback may block for as long as it
 * likes (here: until every other socket's completion came) and may close
 * its handle from inside the callback, and the other sockets' completions
 * still arrive.  Completions run on the thread that saw the connection
 * become readable where another thread is left waiting (async.c); this
 * checks that a callback that never returns soon cannot stall the rest,
 * however many block at once.  Part of the async group. */
#include "notes.h"

#define BLOCKING_SOCKETS 10
#define BLOCK_WAIT_MS 30000

static HANDLE all_arrived, all_closed;
static volatile LONG arrived, released, closed_inside, closing_seen, bad_reads;
static char rbuf[BLOCKING_SOCKETS][16];

static void CALLBACK blocking_callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    const WINHTTP_WEB_SOCKET_STATUS *st = info;

    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)
    {
        if (InterlockedIncrement(&closing_seen) == BLOCKING_SOCKETS) SetEvent(all_closed);
        return;
    }
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR)
    {
        InterlockedIncrement(&bad_reads);
        return;
    }
    if (status != WINHTTP_CALLBACK_STATUS_READ_COMPLETE) return;
    if (len < sizeof(*st) || st->dwBytesTransferred != 2 || memcmp(rbuf[ctx], "b", 2))
        InterlockedIncrement(&bad_reads);
    /* the last one to arrive lets the others go; they wait for it here */
    if (InterlockedIncrement(&arrived) == BLOCKING_SOCKETS) SetEvent(all_arrived);
    else if (!WaitForSingleObject(all_arrived, BLOCK_WAIT_MS)) InterlockedIncrement(&released);
    else return;  /* stuck: counted by the checks below */
    /* a callback may close its own handle */
    if (WinHttpCloseHandle(h)) InterlockedIncrement(&closed_inside);
}

void async_blocking_callbacks(void)
{
    struct conn_handles h[BLOCKING_SOCKETS];
    HINTERNET ws[BLOCKING_SOCKETS];
    DWORD err, i, n = 0;

    arrived = released = closed_inside = closing_seen = bad_reads = 0;
    all_arrived = CreateEventW(NULL, TRUE, FALSE, NULL);
    all_closed = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < BLOCKING_SOCKETS; i++)
    {
        if (!(ws[i] = async_ws_connect(&h[i], L"/echo", i))) break;
        n++;
        WinHttpSetStatusCallback(ws[i], blocking_callback,
                                 WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_FLAG_HANDLES, 0);
    }
    ok(n == BLOCKING_SOCKETS, "only %lu of %u websockets: %lu\n", n, BLOCKING_SOCKETS, GetLastError());
    if (n == BLOCKING_SOCKETS)
    {
        /* all receives pending first, then the messages that answer them */
        for (i = 0; i < n; i++)
        {
            err = WinHttpWebSocketReceive(ws[i], rbuf[i], sizeof(rbuf[i]), NULL, NULL);
            ok(!err, "receive %lu: %lu\n", i, err);
        }
        for (i = 0; i < n; i++)
        {
            err = WinHttpWebSocketSend(ws[i], WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, (void *)"b", 2);
            ok(!err, "send %lu: %lu\n", i, err);
        }
        ok(!WaitForSingleObject(all_arrived, BLOCK_WAIT_MS),
           "%ld of %u completions came while %ld callbacks blocked\n", arrived, BLOCKING_SOCKETS, arrived - 1);
        ok(!WaitForSingleObject(all_closed, BLOCK_WAIT_MS), "HANDLE_CLOSING for %ld of %u\n", closing_seen,
           BLOCKING_SOCKETS);
        ok(released == BLOCKING_SOCKETS - 1 && closed_inside == BLOCKING_SOCKETS && !bad_reads,
           "released %ld, closed inside the callback %ld, bad reads %ld\n", released, closed_inside, bad_reads);
    }
    else for (i = 0; i < n; i++) WinHttpCloseHandle(ws[i]);
    for (i = 0; i < n; i++) close_handles(&h[i]);
    /* a stuck callback would still use the events: leave them then */
    if (closing_seen == BLOCKING_SOCKETS)
    {
        CloseHandle(all_arrived);
        CloseHandle(all_closed);
    }
}
