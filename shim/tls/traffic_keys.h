/*
 * shimssl - which record protection a suite uses, and installing the keys
 * of either version into the record layer.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_TRAFFIC_KEYS_H
#define SHIM_TLS_TRAFFIC_KEYS_H

#include "tls/conn.h"

/* How a suite's records are protected in a given version. */
struct tls_suite_keys {
    const EVP_CIPHER *cipher;
    enum tls_protection prot;
    size_t key_len;
    size_t iv_len;  /* TLS 1.3 and ChaCha: 12; TLS 1.2 GCM/CCM: 4 (the salt); CBC: the block */
    size_t tag_len; /* AEAD */
    const EVP_MD *mac_md; /* CBC: the record MAC */
    size_t mac_len;
};

/* Fills *k for suite ci in version; 0 (nothing raised) if the suite's
 * algorithms are not available. */
int tls_suite_keys(const struct shim_algs *a, const SSL_CIPHER *ci, int version,
                   struct tls_suite_keys *k);

/* TLS 1.3: the suite's AEAD and hash become the connection's (c->aead,
 * c->md, c->hash_len, c->key_len, c->tag_len). 0 after tls_fatal. */
int tls13_set_suite(SSL *s, struct tls_conn *c, const SSL_CIPHER *ci);

/* TLS 1.3: traffic keys derived from secret protect one direction from the
 * next record on (RFC 8446 7.3). 0 after tls_fatal. */
int tls13_install_key(SSL *s, struct tls_conn *c, const uint8_t *secret, int write);

/* TLS 1.0-1.2: the PRF's hash (MD5+SHA-1 before TLS 1.2; in TLS 1.2 the
 * suite's, SHA-256 for the suites that name MD5+SHA-1). */
const EVP_MD *tls12_prf_md(const struct tls_conn *c);

/* TLS 1.0-1.2: the key block from the session's master secret, and from it
 * one direction's protection (write: ours). 0 after tls_fatal. */
int tls12_install_keys(SSL *s, struct tls_conn *c, int write);

#endif
