/* The notification recorder shared by the asynchronous groups. */
#include "notes.h"

#define MAX_NOTES 512

static SRWLOCK notes_lock = SRWLOCK_INIT;
static struct note notes[MAX_NOTES];
static int count;
static HANDLE changed;

void CALLBACK note_callback(HINTERNET h, DWORD_PTR context, DWORD status, void *info, DWORD len)
{
    AcquireSRWLockExclusive(&notes_lock);
    if (count < MAX_NOTES)
    {
        struct note *n = &notes[count++];
        n->handle = h;
        n->status = status;
        n->context = context;
        n->thread = GetCurrentThreadId();
        n->len = len;
        n->info_ptr = info;
        memset(n->info, 0, sizeof(n->info));
        if (info && len) memcpy(n->info, info, len < NOTE_INFO_MAX ? len : NOTE_INFO_MAX);
    }
    if (!changed) changed = CreateEventW(NULL, TRUE, FALSE, NULL);
    SetEvent(changed);
    ReleaseSRWLockExclusive(&notes_lock);
}

void notes_reset(void)
{
    AcquireSRWLockExclusive(&notes_lock);
    count = 0;
    ReleaseSRWLockExclusive(&notes_lock);
}

int notes_count(void)
{
    int n;
    AcquireSRWLockExclusive(&notes_lock);
    n = count;
    ReleaseSRWLockExclusive(&notes_lock);
    return n;
}

BOOL note_get(int i, struct note *n)
{
    BOOL ret = FALSE;
    AcquireSRWLockExclusive(&notes_lock);
    if (i >= 0 && i < count) { *n = notes[i]; ret = TRUE; }
    ReleaseSRWLockExclusive(&notes_lock);
    return ret;
}

int note_wait(HINTERNET h, DWORD status, int from, DWORD timeout)
{
    DWORD start = GetTickCount();
    for (;;)
    {
        int i, found = -1;
        HANDLE ev;
        AcquireSRWLockExclusive(&notes_lock);
        for (i = from; i < count; i++)
            if (notes[i].handle == h && notes[i].status == status) { found = i; break; }
        if (!changed) changed = CreateEventW(NULL, TRUE, FALSE, NULL);
        ev = changed;
        if (found < 0) ResetEvent(ev);
        ReleaseSRWLockExclusive(&notes_lock);
        if (found >= 0) return found;
        if (GetTickCount() - start >= timeout) return -1;
        WaitForSingleObject(ev, 50);
    }
}

static const char *status_name(DWORD s)
{
    switch (s)
    {
#define N(x) case WINHTTP_CALLBACK_STATUS_##x: return #x;
    N(RESOLVING_NAME) N(NAME_RESOLVED) N(CONNECTING_TO_SERVER) N(CONNECTED_TO_SERVER)
    N(SENDING_REQUEST) N(REQUEST_SENT) N(RECEIVING_RESPONSE) N(RESPONSE_RECEIVED)
    N(CLOSING_CONNECTION) N(CONNECTION_CLOSED) N(HANDLE_CREATED) N(HANDLE_CLOSING)
    N(DETECTING_PROXY) N(REDIRECT) N(INTERMEDIATE_RESPONSE) N(SECURE_FAILURE)
    N(HEADERS_AVAILABLE) N(DATA_AVAILABLE) N(READ_COMPLETE) N(WRITE_COMPLETE)
    N(REQUEST_ERROR) N(SENDREQUEST_COMPLETE) N(CLOSE_COMPLETE) N(SHUTDOWN_COMPLETE)
#undef N
    }
    return "?";
}

const char *notes_for(HINTERNET h)
{
    static char buf[2048];
    int i;
    buf[0] = 0;
    AcquireSRWLockExclusive(&notes_lock);
    for (i = 0; i < count; i++)
    {
        if (notes[i].handle != h) continue;
        if (strlen(buf) + 40 >= sizeof(buf)) break;
        if (buf[0]) strcat(buf, ",");
        strcat(buf, status_name(notes[i].status));
    }
    ReleaseSRWLockExclusive(&notes_lock);
    return buf;
}

BOOL notes_are(HINTERNET h, const DWORD *statuses, int n)
{
    int i, k = 0;
    BOOL ret = TRUE;
    AcquireSRWLockExclusive(&notes_lock);
    for (i = 0; i < count && ret; i++)
    {
        if (notes[i].handle != h) continue;
        if (k >= n || notes[i].status != statuses[k]) ret = FALSE;
        k++;
    }
    ReleaseSRWLockExclusive(&notes_lock);
    return ret && k == n;
}

HINTERNET open_async_session(void)
{
    HINTERNET s = WinHttpOpen(L"winhttp-conformance/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                              WINHTTP_NO_PROXY_BYPASS, WINHTTP_FLAG_ASYNC);
    if (s) WinHttpSetStatusCallback(s, note_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    return s;
}

HINTERNET async_ws_connect(struct conn_handles *h, const WCHAR *path, DWORD_PTR context)
{
    return async_ws_connect_ex(h, path, context, FALSE, 0);
}

HINTERNET async_ws_connect_ex(struct conn_handles *h, const WCHAR *path, DWORD_PTR context, BOOL secure,
                              DWORD send_timeout)
{
    HINTERNET ws = NULL;
    int from;

    memset(h, 0, sizeof(*h));
    if (!(h->session = open_async_session())) return NULL;
    if (!(h->connect = WinHttpConnect(h->session, peer_host(), peer_port(secure ? "WSS" : "WS"), 0))) goto fail;
    if (!(h->request = WinHttpOpenRequest(h->connect, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                          WINHTTP_DEFAULT_ACCEPT_TYPES, secure ? WINHTTP_FLAG_SECURE : 0))) goto fail;
    if (!WinHttpSetOption(h->request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0)) goto fail;
    if (send_timeout && !WinHttpSetOption(h->request, WINHTTP_OPTION_SEND_TIMEOUT, &send_timeout, sizeof(send_timeout)))
        goto fail;
    from = notes_count();
    if (!WinHttpSendRequest(h->request, NULL, 0, NULL, 0, 0, 0)) goto fail;
    if (note_wait(h->request, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, from, 10000) < 0) goto fail;
    from = notes_count();
    if (!WinHttpReceiveResponse(h->request, NULL)) goto fail;
    if (note_wait(h->request, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, from, 10000) < 0) goto fail;
    ws = WinHttpWebSocketCompleteUpgrade(h->request, context);
fail:
    if (h->request) WinHttpCloseHandle(h->request);
    h->request = NULL;
    if (!ws) close_handles(h);
    return ws;
}
