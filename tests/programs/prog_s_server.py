"""openssl s_server as the program under test, served to stock s_client
(every suite of stock's DEFAULT list at TLS 1.2 with -reconnect, the TLS 1.3
suites with a saved session, every group with and without
HelloRetryRequest, client certificates, post-handshake authentication and
KeyUpdate both ways, ALPN, SNI with a second certificate, OCSP), curl,
gnutls-cli and python3 (ssl and asyncio); and the refusals."""
import json
import re
import subprocess
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
# Every group stock offers by default (s_client -groups), each name as
# s_client prints the server's key share.
TLS13_GROUPS = {
    'X25519': 'X25519, 253 bits', 'P-256': 'ECDH, prime256v1, 256 bits',
    'P-384': 'ECDH, secp384r1, 384 bits', 'P-521': 'ECDH, secp521r1, 521 bits',
    'X448': 'X448, 448 bits', 'ffdhe2048': 'DH, 2048 bits', 'ffdhe3072': 'DH, 3072 bits',
    'ffdhe4096': 'DH, 4096 bits', 'ffdhe6144': 'DH, 6144 bits', 'ffdhe8192': 'DH, 8192 bits',
}
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
        # (with -msg: two ClientHellos when the server asked for a retry)
        f['client_hellos'] = len(re.findall(r'^>>> .*Handshake \[length [0-9a-f]+\], ClientHello$',
                                            out, re.M))
        f['subject'] = (re.findall(r'^subject=(.*)$', out, re.M) or [None])[0]
        f['npn'] = (re.findall(r'^Next protocol: (.*)$', out, re.M) or [None])[0]
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


def sni(client_name, fatal=False):
    """s_server -servername localhost2 -cert2: its servername callback
    switches to the second context (SSL_set_SSL_CTX) when the client names
    the second host, answers a mismatch with a warning (ignored in TLS 1.3)
    or, with -servername_fatal, a fatal unrecognized_name."""
    def fn(r):
        port = s_server(r, ['-www', '-servername', 'wrong.example',
                            '-cert2', r.pem('server-wronghost.pem'), '-key2', r.pem('server-wronghost.key')]
                        + (['-servername_fatal'] if fatal else []))
        status, out = r.client(['openssl', 's_client', '-connect', '127.0.0.1:%d' % port,
                                '-servername', client_name, '-CAfile', r.pem('ca.pem'),
                                '-verify_hostname', client_name, '-verify_return_error', '-ign_eof'],
                               stdin='GET / HTTP/1.0\r\n\r\n')
        f = clients.s_client_facts(status, out)
        return {'exit': status, 'sessions': f['sessions'], 'verify': f['verify'], 'reasons': f['reasons'],
                'subject': (re.findall(r'^subject=(.*)$', out, re.M) or [None])[0]}
    return fn


# -msg lines of handshake messages and alerts: direction and type, and the
# body of a KeyUpdate (its update_requested byte)
MSG_LINE = re.compile(r'^(<<<|>>>) TLS 1\.3, (?:Handshake|Alert) \[length [0-9a-f]+\], (.*)\n'
                      r'(?: +((?:[0-9a-f]{2} ?)+)\n)?', re.M)


def msgs(log):
    return ['%s %s%s' % (d, t, ' [%s]' % h.strip() if t == 'KeyUpdate' else '')
            for d, t, h in MSG_LINE.findall(log)]


