#!/bin/sh
# make check-install: make install / uninstall and make install-prefix /
# uninstall-prefix end to end, without root and without touching the system
# Wine: a private Wine tree (a copy of the wine64 loader and of ntdll.so,
# everything else symlinked -- Wine finds its dll directories relative to the
# loader) stands in for it (make ... DESTDIR=tree).  Programs are started as
# launchers start them: `env -i PATH HOME WINEPREFIX wine PROGRAM.exe`, with
# no WINEDLLOVERRIDES and no WINEDLLPATH.  Which winhttp a program got is
# read from WINEDEBUG=+winhttp: ours prints "winhttp.dll (winhttp-wine
# VERSION) loaded" first, Wine's builtin prints other winhttp traces.
# 32-bit (unless configure's I386_RUN_SKIP says why not): the tree also gets
# the i386 loader and Wine's i386 dll directory (ntdll.so and winhttp.dll
# copied), and every step is checked with the i686 demo too (Wine's i386
# winhttp.dll replaced and restored, syswow64 for install-prefix).
# Ends with "N passed, N failed".
build="${1:-build}"
top="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$top" || exit 2
case "$build" in /*) ;; *) build="$top/$build" ;; esac

mkvar() { sed -n "s/^$1 *= *//p" "$top/Makefile" | head -n 1; }
WINEDIR=$(mkvar WINEDIR)
LOADER=$(mkvar WINE64_LOADER)
VERSION=$(mkvar VERSION)
I386_RUN_SKIP=$(mkvar I386_RUN_SKIP)
I386_CONF_SKIP=$I386_RUN_SKIP
WINEDIR32=$(mkvar WINEDIR32)
# the i386 loader, beside wine64 on Debian (/usr/lib/wine/wine): copied into
# the tree too, so 32-bit programs find the tree's i386 dll directory
LOADER32="$(dirname "$LOADER")/wine"
if [ -z "$I386_RUN_SKIP" ]; then
    if [ -z "$WINEDIR32" ] || [ ! -d "$WINEDIR32/i386-windows" ]; then I386_RUN_SKIP="Wine's i386 dll directory not found"
    elif ! od -An -tx1 -j4 -N1 "$LOADER32" 2>/dev/null | grep -q 01; then I386_RUN_SKIP="no i386 loader at $LOADER32"
    elif [ ! -f "$build/demo/i386/wsdemo.exe" ]; then I386_RUN_SKIP="$build/demo/i386/wsdemo.exe not built"
    fi
fi
pass=0
fail=0
skip() { echo "install: skipped: $*"; echo "0 passed, 0 failed"; exit 0; }
check() {  # check DESCRIPTION COMMAND...
    d="$1"; shift
    if "$@"; then pass=$((pass + 1)); echo "ok: $d"; else fail=$((fail + 1)); echo "FAIL: $d"; fi
}

[ -n "$WINEDIR" ] && [ -d "$WINEDIR/x86_64-windows" ] || skip "Wine's dll directory not found by configure"
[ -n "$LOADER" ] && [ -x "$LOADER" ] || skip "the wine64 loader not found by configure"
sysdll="$WINEDIR/x86_64-windows/winhttp.dll"
if grep -q "winhttp-wine" "$sysdll" 2>/dev/null; then
    skip "$sysdll is this project's (installed system-wide): 'make uninstall' first"
fi

work="$build/install-test"
R="$work/root"          # the private Wine tree, used as DESTDIR
P="$work/prefix"
T="$work/tmp"
rm -rf "$work"
mkdir -p "$R" "$T" "$work/home" || exit 2
pid=
cleanup() {
    exec 3>&- 2>/dev/null || true
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    WINEPREFIX="$P" "$R$(dirname "$LOADER")/wineserver" -k 2>/dev/null
}
trap cleanup EXIT INT TERM

