"""More servers people run on Debian with libssl3, each under test with a
TLS listener and served to stock clients: apache2 with mod_ssl, lighttpd
with mod_openssl, redis-server with tls-port (and redis-cli as a client),
mosquitto with a TLS listener, postgresql with ssl = on (and psql with
sslmode=verify-full)."""
import os
import re
import pwd
import shutil

import clients
from harness import Group, Scenario

PAGE = 'hello from a file\n'


def www(r):
    """A world-readable document root (apache2 serves it as www-data)."""
    os.chmod(r.tmp, 0o755)
    d = r.path('www')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'index.html'), 'w') as fh:
        fh.write(PAGE)
    return d


# -- apache2 -----------------------------------------------------------------
MODS = '/usr/lib/apache2/modules'


def apache2(extra=''):
    def start(r):
        port = r.port()
        conf = r.write('apache2.conf', '''
LoadModule mpm_event_module {m}/mod_mpm_event.so
LoadModule authz_core_module {m}/mod_authz_core.so
LoadModule mime_module {m}/mod_mime.so
LoadModule socache_shmcb_module {m}/mod_socache_shmcb.so
LoadModule ssl_module {m}/mod_ssl.so
TypesConfig /dev/null
ServerName localhost
Listen 127.0.0.1:{p}
User www-data
Group www-data
PidFile {d}/httpd.pid
ErrorLog {d}/apache-error.log
DefaultRuntimeDir {d}
Mutex file:{d} default
DocumentRoot {w}
SSLSessionCache shmcb:{d}/ssl_scache(512000)
<VirtualHost 127.0.0.1:{p}>
  SSLEngine on
  SSLCertificateFile {c}
  SSLCertificateKeyFile {k}
  SSLCACertificateFile {ca}
  {x}
</VirtualHost>
'''.format(m=MODS, p=port, d=r.tmp, w=www(r), c=r.pem('server-ec.pem'), k=r.pem('server-ec.key'),
           ca=r.pem('ca.pem'), x=extra))
        r.start('apache2', ['apache2', '-X', '-f', conf], port=port)
        return port
    return start


# -- lighttpd ----------------------------------------------------------------
def lighttpd(extra=''):
    def start(r):
        port = r.port()
        conf = r.write('lighttpd.conf', '''
server.modules = ("mod_openssl")
server.document-root = "%s"
server.bind = "127.0.0.1"
server.port = %d
server.errorlog = "%s/lighttpd-error.log"
index-file.names = ("index.html")
ssl.engine = "enable"
ssl.pemfile = "%s"
ssl.privkey = "%s"
%s
''' % (www(r), port, r.tmp, r.pem('server-ec.pem'), r.pem('server-ec.key'), extra))
        r.start('lighttpd', ['lighttpd', '-D', '-f', conf], port=port)
        return port
    return start


def curl_page(server, cert=None, args=()):
    def fn(r):
        f = clients.curl(r, 'https://localhost:%d/index.html' % server(r), cert=cert, args=args)
        return f
    return fn


def s_client(server, args):
    def fn(r):
        f = clients.s_client(r, server(r), args)
        return {k: f[k] for k in ('exit', 'sessions', 'reasons')}
    return fn


# -- redis -------------------------------------------------------------------
def redis_server(r, under_test=True, clients_auth='no'):
    port = r.port()
    r.start('redis-server', ['redis-server', '--port', '0', '--tls-port', str(port),
                             '--bind', '127.0.0.1', '--tls-cert-file', r.pem('server-ec.pem'),
                             '--tls-key-file', r.pem('server-ec.key'),
                             '--tls-ca-cert-file', r.pem('ca.pem'),
                             '--tls-auth-clients', clients_auth, '--save', '', '--appendonly', 'no',
                             '--dir', r.tmp], port=port, under_test=under_test)
    return port


def redis_cli(r, port, under_test=False, cert=None, ca='ca.pem'):
    cmd = ['redis-cli', '--tls', '--cacert', r.pem(ca), '-h', 'localhost', '-p', str(port)]
    if cert:
        cmd += ['--cert', r.pem(cert + '.pem'), '--key', r.pem(cert + '.key')]
    status, out = r.client(cmd + ['PING'], under_test=under_test)
    reply = [re.sub(r':\d+:', ':PORT:', line) for line in out.strip().splitlines()[-1:]]
    return {'exit': status, 'reply': reply}


