/*
 * shimssl - creating, copying and freeing struct shim_cert.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "api/cert.h"
#include "api/security.h"

struct shim_cert *shim_cert_new(void)
{
    struct shim_cert *c = OPENSSL_zalloc(sizeof(*c));
    if (c == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    shim_ref_init(&c->refs);
    c->current = &c->pkeys[SHIM_PKEY_RSA];
    c->sec_level = SHIM_DEFAULT_SECURITY_LEVEL;
    c->sec_cb = shim_security_default_callback;
    return c;
}

static int dup_u16(uint16_t **dst, size_t *dst_len, const uint16_t *src, size_t len)
{
    if (src == NULL)
        return 1;
    if ((*dst = OPENSSL_memdup(src, len * sizeof(*src))) == NULL)
        return 0;
    *dst_len = len;
    return 1;
}

struct shim_cert *shim_cert_dup(const struct shim_cert *src)
{
    struct shim_cert *c = OPENSSL_zalloc(sizeof(*c));
    if (c == NULL)
        goto err;
    shim_ref_init(&c->refs);
    c->current = &c->pkeys[src->current - src->pkeys];
    for (int i = 0; i < SHIM_PKEY_NUM; i++) {
        const struct shim_cert_pkey *from = &src->pkeys[i];
        struct shim_cert_pkey *to = &c->pkeys[i];
        if (from->x509 != NULL && X509_up_ref(from->x509))
            to->x509 = from->x509;
        if (from->privatekey != NULL && EVP_PKEY_up_ref(from->privatekey))
            to->privatekey = from->privatekey;
        if (from->chain != NULL && (to->chain = X509_chain_up_ref(from->chain)) == NULL)
            goto err;
        if (from->serverinfo != NULL) {
            to->serverinfo = OPENSSL_memdup(from->serverinfo, from->serverinfo_length);
            if (to->serverinfo == NULL)
                goto err;
            to->serverinfo_length = from->serverinfo_length;
        }
    }
    c->cert_cb = src->cert_cb;
    c->cert_cb_arg = src->cert_cb_arg;
    if (src->chain_store != NULL && X509_STORE_up_ref(src->chain_store))
        c->chain_store = src->chain_store;
    if (src->verify_store != NULL && X509_STORE_up_ref(src->verify_store))
        c->verify_store = src->verify_store;
    c->cert_flags = src->cert_flags;
    c->sec_level = src->sec_level;
    c->sec_cb = src->sec_cb;
    c->sec_ex = src->sec_ex;
    if (src->dh_tmp != NULL && EVP_PKEY_up_ref(src->dh_tmp))
        c->dh_tmp = src->dh_tmp;
    c->dh_tmp_auto = src->dh_tmp_auto;
    c->dh_tmp_cb = src->dh_tmp_cb;
    if (!dup_u16(&c->conf_sigalgs, &c->conf_sigalgs_len, src->conf_sigalgs,
                 src->conf_sigalgs_len) ||
        !dup_u16(&c->client_sigalgs, &c->client_sigalgs_len, src->client_sigalgs,
                 src->client_sigalgs_len))
        goto err;
    if (src->ctype != NULL) {
        if ((c->ctype = OPENSSL_memdup(src->ctype, src->ctype_len)) == NULL)
            goto err;
        c->ctype_len = src->ctype_len;
    }
    if (src->custom_count > 0) {
        c->custom = OPENSSL_memdup(src->custom, src->custom_count * sizeof(*src->custom));
        if (c->custom == NULL)
            goto err;
        c->custom_count = src->custom_count;
    }
    if (src->psk_identity_hint != NULL &&
        (c->psk_identity_hint = OPENSSL_strdup(src->psk_identity_hint)) == NULL)
        goto err;
    return c;
err:
    ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    shim_cert_free(c);
    return NULL;
}

void shim_cert_up_ref(struct shim_cert *c)
{
    shim_ref_up(&c->refs);
}

void shim_cert_clear_keys(struct shim_cert *c)
{
    for (int i = 0; i < SHIM_PKEY_NUM; i++) {
        struct shim_cert_pkey *k = &c->pkeys[i];

        X509_free(k->x509);
        EVP_PKEY_free(k->privatekey);
        sk_X509_pop_free(k->chain, X509_free);
        OPENSSL_free(k->serverinfo);
        k->x509 = NULL;
        k->privatekey = NULL;
        k->chain = NULL;
        k->serverinfo = NULL;
        k->serverinfo_length = 0;
    }
}

void shim_cert_free(struct shim_cert *c)
{
    if (c == NULL || shim_ref_down(&c->refs) > 0)
        return;
    for (int i = 0; i < SHIM_PKEY_NUM; i++) {
        X509_free(c->pkeys[i].x509);
        EVP_PKEY_free(c->pkeys[i].privatekey);
        sk_X509_pop_free(c->pkeys[i].chain, X509_free);
        OPENSSL_free(c->pkeys[i].serverinfo);
    }
    X509_STORE_free(c->chain_store);
    X509_STORE_free(c->verify_store);
    EVP_PKEY_free(c->dh_tmp);
    OPENSSL_free(c->conf_sigalgs);
    OPENSSL_free(c->client_sigalgs);
    OPENSSL_free(c->ctype);
    OPENSSL_free(c->psk_identity_hint);
    OPENSSL_free(c->custom);
    OPENSSL_free(c);
}
