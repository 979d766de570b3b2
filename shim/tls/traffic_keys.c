/*
 * shimssl - which record protection a suite uses, and installing the keys
 * of either version into the record layer.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "crypto/hash.h"
#include "tls/alert.h"
#include "tls/cipher_suites.h"
#include "tls/handshake.h"
#include "tls/key_schedule.h"
#include "tls/key_schedule12.h"
#include "tls/traffic_keys.h"

int tls_suite_keys(const struct shim_algs *a, const SSL_CIPHER *ci, int version,
                   struct tls_suite_keys *k)
{
    uint32_t enc = ci->algorithm_enc;
    int tls13 = version == TLS1_3_VERSION;

    memset(k, 0, sizeof(*k));
    k->tag_len = EVP_GCM_TLS_TAG_LEN;
    /* TLS 1.3 forms every nonce from a 12-byte IV; TLS 1.2 GCM and CCM send
     * 8 bytes of it and derive only the 4-byte salt (RFC 5288, 6655). */
    k->iv_len = tls13 ? TLS_AEAD_NONCE_LEN : 4;
    k->prot = tls13 ? TLS_PROT_TLS13 : TLS_PROT_AEAD_EXPLICIT;
    switch (enc) {
    case SHIM_E_AES128GCM:
        k->cipher = a->aes128gcm;
        k->key_len = 16;
        break;
    case SHIM_E_AES256GCM:
        k->cipher = a->aes256gcm;
        k->key_len = 32;
        break;
    case SHIM_E_CHACHA20POLY1305:
        /* RFC 7905: the nonce is the IV XOR the sequence number, in both. */
        k->cipher = a->chacha20poly1305;
        k->key_len = 32;
        k->iv_len = TLS_AEAD_NONCE_LEN;
        k->prot = tls13 ? TLS_PROT_TLS13 : TLS_PROT_AEAD_XOR;
        break;
    case SHIM_E_AES128CCM:
    case SHIM_E_AES128CCM8:
        k->cipher = a->aes128ccm;
        k->key_len = 16;
        k->tag_len = enc == SHIM_E_AES128CCM8 ? 8 : 16;
        break;
    case SHIM_E_AES256CCM:
    case SHIM_E_AES256CCM8:
        k->cipher = a->aes256ccm;
        k->key_len = 32;
        k->tag_len = enc == SHIM_E_AES256CCM8 ? 8 : 16;
        break;
    case SHIM_E_AES128:
    case SHIM_E_AES256:
        k->cipher = enc == SHIM_E_AES128 ? a->aes128cbc : a->aes256cbc;
        k->key_len = enc == SHIM_E_AES128 ? 16 : 32;
        k->iv_len = 16;
        k->tag_len = 0;
        k->prot = TLS_PROT_CBC;
        k->mac_md = shim_algs_md_by_nid(a, shim_cipher_mac_nid(ci->algorithm_mac));
        if (k->mac_md == NULL)
            return 0;
        k->mac_len = shim_md_size(k->mac_md);
        break;
    default:
        return 0;
    }
    return k->cipher != NULL && !(tls13 && k->prot == TLS_PROT_CBC);
}

int tls13_set_suite(SSL *s, struct tls_conn *c, const SSL_CIPHER *ci)
{
    struct tls_suite_keys k;
    const EVP_MD *md = shim_algs_md_by_nid(c->algs, tls_suite_handshake_md_nid(ci));

    if (md == NULL || !tls_suite_keys(c->algs, ci, TLS1_3_VERSION, &k))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    c->aead = k.cipher;
    c->key_len = k.key_len;
    c->tag_len = k.tag_len;
    c->md = md;
    c->hash_len = shim_md_size(md);
    return 1;
}

int tls13_install_key(SSL *s, struct tls_conn *c, const uint8_t *secret, int write)
{
    uint8_t key[EVP_MAX_KEY_LENGTH], iv[TLS_AEAD_NONCE_LEN];
    int ok = tls13_traffic_key_iv(c->algs, c->md, secret, key, c->key_len, iv, sizeof(iv)) &&
             tls_rl_set_key(write ? &c->rl.wr : &c->rl.rd, c->aead, key, c->key_len, iv, sizeof(iv),
                            c->tag_len, write, TLS_PROT_TLS13);

    OPENSSL_cleanse(key, sizeof(key));
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

const EVP_MD *tls12_prf_md(const struct tls_conn *c)
{
    int nid;

    if (c->version < TLS1_2_VERSION)
        return c->algs->md5_sha1;
    nid = tls_suite_handshake_md_nid(c->cipher);
    return shim_algs_md_by_nid(c->algs, nid == NID_md5_sha1 ? NID_sha256 : nid);
}

/* The connection's TLS 1.2 key block, derived once per handshake: the
 * second direction to change keys takes the block the first derived, and
 * the block is cleansed once both have. */
static const uint8_t *key_block12(SSL *s, struct tls_conn *c, const struct tls_suite_keys *k)
{
    struct tls_hs *hs = c->hs;
    size_t len = 2 * (k->mac_len + k->key_len + k->iv_len);

    if (hs->key_block_len == len)
        return hs->key_block;
    if (len > sizeof(hs->key_block)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return NULL;
    }
    if (!tls12_key_block(c->algs, tls12_prf_md(c), s->session->master_key, c->client_random,
                         c->server_random, hs->key_block, len)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
        return NULL;
    }
    hs->key_block_len = len;
    return hs->key_block;
}

int tls12_install_keys(SSL *s, struct tls_conn *c, int write)
{
    struct tls_suite_keys k;
    const uint8_t *block, *mac_key, *key, *iv;
    struct tls_rl_dir *d = write ? &c->rl.wr : &c->rl.rd;
    struct tls_hs *hs = c->hs;
    int ok;

    if (!tls_suite_keys(c->algs, c->cipher, c->version, &k))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if ((block = key_block12(s, c, &k)) == NULL)
        return 0;
    /* client MAC, server MAC, client key, server key, client IV, server IV;
     * each side writes with its own and reads with the other's. */
    {
        int ours_first = write != s->server; /* the client's part comes first */
        mac_key = block + (ours_first ? 0 : k.mac_len);
        key = block + 2 * k.mac_len + (ours_first ? 0 : k.key_len);
        iv = block + 2 * k.mac_len + 2 * k.key_len + (ours_first ? 0 : k.iv_len);
    }
    if (k.prot == TLS_PROT_CBC) {
        struct tls_cbc cbc;
        ok = tls_cbc_init(&cbc, c->algs, k.cipher, k.mac_md, write, c->version, c->use_etm, key, iv,
                          mac_key);
        if (ok)
            tls_rl_set_cbc(d, &cbc, c->version <= TLS1_VERSION);
    } else {
        ok = tls_rl_set_key(d, k.cipher, key, k.key_len, iv, k.iv_len, k.tag_len, write, k.prot);
    }
    d->seq = 0;
    hs->key_block_uses |= 1u << write;
    if (hs->key_block_uses == 3) {
        OPENSSL_cleanse(hs->key_block, hs->key_block_len);
        hs->key_block_len = 0;
    }
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}
