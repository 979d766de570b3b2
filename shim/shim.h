/*
 * shimssl - the header every shimssl source file includes first.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The library is compiled with -fvisibility=hidden, and a function's
 * visibility comes from its first declaration.  Including the public header
 * with default visibility here is what makes exactly the ABI functions
 * exported (the version script then gives them OPENSSL_3.0.0); everything
 * else stays internal.  So no shimssl source may include <openssl/ssl.h>
 * before this file (tests/abi/check_sources.py enforces it).
 */
#ifndef SHIM_SHIM_H
#define SHIM_SHIM_H

#pragma GCC visibility push(default)
#include <openssl/ssl.h>
#pragma GCC visibility pop

#include <openssl/err.h>
#include <stddef.h>
#include <stdint.h>

#endif /* SHIM_SHIM_H */
