/*
 * shimssl - TLS extensions: the table, the ClientHello writers, and the
 * checks on a received extension block.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/rand.h>
#include <string.h>

#include "api/config.h"
#include "crypto/kex.h"
#include "tls/alert.h"
#include "tls/extensions.h"
#include "tls/policy.h"

/* Code points the public headers do not name. */
#define TLSEXT_TYPE_cryptopro_bug 0xfde8
#define TLSEXT_KEX_MODE_KE 0x00     /* psk_ke (RFC 8446 4.2.9) */
#define TLSEXT_KEX_MODE_KE_DHE 0x01 /* psk_dhe_ke */

/* Where an extension may appear (SSL_EXT_* message contexts), as RFC 8446
 * 4.2's table and the TLS 1.2 RFCs say; stock uses the same sets. */
static const struct {
    uint16_t type;
    unsigned int contexts;
} ext_table[TLS_EXT_NUM] = {
    [TLS_EXT_RENEGOTIATE] = {TLSEXT_TYPE_renegotiate,
                             SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO},
    [TLS_EXT_SERVER_NAME] = {TLSEXT_TYPE_server_name, SSL_EXT_CLIENT_HELLO
                                                          | SSL_EXT_TLS1_2_SERVER_HELLO
                                                          | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS},
    [TLS_EXT_MAX_FRAGMENT_LENGTH] = {TLSEXT_TYPE_max_fragment_length,
                                     SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO
                                         | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS},
    [TLS_EXT_SRP] = {TLSEXT_TYPE_srp, SSL_EXT_CLIENT_HELLO},
    [TLS_EXT_EC_POINT_FORMATS] = {TLSEXT_TYPE_ec_point_formats,
                                  SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO},
    [TLS_EXT_SUPPORTED_GROUPS] = {TLSEXT_TYPE_supported_groups,
                                  SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS
                                      | SSL_EXT_TLS1_2_SERVER_HELLO},
    [TLS_EXT_SESSION_TICKET] = {TLSEXT_TYPE_session_ticket,
                                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO},
    [TLS_EXT_STATUS_REQUEST] = {TLSEXT_TYPE_status_request,
                                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO
                                    | SSL_EXT_TLS1_3_CERTIFICATE
                                    | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST},
    [TLS_EXT_NPN] = {TLSEXT_TYPE_next_proto_neg,
                     SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO},
    [TLS_EXT_ALPN] = {TLSEXT_TYPE_application_layer_protocol_negotiation,
                      SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO
                          | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS},
    /* use_srtp is DTLS-only: in TLS it is never valid, wherever it appears. */
    [TLS_EXT_USE_SRTP] = {TLSEXT_TYPE_use_srtp, 0},
    [TLS_EXT_ENCRYPT_THEN_MAC] = {TLSEXT_TYPE_encrypt_then_mac,
                                  SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO},
    [TLS_EXT_SCT] = {TLSEXT_TYPE_signed_certificate_timestamp,
                     SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_3_CERTIFICATE
                         | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST},
    [TLS_EXT_EXTENDED_MASTER_SECRET] = {TLSEXT_TYPE_extended_master_secret,
                                        SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO},
    [TLS_EXT_SIG_ALGS_CERT] = {TLSEXT_TYPE_signature_algorithms_cert,
                               SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST},
    [TLS_EXT_POST_HANDSHAKE_AUTH] = {TLSEXT_TYPE_post_handshake_auth, SSL_EXT_CLIENT_HELLO},
    [TLS_EXT_SIG_ALGS] = {TLSEXT_TYPE_signature_algorithms,
                          SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST},
    [TLS_EXT_SUPPORTED_VERSIONS] = {TLSEXT_TYPE_supported_versions,
                                    SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO
                                        | SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST},
    [TLS_EXT_PSK_KEX_MODES] = {TLSEXT_TYPE_psk_kex_modes, SSL_EXT_CLIENT_HELLO},
    [TLS_EXT_KEY_SHARE] = {TLSEXT_TYPE_key_share, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO
                                                      | SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST},
    [TLS_EXT_COOKIE] = {TLSEXT_TYPE_cookie,
                        SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST},
    [TLS_EXT_CRYPTOPRO_BUG] = {TLSEXT_TYPE_cryptopro_bug,
                               SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO},
    [TLS_EXT_EARLY_DATA] = {TLSEXT_TYPE_early_data, SSL_EXT_CLIENT_HELLO
                                                        | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS
                                                        | SSL_EXT_TLS1_3_NEW_SESSION_TICKET},
    [TLS_EXT_CERTIFICATE_AUTHORITIES] = {TLSEXT_TYPE_certificate_authorities,
                                         SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST},
    [TLS_EXT_PADDING] = {TLSEXT_TYPE_padding, SSL_EXT_CLIENT_HELLO},
    [TLS_EXT_PSK] = {TLSEXT_TYPE_psk, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO},
};

