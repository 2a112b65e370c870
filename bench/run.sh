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
# are appended to bench/history.tsv (one line per figure, with the commit and
# the run's parameters) and the table is kept in build/bench/last.txt; the
# ours columns are compared with the previous run of the same parameters.
#
# With two or more cores the echo server runs on CPU 0 and every client on
# the others: on a small machine, whether client and server share a CPU
# changes a round trip several times over, so it is fixed, the same for all.
# BENCH_PIN=0 leaves placement to the scheduler, as in everyday use (a
# multi-threaded client then also spreads over more CPUs).
#
# The scale workload opens BENCH_SCALE WebSockets one after another and keeps
# them open (once per client and scheme, in a process of its own, like idle):
# scale-open, ms to open all; scale-mem, resident KiB per idle socket (the
# last half, as idle); scale-srv, the same for the prefix's wineserver (its
# pid is passed to the .exe; none for native: no wineserver); scale-threads,
# the growth of the client's thread count; scale-echo, ms for a checked
# 16-byte echo on every socket.  Each process then needs BENCH_SCALE
# descriptors and some (ulimit -Hn; the programs raise their soft limit to
# it): below that, scale is skipped with a one-line reason.  The builtin
# clients skip it unless BENCH_SCALE_BUILTIN=1: Wine's builtin winhttp holds
# about 1 MiB per asynchronous WebSocket (measured at 200), some 10 GB for
# 10,000, more than a shared machine should be asked for.
#
# Environment: BENCH_REPS (3), BENCH_BULK_MIB (128), BENCH_IDLE (1000),
# BENCH_SCALE (10000), BENCH_WORKLOADS (idle scale rt16 rt1k rt64k bulk64k
# bulk1m bulk16m setup), BENCH_CLIENTS (native ours-sync ours-async
# builtin-sync builtin-async), BENCH_TIMEOUT per client run in s (300),
# WINE, WINESERVER, BENCH_HISTORY (bench/history.tsv).
# --smoke: one short repetition of everything for native and ours only, no
# history; exits non-zero if any workload gave no figure (used by make check;
# it checks that the benchmark works, not how fast anything is).
top="$(cd "$(dirname "$0")/.." && pwd)"
build="$top/build"
bin="$build/bench"
wine="${WINE:-wine}"
wineserver="${WINESERVER:-wineserver}"
command -v "$wineserver" >/dev/null 2>&1 || wineserver=/usr/lib/wine/wineserver64
reps="${BENCH_REPS:-3}"
mib="${BENCH_BULK_MIB:-128}"
idle="${BENCH_IDLE:-1000}"
scale="${BENCH_SCALE:-10000}"
builtin_scale="${BENCH_SCALE_BUILTIN:-0}"
clients="${BENCH_CLIENTS:-native ours-sync ours-async builtin-sync builtin-async}"
tmo="${BENCH_TIMEOUT:-300}"
history="${BENCH_HISTORY:-$top/bench/history.tsv}"
smoke=
if [ "$1" = --smoke ]; then
    smoke=1; reps=1; mib=8; idle=20; scale=40; tmo=60; clients="native ours-sync ours-async"
fi
workloads="${BENCH_WORKLOADS:-idle scale rt16 rt1k rt64k bulk64k bulk1m bulk16m setup}"
speed_workloads=$(echo $workloads | tr -s " " "\n" | grep -vx -e idle -e scale | grep . | tr "\n" , | sed "s/,$//")
# scale's figures, each a row of the table
scale_rows="scale-open scale-mem scale-srv scale-threads scale-echo"
rows=$(echo $workloads | sed "s/\bscale\b/$scale_rows/")
# each process holds BENCH_SCALE sockets: the echo server, the native client
# and Wine (winhttp_bench.c keeps 256 spare) raise their soft limit to the hard one
scale_skipped=0
if echo "$workloads" | grep -qw scale; then
    hard=$(ulimit -Hn)
    if [ "$hard" != unlimited ] && [ "$hard" -lt $((scale + 256)) ]; then
        echo "bench: scale skipped: $scale sockets need $((scale + 256)) descriptors per process, the hard limit (ulimit -Hn) is $hard" >&2
        scale_skipped=1
    fi
fi
# every speed workload also reports the client's CPU time (cpu-WORKLOAD)
cpu_workloads=$(echo $speed_workloads | tr , "\n" | grep . | sed "s/^/cpu-/" | tr "\n" " ")

