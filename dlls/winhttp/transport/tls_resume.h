/* whnet.so: TLS sessions kept for resumption, by key (tls_resume.c). */
#ifndef WHNET_TLS_RESUME_H
#define WHNET_TLS_RESUME_H

#include <stdint.h>
#include <gnutls/gnutls.h>

#define RESUME_KEY_MAX 1024

/* Before the handshake: offer the session kept under key, if any (1: offered). */
int resume_offer(gnutls_session_t s, const void *key, uint32_t len);
/* After the handshake (and after reads, for TLS 1.3 tickets): keep s's
 * session under key.  1: done with this connection (kept, or nothing to
 * keep); 0: not yet (no TLS 1.3 ticket so far). */
int resume_keep(gnutls_session_t s, const void *key, uint32_t len);
/* Drop every kept session whose key begins with prefix. */
void resume_forget(const void *prefix, uint32_t len);

#endif
