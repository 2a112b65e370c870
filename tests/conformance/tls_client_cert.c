/* A server that asks for a client certificate: WinHttpSendRequest fails
 * with ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED until the application says it
 * has none (WINHTTP_OPTION_CLIENT_CERT_CONTEXT = WINHTTP_NO_CLIENT_CERT_CONTEXT);
 * sent again, the request goes through without one (the peer accepts
 * that).  Waiting and asynchronous. */
#include "tls_try.h"
#include "notes.h"
#include <stdio.h>
#include <wincrypt.h>
#define SECURITY_WIN32
#include <security.h>
#include <schannel.h>

#define CC_WAIT_MS 15000

static void sync_case(INTERNET_PORT port)
{
    HINTERNET ses = open_session(), con, req;
    DWORD status = 0, size = sizeof(status);
    BOOL ret;

    con = WinHttpConnect(ses, peer_name(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    SetLastError(0xdeadbeef);
    ret = WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0);
    ok(!ret && GetLastError() == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, "first send: %d %lu\n", ret, GetLastError());
    ret = WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0);
    ok(ret, "no client certificate: %lu\n", GetLastError());
    ret = WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(req, NULL);
    ok(ret, "sent again: %lu\n", GetLastError());
    if (ret)
    {
        WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL);
        ok(status == 200, "status %lu\n", status);
    }
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void async_case(INTERNET_PORT port)
{
    HINTERNET ses, con, req;
    struct note n;
    int i;

    notes_reset();
    ses = open_async_session();
    con = WinHttpConnect(ses, peer_name(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/status/200", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "async send: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 0, CC_WAIT_MS);
    ok(i >= 0 && note_get(i, &n) && n.len == sizeof(WINHTTP_ASYNC_RESULT)
       && ((WINHTTP_ASYNC_RESULT *)n.info)->dwResult == API_SEND_REQUEST
       && ((WINHTTP_ASYNC_RESULT *)n.info)->dwError == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED,
       "async REQUEST_ERROR: %d error %lu (%s)\n", i, i >= 0 ? ((WINHTTP_ASYNC_RESULT *)n.info)->dwError : 0,
       notes_for(req));
    ok(WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0),
       "async, no client certificate: %lu\n", GetLastError());
    notes_reset();
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "async send again: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, CC_WAIT_MS);
    ok(i >= 0, "async SENDREQUEST_COMPLETE after the option: %s\n", notes_for(req));
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    note_wait(req, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, CC_WAIT_MS);
}

/* The peer's client.p12 (SSL_CERT_FILE's directory, through Z:) imported
 * with flags; the certificate that has a key, or NULL. */
static PCCERT_CONTEXT import_client_cert(DWORD flags)
{
    const char *ca = getenv("SSL_CERT_FILE");
    char path[MAX_PATH], *slash;
    static BYTE data[16384];
    CRYPT_DATA_BLOB blob;
    PCCERT_CONTEXT cert = NULL, found = NULL;
    HCERTSTORE store;
    DWORD got = 0, size;
    HANDLE f;

    if (!ca || snprintf(path, sizeof(path), "Z:%s", ca) >= (int)sizeof(path) || !(slash = strrchr(path, '/')))
        return NULL;
    snprintf(slash + 1, sizeof(path) - (slash + 1 - path), "client.p12");
    f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return NULL;
    ReadFile(f, data, sizeof(data), &got, NULL);
    CloseHandle(f);
    blob.pbData = data;
    blob.cbData = got;
    if (!(store = PFXImportCertStore(&blob, L"test", flags)))
    {
        trace("PFXImportCertStore(0x%lx): %lu\n", flags, GetLastError());
        return NULL;
    }
    while ((cert = CertEnumCertificatesInStore(store, cert)))
    {
        size = 0;
        if (CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size))
        {
            found = CertDuplicateCertificateContext(cert);
            CertFreeCertificateContext(cert);
            break;
        }
    }
    CertCloseStore(store, 0);
    return found;
}

/* GET /client-cert on req (already set up); its body in text, or the error. */
static DWORD client_cert_get(HINTERNET req, char *text, DWORD size)
{
    DWORD got = 0, n;

    text[0] = 0;
    if (!WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL)) return GetLastError();
    while (got + 1 < size && WinHttpReadData(req, text + got, size - 1 - got, &n) && n) got += n;
    text[got] = 0;
    return 0;
}

#define CLIENT_CN "winhttp-wine test client"

/* 12044 first; the issuer list names the CA that signed our certificate;
 * with the certificate set, sent again: the peer has it, and trusts it. */
