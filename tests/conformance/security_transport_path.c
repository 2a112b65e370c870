/* whnet.dll is loaded by full path (system32 and Wine's own directories),
 * never by bare name: a whnet.dll planted in the program's directory (the
 * first place a bare-name LoadLibrary looks) must not be the one loaded.
 * Runs first in its group, before anything loads the transport. */
#include "test.h"

void security_transport_path_tests(void)
{
    WCHAR sys[MAX_PATH], planted[MAX_PATH], loaded[MAX_PATH], *slash;
    HMODULE mod;
    struct conn_handles h;
    BOOL sent;

    if (GetModuleHandleW(L"whnet.dll"))
    {
        skip("the transport is loaded already\n");
        return;
    }
    GetSystemDirectoryW(sys, MAX_PATH);
    wcscat(sys, L"\\whnet.dll");
    if (GetFileAttributesW(sys) == INVALID_FILE_ATTRIBUTES || !peer_port("WS"))
    {
        skip("no whnet.dll in system32 (not our winhttp) or no peer\n");
        return;
    }
    GetModuleFileNameW(NULL, planted, MAX_PATH);
    if (!(slash = wcsrchr(planted, '\\'))) return;
    wcscpy(slash + 1, L"whnet.dll");
    if (!CopyFileW(sys, planted, FALSE))
    {
        skip("cannot write to the program's directory: %lu\n", GetLastError());
        return;
    }
    sent = open_request(&h, L"GET", peer_port("WS"), L"/status/200", 0, FALSE, 0, NULL);
    ok(sent, "request with a planted whnet.dll: %lu\n", GetLastError());
    if (sent) close_handles(&h);
    loaded[0] = 0;
    if ((mod = GetModuleHandleW(L"whnet.dll"))) GetModuleFileNameW(mod, loaded, MAX_PATH);
    ok(mod && _wcsicmp(loaded, planted), "whnet.dll loaded from %ls (planted: %ls)\n", loaded, planted);
    DeleteFileW(planted);
}
