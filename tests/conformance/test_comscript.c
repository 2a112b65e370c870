/*
 * Group comscript: tests/com/request.js run by Wine's own cscript.exe, a
 * JScript client of the WinHttpRequest COM object (ActiveXObject
 * "WinHttp.WinHttpRequest.5.1") against the plain HTTP peer.  The script
 * is copied next to this program by make (com_request.js), with Wine's
 * 64-bit cscript.exe.  Its failures
 * and its "N passed, N failed" line become this group's checks.
 */
#include "test.h"

void test_comscript(void)
{
    WCHAR script[MAX_PATH], exe[MAX_PATH], cmd[2 * MAX_PATH + 64], *slash;
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    HANDLE rd, wr;
    static char out[65536];
    DWORD len = 0, got, rc = 1;
    int p = -1, f = -1;
    char *line, *next;

    GetModuleFileNameW(NULL, script, MAX_PATH);
    if ((slash = wcsrchr(script, '\\'))) slash[1] = 0;
    wcscat(script, L"com_request.js");
    if (GetFileAttributesW(script) == INVALID_FILE_ATTRIBUTES)
    {
        skip("com_request.js not found next to the test program (make copies it)\n");
        return;
    }
    if (!peer_port("WS")) { skip("no peer port\n"); return; }
    /* Wine's 64-bit cscript.exe, copied next to us by make: started by name,
     * Wine 8 runs the 32-bit one in a WoW64 prefix, which would need a
     * 32-bit winhttp.dll */
    wcscpy(exe, script);
    wcscpy(wcsrchr(exe, '\\') + 1, L"cscript.exe");
    if (GetFileAttributesW(exe) == INVALID_FILE_ATTRIBUTES) wcscpy(exe, L"cscript.exe");
    swprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" //nologo \"%ls\" %u", exe, script, peer_port("WS"));
    if (!CreatePipe(&rd, &wr, &sa, 0)) { ok(0, "CreatePipe %lu\n", GetLastError()); return; }
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = si.hStdError = wr;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
    {
        ok(0, "CreateProcess(%ls): %lu\n", cmd, GetLastError());
        CloseHandle(rd); CloseHandle(wr);
        return;
    }
    CloseHandle(wr);
    while (len < sizeof(out) - 1 && ReadFile(rd, out + len, sizeof(out) - 1 - len, &got, NULL) && got) len += got;
    out[len] = 0;
    CloseHandle(rd);
    if (WaitForSingleObject(pi.hProcess, 60000) == WAIT_TIMEOUT) TerminateProcess(pi.hProcess, 1);
    GetExitCodeProcess(pi.hProcess, &rc);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    trace("cscript output:\n%s\n", out);

    for (line = out; line && *line; line = next)
    {
        if ((next = strchr(line, '\n'))) *next++ = 0;
        line[strcspn(line, "\r")] = 0;
        if (!strncmp(line, "Test failed: ", 13)) ok(0, "request.js: %s\n", line + 13);
        else if (!strncmp(line, "Tests skipped: ", 15)) skip("request.js: %s\n", line + 15);
        else if (sscanf(line, "request.js: %d passed, %d failed", &p, &f) == 2) ;
        else if (*line) trace("cscript: %s\n", line);
    }
    ok(p >= 0 && f >= 0, "request.js printed its summary line (exit code %lu): %.300s\n", rc, out);
    if (p > 0) test_passed += p;
    ok(f == 0 && rc == 0, "request.js: %d failed, exit code %lu\n", f, rc);
}
