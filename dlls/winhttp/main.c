/*
 * winhttp.dll for Wine: DLL entry point and small global functions.
 */
#include "private.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH)
    {
        DisableThreadLibraryCalls(instance);
        TRACE("winhttp.dll (winhttp-wine " WINHTTP_WINE_VERSION ") loaded\n");
    }
    else if (reason == DLL_PROCESS_DETACH) options_process_detach();
    return TRUE;
}

BOOL WINAPI WinHttpCheckPlatform(void)
{
    TRACE("\n");
    return TRUE;
}