/* ------------------------------------------------------- ClientHello writers */

struct ch_ctx {
    SSL *s;
    struct tls_conn *c;
    struct tls_hs *hs;
    tls_builder *b;
    int min_version, max_version;
    size_t binders_len;
};

enum ext_write { EXT_NOT_SENT = 1, EXT_SENT = 2, EXT_FAIL = 0 };

static int open_ext(tls_builder *b, uint16_t type)
{
    return tls_b_u16(b, type) && tls_b_open(b, 2);
}

/* Whether the TLS 1.2 part of our offer includes an (EC)DHE-ECDSA/ECDHE suite
 * or any TLS 1.3 suite, and an EC group to go with it (stock's use_ecc). */
static int use_ecc(const struct ch_ctx *x)
{
    STACK_OF(SSL_CIPHER) *ciphers = shim_ssl_cipher_list(x->s);
    int found = 0;
    const uint16_t *groups;
    size_t ngroups;

    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers) && !found; i++) {
        const SSL_CIPHER *ci = sk_SSL_CIPHER_value(ciphers, i);
        int kx = SSL_CIPHER_get_kx_nid(ci), auth = SSL_CIPHER_get_auth_nid(ci);
        if (!tls_cipher_usable(x->s, ci, x->min_version, x->max_version,
                               SSL_SECOP_CIPHER_SUPPORTED))
            continue;
        found = kx == NID_kx_ecdhe || kx == NID_kx_ecdhe_psk || auth == NID_auth_ecdsa
                || ci->min_tls >= TLS1_3_VERSION;
    }
    if (!found)
        return 0;
    tls_configured_groups(x->s, &groups, &ngroups);
    for (size_t i = 0; i < ngroups; i++) {
        const struct tls_group *g = tls_group_by_id(groups[i]);
        if (g != NULL && g->kind != TLS_GROUP_FFDHE
            && tls_group_usable(x->s, g, x->min_version, x->max_version, NULL))
            return 1;
    }
    return 0;
}

/* RFC 5746 3.5: a renegotiating client binds the new handshake to the old
 * one with its last Finished (the first ClientHello sends the SCSV). */
static enum ext_write w_renegotiate(struct ch_ctx *x)
{
    if (!x->hs->renegotiation)
        return EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_renegotiate) && tls_b_open(x->b, 1)
                   && tls_b_bytes(x->b, x->c->finished, x->c->finished_len)
                   && tls_b_close(x->b) && tls_b_close(x->b)
               ? EXT_SENT
               : EXT_FAIL;
}

static enum ext_write w_server_name(struct ch_ctx *x)
{
    const char *host = x->s->hostname;
    if (host == NULL)
        return EXT_NOT_SENT;
    /* struct { NameType name_type(0); HostName host_name<1..2^16-1>; } ServerName; */
    return open_ext(x->b, TLSEXT_TYPE_server_name) && tls_b_open(x->b, 2)
                   && tls_b_u8(x->b, TLSEXT_NAMETYPE_host_name) && tls_b_open(x->b, 2)
                   && tls_b_bytes(x->b, (const uint8_t *)host, strlen(host)) && tls_b_close(x->b)
                   && tls_b_close(x->b) && tls_b_close(x->b)
               ? EXT_SENT
               : EXT_FAIL;
}

