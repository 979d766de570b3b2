"""python3's ssl module as the server under test (a threaded socket server,
and an asyncio server), served to stock s_client, curl, gnutls-cli and a
stock python client: versions, ALPN, client certificates, resumption by
ticket, refusals.  Each reply says what the server saw."""
import re

import clients
from harness import Group, Scenario

# argv: port cert key ca verify(none|required) min-version alpn
SERVER_COMMON = r'''
import os, ssl, sys
port, cert, key, ca, verify, minv, alpn = sys.argv[1:8]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if verify == 'required':
    ctx.load_verify_locations(ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
if minv:
    ctx.minimum_version = getattr(ssl.TLSVersion, minv)
if alpn:
    ctx.set_alpn_protocols(alpn.split(','))
def reply(s, line):
    peer = s.getpeercert()
    who = dict(x[0] for x in peer['subject'])['commonName'] if peer else '-'
    return ('HTTP/1.0 200 OK\r\n\r\npython saw %s %s %s alpn=%s peer=%s\n' % (
        line.split(b' ')[0].decode(errors='replace'), s.version(), s.cipher()[0],
        s.selected_alpn_protocol(), who)).encode()
'''

THREADED = SERVER_COMMON + r'''
import socket, threading
def serve(conn):
    try:
        with ctx.wrap_socket(conn, server_side=True) as s:
            line = s.recv(4096)
            s.sendall(reply(s, line))
    except (ssl.SSLError, OSError) as e:
        print('refused:', getattr(e, 'reason', e), flush=True)
srv = socket.create_server(('127.0.0.1', int(port)))
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
'''

ASYNCIO = SERVER_COMMON + r'''
import asyncio
async def handle(reader, writer):
    line = await reader.read(4096)
    writer.write(reply(writer.get_extra_info('ssl_object'), line))
    await writer.drain()
    writer.close()
async def main():
    srv = await asyncio.start_server(handle, '127.0.0.1', int(port), ssl=ctx)
    async with srv:
        await srv.serve_forever()
asyncio.run(main())
'''


# http.server's HTTPServer with its listening socket wrapped in ssl: the
# handshake happens in accept() (do_handshake_on_connect), the files of the
# current directory are served.
HTTP_SERVER = SERVER_COMMON + r'''
import http.server
httpd = http.server.HTTPServer(('127.0.0.1', int(port)), http.server.SimpleHTTPRequestHandler)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
'''


def http_server(verify='none', minv=''):
    """(port, directory served) of a python3 http.server over TLS under test."""
    def start(r):
        port = r.port()
        r.write('page.txt', 'served by python http.server\n')
        r.start('http-server', [clients.PYTHON, '-c', HTTP_SERVER, str(port), r.pem('server-ec.pem'),
                                r.pem('server-ec.key'), r.pem('ca.pem'), verify, minv, ''],
                port=port)
        return port
    return start


def curl_pages(server, args=(), cert=None, fetches=2):
    """curl fetches the page fetches times in one run (one connection each:
    http.server speaks HTTP/1.0), so the later ones offer the first's session."""
    def fn(r):
        port = server(r)
        url = 'https://localhost:%d/page.txt' % port
        cmd = ['curl', '-sS', '-v', '--max-time', '20', '--cacert', r.pem('ca.pem')] + list(args)
        if cert:
            cmd += ['--cert', r.pem(cert + '.pem'), '--key', r.pem(cert + '.key')]
        status, out = r.client(cmd + [url] * fetches)
        err = re.search(r'^curl: \(\d+\) (.*)$', out, re.M)
        return {'exit': status,
                'bodies': out.count('served by python http.server'),
                'tls': sorted(set(re.findall(r'SSL connection using (\S+ / \S+)', out))),
                'reused': out.count('SSL re-using session ID'),
                'error': re.sub(r'OpenSSL/[\d.]+: ', '', err.group(1)) if err else None}
    return fn


def python_server(script, verify='none', minv='', alpn=''):
    def start(r):
        port = r.port()
        r.start('python-server', [clients.PYTHON, '-c', script, str(port), r.pem('server-ec.pem'),
                                  r.pem('server-ec.key'), r.pem('ca.pem'), verify, minv, alpn],
                port=port)
        return port
    return start


def with_py_client(server, **kw):
    def fn(r):
        port = server(r)
        f = clients.python_client(r, port, request='GET / HTTP/1.0\\r\\n\\r\\n', **kw)
        return f
    return fn


def with_curl(server, args=(), cert=None):
    def fn(r):
        return clients.curl(r, 'https://localhost:%d/' % server(r), args=args, cert=cert)
    return fn


def with_s_client(server, args=()):
    def fn(r):
        f = clients.s_client(r, server(r), list(args) + ['-ign_eof'], stdin='GET / HTTP/1.0\r\n\r\n')
        return {k: f[k] for k in ('exit', 'sessions', 'alpn', 'reasons')}
    return fn


