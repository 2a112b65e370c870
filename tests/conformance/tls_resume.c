/* TLS session resumption (issue 14): a second TLS connection from one
 * session to the same host and port resumes the first one's TLS session,
 * as Windows' schannel does; a session is never offered from another
 * WinHTTP session, to another host name, or under other secure protocols.
 * The peer's /tls-session path says whether the server saw a resumption
 * (tlsSocket.isSessionReused) and closes the connection, so every request
 * makes a new one.  Synchronous and asynchronous, TLS 1.3 (tickets come
 * after the handshake) and TLS 1.2.  Part of the tls group. */
#include "notes.h"
#include "proxy_util.h"

#define RESUME_WAIT_MS 15000

/* One GET /tls-session on a new connection: 1 resumed, 0 full handshake,
 * -1 failed (with a message). */
static int tls_session_resumed(HINTERNET ses, BOOL async, const WCHAR *host, const char *port_name,
                               BOOL check_cert)
{
    DWORD flags = SECURITY_FLAG_IGNORE_CERT_CN_INVALID, size, err = 0;
    HINTERNET con, req;
    WCHAR value[16];
    int ret = -1, from;

    if (!(con = WinHttpConnect(ses, host, peer_port(port_name), 0))) return -1;
    if (!(req = WinHttpOpenRequest(con, L"GET", L"/tls-session", NULL, WINHTTP_NO_REFERER,
                                   WINHTTP_DEFAULT_ACCEPT_TYPES, WINHTTP_FLAG_SECURE)))
        goto done;
    /* the host name "localhost" is in the certificate too; the flag keeps
     * the test about resumption only */
    WinHttpSetOption(req, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags));
    from = async ? notes_count() : 0;
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0)) { err = GetLastError(); goto done; }
    if (async && note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, from, RESUME_WAIT_MS) < 0)
    {
        err = 1;
        goto done;
    }
    from = async ? notes_count() : 0;
    if (!WinHttpReceiveResponse(req, NULL)) { err = GetLastError(); goto done; }
    if (async && note_wait(req, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, from, RESUME_WAIT_MS) < 0)
    {
        err = 2;
        goto done;
    }
    if (check_cert)
    {
        /* a resumed connection still has the server's certificate */
        const CERT_CONTEXT *cert = NULL;
        size = sizeof(cert);
        ok(WinHttpQueryOption(req, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &size) && cert,
           "no server certificate on a resumed connection: %lu\n", GetLastError());
        if (cert) CertFreeCertificateContext(cert);
    }
    size = sizeof(value);
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_CUSTOM, L"X-TLS-Resumed", value, &size, WINHTTP_NO_HEADER_INDEX))
    {
        err = GetLastError();
        goto done;
    }
    if (!wcscmp(value, L"yes")) ret = 1;
    else if (!wcscmp(value, L"no")) ret = 0;
    else err = 3;
done:
    if (ret < 0) trace("tls-session request to %ls port %s failed: %lu\n", host, port_name, err);
    if (req) WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    return ret;
}

static HINTERNET session_for(BOOL async)
{
    return async ? open_async_session() : open_session();
}

static void resume_one_mode(BOOL async)
{
    const char *mode = async ? "async" : "sync";
    HINTERNET a, b;
    DWORD proto = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3;
    int r1, r2, r3;

    if (async) notes_reset();
    a = session_for(async);
    b = session_for(async);
    ok(a && b, "%s: sessions: %lu\n", mode, GetLastError());
    if (!a || !b) goto done;

    /* TLS 1.3: the ticket arrives after the handshake */
    r1 = tls_session_resumed(a, async, peer_host(), "WSS", FALSE);
    r2 = tls_session_resumed(a, async, peer_host(), "WSS", TRUE);
    r3 = tls_session_resumed(a, async, peer_host(), "WSS", FALSE);
    ok(r1 == 0 && r2 == 1 && r3 == 1, "%s: TLS 1.3: first connection %d (want 0), second %d, third %d (want 1)\n",
       mode, r1, r2, r3);
    /* another WinHTTP session to the same server: a full handshake */
    r1 = tls_session_resumed(b, async, peer_host(), "WSS", FALSE);
    ok(r1 == 0, "%s: another session's first connection resumed: %d\n", mode, r1);
    /* another host name for the same server (which would accept the ticket) */
    r1 = tls_session_resumed(a, async, peer_name(), "WSS", FALSE);
    ok(r1 == 0, "%s: a connection to the peer's name resumed its address's session: %d\n", mode, r1);
    /* other secure protocols change the handshake: not offered */
    ok(WinHttpSetOption(a, WINHTTP_OPTION_SECURE_PROTOCOLS, &proto, sizeof(proto)), "%s: protocols: %lu\n", mode,
       GetLastError());
    r1 = tls_session_resumed(a, async, peer_host(), "WSS", FALSE);
    r2 = tls_session_resumed(a, async, peer_host(), "WSS", FALSE);
    ok(r1 == 0 && r2 == 1, "%s: with TLS 1.3 only: first %d (want 0), second %d (want 1)\n", mode, r1, r2);
    /* TLS 1.2 (session ticket or ID, kept right after the handshake) */
    r1 = tls_session_resumed(b, async, peer_host(), "WSS_TLS12", FALSE);
    r2 = tls_session_resumed(b, async, peer_host(), "WSS_TLS12", TRUE);
    ok(r1 == 0 && r2 == 1, "%s: TLS 1.2: first connection %d (want 0), second %d (want 1)\n", mode, r1, r2);
done:
    if (a) WinHttpCloseHandle(a);
    if (b) WinHttpCloseHandle(b);
}

/* Through a proxy's CONNECT tunnel (the peer's proxy): the second tunnel's
 * handshake resumes the first's session, and a direct connection of the
 * same WinHTTP session resumes it too (the key is the origin server's). */
static void resume_through_proxy(BOOL async)
{
    const char *mode = async ? "async" : "sync";
    HINTERNET ses;
    int r1, r2;

    if (async) notes_reset();
    ses = open_proxy_session(L"resume-proxy", peer_port("PROXY"), async ? WINHTTP_FLAG_ASYNC : 0);
    ok(ses != NULL, "%s: proxy session: %lu\n", mode, GetLastError());
    if (!ses) return;
    if (async) WinHttpSetStatusCallback(ses, note_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    r1 = tls_session_resumed(ses, async, peer_host(), "WSS", FALSE);
    r2 = tls_session_resumed(ses, async, peer_host(), "WSS", TRUE);
    ok(r1 == 0 && r2 == 1, "%s: through the proxy: first tunnel %d (want 0), second %d (want 1)\n", mode, r1, r2);
    WinHttpCloseHandle(ses);
}

void tls_resume_tests(void)
{
    resume_one_mode(FALSE);
    resume_one_mode(TRUE);
    resume_through_proxy(FALSE);
    resume_through_proxy(TRUE);
}
