/*
 * Client certificates: WINHTTP_OPTION_CLIENT_CERT_CONTEXT and
 * WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST.
 *
 * How the key reaches GnuTLS: when the option is set, crypt32 gives the
 * certificate's CryptoAPI key (CryptAcquireCertificatePrivateKey) and the
 * key is exported as a PRIVATEKEYBLOB; the transport turns that into a
 * GnuTLS RSA key and offers it when the server asks.  Chosen because it
 * needs no call from the Unix side back into PE code in the middle of a
 * handshake (Wine 8.0 gives a .so no such way; a signing callback would
 * need a second thread pumping requests) and works with the keys Wine's
 * crypt32 imports (PFXImportCertStore keeps them in rsaenh).  Its limit: a
 * key marked non-exportable (PFXImportCertStore without CRYPT_EXPORTABLE)
 * cannot be had; a handshake where the server asks for a certificate then
 * fails with ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY (a certificate
 * without any key: ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY), never sending
 * nothing in its place.  CNG-only keys (NCrypt) are not looked at: the
 * same error.
 */
#include "private.h"
#include <wincrypt.h>
#include "client_cert.h"

struct client_cert
{
    BYTE *der;                /* the certificate */
    DWORD der_len;
    BYTE *key;                /* PRIVATEKEYBLOB, NULL: none, for key_error */
    DWORD key_len;
    DWORD key_error;
};

typedef BOOL (WINAPI *acquire_key_fn)(PCCERT_CONTEXT, DWORD, void *, HCRYPTPROV_OR_NCRYPT_KEY_HANDLE *, DWORD *, BOOL *);
typedef BOOL (WINAPI *get_user_key_fn)(HCRYPTPROV, DWORD, HCRYPTKEY *);
typedef BOOL (WINAPI *export_key_fn)(HCRYPTKEY, HCRYPTKEY, DWORD, DWORD, BYTE *, DWORD *);
typedef BOOL (WINAPI *destroy_key_fn)(HCRYPTKEY);
typedef BOOL (WINAPI *release_context_fn)(HCRYPTPROV, DWORD);

static struct
{
    acquire_key_fn acquire_key;
    get_user_key_fn get_user_key;
    export_key_fn export_key;
    destroy_key_fn destroy_key;
    release_context_fn release_context;
} capi;

static BOOL CALLBACK load_capi(INIT_ONCE *once, void *param, void **ctx)
{
    HMODULE c = LoadLibraryExW(L"crypt32.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    HMODULE a = LoadLibraryExW(L"advapi32.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (c) capi.acquire_key = (acquire_key_fn)(void *)GetProcAddress(c, "CryptAcquireCertificatePrivateKey");
    if (!a) return TRUE;
    capi.get_user_key = (get_user_key_fn)(void *)GetProcAddress(a, "CryptGetUserKey");
    capi.export_key = (export_key_fn)(void *)GetProcAddress(a, "CryptExportKey");
    capi.destroy_key = (destroy_key_fn)(void *)GetProcAddress(a, "CryptDestroyKey");
    capi.release_context = (release_context_fn)(void *)GetProcAddress(a, "CryptReleaseContext");
    return TRUE;
}

static BOOL capi_ready(void)
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    InitOnceExecuteOnce(&once, load_capi, NULL, NULL);
    return capi.acquire_key && capi.get_user_key && capi.export_key && capi.destroy_key && capi.release_context;
}

/* The certificate's private key as a PRIVATEKEYBLOB, or the reason why not. */
static DWORD export_key(PCCERT_CONTEXT cert, BYTE **blob, DWORD *blob_len)
{
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE prov = 0;
    HCRYPTKEY key = 0;
    DWORD spec = 0, len = 0, ret = ERROR_SUCCESS;
    BOOL release = FALSE;

    *blob = NULL;
    if (!capi_ready()) return ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY;
    if (!capi.acquire_key(cert, CRYPT_ACQUIRE_SILENT_FLAG, NULL, &prov, &spec, &release))
    {
        TRACE("no private key: %lu\n", GetLastError());
        return ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY;
    }
    /* Wine's PFXImportCertStore records key spec 3 (both); the key is
     * the container's exchange key then */
    if (spec == CERT_NCRYPT_KEY_SPEC
        || (!capi.get_user_key(prov, spec, &key) && !capi.get_user_key(prov, AT_KEYEXCHANGE, &key)
            && !capi.get_user_key(prov, AT_SIGNATURE, &key)))
    {
        TRACE("key spec %lu: no key: 0x%08lx\n", spec, GetLastError());
        ret = ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY;
    }
    else if (!capi.export_key(key, 0, PRIVATEKEYBLOB, 0, NULL, &len) || !len)
    {
        TRACE("key not exportable: 0x%08lx\n", GetLastError());
        ret = ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY;
    }
    else if (!(*blob = heap_alloc(len))) ret = ERROR_NOT_ENOUGH_MEMORY;
    else if (!capi.export_key(key, 0, PRIVATEKEYBLOB, 0, *blob, &len))
        ret = ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY;
    if (ret && *blob)
    {
        SecureZeroMemory(*blob, len);
        heap_free(*blob);
        *blob = NULL;
    }
    *blob_len = len;
    if (key) capi.destroy_key(key);
    if (release) capi.release_context(prov, 0);
    return ret;
}

