/*
 * The session's cookie store (issue 12 part 3): the Set-Cookie fields of
 * every final response (also 3xx, 401 and 101) go into the session's jar,
 * and every request the session sends (the first, a redirect's, an
 * authentication answer's, a WebSocket upgrade) carries the cookies that
 * match it; see codec/cookie.c for RFC 6265's rules.  Sessions do not
 * share cookies.  WINHTTP_DISABLE_COOKIES (WINHTTP_OPTION_DISABLE_FEATURE)
 * turns both storing and sending off for the request it is set on.  A
 * Cookie header the application added is sent as given, with the store's
 * cookies after its value (Wine's tests, checked on Windows:
 * "Cookie: name=value2; NAME=value; name=value").
 * Expiry uses the system clock (UTC); the jar is guarded by an SRW lock
 * because the requests of one session may run on several threads.
 */
#include "private.h"
#include "codec/cookie.h"

struct cookie_store
{
    SRWLOCK lock;
    cookie_jar jar;
};

/* the session's store, made on first use */
static struct cookie_store *get_store(struct session *s)
{
    struct cookie_store *store = s->cookies, *mine;

    if (store) return store;
    if (!(mine = heap_alloc_zero(sizeof(*mine)))) return NULL;
    InitializeSRWLock(&mine->lock);
    cookie_jar_init(&mine->jar);
    if ((store = InterlockedCompareExchangePointer((void **)&s->cookies, mine, NULL)))
    {
        heap_free(mine);
        return store;
    }
    return mine;
}

void cookie_store_free(struct session *s)
{
    if (!s->cookies) return;
    cookie_jar_clear(&s->cookies->jar);
    heap_free(s->cookies);
    s->cookies = NULL;
}

/* seconds since 1970, UTC */
static int64_t clock_now(void)
{
    FILETIME ft;
    ULARGE_INTEGER t;

    GetSystemTimeAsFileTime(&ft);
    t.LowPart = ft.dwLowDateTime;
    t.HighPart = ft.dwHighDateTime;
    return (int64_t)(t.QuadPart / 10000000) - 11644473600LL;
}

static BOOL cookies_on(const struct request *r)
{
    return !(r->disabled_features & WINHTTP_DISABLE_COOKIES);
}

/* a response header's bytes as they came (headers are kept byte for WCHAR) */
static char *raw_bytes(const WCHAR *v, size_t *len)
{
    size_t n = wcslen(v), i;
    char *b = heap_alloc(n + 1);

    if (!b) return NULL;
    for (i = 0; i < n; i++) b[i] = v[i] < 0x100 ? (char)v[i] : '?';
    b[n] = 0;
    *len = n;
    return b;
}

/* the host and the path of r's current target (after redirects), UTF-8 */
static BOOL target_of(const struct request *r, char **host, char **path)
{
    *host = strdupWA(request_server(r));
    *path = strdupWA(r->path);
    if (*host && *path) return TRUE;
    heap_free(*host);
    heap_free(*path);
    return FALSE;
}

void cookies_from_response(struct request *r)
{
    struct cookie_store *store;
    char *host, *path;
    int64_t now;
    int i;

    if (!cookies_on(r) || headers_find(&r->resp_headers, L"Set-Cookie", 0) < 0) return;
    if (!(store = get_store(r->connect->session)) || !target_of(r, &host, &path)) return;
    now = clock_now();
    AcquireSRWLockExclusive(&store->lock);
    for (i = headers_find(&r->resp_headers, L"Set-Cookie", 0); i >= 0;
         i = headers_find(&r->resp_headers, L"Set-Cookie", i + 1))
    {
        size_t len;
        char *v = raw_bytes(r->resp_headers.items[i].value, &len);
        int rc;
        if (!v) break;
        rc = cookie_jar_set(&store->jar, v, len, host, strlen(host), path, strlen(path), now);
        TRACE("%s%s: %s -> %d\n", host, path, v, rc);
        heap_free(v);
    }
    ReleaseSRWLockExclusive(&store->lock);
    heap_free(host);
    heap_free(path);
}

char *cookies_for_request(struct request *r)
{
    struct cookie_store *store = r->connect->session->cookies;
    BOOL secure = (r->open_flags & WINHTTP_FLAG_SECURE) != 0;
    char *host, *path, *out = NULL;
    int64_t now;
    size_t n;

    if (!cookies_on(r) || !store || !target_of(r, &host, &path)) return NULL;
    now = clock_now();
    AcquireSRWLockExclusive(&store->lock);
    n = cookie_jar_header(&store->jar, host, strlen(host), path, strlen(path), secure, now, NULL, 0);
    if (n && (out = heap_alloc(n + 1)))
        cookie_jar_header(&store->jar, host, strlen(host), path, strlen(path), secure, now, out, n + 1);
    ReleaseSRWLockExclusive(&store->lock);
    heap_free(host);
    heap_free(path);
    return out;
}
