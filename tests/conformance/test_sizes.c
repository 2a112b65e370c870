/* Boundary sweeps of WebSocket message sizes: messages sent at every frame
 * length encoding and buffer boundary (and random sizes up to 16 MiB) must
 * reach the server intact (cmd:lastinfo: type, length, SHA-1) and come back
 * identical; messages received through buffers of boundary sizes must be
 * reassembled exactly, with FRAGMENT types before the last piece and no
 * piece larger than the buffer.  Synchronous over ws and wss, with the
 * send/receive buffer options at small values, and asynchronous.
 * SIZES_SEED=N in the environment repeats a run's random sizes. */
#include <stdlib.h>
#include "notes.h"

#define MiB (1024 * 1024)
#define MAX_MSG (16 * MiB)        /* biggest message */
#define MAX_BUF (1 * MiB)         /* biggest receive buffer */
#define WAIT_MS 30000             /* one asynchronous operation */
#define STALL_MS 20000            /* one synchronous call, before the watchdog ends it */
#define RANDOM 0                  /* in a list of buffer sizes: a random one */
#define MAX_PIECES 10000          /* receive sweeps: pieces per message at most (slow implementations), */
#define MAX_ASYNC_PIECES 2000     /* each asynchronous piece being a round trip through the callback */
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define WHOLE(text) ((text) ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE)
#define FRAG(text) ((text) ? WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE)

static const DWORD send_sizes[] = {
    0, 1, 2, 125, 126, 127, 128, 255, 256, 257, 4095, 4096, 4097, 8191, 8192, 8193, 32767, 32768, 32769,
    65535, 65536, 65537, 65538, 70000, 100000, 131071, 131072, 131073, 196609, 1000000, 1048577,
    0, 0, 0, 0 /* random sizes (send sweeps only), filled in by test_sizes */ };
static const DWORD text_sizes[] = { 0, 1, 125, 126, 127, 65535, 65536, 65537, 100001, 131073 };
static const DWORD recv_bufs[] = { 1, 7, 125, 126, 4096, 8191, 8192, 8193, 65536, 65537, RANDOM };
static const DWORD big_recv_bufs[] = { 8191, 65537, RANDOM };  /* for messages over 1 MiB */
static const DWORD async_sizes[] = { 0, 1, 125, 126, 65535, 65536, 65537, 100000, 1000000, 0 /* random */ };
static const DWORD async_bufs[] = { 125, 8192, 65537, RANDOM };
/* Buffer option values to try (those WinHttpSetOption takes).  No send
 * buffer below 16: Windows takes such a value but then fails
 * WinHttpSendRequest (Wine's conformance tests show it with 15). */
static const DWORD send_option_values[] = { 16, 17, 255, 256, 257, 1000, 4096, 65535, 65537, 0 };
static const DWORD recv_option_values[] = { 1, 2, 16, 255, 256, 257, 1000, 65535, 65537, 0 };
static DWORD sizes[COUNT(send_sizes)], asizes[COUNT(async_sizes)];

static BYTE *pattern[2];  /* [text]: the peer's content rule, MAX_MSG bytes */
static BYTE *rbuf;        /* reassembly buffer: MAX_MSG + MAX_BUF bytes */
static DWORD seed, seed0;

static DWORD rnd(DWORD n)  /* xorshift32, 0..n-1 */
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed % n;
}

/* ---- watchdog: a synchronous call that makes no progress for STALL_MS
 * (a server waiting for bytes that never come) gets its handle closed, so
 * the check fails instead of the group hanging ---- */
static struct { CRITICAL_SECTION cs; HINTERNET ws; DWORD last; HANDLE stop, thread; int fired; } dog;

static DWORD WINAPI dog_thread(void *arg)
{
    while (WaitForSingleObject(dog.stop, 500) == WAIT_TIMEOUT)
    {
        EnterCriticalSection(&dog.cs);
        if (dog.ws && GetTickCount() - dog.last > STALL_MS)
        {
            printf("test_sizes: no progress for %u ms, closing the websocket\n", STALL_MS);
            WinHttpCloseHandle(dog.ws);
            dog.ws = NULL;
            dog.fired++;
        }
        LeaveCriticalSection(&dog.cs);
    }
    return 0;
}

static void dog_watch(HINTERNET ws)
{
    EnterCriticalSection(&dog.cs);
    dog.ws = ws;
    dog.last = GetTickCount();
    LeaveCriticalSection(&dog.cs);
}

