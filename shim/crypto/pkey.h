/*
 * shimssl - what the protocol engine and the API need to know of a key.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Keys cross every layer (the application hands us certificates and private
 * keys, peers send theirs), but only this module asks libcrypto about them:
 * their type, curve and strength, and whether two of them match.
 */
#ifndef SHIM_CRYPTO_PKEY_H
#define SHIM_CRYPTO_PKEY_H

#include "objects.h"

#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

enum shim_key_type {
    SHIM_KEY_UNKNOWN = 0,
    SHIM_KEY_RSA,
    SHIM_KEY_RSA_PSS,
    SHIM_KEY_EC,
    SHIM_KEY_ED25519,
    SHIM_KEY_ED448,
    SHIM_KEY_DSA,
    SHIM_KEY_DH,
};

/* The key's type (SHIM_KEY_UNKNOWN for NULL or anything else). */
enum shim_key_type shim_pkey_type(const EVP_PKEY *pkey);

/* The certificate slot (SHIM_PKEY_*) a key of this type goes in, or -1: the
 * types a certificate may carry for TLS, as stock's ssl_cert_lookup_by_pkey. */
int shim_pkey_slot(const EVP_PKEY *pkey);

/* The NID of an EC key's named curve, NID_undef otherwise. */
int shim_pkey_curve_nid(const EVP_PKEY *pkey);

/* What the security level compares against (EVP_PKEY_get_security_bits). */
int shim_pkey_security_bits(const EVP_PKEY *pkey);

/* The largest signature the key makes, in bytes (EVP_PKEY_get_size). */
int shim_pkey_size(const EVP_PKEY *pkey);

/* Whether the key can sign with this digest (NID_undef: a key that hashes
 * by itself, Ed25519 / Ed448), as EVP_PKEY_digestsign_supports_digest. */
int shim_pkey_can_sign_digest(OSSL_LIB_CTX *libctx, const char *propq, EVP_PKEY *pkey,
                              int hash_nid);

/* Whether the key lacks domain parameters (a DSA key without p, q, g). */
int shim_pkey_missing_parameters(const EVP_PKEY *pkey);

/* Copies domain parameters; 1 on success. */
int shim_pkey_copy_parameters(EVP_PKEY *to, const EVP_PKEY *from);

/* Whether the two hold the same public key (1), not (0), or cannot be
 * compared (< 0), as EVP_PKEY_eq. */
int shim_pkey_eq(const EVP_PKEY *a, const EVP_PKEY *b);

/* A new EVP_PKEY holding a reference to a legacy key object, or NULL. */
EVP_PKEY *shim_pkey_from_rsa(RSA *rsa);
EVP_PKEY *shim_pkey_from_dh(DH *dh);

/* The named curve of a legacy EC key (SSL_CTX_set_tmp_ecdh): its NID, or
 * NID_undef; *has_group says whether the key has a group at all. */
int shim_ec_key_curve_nid(const EC_KEY *key, int *has_group);

#endif