static enum ext_write w_max_fragment_length(struct ch_ctx *x)
{
    uint8_t mode = x->s->cfg.max_fragment_len_mode;
    if (mode == TLSEXT_max_fragment_length_DISABLED)
        return EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_max_fragment_length) && tls_b_u8(x->b, mode)
                   && tls_b_close(x->b)
               ? EXT_SENT
               : EXT_FAIL;
}

static enum ext_write w_ec_point_formats(struct ch_ctx *x)
{
    static const uint8_t formats[] = {TLSEXT_ECPOINTFORMAT_uncompressed,
                                      TLSEXT_ECPOINTFORMAT_ansiX962_compressed_prime,
                                      TLSEXT_ECPOINTFORMAT_ansiX962_compressed_char2};
    if (!use_ecc(x))
        return EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_ec_point_formats) && tls_b_open(x->b, 1)
                   && tls_b_bytes(x->b, formats, sizeof(formats)) && tls_b_close(x->b)
                   && tls_b_close(x->b)
               ? EXT_SENT
               : EXT_FAIL;
}

static enum ext_write w_supported_groups(struct ch_ctx *x)
{
    const uint16_t *groups;
    size_t ngroups, added = 0, tls13_added = 0;

    if (!use_ecc(x) && x->max_version < TLS1_3_VERSION)
        return EXT_NOT_SENT;
    tls_configured_groups(x->s, &groups, &ngroups);
    if (!open_ext(x->b, TLSEXT_TYPE_supported_groups) || !tls_b_open(x->b, 2))
        return EXT_FAIL;
    for (size_t i = 0; i < ngroups; i++) {
        const struct tls_group *g = tls_group_by_id(groups[i]);
        int tls13_ok;
        if (g == NULL || !tls_group_usable(x->s, g, x->min_version, x->max_version, &tls13_ok))
            continue;
        if (!tls_b_u16(x->b, g->id))
            return EXT_FAIL;
        added++;
        tls13_added += tls13_ok;
    }
    if (added == 0 || (tls13_added == 0 && x->max_version == TLS1_3_VERSION)) {
        ERR_raise_data(ERR_LIB_SSL, SSL_R_NO_SUITABLE_GROUPS,
                       "No groups enabled for max supported SSL/TLS version");
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, SSL_R_NO_SUITABLE_GROUPS);
        return EXT_FAIL;
    }
    return tls_b_close(x->b) && tls_b_close(x->b) ? EXT_SENT : EXT_FAIL;
}

static enum ext_write w_session_ticket(struct ch_ctx *x)
{
    const SSL_SESSION *sess = x->s->session;
    const uint8_t *tick = NULL;
    size_t len = 0;

    if (x->s->cfg.options & SSL_OP_NO_TICKET)
        return EXT_NOT_SENT;
    /* A TLS 1.2 ticket being resumed goes here; TLS 1.3 tickets go in
     * pre_shared_key instead; SSL_renegotiate wants a new session. */
    if (sess != NULL && sess->ticket != NULL && sess->ssl_version != TLS1_3_VERSION
        && !x->hs->reneg_new_session) {
        tick = sess->ticket;
        len = sess->ticket_len;
    }
    return open_ext(x->b, TLSEXT_TYPE_session_ticket) && (len == 0 || tls_b_bytes(x->b, tick, len))
                   && tls_b_close(x->b)
               ? EXT_SENT
               : EXT_FAIL;
}

static enum ext_write w_status_request(struct ch_ctx *x)
{
    if (x->s->cfg.status_type != TLSEXT_STATUSTYPE_ocsp)
        return EXT_NOT_SENT;
    /* struct { CertificateStatusType status_type = ocsp(1);
     *          ResponderID responder_id_list<0..2^16-1>;
     *          Extensions request_extensions<0..2^16-1>; } */
    return open_ext(x->b, TLSEXT_TYPE_status_request) && tls_b_u8(x->b, TLSEXT_STATUSTYPE_ocsp)
                   && tls_b_u16(x->b, 0) && tls_b_u16(x->b, 0) && tls_b_close(x->b)
               ? EXT_SENT
               : EXT_FAIL;
}

