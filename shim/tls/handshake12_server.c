/*
 * shimssl - the TLS 1.0-1.2 server, from its answer to the ClientHello on
 * (RFC 5246 7, RFC 8422, RFC 7627, RFC 5746, RFC 5077).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Full handshake:                     Abbreviated (resumption):
 *   ServerHello Certificate*            ServerHello [NewSessionTicket]
 *   CertificateStatus* ServerKeyExchange*  ChangeCipherSpec Finished  -->
 *   CertificateRequest* ServerHelloDone -->
 *   <-- Certificate* ClientKeyExchange  <-- ChangeCipherSpec [NextProtocol]
 *       CertificateVerify* ChangeCipherSpec    Finished
 *       [NextProtocol] Finished
 *   [NewSessionTicket] ChangeCipherSpec Finished  -->
 *
 * One state per message; checks and events in stock's order.  RSA key
 * transport decrypts with libcrypto's implicit rejection: a bad premaster
 * secret is a random one, found out at the Finished, like a wrong key.
 */
#include "shim.h"

#include <openssl/x509v3.h>
#include <string.h>

#include "crypto/kex.h"
#include "crypto/pkey.h"
#include "crypto/sig.h"
#include "crypto/verify.h"
#include "tls/ca_names.h"
#include "tls/certificate.h"
#include "tls/cipher_suites.h"
#include "tls/handshake12.h"
#include "tls/key_schedule12.h"
#include "tls/machines.h"
#include "tls/policy.h"
#include "tls/session.h"
#include "tls/session_cache.h"
#include "tls/sigalg_choice.h"
#include "tls/tickets.h"
#include "tls/traffic_keys.h"

enum s12_state {
    S12_SEND_SERVER_HELLO,
    S12_SEND_CERTIFICATE,
    S12_SEND_CERTIFICATE_STATUS,
    S12_SEND_KEY_EXCHANGE,
    S12_SEND_CERT_REQUEST,
    S12_SEND_SERVER_DONE,
    S12_READ_CLIENT_CERTIFICATE,
    S12_READ_CLIENT_KEY_EXCHANGE,
    S12_READ_CERTIFICATE_VERIFY,
    S12_READ_CHANGE_CIPHER_SPEC,
    S12_READ_NEXT_PROTOCOL,
    S12_READ_FINISHED,
    S12_SEND_SESSION_TICKET,
    S12_SEND_CHANGE_CIPHER_SPEC,
    S12_SEND_FINISHED,
    S12_DONE,
};

/* ECCurveType named_curve (RFC 8422 5.4). */
#define NAMED_CURVE 3

/* Client certificate types (RFC 5246 7.4.4, RFC 8422 5.5). */
#define CT_RSA_SIGN   1
#define CT_DSS_SIGN   2
#define CT_ECDSA_SIGN 64

/* ------------------------------------------- which suites we can serve */

/* The suite needs our certificate (not anonymous, PSK or SRP). */
static int certificate_needed(const SSL_CIPHER *ci)
{
    return (ci->algorithm_auth & (SHIM_A_NULL | SHIM_A_SRP | SHIM_A_PSK)) == 0;
}

/* We hold a key in slot and can sign with it: the client's algorithms name
 * one for it (explicit), or, without its list, the default one is among
 * ours (stock's valid flags, non-strict). */
static int can_sign(const SSL *s, const struct tls_conn *c, int slot, int *explicit_sign)
{
    const struct shim_cert_pkey *k = &s->cfg.cert->pkeys[slot];
    const struct tls_hs *hs = c->hs;

    *explicit_sign = 0;
    if (k->x509 == NULL || k->privatekey == NULL)
        return 0;
    if (hs == NULL || hs->peer_sigalgs == NULL) {
        const struct tls_sigalg *a = tls_default_sigalg((SSL *)s, TLS1_2_VERSION, slot);
        const uint16_t *sent;
        size_t n;

        tls_psigalgs(s, 1, &sent, &n);
        return a != NULL && tls_listed(a->code, sent, n);
    }
    for (size_t i = 0; i < hs->peer_sigalgs_len; i++) {
        const struct tls_sigalg *a = tls_sigalg_by_code(hs->peer_sigalgs[i]);
        if (a != NULL && a->key_slot == slot) {
            *explicit_sign = 1;
            return 1;
        }
    }
    return 0;
}

/* An EC certificate key the client can use: its points in a form the
 * client takes and its curve among the client's groups, when it says
 * which (stock's tls1_check_cert_param; RFC 8422 5.1). */
