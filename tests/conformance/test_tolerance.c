/*
 * Response heads at the edge of HTTP/1.1, sent byte for byte by the peer
 * (/raw-head/NAME, tests/peer/encoding.js), synchronously and
 * asynchronously.  What the expectations rest on:
 * - Wine's winhttp tests (run on Windows): a response without a status line
 *   fails WinHttpReceiveResponse with ERROR_WINHTTP_INVALID_SERVER_RESPONSE.
 * - Microsoft's documentation: ERROR_WINHTTP_HEADER_SIZE_OVERFLOW when the
 *   headers exceed the limit (WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE,
 *   64 KiB by default).
 * - RFC 9112 for what a user agent may tolerate: bare LF line ends (2.2),
 *   an empty reason phrase (4), obs-fold replaced by SP (5.2); RFC 9110 5.5
 *   for NUL in a value (replaced by SP).  Lines that are no field (no
 *   colon, nothing before it) are dropped, and whitespace before the colon
 *   is dropped from the name.  These are not verified against Windows.
 */
#include "test.h"
#include "fetch.h"

struct raw_case
{
    const char *name;
    DWORD error;            /* of WinHttpReceiveResponse, 0: success */
    DWORD status;
    const WCHAR *reason;    /* WINHTTP_QUERY_STATUS_TEXT, NULL: not checked */
    const WCHAR *x_test;    /* X-Test, NULL: not there */
};

static const WCHAR long_value_marker[] = L"(16000 x v)";

static const struct raw_case cases[] =
{
    { "http10", 0, 200, L"OK", NULL },
    { "no-reason", 0, 200, L"", NULL },
    { "no-reason-sp", 0, 200, L"", NULL },
    { "extra-spaces", 0, 200, NULL, NULL },
    { "status-only", 0, 200, L"", NULL },
    { "bare-lf", 0, 200, L"OK", L"lf" },
    { "mixed-eol", 0, 200, L"OK", L"mixed" },
    { "no-colon", 0, 200, L"OK", L"after" },
    { "no-colon-first", 0, 200, L"OK", L"after" },
    { "obs-fold", 0, 200, L"OK", L"first second" },
    { "space-before-colon", 0, 200, L"OK", L"spaced" },
    { "empty-name", 0, 200, L"OK", L"after" },
    { "empty-value", 0, 200, L"OK", L"" },
    { "long-value", 0, 200, L"OK", long_value_marker },
    { "nul-in-header", 0, 200, L"OK", L"a b" },
    { "cl-conflict", 0, 200, L"OK", L"two" },
    { "cl-same", 0, 200, L"OK", L"same" },
    { "lowercase-version", ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 0, NULL, NULL },
    { "no-version", ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 0, NULL, NULL },
    { "bad-status", ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 0, NULL, NULL },
    { "huge-head", ERROR_WINHTTP_HEADER_SIZE_OVERFLOW, 0, NULL, NULL },
};

static void check_case(const struct raw_case *c, BOOL async)
{
    static WCHAR value[20000];
    WCHAR path[64], reason[64];
    struct fetch_args a = { path, async, FETCH_NO_OPTION, FETCH_NO_OPTION, NULL };
    struct fetch_result r;
    struct conn_handles h;
    const char *mode = async ? "async" : "sync";
    BOOL ret;

    swprintf(path, ARRAYSIZE(path), L"/raw-head/%hs", c->name);
    ret = fetch_keep(&a, &r, &h);
    if (c->error)
    {
        ok(!ret && r.error == c->error && !strcmp(r.stage, "receive"), "%s (%s): %s %lu, expected %lu\n", c->name,
           mode, ret ? "succeeded" : r.stage, r.error, c->error);
        goto done;
    }
    ok(ret, "%s (%s): %s failed: %lu\n", c->name, mode, r.stage, r.error);
    if (!ret) goto done;
    ok(r.status == c->status, "%s (%s): status %lu\n", c->name, mode, r.status);
    ok(r.len == 5 && !memcmp(r.body, "hello", 5), "%s (%s): body %lu bytes\n", c->name, mode, r.len);
    if (c->reason)
        ok(header_value(h.request, WINHTTP_QUERY_STATUS_TEXT, NULL, reason, ARRAYSIZE(reason)) &&
           !wcscmp(reason, c->reason), "%s (%s): reason '%ls' (%lu)\n", c->name, mode, reason, GetLastError());
    if (!strcmp(c->name, "http10"))
        ok(header_value(h.request, WINHTTP_QUERY_VERSION, NULL, reason, ARRAYSIZE(reason)) &&
           !wcscmp(reason, L"HTTP/1.0"), "http10: version '%ls'\n", reason);
    SetLastError(0xdeadbeef);
    ret = header_value(h.request, WINHTTP_QUERY_CUSTOM, L"X-Test", value, ARRAYSIZE(value));
    if (!c->x_test)
        ok(!ret && GetLastError() == ERROR_WINHTTP_HEADER_NOT_FOUND, "%s (%s): X-Test '%ls'\n", c->name, mode,
           value);
    else if (c->x_test == long_value_marker)
        ok(ret && wcslen(value) == 16000 && value[0] == 'v' && value[15999] == 'v', "%s (%s): %Iu chars\n",
           c->name, mode, wcslen(value));
    else
        ok(ret && !wcscmp(value, c->x_test), "%s (%s): X-Test '%ls' (%lu)\n", c->name, mode, value,
           ret ? 0 : GetLastError());
done:
    close_handles(&h);
    fetch_free(&r);
}

void test_tolerance(void)
{
    unsigned i;

    if (!peer_port("WS")) { skip("tolerance: no peer (PEER_WS_PORT)\n"); return; }
    for (i = 0; i < ARRAYSIZE(cases); i++)
    {
        check_case(&cases[i], FALSE);
        check_case(&cases[i], TRUE);
    }
}