/* next_protocol_negotiation: offered on a first handshake (the ClientHello
 * after a HelloRetryRequest too, as stock), when the application can
 * choose; only a TLS 1.2 ServerHello answers it. */
static enum ext_write w_npn(struct ch_ctx *x)
{
    if (x->s->ctx->npn_select_cb == NULL || x->hs->renegotiation)
        return EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_next_proto_neg) && tls_b_close(x->b) ? EXT_SENT : EXT_FAIL;
}

static enum ext_write w_alpn(struct ch_ctx *x)
{
    if (x->s->cfg.alpn == NULL)
        return EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_application_layer_protocol_negotiation)
                   && tls_b_open(x->b, 2)
                   && tls_b_bytes(x->b, x->s->cfg.alpn, x->s->cfg.alpn_len) && tls_b_close(x->b)
                   && tls_b_close(x->b)
               ? EXT_SENT
               : EXT_FAIL;
}

static enum ext_write w_empty_unless(struct ch_ctx *x, uint16_t type, int skip)
{
    if (skip)
        return EXT_NOT_SENT;
    return open_ext(x->b, type) && tls_b_close(x->b) ? EXT_SENT : EXT_FAIL;
}

static enum ext_write w_encrypt_then_mac(struct ch_ctx *x)
{
    return w_empty_unless(x, TLSEXT_TYPE_encrypt_then_mac,
                          (x->s->cfg.options & SSL_OP_NO_ENCRYPT_THEN_MAC) != 0);
}

static enum ext_write w_sct(struct ch_ctx *x)
{
    return w_empty_unless(x, TLSEXT_TYPE_signed_certificate_timestamp,
                          x->s->cfg.ct_validation_callback == NULL);
}

static enum ext_write w_extended_master_secret(struct ch_ctx *x)
{
    return w_empty_unless(x, TLSEXT_TYPE_extended_master_secret,
                          (x->s->cfg.options & SSL_OP_NO_EXTENDED_MASTER_SECRET) != 0);
}

static enum ext_write w_post_handshake_auth(struct ch_ctx *x)
{
    return w_empty_unless(x, TLSEXT_TYPE_post_handshake_auth,
                          !x->s->cfg.pha_enabled || x->max_version < TLS1_3_VERSION);
}

static enum ext_write w_signature_algorithms(struct ch_ctx *x)
{
    const uint16_t *list;
    size_t n;
    int usable13 = 0;

    if (x->max_version < TLS1_2_VERSION)
        return EXT_NOT_SENT;
    tls_configured_sigalgs(x->s, &list, &n);
    if (!open_ext(x->b, TLSEXT_TYPE_signature_algorithms) || !tls_b_open(x->b, 2))
        return EXT_FAIL;
    for (size_t i = 0; i < n; i++) {
        const struct tls_sigalg *a = tls_sigalg_by_code(list[i]);
        if (a == NULL || !tls_sigalg_usable(x->s, a, SSL_SECOP_SIGALG_SUPPORTED, x->min_version))
            continue;
        if (!tls_b_u16(x->b, a->code))
            return EXT_FAIL;
        usable13 = 1;
    }
    if (!usable13) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM);
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return EXT_FAIL;
    }
    return tls_b_close(x->b) && tls_b_close(x->b) ? EXT_SENT : EXT_FAIL;
}

static enum ext_write w_supported_versions(struct ch_ctx *x)
{
    if (x->max_version < TLS1_3_VERSION)
        return EXT_NOT_SENT;
    if (!open_ext(x->b, TLSEXT_TYPE_supported_versions) || !tls_b_open(x->b, 1))
        return EXT_FAIL;
    for (int v = x->max_version; v >= x->min_version; v--)
        if (!tls_b_u16(x->b, (uint16_t)v))
            return EXT_FAIL;
    return tls_b_close(x->b) && tls_b_close(x->b) ? EXT_SENT : EXT_FAIL;
}

