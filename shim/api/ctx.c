/*
 * shimssl - SSL_CTX: creation, reference counting, destruction.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/rand.h>
#include <string.h>

#include "api/cipher.h"
#include "api/client_cert.h"
#include "api/config.h"
#include "tls/session_cache.h"
#include "crypto/algs.h"
#include "crypto/sig.h"

/* SSL_get_default_timeout(): two hours, as stock's TLS methods. */

SSL_CTX *SSL_CTX_new_ex(OSSL_LIB_CTX *libctx, const char *propq, const SSL_METHOD *meth)
{
    SSL_CTX *ctx;

    if (meth == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NULL_SSL_METHOD_PASSED);
        return NULL;
    }
    if (!OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL))
        return NULL;
    if (SSL_get_ex_data_X509_STORE_CTX_idx() < 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_X509_VERIFICATION_SETUP_PROBLEMS);
        return NULL;
    }
    if ((ctx = OPENSSL_zalloc(sizeof(*ctx))) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    shim_ref_init(&ctx->refs);
    ctx->libctx = libctx;
    ctx->method = meth;
    ctx->session_cache_mode = SSL_SESS_CACHE_SERVER;
    ctx->session_cache_size = SSL_SESSION_CACHE_MAX_SIZE_DEFAULT;
    ctx->session_timeout = SHIM_DEFAULT_SESSION_TIMEOUT;
    if ((ctx->lock = CRYPTO_THREAD_lock_new()) == NULL ||
        (propq != NULL && (ctx->propq = OPENSSL_strdup(propq)) == NULL) ||
        !shim_config_init_ctx(&ctx->cfg) || (ctx->cert_store = X509_STORE_new()) == NULL ||
        (ctx->ctlog_store = CTLOG_STORE_new_ex(libctx, propq)) == NULL || !tls_cache_init(ctx) ||
        !CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL_CTX, ctx, &ctx->ex_data))
        goto malloc_err;
    if (!shim_cipher_ctx_init(ctx)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_LIBRARY_HAS_NO_CIPHERS);
        goto err;
    }
    /* Session-ticket keys; without randomness stock turns tickets off. */
    if (RAND_bytes_ex(libctx, ctx->tick_key_name, sizeof(ctx->tick_key_name), 0) <= 0 ||
        RAND_priv_bytes_ex(libctx, ctx->tick_hmac_key, sizeof(ctx->tick_hmac_key), 0) <= 0 ||
        RAND_priv_bytes_ex(libctx, ctx->tick_aes_key, sizeof(ctx->tick_aes_key), 0) <= 0)
        ctx->cfg.options |= SSL_OP_NO_TICKET;
    ctx->sign_ctxs = shim_sig_cache_new(); /* without it, a context per signature */
    shim_ctx_system_config(ctx);
    return ctx;

malloc_err:
    ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
err:
    SSL_CTX_free(ctx);
    return NULL;
}

SSL_CTX *SSL_CTX_new(const SSL_METHOD *meth)
{
    return SSL_CTX_new_ex(NULL, NULL, meth);
}

int SSL_CTX_up_ref(SSL_CTX *ctx)
{
    return shim_ref_up(&ctx->refs) > 1;
}

void SSL_CTX_free(SSL_CTX *ctx)
{
    if (ctx == NULL || shim_ref_down(&ctx->refs) > 0)
        return;
    /* The remove-session callback may look at the context's ex_data, so the
     * cache is emptied before ex_data goes (stock's order). */
    tls_cache_flush(ctx, 0);
    tls_cache_free(ctx);
    CRYPTO_free_ex_data(CRYPTO_EX_INDEX_SSL_CTX, ctx, &ctx->ex_data);
    shim_config_free(&ctx->cfg);
    X509_STORE_free(ctx->cert_store);
    CTLOG_STORE_free(ctx->ctlog_store);
    shim_client_cert_engine_release(ctx);
    sk_X509_pop_free(ctx->extra_certs, X509_free);
    OPENSSL_cleanse(ctx->tick_hmac_key, sizeof(ctx->tick_hmac_key));
    OPENSSL_cleanse(ctx->tick_aes_key, sizeof(ctx->tick_aes_key));
    shim_algs_free(ctx->algs);
    shim_sig_cache_free(ctx->sign_ctxs);
    CRYPTO_THREAD_lock_free(ctx->lock);
    OPENSSL_free(ctx->propq);
    OPENSSL_free(ctx);
}

const SSL_METHOD *SSL_CTX_get_ssl_method(const SSL_CTX *ctx)
{
    return ctx->method;
}

int SSL_CTX_set_ssl_version(SSL_CTX *ctx, const SSL_METHOD *meth)
{
    ctx->method = meth;
    return 1;
}
