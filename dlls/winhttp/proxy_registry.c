/*
 * What Windows keeps in the registry about proxies:
 *  - the WinHTTP default configuration (what `netsh winhttp set proxy`
 *    writes): HKLM\Software\Microsoft\Windows\CurrentVersion\Internet
 *    Settings\Connections, binary value WinHttpSettings;
 *  - the user's Internet Settings (HKCU, same path): the binary value
 *    Connections\DefaultConnectionSettings and the plain values
 *    ProxyEnable, ProxyServer, ProxyOverride, AutoConfigURL.
 * Both binary values share one layout (little endian):
 *    DWORD version, DWORD counter (bumped on each change), DWORD flags
 *    (1 direct, 2 proxy, 4 auto-config URL, 8 auto-detect), then counted
 *    byte strings: DWORD length + bytes for the proxy, the bypass list and
 *    (DefaultConnectionSettings only) the auto-config URL, then more that
 *    we do not use.
 * WinHttpGetDefaultProxyConfiguration, WinHttpSetDefaultProxyConfiguration,
 * WinHttpGetIEProxyConfigForCurrentUser.
 */
#include "proxy.h"
#include "proxy_blob.h"

#define INTERNET_SETTINGS L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"
#define CONNECTIONS INTERNET_SETTINGS L"\\Connections"

WCHAR *proxy_globaldup(const WCHAR *s)
{
    WCHAR *r;
    size_t n;
    if (!s) return NULL;
    n = (wcslen(s) + 1) * sizeof(WCHAR);
    if ((r = GlobalAlloc(GMEM_FIXED, n))) memcpy(r, s, n);
    return r;
}

static WCHAR *globaldup_n(const BYTE *s, DWORD len)
{
    WCHAR *r;
    DWORD i;
    if (!(r = GlobalAlloc(GMEM_FIXED, (len + 1) * sizeof(WCHAR)))) return NULL;
    for (i = 0; i < len; i++) r[i] = s[i];
    r[len] = 0;
    return r;
}

/* ---- the binary layout ---- */

void blob_free(struct proxy_blob *b)
{
    GlobalFree(b->proxy);
    GlobalFree(b->bypass);
    GlobalFree(b->autoconfig);
    memset(b, 0, sizeof(*b));
}

/* Parses what is there; strings absent or empty stay NULL. FALSE: too short. */
BOOL blob_parse(const BYTE *data, DWORD size, struct proxy_blob *b)
{
    WCHAR **fields[3];
    DWORD pos = 12, i;

    memset(b, 0, sizeof(*b));
    if (size < 12) return FALSE;
    memcpy(&b->version, data, 4);
    memcpy(&b->counter, data + 4, 4);
    memcpy(&b->flags, data + 8, 4);
    fields[0] = &b->proxy;
    fields[1] = &b->bypass;
    fields[2] = &b->autoconfig;
    for (i = 0; i < 3 && pos + 4 <= size; i++)
    {
        DWORD len;
        memcpy(&len, data + pos, 4);
        pos += 4;
        if (len > size - pos) { blob_free(b); return FALSE; }
        if (len && !(*fields[i] = globaldup_n(data + pos, len))) { blob_free(b); return FALSE; }
        pos += len;
    }
    return TRUE;
}

/* ASCII only (Windows refuses other characters in these values). */
static BOOL put_string(BYTE **p, const WCHAR *s, BYTE *end)
{
    DWORD len = s ? (DWORD)wcslen(s) : 0, i;
    if (*p + 4 + len > end) return FALSE;
    memcpy(*p, &len, 4);
    *p += 4;
    for (i = 0; i < len; i++)
    {
        if (s[i] > 0x7f) return FALSE;
        *(*p)++ = (BYTE)s[i];
    }
    return TRUE;
}

/* The value for b (with_autoconfig: the DefaultConnectionSettings form,
 * with the URL and 32 bytes of zeroed detection state after it). */
