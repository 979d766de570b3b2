/*
 * shimssl - certificate chain verification through X509_STORE_CTX.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "crypto/verify.h"

/* The X509_STORE_CTX ex_data slot through which verify callbacks find their
 * SSL, made once per process. */
static CRYPTO_ONCE store_ctx_once = CRYPTO_ONCE_STATIC_INIT;
static int store_ctx_idx = -1;

static void make_store_ctx_idx(void)
{
    store_ctx_idx = X509_STORE_CTX_get_ex_new_index(0, "SSL for verify callback", NULL, NULL, NULL);
}

int shim_verify_ssl_idx(void)
{
    if (!CRYPTO_THREAD_run_once(&store_ctx_once, make_store_ctx_idx))
        return -1;
    return store_ctx_idx;
}

STACK_OF(X509) *
    shim_verify_build_chain(OSSL_LIB_CTX *libctx, const char *propq, X509_STORE *store, X509 *leaf)
{
    X509_STORE_CTX *xs = X509_STORE_CTX_new_ex(libctx, propq);
    STACK_OF(X509) *chain = NULL;

    if (xs == NULL || !X509_STORE_CTX_init(xs, store, leaf, NULL)) {
        X509_STORE_CTX_free(xs);
        ERR_raise(ERR_LIB_SSL, ERR_R_X509_LIB);
        return NULL;
    }
    /* Its verdict and errors are not ours to keep: only the chain is. */
    (void)X509_verify_cert(xs);
    ERR_clear_error();
    chain = X509_chain_up_ref(X509_STORE_CTX_get0_chain(xs));
    X509_STORE_CTX_free(xs);
    if (chain == NULL)
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    return chain;
}

int shim_verify_build_checked(OSSL_LIB_CTX *libctx, const char *propq, X509_STORE *store,
                              X509 *leaf, STACK_OF(X509) * untrusted, unsigned long verify_flags,
                              STACK_OF(X509) * *chain, int *x509_err)
{
    X509_STORE_CTX *xs = X509_STORE_CTX_new_ex(libctx, propq);
    int ok;

    *chain = NULL;
    if (xs == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return -1;
    }
    if (!X509_STORE_CTX_init(xs, store, leaf, untrusted)) {
        X509_STORE_CTX_free(xs);
        ERR_raise(ERR_LIB_SSL, ERR_R_X509_LIB);
        return -1;
    }
    X509_STORE_CTX_set_flags(xs, verify_flags);
    ok = X509_verify_cert(xs) > 0;
    *x509_err = X509_STORE_CTX_get_error(xs);
    *chain = X509_STORE_CTX_get1_chain(xs);
    X509_STORE_CTX_free(xs);
    return ok;
}

int shim_verify_chain(SSL *s, STACK_OF(X509) * chain)
{
    X509_STORE *store =
        s->cfg.cert->verify_store != NULL ? s->cfg.cert->verify_store : s->ctx->cert_store;
    X509_STORE_CTX *vctx;
    X509_VERIFY_PARAM *param;
    int ok = 0;

    if (chain == NULL || sk_X509_num(chain) == 0)
        return 0;
    if ((vctx = X509_STORE_CTX_new_ex(s->ctx->libctx, s->ctx->propq)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    if (!X509_STORE_CTX_init(vctx, store, sk_X509_value(chain, 0), chain)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_X509_LIB);
        goto end;
    }
    if (!X509_STORE_CTX_set_ex_data(vctx, shim_verify_ssl_idx(), s))
        goto end;
    /* The purpose defaults follow our role; the SSL's own parameters (host
     * names, depth, flags) then override them. */
    X509_STORE_CTX_set_default(vctx, s->server ? "ssl_client" : "ssl_server");
    param = X509_STORE_CTX_get0_param(vctx);
    X509_VERIFY_PARAM_set1(param, s->cfg.param);
    if (s->cfg.verify_callback != NULL)
        X509_STORE_CTX_set_verify_cb(vctx, s->cfg.verify_callback);
    if (s->ctx->app_verify_callback != NULL)
        ok = s->ctx->app_verify_callback(vctx, s->ctx->app_verify_arg);
    else
        ok = X509_verify_cert(vctx);
    if (ok < 0)
        ok = 0; /* an error counts as a failure to verify */
    s->verify_result = X509_STORE_CTX_get_error(vctx);
    sk_X509_pop_free(s->verified_chain, X509_free);
    s->verified_chain = NULL;
    if (X509_STORE_CTX_get0_chain(vctx) != NULL &&
        (s->verified_chain = X509_STORE_CTX_get1_chain(vctx)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        ok = 0;
    }
    /* SSL_get0_peername() reports the name that matched. */
    X509_VERIFY_PARAM_move_peername(s->cfg.param, param);
end:
    X509_STORE_CTX_free(vctx);
    return ok;
}

/* Which alert tells the peer why its certificate was refused (the same
 * mapping as stock's). */
static const struct {
    long err;
    int alert;
} alert_for[] = {
    {X509_V_ERR_APPLICATION_VERIFICATION, SSL_AD_HANDSHAKE_FAILURE},
    {X509_V_ERR_CA_KEY_TOO_SMALL, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_EC_KEY_EXPLICIT_PARAMS, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_CA_MD_TOO_WEAK, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_CERT_CHAIN_TOO_LONG, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_CERT_HAS_EXPIRED, SSL_AD_CERTIFICATE_EXPIRED},
    {X509_V_ERR_CERT_NOT_YET_VALID, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_CERT_REJECTED, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_CERT_REVOKED, SSL_AD_CERTIFICATE_REVOKED},
    {X509_V_ERR_CERT_SIGNATURE_FAILURE, SSL_AD_DECRYPT_ERROR},
    {X509_V_ERR_CERT_UNTRUSTED, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_CRL_HAS_EXPIRED, SSL_AD_CERTIFICATE_EXPIRED},
    {X509_V_ERR_CRL_NOT_YET_VALID, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_CRL_SIGNATURE_FAILURE, SSL_AD_DECRYPT_ERROR},
    {X509_V_ERR_DANE_NO_MATCH, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_EE_KEY_TOO_SMALL, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_EMAIL_MISMATCH, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_HOSTNAME_MISMATCH, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_INVALID_CA, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_INVALID_CALL, SSL_AD_INTERNAL_ERROR},
    {X509_V_ERR_INVALID_PURPOSE, SSL_AD_UNSUPPORTED_CERTIFICATE},
    {X509_V_ERR_IP_ADDRESS_MISMATCH, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_OUT_OF_MEM, SSL_AD_INTERNAL_ERROR},
    {X509_V_ERR_PATH_LENGTH_EXCEEDED, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_STORE_LOOKUP, SSL_AD_INTERNAL_ERROR},
    {X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE, SSL_AD_BAD_CERTIFICATE},
    {X509_V_ERR_UNABLE_TO_GET_CRL, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, SSL_AD_UNKNOWN_CA},
    {X509_V_ERR_UNSPECIFIED, SSL_AD_INTERNAL_ERROR},
};

int shim_verify_error_alert(long x509_err)
{
    for (size_t i = 0; i < sizeof(alert_for) / sizeof(alert_for[0]); i++)
        if (alert_for[i].err == x509_err)
            return alert_for[i].alert;
    return SSL_AD_CERTIFICATE_UNKNOWN;
}
