/*
 * shimssl - cipher suites as the rest of the library sees them.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_CIPHER_H
#define SHIM_API_CIPHER_H

#include "objects.h"

/* Gives a new context stock's default cipher lists (TLS 1.2 and TLS 1.3). */
int shim_cipher_ctx_init(SSL_CTX *ctx);

#endif
