#!/bin/sh
# bench/run.sh [--smoke]   (run by `make bench`; loopback only)
#
# Starts the native echo server (bench/native/echo_server.c, plain and TLS,
# with a certificate made now), then runs the same workloads with:
#   native         bench/native/native_client.c (GnuTLS), the reference
#   ours-sync      build/bench/winhttp_bench.exe through ./wine-winhttp
#   ours-async     the same, WINHTTP_FLAG_ASYNC
#   builtin-sync   the same .exe with Wine's builtin winhttp
#   builtin-async  (prefix BUILD/wineprefix-builtin, WINEDLLOVERRIDES=winhttp=b)
# over ws and wss, and prints a table of medians with ratios.  The figures
# are appended to bench/history.tsv (one line per figure, with the commit)
# and the table is kept in build/bench/last.txt; the ours columns are
# compared with the previous run recorded in the history.
#
# Environment: BENCH_REPS (3), BENCH_BULK_MIB (128), BENCH_IDLE (1000),
# BENCH_CLIENTS (native ours-sync ours-async builtin-sync builtin-async),
# BENCH_TIMEOUT per client run in s (300), WINE, BENCH_HISTORY (bench/history.tsv).
# --smoke: one short repetition of everything for native and ours only, no
# history; exits non-zero if any workload gave no figure (used by make check;
# it checks that the benchmark works, not how fast anything is).
top="$(cd "$(dirname "$0")/.." && pwd)"
build="$top/build"
bin="$build/bench"
wine="${WINE:-wine}"
reps="${BENCH_REPS:-3}"
mib="${BENCH_BULK_MIB:-128}"
idle="${BENCH_IDLE:-1000}"
clients="${BENCH_CLIENTS:-native ours-sync ours-async builtin-sync builtin-async}"
tmo="${BENCH_TIMEOUT:-300}"
history="${BENCH_HISTORY:-$top/bench/history.tsv}"
smoke=
if [ "$1" = --smoke ]; then
    smoke=1; reps=1; mib=8; idle=20; clients="native ours-sync ours-async"
fi
workloads="idle rt16 rt1k rt64k bulk64k bulk1m"

for f in echo_server native_client winhttp_bench.exe; do
    [ -x "$bin/$f" ] || [ -f "$bin/$f" ] || { echo "bench: $bin/$f is missing (make bench builds it)" >&2; exit 2; }
done
tmp="$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")" || exit 2
server=
cleanup() {
    exec 8>&- 2>/dev/null
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sh "$top/tests/peer/make-certs.sh" "$tmp/certs" >"$tmp/certs.log" 2>&1 || { cat "$tmp/certs.log" >&2; exit 2; }
mkfifo "$tmp/in" || exit 2
"$bin/echo_server" --cert "$tmp/certs/server.pem" --key "$tmp/certs/server-key.pem" <"$tmp/in" >"$tmp/ports" 2>"$tmp/server.log" &
server=$!
exec 8>"$tmp/in"
i=0
while ! grep -q '^ports ' "$tmp/ports" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "bench: the echo server did not start" >&2; cat "$tmp/server.log" >&2; exit 2; }
    sleep 0.1
done
set -- $(cat "$tmp/ports")
ws_port=$2
wss_port=$3

run_client() { # client scheme port workloads
    c=$1; s=$2; p=$3
    common="--scheme $s --port $p --reps $reps --bulk-mib $mib --idle $idle --workloads $4"
    case "$c" in
    native) timeout -k 5 "$tmo" "$bin/native_client" $common ;;
    ours-*) timeout -k 5 "$tmo" sh "$top/wine-winhttp" "$bin/winhttp_bench.exe" --client ours --mode "${c#ours-}" $common ;;
    builtin-*) WINEPREFIX="$build/wineprefix-builtin" WINEDLLOVERRIDES="winhttp=b" WINEDEBUG=-all \
               timeout -k 5 "$tmo" "$wine" "$bin/winhttp_bench.exe" --client builtin --mode "${c#builtin-}" $common ;;
    esac
}

: >"$tmp/results"
failed=0
for c in $clients; do
    for s in ws wss; do
        [ $s = ws ] && p=$ws_port || p=$wss_port
        echo "bench: $c $s ..." >&2
        # idle on its own, in a fresh process: a client that fails there
        # (or hangs until BENCH_TIMEOUT) still gives its speed figures
        for part in idle "$(echo $workloads | sed 's/idle//' | tr -s ' ' ',' | sed 's/^,//; s/,$//')"; do
            run_client "$c" "$s" "$p" "$part" >"$tmp/out" 2>"$tmp/err" </dev/null
            rc=$?
            tr -d '\r' <"$tmp/out" | grep '^result ' >>"$tmp/results"
            if [ $rc != 0 ]; then
                failed=1
                echo "bench: $c $s ($part) stopped with status $rc:" >&2
                tr -d '\r' <"$tmp/err" | grep -v ':fixme:' | tail -n 5 | sed 's/^/    /' >&2
            fi
        done
    done
