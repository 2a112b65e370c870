#!/bin/sh
# Transport test: sh tests/transport/run.sh BUILDDIR   (from the repo top)
# Makes test certificates, starts the local echo servers and runs
# transport_test.exe under ./wine-winhttp.  Exits with the test's status.
set -e
build="${1:-build}"
top="$(cd "$(dirname "$0")/../.." && pwd)"
here="$top/tests/transport"
case "$build" in /*) ;; *) build="$top/$build" ;; esac
exe="$build/tests/transport_test.exe"
node="${NODE:-node}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/whnet-test.XXXXXX")"
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- certificates ----
key() { certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$tmp/$1.key" >/dev/null 2>&1; }
tmpl() {  # name cn dns ip activation expiration [ca]
    {
        echo "cn = \"$2\""
        [ -n "$3" ] && echo "dns_name = \"$3\""
        [ -n "$4" ] && echo "ip_address = \"$4\""
        echo "activation_date = \"$5\""
        echo "expiration_date = \"$6\""
        echo "serial = $(date +%s%N | cut -c1-15)"
        if [ "$7" = ca ]; then
            echo "ca"; echo "cert_signing_key"
        else
            echo "tls_www_server"; echo "signing_key"; echo "encryption_key"
        fi
    } > "$tmp/$1.tmpl"
}
now_minus() { date -u -d "$1" '+%Y-%m-%d %H:%M:%S'; }
past1="$(now_minus '-2 days')"; past2="$(now_minus '-1 day')"
start="$(now_minus '-1 hour')"; end="$(now_minus '+30 days')"

key ca
tmpl ca "whnet test CA" "" "" "$start" "$end" ca
certtool --generate-self-signed --load-privkey "$tmp/ca.key" --template "$tmp/ca.tmpl" --outfile "$tmp/ca.pem" >/dev/null 2>&1

leaf() {  # name dns ip activation expiration
    key "$1"
    tmpl "$1" "$2" "$2" "$3" "$4" "$5"
    certtool --generate-certificate --load-privkey "$tmp/$1.key" --load-ca-privkey "$tmp/ca.key" \
        --load-ca-certificate "$tmp/ca.pem" --template "$tmp/$1.tmpl" --outfile "$tmp/$1.pem" >/dev/null 2>&1
}
leaf good localhost 127.0.0.1 "$start" "$end"
leaf expired localhost 127.0.0.1 "$past1" "$past2"
leaf wronghost wrong.example "" "$start" "$end"
leaf expired_wronghost wrong.example "" "$past1" "$past2"
key selfsigned
tmpl selfsigned localhost localhost 127.0.0.1 "$start" "$end"
certtool --generate-self-signed --load-privkey "$tmp/selfsigned.key" --template "$tmp/selfsigned.tmpl" \
    --outfile "$tmp/selfsigned.pem" >/dev/null 2>&1
for c in ca good expired wronghost expired_wronghost selfsigned; do
    [ -s "$tmp/$c.pem" ] || { echo "run.sh: certtool failed for $c" >&2; exit 1; }
done

# ---- servers ----
TLS_SMALL_SINK="$build/tests/tls_small_sink" \
    "$node" "$here/echo_server.js" "$tmp" > "$tmp/ports" 2> "$tmp/server.log" &
server_pid=$!
i=0
while [ ! -s "$tmp/ports" ]; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$server_pid" 2>/dev/null; then
        echo "run.sh: echo server did not start" >&2
        cat "$tmp/server.log" >&2
        exit 1
    fi
    sleep 0.1
done

PORTS="$(head -n 1 "$tmp/ports")"
SSL_CERT_FILE="$tmp/ca.pem"
export PORTS SSL_CERT_FILE

# wine-winhttp insists on a winhttp.dll; the transport test does not use it.
# A stand-in dated 1970 so that make still builds the real one.
if [ ! -f "$top/build/x86_64-windows/winhttp.dll" ]; then
    mkdir -p "$top/build/x86_64-windows"
    cp "$build/lib/x86_64-windows/whnet.dll" "$top/build/x86_64-windows/winhttp.dll"
    touch -d @0 "$top/build/x86_64-windows/winhttp.dll"
fi

set +e
"$top/wine-winhttp" "$exe"
status=$?
set -e
exit $status
