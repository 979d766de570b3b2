/*
 * shimssl - (EC)DHE key exchange through EVP_PKEY.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * New keys are generated from a per-group template context, which skips the
 * provider fetch (and its lock) that creating a context by algorithm name
 * costs on every handshake.
 */
#include "shim.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "crypto/kex.h"
#include "crypto/pkey.h"

static EVP_PKEY *make_template(const struct shim_algs *a, const struct shim_kex_group *g)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(a->libctx, g->algorithm, a->propq);
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM params[2];

    if (pctx == NULL)
        return NULL;
    if (g->no_params) {
        /* No parameters: a throwaway key carries the key type. */
        if (EVP_PKEY_keygen_init(pctx) <= 0 || EVP_PKEY_keygen(pctx, &pkey) <= 0)
            pkey = NULL;
    } else {
        params[0] =
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)g->name, 0);
        params[1] = OSSL_PARAM_construct_end();
        if (EVP_PKEY_paramgen_init(pctx) <= 0 || EVP_PKEY_CTX_set_params(pctx, params) <= 0 ||
            EVP_PKEY_paramgen(pctx, &pkey) <= 0)
            pkey = NULL;
    }
    EVP_PKEY_CTX_free(pctx);
    return pkey;
}

/*
 * A group's template: a key carrying the group's parameters and a context
 * made from it and never initialised, which each key share's context is
 * duplicated from.  EVP_PKEY_CTX_dup then EVP_PKEY_keygen_init costs ~1 K
 * instructions; EVP_PKEY_CTX_new_from_pkey, with its key-type name look-ups,
 * ~14 K.  The template is only read once published (dup reads its source), so
 * threads share it without a lock: the slots are filled in order, each once,
 * by compare-and-swap, and live until the algorithms are freed.
 */
struct shim_kex_template {
    const struct shim_kex_group *group;
    EVP_PKEY *key;
    EVP_PKEY_CTX *ctx;
};

void shim_kex_template_free(struct shim_kex_template *t)
{
    if (t == NULL)
        return;
    EVP_PKEY_CTX_free(t->ctx);
    EVP_PKEY_free(t->key);
    OPENSSL_free(t);
}

static struct shim_kex_template *new_template(const struct shim_algs *a,
                                              const struct shim_kex_group *g)
{
    struct shim_kex_template *t = OPENSSL_zalloc(sizeof(*t));

    if (t == NULL)
        return NULL;
    t->group = g;
    if ((t->key = make_template(a, g)) == NULL ||
        (t->ctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, t->key, a->propq)) == NULL) {
        shim_kex_template_free(t);
        return NULL;
    }
    return t;
}

static const struct shim_kex_template *group_template(const struct shim_algs *a,
                                                      const struct shim_kex_group *g)
{
    struct shim_algs *m = (struct shim_algs *)a; /* the cache is the one mutable part */
    size_t n = sizeof(a->group_template) / sizeof(a->group_template[0]);
    struct shim_kex_template *t, *mine = NULL;

    for (size_t i = 0; i < n; i++) {
        t = __atomic_load_n(&m->group_template[i], __ATOMIC_ACQUIRE);
        if (t == NULL) {
            /* The first free slot: publish ours, unless another thread
             * has just published one here (then look at it). */
            if (mine == NULL && (mine = new_template(a, g)) == NULL)
                return NULL;
            if (__atomic_compare_exchange_n(&m->group_template[i], &t, mine, 0, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE))
                return mine;
        }
        if (t->group == g) {
            shim_kex_template_free(mine); /* another thread won the race */
            return t;
        }
    }
    /* Every slot taken: never happens (more slots than groups we know). */
    shim_kex_template_free(mine);
    return NULL;
}

