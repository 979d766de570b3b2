#!/usr/bin/env python3
"""Client scenarios compared with stock: for each, a real server is started,
tests/diff/diff_connect runs against it twice (stock libssl, then ours
preloaded), and the two outputs must be identical.

usage: connect_diff.py SCENARIO OUR_LIB DIFF_CONNECT PKI_DIR RUN_DIFF
       connect_diff.py --list
"""
import difflib
import os
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402


def s_server(pki, cert='server-ec', extra=()):
    return lambda: peers.SServer(['-cert', os.path.join(pki, cert + '.pem'),
                                  '-key', os.path.join(pki, cert + '.key'), '-rev']
                                 + list(extra))


def gnutls(pki, cert='server-ec', priority=None):
    return lambda: peers.GnutlsServ(os.path.join(pki, cert + '.pem'),
                                    os.path.join(pki, cert + '.key'), priority)


def hangs_up_after_client_hello(conn):
    peers.read_client_hello(conn)


def answers_http(conn):
    peers.read_client_hello(conn)
    conn.sendall(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')


def resets_on_client_hello(conn):
    # Waits for the ClientHello, then drops the connection with a reset
    # (unread data, no linger): the client's read fails the same way every
    # time, where a bare close raced the reset against the FIN.
    select.select([conn], [], [], 5)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))


def corrupting_proxy(pki, cert, extra, msg_type):
    """A proxy to a real TLS 1.2 s_server that flips the last byte of the
    first plaintext handshake message of msg_type (its signature, for a
    ServerKeyExchange) on its way to the client."""
    def start():
        backend = s_server(pki, cert, ['-tls1_2'] + list(extra))()

        def relay(conn):
            with socket.create_connection(('127.0.0.1', backend.port)) as up:
                flip_in_flight(conn, up, msg_type)

        proxy = peers.ScriptedServer(relay)
        proxy.backend = backend
        old_close = proxy.close

        def close():
            old_close()
            backend.close()
        proxy.close = close
        return proxy
    return start


def flip_in_flight(client, server, msg_type):
    pending, done = b'', False
    for sock in (client, server):
        sock.settimeout(5)
    while True:
        ready, _, _ = select.select([client, server], [], [], 5)
        if not ready:
            return
        for sock in ready:
            data = sock.recv(65536)
            if not data:
                return
            if sock is client:
                server.sendall(data)
                continue
            if not done:
                # Records from the server: the handshake before its CCS is in
                # the clear; find the message and corrupt its last byte.
                pending += data
                buf = bytearray(pending)
                i = 0
                while i + 5 <= len(buf):
                    ln = int.from_bytes(buf[i + 3:i + 5], 'big')
                    if i + 5 + ln > len(buf):
                        break
                    if buf[i] == 22 and buf[i + 5] == msg_type:
                        mlen = int.from_bytes(buf[i + 6:i + 9], 'big')
                        buf[i + 5 + 4 + mlen - 1] ^= 0x01
                        done = True
                    i += 5 + ln
                if done or i > 0:
                    client.sendall(bytes(buf[:i]))
                    pending = bytes(buf[i:])
                if done and pending:
                    client.sendall(pending)
                    pending = b''
                continue
            client.sendall(data)


def scripted(handler):
    return lambda: peers.ScriptedServer(handler)


