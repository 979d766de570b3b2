/*
 * shimssl - the server's side of each extension: how a ClientHello's are
 * read, what the server's ServerHello, HelloRetryRequest,
 * EncryptedExtensions, CertificateRequest, Certificate and NewSessionTicket
 * say, and the checks after a ClientHello is read.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each parser checks what stock checks, in stock's order, with stock's
 * alert and reason; the table in extensions.c decides when each runs.
 */
#include "shim.h"

#include <openssl/ocsp.h>
#include <string.h>

#include "crypto/kex.h"
#include "tls/ca_names.h"
#include "tls/ext_hooks.h"
#include "tls/policy.h"
#include "tls/server_session.h"

/* Code points the public headers do not name. */
#define TLSEXT_KEX_MODE_KE     0x00 /* psk_ke (RFC 8446 4.2.9) */
#define TLSEXT_KEX_MODE_KE_DHE 0x01 /* psk_dhe_ke */

static int is_tls13(const struct tls_ext_ctx *x)
{
    return x->c->version == TLS1_3_VERSION;
}

/* ------------------------------------------------ the ClientHello's, read */

/* renegotiation_info: empty first; in a renegotiation the client's last
 * Finished (RFC 5746 3.6, 3.7). */
int tls_exs_parse_renegotiate(struct tls_ext_ctx *x, tls_reader *r)
{
    struct tls_conn *c = x->c;
    uint8_t len;
    const uint8_t *data;

    if (!tls_r_u8(r, &len) || !tls_r_bytes(r, &data, len))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_RENEGOTIATION_ENCODING_ERR);
    if (len != c->peer_finished_len || CRYPTO_memcmp(data, c->peer_finished, len) != 0)
        return tls_fatal(x->s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_RENEGOTIATION_MISMATCH);
    c->secure_renegotiation = 1;
    return 1;
}

