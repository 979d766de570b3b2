/*
 * shimssl - TLS extensions: the table, writing a ClientHello's block, and
 * collecting and parsing a received block.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "tls/ext_custom.h"
#include "tls/ext_hooks.h"

/* Code points the public headers do not name. */
#define TLSEXT_TYPE_cryptopro_bug 0xfde8

/*
 * Where each extension may appear (SSL_EXT_* message contexts and version
 * flags), as RFC 8446 4.2's table and the TLS 1.2 RFCs say (stock uses the
 * same sets), and its hooks: the client's (add to a ClientHello, parse from
 * a server message, check after it), then the server's (parse from a
 * ClientHello, add to a server message, check after the ClientHello).
 */
static const struct tls_ext_def ext_table[TLS_EXT_NUM] = {
    [TLS_EXT_RENEGOTIATE] =
        {
            .type = TLSEXT_TYPE_renegotiate,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_SSL3_ALLOWED |
                        SSL_EXT_TLS1_2_AND_BELOW_ONLY,
            .add_client_hello = tls_exc_add_renegotiate,
            .parse_server = tls_exc_parse_renegotiate,
            .final_client = tls_exc_final_renegotiate,
            .parse_client_hello = tls_exs_parse_renegotiate,
            .add_server = tls_exs_add_renegotiate,
            .final_server = tls_exs_final_renegotiate,
        },
    [TLS_EXT_SERVER_NAME] =
        {
            .type = TLSEXT_TYPE_server_name,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO |
                        SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS,
            .add_client_hello = tls_exc_add_server_name,
            .parse_server = tls_exc_parse_server_name,
            .parse_client_hello = tls_exs_parse_server_name,
            .add_server = tls_exs_add_server_name,
            .final_client = tls_exc_final_server_name,
            .final_server = tls_exs_final_server_name,
        },
    [TLS_EXT_MAX_FRAGMENT_LENGTH] =
        {
            .type = TLSEXT_TYPE_max_fragment_length,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO |
                        SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS,
            .add_client_hello = tls_exc_add_max_fragment_length,
            .parse_server = tls_exc_parse_max_fragment_length,
            .final_client = tls_exc_final_max_fragment_length,
            .parse_client_hello = tls_exs_parse_max_fragment_length,
            .add_server = tls_exs_add_max_fragment_length,
            .final_server = tls_exs_final_max_fragment_length,
        },
    [TLS_EXT_SRP] =
        {
            .type = TLSEXT_TYPE_srp,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_AND_BELOW_ONLY,
            .parse_client_hello = tls_exs_parse_srp,
        },
    [TLS_EXT_EC_POINT_FORMATS] =
        {
            .type = TLSEXT_TYPE_ec_point_formats,
            .contexts =
                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_2_AND_BELOW_ONLY,
            .add_client_hello = tls_exc_add_ec_point_formats,
            .parse_server = tls_exc_parse_ec_point_formats,
            .parse_client_hello = tls_exs_parse_ec_point_formats,
            .add_server = tls_exs_add_ec_point_formats,
        },
    [TLS_EXT_SUPPORTED_GROUPS] =
        {
            .type = TLSEXT_TYPE_supported_groups,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS |
                        SSL_EXT_TLS1_2_SERVER_HELLO,
            .add_client_hello = tls_exc_add_supported_groups,
            .parse_client_hello = tls_exs_parse_supported_groups,
            .add_server = tls_exs_add_supported_groups,
        },
    [TLS_EXT_SESSION_TICKET] =
        {
            .type = TLSEXT_TYPE_session_ticket,
            .contexts =
                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_2_AND_BELOW_ONLY,
            .add_client_hello = tls_exc_add_session_ticket,
            .parse_server = tls_exc_parse_session_ticket,
            .parse_client_hello = tls_exs_parse_session_ticket,
            .add_server = tls_exs_add_session_ticket,
        },
    [TLS_EXT_STATUS_REQUEST] =
        {
            .type = TLSEXT_TYPE_status_request,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO |
                        SSL_EXT_TLS1_3_CERTIFICATE | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST,
            .add_client_hello = tls_exc_add_status_request,
            .parse_server = tls_exc_parse_status_request,
            .parse_client_hello = tls_exs_parse_status_request,
            .add_server = tls_exs_add_status_request,
        },
    [TLS_EXT_NPN] =
        {
            .type = TLSEXT_TYPE_next_proto_neg,
            .contexts =
                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_2_AND_BELOW_ONLY,
            .add_client_hello = tls_exc_add_npn,
            .parse_server = tls_exc_parse_npn,
            .parse_client_hello = tls_exs_parse_npn,
            .add_server = tls_exs_add_npn,
        },
    [TLS_EXT_ALPN] =
        {
            .type = TLSEXT_TYPE_application_layer_protocol_negotiation,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO |
                        SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS,
            .add_client_hello = tls_exc_add_alpn,
            .parse_server = tls_exc_parse_alpn,
            .parse_client_hello = tls_exs_parse_alpn,
            .add_server = tls_exs_add_alpn,
            .final_server = tls_exs_final_alpn,
        },
    [TLS_EXT_USE_SRTP] =
        {
            .type = TLSEXT_TYPE_use_srtp,
            .contexts = 0,
        },
    [TLS_EXT_ENCRYPT_THEN_MAC] =
        {
            .type = TLSEXT_TYPE_encrypt_then_mac,
            .contexts =
                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_2_AND_BELOW_ONLY,
            .add_client_hello = tls_exc_add_encrypt_then_mac,
            .parse_server = tls_exc_parse_encrypt_then_mac,
            .parse_client_hello = tls_exs_parse_encrypt_then_mac,
            .add_server = tls_exs_add_encrypt_then_mac,
        },
    [TLS_EXT_SCT] =
        {
            .type = TLSEXT_TYPE_signed_certificate_timestamp,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO |
                        SSL_EXT_TLS1_3_CERTIFICATE | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST,
            .add_client_hello = tls_exc_add_sct,
            .parse_server = tls_exc_parse_sct,
            /* A server has none of its own: a custom extension may serve it. */
        },
    [TLS_EXT_EXTENDED_MASTER_SECRET] =
        {
            .type = TLSEXT_TYPE_extended_master_secret,
            .contexts =
                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_2_AND_BELOW_ONLY,
            .add_client_hello = tls_exc_add_extended_master_secret,
            .parse_server = tls_exc_parse_extended_master_secret,
            .final_client = tls_exc_final_extended_master_secret,
            .parse_client_hello = tls_exs_parse_extended_master_secret,
            .final_server = tls_exs_final_extended_master_secret,
            .add_server = tls_exs_add_extended_master_secret,
        },
    [TLS_EXT_SIG_ALGS_CERT] =
        {
            .type = TLSEXT_TYPE_signature_algorithms_cert,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST,
            .parse_client_hello = tls_exs_parse_sig_algs_cert,
        },
    [TLS_EXT_POST_HANDSHAKE_AUTH] =
        {
            .type = TLSEXT_TYPE_post_handshake_auth,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ONLY,
            .add_client_hello = tls_exc_add_post_handshake_auth,
            .parse_client_hello = tls_exs_parse_post_handshake_auth,
        },
    [TLS_EXT_SIG_ALGS] =
        {
            .type = TLSEXT_TYPE_signature_algorithms,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST,
            .add_client_hello = tls_exc_add_signature_algorithms,
            .parse_server = tls_exc_parse_sig_algs,
            .final_client = tls_exc_final_sig_algs,
            .parse_client_hello = tls_exs_parse_sig_algs,
            .add_server = tls_exs_add_signature_algorithms,
            .final_server = tls_exs_final_sig_algs,
        },
    [TLS_EXT_SUPPORTED_VERSIONS] =
        {
            .type = TLSEXT_TYPE_supported_versions,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO |
                        SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST | SSL_EXT_TLS_IMPLEMENTATION_ONLY,
            .add_client_hello = tls_exc_add_supported_versions,
            .parse_server = tls_exc_parse_supported_versions,
            .add_server = tls_exs_add_supported_versions,
        },
    [TLS_EXT_PSK_KEX_MODES] =
        {
            .type = TLSEXT_TYPE_psk_kex_modes,
            .contexts =
                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS_IMPLEMENTATION_ONLY | SSL_EXT_TLS1_3_ONLY,
            .add_client_hello = tls_exc_add_psk_kex_modes,
            .parse_client_hello = tls_exs_parse_psk_kex_modes,
        },
    [TLS_EXT_KEY_SHARE] =
        {
            .type = TLSEXT_TYPE_key_share,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO |
                        SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST | SSL_EXT_TLS_IMPLEMENTATION_ONLY |
                        SSL_EXT_TLS1_3_ONLY,
            .add_client_hello = tls_exc_add_key_share,
            .parse_server = tls_exc_parse_key_share,
            .final_client = tls_exc_final_key_share,
            .parse_client_hello = tls_exs_parse_key_share,
            .add_server = tls_exs_add_key_share,
            .final_server = tls_exs_final_key_share,
        },
    [TLS_EXT_COOKIE] =
        {
            .type = TLSEXT_TYPE_cookie,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST |
                        SSL_EXT_TLS_IMPLEMENTATION_ONLY | SSL_EXT_TLS1_3_ONLY,
            .add_client_hello = tls_exc_add_cookie,
            .parse_server = tls_exc_parse_cookie,
        },
    [TLS_EXT_CRYPTOPRO_BUG] =
        {
            .type = TLSEXT_TYPE_cryptopro_bug,
            .contexts =
                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_2_AND_BELOW_ONLY,
        },
    [TLS_EXT_EARLY_DATA] =
        {
            .type = TLSEXT_TYPE_early_data,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS |
                        SSL_EXT_TLS1_3_NEW_SESSION_TICKET | SSL_EXT_TLS1_3_ONLY,
            .parse_server = tls_exc_parse_early_data,
            .parse_client_hello = tls_exs_parse_early_data,
            .final_server = tls_exs_final_early_data,
        },
    [TLS_EXT_CERTIFICATE_AUTHORITIES] =
        {
            .type = TLSEXT_TYPE_certificate_authorities,
            .contexts =
                SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST | SSL_EXT_TLS1_3_ONLY,
            .add_client_hello = tls_exc_add_certificate_authorities,
            .parse_server = tls_exc_parse_certificate_authorities,
            .parse_client_hello = tls_exs_parse_certificate_authorities,
            .add_server = tls_exs_add_certificate_authorities,
        },
    [TLS_EXT_PADDING] =
        {
            .type = TLSEXT_TYPE_padding,
            .contexts = SSL_EXT_CLIENT_HELLO,
            .add_client_hello = tls_exc_add_padding,
        },
    [TLS_EXT_PSK] =
        {
            .type = TLSEXT_TYPE_psk,
            .contexts = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO |
                        SSL_EXT_TLS_IMPLEMENTATION_ONLY | SSL_EXT_TLS1_3_ONLY,
            .add_client_hello = tls_exc_add_psk,
            .parse_server = tls_exc_parse_psk,
            .add_server = tls_exs_add_psk,
            .final_server = tls_exs_final_psk,
        },
};

