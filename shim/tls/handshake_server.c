/*
 * shimssl - the server's hello machine: reading the ClientHello, choosing
 * the version, the suite and the session, the application's callbacks, and
 * the hand over to the version's machine.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *   ClientHello          -------->
 *                                   (the version's machine answers)
 *
 * Steps follow stock's tls_process_client_hello,
 * tls_early_post_process_client_hello and tls_post_process_client_hello in
 * order, so that a given ClientHello fails where, and as, it fails with
 * stock.  The ClientHello callback (SSL_CLIENT_HELLO_RETRY) and the
 * certificate callback (-1) may suspend the step; it then resumes where it
 * stopped.
 */
#include "shim.h"

#include <openssl/rand.h>
#include <string.h>

#include "crypto/pkey.h"
#include "tls/cipher_suites.h"
#include "tls/client_hello.h"
#include "tls/ext_hooks.h"
#include "tls/machines.h"
#include "tls/policy.h"
#include "tls/server_session.h"
#include "tls/session.h"
#include "tls/sigalg_choice.h"

/* RFC 8446 4.1.3: the last 8 bytes of a downgraded server's random. */
static const uint8_t downgrade_tls12[8] = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01};
static const uint8_t downgrade_tls11[8] = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x00};

/* Where a suspended ClientHello step resumes. */
enum sh_stage {
    STAGE_CLIENT_HELLO_CB,
    STAGE_CERT_CB,
};

/* The first handshake of the connection (no Finished exchanged yet). */
static int first_handshake(const struct tls_conn *c)
{
    return c->finished_len == 0 || c->peer_finished_len == 0;
}

/* ------------------------------------------------------------- versions */

/* The versions this server can answer (SSL 3.0 is not built). */
static int server_speaks(int version)
{
    return version >= TLS1_VERSION && version <= TLS1_3_VERSION;
}

int tls_server_wants_certificate(const SSL *s, const struct tls_conn *c)
{
    uint32_t mode = s->cfg.verify_mode;
    uint32_t auth = c->cipher->algorithm_auth;

    return (mode & SSL_VERIFY_PEER) &&
           /* with SSL_VERIFY_POST_HANDSHAKE, a TLS 1.3 server asks later */
           (c->version != TLS1_3_VERSION || !(mode & SSL_VERIFY_POST_HANDSHAKE) ||
            c->pha_state == TLS_PHA_REQUEST_PENDING) &&
           (c->certreqs_sent < 1 || !(mode & SSL_VERIFY_CLIENT_ONCE)) &&
           /* not for anonymous suites, unless insisted on; never for SRP or PSK */
           (!(auth & SHIM_A_NULL) || (mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT)) &&
           !(auth & (SHIM_A_SRP | SHIM_A_PSK));
}

/* A TLS 1.3 handshake needs a certificate it can sign with in TLS 1.3, or a
 * callback that may provide one (stock's is_tls13_capable). */
static int tls13_capable(const SSL *s)
{
    const struct shim_cert *cert = s->cfg.cert;

    if (s->ctx->servername_cb != NULL || s->session_ctx->servername_cb != NULL ||
        s->cfg.psk_server_callback != NULL || s->cfg.psk_find_session_cb != NULL ||
        cert->cert_cb != NULL)
        return 1;
    for (int i = 0; i < SHIM_PKEY_NUM; i++) {
        const struct shim_cert_pkey *k = &cert->pkeys[i];
        const uint16_t *list;
        size_t n;
        int curve;

        if (k->x509 == NULL || k->privatekey == NULL)
            continue;
        if (i != SHIM_PKEY_ECDSA)
            return 1;
        /* TLS 1.3 ties ECDSA to a curve: one of our algorithms must name it. */
        curve = shim_pkey_curve_nid(k->privatekey);
        tls_psigalgs(s, 0, &list, &n);
        for (size_t j = 0; j < n; j++) {
            const struct tls_sigalg *a = tls_sigalg_by_code(list[j]);
            if (a != NULL && a->sig_type == EVP_PKEY_EC && a->curve_nid == curve)
                return 1;
        }
    }
    return 0;
}

/* Whether we may negotiate version (stock's ssl_version_supported). */
static int version_supported(const SSL *s, int version)
{
    if (s->method->version != TLS_ANY_VERSION)
        return version == s->method->version && server_speaks(version);
    return server_speaks(version) && tls_version_enabled(s, version) &&
           (version != TLS1_3_VERSION || tls13_capable(s));
}

