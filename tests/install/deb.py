#!/usr/bin/env python3
"""install-deb: `./shimssl deb` builds the Debian package; its contents are
checked with dpkg-deb; then, when the test runs as root and no shimssl
package is installed already, it is installed with dpkg -i, used, and
purged, and nothing of it may be left behind.  Otherwise (not root, or a
package of the user's present) it is extracted with dpkg-deb -x and run
from there, and the test says why.

Used: `shimssl` on PATH, `shimssl run`, nginx, haproxy and stunnel4 served
through the systemd drop-ins the package ships.  Where systemd is not running, nothing can apply
the drop-in, so the test reads its Environment= lines and starts nginx with
them itself (and says so); where systemd runs, the test still does that
rather than touch the system's nginx.service.  `shimssl check --pid` must
say ours for nginx started that way (master and worker) and not ours for
nginx started without the drop-in; haproxy and stunnel4, each started with
its own drop-in's environment, must serve a stock curl and be ours too.

usage: deb.py SOURCE_DIR PKI_DIR
"""
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stage  # noqa: E402
from stage import run  # noqa: E402
import peers  # noqa: E402  (tests/interop/peers.py, put on the path by stage)

DROPIN_UNITS = ('nginx.service', 'haproxy.service', 'stunnel@.service')
PAGE = 'hello from nginx on shimssl\n'


def multiarch():
    return run(['dpkg-architecture', '-qDEB_HOST_MULTIARCH']).stdout.strip()


def deb_paths(deb):
    paths = []
    for line in run(['dpkg-deb', '-c', deb]).stdout.splitlines():
        name = line.split(None, 5)[5].split(' -> ')[0]
        paths.append(name[1:].rstrip('/') or '/')
    return paths


def check_contents(c, deb, t):
    paths = deb_paths(deb)
    print('%s: %d entries' % (os.path.basename(deb), len(paths)))
    want = ['/usr/bin/shimssl', '/usr/lib/%s/shimssl/libssl.so.3' % t,
            '/usr/lib/%s/shimssl/libssl.so' % t, '/usr/lib/%s/shimssl/libshimssl-trace.so' % t,
            '/usr/lib/%s/pkgconfig/shimssl.pc' % t, '/usr/include/shimssl/openssl/ssl.h',
            '/usr/share/shimssl/tools/check_pid.py', '/usr/share/shimssl/shim/abi/status.tsv',
            '/usr/share/doc/shimssl/copyright'] + \
        ['/usr/share/shimssl/systemd/%s.d/shimssl.conf' % u for u in DROPIN_UNITS]
    missing = [p for p in want if p not in paths]
    c.expect(not missing, 'dpkg-deb -c: the library, tracer, headers, shimssl.pc, command, '
             'helpers and drop-ins are in the package', 'missing: %s' % missing)
    strays = [p for p in paths if os.path.basename(p).startswith('libssl.so')
              and os.path.dirname(p) != '/usr/lib/%s/shimssl' % t]
    c.expect(not strays, 'no libssl.so* outside /usr/lib/%s/shimssl' % t, strays)
    active = [p for p in paths if p.startswith(('/etc', '/lib/systemd', '/usr/lib/systemd'))]
    c.expect(not active, 'installing the package changes no service (no /etc, no unit files)', active)
    depends = run(['dpkg-deb', '-f', deb, 'Depends']).stdout
    c.expect('libssl3' in depends and 'python3' in depends,
             'Depends names libssl3 (libcrypto) and python3: %s' % depends.strip())
    members = run(['sh', '-c', 'dpkg-deb --ctrl-tarfile "$1" | tar -tf -', 'sh', deb]).stdout.split()
    c.expect(not any(m.endswith(('shlibs', 'symbols', 'triggers')) for m in members),
             'no shlibs, symbols or ldconfig trigger: our libssl.so.3 stays private (%s)'
             % ' '.join(m for m in members if m != './'))


def choose_mode():
    if os.geteuid() != 0:
        return 'extract', 'not running as root, so dpkg -i is not possible'
    r = run(['dpkg-query', '-W', '-f=${Status}', 'shimssl'])
    if r.returncode == 0 and 'not-installed' not in r.stdout:
        return 'extract', ('a shimssl package is already on this machine (%s): the test leaves it '
                           'alone' % r.stdout.strip())
    return 'install', 'running as root with no shimssl package installed'


