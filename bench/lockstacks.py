#!/usr/bin/env python3
"""Where a handshake's locks come from: runs the measured side of one
benchmark handshake with liblockcount.so preloaded and LOCKCOUNT_BT set, and
prints the call stacks that took a lock, most frequent first, with how many
times per handshake: it runs N and 2N handshakes and subtracts, stack by
stack, so start-up and exit are left out.  Frames in objects with debug information
(our libssl) are named with addr2line: function, file and line.

usage: lockstacks.py BENCH_DIR OUR_LIB PKI_DIR ROLE HANDSHAKE [--stock]
                     [--kind exclusive|shared|all] [--n N] [--depth D] [--brief]

ROLE is client or server; HANDSHAKE is a prefix of a row name of the
benchmark table (e.g. 'full TLS 1.3, ECDSA', 'resumed TLS 1.3').  --stock
counts stock libssl instead of ours; --brief prints a line per stack (the
libcrypto functions named in it, and our two innermost frames).
"""
import collections
import os
import re
import subprocess
import sys
import tempfile

import run  # bench/run.py: the handshake configurations and how to run them

FRAME = re.compile(r'^  (.*?)(?:\((.*)\))? \[(.*)\+0x([0-9a-f]+)\]$')


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


class Names:
    """addr2line over each object, asked once per address."""

    def __init__(self):
        self.cache = {}

    def __call__(self, obj, off):
        key = (obj, off)
        if key not in self.cache:
            r = subprocess.run(['addr2line', '-f', '-C', '-e', obj, hex(off)],
                               capture_output=True, text=True)
            lines = r.stdout.split('\n')
            fn = lines[0] if lines and lines[0] != '??' else None
            where = os.path.basename(lines[1]) if len(lines) > 1 and '??' not in lines[1] else ''
            self.cache[key] = '%s %s' % (fn, where) if fn else None
        return self.cache[key]


def counted_stacks(build, lib, pki, row, n, kind):
    """{stack text: count} and the totals for n handshakes."""
    _name, _kind, cert, server_args, client_args = row
    fd, out = tempfile.mkstemp(prefix='shimssl-lockstacks-')
    os.close(fd)
    run.CLEAN['LOCKCOUNT_BT'] = kind  # (run.CLEAN is every bench program's environment)
    try:
        run.run_measured(build, lib, pki, role_of(), cert, server_args, client_args, n,
                         counted=(os.path.join(build, 'liblockcount.so'), out))
        text = open(out).read()
    finally:
        os.unlink(out)
        del run.CLEAN['LOCKCOUNT_BT']
    totals, stacks, cur = {}, collections.Counter(), None
    for line in text.splitlines() + ['stack 0 end']:
        if line.startswith('locks_'):
            totals[line.split()[0]] = int(line.split()[1])
        elif line.startswith('stack '):
            if cur is not None:
                stacks[(cur[1], tuple(cur[2]))] += cur[0]
            _, count, k = line.split()
            cur = [int(count), k, []]
        elif cur is not None and line.startswith('  '):
            cur[2].append(line.strip())
    return totals, stacks


def role_of():
    return sys.argv[4]


def frame_name(names, line):
    """'object: function file:line' where addr2line knows (objects with debug
    information), else the exported symbol dladdr found, else the offset."""
    m = FRAME.match('  ' + line)
    if m is None:
        return line
    obj, sym, off = m.group(3), m.group(2), int(m.group(4), 16)
    named = names(obj, off) if has_debug_info(obj) else None
    return '%s: %s' % (os.path.basename(obj), named or sym or '+' + hex(off))


_debug = {}


def has_debug_info(obj):
    if obj not in _debug:
        r = subprocess.run(['readelf', '-S', obj], capture_output=True, text=True)
        _debug[obj] = '.debug_info' in r.stdout
    return _debug[obj]


def main():
    build, lib, pki, role, which = sys.argv[1:6]
    n = int(arg('--n', '10'))
    kind = arg('--kind', 'exclusive')
    depth = int(arg('--depth', '14'))
    rows = [h for h in run.HANDSHAKES if h[0].startswith(which)]
    if not rows or role not in ('client', 'server'):
        sys.exit(__doc__)
    lib = None if '--stock' in sys.argv else os.path.abspath(lib)
    # Two runs, n and 2n handshakes: what a stack took more in the second is
    # per handshake; start-up and exit cancel out.
    t1, s1 = counted_stacks(build, lib, pki, rows[0], n, kind)
    t2, s2 = counted_stacks(build, lib, pki, rows[0], 2 * n, kind)
    for k in sorted(t1):
        print('%s per handshake: %g' % (k, (t2[k] - t1[k]) / n))
    names = Names()
    diff = [(s2[key] - s1.get(key, 0), key) for key in s2]
    diff.sort(key=lambda d: -d[0])
    for d, (k, frames) in diff:
        if d <= 0:
            continue
        if '--brief' in sys.argv:
            # the libcrypto entry points named, then the first frame of ours
            named = [frame_name(names, f) for f in frames]
            ours = [f for f in named if f.startswith('libssl')][:2]
            apis = [f.split(': ')[1] for f in named[1:] if f.startswith('libcrypto') and
                    not f.split(': ')[1].startswith('+')][:3]
            print('%5g %-9s %s <- %s' % (d / n, k, ' < '.join(apis), ' < '.join(ours)))
            continue
        print('\n%g per handshake, %s' % (d / n, k))
        for f in frames[:depth]:
            print('   ', frame_name(names, f))
    return 0


if __name__ == '__main__':
    sys.exit(main())
