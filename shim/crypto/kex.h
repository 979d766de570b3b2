/*
 * shimssl - (EC)DHE key exchange: key shares and shared secrets.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_CRYPTO_KEX_H
#define SHIM_CRYPTO_KEX_H

#include "crypto/algs.h"
#include "tls/groups.h"

/* A fresh private key in group g. */
int tls_kex_keygen(const struct shim_algs *a, const struct tls_group *g, EVP_PKEY **priv);

/* The public key as it goes on the wire (caller frees *out). */
int tls_kex_public(EVP_PKEY *priv, uint8_t **out, size_t *out_len);

/*
 * The peer's share as a key in priv's group.  On failure nothing is raised:
 * *alert and *reason say what stock sends and reports (a share that is not a
 * group element: illegal_parameter / SSL_R_BAD_ECPOINT).
 */
int tls_kex_peer_key(EVP_PKEY *priv, const uint8_t *peer, size_t peer_len, EVP_PKEY **pub,
                     int *alert, int *reason);

/* The shared secret (caller frees with OPENSSL_clear_free).  On failure, as
 * above: a weak share is illegal_parameter / SSL_R_BAD_KEY_SHARE. */
int tls_kex_derive(const struct shim_algs *a, EVP_PKEY *priv, EVP_PKEY *pub, int tls13,
                   uint8_t **secret, size_t *secret_len, int *alert, int *reason);

#endif
