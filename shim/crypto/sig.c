/*
 * shimssl - handshake signatures through EVP_DigestSign/Verify.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Verification with a digest (every scheme but EdDSA) runs on a context
 * duplicated from a kept template, one per peer key and scheme: making a
 * context by digest name (EVP_DigestVerifyInit_ex) fetches the signature
 * algorithm and looks up the key type's names (~28 K instructions), a
 * duplicate of an initialised context costs ~1 K.  Peer keys repeat because
 * parsed certificates are kept (x509_cache.h), so the same EVP_PKEY comes
 * back for the same server; a template holds a reference to its key, so the
 * pointer it is keyed by cannot be reused for another key while it is kept.
 * Only public keys are kept this way.
 */
#include "shim.h"

#include <openssl/rsa.h>

#include "crypto/sig.h"

/* Enough for the leaf keys of the servers a client talks to in turn, under
 * a few schemes each; replaced round-robin. */
#define VERIFY_SLOTS 32

struct verify_slot {
    const EVP_PKEY *pkey; /* the key (ctx holds the reference) */
    struct shim_sig_scheme scheme;
    EVP_PKEY_CTX *ctx; /* initialised for verification, digest and padding set */
};

struct shim_sig_cache {
    CRYPTO_RWLOCK *lock;
    struct verify_slot slot[VERIFY_SLOTS];
    size_t next;
};

struct shim_sig_cache *shim_sig_cache_new(void)
{
    struct shim_sig_cache *c = OPENSSL_zalloc(sizeof(*c));

    if (c != NULL && (c->lock = CRYPTO_THREAD_lock_new()) == NULL) {
        OPENSSL_free(c);
        c = NULL;
    }
    return c;
}

void shim_sig_cache_free(struct shim_sig_cache *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < VERIFY_SLOTS; i++)
        EVP_PKEY_CTX_free(c->slot[i].ctx);
    CRYPTO_THREAD_lock_free(c->lock);
    OPENSSL_free(c);
}

static int set_padding(EVP_PKEY_CTX *pctx, struct shim_sig_scheme alg)
{
    /* RFC 8446 4.2.3: RSASSA-PSS with MGF1 and a salt as long as the hash. */
    return !alg.pss || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
                        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0);
}

static int setup(EVP_MD_CTX *mctx, const struct shim_algs *a, struct shim_sig_scheme alg,
                 EVP_PKEY *pkey, int sign)
{
    EVP_PKEY_CTX *pctx = NULL;
    const char *md = alg.hash_nid == NID_undef ? NULL : OBJ_nid2sn(alg.hash_nid);
    int ok = sign ? EVP_DigestSignInit_ex(mctx, &pctx, md, a->libctx, a->propq, pkey, NULL)
                  : EVP_DigestVerifyInit_ex(mctx, &pctx, md, a->libctx, a->propq, pkey, NULL);
    return ok > 0 && set_padding(pctx, alg);
}

static EVP_PKEY_CTX *new_verify_template(const struct shim_algs *a, struct shim_sig_scheme alg,
                                         const EVP_MD *md, EVP_PKEY *pkey)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, pkey, a->propq);

    if (pctx == NULL || EVP_PKEY_verify_init(pctx) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(pctx, md) <= 0 || !set_padding(pctx, alg)) {
        EVP_PKEY_CTX_free(pctx);
        return NULL;
    }
    return pctx;
}

static int same(const struct verify_slot *sl, const EVP_PKEY *pkey, struct shim_sig_scheme alg)
{
    return sl->ctx != NULL && sl->pkey == pkey && sl->scheme.hash_nid == alg.hash_nid &&
           sl->scheme.pss == alg.pss;
}

/* A verification context for pkey under alg, the caller's to free: a
 * duplicate of the kept template, made (and kept) on first use. */
