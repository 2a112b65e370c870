/*
 * winhttp_bench: the WinHTTP side of `make bench`.
 *
 *   winhttp_bench.exe --client NAME --mode sync|async --scheme ws|wss --port PORT
 *                     [--reps N] [--workloads LIST] [--bulk-mib M] [--idle N] [--path /PATH]
 *                     [--scale N] [--wineserver-pid PID]
 *
 * The same .exe runs through ./wine-winhttp (our winhttp.dll) and through
 * Wine's builtin winhttp; bench/run.sh starts the echo server and collects
 * the lines this prints:
 *
 *   result NAME-MODE SCHEME WORKLOAD VALUE UNIT
 *
 * Workloads (as bench/native/native_client.c does them, each repetition on
 * a fresh WebSocket, connection set-up not timed):
 *   rt16, rt1k, rt64k  sequential round trips of a 16-byte text message or a
 *                      1 KiB / 64 KiB binary message; mean us per round trip
 *                      over 0.5 s after 50 warm-up round trips
 *   bulk64k, bulk1m    M MiB sent in 64 KiB / 1 MiB binary messages while the
 *                      echoes are received (both directions at once); MiB/s
 *                      of payload in one direction (after an untimed 8 MiB run)
 *   idle               N WebSockets open and idle (in async mode each with a
 *                      Receive pending); resident KiB that each of the last
 *                      N/2 adds
 *   scale              N WebSockets (--scale, default 10,000) opened one after
 *                      another and kept open, idle (async: each with a Receive
 *                      pending): scale-open, ms to open all; scale-mem, as
 *                      idle; scale-srv, the same for the wineserver process
 *                      (--wineserver-pid; its VmRSS read through Z:\proc);
 *                      scale-threads, the growth of this process's thread
 *                      count (Z:\proc\self\status); then a 16-byte echo on
 *                      each, checked byte for byte (sync: one after another;
 *                      async: all sent at once, completions counted):
 *                      scale-echo, ms for all.  Any failure ends the run with
 *                      the socket's index and the error.
 *
 * Asynchronous mode chains the operations from the status callback, as an
 * asynchronous application does: the next round trip starts from the
 * completion of the previous one, the next Send from WRITE_COMPLETE, the
 * next Receive from READ_COMPLETE.
 *
 * Only the public WinHTTP API; TLS certificate errors are ignored through
 * WINHTTP_OPTION_SECURITY_FLAGS (the certificate is made at run time).
 */
#include <windows.h>
#include <winhttp.h>
#include <psapi.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT_WARMUP 50
#define RT_SECONDS 0.5
#define BULK_WARMUP_MIB 8
/* bulk16m: messages of 16 MiB and a bit, not a power of two */
#define BIG_MSG ((16u << 20) + 4097u)

static const char *client = "winhttp", *mode_name = "sync", *scheme = "ws";
static BOOL async_mode, secure;
static INTERNET_PORT port;
static WCHAR path[256] = L"/";
static HINTERNET session, connection;
static LARGE_INTEGER freq;

static double now_s(void)
{
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart / (double)freq.QuadPart;
}

static void die(const char *what, DWORD err)
{
    fprintf(stderr, "winhttp_bench %s-%s %s: %s failed, error %lu\n", client, mode_name, scheme, what, err);
    fflush(stderr);
    ExitProcess(1);
}

static void report(const char *workload, double value, const char *unit)
{
    printf("result %s-%s %s %s %.2f %s\n", client, mode_name, scheme, workload, value, unit);
    fflush(stdout);
}

/* the CPU cost of a workload: rt16 -> cpu-rt16 */
static void report_cpu(const char *workload, double value, const char *unit)
{
    printf("result %s-%s %s cpu-%s %.3f %s\n", client, mode_name, scheme, workload, value, unit);
    fflush(stdout);
}

/* user + kernel CPU seconds of this process so far (all its threads) */
static double cpu_s(void)
{
    FILETIME created, exited, kernel, user;
    ULARGE_INTEGER k, u;

    if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user)) return 0;
    k.LowPart = kernel.dwLowDateTime; k.HighPart = kernel.dwHighDateTime;
    u.LowPart = user.dwLowDateTime; u.HighPart = user.dwHighDateTime;
    return (double)(k.QuadPart + u.QuadPart) / 1e7;
}

