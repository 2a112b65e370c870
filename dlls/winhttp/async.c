/*
 * The machinery behind asynchronous mode and WebSocket timers:
 *
 * - a private thread pool (at most POOL_MAX_THREADS threads) that runs work
 *   items: asynchronous HTTP steps, WebSocket steps, keep-alive pings;
 * - poller threads (leader/follower, at most POLLER_MAX_THREADS) that wait
 *   on the transport's poller themselves (connections an object watches,
 *   e.g. a WebSocket with a receive pending) and run the object's
 *   vtbl->readable -- and with it the application's callback -- on the
 *   thread that woke up, without a hand-off to another thread.  Before a
 *   poller runs anything, it makes sure another thread waits on the poller:
 *   a poller that was waiting, or a new one; when neither can be had, it
 *   stays the waiter and hands the work to the pool, as all of it went
 *   before (so a callback may still block, or close handles, as long as it
 *   likes: the others' events are still seen);
 * - one timer thread that, every TICK_MS while objects are registered, runs
 *   their vtbl->timer (keep-alive, Close timeouts).  It sleeps on a
 *   condition variable (in-process under Wine, where an event costs a
 *   wineserver call per wake) and keeps ticking for TIMER_LINGER_TICKS after
 *   the last object left, so that a program opening one connection after
 *   another does not wake it for each.
 * It knows objects only through those two calls.
 *
 * Measured (bench, issue 14): the hand-off from one dispatcher thread to a
 * pool thread cost one more thread wake-up per asynchronous receive that
 * waits; README, Performance, has the figures.
 *
 * All start at first use and live until the process ends (the DLL pins
 * itself then, so the threads never outlive its code).
 */
#include "private.h"

/* at most 17 threads in all (the scale group checks it) */
#define POOL_MAX_THREADS 12
#define POLLER_MAX_THREADS 4
#define TICK_MS 250
#define TIMER_LINGER_TICKS 40  /* 10 s */

static PTP_POOL pool;
static TP_CALLBACK_ENVIRON pool_env;
static INIT_ONCE start_once = INIT_ONCE_STATIC_INIT;
static BOOL started;
static CONDITION_VARIABLE timer_cv = CONDITION_VARIABLE_INIT;  /* the timer thread sleeps on it */
static BOOL timer_asleep;      /* without a timeout: timers_add must wake it */

/* poller threads: started, and waiting on the poller right now */
static LONG pollers, pollers_waiting;

/* handles of the objects that need timers */
static SRWLOCK timers_lock = SRWLOCK_INIT;
static HINTERNET *timer_handles;
static DWORD timer_count, timer_capacity;

struct task
{
    task_fn fn;
    void *ctx;
    ULONGLONG arg;
};

static void CALLBACK run_task(PTP_CALLBACK_INSTANCE instance, void *param)
{
    struct task *t = param;
    t->fn(t->ctx, t->arg);
    heap_free(t);
}

static void run_timers(void)
{
    HINTERNET local[256], *handles = local;
    ULONGLONG now = GetTickCount64();
    DWORD i, n;

    AcquireSRWLockShared(&timers_lock);
    n = timer_count;
    if (n > ARRAYSIZE(local) && !(handles = heap_alloc(n * sizeof(*handles)))) n = 0;
    if (n) memcpy(handles, timer_handles, n * sizeof(*handles));
    ReleaseSRWLockShared(&timers_lock);
    for (i = 0; i < n; i++)
    {
        struct object *obj = grab_object(handles[i]);
        if (!obj) continue;
        if (obj->vtbl->timer) obj->vtbl->timer(obj, now);
        release_object(obj);
    }
    if (handles != local) heap_free(handles);
}

/* on the pool: the object behind a poller token, if it still exists */
static void readable_task(void *ctx, ULONGLONG token)
{
    struct object *obj = grab_object((HINTERNET)(ULONG_PTR)(token >> 32));
    if (!obj) return;  /* closed meanwhile: its close ended what was pending */
    if (obj->vtbl->readable) obj->vtbl->readable(obj, (DWORD)token);
    release_object(obj);
}

static DWORD WINAPI timer_thread(void *arg)
{
    ULONGLONG next_tick = 0;
    DWORD idle_ticks = 0;

    for (;;)
    {
        ULONGLONG now;
        DWORD count;

        AcquireSRWLockExclusive(&timers_lock);
        if (timer_count) idle_ticks = 0;
        else if (idle_ticks < TIMER_LINGER_TICKS) idle_ticks++;
        timer_asleep = !timer_count && idle_ticks >= TIMER_LINGER_TICKS;
        SleepConditionVariableSRW(&timer_cv, &timers_lock, timer_asleep ? INFINITE : TICK_MS, 0);
        timer_asleep = FALSE;
        count = timer_count;
        ReleaseSRWLockExclusive(&timers_lock);
        now = GetTickCount64();
        if (count && now >= next_tick)
        {
            next_tick = now + TICK_MS;
            run_timers();
        }
    }
    return 0;
}

static DWORD WINAPI poller_thread(void *arg);

/* One more poller thread, unless there are POLLER_MAX_THREADS already. */
static BOOL poller_add(void)
{
    HANDLE thread;
    LONG n = pollers;

    do
    {
        if (n >= POLLER_MAX_THREADS) return FALSE;
    } while (InterlockedCompareExchange(&pollers, n + 1, n) != n && (n = pollers, TRUE));
    /* counted as waiting from now on, so that it is not added twice */
    InterlockedIncrement(&pollers_waiting);
    if ((thread = CreateThread(NULL, 0, poller_thread, NULL, 0, NULL)))
    {
        CloseHandle(thread);
        return TRUE;
    }
    InterlockedDecrement(&pollers_waiting);
    InterlockedDecrement(&pollers);
    return FALSE;
}