/* server_name (RFC 6066 3): one host_name, at most 255 bytes, no zeros. */
int tls_exs_parse_server_name(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;
    tls_reader list, name;
    uint8_t type;

    if (!tls_r_sub_u16(r, &list) || !tls_r_done(r) || tls_r_done(&list))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (!tls_r_u8(&list, &type) || type != TLSEXT_NAMETYPE_host_name ||
        !tls_r_sub_u16(&list, &name) || !tls_r_done(&list))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    /* In TLS 1.2 a resumed session keeps its name; TLS 1.3 takes this one. */
    if (!s->hit || is_tls13(x)) {
        if (name.len > TLSEXT_MAXLEN_host_name || memchr(name.p, 0, name.len) != NULL)
            return tls_fatal(s, SSL_AD_UNRECOGNIZED_NAME, SSL_R_BAD_EXTENSION);
        OPENSSL_free(s->hostname);
        if ((s->hostname = OPENSSL_strndup((const char *)name.p, name.len)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        x->hs->sv.servername_done = 1;
    } else {
        const char *had = s->session->hostname;
        x->hs->sv.servername_done =
            had != NULL && strlen(had) == name.len && memcmp(had, name.p, name.len) == 0;
    }
    return 1;
}

int tls_exs_parse_max_fragment_length(struct tls_ext_ctx *x, tls_reader *r)
{
    uint8_t mode;

    if (tls_r_left(r) != 1 || !tls_r_u8(r, &mode))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (mode < TLSEXT_max_fragment_length_512 || mode > TLSEXT_max_fragment_length_4096)
        return tls_fatal(x->s, SSL_AD_ILLEGAL_PARAMETER,
                         SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH);
    /* RFC 6066: the length agreed holds for the session and its resumptions. */
    if (x->s->session->max_fragment_len_mode == TLSEXT_max_fragment_length_UNSPECIFIED)
        x->s->session->max_fragment_len_mode = mode;
    return 1;
}

int tls_exs_parse_ec_point_formats(struct tls_ext_ctx *x, tls_reader *r)
{
    tls_reader formats;

    if (!tls_r_sub_u8(r, &formats) || !tls_r_done(r) || tls_r_done(&formats))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (!x->s->hit) {
        struct tls_conn *c = x->c;

        x->hs->sv.ec_point_formats = 1;
        OPENSSL_free(c->peer_ec_point_formats);
        c->peer_ec_point_formats_len = 0;
        if ((c->peer_ec_point_formats = OPENSSL_memdup(formats.p, formats.len)) == NULL)
            return tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        c->peer_ec_point_formats_len = formats.len;
    }
    return 1;
}

/* srp (RFC 5054 2.8.1): opaque srp_I<1..2^8-1>, no zero byte.  We have no
 * SRP suites; the form is still checked, as stock checks it. */
int tls_exs_parse_srp(struct tls_ext_ctx *x, tls_reader *r)
{
    tls_reader login;

    if (!tls_r_sub_u8(r, &login) || !tls_r_done(r) || memchr(login.p, 0, login.len) != NULL)
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    return 1;
}

/* next_protocol_negotiation: empty; not on a renegotiation. */
int tls_exs_parse_npn(struct tls_ext_ctx *x, tls_reader *r)
{
    (void)r;
    if (x->c->finished_len == 0 || x->c->peer_finished_len == 0)
        x->hs->npn_seen = 1;
    return 1;
}

/* A list of 16-bit values, at least one, no odd byte. */
static int save_u16_list(tls_reader *list, uint16_t **out, size_t *n)
{
    uint16_t *v;

    if (list->len == 0 || list->len % 2 != 0)
        return 0;
    if ((v = OPENSSL_malloc(list->len)) == NULL)
        return -1;
    *n = list->len / 2;
    for (size_t i = 0; i < *n; i++)
        tls_r_u16(list, &v[i]);
    OPENSSL_free(*out);
    *out = v;
    return 1;
}

int tls_exs_parse_supported_groups(struct tls_ext_ctx *x, tls_reader *r)
{
    tls_reader list;
    int ok;

    if (!tls_r_sub_u16(r, &list) || !tls_r_done(r) || list.len == 0 || list.len % 2 != 0)
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (x->s->hit && !is_tls13(x))
        return 1;
    if ((ok = save_u16_list(&list, &x->c->peer_groups, &x->c->peer_groups_len)) <= 0)
        return tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    return 1;
}

int tls_exs_parse_session_ticket(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;

    if (s->session_ticket_ext_cb != NULL &&
        !s->session_ticket_ext_cb(s, r->p, (int)r->len, s->session_ticket_ext_cb_arg))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    return 1;
}

/*
 * struct { CertificateStatusType status_type; select (status_type) {
 *          case ocsp: ResponderID responder_id_list<0..2^16-1>;
 *                     Extensions request_extensions; } } CertificateStatusRequest;
 * Anything but OCSP is ignored; the lists are checked, not kept.
 */
int tls_exs_parse_status_request(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;
    tls_reader ids, exts;
    uint8_t type;

    if (s->hit || x->context != SSL_EXT_CLIENT_HELLO)
        return 1;
    if (!tls_r_u8(r, &type))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (type != TLSEXT_STATUSTYPE_ocsp) {
        s->cfg.status_type = -1; /* stock's "nothing" */
        return 1;
    }
    s->cfg.status_type = TLSEXT_STATUSTYPE_ocsp;
    x->hs->sv.status_requested = 1;
    if (!tls_r_sub_u16(r, &ids))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    while (!tls_r_done(&ids)) {
        tls_reader id;
        const unsigned char *p;
        OCSP_RESPID *rid;

        if (!tls_r_sub_u16(&ids, &id) || id.len == 0)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        p = id.p;
        rid = d2i_OCSP_RESPID(NULL, &p, (long)id.len);
        OCSP_RESPID_free(rid);
        if (rid == NULL || p != id.p + id.len)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    }
    if (!tls_r_sub_u16(r, &exts) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (exts.len > 0) {
        const unsigned char *p = exts.p;
        X509_EXTENSIONS *e = d2i_X509_EXTENSIONS(NULL, &p, (long)exts.len);
        int ok = e != NULL && p == exts.p + exts.len;
        sk_X509_EXTENSION_pop_free(e, X509_EXTENSION_free);
        if (!ok)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    }
    return 1;
}

/* protocol_name_list: non-empty names; kept for the selection callback. */
int tls_exs_parse_alpn(struct tls_ext_ctx *x, tls_reader *r)
{
    struct tls_hs *hs = x->hs;
    tls_reader list, copy, proto;

    /* A renegotiation keeps what the first handshake chose. */
    if (x->c->finished_len != 0)
        return 1;
    if (!tls_r_sub_u16(r, &list) || !tls_r_done(r) || list.len < 2)
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    copy = list;
    do {
        if (!tls_r_sub_u8(&copy, &proto) || proto.len == 0)
            return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    } while (!tls_r_done(&copy));
    OPENSSL_free(hs->sv.alpn_proposed);
    hs->sv.alpn_proposed_len = 0;
    if ((hs->sv.alpn_proposed = OPENSSL_memdup(list.p, list.len)) == NULL)
        return tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    hs->sv.alpn_proposed_len = list.len;
    return 1;
}

int tls_exs_parse_encrypt_then_mac(struct tls_ext_ctx *x, tls_reader *r)
{
    (void)r;
    if (!(x->s->cfg.options & SSL_OP_NO_ENCRYPT_THEN_MAC))
        x->hs->use_etm = 1;
    return 1;
}

int tls_exs_parse_extended_master_secret(struct tls_ext_ctx *x, tls_reader *r)
{
    if (!tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (!(x->s->cfg.options & SSL_OP_NO_EXTENDED_MASTER_SECRET))
        x->hs->ems = 1;
    return 1;
}

/* signature_algorithms / signature_algorithms_cert: what the client accepts. */
static int parse_sigalgs(struct tls_ext_ctx *x, tls_reader *r, uint16_t **out, size_t *n)
{
    tls_reader list;
    int ok;

    if (!tls_r_sub_u16(r, &list) || !tls_r_done(r) || list.len == 0)
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    /* Kept from TLS 1.2 on only (stock's tls1_save_sigalgs). */
    if (x->s->hit || x->c->version < TLS1_2_VERSION)
        return 1;
    if ((ok = save_u16_list(&list, out, n)) < 0)
        return tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    if (ok == 0)
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    return 1;
}

int tls_exs_parse_sig_algs(struct tls_ext_ctx *x, tls_reader *r)
{
    return parse_sigalgs(x, r, &x->hs->peer_sigalgs, &x->hs->peer_sigalgs_len);
}

int tls_exs_parse_sig_algs_cert(struct tls_ext_ctx *x, tls_reader *r)
{
    return parse_sigalgs(x, r, &x->hs->peer_sigalgs_cert, &x->hs->peer_sigalgs_cert_len);
}

int tls_exs_parse_post_handshake_auth(struct tls_ext_ctx *x, tls_reader *r)
{
    if (!tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_POST_HANDSHAKE_AUTH_ENCODING_ERR);
    x->c->pha_state = TLS_PHA_EXT_RECEIVED;
    return 1;
}

int tls_exs_parse_psk_kex_modes(struct tls_ext_ctx *x, tls_reader *r)
{
    tls_reader modes;
    uint8_t mode;

    if (!tls_r_sub_u8(r, &modes) || !tls_r_done(r) || tls_r_done(&modes))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    while (tls_r_u8(&modes, &mode)) {
        if (mode == TLSEXT_KEX_MODE_KE_DHE)
            x->hs->sv.psk_kex_modes |= TLS_PSK_DHE_KE;
        else if (mode == TLSEXT_KEX_MODE_KE && (x->s->cfg.options & SSL_OP_ALLOW_NO_DHE_KEX))
            x->hs->sv.psk_kex_modes |= TLS_PSK_KE;
    }
    return 1;
}

/* A group both sides may use for a TLS 1.3 key share. */
static const struct tls_group *usable_group(SSL *s, uint16_t id)
{
    const struct tls_group *g = tls_group_by_id(id);
    const uint16_t *ours;
    size_t n;
    int tls13_ok;

    tls_configured_groups(s, &ours, &n);
    if (g == NULL || !tls_listed(id, ours, n) ||
        !tls_group_usable(s, g, TLS1_3_VERSION, TLS1_3_VERSION, &tls13_ok) || !tls13_ok)
        return NULL;
    return g;
}

/* key_share: the first share in a group we take; after a HelloRetryRequest
 * only the one group asked for (RFC 8446 4.2.8). */
int tls_exs_parse_key_share(struct tls_ext_ctx *x, tls_reader *r)
{
    SSL *s = x->s;
    struct tls_conn *c = x->c;
    struct tls_hs *hs = x->hs;
    tls_reader list;
    int found = 0;

    if (s->hit && !(hs->sv.psk_kex_modes & TLS_PSK_DHE_KE))
        return 1;
    if (hs->peer_share != NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (!tls_r_sub_u16(r, &list) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (c->peer_groups_len == 0)
        return tls_fatal(s, SSL_AD_MISSING_EXTENSION, SSL_R_MISSING_SUPPORTED_GROUPS_EXTENSION);
    if (hs->sv.hrr_group != 0 && tls_r_done(&list))
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
    while (!tls_r_done(&list)) {
        uint16_t id;
        tls_reader pub;
        const struct tls_group *g;
        EVP_PKEY *tmpl = NULL;
        int alert, reason;

        if (!tls_r_u16(&list, &id) || !tls_r_sub_u16(&list, &pub) || pub.len == 0)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        if (found)
            continue; /* the rest is checked for form only */
        if (hs->sv.hrr_group != 0 && (id != hs->sv.hrr_group || !tls_r_done(&list)))
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
        if (!tls_listed(id, c->peer_groups, c->peer_groups_len))
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
        if ((g = usable_group(s, id)) == NULL)
            continue; /* tolerated, not used */
        if (!tls_kex_keygen(c->algs, &g->kex, &tmpl)) {
            ERR_clear_error();
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_UNABLE_TO_FIND_ECDH_PARAMETERS);
        }
        hs->kex_group = g;
        s->session->kex_group = id;
        /* The key made to read the client's share becomes ours. */
        EVP_PKEY_free(hs->kex_priv);
        hs->kex_priv = tmpl;
        if (!tls_kex_check_share13(c->algs, &g->kex, pub.p, pub.len, &alert, &reason))
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_ECPOINT);
        if ((hs->peer_share = OPENSSL_memdup(pub.p, pub.len)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        hs->peer_share_len = pub.len;
        found = 1;
    }
    return 1;
}

int tls_exs_parse_early_data(struct tls_ext_ctx *x, tls_reader *r)
{
    if (!tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (x->hs->hrr)
        return tls_fatal(x->s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION);
    return 1;
}

int tls_exs_parse_certificate_authorities(struct tls_ext_ctx *x, tls_reader *r)
{
    if (!tls_parse_ca_names(x->s, r, &x->hs->peer_ca_names))
        return 0;
    if (!tls_r_done(r))
        return tls_fatal(x->s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    return 1;
}

/* ------------------------------------------------------- after the hello */

/* Without renegotiation_info a renegotiation is unsafe (RFC 5746). */
int tls_exs_final_renegotiate(struct tls_ext_ctx *x, int present)
{
    if (x->hs->renegotiation && !present &&
        !(x->s->cfg.options & SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION))
        return tls_fatal(x->s, SSL_AD_HANDSHAKE_FAILURE,
                         SSL_R_UNSAFE_LEGACY_RENEGOTIATION_DISABLED);
    return 1;
}

/* Once a connection has used the extended master secret, a renegotiation
 * without it is refused (RFC 7627 5.3 asks it of resumption; stock holds
 * renegotiation to it as well). */
int tls_exs_final_extended_master_secret(struct tls_ext_ctx *x, int present)
{
    (void)present;
    if (x->hs->renegotiation && x->hs->reneg_ems_required && !x->hs->ems)
        return tls_fatal(x->s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_INCONSISTENT_EXTMS);
    return 1;
}

/* The servername callback: it may switch contexts, accept the name, ignore
 * it, or end the handshake with an alert of its choice. */
int tls_exs_final_server_name(struct tls_ext_ctx *x, int present)
{
    SSL *s = x->s;
    int ret = SSL_TLSEXT_ERR_NOACK, alert = SSL_AD_UNRECOGNIZED_NAME;
    int had_tickets = !(s->cfg.options & SSL_OP_NO_TICKET);

    if (s->ctx->servername_cb != NULL)
        ret = s->ctx->servername_cb(s, &alert, s->ctx->servername_arg);
    else if (s->session_ctx->servername_cb != NULL)
        ret = s->session_ctx->servername_cb(s, &alert, s->session_ctx->servername_arg);
    /* An accepted name becomes the new session's. */
    if (present && ret == SSL_TLSEXT_ERR_OK && !s->hit) {
        OPENSSL_free(s->session->hostname);
        s->session->hostname = s->hostname != NULL ? OPENSSL_strdup(s->hostname) : NULL;
        if (s->session->hostname == NULL && s->hostname != NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    /* A handshake moved to another context (here or in the ClientHello
     * callback) counts as that context's accept. */
    if ((x->c->finished_len == 0 || x->c->peer_finished_len == 0) && s->ctx != s->session_ctx &&
        !x->hs->hrr) {
        shim_counter_inc(&s->ctx->stats.accept);
        shim_counter_dec(&s->session_ctx->stats.accept);
    }
    /* Tickets turned off by the callback (a new context) stay off; a new
     * session then needs an id of its own. */
    if (ret == SSL_TLSEXT_ERR_OK && x->hs->ticket_expected && had_tickets &&
        (s->cfg.options & SSL_OP_NO_TICKET)) {
        x->hs->ticket_expected = 0;
        if (!s->hit) {
            SSL_SESSION *ss = s->session;

            OPENSSL_free(ss->ticket);
            ss->ticket = NULL;
            ss->ticket_len = 0;
            ss->ticket_lifetime_hint = 0;
            ss->ticket_age_add = 0;
            if (!tls_server_session_id(s, ss, NULL))
                return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        }
    }
    switch (ret) {
    case SSL_TLSEXT_ERR_ALERT_FATAL:
        return tls_fatal(s, alert, SSL_R_CALLBACK_FAILED);
    case SSL_TLSEXT_ERR_ALERT_WARNING:
        /* TLS 1.3 has no warning alerts. */
        if (!is_tls13(x))
            tls_send_alert(s, SSL3_AL_WARNING, alert);
        x->hs->sv.servername_done = 0;
        return 1;
    case SSL_TLSEXT_ERR_NOACK:
        x->hs->sv.servername_done = 0;
        return 1;
    default:
        return 1;
    }
}

/* The application chooses among the client's protocols (stock's
 * tls_handle_alpn); TLS 1.3 does it here, TLS 1.2 after the suite. */
int tls_server_choose_alpn(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    const unsigned char *sel = NULL;
    unsigned char sel_len = 0;
    int r;

    if (s->ctx->alpn_select_cb == NULL || hs->sv.alpn_proposed == NULL)
        return 1;
    r = s->ctx->alpn_select_cb(s, &sel, &sel_len, hs->sv.alpn_proposed,
                               (unsigned int)hs->sv.alpn_proposed_len, s->ctx->alpn_select_cb_arg);
    if (r == SSL_TLSEXT_ERR_NOACK)
        return 1;
    if (r != SSL_TLSEXT_ERR_OK)
        return tls_fatal(s, SSL_AD_NO_APPLICATION_PROTOCOL, SSL_R_NO_APPLICATION_PROTOCOL);
    OPENSSL_free(c->alpn);
    c->alpn_len = 0;
    if ((c->alpn = OPENSSL_memdup(sel, sel_len > 0 ? sel_len : 1)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    c->alpn_len = sel_len;
    hs->npn_seen = 0; /* ALPN takes precedence over NPN */
    if (!s->hit && s->session->alpn_selected == NULL) {
        if ((s->session->alpn_selected = OPENSSL_memdup(sel, sel_len > 0 ? sel_len : 1)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        s->session->alpn_selected_len = sel_len;
    }
    return 1;
}

int tls_exs_final_alpn(struct tls_ext_ctx *x, int present)
{
    (void)present;
    return !is_tls13(x) || tls_server_choose_alpn(x->s, x->c, x->hs);
}

/* No key share we can use: a HelloRetryRequest if a group we share exists
 * (RFC 8446 4.1.4), else resumption without (EC)DHE, else failure. */
int tls_exs_final_key_share(struct tls_ext_ctx *x, int present)
{
    SSL *s = x->s;
    struct tls_hs *hs = x->hs;

    if (!is_tls13(x))
        return 1;
    if (hs->peer_share == NULL) {
        if (!hs->hrr && present && (!s->hit || (hs->sv.psk_kex_modes & TLS_PSK_DHE_KE))) {
            const uint16_t *ours;
            size_t n;

            tls_configured_groups(s, &ours, &n);
            for (size_t i = 0; i < n; i++) {
                if (tls_listed(ours[i], x->c->peer_groups, x->c->peer_groups_len) &&
                    usable_group(s, ours[i]) != NULL) {
                    hs->sv.hrr_group = ours[i];
                    return 1;
                }
            }
        }
        if (!s->hit || !(hs->sv.psk_kex_modes & TLS_PSK_KE))
            return tls_fatal(s, present ? SSL_AD_HANDSHAKE_FAILURE : SSL_AD_MISSING_EXTENSION,
                             SSL_R_NO_SUITABLE_KEY_SHARE);
    }
    return 1;
}

/* 0-RTT data is refused: what the client sends of it is skipped. */
int tls_exs_final_early_data(struct tls_ext_ctx *x, int present)
{
    x->hs->sv.early_data_rejected = present;
    return 1;
}

/* RFC 8446 4.2.9: pre_shared_key needs psk_key_exchange_modes. */
int tls_exs_final_psk(struct tls_ext_ctx *x, int present)
{
    if (present && !x->set->present[TLS_EXT_PSK_KEX_MODES])
        return tls_fatal(x->s, SSL_AD_MISSING_EXTENSION, SSL_R_MISSING_PSK_KEX_MODES_EXTENSION);
    return 1;
}

/* ------------------------------------------------- the server's, written */

static int open_ext(tls_builder *b, uint16_t type)
{
    return tls_b_u16(b, type) && tls_b_open(b, 2);
}

static enum tls_ext_write done(tls_builder *b, int ok)
{
    return ok && tls_b_close(b) ? TLS_EXT_SENT : TLS_EXT_FAILED;
}

enum tls_ext_write tls_exs_add_renegotiate(struct tls_ext_ctx *x)
{
    struct tls_conn *c = x->c;

    if (!c->secure_renegotiation)
        return TLS_EXT_NOT_SENT;
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_renegotiate) && tls_b_open(x->b, 1) &&
                          tls_b_bytes(x->b, c->peer_finished, c->peer_finished_len) &&
                          tls_b_bytes(x->b, c->finished, c->finished_len) && tls_b_close(x->b));
}

enum tls_ext_write tls_exs_add_server_name(struct tls_ext_ctx *x)
{
    if (x->hs->sv.servername_done != 1 || (x->s->hit && !is_tls13(x)))
        return TLS_EXT_NOT_SENT;
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_server_name));
}

enum tls_ext_write tls_exs_add_max_fragment_length(struct tls_ext_ctx *x)
{
    uint8_t mode = x->s->session->max_fragment_len_mode;

    if (mode < TLSEXT_max_fragment_length_512 || mode > TLSEXT_max_fragment_length_4096)
        return TLS_EXT_NOT_SENT;
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_max_fragment_length) && tls_b_u8(x->b, mode));
}

/* RFC 8446 4.2.7: our groups, unless the client already uses our first. */
enum tls_ext_write tls_exs_add_supported_groups(struct tls_ext_ctx *x)
{
    const uint16_t *groups;
    size_t n;
    int first = 1;

    if (x->context != SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS || x->hs->kex_group == NULL)
        return TLS_EXT_NOT_SENT;
    tls_configured_groups(x->s, &groups, &n);
    for (size_t i = 0; i < n; i++) {
        const struct tls_group *g = tls_group_by_id(groups[i]);
        if (g == NULL || !tls_group_usable(x->s, g, x->c->version, x->c->version, NULL))
            continue;
        if (first) {
            if (g == x->hs->kex_group)
                return TLS_EXT_NOT_SENT;
            if (!open_ext(x->b, TLSEXT_TYPE_supported_groups) || !tls_b_open(x->b, 2))
                return TLS_EXT_FAILED;
            first = 0;
        }
        if (!tls_b_u16(x->b, g->id))
            return TLS_EXT_FAILED;
    }
    if (first)
        return TLS_EXT_NOT_SENT;
    return done(x->b, tls_b_close(x->b));
}

/* In a TLS 1.3 leaf certificate's entry: the stapled OCSP response. */
enum tls_ext_write tls_exs_add_status_request(struct tls_ext_ctx *x)
{
    struct tls_conn *c = x->c;

    if (x->context == SSL_EXT_TLS1_3_CERTIFICATE_REQUEST || !x->hs->status_expected ||
        (is_tls13(x) && x->chain_idx != 0))
        return TLS_EXT_NOT_SENT;
    if (!open_ext(x->b, TLSEXT_TYPE_status_request))
        return TLS_EXT_FAILED;
    if (is_tls13(x) &&
        (!tls_b_u8(x->b, TLSEXT_STATUSTYPE_ocsp) || !tls_b_open(x->b, 3) ||
         !tls_b_bytes(x->b, c->ocsp_response, c->ocsp_response_len) || !tls_b_close(x->b)))
        return TLS_EXT_FAILED;
    return done(x->b, 1);
}

/* A TLS 1.2 ServerHello's, when an elliptic curve is used and the client
 * listed its formats: ours. */
enum tls_ext_write tls_exs_add_ec_point_formats(struct tls_ext_ctx *x)
{
    const SSL_CIPHER *ci = x->c->cipher;

    if (!x->hs->sv.ec_point_formats ||
        ((ci->algorithm_mkey & SHIM_K_ECDHE) == 0 && (ci->algorithm_auth & SHIM_A_ECDSA) == 0))
        return TLS_EXT_NOT_SENT;
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_ec_point_formats) && tls_b_open(x->b, 1) &&
                          tls_b_bytes(x->b, tls_ec_point_formats, sizeof(tls_ec_point_formats)) &&
                          tls_b_close(x->b));
}

/* Empty: a NewSessionTicket will follow (RFC 5077 3.2). */
enum tls_ext_write tls_exs_add_session_ticket(struct tls_ext_ctx *x)
{
    SSL *s = x->s;

    if (!x->hs->ticket_expected || (s->cfg.options & SSL_OP_NO_TICKET) ||
        !tls_security_ok(s, SSL_SECOP_TICKET, 0, 0, NULL)) {
        x->hs->ticket_expected = 0;
        return TLS_EXT_NOT_SENT;
    }
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_session_ticket));
}

/* The protocols we advertise, from the application's callback. */
enum tls_ext_write tls_exs_add_npn(struct tls_ext_ctx *x)
{
    SSL *s = x->s;
    const unsigned char *npa;
    unsigned int npalen;
    int seen = x->hs->npn_seen;

    x->hs->npn_seen = 0;
    if (!seen || s->ctx->npn_advertised_cb == NULL ||
        s->ctx->npn_advertised_cb(s, &npa, &npalen, s->ctx->npn_advertised_cb_arg) !=
            SSL_TLSEXT_ERR_OK)
        return TLS_EXT_NOT_SENT;
    x->hs->npn_seen = 1;
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_next_proto_neg) && tls_b_bytes(x->b, npa, npalen));
}

/* encrypt_then_mac, unless the suite is an AEAD (which needs no MAC). */
enum tls_ext_write tls_exs_add_encrypt_then_mac(struct tls_ext_ctx *x)
{
    if (!x->hs->use_etm)
        return TLS_EXT_NOT_SENT;
    if (tls_suite_is_aead(x->c->cipher)) {
        x->hs->use_etm = 0;
        return TLS_EXT_NOT_SENT;
    }
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_encrypt_then_mac));
}

