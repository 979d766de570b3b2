/*
 * shimssl - the client's certificate when a server asks for one: the
 * application's callbacks and the choice of key and signature algorithm,
 * the same in TLS 1.3, TLS 1.2 and post-handshake authentication.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_CLIENT_AUTH_H
#define SHIM_TLS_CLIENT_AUTH_H

#include "tls/handshake.h"

/*
 * Stock's tls_prepare_client_certificate: the cert callback, then (if what
 * we hold cannot answer the request) the client-certificate engine or
 * callback.  Either may ask to be called again: then -1, with s->rwstate
 * SSL_X509_LOOKUP, and the next call resumes at that callback.  Returns 1
 * with hs->key / hs->sigalg set (NULL: send an empty Certificate), or 0
 * after tls_fatal.
 */
int tls_client_prepare_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* The step both versions take when a certificate was requested: prepare
 * it, then send the Certificate (empty if we have nothing suitable, in TLS
 * 1.3 with the request's context). */
enum tls_step tls_client_send_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs);

#endif