static int ec_cert_ok(const SSL *s, const struct tls_conn *c, const EVP_PKEY *pkey)
{
    int form = shim_pkey_ec_point_format(pkey);
    const struct tls_group *g;

    if (form == -1)
        return 1;
    if (form < 0)
        return 0;
    if (c->peer_ec_point_formats != NULL &&
        memchr(c->peer_ec_point_formats, form, c->peer_ec_point_formats_len) == NULL)
        return 0;
    if ((g = tls_group_by_nid(shim_pkey_curve_nid(pkey))) == NULL)
        return 0;
    {
        uint8_t id[2] = {(uint8_t)(g->id >> 8), (uint8_t)g->id};
        if (!tls_security_ok((SSL *)s, SSL_SECOP_CURVE_CHECK, g->secbits, g->nid, id))
            return 0;
    }
    return c->peer_groups_len == 0 || tls_listed(g->id, c->peer_groups, c->peer_groups_len);
}

/* A suite's key exchange and authentication are ones we can do (stock's
 * ssl_set_masks and the checks of ssl3_choose_cipher). */
int tls12_server_suite_ok(const SSL *s, const struct tls_conn *c, const SSL_CIPHER *ci)
{
    const struct shim_cert *cert = s->cfg.cert;
    uint32_t mask_k = SHIM_K_ECDHE, mask_a = SHIM_A_NULL;
    int rsa =
        cert->pkeys[SHIM_PKEY_RSA].x509 != NULL && cert->pkeys[SHIM_PKEY_RSA].privatekey != NULL;
    int sign, explicit_sign;

    if (rsa)
        mask_k |= SHIM_K_RSA;
    if (cert->dh_tmp != NULL || cert->dh_tmp_cb != NULL || cert->dh_tmp_auto)
        mask_k |= SHIM_K_DHE;
    if (rsa)
        mask_a |= SHIM_A_RSA;
    else if ((sign = can_sign(s, c, SHIM_PKEY_RSA_PSS, &explicit_sign)) && explicit_sign &&
             c->version == TLS1_2_VERSION)
        mask_a |= SHIM_A_RSA;
    if (can_sign(s, c, SHIM_PKEY_ECDSA, &explicit_sign) &&
        (X509_get_key_usage(cert->pkeys[SHIM_PKEY_ECDSA].x509) & X509v3_KU_DIGITAL_SIGNATURE) &&
        ec_cert_ok(s, c, cert->pkeys[SHIM_PKEY_ECDSA].privatekey))
        mask_a |= SHIM_A_ECDSA;
    for (int slot = SHIM_PKEY_ED25519; slot <= SHIM_PKEY_ED448 && !(mask_a & SHIM_A_ECDSA); slot++)
        if (can_sign(s, c, slot, &explicit_sign) && explicit_sign && c->version == TLS1_2_VERSION)
            mask_a |= SHIM_A_ECDSA;
    (void)sign;
    if ((ci->algorithm_mkey & SHIM_K_ALL_PSK) != 0 || (ci->algorithm_mkey & SHIM_K_SRP) != 0)
        return 0; /* no PSK or SRP server */
    if (!(ci->algorithm_mkey & mask_k) || !(ci->algorithm_auth & mask_a))
        return 0;
    /* ECDHE needs a group both sides have. */
    if ((ci->algorithm_mkey & SHIM_K_ECDHE) && tls_server_shared_group(s, c, 0) == 0)
        return 0;
    return 1;
}

/* ------------------------------------------------------------ ServerHello */

enum tls_step tls12_server_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    c->rl.version = c->version;
    c->rl.wversion = (uint16_t)c->version;
    /* A client's CertificateVerify signs the raw messages: kept if we may
     * ask for one. */
    hs->transcript.keep = (s->cfg.verify_mode & SSL_VERIFY_PEER) != 0;
    if (hs->transcript.ctx == NULL && !tls_transcript_set_md(&hs->transcript, tls12_prf_md(c)))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    tls_hs_switch(hs, &tls12_server_machine, S12_SEND_SERVER_HELLO);
    return TLS_STEP_CONTINUE;
}

/* The ServerKeyExchange is needed for ephemeral keys. */
static int key_exchange_needed(const SSL_CIPHER *ci)
{
    return (ci->algorithm_mkey & (SHIM_K_DHE | SHIM_K_ECDHE)) != 0;
}

/* What follows our certificate (or, without one, the ServerHello). */
static int after_certificate(SSL *s, struct tls_conn *c)
{
    if (key_exchange_needed(c->cipher))
        return S12_SEND_KEY_EXCHANGE;
    if (tls_server_wants_certificate(s, c))
        return S12_SEND_CERT_REQUEST;
    return S12_SEND_SERVER_DONE;
}

