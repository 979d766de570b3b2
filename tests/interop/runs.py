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


def ours_env(lib, leak_check=True):
    """Our library preloaded.  leak_check=False turns LeakSanitizer off, for
    programs that do not free their own objects at exit (the caller says
    why); our own leaks are checked by the instrumented differential
    programs and by valgrind."""
    preload = os.path.abspath(lib)
    env = dict(peers.CLEAN_ENV)
    if SANITIZER_PRELOAD:
        preload = SANITIZER_PRELOAD + ':' + preload
        if not leak_check:
            env['ASAN_OPTIONS'] = ':'.join(o for o in (env.get('ASAN_OPTIONS'), 'detect_leaks=0') if o)
    env['LD_PRELOAD'] = preload
    return env


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
