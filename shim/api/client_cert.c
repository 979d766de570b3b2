/*
 * shimssl - where a client certificate comes from when none is configured:
 * an ENGINE set with SSL_CTX_set_client_cert_engine, then the application's
 * client_cert_cb, as stock asks them.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/engine.h>

#include "api/client_cert.h"

int SSL_CTX_set_client_cert_engine(SSL_CTX *ctx, ENGINE *e)
{
    if (!ENGINE_init(e)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_ENGINE_LIB);
        return 0;
    }
    if (ENGINE_get_ssl_client_cert_function(e) == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_CLIENT_CERT_METHOD);
        ENGINE_finish(e);
        return 0;
    }
    /* (as stock, a second engine replaces the first without releasing it) */
    ctx->client_cert_engine = e;
    return 1;
}

void shim_client_cert_engine_release(SSL_CTX *ctx)
{
    if (ctx->client_cert_engine != NULL)
        ENGINE_finish(ctx->client_cert_engine);
}

int shim_client_cert_has_source(const SSL *s)
{
    return s->ctx->client_cert_engine != NULL || s->ctx->client_cert_cb != NULL;
}

int shim_client_cert_from_app(SSL *s, X509 **x509, EVP_PKEY **pkey)
{
    int r = 0;

    if (s->ctx->client_cert_engine != NULL) {
        r = ENGINE_load_ssl_client_cert(s->ctx->client_cert_engine, s, SSL_get_client_CA_list(s),
                                        x509, pkey, NULL, NULL, NULL);
        if (r != 0)
            return r;
    }
    if (s->ctx->client_cert_cb != NULL)
        r = s->ctx->client_cert_cb(s, x509, pkey);
    return r;
}
