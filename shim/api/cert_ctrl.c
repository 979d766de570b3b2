/*
 * shimssl - shim_cert_ctrl: the SSL_CTRL_* commands on certificate chains,
 * extra chain certificates, the current certificate, the chain and verify
 * stores, certificate flags' companions and temporary DH parameters.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/x509v3.h>

#include "objects.h"
#include "api/ctrl.h"
#include "crypto/pkey.h"
#include "crypto/verify.h"
#include "tls/our_certs.h"

static struct shim_cert *cert_of(SSL_CTX *ctx, SSL *s)
{
    return s != NULL ? s->cfg.cert : ctx->cfg.cert;
}

/* Stock's security check of a chain (CA) certificate against the level. */
static int chain_cert_ok(SSL_CTX *ctx, SSL *s, X509 *x)
{
    return tls_cert_secure(ctx, s, cert_of(ctx, s), x, 0);
}

/* A store of the current certificate's own chain and the certificate
 * itself (it may be self-signed): SSL_BUILD_CHAIN_FLAG_CHECK checks and
 * orders what was given, nothing more. */
static X509_STORE *own_chain_store(const struct shim_cert_pkey *k)
{
    X509_STORE *store = X509_STORE_new();

    if (store == NULL)
        return NULL;
    for (int i = 0; i < sk_X509_num(k->chain); i++)
        if (!X509_STORE_add_cert(store, sk_X509_value(k->chain, i)))
            goto fail;
    if (X509_STORE_add_cert(store, k->x509))
        return store;
fail:
    X509_STORE_free(store);
    return NULL;
}

/* SSL_CTRL_BUILD_CERT_CHAIN (SSL_CTX_build_cert_chain): the current
 * certificate's chain rebuilt from the chain store (or the verify store of
 * the context) as stock's ssl_build_cert_chain: 1, 2 when a failure was
 * ignored (SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR), 0 on failure. */
static long build_chain(SSL_CTX *ctx, SSL *s, long flags)
{
    struct shim_cert *c = cert_of(ctx, s);
    struct shim_cert_pkey *k = c->current;
    SSL_CTX *real = s != NULL ? s->ctx : ctx;
    X509_STORE *store;
    STACK_OF(X509) *chain = NULL;
    int err = X509_V_OK, ok;
    long rv = 1;

    if (k == NULL || k->x509 == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_CERTIFICATE_SET);
        return 0;
    }
    if (flags & SSL_BUILD_CHAIN_FLAG_CHECK)
        store = own_chain_store(k);
    else
        store = c->chain_store != NULL ? c->chain_store : real->cert_store;
    if (store == NULL)
        return 0;
    ok = shim_verify_build_checked(
        real->libctx, real->propq, store, k->x509,
        !(flags & SSL_BUILD_CHAIN_FLAG_CHECK) && (flags & SSL_BUILD_CHAIN_FLAG_UNTRUSTED) ? k->chain
                                                                                          : NULL,
        c->cert_flags & SSL_CERT_FLAG_SUITEB_128_LOS, &chain, &err);
    if (flags & SSL_BUILD_CHAIN_FLAG_CHECK)
        X509_STORE_free(store);
    if (ok == 0 && (flags & SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR)) {
        if (flags & SSL_BUILD_CHAIN_FLAG_CLEAR_ERROR)
            ERR_clear_error();
        ok = 1;
        rv = 2;
    }
    if (ok <= 0 || chain == NULL) {
        if (ok == 0)
            ERR_raise_data(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED, "Verify error:%s",
                           X509_verify_cert_error_string(err));
        sk_X509_pop_free(chain, X509_free);
        return 0;
    }
    /* The leaf is not part of the chain it heads. */
    X509_free(sk_X509_shift(chain));
    if ((flags & SSL_BUILD_CHAIN_FLAG_NO_ROOT) && sk_X509_num(chain) > 0 &&
        (X509_get_extension_flags(sk_X509_value(chain, sk_X509_num(chain) - 1)) & EXFLAG_SS))
        X509_free(sk_X509_pop(chain));
    for (int i = 0; i < sk_X509_num(chain); i++) {
        if (!chain_cert_ok(ctx, s, sk_X509_value(chain, i))) {
            sk_X509_pop_free(chain, X509_free);
            return 0;
        }
    }
    sk_X509_pop_free(k->chain, X509_free);
    k->chain = chain;
    return rv;
}

