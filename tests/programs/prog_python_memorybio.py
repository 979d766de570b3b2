"""python3's ssl.SSLObject over a pair of ssl.MemoryBIO under test in both
roles: the program moves the bytes between the memory BIOs and a socket
itself (as asyncio and Twisted do), so the library is driven only through
SSL_ERROR_WANT_READ and memory BIOs.  The client fetches stock s_server's
-www page; the server answers stock python and s_client."""
import json

import clients
from harness import Group, Scenario

PUMP = r'''
import json, socket, ssl, sys
def pump(obj, sock, inc, outg, step):
    """Runs step() until it stops wanting input, flushing outg to sock and
    feeding what sock delivers into inc; returns step()'s value."""
    while True:
        try:
            result = step()
            sock.sendall(outg.read())
            return result
        except ssl.SSLWantReadError:
            sock.sendall(outg.read())
            data = sock.recv(65536)
            if not data:
                inc.write_eof()
            else:
                inc.write(data)
def read_all(obj, sock, inc, outg):
    data = b''
    while True:
        try:
            chunk = pump(obj, sock, inc, outg, lambda: obj.read(65536))
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
            break
        if not chunk:
            break
        data += chunk
    return data
'''

# argv: port ca tls(TLSv1_2|TLSv1_3|'') twice(1|'') alpn
CLIENT = PUMP + r'''
port, ca, tls, twice, alpn = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=ca)
if tls:
    ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, tls)
if alpn:
    ctx.set_alpn_protocols(alpn.split(','))
out, session = [], None
for i in range(2 if twice else 1):
    sock = socket.create_connection(('127.0.0.1', int(port)), timeout=10)
    inc, outg = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, outg, server_hostname='localhost', session=session)
    try:
        pump(obj, sock, inc, outg, obj.do_handshake)
        pump(obj, sock, inc, outg, lambda: obj.write(b'GET / HTTP/1.0\r\n\r\n'))
        data = read_all(obj, sock, inc, outg).decode(errors='replace')
        seen = [l for l in data.splitlines() if l.startswith(('New, ', 'Reused, '))]
        out.append({'version': obj.version(), 'cipher': obj.cipher()[0],
                    'alpn': obj.selected_alpn_protocol(), 'reused': obj.session_reused,
                    'server_saw': seen[:1]})
        session = obj.session
    except ssl.SSLError as e:
        out.append({'error': e.reason})
    sock.close()
print(json.dumps(out))
'''

# argv: port cert key ca verify(none|required)
SERVER = PUMP + r'''
port, cert, key, ca, verify = sys.argv[1:6]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if verify == 'required':
    ctx.load_verify_locations(ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
srv = socket.create_server(('127.0.0.1', int(port)))
while True:
    sock, _ = srv.accept()
    sock.settimeout(10)
    inc, outg = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, outg, server_side=True)
    try:
        pump(obj, sock, inc, outg, obj.do_handshake)
        line = pump(obj, sock, inc, outg, lambda: obj.read(4096))
        peer = obj.getpeercert()
        who = dict(x[0] for x in peer['subject'])['commonName'] if peer else '-'
        pump(obj, sock, inc, outg, lambda: obj.write((
            'HTTP/1.0 200 OK\r\n\r\nmemorybio saw %s %s %s peer=%s reused=%s\n' % (
                line.split(b' ')[0].decode(errors='replace'), obj.version(), obj.cipher()[0], who,
                obj.session_reused)).encode()))
        try:
            pump(obj, sock, inc, outg, obj.unwrap)
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError, OSError):
            pass  # the client closed without its close_notify
    except (ssl.SSLError, OSError) as e:
        print('refused:', getattr(e, 'reason', e), flush=True)
        try:
            sock.sendall(outg.read())  # the alert, if one was made
        except OSError:
            pass
    sock.close()
'''


