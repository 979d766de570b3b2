"""openssl s_server as the program under test, served to stock s_client
(every suite of stock's DEFAULT list at TLS 1.2 with -reconnect, the TLS 1.3
suites with a saved session, groups and HelloRetryRequest, client
certificates, ALPN, OCSP), curl, gnutls-cli and python3; and the refusals."""
import re
import time

import clients
from harness import Group, Scenario

# Stock 3.0's DEFAULT list at TLS 1.2, less PSK and SRP (needs no PSK/SRP
# setup); the same list tests/interop/client_programs.py uses.
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
QUICK12 = {'ECDHE-ECDSA-AES256-GCM-SHA384', 'DHE-RSA-AES128-SHA256', 'AES128-SHA'}
TLS13_SUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256']


def s_server(r, args, cert='server-ec'):
    port = r.port()
    r.start('s_server', ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port,
                         '-cert', r.pem(cert + '.pem'), '-key', r.pem(cert + '.key')] + list(args),
            port=port)
    return port


def with_server(server_args, client_args=(), cert='server-ec', twice=False, stdin='',
                keys=('exit', 'sessions', 'verify', 'alpn', 'ocsp', 'cert_status', 'reasons',
                      'temp_key')):
    def fn(r):
        port = s_server(r, ['-www'] + list(server_args), cert)
        if twice:
            return clients.s_client_twice(r, port, client_args)
        status, out = r.client(['openssl', 's_client', '-connect', '127.0.0.1:%d' % port,
                                '-servername', 'localhost', '-verify_hostname', 'localhost',
                                '-CAfile', r.pem('ca.pem'), '-verify_return_error']
                               + list(client_args), stdin=stdin)
        f = clients.s_client_facts(status, out)
        m = re.search(r'(?:Server|Peer) Temp Key: (.*)$', out, re.M)
        f['temp_key'] = m.group(1) if m else None
        return {k: f[k] for k in keys}
    return fn


def sessions(version, suite, reused):
    """s_client's session lines; it names the suite's own version
    (SSL_CIPHER_get_version): SSLv3 / TLSv1.0 for the CBC-SHA suites."""
    if suite.endswith('-SHA'):
        version = 'TLSv1.0' if suite.startswith('ECDHE') else 'SSLv3'
    return ['New %s %s' % (version, suite)] + ['Reused %s %s' % (version, suite)] * reused


def other_clients(r):
    port = s_server(r, ['-www'])
    c = clients.curl(r, 'https://localhost:%d/' % port)
    g = clients.gnutls_cli(r, port, stdin='GET / HTTP/1.0\r\n\r\n', args=['--resume'])
    p = clients.python_client(r, port, request='GET / HTTP/1.0\\r\\n\\r\\n', twice=True)
    return {'curl': [c['exit'], c['http'], c['tls'], 'Ciphers supported in s_server' in (c['body'] or '')],
            'gnutls': [g['exit'], g['session'], g['resumed']],
            'python': [(x.get('version'), x.get('cipher'), x.get('reused'))
                       for x in p['connections'] or []]}


def xcert(version, cert, client_args=()):
    """s_server -xcert: its certificate callback clears the certificates and
    installs the -xcert chain when SSL_check_chain calls it valid (the
    flags it prints are SSL_check_chain's); the client sees which
    certificate was used."""
    def fn(r):
        port = r.port()
        proc = r.start('s_server', ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port, '-www',
                                    '-cert', r.pem('server-ec.pem'), '-key', r.pem('server-ec.key'),
                                    '-xcert', r.pem(cert + '.pem'), '-xkey', r.pem(cert + '.key')],
                       port=port)
        status, out = r.client(['openssl', 's_client', '-connect', '127.0.0.1:%d' % port, version,
                                '-ign_eof'] + list(client_args), stdin='GET / HTTP/1.0\r\n\r\n')
        f = clients.s_client_facts(status, out)
        m = re.search(r'^Peer signature type: (.*)$', out, re.M)
        # s_server prints the flags as its callback runs, which may be
        # after the client has gone: wait for their last line.
        for _ in range(50):
            log = r.log_of(proc)
            if 'Suite B:' in log:
                break
            time.sleep(0.05)
        flags = re.findall(r'^\t([^:]+): OK$', log, re.M)
        return {'exit': status, 'sessions': f['sessions'], 'peer_sig': m.group(1) if m else None,
                'chain_flags_ok': flags}
    return fn


