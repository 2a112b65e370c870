#!/bin/sh
# make-certs.sh DIR: test certificates for the TLS peers, made with certtool
# (gnutls-bin).  ECDSA P-256 keys (fast).  PEER_CERT_NAMES="ADDR NAME..."
# adds addresses and host names to the "right names" below (the peer on
# another host, README "Running the tests on Windows").
#   ca.pem          test CA (the runner points SSL_CERT_FILE at it)
#   server.pem      valid now, localhost / 127.0.0.1 / ::1, signed by the CA
#   expired.pem     signed by the CA, right names, expired (2020)
#   wronghost.pem   signed by the CA, valid now, only for wrong.example
#   selfsigned.pem  self-signed, right names, valid now
#   clientauth.pem  signed by the CA, valid now, extended key usage clientAuth only
#   chain.pem       leaf + intermediate CA (signed by the CA): a good chain
#   notca.pem       leaf + its issuer, which is not a CA (basicConstraints CA:FALSE)
#   pathlen.pem     leaf + CA + CA whose path length (0) forbids the CA below it
#   nameconst.pem   leaf + CA permitted only names under example.com
#   (the chains' files hold the leaf first, then the certificates the server sends)
#   ocsp-good.der, ocsp-revoked.der  OCSP responses for server.pem (when openssl is there)
#   sha1.pem        signed by the CA with SHA-1, valid now, right names
#   rsa1024.pem     an RSA 1024-bit key, signed by the CA, valid now, right names
#   client.pem      a client certificate (clientAuth, RSA 2048: CryptoAPI keys are RSA), signed by the CA;
#   client.p12      it and its key as PKCS #12, password "test" (for PFXImportCertStore)
# each with its NAME-key.pem.  Quiet unless certtool fails.
set -e
dir="$1"
[ -n "$dir" ] || { echo "usage: make-certs.sh DIR" >&2; exit 2; }
command -v certtool >/dev/null 2>&1 || { echo "make-certs.sh: certtool not found (install gnutls-bin)" >&2; exit 1; }
mkdir -p "$dir"
cd "$dir"

# quiet CMD...: runs CMD, shows its output only when it fails
quiet() {
    if ! out=$("$@" 2>&1); then
        printf '%s\n' "make-certs.sh: failed: $*" "$out" >&2
        exit 1
    fi
}
key() { quiet certtool --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$1"; }

names='dns_name = "localhost"
ip_address = "127.0.0.1"
ip_address = "::1"'
for n in $PEER_CERT_NAMES; do
    case "$n" in
    *:*|[0-9]*.[0-9]*.[0-9]*.[0-9]*) names="$names
ip_address = \"$n\"" ;;
    *) names="$names
dns_name = \"$n\"" ;;
    esac
done

printf '%s\n' 'cn = "winhttp-wine test CA"' ca cert_signing_key crl_signing_key \
    'activation_date = "2019-01-01 00:00:00 UTC"' 'expiration_days = 3650' > ca.tmpl
key ca-key.pem
quiet certtool --generate-self-signed --load-privkey ca-key.pem --template ca.tmpl --outfile ca.pem

leaf() { # leaf NAME TEMPLATE-LINES...: a server certificate signed by the CA
    name="$1"; shift
    printf '%s\n' "$@" > "$name.tmpl"
    key "$name-key.pem"
    quiet certtool --generate-certificate --load-privkey "$name-key.pem" --load-ca-certificate ca.pem \
        --load-ca-privkey ca-key.pem --template "$name.tmpl" --outfile "$name.pem"
}
leaf server 'cn = "localhost"' "$names" tls_www_server signing_key encryption_key 'expiration_days = 30'
leaf expired 'cn = "localhost"' "$names" tls_www_server signing_key encryption_key \
    'activation_date = "2020-01-01 00:00:00 UTC"' 'expiration_date = "2020-06-01 00:00:00 UTC"'
leaf wronghost 'cn = "wrong.example"' 'dns_name = "wrong.example"' tls_www_server signing_key encryption_key \
    'expiration_days = 30'

printf '%s\n' 'cn = "localhost"' "$names" tls_www_server signing_key encryption_key \
    'expiration_days = 30' > selfsigned.tmpl
key selfsigned-key.pem
quiet certtool --generate-self-signed --load-privkey selfsigned-key.pem --template selfsigned.tmpl \
    --outfile selfsigned.pem
leaf clientauth 'cn = "localhost"' "$names" tls_www_client signing_key encryption_key 'expiration_days = 30'