def pha_keyupdate(r):
    """s_server without -www reads commands: 'c' asks the client for its
    certificate after the handshake (SSL_verify_client_post_handshake),
    'K' / 'k' send a KeyUpdate with and without update_requested; s_client's
    'k' sends one the other way.  Data crosses both ways after the updates.
    The facts are both sides' -msg lists of handshake messages and alerts
    (ours as the server sees them, stock's s_client as the peer sees them)."""
    port = r.port()
    srv = r.start('s_server', ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port, '-msg',
                               '-cert', r.pem('server-ec.pem'), '-key', r.pem('server-ec.key'),
                               '-CAfile', r.pem('ca.pem')], port=port, stdin=subprocess.PIPE)
    cli = r.start('s_client', ['openssl', 's_client', '-connect', '127.0.0.1:%d' % port, '-msg',
                               '-servername', 'localhost', '-CAfile', r.pem('ca.pem'),
                               '-verify_return_error', '-enable_pha',
                               '-cert', r.pem('client-ec.pem'), '-key', r.pem('client-ec.key')],
                  under_test=False, stdin=subprocess.PIPE)
    steps = []

    def wait(proc, want):
        deadline = time.time() + 10
        while time.time() < deadline and proc.poll() is None:
            if want(r.log_of(proc)):
                return True
            time.sleep(0.05)
        return want(r.log_of(proc))

    def say(proc, line, who, want, label):
        proc.stdin.write(line.encode())
        proc.stdin.flush()
        steps.append(label if wait(who, want) else label + ': not seen')

    def count(kind, direction='<<<'):
        return lambda log: sum(1 for m in msgs(log) if m.startswith(direction + " " + kind))

    steps.append('handshake' if wait(srv, lambda log: 'CIPHER is' in log) else 'handshake: not seen')
    say(srv, 'c\n', srv, lambda log: count('Finished')(log) >= 2, 'post-handshake auth')
    say(srv, 'K\n', cli, lambda log: count('KeyUpdate')(log) >= 1, 'server KeyUpdate requested')
    say(cli, 'k\n', srv, lambda log: count('KeyUpdate')(log) >= 1, 'client KeyUpdate')
    say(cli, 'ping-after-updates\n', srv, lambda log: 'ping-after-updates' in log, 'client data')
    say(srv, 'k\n', cli, lambda log: count('KeyUpdate')(log) >= 2, 'server KeyUpdate')
    say(srv, 'pong-after-updates\n', cli, lambda log: 'pong-after-updates' in log, 'server data')
    say(cli, 'Q\n', srv, lambda log: 'close_notify' in log, 'client closes')
    cli.wait(timeout=10)
    # (the harness's check that the port listens is a connection that
    # closes at once: s_server's log of it comes before the handshake)
    slog, clog = r.log_of(srv), r.log_of(cli)
    slog = slog[slog.find('<<< TLS 1.3, Handshake'):] if '<<< TLS 1.3, Handshake' in slog else slog
    return {'steps': steps, 'server': msgs(slog), 'client': msgs(clog),
            'client_exit': cli.returncode,
            'reasons': clients.ssl_reasons(slog) + clients.ssl_reasons(clog)}


def record_limits(r):
    """The largest record the server sends while s_server -www writes its
    page (a few KB): with the client's max_fragment_length of 512 (RFC 6066
    §4) and with s_server -max_send_frag 700 (SSL_CTX_set_max_send_fragment).
    TLS 1.3 records carry the fragment, one content-type byte and the
    16-byte tag (RFC 8446 §5.2)."""
    out = {}
    for name, server_args, client_args in (('max_fragment_length-512', [], ['-maxfraglen', '512']),
                                           ('max_send_frag-700', ['-max_send_frag', '700'], [])):
        port = s_server(r, ['-www'] + server_args)
        status, log = r.client(['openssl', 's_client', '-connect', '127.0.0.1:%d' % port, '-msg',
                                '-ign_eof'] + client_args, stdin='GET / HTTP/1.0\r\n\r\n')
        # (-msg prints each record header, then its five bytes: type 0x17,
        # version 03 03, length)
        headers = re.findall(r'^<<< TLS 1\.[23], RecordHeader \[length 0005\]\n +17 03 03 (\S\S) (\S\S)$',
                             log, re.M)
        sizes = [int(hi + lo, 16) for hi, lo in headers]
        # (the page is longer than either limit: its largest record is a full one)
        out[name] = {'exit': status, 'largest': max(sizes) if sizes else None}
    return out


PEM_BLOCK = re.compile(r'^-----BEGIN ([A-Z ]+)-----\n.*?^-----END \1-----\n', re.M | re.S)


