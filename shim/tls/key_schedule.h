/*
 * shimssl - the TLS 1.3 key schedule (RFC 8446 7.1, 7.3, 7.5).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_KEY_SCHEDULE_H
#define SHIM_TLS_KEY_SCHEDULE_H

#include "crypto/algs.h"

struct tls13_secrets {
    const struct shim_algs *algs;
    const EVP_MD *md;
    size_t hlen;
    const struct shim_tls13_zero *zero;  /* md's constants, if kept */
    int early_zero;                      /* early is zero's (no PSK) */
    uint8_t empty_hash[EVP_MAX_MD_SIZE]; /* Hash("") */
    uint8_t early[EVP_MAX_MD_SIZE];
    uint8_t handshake[EVP_MAX_MD_SIZE];
    uint8_t master[EVP_MAX_MD_SIZE];
    uint8_t client_hs[EVP_MAX_MD_SIZE];
    uint8_t server_hs[EVP_MAX_MD_SIZE];
    uint8_t client_ap[EVP_MAX_MD_SIZE];
    uint8_t server_ap[EVP_MAX_MD_SIZE];
    uint8_t exporter[EVP_MAX_MD_SIZE];
    uint8_t resumption[EVP_MAX_MD_SIZE];
};

int tls13_secrets_init(struct tls13_secrets *k, const struct shim_algs *algs, const EVP_MD *md);
void tls13_secrets_cleanup(struct tls13_secrets *k);

/* Early Secret = HKDF-Extract(0, PSK or zeros). */
int tls13_derive_early(struct tls13_secrets *k, const uint8_t *psk, size_t psk_len);
/* The Early Secret as derived before (by the same hash, from the same PSK). */
void tls13_set_early(struct tls13_secrets *k, const uint8_t *early);
/* Handshake Secret from the (EC)DHE secret; client/server handshake traffic
 * secrets from Hash(ClientHello..ServerHello). */
int tls13_derive_handshake(struct tls13_secrets *k, const uint8_t *dhe, size_t dhe_len,
                           const uint8_t *hash_ch_sh);
/* Master Secret; application traffic and exporter secrets from
 * Hash(ClientHello..server Finished). */
int tls13_derive_master(struct tls13_secrets *k, const uint8_t *hash_ch_sf);
/* Resumption master secret from Hash(ClientHello..client Finished). */
int tls13_derive_resumption(struct tls13_secrets *k, const uint8_t *hash_ch_cf);

/* Binder key for a resumption PSK ("res binder"), from the early secret. */
int tls13_derive_binder_key(struct tls13_secrets *k, uint8_t *out);

/* Traffic key and IV for a secret (RFC 8446 7.3). */
int tls13_traffic_key_iv(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *secret,
                         uint8_t *key, size_t key_len, uint8_t *iv, size_t iv_len);
/* verify_data = HMAC(finished_key(base), transcript hash) (RFC 8446 4.4.4). */
int tls13_finished(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *base_key,
                   const uint8_t *hash, uint8_t *out);
/* application_traffic_secret_N+1 (RFC 8446 7.2). */
int tls13_next_traffic_secret(const struct shim_algs *algs, const EVP_MD *md, uint8_t *secret);
/* The PSK of a NewSessionTicket (RFC 8446 4.6.1). */
int tls13_ticket_psk(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *resumption,
                     const uint8_t *nonce, size_t nonce_len, uint8_t *psk);
/* TLS-Exporter(label, context, length) (RFC 8446 7.5). */
int tls13_export(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *exporter_secret,
                 const char *label, size_t label_len, const uint8_t *context, size_t context_len,
                 uint8_t *out, size_t out_len);

#endif
