/* https:// and wss:// against the TLS peers: trusted, expired, wrong host,
 * self-signed; SECURITY_FLAG_IGNORE_* lets exactly that problem through.
 * The test CA is trusted through SSL_CERT_FILE, which only our transport
 * reads: against Wine's builtin winhttp the trusted cases fail. */
#include "test.h"

static BOOL tls_request(const char *listener, DWORD flags, const WCHAR *host, DWORD *err, DWORD *status)
{
    HINTERNET session = open_session(), connect, request;
    DWORD size = sizeof(*status);
    BOOL ret = FALSE;

    *status = 0;
    connect = WinHttpConnect(session, host, peer_port(listener), 0);
    request = WinHttpOpenRequest(connect, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    if (flags) WinHttpSetOption(request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags));
    if (WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(request, NULL))
    {
        WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, status, &size, NULL);
        ret = TRUE;
        *err = 0;
    }
    else *err = GetLastError();
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connect);
    WinHttpCloseHandle(session);
    return ret;
}

static void test_certificates(void)
{
    DWORD err = 0, status = 0;

    ok(tls_request("WSS", 0, peer_name(), &err, &status) && status == 200, "trusted certificate: %lu %lu\n", err, status);
    ok(tls_request("WSS", 0, peer_host(), &err, &status) && status == 200, "trusted certificate by IP: %lu %lu\n", err, status);

    ok(!tls_request("WSS_EXPIRED", 0, peer_name(), &err, &status) && err == ERROR_WINHTTP_SECURE_FAILURE, "expired: %lu\n", err);
    ok(!tls_request("WSS_EXPIRED", SECURITY_FLAG_IGNORE_CERT_CN_INVALID, peer_name(), &err, &status) &&
       err == ERROR_WINHTTP_SECURE_FAILURE, "expired, ignoring the name: %lu\n", err);
    ok(tls_request("WSS_EXPIRED", SECURITY_FLAG_IGNORE_CERT_DATE_INVALID, peer_name(), &err, &status) && status == 200,
       "expired, ignoring dates: %lu\n", err);

    ok(!tls_request("WSS_WRONGHOST", 0, peer_name(), &err, &status) && err == ERROR_WINHTTP_SECURE_FAILURE, "wrong host: %lu\n", err);
    ok(!tls_request("WSS_WRONGHOST", SECURITY_FLAG_IGNORE_CERT_DATE_INVALID, peer_name(), &err, &status) &&
       err == ERROR_WINHTTP_SECURE_FAILURE, "wrong host, ignoring dates: %lu\n", err);
    ok(tls_request("WSS_WRONGHOST", SECURITY_FLAG_IGNORE_CERT_CN_INVALID, peer_name(), &err, &status) && status == 200,
       "wrong host, ignoring the name: %lu\n", err);

    ok(!tls_request("WSS_SELFSIGNED", 0, peer_name(), &err, &status) && err == ERROR_WINHTTP_SECURE_FAILURE, "self-signed: %lu\n", err);
    ok(tls_request("WSS_SELFSIGNED", SECURITY_FLAG_IGNORE_UNKNOWN_CA, peer_name(), &err, &status) && status == 200,
       "self-signed, ignoring the CA: %lu\n", err);
}

static void test_secure_flags_and_ws(void)
{
    struct conn_handles h;
    HINTERNET ws;
    DWORD flags = 0, size = sizeof(flags), err, len;
    char buf[64];
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    ws = ws_connect(&h, TRUE, L"/echo");
    ok(ws != NULL, "wss upgrade failed: %lu\n", GetLastError());
    if (!ws) return;
    ok(WinHttpQueryOption(h.request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, &size) && (flags & SECURITY_FLAG_SECURE),
       "security flags 0x%lx\n", flags);
    err = ws_send_text(ws, "over TLS");
    ok(!err, "Send: %lu\n", err);
    err = ws_recv_message(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && len == 8 && !memcmp(buf, "over TLS", 8), "echo over TLS: %lu %lu\n", err, len);
    err = WinHttpWebSocketClose(ws, 1000, (void *)"tls bye", 7);
    ok(!err, "Close over TLS: %lu\n", err);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

void tls_matrix_tests(void);
void tls_protocol_tests(void);
void tls_server_cert_tests(void);
void tls_pin_tests(void);
void tls_truncation_tests(void);
void tls_weak_tests(void);
void security_transport_path_tests(void);
void security_object_name_tests(void);
void tls_client_cert_tests(void);
void tls_revocation_tests(void);
void tls_resume_tests(void);  /* tls_resume.c */

void test_tls(void)
{
    security_transport_path_tests();  /* first: before anything loads the transport */
    test_certificates();
    tls_matrix_tests();
    tls_protocol_tests();
    tls_server_cert_tests();
    tls_pin_tests();
    tls_client_cert_tests();
    tls_revocation_tests();
    tls_resume_tests();
    tls_truncation_tests();
    tls_weak_tests();
    security_object_name_tests();
    test_secure_flags_and_ws();
}
