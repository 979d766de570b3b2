/*
 * shimssl - the per-context session cache.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_SESSION_CACHE_H
#define SHIM_TLS_SESSION_CACHE_H

#include "objects.h"

/* SSL_CTX_add_session: 1 if ss was added, 0 if it was cached already. */
int tls_cache_add(SSL_CTX *ctx, SSL_SESSION *ss);

/* SSL_CTX_remove_session: takes out the session cached under ss's id (the
 * remove callback hears of ss, cached or not, as stock's); 1 if one was. */
int tls_cache_remove(SSL_CTX *ctx, SSL_SESSION *ss);

/* SSL_CTX_flush_sessions: drops the sessions expired at time t (0: all). */
void tls_cache_flush(SSL_CTX *ctx, long t);

/* Whether a session with this version and id is cached. */
int tls_cache_has_id(SSL_CTX *ctx, int version, const unsigned char *id, size_t len);

#endif
