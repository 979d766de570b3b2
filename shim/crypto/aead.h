/*
 * shimssl - record protection with an AEAD.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * One EVP_CIPHER_CTX per traffic key, keyed once; each record only changes
 * the nonce, and data is encrypted and decrypted in place.
 */
#ifndef SHIM_CRYPTO_AEAD_H
#define SHIM_CRYPTO_AEAD_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#define TLS_AEAD_NONCE_LEN 12

struct tls_aead {
    EVP_CIPHER_CTX *ctx;
    uint8_t
        iv[TLS_AEAD_NONCE_LEN]; /* static IV (TLS 1.3, ChaCha20) or implicit part (GCM/CCM 1.2) */
    size_t tag_len;
    int ccm;
    int enc;
};

/* Keys ctx for one direction.  iv_len is 12 for nonce-XOR ciphers, 4 for the
 * TLS 1.2 GCM/CCM implicit part. */
int tls_aead_init(struct tls_aead *a, const EVP_CIPHER *cipher, int enc, const uint8_t *key,
                  size_t key_len, const uint8_t *iv, size_t iv_len, size_t tag_len);
void tls_aead_cleanup(struct tls_aead *a);

/* RFC 8446 5.3: the per-record nonce is the static IV XOR the sequence number. */
void tls_aead_xor_nonce(const struct tls_aead *a, uint64_t seq, uint8_t nonce[TLS_AEAD_NONCE_LEN]);

/* Encrypts len bytes at buf in place and writes the tag right after them. */
int tls_aead_seal(struct tls_aead *a, const uint8_t nonce[TLS_AEAD_NONCE_LEN], const uint8_t *ad,
                  size_t ad_len, uint8_t *buf, size_t len);

/* Encrypts in[0..in_len) then tail[0..tail_len) into out (the tag after
 * them), reading the caller's data where it is: records are sealed straight
 * from the application's buffer.  in may equal out. */
int tls_aead_seal_from(struct tls_aead *a, const uint8_t nonce[TLS_AEAD_NONCE_LEN],
                       const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t in_len,
                       const uint8_t *tail, size_t tail_len, uint8_t *out);

/* Decrypts in place; len includes the tag.  *out_len is the plaintext length.
 * Returns 0 on any authentication failure, with no error raised (the record
 * layer decides the alert). */
int tls_aead_open(struct tls_aead *a, const uint8_t nonce[TLS_AEAD_NONCE_LEN], const uint8_t *ad,
                  size_t ad_len, uint8_t *buf, size_t len, size_t *out_len);

/* A TLS 1.2 record too short to hold its explicit nonce and tag: raises
 * what libcrypto's TLS AAD control reports for it, since stock hands such a
 * record to that control (GCM: invalid AAD; ChaCha20 and CCM: invalid
 * data), and the record layer then fails with internal_error as stock. */
void tls_aead_short_record(const struct tls_aead *a);

/* A TLS 1.2 record that does not authenticate: raises what libcrypto's TLS
 * path leaves on stock's queue below its bad_record_mac (GCM and CCM:
 * cipher operation failed; ChaCha20: nothing). */
void tls_aead_tls12_open_failed(const struct tls_aead *a);

#endif