# ---- the private Wine tree
L="$R$LOADER"
mkdir -p "$(dirname "$L")" "$R$WINEDIR" "$R/bin"
for f in "$(dirname "$LOADER")"/*; do ln -s "$f" "$R$f"; done
rm -f "$L"; cp -p "$LOADER" "$L"
share="$(dirname "$LOADER")/../../share/wine"     # Wine's data dir, relative to the loader
if [ -d "$share" ]; then mkdir -p "$R$(dirname "$LOADER")/../../share"; ln -s "$(readlink -f "$share")" "$R$(dirname "$LOADER")/../../share/wine"; fi
# mirror DIR ARCH: DIR's ARCH-windows and ARCH-unix as directories of links
# (without our whnet.*), the rest linked; ntdll.so and winhttp.dll copied
mirror() {
    mkdir -p "$R$1"
    for e in "$1"/*; do
        n=$(basename "$e")
        case "$n" in
        "$2-windows"|"$2-unix")
            mkdir "$R$1/$n"
            for f in "$e"/*; do
                case "$(basename "$f")" in whnet.*) continue ;; esac
                ln -s "$f" "$R$1/$n/"
            done ;;
        *) ln -s "$e" "$R$1/$n" ;;
        esac
    done
    for f in "$2-unix/ntdll.so" "$2-windows/winhttp.dll"; do   # copies, not links
        rm -f "$R$1/$f"; cp -p "$1/$f" "$R$1/$f"
    done
}
mirror "$WINEDIR" x86_64
if [ -z "$I386_RUN_SKIP" ]; then
    mirror "$WINEDIR32" i386
    rm -f "$R$LOADER32"; cp -p "$LOADER32" "$R$LOADER32"
fi
printf '#!/bin/sh\nexec "%s" "$@"\n' "$L" >"$R/bin/wine"
chmod +x "$R/bin/wine"
wine="$R/bin/wine"
D="$R$WINEDIR"
D32="$R$WINEDIR32"
snapshot() {  # names, link targets and checksums of the tree's dll dirs
    (cd "$D" && for f in x86_64-windows/* x86_64-unix/*; do
        if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f $(sha256sum <"$f" | cut -c1-64)"; fi
    done)
    [ -n "$I386_RUN_SKIP" ] || (cd "$D32" && for f in i386-windows/* i386-unix/*; do
        if [ -L "$f" ]; then echo "32: $f -> $(readlink "$f")"; else echo "32: $f $(sha256sum <"$f" | cut -c1-64)"; fi
    done)
}
snapshot >"$T/tree.before"
cp -p "$D/x86_64-windows/winhttp.dll" "$T/winhttp.wine"
syssum=$(sha256sum <"$sysdll")
if [ -z "$I386_RUN_SKIP" ]; then
    cp -p "$D32/i386-windows/winhttp.dll" "$T/winhttp32.wine"
    sysdll32="$WINEDIR32/i386-windows/winhttp.dll"
    syssum32=$(sha256sum <"$sysdll32")
fi

# ---- a prefix of the private tree, and the test peer
echo "install: private Wine tree $R, prefix $P"
env -i PATH="$R/bin:/usr/bin:/bin" HOME="$work/home" WINEPREFIX="$P" WINEDEBUG=-all \
    WINEDLLOVERRIDES="mscoree,mshtml=" "$wine" wineboot -i >"$T/wineboot.log" 2>&1
WINEPREFIX="$P" "$R$(dirname "$LOADER")/wineserver" -w
[ -f "$P/system.reg" ] || { cat "$T/wineboot.log"; echo "install: wineboot failed"; echo "0 passed, 1 failed"; exit 1; }
sys32="$P/drive_c/windows/system32"
cp -p "$sys32/winhttp.dll" "$T/winhttp.prefix"
wow="$P/drive_c/windows/syswow64"
if [ -z "$I386_RUN_SKIP" ]; then
    if [ -f "$wow/winhttp.dll" ]; then cp -p "$wow/winhttp.dll" "$T/winhttp32.prefix"
    else I386_RUN_SKIP="the tree's wineboot made no syswow64/winhttp.dll"; fi
fi

sh tests/peer/make-certs.sh "$T/certs" >/dev/null 2>&1
mkfifo "$T/in"
node tests/peer/server.js --certs "$T/certs" <"$T/in" >"$T/ports" 2>"$T/peer.log" &
pid=$!
exec 3>"$T/in"
i=0
while ! grep -q '"wss"' "$T/ports" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then cat "$T/peer.log"; echo "install: the peer did not start"; echo "0 passed, 1 failed"; exit 1; fi
    sleep 0.1
done
ws=$(sed -n 's/.*"ws":\([0-9]*\).*/\1/p' "$T/ports")
wss=$(sed -n 's/.*"wss":\([0-9]*\).*/\1/p' "$T/ports")

