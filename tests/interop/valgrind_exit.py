#!/usr/bin/env python3
"""A real program leaves nothing of ours behind: curl fetches a page from
openssl s_server with our library preloaded, under valgrind's memcheck
(--leak-check=full --show-reachable=yes), and the test fails on any block
still allocated at exit, and on any memory error, whose stack passes through
our libssl.  Stock's own run is checked the same way for its expectations
(the page arrives), so a setup problem fails instead of proving nothing.

usage: valgrind_exit.py SCENARIO OUR_LIB PKI_DIR
       valgrind_exit.py --list
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
import runs  # noqa: E402

PAGE = 'hello from shimssl valgrind\n'

# scenario -> (s_server arguments, curl arguments before the URL, fetches)
SCENARIOS = {
    'curl-tls13': ([], ['--tlsv1.3'], 1),
    # Two fetches in one curl run: the second resumes the first's session.
    'curl-tls12-resume': (['-tls1_2'], ['--tlsv1.2', '--tls-max', '1.2'], 2),
}


def memcheck(cmd, env, xml_path):
    vg = ['valgrind', '--tool=memcheck', '--leak-check=full', '--show-reachable=yes',
          '--errors-for-leak-kinds=all', '--num-callers=40', '--xml=yes',
          '--xml-file=' + xml_path]
    return subprocess.run(vg + cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120)


def our_errors(xml_path, lib):
    """(kind, bytes, first frame) for every error or leak record with a
    frame in our library."""
    found, total = [], 0
    for err in ET.parse(xml_path).getroot().iter('error'):
        kind = err.findtext('kind')
        total += 1
        frames = err.findall('./stack/frame')
        if not any(os.path.realpath(f.findtext('obj') or '') == lib for f in frames):
            continue
        size = err.findtext('./xwhat/leakedbytes') or '?'
        where = next(('%s (%s:%s)' % (f.findtext('fn'), f.findtext('file'), f.findtext('line'))
                      for f in frames if os.path.realpath(f.findtext('obj') or '') == lib), '?')
        found.append((kind, size, where))
    return found, total


def main():
    if sys.argv[1] == '--list':
        print('\n'.join(sorted(SCENARIOS)))
        return 0
    name, lib, pki = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3]
    subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), 'make_certs.sh'), pki],
                   check=True)
    server_args, curl_args, fetches = SCENARIOS[name]
    www = tempfile.mkdtemp(prefix='shimssl-vg-')
    with open(os.path.join(www, 'page.txt'), 'w') as fh:
        fh.write(PAGE)
    try:
        return run(lib, pki, www, server_args, curl_args, fetches)
    finally:
        shutil.rmtree(www, ignore_errors=True)


def run(lib, pki, www, server_args, curl_args, fetches):
    failed = False
    with peers.SServer(['-cert', os.path.join(pki, 'server-ec.pem'),
                        '-key', os.path.join(pki, 'server-ec.key'), '-WWW'] + server_args,
                       cwd=www) as srv:
        url = 'https://localhost:%d/page.txt' % srv.port
        cmd = (['curl', '-sS', '--cacert', os.path.join(pki, 'ca.pem')] + curl_args
               + [url] * fetches)
        for label, env in (('stock', runs.stock_env()), ('ours', runs.ours_env(lib))):
            xml_path = os.path.join(www, label + '.xml')
            r = memcheck(cmd, env, xml_path)
            ours, total = our_errors(xml_path, lib)
            fetched = r.stdout.count(PAGE.strip())
            # A preload that did not happen would make "nothing of ours" hollow.
            unusable = runs.problems(r.returncode, r.stdout)
            ok = r.returncode == 0 and fetched == fetches and not ours and not unusable
            print('%s: exit %d, page fetched %d of %d times, %d valgrind records, %d of them ours -> %s'
                  % (label, r.returncode, fetched, fetches, total, len(ours), 'ok' if ok else 'FAIL'))
            for why in unusable:
                print('  unusable run: ' + why)
            for kind, size, where in ours:
                print('  %s, %s bytes, at %s' % (kind, size, where))
            if r.returncode != 0 or fetched != fetches:
                print('  ' + r.stdout[-2000:].replace('\n', '\n  '))
            failed |= not ok
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
