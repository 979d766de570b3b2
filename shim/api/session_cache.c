/*
 * shimssl - the per-context session cache as the API shows it: adding,
 * removing, flushing, its callbacks, timeout and statistics (the cache
 * itself is shim/tls/session_cache.c).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "api/ctrl.h"
#include "tls/session_cache.h"

/* Stock tells the remove callback about the session named, cached or not. */
int SSL_CTX_remove_session(SSL_CTX *ctx, SSL_SESSION *ss)
{
    return tls_cache_remove(ctx, ss);
}

int SSL_CTX_add_session(SSL_CTX *ctx, SSL_SESSION *ss)
{
    return tls_cache_add(ctx, ss);
}

void SSL_CTX_flush_sessions(SSL_CTX *ctx, long t)
{
    tls_cache_flush(ctx, t);
}

/* Stock hands out its cache's LHASH; ours is the cache's index, the same
 * sessions (programs count it and walk it with OPENSSL_LH_* functions). */
LHASH_OF(SSL_SESSION) * SSL_CTX_sessions(SSL_CTX *ctx)
{
    return (LHASH_OF(SSL_SESSION) *)ctx->cache_index;
}

int SSL_has_matching_session_id(const SSL *s, const unsigned char *id, unsigned int len)
{
    if (id == NULL || len > SSL_MAX_SSL_SESSION_ID_LENGTH)
        return 0;
    return tls_cache_has_id(s->session_ctx, s->version, id, len);
}

/* ------------------------------------------------------------- callbacks */

void SSL_CTX_sess_set_new_cb(SSL_CTX *ctx, int (*cb)(SSL *, SSL_SESSION *))
{
    ctx->new_session_cb = cb;
}

int (*SSL_CTX_sess_get_new_cb(SSL_CTX *ctx))(SSL *, SSL_SESSION *)
{
    return ctx->new_session_cb;
}

void SSL_CTX_sess_set_remove_cb(SSL_CTX *ctx, void (*cb)(SSL_CTX *, SSL_SESSION *))
{
    ctx->remove_session_cb = cb;
}

void (*SSL_CTX_sess_get_remove_cb(SSL_CTX *ctx))(SSL_CTX *, SSL_SESSION *)
{
    return ctx->remove_session_cb;
}

void SSL_CTX_sess_set_get_cb(SSL_CTX *ctx,
                             SSL_SESSION *(*cb)(SSL *, const unsigned char *, int, int *))
{
    ctx->get_session_cb = cb;
}

SSL_SESSION *(*SSL_CTX_sess_get_get_cb(SSL_CTX *ctx))(SSL *, const unsigned char *, int, int *)
{
    return ctx->get_session_cb;
}

long SSL_CTX_set_timeout(SSL_CTX *ctx, long t)
{
    long old;

    if (ctx == NULL)
        return 0;
    old = ctx->session_timeout;
    ctx->session_timeout = t;
    return old;
}

long SSL_CTX_get_timeout(const SSL_CTX *ctx)
{
    return ctx != NULL ? ctx->session_timeout : 0;
}

/* ------------------------------------------------------------------ ctrl */

long shim_session_ctrl(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    long old;

    (void)parg;
    if (ctx == NULL)
        ctx = s->ctx; /* SSL_ctrl passes these to the connection's context */
    switch (cmd) {
    case SSL_CTRL_SESS_NUMBER:
        return (long)ctx->cache_count;
    case SSL_CTRL_SET_SESS_CACHE_SIZE:
        if (larg < 0)
            return 0;
        old = (long)ctx->session_cache_size;
        ctx->session_cache_size = (size_t)larg;
        return old;
    case SSL_CTRL_GET_SESS_CACHE_SIZE:
        return (long)ctx->session_cache_size;
    case SSL_CTRL_SET_SESS_CACHE_MODE:
        old = (long)ctx->session_cache_mode;
        ctx->session_cache_mode = (uint32_t)larg;
        return old;
    case SSL_CTRL_GET_SESS_CACHE_MODE:
        return (long)ctx->session_cache_mode;
    case SSL_CTRL_SESS_CONNECT:
        return shim_counter_get(&ctx->stats.connect);
    case SSL_CTRL_SESS_CONNECT_GOOD:
        return shim_counter_get(&ctx->stats.connect_good);
    case SSL_CTRL_SESS_CONNECT_RENEGOTIATE:
        return shim_counter_get(&ctx->stats.connect_renegotiate);
    case SSL_CTRL_SESS_ACCEPT:
        return shim_counter_get(&ctx->stats.accept);
    case SSL_CTRL_SESS_ACCEPT_GOOD:
        return shim_counter_get(&ctx->stats.accept_good);
    case SSL_CTRL_SESS_ACCEPT_RENEGOTIATE:
        return shim_counter_get(&ctx->stats.accept_renegotiate);
    case SSL_CTRL_SESS_HIT:
        return shim_counter_get(&ctx->stats.hit);
    case SSL_CTRL_SESS_CB_HIT:
        return shim_counter_get(&ctx->stats.cb_hit);
    case SSL_CTRL_SESS_MISSES:
        return shim_counter_get(&ctx->stats.miss);
    case SSL_CTRL_SESS_TIMEOUTS:
        return shim_counter_get(&ctx->stats.timeout);
    case SSL_CTRL_SESS_CACHE_FULL:
        return shim_counter_get(&ctx->stats.cache_full);
    default:
        return 0;
    }
}
