/*
 * shimssl - certificate chain verification through X509_STORE_CTX.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_CRYPTO_VERIFY_H
#define SHIM_CRYPTO_VERIFY_H

#include "objects.h"

/*
 * Verifies the peer's chain (leaf first) as stock does: the connection's
 * verify store (or the context's), "ssl_server"/"ssl_client" defaults
 * overridden by the SSL's X509_VERIFY_PARAM, the application's verify
 * callback, or the context's app_verify_callback instead of
 * X509_verify_cert.  Sets s->verify_result and s->verified_chain.  Returns
 * 1 if the chain verified, 0 if not (also on internal errors).
 */
int shim_verify_chain(SSL *s, STACK_OF(X509) *chain);

/* The alert stock sends for a verification error code. */
int shim_verify_error_alert(long x509_err);

#endif
