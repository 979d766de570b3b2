/*
 * shimssl - one-shot digests and HMAC.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/core_names.h>

#include "crypto/hash.h"

size_t shim_md_size(const EVP_MD *md)
{
    int n = EVP_MD_get_size(md);
    return n > 0 ? (size_t)n : 0;
}

const EVP_MD *shim_md_by_nid(int nid)
{
    return EVP_get_digestbynid(nid);
}

int shim_digest(const EVP_MD *md, const uint8_t *data, size_t len, uint8_t *out, size_t *out_len)
{
    unsigned int n = 0;

    if (!EVP_Digest(data != NULL ? data : (const uint8_t *)"", len, out, &n, md, NULL)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    if (out_len != NULL)
        *out_len = n;
    return 1;
}

int shim_hmac(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *key, size_t key_len,
              const uint8_t *data, size_t data_len, uint8_t *out)
{
    size_t hlen = shim_md_size(md), outl = 0;
    OSSL_PARAM params[2];
    EVP_MAC_CTX *mctx;
    int ok;

    params[0] =
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    params[1] = OSSL_PARAM_construct_end();
    ok = (mctx = EVP_MAC_CTX_new(algs->hmac)) != NULL && EVP_MAC_init(mctx, key, key_len, params) &&
         EVP_MAC_update(mctx, data, data_len) && EVP_MAC_final(mctx, out, &outl, hlen);
    EVP_MAC_CTX_free(mctx);
    if (!ok)
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
    return ok;
}
