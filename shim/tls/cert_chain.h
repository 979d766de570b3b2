/*
 * shimssl - the certificate chain we send.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_CERT_CHAIN_H
#define SHIM_TLS_CERT_CHAIN_H

#include "objects.h"

/* The certificates to send for key, leaf first, as new references: the
 * key's own chain, else the context's extra certificates, else (unless
 * SSL_MODE_NO_AUTO_CHAIN) what libcrypto builds from the chain store or the
 * trust store, as stock does.  NULL (error raised) on failure. */
STACK_OF(X509) *tls_chain_to_send(SSL *s, const struct shim_cert_pkey *key);

#endif
