/*
 * shimssl - the TLS 1.0-1.2 key schedule.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The PRF is libcrypto's TLS1-PRF KDF: with the suite's hash for TLS 1.2,
 * with MD5-SHA1 (P_MD5 xor P_SHA-1) for TLS 1.0 and 1.1.
 */
#include "shim.h"

#include "crypto/kdf.h"
#include "tls/key_schedule12.h"

int tls12_master_secret(const struct shim_algs *a, const EVP_MD *prf, const uint8_t *pms,
                        size_t pms_len, const uint8_t *client_random, const uint8_t *server_random,
                        const uint8_t *session_hash, size_t session_hash_len, uint8_t *out)
{
    if (session_hash != NULL)
        return tls1_prf(a, prf, pms, pms_len, "extended master secret", session_hash,
                        session_hash_len, NULL, 0, NULL, 0, out, TLS12_MASTER_SECRET_LEN);
    return tls1_prf(a, prf, pms, pms_len, "master secret", client_random, SSL3_RANDOM_SIZE,
                    server_random, SSL3_RANDOM_SIZE, NULL, 0, out, TLS12_MASTER_SECRET_LEN);
}

int tls12_key_block(const struct shim_algs *a, const EVP_MD *prf, const uint8_t *master,
                    const uint8_t *client_random, const uint8_t *server_random, uint8_t *out,
                    size_t len)
{
    /* Note the order: server random first for the key block. */
    return tls1_prf(a, prf, master, TLS12_MASTER_SECRET_LEN, "key expansion", server_random,
                    SSL3_RANDOM_SIZE, client_random, SSL3_RANDOM_SIZE, NULL, 0, out, len);
}

int tls12_finished(const struct shim_algs *a, const EVP_MD *prf, const uint8_t *master, int client,
                   const uint8_t *hash, size_t hash_len, uint8_t *out)
{
    return tls1_prf(a, prf, master, TLS12_MASTER_SECRET_LEN,
                    client ? "client finished" : "server finished", hash, hash_len, NULL, 0, NULL,
                    0, out, TLS12_FINISHED_LEN);
}