for f in echo_server native_client winhttp_bench.exe; do
    [ -f "$bin/$f" ] || { echo "bench: $bin/$f is missing (make bench builds it)" >&2; exit 2; }
done
mkdir -p "$bin"
# one benchmark at a time on this machine: two would measure each other
exec 7>"$bin/.lock"
flock -n 7 || { echo "bench: waiting for another benchmark run to end" >&2; flock 7; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")" || exit 2
server=
cpid=
cleanup() {
    [ -n "$cpid" ] && kill -TERM "$cpid" 2>/dev/null
    exec 8>&- 2>/dev/null
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    for p in $kept; do WINEPREFIX="$p" "$wineserver" -k 2>/dev/null; WINEPREFIX="$p" "$wineserver" -w 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ncpu=$(nproc 2>/dev/null || echo 1)
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
    pin_server="taskset -c 0"
    cpus=1; [ "$ncpu" -gt 2 ] && cpus="1-$((ncpu - 1))"
    pin_client="taskset -c $cpus"
    placement="echo server on CPU 0, clients on CPU $cpus"
else
    pin_server=; pin_client=; placement="no CPU pinning"
fi

# The prefixes, once, outside any client's time limit (as tests/run-wine-test.sh
# makes them), each with one wineserver kept for the whole run.  Without that,
# a client starting just as the previous client's server exits (a server
# lingers a few seconds after its last process) meets a dying server and
# stops with "wine client error: recvmsg: Connection reset by peer".
kept=
keep_prefix() { # PREFIX
    (
        flock 9
        if [ ! -f "$1/system.reg" ]; then
            echo "bench: creating $1" >&2
            WINEPREFIX="$1" WINEDLLOVERRIDES="mscoree,mshtml=" "$wine" wineboot -i >/dev/null 2>&1
        fi
    ) 9>"$1.lock"
    WINEPREFIX="$1" "$wineserver" -w
    WINEPREFIX="$1" "$wineserver" -p && kept="$kept $1"
}
# The pid of PREFIX's wineserver (for scale-srv): the one whose working
# directory is the prefix's server directory, server-DEV-INODE in hex (a
# server just started moves there a moment after `wineserver -p` returns).
wineserver_pid() { # PREFIX
    sd=$(stat -c '%d %i' "$1" 2>/dev/null | awk '{ printf "server-%x-%x", $1, $2 }')
    for try in $(seq 50); do
        for p in /proc/[0-9]*; do
            case "$(readlink "$p/exe" 2>/dev/null)" in *wineserver*) ;; *) continue ;; esac
            [ "$(basename "$(readlink "$p/cwd" 2>/dev/null)")" = "$sd" ] && { echo "${p#/proc/}"; return; }
        done
        sleep 0.1
    done
    echo "bench: no wineserver found for $1: no scale-srv figure" >&2
}
ours_srv=; builtin_srv=
case " $clients " in *" ours-"*) keep_prefix "${WINEPREFIX:-$build/wineprefix}"
    ours_srv=$(wineserver_pid "${WINEPREFIX:-$build/wineprefix}") ;; esac
case " $clients " in *" builtin-"*) keep_prefix "$build/wineprefix-builtin"
    builtin_srv=$(wineserver_pid "$build/wineprefix-builtin") ;; esac

sh "$top/tests/peer/make-certs.sh" "$tmp/certs" >"$tmp/certs.log" 2>&1 || { cat "$tmp/certs.log" >&2; exit 2; }
mkfifo "$tmp/in" || exit 2
$pin_server "$bin/echo_server" --cert "$tmp/certs/server.pem" --key "$tmp/certs/server-key.pem" \
    <"$tmp/in" >"$tmp/ports" 2>"$tmp/server.log" &
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

run_client() { # client scheme port workloads reps
    c=$1; s=$2; p=$3
    common="--scheme $s --port $p --reps $5 --bulk-mib $mib --idle $idle --scale $scale --workloads $4"
    case "$c" in
    native) exec $pin_client timeout -k 5 "$tmo" "$bin/native_client" $common --ca "$tmp/certs/ca.pem" ;;
    ours-*)
        export WINEDEBUG=-all
        exec $pin_client timeout -k 5 "$tmo" sh "$top/wine-winhttp" "$bin/winhttp_bench.exe" --client ours \
            --mode "${c#ours-}" $common ${ours_srv:+--wineserver-pid $ours_srv} ;;
    builtin-*)
        export WINEPREFIX="$build/wineprefix-builtin" WINEDLLOVERRIDES="winhttp=b" WINEDEBUG=-all
        exec $pin_client timeout -k 5 "$tmo" "$wine" "$bin/winhttp_bench.exe" --client builtin \
            --mode "${c#builtin-}" $common ${builtin_srv:+--wineserver-pid $builtin_srv} ;;
    esac
}

