"""nginx as a TLS server (the program under test) served to stock curl,
openssl s_client, gnutls-cli and python3: TLS 1.3 and 1.2, virtual hosts by
SNI, the shared session cache, a ticket key file shared by two nginx
processes, client verification, HTTP/2 over ALPN, OCSP stapling from a file,
the stream module's TLS termination, and the usual refusals."""
import os

import clients
import nginx_conf
from harness import Group, Scenario

PAGE = 'hello from nginx\n'


def server_block(r, port, extra='', cert='server-ec', name='localhost', body=None,
                 listen_extra=''):
    return '''server {
    listen 127.0.0.1:%d ssl %s; server_name %s;
    ssl_certificate %s; ssl_certificate_key %s;
    %s
    location / { return 200 "%s"; }
  }''' % (port, listen_extra, name, r.pem(cert + '.pem'), r.pem(cert + '.key'), extra,
          (body or PAGE).replace('\n', '\\n'))


def serve(r, extra='', **kw):
    port = r.port()
    nginx_conf.start(r, 'nginx', http=server_block(r, port, extra, **kw), ports=[port])
    return port


def curl_page(protocols, args, body=None, **kw):
    def fn(r):
        port = serve(r, 'ssl_protocols %s;' % protocols, body=body, **kw)
        return clients.curl(r, 'https://localhost:%d/' % port, args=args)
    return fn


def sni_vhosts(r):
    """Two virtual hosts on one port, told apart by SNI: each name gets its
    own certificate (verified for that name) and its own page."""
    port = r.port()
    http = (server_block(r, port, 'ssl_protocols TLSv1.2 TLSv1.3;', body='vhost localhost\n')
            + server_block(r, port, 'ssl_protocols TLSv1.2 TLSv1.3;', cert='server-wronghost',
                           name='wrong.example', body='vhost wrong.example\n'))
    nginx_conf.start(r, 'nginx', http=http, ports=[port])
    out = {}
    for host in ('localhost', 'wrong.example'):
        f = clients.curl(r, 'https://%s:%d/' % (host, port),
                         resolve='%s:%d:127.0.0.1' % (host, port))
        out[host] = (f['exit'], f['body'], f['tls'])
    return out


def resume_shared_cache(version):
    def fn(r):
        port = serve(r, 'ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:s:1m; '
                        'ssl_session_tickets off;')
        if version == '-tls1_3':  # (s_client -reconnect does not wait for a ticket)
            return clients.s_client_twice(r, port, [version])
        f = clients.s_client(r, port, [version, '-reconnect'])
        return {'exit': f['exit'], 'sessions': f['sessions']}
    return fn


def ticket_key_file(version):
    """A session ticket sealed by one nginx process opens in another that
    reads the same ssl_session_ticket_key file."""
    def fn(r):
        key = r.path('ticket.key')
        with open(key, 'wb') as fh:
            fh.write(bytes(range(80)))
        conf = 'ssl_protocols TLSv1.2 TLSv1.3; ssl_session_ticket_key %s;' % key
        port = r.port()
        first = nginx_conf.start(r, 'nginx', http=server_block(r, port, conf), ports=[port])

        def restart():
            r.stop(first)
            nginx_conf.start(r, 'nginx2', http=server_block(r, port, conf), ports=[port])
        return clients.s_client_twice(r, port, [version], restart)
    return fn


def verify_client(cert):
    def fn(r):
        port = serve(r, 'ssl_protocols TLSv1.2 TLSv1.3; ssl_verify_client on; '
                        'ssl_client_certificate %s;' % r.pem('ca.pem'),
                     body='client $ssl_client_s_dn $ssl_client_verify\n')
        f = clients.curl(r, 'https://localhost:%d/' % port, cert=cert)
        return {'exit': f['exit'], 'http': f['http'], 'body': f['body']}
    return fn


def http2(r):
    port = serve(r, 'ssl_protocols TLSv1.2 TLSv1.3;', listen_extra='http2')
    f = clients.curl(r, 'https://localhost:%d/' % port, args=['--http2'])
    p = clients.python_client(r, port, alpn='h2,http/1.1', read=False)
    f['python_alpn'] = [c.get('alpn') for c in p['connections'] or []]
    return f


def stapling(version):
    def fn(r):
        port = serve(r, 'ssl_protocols TLSv1.2 TLSv1.3; ssl_stapling on; ssl_stapling_file %s;'
                     % r.pem('server-ec.ocsp'))
        f = clients.s_client(r, port, [version, '-status'])
        return {k: f[k] for k in ('exit', 'ocsp', 'cert_status', 'sessions')}
    return fn


def gnutls_and_python(r):
    port = serve(r, 'ssl_protocols TLSv1.2 TLSv1.3;')
    g = clients.gnutls_cli(r, port, stdin='GET / HTTP/1.0\r\n\r\n')
    p = clients.python_client(r, port, request='GET / HTTP/1.0\\n\\n', twice=True,
                              tls='TLSv1_2')
    conns = p['connections'] or []
    return {'gnutls': (g['exit'], g['session']),
            'python': [(c.get('version'), c.get('cipher'), c.get('reused'),
                        PAGE in c.get('data', '')) for c in conns]}


