/*
 * shimssl - the TLS 1.0-1.2 client handshake.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Full handshake:                     Abbreviated (resumption):
 *   ClientHello       -->               ClientHello        -->
 *              <--  ServerHello                      <--  ServerHello
 *                   Certificate*                          [NewSessionTicket]
 *                   CertificateStatus*                    ChangeCipherSpec
 *                   ServerKeyExchange*               <--  Finished
 *                   CertificateRequest*                ChangeCipherSpec
 *              <--  ServerHelloDone                    Finished  -->
 *   Certificate* ClientKeyExchange
 *   CertificateVerify* ChangeCipherSpec
 *   Finished          -->
 *              <--  [NewSessionTicket] ChangeCipherSpec Finished
 *
 * Checks are made in stock's order, so that a given bad message gives the
 * same alert and error as with stock.
 */
#include "shim.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <string.h>

#include "api/client_cert.h"
#include "api/config.h"
#include "crypto/cbc.h"
#include "crypto/kdf.h"
#include "crypto/kex.h"
#include "crypto/sig.h"
#include "crypto/verify.h"
#include "crypto/x509_cache.h"
#include "tls/alert.h"
#include "tls/ca_names.h"
#include "tls/cert_chain.h"
#include "tls/client12.h"
#include "tls/key_schedule12.h"
#include "tls/keylog.h"
#include "tls/policy.h"
#include "tls/session.h"

enum c12_state {
    C12_READ_SERVER_FLIGHT = TLS_C12_FIRST_STATE,
    C12_SEND_CLIENT_FLIGHT,
    C12_READ_TICKET_OR_CCS,
    C12_READ_FINISHED,
    C12_SEND_CCS_AND_FINISHED,
    C12_DONE,
};

/* Server-flight messages seen (hs->flight). */
#define SEEN_CERT 0x1
#define SEEN_STATUS 0x2
#define SEEN_SKE 0x4
#define SEEN_CR 0x8


static enum tls_step fail(void)
{
    return TLS_STEP_FAIL;
}

static int kx_nid(const struct tls_conn *c)
{
    return SSL_CIPHER_get_kx_nid(c->cipher);
}

static int auth_nid(const struct tls_conn *c)
{
    return SSL_CIPHER_get_auth_nid(c->cipher);
}

static int transcript_hash(SSL *s, struct tls_hs *hs, uint8_t *out, size_t *len)
{
    if (!tls_transcript_hash(&hs->transcript, out, len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    return 1;
}

/* The PRF hash: MD5+SHA-1 before TLS 1.2; in TLS 1.2 the suite's, where
 * suites that name MD5+SHA-1 (the older ones) use SHA-256 (RFC 5246 5). */
static const EVP_MD *prf_md(const struct tls_conn *c)
{
    int nid;

    if (c->version < TLS1_2_VERSION)
        return c->algs->md5_sha1;
    nid = EVP_MD_get_type(SSL_CIPHER_get_handshake_digest(c->cipher));
    return shim_algs_md_by_nid(c->algs, nid == NID_md5_sha1 ? NID_sha256 : nid);
}

/* ------------------------------------------------------------ ServerHello */

static int parse_renegotiation_info(SSL *s, struct tls_conn *c, tls_reader *r)
{
    tls_reader ri;
    /* Initial handshake: empty; renegotiation: both Finished of the last
     * handshake, ours first (RFC 5746 3.4, 3.5). */
    size_t expected = c->hs->renegotiation ? c->finished_len + c->peer_finished_len : 0;

    if (!tls_r_sub_u8(r, &ri) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_RENEGOTIATION_ENCODING_ERR);
    if (ri.len != expected
        || (expected > 0
            && (CRYPTO_memcmp(ri.p, c->finished, c->finished_len) != 0
                || CRYPTO_memcmp(ri.p + c->finished_len, c->peer_finished,
                                 c->peer_finished_len) != 0)))
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_RENEGOTIATION_MISMATCH);
    c->secure_renegotiation = 1;
    return 1;
}

/* next_protocol_negotiation: the server's protocols (each non-empty, no
 * outer length), from which the application's callback chooses. */
static int parse_next_protocols(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r)
{
    tls_reader list = *r, proto;
    unsigned char *selected = NULL;
    unsigned char selected_len = 0;

    while (!tls_r_done(&list))
        if (!tls_r_sub_u8(&list, &proto) || proto.len == 0)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (s->ctx->npn_select_cb(s, &selected, &selected_len, r->p, (unsigned int)r->len,
                              s->ctx->npn_select_cb_arg) != SSL_TLSEXT_ERR_OK
        || selected_len == 0)
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_BAD_EXTENSION);
    OPENSSL_free(c->npn);
    c->npn_len = 0;
    if ((c->npn = OPENSSL_memdup(selected, selected_len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    c->npn_len = selected_len;
    hs->npn_seen = 1;
    return 1;
}

/* The ServerHello extensions of TLS 1.2, in stock's (table) order. */
static int parse_server_hello_extensions(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                         struct tls_ext_set *ext)
{
    int received_ems = 0;

    if (ext->present[TLS_EXT_RENEGOTIATE]
        && !parse_renegotiation_info(s, c, &ext->data[TLS_EXT_RENEGOTIATE]))
        return 0;
    if (ext->present[TLS_EXT_SERVER_NAME]) {
        if (!tls_r_done(&ext->data[TLS_EXT_SERVER_NAME]))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        if (!s->hit && s->session->hostname == NULL && s->hostname != NULL
            && (s->session->hostname = OPENSSL_strdup(s->hostname)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (ext->present[TLS_EXT_MAX_FRAGMENT_LENGTH]) {
        tls_reader *r = &ext->data[TLS_EXT_MAX_FRAGMENT_LENGTH];
        uint8_t mode;
        if (tls_r_left(r) != 1 || !tls_r_u8(r, &mode))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        if (mode < 1 || mode > 4 || mode != s->cfg.max_fragment_len_mode)
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH);
        s->session->max_fragment_len_mode = mode;
    } else if (s->session->max_fragment_len_mode == TLSEXT_max_fragment_length_UNSPECIFIED) {
        s->session->max_fragment_len_mode = TLSEXT_max_fragment_length_DISABLED;
    }
    if (ext->present[TLS_EXT_EC_POINT_FORMATS]) {
        tls_reader formats, *r = &ext->data[TLS_EXT_EC_POINT_FORMATS];
        if (!tls_r_sub_u8(r, &formats) || !tls_r_done(r))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        if (!s->hit && formats.len == 0)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_LENGTH);
    }
    if (ext->present[TLS_EXT_SESSION_TICKET]) {
        tls_reader *r = &ext->data[TLS_EXT_SESSION_TICKET];
        if (s->session_ticket_ext_cb != NULL
            && !s->session_ticket_ext_cb(s, r->p, (int)r->len, s->session_ticket_ext_cb_arg))
            return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_BAD_EXTENSION);
        if (s->cfg.options & SSL_OP_NO_TICKET)
            return tls_fatal(s, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_BAD_EXTENSION);
        if (!tls_r_done(r))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        hs->ticket_expected = 1;
    }
    if (ext->present[TLS_EXT_STATUS_REQUEST]) {
        if (s->cfg.status_type != TLSEXT_STATUSTYPE_ocsp)
            return tls_fatal(s, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_BAD_EXTENSION);
        if (!tls_r_done(&ext->data[TLS_EXT_STATUS_REQUEST]))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        hs->status_expected = 1;
    }
    if (ext->present[TLS_EXT_NPN] && !hs->renegotiation
        && !parse_next_protocols(s, c, hs, &ext->data[TLS_EXT_NPN]))
        return 0;
    if (ext->present[TLS_EXT_ALPN] && !tls_ext_parse_server_alpn(s, c, &ext->data[TLS_EXT_ALPN]))
        return 0;
    /* Encrypt-then-MAC only means something for CBC suites. */
    if (ext->present[TLS_EXT_ENCRYPT_THEN_MAC] && !(s->cfg.options & SSL_OP_NO_ENCRYPT_THEN_MAC)
        && !SSL_CIPHER_is_aead(c->cipher))
        hs->use_etm = 1;
    if (ext->present[TLS_EXT_EXTENDED_MASTER_SECRET]
        && !(s->cfg.options & SSL_OP_NO_EXTENDED_MASTER_SECRET)) {
        received_ems = 1;
        if (!s->hit)
            s->session->flags |= SHIM_SESS_FLAG_EXTMS;
    }
    /* RFC 5746: without renegotiation_info the server may be vulnerable;
     * stock 3.0 refuses it (in renegotiations too) unless told otherwise. */
    if (!ext->present[TLS_EXT_RENEGOTIATE]
        && !(s->cfg.options
             & (SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION)))
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_UNSAFE_LEGACY_RENEGOTIATION_DISABLED);
    /* RFC 7627 5.3: a resumption must keep the session's EMS setting. */
    if (s->hit && !received_ems != !(s->session->flags & SHIM_SESS_FLAG_EXTMS))
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_INCONSISTENT_EXTMS);
    return 1;
}

/* The server's cipher choice, checked as stock's set_client_ciphersuite. */
static const SSL_CIPHER *check_cipher12(SSL *s, struct tls_conn *c, const uint8_t *id)
{
    const SSL_CIPHER *ci = SSL_CIPHER_find(s, id);
    if (ci == NULL) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_UNKNOWN_CIPHER_RETURNED);
        return NULL;
    }
    if (!tls_cipher_usable(s, ci, c->version, c->version, SSL_SECOP_CIPHER_CHECK)
        || sk_SSL_CIPHER_find(shim_ssl_cipher_list(s), (SSL_CIPHER *)ci) < 0) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CIPHER_RETURNED);
        return NULL;
    }
    if (s->hit && s->session->cipher != ci) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_OLD_SESSION_CIPHER_NOT_RETURNED);
        return NULL;
    }
    return ci;
}

