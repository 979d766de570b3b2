#!/bin/sh
# Test PKI, made with the stock openssl command: a trusted CA, servers with
# ECDSA P-256/P-384/P-521, RSA-2048, RSA-PSS, Ed25519 and Ed448 keys, client
# keys, an intermediate CA (int-ca) with a server and a client certificate
# under it (server-chain, client-chain; the *-full.pem files hold leaf and
# intermediate), an unrelated CA for "unknown CA" tests with a server and a
# client certificate under it, weak and sound DH parameters, and a stapled
# OCSP response for server-ec.  Names: localhost, 127.0.0.1, ::1.
#
# Certificates and the OCSP response are valid for 30 days and are remade
# whenever they are older than 7 days or expire within 2 days
# (checked on every call: each interop test calls this first), so a build
# tree never ages into tests that compare two expiry failures.  DH
# parameters do not expire and are kept.
#
# usage: make_certs.sh DIR
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
# (meson points LD_LIBRARY_PATH at our library: the PKI is made by stock.)
unset LD_PRELOAD LD_LIBRARY_PATH
o() { openssl "$@" 2>/dev/null; }

# Tests run in parallel and each calls this: one makes, the others wait.
exec 9>.lock
flock 9

# Every file a complete PKI has (a tree missing one is remade).
ALL="ca.pem other-ca.pem int-ca.pem server-ec.pem server-ec384.pem server-ec521.pem server-rsa.pem
     server-rsapss.pem server-ed25519.pem server-ed448.pem server-untrusted.pem server-wronghost.pem
     server-chain.pem server-chain-full.pem client-ec.pem client-rsa.pem client-chain.pem
     client-chain-full.pem client-untrusted.pem"

# A PKI that is old, or has a certificate near its end, is remade whole.
stale=0
if [ ! -f done ] || [ -n "$(find done -mmin +$((7 * 24 * 60)))" ]; then
    stale=1
elif ! ls $ALL >/dev/null 2>&1; then
    stale=1 # (a tree made before a file was added to the PKI)
elif ! o x509 -in server-ec.pem -noout -checkend $((2 * 24 * 3600)) >/dev/null; then
    stale=1 # (all are made together: one stands for all, and a clock moved on)
fi
if [ "$stale" -eq 1 ]; then
    rm -f done ./*.key ca.srl other-ca.srl int-ca.srl server-ec.ocsp
    for c in *.pem; do
        case "$c" in dh1024.pem|ffdhe2048.pem) ;; *) rm -f "$c" ;; esac
    done
fi
# 1024-bit DH parameters (RFC 5114's group), too weak for security level 2.
[ -f dh1024.pem ] || o genpkey -genparam -algorithm DH -pkeyopt dh_rfc5114:1 -out dh1024.pem
# A named 2048-bit group (RFC 7919) for servers that need DH parameters.
[ -f ffdhe2048.pem ] || o genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out ffdhe2048.pem
if [ ! -f done ]; then

o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 30 -subj /CN=shimssl-test-ca -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign
o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other-ca.key \
    -out other-ca.pem -days 30 -subj /CN=shimssl-other-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign

issue() { # name keyalg-args... ; SAN from $san
    name=$1; shift
    o genpkey "$@" -out "$name.key"
    o req -new -key "$name.key" -out "$name.csr" -subj "/CN=$cn"
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' \
        "$san" "$eku" > "$name.ext"
    o x509 -req -in "$name.csr" -CA "${ca:-ca}.pem" -CAkey "${ca:-ca}.key" -CAcreateserial \
        -days 30 -out "$name.pem" -extfile "$name.ext"
    rm -f "$name.csr" "$name.ext"
}
cn=localhost san=DNS:localhost,IP:127.0.0.1,IP:::1 eku=serverAuth
issue server-ec -algorithm EC -pkeyopt ec_paramgen_curve:P-256
issue server-ec384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
issue server-rsa -algorithm RSA -pkeyopt rsa_keygen_bits:2048
issue server-rsapss -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048
issue server-ed25519 -algorithm ED25519
issue server-ec521 -algorithm EC -pkeyopt ec_paramgen_curve:P-521
issue server-ed448 -algorithm ED448
ca=other-ca issue server-untrusted -algorithm EC -pkeyopt ec_paramgen_curve:P-256
cn=wrong.example san=DNS:wrong.example eku=serverAuth issue server-wronghost -algorithm EC -pkeyopt ec_paramgen_curve:P-256
cn=shimssl-client san=DNS:client.example eku=clientAuth issue client-ec -algorithm EC -pkeyopt ec_paramgen_curve:P-256
cn=shimssl-client san=DNS:client.example eku=clientAuth issue client-rsa -algorithm RSA -pkeyopt rsa_keygen_bits:2048
cn=shimssl-client san=DNS:client.example eku=clientAuth ca=other-ca issue client-untrusted -algorithm EC -pkeyopt ec_paramgen_curve:P-256
# The intermediate CA, signed by the CA, and a leaf of each kind under it.
o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out int-ca.key
o req -new -key int-ca.key -out int-ca.csr -subj /CN=shimssl-intermediate-ca
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > int-ca.ext
o x509 -req -in int-ca.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -out int-ca.pem \
    -extfile int-ca.ext
rm -f int-ca.csr int-ca.ext
ca=int-ca issue server-chain -algorithm EC -pkeyopt ec_paramgen_curve:P-256
cn=shimssl-chain-client san=DNS:client.example eku=clientAuth ca=int-ca issue client-chain -algorithm EC -pkeyopt ec_paramgen_curve:P-256
cat server-chain.pem int-ca.pem > server-chain-full.pem
cat client-chain.pem int-ca.pem > client-chain-full.pem
touch done
fi

# "good" for server-ec, signed by the CA itself, valid 30 days (s_server -status_file).
if [ ! -f server-ec.ocsp ]; then
    serial=$(o x509 -in server-ec.pem -noout -serial | cut -d= -f2)
    printf 'V\t%s\t\t%s\tunknown\t/CN=localhost\n' \
        "$(date -u -d '+30 days' +%y%m%d%H%M%SZ)" "$serial" > ocsp-index.txt
    o ocsp -issuer ca.pem -cert server-ec.pem -no_nonce -reqout ocsp-req.der
    o ocsp -index ocsp-index.txt -rsigner ca.pem -rkey ca.key -CA ca.pem -reqin ocsp-req.der \
        -ndays 30 -respout server-ec.ocsp
    rm -f ocsp-req.der ocsp-index.txt
fi
