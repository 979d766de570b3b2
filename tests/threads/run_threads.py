#!/usr/bin/env python3
"""Runs thread_stress (tests/threads/thread_stress.c) against two openssl
s_server processes on loopback ports they pick, and stops them when it ends,
also on failure: one speaks TLS 1.3 and 1.2 and resumes by ticket, the other
TLS 1.2 only and resumes by session id.  Fails when the program fails, dies
by a signal, or writes a sanitizer report (ThreadSanitizer's above all).

usage: run_threads.py PROGRAM PKI_DIR THREADS CONNECTIONS
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'interop'))
import peers  # noqa: E402
import runs  # noqa: E402


def main():
    prog, pki, threads, conns = sys.argv[1:5]
    subprocess.run([os.path.join(HERE, '..', 'interop', 'make_certs.sh'), pki], check=True)
    cert = ['-cert', os.path.join(pki, 'server-ec.pem'), '-key', os.path.join(pki, 'server-ec.key'),
            '-rev']
    with peers.SServer(cert) as tickets, \
            peers.SServer(cert + ['-tls1_2', '-no_ticket']) as session_ids:
        # meson's LD_LIBRARY_PATH may name our build; the program links what
        # it was built against, so the environment is left as it is.
        r = subprocess.run([prog, str(tickets.port), str(session_ids.port),
                            os.path.join(pki, 'ca.pem'), threads, conns],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
    sys.stdout.write(r.stdout)
    bad = runs.problems(r.returncode, r.stderr)
    if r.returncode != 0 or bad:
        print('FAIL: exit status %d%s' % (r.returncode, ', ' + ', '.join(bad) if bad else ''))
        sys.stdout.write(r.stderr[-20000:])
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
