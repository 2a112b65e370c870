/* Proxies, configuration side (part of group proxy): the WinHTTP default
 * configuration and the user's Internet Settings in the registry (values
 * written by the test, then restored), WINHTTP_ACCESS_TYPE_DEFAULT_PROXY
 * and AUTOMATIC_PROXY, PAC scripts served by the peer's proxy
 * (WinHttpGetProxyForUrl and the resolver functions), the proxy settings
 * functions. */
#include <stdlib.h>
#include "proxy_util.h"

#define IS_KEY L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"
#define CONN_KEY IS_KEY L"\\Connections"

/* Wine's builtin winhttp looks for WPAD on the network (DHCP, DNS): the
 * checks that would make it do so run against ours only. */
static BOOL builtin_mode(void)
{
    const char *o = getenv("WINEDLLOVERRIDES");
    return o && strstr(o, "winhttp=b");
}

struct saved
{
    HKEY root;
    const WCHAR *key, *name;
    BOOL present;
    DWORD type, size;
    BYTE data[4096];
};

static void save_value(struct saved *s, HKEY root, const WCHAR *key, const WCHAR *name)
{
    HKEY k;
    s->root = root;
    s->key = key;
    s->name = name;
    s->present = FALSE;
    s->size = sizeof(s->data);
    if (!RegOpenKeyExW(root, key, 0, KEY_READ, &k))
    {
        s->present = !RegQueryValueExW(k, name, NULL, &s->type, s->data, &s->size);
        RegCloseKey(k);
    }
}

static void set_value(HKEY root, const WCHAR *key, const WCHAR *name, DWORD type, const void *data, DWORD size)
{
    HKEY k;
    LONG err = RegCreateKeyExW(root, key, 0, NULL, 0, KEY_WRITE, NULL, &k, NULL);
    ok(!err, "RegCreateKeyEx(%ls): %ld\n", key, err);
    if (err) return;
    if (data) err = RegSetValueExW(k, name, 0, type, data, size);
    else if ((err = RegDeleteValueW(k, name)) == ERROR_FILE_NOT_FOUND) err = 0;
    ok(!err, "%ls\\%ls: %ld\n", key, name, err);
    RegCloseKey(k);
}

static void set_string(HKEY root, const WCHAR *key, const WCHAR *name, const WCHAR *s)
{
    set_value(root, key, name, REG_SZ, s, s ? (DWORD)(wcslen(s) + 1) * sizeof(WCHAR) : 0);
}

static void restore_value(const struct saved *s)
{
    set_value(s->root, s->key, s->name, s->type, s->present ? s->data : NULL, s->size);
}

/* The binary layout of DefaultConnectionSettings / WinHttpSettings. */
static DWORD make_blob(BYTE *out, DWORD flags, const char *proxy, const char *bypass, const char *url)
{
    const char *strs[3] = { proxy, bypass, url };
    DWORD n = 0, v, i;
    v = 0x46; memcpy(out + n, &v, 4); n += 4;
    v = 1; memcpy(out + n, &v, 4); n += 4;
    memcpy(out + n, &flags, 4); n += 4;
    for (i = 0; i < 3; i++)
    {
        v = (DWORD)strlen(strs[i]);
        memcpy(out + n, &v, 4); n += 4;
        memcpy(out + n, strs[i], v); n += v;
    }
    memset(out + n, 0, 32);
    return n + 32;
}

static BOOL str_is(const WCHAR *got, const WCHAR *want)
{
    if (!want) return !got;
    return got && !wcscmp(got, want);
}

static const WCHAR *show(const WCHAR *s) { return s ? s : L"(null)"; }