enum tls_ext_write tls_exs_add_extended_master_secret(struct tls_ext_ctx *x)
{
    if (!x->hs->ems)
        return TLS_EXT_NOT_SENT;
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_extended_master_secret));
}

enum tls_ext_write tls_exs_add_alpn(struct tls_ext_ctx *x)
{
    struct tls_conn *c = x->c;

    if (c->alpn == NULL)
        return TLS_EXT_NOT_SENT;
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_application_layer_protocol_negotiation) &&
                          tls_b_open(x->b, 2) && tls_b_open(x->b, 1) &&
                          tls_b_bytes(x->b, c->alpn, c->alpn_len) && tls_b_close(x->b) &&
                          tls_b_close(x->b));
}

enum tls_ext_write tls_exs_add_supported_versions(struct tls_ext_ctx *x)
{
    return done(x->b,
                open_ext(x->b, TLSEXT_TYPE_supported_versions) && tls_b_u16(x->b, TLS1_3_VERSION));
}

/* In a HelloRetryRequest the group we want; in a ServerHello our share. */
enum tls_ext_write tls_exs_add_key_share(struct tls_ext_ctx *x)
{
    struct tls_hs *hs = x->hs;
    uint8_t *pub = NULL;
    size_t pub_len = 0;
    int ok;

