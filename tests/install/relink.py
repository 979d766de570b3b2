#!/usr/bin/env python3
"""install-relink: `meson install` into a staging directory (DESTDIR), then
build a small client and a small server through the installed shimssl.pc
and run them, with no environment variables, against stock peers (openssl
s_server, openssl s_client).

Checks: the installed layout (our libssl.so.3 only under $libdir/shimssl,
never where it would shadow the system's; headers under
$includedir/shimssl/openssl; the tracer; the command), what shimssl.pc says
for a real installation and for the staged one, that the programs compiled
against our headers, that their run path names our library and ldd and
/proc/PID/maps agree, and that the stock peers completed the exchanges.

usage: relink.py BUILD_DIR SOURCE_DIR PKI_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stage  # noqa: E402
from stage import run  # noqa: E402
import peers  # noqa: E402  (tests/interop/peers.py, put on the path by stage)


def check_layout(c, st, source):
    libdir = st.path(st.libdir)
    c.expect(os.path.isfile(st.lib), 'libssl.so.3 is installed in $libdir/shimssl (%s)' % st.lib)
    c.expect(os.path.islink(st.path(st.shim_libdir + '/libssl.so')),
             'libssl.so (the link-time name) is beside it')
    c.expect(os.path.isfile(st.path(st.shim_libdir + '/libshimssl-trace.so')),
             'the tracer is installed beside it')
    strays = []
    for d, _, names in os.walk(st.dir):
        strays += [os.path.join(d, n)[len(st.dir):] for n in names
                   if n.startswith('libssl.so') and os.path.basename(d) != 'shimssl']
    c.expect(not strays and not os.path.exists(os.path.join(libdir, 'libssl.so.3')),
             'no libssl.so* anywhere else (the system libssl is not shadowed)', strays)
    ours = sorted(os.listdir(os.path.join(source, 'include', 'openssl')))
    ours = [h for h in ours if h.endswith('.h')]
    inst = st.path(st.includedir + '/shimssl/openssl')
    got = sorted(os.listdir(inst)) if os.path.isdir(inst) else []
    c.expect(got == ours, 'headers installed under $includedir/shimssl/openssl (%d)' % len(ours),
             'installed: %s' % got)
    c.expect(os.access(st.command, os.X_OK), 'the shimssl command is installed (%s)' % st.command)


def pkg_config(st, *args, sysroot=True):
    env = dict(stage.CLEAN_ENV, PKG_CONFIG_PATH=st.path(st.libdir + '/pkgconfig'))
    if sysroot:
        env['PKG_CONFIG_SYSROOT_DIR'] = st.dir
    r = run(['pkg-config'] + list(args) + ['shimssl'], env=env)
    if r.returncode != 0:
        sys.exit('pkg-config %s shimssl failed: %s' % (' '.join(args), r.stderr))
    return r.stdout.split()


def check_pkg_config(c, st):
    # What a real installation's users get: our headers, our library and a
    # run path to where it is installed.
    libs = pkg_config(st, '--libs', sysroot=False)
    c.expect('-Wl,-rpath,%s' % st.shim_libdir in libs and '-L%s' % st.shim_libdir in libs
             and '-lssl' in libs and '-lcrypto' in libs,
             'shimssl.pc links -lssl from %s with that run path, and libcrypto' % st.shim_libdir,
             ' '.join(libs))
    cflags = pkg_config(st, '--cflags', sysroot=False)
    c.expect('-I%s/shimssl' % st.includedir in cflags,
             'shimssl.pc puts %s/shimssl first on the include path' % st.includedir,
             ' '.join(cflags))


def build_program(c, st, source, name, work):
    src = os.path.join(source, 'tests', 'install', name + '.c')
    out = os.path.join(work, name)
    flags = pkg_config(st, '--cflags', '--libs')
    r = run(['cc', '-o', out, src] + flags)
    c.expect(r.returncode == 0, 'cc %s.c $(pkg-config --cflags --libs shimssl)' % name,
             ' '.join(flags) + '\n' + r.stderr)
    deps = run(['cc', '-M', src] + pkg_config(st, '--cflags')).stdout
    want = st.path(st.includedir + '/shimssl/openssl/ssl.h')
    c.expect(want in deps and '/usr/include/openssl/ssl.h' not in deps,
             '%s compiled against the installed openssl/ssl.h, not the system one' % name, deps)
    dyn = run(['readelf', '-d', out]).stdout
    runpath = re.findall(r'\((?:RUNPATH|RPATH)\)\s+Library (?:runpath|rpath): \[([^\]]*)\]', dyn)
    c.expect(runpath == [st.path(st.shim_libdir)], '%s has the run path %s' % (name, runpath),
             dyn)
    ldd = run(['ldd', out]).stdout
    c.expect('libssl.so.3 => %s ' % st.lib in ldd,
             'ldd %s (no environment): libssl.so.3 => %s' % (name, st.lib), ldd)
    return out


def check_pid(c, st, pid, ours, what):
    r = run([st.command, 'check', '--pid', str(pid)])
    if ours:
        c.expect(r.returncode == 0 and ('uses shimssl' in r.stdout) and st.lib in r.stdout,
                 'shimssl check --pid: %s uses our library (%s)' % (what, r.stdout.strip()),
                 r.stdout + r.stderr)
    else:
        c.expect(r.returncode == 1 and 'uses another libssl' in r.stdout,
                 'shimssl check --pid: %s does not (%s)' % (what, r.stdout.strip()),
                 r.stdout + r.stderr)


def client_against_s_server(c, st, client, pki):
    with peers.SServer(['-cert', pki + '/server-ec.pem', '-key', pki + '/server-ec.key',
                        '-www']) as srv:
        check_pid(c, st, srv.proc.pid, False, 'the stock openssl s_server')
        for extra, version in (([], 'TLSv1.3'), (['tls12'], 'TLSv1.2')):
            r = run([client, str(srv.port), pki + '/ca.pem'] + extra, timeout=30)
            out = r.stdout
            c.expect(r.returncode == 0 and 'connected: %s' % version in out
                     and 'answer: HTTP/1.0 200 ok' in out and 'libssl: %s' % st.lib in out,
                     'relinked client, no environment, %s against stock s_server' % version,
                     out + r.stderr)


def server_against_s_client(c, st, server, pki):
    proc = subprocess.Popen([server, pki + '/server-ec.pem', pki + '/server-ec.key'],
                            env=stage.CLEAN_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        line = proc.stdout.readline()
        if not c.expect(line.startswith('PORT '), 'relinked server started', line):
            return
        check_pid(c, st, proc.pid, True, 'the relinked server')
        r = run(['openssl', 's_client', '-connect', '127.0.0.1:' + line.split()[1],
                 '-servername', 'localhost', '-verify_hostname', 'localhost',
                 '-CAfile', pki + '/ca.pem', '-verify_return_error', '-quiet'],
                input='ping\n', timeout=30)
        out, err = proc.communicate(timeout=30)
        c.expect(r.returncode == 0 and 'hello from the relinked server: ping' in r.stdout,
                 'stock openssl s_client got the relinked server\'s answer', r.stdout + r.stderr)
        c.expect(proc.returncode == 0 and 'served: TLSv1.3' in out and 'libssl: %s' % st.lib in out,
                 'relinked server, no environment, served TLS 1.3 on our library', out + err)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    build, source, pki = sys.argv[1:4]
    subprocess.run([os.path.join(source, 'tests', 'interop', 'make_certs.sh'), pki], check=True)
    c = stage.Checker()
    with stage.Staged(build) as st, tempfile.TemporaryDirectory(prefix='shimssl-relink-') as work:
        check_layout(c, st, source)
        check_pkg_config(c, st)
        client = build_program(c, st, source, 'relink_client', work)
        server = build_program(c, st, source, 'relink_server', work)
        if os.path.exists(client):
            client_against_s_server(c, st, client, pki)
        if os.path.exists(server):
            server_against_s_client(c, st, server, pki)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