# issuer NAME PARENT TEMPLATE-LINES...: an intermediate certificate signed by PARENT
issuer() {
    name="$1"; parent="$2"; shift 2
    printf '%s\n' "cn = \"test $name\"" 'expiration_days = 30' "$@" > "$name.tmpl"
    key "$name-key.pem"
    quiet certtool --generate-certificate --load-privkey "$name-key.pem" --load-ca-certificate "$parent.pem" \
        --load-ca-privkey "$parent-key.pem" --template "$name.tmpl" --outfile "$name.pem"
}
# chained NAME ISSUER EXTRA...: a good leaf signed by ISSUER; NAME.pem holds it then EXTRA's certificates
chained() {
    name="$1"; iss="$2"; shift 2
    printf '%s\n' 'cn = "localhost"' "$names" tls_www_server signing_key encryption_key 'expiration_days = 30' \
        > "$name.tmpl"
    key "$name-key.pem"
    quiet certtool --generate-certificate --load-privkey "$name-key.pem" --load-ca-certificate "$iss.pem" \
        --load-ca-privkey "$iss-key.pem" --template "$name.tmpl" --outfile "$name-leaf.pem"
    for f in "$@"; do cat "$f.pem"; done > "$name-rest.pem"
    cat "$name-leaf.pem" "$name-rest.pem" > "$name.pem"
    rm -f "$name-leaf.pem" "$name-rest.pem"
}
issuer int-good ca ca cert_signing_key
chained chain int-good int-good
issuer int-notca ca cert_signing_key signing_key
chained notca int-notca int-notca
issuer int-len0 ca ca cert_signing_key 'path_len = 0'
issuer int-below int-len0 ca cert_signing_key
chained pathlen int-below int-below int-len0
issuer int-nc ca ca cert_signing_key 'nc_permit_dns = "example.com"'
chained nameconst int-nc int-nc

# OCSP responses for server.pem, signed by the CA (openssl ocsp): good and revoked
if command -v openssl >/dev/null 2>&1; then
    serial=$(openssl x509 -in server.pem -noout -serial | sed 's/^serial=//')
    subject=$(openssl x509 -in server.pem -noout -subject -nameopt compat | sed 's/^subject=//')
    end=$(date -u -d '+30 days' +%y%m%d%H%M%SZ)
    quiet openssl ocsp -issuer ca.pem -cert server.pem -no_nonce -reqout ocsp-req.der
    printf 'V\t%s\t\t%s\tunknown\t%s\n' "$end" "$serial" "$subject" > ocsp-good.idx
    printf 'R\t%s\t%s\t%s\tunknown\t%s\n' "$end" "$(date -u -d '-1 day' +%y%m%d%H%M%SZ)" "$serial" "$subject" \
        > ocsp-revoked.idx
    for s in good revoked; do
        quiet openssl ocsp -index "ocsp-$s.idx" -rsigner ca.pem -rkey ca-key.pem -CA ca.pem -reqin ocsp-req.der \
            -respout "ocsp-$s.der" -ndays 7
    done
    rm -f ocsp-req.der ocsp-*.idx
fi
# weak algorithms: a leaf signed with SHA-1, a leaf with an RSA 1024-bit key
leaf sha1 'cn = "localhost"' "$names" tls_www_server signing_key encryption_key 'expiration_days = 30'
quiet certtool --generate-certificate --hash SHA1 --load-privkey sha1-key.pem --load-ca-certificate ca.pem \
    --load-ca-privkey ca-key.pem --template sha1.tmpl --outfile sha1.pem
printf '%s\n' 'cn = "localhost"' "$names" tls_www_server signing_key encryption_key 'expiration_days = 30' \
    > rsa1024.tmpl
quiet certtool --generate-privkey --key-type rsa --bits 1024 --outfile rsa1024-key.pem
quiet certtool --generate-certificate --load-privkey rsa1024-key.pem --load-ca-certificate ca.pem \
    --load-ca-privkey ca-key.pem --template rsa1024.tmpl --outfile rsa1024.pem

# a client certificate for the peers that ask for one, and its PKCS #12
printf '%s\n' 'cn = "winhttp-wine test client"' tls_www_client signing_key 'expiration_days = 30' > client.tmpl
quiet certtool --generate-privkey --key-type rsa --bits 2048 --outfile client-key.pem
quiet certtool --generate-certificate --load-privkey client-key.pem --load-ca-certificate ca.pem \
    --load-ca-privkey ca-key.pem --template client.tmpl --outfile client.pem
quiet certtool --to-p12 --load-privkey client-key.pem --load-certificate client.pem --p12-name "test client" \
    --password test --outder --outfile client.p12
rm -f ./*.tmpl
