/*
 * shimssl - the cookie callbacks of DTLS (HelloVerifyRequest) and of
 * SSL_stateless (the TLS 1.3 HelloRetryRequest cookie).  Both features are
 * unsupported and refuse where they are used; setting a callback only
 * stores it, as stock's setters do, so that a program that sets them on
 * every context (s_server does) finds no error left on its queue.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "objects.h"

void SSL_CTX_set_cookie_generate_cb(SSL_CTX *ctx, int (*cb)(SSL *, unsigned char *, unsigned int *))
{
    ctx->cookie_generate_cb = cb;
}

void SSL_CTX_set_cookie_verify_cb(SSL_CTX *ctx,
                                  int (*cb)(SSL *, const unsigned char *, unsigned int))
{
    ctx->cookie_verify_cb = cb;
}

void SSL_CTX_set_stateless_cookie_generate_cb(SSL_CTX *ctx,
                                              int (*cb)(SSL *, unsigned char *, size_t *))
{
    ctx->stateless_cookie_generate_cb = cb;
}

void SSL_CTX_set_stateless_cookie_verify_cb(SSL_CTX *ctx,
                                            int (*cb)(SSL *, const unsigned char *, size_t))
{
    ctx->stateless_cookie_verify_cb = cb;
}
