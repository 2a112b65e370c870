#!/bin/sh
# make-certs.sh DIR: test certificates for the TLS peers, made with certtool.
#   ca.pem          test CA (the runner points SSL_CERT_FILE at it)
#   server.pem      valid now, localhost / 127.0.0.1 / ::1, signed by the CA
#   expired.pem     signed by the CA, right names, expired
#   wronghost.pem   signed by the CA, valid, only for wrong.example
#   selfsigned.pem  self-signed, right names, valid
# each with its NAME-key.pem.
set -e
dir="$1"
[ -n "$dir" ] || { echo "usage: make-certs.sh DIR" >&2; exit 2; }
mkdir -p "$dir"
cd "$dir"
key() { certtool --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$1" >/dev/null 2>&1; }

cat > ca.tmpl <<T
cn = "winhttp-wine test CA"
ca
cert_signing_key
crl_signing_key
expiration_days = 30
T
key ca-key.pem
certtool --generate-self-signed --load-privkey ca-key.pem --template ca.tmpl --outfile ca.pem >/dev/null 2>&1

leaf() { # leaf NAME TEMPLATE-LINES... (signed by the CA)
    name="$1"; shift
    printf '%s\n' "$@" > "$name.tmpl"
    key "$name-key.pem"
    certtool --generate-certificate --load-privkey "$name-key.pem" --load-ca-certificate ca.pem \
        --load-ca-privkey ca-key.pem --template "$name.tmpl" --outfile "$name.pem" >/dev/null 2>&1
}
names='dns_name = "localhost"
ip_address = "127.0.0.1"
ip_address = "::1"'
leaf server 'cn = "localhost"' "$names" tls_www_server signing_key encryption_key 'expiration_days = 30'
leaf expired 'cn = "localhost"' "$names" tls_www_server signing_key encryption_key \
    'activation_date = "2020-01-01 00:00:00 UTC"' 'expiration_date = "2020-06-01 00:00:00 UTC"'
leaf wronghost 'cn = "wrong.example"' 'dns_name = "wrong.example"' tls_www_server signing_key encryption_key \
    'expiration_days = 30'

printf '%s\n' 'cn = "localhost"' "$names" tls_www_server signing_key encryption_key 'expiration_days = 30' > selfsigned.tmpl
key selfsigned-key.pem
certtool --generate-self-signed --load-privkey selfsigned-key.pem --template selfsigned.tmpl \
    --outfile selfsigned.pem >/dev/null 2>&1
rm -f ./*.tmpl
