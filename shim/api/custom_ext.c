/*
 * shimssl - custom extensions: registering them on a context.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * SSL_CTX_add_custom_ext registers an extension for both roles with the
 * messages it may appear in; the legacy TLS 1.2 forms register one for a
 * client or a server, in a ClientHello and a TLS 1.2 ServerHello only, not
 * on resumption.  Stock refuses (returning 0, raising nothing) a free
 * callback without an add callback, a type libssl handles itself (except
 * signed_certificate_timestamp, which it lets applications serve), a type
 * over 16 bits, and a type already registered for the role.  The engine
 * (shim/tls/ext_custom.c) runs the callbacks.
 */
#include "shim.h"

#include <string.h>

#include "api/cert.h"
#include "tls/ext_custom.h"

/* The legacy forms' messages (stock's). */
#define LEGACY_CONTEXT                                                                             \
    (SSL_EXT_TLS1_2_AND_BELOW_ONLY | SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO |          \
     SSL_EXT_IGNORE_ON_RESUMPTION)

static int add_entry(SSL_CTX *ctx, const struct shim_custom_ext *e, unsigned int ext_type)
{
    struct shim_cert *cert = ctx != NULL ? ctx->cfg.cert : NULL;
    struct shim_custom_ext *grown;

    if (cert == NULL)
        return 0;
    if (SSL_extension_supported(ext_type) && ext_type != TLSEXT_TYPE_signed_certificate_timestamp)
        return 0;
    if (ext_type > 0xffff || tls_custom_find(cert, e->role, ext_type) != NULL)
        return 0;
    grown = OPENSSL_realloc(cert->custom, (cert->custom_count + 1) * sizeof(*grown));
    if (grown == NULL)
        return 0;
    cert->custom = grown;
    grown[cert->custom_count] = *e;
    grown[cert->custom_count].type = (uint16_t)ext_type;
    grown[cert->custom_count].flags = 0;
    cert->custom_count++;
    return 1;
}

int SSL_CTX_add_custom_ext(SSL_CTX *ctx, unsigned int ext_type, unsigned int context,
                           SSL_custom_ext_add_cb_ex add_cb, SSL_custom_ext_free_cb_ex free_cb,
                           void *add_arg, SSL_custom_ext_parse_cb_ex parse_cb, void *parse_arg)
{
    struct shim_custom_ext e;

    /* A free callback would never run. */
    if (add_cb == NULL && free_cb != NULL)
        return 0;
    memset(&e, 0, sizeof(e));
    e.role = SHIM_EXT_BOTH;
    e.context = context;
    e.add_cb = add_cb;
    e.free_cb = free_cb;
    e.parse_cb = parse_cb;
    e.add_arg = add_arg;
    e.parse_arg = parse_arg;
    return add_entry(ctx, &e, ext_type);
}

static int add_legacy(SSL_CTX *ctx, int role, unsigned int ext_type, custom_ext_add_cb add_cb,
                      custom_ext_free_cb free_cb, void *add_arg, custom_ext_parse_cb parse_cb,
                      void *parse_arg)
{
    struct shim_custom_ext e;

    /* (Stock wraps the legacy callbacks, so a free callback alone passes.) */
    memset(&e, 0, sizeof(e));
    e.role = (uint8_t)role;
    e.legacy = 1;
    e.context = LEGACY_CONTEXT;
    e.old.add = add_cb;
    e.old.free = free_cb;
    e.old.parse = parse_cb;
    e.add_arg = add_arg;
    e.parse_arg = parse_arg;
    return add_entry(ctx, &e, ext_type);
}

int SSL_CTX_add_client_custom_ext(SSL_CTX *ctx, unsigned int ext_type, custom_ext_add_cb add_cb,
                                  custom_ext_free_cb free_cb, void *add_arg,
                                  custom_ext_parse_cb parse_cb, void *parse_arg)
{
    return add_legacy(ctx, SHIM_EXT_CLIENT, ext_type, add_cb, free_cb, add_arg, parse_cb,
                      parse_arg);
}

int SSL_CTX_add_server_custom_ext(SSL_CTX *ctx, unsigned int ext_type, custom_ext_add_cb add_cb,
                                  custom_ext_free_cb free_cb, void *add_arg,
                                  custom_ext_parse_cb parse_cb, void *parse_arg)
{
    return add_legacy(ctx, SHIM_EXT_SERVER, ext_type, add_cb, free_cb, add_arg, parse_cb,
                      parse_arg);
}

int SSL_CTX_has_client_custom_ext(const SSL_CTX *ctx, unsigned int ext_type)
{
    return ctx != NULL && tls_custom_find(ctx->cfg.cert, SHIM_EXT_CLIENT, ext_type) != NULL;
}

void shim_custom_ext_copy_flags(struct shim_cert *dst, const struct shim_cert *src)
{
    for (size_t i = 0; i < src->custom_count; i++) {
        struct shim_custom_ext *to = tls_custom_find(dst, src->custom[i].role, src->custom[i].type);
        if (to != NULL)
            to->flags = src->custom[i].flags;
    }
}

/*
 * The types libssl handles itself: the list stock 3.0 gives (asked of it for
 * every type 0..65535).
 */
int SSL_extension_supported(unsigned int ext_type)
{
    switch (ext_type) {
    case TLSEXT_TYPE_server_name:
    case TLSEXT_TYPE_max_fragment_length:
    case TLSEXT_TYPE_status_request:
    case TLSEXT_TYPE_supported_groups:
    case TLSEXT_TYPE_ec_point_formats:
    case TLSEXT_TYPE_srp:
    case TLSEXT_TYPE_signature_algorithms:
    case TLSEXT_TYPE_use_srtp:
    case TLSEXT_TYPE_application_layer_protocol_negotiation:
    case TLSEXT_TYPE_signed_certificate_timestamp:
    case TLSEXT_TYPE_padding:
    case TLSEXT_TYPE_encrypt_then_mac:
    case TLSEXT_TYPE_extended_master_secret:
    case TLSEXT_TYPE_session_ticket:
    case TLSEXT_TYPE_psk:
    case TLSEXT_TYPE_early_data:
    case TLSEXT_TYPE_supported_versions:
    case TLSEXT_TYPE_cookie:
    case TLSEXT_TYPE_psk_kex_modes:
    case TLSEXT_TYPE_certificate_authorities:
    case TLSEXT_TYPE_post_handshake_auth:
    case TLSEXT_TYPE_key_share:
    case TLSEXT_TYPE_next_proto_neg:
    case TLSEXT_TYPE_renegotiate:
        return 1;
    default:
        return 0;
    }
}
