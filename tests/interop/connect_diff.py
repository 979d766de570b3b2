#!/usr/bin/env python3
"""Client scenarios compared with stock: for each, a real server is started,
tests/diff/diff_connect runs against it twice (stock libssl, then ours
preloaded), and the two outputs must be identical.

usage: connect_diff.py SCENARIO OUR_LIB DIFF_CONNECT PKI_DIR RUN_DIFF
       connect_diff.py --list
"""
import os
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
import runs  # noqa: E402
from clienthello import CLIENTHELLOS, compare_client_hellos  # noqa: E402
from connect_expect import (REQUEST, CONNECTED, VERIFIED, done, resumed, fails,  # noqa: E402
                            negotiated, CERT_VERIFY_FAILED, ALERT_HANDSHAKE_FAILURE,
                            ALERT_PROTOCOL_VERSION, ALERT_INTERNAL_ERROR,
                            ALERT_CERTIFICATE_REQUIRED, LEGACY_SIGALG, WRONG_VERSION_NUMBER,
                            UNEXPECTED_EOF, BAD_SIGNATURE, DH_KEY_TOO_SMALL,
                            INVALID_STATUS_RESPONSE, NO_RENEGOTIATION, WRONG_SSL_VERSION)


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


def tls_hangs_up(pki, tls12=False, after_close_notify=False):
    """A TLS server (Python's ssl module, on stock libssl) that echoes one
    line and then closes the TCP connection without a close_notify: at once,
    or once the client's close_notify has come."""
    extra = (['--tls12'] if tls12 else []) + (['--after-close-notify'] if after_close_notify else [])
    return lambda: peers.HangupServer(os.path.join(pki, 'server-ec.pem'),
                                      os.path.join(pki, 'server-ec.key'), extra)


def scripted(handler):
    return lambda: peers.ScriptedServer(handler)


