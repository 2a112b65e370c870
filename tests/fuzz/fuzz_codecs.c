/* libFuzzer target for the pure codecs.  The first input byte picks the
 * codec; the rest is its input.  Besides the sanitizers, it checks
 * invariants: incremental and whole-buffer results agree, encode/parse round
 * trips, chunked decoding does not depend on how the input is split. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codec/ws_frame.h"
#include "codec/utf8.h"
#include "codec/http_parse.h"
#include "codec/url_crack.h"
#include "codec/ws_handshake.h"

#define REQUIRE(c) do { if (!(c)) __builtin_trap(); } while (0)

static void fuzz_frames(const uint8_t *d, size_t n)
{
    wsf_msgstate s;
    size_t pos = 0;
    wsf_msgstate_init(&s);
    while (pos < n)
    {
        wsf_header h;
        int rc = wsf_parse_header(d + pos, n - pos, 0, &h), op;
        if (rc <= 0) break;
        REQUIRE((size_t)rc == h.header_len && (size_t)rc <= WSF_MAX_HEADER && (size_t)rc <= n - pos);
        {
            uint8_t again[WSF_MAX_HEADER];
            size_t len = wsf_encode_header(again, h.fin, h.opcode, h.payload_len, h.masked ? h.mask : NULL);
            wsf_header h2;
            REQUIRE(wsf_parse_header(again, len, 0, &h2) == (int)len && h2.payload_len == h.payload_len &&
                    h2.opcode == h.opcode && h2.fin == h.fin);
        }
        if (wsf_msgstate_frame(&s, &h, &op)) break;
        pos += (size_t)rc;
        if (h.payload_len > n - pos) break;
        if (h.opcode == WSF_OP_CLOSE)
        {
            int has;
            uint16_t code;
            const uint8_t *reason;
            size_t rlen;
            if (!wsf_close_parse(d + pos, (size_t)h.payload_len, &has, &code, &reason, &rlen) && has)
                REQUIRE(wsf_close_code_valid(code) && rlen + 2 == h.payload_len);
        }
        if (h.masked && h.payload_len)
        {
            uint8_t *p = malloc((size_t)h.payload_len), *q = malloc((size_t)h.payload_len);
            wsf_mask(p, d + pos, (size_t)h.payload_len, h.mask, 0);
            wsf_mask(q, p, (size_t)h.payload_len, h.mask, 0);
            REQUIRE(!memcmp(q, d + pos, (size_t)h.payload_len));
            free(p);
            free(q);
        }
        pos += (size_t)h.payload_len;
    }
}

static void fuzz_utf8(const uint8_t *d, size_t n)
{
    utf8_validator v;
    size_t i;
    int whole = utf8_valid(d, n), bytewise = 0;
    utf8v_init(&v);
    for (i = 0; i < n && !bytewise; i++) bytewise = utf8v_feed(&v, d + i, 1);
    if (!bytewise) bytewise = utf8v_finish(&v);
    REQUIRE(whole == bytewise);
}

static void fuzz_http(const uint8_t *d, size_t n)
{
    const char *buf = (const char *)d;
    size_t end = http_header_block_end(buf, n), pos = 0;
    http_status_line sl;
    const char *name, *value;
    size_t nlen, vlen;
    uint64_t cl;
    const char *eol = memchr(buf, '\n', n);

    if (eol) http_parse_status_line(buf, (size_t)(eol - buf), &sl);
    if (end)
    {
        REQUIRE(end <= n);
        if (eol) pos = (size_t)(eol - buf) + 1;
        while (pos < end && http_next_header(buf, end, &pos, &name, &nlen, &value, &vlen) == 1)
        {
            REQUIRE(name >= buf && name + nlen <= buf + end && value >= buf && value + vlen <= buf + end);
            http_list_has_token(value, vlen, "upgrade");
            http_parse_content_length(value, vlen, &cl);
        }
    }
    /* chunked: whole vs split in two at every 7th position */
    {
        uint8_t *a = malloc(n + 1), *b = malloc(n + 1);
        http_chunked c1, c2;
        size_t used1 = 0, used2a = 0, used2b = 0, split = n / 2;
        long r1, r2a, r2b = 0;
        memcpy(a, d, n);
        memcpy(b, d, n);
        http_chunked_init(&c1);
        http_chunked_init(&c2);
        r1 = http_chunked_decode(&c1, a, n, &used1);
        r2a = http_chunked_decode(&c2, b, split, &used2a);
        if (r2a >= 0 && !c2.done)
        {
            memmove(b + r2a, b + split, n - split);
            r2b = http_chunked_decode(&c2, b + r2a, n - split, &used2b);
        }
        if (r1 >= 0 && r2a >= 0 && r2b >= 0)
        {
            REQUIRE(r1 == r2a + r2b && !memcmp(a, b, (size_t)r1));
            REQUIRE(c1.done == c2.done);
        }
        if (r1 >= 0) REQUIRE((size_t)r1 <= n && used1 <= n);
        free(a);
        free(b);
    }
}

static void fuzz_url(const uint8_t *d, size_t n)
{
    uint16_t *u = malloc((n / 2 + 1) * sizeof(uint16_t));
    url_parts p;
    size_t i, len = n / 2;
    for (i = 0; i < len; i++) u[i] = (uint16_t)(d[2 * i] | (d[2 * i + 1] << 8));
    if (!url_crack(u, len, &p))
    {
        REQUIRE(p.host.len && p.host.off + p.host.len <= len && p.path.off + p.path.len <= len);
        REQUIRE(p.extra.off + p.extra.len == len && p.port);
    }
    REQUIRE(url_unescape(u, u, len) <= len);
    free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char out[WS_ACCEPT_LEN + 1];
    if (!size) return 0;
    switch (data[0] % 5)
    {
    case 0: fuzz_frames(data + 1, size - 1); break;
    case 1: fuzz_utf8(data + 1, size - 1); break;
    case 2: fuzz_http(data + 1, size - 1); break;
    case 3: fuzz_url(data + 1, size - 1); break;
    case 4: ws_accept_for_key((const char *)data + 1, size - 1, out); REQUIRE(strlen(out) == WS_ACCEPT_LEN); break;
    }
    return 0;
}