/* The downgrade sentinel for our random (RFC 8446 4.1.3). */
static int downgrade_for(const SSL *s, int version)
{
    if (version == TLS1_2_VERSION && version_supported(s, TLS1_3_VERSION))
        return TLS1_2_VERSION;
    if (version < TLS1_2_VERSION && version_supported(s, TLS1_2_VERSION))
        return TLS1_1_VERSION;
    return 0;
}

/* The version to answer with (stock's ssl_choose_server_version); 0 or the
 * reason it is refused. */
static int choose_version(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                          struct tls_client_hello *ch)
{
    /* SSL 3.0 is not there at all (stock is built without its method), so
     * a client that offers nothing newer is told its version is too low. */
    static const int table[] = {TLS1_3_VERSION, TLS1_2_VERSION, TLS1_1_VERSION, TLS1_VERSION};
    int client_version = ch->legacy_version, disabled = 0;
    struct tls_ext_set *ext = &ch->ext;

    s->client_version = client_version;
    if (hs->renegotiation) {
        /* A renegotiation keeps the version agreed. */
        return client_version < c->version ? SSL_R_WRONG_SSL_VERSION : 0;
    }
    if (s->method->version != TLS_ANY_VERSION && c->version != TLS1_3_VERSION) {
        /* A fixed-version method answers its version, or nothing. */
        if (client_version < s->method->version)
            return SSL_R_WRONG_SSL_VERSION;
        if (!server_speaks(s->method->version))
            return SSL_R_UNSUPPORTED_PROTOCOL;
        c->version = s->method->version;
        return 0;
    }
    /* After a HelloRetryRequest, supported_versions is required. */
    if (!ext->present[TLS_EXT_SUPPORTED_VERSIONS] && hs->hrr)
        return SSL_R_UNSUPPORTED_PROTOCOL;
    if (ext->present[TLS_EXT_SUPPORTED_VERSIONS]) {
        tls_reader r = ext->data[TLS_EXT_SUPPORTED_VERSIONS], list;
        uint16_t candidate;
        int best = 0;

        ext->parsed[TLS_EXT_SUPPORTED_VERSIONS] = 1;
        if (!tls_r_sub_u8(&r, &list) || !tls_r_done(&r))
            return SSL_R_LENGTH_MISMATCH;
        /* RFC 8446 says only SSL 3.0 is refused here; stock is stricter. */
        if (client_version <= SSL3_VERSION)
            return SSL_R_BAD_LEGACY_VERSION;
        while (tls_r_left(&list) >= 2) {
            tls_r_u16(&list, &candidate);
            if (candidate > best && version_supported(s, candidate))
                best = candidate;
        }
        if (!tls_r_done(&list))
            return SSL_R_LENGTH_MISMATCH;
        if (best == 0 || (hs->hrr && best != TLS1_3_VERSION))
            return SSL_R_UNSUPPORTED_PROTOCOL;
        if (!hs->hrr)
            hs->sv.downgrade = downgrade_for(s, best);
        c->version = best;
        return 0;
    }
    /* Without supported_versions, TLS 1.2 at most. */
    if (client_version >= TLS1_3_VERSION)
        client_version = TLS1_2_VERSION;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (client_version < table[i])
            continue;
        if (server_speaks(table[i]) && tls_version_enabled(s, table[i])) {
            hs->sv.downgrade = downgrade_for(s, table[i]);
            c->version = table[i];
            return 0;
        }
        disabled = 1;
    }
    return disabled ? SSL_R_UNSUPPORTED_PROTOCOL : SSL_R_VERSION_TOO_LOW;
}

/* A fallback SCSV is fine only at our highest version (RFC 7507). */
static int at_highest_version(const SSL *s, const struct tls_conn *c)
{
    static const int table[] = {TLS1_3_VERSION, TLS1_2_VERSION, TLS1_1_VERSION, TLS1_VERSION};

    if (s->ctx->method->version != TLS_ANY_VERSION)
        return c->version == s->ctx->method->version;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (tls_version_enabled(s, table[i]))
            return c->version == table[i];
    return 0;
}

/* ---------------------------------------------------------------- suites */

