"""haproxy under test in both roles: a TLS frontend (bind ... ssl crt with
several certificates chosen by SNI, ALPN, client verification, refusals)
answering with what it saw, and a TLS backend (server ... ssl verify
required, client certificate, session reuse) to a stock nginx."""
import clients
import nginx_conf
from harness import Group, Scenario

GLOBAL = '''global
  log stderr format raw local0 info
  tune.ssl.default-dh-param 2048
  nbthread 1
defaults
  mode http
  log global
  option httplog
  timeout connect 5s
  timeout client 10s
  timeout server 10s
'''

# What the frontend saw, in the reply body.
SAW = ('http-request return status 200 content-type text/plain lf-string '
       '"%[ssl_fc_protocol] %[ssl_fc_cipher] alpn=%[ssl_fc_alpn] sni=%[ssl_fc_sni] '
       'client=%[ssl_c_s_dn] resumed=%[ssl_fc_is_resumed]\\n"')


def haproxy(r, conf, port):
    path = r.write('haproxy.cfg', GLOBAL + conf)
    return r.start('haproxy', ['haproxy', '-db', '-f', path], port=port)


def frontend(bind_opts, client):
    def fn(r):
        port = r.port()
        haproxy(r, '''frontend fe
  bind 127.0.0.1:%d ssl crt %s crt %s %s
  %s
''' % (port, r.combined('server-ec'), r.combined('server-wronghost'), bind_opts, SAW), port)
        return client(r, port)
    return fn


def curl(host='localhost', args=(), cert=None):
    def client(r, port):
        f = clients.curl(r, 'https://%s:%d/' % (host, port), args=args, cert=cert,
                         resolve='%s:%d:127.0.0.1' % (host, port))
        return f
    return client


def s_client(args):
    def client(r, port):
        f = clients.s_client(r, port, list(args), stdin='GET / HTTP/1.0\r\n\r\n')
        return {k: f[k] for k in ('exit', 'sessions', 'alpn', 'reasons')}
    return client


def twice(args):
    """Two s_client runs, the second offering the first's TLS 1.3 session;
    both send a request, and haproxy's answers say whom it saw and whether
    it resumed (a resumed session keeps the client's certificate)."""
    def client(r, port):
        sess = r.path('haproxy.sess')
        out = {'exit': [], 'sessions': [], 'saw': []}
        for extra in (['-sess_out', sess], ['-sess_in', sess]):
            status, text = r.client(['openssl', 's_client', '-connect', '127.0.0.1:%d' % port,
                                     '-servername', 'localhost', '-CAfile', r.pem('ca.pem'),
                                     '-verify_return_error', '-ign_eof'] + list(args) + extra,
                                    stdin='GET / HTTP/1.0\r\n\r\n')
            f = clients.s_client_facts(status, text)
            out['exit'].append(status)
            out['sessions'] += f['sessions']
            out['saw'] += [line for line in text.splitlines() if line.startswith('TLSv1.3 ')]
        return out
    return client


def backend(server_opts, fetches=2, protocols='TLSv1.2 TLSv1.3', cert='server-ec', client_cert=False):
    """haproxy (under test) forwards plain HTTP to a stock nginx over TLS;
    each fetch is a new backend connection."""
    def fn(r):
        up = nginx_conf.upstream(r, protocols=protocols, cert=cert)
        port = r.port()
        opts = server_opts + (' crt ' + r.combined('client-ec') if client_cert else '')
        proc = haproxy(r, '''frontend fe
  bind 127.0.0.1:%d
  option http-server-close
  default_backend be
backend be
  http-reuse never
  server up 127.0.0.1:%d ssl sni str(localhost) %s
''' % (port, up, opts), port)
        seen = []
        for _ in range(fetches):
            status, out = r.client(['curl', '-sS', '--max-time', '10', 'http://127.0.0.1:%d/' % port])
            seen.append(out.strip())
        return {'seen': seen, 'reasons': clients.ssl_reasons(r.log_of(proc))}
    return fn