/* ---- one WebSocket and its asynchronous state ---- */

enum job { JOB_NONE, JOB_RT, JOB_BULK, JOB_SCALE };

/* What the main thread waits on in asynchronous mode: an auto-reset flag
 * on a condition variable.  Not an event: under Wine each SetEvent and each
 * wait on an event is a wineserver request (two context switches), which
 * the benchmark would count against the DLL; a condition variable stays in
 * the process. */
struct signal
{
    SRWLOCK lock;
    CONDITION_VARIABLE cv;
    BOOL set;
};

static void signal_set(struct signal *g)
{
    AcquireSRWLockExclusive(&g->lock);
    g->set = TRUE;
    ReleaseSRWLockExclusive(&g->lock);
    WakeAllConditionVariable(&g->cv);
}

/* 0 when set (and now reset), else WAIT_TIMEOUT after ms */
static DWORD signal_wait(struct signal *g, DWORD ms)
{
    ULONGLONG end = GetTickCount64() + ms, now;
    DWORD ret = 0;

    AcquireSRWLockExclusive(&g->lock);
    while (!g->set)
    {
        if ((now = GetTickCount64()) >= end) { ret = WAIT_TIMEOUT; break; }
        SleepConditionVariableSRW(&g->cv, &g->lock, (DWORD)(end - now), 0);
    }
    g->set = FALSE;
    ReleaseSRWLockExclusive(&g->lock);
    return ret;
}

struct conn
{
    HINTERNET request, ws;
    struct signal step;          /* upgrade steps in async mode */
    struct signal done;          /* the timed job ended */
    volatile DWORD error;        /* first error of the job */
    enum job job;
    /* the message sent and the buffer it comes back into */
    BYTE *msg, *rbuf;
    DWORD len, rcap, got;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    /* out parameters of asynchronous receives (the callback reports the result) */
    DWORD unused_read;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE unused_type;
    /* round trips */
    volatile LONG pending;       /* completions left before the next round trip */
    LONG count, limit;           /* limit: round trips to make (0: for RT_SECONDS) */
    double deadline, start, end;
    double cpu_start, cpu_end;   /* cpu_s() over the timed part */
    /* bulk */
    LONG to_send, sent;
    ULONGLONG total, received;
    /* scale */
    LONG index;
};

/* scale, asynchronous echo: completions left (a write and a read per
 * socket), the first socket that failed, and what is signalled when either */
static volatile LONG scale_left, scale_failed = -1;
static struct signal scale_done;

static void scale_completion(void)
{
    if (!InterlockedDecrement(&scale_left)) signal_set(&scale_done);
}

/* An asynchronous Send or Receive may also say it is pending. */
static DWORD started(DWORD err)
{
    return err == ERROR_IO_PENDING ? ERROR_SUCCESS : err;
}

static void job_fail(struct conn *c, DWORD err)
{
    if (!c->error) c->error = err ? err : ERROR_GEN_FAILURE;
    if (c->job == JOB_SCALE)
    {
        InterlockedCompareExchange(&scale_failed, c->index, -1);
        signal_set(&scale_done);
        return;
    }
    signal_set(&c->done);
}

static void rt_round(struct conn *c);

/* one of the two completions of a round trip (the write, the whole echo) */
static void rt_half_done(struct conn *c)
{
    if (InterlockedDecrement(&c->pending)) return;
    c->count++;
    if (c->limit)
    {
        if (c->count >= c->limit) signal_set(&c->done);
        else rt_round(c);
        return;
    }
    if (c->count == RT_WARMUP)
    {
        c->start = now_s();
        c->cpu_start = cpu_s();
        c->deadline = c->start + RT_SECONDS;
    }
    if (c->count > RT_WARMUP && (c->end = now_s()) >= c->deadline)
    {
        c->cpu_end = cpu_s();
        signal_set(&c->done);
        return;
    }
    rt_round(c);
}

