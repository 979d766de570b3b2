/*
 * shimssl - the client's side of each extension: what a ClientHello says,
 * and how the server's answers are read (ServerHello, HelloRetryRequest,
 * EncryptedExtensions, Certificate, CertificateRequest, NewSessionTicket).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each parser checks what stock checks, in stock's order, with stock's
 * alert and reason; the table in extensions.c decides when each runs.
 */
#include "shim.h"

#include <string.h>

#include "crypto/kex.h"
#include "tls/ca_names.h"
#include "tls/ext_custom.h"
#include "tls/ext_hooks.h"
#include "tls/policy.h"

/* Code points the public headers do not name. */
#define TLSEXT_KEX_MODE_KE     0x00 /* psk_ke (RFC 8446 4.2.9) */
#define TLSEXT_KEX_MODE_KE_DHE 0x01 /* psk_dhe_ke */

/* ------------------------------------------------------- ClientHello writers */

static int open_ext(tls_builder *b, uint16_t type)
{
    return tls_b_u16(b, type) && tls_b_open(b, 2);
}

/* Whether the TLS 1.2 part of our offer includes an (EC)DHE-ECDSA/ECDHE suite
 * or any TLS 1.3 suite, and an EC group to go with it (stock's use_ecc). */
static int use_ecc(const struct tls_ext_ctx *x)
{
    STACK_OF(SSL_CIPHER) *ciphers = shim_ssl_cipher_list(x->s);
    int found = 0;
    const uint16_t *groups;
    size_t ngroups;

    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers) && !found; i++) {
        const SSL_CIPHER *ci = sk_SSL_CIPHER_value(ciphers, i);
        if (!tls_cipher_usable(x->s, ci, x->min_version, x->max_version,
                               SSL_SECOP_CIPHER_SUPPORTED))
            continue;
        found = (ci->algorithm_mkey & (SHIM_K_ECDHE | SHIM_K_ECDHEPSK)) != 0 ||
                (ci->algorithm_auth & SHIM_A_ECDSA) != 0 || ci->min_tls >= TLS1_3_VERSION;
    }
    if (!found)
        return 0;
    tls_configured_groups(x->s, &groups, &ngroups);
    for (size_t i = 0; i < ngroups; i++) {
        const struct tls_group *g = tls_group_by_id(groups[i]);
        if (g != NULL && g->kind != TLS_GROUP_FFDHE &&
            tls_group_usable(x->s, g, x->min_version, x->max_version, NULL))
            return 1;
    }
    return 0;
}

/* RFC 5746 3.5: a renegotiating client binds the new handshake to the old
 * one with its last Finished (the first ClientHello sends the SCSV). */