static enum tls_step do_send_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_builder b;

    tls_conn_note_send(s, c);
    /* Without a server cache a new session has no id to resume by. */
    if (!(s->session_ctx->session_cache_mode & SSL_SESS_CACHE_SERVER) && !s->hit)
        s->session->session_id_length = 0;
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_SERVER_HELLO, 256))
        return TLS_STEP_FAIL;
    if (!tls_b_u16(&b, (uint16_t)c->version) ||
        !tls_b_bytes(&b, c->server_random, SSL3_RANDOM_SIZE) || !tls_b_open(&b, 1) ||
        !tls_b_bytes(&b, s->session->session_id, s->session->session_id_length) ||
        !tls_b_close(&b) || !tls_b_u16(&b, (uint16_t)(c->cipher->id & 0xffff)) ||
        !tls_b_u8(&b, 0)) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_ext_write_server(s, c, hs, &b, SSL_EXT_TLS1_2_SERVER_HELLO, 0)) {
        tls_b_cleanup(&b);
        return TLS_STEP_FAIL;
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    c->use_etm = hs->use_etm;
    tls_conn_set_state(s, c, TLS_ST_SW_SRVR_HELLO);
    if (s->hit)
        hs->state = hs->ticket_expected ? S12_SEND_SESSION_TICKET : S12_SEND_CHANGE_CIPHER_SPEC;
    else if (certificate_needed(c->cipher))
        hs->state = S12_SEND_CERTIFICATE;
    else
        hs->state = after_certificate(s, c);
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------- the server's flight */

static enum tls_step do_send_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (hs->key == NULL)
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (!tls_send_certificate(s, c, hs, hs->key, NULL, 0))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_CERT);
    hs->state = hs->status_expected ? S12_SEND_CERTIFICATE_STATUS : after_certificate(s, c);
    return TLS_STEP_CONTINUE;
}

/* struct { CertificateStatusType status_type; opaque response<1..2^24-1>;
 * } CertificateStatus;                                       (RFC 6066 8) */
static enum tls_step do_send_certificate_status(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_builder b;

    if (!tls_hs_begin_msg(s, &b, SSL3_MT_CERTIFICATE_STATUS, c->ocsp_response_len + 8))
        return TLS_STEP_FAIL;
    if (!tls_b_u8(&b, TLSEXT_STATUSTYPE_ocsp) || !tls_b_open(&b, 3) ||
        !tls_b_bytes(&b, c->ocsp_response, c->ocsp_response_len) || !tls_b_close(&b)) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_CERT_STATUS);
    hs->state = after_certificate(s, c);
    return TLS_STEP_CONTINUE;
}

/* The DH parameters to use: automatic (by the strength of our key), the
 * configured ones, or the application's callback's. */
static EVP_PKEY *dh_params(SSL *s, struct tls_conn *c, struct tls_hs *hs, int *owned)
{
    const struct shim_cert *cert = s->cfg.cert;

    *owned = 0;
    if (cert->dh_tmp_auto) {
        int bits = 80, level = tls_security_level_bits(s);

        if (cert->dh_tmp_auto != 2) {
            if (c->cipher->algorithm_auth & (SHIM_A_NULL | SHIM_A_PSK))
                bits = c->cipher->strength_bits == 256 ? 128 : 80;
            else if (hs->key != NULL)
                bits = shim_pkey_security_bits(hs->key->privatekey);
            else
                return NULL;
        }
        *owned = 1;
        return tls_kex_dh_auto(c->algs, bits < level ? level : bits);
    }
    if (cert->dh_tmp != NULL)
        return cert->dh_tmp;
    if (cert->dh_tmp_cb != NULL) {
        DH *dh = cert->dh_tmp_cb(s, 0, 1024);
        EVP_PKEY *pkey = dh != NULL ? shim_pkey_from_dh(dh) : NULL;

        *owned = pkey != NULL;
        return pkey;
    }
    return NULL;
}

