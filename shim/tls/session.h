/*
 * shimssl - sessions as the handshake creates and updates them.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_SESSION_H
#define SHIM_TLS_SESSION_H

#include "tls/conn.h"

/* The SSL_SESSION object (the exported SSL_SESSION_new / up_ref / free / dup
 * are these, less the library initialisation). */
SSL_SESSION *tls_session_create(void);
int tls_session_up_ref(SSL_SESSION *ss);
void tls_session_free(SSL_SESSION *ss);
SSL_SESSION *tls_session_dup(const SSL_SESSION *src);

/* The DER encoding (stock's SSL_SESSION_ASN1): i2d_SSL_SESSION and
 * d2i_SSL_SESSION, less the library initialisation. */
int tls_session_to_der(const SSL_SESSION *in, unsigned char **pp);
SSL_SESSION *tls_session_from_der(SSL_SESSION **a, const unsigned char **pp, long length);

/* Replaces s->session with a fresh one for a full handshake (stock's
 * ssl_get_new_session for a client). */
int tls_session_new(SSL *s);

/* Whether sess can be offered for TLS 1.3 resumption by s. */
int tls_session_resumable13(const SSL *s, const SSL_SESSION *sess);

/* Adds s->session to the client cache and tells the new-session callback,
 * as stock's ssl_update_cache(s, SSL_SESS_CACHE_CLIENT). */
void tls_session_update_client_cache(SSL *s);

#endif
