/*
 * shimssl - the TLS 1.3 server, from its answer to the ClientHello on, and
 * what it starts after the handshake (RFC 8446 2, 4, 4.6).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *   ClientHello          -------->
 *                        <--------  ServerHello (or HelloRetryRequest, and
 *                                   the ClientHello again)
 *                                   [ChangeCipherSpec]
 *                                   {EncryptedExtensions}
 *                                   {CertificateRequest*}
 *                                   {Certificate*} {CertificateVerify*}
 *                        <--------  {Finished}
 *   {Certificate*} {CertificateVerify*}
 *   {Finished}           -------->
 *                        <--------  [NewSessionTicket*]
 *
 * After the handshake the machine starts again for NewSessionTickets asked
 * for with SSL_new_session_ticket, and for post-handshake authentication:
 * CertificateRequest, then the client's Certificate, CertificateVerify and
 * Finished (and new tickets, as stock sends them).  Steps and events follow
 * stock's server state machine.
 */
#include "shim.h"

#include <errno.h>
#include <openssl/rand.h>
#include <string.h>

#include "crypto/kex.h"
#include "crypto/ticket_crypt.h"
#include "crypto/verify.h"
#include "tls/certificate.h"
#include "tls/handshake13.h"
#include "tls/keylog.h"
#include "tls/machines.h"
#include "tls/server_session.h"
#include "tls/session.h"
#include "tls/session_cache.h"
#include "tls/tickets.h"
#include "tls/traffic_keys.h"

enum s13_state {
    S13_SEND_SERVER_HELLO,
    S13_SEND_ENCRYPTED_EXTENSIONS,
    S13_SEND_CERT_REQUEST,
    S13_SEND_CERTIFICATE,
    S13_SEND_CERTIFICATE_VERIFY,
    S13_SEND_FINISHED,
    S13_READ_CLIENT_CERTIFICATE,
    S13_READ_CERTIFICATE_VERIFY,
    S13_READ_CLIENT_FINISHED,
    S13_SEND_TICKETS,
    S13_DONE,
};

const int tls13_server_tickets_state = S13_SEND_TICKETS;
const int tls13_server_pha_state = S13_SEND_CERT_REQUEST;
const int tls13_server_pha_cert_state = S13_READ_CLIENT_CERTIFICATE;

/* RFC 8446 4.1.3: the ServerHello.random of a HelloRetryRequest. */
static const uint8_t hrr_random[SSL3_RANDOM_SIZE] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

/* RFC 8446 4.6.1: a ticket lives a week at most. */
#define ONE_WEEK (7 * 24 * 60 * 60)

/* The nonce of our NewSessionTickets: a counter, 8 bytes (stock's size). */
#define TICKET_NONCE_LEN 8

/* Refused 0-RTT data may be skipped up to the early-data limit plus what
 * protection adds to a few records (stock's allowance). */
#define EARLY_DATA_OVERHEAD (6 * (16 + 1) + 2)

/* How much refused 0-RTT data we skip before giving up on the client. */
static void refuse_early_data(SSL *s, struct tls_conn *c)
{
    size_t limit = s->cfg.recv_max_early_data;
    c->rl.early_data_left = limit > 0 ? limit + EARLY_DATA_OVERHEAD : 0;
}

enum tls_step tls13_server_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    /* The suite fixes the transcript hash; the ClientHello goes in it now. */
    if (!tls13_set_suite(s, c, c->cipher))
        return TLS_STEP_FAIL;
    if (hs->transcript.ctx == NULL && !tls_transcript_set_md(&hs->transcript, c->md))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    c->rl.version = TLS1_3_VERSION;
    tls_hs_switch(hs, &tls13_server_machine, S13_SEND_SERVER_HELLO);
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------------ ServerHello */

/* The (EC)DHE secret and the handshake traffic keys, once the ServerHello
 * is in the transcript. */