/* ServerDHParams: p, g, Ys; a fresh key in the group. */
static int ske_dhe(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b)
{
    uint8_t *p = NULL, *g = NULL, *pub = NULL;
    size_t p_len, g_len, pub_len;
    EVP_PKEY *params;
    int owned, ok;

    if ((params = dh_params(s, c, hs, &owned)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR,
                         s->cfg.cert->dh_tmp_auto || s->cfg.cert->dh_tmp_cb != NULL
                             ? ERR_R_INTERNAL_ERROR
                             : SSL_R_MISSING_TMP_DH_KEY);
    if (!tls_security_ok(s, SSL_SECOP_TMP_DH, shim_pkey_security_bits(params), 0, params)) {
        if (owned)
            EVP_PKEY_free(params);
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_DH_KEY_TOO_SMALL);
    }
    EVP_PKEY_free(hs->kex_priv);
    hs->kex_priv = NULL;
    ok = tls_kex_keygen_like(c->algs, params, &hs->kex_priv);
    if (owned)
        EVP_PKEY_free(params);
    if (!ok)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_kex_dh_params(hs->kex_priv, &p, &p_len, &g, &g_len) ||
        !tls_kex_public(hs->kex_priv, &pub, &pub_len)) {
        OPENSSL_free(p);
        OPENSSL_free(g);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    ok = tls_b_open(b, 2) && tls_b_bytes(b, p, p_len) && tls_b_close(b) && tls_b_open(b, 2) &&
         tls_b_bytes(b, g, g_len) && tls_b_close(b) && tls_b_open(b, 2) &&
         tls_b_bytes(b, pub, pub_len) && tls_b_close(b);
    OPENSSL_free(p);
    OPENSSL_free(g);
    OPENSSL_free(pub);
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* ServerECDHParams: named_curve, our first group both sides have, a point. */
static int ske_ecdhe(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b)
{
    uint16_t id = tls_server_shared_group(s, c, -2);
    const struct tls_group *g = tls_group_by_id(id);
    uint8_t *pub = NULL;
    size_t pub_len;
    int ok;

    if (id == 0 || g == NULL)
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_UNSUPPORTED_ELLIPTIC_CURVE);
    s->session->kex_group = id;
    EVP_PKEY_free(hs->kex_priv);
    hs->kex_priv = NULL;
    if (!tls_kex_keygen(c->algs, &g->kex, &hs->kex_priv))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_UNABLE_TO_FIND_ECDH_PARAMETERS);
    hs->kex_group = g;
    c->group = g;
    if (!tls_kex_public(hs->kex_priv, &pub, &pub_len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_EC_LIB);
    ok = tls_b_u8(b, NAMED_CURVE) && tls_b_u16(b, id) && tls_b_open(b, 1) &&
         tls_b_bytes(b, pub, pub_len) && tls_b_close(b);
    OPENSSL_free(pub);
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* The parameters, signed with our key over both randoms before them. */
static enum tls_step do_send_key_exchange(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_builder b;
    size_t params_at;
    uint8_t *tbs = NULL, *sig = NULL;
    size_t tbs_len, sig_len;
    int ok;

    if (!tls_hs_begin_msg(s, &b, SSL3_MT_SERVER_KEY_EXCHANGE, 1024))
        return TLS_STEP_FAIL;
    params_at = tls_b_len(&b);
    ok = (c->cipher->algorithm_mkey & SHIM_K_DHE) ? ske_dhe(s, c, hs, &b) : ske_ecdhe(s, c, hs, &b);
    if (!ok) {
        tls_b_cleanup(&b);
        return TLS_STEP_FAIL;
    }
    if (certificate_needed(c->cipher)) {
        const struct tls_sigalg *a = hs->sigalg;
        size_t params_len = tls_b_len(&b) - params_at;

        if (a == NULL) {
            tls_b_cleanup(&b);
            return tls_fail(s, SSL_AD_DECODE_ERROR, ERR_R_INTERNAL_ERROR);
        }
        tbs_len = 2 * SSL3_RANDOM_SIZE + params_len;
        if ((tbs = OPENSSL_malloc(tbs_len)) == NULL) {
            tls_b_cleanup(&b);
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        }
        memcpy(tbs, c->client_random, SSL3_RANDOM_SIZE);
        memcpy(tbs + SSL3_RANDOM_SIZE, c->server_random, SSL3_RANDOM_SIZE);
        memcpy(tbs + 2 * SSL3_RANDOM_SIZE, b.buf + params_at, params_len);
        ok = tls_sig_sign(c->algs, s->ctx->sign_ctxs, tls_sigalg_scheme(a), hs->key->privatekey,
                          tbs, tbs_len, &sig, &sig_len);
        OPENSSL_free(tbs);
        if (!ok) {
            tls_b_cleanup(&b);
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
        }
        ok = (c->version < TLS1_2_VERSION || tls_b_u16(&b, a->code)) && tls_b_open(&b, 2) &&
             tls_b_bytes(&b, sig, sig_len) && tls_b_close(&b);
        OPENSSL_free(sig);
        if (!ok) {
            tls_b_cleanup(&b);
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        }
        c->sigalg = tls_sigalg_conn_code(a);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_KEY_EXCH);
    hs->state = tls_server_wants_certificate(s, c) ? S12_SEND_CERT_REQUEST : S12_SEND_SERVER_DONE;
    return TLS_STEP_CONTINUE;
}

/* Certificate types: the application's, else those of the signature
 * algorithms we accept (stock's ssl3_get_req_cert_type). */
static int write_cert_types(SSL *s, tls_builder *b)
{
    const struct shim_cert *cert = s->cfg.cert;
    const uint16_t *list;
    size_t n;
    int rsa = 0, dss = 0, ecdsa = 0;

    if (cert->ctype != NULL)
        return tls_b_bytes(b, cert->ctype, cert->ctype_len);
    tls_psigalgs(s, 1, &list, &n);
    for (size_t i = 0; i < n; i++) {
        const struct tls_sigalg *a = tls_sigalg_by_code(list[i]);
        uint8_t id[2] = {(uint8_t)(list[i] >> 8), (uint8_t)list[i]};

        if (a == NULL || !tls_security_ok(s, SSL_SECOP_SIGALG_MASK, a->secbits, a->hash_nid, id))
            continue;
        if (a->sig_type == EVP_PKEY_RSA || a->sig_type == EVP_PKEY_RSA_PSS)
            rsa = 1;
        else if (a->sig_type == EVP_PKEY_DSA)
            dss = 1;
        else
            ecdsa = 1;
    }
    return (!rsa || tls_b_u8(b, CT_RSA_SIGN)) && (!dss || tls_b_u8(b, CT_DSS_SIGN)) &&
           (!ecdsa || tls_b_u8(b, CT_ECDSA_SIGN));
}

/*
 * struct { ClientCertificateType certificate_types<1..2^8-1>;
 *          SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
 *          DistinguishedName certificate_authorities<0..2^16-1>;
 * } CertificateRequest;                                  (RFC 5246 7.4.4)
 */
static enum tls_step do_send_cert_request(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_builder b;
    int ok;

    if (!tls_hs_begin_msg(s, &b, SSL3_MT_CERTIFICATE_REQUEST, 512))
        return TLS_STEP_FAIL;
    ok = tls_b_open(&b, 1) && write_cert_types(s, &b) && tls_b_close(&b);
    if (ok && c->version >= TLS1_2_VERSION) {
        const uint16_t *list;
        size_t n;

        tls_psigalgs(s, 1, &list, &n);
        ok = tls_b_open(&b, 2);
        for (size_t i = 0; ok && i < n; i++) {
            const struct tls_sigalg *a = tls_sigalg_by_code(list[i]);
            if (a != NULL && tls_sigalg_usable(s, a, SSL_SECOP_SIGALG_SUPPORTED, c->version))
                ok = tls_b_u16(&b, a->code);
        }
        ok = ok && tls_b_close(&b);
    }
    if (!ok || !tls_write_ca_names(s, &b, tls_server_ca_names(s))) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    c->certreqs_sent++;
    hs->sv.cert_request = 1;
    tls_conn_set_state(s, c, TLS_ST_SW_CERT_REQ);
    hs->state = S12_SEND_SERVER_DONE;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_server_done(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_builder b;

    /* Without a certificate to verify, the raw messages are not needed. */
    if (!hs->sv.cert_request)
        tls_transcript_drop_buffer(&hs->transcript);
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_SERVER_DONE, 8) || !tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_SRVR_DONE);
    hs->state = S12_READ_CLIENT_CERTIFICATE;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------- the client's flight */

static enum tls_step do_read_client_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r;
    STACK_OF(X509) * chain;

    if (c->hm.msg.type == SSL3_MT_CLIENT_KEY_EXCHANGE && !hs->sv.cert_request) {
        hs->state = S12_READ_CLIENT_KEY_EXCHANGE;
        return TLS_STEP_CONTINUE;
    }
    if (!hs->sv.cert_request || !tls_hs_expect(s, c, SSL3_MT_CERTIFICATE))
        return tls_fail(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
    tls_conn_set_state(s, c, TLS_ST_SR_CERT);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_parse_certificate_list(s, c, hs, &r, 1))
        return TLS_STEP_FAIL;
    chain = hs->peer_chain;
    if (sk_X509_num(chain) == 0) {
        if ((s->cfg.verify_mode & SSL_VERIFY_PEER) &&
            (s->cfg.verify_mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT))
            return tls_fail(s, SSL_AD_CERTIFICATE_REQUIRED,
                            SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE);
    } else {
        if (shim_verify_chain(s, chain) <= 0)
            return tls_fail(s, shim_verify_error_alert(s->verify_result),
                            SSL_R_CERTIFICATE_VERIFY_FAILED);
        if (X509_get0_pubkey(sk_X509_value(chain, 0)) == NULL)
            return tls_fail(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_UNKNOWN_CERTIFICATE_TYPE);
    }
    /* The leaf is the session's peer; the rest its chain (a server's
     * convention, without the leaf). */
    X509_free(s->session->peer);
    s->session->peer = sk_X509_num(chain) > 0 ? sk_X509_shift(chain) : NULL;
    s->session->verify_result = s->verify_result;
    sk_X509_pop_free(s->session->peer_chain, X509_free);
    s->session->peer_chain = chain;
    hs->peer_chain = NULL;
    if (!tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = S12_READ_CLIENT_KEY_EXCHANGE;
    return TLS_STEP_CONTINUE;
}

/* EncryptedPreMasterSecret (RFC 5246 7.4.7.1): a bad one continues as a
 * random one, found out at the Finished (no padding oracle). */
static int cke_rsa(SSL *s, struct tls_conn *c, tls_reader *r, uint8_t *pms, size_t *pms_len)
{
    EVP_PKEY *priv = s->cfg.cert->pkeys[SHIM_PKEY_RSA].privatekey;
    tls_reader enc;

    if (priv == NULL)
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_MISSING_RSA_CERTIFICATE);
    if (!tls_r_sub_u16(r, &enc) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (!tls_kex_rsa_decrypt(
            c->algs, priv, enc.p, enc.len, (unsigned int)s->client_version,
            (s->cfg.options & SSL_OP_TLS_ROLLBACK_BUG) ? (unsigned int)c->version : 0, pms))
        return tls_fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_DECRYPTION_FAILED);
    *pms_len = TLS_KEX_RSA_PMS_LEN;
    return 1;
}

