/*
 * shimssl - the getters of features this library does not have
 * (Certificate Transparency, PSK and SRP identities, SRTP).
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