/* Whether c is a ChaCha20-Poly1305 suite. */
static int is_chacha(const SSL_CIPHER *c)
{
    return c->algorithm_enc == SHIM_E_CHACHA20POLY1305;
}

const SSL_CIPHER *tls_server_choose_cipher(SSL *s, struct tls_conn *c, STACK_OF(SSL_CIPHER) * clnt)
{
    STACK_OF(SSL_CIPHER) *srvr = shim_ssl_cipher_list(s), *prio = clnt, *allow = srvr;
    STACK_OF(SSL_CIPHER) *chacha_first = NULL;
    const SSL_CIPHER *ret = NULL;

    if (s->cfg.options & SSL_OP_CIPHER_SERVER_PREFERENCE) {
        prio = srvr;
        allow = clnt;
        /* A client that prefers ChaCha20 (no AES hardware, likely) gets it
         * first among ours, if we have it. */
        if ((s->cfg.options & SSL_OP_PRIORITIZE_CHACHA) && sk_SSL_CIPHER_num(clnt) > 0 &&
            is_chacha(sk_SSL_CIPHER_value(clnt, 0))) {
            int n = sk_SSL_CIPHER_num(srvr), found = 0;

            for (int i = 0; i < n && !found; i++)
                found = is_chacha(sk_SSL_CIPHER_value(srvr, i));
            if (found && (chacha_first = sk_SSL_CIPHER_new_reserve(NULL, n)) != NULL) {
                for (int pass = 0; pass < 2; pass++)
                    for (int i = 0; i < n; i++) {
                        const SSL_CIPHER *ci = sk_SSL_CIPHER_value(srvr, i);
                        if (is_chacha(ci) == (pass == 0))
                            sk_SSL_CIPHER_push(chacha_first, ci);
                    }
                prio = chacha_first;
            }
        }
    }
    for (int i = 0; i < sk_SSL_CIPHER_num(prio); i++) {
        const SSL_CIPHER *ci = sk_SSL_CIPHER_value(prio, i);
        int at;

        if (c->version < ci->min_tls || c->version > ci->max_tls)
            continue;
        if (c->version < TLS1_3_VERSION && !tls12_server_suite_ok(s, c, ci))
            continue;
        if ((at = sk_SSL_CIPHER_find(allow, ci)) < 0)
            continue;
        if (!tls_security_ok(s, SSL_SECOP_CIPHER_SHARED, ci->strength_bits, 0, (void *)ci))
            continue;
        ret = sk_SSL_CIPHER_value(allow, at);
        break;
    }
    sk_SSL_CIPHER_free(chacha_first);
    return ret;
}

/* The signalling suites (RFC 5746, RFC 7507). */
static int check_scsvs(SSL *s, struct tls_conn *c, struct tls_hs *hs, STACK_OF(SSL_CIPHER) * scsvs)
{
    c->secure_renegotiation = 0;
    for (int i = 0; i < sk_SSL_CIPHER_num(scsvs); i++) {
        uint32_t id = sk_SSL_CIPHER_value(scsvs, i)->id;

        if (id == 0x030000FF) { /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
            if (hs->renegotiation)
                return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE,
                                 SSL_R_SCSV_RECEIVED_WHEN_RENEGOTIATING);
            c->secure_renegotiation = 1;
        } else if (id == 0x03005600 && !at_highest_version(s, c)) { /* TLS_FALLBACK_SCSV */
            return tls_fatal(s, SSL_AD_INAPPROPRIATE_FALLBACK, SSL_R_INAPPROPRIATE_FALLBACK);
        }
    }
    return 1;
}

/* The client's suites: kept as sent (SSL_get0_raw_cipherlist) and as the
 * ones we know; the signalling values checked.  0 after tls_fatal. */