def with_gnutls(server):
    def fn(r):
        f = clients.gnutls_cli(r, server(r), stdin='GET / HTTP/1.0\r\n\r\n')
        return {'exit': f['exit'], 'session': f['session']}
    return fn


def conn(version, cipher, data, reused=False, alpn=None):
    return {'version': version, 'cipher': cipher, 'alpn': alpn, 'reused': reused, 'data': data}


def scenarios(pki):
    S = Scenario
    a256 = 'TLS_AES_256_GCM_SHA384'
    e256 = 'ECDHE-ECDSA-AES256-GCM-SHA384'
    out = []
    for kind, script in (('thread', THREADED), ('asyncio', ASYNCIO)):
        saw = 'HTTP/1.0 200 OK\r\n\r\npython saw GET %s %s alpn=%s peer=%s\n'
        q = kind == 'thread'
        # What stock does differently in each: the threaded server closes its
        # socket without close_notify (s_client and gnutls-cli then exit 1
        # on the unexpected EOF); the asyncio server drops a refused
        # connection without sending its alert.
        eof = {'exit': 1, 'reasons': ['unexpected eof while reading']}
        ok_eof = eof if q else {'exit': 0, 'reasons': []}
        refused13 = {'exit': 1, 'reasons': ['tlsv13 alert certificate required']} if q else eof
        refused_version = ('error:0A00042E:SSL routines::tlsv1 alert protocol version' if q else
                           'OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to localhost:PORT')
        out += [
            S(kind + '-python-resume-tls13', with_py_client(python_server(script), twice=True),
              {'exit': 0, 'connections': [conn('TLSv1.3', a256, saw % ('TLSv1.3', a256, None, '-')),
                                          conn('TLSv1.3', a256, saw % ('TLSv1.3', a256, None, '-'),
                                               reused=True)]}, quick=True),
            S(kind + '-python-resume-tls12', with_py_client(python_server(script), twice=True,
                                                            tls='TLSv1_2'),
              {'exit': 0, 'connections': [conn('TLSv1.2', e256, saw % ('TLSv1.2', e256, None, '-')),
                                          conn('TLSv1.2', e256, saw % ('TLSv1.2', e256, None, '-'),
                                               reused=True)]}),
            S(kind + '-client-cert', with_py_client(python_server(script, 'required'),
                                                    cert='client-ec'),
              {'exit': 0, 'connections': [conn('TLSv1.3', a256, saw % (
                  'TLSv1.3', a256, None, 'shimssl-client'))]}, quick=q),
            S(kind + '-alpn', with_s_client(python_server(script, alpn='h2,http/1.1'),
                                            ['-alpn', 'http/1.1']),
              dict(ok_eof, alpn='http/1.1', sessions=['New TLSv1.3 ' + a256])),
            S(kind + '-curl', with_curl(python_server(script)),
              {'exit': 0, 'http': '200', 'tls': 'TLSv1.3 / ' + a256}, quick=q),
            S(kind + '-gnutls', with_gnutls(python_server(script)),
              {'exit': 1 if q else 0, 'session': '(TLS1.3-X.509)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-'
                                     '(AES-256-GCM)'}),
            S(kind + '-client-cert-absent', with_s_client(python_server(script, 'required'),
                                                          ['-tls1_3']),
              refused13, quick=q),
            S(kind + '-version-refused', with_curl(python_server(script, minv='TLSv1_3'),
                                                   ['--tls-max', '1.2']),
              {'exit': 35, 'error': refused_version}),
        ]
    a256, e256 = 'TLS_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'
    out += [
        S('http-server-curl-tls13', curl_pages(http_server()),
          {'exit': 0, 'bodies': 2, 'tls': ['TLSv1.3 / ' + a256], 'reused': 1, 'error': None}, quick=True),
        S('http-server-curl-tls12', curl_pages(http_server(), ['--tls-max', '1.2']),
          {'exit': 0, 'bodies': 2, 'tls': ['TLSv1.2 / ' + e256], 'reused': 1, 'error': None}),
        S('http-server-curl-client-cert', curl_pages(http_server('required'), cert='client-ec', fetches=1),
          {'exit': 0, 'bodies': 1, 'tls': ['TLSv1.3 / ' + a256], 'reused': 0, 'error': None}),
        S('http-server-curl-version-refused', curl_pages(http_server(minv='TLSv1_3'), ['--tls-max', '1.2'],
                                                         fetches=1),
          {'exit': 35, 'bodies': 0, 'tls': [],
           'error': 'error:0A00042E:SSL routines::tlsv1 alert protocol version'}),
    ]
    return out


GROUPS = [Group('python3 ssl', 'server', scenarios, needs=[clients.PYTHON], short='python')]
