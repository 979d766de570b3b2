"""curl under test as a client, for the options the other groups do not
use: --pinnedpubkey (a hash and a key file; matching and not) and --curves
(the groups offered, read back from stock s_server's -www page, and a
refusal when no group is shared).  The peer is a stock s_server -www."""
import base64
import hashlib
import re
import subprocess

import clients
from harness import Group, Scenario


def pubkey_der(pem):
    """The SubjectPublicKeyInfo of a certificate, DER (what curl pins)."""
    pub = subprocess.run(['openssl', 'x509', '-in', pem, '-pubkey', '-noout'], check=True,
                         capture_output=True).stdout
    return subprocess.run(['openssl', 'pkey', '-pubin', '-outform', 'DER'], input=pub, check=True,
                          capture_output=True).stdout


def pin_hash(r, cert):
    return 'sha256//' + base64.b64encode(hashlib.sha256(pubkey_der(r.pem(cert + '.pem'))).digest()).decode()


def pin_file(r, cert):
    path = r.path(cert + '-pub.der')
    with open(path, 'wb') as fh:
        fh.write(pubkey_der(r.pem(cert + '.pem')))
    return path


def curl(args, server_args=()):
    """args(r) -> curl's extra arguments."""
    def fn(r):
        port = r.port()
        r.start('s_server', ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port,
                             '-cert', r.pem('server-ec.pem'), '-key', r.pem('server-ec.key'),
                             '-www'] + list(server_args), port=port, under_test=False)
        f = clients.curl(r, 'https://localhost:%d/' % port, args=args(r), under_test=True)
        body = f.pop('body') or ''
        f['groups'] = re.findall(r'^(Supported|Shared) groups: (.*)$', body, re.M) or None
        return f
    return fn


def scenarios(pki):
    S = Scenario
    ok = {'exit': 0, 'http': '200', 'tls': 'TLSv1.3 / TLS_AES_256_GCM_SHA384'}
    pinned_wrong = {'exit': 90, 'error': 'SSL: public key does not match pinned public key'}
    return [
        S('pinnedpubkey-hash', curl(lambda r: ['--pinnedpubkey', pin_hash(r, 'server-ec')]), ok,
          quick=True),
        S('pinnedpubkey-file', curl(lambda r: ['--pinnedpubkey', pin_file(r, 'server-ec')]), ok),
        S('pinnedpubkey-mismatch', curl(lambda r: ['--pinnedpubkey', pin_hash(r, 'server-rsa')]),
          pinned_wrong, quick=True),
        S('pinnedpubkey-mismatch-tls12', curl(lambda r: ['--tls-max', '1.2', '--pinnedpubkey',
                                                         pin_file(r, 'server-rsa')]), pinned_wrong),
        S('curves', curl(lambda r: ['--curves', 'X25519:P-384']),
          dict(ok, groups=[['Supported', 'x25519:secp384r1'], ['Shared', 'x25519:secp384r1']]),
          quick=True),
        S('curves-hrr', curl(lambda r: ['--curves', 'X25519:P-384'], ['-groups', 'P-384']),
          dict(ok, groups=[['Supported', 'x25519:secp384r1'], ['Shared', 'secp384r1']])),
        S('curves-tls12', curl(lambda r: ['--tls-max', '1.2', '--curves', 'P-521:P-256']),
          {'exit': 0, 'tls': 'TLSv1.2 / ECDHE-ECDSA-AES256-GCM-SHA384',
           'groups': [['Supported', 'secp521r1:secp256r1'], ['Shared', 'secp521r1:secp256r1']]}),
        # TLS 1.2 (RFC 8422 5.1): the groups offered also bound the curve of
        # an ECDSA certificate; the server's is P-256, so stock's s_server
        # finds no shared cipher.
        S('curves-tls12-cert-curve-not-offered', curl(lambda r: ['--tls-max', '1.2', '--curves', 'P-521']),
          {'exit': 35, 'error': 'error:0A000410:SSL routines::sslv3 alert handshake failure'}),
        S('curves-none-shared', curl(lambda r: ['--curves', 'X25519'], ['-groups', 'P-384']),
          {'exit': 35, 'error': 'error:0A000410:SSL routines::sslv3 alert handshake failure'}),
    ]


GROUPS = [Group('curl', 'client', scenarios, needs=['curl'])]
