/*
 * TLS session resumption (issue 14): a second TLS connection from one
 * WinHTTP session to the same server resumes the first one's TLS session
 * (the server's ticket or session ID), as Windows' schannel does, skipping
 * the certificate exchange and a round trip.  The transport keeps the
 * sessions (transport/tls_resume.c); here is the key they are kept under:
 *
 *   session object | host | port | secure protocols | revocation checking
 *
 * so a TLS session never crosses WinHTTP sessions, hosts (the name as
 * asked for: "localhost" and "127.0.0.1" are two hosts) or ports, nor
 * settings that change the handshake.  The certificate comes with the kept
 * session and is checked again, with this request's security flags, on
 * every resumed handshake.  A session's entries go when it is destroyed
 * (after all its connections).  Connections through a proxy's CONNECT
 * tunnel use the same key: the TLS session is the origin server's, and a
 * ticket the server gave on a direct connection is good through a tunnel
 * (the proxy sees only ciphertext either way).
 */
#include <stdio.h>
#include "private.h"

static BOOL used;   /* a key was ever set: there may be something to forget */

static int key_prefix(char *buf, size_t size, const struct session *ses)
{
    return snprintf(buf, size, "%p|", (const void *)ses);
}

void tls_resume_attach(whnet_conn id, const struct session *ses, const char *host, INTERNET_PORT port,
                       DWORD protocols, DWORD security_flags)
{
    char key[600];
    int n = key_prefix(key, sizeof(key), ses);

    n += snprintf(key + n, sizeof(key) - n, "%s|%u|%lx|%u", host, port, (unsigned long)protocols,
                  (security_flags & SECURITY_FLAG_INTERNAL_REVOCATION) ? 1 : 0);
    if (n <= 0 || (size_t)n >= sizeof(key)) return;  /* a name too long: no resumption */
    used = TRUE;
    if (transport_get()->tls_set_resume_key(id, key, n)) WARN("no TLS resumption key\n");
}

void tls_resume_forget(const struct session *ses)
{
    char prefix[32];
    int n;

    if (!used || !transport_get()) return;
    n = key_prefix(prefix, sizeof(prefix), ses);
    transport_get()->tls_forget(prefix, n);
}
