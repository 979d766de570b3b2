#!/usr/bin/env python3
"""shimssl check --pid PID: does a running process use shimssl's libssl?

Reads /proc/PID/maps, takes every mapped file whose name is libssl.so*, and
tells ours from others by the mark the library carries (shim/api/ident.c),
so a shimssl library anywhere (installed, a build tree, under a DESTDIR) is
recognised, and a stock libssl never is.  The file is read through
/proc/PID/root, so a process in another mount namespace (a container) is
judged by its own file.

usage: check_pid.py PID OUR_LIB
Exit status: 0 when shimssl's libssl is mapped, 1 when another libssl or no
libssl is, 2 when the process cannot be read.
"""
import os
import sys

MARK = b'shimssl-ident: '
TRACER = 'libshimssl-trace.so'


def mapped_files(pid):
    """The distinct files the process maps, in the order of first mapping."""
    files = []
    with open('/proc/%s/maps' % pid) as fh:
        for line in fh:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].startswith('/'):
                path = parts[5].rstrip('\n')
                if path not in files:
                    files.append(path)
    return files


def read_mapped(pid, path):
    """The bytes of a mapped file, or None when it cannot be read (deleted,
    replaced since it was mapped, no permission)."""
    if path.endswith(' (deleted)'):
        return None
    for candidate in ('/proc/%s/root%s' % (pid, path), path):
        try:
            with open(candidate, 'rb') as fh:
                return fh.read()
        except OSError:
            continue
    return None


def version_of(data):
    at = data.find(MARK)
    end = data.find(b'\0', at)
    return data[at + len(MARK):end].decode('ascii', 'replace')


def command_of(pid):
    try:
        with open('/proc/%s/cmdline' % pid, 'rb') as fh:
            argv = fh.read().split(b'\0')
        return ' '.join(a.decode('utf-8', 'replace') for a in argv if a)[:80]
    except OSError:
        return '?'


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit('usage: shimssl check --pid PID')
    pid, our_lib = sys.argv[1], sys.argv[2]
    try:
        files = mapped_files(pid)
    except OSError as e:
        print('shimssl check: process %s: %s' % (pid, e.strerror), file=sys.stderr)
        return 2
    who = 'process %s (%s)' % (pid, command_of(pid))
    libssl = [f for f in files if os.path.basename(f).startswith('libssl.so')]
    if any(os.path.basename(f) == TRACER for f in files):
        print('%s: traced (%s is loaded)' % (who, TRACER))
    ours, others = [], []
    for path in libssl:
        data = read_mapped(pid, path)
        if data is None:
            print('%s: %s is mapped but cannot be read to tell whose it is' % (who, path))
            others.append(path)
        elif MARK in data:
            ours.append((path, version_of(data)))
        else:
            others.append(path)
    for path, version in ours:
        same = os.path.exists(our_lib) and os.path.exists(path) and os.path.samefile(path, our_lib)
        print('%s uses shimssl %s: %s%s' % (who, version, path,
                                             '' if same else ' (not this shimssl: %s)' % our_lib))
    for path in others:
        print('%s %s libssl: %s' % (who, 'also maps another' if ours else 'uses another', path))
    if not libssl:
        print('%s has no libssl loaded (not a TLS program, or it has not loaded it yet)' % who)
    return 0 if ours else 1


if __name__ == '__main__':
    sys.exit(main())
