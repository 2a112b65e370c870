/*
 * Tracing through Wine's debug channels: WINEDEBUG=+winhttp enables traces.
 * Wine's ntdll exports the __wine_dbg_* functions; they are looked up at run
 * time so that the DLL stays silent (and loads) where they are absent.
 */
#include <stdio.h>
#include "private.h"

struct dbg_channel
{
    unsigned char flags;
    char name[15];
};

typedef unsigned char (__cdecl *get_flags_fn)(struct dbg_channel *);
typedef int (__cdecl *header_fn)(int cls, struct dbg_channel *, const char *function);
typedef int (__cdecl *output_fn)(const char *str);

static struct dbg_channel channel = { 0xff, "winhttp" };
static get_flags_fn p_get_flags;
static header_fn p_header;
static output_fn p_output;
static INIT_ONCE dbg_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK dbg_init(INIT_ONCE *once, void *param, void **ctx)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    if (ntdll)
    {
        p_get_flags = (get_flags_fn)(void *)GetProcAddress(ntdll, "__wine_dbg_get_channel_flags");
        p_header = (header_fn)(void *)GetProcAddress(ntdll, "__wine_dbg_header");
        p_output = (output_fn)(void *)GetProcAddress(ntdll, "__wine_dbg_output");
    }
    if (!p_get_flags || !p_header || !p_output) p_get_flags = NULL;
    return TRUE;
}

int dbg_on(enum dbg_class cls)
{
    InitOnceExecuteOnce(&dbg_once, dbg_init, NULL, NULL);
    if (!p_get_flags) return 0;
    return (p_get_flags(&channel) >> cls) & 1;
}

void dbg_printf(enum dbg_class cls, const char *func, const char *fmt, ...)
{
    char buf[1024];
    va_list args;
    int len;

    if (!p_get_flags) return;
    va_start(args, fmt);
    len = vsnprintf(buf, sizeof(buf) - 2, fmt, args);
    va_end(args);
    if (len < 0) return;
    if (len > (int)sizeof(buf) - 2) len = sizeof(buf) - 2;
    if (!len || buf[len - 1] != '\n') { buf[len++] = '\n'; buf[len] = 0; }
    if (p_header(cls, &channel, func) == -1) return;
    p_output(buf);
}

/* A few rotating buffers so that several dbg_w() can appear in one trace. */
const char *dbg_w(const WCHAR *s)
{
    static char bufs[4][256];
    static LONG next;
    char *buf = bufs[InterlockedIncrement(&next) & 3];
    size_t i = 0;

    if (!s) return "(null)";
    buf[i++] = '"';
    for (; *s && i < sizeof(bufs[0]) - 6; s++)
        buf[i++] = (*s >= 0x20 && *s < 0x7f) ? (char)*s : '?';
    if (*s) { buf[i++] = '.'; buf[i++] = '.'; buf[i++] = '.'; }
    buf[i++] = '"';
    buf[i] = 0;
    return buf;
}
