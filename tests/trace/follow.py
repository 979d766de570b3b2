#!/usr/bin/env python3
"""`shimssl trace` follows a program wherever it reaches libssl: through exec
(sh starting curl and Python), through another library (libcurl, Python's
dlopen'ed _ssl module) and in threads (four Python threads fetching at once),
over stock libssl and over ours.  Each process gets its own file, each
file says which libssl it ran over, and every line is complete.

usage: follow.py stock|shimssl SHIMSSL_SCRIPT BUILD_DIR PKI_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'interop'))
sys.path.insert(0, HERE)
import peers  # noqa: E402
from run_prog import well_formed  # noqa: E402

PY_THREADS = r'''
import ssl, sys, threading, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[1])
ok = []
def fetch():
    with urllib.request.urlopen('https://localhost:%s/page.txt' % sys.argv[2], context=ctx) as r:
        ok.append(r.read())
threads = [threading.Thread(target=fetch) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print('fetched', len(ok))
'''


def main():
    which, script, build, pki = sys.argv[1:5]
    pki = os.path.abspath(pki)
    peers.fresh_pki(pki)
    ca = os.path.join(pki, 'ca.pem')
    www = os.path.join(pki, 'www-trace-follow')
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, 'page.txt'), 'w') as fh:
        fh.write('hello\n')
    tmp = tempfile.mkdtemp(prefix='shimssl-follow-')
    out = os.path.join(tmp, 'run.trace')
    env = dict(peers.CLEAN_ENV, SHIMSSL_BUILD=build)
    with peers.SServer(['-cert', os.path.join(pki, 'server-ec.pem'),
                        '-key', os.path.join(pki, 'server-ec.key'), '-WWW'], cwd=www) as srv:
        shell = ('curl -sS --cacert "$1" https://localhost:$2/page.txt && '
                 '/usr/bin/python3 -c "$3" "$1" "$2"')
        r = subprocess.run([script, 'trace', '--with', which, '-o', out, 'sh', '-c', shell, 'sh',
                            ca, str(srv.port), PY_THREADS], env=env, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=100)
    print(r.stdout + r.stderr)
    fails = []
    files = sorted((os.path.join(tmp, f) for f in os.listdir(tmp)),
                   key=lambda f: int(re.search(r'start=(\d+)', open(f).readline()).group(1)))
    if r.returncode != 0 or 'fetched 4' not in r.stdout:
        fails.append('the traced programs failed (exit %d)' % r.returncode)
    if len(files) != 2 or files[0] != out or not re.match(r'.*\.trace\.\d+$', files[1]):
        fails.append('expected run.trace (curl) and run.trace.PID (python), got %s' % files)
    want_lib = build + '/shim/libssl.so.3' if which == 'shimssl' else None
    for f in files:
        head = open(f).readline()
        lib = re.search(r'libssl=(\S+)', head).group(1)
        ours = os.path.samefile(lib, os.path.join(build, 'shim', 'libssl.so.3'))
        if ours != (which == 'shimssl'):
            fails.append('%s ran over %s (want %s)' % (f, lib, want_lib or 'the system libssl'))
    well_formed(files, fails)
    if len(files) == 2:
        curl_t, py_t = open(files[0]).read(), open(files[1]).read()
        if '# cmd: curl' not in curl_t or not re.search(r'SSL_connect\(#ssl1\) = 1', curl_t):
            fails.append('curl trace: no completed SSL_connect')
        done = set(re.findall(r'^(t\d+) \d+ SSL_do_handshake\(#ssl\d+\) = 1', py_t, re.M))
        if len(done) != 4:
            fails.append('python: %d threads completed a handshake, want 4' % len(done))
        if py_t.count('SSL_CTX_new(TLS_client_method) = #ctx1') != 1:
            fails.append('python trace: its one SSL_CTX not seen once')
    for f in fails:
        print('FAIL: ' + f)
    if fails:
        for f in files:
            print('----', f)
            print(open(f).read()[-2000:])
    subprocess.run(['rm', '-rf', tmp])
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
