#!/usr/bin/env python3
"""Oracle check: cases that an attacker must not tell apart get the same answer.

Runs a differential program (tests/diff/diff_accept_parse.c) on stock libssl
and with our library preloaded, and in each run requires the named cases to
have printed the same block for one step (their return value, SSL_get_error,
error queue and every byte the server wrote there) as the first, the
reference case.  Stock must pass too: the check states what a server without
the oracle does, so it fails if the program no longer shows it.

usage: oracle_same.py --step STEP --expect TEXT OUR_LIB PROGRAM ARGS... -- REFERENCE CASE...
  STEP: the step's name in the output ("client flight");
  TEXT: a line the reference block must contain (the alert it ends with).
"""
import os
import subprocess
import sys


def blocks(out, step):
    """label -> the lines of its block for step (label prefix removed)."""
    found, label, lines = {}, None, []
    for line in out.splitlines():
        if not line.startswith(' '):
            if label is not None:
                found[label] = lines
            label = None
            head = line.split(': ', 1)
            if len(head) == 2 and head[1].startswith(step + ':'):
                label, lines = head[0], [head[1]]
        elif label is not None:
            lines.append(line)
    if label is not None:
        found[label] = lines
    return found


def main(argv):
    step = expect = None
    while argv and argv[0] in ('--step', '--expect'):
        if argv[0] == '--step':
            step = argv[1]
        else:
            expect = argv[1]
        argv = argv[2:]
    sep = argv.index('--')
    lib, program, cases = os.path.realpath(argv[0]), argv[1:sep], argv[sep + 1:]
    if step is None or expect is None or len(cases) < 2:
        sys.exit(__doc__)
    env = {k: v for k, v in os.environ.items() if k not in ('LD_PRELOAD', 'LD_LIBRARY_PATH')}
    failed = False
    # A sanitizer build's runtime goes first (see run_diff.sh).
    san = os.environ.get('SHIM_SANITIZER_PRELOAD')
    ours = san + ':' + lib if san else lib
    for name, extra in (('stock', {}), ('ours', {'LD_PRELOAD': ours})):
        run = subprocess.run(program, env=dict(env, **extra), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, timeout=600)
        if run.returncode != 0:
            print('FAIL: the %s run exited with %d' % (name, run.returncode))
            print(run.stderr[-2000:])
            return 1
        found = blocks(run.stdout, step)
        missing = [c for c in cases if c not in found]
        if missing:
            print('FAIL: the %s run has no "%s" step for %s' % (name, step, ', '.join(missing)))
            return 1
        ref = found[cases[0]]
        if not any(expect in line for line in ref):
            print('FAIL: %s: the reference case "%s" lacks "%s":' % (name, cases[0], expect))
            print('\n'.join(ref))
            return 1
        for c in cases[1:]:
            if found[c] != ref:
                failed = True
                print('FAIL: %s: "%s" is told apart from "%s":' % (name, c, cases[0]))
                print('\n'.join('  ' + l for l in ref))
                print('  ---')
                print('\n'.join('  ' + l for l in found[c]))
        if not failed:
            print('ok: %s: %d cases answered alike at "%s"' % (name, len(cases), step))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
