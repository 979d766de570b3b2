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
int shim_verify_chain(SSL *s, STACK_OF(X509) * chain);

/* The X509_STORE_CTX ex_data index under which verify callbacks find their
 * SSL (SSL_get_ex_data_X509_STORE_CTX_idx), or -1. */
int shim_verify_ssl_idx(void);

/*
 * The chain to send for leaf, built from store as X509_verify_cert builds it
 * (whatever it could do: the root is usually missing and that is fine), as
 * new references; NULL (error raised) on failure.
 */
STACK_OF(X509) *
    shim_verify_build_chain(OSSL_LIB_CTX *libctx, const char *propq, X509_STORE *store, X509 *leaf);

/*
 * SSL_CTX_build_cert_chain's check (stock's ssl_build_cert_chain): leaf
 * verified against store, with untrusted (may be NULL) as untrusted
 * intermediates and verify_flags (X509_V_FLAG_*) set.  Returns 1 and the
 * chain built (leaf first, new references) in *chain when it verified; 0
 * with the X509_V_ERR_* code in *x509_err when it did not, and then
 * *chain is what was built (may be NULL); -1 (error raised) when it could
 * not run.  Leaves libcrypto's errors on the queue, as stock does.
 */
int shim_verify_build_checked(OSSL_LIB_CTX *libctx, const char *propq, X509_STORE *store,
                              X509 *leaf, STACK_OF(X509) * untrusted, unsigned long verify_flags,
                              STACK_OF(X509) * *chain, int *x509_err);

/* The alert stock sends for a verification error code. */
int shim_verify_error_alert(long x509_err);

#endif
