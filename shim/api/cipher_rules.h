/*
 * shimssl - the cipher-string language (SSL_CTX_set_cipher_list and friends).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_CIPHER_RULES_H
#define SHIM_API_CIPHER_RULES_H

#include "objects.h"

/*
 * Finds which cipher-suite algorithms ctx's providers lack (SHIM_K_/A_/E_/M_
 * masks in ctx->disabled_*), as stock's SSL_CTX_new does once: suites using
 * them are never selected.
 */
void shim_cipher_find_disabled(SSL_CTX *ctx);

/* Whether a TLS 1.3 suite can be used with ctx's providers. */
int shim_cipher_tls13_available(const SSL_CTX *ctx, const SSL_CIPHER *c);

/*
 * Builds the list a rule string selects, preceded by the usable suites of
 * tls13, and replaces *list and *by_id with it.  cert receives what the
 * string sets (@SECLEVEL, Suite B flags).  Returns the new list, or NULL
 * (lists unchanged, error raised where stock raises one) when the string is
 * invalid.
 */
STACK_OF(SSL_CIPHER) * shim_cipher_list_build(SSL_CTX *ctx, struct shim_cert *cert,
                                              STACK_OF(SSL_CIPHER) * tls13, const char *rules,
                                              STACK_OF(SSL_CIPHER) * *list,
                                              STACK_OF(SSL_CIPHER) * *by_id);

/* Replaces *by_id with a copy of list sorted by id. */
int shim_cipher_list_sort_by_id(STACK_OF(SSL_CIPHER) * *by_id, STACK_OF(SSL_CIPHER) * list);

#endif