    if (x->context == SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST) {
        if (hs->peer_share != NULL)
            return TLS_EXT_NOT_SENT; /* the share we had was fine */
        return done(x->b,
                    open_ext(x->b, TLSEXT_TYPE_key_share) && tls_b_u16(x->b, hs->sv.hrr_group));
    }
    /* Resuming without (EC)DHE (psk_ke). */
    if (hs->peer_share == NULL || (x->s->hit && !(hs->sv.psk_kex_modes & TLS_PSK_DHE_KE)))
        return TLS_EXT_NOT_SENT;
    if (!tls_kex_public(hs->kex_priv, &pub, &pub_len)) {
        tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_EC_LIB);
        return TLS_EXT_FAILED;
    }
    /* The shared secret is made now, so that a weak share (an all-zero
     * X25519 point) is refused before the ServerHello leaves, as stock. */
    if (hs->dhe == NULL) {
        int alert, reason;

        if (!tls_kex_derive_share13(x->c->algs, &hs->kex_group->kex, hs->kex_priv, hs->peer_share,
                                    hs->peer_share_len, &hs->dhe, &hs->dhe_len, &alert, &reason)) {
            OPENSSL_free(pub);
            tls_fatal(x->s, alert, reason);
            return TLS_EXT_FAILED;
        }
    }
    ok = open_ext(x->b, TLSEXT_TYPE_key_share) && tls_b_u16(x->b, hs->kex_group->id) &&
         tls_b_open(x->b, 2) && tls_b_bytes(x->b, pub, pub_len) && tls_b_close(x->b);
    OPENSSL_free(pub);
    return done(x->b, ok);
}

