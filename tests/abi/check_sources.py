#!/usr/bin/env python3
"""Source rules the build relies on (see shim/shim.h): every C file of the
library includes "shim.h" before anything else, and none includes
<openssl/ssl.h> (or the other libssl headers) directly, because the first
declaration decides which functions are exported.

usage: check_sources.py SOURCE_ROOT
"""
import os
import re
import sys

LIBSSL_HEADERS = re.compile(r'#\s*include\s*<openssl/(ssl|tls1|ssl3|dtls1|srtp|ssl2|sslerr|sslerr_legacy|prov_ssl)\.h>')


def main():
    root = os.path.join(sys.argv[1], 'shim')
    fails = []
    count = 0
    for dirpath, _, files in os.walk(root):
        for f in files:
            path = os.path.join(dirpath, f)
            if not f.endswith(('.c', '.h')):
                continue
            with open(path) as fh:
                text = fh.read()
            rel = os.path.relpath(path, sys.argv[1])
            if f != 'shim.h' and LIBSSL_HEADERS.search(text):
                fails.append('%s includes a libssl header directly' % rel)
            if f.endswith('.c'):
                count += 1
                first = re.search(r'^#\s*include\s*(\S+)', text, re.M)
                if not first or first.group(1) != '"shim.h"':
                    fails.append('%s: first include must be "shim.h"' % rel)
    print('%d library sources checked' % count)
    for x in fails:
        print('FAIL: ' + x)
    sys.exit(1 if fails else 0)


if __name__ == '__main__':
    main()
