/*
 * shimssl - the running hash of the handshake messages (RFC 8446 4.4.1).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_CRYPTO_TRANSCRIPT_H
#define SHIM_CRYPTO_TRANSCRIPT_H

#include <openssl/evp.h>

/* Until the cipher suite (and so the hash) is known, messages are kept as
 * bytes; then they are hashed and only the hash state is kept. */
struct tls_transcript {
    const EVP_MD *md;
    EVP_MD_CTX *ctx;
    uint8_t *buf;
    size_t len, cap;
    int keep; /* keep the raw messages too (a TLS 1.2 CertificateVerify signs them) */
};

void tls_transcript_init(struct tls_transcript *t);
void tls_transcript_cleanup(struct tls_transcript *t);
int tls_transcript_add(struct tls_transcript *t, const uint8_t *msg, size_t len);
/* Chooses the hash and feeds it everything kept so far. */
int tls_transcript_set_md(struct tls_transcript *t, const EVP_MD *md);
/* The hash of everything so far; *out_len = hash length. */
int tls_transcript_hash(const struct tls_transcript *t, uint8_t *out, size_t *out_len);
/* Stops keeping the raw messages (see keep). */
void tls_transcript_drop_buffer(struct tls_transcript *t);

/* out = Hash(everything so far || extra), leaving the transcript as it was;
 * md is used when no hash is chosen yet (a PSK binder over ClientHello1). */
int tls_transcript_hash_with(const struct tls_transcript *t, const EVP_MD *md, const uint8_t *extra,
                             size_t extra_len, uint8_t *out, size_t *out_len);

/* dst (initialised, empty) becomes a copy of src's hash state: the
 * handshake's transcript kept for post-handshake authentication. */
int tls_transcript_copy(struct tls_transcript *dst, const struct tls_transcript *src);

/* After a HelloRetryRequest, ClientHello1 is replaced by the synthetic
 * message_hash message (RFC 8446 4.4.1). */
int tls_transcript_replace_with_message_hash(struct tls_transcript *t);

#endif
