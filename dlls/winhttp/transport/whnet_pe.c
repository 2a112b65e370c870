/*
 * whnet.dll, the PE half of the transport: marshals struct whnet_ops calls
 * to whnet.so through Wine's unix call interface.  Wine attaches whnet.so
 * only when this DLL is loaded as a builtin (winebuild --builtin).
 */
#include <windows.h>
#include "whnet.h"
#include "whnet_unixcall.h"

typedef LONG (WINAPI *query_vm_fn)(HANDLE, const void *, int, void *, SIZE_T, SIZE_T *);
typedef LONG (WINAPI *unix_call_fn)(UINT64, unsigned int, void *);

static HMODULE self;
static UINT64 unix_handle;
static unix_call_fn unix_call;

static uint32_t call(enum whnet_call code, void *args)
{
    return unix_call(unix_handle, code, args) ? ERROR_INTERNAL_ERROR : 0;
}

static uint32_t w_connect(const char *host, uint16_t port, uint32_t timeout_ms, uint32_t resolve_timeout_ms,
                          whnet_conn *conn)
{
    struct whnet_connect_args a = { (UINT_PTR)host, port, timeout_ms, 0, 0, resolve_timeout_ms };
    uint32_t st;

    if (!conn) return ERROR_INVALID_PARAMETER;
    st = call(WHNET_CALL_CONNECT, &a);
    *conn = a.conn;
    return st ? st : a.ret;
}

static uint32_t w_tls_handshake(whnet_conn conn, const char *server_name, uint32_t ignore_flags,
                                uint32_t timeout_ms, uint32_t *cert_errors)
{
    struct whnet_tls_args a = { conn, (UINT_PTR)server_name, ignore_flags, timeout_ms, 0, 0 };
    uint32_t st = call(WHNET_CALL_TLS_HANDSHAKE, &a);
    if (cert_errors) *cert_errors = a.cert_errors;
    return st ? st : a.ret;
}

static uint32_t w_send(whnet_conn conn, const struct whnet_buf *bufs, uint32_t count, uint32_t timeout_ms)
{
    struct whnet_send_args a;
    uint32_t st;

    if (count && !bufs) return ERROR_INVALID_PARAMETER;
    a.conn = conn;
    a.timeout_ms = timeout_ms;
    a.ret = 0;
    a.pad = 0;
#ifdef _WIN64
    /* struct whnet_buf already has the layout of struct whnet_buf64 */
    C_ASSERT(sizeof(struct whnet_buf) == sizeof(struct whnet_buf64));
    C_ASSERT(FIELD_OFFSET(struct whnet_buf, len) == FIELD_OFFSET(struct whnet_buf64, len));
    a.bufs = (UINT_PTR)bufs;
    a.count = count;
    st = call(WHNET_CALL_SEND, &a);
    return st ? st : a.ret;
#else
    {
        struct whnet_buf64 b64[16];
        uint32_t i, done = 0;
        do
        {
            uint32_t n = min(count - done, ARRAYSIZE(b64));
            for (i = 0; i < n; i++)
            {
                b64[i].data = (UINT_PTR)bufs[done + i].data;
                b64[i].len = bufs[done + i].len;
                b64[i].pad = 0;
            }
            a.bufs = (UINT_PTR)b64;
            a.count = n;
            if ((st = call(WHNET_CALL_SEND, &a)) || a.ret) return st ? st : a.ret;
            done += n;
        } while (done < count);
        return 0;
    }
#endif
}

static uint32_t w_recv(whnet_conn conn, void *buf, uint32_t len, uint32_t timeout_ms, uint32_t *received)
{
    struct whnet_recv_args a = { conn, (UINT_PTR)buf, len, timeout_ms, 0, 0 };
    uint32_t st;

    if (!received) return ERROR_INVALID_PARAMETER;
    st = call(WHNET_CALL_RECV, &a);
    *received = a.received;
    return st ? st : a.ret;
}

static uint32_t conn_call(enum whnet_call code, whnet_conn conn)
{
    struct whnet_conn_args a = { conn, 0, 0 };
    uint32_t st = call(code, &a);
    return st ? st : a.ret;
}

static uint32_t w_shutdown_send(whnet_conn conn) { return conn_call(WHNET_CALL_SHUTDOWN_SEND, conn); }
static uint32_t w_cancel(whnet_conn conn) { return conn_call(WHNET_CALL_CANCEL, conn); }
static void w_close(whnet_conn conn) { conn_call(WHNET_CALL_CLOSE, conn); }

static uint32_t w_random(void *buf, uint32_t len)
{
    struct whnet_random_args a = { (UINT_PTR)buf, len, 0 };
    uint32_t st = call(WHNET_CALL_RANDOM, &a);
    return st ? st : a.ret;
}

static uint32_t w_watch(whnet_conn conn, uint64_t token)
{
    struct whnet_watch_args a = { conn, token, 0, 0 };
    uint32_t st = call(WHNET_CALL_WATCH, &a);
    return st ? st : a.ret;
}