static void rt_round(struct conn *c)
{
    DWORD err;
    c->got = 0;
    c->pending = 2;
    if ((err = started(WinHttpWebSocketReceive(c->ws, c->rbuf, c->rcap, &c->unused_read, &c->unused_type))))
    {
        job_fail(c, err);
        return;
    }
    if ((err = started(WinHttpWebSocketSend(c->ws, c->type, c->msg, c->len)))) job_fail(c, err);
}

static void bulk_send_next(struct conn *c)
{
    DWORD err;
    if (InterlockedIncrement(&c->sent) > c->to_send) return;
    if ((err = started(WinHttpWebSocketSend(c->ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, c->msg, c->len))))
        job_fail(c, err);
}

static void on_read(struct conn *c, const WINHTTP_WEB_SOCKET_STATUS *st)
{
    DWORD err;
    BOOL whole = st->eBufferType == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE
                 || st->eBufferType == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;

    if (st->eBufferType == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE) { job_fail(c, ERROR_CONNECTION_ABORTED); return; }
    if (c->job == JOB_RT)
    {
        c->got += st->dwBytesTransferred;
        if (!whole)
        {
            if ((err = started(WinHttpWebSocketReceive(c->ws, c->rbuf + c->got, c->rcap - c->got, &c->unused_read,
                                                      &c->unused_type))))
                job_fail(c, err);
            return;
        }
        if (c->got != c->len) { job_fail(c, ERROR_INVALID_DATA); return; }
        rt_half_done(c);
    }
    else if (c->job == JOB_BULK)
    {
        c->received += st->dwBytesTransferred;
        if (c->received >= c->total)
        {
            c->end = now_s();
            signal_set(&c->done);
            return;
        }
        if ((err = started(WinHttpWebSocketReceive(c->ws, c->rbuf, c->rcap, &c->unused_read, &c->unused_type))))
            job_fail(c, err);
    }
    else if (c->job == JOB_SCALE)
    {
        c->got += st->dwBytesTransferred;
        if (!whole && c->got < c->rcap)
        {
            if ((err = started(WinHttpWebSocketReceive(c->ws, c->rbuf + c->got, c->rcap - c->got, &c->unused_read,
                                                      &c->unused_type))))
                job_fail(c, err);
            return;
        }
        if (st->eBufferType != WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || !c->msg || c->got != c->len
            || memcmp(c->rbuf, c->msg, c->len))
            job_fail(c, ERROR_INVALID_DATA);
        else
            scale_completion();
    }
}

static void CALLBACK callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    struct conn *c = (struct conn *)ctx;

    if (!c) return;
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
        signal_set(&c->step);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        if (h == c->ws && c->ws)
        {
            const WINHTTP_WEB_SOCKET_ASYNC_RESULT *r = info;
            if (c->job != JOB_NONE && r->AsyncResult.dwError != ERROR_WINHTTP_OPERATION_CANCELLED)
            {
                fprintf(stderr, "winhttp_bench: REQUEST_ERROR for websocket operation %d\n", r->Operation);
                job_fail(c, r->AsyncResult.dwError);
            }
        }
        else
        {
            const WINHTTP_ASYNC_RESULT *r = info;
            c->error = r->dwError ? r->dwError : ERROR_GEN_FAILURE;
            signal_set(&c->step);
        }
        break;
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        if (h != c->ws || !c->ws) break;
        if (c->job == JOB_RT) rt_half_done(c);
        else if (c->job == JOB_BULK) bulk_send_next(c);
        else if (c->job == JOB_SCALE) scale_completion();
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        if (h == c->ws && c->ws && len >= sizeof(WINHTTP_WEB_SOCKET_STATUS)) on_read(c, info);
        break;
    }
}

/* Connection set-up (not timed): request, upgrade, websocket handle. */
static struct conn *ws_open(void)
{
    struct conn *c = calloc(1, sizeof(*c));
    DWORD flags, status = 0, size = sizeof(status);

