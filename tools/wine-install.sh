#!/bin/sh
# tools/wine-install.sh ACTION -- what make install, install-transport,
# uninstall, install-prefix and uninstall-prefix run (README "Installing",
# docs/INSTALL-DESIGN.md).  Environment, from the Makefile: BUILD, WINEDIR,
# WINEDIR32, DESTDIR, WINE, WINEPREFIX, I386_SKIP (why the i386 files are
# not installed; empty when they are).
#
# Every file we put in place is recorded with its checksum in a manifest
# (STATE/installed: "relative-path sha256"); the file it replaced is kept
# as STATE/relative-path, or STATE/relative-path.absent says there was none.
# Uninstalling puts each original back byte for byte.  Installing again is
# harmless: a file that still holds what we installed keeps its saved
# original; one changed since (a Wine upgrade) is saved anew.
set -e
action="$1"
build="${BUILD:-build}"
me="wine-install"

die() { echo "$me: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# recorded ROOT REL: the checksum we installed at ROOT/REL last time, if any
recorded() {
    [ -f "$1/winhttp-wine-orig/installed" ] || return 0
    awk -v r="$2" '$1 == r { print $2 }' "$1/winhttp-wine-orig/installed"
}

# put_file ROOT REL SRC: install SRC as ROOT/REL, keeping what was there aside
put_file() {
    root="$1"; rel="$2"; src="$3"
    state="$root/winhttp-wine-orig"
    dst="$root/$rel"; bak="$state/$rel"
    new=$(sha "$src")
    old=$(recorded "$root" "$rel")
    mkdir -p "$(dirname "$bak")" "$(dirname "$dst")"
    if [ -f "$dst" ]; then
        cur=$(sha "$dst")
        if [ "$cur" != "$old" ] && [ "$cur" != "$new" ]; then
            # not ours: Wine's file (first install, or Wine replaced ours since)
            cp -p "$dst" "$bak.tmp" && mv -f "$bak.tmp" "$bak"
            rm -f "$bak.absent"
        fi
    elif [ ! -f "$bak" ] && [ ! -f "$bak.absent" ]; then
        : >"$bak.absent"
    fi
    if ! cmp -s "$src" "$dst"; then
        # a new file renamed over the old one: never write through a link
        cp "$src" "$dst.winhttp-wine.tmp"
        chmod 644 "$dst.winhttp-wine.tmp"
        mv -f "$dst.winhttp-wine.tmp" "$dst"
    fi
    { [ -f "$state/installed" ] && awk -v r="$rel" '$1 != r' "$state/installed"; echo "$rel $new"; } \
        >"$state/installed.tmp"
    mv -f "$state/installed.tmp" "$state/installed"
    echo "$me: $dst"
}

# restore_all ROOT: put back every original recorded under ROOT
restore_all() {
    root="$1"; state="$root/winhttp-wine-orig"
    if [ ! -f "$state/installed" ]; then
        echo "$me: nothing of ours recorded in $root"
        return 0
    fi
    while read -r rel sum; do
        dst="$root/$rel"; bak="$state/$rel"
        if [ -f "$dst" ] && [ "$(sha "$dst")" != "$sum" ]; then
            echo "$me: $dst changed since we installed it (a Wine upgrade?): left as it is"
        elif [ -f "$bak" ]; then
            cp -p "$bak" "$dst.winhttp-wine.tmp" && mv -f "$dst.winhttp-wine.tmp" "$dst"
            echo "$me: $dst: original put back"
        elif [ -f "$bak.absent" ]; then
            rm -f "$dst"
            echo "$me: $dst: removed"
        else
            echo "$me: $dst: no original kept, left as it is"
        fi
        rm -f "$bak" "$bak.absent"
    done <"$state/installed"
    rm -f "$state/installed" "$state/dlloverride" "$state/dlloverride.absent"
    find "$state" -depth -type d -empty -delete 2>/dev/null || true
}

wine_root() {
    [ -n "$WINEDIR" ] || die "Wine's dll directory is unknown: make $action WINEDIR=DIR (the directory holding x86_64-windows/ and x86_64-unix/), or ./configure --with-wine-libdir=DIR"
    root="$DESTDIR$WINEDIR"
    [ -d "$root/x86_64-windows" ] || die "$root/x86_64-windows: no such directory (is WINEDIR right?)"
    echo "$root"
}

i386_note() {
    if [ -n "$I386_SKIP" ]; then
        echo "$me: i386: skipped: $I386_SKIP"
        return 1
    fi
    return 0
}

install_transport() {
    root="$1"
    put_file "$root" x86_64-windows/whnet.dll "$build/lib/x86_64-windows/whnet.dll"
    put_file "$root" x86_64-unix/whnet.so "$build/lib/x86_64-unix/whnet.so"
}

# wine_root32: Wine's i386 dll directory (under DESTDIR), or nothing
wine_root32() {
    [ -n "$WINEDIR32" ] || return 0
    [ -d "$DESTDIR$WINEDIR32/i386-windows" ] || return 0
    echo "$DESTDIR$WINEDIR32"
}

# install_transport32: the i386 whnet.dll + whnet.so; status 1 when skipped
install_transport32() {
    i386_note || return 1
    root32=$(wine_root32)
    [ -n "$root32" ] || { echo "$me: i386: skipped: Wine's i386 dll directory ($DESTDIR$WINEDIR32) not found"; return 1; }
    put_file "$root32" i386-windows/whnet.dll "$build/lib/i386-windows/whnet.dll"
    put_file "$root32" i386-unix/whnet.so "$build/lib/i386-unix/whnet.so"
}

install_i386() {
    install_transport32 || return 0
    put_file "$root32" i386-windows/winhttp.dll "$build/install/i386-windows/winhttp.dll"
}

# the value of HKCU\Software\Wine\DllOverrides\winhttp in WINEPREFIX, if set
reg_key='HKCU\Software\Wine\DllOverrides'
get_override() {
    WINEDEBUG=-all "$WINE" reg query "$reg_key" /v winhttp 2>/dev/null | tr -d '\r' |
        awk '$1 == "winhttp" && $2 == "REG_SZ" { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }'
}
set_override() {
    WINEDEBUG=-all "$WINE" reg add "$reg_key" /v winhttp /t REG_SZ /d "$1" /f >/dev/null 2>&1 ||
        die "could not write $reg_key\\winhttp in $WINEPREFIX"
}

prefix_check() {
    [ -n "$WINEPREFIX" ] || die "say which prefix: make $action WINEPREFIX=/path/to/prefix"
    export WINEPREFIX
    unset WINEDLLOVERRIDES
}

case "$action" in
install)
    wroot=$(wine_root)   # (put_file sets $root)
    install_transport "$wroot"
    put_file "$wroot" x86_64-windows/winhttp.dll "$build/install/x86_64-windows/winhttp.dll"
    install_i386
    echo "$me: installed into $wroot: every prefix of this Wine now uses this winhttp (make uninstall undoes it)"
    ;;
