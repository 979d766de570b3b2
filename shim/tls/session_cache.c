/*
 * shimssl - the per-context session cache.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Sessions are kept in a list, most recently added first; when the cache
 * is full the oldest goes.  Lookups walk the list: a client's cache holds a
 * few sessions.  The cache holds one reference per session.
 */
#include "shim.h"

#include <string.h>

#include "tls/session.h"
#include "tls/session_cache.h"

static void list_remove(SSL_CTX *ctx, SSL_SESSION *ss)
{
    if (ss->cache_prev != NULL)
        ss->cache_prev->cache_next = ss->cache_next;
    else
        ctx->cache_head = ss->cache_next;
    if (ss->cache_next != NULL)
        ss->cache_next->cache_prev = ss->cache_prev;
    else
        ctx->cache_tail = ss->cache_prev;
    ss->cache_prev = ss->cache_next = NULL;
    ss->owner = NULL;
    ctx->cache_count--;
}

static void list_add_head(SSL_CTX *ctx, SSL_SESSION *ss)
{
    ss->cache_prev = NULL;
    ss->cache_next = ctx->cache_head;
    if (ctx->cache_head != NULL)
        ctx->cache_head->cache_prev = ss;
    else
        ctx->cache_tail = ss;
    ctx->cache_head = ss;
    ss->owner = ctx;
    ctx->cache_count++;
}

/* The cached session with this version and id (stock's cache key). */
static SSL_SESSION *find(SSL_CTX *ctx, int version, const unsigned char *id, size_t len)
{
    for (SSL_SESSION *ss = ctx->cache_head; ss != NULL; ss = ss->cache_next)
        if (ss->ssl_version == version && ss->session_id_length == len &&
            memcmp(ss->session_id, id, len) == 0)
            return ss;
    return NULL;
}

/* Takes the session cached under ss's id out of the cache, if any, and
 * marks ss never to be resumed again. Returns the cache's reference to what
 * was taken out (released after the remove callback) or NULL. */
static SSL_SESSION *unlink_session(SSL_CTX *ctx, SSL_SESSION *ss)
{
    SSL_SESSION *found = find(ctx, ss->ssl_version, ss->session_id, ss->session_id_length);

    if (found != NULL)
        list_remove(ctx, found);
    ss->not_resumable = 1;
    return found;
}

static void removed(SSL_CTX *ctx, SSL_SESSION *ss)
{
    if (ctx->remove_session_cb != NULL)
        ctx->remove_session_cb(ctx, ss);
    tls_session_free(ss);
}

int tls_cache_remove(SSL_CTX *ctx, SSL_SESSION *ss)
{
    SSL_SESSION *r;

    if (ss == NULL || ss->session_id_length == 0)
        return 0;
    if (!CRYPTO_THREAD_write_lock(ctx->lock))
        return 0;
    r = unlink_session(ctx, ss);
    CRYPTO_THREAD_unlock(ctx->lock);
    if (ctx->remove_session_cb != NULL)
        ctx->remove_session_cb(ctx, ss);
    tls_session_free(r);
    return r != NULL;
}

int tls_cache_add(SSL_CTX *ctx, SSL_SESSION *ss)
{
    SSL_SESSION *old, *full = NULL, *next;
    int added = 1;

    if (!tls_session_up_ref(ss))
        return 0;
    if (!CRYPTO_THREAD_write_lock(ctx->lock)) {
        tls_session_free(ss);
        return 0;
    }
    old = find(ctx, ss->ssl_version, ss->session_id, ss->session_id_length);
    if (old != NULL) {
        /* Cached already (it moves to the front), or another session with
         * the same id, which the new one replaces without a callback. */
        list_remove(ctx, old);
        added = old != ss;
        if (added)
            tls_session_free(old);
    }
    if (ctx->session_cache_mode & SSL_SESS_CACHE_UPDATE_TIME)
        ss->time = time(NULL);
    /* Full: the oldest make room, and the remove callback hears of them.
     * Stock counts the new session before it makes room, so a cache of
     * size n keeps n - 1 others. */
    while (added && ctx->session_cache_size > 0 &&
           ctx->cache_count + 1 >= ctx->session_cache_size && ctx->cache_tail != NULL) {
        SSL_SESSION *tail = ctx->cache_tail;
        list_remove(ctx, tail);
        tail->not_resumable = 1;
        tail->cache_next = full;
        full = tail;
        shim_counter_inc(&ctx->stats.cache_full);
    }
    list_add_head(ctx, ss);
    CRYPTO_THREAD_unlock(ctx->lock);
    if (!added)
        tls_session_free(ss); /* the cache had its reference already */
    for (; full != NULL; full = next) {
        next = full->cache_next;
        full->cache_next = NULL;
        removed(ctx, full);
    }
    return added;
}

