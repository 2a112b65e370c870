/*
 * The per-connection proxy settings of the user's Internet Settings
 * (HKCU\...\Internet Settings\Connections, one binary value per connection,
 * DefaultConnectionSettings for the default one; layout in
 * proxy_registry.c): WinHttpGetProxySettingsVersion,
 * WinHttpReadProxySettings, WinHttpWriteProxySettings,
 * WinHttpFreeProxySettings.
 */
#include "proxy.h"
#include "proxy_blob.h"

#define CONNECTIONS L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections"
#define DEFAULT_CONNECTION L"DefaultConnectionSettings"
#define CONNECTION_SETTINGS_VERSION 0x46

static DWORD check_session(HINTERNET h)
{
    struct object *obj = grab_object(h);
    DWORD err = ERROR_SUCCESS;
    if (!obj) return ERROR_INVALID_HANDLE;
    if (obj->type != WINHTTP_HANDLE_TYPE_SESSION) err = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    release_object(obj);
    return err;
}

static const WCHAR *value_name(const WCHAR *connection)
{
    return connection && connection[0] ? connection : DEFAULT_CONNECTION;
}

DWORD WINAPI WinHttpGetProxySettingsVersion(HINTERNET hsession, DWORD *version)
{
    struct proxy_blob b;
    DWORD err;

    TRACE("%p, %p\n", hsession, version);
    if ((err = check_session(hsession))) return err;
    if (!version) return ERROR_INVALID_PARAMETER;
    *version = 0;
    if (!blob_read(HKEY_CURRENT_USER, CONNECTIONS, DEFAULT_CONNECTION, &b))
    {
        *version = b.counter;
        blob_free(&b);
    }
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpReadProxySettings(HINTERNET hsession, PCWSTR connection, BOOL fallback, BOOL autodetect_default,
                                      DWORD *version, BOOL *default_returned, WINHTTP_PROXY_SETTINGS *settings)
{
    struct proxy_blob b;
    BOOL is_default = !connection || !connection[0];
    DWORD err;

    TRACE("%p, %s, %d, %d, %p, %p, %p\n", hsession, dbg_w(connection), fallback, autodetect_default, version,
          default_returned, settings);
    if ((err = check_session(hsession))) return err;
    if (!settings) return ERROR_INVALID_PARAMETER;
    err = blob_read(HKEY_CURRENT_USER, CONNECTIONS, value_name(connection), &b);
    if (err && !is_default && fallback)
    {
        is_default = TRUE;
        err = blob_read(HKEY_CURRENT_USER, CONNECTIONS, DEFAULT_CONNECTION, &b);
    }
    if (err == ERROR_NOT_ENOUGH_MEMORY) return err;
    if (err)
    {
        if (!is_default) return ERROR_FILE_NOT_FOUND;
        /* nothing stored for the default connection: direct (and, if
         * asked, auto-detection), as a new profile has */
        memset(&b, 0, sizeof(b));
        b.flags = PROXY_BLOB_DIRECT | (autodetect_default ? PROXY_BLOB_AUTO_DETECT : 0);
    }
    memset(settings, 0, sizeof(*settings));
    settings->dwStructSize = sizeof(*settings);
    settings->dwFlags = b.flags;
    settings->dwCurrentSettingsVersion = b.counter;
    settings->pwszConnectionName = is_default ? NULL : proxy_globaldup(connection);
    settings->pwszProxy = b.proxy;
    settings->pwszProxyBypass = b.bypass;
    settings->pwszAutoconfigUrl = b.autoconfig;
    if (version) *version = b.counter;
    if (default_returned) *default_returned = is_default;
    return ERROR_SUCCESS;
}

DWORD WINAPI WinHttpWriteProxySettings(HINTERNET hsession, BOOL force, WINHTTP_PROXY_SETTINGS *settings)
{
    struct proxy_blob b, old;
    const WCHAR *name;
    DWORD err, current = 0;

    TRACE("%p, %d, %p\n", hsession, force, settings);
    if ((err = check_session(hsession))) return err;
    if (!settings || settings->dwStructSize != sizeof(*settings)) return ERROR_INVALID_PARAMETER;
    name = value_name(settings->pwszConnectionName);
    if (!blob_read(HKEY_CURRENT_USER, CONNECTIONS, name, &old))
    {
        current = old.counter;
        blob_free(&old);
    }
    /* somebody changed the settings since they were read */
    if (!force && settings->dwCurrentSettingsVersion != current) return ERROR_INVALID_OPERATION;
    memset(&b, 0, sizeof(b));
    b.version = CONNECTION_SETTINGS_VERSION;
    b.counter = current + 1;
    b.flags = settings->dwFlags & (PROXY_BLOB_DIRECT | PROXY_BLOB_PROXY | PROXY_BLOB_AUTO_URL | PROXY_BLOB_AUTO_DETECT);
    b.proxy = settings->pwszProxy;
    b.bypass = settings->pwszProxyBypass;
    b.autoconfig = settings->pwszAutoconfigUrl;
    if ((err = blob_write(HKEY_CURRENT_USER, CONNECTIONS, name, &b, TRUE))) return err;
    settings->dwCurrentSettingsVersion = b.counter;
    return ERROR_SUCCESS;
}

VOID WINAPI WinHttpFreeProxySettings(WINHTTP_PROXY_SETTINGS *settings)
{
    TRACE("%p\n", settings);
    if (!settings) return;
    GlobalFree(settings->pwszConnectionName);
    GlobalFree(settings->pwszProxy);
    GlobalFree(settings->pwszProxyBypass);
    GlobalFree(settings->pwszAutoconfigUrl);
    GlobalFree(settings->pwszAutoconfigSecondaryUrl);
    GlobalFree(settings->pwszLastKnownGoodAutoConfigUrl);
    memset(settings, 0, sizeof(*settings));
}
