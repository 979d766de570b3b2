"""Stock clients (curl, openssl s_client, gnutls-cli, python3's ssl) run by
the matrix's scenarios, each returning the facts its output shows: exit
status, body, version and suite, ALPN, resumption, and for a failure the
reason the client names (the alert it received, or its verification error).

These clients run on stock libssl whatever the run; the program under test
is on the other end.  (In the client-role groups the same helpers read the
peer's view.)
"""
import json
import re

PYTHON = '/usr/bin/python3'  # Debian's, linked against the system libssl

# error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:...
SSL_REASON = re.compile(r'error:[0-9A-F]{8}:SSL routines:[^:]*:([^:\n)]+)')


def ssl_reasons(out):
    """The SSL reason strings in out, first seen first, once each."""
    seen = []
    for r in SSL_REASON.findall(out):
        r = r.strip().rstrip(',')
        r = re.sub(r', errno \d+$', '', r)
        if r not in seen:
            seen.append(r)
    return seen


def _first(regex, out, group=1):
    m = re.search(regex, out, re.M)
    return m.group(group) if m else None


def curl(r, url, ca=None, args=(), resolve=None, cert=None, under_test=False):
    """curl GET url: exit, http status, body, version / suite, ALPN, error
    (under_test: curl itself is the program on this run's libssl)."""
    body = r.path('curl-body-%d' % len(r.transcript))
    cmd = ['curl', '-sS', '-v', '--max-time', '20', '-o', body, '-w', 'http %{http_code}\n']
    cmd += ['--cacert', ca or r.pem('ca.pem')]
    if resolve:
        cmd += ['--resolve', resolve]
    if cert:
        cmd += ['--cert', r.pem(cert + '.pem'), '--key', r.pem(cert + '.key')]
    status, out = r.client(cmd + list(args) + [url], under_test=under_test)
    facts = {'exit': status, 'http': _first(r'^http (\d+)', out),
             'body': r.read(body) if status == 0 else None,
             'tls': _first(r'SSL connection using (\S+ / \S+)', out),
             'alpn': _first(r'ALPN: server accepted (\S+)', out)}
    err = _first(r'^curl: \(\d+\) (.*)$', out)
    if err:
        facts['error'] = re.sub(r':\d+ *$', ':PORT', re.sub(r'OpenSSL/[\d.]+: ', '', err))
    return facts


def s_client(r, port, args=(), stdin='', servername='localhost', ca=None, timeout=30):
    """openssl s_client (verifying against the test CA unless ca=False):
    exit, sessions ['New TLSv1.3 TLS_AES_256_GCM_SHA384', 'Reused ...'], the
    verification result, ALPN, OCSP status, SSL reasons of a failure."""
    cmd = ['openssl', 's_client', '-connect', '127.0.0.1:%d' % port]
    if servername:
        cmd += ['-servername', servername]
    if ca is not False:
        cmd += ['-CAfile', ca or r.pem('ca.pem'), '-verify_return_error']
    status, out = r.client(cmd + list(args), stdin=stdin, timeout=timeout)
    return s_client_facts(status, out)


def s_client_twice(r, port, args=(), restart=None):
    """Two s_client runs: the first sends an HTTP/1.0 request and reads to
    the end (so a TLS 1.3 ticket has arrived) and saves its session; the
    second offers it.  restart(), if given, runs between them."""
    sess = r.path('s_client-%d.sess' % len(r.transcript))
    a = s_client(r, port, list(args) + ['-ign_eof', '-sess_out', sess],
                 stdin='GET / HTTP/1.0\r\nHost: localhost\r\n\r\n')
    if restart:
        restart()
    b = s_client(r, port, list(args) + ['-sess_in', sess])
    return {'exit': [a['exit'], b['exit']], 'sessions': a['sessions'] + b['sessions']}


def s_client_facts(status, out):
    # (s_server -www's page repeats the session lines: they are the server's)
    out = re.sub(r'HTTP/1\.[01] 200 ok.*?</HTML>', '', out, flags=re.S | re.I)
    return {'exit': status,
            'sessions': ['%s %s %s' % m for m in
                         re.findall(r'^(New|Reused), (\S+), Cipher is (\S+)$', out, re.M)],
            'verify': _first(r'Verify return code: (\d+ \(.*\))', out),
            'alpn': _first(r'^ALPN protocol: (.*)$', out),
            'ocsp': _first(r'OCSP Response Status: (\S+)', out),
            'cert_status': _first(r'Cert Status: (\S+)', out),
            'reasons': ssl_reasons(out)}


def gnutls_cli(r, port, args=(), stdin='', ca=None, host='localhost'):
    """gnutls-cli (an independent TLS stack): exit, the session description,
    resumption, the fatal error it names."""
    cmd = ['gnutls-cli', '--port', str(port), '--x509cafile', ca or r.pem('ca.pem')]
    status, out = r.client(cmd + list(args) + [host], stdin=stdin)
    return {'exit': status,
            'session': _first(r'^- Description: (.*)$', out),
            'resumed': out.count('This is a resumed session'),
            'fatal': _first(r'\*\*\* Fatal error: (.*)$', out) or _first(r'^\*\*\* (.*failed.*)$', out)}


PY_CLIENT = r'''
import json, socket, ssl, sys
port, ca, host, req, alpn, cert, tls, twice, read = sys.argv[1:10]
ctx = ssl.create_default_context(cafile=ca)
if alpn:
    ctx.set_alpn_protocols(alpn.split(','))
if cert:
    ctx.load_cert_chain(cert + '.pem', cert + '.key')
if tls:
    ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, tls)
out, session = [], None
for i in range(2 if twice else 1):
    try:
        with socket.create_connection(('127.0.0.1', int(port)), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname=host, session=session) as s:
                s.sendall(req.encode().replace(b'\\n', b'\n'))
                data = b''
                while read:
                    try:
                        chunk = s.recv(4096)
                    except ssl.SSLZeroReturnError:
                        break
                    if not chunk:
                        break
                    data += chunk
                out.append({'version': s.version(), 'cipher': s.cipher()[0],
                            'alpn': s.selected_alpn_protocol(), 'reused': s.session_reused,
                            'data': data.decode(errors='replace')})
                session = s.session
    except (ssl.SSLError, OSError) as e:
        out.append({'error': getattr(e, 'reason', None) or type(e).__name__})
print(json.dumps(out))
'''


def python_client(r, port, request='', host='localhost', alpn='', cert='', tls='', twice=False,
                  ca=None, read=True):
    """python3's ssl module as a client: a list of per-connection facts."""
    status, out = r.client([PYTHON, '-c', PY_CLIENT, str(port), ca or r.pem('ca.pem'), host,
                            request, alpn, r.pem(cert) if cert else '', tls, '1' if twice else '',
                            '1' if read else ''])
    try:
        conns = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        conns = None
    return {'exit': status, 'connections': conns}