/* The premaster secret from the client's (EC)DH public value: a value
 * that is no group element, or a weak one, is illegal_parameter /
 * bad_key_share (stock's tls_process_cke_dhe / _ecdhe and ssl_derive). */
static int derive_pms(SSL *s, struct tls_conn *c, struct tls_hs *hs, const uint8_t *pub,
                      size_t pub_len, uint8_t **pms, size_t *pms_len)
{
    int alert, reason;

    if (!tls_kex_peer_key(hs->kex_priv, pub, pub_len, &hs->peer_kex, &alert, &reason)) {
        if (alert == SSL_AD_INTERNAL_ERROR)
            return tls_fatal(s, alert, reason);
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
    }
    if (!tls_kex_derive(c->algs, hs->kex_priv, hs->peer_kex, 0, pms, pms_len, &alert, &reason))
        return tls_fatal(s, alert, reason);
    return 1;
}

/* ClientDiffieHellmanPublic: Yc. */
static int cke_dhe(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r, uint8_t **pms,
                   size_t *pms_len)
{
    tls_reader yc;

    if (!tls_r_sub_u16(r, &yc) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_DH_PUBLIC_VALUE_LENGTH_IS_WRONG);
    if (hs->kex_priv == NULL)
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_MISSING_TMP_DH_KEY);
    if (yc.len == 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_MISSING_TMP_DH_KEY);
    return derive_pms(s, c, hs, yc.p, yc.len, pms, pms_len);
}

