/*
 * shimssl - (EC)DHE key exchange: key shares and shared secrets.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_CRYPTO_KEX_H
#define SHIM_CRYPTO_KEX_H

#include "crypto/algs.h"

/* What libcrypto needs to know of a key-exchange group. */
struct shim_kex_group {
    const char *algorithm; /* the key type: "EC", "X25519", "X448", "DH" */
    const char *name;      /* the group's libcrypto name */
    int no_params;         /* X25519 / X448: the type alone says it all */
};

/* Frees a group's key-share template (kept in struct shim_algs). */
void shim_kex_template_free(struct shim_kex_template *t);

/* A fresh private key in group g. */
int tls_kex_keygen(const struct shim_algs *a, const struct shim_kex_group *g, EVP_PKEY **priv);

/* The public key as it goes on the wire (caller frees *out). */
int tls_kex_public(EVP_PKEY *priv, uint8_t **out, size_t *out_len);

/*
 * The peer's share as a key in priv's group.  On failure nothing is raised:
 * *alert and *reason say what stock sends and reports (a share that is not a
 * group element: illegal_parameter / SSL_R_BAD_ECPOINT).
 */
int tls_kex_peer_key(EVP_PKEY *priv, const uint8_t *peer, size_t peer_len, EVP_PKEY **pub,
                     int *alert, int *reason);

/* The same for a TLS 1.3 key share, with the form RFC 8446 4.2.8 asks: an
 * FFDHE share as long as the prime, an ECDHE share an uncompressed point. */
int tls_kex_peer_share13(EVP_PKEY *priv, const uint8_t *peer, size_t peer_len, EVP_PKEY **pub,
                         int *alert, int *reason);

/*
 * A TLS 1.3 peer share in group g kept as bytes (no key object made, see
 * kex.c): checked as tls_kex_peer_share13 checks it, or checked and the
 * shared secret with priv derived (as tls_kex_derive with tls13 set); and
 * the share as a key of its own when one is asked for (SSL_get_peer_tmp_key;
 * 0 on failure, nothing raised).
 */
int tls_kex_check_share13(const struct shim_algs *a, const struct shim_kex_group *g,
                          const uint8_t *peer, size_t peer_len, int *alert, int *reason);
int tls_kex_derive_share13(const struct shim_algs *a, const struct shim_kex_group *g,
                           EVP_PKEY *priv, const uint8_t *peer, size_t peer_len, uint8_t **secret,
                           size_t *secret_len, int *alert, int *reason);
int tls_kex_share_key(const struct shim_algs *a, const struct shim_kex_group *g,
                      const uint8_t *peer, size_t peer_len, EVP_PKEY **pub);

/* The shared secret (caller frees with OPENSSL_clear_free).  On failure, as
 * above: a weak share is illegal_parameter / SSL_R_BAD_KEY_SHARE. */
int tls_kex_derive(const struct shim_algs *a, EVP_PKEY *priv, EVP_PKEY *pub, int tls13,
                   uint8_t **secret, size_t *secret_len, int *alert, int *reason);

/*
 * TLS 1.2 DHE: the server's ServerDHParams (p, g, Ys, big-endian) as a key,
 * checked as stock checks them.  On failure nothing is raised: *alert and
 * *reason say what stock sends and reports.
 */
int tls_kex_dh_from_params(const struct shim_algs *a, const uint8_t *p, size_t p_len,
                           const uint8_t *g, size_t g_len, const uint8_t *pub, size_t pub_len,
                           EVP_PKEY **out, int *alert, int *reason);

/* A fresh key pair in the same group as peer (a DH key). Raises on failure. */
int tls_kex_keygen_like(const struct shim_algs *a, EVP_PKEY *peer, EVP_PKEY **priv);

/* RSA key transport (RFC 5246 7.4.7.1): in encrypted to pub with PKCS #1
 * v1.5 padding (caller frees *out); 0 on failure, nothing raised. */
int tls_kex_rsa_encrypt(const struct shim_algs *a, EVP_PKEY *pub, const uint8_t *in, size_t in_len,
                        uint8_t **out, size_t *out_len);

/* The premaster secret of RSA key transport is this long. */
#define TLS_KEX_RSA_PMS_LEN 48

/*
 * A server's side of RSA key transport: out (TLS_KEX_RSA_PMS_LEN bytes)
 * holds the premaster secret, or a random one when the block is malformed
 * or names another version than client_version (libcrypto's implicit
 * rejection; negotiated non-zero also accepts that version,
 * SSL_OP_TLS_ROLLBACK_BUG).  0 only when the ciphertext cannot be
 * decrypted at all (its length); nothing raised.
 */
int tls_kex_rsa_decrypt(const struct shim_algs *a, EVP_PKEY *priv, const uint8_t *in, size_t in_len,
                        unsigned int client_version, unsigned int negotiated, uint8_t *out);

/* DH parameters for a TLS 1.2 server at secbits of security (stock's
 * SSL_CTX_set_dh_auto choice); NULL on failure. */
EVP_PKEY *tls_kex_dh_auto(const struct shim_algs *a, int secbits);

/* A DH key's prime and generator, big-endian (caller frees). */
int tls_kex_dh_params(EVP_PKEY *dh, uint8_t **p, size_t *p_len, uint8_t **g, size_t *g_len);

#endif