static int install_keys(SSL *s, struct tls_conn *c, struct tls_hs *hs, int write);

enum tls_step tls_client12_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                        struct tls_server_hello *sh)
{
    const SSL_CIPHER *ci;

    c->rl.version = c->version;
    c->rl.wversion = (uint16_t)c->version;
    s->hit = 0;
    if (sh->session_id.len != 0 && sh->session_id.len == s->session->session_id_length
        && memcmp(sh->session_id.p, s->session->session_id, sh->session_id.len) == 0)
        s->hit = 1;
    if (s->hit) {
        if (s->cfg.sid_ctx_length != s->session->sid_ctx_length
            || memcmp(s->session->sid_ctx, s->cfg.sid_ctx, s->cfg.sid_ctx_length) != 0) {
            tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER,
                      SSL_R_ATTEMPT_TO_REUSE_SESSION_IN_DIFFERENT_CONTEXT);
            return fail();
        }
    } else {
        if (s->session->session_id_length > 0) {
            shim_counter_inc(&s->session_ctx->stats.miss);
            if (!tls_session_new(s)) {
                tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
                return fail();
            }
        }
        s->session->ssl_version = c->version;
        s->session->session_id_length = sh->session_id.len;
        memcpy(s->session->session_id, sh->session_id.p, sh->session_id.len);
    }
    if (c->version != s->session->ssl_version) {
        tls_fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_SSL_SESSION_VERSION_MISMATCH);
        return fail();
    }
    if ((ci = check_cipher12(s, c, sh->cipher_id)) == NULL)
        return fail();
    c->cipher = ci;
    if (sh->compression != 0) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER,
                  s->hit ? SSL_R_OLD_SESSION_COMPRESSION_ALGORITHM_NOT_RETURNED
                         : SSL_R_COMPRESSION_DISABLED);
        return fail();
    }
    if (!parse_server_hello_extensions(s, c, hs, &sh->ext))
        return fail();
    c->use_etm = hs->use_etm;
    /* A TLS 1.2 client certificate signs the raw messages: keep them. */
    hs->transcript.keep = 1;
    if (!tls_transcript_set_md(&hs->transcript, prf_md(c)) || !tls_hs_consume_msg(s, c, hs)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    tls_conn_set_state(s, c, TLS_ST_CR_SRVR_HELLO);
    if (s->hit) {
        /* The keys come from the session's master secret. */
        if (!install_keys(s, c, hs, -1))
            return fail();
        hs->state = C12_READ_TICKET_OR_CCS;
    } else {
        hs->state = C12_READ_SERVER_FLIGHT;
    }
    return TLS_STEP_CONTINUE;
}

/* ----------------------------------------------------------- server flight */

static int certificate_expected(const struct tls_conn *c)
{
    int a = auth_nid(c);
    return a != NID_auth_null && a != NID_auth_psk && a != NID_auth_srp;
}

static int key_exchange_expected(const struct tls_conn *c)
{
    int k = kx_nid(c);
    return k == NID_kx_dhe || k == NID_kx_ecdhe || k == NID_kx_dhe_psk || k == NID_kx_ecdhe_psk
           || k == NID_kx_srp;
}