static void check_ie(BOOL autodetect, const WCHAR *url, const WCHAR *proxy, const WCHAR *bypass, const char *what)
{
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG c;

    memset(&c, 0, sizeof(c));
    if (!WinHttpGetIEProxyConfigForCurrentUser(&c))
    {
        ok(0, "%s: failed %lu\n", what, GetLastError());
        return;
    }
    ok(c.fAutoDetect == autodetect, "%s: fAutoDetect %d\n", what, c.fAutoDetect);
    ok(str_is(c.lpszAutoConfigUrl, url), "%s: AutoConfigUrl %ls\n", what, show(c.lpszAutoConfigUrl));
    ok(str_is(c.lpszProxy, proxy), "%s: proxy %ls\n", what, show(c.lpszProxy));
    ok(str_is(c.lpszProxyBypass, bypass), "%s: bypass %ls\n", what, show(c.lpszProxyBypass));
    GlobalFree(c.lpszAutoConfigUrl);
    GlobalFree(c.lpszProxy);
    GlobalFree(c.lpszProxyBypass);
}

static void test_ie_config(void)
{
    INTERNET_PORT ws = peer_port("WS"), proxy = peer_port("PROXY");
    struct saved saved[5];
    WCHAR list[64], pac[96], path[64];
    char pacA[96];
    BYTE blob[512];
    DWORD one = 1, n, i;
    struct result res;
    HINTERNET ses;
    int before;

    swprintf(list, ARRAYSIZE(list), L"%ls:%u", peer_host(), proxy);
    swprintf(pac, ARRAYSIZE(pac), L"http://%ls:%u/proxy.pac", peer_host(), proxy);
    snprintf(pacA, sizeof(pacA), "http://%ls:%u/proxy.pac", peer_host(), proxy);
    SetLastError(0xdeadbeef);
    ok(!WinHttpGetIEProxyConfigForCurrentUser(NULL) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL: %lu\n",
       GetLastError());

    save_value(&saved[0], HKEY_CURRENT_USER, IS_KEY, L"ProxyEnable");
    save_value(&saved[1], HKEY_CURRENT_USER, IS_KEY, L"ProxyServer");
    save_value(&saved[2], HKEY_CURRENT_USER, IS_KEY, L"ProxyOverride");
    save_value(&saved[3], HKEY_CURRENT_USER, IS_KEY, L"AutoConfigURL");
    save_value(&saved[4], HKEY_CURRENT_USER, CONN_KEY, L"DefaultConnectionSettings");
    for (i = 0; i < 5; i++) set_value(saved[i].root, saved[i].key, saved[i].name, 0, NULL, 0);

    /* the plain values (no binary settings) */
    set_value(HKEY_CURRENT_USER, IS_KEY, L"ProxyEnable", REG_DWORD, &one, sizeof(one));
    set_string(HKEY_CURRENT_USER, IS_KEY, L"ProxyServer", list);
    set_string(HKEY_CURRENT_USER, IS_KEY, L"ProxyOverride", L"<local>");
    set_string(HKEY_CURRENT_USER, IS_KEY, L"AutoConfigURL", pac);
    check_ie(FALSE, pac, list, L"<local>", "values");

    /* the binary connection settings win over the values */
    n = make_blob(blob, 0x1 | 0x2 | 0x8, "blob-proxy:81", "blob-bypass", "");
    set_value(HKEY_CURRENT_USER, CONN_KEY, L"DefaultConnectionSettings", REG_BINARY, blob, n);
    check_ie(TRUE, NULL, L"blob-proxy:81", L"blob-bypass", "binary settings");
    n = make_blob(blob, 0x1 | 0x4, "unused:1", "", pacA);
    set_value(HKEY_CURRENT_USER, CONN_KEY, L"DefaultConnectionSettings", REG_BINARY, blob, n);
    check_ie(FALSE, pac, NULL, NULL, "binary settings with a script");

    /* WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY: the user's script decides */
    ses = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, NULL, NULL, 0);
    ok(ses != NULL, "WinHttpOpen(AUTOMATIC_PROXY): %lu\n", GetLastError());
    if (ses)
    {
        swprintf(path, ARRAYSIZE(path), L"/status/200?/pac-proxied");
        before = proxy_stat(proxy, "requests");
        ok(!do_request(ses, peer_host(), ws, path, 0, NULL, &res) && res.status == 200, "automatic: %lu %lu\n",
           res.error, res.status);
        ok(proxy_stat(proxy, "requests") == before + 1 && res.via[0], "the script's PROXY was not used\n");
        before = proxy_stat(proxy, "requests");
        ok(!do_request(ses, peer_host(), ws, L"/status/200", 0, NULL, &res) && res.status == 200, "automatic: %lu %lu\n",
           res.error, res.status);
        ok(proxy_stat(proxy, "requests") == before && !res.via[0], "the script's DIRECT was not used\n");
        WinHttpCloseHandle(ses);
    }
    for (i = 0; i < 5; i++) restore_value(&saved[i]);
}

