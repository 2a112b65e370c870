/*
 * The websocket object, shared by websocket.c (API entry points, handle,
 * asynchronous completions) and ws_engine.c (frames on the wire).
 *
 * Locks, always taken in this order when more than one is held:
 *   recv_cs     the receive engine (frame parsing, the read-ahead buffer);
 *               held while a synchronous receive waits for the network
 *   send_cs     the outgoing byte stream: one frame at a time
 *   state_lock  the state machine (codec/ws_state.h) and what it guards:
 *               the close status, the failure error, the queued pong.
 *               Held only for a few instructions, never across I/O.
 * The receive side never waits for send_cs: a pong it owes is queued and
 * written between two frames by whichever thread holds send_cs next (a
 * writer leaves send_cs through ws_leave_send, which writes it).
 */
#ifndef WINHTTP_WEBSOCKET_H
#define WINHTTP_WEBSOCKET_H

#include "private.h"
#include "codec/ws_frame.h"
#include "codec/ws_state.h"
#include "codec/utf8.h"

#define WS_SCRATCH_SIZE 4096
#define WS_SMALL_FRAME  128

/* deadlines for the receive engine: an absolute GetTickCount64 value, or */
#define WS_WAIT_FOREVER ((ULONGLONG)-1)
#define WS_NO_WAIT      ((ULONGLONG)-2)

/* What a frame written in asynchronous mode completes once it is out. */
enum ws_out_kind { WS_OUT_CONTROL, WS_OUT_SEND, WS_OUT_SHUTDOWN, WS_OUT_CLOSE };

/* A frame to write in asynchronous mode, and what to report when it is out. */
struct ws_frame_req
{
    enum ws_out_kind kind;
    int opcode;
    BOOL fin;
    const BYTE *data;                 /* WS_OUT_SEND: the application's buffer */
    DWORD len;
    BYTE ctl[WSF_MAX_CONTROL_PAYLOAD]; /* the payload of the other kinds */
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;  /* WS_OUT_SEND */
    enum wss_msg msg;                     /* WS_OUT_SEND */
    unsigned flags;                       /* WS_OUT_CLOSE: what wss_begin said */
};

/* The frame being written (guarded by send_cs).  Synchronous mode writes it
 * whole; asynchronous mode writes what the connection takes and, when that
 * is not everything, leaves it busy until the connection is writable. */
struct ws_out
{
    BYTE head[WSF_MAX_HEADER];
    DWORD hlen, hdone;                /* header bytes, and how many are out */
    const BYTE *data;
    DWORD len, masked;                /* payload bytes, and how many were masked */
    BYTE mask[4];
    BYTE *chunk, *spare;              /* masked bytes: chunk[chunk_pos..chunk_len) still to write */
    BYTE small[WS_SMALL_FRAME];       /* the chunk of frames up to this size */
    DWORD chunk_size, chunk_pos, chunk_len;
    BYTE ctl[WSF_MAX_CONTROL_PAYLOAD];
    ULONGLONG deadline;               /* the send timeout covers the whole frame */
    /* asynchronous mode */
    BOOL busy;                        /* partly written: goes on when writable */
    DWORD seq;                        /* the write watch's poller token */
    volatile LONG expire_queued;
    struct ws_frame_req req;          /* what completes when it is out */
    BOOL next_set;                    /* an application's frame waits for this one */
    struct ws_frame_req next;
};

struct websocket
{
    struct object hdr;
    struct netconn *conn;
    BOOL async;
    DWORD send_timeout, close_timeout, keepalive;
    DWORD recv_buffer_size, send_buffer_size;

    SRWLOCK state_lock;
    wss st;
    DWORD fail_error;                 /* why the state became WSS_ABORTED */
    USHORT close_status;              /* the server's close frame */
    BYTE close_reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH];
    DWORD close_reason_len;
    volatile LONG pong_pending;       /* a pong is owed (payload below) */
    BYTE pong[WSF_MAX_CONTROL_PAYLOAD];
    DWORD pong_len;
    /* a synchronous Close waits for the receive engine (under state_lock;
     * a condition variable, not an event: no wineserver call per Close) */
    CONDITION_VARIABLE close_cv;
    BOOL close_waiting;               /* a Close waits on close_cv */
    volatile LONG close_wakes;        /* counts wakes, so none is lost */
    volatile LONG finished;           /* the TCP connection was shut down */

    CRITICAL_SECTION send_cs;
    BYTE *mask_buf;
    DWORD mask_buf_size;
    struct ws_out out;

    CRITICAL_SECTION recv_cs;
    BOOL in_frame;                    /* in a data frame's payload */
    ULONGLONG frame_remaining;
    BOOL frame_fin;
    int frame_msg_opcode;             /* WSF_OP_TEXT / WSF_OP_BINARY */
    wsf_msgstate msg;
    utf8_validator utf8;
    BYTE *scratch;                    /* data discarded while closing */

    /* asynchronous mode: the pending receive, or the receiving half of an
     * asynchronous Close (guarded by recv_cs) */
    BOOL rop_pending, rop_close;
    DWORD rop_seq;                    /* matches the poller token */
    BYTE *rop_buf;
    DWORD rop_len, rop_done;
    ULONGLONG close_deadline;
    volatile LONG rop_deadline_queued;

    /* timers */
    BOOL timers;                      /* registered with timers_add */
    volatile ULONGLONG last_send;     /* GetTickCount64 of the last frame sent */
    volatile LONG ping_queued;
};

/* ws_engine.c: sending (caller holds send_cs unless said otherwise).  In
 * asynchronous mode nothing waits: ERROR_IO_PENDING means the rest of the
 * frame goes out when the connection is writable; for an application's
 * call (ws_send_user, ws_send_close) ws_out_done then reports it. */
DWORD ws_send_frame(struct websocket *ws, int opcode, BOOL fin, const BYTE *data, DWORD len);
DWORD ws_send_user(struct websocket *ws, const struct ws_frame_req *req);
DWORD ws_send_close(struct websocket *ws, enum ws_out_kind kind, unsigned flags, USHORT status,
                    const void *reason, DWORD len);
void ws_leave_send(struct websocket *ws);          /* leaves send_cs, writing a pong owed */
/* asynchronous mode, without send_cs: the write watch seq fired; the send
 * deadline passed; the handle closes.  Each reports what ends through
 * ws_out_done (websocket.c) and returns how many ended. */
int ws_out_resume(struct websocket *ws, DWORD seq);
int ws_out_expire(struct websocket *ws, ULONGLONG now);
int ws_out_cancel(struct websocket *ws);
void ws_out_done(struct websocket *ws, const struct ws_frame_req *req, DWORD err);
DWORD ws_next_seq(void);                           /* a poller token's sequence number, never 0 */

/* ws_engine.c: receiving (caller holds recv_cs) */
DWORD ws_receive(struct websocket *ws, BYTE *buf, DWORD len, DWORD *done, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type,
                 ULONGLONG deadline);
DWORD ws_drain(struct websocket *ws, ULONGLONG wait_until, ULONGLONG give_up_at);
DWORD ws_close_outcome(struct websocket *ws);

/* ws_engine.c: state */
void ws_fail(struct websocket *ws, DWORD err);
void ws_finish(struct websocket *ws);              /* shut the connection down once */
BOOL ws_state_is(struct websocket *ws, enum wss_state state);

#endif
