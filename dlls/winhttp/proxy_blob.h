/* The binary proxy settings values of the registry (proxy_registry.c). */
#ifndef WINHTTP_PROXY_BLOB_H
#define WINHTTP_PROXY_BLOB_H

#define PROXY_BLOB_DIRECT      0x1
#define PROXY_BLOB_PROXY       0x2
#define PROXY_BLOB_AUTO_URL    0x4
#define PROXY_BLOB_AUTO_DETECT 0x8

struct proxy_blob
{
    DWORD version, counter, flags;
    WCHAR *proxy, *bypass, *autoconfig;   /* GlobalAlloc, NULL when empty */
};

BOOL blob_parse(const BYTE *data, DWORD size, struct proxy_blob *b);
BYTE *blob_build(const struct proxy_blob *b, BOOL with_autoconfig, DWORD *size);  /* heap_alloc */
void blob_free(struct proxy_blob *b);
DWORD blob_read(HKEY root, const WCHAR *subkey, const WCHAR *value, struct proxy_blob *b);
DWORD blob_write(HKEY root, const WCHAR *subkey, const WCHAR *value, const struct proxy_blob *b, BOOL with_autoconfig);

#endif
