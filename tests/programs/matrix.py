#!/usr/bin/env python3
"""The real-program matrix (issue 16): every group is one program in one
role; each of its scenarios runs with stock libssl and with ours preloaded
and must give stock's stated result.

A group's scenarios are split into meson tests by part:
  quick    the CI subset (suite 'programs')
  more     the rest (suite 'programs-full', run by `meson test --setup all`)
  pending  scenarios where ours is known to differ from stock (suite
           'pending'): kept with stock's expectation, failing until fixed
Each run writes RESULTS_DIR/GROUP.PART.json, from which gen_matrix.py makes
the README table.

usage: matrix.py --list
       matrix.py --rows                      (program, role, scenario count)
       matrix.py GROUP PART OUR_LIB PKI_DIR RESULTS_DIR [SCENARIO...]
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
import pending  # noqa: E402

MODULES = ['prog_nginx_server', 'prog_s_server', 'prog_socat', 'prog_stunnel', 'prog_python_server', 'prog_haproxy',
           'prog_nginx_client', 'prog_ncat', 'prog_more_servers', 'prog_curl', 'prog_s_time',
           'prog_pyopenssl', 'prog_python_memorybio']
PARTS = ('quick', 'more', 'pending')


def groups():
    out = []
    for m in MODULES:
        out += __import__(m).GROUPS
    keys = [g.key for g in out]
    assert len(keys) == len(set(keys)), 'duplicate group keys'
    return out


def part_of(group, sc):
    if (group.key, sc.name) in pending.PENDING:
        return 'pending'
    return 'quick' if sc.quick else 'more'


def listing():
    """GROUP PART for every non-empty part (meson registers one test each)."""
    lines = []
    for g in groups():
        scs = g.make('/pki')
        names = [s.name for s in scs]
        assert len(names) == len(set(names)), 'duplicate scenario in ' + g.key
        for part in PARTS:
            if any(part_of(g, s) == part for s in scs):
                lines.append('%s %s' % (g.key, part))
    return lines


def run(key, part, lib, pki, results, only):
    group = {g.key: g for g in groups()}[key]
    pki = os.path.abspath(pki)
    # (the PKI is remade when it ages: see make_certs.sh)
    subprocess.run([os.path.join(HERE, '..', 'interop', 'make_certs.sh'), pki], check=True)
    scs = [s for s in group.make(pki) if part_of(group, s) == part and (not only or s.name in only)]
    why = group.why_not() if group.why_not else None
    missing = [p for p in group.needs if not harness.shutil.which(p)]
    if missing and not why:
        why = 'not installed: ' + ', '.join(missing)
    record = {'group': key, 'program': group.program, 'role': group.role, 'part': part,
              'scenarios': []}
    failed = 0
    for sc in scs:
        if why:
            verdict, stock, ours, detail = 'skip', None, None, why
        else:
            verdict, stock, ours, detail = harness.run_scenario(sc, lib, pki)
        entry = {'name': sc.name, 'verdict': verdict, 'expect': sc.expect, 'stock': stock,
                 'ours': ours}
        if verdict == 'skip':
            entry['reason'] = detail
        if part == 'pending':
            entry['pending'] = pending.PENDING[(key, sc.name)]
        record['scenarios'].append(entry)
        print('%-4s %s/%s%s' % ('ok' if verdict == 'pass' else verdict.upper(), key, sc.name,
                                ' (%s)' % detail if verdict == 'skip' else ''))
        if verdict == 'fail':
            failed += 1
            print('  ' + detail.replace('\n', '\n  '))
        elif verdict == 'pass':
            print('     stock and ours: %s' % json.dumps(stock, sort_keys=True)[:400])
        sys.stdout.flush()
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, '%s.%s.json' % (key, part)), 'w') as fh:
        json.dump(record, fh, indent=1, sort_keys=True)
    if failed:
        return 1
    if scs and all(e['verdict'] == 'skip' for e in record['scenarios']):
        return 77  # meson: skipped
    return 0


def main(argv):
    if argv[1:2] == ['--list']:
        print('\n'.join(listing()))
        return 0
    if argv[1:2] == ['--rows']:
        for g in groups():
            print('%s\t%s\t%s\t%d' % (g.key, g.program, g.role, len(g.make('/pki'))))
        return 0
    key, part, lib, pki, results = argv[1:6]
    return run(key, part, lib, pki, results, set(argv[6:]))


if __name__ == '__main__':
    sys.exit(main(sys.argv))