def client(tls='', twice=False, alpn='', server_args=(), ca='ca'):
    def fn(r):
        port = r.port()
        r.start('s_server', ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port,
                             '-cert', r.pem('server-ec.pem'), '-key', r.pem('server-ec.key'),
                             '-www'] + list(server_args), port=port, under_test=False)
        status, out = r.client([clients.PYTHON, '-c', CLIENT, str(port), r.pem(ca + '.pem'), tls,
                                '1' if twice else '', alpn], under_test=True)
        try:
            conns = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            conns = None
        return {'exit': status, 'connections': conns}
    return fn


def server(peer, verify='none'):
    def fn(r):
        port = r.port()
        r.start('memorybio-server', [clients.PYTHON, '-c', SERVER, str(port), r.pem('server-ec.pem'),
                                     r.pem('server-ec.key'), r.pem('ca.pem'), verify], port=port)
        return peer(r, port)
    return fn


def py_peer(**kw):
    return lambda r, port: clients.python_client(r, port, request='GET / HTTP/1.0\\r\\n\\r\\n', **kw)


def s_client_peer(args):
    def peer(r, port):
        f = clients.s_client(r, port, list(args) + ['-ign_eof'], stdin='GET / HTTP/1.0\r\n\r\n')
        return {k: f[k] for k in ('exit', 'sessions', 'reasons')}
    return peer


def scenarios(pki):
    S = Scenario
    a256 = 'TLS_AES_256_GCM_SHA384'
    e256 = 'ECDHE-ECDSA-AES256-GCM-SHA384'

    def got(version, cipher, reused, alpn=None):
        return {'version': version, 'cipher': cipher, 'alpn': alpn, 'reused': reused,
                'server_saw': ['%s, %s, Cipher is %s' % ('Reused' if reused else 'New', version, cipher)]}
    saw = 'HTTP/1.0 200 OK\r\n\r\nmemorybio saw GET %s %s peer=%s reused=%s\n'

    def conn(version, cipher, reused=False, peer='-'):
        return {'version': version, 'cipher': cipher, 'alpn': None, 'reused': reused,
                'data': saw % (version, cipher, peer, reused)}
    return [
        S('client-tls13-resume', client(twice=True),
          {'exit': 0, 'connections': [got('TLSv1.3', a256, False), got('TLSv1.3', a256, True)]},
          quick=True),
        S('client-tls12-resume', client(tls='TLSv1_2', twice=True),
          {'exit': 0, 'connections': [got('TLSv1.2', e256, False), got('TLSv1.2', e256, True)]}),
        S('client-alpn', client(alpn='h2,http/1.1', server_args=['-alpn', 'http/1.1']),
          {'exit': 0, 'connections': [got('TLSv1.3', a256, False, 'http/1.1')]}),
        S('client-wrong-ca', client(ca='other-ca'),
          {'exit': 0, 'connections': [{'error': 'CERTIFICATE_VERIFY_FAILED'}]}, quick=True),
        S('server-python-resume', server(py_peer(twice=True)),
          {'exit': 0, 'connections': [conn('TLSv1.3', a256), conn('TLSv1.3', a256, True)]},
          quick=True),
        S('server-python-tls12-resume', server(py_peer(twice=True, tls='TLSv1_2')),
          {'exit': 0, 'connections': [conn('TLSv1.2', e256), conn('TLSv1.2', e256, True)]}),
        S('server-client-cert', server(py_peer(cert='client-ec'), verify='required'),
          {'exit': 0, 'connections': [conn('TLSv1.3', a256, peer='shimssl-client')]}),
        S('server-client-cert-absent', server(s_client_peer(['-tls1_3']), verify='required'),
          {'exit': 1, 'reasons': ['tlsv13 alert certificate required']}),
    ]


def make(prefix):
    def fn(pki):
        return [s for s in scenarios(pki) if s.name.startswith(prefix)]
    return fn


GROUPS = [Group('python3 ssl.SSLObject (MemoryBIO)', 'client', make('client'), needs=[clients.PYTHON],
                short='memorybio'),
          Group('python3 ssl.SSLObject (MemoryBIO)', 'server', make('server'), needs=[clients.PYTHON],
                short='memorybio')]
