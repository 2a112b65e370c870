/*
 * The server's certificate, as WinHttpQueryOption hands it out: the
 * transport gives the DER encodings the server sent, crypt32 makes
 * CERT_CONTEXTs of them.  Only while the request holds a connection whose
 * TLS handshake succeeded; ERROR_WINHTTP_INCORRECT_HANDLE_STATE otherwise
 * (before the send, on plain http, after the connection went to a
 * WebSocket).
 */
#include "private.h"
#include <wincrypt.h>
#include "server_cert.h"

typedef HCERTSTORE (WINAPI *open_store_fn)(LPCSTR, DWORD, HCRYPTPROV_LEGACY, DWORD, const void *);
typedef PCCERT_CONTEXT (WINAPI *create_context_fn)(DWORD, const BYTE *, DWORD);
typedef BOOL (WINAPI *add_context_fn)(HCERTSTORE, PCCERT_CONTEXT, DWORD, PCCERT_CONTEXT *);
typedef BOOL (WINAPI *free_context_fn)(PCCERT_CONTEXT);
typedef BOOL (WINAPI *close_store_fn)(HCERTSTORE, DWORD);
typedef DWORD (WINAPI *name_to_str_fn)(DWORD, PCERT_NAME_BLOB, DWORD, LPWSTR, DWORD);
typedef BOOL (WINAPI *get_chain_fn)(HCERTCHAINENGINE, PCCERT_CONTEXT, LPFILETIME, HCERTSTORE, PCERT_CHAIN_PARA, DWORD,
                                    LPVOID, PCCERT_CHAIN_CONTEXT *);

static struct
{
    open_store_fn open_store;
    create_context_fn create_context;
    add_context_fn add_context;
    free_context_fn free_context;
    close_store_fn close_store;
    name_to_str_fn name_to_str;
    get_chain_fn get_chain;
} crypt;

static BOOL CALLBACK load_crypt32(INIT_ONCE *once, void *param, void **ctx)
{
    HMODULE m = LoadLibraryExW(L"crypt32.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (!m) return TRUE;
    crypt.open_store = (open_store_fn)(void *)GetProcAddress(m, "CertOpenStore");
    crypt.create_context = (create_context_fn)(void *)GetProcAddress(m, "CertCreateCertificateContext");
    crypt.add_context = (add_context_fn)(void *)GetProcAddress(m, "CertAddCertificateContextToStore");
    crypt.free_context = (free_context_fn)(void *)GetProcAddress(m, "CertFreeCertificateContext");
    crypt.close_store = (close_store_fn)(void *)GetProcAddress(m, "CertCloseStore");
    crypt.name_to_str = (name_to_str_fn)(void *)GetProcAddress(m, "CertNameToStrW");
    crypt.get_chain = (get_chain_fn)(void *)GetProcAddress(m, "CertGetCertificateChain");
    return TRUE;
}

static BOOL crypt32_ready(void)
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    InitOnceExecuteOnce(&once, load_crypt32, NULL, NULL);
    return crypt.open_store && crypt.create_context && crypt.add_context && crypt.free_context && crypt.close_store
           && crypt.name_to_str && crypt.get_chain;
}

/* Certificate index of the server, as crypt32 context (not in a store). */
static DWORD fetch_one(whnet_conn id, DWORD index, PCCERT_CONTEXT *out)
{
    const struct whnet_ops *t = transport_get();
    uint32_t size = 0;
    BYTE *der;
    DWORD ret;

    *out = NULL;
    ret = t->peer_certificate(id, index, NULL, 0, &size);
    if (ret != ERROR_INSUFFICIENT_BUFFER) return ret ? ret : ERROR_WINHTTP_INTERNAL_ERROR;
    if (!(der = heap_alloc(size))) return ERROR_NOT_ENOUGH_MEMORY;
    if (!(ret = t->peer_certificate(id, index, der, size, &size)))
    {
        *out = crypt.create_context(X509_ASN_ENCODING, der, size);
        if (!*out) ret = GetLastError() ? GetLastError() : ERROR_WINHTTP_INTERNAL_ERROR;
    }
    heap_free(der);
    return ret;
}

/* The server's certificate (its hCertStore holding the chain), on the
 * request's connection: the caller holds r->conn_lock. */
static DWORD make_context(struct netconn *conn, PCCERT_CONTEXT *out)
{
    PCCERT_CONTEXT one, leaf = NULL;
    HCERTSTORE store;
    DWORD index, ret = ERROR_SUCCESS;

    *out = NULL;
    if (!(store = crypt.open_store(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, NULL)))
        return ERROR_NOT_ENOUGH_MEMORY;
    for (index = 0; ; index++)
    {
        ret = fetch_one(conn->id, index, &one);
        if (ret == ERROR_NO_MORE_ITEMS && index) { ret = ERROR_SUCCESS; break; }
        if (ret) break;
        if (!crypt.add_context(store, one, CERT_STORE_ADD_ALWAYS, index ? NULL : &leaf))
            ret = ERROR_NOT_ENOUGH_MEMORY;
        crypt.free_context(one);
        if (ret) break;
    }
    /* the leaf keeps the store alive */
    crypt.close_store(store, 0);
    if (ret)
    {
        if (leaf) crypt.free_context(leaf);
        return ret;
    }
    *out = leaf;
    return ERROR_SUCCESS;
}