: >"$tmp/results"
failed=0
# Repetitions are interleaved: round r runs every client once (one
# repetition each), then round r+1, so that a change in the machine's load
# during the run (other builds, other tests) falls on all clients alike
# rather than on whichever ran then.  idle runs once, in the first round.
rounds=$reps
for round in $(seq 1 $rounds); do
for c in $clients; do
    for s in ws wss; do
        [ $s = ws ] && p=$ws_port || p=$wss_port
        echo "bench: round $round/$rounds: $c $s ..." >&2
        # idle and scale each on its own, in a fresh process, in the first
        # round only: a client that fails there (or hangs until
        # BENCH_TIMEOUT) still gives its speed figures
        for part in $([ $round = 1 ] && echo "$workloads" | grep -qw idle && echo idle) \
                    $([ $round = 1 ] && echo "$workloads" | grep -qw scale && [ $scale_skipped = 0 ] \
                      && case $c in builtin-*) [ "$builtin_scale" = 1 ] ;; esac && echo scale) \
                    $speed_workloads; do
            # in the background, without the fifo, so that a signal stops it
            (run_client "$c" "$s" "$p" "$part" 1) >"$tmp/out" 2>"$tmp/err" </dev/null 8>&- &
            cpid=$!
            wait $cpid
            rc=$?
            cpid=
            tr -d '\r' <"$tmp/out" | grep '^result ' >>"$tmp/results"
            if [ $rc != 0 ]; then
                failed=1
                echo "bench: $c $s ($part) stopped with status $rc:" >&2
                tr -d '\r' <"$tmp/err" | grep -v ':fixme:' | tail -n 5 | sed 's/^/    /' >&2
            fi
        done
    done
done
done
[ $failed = 1 ] && echo "bench: some client runs failed; their cells say fail (or carry a * if some repetitions are missing)" >&2

commit="$(cd "$top" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(cd "$top" && git status --porcelain --untracked-files=no -- . ':!bench/history.tsv' 2>/dev/null)" ] && commit="$commit+"
stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
pin=0; [ -n "$pin_client" ] && pin=1
params="reps=$reps,mib=$mib,idle=$idle,cpus=$ncpu,pin=$pin"
# scale's figures also depend on its size
params_scale="$params,scale=$scale"

# medians: client scheme workload median unit complete(1/0) min max
awk -v reps="$reps" '{ k = $2 " " $3 " " $4; n[k]++; v[k, n[k]] = $5; u[k] = $6 }
     END { for (k in n) {
             m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i] + 0
             for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
             med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
             split(k, f, " "); want = (f[3] == "idle" || f[3] ~ /^scale-/) ? 1 : reps
             printf "%s %.2f %s %d %.2f %.2f\n", k, med, u[k], (m >= want), a[1], a[m] } }' "$tmp/results" | sort >"$tmp/medians"

# the previous run's figures for ours with the same parameters (latest line per key)
: >"$tmp/previous"
if [ -z "$smoke" ] && [ -f "$history" ]; then
    awk -F '\t' -v p="$params" -v ps="$params_scale" '$3 ~ /^ours-/ && $8 == ($5 ~ /^scale-/ ? ps : p) { prev[$3 " " $4 " " $5] = $6 }
                                    END { for (k in prev) print k, prev[k] }' \
        "$history" >"$tmp/previous"
fi

