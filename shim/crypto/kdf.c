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
 * HMAC contexts kept per thread, one per digest, with the digest set once.
 * HKDF-Extract, HKDF-Expand-Label and the TLS 1.2 PRF are composed here from
 * libcrypto's HMAC (RFC 5869 2.2-2.3, RFC 8446 7.1, RFC 5246 5): libcrypto's
 * KDFs build HMAC contexts anew on every call (twice the instructions), and
 * a context reused with the key it already holds is re-initialised without
 * the key schedule (EVP_MAC_init with a NULL key), which is what the PRF's
 * blocks and the several labels expanded from one secret do.  The context
 * remembers its key (the HMAC state holds it anyway) until the next use or
 * thread exit.  Unit tests hold the bytes to libcrypto's HKDF, TLS13-KDF and
 * TLS1-PRF.
 */
enum { MD_SHA256, MD_SHA384, MDS };

/* Keyed contexts kept per digest: a handshake's key schedule goes back to
 * a secret after using others (the Early Secret for its "derived" salt
 * after the binder's keys, a traffic secret for its Finished key after the
 * other side's), and a context keyed anew costs two compressions more than
 * one re-initialised on the key it holds. */
#define MAC_WAYS 4

struct mac_slot {
    EVP_MAC_CTX *ctx;
    size_t key_len; /* the key ctx holds, when key_set */
    int key_set;
    unsigned long used;  /* when last used: the least recent is re-keyed */
    const uint8_t *from; /* where the key was read: looked at first (below) */
    uint8_t key[EVP_MAX_MD_SIZE];
};

struct mac_cache {
    const struct shim_algs *algs; /* whose HMAC and digests these are */
    struct mac_slot slot[MDS][MAC_WAYS];
    unsigned long clock;
};

static CRYPTO_ONCE cache_once = CRYPTO_ONCE_STATIC_INIT;
static CRYPTO_THREAD_LOCAL cache_key;
static int cache_key_ok;

