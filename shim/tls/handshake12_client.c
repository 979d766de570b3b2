/*
 * shimssl - the TLS 1.0-1.2 client, from the ServerHello on (RFC 5246 7,
 * RFC 8422, RFC 7627, RFC 5746, RFC 5077).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Full handshake:                     Abbreviated (resumption):
 *              <--  ServerHello                      <--  ServerHello
 *                   Certificate*                          [NewSessionTicket]
 *                   CertificateStatus*                    ChangeCipherSpec
 *                   ServerKeyExchange*               <--  Finished
 *                   CertificateRequest*                ChangeCipherSpec
 *              <--  ServerHelloDone                    [NextProtocol]
 *   Certificate* ClientKeyExchange                     Finished  -->
 *   CertificateVerify* ChangeCipherSpec
 *   [NextProtocol] Finished  -->
 *              <--  [NewSessionTicket] ChangeCipherSpec Finished
 *
 * One state per message.  The server's first flight has optional messages:
 * each reading state takes its own message when it comes and otherwise
 * hands the message to the next state, as stock's transitions do.  Checks
 * are made in stock's order, so that a given bad message gives the same
 * alert and error as with stock.
 */
#include "shim.h"

#include <openssl/rand.h>
#include <string.h>

#include "crypto/hash.h"
#include "crypto/kex.h"
#include "crypto/pkey.h"
#include "crypto/sig.h"
#include "tls/ca_names.h"
#include "tls/certificate.h"
#include "tls/client_auth.h"
#include "tls/ext_hooks.h"
#include "tls/handshake12.h"
#include "tls/key_schedule12.h"
#include "tls/machines.h"
#include "tls/policy.h"
#include "tls/session.h"
#include "tls/session_cache.h"
#include "tls/sigalg_choice.h"
#include "tls/traffic_keys.h"

enum c12_state {
    C12_READ_SERVER_CERTIFICATE,
    C12_READ_CERTIFICATE_STATUS,
    C12_READ_SERVER_KEY_EXCHANGE,
    C12_READ_CERTIFICATE_REQUEST,
    C12_READ_SERVER_DONE,
    C12_SEND_CLIENT_CERTIFICATE,
    C12_SEND_CLIENT_KEY_EXCHANGE,
    C12_SEND_CERTIFICATE_VERIFY,
    C12_SEND_CHANGE_CIPHER_SPEC,
    C12_SEND_NEXT_PROTOCOL,
    C12_SEND_FINISHED,
    C12_READ_SESSION_TICKET,
    C12_READ_CHANGE_CIPHER_SPEC,
    C12_READ_FINISHED,
    C12_DONE,
};

/* The server proves itself with a certificate (not anonymous, PSK or SRP). */
static int certificate_expected(const struct tls_conn *c)
{
    return (c->cipher->algorithm_auth & (SHIM_A_NULL | SHIM_A_PSK | SHIM_A_SRP)) == 0;
}

/* The key exchange needs a ServerKeyExchange (ephemeral keys, SRP). */
static int key_exchange_expected(const struct tls_conn *c)
{
    return (c->cipher->algorithm_mkey &
            (SHIM_K_DHE | SHIM_K_ECDHE | SHIM_K_DHEPSK | SHIM_K_ECDHEPSK | SHIM_K_SRP)) != 0;
}

/* ------------------------------------------------------------ ServerHello */

/* The server's suite, checked as stock's set_client_ciphersuite. */
static const SSL_CIPHER *check_cipher(SSL *s, struct tls_conn *c, const uint8_t *id)
{
    const SSL_CIPHER *ci = tls_client_check_cipher(s, c, id);

    if (ci != NULL && s->hit && s->session->cipher != ci) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_OLD_SESSION_CIPHER_NOT_RETURNED);
        return NULL;
    }
    return ci;
}

/* Resumed if the server echoed the session id we offered; else the session
 * becomes a new one with the server's id. */
