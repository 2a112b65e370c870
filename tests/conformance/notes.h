/* Recording status callbacks for the asynchronous groups: every
 * notification is stored (handle, status, context, thread, the first bytes
 * of its information) so a test can check the exact sequence. */
#ifndef CONFORMANCE_NOTES_H
#define CONFORMANCE_NOTES_H

#include "test.h"

#define NOTE_INFO_MAX 64

struct note
{
    HINTERNET handle;
    DWORD status;
    DWORD_PTR context;
    DWORD thread;
    DWORD len;
    const void *info_ptr;
    BYTE info[NOTE_INFO_MAX];
};

/* The callback to pass to WinHttpSetStatusCallback. */
void CALLBACK note_callback(HINTERNET h, DWORD_PTR context, DWORD status, void *info, DWORD len);
void notes_reset(void);
int notes_count(void);
/* A copy of note i (0-based); FALSE if there is none. */
BOOL note_get(int i, struct note *n);
/* Index of the first note at or after `from` for handle h with that status,
 * waiting up to timeout ms; -1 if none came. */
int note_wait(HINTERNET h, DWORD status, int from, DWORD timeout);
/* The statuses recorded for h, as short names ("SENDING_REQUEST,REQUEST_SENT,..."). */
const char *notes_for(HINTERNET h);
/* TRUE if the statuses recorded for h, in order, are exactly those given. */
BOOL notes_are(HINTERNET h, const DWORD *statuses, int count);

/* An asynchronous session with note_callback for all notifications. */
HINTERNET open_async_session(void);
/* Asynchronous upgrade to a WebSocket on PEER_WS_PORT at path, the websocket
 * handle getting `context`; the request handle is closed. NULL on failure. */
HINTERNET async_ws_connect(struct conn_handles *h, const WCHAR *path, DWORD_PTR context);
/* The same on PEER_WSS_PORT when secure, with WINHTTP_OPTION_SEND_TIMEOUT
 * set on the request when send_timeout is not 0. */
HINTERNET async_ws_connect_ex(struct conn_handles *h, const WCHAR *path, DWORD_PTR context, BOOL secure,
                              DWORD send_timeout);

#endif
