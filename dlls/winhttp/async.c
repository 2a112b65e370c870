/*
 * The machinery behind asynchronous mode and WebSocket timers:
 *
 * - a private thread pool (at most POOL_MAX_THREADS threads) that runs work
 *   items: asynchronous HTTP steps, WebSocket receive steps, keep-alive pings;
 * - one dispatcher thread that waits on the transport's poller (connections
 *   an object watches, e.g. a WebSocket with a receive pending: the object's
 *   vtbl->readable then runs on the pool) and, every TICK_MS while objects
 *   are registered, runs their vtbl->timer (keep-alive, Close timeouts).
 * It knows objects only through those two calls.
 *
 * Both start at first use and live until the process ends (the DLL pins
 * itself then, so the threads never outlive its code).
 */
#include "private.h"

#define POOL_MAX_THREADS 16
#define TICK_MS 250

static PTP_POOL pool;
static TP_CALLBACK_ENVIRON pool_env;
static INIT_ONCE start_once = INIT_ONCE_STATIC_INIT;
static BOOL started;

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

static DWORD WINAPI dispatcher(void *arg)
{
    const struct whnet_ops *t = transport_get();
    ULONGLONG tokens[64], next_tick = 0;
    uint32_t count, i;

    for (;;)
    {
        DWORD timeout = timer_count ? TICK_MS : WHNET_INFINITE;
        ULONGLONG now;
        if (t->wait_events((uint64_t *)tokens, ARRAYSIZE(tokens), timeout, &count))
        {
            Sleep(TICK_MS);
            count = 0;
        }
        for (i = 0; i < count; i++) if (!queue_task(readable_task, NULL, tokens[i])) readable_task(NULL, tokens[i]);
        now = GetTickCount64();
        if (timer_count && now >= next_tick)
        {
            next_tick = now + TICK_MS;
            run_timers();
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
    if (!(thread = CreateThread(NULL, 0, dispatcher, NULL, 0, NULL))) return TRUE;
    CloseHandle(thread);
    started = TRUE;
    TRACE("thread pool (max %u threads) and dispatcher started\n", POOL_MAX_THREADS);
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
    wake = timer_count == 1;
    ReleaseSRWLockExclusive(&timers_lock);
    if (ok && wake) transport_get()->wake();  /* the dispatcher may be waiting without a timeout */
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