/* The request's TLS connection, locked (shared) for the caller to unlock. */
static struct netconn *lock_tls_conn(struct request *r)
{
    uint32_t proto, bits;
    AcquireSRWLockShared(&r->conn_lock);
    if (r->conn && r->conn->secure && r->conn->opening == NETCONN_READY
        && !transport_get()->tls_info(r->conn->id, &proto, &bits, NULL))
        return r->conn;
    ReleaseSRWLockShared(&r->conn_lock);
    return NULL;
}

static DWORD get_context(struct request *r, PCCERT_CONTEXT *out)
{
    struct netconn *conn;
    DWORD ret;

    *out = NULL;
    if (!(conn = lock_tls_conn(r))) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    ret = crypt32_ready() ? make_context(conn, out) : ERROR_WINHTTP_INTERNAL_ERROR;
    ReleaseSRWLockShared(&r->conn_lock);
    return ret;
}

DWORD server_cert_query_context(struct request *r, void *buffer, DWORD *len)
{
    PCCERT_CONTEXT cert;
    DWORD ret;

    if (!buffer || *len < sizeof(cert))
    {
        *len = sizeof(cert);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    if ((ret = get_context(r, &cert))) return ret;
    memcpy(buffer, &cert, sizeof(cert));
    *len = sizeof(cert);
    return ERROR_SUCCESS;
}

DWORD server_cert_query_chain(struct request *r, void *buffer, DWORD *len)
{
    PCCERT_CHAIN_CONTEXT chain = NULL;
    CERT_CHAIN_PARA para;
    PCCERT_CONTEXT cert;
    DWORD ret;

    if (!buffer || *len < sizeof(chain))
    {
        *len = sizeof(chain);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    if ((ret = get_context(r, &cert))) return ret;
    memset(&para, 0, sizeof(para));
    para.cbSize = sizeof(para);
    /* the chain crypt32 builds from what the server sent (the leaf's store)
     * and the prefix's stores; its trust status is crypt32's */
    if (!crypt.get_chain(NULL, cert, NULL, cert->hCertStore, &para, 0, NULL, &chain))
        ret = GetLastError() ? GetLastError() : ERROR_WINHTTP_INTERNAL_ERROR;
    crypt.free_context(cert);
    if (ret) return ret;
    memcpy(buffer, &chain, sizeof(chain));
    *len = sizeof(chain);
    return ERROR_SUCCESS;
}

/* name as "value\r\nvalue..." in LocalAlloc'd memory. */
static WCHAR *name_string(CERT_NAME_BLOB *name)
{
    const DWORD type = CERT_SIMPLE_NAME_STR | CERT_NAME_STR_CRLF_FLAG;
    DWORD n = crypt.name_to_str(X509_ASN_ENCODING, name, type, NULL, 0);
    WCHAR *s;

    if (!n || !(s = LocalAlloc(LMEM_FIXED, n * sizeof(WCHAR)))) return NULL;
    crypt.name_to_str(X509_ASN_ENCODING, name, type, s, n);
    return s;
}

DWORD server_cert_query_info(struct request *r, void *buffer, DWORD *len)
{
    WINHTTP_CERTIFICATE_INFO info;
    PCCERT_CONTEXT cert;
    struct netconn *conn;
    uint32_t proto = 0, bits = 0;
    DWORD ret;

    if (!buffer || *len < sizeof(info))
    {
        *len = sizeof(info);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    if ((ret = get_context(r, &cert))) return ret;
    if ((conn = lock_tls_conn(r)))
    {
        transport_get()->tls_info(conn->id, &proto, &bits, NULL);
        ReleaseSRWLockShared(&r->conn_lock);
    }
    memset(&info, 0, sizeof(info));
    info.ftExpiry = cert->pCertInfo->NotAfter;
    info.ftStart = cert->pCertInfo->NotBefore;
    info.lpszSubjectInfo = name_string(&cert->pCertInfo->Subject);
    info.lpszIssuerInfo = name_string(&cert->pCertInfo->Issuer);
    /* lpszProtocolName, lpszSignatureAlgName, lpszEncryptionAlgName: "not
     * currently used" (the documentation): NULL */
    info.dwKeySize = bits;
    crypt.free_context(cert);
    if (!info.lpszSubjectInfo || !info.lpszIssuerInfo)
    {
        LocalFree(info.lpszSubjectInfo);
        LocalFree(info.lpszIssuerInfo);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    memcpy(buffer, &info, sizeof(info));
    *len = sizeof(info);
    return ERROR_SUCCESS;
}

DWORD server_cert_query_bitness(struct request *r, void *buffer, DWORD *len)
{
    struct netconn *conn;
    uint32_t proto = 0, bits = 0;
    DWORD value;

    if (!buffer || *len < sizeof(DWORD))
    {
        *len = sizeof(DWORD);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    if (!(conn = lock_tls_conn(r))) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    transport_get()->tls_info(conn->id, &proto, &bits, NULL);
    ReleaseSRWLockShared(&r->conn_lock);
    value = bits;
    memcpy(buffer, &value, sizeof(value));
    *len = sizeof(value);
    return ERROR_SUCCESS;
}
