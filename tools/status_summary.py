#!/usr/bin/env python3
"""Prints the export status summary, or with --update rewrites the summary
line in README.md (tests/abi/check_exports.py requires it to be current).

usage: status_summary.py [--update]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abi_protos import read_status  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def summary():
    status = read_status(os.path.join(ROOT, 'shim', 'abi', 'status.tsv'))
    counts = {'implemented': 0, 'partial': 0, 'unsupported': 0}
    for st, _, _ in status.values():
        counts[st] += 1
    return 'Exports: %d implemented, %d partial, %d unsupported (of %d).' % (
        counts['implemented'], counts['partial'], counts['unsupported'], len(status))


def main():
    line = summary()
    if '--update' in sys.argv[1:]:
        path = os.path.join(ROOT, 'README.md')
        with open(path) as fh:
            text = fh.read()
        text = re.sub(r'^Exports: \d+ implemented, \d+ partial, \d+ unsupported \(of \d+\)\.$',
                      line, text, flags=re.M)
        with open(path, 'w') as fh:
            fh.write(text)
    print(line)


if __name__ == '__main__':
    main()
