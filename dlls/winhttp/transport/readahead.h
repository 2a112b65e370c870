/*
 * Read-ahead for GnuTLS's pull function (POSIX only, no GnuTLS, no Wine:
 * host unit tests build it as is).
 *
 * GnuTLS reads a record as two reads, its 5-byte header and then its body,
 * each a recv() of its own.  Through this buffer one recv() brings whatever
 * the socket holds (several records, or a header and its body) and the
 * following pulls are served from memory: a round trip of small records
 * costs one recv() instead of two, a burst of records fewer still.
 *
 * The buffer exists only while it holds bytes (an idle connection keeps
 * none).  A pull that finds it empty reads with readv() into the caller's
 * buffer first and the read-ahead after it, so bytes the caller asked for
 * are not copied twice.  The socket is non-blocking: when nothing is
 * buffered and the socket has nothing, the pull fails with EAGAIN -- so a
 * caller that got EAGAIN knows the buffer is empty and that waiting for the
 * socket to become readable is right; anyone else who waits for
 * readability must first ask readahead_pending().
 */
#ifndef WHNET_READAHEAD_H
#define WHNET_READAHEAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define READAHEAD_SIZE (32 * 1024)

struct readahead
{
    unsigned char *buf;   /* NULL while empty */
    uint32_t off, len;    /* unread bytes: buf[off .. off + len) */
};

/* Up to size bytes from the read-ahead or the socket: > 0 bytes, 0 at end
 * of stream, -1 with errno (EAGAIN: nothing there yet). */
ssize_t readahead_pull(int fd, struct readahead *ra, void *data, size_t size);
/* bytes read from the socket and not yet pulled */
static inline uint32_t readahead_pending(const struct readahead *ra) { return ra->len; }
void readahead_free(struct readahead *ra);

#endif
