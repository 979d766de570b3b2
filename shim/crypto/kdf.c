/*
 * shimssl - key derivation through libcrypto's KDFs.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/core_names.h>
#include <string.h>

#include "crypto/kdf.h"

static int run_kdf(EVP_KDF *kdf, OSSL_PARAM *params, uint8_t *out, size_t out_len)
{
    EVP_KDF_CTX *kctx;
    int ok;

    if (kdf == NULL || (kctx = EVP_KDF_CTX_new(kdf)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    ok = EVP_KDF_derive(kctx, out, out_len, params) > 0;
    EVP_KDF_CTX_free(kctx);
    if (!ok)
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
    return ok;
}

/*
 * HKDF contexts kept per thread, with digest and mode set once.  Naming the
 * digest makes libcrypto fetch it (a global lock and a lookup) on every new
 * context, and a handshake runs some twenty derivations; libcrypto 3.0
 * cannot duplicate KDF contexts, so they are reused instead.  Every use sets
 * all the other parameters again, so nothing carries over between uses (the
 * last key stays in the context until the next use or thread exit).
 */
enum { HKDF_EXTRACT, HKDF_EXPAND_LABEL, HKDF_USES };
enum { MD_SHA256, MD_SHA384, MDS };

struct kdf_cache {
    const struct shim_algs *algs; /* whose KDFs and digests these are */
    EVP_KDF_CTX *ctx[HKDF_USES][MDS];
};

static CRYPTO_ONCE cache_once = CRYPTO_ONCE_STATIC_INIT;
static CRYPTO_THREAD_LOCAL cache_key;
static int cache_key_ok;

static void cache_clear(struct kdf_cache *c)
{
    for (int u = 0; u < HKDF_USES; u++)
        for (int m = 0; m < MDS; m++) {
            EVP_KDF_CTX_free(c->ctx[u][m]);
            c->ctx[u][m] = NULL;
        }
}

static void cache_free(void *p)
{
    if (p != NULL)
        cache_clear(p);
    OPENSSL_free(p);
}

/*
 * A thread's cache is freed when the thread exits (the key's destructor),
 * but the thread that runs OPENSSL_cleanup (the main thread, at exit) never
 * does that before libcrypto tears down its providers: its cache is freed
 * here instead, so a real program's exit leaves nothing of ours behind, as
 * stock leaves nothing of its own.  The key goes too, so that no thread
 * exiting after the cleanup frees contexts into a torn-down libcrypto, and
 * later derivations (if any) run uncached.
 */
static void cache_cleanup(void)
{
    if (!cache_key_ok)
        return;
    cache_key_ok = 0;
    cache_free(CRYPTO_THREAD_get_local(&cache_key));
    CRYPTO_THREAD_set_local(&cache_key, NULL);
    CRYPTO_THREAD_cleanup_local(&cache_key);
}

static void cache_init(void)
{
    cache_key_ok = CRYPTO_THREAD_init_local(&cache_key, cache_free);
    if (cache_key_ok)
        OPENSSL_atexit(cache_cleanup);
}

/* The reusable context for this use and digest, or NULL (then a fresh one
 * is made per call). */
static EVP_KDF_CTX *cached_ctx(const struct shim_algs *a, int use, const EVP_MD *md)
{
    struct kdf_cache *c;
    int m = md == a->sha256 ? MD_SHA256 : md == a->sha384 ? MD_SHA384 : -1;
    int mode = use == HKDF_EXTRACT ? EVP_KDF_HKDF_MODE_EXTRACT_ONLY : EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[3];

    if (m < 0 || !CRYPTO_THREAD_run_once(&cache_once, cache_init) || !cache_key_ok)
        return NULL;
    if ((c = CRYPTO_THREAD_get_local(&cache_key)) == NULL) {
        if ((c = OPENSSL_zalloc(sizeof(*c))) == NULL || !CRYPTO_THREAD_set_local(&cache_key, c)) {
            OPENSSL_free(c);
            return NULL;
        }
    }
    if (c->algs != a) {
        cache_clear(c);
        c->algs = a;
    }
    if (c->ctx[use][m] != NULL)
        return c->ctx[use][m];
    c->ctx[use][m] = EVP_KDF_CTX_new(use == HKDF_EXTRACT ? a->hkdf : a->tls13_kdf);
    if (c->ctx[use][m] == NULL)
        return NULL;
    params[0] =
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[2] = OSSL_PARAM_construct_end();
    if (!EVP_KDF_CTX_set_params(c->ctx[use][m], params)) {
        EVP_KDF_CTX_free(c->ctx[use][m]);
        c->ctx[use][m] = NULL;
    }
    return c->ctx[use][m];
}

/* params[0] and [1] are the digest and the mode, which a cached context
 * already has. */
static int run_hkdf(const struct shim_algs *a, int use, const EVP_MD *md, OSSL_PARAM *params,
                    uint8_t *out, size_t out_len)
{
    EVP_KDF_CTX *kctx = cached_ctx(a, use, md);

    if (kctx == NULL)
        return run_kdf(use == HKDF_EXTRACT ? a->hkdf : a->tls13_kdf, params, out, out_len);
    if (EVP_KDF_derive(kctx, out, out_len, params + 2) <= 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    return 1;
}

int tls_hkdf_extract(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *salt,
                     size_t salt_len, const uint8_t *ikm, size_t ikm_len, uint8_t *out)
{
    static const uint8_t zeros[EVP_MAX_MD_SIZE];
    size_t hlen = (size_t)EVP_MD_get_size(md);
    int mode = EVP_KDF_HKDF_MODE_EXTRACT_ONLY;
    OSSL_PARAM params[5], *p = params;

    if (salt == NULL) {
        salt = zeros;
        salt_len = hlen;
    }
    if (ikm == NULL) {
        ikm = zeros;
        ikm_len = hlen;
    }
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    *p = OSSL_PARAM_construct_end();
    return run_hkdf(algs, HKDF_EXTRACT, md, params, out, hlen);
}

int tls_hkdf_expand_label(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *secret,
                          size_t secret_len, const char *label, size_t label_len,
                          const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len)
{
    static const char prefix[] = "tls13 ";
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[7], *p = params;

    if (context == NULL) /* the KDF wants a pointer even for an empty context */
        context = (const uint8_t *)"";

    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secret_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX, (void *)prefix,
                                             sizeof(prefix) - 1);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL, (void *)label, label_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, (void *)context, context_len);
    *p = OSSL_PARAM_construct_end();
    return run_hkdf(algs, HKDF_EXPAND_LABEL, md, params, out, out_len);
}

int tls1_prf(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *secret,
             size_t secret_len, const char *label, const uint8_t *seed1, size_t seed1_len,
             const uint8_t *seed2, size_t seed2_len, const uint8_t *seed3, size_t seed3_len,
             uint8_t *out, size_t out_len)
{
    OSSL_PARAM params[7], *p = params;

    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, secret_len);
    /* The PRF's seed is label || seed; the KDF concatenates repeated seeds. */
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)label, strlen(label));
    if (seed1_len > 0)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed1, seed1_len);
    if (seed2_len > 0)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed2, seed2_len);
    if (seed3_len > 0)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed3, seed3_len);
    *p = OSSL_PARAM_construct_end();
    return run_kdf(algs->tls1_prf, params, out, out_len);
}