done

[ $failed = 1 ] && echo "bench: some client runs failed; their cells say fail" >&2
commit="$(cd "$top" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(cd "$top" && git status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit+"
stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# medians: client scheme workload median unit
awk '{ k = $2 " " $3 " " $4; n[k]++; v[k, n[k]] = $5; u[k] = $6 }
     END { for (k in n) {
             m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i] + 0
             for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
             med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
             printf "%s %.2f %s\n", k, med, u[k] } }' "$tmp/results" | sort >"$tmp/medians"

# the previous run's figures for ours (latest line per key in the history)
: >"$tmp/previous"
if [ -z "$smoke" ] && [ -f "$history" ]; then
    awk -F '\t' '$3 ~ /^ours-/ { p[$3 " " $4 " " $5] = $6 } END { for (k in p) print k, p[k] }' "$history" >"$tmp/previous"
fi

{
echo "WebSocket benchmark, $stamp, commit $commit; loopback, $(nproc) cores"
echo "medians of $reps runs; round trips (rt) in us (lower is better), bulk both ways in MiB/s and idle memory"
echo "in KiB per WebSocket (lower is better); x = how many times better than the other (above 1: better)"
awk -v workloads="$workloads" -v prevfile="$tmp/previous" '
    FILENAME == prevfile { prev[$1 " " $2 " " $3] = $4; next }
    { val[$1 " " $2 " " $3] = $4 }
    function get(c, s, w) { k = c " " s " " w; return (k in val) ? val[k] : "" }
    function cell(x) { return x == "" ? "fail" : x }
    # factor by which a is better than b
    function better(a, b, w) {
        if (a == "" || b == "" || a + 0 == 0 || b + 0 == 0) return "-"
        return sprintf("%.2fx", (w ~ /^bulk/) ? a / b : b / a)
    }
    function change(c, s, w) { k = c " " s " " w; if (!(k in prev) || get(c, s, w) == "") return "-"
                               return better(get(c, s, w), prev[k], w) }
    END {
        n = split(workloads, W, " ")
        printf "%-7s %-4s %9s %9s %9s %9s %9s | %8s %8s %8s %8s | %8s %8s\n", "work", "", "native", "ours-s", "ours-a",
               "built-s", "built-a", "os/nat", "oa/nat", "os/bs", "oa/ba", "os/prev", "oa/prev"
        for (s = 1; s <= 2; s++) { sc = s == 1 ? "ws" : "wss"
            for (i = 1; i <= n; i++) { w = W[i]
                nat = get("native", sc, w); os = get("ours-sync", sc, w); oa = get("ours-async", sc, w)
                bs = get("builtin-sync", sc, w); ba = get("builtin-async", sc, w)
                printf "%-7s %-4s %9s %9s %9s %9s %9s | %8s %8s %8s %8s | %8s %8s\n", w, sc, cell(nat), cell(os), cell(oa),
                       cell(bs), cell(ba), better(os, nat, w), better(oa, nat, w), better(os, bs, w), better(oa, ba, w),
                       change("ours-sync", sc, w), change("ours-async", sc, w)
            }
        }
    }' "$tmp/previous" "$tmp/medians"
echo "os/nat, oa/nat: ours (sync, async) against native; os/bs, oa/ba: ours against builtin in the same mode;"
echo "os/prev, oa/prev: ours against the previous run in bench/history.tsv; fail: that client gave no figure."
} >"$tmp/table"
cat "$tmp/table"

if [ -n "$smoke" ]; then
    missing=0
    for c in $clients; do for s in ws wss; do for w in $workloads; do
        grep -q "^$c $s $w " "$tmp/medians" || { echo "bench smoke: no figure for $c $s $w" >&2; missing=$((missing + 1)); }
    done; done; done
    echo "bench-smoke: $(wc -l <"$tmp/medians") passed, $missing failed"
    [ $missing = 0 ] && [ $failed = 0 ]
    exit
fi

mkdir -p "$bin"
cp "$tmp/table" "$bin/last.txt"
[ -f "$history" ] || printf 'time\tcommit\tclient\tscheme\tworkload\tmedian\tunit\treps\n' >"$history"
awk -v t="$stamp" -v c="$commit" -v r="$reps" '{ printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t, c, $1, $2, $3, $4, $5, r }' \
    "$tmp/medians" >>"$history"
echo "bench: figures appended to $history; table in $bin/last.txt"
exit 0