static int process_server_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, list;
    STACK_OF(X509) *chain = sk_X509_new_null();
    EVP_PKEY *pkey;
    X509 *leaf;

    if (chain == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_sub_u24(&r, &list) || !tls_r_done(&r)) {
        sk_X509_free(chain);
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    }
    while (!tls_r_done(&list)) {
        tls_reader der;
        int parsed;
        X509 *x;
        if (!tls_r_sub_u24(&list, &der)) {
            sk_X509_pop_free(chain, X509_free);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_CERT_LENGTH_MISMATCH);
        }
        if ((parsed = shim_x509_from_der(c->algs, der.p, der.len, &x)) == 0) {
            sk_X509_pop_free(chain, X509_free);
            return tls_fatal(s, SSL_AD_BAD_CERTIFICATE, ERR_R_ASN1_LIB);
        }
        if (parsed < 0 || !sk_X509_push(chain, x)) {
            X509_free(x);
            sk_X509_pop_free(chain, X509_free);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_CERT_LENGTH_MISMATCH);
        }
    }
    sk_X509_pop_free(hs->peer_chain, X509_free);
    hs->peer_chain = chain;
    if (sk_X509_num(chain) == 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    /* Kept even if verification fails, as stock's session does. */
    sk_X509_pop_free(s->session->peer_chain, X509_free);
    s->session->peer_chain = X509_chain_up_ref(chain);
    if (!shim_verify_chain(s, chain) && s->cfg.verify_mode != SSL_VERIFY_NONE)
        return tls_fatal(s, shim_verify_error_alert(s->verify_result),
                         SSL_R_CERTIFICATE_VERIFY_FAILED);
    ERR_clear_error();
    leaf = sk_X509_value(chain, 0);
    pkey = X509_get0_pubkey(leaf);
    if (pkey == NULL || EVP_PKEY_missing_parameters(pkey))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_UNABLE_TO_FIND_PUBLIC_KEY_PARAMETERS);
    /* The certificate's key type must fit the suite's authentication. */
    {
        int a = auth_nid(c);
        int ok = (a == NID_auth_rsa && EVP_PKEY_is_a(pkey, "RSA"))
                 || (a == NID_auth_ecdsa && EVP_PKEY_is_a(pkey, "EC"))
                 || (a == NID_auth_dss && EVP_PKEY_is_a(pkey, "DSA"));
        if (!EVP_PKEY_is_a(pkey, "RSA") && !EVP_PKEY_is_a(pkey, "RSA-PSS")
            && !EVP_PKEY_is_a(pkey, "EC") && !EVP_PKEY_is_a(pkey, "DSA")
            && !EVP_PKEY_is_a(pkey, "ED25519") && !EVP_PKEY_is_a(pkey, "ED448"))
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_UNKNOWN_CERTIFICATE_TYPE);
        if (!ok && !((a == NID_auth_ecdsa) && (EVP_PKEY_is_a(pkey, "ED25519")
                                               || EVP_PKEY_is_a(pkey, "ED448"))))
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CERTIFICATE_TYPE);
    }
    X509_free(s->session->peer);
    X509_up_ref(leaf);
    s->session->peer = leaf;
    s->session->verify_result = s->verify_result;
    return 1;
}

static int process_certificate_status(SSL *s, struct tls_conn *c)
{
    tls_reader r, resp;
    uint8_t type;
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u8(&r, &type) || type != TLSEXT_STATUSTYPE_ocsp)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_UNSUPPORTED_STATUS_TYPE);
    if (!tls_r_sub_u24(&r, &resp) || resp.len == 0 || !tls_r_done(&r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    OPENSSL_free(c->ocsp_response);
    if ((c->ocsp_response = OPENSSL_memdup(resp.p, resp.len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    c->ocsp_response_len = resp.len;
    return 1;
}

/* ServerDHParams: p, g, Ys (RFC 5246 7.4.3), checked as stock checks them. */
static int parse_ske_dhe(SSL *s, struct tls_hs *hs, tls_reader *r)
{
    tls_reader p, g, ys;
    BIGNUM *bp = NULL, *bg = NULL, *by = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    EVP_PKEY *peer = NULL;
    int ok = 0;

    if (!tls_r_sub_u16(r, &p) || !tls_r_sub_u16(r, &g) || !tls_r_sub_u16(r, &ys))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    bp = BN_bin2bn(p.p, (int)p.len, NULL);
    bg = BN_bin2bn(g.p, (int)g.len, NULL);
    by = BN_bin2bn(ys.p, (int)ys.len, NULL);
    if (bp == NULL || bg == NULL || by == NULL) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_BN_LIB);
        goto end;
    }
    if ((bld = OSSL_PARAM_BLD_new()) == NULL || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, bp)
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, bg)
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, by)
        || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        goto end;
    }
    if ((pctx = EVP_PKEY_CTX_new_from_name(s->ctx->libctx, "DH", s->ctx->propq)) == NULL) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        goto end;
    }
    if (EVP_PKEY_fromdata_init(pctx) <= 0
        || EVP_PKEY_fromdata(pctx, &peer, EVP_PKEY_KEYPAIR, params) <= 0) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_BAD_DH_VALUE);
        goto end;
    }
    EVP_PKEY_CTX_free(pctx);
    if ((pctx = EVP_PKEY_CTX_new_from_pkey(s->ctx->libctx, peer, s->ctx->propq)) == NULL
        || EVP_PKEY_param_check_quick(pctx) != 1 || EVP_PKEY_public_check(pctx) != 1) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_DH_VALUE);
        goto end;
    }
    if (!tls_security_ok(s, SSL_SECOP_TMP_DH, EVP_PKEY_get_security_bits(peer), 0, peer)) {
        tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_DH_KEY_TOO_SMALL);
        goto end;
    }
    EVP_PKEY_free(hs->peer_kex);
    hs->peer_kex = peer;
    peer = NULL;
    ok = 1;
end:
    OSSL_PARAM_BLD_free(bld);
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(pctx);
    EVP_PKEY_free(peer);
    BN_free(bp);
    BN_free(bg);
    BN_free(by);
    return ok;
}