/* ClientECDiffieHellmanPublic: the point (an empty one would be ECDH
 * client authentication, which stock does not support). */
static int cke_ecdhe(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r, uint8_t **pms,
                     size_t *pms_len)
{
    tls_reader point;

    if (tls_r_done(r))
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_MISSING_TMP_ECDH_KEY);
    if (!tls_r_sub_u8(r, &point) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (hs->kex_priv == NULL)
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_MISSING_TMP_ECDH_KEY);
    return derive_pms(s, c, hs, point.p, point.len, pms, pms_len);
}

static enum tls_step do_read_client_key_exchange(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t rsa_pms[TLS_KEX_RSA_PMS_LEN], *pms = NULL, hash[EVP_MAX_MD_SIZE];
    size_t pms_len = 0, hlen = 0;
    uint32_t mkey = c->cipher->algorithm_mkey;
    tls_reader r;
    int ok;

    if (!tls_hs_expect(s, c, SSL3_MT_CLIENT_KEY_EXCHANGE))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SR_KEY_EXCH);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (mkey & SHIM_K_RSA) {
        ok = cke_rsa(s, c, &r, rsa_pms, &pms_len);
        pms = rsa_pms;
    } else if (mkey & SHIM_K_DHE) {
        ok = cke_dhe(s, c, hs, &r, &pms, &pms_len);
    } else if (mkey & SHIM_K_ECDHE) {
        ok = cke_ecdhe(s, c, hs, &r, &pms, &pms_len);
    } else {
        ok = tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_UNKNOWN_CIPHER_TYPE);
    }
    /* RFC 7627: with EMS the master secret binds the handshake up to here. */
    if (ok)
        ok = tls_hs_consume_msg(s, c, hs) && tls_hs_transcript_hash(s, hs, hash, &hlen);
    if (ok && !tls12_master_secret(c->algs, tls12_prf_md(c), pms, pms_len, c->client_random,
                                   c->server_random,
                                   (s->session->flags & SHIM_SESS_FLAG_EXTMS) ? hash : NULL, hlen,
                                   s->session->master_key))
        ok = tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (pms == rsa_pms)
        OPENSSL_cleanse(rsa_pms, sizeof(rsa_pms));
    else
        OPENSSL_clear_free(pms, pms_len);
    if (!ok)
        return TLS_STEP_FAIL;
    s->session->master_key_length = TLS12_MASTER_SECRET_LEN;
    if (hs->peer_kex != NULL) {
        EVP_PKEY_free(c->peer_tmp);
        EVP_PKEY_up_ref(hs->peer_kex);
        c->peer_tmp = hs->peer_kex;
    }
    /* The raw messages were kept for the client's CertificateVerify only. */
    if (s->session->peer == NULL) {
        tls_transcript_drop_buffer(&hs->transcript);
        hs->state = S12_READ_CHANGE_CIPHER_SPEC;
    } else {
        hs->state = S12_READ_CERTIFICATE_VERIFY;
    }
    return TLS_STEP_CONTINUE;
}

