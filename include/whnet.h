/*
 * whnet: the transport behind our winhttp.dll.
 *
 * whnet.dll is a builtin-marked PE module paired with whnet.so (Unix side,
 * sockets + GnuTLS).  It knows nothing about HTTP or WebSocket.  winhttp.dll
 * loads it at first use and calls whnet_get_ops() once.
 *
 * All functions are thread safe in this sense: one send and one receive may
 * run at the same time on one connection (full duplex), and cancel/close may
 * be called from any thread at any time while another thread is blocked in
 * send or recv on the same connection.  Every blocking wait is cancellable.
 *
 * Return values are Win32/WinHTTP error codes (0 == ERROR_SUCCESS):
 *   ERROR_WINHTTP_NAME_NOT_RESOLVED   12007  host lookup failed
 *   ERROR_WINHTTP_CANNOT_CONNECT      12029  every address refused/failed
 *   ERROR_WINHTTP_TIMEOUT             12002  timeout expired
 *   ERROR_WINHTTP_CONNECTION_ERROR    12030  reset, EOF during send, TLS error
 *   ERROR_WINHTTP_SECURE_FAILURE      12175  TLS handshake or certificate
 *   ERROR_WINHTTP_OPERATION_CANCELLED 12017  whnet_ops.cancel was called
 *   ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY        12185  (tls_set_client_cert)
 *   ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY 12186  (tls_set_client_cert)
 *   ERROR_NOT_ENOUGH_MEMORY               8
 *   ERROR_INVALID_PARAMETER              87
 *   ERROR_INVALID_DATA                   13  (inflate: corrupt stream)
 */
#ifndef WHNET_H
#define WHNET_H

#include <stdint.h>

#define WHNET_INTERFACE_VERSION 7
#define WHNET_INFINITE 0xffffffffu   /* timeout: wait forever */

/* Certificate problems reported by tls_handshake (same values as the
 * WINHTTP_CALLBACK_STATUS_FLAG_* bits of winhttp.h). */
#define WHNET_CERT_REV_FAILED        0x00000001u
#define WHNET_CERT_INVALID           0x00000002u
#define WHNET_CERT_REVOKED           0x00000004u
#define WHNET_CERT_INVALID_CA        0x00000008u
#define WHNET_CERT_CN_INVALID        0x00000010u
#define WHNET_CERT_DATE_INVALID      0x00000020u
#define WHNET_CERT_WRONG_USAGE       0x00000040u
#define WHNET_CERT_CHANNEL_ERROR     0x80000000u

/* Which certificate problems to ignore (values of winhttp.h SECURITY_FLAG_*). */
#define WHNET_IGNORE_UNKNOWN_CA      0x00000100u
#define WHNET_IGNORE_WRONG_USAGE     0x00000200u
#define WHNET_IGNORE_CN_INVALID      0x00001000u
#define WHNET_IGNORE_DATE_INVALID    0x00002000u

/* An IP address and port (WINHTTP_OPTION_CONNECTION_INFO). */
struct whnet_addr
{
    uint16_t family;                  /* 4 or 6 */
    uint16_t port;                    /* host byte order */
    uint32_t flowinfo, scope_id;      /* IPv6 */
    uint8_t addr[16];                 /* 4 or 16 bytes, network order */
};

/* TLS protocol versions (values of winhttp.h WINHTTP_FLAG_SECURE_PROTOCOL_*). */
#define WHNET_PROTO_SSL2             0x00000008u   /* never offered */
#define WHNET_PROTO_SSL3             0x00000020u   /* never offered */
#define WHNET_PROTO_TLS1_0           0x00000080u
#define WHNET_PROTO_TLS1_1           0x00000200u
#define WHNET_PROTO_TLS1_2           0x00000800u
#define WHNET_PROTO_TLS1_3           0x00002000u
#define WHNET_PROTO_DEFAULT          (WHNET_PROTO_TLS1_2 | WHNET_PROTO_TLS1_3)

