/*
 * shimssl - the certificate-authority names a server sends.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_CA_NAMES_H
#define SHIM_TLS_CA_NAMES_H

#include "objects.h"
#include "tls/bytes.h"

/*
 * Reads DistinguishedName certificate_authorities<0..2^16-1> from r (the
 * TLS 1.2 CertificateRequest field, or the TLS 1.3 extension's body) into
 * *names, replacing what was there. What follows the list is left in r for
 * the caller, whose error for it differs between the two. 0 after tls_fatal.
 */
int tls_parse_ca_names(SSL *s, tls_reader *r, STACK_OF(X509_NAME) * *names);

/* The names a server asks client certificates to chain to: the client CA
 * list, or the CA list when that is empty (stock's get_ca_names). */
STACK_OF(X509_NAME) * tls_server_ca_names(const SSL *s);

/* Writes DistinguishedName certificate_authorities<0..2^16-1> (empty with
 * SSL_OP_DISABLE_TLSEXT_CA_NAMES); 0 on a builder failure. */
int tls_write_ca_names(const SSL *s, tls_builder *b, STACK_OF(X509_NAME) * names);

#endif