static uint32_t w_wait_events(uint64_t *tokens, uint32_t max, uint32_t timeout_ms, uint32_t *count)
{
    struct whnet_wait_args a = { (UINT_PTR)tokens, max, timeout_ms, 0, 0 };
    uint32_t st = call(WHNET_CALL_WAIT_EVENTS, &a);
    if (count) *count = st ? 0 : a.count;
    return st ? st : a.ret;
}

static uint32_t w_send_nowait(whnet_conn conn, const struct whnet_buf *bufs, uint32_t count,
                              uint32_t *taken, uint32_t *pending)
{
    struct whnet_send_nowait_args a = { conn, (UINT_PTR)bufs, count, 0, 0, 0 };
    uint32_t st;
#ifndef _WIN64
    struct whnet_buf64 b64[16];
    uint32_t i;

    if (count > ARRAYSIZE(b64)) count = ARRAYSIZE(b64);  /* takes less: allowed */
    for (i = 0; i < count && bufs; i++)
    {
        b64[i].data = (UINT_PTR)bufs[i].data;
        b64[i].len = bufs[i].len;
        b64[i].pad = 0;
    }
    a.bufs = (UINT_PTR)b64;
    a.count = count;
#endif
    if ((count && !bufs) || !taken || !pending) return ERROR_INVALID_PARAMETER;
    st = call(WHNET_CALL_SEND_NOWAIT, &a);
    *taken = st ? 0 : a.taken;
    *pending = st ? 0 : a.pending;
    return st ? st : a.ret;
}

static uint32_t w_watch_write(whnet_conn conn, uint64_t token)
{
    struct whnet_watch_args a = { conn, token, 0, 0 };
    uint32_t st = call(WHNET_CALL_WATCH_WRITE, &a);
    return st ? st : a.ret;
}

static uint32_t w_connect_start(const char *host, uint16_t port, uint32_t resolve_timeout_ms, whnet_conn *conn)
{
    struct whnet_connect_args a = { (UINT_PTR)host, port, resolve_timeout_ms, 0, 0, 0 };
    uint32_t st;

    if (!conn) return ERROR_INVALID_PARAMETER;
    st = call(WHNET_CALL_CONNECT_START, &a);
    *conn = st ? 0 : a.conn;
    return st ? st : a.ret;
}

static uint32_t w_connect_continue(whnet_conn conn) { return conn_call(WHNET_CALL_CONNECT_CONTINUE, conn); }

static uint32_t w_tls_step(whnet_conn conn, const char *server_name, uint32_t ignore_flags, uint32_t *cert_errors,
                           uint32_t *want_write)
{
    struct whnet_tls_step_args a = { conn, (UINT_PTR)server_name, ignore_flags, 0, 0, 0 };
    uint32_t st = call(WHNET_CALL_TLS_STEP, &a);
    if (cert_errors) *cert_errors = a.cert_errors;
    if (want_write) *want_write = a.want_write;
    return st ? st : a.ret;
}

static uint32_t w_tls_set_protocols(whnet_conn conn, uint32_t protocols)
{
    struct whnet_protocols_args a = { conn, protocols, 0 };
    uint32_t st = call(WHNET_CALL_TLS_SET_PROTOCOLS, &a);
    return st ? st : a.ret;
}

/* The index-th DER blob of a list the connection holds (the peer's
 * certificates, the CA names a server asked for). */
static uint32_t blob_call(enum whnet_call code, whnet_conn conn, uint32_t index, void *buf, uint32_t len, uint32_t *size)
{
    struct whnet_peer_cert_args a = { conn, (UINT_PTR)buf, index, buf ? len : 0, 0, 0 };
    uint32_t st;

    if (!size) return ERROR_INVALID_PARAMETER;
    st = call(code, &a);
    *size = st ? 0 : a.size;
    return st ? st : a.ret;
}

static uint32_t w_peer_certificate(whnet_conn conn, uint32_t index, void *buf, uint32_t len, uint32_t *size)
{
    return blob_call(WHNET_CALL_PEER_CERTIFICATE, conn, index, buf, len, size);
}

static uint32_t w_tls_info(whnet_conn conn, uint32_t *protocol, uint32_t *cipher_bits, uint32_t *flags)
{
    struct whnet_tls_info_args a = { conn, 0, 0, 0, 0 };
    uint32_t st;

    if (!protocol || !cipher_bits) return ERROR_INVALID_PARAMETER;
    st = call(WHNET_CALL_TLS_INFO, &a);
    *protocol = st ? 0 : a.protocol;
    *cipher_bits = st ? 0 : a.cipher_bits;
    if (flags) *flags = st ? 0 : a.flags;
    return st ? st : a.ret;
}

static uint32_t w_tls_check_revocation(whnet_conn conn, uint32_t enable)
{
    struct whnet_protocols_args a = { conn, enable, 0 };
    uint32_t st = call(WHNET_CALL_TLS_CHECK_REVOCATION, &a);
    return st ? st : a.ret;
}