def redis_ping(clients_auth='no', cert=None):
    def fn(r):
        port = redis_server(r, clients_auth=clients_auth)
        f = redis_cli(r, port, cert=cert)
        if clients_auth == 'no':
            s = clients.s_client(r, port)
            f['s_client'] = [s['exit'], s['sessions']]
        return f
    return fn


def redis_client(ca='ca.pem'):
    def fn(r):
        port = redis_server(r, under_test=False, clients_auth='yes')
        return redis_cli(r, port, under_test=True, cert='client-ec', ca=ca)
    return fn


# -- mosquitto ---------------------------------------------------------------
def mosquitto(require_cert=False):
    def fn(r):
        port = r.port()
        conf = r.write('mosquitto.conf', '''user root
listener %d 127.0.0.1
certfile %s
keyfile %s
cafile %s
require_certificate %s
allow_anonymous true
''' % (port, r.pem('server-ec.pem'), r.pem('server-ec.key'), r.pem('ca.pem'),
            'true' if require_cert else 'false'))
        r.start('mosquitto', ['mosquitto', '-c', conf], port=port)
        cmd = ['mosquitto_sub', '--cafile', r.pem('ca.pem'), '-h', 'localhost', '-p', str(port),
               '-t', '$SYS/broker/version', '-C', '1', '-W', '5']
        if require_cert:
            cmd += ['--cert', r.pem('client-ec.pem'), '--key', r.pem('client-ec.key')]
        status, out = r.client(cmd)
        return {'exit': status, 'version': out.strip()}
    return fn


# -- postgresql --------------------------------------------------------------
PG_BIN = '/usr/lib/postgresql/15/bin'


def postgres_why_not():
    if not os.path.exists(PG_BIN + '/postgres'):
        return 'postgresql-15 is not installed'
    try:
        pwd.getpwnam('postgres')
    except KeyError:
        return 'no postgres user to run the server as (initdb refuses root)'
    if os.getuid() != 0:
        return 'the server must run as the postgres user, which needs root to switch to'
    return None


def postgres(client_under_test=False):
    """initdb and postgres as the postgres user (initdb refuses root), ssl on;
    psql with sslmode=verify-full."""
    def fn(r):
        # (the postgres user writes the dynamic linker's record here too)
        os.chmod(r.tmp, 0o1777)
        pg = pwd.getpwnam('postgres')
        data, keys = r.path('pgdata'), r.path('pgkeys')
        os.makedirs(keys)
        os.makedirs(data, mode=0o700)
        os.chown(data, pg.pw_uid, pg.pw_gid)
        for f in ('server-ec.pem', 'server-ec.key', 'ca.pem'):
            shutil.copy(r.pem(f), os.path.join(keys, f))
            os.chmod(os.path.join(keys, f), 0o600)
            os.chown(os.path.join(keys, f), pg.pw_uid, pg.pw_gid)
        os.chown(keys, pg.pw_uid, pg.pw_gid)
        as_pg = ['runuser', '-u', 'postgres', '--']
        status, out = r.client(as_pg + [PG_BIN + '/initdb', '-D', data, '-A', 'trust'], timeout=60)
        if status != 0:
            raise RuntimeError('initdb failed: ' + out[-500:])
        port = r.port()
        r.start('postgres', as_pg + [PG_BIN + '/postgres', '-D', data, '-k', keys, '-p', str(port),
                                      '-c', 'listen_addresses=127.0.0.1', '-c', 'ssl=on',
                                      '-c', 'ssl_cert_file=%s/server-ec.pem' % keys,
                                      '-c', 'ssl_key_file=%s/server-ec.key' % keys],
                port=port, under_test=not client_under_test)
        conninfo = ('host=localhost port=%d user=postgres dbname=postgres sslmode=verify-full '
                    'sslrootcert=%s' % (port, r.pem('ca.pem')))
        status, out = r.client(['psql', conninfo, '-Atc',
                                'select version, cipher from pg_stat_ssl where pid = pg_backend_pid()'],
                               under_test=client_under_test, env_extra={'PGCONNECT_TIMEOUT': '10'})
        return {'exit': status, 'ssl': out.strip()}
    return fn


