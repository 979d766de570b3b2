"""pyOpenSSL (Debian's python3-openssl, through cryptography's bindings to
libssl) under test in both roles: a client fetching stock s_server's -www
page (verification, ALPN, resumption with a saved session, refusals) and a
server (SNI callback, ALPN selection, client certificates) answering stock
s_client, curl and python3's ssl."""
import json
import subprocess

import clients
from harness import Group, Scenario

# argv: port ca alpn(,-separated) tls(1.2|1.3|'') twice(1|'') cert-prefix('')
CLIENT = r'''
import json, socket, sys
from OpenSSL import SSL
port, ca, alpn, tls, twice, cert = sys.argv[1:7]
ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
ctx.load_verify_locations(ca)
ctx.set_verify(SSL.VERIFY_PEER, lambda conn, x509, err, depth, ok: ok)
if tls:
    v = SSL.TLS1_2_VERSION if tls == '1.2' else SSL.TLS1_3_VERSION
    ctx.set_min_proto_version(v)
    ctx.set_max_proto_version(v)
if alpn:
    ctx.set_alpn_protos([p.encode() for p in alpn.split(',')])
if cert:
    ctx.use_certificate_file(cert + '.pem')
    ctx.use_privatekey_file(cert + '.key')
out, session = [], None
for i in range(2 if twice else 1):
    sock = socket.create_connection(('127.0.0.1', int(port)), timeout=10)
    sock.settimeout(None)  # pyOpenSSL wants a blocking socket (a timeout makes it non-blocking)
    conn = SSL.Connection(ctx, sock)
    conn.set_tlsext_host_name(b'localhost')
    if session is not None:
        conn.set_session(session)
    conn.set_connect_state()
    try:
        conn.do_handshake()
        conn.sendall(b'GET / HTTP/1.0\r\n\r\n')
        data = b''
        while True:
            try:
                chunk = conn.recv(65536)
            except SSL.ZeroReturnError:
                break
            except SSL.SysCallError:
                break
            if not chunk:
                break
            data += chunk
        # s_server's page names the session as it saw it: "New, TLSv1.3, ..."
        seen = [l for l in data.decode(errors='replace').splitlines()
                if l.startswith(('New, ', 'Reused, '))]
        out.append({'version': conn.get_protocol_version_name(), 'cipher': conn.get_cipher_name(),
                    'alpn': conn.get_alpn_proto_negotiated().decode() or None,
                    'peer': conn.get_peer_certificate().get_subject().CN,
                    'server_saw': seen[:1]})
        session = conn.get_session()
        conn.shutdown()
    except SSL.Error as e:
        out.append({'error': [list(x) for x in e.args[0]] if e.args and isinstance(e.args[0], list)
                    else type(e).__name__})
    sock.close()
print(json.dumps(out))
'''

# argv: port cert key ca verify(none|required) alpn(,-separated)
SERVER = r'''
import socket, sys, threading
from OpenSSL import SSL
port, cert, key, ca, verify, alpn = sys.argv[1:7]
ctx = SSL.Context(SSL.TLS_SERVER_METHOD)
ctx.use_certificate_file(cert)
ctx.use_privatekey_file(key)
ctx.check_privatekey()
ctx.set_session_id(b'pyopenssl-test')
if verify == 'required':
    ctx.load_verify_locations(ca)
    ctx.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT, lambda c, x, e, d, ok: ok)
if alpn:
    offered = [p.encode() for p in alpn.split(',')]
    ctx.set_alpn_select_callback(lambda conn, protos: next((p for p in offered if p in protos),
                                                           SSL.NO_OVERLAPPING_PROTOCOLS))
names = []
ctx.set_tlsext_servername_callback(lambda conn: names.append(conn.get_servername()))
# (pyOpenSSL has no session_reused(): its cffi binding of SSL_session_reused is asked)
def serve(sock):
    conn = SSL.Connection(ctx, sock)
    conn.set_accept_state()
    try:
        conn.do_handshake()
        line = conn.recv(4096)
        peer = conn.get_peer_certificate()
        conn.sendall(('HTTP/1.0 200 OK\r\n\r\npyopenssl saw %s %s %s alpn=%s sni=%s peer=%s reused=%s\n' % (
            line.split(b' ')[0].decode(errors='replace'), conn.get_protocol_version_name(),
            conn.get_cipher_name(), (conn.get_alpn_proto_negotiated() or b'').decode() or None,
            (conn.get_servername() or b'').decode() or None, peer.get_subject().CN if peer else None,
            bool(SSL._lib.SSL_session_reused(conn._ssl)))).encode())
        conn.shutdown()
    except SSL.Error as e:
        print('refused:', e, flush=True)
    finally:
        sock.close()
srv = socket.create_server(('127.0.0.1', int(port)))
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
'''


def client(alpn='', tls='', twice=False, cert='', server_args=(), server_cert='server-ec', ca='ca'):
    def fn(r):
        port = r.port()
        r.start('s_server', ['openssl', 's_server', '-accept', '127.0.0.1:%d' % port,
                             '-cert', r.pem(server_cert + '.pem'), '-key', r.pem(server_cert + '.key'),
                             '-www'] + list(server_args), port=port, under_test=False)
        status, out = r.client([clients.PYTHON, '-c', CLIENT, str(port), r.pem(ca + '.pem'), alpn, tls,
                                '1' if twice else '', r.pem(cert) if cert else ''], under_test=True)
        try:
            conns = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            conns = None
        return {'exit': status, 'connections': conns}
    return fn