def scenarios(pki):
    ca = 'ca=' + os.path.join(pki, 'ca.pem')
    req = 'request=hello shimssl\n'
    base = [ca, 'host=localhost', req]
    sc = {
        # Certificates and signature algorithms.
        'ecdsa-p256': (s_server(pki), base),
        'ecdsa-p384': (s_server(pki, 'server-ec384'), base),
        'rsa': (s_server(pki, 'server-rsa'), base),
        'rsa-pss': (s_server(pki, 'server-rsapss'), base),
        'ed25519': (s_server(pki, 'server-ed25519'), base),
        # The whole connection through the SSL BIOs (BIO_f_ssl over a connect BIO).
        'bio-connect': (s_server(pki), base + ['bio=connect']),
        # (no data: a read through the buffering BIO blocks on stock too)
        'bio-buffer-connect': (s_server(pki), [ca, 'host=localhost', 'bio=buffer']),
        'bio-connect-tls12': (s_server(pki, extra=['-tls1_2']), base + ['bio=connect']),
        'bio-connect-unknown-ca': (s_server(pki), ['ca=/dev/null', 'host=localhost', req, 'bio=connect']),
        # Cipher suites.
        'aes128gcm': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_128_GCM_SHA256']), base),
        'aes256gcm': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_256_GCM_SHA384']), base),
        'chacha20': (s_server(pki, extra=['-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256']), base),
        'aes128ccm': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_128_CCM_SHA256']),
                      base + ['suites=TLS_AES_128_CCM_SHA256']),
        'aes128ccm8': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_128_CCM_8_SHA256']),
                       base + ['suites=TLS_AES_128_CCM_8_SHA256']),
        # Key exchange groups; those we do not share first force a HelloRetryRequest.
        'x25519': (s_server(pki, extra=['-groups', 'X25519']), base),
        'hrr-p256': (s_server(pki, extra=['-groups', 'P-256']), base),
        'hrr-p384': (s_server(pki, extra=['-groups', 'P-384']), base),
        'hrr-p521': (s_server(pki, extra=['-groups', 'P-521']), base),
        'hrr-x448': (s_server(pki, extra=['-groups', 'X448']), base),
        'hrr-ffdhe2048': (s_server(pki, extra=['-groups', 'ffdhe2048']), base),
        'p256-first': (s_server(pki, extra=['-groups', 'P-256']), base + ['groups=P-256:X25519']),
        # Features.
        'alpn': (s_server(pki, extra=['-alpn', 'h2,http/1.1']), base + ['alpn=http/1.1,h2']),
        # A session is resumable only after a clean shutdown: dropping the
        # connection without close_notify marks it not resumable.
        'resume': (s_server(pki), base + ['resume=1', 'shutdown=1']),
        'resume-unclean': (s_server(pki), base + ['resume=1']),
        'keyupdate': (s_server(pki), base + ['keyupdate=1']),
        'shutdown': (s_server(pki), base + ['shutdown=1']),
        'client-cert': (s_server(pki, extra=['-Verify', '1', '-CAfile', os.path.join(pki, 'ca.pem')]),
                        base + ['cert=' + os.path.join(pki, 'client-ec.pem'),
                                'key=' + os.path.join(pki, 'client-ec.key')]),
        'client-cert-absent': (s_server(pki, extra=['-verify', '1', '-CAfile',
                                                    os.path.join(pki, 'ca.pem')]), base),
        # The info, message and key-log callbacks: same events, same order.
        'trace-tls13': (s_server(pki), base + ['trace=1', 'shutdown=1']),
        'trace-tls13-resume': (s_server(pki), base + ['trace=1', 'shutdown=1', 'resume=1']),
        'trace-tls13-hrr': (s_server(pki, extra=['-groups', 'P-256']), base + ['trace=1']),
        'trace-tls12': (s_server(pki, extra=['-tls1_2']), base + ['trace=1', 'shutdown=1']),
        'trace-tls12-resume': (s_server(pki, extra=['-tls1_2']),
                               base + ['trace=1', 'shutdown=1', 'resume=1']),
        'trace-keyupdate': (s_server(pki), base + ['trace=1', 'keyupdate=1']),
        'trace-unknown-ca': (s_server(pki, 'server-untrusted'), base + ['trace=1']),
        # Non-blocking I/O and BIO pairs down to tiny buffers.
        'nonblock': (s_server(pki), base + ['io=nonblock']),
        'biopair-17000': (s_server(pki), base + ['io=biopair:17000']),
        'biopair-100': (s_server(pki), base + ['io=biopair:100']),
        'biopair-1': (s_server(pki), base + ['io=biopair:1']),
        # Failures: same return values, errors and verify results as stock.
        'unknown-ca': (s_server(pki, 'server-untrusted'), base),
        'unknown-ca-verify-none': (s_server(pki, 'server-untrusted'), base + ['verify=none']),
        'wrong-host': (s_server(pki, 'server-wronghost'), base),
        'tls12-only-server': (s_server(pki, extra=['-tls1_2']), base + ['min=1.3']),
        'not-tls': (scripted(answers_http), base),
        'hangup': (scripted(hangs_up_after_client_hello), base),
        'reset': (scripted(resets_on_client_hello), base),
        'no-shared-suite': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_128_CCM_SHA256']), base),
    }
    # TLS 1.2: every suite of stock's DEFAULT list that needs no PSK or SRP,
    # the server forced to TLS 1.2 and to that one suite.
    for suite in TLS12_DEFAULT_SUITES:
        cert = 'server-ec' if 'ECDSA' in suite else 'server-rsa'
        sc['tls12-' + suite] = (s_server(pki, cert, ['-tls1_2', '-cipher', suite]), base)
    sc['tls12-resume-ticket'] = (s_server(pki, extra=['-tls1_2']),
                                 base + ['resume=1', 'shutdown=1'])
    sc['tls12-resume-session-id'] = (s_server(pki, extra=['-tls1_2', '-no_ticket']),
                                     base + ['resume=1', 'shutdown=1'])
    # gnutls-serv: an independent TLS stack (echo mode).
    sc['gnutls-tls13'] = (gnutls(pki), base)
    sc['gnutls-tls13-rsa'] = (gnutls(pki, 'server-rsa'), base)
    sc['gnutls-tls12'] = (gnutls(pki, priority='NORMAL:-VERS-TLS1.3'), base)
    sc['gnutls-tls12-no-ems'] = (gnutls(pki, priority='NORMAL:-VERS-TLS1.3:%NO_SESSION_HASH'),
                                 base)
    # Renegotiation: gnutls-serv sends a HelloRequest when it reads this.
    reneg = [ca, 'host=localhost', 'request=**REHANDSHAKE**\n', 'trace=1']
    sc['renegotiate'] = (gnutls(pki, priority='NORMAL:-VERS-TLS1.3'), reneg)
    sc['renegotiate-refused'] = (gnutls(pki, priority='NORMAL:-VERS-TLS1.3'),
                                 reneg + ['noreneg=1'])
    # Post-handshake client authentication: gnutls-serv asks for a
    # certificate after the handshake when it reads this.
    reauth = [ca, 'host=localhost', 'request=**REAUTH**\n', 'pha=1', 'trace=1']
    sc['pha'] = (gnutls(pki), reauth + ['cert=' + os.path.join(pki, 'client-ec.pem'),
                                        'key=' + os.path.join(pki, 'client-ec.key')])
    sc['pha-no-certificate'] = (gnutls(pki), reauth)
    sc['pha-not-offered'] = (gnutls(pki), [ca, 'host=localhost', 'request=**REAUTH**\n'])
    sc['client-renegotiate'] = (
        s_server(pki, extra=['-tls1_2', '-client_renegotiation']),
        base + ['clientreneg=1', 'trace=1'])
    sc['client-renegotiate-refused'] = (s_server(pki, extra=['-tls1_2']),
                                        base + ['clientreneg=1'])
    sc['client-renegotiate-tls13'] = (s_server(pki), base + ['clientreneg=1'])
    # Key-exchange checks: DH parameters below the security level, and a
    # ServerKeyExchange whose signature was tampered with on the way.
    sc['tls12-weak-dh'] = (
        s_server(pki, 'server-rsa', ['-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
                                     '-dhparam', os.path.join(pki, 'dh1024.pem')]), base)
    sc['tls12-bad-ske-signature'] = (
        corrupting_proxy(pki, 'server-ec', ['-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256'], 12), base)
    sc['tls12-bad-ske-signature-rsa'] = (
        # RSA names whichever padding check the corrupted value fails first,
        # which varies from run to run (stock's too): lib 4's reason is left out.
        corrupting_proxy(pki, 'server-rsa', ['-cipher', 'ECDHE-RSA-AES128-GCM-SHA256'], 12),
        base + ['reasonless=4'])
    sc['gnutls-tls12-cbc-no-etm'] = (
        gnutls(pki, priority='NORMAL:-VERS-TLS1.3:-AEAD:%NO_ETM'), base)
    sc['tls12-cbc-no-etm'] = (s_server(pki, 'server-rsa', ['-tls1_2', '-no_etm', '-cipher',
                                                           'ECDHE-RSA-AES128-SHA256']), base)
    sc['tls12-client-cert'] = (s_server(pki, extra=['-tls1_2', '-Verify', '1', '-CAfile',
                                                    os.path.join(pki, 'ca.pem')]),
                               base + ['cert=' + os.path.join(pki, 'client-ec.pem'),
                                       'key=' + os.path.join(pki, 'client-ec.key')])
    sc['tls12-max-client'] = (s_server(pki), base + ['max=1.2'])
    sc['tls12-no-shared-cipher'] = (s_server(pki, extra=['-tls1_2', '-cipher', 'AES128-SHA']),
                                    base + ['ciphers=ECDHE-ECDSA-AES128-GCM-SHA256'])
    # TLS 1.0 and 1.1 as each security level allows them: at stock's default
    # (level 2 on Debian) the old versions' MD5+SHA1 signatures are refused;
    # at level 0, with the client's minimum lowered, they are spoken.
    for v, flag in (('1.0', '-tls1'), ('1.1', '-tls1_1')):
        name = 'tls' + v.replace('.', '')
        old = ['-cipher', 'DEFAULT:@SECLEVEL=0', flag]
        sc[name + '-default'] = (s_server(pki, 'server-rsa', old), base)
        sc[name + '-default-min'] = (s_server(pki, 'server-rsa', old), base + ['min=' + v])
        sc[name + '-seclevel0'] = (s_server(pki, 'server-rsa', old),
                                   base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=0'])
        sc[name + '-seclevel1'] = (s_server(pki, 'server-rsa', old),
                                   base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=1'])
        sc[name + '-seclevel0-ecdsa'] = (s_server(pki, 'server-ec', old),
                                         base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=0'])
        sc[name + '-seclevel0-cbc-rsa-kx'] = (
            s_server(pki, 'server-rsa', old + ['-cipher', 'AES128-SHA:@SECLEVEL=0']),
            base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=0'])
        # Our CertificateVerify under the old versions' signatures.
        for kind in ('rsa', 'ec'):
            sc[name + '-seclevel0-client-cert-' + kind] = (
                s_server(pki, 'server-rsa', old + ['-Verify', '1', '-CAfile',
                                                   os.path.join(pki, 'ca.pem')]),
                base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=0',
                        'cert=' + os.path.join(pki, 'client-%s.pem' % kind),
                        'key=' + os.path.join(pki, 'client-%s.key' % kind)])
    # OCSP stapling (status_request): in TLS 1.3 the response rides in the
    # Certificate message, in TLS 1.2 in CertificateStatus; the callback sees
    # it either way, and refusing it ends the handshake as stock does.
    # max_fragment_length (RFC 6066): a 3000-byte line echoed in records of
    # at most 512 bytes, both ways; and a mode outside 1..4 refused.
    line = 'request=' + 'x' * 3000 + '\n'
    sc['mfl-tls13'] = (s_server(pki), base + ['mfl=1', line])
    sc['mfl-tls12'] = (s_server(pki, extra=['-tls1_2']), base + ['mfl=1', line])
    sc['mfl-tls12-4096'] = (s_server(pki, extra=['-tls1_2']), base + ['mfl=4', line])
    sc['mfl-bad-mode'] = (s_server(pki), base + ['mfl=5'])
    # A client certificate supplied by an ENGINE (SSL_CTX_set_client_cert_engine).
    engine = ['engine_cert=' + os.path.join(pki, 'client-ec.pem'),
              'engine_key=' + os.path.join(pki, 'client-ec.key')]
    verify = ['-Verify', '1', '-CAfile', os.path.join(pki, 'ca.pem')]
    sc['client-cert-engine-tls13'] = (s_server(pki, extra=verify), base + engine)
    sc['client-cert-engine-tls12'] = (s_server(pki, extra=verify + ['-tls1_2']), base + engine)
    # Certificate callbacks that ask to be called again (SSL_ERROR_WANT_X509_LOOKUP),
    # then supply the certificate: the handshake resumes at the same callback.
    cbfiles = ['cbcert=' + os.path.join(pki, 'client-ec.pem'),
               'cbkey=' + os.path.join(pki, 'client-ec.key')]
    for v, flag in (('13', []), ('12', ['-tls1_2'])):
        sc['cert-cb-retry-tls' + v] = (s_server(pki, extra=verify + flag),
                                       base + cbfiles + ['certcb=2'])
        sc['client-cert-cb-retry-tls' + v] = (s_server(pki, extra=verify + flag),
                                              base + cbfiles + ['clientcertcb=2'])
        sc['client-cert-cb-none-tls' + v] = (s_server(pki, extra=verify + flag),
                                             base + ['clientcertcb=1'])
    # Our client signature algorithms narrow what the CertificateVerify uses.
    for v, flag in (('13', []), ('12', ['-tls1_2'])):
        sc['client-cert-sigalgs-tls' + v] = (
            s_server(pki, extra=verify + flag),
            base + engine + ['client_sigalgs=ECDSA+SHA384:ECDSA+SHA512'])
    # Next protocol negotiation: TLS 1.2 only (a TLS 1.3 server ignores the
    # offer, which the ClientHello after a HelloRetryRequest repeats).
    npn_srv = ['-nextprotoneg', 'spdy/2,http/1.1']
    sc['npn-tls12'] = (s_server(pki, extra=npn_srv + ['-tls1_2']), base + ['npn=http/1.1,h2'])
    sc['npn-tls12-no-overlap'] = (s_server(pki, extra=npn_srv + ['-tls1_2']), base + ['npn=h2'])
    sc['npn-tls12-resume'] = (s_server(pki, extra=npn_srv + ['-tls1_2']),
                              base + ['npn=http/1.1', 'resume=1', 'shutdown=1'])
    sc['npn-tls12-trace'] = (s_server(pki, extra=npn_srv + ['-tls1_2']),
                             base + ['npn=http/1.1', 'trace=1'])
    sc['npn-tls13'] = (s_server(pki, extra=npn_srv), base + ['npn=http/1.1'])
    sc['npn-hrr-trace'] = (s_server(pki, extra=npn_srv + ['-groups', 'P-256']),
                           base + ['npn=http/1.1', 'trace=1'])
    ocsp = ['-status_file', os.path.join(pki, 'server-ec.ocsp')]
    sc['ocsp-tls13'] = (s_server(pki, extra=ocsp), base + ['status=1'])
    sc['ocsp-tls12'] = (s_server(pki, extra=ocsp + ['-tls1_2']), base + ['status=1'])
    sc['ocsp-tls13-rejected'] = (s_server(pki, extra=ocsp), base + ['status=reject'])
    sc['ocsp-tls12-rejected'] = (s_server(pki, extra=ocsp + ['-tls1_2']), base + ['status=reject'])
    sc['ocsp-none-tls13'] = (s_server(pki), base + ['status=1'])
    sc['ocsp-none-tls12'] = (s_server(pki, extra=['-tls1_2']), base + ['status=1'])
    return sc


# Stock 3.0's DEFAULT list at TLS 1.2, less the PSK and SRP suites
# (`openssl ciphers -s -tls1_2 DEFAULT`).
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


# ClientHellos compared field by field (random values excepted): each is
# captured by a server that reads it and hangs up.
CLIENTHELLOS = {
    'default': [],
    'tls12-max': ['max=1.2'],
    'tls13-only': ['min=1.3'],
    'groups': ['groups=P-384:X25519:ffdhe2048'],
    'alpn': ['alpn=h2,http/1.1'],
    'suites': ['suites=TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_8_SHA256'],
    'ciphers': ['ciphers=ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384'],
    'no-sni': [],
}


def parse_client_hello(data):
    """The ClientHello's fields that must match stock, random ones reduced
    to their lengths."""
    if len(data) < 9 or data[0] != 22 or data[5] != 1:
        return ['not a ClientHello: %r' % data[:16]]
    b = data[9:]
    out = ['record version %s' % data[1:3].hex(), 'legacy_version %s' % b[0:2].hex()]
    i = 34
    out.append('session id length %d' % b[i])
    i += 1 + b[i]
    n = int.from_bytes(b[i:i + 2], 'big')
    out.append('suites %s' % b[i + 2:i + 2 + n].hex())
    i += 2 + n
    out.append('compression %s' % b[i + 1:i + 1 + b[i]].hex())
    i += 1 + b[i]
    end = i + 2 + int.from_bytes(b[i:i + 2], 'big')
    i += 2
    while i < end:
        t = int.from_bytes(b[i:i + 2], 'big')
        ln = int.from_bytes(b[i + 2:i + 4], 'big')
        body = b[i + 4:i + 4 + ln]
        if t == 51:  # key_share: groups and share lengths
            shares, j = [], 2
            while j < len(body):
                g, kl = int.from_bytes(body[j:j + 2], 'big'), int.from_bytes(body[j + 2:j + 4], 'big')
                shares.append('%04x/%d' % (g, kl))
                j += 4 + kl
            out.append('ext 51 key_share %s' % ' '.join(shares))
        elif t in (21, 35, 41):  # padding, ticket, pre_shared_key: lengths only
            out.append('ext %d length %d' % (t, ln))
        else:
            out.append('ext %d %s' % (t, body.hex()))
        i += 4 + ln
    return out


def capture_client_hello(prog, args, env):
    captured = []
    with peers.ScriptedServer(lambda conn: captured.append(peers.read_client_hello(conn))) as srv:
        subprocess.run([prog, str(srv.port)] + args, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
    return parse_client_hello(captured[0]) if captured else ['no ClientHello']


def compare_client_hellos(variant, lib, prog, pki):
    args = ['ca=' + os.path.join(pki, 'ca.pem')] + CLIENTHELLOS[variant]
    if variant != 'no-sni':
        args.append('host=localhost')
    stock = capture_client_hello(prog, args, peers.CLEAN_ENV)
    ours = capture_client_hello(prog, args, dict(peers.CLEAN_ENV, LD_PRELOAD=os.path.abspath(lib)))
    if stock == ours:
        print('ok: %d ClientHello fields identical' % len(stock))
        return 0
    print('FAIL: ClientHello differs (- stock, + ours):')
    sys.stdout.writelines(difflib.unified_diff([x + '\n' for x in stock], [x + '\n' for x in ours]))
    return 1


# Scenarios that wait for a missing piece; --list leaves them out so that
# the test suite stays honest.
PENDING = set()


EXPORTERS = {'tls13': [], 'tls12': ['-tls1_2']}


def check_exporter(variant, lib, prog, pki):
    """The keying material we export (RFC 5705 / 8446 7.5) equals what
    s_server exports on its side of the same connection, stock and ours."""
    label = 'EXPERIMENTAL shimssl'
    failed = 0
    for who, env in (('stock', peers.CLEAN_ENV),
                     ('ours', dict(peers.CLEAN_ENV, LD_PRELOAD=os.path.abspath(lib)))):
        # One connection, then s_server exits, which flushes what it printed.
        # Not -rev: only s_server's interactive mode prints the connection
        # details, keying material included.
        with peers.SServer(['-cert', os.path.join(pki, 'server-ec.pem'),
                            '-key', os.path.join(pki, 'server-ec.key'),
                            '-keymatexport', label, '-keymatexportlen', '32', '-naccept', '1']
                           + EXPORTERS[variant]) as srv:
            out = subprocess.run([prog, str(srv.port), 'ca=' + os.path.join(pki, 'ca.pem'),
                                  'host=localhost', 'export=' + label],
                                 env=env, stdout=subprocess.PIPE, text=True, timeout=30).stdout
            mine = [ln.split(': ')[1] for ln in out.splitlines() if ln.startswith('exported 1')]
            srv.proc.wait(timeout=10)
            time.sleep(0.2)  # the reader thread takes the last lines
            theirs = [ln.split(': ')[1].strip() for ln in srv.log if 'Keying material:' in ln]
        ok = len(mine) == 1 and mine == theirs
        print('%s: exported %s, server %s -> %s' % (who, mine, theirs, 'ok' if ok else 'FAIL'))
        failed += not ok
    return 1 if failed else 0


def main():
    if sys.argv[1] == '--list':
        names = (list(scenarios('/')) + ['clienthello-' + v for v in CLIENTHELLOS]
                 + ['exporter-' + v for v in EXPORTERS])
        print('\n'.join(sorted(n for n in names if n not in PENDING)))
        return 0
    name, lib, prog, pki, run_diff = sys.argv[1:6]
    if name.startswith('clienthello-'):
        return compare_client_hellos(name[len('clienthello-'):], lib, prog, pki)
    if name.startswith('exporter-'):
        return check_exporter(name[len('exporter-'):], lib, prog, pki)
    subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), 'make_certs.sh'), pki],
                   check=True)
    server, args = scenarios(pki)[name]
    with server() as peer:
        r = subprocess.run([run_diff, lib, prog, str(peer.port)] + args,
                           env=peers.CLEAN_ENV)
    return r.returncode


if __name__ == '__main__':
    sys.exit(main())
