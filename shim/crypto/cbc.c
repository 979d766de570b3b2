/*
 * shimssl - TLS 1.0-1.2 CBC record protection with HMAC.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/core_names.h>
#include <openssl/proverr.h>
#include <openssl/rand.h>
#include <string.h>

#include "crypto/cbc.h"

int tls_cbc_init(struct tls_cbc *c, const struct shim_algs *a, const EVP_CIPHER *cipher,
                 const EVP_MD *md, int enc, int version, int etm, const uint8_t *key,
                 const uint8_t *iv, const uint8_t *mac_key)
{
    size_t macsize;
    OSSL_PARAM params[3];

    memset(c, 0, sizeof(*c));
    c->md = md;
    c->mac_len = (size_t)EVP_MD_get_size(md);
    c->block = (size_t)EVP_CIPHER_get_block_size(cipher);
    c->version = version;
    c->etm = etm;
    c->explicit_iv = version >= TLS1_1_VERSION;
    c->enc = enc;
    if (!etm && (EVP_MD_get_type(md) == NID_sha1 || EVP_MD_get_type(md) == NID_sha256) &&
        (EVP_CIPHER_get_nid(cipher) == NID_aes_128_cbc ||
         EVP_CIPHER_get_nid(cipher) == NID_aes_256_cbc))
        c->stitched = a->cbc_hmac_stitched[EVP_CIPHER_get_nid(cipher) == NID_aes_256_cbc]
                                          [EVP_MD_get_type(md) == NID_sha256];
    /* The cipher strips MAC-then-encrypt MACs; with encrypt-then-MAC there
     * is none inside the ciphertext. */
    macsize = etm ? 0 : c->mac_len;
    params[0] = OSSL_PARAM_construct_int(OSSL_CIPHER_PARAM_TLS_VERSION, &c->version);
    params[1] = OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_TLS_MAC_SIZE, &macsize);
    params[2] = OSSL_PARAM_construct_end();
    if ((c->ctx = EVP_CIPHER_CTX_new()) == NULL ||
        !EVP_CipherInit_ex(c->ctx, cipher, NULL, key, iv, enc) ||
        !EVP_CIPHER_CTX_set_params(c->ctx, params) || (c->mac = EVP_MAC_CTX_new(a->hmac)) == NULL) {
        tls_cbc_cleanup(c);
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    {
        OSSL_PARAM mp[2];
        mp[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *)EVP_MD_get0_name(md), 0);
        mp[1] = OSSL_PARAM_construct_end();
        if (!EVP_MAC_init(c->mac, mac_key, c->mac_len, mp)) {
            tls_cbc_cleanup(c);
            ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
            return 0;
        }
    }
    return 1;
}

void tls_cbc_open_failed(const struct tls_cbc *c)
{
    if (c->stitched || c->cipher_failed)
        ERR_raise(ERR_LIB_PROV, PROV_R_CIPHER_OPERATION_FAILED);
}

void tls_cbc_cleanup(struct tls_cbc *c)
{
    EVP_CIPHER_CTX_free(c->ctx);
    EVP_MAC_CTX_free(c->mac);
    memset(c, 0, sizeof(*c));
}

size_t tls_cbc_overhead(const struct tls_cbc *c)
{
    return (c->explicit_iv ? c->block : 0) + c->mac_len + c->block;
}

/* seq || type || version || length, the MAC's header (RFC 5246 6.2.3.1). */
static void mac_header(uint8_t h[13], uint64_t seq, uint8_t type, uint16_t version, size_t len)
{
    for (int i = 7; i >= 0; i--) {
        h[i] = (uint8_t)seq;
        seq >>= 8;
    }
    h[8] = type;
    h[9] = (uint8_t)(version >> 8);
    h[10] = (uint8_t)version;
    h[11] = (uint8_t)(len >> 8);
    h[12] = (uint8_t)len;
}

