/* Helpers shared by the conformance groups. */
#include <stdlib.h>
#include "test.h"
#include <wincrypt.h>

INTERNET_PORT peer_port(const char *which)
{
    char name[64];
    const char *v;
    snprintf(name, sizeof(name), "PEER_%s_PORT", which);
    v = getenv(name);
    return v ? (INTERNET_PORT)atoi(v) : 0;
}

HINTERNET open_session(void)
{
    return WinHttpOpen(L"winhttp-conformance/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY,
                       WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
}

void close_handles(struct conn_handles *h)
{
    if (h->request) WinHttpCloseHandle(h->request);
    if (h->connect) WinHttpCloseHandle(h->connect);
    if (h->session) WinHttpCloseHandle(h->session);
    h->request = h->connect = h->session = NULL;
}

BOOL open_request(struct conn_handles *h, const WCHAR *verb, INTERNET_PORT port, const WCHAR *path,
                  DWORD flags, BOOL upgrade, DWORD security_flags, const WCHAR *headers)
{
    DWORD err;
    memset(h, 0, sizeof(*h));
    if (!(h->session = open_session())) goto fail;
    if (!(h->connect = WinHttpConnect(h->session, peer_host(), port, 0))) goto fail;
    if (!(h->request = WinHttpOpenRequest(h->connect, verb, path, NULL, WINHTTP_NO_REFERER,
                                          WINHTTP_DEFAULT_ACCEPT_TYPES, flags))) goto fail;
    if (upgrade && !WinHttpSetOption(h->request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0)) goto fail;
    if (security_flags && !WinHttpSetOption(h->request, WINHTTP_OPTION_SECURITY_FLAGS,
                                            &security_flags, sizeof(security_flags))) goto fail;
    if (!WinHttpSendRequest(h->request, headers ? headers : WINHTTP_NO_ADDITIONAL_HEADERS,
                            headers ? (DWORD)-1 : 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0)) goto fail;
    if (!WinHttpReceiveResponse(h->request, NULL)) goto fail;
    return TRUE;
fail:
    err = GetLastError();
    close_handles(h);
    SetLastError(err);
    return FALSE;
}

HINTERNET ws_connect(struct conn_handles *h, BOOL secure, const WCHAR *path)
{
    HINTERNET ws;
    DWORD err;
    INTERNET_PORT port = peer_port(secure ? "WSS" : "WS");
    if (!port) { memset(h, 0, sizeof(*h)); SetLastError(ERROR_INVALID_PARAMETER); return NULL; }
    if (!open_request(h, L"GET", port, path, secure ? WINHTTP_FLAG_SECURE : 0, TRUE, 0, NULL))
        return NULL;
    if (!(ws = WinHttpWebSocketCompleteUpgrade(h->request, 0)))
    {
        err = GetLastError();
        close_handles(h);
        SetLastError(err);
    }
    return ws;
}

DWORD ws_send_text(HINTERNET ws, const char *text)
{
    return WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
                                (void *)text, (DWORD)strlen(text));
}

DWORD ws_recv_message(HINTERNET ws, char *buf, DWORD size, DWORD *len,
                      WINHTTP_WEB_SOCKET_BUFFER_TYPE *type)
{
    DWORD total = 0, got, err;
    for (;;)
    {
        got = 0;
        err = WinHttpWebSocketReceive(ws, buf + total, size - total, &got, type);
        if (err) { *len = total; return err; }
        total += got;
        if (*type != WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE &&
            *type != WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE) break;
        if (total >= size) break;
    }
    if (total < size) buf[total] = 0;
    *len = total;
    return 0;
}

void to_hex(const void *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = data;
    size_t i;
    for (i = 0; i < len; i++) { out[2 * i] = digits[p[i] >> 4]; out[2 * i + 1] = digits[p[i] & 15]; }
    out[2 * len] = 0;
}

void check_fresh_echo(const char *after)
{
    struct conn_handles h;
    HINTERNET ws = ws_connect(&h, FALSE, L"/echo");
    char buf[64];
    DWORD len, err;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE bt;

    ok(ws != NULL, "a new connection %s failed: %lu\n", after, GetLastError());
    if (!ws) return;
    err = ws_send_text(ws, "alive");
    ok(!err, "Send %s: %lu\n", after, err);
    err = ws_recv_message(ws, buf, sizeof(buf), &len, &bt);
    ok(!err && len == 5 && !memcmp(buf, "alive", 5), "echo %s: %lu %lu\n", after, err, len);
    WinHttpCloseHandle(ws);
    close_handles(&h);
}

void fill_pattern(BYTE *p, DWORD n, BOOL text)
{
    DWORD i;
    for (i = 0; i < n; i++) p[i] = text ? (BYTE)('a' + i % 26) : (BYTE)(i % 251);
}

void sha1_hex(const void *data, DWORD len, char out[41])
{
    HCRYPTPROV prov;
    HCRYPTHASH hash;
    BYTE digest[20];
    DWORD size = sizeof(digest);
    out[0] = 0;
    if (!CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT)) return;
    if (CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash))
    {
        if (CryptHashData(hash, data, len, 0) && CryptGetHashParam(hash, HP_HASHVAL, digest, &size, 0))
            to_hex(digest, 20, out);
        CryptDestroyHash(hash);
    }
    CryptReleaseContext(prov, 0);
}

DWORD status_of(HINTERNET req)
{
    DWORD code = 0, size = sizeof(code);
    WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &code, &size, NULL);
    return code;
}

DWORD read_all(HINTERNET req, char *buf, DWORD size)
{
    DWORD total = 0, read = 0;
    while (total + 1 < size && WinHttpReadData(req, buf + total, size - 1 - total, &read) && read) total += read;
    buf[total] = 0;
    return total;
}
