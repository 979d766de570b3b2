#!/usr/bin/env python3
"""Regenerates the fuzz targets' seed corpora (tests/fuzz/corpus/).

server/flight-*: openssl s_client against the server target's server
(fuzz_record_server, its randomness fixed the same way), one client
configuration per seed; the file is the server mode byte then every byte the
client sent.  fuzz-corpus-server checks that each still completes.

client/flight-*: the client target's client (fuzz_record_client, built in
every build) against openssl s_server on a loopback port this script picks,
one server configuration per seed; the file is the client mode byte then
every byte the server sent.  Replaying one takes the client through the
whole handshake, because its randomness is the fuzz build's fixed stream
(tests/fuzz/fuzz_rand.c); fuzz-corpus-client checks that every flight-*
seed still does.  Re-record when the client's ClientHello changes (a new
extension, another order): the test says so by failing.

session/*: the sessions those clients ended with (DER), and a session
written by stock libssl.  The other targets' seeds are written out below
from literals.

usage: record_corpus.py BUILD_DIR [CORPUS_DIR]
  (./shimssl fuzz-corpus does this for build/)
"""
import os
import shutil
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'interop'))
import peers  # noqa: E402

TLS13, TLS12_ONLY = 0, 1

# seed name -> (client mode, server certificate, s_server arguments)
FLIGHTS = {
    'tls13-ecdsa': (TLS13, 'server-ec', []),
    'tls13-rsa-pss': (TLS13, 'server-rsa', []),
    'tls13-ed25519': (TLS13, 'server-ed25519', []),
    'tls13-p384-cert': (TLS13, 'server-ec384', []),
    'tls13-aes128gcm': (TLS13, 'server-ec', ['-ciphersuites', 'TLS_AES_128_GCM_SHA256']),
    'tls13-chacha20': (TLS13, 'server-ec', ['-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256']),
    'tls13-hrr-p256': (TLS13, 'server-ec', ['-groups', 'P-256']),
    'tls13-hrr-ffdhe2048': (TLS13, 'server-ec', ['-groups', 'ffdhe2048']),
    'tls13-certreq': (TLS13, 'server-ec', ['-verify', '1']),
    'tls13-ocsp': (TLS13, 'server-ec', ['-status_file', '{pki}/server-ec.ocsp']),
    'tls13-alpn': (TLS13, 'server-ec', ['-alpn', 'http/1.1']),
    'tls13-tickets-4': (TLS13, 'server-ec', ['-num_tickets', '4']),
    'tls12-from-default-client': (TLS13, 'server-ec', ['-tls1_2']),
    'tls12-ecdhe-ecdsa': (TLS12_ONLY, 'server-ec', []),
    'tls12-ecdhe-rsa-chacha20': (TLS12_ONLY, 'server-rsa', ['-cipher', 'ECDHE-RSA-CHACHA20-POLY1305']),
    'tls12-dhe-rsa': (TLS12_ONLY, 'server-rsa', ['-cipher', 'DHE-RSA-AES128-GCM-SHA256']),
    'tls12-rsa-kx': (TLS12_ONLY, 'server-rsa', ['-cipher', 'AES256-GCM-SHA384']),
    'tls12-cbc-etm': (TLS12_ONLY, 'server-rsa', ['-cipher', 'ECDHE-RSA-AES128-SHA256']),
    'tls12-cbc-no-etm': (TLS12_ONLY, 'server-rsa', ['-cipher', 'ECDHE-RSA-AES256-SHA', '-no_etm']),
    'tls12-session-id': (TLS12_ONLY, 'server-ec', ['-no_ticket']),
    'tls12-certreq': (TLS12_ONLY, 'server-ec', ['-verify', '1']),
    'tls12-ocsp': (TLS12_ONLY, 'server-ec', ['-status_file', '{pki}/server-ec.ocsp']),
    'tls12-npn': (TLS12_ONLY, 'server-ec', ['-nextprotoneg', 'http/1.1']),
}

# The server target's modes (enum fuzz_server_mode in tests/fuzz/fuzz.h).
SRV_DEFAULT, SRV_TLS12_ONLY, SRV_CLIENT_AUTH, SRV_STATEFUL = 0, 1, 2, 3

