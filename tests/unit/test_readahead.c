/* The transport's TLS read-ahead (dlls/winhttp/transport/readahead.c)
 * against a real non-blocking socket pair: whatever the split of the
 * writes and of the pulls, the bytes come out once each, in order; EAGAIN
 * only when nothing is buffered and the socket has nothing; 0 at the end;
 * no buffer kept while empty. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "../../dlls/winhttp/transport/readahead.h"

static uint32_t rnd_state = 12345;
static uint32_t rnd(uint32_t n)  /* 0 .. n-1 */
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

static unsigned char byte_at(size_t i) { return (unsigned char)(i * 131 + (i >> 9)); }

/* a pull size: often the boundaries, else random */
static size_t pull_size(void)
{
    static const size_t edge[] = { 1, 2, 5, 125, 126, 4096, READAHEAD_SIZE - 1, READAHEAD_SIZE,
                                   READAHEAD_SIZE + 1, 65535, 65536, 65537 };
    if (rnd(3) == 0) return edge[rnd(sizeof(edge) / sizeof(edge[0]))];
    return 1 + rnd(rnd(2) ? 64 : 20000);
}

static void run_stream(size_t total, int split_writes)
{
    int sv[2];
    size_t written = 0, read_pos = 0;
    struct readahead ra = { 0 };
    unsigned char *out = malloc(70000), *in = malloc(70000);
    int bad = 0, eagain_wrong = 0, eof = 0;

    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    if (!total) shutdown(sv[1], SHUT_WR);
    while (!eof)
    {
        /* write a little more (as a peer would, in pieces) */
        if (written < total && rnd(2))
        {
            size_t n = split_writes ? 1 + rnd(split_writes) : total - written, i;
            ssize_t w;
            if (n > total - written) n = total - written;
            if (n > 70000) n = 70000;
            for (i = 0; i < n; i++) out[i] = byte_at(written + i);
            w = write(sv[1], out, n);
            if (w > 0) written += (size_t)w;
            if (written == total) shutdown(sv[1], SHUT_WR);
        }
        else
        {
            size_t want = pull_size(), i;
            uint32_t before = readahead_pending(&ra);
            ssize_t n = readahead_pull(sv[0], &ra, in, want);
            if (n < 0)
            {
                /* EAGAIN only with nothing buffered and nothing unread on the socket */
                if (errno != EAGAIN || before || read_pos != written) eagain_wrong++;
                continue;
            }
            if (n == 0) { eof = 1; break; }
            if ((size_t)n > want) bad++;
            for (i = 0; i < (size_t)n; i++)
                if (in[i] != byte_at(read_pos + i)) { bad++; break; }
            read_pos += (size_t)n;
            if (!readahead_pending(&ra) && ra.buf) bad++;  /* nothing kept while empty */
        }
    }
    CHECKF(!bad, "%zu bytes (writes of up to %d): %d wrong pulls", total, split_writes, bad);
    CHECKF(!eagain_wrong, "%zu bytes: %d EAGAIN with bytes available", total, eagain_wrong);
    CHECK_EQ(read_pos, total);
    CHECK_EQ(readahead_pending(&ra), 0);
    CHECK(ra.buf == NULL);
    readahead_free(&ra);
    close(sv[0]);
    close(sv[1]);
    free(out);
    free(in);
}

void test_readahead(void)
{
    static const size_t totals[] = { 0, 1, 5, 125, 126, 65535, 65536, 65537, READAHEAD_SIZE - 1,
                                     READAHEAD_SIZE, READAHEAD_SIZE + 1, 1000003 };
    static const int splits[] = { 0, 1, 7, 300, 40000 };
    size_t t, s;
    int sv[2];
    struct readahead ra = { 0 };
    unsigned char b[8];

    for (t = 0; t < sizeof(totals) / sizeof(totals[0]); t++)
        for (s = 0; s < sizeof(splits) / sizeof(splits[0]); s++) run_stream(totals[t], splits[s]);

    /* a pull of 0 bytes reads nothing; a short socket gives what it has */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    CHECK_EQ(write(sv[1], "abcdefgh", 8), 8);
    CHECK_EQ(readahead_pull(sv[0], &ra, b, 0), 0);
    CHECK_EQ(readahead_pull(sv[0], &ra, b, 5), 5);
    CHECK(!memcmp(b, "abcde", 5));
    CHECK_EQ(readahead_pending(&ra), 3);
    CHECK_EQ(readahead_pull(sv[0], &ra, b, 8), 3);  /* the rest of the buffer, no recv */
    CHECK(!memcmp(b, "fgh", 3));
    CHECK(readahead_pull(sv[0], &ra, b, 8) < 0 && errno == EAGAIN);
    close(sv[1]);
    CHECK_EQ(readahead_pull(sv[0], &ra, b, 8), 0);
    close(sv[0]);
    readahead_free(&ra);
}
