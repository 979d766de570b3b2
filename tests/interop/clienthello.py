"""ClientHellos compared field by field with stock's (random values reduced
to their lengths): each is captured by a server that reads it and hangs up.

Each variant states what stock's ClientHello must contain (fields, in
order) and must not contain, so that two runs that sent nothing, or sent
something else than the variant is about, fail instead of comparing equal.
"""
import difflib
import os
import subprocess
import sys

import peers
import runs

SNI_LOCALHOST = 'ext 0 000c0000096c6f63616c686f7374'
# supported_versions: TLS 1.3, 1.2, 1.1, 1.0 (1.0 and 1.1 are offered even at
# security level 2, then refused when a server picks them).
ALL_VERSIONS = 'ext 43 080304030303020301'

# variant -> (diff_connect options, fields stock must send in this order,
#             field prefixes stock must not send)
CLIENTHELLOS = {
    'default': ([], ['legacy_version 0303', 'session id length 32', SNI_LOCALHOST, ALL_VERSIONS,
                     'ext 51 key_share 001d/32'], []),
    # No TLS 1.3: no TLS 1.3 suites, no supported_versions or key_share,
    # and no fake session id for middlebox compatibility.
    'tls12-max': (['max=1.2'], ['session id length 0', 'suites c02cc030'],
                  ['ext 43 ', 'ext 51 ']),
    'tls13-only': (['min=1.3'], ['suites 13021303130100ff', 'ext 43 020304',
                                 'ext 51 key_share 001d/32'], []),
    # P-384 first: the one key share is for it (0x0018, 97 bytes).
    'groups': (['groups=P-384:X25519:ffdhe2048'], ['ext 10 00060018001d0100',
                                                   'ext 51 key_share 0018/97'], []),
    'alpn': (['alpn=h2,http/1.1'], ['ext 16 000c02683208687474702f312e31'], []),
    'suites': (['suites=TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_8_SHA256'],
               ['suites 13031305c02c'], []),
    'ciphers': (['ciphers=ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384'],
                ['suites 130213031301c013009d00ff'], []),
    'no-sni': ([], ['compression 00', 'ext 11 03000102'], ['ext 0 ']),
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
    """The parsed ClientHello, and what makes the run unusable ([] if none)."""
    captured = []
    with peers.ScriptedServer(lambda conn: captured.append(peers.read_client_hello(conn))) as srv:
        r = subprocess.run([prog, str(srv.port)] + args, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, timeout=30)
    bad = runs.problems(r.returncode, r.stderr)
    return (parse_client_hello(captured[0]) if captured else ['no ClientHello']), bad


def unmet(fields, must, must_not):
    """The first expectation stock's fields miss, or None."""
    i = 0
    for f in fields:
        if i < len(must) and f.startswith(must[i]):
            i += 1
    if i < len(must):
        return 'no field %r (in order)' % must[i]
    for f in fields:
        for prefix in must_not:
            if f.startswith(prefix):
                return 'field %r should not be there' % f
    return None


def compare_client_hellos(variant, lib, prog, pki):
    options, must, must_not = CLIENTHELLOS[variant]
    args = ['ca=' + os.path.join(pki, 'ca.pem')] + options
    if variant != 'no-sni':
        args.append('host=localhost')
    stock, stock_bad = capture_client_hello(prog, args, runs.stock_env())
    ours, ours_bad = capture_client_hello(prog, args, runs.ours_env(lib))
    for who, bad in (('stock', stock_bad), ('ours', ours_bad)):
        if bad:
            print('FAIL: the %s run: %s' % (who, ', '.join(bad)))
            return 1
    miss = unmet(stock, must, must_not)
    if miss is not None:
        print('FAIL: stock\'s ClientHello is not what the variant expects: ' + miss)
        print('\n'.join(stock))
        return 1
    if stock == ours:
        print('ok: %d ClientHello fields identical, %d expectations met by stock'
              % (len(stock), len(must) + len(must_not)))
        return 0
    print('FAIL: ClientHello differs (- stock, + ours):')
    sys.stdout.writelines(difflib.unified_diff([x + '\n' for x in stock], [x + '\n' for x in ours]))
    return 1
