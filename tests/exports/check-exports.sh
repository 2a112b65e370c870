#!/bin/sh
# check-exports BUILD_DIR: reads the export tables of the two winhttp.dll
# builds and checks them against MinGW's import library for winhttp:
#  - x86_64: every name in winhttp.def is exported, nothing else;
#  - i686: the same names, exported undecorated (as Windows' winhttp.dll
#    does), and the stdcall argument size the DLL was built with
#    (_Name@N, from the linker's --output-def) equals the one MinGW's
#    libwinhttp.a expects, so i686 programs linked against it resolve.
build="${1:-build}"
top="$(cd "$(dirname "$0")/../.." && pwd)"
pass=0
fail=0
check() { # check COND-RESULT MESSAGE
    if [ "$1" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $2"; fi
}
exports_of() { # names in a PE export table
    x86_64-w64-mingw32-objdump -p "$1" | awk '
        /^\[Ordinal\/Name Pointer\] Table/ { t = 1; next }
        t && /^\t\[/ { print $NF; next }
        t && !/^\t/ { t = 0 }'
}
want="$(sed -n 's/^[[:space:]]\{1,\}\(\(WinHttp\|Dll\)[A-Za-z0-9]*\).*/\1/p' "$top/dlls/winhttp/winhttp.def" | sort)"
[ -n "$want" ]; check $? "winhttp.def lists no exports"

for arch in x86_64 i386; do
    dll="$build/$arch-windows/winhttp.dll"
    if [ ! -f "$dll" ]; then check 1 "$dll missing"; continue; fi
    got="$(exports_of "$dll" | sort)"
    [ "$got" = "$want" ]; check $? "$arch: exports differ from winhttp.def: $(echo "$got" | tr '\n' ' ')"
    for name in $want; do
        echo "$got" | grep -qx "$name"; check $? "$arch: $name not exported under its plain name"
    done
done

# i686 decorations: what we built vs what MinGW's import library expects
dll32="$build/i386-windows/winhttp.dll"
implib=$(i686-w64-mingw32-gcc -print-file-name=libwinhttp.a)
if [ -f "$dll32" ] && [ -f "$implib" ]; then
    syms=$(i686-w64-mingw32-nm "$dll32" | sed -n 's/.* T _\(\(WinHttp\|Dll\)[A-Za-z0-9]*@[0-9]*\)$/\1/p')
    for name in $want; do
        ours=$(echo "$syms" | grep "^$name@" | head -n 1)
        theirs=$(i686-w64-mingw32-nm "$implib" 2>/dev/null | sed -n "s/.* __imp__\($name@[0-9]*\)$/\1/p" | head -n 1)
        if [ -z "$theirs" ]; then
            # MinGW's import library does not know it (e.g. a newer API): ours must still be stdcall
            echo "$ours" | grep -q "@[0-9]*$"; check $? "i686: $name is not stdcall ($ours)"
        else
            [ "$ours" = "$theirs" ]; check $? "i686: $name built as '$ours', MinGW expects '$theirs'"
        fi
    done
else
    check 1 "missing $dll32 or MinGW's i686 libwinhttp.a"
fi
echo "exports: $pass passed, $fail failed"
[ "$fail" = 0 ]
