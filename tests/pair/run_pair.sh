#!/bin/sh
# Runs one pair suite program (tests/pair) with the test PKI made fresh
# first (make_certs.sh remakes it when it is old), its directory in SHIM_PKI.
#
# usage: run_pair.sh MAKE_CERTS PKI_DIR PROGRAM
# Licensed under the Apache License, Version 2.0 (see COPYING).
set -u
make_certs=$1 pki=$2
shift 2
"$make_certs" "$pki" || { echo "FAIL: the test PKI could not be made"; exit 1; }
unset LD_PRELOAD
SHIM_PKI=$pki
export SHIM_PKI
exec "$@"
