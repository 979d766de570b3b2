/*
 * shimssl - the TLS 1.3 client, from the ServerHello (or HelloRetryRequest)
 * on, and post-handshake authentication (RFC 8446 2, 4, 4.6.2).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *                        <--------  ServerHello (or HelloRetryRequest)
 *                                   {EncryptedExtensions}
 *                                   {CertificateRequest*}
 *                                   {Certificate*} {CertificateVerify*}
 *                        <--------  {Finished}
 *   [ChangeCipherSpec]
 *   {Certificate*} {CertificateVerify*}
 *   {Finished}           -------->
 *
 * After the handshake, a CertificateRequest starts the same machine at
 * C13_PHA_READ_CERT_REQUEST: Certificate, CertificateVerify, Finished.
 * One function per state; checks in stock's order, so that a given bad
 * message gives the same alert and error as with stock.
 */
#include "shim.h"

#include <string.h>

#include "tls/certificate.h"
#include "tls/cipher_suites.h"
#include "tls/client_auth.h"
#include "tls/handshake13.h"
#include "tls/keylog.h"
#include "tls/machines.h"
#include "tls/session.h"
#include "tls/session_cache.h"
#include "tls/traffic_keys.h"

enum c13_state {
    C13_READ_ENCRYPTED_EXTENSIONS,
    C13_READ_CERT_REQUEST_OR_CERT,
    C13_READ_SERVER_CERTIFICATE,
    C13_READ_CERTIFICATE_VERIFY,
    C13_READ_SERVER_FINISHED,
    C13_SEND_CLIENT_CERTIFICATE,
    C13_SEND_CERTIFICATE_VERIFY,
    C13_SEND_CLIENT_FINISHED,
    C13_DONE,
    C13_PHA_READ_CERT_REQUEST,
    C13_PHA_SEND_FINISHED,
};

const int tls13_client_pha_state = C13_PHA_READ_CERT_REQUEST;

/* The server's suite, checked as stock's set_client_ciphersuite does for
 * TLS 1.3: the same after a HelloRetryRequest, and a resumed session's hash. */
static const SSL_CIPHER *check_cipher(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                      const uint8_t *id)
{
    const SSL_CIPHER *ci = tls_client_check_cipher(s, c, id);

    if (ci == NULL)
        return NULL;
    if (c->cipher != NULL && c->cipher != ci) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CIPHER_RETURNED);
        return NULL;
    }
    if (hs->psk_session != NULL && hs->psk_accepted && hs->psk_session->cipher != ci &&
        tls_suite_handshake_md_nid(hs->psk_session->cipher) != tls_suite_handshake_md_nid(ci)) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_CIPHERSUITE_DIGEST_HAS_CHANGED);
        return NULL;
    }
    return ci;
}

/* ------------------------------------------------------ HelloRetryRequest */

enum tls_step tls13_client_hello_retry(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                       struct tls_server_hello *sh)
{
    const SSL_CIPHER *ci;

    hs->hrr = 1;
    c->version = TLS1_3_VERSION;
    /* From here on the record layer is TLS 1.3's: the server's
     * middlebox-compatibility CCS after the HRR is dropped there. */
    c->rl.version = TLS1_3_VERSION;
    if ((ci = check_cipher(s, c, hs, sh->cipher_id)) == NULL ||
        !tls_ext_collect(s, hs, SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST, &sh->ext_list, sh->ext) ||
        !tls_ext_parse_all(s, c, hs, SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST, sh->ext))
        return TLS_STEP_FAIL;
    /* An HRR that changes nothing would make us send the same ClientHello. */
    if (hs->cl.cookie_len == 0 && hs->kex_priv != NULL)
        return tls_fail(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_NO_CHANGE_FOLLOWING_HRR);
    c->cipher = ci;
    if (!tls13_set_suite(s, c, ci))
        return TLS_STEP_FAIL;
    /* A PSK with another hash cannot be offered again. */
    if (hs->psk_session != NULL && hs->ks.md != c->md) {
        tls_session_free(hs->psk_session);
        hs->psk_session = NULL;
    }
    if (hs->psk_session == NULL && !tls13_secrets_init(&hs->ks, c->algs, c->md))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    /* RFC 8446 4.4.1: ClientHello1 becomes a message_hash message. */
    if (!tls_transcript_set_md(&hs->transcript, c->md) ||
        !tls_transcript_replace_with_message_hash(&hs->transcript))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    /* The middlebox-compatibility CCS goes out before the second ClientHello. */
    if (!tls13_send_compat_ccs(s, c, hs, TLS_ST_CW_CHANGE))
        return TLS_STEP_FAIL;
    tls_hs_switch(hs, &tls_client_hello_machine, TLS_CH_SEND_CLIENT_HELLO);
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------------ ServerHello */

/* The session: resumed if the server took our PSK, else a new one. */
static int settle_session(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    s->hit = 0;
    if (hs->psk_accepted) {
        s->hit = 1;
        if (s->cfg.sid_ctx_length != s->session->sid_ctx_length ||
            memcmp(s->session->sid_ctx, s->cfg.sid_ctx, s->cfg.sid_ctx_length) != 0)
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER,
                             SSL_R_ATTEMPT_TO_REUSE_SESSION_IN_DIFFERENT_CONTEXT);
        return 1;
    }
    if (hs->psk_session != NULL) {
        shim_counter_inc(&s->session_ctx->stats.miss);
        if (!tls_session_new(s))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        tls_session_free(hs->psk_session);
        hs->psk_session = NULL;
    }
    s->session->ssl_version = c->version;
    return 1;
}