install-transport)
    wroot=$(wine_root)
    install_transport "$wroot"
    install_transport32 || true
    echo "$me: transport installed into $wroot (Wine's own winhttp.dll untouched)"
    ;;
uninstall)
    root=$(wine_root)
    restore_all "$root"
    root32=$(wine_root32)
    if [ -n "$root32" ]; then restore_all "$root32"; fi
    ;;
install-prefix)
    prefix_check
    root=$(wine_root)
    for f in x86_64-windows/whnet.dll x86_64-unix/whnet.so; do
        src="$build/lib/$f"
        cmp -s "$src" "$root/$f" ||
            die "$root/$f is missing or not this build's: the prefix's winhttp.dll finds its Unix side there; run 'make install-transport' (as root) first"
    done
    wow=
    if [ -z "$I386_SKIP" ] && root32=$(wine_root32) && [ -n "$root32" ]; then
        wow=1
        for f in i386-windows/whnet.dll i386-unix/whnet.so; do
            cmp -s "$build/lib/$f" "$root32/$f" ||
                die "$root32/$f is missing or not this build's: 32-bit programs find the Unix side there; run 'make install-transport' (as root) first"
        done
    fi
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        echo "$me: creating the prefix $WINEPREFIX"
        WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" "$WINE" wineboot -i >/dev/null 2>&1 || true
    fi
    sys32="drive_c/windows/system32"
    [ -d "$WINEPREFIX/$sys32" ] || die "$WINEPREFIX is not a usable Wine prefix (no $sys32)"
    put_file "$WINEPREFIX" "$sys32/winhttp.dll" "$build/x86_64-windows/winhttp.dll"
    put_file "$WINEPREFIX" "$sys32/whnet.dll" "$build/lib/x86_64-windows/whnet.dll"
    # a WoW64 prefix: the i386 DLLs in syswow64 (the same override covers both)
    if [ -d "$WINEPREFIX/drive_c/windows/syswow64" ] && i386_note; then
        if [ -n "$wow" ]; then
            put_file "$WINEPREFIX" drive_c/windows/syswow64/winhttp.dll "$build/i386-windows/winhttp.dll"
            put_file "$WINEPREFIX" drive_c/windows/syswow64/whnet.dll "$build/lib/i386-windows/whnet.dll"
        else
            echo "$me: i386: skipped: Wine's i386 dll directory ($DESTDIR$WINEDIR32) not found"
        fi
    fi
    state="$WINEPREFIX/winhttp-wine-orig"
    if [ ! -f "$state/dlloverride" ] && [ ! -f "$state/dlloverride.absent" ]; then
        prev=$(get_override)
        if [ -n "$prev" ]; then printf '%s\n' "$prev" >"$state/dlloverride"; else : >"$state/dlloverride.absent"; fi
    fi
    set_override native
    echo "$me: $WINEPREFIX: winhttp=native in $reg_key; programs in this prefix use this winhttp (make uninstall-prefix undoes it)"
    ;;
uninstall-prefix)
    prefix_check
    state="$WINEPREFIX/winhttp-wine-orig"
    cur=$(get_override)
    if [ "$cur" != native ] && { [ -f "$state/dlloverride" ] || [ -f "$state/dlloverride.absent" ]; }; then
        echo "$me: $reg_key\\winhttp is \"$cur\" now, not ours: left as it is"
    elif [ -f "$state/dlloverride" ]; then
        set_override "$(cat "$state/dlloverride")"
        echo "$me: $reg_key\\winhttp: back to \"$(cat "$state/dlloverride")\""
    elif [ -f "$state/dlloverride.absent" ]; then
        WINEDEBUG=-all "$WINE" reg delete "$reg_key" /v winhttp /f >/dev/null 2>&1 ||
            die "could not remove $reg_key\\winhttp"
        echo "$me: $reg_key\\winhttp: removed"
    fi
    restore_all "$WINEPREFIX"
    ;;
*)
    die "usage: wine-install.sh install|install-transport|uninstall|install-prefix|uninstall-prefix"
    ;;
esac
