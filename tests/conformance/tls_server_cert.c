/* WINHTTP_OPTION_SERVER_CERT_CONTEXT, WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT
 * and WINHTTP_OPTION_SECURITY_KEY_BITNESS: the server's certificate as a
 * crypt32 CERT_CONTEXT (the same bytes as the peer's server.pem, found
 * through SSL_CERT_FILE's directory), the chain the server sent in its
 * store, the documented struct; ERROR_WINHTTP_INCORRECT_HANDLE_STATE while
 * there is no TLS connection. */
#include "tls_try.h"
#include <wincrypt.h>

/* DER of the first certificate in the peer's certificate file name (the
 * directory of SSL_CERT_FILE, through Wine's Z: drive); 0 if unreadable. */
static DWORD peer_cert_der(const char *name, BYTE *der, DWORD size)
{
    const char *ca = getenv("SSL_CERT_FILE");
    char path[MAX_PATH], pem[8192], *slash, *end;
    DWORD got = 0, n = size;
    HANDLE f;

    if (!ca || snprintf(path, sizeof(path), "Z:%s", ca) >= (int)sizeof(path)) return 0;
    if (!(slash = strrchr(path, '/'))) return 0;
    snprintf(slash + 1, sizeof(path) - (slash + 1 - path), "%s", name);
    f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return 0;
    ReadFile(f, pem, sizeof(pem) - 1, &got, NULL);
    CloseHandle(f);
    pem[got] = 0;
    if ((end = strstr(pem, "-----END CERTIFICATE-----"))) end[25] = 0;
    if (!CryptStringToBinaryA(pem, 0, CRYPT_STRING_BASE64HEADER, der, &n, NULL, NULL)) return 0;
    return n;
}

static const char *expect_pem;  /* the leaf the check below compares with */
static DWORD expect_chain;       /* certificates in the context's store */
static const WCHAR *expect_issuer; /* a part of the issuer's name */