/* SSL_CTRL_CHAIN: larg 1 copies (references), 0 takes the stack. */
static long set_chain(SSL_CTX *ctx, SSL *s, long copy, STACK_OF(X509) * chain)
{
    struct shim_cert_pkey *k = cert_of(ctx, s)->current;
    STACK_OF(X509) *mine = chain;

    for (int i = 0; i < sk_X509_num(chain); i++)
        if (!chain_cert_ok(ctx, s, sk_X509_value(chain, i)))
            return 0;
    if (copy && chain != NULL && (mine = X509_chain_up_ref(chain)) == NULL)
        return 0;
    sk_X509_pop_free(k->chain, X509_free);
    k->chain = mine;
    return 1;
}

/* SSL_CTRL_CHAIN_CERT: larg 1 adds a reference, 0 takes the certificate. */
static long add_chain_cert(SSL_CTX *ctx, SSL *s, long copy, X509 *x)
{
    struct shim_cert_pkey *k = cert_of(ctx, s)->current;

    if (!chain_cert_ok(ctx, s, x))
        return 0;
    if (k->chain == NULL && (k->chain = sk_X509_new_null()) == NULL)
        return 0;
    if (!sk_X509_push(k->chain, x))
        return 0;
    if (copy)
        X509_up_ref(x);
    return 1;
}

/* The slot holding x (the same object, else an equal certificate), if it
 * has its key too. */
static long select_current(struct shim_cert *c, X509 *x)
{
    if (x == NULL)
        return 0;
    for (int i = 0; i < SHIM_PKEY_NUM; i++)
        if (c->pkeys[i].x509 == x && c->pkeys[i].privatekey != NULL) {
            c->current = &c->pkeys[i];
            return 1;
        }
    for (int i = 0; i < SHIM_PKEY_NUM; i++)
        if (c->pkeys[i].privatekey != NULL && c->pkeys[i].x509 != NULL &&
            X509_cmp(c->pkeys[i].x509, x) == 0) {
            c->current = &c->pkeys[i];
            return 1;
        }
    return 0;
}

/* SSL_CERT_SET_FIRST / SSL_CERT_SET_NEXT walk the slots that have both a
 * certificate and a key. */
static long set_current(struct shim_cert *c, long op)
{
    int from;

    if (op == SSL_CERT_SET_FIRST)
        from = 0;
    else if (op == SSL_CERT_SET_NEXT && (from = (int)(c->current - c->pkeys) + 1) < SHIM_PKEY_NUM)
        ;
    else
        return 0;
    for (int i = from; i < SHIM_PKEY_NUM; i++)
        if (c->pkeys[i].x509 != NULL && c->pkeys[i].privatekey != NULL) {
            c->current = &c->pkeys[i];
            return 1;
        }
    return 0;
}

static long set_store(struct shim_cert *c, int chain, long ref, X509_STORE *store)
{
    X509_STORE **slot = chain ? &c->chain_store : &c->verify_store;

    X509_STORE_free(*slot);
    *slot = store;
    if (ref && store != NULL)
        X509_STORE_up_ref(store);
    return 1;
}

/* SSL_CTRL_SET_TMP_DH: the DH parameters become an EVP_PKEY, checked
 * against the security level like SSL_CTX_set0_tmp_dh_pkey. */