# demo NAME URL [VAR=VALUE]: the demo as a launcher starts it; output in $T/NAME.{out,err}
# (demo32: the i686 build of it, a 32-bit program)
demo_exe="$build/demo/wsdemo.exe"
demo32() {
    demo_exe="$build/demo/i386/wsdemo.exe"; demo "$@"; r=$?
    demo_exe="$build/demo/wsdemo.exe"; return $r
}
i386() { [ -z "$I386_RUN_SKIP" ]; }
demo() {
    n="$1"; u="$2"; shift 2
    env -i PATH="$R/bin:/usr/bin:/bin" HOME="$work/home" WINEPREFIX="$P" WINEDEBUG=+winhttp "$@" \
        timeout 60 "$wine" "$demo_exe" "$u" >"$T/$n.out" 2>"$T/$n.err"
    grep -q '^closed: server status 1000' "$T/$n.out" || { echo "-- $n:"; tail -n 5 "$T/$n.out" "$T/$n.err"; return 1; }
}
ours() { grep -q "winhttp.dll (winhttp-wine $VERSION) loaded" "$T/$1.err"; }
builtin() { ! ours "$1" && grep -q 'trace:winhttp:' "$T/$1.err"; }
mk() { make -s --no-print-directory -C "$top" "$@" >>"$T/make.log" 2>&1; }
same() { cmp -s "$1" "$2"; }
fails() { ! "$@"; }
gone() { [ ! -e "$1" ]; }
override() { WINEPREFIX="$P" WINEDEBUG=-all "$wine" reg query 'HKCU\Software\Wine\DllOverrides' /v winhttp 2>/dev/null | tr -d '\r' | awk '$1 == "winhttp" { print $3 }'; }
is_override() { [ "$(override)" = "$1" ]; }

# ---- before: Wine's builtin
check "before install: the demo passes (ws)" demo before "ws://127.0.0.1:$ws/echo"
check "before install: the program got Wine's builtin winhttp" builtin before
if i386; then
    check "i386: before install: the 32-bit demo passes (ws)" demo32 before32 "ws://127.0.0.1:$ws/echo"
    check "i386: before install: it got Wine's builtin winhttp" builtin before32
fi

# ---- install-prefix refuses while the transport is not in Wine's dll dir
check "install-prefix without the transport fails" fails mk install-prefix DESTDIR="$R" WINE="$wine" WINEPREFIX="$P"
check "... and says why" grep -q "make install-transport" "$T/make.log"
check "... and leaves system32 alone" same "$sys32/winhttp.dll" "$T/winhttp.prefix"

