/*
 * shimssl - the client's hello machine: the ClientHello, then the
 * ServerHello (or HelloRetryRequest) that chooses the version, and the hand
 * over to that version's machine.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *   ClientHello          -------->
 *                        <--------  ServerHello / HelloRetryRequest
 *
 * Checks are made in stock's order, so that a given bad message gives the
 * same alert and error as with stock.
 */
#include "shim.h"

#include <openssl/rand.h>
#include <string.h>

#include "crypto/hash.h"
#include "tls/cipher_suites.h"
#include "tls/ext_hooks.h"
#include "tls/machines.h"
#include "tls/policy.h"
#include "tls/session.h"

/* RFC 8446 4.1.3: the ServerHello.random of a HelloRetryRequest. */
static const uint8_t hrr_random[SSL3_RANDOM_SIZE] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
/* RFC 8446 4.1.3: the last 8 bytes of a downgraded server's random. */
static const uint8_t downgrade_tls12[8] = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01};
static const uint8_t downgrade_tls11[8] = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x00};

/* ------------------------------------------------------------ ClientHello */

/* Writes the cipher_suites vector: what we may use in our version range, then
 * the renegotiation SCSV (and the fallback SCSV if asked for).  0 after
 * tls_fatal. */
static int write_cipher_suites(SSL *s, tls_builder *b, int min_version, int max_version,
                               int renegotiation)
{
    STACK_OF(SSL_CIPHER) *ciphers = shim_ssl_cipher_list(s);
    int n = 0, maxverok = 0;

    if (!tls_b_open(b, 2))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
        const SSL_CIPHER *ci = sk_SSL_CIPHER_value(ciphers, i);
        if (!tls_cipher_usable(s, ci, min_version, max_version, SSL_SECOP_CIPHER_SUPPORTED))
            continue;
        if (!tls_b_u16(b, (uint16_t)(ci->id & 0xffff)))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        n++;
        if (ci->min_tls <= max_version && ci->max_tls >= max_version)
            maxverok = 1;
    }
    if (n == 0 || !maxverok) {
        if (!maxverok)
            ERR_raise_data(ERR_LIB_SSL, SSL_R_NO_CIPHERS_AVAILABLE,
                           "No ciphers enabled for max supported SSL/TLS version");
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_NO_CIPHERS_AVAILABLE);
    }
    /* A renegotiation carries renegotiation_info instead (RFC 5746 3.5). */
    if ((!renegotiation && !tls_b_u16(b, 0x00ff)) /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
        || ((s->cfg.mode & SSL_MODE_SEND_FALLBACK_SCSV) && !tls_b_u16(b, 0x5600)) ||
        !tls_b_close(b))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    return 1;
}

/* RFC 8446 4.2.11.2: binder = HMAC(finished key of "res binder", Hash of the
 * transcript so far plus the ClientHello up to the binders). */
static int fill_binder(SSL *s, struct tls_conn *c, struct tls_hs *hs, uint8_t *msg, size_t len,
                       size_t binders_len)
{
    uint8_t binder_key[EVP_MAX_MD_SIZE], hash[EVP_MAX_MD_SIZE];
    size_t hlen;
    int ok =
        tls13_derive_binder_key(&hs->ks, binder_key) &&
        tls_transcript_hash_with(&hs->transcript, hs->ks.md, msg, len - binders_len, hash, &hlen) &&
        tls13_finished(c->algs, hs->ks.md, binder_key, hash, msg + len - hs->ks.hlen);

    OPENSSL_cleanse(binder_key, sizeof(binder_key));
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
}

/* Chooses, on the first ClientHello, whether to offer the current session for
 * resumption (a TLS 1.3 ticket) or to start a new one. */
