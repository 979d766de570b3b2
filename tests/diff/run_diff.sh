#!/bin/sh
# Runs a differential program twice, on stock libssl and with our library
# preloaded, and compares standard output and exit status.
#
# usage: run_diff.sh [--expect TEXT]... [--min-lines N] [--status N] [--stock-only]
#                    OUR_LIB PROGRAM [ARGS...]
#
# --stock-only validates a scenario on stock alone, for a comparison that
# waits for our library to grow the code it exercises (the server's parser
# tests, tests/diff/meson.build): the second run is stock again instead of
# ours, so everything below is checked on stock, and the two stock runs
# must still print the same (the program's output is deterministic, as the
# comparison will need).
#
# Two equal outputs are not enough: two identical failures, two identical
# crashes or two empty outputs would be "equal".  So the test also fails when
#   - stock's output does not contain each --expect TEXT, in the order given
#     (a line containing TEXT; several may be met by one line): the scenario
#     says what stock must do, and a broken setup (wrong CA, expired PKI, a
#     peer that did not start) shows up here as stock missing its mark;
#   - either run ended by a signal, or with a status other than --status
#     (default 0);
#   - either run's stderr holds a sanitizer report;
#   - stock's output lacks the end-of-run line that diff_common.h prints at
#     exit (a run cut short), or has fewer than --min-lines lines before it
#     (default 3).
#
# SHIM_SANITIZER_PRELOAD, when set (by sanitizer builds), names the sanitizer
# runtime to preload ahead of our library: a sanitized library loaded into an
# uninstrumented program needs its runtime first in the library list.
set -u
expect_file=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$expect_file"' EXIT INT TERM
min_lines=3
want_status=0
stock_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --expect) printf '%s\n' "$2" >>"$expect_file"; shift 2 ;;
        --min-lines) min_lines=$2; shift 2 ;;
        --status) want_status=$2; shift 2 ;;
        --stock-only) stock_only=1; shift ;;
        *) break ;;
    esac
done
[ $# -ge 2 ] || { echo "usage: run_diff.sh [--expect TEXT]... OUR_LIB PROGRAM [ARGS...]"; exit 2; }
if [ ! -s "$expect_file" ]; then
    echo "FAIL: the scenario states no --expect: what must stock do?"; exit 1
fi
lib=$(readlink -f "$1"); shift
# meson points LD_LIBRARY_PATH at the build tree for tests that name a built
# library; the stock run must not pick ours up that way.
unset LD_LIBRARY_PATH
END_LINE='-- end of run'

"$@" >"$tmp/stock.out" 2>"$tmp/stock.err"; stock_rc=$?
if [ "$stock_only" -eq 1 ]; then
    # "ours" is stock's second run.
    "$@" >"$tmp/ours.out" 2>"$tmp/ours.err"; ours_rc=$?
else
    LD_PRELOAD="${SHIM_SANITIZER_PRELOAD:+$SHIM_SANITIZER_PRELOAD:}$lib" "$@" \
        >"$tmp/ours.out" 2>"$tmp/ours.err"; ours_rc=$?
fi
echo "exit status $stock_rc" >>"$tmp/stock.out"
echo "exit status $ours_rc" >>"$tmp/ours.out"

fail() {
    echo "FAIL: $*"
    for run in stock ours; do
        echo "--- $run stdout (last 20 lines):"; tail -n 20 "$tmp/$run.out"
        echo "--- $run stderr (last 40 lines):"; tail -n 40 "$tmp/$run.err"
    done
    exit 1
}

# A run that died: a signal (the shell reports 128+N), an abort from a
# sanitizer, or a status the scenario did not ask for.
for run in stock ours; do
    eval rc=\$${run}_rc
    if [ "$rc" -gt 128 ]; then
        fail "the $run run was killed by signal $((rc - 128))"
    fi
    if grep -Eq '(Address|Leak|Thread|Memory|UndefinedBehavior)Sanitizer|: runtime error: ' \
            "$tmp/$run.err"; then
        fail "the $run run has a sanitizer report"
    fi
    if [ "$rc" -ne "$want_status" ]; then
        fail "the $run run exited with status $rc, not $want_status"
    fi
done

if [ "$stock_only" -eq 0 ] && ! grep -q "^libssl: $lib\$" "$tmp/ours.err"; then
    fail "the preloaded run did not use $lib"
fi
for run in stock $([ "$stock_only" -eq 1 ] && echo ours); do
    if grep -q "^libssl: $lib\$" "$tmp/$run.err" || ! grep -q '^libssl: ' "$tmp/$run.err"; then
        fail "the stock run did not use the system libssl"
    fi
done

# Stock must have run to its end and said enough.
end_at=$(grep -n -x -- "$END_LINE" "$tmp/stock.out" | head -n 1 | cut -d: -f1)
if [ -z "$end_at" ]; then
    fail "stock's output lacks '$END_LINE': the run was cut short"
fi
if [ $((end_at - 1)) -lt "$min_lines" ]; then
    fail "stock's output has $((end_at - 1)) lines, fewer than $min_lines: too short to mean anything"
fi

# Stock must meet the scenario's expectations, in order.
missing=$(awk 'BEGIN { n = 0; i = 0 }
               NR == FNR { want[n++] = $0; next }
               { while (i < n && index($0, want[i]) > 0) i++ }
               END { if (i < n) print want[i] }' "$expect_file" "$tmp/stock.out")
if [ -n "$missing" ]; then
    fail "stock did not do what the scenario expects: no line with '$missing' (after the earlier expectations)"
fi

if ! diff -u "$tmp/stock.out" "$tmp/ours.out" >"$tmp/diff"; then
    if [ "$stock_only" -eq 1 ]; then
        echo "FAIL: two stock runs differ (not deterministic):"; cat "$tmp/diff"; exit 1
    fi
    echo "FAIL: output differs (- stock, + ours):"; cat "$tmp/diff"; exit 1
fi
if [ "$stock_only" -eq 1 ]; then
    echo "ok (stock only): $(wc -l <"$tmp/stock.out") lines, the same in two runs," \
         "$(wc -l <"$expect_file") expectations met"
else
    echo "ok: $(wc -l <"$tmp/stock.out") lines identical, $(wc -l <"$expect_file") expectations met by stock"
fi