static int handshake_keys(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE];
    uint8_t *dhe = hs->dhe;
    size_t dhe_len = hs->dhe_len;
    int ok;

    /* The secret was made with the ServerHello's key_share (ext_server.c). */
    hs->dhe = NULL;
    hs->dhe_len = 0;
    if (hs->peer_share != NULL && dhe == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (hs->peer_share != NULL &&
        !tls_conn_set_peer_share(c, hs->kex_group, hs->peer_share, hs->peer_share_len)) {
        OPENSSL_clear_free(dhe, dhe_len);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    }
    ok = tls_hs_transcript_hash(s, hs, hash, NULL) &&
         tls13_derive_handshake(&hs->ks, dhe, dhe_len, hash);
    OPENSSL_clear_free(dhe, dhe_len);
    if (!ok)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    tls_keylog(s, c, "SERVER_HANDSHAKE_TRAFFIC_SECRET", hs->ks.server_hs, c->hash_len);
    if (!tls13_install_key(s, c, hs->ks.server_hs, 1))
        return 0;
    tls_keylog(s, c, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", hs->ks.client_hs, c->hash_len);
    if (!tls13_install_key(s, c, hs->ks.client_hs, 0))
        return 0;
    /* Until the client's first protected message, it may still alert in
     * the clear (it could not read our ServerHello, say). */
    c->rl.plain_alerts_ok = 1;
    return 1;
}

/*
 * struct { ProtocolVersion legacy_version = 0x0303; Random random;
 *          opaque legacy_session_id_echo<0..32>; CipherSuite cipher_suite;
 *          uint8 legacy_compression_method = 0; Extension extensions<6..2^16-1>;
 * } ServerHello;                                       (RFC 8446 4.1.3)
 */
static enum tls_step do_send_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    int hrr = hs->sv.hrr_group != 0 && !hs->hrr, ccs;
    unsigned int context = hrr ? SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST : SSL_EXT_TLS1_3_SERVER_HELLO;
    tls_builder b;

    tls_conn_note_send(s, c);
    if (!hrr) {
        /* The key schedule starts from the PSK of a resumed session, whose
         * Early Secret the binder's check derived. */
        int kept = s->hit && hs->sv.psk_early_md == c->md;

        if (!tls13_secrets_init(&hs->ks, c->algs, c->md))
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
        if (kept)
            tls13_set_early(&hs->ks, hs->sv.psk_early);
        else if (!tls13_derive_early(&hs->ks, s->hit ? s->session->master_key : NULL,
                                     s->hit ? s->session->master_key_length : 0))
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
        OPENSSL_cleanse(hs->sv.psk_early, sizeof(hs->sv.psk_early));
        hs->sv.psk_early_md = NULL;
        if (!s->hit)
            s->session->cipher = c->cipher;
    }
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_SERVER_HELLO, 256))
        return TLS_STEP_FAIL;
    if (!tls_b_u16(&b, TLS1_2_VERSION) ||
        !tls_b_bytes(&b, hrr ? hrr_random : c->server_random, SSL3_RANDOM_SIZE) ||
        !tls_b_open(&b, 1) || !tls_b_bytes(&b, hs->sv.ch_session_id, hs->sv.ch_session_id_len) ||
        !tls_b_close(&b) || !tls_b_u16(&b, (uint16_t)(c->cipher->id & 0xffff)) ||
        !tls_b_u8(&b, 0)) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_ext_write_server(s, c, hs, &b, context, 0)) {
        tls_b_cleanup(&b);
        return TLS_STEP_FAIL;
    }
    /* RFC 8446 4.4.1: after a HelloRetryRequest, ClientHello1 is replaced
     * by its hash. */
    if (hrr && !tls_transcript_replace_with_message_hash(&hs->transcript)) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    /* Middlebox compatibility: a CCS after our first ServerHello or
     * HelloRetryRequest.  Keys change after the last of the two, before
     * its state is reported (stock's post-work). */
    ccs = (s->cfg.options & SSL_OP_ENABLE_MIDDLEBOX_COMPAT) && !hs->sent_ccs;
    if (ccs) {
        tls_conn_set_state(s, c, TLS_ST_SW_SRVR_HELLO);
        if (!tls_hs_send_ccs(s, c))
            return TLS_STEP_FAIL;
        hs->sent_ccs = 1;
    }
    if (hrr) {
        tls_conn_set_state(s, c, ccs ? TLS_ST_SW_CHANGE : TLS_ST_SW_SRVR_HELLO);
        /* A new session comes with the second ClientHello. */
        hs->hrr = 1;
        if (hs->sv.early_data_rejected)
            refuse_early_data(s, c); /* it may come before the second ClientHello */
        tls_session_free(s->session);
        s->session = NULL;
        s->hit = 0;
        tls_conn_set_state(s, c, TLS_ST_EARLY_DATA);
        tls_info_loop(s);
        hs->sv.stage = 0;
        tls_hs_switch(hs, &tls_server_hello_machine, TLS_SH_READ_CLIENT_HELLO);
        return TLS_STEP_CONTINUE;
    }
    if (!handshake_keys(s, c, hs))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, ccs ? TLS_ST_SW_CHANGE : TLS_ST_SW_SRVR_HELLO);
    hs->state = S13_SEND_ENCRYPTED_EXTENSIONS;
    return TLS_STEP_CONTINUE;
}

