/*
 * shimssl - the getters of features this library does not have (early
 * data, Certificate Transparency, PSK and SRP identities, SRTP, custom
 * extensions).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Programs ask these on every connection (nginx reads the early-data limit
 * of each upstream context), so they answer as stock does while the feature
 * is off, and silently: an error left on the queue here would be reported
 * against the next unrelated failure.  The setters that would turn the
 * features on stay refused (status.tsv).
 */
#include "shim.h"

#include "objects.h"

/* The early-data limits keep stock's defaults: nothing sent, 16384 bytes
 * accepted (TLS 1.3's record size), as a context that never enabled it. */
uint32_t SSL_CTX_get_max_early_data(const SSL_CTX *ctx)
{
    return ctx->cfg.max_early_data;
}

uint32_t SSL_get_max_early_data(const SSL *s)
{
    return s->cfg.max_early_data;
}

uint32_t SSL_CTX_get_recv_max_early_data(const SSL_CTX *ctx)
{
    return ctx->cfg.recv_max_early_data;
}

uint32_t SSL_get_recv_max_early_data(const SSL *s)
{
    return s->cfg.recv_max_early_data;
}

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

/* Custom extensions cannot be added, so none is ever registered. */
int SSL_CTX_has_client_custom_ext(const SSL_CTX *ctx, unsigned int ext_type)
{
    (void)ctx, (void)ext_type;
    return 0;
}