static void cache_clear(struct mac_cache *c)
{
    for (int m = 0; m < MDS; m++)
        for (int w = 0; w < MAC_WAYS; w++) {
            EVP_MAC_CTX_free(c->slot[m][w].ctx);
            OPENSSL_cleanse(&c->slot[m][w], sizeof(c->slot[m][w]));
            c->slot[m][w].ctx = NULL;
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

static EVP_MAC_CTX *new_hmac(const struct shim_algs *a, const EVP_MD *md)
{
    EVP_MAC_CTX *ctx = a->hmac != NULL ? EVP_MAC_CTX_new(a->hmac) : NULL;
    OSSL_PARAM params[2];

    params[0] =
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    params[1] = OSSL_PARAM_construct_end();
    if (ctx != NULL && !EVP_MAC_CTX_set_params(ctx, params)) {
        EVP_MAC_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/* This thread's cache, for a's algorithms; NULL when there is none (no
 * memory: the caller then uses a context of its own). */
static struct mac_cache *thread_cache(const struct shim_algs *a)
{
    struct mac_cache *c;

    if (!CRYPTO_THREAD_run_once(&cache_once, cache_init) || !cache_key_ok)
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
    return c;
}

/* An HMAC keyed with key, ready for updates: one of the thread's contexts
 * for md (re-initialised without a key schedule when it already holds this
 * key, else the least recently used one keyed), or, for other digests,
 * *own, made here and freed by the caller. */
static EVP_MAC_CTX *hmac_start(const struct shim_algs *a, const EVP_MD *md, const uint8_t *key,
                               size_t key_len, EVP_MAC_CTX **own)
{
    int m = md == a->sha256 ? MD_SHA256 : md == a->sha384 ? MD_SHA384 : -1;
    struct mac_cache *c = m >= 0 ? thread_cache(a) : NULL;
    struct mac_slot *sl, *victim;

    *own = NULL;
    if (c == NULL) {
        if ((*own = new_hmac(a, md)) == NULL || !EVP_MAC_init(*own, key, key_len, NULL))
            return NULL;
        return *own;
    }
    /* A secret is passed from where the key schedule keeps it: only a slot
     * keyed from the same place is compared (in constant time), so that a
     * miss costs no comparison. */
    victim = &c->slot[m][0];
    for (int w = 0; w < MAC_WAYS; w++) {
        sl = &c->slot[m][w];
        if (sl->key_set && sl->from == key && sl->key_len == key_len &&
            CRYPTO_memcmp(sl->key, key, key_len) == 0) {
            sl->used = ++c->clock;
            return EVP_MAC_init(sl->ctx, NULL, 0, NULL) ? sl->ctx : NULL;
        }
        if (sl->used < victim->used)
            victim = sl;
    }
    sl = victim;
    sl->key_set = 0;
    sl->used = ++c->clock;
    if (sl->ctx == NULL && (sl->ctx = new_hmac(a, md)) == NULL)
        return NULL;
    if (!EVP_MAC_init(sl->ctx, key, key_len, NULL))
        return NULL;
    if (key_len <= sizeof(sl->key)) {
        memcpy(sl->key, key, key_len);
        sl->from = key;
        sl->key_len = key_len;
        sl->key_set = 1;
    }
    return sl->ctx;
}

/* One HMAC(key, p1 || p2 || p3 || p4) into out (the digest's size). */
static int hmac4(const struct shim_algs *a, const EVP_MD *md, const uint8_t *key, size_t key_len,
                 const uint8_t *p1, size_t l1, const uint8_t *p2, size_t l2, const uint8_t *p3,
                 size_t l3, const uint8_t *p4, size_t l4, uint8_t *out)
{
    EVP_MAC_CTX *own, *ctx = hmac_start(a, md, key, key_len, &own);
    size_t n;
    int ok = ctx != NULL && (l1 == 0 || EVP_MAC_update(ctx, p1, l1)) &&
             (l2 == 0 || EVP_MAC_update(ctx, p2, l2)) && (l3 == 0 || EVP_MAC_update(ctx, p3, l3)) &&
             (l4 == 0 || EVP_MAC_update(ctx, p4, l4)) &&
             EVP_MAC_final(ctx, out, &n, EVP_MAX_MD_SIZE);

    EVP_MAC_CTX_free(own);
    if (!ok)
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
    return ok;
}

int tls_hmac(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *key, size_t key_len,
             const uint8_t *data, size_t data_len, uint8_t *out)
{
    return hmac4(algs, md, key, key_len, data, data_len, NULL, 0, NULL, 0, NULL, 0, out);
}

int tls_hkdf_extract(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *salt,
                     size_t salt_len, const uint8_t *ikm, size_t ikm_len, uint8_t *out)
{
    static const uint8_t zeros[EVP_MAX_MD_SIZE];
    size_t hlen = (size_t)EVP_MD_get_size(md);

    if (salt == NULL) {
        salt = zeros;
        salt_len = hlen;
    }
    if (ikm == NULL) {
        ikm = zeros;
        ikm_len = hlen;
    }
    /* RFC 5869 2.2: PRK = HMAC-Hash(salt, IKM) */
    return hmac4(algs, md, salt, salt_len, ikm, ikm_len, NULL, 0, NULL, 0, NULL, 0, out);
}

int tls_hkdf_expand_label(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *secret,
                          size_t secret_len, const char *label, size_t label_len,
                          const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len)
{
    /* RFC 8446 7.1: HkdfLabel = uint16 length, opaque label<7..255> ("tls13 "
     * || Label), opaque context<0..255>; RFC 5869 2.3: T(i) = HMAC(PRK,
     * T(i-1) || info || i). */
    uint8_t info[2 + 1 + 6 + 255 + 1 + 255], t[EVP_MAX_MD_SIZE];
    size_t hlen = (size_t)EVP_MD_get_size(md), info_len = 0, done = 0;
    uint8_t i = 0;

    if (label_len > 255 - 6 || context_len > 255 || out_len > 255 * hlen || out_len > 0xffff) {
        ERR_raise(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR);
        return 0;
    }
    info[info_len++] = (uint8_t)(out_len >> 8);
    info[info_len++] = (uint8_t)out_len;
    info[info_len++] = (uint8_t)(6 + label_len);
    memcpy(info + info_len, "tls13 ", 6);
    memcpy(info + info_len + 6, label, label_len);
    info_len += 6 + label_len;
    info[info_len++] = (uint8_t)context_len;
    if (context_len > 0)
        memcpy(info + info_len, context, context_len);
    info_len += context_len;
    while (done < out_len) {
        size_t take = out_len - done < hlen ? out_len - done : hlen;
        i++;
        if (!hmac4(algs, md, secret, secret_len, t, i > 1 ? hlen : 0, info, info_len, &i, 1, NULL,
                   0, t)) {
            OPENSSL_cleanse(t, sizeof(t));
            return 0;
        }
        memcpy(out + done, t, take);
        done += take;
    }
    OPENSSL_cleanse(t, sizeof(t));
    return 1;
}

/* RFC 5246 5: P_hash(secret, seed) = HMAC(secret, A(1) || seed) ||
 * HMAC(secret, A(2) || seed) || ..., A(0) = seed, A(i) = HMAC(secret,
 * A(i-1)); here seed = label || seed1 || seed2 || seed3. */
static int p_hash(const struct shim_algs *a, const EVP_MD *md, const uint8_t *secret,
                  size_t secret_len, const char *label, const uint8_t *seed1, size_t seed1_len,
                  const uint8_t *seed2, size_t seed2_len, const uint8_t *seed3, size_t seed3_len,
                  uint8_t *out, size_t out_len)
{
    uint8_t a_i[EVP_MAX_MD_SIZE], block[EVP_MAX_MD_SIZE];
    size_t hlen = (size_t)EVP_MD_get_size(md), label_len = strlen(label), done = 0;
    int ok = hmac4(a, md, secret, secret_len, (const uint8_t *)label, label_len, seed1, seed1_len,
                   seed2, seed2_len, seed3, seed3_len, a_i);

    while (ok && done < out_len) {
        size_t take = out_len - done < hlen ? out_len - done : hlen;
        EVP_MAC_CTX *own, *ctx = hmac_start(a, md, secret, secret_len, &own);
        size_t n;
        ok = ctx != NULL && EVP_MAC_update(ctx, a_i, hlen) &&
             EVP_MAC_update(ctx, (const uint8_t *)label, label_len) &&
             (seed1_len == 0 || EVP_MAC_update(ctx, seed1, seed1_len)) &&
             (seed2_len == 0 || EVP_MAC_update(ctx, seed2, seed2_len)) &&
             (seed3_len == 0 || EVP_MAC_update(ctx, seed3, seed3_len)) &&
             EVP_MAC_final(ctx, block, &n, sizeof(block));
        EVP_MAC_CTX_free(own);
        if (!ok) {
            ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
            break;
        }
        memcpy(out + done, block, take);
        done += take;
        if (done < out_len)
            ok = hmac4(a, md, secret, secret_len, a_i, hlen, NULL, 0, NULL, 0, NULL, 0, a_i);
    }
    OPENSSL_cleanse(a_i, sizeof(a_i));
    OPENSSL_cleanse(block, sizeof(block));
    return ok;
}

int tls1_prf(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *secret,
             size_t secret_len, const char *label, const uint8_t *seed1, size_t seed1_len,
             const uint8_t *seed2, size_t seed2_len, const uint8_t *seed3, size_t seed3_len,
             uint8_t *out, size_t out_len)
{
    OSSL_PARAM params[7], *p = params;

    /* TLS 1.2's PRF is one P_hash; TLS 1.0 and 1.1 XOR P_MD5 and P_SHA-1
     * over the two halves of the secret (rare: left to libcrypto's KDF). */
    if (md != algs->md5_sha1)
        return p_hash(algs, md, secret, secret_len, label, seed1, seed1_len, seed2, seed2_len,
                      seed3, seed3_len, out, out_len);

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
