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
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    *p = OSSL_PARAM_construct_end();
    return run_kdf(algs->hkdf, params, out, hlen);
}

int tls_hkdf_expand_label(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *secret,
                          size_t secret_len, const char *label, size_t label_len,
                          const uint8_t *context, size_t context_len, uint8_t *out,
                          size_t out_len)
{
    static const char prefix[] = "tls13 ";
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[7], *p = params;

    if (context == NULL) /* the KDF wants a pointer even for an empty context */
        context = (const uint8_t *)"";

    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secret_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX, (void *)prefix,
                                             sizeof(prefix) - 1);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL, (void *)label, label_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, (void *)context, context_len);
    *p = OSSL_PARAM_construct_end();
    return run_kdf(algs->tls13_kdf, params, out, out_len);
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