/* struct { [SignatureAndHashAlgorithm algorithm;] opaque signature<0..2^16-1>;
 * } CertificateVerify, over the handshake messages so far (RFC 5246 7.4.8). */
static enum tls_step do_read_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    EVP_PKEY *pkey = X509_get0_pubkey(s->session->peer);
    const struct tls_sigalg *a;
    tls_reader r, sig;

    if (!tls_hs_expect(s, c, SSL3_MT_CERTIFICATE_VERIFY))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SR_CERT_VRFY);
    if (pkey == NULL)
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (shim_pkey_slot(pkey) < 0 && shim_pkey_type(pkey) != SHIM_KEY_DSA)
        return tls_fail(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_SIGNATURE_FOR_NON_SIGNING_CERTIFICATE);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (c->version >= TLS1_2_VERSION) {
        uint16_t code;
        if (!tls_r_u16(&r, &code))
            return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_PACKET);
        if ((a = tls_check_peer_sigalg(s, c, code, pkey)) == NULL)
            return TLS_STEP_FAIL;
    } else {
        int slot = shim_pkey_slot(pkey);
        if ((a = tls_legacy_sigalg(s, shim_pkey_type(pkey) == SHIM_KEY_DSA ? -1 : slot)) == NULL)
            return tls_fail(s, SSL_AD_INTERNAL_ERROR,
                            SSL_R_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED);
        c->peer_sigalg = tls_sigalg_conn_code(a);
    }
    if (!tls_r_sub_u16(&r, &sig) || !tls_r_done(&r))
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (!tls_sig_verify(c->algs, tls_sigalg_scheme(a), pkey, hs->transcript.buf, hs->transcript.len,
                        sig.p, sig.len))
        return tls_fail(s, SSL_AD_DECRYPT_ERROR, SSL_R_BAD_SIGNATURE);
    if (!tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    tls_transcript_drop_buffer(&hs->transcript);
    hs->state = S12_READ_CHANGE_CIPHER_SPEC;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_read_change_cipher_spec(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls_hs_expect(s, c, TLS_MT_CHANGE_CIPHER_SPEC))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SR_CHANGE);
    if (!tls12_process_ccs(s, c))
        return TLS_STEP_FAIL;
    hs->state = hs->npn_seen ? S12_READ_NEXT_PROTOCOL : S12_READ_FINISHED;
    return TLS_STEP_CONTINUE;
}

/* struct { opaque selected_protocol<0..255>; opaque padding<0..255>;
 * } NextProtocol;                          (draft-agl-tls-nextprotoneg) */
