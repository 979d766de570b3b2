/*
 * shimssl - application data on SSL, SSL_CTX and SSL_SESSION.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * All three use libcrypto's CRYPTO_EX_DATA with stock's class indices, so the
 * applications' SSL_get_ex_new_index() macros (over CRYPTO_get_ex_new_index)
 * and their new/dup/free callbacks keep working unchanged.
 */
#include "shim.h"

#include "crypto/verify.h"

#include "objects.h"

int SSL_set_ex_data(SSL *s, int idx, void *data)
{
    return CRYPTO_set_ex_data(&s->ex_data, idx, data);
}

void *SSL_get_ex_data(const SSL *s, int idx)
{
    return CRYPTO_get_ex_data(&s->ex_data, idx);
}

int SSL_CTX_set_ex_data(SSL_CTX *ctx, int idx, void *data)
{
    return CRYPTO_set_ex_data(&ctx->ex_data, idx, data);
}

void *SSL_CTX_get_ex_data(const SSL_CTX *ctx, int idx)
{
    return CRYPTO_get_ex_data(&ctx->ex_data, idx);
}

int SSL_SESSION_set_ex_data(SSL_SESSION *ss, int idx, void *data)
{
    return CRYPTO_set_ex_data(&ss->ex_data, idx, data);
}

void *SSL_SESSION_get_ex_data(const SSL_SESSION *ss, int idx)
{
    return CRYPTO_get_ex_data(&ss->ex_data, idx);
}

int SSL_get_ex_data_X509_STORE_CTX_idx(void)
{
    return shim_verify_ssl_idx();
}
