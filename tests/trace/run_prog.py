#!/usr/bin/env python3
"""The tracer changes nothing, and traces what it must: trace_prog runs
on stock libssl without the tracer and with it, its output must be the same,
and the trace must show what the mode exercises.

usage: run_prog.py TRACER_SO TRACE_PROG PKI_DIR MODE [ARGS...]
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'interop'))
import peers  # noqa: E402

LINE = re.compile(r'^t(\d+) (\d+) ( *)(> |< )?(cb:)?\w+\(.*\)( = .*| \{.*\}| \| .*)?$')
SECRET = re.compile(r'[0-9a-fA-F]{64}')


def run(argv, env):
    r = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=120)
    return r.returncode, r.stdout, r.stderr


def well_formed(files, fails):
    """Every line is a header, a note or a complete call line; within a
    thread, sequence numbers of new calls increase."""
    for f in files:
        last = {}
        for n, line in enumerate(open(f, errors='replace'), 1):
            line = line.rstrip('\n')
            if line.startswith('#'):
                continue
            m = LINE.match(line)
            if not m:
                fails.append('%s:%d: malformed line %r' % (f, n, line[:120]))
                continue
            t, seq, marker = m.group(1), int(m.group(2)), m.group(4)
            if marker != '< ' and seq <= last.get(t, 0):
                fails.append('%s:%d: sequence %d after %d on t%s' % (f, n, seq, last[t], t))
            last[t] = max(last.get(t, 0), seq)


def main():
    tracer, prog, pki, mode = sys.argv[1:5]
    peers.fresh_pki(pki)
    extra = sys.argv[5:]
    env = {k: v for k, v in os.environ.items() if k not in ('LD_PRELOAD', 'LD_LIBRARY_PATH')}
    argv = [prog, pki, mode] + extra
    tmp = tempfile.mkdtemp(prefix='shimssl-trace-prog-')
    out_file = os.path.join(tmp, 'prog.trace')
    plain = run(argv, env)
    # A sanitizer build's tracer needs the sanitizer runtime ahead of it.
    preload = ':'.join(p for p in (os.environ.get('SHIM_SANITIZER_PRELOAD'), tracer) if p)
    traced = run(argv, dict(env, LD_PRELOAD=preload, SHIMSSL_TRACE_FILE=out_file))
    files = sorted(glob.glob(out_file + '*'), key=len)
    text = ''.join(open(f, errors='replace').read() for f in files)
    fails = []
    print(plain[1])
    if plain[0] != 0:
        fails.append('the program failed without the tracer (exit %d): %s' % (plain[0], plain[2]))
    if traced[:2] != plain[:2]:
        fails.append('with the tracer: exit %d, output:\n%s' % (traced[0], traced[1]))
    well_formed(files, fails)
    want = {
        'callbacks': [r'cb:verify\(1, X509_STORE_CTX\{depth=0 error=X509_V_OK\}\) = 1',
                      r'cb:info\(#ssl\d+, SSL_CB_HANDSHAKE_START, 1\)',
                      r'cb:msg\(1, TLS1_3_VERSION, SSL3_RT_HANDSHAKE, handshake\[\d+\] '
                      r'SSL3_MT_CLIENT_HELLO, \d+, #ssl\d+, ptr\)',
                      r'cb:keylog\(#ssl\d+, "CLIENT_HANDSHAKE_TRAFFIC_SECRET"\)',
                      r'cb:sess_new\(#ssl\d+, #sess\d+\) = 0',
                      r'cb:servername\(#ssl\d+, out, ptr\) = SSL_TLSEXT_ERR_OK',
                      r'cb:alpn_select\(#ssl\d+, out, out, data\[12:[0-9a-f]+\], 12, ptr\) = '
                      r'SSL_TLSEXT_ERR_OK \{arg2=data\[2:[0-9a-f]+\]\}',
                      r'cb:client_hello\(#ssl\d+, out, ptr\) = 1',
                      r'cb:cert\(#ssl\d+, ptr\) = 1',
                      r'cb:status\(#ssl\d+, ptr\) = 3',
                      r'SSL_CTX_callback_ctrl\(#ctx2, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, fn\) = 1',
                      r'SSL_CTX_ctrl\(#ctx2, SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB, 0, out\) = 1 '
                      r'\{arg4=fn\}',
                      r'^t1 \d+ > SSL_do_handshake\(#ssl1\)$',
                      r'SSL_write\(#ssl1, data\[4:[0-9a-f]+\], 4\) = 4 \| SSL_ERROR_NONE'],
        'errors': [r'SSL_CTX_set_cipher_list\(#ctx1, "NONSENSE"\) = 0 \| err=\[SSL:\d+ '
                   r'"no cipher match"\]',
                   r'SSL_read\(#ssl1, out, 8\) = -1 \| SSL_ERROR_SSL err=\[.*\]',
                   r'^t1 \d+ SSL_CTX_free\(#ctx1\)$'],
        'threads': [r'^t%s \d+ ' % (int(extra[0]) + 1) if extra else r'^t2 '],
        'fork': [r'child handshake' and r'SSL_do_handshake'],
    }[mode]
    for rx in want:
        if not re.search(rx, text, re.M):
            fails.append('the trace lacks /%s/' % rx)
    if SECRET.search(text):
        fails.append('the trace shows a secret-sized hex string')
    if mode == 'fork':
        heads = [open(f).readline() for f in files]
        pids = [re.search(r'pid=(\d+) ppid=(\d+)', h).groups() for h in heads]
        if len(files) != 2 or pids[1][1] != pids[0][0]:
            fails.append('fork: files %s, pids %s' % (files, pids))
        elif not re.search(r'^t1 1 SSL_new\(#ctx1\)', open(files[1]).read(), re.M):
            fails.append('fork: the child file does not start its own numbering')
    print('%d trace file(s), %d lines' % (len(files), text.count('\n')))
    if fails:
        print(text[-3000:])
    for f in fails:
        print('FAIL: ' + f)
    subprocess.run(['rm', '-rf', tmp])
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
