/*
 * shimssl - the TLS 1.3 client handshake (RFC 8446 2, 4).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_CLIENT13_H
#define SHIM_TLS_CLIENT13_H

#include "tls/handshake.h"

/* Runs the state the client handshake is in (see handshake.h). */
enum tls_step tls_client13_step(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* Handles a post-handshake message a TLS 1.3 client received
 * (NewSessionTicket, KeyUpdate, CertificateRequest); 0 after tls_fatal. */
int tls_client13_post_handshake(SSL *s, struct tls_conn *c);

/* Sends a KeyUpdate (RFC 8446 4.6.3) and moves to the next write key. */
int tls13_send_key_update(SSL *s, struct tls_conn *c, int request_peer_update);

#endif
