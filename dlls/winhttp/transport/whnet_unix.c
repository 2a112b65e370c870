/*
 * whnet.so, the Unix half of the transport: TCP sockets and GnuTLS.
 *
 * Each connection is one nonblocking socket (one descriptor; a duplicate
 * only while an asynchronous write waits for writability).  A thread that
 * waits polls the socket and an eventfd of its own (one per thread that
 * ever waits, never closed: see thread_evfd), and registers that eventfd
 * with the connection while it waits, so that cancel (which marks the
 * connection, then writes to the eventfds registered) ends current and
 * future waits at once, from any thread.  One sending and one receiving
 * thread may use a connection at the same time (GnuTLS allows one reader
 * and one writer per session).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/crypto.h>
#include <gnutls/ocsp.h>
#include <gnutls/abstract.h>

#include "whnet.h"
#include "whnet_unixcall.h"
#include "tls_resume.h"
#include "resolve.h"
#include "readahead.h"

#define ERROR_SUCCESS                      0
#define ERROR_NOT_ENOUGH_MEMORY            8
#define ERROR_INSUFFICIENT_BUFFER          122
#define ERROR_NO_MORE_ITEMS                259
#define ERROR_INVALID_PARAMETER            87
#define ERROR_MORE_DATA                    234
#define ERROR_IO_PENDING                   997
#define ERROR_WINHTTP_TIMEOUT              12002
#define ERROR_WINHTTP_NAME_NOT_RESOLVED    12007
#define ERROR_WINHTTP_OPERATION_CANCELLED  12017
#define ERROR_WINHTTP_CANNOT_CONNECT       12029
#define ERROR_WINHTTP_CONNECTION_ERROR     12030
#define ERROR_WINHTTP_SECURE_FAILURE       12175
#define ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY 12185

/* Plaintext bytes that fit one TLS record: what we cork together. */
#define TLS_RECORD_MAX 16384
/* iovecs handed to one sendmsg() */
#define IOV_BATCH 64

struct conn
{
    int fd;
    int waiters[2];           /* eventfds of the threads waiting on fd, -1: free slot */
    volatile int cancelled;
    int watched;              /* fd is in the poller's epoll set */
    int wfd;                  /* dup of fd for write watches (epoll keys on the fd), -1 until needed */
    int wwatched;             /* wfd is in the poller's epoll set */
    int tls_pending;          /* send_nowait left bytes corked inside GnuTLS */
    gnutls_session_t tls;     /* NULL for plain TCP */
    struct readahead ra;      /* TLS bytes read from fd that GnuTLS has not pulled yet */
    /* connect_start / tls_handshake_step in progress */
    struct addrinfo *ai_list, *ai_next;
    struct resolve_job *rjob;   /* a name being looked up (resolve.c); fd is its descriptor meanwhile */
    int64_t resolve_deadline;   /* -1: none */
    gnutls_session_t hs;
    uint32_t protocols;       /* WHNET_PROTO_* for the next handshake (0: default) */
    uint32_t revocation;      /* the next handshake needs a stapled OCSP response */
    unsigned char *resume_key;  /* tls_set_resume_key: kept sessions go by it (tls_resume.c) */
    uint32_t resume_len;
    int resume_done;          /* this connection's session is kept (or there is nothing to keep) */
    int truncated;            /* recv ended on a TCP close without close_notify */
    /* the client certificate (tls_set_client_cert) */
    int has_client_cert;
    gnutls_pcert_st client_pcert;
    gnutls_privkey_t client_key;      /* NULL: none, for the reason client_key_error */
    uint32_t client_key_error;
    uint32_t client_fail;             /* the handshake failed for this (a key we do not have) */
    int client_sent;                  /* the last handshake sent it */
    gnutls_datum_t *issuers;          /* CA names of the server's certificate request */
    unsigned int n_issuers;
};

static void client_cert_clear(struct conn *c);

static struct conn *to_conn(uint64_t id) { return (struct conn *)(uintptr_t)id; }
static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t deadline_for(uint32_t timeout_ms)
{
    return timeout_ms == WHNET_INFINITE ? -1 : now_ms() + timeout_ms;
}

/* The calling thread's eventfd for cancellable waits.  The descriptors
 * are never closed: a cancel may still write to one a moment after its
 * thread stopped waiting (a spurious wake, which waiters tolerate), and a
 * closed number could by then be a socket.  A thread's eventfd goes back
 * to a free list when the thread ends. */
static pthread_mutex_t evfd_lock = PTHREAD_MUTEX_INITIALIZER;
static int evfd_free[64], evfd_nfree;
static pthread_key_t evfd_key;
static pthread_once_t evfd_once = PTHREAD_ONCE_INIT;
static __thread int thread_evfd_value = -1;

static void evfd_thread_end(void *p)
{
    int fd = (int)(intptr_t)p - 1;
    pthread_mutex_lock(&evfd_lock);
    if (evfd_nfree < (int)(sizeof(evfd_free) / sizeof(evfd_free[0]))) evfd_free[evfd_nfree++] = fd;
    pthread_mutex_unlock(&evfd_lock);  /* else it stays open, unused */
}

static void evfd_init(void) { pthread_key_create(&evfd_key, evfd_thread_end); }

static int thread_evfd(void)
{
    int fd;
    if (thread_evfd_value >= 0) return thread_evfd_value;
    pthread_once(&evfd_once, evfd_init);
    pthread_mutex_lock(&evfd_lock);
    fd = evfd_nfree ? evfd_free[--evfd_nfree] : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_mutex_unlock(&evfd_lock);
    if (fd < 0) return -1;
    thread_evfd_value = fd;
    pthread_setspecific(evfd_key, (void *)(intptr_t)(fd + 1));
    return fd;
}

/* Take a waiter slot of c for evfd: -1 when there is none (then the wait
 * polls in slices and checks c->cancelled). */