static int settle_session(SSL *s, struct tls_conn *c, tls_reader *sid)
{
    s->hit = sid->len != 0 && sid->len == s->session->session_id_length &&
             memcmp(sid->p, s->session->session_id, sid->len) == 0;
    if (s->hit) {
        if (s->cfg.sid_ctx_length != s->session->sid_ctx_length ||
            memcmp(s->session->sid_ctx, s->cfg.sid_ctx, s->cfg.sid_ctx_length) != 0)
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER,
                             SSL_R_ATTEMPT_TO_REUSE_SESSION_IN_DIFFERENT_CONTEXT);
    } else {
        if (s->session->session_id_length > 0) {
            shim_counter_inc(&s->session_ctx->stats.miss);
            if (!tls_session_new(s))
                return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        }
        s->session->ssl_version = c->version;
        s->session->session_id_length = sid->len;
        memcpy(s->session->session_id, sid->p, sid->len);
    }
    if (c->version != s->session->ssl_version)
        return tls_fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_SSL_SESSION_VERSION_MISMATCH);
    return 1;
}

enum tls_step tls12_client_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                        struct tls_server_hello *sh)
{
    const SSL_CIPHER *ci;

    c->rl.version = c->version;
    c->rl.wversion = (uint16_t)c->version;
    if (!settle_session(s, c, &sh->session_id) || (ci = check_cipher(s, c, sh->cipher_id)) == NULL)
        return TLS_STEP_FAIL;
    c->cipher = ci;
    if (sh->compression != 0)
        return tls_fail(s, SSL_AD_ILLEGAL_PARAMETER,
                        s->hit ? SSL_R_OLD_SESSION_COMPRESSION_ALGORITHM_NOT_RETURNED
                               : SSL_R_COMPRESSION_DISABLED);
    if (!tls_ext_parse_all(s, c, hs, SSL_EXT_TLS1_2_SERVER_HELLO, sh->ext))
        return TLS_STEP_FAIL;
    c->use_etm = hs->use_etm;
    /* A TLS 1.2 client certificate signs the raw messages: keep them. */
    hs->transcript.keep = 1;
    if (!tls_transcript_set_md(&hs->transcript, tls12_prf_md(c)))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    tls_hs_switch(hs, &tls12_client_machine,
                  s->hit ? C12_READ_SESSION_TICKET : C12_READ_SERVER_CERTIFICATE);
    return TLS_STEP_CONTINUE;
}

/* ----------------------------------------------------- the server's flight */

static enum tls_step do_read_server_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r;

    if (!certificate_expected(c)) {
        hs->state = C12_READ_SERVER_KEY_EXCHANGE;
        return TLS_STEP_CONTINUE;
    }
    if (!tls_hs_expect(s, c, SSL3_MT_CERTIFICATE))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_CERT);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_parse_certificate_list(s, c, hs, &r, 0) ||
        !tls_client_check_server_chain(s, hs, c->cipher->algorithm_auth) ||
        !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = C12_READ_CERTIFICATE_STATUS;
    return TLS_STEP_CONTINUE;
}

/* struct { CertificateStatusType status_type; select (status_type) {
 *          case ocsp: OCSPResponse response; } } CertificateStatus; (RFC 6066 8) */
static enum tls_step do_read_certificate_status(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r;

    /* Optional even when promised. */
    if (!hs->status_expected || c->hm.msg.type != SSL3_MT_CERTIFICATE_STATUS) {
        hs->state = C12_READ_SERVER_KEY_EXCHANGE;
        return TLS_STEP_CONTINUE;
    }
    tls_conn_set_state(s, c, TLS_ST_CR_CERT_STATUS);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_client_parse_ocsp_response(s, &r) || !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = C12_READ_SERVER_KEY_EXCHANGE;
    return TLS_STEP_CONTINUE;
}

/* ServerDHParams: p, g, Ys (RFC 5246 7.4.3), checked as stock checks them. */
static int parse_ske_dhe(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r)
{
    tls_reader p, g, ys;
    EVP_PKEY *peer;
    int alert, reason;

    if (!tls_r_sub_u16(r, &p) || !tls_r_sub_u16(r, &g) || !tls_r_sub_u16(r, &ys))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (!tls_kex_dh_from_params(c->algs, p.p, p.len, g.p, g.len, ys.p, ys.len, &peer, &alert,
                                &reason))
        return tls_fatal(s, alert, reason);
    if (!tls_security_ok(s, SSL_SECOP_TMP_DH, shim_pkey_security_bits(peer), 0, peer)) {
        EVP_PKEY_free(peer);
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_DH_KEY_TOO_SMALL);
    }
    EVP_PKEY_free(hs->peer_kex);
    hs->peer_kex = peer;
    return 1;
}

