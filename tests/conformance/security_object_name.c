/* The object name of WinHttpOpenRequest on the request line: unsafe
 * characters escaped as the WINHTTP_FLAG_ESCAPE_* flags say, and never a
 * raw CR or LF (which would let the name inject header lines), whatever
 * the flags.  The peer's /echo-request tells the target it got and the
 * headers. */
#include "test.h"

/* GET name on the plain listener; TRUE if the peer saw target exactly and
 * no X-Injected header. */
static BOOL target_seen(const WCHAR *name, DWORD flags, const char *target, const char *alt, char *body, DWORD size)
{
    INTERNET_PORT port = peer_port("WS");
    HINTERNET ses = open_session(), con, req;
    DWORD got = 0, n;
    char want[256], want2[256];

    body[0] = 0;
    con = WinHttpConnect(ses, peer_host(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", name, NULL, NULL, NULL, flags);
    if (req && WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL))
        while (got + 1 < size && WinHttpReadData(req, body + got, size - 1 - got, &n) && n) got += n;
    body[got] = 0;
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    snprintf(want, sizeof(want), "\"url\":\"%s\"", target);
    snprintf(want2, sizeof(want2), "\"url\":\"%s\"", alt ? alt : target);
    return (strstr(body, want) || strstr(body, want2)) && !strstr(body, "x-injected");
}

void security_object_name_tests(void)
{
    /* alt: another answer that is as safe (Wine's builtin drops CR/LF from an unescaped query) */
    static const struct { const WCHAR *name; DWORD flags; const char *target, *alt; } cases[] =
    {
        { L"/echo-request/a b\r\nX-Injected: 1", 0, "/echo-request/a%20b%0D%0AX-Injected:%201", NULL },
        { L"/echo-request/a\r\nX-Injected:1", WINHTTP_FLAG_ESCAPE_DISABLE, "/echo-request/a%0D%0AX-Injected:1", NULL },
        { L"/echo-request/q?a\r\nX-Injected:1", WINHTTP_FLAG_ESCAPE_DISABLE_QUERY, "/echo-request/q?a%0D%0AX-Injected:1",
          "/echo-request/q?aX-Injected:1" },
        { L"/echo-request/p%41", 0, "/echo-request/p%41", NULL },
        { L"/echo-request/p%41", WINHTTP_FLAG_ESCAPE_PERCENT, "/echo-request/p%2541", NULL },
        { L"/echo-request/\x00e9t\x00e9", 0, "/echo-request/%C3%A9t%C3%A9", NULL },
        { L"/echo-request/q<x?a<b", 0, "/echo-request/q%3Cx?a%3Cb", NULL },
        { L"/echo-request/q<x?a<b", WINHTTP_FLAG_ESCAPE_DISABLE_QUERY, "/echo-request/q%3Cx?a<b", NULL },
        { L"/echo-request/plain/path?x=1&y=2", 0, "/echo-request/plain/path?x=1&y=2", NULL },
    };
    char body[4096];
    unsigned int i;

    if (!peer_port("WS"))
    {
        skip("no WS listener\n");
        return;
    }
    for (i = 0; i < ARRAYSIZE(cases); i++)
        ok(target_seen(cases[i].name, cases[i].flags, cases[i].target, cases[i].alt, body, sizeof(body)),
           "object name %u (flags 0x%lx): want %s, peer said %.300s\n", i, cases[i].flags, cases[i].target, body);
}
