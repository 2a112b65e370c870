/* One https request against a TLS peer listener, waiting or asynchronous,
 * recording the SECURE_FAILURE notification (tls_try.c). */
#ifndef CONFORMANCE_TLS_TRY_H
#define CONFORMANCE_TLS_TRY_H

#include "test.h"

#define IGNORE_ALL (SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | \
                    SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE)
#ifndef WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3 0x00002000
#endif

struct tls_result
{
    DWORD err;             /* 0: the response came */
    DWORD status;          /* its status code */
    BOOL secure_failure;   /* a SECURE_FAILURE notification came */
    DWORD failure_flags;   /* with these flags */
};

/* GET /status/200 on listener (PEER_<listener>_PORT) at peer_host() or host,
 * with security_flags (0: not set) and secure protocols (0: not set).  When
 * it succeeds and check is not NULL, check runs on the request handle before
 * it is closed.  FALSE (with a skip) when the listener is missing. */
BOOL tls_try(const char *listener, const WCHAR *host, BOOL async, DWORD security_flags, DWORD protocols,
             struct tls_result *res, void (*check)(HINTERNET request));

#endif