# ---- make install (every prefix of that Wine)
check "make install DESTDIR=tree" mk install DESTDIR="$R"
check "Wine's winhttp.dll replaced by ours (builtin-marked)" same "$D/x86_64-windows/winhttp.dll" "$build/install/x86_64-windows/winhttp.dll"
check "transport beside it" same "$D/x86_64-unix/whnet.so" "$build/lib/x86_64-unix/whnet.so"
check "Wine's original kept aside" same "$D/winhttp-wine-orig/x86_64-windows/winhttp.dll" "$T/winhttp.wine"
check "make install again" mk install DESTDIR="$R"
check "... keeps Wine's original" same "$D/winhttp-wine-orig/x86_64-windows/winhttp.dll" "$T/winhttp.wine"
check "installed: the demo passes (ws, env -i)" demo sys-ws "ws://127.0.0.1:$ws/echo"
check "installed: the program got ours (trace names winhttp-wine $VERSION)" ours sys-ws
check "installed: the demo passes (wss, env -i + SSL_CERT_FILE)" demo sys-wss "wss://localhost:$wss/echo" SSL_CERT_FILE="$T/certs/ca.pem"
check "installed: ours again" ours sys-wss
if i386; then
    check "i386: Wine's winhttp.dll replaced by ours (builtin-marked)" same "$D32/i386-windows/winhttp.dll" "$build/install/i386-windows/winhttp.dll"
    check "i386: transport beside it (whnet.dll)" same "$D32/i386-windows/whnet.dll" "$build/lib/i386-windows/whnet.dll"
    check "i386: transport beside it (whnet.so)" same "$D32/i386-unix/whnet.so" "$build/lib/i386-unix/whnet.so"
    check "i386: Wine's original kept aside" same "$D32/winhttp-wine-orig/i386-windows/winhttp.dll" "$T/winhttp32.wine"
    check "i386: installed: the 32-bit demo passes (ws, env -i)" demo32 sys32-ws "ws://127.0.0.1:$ws/echo"
    check "i386: installed: it got ours" ours sys32-ws
    check "i386: installed: the 32-bit demo passes (wss, env -i + SSL_CERT_FILE)" demo32 sys32-wss "wss://localhost:$wss/echo" SSL_CERT_FILE="$T/certs/ca.pem"
    check "i386: installed: ours again" ours sys32-wss
fi
check "make uninstall" mk uninstall DESTDIR="$R"
check "Wine's winhttp.dll back, byte for byte" same "$D/x86_64-windows/winhttp.dll" "$T/winhttp.wine"
check "transport removed" gone "$D/x86_64-unix/whnet.so"
check "nothing kept aside any more" gone "$D/winhttp-wine-orig"
check "uninstalled: the demo passes (ws)" demo sys-after "ws://127.0.0.1:$ws/echo"
check "uninstalled: the program got Wine's builtin again" builtin sys-after
if i386; then
    check "i386: Wine's winhttp.dll back, byte for byte" same "$D32/i386-windows/winhttp.dll" "$T/winhttp32.wine"
    check "i386: transport removed" gone "$D32/i386-unix/whnet.so"
    check "i386: nothing kept aside any more" gone "$D32/winhttp-wine-orig"
    check "i386: uninstalled: the 32-bit demo passes (ws)" demo32 sys32-after "ws://127.0.0.1:$ws/echo"
    check "i386: uninstalled: it got Wine's builtin again" builtin sys32-after
fi

# ---- make install-prefix (one prefix)
check "make install-transport" mk install-transport DESTDIR="$R"
check "... leaves Wine's winhttp.dll alone" same "$D/x86_64-windows/winhttp.dll" "$T/winhttp.wine"
if i386; then
    check "i386: install-transport put whnet.so in Wine's i386 dir" same "$D32/i386-unix/whnet.so" "$build/lib/i386-unix/whnet.so"
    check "i386: ... and left Wine's i386 winhttp.dll alone" same "$D32/i386-windows/winhttp.dll" "$T/winhttp32.wine"
