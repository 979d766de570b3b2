/*
 * shimssl - the default security callback.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_SECURITY_H
#define SHIM_API_SECURITY_H

#include "objects.h"

/*
 * The level a new context starts at: Debian builds its libssl with security
 * level 2, though the public header still says 1 (OPENSSL_TLS_SECURITY_LEVEL);
 * SSL_CTX_get_security_level() of a fresh context says 2.
 */
#define SHIM_DEFAULT_SECURITY_LEVEL 2

typedef int (*shim_security_cb)(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid,
                                void *other, void *ex);

/* What a new context's security callback is (stock's default rules). */
int shim_security_default_callback(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid,
                                   void *other, void *ex);

#endif
