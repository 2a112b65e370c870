/* Weak algorithms in the server's certificate, from the test CA (a
 * private root): an RSA 1024-bit key is accepted (Windows refuses only
 * keys below 1024 bits); a SHA-1 signature is reported as we find it
 * (GnuTLS calls it insecure: FLAG_INVALID_CA, which
 * SECURITY_FLAG_IGNORE_UNKNOWN_CA waives) -- Windows accepts SHA-1 from a
 * private root, refusing it only for roots of its own root program, a
 * difference we keep (we cannot tell the two kinds of root apart). */
#include "tls_try.h"

void tls_weak_tests(void)
{
    struct tls_result r;
    int async;

    for (async = 0; async < 2; async++)
    {
        const char *mode = async ? "async" : "sync";
        if (tls_try("WSS_RSA1024", L"localhost", async, 0, 0, &r, NULL))
            ok(!r.err && r.status == 200 && !r.secure_failure, "RSA 1024 (%s): error %lu status %lu\n", mode, r.err,
               r.status);
        if (tls_try("WSS_SHA1", L"localhost", async, 0, 0, &r, NULL))
            ok(r.err == ERROR_WINHTTP_SECURE_FAILURE && r.failure_flags == WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA,
               "SHA-1 (%s): error %lu flags 0x%lx\n", mode, r.err, r.failure_flags);
        if (tls_try("WSS_SHA1", L"localhost", async, SECURITY_FLAG_IGNORE_UNKNOWN_CA, 0, &r, NULL))
            ok(!r.err && r.status == 200, "SHA-1, ignoring the CA (%s): error %lu\n", mode, r.err);
        if (tls_try("WSS_SHA1", L"localhost", async, IGNORE_ALL & ~SECURITY_FLAG_IGNORE_UNKNOWN_CA, 0, &r, NULL))
            ok(r.err == ERROR_WINHTTP_SECURE_FAILURE, "SHA-1, other flags (%s): error %lu\n", mode, r.err);
    }
}