enum tls_step tls13_client_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                        struct tls_server_hello *sh)
{
    uint8_t hash[EVP_MAX_MD_SIZE];
    const SSL_CIPHER *ci;

    /* The key change after ServerHello must fall on a record boundary. */
    if (!tls_hs_msg_ends_record(c))
        return tls_fail(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_NOT_ON_RECORD_BOUNDARY);
    /* The PSK decides s->hit before anything else is read. */
    if (!tls_ext_parse_one(s, c, hs, SSL_EXT_TLS1_3_SERVER_HELLO, sh->ext, TLS_EXT_PSK) ||
        !settle_session(s, c, hs) || (ci = check_cipher(s, c, hs, sh->cipher_id)) == NULL)
        return TLS_STEP_FAIL;
    c->cipher = ci;
    if (!tls13_set_suite(s, c, ci))
        return TLS_STEP_FAIL;
    if (!s->hit)
        s->session->cipher = ci;
    if (hs->psk_session == NULL &&
        (!tls13_secrets_init(&hs->ks, c->algs, c->md) || !tls13_derive_early(&hs->ks, NULL, 0)))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_ext_parse_all(s, c, hs, SSL_EXT_TLS1_3_SERVER_HELLO, sh->ext))
        return TLS_STEP_FAIL;
    c->rl.version = TLS1_3_VERSION;
    if ((hs->transcript.ctx == NULL && !tls_transcript_set_md(&hs->transcript, c->md)))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_hs_consume_msg(s, c, hs) || !tls_hs_transcript_hash(s, hs, hash, NULL))
        return TLS_STEP_FAIL;
    if (!tls13_derive_handshake(&hs->ks, hs->dhe, hs->dhe_len, hash))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    OPENSSL_clear_free(hs->dhe, hs->dhe_len);
    hs->dhe = NULL;
    hs->dhe_len = 0;
    tls_keylog(s, c, "SERVER_HANDSHAKE_TRAFFIC_SECRET", hs->ks.server_hs, hs->ks.hlen);
    if (!tls13_install_key(s, c, hs->ks.server_hs, 0))
        return TLS_STEP_FAIL;
    tls_hs_switch(hs, &tls13_client_machine, C13_READ_ENCRYPTED_EXTENSIONS);
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------ EncryptedExtensions */

