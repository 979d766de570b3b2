/*
 * shimssl - a mark in the library file that says it is shimssl's.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Our libssl.so.3 has the same soname, symbol version and exports as the
 * system's, so nothing in the dynamic symbol table tells the two apart.
 * `shimssl check --pid` (tools/check_pid.py) finds this string in the file a
 * process has mapped as libssl, wherever that file is installed.  It is
 * hidden (not part of the ABI) and kept by `used` although nothing reads it.
 */
#include "shim.h"

__attribute__((used)) static const char shim_ident[] = "shimssl-ident: " SHIMSSL_VERSION;
