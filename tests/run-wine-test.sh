#!/bin/sh
# run-wine-test.sh --mode ours|builtin --build BUILD_DIR EXE [GROUP...]
#
# Makes test certificates, starts the test peer (tests/peer/server.js), then
# runs each test group of EXE as its own process under Wine, with a
# per-group time limit (GROUP_TIMEOUT, default 120 s), so a crash or a hang
# in one group cannot hide the others.  Groups come from `EXE --list` unless
# given on the command line.
#   ours:    ./wine-winhttp EXE GROUP  (our winhttp.dll + transport); the
#            last line is "conformance: N passed, N failed" and the exit
#            status is non-zero when anything failed.
#   builtin: wine EXE GROUP with Wine's own winhttp (WINEDLLOVERRIDES=winhttp=b)
#            in a separate prefix (BUILD_DIR/wineprefix-builtin by default);
#            a reference only: always exits 0.
# Environment: WINE, WINESERVER, NODE, WINEPREFIX, GROUP_TIMEOUT, VERBOSE, KEEP_LOGS (a
# directory to keep each group's whole output in, with TEST_SITES set),
# (also show failures in builtin mode), PEER_SPLIT_SEED.
#
# The peer checks every frame the client sends (tests/peer/validator.js).
# ours: after each group the runner reads the peer's list (GET /violations);
#       every violation counts as a failed check of that group, and the run
#       ends with "peer-validation: N violations in M frames from K
#       connections" before the closing line.  The peer also cuts what it
#       sends on WebSocket connections at random points: PEER_SPLIT_SEED=N
#       (printed as "peer: split seed N") repeats a run's cuts, a new seed is
#       drawn when it is unset, PEER_SPLIT_SEED=off turns cutting off.
# builtin: the violation count is printed, for information.
mode=ours
build=build
while [ $# -gt 0 ]; do
    case "$1" in
    --mode) mode="$2"; shift 2 ;;
    --mode=*) mode="${1#--mode=}"; shift ;;
    --build) build="$2"; shift 2 ;;
    --build=*) build="${1#--build=}"; shift ;;
    --) shift; break ;;
    -*) echo "run-wine-test: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
usage() { echo "usage: run-wine-test.sh --mode ours|builtin --build BUILD_DIR EXE [GROUP...]" >&2; exit 2; }
case "$mode" in ours|builtin) ;; *) usage ;; esac
exe="$1"
[ -n "$exe" ] || usage
shift

top="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$build" || exit 2
build="$(cd "$build" && pwd)"
[ -f "$exe" ] || { echo "run-wine-test: $exe not found" >&2; [ "$mode" = builtin ] && exit 0; exit 1; }
exe="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"
wine="${WINE:-wine}"
if [ -n "$WINESERVER" ]; then wineserver="$WINESERVER"
elif command -v wineserver >/dev/null 2>&1; then wineserver=wineserver
elif [ -x /usr/lib/wine/wineserver ]; then wineserver=/usr/lib/wine/wineserver
elif [ -x /usr/lib/wine/wineserver64 ]; then wineserver=/usr/lib/wine/wineserver64
else wineserver=wineserver
fi
node="${NODE:-node}"
tmo="${GROUP_TIMEOUT:-120}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/run-wine-test.XXXXXX")" || exit 2
pid=
wine_used=

