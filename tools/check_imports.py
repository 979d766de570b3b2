#!/usr/bin/env python3
"""shimssl check BINARY: the libssl functions a program imports, directly or
through the libraries it loads (curl through libcurl, python through _ssl),
each with its status in shim/abi/status.tsv.

usage: check_imports.py BINARY STATUS.tsv
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abi_protos import read_status  # noqa: E402


def resolve(binary):
    if os.sep in binary:
        return os.path.realpath(binary)
    found = shutil.which(binary)
    if not found:
        sys.exit('shimssl check: %s: not found' % binary)
    return os.path.realpath(found)


def loaded_objects(path):
    """The object and every shared library the dynamic linker would load for it."""
    objs = [path]
    out = subprocess.run(['ldd', path], capture_output=True, text=True,
                         env=dict(os.environ, LD_PRELOAD='')).stdout
    for line in out.splitlines():
        m = re.search(r'=>\s+(/\S+)', line)
        if m:
            objs.append(os.path.realpath(m.group(1)))
    return objs


def dlopened_modules(path):
    """Extension modules a program loads at run time rather than link time.
    Python reaches libssl only through its _ssl module."""
    if not os.path.basename(path).startswith('python'):
        return []
    r = subprocess.run([path, '-c', 'import _ssl; print(_ssl.__file__)'],
                       capture_output=True, text=True, env=dict(os.environ, LD_PRELOAD=''))
    mod = r.stdout.strip()
    return [mod] + loaded_objects(mod)[1:] if r.returncode == 0 and os.path.isfile(mod) else []


def needs_libssl(path):
    out = subprocess.run(['readelf', '-d', path], capture_output=True, text=True).stdout
    return '[libssl.so.3]' in out


def libssl_imports(path, exports):
    out = subprocess.run(['nm', '-D', '--undefined-only', path], capture_output=True,
                         text=True).stdout
    names = set()
    for line in out.splitlines():
        sym = line.split()[-1] if line.split() else ''
        name = sym.split('@')[0]
        if name in exports:
            names.add(name)
    return names


def main():
    binary, status_path = sys.argv[1:3]
    status = read_status(status_path)
    path = resolve(binary)
    if not os.path.isfile(path):
        sys.exit('shimssl check: %s: not a file' % path)
    imports = {}
    for obj in loaded_objects(path) + dlopened_modules(path):
        if obj == path or needs_libssl(obj):
            for name in libssl_imports(obj, status):
                imports.setdefault(name, []).append(os.path.basename(obj))
    if not imports:
        print('%s imports no libssl functions' % path)
        return
    width = max(len(n) for n in imports)
    counts = {'implemented': 0, 'partial': 0, 'unsupported': 0}
    print('%-*s  %-11s  %s' % (width, 'function', 'status', 'imported by / note'))
    for name in sorted(imports):
        st, _, note = status[name]
        counts[st] += 1
        where = ', '.join(sorted(set(imports[name])))
        print('%-*s  %-11s  %s%s' % (width, name, st, where, ('  (' + note + ')') if note else ''))
    total = len(imports)
    print()
    print('%d partial, %d unsupported' % (counts['partial'], counts['unsupported']))
    print('%d of %d imported functions implemented' % (counts['implemented'], total))


if __name__ == '__main__':
    main()