/* ServerECDHParams: named_curve(3), the curve, the point (RFC 8422 5.4). */
static int parse_ske_ecdhe(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r)
{
    uint8_t type;
    uint16_t id;
    tls_reader point;
    const struct tls_group *g;
    const uint16_t *groups;
    size_t n;
    EVP_PKEY *tmpl = NULL, *peer = NULL;
    int alert, reason;

    if (!tls_r_u8(r, &type) || !tls_r_u16(r, &id))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_TOO_SHORT);
    tls_configured_groups(s, &groups, &n);
    g = tls_group_by_id(id);
    if (type != 3 || !tls_listed(id, groups, n) || g == NULL || g->kind == TLS_GROUP_FFDHE ||
        !tls_group_usable(s, g, c->version, c->version, NULL))
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CURVE);
    if (hs->kex_priv != NULL && hs->kex_group == g) {
        /* The key share our ClientHello offered for TLS 1.3, in this very
         * group and used for nothing since: it serves here. */
        tmpl = hs->kex_priv;
        hs->kex_priv = NULL;
    } else if (!tls_kex_keygen(c->algs, &g->kex, &tmpl)) {
        ERR_clear_error();
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_UNABLE_TO_FIND_ECDH_PARAMETERS);
    }
    if (!tls_r_sub_u8(r, &point)) {
        EVP_PKEY_free(tmpl);
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    }
    if (!tls_kex_peer_key(tmpl, point.p, point.len, &peer, &alert, &reason)) {
        EVP_PKEY_free(tmpl);
        return tls_fatal(s, alert, reason);
    }
    /* The key pair used to read the server's point is fresh and in its
     * group, used for nothing else: it becomes our share, which saves a
     * second key generation when we answer. */
    EVP_PKEY_free(hs->kex_priv);
    hs->kex_priv = tmpl;
    hs->kex_group = g;
    c->group = g;
    s->session->kex_group = g->id; /* SSL_get_negotiated_group after resumption */
    EVP_PKEY_free(hs->peer_kex);
    hs->peer_kex = peer;
    return 1;
}

