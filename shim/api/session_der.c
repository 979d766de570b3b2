/*
 * shimssl - SSL_SESSION in DER and PEM (the encoding is shim/tls/session_der.c).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/pem.h>

#include "tls/session.h"

int i2d_SSL_SESSION(const SSL_SESSION *in, unsigned char **pp)
{
    return tls_session_to_der(in, pp);
}

SSL_SESSION *d2i_SSL_SESSION(SSL_SESSION **a, const unsigned char **pp, long length)
{
    if (!OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL))
        return NULL;
    return tls_session_from_der(a, pp, length);
}

/* --------------------------------------------------------------------- PEM */

#define PEM_NAME "SSL SESSION PARAMETERS"

SSL_SESSION *PEM_read_bio_SSL_SESSION(BIO *bp, SSL_SESSION **x, pem_password_cb *cb, void *u)
{
    return PEM_ASN1_read_bio((d2i_of_void *)d2i_SSL_SESSION, PEM_NAME, bp, (void **)x, cb, u);
}

SSL_SESSION *PEM_read_SSL_SESSION(FILE *fp, SSL_SESSION **x, pem_password_cb *cb, void *u)
{
    return PEM_ASN1_read((d2i_of_void *)d2i_SSL_SESSION, PEM_NAME, fp, (void **)x, cb, u);
}

int PEM_write_bio_SSL_SESSION(BIO *bp, const SSL_SESSION *x)
{
    return PEM_ASN1_write_bio((i2d_of_void *)i2d_SSL_SESSION, PEM_NAME, bp, x, NULL, NULL, 0, NULL,
                              NULL);
}

int PEM_write_SSL_SESSION(FILE *fp, const SSL_SESSION *x)
{
    return PEM_ASN1_write((i2d_of_void *)i2d_SSL_SESSION, PEM_NAME, fp, x, NULL, NULL, 0, NULL,
                          NULL);
}
