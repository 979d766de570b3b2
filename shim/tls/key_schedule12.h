/*
 * shimssl - the TLS 1.0-1.2 key schedule: master secret (RFC 5246 8.1,
 * RFC 7627), key block (RFC 5246 6.3) and Finished (RFC 5246 7.4.9).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_KEY_SCHEDULE12_H
#define SHIM_TLS_KEY_SCHEDULE12_H

#include "crypto/algs.h"

#define TLS12_MASTER_SECRET_LEN 48
#define TLS12_FINISHED_LEN      12
/* The largest key block: two MAC keys, two keys, two IVs. */
#define TLS12_KEY_BLOCK_MAX (2 * (EVP_MAX_MD_SIZE + EVP_MAX_KEY_LENGTH + EVP_MAX_IV_LENGTH))

/* With session_hash non-NULL, the extended master secret of RFC 7627. */
int tls12_master_secret(const struct shim_algs *a, const EVP_MD *prf, const uint8_t *pms,
                        size_t pms_len, const uint8_t *client_random, const uint8_t *server_random,
                        const uint8_t *session_hash, size_t session_hash_len, uint8_t *out);

int tls12_key_block(const struct shim_algs *a, const EVP_MD *prf, const uint8_t *master,
                    const uint8_t *client_random, const uint8_t *server_random, uint8_t *out,
                    size_t len);

/* verify_data = PRF(master, "client finished" / "server finished", hash). */
int tls12_finished(const struct shim_algs *a, const EVP_MD *prf, const uint8_t *master, int client,
                   const uint8_t *hash, size_t hash_len, uint8_t *out);

#endif