static int hmac(struct tls_cbc *c, const uint8_t hdr[13], const uint8_t *data, size_t len,
                size_t tls_data_size, uint8_t *out)
{
    OSSL_PARAM params[2];
    EVP_MAC_CTX *m = c->mac;
    size_t outl;
    int ok;

    if (tls_data_size == 0)
        return EVP_MAC_init(m, NULL, 0, NULL) && EVP_MAC_update(m, hdr, 13) &&
               EVP_MAC_update(m, data, len) && EVP_MAC_final(m, out, &outl, c->mac_len);
    /* Told the record's full length, libcrypto digests a record whose real
     * length is secret in constant time (the Lucky 13 countermeasure).  That
     * mode is one-shot per context, so each record gets a copy of the keyed
     * context, as stock does. */
    params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_TLS_DATA_SIZE, &tls_data_size);
    params[1] = OSSL_PARAM_construct_end();
    if ((m = EVP_MAC_CTX_dup(c->mac)) == NULL)
        return 0;
    ok = EVP_MAC_CTX_set_params(m, params) && EVP_MAC_update(m, hdr, 13) &&
         EVP_MAC_update(m, data, len) && EVP_MAC_final(m, out, &outl, c->mac_len);
    EVP_MAC_CTX_free(m);
    return ok;
}

static int encrypt(struct tls_cbc *c, uint8_t *buf, size_t len, size_t *out_len)
{
    int n;
    if (!EVP_CipherUpdate(c->ctx, buf, &n, buf, (int)len))
        return 0;
    *out_len = (size_t)n;
    return 1;
}

int tls_cbc_seal(struct tls_cbc *c, OSSL_LIB_CTX *libctx, uint64_t seq, uint8_t type,
                 uint16_t version, uint8_t *buf, size_t content_len, size_t *body_len)
{
    size_t iv = c->explicit_iv ? c->block : 0, n;
    uint8_t hdr[13];

    /* A random first block acts as the record's IV (RFC 4346 6.2.3.2). */
    if (iv > 0 && RAND_bytes_ex(libctx, buf, iv, 0) <= 0)
        return 0;
    if (!c->etm) {
        mac_header(hdr, seq, type, version, content_len);
        return hmac(c, hdr, buf + iv, content_len, 0, buf + iv + content_len) &&
               encrypt(c, buf, iv + content_len + c->mac_len, body_len);
    }
    if (!encrypt(c, buf, iv + content_len, &n))
        return 0;
    mac_header(hdr, seq, type, version, n);
    if (!hmac(c, hdr, buf, n, 0, buf + n))
        return 0;
    *body_len = n + c->mac_len;
    return 1;
}

int tls_cbc_open(struct tls_cbc *c, uint64_t seq, uint8_t type, uint16_t version, uint8_t *buf,
                 size_t len, uint8_t **content, size_t *content_len)
{
    size_t iv = c->explicit_iv ? c->block : 0;
    uint8_t hdr[13], mac[EVP_MAX_MD_SIZE], *rec_mac = NULL;
    OSSL_PARAM params[2];
    int n;

    c->cipher_failed = 0;
    if (c->etm) {
        if (len < c->mac_len)
            return 0;
        len -= c->mac_len;
        mac_header(hdr, seq, type, version, len);
        if (!hmac(c, hdr, buf, len, 0, mac) || CRYPTO_memcmp(mac, buf + len, c->mac_len) != 0)
            return 0;
    }
    if (len < iv + c->block || len % c->block != 0)
        return 0;
    if (!EVP_CipherUpdate(c->ctx, buf, &n, buf, (int)len)) {
        c->cipher_failed = 1;
        return 0;
    }
    *content = buf + iv;
    *content_len = (size_t)n;
    if (c->etm)
        return 1;
    params[0] =
        OSSL_PARAM_construct_octet_ptr(OSSL_CIPHER_PARAM_TLS_MAC, (void **)&rec_mac, c->mac_len);
    params[1] = OSSL_PARAM_construct_end();
    if (!EVP_CIPHER_CTX_get_params(c->ctx, params) || rec_mac == NULL)
        return 0;
    mac_header(hdr, seq, type, version, *content_len);
    if (!hmac(c, hdr, *content, *content_len, len - iv, mac))
        return 0;
    return CRYPTO_memcmp(mac, rec_mac, c->mac_len) == 0;
}
