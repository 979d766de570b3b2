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
 * Peer (public) keys' templates live in the library context's set
 * (struct shim_algs); our own private keys' signing templates live in the
 * SSL_CTX that holds the key (tls_sig_sign's kept), so that no private key
 * outlives the context that was given it.
 */
#include "shim.h"

#include <openssl/rsa.h>

#include "crypto/pkey.h"
#include "crypto/sig.h"

/* Enough for the leaf keys of the servers a client talks to in turn, under
 * a few schemes each; replaced round-robin. */
#define KEPT_SLOTS 32

struct kept_slot {
    const EVP_PKEY *pkey; /* the key (ctx holds the reference) */
    struct shim_sig_scheme scheme;
    int sign;
    EVP_PKEY_CTX *ctx; /* initialised to sign or verify, digest and padding set */
};

/* Whether a key can sign with a digest (EVP_PKEY_digestsign_supports_digest
 * initialises a signature by name to find out: ~16 read locks of libcrypto's
 * method store and name map, asked for each candidate scheme of each
 * handshake).  The slot holds a reference to the key, as a template does. */
#define CAN_SIGN_SLOTS 16

struct can_sign_slot {
    EVP_PKEY *pkey;
    int hash_nid;
    int answer;
};

struct shim_sig_cache {
    CRYPTO_RWLOCK *lock;
    struct kept_slot slot[KEPT_SLOTS];
    size_t next;
    struct can_sign_slot can[CAN_SIGN_SLOTS];
    size_t can_next;
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
    for (size_t i = 0; i < KEPT_SLOTS; i++)
        EVP_PKEY_CTX_free(c->slot[i].ctx);
    for (size_t i = 0; i < CAN_SIGN_SLOTS; i++)
        EVP_PKEY_free(c->can[i].pkey);
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

static EVP_PKEY_CTX *new_template(const struct shim_algs *a, struct shim_sig_scheme alg,
                                  const EVP_MD *md, EVP_PKEY *pkey, int sign)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(a->libctx, pkey, a->propq);

    if (pctx == NULL || (sign ? EVP_PKEY_sign_init(pctx) : EVP_PKEY_verify_init(pctx)) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(pctx, md) <= 0 || !set_padding(pctx, alg)) {
        EVP_PKEY_CTX_free(pctx);
        return NULL;
    }
    return pctx;
}

static int same(const struct kept_slot *sl, const EVP_PKEY *pkey, struct shim_sig_scheme alg,
                int sign)
{
    return sl->ctx != NULL && sl->pkey == pkey && sl->sign == sign &&
           sl->scheme.hash_nid == alg.hash_nid && sl->scheme.pss == alg.pss;
}

/* A context to sign or verify with pkey under alg, the caller's to free: a
 * duplicate of the template kept in c (NULL: none kept), made (and kept) on
 * first use. */
static EVP_PKEY_CTX *kept_ctx(struct shim_sig_cache *c, const struct shim_algs *a,
                              struct shim_sig_scheme alg, const EVP_MD *md, EVP_PKEY *pkey,
                              int sign)
{
    EVP_PKEY_CTX *dup = NULL, *tmpl;
    struct kept_slot *sl;

    if (c == NULL)
        return new_template(a, alg, md, pkey, sign);
    if (!CRYPTO_THREAD_read_lock(c->lock))
        return NULL;
    for (size_t i = 0; i < KEPT_SLOTS && dup == NULL; i++)
        if (same(&c->slot[i], pkey, alg, sign))
            dup = EVP_PKEY_CTX_dup(c->slot[i].ctx);
    CRYPTO_THREAD_unlock(c->lock);
    if (dup != NULL)
        return dup;
    if ((tmpl = new_template(a, alg, md, pkey, sign)) == NULL)
        return NULL;
    if ((dup = EVP_PKEY_CTX_dup(tmpl)) == NULL || !CRYPTO_THREAD_write_lock(c->lock)) {
        /* Not kept: the template itself is used once. */
        EVP_PKEY_CTX_free(dup);
        return tmpl;
    }
    for (size_t i = 0; i < KEPT_SLOTS && tmpl != NULL; i++)
        if (same(&c->slot[i], pkey, alg, sign)) { /* another thread kept one meanwhile */
            EVP_PKEY_CTX_free(tmpl);
            tmpl = NULL;
        }
    if (tmpl != NULL) {
        sl = &c->slot[c->next];
        EVP_PKEY_CTX_free(sl->ctx);
        *sl = (struct kept_slot){pkey, alg, sign, tmpl};
        c->next = (c->next + 1) % KEPT_SLOTS;
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
             (pctx = kept_ctx(a->sig_ctxs, a, alg, md, pkey, 0)) != NULL;
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

int tls_sig_sign(const struct shim_algs *a, struct shim_sig_cache *kept, struct shim_sig_scheme alg,
                 EVP_PKEY *pkey, const uint8_t *tbs, size_t tbs_len, uint8_t **sig, size_t *sig_len)
{
    const EVP_MD *md = alg.hash_nid == NID_undef ? NULL : shim_algs_md_by_nid(a, alg.hash_nid);
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    EVP_PKEY_CTX *pctx = NULL;
    EVP_MD_CTX *mctx = NULL;
    int ok = 0;

    *sig = NULL;
    if (md != NULL) {
        /* Hash, then sign the digest: what EVP_DigestSign does, on a kept
         * context. */
        ok = EVP_Digest(tbs, tbs_len, digest, &digest_len, md, NULL) &&
             (pctx = kept_ctx(kept, a, alg, md, pkey, 1)) != NULL &&
             EVP_PKEY_sign(pctx, NULL, sig_len, digest, digest_len) > 0 &&
             (*sig = OPENSSL_malloc(*sig_len)) != NULL &&
             EVP_PKEY_sign(pctx, *sig, sig_len, digest, digest_len) > 0;
        EVP_PKEY_CTX_free(pctx);
        OPENSSL_cleanse(digest, sizeof(digest));
    } else {
        /* EdDSA signs the message itself. */
        ok = (mctx = EVP_MD_CTX_new()) != NULL && setup(mctx, a, alg, pkey, 1) &&
             EVP_DigestSign(mctx, NULL, sig_len, tbs, tbs_len) > 0 &&
             (*sig = OPENSSL_malloc(*sig_len)) != NULL &&
             EVP_DigestSign(mctx, *sig, sig_len, tbs, tbs_len) > 0;
        EVP_MD_CTX_free(mctx);
    }
    if (!ok) {
        OPENSSL_free(*sig);
        *sig = NULL;
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
    }
    return ok;
}

/* The kept answer for (pkey, hash_nid), or -1. */
static int kept_can_sign(const struct shim_sig_cache *c, const EVP_PKEY *pkey, int hash_nid)
{
    for (size_t i = 0; i < CAN_SIGN_SLOTS; i++)
        if (c->can[i].pkey == pkey && c->can[i].hash_nid == hash_nid)
            return c->can[i].answer;
    return -1;
}

int shim_sig_can_sign_digest(struct shim_sig_cache *c, OSSL_LIB_CTX *libctx, const char *propq,
                             EVP_PKEY *pkey, int hash_nid)
{
    int answer = -1;
    struct can_sign_slot *sl;

    if (c != NULL && CRYPTO_THREAD_read_lock(c->lock)) {
        answer = kept_can_sign(c, pkey, hash_nid);
        CRYPTO_THREAD_unlock(c->lock);
    }
    if (answer >= 0)
        return answer;
    answer = shim_pkey_can_sign_digest(libctx, propq, pkey, hash_nid);
    if (c == NULL || !CRYPTO_THREAD_write_lock(c->lock))
        return answer;
    if (kept_can_sign(c, pkey, hash_nid) < 0 && EVP_PKEY_up_ref(pkey)) {
        sl = &c->can[c->can_next];
        EVP_PKEY_free(sl->pkey);
        *sl = (struct can_sign_slot){pkey, hash_nid, answer};
        c->can_next = (c->can_next + 1) % CAN_SIGN_SLOTS;
    }
    CRYPTO_THREAD_unlock(c->lock);
    return answer;
}
