#!/bin/sh
# winetest-bundle.sh BUILD_DIR EXE64 [EXE32]: make winetest-bundle.
# Packs what running the conformance tests on a Windows machine takes
# (README "Running the tests on Windows") into BUILD_DIR/winhttp-winetest.zip
# (zip) or, when zip is missing, BUILD_DIR/winhttp-winetest.tar.gz:
#   winhttp-winetest/x86_64/conformance.exe   EXE64
#   winhttp-winetest/i686/conformance.exe     EXE32, when given and built
#   winhttp-winetest/run-tests.cmd            the runner (CRLF)
#   winhttp-winetest/README-WINDOWS.txt       the steps (CRLF)
#   winhttp-winetest/compare-runs.sh          diffs a Wine run with a Windows run
#   winhttp-winetest/peer/                    the test peer: its .js files,
#       make-certs.sh, start-peer.sh, SCENARIOS.md, package.json and
#       package-lock.json (`npm ci` there on the peer host)
# Prints the archive's path on its last line.
set -e
build="$1"; exe64="$2"; exe32="$3"
[ -n "$build" ] && [ -f "$exe64" ] || { echo "usage: winetest-bundle.sh BUILD_DIR EXE64 [EXE32]" >&2; exit 2; }
top="$(cd "$(dirname "$0")/.." && pwd)"
stage="$build/winetest-stage"
name=winhttp-winetest
rm -rf "$stage"
mkdir -p "$stage/$name/x86_64" "$stage/$name/peer"
dir="$stage/$name"
cp "$exe64" "$dir/x86_64/conformance.exe"
if [ -n "$exe32" ] && [ -f "$exe32" ]; then
    mkdir -p "$dir/i686"
    cp "$exe32" "$dir/i686/conformance.exe"
    echo "winetest-bundle: i686 conformance.exe included"
else
    echo "winetest-bundle: i686: not included (${exe32:-no i686 conformance.exe given}${exe32:+ not built})"
fi
crlf() { sed 's/\r*$/\r/' "$1" > "$2"; }
crlf "$top/tools/winetest/run-tests.cmd" "$dir/run-tests.cmd"
crlf "$top/tools/winetest/README-WINDOWS.txt" "$dir/README-WINDOWS.txt"
cp "$top/tools/compare-runs.sh" "$dir/compare-runs.sh"
cp "$top"/tests/peer/*.js "$top/tests/peer/make-certs.sh" "$top/tests/peer/start-peer.sh" \
   "$top/tests/peer/SCENARIOS.md" "$top/tests/package.json" "$top/tests/package-lock.json" "$dir/peer/"
rm -f "$dir/peer/selftest.js"
rm -f "$build/$name.zip" "$build/$name.tar.gz"
if command -v zip >/dev/null 2>&1; then
    out="$build/$name.zip"
    (cd "$stage" && zip -qr "../$name.zip" "$name")
else
    out="$build/$name.tar.gz"
    (cd "$stage" && tar czf "../$name.tar.gz" "$name")
fi
rm -rf "$stage"
echo "winetest-bundle: $(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
