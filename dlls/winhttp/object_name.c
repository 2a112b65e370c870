/*
 * The object name of WinHttpOpenRequest as it goes on the request line.
 * Windows escapes "unsafe" characters unless WINHTTP_FLAG_ESCAPE_DISABLE
 * (WINHTTP_FLAG_ESCAPE_DISABLE_QUERY: not in the query), leaving '%' alone
 * unless WINHTTP_FLAG_ESCAPE_PERCENT.  Unsafe here: control characters,
 * space, DEL, anything outside ASCII (as UTF-8 bytes), and " < > `.
 * CR and LF are escaped whatever the flags say: a raw one would end the
 * request line and let the name inject header lines.
 */
#include "private.h"

static BOOL unsafe(unsigned char ch, BOOL percent)
{
    if (ch <= 0x20 || ch >= 0x7f) return TRUE;
    if (ch == '%') return percent;
    return ch == '"' || ch == '<' || ch == '>' || ch == '`';
}

char *object_name_escape(const WCHAR *name, DWORD flags)
{
    static const char hex[] = "0123456789ABCDEF";
    int n = WideCharToMultiByte(CP_UTF8, 0, name, -1, NULL, 0, NULL, NULL);
    char *utf8, *out, *o;
    BOOL in_query = FALSE;
    const char *p;

    if (n <= 0 || !(utf8 = heap_alloc(n))) return NULL;
    WideCharToMultiByte(CP_UTF8, 0, name, -1, utf8, n, NULL, NULL);
    if (!(out = heap_alloc((size_t)n * 3)))
    {
        heap_free(utf8);
        return NULL;
    }
    for (p = utf8, o = out; *p; p++)
    {
        unsigned char ch = (unsigned char)*p;
        BOOL escape;
        if (ch == '?') in_query = TRUE;
        if (ch == '\r' || ch == '\n') escape = TRUE;
        else if (flags & WINHTTP_FLAG_ESCAPE_DISABLE) escape = FALSE;
        else if (in_query && (flags & WINHTTP_FLAG_ESCAPE_DISABLE_QUERY)) escape = FALSE;
        else escape = unsafe(ch, (flags & WINHTTP_FLAG_ESCAPE_PERCENT) != 0);
        if (!escape) *o++ = (char)ch;
        else
        {
            *o++ = '%';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o = 0;
    heap_free(utf8);
    return out;
}