static int waiter_add(struct conn *c, int evfd)
{
    int i;
    for (i = 0; evfd >= 0 && i < 2; i++)
    {
        int expected = -1;
        if (__atomic_compare_exchange_n(&c->waiters[i], &expected, evfd, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return i;
    }
    return -1;
}

#define CANCEL_SLICE_MS 50   /* without a waiter slot */

/* Wait until fd is ready for events, the deadline passes or the
 * connection is cancelled.  Bytes read ahead for TLS make it readable at
 * once (GnuTLS may stop with GNUTLS_E_AGAIN after a post-handshake message
 * while the next record is already in the read-ahead). */
static uint32_t wait_fd(struct conn *c, short events, int64_t deadline)
{
    int evfd, slot;
    struct pollfd p[2];
    uint32_t ret;

    if ((events & POLLIN) && readahead_pending(&c->ra)) return ERROR_SUCCESS;
    evfd = thread_evfd();
    slot = waiter_add(c, evfd);
    if (slot < 0) evfd = -1;
    for (;;)
    {
        int t = -1, n;
        /* after waiter_add: a cancel either sees the slot or is seen here */
        if (__atomic_load_n(&c->cancelled, __ATOMIC_SEQ_CST)) { ret = ERROR_WINHTTP_OPERATION_CANCELLED; break; }
        if (deadline >= 0)
        {
            int64_t left = deadline - now_ms();
            if (left <= 0) { ret = ERROR_WINHTTP_TIMEOUT; break; }
            t = left > 0x7fffffff ? 0x7fffffff : (int)left;
        }
        if (evfd < 0 && (t < 0 || t > CANCEL_SLICE_MS)) t = CANCEL_SLICE_MS;
        p[0].fd = c->fd; p[0].events = events; p[0].revents = 0;
        p[1].fd = evfd; p[1].events = POLLIN; p[1].revents = 0;
        n = poll(p, evfd >= 0 ? 2 : 1, t);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { ret = ERROR_WINHTTP_CONNECTION_ERROR; break; }
        if (evfd >= 0 && p[1].revents)
        {
            uint64_t v;
            if (read(evfd, &v, sizeof(v)) < 0) { /* drained by now */ }
            continue;  /* cancelled, or a stale wake meant for an earlier wait */
        }
        if (n && p[0].revents) { ret = ERROR_SUCCESS; break; }  /* ready, or error/hangup the next call reports */
    }
    if (slot >= 0) __atomic_store_n(&c->waiters[slot], -1, __ATOMIC_SEQ_CST);
    return ret;
}

static uint32_t errno_to_error(int e)
{
    switch (e)
    {
    case ECONNREFUSED: return ERROR_WINHTTP_CANNOT_CONNECT;
    case ETIMEDOUT: return ERROR_WINHTTP_TIMEOUT;
    case ENOMEM: case ENOBUFS: return ERROR_NOT_ENOUGH_MEMORY;
    default: return ERROR_WINHTTP_CONNECTION_ERROR;  /* ECONNRESET, EPIPE, ... */
    }
}

/* ---- connect ---- */

/* A connection object without a socket yet, with the addresses of host
 * (an address literal: at once) or a lookup of the name started
 * (c->rjob, c->fd its descriptor until resolve_finish). */
static uint32_t resolve_new(const char *host, uint32_t port_num, uint32_t resolve_timeout_ms, struct conn **conn)
{
    struct addrinfo *res = NULL;
    struct conn *c;
    int r = resolve_numeric(host, port_num, &res);

    if (r < 0) return ERROR_INVALID_PARAMETER;
    if (!(c = calloc(1, sizeof(*c)))) { if (res) freeaddrinfo(res); return ERROR_NOT_ENOUGH_MEMORY; }
    c->fd = -1;
    c->wfd = -1;
    c->waiters[0] = c->waiters[1] = -1;
    c->ai_list = c->ai_next = res;
    if (r)
    {
        c->resolve_deadline = deadline_for(resolve_timeout_ms);
        if (!(c->rjob = resolve_start(host, port_num, c->resolve_deadline, &c->fd)))
        {
            free(c);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    *conn = c;
    return ERROR_SUCCESS;
}

/* The lookup's descriptor was readable (or a wait ended): ERROR_SUCCESS
 * with the addresses in c->ai_list, ERROR_IO_PENDING, or its error
 * (ERROR_WINHTTP_TIMEOUT once the resolve timeout passed). */
static uint32_t resolve_finish(struct conn *c)
{
    struct addrinfo *res;
    uint32_t ret;

    if (!c->rjob) return ERROR_SUCCESS;
    ret = resolve_result(c->rjob, &res);
    if (ret == ERROR_IO_PENDING && c->resolve_deadline >= 0 && now_ms() >= c->resolve_deadline)
        ret = ERROR_WINHTTP_TIMEOUT;
    if (ret == ERROR_IO_PENDING) return ret;
    resolve_release(c->rjob);  /* closes c->fd, which leaves the poller with it */
    c->rjob = NULL;
    c->fd = -1;
    c->watched = 0;
    if (!ret) c->ai_list = c->ai_next = res;
    return ret;
}

/* Start connecting to the next address: ERROR_SUCCESS (connected at once),
 * ERROR_IO_PENDING, or the last address's error when none is left. */
static uint32_t start_next(struct conn *c, uint32_t last)
{
    int one = 1;

    for (; c->ai_next; c->ai_next = c->ai_next->ai_next)
    {
        const struct addrinfo *ai = c->ai_next;
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) { last = errno == EAFNOSUPPORT ? ERROR_WINHTTP_CANNOT_CONNECT : errno_to_error(errno); continue; }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (!connect(fd, ai->ai_addr, ai->ai_addrlen) || errno == EINPROGRESS)
        {
            c->fd = fd;
            c->ai_next = ai->ai_next;
            return errno == EINPROGRESS ? ERROR_IO_PENDING : ERROR_SUCCESS;
        }
        last = errno == ETIMEDOUT ? ERROR_WINHTTP_TIMEOUT : ERROR_WINHTTP_CANNOT_CONNECT;
        close(fd);
    }
    return last;
}

static void connect_done(struct conn *c)
{
    if (c->ai_list) freeaddrinfo(c->ai_list);
    c->ai_list = c->ai_next = NULL;
}

/* Drop the socket of the address that failed with err and start the next. */
static uint32_t connect_next(struct conn *c, uint32_t err)
{
    if (c->wfd >= 0) { close(c->wfd); c->wfd = -1; c->wwatched = 0; }  /* its write watch goes with it */
    close(c->fd);
    c->fd = -1;
    return start_next(c, err);
}

/* The socket is writable: connected, or the next address is started. */
static uint32_t connect_finish(struct conn *c)
{
    int err = 0;
    socklen_t len = sizeof(err);

    if (!getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) && !err) return ERROR_SUCCESS;
    return connect_next(c, err == ETIMEDOUT ? ERROR_WINHTTP_TIMEOUT : ERROR_WINHTTP_CANNOT_CONNECT);
}

/* The blocking connect: the same steps as connect_start/connect_continue,
 * waiting in between; each address has the whole timeout. */
static unsigned int w_connect(void *args)
{
    struct whnet_connect_args *a = args;
    struct conn *c;
    uint32_t ret;

    a->conn = 0;
    if ((a->ret = resolve_new((const char *)(uintptr_t)a->host, a->port, a->resolve_timeout_ms, &c))) return 0;
    ret = ERROR_IO_PENDING;
    while (c->rjob && ret == ERROR_IO_PENDING)
    {
        ret = wait_fd(c, POLLIN, c->resolve_deadline);
        if (!ret || ret == ERROR_WINHTTP_TIMEOUT) ret = resolve_finish(c);
    }
    if (c->rjob) { resolve_release(c->rjob); c->rjob = NULL; c->fd = -1; }  /* cancelled */
    if (!ret || ret == ERROR_IO_PENDING) ret = start_next(c, ERROR_WINHTTP_CANNOT_CONNECT);
    while (ret == ERROR_IO_PENDING)
    {
        ret = wait_fd(c, POLLOUT, deadline_for(a->timeout_ms));
        if (ret == ERROR_WINHTTP_TIMEOUT) ret = connect_next(c, ret);
        else if (!ret) ret = connect_finish(c);
    }
    connect_done(c);
    if (ret)
    {
        if (c->fd >= 0) close(c->fd);
        free(c);
        a->ret = ret;
        return 0;
    }
    a->conn = (uintptr_t)c;
    a->ret = ERROR_SUCCESS;
    return 0;
}

static unsigned int w_connect_start(void *args)
{
    struct whnet_connect_args *a = args;
    struct conn *c;

    a->conn = 0;
    if ((a->ret = resolve_new((const char *)(uintptr_t)a->host, a->port, a->timeout_ms, &c))) return 0;
    if (c->rjob)
    {
        /* a name: connect_continue goes on once the lookup ends (watch_write) */
        a->conn = (uintptr_t)c;
        a->ret = ERROR_IO_PENDING;
        return 0;
    }
    a->ret = start_next(c, ERROR_WINHTTP_CANNOT_CONNECT);
    if (a->ret == ERROR_IO_PENDING)
    {
        a->conn = (uintptr_t)c;
        return 0;
    }
    connect_done(c);
    if (!a->ret)
    {
        a->conn = (uintptr_t)c;
        return 0;
    }
    free(c);
    return 0;
}

static unsigned int w_connect_continue(void *args)
{
    struct whnet_conn_args *a = args;
    struct conn *c = to_conn(a->conn);
    struct pollfd p;

    if (!c) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (c->cancelled) { a->ret = ERROR_WINHTTP_OPERATION_CANCELLED; return 0; }
    if (c->rjob)
    {
        if ((a->ret = resolve_finish(c))) return 0;
        a->ret = start_next(c, ERROR_WINHTTP_CANNOT_CONNECT);
        if (a->ret != ERROR_IO_PENDING) connect_done(c);
        return 0;
    }
    if (c->fd < 0) { a->ret = ERROR_WINHTTP_CANNOT_CONNECT; return 0; }
    p.fd = c->fd; p.events = POLLOUT; p.revents = 0;
    if (poll(&p, 1, 0) == 0) { a->ret = ERROR_IO_PENDING; return 0; }  /* not yet */
    a->ret = connect_finish(c);
    if (a->ret != ERROR_IO_PENDING) connect_done(c);
    return 0;
}

/* ---- TLS ---- */

/* Windows' defaults: TLS 1.2 and 1.3 */
#define DEFAULT_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

static gnutls_certificate_credentials_t creds;
static gnutls_priority_t priority;
static int creds_error;
static pthread_once_t creds_once = PTHREAD_ONCE_INIT;

static void free_issuers(struct conn *c)
{
    unsigned int i;
    for (i = 0; i < c->n_issuers; i++) gnutls_free(c->issuers[i].data);
    free(c->issuers);
    c->issuers = NULL;
    c->n_issuers = 0;
}

/* The server asks for a client certificate: note the CA names it lists,
 * and offer the connection's certificate if it has one.  A certificate
 * whose key we could not get fails the handshake (c->client_fail). */
static int retrieve_client_cert(gnutls_session_t s, const gnutls_datum_t *req_ca, int nreqs,
                                const gnutls_pk_algorithm_t *algos, int nalgos, gnutls_pcert_st **pcert,
                                unsigned int *pcert_len, gnutls_privkey_t *key)
{
    struct conn *c = gnutls_session_get_ptr(s);
    int i;

    *pcert = NULL;
    *pcert_len = 0;
    *key = NULL;
    (void)algos; (void)nalgos;  /* an RSA key is all we take; the server judges */
    if (!c) return 0;
    free_issuers(c);
    if (nreqs > 0 && (c->issuers = calloc(nreqs, sizeof(*c->issuers))))
        for (i = 0; i < nreqs; i++)
        {
            gnutls_datum_t *d = &c->issuers[c->n_issuers];
            if (!(d->data = gnutls_malloc(req_ca[i].size ? req_ca[i].size : 1))) break;
            memcpy(d->data, req_ca[i].data, req_ca[i].size);
            d->size = req_ca[i].size;
            c->n_issuers++;
        }
    if (!c->has_client_cert) return 0;
    if (!c->client_key)
    {
        c->client_fail = c->client_key_error;
        return -1;
    }
    *pcert = &c->client_pcert;
    *pcert_len = 1;
    *key = c->client_key;
    c->client_sent = 1;
    return 0;
}

static void init_creds(void)
{
    const char *extra = getenv("SSL_CERT_FILE");
    if (gnutls_global_init() < 0 || gnutls_certificate_allocate_credentials(&creds) < 0
        || gnutls_priority_init(&priority, DEFAULT_PRIORITY, NULL) < 0)
    {
        creds_error = 1;
        return;
    }
    gnutls_certificate_set_x509_system_trust(creds);
    gnutls_certificate_set_retrieve_function2(creds, retrieve_client_cert);
    if (extra && *extra) gnutls_certificate_set_x509_trust_file(creds, extra, GNUTLS_X509_FMT_PEM);
}

/* GnuTLS writes through this so that a closed peer never raises SIGPIPE. */
static ssize_t tls_push(gnutls_transport_ptr_t ptr, const giovec_t *iov, int iovcnt)
{
    struct conn *c = ptr;
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = (struct iovec *)iov;
    msg.msg_iovlen = iovcnt;
    return sendmsg(c->fd, &msg, MSG_NOSIGNAL);
}

/* and reads through this: one recv() for a record's header and body, or
 * for several records (readahead.h) */
static ssize_t tls_pull(gnutls_transport_ptr_t ptr, void *data, size_t size)
{
    struct conn *c = ptr;
    return readahead_pull(c->fd, &c->ra, data, size);
}

/* GnuTLS asks this whether a pull would find bytes (within ms): those read
 * ahead count, the socket's readability alone would miss them */
static int tls_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
    struct conn *c = ptr;
    struct pollfd p = { c->fd, POLLIN, 0 };
    int n;

    if (readahead_pending(&c->ra)) return 1;
    do n = poll(&p, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms); while (n < 0 && errno == EINTR);
    return n;
}

/* Bytes of the TLS stream are already here (decrypted inside GnuTLS, or
 * read ahead): the socket's readability says nothing about them. */
static int tls_buffered(struct conn *c)
{
    /* (read-ahead bytes count during a handshake too) */
    return readahead_pending(&c->ra) || (c->tls && gnutls_record_check_pending(c->tls));
}

static int is_ip_literal(const char *name)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

/* Verification results and the problem each one is, as Windows labels it:
 * an issuer that is not a CA, or whose constraints (path length, names) the
 * chain breaks, makes the certificate invalid (no ignore flag covers it),
 * not an unknown CA. */
static const struct { unsigned int status; uint32_t error; } status_map[] =
{
    { GNUTLS_CERT_SIGNER_NOT_FOUND, WHNET_CERT_INVALID_CA },
    { GNUTLS_CERT_INSECURE_ALGORITHM, WHNET_CERT_INVALID_CA },
    { GNUTLS_CERT_SIGNER_NOT_CA, WHNET_CERT_INVALID },
    { GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE, WHNET_CERT_INVALID },
    { GNUTLS_CERT_EXPIRED, WHNET_CERT_DATE_INVALID },
    { GNUTLS_CERT_NOT_ACTIVATED, WHNET_CERT_DATE_INVALID },
    { GNUTLS_CERT_REVOKED, WHNET_CERT_REVOKED },
    { GNUTLS_CERT_UNEXPECTED_OWNER, WHNET_CERT_CN_INVALID },
    { GNUTLS_CERT_PURPOSE_MISMATCH, WHNET_CERT_WRONG_USAGE },
};

/* Problems with the peer's certificate, as WHNET_CERT_* bits. */
static uint32_t check_certificate(gnutls_session_t s, const char *server_name, uint32_t revocation)
{
    const gnutls_datum_t *list;
    unsigned int count = 0, status = 0, known = GNUTLS_CERT_INVALID, i;
    gnutls_typed_vdata_st purpose;
    gnutls_x509_crt_t leaf;
    uint32_t errs = 0;
    time_t now = time(NULL), t;

    list = gnutls_certificate_get_peers(s, &count);
    if (!list || !count) return WHNET_CERT_INVALID;
    /* chain, trust and purpose (a TLS server); the host name is checked on
     * the leaf below */
    memset(&purpose, 0, sizeof(purpose));
    purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
    purpose.data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
    if (gnutls_certificate_verify_peers(s, &purpose, 1, &status) < 0) return WHNET_CERT_INVALID;
    /* GnuTLS reads a stapled OCSP response whenever there is one; Windows
     * looks at revocation only when asked (WINHTTP_ENABLE_SSL_REVOCATION):
     * without that, a stapled "revoked" is no problem (and GNUTLS_CERT_INVALID
     * only stays if something else set it) */
    if (!revocation && (status & GNUTLS_CERT_REVOKED))
    {
        status &= ~GNUTLS_CERT_REVOKED;
        if (!(status & ~GNUTLS_CERT_INVALID)) status = 0;
    }
    for (i = 0; i < sizeof(status_map) / sizeof(status_map[0]); i++)
    {
        known |= status_map[i].status;
        if (status & status_map[i].status) errs |= status_map[i].error;
    }
    /* anything else (a bad signature, an unknown critical extension, ...)
     * has no flag of its own: the certificate is invalid, whatever else
     * was found and whatever the caller ignores */
    if (status & ~known) errs |= WHNET_CERT_INVALID;
    if ((status & GNUTLS_CERT_INVALID) && !(status & ~GNUTLS_CERT_INVALID)) errs |= WHNET_CERT_INVALID;

    /* The leaf's own name and dates, whatever verification reported first,
     * so that each problem needs its own ignore flag. */
    if (gnutls_x509_crt_init(&leaf) < 0) return errs | WHNET_CERT_INVALID;
    if (gnutls_x509_crt_import(leaf, &list[0], GNUTLS_X509_FMT_DER) < 0)
        errs |= WHNET_CERT_INVALID;
    else
    {
        if (!gnutls_x509_crt_check_hostname(leaf, server_name)) errs |= WHNET_CERT_CN_INVALID;
        t = gnutls_x509_crt_get_expiration_time(leaf);
        if (t != (time_t)-1 && t < now) errs |= WHNET_CERT_DATE_INVALID;
        t = gnutls_x509_crt_get_activation_time(leaf);
        if (t != (time_t)-1 && t > now) errs |= WHNET_CERT_DATE_INVALID;
    }
    gnutls_x509_crt_deinit(leaf);
    /* revocation asked for: only a valid stapled response establishes it */
    if (revocation && !(errs & WHNET_CERT_REVOKED) && !gnutls_ocsp_status_request_is_checked(s, 0))
        errs |= WHNET_CERT_REV_FAILED;
    return errs;
}

static int ignorable(uint32_t errs, uint32_t ignore)
{
    if (ignore & WHNET_IGNORE_UNKNOWN_CA) errs &= ~WHNET_CERT_INVALID_CA;
    if (ignore & WHNET_IGNORE_CN_INVALID) errs &= ~WHNET_CERT_CN_INVALID;
    if (ignore & WHNET_IGNORE_DATE_INVALID) errs &= ~WHNET_CERT_DATE_INVALID;
    if (ignore & WHNET_IGNORE_WRONG_USAGE) errs &= ~WHNET_CERT_WRONG_USAGE;
    /* INVALID, REVOKED, REV_FAILED: nothing ignores them */
    return errs == 0;
}

/* The protocol versions of protocols (WHNET_PROTO_*) for session s. */
static int tls_set_priority(gnutls_session_t s, uint32_t protocols)
{
    static const struct { uint32_t bit; const char *name; } versions[] =
    {
        { WHNET_PROTO_TLS1_3, ":+VERS-TLS1.3" }, { WHNET_PROTO_TLS1_2, ":+VERS-TLS1.2" },
        { WHNET_PROTO_TLS1_1, ":+VERS-TLS1.1" }, { WHNET_PROTO_TLS1_0, ":+VERS-TLS1.0" },
    };
    char str[128] = "NORMAL:-VERS-ALL";
    unsigned int i, any = 0;

    if (!protocols || protocols == WHNET_PROTO_DEFAULT) return gnutls_priority_set(s, priority);
    for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
        if (protocols & versions[i].bit)
        {
            strcat(str, versions[i].name);
            any = 1;
        }
    if (!any) return -1;  /* SSL 2 and 3 are never offered */
    return gnutls_priority_set_direct(s, str, NULL);
}

/* A client session on c's socket, for server name. */
static uint32_t tls_session_new(struct conn *c, const char *name, gnutls_session_t *out)
{
    gnutls_session_t s;

    pthread_once(&creds_once, init_creds);
    if (creds_error) return ERROR_WINHTTP_SECURE_FAILURE;
    if (gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0) return ERROR_NOT_ENOUGH_MEMORY;
    if (tls_set_priority(s, c->protocols) < 0 || gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, creds) < 0)
    {
        gnutls_deinit(s);
        return ERROR_WINHTTP_SECURE_FAILURE;
    }
    if (*name && !is_ip_literal(name)) gnutls_server_name_set(s, GNUTLS_NAME_DNS, name, strlen(name));
    if (c->resume_len) resume_offer(s, c->resume_key, c->resume_len);
    gnutls_transport_set_ptr(s, c);
    gnutls_transport_set_vec_push_function(s, tls_push);
    gnutls_transport_set_pull_function(s, tls_pull);
    gnutls_transport_set_pull_timeout_function(s, tls_pull_timeout);
    gnutls_session_set_ptr(s, c);
    c->client_fail = 0;
    c->client_sent = 0;
    gnutls_handshake_set_timeout(s, 0);  /* we time it ourselves */
    *out = s;
    return ERROR_SUCCESS;
}