static enum tls_step do_read_encrypted_extensions(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct tls_ext_set ext;
    tls_reader r, list;

    if (!tls_hs_expect(s, c, SSL3_MT_ENCRYPTED_EXTENSIONS))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_ENCRYPTED_EXTENSIONS);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    /* The block is required here and must fill the message exactly. */
    if (!tls_r_sub_u16(&r, &list) || !tls_r_done(&r))
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    /* A server's supported_groups is allowed here but, as with stock, not
     * read: a client has no use for it (SSL_get1_groups stays empty). */
    if (!tls_ext_collect(s, hs, SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS, &list, &ext) ||
        !tls_ext_parse_all(s, c, hs, SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS, &ext) ||
        !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    /* A resumed session is authenticated by the PSK: no certificate follows. */
    hs->state = s->hit ? C13_READ_SERVER_FINISHED : C13_READ_CERT_REQUEST_OR_CERT;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------ CertificateRequest */

/* struct { opaque certificate_request_context<0..2^8-1>;
 *          Extension extensions<2..2^16-1>; } CertificateRequest; */
static int process_certificate_request(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct tls_ext_set ext;
    tls_reader r, ctx, list;

    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_sub_u8(&r, &ctx))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    OPENSSL_free(hs->cl.cert_req_context);
    hs->cl.cert_req_context_len = 0;
    if ((hs->cl.cert_req_context = OPENSSL_memdup(ctx.p, ctx.len > 0 ? ctx.len : 1)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    hs->cl.cert_req_context_len = ctx.len;
    if (!tls_r_sub_u16(&r, &list))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_LENGTH);
    /* Bytes after the block are refused only once the extensions parsed. */
    if (!tls_ext_collect(s, hs, SSL_EXT_TLS1_3_CERTIFICATE_REQUEST, &list, &ext) ||
        !tls_ext_parse_all(s, c, hs, SSL_EXT_TLS1_3_CERTIFICATE_REQUEST, &ext))
        return 0;
    if (!tls_r_done(&r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    hs->cl.cert_requested = 1;
    /* TLS 1.3 has no certificate types: the last ones are forgotten. */
    OPENSSL_free(c->peer_cert_types);
    c->peer_cert_types = NULL;
    c->peer_cert_types_len = 0;
    c->cert_req = 1;
    return tls_hs_consume_msg(s, c, hs);
}

static enum tls_step do_read_cert_request_or_cert(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (c->hm.msg.type != SSL3_MT_CERTIFICATE_REQUEST) {
        hs->state = C13_READ_SERVER_CERTIFICATE;
        return TLS_STEP_CONTINUE;
    }
    tls_conn_set_state(s, c, TLS_ST_CR_CERT_REQ);
    if (!process_certificate_request(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = C13_READ_SERVER_CERTIFICATE;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------ Certificate, its proof */

static enum tls_step do_read_server_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r;
    uint8_t ctx_len;

    if (!tls_hs_expect(s, c, SSL3_MT_CERTIFICATE))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_CERT);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    /* The server's certificate_request_context is empty. */
    if (!tls_r_u8(&r, &ctx_len) || ctx_len != 0)
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (!tls_parse_certificate_list(s, c, hs, &r, 0) || !tls_client_check_server_chain(s, hs, 0) ||
        !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = C13_READ_CERTIFICATE_VERIFY;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_read_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls_hs_expect(s, c, SSL3_MT_CERTIFICATE_VERIFY))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_CERT_VRFY);
    if (!tls13_process_certificate_verify(s, c, hs) || !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = C13_READ_SERVER_FINISHED;
    return TLS_STEP_CONTINUE;
}

/* ---------------------------------------------------------------- Finished */

static enum tls_step do_read_server_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE];

    if (!tls_hs_expect(s, c, SSL3_MT_FINISHED))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_FINISHED);
    if (!tls13_process_finished(s, c, hs, hs->ks.server_hs) || !tls_hs_consume_msg(s, c, hs) ||
        !tls_hs_transcript_hash(s, hs, hash, NULL))
        return TLS_STEP_FAIL;
    if (!tls13_derive_master(&hs->ks, hash))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    memcpy(c->client_ap, hs->ks.client_ap, c->hash_len);
    memcpy(c->server_ap, hs->ks.server_ap, c->hash_len);
    memcpy(c->exporter, hs->ks.exporter, c->hash_len);
    tls_keylog(s, c, "EXPORTER_SECRET", c->exporter, c->hash_len);
    tls_keylog(s, c, "SERVER_TRAFFIC_SECRET_0", c->server_ap, c->hash_len);
    if (!tls13_install_key(s, c, c->server_ap, 0) || !tls_client_run_status_cb(s))
        return TLS_STEP_FAIL;
    /* Our second flight starts here: its first LOOP event comes before the
     * handshake write key is logged, CCS or not. */
    tls_conn_note_send(s, c);
    /* Middlebox compatibility: a CCS before our second flight, unless one
     * already went out after a HelloRetryRequest. */
    if (!tls13_send_compat_ccs(s, c, hs, TLS_ST_CW_CHANGE))
        return TLS_STEP_FAIL;
    tls_keylog(s, c, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", hs->ks.client_hs, c->hash_len);
    if (!tls13_install_key(s, c, hs->ks.client_hs, 1))
        return TLS_STEP_FAIL;
    hs->state = hs->cl.cert_requested ? C13_SEND_CLIENT_CERTIFICATE : C13_SEND_CLIENT_FINISHED;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------ client certificate */

static enum tls_step do_send_client_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    enum tls_step step = tls_client_send_certificate(s, c, hs);

    if (step != TLS_STEP_CONTINUE)
        return step;
    if (hs->sigalg != NULL)
        hs->state = C13_SEND_CERTIFICATE_VERIFY;
    else
        hs->state = hs->post_handshake ? C13_PHA_SEND_FINISHED : C13_SEND_CLIENT_FINISHED;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls13_send_certificate_verify(s, c, hs))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CW_CERT_VRFY);
    hs->state = hs->post_handshake ? C13_PHA_SEND_FINISHED : C13_SEND_CLIENT_FINISHED;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_client_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE];

    if (!tls13_send_finished(s, c, hs, hs->ks.client_hs))
        return TLS_STEP_FAIL;
    /* The application write key is installed (and logged) before the state
     * changes, as stock's post-work on the Finished does. */
    tls_keylog(s, c, "CLIENT_TRAFFIC_SECRET_0", c->client_ap, c->hash_len);
    if (!tls13_install_key(s, c, c->client_ap, 1))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CW_FINISHED);
    if (!tls_hs_transcript_hash(s, hs, hash, NULL))
        return TLS_STEP_FAIL;
    if (!tls13_derive_resumption(&hs->ks, hash))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    memcpy(c->resumption, hs->ks.resumption, c->hash_len);
    hs->state = C13_DONE;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_done(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    (void)c, (void)hs;
    /* Stock has a TLS 1.3 ticket used once: with the client cache on, the
     * session this handshake resumed leaves it (no longer resumable); the
     * tickets to come are new sessions. */
    if (s->session_ctx->session_cache_mode & SSL_SESS_CACHE_CLIENT)
        tls_cache_remove(s->session_ctx, s->session);
    shim_counter_inc(&s->session_ctx->stats.connect_good);
    if (s->hit)
        shim_counter_inc(&s->session_ctx->stats.hit);
    return TLS_STEP_DONE;
}