static int prepare_session(SSL *s, struct tls_conn *c, struct tls_hs *hs, int max_version)
{
    if (max_version >= TLS1_3_VERSION && tls_session_resumable13(s, s->session)) {
        const EVP_MD *md =
            shim_algs_md_by_nid(c->algs, tls_suite_handshake_md_nid(s->session->cipher));
        if (md == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        tls_session_up_ref(s->session);
        hs->psk_session = s->session;
        if (!tls13_secrets_init(&hs->ks, c->algs, md) ||
            !tls13_derive_early(&hs->ks, s->session->master_key, s->session->master_key_length))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
        return 1;
    }
    if (s->session == NULL || s->session->not_resumable ||
        s->session->ssl_version == TLS1_3_VERSION || s->session->session_id_length == 0) {
        if (!tls_session_new(s))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    }
    return 1;
}

/* Before the first ClientHello (not a renegotiation's, nor the one after a
 * HelloRetryRequest): the version range, the session, the random and the
 * legacy session id. */
static int prepare_first_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t rnd[SSL3_RANDOM_SIZE + SSL3_SESSION_ID_SIZE];
    int min_version, max_version, reason, random_id = 0;

    if (hs->renegotiation) {
        /* A renegotiation keeps the version already agreed. */
        hs->cl.min_version = hs->cl.max_version = c->version;
    } else {
        if ((reason = tls_version_range(s, &min_version, &max_version)) != 0)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, reason);
        hs->cl.min_version = min_version;
        hs->cl.max_version = max_version;
        /* As stock: the connection reports the highest version offered until
         * the server answers, and legacy_version never exceeds TLS 1.2. */
        s->version = max_version;
        s->client_version = max_version < TLS1_2_VERSION ? max_version : TLS1_2_VERSION;
    }
    if (!prepare_session(s, c, hs, hs->cl.max_version))
        return 0;
    if (s->session->ssl_version < TLS1_3_VERSION && s->session->session_id_length > 0 &&
        !hs->reneg_new_session) {
        /* Resuming a TLS 1.2 session: its id (for a ticket, the id made from
         * the ticket) asks the server to resume. */
        hs->cl.session_id_len = s->session->session_id_length;
        memcpy(hs->cl.session_id, s->session->session_id, hs->cl.session_id_len);
    } else if (hs->cl.max_version >= TLS1_3_VERSION &&
               (s->cfg.options & SSL_OP_ENABLE_MIDDLEBOX_COMPAT)) {
        /* RFC 8446 D.4: a non-empty legacy session id makes the handshake
         * look like a TLS 1.2 resumption to middleboxes. */
        hs->cl.session_id_len = SSL3_SESSION_ID_SIZE;
        random_id = 1;
    }
    /* The random and a random session id in one draw: each RAND_bytes_ex
     * takes two exclusive locks (RAND_get_rand_method's and the primary
     * DRBG's), whatever its length. */
    if (RAND_bytes_ex(s->ctx->libctx, rnd,
                      SSL3_RANDOM_SIZE + (random_id ? SSL3_SESSION_ID_SIZE : 0), 0) <= 0)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    memcpy(c->client_random, rnd, SSL3_RANDOM_SIZE);
    if (random_id)
        memcpy(hs->cl.session_id, rnd + SSL3_RANDOM_SIZE, SSL3_SESSION_ID_SIZE);
    return 1;
}

