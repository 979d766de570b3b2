#!/usr/bin/env python3
"""A server's first answer to a hand-made ClientHello, on stock and on ours.

openssl s_server runs twice, plainly and with our library preloaded; each
variant sends one ClientHello no stock client would send and reads the
server's first record: a ServerHello (version and suite) or an alert.  Each
variant states stock's answer, so two equal wrong answers fail.

usage: raw_hello.py OUR_LIB PKI_DIR VARIANT
"""
import os
import socket
import struct
import sys

import peers
import runs

# Code points (RFC 8446 4.2.3).
ECDSA_P256_SHA256, ED25519, RSA_PSS_RSAE_SHA256 = 0x0403, 0x0807, 0x0804


def u8(b):
    return struct.pack('!B', len(b)) + b


def u16(b):
    return struct.pack('!H', len(b)) + b


def ext(kind, body):
    return struct.pack('!H', kind) + u16(body)


def u16_list(values):
    return u16(b''.join(struct.pack('!H', v) for v in values))


def tls13_hello(extra_exts):
    """A TLS 1.3 ClientHello offering TLS_AES_128_GCM_SHA256 and an X25519
    share (any 32 bytes serve: the server answers before the key matters)."""
    exts = (ext(43, u8(b'\x03\x04')) +                      # supported_versions
            ext(10, u16_list([0x001d])) +                    # supported_groups
            ext(51, u16(struct.pack('!HH', 0x001d, 32) + bytes(range(1, 33)))) +
            ext(13, u16_list([ECDSA_P256_SHA256, RSA_PSS_RSAE_SHA256])) +
            extra_exts)
    body = (b'\x03\x03' + bytes(32) + u8(bytes(32)) + u16(b'\x13\x01') + u8(b'\x00') + u16(exts))
    return handshake_record(b'\x01' + struct.pack('!I', len(body))[1:] + body)


def handshake_record(msg):
    return b'\x16\x03\x01' + u16(msg)


def sslv2_hello():
    """An SSLv2-format ClientHello (RFC 5246 E.2) offering TLS 1.2 with
    AES128-GCM-SHA256 and the renegotiation SCSV."""
    suites = b'\x00\x00\x9c' + b'\x00\x00\xff'
    challenge = bytes(range(16))
    body = b'\x01\x03\x03' + struct.pack('!HHH', len(suites), 0, len(challenge)) + suites + challenge
    return struct.pack('!H', 0x8000 | len(body)) + body


VARIANTS = {
    # signature_algorithms_cert lists only Ed25519: our certificate is
    # signed with ECDSA-SHA256, so stock has no usable certificate.
    'sigalgs-cert-refused': (lambda: tls13_hello(ext(50, u16_list([ED25519]))),
                             'alert 2 40'),
    'sigalgs-cert-accepted': (lambda: tls13_hello(ext(50, u16_list([ED25519, ECDSA_P256_SHA256]))),
                              'server_hello 0304 1301'),
    'sigalgs-cert-absent': (lambda: tls13_hello(b''), 'server_hello 0304 1301'),
    # Stock parses an SSLv2-format ClientHello, then at security level 2
    # finds no signature algorithm (SHA-1 is the only default without the
    # extension) and answers handshake_failure.
    'sslv2': (sslv2_hello, 'alert 2 40'),
}


def first_answer(port, hello):
    with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
        s.sendall(hello)
        data = b''
        while len(data) < 5 or len(data) < 5 + struct.unpack('!H', data[3:5])[0]:
            chunk = s.recv(4096)
            if not chunk:
                return 'closed after %d bytes' % len(data)
            data += chunk
    kind, body = data[0], data[5:5 + struct.unpack('!H', data[3:5])[0]]
    if kind == 21:
        return 'alert %d %d' % (body[0], body[1])
    if kind == 22 and body[0] == 2:
        sid_len = body[38]
        suite = body[39 + sid_len:41 + sid_len]
        version = body[4:6]
        exts = body[42 + sid_len + 2:]
        while len(exts) >= 4:  # supported_versions overrides the legacy field
            t, n = struct.unpack('!HH', exts[:4])
            if t == 43:
                version = exts[4:6]
            exts = exts[4 + n:]
        return 'server_hello %s %s' % (version.hex(), suite.hex())
    return 'record %d' % kind


def run(variant, lib, pki):
    make = VARIANTS[variant][0]
    env = runs.ours_env(lib) if lib else runs.stock_env()
    args = ['-naccept', '1']
    for kind in ('ec', 'rsa'):
        args += ['-cert' if kind == 'ec' else '-dcert', os.path.join(pki, 'server-%s.pem' % kind),
                 '-key' if kind == 'ec' else '-dkey', os.path.join(pki, 'server-%s.key' % kind)]
    with peers.SServer(args, env=env) as server:
        answer = first_answer(server.port, make())
        # The answer alone would hide a server that died after giving it
        # (a crash or a sanitizer report at the end of the connection).
        status = server.wait_exit()
        bad = (['still running 10 s after the connection'] if status is None
               else runs.problems(status, ''.join(server.log)))
        if bad:
            print('%s server: %s\n%s' % ('our' if lib else 'stock', ', '.join(bad),
                                         ''.join(server.log)[-4000:]))
            return 'unusable run (%s)' % ', '.join(bad)
        return answer


# Variants ours does not pass yet: registered in the 'pending' suite.
PENDING = set()


def main():
    if sys.argv[1:] == ['--list']:
        print('\n'.join(('pending:' if v in PENDING else '') + v for v in VARIANTS))
        return 0
    lib, pki, variant = sys.argv[1:4]
    expect = VARIANTS[variant][1]
    peers.fresh_pki(pki)
    stock, ours = run(variant, None, pki), run(variant, lib, pki)
    print('stock: %s\nours:  %s' % (stock, ours))
    if stock != expect:
        print('FAIL: stock answered %r where %r was expected' % (stock, expect))
        return 1
    if ours != stock:
        print('FAIL: ours differs from stock')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
