/*
 * whnet.so: TLS sessions kept for resumption (issue 14), as Windows'
 * schannel keeps them: a later handshake under the same key offers the
 * kept session (TLS 1.2 session ID or ticket, TLS 1.3 PSK ticket), so it
 * skips the certificate exchange and the key agreement's round trip.
 *
 * winhttp.dll makes the key (its session handle, host, port and the
 * settings that change the handshake), so a session is never offered to
 * another host or from another WinHTTP session.  A TLS 1.3 server sends
 * its tickets after the handshake: those are kept when a read brings them.
 * The certificate chain travels with the kept session and is checked again
 * on every resumed handshake (whnet_unix.c).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gnutls/gnutls.h>

#include "tls_resume.h"

#define RESUME_MAX 256   /* kept sessions in the process; the least recently used go first */

struct kept
{
    struct kept *next;
    uint32_t key_len;
    unsigned char *key;
    gnutls_datum_t data;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct kept *head;
static unsigned int count;

static void kept_free(struct kept *k)
{
    gnutls_free(k->data.data);
    free(k->key);
    free(k);
}

/* The entry for key, unlinked (the caller holds lock), or NULL. */
static struct kept *unlink_key(const void *key, uint32_t len)
{
    struct kept **p;
    for (p = &head; *p; p = &(*p)->next)
    {
        struct kept *k = *p;
        if (k->key_len != len || memcmp(k->key, key, len)) continue;
        *p = k->next;
        count--;
        return k;
    }
    return NULL;
}

int resume_offer(gnutls_session_t s, const void *key, uint32_t len)
{
    struct kept *k;
    int offered = 0;

    if (!len) return 0;
    pthread_mutex_lock(&lock);
    if ((k = unlink_key(key, len)))
    {
        offered = gnutls_session_set_data(s, k->data.data, k->data.size) == 0;
        /* most recently used first */
        k->next = head;
        head = k;
        count++;
    }
    pthread_mutex_unlock(&lock);
    return offered;
}

int resume_keep(gnutls_session_t s, const void *key, uint32_t len)
{
    struct kept *k, *old, **p;

    if (!len) return 0;
    /* TLS 1.3: nothing to keep until the server's ticket came */
    if (gnutls_protocol_get_version(s) == GNUTLS_TLS1_3 && !(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_SESSION_TICKET))
        return 0;
    if (!gnutls_session_is_resumed(s) && gnutls_protocol_get_version(s) != GNUTLS_TLS1_3
        && !(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_SESSION_TICKET))
    {
        /* TLS 1.2 without a ticket: resumable by session ID if the server gave one */
        unsigned char id[32];
        size_t id_len = sizeof(id);
        if (gnutls_session_get_id(s, id, &id_len) < 0 || !id_len) return 1;  /* nothing to resume: done */
    }
    if (!(k = calloc(1, sizeof(*k))) || !(k->key = malloc(len))) { free(k); return 1; }
    if (gnutls_session_get_data2(s, &k->data) < 0 || !k->data.size)
    {
        kept_free(k);
        return 1;
    }
    memcpy(k->key, key, len);
    k->key_len = len;
    pthread_mutex_lock(&lock);
    if ((old = unlink_key(key, len))) kept_free(old);
    k->next = head;
    head = k;
    if (++count > RESUME_MAX)
    {
        for (p = &head; (*p)->next; p = &(*p)->next) {}
        kept_free(*p);
        *p = NULL;
        count--;
    }
    pthread_mutex_unlock(&lock);
    return 1;
}

void resume_forget(const void *prefix, uint32_t len)
{
    struct kept **p, *k;

    pthread_mutex_lock(&lock);
    for (p = &head; (k = *p);)
    {
        if (k->key_len >= len && !memcmp(k->key, prefix, len))
        {
            *p = k->next;
            count--;
            kept_free(k);
        }
        else p = &k->next;
    }
    pthread_mutex_unlock(&lock);
}