def scenarios(pki):
    S = Scenario
    ca = '%s/ca.pem' % pki
    saw = '%s %s alpn=%s sni=%s client=%s resumed=%s\n'
    page = {'exit': 0, 'http': '200'}
    a256 = 'TLS_AES_256_GCM_SHA384'
    verify = 'verify required ca-file %s' % ca
    up = ('TLSv1.3 TLS_AES_256_GCM_SHA384 reused=%s sni=localhost client=%s verify=%s')
    return [
        S('frontend-tls13', frontend('', curl()),
          dict(page, body=saw % ('TLSv1.3', a256, '', 'localhost', '', 0)), quick=True),
        S('frontend-sni-second-cert', frontend('', curl(host='wrong.example')),
          dict(page, body=saw % ('TLSv1.3', a256, '', 'wrong.example', '', 0)), quick=True),
        S('frontend-tls12', frontend('', curl(args=['--tls-max', '1.2'])),
          dict(page, body=saw % ('TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384', '', 'localhost', '', 0))),
        S('frontend-alpn-h2', frontend('alpn h2,http/1.1', curl(args=['--http2'])),
          dict(page, alpn='h2', body=saw % ('TLSv1.3', a256, 'h2', 'localhost', '', 0))),
        S('frontend-verify-client', frontend(verify, curl(cert='client-ec')),
          dict(page, body=saw % ('TLSv1.3', a256, '', 'localhost', '/CN=shimssl-client', 0)),
          quick=True),
        S('frontend-resumption-tls12', frontend('', s_client(['-tls1_2', '-reconnect'])),
          {'exit': 0, 'sessions': ['New TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] +
           ['Reused TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] * 5}),
        # A client certificate verified on the full handshake; the resumed
        # ones carry it in the session.
        S('frontend-client-cert-resumption-tls12',
          frontend(verify, s_client(['-tls1_2', '-reconnect', '-cert', '%s/client-ec.pem' % pki,
                                     '-key', '%s/client-ec.key' % pki])),
          {'exit': 0, 'reasons': [], 'sessions': ['New TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] +
           ['Reused TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] * 5}),
        S('frontend-client-cert-resumption-tls13',
          frontend(verify, twice(['-tls1_3', '-cert', '%s/client-ec.pem' % pki,
                                  '-key', '%s/client-ec.key' % pki])),
          {'exit': [0, 0], 'sessions': ['New TLSv1.3 ' + a256, 'Reused TLSv1.3 ' + a256],
           'saw': [(saw % ('TLSv1.3', a256, '', 'localhost', '/CN=shimssl-client', n)).strip()
                   for n in (0, 1)]}),
        S('frontend-client-cert-absent', frontend(verify, s_client(['-tls1_3', '-ign_eof'])),
          {'exit': 1, 'reasons': ['tlsv13 alert certificate required']}, quick=True),
        S('frontend-version-refused', frontend('ssl-min-ver TLSv1.3', curl(args=['--tls-max', '1.2'])),
          {'exit': 35, 'error': 'error:0A00042E:SSL routines::tlsv1 alert protocol version'}),
        S('backend-verify-client-cert',
          backend(verify, client_cert=True),
          {'seen': [up % ('.', 'CN=shimssl-client', 'SUCCESS'), up % ('r', 'CN=shimssl-client', 'SUCCESS')],
           'reasons': []}, quick=True),
        S('backend-tls12', backend('%s ssl-max-ver TLSv1.2' % verify),
          {'seen': ['TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 reused=%s sni=localhost client= verify=NONE' % x
                    for x in '.r'], 'reasons': []}),
        S('backend-no-reuse', backend('%s no-ssl-reuse' % verify),
          {'seen': [up % ('.', '', 'NONE')] * 2, 'reasons': []}),
        S('backend-wrong-ca', backend('verify required ca-file %s/other-ca.pem' % pki, 1),
          {'seen': ['<html><body><h1>503 Service Unavailable</h1>'
                    '\nNo server is available to handle this request.\n</body></html>']},
          quick=True),
        S('backend-version-refused', backend('%s ssl-max-ver TLSv1.2' % verify, 1,
                                             protocols='TLSv1.3'),
          {'seen': ['<html><body><h1>503 Service Unavailable</h1>'
                    '\nNo server is available to handle this request.\n</body></html>']}),
    ]


def make(prefix):
    def fn(pki):
        return [s for s in scenarios(pki) if s.name.startswith(prefix)]
    return fn


GROUPS = [Group('haproxy', 'server', make('frontend'), needs=['haproxy']),
          Group('haproxy', 'client', make('backend'), needs=['haproxy'])]