/* ---- one WebSocket to the /echo peer, sync or async, ws or wss ---- */
struct sock
{
    struct conn_handles h;
    HINTERNET ws;
    BOOL secure, async, dead;  /* dead: an upgrade failed, no more attempts */
    DWORD option, value;  /* set on the request before the upgrade when option is nonzero */
    char name[64];
};

/* Waits for status on h, or REQUEST_ERROR (returns its error), or WAIT_MS (WAIT_TIMEOUT). */
static DWORD wait_note(HINTERNET h, DWORD status, struct note *n)
{
    DWORD start = GetTickCount();
    int k;
    do
    {
        if ((k = note_wait(h, status, 0, 100)) >= 0) return note_get(k, n) ? 0 : ERROR_GEN_FAILURE;
        if ((k = note_wait(h, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, 0)) >= 0 && note_get(k, n))
            return ((const WINHTTP_ASYNC_RESULT *)n->info)->dwError;  /* first member of the WebSocket result too */
    } while (GetTickCount() - start < WAIT_MS);
    return WAIT_TIMEOUT;
}

static void sock_init(struct sock *s, BOOL secure, BOOL async, DWORD option, DWORD value)
{
    memset(s, 0, sizeof(*s));
    s->secure = secure;
    s->async = async;
    s->option = option;
    s->value = value;
    snprintf(s->name, sizeof(s->name), "%s%s", async ? "async " : "", secure ? "wss" : "ws");
    if (option) snprintf(s->name + strlen(s->name), sizeof(s->name) - strlen(s->name), " (%s buffer %lu)",
                         option == WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE ? "send" : "receive", value);
}

static BOOL sock_open(struct sock *s)
{
    struct conn_handles *h = &s->h;
    INTERNET_PORT port = peer_port(s->secure ? "WSS" : "WS");
    DWORD err = 0;
    struct note n;

    memset(h, 0, sizeof(*h));
    notes_reset();
    if (!port || !(h->session = s->async ? open_async_session() : open_session())
        || !(h->connect = WinHttpConnect(h->session, peer_host(), port, 0))
        || !(h->request = WinHttpOpenRequest(h->connect, L"GET", L"/echo", NULL, WINHTTP_NO_REFERER,
                                              WINHTTP_DEFAULT_ACCEPT_TYPES, s->secure ? WINHTTP_FLAG_SECURE : 0))
        || !WinHttpSetOption(h->request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0)
        || (s->option && !WinHttpSetOption(h->request, s->option, &s->value, sizeof(s->value)))
        || !WinHttpSendRequest(h->request, NULL, 0, NULL, 0, 0, 0)
        || (s->async && (err = wait_note(h->request, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, &n)))
        || !WinHttpReceiveResponse(h->request, NULL)
        || (s->async && (err = wait_note(h->request, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, &n))))
        s->ws = NULL;
    else s->ws = WinHttpWebSocketCompleteUpgrade(h->request, 0x51e5);
    if (!s->ws && !err) err = GetLastError();
    ok(s->ws != NULL, "%s: upgrade failed: %lu\n", s->name, err);
    WinHttpCloseHandle(h->request);
    h->request = NULL;
    if (!s->ws) close_handles(h);
    else dog_watch(s->ws);
    s->dead = !s->ws;
    return s->ws != NULL;
}

static void sock_close(struct sock *s)
{
    if (!s->ws) return;
    EnterCriticalSection(&dog.cs);
    if (dog.ws == s->ws) WinHttpCloseHandle(s->ws);  /* else the watchdog closed it */
    dog.ws = NULL;
    LeaveCriticalSection(&dog.cs);
    s->ws = NULL;
    close_handles(&s->h);
}

static void progress(void)
{
    EnterCriticalSection(&dog.cs);
    dog.last = GetTickCount();
    LeaveCriticalSection(&dog.cs);
}

/* One WinHttpWebSocketSend; asynchronously, WRITE_COMPLETE must report len bytes of that type. */
static DWORD send_msg(struct sock *s, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, const void *data, DWORD len)
{
    const WINHTTP_WEB_SOCKET_STATUS *st;
    struct note n;
    DWORD err;

    if (s->async) notes_reset();
    err = WinHttpWebSocketSend(s->ws, type, (void *)data, len);
    progress();
    if (err || !s->async) return err;
    if ((err = wait_note(s->ws, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, &n))) return err;
    st = (const WINHTTP_WEB_SOCKET_STATUS *)n.info;
    ok(n.len == sizeof(*st) && st->dwBytesTransferred == len && st->eBufferType == type,
       "%s: WRITE_COMPLETE (%lu bytes of information) says %lu bytes type %d, sent %lu type %d\n", s->name,
       n.len, st->dwBytesTransferred, st->eBufferType, len, type);
    return 0;
}