    if (!c) die("calloc", 0);
    InitializeSRWLock(&c->step.lock);
    InitializeConditionVariable(&c->step.cv);
    InitializeSRWLock(&c->done.lock);
    InitializeConditionVariable(&c->done.cv);
    if (!(c->request = WinHttpOpenRequest(connection, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                          WINHTTP_DEFAULT_ACCEPT_TYPES, secure ? WINHTTP_FLAG_SECURE : 0)))
        die("WinHttpOpenRequest", GetLastError());
    if (secure)
    {
        flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID
                | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
        if (!WinHttpSetOption(c->request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags)))
            die("WINHTTP_OPTION_SECURITY_FLAGS", GetLastError());
    }
    if (!WinHttpSetOption(c->request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0))
        die("WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET", GetLastError());
    if (!WinHttpSendRequest(c->request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, NULL, 0, 0, (DWORD_PTR)c))
        die("WinHttpSendRequest", GetLastError());
    if (async_mode && (signal_wait(&c->step, 30000) || c->error)) die("SENDREQUEST_COMPLETE", c->error);
    if (!WinHttpReceiveResponse(c->request, NULL)) die("WinHttpReceiveResponse", GetLastError());
    if (async_mode && (signal_wait(&c->step, 30000) || c->error)) die("HEADERS_AVAILABLE", c->error);
    if (!WinHttpQueryHeaders(c->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX))
        die("WinHttpQueryHeaders", GetLastError());
    if (status != 101) die("upgrade (status is not 101)", status);
    if (!(c->ws = WinHttpWebSocketCompleteUpgrade(c->request, (DWORD_PTR)c)))
        die("WinHttpWebSocketCompleteUpgrade", GetLastError());
    WinHttpCloseHandle(c->request);
    c->request = NULL;
    return c;
}

/* A WebSocket for a job on len-byte messages, with the message and the
 * buffer its echo comes back into. */
static struct conn *ws_open_for(DWORD len)
{
    struct conn *c = ws_open();

    c->len = len;
    c->rcap = len;
    if (!(c->msg = malloc(len)) || !(c->rbuf = malloc(len))) die("malloc", 0);
    return c;
}

/* Closing without the close handshake; the struct stays allocated, as a
 * cancelled receive may still be reported for it. */
static void ws_drop(struct conn *c)
{
    c->job = JOB_NONE;
    WinHttpCloseHandle(c->ws);
}

/* ---- workloads ---- */

static void receive_whole(struct conn *c)
{
    DWORD got, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;

    c->got = 0;
    do
    {
        if ((err = WinHttpWebSocketReceive(c->ws, c->rbuf + c->got, c->rcap - c->got, &got, &t)))
            die("WinHttpWebSocketReceive", err);
        c->got += got;
    } while (t == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE || t == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE);
    if (t == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE) die("echo (the server closed)", 0);
    if (c->got != c->len) die("echo (wrong length)", c->got);
}

static double last_cpu;
static double run_setup(void);  /* CPU cost of the last run_rt / run_bulk: s per 100,000 round trips / per GiB */

static double run_rt(DWORD len)
{
    struct conn *c = ws_open_for(len);
    double elapsed;
    DWORD err, i;

    for (i = 0; i < len; i++) c->msg[i] = len <= 16 ? 'a' + i % 26 : (BYTE)(i * 7);
    c->type = len <= 16 ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    if (async_mode)
    {
        c->job = JOB_RT;
        rt_round(c);
        if (signal_wait(&c->done, 120000)) die("round trips (timed out)", 0);
        if (c->error) die("round trips", c->error);
        elapsed = c->end - c->start;
        c->count -= RT_WARMUP;
    }
    else
    {
        c->count = 0;
        for (;;)
        {
            if (c->count == RT_WARMUP)
            {
                c->start = now_s();
                c->cpu_start = cpu_s();
            }
            if ((err = WinHttpWebSocketSend(c->ws, c->type, c->msg, len))) die("WinHttpWebSocketSend", err);
            receive_whole(c);
            c->count++;
            if (c->count > RT_WARMUP && (c->end = now_s()) - c->start >= RT_SECONDS) break;
        }
        c->cpu_end = cpu_s();
        elapsed = c->end - c->start;
        c->count -= RT_WARMUP;
    }
    if (len <= 16 && memcmp(c->msg, c->rbuf, len)) die("echo (different bytes)", 0);
    ws_drop(c);
    last_cpu = (c->cpu_end - c->cpu_start) * 100000.0 / c->count;
    return elapsed * 1e6 / c->count;
}