static int read_cipher_suites(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                              struct tls_client_hello *ch)
{
    STACK_OF(SSL_CIPHER) *scsvs = NULL;
    int reason, ok;

    reason = tls_parse_cipher_list(ch->ciphers.p, ch->ciphers.len, ch->v2, &ch->suites, &scsvs);
    if (reason == SSL_R_NO_CIPHERS_SPECIFIED)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, reason);
    if (reason == SSL_R_ERROR_IN_RECEIVED_CIPHER_LIST)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, reason);
    if (reason != 0)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, reason);
    OPENSSL_free(c->peer_raw_ciphers);
    c->peer_raw_ciphers_len = 0;
    if ((c->peer_raw_ciphers = OPENSSL_memdup(ch->ciphers.p, ch->ciphers.len)) == NULL) {
        sk_SSL_CIPHER_free(scsvs);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    c->peer_raw_ciphers_len = ch->ciphers.len;
    /* SSL 2.0 form: kept as TLS suites, the SSL 2.0 ciphers left out (as
     * stock keeps them for SSL_get0_raw_cipherlist). */
    if (ch->v2) {
        size_t n = 0;

        for (size_t i = 0; i + 3 <= ch->ciphers.len; i += 3) {
            if (ch->ciphers.p[i] != 0)
                continue;
            memcpy(c->peer_raw_ciphers + n, ch->ciphers.p + i + 1, 2);
            n += 2;
        }
        c->peer_raw_ciphers_len = n;
    }
    ok = check_scsvs(s, c, hs, scsvs);
    sk_SSL_CIPHER_free(scsvs);
    return ok;
}

const struct tls_client_hello *tls_server_client_hello(const SSL *s)
{
    const struct tls_hs *hs = s->conn != NULL ? s->conn->hs : NULL;

    if (!s->server || hs == NULL || !hs->sv.ch_visible)
        return NULL;
    return hs->sv.ch;
}

/* ----------------------------------------------------------- the steps */

/* Before anything is read: stock's checks when a server handshake starts. */
static enum tls_step do_start(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    STACK_OF(SSL_CIPHER) *ciphers = shim_ssl_cipher_list(s);
    int min_version, max_version, ok = 0;

    if (tls_version_range(s, &min_version, &max_version) != 0)
        return tls_fail(s, SSL_AD_PROTOCOL_VERSION, SSL_R_NO_PROTOCOLS_AVAILABLE);
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers) && !ok; i++) {
        const SSL_CIPHER *ci = sk_SSL_CIPHER_value(ciphers, i);
        ok = max_version >= ci->min_tls && max_version <= ci->max_tls;
    }
    if (!ok) {
        ERR_raise_data(ERR_LIB_SSL, SSL_R_NO_CIPHERS_AVAILABLE,
                       "No ciphers enabled for max supported SSL/TLS version");
        return tls_fail(s, SSL_AD_HANDSHAKE_FAILURE, TLS_R_RAISED);
    }
    if (first_handshake(c))
        shim_counter_inc(&s->session_ctx->stats.accept);
    if (hs->renegotiation) {
        /* SSL_renegotiate on a server: a HelloRequest asks the client
         * (stock's writing side passes the established state first). */
        tls_info_loop(s);
        hs->state = TLS_SH_SEND_HELLO_REQUEST;
        return TLS_STEP_CONTINUE;
    }
    /* Stock's writing side passes once before the first read. */
    tls_info_loop(s);
    /* Until a version is chosen, records say TLS 1.2 (the method's version
     * for a fixed-version method). */
    c->rl.wversion = s->method->version == TLS_ANY_VERSION ? TLS1_2_VERSION : s->method->version;
    hs->state = TLS_SH_READ_CLIENT_HELLO;
    return TLS_STEP_CONTINUE;
}

/* HelloRequest (RFC 5246 7.4.1.1): empty, and in no transcript. */
static enum tls_step do_send_hello_request(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    static const uint8_t msg[4] = {SSL3_MT_HELLO_REQUEST, 0, 0, 0};

    (void)hs;
    tls_conn_note_send(s, c);
    if (!tls_rl_queue(s, &c->rl, SSL3_RT_HANDSHAKE, msg, sizeof(msg)))
        return TLS_STEP_FAIL;
    tls_msg(s, 1, s->version, SSL3_RT_HANDSHAKE, msg, sizeof(msg));
    tls_conn_set_state(s, c, TLS_ST_SW_HELLO_REQ);
    /* The client's ClientHello, when it comes, starts the renegotiation. */
    c->hello_request_sent = 1;
    return TLS_STEP_DONE;
}

