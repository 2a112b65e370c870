#!/bin/sh
# make demo: start the local test peer (echo server on 127.0.0.1, plain and
# TLS), then run demo/wsdemo.c through ./wine-winhttp against both.
# run-demo.sh [BUILD_DIR [EXE]]: EXE is BUILD_DIR/demo/wsdemo.exe unless given
# (make demo-i386 passes the i686 build).
set -e
build="${1:-build}"
exe="${2:-$build/demo/wsdemo.exe}"
top="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
pid=
cleanup() {
    exec 3>&- 2>/dev/null || true
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    "${WINESERVER:-wineserver}" -k 2>/dev/null || /usr/lib/wine/wineserver -k 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

sh "$top/tests/peer/make-certs.sh" "$tmp/certs"
mkfifo "$tmp/in"
node "$top/tests/peer/server.js" --certs "$tmp/certs" <"$tmp/in" >"$tmp/ports" 2>"$tmp/peer.log" &
pid=$!
exec 3>"$tmp/in"     # the peer runs until this closes
i=0
while ! grep -q '"ws"' "$tmp/ports" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 200 ]; then echo "demo: the echo server did not start" >&2; cat "$tmp/peer.log" >&2; exit 1; fi
    sleep 0.1
done
ws=$(sed -n 's/.*"ws":\([0-9]*\).*/\1/p' "$tmp/ports")
wss=$(sed -n 's/.*"wss":\([0-9]*\).*/\1/p' "$tmp/ports")

echo "== $exe ws://127.0.0.1:$ws/echo"
"$top/wine-winhttp" "$exe" "ws://127.0.0.1:$ws/echo"
echo "== $exe wss://localhost:$wss/echo (certificate from a test CA made just now)"
SSL_CERT_FILE="$tmp/certs/ca.pem" "$top/wine-winhttp" "$exe" "wss://localhost:$wss/echo"
echo "demo: ok"
