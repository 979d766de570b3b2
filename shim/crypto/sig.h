/*
 * shimssl - handshake signatures (CertificateVerify, ServerKeyExchange).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_CRYPTO_SIG_H
#define SHIM_CRYPTO_SIG_H

#include "crypto/algs.h"

/* How to sign: the digest (NID_undef for Ed25519 / Ed448, which hash
 * internally) and, for RSA, PSS padding or PKCS #1 v1.5. */
struct shim_sig_scheme {
    int hash_nid;
    int pss;
};

/* Kept signing or verification contexts: peer keys' in struct shim_algs,
 * our own keys' in the SSL_CTX that holds them (see sig.c). */
struct shim_sig_cache *shim_sig_cache_new(void);
void shim_sig_cache_free(struct shim_sig_cache *c);

/* shim_pkey_can_sign_digest's answer, kept in c (an SSL_CTX's; NULL: not
 * kept) for the key and digest: the same question comes with every
 * handshake that chooses a signature scheme. */
int shim_sig_can_sign_digest(struct shim_sig_cache *c, OSSL_LIB_CTX *libctx, const char *propq,
                             EVP_PKEY *pkey, int hash_nid);

/* Verifies sig over tbs with pkey.  Returns 1 if valid, 0 otherwise
 * (libcrypto's errors are left queued). */
int tls_sig_verify(const struct shim_algs *a, struct shim_sig_scheme scheme, EVP_PKEY *pkey,
                   const uint8_t *tbs, size_t tbs_len, const uint8_t *sig, size_t sig_len);

/* Signs tbs with pkey on a context kept in kept (NULL: made for this one
 * signature); the caller frees *sig.  Raises on failure. */
int tls_sig_sign(const struct shim_algs *a, struct shim_sig_cache *kept,
                 struct shim_sig_scheme scheme, EVP_PKEY *pkey, const uint8_t *tbs, size_t tbs_len,
                 uint8_t **sig, size_t *sig_len);

#endif