# seed name -> (server mode, s_client arguments, lines the client sends
# once it has the server's request; 'k' is s_client's KeyUpdate command)
SERVER_FLIGHTS = {
    'tls13-default': (SRV_DEFAULT, [], ['ping']),
    'tls13-aes128gcm': (SRV_DEFAULT, ['-ciphersuites', 'TLS_AES_128_GCM_SHA256'], ['ping']),
    'tls13-chacha20': (SRV_DEFAULT, ['-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'], ['ping']),
    'tls13-p256-share': (SRV_DEFAULT, ['-groups', 'P-256'], ['ping']),
    'tls13-ffdhe2048': (SRV_DEFAULT, ['-groups', 'ffdhe2048'], ['ping']),
    'tls13-rsa-cert': (SRV_DEFAULT, ['-sigalgs', 'rsa_pss_rsae_sha256'], ['ping']),
    'tls13-sni-alpn': (SRV_DEFAULT, ['-servername', 'fuzz.test', '-alpn', 'h2,http/1.1'], ['ping']),
    'tls13-key-update': (SRV_DEFAULT, [], ['k', 'ping']),
    'tls13-hrr': (SRV_STATEFUL, [], ['ping']),
    'tls13-client-cert-ec': (SRV_CLIENT_AUTH, ['-cert', '{pki}/client-ec.pem', '-key',
                                               '{pki}/client-ec.key'], ['ping']),
    'tls13-client-cert-rsa': (SRV_CLIENT_AUTH, ['-cert', '{pki}/client-rsa.pem', '-key',
                                                '{pki}/client-rsa.key'], ['ping']),
    'tls12-from-default-client': (SRV_TLS12_ONLY, [], ['ping']),
    'tls12-ecdhe-ecdsa': (SRV_DEFAULT, ['-tls1_2'], ['ping']),
    'tls12-ecdhe-rsa-chacha20': (SRV_DEFAULT, ['-tls1_2', '-cipher', 'ECDHE-RSA-CHACHA20-POLY1305'],
                                 ['ping']),
    'tls12-dhe-rsa': (SRV_DEFAULT, ['-tls1_2', '-cipher', 'DHE-RSA-AES256-GCM-SHA384'], ['ping']),
    'tls12-rsa-kx': (SRV_DEFAULT, ['-tls1_2', '-cipher', 'AES128-GCM-SHA256'], ['ping']),
    'tls12-cbc-etm': (SRV_DEFAULT, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA256'], ['ping']),
    'tls12-cbc-no-etm': (SRV_DEFAULT, ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES256-SHA', '-no_etm'],
                         ['ping']),
    'tls12-rsa-kx-cbc': (SRV_DEFAULT, ['-tls1_2', '-cipher', 'AES128-SHA'], ['ping']),
    'tls12-no-ticket': (SRV_DEFAULT, ['-tls1_2', '-no_ticket'], ['ping']),
    'tls12-session-id': (SRV_STATEFUL, ['-tls1_2'], ['ping']),
    'tls12-client-cert': (SRV_CLIENT_AUTH, ['-tls1_2', '-cert', '{pki}/client-ec.pem', '-key',
                                            '{pki}/client-ec.key'], ['ping']),
}

# A session written by stock libssl (the one tests/diff/diff_settings.c reads).
STOCK_SESSION = bytes.fromhex(
    '30819d020101020203030402c02f04200101010101010101010101010101010101010101010101010101'
    '0101010101010430020202020202020202020202020202020202020202020202020202020202020202'
    '020202020202020202020202020202a10602046553f100a20402021c20a4020400a503020101a60d04'
    '0b6578616d706c652e636f6db00404026832b104020200ffb2050403617070b303020100')

CIPHER_STRINGS = {  # selector byte (see fuzz_cipher_strings.c), then the string
    'cipher-list-default': (0, b'DEFAULT'),
    'cipher-list-high': (0, b'HIGH:!aNULL:!MD5'),
    'cipher-list-legacy': (0, b'ALL:!ADH:!EXPORT56:RC4+RSA:+HIGH:+MEDIUM:+LOW:+SSLv2:+EXP:+eNULL'),
    'cipher-list-mozilla': (0, b'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:'
                               b'ECDHE-ECDSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256'),
    'cipher-list-ops': (0, b'kECDHE+aECDSA:+AES256:-SHA1:!kRSA:@STRENGTH:@SECLEVEL=1'),
    'ciphersuites': (1, b'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_8_SHA256'),
    'ssl-cipher-list': (2, b'AESGCM+EECDH:CHACHA20:!SHA1'),
    'groups': (3, b'X25519:P-256:ffdhe2048:X448'),
    'sigalgs': (4, b'ECDSA+SHA256:RSA-PSS+SHA384:ed25519:rsa_pss_rsae_sha256'),
    'client-sigalgs': (5, b'ECDSA+SHA384:RSA+SHA256'),
    'bytes-to-ciphers': (6, bytes.fromhex('130113020a0ac02f009c00ff5600')),
    'bytes-to-ciphers-v2': (7, bytes.fromhex('00002f000035010080c02f')),
}

CONF = {  # flags byte (see fuzz_conf.c), then lines
    'cmdline-client': (2, b'-cipher HIGH:!aNULL\n-ciphersuites TLS_AES_128_GCM_SHA256\n'
                          b'-groups X25519:P-256\n-min_protocol TLSv1.2\n-no_ticket\n-sigalgs ECDSA+SHA256'),
    'file-server': (1 | 4 | 8, b'Options -SessionTicket,+ServerPreference\nMinProtocol TLSv1.2\n'
                               b'MaxProtocol TLSv1.3\nCurves P-384:X25519\nNumTickets 3\nRecordPadding 64\n'
                               b'CipherString DEFAULT:@SECLEVEL=2'),
    'file-ssl': (1 | 2 | 16, b'Protocol -ALL,TLSv1.3\nVerifyMode Peer,Request\nOptions Bugs,-Compression'),
    'cmdline-bad': (2, b'-cipher nonsense\n-min_protocol TLSv9\n-unknown x\n-\n-num_tickets -5'),
}


def record_flights(build, pki, corpus):
    recorder = os.path.join(build, 'tests', 'fuzz', 'fuzz_record_client')
    for name, (mode, cert, extra) in sorted(FLIGHTS.items()):
        args = ['-cert', os.path.join(pki, cert + '.pem'), '-key', os.path.join(pki, cert + '.key'),
                '-rev'] + [a.format(pki=pki) for a in extra]
        flight = os.path.join(corpus, 'client', 'flight-' + name)
        session = os.path.join(corpus, 'session', 'from-' + name)
        with peers.SServer(args) as srv:
            r = subprocess.run([recorder, str(srv.port), str(mode), flight, session],
                               env=peers.CLEAN_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, timeout=60)
        print('%-28s %s' % (name, r.stdout.strip()))
        if r.returncode != 0:
            sys.exit('recording %s failed' % name)


def record_server_flight(recorder, mode, args, lines, flight):
    """One connection of openssl s_client to the recording server: the
    client sends its lines once the server's request has arrived, then
    closes (stdin's end: close_notify).  The recorder's result line."""
    rec = subprocess.Popen([recorder, str(mode), flight], env=peers.CLEAN_ENV, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        port = int(rec.stdout.readline().split()[1])
        cli = subprocess.Popen(['openssl', 's_client', '-connect', '127.0.0.1:%d' % port] + args,
                               env=peers.CLEAN_ENV, text=True, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        got = threading.Event()

        def watch():  # a thread: select() on a buffered pipe can miss a line
            for line in cli.stdout:
                if 'CLOSE' in line:
                    got.set()
        threading.Thread(target=watch, daemon=True).start()
        try:
            if got.wait(20):
                for line in lines:
                    cli.stdin.write(line + '\n')
                    cli.stdin.flush()
                    time.sleep(0.2)
            cli.stdin.close()
        except BrokenPipeError:
            pass
        cli.wait(20)
        out = rec.stdout.read().strip()
        rec.wait(20)
        return rec.returncode, out
    finally:
        for p in (rec,):
            if p.poll() is None:
                p.kill()


def record_server_flights(build, pki, corpus):
    recorder = os.path.join(build, 'tests', 'fuzz', 'fuzz_record_server')
    for name, (mode, extra, lines) in sorted(SERVER_FLIGHTS.items()):
        args = [a.format(pki=pki) for a in extra]
        flight = os.path.join(corpus, 'server', 'flight-' + name)
        for attempt in range(3):  # s_client's timing is its own: a retry or two
            rc, out = record_server_flight(recorder, mode, args, lines, flight)
            if rc == 0:
                break
        print('server %-24s %s' % (name, out))
        if rc != 0:
            sys.exit('recording server flight %s failed' % name)


def write_literals(corpus):
    with open(os.path.join(corpus, 'session', 'stock-tls12'), 'wb') as fh:
        fh.write(STOCK_SESSION)
    for name, (sel, text) in CIPHER_STRINGS.items():
        with open(os.path.join(corpus, 'cipher_strings', name), 'wb') as fh:
            fh.write(bytes([sel]) + text)
    for name, (flags, text) in CONF.items():
        with open(os.path.join(corpus, 'conf', name), 'wb') as fh:
            fh.write(bytes([flags]) + text)
    # server: an SSL 2.0 compatible ClientHello (RFC 5246 E.2) for the TLS
    # 1.2-only server: two TLS suites and an SSL 2.0 cipher, a 32-byte challenge.
    v2 = (bytes([1, 3, 3]) + struct.pack('>HHH', 9, 0, 32) + bytes([0, 0xc0, 0x2f, 0, 0, 0x9c,
                                                                     1, 0, 0x80]) + bytes(range(32)))
    with open(os.path.join(corpus, 'server', 'sslv2-client-hello'), 'wb') as fh:
        fh.write(bytes([SRV_TLS12_ONLY]) + struct.pack('>H', 0x8000 | len(v2)) + v2)
    # record: for each protection, records a writer seals (bit 0 of byte 1),
    # with no flip; and raw records for the unprotected reader.
    handshake = bytes([22]) + struct.pack('>H', 40) + bytes([2, 0, 0, 36]) + bytes(36)
    appdata = bytes([23]) + struct.pack('>H', 5) + b'hello'
    alert = bytes([21]) + struct.pack('>H', 2) + bytes([1, 0])
    kinds = ['none', 'none-tls12', 'tls13-gcm', 'tls13-chacha', 'tls12-gcm', 'tls12-chacha',
             'cbc-mte', 'cbc-etm', 'tls10-cbc']
    for k, kind in enumerate(kinds):
        with open(os.path.join(corpus, 'record', 'sealed-' + kind), 'wb') as fh:
            fh.write(bytes([k, 1, 0, 0, 0]) + handshake + appdata + alert)
    raw = (bytes([22, 3, 3]) + struct.pack('>H', 40) + bytes([2, 0, 0, 36]) + bytes(36)
           + bytes([20, 3, 3, 0, 1, 1]) + bytes([23, 3, 3, 0, 3]) + b'abc')
    with open(os.path.join(corpus, 'record', 'raw-none'), 'wb') as fh:
        fh.write(bytes([0, 0, 0, 0, 0]) + raw)
    with open(os.path.join(corpus, 'record', 'raw-none-read-ahead'), 'wb') as fh:
        fh.write(bytes([1, 2, 0, 0, 0]) + raw)


def main():
    build = os.path.abspath(sys.argv[1])
    corpus = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(ROOT, 'tests', 'fuzz',
                                                                                 'corpus')
    pki = os.path.join(build, 'tests', 'interop', 'pki')
    subprocess.run([os.path.join(ROOT, 'tests', 'interop', 'make_certs.sh'), pki], check=True)
    for target in ('client', 'server', 'session', 'cipher_strings', 'conf', 'record'):
        shutil.rmtree(os.path.join(corpus, target), ignore_errors=True)
        os.makedirs(os.path.join(corpus, target))
    record_flights(build, pki, corpus)
    record_server_flights(build, pki, corpus)
    write_literals(corpus)
    return 0


if __name__ == '__main__':
    sys.exit(main())
