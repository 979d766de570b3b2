/*
 * shimssl - the protocol engine's per-connection state, as the API layer
 * sees it.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The API layer only creates, resets and frees it and asks for the handshake
 * state; everything else about it belongs to shim/tls/.
 */
#ifndef SHIM_TLS_CONN_H
#define SHIM_TLS_CONN_H

#include "objects.h"

/* Frees the engine state of s (ssl->conn may be NULL). */
void tls_conn_free(SSL *s);

/* The handshake state SSL_get_state() reports (TLS_ST_BEFORE without a conn). */
OSSL_HANDSHAKE_STATE tls_conn_state(const SSL *s);

/* SSL_in_init(): 1 from SSL_new until a handshake completes, and again while
 * a renegotiation or post-handshake exchange runs. */
int tls_conn_in_init(const SSL *s);

/* SSL_in_before(): no handshake message has been sent or received yet. */
int tls_conn_in_before(const SSL *s);

#endif
