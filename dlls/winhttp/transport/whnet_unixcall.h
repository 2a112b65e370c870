/* Calls from whnet.dll (PE) to whnet.so (Unix): function codes and argument
 * blocks.  Fixed-size types only, pointers carried as uint64_t, so the
 * layout is the same on both sides. */
#ifndef WHNET_UNIXCALL_H
#define WHNET_UNIXCALL_H

#include <stdint.h>
#include "whnet.h"

enum whnet_call
{
    WHNET_CALL_CONNECT,
    WHNET_CALL_TLS_HANDSHAKE,
    WHNET_CALL_SEND,
    WHNET_CALL_RECV,
    WHNET_CALL_SHUTDOWN_SEND,
    WHNET_CALL_CANCEL,
    WHNET_CALL_CLOSE,
    WHNET_CALL_RANDOM,
    WHNET_CALL_WATCH,
    WHNET_CALL_WAIT_EVENTS,
    WHNET_CALL_SEND_NOWAIT,
    WHNET_CALL_WATCH_WRITE,
    WHNET_CALL_CONNECT_START,
    WHNET_CALL_CONNECT_CONTINUE,
    WHNET_CALL_TLS_STEP,
    WHNET_CALL_TLS_SET_PROTOCOLS,
    WHNET_CALL_PEER_CERTIFICATE,
    WHNET_CALL_TLS_INFO,
    WHNET_CALL_TLS_CHECK_REVOCATION,
    WHNET_CALL_ADDRESSES,
    WHNET_CALL_TLS_SET_RESUME_KEY,
    WHNET_CALL_TLS_FORGET,
    WHNET_CALL_INFLATE_CREATE,
    WHNET_CALL_INFLATE,
    WHNET_CALL_INFLATE_FREE,
    WHNET_CALL_TLS_SET_CLIENT_CERT,
    WHNET_CALL_TLS_ISSUER,
    WHNET_CALL_COUNT
};

/* Every call returns STATUS_SUCCESS (0); the Win32 result is in .ret. */
/* connect: timeout_ms per address, resolve_timeout_ms for the lookup;
 * connect_start: timeout_ms is the resolve timeout (the caller times the
 * connecting), resolve_timeout_ms unused */
struct whnet_connect_args { uint64_t host; uint32_t port; uint32_t timeout_ms; uint64_t conn; uint32_t ret;
                            uint32_t resolve_timeout_ms; };
struct whnet_tls_args { uint64_t conn; uint64_t server_name; uint32_t ignore_flags; uint32_t timeout_ms;
                        uint32_t cert_errors; uint32_t ret; };
struct whnet_send_args { uint64_t conn; uint64_t bufs; /* struct whnet_buf64[count] */ uint32_t count;
                         uint32_t timeout_ms; uint32_t ret; uint32_t pad; };
struct whnet_buf64 { uint64_t data; uint32_t len; uint32_t pad; };
struct whnet_recv_args { uint64_t conn; uint64_t buf; uint32_t len; uint32_t timeout_ms; uint32_t received; uint32_t ret; };
struct whnet_conn_args { uint64_t conn; uint32_t ret; uint32_t pad; };
struct whnet_random_args { uint64_t buf; uint32_t len; uint32_t ret; };
struct whnet_watch_args { uint64_t conn; uint64_t token; uint32_t ret; uint32_t pad; };
struct whnet_wait_args { uint64_t tokens; uint32_t max; uint32_t timeout_ms; uint32_t count; uint32_t ret; };
struct whnet_send_nowait_args { uint64_t conn; uint64_t bufs; /* struct whnet_buf64[count] */ uint32_t count;
                                uint32_t taken; uint32_t pending; uint32_t ret; };
struct whnet_addresses_args { uint64_t conn; uint64_t local; uint64_t remote; /* struct whnet_addr * */
                              uint32_t ret; uint32_t pad; };
struct whnet_tls_step_args { uint64_t conn; uint64_t server_name; uint32_t ignore_flags; uint32_t cert_errors;
                             uint32_t want_write; uint32_t ret; };
struct whnet_protocols_args { uint64_t conn; uint32_t protocols; uint32_t ret; };
struct whnet_peer_cert_args { uint64_t conn; uint64_t buf; uint32_t index; uint32_t len; uint32_t size; uint32_t ret; };
struct whnet_client_cert_args { uint64_t conn; uint64_t cert; uint64_t key; uint32_t cert_len; uint32_t key_len;
                                uint32_t key_error; uint32_t ret; };
struct whnet_tls_info_args { uint64_t conn; uint32_t protocol; uint32_t cipher_bits; uint32_t ret; uint32_t flags; };
struct whnet_resume_args { uint64_t conn; uint64_t key; uint32_t len; uint32_t ret; };
struct whnet_inflate_create_args { uint64_t inflater; uint32_t kind; uint32_t ret; };
struct whnet_inflate_args { uint64_t inflater; uint64_t in; uint64_t out; uint32_t in_len; uint32_t out_len;
                            uint32_t consumed; uint32_t produced; uint32_t end; uint32_t ret; };
/* inflate_free uses struct whnet_conn_args (.conn is the inflater) */

/* The same layout for i686 and x86_64 compilers (docs/WOW64.md: a WoW64
 * thunk table can then reuse the 64-bit functions as they are).  Checked by
 * every compiler that sees this header: x86_64 MinGW and gcc, i686 MinGW
 * (build/lib/.unixcall-layout-i686) and gcc -m32 (the i386 whnet.so).  gcc
 * -m32 aligns uint64_t members to 4 and so never pads these blocks; i686
 * MinGW aligns them to 8 and would pad a misplaced one: equal sizes on both
 * mean equal offsets. */
#define WHNET_LAYOUT(type, size) _Static_assert(sizeof(struct type) == (size), #type " layout")
WHNET_LAYOUT(whnet_connect_args, 32);
WHNET_LAYOUT(whnet_tls_args, 32);
WHNET_LAYOUT(whnet_send_args, 32);
WHNET_LAYOUT(whnet_buf64, 16);
WHNET_LAYOUT(whnet_recv_args, 32);
WHNET_LAYOUT(whnet_conn_args, 16);
WHNET_LAYOUT(whnet_random_args, 16);
WHNET_LAYOUT(whnet_watch_args, 24);
WHNET_LAYOUT(whnet_wait_args, 24);
WHNET_LAYOUT(whnet_send_nowait_args, 32);
WHNET_LAYOUT(whnet_tls_step_args, 32);
WHNET_LAYOUT(whnet_addresses_args, 32);
WHNET_LAYOUT(whnet_protocols_args, 16);
WHNET_LAYOUT(whnet_peer_cert_args, 32);
WHNET_LAYOUT(whnet_tls_info_args, 24);
WHNET_LAYOUT(whnet_addr, 28);
WHNET_LAYOUT(whnet_resume_args, 24);
WHNET_LAYOUT(whnet_inflate_create_args, 16);
WHNET_LAYOUT(whnet_inflate_args, 48);
WHNET_LAYOUT(whnet_client_cert_args, 40);
_Static_assert(__builtin_offsetof(struct whnet_connect_args, conn) == 16, "whnet_connect_args.conn");
#undef WHNET_LAYOUT

#endif
