#!/usr/bin/env python3
"""The library exports exactly the system libssl.so.3's functions, each with
version OPENSSL_3.0.0, has SONAME libssl.so.3, needs only libcrypto and libc,
and the status table and export list in the repo agree with it.

usage: check_exports.py OUR_LIB EXPORTS.txt STATUS.tsv
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tools'))
from abi_protos import read_exports, read_status  # noqa: E402
import status_summary  # noqa: E402


def system_libssl():
    out = subprocess.run(['ldconfig', '-p'], capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = re.search(r'libssl\.so\.3 \(libc6,x86-64\) => (\S+)', line) or \
            re.search(r'libssl\.so\.3 \([^)]*\) => (\S+)', line)
        if m:
            return m.group(1)
    for p in ('/usr/lib/x86_64-linux-gnu/libssl.so.3', '/lib/x86_64-linux-gnu/libssl.so.3'):
        if os.path.exists(p):
            return p
    sys.exit('system libssl.so.3 not found')


def dynamic_symbols(path):
    """Defined dynamic symbols as {name: version}; default versions only."""
    out = subprocess.run(['nm', '-D', '--defined-only', path], capture_output=True,
                         text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        name = parts[2]
        m = re.match(r'^([^@]+)@@(.+)$', name)
        if not m:
            syms[name] = None
        else:
            syms[m.group(1)] = m.group(2)
    return syms


def dynamic_section(path):
    out = subprocess.run(['readelf', '-d', path], capture_output=True, text=True,
                         check=True).stdout
    needed = re.findall(r'\(NEEDED\)\s+Shared library: \[([^\]]+)\]', out)
    soname = re.findall(r'\(SONAME\)\s+Library soname: \[([^\]]+)\]', out)
    return needed, soname


def main():
    ours_path, exports_path, status_path = sys.argv[1:4]
    failures = []
    ours = dynamic_symbols(ours_path)
    system = dynamic_symbols(system_libssl())
    listed = set(read_exports(exports_path))
    status = read_status(status_path)

    # The version node itself appears as an absolute symbol in both.
    ours.pop('OPENSSL_3.0.0', None)
    system.pop('OPENSSL_3.0.0', None)

    if set(ours) != set(system):
        failures.append('exports differ from the system libssl: missing %s, extra %s' % (
            sorted(set(system) - set(ours))[:20], sorted(set(ours) - set(system))[:20]))
    bad_version = sorted(n for n, v in ours.items() if v != 'OPENSSL_3.0.0')
    if bad_version:
        failures.append('not under OPENSSL_3.0.0: %s' % bad_version[:20])
    if listed != set(system):
        failures.append('shim/abi/exports.txt differs from the system export list')
    if set(status) != set(system):
        failures.append('shim/abi/status.tsv does not list exactly the exports')
    needed, soname = dynamic_section(ours_path)
    if soname != ['libssl.so.3']:
        failures.append('SONAME is %s' % soname)
    allowed = re.compile(r'^(libcrypto\.so\.3|libc\.so\.6|libpthread\.so\.0|libdl\.so\.2|ld-linux.*)$')
    # A sanitizer build (meson -Db_sanitize=...) links its runtimes too.
    if os.environ.get('SHIM_SANITIZE', 'none') != 'none':
        allowed = re.compile(allowed.pattern[:-2] + r'|lib(asan|ubsan|tsan)\.so\.\d+)$')
    stray = [n for n in needed if not allowed.match(n)]
    if stray or 'libcrypto.so.3' not in needed:
        failures.append('NEEDED should be libcrypto (+libc) only: %s' % needed)

    summary = status_summary.summary()
    readme = os.path.join(os.path.dirname(os.path.abspath(status_path)), '..', '..', 'README.md')
    with open(readme) as fh:
        if summary not in fh.read():
            failures.append('README.md must carry the line "%s" (tools/status_summary.py --update)'
                            % summary)
    print('exports: %d of %d under OPENSSL_3.0.0; SONAME %s; NEEDED %s' % (
        len(ours) - len(bad_version), len(system), soname, needed))
    print(summary)
    for f in failures:
        print('FAIL: ' + f)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
