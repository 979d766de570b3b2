#!/usr/bin/env python3
"""./shimssl bench: the benchmark table, stock libssl against ours, measured
in the same run on the same machine.

Handshakes (both roles): the primary figure is instructions per handshake
under callgrind, start-up subtracted ((I(N_HI) - I(N_LO)) / (N_HI - N_LO)),
stock and ours measured one after the other in this run, next to the floor:
bench_floor's count for the libcrypto operations that handshake needs (see
bench/bench_floor.c), measured the same way.  The measured side is one
process (bench_client, or bench_server count=N serving connections in turn);
its peer runs natively on stock libssl.  The client verifies the chain as
curl does (CA loaded, SSL_VERIFY_PEER, host name set).  CPU time per
handshake (median of runs, stock and ours alternating) is the secondary
column.

The other figures (bulk transfer, memory, threads) are CPU-time and heap
figures, medians of runs alternating stock and ours; the thread table is
handshakes per wall-clock second with 1, 2, 4 and 8 threads in each role.

Locks: acquisitions per handshake, shared (read locks) and exclusive (write
locks, mutexes), of the measured side's process, counted by liblockcount.so
preloaded into it (bench/lockcount.c), start-up subtracted as for the
instructions.

usage: run.py BENCH_DIR OUR_LIB PKI_DIR [--smoke] [--repeat N] [--n HI,LO[,CPU]]
              [--only handshakes|locks|other|threads]

BENCH_DIR holds bench_client, bench_server, bench_pair, bench_floor and
liblockcount.so (build/bench in the source tree, $libexecdir/shimssl when
installed); the test PKI is made in PKI_DIR.  (Functions below call BENCH_DIR `build`.)
"""
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'interop'))
import peers  # noqa: E402

CLEAN = peers.CLEAN_ENV

# (handshake, floor kind, server certificate, server options, client options)
HANDSHAKES = [
    ('full TLS 1.3, ECDSA P-256', 'full13-ec', 'server-ec', [], ['full']),
    ('full TLS 1.3, RSA-2048', 'full13-rsa', 'server-rsa', [], ['full']),
    ('full TLS 1.3, Ed25519', 'full13-ed25519', 'server-ed25519', [], ['full']),
    ('resumed TLS 1.3 (ticket, psk_dhe_ke)', 'resume13', 'server-ec', [], ['resume']),
    ('full TLS 1.2, ECDHE-ECDSA P-256', 'full12-ec', 'server-ec', ['tls12'], ['full', 'tls12']),
    ('resumed TLS 1.2 (ticket)', 'resume12-ticket', 'server-ec', ['tls12'],
     ['resume', 'tls12']),
    ('resumed TLS 1.2 (session id)', 'resume12-id', 'server-ec', ['tls12', 'notickets'],
     ['resume', 'tls12', 'sessid']),
]


def env_for(lib, counted=None):
    """The environment of a bench program on stock (lib None) or ours; with
    counted = (counter library, output file) the lock counter is preloaded
    too and writes its counts there at exit."""
    env = dict(CLEAN)
    preload = [x for x in (counted[0] if counted else None, lib) if x]
    if preload:
        env['LD_PRELOAD'] = ':'.join(preload)
    if counted:
        env['LOCKCOUNT_OUT'] = counted[1]
    return env