/* One WinHttpWebSocketReceive; asynchronously, the result comes with READ_COMPLETE
 * (ERROR_INVALID_DATA if its information is not a WINHTTP_WEB_SOCKET_STATUS). */
static DWORD recv_piece(struct sock *s, BYTE *buf, DWORD size, DWORD *got, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    struct note n;
    DWORD err;

    if (s->async) notes_reset();
    err = WinHttpWebSocketReceive(s->ws, buf, size, got, type);
    progress();
    if (err || !s->async) return err;
    if ((err = wait_note(s->ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, &n))) return err;
    if (n.len != sizeof(WINHTTP_WEB_SOCKET_STATUS)) return ERROR_INVALID_DATA;
    *got = ((const WINHTTP_WEB_SOCKET_STATUS *)n.info)->dwBytesTransferred;
    *type = ((const WINHTTP_WEB_SOCKET_STATUS *)n.info)->eBufferType;
    return 0;
}

/* Receives one message of len bytes of the content rule through a buffer of
 * bufsize bytes: FRAGMENT type on every piece but the last, MESSAGE type on
 * the last, no piece larger than the buffer, the bytes reassembled exactly. */
static BOOL recv_check(struct sock *s, BOOL text, DWORD len, DWORD bufsize, const char *what)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = FRAG(text);
    DWORD total = 0, pieces = 0, got = 0, biggest = 0, same = 0, err = 0;
    BOOL good;

    while (type == FRAG(text) && total <= len && pieces <= len + 64)
    {
        if ((err = recv_piece(s, rbuf + total, bufsize, &got, &type))) break;
        pieces++;
        biggest = max(biggest, got);
        if (got > bufsize) break;
        total += got;
    }
    while (same < min(total, len) && rbuf[same] == pattern[text][same]) same++;
    good = !err && biggest <= bufsize && total == len && type == WHOLE(text) && same == len;
    ok(good, "%s: %s through a %lu-byte buffer: error %lu, %lu pieces (biggest %lu), %lu bytes, last type %d, "
       "the first %lu bytes right\n", s->name, what, bufsize, err, pieces, biggest, total, type, same);
    return good;
}

/* cmd:lastinfo: the server's last data message had this type, length and SHA-1. */
static BOOL lastinfo_check(struct sock *s, BOOL text, DWORD len, const char *what)
{
    char reply[256], expect[128], sha[41];
    DWORD total = 0, got = 0, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;

    err = send_msg(s, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, "cmd:lastinfo", 12);
    while (!err && type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE && total < sizeof(reply) - 1
           && !(err = recv_piece(s, (BYTE *)reply + total, sizeof(reply) - 1 - total, &got, &type)))
        total += got;
    reply[err ? 0 : total] = 0;
    sha1_hex(pattern[text], len, sha);
    snprintf(expect, sizeof(expect), "{\"type\":\"%s\",\"length\":%lu,\"sha1\":\"%s\"}", text ? "text" : "binary",
             len, sha);
    ok(!err && type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && !strcmp(reply, expect),
       "%s: %s: server got '%s' (type %d), expected %s (error %lu)\n", s->name, what, reply, type, expect, err);
    return !err && !strcmp(reply, expect);
}

/* A message sent in pieces of these sizes (one piece: a whole message):
 * the server received it exactly and echoes it back identical. */
static BOOL send_check(struct sock *s, BOOL text, const DWORD *pieces, int count)
{
    DWORD err = 0, off = 0;
    char what[96];
    int i;

    for (i = 0; i < count && !err; off += pieces[i++])
        err = send_msg(s, i == count - 1 ? WHOLE(text) : FRAG(text), pattern[text] + off, pieces[i]);
    snprintf(what, sizeof(what), "%s message of %lu bytes%s", text ? "text" : "binary", off,
             count > 1 ? " sent in pieces" : "");
    ok(!err, "%s: send of a %s: error %lu at piece %d\n", s->name, what, err, i - 1);
    return !err && recv_check(s, text, off, MAX_BUF, what) && lastinfo_check(s, text, off, what);
}

