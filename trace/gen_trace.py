#!/usr/bin/env python3
"""Generates the tracer's sources at build time.

usage: gen_trace.py OUR_INCLUDE_DIR EXPORTS SYSTEM_OPENSSL_INCLUDE_DIR OUTDIR

Writes into OUTDIR:
  wrappers.c        one wrapper per export (gen_wrappers.py)
  trampolines.c     the callback trampolines (gen_trampolines.py)
  names.c           constants by name (gen_names.py)
  trace.map         version script: exactly the exports, as OPENSSL_3.0.0
  wrapped.txt       the names that got a wrapper, one a line

The wrappers come from the same prototype list as the library's stubs
(tools/abi_protos.py), so an export added to the list gets a wrapper, or the
build stops and says which prototype or decoder is missing.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
from abi_protos import read_protos, read_exports  # noqa: E402
import gen_names  # noqa: E402
import gen_trampolines  # noqa: E402
import gen_wrappers  # noqa: E402


def write(path, text):
    with open(path, 'w') as fh:
        fh.write(text if text.endswith('\n') else text + '\n')


def main():
    include_dir, exports_path, sys_include, outdir = sys.argv[1:5]
    exports = sorted(read_exports(exports_path))
    protos = read_protos(include_dir, set(exports))
    absent = sorted(set(exports) - set(protos))
    if absent:
        sys.exit('gen_trace: no prototype in our headers for: %s' % ', '.join(absent))
    try:
        wrappers = gen_wrappers.emit(protos, exports)
    except ValueError as e:
        sys.exit('gen_trace: %s' % e)
    write(os.path.join(outdir, 'wrappers.c'), wrappers)
    write(os.path.join(outdir, 'trampolines.c'), gen_trampolines.emit())
    write(os.path.join(outdir, 'names.c'), gen_names.emit(sys_include))
    write(os.path.join(outdir, 'trace.map'),
          'OPENSSL_3.0.0 {\n    global:\n%s\n    local: *;\n};' %
          '\n'.join('        %s;' % n for n in exports))
    write(os.path.join(outdir, 'wrapped.txt'), '\n'.join(exports))


if __name__ == '__main__':
    main()
