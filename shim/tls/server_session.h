/*
 * shimssl - which session a server resumes: the one a TLS 1.3
 * pre_shared_key names (a ticket, or with SSL_OP_NO_TICKET a cache key),
 * or in TLS 1.2 the one a session ticket or the legacy session id names;
 * checked as stock's ssl_get_prev_session checks it.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_SERVER_SESSION_H
#define SHIM_TLS_SERVER_SESSION_H

#include "tls/client_hello.h"

enum tls_resume { TLS_RESUME_FAILED = -1, TLS_RESUME_NO = 0, TLS_RESUME_YES = 1 };

/* Finds the session to resume for the ClientHello being processed (cipher:
 * the TLS 1.3 suite already chosen); with TLS_RESUME_YES it is s->session.
 * TLS_RESUME_FAILED after tls_fatal. */
enum tls_resume tls_server_find_session(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                        struct tls_client_hello *ch, const SSL_CIPHER *cipher);

/* A fresh session for a full handshake (stock's ssl_get_new_session on a
 * server): a random id, unless the cache is off (TLS 1.2). 0 after tls_fatal. */
int tls_server_new_session(SSL *s);

/* A new session id for s->session (stock's ssl_generate_session_id: the
 * application's generator if set, else random; unique in the cache).
 * rnd: SSL3_SSL_SESSION_ID_LENGTH random bytes the caller drew, the first
 * random id tried (NULL: drawn here).  0 after tls_fatal. */
int tls_server_session_id(SSL *s, SSL_SESSION *ss, const uint8_t *rnd);

#endif
