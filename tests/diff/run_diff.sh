#!/bin/sh
# Runs a differential program twice, on stock libssl and with our library
# preloaded, and compares standard output and exit status.
#
# usage: run_diff.sh OUR_LIB PROGRAM [ARGS...]
set -u
lib=$(readlink -f "$1"); shift
# meson points LD_LIBRARY_PATH at the build tree for tests that name a built
# library; the stock run must not pick ours up that way.
unset LD_LIBRARY_PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$@" >"$tmp/stock.out" 2>"$tmp/stock.err"; echo "exit status $?" >>"$tmp/stock.out"
LD_PRELOAD="$lib" "$@" >"$tmp/ours.out" 2>"$tmp/ours.err"; echo "exit status $?" >>"$tmp/ours.out"

if ! grep -q "^libssl: $lib\$" "$tmp/ours.err"; then
    echo "FAIL: the preloaded run did not use $lib:"; cat "$tmp/ours.err"; exit 1
fi
if grep -q "^libssl: $lib\$" "$tmp/stock.err" || ! grep -q '^libssl: ' "$tmp/stock.err"; then
    echo "FAIL: the stock run did not use the system libssl:"; cat "$tmp/stock.err"; exit 1
fi
if ! diff -u "$tmp/stock.out" "$tmp/ours.out" >"$tmp/diff"; then
    echo "FAIL: output differs (- stock, + ours):"; cat "$tmp/diff"; exit 1
fi
echo "ok: $(wc -l <"$tmp/stock.out") lines identical"