/* The signature over client_random || server_random || params. */
static int check_ske_signature(SSL *s, struct tls_conn *c, tls_reader *r, const uint8_t *params,
                               size_t params_len)
{
    EVP_PKEY *pkey = X509_get0_pubkey(s->session->peer);
    const struct tls_sigalg *a;
    tls_reader sig;
    uint8_t *tbs;
    size_t tbs_len;
    int ok;

    if (c->version >= TLS1_2_VERSION) {
        uint16_t code;
        if (!tls_r_u16(r, &code))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_TOO_SHORT);
        if ((a = tls_check_peer_sigalg(s, c, code, pkey)) == NULL)
            return 0;
    } else {
        int slot = shim_pkey_slot(pkey);
        if ((a = tls_legacy_sigalg(s, shim_pkey_type(pkey) == SHIM_KEY_DSA ? -1 : slot)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR,
                             SSL_R_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED);
        c->peer_sigalg = tls_sigalg_conn_code(a);
    }
    if (!tls_r_sub_u16(r, &sig) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    tbs_len = 2 * SSL3_RANDOM_SIZE + params_len;
    if ((tbs = OPENSSL_malloc(tbs_len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    memcpy(tbs, c->client_random, SSL3_RANDOM_SIZE);
    memcpy(tbs + SSL3_RANDOM_SIZE, c->server_random, SSL3_RANDOM_SIZE);
    memcpy(tbs + 2 * SSL3_RANDOM_SIZE, params, params_len);
    ok = tls_sig_verify(c->algs, tls_sigalg_scheme(a), pkey, tbs, tbs_len, sig.p, sig.len);
    OPENSSL_free(tbs);
    return ok ? 1 : tls_fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_BAD_SIGNATURE);
}

static enum tls_step do_read_server_key_exchange(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, start;
    int ok;

    if (!key_exchange_expected(c)) {
        hs->state = C12_READ_CERTIFICATE_REQUEST;
        return TLS_STEP_CONTINUE;
    }
    if (!tls_hs_expect(s, c, SSL3_MT_SERVER_KEY_EXCHANGE))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_KEY_EXCH);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    start = r;
    if (c->cipher->algorithm_mkey & SHIM_K_DHE)
        ok = parse_ske_dhe(s, c, hs, &r);
    else if (c->cipher->algorithm_mkey & SHIM_K_ECDHE)
        ok = parse_ske_ecdhe(s, c, hs, &r);
    else
        ok = tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
    if (!ok)
        return TLS_STEP_FAIL;
    EVP_PKEY_free(c->peer_tmp);
    EVP_PKEY_up_ref(hs->peer_kex);
    c->peer_tmp = hs->peer_kex;
    /* The signature covers the parameters just parsed, not what follows. */
    if (!check_ske_signature(s, c, &r, start.p, start.len - r.len) || !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = C12_READ_CERTIFICATE_REQUEST;
    return TLS_STEP_CONTINUE;
}

/*
 * struct { ClientCertificateType certificate_types<1..2^8-1>;
 *          SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
 *          DistinguishedName certificate_authorities<0..2^16-1>;
 * } CertificateRequest;                                  (RFC 5246 7.4.4)
 */
static int process_certificate_request(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, types, algs;

    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_sub_u8(&r, &types))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    OPENSSL_free(c->peer_cert_types);
    c->peer_cert_types_len = 0;
    if ((c->peer_cert_types = OPENSSL_memdup(types.p, types.len > 0 ? types.len : 1)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    c->peer_cert_types_len = types.len;
    if (c->version >= TLS1_2_VERSION) {
        if (!tls_r_sub_u16(&r, &algs))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        if (algs.len % 2 != 0) /* stock's tls1_save_sigalgs fails: internal_error */
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_SIGNATURE_ALGORITHMS_ERROR);
        OPENSSL_free(hs->peer_sigalgs);
        hs->peer_sigalgs_len = 0;
        if ((hs->peer_sigalgs = OPENSSL_malloc(algs.len + 2)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        hs->peer_sigalgs_len = algs.len / 2;
        for (size_t i = 0; i < hs->peer_sigalgs_len; i++)
            tls_r_u16(&algs, &hs->peer_sigalgs[i]);
    }
    if (!tls_parse_ca_names(s, &r, &hs->peer_ca_names))
        return 0;
    if (!tls_r_done(&r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    hs->cl.cert_requested = 1;
    c->cert_req = 1;
    return tls_hs_consume_msg(s, c, hs);
}

static enum tls_step do_read_certificate_request(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (c->hm.msg.type != SSL3_MT_CERTIFICATE_REQUEST) {
        hs->state = C12_READ_SERVER_DONE;
        return TLS_STEP_CONTINUE;
    }
    /* Not from an anonymous or PSK server. */
    if (c->cipher->algorithm_auth & (SHIM_A_NULL | SHIM_A_PSK))
        return tls_fail(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
    tls_conn_set_state(s, c, TLS_ST_CR_CERT_REQ);
    if (!process_certificate_request(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = C12_READ_SERVER_DONE;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_read_server_done(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls_hs_expect(s, c, SSL3_MT_SERVER_DONE))
        return TLS_STEP_FAIL;
    if (c->hm.msg.len != 0)
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    tls_conn_set_state(s, c, TLS_ST_CR_SRVR_DONE);
    if (!tls_hs_consume_msg(s, c, hs) || !tls_client_run_status_cb(s))
        return TLS_STEP_FAIL;
    hs->state = hs->cl.cert_requested ? C12_SEND_CLIENT_CERTIFICATE : C12_SEND_CLIENT_KEY_EXCHANGE;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------ the client's flight */

static enum tls_step do_send_client_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    enum tls_step step = tls_client_send_certificate(s, c, hs);

    if (step == TLS_STEP_CONTINUE)
        hs->state = C12_SEND_CLIENT_KEY_EXCHANGE;
    return step;
}

/* RFC 5246 7.4.7.1: client_version || 46 random bytes, RSA-encrypted. */
static int rsa_key_exchange(SSL *s, struct tls_conn *c, tls_builder *b, uint8_t **pms,
                            size_t *pms_len)
{
    EVP_PKEY *pkey = X509_get0_pubkey(s->session->peer);
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    int ok;

    if (pkey == NULL || shim_pkey_type(pkey) != SHIM_KEY_RSA)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if ((*pms = OPENSSL_malloc(48)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    *pms_len = 48;
    (*pms)[0] = (uint8_t)(s->client_version >> 8);
    (*pms)[1] = (uint8_t)s->client_version;
    if (RAND_priv_bytes_ex(s->ctx->libctx, *pms + 2, 46, 0) <= 0)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (!tls_kex_rsa_encrypt(c->algs, pkey, *pms, 48, &enc, &enc_len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_BAD_RSA_ENCRYPT);
    ok = tls_b_open(b, 2) && tls_b_bytes(b, enc, enc_len) && tls_b_close(b);
    OPENSSL_free(enc);
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* (EC)DHE: our public value, and the shared secret as premaster. */
static int dh_key_exchange(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                           uint8_t **pms, size_t *pms_len)
{
    int dhe = (c->cipher->algorithm_mkey & SHIM_K_DHE) != 0, alert, reason, ok;
    uint8_t *pub = NULL;
    size_t pub_len;

    if (dhe) {
        EVP_PKEY_free(hs->kex_priv);
        hs->kex_priv = NULL;
        if (!tls_kex_keygen_like(c->algs, hs->peer_kex, &hs->kex_priv))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    } else if (hs->kex_priv == NULL &&
               !tls_kex_keygen(c->algs, &hs->kex_group->kex, &hs->kex_priv)) {
        /* (the key pair made while reading the server's point serves) */
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    }
    if (!tls_kex_derive(c->algs, hs->kex_priv, hs->peer_kex, 0, pms, pms_len, &alert, &reason))
        return tls_fatal(s, alert, reason);
    if (!tls_kex_public(hs->kex_priv, &pub, &pub_len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    ok = tls_b_open(b, dhe ? 2 : 1) && tls_b_bytes(b, pub, pub_len) && tls_b_close(b);
    OPENSSL_free(pub);
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

static enum tls_step do_send_client_key_exchange(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t *pms = NULL, hash[EVP_MAX_MD_SIZE];
    size_t pms_len = 0, hlen;
    tls_builder b;
    int ok;

    if (!tls_hs_begin_msg(s, &b, SSL3_MT_CLIENT_KEY_EXCHANGE, 512))
        return TLS_STEP_FAIL;
    if (c->cipher->algorithm_mkey & SHIM_K_RSA)
        ok = rsa_key_exchange(s, c, &b, &pms, &pms_len);
    else if (c->cipher->algorithm_mkey & (SHIM_K_DHE | SHIM_K_ECDHE))
        ok = dh_key_exchange(s, c, hs, &b, &pms, &pms_len);
    else
        ok = tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, ERR_R_INTERNAL_ERROR);
    if (!ok) {
        tls_b_cleanup(&b);
        OPENSSL_clear_free(pms, pms_len);
        return TLS_STEP_FAIL;
    }
    if (!tls_hs_send_msg(s, c, hs, &b)) {
        OPENSSL_clear_free(pms, pms_len);
        return TLS_STEP_FAIL;
    }
    tls_conn_set_state(s, c, TLS_ST_CW_KEY_EXCH);
    /* RFC 7627: with EMS the master secret binds the whole handshake so far. */
    ok = tls_hs_transcript_hash(s, hs, hash, &hlen);
    ok = ok && (tls12_master_secret(c->algs, tls12_prf_md(c), pms, pms_len, c->client_random,
                                    c->server_random,
                                    (s->session->flags & SHIM_SESS_FLAG_EXTMS) ? hash : NULL, hlen,
                                    s->session->master_key) ||
                tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED));
    OPENSSL_clear_free(pms, pms_len);
    if (!ok)
        return TLS_STEP_FAIL;
    s->session->master_key_length = TLS12_MASTER_SECRET_LEN;
    hs->state = hs->sigalg != NULL ? C12_SEND_CERTIFICATE_VERIFY : C12_SEND_CHANGE_CIPHER_SPEC;
    return TLS_STEP_CONTINUE;
}

/* TLS 1.2 signs the handshake messages themselves. */
static enum tls_step do_send_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    const struct tls_sigalg *a = hs->sigalg;
    uint8_t *sig = NULL;
    size_t sig_len;
    tls_builder b;
    int ok;

    if (!tls_sig_sign(c->algs, NULL, tls_sigalg_scheme(a), hs->key->privatekey, hs->transcript.buf,
                      hs->transcript.len, &sig, &sig_len))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_CERTIFICATE_VERIFY, sig_len + 16)) {
        OPENSSL_free(sig);
        return TLS_STEP_FAIL;
    }
    ok = (c->version < TLS1_2_VERSION || tls_b_u16(&b, a->code)) && tls_b_open(&b, 2) &&
         tls_b_bytes(&b, sig, sig_len) && tls_b_close(&b);
    OPENSSL_free(sig);
    if (!ok) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    c->sigalg = tls_sigalg_conn_code(a);
    tls_conn_set_state(s, c, TLS_ST_CW_CERT_VRFY);
    hs->state = C12_SEND_CHANGE_CIPHER_SPEC;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_change_cipher_spec(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    /* The raw messages were kept for a CertificateVerify only. */
    tls_transcript_drop_buffer(&hs->transcript);
    /* A new session takes its suite when our CCS goes out, as stock's: a
     * handshake that fails before shows no current cipher. */
    s->session->cipher = c->cipher;
    if (!tls12_send_ccs(s, c, TLS_ST_CW_CHANGE))
        return TLS_STEP_FAIL;
    hs->state = hs->npn_seen ? C12_SEND_NEXT_PROTOCOL : C12_SEND_FINISHED;
    return TLS_STEP_CONTINUE;
}

/* NextProtocol (draft-agl-tls-nextprotoneg): the protocol we chose, padded
 * with zeros so that the message body is a multiple of 32 bytes. */
static enum tls_step do_send_next_protocol(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    static const uint8_t zeros[32];
    size_t padding = 32 - ((c->npn_len + 2) % 32);
    tls_builder b;

    if (!tls_hs_begin_msg(s, &b, SSL3_MT_NEXT_PROTO, 64 + c->npn_len))
        return TLS_STEP_FAIL;
    if (!tls_b_open(&b, 1) || !tls_b_bytes(&b, c->npn, c->npn_len) || !tls_b_close(&b) ||
        !tls_b_open(&b, 1) || !tls_b_bytes(&b, zeros, padding) || !tls_b_close(&b)) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CW_NEXT_PROTO);
    hs->state = C12_SEND_FINISHED;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls12_send_finished(s, c, hs))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CW_FINISHED);
    /* Resuming, ours is the last flight. */
    hs->state = s->hit ? C12_DONE : C12_READ_SESSION_TICKET;
    return TLS_STEP_CONTINUE;
}

/* --------------------------------------------------- the server's finish */

/* struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>;
 * } NewSessionTicket;                                      (RFC 5077 3.3) */
static int process_new_session_ticket(SSL *s, struct tls_conn *c)
{
    tls_reader r, ticket;
    uint32_t lifetime;
    SSL_SESSION *sess;
    size_t idlen;

    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u32(&r, &lifetime) || !tls_r_sub_u16(&r, &ticket) || !tls_r_done(&r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    /* An empty ticket: the server changed its mind (RFC 5077 3.3). */
    if (ticket.len == 0)
        return 1;
    /* A resumed session may already be shared: replace it with a copy. */
    if (s->session->session_id_length > 0) {
        if ((sess = tls_session_dup(s->session)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        if (s->session_ctx->session_cache_mode & SSL_SESS_CACHE_CLIENT)
            tls_cache_remove(s->session_ctx, s->session);
        tls_session_free(s->session);
        s->session = sess;
    }
    sess = s->session;
    OPENSSL_free(sess->ticket);
    sess->ticket_len = 0;
    if ((sess->ticket = OPENSSL_memdup(ticket.p, ticket.len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    sess->ticket_len = ticket.len;
    sess->ticket_lifetime_hint = lifetime;
    sess->time = time(NULL);
    /* The session id of a ticket session is the ticket's SHA-256 (stock). */
    if (!shim_digest(c->algs->sha256, ticket.p, ticket.len, sess->session_id, &idlen))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    sess->session_id_length = idlen;
    sess->not_resumable = 0;
    return 1;
}

static enum tls_step do_read_session_ticket(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!hs->ticket_expected) {
        hs->state = C12_READ_CHANGE_CIPHER_SPEC;
        return TLS_STEP_CONTINUE;
    }
    if (c->hm.msg.type != SSL3_MT_NEWSESSION_TICKET)
        return tls_fail(s, SSL_AD_UNEXPECTED_MESSAGE,
                        c->hm.msg.type == TLS_MT_CHANGE_CIPHER_SPEC ? SSL_R_CCS_RECEIVED_EARLY
                                                                    : SSL_R_UNEXPECTED_MESSAGE);
    tls_conn_set_state(s, c, TLS_ST_CR_SESSION_TICKET);
    if (!process_new_session_ticket(s, c) || !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->ticket_expected = 0;
    hs->state = C12_READ_CHANGE_CIPHER_SPEC;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_read_change_cipher_spec(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls_hs_expect(s, c, TLS_MT_CHANGE_CIPHER_SPEC))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_CHANGE);
    if (!tls12_process_ccs(s, c))
        return TLS_STEP_FAIL;
    hs->state = C12_READ_FINISHED;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_read_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls_hs_expect(s, c, SSL3_MT_FINISHED))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_FINISHED);
    if (!tls12_process_finished(s, c, hs) || !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = s->hit ? C12_SEND_CHANGE_CIPHER_SPEC : C12_DONE;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_done(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    (void)c, (void)hs;
    shim_counter_inc(&s->session_ctx->stats.connect_good);
    if (s->hit)
        shim_counter_inc(&s->session_ctx->stats.hit);
    else
        tls_session_update_client_cache(s);
    return TLS_STEP_DONE;
}

/*
 * The messages the server may send next, checked at their header as stock's
 * transitions are: a state of the first flight takes its own message or,
 * when that one may be left out, what a later state would take.
 */
static int c12_expects(const SSL *s, const struct tls_conn *c, const struct tls_hs *hs, int type)
{
    int req_or_done =
        (type == SSL3_MT_CERTIFICATE_REQUEST &&
         (c->cipher->algorithm_auth & (SHIM_A_NULL | SHIM_A_PSK | SHIM_A_SRP)) == 0) ||
        type == SSL3_MT_SERVER_DONE;
    int ske_on = key_exchange_expected(c) ? type == SSL3_MT_SERVER_KEY_EXCHANGE : req_or_done;

    (void)s;
    switch (hs->state) {
    case C12_READ_SERVER_CERTIFICATE:
        return certificate_expected(c) ? type == SSL3_MT_CERTIFICATE : ske_on;
    case C12_READ_CERTIFICATE_STATUS:
        return (hs->status_expected && type == SSL3_MT_CERTIFICATE_STATUS) || ske_on;
    case C12_READ_SERVER_KEY_EXCHANGE:
        return ske_on;
    case C12_READ_CERTIFICATE_REQUEST:
        return req_or_done;
    case C12_READ_SERVER_DONE:
        return type == SSL3_MT_SERVER_DONE;
    case C12_READ_SESSION_TICKET:
        /* Without a ticket to come, a ChangeCipherSpec (not a message). */
        return hs->ticket_expected && type == SSL3_MT_NEWSESSION_TICKET;
    case C12_READ_FINISHED:
        return type == SSL3_MT_FINISHED;
    case C12_READ_CHANGE_CIPHER_SPEC:
        return 0;
    default:
        return 1;
    }
}

static const struct tls_state c12_states[] = {
    [C12_READ_SERVER_CERTIFICATE] = {do_read_server_certificate, 1, c12_expects},
    [C12_READ_CERTIFICATE_STATUS] = {do_read_certificate_status, 1, c12_expects},
    [C12_READ_SERVER_KEY_EXCHANGE] = {do_read_server_key_exchange, 1, c12_expects},
    [C12_READ_CERTIFICATE_REQUEST] = {do_read_certificate_request, 1, c12_expects},
    [C12_READ_SERVER_DONE] = {do_read_server_done, 1, c12_expects},
    [C12_SEND_CLIENT_CERTIFICATE] = {do_send_client_certificate, 0},
    [C12_SEND_CLIENT_KEY_EXCHANGE] = {do_send_client_key_exchange, 0},
    [C12_SEND_CERTIFICATE_VERIFY] = {do_send_certificate_verify, 0},
    [C12_SEND_CHANGE_CIPHER_SPEC] = {do_send_change_cipher_spec, 0},
    [C12_SEND_NEXT_PROTOCOL] = {do_send_next_protocol, 0},
    [C12_SEND_FINISHED] = {do_send_finished, 0},
    [C12_READ_SESSION_TICKET] = {do_read_session_ticket, 1, c12_expects},
    [C12_READ_CHANGE_CIPHER_SPEC] = {do_read_change_cipher_spec, 1, c12_expects},
    [C12_READ_FINISHED] = {do_read_finished, 1, c12_expects},
    [C12_DONE] = {do_done, 0},
};

const struct tls_machine tls12_client_machine = {"TLS 1.2 client", c12_states,
                                                 sizeof(c12_states) / sizeof(c12_states[0])};
