/* libFuzzer target: HTTP dates (http_date_parse / http_date_format) and the
 * WebSocket state table (a byte per step), with invariants. */
#include <stdint.h>
#include <string.h>
#include "codec/http_date.h"
#include "codec/ws_state.h"

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

static void check_date(const uint8_t *data, size_t size)
{
    http_date d, e;
    char out[HTTP_DATE_LEN + 1];

    if (http_date_parse((const char *)data, size, &d)) return;
    REQUIRE(d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31 && d.hour >= 0 && d.hour <= 23);
    REQUIRE(d.minute >= 0 && d.minute <= 59 && d.second >= 0 && d.second <= 60 && d.year >= 0 && d.year <= 9999);
    REQUIRE(d.day_of_week == http_date_weekday(d.year, d.month, d.day));
    /* what was parsed formats, and the text parses back to the same date */
    REQUIRE(http_date_format(&d, out) == HTTP_DATE_LEN);
    REQUIRE(!http_date_parse(out, HTTP_DATE_LEN, &e) && !memcmp(&d, &e, sizeof(d)));
}

static void check_states(const uint8_t *data, size_t size)
{
    wss s;
    size_t i;

    wss_init(&s);
    for (i = 0; i < size; i++)
    {
        int before = s.state, what = data[i] % 8;
        unsigned flags;
        if (what < WSS_EV_COUNT)
        {
            wss_event(&s, what);
            /* never back to a state with more allowed */
            REQUIRE(before != WSS_CLOSED || s.state == WSS_CLOSED);
            REQUIRE(before != WSS_ABORTED || s.state == WSS_ABORTED);
            REQUIRE(s.state != WSS_OPEN || before == WSS_OPEN);
        }
        else if (wss_begin(&s, what - WSS_EV_COUNT, (data[i] >> 3) & 1 ? WSS_MSG_TEXT : WSS_MSG_BINARY, (data[i] >> 4) & 1,
                           &flags) == WSS_OK)
        {
            REQUIRE(s.state == before);
            if (data[i] & 0x80) wss_end(&s, what - WSS_EV_COUNT, (data[i] >> 3) & 1 ? WSS_MSG_TEXT : WSS_MSG_BINARY,
                                        (data[i] >> 4) & 1, (data[i] >> 5) & 1);
        }
        REQUIRE(s.state < WSS_STATE_COUNT && s.send_op <= WSS_OP_CLOSE && s.recv_op <= WSS_OP_CLOSE);
        REQUIRE(s.send_msg <= WSS_MSG_BINARY);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    if (data[0] & 1) check_date(data + 1, size - 1);
    else check_states(data + 1, size - 1);
    return 0;
}
