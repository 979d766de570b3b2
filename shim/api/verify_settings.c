/*
 * shimssl - how the peer is verified: the trust store, verify mode, depth
 * and callbacks, X509_VERIFY_PARAM (host names, purpose, trust), and the
 * result.  The checks themselves run in shim/crypto/verify.c.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/x509v3.h>

#include "objects.h"

/* ------------------------------------------------------------ trust store */

X509_STORE *SSL_CTX_get_cert_store(const SSL_CTX *ctx)
{
    return ctx->cert_store;
}

void SSL_CTX_set_cert_store(SSL_CTX *ctx, X509_STORE *store)
{
    X509_STORE_free(ctx->cert_store);
    ctx->cert_store = store;
}

void SSL_CTX_set1_cert_store(SSL_CTX *ctx, X509_STORE *store)
{
    if (store != NULL)
        X509_STORE_up_ref(store);
    SSL_CTX_set_cert_store(ctx, store);
}

/* Both NULL: stock refuses without an error, as X509_STORE would. */
int SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *file, const char *dir)
{
    if (file == NULL && dir == NULL)
        return 0;
    if (file != NULL && !SSL_CTX_load_verify_file(ctx, file))
        return 0;
    if (dir != NULL && !SSL_CTX_load_verify_dir(ctx, dir))
        return 0;
    return 1;
}

int SSL_CTX_load_verify_file(SSL_CTX *ctx, const char *file)
{
    return X509_STORE_load_file_ex(ctx->cert_store, file, ctx->libctx, ctx->propq);
}

int SSL_CTX_load_verify_dir(SSL_CTX *ctx, const char *dir)
{
    return X509_STORE_load_path(ctx->cert_store, dir);
}

int SSL_CTX_load_verify_store(SSL_CTX *ctx, const char *uri)
{
    return X509_STORE_load_store_ex(ctx->cert_store, uri, ctx->libctx, ctx->propq);
}

int SSL_CTX_set_default_verify_paths(SSL_CTX *ctx)
{
    return X509_STORE_set_default_paths_ex(ctx->cert_store, ctx->libctx, ctx->propq);
}

/*
 * The _file / _dir / _store defaults: a missing default location is not an
 * error (stock clears what the lookup raised), so these succeed unless
 * the lookup cannot be added at all.
 */
static int add_default(SSL_CTX *ctx, X509_LOOKUP_METHOD *m, int kind)
{
    X509_LOOKUP *lookup = X509_STORE_add_lookup(ctx->cert_store, m);

    if (lookup == NULL)
        return 0;
    ERR_set_mark();
    switch (kind) {
    case 0:
        X509_LOOKUP_load_file_ex(lookup, NULL, X509_FILETYPE_DEFAULT, ctx->libctx, ctx->propq);
        break;
    case 1:
        X509_LOOKUP_add_dir(lookup, NULL, X509_FILETYPE_DEFAULT);
        break;
    default:
        X509_LOOKUP_add_store_ex(lookup, NULL, ctx->libctx, ctx->propq);
        break;
    }
    ERR_pop_to_mark();
    return 1;
}

int SSL_CTX_set_default_verify_file(SSL_CTX *ctx)
{
    return add_default(ctx, X509_LOOKUP_file(), 0);
}

int SSL_CTX_set_default_verify_dir(SSL_CTX *ctx)
{
    return add_default(ctx, X509_LOOKUP_hash_dir(), 1);
}

int SSL_CTX_set_default_verify_store(SSL_CTX *ctx)
{
    return add_default(ctx, X509_LOOKUP_store(), 2);
}

/* ------------------------------------------------- mode, depth, callbacks */

void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, SSL_verify_cb cb)
{
    ctx->cfg.verify_mode = (uint32_t)mode;
    ctx->cfg.verify_callback = cb;
}

void SSL_set_verify(SSL *s, int mode, SSL_verify_cb cb)
{
    s->cfg.verify_mode = (uint32_t)mode;
    if (cb != NULL)
        s->cfg.verify_callback = cb; /* stock keeps the old callback for NULL */
}