static void test_default_config(void)
{
    static WCHAR wide[] = { 0x226f, 0x575b, 0 };
    INTERNET_PORT ws = peer_port("WS"), proxy = peer_port("PROXY");
    WINHTTP_PROXY_INFO pi, got;
    struct saved saved;
    struct result res;
    WCHAR list[64];
    HINTERNET ses;
    DWORD size;
    int before;

    swprintf(list, ARRAYSIZE(list), L"%ls:%u", peer_host(), proxy);
    save_value(&saved, HKEY_LOCAL_MACHINE, CONN_KEY, L"WinHttpSettings");

    pi.dwAccessType = 0xdeadbeef;
    pi.lpszProxy = pi.lpszProxyBypass = NULL;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetDefaultProxyConfiguration(&pi) && GetLastError() == ERROR_INVALID_PARAMETER, "bad access: %lu\n",
       GetLastError());
    pi.dwAccessType = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetDefaultProxyConfiguration(&pi) && GetLastError() == ERROR_INVALID_PARAMETER, "no server: %lu\n",
       GetLastError());
    pi.lpszProxyBypass = (WCHAR *)L"foo";
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetDefaultProxyConfiguration(&pi) && GetLastError() == ERROR_INVALID_PARAMETER, "only a bypass: %lu\n",
       GetLastError());
    pi.lpszProxy = wide;
    SetLastError(0xdeadbeef);
    ok(!WinHttpSetDefaultProxyConfiguration(&pi) && GetLastError() == ERROR_INVALID_PARAMETER, "wide server: %lu\n",
       GetLastError());

    pi.lpszProxy = list;
    pi.lpszProxyBypass = (WCHAR *)L"*.example.org";
    SetLastError(0xdeadbeef);
    if (!WinHttpSetDefaultProxyConfiguration(&pi) && GetLastError() == ERROR_ACCESS_DENIED)
    {
        skip("no write access to HKLM: default configuration not tested\n");
        return;
    }
    ok(GetLastError() == ERROR_SUCCESS, "set: %lu\n", GetLastError());
    memset(&got, 0, sizeof(got));
    got.dwAccessType = 0xdeadbeef;
    ok(WinHttpGetDefaultProxyConfiguration(&got), "get: %lu\n", GetLastError());
    ok(got.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY && str_is(got.lpszProxy, list) &&
       str_is(got.lpszProxyBypass, L"*.example.org"), "got %lu %ls %ls\n", got.dwAccessType, show(got.lpszProxy),
       show(got.lpszProxyBypass));
    GlobalFree(got.lpszProxy);
    GlobalFree(got.lpszProxyBypass);

    /* WINHTTP_ACCESS_TYPE_DEFAULT_PROXY uses it */
    ses = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, NULL, NULL, 0);
    ok(ses != NULL, "WinHttpOpen(DEFAULT_PROXY): %lu\n", GetLastError());
    if (ses)
    {
        size = sizeof(got);
        memset(&got, 0, sizeof(got));
        ok(WinHttpQueryOption(ses, WINHTTP_OPTION_PROXY, &got, &size) && got.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY &&
           str_is(got.lpszProxy, list), "session's proxy: %lu %ls\n", got.dwAccessType, show(got.lpszProxy));
        GlobalFree(got.lpszProxy);
        GlobalFree(got.lpszProxyBypass);
        before = proxy_stat(proxy, "requests");
        ok(!do_request(ses, peer_host(), ws, L"/status/200", 0, NULL, &res) && res.status == 200, "request: %lu %lu\n",
           res.error, res.status);
        ok(proxy_stat(proxy, "requests") == before + 1 && res.via[0], "the default proxy was not used\n");
        WinHttpCloseHandle(ses);
    }

    pi.dwAccessType = WINHTTP_ACCESS_TYPE_NO_PROXY;
    ok(WinHttpSetDefaultProxyConfiguration(&pi), "set NO_PROXY: %lu\n", GetLastError());
    memset(&got, 0, sizeof(got));
    got.dwAccessType = 0xdeadbeef;
    ok(WinHttpGetDefaultProxyConfiguration(&got), "get: %lu\n", GetLastError());
    ok(got.dwAccessType == WINHTTP_ACCESS_TYPE_NO_PROXY && !got.lpszProxy && !got.lpszProxyBypass, "got %lu %p %p\n",
       got.dwAccessType, got.lpszProxy, got.lpszProxyBypass);
    restore_value(&saved);
}

