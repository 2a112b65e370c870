/* Client certificates (client_cert.c). */
#ifndef WINHTTP_CLIENT_CERT_H
#define WINHTTP_CLIENT_CERT_H

struct request;
struct client_cert;

/* WINHTTP_OPTION_CLIENT_CERT_CONTEXT's buffer (a CERT_CONTEXT): a copy of
 * the certificate and of its private key, or of why the key is missing. */
DWORD client_cert_create(const void *buffer, DWORD len, struct client_cert **out);
void client_cert_free(struct client_cert *cc);
/* A tag of cc's certificate (0: none), for keys of pooled connections. */
DWORD client_cert_tag(const struct client_cert *cc);
/* Hand cc (NULL: none) to the transport for connection id's next handshake. */
DWORD client_cert_apply(whnet_conn id, const struct client_cert *cc);
/* WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST: a SecPkgContext_IssuerListInfoEx *
 * (GlobalFree) with the CA names the server asked for. */
DWORD client_cert_query_issuers(struct request *r, void *buffer, DWORD *len);

#endif