static long set_tmp_dh(SSL_CTX *ctx, SSL *s, void *parg)
{
    EVP_PKEY *pkey;
    int ok;

    if (parg == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if ((pkey = shim_pkey_from_dh(parg)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    ok = s != NULL ? SSL_set0_tmp_dh_pkey(s, pkey) : SSL_CTX_set0_tmp_dh_pkey(ctx, pkey);
    if (!ok)
        EVP_PKEY_free(pkey);
    return ok;
}

long shim_cert_ctrl(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_cert *c = cert_of(ctx, s);

    switch (cmd) {
    case SSL_CTRL_EXTRA_CHAIN_CERT:
        if (ctx->extra_certs == NULL && (ctx->extra_certs = sk_X509_new_null()) == NULL) {
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            return 0;
        }
        if (!sk_X509_push(ctx->extra_certs, parg)) {
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            return 0;
        }
        return 1;
    case SSL_CTRL_GET_EXTRA_CHAIN_CERTS:
        /* With no extra certificates and larg 0, the current chain. */
        *(STACK_OF(X509) **)parg =
            ctx->extra_certs == NULL && larg == 0 ? c->current->chain : ctx->extra_certs;
        return 1;
    case SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS:
        sk_X509_pop_free(ctx->extra_certs, X509_free);
        ctx->extra_certs = NULL;
        return 1;
    case SSL_CTRL_CHAIN:
        return set_chain(ctx, s, larg, parg);
    case SSL_CTRL_CHAIN_CERT:
        return add_chain_cert(ctx, s, larg, parg);
    case SSL_CTRL_GET_CHAIN_CERTS:
        *(STACK_OF(X509) **)parg = c->current->chain;
        return 1;
    case SSL_CTRL_SELECT_CURRENT_CERT:
        return select_current(c, parg);
    case SSL_CTRL_SET_CURRENT_CERT:
        /* SSL_CERT_SET_SERVER picks the certificate a server is using. */
        return larg == SSL_CERT_SET_SERVER ? 0 : set_current(c, larg);
    case SSL_CTRL_SET_VERIFY_CERT_STORE:
        return set_store(c, 0, larg, parg);
    case SSL_CTRL_SET_CHAIN_CERT_STORE:
        return set_store(c, 1, larg, parg);
    case SSL_CTRL_GET_VERIFY_CERT_STORE:
        *(X509_STORE **)parg = c->verify_store;
        return 1;
    case SSL_CTRL_GET_CHAIN_CERT_STORE:
        *(X509_STORE **)parg = c->chain_store;
        return 1;
    case SSL_CTRL_SET_TMP_DH:
        return set_tmp_dh(ctx, s, parg);
    case SSL_CTRL_SET_DH_AUTO:
        c->dh_tmp_auto = (int)larg;
        return 1;
    case SSL_CTRL_BUILD_CERT_CHAIN:
        return build_chain(ctx, s, larg);
    default:
        return 0;
    }
}

/* Temporary DH parameters for a server's DHE key exchange. */
static int set0_tmp_dh(SSL_CTX *ctx, SSL *s, EVP_PKEY *dhpkey)
{
    struct shim_cert *c = cert_of(ctx, s);

    if (c->sec_cb != NULL && !c->sec_cb(s, s != NULL ? NULL : ctx, SSL_SECOP_TMP_DH,
                                        shim_pkey_security_bits(dhpkey), 0, dhpkey, c->sec_ex)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_DH_KEY_TOO_SMALL);
        return 0;
    }
    EVP_PKEY_free(c->dh_tmp);
    c->dh_tmp = dhpkey;
    return 1;
}

int SSL_CTX_set0_tmp_dh_pkey(SSL_CTX *ctx, EVP_PKEY *dhpkey)
{
    return set0_tmp_dh(ctx, NULL, dhpkey);
}

int SSL_set0_tmp_dh_pkey(SSL *s, EVP_PKEY *dhpkey)
{
    return set0_tmp_dh(NULL, s, dhpkey);
}