def stream_termination(r):
    """The stream module ends TLS and passes the bytes to a plain TCP
    server (a stock nginx answering HTTP)."""
    back = r.port()
    nginx_conf.start(r, 'backend', under_test=False, ports=[back], http='''server {
    listen 127.0.0.1:%d; location / { return 200 "plain backend\\n"; } }''' % back)
    port = r.port()
    nginx_conf.start(r, 'nginx', modules=[nginx_conf.STREAM_MODULE], ports=[port], stream='''
  server { listen 127.0.0.1:%d ssl; proxy_pass 127.0.0.1:%d;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate %s; ssl_certificate_key %s; }''' % (
        port, back, r.pem('server-ec.pem'), r.pem('server-ec.key')))
    return clients.curl(r, 'https://localhost:%d/' % port)


def wrk_load(r):
    """wrk (stock) against nginx under test: requests complete, no errors."""
    port = serve(r, 'ssl_protocols TLSv1.2 TLSv1.3;')
    status, out = r.client(['wrk', '-t1', '-c8', '-d1s', 'https://localhost:%d/' % port])
    return wrk_facts(status, out)


def wrk_facts(status, out):
    import re
    m = re.search(r'(\d+) requests in', out)
    return {'exit': status, 'requests': bool(m and int(m.group(1)) > 50),
            'errors': re.findall(r'(Socket errors.*|Non-2xx.*)', out)}


def scenarios(pki):
    ca = os.path.join(pki, 'ca.pem')
    v13 = 'TLSv1.3 / TLS_AES_256_GCM_SHA384'
    v12 = 'TLSv1.2 / ECDHE-ECDSA-AES256-GCM-SHA384'
    page = {'exit': 0, 'http': '200', 'body': PAGE}
    S = Scenario
    return [
        S('tls13', curl_page('TLSv1.3', []), dict(page, tls=v13), quick=True),
        S('tls12', curl_page('TLSv1.2', []), dict(page, tls=v12), quick=True),
        S('tls12-rsa', curl_page('TLSv1.2', [], cert='server-rsa'),
          dict(page, tls='TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384')),
        S('sni-vhosts', sni_vhosts,
          {'localhost': [0, 'vhost localhost\n', v13],
           'wrong.example': [0, 'vhost wrong.example\n', v13]}, quick=True),
        S('session-cache-shared-tls13', resume_shared_cache('-tls1_3'),
          {'exit': [0, 0], 'sessions': ['New TLSv1.3 TLS_AES_256_GCM_SHA384',
                                        'Reused TLSv1.3 TLS_AES_256_GCM_SHA384']}, quick=True),
        S('session-cache-shared-tls12', resume_shared_cache('-tls1_2'),
          {'exit': 0, 'sessions': ['New TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] +
           ['Reused TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] * 5}),
        S('ticket-key-file-tls13', ticket_key_file('-tls1_3'),
          {'exit': [0, 0], 'sessions': ['New TLSv1.3 TLS_AES_256_GCM_SHA384',
                                        'Reused TLSv1.3 TLS_AES_256_GCM_SHA384']}, quick=True),
        S('ticket-key-file-tls12', ticket_key_file('-tls1_2'),
          {'exit': [0, 0], 'sessions': ['New TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384',
                                        'Reused TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384']}),
        S('verify-client', verify_client('client-ec'),
          {'exit': 0, 'http': '200', 'body': 'client CN=shimssl-client SUCCESS\n'}, quick=True),
        # ssl_verify_client on: nginx completes the handshake and answers
        # 400 "No required SSL certificate was sent".
        S('verify-client-absent', verify_client(None), {'exit': 0, 'http': '400'}),
        S('http2-alpn', http2, dict(page, tls=v13, alpn='h2', python_alpn=['h2']), quick=True),
        S('ocsp-stapling-tls13', stapling('-tls1_3'),
          {'exit': 0, 'ocsp': 'successful', 'cert_status': 'good',
           'sessions': ['New TLSv1.3 TLS_AES_256_GCM_SHA384']}, quick=True),
        S('ocsp-stapling-tls12', stapling('-tls1_2'),
          {'exit': 0, 'ocsp': 'successful', 'cert_status': 'good',
           'sessions': ['New TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384']}),
        S('gnutls-python', gnutls_and_python,
          {'gnutls': [0, '(TLS1.3-X.509)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)'],
           'python': [['TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384', False, True],
                      ['TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384', True, True]]}),
        S('stream-ssl-termination', stream_termination,
          {'exit': 0, 'http': '200', 'body': 'plain backend\n', 'tls': v13},
          needs=[nginx_conf.STREAM_MODULE]),
        S('wrk', wrk_load, {'exit': 0, 'requests': True, 'errors': []}, needs=['wrk']),
        # Failures: the client's view must be the same kind of failure.
        S('wrong-ca', curl_page('TLSv1.2 TLSv1.3', [], cert='server-untrusted'),
          {'exit': 60, 'error': 'SSL certificate problem: unable to get local issuer certificate'},
          quick=True),
        S('host-mismatch', curl_page('TLSv1.2 TLSv1.3', [], cert='server-wronghost'),
          {'exit': 60}),
        S('version-refused', curl_page('TLSv1.3', ['--tls-max', '1.2']),
          {'exit': 35, 'error': 'error:0A00042E:SSL routines::tlsv1 alert protocol version'},
          quick=True),
    ]


GROUPS = [Group('nginx', 'server', scenarios, needs=['nginx'])]