def scenarios(pki):
    """name -> (server, diff_connect arguments, what stock must print)."""
    ca = 'ca=' + os.path.join(pki, 'ca.pem')
    req = 'request=' + REQUEST
    base = [ca, 'host=localhost', req]
    ok13, ok12 = done(), done('TLSv1.2')
    sc = {
        # Certificates and signature algorithms.
        'ecdsa-p256': (s_server(pki), base, done(sig='id-ecPublicKey')),
        'ecdsa-p384': (s_server(pki, 'server-ec384'), base,
                       [CONNECTED] + negotiated() + ['peer signature type id-ecPublicKey',
                                                     'peer signature hash SHA384', VERIFIED,
                                                     'read back 14 bytes']),
        'rsa': (s_server(pki, 'server-rsa'), base, done(sig='RSASSA-PSS')),
        'rsa-pss': (s_server(pki, 'server-rsapss'), base, done(sig='RSASSA-PSS')),
        'ed25519': (s_server(pki, 'server-ed25519'), base, done(sig='ED25519')),
        # The whole connection through the SSL BIOs (BIO_f_ssl over a connect BIO).
        'bio-connect': (s_server(pki), base + ['bio=connect'],
                        ['do_handshake: 1, retry 0'] + negotiated() + [VERIFIED,
                         'read back 14 bytes, pending 0', 'ssl_shutdown: shutdown state 1']),
        # (no data: a read through the buffering BIO blocks on stock too)
        'bio-buffer-connect': (s_server(pki), [ca, 'host=localhost', 'bio=buffer'],
                               ['do_handshake: 1, retry 0'] + negotiated() + [VERIFIED]),
        'bio-connect-tls12': (s_server(pki, extra=['-tls1_2']), base + ['bio=connect'],
                              ['do_handshake: 1, retry 0'] + negotiated('TLSv1.2')
                              + [VERIFIED, 'read back 14 bytes, pending 0']),
        'bio-connect-unknown-ca': (s_server(pki), ['ca=/dev/null', 'host=localhost', req, 'bio=connect'],
                                   ['do_handshake: -1, retry 0', 'handshake: ' + CERT_VERIFY_FAILED,
                                    'verify result 20 (unable to get local issuer certificate)']),
        # Cipher suites.
        'aes128gcm': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_128_GCM_SHA256']), base,
                      done(cipher='TLS_AES_128_GCM_SHA256')),
        'aes256gcm': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_256_GCM_SHA384']), base,
                      done(cipher='TLS_AES_256_GCM_SHA384')),
        'chacha20': (s_server(pki, extra=['-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256']), base,
                     done(cipher='TLS_CHACHA20_POLY1305_SHA256')),
        'aes128ccm': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_128_CCM_SHA256']),
                      base + ['suites=TLS_AES_128_CCM_SHA256'], done(cipher='TLS_AES_128_CCM_SHA256')),
        'aes128ccm8': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_128_CCM_8_SHA256']),
                       base + ['suites=TLS_AES_128_CCM_8_SHA256'],
                       done(cipher='TLS_AES_128_CCM_8_SHA256')),
        # Key exchange groups; those we do not share first force a HelloRetryRequest.
        'x25519': (s_server(pki, extra=['-groups', 'X25519']), base, done(group='X25519')),
        'hrr-p256': (s_server(pki, extra=['-groups', 'P-256']), base, done(group='prime256v1')),
        'hrr-p384': (s_server(pki, extra=['-groups', 'P-384']), base, done(group='secp384r1')),
        'hrr-p521': (s_server(pki, extra=['-groups', 'P-521']), base, done(group='secp521r1')),
        'hrr-x448': (s_server(pki, extra=['-groups', 'X448']), base, done(group='X448')),
        'hrr-ffdhe2048': (s_server(pki, extra=['-groups', 'ffdhe2048']), base,
                          done(group='ffdhe2048')),
        # Issue 19: a TLS 1.2 server certificate on a curve we did not offer.
        'wrong-curve-tls12': (gnutls(pki, 'server-ec384', 'NORMAL:-VERS-ALL:+VERS-TLS1.2'),
                              base + ['groups=P-256:X25519'],
                              ['groups: 1'] + fails('error lib=20 reason=378 (wrong curve)')),
        'p256-first': (s_server(pki, extra=['-groups', 'P-256']), base + ['groups=P-256:X25519'],
                       ['groups: 1'] + done(group='prime256v1')),
        # Features.  (The server's preference picks h2 from our list.)
        'alpn': (s_server(pki, extra=['-alpn', 'h2,http/1.1']), base + ['alpn=http/1.1,h2'],
                 ['alpn: 0'] + done(alpn='h2')),
        # A session is resumable only after a clean shutdown: dropping the
        # connection without close_notify marks it not resumable.
        'resume': (s_server(pki), base + ['resume=1', 'shutdown=1'], resumed()),
        # With the client cache on, a TLS 1.3 session is used once: stock
        # removes it from the cache when the resumed handshake ends, which
        # marks it not resumable, and the third connection is a full
        # handshake.  A TLS 1.2 session stays resumable.
        'resume-tls13-twice-client-cache': (
            s_server(pki), base + ['resume=2', 'shutdown=1', 'cache=client'],
            ['session cache mode 2'] + resumed()
            + ['-- third connection, the first session again: resumable 0'] + done(reused=0)),
        'resume-tls12-twice-client-cache': (
            s_server(pki, extra=['-tls1_2']), base + ['resume=2', 'shutdown=1', 'cache=client'],
            ['session cache mode 2'] + resumed('TLSv1.2')
            + ['-- third connection, the first session again: resumable 1']
            + done('TLSv1.2', reused=1)),
        # Issue 16 (stunnel, TLS 1.3 resumption): each resumed handshake
        # takes its session out of the client cache and the server's one
        # ticket puts one in, so the cache stays at the first connection's
        # two tickets; a TLS 1.2 session is replaced by the one resumed.
        'resume-tls13-rounds-client-cache': (
            s_server(pki), base + ['rounds=5', 'shutdown=1', 'cache=client'],
            ['session cache mode 2'] + ok13 + ['client cache holds 2 sessions']
            + ['-- round 1: resumable 1'] + done(reused=1) + ['client cache holds 2 sessions']
            + ['-- round 5: resumable 1'] + done(reused=1) + ['client cache holds 2 sessions']),
        'resume-tls12-rounds-client-cache': (
            s_server(pki, extra=['-tls1_2']), base + ['rounds=5', 'shutdown=1', 'cache=client'],
            ['session cache mode 2'] + ok12 + ['client cache holds 1 sessions']
            + ['-- round 5: resumable 1'] + done('TLSv1.2', reused=1)
            + ['client cache holds 1 sessions']),
        # Issue 16 (s_client): the servername callback runs on a client once
        # the server's extensions are in, and the extension-debug callback
        # sees each of them; a fatal answer ends the handshake with its alert.
        'servername-cb-tls13': (s_server(pki), base + ['sncb=ok', 'extdebug=1'],
                                ['  extension from server: type 43, 2 bytes, arg given',
                                 '  extension from server: type 51, 36 bytes, arg given',
                                 'servername callback: name localhost, type 0, alert 112'] + ok13),
        'servername-cb-tls12': (s_server(pki, extra=['-tls1_2']), base + ['sncb=noack', 'extdebug=1'],
                                ['  extension from server: type 35, 0 bytes, arg given',
                                 '  extension from server: type 23, 0 bytes, arg given',
                                 'servername callback: name localhost, type 0, alert 112'] + ok12),
        'servername-cb-warning-tls12': (s_server(pki, extra=['-tls1_2']), base + ['sncb=warning', 'trace=1'],
                                        ['servername callback: name localhost, type 0, alert 112',
                                         '  msg out version 0x0303 type 21 len 2 first 1'] + ok12),
        'servername-cb-fatal-tls13': (s_server(pki), base + ['sncb=fatal'],
                                      ['servername callback: name localhost, type 0, alert 112']
                                      + fails('error lib=20 reason=234 (callback failed)')),
        'servername-cb-fatal-tls12': (s_server(pki, extra=['-tls1_2']), base + ['sncb=fatal'],
                                      ['servername callback: name localhost, type 0, alert 112']
                                      + fails('error lib=20 reason=234 (callback failed)')),
        'resume-unclean': (s_server(pki), base + ['resume=1'],
                           ok13 + ['-- second connection, resuming: session resumable 0']
                           + done(reused=0)),
        'keyupdate': (s_server(pki), base + ['keyupdate=1'],
                      done(echo=None) + ['key_update: 1', 'read back 14 bytes']),
        'shutdown': (s_server(pki), base + ['shutdown=1'],
                     ok13 + ['shutdown: ret 1, SSL_get_error 0', 'shutdown state 3']),
        'client-cert': (s_server(pki, extra=['-Verify', '1', '-CAfile', os.path.join(pki, 'ca.pem')]),
                        base + ['cert=' + os.path.join(pki, 'client-ec.pem'),
                                'key=' + os.path.join(pki, 'client-ec.key')],
                        ['cert: 1', 'key: 1', CONNECTED, 'our signature type id-ecPublicKey',
                         VERIFIED, 'read back 14 bytes']),
        # s_server -verify (lower case) asks for a certificate without requiring one.
        'client-cert-absent': (s_server(pki, extra=['-verify', '1', '-CAfile',
                                                    os.path.join(pki, 'ca.pem')]), base, ok13),
        # Issue 16 (s_client's "Client Certificate Types"): the types a TLS 1.2
        # CertificateRequest lists, none in TLS 1.3; the server's point formats.
        'certtypes-tls12': (s_server(pki, extra=['-tls1_2', '-verify', '1', '-CAfile',
                                                 os.path.join(pki, 'ca.pem')]), base + ['certtypes=1'],
                            done('TLSv1.2', echo=None)
                            + ['certificate types: 3: 1 2 64', 'ec point formats: 3: 0 1 2']),
        'certtypes-none-tls12': (s_server(pki, extra=['-tls1_2']), base + ['certtypes=1'],
                                 done('TLSv1.2', echo=None)
                                 + ['certificate types: 0:', 'ec point formats: 3: 0 1 2']),
        'certtypes-tls13': (s_server(pki, extra=['-verify', '1', '-CAfile', os.path.join(pki, 'ca.pem')]),
                            base + ['certtypes=1'],
                            done(echo=None) + ['certificate types: 0:', 'ec point formats: 0:']),
        # The info, message and key-log callbacks: same events, same order.
        'trace-tls13': (s_server(pki), base + ['trace=1', 'shutdown=1'],
                        ['keylog SERVER_HANDSHAKE_TRAFFIC_SECRET', 'state TLSv1.3 read encrypted extensions',
                         'keylog CLIENT_TRAFFIC_SECRET_0',
                         'info where 0x0020 ret 1 state SSL negotiation finished successfully']
                        + ok13 + ['info where 0x4008 ret 256', 'shutdown state 3']),
        'trace-tls13-resume': (s_server(pki), base + ['trace=1', 'shutdown=1', 'resume=1'],
                               ['keylog CLIENT_TRAFFIC_SECRET_0'] + resumed()),
        'trace-tls13-hrr': (s_server(pki, extra=['-groups', 'P-256']), base + ['trace=1'],
                            ['state SSLv3/TLS read server hello', 'state SSLv3/TLS write client hello',
                             'state SSLv3/TLS read server hello']
                            + done(group='prime256v1')),
        'trace-tls12': (s_server(pki, extra=['-tls1_2']), base + ['trace=1', 'shutdown=1'],
                        ['state SSLv3/TLS read server key exchange', 'keylog CLIENT_RANDOM',
                         'state SSLv3/TLS read finished'] + ok12 + ['info where 0x4008 ret 256']),
        'trace-tls12-resume': (s_server(pki, extra=['-tls1_2']),
                               base + ['trace=1', 'shutdown=1', 'resume=1'], resumed('TLSv1.2')),
        'trace-keyupdate': (s_server(pki), base + ['trace=1', 'keyupdate=1'],
                            done(echo=None) + ['key_update: 1', 'read back 14 bytes']),
        # (alert 0x0230: fatal unknown_ca, sent by the client)
        'trace-unknown-ca': (s_server(pki, 'server-untrusted'), base + ['trace=1'],
                             ['info where 0x4008 ret 560 state error']
                             + fails(CERT_VERIFY_FAILED,
                                     'verify result 20 (unable to get local issuer certificate)')),
        # Non-blocking I/O and BIO pairs down to tiny buffers.
        'nonblock': (s_server(pki), base + ['io=nonblock'], ok13),
        'biopair-17000': (s_server(pki), base + ['io=biopair:17000'],
                          ok13 + ['io biopair:17000: retries seen yes']),
        'biopair-100': (s_server(pki), base + ['io=biopair:100'],
                        ok13 + ['io biopair:100: retries seen yes']),
        'biopair-1': (s_server(pki), base + ['io=biopair:1'], ok13 + ['io biopair:1: retries seen yes']),
        # Failures: same return values, errors and verify results as stock.
        'unknown-ca': (s_server(pki, 'server-untrusted'), base,
                       fails(CERT_VERIFY_FAILED, 'verify result 20 (unable to get local issuer certificate)')),
        'unknown-ca-verify-none': (s_server(pki, 'server-untrusted'), base + ['verify=none'],
                                   done(verify='verify result 20 (unable to get local issuer certificate)')),
        'wrong-host': (s_server(pki, 'server-wronghost'), base,
                       fails(CERT_VERIFY_FAILED, 'verify result 62 (hostname mismatch)')),
        'tls12-only-server': (s_server(pki, extra=['-tls1_2']), base + ['min=1.3'],
                              ['min: 1'] + fails(ALERT_PROTOCOL_VERSION)),
        'not-tls': (scripted(answers_http), base, fails(WRONG_VERSION_NUMBER)),
        'hangup': (scripted(hangs_up_after_client_hello), base, fails(UNEXPECTED_EOF)),
        # A reset is a system error: SSL_ERROR_SYSCALL, nothing on the queue.
        'reset': (scripted(resets_on_client_hello), base,
                  ['connect: ret -1, SSL_get_error 5', 'connect: no error',
                   'state SSLv3/TLS write client hello, init finished 0']),
        # The server hangs up without close_notify: SSL_read returns 0
        # (stock's BIO_read result) with SSL_ERROR_SSL, unexpected eof.
        'eof-after-reply': (tls_hangs_up(pki), base + ['readmore=1'],
                            ok13 + ['read more: ret 0, SSL_get_error 1',
                                    'read more: ' + UNEXPECTED_EOF]),
        'eof-after-reply-tls12': (tls_hangs_up(pki, tls12=True), base + ['readmore=1'],
                                  ok12 + ['read more: ret 0, SSL_get_error 1',
                                          'read more: ' + UNEXPECTED_EOF]),
        # ... after our close_notify: the failure does not make the session
        # unresumable (stock removes a session only with an alert it sends,
        # and sends none once its close_notify is out).
        'eof-after-close-notify': (tls_hangs_up(pki, after_close_notify=True),
                                   base + ['shutdown=1', 'resume=1'],
                                   ok13 + ['shutdown: ret -1, SSL_get_error 1',
                                           'shutdown: ' + UNEXPECTED_EOF]
                                   + ['-- second connection, resuming: session resumable 1']
                                   + done(reused=1)),
        'eof-after-close-notify-tls12': (tls_hangs_up(pki, tls12=True, after_close_notify=True),
                                         base + ['shutdown=1', 'resume=1'],
                                         ok12 + ['shutdown: ret -1, SSL_get_error 1',
                                                 'shutdown: ' + UNEXPECTED_EOF]
                                         + ['-- second connection, resuming: session resumable 1']
                                         + done('TLSv1.2', reused=1)),
        'no-shared-suite': (s_server(pki, extra=['-ciphersuites', 'TLS_AES_128_CCM_SHA256']), base,
                            fails(ALERT_HANDSHAKE_FAILURE)),
    }
    # TLS 1.2: every suite of stock's DEFAULT list that needs no PSK or SRP,
    # the server forced to TLS 1.2 and to that one suite.
    for suite in TLS12_DEFAULT_SUITES:
        cert = 'server-ec' if 'ECDSA' in suite else 'server-rsa'
        sc['tls12-' + suite] = (s_server(pki, cert, ['-tls1_2', '-cipher', suite]), base,
                                done('TLSv1.2', suite))
    sc['tls12-resume-ticket'] = (s_server(pki, extra=['-tls1_2']),
                                 base + ['resume=1', 'shutdown=1'], resumed('TLSv1.2'))
    sc['tls12-resume-session-id'] = (s_server(pki, extra=['-tls1_2', '-no_ticket']),
                                     base + ['resume=1', 'shutdown=1'], resumed('TLSv1.2'))
    # gnutls-serv: an independent TLS stack (echo mode).
    sc['gnutls-tls13'] = (gnutls(pki), base, done(sig='id-ecPublicKey'))
    sc['gnutls-tls13-rsa'] = (gnutls(pki, 'server-rsa'), base, done(sig='RSASSA-PSS'))
    sc['gnutls-tls12'] = (gnutls(pki, priority='NORMAL:-VERS-TLS1.3'), base,
                          done('TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384'))
    sc['gnutls-tls12-no-ems'] = (gnutls(pki, priority='NORMAL:-VERS-TLS1.3:%NO_SESSION_HASH'),
                                 base, done('TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384'))
    # Renegotiation: gnutls-serv sends a HelloRequest when it reads this.
    # (The echo is 16 bytes, plus gnutls-serv's 14-byte notice.)
    reneg = [ca, 'host=localhost', 'request=**REHANDSHAKE**\n', 'trace=1']
    sc['renegotiate'] = (gnutls(pki, priority='NORMAL:-VERS-TLS1.3'), reneg,
                         done('TLSv1.2', echo=None)
                         + ['state SSLv3/TLS read hello request', 'state SSLv3/TLS write client hello',
                            'read back 30 bytes'])
    # (alert 0x0164: warning no_renegotiation)
    sc['renegotiate-refused'] = (gnutls(pki, priority='NORMAL:-VERS-TLS1.3'),
                                 reneg + ['noreneg=1'],
                                 done('TLSv1.2', echo=None)
                                 + ['info where 0x4008 ret 356 state SSLv3/TLS read hello request',
                                    'read back 30 bytes'])
    # Post-handshake client authentication: gnutls-serv asks for a
    # certificate after the handshake when it reads this.
    reauth = [ca, 'host=localhost', 'request=**REAUTH**\n', 'pha=1', 'trace=1']
    sc['pha'] = (gnutls(pki), reauth + ['cert=' + os.path.join(pki, 'client-ec.pem'),
                                        'key=' + os.path.join(pki, 'client-ec.key')],
                 ['verify_client_post_handshake before: 0', WRONG_SSL_VERSION]
                 + done(echo=None)
                 + ['state SSLv3/TLS read server certificate request',
                    'state SSLv3/TLS write client certificate',
                    'state SSLv3/TLS write certificate verify', 'read back 30 bytes'])
    sc['pha-no-certificate'] = (gnutls(pki), reauth,
                                done(echo=None)
                                + ['state SSLv3/TLS read server certificate request',
                                   'state SSLv3/TLS write client certificate',
                                   'state SSLv3/TLS write finished', 'read back 30 bytes'])
    sc['pha-not-offered'] = (gnutls(pki), [ca, 'host=localhost', 'request=**REAUTH**\n'],
                             done(echo=0) + ['read: ret 0, SSL_get_error 1',
                                             'read: ' + ALERT_INTERNAL_ERROR])
    sc['client-renegotiate'] = (
        s_server(pki, extra=['-tls1_2', '-client_renegotiation']),
        base + ['clientreneg=1', 'trace=1'],
        done('TLSv1.2', echo=None) + ['renegotiate: 1, pending 0',
                                      'renegotiation: ret 1, SSL_get_error 0',
                                      'pending 0, renegotiations 1, total 1, secure 1',
                                      'read back 14 bytes'])
    sc['client-renegotiate-refused'] = (s_server(pki, extra=['-tls1_2']),
                                        base + ['clientreneg=1'],
                                        done('TLSv1.2', echo=None)
                                        + ['renegotiate: 1, pending 0',
                                           'renegotiation: ret -1, SSL_get_error 1',
                                           'renegotiation: ' + NO_RENEGOTIATION])
    sc['client-renegotiate-tls13'] = (s_server(pki), base + ['clientreneg=1'],
                                      done(echo=None) + ['renegotiate: 0, pending 0',
                                                         'renegotiation: ' + WRONG_SSL_VERSION,
                                                         'read back 14 bytes'])
    # Key-exchange checks: DH parameters below the security level, and a
    # ServerKeyExchange whose signature was tampered with on the way.
    sc['tls12-weak-dh'] = (
        s_server(pki, 'server-rsa', ['-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
                                     '-dhparam', os.path.join(pki, 'dh1024.pem')]), base,
        fails(DH_KEY_TOO_SMALL))
    sc['tls12-bad-ske-signature'] = (
        corrupting_proxy(pki, 'server-ec', ['-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256'], 12), base,
        fails(BAD_SIGNATURE))
    sc['tls12-bad-ske-signature-rsa'] = (
        # RSA names whichever padding check the corrupted value fails first,
        # which varies from run to run (stock's too): lib 4's reason is left out.
        corrupting_proxy(pki, 'server-rsa', ['-cipher', 'ECDHE-RSA-AES128-GCM-SHA256'], 12),
        base + ['reasonless=4'], fails('error lib=4 (reason not compared)', 'connect: ' + BAD_SIGNATURE))
    sc['gnutls-tls12-cbc-no-etm'] = (
        gnutls(pki, priority='NORMAL:-VERS-TLS1.3:-AEAD:%NO_ETM'), base,
        done('TLSv1.2', 'ECDHE-ECDSA-AES256-SHA'))
    sc['tls12-cbc-no-etm'] = (s_server(pki, 'server-rsa', ['-tls1_2', '-no_etm', '-cipher',
                                                           'ECDHE-RSA-AES128-SHA256']), base,
                              done('TLSv1.2', 'ECDHE-RSA-AES128-SHA256'))
    sc['tls12-client-cert'] = (s_server(pki, extra=['-tls1_2', '-Verify', '1', '-CAfile',
                                                    os.path.join(pki, 'ca.pem')]),
                               base + ['cert=' + os.path.join(pki, 'client-ec.pem'),
                                       'key=' + os.path.join(pki, 'client-ec.key')],
                               ['cert: 1', 'key: 1', CONNECTED] + negotiated('TLSv1.2')
                               + ['our signature type id-ecPublicKey', VERIFIED, 'read back 14 bytes'])
    sc['tls12-max-client'] = (s_server(pki), base + ['max=1.2'],
                              ['max: 1'] + done('TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384'))
    sc['tls12-no-shared-cipher'] = (s_server(pki, extra=['-tls1_2', '-cipher', 'AES128-SHA']),
                                    base + ['ciphers=ECDHE-ECDSA-AES128-GCM-SHA256'],
                                    ['cipher list: 1'] + fails(ALERT_HANDSHAKE_FAILURE))
    # TLS 1.0 and 1.1 as each security level allows them: at stock's default
    # (level 2 on Debian) the old versions' MD5+SHA1 signatures are refused;
    # at level 0, with the client's minimum lowered, they are spoken.
    for v, flag, name_v in (('1.0', '-tls1', 'TLSv1'), ('1.1', '-tls1_1', 'TLSv1.1')):
        name = 'tls' + v.replace('.', '')
        old = ['-cipher', 'DEFAULT:@SECLEVEL=0', flag]
        refused = fails(LEGACY_SIGALG) + negotiated(name_v)
        sc[name + '-default'] = (s_server(pki, 'server-rsa', old), base, refused)
        sc[name + '-default-min'] = (s_server(pki, 'server-rsa', old), base + ['min=' + v],
                                     ['min: 1'] + refused)
        sc[name + '-seclevel0'] = (s_server(pki, 'server-rsa', old),
                                   base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=0'],
                                   done(name_v, 'ECDHE-RSA-AES256-SHA'))
        sc[name + '-seclevel1'] = (s_server(pki, 'server-rsa', old),
                                   base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=1'], refused)
        sc[name + '-seclevel0-ecdsa'] = (s_server(pki, 'server-ec', old),
                                         base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=0'],
                                         done(name_v, 'ECDHE-ECDSA-AES256-SHA'))
        sc[name + '-seclevel0-cbc-rsa-kx'] = (
            s_server(pki, 'server-rsa', old + ['-cipher', 'AES128-SHA:@SECLEVEL=0']),
            base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=0'], done(name_v, 'AES128-SHA'))
        # Our CertificateVerify under the old versions' signatures.
        for kind, sig in (('rsa', 'rsaEncryption'), ('ec', 'id-ecPublicKey')):
            sc[name + '-seclevel0-client-cert-' + kind] = (
                s_server(pki, 'server-rsa', old + ['-Verify', '1', '-CAfile',
                                                   os.path.join(pki, 'ca.pem')]),
                base + ['min=' + v, 'ciphers=DEFAULT:@SECLEVEL=0',
                        'cert=' + os.path.join(pki, 'client-%s.pem' % kind),
                        'key=' + os.path.join(pki, 'client-%s.key' % kind)],
                [CONNECTED] + negotiated(name_v, 'ECDHE-RSA-AES256-SHA')
                + ['our signature type ' + sig, VERIFIED, 'read back 14 bytes'])
    # OCSP stapling (status_request): in TLS 1.3 the response rides in the
    # Certificate message, in TLS 1.2 in CertificateStatus; the callback sees
    # it either way, and refusing it ends the handshake as stock does.
    # max_fragment_length (RFC 6066): a 3000-byte line echoed in records of
    # at most 512 bytes, both ways; and a mode outside 1..4 refused.
    line = 'request=' + 'x' * 3000 + '\n'
    mfl = [ca, 'host=localhost', line]
    sc['mfl-tls13'] = (s_server(pki), mfl + ['mfl=1'],
                       done(echo=None) + ['session max fragment length 1', 'read back 3001 bytes',
                                          'in 6 reads'])
    sc['mfl-tls12'] = (s_server(pki, extra=['-tls1_2']), mfl + ['mfl=1'],
                       done('TLSv1.2', echo=None) + ['session max fragment length 1',
                                                     'read back 3001 bytes', 'in 6 reads'])
    sc['mfl-tls12-4096'] = (s_server(pki, extra=['-tls1_2']), mfl + ['mfl=4'],
                            done('TLSv1.2', echo=None) + ['session max fragment length 4',
                                                          'read back 3001 bytes', 'in 1 reads'])
    sc['mfl-bad-mode'] = (s_server(pki), base + ['mfl=5'],
                          ['max fragment length mode 5: 0',
                           'reason=232 (ssl3 ext invalid max fragment length)']
                          + done(echo=None) + ['session max fragment length 0'])
    # A client certificate supplied by an ENGINE (SSL_CTX_set_client_cert_engine).
    engine = ['engine_cert=' + os.path.join(pki, 'client-ec.pem'),
              'engine_key=' + os.path.join(pki, 'client-ec.key')]
    verify = ['-Verify', '1', '-CAfile', os.path.join(pki, 'ca.pem')]
    engine_set = ['engine without the function -> 0', 'reason=331 (no client cert method)',
                  'engine -> 1']
    sc['client-cert-engine-tls13'] = (s_server(pki, extra=verify), base + engine,
                                      engine_set + ['engine asked for a client certificate (1 CA names']
                                      + [CONNECTED, 'our signature type id-ecPublicKey', VERIFIED,
                                         'read back 14 bytes'])
    sc['client-cert-engine-tls12'] = (s_server(pki, extra=verify + ['-tls1_2']), base + engine,
                                      engine_set + ['engine asked for a client certificate (1 CA names']
                                      + [CONNECTED] + negotiated('TLSv1.2')
                                      + ['our signature type id-ecPublicKey', VERIFIED,
                                         'read back 14 bytes'])
    # Certificate callbacks that ask to be called again (SSL_ERROR_WANT_X509_LOOKUP),
    # then supply the certificate: the handshake resumes at the same callback.
    cbfiles = ['cbcert=' + os.path.join(pki, 'client-ec.pem'),
               'cbkey=' + os.path.join(pki, 'client-ec.key')]
    # (Stock: two retries, then the certificate signs; with none supplied,
    # s_server -Verify refuses: certificate_required in TLS 1.3, after our
    # Finished, handshake_failure in TLS 1.2.)
    for v, flag, name_v in (('13', [], 'TLSv1.3'), ('12', ['-tls1_2'], 'TLSv1.2')):
        retried = ['cb call 1', 'retry: want x509 lookup (ret -1)', 'call 2',
                   'retry: want x509 lookup (ret -1)', 'call 3']
        signed = ([CONNECTED] + negotiated(name_v)
                  + ['our signature type id-ecPublicKey', VERIFIED, 'read back 14 bytes'])
        sc['cert-cb-retry-tls' + v] = (s_server(pki, extra=verify + flag),
                                       base + cbfiles + ['certcb=2'],
                                       ['cert_' + retried[0]] + retried[1:] + ['cert_cb loads: 1 1']
                                       + signed)
        sc['client-cert-cb-retry-tls' + v] = (s_server(pki, extra=verify + flag),
                                              base + cbfiles + ['clientcertcb=2'],
                                              ['client_cert_' + retried[0]] + retried[1:] + signed)
        refused = (done(echo=0) + ['read: ret 0, SSL_get_error 1', 'read: ' + ALERT_CERTIFICATE_REQUIRED]
                   if v == '13' else fails(ALERT_HANDSHAKE_FAILURE))
        sc['client-cert-cb-none-tls' + v] = (s_server(pki, extra=verify + flag),
                                             base + ['clientcertcb=1'],
                                             ['client_cert_cb call 1', 'retry: want x509 lookup (ret -1)',
                                              'client_cert_cb call 2'] + refused)
    # Our client signature algorithms narrow what the CertificateVerify uses:
    # in TLS 1.2 to ECDSA with SHA-384; in TLS 1.3, where ECDSA+SHA384 means
    # P-384 only, nothing fits our P-256 key, so no certificate is sent and
    # the server (which requires one) refuses.
    sigalgs = ['client_sigalgs=ECDSA+SHA384:ECDSA+SHA512']
    sc['client-cert-sigalgs-tls13'] = (
        s_server(pki, extra=verify), base + engine + sigalgs,
        ['client sigalgs ECDSA+SHA384:ECDSA+SHA512: 1', '2 shared, first 0x0503']
        + done(echo=0) + ['read: ret 0, SSL_get_error 1', 'read: ' + ALERT_CERTIFICATE_REQUIRED])
    sc['client-cert-sigalgs-tls12'] = (
        s_server(pki, extra=verify + ['-tls1_2']), base + engine + sigalgs,
        ['client sigalgs ECDSA+SHA384:ECDSA+SHA512: 1', '2 shared, first 0x0503', CONNECTED]
        + negotiated('TLSv1.2') + ['our signature hash SHA384', VERIFIED, 'read back 14 bytes'])
    # Next protocol negotiation: TLS 1.2 only (a TLS 1.3 server ignores the
    # offer, which the ClientHello after a HelloRetryRequest repeats).
    npn_srv = ['-nextprotoneg', 'spdy/2,http/1.1']
    offer = 'npn: server offers 16 bytes: spdy/2 http/1.1; '
    sc['npn-tls12'] = (s_server(pki, extra=npn_srv + ['-tls1_2']), base + ['npn=http/1.1,h2'],
                       [offer + 'select_next_proto 1 -> http/1.1'] + done('TLSv1.2', echo=None)
                       + ['npn negotiated yes http/1.1', 'read back 14 bytes'])
    sc['npn-tls12-no-overlap'] = (s_server(pki, extra=npn_srv + ['-tls1_2']), base + ['npn=h2'],
                                  [offer + 'select_next_proto 2 -> h2'] + done('TLSv1.2', echo=None)
                                  + ['npn negotiated yes h2', 'read back 14 bytes'])
    sc['npn-tls12-resume'] = (s_server(pki, extra=npn_srv + ['-tls1_2']),
                              base + ['npn=http/1.1', 'resume=1', 'shutdown=1'],
                              [offer + 'select_next_proto 1 -> http/1.1'] + done('TLSv1.2', echo=None)
                              + ['npn negotiated yes http/1.1',
                                 '-- second connection, resuming: session resumable 1',
                                 offer + 'select_next_proto 1 -> http/1.1', CONNECTED]
                              + negotiated('TLSv1.2', reused=1)
                              + ['npn negotiated yes http/1.1', 'read back 14 bytes'])
    sc['npn-tls12-trace'] = (s_server(pki, extra=npn_srv + ['-tls1_2']),
                             base + ['npn=http/1.1', 'trace=1'],
                             ['state SSLv3/TLS write change cipher spec',
                              'state SSLv3/TLS write next proto', 'state SSLv3/TLS write finished']
                             + done('TLSv1.2', echo=None) + ['npn negotiated yes http/1.1'])
    sc['npn-tls13'] = (s_server(pki, extra=npn_srv), base + ['npn=http/1.1'],
                       done(echo=None) + ['npn negotiated no', 'read back 14 bytes'])
    sc['npn-hrr-trace'] = (s_server(pki, extra=npn_srv + ['-groups', 'P-256']),
                           base + ['npn=http/1.1', 'trace=1'],
                           done(group='prime256v1', echo=None) + ['npn negotiated no'])
    ocsp = ['-status_file', os.path.join(pki, 'server-ec.ocsp')]
    # (OCSP response status 0: successful; certificate status 0: good.  The
    # response's length varies with its ECDSA signature's: two expectations
    # on one line.)
    stapled = ['status callback: response ', ' bytes, peer known, ocsp status 0, cert status 0']
    sc['ocsp-tls13'] = (s_server(pki, extra=ocsp), base + ['status=1'], stapled + ok13)
    sc['ocsp-tls12'] = (s_server(pki, extra=ocsp + ['-tls1_2']), base + ['status=1'],
                        stapled + ok12)
    sc['ocsp-tls13-rejected'] = (s_server(pki, extra=ocsp), base + ['status=reject'],
                                 stapled + fails(INVALID_STATUS_RESPONSE))
    sc['ocsp-tls12-rejected'] = (s_server(pki, extra=ocsp + ['-tls1_2']), base + ['status=reject'],
                                 stapled + fails(INVALID_STATUS_RESPONSE))
    none = 'status callback: response -1 bytes, peer known, ocsp status -1, cert status -1'
    sc['ocsp-none-tls13'] = (s_server(pki), base + ['status=1'], [none] + ok13)
    sc['ocsp-none-tls12'] = (s_server(pki, extra=['-tls1_2']), base + ['status=1'], [none] + ok12)
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


# Scenarios that wait for a missing piece; --list leaves them out so that
# the test suite stays honest.
PENDING = set()


EXPORTERS = {'tls13': [], 'tls12': ['-tls1_2']}


def check_exporter(variant, lib, prog, pki):
    """The keying material we export (RFC 5705 / 8446 7.5) equals what
    s_server exports on its side of the same connection, stock and ours."""
    label = 'EXPERIMENTAL shimssl'
    failed = 0
    for who, env in (('stock', runs.stock_env()), ('ours', runs.ours_env(lib))):
        # One connection, then s_server exits, which flushes what it printed.
        # Not -rev: only s_server's interactive mode prints the connection
        # details, keying material included.
        with peers.SServer(['-cert', os.path.join(pki, 'server-ec.pem'),
                            '-key', os.path.join(pki, 'server-ec.key'),
                            '-keymatexport', label, '-keymatexportlen', '32', '-naccept', '1']
                           + EXPORTERS[variant]) as srv:
            r = subprocess.run([prog, str(srv.port), 'ca=' + os.path.join(pki, 'ca.pem'),
                                'host=localhost', 'export=' + label],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=30)
            out = r.stdout
            bad = runs.problems(r.returncode, r.stderr) + ([] if r.returncode == 0 else ['exit %d' % r.returncode])
            mine = [ln.split(': ')[1] for ln in out.splitlines() if ln.startswith('exported 1')]
            srv.proc.wait(timeout=10)
            time.sleep(0.2)  # the reader thread takes the last lines
            theirs = [ln.split(': ')[1].strip() for ln in srv.log if 'Keying material:' in ln]
        # Stock must export 32 bytes equal to the server's: two runs that
        # both export nothing are no evidence.
        ok = len(mine) == 1 and len(mine[0]) == 64 and mine == theirs and not bad
        print('%s: exported %s, server %s%s -> %s' % (who, mine, theirs,
                                                      ', ' + ', '.join(bad) if bad else '',
                                                      'ok' if ok else 'FAIL'))
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
    server, args, expect = scenarios(pki)[name]
    expect_args = [a for e in expect for a in ('--expect', e)]
    with server() as peer:
        r = subprocess.run([run_diff] + expect_args + [lib, prog, str(peer.port)] + args,
                           env=peers.CLEAN_ENV)
    return r.returncode


if __name__ == '__main__':
    sys.exit(main())
