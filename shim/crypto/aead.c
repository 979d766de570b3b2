/*
 * shimssl - record protection with an AEAD.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include <openssl/proverr.h>

#include "crypto/aead.h"

int tls_aead_init(struct tls_aead *a, const EVP_CIPHER *cipher, int enc, const uint8_t *key,
                  size_t key_len, const uint8_t *iv, size_t iv_len, size_t tag_len)
{
    memset(a, 0, sizeof(*a));
    if (cipher == NULL || iv_len > sizeof(a->iv) ||
        (size_t)EVP_CIPHER_get_key_length(cipher) != key_len) {
        ERR_raise(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR);
        return 0;
    }
    a->enc = enc;
    a->tag_len = tag_len;
    a->ccm = EVP_CIPHER_get_mode(cipher) == EVP_CIPH_CCM_MODE;
    memcpy(a->iv, iv, iv_len);
    if ((a->ctx = EVP_CIPHER_CTX_new()) == NULL ||
        !EVP_CipherInit_ex(a->ctx, cipher, NULL, NULL, NULL, enc) ||
        !EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_IVLEN, TLS_AEAD_NONCE_LEN, NULL) ||
        (a->ccm && !EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, NULL)) ||
        !EVP_CipherInit_ex(a->ctx, NULL, NULL, key, NULL, enc)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        tls_aead_cleanup(a);
        return 0;
    }
    return 1;
}

void tls_aead_cleanup(struct tls_aead *a)
{
    EVP_CIPHER_CTX_free(a->ctx);
    OPENSSL_cleanse(a, sizeof(*a));
}

void tls_aead_xor_nonce(const struct tls_aead *a, uint64_t seq, uint8_t nonce[TLS_AEAD_NONCE_LEN])
{
    memcpy(nonce, a->iv, TLS_AEAD_NONCE_LEN);
    for (int i = 0; i < 8; i++)
        nonce[TLS_AEAD_NONCE_LEN - 1 - i] ^= (uint8_t)(seq >> (8 * i));
}

int tls_aead_seal(struct tls_aead *a, const uint8_t nonce[TLS_AEAD_NONCE_LEN], const uint8_t *ad,
                  size_t ad_len, uint8_t *buf, size_t len)
{
    int n;
    if (!EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 1) ||
        (a->ccm && !EVP_CipherUpdate(a->ctx, NULL, &n, NULL, (int)len)) ||
        !EVP_CipherUpdate(a->ctx, NULL, &n, ad, (int)ad_len) ||
        !EVP_CipherUpdate(a->ctx, buf, &n, buf, (int)len) ||
        !EVP_CipherFinal_ex(a->ctx, buf + n, &n) ||
        !EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, (int)a->tag_len, buf + len)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    return 1;
}

int tls_aead_seal_from(struct tls_aead *a, const uint8_t nonce[TLS_AEAD_NONCE_LEN],
                       const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t in_len,
                       const uint8_t *tail, size_t tail_len, uint8_t *out)
{
    int n, m;

    /* CCM takes its whole plaintext in one update: gather it first. */
    if (a->ccm) {
        if (in_len > 0 && in != out)
            memmove(out, in, in_len);
        if (tail_len > 0)
            memcpy(out + in_len, tail, tail_len);
        return tls_aead_seal(a, nonce, ad, ad_len, out, in_len + tail_len);
    }
    if (!EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 1) ||
        !EVP_CipherUpdate(a->ctx, NULL, &n, ad, (int)ad_len) ||
        (in_len > 0 && !EVP_CipherUpdate(a->ctx, out, &n, in, (int)in_len)) ||
        (tail_len > 0 && !EVP_CipherUpdate(a->ctx, out + in_len, &m, tail, (int)tail_len)) ||
        !EVP_CipherFinal_ex(a->ctx, out + in_len + tail_len, &n) ||
        !EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, (int)a->tag_len,
                             out + in_len + tail_len)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    return 1;
}

int tls_aead_open(struct tls_aead *a, const uint8_t nonce[TLS_AEAD_NONCE_LEN], const uint8_t *ad,
                  size_t ad_len, uint8_t *buf, size_t len, size_t *out_len)
{
    int n, m;
    if (len < a->tag_len)
        return 0;
    len -= a->tag_len;
    if (!EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 0) ||
        !EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, (int)a->tag_len, buf + len))
        return 0;
    if (a->ccm) {
        /* CCM authenticates during the update and has no final step. */
        if (!EVP_CipherUpdate(a->ctx, NULL, &n, NULL, (int)len) ||
            !EVP_CipherUpdate(a->ctx, NULL, &n, ad, (int)ad_len) ||
            EVP_CipherUpdate(a->ctx, buf, &n, buf, (int)len) <= 0)
            return 0;
        *out_len = len;
        return 1;
    }
    if (!EVP_CipherUpdate(a->ctx, NULL, &n, ad, (int)ad_len) ||
        !EVP_CipherUpdate(a->ctx, buf, &n, buf, (int)len) ||
        EVP_CipherFinal_ex(a->ctx, buf + n, &m) <= 0)
        return 0;
    *out_len = len;
    return 1;
}

void tls_aead_short_record(const struct tls_aead *a)
{
    int gcm = a->ctx != NULL && EVP_CIPHER_CTX_get_mode(a->ctx) == EVP_CIPH_GCM_MODE;

    ERR_raise(ERR_LIB_PROV, gcm ? PROV_R_INVALID_AAD : PROV_R_INVALID_DATA);
}

void tls_aead_tls12_open_failed(const struct tls_aead *a)
{
    if (a->ccm || (a->ctx != NULL && EVP_CIPHER_CTX_get_mode(a->ctx) == EVP_CIPH_GCM_MODE))
        ERR_raise(ERR_LIB_PROV, PROV_R_CIPHER_OPERATION_FAILED);
}