/* The server sends a message of len bytes (cmd:big binary, or cmd:frag text
 * in a few frames); it arrives exactly through a buffer of bufsize bytes. */
static BOOL server_message_check(struct sock *s, BOOL text, DWORD len, DWORD bufsize)
{
    char cmd[64];
    DWORD err;

    if (text) snprintf(cmd, sizeof(cmd), "cmd:frag:%lu:%lu:text", 2 + len % 5, len);
    else snprintf(cmd, sizeof(cmd), "cmd:big:%lu:binary", len);
    err = send_msg(s, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, cmd, (DWORD)strlen(cmd));
    ok(!err, "%s: send %s: %lu\n", s->name, cmd, err);
    return !err && recv_check(s, text, len, bufsize, cmd);
}

/* ---- sweeps: one connection each, a new one only after a failed check ---- */
static BOOL sock_ready(struct sock *s)
{
    return s->ws || (!s->dead && sock_open(s));
}

static void send_sweep(struct sock *s, BOOL text, const DWORD *list, int count)
{
    int i;
    for (i = 0; i < count && sock_ready(s); i++)
        if (!send_check(s, text, &list[i], 1)) sock_close(s);
}

static void fragment_sends(struct sock *s)
{
    static const DWORD binary[] = { 1, 65537, 3, 70000, 131073 }, text[] = { 125, 65536, 126, 65537, 1 };
    static const DWORD long_first[] = { 1048577, 7, 65535, 2 };
    if (sock_ready(s) && !send_check(s, FALSE, binary, COUNT(binary))) sock_close(s);
    if (sock_ready(s) && !send_check(s, TRUE, text, COUNT(text))) sock_close(s);
    if (sock_ready(s) && !send_check(s, FALSE, long_first, COUNT(long_first))) sock_close(s);
}

/* Every size with every buffer (RANDOM: a random buffer up to MAX_BUF),
 * binary and fragmented text; a 1-byte buffer only for messages up to 300
 * bytes, other buffers for messages of up to MAX_PIECES (MAX_ASYNC_PIECES) pieces. */
static void recv_sweep(struct sock *s, const DWORD *list, int count, const DWORD *bufs, int nbufs)
{
    int i, j, text;
    for (i = 0; i < count; i++)
        for (j = 0; j < nbufs; j++)
            for (text = 0; text < 2; text++)
            {
                DWORD bufsize = bufs[j] == RANDOM ? 1 + rnd(MAX_BUF) : bufs[j];
                if ((bufsize == 1 && list[i] > 300) || list[i] / bufsize > (s->async ? MAX_ASYNC_PIECES : MAX_PIECES))
                    continue;
                if (!sock_ready(s)) return;
                if (!server_message_check(s, text, list[i], bufsize)) sock_close(s);
            }
}

/* The values WinHttpSetOption takes for option on a request handle. */
static int accepted_values(DWORD option, const DWORD *candidates, DWORD *values)
{
    struct conn_handles h;
    int i, n = 0;

    memset(&h, 0, sizeof(h));
    if ((h.session = open_session()) && (h.connect = WinHttpConnect(h.session, peer_host(), peer_port("WS"), 0)))
        h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", NULL, WINHTTP_NO_REFERER,
                                       WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    ok(h.request != NULL, "request handle: %lu\n", GetLastError());
    for (i = 0; candidates[i]; i++)
    {
        DWORD v = candidates[i];
        BOOL set = WinHttpSetOption(h.request, option, &v, sizeof(v));
        trace("option %lu = %lu: %s (%lu)\n", option, v, set ? "accepted" : "refused", set ? 0 : GetLastError());
        if (set) values[n++] = v;
    }
    close_handles(&h);
    ok(n > 0, "option %lu: none of the values was accepted\n", option);
    return n;
}

/* The values of a buffer option WinHttpSetOption takes, each on its own
 * connection: sends (send buffer) or receives (receive buffer) of sizes
 * around it. */
static void buffer_option_sweeps(DWORD option, const DWORD *candidates)
{
    DWORD values[16];
    int i, n = accepted_values(option, candidates, values);
    for (i = 0; i < n; i++)
    {
        const DWORD v = values[i], list[] = { v - 1, v, v + 1, 2 * v + 1, 65537, 100000 };
        const DWORD bufs[] = { 7, max(v - 1, 1), v, v + 1, 65537 };
        struct sock s;
        sock_init(&s, FALSE, FALSE, option, v);
        if (option == WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE)
        {
            send_sweep(&s, FALSE, list, COUNT(list));
            send_sweep(&s, TRUE, list + 3, 1);
        }
        else recv_sweep(&s, list, COUNT(list), bufs, COUNT(bufs));
        sock_close(&s);
    }
}

