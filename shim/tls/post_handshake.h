/*
 * shimssl - handshake messages after the handshake: TLS 1.3
 * NewSessionTicket, KeyUpdate and CertificateRequest (post-handshake
 * authentication), and the TLS 1.2 HelloRequest.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_POST_HANDSHAKE_H
#define SHIM_TLS_POST_HANDSHAKE_H

#include "tls/conn.h"

/* Handles the complete message in c->hm.msg on an established connection.
 * A message that starts a handshake (a HelloRequest the application lets
 * through, a CertificateRequest) leaves it in c->hs for the driver to run.
 * 0 after tls_fatal. */
int tls_post_handshake_msg(SSL *s, struct tls_conn *c);

/* Whether an established connection takes a handshake message of this type
 * (asked at its header, as stock's transition from TLS_ST_OK). */
int tls_post_handshake_expected(const SSL *s, const struct tls_conn *c, int type);

#endif
