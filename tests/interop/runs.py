"""How the interop runners start a client on stock libssl or on ours, and
what makes a run unusable as evidence whatever it printed: death by a
signal, a sanitizer report, or a preload that did not happen.
"""
import os
import re

import peers

# Sanitizer builds set this (tests/meson.build): the sanitizer runtime must
# come first in LD_PRELOAD when an instrumented libssl goes into a program
# that is not instrumented itself.
SANITIZER_PRELOAD = os.environ.get('SHIM_SANITIZER_PRELOAD', '')

SANITIZER_REPORT = re.compile(r'(Address|Leak|Thread|Memory|UndefinedBehavior)Sanitizer'
                              r'|: runtime error: ')
PRELOAD_FAILED = re.compile(r'ld\.so: object .* cannot be preloaded')


def stock_env():
    return dict(peers.CLEAN_ENV)


def ours_env(lib):
    preload = os.path.abspath(lib)
    if SANITIZER_PRELOAD:
        preload = SANITIZER_PRELOAD + ':' + preload
    return dict(peers.CLEAN_ENV, LD_PRELOAD=preload)


def problems(status, output):
    """Why a finished run proves nothing: [] when it is usable.  status is
    the exit status as subprocess gives it (negative: killed by a signal)."""
    found = []
    if isinstance(status, int) and status < 0:
        found.append('killed by signal %d' % -status)
    if isinstance(status, int) and status > 128:
        found.append('exit status %d: a signal in a child shell' % status)
    if SANITIZER_REPORT.search(output or ''):
        found.append('sanitizer report')
    if PRELOAD_FAILED.search(output or ''):
        found.append('the preload failed')
    return found
