#!/bin/sh
# Every C file of the project is laid out as .clang-format says (the public
# headers opt out in include/openssl/.clang-format).  Run clang-format -i on
# the files it names to fix them.
# Licensed under the Apache License, Version 2.0 (see COPYING).
set -u
root=$1
command -v clang-format >/dev/null || { echo "clang-format is not installed"; exit 1; }
cd "$root" || exit 1
files=$(find shim tests trace tools bench include -name '*.[ch]' -not -path '*/corpus/*' | sort)
[ -n "$files" ] || { echo "no C files found under $root"; exit 1; }
# One clang-format process for all of them; each misformatted place is
# reported as FILE:LINE:COL: error: code should be clang-formatted.
out=$(clang-format --dry-run -Werror $files 2>&1); rc=$?
bad=$(printf '%s\n' "$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error:.*/\1/p' | sort -u)
for f in $bad; do echo "not formatted: $f"; done
bad=$(echo "$bad" | grep -c .)
echo "$(echo "$files" | wc -l) files checked, $bad not formatted"
# clang-format failing for another reason (an unreadable .clang-format, a
# crash) names no file: that must fail too, not count as "0 not formatted".
if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
    echo "clang-format failed (status $rc):"; printf '%s\n' "$out" | tail -n 20
    exit 1
fi
[ "$bad" -eq 0 ]