/* tls_info flags */
#define WHNET_TLS_CERT_REQUESTED     0x00000001u   /* the server asked for a client certificate (none was sent) */
#define WHNET_TLS_RESUMED            0x00000002u   /* the handshake resumed a kept session */
#define WHNET_TLS_TRUNCATED          0x00000004u   /* recv's end of stream was a TCP close without close_notify */

typedef uint64_t whnet_conn;  /* opaque; 0 is never a valid connection */
typedef uint64_t whnet_inflater;  /* opaque; 0 is never a valid inflater */

/* inflate_create kinds (Content-Encoding of a response body) */
#define WHNET_INFLATE_GZIP           1u   /* RFC 1952 */
#define WHNET_INFLATE_DEFLATE        2u   /* RFC 1950 (zlib), or a bare RFC 1951
                                           * stream when the first two bytes are
                                           * no zlib header (servers send both) */

struct whnet_buf { const void *data; uint32_t len; };

struct whnet_ops
{
    uint32_t version;  /* WHNET_INTERFACE_VERSION */

    /* Resolve host (name, IPv4 literal or IPv6 literal without brackets),
     * connect TCP to the first address that answers within timeout_ms
     * (per attempt), TCP_NODELAY on.  *conn receives the new connection.
     * A name (not an address literal) is looked up within
     * resolve_timeout_ms (WHNET_INFINITE: no limit), else
     * ERROR_WINHTTP_TIMEOUT (version 6). */
    uint32_t (*connect)(const char *host, uint16_t port, uint32_t timeout_ms, uint32_t resolve_timeout_ms,
                        whnet_conn *conn);

    /* TLS client handshake over a connected conn.  server_name is used for
     * SNI (not sent for IP literals) and for host name verification.  The
     * peer certificate is verified against the system trust store, plus the
     * PEM file named by the environment variable SSL_CERT_FILE if set.
     * *cert_errors (may be NULL) receives WHNET_CERT_* bits found.  Fails
     * with ERROR_WINHTTP_SECURE_FAILURE if the handshake fails or if any
     * problem found is not covered by ignore_flags (WHNET_IGNORE_*). */
    uint32_t (*tls_handshake)(whnet_conn conn, const char *server_name, uint32_t ignore_flags,
                              uint32_t timeout_ms, uint32_t *cert_errors);

    /* Send all bytes of the count buffers, in order, as one write where the
     * platform allows (writev / one TLS record batch).  Returns only when
     * everything was handed to the kernel or on error. */
    uint32_t (*send)(whnet_conn conn, const struct whnet_buf *bufs, uint32_t count, uint32_t timeout_ms);

    /* Receive at least 1 and at most len bytes into buf.  *received == 0
     * with ERROR_SUCCESS means end of stream (FIN or TLS close_notify; a
     * TCP close without close_notify too, marked WHNET_TLS_TRUNCATED in
     * tls_info: the caller decides whether that lost data). */
    uint32_t (*recv)(whnet_conn conn, void *buf, uint32_t len, uint32_t timeout_ms, uint32_t *received);

    /* Half close: TLS close_notify (if TLS) then shutdown(SHUT_WR).  On a
     * cancelled connection too: close_notify only if it goes without
     * waiting, then the FIN. */
    uint32_t (*shutdown_send)(whnet_conn conn);

    /* Make every current and future blocking call on conn fail promptly with
     * ERROR_WINHTTP_OPERATION_CANCELLED.  Safe from any thread. */
    uint32_t (*cancel)(whnet_conn conn);

    /* Free everything.  The caller guarantees no call on conn is running or
     * will start (call cancel first and wait for them to return). */
    void (*close)(whnet_conn conn);

    /* Fill buf with len bytes from a CSPRNG (gnutls_rnd GNUTLS_RND_NONCE). */
    uint32_t (*random)(void *buf, uint32_t len);

