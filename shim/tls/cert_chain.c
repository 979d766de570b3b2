/*
 * shimssl - the certificate chain we send (see cert_chain.h).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "crypto/verify.h"
#include "tls/cert_chain.h"

STACK_OF(X509) *tls_chain_to_send(SSL *s, const struct shim_cert_pkey *key)
{
    STACK_OF(X509) *extra = key->chain != NULL ? key->chain : s->ctx->extra_certs;
    STACK_OF(X509) *out;
    X509_STORE *store = s->cfg.cert->chain_store != NULL ? s->cfg.cert->chain_store
                                                         : s->ctx->cert_store;

    if (extra == NULL && !(s->cfg.mode & SSL_MODE_NO_AUTO_CHAIN) && store != NULL)
        return shim_verify_build_chain(s->ctx->libctx, s->ctx->propq, store, key->x509);
    if ((out = sk_X509_new_null()) == NULL || !sk_X509_push(out, key->x509)) {
        sk_X509_free(out);
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    X509_up_ref(key->x509);
    for (int i = 0; i < sk_X509_num(extra); i++) {
        X509 *x = sk_X509_value(extra, i);
        if (!sk_X509_push(out, x)) {
            sk_X509_pop_free(out, X509_free);
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            return NULL;
        }
        X509_up_ref(x);
    }
    return out;
}