/* One connection's life: open (TCP, TLS, upgrade), one 16-byte round trip,
 * close handshake, handles closed. */
static void setup_once(void)
{
    struct conn *c = ws_open_for(16);
    DWORD err;

    memcpy(c->msg, "0123456789abcdef", 16);
    c->type = WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
    if (async_mode)
    {
        c->job = JOB_RT;
        c->limit = 1;
        rt_round(c);
        if (signal_wait(&c->done, 30000) || c->error) die("setup round trip", c->error);
        c->job = JOB_NONE;
        if ((err = started(WinHttpWebSocketClose(c->ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0))))
            die("WinHttpWebSocketClose", err);
        if (signal_wait(&c->step, 30000) || c->error) die("CLOSE_COMPLETE", c->error);
    }
    else
    {
        if ((err = WinHttpWebSocketSend(c->ws, c->type, c->msg, 16))) die("WinHttpWebSocketSend", err);
        receive_whole(c);
        if ((err = WinHttpWebSocketClose(c->ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0)))
            die("WinHttpWebSocketClose", err);
    }
    WinHttpCloseHandle(c->ws);
}

/* Connection set-up, one after the other: us per connection; the CPU cost
 * per 1,000 connections in last_cpu. */
static double run_setup(void)
{
    double start, end, cpu;
    LONG count = 0, i;

    for (i = 0; i < 5; i++) setup_once();
    start = now_s();
    cpu = cpu_s();
    do
    {
        setup_once();
        count++;
        end = now_s();
    } while (count < 20 || end - start < RT_SECONDS);
    last_cpu = (cpu_s() - cpu) * 1000.0 / count;
    return (end - start) * 1e6 / count;
}

static DWORD WINAPI bulk_sender(void *arg)
{
    struct conn *c = arg;
    DWORD err;
    LONG i;

    for (i = 0; i < c->to_send; i++)
        if ((err = WinHttpWebSocketSend(c->ws, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, c->msg, c->len)))
        {
            c->error = err;
            break;
        }
    return 0;
}

static double run_bulk(DWORD len, DWORD mib)
{
    struct conn *c = ws_open_for(len);
    DWORD got, err, i;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE t;
    HANDLE sender;

    for (i = 0; i < len; i++) c->msg[i] = (BYTE)(i * 13);
    c->to_send = (LONG)((ULONGLONG)mib * 1048576 / len);
    if (!c->to_send) c->to_send = 1;
    c->total = (ULONGLONG)c->to_send * len;
    if (async_mode)
    {
        c->job = JOB_BULK;
        if ((err = started(WinHttpWebSocketReceive(c->ws, c->rbuf, c->rcap, &c->unused_read, &c->unused_type))))
            die("WinHttpWebSocketReceive", err);
        c->start = now_s();
        c->cpu_start = cpu_s();
        bulk_send_next(c);
        if (signal_wait(&c->done, 300000)) die("bulk (timed out)", 0);
        if (c->error) die("bulk", c->error);
    }
    else
    {
        c->start = now_s();
        c->cpu_start = cpu_s();
        if (!(sender = CreateThread(NULL, 0, bulk_sender, c, 0, NULL))) die("CreateThread", GetLastError());
        while (c->received < c->total)
        {
            if ((err = WinHttpWebSocketReceive(c->ws, c->rbuf, c->rcap, &got, &t))) die("WinHttpWebSocketReceive", err);
            if (t == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE) die("bulk (the server closed)", 0);
            c->received += got;
        }
        c->end = now_s();
        WaitForSingleObject(sender, INFINITE);
        CloseHandle(sender);
        if (c->error) die("WinHttpWebSocketSend", c->error);
    }
    if (c->received != c->total) die("bulk (wrong byte count)", (DWORD)c->received);
    c->cpu_end = cpu_s();
    last_cpu = (c->cpu_end - c->cpu_start) * 1073741824.0 / (double)c->total;
    ws_drop(c);
    return (double)c->total / 1048576.0 / (c->end - c->start);
}