static void issuer_list_and_cert(INTERNET_PORT port, PCCERT_CONTEXT cert)
{
    HINTERNET ses = open_session(), con, req;
    SecPkgContext_IssuerListInfoEx *list = NULL;
    DWORD size = sizeof(list), err, i;
    char text[256];
    BOOL found = FALSE;

    con = WinHttpConnect(ses, peer_name(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/client-cert", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    err = client_cert_get(req, text, sizeof(text));
    ok(err == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, "no certificate set: %lu\n", err);
    size = 1;
    SetLastError(0xdeadbeef);
    ok(!WinHttpQueryOption(req, WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, &list, &size)
       && GetLastError() == ERROR_INSUFFICIENT_BUFFER && size == sizeof(list),
       "issuer list, small buffer: %lu size %lu\n", GetLastError(), size);
    size = sizeof(list);
    ok(WinHttpQueryOption(req, WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST, &list, &size) && list,
       "issuer list: %lu\n", GetLastError());
    if (list)
    {
        for (i = 0; i < list->cIssuers; i++)
            if (CertCompareCertificateName(X509_ASN_ENCODING, &list->aIssuers[i], &cert->pCertInfo->Issuer)) found = TRUE;
        ok(list->cIssuers >= 1 && found, "the test CA is not among the %lu issuers\n", list->cIssuers);
        GlobalFree(list);
    }
    ok(WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, (void *)cert, sizeof(*cert)),
       "set the certificate: %lu\n", GetLastError());
    err = client_cert_get(req, text, sizeof(text));
    ok(!err && !strcmp(text, "authorized " CLIENT_CN), "sent again with the certificate: %lu '%s'\n", err, text);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* The certificate set before the first send: no 12044, the peer has it.
 * A key that cannot be exported (expect 12186) must either work too or fail
 * with the documented ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY, never
 * go out without the certificate; a certificate without any key (expect
 * 12185) fails with ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY. */
static void cert_first(INTERNET_PORT port, PCCERT_CONTEXT cert, DWORD expect)
{
    HINTERNET ses = open_session(), con, req;
    char text[256];
    DWORD err;

    con = WinHttpConnect(ses, peer_name(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/client-cert", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, (void *)cert, sizeof(*cert)),
       "set the certificate: %lu\n", GetLastError());
    err = client_cert_get(req, text, sizeof(text));
    if (!expect)
        ok(!err && !strcmp(text, "authorized " CLIENT_CN), "certificate set first: %lu '%s'\n", err, text);
    else if (expect == ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY)
        ok(err == ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY, "certificate without a key: %lu '%s'\n", err, text);
    else
    {
        ok((!err && !strcmp(text, "authorized " CLIENT_CN)) || err == ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY,
           "non-exportable key: %lu '%s'\n", err, text);
        if (err) trace("non-exportable key: ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY (not supported)\n");
    }
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

/* The same, asynchronous: the response comes with the certificate. */
static void cert_first_async(INTERNET_PORT port, PCCERT_CONTEXT cert)
{
    HINTERNET ses, con, req;
    char text[256];
    DWORD n = 0;
    int i;

    notes_reset();
    ses = open_async_session();
    con = WinHttpConnect(ses, peer_name(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/client-cert", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    ok(WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, (void *)cert, sizeof(*cert)),
       "async, set the certificate: %lu\n", GetLastError());
    ok(WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0), "async send: %lu\n", GetLastError());
    i = note_wait(req, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, 0, CC_WAIT_MS);
    ok(i >= 0, "async with a certificate: %s\n", notes_for(req));
    if (i >= 0)
    {
        ok(WinHttpReceiveResponse(req, NULL), "async receive: %lu\n", GetLastError());
        i = note_wait(req, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, 0, CC_WAIT_MS);
        ok(i >= 0, "async headers: %s\n", notes_for(req));
        memset(text, 0, sizeof(text));
        ok(i >= 0 && WinHttpReadData(req, text, sizeof(text) - 1, NULL), "async read: %lu\n", GetLastError());
        i = note_wait(req, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, 0, CC_WAIT_MS);
        if (i >= 0) n = (DWORD)strlen(text);
        ok(n && !strncmp(text, "authorized " CLIENT_CN, n), "async body '%s'\n", text);
    }
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    note_wait(req, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, 0, CC_WAIT_MS);
}

/* One session: a request with the certificate, then one without it.  The
 * second must not get the first one's identity, neither through a pooled
 * connection nor through a resumed TLS session: the server asks again. */
static void identity_not_shared(INTERNET_PORT port, PCCERT_CONTEXT cert)
{
    HINTERNET ses = open_session(), con, req;
    char text[256];
    DWORD err;

    con = WinHttpConnect(ses, peer_name(), port, 0);
    req = WinHttpOpenRequest(con, L"GET", L"/client-cert", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, (void *)cert, sizeof(*cert));
    err = client_cert_get(req, text, sizeof(text));
    ok(!err && !strcmp(text, "authorized " CLIENT_CN), "first request, with the certificate: %lu '%s'\n", err, text);
    WinHttpCloseHandle(req);
    req = WinHttpOpenRequest(con, L"GET", L"/client-cert", NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
    err = client_cert_get(req, text, sizeof(text));
    ok(err == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, "second request, without one: %lu '%s'\n", err, text);
    WinHttpCloseHandle(req);
    WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
}

static void client_cert_cases(INTERNET_PORT port)
{
    PCCERT_CONTEXT cert = import_client_cert(CRYPT_EXPORTABLE), fixed;

    if (!cert)
    {
        skip("client.p12 could not be imported\n");
        return;
    }
    issuer_list_and_cert(port, cert);
    cert_first(port, cert, 0);
    cert_first_async(port, cert);
    identity_not_shared(port, cert);
    /* the same certificate alone, not linked to any key */
    if ((fixed = CertCreateCertificateContext(X509_ASN_ENCODING, cert->pbCertEncoded, cert->cbCertEncoded)))
    {
        cert_first(port, fixed, ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY);
        CertFreeCertificateContext(fixed);
    }
    CertFreeCertificateContext(cert);
    if ((fixed = import_client_cert(0)))
    {
        cert_first(port, fixed, ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY);
        CertFreeCertificateContext(fixed);
    }
    else skip("client.p12 without CRYPT_EXPORTABLE could not be imported\n");
}

void tls_client_cert_tests(void)
{
    INTERNET_PORT port = peer_port("WSS_CLIENTREQ");
    if (!port)
    {
        skip("no WSS_CLIENTREQ listener\n");
        return;
    }
    sync_case(port);
    async_case(port);
    client_cert_cases(port);
}
