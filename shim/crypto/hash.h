/*
 * shimssl - one-shot digests.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_CRYPTO_HASH_H
#define SHIM_CRYPTO_HASH_H

#include "crypto/algs.h"

/* The output size of md in bytes. */
size_t shim_md_size(const EVP_MD *md);

/* The digest libcrypto's tables name by nid (SSL_CIPHER_get_handshake_digest). */
const EVP_MD *shim_md_by_nid(int nid);

/* out = Hash(data); *out_len its length (may be NULL). Raises on failure. */
int shim_digest(const EVP_MD *md, const uint8_t *data, size_t len, uint8_t *out, size_t *out_len);

#endif
