/* WINHTTP_OPTION_SECURE_PROTOCOLS against listeners that speak one TLS
 * version each: Windows' default offers TLS 1.2 and 1.3 (never 1.0 or
 * 1.1 unless asked), and a set without the server's version fails the
 * handshake with ERROR_WINHTTP_SECURE_FAILURE. */
#include "tls_try.h"

#define P_TLS10 WINHTTP_FLAG_SECURE_PROTOCOL_TLS1
#define P_TLS11 WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1
#define P_TLS12 WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2
#define P_TLS13 WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3

static void expect(const char *listener, DWORD protocols, BOOL works, BOOL async)
{
    struct tls_result r;
    if (!tls_try(listener, peer_name(), async, 0, protocols, &r, NULL)) return;
    if (works)
        ok(!r.err && r.status == 200, "%s, protocols 0x%lx (%s): error %lu status %lu\n", listener, protocols,
           async ? "async" : "sync", r.err, r.status);
    else
        ok(r.err == ERROR_WINHTTP_SECURE_FAILURE, "%s, protocols 0x%lx (%s): error %lu, want 12175\n", listener,
           protocols, async ? "async" : "sync", r.err);
}

void tls_protocol_tests(void)
{
    HINTERNET ses = open_session();
    DWORD v = 0, size = sizeof(v);
    int async;

    /* a new session reports the protocols it will offer, not 0 */
    ok(WinHttpQueryOption(ses, WINHTTP_OPTION_SECURE_PROTOCOLS, &v, &size) && size == sizeof(v)
       && v == (P_TLS12 | P_TLS13), "default SECURE_PROTOCOLS: %lu 0x%lx\n", GetLastError(), v);
    WinHttpCloseHandle(ses);

    for (async = 0; async < 2; async++)
    {
        /* not set: TLS 1.2 and 1.3 */
        expect("WSS_TLS12", 0, TRUE, async);
        expect("WSS_TLS13", 0, TRUE, async);
        expect("WSS_TLS10", 0, FALSE, async);

        expect("WSS_TLS12", P_TLS12, TRUE, async);
        expect("WSS_TLS12", P_TLS13, FALSE, async);
        expect("WSS_TLS12", P_TLS10 | P_TLS11, FALSE, async);
        expect("WSS_TLS13", P_TLS13, TRUE, async);
        expect("WSS_TLS13", P_TLS12, FALSE, async);
        expect("WSS_TLS13", P_TLS12 | P_TLS13, TRUE, async);
        expect("WSS_TLS10", P_TLS12 | P_TLS13, FALSE, async);
        expect("WSS_TLS10", P_TLS10, TRUE, async);
        expect("WSS_TLS10", P_TLS10 | P_TLS11 | P_TLS12 | P_TLS13, TRUE, async);
        /* SSL 3 alone: nothing anyone speaks */
        expect("WSS", WINHTTP_FLAG_SECURE_PROTOCOL_SSL3, FALSE, async);
    }
}