static enum ext_write w_psk_kex_modes(struct ch_ctx *x)
{
    if (x->max_version < TLS1_3_VERSION)
        return EXT_NOT_SENT;
    /* psk_dhe_ke(1) always; psk_ke(0) only if the application allows it. */
    return open_ext(x->b, TLSEXT_TYPE_psk_kex_modes) && tls_b_open(x->b, 1)
                   && tls_b_u8(x->b, TLSEXT_KEX_MODE_KE_DHE)
                   && (!(x->s->cfg.options & SSL_OP_ALLOW_NO_DHE_KEX)
                       || tls_b_u8(x->b, TLSEXT_KEX_MODE_KE))
                   && tls_b_close(x->b) && tls_b_close(x->b)
               ? EXT_SENT
               : EXT_FAIL;
}

/* The group for our key share: the one a HelloRetryRequest asked for, or
 * else the first configured group usable with TLS 1.3. */
static const struct tls_group *key_share_group(struct ch_ctx *x)
{
    const uint16_t *groups;
    size_t n;

    if (x->hs->kex_group != NULL)
        return x->hs->kex_group;
    tls_configured_groups(x->s, &groups, &n);
    for (size_t i = 0; i < n; i++) {
        const struct tls_group *g = tls_group_by_id(groups[i]);
        int tls13_ok;
        if (g != NULL && tls_group_usable(x->s, g, TLS1_3_VERSION, TLS1_3_VERSION, &tls13_ok)
            && tls13_ok)
            return g;
    }
    return NULL;
}

static enum ext_write w_key_share(struct ch_ctx *x)
{
    const struct tls_group *g;
    uint8_t *pub = NULL;
    size_t pub_len = 0;
    int ok;

    if (x->max_version < TLS1_3_VERSION)
        return EXT_NOT_SENT;
    if ((g = key_share_group(x)) == NULL) {
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, SSL_R_NO_SUITABLE_KEY_SHARE);
        return EXT_FAIL;
    }
    if (x->hs->kex_priv == NULL && !tls_kex_keygen(x->c->algs, &g->kex, &x->hs->kex_priv)) {
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_EVP_LIB);
        return EXT_FAIL;
    }
    x->hs->kex_group = g;
    if (!tls_kex_public(x->hs->kex_priv, &pub, &pub_len)) {
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_EC_LIB);
        return EXT_FAIL;
    }
    /* struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry; */
    ok = open_ext(x->b, TLSEXT_TYPE_key_share) && tls_b_open(x->b, 2) && tls_b_u16(x->b, g->id)
         && tls_b_open(x->b, 2) && tls_b_bytes(x->b, pub, pub_len) && tls_b_close(x->b)
         && tls_b_close(x->b) && tls_b_close(x->b);
    OPENSSL_free(pub);
    return ok ? EXT_SENT : EXT_FAIL;
}

static enum ext_write w_cookie(struct ch_ctx *x)
{
    if (x->hs->cookie == NULL)
        return EXT_NOT_SENT;
    return open_ext(x->b, TLSEXT_TYPE_cookie) && tls_b_open(x->b, 2)
                   && tls_b_bytes(x->b, x->hs->cookie, x->hs->cookie_len) && tls_b_close(x->b)
                   && tls_b_close(x->b)
               ? EXT_SENT
               : EXT_FAIL;
}

static enum ext_write w_certificate_authorities(struct ch_ctx *x)
{
    STACK_OF(X509_NAME) *names = x->s->cfg.ca_names != NULL ? x->s->cfg.ca_names
                                                             : x->s->ctx->cfg.ca_names;
    if (names == NULL || sk_X509_NAME_num(names) == 0 || x->max_version < TLS1_3_VERSION)
        return EXT_NOT_SENT;
    if (!open_ext(x->b, TLSEXT_TYPE_certificate_authorities) || !tls_b_open(x->b, 2))
        return EXT_FAIL;
    for (int i = 0; i < sk_X509_NAME_num(names); i++) {
        unsigned char *der = NULL;
        int len = i2d_X509_NAME(sk_X509_NAME_value(names, i), &der);
        int ok = len > 0 && tls_b_open(x->b, 2) && tls_b_bytes(x->b, der, (size_t)len)
                 && tls_b_close(x->b);
        OPENSSL_free(der);
        if (!ok)
            return EXT_FAIL;
    }
    return tls_b_close(x->b) && tls_b_close(x->b) ? EXT_SENT : EXT_FAIL;
}