    /* ---- readiness, for asynchronous receives (version 2) ----
     * One process-wide poller.  watch() asks, once, to be told when conn
     * has something to read (data, end of stream, error): the token
     * (nonzero) is then returned by one wait_events() call.  Returns
     * ERROR_SUCCESS when armed, or ERROR_MORE_DATA when conn can be read
     * right now (TLS bytes already decrypted and buffered, or the socket is
     * readable): nothing is armed then.  A closed conn leaves the poller by
     * itself. */
    uint32_t (*watch)(whnet_conn conn, uint64_t token);

    /* Wait up to timeout_ms (WHNET_INFINITE: no limit) for armed
     * connections to become readable; stores up to max tokens in tokens
     * and their number in *count (0: timeout, or interrupted).  (Version 7
     * removed wake(), which nothing used once the pollers were threads of
     * their own.) */
    uint32_t (*wait_events)(uint64_t *tokens, uint32_t max, uint32_t timeout_ms, uint32_t *count);

    /* ---- writing without waiting, for asynchronous sends (version 3) ----
     * send_nowait hands over as many bytes of the count buffers, in order,
     * as the connection takes now, and never waits.  *taken receives how
     * many were taken (they must not be passed again; 0 is possible).
     * *pending is nonzero while taken bytes still wait inside the transport
     * (TLS: bytes held inside GnuTLS): call send_nowait again, with the
     * rest or with count 0, once writable, until *pending is 0.  A blocking
     * send or shutdown_send writes such bytes first. */
    uint32_t (*send_nowait)(whnet_conn conn, const struct whnet_buf *bufs, uint32_t count,
                            uint32_t *taken, uint32_t *pending);

    /* Like watch(), for writability: the token comes back from one
     * wait_events() call once conn can take more bytes (or failed).
     * ERROR_MORE_DATA: writable right now, nothing armed.  Independent of
     * a read watch on the same conn. */
    uint32_t (*watch_write)(whnet_conn conn, uint64_t token);

    /* ---- connecting without waiting (version 3) ----
     * connect_start resolves an address literal at once and starts
     * connecting to it; a name is looked up on a resolver thread (version
     * 6: *conn is returned at once with ERROR_IO_PENDING, and
     * connect_continue reports ERROR_WINHTTP_TIMEOUT once
     * resolve_timeout_ms passes, WHNET_INFINITE: no limit).
     * ERROR_SUCCESS: connected.  ERROR_IO_PENDING: *conn is resolving or
     * connecting; call connect_continue once watch_write reports it (cancel
     * and close work as on any conn).  Otherwise the error, and no
     * connection. */
    uint32_t (*connect_start)(const char *host, uint16_t port, uint32_t resolve_timeout_ms, whnet_conn *conn);

    /* ERROR_SUCCESS: connected.  ERROR_IO_PENDING: still connecting (or
     * trying the next address): watch_write again.  Otherwise the error of
     * the last address; conn must still be closed. */
    uint32_t (*connect_continue)(whnet_conn conn);

    /* The TLS handshake of tls_handshake, without waiting: the first call
     * starts it, later calls (same arguments) go on.  ERROR_IO_PENDING: call
     * again once conn is readable (*want_write 0: watch) or writable (1:
     * watch_write).  Otherwise as tls_handshake. */
    uint32_t (*tls_handshake_step)(whnet_conn conn, const char *server_name, uint32_t ignore_flags,
                                   uint32_t *cert_errors, uint32_t *want_write);

    /* ---- TLS settings and the peer's certificates (version 3) ----
     * The protocol versions (WHNET_PROTO_* bits; 0: WHNET_PROTO_DEFAULT)
     * the next handshake on conn may use.  A set with no version the
     * transport can offer (SSL 2 or 3 only) makes the handshake fail with
     * ERROR_WINHTTP_SECURE_FAILURE. */
    uint32_t (*tls_set_protocols)(whnet_conn conn, uint32_t protocols);

    /* The DER encoding of certificate index (0: the server's own, then the
     * chain as the server sent it) of a conn whose handshake succeeded.
     * *size receives its length; ERROR_INSUFFICIENT_BUFFER when len is
     * too small (buf may then be NULL), ERROR_NO_MORE_ITEMS past the last,
     * ERROR_INVALID_PARAMETER on a conn without TLS. */
    uint32_t (*peer_certificate)(whnet_conn conn, uint32_t index, void *buf, uint32_t len, uint32_t *size);

