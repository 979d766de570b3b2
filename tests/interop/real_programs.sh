#!/bin/sh
# Real programs built against stock OpenSSL start and exit normally with our
# library preloaded, and the dynamic linker binds their libssl calls to our
# file, not the system's.
#
# usage: real_programs.sh PATH/TO/OUR/libssl.so.3
set -u
lib=$(readlink -f "$1")
unset LD_LIBRARY_PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# Sanitizer builds (SHIM_SANITIZER_PRELOAD set): the runtime goes first.
preload="${SHIM_SANITIZER_PRELOAD:+$SHIM_SANITIZER_PRELOAD:}$lib"

check() {
    name=$1; expect=$2; shift 2
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "FAIL $name: $1 is not installed"; fail=1; return
    fi
    LD_DEBUG=bindings LD_DEBUG_OUTPUT="$tmp/$name.ld" LD_PRELOAD="$preload" "$@" >"$tmp/$name.out" 2>&1
    rc=$?
    ours=$(cat "$tmp/$name.ld".* 2>/dev/null | grep -c "to $lib \[0\]: normal symbol")
    theirs=$(cat "$tmp/$name.ld".* 2>/dev/null | grep -v "to $lib" | grep -c "to [^ ]*/libssl\.so\.3 \[0\]")
    if grep -Eq '(Address|Leak|Thread|UndefinedBehavior)Sanitizer|: runtime error: ' "$tmp/$name.out"; then
        echo "FAIL $name: sanitizer report"; sed 's/^/  | /' "$tmp/$name.out" | head -20; fail=1
    elif [ "$rc" -ne 0 ]; then
        echo "FAIL $name: exit status $rc"; sed 's/^/  | /' "$tmp/$name.out" | head -5; fail=1
    elif ! grep -q "$expect" "$tmp/$name.out"; then
        echo "FAIL $name: output lacks '$expect'"; fail=1
    elif [ "$ours" -eq 0 ] || [ "$theirs" -ne 0 ]; then
        echo "FAIL $name: $ours bindings to our library, $theirs to another libssl"; fail=1
    else
        echo "ok   $name: exit 0, $ours libssl bindings, all to $lib"
    fi
}

check openssl 'OpenSSL 3' /usr/bin/openssl version
if [ -n "${SHIM_SANITIZER_PRELOAD:-}" ]; then
    # Debian 12's curl hangs at start-up with libasan preloaded, even
    # without our library.
    echo "--   curl: left out in a sanitizer build (curl hangs with libasan preloaded)"
    # Python does not free its objects at exit; LeakSanitizer would report them.
    saved_asan=${ASAN_OPTIONS:-}
    export ASAN_OPTIONS="${saved_asan:+$saved_asan:}detect_leaks=0"
    check python3 'OpenSSL 3' /usr/bin/python3 -c 'import ssl; print(ssl.OPENSSL_VERSION)'
    export ASAN_OPTIONS="$saved_asan"
else
    check curl 'OpenSSL/3' /usr/bin/curl --version
    check python3 'OpenSSL 3' /usr/bin/python3 -c 'import ssl; print(ssl.OPENSSL_VERSION)'
fi
check nginx 'nginx version' /usr/sbin/nginx -V
exit $fail