# at exit: stop the peer (close its stdin, then kill), stop this prefix's wineserver
cleanup() {
    exec 3>&- 2>/dev/null
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    # and wait until it is gone: a dying server meets the next program
    [ -n "$wine_used" ] && { "$wineserver" -k >/dev/null 2>&1; "$wineserver" -w >/dev/null 2>&1; }
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# fatal MESSAGE: gives up (in builtin mode still exit 0: a reference never fails the build)
fatal() {
    echo "run-wine-test: $*" >&2
    if [ "$mode" = builtin ]; then
        echo "reference (Wine builtin winhttp): not run ($*)"
        exit 0
    fi
    echo "conformance: 0 passed, 1 failed"
    exit 1
}

if [ "$mode" = builtin ]; then
    : "${WINEPREFIX:=$build/wineprefix-builtin}"
    WINEDLLOVERRIDES="winhttp=b"
    WINEDEBUG=-all
    export WINEDLLOVERRIDES
else
    : "${WINEPREFIX:=$build/wineprefix}"
    : "${WINEDEBUG:=-all}"
    [ -x "$top/wine-winhttp" ] || [ -f "$top/wine-winhttp" ] || fatal "$top/wine-winhttp not found (run configure)"
fi
export WINEPREFIX WINEDEBUG
# whnet.so's test hook (dlls/winhttp/transport/resolve.c): names ending in
# .slow.test resolve this much later, as the name without the suffix
: "${WHNET_TEST_RESOLVE_DELAY_MS:=6000}"
export WHNET_TEST_RESOLVE_DELAY_MS
wine_used=1
# kept logs get the per-check "site:" lines (tools/compare-runs.sh)
[ -n "$KEEP_LOGS" ] && { TEST_SITES=1; export TEST_SITES; }

# the prefix, once, before any group runs (so its creation does not eat a
# group's time); same lock file as ./wine-winhttp
mkdir -p "$(dirname "$WINEPREFIX")"
(
    flock 9
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        echo "run-wine-test: creating $WINEPREFIX" >&2
        WINEDLLOVERRIDES="mscoree,mshtml=" "$wine" wineboot -i >/dev/null 2>&1
        "$wineserver" -w
    fi
) 9>"$WINEPREFIX.lock"
[ -f "$WINEPREFIX/system.reg" ] || fatal "could not create the prefix $WINEPREFIX"

# the peer: certificates, then server.js; its stdin is a fifo we hold open,
# so it ends when this script does
sh "$top/tests/peer/make-certs.sh" "$tmp/certs" || fatal "make-certs.sh failed"
case "$PEER_SPLIT_SEED" in
off) unset PEER_SPLIT_SEED ;;
'') [ "$mode" = ours ] && PEER_SPLIT_SEED=$(( ($$ * 7919 + $(date +%s) % 1000003 * 4099) % 2147483647 + 1 )) ;;
*[!0-9]*) fatal "PEER_SPLIT_SEED must be a number or off (got '$PEER_SPLIT_SEED')" ;;
esac
if [ -n "$PEER_SPLIT_SEED" ]; then
    export PEER_SPLIT_SEED
    echo "peer: split seed $PEER_SPLIT_SEED (PEER_SPLIT_SEED=$PEER_SPLIT_SEED repeats this run's cuts)"
else
    echo "peer: output not split"
fi
mkfifo "$tmp/in" || fatal "mkfifo failed"
"$node" "$top/tests/peer/server.js" --certs "$tmp/certs" <"$tmp/in" >"$tmp/ports" 2>"$tmp/peer.log" &
pid=$!
exec 3>"$tmp/in"
i=0
while ! grep -q '"ws"' "$tmp/ports" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
        cat "$tmp/peer.log" >&2
        fatal "the test peer did not start within 20 s"
    fi
    sleep 0.1
done
port() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$tmp/ports" | head -n 1; }
PEER_WS_PORT=$(port ws)
PEER_WSS_PORT=$(port wss)
PEER_WSS_EXPIRED_PORT=$(port wss_expired)
PEER_WSS_WRONGHOST_PORT=$(port wss_wronghost)
PEER_WSS_SELFSIGNED_PORT=$(port wss_selfsigned)
PEER_MUTE_PORT=$(port mute)
PEER_PROXY_PORT=$(port proxy)
PEER_PROXY_AUTH_PORT=$(port proxy_auth)
PEER_PROXY_DIGEST_PORT=$(port proxy_digest)
for l in clientauth chain notca pathlen nameconst clientreq ocsp_good ocsp_revoked tls10 tls12 tls13 sha1 rsa1024; do
    eval "PEER_WSS_$(echo $l | tr a-z A-Z)_PORT=\$(port wss_$l)"
    export "PEER_WSS_$(echo $l | tr a-z A-Z)_PORT"
done
export PEER_WS_PORT PEER_WSS_PORT PEER_WSS_EXPIRED_PORT PEER_WSS_WRONGHOST_PORT PEER_WSS_SELFSIGNED_PORT PEER_MUTE_PORT
export PEER_PROXY_PORT PEER_PROXY_AUTH_PORT PEER_PROXY_DIGEST_PORT
SSL_CERT_FILE="$tmp/certs/ca.pem"
export SSL_CERT_FILE
[ -n "$PEER_WSS_SELFSIGNED_PORT" ] || fatal "bad ports line from the peer: $(cat "$tmp/ports")"