    /* The protocol version (one WHNET_PROTO_* bit), the cipher's key size
     * in bits and WHNET_TLS_* flags (flags may be NULL) of a conn whose
     * handshake succeeded; ERROR_INVALID_PARAMETER on a conn without TLS. */
    uint32_t (*tls_info)(whnet_conn conn, uint32_t *protocol, uint32_t *cipher_bits, uint32_t *flags);

    /* Revocation checking for the next handshake on conn (enable nonzero):
     * the certificate must then come with a valid OCSP response stapled by
     * the server (nothing is fetched), else WHNET_CERT_REV_FAILED.  A
     * stapled response saying revoked is WHNET_CERT_REVOKED either way. */
    uint32_t (*tls_check_revocation)(whnet_conn conn, uint32_t enable);

    /* The local and remote address of a connected conn. */
    uint32_t (*addresses)(whnet_conn conn, struct whnet_addr *local, struct whnet_addr *remote);

    /* ---- TLS session resumption (version 4) ----
     * The key (len bytes, at most 1024; 0: none) under which the next
     * handshake on conn looks for a kept session to offer, and under which
     * this connection's session is kept once there is one to keep (after
     * the handshake; TLS 1.3: once a read brought the server's ticket).
     * The caller puts in the key whatever must match for a session to be
     * offered again (host, port, settings that change the handshake). */
    uint32_t (*tls_set_resume_key)(whnet_conn conn, const void *key, uint32_t len);

    /* Drop every kept session whose key begins with the len bytes of prefix. */
    uint32_t (*tls_forget)(const void *prefix, uint32_t len);
    /* ---- decompression of response bodies (version 4; zlib) ----
     * A new inflater for one body of the given kind (WHNET_INFLATE_*):
     * ERROR_INVALID_PARAMETER for another kind, ERROR_NOT_ENOUGH_MEMORY. */
    uint32_t (*inflate_create)(uint32_t kind, whnet_inflater *inflater);

    /* Inflate from in[0..in_len) into out[0..out_len): *consumed and
     * *produced receive the byte counts, *end 1 once the compressed stream
     * ended (input after the end is not consumed).  Both counts 0 with
     * ERROR_SUCCESS: more input is needed first (out_len 0 is allowed).
     * ERROR_INVALID_DATA: the stream is corrupt (and stays so). */
    uint32_t (*inflate)(whnet_inflater inflater, const void *in, uint32_t in_len, void *out, uint32_t out_len,
                        uint32_t *consumed, uint32_t *produced, uint32_t *end);

    /* Free an inflater (0 is ignored). */
    void (*inflate_free)(whnet_inflater inflater);
    /* ---- client certificates (version 5) ----
     * The certificate (DER) the next handshake on conn sends when the
     * server asks for one, and its private key: a CryptoAPI PRIVATEKEYBLOB
     * of an RSA key (what CryptExportKey gives).  key NULL: the key could
     * not be had, for the reason key_error (ERROR_WINHTTP_CLIENT_CERT_*);
     * a handshake where the server asks then fails with key_error (nothing
     * is sent silently instead).  The transport keeps its own copies. */
    uint32_t (*tls_set_client_cert)(whnet_conn conn, const void *cert, uint32_t cert_len, const void *key,
                                    uint32_t key_len, uint32_t key_error);

    /* The DER name of CA index that the server listed in its certificate
     * request (the last handshake on conn); sizes as peer_certificate,
     * ERROR_NO_MORE_ITEMS past the last. */
    uint32_t (*tls_issuer)(whnet_conn conn, uint32_t index, void *buf, uint32_t len, uint32_t *size);
};

/* Exported by whnet.dll (cdecl on i386). Returns NULL if the Unix side is
 * unavailable or version is not supported. */
typedef const struct whnet_ops *(*whnet_get_ops_fn)(uint32_t version);

#endif