def introspection(version):
    """What s_server prints of one connection with a client certificate:
    its info callback's state strings (-state), the verify callback, the
    server's view after the handshake (SSL_get_shared_ciphers, the peer's
    and the shared signature algorithms, the peer's signature, the
    supported and shared groups, the suite, secure renegotiation), the
    alerts, SSL_CTX_sess_* counters, and the key-log labels in order."""
    def fn(r):
        port = r.port()
        keylog = r.path('keylog.txt')
        srv = r.start('s_server', ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port, '-state',
                                   '-naccept', '2', '-cert', r.pem('server-ec.pem'),
                                   '-key', r.pem('server-ec.key'), '-verify', '1',
                                   '-CAfile', r.pem('ca.pem'), '-keylogfile', keylog],
                      port=port, stdin=subprocess.PIPE)
        status, _ = r.client(['openssl', 's_client', '-connect', '127.0.0.1:%d' % port, version,
                              '-CAfile', r.pem('ca.pem'), '-cert', r.pem('client-ec.pem'),
                              '-key', r.pem('client-ec.key')], stdin='x\n')
        try:
            # -naccept 2 (the harness's check that the port listens, then
            # this connection): it ends after this one
            srv.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        log = PEM_BLOCK.sub('', r.log_of(srv))
        # (from this connection on)
        log = log[log.rfind('SSL_accept:before SSL initialization\nSSL_accept:before SSL initialization'):]
        return {'client_exit': status, 'server': [ln for ln in log.splitlines() if ln.strip()],
                'keylog': [ln.split(' ')[0] for ln in r.read(keylog).splitlines()
                           if ln.strip() and not ln.startswith('#')]}
    return fn


PY_ASYNCIO_CLIENT = r'''
import asyncio, json, ssl, sys
port, ca = sys.argv[1:3]
async def main():
    ctx = ssl.create_default_context(cafile=ca)
    ctx.set_alpn_protocols(['http/1.1'])
    reader, writer = await asyncio.open_connection('127.0.0.1', int(port), ssl=ctx,
                                                   server_hostname='localhost')
    writer.write(b'GET / HTTP/1.0\r\n\r\n')
    data = await reader.read()
    obj = writer.get_extra_info('ssl_object')
    out = {'version': obj.version(), 'cipher': obj.cipher()[0], 'alpn': obj.selected_alpn_protocol(),
           'status': data.split(b'\r\n', 1)[0].decode()}
    writer.close()
    await writer.wait_closed()
    print(json.dumps(out))
asyncio.run(main())
'''


def asyncio_client(r):
    """python3's asyncio (ssl over its own transport) as the client."""
    port = s_server(r, ['-www', '-alpn', 'h2,http/1.1'])
    status, out = r.client([clients.PYTHON, '-c', PY_ASYNCIO_CLIENT, str(port), r.pem('ca.pem')])
    try:
        return dict(json.loads(out.strip().splitlines()[-1]), exit=status)
    except (ValueError, IndexError):
        return {'exit': status, 'out': out[-300:]}


PHA_STEPS = ['handshake', 'post-handshake auth', 'server KeyUpdate requested', 'client KeyUpdate',
             'client data', 'server KeyUpdate', 'server data', 'client closes']