void SSL_CTX_set_verify_depth(SSL_CTX *ctx, int depth)
{
    X509_VERIFY_PARAM_set_depth(ctx->cfg.param, depth);
}

void SSL_set_verify_depth(SSL *s, int depth)
{
    X509_VERIFY_PARAM_set_depth(s->cfg.param, depth);
}

int SSL_CTX_get_verify_mode(const SSL_CTX *ctx)
{
    return (int)ctx->cfg.verify_mode;
}

int SSL_get_verify_mode(const SSL *s)
{
    return (int)s->cfg.verify_mode;
}

int SSL_CTX_get_verify_depth(const SSL_CTX *ctx)
{
    return X509_VERIFY_PARAM_get_depth(ctx->cfg.param);
}

int SSL_get_verify_depth(const SSL *s)
{
    return X509_VERIFY_PARAM_get_depth(s->cfg.param);
}

SSL_verify_cb SSL_CTX_get_verify_callback(const SSL_CTX *ctx)
{
    return ctx->cfg.verify_callback;
}

SSL_verify_cb SSL_get_verify_callback(const SSL *s)
{
    return s->cfg.verify_callback;
}

void SSL_CTX_set_cert_verify_callback(SSL_CTX *ctx, int (*cb)(X509_STORE_CTX *, void *), void *arg)
{
    ctx->app_verify_callback = cb;
    ctx->app_verify_arg = arg;
}

/* ---------------------------------------------------------------- result */

long SSL_get_verify_result(const SSL *s)
{
    return s->verify_result;
}

void SSL_set_verify_result(SSL *s, long result)
{
    s->verify_result = result;
}

/* ------------------------------------------------------ X509_VERIFY_PARAM */

X509_VERIFY_PARAM *SSL_CTX_get0_param(SSL_CTX *ctx)
{
    return ctx->cfg.param;
}

X509_VERIFY_PARAM *SSL_get0_param(SSL *s)
{
    return s->cfg.param;
}

int SSL_CTX_set1_param(SSL_CTX *ctx, X509_VERIFY_PARAM *vpm)
{
    return X509_VERIFY_PARAM_set1(ctx->cfg.param, vpm);
}

int SSL_set1_param(SSL *s, X509_VERIFY_PARAM *vpm)
{
    return X509_VERIFY_PARAM_set1(s->cfg.param, vpm);
}

/* A name that parses as an IP address is checked as an address. */
int SSL_set1_host(SSL *s, const char *hostname)
{
    if (hostname != NULL && X509_VERIFY_PARAM_set1_ip_asc(s->cfg.param, hostname) == 1)
        return 1;
    return X509_VERIFY_PARAM_set1_host(s->cfg.param, hostname, 0);
}

/* Names add up; there can be only one address. */
int SSL_add1_host(SSL *s, const char *hostname)
{
    if (hostname != NULL) {
        ASN1_OCTET_STRING *ip = a2i_IPADDRESS(hostname);

        if (ip != NULL) {
            char *old = X509_VERIFY_PARAM_get1_ip_asc(s->cfg.param);

            ASN1_OCTET_STRING_free(ip);
            if (old != NULL) {
                OPENSSL_free(old);
                return 0;
            }
            return X509_VERIFY_PARAM_set1_ip_asc(s->cfg.param, hostname);
        }
    }
    return X509_VERIFY_PARAM_add1_host(s->cfg.param, hostname, 0);
}

void SSL_set_hostflags(SSL *s, unsigned int flags)
{
    X509_VERIFY_PARAM_set_hostflags(s->cfg.param, flags);
}

int SSL_CTX_set_purpose(SSL_CTX *ctx, int purpose)
{
    return X509_VERIFY_PARAM_set_purpose(ctx->cfg.param, purpose);
}

int SSL_set_purpose(SSL *s, int purpose)
{
    return X509_VERIFY_PARAM_set_purpose(s->cfg.param, purpose);
}

int SSL_CTX_set_trust(SSL_CTX *ctx, int trust)
{
    return X509_VERIFY_PARAM_set_trust(ctx->cfg.param, trust);
}

int SSL_set_trust(SSL *s, int trust)
{
    return X509_VERIFY_PARAM_set_trust(s->cfg.param, trust);
}
