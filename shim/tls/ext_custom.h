/*
 * shimssl - custom extensions on the extension table: the application's
 * callbacks (struct shim_custom_ext, kept in the connection's struct
 * shim_cert) run where stock runs them.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Stock's rules, which these functions keep:
 * - written before the built-in extensions of every message, in the order
 *   registered; a server (and a client answering a CertificateRequest with
 *   its Certificate) writes only what it received, a ClientHello writes
 *   even those without an add callback (empty);
 * - received ones are checked for their message and duplicates with the
 *   built-in ones (extensions.c), then parsed after the built-in ones, in
 *   the order registered; a ServerHello or EncryptedExtensions may carry
 *   only those the ClientHello sent;
 * - the legacy TLS 1.2 forms are looked up for one role in a ClientHello and
 *   a TLS 1.2 ServerHello only.
 */
#ifndef SHIM_TLS_EXT_CUSTOM_H
#define SHIM_TLS_EXT_CUSTOM_H

#include "tls/extensions.h"

/* The extension of this type registered for role (SHIM_EXT_BOTH: any), or
 * NULL. */
struct shim_custom_ext *tls_custom_find(const struct shim_cert *cert, int role, unsigned int type);

/* The role a received extension of this message is looked up for when it is
 * collected (stock's verify_extension). */
int tls_custom_collect_role(unsigned int context);

/* A new ClientHello (sent by a client, received by a server): forget what
 * the previous one sent or received. */
void tls_custom_reset(SSL *s);

/* Writes the custom extensions of x->context (x->cert and x->chain_idx for a
 * Certificate entry, x->max_version for a ClientHello) into x->b.  0 after
 * tls_fatal. */
int tls_custom_write(struct tls_ext_ctx *x);

/* Hands a received extension of this type to its parse callback, if one is
 * registered for it.  0 after tls_fatal. */
int tls_custom_parse(struct tls_ext_ctx *x, uint16_t type, const tls_reader *data);

/* Parses every registered custom extension present in set, in the order
 * registered.  0 after tls_fatal. */
int tls_custom_parse_all(struct tls_ext_ctx *x, const struct tls_ext_set *set);

/* The serverinfo of the certificate a server chose (stock's
 * ssl_get_server_cert_serverinfo): 0 when there is none. */
int tls_custom_serverinfo(const SSL *s, const uint8_t **data, size_t *len);

#endif
