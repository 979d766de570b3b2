/*
 * shimssl - where a client certificate comes from when none is configured.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_CLIENT_CERT_H
#define SHIM_API_CLIENT_CERT_H

#include "objects.h"

/* Whether the context has an engine or a callback to ask. */
int shim_client_cert_has_source(const SSL *s);

/* Stock's order: the client-certificate engine, then client_cert_cb.
 * Returns what the one that answered returned (1 found, 0 none, <0 retry). */
int shim_client_cert_from_app(SSL *s, X509 **x509, EVP_PKEY **pkey);

/* SSL_CTX_free's part: the engine's functional reference. */
void shim_client_cert_engine_release(SSL_CTX *ctx);

#endif