/* RFC 7685: with SSL_OP_TLSEXT_PADDING, a ClientHello whose body would be
 * between 256 and 511 bytes is padded to 512 (works around servers that
 * mishandle that size). */
static enum ext_write w_padding(struct ch_ctx *x)
{
    size_t hlen;
    if (!(x->s->cfg.options & SSL_OP_TLSEXT_PADDING))
        return EXT_NOT_SENT;
    /* Everything after the record header so far, plus the PSK still to come. */
    hlen = x->b->len + x->binders_len;
    if (hlen <= 0xff || hlen >= 0x200)
        return EXT_NOT_SENT;
    hlen = 0x200 - hlen;
    hlen = hlen >= 5 ? hlen - 4 : 1;
    uint8_t *p;
    if (!open_ext(x->b, TLSEXT_TYPE_padding) || (p = tls_b_space(x->b, hlen)) == NULL)
        return EXT_FAIL;
    memset(p, 0, hlen);
    return tls_b_close(x->b) ? EXT_SENT : EXT_FAIL;
}

/* The offered resumption PSK: one identity (the ticket) and a placeholder
 * binder the caller fills in (RFC 8446 4.2.11). */
static enum ext_write w_psk(struct ch_ctx *x)
{
    SSL_SESSION *sess = x->hs->psk_session;
    uint32_t age;
    size_t hlen;
    uint8_t *p;

    if (sess == NULL)
        return EXT_NOT_SENT;
    hlen = (size_t)EVP_MD_get_size(x->hs->ks.md);
    /* obfuscated_ticket_age = age in ms + ticket_age_add (mod 2^32). */
    age = (uint32_t)(((uint64_t)(time(NULL) - sess->time)) * 1000) + sess->ticket_age_add;
    if (!open_ext(x->b, TLSEXT_TYPE_psk) || !tls_b_open(x->b, 2) || !tls_b_open(x->b, 2)
        || !tls_b_bytes(x->b, sess->ticket, sess->ticket_len) || !tls_b_close(x->b)
        || !tls_b_u32(x->b, age) || !tls_b_close(x->b) || !tls_b_open(x->b, 2)
        || !tls_b_open(x->b, 1) || (p = tls_b_space(x->b, hlen)) == NULL || !tls_b_close(x->b)
        || !tls_b_close(x->b) || !tls_b_close(x->b))
        return EXT_FAIL;
    memset(p, 0, hlen);
    x->binders_len = 2 + 1 + hlen;
    return EXT_SENT;
}

typedef enum ext_write (*ch_writer)(struct ch_ctx *x);

static const ch_writer ch_writers[TLS_EXT_NUM] = {
    [TLS_EXT_RENEGOTIATE] = w_renegotiate,
    [TLS_EXT_SERVER_NAME] = w_server_name,
    [TLS_EXT_MAX_FRAGMENT_LENGTH] = w_max_fragment_length,
    [TLS_EXT_EC_POINT_FORMATS] = w_ec_point_formats,
    [TLS_EXT_SUPPORTED_GROUPS] = w_supported_groups,
    [TLS_EXT_SESSION_TICKET] = w_session_ticket,
    [TLS_EXT_STATUS_REQUEST] = w_status_request,
    [TLS_EXT_NPN] = w_npn,
    [TLS_EXT_ALPN] = w_alpn,
    [TLS_EXT_ENCRYPT_THEN_MAC] = w_encrypt_then_mac,
    [TLS_EXT_SCT] = w_sct,
    [TLS_EXT_EXTENDED_MASTER_SECRET] = w_extended_master_secret,
    [TLS_EXT_POST_HANDSHAKE_AUTH] = w_post_handshake_auth,
    [TLS_EXT_SIG_ALGS] = w_signature_algorithms,
    [TLS_EXT_SUPPORTED_VERSIONS] = w_supported_versions,
    [TLS_EXT_PSK_KEX_MODES] = w_psk_kex_modes,
    [TLS_EXT_KEY_SHARE] = w_key_share,
    [TLS_EXT_COOKIE] = w_cookie,
    [TLS_EXT_CERTIFICATE_AUTHORITIES] = w_certificate_authorities,
    [TLS_EXT_PADDING] = w_padding,
    [TLS_EXT_PSK] = w_psk,
};