static void check_for_url(HINTERNET ses, const WCHAR *url, const WCHAR *script, DWORD err, const WCHAR *want)
{
    WINHTTP_AUTOPROXY_OPTIONS o;
    WINHTTP_PROXY_INFO pi;
    BOOL ret;

    memset(&o, 0, sizeof(o));
    o.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
    o.lpszAutoConfigUrl = script;
    memset(&pi, 0, sizeof(pi));
    SetLastError(0xdeadbeef);
    ret = WinHttpGetProxyForUrl(ses, url, &o, &pi);
    if (err) { ok(!ret && GetLastError() == err, "%ls with %ls: %d %lu, expected %lu\n", url, script, ret, GetLastError(), err); return; }
    ok(ret, "%ls with %ls: failed %lu\n", url, script, GetLastError());
    if (!ret) return;
    ok(pi.dwAccessType == (want ? WINHTTP_ACCESS_TYPE_NAMED_PROXY : WINHTTP_ACCESS_TYPE_NO_PROXY), "%ls: access %lu\n",
       url, pi.dwAccessType);
    ok(str_is(pi.lpszProxy, want), "%ls: proxy %ls, expected %ls\n", url, show(pi.lpszProxy), show(want));
    GlobalFree(pi.lpszProxy);
    GlobalFree(pi.lpszProxyBypass);
}