/* -------------------------------------------------- EncryptedExtensions */

static enum tls_step do_send_encrypted_extensions(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_builder b;

    if (!tls_hs_begin_msg(s, &b, SSL3_MT_ENCRYPTED_EXTENSIONS, 64))
        return TLS_STEP_FAIL;
    if (!tls_ext_write_server(s, c, hs, &b, SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS, 0)) {
        tls_b_cleanup(&b);
        return TLS_STEP_FAIL;
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_ENCRYPTED_EXTENSIONS);
    /* A resumed session is authenticated by the PSK. */
    if (s->hit)
        hs->state = S13_SEND_FINISHED;
    else if (tls_server_wants_certificate(s, c))
        hs->state = S13_SEND_CERT_REQUEST;
    else
        hs->state = S13_SEND_CERTIFICATE;
    return TLS_STEP_CONTINUE;
}

/* --------------------------------------------------- CertificateRequest */

/* struct { opaque certificate_request_context<0..2^8-1>;
 *          Extension extensions<2..2^16-1>; } CertificateRequest; */
static enum tls_step do_send_cert_request(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_builder b;
    int ok;

    if (hs->post_handshake) {
        /* A fresh context names this request; the transcript is the
         * handshake's, up to the client's Finished. */
        tls_conn_note_send(s, c);
        OPENSSL_free(c->pha_context);
        c->pha_context_len = 0;
        if ((c->pha_context = OPENSSL_malloc(32)) == NULL ||
            RAND_bytes_ex(s->ctx->libctx, c->pha_context, 32, 0) <= 0)
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        c->pha_context_len = 32;
        if (c->pha == NULL || !tls_transcript_copy(&hs->transcript, c->pha))
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_CERTIFICATE_REQUEST, 256))
        return TLS_STEP_FAIL;
    ok = hs->post_handshake
             ? tls_b_open(&b, 1) && tls_b_bytes(&b, c->pha_context, c->pha_context_len) &&
                   tls_b_close(&b)
             : tls_b_u8(&b, 0);
    if (!ok) {
        tls_b_cleanup(&b);
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_ext_write_server(s, c, hs, &b, SSL_EXT_TLS1_3_CERTIFICATE_REQUEST, 0)) {
        tls_b_cleanup(&b);
        return TLS_STEP_FAIL;
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return TLS_STEP_FAIL;
    c->certreqs_sent++;
    hs->sv.cert_request = 1;
    tls_conn_set_state(s, c, TLS_ST_SW_CERT_REQ);
    if (hs->post_handshake) {
        /* The answer comes later, through SSL_read, and continues this
         * transcript. */
        if (c->pha_request == NULL &&
            (c->pha_request = OPENSSL_zalloc(sizeof(*c->pha_request))) == NULL)
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        tls_transcript_cleanup(c->pha_request);
        if (!tls_transcript_copy(c->pha_request, &hs->transcript))
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        c->pha_state = TLS_PHA_REQUESTED;
        return TLS_STEP_DONE;
    }
    hs->state = S13_SEND_CERTIFICATE;
    return TLS_STEP_CONTINUE;
}

/* ---------------------------------------------- Certificate, its proof */

static enum tls_step do_send_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (hs->key == NULL)
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (!tls_send_certificate(s, c, hs, hs->key, NULL, 0))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_CERT);
    hs->state = S13_SEND_CERTIFICATE_VERIFY;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls13_send_certificate_verify(s, c, hs))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_CERT_VRFY);
    hs->state = S13_SEND_FINISHED;
    return TLS_STEP_CONTINUE;
}

/* ---------------------------------------------------------------- Finished */