static uint32_t w_addresses(whnet_conn conn, struct whnet_addr *local, struct whnet_addr *remote)
{
    struct whnet_addresses_args a = { conn, (UINT_PTR)local, (UINT_PTR)remote, 0, 0 };
    uint32_t st;

    if (!local || !remote) return ERROR_INVALID_PARAMETER;
    st = call(WHNET_CALL_ADDRESSES, &a);
    return st ? st : a.ret;
}

static uint32_t w_tls_set_resume_key(whnet_conn conn, const void *key, uint32_t len)
{
    struct whnet_resume_args a = { conn, (UINT_PTR)key, len, 0 };
    uint32_t st = call(WHNET_CALL_TLS_SET_RESUME_KEY, &a);
    return st ? st : a.ret;
}

static uint32_t w_tls_forget(const void *prefix, uint32_t len)
{
    struct whnet_resume_args a = { 0, (UINT_PTR)prefix, len, 0 };
    uint32_t st = call(WHNET_CALL_TLS_FORGET, &a);
    return st ? st : a.ret;
}

static uint32_t w_inflate_create(uint32_t kind, whnet_inflater *inflater)
{
    struct whnet_inflate_create_args a = { 0, kind, 0 };
    uint32_t st;

    if (!inflater) return ERROR_INVALID_PARAMETER;
    st = call(WHNET_CALL_INFLATE_CREATE, &a);
    *inflater = st ? 0 : a.inflater;
    return st ? st : a.ret;
}

static uint32_t w_inflate(whnet_inflater inflater, const void *in, uint32_t in_len, void *out, uint32_t out_len,
                          uint32_t *consumed, uint32_t *produced, uint32_t *end)
{
    struct whnet_inflate_args a = { inflater, (UINT_PTR)in, (UINT_PTR)out, in_len, out_len, 0, 0, 0, 0 };
    uint32_t st;

    if (!consumed || !produced || !end || (in_len && !in) || (out_len && !out)) return ERROR_INVALID_PARAMETER;
    st = call(WHNET_CALL_INFLATE, &a);
    *consumed = st ? 0 : a.consumed;
    *produced = st ? 0 : a.produced;
    *end = st ? 0 : a.end;
    return st ? st : a.ret;
}

static void w_inflate_free(whnet_inflater inflater)
{
    if (inflater) conn_call(WHNET_CALL_INFLATE_FREE, inflater);
}

static uint32_t w_tls_set_client_cert(whnet_conn conn, const void *cert, uint32_t cert_len, const void *key,
                                      uint32_t key_len, uint32_t key_error)
{
    struct whnet_client_cert_args a = { conn, (UINT_PTR)cert, (UINT_PTR)key, cert_len, key ? key_len : 0, key_error, 0 };
    uint32_t st = call(WHNET_CALL_TLS_SET_CLIENT_CERT, &a);
    return st ? st : a.ret;
}

static uint32_t w_tls_issuer(whnet_conn conn, uint32_t index, void *buf, uint32_t len, uint32_t *size)
{
    return blob_call(WHNET_CALL_TLS_ISSUER, conn, index, buf, len, size);
}

static const struct whnet_ops ops =
{
    WHNET_INTERFACE_VERSION,
    w_connect, w_tls_handshake, w_send, w_recv, w_shutdown_send, w_cancel, w_close, w_random,
    w_watch, w_wait_events, w_send_nowait, w_watch_write,
    w_connect_start, w_connect_continue, w_tls_step,
    w_tls_set_protocols, w_peer_certificate, w_tls_info, w_tls_check_revocation,
    w_addresses, w_tls_set_resume_key, w_tls_forget,
    w_inflate_create, w_inflate, w_inflate_free,
    w_tls_set_client_cert, w_tls_issuer,
};

static BOOL CALLBACK init_unix(INIT_ONCE *once, void *param, void **ctx)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    query_vm_fn query = (query_vm_fn)(void *)GetProcAddress(ntdll, "NtQueryVirtualMemory");
    unix_call_fn uc = (unix_call_fn)(void *)GetProcAddress(ntdll, "__wine_unix_call");
    UINT64 h = 0;

    /* 1000 = MemoryWineUnixFuncs: the __wine_unix_call_funcs of whnet.so */
    if (query && uc && !query(GetCurrentProcess(), self, 1000, &h, sizeof(h), NULL) && h)
    {
        unix_handle = h;
        unix_call = uc;
    }
    return TRUE;
}

const struct whnet_ops * __cdecl whnet_get_ops(uint32_t version)
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    if (version != WHNET_INTERFACE_VERSION) return NULL;
    InitOnceExecuteOnce(&once, init_unix, NULL, NULL);
    return unix_call ? &ops : NULL;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH)
    {
        self = inst;
        DisableThreadLibraryCalls(inst);
    }
    return TRUE;
}
