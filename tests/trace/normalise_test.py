#!/usr/bin/env python3
"""What `shimssl diff` normalises away (trace/normalise.py), and what it
must keep: each case is two traces of one program that differ only in
timing (must compare equal) or in behaviour (must not).

usage: normalise_test.py TRACE_DIR
Licensed under the Apache License, Version 2.0 (see COPYING).
"""
import sys

sys.path.insert(0, sys.argv[1])
import normalise  # noqa: E402

# A server handshake that took one call ...
ONE_ROUND = '''t1 1 SSL_new(#ctx1) = #ssl7
t1 2 > SSL_do_handshake(#ssl7)
t1 3   cb:info(#ssl7, SSL_CB_LOOP|SSL_ST_ACCEPT, 1)
t1 4   cb:info(#ssl7, SSL_CB_EXIT|SSL_ST_ACCEPT, 1)
t1 2 < SSL_do_handshake(#ssl7) = 1 | SSL_ERROR_NONE
t1 5 SSL_write(#ssl7, data[235:93c3f7c4], 235) = 235 | SSL_ERROR_NONE
'''
# ... and two, the first ended by WANT_READ (its EXIT -1 event with it).
TWO_ROUNDS = '''t1 1 SSL_new(#ctx1) = #ssl3
t1 2 > SSL_do_handshake(#ssl3)
t1 3   cb:info(#ssl3, SSL_CB_LOOP|SSL_ST_ACCEPT, 1)
t1 4   cb:info(#ssl3, SSL_CB_EXIT|SSL_ST_ACCEPT, -1)
t1 2 < SSL_do_handshake(#ssl3) = -1 | SSL_ERROR_WANT_READ
t1 5 SSL_get_error(#ssl3, -1) = SSL_ERROR_WANT_READ
t1 6 > SSL_do_handshake(#ssl3)
t1 7   cb:info(#ssl3, SSL_CB_EXIT|SSL_ST_ACCEPT, 1)
t1 6 < SSL_do_handshake(#ssl3) = 1 | SSL_ERROR_NONE
t1 8 SSL_write(#ssl3, data[235:7246d9bb], 235) = 235 | SSL_ERROR_NONE
'''
# A handshake that failed: its EXIT -1 is behaviour, not timing.
FAILED = '''t1 1 SSL_new(#ctx1) = #ssl1
t1 2 > SSL_do_handshake(#ssl1)
t1 3   cb:info(#ssl1, SSL_CB_LOOP|SSL_ST_ACCEPT, 1)
t1 4   cb:info(#ssl1, SSL_CB_EXIT|SSL_ST_ACCEPT, -1)
t1 2 < SSL_do_handshake(#ssl1) = -1 | SSL_ERROR_SSL
'''


def texts(trace, **kw):
    return [e.text for e in normalise.normalise(trace.splitlines(True), **kw)]


fails = []


def expect(what, ok):
    print('%s: %s' % ('ok' if ok else 'FAIL', what))
    if not ok:
        fails.append(what)


one, two = texts(ONE_ROUND, data_lengths=True), texts(TWO_ROUNDS, data_lengths=True)
expect('one round and two rounds compare equal (ids, retries, EXIT -1, data by length)',
       one == two)
expect('the retried call\'s EXIT -1 is gone', not any(', -1)' in t for t in two))
expect('the data is kept by length', 'SSL_write(#ssl1, data[235], 235) = 235 | SSL_ERROR_NONE'
       in two)
expect('without --data-lengths, different bytes differ',
       texts(ONE_ROUND)[-1] != texts(TWO_ROUNDS)[-1])
expect('a failed call keeps its EXIT -1',
       '  cb:info(#ssl1, SSL_CB_EXIT|SSL_ST_ACCEPT, -1)' in texts(FAILED))
sys.exit(1 if fails else 0)
