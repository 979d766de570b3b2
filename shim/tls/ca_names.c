/*
 * shimssl - the certificate-authority names a server sends.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Errors as stock's: a list or a name that overruns its length is
 * length_mismatch, DER that does not parse is libcrypto's, and a name whose
 * DER ends before its stated length is ca_dn_length_mismatch.
 */
#include "shim.h"

#include <openssl/x509.h>

#include "tls/alert.h"
#include "tls/ca_names.h"

int tls_parse_ca_names(SSL *s, tls_reader *r, STACK_OF(X509_NAME) * *names)
{
    tls_reader list;
    STACK_OF(X509_NAME) *found = sk_X509_NAME_new_null();

    if (found == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    if (!tls_r_sub_u16(r, &list))
        goto mismatch;
    while (!tls_r_done(&list)) {
        tls_reader dn;
        const unsigned char *p;
        X509_NAME *xn;

        if (!tls_r_sub_u16(&list, &dn))
            goto mismatch;
        p = dn.p;
        if ((xn = d2i_X509_NAME(NULL, &p, (long)dn.len)) == NULL) {
            sk_X509_NAME_pop_free(found, X509_NAME_free);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, ERR_R_ASN1_LIB);
        }
        if (p != dn.p + dn.len) {
            X509_NAME_free(xn);
            sk_X509_NAME_pop_free(found, X509_NAME_free);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_CA_DN_LENGTH_MISMATCH);
        }
        if (!sk_X509_NAME_push(found, xn)) {
            X509_NAME_free(xn);
            sk_X509_NAME_pop_free(found, X509_NAME_free);
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        }
    }
    sk_X509_NAME_pop_free(*names, X509_NAME_free);
    *names = found;
    return 1;
mismatch:
    sk_X509_NAME_pop_free(found, X509_NAME_free);
    return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
}

STACK_OF(X509_NAME) * tls_server_ca_names(const SSL *s)
{
    STACK_OF(X509_NAME) *names =
        s->cfg.client_ca_names != NULL ? s->cfg.client_ca_names : s->ctx->cfg.client_ca_names;

    if (names == NULL || sk_X509_NAME_num(names) == 0)
        names = s->cfg.ca_names != NULL ? s->cfg.ca_names : s->ctx->cfg.ca_names;
    return names;
}

int tls_write_ca_names(const SSL *s, tls_builder *b, STACK_OF(X509_NAME) * names)
{
    if (!tls_b_open(b, 2))
        return 0;
    if (names != NULL && !(s->cfg.options & SSL_OP_DISABLE_TLSEXT_CA_NAMES)) {
        for (int i = 0; i < sk_X509_NAME_num(names); i++) {
            unsigned char *der = NULL;
            int len = i2d_X509_NAME(sk_X509_NAME_value(names, i), &der);
            int ok =
                len > 0 && tls_b_open(b, 2) && tls_b_bytes(b, der, (size_t)len) && tls_b_close(b);
            OPENSSL_free(der);
            if (!ok)
                return 0;
        }
    }
    return tls_b_close(b);
}
