/*
 * shimssl - the certificate/key container (struct shim_cert).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_CERT_H
#define SHIM_API_CERT_H

#include "objects.h"

struct shim_cert *shim_cert_new(void);
/* A copy for a new SSL: certificates, keys and stores are shared by reference. */
struct shim_cert *shim_cert_dup(const struct shim_cert *src);
void shim_cert_up_ref(struct shim_cert *c);
void shim_cert_free(struct shim_cert *c);

/* Drops every certificate, key, chain and serverinfo (SSL_certs_clear);
 * the other settings stay. */
void shim_cert_clear_keys(struct shim_cert *c);

/* SSL_set_SSL_CTX: what the connection did with each custom extension
 * carries over to the new context's table, for those registered in both
 * (custom_ext.c). */
void shim_custom_ext_copy_flags(struct shim_cert *dst, const struct shim_cert *src);

#endif
