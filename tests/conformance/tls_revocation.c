/* WINHTTP_OPTION_ENABLE_FEATURE with WINHTTP_ENABLE_SSL_REVOCATION, checked
 * from the OCSP response the server staples: good goes through; revoked is
 * CERT_REVOKED; none means revocation cannot be established, CERT_REV_FAILED.
 * No SECURITY_FLAG_IGNORE_* covers either.  Without the option a server
 * without a staple is fine, and so is a stapled "revoked". */
#include "tls_try.h"
#include "notes.h"

static DWORD revocation_request(const char *listener, BOOL async, DWORD ignore, DWORD *flags, BOOL enable)
{
    INTERNET_PORT port = peer_port(listener);
    HINTERNET ses, con, req;
    DWORD feature = WINHTTP_ENABLE_SSL_REVOCATION, err = 0, start;
    struct note n;
    int i;

    *flags = 0;
    notes_reset();
    ses = async ? open_async_session() : open_session();
    if (!async) WinHttpSetStatusCallback(ses, note_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    con = WinHttpConnect(ses, peer_name(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    if (enable)
        ok(WinHttpSetOption(req, WINHTTP_OPTION_ENABLE_FEATURE, &feature, sizeof(feature)), "enable: %lu\n",
           GetLastError());
    if (ignore) WinHttpSetOption(req, WINHTTP_OPTION_SECURITY_FLAGS, &ignore, sizeof(ignore));
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0)) err = GetLastError();
    else if (async)
    {
        start = GetTickCount();
        for (;;)
        {
            if (note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, 0) >= 0) break;
            if ((i = note_wait(req, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, 0)) >= 0)
            {
                err = note_get(i, &n) ? ((WINHTTP_ASYNC_RESULT *)n.info)->dwError : ~0u;
                break;
            }
            if (GetTickCount() - start > 15000) { err = WAIT_TIMEOUT; break; }
            Sleep(10);
        }
    }
    if ((i = note_wait(req, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, 0, 0)) >= 0 && note_get(i, &n))
        *flags = *(DWORD *)n.info;
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    if (async) note_wait(req, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, 15000);
    return err;
}

void tls_revocation_tests(void)
{
    DWORD err, flags;
    int async;

    if (!peer_port("WSS_OCSP_GOOD") || !peer_port("WSS_OCSP_REVOKED"))
    {
        skip("no OCSP listeners (openssl missing when the certificates were made)\n");
        return;
    }
    for (async = 0; async < 2; async++)
    {
        const char *mode = async ? "async" : "sync";
        err = revocation_request("WSS_OCSP_GOOD", async, 0, &flags, TRUE);
        ok(!err && !flags, "stapled good (%s): %lu flags %lx\n", mode, err, flags);
        err = revocation_request("WSS_OCSP_REVOKED", async, 0, &flags, TRUE);
        ok(err == ERROR_WINHTTP_SECURE_FAILURE && flags == WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED,
           "stapled revoked (%s): %lu flags %lx\n", mode, err, flags);
        err = revocation_request("WSS_OCSP_REVOKED", async, IGNORE_ALL, &flags, TRUE);
        ok(err == ERROR_WINHTTP_SECURE_FAILURE && flags == WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED,
           "stapled revoked, all ignore flags (%s): %lu flags %lx\n", mode, err, flags);
        err = revocation_request("WSS", async, 0, &flags, TRUE);
        ok(err == ERROR_WINHTTP_SECURE_FAILURE && flags == WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED,
           "nothing stapled (%s): %lu flags %lx\n", mode, err, flags);
        err = revocation_request("WSS", async, IGNORE_ALL, &flags, TRUE);
        ok(err == ERROR_WINHTTP_SECURE_FAILURE && flags == WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED,
           "nothing stapled, all ignore flags (%s): %lu flags %lx\n", mode, err, flags);
        /* without WINHTTP_ENABLE_SSL_REVOCATION Windows does not look at
         * revocation at all (the chain is built without a revocation
         * check): a stapled "revoked" is no problem then */
        err = revocation_request("WSS_OCSP_REVOKED", async, 0, &flags, FALSE);
        ok(!err && !flags, "stapled revoked, revocation not enabled (%s): %lu flags %lx\n", mode, err, flags);
        err = revocation_request("WSS_OCSP_GOOD", async, 0, &flags, FALSE);
        ok(!err && !flags, "stapled good, revocation not enabled (%s): %lu flags %lx\n", mode, err, flags);
    }
}
