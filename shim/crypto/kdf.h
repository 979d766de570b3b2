/*
 * shimssl - key derivation: HKDF-Extract, HKDF-Expand-Label and the TLS 1.2 PRF.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_CRYPTO_KDF_H
#define SHIM_CRYPTO_KDF_H

#include "crypto/algs.h"

/* out = HMAC-Hash(key, data) (EVP_MD_get_size(md) bytes) on this thread's
 * kept HMAC context for md (TLS 1.3's Finished, RFC 8446 4.4.4): no context
 * is made per call.  Raises on failure. */
int tls_hmac(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *key, size_t key_len,
             const uint8_t *data, size_t data_len, uint8_t *out);

/* HKDF-Extract(salt, ikm) into out (EVP_MD_get_size(md) bytes).  A NULL salt
 * or ikm means a string of HashLen zeros, as RFC 8446 7.1 uses them. */
int tls_hkdf_extract(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *salt,
                     size_t salt_len, const uint8_t *ikm, size_t ikm_len, uint8_t *out);

/* HKDF-Expand-Label(secret, label, context, out_len) of RFC 8446 7.1; label
 * without the "tls13 " prefix. */
int tls_hkdf_expand_label(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *secret,
                          size_t secret_len, const char *label, size_t label_len,
                          const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len);

/* The TLS 1.2 PRF (RFC 5246 5): PRF(secret, label, seed1 || seed2 || seed3). */
int tls1_prf(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *secret,
             size_t secret_len, const char *label, const uint8_t *seed1, size_t seed1_len,
             const uint8_t *seed2, size_t seed2_len, const uint8_t *seed3, size_t seed3_len,
             uint8_t *out, size_t out_len);

#endif
