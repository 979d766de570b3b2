"""stunnel4 under test in both roles: a TLS server in front of a plain
HTTP backend (client certificates required, session resumption, refusals),
and a TLS client in front of a stock nginx (verification, client
certificate, session reuse across connections)."""
import clients
import nginx_conf
from harness import Group, Scenario


def stunnel(r, service, port):
    conf = r.write('stunnel.conf', '''foreground = yes
pid =
syslog = no
debug = 4
[svc]
accept = 127.0.0.1:%d
%s
''' % (port, service))
    return r.start('stunnel', ['stunnel4', conf], port=port)


def server(opts, client):
    """stunnel server (under test) in front of a stock plain-HTTP nginx."""
    def fn(r):
        back = nginx_conf.plain(r, 'through stunnel\n')
        port = r.port()
        stunnel(r, 'connect = 127.0.0.1:%d\ncert = %s\nkey = %s\n%s' % (
            back, r.pem('server-ec.pem'), r.pem('server-ec.key'), opts), port)
        return client(r, port)
    return fn


def curl(cert=None, args=()):
    return lambda r, port: clients.curl(r, 'https://localhost:%d/' % port, cert=cert, args=args)


def s_client(args):
    def client(r, port):
        f = clients.s_client(r, port, args)
        return {k: f[k] for k in ('exit', 'sessions', 'reasons')}
    return client


def client(opts, fetches=2, protocols='TLSv1.2 TLSv1.3', cert='server-ec'):
    """stunnel client (under test) to a stock nginx that reports what it saw;
    plain curl fetches through it.  (The check that stunnel listens is a
    connection too: stunnel has made one TLS connection before the first
    fetch, so even that one resumes.)"""
    def fn(r):
        up = nginx_conf.upstream(r, protocols=protocols, cert=cert)
        port = r.port()
        proc = stunnel(r, 'client = yes\nconnect = 127.0.0.1:%d\nsni = localhost\n%s' % (up, opts),
                       port)
        seen = []
        for _ in range(fetches):
            status, out = r.client(['curl', '-sS', '--max-time', '10', 'http://127.0.0.1:%d/' % port])
            # (how curl sees the connection stunnel drops varies: 7, 52 or 56)
            seen.append(out.strip() if status == 0 else 'nothing')
        return {'seen': seen, 'reasons': clients.ssl_reasons(r.log_of(proc))}
    return fn


def scenarios(pki):
    ca = 'CAfile = %s/ca.pem\nverifyChain = yes\n' % pki
    page = {'exit': 0, 'http': '200', 'body': 'through stunnel\n'}
    verify = ca + 'checkHost = localhost\n'
    mine = 'cert = %s/client-ec.pem\nkey = %s/client-ec.key\n' % (pki, pki)
    seen13 = 'TLSv1.3 TLS_AES_256_GCM_SHA384 reused=%s sni=localhost client=%s verify=%s'
    S = Scenario
    return [
        S('server-tls13', server('', curl()),
          dict(page, tls='TLSv1.3 / TLS_AES_256_GCM_SHA384'), quick=True),
        S('server-tls12', server('', curl(args=['--tls-max', '1.2'])),
          dict(page, tls='TLSv1.2 / ECDHE-ECDSA-AES256-GCM-SHA384')),
        S('server-client-cert', server(ca, curl(cert='client-ec')), page, quick=True),
        S('server-resumption-tls12', server('', s_client(['-tls1_2', '-reconnect'])),
          {'exit': 0, 'reasons': [],
           'sessions': ['New TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] +
           ['Reused TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] * 5}),
        S('server-client-cert-resumption-tls12',
          server(ca, s_client(['-tls1_2', '-reconnect', '-cert', '%s/client-ec.pem' % pki,
                               '-key', '%s/client-ec.key' % pki])),
          {'exit': 0, 'reasons': [],
           'sessions': ['New TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] +
           ['Reused TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] * 5}),
        S('server-client-cert-resumption-tls13',
          server(ca, lambda r, port: clients.s_client_twice(
              r, port, ['-tls1_3', '-cert', '%s/client-ec.pem' % pki, '-key', '%s/client-ec.key' % pki])),
          {'exit': [0, 0], 'sessions': ['New TLSv1.3 TLS_AES_256_GCM_SHA384',
                                        'Reused TLSv1.3 TLS_AES_256_GCM_SHA384']}),
        S('server-client-cert-absent', server(ca, s_client(['-tls1_3', '-ign_eof'])),
          {'exit': 1, 'reasons': ['tlsv13 alert certificate required']}, quick=True),
        S('server-version-refused', server('sslVersionMin = TLSv1.3', curl(args=['--tls-max', '1.2'])),
          {'exit': 35, 'error': 'error:0A00042E:SSL routines::tlsv1 alert protocol version'}),
        S('client-verify-cert', client(verify + mine),
          {'seen': [seen13 % ('r', 'CN=shimssl-client', 'SUCCESS')] * 2}, quick=True),
        S('client-tls12', client(verify + 'sslVersionMax = TLSv1.2\n'),
          {'seen': ['TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 reused=r sni=localhost client= verify=NONE']
           * 2}),
        S('client-wrong-ca', client('CAfile = %s/other-ca.pem\nverifyChain = yes\n' % pki, 1),
          {'seen': ['nothing'], 'reasons': ['certificate verify failed']}, quick=True),
        S('client-host-mismatch', client(verify, 1, cert='server-wronghost'),
          {'seen': ['nothing'], 'reasons': ['certificate verify failed']}),
        S('client-version-refused', client(verify + 'sslVersionMax = TLSv1.2\n', 1,
                                           protocols='TLSv1.3'),
          {'seen': ['nothing'], 'reasons': ['tlsv1 alert protocol version']}),
    ]


GROUPS = [Group('stunnel4', 'server', lambda pki: [s for s in scenarios(pki) if s.name.startswith('server')],
                needs=['stunnel4'], short='stunnel'),
          Group('stunnel4', 'client', lambda pki: [s for s in scenarios(pki) if s.name.startswith('client')],
                needs=['stunnel4'], short='stunnel')]