enum tls_ext_write tls_exs_add_psk(struct tls_ext_ctx *x)
{
    if (!x->s->hit)
        return TLS_EXT_NOT_SENT;
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_psk) && tls_b_u16(x->b, x->hs->sv.tick_identity));
}

/* A CertificateRequest's: the algorithms we accept (the client list if
 * set: tls_psigalgs(s, 1)). */
enum tls_ext_write tls_exs_add_signature_algorithms(struct tls_ext_ctx *x)
{
    const uint16_t *list;
    size_t n;

    tls_psigalgs(x->s, 1, &list, &n);
    if (!open_ext(x->b, TLSEXT_TYPE_signature_algorithms) || !tls_b_open(x->b, 2))
        return TLS_EXT_FAILED;
    for (size_t i = 0; i < n; i++) {
        const struct tls_sigalg *a = tls_sigalg_by_code(list[i]);
        if (a == NULL || !tls_sigalg_usable(x->s, a, SSL_SECOP_SIGALG_SUPPORTED, x->c->version))
            continue;
        if (!tls_b_u16(x->b, a->code))
            return TLS_EXT_FAILED;
    }
    return done(x->b, tls_b_close(x->b));
}

/* A CertificateRequest's: the client CA list. */
enum tls_ext_write tls_exs_add_certificate_authorities(struct tls_ext_ctx *x)
{
    STACK_OF(X509_NAME) *names = tls_server_ca_names(x->s);

    if (names == NULL || sk_X509_NAME_num(names) == 0)
        return TLS_EXT_NOT_SENT;
    return done(x->b, open_ext(x->b, TLSEXT_TYPE_certificate_authorities) &&
                          tls_write_ca_names(x->s, x->b, names));
}

/* ---------------------------------------------- more checks after the hello */

int tls_exs_final_max_fragment_length(struct tls_ext_ctx *x, int present)
{
    (void)present;
    if (x->s->session->max_fragment_len_mode == TLSEXT_max_fragment_length_UNSPECIFIED)
        x->s->session->max_fragment_len_mode = TLSEXT_max_fragment_length_DISABLED;
    return 1;
}

/* A TLS 1.3 ClientHello that does not resume names its signature algorithms. */
int tls_exs_final_sig_algs(struct tls_ext_ctx *x, int present)
{
    if (!present && is_tls13(x) && !x->s->hit)
        return tls_fatal(x->s, SSL_AD_MISSING_EXTENSION, SSL_R_MISSING_SIGALGS_EXTENSION);
    return 1;
}
