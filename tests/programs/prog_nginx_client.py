"""nginx as a TLS client under test: proxy_pass https:// to a stock nginx
that reports what it saw (verification, client certificate,
proxy_ssl_session_reuse, TLS 1.2, refusals), and the stream module's
proxy_ssl; wrk (under test) against a stock nginx."""
import clients
import nginx_conf
from harness import Group, Scenario


def proxy(opts, fetches=2, protocols='TLSv1.2 TLSv1.3', cert='server-ec'):
    def fn(r):
        up = nginx_conf.upstream(r, protocols=protocols, cert=cert)
        port = r.port()
        nginx_conf.start(r, 'nginx', ports=[port], http='''server {
    listen 127.0.0.1:%d;
    location / { proxy_pass https://127.0.0.1:%d; proxy_ssl_name localhost;
                 proxy_ssl_server_name on; %s }
  }''' % (port, up, opts))
        seen = []
        for _ in range(fetches):
            status, out = r.client(['curl', '-sS', '--max-time', '10', '-w', ' %{http_code}',
                                    'http://127.0.0.1:%d/' % port])
            body, _, code = out.rpartition(' ')
            seen.append((body.strip() if code == '200' else code) if status == 0
                        else 'curl exit %s' % status)
        log = nginx_conf.error_log(r, 'nginx')
        return {'seen': seen, 'reasons': clients.ssl_reasons(log),
                'log_errors': sorted(set(_alerts(log)))}
    return fn


def _alerts(log):
    """nginx's own words for upstream TLS failures ([crit]/[error]/[alert])."""
    import re
    return [re.sub(r'.*\] \d+#\d+: \*?\d* ?', '', line).split(' while ')[0].split(' (SSL:')[0]
            for line in log.splitlines() if re.search(r'\[(alert|crit|error)\]', line)]


def stream_proxy_ssl(opts):
    def fn(r):
        up = nginx_conf.upstream(r)
        port = r.port()
        nginx_conf.start(r, 'nginx', modules=[nginx_conf.STREAM_MODULE], ports=[port], stream='''
  server { listen 127.0.0.1:%d; proxy_pass 127.0.0.1:%d; proxy_ssl on;
    proxy_ssl_name localhost; proxy_ssl_server_name on; %s }''' % (port, up, opts))
        status, out = r.client(['curl', '-sS', '--max-time', '10', 'http://127.0.0.1:%d/' % port])
        return {'exit': status, 'seen': out.strip() if status == 0 else None}
    return fn


def wrk_client(r):
    up = nginx_conf.upstream(r)
    status, out = r.client(['wrk', '-t1', '-c8', '-d1s', 'https://localhost:%d/' % up],
                           under_test=True)
    import prog_nginx_server
    return prog_nginx_server.wrk_facts(status, out)


def scenarios(pki):
    S = Scenario
    verify = ('proxy_ssl_verify on; proxy_ssl_trusted_certificate %s/ca.pem;' % pki)
    mine = ('proxy_ssl_certificate %s/client-ec.pem; proxy_ssl_certificate_key %s/client-ec.key;'
            % (pki, pki))
    # (nginx 1.22's proxy_ssl_protocols stop at TLS 1.2)
    up12 = 'TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 reused=%s sni=localhost client=%s verify=%s'
    bad = {'seen': ['502'], 'reasons': []}
    return [
        S('proxy-verify-client-cert-reuse', proxy(verify + mine + 'proxy_ssl_session_reuse on;'),
          {'seen': [up12 % ('.', 'CN=shimssl-client', 'SUCCESS'),
                    up12 % ('r', 'CN=shimssl-client', 'SUCCESS')], 'log_errors': []}, quick=True),
        S('proxy-no-session-reuse', proxy(verify + 'proxy_ssl_session_reuse off;'),
          {'seen': [up12 % ('.', '', 'NONE')] * 2, 'log_errors': []}),
        S('proxy-tls12-reuse', proxy(verify + 'proxy_ssl_protocols TLSv1.2;'),
          {'seen': [up12 % (x, '', 'NONE') for x in '.r'], 'log_errors': []}),
        S('proxy-wrong-ca', proxy('proxy_ssl_verify on; proxy_ssl_trusted_certificate %s/other-ca.pem;'
                                  % pki, 1),
          dict(bad, log_errors=['upstream SSL certificate verify error: (21:unable to verify the '
                                'first certificate)'], reasons=[]), quick=True),
        S('proxy-host-mismatch', proxy(verify, 1, cert='server-wronghost'),
          dict(bad, log_errors=['upstream SSL certificate does not match "localhost"'])),
        S('proxy-version-refused', proxy(verify + 'proxy_ssl_protocols TLSv1.2;', 1,
                                         protocols='TLSv1.3'),
          {'seen': ['502'], 'reasons': ['tlsv1 alert protocol version']}),
        S('stream-proxy-ssl', stream_proxy_ssl(verify + mine),
          # (nginx 1.22's proxy_ssl_protocols stop at TLS 1.2; the check that
          # nginx listens made the first connection, so this one resumes)
          {'exit': 0, 'seen': 'TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 reused=r sni=localhost '
                              'client=CN=shimssl-client verify=SUCCESS'}, quick=True,
          needs=[nginx_conf.STREAM_MODULE]),
    ]


GROUPS = [Group('nginx', 'client', scenarios, needs=['nginx']),
          Group('wrk', 'client', lambda pki: [
              Scenario('https-load', wrk_client, {'exit': 0, 'requests': True, 'errors': []},
                       quick=True)], needs=['wrk'])]
