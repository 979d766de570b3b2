#!/usr/bin/env python3
"""Every libssl export has a wrapper in libshimssl-trace.so, and the tracer
exports nothing else.

The tracer's dynamic symbols (what the dynamic linker can bind a program's
calls to) must equal our export list, the list of wrappers the generator
wrote, and the functions the system's libssl.so.3 exports -- all under the
symbol version OPENSSL_3.0.0, or a program's versioned references would not
bind to them.

usage: check_wrappers.py TRACER_SO WRAPPED_TXT EXPORTS_TXT
"""
import re
import subprocess
import sys


def dynamic_functions(path):
    """{name: version} of the defined dynamic function symbols of path."""
    out = subprocess.run(['nm', '-D', '--defined-only', path], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    syms = {}
    for line in out.splitlines():
        m = re.match(r'^[0-9a-f]+ ([TtWi]) (\w+)@@?(\S+)$', line)
        if m:
            syms[m.group(2)] = m.group(3)
    return syms


def read_list(path):
    with open(path) as fh:
        return {l.strip() for l in fh if l.strip() and not l.startswith('#')}


def stock_libssl():
    out = subprocess.run(['ldd', sys.argv[1]], stdout=subprocess.PIPE, text=True,
                         env={'PATH': '/usr/bin:/bin'}).stdout
    m = re.search(r'libssl\.so\.3 => (\S+)', out)
    return m.group(1) if m else None


def main():
    tracer, wrapped_txt, exports_txt = sys.argv[1:4]
    tracer_syms = dynamic_functions(tracer)
    exports = read_list(exports_txt)
    wrapped = read_list(wrapped_txt)
    stock_path = stock_libssl()
    stock = set(dynamic_functions(stock_path)) if stock_path else set()
    fails = []

    def differ(label, a, b):
        if a - b:
            fails.append('%s: %d missing, e.g. %s' % (label, len(a - b), sorted(a - b)[:5]))
        if b - a:
            fails.append('%s: %d extra, e.g. %s' % (label, len(b - a), sorted(b - a)[:5]))
    differ('tracer symbols against exports.txt', exports, set(tracer_syms))
    differ('generated wrappers against exports.txt', exports, wrapped)
    if not stock:
        fails.append('cannot read the system libssl.so.3 (%s)' % stock_path)
    else:
        differ('exports.txt against the system libssl.so.3', stock, exports)
    versions = {v for v in tracer_syms.values()}
    if versions != {'OPENSSL_3.0.0'}:
        fails.append('tracer symbol versions: %s' % sorted(versions))
    print('%d tracer wrappers, %d exports, %d system libssl functions' % (
        len(tracer_syms), len(exports), len(stock)))
    for f in fails:
        print('FAIL: ' + f)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