int tls_ext_write_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                               int min_version, int max_version, size_t *binders_len)
{
    struct ch_ctx x = {s, c, hs, b, min_version, max_version, 0};

    /* The padding extension needs to know how long the PSK will be. */
    if (hs->psk_session != NULL)
        x.binders_len = 4 + 2 + 2 + hs->psk_session->ticket_len + 4 + 2 + 1
                        + (size_t)EVP_MD_get_size(hs->ks.md);
    hs->sent_exts = 0;
    if (!tls_b_open(b, 2))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    for (int i = 0; i < TLS_EXT_NUM; i++) {
        enum ext_write w;
        if (ch_writers[i] == NULL)
            continue;
        if (i == TLS_EXT_PSK)
            x.binders_len = 0;
        w = ch_writers[i](&x);
        if (w == EXT_FAIL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        if (w == EXT_SENT)
            hs->sent_exts |= 1u << i;
    }
    *binders_len = x.binders_len;
    return tls_b_close(b) ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* ---------------------------------------------------------------- collecting */

int tls_ext_collect(SSL *s, struct tls_hs *hs, unsigned int context, tls_reader *block,
                    struct tls_ext_set *out)
{
    tls_reader exts;

    memset(out, 0, sizeof(*out));
    /* An absent block is an empty one (TLS 1.2 ServerHello may omit it). */
    if (tls_r_done(block))
        return 1;
    if (!tls_r_sub_u16(block, &exts) || !tls_r_done(block))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    while (!tls_r_done(&exts)) {
        uint16_t type;
        tls_reader data;
        int idx = -1;

        if (!tls_r_u16(&exts, &type) || !tls_r_sub_u16(&exts, &data))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        for (int i = 0; i < TLS_EXT_NUM; i++)
            if (ext_table[i].type == type)
                idx = i;
        if (idx < 0)
            continue; /* unknown extensions are ignored, as stock does */
        if ((ext_table[idx].contexts & context) == 0 || out->present[idx])
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION);
        /* A server may only answer what we offered; the cookie, renegotiation
         * info and SCTs are the exceptions stock makes. */
        if ((context & (SSL_EXT_TLS1_3_CERTIFICATE_REQUEST | SSL_EXT_TLS1_3_NEW_SESSION_TICKET)) == 0
            && type != TLSEXT_TYPE_cookie && type != TLSEXT_TYPE_renegotiate
            && type != TLSEXT_TYPE_signed_certificate_timestamp
            && (hs == NULL || (hs->sent_exts & (1u << idx)) == 0))
            return tls_fatal(s, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_UNSOLICITED_EXTENSION);
        out->present[idx] = 1;
        out->data[idx] = data;
    }
    return 1;
}

int tls_ext_all_allowed(const struct tls_ext_set *set, unsigned int context)
{
    for (int i = 0; i < TLS_EXT_NUM; i++)
        if (set->present[i] && (ext_table[i].contexts & context) == 0)
            return 0;
    return 1;
}

int tls_ext_parse_server_alpn(SSL *s, struct tls_conn *c, tls_reader *r)
{
    tls_reader list, proto, offered;

    if (!tls_r_sub_u16(r, &list) || !tls_r_done(r) || !tls_r_sub_u8(&list, &proto)
        || !tls_r_done(&list) || proto.len == 0)
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
