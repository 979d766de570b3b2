#!/usr/bin/env python3
"""shimssl demo: a stock `openssl s_server` on loopback, unmodified curl
preloaded with our libssl, and what the two negotiated.

While the handshake is not implemented, says which step curl's path through
libssl reaches first that is still unsupported, and exits non-zero.

usage: demo.py OUR_LIB STATUS.tsv
"""
import os
import re
import select
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abi_protos import read_status  # noqa: E402

# The libssl calls curl makes, in order, to fetch an https:// page.
CURL_PATH = [
    ('SSL_CTX_new', 'create a context'),
    ('SSL_CTX_set_options', 'configure the context'),
    ('SSL_CTX_load_verify_locations', 'load the trusted CA'),
    ('SSL_new', 'create a connection'),
    ('SSL_set_fd', 'attach the socket'),
    ('SSL_connect', 'the TLS handshake'),
    ('SSL_get_current_cipher', 'report the cipher'),
    ('SSL_write', 'send the request'),
    ('SSL_read', 'read the response'),
    ('SSL_shutdown', 'close the connection'),
]


def make_cert(d):
    key, cert = os.path.join(d, 'key.pem'), os.path.join(d, 'cert.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                    'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
                    '-days', '1', '-subj', '/CN=localhost', '-addext',
                    'subjectAltName=DNS:localhost,IP:127.0.0.1'],
                   check=True, capture_output=True, env=dict(os.environ, LD_PRELOAD=''))
    return key, cert


def start_server(key, cert):
    """Stock s_server on an ephemeral loopback port; returns (process, port)."""
    proc = subprocess.Popen(['openssl', 's_server', '-accept', '127.0.0.1:0', '-key', key,
                             '-cert', cert, '-www'],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, LD_PRELOAD=''))
    deadline = time.time() + 10
    while time.time() < deadline:
        if not select.select([proc.stdout], [], [], 0.5)[0]:
            continue
        line = proc.stdout.readline()
        m = re.search(r'ACCEPT 127\.0\.0\.1:(\d+)', line or '')
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            break
    proc.kill()
    sys.exit('demo: openssl s_server did not start')


def main():
    lib, status_path = sys.argv[1:3]
    status = read_status(status_path)
    with tempfile.TemporaryDirectory() as d:
        key, cert = make_cert(d)
        server, port = start_server(key, cert)
        try:
            print('Server: stock openssl s_server on 127.0.0.1:%d (ECDSA P-256 certificate)' % port)
            print('Client: %s, preloaded with %s' % ('/usr/bin/curl', lib))
            r = subprocess.run(['curl', '-sS', '-v', '--max-time', '10', '--cacert', cert,
                                'https://localhost:%d/' % port],
                               capture_output=True, text=True,
                               env=dict(os.environ, LD_PRELOAD=lib))
        finally:
            server.kill()
            server.wait()
    neg = re.search(r'SSL connection using (\S+) / (\S+)', r.stderr)
    if r.returncode == 0 and neg:
        print('Negotiated: %s with %s' % (neg.group(1), neg.group(2)))
        alpn = re.search(r'ALPN: server accepted (\S+)', r.stderr)
        if alpn:
            print('ALPN: %s' % alpn.group(1))
        print('Response: %d bytes; curl exit status 0' % len(r.stdout))
        return 0
    print('curl failed (exit status %d): %s' % (r.returncode, r.stderr.strip().splitlines()[-1]
                                               if r.stderr.strip() else 'no message'))
    for fn, what in CURL_PATH:
        st = status[fn][0]
        if st == 'unsupported':
            print('Missing step: %s (%s) is not implemented yet in shimssl.' % (fn, what))
            break
    else:
        print('Every step curl needs is implemented; see the curl message above.')
    return 1


if __name__ == '__main__':
    sys.exit(main())