void client_cert_free(struct client_cert *cc)
{
    if (!cc) return;
    if (cc->key)
    {
        SecureZeroMemory(cc->key, cc->key_len);
        heap_free(cc->key);
    }
    heap_free(cc->der);
    heap_free(cc);
}

DWORD client_cert_create(const void *buffer, DWORD len, struct client_cert **out)
{
    PCCERT_CONTEXT cert = buffer;
    struct client_cert *cc;
    DWORD ret;

    *out = NULL;
    if (!cert || len < sizeof(CERT_CONTEXT) || !cert->pbCertEncoded || !cert->cbCertEncoded)
        return ERROR_INVALID_PARAMETER;
    if (!(cc = heap_alloc_zero(sizeof(*cc))) || !(cc->der = heap_alloc(cert->cbCertEncoded)))
    {
        client_cert_free(cc);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    memcpy(cc->der, cert->pbCertEncoded, cert->cbCertEncoded);
    cc->der_len = cert->cbCertEncoded;
    ret = export_key(cert, &cc->key, &cc->key_len);
    if (ret == ERROR_NOT_ENOUGH_MEMORY)
    {
        client_cert_free(cc);
        return ret;
    }
    cc->key_error = ret;
    TRACE("client certificate of %lu bytes, key %s (%lu)\n", cc->der_len, cc->key ? "exported" : "unavailable", ret);
    *out = cc;
    return ERROR_SUCCESS;
}

/* FNV-1a of the certificate, never 0 */
DWORD client_cert_tag(const struct client_cert *cc)
{
    DWORD h = 2166136261u, i;
    if (!cc) return 0;
    for (i = 0; i < cc->der_len; i++) h = (h ^ cc->der[i]) * 16777619u;
    return h ? h : 1;
}

DWORD client_cert_apply(whnet_conn id, const struct client_cert *cc)
{
    if (!cc) return ERROR_SUCCESS;
    return transport_get()->tls_set_client_cert(id, cc->der, cc->der_len, cc->key, cc->key_len, cc->key_error);
}

/* The layout of schannel.h's SecPkgContext_IssuerListInfoEx */
struct issuer_list
{
    CERT_NAME_BLOB *aIssuers;
    DWORD cIssuers;
};

/* One GlobalAlloc block: the structure, the blobs, the names; the caller
 * frees it with GlobalFree (the documented example does). */
DWORD client_cert_query_issuers(struct request *r, void *buffer, DWORD *len)
{
    const struct whnet_ops *t = transport_get();
    DWORD n = 0, total = 0, i, ret = ERROR_SUCCESS;
    struct issuer_list *list;
    uint32_t size;
    BYTE *p;

    if (!buffer || *len < sizeof(list))
    {
        *len = sizeof(list);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    AcquireSRWLockShared(&r->conn_lock);
    if (!r->conn || !r->conn->secure || r->conn->opening != NETCONN_READY)
    {
        ReleaseSRWLockShared(&r->conn_lock);
        return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    }
    while ((ret = t->tls_issuer(r->conn->id, n, NULL, 0, &size)) == ERROR_INSUFFICIENT_BUFFER)
    {
        total += size;
        n++;
    }
    if (ret != ERROR_NO_MORE_ITEMS) goto done;
    ret = ERROR_SUCCESS;
    if (!(list = GlobalAlloc(GMEM_FIXED | GMEM_ZEROINIT, sizeof(*list) + n * sizeof(CERT_NAME_BLOB) + total)))
    {
        ret = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    list->aIssuers = n ? (CERT_NAME_BLOB *)(list + 1) : NULL;
    p = (BYTE *)(list + 1) + n * sizeof(CERT_NAME_BLOB);
    for (i = 0; i < n && !ret; i++)
    {
        ret = t->tls_issuer(r->conn->id, i, p, total, &size);
        list->aIssuers[i].pbData = p;
        list->aIssuers[i].cbData = size;
        p += size;
        total -= size;
    }
    if (ret) GlobalFree(list);
    else
    {
        list->cIssuers = n;
        memcpy(buffer, &list, sizeof(list));
        *len = sizeof(list);
    }
done:
    ReleaseSRWLockShared(&r->conn_lock);
    return ret;
}
