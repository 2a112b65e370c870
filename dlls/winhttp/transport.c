/*
 * Finding and loading the transport (whnet.dll + whnet.so).
 *
 * whnet.dll must be loaded as a Wine builtin for Wine to attach whnet.so to
 * it.  Measured with Wine 8.0: LoadLibrary by bare name finds it in the
 * prefix's system32 (where ./wine-winhttp and the install instructions put
 * it); a DLL that only sits in a WINEDLLPATH directory, or only in Wine's
 * own dll directory, must be loaded by full path.  Every load is by full
 * path (a bare name would take a whnet.dll planted in the program's
 * directory first); in order: the system directory, Wine's dll
 * directories (WINEDLLDIRn, below), each WINEDLLPATH entry
 * (<dir>\<arch>-windows\whnet.dll, then <dir>\whnet.dll), and the
 * directory winhttp.dll itself was loaded from.
 */
#include "private.h"

#ifdef _WIN64
#define PE_ARCH_DIR L"x86_64-windows"
#else
#define PE_ARCH_DIR L"i386-windows"
#endif

static const struct whnet_ops *ops;
static INIT_ONCE load_once = INIT_ONCE_STATIC_INIT;

typedef WCHAR *(CDECL *dos_name_fn)(const char *unix_name);

static const struct whnet_ops *try_module(HMODULE mod)
{
    whnet_get_ops_fn get;
    const struct whnet_ops *o;
    if (!mod) return NULL;
    get = (whnet_get_ops_fn)(void *)GetProcAddress(mod, "whnet_get_ops");
    if (get && (o = get(WHNET_INTERFACE_VERSION))) return o;
    FreeLibrary(mod);
    return NULL;
}

static const struct whnet_ops *try_path(const WCHAR *dir, const WCHAR *sub)
{
    WCHAR path[MAX_PATH * 2];
    const struct whnet_ops *o;
    size_t len = wcslen(dir);

    if (len + 40 >= ARRAYSIZE(path)) return NULL;
    wcscpy(path, dir);
    if (len && path[len - 1] != '\\') wcscat(path, L"\\");
    if (sub) { wcscat(path, sub); wcscat(path, L"\\"); }
    wcscat(path, L"whnet.dll");
    if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES) return NULL;
    o = try_module(LoadLibraryW(path));
    TRACE("tried %s: %s\n", dbg_w(path), o ? "ok" : "failed");
    return o;
}

static const struct whnet_ops *try_winedllpath(void)
{
    dos_name_fn to_dos = (dos_name_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_dos_file_name");
    char buf[4096];
    DWORD n = GetEnvironmentVariableA("WINEDLLPATH", buf, sizeof(buf));
    char *p, *next;

    if (!to_dos || !n || n >= sizeof(buf)) return NULL;
    for (p = buf; p && *p; p = next)
    {
        WCHAR *dos;
        const struct whnet_ops *o = NULL;
        if ((next = strchr(p, ':'))) *next++ = 0;
        if (!*p || !(dos = to_dos(p))) continue;
        if (!(o = try_path(dos, PE_ARCH_DIR))) o = try_path(dos, NULL);
        HeapFree(GetProcessHeap(), 0, dos);
        if (o) return o;
    }
    return NULL;
}

/* Wine puts its dll directories into the Win32 environment as WINEDLLDIR0
 * (its own lib dir), WINEDLLDIR1... (the WINEDLLPATH entries), as NT paths
 * ("\??\Z:\usr\lib\...").  This is how a winhttp.dll installed into
 * Wine's dll directory (make install) finds the transport installed beside
 * it: a bare-name load does not search Wine's dll directory for a DLL the
 * prefix's system32 lacks. */
static const struct whnet_ops *try_wine_dll_dirs(void)
{
    WCHAR name[16], dir[MAX_PATH];
    const struct whnet_ops *o;
    unsigned int i;

    for (i = 0; i < 32; i++)
    {
        const WCHAR *p = dir;
        DWORD n;
        WCHAR *d = name + 10;
        wcscpy(name, L"WINEDLLDIR");
        if (i >= 10) *d++ = L'0' + i / 10;
        *d++ = L'0' + i % 10;
        *d = 0;
        n = GetEnvironmentVariableW(name, dir, ARRAYSIZE(dir));
        if (!n) break;
        if (n >= ARRAYSIZE(dir)) continue;
        if (!wcsncmp(p, L"\\??\\", 4)) p += 4;
        if ((o = try_path(p, PE_ARCH_DIR))) return o;
    }
    return NULL;
}

static const struct whnet_ops *try_own_dir(void)
{
    WCHAR path[MAX_PATH];
    HMODULE self = NULL;
    WCHAR *slash;

    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (const WCHAR *)(void *)try_own_dir, &self))
        return NULL;
    if (!GetModuleFileNameW(self, path, ARRAYSIZE(path))) return NULL;
    if (!(slash = wcsrchr(path, '\\'))) return NULL;
    *slash = 0;
    return try_path(path, NULL);
}

static const struct whnet_ops *try_system_dir(void)
{
    WCHAR dir[MAX_PATH];
    UINT n = GetSystemDirectoryW(dir, ARRAYSIZE(dir));
    if (!n || n >= ARRAYSIZE(dir)) return NULL;
    return try_path(dir, NULL);
}

static BOOL CALLBACK load_transport(INIT_ONCE *once, void *param, void **ctx)
{
    if (!(ops = try_system_dir()) && !(ops = try_wine_dll_dirs())
        && !(ops = try_winedllpath()))
        ops = try_own_dir();
    if (ops) TRACE("transport loaded\n");
    else ERR("transport whnet.dll/whnet.so not found: no network (see README: install)\n");
    return TRUE;
}

const struct whnet_ops *transport_get(void)
{
    InitOnceExecuteOnce(&load_once, load_transport, NULL, NULL);
    return ops;
}

/* Masking keys: one transport call fills a pool used for many frames. */
static SRWLOCK rnd_lock = SRWLOCK_INIT;
static BYTE rnd_pool[4096];
static DWORD rnd_avail;

DWORD transport_random(void *buf, DWORD len)
{
    const struct whnet_ops *t = transport_get();
    DWORD ret = ERROR_SUCCESS;
    BYTE *out = buf;

    if (!t) return ERROR_WINHTTP_INTERNAL_ERROR;
    if (len > sizeof(rnd_pool) / 4) return t->random(buf, len);
    AcquireSRWLockExclusive(&rnd_lock);
    while (len)
    {
        DWORD n;
        if (!rnd_avail)
        {
            if ((ret = t->random(rnd_pool, sizeof(rnd_pool)))) break;
            rnd_avail = sizeof(rnd_pool);
        }
        n = min(len, rnd_avail);
        memcpy(out, rnd_pool + sizeof(rnd_pool) - rnd_avail, n);
        SecureZeroMemory(rnd_pool + sizeof(rnd_pool) - rnd_avail, n);
        rnd_avail -= n;
        out += n;
        len -= n;
    }
    ReleaseSRWLockExclusive(&rnd_lock);
    return ret;
}