/* ------------------------------------------ post-handshake authentication */

static enum tls_step do_pha_read_cert_request(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls_hs_expect(s, c, SSL3_MT_CERTIFICATE_REQUEST))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CR_CERT_REQ);
    if (!process_certificate_request(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = C13_SEND_CLIENT_CERTIFICATE;
    return TLS_STEP_CONTINUE;
}

/* Its Finished key comes from the client application traffic secret. */
static enum tls_step do_pha_send_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls13_send_finished(s, c, hs, c->client_ap))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CW_FINISHED);
    return TLS_STEP_DONE;
}

/* The message the server may send next, checked at its header (stock's
 * transitions). */
static int c13_expects(const SSL *s, const struct tls_conn *c, const struct tls_hs *hs, int type)
{
    (void)s, (void)c;
    switch (hs->state) {
    case C13_READ_ENCRYPTED_EXTENSIONS:
        return type == SSL3_MT_ENCRYPTED_EXTENSIONS;
    case C13_READ_CERT_REQUEST_OR_CERT:
        return type == SSL3_MT_CERTIFICATE_REQUEST || type == SSL3_MT_CERTIFICATE;
    case C13_READ_SERVER_CERTIFICATE:
        return type == SSL3_MT_CERTIFICATE;
    case C13_READ_CERTIFICATE_VERIFY:
        return type == SSL3_MT_CERTIFICATE_VERIFY;
    case C13_READ_SERVER_FINISHED:
        return type == SSL3_MT_FINISHED;
    case C13_PHA_READ_CERT_REQUEST:
        return type == SSL3_MT_CERTIFICATE_REQUEST;
    default:
        return 1;
    }
}

static const struct tls_state c13_states[] = {
    [C13_READ_ENCRYPTED_EXTENSIONS] = {do_read_encrypted_extensions, 1, c13_expects},
    [C13_READ_CERT_REQUEST_OR_CERT] = {do_read_cert_request_or_cert, 1, c13_expects},
    [C13_READ_SERVER_CERTIFICATE] = {do_read_server_certificate, 1, c13_expects},
    [C13_READ_CERTIFICATE_VERIFY] = {do_read_certificate_verify, 1, c13_expects},
    [C13_READ_SERVER_FINISHED] = {do_read_server_finished, 1, c13_expects},
    [C13_SEND_CLIENT_CERTIFICATE] = {do_send_client_certificate, 0},
    [C13_SEND_CERTIFICATE_VERIFY] = {do_send_certificate_verify, 0},
    [C13_SEND_CLIENT_FINISHED] = {do_send_client_finished, 0},
    [C13_DONE] = {do_done, 0},
    [C13_PHA_READ_CERT_REQUEST] = {do_pha_read_cert_request, 1, c13_expects},
    [C13_PHA_SEND_FINISHED] = {do_pha_send_finished, 0},
};

const struct tls_machine tls13_client_machine = {"TLS 1.3 client", c13_states,
                                                 sizeof(c13_states) / sizeof(c13_states[0])};