def scenarios(pki):
    S = Scenario
    out = []
    for suite in TLS12_DEFAULT_SUITES:
        cert = 'server-ec' if 'ECDSA' in suite else 'server-rsa'
        out.append(S('tls12-' + suite, with_server(['-tls1_2', '-cipher', suite],
                                                   ['-tls1_2', '-cipher', suite, '-reconnect'], cert),
                     {'exit': 0, 'sessions': sessions('TLSv1.2', suite, 5),
                      'verify': '0 (ok)', 'reasons': []}, quick=suite in QUICK12))
    for suite in TLS13_SUITES:
        out.append(S('tls13-' + suite, with_server(['-ciphersuites', suite], ['-tls1_3'], twice=True),
                     {'exit': [0, 0], 'sessions': sessions('TLSv1.3', suite, 1)},
                     quick=suite == 'TLS_AES_256_GCM_SHA384'))
    a256 = 'TLS_AES_256_GCM_SHA384'
    out += [
        S('tls13-stateful-resumption', with_server(['-no_ticket'], ['-tls1_3'], twice=True),
          {'exit': [0, 0], 'sessions': sessions('TLSv1.3', a256, 1)}),
        S('tls12-session-id-resumption',
          with_server(['-no_ticket', '-tls1_2'], ['-tls1_2', '-reconnect']),
          {'exit': 0, 'sessions': sessions('TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384', 5)}),
        S('tls13-hrr-p384', with_server(['-groups', 'P-384'], ['-tls1_3']),
          {'exit': 0, 'temp_key': 'ECDH, secp384r1, 384 bits', 'sessions': sessions('TLSv1.3', a256, 0)},
          quick=True),
        S('tls12-x25519', with_server(['-groups', 'X25519'], ['-tls1_2']),
          {'exit': 0, 'temp_key': 'X25519, 253 bits'}),
        S('client-cert-tls13', with_server(['-Verify', '1', '-CAfile', r'%s/ca.pem' % pki],
                                           ['-tls1_3', '-cert', '%s/client-ec.pem' % pki,
                                            '-key', '%s/client-ec.key' % pki]),
          {'exit': 0, 'sessions': sessions('TLSv1.3', a256, 0), 'reasons': []}, quick=True),
        S('client-cert-tls12', with_server(['-Verify', '1', '-CAfile', r'%s/ca.pem' % pki],
                                           ['-tls1_2', '-cert', '%s/client-rsa.pem' % pki,
                                            '-key', '%s/client-rsa.key' % pki, '-reconnect']),
          {'exit': 0, 'sessions': sessions('TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384', 5)}),
        S('alpn', with_server(['-alpn', 'h2,http/1.1'], ['-alpn', 'http/1.1']),
          {'exit': 0, 'alpn': 'http/1.1'}),
        S('ocsp-status', with_server(['-status_file', '%s/server-ec.ocsp' % pki], ['-status']),
          {'exit': 0, 'ocsp': 'successful', 'cert_status': 'good'}),
        S('curl-gnutls-python', other_clients,
          {'curl': [0, '200', 'TLSv1.3 / TLS_AES_256_GCM_SHA384', True],
           'gnutls': [0, '(TLS1.3-X.509)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)', 1],
           'python': [['TLSv1.3', a256, False], ['TLSv1.3', a256, True]]}, quick=True),
        S('xcert-rsa-tls12', xcert('-tls1_2', 'server-rsa'),
          {'exit': 0, 'sessions': ['New TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384'], 'peer_sig': 'RSA-PSS'}),
        S('xcert-rsa-tls13', xcert('-tls1_3', 'server-rsa'),
          {'exit': 0, 'sessions': ['New TLSv1.3 ' + a256], 'peer_sig': 'RSA-PSS'}),
        # The client accepts only ECDSA signatures: SSL_check_chain finds
        # the RSA chain's signature unusable, s_server installs no
        # certificate, the handshake fails.
        S('xcert-rsa-tls13-ecdsa-only', xcert('-tls1_3', 'server-rsa', ['-sigalgs', 'ECDSA+SHA256']),
          {'exit': 1, 'sessions': ['New (NONE) (NONE)'],
           'chain_flags_ok': ['CA signature', 'EE key parameters', 'CA key parameters',
                                                         'Issuer Name', 'Certificate Type']}),
        # Failures.
        S('client-cert-absent-tls13', with_server(['-Verify', '1', '-CAfile', '%s/ca.pem' % pki],
                                                  ['-tls1_3', '-ign_eof'], stdin='x\n'),
          {'exit': 1, 'reasons': ['tlsv13 alert certificate required']}, quick=True),
        S('client-cert-absent-tls12', with_server(['-Verify', '1', '-CAfile', '%s/ca.pem' % pki],
                                                  ['-tls1_2']),
          {'exit': 1, 'reasons': ['sslv3 alert handshake failure']}),
        S('version-refused', with_server(['-tls1_3'], ['-tls1_2']),
          {'exit': 1, 'reasons': ['tlsv1 alert protocol version']}, quick=True),
        S('no-shared-cipher', with_server(['-tls1_2', '-cipher', 'AES128-SHA'],
                                          ['-tls1_2', '-cipher', 'AES256-SHA']),
          {'exit': 1, 'reasons': ['sslv3 alert handshake failure']}),
        S('wrong-ca', with_server([], [], cert='server-untrusted'),
          {'exit': 1, 'verify': '20 (unable to get local issuer certificate)',
           'reasons': ['certificate verify failed']}),
        S('host-mismatch', with_server([], [], cert='server-wronghost'),
          {'exit': 1, 'verify': '62 (hostname mismatch)', 'reasons': ['certificate verify failed']}),
    ]
    return out


GROUPS = [Group('openssl s_server', 'server', scenarios, needs=['openssl'],
                short='s_server')]
