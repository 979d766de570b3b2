"""ncat --ssl under test as a client (verification against the test CA, to
a stock nginx that reports what it saw) and as a server (to stock
clients)."""
import clients
import nginx_conf
from harness import Group, Scenario


def client(args, cert='server-ec', protocols='TLSv1.2 TLSv1.3', page_only=False):
    """page_only: report only whether the page arrived (how ncat then exits
    depends on whether nginx's close_notify comes before its EOF, which
    varies from run to run on stock as on ours)."""
    def fn(r):
        up = nginx_conf.upstream(r, cert=cert, protocols=protocols)
        status, out = r.client(['ncat', '--ssl', '--ssl-verify', '--ssl-trustfile', r.pem('ca.pem')]
                               + list(args) + ['localhost', str(up)],
                               stdin='GET / HTTP/1.0\r\n\r\n', under_test=True)
        lines = [line for line in out.replace('\r', '').split('\n') if line]
        if page_only:
            return {'got_page': 'HTTP/1.1 200 OK' in out}
        return {'exit': status, 'last': lines[-1] if lines else None,
                'got_page': 'HTTP/1.1 200 OK' in out}
    return fn


def server(client_fn, extra=()):
    def fn(r):
        port = r.port()
        r.start('ncat', ['ncat', '--ssl', '--ssl-cert', r.pem('server-ec.pem'), '--ssl-key',
                         r.pem('server-ec.key'), '-l', '127.0.0.1', str(port), '--keep-open',
                         '--sh-exec', 'read l; echo "ncat got $l"'] + list(extra), port=port)
        return client_fn(r, port)
    return fn


def py(r, port):
    return clients.python_client(r, port, request='ping\\n')


def s_client(r, port):
    f = clients.s_client(r, port, ['-ign_eof'], stdin='ping\n')
    return {k: f[k] for k in ('exit', 'sessions', 'reasons')}


def scenarios(pki):
    S = Scenario
    return [
        # Stock: ncat prints the whole response, then mostly "Ncat: Input/output
        # error." and exit 1 (nginx closes after the response), sometimes exit 0.
        S('client-verify', client([], page_only=True), {'got_page': True}, quick=True),
        S('client-cert', client(['--ssl-cert', '%s/client-ec.pem' % pki,
                                 '--ssl-key', '%s/client-ec.key' % pki], page_only=True),
          {'got_page': True}),
        S('client-wrong-ca', client([], cert='server-untrusted'),
          {'exit': 1, 'got_page': False, 'last': 'Ncat: Input/output error.'}, quick=True),
        S('client-host-mismatch', client([], cert='server-wronghost'),
          {'exit': 2, 'got_page': False, 'last': 'Ncat: Certificate verification error. QUITTING.'}),
        S('server-python', server(py),
          {'exit': 0, 'connections': [{'version': 'TLSv1.3', 'cipher': 'TLS_AES_256_GCM_SHA384',
                                       'alpn': None, 'reused': False, 'data': 'ncat got ping\n'}]},
          quick=True),
        S('server-s_client', server(s_client),
          {'exit': 0, 'sessions': ['New TLSv1.3 TLS_AES_256_GCM_SHA384'], 'reasons': []}),
    ]


GROUPS = [Group('ncat', 'client', lambda pki: [s for s in scenarios(pki) if s.name.startswith('client')],
                needs=['ncat']),
          Group('ncat', 'server', lambda pki: [s for s in scenarios(pki) if s.name.startswith('server')],
                needs=['ncat'])]