static void test_pac(void)
{
    INTERNET_PORT ws = peer_port("WS"), proxy = peer_port("PROXY");
    WCHAR script[96], bad[96], missing[96], url[96], url2[96], list[64];
    WINHTTP_AUTOPROXY_OPTIONS o;
    WINHTTP_PROXY_INFO pi;
    HINTERNET ses, con;
    WCHAR *detected;

    swprintf(script, ARRAYSIZE(script), L"http://%ls:%u/proxy.pac", peer_host(), proxy);
    swprintf(bad, ARRAYSIZE(bad), L"http://%ls:%u/bad.pac", peer_host(), proxy);
    swprintf(missing, ARRAYSIZE(missing), L"http://%ls:%u/missing.pac", peer_host(), proxy);
    swprintf(url, ARRAYSIZE(url), L"http://%ls:%u/pac-proxied/x", peer_host(), ws);
    swprintf(url2, ARRAYSIZE(url2), L"http://%ls:%u/other", peer_host(), ws);
    swprintf(list, ARRAYSIZE(list), L"%ls:%u", peer_host(), proxy);
    ses = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    if (!ses) { ok(0, "WinHttpOpen: %lu\n", GetLastError()); return; }

    check_for_url(ses, url, script, 0, list);
    check_for_url(ses, url2, script, 0, NULL);
    check_for_url(ses, url, bad, ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT, NULL);
    check_for_url(ses, url, missing, ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT, NULL);

    memset(&o, 0, sizeof(o));
    o.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
    o.lpszAutoConfigUrl = script;
    SetLastError(0xdeadbeef);
    ok(!WinHttpGetProxyForUrl(NULL, url, &o, &pi) && GetLastError() == ERROR_INVALID_HANDLE, "NULL session: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpGetProxyForUrl(ses, NULL, &o, &pi) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL url: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpGetProxyForUrl(ses, url, NULL, &pi) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL options: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WinHttpGetProxyForUrl(ses, url, &o, NULL) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL info: %lu\n",
       GetLastError());
    o.dwFlags = 0;
    SetLastError(0xdeadbeef);
    ok(!WinHttpGetProxyForUrl(ses, url, &o, &pi) && GetLastError() == ERROR_INVALID_PARAMETER, "no flags: %lu\n",
       GetLastError());
    o.dwFlags = WINHTTP_AUTOPROXY_AUTO_DETECT;
    SetLastError(0xdeadbeef);
    ok(!WinHttpGetProxyForUrl(ses, url, &o, &pi) && GetLastError() == ERROR_INVALID_PARAMETER,
       "auto-detect without detect flags: %lu\n", GetLastError());
    con = WinHttpConnect(ses, peer_host(), ws, 0);
    o.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
    SetLastError(0xdeadbeef);
    ok(!WinHttpGetProxyForUrl(con, url, &o, &pi) && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
       "connect handle: %lu\n", GetLastError());
    WinHttpCloseHandle(con);

    SetLastError(0xdeadbeef);
    ok(!WinHttpDetectAutoProxyConfigUrl(0, &detected) && GetLastError() == ERROR_INVALID_PARAMETER,
       "DetectAutoProxyConfigUrl without flags: %lu\n", GetLastError());
    if (builtin_mode())
        skip("WPAD (DHCP/DNS) checks not run against Wine's builtin: it would query the network\n");
    else
    {
        /* ours never looks beyond loopback: no WPAD, documented error */
        o.dwFlags = WINHTTP_AUTOPROXY_AUTO_DETECT;
        o.dwAutoDetectFlags = WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A;
        SetLastError(0xdeadbeef);
        ok(!WinHttpGetProxyForUrl(ses, url, &o, &pi) && GetLastError() == ERROR_WINHTTP_AUTODETECTION_FAILED,
           "auto-detect: %lu\n", GetLastError());
        detected = (WCHAR *)L"x";
        SetLastError(0xdeadbeef);
        ok(!WinHttpDetectAutoProxyConfigUrl(WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A, &detected) &&
           GetLastError() == ERROR_WINHTTP_AUTODETECTION_FAILED && !detected, "DetectAutoProxyConfigUrl: %lu %p\n",
           GetLastError(), detected);
        /* detection fails, the script is used */
        o.dwFlags = WINHTTP_AUTOPROXY_AUTO_DETECT | WINHTTP_AUTOPROXY_CONFIG_URL;
        o.lpszAutoConfigUrl = script;
        memset(&pi, 0, sizeof(pi));
        ok(WinHttpGetProxyForUrl(ses, url, &o, &pi) && str_is(pi.lpszProxy, list), "detect then script: %lu %ls\n",
           GetLastError(), show(pi.lpszProxy));
        GlobalFree(pi.lpszProxy);
    }
    SetLastError(0xdeadbeef);
    ok(WinHttpResetAutoProxy(ses, WINHTTP_RESET_ALL) == ERROR_SUCCESS, "ResetAutoProxy failed\n");
    ok(WinHttpResetAutoProxy(NULL, WINHTTP_RESET_ALL) == ERROR_INVALID_HANDLE, "ResetAutoProxy(NULL)\n");
    WinHttpCloseHandle(ses);
}

/* ---- resolvers ---- */

static HANDLE resolver_event;
static DWORD resolver_status, resolver_error, resolver_api;
static DWORD_PTR resolver_context;

static void CALLBACK resolver_callback(HINTERNET h, DWORD_PTR ctx, DWORD status, void *info, DWORD len)
{
    resolver_status = status;
    resolver_context = ctx;
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR && info && len >= sizeof(WINHTTP_ASYNC_RESULT))
    {
        resolver_api = (DWORD)((WINHTTP_ASYNC_RESULT *)info)->dwResult;
        resolver_error = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
    }
    SetEvent(resolver_event);
}

