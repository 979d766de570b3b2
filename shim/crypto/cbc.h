/*
 * shimssl - TLS 1.0-1.2 CBC record protection with HMAC (RFC 5246 6.2.3.2),
 * MAC-then-encrypt or encrypt-then-MAC (RFC 7366).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The constant-time parts are libcrypto's: its CBC ciphers, told the TLS
 * version and MAC size, add and remove the padding and extract the MAC
 * without branching on secret data, and its HMAC, told the record's full
 * length, digests a record of secret length in constant time.  So a bad
 * padding and a bad MAC cannot be told apart, by result or by timing.
 */
#ifndef SHIM_CRYPTO_CBC_H
#define SHIM_CRYPTO_CBC_H

#include "crypto/algs.h"

struct tls_cbc {
    EVP_CIPHER_CTX *ctx;
    EVP_MAC_CTX *mac;
    const EVP_MD *md;
    size_t mac_len, block;
    int version, etm, explicit_iv, enc;
    int stitched;      /* stock would use a stitched AES-CBC-HMAC cipher here */
    int cipher_failed; /* the last open failed in the cipher (public: see below) */
};

int tls_cbc_init(struct tls_cbc *c, const struct shim_algs *a, const EVP_CIPHER *cipher,
                 const EVP_MD *md, int enc, int version, int etm, const uint8_t *key,
                 const uint8_t *iv, const uint8_t *mac_key);
void tls_cbc_cleanup(struct tls_cbc *c);

/* After a record failed to open: what stock's error queue holds then.  For
 * MAC-then-encrypt with AES and SHA-1 or SHA-256, stock decrypts with
 * libcrypto's stitched AES-CBC-HMAC cipher where the CPU has one, and that
 * cipher reports every bad record (padding or MAC alike) as a failed cipher
 * operation.  Otherwise the cipher reports what it refused itself: a
 * padding that is publicly wrong (MAC-then-encrypt), or any bad padding
 * after a good MAC (encrypt-then-MAC); a bad MAC it never sees. */
void tls_cbc_open_failed(const struct tls_cbc *c);

/* The most a record can grow: explicit IV, MAC and padding. */
size_t tls_cbc_overhead(const struct tls_cbc *c);

/* Protects the record body in place.  buf holds explicit-IV room (if the
 * version uses one) followed by content_len bytes of content, and has room
 * for the overhead.  *body_len is the protected length. */
int tls_cbc_seal(struct tls_cbc *c, OSSL_LIB_CTX *libctx, uint64_t seq, uint8_t type,
                 uint16_t version, uint8_t *buf, size_t content_len, size_t *body_len);

/* Removes protection in place.  Any failure is the same failure. */
int tls_cbc_open(struct tls_cbc *c, uint64_t seq, uint8_t type, uint16_t version, uint8_t *buf,
                 size_t len, uint8_t **content, size_t *content_len);

#endif