int tls_server_renegotiation_hello(SSL *s, struct tls_conn *c)
{
    uint64_t opts = s->cfg.options;

    /* Stock's server passes its setup again for every such ClientHello. */
    shim_counter_inc(&s->ctx->stats.accept_renegotiate);
    if (!c->hello_request_sent &&
        ((opts & SSL_OP_NO_RENEGOTIATION) || !(opts & SSL_OP_ALLOW_CLIENT_RENEGOTIATION) ||
         (!c->secure_renegotiation && !(opts & SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION)))) {
        /* Refused: a warning, and the connection goes on as it was. */
        tls_conn_set_state(s, c, TLS_ST_SR_CLNT_HELLO);
        if (!tls_send_alert(s, SSL3_AL_WARNING, SSL_AD_NO_RENEGOTIATION) ||
            !tls_hs_consume_msg(s, c, NULL))
            return 0;
        tls_info_loop(s);
        tls_conn_set_state(s, c, TLS_ST_OK);
        tls_info(s, SSL_CB_HANDSHAKE_DONE, 1);
        tls_info(s, SSL_CB_ACCEPT_EXIT, 1);
        return 1;
    }
    /* A client's renegotiation offers a new session; ours as asked. */
    if (!c->hello_request_sent)
        c->renegotiate_new_session = 1;
    c->hello_request_sent = 0;
    if (!tls_start_post_handshake(s, c, &tls_server_hello_machine, TLS_SH_READ_CLIENT_HELLO))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    c->hs->post_handshake = 0;
    c->hs->renegotiation = 1;
    c->hs->reneg_new_session = c->renegotiate_new_session;
    /* (the session is still the one being renegotiated) */
    c->hs->reneg_ems_required = s->session != NULL && (s->session->flags & SHIM_SESS_FLAG_EXTMS);
    c->in_init = 1;
    return 1;
}

static enum tls_step do_read_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct tls_client_hello *ch;

    if (!tls_hs_expect(s, c, SSL3_MT_CLIENT_HELLO))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SR_CLNT_HELLO);
    if (hs->sv.ch == NULL && (hs->sv.ch = OPENSSL_zalloc(sizeof(*hs->sv.ch))) == NULL)
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    ch = hs->sv.ch;
    tls_client_hello_cleanup(ch);
    /* What the previous ClientHello (before a HelloRetryRequest, or the
     * last handshake) said and led to: stock's per-extension init hooks. */
    hs->sv.psk_kex_modes = 0;
    hs->sv.servername_done = 0;
    hs->sv.status_requested = 0;
    hs->ems = 0;
    OPENSSL_free(hs->sv.alpn_proposed);
    hs->sv.alpn_proposed = NULL;
    hs->sv.alpn_proposed_len = 0;
    OPENSSL_free(c->alpn);
    c->alpn = NULL;
    c->alpn_len = 0;
    OPENSSL_free(hs->peer_sigalgs);
    hs->peer_sigalgs = NULL;
    hs->peer_sigalgs_len = 0;
    OPENSSL_free(hs->peer_sigalgs_cert);
    hs->peer_sigalgs_cert = NULL;
    hs->peer_sigalgs_cert_len = 0;
    if (c->pha_state == TLS_PHA_EXT_RECEIVED)
        c->pha_state = TLS_PHA_NONE;
    if (!tls_client_hello_parse(s, c, hs, ch))
        return TLS_STEP_FAIL;
    hs->sv.stage = STAGE_CLIENT_HELLO_CB;
    hs->sv.ch_visible = 1;
    hs->state = TLS_SH_PROCESS_CLIENT_HELLO;
    return TLS_STEP_CONTINUE;
}