static SIZE_T resident(void)
{
    PROCESS_MEMORY_COUNTERS pmc;
    memset(&pmc, 0, sizeof(pmc));
    pmc.cb = sizeof(pmc);
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof(pmc))) die("GetProcessMemoryInfo", GetLastError());
    return pmc.WorkingSetSize;
}

/* The cost of one more idle WebSocket, measured as bench/native does: n/2
 * are opened first (one-time set-up, memory the heaps already hold), then
 * the resident memory the other n - n/2 add, divided by their number. */
static double run_idle(int n)
{
    struct conn **conns = calloc(n, sizeof(*conns));
    SIZE_T mid = 0, after;
    DWORD err;
    int i, half = n / 2;

    if (n < 2) die("--idle below 2", 0);
    for (i = 0; i < n; i++)
    {
        if (i == half)
        {
            Sleep(100);
            mid = resident();
        }
        conns[i] = ws_open();
        if (async_mode)
        {
            conns[i]->rcap = 16;
            conns[i]->rbuf = malloc(16);
            if ((err = started(WinHttpWebSocketReceive(conns[i]->ws, conns[i]->rbuf, 16, &conns[i]->unused_read,
                                                       &conns[i]->unused_type))))
                die("WinHttpWebSocketReceive", err);
        }
    }
    Sleep(100);
    after = resident();
    for (i = 0; i < n; i++) ws_drop(conns[i]);
    return (double)(after > mid ? after - mid : 0) / 1024.0 / (n - half);
}

/* ---- scale ---- */

#define SCALE_FD_SPARE 256  /* descriptors beyond one per socket (Wine's own) */

static DWORD wineserver_pid;  /* --wineserver-pid: 0 if not given */

/* The number after FIELD on its line of a Unix /proc file (through Wine's
 * drive Z:), or -1 if the file or the line is not there. */
