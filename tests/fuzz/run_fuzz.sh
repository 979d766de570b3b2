#!/bin/sh
# Runs one libFuzzer target for a bounded time, starting from its seed corpus
# (which it never writes to: new inputs go to a working copy in the build
# tree).  A crash, a leak, a sanitizer report, an input running over 10
# seconds or over 2.5 GB makes libFuzzer exit non-zero and leave the input in
# WORK/crash-* (or leak-*, timeout-*, oom-*); the test fails then.
#
# usage: run_fuzz.sh FUZZER SEED_DIR WORK_DIR SECONDS
#
# SHIM_SANITIZER_PRELOAD (set by meson) names the shared sanitizer runtime
# the fuzz build links (clang -shared-libasan): libFuzzer's C++ runtime comes
# before it in the library list, so it is preloaded to come first.
set -u
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus"
LD_PRELOAD="${SHIM_SANITIZER_PRELOAD:-}" "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" "$seeds" 2>"$work/log"
status=$?
grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb|INFO: seed corpus)' "$work/log"
if [ "$status" -ne 0 ]; then
    echo "FAIL: $fuzzer exited with status $status; the end of its log:"
    tail -n 60 "$work/log"
    ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null
    exit 1
fi
echo "ok: $(grep -c '' "$work/log") log lines, no finding in $seconds s"
