/* The WebSocket handle's state machine: see include/codec/ws_state.h. */
#include "codec/ws_state.h"

#include <stddef.h>

/* Which calls each state allows, and what they must do there.
 *
 *                  OPEN          SEND_CLOSED   RECV_CLOSED   CLOSED   ABORTED
 *   Send           yes           no            no            no       no
 *   Receive        yes           yes           no            no       no
 *   Shutdown       send close    no            send close    no       no
 *   Close          send close,   await close   send close    done     no
 *                  await close
 *   QueryClose     no            no            yes           yes      no
 *
 * "no" is ERROR_INVALID_OPERATION.  Send after the server's close frame is
 * refused: the server will read nothing more.  Receive after it is refused:
 * nothing more will come.  Close after Shutdown only waits for the server's
 * close frame, and Close once both close frames are exchanged completes at
 * once (Windows-verified: Shutdown, the server's close, then Close succeeds). */
#define NO 0
#define YES 0x80
static const uint8_t rules[WSS_CALL_COUNT][WSS_STATE_COUNT] =
{
    /*                     OPEN                                 SEND_CLOSED             RECV_CLOSED         CLOSED ABORTED */
    [WSS_CALL_SEND]        = { YES,                             NO,                     NO,                 NO,  NO },
    [WSS_CALL_RECEIVE]     = { YES,                             YES,                    NO,                 NO,  NO },
    [WSS_CALL_SHUTDOWN]    = { YES | WSS_NEED_SEND,             NO,                     YES | WSS_NEED_SEND, NO, NO },
    [WSS_CALL_CLOSE]       = { YES | WSS_NEED_SEND | WSS_NEED_RECEIVE, YES | WSS_NEED_RECEIVE, YES | WSS_NEED_SEND, YES, NO },
    [WSS_CALL_QUERY_CLOSE] = { NO,                              NO,                     YES,                YES, NO },
};

/* Next state for each wire event.  A failure after the server's close frame
 * arrived ends nothing the application still waits for: the close status
 * stays readable (CLOSED).  Once CLOSED or ABORTED, nothing changes. */
static const uint8_t next_state[WSS_EV_COUNT][WSS_STATE_COUNT] =
{
    /*                        OPEN             SEND_CLOSED  RECV_CLOSED  CLOSED      ABORTED */
    [WSS_EV_CLOSE_SENT]     = { WSS_SEND_CLOSED, WSS_SEND_CLOSED, WSS_CLOSED, WSS_CLOSED, WSS_ABORTED },
    [WSS_EV_CLOSE_RECEIVED] = { WSS_RECV_CLOSED, WSS_CLOSED, WSS_RECV_CLOSED, WSS_CLOSED, WSS_ABORTED },
    [WSS_EV_FAILED]         = { WSS_ABORTED, WSS_ABORTED, WSS_CLOSED, WSS_CLOSED, WSS_ABORTED },
};

void wss_init(wss *s)
{
    s->state = WSS_OPEN;
    s->send_op = s->recv_op = WSS_OP_NONE;
    s->send_msg = WSS_MSG_NONE;
}

static const uint8_t call_op[WSS_CALL_COUNT] =
{
    [WSS_CALL_SEND] = WSS_OP_SEND, [WSS_CALL_RECEIVE] = WSS_OP_RECEIVE,
    [WSS_CALL_SHUTDOWN] = WSS_OP_SHUTDOWN, [WSS_CALL_CLOSE] = WSS_OP_CLOSE,
    [WSS_CALL_QUERY_CLOSE] = WSS_OP_NONE,
};

enum wss_result wss_begin(wss *s, enum wss_call call, enum wss_msg msg, int fin, unsigned *flags)
{
    uint8_t rule, op = call_op[call];
    unsigned f;

    (void)fin;
    if (flags) *flags = 0;
    if ((unsigned)call >= WSS_CALL_COUNT || s->state >= WSS_STATE_COUNT) return WSS_E_STATE;
    rule = rules[call][s->state];
    if (!(rule & YES)) return WSS_E_STATE;
    f = rule & (WSS_NEED_SEND | WSS_NEED_RECEIVE);

    /* the directions it needs must be free; Close takes over a pending
     * receive (which ends cancelled), never another Close */
    if (call == WSS_CALL_SEND || call == WSS_CALL_RECEIVE) f |= call == WSS_CALL_SEND ? WSS_NEED_SEND : WSS_NEED_RECEIVE;
    if ((f & WSS_NEED_SEND) && s->send_op != WSS_OP_NONE) return WSS_E_BUSY;
    if (f & WSS_NEED_RECEIVE)
    {
        if (s->recv_op == WSS_OP_CLOSE) return WSS_E_BUSY;
        if (s->recv_op == WSS_OP_RECEIVE)
        {
            if (call != WSS_CALL_CLOSE) return WSS_E_BUSY;
            f |= WSS_CANCEL_RECEIVE;
        }
    }
    if (call == WSS_CALL_SEND && s->send_msg != WSS_MSG_NONE && s->send_msg != msg) return WSS_E_MSG_TYPE;

    if (f & WSS_NEED_SEND) s->send_op = op;
    if (f & WSS_NEED_RECEIVE) s->recv_op = op;
    if (call == WSS_CALL_SEND || call == WSS_CALL_RECEIVE) f &= ~(unsigned)(WSS_NEED_SEND | WSS_NEED_RECEIVE);
    if (flags) *flags = f;
    return WSS_OK;
}

void wss_end(wss *s, enum wss_call call, enum wss_msg msg, int fin, int ok)
{
    uint8_t op = call_op[call];

    if (op == WSS_OP_NONE) return;
    if (s->send_op == op) s->send_op = WSS_OP_NONE;
    if (s->recv_op == op) s->recv_op = WSS_OP_NONE;
    if (call == WSS_CALL_SEND && ok) s->send_msg = fin ? WSS_MSG_NONE : msg;
}

void wss_event(wss *s, enum wss_event ev)
{
    if ((unsigned)ev >= WSS_EV_COUNT || s->state >= WSS_STATE_COUNT) return;
    s->state = next_state[ev][s->state];
}

int wss_can_receive(const wss *s)
{
    return s->state == WSS_OPEN || s->state == WSS_SEND_CLOSED;
}

int wss_can_send(const wss *s)
{
    return s->state == WSS_OPEN || s->state == WSS_RECV_CLOSED;
}

const char *wss_state_name(int state)
{
    static const char *const names[WSS_STATE_COUNT] = { "open", "send-closed", "receive-closed", "closed", "aborted" };
    return state >= 0 && state < WSS_STATE_COUNT ? names[state] : "?";
}