enum tls_ext_write tls_exc_add_renegotiate(struct tls_ext_ctx *x)
{
    if (!x->hs->renegotiation)
        return TLS_EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_renegotiate) && tls_b_open(x->b, 1) &&
                   tls_b_bytes(x->b, x->c->finished, x->c->finished_len) && tls_b_close(x->b) &&
                   tls_b_close(x->b)
               ? TLS_EXT_SENT
               : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_server_name(struct tls_ext_ctx *x)
{
    const char *host = x->s->hostname;
    if (host == NULL)
        return TLS_EXT_NOT_SENT;
    /* struct { NameType name_type(0); HostName host_name<1..2^16-1>; } ServerName; */
    return open_ext(x->b, TLSEXT_TYPE_server_name) && tls_b_open(x->b, 2) &&
                   tls_b_u8(x->b, TLSEXT_NAMETYPE_host_name) && tls_b_open(x->b, 2) &&
                   tls_b_bytes(x->b, (const uint8_t *)host, strlen(host)) && tls_b_close(x->b) &&
                   tls_b_close(x->b) && tls_b_close(x->b)
               ? TLS_EXT_SENT
               : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_max_fragment_length(struct tls_ext_ctx *x)
{
    uint8_t mode = x->s->cfg.max_fragment_len_mode;
    if (mode == TLSEXT_max_fragment_length_DISABLED)
        return TLS_EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_max_fragment_length) && tls_b_u8(x->b, mode) &&
                   tls_b_close(x->b)
               ? TLS_EXT_SENT
               : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_ec_point_formats(struct tls_ext_ctx *x)
{
    if (!use_ecc(x))
        return TLS_EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_ec_point_formats) && tls_b_open(x->b, 1) &&
                   tls_b_bytes(x->b, tls_ec_point_formats, sizeof(tls_ec_point_formats)) &&
                   tls_b_close(x->b) && tls_b_close(x->b)
               ? TLS_EXT_SENT
               : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_supported_groups(struct tls_ext_ctx *x)
{
    const uint16_t *groups;
    size_t ngroups, added = 0, tls13_added = 0;

    if (!use_ecc(x) && x->max_version < TLS1_3_VERSION)
        return TLS_EXT_NOT_SENT;
    tls_configured_groups(x->s, &groups, &ngroups);
    if (!open_ext(x->b, TLSEXT_TYPE_supported_groups) || !tls_b_open(x->b, 2))
        return TLS_EXT_FAILED;
    for (size_t i = 0; i < ngroups; i++) {
        const struct tls_group *g = tls_group_by_id(groups[i]);
        int tls13_ok;
        if (g == NULL || !tls_group_usable(x->s, g, x->min_version, x->max_version, &tls13_ok))
            continue;
        if (!tls_b_u16(x->b, g->id))
            return TLS_EXT_FAILED;
        added++;
        tls13_added += tls13_ok;
    }
    if (added == 0 || (tls13_added == 0 && x->max_version == TLS1_3_VERSION)) {
        ERR_raise_data(ERR_LIB_SSL, SSL_R_NO_SUITABLE_GROUPS,
                       "No groups enabled for max supported SSL/TLS version");
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, SSL_R_NO_SUITABLE_GROUPS);
        return TLS_EXT_FAILED;
    }
    return tls_b_close(x->b) && tls_b_close(x->b) ? TLS_EXT_SENT : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_session_ticket(struct tls_ext_ctx *x)
{
    const SSL_SESSION *sess = x->s->session;
    const uint8_t *tick = NULL;
    size_t len = 0;

    if (x->s->cfg.options & SSL_OP_NO_TICKET)
        return TLS_EXT_NOT_SENT;
    /* A TLS 1.2 ticket being resumed goes here; TLS 1.3 tickets go in
     * pre_shared_key instead; SSL_renegotiate wants a new session. */
    if (sess != NULL && sess->ticket != NULL && sess->ssl_version != TLS1_3_VERSION &&
        !x->hs->reneg_new_session) {
        tick = sess->ticket;
        len = sess->ticket_len;
    }
    return open_ext(x->b, TLSEXT_TYPE_session_ticket) &&
                   (len == 0 || tls_b_bytes(x->b, tick, len)) && tls_b_close(x->b)
               ? TLS_EXT_SENT
               : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_status_request(struct tls_ext_ctx *x)
{
    if (x->s->cfg.status_type != TLSEXT_STATUSTYPE_ocsp)
        return TLS_EXT_NOT_SENT;
    /* struct { CertificateStatusType status_type = ocsp(1);
     *          ResponderID responder_id_list<0..2^16-1>;
     *          Extensions request_extensions<0..2^16-1>; } */
    return open_ext(x->b, TLSEXT_TYPE_status_request) && tls_b_u8(x->b, TLSEXT_STATUSTYPE_ocsp) &&
                   tls_b_u16(x->b, 0) && tls_b_u16(x->b, 0) && tls_b_close(x->b)
               ? TLS_EXT_SENT
               : TLS_EXT_FAILED;
}

/* next_protocol_negotiation: offered on a first handshake (the ClientHello
 * after a HelloRetryRequest too, as stock), when the application can
 * choose; only a TLS 1.2 ServerHello answers it. */
enum tls_ext_write tls_exc_add_npn(struct tls_ext_ctx *x)
{
    if (x->s->ctx->npn_select_cb == NULL || x->hs->renegotiation)
        return TLS_EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_next_proto_neg) && tls_b_close(x->b) ? TLS_EXT_SENT
                                                                           : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_alpn(struct tls_ext_ctx *x)
{
    if (x->s->cfg.alpn == NULL)
        return TLS_EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_application_layer_protocol_negotiation) &&
                   tls_b_open(x->b, 2) && tls_b_bytes(x->b, x->s->cfg.alpn, x->s->cfg.alpn_len) &&
                   tls_b_close(x->b) && tls_b_close(x->b)
               ? TLS_EXT_SENT
               : TLS_EXT_FAILED;
}

static enum tls_ext_write add_empty_unless(struct tls_ext_ctx *x, uint16_t type, int skip)
{
    if (skip)
        return TLS_EXT_NOT_SENT;
    return open_ext(x->b, type) && tls_b_close(x->b) ? TLS_EXT_SENT : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_encrypt_then_mac(struct tls_ext_ctx *x)
{
    return add_empty_unless(x, TLSEXT_TYPE_encrypt_then_mac,
                            (x->s->cfg.options & SSL_OP_NO_ENCRYPT_THEN_MAC) != 0);
}

enum tls_ext_write tls_exc_add_sct(struct tls_ext_ctx *x)
{
    return add_empty_unless(x, TLSEXT_TYPE_signed_certificate_timestamp,
                            x->s->cfg.ct_validation_callback == NULL);
}

enum tls_ext_write tls_exc_add_extended_master_secret(struct tls_ext_ctx *x)
{
    return add_empty_unless(x, TLSEXT_TYPE_extended_master_secret,
                            (x->s->cfg.options & SSL_OP_NO_EXTENDED_MASTER_SECRET) != 0);
}

enum tls_ext_write tls_exc_add_post_handshake_auth(struct tls_ext_ctx *x)
{
    return add_empty_unless(x, TLSEXT_TYPE_post_handshake_auth,
                            !x->s->cfg.pha_enabled || x->max_version < TLS1_3_VERSION);
}

enum tls_ext_write tls_exc_add_signature_algorithms(struct tls_ext_ctx *x)
{
    const uint16_t *list;
    size_t n;
    int usable13 = 0;

    if (x->max_version < TLS1_2_VERSION)
        return TLS_EXT_NOT_SENT;
    tls_psigalgs(x->s, 1, &list, &n);
    if (!open_ext(x->b, TLSEXT_TYPE_signature_algorithms) || !tls_b_open(x->b, 2))
        return TLS_EXT_FAILED;
    for (size_t i = 0; i < n; i++) {
        const struct tls_sigalg *a = tls_sigalg_by_code(list[i]);
        if (a == NULL || !tls_sigalg_usable(x->s, a, SSL_SECOP_SIGALG_SUPPORTED, x->min_version))
            continue;
        if (!tls_b_u16(x->b, a->code))
            return TLS_EXT_FAILED;
        usable13 = 1;
    }
    if (!usable13) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM);
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return TLS_EXT_FAILED;
    }
    return tls_b_close(x->b) && tls_b_close(x->b) ? TLS_EXT_SENT : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_supported_versions(struct tls_ext_ctx *x)
{
    if (x->max_version < TLS1_3_VERSION)
        return TLS_EXT_NOT_SENT;
    if (!open_ext(x->b, TLSEXT_TYPE_supported_versions) || !tls_b_open(x->b, 1))
        return TLS_EXT_FAILED;
    for (int v = x->max_version; v >= x->min_version; v--)
        if (!tls_b_u16(x->b, (uint16_t)v))
            return TLS_EXT_FAILED;
    return tls_b_close(x->b) && tls_b_close(x->b) ? TLS_EXT_SENT : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_psk_kex_modes(struct tls_ext_ctx *x)
{
    if (x->max_version < TLS1_3_VERSION)
        return TLS_EXT_NOT_SENT;
    /* psk_dhe_ke(1) always; psk_ke(0) only if the application allows it. */
    return open_ext(x->b, TLSEXT_TYPE_psk_kex_modes) && tls_b_open(x->b, 1) &&
                   tls_b_u8(x->b, TLSEXT_KEX_MODE_KE_DHE) &&
                   (!(x->s->cfg.options & SSL_OP_ALLOW_NO_DHE_KEX) ||
                    tls_b_u8(x->b, TLSEXT_KEX_MODE_KE)) &&
                   tls_b_close(x->b) && tls_b_close(x->b)
               ? TLS_EXT_SENT
               : TLS_EXT_FAILED;
}

/* The group for our key share: the one a HelloRetryRequest asked for, or
 * else the first configured group usable with TLS 1.3. */
static const struct tls_group *key_share_group(struct tls_ext_ctx *x)
{
    const uint16_t *groups;
    size_t n;

    if (x->hs->kex_group != NULL)
        return x->hs->kex_group;
    tls_configured_groups(x->s, &groups, &n);
    for (size_t i = 0; i < n; i++) {
        const struct tls_group *g = tls_group_by_id(groups[i]);
        int tls13_ok;
        if (g != NULL && tls_group_usable(x->s, g, TLS1_3_VERSION, TLS1_3_VERSION, &tls13_ok) &&
            tls13_ok)
            return g;
    }
    return NULL;
}

enum tls_ext_write tls_exc_add_key_share(struct tls_ext_ctx *x)
{
    const struct tls_group *g;
    uint8_t *pub = NULL;
    size_t pub_len = 0;
    int ok;

    if (x->max_version < TLS1_3_VERSION)
        return TLS_EXT_NOT_SENT;
    if ((g = key_share_group(x)) == NULL) {
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, SSL_R_NO_SUITABLE_KEY_SHARE);
        return TLS_EXT_FAILED;
    }
    if (x->hs->kex_priv == NULL && !tls_kex_keygen(x->c->algs, &g->kex, &x->hs->kex_priv)) {
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
        return TLS_EXT_FAILED;
    }
    x->hs->kex_group = g;
    if (!tls_kex_public(x->hs->kex_priv, &pub, &pub_len)) {
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_EC_LIB);
        return TLS_EXT_FAILED;
    }
    /* struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry; */
    ok = open_ext(x->b, TLSEXT_TYPE_key_share) && tls_b_open(x->b, 2) && tls_b_u16(x->b, g->id) &&
         tls_b_open(x->b, 2) && tls_b_bytes(x->b, pub, pub_len) && tls_b_close(x->b) &&
         tls_b_close(x->b) && tls_b_close(x->b);
    OPENSSL_free(pub);
    return ok ? TLS_EXT_SENT : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_cookie(struct tls_ext_ctx *x)
{
    if (x->hs->cl.cookie == NULL)
        return TLS_EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_cookie) && tls_b_open(x->b, 2) &&
                   tls_b_bytes(x->b, x->hs->cl.cookie, x->hs->cl.cookie_len) && tls_b_close(x->b) &&
                   tls_b_close(x->b)
               ? TLS_EXT_SENT
               : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exc_add_certificate_authorities(struct tls_ext_ctx *x)
{
    STACK_OF(X509_NAME) *names =
        x->s->cfg.ca_names != NULL ? x->s->cfg.ca_names : x->s->ctx->cfg.ca_names;
    if (names == NULL || sk_X509_NAME_num(names) == 0 || x->max_version < TLS1_3_VERSION)
        return TLS_EXT_NOT_SENT;
    if (!open_ext(x->b, TLSEXT_TYPE_certificate_authorities) || !tls_b_open(x->b, 2))
        return TLS_EXT_FAILED;
    for (int i = 0; i < sk_X509_NAME_num(names); i++) {
        unsigned char *der = NULL;
        int len = i2d_X509_NAME(sk_X509_NAME_value(names, i), &der);
        int ok = len > 0 && tls_b_open(x->b, 2) && tls_b_bytes(x->b, der, (size_t)len) &&
                 tls_b_close(x->b);
        OPENSSL_free(der);
        if (!ok)
            return TLS_EXT_FAILED;
    }
    return tls_b_close(x->b) && tls_b_close(x->b) ? TLS_EXT_SENT : TLS_EXT_FAILED;
}

/* RFC 7685: with SSL_OP_TLSEXT_PADDING, a ClientHello whose body would be
 * between 256 and 511 bytes is padded to 512 (works around servers that
 * mishandle that size). */
enum tls_ext_write tls_exc_add_padding(struct tls_ext_ctx *x)
{
    size_t hlen;
    if (!(x->s->cfg.options & SSL_OP_TLSEXT_PADDING))
        return TLS_EXT_NOT_SENT;
    /* Everything after the record header so far, plus the PSK still to come. */
    hlen = x->b->len + x->binders_len;
    if (hlen <= 0xff || hlen >= 0x200)
        return TLS_EXT_NOT_SENT;
    hlen = 0x200 - hlen;
    hlen = hlen >= 5 ? hlen - 4 : 1;
    uint8_t *p;
    if (!open_ext(x->b, TLSEXT_TYPE_padding) || (p = tls_b_space(x->b, hlen)) == NULL)
        return TLS_EXT_FAILED;
    memset(p, 0, hlen);
    return tls_b_close(x->b) ? TLS_EXT_SENT : TLS_EXT_FAILED;
}

/* The offered resumption PSK: one identity (the ticket) and a placeholder
 * binder the caller fills in (RFC 8446 4.2.11). */
enum tls_ext_write tls_exc_add_psk(struct tls_ext_ctx *x)
{
    SSL_SESSION *sess = x->hs->psk_session;
    uint32_t age;
    size_t hlen;
    uint8_t *p;

    if (sess == NULL)
        return TLS_EXT_NOT_SENT;
    hlen = x->hs->ks.hlen;
    /* obfuscated_ticket_age = age in ms + ticket_age_add (mod 2^32). */
    age = (uint32_t)(((uint64_t)(time(NULL) - sess->time)) * 1000) + sess->ticket_age_add;
    if (!open_ext(x->b, TLSEXT_TYPE_psk) || !tls_b_open(x->b, 2) || !tls_b_open(x->b, 2) ||
        !tls_b_bytes(x->b, sess->ticket, sess->ticket_len) || !tls_b_close(x->b) ||
        !tls_b_u32(x->b, age) || !tls_b_close(x->b) || !tls_b_open(x->b, 2) ||
        !tls_b_open(x->b, 1) || (p = tls_b_space(x->b, hlen)) == NULL || !tls_b_close(x->b) ||
        !tls_b_close(x->b) || !tls_b_close(x->b))
        return TLS_EXT_FAILED;
    memset(p, 0, hlen);
    x->binders_len = 2 + 1 + hlen;
    return TLS_EXT_SENT;
}

/* ---------------------------------------------- the server's extensions */

/* Whether the server's message is the TLS 1.2 ServerHello. */
static int in_tls12_server_hello(const struct tls_ext_ctx *x)
{
    return x->context == SSL_EXT_TLS1_2_SERVER_HELLO;
}

/* renegotiation_info: empty on an initial handshake; on a renegotiation
 * both Finished of the last handshake, ours first (RFC 5746 3.4, 3.5). */
int tls_exc_parse_renegotiate(struct tls_ext_ctx *x, tls_reader *r)
{
    struct tls_conn *c = x->c;
    tls_reader ri;
    size_t expected = x->hs->renegotiation ? c->finished_len + c->peer_finished_len : 0;

    if (!tls_r_sub_u8(r, &ri) || !tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_RENEGOTIATION_ENCODING_ERR);
    if (ri.len != expected ||
        (expected > 0 &&
         (CRYPTO_memcmp(ri.p, c->finished, c->finished_len) != 0 ||
          CRYPTO_memcmp(ri.p + c->finished_len, c->peer_finished, c->peer_finished_len) != 0)))
        return tls_fatal(x->s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_RENEGOTIATION_MISMATCH);
    c->secure_renegotiation = 1;
    return 1;
}

/* RFC 5746: without renegotiation_info the server may be vulnerable; stock
 * 3.0 refuses it (in renegotiations too) unless told otherwise. */
int tls_exc_final_renegotiate(struct tls_ext_ctx *x, int present)
{
    if (x->s->server || !in_tls12_server_hello(x) || present)
        return 1;
    if (!(x->s->cfg.options &
          (SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION)))
        return tls_fatal(x->s, SSL_AD_HANDSHAKE_FAILURE,
                         SSL_R_UNSAFE_LEGACY_RENEGOTIATION_DISABLED);
    return 1;
}

/* server_name: an empty acknowledgement; a new session records the name. */
int tls_exc_parse_server_name(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;

    if (!tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (!s->hit && s->session->hostname == NULL && s->hostname != NULL &&
        (s->session->hostname = OPENSSL_strdup(s->hostname)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    return 1;
}

/* The servername callback runs for a client too, once the server's
 * extensions are in (stock's final_server_name, both roles): it may end the
 * handshake with an alert of its choice, or send a warning (TLS 1.2). */
int tls_exc_final_server_name(struct tls_ext_ctx *x, int present)
{
    SSL *s = x->s;
    int ret = SSL_TLSEXT_ERR_NOACK, alert = SSL_AD_UNRECOGNIZED_NAME;

    (void)present;
    if (s->ctx->servername_cb != NULL)
        ret = s->ctx->servername_cb(s, &alert, s->ctx->servername_arg);
    else if (s->session_ctx->servername_cb != NULL)
        ret = s->session_ctx->servername_cb(s, &alert, s->session_ctx->servername_arg);
    switch (ret) {
    case SSL_TLSEXT_ERR_ALERT_FATAL:
        return tls_fatal(s, alert, SSL_R_CALLBACK_FAILED);
    case SSL_TLSEXT_ERR_ALERT_WARNING:
        /* TLS 1.3 has no warning alerts. */
        if (in_tls12_server_hello(x))
            tls_send_alert(s, SSL3_AL_WARNING, alert);
        return 1;
    default:
        return 1;
    }
}

/* max_fragment_length: the mode we asked for, echoed. */
int tls_exc_parse_max_fragment_length(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;
    uint8_t mode;

    if (!tls_r_u8(r, &mode) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (mode != s->cfg.max_fragment_len_mode)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH);
    s->session->max_fragment_len_mode = mode;
    return 1;
}

/* Without it, a new session records that no limit was agreed. */
int tls_exc_final_max_fragment_length(struct tls_ext_ctx *x, int present)
{
    SSL *s = x->s;

    if (s->server || present ||
        (x->context != SSL_EXT_TLS1_2_SERVER_HELLO &&
         x->context != SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS))
        return 1;
    if (s->session->max_fragment_len_mode == TLSEXT_max_fragment_length_UNSPECIFIED)
        s->session->max_fragment_len_mode = TLSEXT_max_fragment_length_DISABLED;
    return 1;
}

int tls_exc_parse_ec_point_formats(struct tls_ext_ctx *x, tls_reader *r)
{
    tls_reader formats;

    if (!tls_r_sub_u8(r, &formats) || !tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (x->s->hit)
        return 1;
    if (formats.len == 0)
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_LENGTH);
    /* A new session's server list stays queryable (SSL_get0_ec_point_formats). */
    OPENSSL_free(x->c->peer_ec_point_formats);
    x->c->peer_ec_point_formats_len = 0;
    if ((x->c->peer_ec_point_formats = OPENSSL_memdup(formats.p, formats.len)) == NULL)
        return tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    x->c->peer_ec_point_formats_len = formats.len;
    return 1;
}

/* session_ticket: empty; a NewSessionTicket will follow. */
int tls_exc_parse_session_ticket(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;

    if (s->session_ticket_ext_cb != NULL &&
        !s->session_ticket_ext_cb(s, r->p, (int)r->len, s->session_ticket_ext_cb_arg))
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_BAD_EXTENSION);
    if (s->cfg.options & SSL_OP_NO_TICKET)
        return tls_fatal(s, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_BAD_EXTENSION);
    if (!tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    x->hs->ticket_expected = 1;
    return 1;
}

/* The OCSP response of a TLS 1.3 CertificateEntry, or a body stock
 * shares with the TLS 1.2 CertificateStatus message. */
int tls_client_parse_ocsp_response(SSL *s, tls_reader *r)
{
    struct tls_conn *c = s->conn;
    uint8_t type;
    tls_reader resp;

    if (!tls_r_u8(r, &type) || type != TLSEXT_STATUSTYPE_ocsp)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_UNSUPPORTED_STATUS_TYPE);
    if (!tls_r_sub_u24(r, &resp) || resp.len == 0 || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    OPENSSL_free(c->ocsp_response);
    c->ocsp_response_len = 0;
    if ((c->ocsp_response = OPENSSL_memdup(resp.p, resp.len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    c->ocsp_response_len = resp.len;
    return 1;
}

/* status_request: in a TLS 1.2 ServerHello an empty promise of a
 * CertificateStatus message; on a TLS 1.3 leaf certificate the response. */
int tls_exc_parse_status_request(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;

    if (x->context == SSL_EXT_TLS1_3_CERTIFICATE)
        return x->chain_idx == 0 ? tls_client_parse_ocsp_response(s, r) : 1;
    if (x->context != SSL_EXT_TLS1_2_SERVER_HELLO)
        return 1;
    if (s->cfg.status_type != TLSEXT_STATUSTYPE_ocsp)
        return tls_fatal(s, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_BAD_EXTENSION);
    if (!tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    x->hs->status_expected = 1;
    return 1;
}

/* signed_certificate_timestamp: ignored in a CertificateRequest; without
 * certificate transparency (which we do not implement) only a custom
 * extension can have asked for it. */
int tls_exc_parse_sct(struct tls_ext_ctx *x, tls_reader *r)
{
    int role = (x->context & SSL_EXT_TLS1_2_SERVER_HELLO) != 0 ? SHIM_EXT_CLIENT : SHIM_EXT_BOTH;

    if (x->context == SSL_EXT_TLS1_3_CERTIFICATE_REQUEST)
        return 1;
    if (tls_custom_find(x->s->cfg.cert, role, TLSEXT_TYPE_signed_certificate_timestamp) == NULL)
        return tls_fatal(x->s, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_BAD_EXTENSION);
    return tls_custom_parse(x, TLSEXT_TYPE_signed_certificate_timestamp, r);
}

/* next_protocol_negotiation: the server's protocols (each non-empty, no
 * outer length), from which the application's callback chooses; only on a
 * first handshake. */
int tls_exc_parse_npn(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;
    struct tls_conn *c = x->c;
    tls_reader list = *r, proto;
    unsigned char *selected = NULL;
    unsigned char selected_len = 0;

    if (x->hs->renegotiation)
        return 1;
    while (!tls_r_done(&list))
        if (!tls_r_sub_u8(&list, &proto) || proto.len == 0)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (s->ctx->npn_select_cb(s, &selected, &selected_len, r->p, (unsigned int)r->len,
                              s->ctx->npn_select_cb_arg) != SSL_TLSEXT_ERR_OK ||
        selected_len == 0)
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_BAD_EXTENSION);
    OPENSSL_free(c->npn);
    c->npn_len = 0;
    if ((c->npn = OPENSSL_memdup(selected, selected_len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    c->npn_len = selected_len;
    x->hs->npn_seen = 1;
    return 1;
}

/* application_layer_protocol_negotiation: one protocol, one we offered;
 * recorded on the connection and, for a new session, the session. */
int tls_exc_parse_alpn(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;
    struct tls_conn *c = x->c;
    tls_reader list, proto, offered;

    if (!tls_r_sub_u16(r, &list) || !tls_r_done(r) || !tls_r_sub_u8(&list, &proto) ||
        !tls_r_done(&list) || proto.len == 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    tls_r_init(&offered, s->cfg.alpn, s->cfg.alpn_len);
    for (;;) {
        tls_reader p;
        if (!tls_r_sub_u8(&offered, &p)) /* not one we offered: decode_error, as stock */
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        if (p.len == proto.len && memcmp(p.p, proto.p, p.len) == 0)
            break;
    }
    OPENSSL_free(c->alpn);
    c->alpn_len = 0;
    if ((c->alpn = OPENSSL_memdup(proto.p, proto.len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    c->alpn_len = proto.len;
    if (!s->hit) {
        OPENSSL_free(s->session->alpn_selected);
        s->session->alpn_selected = OPENSSL_memdup(proto.p, proto.len);
        s->session->alpn_selected_len = s->session->alpn_selected != NULL ? proto.len : 0;
    }
    return 1;
}

/* encrypt_then_mac only means something for CBC suites. */
int tls_exc_parse_encrypt_then_mac(struct tls_ext_ctx *x, tls_reader *r)
{
    (void)r;
    if (!(x->s->cfg.options & SSL_OP_NO_ENCRYPT_THEN_MAC) && !tls_suite_is_aead(x->c->cipher))
        x->hs->use_etm = 1;
    return 1;
}

int tls_exc_parse_extended_master_secret(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;

    (void)r;
    if (!(s->cfg.options & SSL_OP_NO_EXTENDED_MASTER_SECRET) && !s->hit)
        s->session->flags |= SHIM_SESS_FLAG_EXTMS;
    return 1;
}

/* RFC 7627 5.3: a resumption must keep the session's EMS setting. */
int tls_exc_final_extended_master_secret(struct tls_ext_ctx *x, int present)
{
    SSL *s = x->s;
    int received = present && !(s->cfg.options & SSL_OP_NO_EXTENDED_MASTER_SECRET);

    if (s->server || !in_tls12_server_hello(x))
        return 1;
    if (s->hit && !received != !(s->session->flags & SHIM_SESS_FLAG_EXTMS))
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_INCONSISTENT_EXTMS);
    return 1;
}

/* supported_versions in a ServerHello or HelloRetryRequest: exactly one
 * version, and it must be TLS 1.3 (the only one the extension can select).
 * The ServerHello's is read by the version choice itself; this checks a
 * HelloRetryRequest's. */
int tls_client_selected_version(SSL *s, tls_reader *r, int *version)
{
    uint16_t v;

    if (!tls_r_u16(r, &v) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (v != TLS1_3_VERSION)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_PROTOCOL_VERSION_NUMBER);
    *version = v;
    return 1;
}

int tls_exc_parse_supported_versions(struct tls_ext_ctx *x, tls_reader *r)
{
    int version;
    return tls_client_selected_version(x->s, r, &version);
}

/* key_share in a HelloRetryRequest: only the group we are to use, one we
 * offered support for and did not already send a share in. */
static int parse_hrr_key_share(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;
    struct tls_hs *hs = x->hs;
    uint16_t id;
    const struct tls_group *g;
    int tls13_ok;
    const uint16_t *groups;
    size_t n, i;

    if (!tls_r_u16(r, &id) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (hs->kex_group != NULL && id == hs->kex_group->id)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
    tls_configured_groups(s, &groups, &n);
    for (i = 0; i < n && groups[i] != id; i++)
        continue;
    g = tls_group_by_id(id);
    if (i == n || g == NULL || !tls_group_usable(s, g, TLS1_3_VERSION, TLS1_3_VERSION, &tls13_ok) ||
        !tls13_ok)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
    hs->kex_group = g;
    EVP_PKEY_free(hs->kex_priv);
    hs->kex_priv = NULL;
    return 1;
}

/* key_share in a ServerHello: the server's share in the group we offered;
 * the shared secret is kept for the key schedule. */
static int parse_server_key_share(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;
    struct tls_conn *c = x->c;
    struct tls_hs *hs = x->hs;
    uint16_t id;
    tls_reader pub;
    int alert, reason;

    if (hs->kex_priv == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (!tls_r_u16(r, &id))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (id != hs->kex_group->id)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
    if (!tls_r_sub_u16(r, &pub) || !tls_r_done(r) || pub.len == 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (!tls_kex_derive_share13(c->algs, &hs->kex_group->kex, hs->kex_priv, pub.p, pub.len,
                                &hs->dhe, &hs->dhe_len, &alert, &reason))
        return tls_fatal(s, alert, reason);
    if (!tls_conn_set_peer_share(c, hs->kex_group, pub.p, pub.len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    /* The session remembers its group (stock does this before it knows
     * whether the PSK was accepted). */
    s->session->kex_group = c->group->id;
    return 1;
}

int tls_exc_parse_key_share(struct tls_ext_ctx *x, tls_reader *r)
{
    if (x->context == SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST)
        return parse_hrr_key_share(x, r);
    return parse_server_key_share(x, r);
}

/* A TLS 1.3 ServerHello without a key share resumes with psk_ke, which we
 * offer only with SSL_OP_ALLOW_NO_DHE_KEX. */
int tls_exc_final_key_share(struct tls_ext_ctx *x, int present)
{
    if (x->s->server || x->context != SSL_EXT_TLS1_3_SERVER_HELLO || present)
        return 1;
    if (!x->hs->psk_accepted || !(x->s->cfg.options & SSL_OP_ALLOW_NO_DHE_KEX))
        return tls_fatal(x->s, SSL_AD_MISSING_EXTENSION, SSL_R_NO_SUITABLE_KEY_SHARE);
    return 1;
}

/* cookie in a HelloRetryRequest: to be echoed in the next ClientHello. */
int tls_exc_parse_cookie(struct tls_ext_ctx *x, tls_reader *r)
{
    struct tls_hs *hs = x->hs;
    tls_reader ck;

    if (!tls_r_sub_u16(r, &ck) || !tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    OPENSSL_free(hs->cl.cookie);
    hs->cl.cookie_len = 0;
    if ((hs->cl.cookie = OPENSSL_memdup(ck.p, ck.len > 0 ? ck.len : 1)) == NULL)
        return tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    hs->cl.cookie_len = ck.len;
    return 1;
}

/* early_data in a NewSessionTicket: how much 0-RTT data the ticket allows
 * (kept in x->c's ticket being made; see handshake13.c). */
int tls_exc_parse_early_data(struct tls_ext_ctx *x, tls_reader *r)
{
    uint32_t max;

    if (x->context != SSL_EXT_TLS1_3_NEW_SESSION_TICKET)
        return 1;
    if (!tls_r_u32(r, &max) || !tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    x->max_early_data = max;
    return 1;
}

/* signature_algorithms in a CertificateRequest: what the server accepts. */
int tls_exc_parse_sig_algs(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;
    struct tls_hs *hs = x->hs;
    tls_reader list;

    if (!tls_r_sub_u16(r, &list) || !tls_r_done(r) || list.len == 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (list.len % 2 != 0)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    OPENSSL_free(hs->peer_sigalgs);
    hs->peer_sigalgs_len = 0;
    if ((hs->peer_sigalgs = OPENSSL_malloc(list.len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    hs->peer_sigalgs_len = list.len / 2;
    for (size_t i = 0; i < hs->peer_sigalgs_len; i++)
        tls_r_u16(&list, &hs->peer_sigalgs[i]);
    return 1;
}

/* A CertificateRequest must name signature algorithms (RFC 8446 4.3.2). */
int tls_exc_final_sig_algs(struct tls_ext_ctx *x, int present)
{
    if (x->s->server || x->context != SSL_EXT_TLS1_3_CERTIFICATE_REQUEST || present)
        return 1;
    return tls_fatal(x->s, SSL_AD_MISSING_EXTENSION, SSL_R_MISSING_SIGALGS_EXTENSION);
}

/* certificate_authorities: the names, then nothing (bad_extension, as stock). */
int tls_exc_parse_certificate_authorities(struct tls_ext_ctx *x, tls_reader *r)
{
    if (!tls_parse_ca_names(x->s, r, &x->hs->peer_ca_names))
        return 0;
    if (!tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    return 1;
}

/* pre_shared_key in a ServerHello: the index of the identity it accepted
 * (we offer one). */
int tls_exc_parse_psk(struct tls_ext_ctx *x, tls_reader *r)
{
    uint16_t idx;

    if (!tls_r_u16(r, &idx) || !tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (x->hs->psk_session == NULL || idx != 0)
        return tls_fatal(x->s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_PSK_IDENTITY);
    x->hs->psk_accepted = 1;
    return 1;
}
