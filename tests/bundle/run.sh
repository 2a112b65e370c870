#!/bin/sh
# tests/bundle/run.sh BUILD_DIR [ARCHIVE]: the Windows test bundle (make
# winetest-bundle: BUILD_DIR/winhttp-winetest.zip or .tar.gz, the newer
# one), run as far as possible here.  Unpacks ARCHIVE in a
# temporary directory, installs the peer's package there (npm ci), starts
# its peer with start-peer.sh on 127.0.0.1, runs its run-tests.cmd under
# `wine cmd /c` (through ./wine-winhttp, so with our winhttp.dll) with the
# address 127.0.0.1 on its command line for a few groups, runs the same
# groups through run-wine-test.sh, and compares the two with
# compare-runs.sh: the results must be identical.  Then the checks that
# show the comparison and the address argument matter: a changed result is
# reported, and the runner given ::1 (where the peer does not listen) fails;
# and no test names the peer by a literal address.
# Wine's certutil does nothing, so the runner's CA import is not tested
# here; our DLL trusts the CA through SSL_CERT_FILE.
# Ends with "bundle: N passed, N failed".  BUNDLE_GROUPS changes the groups.
build="$1"; archive="$2"
[ -n "$build" ] || { echo "usage: tests/bundle/run.sh BUILD_DIR [ARCHIVE]" >&2; exit 2; }
top="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "$build" && pwd)"
[ -n "$archive" ] || archive=$(ls -t "$build/winhttp-winetest.zip" "$build/winhttp-winetest.tar.gz" 2>/dev/null | head -n 1)
[ -f "$archive" ] || { echo "tests/bundle/run.sh: no archive (make winetest-bundle)"; echo "bundle: 0 passed, 1 failed"; exit 1; }
archive="$(cd "$(dirname "$archive")" && pwd)/$(basename "$archive")"
groups="${BUNDLE_GROUPS:-handles http upgrade}"
wine="${WINE:-wine}"
if [ -n "$WINESERVER" ]; then wineserver="$WINESERVER"
elif command -v wineserver >/dev/null 2>&1; then wineserver=wineserver
elif [ -x /usr/lib/wine/wineserver64 ]; then wineserver=/usr/lib/wine/wineserver64
else wineserver=/usr/lib/wine/wineserver
fi
: "${WINEPREFIX:=$build/wineprefix}"
WINEDEBUG=-all
export WINEPREFIX WINEDEBUG
passed=0 failed=0
check() { # check COND-STATUS MESSAGE
    if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "ok: $2"
    else failed=$((failed + 1)); echo "FAILED: $2"; fi
}
tmp="$(mktemp -d "${TMPDIR:-/tmp}/bundle-test.XXXXXX")" || exit 2
peer=
cleanup() {
    exec 3>&-
    [ -n "$peer" ] && { kill "$peer" 2>/dev/null; wait "$peer" 2>/dev/null; }
    "$wineserver" -k >/dev/null 2>&1; "$wineserver" -w >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
finish() { echo "bundle: $passed passed, $failed failed"; [ "$failed" = 0 ]; exit; }

# the tests reach the peer only through peer_host()/peer_name() (new tests
# with a literal 127.0.0.1: tools/convert-peer-addresses.py converts them)
if command -v python3 >/dev/null 2>&1; then
    python3 "$top/tools/convert-peer-addresses.py" --check "$top/tests/conformance" >"$tmp/convert.out" 2>&1
    rc=$?
    [ $rc = 0 ] || sed 's/^/    /' "$tmp/convert.out"
    check $rc "no literal peer address left in tests/conformance (tools/convert-peer-addresses.py --check)"
else
    echo "skipped: the literal peer address check (no python3)"
fi

# the archive and what it holds
case "$archive" in
*.zip) (cd "$tmp" && unzip -q "$archive"); rc=$? ;;
*.tar.gz) (cd "$tmp" && tar xzf "$archive"); rc=$? ;;
*) rc=1 ;;
esac
check $rc "unpack $(basename "$archive")"
b="$tmp/winhttp-winetest"
missing=
for f in x86_64/conformance.exe run-tests.cmd README-WINDOWS.txt compare-runs.sh peer/server.js peer/proxy.js \
         peer/validator.js peer/start-peer.sh peer/make-certs.sh peer/package.json peer/package-lock.json; do
    [ -s "$b/$f" ] || missing="$missing $f"
done
check "$([ -z "$missing" ]; echo $?)" "the bundle holds the exe, runner, README, peer and its lock file${missing:+ (missing:$missing)}"
[ -s "$b/x86_64/conformance.exe" ] && [ -s "$b/run-tests.cmd" ] || finish
cmp -s "$b/x86_64/conformance.exe" "$build/tests/conformance.exe"
check $? "x86_64/conformance.exe is the one built"
grep -q "$(printf '\r')$" "$b/run-tests.cmd"
check $? "run-tests.cmd has CRLF line ends"

# the peer host's side
(cd "$b/peer" && { npm ci --offline --no-audit --no-fund --loglevel=error || npm ci --no-audit --no-fund --loglevel=error; }) \
    >"$tmp/npm.log" 2>&1
