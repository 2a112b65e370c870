/* Host unit tests of the WebSocket state machine (codec/ws_state.c). */
#include <string.h>
#include "check.h"
#include "codec/ws_state.h"

static wss in_state(int state)
{
    wss s;
    wss_init(&s);
    s.state = (uint8_t)state;
    return s;
}

/* every call in every state, with both directions free: allowed or not, and what it must do */
static void test_table(void)
{
    static const struct { int call, state; int ok; unsigned flags; } cells[] =
    {
        { WSS_CALL_SEND, WSS_OPEN, 1, 0 },
        { WSS_CALL_SEND, WSS_SEND_CLOSED, 0, 0 },
        { WSS_CALL_SEND, WSS_RECV_CLOSED, 0, 0 },
        { WSS_CALL_SEND, WSS_CLOSED, 0, 0 },
        { WSS_CALL_SEND, WSS_ABORTED, 0, 0 },
        { WSS_CALL_RECEIVE, WSS_OPEN, 1, 0 },
        { WSS_CALL_RECEIVE, WSS_SEND_CLOSED, 1, 0 },
        { WSS_CALL_RECEIVE, WSS_RECV_CLOSED, 0, 0 },
        { WSS_CALL_RECEIVE, WSS_CLOSED, 0, 0 },
        { WSS_CALL_RECEIVE, WSS_ABORTED, 0, 0 },
        { WSS_CALL_SHUTDOWN, WSS_OPEN, 1, WSS_NEED_SEND },
        { WSS_CALL_SHUTDOWN, WSS_SEND_CLOSED, 0, 0 },
        { WSS_CALL_SHUTDOWN, WSS_RECV_CLOSED, 1, WSS_NEED_SEND },
        { WSS_CALL_SHUTDOWN, WSS_CLOSED, 0, 0 },
        { WSS_CALL_SHUTDOWN, WSS_ABORTED, 0, 0 },
        { WSS_CALL_CLOSE, WSS_OPEN, 1, WSS_NEED_SEND | WSS_NEED_RECEIVE },
        { WSS_CALL_CLOSE, WSS_SEND_CLOSED, 1, WSS_NEED_RECEIVE },
        { WSS_CALL_CLOSE, WSS_RECV_CLOSED, 1, WSS_NEED_SEND },
        { WSS_CALL_CLOSE, WSS_CLOSED, 1, 0 },
        { WSS_CALL_CLOSE, WSS_ABORTED, 0, 0 },
        { WSS_CALL_QUERY_CLOSE, WSS_OPEN, 0, 0 },
        { WSS_CALL_QUERY_CLOSE, WSS_SEND_CLOSED, 0, 0 },
        { WSS_CALL_QUERY_CLOSE, WSS_RECV_CLOSED, 1, 0 },
        { WSS_CALL_QUERY_CLOSE, WSS_CLOSED, 1, 0 },
        { WSS_CALL_QUERY_CLOSE, WSS_ABORTED, 0, 0 },
    };
    size_t i;

    CHECK_EQ(sizeof(cells) / sizeof(cells[0]), WSS_CALL_COUNT * WSS_STATE_COUNT);
    for (i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
    {
        wss s = in_state(cells[i].state);
        unsigned flags = 99;
        enum wss_result r = wss_begin(&s, cells[i].call, WSS_MSG_BINARY, 1, &flags);
        CHECKF(cells[i].ok ? r == WSS_OK : r == WSS_E_STATE, "call %d in %s: result %d", cells[i].call,
               wss_state_name(cells[i].state), r);
        CHECKF(flags == (cells[i].ok ? cells[i].flags : 0u), "call %d in %s: flags %#x", cells[i].call,
               wss_state_name(cells[i].state), flags);
        CHECKF(s.state == cells[i].state, "wss_begin changed the state");
    }
}

/* the next state for every event in every state */
static void test_events(void)
{
    static const uint8_t expect[WSS_EV_COUNT][WSS_STATE_COUNT] =
    {
        [WSS_EV_CLOSE_SENT] = { WSS_SEND_CLOSED, WSS_SEND_CLOSED, WSS_CLOSED, WSS_CLOSED, WSS_ABORTED },
        [WSS_EV_CLOSE_RECEIVED] = { WSS_RECV_CLOSED, WSS_CLOSED, WSS_RECV_CLOSED, WSS_CLOSED, WSS_ABORTED },
        [WSS_EV_FAILED] = { WSS_ABORTED, WSS_ABORTED, WSS_CLOSED, WSS_CLOSED, WSS_ABORTED },
    };
    int ev, st;

    for (ev = 0; ev < WSS_EV_COUNT; ev++)
        for (st = 0; st < WSS_STATE_COUNT; st++)
        {
            wss s = in_state(st);
            wss_event(&s, ev);
            CHECKF(s.state == expect[ev][st], "event %d in %s -> %s", ev, wss_state_name(st), wss_state_name(s.state));
        }
}

/* one operation per direction; Close takes a pending receive over */
static void test_ownership(void)
{
    wss s;
    unsigned f;

    wss_init(&s);
    CHECK_EQ(wss_begin(&s, WSS_CALL_SEND, WSS_MSG_TEXT, 1, &f), WSS_OK);
    CHECK_EQ(wss_begin(&s, WSS_CALL_SEND, WSS_MSG_TEXT, 1, &f), WSS_E_BUSY);
    CHECK_EQ(wss_begin(&s, WSS_CALL_SHUTDOWN, WSS_MSG_NONE, 0, &f), WSS_E_BUSY);
    CHECK_EQ(wss_begin(&s, WSS_CALL_CLOSE, WSS_MSG_NONE, 0, &f), WSS_E_BUSY);
    CHECK_EQ(wss_begin(&s, WSS_CALL_RECEIVE, WSS_MSG_NONE, 0, &f), WSS_OK);  /* full duplex */
    CHECK_EQ(wss_begin(&s, WSS_CALL_RECEIVE, WSS_MSG_NONE, 0, &f), WSS_E_BUSY);
    CHECK_EQ(wss_begin(&s, WSS_CALL_QUERY_CLOSE, WSS_MSG_NONE, 0, &f), WSS_E_STATE);
    wss_end(&s, WSS_CALL_SEND, WSS_MSG_TEXT, 1, 1);
    CHECK_EQ(s.send_op, WSS_OP_NONE);
    CHECK_EQ(s.recv_op, WSS_OP_RECEIVE);

    /* Close with a receive pending: takes the receive side, which must be cancelled */
    CHECK_EQ(wss_begin(&s, WSS_CALL_CLOSE, WSS_MSG_NONE, 0, &f), WSS_OK);
    CHECK_EQ(f, WSS_NEED_SEND | WSS_NEED_RECEIVE | WSS_CANCEL_RECEIVE);
    CHECK_EQ(s.send_op, WSS_OP_CLOSE);
    CHECK_EQ(s.recv_op, WSS_OP_CLOSE);
    /* the cancelled receive's end must not release what Close owns */
    wss_end(&s, WSS_CALL_RECEIVE, WSS_MSG_NONE, 0, 0);
    CHECK_EQ(s.recv_op, WSS_OP_CLOSE);
    CHECK_EQ(wss_begin(&s, WSS_CALL_CLOSE, WSS_MSG_NONE, 0, &f), WSS_E_BUSY);
    CHECK_EQ(wss_begin(&s, WSS_CALL_RECEIVE, WSS_MSG_NONE, 0, &f), WSS_E_BUSY);
    wss_event(&s, WSS_EV_CLOSE_SENT);
    CHECK_EQ(s.state, WSS_SEND_CLOSED);
    /* a second Close while the first still waits for the server's close frame */
    CHECK_EQ(wss_begin(&s, WSS_CALL_CLOSE, WSS_MSG_NONE, 0, &f), WSS_E_BUSY);
    wss_event(&s, WSS_EV_CLOSE_RECEIVED);
    wss_end(&s, WSS_CALL_CLOSE, WSS_MSG_NONE, 0, 1);
    CHECK_EQ(s.state, WSS_CLOSED);
    CHECK_EQ(s.send_op, WSS_OP_NONE);
    CHECK_EQ(s.recv_op, WSS_OP_NONE);
    CHECK_EQ(wss_begin(&s, WSS_CALL_QUERY_CLOSE, WSS_MSG_NONE, 0, &f), WSS_OK);
    CHECK_EQ(wss_begin(&s, WSS_CALL_CLOSE, WSS_MSG_NONE, 0, &f), WSS_OK);
    CHECK_EQ(f, 0u);

    /* Shutdown then Close: Close only waits */
    wss_init(&s);
    CHECK_EQ(wss_begin(&s, WSS_CALL_SHUTDOWN, WSS_MSG_NONE, 0, &f), WSS_OK);
    CHECK_EQ(s.recv_op, WSS_OP_NONE);
    wss_event(&s, WSS_EV_CLOSE_SENT);
    wss_end(&s, WSS_CALL_SHUTDOWN, WSS_MSG_NONE, 0, 1);
    CHECK_EQ(wss_begin(&s, WSS_CALL_CLOSE, WSS_MSG_NONE, 0, &f), WSS_OK);
    CHECK_EQ(f, WSS_NEED_RECEIVE);
    CHECK_EQ(s.send_op, WSS_OP_NONE);
}

/* fragments of one message keep its type; a finished message frees it */
static void test_fragments(void)
{
    wss s;

    wss_init(&s);
    CHECK_EQ(wss_begin(&s, WSS_CALL_SEND, WSS_MSG_BINARY, 0, NULL), WSS_OK);
    wss_end(&s, WSS_CALL_SEND, WSS_MSG_BINARY, 0, 1);
    CHECK_EQ(s.send_msg, WSS_MSG_BINARY);
    CHECK_EQ(wss_begin(&s, WSS_CALL_SEND, WSS_MSG_TEXT, 1, NULL), WSS_E_MSG_TYPE);
    CHECK_EQ(s.send_op, WSS_OP_NONE);
    CHECK_EQ(wss_begin(&s, WSS_CALL_SEND, WSS_MSG_BINARY, 1, NULL), WSS_OK);
    wss_end(&s, WSS_CALL_SEND, WSS_MSG_BINARY, 1, 0);  /* failed: the message stays open */
    CHECK_EQ(s.send_msg, WSS_MSG_BINARY);
    CHECK_EQ(wss_begin(&s, WSS_CALL_SEND, WSS_MSG_BINARY, 1, NULL), WSS_OK);
    wss_end(&s, WSS_CALL_SEND, WSS_MSG_BINARY, 1, 1);
    CHECK_EQ(s.send_msg, WSS_MSG_NONE);
    CHECK_EQ(wss_begin(&s, WSS_CALL_SEND, WSS_MSG_TEXT, 1, NULL), WSS_OK);
}

/* a random walk: the state only ever moves forward, ops are released, the
 * allowed calls match wss_can_send / wss_can_receive */
static void test_random_walk(void)
{
    uint32_t seed = 12345;
    int i;

    for (i = 0; i < 20000; i++)
    {
        static wss s;
        unsigned f;
        int before, what;
        if (i % 40 == 0) wss_init(&s);
        seed = seed * 1103515245u + 12345u;
        what = (int)((seed >> 16) % 8);
        before = s.state;
        if (what < WSS_EV_COUNT)
        {
            wss_event(&s, what);
            CHECKF(s.state >= before || (before == WSS_ABORTED && s.state == WSS_ABORTED) || s.state == WSS_ABORTED,
                   "moved back from %s to %s", wss_state_name(before), wss_state_name(s.state));
        }
        else
        {
            int call = what - WSS_EV_COUNT;
            if (wss_begin(&s, call, WSS_MSG_BINARY, 1, &f) == WSS_OK)
            {
                if (call == WSS_CALL_SEND) CHECK(wss_can_send(&s));
                if (call == WSS_CALL_RECEIVE) CHECK(wss_can_receive(&s));
                wss_end(&s, call, WSS_MSG_BINARY, 1, 1);
                CHECKF(s.send_op == WSS_OP_NONE && s.recv_op == WSS_OP_NONE, "op left owned after end");
            }
            CHECK_EQ(s.state, before);
        }
    }
}

void test_ws_state(void)
{
    test_table();
    test_events();
    test_ownership();
    test_fragments();
    test_random_walk();
}