def scenarios_apache(pki):
    S = Scenario
    page = {'exit': 0, 'http': '200', 'body': PAGE}
    return [
        S('tls13', curl_page(apache2()), dict(page, tls='TLSv1.3 / TLS_AES_256_GCM_SHA384'), quick=True),
        S('tls12-resumption', s_client(apache2(), ['-tls1_2', '-reconnect']),
          {'exit': 0, 'reasons': [], 'sessions': ['New TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] +
           ['Reused TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384'] * 5}),
        S('verify-client', curl_page(apache2('SSLVerifyClient require'), cert='client-ec'), page),
        S('client-cert-absent', s_client(apache2('SSLVerifyClient require'), ['-tls1_3', '-ign_eof']),
          {'exit': 1, 'reasons': ['tlsv13 alert certificate required']}),
    ]


def scenarios_lighttpd(pki):
    S = Scenario
    page = {'exit': 0, 'http': '200', 'body': PAGE}
    return [
        S('tls13', curl_page(lighttpd()), dict(page, tls='TLSv1.3 / TLS_AES_256_GCM_SHA384'), quick=True),
        S('tls12', curl_page(lighttpd(), args=['--tls-max', '1.2']),
          dict(page, tls='TLSv1.2 / ECDHE-ECDSA-AES256-GCM-SHA384')),
        S('verify-client', curl_page(lighttpd('ssl.ca-file = "%s/ca.pem"\nssl.verifyclient.activate = '
                                              '"enable"\nssl.verifyclient.enforce = "enable"' % pki),
                                     cert='client-ec'), page),
    ]


GROUPS = [
    Group('apache2 (mod_ssl)', 'server', scenarios_apache, needs=['apache2'], short='apache2'),
    Group('lighttpd (mod_openssl)', 'server', scenarios_lighttpd, needs=['lighttpd'], short='lighttpd',
          why_not=lambda: None if os.path.exists('/usr/lib/lighttpd/mod_openssl.so')
          else 'lighttpd-mod-openssl is not installed'),
    Group('redis', 'server', lambda pki: [
        Scenario('ping', redis_ping(), {'exit': 0, 'reply': ['PONG'],
                                        's_client': [0, ['New TLSv1.3 TLS_AES_256_GCM_SHA384']]},
                 quick=True),
        Scenario('ping-client-cert', redis_ping('yes', cert='client-ec'),
                 {'exit': 0, 'reply': ['PONG']})], needs=['redis-server', 'redis-cli']),
    Group('redis-cli', 'client', lambda pki: [
        Scenario('ping-client-cert', redis_client(), {'exit': 0, 'reply': ['PONG']}, quick=True),
        Scenario('wrong-ca', redis_client('other-ca.pem'),
                 {'exit': 1, 'reply': ['Could not connect to Redis at localhost:PORT: SSL_connect failed: '
                                       'certificate verify failed']})],
        needs=['redis-server', 'redis-cli']),
    Group('mosquitto', 'server', lambda pki: [
        Scenario('subscribe', mosquitto(), {'exit': 0, 'version': 'mosquitto version 2.0.11'},
                 quick=True),
        Scenario('subscribe-client-cert', mosquitto(True),
                 {'exit': 0, 'version': 'mosquitto version 2.0.11'})],
        needs=['mosquitto', 'mosquitto_sub']),
    Group('postgresql', 'server', lambda pki: [
        Scenario('psql-verify-full', postgres(), {'exit': 0, 'ssl': 'TLSv1.3|TLS_AES_256_GCM_SHA384'})],
        needs=['psql', 'runuser'], why_not=postgres_why_not),
    Group('psql', 'client', lambda pki: [
        Scenario('verify-full', postgres(True), {'exit': 0, 'ssl': 'TLSv1.3|TLS_AES_256_GCM_SHA384'})],
        needs=['psql', 'runuser'], why_not=postgres_why_not),
]
