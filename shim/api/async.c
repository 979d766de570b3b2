/*
 * shimssl - asynchronous mode (SSL_MODE_ASYNC) as an application sees it.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Stock runs each I/O call in SSL_MODE_ASYNC as a libcrypto ASYNC job, so an
 * asynchronous engine can pause it (SSL_ERROR_WANT_ASYNC) and wake the
 * application through file descriptors in the SSL's ASYNC_WAIT_CTX.  shimssl
 * runs no jobs: an engine's operations complete in place and nothing ever
 * pauses.  What is observable otherwise is kept: the wait context appears at
 * the first I/O call in async mode (with the application's callback on it),
 * and the queries report on it as stock's do.
 */
#include "shim.h"

#include <openssl/async.h>

#include "api/async.h"

static int wait_ctx_callback(void *arg)
{
    SSL *s = arg;
    return s->cfg.async_cb(s, s->cfg.async_cb_arg);
}

void shim_async_io_begins(SSL *s)
{
    /* (an application already inside its own job gets no nested one) */
    if (!(s->cfg.mode & SSL_MODE_ASYNC) || s->waitctx != NULL || ASYNC_get_current_job() != NULL)
        return;
    if ((s->waitctx = ASYNC_WAIT_CTX_new()) == NULL)
        return;
    if (s->cfg.async_cb != NULL)
        ASYNC_WAIT_CTX_set_callback(s->waitctx, wait_ctx_callback, s);
}

int SSL_waiting_for_async(SSL *s)
{
    (void)s;
    return 0; /* no job is ever paused */
}

int SSL_get_all_async_fds(SSL *s, OSSL_ASYNC_FD *fds, size_t *numfds)
{
    return s->waitctx != NULL && ASYNC_WAIT_CTX_get_all_fds(s->waitctx, fds, numfds);
}

int SSL_get_changed_async_fds(SSL *s, OSSL_ASYNC_FD *addfd, size_t *numaddfds, OSSL_ASYNC_FD *delfd,
                              size_t *numdelfds)
{
    return s->waitctx != NULL &&
           ASYNC_WAIT_CTX_get_changed_fds(s->waitctx, addfd, numaddfds, delfd, numdelfds);
}

int SSL_get_async_status(SSL *s, int *status)
{
    if (s->waitctx == NULL)
        return 0;
    *status = ASYNC_WAIT_CTX_get_status(s->waitctx);
    return 1;
}

int SSL_CTX_set_async_callback(SSL_CTX *ctx, SSL_async_callback_fn callback)
{
    ctx->cfg.async_cb = callback;
    return 1;
}

int SSL_CTX_set_async_callback_arg(SSL_CTX *ctx, void *arg)
{
    ctx->cfg.async_cb_arg = arg;
    return 1;
}

int SSL_set_async_callback(SSL *s, SSL_async_callback_fn callback)
{
    s->cfg.async_cb = callback;
    return 1;
}

int SSL_set_async_callback_arg(SSL *s, void *arg)
{
    s->cfg.async_cb_arg = arg;
    return 1;
}
