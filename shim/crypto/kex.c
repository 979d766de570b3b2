/*
 * shimssl - (EC)DHE key exchange through EVP_PKEY.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * New keys are generated from a per-group template key, which skips the
 * provider fetch (and its lock) that creating a context by algorithm name
 * costs on every handshake.
 */
#include "shim.h"

#include <openssl/core_names.h>

#include "crypto/kex.h"

static EVP_PKEY *make_template(const struct shim_algs *a, const struct tls_group *g)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(a->libctx, g->algorithm, a->propq);
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM params[2];

    if (pctx == NULL)
        return NULL;
    if (g->kind == TLS_GROUP_ECX) {
        /* No parameters: a throwaway key carries the key type. */
        if (EVP_PKEY_keygen_init(pctx) <= 0 || EVP_PKEY_keygen(pctx, &pkey) <= 0)
            pkey = NULL;
    } else {
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                     (char *)g->realname, 0);
        params[1] = OSSL_PARAM_construct_end();
        if (EVP_PKEY_paramgen_init(pctx) <= 0 || EVP_PKEY_CTX_set_params(pctx, params) <= 0
            || EVP_PKEY_paramgen(pctx, &pkey) <= 0)
            pkey = NULL;
    }
    EVP_PKEY_CTX_free(pctx);
    return pkey;
}

static EVP_PKEY *group_template(const struct shim_algs *a, const struct tls_group *g)
{
    int idx = tls_group_index(g);
    EVP_PKEY *t;
    struct shim_algs *m = (struct shim_algs *)a; /* the cache is the one mutable part */

    if (idx < 0 || (size_t)idx >= sizeof(a->group_template) / sizeof(a->group_template[0]))
        return NULL;
    if (!CRYPTO_THREAD_read_lock(a->lock))
        return NULL;
    t = a->group_template[idx];
    CRYPTO_THREAD_unlock(a->lock);
    if (t != NULL)
        return t;
    if ((t = make_template(a, g)) == NULL)
        return NULL;
    if (!CRYPTO_THREAD_write_lock(a->lock)) {
        EVP_PKEY_free(t);
        return NULL;
    }
    if (m->group_template[idx] == NULL) {
        m->group_template[idx] = t;
    } else {
        EVP_PKEY_free(t); /* another thread won the race */
        t = m->group_template[idx];
    }
    CRYPTO_THREAD_unlock(a->lock);
    return t;
}

int tls_kex_keygen(const struct shim_algs *a, const struct tls_group *g, EVP_PKEY **priv)
{
    EVP_PKEY *tmpl = group_template(a, g);
    EVP_PKEY_CTX *pctx;
    int ok;

    *priv = NULL;
    if (tmpl == NULL || (pctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, tmpl, a->propq)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    ok = EVP_PKEY_keygen_init(pctx) > 0 && EVP_PKEY_keygen(pctx, priv) > 0;
    EVP_PKEY_CTX_free(pctx);
    if (!ok)
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
    return ok;
}

int tls_kex_public(EVP_PKEY *priv, uint8_t **out, size_t *out_len)
{
    *out_len = EVP_PKEY_get1_encoded_public_key(priv, out);
    if (*out_len == 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    return 1;
}

int tls_kex_peer_key(EVP_PKEY *priv, const uint8_t *peer, size_t peer_len, EVP_PKEY **pub,
                     int *alert, int *reason)
{
    EVP_PKEY *pkey = EVP_PKEY_new();
    int ok;

    *pub = NULL;
    if (pkey == NULL || EVP_PKEY_copy_parameters(pkey, priv) <= 0) {
        EVP_PKEY_free(pkey);
        *alert = SSL_AD_INTERNAL_ERROR;
        *reason = SSL_R_COPY_PARAMETERS_FAILED;
        return 0;
    }
    /* RFC 8446 4.2.8.1: an FFDHE share is exactly the size of the prime.
     * libcrypto's own errors stay on the queue below ours, as with stock. */
    ok = (!EVP_PKEY_is_a(priv, "DH") || peer_len == (size_t)EVP_PKEY_get_bits(priv) / 8)
         && EVP_PKEY_set1_encoded_public_key(pkey, peer, peer_len) > 0;
    if (!ok) {
        EVP_PKEY_free(pkey);
        *alert = SSL_AD_ILLEGAL_PARAMETER;
        *reason = SSL_R_BAD_ECPOINT;
        return 0;
    }
    *pub = pkey;
    return 1;
}

int tls_kex_derive(const struct shim_algs *a, EVP_PKEY *priv, EVP_PKEY *pub, int tls13,
                   uint8_t **secret, size_t *secret_len, int *alert, int *reason)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, priv, a->propq);
    int ok = 0;

    *secret = NULL;
    if (pctx == NULL || EVP_PKEY_derive_init(pctx) <= 0
        || EVP_PKEY_derive_set_peer(pctx, pub) <= 0
        || EVP_PKEY_derive(pctx, NULL, secret_len) <= 0) {
        *alert = SSL_AD_INTERNAL_ERROR;
        *reason = ERR_R_INTERNAL_ERROR;
        goto done;
    }
    /* RFC 8446 7.4.1: a TLS 1.3 FFDHE secret keeps its leading zeros. */
    if (tls13 && EVP_PKEY_is_a(priv, "DH"))
        EVP_PKEY_CTX_set_dh_pad(pctx, 1);
    if ((*secret = OPENSSL_malloc(*secret_len)) == NULL) {
        *alert = SSL_AD_INTERNAL_ERROR;
        *reason = ERR_R_MALLOC_FAILURE;
        goto done;
    }
    if (EVP_PKEY_derive(pctx, *secret, secret_len) <= 0) {
        /* Most likely a weak share (e.g. a small-order X25519 point). */
        OPENSSL_clear_free(*secret, *secret_len);
        *secret = NULL;
        *alert = SSL_AD_ILLEGAL_PARAMETER;
        *reason = SSL_R_BAD_KEY_SHARE;
        goto done;
    }
    ok = 1;
done:
    EVP_PKEY_CTX_free(pctx);
    return ok;
}
