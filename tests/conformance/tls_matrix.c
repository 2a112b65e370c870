/* The certificate matrix: each kind of bad certificate tried with no flags,
 * with exactly the covering SECURITY_FLAG_IGNORE_*, with every other flag
 * and with all of them, waiting and asynchronous.  A problem that no flag
 * covers (an issuer that is not a CA, a broken path length or name
 * constraint) is an invalid certificate, never an unknown CA, and nothing
 * lets it through. */
#include "tls_try.h"

static const struct
{
    const char *listener;
    DWORD flags;    /* what SECURE_FAILURE reports */
    DWORD covering; /* the ignore flag that lets it through (0: none) */
}
matrix[] =
{
    { "WSS_SELFSIGNED", WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA, SECURITY_FLAG_IGNORE_UNKNOWN_CA },
    { "WSS_EXPIRED", WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID, SECURITY_FLAG_IGNORE_CERT_DATE_INVALID },
    { "WSS_WRONGHOST", WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID, SECURITY_FLAG_IGNORE_CERT_CN_INVALID },
    { "WSS_CLIENTAUTH", WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE, SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE },
    { "WSS_NOTCA", WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT, 0 },
    { "WSS_PATHLEN", WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT, 0 },
    { "WSS_NAMECONST", WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT, 0 },
};

static void expect_failure(const char *what, const char *listener, BOOL async, DWORD ignore, DWORD want)
{
    struct tls_result r;
    if (!tls_try(listener, peer_name(), async, ignore, 0, &r, NULL)) return;
    ok(r.err == ERROR_WINHTTP_SECURE_FAILURE, "%s %s (%s): error %lu, want 12175\n", listener, what,
       async ? "async" : "sync", r.err);
    ok(r.secure_failure && r.failure_flags == want, "%s %s (%s): SECURE_FAILURE %d flags 0x%lx, want 0x%lx\n",
       listener, what, async ? "async" : "sync", r.secure_failure, r.failure_flags, want);
}

static void expect_success(const char *what, const char *listener, BOOL async, DWORD ignore)
{
    struct tls_result r;
    if (!tls_try(listener, peer_name(), async, ignore, 0, &r, NULL)) return;
    ok(!r.err && r.status == 200, "%s %s (%s): error %lu status %lu\n", listener, what, async ? "async" : "sync",
       r.err, r.status);
    ok(!r.secure_failure, "%s %s (%s): SECURE_FAILURE 0x%lx on success\n", listener, what, async ? "async" : "sync",
       r.failure_flags);
}

void tls_matrix_tests(void)
{
    unsigned int i;
    int async;

    for (async = 0; async < 2; async++)
    {
        expect_success("(a good chain with an intermediate)", "WSS_CHAIN", async, 0);
        for (i = 0; i < ARRAYSIZE(matrix); i++)
        {
            DWORD cover = matrix[i].covering;
            expect_failure("with no flags", matrix[i].listener, async, 0, matrix[i].flags);
            expect_failure("with the other flags", matrix[i].listener, async, IGNORE_ALL & ~cover, matrix[i].flags);
            if (cover)
            {
                expect_success("with its flag", matrix[i].listener, async, cover);
                expect_success("with all flags", matrix[i].listener, async, IGNORE_ALL);
            }
            else expect_failure("with all flags", matrix[i].listener, async, IGNORE_ALL, matrix[i].flags);
        }
    }
}