static void check_cert(HINTERNET req)
{
    PCCERT_CONTEXT cert = NULL, c = NULL;
    WINHTTP_CERTIFICATE_INFO info;
    BYTE der[4096];
    DWORD size, n, count = 0, bits = 0;
    BOOL ret;

    size = 1;
    ret = WinHttpQueryOption(req, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &size);
    ok(!ret && GetLastError() == ERROR_INSUFFICIENT_BUFFER && size == sizeof(cert),
       "SERVER_CERT_CONTEXT, small buffer: %d %lu size %lu\n", ret, GetLastError(), size);
    size = sizeof(cert);
    ret = WinHttpQueryOption(req, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &size);
    ok(ret && cert && size == sizeof(cert), "SERVER_CERT_CONTEXT: %d %lu\n", ret, GetLastError());
    if (!ret || !cert) return;
    n = peer_cert_der(expect_pem, der, sizeof(der));
    ok(n && cert->cbCertEncoded == n && !memcmp(cert->pbCertEncoded, der, n),
       "the context holds the server's certificate (%lu bytes, %s has %lu)\n", cert->cbCertEncoded, expect_pem, n);
    ok(cert->dwCertEncodingType == X509_ASN_ENCODING, "encoding type %lu\n", cert->dwCertEncodingType);
    while ((c = CertEnumCertificatesInStore(cert->hCertStore, c))) count++;
    ok(count == expect_chain, "%lu certificates in the context's store, want %lu\n", count, expect_chain);
    if (expect_chain > 1)
    {
        DWORD flags = 0;
        c = CertGetIssuerCertificateFromStore(cert->hCertStore, cert, NULL, &flags);
        ok(c != NULL, "the issuer is in the store: %lu\n", GetLastError());
        if (c) CertFreeCertificateContext(c);
    }

    size = sizeof(info) - 1;
    ret = WinHttpQueryOption(req, WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT, &info, &size);
    ok(!ret && GetLastError() == ERROR_INSUFFICIENT_BUFFER && size == sizeof(info),
       "CERTIFICATE_STRUCT, small buffer: %d %lu size %lu\n", ret, GetLastError(), size);
    size = sizeof(info);
    memset(&info, 0xcc, sizeof(info));
    ret = WinHttpQueryOption(req, WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT, &info, &size);
    ok(ret && size == sizeof(info), "CERTIFICATE_STRUCT: %d %lu\n", ret, GetLastError());
    if (ret)
    {
        ok(!memcmp(&info.ftExpiry, &cert->pCertInfo->NotAfter, sizeof(FILETIME))
           && !memcmp(&info.ftStart, &cert->pCertInfo->NotBefore, sizeof(FILETIME)), "certificate dates\n");
        ok(info.lpszSubjectInfo && wcsstr(info.lpszSubjectInfo, L"localhost"), "subject %ls\n",
           info.lpszSubjectInfo ? info.lpszSubjectInfo : L"(null)");
        ok(info.lpszIssuerInfo && wcsstr(info.lpszIssuerInfo, expect_issuer), "issuer %ls\n",
           info.lpszIssuerInfo ? info.lpszIssuerInfo : L"(null)");
        ok(info.dwKeySize >= 128, "key size %lu\n", info.dwKeySize);
        LocalFree(info.lpszSubjectInfo);
        LocalFree(info.lpszIssuerInfo);
        LocalFree(info.lpszProtocolName);
        LocalFree(info.lpszSignatureAlgName);
        LocalFree(info.lpszEncryptionAlgName);
    }
    CertFreeCertificateContext(cert);

    {
        PCCERT_CHAIN_CONTEXT chain = NULL;
        size = sizeof(chain) - 1;
        ret = WinHttpQueryOption(req, WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT, &chain, &size);
        ok(!ret && GetLastError() == ERROR_INSUFFICIENT_BUFFER && size == sizeof(chain),
           "CHAIN_CONTEXT, small buffer: %d %lu size %lu\n", ret, GetLastError(), size);
        size = sizeof(chain);
        ret = WinHttpQueryOption(req, WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT, &chain, &size);
        ok(ret && chain && size == sizeof(chain), "CHAIN_CONTEXT: %d %lu\n", ret, GetLastError());
        if (ret && chain)
        {
            PCCERT_CONTEXT leaf = chain->cChain && chain->rgpChain[0]->cElement ?
                                  chain->rgpChain[0]->rgpElement[0]->pCertContext : NULL;
            ok(leaf && leaf->cbCertEncoded == n && !memcmp(leaf->pbCertEncoded, der, n),
               "the chain starts with the server's certificate\n");
            ok(chain->cChain && chain->rgpChain[0]->cElement >= expect_chain, "%lu elements in the chain, want %lu+\n",
               chain->cChain ? chain->rgpChain[0]->cElement : 0, expect_chain);
            CertFreeCertificateChain(chain);
        }
    }

    size = sizeof(bits);
    ret = WinHttpQueryOption(req, WINHTTP_OPTION_SECURITY_KEY_BITNESS, &bits, &size);
    ok(ret && bits >= 128, "KEY_BITNESS: %d %lu bits %lu\n", ret, GetLastError(), bits);
}

static void expect_state_error(HINTERNET h, const char *when)
{
    PCCERT_CONTEXT cert = NULL;
    WINHTTP_CERTIFICATE_INFO info;
    DWORD size = sizeof(cert);
    BOOL ret = WinHttpQueryOption(h, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &size);
    ok(!ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "SERVER_CERT_CONTEXT %s: %d %lu\n", when, ret,
       GetLastError());
    size = sizeof(info);
    ret = WinHttpQueryOption(h, WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT, &info, &size);
    ok(!ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "CERTIFICATE_STRUCT %s: %d %lu\n", when, ret,
       GetLastError());
    size = sizeof(cert);
    ret = WinHttpQueryOption(h, WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT, &cert, &size);
    ok(!ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "CHAIN_CONTEXT %s: %d %lu\n", when, ret,
       GetLastError());
}