BYTE *blob_build(const struct proxy_blob *b, BOOL with_autoconfig, DWORD *size)
{
    DWORD n = 12 + 8 + (b->proxy ? wcslen(b->proxy) : 0) + (b->bypass ? wcslen(b->bypass) : 0);
    BYTE *data, *p;

    if (with_autoconfig) n += 4 + (b->autoconfig ? wcslen(b->autoconfig) : 0) + 32;
    if (!(data = heap_alloc_zero(n))) return NULL;
    memcpy(data, &b->version, 4);
    memcpy(data + 4, &b->counter, 4);
    memcpy(data + 8, &b->flags, 4);
    p = data + 12;
    if (!put_string(&p, b->proxy, data + n) || !put_string(&p, b->bypass, data + n) ||
        (with_autoconfig && !put_string(&p, b->autoconfig, data + n)))
    {
        heap_free(data);
        return NULL;
    }
    *size = n;
    return data;
}

/* Reads a binary value into a parsed blob. ERROR_FILE_NOT_FOUND if absent. */
DWORD blob_read(HKEY root, const WCHAR *subkey, const WCHAR *value, struct proxy_blob *b)
{
    DWORD type, size = 0, err;
    BYTE *data;
    HKEY key;

    memset(b, 0, sizeof(*b));
    if ((err = RegOpenKeyExW(root, subkey, 0, KEY_READ, &key))) return err;
    err = RegQueryValueExW(key, value, NULL, &type, NULL, &size);
    if (!err && type != REG_BINARY) err = ERROR_FILE_NOT_FOUND;
    if (!err)
    {
        if (!(data = heap_alloc(size ? size : 1))) err = ERROR_NOT_ENOUGH_MEMORY;
        else
        {
            if (!(err = RegQueryValueExW(key, value, NULL, &type, data, &size)) && !blob_parse(data, size, b))
                err = ERROR_INVALID_DATA;
            heap_free(data);
        }
    }
    RegCloseKey(key);
    return err;
}

DWORD blob_write(HKEY root, const WCHAR *subkey, const WCHAR *value, const struct proxy_blob *b, BOOL with_autoconfig)
{
    DWORD size, err;
    BYTE *data;
    HKEY key;

    if (!(data = blob_build(b, with_autoconfig, &size))) return ERROR_INVALID_PARAMETER;
    if (!(err = RegCreateKeyExW(root, subkey, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL)))
    {
        err = RegSetValueExW(key, value, 0, REG_BINARY, data, size);
        RegCloseKey(key);
    }
    heap_free(data);
    return err;
}

/* ---- the WinHTTP default configuration ---- */

#define WINHTTP_SETTINGS_VERSION 0x18

DWORD proxy_read_default(struct proxy_config *out)
{
    struct proxy_blob b;

    memset(out, 0, sizeof(*out));
    out->access = WINHTTP_ACCESS_TYPE_NO_PROXY;
    if (blob_read(HKEY_LOCAL_MACHINE, CONNECTIONS, L"WinHttpSettings", &b)) return ERROR_SUCCESS;
    if ((b.flags & PROXY_BLOB_PROXY) && b.proxy)
    {
        out->access = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
        out->server = strdupW(b.proxy);
        out->bypass = b.bypass ? strdupW(b.bypass) : NULL;
    }
    blob_free(&b);
    if (out->access == WINHTTP_ACCESS_TYPE_NAMED_PROXY && !out->server)
    {
        proxy_config_free(out);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return ERROR_SUCCESS;
}

BOOL WINAPI WinHttpGetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *info)
{
    struct proxy_config c;
    DWORD err;

    TRACE("%p\n", info);
    if (!info) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    if ((err = proxy_read_default(&c))) { set_error(err); return FALSE; }
    info->dwAccessType = c.access;
    info->lpszProxy = proxy_globaldup(c.server);
    info->lpszProxyBypass = proxy_globaldup(c.bypass);
    proxy_config_free(&c);
    set_error(ERROR_SUCCESS);
    return TRUE;
}