static DWORD WINAPI poller_thread(void *arg)
{
    const struct whnet_ops *t = transport_get();
    ULONGLONG token;
    uint32_t count;

    for (;;)
    {
        /* pollers_waiting counts this thread already (poller_add, or below) */
        if (t->wait_events((uint64_t *)&token, 1, WHNET_INFINITE, &count))
        {
            Sleep(TICK_MS);
            continue;
        }
        if (!count) continue;
        /* someone else must wait on the poller while this thread runs the
         * object's step (which may call back into the application) */
        if (InterlockedDecrement(&pollers_waiting) > 0 || poller_add())
        {
            readable_task(NULL, token);
            InterlockedIncrement(&pollers_waiting);
        }
        else
        {
            InterlockedIncrement(&pollers_waiting);
            queue_readable(token);
        }
    }
    return 0;
}

static BOOL CALLBACK start(INIT_ONCE *once, void *param, void **ctx)
{
    HMODULE self;
    HANDLE thread;

    if (!transport_get()) return TRUE;
    if (!(pool = CreateThreadpool(NULL))) return TRUE;
    SetThreadpoolThreadMaximum(pool, POOL_MAX_THREADS);
    if (!SetThreadpoolThreadMinimum(pool, 1)) WARN("no minimum thread count\n");
    InitializeThreadpoolEnvironment(&pool_env);
    SetThreadpoolCallbackPool(&pool_env, pool);
    /* the threads run our code until the process ends: stay loaded */
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                       (const WCHAR *)(void *)start, &self);
    if (!(thread = CreateThread(NULL, 0, timer_thread, NULL, 0, NULL))) return TRUE;
    CloseHandle(thread);
    /* two pollers from the start: while one runs a step, the other waits */
    if (!poller_add()) return TRUE;
    poller_add();
    started = TRUE;
    TRACE("thread pool (max %u threads), pollers (max %u) and timer thread started\n", POOL_MAX_THREADS,
          POLLER_MAX_THREADS);
    return TRUE;
}

BOOL async_start(void)
{
    InitOnceExecuteOnce(&start_once, start, NULL, NULL);
    return started;
}

BOOL queue_task(task_fn fn, void *ctx, ULONGLONG arg)
{
    struct task *t;

    if (!async_start() || !(t = heap_alloc(sizeof(*t)))) return FALSE;
    t->fn = fn;
    t->ctx = ctx;
    t->arg = arg;
    if (!TrySubmitThreadpoolCallback(run_task, t, &pool_env))
    {
        heap_free(t);
        return FALSE;
    }
    return TRUE;
}

/* The object behind a poll token goes on (vtbl->readable) on the pool, or
 * here when the pool cannot take it. */
void queue_readable(ULONGLONG token)
{
    if (!queue_task(readable_task, NULL, token)) readable_task(NULL, token);
}

BOOL timers_add(HINTERNET h)
{
    BOOL ok = TRUE, wake;

    if (!async_start()) return FALSE;
    AcquireSRWLockExclusive(&timers_lock);
    if (timer_count == timer_capacity)
    {
        DWORD cap = timer_capacity ? timer_capacity * 2 : 64;
        HINTERNET *p = heap_realloc(timer_handles, cap * sizeof(*p));
        if (p) { timer_handles = p; timer_capacity = cap; }
        else ok = FALSE;
    }
    if (ok) timer_handles[timer_count++] = h;
    wake = ok && timer_asleep;  /* waiting without a timeout */
    ReleaseSRWLockExclusive(&timers_lock);
    if (wake) WakeConditionVariable(&timer_cv);
    return ok;
}

void timers_remove(HINTERNET h)
{
    DWORD i;
    AcquireSRWLockExclusive(&timers_lock);
    for (i = 0; i < timer_count; i++)
    {
        if (timer_handles[i] != h) continue;
        timer_handles[i] = timer_handles[--timer_count];
        break;
    }
    ReleaseSRWLockExclusive(&timers_lock);
}

/* ---- callback nesting ---- */

static DWORD depth_tls = TLS_OUT_OF_INDEXES;
static INIT_ONCE depth_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK init_depth(INIT_ONCE *once, void *param, void **ctx)
{
    depth_tls = TlsAlloc();
    return TRUE;
}

/* Operations that complete inline call the application's callback from
 * inside the API call; an application that starts the next operation from
 * that callback would nest without bound.  Past MAX_INLINE_DEPTH nested
 * inline completions on one thread, completions go to the pool instead. */
#define MAX_INLINE_DEPTH 8

BOOL inline_enter(void)
{
    ULONG_PTR d;
    InitOnceExecuteOnce(&depth_once, init_depth, NULL, NULL);
    if (depth_tls == TLS_OUT_OF_INDEXES) return FALSE;
    d = (ULONG_PTR)TlsGetValue(depth_tls);
    if (d >= MAX_INLINE_DEPTH) return FALSE;
    TlsSetValue(depth_tls, (void *)(d + 1));
    return TRUE;
}

void inline_leave(void)
{
    ULONG_PTR d = (ULONG_PTR)TlsGetValue(depth_tls);
    if (d) TlsSetValue(depth_tls, (void *)(d - 1));
}