class Server:
    """bench_server: threaded on stock libssl (the peer of a measured
    client), or with count=N the measured side itself, possibly under
    callgrind and on ours (`wrap`, `lib`)."""

    def __init__(self, build, pki, cert, *args, lib=None, wrap=(), counted=None):
        self.proc = subprocess.Popen(
            list(wrap) + [os.path.join(build, 'bench_server'),
                          os.path.join(pki, cert + '.pem'), os.path.join(pki, cert + '.key')] +
            list(args),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env_for(lib, counted), start_new_session=True)
        line = self.proc.stdout.readline()
        if not line.startswith('PORT '):
            self.close()
            raise RuntimeError('bench_server did not start')
        self.port = int(line.split()[1])

    def finish(self, timeout=900):
        """The output of a count=N server once it has served them all."""
        out, _ = self.proc.communicate(timeout=timeout)
        if self.proc.returncode != 0:
            raise RuntimeError('bench_server failed')
        return parse(out)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def parse(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        try:
            out[parts[0]] = float(parts[1])
        except (IndexError, ValueError):
            pass
    return out


def run_client(build, lib, port, args, wrap=(), counted=None):
    r = subprocess.run(list(wrap) + [os.path.join(build, 'bench_client'), str(port)] +
                       args, capture_output=True, text=True, env=env_for(lib, counted),
                       timeout=900)
    if r.returncode != 0:
        raise RuntimeError('bench_client %s failed: %s' % (args, r.stderr[-500:]))
    return parse(r.stdout)


def measure(build, lib, port, args, key, repeat, also=()):
    """Medians of figure `key` (and of each key in `also`, from the same
    runs), stock then ours."""
    keys = [key] + list(also)
    stock, ours = {k: [] for k in keys}, {k: [] for k in keys}
    for _ in range(repeat):
        st, ou = run_client(build, None, port, args), run_client(build, lib, port, args)
        for k in keys:
            stock[k].append(st[k])
            ours[k].append(ou[k])
    med = [(statistics.median(stock[k]), statistics.median(ours[k])) for k in keys]
    return med[0] if not also else med


class Callgrind:
    """Instructions executed by one command under callgrind."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='shimssl-bench-')
        self.runs = 0

    def wrap(self):
        self.runs += 1
        self.out = os.path.join(self.dir, 'cg.%d' % self.runs)
        return ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + self.out]

    def instructions(self):
        with open(self.out) as f:
            for line in f:
                if line.startswith(('summary:', 'totals:')):
                    n = int(line.split()[1])
                    os.unlink(self.out)
                    return n
        raise RuntimeError('no instruction count in ' + self.out)


def run_measured(build, lib, pki, role, cert, server_args, client_args, n, wrap=(),
                 counted=None):
    """n handshakes, the measured side (`role`) on `lib`, run under `wrap`
    (callgrind) or with the lock counter (`counted`); its peer is native
    stock."""
    mode = client_args[0]
    verify = ['ca=' + os.path.join(pki, 'ca.pem')] if mode == 'full' else []
    cargs = [mode, str(n)] + client_args[1:] + verify
    if role == 'client':
        srv = Server(build, pki, cert, *server_args)
        try:
            run_client(build, lib, srv.port, cargs, wrap=wrap, counted=counted)
        finally:
            srv.close()
    else:
        # (a resumption run opens one full connection first)
        count = n + (1 if mode == 'resume' else 0)
        srv = Server(build, pki, cert, *(server_args + ['count=%d' % count]), lib=lib,
                     wrap=wrap, counted=counted)
        try:
            run_client(build, None, srv.port, cargs)
            srv.finish()
        finally:
            srv.close()


def handshake_instructions(build, lib, pki, role, cert, server_args, client_args, n, cg):
    """Instructions the measured side (`role`) executes for n handshakes,
    start-up included."""
    run_measured(build, lib, pki, role, cert, server_args, client_args, n, wrap=cg.wrap())
    return cg.instructions()


def handshake_locks(build, lib, pki, role, cert, server_args, client_args, n):
    """(shared, exclusive) lock acquisitions of the measured side's process
    for n handshakes, start-up and exit included (liblockcount.so)."""
    counter = os.path.join(build, 'liblockcount.so')
    fd, out = tempfile.mkstemp(prefix='shimssl-locks-')
    os.close(fd)
    try:
        run_measured(build, lib, pki, role, cert, server_args, client_args, n,
                     counted=(counter, out))
        with open(out) as f:
            got = parse(f.read())
    finally:
        os.unlink(out)
    if 'locks_shared' not in got or 'locks_exclusive' not in got:
        raise RuntimeError('the lock counter wrote no counts (%s, %s)' % (role, client_args))
    return got['locks_shared'], got['locks_exclusive']


def handshake_cpu(build, lib, pki, role, cert, server_args, client_args, n):
    """CPU microseconds per handshake of the measured side, start-up left out."""
    mode = client_args[0]
    verify = ['ca=' + os.path.join(pki, 'ca.pem')] if mode == 'full' else []
    cargs = [mode, str(n)] + client_args[1:] + verify
    if role == 'client':
        srv = Server(build, pki, cert, *server_args)
        try:
            return run_client(build, lib, srv.port, cargs)['cpu_per_handshake']
        finally:
            srv.close()
    count = n + (1 if mode == 'resume' else 0)
    srv = Server(build, pki, cert, *(server_args + ['count=%d' % count]), lib=lib)
    try:
        run_client(build, None, srv.port, cargs)
        return srv.finish()['cpu_per_handshake']
    finally:
        srv.close()


def floor_instructions(build, pki, role, kind, n, cg):
    subprocess.run(cg.wrap() + [os.path.join(build, 'bench_floor'), pki, role, kind,
                                str(n)], check=True, env=CLEAN, capture_output=True, timeout=900)
    return cg.instructions()


def handshake_counts(smoke):
    """(N_HI, N_LO, N for CPU time): --n HI,LO[,CPU] makes a shorter run (the
    counts barely move with N)."""
    n_hi, n_lo = (2, 1) if smoke else (50, 10)
    n_cpu = 3 if smoke else 200
    if '--n' in sys.argv:
        v = [int(x) for x in sys.argv[sys.argv.index('--n') + 1].split(',')]
        n_hi, n_lo, n_cpu = v[0], v[1], v[2] if len(v) > 2 else n_cpu
    return n_hi, n_lo, n_cpu


def handshake_table(build, lib, pki, smoke, repeat):
    # A smoke run (CI) counts instructions for the first handshake of each
    # role only, with tiny N, and runs every other one once natively: every
    # configuration works on both libraries, quickly.
    n_hi, n_lo, n_cpu = handshake_counts(smoke)
    cg = Callgrind()
    rows = []
    for role in ('client', 'server'):
        for i, (name, kind, cert, server_args, client_args) in enumerate(HANDSHAKES):
            per = {'stock': None, 'ours': None}
            floor = None
            if not smoke or i == 0:
                for who, lib_ in (('stock', None), ('ours', lib)):
                    hi = handshake_instructions(build, lib_, pki, role, cert, server_args,
                                                client_args, n_hi, cg)
                    lo = handshake_instructions(build, lib_, pki, role, cert, server_args,
                                                client_args, n_lo, cg)
                    per[who] = (hi - lo) / (n_hi - n_lo)
                floor = (floor_instructions(build, pki, role, kind, n_hi, cg) -
                         floor_instructions(build, pki, role, kind, n_lo, cg)) / (n_hi - n_lo)
            cpu = {'stock': [], 'ours': []}
            for _ in range(repeat):
                for who, lib_ in (('stock', None), ('ours', lib)):
                    cpu[who].append(handshake_cpu(build, lib_, pki, role, cert, server_args,
                                                  client_args, n_cpu))
            rows.append((role, name, per['stock'], per['ours'], floor,
                         statistics.median(cpu['stock']), statistics.median(cpu['ours'])))
            print('  measured: %s, %s' % (role, name), file=sys.stderr)
    os.rmdir(cg.dir)
    return rows, n_hi, n_lo


def print_handshakes(rows, n_hi, n_lo, repeat):
    print('Handshakes: instructions per handshake under callgrind ((N=%d - N=%d) / %d), '
          'the measured side\'s whole process; floor = the libcrypto operations the handshake '
          'needs (bench_floor); ratio = stock / ours (higher is better); target = 95%% of '
          'stock / floor.  CPU: microseconds per handshake, median of %d runs.' %
          (n_hi, n_lo, n_hi - n_lo, repeat))
    print()
    print('| role | handshake | stock | shimssl | ratio | floor | stock / floor | target '
          '| shimssl / floor | CPU stock | CPU shimssl | CPU ratio |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')

    def m(x):
        return '%.3f M' % (x / 1e6)
    for role, name, st, ou, fl, cst, cou in rows:
        if st is None:
            print('| %s | %s | - | - | - | - | - | - | - | %.0f us | %.0f us | %.2fx |' %
                  (role, name, cst, cou, cst / cou if cou else 0.0))
            continue
        print('| %s | %s | %s | %s | %.2fx | %s | %.2fx | >= %.2fx | %.1f%% | %.0f us | %.0f us '
              '| %.2fx |' % (role, name, m(st), m(ou), st / ou, m(fl), st / fl, 0.95 * st / fl,
                             100.0 * ou / fl, cst, cou, cst / cou if cou else 0.0))


def locks_table(build, lib, pki, smoke):
    """Lock acquisitions per handshake, shared and exclusive, of the measured
    side's process (every handshake configuration, both roles), stock and
    ours: (count(N_HI) - count(N_LO)) / (N_HI - N_LO), counted natively by
    liblockcount.so (the counts do not depend on timing: one run each)."""
    n_hi, n_lo, _ = handshake_counts(smoke)
    rows = []
    for role in ('client', 'server'):
        for name, _kind, cert, server_args, client_args in HANDSHAKES:
            per = {}
            for who, lib_ in (('stock', None), ('ours', lib)):
                hi = handshake_locks(build, lib_, pki, role, cert, server_args, client_args, n_hi)
                lo = handshake_locks(build, lib_, pki, role, cert, server_args, client_args, n_lo)
                per[who] = [(h - l) / (n_hi - n_lo) for h, l in zip(hi, lo)]
            # Stock takes hundreds of read locks per handshake: none counted
            # means the counter did not see libcrypto's locks.
            if per['stock'][0] <= 0:
                raise RuntimeError('no lock counted for stock (%s, %s)' % (role, name))
            rows.append((role, name, per['stock'], per['ours']))
            print('  counted: %s, %s' % (role, name), file=sys.stderr)
    return rows, n_hi, n_lo


def print_locks(rows, n_hi, n_lo):
    print('Locks: acquisitions per handshake by the measured side\'s process ((N=%d - N=%d) / %d), '
          'counted by liblockcount.so (preloaded): shared = pthread_rwlock_rdlock / tryrdlock, '
          'exclusive = pthread_rwlock_wrlock / trywrlock and pthread_mutex_lock / trylock.  '
          'Target per full handshake: <= 100 shared, <= 10 exclusive.' %
          (n_hi, n_lo, n_hi - n_lo))
    print()
    print('| role | handshake | stock shared | stock exclusive | shimssl shared '
          '| shimssl exclusive | target |')
    print('|---|---|---|---|---|---|---|')
    def c(x):  # (whole numbers when every handshake took the same)
        return '%.0f' % x if x == int(x) else '%.1f' % x
    for role, name, st, ou in rows:
        target = '<= 100 / <= 10' if name.startswith('full') else ''
        print('| %s | %s | %s | %s | %s | %s | %s |' % (role, name, c(st[0]), c(st[1]), c(ou[0]),
                                                        c(ou[1]), target))


def other_table(build, lib, pki, smoke, repeat):
    """Bulk transfer, memory and threads: CPU-time and heap figures, the
    client measured against a stock server."""
    n = '20' if smoke else '400'
    # (user-mode CPU is sampled at clock ticks: a long run keeps it precise)
    mb = '4' if smoke else '1024'
    rows = []  # (figure, stock, ours, unit)
    for suite, evp in (('TLS_AES_128_GCM_SHA256', 'AES-128-GCM'),
                       ('TLS_AES_256_GCM_SHA384', 'AES-256-GCM'),
                       ('TLS_CHACHA20_POLY1305_SHA256', 'ChaCha20-Poly1305')):
        srv = Server(build, pki, 'server-ec', 'suites=' + suite)
        try:
            (st, ou), (st_user, ou_user) = measure(
                build, lib, srv.port, ['bulk', mb, 'suite=' + suite], 'bulk_mb_per_cpu_second',
                repeat, also=['bulk_mb_per_user_cpu_second'])
        finally:
            srv.close()
        rows.append(('bulk %s, 16 KiB writes' % evp, st, ou, 'MB/cpu-s'))
        # The library's own share (user CPU; the kernel's socket work left
        # out) against the cipher alone: the 95% target.
        raw = run_client(build, None, 0, ['evp', mb, evp])['evp_mb_per_cpu_second']
        rows.append(('  same, user CPU only', st_user, ou_user, 'MB/user-s'))
        rows.append(('  raw EVP %s (limit)' % evp, raw, raw, 'MB/cpu-s'))
        rows.append(('  user-CPU bulk / raw EVP', st_user / raw * 100, ou_user / raw * 100, '%'))
    k = '5' if smoke else '50'
    for name, extra in (('heap per idle connection', []),
                        ('heap per idle connection, RELEASE_BUFFERS', ['release'])):
        srv = Server(build, pki, 'server-ec')
        try:
            st, ou = measure(build, lib, srv.port, ['memory', k] + extra, 'heap_per_connection',
                             repeat)
        finally:
            srv.close()
        rows.append((name, st, ou, 'bytes'))
    rows.extend(pair_rows(build, lib, pki, smoke, repeat))
    srv = Server(build, pki, 'server-ec')
    try:
        one = measure(build, lib, srv.port, ['threads', '1', n], 'handshakes_per_wall_second',
                      repeat)
        two = measure(build, lib, srv.port, ['threads', '2', n], 'handshakes_per_wall_second',
                      repeat)
    finally:
        srv.close()
    rows.append(('2 threads / 1 thread, one SSL_CTX', two[0] / one[0], two[1] / one[1], 'x'))
    return rows


def run_pair(build, lib, pki, args):
    r = subprocess.run([os.path.join(build, 'bench_pair'), os.path.join(pki, 'server-ec.pem'),
                        os.path.join(pki, 'server-ec.key')] + args,
                       capture_output=True, text=True, env=env_for(lib), timeout=900)
    if r.returncode != 0:
        raise RuntimeError('bench_pair %s failed: %s' % (args, r.stderr[-500:]))
    return parse(r.stdout)


def pair_median(build, lib, pki, args, key, repeat):
    """Medians of figure `key` of bench_pair (both ends on one library),
    stock then ours, runs alternating."""
    st, ou = [], []
    for _ in range(repeat):
        st.append(run_pair(build, None, pki, args)[key])
        ou.append(run_pair(build, lib, pki, args)[key])
    return statistics.median(st), statistics.median(ou)


def pair_rows(build, lib, pki, smoke, repeat):
    """Both ends in one process on one library (bench_pair): bulk in user
    CPU against sealing and opening alone, write() calls per handshake, and
    heap per idle connection of each role."""
    rows = []
    mb = '4' if smoke else '1024'
    st, ou = pair_median(build, lib, pki, ['bulk', mb], 'pair_bulk_mb_per_user_cpu_second', repeat)
    raw = statistics.median(
        [run_pair(build, None, pki, ['evp', mb])['evp_seal_open_mb_per_user_cpu_second']
         for _ in range(repeat)])
    rows.append(('bulk AES-256-GCM, both ends in one process (socketpair)', st, ou, 'MB/user-s'))
    rows.append(('  raw EVP seal + open (limit)', raw, raw, 'MB/user-s'))
    rows.append(('  user-CPU bulk / raw EVP', st / raw * 100, ou / raw * 100, '%'))
    n = '5' if smoke else '50'
    for proto, extra in (('TLS 1.3', []), ('TLS 1.2', ['tls12'])):
        for role in ('client', 'server'):
            st, ou = pair_median(build, lib, pki, ['flights', n] + extra,
                                 role + '_writes_per_handshake', 1)
            rows.append(('write() calls per full %s handshake, %s' % (proto, role), st, ou, 'calls'))
    for role in ('client', 'server'):
        st, ou = pair_median(build, lib, pki, ['memory', n], role + '_heap_per_connection', 1)
        rows.append(('heap per idle connection, %s (both ends in one process)' % role, st, ou,
                     'bytes'))
    return rows


def threads_table(build, lib, pki, smoke, repeat):
    """Handshakes per wall-clock second with 1, 2, 4 and 8 threads on one
    SSL_CTX (full TLS 1.3, ECDSA P-256, chain verified), stock and ours, in
    each role; the peer is a stock process (threaded bench_server, or
    bench_client with as many threads).  What it shows is lock contention
    only where the machine has the CPUs for it."""
    n = '10' if smoke else '200'
    ca = 'ca=' + os.path.join(pki, 'ca.pem')
    rows = []  # (role, threads, stock, ours)
    for role in ('client', 'server'):
        for t in (1, 2, 4, 8):
            rate = {}
            for who, lib_ in (('stock', None), ('ours', lib)):
                vals = []
                for _ in range(repeat):
                    srv = Server(build, pki, 'server-ec', lib=lib_ if role == 'server' else None)
                    try:
                        vals.append(run_client(build, lib_ if role == 'client' else None, srv.port,
                                               ['threads', str(t), n, ca])
                                    ['handshakes_per_wall_second'])
                    finally:
                        srv.close()
                rate[who] = statistics.median(vals)
            rows.append((role, t, rate['stock'], rate['ours']))
    return rows


def print_threads(rows, repeat):
    print('Threads: full TLS 1.3 handshakes per wall-clock second, T threads on one SSL_CTX, '
          'median of %d runs; scaling = rate / the same library\'s 1-thread rate.' % repeat)
    print()
    print('| role | threads | stock | shimssl | ratio | stock scaling | shimssl scaling |')
    print('|---|---|---|---|---|---|---|')
    one = {role: (st, ou) for role, t, st, ou in rows if t == 1}
    for role, t, st, ou in rows:
        print('| %s | %d | %.0f/s | %.0f/s | %.2fx | %.2fx | %.2fx |' % (
            role, t, st, ou, ou / st, st / one[role][0], ou / one[role][1]))


def print_other(rows, repeat):
    print('Other figures: median of %d runs each, stock and shimssl alternating; '
          'ratio = shimssl / stock.' % repeat)
    print()
    print('| figure | stock | shimssl | unit | ratio |')
    print('|---|---|---|---|---|')
    for name, st, ou, unit in rows:
        print('| %s | %.1f | %.1f | %s | %.2fx |' % (name, st, ou, unit, (ou / st) if st else 0.0))


def check_options(args):
    """The options after the three fixed arguments: anything else (a typo, or
    --help) prints the usage instead of starting a run of many minutes."""
    with_value = {'--repeat', '--n', '--only'}
    i = 0
    while i < len(args):
        if args[i] in with_value and i + 1 < len(args):
            i += 2
        elif args[i] == '--smoke':
            i += 1
        else:
            usage = 'usage: shimssl bench [--smoke] [--repeat N] [--n HI,LO[,CPU]] ' \
                    '[--only handshakes|locks|other|threads]'
            if args[i] in ('-h', '--help'):
                print(usage)
                sys.exit(0)
            sys.exit('shimssl bench: unknown option %s\n%s' % (args[i], usage))


def main():
    check_options(sys.argv[4:])
    build, lib, pki = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    smoke = '--smoke' in sys.argv
    repeat = 1 if smoke else 3
    if '--repeat' in sys.argv:
        repeat = int(sys.argv[sys.argv.index('--repeat') + 1])
    only = sys.argv[sys.argv.index('--only') + 1] if '--only' in sys.argv else None
    subprocess.run([os.path.join(HERE, '..', 'tests', 'interop', 'make_certs.sh'), pki],
                   check=True)
    handshakes = locks = other = threads = None
    if only in (None, 'handshakes'):
        handshakes = handshake_table(build, lib, pki, smoke, repeat)
    if only in (None, 'locks'):
        locks = locks_table(build, lib, pki, smoke)
    if only in (None, 'other'):
        other = other_table(build, lib, pki, smoke, repeat)
    if only in (None, 'threads'):
        threads = threads_table(build, lib, pki, smoke, repeat)

    print('shimssl benchmark, %s, %s, %d CPUs, %s%s' % (
        datetime.date.today().isoformat(), platform.machine(), os.cpu_count(),
        platform.processor() or 'cpu', ' (smoke run)' if smoke else ''))
    print()
    if handshakes:
        print_handshakes(*handshakes, repeat)
        print()
    if locks:
        print_locks(*locks)
        print()
    if other:
        print_other(other, repeat)
        print()
    if threads:
        print_threads(threads, repeat)
    return 0


if __name__ == '__main__':
    sys.exit(main())