int tls_kex_keygen(const struct shim_algs *a, const struct shim_kex_group *g, EVP_PKEY **priv)
{
    const struct shim_kex_template *tmpl = group_template(a, g);
    EVP_PKEY_CTX *pctx;
    int ok;

    *priv = NULL;
    if (tmpl == NULL || (pctx = EVP_PKEY_CTX_dup(tmpl->ctx)) == NULL) {
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
    /* libcrypto's own errors stay on the queue below ours, as with stock. */
    ok = EVP_PKEY_set1_encoded_public_key(pkey, peer, peer_len) > 0;
    if (!ok) {
        EVP_PKEY_free(pkey);
        *alert = SSL_AD_ILLEGAL_PARAMETER;
        *reason = SSL_R_BAD_ECPOINT;
        return 0;
    }
    *pub = pkey;
    return 1;
}

/* RFC 8446 4.2.8.1: an FFDHE share is exactly the size of the prime;
 * 4.2.8.2: an ECDHE share is an uncompressed point.  Both are refused before
 * libcrypto reads the share, as stock refuses them. */
static int tls_kex_peer_share13_ok(EVP_PKEY *priv, const uint8_t *peer, size_t peer_len, int *alert,
                                   int *reason)
{
    enum shim_key_type t = shim_pkey_type(priv); /* (by id: no name look-up) */
    int ok = t == SHIM_KEY_DH   ? peer_len == (size_t)EVP_PKEY_get_bits(priv) / 8
             : t == SHIM_KEY_EC ? peer_len >= 3 && peer[0] == POINT_CONVERSION_UNCOMPRESSED
                                : 1;

    if (!ok) {
        *alert = SSL_AD_ILLEGAL_PARAMETER;
        *reason = SSL_R_BAD_ECPOINT;
    }
    return ok;
}

int tls_kex_peer_share13(EVP_PKEY *priv, const uint8_t *peer, size_t peer_len, EVP_PKEY **pub,
                         int *alert, int *reason)
{
    *pub = NULL;
    if (!tls_kex_peer_share13_ok(priv, peer, peer_len, alert, reason))
        return 0;
    return tls_kex_peer_key(priv, peer, peer_len, pub, alert, reason);
}

int tls_kex_derive(const struct shim_algs *a, EVP_PKEY *priv, EVP_PKEY *pub, int tls13,
                   uint8_t **secret, size_t *secret_len, int *alert, int *reason)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, priv, a->propq);
    /* X25519 / X448 public keys have nothing to check (any 32 or 56 bytes
     * are one; libcrypto's derivation refuses the all-zero secret a weak
     * share gives): their validation is skipped.  (EC points were checked
     * when the share was decoded; DH keys are validated.) */
    int validate =
        EVP_PKEY_get_id(priv) != EVP_PKEY_X25519 && EVP_PKEY_get_id(priv) != EVP_PKEY_X448;
    int ok = 0;

    *secret = NULL;
    if (pctx == NULL || EVP_PKEY_derive_init(pctx) <= 0 ||
        EVP_PKEY_derive_set_peer_ex(pctx, pub, validate) <= 0 ||
        EVP_PKEY_derive(pctx, NULL, secret_len) <= 0) {
        *alert = SSL_AD_INTERNAL_ERROR;
        *reason = ERR_R_INTERNAL_ERROR;
        goto done;
    }
    /* RFC 8446 7.4.1: a TLS 1.3 FFDHE secret keeps its leading zeros. */
    if (tls13 && shim_pkey_type(priv) == SHIM_KEY_DH)
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

/*
 * A TLS 1.3 peer share without a key object of its own.  Every new EVP_PKEY
 * costs libcrypto's exclusive locks: one for its ex_data when made, three in
 * the ENGINE table when it gets its type (EVP_PKEY_set_type_by_keymgmt, by
 * way of EVP_PKEY_copy_parameters) and two when freed.  Instead each thread
 * keeps one peer key per group and sets the share into it
 * (EVP_PKEY_set1_encoded_public_key, which checks it as making a new key
 * does), for as long as a check or a derivation runs; SSL_get_peer_tmp_key
 * makes a key of its own from the bytes when it is asked (tls_kex_share_key).
 */
struct peer_cache {
    const struct shim_algs *algs; /* whose groups the keys are in */
    struct {
        const struct shim_kex_group *group;
        EVP_PKEY *key;
    } slot[4];
    unsigned next; /* the slot taken when every one is in use */
};

static CRYPTO_ONCE peer_once = CRYPTO_ONCE_STATIC_INIT;
static CRYPTO_THREAD_LOCAL peer_local;
static int peer_local_ok;

