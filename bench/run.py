#!/usr/bin/env python3
"""./shimssl bench: the benchmark table, stock libssl against ours, measured
in the same run on the same machine.

Each figure runs bench_client several times, alternating stock and ours, and
reports the medians and their ratio.  Servers are bench_server processes on
stock libssl.

usage: run.py BENCH_DIR OUR_LIB PKI_DIR [--smoke] [--repeat N]

BENCH_DIR holds bench_client and bench_server (build/bench in the source
tree, $libexecdir/shimssl when installed); the test PKI is made in PKI_DIR.
"""
import datetime
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'interop'))
import peers  # noqa: E402

CLEAN = peers.CLEAN_ENV


class Server:
    def __init__(self, bench_dir, pki, cert, *args):
        self.proc = subprocess.Popen(
            [os.path.join(bench_dir, 'bench_server'), os.path.join(pki, cert + '.pem'),
             os.path.join(pki, cert + '.key')] + list(args),
            stdout=subprocess.PIPE, text=True, env=CLEAN, start_new_session=True)
        line = self.proc.stdout.readline()
        if not line.startswith('PORT '):
            raise RuntimeError('bench_server did not start')
        self.port = int(line.split()[1])

    def close(self):
        self.proc.kill()
        self.proc.wait()


def run_client(bench_dir, lib, port, args):
    env = dict(CLEAN)
    if lib:
        env['LD_PRELOAD'] = lib
    r = subprocess.run([os.path.join(bench_dir, 'bench_client'), str(port)] + args,
                       capture_output=True, text=True, env=env, timeout=600)
    if r.returncode != 0:
        raise RuntimeError('bench_client %s failed: %s' % (args, r.stderr[-500:]))
    out = {}
    for line in r.stdout.splitlines():
        parts = line.split()
        try:
            out[parts[0]] = float(parts[1])
        except (IndexError, ValueError):
            pass
    return out


def measure(bench_dir, lib, port, args, key, repeat, also=()):
    """Medians of figure `key` (and of each key in `also`, from the same
    runs), stock then ours."""
    keys = [key] + list(also)
    stock, ours = {k: [] for k in keys}, {k: [] for k in keys}
    for _ in range(repeat):
        st, ou = run_client(bench_dir, None, port, args), run_client(bench_dir, lib, port, args)
        for k in keys:
            stock[k].append(st[k])
            ours[k].append(ou[k])
    med = [(statistics.median(stock[k]), statistics.median(ours[k])) for k in keys]
    return med[0] if not also else med