def server(peer, verify='none', alpn=''):
    def fn(r):
        port = r.port()
        r.start('pyopenssl-server', [clients.PYTHON, '-c', SERVER, str(port), r.pem('server-ec.pem'),
                                     r.pem('server-ec.key'), r.pem('ca.pem'), verify, alpn], port=port)
        return peer(r, port)
    return fn


def py_peer(**kw):
    def peer(r, port):
        return clients.python_client(r, port, request='GET / HTTP/1.0\\r\\n\\r\\n', **kw)
    return peer


def s_client_peer(args, keys=('exit', 'sessions', 'alpn', 'reasons')):
    def peer(r, port):
        f = clients.s_client(r, port, list(args) + ['-ign_eof'], stdin='GET / HTTP/1.0\r\n\r\n')
        return {k: f[k] for k in keys}
    return peer


def curl_peer(args=(), cert=None):
    def peer(r, port):
        return clients.curl(r, 'https://localhost:%d/' % port, args=args, cert=cert)
    return peer


def scenarios(pki):
    S = Scenario
    a256 = 'TLS_AES_256_GCM_SHA384'
    e256 = 'ECDHE-ECDSA-AES256-GCM-SHA384'

    def got(version, cipher, seen, alpn=None):
        return {'version': version, 'cipher': cipher, 'alpn': alpn, 'peer': 'localhost',
                'server_saw': ['%s, %s, Cipher is %s' % (seen, version, cipher)]}
    saw = 'HTTP/1.0 200 OK\r\n\r\npyopenssl saw GET %s %s alpn=%s sni=localhost peer=%s reused=%s\n'

    def py_conn(version, cipher, peer='None', reused=False, alpn=None, sreused='False'):
        return {'version': version, 'cipher': cipher, 'alpn': alpn, 'reused': reused,
                'data': saw % (version, cipher, alpn, peer, sreused)}
    return [
        S('client-tls13-resume', client(twice=True),
          {'exit': 0, 'connections': [got('TLSv1.3', a256, 'New'), got('TLSv1.3', a256, 'Reused')]},
          quick=True),
        S('client-tls12-resume', client(tls='1.2', twice=True),
          {'exit': 0, 'connections': [got('TLSv1.2', e256, 'New'), got('TLSv1.2', e256, 'Reused')]}),
        S('client-alpn', client(alpn='h2,http/1.1', server_args=['-alpn', 'http/1.1']),
          {'exit': 0, 'connections': [got('TLSv1.3', a256, 'New', 'http/1.1')]}),
        S('client-cert', client(cert='client-ec', server_args=['-Verify', '1', '-CAfile', '%s/ca.pem' % pki]),
          {'exit': 0, 'connections': [got('TLSv1.3', a256, 'New')]}),
        S('client-wrong-ca', client(ca='other-ca'),
          {'exit': 0, 'connections': [{'error': [['SSL routines', '', 'certificate verify failed']]}]},
          quick=True),
        S('client-version-refused', client(tls='1.2', server_args=['-tls1_3']),
          {'exit': 0, 'connections': [{'error': [['SSL routines', '', 'tlsv1 alert protocol version']]}]}),
        S('server-python-resume', server(py_peer(twice=True)),
          {'exit': 0, 'connections': [py_conn('TLSv1.3', a256),
                                      py_conn('TLSv1.3', a256, reused=True, sreused='True')]},
          quick=True),
        S('server-python-tls12-resume', server(py_peer(twice=True, tls='TLSv1_2')),
          {'exit': 0, 'connections': [py_conn('TLSv1.2', e256),
                                      py_conn('TLSv1.2', e256, reused=True, sreused='True')]}),
        S('server-alpn', server(py_peer(alpn='h2,http/1.1'), alpn='http/1.1'),
          {'exit': 0, 'connections': [py_conn('TLSv1.3', a256, alpn='http/1.1')]}),
        S('server-client-cert', server(curl_peer(cert='client-ec'), verify='required'),
          {'exit': 0, 'http': '200', 'tls': 'TLSv1.3 / ' + a256,
           'body': saw.split('\r\n\r\n')[1] % ('TLSv1.3', a256, None, 'shimssl-client', 'False')},
          quick=True),
        S('server-client-cert-absent', server(s_client_peer(['-tls1_3']), verify='required'),
          {'exit': 1, 'reasons': ['tlsv13 alert certificate required']}),
        S('server-s_client-tls12', server(s_client_peer(['-tls1_2', '-reconnect'])),
          {'exit': 0, 'sessions': ['New TLSv1.2 ' + e256] + ['Reused TLSv1.2 ' + e256] * 5}),
    ]


def why_not():
    ok = subprocess.run([clients.PYTHON, '-c', 'import OpenSSL'], capture_output=True).returncode == 0
    return None if ok else 'python3-openssl (pyOpenSSL) is not installed'


def make(prefix):
    def fn(pki):
        return [s for s in scenarios(pki) if s.name.startswith(prefix)]
    return fn


GROUPS = [Group('pyOpenSSL', 'client', make('client'), needs=[clients.PYTHON], short='pyopenssl',
                why_not=why_not),
          Group('pyOpenSSL', 'server', make('server'), needs=[clients.PYTHON], short='pyopenssl',
                why_not=why_not)]
