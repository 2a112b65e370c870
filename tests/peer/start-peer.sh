#!/bin/sh
# start-peer.sh --listen ADDR --name NAME [--out DIR]
#
# The test peer for the conformance tests run on a Windows machine (README
# "Running the tests on Windows"; the bundle's README-WINDOWS.txt).  Run on
# the peer host, a Linux machine with node, npm and certtool (gnutls-bin),
# after `npm ci` in this directory:
#   ADDR  the peer host's IPv4 address as the Windows machine reaches it
#         (the peer listens there only, never on all interfaces)
#   NAME  a host name without a dot that resolves to ADDR on the Windows
#         machine (DNS, or a line "ADDR NAME" in
#         C:\Windows\System32\drivers\etc\hosts); the TLS tests connect by
#         name, the proxy-bypass tests need <local> to match it
#   DIR   where the certificates and the two files for the Windows machine
#         go (default: ./peer-out):
#           peer.env  PEER_NAME and the listeners' ports, PEER_*_PORT=N
#           ca.cer    the test CA (DER), trusted there by run-tests.cmd
# Certificates are made anew at each start, for 127.0.0.1, localhost, ADDR
# and NAME.  The peer runs until Ctrl-C (or until its standard input ends).
# PEER_SPLIT_SEED=N cuts what the peer sends as in run-wine-test.sh.
addr= name= out=./peer-out
while [ $# -gt 0 ]; do
    case "$1" in
    --listen) addr="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: start-peer.sh --listen ADDR --name NAME [--out DIR]" >&2; exit 2 ;;
    esac
done
[ -n "$addr" ] && [ -n "$name" ] || { echo "usage: start-peer.sh --listen ADDR --name NAME [--out DIR]" >&2; exit 2; }
case "$name" in *.*) echo "start-peer.sh: NAME must have no dot (see the top of this file)" >&2; exit 2 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"
node="${NODE:-node}"
command -v "$node" >/dev/null 2>&1 || { echo "start-peer.sh: node not found" >&2; exit 1; }
"$node" -e "require.resolve('ws', { paths: ['$here'] })" 2>/dev/null ||
    { echo "start-peer.sh: the ws package is missing: run 'npm ci' in $here" >&2; exit 1; }
mkdir -p "$out" || exit 1
out="$(cd "$out" && pwd)"
rm -f "$out/peer.env" "$out/ports.json"
PEER_CERT_NAMES="$addr $name" sh "$here/make-certs.sh" "$out/certs" || exit 1
certtool --certificate-info --infile "$out/certs/ca.pem" --outder --outfile "$out/ca.cer" >/dev/null 2>&1 ||
    { echo "start-peer.sh: certtool could not write ca.cer" >&2; exit 1; }
[ -n "$PEER_SPLIT_SEED" ] && { export PEER_SPLIT_SEED; echo "peer: split seed $PEER_SPLIT_SEED"; }

# (a background job's standard input is /dev/null unless given: hand it ours)
exec 3<&0
"$node" "$here/server.js" --certs "$out/certs" --listen "$addr" --name "$name" <&3 >"$out/ports.json" &
exec 3<&-
pid=$!
trap 'kill $pid 2>/dev/null; exit 130' INT TERM HUP
i=0
while ! grep -q '"ws"' "$out/ports.json" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 200 ] || ! kill -0 $pid 2>/dev/null; then
        echo "start-peer.sh: the peer did not start within 20 s" >&2
        kill $pid 2>/dev/null
        exit 1
    fi
    sleep 0.1
done
# {"ws":1234,"wss_expired":1235,...} -> PEER_WS_PORT=1234, PEER_WSS_EXPIRED_PORT=1235, ...
"$node" -e '
const ports = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
let s = "# written by start-peer.sh for run-tests.cmd\nPEER_NAME=" + process.argv[2] + "\n";
for (const [k, v] of Object.entries(ports)) s += "PEER_" + k.toUpperCase() + "_PORT=" + v + "\n";
require("fs").writeFileSync(process.argv[3], s);' "$out/ports.json" "$name" "$out/peer.env.tmp" &&
    mv "$out/peer.env.tmp" "$out/peer.env" || { kill $pid; exit 1; }
echo "peer: listening on $addr ($name); $(grep -c _PORT= "$out/peer.env") listeners"
echo "peer: copy $out/peer.env and $out/ca.cer to the Windows machine, then run there:"
echo "    run-tests.cmd $addr DIR-WITH-THOSE-FILES [GROUP...]"
echo "peer: Ctrl-C ends it"
wait $pid