static EVP_PKEY_CTX *verify_ctx(const struct shim_algs *a, struct shim_sig_scheme alg,
                                const EVP_MD *md, EVP_PKEY *pkey)
{
    struct shim_sig_cache *c = a->sig_ctxs;
    EVP_PKEY_CTX *dup = NULL, *tmpl;
    struct verify_slot *sl;

    if (c == NULL)
        return new_verify_template(a, alg, md, pkey);
    if (!CRYPTO_THREAD_read_lock(c->lock))
        return NULL;
    for (size_t i = 0; i < VERIFY_SLOTS && dup == NULL; i++)
        if (same(&c->slot[i], pkey, alg))
            dup = EVP_PKEY_CTX_dup(c->slot[i].ctx);
    CRYPTO_THREAD_unlock(c->lock);
    if (dup != NULL)
        return dup;
    if ((tmpl = new_verify_template(a, alg, md, pkey)) == NULL)
        return NULL;
    if ((dup = EVP_PKEY_CTX_dup(tmpl)) == NULL || !CRYPTO_THREAD_write_lock(c->lock)) {
        /* Not kept: the template itself is used once. */
        EVP_PKEY_CTX_free(dup);
        return tmpl;
    }
    for (size_t i = 0; i < VERIFY_SLOTS && tmpl != NULL; i++)
        if (same(&c->slot[i], pkey, alg)) { /* another thread kept one meanwhile */
            EVP_PKEY_CTX_free(tmpl);
            tmpl = NULL;
        }
    if (tmpl != NULL) {
        sl = &c->slot[c->next];
        EVP_PKEY_CTX_free(sl->ctx);
        *sl = (struct verify_slot){pkey, alg, tmpl};
        c->next = (c->next + 1) % VERIFY_SLOTS;
    }
    CRYPTO_THREAD_unlock(c->lock);
    return dup;
}

int tls_sig_verify(const struct shim_algs *a, struct shim_sig_scheme alg, EVP_PKEY *pkey,
                   const uint8_t *tbs, size_t tbs_len, const uint8_t *sig, size_t sig_len)
{
    const EVP_MD *md = alg.hash_nid == NID_undef ? NULL : shim_algs_md_by_nid(a, alg.hash_nid);
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    EVP_PKEY_CTX *pctx;
    EVP_MD_CTX *mctx;
    int ok;

    if (md != NULL) {
        /* Hash, then verify the digest: what EVP_DigestVerify does, on a
         * kept context. */
        ok = EVP_Digest(tbs, tbs_len, digest, &digest_len, md, NULL) &&
             (pctx = verify_ctx(a, alg, md, pkey)) != NULL;
        if (ok) {
            ok = EVP_PKEY_verify(pctx, sig, sig_len, digest, digest_len) > 0;
            EVP_PKEY_CTX_free(pctx);
        }
        return ok;
    }
    /* EdDSA signs the message itself (and a digest we have not fetched
     * goes by name). */
    mctx = EVP_MD_CTX_new();
    ok = mctx != NULL && setup(mctx, a, alg, pkey, 0) &&
         EVP_DigestVerify(mctx, sig, sig_len, tbs, tbs_len) > 0;
    EVP_MD_CTX_free(mctx);
    return ok;
}

int tls_sig_sign(const struct shim_algs *a, struct shim_sig_scheme alg, EVP_PKEY *pkey,
                 const uint8_t *tbs, size_t tbs_len, uint8_t **sig, size_t *sig_len)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    int ok = 0;

    *sig = NULL;
    if (mctx == NULL || !setup(mctx, a, alg, pkey, 1) ||
        EVP_DigestSign(mctx, NULL, sig_len, tbs, tbs_len) <= 0 ||
        (*sig = OPENSSL_malloc(*sig_len)) == NULL ||
        EVP_DigestSign(mctx, *sig, sig_len, tbs, tbs_len) <= 0) {
        OPENSSL_free(*sig);
        *sig = NULL;
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
    } else {
        ok = 1;
    }
    EVP_MD_CTX_free(mctx);
    return ok;
}
