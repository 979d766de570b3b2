"""socat under test in both roles: OPENSSL-LISTEN (a server that requires a
client certificate, or not) served to stock clients, and OPENSSL-CONNECT
(verification, client certificate, version limits) to a stock nginx that
reports what it saw."""
import clients
import nginx_conf
from harness import Group, Scenario

REPLY = 'read l; echo "socat got $l from $SOCAT_OPENSSL_X509_SUBJECT"'


def listen(opts, client):
    """socat OPENSSL-LISTEN with opts; client(r, port) -> facts."""
    def fn(r):
        port = r.port()
        addr = ('OPENSSL-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork,cert=%s,key=%s,cafile=%s,%s'
                % (port, r.pem('server-ec.pem'), r.pem('server-ec.key'), r.pem('ca.pem'), opts))
        r.start('socat', ['socat', addr, 'SYSTEM:%s' % REPLY], port=port)
        return client(r, port)
    return fn


def py(cert='', tls='', request='ping\\n'):
    # (a refused client sends nothing: its data could reach a closed socket,
    # and the reset beat the alert to the client)
    def client(r, port):
        f = clients.python_client(r, port, request=request, cert=cert, tls=tls)
        return f
    return client


def s_client(args):
    def client(r, port):
        f = clients.s_client(r, port, list(args) + ['-ign_eof'], stdin='ping\n')
        return {k: f[k] for k in ('exit', 'sessions', 'verify', 'reasons')}
    return client


def curl(r, port):
    # (socat's answer is one line, no HTTP header: HTTP/0.9 to curl)
    f = clients.curl(r, 'https://localhost:%d/' % port, args=['--http0.9'])
    return {k: f.get(k) for k in ('exit', 'body', 'tls', 'error')}


def gnutls(r, port):
    f = clients.gnutls_cli(r, port, stdin='ping\n')
    return {k: f[k] for k in ('exit', 'session', 'fatal')}


def connect(opts, upstream_protocols='TLSv1.2 TLSv1.3', cert='server-ec'):
    """socat OPENSSL-CONNECT (under test) from stdin to a stock nginx."""
    def fn(r):
        port = nginx_conf.upstream(r, protocols=upstream_protocols, cert=cert)
        status, out = r.client(['socat', '-T', '10', '-',
                                'OPENSSL-CONNECT:127.0.0.1:%d,%s' % (port, opts)],
                               stdin='GET / HTTP/1.0\r\n\r\n', under_test=True)
        body = out.split('\n\n', 1)[-1] if status == 0 else None
        lines = [line for line in (body or '').replace('\r', '').split('\n') if line]
        return {'exit': status, 'seen': lines[-1:] if lines else None,
                'reasons': clients.ssl_reasons(out)}
    return fn


def scenarios(pki):
    ca = 'cafile=%s/ca.pem' % pki
    client_cert = 'cert=%s/client-ec.pem,key=%s/client-ec.key' % (pki, pki)
    got = 'socat got ping from CN = shimssl-client\n'
    S = Scenario
    return [
        S('listen-verify-client-cert', listen('verify=1', py(cert='client-ec')),
          {'exit': 0, 'connections': [{'version': 'TLSv1.3', 'cipher': 'TLS_AES_256_GCM_SHA384',
                                       'alpn': None, 'reused': False, 'data': got}]}, quick=True),
        S('listen-verify-client-cert-tls12', listen('verify=1', py(cert='client-rsa', tls='TLSv1_2')),
          {'exit': 0, 'connections': [{'version': 'TLSv1.2',
                                       'cipher': 'ECDHE-ECDSA-AES256-GCM-SHA384', 'alpn': None,
                                       'reused': False, 'data': got}]}),
        S('listen-s_client', listen('verify=1', s_client(['-cert', '%s/client-ec.pem' % pki,
                                                          '-key', '%s/client-ec.key' % pki])),
          {'exit': 0, 'sessions': ['New TLSv1.3 TLS_AES_256_GCM_SHA384'], 'reasons': []}),
        S('listen-no-verify', listen('verify=0', py()),
          {'exit': 0, 'connections': [{'version': 'TLSv1.3', 'cipher': 'TLS_AES_256_GCM_SHA384',
                                       'alpn': None, 'reused': False,
                                       'data': 'socat got ping from\n'}]}),
        S('listen-curl', listen('verify=0', curl),
          # (the request line's CR kept by read, a newline once read back as text)
          {'exit': 0, 'body': 'socat got GET / HTTP/1.1\n from\n', 'tls': 'TLSv1.3 / TLS_AES_256_GCM_SHA384'}),
        S('listen-gnutls', listen('verify=0', gnutls),
          {'exit': 0, 'session': '(TLS1.3-X.509)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)'}),
        S('listen-client-cert-absent', listen('verify=1', py(request='')),
          {'exit': 0, 'connections': [{'error': 'TLSV13_ALERT_CERTIFICATE_REQUIRED'}]},
          quick=True),
        S('listen-client-cert-absent-tls12', listen('verify=1', py(tls='TLSv1_2', request='')),
          {'exit': 0, 'connections': [{'error': 'SSLV3_ALERT_HANDSHAKE_FAILURE'}]}),
        S('listen-version-refused', listen('verify=0,min-version=TLS1.3', py(tls='TLSv1_2', request='')),
          {'exit': 0, 'connections': [{'error': 'TLSV1_ALERT_PROTOCOL_VERSION'}]}),
        S('connect-verify-client-cert', connect('%s,cn=localhost,%s' % (ca, client_cert)),
          {'exit': 0, 'seen': ['TLSv1.3 TLS_AES_256_GCM_SHA384 reused=. sni=localhost '
                               'client=CN=shimssl-client verify=SUCCESS'], 'reasons': []},
          quick=True),
        S('connect-tls12', connect('%s,cn=localhost,max-version=TLS1.2' % ca),
          {'exit': 0, 'seen': ['TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 reused=. sni=localhost '
                               'client= verify=NONE'], 'reasons': []}),
        S('connect-wrong-ca', connect('cafile=%s/other-ca.pem,cn=localhost' % pki),
          {'exit': 1, 'seen': None, 'reasons': ['certificate verify failed']}, quick=True),
        S('connect-host-mismatch', connect('%s,cn=localhost' % ca, cert='server-wronghost'),
          {'exit': 1, 'seen': None}),
        S('connect-version-refused', connect('%s,cn=localhost,max-version=TLS1.2' % ca,
                                             upstream_protocols='TLSv1.3'),
          {'exit': 1, 'seen': None, 'reasons': ['tlsv1 alert protocol version']}),
    ]


GROUPS = [Group('socat', 'server', lambda pki: [s for s in scenarios(pki) if s.name.startswith('listen')],
                needs=['socat']),
          Group('socat', 'client', lambda pki: [s for s in scenarios(pki) if s.name.startswith('connect')],
                needs=['socat'])]
