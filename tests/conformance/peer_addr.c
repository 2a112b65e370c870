/* Where the test peer is.  Under Wine (run-wine-test.sh) it is this
 * machine: 127.0.0.1 and the name "localhost".  On a Windows machine
 * running the bundle (tools/winetest-bundle.sh, README "Running the tests
 * on Windows") the runner sets PEER_HOST to the peer host's address and
 * PEER_NAME to a host name of it that the peer's certificates carry. */
#include <stdlib.h>
#include "test.h"

static WCHAR host[256], name[256];
static INIT_ONCE once = INIT_ONCE_STATIC_INIT;

static void from_env(const char *var, const char *dflt, WCHAR *out, int size)
{
    const char *v = getenv(var);
    if (!v || !*v || !MultiByteToWideChar(CP_ACP, 0, v, -1, out, size))
        MultiByteToWideChar(CP_ACP, 0, dflt, -1, out, size);
}

static BOOL CALLBACK read_env(INIT_ONCE *o, void *param, void **ctx)
{
    from_env("PEER_HOST", "127.0.0.1", host, ARRAYSIZE(host));
    from_env("PEER_NAME", "localhost", name, ARRAYSIZE(name));
    return TRUE;
}

const WCHAR *peer_host(void)
{
    InitOnceExecuteOnce(&once, read_env, NULL, NULL);
    return host;
}

const WCHAR *peer_name(void)
{
    InitOnceExecuteOnce(&once, read_env, NULL, NULL);
    return name;
}
