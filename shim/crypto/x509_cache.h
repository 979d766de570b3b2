/*
 * shimssl - peer certificates parsed once and shared.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Turning a certificate's DER into an X509 runs libcrypto's key decoders,
 * which cost more than all the rest of a TLS 1.3 client handshake.  Clients
 * meet the same server certificates again and again, so the last few parsed
 * are kept, keyed by their exact DER, and handed out as new references.
 * X509 objects are reference counted and safe to share between threads.
 */
#ifndef SHIM_CRYPTO_X509_CACHE_H
#define SHIM_CRYPTO_X509_CACHE_H

#include "objects.h"

struct shim_algs;
struct shim_x509_cache;

struct shim_x509_cache *shim_x509_cache_new(void);
void shim_x509_cache_free(struct shim_x509_cache *c);

/* The certificate encoded by der[0..len), as a new reference in *out.
 * Returns 1, 0 if it does not parse (*out NULL, the ASN.1 error raised), or
 * -1 if it parses but does not use all len bytes (*out NULL). */
int shim_x509_from_der(const struct shim_algs *a, const uint8_t *der, size_t len, X509 **out);

#endif
