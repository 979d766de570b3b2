"""Comparing two normalised traces (see normalise.py) and reporting.

Processes are paired in the order they started; within a pair the calls are
aligned with difflib, and every stretch that is not equal counts as one
divergence.  The report shows the first divergence with a few calls of
context, as the trace files have them (sequence numbers included, so the
place is easy to find), then a summary.
"""
import difflib

CONTEXT = 3
SHOWN = 8


class Result:
    def __init__(self):
        self.calls = [0, 0]
        self.functions = set()
        self.divergences = 0
        self.first = None  # lines of the report for the first divergence


def _show(lines, prefix, entries, lo, hi):
    for e in entries[lo:min(hi, lo + SHOWN)]:
        lines.append('%s %s' % (prefix, e.original))
    if hi - lo > SHOWN:
        lines.append('%s ... %d more' % (prefix, hi - lo - SHOWN))


def _first_report(label, a, b, op):
    _, i1, i2, j1, j2 = op
    lines = ['first divergence, %s (- stock, + shimssl):' % label]
    for e in a[max(0, i1 - CONTEXT):i1]:
        lines.append('  %s' % e.original)
    _show(lines, '-', a, i1, i2)
    _show(lines, '+', b, j1, j2)
    for e in a[i2:i2 + CONTEXT]:
        lines.append('  %s' % e.original)
    return lines


def compare_process(result, label, a, b):
    """Adds the comparison of one process (entries over stock, over ours)."""
    result.calls[0] += len(a)
    result.calls[1] += len(b)
    result.functions.update(e.name for e in a)
    result.functions.update(e.name for e in b)
    sm = difflib.SequenceMatcher(None, [e.key() for e in a], [e.key() for e in b],
                                 autojunk=False)
    for op in sm.get_opcodes():
        if op[0] == 'equal':
            continue
        result.divergences += 1
        if result.first is None:
            result.first = _first_report(label, a, b, op)


def summary(result):
    return ('calls compared: %d over stock, %d over shimssl; functions seen: %d; '
            'divergences: %d' % (result.calls[0], result.calls[1], len(result.functions),
                                 result.divergences))