{
echo "WebSocket benchmark, $stamp, commit $commit; loopback, $ncpu cores, $placement"
echo "round trips (rt): us per round trip, median of $reps runs (lower is better); bulk: MiB/s of payload each way"
echo "while both directions run, median of $reps (higher is better); idle: KiB per idle WebSocket, one run of $idle"
echo "(lower is better); cpu-*: user+system CPU seconds of the client process per 100,000 round trips (rt) or"
echo "per GiB each way (bulk), median of $reps (lower is better; wineserver not counted).  x: how many times better the first is than the second (above 1: better);"
echo "*: fewer runs than asked (some failed); ~: the runs spread by more than 1.5x (max/min)"
if echo "$workloads" | grep -qw scale; then
    echo "scale-*: $scale WebSockets open at once, one run (lower is better): ms to open all (open), resident KiB per idle socket"
    echo "of the client (mem) and of its wineserver (srv; native: none), thread count growth (threads), ms for a 16-byte echo on each (echo)"
fi
awk -v workloads="$rows $cpu_workloads" -v prevfile="$tmp/previous" -v clients=" $clients " -v scale_skipped=$scale_skipped -v builtin_scale="$builtin_scale" '
    FILENAME == prevfile { prev[$1 " " $2 " " $3] = $4; next }
    { k = $1 " " $2 " " $3; val[k] = $4; mark[k] = ($6 ? "" : "*") (($7 > 0 && $8 / $7 > 1.5) ? "~" : "") }
    function get(c, s, w) { k = c " " s " " w; return (k in val) ? val[k] : "" }
    function cell(c, s, w) { if (index(clients, " " c " ") == 0 || (c == "native" && w == "scale-srv")) return "-"
                             if (w ~ /^scale-/ && (scale_skipped || (c ~ /^builtin-/ && builtin_scale != 1))) return "skip"
                             k = c " " s " " w; return (k in val) ? val[k] mark[k] : "fail" }
    function better(a, b, w) {
        if (a == "" || b == "" || a + 0 == 0 || b + 0 == 0) return "-"
        return sprintf("%.2fx", (w ~ /^bulk/) ? a / b : b / a)
    }
    function change(c, s, w) { k = c " " s " " w; if (!(k in prev) || get(c, s, w) == "") return "-"
                               return better(get(c, s, w), prev[k], w) }
    END {
        n = split(workloads, W, " ")
        printf "%-13s %-4s %10s %10s %10s %10s %10s | %7s %7s %7s %7s | %7s %7s\n", "work", "", "native", "ours-s", "ours-a",
               "built-s", "built-a", "os/nat", "oa/nat", "os/bs", "oa/ba", "os/prev", "oa/prev"
        for (s = 1; s <= 2; s++) { sc = s == 1 ? "ws" : "wss"
            for (i = 1; i <= n; i++) { w = W[i]
                nat = get("native", sc, w); os = get("ours-sync", sc, w); oa = get("ours-async", sc, w)
                bs = get("builtin-sync", sc, w); ba = get("builtin-async", sc, w)
                printf "%-13s %-4s %10s %10s %10s %10s %10s | %7s %7s %7s %7s | %7s %7s\n", w, sc, cell("native", sc, w),
                       cell("ours-sync", sc, w), cell("ours-async", sc, w), cell("builtin-sync", sc, w),
                       cell("builtin-async", sc, w), better(os, nat, w), better(oa, nat, w), better(os, bs, w),
                       better(oa, ba, w), change("ours-sync", sc, w), change("ours-async", sc, w)
            }
        }
    }' "$tmp/previous" "$tmp/medians"
echo "os/nat, oa/nat: ours (sync, async) against native; os/bs, oa/ba: ours against builtin in the same mode;"
echo "os/prev, oa/prev: ours against the previous run with the same parameters in bench/history.tsv."
} >"$tmp/table"
cat "$tmp/table"

if [ -n "$smoke" ]; then
    missing=0
    for c in $clients; do for s in ws wss; do for w in $rows $cpu_workloads; do
        [ $c = native ] && [ $w = scale-srv ] && continue
        [ $scale_skipped = 1 ] && case $w in scale-*) continue ;; esac
        grep -q "^$c $s $w .* 1 [^ ]* [^ ]*\$" "$tmp/medians" || { echo "bench smoke: no figure for $c $s $w" >&2; missing=$((missing + 1)); }
    done; done; done
    echo "bench-smoke: $(grep -c ' 1 [^ ]* [^ ]*$' "$tmp/medians") passed, $missing failed"
    [ $missing = 0 ] && [ $failed = 0 ]
    exit
fi

cp "$tmp/table" "$bin/last.txt"
[ -f "$history" ] || printf 'time\tcommit\tclient\tscheme\tworkload\tmedian\tunit\tparameters\tmin\tmax\n' >"$history"
# complete figures only
awk -v t="$stamp" -v c="$commit" -v p="$params" -v ps="$params_scale" \
    '$6 == 1 { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t, c, $1, $2, $3, $4, $5, ($3 ~ /^scale-/ ? ps : p), $7, $8 }' \
    "$tmp/medians" >>"$history"
echo "bench: figures appended to $history; table in $bin/last.txt"
exit 0