static enum tls_step do_read_next_protocol(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, proto, padding;

    if (!tls_hs_expect(s, c, SSL3_MT_NEXT_PROTO))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SR_NEXT_PROTO);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_sub_u8(&r, &proto) || !tls_r_sub_u8(&r, &padding) || !tls_r_done(&r))
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    OPENSSL_free(c->npn);
    c->npn_len = 0;
    if ((c->npn = OPENSSL_memdup(proto.p, proto.len > 0 ? proto.len : 1)) == NULL)
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    c->npn_len = proto.len;
    if (!tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = S12_READ_FINISHED;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_read_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls_hs_expect(s, c, SSL3_MT_FINISHED))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SR_FINISHED);
    if (!tls12_process_finished(s, c, hs) || !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    if (s->hit)
        hs->state = S12_DONE;
    else
        hs->state = hs->ticket_expected ? S12_SEND_SESSION_TICKET : S12_SEND_CHANGE_CIPHER_SPEC;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------ our finish */

/* struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>;
 * } NewSessionTicket;                       (RFC 5077 3.3): empty when the
 * application's key callback declines. */
static enum tls_step do_send_session_ticket(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    SSL_CTX *tctx = s->session_ctx;
    uint8_t *ticket = NULL;
    size_t ticket_len = 0;
    enum tls_ticket_made made;
    tls_builder b;
    int ok;

    tls_conn_note_send(s, c);
    if (tctx->generate_ticket_cb != NULL && !tctx->generate_ticket_cb(s, tctx->ticket_cb_data))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    /* The session travels in the ticket: its master secret must be set. */
    s->session->cipher = c->cipher;
    made =
        tls_ticket_make(s, 0, hs->sv.ticket_iv_set ? hs->sv.ticket_iv : NULL, &ticket, &ticket_len);
    hs->sv.ticket_iv_set = 0;
    if (made == TLS_TICKET_FAILED)
        return TLS_STEP_FAIL;
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_NEWSESSION_TICKET, ticket_len + 16)) {
        OPENSSL_free(ticket);
        return TLS_STEP_FAIL;
    }
    /* The lifetime is advisory; none for a resumed session (stock). */
    ok = made == TLS_TICKET_DECLINED
             ? tls_b_u32(&b, 0) && tls_b_u16(&b, 0)
             : tls_b_u32(&b, s->hit ? 0 : (uint32_t)s->session->timeout) && tls_b_open(&b, 2) &&
                   tls_b_bytes(&b, ticket, ticket_len) && tls_b_close(&b);
    OPENSSL_free(ticket);
    if (!ok) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_SESSION_TICKET);
    hs->state = S12_SEND_CHANGE_CIPHER_SPEC;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_change_cipher_spec(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_conn_note_send(s, c);
    s->session->cipher = c->cipher;
    if (!tls12_send_ccs(s, c, TLS_ST_SW_CHANGE))
        return TLS_STEP_FAIL;
    hs->state = S12_SEND_FINISHED;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls12_send_finished(s, c, hs))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_FINISHED);
    /* Resuming, the client's CCS and Finished follow. */
    hs->state = s->hit ? S12_READ_CHANGE_CIPHER_SPEC : S12_DONE;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_done(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    (void)c, (void)hs;
    tls_update_server_cache(s);
    shim_counter_inc(&s->ctx->stats.accept_good);
    return TLS_STEP_DONE;
}

static const struct tls_state s12_states[] = {
    [S12_SEND_SERVER_HELLO] = {do_send_server_hello, 0},
    [S12_SEND_CERTIFICATE] = {do_send_certificate, 0},
    [S12_SEND_CERTIFICATE_STATUS] = {do_send_certificate_status, 0},
    [S12_SEND_KEY_EXCHANGE] = {do_send_key_exchange, 0},
    [S12_SEND_CERT_REQUEST] = {do_send_cert_request, 0},
    [S12_SEND_SERVER_DONE] = {do_send_server_done, 0},
    [S12_READ_CLIENT_CERTIFICATE] = {do_read_client_certificate, 1},
    [S12_READ_CLIENT_KEY_EXCHANGE] = {do_read_client_key_exchange, 1},
    [S12_READ_CERTIFICATE_VERIFY] = {do_read_certificate_verify, 1},
    [S12_READ_CHANGE_CIPHER_SPEC] = {do_read_change_cipher_spec, 1},
    [S12_READ_NEXT_PROTOCOL] = {do_read_next_protocol, 1},
    [S12_READ_FINISHED] = {do_read_finished, 1},
    [S12_SEND_SESSION_TICKET] = {do_send_session_ticket, 0},
    [S12_SEND_CHANGE_CIPHER_SPEC] = {do_send_change_cipher_spec, 0},
    [S12_SEND_FINISHED] = {do_send_finished, 0},
    [S12_DONE] = {do_done, 0},
};

const struct tls_machine tls12_server_machine = {"TLS 1.2 server", s12_states,
                                                 sizeof(s12_states) / sizeof(s12_states[0])};
