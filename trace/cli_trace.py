#!/usr/bin/env python3
"""shimssl trace: runs a program under libshimssl-trace.so.

usage: cli_trace.py TRACER_LIB OUR_LIB [--with stock|shimssl] [-o FILE] PROGRAM [ARGS...]

The first process that calls libssl writes FILE (default shimssl.trace);
every other one (children, programs started by exec) writes FILE.PID.  Ends
with the program's exit status, after saying which files were written.
"""
import argparse
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402


def parse(argv):
    ap = argparse.ArgumentParser(prog='shimssl trace',
                                 description='Trace the libssl calls of a program.')
    ap.add_argument('--with', dest='which', choices=('stock', 'shimssl'), default='stock',
                    help='the libssl to run over (default: stock, the system one)')
    ap.add_argument('-o', dest='out', default='shimssl.trace',
                    help='trace file of the first process (others: FILE.PID)')
    ap.add_argument('program', nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    if not args.program:
        ap.error('a program to run is needed')
    return args


def main():
    tracer, ours, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    args = parse(argv)
    libs = runner.Libraries(tracer, ours)
    libs.check(args.which)
    runner.clear_traces(args.out)
    env = runner.traced_env(libs, args.which, args.out)
    # Ctrl-C goes to the program (same process group); we wait for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        status = subprocess.call(args.program, env=env)
    except OSError as e:
        sys.exit('shimssl trace: cannot run %s: %s' % (args.program[0], e.strerror))
    files = runner.trace_files(args.out)
    want = libs.libssl(args.which)
    if not files:
        print('shimssl trace: no libssl call was traced', file=sys.stderr)
    for f in files:
        h = runner.header(f)
        used = h.get('libssl', '?')
        note = '' if runner.same_file(used, want) else ' (NOT %s)' % want
        print('shimssl trace: %s: pid %s, %s, over %s%s' % (
            f, h.get('pid', '?'), h.get('cmd', '?')[:60], used, note), file=sys.stderr)
    return status if status >= 0 else 128 - status


if __name__ == '__main__':
    sys.exit(main())