static enum tls_step do_send_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE];

    if (!tls13_send_finished(s, c, hs, hs->ks.server_hs))
        return TLS_STEP_FAIL;
    if (!tls_hs_transcript_hash(s, hs, hash, NULL))
        return TLS_STEP_FAIL;
    if (!tls13_derive_master(&hs->ks, hash))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    memcpy(c->client_ap, hs->ks.client_ap, c->hash_len);
    memcpy(c->server_ap, hs->ks.server_ap, c->hash_len);
    memcpy(c->exporter, hs->ks.exporter, c->hash_len);
    tls_keylog(s, c, "EXPORTER_SECRET", c->exporter, c->hash_len);
    tls_keylog(s, c, "SERVER_TRAFFIC_SECRET_0", c->server_ap, c->hash_len);
    if (!tls13_install_key(s, c, c->server_ap, 1))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_FINISHED);
    /* The early-data point: refused 0-RTT records are skipped until the
     * client's handshake keys are in use. */
    tls_conn_set_state(s, c, TLS_ST_EARLY_DATA);
    tls_info_loop(s);
    if (hs->sv.early_data_rejected && !hs->hrr) {
        c->rl.skip_early_data = 1;
        refuse_early_data(s, c);
    }
    hs->state = hs->sv.cert_request ? S13_READ_CLIENT_CERTIFICATE : S13_READ_CLIENT_FINISHED;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------- the client's answer */

/* The client's certificate checked and recorded: the leaf as the session's
 * peer, the rest as its chain (a server's convention: without the leaf). */
static int take_client_chain(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    STACK_OF(X509) *chain = hs->peer_chain;

    if (sk_X509_num(chain) == 0) {
        if ((s->cfg.verify_mode & SSL_VERIFY_PEER) &&
            (s->cfg.verify_mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT))
            return tls_fatal(s, SSL_AD_CERTIFICATE_REQUIRED,
                             SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE);
    } else {
        if (shim_verify_chain(s, chain) <= 0)
            return tls_fatal(s, shim_verify_error_alert(s->verify_result),
                             SSL_R_CERTIFICATE_VERIFY_FAILED);
        if (X509_get0_pubkey(sk_X509_value(chain, 0)) == NULL)
            return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_UNKNOWN_CERTIFICATE_TYPE);
    }
    /* The session may be in a cache already: a copy takes the new peer. */
    if (hs->post_handshake) {
        SSL_SESSION *dup = tls_session_dup(s->session);
        if (dup == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        tls_session_free(s->session);
        s->session = dup;
    }
    X509_free(s->session->peer);
    s->session->peer = sk_X509_num(chain) > 0 ? sk_X509_shift(chain) : NULL;
    s->session->verify_result = s->verify_result;
    sk_X509_pop_free(s->session->peer_chain, X509_free);
    s->session->peer_chain = chain;
    hs->peer_chain = NULL;
    /* New tickets follow, for the session with its new peer. */
    c->sent_tickets = 0;
    return 1;
}

/* struct { opaque certificate_request_context<0..2^8-1>;
 *          CertificateEntry certificate_list<0..2^24-1>; } Certificate; */
static enum tls_step do_read_client_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, ctx;

    if (!tls_hs_expect(s, c, SSL3_MT_CERTIFICATE))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SR_CERT);
    c->rl.plain_alerts_ok = 0;
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_sub_u8(&r, &ctx) || (c->pha_context == NULL && ctx.len != 0) ||
        (c->pha_context != NULL &&
         (ctx.len != c->pha_context_len || memcmp(ctx.p, c->pha_context, ctx.len) != 0)))
        return tls_fail(s, SSL_AD_DECODE_ERROR, SSL_R_INVALID_CONTEXT);
    if (!tls_parse_certificate_list(s, c, hs, &r, 1) || !take_client_chain(s, c, hs) ||
        !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = s->session->peer != NULL ? S13_READ_CERTIFICATE_VERIFY : S13_READ_CLIENT_FINISHED;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_read_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!tls_hs_expect(s, c, SSL3_MT_CERTIFICATE_VERIFY))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SR_CERT_VRFY);
    if (!tls13_process_certificate_verify(s, c, hs) || !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    hs->state = S13_READ_CLIENT_FINISHED;
    return TLS_STEP_CONTINUE;
}

/* Keeps the handshake's transcript, up to the client's Finished: every
 * post-handshake request continues it (saved once, as stock). */
static int save_for_pha(struct tls_conn *c, struct tls_hs *hs)
{
    if (c->pha != NULL)
        return 1;
    if ((c->pha = OPENSSL_zalloc(sizeof(*c->pha))) == NULL)
        return 0;
    return tls_transcript_copy(c->pha, &hs->transcript);
}

