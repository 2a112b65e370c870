/*
 * Handle table and object lifetime.
 *
 * A HINTERNET is an index into a table (index + 1, so NULL is never valid);
 * slots are given out round robin, so values are not reused at once.
 * Each object is reference counted: the table holds one reference until
 * WinHttpCloseHandle, every API call holds one while it runs, and a child
 * holds one on its parent, so memory outlives pending operations and
 * children may outlive the handles of their parents, as on Windows.
 */
#include "private.h"

static SRWLOCK table_lock = SRWLOCK_INIT;
static struct object **table;
static ULONG table_size, next_free;

void init_object(struct object *obj, DWORD type, const struct object_vtbl *vtbl, struct object *parent)
{
    obj->type = type;
    obj->refs = 1;
    obj->vtbl = vtbl;
    InitializeCriticalSection(&obj->cs);
    if (parent)
    {
        obj->parent = addref_object(parent);
        obj->callback = parent->callback;
        obj->notify_mask = parent->notify_mask;
        obj->flags = parent->flags;
        obj->context = parent->context;
    }
}

HINTERNET alloc_handle(struct object *obj)
{
    ULONG i = 0, n;
    HINTERNET h = NULL;

    AcquireSRWLockExclusive(&table_lock);
    /* round robin from the last slot given out: a value just closed is
     * reused only after the whole table, so a late callback for an old
     * handle is not mistaken for one about a new handle */
    for (n = 0; n < table_size; n++) if (!table[i = (next_free + n) % table_size]) break;
    if (n == table_size)
    {
        ULONG new_size = table_size ? table_size * 2 : 64;
        struct object **p = heap_realloc(table, new_size * sizeof(*p));
        if (!p) goto done;
        memset(p + table_size, 0, (new_size - table_size) * sizeof(*p));
        table = p;
        i = table_size;
        table_size = new_size;
    }
    table[i] = addref_object(obj);
    next_free = i + 1;
    h = (HINTERNET)(ULONG_PTR)(i + 1);
    obj->handle = h;
done:
    ReleaseSRWLockExclusive(&table_lock);
    if (h) TRACE("handle %p type %lu\n", h, obj->type);
    return h;
}

struct object *addref_object(struct object *obj)
{
    InterlockedIncrement(&obj->refs);
    return obj;
}

struct object *grab_object(HINTERNET h)
{
    ULONG_PTR i = (ULONG_PTR)h;
    struct object *obj = NULL;

    if (!i) return NULL;
    AcquireSRWLockShared(&table_lock);
    if (i - 1 < table_size && table[i - 1]) obj = addref_object(table[i - 1]);
    ReleaseSRWLockShared(&table_lock);
    return obj;
}

void release_object(struct object *obj)
{
    struct object *parent;
    if (!obj || InterlockedDecrement(&obj->refs)) return;
    TRACE("destroying object %p type %lu\n", obj->handle, obj->type);
    parent = obj->parent;
    if (obj->type == WINHTTP_HANDLE_TYPE_REQUEST) request_closing(obj);  /* its connection, to the pool */
    if (obj->handle && obj->callback && (obj->notify_mask & WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING))
    {
        HINTERNET h = obj->handle;
        obj->callback(h, obj->context, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, &h, sizeof(h));
    }
    DeleteCriticalSection(&obj->cs);
    obj->vtbl->destroy(obj);
    release_object(parent);
}

BOOL free_handle(HINTERNET h)
{
    ULONG_PTR i = (ULONG_PTR)h;
    struct object *obj = NULL;

    AcquireSRWLockExclusive(&table_lock);
    if (i && i - 1 < table_size && (obj = table[i - 1]))
    {
        table[i - 1] = NULL;
    }
    ReleaseSRWLockExclusive(&table_lock);
    if (!obj) return FALSE;
    obj->closed = TRUE;
    if (obj->vtbl->close) obj->vtbl->close(obj);
    release_object(obj);
    return TRUE;
}

void send_callback(struct object *obj, DWORD status, void *info, DWORD len)
{
    if (obj->callback && (obj->notify_mask & status))
    {
        TRACE("%p status 0x%08lx info %p len %lu\n", obj->handle, status, info, len);
        obj->callback(obj->handle, obj->context, status, info, len);
    }
}

struct object *grab_typed(HINTERNET h, DWORD type, DWORD *err)
{
    struct object *obj = grab_object(h);
    if (!obj) { *err = ERROR_INVALID_HANDLE; return NULL; }
    if (obj->type != type)
    {
        release_object(obj);
        *err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        return NULL;
    }
    *err = ERROR_SUCCESS;
    return obj;
}