/* ServerECDHParams: named_curve(3), the curve, the point (RFC 8422 5.4). */
static int parse_ske_ecdhe(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r)
{
    uint8_t type;
    uint16_t id;
    tls_reader point;
    const struct tls_group *g;
    const uint16_t *groups;
    size_t n, i;
    EVP_PKEY *tmpl = NULL, *peer = NULL;
    int alert, reason;

    if (!tls_r_u8(r, &type) || !tls_r_u16(r, &id))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_TOO_SHORT);
    tls_configured_groups(s, &groups, &n);
    for (i = 0; i < n && groups[i] != id; i++)
        continue;
    g = tls_group_by_id(id);
    if (type != 3 || i == n || g == NULL || g->kind == TLS_GROUP_FFDHE
        || !tls_group_usable(s, g, c->version, c->version, NULL))
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

/* The TLS 1.2 signature algorithm of a ServerKeyExchange, checked as stock. */
static const struct tls_sigalg *check_ske_sigalg(SSL *s, uint16_t code, EVP_PKEY *pkey)
{
    const struct tls_sigalg *a = tls_sigalg_by_code(code);
    const uint16_t *sent;
    size_t n, i;
    uint8_t id[2] = {(uint8_t)(code >> 8), (uint8_t)code};
    int rsa = EVP_PKEY_is_a(pkey, "RSA");

    /* RSA-PSS signatures may be made with an RSA key. */
    if (a == NULL
        || !((rsa && (a->sig_type == EVP_PKEY_RSA || (a->sig_type == EVP_PKEY_RSA_PSS
                                                      && a->key_slot == SHIM_PKEY_RSA)))
             || (EVP_PKEY_is_a(pkey, "RSA-PSS") && a->key_slot == SHIM_PKEY_RSA_PSS)
             || (EVP_PKEY_is_a(pkey, "EC") && a->sig_type == EVP_PKEY_EC)
             || (EVP_PKEY_is_a(pkey, "ED25519") && a->sig_type == EVP_PKEY_ED25519)
             || (EVP_PKEY_is_a(pkey, "ED448") && a->sig_type == EVP_PKEY_ED448)
             || (EVP_PKEY_is_a(pkey, "DSA") && a->sig_type == EVP_PKEY_DSA))) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    tls_configured_sigalgs(s, &sent, &n);
    for (i = 0; i < n && sent[i] != code; i++)
        continue;
    /* Stock lets a SHA-1 signature through unless in strict mode. */
    if (i == n && (a->hash_nid != NID_sha1
                   || (s->cfg.cert->cert_flags & SSL_CERT_FLAG_TLS_STRICT))) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    if (!tls_security_ok(s, SSL_SECOP_SIGALG_CHECK, a->secbits, a->hash_nid, id)) {
        tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    return a;
}

/* What TLS 1.0 and 1.1 sign with (MD5+SHA-1 for RSA, SHA-1 otherwise), when
 * the security level allows it; security level 1 refuses both. */
static const struct tls_sigalg *legacy_sigalg(SSL *s, EVP_PKEY *pkey)
{
    int code = EVP_PKEY_is_a(pkey, "RSA") ? TLS_SIGALG_LEGACY_RSA
               : EVP_PKEY_is_a(pkey, "EC") ? 0x0203
                                           : 0x0202;
    const struct tls_sigalg *a = tls_sigalg_by_conn_code(code);
    uint8_t id[2] = {(uint8_t)(a->code >> 8), (uint8_t)a->code};
    if (!tls_security_ok(s, SSL_SECOP_SIGALG_SUPPORTED, a->secbits, a->hash_nid, id))
        return NULL;
    return a;
}

static int process_server_key_exchange(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, params_start, sig;
    int k = kx_nid(c);
    EVP_PKEY *pkey;
    const struct tls_sigalg *a;
    uint8_t *tbs;
    size_t tbs_len, params_len;
    int ok;

    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    params_start = r;
    if (k == NID_kx_dhe) {
        if (!parse_ske_dhe(s, hs, &r))
            return 0;
    } else if (k == NID_kx_ecdhe) {
        if (!parse_ske_ecdhe(s, c, hs, &r))
            return 0;
    } else {
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
    }
    /* The signature covers the parameters just parsed, not what follows. */
    params_len = params_start.len - r.len;
    EVP_PKEY_free(c->peer_tmp);
    EVP_PKEY_up_ref(hs->peer_kex);
    c->peer_tmp = hs->peer_kex;
    pkey = X509_get0_pubkey(s->session->peer);
    if (c->version >= TLS1_2_VERSION) {
        uint16_t code;
        if (!tls_r_u16(&r, &code))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_TOO_SHORT);
        if ((a = check_ske_sigalg(s, code, pkey)) == NULL)
            return 0;
        c->peer_sigalg = code;
    } else if ((a = legacy_sigalg(s, pkey)) == NULL) {
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED);
    } else {
        c->peer_sigalg = tls_sigalg_conn_code(a);
    }
    if (!tls_r_sub_u16(&r, &sig) || !tls_r_done(&r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    /* Signed: client_random || server_random || params. */
    tbs_len = 2 * SSL3_RANDOM_SIZE + params_len;
    if ((tbs = OPENSSL_malloc(tbs_len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    memcpy(tbs, c->client_random, SSL3_RANDOM_SIZE);
    memcpy(tbs + SSL3_RANDOM_SIZE, c->server_random, SSL3_RANDOM_SIZE);
    memcpy(tbs + 2 * SSL3_RANDOM_SIZE, params_start.p, params_len);
    ok = tls_sig_verify(c->algs, tls_sigalg_scheme(a), pkey, tbs, tbs_len, sig.p, sig.len);
    OPENSSL_free(tbs);
    if (!ok)
        return tls_fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_BAD_SIGNATURE);
    return 1;
}

static int process_certificate_request(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, types, algs;

    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_sub_u8(&r, &types))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    OPENSSL_free(hs->cert_types);
    hs->cert_types = OPENSSL_memdup(types.p, types.len > 0 ? types.len : 1);
    hs->cert_types_len = types.len;
    if (c->version >= TLS1_2_VERSION) {
        if (!tls_r_sub_u16(&r, &algs))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        if (algs.len % 2 != 0) /* stock's tls1_save_sigalgs fails: internal_error */
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_SIGNATURE_ALGORITHMS_ERROR);
        OPENSSL_free(hs->peer_sigalgs);
        hs->peer_sigalgs_len = algs.len / 2;
        if ((hs->peer_sigalgs = OPENSSL_malloc(algs.len + 2)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        for (size_t i = 0; i < hs->peer_sigalgs_len; i++)
            tls_r_u16(&algs, &hs->peer_sigalgs[i]);
    }
    if (!tls_parse_ca_names(s, &r, &hs->peer_ca_names))
        return 0;
    if (!tls_r_done(&r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    hs->cert_requested = 1;
    return 1;
}

static int run_status_callback(SSL *s)
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

/* One message of the server's first flight, in the order stock accepts. */
static enum tls_step do_read_server_flight(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    int type = c->hm.msg.type;
    unsigned int seen = hs->flight;
    int ok;

    if (type == SSL3_MT_CERTIFICATE && seen == 0 && certificate_expected(c)) {
        ok = process_server_certificate(s, c, hs);
        hs->flight |= SEEN_CERT;
        tls_conn_set_state(s, c, TLS_ST_CR_CERT);
    } else if (type == SSL3_MT_CERTIFICATE_STATUS && seen == SEEN_CERT && hs->status_expected) {
        ok = process_certificate_status(s, c);
        hs->flight |= SEEN_STATUS;
        tls_conn_set_state(s, c, TLS_ST_CR_CERT_STATUS);
    } else if (type == SSL3_MT_SERVER_KEY_EXCHANGE && key_exchange_expected(c)
               && !(seen & (SEEN_SKE | SEEN_CR))
               && (!certificate_expected(c) || (seen & SEEN_CERT))) {
        ok = process_server_key_exchange(s, c, hs);
        hs->flight |= SEEN_SKE;
        tls_conn_set_state(s, c, TLS_ST_CR_KEY_EXCH);
    } else if (type == SSL3_MT_CERTIFICATE_REQUEST && !(seen & SEEN_CR)
               && (!key_exchange_expected(c) || (seen & SEEN_SKE))
               && (!certificate_expected(c) || (seen & SEEN_CERT))
               && auth_nid(c) != NID_auth_null && auth_nid(c) != NID_auth_psk) {
        ok = process_certificate_request(s, c, hs);
        hs->flight |= SEEN_CR;
        tls_conn_set_state(s, c, TLS_ST_CR_CERT_REQ);
    } else if (type == SSL3_MT_SERVER_DONE && (!key_exchange_expected(c) || (seen & SEEN_SKE))
               && (!certificate_expected(c) || (seen & SEEN_CERT))) {
        if (c->hm.msg.len != 0) {
            tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
            return fail();
        }
        tls_conn_set_state(s, c, TLS_ST_CR_SRVR_DONE);
        if (!tls_hs_consume_msg(s, c, hs) || !run_status_callback(s))
            return fail();
        hs->state = C12_SEND_CLIENT_FLIGHT;
        return TLS_STEP_CONTINUE;
    } else {
        tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        return fail();
    }
    if (!ok || !tls_hs_consume_msg(s, c, hs))
        return fail();
    return TLS_STEP_CONTINUE;
}

/* ----------------------------------------------------------- client flight */

/* Key block → record protection for one direction (write = 1, read = 0;
 * -1 = derive and remember only, used when resuming). */
static int install_keys(SSL *s, struct tls_conn *c, struct tls_hs *hs, int write)
{
    int nid = SSL_CIPHER_get_cipher_nid(c->cipher);
    const EVP_CIPHER *cipher;
    const EVP_MD *mac_md = NULL;
    size_t key_len, iv_len, mac_len = 0, tag_len = EVP_GCM_TLS_TAG_LEN;
    enum tls_protection prot;
    uint8_t block[2 * (EVP_MAX_MD_SIZE + EVP_MAX_KEY_LENGTH + EVP_MAX_IV_LENGTH)];
    uint8_t *mac_key, *key, *iv;
    struct tls_rl_dir *d;
    int ok;

    (void)hs;
    switch (nid) {
    case NID_aes_128_gcm:
        cipher = c->algs->aes128gcm;
        prot = TLS_PROT_AEAD_EXPLICIT;
        break;
    case NID_aes_256_gcm:
        cipher = c->algs->aes256gcm;
        prot = TLS_PROT_AEAD_EXPLICIT;
        break;
    case NID_chacha20_poly1305:
        cipher = c->algs->chacha20poly1305;
        prot = TLS_PROT_AEAD_XOR;
        break;
    case NID_aes_128_ccm:
    case NID_aes_256_ccm:
        cipher = nid == NID_aes_128_ccm ? c->algs->aes128ccm : c->algs->aes256ccm;
        prot = TLS_PROT_AEAD_EXPLICIT;
        if (strstr(SSL_CIPHER_get_name(c->cipher), "CCM8") != NULL)
            tag_len = 8;
        break;
    case NID_aes_128_cbc:
    case NID_aes_256_cbc:
        cipher = nid == NID_aes_128_cbc ? c->algs->aes128cbc : c->algs->aes256cbc;
        prot = TLS_PROT_CBC;
        mac_md = shim_algs_md_by_nid(c->algs, SSL_CIPHER_get_digest_nid(c->cipher));
        break;
    default:
        cipher = NULL;
        prot = TLS_PROT_NONE;
        break;
    }
    if (cipher == NULL || (prot == TLS_PROT_CBC && mac_md == NULL))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    key_len = (size_t)EVP_CIPHER_get_key_length(cipher);
    iv_len = prot == TLS_PROT_AEAD_EXPLICIT ? 4 : (size_t)EVP_CIPHER_get_iv_length(cipher);
    if (mac_md != NULL)
        mac_len = (size_t)EVP_MD_get_size(mac_md);
    if (!tls12_key_block(c->algs, prf_md(c), s->session->master_key, c->client_random,
                         c->server_random, block, 2 * (mac_len + key_len + iv_len)))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (write < 0) {
        OPENSSL_cleanse(block, sizeof(block));
        return 1;
    }
    /* client MAC, server MAC, client key, server key, client IV, server IV;
     * the client writes with the client's and reads with the server's. */
    mac_key = block + (write ? 0 : mac_len);
    key = block + 2 * mac_len + (write ? 0 : key_len);
    iv = block + 2 * mac_len + 2 * key_len + (write ? 0 : iv_len);
    d = write ? &c->rl.wr : &c->rl.rd;
    if (prot == TLS_PROT_CBC) {
        struct tls_cbc cbc;
        ok = tls_cbc_init(&cbc, c->algs, cipher, mac_md, write, c->version, c->use_etm, key, iv,
                          mac_key);
        if (ok)
            tls_rl_set_cbc(d, &cbc, c->version <= TLS1_VERSION);
    } else {
        ok = tls_rl_set_key(d, cipher, key, key_len, iv, iv_len, tag_len, write, prot);
    }
    d->seq = 0;
    OPENSSL_cleanse(block, sizeof(block));
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* ClientKeyExchange body and the premaster secret. */
static int key_exchange(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                        uint8_t **pms, size_t *pms_len)
{
    int k = kx_nid(c), alert, reason;
    uint8_t *pub = NULL;
    size_t pub_len;

    *pms = NULL;
    if (k == NID_kx_rsa) {
        /* RFC 5246 7.4.7.1: client_version || 46 random bytes, RSA-encrypted. */
        EVP_PKEY *pkey = X509_get0_pubkey(s->session->peer);
        EVP_PKEY_CTX *pctx;
        uint8_t *enc = NULL;
        size_t enc_len = 0;
        int ok;
        if (pkey == NULL || !EVP_PKEY_is_a(pkey, "RSA"))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        *pms_len = 48;
        if ((*pms = OPENSSL_malloc(48)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        (*pms)[0] = (uint8_t)(s->client_version >> 8);
        (*pms)[1] = (uint8_t)s->client_version;
        if (RAND_priv_bytes_ex(s->ctx->libctx, *pms + 2, 46, 0) <= 0)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        pctx = EVP_PKEY_CTX_new_from_pkey(s->ctx->libctx, pkey, s->ctx->propq);
        ok = pctx != NULL && EVP_PKEY_encrypt_init(pctx) > 0
             && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0
             && EVP_PKEY_encrypt(pctx, NULL, &enc_len, *pms, 48) > 0
             && (enc = OPENSSL_malloc(enc_len)) != NULL
             && EVP_PKEY_encrypt(pctx, enc, &enc_len, *pms, 48) > 0;
        EVP_PKEY_CTX_free(pctx);
        ok = ok && tls_b_open(b, 2) && tls_b_bytes(b, enc, enc_len) && tls_b_close(b);
        OPENSSL_free(enc);
        return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_BAD_RSA_ENCRYPT);
    }
    if (k == NID_kx_dhe) {
        EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(s->ctx->libctx, hs->peer_kex, s->ctx->propq);
        EVP_PKEY *mine = NULL;
        int ok = pctx != NULL && EVP_PKEY_keygen_init(pctx) > 0 && EVP_PKEY_keygen(pctx, &mine) > 0;
        EVP_PKEY_CTX_free(pctx);
        if (!ok)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_EVP_LIB);
        EVP_PKEY_free(hs->kex_priv);
        hs->kex_priv = mine;
    } else if (k == NID_kx_ecdhe) {
        /* hs->kex_priv is the key pair made while reading the server's
         * point (parse_ske_ecdhe). */
        if (hs->kex_priv == NULL && !tls_kex_keygen(c->algs, &hs->kex_group->kex, &hs->kex_priv))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_EVP_LIB);
    } else {
        return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_kex_derive(c->algs, hs->kex_priv, hs->peer_kex, 0, pms, pms_len, &alert, &reason))
        return tls_fatal(s, alert, reason);
    if (!tls_kex_public(hs->kex_priv, &pub, &pub_len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_EC_LIB);
    int ok = tls_b_open(b, k == NID_kx_dhe ? 2 : 1) && tls_b_bytes(b, pub, pub_len) && tls_b_close(b);
    OPENSSL_free(pub);
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* The client certificate and the algorithm to sign the CertificateVerify
 * with; NULL key when we send an empty certificate. */
static const struct tls_sigalg *choose_client_cert(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                                   struct shim_cert_pkey **key)
{
    struct shim_cert *cert = s->cfg.cert;
    X509 *x509 = NULL;
    EVP_PKEY *pkey = NULL;
    const uint16_t *ours;
    size_t nours;

    *key = NULL;
    tls_client_auth_sigalgs(s, &ours, &nours);
    if (cert->cert_cb != NULL && cert->cert_cb(s, cert->cert_cb_arg) <= 0) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_CALLBACK_FAILED);
        return NULL;
    }
    if ((cert->current->x509 == NULL || cert->current->privatekey == NULL)
        && shim_client_cert_from_app(s, &x509, &pkey) == 1
        && x509 != NULL && pkey != NULL) {
        if (!SSL_use_certificate(s, x509) || !SSL_use_PrivateKey(s, pkey))
            ERR_clear_error();
    }
    X509_free(x509);
    EVP_PKEY_free(pkey);
    for (int slot = 0; slot < SHIM_PKEY_NUM; slot++) {
        struct shim_cert_pkey *k = &cert->pkeys[slot];
        if (k->x509 == NULL || k->privatekey == NULL)
            continue;
        if (c->version < TLS1_2_VERSION) {
            const struct tls_sigalg *a = legacy_sigalg(s, k->privatekey);
            if (a != NULL) {
                *key = k;
                return a;
            }
            continue;
        }
        for (size_t i = 0; i < hs->peer_sigalgs_len; i++) {
            const struct tls_sigalg *a = tls_sigalg_by_code(hs->peer_sigalgs[i]);
            if (a != NULL && a->key_slot == slot && tls_sigalg_listed(a->code, ours, nours)
                && tls_sigalg_usable(s, a, SSL_SECOP_SIGALG_SUPPORTED, c->version)) {
                *key = k;
                return a;
            }
        }
    }
    return NULL;
}

static int send_client_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                   struct shim_cert_pkey *key)
{
    tls_builder b;
    if (!tls_b_init(&b, 2048) || !tls_hs_begin_msg(&b, SSL3_MT_CERTIFICATE) || !tls_b_open(&b, 3))
        goto err;
    if (key != NULL) {
        STACK_OF(X509) *chain = tls_chain_to_send(s, key);
        int ok = chain != NULL;
        for (int i = 0; ok && i < sk_X509_num(chain); i++) {
            unsigned char *der = NULL;
            int len = i2d_X509(sk_X509_value(chain, i), &der);
            ok = len > 0 && tls_b_open(&b, 3) && tls_b_bytes(&b, der, (size_t)len)
                 && tls_b_close(&b);
            OPENSSL_free(der);
        }
        sk_X509_pop_free(chain, X509_free);
        if (!ok)
            goto err;
    }
    if (!tls_b_close(&b))
        goto err;
    if (!tls_hs_send_msg(s, c, hs, &b))
        return 0;
    tls_conn_set_state(s, c, TLS_ST_CW_CERT);
    return 1;
err:
    tls_b_cleanup(&b);
    return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

static int send_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                   const struct tls_sigalg *a, struct shim_cert_pkey *key)
{
    tls_builder b;
    uint8_t *sig = NULL;
    size_t sig_len;
    int ok;

    /* TLS 1.2 signs the handshake messages themselves. */
    if (!tls_sig_sign(c->algs, tls_sigalg_scheme(a), key->privatekey, hs->transcript.buf, hs->transcript.len, &sig,
                      &sig_len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_EVP_LIB);
    ok = tls_b_init(&b, sig_len + 16) && tls_hs_begin_msg(&b, SSL3_MT_CERTIFICATE_VERIFY)
         && (c->version < TLS1_2_VERSION || tls_b_u16(&b, a->code)) && tls_b_open(&b, 2)
         && tls_b_bytes(&b, sig, sig_len) && tls_b_close(&b);
    OPENSSL_free(sig);
    if (!ok) {
        tls_b_cleanup(&b);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return 0;
    c->sigalg = tls_sigalg_conn_code(a);
    tls_conn_set_state(s, c, TLS_ST_CW_CERT_VRFY);
    return 1;
}

static int send_ccs(SSL *s, struct tls_conn *c)
{
    static const uint8_t ccs = 1;
    /* A new session takes its suite when our CCS goes out, as stock's: a
     * handshake that fails before shows no current cipher. */
    s->session->cipher = c->cipher;
    tls_conn_note_send(s, c);
    if (!tls_rl_queue(s, &c->rl, SSL3_RT_CHANGE_CIPHER_SPEC, &ccs, 1))
        return 0;
    tls_msg(s, 1, s->version, SSL3_RT_CHANGE_CIPHER_SPEC, &ccs, 1);
    tls_conn_set_state(s, c, TLS_ST_CW_CHANGE);
    return 1;
}

static int send_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE];
    size_t hlen;
    tls_builder b;

    if (!transcript_hash(s, hs, hash, &hlen)
        || !tls12_finished(c->algs, prf_md(c), s->session->master_key, 1, hash, hlen, c->finished))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    c->finished_len = TLS12_FINISHED_LEN;
    /* Stock logs the master secret as it builds its Finished, full
     * handshake or resumption alike. */
    tls_keylog(s, c, "CLIENT_RANDOM", s->session->master_key, TLS12_MASTER_SECRET_LEN);
    if (!tls_b_init(&b, 32) || !tls_hs_begin_msg(&b, SSL3_MT_FINISHED)
        || !tls_b_bytes(&b, c->finished, c->finished_len)) {
        tls_b_cleanup(&b);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return 0;
    tls_conn_set_state(s, c, TLS_ST_CW_FINISHED);
    return 1;
}

/* NextProtocol (draft-agl-tls-nextprotoneg): the protocol we chose, padded
 * with zeros so that the message body is a multiple of 32 bytes. */
static int send_next_protocol(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    static const uint8_t zeros[32];
    size_t padding = 32 - ((c->npn_len + 2) % 32);
    tls_builder b;

    if (!tls_b_init(&b, 64 + c->npn_len) || !tls_hs_begin_msg(&b, SSL3_MT_NEXT_PROTO)
        || !tls_b_open(&b, 1) || !tls_b_bytes(&b, c->npn, c->npn_len) || !tls_b_close(&b)
        || !tls_b_open(&b, 1) || !tls_b_bytes(&b, zeros, padding) || !tls_b_close(&b)) {
        tls_b_cleanup(&b);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return 0;
    tls_conn_set_state(s, c, TLS_ST_CW_NEXT_PROTO);
    return 1;
}

/* Our ChangeCipherSpec, the new keys, [NextProtocol,] Finished. */
static int send_ccs_and_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    return send_ccs(s, c) && install_keys(s, c, hs, 1)
           && (!hs->npn_seen || send_next_protocol(s, c, hs)) && send_finished(s, c, hs);
}

static enum tls_step do_send_client_flight(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct shim_cert_pkey *key = NULL;
    const struct tls_sigalg *a = NULL;
    tls_builder b;
    uint8_t *pms = NULL, hash[EVP_MAX_MD_SIZE];
    size_t pms_len = 0, hlen;
    int ok;

    if (hs->cert_requested) {
        a = choose_client_cert(s, c, hs, &key);
        if (c->failed || !send_client_certificate(s, c, hs, a != NULL ? key : NULL))
            return fail();
    }
    if (!tls_b_init(&b, 512) || !tls_hs_begin_msg(&b, SSL3_MT_CLIENT_KEY_EXCHANGE)) {
        tls_b_cleanup(&b);
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    ok = key_exchange(s, c, hs, &b, &pms, &pms_len);
    if (!ok) {
        tls_b_cleanup(&b);
        OPENSSL_clear_free(pms, pms_len);
        return fail();
    }
    if (!tls_hs_send_msg(s, c, hs, &b)) {
        OPENSSL_clear_free(pms, pms_len);
        return fail();
    }
    tls_conn_set_state(s, c, TLS_ST_CW_KEY_EXCH);
    /* RFC 7627: with EMS the master secret binds the whole handshake so far. */
    ok = transcript_hash(s, hs, hash, &hlen)
         && tls12_master_secret(c->algs, prf_md(c), pms, pms_len, c->client_random,
                                c->server_random,
                                (s->session->flags & SHIM_SESS_FLAG_EXTMS) ? hash : NULL, hlen,
                                s->session->master_key);
    OPENSSL_clear_free(pms, pms_len);
    if (!ok) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    s->session->master_key_length = TLS12_MASTER_SECRET_LEN;
    if (a != NULL && !send_certificate_verify(s, c, hs, a, key))
        return fail();
    tls_transcript_drop_buffer(&hs->transcript);
    if (!send_ccs_and_finished(s, c, hs))
        return fail();
    hs->state = C12_READ_TICKET_OR_CCS;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------- server's finish */

static int process_new_session_ticket12(SSL *s, struct tls_conn *c)
{
    tls_reader r, ticket;
    uint32_t lifetime;
    unsigned int idlen;
    SSL_SESSION *sess;

    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u32(&r, &lifetime) || !tls_r_sub_u16(&r, &ticket) || !tls_r_done(&r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    /* An empty ticket: the server changed its mind (RFC 5077 3.3). */
    if (ticket.len == 0)
        return 1;
    /* A resumed session may already be shared: replace it with a copy. */
    if (s->session->session_id_length > 0) {
        if ((sess = SSL_SESSION_dup(s->session)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        if (s->session_ctx->session_cache_mode & SSL_SESS_CACHE_CLIENT)
            SSL_CTX_remove_session(s->session_ctx, s->session);
        SSL_SESSION_free(s->session);
        s->session = sess;
    }
    sess = s->session;
    OPENSSL_free(sess->ticket);
    if ((sess->ticket = OPENSSL_memdup(ticket.p, ticket.len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    sess->ticket_len = ticket.len;
    sess->ticket_lifetime_hint = lifetime;
    sess->time = time(NULL);
    /* The session id of a ticket session is the ticket's SHA-256 (stock). */
    if (!EVP_Digest(ticket.p, ticket.len, sess->session_id, &idlen, c->algs->sha256, NULL))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    sess->session_id_length = idlen;
    sess->not_resumable = 0;
    return 1;
}

static enum tls_step do_read_ticket_or_ccs(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (hs->ticket_expected && c->hm.msg.type == SSL3_MT_NEWSESSION_TICKET) {
        if (!process_new_session_ticket12(s, c) || !tls_hs_consume_msg(s, c, hs))
            return fail();
        hs->ticket_expected = 0;
        tls_conn_set_state(s, c, TLS_ST_CR_SESSION_TICKET);
        return TLS_STEP_CONTINUE;
    }
    if (c->hm.msg.type != TLS_MT_CHANGE_CIPHER_SPEC || hs->ticket_expected) {
        tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE,
                  c->hm.msg.type == TLS_MT_CHANGE_CIPHER_SPEC ? SSL_R_CCS_RECEIVED_EARLY : SSL_R_UNEXPECTED_MESSAGE);
        return fail();
    }
    /* Handshake messages must not span the change of keys. */
    if (c->hm.pos + c->hm.msg.raw_len != c->hm.len) {
        tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_CCS_RECEIVED_EARLY);
        return fail();
    }
    if (!tls_hs_consume_msg(s, c, NULL) || !install_keys(s, c, hs, 0))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CR_CHANGE);
    hs->state = C12_READ_FINISHED;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_read_finished12(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE], expected[TLS12_FINISHED_LEN];
    size_t hlen;

    if (c->hm.msg.type != SSL3_MT_FINISHED) {
        tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        return fail();
    }
    if (!transcript_hash(s, hs, hash, &hlen)
        || !tls12_finished(c->algs, prf_md(c), s->session->master_key, 0, hash, hlen, expected)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    if (c->hm.msg.len != TLS12_FINISHED_LEN) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_DIGEST_LENGTH);
        return fail();
    }
    if (CRYPTO_memcmp(c->hm.msg.body, expected, TLS12_FINISHED_LEN) != 0) {
        tls_fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_DIGEST_CHECK_FAILED);
        return fail();
    }
    memcpy(c->peer_finished, expected, TLS12_FINISHED_LEN);
    c->peer_finished_len = TLS12_FINISHED_LEN;
    if (!tls_hs_consume_msg(s, c, hs))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CR_FINISHED);
    hs->state = s->hit ? C12_SEND_CCS_AND_FINISHED : C12_DONE;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_ccs_and_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_transcript_drop_buffer(&hs->transcript);
    if (!send_ccs_and_finished(s, c, hs))
        return fail();
    hs->state = C12_DONE;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_done12(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    (void)c;
    (void)hs;
    shim_counter_inc(&s->session_ctx->stats.connect_good);
    if (s->hit)
        shim_counter_inc(&s->session_ctx->stats.hit);
    else
        tls_session_update_client_cache(s);
    return TLS_STEP_DONE;
}

enum tls_step tls_client12_step(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    int reading = hs->state == C12_READ_SERVER_FLIGHT || hs->state == C12_READ_TICKET_OR_CCS
                  || hs->state == C12_READ_FINISHED;

    if (reading && !c->hm.have)
        return TLS_STEP_READ;
    switch (hs->state) {
    case C12_READ_SERVER_FLIGHT:
        return do_read_server_flight(s, c, hs);
    case C12_SEND_CLIENT_FLIGHT:
        return do_send_client_flight(s, c, hs);
    case C12_READ_TICKET_OR_CCS:
        return do_read_ticket_or_ccs(s, c, hs);
    case C12_READ_FINISHED:
        return do_read_finished12(s, c, hs);
    case C12_SEND_CCS_AND_FINISHED:
        return do_send_ccs_and_finished(s, c, hs);
    case C12_DONE:
        return do_done12(s, c, hs);
    default:
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return TLS_STEP_FAIL;
    }
}

int tls_client12_hello_request(SSL *s, struct tls_conn *c)
{
    if (c->hm.msg.len != 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (s->cfg.options & SSL_OP_NO_RENEGOTIATION)
        return tls_send_alert(s, SSL3_AL_WARNING, SSL_AD_NO_RENEGOTIATION);
    c->renegotiate = 1;
    c->renegotiate_new_session = 0; /* stock answers with an abbreviated one */
    return 1;
}

int tls12_export_keying_material(SSL *s, struct tls_conn *c, uint8_t *out, size_t olen,
                                 const char *label, size_t llen, const uint8_t *context,
                                 size_t contextlen, int use_context)
{
    /* RFC 5705: PRF(master, label, client_random + server_random
     * [+ uint16 context length + context]); labels the handshake itself
     * uses are refused. */
    static const char *const reserved[] = {TLS_MD_CLIENT_FINISH_CONST, TLS_MD_SERVER_FINISH_CONST,
                                           TLS_MD_MASTER_SECRET_CONST,
                                           TLS_MD_EXTENDED_MASTER_SECRET_CONST,
                                           TLS_MD_KEY_EXPANSION_CONST};
    size_t vlen = llen + 2 * SSL3_RANDOM_SIZE + (use_context ? 2 + contextlen : 0), pos = 0;
    uint8_t *val = OPENSSL_malloc(vlen > 0 ? vlen : 1);
    int ok = 0;

    if (val == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    memcpy(val, label, llen);
    pos = llen;
    memcpy(val + pos, c->client_random, SSL3_RANDOM_SIZE);
    memcpy(val + pos + SSL3_RANDOM_SIZE, c->server_random, SSL3_RANDOM_SIZE);
    pos += 2 * SSL3_RANDOM_SIZE;
    if (use_context) {
        val[pos++] = (uint8_t)(contextlen >> 8);
        val[pos++] = (uint8_t)contextlen;
        if (contextlen > 0)
            memcpy(val + pos, context, contextlen);
    }
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        if (vlen >= strlen(reserved[i]) && memcmp(val, reserved[i], strlen(reserved[i])) == 0) {
            ERR_raise(ERR_LIB_SSL, SSL_R_TLS_ILLEGAL_EXPORTER_LABEL);
            OPENSSL_clear_free(val, vlen);
            return 0;
        }
    }
    ok = tls1_prf(c->algs, prf_md(c), s->session->master_key, s->session->master_key_length, "",
                  val, vlen, NULL, 0, NULL, 0, out, olen);
    OPENSSL_clear_free(val, vlen);
    return ok;
}
