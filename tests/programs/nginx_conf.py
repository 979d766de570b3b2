"""nginx started by a scenario: one process (no master, one worker loop),
running as the current user with its configuration, logs and temp files
in the run's directory, on ports the scenario picked."""
import os

STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so'

# A page that shows what the TLS server saw: the stock nginx upstream of
# the client-role scenarios answers with it.
DETAILS = ('return 200 "$ssl_protocol $ssl_cipher reused=$ssl_session_reused '
           'sni=$ssl_server_name client=$ssl_client_s_dn verify=$ssl_client_verify\\n";')


def start(r, name, http='', stream='', under_test=True, ports=(), modules=()):
    """Writes nginx.conf with the given http { } and stream { } bodies and
    starts nginx; waits for every port in ports."""
    d = r.path(name)
    os.makedirs(d, exist_ok=True)
    conf = ''.join('load_module %s;\n' % m for m in modules)
    conf += '''daemon off; master_process off; worker_processes 1;
pid %(d)s/nginx.pid; error_log %(d)s/error.log info;
events { worker_connections 256; }
''' % {'d': d}
    if http:
        conf += '''http {
  access_log off; client_body_temp_path %(d)s; proxy_temp_path %(d)s;
  fastcgi_temp_path %(d)s; uwsgi_temp_path %(d)s; scgi_temp_path %(d)s;
  default_type text/plain;
%(h)s
}
''' % {'d': d, 'h': http}
    if stream:
        conf += 'stream {\n%s\n}\n' % stream
    path = os.path.join(d, 'nginx.conf')
    with open(path, 'w') as fh:
        fh.write(conf)
    proc = r.start(name, ['nginx', '-c', path, '-p', d], under_test=under_test)
    for p in ports:
        from peers import wait_listening
        wait_listening(p, proc, timeout=15)
    return proc


def error_log(r, name):
    return r.read(os.path.join(r.path(name), 'error.log'))


def upstream(r, extra='', cert='server-ec', protocols='TLSv1.2 TLSv1.3', name='upstream'):
    """A stock nginx TLS server answering every request with DETAILS (what
    it saw of the client under test): client certificates optional, a
    shared session cache.  Returns its port."""
    port = r.port()
    start(r, name, under_test=False, ports=[port], http='''server {
    listen 127.0.0.1:%d ssl; server_name localhost;
    ssl_certificate %s; ssl_certificate_key %s; ssl_protocols %s;
    ssl_verify_client optional; ssl_client_certificate %s;
    ssl_session_cache shared:up:1m;
    %s
    location / { %s }
  }''' % (port, r.pem(cert + '.pem'), r.pem(cert + '.key'), protocols, r.pem('ca.pem'), extra,
          DETAILS))
    return port


def plain(r, body='plain backend\n', name='backend'):
    """A stock nginx answering plain HTTP with body.  Returns its port."""
    port = r.port()
    start(r, name, under_test=False, ports=[port], http='''server {
    listen 127.0.0.1:%d; location / { return 200 "%s"; } }''' % (port, body.replace('\n', '\\n')))
    return port
