/* Memory and string helpers. */
#include "private.h"

void *heap_alloc(SIZE_T size) { return HeapAlloc(GetProcessHeap(), 0, size ? size : 1); }
void *heap_alloc_zero(SIZE_T size) { return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size ? size : 1); }
void *heap_realloc(void *p, SIZE_T size)
{
    if (!p) return heap_alloc(size);
    return HeapReAlloc(GetProcessHeap(), 0, p, size ? size : 1);
}
void heap_free(void *p) { if (p) HeapFree(GetProcessHeap(), 0, p); }

WCHAR *strndupW(const WCHAR *s, size_t len)
{
    WCHAR *r;
    if (!s) return NULL;
    if (!(r = heap_alloc((len + 1) * sizeof(WCHAR)))) return NULL;
    memcpy(r, s, len * sizeof(WCHAR));
    r[len] = 0;
    return r;
}

WCHAR *strdupW(const WCHAR *s)
{
    return s ? strndupW(s, wcslen(s)) : NULL;
}

char *strdupWA(const WCHAR *s)
{
    int len;
    char *r;
    if (!s) return NULL;
    len = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
    if (len <= 0 || !(r = heap_alloc(len))) return NULL;
    WideCharToMultiByte(CP_UTF8, 0, s, -1, r, len, NULL, NULL);
    return r;
}

WCHAR *strdupAW_latin1(const char *s, size_t len)
{
    WCHAR *r;
    size_t i;
    if (!(r = heap_alloc((len + 1) * sizeof(WCHAR)))) return NULL;
    for (i = 0; i < len; i++) r[i] = (unsigned char)s[i];
    r[len] = 0;
    return r;
}

static WCHAR lower_ascii(WCHAR c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

int strncmpiW_ascii(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (; n; n--, a++, b++)
    {
        WCHAR ca = lower_ascii(*a), cb = lower_ascii(*b);
        if (ca != cb) return ca < cb ? -1 : 1;
        if (!ca) return 0;
    }
    return 0;
}

int strcmpiW_ascii(const WCHAR *a, const WCHAR *b)
{
    return strncmpiW_ascii(a, b, (size_t)-1);
}