def parse_dropin(path):
    """The variables a drop-in's [Service] Environment= lines set."""
    env, section = {}, None
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if line.startswith('['):
                section = line
            elif section == '[Service]' and line.startswith('Environment='):
                for item in shlex.split(line[len('Environment='):]):
                    k, _, v = item.partition('=')
                    env[k] = v
    return env


class Nginx(peers.Peer):
    """nginx as a service runs it: a master process (as root: workers as
    nobody) serving one page over TLS on a picked port, in the environment
    given."""

    def __init__(self, env, pki):
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix='shimssl-deb-nginx-')
        os.chmod(self.dir, 0o755)
        os.makedirs(os.path.join(self.dir, 'www'), mode=0o755)
        with open(os.path.join(self.dir, 'www', 'index.html'), 'w') as fh:
            fh.write(PAGE)
        os.chmod(os.path.join(self.dir, 'www', 'index.html'), 0o644)
        self.port = peers.free_port()
        conf = os.path.join(self.dir, 'nginx.conf')
        with open(conf, 'w') as fh:
            fh.write('''
daemon off; master_process on; worker_processes 1;
pid %(d)s/nginx.pid; error_log %(d)s/error.log;
events { worker_connections 64; }
http {
  access_log off; client_body_temp_path %(d)s/t; proxy_temp_path %(d)s/t;
  fastcgi_temp_path %(d)s/t; uwsgi_temp_path %(d)s/t; scgi_temp_path %(d)s/t;
  server {
    listen 127.0.0.1:%(p)d ssl;
    # (Debian 12's nginx 1.22 leaves TLS 1.3 out unless asked, on any libssl.)
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate %(k)s/server-ec.pem; ssl_certificate_key %(k)s/server-ec.key;
    root %(d)s/www;
  }
}
''' % {'d': self.dir, 'p': self.port, 'k': pki})
        self.proc = subprocess.Popen(['nginx', '-c', conf, '-p', self.dir], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        try:
            peers.wait_listening(self.port, self.proc)
        except RuntimeError:
            self.close()
            raise

    def workers(self):
        try:
            with open('/proc/%d/task/%d/children' % (self.proc.pid, self.proc.pid)) as fh:
                return [int(p) for p in fh.read().split()]
        except OSError:
            return []

    def error_log(self):
        try:
            with open(os.path.join(self.dir, 'error.log')) as fh:
                return fh.read()
        except OSError:
            return ''

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def nginx_through_dropin(c, root, cmd, lib, pki, t):
    installed_lib = '/usr/lib/%s/shimssl/libssl.so.3' % t
    envs = {u: parse_dropin('%s/usr/share/shimssl/systemd/%s.d/shimssl.conf' % (root, u))
            for u in DROPIN_UNITS}
    c.expect(all(e == {'LD_PRELOAD': installed_lib} for e in envs.values()),
             'the drop-ins for %s set Environment=LD_PRELOAD=%s' % (', '.join(DROPIN_UNITS),
                                                                    installed_lib), envs)
    env = dict(envs['nginx.service'])
    if root:
        env['LD_PRELOAD'] = root + env.get('LD_PRELOAD', '')
        print('the package is extracted, not installed: the drop-in\'s path is taken under %s'
              % root)
    if os.path.isdir('/run/systemd/system'):
        print('systemd is running, but the test does not touch the system\'s nginx.service: it '
              'applies the drop-in\'s Environment= to an nginx of its own')
    else:
        with open('/proc/1/comm') as fh:
            pid1 = fh.read().strip()
        print('systemd is not running here (PID 1 is %s): the test applies the drop-in\'s '
              'Environment= (%s) to nginx itself' % (pid1, ' '.join('%s=%s' % kv for kv in env.items())))
    ca = os.path.join(pki, 'ca.pem')
    with Nginx(dict(stage.CLEAN_ENV, **env), pki) as ng:
        for version in ('--tlsv1.3', '--tls-max'):
            argv = ['curl', '-sS', '--cacert', ca, 'https://localhost:%d/' % ng.port]
            argv += ['--tlsv1.3'] if version == '--tlsv1.3' else ['--tls-max', '1.2']
            r = run(argv, timeout=30)
            c.expect(r.returncode == 0 and r.stdout == PAGE,
                     'stock curl %s fetched the page from nginx on the drop-in' % ' '.join(argv[5:]),
                     r.stdout + r.stderr + ng.error_log())
        for what, pid in [('master', ng.proc.pid)] + [('worker', w) for w in ng.workers()[:1]]:
            r = run([cmd, 'check', '--pid', str(pid)])
            c.expect(r.returncode == 0 and lib in r.stdout,
                     'shimssl check --pid (nginx %s): %s' % (what, r.stdout.strip()),
                     r.stdout + r.stderr)
        log = ng.error_log().strip()
        if log:
            print('nginx error.log (not judged here):\n    ' + log.replace('\n', '\n    '))
    with Nginx(stage.CLEAN_ENV, pki) as ng:
        r = run([cmd, 'check', '--pid', str(ng.proc.pid)])
        c.expect(r.returncode == 1 and 'uses another libssl' in r.stdout,
                 'shimssl check --pid (nginx without the drop-in): %s' % r.stdout.strip(),
                 r.stdout + r.stderr)


# haproxy answers by itself; stunnel4 runs a one-line HTTP answer per
# connection.  Each listens on {port}, with the test certificate.
OTHER_SERVICES = {
    'haproxy.service': ('haproxy', 'haproxy.cfg', 'hello from haproxy on shimssl\n', """global
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 10s
  timeout server 10s
frontend fe
  bind 127.0.0.1:{port} ssl crt {combined}
  http-request return status 200 content-type text/plain string "hello from haproxy on shimssl\\n"
""", lambda conf: ['haproxy', '-db', '-f', conf]),
    'stunnel@.service': ('stunnel4', 'stunnel.conf', 'hello from stunnel on shimssl\n', """foreground = yes
pid =
syslog = no
[svc]
accept = 127.0.0.1:{port}
cert = {pki}/server-ec.pem
key = {pki}/server-ec.key
exec = {script}
""", lambda conf: ['stunnel4', conf]),
}


def other_services_through_dropins(c, root, cmd, lib, pki, t):
    """haproxy and stunnel4 (Debian's stunnel@.service runs one instance per
    configuration), each started with the Environment= of its drop-in."""
    for unit, (program, name, page, text, argv) in OTHER_SERVICES.items():
        if shutil.which(program, path=stage.CLEAN_ENV['PATH']) is None:
            print('%s is not installed: its drop-in is not exercised' % program)
            continue
        env = parse_dropin('%s/usr/share/shimssl/systemd/%s.d/shimssl.conf' % (root, unit))
        if root:
            env['LD_PRELOAD'] = root + env.get('LD_PRELOAD', '')
        work = tempfile.mkdtemp(prefix='shimssl-deb-%s-' % program)
        combined = os.path.join(work, 'server-ec-full.pem')
        with open(combined, 'w') as fh:
            for ext in ('.pem', '.key'):
                with open(os.path.join(pki, 'server-ec' + ext)) as src:
                    fh.write(src.read())
        script = os.path.join(work, 'answer.sh')
        with open(script, 'w') as fh:
            fh.write('#!/bin/sh\nprintf "HTTP/1.0 200 OK\\r\\n\\r\\n%s"\n' % page.replace('\n', '\\n'))
        os.chmod(script, 0o755)
        port = peers.free_port()
        conf = os.path.join(work, name)
        with open(conf, 'w') as fh:
            fh.write(text.format(port=port, combined=combined, pki=pki, script=script))
        proc = subprocess.Popen(argv(conf), env=dict(stage.CLEAN_ENV, **env), cwd=work,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            peers.wait_listening(port, proc)
            r = run(['curl', '-sS', '--cacert', os.path.join(pki, 'ca.pem'),
                     'https://localhost:%d/' % port], timeout=30)
            c.expect(r.returncode == 0 and r.stdout == page,
                     'stock curl fetched the page from %s on its drop-in (%s)' % (program, unit),
                     r.stdout + r.stderr)
            r = run([cmd, 'check', '--pid', str(proc.pid)])
            c.expect(r.returncode == 0 and lib in r.stdout,
                     'shimssl check --pid (%s): %s' % (program, r.stdout.strip()), r.stdout + r.stderr)
        except RuntimeError as e:
            c.expect(False, '%s started on its drop-in' % program, str(e))
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            out = proc.stdout.read().decode(errors='replace') if proc.stdout else ''
            if c.failed and out:
                print('%s output:\n    %s' % (program, out[-2000:].replace('\n', '\n    ')))
            shutil.rmtree(work, ignore_errors=True)


def exercise(c, root, pki, t):
    """Uses the package's files under root ('' when installed)."""
    cmd = root + '/usr/bin/shimssl'
    lib = root + '/usr/lib/%s/shimssl/libssl.so.3' % t
    if not root:
        c.expect(shutil.which('shimssl', path=stage.CLEAN_ENV['PATH']) == cmd,
                 'shimssl is on PATH (%s)' % cmd)
    r = run([cmd, 'run', 'cat', '/proc/self/maps'])
    c.expect(lib in r.stdout, 'shimssl run PROGRAM preloads %s' % lib, r.stderr)
    r = run(['ldd', '/usr/bin/openssl'])
    system = [ln for ln in r.stdout.splitlines() if 'libssl.so.3 =>' in ln]
    c.expect(len(system) == 1 and '/shimssl/' not in system[0],
             'other programs keep the system libssl (%s)' % (system[0].strip() if system else '?'),
             r.stdout)
    nginx_through_dropin(c, root, cmd, lib, pki, t)
    other_services_through_dropins(c, root, cmd, lib, pki, t)


def install_use_remove(c, deb, pki, t):
    r = run(['dpkg', '-i', deb], env=dict(stage.CLEAN_ENV, DEBIAN_FRONTEND='noninteractive'))
    if not c.expect(r.returncode == 0, 'dpkg -i %s' % os.path.basename(deb), r.stdout + r.stderr):
        run(['dpkg', '--purge', 'shimssl'])
        return
    listed = run(['dpkg', '-L', 'shimssl']).stdout.split('\n')
    try:
        exercise(c, '', pki, t)
    finally:
        r = run(['dpkg', '--purge', 'shimssl'])
        c.expect(r.returncode == 0, 'dpkg --purge shimssl', r.stdout + r.stderr)
    left = [p for p in listed if p and os.path.lexists(p) and not os.path.isdir(p)]
    own_dirs = ['/usr/lib/%s/shimssl' % t, '/usr/include/shimssl', '/usr/share/shimssl',
                '/usr/libexec/shimssl', '/usr/share/doc/shimssl']
    left += [d for d in own_dirs if os.path.lexists(d)]
    st = run(['dpkg-query', '-W', '-f=${Status}', 'shimssl'])
    c.expect(not left and (st.returncode != 0 or 'not-installed' in st.stdout)
             and shutil.which('shimssl', path=stage.CLEAN_ENV['PATH']) is None,
             'removed cleanly: no file or directory of the package is left, dpkg knows it no more',
             'left: %s; status: %s' % (left, st.stdout.strip()))


def main():
    source, pki = sys.argv[1:3]
    subprocess.run([os.path.join(source, 'tests', 'interop', 'make_certs.sh'), pki], check=True)
    c = stage.Checker()
    tools = [tl for tl in ('dpkg-buildpackage', 'dh', 'dpkg-deb', 'nginx', 'curl')
             if not shutil.which(tl, path=stage.CLEAN_ENV['PATH'])]
    if not c.expect(not tools, 'the tools are here (dpkg-dev, debhelper, nginx, curl)',
                    'missing: %s (.ci/run installs them)' % tools):
        return c.done()
    t = multiarch()
    with tempfile.TemporaryDirectory(prefix='shimssl-deb-') as out:
        # The -dbgsym package is not looked at here; skipping it saves time.
        env = dict(stage.CLEAN_ENV, DEB_BUILD_OPTIONS='noautodbgsym')
        r = run([os.path.join(source, 'shimssl'), 'deb', out], env=env, timeout=1100)
        deb = (r.stdout.strip().splitlines() or [''])[-1]
        if not c.expect(r.returncode == 0 and deb.endswith('.deb') and os.path.isfile(deb),
                        './shimssl deb built %s' % os.path.basename(deb), r.stdout + r.stderr):
            return c.done()
        check_contents(c, deb, t)
        mode, why = choose_mode()
        print('%s: %s' % ('installing with dpkg -i' if mode == 'install'
                          else 'extracting with dpkg-deb -x instead of installing', why))
        if mode == 'install':
            install_use_remove(c, deb, pki, t)
        else:
            root = os.path.join(out, 'root')
            r = run(['dpkg-deb', '-x', deb, root])
            if c.expect(r.returncode == 0, 'dpkg-deb -x', r.stderr):
                exercise(c, root, pki, t)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
