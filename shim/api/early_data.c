/*
 * shimssl - the early-data (0-RTT) limits.  Early data itself is not
 * supported: a server refuses it as stock does with max_early_data 0 (the
 * default), and a client never sends it.  So the limits are kept and read
 * back as stock's, a max_early_data of 0 is accepted (programs set it to
 * say "off": haproxy does in its ClientHello callback), and any other
 * value, which would promise 0-RTT, is refused as unsupported.  The
 * receiving limit only bounds early data a server accepts, so any value is
 * kept.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "objects.h"

static int set_max(struct shim_config *cfg, uint32_t max_early_data)
{
    if (max_early_data != 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_UNSUPPORTED);
        return 0;
    }
    cfg->max_early_data = 0;
    return 1;
}

int SSL_CTX_set_max_early_data(SSL_CTX *ctx, uint32_t max_early_data)
{
    return set_max(&ctx->cfg, max_early_data);
}

int SSL_set_max_early_data(SSL *s, uint32_t max_early_data)
{
    return set_max(&s->cfg, max_early_data);
}

uint32_t SSL_CTX_get_max_early_data(const SSL_CTX *ctx)
{
    return ctx->cfg.max_early_data;
}

uint32_t SSL_get_max_early_data(const SSL *s)
{
    return s->cfg.max_early_data;
}

int SSL_CTX_set_recv_max_early_data(SSL_CTX *ctx, uint32_t recv_max_early_data)
{
    ctx->cfg.recv_max_early_data = recv_max_early_data;
    return 1;
}

int SSL_set_recv_max_early_data(SSL *s, uint32_t recv_max_early_data)
{
    s->cfg.recv_max_early_data = recv_max_early_data;
    return 1;
}

uint32_t SSL_CTX_get_recv_max_early_data(const SSL_CTX *ctx)
{
    return ctx->cfg.recv_max_early_data;
}

uint32_t SSL_get_recv_max_early_data(const SSL *s)
{
    return s->cfg.recv_max_early_data;
}
