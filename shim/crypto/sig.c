/*
 * shimssl - handshake signatures through EVP_DigestSign/Verify.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/rsa.h>

#include "crypto/sig.h"

static int setup(EVP_MD_CTX *mctx, const struct shim_algs *a, struct shim_sig_scheme alg,
                 EVP_PKEY *pkey, int sign)
{
    EVP_PKEY_CTX *pctx = NULL;
    const char *md = alg.hash_nid == NID_undef ? NULL : OBJ_nid2sn(alg.hash_nid);
    int ok = sign ? EVP_DigestSignInit_ex(mctx, &pctx, md, a->libctx, a->propq, pkey, NULL)
                  : EVP_DigestVerifyInit_ex(mctx, &pctx, md, a->libctx, a->propq, pkey, NULL);
    if (ok <= 0)
        return 0;
    /* RFC 8446 4.2.3: RSASSA-PSS with MGF1 and a salt as long as the hash. */
    if (alg.pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
                    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0))
        return 0;
    return 1;
}

int tls_sig_verify(const struct shim_algs *a, struct shim_sig_scheme alg, EVP_PKEY *pkey,
                   const uint8_t *tbs, size_t tbs_len, const uint8_t *sig, size_t sig_len)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    int ok = mctx != NULL && setup(mctx, a, alg, pkey, 0) &&
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
