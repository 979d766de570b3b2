/*
 * shimssl - the TLS 1.0-1.2 client handshake (RFC 5246 7, RFC 8422,
 * RFC 7627, RFC 5746, RFC 5077).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_CLIENT12_H
#define SHIM_TLS_CLIENT12_H

#include "tls/extensions.h"

/* States of the TLS 1.2 machine start here, after the TLS 1.3 ones. */
#define TLS_C12_FIRST_STATE 100

/* What the shared ServerHello parser found. */
struct tls_server_hello {
    const uint8_t *cipher_id;
    uint8_t compression;
    tls_reader session_id;
    struct tls_ext_set ext;
};

/* Processes a ServerHello that chose TLS 1.2 or lower (the version is
 * already checked and set in c->version). */
enum tls_step tls_client12_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                        struct tls_server_hello *sh);

enum tls_step tls_client12_step(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* A HelloRequest on an established connection (c->hm.msg): asks for an
 * abbreviated renegotiation (c->renegotiate), or refuses it with a
 * no_renegotiation warning under SSL_OP_NO_RENEGOTIATION, as stock. */
int tls_client12_hello_request(SSL *s, struct tls_conn *c);

/* SSL_export_keying_material for TLS 1.2 and below (RFC 5705). */
int tls12_export_keying_material(SSL *s, struct tls_conn *c, uint8_t *out, size_t olen,
                                 const char *label, size_t llen, const uint8_t *context,
                                 size_t contextlen, int use_context);

#endif
