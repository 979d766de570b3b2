#!/usr/bin/env python3
"""Writes the installed `shimssl` command: the source tree's script with its
INSTALLED_LIBDIR / INSTALLED_DATADIR / INSTALLED_LIBEXECDIR lines set to the
install directories, relative to the directory the command is installed in
(so a tree installed under DESTDIR, or moved as a whole, still works).

usage: gen_cli.py SCRIPT OUT BINDIR LIBDIR DATADIR LIBEXECDIR   (absolute dirs)
"""
import os
import sys


def main():
    script, out, bindir, libdir, datadir, libexecdir = sys.argv[1:7]
    values = {'INSTALLED_LIBDIR': libdir, 'INSTALLED_DATADIR': datadir,
              'INSTALLED_LIBEXECDIR': libexecdir}
    lines = open(script).read().split('\n')
    done = set()
    for i, line in enumerate(lines):
        name = line[:-1] if line.endswith('=') else None
        if name in values:
            lines[i] = "%s='%s'" % (name, os.path.relpath(values[name], bindir))
            done.add(name)
    missing = set(values) - done
    if missing:
        sys.exit('gen_cli.py: %s has no line %s=' % (script, ', '.join(sorted(missing))))
    with open(out, 'w') as fh:
        fh.write('\n'.join(lines))
    os.chmod(out, 0o755)


if __name__ == '__main__':
    main()
