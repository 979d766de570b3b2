#!/bin/sh
# The tracer changes nothing a program can see: a differential program (see
# tests/diff) prints the same and exits the same on stock libssl with and
# without libshimssl-trace.so preloaded, and the traced run did write a
# trace.  These programs print return values, SSL_get_error codes and the
# whole error queue after each call, so an error the tracer left behind, a
# changed errno or a lost mark would show.
#
# usage: transparent.sh TRACER_SO PROGRAM [ARGS...]
set -u
tracer=$(readlink -f "$1"); shift
unset LD_LIBRARY_PATH LD_PRELOAD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$@" >"$tmp/plain.out" 2>/dev/null; echo "exit status $?" >>"$tmp/plain.out"
# A sanitizer build's tracer needs the sanitizer runtime ahead of it.
preload="${SHIM_SANITIZER_PRELOAD:+$SHIM_SANITIZER_PRELOAD:}$tracer"
SHIMSSL_TRACE_FILE="$tmp/t.trace" LD_PRELOAD="$preload" "$@" >"$tmp/traced.out" 2>/dev/null
echo "exit status $?" >>"$tmp/traced.out"

calls=$(cat "$tmp"/t.trace* 2>/dev/null | grep -c '^t[0-9]')
if [ "$calls" -lt 10 ]; then
    echo "FAIL: the traced run wrote $calls call lines"; exit 1
fi
if ! diff -u "$tmp/plain.out" "$tmp/traced.out" >"$tmp/diff"; then
    echo "FAIL: output differs under the tracer (- plain, + traced):"; cat "$tmp/diff"; exit 1
fi
echo "ok: $(wc -l <"$tmp/plain.out") lines identical, $calls calls traced"
