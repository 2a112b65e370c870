/* The WebSocket handle's state machine, pure C11, no OS headers.
 *
 * One struct per websocket, changed only through the three calls below,
 * under the websocket's state lock.  The connection state follows RFC 6455's
 * close handshake; two slots record which API operation owns each direction
 * (one send-side and one receive-side operation may be outstanding at once,
 * full duplex, as on Windows); a third field tracks an open fragmented
 * message on the send side.  The rules are one table in ws_state.c, written
 * to be read against Microsoft's WinHttpWebSocket* pages. */
#ifndef CODEC_WS_STATE_H
#define CODEC_WS_STATE_H

#include <stdint.h>

enum wss_state
{
    WSS_OPEN,          /* data may flow both ways */
    WSS_SEND_CLOSED,   /* our close frame is out (Shutdown or Close); the server's is awaited */
    WSS_RECV_CLOSED,   /* the server's close frame arrived; ours is not sent yet */
    WSS_CLOSED,        /* both close frames exchanged */
    WSS_ABORTED,       /* the connection failed: protocol error, I/O error, timeout */
    WSS_STATE_COUNT
};

/* API calls that need the state's consent before they start. */
enum wss_call
{
    WSS_CALL_SEND,        /* WinHttpWebSocketSend */
    WSS_CALL_RECEIVE,     /* WinHttpWebSocketReceive */
    WSS_CALL_SHUTDOWN,    /* WinHttpWebSocketShutdown */
    WSS_CALL_CLOSE,       /* WinHttpWebSocketClose */
    WSS_CALL_QUERY_CLOSE, /* WinHttpWebSocketQueryCloseStatus */
    WSS_CALL_COUNT
};

/* What happened on the wire. */
enum wss_event
{
    WSS_EV_CLOSE_SENT,      /* our close frame was written */
    WSS_EV_CLOSE_RECEIVED,  /* a valid close frame arrived */
    WSS_EV_FAILED,          /* the connection cannot be used any more */
    WSS_EV_COUNT
};

/* Results of wss_begin (the DLL maps them to Win32 errors). */
enum wss_result
{
    WSS_OK = 0,
    WSS_E_STATE,     /* not allowed in this state: ERROR_INVALID_OPERATION */
    WSS_E_BUSY,      /* that direction already has an operation: ERROR_INVALID_OPERATION */
    WSS_E_MSG_TYPE,  /* fragment of the other type inside an open message: ERROR_INVALID_PARAMETER */
};

/* Which operation owns a direction. */
enum wss_op { WSS_OP_NONE, WSS_OP_SEND, WSS_OP_RECEIVE, WSS_OP_SHUTDOWN, WSS_OP_CLOSE };

/* Send-side message framing: no message open, or the type of the open one. */
enum wss_msg { WSS_MSG_NONE, WSS_MSG_TEXT, WSS_MSG_BINARY };

/* wss_begin flags */
#define WSS_CANCEL_RECEIVE 0x1  /* Close: the pending receive must end (cancelled) first */
#define WSS_NEED_SEND      0x2  /* Close/Shutdown: a close frame must be written */
#define WSS_NEED_RECEIVE   0x4  /* Close: the server's close frame must be awaited */

typedef struct wss
{
    uint8_t state;     /* enum wss_state */
    uint8_t send_op;   /* enum wss_op owning the send side */
    uint8_t recv_op;   /* enum wss_op owning the receive side */
    uint8_t send_msg;  /* enum wss_msg */
} wss;

void wss_init(wss *s);

/* May `call` start now?  For WSS_CALL_SEND, msg is the buffer's type
 * (WSS_MSG_TEXT/BINARY) and fin whether it ends the message.  On WSS_OK the
 * call owns the direction(s) it needs until wss_end, and *flags (may be NULL)
 * says what it has to do (WSS_* flags above).  Close on a socket whose
 * receive side is owned by a pending receive takes it over: the caller ends
 * that receive as cancelled (WSS_CANCEL_RECEIVE). */
enum wss_result wss_begin(wss *s, enum wss_call call, enum wss_msg msg, int fin, unsigned *flags);

/* The operation started by wss_begin is over (ok: it succeeded).  Releases
 * the directions it owned; a successful Send updates the open message. */
void wss_end(wss *s, enum wss_call call, enum wss_msg msg, int fin, int ok);

/* A wire event: moves the state (WSS_EV_FAILED wins over everything but
 * WSS_CLOSED). */
void wss_event(wss *s, enum wss_event ev);

/* Is the state one where no more frames will be read / written? */
int wss_can_receive(const wss *s);
int wss_can_send(const wss *s);

const char *wss_state_name(int state);

#endif
