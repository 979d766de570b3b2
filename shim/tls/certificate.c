/*
 * shimssl - Certificate messages in both versions and both directions.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "crypto/pkey.h"
#include "crypto/verify.h"
#include "crypto/x509_cache.h"
#include "tls/certificate.h"
#include "tls/cipher_suites.h"
#include "tls/extensions.h"

/* ------------------------------------------------------------- sending */

STACK_OF(X509) * tls_chain_to_send(SSL *s, const struct shim_cert_pkey *key)
{
    STACK_OF(X509) *extra = key->chain != NULL ? key->chain : s->ctx->extra_certs;
    STACK_OF(X509) * out;
    X509_STORE *store =
        s->cfg.cert->chain_store != NULL ? s->cfg.cert->chain_store : s->ctx->cert_store;

    if (extra == NULL && !(s->cfg.mode & SSL_MODE_NO_AUTO_CHAIN) && store != NULL)
        return shim_verify_build_chain(s->ctx->libctx, s->ctx->propq, store, key->x509);
    if ((out = sk_X509_new_null()) == NULL || !sk_X509_push(out, key->x509)) {
        sk_X509_free(out);
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    X509_up_ref(key->x509);
    for (int i = 0; i < sk_X509_num(extra); i++) {
        X509 *x = sk_X509_value(extra, i);
        if (!sk_X509_push(out, x)) {
            sk_X509_pop_free(out, X509_free);
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            return NULL;
        }
        X509_up_ref(x);
    }
    return out;
}

/* One certificate: its DER and, in TLS 1.3, its extensions (a server's leaf
 * may carry its OCSP response; custom extensions go on any entry). */
static int write_entry(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b, X509 *x,
                       size_t idx)
{
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    int ok = len > 0 && tls_b_open(b, 3) && tls_b_bytes(b, der, (size_t)len) && tls_b_close(b);

    OPENSSL_free(der);
    if (!ok || c->version != TLS1_3_VERSION)
        return ok;
    return tls_ext_write_certificate_entry(s, c, hs, b, x, idx);
}

int tls_send_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                         const struct shim_cert_pkey *key, const uint8_t *context,
                         size_t context_len)
{
    int tls13 = c->version == TLS1_3_VERSION;
    STACK_OF(X509) *chain = NULL;
    tls_builder b;
    int ok;

    if (key != NULL && (chain = tls_chain_to_send(s, key)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_CERTIFICATE, 2048)) {
        sk_X509_pop_free(chain, X509_free);
        return 0;
    }
    ok = (!tls13 ||
          (tls_b_open(&b, 1) && tls_b_bytes(&b, context, context_len) && tls_b_close(&b))) &&
         tls_b_open(&b, 3);
    for (int i = 0; ok && i < sk_X509_num(chain); i++)
        ok = write_entry(s, c, hs, &b, sk_X509_value(chain, i), (size_t)i);
    sk_X509_pop_free(chain, X509_free);
    if (!ok || !tls_b_close(&b)) {
        tls_b_cleanup(&b);
        return c->failed ? 0 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    return tls_hs_send_msg(s, c, hs, &b);
}

/* ------------------------------------------------------------- reading */

/* A CertificateEntry's extensions (TLS 1.3): chain_idx 0 is the leaf. */
static int parse_entry_extensions(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *list,
                                  X509 *cert, size_t chain_idx)
{
    tls_reader exts;
    struct tls_ext_set set;
    struct tls_ext_ctx x = {s, c, hs, SSL_EXT_TLS1_3_CERTIFICATE, NULL, 0, 0, 0, chain_idx, 0};

    x.cert = cert;
    if (!tls_r_sub_u16(list, &exts))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_LENGTH);
    return tls_ext_collect(s, hs, SSL_EXT_TLS1_3_CERTIFICATE, &exts, &set) &&
           tls_ext_parse_all_ctx(&x, &set);
}

int tls_parse_certificate_list(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r,
                               int allow_empty)
{
    int tls13 = c->version == TLS1_3_VERSION;
    STACK_OF(X509) * chain;
    tls_reader list;

    if (!tls_r_sub_u24(r, &list) || !tls_r_done(r) || (!allow_empty && tls_r_done(&list)))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if ((chain = sk_X509_new_null()) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    while (!tls_r_done(&list)) {
        tls_reader der;
        int parsed;
        X509 *x;

        if (!tls_r_sub_u24(&list, &der)) {
            sk_X509_pop_free(chain, X509_free);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_CERT_LENGTH_MISMATCH);
        }
        if ((parsed = shim_x509_from_der(c->algs, der.p, der.len, &x)) == 0) {
            sk_X509_pop_free(chain, X509_free);
            /* (Stock's client and server differ in the alert.) */
            return tls_fatal(s, s->server ? SSL_AD_DECODE_ERROR : SSL_AD_BAD_CERTIFICATE,
                             ERR_R_ASN1_LIB);
        }
        if (parsed < 0 || !sk_X509_push(chain, x)) {
            X509_free(x);
            sk_X509_pop_free(chain, X509_free);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_CERT_LENGTH_MISMATCH);
        }
        if (tls13 && !parse_entry_extensions(s, c, hs, &list, x, (size_t)sk_X509_num(chain) - 1)) {
            sk_X509_pop_free(chain, X509_free);
            return 0;
        }
    }
    sk_X509_pop_free(hs->peer_chain, X509_free);
    hs->peer_chain = chain;
    return 1;
}

/* Whether a server key of this type can authenticate a suite of auth_mask. */
static int key_fits_auth(enum shim_key_type t, uint32_t auth_mask)
{
    if (auth_mask & SHIM_A_RSA)
        return t == SHIM_KEY_RSA;
    if (auth_mask & SHIM_A_ECDSA)
        return t == SHIM_KEY_EC || t == SHIM_KEY_ED25519 || t == SHIM_KEY_ED448;
    if (auth_mask & SHIM_A_DSS)
        return t == SHIM_KEY_DSA;
    return 0;
}

int tls_client_check_server_chain(SSL *s, struct tls_hs *hs, uint32_t auth_mask)
{
    X509 *leaf = sk_X509_value(hs->peer_chain, 0);
    EVP_PKEY *pkey;
    enum shim_key_type t;

    /* The session holds the chain as received (leaf first, as a client's
     * stock session does) even if it fails verification: a failed handshake
     * still shows it (SSL_get_peer_cert_chain). */
    sk_X509_pop_free(s->session->peer_chain, X509_free);
    s->session->peer_chain = X509_chain_up_ref(hs->peer_chain);
    /* The chain is checked now, before its key is trusted for anything. */
    if (!shim_verify_chain(s, hs->peer_chain) && s->cfg.verify_mode != SSL_VERIFY_NONE)
        return tls_fatal(s, shim_verify_error_alert(s->verify_result),
                         SSL_R_CERTIFICATE_VERIFY_FAILED);
    ERR_clear_error(); /* a tolerated verification failure leaves no error, as stock */
    pkey = X509_get0_pubkey(leaf);
    if (pkey == NULL || shim_pkey_missing_parameters(pkey))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_UNABLE_TO_FIND_PUBLIC_KEY_PARAMETERS);
    t = shim_pkey_type(pkey);
    if (t == SHIM_KEY_UNKNOWN || t == SHIM_KEY_DH)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_UNKNOWN_CERTIFICATE_TYPE);
    if (auth_mask != 0 && !key_fits_auth(t, auth_mask))
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CERTIFICATE_TYPE);
    X509_free(s->session->peer);
    X509_up_ref(leaf);
    s->session->peer = leaf;
    s->session->verify_result = s->verify_result;
    return 1;
}