static enum tls_step do_read_client_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE];
    int pha = hs->post_handshake;

    if (!tls_hs_expect(s, c, SSL3_MT_FINISHED))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SR_FINISHED);
    c->rl.plain_alerts_ok = 0;
    if (!tls13_process_finished(s, c, hs, pha ? c->client_ap : hs->ks.client_hs) ||
        !tls_hs_consume_msg(s, c, hs))
        return TLS_STEP_FAIL;
    if (c->pha_state != TLS_PHA_NONE && !save_for_pha(c, hs))
        return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (pha) {
        c->pha_state = TLS_PHA_EXT_RECEIVED;
    } else {
        tls_keylog(s, c, "CLIENT_TRAFFIC_SECRET_0", c->client_ap, c->hash_len);
        if (!tls13_install_key(s, c, c->client_ap, 0) || !tls_hs_transcript_hash(s, hs, hash, NULL))
            return TLS_STEP_FAIL;
        if (!tls13_derive_resumption(&hs->ks, hash))
            return tls_fail(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
        memcpy(c->resumption, hs->ks.resumption, c->hash_len);
        if (!hs->ticket_expected) {
            hs->state = S13_DONE;
            return TLS_STEP_CONTINUE;
        }
    }
    hs->state = s->cfg.num_tickets > c->sent_tickets ? S13_SEND_TICKETS : S13_DONE;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------ NewSessionTicket */

/* The end of a first handshake is reported before its tickets go out. */
static void report_done(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (hs->sv.done_reported || hs->post_handshake)
        return;
    hs->sv.done_reported = 1;
    c->state = TLS_ST_SW_SESSION_TICKET; /* where stock's machine stands then */
    shim_counter_inc(&s->ctx->stats.accept_good);
    c->in_init = 0;
    tls_info(s, SSL_CB_HANDSHAKE_DONE, 1);
    c->in_init = 1;
}

/*
 * struct { uint32 ticket_lifetime; uint32 ticket_age_add;
 *          opaque ticket_nonce<0..255>; opaque ticket<1..2^16-1>;
 *          Extension extensions<0..2^16-2>; } NewSessionTicket;
 * Its session is a copy of ours with the ticket's PSK as master secret and
 * a new id; sealed into the ticket, or with SSL_OP_NO_TICKET kept in the
 * cache under that id.  0 after tls_fatal.
 */
static int send_ticket(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    /* The ticket's randomness in one draw (each RAND_bytes_ex call costs
     * ~6 K instructions and two exclusive locks): its session id, its age
     * add, the IV it is sealed with. */
    uint8_t rnd[SSL3_SSL_SESSION_ID_LENGTH + 4 + SHIM_TICKET_IV_LEN];
    const uint8_t *rnd_id = rnd, *rnd_age = rnd + SSL3_SSL_SESSION_ID_LENGTH, *rnd_iv = rnd_age + 4;
    uint8_t nonce[TICKET_NONCE_LEN], *ticket = NULL;
    SSL_SESSION *ss;
    size_t ticket_len = 0;
    uint64_t n = c->ticket_nonce;
    uint32_t age_add, lifetime;
    SSL_CTX *tctx = s->session_ctx;
    enum tls_ticket_made made;
    tls_builder b;
    int ok;

    /* A session that may be shared (cached, or ticketed already) is copied. */
    if (c->sent_tickets != 0 || s->hit) {
        if ((ss = tls_session_dup(s->session)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_SSL_LIB);
        tls_session_free(s->session);
        s->session = ss;
    }
    ss = s->session;
    if (RAND_bytes_ex(s->ctx->libctx, rnd, sizeof(rnd), 0) <= 0)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (!tls_server_session_id(s, ss, rnd_id))
        return 0;
    memcpy(&age_add, rnd_age, sizeof(age_add));
    ss->ticket_age_add = age_add;
    for (size_t i = TICKET_NONCE_LEN; i > 0; i--, n >>= 8)
        nonce[i - 1] = (uint8_t)n;
    if (!tls13_ticket_psk(c->algs, c->md, c->resumption, nonce, sizeof(nonce), ss->master_key))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    ss->master_key_length = c->hash_len;
    ss->time = time(NULL);
    if (c->alpn != NULL) {
        OPENSSL_free(ss->alpn_selected);
        ss->alpn_selected_len = 0;
        if ((ss->alpn_selected = OPENSSL_memdup(c->alpn, c->alpn_len > 0 ? c->alpn_len : 1)) ==
            NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
        ss->alpn_selected_len = c->alpn_len;
    }
    ss->max_early_data = s->cfg.max_early_data;
    if (tctx->generate_ticket_cb != NULL && !tctx->generate_ticket_cb(s, tctx->ticket_cb_data))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    made =
        tls_ticket_make(s, (s->cfg.options & SSL_OP_NO_TICKET) != 0, rnd_iv, &ticket, &ticket_len);
    if (made == TLS_TICKET_FAILED)
        return 0;
    c->sent_tickets++;
    c->ticket_nonce++;
    if (c->extra_tickets > 0)
        c->extra_tickets--;
    /* The application's key callback declined: this ticket is not sent. */
    if (made == TLS_TICKET_DECLINED)
        return 1;
    lifetime = ss->timeout > ONE_WEEK ? ONE_WEEK : (uint32_t)ss->timeout;
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_NEWSESSION_TICKET, ticket_len + 64)) {
        OPENSSL_free(ticket);
        return 0;
    }
    ok = tls_b_u32(&b, lifetime) && tls_b_u32(&b, age_add) && tls_b_open(&b, 1) &&
         tls_b_bytes(&b, nonce, sizeof(nonce)) && tls_b_close(&b) && tls_b_open(&b, 2) &&
         tls_b_bytes(&b, ticket, ticket_len) && tls_b_close(&b);
    OPENSSL_free(ticket);
    if (!ok) {
        tls_b_cleanup(&b);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_ext_write_server(s, c, hs, &b, SSL_EXT_TLS1_3_NEW_SESSION_TICKET, 0)) {
        tls_b_cleanup(&b);
        return 0;
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return 0;
    tls_update_server_cache(s);
    return 1;
}

/* A client that closes at once need not read its tickets: a closed
 * connection while sending them is not an error (stock's tolerance). */
static int flush_tickets(SSL *s, struct tls_conn *c)
{
    enum tls_rl_result r;

    errno = 0;
    if ((r = tls_rl_flush_flight(s, &c->rl)) == TLS_RL_OK)
        return 1;
    if (r == TLS_RL_RETRY && s->rwstate != SSL_WRITING && (errno == EPIPE || errno == ECONNRESET)) {
        c->rl.w_pos = c->rl.w_end;
        s->rwstate = SSL_NOTHING;
        return 1;
    }
    return 0;
}

static enum tls_step do_send_tickets(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_conn_note_send(s, c);
    report_done(s, c, hs);
    /* (A ticket's session gets an id of its own: not a TLS 1.2 ticket's.) */
    hs->ticket_expected = 0;
    if (!send_ticket(s, c, hs))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_SW_SESSION_TICKET);
    /* Tickets asked for first; then, after a full handshake, up to
     * num_tickets; after a resumption one is enough. */
    if (c->extra_tickets == 0 && (s->hit || s->cfg.num_tickets <= c->sent_tickets))
        hs->state = S13_DONE;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_done(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (!hs->post_handshake && !hs->sv.done_reported) {
        hs->sv.done_reported = 1;
        shim_counter_inc(&s->ctx->stats.accept_good);
    }
    if (!flush_tickets(s, c))
        return TLS_STEP_SUSPEND; /* the driver reports the write that failed */
    return TLS_STEP_DONE;
}

static const struct tls_state s13_states[] = {
    [S13_SEND_SERVER_HELLO] = {do_send_server_hello, 0},
    [S13_SEND_ENCRYPTED_EXTENSIONS] = {do_send_encrypted_extensions, 0},
    [S13_SEND_CERT_REQUEST] = {do_send_cert_request, 0},
    [S13_SEND_CERTIFICATE] = {do_send_certificate, 0},
    [S13_SEND_CERTIFICATE_VERIFY] = {do_send_certificate_verify, 0},
    [S13_SEND_FINISHED] = {do_send_finished, 0},
    [S13_READ_CLIENT_CERTIFICATE] = {do_read_client_certificate, 1},
    [S13_READ_CERTIFICATE_VERIFY] = {do_read_certificate_verify, 1},
    [S13_READ_CLIENT_FINISHED] = {do_read_client_finished, 1},
    [S13_SEND_TICKETS] = {do_send_tickets, 0},
    [S13_DONE] = {do_done, 0},
};

const struct tls_machine tls13_server_machine = {"TLS 1.3 server", s13_states,
                                                 sizeof(s13_states) / sizeof(s13_states[0])};
