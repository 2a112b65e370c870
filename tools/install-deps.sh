#!/bin/sh
# Installs what building and testing need on Debian 12 (run as root), only
# what is missing, then the 32-bit pieces (tools/install-deps-i386.sh; never
# fatal: without them the i386 tests are skipped with the reason), then the
# test peers' npm packages (tests/package-lock.json).
# --no-i386: leave the 32-bit pieces out.
set -e
start=$(date +%s)
top="$(cd "$(dirname "$0")/.." && pwd)"
need=""
have() { command -v "$1" >/dev/null 2>&1; }
pkg_ok() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

have gcc || need="$need gcc libc6-dev"
have make || need="$need make"
have pkg-config || need="$need pkg-config"
pkg_ok libgnutls28-dev || need="$need libgnutls28-dev"
pkg_ok zlib1g-dev || need="$need zlib1g-dev"
have certtool || need="$need gnutls-bin"
have x86_64-w64-mingw32-gcc || need="$need mingw-w64"
have i686-w64-mingw32-gcc || need="$need mingw-w64"
have wine || need="$need wine"
[ -x /usr/lib/wine/wine64 ] || need="$need wine64"
have winebuild || need="$need wine64-tools"
pkg_ok libwine-dev || need="$need libwine-dev"
have node || need="$need nodejs"
have npm || need="$need npm"
have flock || need="$need util-linux"
have timeout || need="$need coreutils"

if [ -n "$need" ]; then
    echo "install-deps: installing$need"
    export DEBIAN_FRONTEND=noninteractive
    # exits 100 on a stale index (e.g. i386's, see install-deps-i386.sh); the
    # install says whether that matters
    apt-get update -q || echo "install-deps: apt-get update exited with $? (going on)"
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $need
fi
if [ "$1" = --no-i386 ]; then
    echo "install-deps: i386: not installed: --no-i386"
else
    sh "$top/tools/install-deps-i386.sh" || echo "install-deps: i386: not installed: install-deps-i386.sh exited with $?"
fi
echo "install-deps: system packages took $(( $(date +%s) - start )) s"
echo "install-deps: npm packages for the test peers"
cd "$top/tests" && npm ci --no-audit --no-fund --loglevel=error
