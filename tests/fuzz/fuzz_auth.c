/* libFuzzer target: the WWW-Authenticate challenge parser and the Digest
 * response built from whatever it accepted, with invariants. */
#include <stdint.h>
#include <string.h>
#include "codec/http_auth.h"

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t pos = 0, last = 0;
    ha_challenge c;
    int rc, count = 0;

    while ((rc = ha_next_challenge(s, size, &pos, &c)) == 1)
    {
        size_t i;
        char out[2048], val[256];
        ha_digest_input in = { "user", "pass", "GET", "/x", "0a4f113b", 1 };
        long n;

        /* progress, and everything found lies inside the input */
        REQUIRE(pos > last && pos <= size);
        last = pos;
        REQUIRE(c.name.len && c.name.p >= s && c.name.p + c.name.len <= s + size);
        REQUIRE(c.nparams <= HA_MAX_PARAMS);
        REQUIRE(!c.token68.len || (c.token68.p >= s && c.token68.p + c.token68.len <= s + size));
        for (i = 0; i < c.nparams; i++)
        {
            REQUIRE(c.params[i].name.len && c.params[i].name.p + c.params[i].name.len <= s + size);
            REQUIRE(c.params[i].value.p >= s && c.params[i].value.p + c.params[i].value.len <= s + size);
        }
        REQUIRE(c.scheme == ha_scheme_of(c.name.p, c.name.len));
        if (c.nparams)
        {
            long v = ha_param_get(&c, "realm", val, sizeof(val));
            REQUIRE(v == -1 || v == -2 || (v >= 0 && (size_t)v == strlen(val)));
        }
        n = ha_digest(&c, &in, out, sizeof(out));
        REQUIRE(n == -1 || n == -2 || (n > 0 && (size_t)n == strlen(out) && !strncmp(out, "Digest ", 7)));
        if (++count > 1000) break;
    }
    REQUIRE(rc != 0 || pos == size);
    return 0;
}