const struct tls_ext_def *tls_ext_def(int idx)
{
    return idx >= 0 && idx < TLS_EXT_NUM ? &ext_table[idx] : NULL;
}

/* -------------------------------------------------------------- writing */

int tls_ext_write_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                               int min_version, int max_version, size_t *binders_len)
{
    struct tls_ext_ctx x = {s, c, hs, SSL_EXT_CLIENT_HELLO, b, min_version, max_version, 0, 0, 0};

    /* The padding extension needs to know how long the PSK will be. */
    if (hs->psk_session != NULL)
        x.binders_len = 4 + 2 + 2 + hs->psk_session->ticket_len + 4 + 2 + 1 + hs->ks.hlen;
    hs->sent_exts = 0;
    if (!tls_b_open(b, 2))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    /* Custom extensions first, as stock writes them. */
    tls_custom_reset(s);
    if (!tls_custom_write(&x))
        return 0;
    for (int i = 0; i < TLS_EXT_NUM; i++) {
        enum tls_ext_write w;
        if (ext_table[i].add_client_hello == NULL)
            continue;
        if (i == TLS_EXT_PSK)
            x.binders_len = 0;
        w = ext_table[i].add_client_hello(&x);
        if (w == TLS_EXT_FAILED)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        if (w == TLS_EXT_SENT)
            hs->sent_exts |= 1u << i;
    }
    *binders_len = x.binders_len;
    return tls_b_close(b) ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

static int write_server(struct tls_ext_ctx *x)
{
    SSL *s = x->s;
    struct tls_conn *c = x->c;
    struct tls_hs *hs = x->hs;
    tls_builder *b = x->b;
    unsigned int context = x->context;
    size_t start;

    if (!tls_b_open(b, 2))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    start = tls_b_len(b);
    /* Custom extensions first, as stock writes them. */
    if (!tls_custom_write(x))
        return 0;
    for (int i = 0; i < TLS_EXT_NUM; i++) {
        enum tls_ext_write w;

        if (ext_table[i].add_server == NULL || (ext_table[i].contexts & context) == 0 ||
            !tls_ext_relevant(s, c, ext_table[i].contexts, context))
            continue;
        if ((w = ext_table[i].add_server(x)) == TLS_EXT_FAILED)
            return c->failed ? 0 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        /* What a request asks, the answer may contain. */
        if (w == TLS_EXT_SENT && (context & (SSL_EXT_TLS1_3_CERTIFICATE_REQUEST |
                                             SSL_EXT_TLS1_3_NEW_SESSION_TICKET)) != 0)
            hs->sent_exts |= 1u << i;
    }
    /* A TLS 1.2 ServerHello leaves out an empty block altogether. */
    if (context == SSL_EXT_TLS1_2_SERVER_HELLO && tls_b_len(b) == start) {
        if (!tls_b_abandon(b))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return 1;
    }
    return tls_b_close(b) ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

int tls_ext_write_server(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                         unsigned int context, size_t chain_idx)
{
    struct tls_ext_ctx x = {s, c, hs, context, b, 0, 0, 0, chain_idx, 0};
    return write_server(&x);
}

int tls_ext_write_certificate_entry(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                                    X509 *cert, size_t chain_idx)
{
    struct tls_ext_ctx x = {s, c, hs, SSL_EXT_TLS1_3_CERTIFICATE, b, 0, 0, 0, chain_idx, 0};

    x.cert = cert;
    if (s->server)
        return write_server(&x);
    /* A client's built-in extensions have nothing to say about its own
     * certificates; custom ones answer a CertificateRequest. */
    if (!tls_b_open(b, 2))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (!tls_custom_write(&x))
        return 0;
    return tls_b_close(b) ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* ----------------------------------------------------------- collecting */

static int index_of(uint16_t type)
{
    for (int i = 0; i < TLS_EXT_NUM; i++)
        if (ext_table[i].type == type)
            return i;
    return -1;
}

const uint8_t tls_ec_point_formats[3] = {TLSEXT_ECPOINTFORMAT_uncompressed,
                                         TLSEXT_ECPOINTFORMAT_ansiX962_compressed_prime,
                                         TLSEXT_ECPOINTFORMAT_ansiX962_compressed_char2};

int tls_ext_known(uint16_t type)
{
    return index_of(type) >= 0;
}

int tls_ext_known_in_client_hello(const SSL *s, uint16_t type)
{
    return index_of(type) >= 0 || tls_custom_find(s->cfg.cert, SHIM_EXT_SERVER, type) != NULL;
}

/* Whether an extension of this type comes earlier in the block, in its
 * first `before` bytes. */
static int earlier_in_block(const tls_reader *list, size_t before, uint16_t type)
{
    tls_reader r;
    tls_reader copy = *list;

    if (!tls_r_sub(&copy, &r, before))
        return 0;
    while (!tls_r_done(&r)) {
        uint16_t t;
        tls_reader body;
        if (!tls_r_u16(&r, &t) || !tls_r_sub_u16(&r, &body))
            return 0;
        if (t == type)
            return 1;
    }
    return 0;
}

/* Messages that answer nothing we sent: a ClientHello, and the requests and
 * tickets a server sends on its own. */
#define UNSOLICITED_OK                                                                             \
    (SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST | SSL_EXT_TLS1_3_NEW_SESSION_TICKET)

int tls_ext_collect(SSL *s, struct tls_hs *hs, unsigned int context, tls_reader *list,
                    struct tls_ext_set *out)
{
    return tls_ext_collect_all(s, hs, context, list, out, NULL);
}

int tls_ext_collect_all(SSL *s, struct tls_hs *hs, unsigned int context, tls_reader *list,
                        struct tls_ext_set *out, struct tls_ext_seen *seen)
{
    tls_reader exts = *list;

    memset(out, 0, sizeof(*out));
    out->list = *list;
    if (seen != NULL)
        seen->n = 0;
    /* A new ClientHello: what the last one said of custom extensions goes. */
    if ((context & SSL_EXT_CLIENT_HELLO) != 0)
        tls_custom_reset(s);
    while (!tls_r_done(&exts)) {
        uint16_t type;
        tls_reader data;
        int idx;
        size_t offset = tls_r_left(list) - tls_r_left(&exts);
        const struct shim_custom_ext *custom = NULL;

        if (!tls_r_u16(&exts, &type) || !tls_r_sub_u16(&exts, &data))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        idx = index_of(type);
        if (idx < 0)
            custom = tls_custom_find(s->cfg.cert, tls_custom_collect_role(context), type);
        /* RFC 8446 4.2.11: pre_shared_key comes last in a ClientHello. */
        if ((idx >= 0 && ((ext_table[idx].contexts & context) == 0 || out->present[idx])) ||
            (custom != NULL &&
             ((custom->context & context) == 0 || earlier_in_block(list, offset, type))) ||
            (type == TLSEXT_TYPE_psk && (context & SSL_EXT_CLIENT_HELLO) != 0 &&
             !tls_r_done(&exts)))
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION);
        /* A peer may only answer what we sent; the cookie, renegotiation
         * info and SCTs are the exceptions stock makes, and the CryptoPro
         * code point in a TLS 1.2 ServerHello (stock built with GOST). */
        if (idx >= 0 && (context & UNSOLICITED_OK) == 0 && type != TLSEXT_TYPE_cookie &&
            type != TLSEXT_TYPE_renegotiate && type != TLSEXT_TYPE_signed_certificate_timestamp &&
            !(type == TLSEXT_TYPE_cryptopro_bug && (context & SSL_EXT_TLS1_2_SERVER_HELLO) != 0) &&
            (hs == NULL || (hs->sent_exts & (1u << idx)) == 0))
            return tls_fatal(s, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_UNSOLICITED_EXTENSION);
        if (seen != NULL && seen->n < TLS_EXT_MAX_SEEN) {
            seen->types[seen->n] = type;
            seen->bodies[seen->n++] = data;
        }
        if (idx < 0 && custom == NULL)
            continue; /* unknown extensions are ignored, as stock does */
        if (idx >= 0) {
            out->present[idx] = 1;
            out->data[idx] = data;
        }
        if (s->tlsext_debug_cb != NULL)
            s->tlsext_debug_cb(s, !s->server, type, (unsigned char *)data.p, (int)data.len,
                               s->tlsext_debug_arg);
    }
    return 1;
}

int tls_ext_all_allowed(SSL *s, const struct tls_ext_set *set, unsigned int context)
{
    tls_reader r = set->list;

    for (int i = 0; i < TLS_EXT_NUM; i++)
        if (set->present[i] && (ext_table[i].contexts & context) == 0)
            return 0;
    /* The custom ones collected, looked up again for this message. */
    while (!tls_r_done(&r)) {
        uint16_t type;
        tls_reader body;
        const struct shim_custom_ext *m;

        if (!tls_r_u16(&r, &type) || !tls_r_sub_u16(&r, &body))
            return 0;
        if (index_of(type) >= 0 || tls_custom_find(s->cfg.cert, SHIM_EXT_CLIENT, type) == NULL)
            continue;
        m = tls_custom_find(s->cfg.cert, tls_custom_collect_role(context), type);
        if (m == NULL || (m->context & context) == 0)
            return 0;
    }
    return 1;
}

/* -------------------------------------------------------------- parsing */

int tls_ext_relevant(const SSL *s, const struct tls_conn *c, unsigned int extctx,
                     unsigned int context)
{
    /* A HelloRetryRequest means TLS 1.3 before the version is settled. */
    int tls13 = (context & SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST) != 0 || c->version == TLS1_3_VERSION;

    if (tls13 && (extctx & SSL_EXT_TLS1_2_AND_BELOW_ONLY) != 0)
        return 0;
    if (!tls13 && (extctx & SSL_EXT_TLS1_3_ONLY) != 0 &&
        (s->server || (context & SSL_EXT_CLIENT_HELLO) == 0))
        return 0;
    return !(s->hit && (extctx & SSL_EXT_IGNORE_ON_RESUMPTION) != 0);
}

static int parse(struct tls_ext_ctx *x, struct tls_ext_set *set, int idx)
{
    tls_ext_parser p =
        x->s->server ? ext_table[idx].parse_client_hello : ext_table[idx].parse_server;

    if (!set->present[idx] || set->parsed[idx])
        return 1;
    set->parsed[idx] = 1;
    if (!tls_ext_relevant(x->s, x->c, ext_table[idx].contexts, x->context))
        return 1;
    /* A type the table does not parse for our role may be a custom one
     * (a server's signed_certificate_timestamp). */
    if (p == NULL)
        return tls_custom_parse(x, ext_table[idx].type, &set->data[idx]);
    return p(x, &set->data[idx]);
}

int tls_ext_parse_one(SSL *s, struct tls_conn *c, struct tls_hs *hs, unsigned int context,
                      struct tls_ext_set *set, int idx)
{
    struct tls_ext_ctx x = {s, c, hs, context, NULL, 0, 0, 0, 0, 0};
    return parse(&x, set, idx);
}

int tls_ext_parse_all_ctx(struct tls_ext_ctx *x, struct tls_ext_set *set)
{
    x->set = set;
    for (int i = 0; i < TLS_EXT_NUM; i++)
        if (!parse(x, set, i))
            return 0;
    if (!tls_custom_parse_all(x, set))
        return 0;
    for (int i = 0; i < TLS_EXT_NUM; i++) {
        tls_ext_final fin = x->s->server ? ext_table[i].final_server : ext_table[i].final_client;
        if (fin != NULL && (ext_table[i].contexts & x->context) != 0 && !fin(x, set->present[i]))
            return 0;
    }
    return 1;
}

int tls_ext_parse_all(SSL *s, struct tls_conn *c, struct tls_hs *hs, unsigned int context,
                      struct tls_ext_set *set)
{
    struct tls_ext_ctx x = {s, c, hs, context, NULL, 0, 0, 0, 0, 0};
    return tls_ext_parse_all_ctx(&x, set);
}
