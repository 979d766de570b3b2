/*
 * shimssl - the getters of features this library does not have
 * (Certificate Transparency, DANE, PSK and SRP identities, SRTP).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Programs ask such getters on every connection (nginx read the early-data
 * limit of each upstream context), so they answer as stock does while the
 * feature is off, and silently: an error left on the queue here would be reported
 * against the next unrelated failure.  The setters that would turn the
 * features on stay refused (status.tsv).
 */
#include "shim.h"

#include "objects.h"

int SSL_CTX_ct_is_enabled(const SSL_CTX *ctx)
{
    (void)ctx;
    return 0;
}

/* No SCTs are collected: stock's list is NULL when the peer sent none. */
const STACK_OF(SCT) * SSL_get0_peer_scts(SSL *s)
{
    (void)s;
    return NULL;
}

/* Stock's is a member of every SSL, non-NULL, with no TLSA records until
 * SSL_dane_enable (refused here); see struct shim_dane_off. */
SSL_DANE *SSL_get0_dane(SSL *s)
{
    return (SSL_DANE *)&s->dane;
}

/* Every context has a CT log store, empty until logs are loaded into it
 * (stock's too); the logs are only consulted by CT validation, which stays
 * refused (SSL_CTX_enable_ct). */
const CTLOG_STORE *SSL_CTX_get0_ctlog_store(const SSL_CTX *ctx)
{
    return ctx->ctlog_store;
}

void SSL_CTX_set0_ctlog_store(SSL_CTX *ctx, CTLOG_STORE *logs)
{
    CTLOG_STORE_free(ctx->ctlog_store);
    ctx->ctlog_store = logs;
}

int SSL_CTX_set_default_ctlog_list_file(SSL_CTX *ctx)
{
    return CTLOG_STORE_load_default_file(ctx->ctlog_store);
}

int SSL_CTX_set_ctlog_list_file(SSL_CTX *ctx, const char *path)
{
    return CTLOG_STORE_load_file(ctx->ctlog_store, path);
}

const char *SSL_get_psk_identity(const SSL *s)
{
    (void)s;
    return NULL;
}

const char *SSL_get_psk_identity_hint(const SSL *s)
{
    (void)s;
    return NULL;
}

BIGNUM *SSL_get_srp_N(SSL *s)
{
    (void)s;
    return NULL;
}

BIGNUM *SSL_get_srp_g(SSL *s)
{
    (void)s;
    return NULL;
}

char *SSL_get_srp_username(SSL *s)
{
    (void)s;
    return NULL;
}

char *SSL_get_srp_userinfo(SSL *s)
{
    (void)s;
    return NULL;
}

STACK_OF(SRTP_PROTECTION_PROFILE) * SSL_get_srtp_profiles(SSL *s)
{
    (void)s;
    return NULL;
}