/* stock's tls_early_post_process_client_hello, after the callback. */
static int early_process(SSL *s, struct tls_conn *c, struct tls_hs *hs, struct tls_client_hello *ch)
{
    int reason, tls13, null_compression = 0;
    enum tls_resume resumed;

    memcpy(c->client_random, ch->random, SSL3_RANDOM_SIZE);
    if ((reason = choose_version(s, c, hs, ch)) != 0) {
        /* The alert goes out with the client's version, as the record
         * layer's own version errors do. */
        if (first_handshake(c)) {
            s->version = s->client_version = ch->legacy_version;
            c->rl.wversion = ch->legacy_version;
        }
        c->version = 0;
        return tls_fatal(s, SSL_AD_PROTOCOL_VERSION, reason);
    }
    s->version = c->version;
    tls13 = c->version == TLS1_3_VERSION;
    /* A TLS 1.3 ClientHello ends its record: keys change after it. */
    if (tls13 && !tls_hs_msg_ends_record(c))
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_NOT_ON_RECORD_BOUNDARY);
    s->hit = 0;
    if (!read_cipher_suites(s, c, hs, ch))
        return 0;
    /* TLS 1.3 chooses the suite before the session: a PSK must match it. */
    if (tls13) {
        const SSL_CIPHER *ci = tls_server_choose_cipher(s, c, ch->suites);

        if (ci == NULL)
            return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_NO_SHARED_CIPHER);
        /* After a HelloRetryRequest the same suite must come out. */
        if (hs->hrr && (c->cipher == NULL || c->cipher->id != ci->id))
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_CIPHER);
        c->cipher = ci;
    }
    /* extended_master_secret matters to which session may be resumed. */
    if (!tls_ext_parse_one(s, c, hs, SSL_EXT_CLIENT_HELLO, &ch->ext,
                           TLS_EXT_EXTENDED_MASTER_SECRET))
        return 0;
    if (hs->renegotiation && hs->reneg_new_session &&
        (s->cfg.options & SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION))
        resumed = TLS_RESUME_NO;
    else if ((resumed = tls_server_find_session(s, c, hs, ch, c->cipher)) == TLS_RESUME_FAILED)
        return 0;
    if (resumed == TLS_RESUME_YES)
        s->hit = 1;
    else if (!tls_server_new_session(s))
        return 0;
    if (tls13) {
        memcpy(hs->sv.ch_session_id, ch->session_id, ch->session_id_len);
        hs->sv.ch_session_id_len = ch->session_id_len;
    } else if (s->hit && sk_SSL_CIPHER_find(ch->suites, (SSL_CIPHER *)s->session->cipher) < 0) {
        /* A TLS 1.2 session resumes only with its own suite on offer. */
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_REQUIRED_CIPHER_MISSING);
    }
    for (size_t i = 0; i < ch->compressions.len && !null_compression; i++)
        null_compression = ch->compressions.p[i] == 0;
    if (!null_compression)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_NO_COMPRESSION_SPECIFIED);
    if (!tls_ext_parse_all(s, c, hs, SSL_EXT_CLIENT_HELLO, &ch->ext))
        return 0;
    /* Our random, with a downgrade sentinel when we answer below our best;
     * in TLS 1.2 the IV of a ticket we may issue comes in the same draw. */
    {
        uint8_t rnd[SSL3_RANDOM_SIZE + sizeof(hs->sv.ticket_iv)];
        size_t n = tls13 ? SSL3_RANDOM_SIZE : sizeof(rnd);

        if (RAND_bytes_ex(s->ctx->libctx, rnd, n, 0) <= 0)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        memcpy(c->server_random, rnd, SSL3_RANDOM_SIZE);
        memcpy(hs->sv.ticket_iv, rnd + SSL3_RANDOM_SIZE, sizeof(hs->sv.ticket_iv));
        hs->sv.ticket_iv_set = !tls13;
    }
    if (hs->sv.downgrade == TLS1_2_VERSION)
        memcpy(c->server_random + 24, downgrade_tls12, 8);
    else if (hs->sv.downgrade == TLS1_1_VERSION)
        memcpy(c->server_random + 24, downgrade_tls11, 8);
    /* A TLS 1.3 ClientHello offers no compression but null. */
    if (tls13 && ch->compressions.len != 1)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_INVALID_COMPRESSION_ALGORITHM);
    if (!s->hit || tls13) {
        sk_SSL_CIPHER_free(c->peer_ciphers);
        c->peer_ciphers = ch->suites;
        ch->suites = NULL;
    }
    /* Algorithms both sides sign with: none at all cannot work. */
    if (!s->hit && hs->peer_sigalgs != NULL) {
        const struct tls_sigalg *shared[TLS_MAX_SHARED_SIGALGS];

        if (tls_shared_sigalgs(s, hs->peer_sigalgs, hs->peer_sigalgs_len, c->version, shared,
                               TLS_MAX_SHARED_SIGALGS) == 0)
            return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_NO_SHARED_SIGNATURE_ALGORITHMS);
    }
    return 1;
}

/* The OCSP status callback chooses whether to staple (after the
 * certificate is chosen, which the response is for). */
