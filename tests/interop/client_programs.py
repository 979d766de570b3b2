#!/usr/bin/env python3
"""Unmodified client programs (curl, openssl s_client, python3's ssl and
urllib) talking to real servers (stock openssl s_server, nginx, gnutls-serv)
on loopback, once on stock libssl and once with our library preloaded.

Each scenario states what must be seen: the client's exit status, and lines
its output must contain (the page fetched, the suite, "Reused"; for a
refusal, the client's message naming the failure).  Both runs must meet it,
so an expectation that stock does not meet is a broken test, not a pass; a
run killed by a signal or with a sanitizer report fails whatever it printed.

usage: client_programs.py SCENARIO OUR_LIB PKI_DIR
       client_programs.py --list
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
import runs  # noqa: E402

PAGE = 'hello from shimssl\n'
PYTHON = '/usr/bin/python3'  # Debian's, linked against the system libssl


def s_server_www(pki, cert='server-ec', extra=()):
    """s_server answering HTTP GETs for PAGE from a scratch directory."""
    def start():
        www = os.path.join(pki, 'www')
        os.makedirs(www, exist_ok=True)
        # Tests run in parallel and share the directory: the page is
        # replaced whole, never seen truncated by another test's server.
        tmp = os.path.join(www, 'page.txt.%d' % os.getpid())
        with open(tmp, 'w') as fh:
            fh.write(PAGE)
        os.replace(tmp, os.path.join(www, 'page.txt'))
        srv = peers.SServer(['-cert', os.path.join(pki, cert + '.pem'),
                             '-key', os.path.join(pki, cert + '.key'), '-WWW']
                            + list(extra), cwd=www)
        return srv
    return start


def nginx(pki, cert='server-ec', extra=''):
    def start():
        srv = peers.Nginx(os.path.join(pki, cert + '.pem'), os.path.join(pki, cert + '.key'),
                          extra, page=PAGE, page_name='page.txt')
        return srv
    return start


def gnutls(pki, cert='server-ec', priority=None, http=False):
    return lambda: peers.GnutlsServ(os.path.join(pki, cert + '.pem'),
                                    os.path.join(pki, cert + '.key'), priority, http=http)


def curl(ca, extra=()):
    """curl fetching /page.txt; prints the page then the suite it used."""
    return lambda port: (['curl', '-sS', '--cacert', ca, '--tlsv1.3', '--tls-max', '1.3']
                         + list(extra)
                         + ['-w', '\\nstatus %{http_code}\\n',
                            'https://localhost:%d/page.txt' % port])


def curl12(ca, twice=False, verbose=False):
    """curl at TLS 1.2 (verbose when it fetches twice, to show resumption, or
    when asked, to show the suite)."""
    def cmd(port):
        url = 'https://localhost:%d/page.txt' % port
        return (['curl', '-sS', '--cacert', ca, '--tlsv1.2', '--tls-max', '1.2']
                + (['-v'] if twice or verbose else [])
                + ['-w', '\\nstatus %{http_code}\\n', url] + ([url] if twice else []))
    return cmd


# Stock 3.0's DEFAULT list at TLS 1.2, less PSK and SRP (see connect_diff.py).
TLS12_DEFAULT_SUITES = [
    'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'DHE-RSA-CHACHA20-POLY1305',
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384', 'DHE-RSA-AES256-SHA256',
    'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256', 'DHE-RSA-AES128-SHA256',
    'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'DHE-RSA-AES256-SHA',
    'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'DHE-RSA-AES128-SHA',
    'AES256-GCM-SHA384', 'AES128-GCM-SHA256', 'AES256-SHA256', 'AES128-SHA256',
    'AES256-SHA', 'AES128-SHA',
]


def s_client(ca, extra=(), stdin='Q\n'):
    return lambda port: (['openssl', 's_client', '-connect', '127.0.0.1:%d' % port,
                          '-servername', 'localhost', '-verify_hostname', 'localhost',
                          '-CAfile', ca, '-verify_return_error', '-brief'] + list(extra),
                         stdin)


def s_client_resume(ca, pki):
    """Two s_client runs: the first fetches a page (so the tickets arrive)
    and saves the session, the second resumes it."""
    sess = os.path.join(pki, 'www', 's_client.sess')
    common = ('openssl s_client -connect 127.0.0.1:%%d -servername localhost -CAfile %s '
              '-verify_return_error' % ca)
    script = ("printf 'GET /page.txt HTTP/1.0\\r\\n\\r\\n' | %s -ign_eof -sess_out %s"
              " && %s -sess_in %s </dev/null")
    return lambda port: ['sh', '-c', script % (common % port, sess, common % port, sess)]


PY_FETCH = r'''
import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[1])
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
with urllib.request.urlopen('https://localhost:%s/page.txt' % sys.argv[2], context=ctx) as r:
    sys.stdout.write(r.read().decode())
'''

PY_RESUME = r'''
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
def get(session=None):
    with socket.create_connection(('127.0.0.1', int(sys.argv[2]))) as raw:
        with ctx.wrap_socket(raw, server_hostname='localhost', session=session) as s:
            s.sendall(b'GET /page.txt HTTP/1.0\r\n\r\n')
            data = b''
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            print(s.version(), s.cipher()[0], 'reused' if s.session_reused else 'new')
            return s.session
sess = get()
get(sess)
'''


def python(ca, script=PY_FETCH):
    return lambda port: [PYTHON, '-c', script, ca, str(port)]


def scenarios(pki):
    ca = os.path.join(pki, 'ca.pem')
    other_ca = os.path.join(pki, 'other-ca.pem')
    sc = {}
    # curl fetches a page over TLS 1.3 with each suite and each certificate type.
    for suite in ('TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384',
                  'TLS_CHACHA20_POLY1305_SHA256'):
        sc['curl-' + suite] = (s_server_www(pki, extra=['-ciphersuites', suite]), curl(ca),
                               0, [PAGE.strip(), 'status 200'])
    for cert in ('server-ec', 'server-rsa', 'server-ed25519', 'server-ec384', 'server-rsapss'):
        sc['curl-' + cert] = (s_server_www(pki, cert), curl(ca), 0, [PAGE.strip()])
    # TLS 1.2: every suite of stock's DEFAULT list, then resumption of the
    # session by ticket and by id (a second fetch in the same curl run offers
    # it; the server's certificate then crosses the wire only once).
    for suite in TLS12_DEFAULT_SUITES:
        cert = 'server-ec' if 'ECDSA' in suite else 'server-rsa'
        sc['curl-tls12-' + suite] = (s_server_www(pki, cert, ['-tls1_2', '-cipher', suite]),
                                     curl12(ca), 0, [PAGE.strip(), 'status 200'])
    once = lambda out: out.count('TLS handshake, Certificate (11)') == 1  # noqa: E731
    sc['curl-tls12-resume-ticket'] = (s_server_www(pki, extra=['-tls1_2']),
                                      curl12(ca, twice=True), 0, [PAGE.strip()], once)
    sc['curl-tls12-resume-session-id'] = (s_server_www(pki, extra=['-tls1_2', '-no_ticket']),
                                          curl12(ca, twice=True), 0, [PAGE.strip()], once)
    # nginx at TLS 1.2, once per suite family (DHE needs its parameters),
    # and resuming by session id and by ticket.
    dhparam = 'ssl_dhparam %s;' % os.path.join(pki, 'ffdhe2048.pem')
    for cert, suite, extra in (('server-ec', 'ECDHE-ECDSA-AES256-GCM-SHA384', ''),
                               ('server-rsa', 'ECDHE-RSA-CHACHA20-POLY1305', ''),
                               ('server-rsa', 'DHE-RSA-AES128-GCM-SHA256', dhparam),
                               ('server-rsa', 'AES128-GCM-SHA256', ''),
                               ('server-rsa', 'ECDHE-RSA-AES128-SHA256', '')):
        sc['curl-nginx-tls12-' + suite] = (
            nginx(pki, cert, 'ssl_ciphers %s; %s' % (suite, extra)), curl12(ca, verbose=True), 0,
            [PAGE.strip(), 'status 200', 'SSL connection using TLSv1.2 / ' + suite])
    sc['curl-nginx-tls12-resume-session-id'] = (
        nginx(pki, extra='ssl_session_cache shared:s:1m; ssl_session_tickets off;'),
        curl12(ca, twice=True), 0, [PAGE.strip()], once)
    sc['curl-nginx-tls12-resume-ticket'] = (nginx(pki, extra='ssl_session_tickets on;'),
                                            curl12(ca, twice=True), 0, [PAGE.strip()], once)
    sc['curl-nginx'] = (nginx(pki), curl(ca), 0, [PAGE.strip(), 'status 200'])
    sc['curl-nginx-rsa'] = (nginx(pki, 'server-rsa'), curl(ca), 0, [PAGE.strip()])
    sc['curl-gnutls'] = (gnutls(pki, http=True), curl(ca, ['-o', '/dev/null']), 0, ['status 200'])
    # Refusals: curl's exit 60 is "peer certificate cannot be authenticated".
    sc['curl-wrong-host'] = (s_server_www(pki, 'server-wronghost'), curl(ca), 60,
                             ["no alternative certificate subject name matches target host name 'localhost'"])
    sc['curl-unknown-ca'] = (s_server_www(pki), curl(other_ca), 60,
                             ['SSL certificate problem: unable to get local issuer certificate'])
    # openssl s_client: the handshake summary, and a session saved and resumed.
    sc['s_client'] = (s_server_www(pki), s_client(ca), 0,
                      ['Protocol version: TLSv1.3', 'Verification: OK'])
    sc['s_client-gnutls'] = (gnutls(pki), s_client(ca), 0, ['Protocol version: TLSv1.3'])
    sc['s_client-tls12'] = (s_server_www(pki), s_client(ca, ['-tls1_2']), 0,
                            ['Protocol version: TLSv1.2',
                             'Ciphersuite: ECDHE-ECDSA-AES256-GCM-SHA384', 'Verification: OK'])
    sc['s_client-gnutls-tls12'] = (gnutls(pki, priority='NORMAL:-VERS-TLS1.3'), s_client(ca), 0,
                                   ['Protocol version: TLSv1.2'])
    sc['s_client-resume'] = (s_server_www(pki), s_client_resume(ca, pki), 0,
                             ['New, TLSv1.3', 'Reused, TLSv1.3'])
    sc['s_client-unknown-ca'] = (s_server_www(pki), s_client(other_ca), 1,
                                 ['unable to get local issuer certificate'])
    # Python: urllib over the ssl module, and session resumption.
    sc['python-urllib'] = (s_server_www(pki), python(ca), 0, [PAGE.strip()])
    sc['python-urllib-nginx'] = (nginx(pki, 'server-rsa'), python(ca), 0, [PAGE.strip()])
    sc['python-resume'] = (nginx(pki, extra='ssl_session_tickets on;'), python(ca, PY_RESUME), 0,
                           ['TLSv1.3 TLS_AES_256_GCM_SHA384 new',
                            'TLSv1.3 TLS_AES_256_GCM_SHA384 reused'])
    sc['python-unknown-ca'] = (s_server_www(pki), python(other_ca), 1,
                               ['CERTIFICATE_VERIFY_FAILED'])
    return sc


# Clients that wait for a missing piece; --list leaves them out.
PENDING = set()

# In a sanitizer build (SHIM_SANITIZER_PRELOAD set) our library goes into
# these uninstrumented programs behind the sanitizer runtime.  Programs named
# here by prefix cannot run that way:
SANITIZER_EXCLUDED = {
    # Debian 12's curl hangs at start-up with libasan preloaded, even without
    # our library (LD_PRELOAD=libasan.so curl --version never returns).
    'curl-': 'curl hangs when libasan is preloaded',
}
# and these run without LeakSanitizer:
SANITIZER_NO_LEAK_CHECK = {
    # Python does not free its objects at exit: LeakSanitizer reports the
    # interpreter's own blocks and the SSL_CTX (with its X509_STORE) that an
    # uncollected SSLContext still holds.  Our leaks are checked by the
    # instrumented differential programs and by the valgrind tests.
    'python-': 'Python leaks its own objects at exit',
}


def sanitized():
    return bool(runs.SANITIZER_PRELOAD)


def excluded(name):
    return sanitized() and any(name.startswith(p) for p in SANITIZER_EXCLUDED)


def run_client(cmd, env):
    stdin = None
    if isinstance(cmd, tuple):
        cmd, stdin = cmd
    try:
        r = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=env, text=True, timeout=30)
        return r.returncode, r.stdout
    except subprocess.TimeoutExpired as e:
        return 'timeout', (e.stdout or b'').decode(errors='replace') \
            if isinstance(e.stdout, bytes) else (e.stdout or '')


def main():
    if sys.argv[1] == '--list':
        print('\n'.join(sorted(n for n in scenarios('/') if n not in PENDING and not excluded(n))))
        return 0
    name, lib, pki = sys.argv[1:4]
    subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), 'make_certs.sh'),
                    pki], check=True)
    server, client, want_status, want_lines, *check = scenarios(pki)[name]
    if not want_lines:
        print('FAIL: the scenario names no output to expect')
        return 1
    failed = False
    with server() as peer:
        leak_check = not any(name.startswith(p) for p in SANITIZER_NO_LEAK_CHECK)
        for label, env in (('stock', runs.stock_env()), ('ours', runs.ours_env(lib, leak_check))):
            status, out = run_client(client(peer.port), env)
            missing = [w for w in want_lines if w not in out]
            bad = runs.problems(status, out)
            ok = (status == want_status and not missing and not bad
                  and all(c(out) for c in check))
            print('%s: exit %s (want %s)%s%s -> %s' % (
                label, status, want_status,
                ', missing %r' % missing if missing else '',
                ', ' + ', '.join(bad) if bad else '', 'ok' if ok else 'FAIL'))
            if not ok:
                failed = True
                print('  ' + out.replace('\n', '\n  ')[-3000:])
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
