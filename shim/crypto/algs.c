/*
 * shimssl - algorithms fetched once and shared by every connection.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/core_names.h>

#include "crypto/algs.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "crypto/kex.h"
#include "crypto/sig.h"
#include "crypto/x509_cache.h"

static void tls13_zero(const struct shim_algs *a, const EVP_MD *md, struct shim_tls13_zero *z)
{
    size_t hlen;

    if (md == NULL || a->hmac == NULL)
        return;
    hlen = (size_t)EVP_MD_get_size(md);
    z->ok = shim_digest(md, NULL, 0, z->empty_hash, NULL) &&
            tls_hkdf_extract(a, md, NULL, 0, NULL, 0, z->early) &&
            tls_hkdf_expand_label(a, md, z->early, hlen, "derived", 7, z->empty_hash, hlen,
                                  z->derived, hlen);
}

const struct shim_tls13_zero *shim_algs_tls13_zero(const struct shim_algs *a, const EVP_MD *md)
{
    const struct shim_tls13_zero *z = md == a->sha256   ? &a->zero256
                                      : md == a->sha384 ? &a->zero384
                                                        : NULL;
    return z != NULL && z->ok ? z : NULL;
}

/* Fetches everything; algorithms a provider lacks stay NULL, and whatever
 * needs them fails later with a precise error. */
static struct shim_algs *algs_new(OSSL_LIB_CTX *libctx, const char *propq)
{
    struct shim_algs *a = OPENSSL_zalloc(sizeof(*a));
    if (a == NULL)
        return NULL;
    a->libctx = libctx;
    if (propq != NULL && (a->propq = OPENSSL_strdup(propq)) == NULL) {
        OPENSSL_free(a);
        return NULL;
    }
    if ((a->lock = CRYPTO_THREAD_lock_new()) == NULL) {
        OPENSSL_free(a->propq);
        OPENSSL_free(a);
        return NULL;
    }
    a->peer_certs = shim_x509_cache_new(); /* without it, every certificate is parsed */
    a->sig_ctxs = shim_sig_cache_new();    /* without it, a context per signature */
    ERR_set_mark();
    a->md5_sha1 = EVP_MD_fetch(libctx, "MD5-SHA1", propq);
    a->sha1 = EVP_MD_fetch(libctx, "SHA1", propq);
    a->sha224 = EVP_MD_fetch(libctx, "SHA224", propq);
    a->sha256 = EVP_MD_fetch(libctx, "SHA256", propq);
    a->sha384 = EVP_MD_fetch(libctx, "SHA384", propq);
    a->sha512 = EVP_MD_fetch(libctx, "SHA512", propq);
    a->aes128gcm = EVP_CIPHER_fetch(libctx, "AES-128-GCM", propq);
    a->aes256gcm = EVP_CIPHER_fetch(libctx, "AES-256-GCM", propq);
    a->chacha20poly1305 = EVP_CIPHER_fetch(libctx, "ChaCha20-Poly1305", propq);
    a->aes128ccm = EVP_CIPHER_fetch(libctx, "AES-128-CCM", propq);
    a->aes256ccm = EVP_CIPHER_fetch(libctx, "AES-256-CCM", propq);
    a->aes128cbc = EVP_CIPHER_fetch(libctx, "AES-128-CBC", propq);
    a->aes256cbc = EVP_CIPHER_fetch(libctx, "AES-256-CBC", propq);
    for (int aes256 = 0; aes256 < 2; aes256++)
        for (int sha256 = 0; sha256 < 2; sha256++) {
            static const char *const names[2][2] = {
                {"AES-128-CBC-HMAC-SHA1", "AES-128-CBC-HMAC-SHA256"},
                {"AES-256-CBC-HMAC-SHA1", "AES-256-CBC-HMAC-SHA256"}};
            EVP_CIPHER *stitched = EVP_CIPHER_fetch(libctx, names[aes256][sha256], propq);

            a->cbc_hmac_stitched[aes256][sha256] = stitched != NULL;
            EVP_CIPHER_free(stitched);
        }
    a->tls1_prf = EVP_KDF_fetch(libctx, OSSL_KDF_NAME_TLS1_PRF, propq);
    a->hmac = EVP_MAC_fetch(libctx, OSSL_MAC_NAME_HMAC, propq);
    tls13_zero(a, a->sha256, &a->zero256);
    tls13_zero(a, a->sha384, &a->zero384);
    ERR_pop_to_mark();
    return a;
}

void shim_algs_free(struct shim_algs *a)
{
    if (a == NULL)
        return;
    EVP_MD_free(a->md5_sha1);
    EVP_MD_free(a->sha1);
    EVP_MD_free(a->sha224);
    EVP_MD_free(a->sha256);
    EVP_MD_free(a->sha384);
    EVP_MD_free(a->sha512);
    EVP_CIPHER_free(a->aes128gcm);
    EVP_CIPHER_free(a->aes256gcm);
    EVP_CIPHER_free(a->chacha20poly1305);
    EVP_CIPHER_free(a->aes128ccm);
    EVP_CIPHER_free(a->aes256ccm);
    EVP_CIPHER_free(a->aes128cbc);
    EVP_CIPHER_free(a->aes256cbc);
    EVP_KDF_free(a->tls1_prf);
    EVP_MAC_free(a->hmac);
    for (size_t i = 0; i < sizeof(a->group_template) / sizeof(a->group_template[0]); i++)
        shim_kex_template_free(a->group_template[i]);
    shim_x509_cache_free(a->peer_certs);
    shim_sig_cache_free(a->sig_ctxs);
    CRYPTO_THREAD_lock_free(a->lock);
    OPENSSL_free(a->propq);
    OPENSSL_free(a);
}

static struct shim_algs *shared;
static CRYPTO_ONCE shared_once = CRYPTO_ONCE_STATIC_INIT;

static void free_shared(void)
{
    shim_algs_free(shared);
    shared = NULL;
}

static void make_shared(void)
{
    shared = algs_new(NULL, NULL);
    /* Freed in OPENSSL_cleanup, before the providers it came from go. */
    if (shared != NULL)
        OPENSSL_atexit(free_shared);
}

const struct shim_algs *shim_algs_get(SSL_CTX *ctx)
{
    if (ctx->libctx == NULL && ctx->propq == NULL) {
        if (!CRYPTO_THREAD_run_once(&shared_once, make_shared) || shared == NULL) {
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            return NULL;
        }
        return shared;
    }
    if (!CRYPTO_THREAD_write_lock(ctx->lock))
        return NULL;
    if (ctx->algs == NULL)
        ctx->algs = algs_new(ctx->libctx, ctx->propq);
    CRYPTO_THREAD_unlock(ctx->lock);
    if (ctx->algs == NULL)
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    return ctx->algs;
}

const EVP_MD *shim_algs_md_by_nid(const struct shim_algs *a, int nid)
{
    switch (nid) {
    case NID_sha256:
        return a->sha256;
    case NID_sha384:
        return a->sha384;
    case NID_sha1:
        return a->sha1;
    case NID_md5_sha1:
        return a->md5_sha1;
    case NID_sha224:
        return a->sha224;
    case NID_sha512:
        return a->sha512;
    default:
        return NULL;
    }
}
