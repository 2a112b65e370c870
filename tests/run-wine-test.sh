#!/bin/sh
# run-wine-test.sh --mode ours|builtin --build BUILD_DIR EXE [GROUP...]
# Starts the test peer (tests/peer/server.js, certificates made now), then
# runs each test group of EXE as its own process under Wine, with a
# per-group time limit (GROUP_TIMEOUT, default 120 s):
#   ours:    ./wine-winhttp EXE GROUP  (our winhttp.dll + transport)
#   builtin: wine EXE GROUP with Wine's own winhttp, in a separate prefix;
#            a reference, printed as a table, never a failure.
mode=ours
build=build
while [ $# -gt 0 ]; do
    case "$1" in
    --mode) mode="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    *) break ;;
    esac
done
exe="$1"
[ -n "$exe" ] || { echo "usage: run-wine-test.sh --mode ours|builtin --build DIR EXE [GROUP...]" >&2; exit 2; }
shift
top="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$build" && pwd)"
exe="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"
wine="${WINE:-wine}"
wineserver="${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}"
tmo="${GROUP_TIMEOUT:-120}"
tmp="$(mktemp -d)"
pid=

if [ "$mode" = builtin ]; then
    : "${WINEPREFIX:=$build/wineprefix-builtin}"
    run() { WINEDLLOVERRIDES="winhttp=b" "$wine" "$@"; }
    run_limited() { WINEDLLOVERRIDES="winhttp=b" timeout -k 5 "$tmo" "$wine" "$@"; }
else
    : "${WINEPREFIX:=$build/wineprefix}"
    run() { "$top/wine-winhttp" "$@"; }
    run_limited() { timeout -k 5 "$tmo" "$top/wine-winhttp" "$@"; }
fi
export WINEPREFIX
: "${WINEDEBUG:=-all}"
export WINEDEBUG

cleanup() {
    exec 3>&- 2>/dev/null || true
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    "$wineserver" -k 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the prefix (once)
mkdir -p "$(dirname "$WINEPREFIX")"
(
    flock 9
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        WINEDLLOVERRIDES="mscoree,mshtml=" "$wine" wineboot -i >/dev/null 2>&1
        "$wineserver" -w
    fi
) 9>"$WINEPREFIX.lock"

# the peer
sh "$top/tests/peer/make-certs.sh" "$tmp/certs" || { echo "run-wine-test: certtool failed" >&2; exit 1; }
mkfifo "$tmp/in"
node "$top/tests/peer/server.js" --certs "$tmp/certs" <"$tmp/in" >"$tmp/ports" 2>"$tmp/peer.log" &
pid=$!
exec 3>"$tmp/in"
i=0
while ! grep -q '"ws"' "$tmp/ports" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "run-wine-test: the test peer did not start" >&2; cat "$tmp/peer.log" >&2; exit 1
    fi
    sleep 0.1
done
port() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$tmp/ports"; }
PEER_WS_PORT=$(port ws); PEER_WSS_PORT=$(port wss); PEER_WSS_EXPIRED_PORT=$(port wss_expired)
PEER_WSS_WRONGHOST_PORT=$(port wss_wronghost); PEER_WSS_SELFSIGNED_PORT=$(port wss_selfsigned)
export PEER_WS_PORT PEER_WSS_PORT PEER_WSS_EXPIRED_PORT PEER_WSS_WRONGHOST_PORT PEER_WSS_SELFSIGNED_PORT
SSL_CERT_FILE="$tmp/certs/ca.pem"
export SSL_CERT_FILE

groups="$*"
if [ -z "$groups" ]; then
    groups=$(run "$exe" --list 2>/dev/null | tr -d '\r')
    [ -n "$groups" ] || { echo "run-wine-test: $exe --list printed nothing" >&2; exit 1; }
fi

total_p=0; total_f=0; total_s=0
table=""
for g in $groups; do
    log="$tmp/$g.log"
    start=$(date +%s)
    run_limited "$exe" "$g" >"$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    tr -d '\r' <"$log" >"$log.txt"
    line=$(grep -E "^$g: [0-9]+ passed, [0-9]+ failed" "$log.txt" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    s=$(echo "$line" | sed -n 's/.*, \([0-9]*\) skipped.*/\1/p')
    [ -n "$s" ] || s=0
    status=ok
    if [ -z "$line" ]; then
        p=0; f=1
        if [ $rc = 124 ] || [ $rc = 137 ]; then status="TIMEOUT(${tmo}s)"; else status="CRASH(rc=$rc)"; fi
    elif [ "$f" != 0 ]; then status=FAILED
    fi
    if [ "$status" != ok ] && { [ "$mode" = ours ] || [ -n "$VERBOSE" ]; }; then
        echo "---- $g: $status; failures:"
        grep -E "Test failed|Tests skipped" "$log.txt" | head -n 40
        [ -z "$line" ] && grep -v "^	|^0000" "$log.txt" | head -n 30
    fi
    total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + s))
    table="$table
$(printf '  %-12s %6s %6s %6s  %4ss  %s' "$g" "$p" "$f" "$s" "$secs" "$status")"
done

if [ "$mode" = builtin ]; then
    echo "Reference run: the conformance groups against Wine's builtin winhttp (informative)"
else
    echo "Conformance run: our winhttp.dll"
fi
printf '  %-12s %6s %6s %6s  %5s  %s' group passed failed skipped time status
echo "$table"
if [ "$mode" = builtin ]; then
    echo "reference (Wine builtin winhttp): $total_p of $((total_p + total_f)) checks pass"
    exit 0
fi
echo "conformance: $total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" = 0 ]