/* GetProxyForUrlEx then wait for its notification; the status it brought. */
static DWORD resolve(HINTERNET resolver, const WCHAR *url, const WCHAR *script, DWORD_PTR ctx)
{
    WINHTTP_AUTOPROXY_OPTIONS o;
    DWORD ret;

    memset(&o, 0, sizeof(o));
    o.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
    o.lpszAutoConfigUrl = script;
    resolver_status = resolver_error = resolver_api = 0;
    ResetEvent(resolver_event);
    ret = WinHttpGetProxyForUrlEx(resolver, url, &o, ctx);
    ok(ret == ERROR_IO_PENDING, "GetProxyForUrlEx: %lu\n", ret);
    if (ret != ERROR_IO_PENDING) return 0;
    ok(WaitForSingleObject(resolver_event, 20000) == WAIT_OBJECT_0, "no notification\n");
    ok(resolver_context == ctx, "context %Ix\n", resolver_context);
    return resolver_status;
}

static void test_resolver(void)
{
    INTERNET_PORT ws = peer_port("WS"), proxy = peer_port("PROXY");
    WCHAR script[96], bad[96], url[96], url2[96];
    HINTERNET sync, ses, resolver = NULL, dummy;
    WINHTTP_AUTOPROXY_OPTIONS o;
    WINHTTP_PROXY_RESULT r;
    WINHTTP_PROXY_RESULT_EX rx;
    DWORD ret, status;

    swprintf(script, ARRAYSIZE(script), L"http://%ls:%u/proxy.pac", peer_host(), proxy);
    swprintf(bad, ARRAYSIZE(bad), L"http://%ls:%u/bad.pac", peer_host(), proxy);
    swprintf(url, ARRAYSIZE(url), L"http://%ls:%u/pac-proxied/x", peer_host(), ws);
    swprintf(url2, ARRAYSIZE(url2), L"http://%ls:%u/other", peer_host(), ws);
    resolver_event = CreateEventW(NULL, TRUE, FALSE, NULL);

    ok(WinHttpCreateProxyResolver(NULL, &dummy) == ERROR_INVALID_HANDLE, "NULL session\n");
    sync = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    ret = WinHttpCreateProxyResolver(sync, &dummy);
    ok(ret == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "synchronous session: %lu\n", ret);
    if (!ret) WinHttpCloseHandle(dummy);
    ses = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC);
    ok(WinHttpCreateProxyResolver(ses, NULL) == ERROR_INVALID_PARAMETER, "NULL out\n");
    ret = WinHttpCreateProxyResolver(ses, &resolver);
    ok(!ret && resolver, "create: %lu\n", ret);
    if (ret) goto done;

    ok(WinHttpGetProxyResult(resolver, NULL) == ERROR_INVALID_PARAMETER, "NULL result\n");
    ret = WinHttpGetProxyResult(resolver, &r);
    ok(ret == ERROR_INVALID_OPERATION, "result before any call: %lu\n", ret);
    ok(WinHttpGetProxyResult(ses, &r) == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "result of a session\n");
    ok(WinHttpGetProxyForUrlEx(resolver, url, NULL, 0) == ERROR_INVALID_PARAMETER, "NULL options\n");
    memset(&o, 0, sizeof(o));
    o.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
    o.lpszAutoConfigUrl = script;
    ok(WinHttpGetProxyForUrlEx(resolver, NULL, &o, 0) == ERROR_INVALID_PARAMETER, "NULL url\n");
    ok(WinHttpGetProxyForUrlEx(ses, url, &o, 0) == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "session as resolver\n");
    ok(WinHttpGetProxyForUrlEx2(resolver, url, &o, 4, NULL, 0) == ERROR_INVALID_PARAMETER, "Ex2 without selection\n");

    WinHttpSetStatusCallback(resolver, resolver_callback,
                             WINHTTP_CALLBACK_FLAG_REQUEST_ERROR | WINHTTP_CALLBACK_FLAG_GETPROXYFORURL_COMPLETE, 0);
    status = resolve(resolver, url, script, 0x5150);
    ok(status == WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE, "status 0x%lx error %lu\n", status, resolver_error);
    memset(&r, 0xcc, sizeof(r));
    ret = WinHttpGetProxyResult(resolver, &r);
    ok(!ret, "GetProxyResult: %lu\n", ret);
    if (!ret)
    {
        ok(r.cEntries >= 1 && r.pEntries && r.pEntries[0].fProxy && r.pEntries[0].pwszProxy &&
           !wcscmp(r.pEntries[0].pwszProxy, peer_host()) && r.pEntries[0].ProxyPort == proxy,
           "entries %lu: proxy %d %ls:%u\n", r.cEntries, r.cEntries ? r.pEntries[0].fProxy : -1,
           r.cEntries && r.pEntries[0].pwszProxy ? r.pEntries[0].pwszProxy : L"", r.cEntries ? r.pEntries[0].ProxyPort : 0);
        WinHttpFreeProxyResult(&r);
        ok(!r.cEntries && !r.pEntries, "FreeProxyResult left %lu %p\n", r.cEntries, r.pEntries);
    }
    status = resolve(resolver, url2, script, 0x5151);
    ok(status == WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE, "status 0x%lx error %lu\n", status, resolver_error);
    memset(&rx, 0xcc, sizeof(rx));
    ret = WinHttpGetProxyResultEx(resolver, &rx);
    ok(!ret, "GetProxyResultEx: %lu\n", ret);
    if (!ret)
    {
        ok(rx.cEntries >= 1 && !rx.pEntries[0].fProxy, "direct: %lu entries, fProxy %d\n", rx.cEntries,
           rx.cEntries ? rx.pEntries[0].fProxy : -1);
        WinHttpFreeProxyResultEx(&rx);
    }
    status = resolve(resolver, url, bad, 0x5152);
    ok(status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR && resolver_api == API_GET_PROXY_FOR_URL &&
       resolver_error == ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT, "bad script: status 0x%lx api %lu error %lu\n", status,
       resolver_api, resolver_error);
    WinHttpCloseHandle(resolver);