static unsigned int w_tls_step(void *args)
{
    struct whnet_tls_step_args *a = args;
    struct conn *c = to_conn(a->conn);
    const char *name = (const char *)(uintptr_t)a->server_name;
    int rc;

    a->cert_errors = a->want_write = 0;
    if (!c || !name || c->tls) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (c->cancelled) { a->ret = ERROR_WINHTTP_OPERATION_CANCELLED; return 0; }
    if (!c->hs && (a->ret = tls_session_new(c, name, &c->hs))) return 0;
    while ((rc = gnutls_handshake(c->hs)) != GNUTLS_E_SUCCESS)
    {
        if (rc == GNUTLS_E_AGAIN)
        {
            a->want_write = gnutls_record_get_direction(c->hs);
            a->ret = ERROR_IO_PENDING;
            return 0;
        }
        if (gnutls_error_is_fatal(rc))
        {
            a->cert_errors = c->client_fail ? 0 : WHNET_CERT_CHANNEL_ERROR;
            a->ret = c->client_fail ? c->client_fail : ERROR_WINHTTP_SECURE_FAILURE;
            break;
        }
    }
    if (rc == GNUTLS_E_SUCCESS)
    {
        a->cert_errors = check_certificate(c->hs, name, c->revocation);
        a->ret = ignorable(a->cert_errors, a->ignore_flags) ? ERROR_SUCCESS : ERROR_WINHTTP_SECURE_FAILURE;
    }
    if (a->ret) gnutls_deinit(c->hs);
    else
    {
        c->tls = c->hs;
        if (c->resume_len) c->resume_done = resume_keep(c->tls, c->resume_key, c->resume_len);
    }
    c->hs = NULL;
    return 0;
}