if [ $# -gt 0 ]; then
    groups="$*"
else
    if [ "$mode" = builtin ]; then
        groups=$(timeout -k 5 "$tmo" "$wine" "$exe" --list </dev/null 2>"$tmp/list.err" | tr -d '\r')
    else
        groups=$(timeout -k 5 "$tmo" sh "$top/wine-winhttp" "$exe" --list </dev/null 2>"$tmp/list.err" | tr -d '\r')
    fi
    [ -n "$groups" ] || { tail -n 30 "$tmp/list.err" >&2; fatal "'$exe --list' printed no groups"; }
fi

total_p=0; total_f=0; total_s=0; ngroups=0
table=""
figures=""
# peer_violations SINCE: the peer's "COUNT FRAMES CONNECTIONS" line, then
# the violations numbered SINCE and up, in $tmp/violations; status 1 if the
# peer did not answer
peer_violations() {
    "$node" "$top/tests/peer/violations.js" "$PEER_WS_PORT" "$1" >"$tmp/violations" 2>&1
}
vseen=0
for g in $groups; do
    log="$tmp/$g.log"
    start=$(date +%s)
    if [ "$mode" = builtin ]; then
        timeout -k 5 "$tmo" "$wine" "$exe" "$g" >"$log" 2>&1 </dev/null
    else
        timeout -k 5 "$tmo" sh "$top/wine-winhttp" "$exe" "$g" >"$log" 2>&1 </dev/null
    fi
    rc=$?
    secs=$(( $(date +%s) - start ))
    tr -d '\r' <"$log" >"$log.txt"
    [ -n "$KEEP_LOGS" ] && mkdir -p "$KEEP_LOGS" && cp "$log.txt" "$KEEP_LOGS/$g.log"
    line=$(grep -E "^$g: [0-9]+ passed, [0-9]+ failed" "$log.txt" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^[^:]*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(echo "$line" | sed -n 's/^[^:]*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    s=$(echo "$line" | sed -n 's/.*, \([0-9]*\) skipped.*/\1/p')
    [ -n "$s" ] || s=0
    status=ok
    if [ -z "$line" ]; then
        p=0; f=1
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then status="TIMEOUT(${tmo}s)"; else status="CRASH(rc=$rc)"; fi
    elif [ "$f" != 0 ]; then
        status=FAILED
    elif [ "$rc" != 0 ]; then
        # summary says all passed but the process failed afterwards (crash at exit)
        f=1; status="CRASH(rc=$rc)"
    fi
    # what the client sent during this group that breaks RFC 6455
    vnew=0
    if [ "$mode" = ours ] && peer_violations "$vseen"; then
        vcount=$(head -n 1 "$tmp/violations" | cut -d' ' -f1)
        vnew=$((vcount - vseen))
        vseen=$vcount
        if [ "$vnew" -gt 0 ]; then
            f=$((f + vnew))
            [ "$status" = ok ] && status="VIOLATIONS($vnew)"
        fi
    fi
    if [ "$status" != ok ] && { [ "$mode" = ours ] || [ -n "$VERBOSE" ]; }; then
        echo "---- $g: $status"
        case "$status" in
        FAILED) grep -E "Test failed|Tests skipped" "$log.txt" | head -n 60 ;;
        VIOLATIONS*) ;;
        *)  echo "     last 30 lines of its log:"
            tail -n 30 "$log.txt" ;;
        esac
        if [ "$vnew" -gt 0 ]; then
            echo "     $vnew frame(s) from the client break RFC 6455 (peer-validation; first 50):"
            tail -n +2 "$tmp/violations"
        fi
    fi
    # figures a group reports for the record ("figure: ...")
    figures="$figures$(grep -E '^figure: ' "$log.txt" | sed "s/^figure: /  $g: /")
"
    total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + s)); ngroups=$((ngroups + 1))
    table="$table
$(printf '  %-12s %7s %7s %7s %6ss  %s' "$g" "$p" "$f" "$s" "$secs" "$status")"
done

if [ "$mode" = builtin ]; then
    echo "Reference run: the conformance groups against Wine's builtin winhttp (informative, not a gate)"
else
    echo "Conformance run: our winhttp.dll"
fi
printf '  %-12s %7s %7s %7s %7s  %s' group passed failed skipped time status
echo "$table"
printf '  %-12s %7s %7s %7s\n' "total($ngroups)" "$total_p" "$total_f" "$total_s"
if [ -n "$(echo "$figures" | tr -d '[:space:]')" ]; then
    echo "Figures reported by the groups:"
    echo "$figures" | grep -v '^$'
fi
# the whole run's validation totals
if peer_violations "$vseen"; then
    set -- $(head -n 1 "$tmp/violations")
    vline="$1 violations in $2 frames from $3 connections"
    if [ "$mode" = builtin ]; then
        echo "peer-validation (informative): $vline"
        [ -n "$VERBOSE" ] && [ "$1" -gt 0 ] && peer_violations 0 && tail -n +2 "$tmp/violations"
    else
        echo "peer-validation: $vline"
        if [ "$1" -gt "$vseen" ]; then
            # seen after their group's check
            echo "     $(($1 - vseen)) more after the last check:"
            tail -n +2 "$tmp/violations"
            total_f=$((total_f + $1 - vseen))
        fi
    fi
else
    echo "peer-validation: could not read the peer's list: $(cat "$tmp/violations")"
    [ "$mode" = ours ] && total_f=$((total_f + 1))
fi
if [ "$mode" = builtin ]; then
    echo "reference (Wine builtin winhttp): $total_p of $((total_p + total_f)) checks pass"
    exit 0
fi
echo "conformance: $total_p passed, $total_f failed"
[ "$total_f" = 0 ]