# What the server sends and reads (RFC 8446 §4.6.2: CertificateRequest, then
# the client's Certificate, CertificateVerify, Finished; §4.6.3: a KeyUpdate
# with update_requested (1) is answered with update_not_requested (0)).  Stock
# sends two new tickets after the client has authenticated, and answers the
# client's close_notify.
PHA_SERVER_MSGS = [
    '<<< ClientHello', '>>> ServerHello', '>>> EncryptedExtensions', '>>> Certificate',
    '>>> CertificateVerify', '>>> Finished', '<<< Finished', '>>> NewSessionTicket', '>>> NewSessionTicket',
    '>>> CertificateRequest', '<<< Certificate', '<<< CertificateVerify', '<<< Finished',
    '>>> NewSessionTicket', '>>> NewSessionTicket',
    '>>> KeyUpdate [18 00 00 01 01]', '<<< KeyUpdate [18 00 00 01 00]', '>>> KeyUpdate [18 00 00 01 00]',
    '<<< warning close_notify', '>>> warning close_notify']


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
    # The CCM suites, off by default on both sides: named on both.
    for suite in ('TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'):
        out.append(S('tls13-' + suite, with_server(['-ciphersuites', suite], ['-tls1_3', '-ciphersuites', suite],
                                                   twice=True),
                     {'exit': [0, 0], 'sessions': sessions('TLSv1.3', suite, 1)}))
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
    ]
    # Each group offered alone (one ClientHello), then the server's only
    # group against s_client's default key share, X25519 (a HelloRetryRequest
    # and a second ClientHello; tls13-hrr-p384 above states the same).
    gkeys = ('exit', 'sessions', 'temp_key', 'client_hellos', 'reasons')
    for group, key in TLS13_GROUPS.items():
        out.append(S('tls13-group-' + group, with_server(['-groups', group], ['-tls1_3', '-groups', group, '-msg'],
                                                         keys=gkeys),
                     {'exit': 0, 'temp_key': key, 'client_hellos': 1, 'reasons': [],
                      'sessions': sessions('TLSv1.3', a256, 0)}))
        if group not in ('X25519', 'P-384'):
            out.append(S('tls13-hrr-' + group, with_server(['-groups', group], ['-tls1_3', '-msg'], keys=gkeys),
                         {'exit': 0, 'temp_key': key, 'client_hellos': 2, 'reasons': [],
                          'sessions': sessions('TLSv1.3', a256, 0)}, quick=group == 'ffdhe2048'))
    out += [
        S('sni-second-cert', sni('wrong.example'),
          {'exit': 0, 'subject': 'CN = wrong.example', 'verify': '0 (ok)', 'reasons': [],
           'sessions': sessions('TLSv1.3', a256, 0)}, quick=True),
        S('sni-default-cert', sni('localhost'),
          {'exit': 0, 'subject': 'CN = localhost', 'verify': '0 (ok)', 'reasons': []}),
        S('sni-mismatch-fatal', sni('other.example', fatal=True),
          {'exit': 1, 'reasons': ['tlsv1 unrecognized name'], 'sessions': ['New (NONE) (NONE)']}),
        S('pha-keyupdate', pha_keyupdate, {'steps': PHA_STEPS, 'reasons': [], 'client_exit': 0,
                                           'server': PHA_SERVER_MSGS}, quick=True),
        S('introspection-tls13', introspection('-tls1_3'),
          {'client_exit': 0, 'keylog': ['SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
                                        'EXPORTER_SECRET', 'SERVER_TRAFFIC_SECRET_0', 'CLIENT_TRAFFIC_SECRET_0']},
          quick=True),
        S('introspection-tls12', introspection('-tls1_2'), {'client_exit': 0, 'keylog': ['CLIENT_RANDOM']}),
        S('record-limits', record_limits,
          {'max_fragment_length-512': {'exit': 0, 'largest': 512 + 1 + 16},
           'max_send_frag-700': {'exit': 0, 'largest': 700 + 1 + 16}}),
        S('python-asyncio', asyncio_client,
          {'exit': 0, 'version': 'TLSv1.3', 'cipher': a256, 'alpn': 'http/1.1', 'status': 'HTTP/1.0 200 ok'}),
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
        # NPN (TLS 1.2 only): the server advertises through
        # SSL_CTX_set_next_protos_advertised_cb, the client picks and sends
        # NextProtocol, which the server reads after ChangeCipherSpec.
        S('npn-tls12', with_server(['-tls1_2', '-nextprotoneg', 'spdy/3,http/1.1'],
                                   ['-tls1_2', '-nextprotoneg', 'http/1.1'],
                                   keys=('exit', 'sessions', 'npn', 'reasons')),
          {'exit': 0, 'npn': '(1) http/1.1', 'reasons': []}),
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