static unsigned int w_tls_handshake(void *args)
{
    struct whnet_tls_args *a = args;
    struct conn *c = to_conn(a->conn);
    const char *name = (const char *)(uintptr_t)a->server_name;
    int64_t deadline = deadline_for(a->timeout_ms);
    gnutls_session_t s;
    uint32_t ret;
    int rc;

    a->cert_errors = 0;
    if (!c || !name || c->tls || c->hs) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (c->cancelled) { a->ret = ERROR_WINHTTP_OPERATION_CANCELLED; return 0; }
    if ((a->ret = tls_session_new(c, name, &s))) return 0;
    for (;;)
    {
        rc = gnutls_handshake(s);
        if (rc == GNUTLS_E_SUCCESS) break;
        if (rc == GNUTLS_E_AGAIN)
        {
            if ((ret = wait_fd(c, gnutls_record_get_direction(s) ? POLLOUT : POLLIN, deadline))) goto fail;
            continue;
        }
        if (!gnutls_error_is_fatal(rc))
        {
            if (c->cancelled) { ret = ERROR_WINHTTP_OPERATION_CANCELLED; goto fail; }
            continue;
        }
        a->cert_errors = c->client_fail ? 0 : WHNET_CERT_CHANNEL_ERROR;
        ret = c->client_fail ? c->client_fail : ERROR_WINHTTP_SECURE_FAILURE;
        goto fail;
    }
    a->cert_errors = check_certificate(s, name, c->revocation);
    if (!ignorable(a->cert_errors, a->ignore_flags))
    {
        ret = ERROR_WINHTTP_SECURE_FAILURE;
        goto fail;
    }
    c->tls = s;
    if (c->resume_len) c->resume_done = resume_keep(c->tls, c->resume_key, c->resume_len);
    a->ret = ERROR_SUCCESS;
    return 0;
fail:
    gnutls_deinit(s);
    a->ret = ret;
    return 0;
}