done:
    WinHttpCloseHandle(ses);
    WinHttpCloseHandle(sync);
    CloseHandle(resolver_event);
}

static void test_settings(void)
{
    static const WCHAR name[] = L"winhttp-conformance-test";
    WINHTTP_PROXY_SETTINGS s;
    HINTERNET ses = WinHttpOpen(L"proxy-test", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    DWORD version = 0xdeadbeef, ret, ver2;
    BOOL is_default = 0xcc;

    ok(WinHttpGetProxySettingsVersion(NULL, &version) == ERROR_INVALID_HANDLE, "version of NULL\n");
    ok(WinHttpGetProxySettingsVersion(ses, NULL) == ERROR_INVALID_PARAMETER, "version into NULL\n");
    ret = WinHttpGetProxySettingsVersion(ses, &version);
    ok(!ret && version != 0xdeadbeef, "version: %lu %lu\n", ret, version);

    memset(&s, 0, sizeof(s));
    s.dwStructSize = sizeof(s);
    s.dwFlags = 0x3;
    s.pwszConnectionName = (WCHAR *)name;
    s.pwszProxy = (WCHAR *)L"127.0.0.1:3128";
    s.pwszProxyBypass = (WCHAR *)L"<local>";
    ret = WinHttpWriteProxySettings(ses, TRUE, &s);
    ok(!ret, "write: %lu\n", ret);
    memset(&s, 0xcc, sizeof(s));
    ret = WinHttpReadProxySettings(ses, name, FALSE, FALSE, &ver2, &is_default, &s);
    ok(!ret, "read: %lu\n", ret);
    if (!ret)
    {
        ok(s.dwFlags == 0x3 && str_is(s.pwszProxy, L"127.0.0.1:3128") && str_is(s.pwszProxyBypass, L"<local>") && !is_default,
           "read back: flags %lx proxy %ls bypass %ls default %d\n", s.dwFlags, show(s.pwszProxy), show(s.pwszProxyBypass),
           is_default);
        WinHttpFreeProxySettings(&s);
        ok(!s.pwszProxy && !s.pwszProxyBypass, "FreeProxySettings left the strings\n");
    }
    set_value(HKEY_CURRENT_USER, CONN_KEY, name, 0, NULL, 0);
    ok(WinHttpReadProxySettings(ses, name, FALSE, FALSE, &ver2, &is_default, &s) == ERROR_FILE_NOT_FOUND,
       "read of a connection that is not there\n");
    WinHttpCloseHandle(ses);
}

void proxy_config_tests(void)
{
    test_ie_config();
    test_default_config();
    test_pac();
    test_resolver();
    test_settings();
}