static void no_tls_connection(void)
{
    HINTERNET ses = open_session(), con, req;
    PCCERT_CONTEXT cert;
    DWORD size = sizeof(cert);
    BOOL ret;

    SetLastError(0xdeadbeef);
    ret = WinHttpQueryOption(ses, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &size);
    ok(!ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "on a session: %d %lu\n", ret, GetLastError());
    con = WinHttpConnect(ses, peer_host(), peer_port("WSS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    expect_state_error(req, "before the send");
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    /* plain http, response received */
    con = WinHttpConnect(ses, peer_host(), peer_port("WS"), 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, 0);
    ret = WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL);
    ok(ret, "plain request: %lu\n", GetLastError());
    expect_state_error(req, "on plain http");
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

void tls_server_cert_tests(void)
{
    struct tls_result r;
    int async;

    no_tls_connection();
    for (async = 0; async < 2; async++)
    {
        expect_pem = "server.pem";
        expect_chain = 1;
        expect_issuer = L"winhttp-wine test CA";
        if (tls_try("WSS", peer_name(), async, 0, 0, &r, check_cert))
            ok(!r.err && r.status == 200, "WSS (%s): %lu %lu\n", async ? "async" : "sync", r.err, r.status);
        expect_pem = "chain.pem";
        expect_chain = 2;
        expect_issuer = L"test int-good";
        if (tls_try("WSS_CHAIN", peer_name(), async, 0, 0, &r, check_cert))
            ok(!r.err && r.status == 200, "WSS_CHAIN (%s): %lu %lu\n", async ? "async" : "sync", r.err, r.status);
    }
    /* an ignored problem: the certificate is still there */
    expect_pem = "selfsigned.pem";
    expect_chain = 1;
    expect_issuer = L"localhost";
    if (tls_try("WSS_SELFSIGNED", peer_name(), FALSE, SECURITY_FLAG_IGNORE_UNKNOWN_CA, 0, &r, check_cert))
        ok(!r.err && r.status == 200, "WSS_SELFSIGNED ignoring the CA: %lu %lu\n", r.err, r.status);
}

/* The common pinning pattern: the certificate is queried from the
 * SENDING_REQUEST notification, before the request leaves. */
static LONG pin_queries, pin_good;
static DWORD pin_size;

static void CALLBACK pin_callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    PCCERT_CONTEXT cert = NULL;
    DWORD size = sizeof(cert);

    if (status != WINHTTP_CALLBACK_STATUS_SENDING_REQUEST) return;
    InterlockedIncrement(&pin_queries);
    if (WinHttpQueryOption(h, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &size) && cert)
    {
        if (cert->cbCertEncoded == pin_size) InterlockedIncrement(&pin_good);
        CertFreeCertificateContext(cert);
    }
}

void tls_pin_tests(void)
{
    BYTE der[4096];
    int async;

    if (!peer_port("WSS") || !(pin_size = peer_cert_der("server.pem", der, sizeof(der))))
    {
        skip("no WSS listener or no server.pem\n");
        return;
    }
    for (async = 0; async < 2; async++)
    {
        HINTERNET ses = WinHttpOpen(L"winhttp-conformance/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL,
                                    async ? WINHTTP_FLAG_ASYNC : 0);
        HINTERNET con = WinHttpConnect(ses, peer_name(), peer_port("WSS"), 0);
        HINTERNET req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
        DWORD start = GetTickCount();
        BOOL ret;

        pin_queries = pin_good = 0;
        WinHttpSetStatusCallback(req, pin_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
        ret = WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0);
        ok(ret, "send (%s): %lu\n", async ? "async" : "sync", GetLastError());
        while (async && !pin_queries && GetTickCount() - start < 15000) Sleep(10);
        ok(pin_queries == 1 && pin_good == 1, "certificate from SENDING_REQUEST (%s): %ld queries, %ld good\n",
           async ? "async" : "sync", pin_queries, pin_good);
        WinHttpCloseHandle(req);
        WinHttpCloseHandle(con);
        WinHttpCloseHandle(ses);
        if (async) Sleep(100);
    }
}