BOOL WINAPI WinHttpSetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *info)
{
    struct proxy_blob b, old;
    DWORD err;

    TRACE("%p\n", info);
    if (!info) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    memset(&b, 0, sizeof(b));
    switch (info->dwAccessType)
    {
    case WINHTTP_ACCESS_TYPE_NO_PROXY:
        b.flags = PROXY_BLOB_DIRECT;
        break;
    case WINHTTP_ACCESS_TYPE_NAMED_PROXY:
        if (!info->lpszProxy || !proxy_list_valid(info->lpszProxy)) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
        b.flags = PROXY_BLOB_DIRECT | PROXY_BLOB_PROXY;
        b.proxy = info->lpszProxy;
        b.bypass = info->lpszProxyBypass && info->lpszProxyBypass[0] ? info->lpszProxyBypass : NULL;
        break;
    default:
        set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    b.version = WINHTTP_SETTINGS_VERSION;
    if (!blob_read(HKEY_LOCAL_MACHINE, CONNECTIONS, L"WinHttpSettings", &old))
    {
        b.counter = old.counter + 1;
        blob_free(&old);
    }
    /* a string Windows cannot store (not ASCII) makes blob_build fail:
     * ERROR_INVALID_PARAMETER */
    err = blob_write(HKEY_LOCAL_MACHINE, CONNECTIONS, L"WinHttpSettings", &b, FALSE);
    if (err == ERROR_ACCESS_DENIED) WARN("no write access to HKLM\n");
    set_error(err);
    return !err;
}

/* ---- the user's Internet Settings ---- */

static WCHAR *read_string(HKEY key, const WCHAR *name)
{
    DWORD type, size = 0;
    WCHAR *s;

    if (RegQueryValueExW(key, name, NULL, &type, NULL, &size) || (type != REG_SZ && type != REG_EXPAND_SZ) ||
        size < sizeof(WCHAR))
        return NULL;
    if (!(s = GlobalAlloc(GMEM_FIXED, size + sizeof(WCHAR)))) return NULL;
    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)s, &size)) { GlobalFree(s); return NULL; }
    s[size / sizeof(WCHAR)] = 0;
    if (!s[0]) { GlobalFree(s); return NULL; }
    return s;
}

BOOL WINAPI WinHttpGetIEProxyConfigForCurrentUser(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG *config)
{
    struct proxy_blob b;
    HKEY key;
    DWORD err;

    TRACE("%p\n", config);
    if (!config) { set_error(ERROR_INVALID_PARAMETER); return FALSE; }
    memset(config, 0, sizeof(*config));
    if (RegOpenKeyExW(HKEY_CURRENT_USER, INTERNET_SETTINGS, 0, KEY_READ, &key))
    {
        set_error(ERROR_FILE_NOT_FOUND);
        return FALSE;
    }
    err = blob_read(HKEY_CURRENT_USER, CONNECTIONS, L"DefaultConnectionSettings", &b);
    if (err == ERROR_NOT_ENOUGH_MEMORY) { RegCloseKey(key); set_error(err); return FALSE; }
    if (!err)
    {
        /* the connection settings are what Windows itself keeps current */
        config->fAutoDetect = (b.flags & PROXY_BLOB_AUTO_DETECT) != 0;
        if (b.flags & PROXY_BLOB_AUTO_URL) { config->lpszAutoConfigUrl = b.autoconfig; b.autoconfig = NULL; }
        if (b.flags & PROXY_BLOB_PROXY)
        {
            config->lpszProxy = b.proxy; b.proxy = NULL;
            config->lpszProxyBypass = b.bypass; b.bypass = NULL;
        }
        blob_free(&b);
    }
    else
    {
        /* no binary settings: the plain values */
        DWORD enable = 0, type, size = sizeof(enable);
        if (!RegQueryValueExW(key, L"ProxyEnable", NULL, &type, (BYTE *)&enable, &size) && type == REG_DWORD && enable)
        {
            config->lpszProxy = read_string(key, L"ProxyServer");
            if (config->lpszProxy) config->lpszProxyBypass = read_string(key, L"ProxyOverride");
        }
        config->lpszAutoConfigUrl = read_string(key, L"AutoConfigURL");
    }
    RegCloseKey(key);
    TRACE("auto-detect %d, config URL %s, proxy %s, bypass %s\n", config->fAutoDetect,
          dbg_w(config->lpszAutoConfigUrl), dbg_w(config->lpszProxy), dbg_w(config->lpszProxyBypass));
    set_error(ERROR_SUCCESS);
    return TRUE;
}