static void timed(const char *name, DWORD *start)
{
    DWORD now = GetTickCount();
    trace("sizes: %s took %lu ms\n", name, now - *start);
    *start = now;
}

void test_sizes(void)
{
    DWORD big_recv_sizes[] = { 4 * MiB + 1, 0 /* random */ }, start = GetTickCount(), begin = start;
    const char *env = getenv("SIZES_SEED");
    struct sock s;
    int secure, i;

    seed = env ? strtoul(env, NULL, 0) : GetTickCount() ^ (GetCurrentProcessId() << 16);
    if (!seed) seed = 1;
    seed0 = seed;
    trace("sizes: SIZES_SEED=%lu\n", seed0);
    pattern[0] = malloc(MAX_MSG);
    pattern[1] = malloc(MAX_MSG);
    rbuf = malloc(MAX_MSG + MAX_BUF);
    InitializeCriticalSection(&dog.cs);
    dog.stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    dog.thread = CreateThread(NULL, 0, dog_thread, NULL, 0, NULL);
    ok(pattern[0] && pattern[1] && rbuf && dog.thread, "out of memory\n");
    if (!pattern[0] || !pattern[1] || !rbuf || !dog.thread) goto done;
    fill_pattern(pattern[0], MAX_MSG, FALSE);
    fill_pattern(pattern[1], MAX_MSG, TRUE);

    memcpy(sizes, send_sizes, sizeof(sizes));
    i = COUNT(sizes) - 4;
    sizes[i++] = 1 + rnd(256 * 1024);
    sizes[i++] = 1 + rnd(4 * MiB);
    sizes[i++] = 1 + rnd(MAX_MSG);
    sizes[i++] = MAX_MSG - rnd(65536);  /* near 16 MiB */
    big_recv_sizes[1] = 1 + rnd(MAX_MSG);
    memcpy(asizes, async_sizes, sizeof(asizes));
    asizes[COUNT(asizes) - 1] = 1 + rnd(4 * MiB);
    trace("sizes: random send sizes %lu %lu %lu %lu, receive %lu, async %lu\n", sizes[i - 4], sizes[i - 3],
          sizes[i - 2], sizes[i - 1], big_recv_sizes[1], asizes[COUNT(asizes) - 1]);

    for (secure = 0; secure < 2; secure++)
    {
        sock_init(&s, secure, FALSE, 0, 0);
        send_sweep(&s, FALSE, sizes, COUNT(sizes));
        send_sweep(&s, TRUE, text_sizes, COUNT(text_sizes));
        fragment_sends(&s);
        recv_sweep(&s, send_sizes, COUNT(send_sizes) - 4, recv_bufs, COUNT(recv_bufs));
        recv_sweep(&s, big_recv_sizes, COUNT(big_recv_sizes), big_recv_bufs, COUNT(big_recv_bufs));
        sock_close(&s);
        timed(secure ? "wss sweeps" : "ws sweeps", &start);
    }
    buffer_option_sweeps(WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, send_option_values);
    buffer_option_sweeps(WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, recv_option_values);
    timed("buffer options", &start);
    for (secure = 0; secure < 2; secure++)
    {
        sock_init(&s, secure, TRUE, 0, 0);
        send_sweep(&s, FALSE, asizes, COUNT(asizes));
        send_sweep(&s, TRUE, text_sizes + 5, 3);
        fragment_sends(&s);
        recv_sweep(&s, asizes, COUNT(asizes), async_bufs, COUNT(async_bufs));
        sock_close(&s);
        timed(secure ? "async wss sweeps" : "async ws sweeps", &start);
    }
    printf("figure: %lu ms, SIZES_SEED=%lu\n", GetTickCount() - begin, seed0);
done:
    SetEvent(dog.stop);
    if (dog.thread) WaitForSingleObject(dog.thread, INFINITE);
    ok(!dog.fired, "the watchdog had to end %d stalled calls\n", dog.fired);
    CloseHandle(dog.thread);
    CloseHandle(dog.stop);
    DeleteCriticalSection(&dog.cs);
    free(pattern[0]);
    free(pattern[1]);
    free(rbuf);
}
