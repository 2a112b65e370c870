/* The server's certificate of a request's TLS connection, for
 * WinHttpQueryOption (server_cert.c). */
#ifndef WINHTTP_SERVER_CERT_H
#define WINHTTP_SERVER_CERT_H

struct request;

/* WINHTTP_OPTION_SERVER_CERT_CONTEXT: a PCCERT_CONTEXT (crypt32) the caller
 * frees with CertFreeCertificateContext; its hCertStore holds the chain
 * the server sent. */
DWORD server_cert_query_context(struct request *r, void *buffer, DWORD *len);
/* WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT: a PCCERT_CHAIN_CONTEXT built
 * by crypt32 from the server's certificate and the chain it sent; the
 * caller frees it with CertFreeCertificateChain. */
DWORD server_cert_query_chain(struct request *r, void *buffer, DWORD *len);
/* WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT: a WINHTTP_CERTIFICATE_INFO
 * whose strings the caller frees with LocalFree. */
DWORD server_cert_query_info(struct request *r, void *buffer, DWORD *len);
/* WINHTTP_OPTION_SECURITY_KEY_BITNESS: the cipher's key size in bits. */
DWORD server_cert_query_bitness(struct request *r, void *buffer, DWORD *len);

#endif
