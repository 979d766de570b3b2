/*
 * shimssl - sealing and opening session tickets.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

#include "crypto/algs.h"
#include "crypto/kdf.h"
#include "crypto/ticket_crypt.h"

#define KEY_NAME_LEN 16

/* The MAC: the context handed to whichever callback the application set,
 * an EVP_MAC_CTX (the current API) or an HMAC_CTX (the legacy one); or,
 * with neither (own), HMAC-SHA256 under the context's own key on this
 * thread's kept HMAC context (tls_hmac), which keeps the key's schedule
 * from one ticket to the next instead of keying a new context each time. */
struct ticket_mac {
    EVP_MAC_CTX *mac;
    HMAC_CTX *legacy;
    const struct shim_algs *own;
    const uint8_t *own_key;
    size_t own_key_len;
};

static int has_cb(const SSL_CTX *tctx)
{
    return tctx->ticket_key_evp_cb != NULL || tctx->ticket_key_cb != NULL;
}

static int mac_new(struct ticket_mac *m, const SSL_CTX *tctx, const struct shim_algs *a)
{
    memset(m, 0, sizeof(*m));
    if (!has_cb(tctx)) {
        m->own = a;
        m->own_key = tctx->tick_hmac_key;
        m->own_key_len = sizeof(tctx->tick_hmac_key);
        return 1;
    }
    if (tctx->ticket_key_evp_cb == NULL)
        return (m->legacy = HMAC_CTX_new()) != NULL;
    return (m->mac = EVP_MAC_CTX_new(a->hmac)) != NULL;
}

static void mac_free(struct ticket_mac *m)
{
    EVP_MAC_CTX_free(m->mac);
    HMAC_CTX_free(m->legacy);
}

static int mac_run(struct ticket_mac *m, const uint8_t *data, size_t len, uint8_t *out,
                   size_t *out_len)
{
    unsigned int n = 0;

    if (m->own != NULL) {
        *out_len = SHA256_DIGEST_LENGTH;
        return tls_hmac(m->own, m->own->sha256, m->own_key, m->own_key_len, data, len, out);
    }
    if (m->legacy != NULL) {
        if (!HMAC_Update(m->legacy, data, len) || !HMAC_Final(m->legacy, out, &n))
            return 0;
        *out_len = n;
        return 1;
    }
    return EVP_MAC_update(m->mac, data, len) &&
           EVP_MAC_final(m->mac, out, out_len, EVP_MAX_MD_SIZE);
}

static size_t mac_size(const struct ticket_mac *m)
{
    return m->own != NULL      ? SHA256_DIGEST_LENGTH
           : m->legacy != NULL ? HMAC_size(m->legacy)
                               : EVP_MAC_CTX_get_mac_size(m->mac);
}

/* Runs the application's callback (enc 1 to seal, 0 to open). */
static int run_cb(SSL *s, const SSL_CTX *tctx, uint8_t *name, uint8_t *iv, EVP_CIPHER_CTX *cctx,
                  struct ticket_mac *m, int enc)
{
    if (tctx->ticket_key_evp_cb != NULL)
        return tctx->ticket_key_evp_cb(s, name, iv, cctx, m->mac, enc);
    return tctx->ticket_key_cb(s, name, iv, cctx, m->legacy, enc);
}

enum shim_ticket_seal shim_ticket_seal(SSL *s, const uint8_t *plain, size_t len,
                                       const uint8_t *given_iv, uint8_t **out, size_t *out_len,
                                       int *reason)
{
    const SSL_CTX *tctx = s->session_ctx;
    const struct shim_algs *a = shim_algs_get(s->session_ctx);
    EVP_CIPHER_CTX *cctx = EVP_CIPHER_CTX_new();
    struct ticket_mac m = {NULL, NULL};
    uint8_t name[KEY_NAME_LEN], iv[EVP_MAX_IV_LENGTH], *buf = NULL;
    enum shim_ticket_seal ret = SHIM_TICKET_FAILED;
    int ivlen, n = 0, fin = 0;
    size_t pos, maclen = 0;

    *out = NULL;
    *reason = ERR_R_INTERNAL_ERROR;
    if (a == NULL || cctx == NULL || !mac_new(&m, tctx, a)) {
        *reason = ERR_R_MALLOC_FAILURE;
        goto end;
    }
    if (has_cb(tctx)) {
        int r = run_cb(s, tctx, name, iv, cctx, &m, 1);
        if (r == 0) {
            ret = SHIM_TICKET_NONE;
            goto end;
        }
        if (r < 0) {
            *reason = SSL_R_CALLBACK_FAILED;
            goto end;
        }
    } else {
        memcpy(name, tctx->tick_key_name, KEY_NAME_LEN);
        if (given_iv != NULL)
            memcpy(iv, given_iv, SHIM_TICKET_IV_LEN);
        if (a->aes256cbc == NULL ||
            (given_iv == NULL && RAND_bytes_ex(a->libctx, iv, SHIM_TICKET_IV_LEN, 0) <= 0) ||
            !EVP_EncryptInit_ex(cctx, a->aes256cbc, NULL, tctx->tick_aes_key, iv))
            goto end;
    }
    if ((ivlen = EVP_CIPHER_CTX_get_iv_length(cctx)) < 0 ||
        (buf = OPENSSL_malloc(KEY_NAME_LEN + (size_t)ivlen + len + EVP_MAX_BLOCK_LENGTH +
                              EVP_MAX_MD_SIZE)) == NULL)
        goto end;
    memcpy(buf, name, KEY_NAME_LEN);
    memcpy(buf + KEY_NAME_LEN, iv, (size_t)ivlen);
    pos = KEY_NAME_LEN + (size_t)ivlen;
    if (!EVP_EncryptUpdate(cctx, buf + pos, &n, plain, (int)len) ||
        !EVP_EncryptFinal(cctx, buf + pos + n, &fin))
        goto end;
    pos += (size_t)n + (size_t)fin;
    if (!mac_run(&m, buf, pos, buf + pos, &maclen))
        goto end;
    *out = buf;
    *out_len = pos + maclen;
    buf = NULL;
    ret = SHIM_TICKET_SEALED;
end:
    if (ret == SHIM_TICKET_FAILED && *reason != SSL_R_CALLBACK_FAILED)
        ERR_raise(ERR_LIB_SSL, *reason);
    OPENSSL_free(buf);
    EVP_CIPHER_CTX_free(cctx);
    mac_free(&m);
    return ret;
}