void tls_cache_flush(SSL_CTX *ctx, long t)
{
    SSL_SESSION *gone = NULL, *next;

    if (!CRYPTO_THREAD_write_lock(ctx->lock))
        return;
    /* Expired by time t (0: all), collected first, their callbacks after. */
    for (SSL_SESSION *ss = ctx->cache_head; ss != NULL; ss = next) {
        next = ss->cache_next;
        if (t == 0 || t > (long)ss->time + ss->timeout) {
            list_remove(ctx, ss);
            ss->not_resumable = 1;
            ss->cache_next = gone;
            gone = ss;
        }
    }
    CRYPTO_THREAD_unlock(ctx->lock);
    for (SSL_SESSION *ss = gone; ss != NULL; ss = next) {
        next = ss->cache_next;
        ss->cache_next = NULL;
        removed(ctx, ss);
    }
}

int tls_cache_has_id(SSL_CTX *ctx, int version, const unsigned char *id, size_t len)
{
    int found;

    if (!CRYPTO_THREAD_read_lock(ctx->lock))
        return 0;
    found = find(ctx, version, id, len) != NULL;
    CRYPTO_THREAD_unlock(ctx->lock);
    return found;
}

SSL_SESSION *tls_cache_lookup(SSL *s, const unsigned char *id, size_t len)
{
    SSL_CTX *ctx = s->session_ctx;
    SSL_SESSION *ret = NULL;
    int copy = 1;

    if (len > SSL_MAX_SSL_SESSION_ID_LENGTH)
        return NULL;
    if (!(ctx->session_cache_mode & SSL_SESS_CACHE_NO_INTERNAL_LOOKUP)) {
        if (!CRYPTO_THREAD_read_lock(ctx->lock))
            return NULL;
        /* A reference of our own, before another thread can drop it. */
        if ((ret = find(ctx, s->version, id, len)) != NULL)
            tls_session_up_ref(ret);
        CRYPTO_THREAD_unlock(ctx->lock);
        if (ret == NULL)
            shim_counter_inc(&ctx->stats.miss);
    }
    if (ret != NULL || ctx->get_session_cb == NULL)
        return ret;
    if ((ret = ctx->get_session_cb(s, id, (int)len, &copy)) == NULL)
        return NULL;
    if (ret->not_resumable) {
        if (!copy)
            tls_session_free(ret);
        return NULL;
    }
    shim_counter_inc(&ctx->stats.cb_hit);
    /* copy: the callback kept its reference, we take one of our own. */
    if (copy)
        tls_session_up_ref(ret);
    if (!(ctx->session_cache_mode & SSL_SESS_CACHE_NO_INTERNAL_STORE))
        tls_cache_add(ctx, ret);
    return ret;
}

void tls_update_server_cache(SSL *s)
{
    SSL_CTX *ctx = s->session_ctx;
    uint32_t mode = ctx->session_cache_mode;
    int tls13 = s->version == TLS1_3_VERSION;

    if (s->session->session_id_length == 0 || s->session->not_resumable)
        return;
    /* Without a session id context a session could be resumed out of
     * context by a server that verifies its clients: not cached. */
    if (s->session->sid_ctx_length == 0 && (s->cfg.verify_mode & SSL_VERIFY_PEER))
        return;
    if ((mode & SSL_SESS_CACHE_SERVER) && (!s->hit || tls13)) {
        /* A TLS 1.3 session lives in its ticket; the cache keeps it only
         * when the ticket is a cache key (SSL_OP_NO_TICKET) or the
         * application wants to hear of its removal. */
        if (!(mode & SSL_SESS_CACHE_NO_INTERNAL_STORE) &&
            (!tls13 || ctx->remove_session_cb != NULL || (s->cfg.options & SSL_OP_NO_TICKET)))
            tls_cache_add(ctx, s->session);
        if (ctx->new_session_cb != NULL) {
            tls_conn_pay_loop(s);
            tls_session_up_ref(s->session);
            if (!ctx->new_session_cb(s, s->session))
                tls_session_free(s->session);
        }
    }
    /* Every 256th handshake clears out expired sessions. */
    if (!(mode & SSL_SESS_CACHE_NO_AUTO_CLEAR) && (mode & SSL_SESS_CACHE_SERVER) &&
        (shim_counter_get(&ctx->stats.accept_good) & 0xff) == 0xff)
        tls_cache_flush(ctx, (long)time(NULL));
}