static enum tls_step do_send_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    int min_version, max_version, legacy;
    size_t len = 0, binders_len = 0;
    uint8_t *msg = NULL;
    tls_builder b;

    if (!hs->hrr) {
        shim_counter_inc(&s->session_ctx->stats.connect);
        if (!prepare_first_hello(s, c, hs))
            return TLS_STEP_FAIL;
    }
    min_version = hs->cl.min_version;
    max_version = hs->cl.max_version;
    legacy = hs->renegotiation              ? s->client_version
             : max_version < TLS1_2_VERSION ? max_version
                                            : TLS1_2_VERSION;
    /* A first ClientHello's record says TLS 1.0; a renegotiation's keeps the
     * connection's version. */
    if (!hs->renegotiation)
        c->rl.wversion = hs->hrr ? TLS1_2_VERSION : TLS1_VERSION;

    if (!tls_hs_begin_msg(s, &b, SSL3_MT_CLIENT_HELLO, 512))
        return TLS_STEP_FAIL;
    if (!tls_b_u16(&b, (uint16_t)legacy) || !tls_b_bytes(&b, c->client_random, SSL3_RANDOM_SIZE) ||
        !tls_b_open(&b, 1) || !tls_b_bytes(&b, hs->cl.session_id, hs->cl.session_id_len) ||
        !tls_b_close(&b)) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!write_cipher_suites(s, &b, min_version, max_version, hs->renegotiation)) {
        tls_b_cleanup(&b);
        return TLS_STEP_FAIL;
    }
    /* legacy_compression_methods: null only. */
    if (!tls_b_u8(&b, 1) || !tls_b_u8(&b, 0)) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_ext_write_client_hello(s, c, hs, &b, min_version, max_version, &binders_len)) {
        tls_b_cleanup(&b);
        return TLS_STEP_FAIL;
    }
    if (!tls_b_close(&b) || !tls_b_finish(&b, &msg, &len)) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    tls_b_cleanup(&b);
    if (binders_len > 0 && !fill_binder(s, c, hs, msg, len, binders_len)) {
        OPENSSL_free(msg);
        return TLS_STEP_FAIL;
    }
    if (!tls_hs_send_raw(s, c, hs, msg, len)) {
        OPENSSL_free(msg);
        return TLS_STEP_FAIL;
    }
    OPENSSL_free(msg);
    /* From here on records carry TLS 1.2 as their version. */
    c->rl.wversion = TLS1_2_VERSION;
    tls_conn_set_state(s, c, TLS_ST_CW_CLNT_HELLO);
    hs->state = TLS_CH_READ_SERVER_HELLO;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------------ ServerHello */

const SSL_CIPHER *tls_client_check_cipher(SSL *s, struct tls_conn *c, const uint8_t *id)
{
    const SSL_CIPHER *ci = tls_suite_by_code(id);

    if (ci == NULL) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_UNKNOWN_CIPHER_RETURNED);
        return NULL;
    }
    if (!tls_cipher_usable(s, ci, c->version, c->version, SSL_SECOP_CIPHER_CHECK) ||
        sk_SSL_CIPHER_find(shim_ssl_cipher_list(s), (SSL_CIPHER *)ci) < 0) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CIPHER_RETURNED);
        return NULL;
    }
    return ci;
}

int tls_client_run_status_cb(SSL *s)
{
    int ret;

    if (s->cfg.status_type == -1 || s->ctx->status_cb == NULL)
        return 1;
    ret = s->ctx->status_cb(s, s->ctx->status_arg);
    if (ret == 0)
        return tls_fatal(s, SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE, SSL_R_INVALID_STATUS_RESPONSE);
    if (ret < 0)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_OCSP_CALLBACK_FAILURE);
    return 1;
}

/* The version the server chose, checked against what we offered and against
 * downgrade signals (stock's ssl_choose_client_version). */
static int choose_version(SSL *s, struct tls_conn *c, struct tls_hs *hs, int legacy,
                          struct tls_ext_set *ext)
{
    int version = legacy;

    if (ext->present[TLS_EXT_SUPPORTED_VERSIONS]) {
        ext->parsed[TLS_EXT_SUPPORTED_VERSIONS] = 1;
        if (!tls_client_selected_version(s, &ext->data[TLS_EXT_SUPPORTED_VERSIONS], &version))
            return 0;
    }
    if (s->method->version != TLS_ANY_VERSION) {
        if (version != s->method->version)
            return tls_fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_WRONG_SSL_VERSION);
    } else if (version < hs->cl.min_version || version > hs->cl.max_version) {
        return tls_fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_UNSUPPORTED_PROTOCOL);
    }
    /* RFC 8446 4.1.3: a client landing below its maximum checks the server's
     * random for a downgrade sentinel; as stock, the TLS 1.1 one is refused
     * at any lower version, the TLS 1.2 one only by a TLS 1.3 client. */
    if (hs->cl.max_version > version && (memcmp(c->server_random + 24, downgrade_tls11, 8) == 0 ||
                                         (hs->cl.max_version == TLS1_3_VERSION &&
                                          memcmp(c->server_random + 24, downgrade_tls12, 8) == 0)))
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_INAPPROPRIATE_FALLBACK);
    c->version = version;
    s->version = version;
    return 1;
}

