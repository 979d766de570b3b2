/*
 * shimssl - our certificates and keys: setting them with stock's checks.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/x509v3.h>

#include "crypto/pkey.h"
#include "tls/our_certs.h"

static int security_ok(SSL_CTX *ctx, SSL *s, const struct shim_cert *c, int op, int bits, int nid,
                       void *other)
{
    /* Stock passes the connection, or else the context, never both. */
    return c->sec_cb == NULL ||
           c->sec_cb(s, s != NULL ? NULL : ctx, op, bits, nid, other, c->sec_ex);
}

int tls_cert_secure(SSL_CTX *ctx, SSL *s, const struct shim_cert *cert, X509 *x, int is_ee)
{
    EVP_PKEY *pkey = X509_get0_pubkey(x);
    int secbits = pkey != NULL ? shim_pkey_security_bits(pkey) : -1, mdnid = NID_undef;

    if (!security_ok(ctx, s, cert, is_ee ? SSL_SECOP_EE_KEY : SSL_SECOP_CA_KEY, secbits, 0, x)) {
        ERR_raise(ERR_LIB_SSL, is_ee ? SSL_R_EE_KEY_TOO_SMALL : SSL_R_CA_KEY_TOO_SMALL);
        return 0;
    }
    if ((X509_get_extension_flags(x) & EXFLAG_SS) != 0)
        return 1;
    if (!X509_get_signature_info(x, &mdnid, NULL, &secbits, NULL))
        secbits = -1;
    if (secbits == -1 || !security_ok(ctx, s, cert, SSL_SECOP_CA_MD, secbits, mdnid, x)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_CA_MD_TOO_WEAK);
        return 0;
    }
    return 1;
}

int tls_cert_set_x509(SSL_CTX *ctx, SSL *s, struct shim_cert *cert, X509 *x)
{
    EVP_PKEY *pkey;
    int i;

    if (x == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (!tls_cert_secure(ctx, s, cert, x, 1))
        return 0;
    if ((pkey = X509_get0_pubkey(x)) == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_X509_LIB);
        return 0;
    }
    if ((i = shim_pkey_slot(pkey)) < 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNKNOWN_CERTIFICATE_TYPE);
        return 0;
    }
    /* A key already set that does not match goes: the new certificate wins. */
    if (cert->pkeys[i].privatekey != NULL &&
        !X509_check_private_key(x, cert->pkeys[i].privatekey)) {
        EVP_PKEY_free(cert->pkeys[i].privatekey);
        cert->pkeys[i].privatekey = NULL;
        ERR_clear_error();
    }
    X509_up_ref(x);
    X509_free(cert->pkeys[i].x509);
    cert->pkeys[i].x509 = x;
    cert->current = &cert->pkeys[i];
    return 1;
}

int tls_cert_set_key(struct shim_cert *cert, EVP_PKEY *pkey)
{
    int i;

    if (pkey == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if ((i = shim_pkey_slot(pkey)) < 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNKNOWN_CERTIFICATE_TYPE);
        return 0;
    }
    if (cert->pkeys[i].x509 != NULL && !X509_check_private_key(cert->pkeys[i].x509, pkey))
        return 0;
    EVP_PKEY_up_ref(pkey);
    EVP_PKEY_free(cert->pkeys[i].privatekey);
    cert->pkeys[i].privatekey = pkey;
    cert->current = &cert->pkeys[i];
    return 1;
}