enum shim_ticket_open shim_ticket_open(SSL *s, const uint8_t *tick, size_t len, int tls13,
                                       uint8_t **plain, size_t *plain_len)
{
    const SSL_CTX *tctx = s->session_ctx;
    const struct shim_algs *a = shim_algs_get(s->session_ctx);
    EVP_CIPHER_CTX *cctx = EVP_CIPHER_CTX_new();
    struct ticket_mac m = {NULL, NULL};
    enum shim_ticket_open ret = SHIM_TICKET_ERROR;
    uint8_t mac[EVP_MAX_MD_SIZE], *dec = NULL;
    size_t mlen, maclen = 0;
    int ivlen, n = 0, fin = 0, renew = 0;

    *plain = NULL;
    if (len < KEY_NAME_LEN + EVP_MAX_IV_LENGTH) {
        ret = SHIM_TICKET_UNREADABLE;
        goto end;
    }
    if (a == NULL || cctx == NULL || !mac_new(&m, tctx, a))
        goto end;
    if (has_cb(tctx)) {
        /* The callback reads the key name and IV where they are. */
        int r = run_cb(s, tctx, (uint8_t *)tick, (uint8_t *)tick + KEY_NAME_LEN, cctx, &m, 0);
        if (r < 0)
            goto end;
        if (r == 0) {
            ret = SHIM_TICKET_UNREADABLE;
            goto end;
        }
        renew = r == 2;
    } else {
        if (memcmp(tick, tctx->tick_key_name, KEY_NAME_LEN) != 0) {
            ret = SHIM_TICKET_UNREADABLE;
            goto end;
        }
        if (a->aes256cbc == NULL ||
            !EVP_DecryptInit_ex(cctx, a->aes256cbc, NULL, tctx->tick_aes_key, tick + KEY_NAME_LEN))
            goto end;
        renew = tls13;
    }
    if ((mlen = mac_size(&m)) == 0 || (ivlen = EVP_CIPHER_CTX_get_iv_length(cctx)) < 0)
        goto end;
    if (len <= KEY_NAME_LEN + (size_t)ivlen + mlen) {
        ret = SHIM_TICKET_UNREADABLE;
        goto end;
    }
    len -= mlen;
    if (!mac_run(&m, tick, len, mac, &maclen))
        goto end;
    if (maclen != mlen || CRYPTO_memcmp(mac, tick + len, mlen) != 0) {
        ret = SHIM_TICKET_UNREADABLE;
        goto end;
    }
    tick += KEY_NAME_LEN + (size_t)ivlen;
    len -= KEY_NAME_LEN + (size_t)ivlen;
    if ((dec = OPENSSL_malloc(len)) == NULL || !EVP_DecryptUpdate(cctx, dec, &n, tick, (int)len))
        goto end;
    /* A bad padding is a ticket we cannot read, not an error. */
    if (!EVP_DecryptFinal(cctx, dec + n, &fin)) {
        ERR_clear_error();
        ret = SHIM_TICKET_UNREADABLE;
        goto end;
    }
    *plain = dec;
    *plain_len = (size_t)n + (size_t)fin;
    dec = NULL;
    ret = renew ? SHIM_TICKET_OPENED_RENEW : SHIM_TICKET_OPENED;
end:
    OPENSSL_free(dec);
    EVP_CIPHER_CTX_free(cctx);
    mac_free(&m);
    return ret;
}