fi
check "make install-prefix" mk install-prefix DESTDIR="$R" WINE="$wine" WINEPREFIX="$P"
check "winhttp=native in HKCU\\Software\\Wine\\DllOverrides" is_override native
check "our winhttp.dll in system32" same "$sys32/winhttp.dll" "$build/x86_64-windows/winhttp.dll"
check "make install-prefix again" mk install-prefix DESTDIR="$R" WINE="$wine" WINEPREFIX="$P"
check "... keeps the prefix's original" same "$P/winhttp-wine-orig/drive_c/windows/system32/winhttp.dll" "$T/winhttp.prefix"
check "prefix: the demo passes (ws, env -i)" demo pfx-ws "ws://127.0.0.1:$ws/echo"
check "prefix: the program got ours" ours pfx-ws
check "prefix: the demo passes (wss, env -i + SSL_CERT_FILE)" demo pfx-wss "wss://localhost:$wss/echo" SSL_CERT_FILE="$T/certs/ca.pem"
check "prefix: ours again" ours pfx-wss
if i386; then
    check "i386: our winhttp.dll in syswow64" same "$wow/winhttp.dll" "$build/i386-windows/winhttp.dll"
    check "i386: ... and the prefix's original kept" same "$P/winhttp-wine-orig/drive_c/windows/syswow64/winhttp.dll" "$T/winhttp32.prefix"
    check "i386: prefix: the 32-bit demo passes (ws, env -i)" demo32 pfx32-ws "ws://127.0.0.1:$ws/echo"
    check "i386: prefix: it got ours" ours pfx32-ws
    check "i386: prefix: the 32-bit demo passes (wss, env -i + SSL_CERT_FILE)" demo32 pfx32-wss "wss://localhost:$wss/echo" SSL_CERT_FILE="$T/certs/ca.pem"
    check "i386: prefix: ours again" ours pfx32-wss
fi
check "make uninstall-prefix" mk uninstall-prefix WINE="$wine" WINEPREFIX="$P"
check "override removed" is_override ""
check "the prefix's winhttp.dll back, byte for byte" same "$sys32/winhttp.dll" "$T/winhttp.prefix"
check "whnet.dll gone from system32" gone "$sys32/whnet.dll"
check "after uninstall-prefix: the demo passes (ws)" demo pfx-after "ws://127.0.0.1:$ws/echo"
check "after uninstall-prefix: Wine's builtin again" builtin pfx-after
if i386; then
    check "i386: syswow64's winhttp.dll back, byte for byte" same "$wow/winhttp.dll" "$T/winhttp32.prefix"
    check "i386: whnet.dll gone from syswow64" gone "$wow/whnet.dll"
    check "i386: after uninstall-prefix: the 32-bit demo passes (ws)" demo32 pfx32-after "ws://127.0.0.1:$ws/echo"
    check "i386: after uninstall-prefix: Wine's builtin again" builtin pfx32-after
fi
check "make uninstall (the transport)" mk uninstall DESTDIR="$R"
check "make uninstall again is harmless" mk uninstall DESTDIR="$R"
check "make uninstall-prefix again is harmless" mk uninstall-prefix WINE="$wine" WINEPREFIX="$P"
check "... and leaves the prefix's winhttp.dll alone" same "$sys32/winhttp.dll" "$T/winhttp.prefix"
snapshot >"$T/tree.after"
check "the Wine tree is as it was (names, links, bytes)" same "$T/tree.before" "$T/tree.after"
check "the system Wine's winhttp.dll untouched" [ "$(sha256sum <"$sysdll")" = "$syssum" ]
if i386; then
    check "i386: the system Wine's i386 winhttp.dll untouched" [ "$(sha256sum <"$sysdll32")" = "$syssum32" ]
elif [ -z "$I386_SKIP_QUIET" ] || [ "$I386_RUN_SKIP" != "$I386_CONF_SKIP" ]; then
    # (make check prints configure's reason once itself)
    echo "install: i386: skipped: $I386_RUN_SKIP"
fi
[ "$fail" = 0 ] || { echo "-- make output:"; tail -n 30 "$T/make.log"; }
echo "install: $pass passed, $fail failed"
[ "$fail" = 0 ]
