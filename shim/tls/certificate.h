/*
 * shimssl - Certificate messages in both versions and both directions: the
 * chain we send, reading the peer's, and checking the server's.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *   TLS 1.2:  opaque ASN.1Cert<1..2^24-1>; ASN.1Cert certificate_list<0..2^24-1>;
 *   TLS 1.3:  struct { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>;
 *             } CertificateEntry;
 *             struct { opaque certificate_request_context<0..2^8-1>;
 *                      CertificateEntry certificate_list<0..2^24-1>; } Certificate;
 */
#ifndef SHIM_TLS_CERTIFICATE_H
#define SHIM_TLS_CERTIFICATE_H

#include "tls/handshake.h"

/* The certificates to send for key, leaf first, as new references: the
 * key's own chain, else the context's extra certificates, else (unless
 * SSL_MODE_NO_AUTO_CHAIN) what libcrypto builds from the chain store or the
 * trust store, as stock does.  NULL (error raised) on failure. */
STACK_OF(X509) * tls_chain_to_send(SSL *s, const struct shim_cert_pkey *key);

/* Sends a Certificate message with key's chain (key NULL: an empty one);
 * in TLS 1.3 with the given request context. 0 after tls_fatal. */
int tls_send_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                         const struct shim_cert_pkey *key, const uint8_t *context,
                         size_t context_len);

/* Reads the rest of a Certificate message from r (in TLS 1.3, after the
 * request context), the certificate_list, into hs->peer_chain; in TLS 1.3
 * each entry's extensions are parsed too.  An empty list is refused unless
 * allow_empty. 0 after tls_fatal. */
int tls_parse_certificate_list(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r,
                               int allow_empty);

/*
 * A client's checks of the server's chain (hs->peer_chain, not empty):
 * recorded in the session as received, verified (a failure is fatal unless
 * SSL_VERIFY_NONE), its key usable (and in TLS 1.2 of the type the suite's
 * authentication, auth_mask, names); the leaf becomes the session's peer.
 * 0 after tls_fatal.
 */
int tls_client_check_server_chain(SSL *s, struct tls_hs *hs, uint32_t auth_mask);

#endif
