#!/usr/bin/env python3
"""shimssl diff: runs a program under the tracer over stock libssl and over
ours, and compares the two traces.

usage: cli_diff.py TRACER_LIB OUR_LIB [--ignore FN,...] [--data-lengths]
                                      [--peer[=s_server|s_client]] [--keep DIR] [--timeout S]
                                      PROGRAM [ARGS...]

Exit status: 0 when the normalised traces (and the exit statuses) are
equal, 1 when they differ, 2 when the comparison could not be made.
The program's standard input, when it is not a terminal, is read once and
given to both runs.  Both runs see SHIMSSL_DIFF_RUN=stock or =shimssl.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import normalise  # noqa: E402
import peer as peers  # noqa: E402
import runner  # noqa: E402

RUNS = ('stock', 'shimssl')


def _peer_default(argv):
    """A bare --peer means --peer=s_server (argparse alone would take the
    program's name for the peer's)."""
    out, i = [], 0
    while i < len(argv) and argv[i].startswith('-'):
        a = argv[i]
        out.append('--peer=s_server' if a == '--peer' else a)
        if a in ('--ignore', '--keep', '--timeout') and i + 1 < len(argv):
            i += 1
            out.append(argv[i])
        i += 1
        if a == '--':
            break
    return out + argv[i:]


def parse(argv):
    ap = argparse.ArgumentParser(prog='shimssl diff',
                                 description='Compare a program\'s libssl calls over stock '
                                             'libssl and over shimssl.')
    ap.add_argument('--ignore', default='', metavar='FN,...',
                    help='functions (or cb:KIND callbacks) left out of the comparison')
    ap.add_argument('--data-lengths', action='store_true',
                    help='compare the bytes written and read by length only (for replies '
                         'that hold the time, as HTTP\'s Date header)')
    ap.add_argument('--peer', choices=('s_server', 's_client'),
                    help='start a local stock peer: s_server (default, for client programs) '
                         'or s_client (for server programs); PORT in the arguments is its port')
    ap.add_argument('--keep', metavar='DIR', help='keep the traces and outputs in DIR')
    ap.add_argument('--timeout', type=float, default=60, help='seconds per run (default 60)')
    ap.add_argument('program', nargs=argparse.REMAINDER)
    args = ap.parse_args(_peer_default(argv))
    if args.program[:1] == ['--']:
        args.program = args.program[1:]
    if not args.program:
        ap.error('a program to run is needed')
    return args


def substitute_port(argv, port):
    return [re.sub(r'\bPORT\b', str(port), a) for a in argv]


def run_once(libs, which, argv, workdir, stdin_data, extra_env, timeout, server_peer):
    """Runs the program once; returns (exit status or a word, trace files)."""
    out_file = os.path.join(workdir, which + '.trace')
    runner.clear_traces(out_file)
    env = runner.traced_env(libs, which, out_file)
    env.update(extra_env)
    env['SHIMSSL_DIFF_RUN'] = which
    with open(os.path.join(workdir, which + '.out'), 'wb') as out:
        try:
            proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as e:
            print('shimssl diff: cannot run %s: %s' % (argv[0], e.strerror), file=sys.stderr)
            sys.exit(2)
        status = None
        try:
            if server_peer is not None:
                # The server's standard input stays open: s_server, for one,
                # quits at its end.
                note = server_peer.run_against(proc)
                print('%s run: %s' % (which, note))
                # A server that ends by itself (after one connection) gives
                # its status; one that keeps serving is stopped.
                try:
                    proc.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    status = 'stopped'
            else:
                proc.communicate(stdin_data, timeout=timeout)
        except subprocess.TimeoutExpired:
            status = 'timeout'
        finally:
            peers.stop(proc)
            if not proc.stdin.closed:
                proc.stdin.close()
        if status is None:
            status = proc.returncode
    return status, runner.trace_files(out_file)


def check_libraries(libs, which, files):
    """Every traced process must have run over the library asked for."""
    want = libs.libssl(which)
    bad = [f for f in files if not runner.same_file(runner.header(f).get('libssl', ''), want)]
    for f in bad:
        print('shimssl diff: %s ran over %s, not %s' % (
            f, runner.header(f).get('libssl'), want), file=sys.stderr)
    return not bad


def compare_runs(runs, ignore, data_lengths=False):
    result = compare.Result()
    stock, ours = runs['stock'][1], runs['shimssl'][1]
    for i in range(max(len(stock), len(ours))):
        if i >= len(stock) or i >= len(ours):
            result.divergences += 1
            extra = (ours if i >= len(stock) else stock)[i]
            side = 'shimssl' if i >= len(stock) else 'stock'
            if result.first is None:
                result.first = ['process %d was traced only over %s: %s' % (
                    i + 1, side, runner.header(extra).get('cmd', extra))]
            continue
        entries = []
        for f in (stock[i], ours[i]):
            with open(f, errors='replace') as fh:
                entries.append(normalise.normalise(fh, ignore, data_lengths))
        label = 'process %d (%s)' % (i + 1, runner.header(stock[i]).get('cmd', '?')[:60])
        compare.compare_process(result, label, entries[0], entries[1])
    return result


def main():
    tracer, ours, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    args = parse(argv)
    libs = runner.Libraries(tracer, ours)
    for which in RUNS:
        libs.check(which)
    ignore = {x.strip() for x in args.ignore.split(',') if x.strip()}
    stdin_data = b'' if sys.stdin.isatty() else sys.stdin.buffer.read()
    workdir = args.keep or tempfile.mkdtemp(prefix='shimssl-diff-')
    os.makedirs(workdir, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    peer = None
    try:
        program = args.program
        extra_env = {}
        if args.peer:
            peer = peers.SServer() if args.peer == 's_server' else peers.SClient()
            peer.start()
            program = substitute_port(program, peer.port)
            extra_env = peer.env()
            print('peer: openssl %s on 127.0.0.1:%d' % (args.peer, peer.port))
        server_peer = peer if args.peer == 's_client' else None
        runs = {which: run_once(libs, which, program, workdir, stdin_data, extra_env,
                                args.timeout, server_peer) for which in RUNS}
        return report(libs, runs, ignore, workdir, args.keep, args.data_lengths)
    finally:
        if peer is not None:
            peer.__exit__(None, None, None)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def report(libs, runs, ignore, workdir, keep, data_lengths=False):
    ok = all(check_libraries(libs, w, runs[w][1]) for w in RUNS)
    if not ok:
        return 2
    for w in RUNS:
        print('%s: exit %s, %d process(es) traced' % (w, runs[w][0], len(runs[w][1])))
    result = compare_runs(runs, ignore, data_lengths)
    if runs['stock'][0] != runs['shimssl'][0]:
        result.divergences += 1
        if result.first is None:
            result.first = ['exit status: stock %s, shimssl %s' % (runs['stock'][0],
                                                                    runs['shimssl'][0])]
    if result.first:
        print('\n'.join(result.first))
    print(compare.summary(result))
    if result.calls[0] == 0 and result.calls[1] == 0:
        print('shimssl diff: no libssl call was traced (does the program use libssl?)')
    if keep:
        print('traces and outputs kept in %s' % workdir)
    return 1 if result.divergences else 0


if __name__ == '__main__':
    sys.exit(main())
