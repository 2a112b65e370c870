/*
 * whnet.so: name resolution that a caller can stop waiting for.
 *
 * getaddrinfo cannot be interrupted, so a name (never an address literal,
 * which resolves at once on the caller's thread) is looked up on a short
 * lived detached thread of its own.  The caller waits on one descriptor, a
 * timerfd: armed for the resolve deadline, and set to expire at once by the
 * thread when the lookup ends.  So a blocking wait (wait_fd, cancellable by
 * the connection's waiter eventfds) and the asynchronous poller (epoll on
 * the same descriptor) both see "done or timed out" as one readable fd,
 * and a caller that gives up (timeout, cancel, close) just lets go of the
 * job: the thread finishes alone and frees what is left.
 *
 * Why a thread and not glibc's getaddrinfo_a: getaddrinfo_a's completion
 * either raises a signal or runs a SIGEV_THREAD callback on a thread glibc
 * makes anyway, and gai_cancel cannot stop a lookup already running; a
 * thread of ours costs the same and keeps the code plain.
 *
 * TEST HOOK (tests only, never needed in use): when the environment
 * variable WHNET_TEST_RESOLVE_DELAY_MS is set, a name ending in ".slow.test"
 * is looked up after that many milliseconds on the resolver thread, as the
 * name without the suffix ("localhost.slow.test" -> "localhost").  This is
 * how the conformance group "resolve" makes a slow lookup on loopback.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "resolve.h"

#define ERROR_SUCCESS                   0
#define ERROR_IO_PENDING                997
#define ERROR_WINHTTP_NAME_NOT_RESOLVED 12007

#define SLOW_SUFFIX ".slow.test"

struct resolve_job
{
    pthread_mutex_t lock;
    int refs;                 /* the caller and the thread */
    int done;
    int fd;                   /* timerfd; closed by the caller's release */
    uint32_t error;
    struct addrinfo *res;
    char port[8];
    char host[];
};

static int lookup(const char *host, const char *port, int flags, struct addrinfo **out)
{
    struct addrinfo hints;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV | flags;
    *out = NULL;
    if (!getaddrinfo(host, port, &hints, out) && *out) return 0;
    if (*out) freeaddrinfo(*out);
    *out = NULL;
    return -1;
}

int resolve_numeric(const char *host, uint32_t port_num, struct addrinfo **out)
{
    char port[8];

    *out = NULL;
    if (!host || !*host || !port_num || port_num > 65535) return -1;
    snprintf(port, sizeof(port), "%u", port_num);
    return lookup(host, port, AI_NUMERICHOST, out) ? 1 : 0;
}

static void job_unref(struct resolve_job *job)
{
    int last;

    pthread_mutex_lock(&job->lock);
    last = !--job->refs;
    pthread_mutex_unlock(&job->lock);
    if (!last) return;
    if (job->res) freeaddrinfo(job->res);
    pthread_mutex_destroy(&job->lock);
    free(job);
}

/* (TEST HOOK, see the top) the name to look up, after the delay if any */
static const char *test_delay(struct resolve_job *job)
{
    const char *env = getenv("WHNET_TEST_RESOLVE_DELAY_MS");
    size_t len = strlen(job->host), slen = strlen(SLOW_SUFFIX);
    struct timespec ts;
    long ms;

    if (!env || len <= slen || strcasecmp(job->host + len - slen, SLOW_SUFFIX)) return job->host;
    ms = strtol(env, NULL, 10);
    if (ms > 0)
    {
        ts.tv_sec = ms / 1000;
        ts.tv_nsec = (ms % 1000) * 1000000L;
        while (nanosleep(&ts, &ts) && errno == EINTR) {}
    }
    job->host[len - slen] = 0;
    return job->host;
}

static void *resolve_thread(void *arg)
{
    struct resolve_job *job = arg;
    struct addrinfo *res = NULL;
    const char *host = test_delay(job);
    int failed;

    /* AI_ADDRCONFIG hides everything on loopback-only hosts; then without it */
    if ((failed = lookup(host, job->port, AI_ADDRCONFIG, &res))) failed = lookup(host, job->port, 0, &res);
    pthread_mutex_lock(&job->lock);
    job->res = res;
    job->error = failed ? ERROR_WINHTTP_NAME_NOT_RESOLVED : ERROR_SUCCESS;
    job->done = 1;
    if (job->fd >= 0)
    {
        struct itimerspec now = { { 0, 0 }, { 0, 1 } };  /* expires at once: readable */
        timerfd_settime(job->fd, 0, &now, NULL);
    }
    pthread_mutex_unlock(&job->lock);
    job_unref(job);
    return NULL;
}

struct resolve_job *resolve_start(const char *host, uint32_t port, int64_t deadline_ms, int *fd)
{
    size_t len = strlen(host);
    struct resolve_job *job;
    pthread_attr_t attr;
    pthread_t thread;
    int err;

    *fd = -1;
    if (!(job = calloc(1, sizeof(*job) + len + 1))) return NULL;
    memcpy(job->host, host, len + 1);
    snprintf(job->port, sizeof(job->port), "%u", port);
    pthread_mutex_init(&job->lock, NULL);
    job->refs = 2;
    if ((job->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0) goto fail;
    if (deadline_ms >= 0)
    {
        struct itimerspec at = { { 0, 0 }, { deadline_ms / 1000, (deadline_ms % 1000) * 1000000L } };
        if (!at.it_value.tv_sec && !at.it_value.tv_nsec) at.it_value.tv_nsec = 1;  /* 0 would disarm */
        if (timerfd_settime(job->fd, TFD_TIMER_ABSTIME, &at, NULL)) goto fail;
    }
    if (pthread_attr_init(&attr)) goto fail;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    err = pthread_create(&thread, &attr, resolve_thread, job);
    pthread_attr_destroy(&attr);
    if (err) goto fail;
    *fd = job->fd;
    return job;
fail:
    if (job->fd >= 0) close(job->fd);
    pthread_mutex_destroy(&job->lock);
    free(job);
    return NULL;
}

uint32_t resolve_result(struct resolve_job *job, struct addrinfo **out)
{
    uint32_t ret;

    *out = NULL;
    pthread_mutex_lock(&job->lock);
    if (!job->done) ret = ERROR_IO_PENDING;
    else if ((ret = job->error) == ERROR_SUCCESS)
    {
        *out = job->res;
        job->res = NULL;
    }
    pthread_mutex_unlock(&job->lock);
    return ret;
}

void resolve_release(struct resolve_job *job)
{
    pthread_mutex_lock(&job->lock);
    if (job->fd >= 0) close(job->fd);
    job->fd = -1;
    pthread_mutex_unlock(&job->lock);
    job_unref(job);
}
