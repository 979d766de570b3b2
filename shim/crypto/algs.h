/*
 * shimssl - algorithms fetched once and shared by every connection.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Fetching an algorithm from a provider takes a global lock and a hash
 * lookup; doing it per handshake is where much of stock's handshake time
 * goes.  Contexts on the default library context share one process-wide set;
 * a context made with SSL_CTX_new_ex(libctx, propq) gets its own, once.
 */
#ifndef SHIM_CRYPTO_ALGS_H
#define SHIM_CRYPTO_ALGS_H

#include "objects.h"

#include <openssl/kdf.h>

struct shim_kex_group;
struct shim_kex_template;
struct shim_sig_cache;

/* TLS 1.3's values for a hash that need no secret (RFC 8446 7.1): Hash(""),
 * the Early Secret without a PSK (HKDF-Extract(0, 0)) and the salt derived
 * from it, Derive-Secret(., "derived", ""); the same for every handshake
 * without a PSK, so computed once (ok: they were). */
struct shim_tls13_zero {
    int ok;
    uint8_t empty_hash[EVP_MAX_MD_SIZE];
    uint8_t early[EVP_MAX_MD_SIZE];
    uint8_t derived[EVP_MAX_MD_SIZE];
};

struct shim_algs {
    OSSL_LIB_CTX *libctx;
    char *propq;
    EVP_MD *md5_sha1, *sha1, *sha224, *sha256, *sha384, *sha512;
    EVP_CIPHER *aes128gcm, *aes256gcm, *chacha20poly1305, *aes128ccm, *aes256ccm;
    EVP_CIPHER *aes128cbc, *aes256cbc;
    /* Whether libcrypto has the stitched AES-CBC-HMAC ciphers stock uses for
     * MAC-then-encrypt (CPU-dependent), [AES-256][SHA-256]: stock's error
     * queue after a bad record follows them (see cbc.h). */
    int cbc_hmac_stitched[2][2];
    EVP_KDF *tls1_prf; /* the TLS 1.0/1.1 PRF (MD5+SHA-1; see kdf.c) */
    EVP_MAC *hmac;
    CRYPTO_RWLOCK *lock;
    /* Per group, what new key shares are generated from, published once,
     * read without a lock (see kex.c). */
    struct shim_kex_template *group_template[40];
    struct shim_x509_cache *peer_certs;      /* see x509_cache.h */
    struct shim_sig_cache *sig_ctxs;         /* peer keys' verification contexts (sig.c) */
    struct shim_tls13_zero zero256, zero384; /* SHA-256, SHA-384 */
};

/* The algorithms for ctx's library context; NULL (with an error) on failure. */
const struct shim_algs *shim_algs_get(SSL_CTX *ctx);

/* Frees a context's own set (the shared one lives until OPENSSL_cleanup). */
void shim_algs_free(struct shim_algs *a);

/* The constants above for md, or NULL (md is neither, or they failed). */
const struct shim_tls13_zero *shim_algs_tls13_zero(const struct shim_algs *a, const EVP_MD *md);

/* The digest named by an SSL_CIPHER_get_handshake_digest-style NID. */
const EVP_MD *shim_algs_md_by_nid(const struct shim_algs *a, int nid);

#endif