static int run_status_cb(SSL *s, struct tls_hs *hs)
{
    int ret;

    hs->status_expected = 0;
    if (s->cfg.status_type == -1 || s->ctx->status_cb == NULL || hs->key == NULL)
        return 1;
    s->cfg.cert->current = hs->key;
    ret = s->ctx->status_cb(s, s->ctx->status_arg);
    switch (ret) {
    case SSL_TLSEXT_ERR_NOACK:
        return 1;
    case SSL_TLSEXT_ERR_OK:
        hs->status_expected = s->conn->ocsp_response != NULL;
        return 1;
    default:
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_CLIENTHELLO_TLSEXT);
    }
}

/* stock's tls_post_process_client_hello: the certificate callback, the
 * suite (TLS 1.2), the signature algorithm, OCSP and (TLS 1.2) ALPN. */
static enum tls_step post_process(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    int tls13 = c->version == TLS1_3_VERSION;

    if (!s->hit || tls13) {
        const struct shim_cert *cert = s->cfg.cert;

        if (!s->hit && cert->cert_cb != NULL) {
            int rv = cert->cert_cb(s, cert->cert_cb_arg);
            if (rv == 0)
                return tls_fail(s, SSL_AD_INTERNAL_ERROR, SSL_R_CERT_CB_ERROR);
            if (rv < 0) {
                s->rwstate = SSL_X509_LOOKUP;
                return TLS_STEP_SUSPEND;
            }
            s->rwstate = SSL_NOTHING;
        }
        if (!tls13) {
            const SSL_CIPHER *ci = tls_server_choose_cipher(s, c, c->peer_ciphers);
            if (ci == NULL)
                return tls_fail(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_NO_SHARED_CIPHER);
            c->cipher = ci;
        }
        if (!s->hit) {
            if (!tls_choose_sigalg(s, c, hs, 1))
                return TLS_STEP_FAIL;
            if (s->cfg.not_resumable_session_cb != NULL)
                s->session->not_resumable = s->cfg.not_resumable_session_cb(
                    s, (c->cipher->algorithm_mkey & (SHIM_K_DHE | SHIM_K_ECDHE)) != 0);
            if (s->session->not_resumable)
                hs->ticket_expected = 0;
        }
    } else {
        c->cipher = s->session->cipher;
    }
    if (!run_status_cb(s, hs) || (!tls13 && !tls_server_choose_alpn(s, c, hs)))
        return TLS_STEP_FAIL;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_process_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct tls_client_hello *ch = hs->sv.ch;
    enum tls_step step;

    if (hs->sv.stage == STAGE_CLIENT_HELLO_CB) {
        SSL_CTX *ctx = s->ctx;
        int ok;

        if (ctx->client_hello_cb != NULL) {
            int al = SSL_AD_INTERNAL_ERROR;

            switch (ctx->client_hello_cb(s, &al, ctx->client_hello_cb_arg)) {
            case SSL_CLIENT_HELLO_SUCCESS:
                break;
            case SSL_CLIENT_HELLO_RETRY:
                s->rwstate = SSL_CLIENT_HELLO_CB;
                return TLS_STEP_SUSPEND;
            default:
                return tls_fail(s, al, SSL_R_CALLBACK_FAILED);
            }
        }
        /* The accessors see the ClientHello until stock frees its copy. */
        ok = early_process(s, c, hs, ch);
        hs->sv.ch_visible = 0;
        if (!ok)
            return TLS_STEP_FAIL;
        hs->sv.stage = STAGE_CERT_CB;
    }
    if ((step = post_process(s, c, hs)) != TLS_STEP_CONTINUE)
        return step;
    tls_client_hello_cleanup(ch);
    /* The version's machine answers, and consumes the ClientHello. */
    if (c->version == TLS1_3_VERSION)
        return tls13_server_client_hello(s, c, hs);
    return tls12_server_client_hello(s, c, hs);
}

static const struct tls_state server_hello_states[] = {
    [TLS_SH_START] = {do_start, 0},
    [TLS_SH_SEND_HELLO_REQUEST] = {do_send_hello_request, 0},
    [TLS_SH_READ_CLIENT_HELLO] = {do_read_client_hello, 1},
    [TLS_SH_PROCESS_CLIENT_HELLO] = {do_process_client_hello, 0},
};

const struct tls_machine tls_server_hello_machine = {"server hello", server_hello_states,
                                                     sizeof(server_hello_states) /
                                                         sizeof(server_hello_states[0])};