static void peer_cache_clear(struct peer_cache *c)
{
    for (size_t i = 0; i < sizeof(c->slot) / sizeof(c->slot[0]); i++) {
        EVP_PKEY_free(c->slot[i].key);
        c->slot[i].key = NULL;
        c->slot[i].group = NULL;
    }
}

static void peer_cache_free(void *p)
{
    if (p != NULL)
        peer_cache_clear(p);
    OPENSSL_free(p);
}

/* As kdf.c's HMAC cache: the thread running OPENSSL_cleanup frees its keys
 * before libcrypto tears down its providers; other threads at their exit. */
static void peer_cache_cleanup(void)
{
    if (!peer_local_ok)
        return;
    peer_local_ok = 0;
    peer_cache_free(CRYPTO_THREAD_get_local(&peer_local));
    CRYPTO_THREAD_set_local(&peer_local, NULL);
    CRYPTO_THREAD_cleanup_local(&peer_local);
}

static void peer_cache_init(void)
{
    peer_local_ok = CRYPTO_THREAD_init_local(&peer_local, peer_cache_free);
    if (peer_local_ok)
        OPENSSL_atexit(peer_cache_cleanup);
}

/* This thread's peer key for group g holding the share, or NULL with *alert
 * and *reason set (as tls_kex_peer_share13).  *owned says the caller frees
 * it (no per-thread storage: a key of its own was made). */
static EVP_PKEY *peer_share_key(const struct shim_algs *a, const struct shim_kex_group *g,
                                const uint8_t *peer, size_t peer_len, int *owned, int *alert,
                                int *reason)
{
    const struct shim_kex_template *tmpl = group_template(a, g);
    struct peer_cache *c = NULL;
    EVP_PKEY *key = NULL;
    size_t i, n = sizeof(c->slot) / sizeof(c->slot[0]);

    *owned = 0;
    if (tmpl == NULL) {
        *alert = SSL_AD_INTERNAL_ERROR;
        *reason = ERR_R_INTERNAL_ERROR;
        return NULL;
    }
    if (!tls_kex_peer_share13_ok(tmpl->key, peer, peer_len, alert, reason))
        return NULL;
    if (CRYPTO_THREAD_run_once(&peer_once, peer_cache_init) && peer_local_ok &&
        (c = CRYPTO_THREAD_get_local(&peer_local)) == NULL &&
        ((c = OPENSSL_zalloc(sizeof(*c))) == NULL || !CRYPTO_THREAD_set_local(&peer_local, c))) {
        OPENSSL_free(c);
        c = NULL;
    }
    if (c == NULL) {
        *owned = 1;
        return tls_kex_peer_key(tmpl->key, peer, peer_len, &key, alert, reason) ? key : NULL;
    }
    if (c->algs != a) {
        peer_cache_clear(c);
        c->algs = a;
    }
    for (i = 0; i < n && c->slot[i].group != g; i++)
        continue;
    if (i == n) {
        i = c->next++ % n;
        EVP_PKEY_free(c->slot[i].key);
        c->slot[i].key = NULL;
        c->slot[i].group = NULL;
        if (!tls_kex_peer_key(tmpl->key, peer, peer_len, &c->slot[i].key, alert, reason))
            return NULL;
        c->slot[i].group = g;
        return c->slot[i].key;
    }
    /* libcrypto's own errors stay on the queue below ours, as with stock. */
    if (EVP_PKEY_set1_encoded_public_key(c->slot[i].key, peer, peer_len) <= 0) {
        /* (a refused share may have left the key half set: made anew next time) */
        EVP_PKEY_free(c->slot[i].key);
        c->slot[i].key = NULL;
        c->slot[i].group = NULL;
        *alert = SSL_AD_ILLEGAL_PARAMETER;
        *reason = SSL_R_BAD_ECPOINT;
        return NULL;
    }
    return c->slot[i].key;
}

int tls_kex_check_share13(const struct shim_algs *a, const struct shim_kex_group *g,
                          const uint8_t *peer, size_t peer_len, int *alert, int *reason)
{
    int owned;
    EVP_PKEY *key = peer_share_key(a, g, peer, peer_len, &owned, alert, reason);

    if (owned)
        EVP_PKEY_free(key);
    return key != NULL;
}