def main():
    bench_dir, lib, pki = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    smoke = '--smoke' in sys.argv
    repeat = 1 if smoke else 5
    if '--repeat' in sys.argv:
        repeat = int(sys.argv[sys.argv.index('--repeat') + 1])
    n = '20' if smoke else '400'
    # (user-mode CPU is sampled at clock ticks: a long run keeps it precise)
    mb = '4' if smoke else '1024'
    subprocess.run([os.path.join(HERE, '..', 'tests', 'interop', 'make_certs.sh'), pki],
                   check=True)

    rows = []  # (figure, stock, ours, unit, higher_is_better, target)

    def figure(name, cert, server_args, client_args, key, unit, target, higher=True):
        srv = Server(bench_dir, pki, cert, *server_args)
        try:
            st, ou = measure(bench_dir, lib, srv.port, client_args, key, repeat)
        finally:
            srv.close()
        rows.append((name, st, ou, unit, higher, target))

    figure('full TLS 1.3, ECDSA P-256, X25519', 'server-ec', [], ['full', n],
           'handshakes_per_cpu_second', '1/cpu-s', 2.5)
    figure('full TLS 1.3, RSA-2048, X25519', 'server-rsa', [], ['full', n],
           'handshakes_per_cpu_second', '1/cpu-s', 2.5)
    figure('full TLS 1.2, ECDSA P-256', 'server-ec', ['tls12'], ['full', n, 'tls12'],
           'handshakes_per_cpu_second', '1/cpu-s', 2.5)
    figure('full TLS 1.2, RSA-2048', 'server-rsa', ['tls12'], ['full', n, 'tls12'],
           'handshakes_per_cpu_second', '1/cpu-s', 2.5)
    figure('resumed TLS 1.3 (ticket)', 'server-ec', [], ['resume', n],
           'resumptions_per_cpu_second', '1/cpu-s', 2.0)
    figure('resumed TLS 1.2 (ticket)', 'server-ec', ['tls12'], ['resume', n, 'tls12'],
           'resumptions_per_cpu_second', '1/cpu-s', 3.0)
    figure('resumed TLS 1.2 (session id)', 'server-ec', ['tls12', 'notickets'],
           ['resume', n, 'tls12', 'sessid'], 'resumptions_per_cpu_second', '1/cpu-s', 3.0)
    for suite, evp in (('TLS_AES_128_GCM_SHA256', 'AES-128-GCM'),
                       ('TLS_AES_256_GCM_SHA384', 'AES-256-GCM'),
                       ('TLS_CHACHA20_POLY1305_SHA256', 'ChaCha20-Poly1305')):
        srv = Server(bench_dir, pki, 'server-ec', 'suites=' + suite)
        try:
            (st, ou), (st_user, ou_user) = measure(
                bench_dir, lib, srv.port, ['bulk', mb, 'suite=' + suite], 'bulk_mb_per_cpu_second',
                repeat, also=['bulk_mb_per_user_cpu_second'])
        finally:
            srv.close()
        rows.append(('bulk %s, 16 KiB writes' % evp, st, ou, 'MB/cpu-s', True, 1.1))
        # The library's own share (user CPU; the kernel's socket work left
        # out) against the cipher alone: the 95% target.
        raw = run_client(bench_dir, None, 0, ['evp', mb, evp])['evp_mb_per_cpu_second']
        rows.append(('  same, user CPU only', st_user, ou_user, 'MB/user-s', True, None))
        rows.append(('  raw EVP %s (limit)' % evp, raw, raw, 'MB/cpu-s', True, None))
        rows.append(('  user-CPU bulk / raw EVP', st_user / raw * 100, ou_user / raw * 100, '%',
                     True, None))
    figure('heap per idle connection', 'server-ec', [], ['memory', '50' if not smoke else '5'],
           'heap_per_connection', 'bytes', None, higher=False)
    figure('heap per idle connection, RELEASE_BUFFERS', 'server-ec', [],
           ['memory', '50' if not smoke else '5', 'release'], 'heap_per_connection', 'bytes',
           None, higher=False)
    srv = Server(bench_dir, pki, 'server-ec')
    try:
        one = measure(bench_dir, lib, srv.port, ['threads', '1', n], 'handshakes_per_wall_second', repeat)
        two = measure(bench_dir, lib, srv.port, ['threads', '2', n], 'handshakes_per_wall_second', repeat)
    finally:
        srv.close()
    rows.append(('2 threads / 1 thread, one SSL_CTX', two[0] / one[0], two[1] / one[1], 'x', True,
                 None))

    print('shimssl benchmark, %s, %s, %d CPUs, %s%s' % (
        datetime.date.today().isoformat(), platform.machine(), os.cpu_count(),
        platform.processor() or 'cpu', ' (smoke run)' if smoke else ''))
    print('median of %d runs each, stock and shimssl alternating; ratio = shimssl / stock' % repeat)
    print('| figure | stock | shimssl | unit | ratio | target |')
    print('|---|---|---|---|---|---|')
    for name, st, ou, unit, higher, target in rows:
        ratio = (ou / st) if st else 0.0
        tgt = ('>= %.1fx' % target) if target else ''
        print('| %s | %.1f | %.1f | %s | %.2fx | %s |' % (name, st, ou, unit, ratio, tgt))
    return 0


if __name__ == '__main__':
    sys.exit(main())