check $? "npm ci in the bundle's peer/"
mkfifo "$tmp/in" || finish
sh "$b/peer/start-peer.sh" --listen 127.0.0.1 --name localhost --out "$tmp/po" <"$tmp/in" >"$tmp/peer.log" 2>&1 &
peer=$!
exec 3>"$tmp/in"
i=0
while [ ! -s "$tmp/po/peer.env" ] && kill -0 "$peer" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
# fd 3 keeps the peer up; the programs below do not get it (3>&-), so that
# closing it in cleanup ends the peer even while a wineserver lingers
[ -s "$tmp/po/peer.env" ] && [ -s "$tmp/po/ca.cer" ] && grep -q '^PEER_NAME=localhost$' "$tmp/po/peer.env" &&
    grep -q '^PEER_WSS_PORT=[0-9][0-9]*$' "$tmp/po/peer.env"
rc=$?
check $rc "start-peer.sh writes peer.env and ca.cer"
[ $rc = 0 ] || { cat "$tmp/peer.log"; finish; }
openssl x509 -inform der -in "$tmp/po/ca.cer" -noout >/dev/null 2>&1 ||
    certtool -i --inder --infile "$tmp/po/ca.cer" >/dev/null 2>&1
check $? "ca.cer is a DER certificate"

# the Windows side, under wine cmd /c, with our DLL; the address on the command line
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }
SSL_CERT_FILE="$tmp/po/certs/ca.pem"
export SSL_CERT_FILE
mkdir -p "$tmp/win"
# shellcheck disable=SC2086
(cd "$tmp/win" && timeout -k 5 600 sh "$top/wine-winhttp" cmd /c "$(winpath "$b/run-tests.cmd")" 127.0.0.1 \
    "$(winpath "$tmp/po")" $groups </dev/null 3>&- >"$tmp/runner.out" 2>&1)
rc=$?
tr -d '\r' <"$tmp/runner.out" | sed 's/^/    /'
check $rc "run-tests.cmd 127.0.0.1 PEER_DIR $groups: exit status 0 (was $rc)"
tr -d '\r' <"$tmp/runner.out" | grep -q '^conformance: [1-9][0-9]* passed, 0 failed$'
check $? "run-tests.cmd: every check passed"
n=0
for g in $groups; do tr -d '\r' <"$tmp/win/results-x86_64.log" | grep -q "^$g: [0-9]* passed" && n=$((n + 1)); done
check "$([ "$n" = "$(echo $groups | wc -w)" ]; echo $?)" "results-x86_64.log has every group's result line ($n)"

# the same groups as run-wine-test.sh runs them, then the comparison
# shellcheck disable=SC2086
KEEP_LOGS="$tmp/wine-logs" PEER_SPLIT_SEED=off sh "$top/tests/run-wine-test.sh" --mode ours --build "$build" \
    "$build/tests/conformance.exe" $groups >"$tmp/wine-run.out" 2>&1 3>&-
check $? "run-wine-test.sh $groups"
sh "$b/compare-runs.sh" "$tmp/wine-logs" "$tmp/win/results-x86_64.log" >"$tmp/compare.out" 2>&1
rc=$?
sed 's/^/    /' "$tmp/compare.out"
check "$([ $rc = 0 ] && grep -q '^compare-runs: [1-9][0-9]* sites, identical results$' "$tmp/compare.out"; echo $?)" \
    "compare-runs.sh: the Wine run and the runner's run have identical per-check results"

# the comparison sees a difference: one site of the runner's log turned into a failure
awk '!done && /^site: .* passed [1-9][0-9]* failed 0 /{ sub(/ failed 0 /, " failed 1 "); done = 1 } { print }' \
    "$tmp/win/results-x86_64.log" >"$tmp/changed.log"
sh "$b/compare-runs.sh" "$tmp/wine-logs" "$tmp/changed.log" >"$tmp/compare2.out" 2>&1
rc=$?
check "$([ $rc = 1 ] && grep -q ' 1 differ, 0 in one run only$' "$tmp/compare2.out"; echo $?)" \
    "compare-runs.sh reports one changed result (status $rc: $(tail -n 1 "$tmp/compare2.out"))"

# the address argument is used: ::1, where the peer does not listen, fails
(cd "$tmp/win" && timeout -k 5 300 sh "$top/wine-winhttp" cmd /c "$(winpath "$b/run-tests.cmd")" ::1 \
    "$(winpath "$tmp/po")" http </dev/null 3>&- >"$tmp/runner2.out" 2>&1)
rc=$?
check "$([ $rc = 1 ] && tr -d '\r' <"$tmp/runner2.out" | grep -q '^conformance: [0-9]* passed, [1-9][0-9]* failed$'; echo $?)" \
    "run-tests.cmd ::1 (no peer there): the checks fail, exit status 1 (was $rc)"
(cd "$tmp/win" && timeout -k 5 120 sh "$top/wine-winhttp" cmd /c "$(winpath "$b/run-tests.cmd")" </dev/null 3>&- \
    >"$tmp/runner3.out" 2>&1)
rc=$?
check "$([ $rc = 2 ] && grep -q usage "$tmp/runner3.out"; echo $?)" "run-tests.cmd without arguments: usage, exit status 2 (was $rc)"
finish