int tls_kex_derive_share13(const struct shim_algs *a, const struct shim_kex_group *g,
                           EVP_PKEY *priv, const uint8_t *peer, size_t peer_len, uint8_t **secret,
                           size_t *secret_len, int *alert, int *reason)
{
    int owned, ok;
    EVP_PKEY *key = peer_share_key(a, g, peer, peer_len, &owned, alert, reason);

    *secret = NULL;
    if (key == NULL)
        return 0;
    ok = tls_kex_derive(a, priv, key, 1, secret, secret_len, alert, reason);
    if (owned)
        EVP_PKEY_free(key);
    return ok;
}

int tls_kex_share_key(const struct shim_algs *a, const struct shim_kex_group *g,
                      const uint8_t *peer, size_t peer_len, EVP_PKEY **pub)
{
    const struct shim_kex_template *tmpl = group_template(a, g);
    int alert, reason;

    *pub = NULL;
    return tmpl != NULL && tls_kex_peer_key(tmpl->key, peer, peer_len, pub, &alert, &reason);
}

/* ------------------------------------------------ TLS 1.2 finite-field DHE */

int tls_kex_dh_from_params(const struct shim_algs *a, const uint8_t *p, size_t p_len,
                           const uint8_t *g, size_t g_len, const uint8_t *pub, size_t pub_len,
                           EVP_PKEY **out, int *alert, int *reason)
{
    BIGNUM *bp = BN_bin2bn(p, (int)p_len, NULL), *bg = BN_bin2bn(g, (int)g_len, NULL);
    BIGNUM *by = BN_bin2bn(pub, (int)pub_len, NULL);
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    EVP_PKEY *peer = NULL;
    int ok = 0;

    *out = NULL;
    *alert = SSL_AD_INTERNAL_ERROR;
    if (bp == NULL || bg == NULL || by == NULL) {
        *reason = ERR_R_BN_LIB;
        goto end;
    }
    *reason = ERR_R_INTERNAL_ERROR;
    if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, bp) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, bg) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, by) ||
        (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
        (pctx = EVP_PKEY_CTX_new_from_name(a->libctx, "DH", a->propq)) == NULL)
        goto end;
    if (EVP_PKEY_fromdata_init(pctx) <= 0 ||
        EVP_PKEY_fromdata(pctx, &peer, EVP_PKEY_KEYPAIR, params) <= 0) {
        *reason = SSL_R_BAD_DH_VALUE;
        goto end;
    }
    EVP_PKEY_CTX_free(pctx);
    /* Stock's checks: the group's parameters, then the public value in it. */
    if ((pctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, peer, a->propq)) == NULL ||
        EVP_PKEY_param_check_quick(pctx) != 1 || EVP_PKEY_public_check(pctx) != 1) {
        *alert = SSL_AD_ILLEGAL_PARAMETER;
        *reason = SSL_R_BAD_DH_VALUE;
        goto end;
    }
    *out = peer;
    peer = NULL;
    ok = 1;
end:
    OSSL_PARAM_BLD_free(bld);
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(pctx);
    EVP_PKEY_free(peer);
    BN_free(bp);
    BN_free(bg);
    BN_free(by);
    return ok;
}

int tls_kex_keygen_like(const struct shim_algs *a, EVP_PKEY *peer, EVP_PKEY **priv)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, peer, a->propq);
    int ok = pctx != NULL && EVP_PKEY_keygen_init(pctx) > 0 && EVP_PKEY_keygen(pctx, priv) > 0;

    EVP_PKEY_CTX_free(pctx);
    if (!ok)
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
    return ok;
}

/* ---------------------------------------------------- RSA key transport */

int tls_kex_rsa_encrypt(const struct shim_algs *a, EVP_PKEY *pub, const uint8_t *in, size_t in_len,
                        uint8_t **out, size_t *out_len)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, pub, a->propq);
    int ok;

    *out = NULL;
    ok = pctx != NULL && EVP_PKEY_encrypt_init(pctx) > 0 &&
         EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0 &&
         EVP_PKEY_encrypt(pctx, NULL, out_len, in, in_len) > 0 &&
         (*out = OPENSSL_malloc(*out_len)) != NULL &&
         EVP_PKEY_encrypt(pctx, *out, out_len, in, in_len) > 0;
    EVP_PKEY_CTX_free(pctx);
    if (!ok) {
        OPENSSL_free(*out);
        *out = NULL;
    }
    return ok;
}

