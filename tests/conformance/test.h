/* Tiny test harness for the conformance tests (Windows programs, public
 * WinHTTP API only).  In the style of Wine's tests: ok(cond, fmt, ...).
 * Every group is a function registered in main.c; `test.exe --list` prints
 * the group names, `test.exe GROUP...` runs groups, no argument runs all. */
#ifndef CONFORMANCE_TEST_H
#define CONFORMANCE_TEST_H

#include <windows.h>
#include <winhttp.h>
#include <stdio.h>
#include <string.h>

#ifndef WINHTTP_HANDLE_TYPE_WEBSOCKET
#define WINHTTP_HANDLE_TYPE_WEBSOCKET 4
#endif

extern int test_passed, test_failed, test_skipped;

void ok_(const char *file, int line, int cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void skip_(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void trace_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ok(cond, "fmt", ...): one check.  Failing checks print file:line and the message. */
#define ok(cond, ...) ok_(__FILE__, __LINE__, !!(cond), __VA_ARGS__)
/* skip("reason"): a check we cannot make here; counted as skipped. */
#define skip(...) skip_(__FILE__, __LINE__, __VA_ARGS__)
/* trace(...): printed only when TEST_VERBOSE is set. */
#define trace(...) trace_(__VA_ARGS__)

/* Peer ports from the environment (set by tests/run-wine-test.sh).
 * which: "WS", "WSS", "WSS_EXPIRED", "WSS_WRONGHOST", "WSS_SELFSIGNED".
 * Returns 0 if unset. */
INTERNET_PORT peer_port(const char *which);
/* The peer's address (PEER_HOST, default "127.0.0.1") and a host name for
 * it that its certificates carry (PEER_NAME, default "localhost"); only
 * the Windows bundle's runner sets them (peer_addr.c). */
const WCHAR *peer_host(void);
const WCHAR *peer_name(void);

/* Session helper: WinHttpOpen with a fixed agent, synchronous, no proxy. */
HINTERNET open_session(void);

/* Opens session+connect+request for verb/path (flags: WINHTTP_FLAG_SECURE or 0),
 * sets WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET when upgrade, applies
 * security_flags if nonzero, sends (extra headers may be NULL), receives
 * the response.  On success returns TRUE and fills the handles; on failure
 * returns FALSE with GetLastError() from the failing call and closes what
 * it opened.  Handles given back are owned by the caller. */
struct conn_handles { HINTERNET session, connect, request; };
BOOL open_request(struct conn_handles *h, const WCHAR *verb, INTERNET_PORT port, const WCHAR *path,
                  DWORD flags, BOOL upgrade, DWORD security_flags, const WCHAR *headers);
void close_handles(struct conn_handles *h);

/* Full upgrade to a WebSocket on the plain (secure=FALSE, PEER_WS_PORT) or
 * TLS (PEER_WSS_PORT) listener at path.  Returns the websocket handle (the
 * session/connect/request handles are returned in *h; request may already
 * be closed by the caller) or NULL with GetLastError set. */
HINTERNET ws_connect(struct conn_handles *h, BOOL secure, const WCHAR *path);

/* Send a UTF-8 text message (whole). Returns the WinHttpWebSocketSend result. */
DWORD ws_send_text(HINTERNET ws, const char *text);
/* Receive one whole message (concatenating fragments) into buf (NUL
 * terminated if room).  *type gets the buffer type of the last piece
 * (UTF8_MESSAGE/BINARY_MESSAGE/CLOSE).  Returns the error code of the
 * failing WinHttpWebSocketReceive or 0; *len the total bytes. */
DWORD ws_recv_message(HINTERNET ws, char *buf, DWORD size, DWORD *len,
                      WINHTTP_WEB_SOCKET_BUFFER_TYPE *type);

/* A new /echo WebSocket round trip works (the process is still healthy
 * after `after`, e.g. "after the protocol errors"). */
void check_fresh_echo(const char *after);

/* Hex helper for /raw paths: out must hold 2*len+1 chars. */
void to_hex(const void *data, size_t len, char *out);

/* The peer's content rule (SCENARIOS.md): bytes i % 251, or text 'a' + i % 26. */
void fill_pattern(BYTE *p, DWORD n, BOOL text);
/* SHA-1 of data as 40 lowercase hex digits (CryptoAPI); "" if unavailable. */
void sha1_hex(const void *data, DWORD len, char out[41]);
/* The response's status code (0: none). */
DWORD status_of(HINTERNET req);
/* Reads the body with ReadData into buf as a NUL-terminated string (at
 * most size - 1 bytes); returns the length. */
DWORD read_all(HINTERNET req, char *buf, DWORD size);

#endif
