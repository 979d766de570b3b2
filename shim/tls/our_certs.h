/*
 * shimssl - our certificates and keys: setting them with stock's checks.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The API's loaders (SSL_CTX_use_certificate and the file, DER and chain
 * forms) and the handshake (a client certificate from the application's
 * callback) both end here.  ctx and s say whose security callback judges the
 * certificate: s for a connection, else the context.
 */
#ifndef SHIM_TLS_OUR_CERTS_H
#define SHIM_TLS_OUR_CERTS_H

#include "objects.h"

/* Stock's check of a certificate against the security level: its key size
 * (as an end entity or a CA), then, unless self-signed, its signature's
 * digest.  Raises EE_KEY_TOO_SMALL / CA_KEY_TOO_SMALL / CA_MD_TOO_WEAK. */
int tls_cert_secure(SSL_CTX *ctx, SSL *s, const struct shim_cert *cert, X509 *x, int is_ee);

/* Puts x in the slot of its key type (a key there that does not match it
 * goes) and makes that slot current. */
int tls_cert_set_x509(SSL_CTX *ctx, SSL *s, struct shim_cert *cert, X509 *x);

/* Puts pkey in the slot of its type (it must match a certificate there)
 * and makes that slot current. */
int tls_cert_set_key(struct shim_cert *cert, EVP_PKEY *pkey);

#endif