static unsigned int w_tls_set_protocols(void *args)
{
    struct whnet_protocols_args *a = args;
    struct conn *c = to_conn(a->conn);

    if (!c || (a->protocols & ~(WHNET_PROTO_SSL2 | WHNET_PROTO_SSL3 | WHNET_PROTO_TLS1_0 | WHNET_PROTO_TLS1_1
                                | WHNET_PROTO_TLS1_2 | WHNET_PROTO_TLS1_3)))
    {
        a->ret = ERROR_INVALID_PARAMETER;
        return 0;
    }
    c->protocols = a->protocols;
    a->ret = ERROR_SUCCESS;
    return 0;
}

static unsigned int w_peer_certificate(void *args)
{
    struct whnet_peer_cert_args *a = args;
    struct conn *c = to_conn(a->conn);
    const gnutls_datum_t *list;
    unsigned int count = 0;

    a->size = 0;
    if (!c || !c->tls) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    list = gnutls_certificate_get_peers(c->tls, &count);
    if (!list || a->index >= count) { a->ret = ERROR_NO_MORE_ITEMS; return 0; }
    a->size = list[a->index].size;
    if (a->len < list[a->index].size || !a->buf) { a->ret = ERROR_INSUFFICIENT_BUFFER; return 0; }
    memcpy((void *)(uintptr_t)a->buf, list[a->index].data, list[a->index].size);
    a->ret = ERROR_SUCCESS;
    return 0;
}

static unsigned int w_tls_check_revocation(void *args)
{
    struct whnet_protocols_args *a = args;  /* protocols: enable */
    struct conn *c = to_conn(a->conn);

    if (!c) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    c->revocation = a->protocols != 0;
    a->ret = ERROR_SUCCESS;
    return 0;
}

static unsigned int w_tls_info(void *args)
{
    struct whnet_tls_info_args *a = args;
    struct conn *c = to_conn(a->conn);

    a->protocol = a->cipher_bits = a->flags = 0;
    if (!c || !c->tls) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    switch (gnutls_protocol_get_version(c->tls))
    {
    case GNUTLS_TLS1_0: a->protocol = WHNET_PROTO_TLS1_0; break;
    case GNUTLS_TLS1_1: a->protocol = WHNET_PROTO_TLS1_1; break;
    case GNUTLS_TLS1_2: a->protocol = WHNET_PROTO_TLS1_2; break;
    case GNUTLS_TLS1_3: a->protocol = WHNET_PROTO_TLS1_3; break;
    default: break;
    }
    a->cipher_bits = (uint32_t)gnutls_cipher_get_key_size(gnutls_cipher_get(c->tls)) * 8;
    if (gnutls_session_is_resumed(c->tls)) a->flags |= WHNET_TLS_RESUMED;
    if (gnutls_certificate_client_get_request_status(c->tls) && !c->client_sent) a->flags |= WHNET_TLS_CERT_REQUESTED;
    if (c->truncated) a->flags |= WHNET_TLS_TRUNCATED;
    a->ret = ERROR_SUCCESS;
    return 0;
}

/* ---- send / receive ---- */

static uint32_t send_plain(struct conn *c, const struct whnet_buf64 *bufs, uint32_t count, int64_t deadline)
{
    struct iovec iov[IOV_BATCH];
    uint32_t next = 0, ret;
    int n_iov = 0, first = 0;

    for (;;)
    {
        struct msghdr msg;
        ssize_t n;

        /* refill the batch once it is used up */
        if (first == n_iov)
        {
            first = n_iov = 0;
            while (next < count && n_iov < IOV_BATCH)
            {
                if (bufs[next].len)
                {
                    iov[n_iov].iov_base = (void *)(uintptr_t)bufs[next].data;
                    iov[n_iov].iov_len = bufs[next].len;
                    n_iov++;
                }
                next++;
            }
            if (!n_iov) return ERROR_SUCCESS;
        }
        if (c->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
        memset(&msg, 0, sizeof(msg));
        msg.msg_iov = iov + first;
        msg.msg_iovlen = n_iov - first;
        n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return errno_to_error(errno);
            if ((ret = wait_fd(c, POLLOUT, deadline))) return ret;
            continue;
        }
        while (first < n_iov && (size_t)n >= iov[first].iov_len)
        {
            n -= iov[first].iov_len;
            first++;
        }
        if (first < n_iov)
        {
            iov[first].iov_base = (char *)iov[first].iov_base + n;
            iov[first].iov_len -= n;
        }
    }
}

static uint32_t tls_error(int rc)
{
    return rc == GNUTLS_E_MEMORY_ERROR ? ERROR_NOT_ENOUGH_MEMORY : ERROR_WINHTTP_CONNECTION_ERROR;
}

/* Flush corked records. */
static uint32_t tls_uncork(struct conn *c, int64_t deadline)
{
    uint32_t ret;
    int rc;

    for (;;)
    {
        rc = gnutls_record_uncork(c->tls, 0);
        if (rc >= 0) return ERROR_SUCCESS;
        if (rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED) return tls_error(rc);
        if ((ret = wait_fd(c, POLLOUT, deadline))) return ret;
    }
}