/* ------------------------------------------------------ a server's part */

int tls_kex_rsa_decrypt(const struct shim_algs *a, EVP_PKEY *priv, const uint8_t *in, size_t in_len,
                        unsigned int client_version, unsigned int negotiated, uint8_t *out)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, priv, a->propq);
    OSSL_PARAM params[3], *p = params;
    size_t out_len = TLS_KEX_RSA_PMS_LEN;
    int ok;

    /* libcrypto's TLS padding mode: a malformed block or a wrong version
     * yields a random premaster secret instead of an error (implicit
     * rejection), so that nothing here tells one from the other. */
    *p++ = OSSL_PARAM_construct_uint(OSSL_ASYM_CIPHER_PARAM_TLS_CLIENT_VERSION, &client_version);
    if (negotiated != 0)
        *p++ =
            OSSL_PARAM_construct_uint(OSSL_ASYM_CIPHER_PARAM_TLS_NEGOTIATED_VERSION, &negotiated);
    *p = OSSL_PARAM_construct_end();
    ok = pctx != NULL && EVP_PKEY_decrypt_init(pctx) > 0 &&
         EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_WITH_TLS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_params(pctx, params) &&
         EVP_PKEY_decrypt(pctx, out, &out_len, in, in_len) > 0 && out_len == TLS_KEX_RSA_PMS_LEN;
    EVP_PKEY_CTX_free(pctx);
    if (!ok)
        OPENSSL_cleanse(out, TLS_KEX_RSA_PMS_LEN);
    return ok;
}

EVP_PKEY *tls_kex_dh_auto(const struct shim_algs *a, int secbits)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    EVP_PKEY *dh = NULL;
    BIGNUM *p, *g = BN_new();

    /* The MODP group of RFC 3526 (RFC 2409 for 1024 bits) strong enough
     * for secbits, with generator 2, as stock chooses. */
    if (secbits >= 192)
        p = BN_get_rfc3526_prime_8192(NULL);
    else if (secbits >= 152)
        p = BN_get_rfc3526_prime_4096(NULL);
    else if (secbits >= 128)
        p = BN_get_rfc3526_prime_3072(NULL);
    else if (secbits >= 112)
        p = BN_get_rfc3526_prime_2048(NULL);
    else
        p = BN_get_rfc2409_prime_1024(NULL);
    if (bld != NULL && p != NULL && g != NULL && BN_set_word(g, 2) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
        (pctx = EVP_PKEY_CTX_new_from_name(a->libctx, "DH", a->propq)) != NULL &&
        EVP_PKEY_fromdata_init(pctx) > 0)
        (void)EVP_PKEY_fromdata(pctx, &dh, EVP_PKEY_KEY_PARAMETERS, params);
    EVP_PKEY_CTX_free(pctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(p);
    BN_free(g);
    return dh;
}

/* A big-endian copy of a key's BIGNUM parameter. */
static int bn_param(EVP_PKEY *k, const char *name, uint8_t **out, size_t *len)
{
    BIGNUM *bn = NULL;
    int ok = EVP_PKEY_get_bn_param(k, name, &bn) && (*len = (size_t)BN_num_bytes(bn)) > 0 &&
             (*out = OPENSSL_malloc(*len)) != NULL && BN_bn2bin(bn, *out) == (int)*len;

    BN_free(bn);
    return ok;
}

int tls_kex_dh_params(EVP_PKEY *dh, uint8_t **p, size_t *p_len, uint8_t **g, size_t *g_len)
{
    *p = *g = NULL;
    if (bn_param(dh, OSSL_PKEY_PARAM_FFC_P, p, p_len) &&
        bn_param(dh, OSSL_PKEY_PARAM_FFC_G, g, g_len))
        return 1;
    OPENSSL_free(*p);
    OPENSSL_free(*g);
    *p = *g = NULL;
    return 0;
}