static LONGLONG proc_number(const char *file, const char *field)
{
    FILE *f = fopen(file, "r");
    size_t fl = strlen(field);
    char line[256], *p;
    LONGLONG v = -1;

    if (!f) return -1;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, field, fl))
        {
            for (p = line + fl; *p == ' ' || *p == '\t'; p++);
            v = !strncmp(p, "unlimited", 9) ? LLONG_MAX : _strtoi64(p, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

static LONGLONG thread_count(void)
{
    LONGLONG n = proc_number("Z:\\proc\\self\\status", "Threads:");
    if (n < 0) die("scale: reading Threads: from Z:\\proc\\self\\status", GetLastError());
    return n;
}

/* wineserver's resident KiB, 0 when its pid was not given */
static LONGLONG wineserver_kib(void)
{
    char file[64];
    LONGLONG kib;

    if (!wineserver_pid) return 0;
    snprintf(file, sizeof(file), "Z:\\proc\\%lu\\status", wineserver_pid);
    if ((kib = proc_number(file, "VmRSS:")) < 0) die("scale: reading VmRSS: of the wineserver from Z:\\proc", 0);
    return kib;
}

static void scale_die(LONG index, const char *what, DWORD err)
{
    char msg[160];
    snprintf(msg, sizeof(msg), "scale: socket %ld: %s", index, what);
    die(msg, err);
}

/* N WebSockets open at once, then an echo on each (see the top of the
 * file); memory measured as run_idle does. */
static void run_scale(LONG n)
{
    struct conn **conns = calloc(n, sizeof(*conns)), *c;
    LONGLONG files = proc_number("Z:\\proc\\self\\limits", "Max open files"), threads, srv_mid = 0, srv_after;
    SIZE_T mid = 0, after;
    double t0, t, paused = 0, t_open;
    DWORD err, got;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    LONG i, half = n / 2;

    if (!conns) die("calloc", 0);
    if (n < 2) die("--scale below 2", 0);
    /* the descriptor limit Wine runs with (it raises it to the hard limit) */
    if (files >= 0 && files < (LONGLONG)n + SCALE_FD_SPARE)
    {
        fprintf(stderr, "winhttp_bench %s-%s %s: scale: %ld sockets need %ld descriptors, the limit is %lld "
                        "(ulimit -Hn); no figures\n", client, mode_name, scheme, n, n + SCALE_FD_SPARE, files);
        ExitProcess(1);
    }
    threads = thread_count();
    t0 = now_s();
    for (i = 0; i < n; i++)
    {
        if (i == half)
        {
            t = now_s();
            Sleep(100);
            mid = resident();
            srv_mid = wineserver_kib();
            paused = now_s() - t;
        }
        conns[i] = c = ws_open();
        c->index = i;
        c->job = JOB_SCALE;
        if (async_mode)
        {
            c->rcap = 32;
            if (!(c->rbuf = malloc(c->rcap))) die("malloc", 0);
            if ((err = started(WinHttpWebSocketReceive(c->ws, c->rbuf, c->rcap, &c->unused_read, &c->unused_type))))
                scale_die(i, "WinHttpWebSocketReceive", err);
        }
    }
    t_open = now_s() - t0 - paused;
    Sleep(100);
    after = resident();
    srv_after = wineserver_kib();
    threads = thread_count() - threads;
    report("scale-open", t_open * 1e3, "ms");
    report("scale-mem", (double)(after > mid ? after - mid : 0) / 1024.0 / (n - half), "KiB");
    if (wineserver_pid)
        report("scale-srv", (double)(srv_after > srv_mid ? srv_after - srv_mid : 0) / (n - half), "KiB");
    report("scale-threads", (double)threads, "threads");

    /* the messages: "echo " and the index in 11 digits, 16 bytes */
    for (i = 0; i < n; i++)
    {
        char text[32];
        c = conns[i];
        c->len = 16;
        if (!(c->msg = malloc(c->len))) die("malloc", 0);
        snprintf(text, sizeof(text), "echo %011ld", i);
        memcpy(c->msg, text, c->len);
    }
    t0 = now_s();
    if (async_mode)
    {
        scale_left = 2 * n;
        for (i = 0; i < n; i++)
            if ((err = started(WinHttpWebSocketSend(conns[i]->ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
                                                    conns[i]->msg, conns[i]->len))))
                scale_die(i, "WinHttpWebSocketSend", err);
        err = signal_wait(&scale_done, 300000);
        /* a socket that failed earlier (data while idle) is said first */
        if (scale_failed >= 0) scale_die(scale_failed, "echo", conns[scale_failed]->error);
        if (err)
        {
            fprintf(stderr, "winhttp_bench %s-%s %s: scale: echoes timed out, %ld of %ld completions missing\n",
                    client, mode_name, scheme, scale_left, 2 * n);
            ExitProcess(1);
        }
    }
    else
    {
        for (i = 0; i < n; i++)
        {
            c = conns[i];
            c->rcap = 32;
            c->rbuf = c->rbuf ? c->rbuf : malloc(c->rcap);
            if (!c->rbuf) die("malloc", 0);
            if ((err = WinHttpWebSocketSend(c->ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, c->msg, c->len)))
                scale_die(i, "WinHttpWebSocketSend", err);
            c->got = 0;
            do
            {
                if ((err = WinHttpWebSocketReceive(c->ws, c->rbuf + c->got, c->rcap - c->got, &got, &type)))
                    scale_die(i, "WinHttpWebSocketReceive", err);
                c->got += got;
            } while (c->got < c->rcap && (type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
                                          || type == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE));
            if (type != WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || c->got != c->len
                || memcmp(c->rbuf, c->msg, c->len))
                scale_die(i, "echo (not the 16 bytes sent; the error is the buffer type)", type);
        }
    }
    report("scale-echo", (now_s() - t0) * 1e3, "ms");
    for (i = 0; i < n; i++) ws_drop(conns[i]);
}

int main(int argc, char **argv)
{
    const char *workloads = "rt16,rt1k,rt64k,bulk64k,bulk1m,idle";
    int i, r, reps = 3, idle = 1000, scale = 10000;
    DWORD mib = 128;
    char list[256], *w;

    for (i = 1; i + 1 < argc; i += 2)
    {
        if (!strcmp(argv[i], "--client")) client = argv[i + 1];
        else if (!strcmp(argv[i], "--mode")) mode_name = argv[i + 1];
        else if (!strcmp(argv[i], "--scheme")) scheme = argv[i + 1];
        else if (!strcmp(argv[i], "--port")) port = (INTERNET_PORT)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reps")) reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--workloads")) workloads = argv[i + 1];
        else if (!strcmp(argv[i], "--bulk-mib")) mib = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--idle")) idle = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--scale")) scale = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--wineserver-pid")) wineserver_pid = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--path")) MultiByteToWideChar(CP_UTF8, 0, argv[i + 1], -1, path, ARRAYSIZE(path));
        else break;
    }
    if (i < argc || !port || reps < 1 || !mib || idle < 1 || scale < 1
        || (strcmp(mode_name, "sync") && strcmp(mode_name, "async")) || (strcmp(scheme, "ws") && strcmp(scheme, "wss")))
    {
        fprintf(stderr, "usage: winhttp_bench --client NAME --mode sync|async --scheme ws|wss --port PORT "
                        "[--reps N] [--workloads LIST] [--bulk-mib M] [--idle N] [--path /PATH] "
                        "[--scale N] [--wineserver-pid PID]\n");
        return 2;
    }
    async_mode = !strcmp(mode_name, "async");
    secure = !strcmp(scheme, "wss");
    QueryPerformanceFrequency(&freq);

    if (!(session = WinHttpOpen(L"winhttp-bench/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                WINHTTP_NO_PROXY_BYPASS, async_mode ? WINHTTP_FLAG_ASYNC : 0)))
        die("WinHttpOpen", GetLastError());
    if (async_mode
        && WinHttpSetStatusCallback(session, callback,
                                    WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, 0)
               == WINHTTP_INVALID_STATUS_CALLBACK)
        die("WinHttpSetStatusCallback", GetLastError());
    if (!(connection = WinHttpConnect(session, L"127.0.0.1", port, 0))) die("WinHttpConnect", GetLastError());

    snprintf(list, sizeof(list), "%s", workloads);
    for (w = strtok(list, ","); w; w = strtok(NULL, ","))
    {
        if (!strcmp(w, "idle")) { report(w, run_idle(idle), "KiB"); continue; }
        if (!strcmp(w, "scale")) { run_scale(scale); continue; }
        /* one untimed transfer first: connection slow start, thread set-up */
        if (!strcmp(w, "bulk64k")) run_bulk(65536, BULK_WARMUP_MIB);
        if (!strcmp(w, "bulk1m")) run_bulk(1048576, BULK_WARMUP_MIB);
        for (r = 0; r < reps; r++)
        {
            if (!strcmp(w, "rt16")) report(w, run_rt(16), "us");
            else if (!strcmp(w, "setup")) report(w, run_setup(), "us");
            else if (!strcmp(w, "rt1k")) report(w, run_rt(1024), "us");
            else if (!strcmp(w, "rt64k")) report(w, run_rt(65536), "us");
            else if (!strcmp(w, "bulk64k")) report(w, run_bulk(65536, mib), "MiBps");
            else if (!strcmp(w, "bulk1m")) report(w, run_bulk(1048576, mib), "MiBps");
            else if (!strcmp(w, "bulk16m")) report(w, run_bulk(BIG_MSG, mib), "MiBps");
            else { fprintf(stderr, "winhttp_bench: unknown workload %s\n", w); return 2; }
            report_cpu(w, last_cpu, !strncmp(w, "bulk", 4) ? "s/GiB" : !strcmp(w, "setup") ? "s/1k" : "s/100k");
        }
    }
    WinHttpCloseHandle(connection);
    WinHttpCloseHandle(session);
    return 0;
}