/*
 * struct { ProtocolVersion legacy_version; Random random;
 *          opaque legacy_session_id_echo<0..32>; CipherSuite cipher_suite;
 *          uint8 legacy_compression_method; Extension extensions<6..2^16-1>;
 * } ServerHello;                                       (RFC 8446 4.1.3)
 */
static enum tls_step do_read_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r;
    struct tls_ext_set ext;
    struct tls_server_hello sh = {NULL, 0, {NULL, 0}, {NULL, 0}, &ext};
    uint16_t legacy;
    const uint8_t *random;
    int hrr;

    if (!tls_hs_expect(s, c, SSL3_MT_SERVER_HELLO))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_SRVR_HELLO);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u16(&r, &legacy) || !tls_r_bytes(&r, &random, SSL3_RANDOM_SIZE))
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    hrr = hs->cl.max_version >= TLS1_3_VERSION && legacy == TLS1_2_VERSION &&
          memcmp(random, hrr_random, SSL3_RANDOM_SIZE) == 0;
    if (hrr && hs->hrr) /* only one HelloRetryRequest per handshake */
        return tls_fail(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
    if (!hrr)
        memcpy(c->server_random, random, SSL3_RANDOM_SIZE);
    if (!tls_r_sub_u8(&r, &sh.session_id))
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (sh.session_id.len > SSL3_SESSION_ID_SIZE)
        return tls_fail(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_SSL3_SESSION_ID_TOO_LONG);
    if (!tls_r_bytes(&r, &sh.cipher_id, 2) || !tls_r_u8(&r, &sh.compression))
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    /* A TLS 1.2 ServerHello may end here; anything else has the block. */
    if (tls_r_done(&r) && !hrr)
        tls_r_init(&sh.ext_list, NULL, 0);
    else if (!tls_r_sub_u16(&r, &sh.ext_list) || !tls_r_done(&r))
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_LENGTH);
    if (!hrr && (!tls_ext_collect(s, hs, SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO,
                                  &sh.ext_list, &ext) ||
                 !choose_version(s, c, hs, legacy, &ext)))
        return TLS_STEP_FAIL;
    if (hrr || c->version == TLS1_3_VERSION) {
        if (sh.compression != 0)
            return tls_fail(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_INVALID_COMPRESSION_ALGORITHM);
        if (sh.session_id.len != hs->cl.session_id_len ||
            memcmp(sh.session_id.p, hs->cl.session_id, sh.session_id.len) != 0)
            return tls_fail(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_INVALID_SESSION_ID);
    }
    if (hrr)
        return tls13_client_hello_retry(s, c, hs, &sh);
    /* Now that the version is known: only its ServerHello's extensions. */
    if (!tls_ext_all_allowed(s, &ext,
                             c->version == TLS1_3_VERSION ? SSL_EXT_TLS1_3_SERVER_HELLO
                                                          : SSL_EXT_TLS1_2_SERVER_HELLO))
        return tls_fail(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION);
    if (c->version == TLS1_3_VERSION)
        return tls13_client_server_hello(s, c, hs, &sh);
    return tls12_client_server_hello(s, c, hs, &sh);
}

/* Only a ServerHello (or HelloRetryRequest) answers a ClientHello. */
static int hello_expects(const SSL *s, const struct tls_conn *c, const struct tls_hs *hs, int type)
{
    (void)s, (void)c, (void)hs;
    return type == SSL3_MT_SERVER_HELLO;
}

static const struct tls_state client_hello_states[] = {
    [TLS_CH_SEND_CLIENT_HELLO] = {do_send_client_hello, 0},
    [TLS_CH_READ_SERVER_HELLO] = {do_read_server_hello, 1, hello_expects},
};

const struct tls_machine tls_client_hello_machine = {"client hello", client_hello_states,
                                                     sizeof(client_hello_states) /
                                                         sizeof(client_hello_states[0])};