/* Send len bytes as records straight from the caller's memory. */
static uint32_t tls_send_direct(struct conn *c, const char *data, size_t len, int64_t deadline)
{
    uint32_t ret;

    while (len)
    {
        ssize_t rc;
        if (c->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
        rc = gnutls_record_send(c->tls, data, len);
        if (rc > 0)
        {
            data += rc;
            len -= rc;
            continue;
        }
        if (rc == GNUTLS_E_AGAIN)
        {
            /* retry with the same arguments once writable */
            if ((ret = wait_fd(c, POLLOUT, deadline))) return ret;
            continue;
        }
        if (rc == GNUTLS_E_INTERRUPTED) continue;
        return tls_error((int)rc);
    }
    return ERROR_SUCCESS;
}

/* Bytes send_nowait left corked inside GnuTLS go out before anything else. */
static uint32_t tls_flush(struct conn *c, int64_t deadline)
{
    uint32_t ret;

    while (c->tls_pending)
    {
        int rc = gnutls_record_uncork(c->tls, 0);
        if (rc >= 0) { c->tls_pending = 0; break; }
        if (rc == GNUTLS_E_INTERRUPTED) continue;
        if (rc != GNUTLS_E_AGAIN) return tls_error((int)rc);
        if ((ret = wait_fd(c, POLLOUT, deadline))) return ret;
    }
    return ERROR_SUCCESS;
}

/* Small leading buffers (a frame header, say) are corked together with the
 * start of the next one so that they leave in one record; anything past one
 * record's worth is sent straight from the caller's buffer, uncopied. */
static uint32_t send_tls(struct conn *c, const struct whnet_buf64 *bufs, uint32_t count, int64_t deadline)
{
    uint32_t i = 0, ret, corked = 0;
    size_t off = 0;
    ssize_t rc;

    if ((ret = tls_flush(c, deadline))) return ret;
    if (count > 1)
    {
        gnutls_record_cork(c->tls);
        for (; i < count && corked < TLS_RECORD_MAX; i++)
        {
            uint32_t take = bufs[i].len;
            if (take > TLS_RECORD_MAX - corked) take = TLS_RECORD_MAX - corked;
            if (!take) continue;
            rc = gnutls_record_send(c->tls, (const void *)(uintptr_t)bufs[i].data, take);
            if (rc < 0)
            {
                gnutls_record_uncork(c->tls, 0);  /* leave corked mode; the connection is broken anyway */
                return tls_error((int)rc);
            }
            corked += take;
            if (take < bufs[i].len) { off = take; break; }
        }
        if ((ret = tls_uncork(c, deadline))) return ret;
    }
    for (; i < count; i++, off = 0)
    {
        if (bufs[i].len <= off) continue;
        if ((ret = tls_send_direct(c, (const char *)(uintptr_t)bufs[i].data + off, bufs[i].len - off, deadline)))
            return ret;
    }
    return ERROR_SUCCESS;
}

static unsigned int w_send(void *args)
{
    struct whnet_send_args *a = args;
    struct conn *c = to_conn(a->conn);
    const struct whnet_buf64 *bufs = (const struct whnet_buf64 *)(uintptr_t)a->bufs;
    int64_t deadline = deadline_for(a->timeout_ms);

    if (!c || (a->count && !bufs)) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (c->cancelled) { a->ret = ERROR_WINHTTP_OPERATION_CANCELLED; return 0; }
    a->ret = c->tls ? send_tls(c, bufs, a->count, deadline) : send_plain(c, bufs, a->count, deadline);
    return 0;
}

/* ---- sending without waiting ---- */

static uint32_t nowait_plain(struct conn *c, const struct whnet_buf64 *bufs, uint32_t count, uint32_t *taken)
{
    struct iovec iov[IOV_BATCH];
    struct msghdr msg;
    uint32_t i;
    int n_iov = 0;
    ssize_t n;

    for (i = 0; i < count && n_iov < IOV_BATCH; i++)
    {
        if (!bufs[i].len) continue;
        iov[n_iov].iov_base = (void *)(uintptr_t)bufs[i].data;
        iov[n_iov++].iov_len = bufs[i].len;
    }
    if (!n_iov) return ERROR_SUCCESS;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = iov;
    msg.msg_iovlen = n_iov;
    while ((n = sendmsg(c->fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
    if (n >= 0) *taken = (uint32_t)n;
    else if (errno != EAGAIN && errno != EWOULDBLOCK) return errno_to_error(errno);
    return ERROR_SUCCESS;
}

/* Uncork without waiting: < 0 is a GnuTLS error, GNUTLS_E_AGAIN when the
 * socket is full (what is left stays corked). */
static int tls_uncork_nowait(struct conn *c)
{
    int rc;
    while ((rc = gnutls_record_uncork(c->tls, 0)) == GNUTLS_E_INTERRUPTED) {}
    return rc;
}

/* Records until the socket is full.  The bytes go into GnuTLS corked (so
 * gnutls_record_send copies them, all of them) a record's worth at a time,
 * and gnutls_record_uncork writes them; what it cannot write now stays
 * corked inside GnuTLS and counts as taken: the next uncork (tls_flush, or
 * send_nowait again) writes it first.  GnuTLS keeps that accounting itself,
 * so it holds whatever record size the peer allows: with RFC 8449
 * record_size_limit records can be much smaller than
 * gnutls_record_get_max_size() says, so a record GnuTLS could not write
 * whole may carry fewer bytes than it was offered.  Small leading pieces (a
 * frame header) share a record with what follows. */
static uint32_t nowait_tls(struct conn *c, const struct whnet_buf64 *bufs, uint32_t count, uint32_t *taken)
{
    uint32_t i = 0, off = 0;
    int rc;

    if (c->tls_pending)
    {
        if ((rc = tls_uncork_nowait(c)) == GNUTLS_E_AGAIN) return ERROR_SUCCESS;
        if (rc < 0) return tls_error(rc);
        c->tls_pending = 0;
    }
    for (;;)
    {
        uint32_t room = TLS_RECORD_MAX;

        while (i < count && off >= bufs[i].len) { i++; off = 0; }
        if (i == count) return ERROR_SUCCESS;
        gnutls_record_cork(c->tls);
        while (room && i < count)
        {
            uint32_t k = min_u32(bufs[i].len - off, room);
            if (k)
            {
                ssize_t n = gnutls_record_send(c->tls, (const char *)(uintptr_t)bufs[i].data + off, k);
                if (n < 0)
                {
                    /* what was corked already is taken: leave it pending */
                    if (tls_uncork_nowait(c) == GNUTLS_E_AGAIN) c->tls_pending = 1;
                    return tls_error((int)n);
                }
                k = (uint32_t)n;
                *taken += k;
                room -= k;
                off += k;
            }
            if (off == bufs[i].len) { i++; off = 0; }
        }
        if ((rc = tls_uncork_nowait(c)) == GNUTLS_E_AGAIN)
        {
            c->tls_pending = 1;
            return ERROR_SUCCESS;
        }
        if (rc < 0) return tls_error(rc);
    }
}

static unsigned int w_send_nowait(void *args)
{
    struct whnet_send_nowait_args *a = args;
    struct conn *c = to_conn(a->conn);
    const struct whnet_buf64 *bufs = (const struct whnet_buf64 *)(uintptr_t)a->bufs;

    a->taken = a->pending = 0;
    if (!c || (a->count && !bufs)) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (c->cancelled) { a->ret = ERROR_WINHTTP_OPERATION_CANCELLED; return 0; }
    a->ret = c->tls ? nowait_tls(c, bufs, a->count, &a->taken) : nowait_plain(c, bufs, a->count, &a->taken);
    a->pending = c->tls_pending;
    return 0;
}

static unsigned int w_recv(void *args)
{
    struct whnet_recv_args *a = args;
    struct conn *c = to_conn(a->conn);
    void *buf = (void *)(uintptr_t)a->buf;
    int64_t deadline = deadline_for(a->timeout_ms);
    uint32_t ret;

    a->received = 0;
    if (!c || !buf || !a->len) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    for (;;)
    {
        if (c->cancelled) { a->ret = ERROR_WINHTTP_OPERATION_CANCELLED; return 0; }
        if (c->tls)
        {
            /* gnutls_record_recv returns buffered data before touching the socket */
            ssize_t rc = gnutls_record_recv(c->tls, buf, a->len);
            /* a TLS 1.3 server's ticket comes with the first reads */
            if (c->resume_len && !c->resume_done) c->resume_done = resume_keep(c->tls, c->resume_key, c->resume_len);
            if (rc >= 0) { a->received = (uint32_t)rc; a->ret = ERROR_SUCCESS; return 0; }
            /* peer closed TCP without close_notify: end of stream all the
             * same, marked so that a caller whose data has no length of
             * its own can tell a cut from an end */
            if (rc == GNUTLS_E_PREMATURE_TERMINATION)
            {
                c->truncated = 1;
                a->ret = ERROR_SUCCESS;
                return 0;
            }
            if (rc != GNUTLS_E_AGAIN)
            {
                if (gnutls_error_is_fatal((int)rc)) { a->ret = tls_error((int)rc); return 0; }
                continue;  /* interrupted, warning alert, rehandshake request, ... */
            }
        }
        else
        {
            ssize_t n = recv(c->fd, buf, a->len, 0);
            if (n >= 0) { a->received = (uint32_t)n; a->ret = ERROR_SUCCESS; return 0; }
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) { a->ret = errno_to_error(errno); return 0; }
        }
        if ((ret = wait_fd(c, POLLIN, deadline))) { a->ret = ret; return 0; }
    }
}

static unsigned int w_shutdown_send(void *args)
{
    struct whnet_conn_args *a = args;
    struct conn *c = to_conn(a->conn);
    uint32_t ret = ERROR_SUCCESS;

    /* also on a cancelled connection: the close_notify goes if the socket
     * takes it at once (waits end at once), the FIN always */
    if (!c) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (c->tls)
    {
        int64_t deadline = now_ms() + 5000;  /* bounded: close_notify is best effort */
        int rc = 0;
        if ((ret = tls_flush(c, deadline))) rc = GNUTLS_E_AGAIN;
        else while ((rc = gnutls_bye(c->tls, GNUTLS_SHUT_WR)) == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
            if ((ret = wait_fd(c, POLLOUT, deadline))) break;
        if (ret == ERROR_WINHTTP_TIMEOUT) ret = ERROR_SUCCESS;
        else if (!ret && rc < 0) ret = tls_error(rc);
    }
    if (shutdown(c->fd, SHUT_WR) && !ret && errno != ENOTCONN) ret = errno_to_error(errno);
    a->ret = ret;
    return 0;
}

static unsigned int w_cancel(void *args)
{
    struct whnet_conn_args *a = args;
    struct conn *c = to_conn(a->conn);
    uint64_t one = 1;
    int i;

    if (!c) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    __atomic_store_n(&c->cancelled, 1, __ATOMIC_SEQ_CST);
    for (i = 0; i < 2; i++)
    {
        int fd = __atomic_load_n(&c->waiters[i], __ATOMIC_SEQ_CST);
        if (fd >= 0 && write(fd, &one, sizeof(one)) < 0) { /* counter full: still readable, fine */ }
    }
    a->ret = ERROR_SUCCESS;
    return 0;
}

static unsigned int w_close(void *args)
{
    struct whnet_conn_args *a = args;
    struct conn *c = to_conn(a->conn);

    if (!c) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (c->tls) gnutls_deinit(c->tls);
    if (c->hs) gnutls_deinit(c->hs);
    readahead_free(&c->ra);
    free(c->resume_key);
    client_cert_clear(c);
    free_issuers(c);
    connect_done(c);
    if (c->rjob) { resolve_release(c->rjob); c->fd = -1; }  /* the lookup's descriptor is the job's */
    if (c->wfd >= 0) close(c->wfd);
    if (c->fd >= 0) close(c->fd);
    free(c);
    a->ret = ERROR_SUCCESS;
    return 0;
}

static unsigned int w_tls_set_resume_key(void *args)
{
    struct whnet_resume_args *a = args;
    struct conn *c = to_conn(a->conn);
    unsigned char *key = NULL;

    if (!c || a->len > RESUME_KEY_MAX || (a->len && !a->key)) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (a->len && !(key = malloc(a->len))) { a->ret = ERROR_NOT_ENOUGH_MEMORY; return 0; }
    if (a->len) memcpy(key, (const void *)(uintptr_t)a->key, a->len);
    free(c->resume_key);
    c->resume_key = key;
    c->resume_len = a->len;
    c->resume_done = 0;
    a->ret = ERROR_SUCCESS;
    return 0;
}

static unsigned int w_tls_forget(void *args)
{
    struct whnet_resume_args *a = args;

    if (a->len > RESUME_KEY_MAX || (a->len && !a->key)) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    resume_forget((const void *)(uintptr_t)a->key, a->len);
    a->ret = ERROR_SUCCESS;
    return 0;
}

static int to_addr(const struct sockaddr_storage *ss, struct whnet_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (ss->ss_family == AF_INET)
    {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        out->family = 4;
        out->port = ntohs(in->sin_port);
        memcpy(out->addr, &in->sin_addr, 4);
        return 1;
    }
    if (ss->ss_family == AF_INET6)
    {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        out->family = 6;
        out->port = ntohs(in6->sin6_port);
        out->flowinfo = in6->sin6_flowinfo;
        out->scope_id = in6->sin6_scope_id;
        memcpy(out->addr, &in6->sin6_addr, 16);
        return 1;
    }
    return 0;
}

static unsigned int w_addresses(void *args)
{
    struct whnet_addresses_args *a = args;
    struct conn *c = to_conn(a->conn);
    struct whnet_addr *local = (struct whnet_addr *)(uintptr_t)a->local, *remote = (struct whnet_addr *)(uintptr_t)a->remote;
    struct sockaddr_storage l, r;
    socklen_t llen = sizeof(l), rlen = sizeof(r);

    if (!c || !local || !remote) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (c->fd < 0 || getsockname(c->fd, (struct sockaddr *)&l, &llen) || getpeername(c->fd, (struct sockaddr *)&r, &rlen)
        || !to_addr(&l, local) || !to_addr(&r, remote))
    {
        a->ret = ERROR_WINHTTP_CONNECTION_ERROR;
        return 0;
    }
    a->ret = ERROR_SUCCESS;
    return 0;
}

static unsigned int w_random(void *args)
{
    struct whnet_random_args *a = args;
    void *buf = (void *)(uintptr_t)a->buf;

    if (!buf && a->len) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    a->ret = a->len && gnutls_rnd(GNUTLS_RND_NONCE, buf, a->len) < 0 ? ERROR_NOT_ENOUGH_MEMORY : ERROR_SUCCESS;
    return 0;
}

/* ---- the poller: one epoll set for the process ---- */

static int poll_epfd = -1;
static pthread_once_t poll_once = PTHREAD_ONCE_INIT;

static void init_poller(void)
{
    poll_epfd = epoll_create1(EPOLL_CLOEXEC);
}

static int poller_ready(void)
{
    pthread_once(&poll_once, init_poller);
    return poll_epfd >= 0;
}

/* One-shot interest in events on fd, reported with token. */
static uint32_t arm(int fd, int *watched, uint32_t events, uint64_t token)
{
    struct epoll_event ev;

    ev.events = events | EPOLLONESHOT;
    ev.data.u64 = token;
    if (epoll_ctl(poll_epfd, *watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev))
    {
        int again = *watched ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        if ((errno != ENOENT && errno != EEXIST) || epoll_ctl(poll_epfd, again, fd, &ev)) return errno_to_error(errno);
    }
    *watched = 1;
    return ERROR_SUCCESS;
}

static unsigned int w_watch(void *args)
{
    struct whnet_watch_args *a = args;
    struct conn *c = to_conn(a->conn);

    if (!c || !a->token) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (!poller_ready()) { a->ret = ERROR_NOT_ENOUGH_MEMORY; return 0; }
    /* decrypted bytes waiting inside GnuTLS never make the socket readable */
    if (tls_buffered(c)) { a->ret = ERROR_MORE_DATA; return 0; }
    /* readable already (a stream of messages, say): the caller reads now,
     * without a trip through the poller thread */
    {
        struct pollfd p = { c->fd, POLLIN | POLLRDHUP, 0 };
        if (poll(&p, 1, 0) > 0 && p.revents) { a->ret = ERROR_MORE_DATA; return 0; }
    }
    a->ret = arm(c->fd, &c->watched, EPOLLIN | EPOLLRDHUP, a->token);
    return 0;
}

static unsigned int w_watch_write(void *args)
{
    struct whnet_watch_args *a = args;
    struct conn *c = to_conn(a->conn);
    struct pollfd p;

    if (!c || !a->token) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (!poller_ready()) { a->ret = ERROR_NOT_ENOUGH_MEMORY; return 0; }
    if (c->rjob)
    {
        /* connect_start is still looking the name up: its descriptor is
         * readable when the lookup ended or the resolve timeout passed */
        p.fd = c->fd; p.events = POLLIN; p.revents = 0;
        if (poll(&p, 1, 0) > 0 && p.revents) { a->ret = ERROR_MORE_DATA; return 0; }
        a->ret = arm(c->fd, &c->watched, EPOLLIN, a->token);
        return 0;
    }
    p.fd = c->fd; p.events = POLLOUT; p.revents = 0;
    if (poll(&p, 1, 0) > 0 && p.revents) { a->ret = ERROR_MORE_DATA; return 0; }
    /* epoll knows a descriptor once: reads watch fd, writes its duplicate */
    if (c->wfd < 0 && (c->wfd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0)) < 0) { a->ret = errno_to_error(errno); return 0; }
    a->ret = arm(c->wfd, &c->wwatched, EPOLLOUT, a->token);
    return 0;
}

static unsigned int w_wait_events(void *args)
{
    struct whnet_wait_args *a = args;
    uint64_t *tokens = (uint64_t *)(uintptr_t)a->tokens;
    struct epoll_event ev[64];
    int n, i, max = a->max > 64 ? 64 : (int)a->max;
    uint32_t count = 0;

    a->count = 0;
    if (!tokens || !max) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (!poller_ready()) { a->ret = ERROR_NOT_ENOUGH_MEMORY; return 0; }
    n = epoll_wait(poll_epfd, ev, max, a->timeout_ms == WHNET_INFINITE ? -1 : (int)(a->timeout_ms & 0x7fffffff));
    for (i = 0; i < n; i++) tokens[count++] = ev[i].data.u64;
    a->count = count;
    a->ret = ERROR_SUCCESS;  /* EINTR: nothing this time */
    return 0;
}

/* ---- client certificates ---- */

static void client_cert_clear(struct conn *c)
{
    if (c->has_client_cert) gnutls_pcert_deinit(&c->client_pcert);
    if (c->client_key) gnutls_privkey_deinit(c->client_key);
    c->has_client_cert = 0;
    c->client_key = NULL;
}

/* n little-endian bytes at p as a big-endian datum (into out) */
static gnutls_datum_t be_datum(const unsigned char *p, uint32_t n, unsigned char *out)
{
    gnutls_datum_t d;
    uint32_t i;
    for (i = 0; i < n; i++) out[i] = p[n - 1 - i];
    d.data = out;
    d.size = n;
    return d;
}

/* An RSA key from a CryptoAPI PRIVATEKEYBLOB: BLOBHEADER (8 bytes: type 7,
 * version 2), RSAPUBKEY ("RSA2", bit length, public exponent), then
 * modulus, prime1, prime2, exponent1, exponent2, coefficient (of prime2,
 * mod prime1) and the private exponent, little-endian, the halves
 * bitlen/16 bytes long. */
static int import_rsa_blob(const unsigned char *b, uint32_t len, gnutls_privkey_t *out)
{
    uint32_t bits, n, h, e;
    unsigned char *buf, ebuf[4];
    gnutls_datum_t m, ex, d, p, q, u, e1, e2;
    gnutls_privkey_t key;
    int rc;

    if (len < 20 || b[0] != 7 || memcmp(b + 8, "RSA2", 4)) return -1;
    memcpy(&bits, b + 12, 4);
    memcpy(&e, b + 16, 4);
    if (bits < 512 || bits > 16384 || bits % 16) return -1;
    n = bits / 8;
    h = bits / 16;
    if (len < 20 + 2 * n + 5 * h || !e) return -1;
    if (!(buf = malloc(2 * n + 5 * h))) return -1;
    b += 20;
    m = be_datum(b, n, buf);
    p = be_datum(b + n, h, buf + n);
    q = be_datum(b + n + h, h, buf + n + h);
    e1 = be_datum(b + n + 2 * h, h, buf + n + 2 * h);
    e2 = be_datum(b + n + 3 * h, h, buf + n + 3 * h);
    u = be_datum(b + n + 4 * h, h, buf + n + 4 * h);
    d = be_datum(b + n + 5 * h, n, buf + n + 5 * h);
    ebuf[0] = e >> 24; ebuf[1] = e >> 16; ebuf[2] = e >> 8; ebuf[3] = e;
    ex.data = ebuf;
    ex.size = 4;
    while (ex.size > 1 && !ex.data[0]) { ex.data++; ex.size--; }
    rc = gnutls_privkey_init(&key);
    if (!rc && (rc = gnutls_privkey_import_rsa_raw(key, &m, &ex, &d, &p, &q, &u, &e1, &e2))) gnutls_privkey_deinit(key);
    memset(buf, 0, 2 * n + 5 * h);
    free(buf);
    if (rc) return -1;
    *out = key;
    return 0;
}

static unsigned int w_tls_set_client_cert(void *args)
{
    struct whnet_client_cert_args *a = args;
    struct conn *c = to_conn(a->conn);
    gnutls_datum_t der;

    if (!c || !a->cert || !a->cert_len || (!a->key && !a->key_error)) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    client_cert_clear(c);
    der.data = (unsigned char *)(uintptr_t)a->cert;
    der.size = a->cert_len;
    if (gnutls_pcert_import_x509_raw(&c->client_pcert, &der, GNUTLS_X509_FMT_DER, 0) < 0)
    {
        a->ret = ERROR_INVALID_PARAMETER;
        return 0;
    }
    c->has_client_cert = 1;
    c->client_key_error = a->key_error;
    if (a->key && import_rsa_blob((const unsigned char *)(uintptr_t)a->key, a->key_len, &c->client_key))
    {
        c->client_key = NULL;
        c->client_key_error = ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY;  /* not a key we can use */
    }
    a->ret = ERROR_SUCCESS;
    return 0;
}

static unsigned int w_tls_issuer(void *args)
{
    struct whnet_peer_cert_args *a = args;
    struct conn *c = to_conn(a->conn);

    a->size = 0;
    if (!c) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (a->index >= c->n_issuers) { a->ret = ERROR_NO_MORE_ITEMS; return 0; }
    a->size = c->issuers[a->index].size;
    if (a->len < a->size || !a->buf) { a->ret = ERROR_INSUFFICIENT_BUFFER; return 0; }
    memcpy((void *)(uintptr_t)a->buf, c->issuers[a->index].data, a->size);
    a->ret = ERROR_SUCCESS;
    return 0;
}

typedef unsigned int (*whnet_unix_fn)(void *args);

/* whnet_inflate.c */
unsigned int whnet_inflate_create(void *args);
unsigned int whnet_inflate(void *args);
unsigned int whnet_inflate_free(void *args);

const whnet_unix_fn __wine_unix_call_funcs[WHNET_CALL_COUNT] =
{
    w_connect,
    w_tls_handshake,
    w_send,
    w_recv,
    w_shutdown_send,
    w_cancel,
    w_close,
    w_random,
    w_watch,
    w_wait_events,
    w_send_nowait,
    w_watch_write,
    w_connect_start,
    w_connect_continue,
    w_tls_step,
    w_tls_set_protocols,
    w_peer_certificate,
    w_tls_info,
    w_tls_check_revocation,
    w_addresses,
    w_tls_set_resume_key,
    w_tls_forget,
    whnet_inflate_create,
    whnet_inflate,
    whnet_inflate_free,
    w_tls_set_client_cert,
    w_tls_issuer,
};
