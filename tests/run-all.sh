#!/bin/sh
# make check: every suite, then one closing line with the gate's totals.
# Gate suites: host unit tests, export tables, test peer self-test,
# transport, install round trips, conformance against our DLL, the Windows test bundle (under wine cmd),
# a short run of the benchmark.  The same conformance .exe also
# runs against Wine's builtin winhttp first; that table is informative only.
# 32-bit: when configure found everything (I386_RUN_SKIP empty, from the
# Makefile), the install suite covers the i386 round trips and the i686 build
# of the conformance program runs under wine32 in its own WoW64 prefix
# (build/wineprefix-i386, or WINEPREFIX_I386); otherwise one line says why not.
build="${BUILD:-build}"
top="$(cd "$(dirname "$0")/.." && pwd)"
cd "$top" || exit 2
logdir="$build/test-logs"
mkdir -p "$logdir"
total_pass=0
total_fail=0
summary=""

# run_suite NAME CMD...: runs, shows output, adds its closing "N passed, N failed" to the totals
run_suite() {
    name="$1"; shift
    echo "==== $name: $*"
    "$@" >"$logdir/$name.log" 2>&1
    rc=$?
    cat "$logdir/$name.log"
    line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$logdir/$name.log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p')
    [ -n "$p" ] || p=0
    [ -n "$f" ] || f=0
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; echo "$name: exited with status $rc"; fi
    if [ -z "$line" ] && [ "$rc" = 0 ]; then f=1; echo "$name: printed no result line"; fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    summary="$summary
  $(printf '%-12s %6s ok %4s failed' "$name" "$p" "$f")"
}

if [ -z "${I386_RUN_SKIP+set}" ]; then
    I386_RUN_SKIP=$(sed -n 's/^I386_RUN_SKIP *= *//p' Makefile | head -n 1)
fi
# the install suite says nothing of i386 when it is skipped: the line below does
I386_SKIP_QUIET=1
export I386_SKIP_QUIET

run_suite unit "$build/unit/unit_tests"
run_suite exports sh tests/exports/check-exports.sh "$build"
run_suite peer node tests/peer/selftest.js
run_suite transport sh tests/transport/run.sh "$build"
# make install / install-prefix and their undoing, against a private Wine tree
run_suite install sh tests/install/run.sh "$build"

echo "==== reference: the conformance tests against Wine's builtin winhttp (informative, not a gate)"
GROUP_TIMEOUT="${REFERENCE_GROUP_TIMEOUT:-30}" sh tests/run-wine-test.sh --mode builtin --build "$build" "$build/tests/conformance.exe" \
    >"$logdir/reference.log" 2>&1
grep -v 'Test failed\|Tests skipped' "$logdir/reference.log" | tail -n 25

run_suite conformance sh tests/run-wine-test.sh --mode ours --build "$build" "$build/tests/conformance.exe"
# the Windows test bundle (make winetest-bundle): its runner under wine cmd, compared with run-wine-test.sh
run_suite bundle sh tests/bundle/run.sh "$build"
if [ -n "$I386_RUN_SKIP" ]; then
    echo "i386: skipped: $I386_RUN_SKIP"
else
    run_suite conformance-i386 env WINEPREFIX="${WINEPREFIX_I386:-$(cd "$build" && pwd)/wineprefix-i386}" \
        sh tests/run-wine-test.sh --mode ours --build "$build" "$build/tests/i386/conformance.exe"
fi
# the benchmark, once, short: every workload must give a figure (speed is not checked)
run_suite bench-smoke sh bench/run.sh --smoke

echo "==== summary (logs in $logdir)$summary"
echo "check: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
