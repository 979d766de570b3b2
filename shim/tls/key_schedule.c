/*
 * shimssl - the TLS 1.3 key schedule.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *            0
 *            |
 *   PSK ->  HKDF-Extract = Early Secret
 *            |
 *      Derive-Secret(., "derived", "")
 *            |
 *  (EC)DHE -> HKDF-Extract = Handshake Secret --> c/s hs traffic
 *            |
 *      Derive-Secret(., "derived", "")
 *            |
 *   0 -> HKDF-Extract = Master Secret --> c/s ap traffic, exporter, resumption
 */
#include "shim.h"

#include <string.h>

#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "tls/key_schedule.h"

#define LABEL(s) s, sizeof(s) - 1

int tls13_secrets_init(struct tls13_secrets *k, const struct shim_algs *algs, const EVP_MD *md)
{
    memset(k, 0, sizeof(*k));
    k->algs = algs;
    k->md = md;
    k->hlen = shim_md_size(md);
    /* Hash("") serves the "derived" salts and the binder key. */
    if ((k->zero = shim_algs_tls13_zero(algs, md)) != NULL) {
        memcpy(k->empty_hash, k->zero->empty_hash, k->hlen);
        return 1;
    }
    return shim_digest(md, NULL, 0, k->empty_hash, NULL);
}

void tls13_secrets_cleanup(struct tls13_secrets *k)
{
    OPENSSL_cleanse(k, sizeof(*k));
}

/* Derive-Secret(secret, label, messages) with the messages' hash given. */
static int derive_secret(const struct tls13_secrets *k, const uint8_t *secret, const char *label,
                         size_t label_len, const uint8_t *hash, uint8_t *out)
{
    return tls_hkdf_expand_label(k->algs, k->md, secret, k->hlen, label, label_len, hash, k->hlen,
                                 out, k->hlen);
}

/* The salt for the next extraction: Derive-Secret(prev, "derived", ""). */
static int derived(const struct tls13_secrets *k, const uint8_t *prev, uint8_t *out)
{
    if (prev == k->early && k->early_zero) {
        memcpy(out, k->zero->derived, k->hlen);
        return 1;
    }
    return derive_secret(k, prev, LABEL("derived"), k->empty_hash, out);
}

int tls13_derive_early(struct tls13_secrets *k, const uint8_t *psk, size_t psk_len)
{
    k->early_zero = psk == NULL && k->zero != NULL;
    if (k->early_zero) {
        memcpy(k->early, k->zero->early, k->hlen);
        return 1;
    }
    return tls_hkdf_extract(k->algs, k->md, NULL, 0, psk, psk_len, k->early);
}

void tls13_set_early(struct tls13_secrets *k, const uint8_t *early)
{
    k->early_zero = 0;
    memcpy(k->early, early, k->hlen);
}

int tls13_derive_handshake(struct tls13_secrets *k, const uint8_t *dhe, size_t dhe_len,
                           const uint8_t *hash_ch_sh)
{
    uint8_t salt[EVP_MAX_MD_SIZE];
    int ok = derived(k, k->early, salt) &&
             tls_hkdf_extract(k->algs, k->md, salt, k->hlen, dhe, dhe_len, k->handshake) &&
             derive_secret(k, k->handshake, LABEL("c hs traffic"), hash_ch_sh, k->client_hs) &&
             derive_secret(k, k->handshake, LABEL("s hs traffic"), hash_ch_sh, k->server_hs);
    OPENSSL_cleanse(salt, sizeof(salt));
    return ok;
}

int tls13_derive_master(struct tls13_secrets *k, const uint8_t *hash_ch_sf)
{
    uint8_t salt[EVP_MAX_MD_SIZE];
    int ok = derived(k, k->handshake, salt) &&
             tls_hkdf_extract(k->algs, k->md, salt, k->hlen, NULL, 0, k->master) &&
             derive_secret(k, k->master, LABEL("c ap traffic"), hash_ch_sf, k->client_ap) &&
             derive_secret(k, k->master, LABEL("s ap traffic"), hash_ch_sf, k->server_ap) &&
             derive_secret(k, k->master, LABEL("exp master"), hash_ch_sf, k->exporter);
    OPENSSL_cleanse(salt, sizeof(salt));
    return ok;
}

int tls13_derive_resumption(struct tls13_secrets *k, const uint8_t *hash_ch_cf)
{
    return derive_secret(k, k->master, LABEL("res master"), hash_ch_cf, k->resumption);
}

int tls13_derive_binder_key(struct tls13_secrets *k, uint8_t *out)
{
    return derive_secret(k, k->early, LABEL("res binder"), k->empty_hash, out);
}

int tls13_traffic_key_iv(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *secret,
                         uint8_t *key, size_t key_len, uint8_t *iv, size_t iv_len)
{
    size_t hlen = shim_md_size(md);
    return tls_hkdf_expand_label(algs, md, secret, hlen, LABEL("key"), NULL, 0, key, key_len) &&
           tls_hkdf_expand_label(algs, md, secret, hlen, LABEL("iv"), NULL, 0, iv, iv_len);
}

int tls13_finished(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *base_key,
                   const uint8_t *hash, uint8_t *out)
{
    size_t hlen = shim_md_size(md);
    uint8_t fkey[EVP_MAX_MD_SIZE];
    int ok =
        tls_hkdf_expand_label(algs, md, base_key, hlen, LABEL("finished"), NULL, 0, fkey, hlen) &&
        tls_hmac(algs, md, fkey, hlen, hash, hlen, out);
    OPENSSL_cleanse(fkey, sizeof(fkey));
    return ok;
}

int tls13_next_traffic_secret(const struct shim_algs *algs, const EVP_MD *md, uint8_t *secret)
{
    size_t hlen = shim_md_size(md);
    uint8_t next[EVP_MAX_MD_SIZE];
    if (!tls_hkdf_expand_label(algs, md, secret, hlen, LABEL("traffic upd"), NULL, 0, next, hlen))
        return 0;
    memcpy(secret, next, hlen);
    OPENSSL_cleanse(next, sizeof(next));
    return 1;
}

int tls13_ticket_psk(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *resumption,
                     const uint8_t *nonce, size_t nonce_len, uint8_t *psk)
{
    size_t hlen = shim_md_size(md);
    return tls_hkdf_expand_label(algs, md, resumption, hlen, LABEL("resumption"), nonce, nonce_len,
                                 psk, hlen);
}

int tls13_export(const struct shim_algs *algs, const EVP_MD *md, const uint8_t *exporter_secret,
                 const char *label, size_t label_len, const uint8_t *context, size_t context_len,
                 uint8_t *out, size_t out_len)
{
    size_t hlen = shim_md_size(md);
    uint8_t empty_hash[EVP_MAX_MD_SIZE], ctx_hash[EVP_MAX_MD_SIZE], secret[EVP_MAX_MD_SIZE];
    int ok = shim_digest(md, NULL, 0, empty_hash, NULL) &&
             shim_digest(md, context, context_len, ctx_hash, NULL) &&
             tls_hkdf_expand_label(algs, md, exporter_secret, hlen, label, label_len, empty_hash,
                                   hlen, secret, hlen) &&
             tls_hkdf_expand_label(algs, md, secret, hlen, LABEL("exporter"), ctx_hash, hlen, out,
                                   out_len);
    OPENSSL_cleanse(secret, sizeof(secret));
    return ok;
}
