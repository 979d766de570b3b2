/*
 * shimssl - the per-context session cache.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_SESSION_CACHE_H
#define SHIM_TLS_SESSION_CACHE_H

#include "objects.h"

/* The cache's index (ctx->cache_index), made with the context and freed
 * with it once the cache is empty. */
int tls_cache_init(SSL_CTX *ctx);
void tls_cache_free(SSL_CTX *ctx);

/* SSL_CTX_add_session: 1 if ss was added, 0 if it was cached already. */
int tls_cache_add(SSL_CTX *ctx, SSL_SESSION *ss);

/* SSL_CTX_remove_session: takes out the session cached under ss's id (the
 * remove callback hears of ss, cached or not, as stock's); 1 if one was. */
int tls_cache_remove(SSL_CTX *ctx, SSL_SESSION *ss);

/* SSL_CTX_flush_sessions: drops the sessions expired at time t (0: all). */
void tls_cache_flush(SSL_CTX *ctx, long t);

/* Whether a session with this version and id is cached. */
int tls_cache_has_id(SSL_CTX *ctx, int version, const unsigned char *id, size_t len);

/* The session a client asks a server to resume by id (stock's
 * lookup_sess_in_cache): the internal cache unless
 * SSL_SESS_CACHE_NO_INTERNAL_LOOKUP, else the application's get callback
 * (whose session the internal cache then keeps too, unless
 * SSL_SESS_CACHE_NO_INTERNAL_STORE).  A new reference, or NULL. */
SSL_SESSION *tls_cache_lookup(SSL *s, const unsigned char *id, size_t len);

/* A server's new session goes to the cache and the new-session callback
 * (stock's ssl_update_cache(s, SSL_SESS_CACHE_SERVER)). */
void tls_update_server_cache(SSL *s);

#endif
