#!/bin/sh
# compare-runs.sh WINE_LOG WINDOWS_LOG
#
# Compares two runs of the conformance program check by check: each LOG is
# a file (run-tests.cmd's results-ARCH.log) or a directory of per-group
# logs (run-wine-test.sh with KEEP_LOGS=DIR).  Both runs must have been
# made with TEST_SITES set (run-tests.cmd and KEEP_LOGS do it): the program
# then prints, per group, one line per check site,
#     site: GROUP FILE:LINE passed N failed N skipped N
# Each site's result is "ok" (no failure, no skip), "failed" (a failure)
# or "skipped" (skips, no failure); the counts themselves are not compared,
# since loops that wait for something may check a different number of
# times.  Prints every site whose result differs or that only one run has,
# and a last line
#     compare-runs: N sites, identical results
#     compare-runs: N sites, M differ, K in one run only
# exit status 0 when identical, 1 when not, 2 on bad input.
[ $# = 2 ] || { echo "usage: compare-runs.sh WINE_LOG WINDOWS_LOG" >&2; exit 2; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/compare-runs.XXXXXX")" || exit 2
trap 'rm -rf "$tmp"' EXIT

# results LOG OUT: "GROUP FILE:LINE RESULT" lines, sorted
results() {
    [ -e "$1" ] || { echo "compare-runs: $1: no such file or directory" >&2; return 2; }
    if [ -d "$1" ]; then cat "$1"/*.log 2>/dev/null; else cat "$1"; fi | tr -d '\r' | awk '$1 == "site:" && $4 == "passed" && $6 == "failed" && $8 == "skipped" {
        r = $7 > 0 ? "failed" : $9 > 0 ? "skipped" : "ok"
        print $2, $3, r }' | sort -u > "$2"
    [ -s "$2" ] || { echo "compare-runs: $1 has no per-check results (site: lines; run with TEST_SITES=1)" >&2; return 2; }
}
results "$1" "$tmp/a" || exit 2
results "$2" "$tmp/b" || exit 2
awk -v wine="$tmp/a" -v win="$tmp/b" '
BEGIN {
    while ((getline l < wine) > 0) { split(l, f, " "); k = f[1] " " f[2]; a[k] = f[3]; keys[k] = 1 }
    while ((getline l < win) > 0) { split(l, f, " "); k = f[1] " " f[2]; b[k] = f[3]; keys[k] = 1 }
    n = differ = one = 0
    for (k in keys) {
        n++
        if (!(k in a)) { one++; printf "  %-48s wine: -        windows: %s\n", k, b[k] }
        else if (!(k in b)) { one++; printf "  %-48s wine: %-8s windows: -\n", k, a[k] }
        else if (a[k] != b[k]) { differ++; printf "  %-48s wine: %-8s windows: %s\n", k, a[k], b[k] }
    }
    if (!differ && !one) printf "compare-runs: %d sites, identical results\n", n
    else printf "compare-runs: %d sites, %d differ, %d in one run only\n", n, differ, one
    exit (differ || one) ? 1 : 0
}' > "$tmp/out"
rc=$?
grep -v '^compare-runs:' "$tmp/out" | sort
grep '^compare-runs:' "$tmp/out"
exit $rc
