/*
 * shimssl - the handshake driver and handshake message framing.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <errno.h>

#include <string.h>

#include "tls/appdata.h"
#include "tls/client_hello.h"
#include "tls/handshake.h"
#include "tls/machines.h"
#include "tls/post_handshake.h"
#include "tls/session.h"

void tls_hs_free(struct tls_hs *hs)
{
    if (hs == NULL)
        return;
    tls_transcript_cleanup(&hs->transcript);
    tls13_secrets_cleanup(&hs->ks);
    EVP_PKEY_free(hs->kex_priv);
    EVP_PKEY_free(hs->peer_kex);
    OPENSSL_free(hs->peer_share);
    OPENSSL_clear_free(hs->dhe, hs->dhe_len);
    tls_session_free(hs->psk_session);
    sk_X509_pop_free(hs->peer_chain, X509_free);
    OPENSSL_free(hs->peer_sigalgs);
    OPENSSL_free(hs->peer_sigalgs_cert);
    sk_X509_NAME_pop_free(hs->peer_ca_names, X509_NAME_free);
    OPENSSL_free(hs->cl.cookie);
    OPENSSL_free(hs->cl.cert_req_context);
    OPENSSL_free(hs->sv.alpn_proposed);
    tls_client_hello_cleanup(hs->sv.ch);
    OPENSSL_free(hs->sv.ch);
    OPENSSL_clear_free(hs, sizeof(*hs));
}

int tls_hs_expect(SSL *s, struct tls_conn *c, int type)
{
    if (c->hm.msg.type != type)
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
    return 1;
}

int tls_hs_transcript_hash(SSL *s, struct tls_hs *hs, uint8_t *out, size_t *len)
{
    size_t n;
    if (!tls_transcript_hash(&hs->transcript, out, len != NULL ? len : &n))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    return 1;
}

/* ------------------------------------------------------------ message input */

/* The largest body stock accepts for each message a server reads (its
 * per-state limits, keyed here by the message that leads to the state). */
static size_t server_max_message_len(SSL *s, int type)
{
    switch (type) {
    case SSL3_MT_CLIENT_HELLO:
        return 131396; /* stock's CLIENT_HELLO_MAX_LENGTH */
    case SSL3_MT_END_OF_EARLY_DATA:
        return 0;
    case SSL3_MT_CERTIFICATE:
        return s->cfg.max_cert_list;
    case SSL3_MT_CERTIFICATE_VERIFY:
        return SSL3_RT_MAX_PLAIN_LENGTH;
    case SSL3_MT_CLIENT_KEY_EXCHANGE:
        return 2048;
    case SSL3_MT_NEXT_PROTO:
        return 514;
    case SSL3_MT_FINISHED:
        return 64;
    case SSL3_MT_KEY_UPDATE:
        return 1;
    default:
        return SSL3_RT_MAX_PLAIN_LENGTH;
    }
}

/* The largest body stock accepts for each message a client reads (its
 * per-state limits, keyed here by the message that leads to the state). */
static size_t max_message_len(SSL *s, int type)
{
    if (s->server)
        return server_max_message_len(s, type);
    switch (type) {
    case SSL3_MT_HELLO_REQUEST:
    case SSL3_MT_SERVER_DONE:
        return 0;
    case SSL3_MT_SERVER_HELLO:
        return 65607;
    case SSL3_MT_ENCRYPTED_EXTENSIONS:
        return 20000;
    case SSL3_MT_CERTIFICATE:
    case SSL3_MT_CERTIFICATE_REQUEST:
        return s->cfg.max_cert_list;
    case SSL3_MT_SERVER_KEY_EXCHANGE:
        return 102400;
    case SSL3_MT_NEWSESSION_TICKET:
        return s->version == TLS1_3_VERSION ? 131338 : 65541;
    case SSL3_MT_FINISHED:
        return 64;
    case SSL3_MT_KEY_UPDATE:
        return 1;
    default:
        return SSL3_RT_MAX_PLAIN_LENGTH;
    }
}

/* Whether the state the handshake is in (or, after it, the established
 * connection) takes a message of this type now. */
static int type_expected(const SSL *s, const struct tls_conn *c, int type, int post_handshake)
{
    const struct tls_hs *hs = c->hs;

    if (hs != NULL) {
        const struct tls_state *st;
        if (hs->machine == NULL || hs->state < 0 || (size_t)hs->state >= hs->machine->nstates)
            return 1; /* the driver fails it when it runs */
        st = &hs->machine->states[hs->state];
        return st->expects == NULL || st->expects(s, c, hs, type);
    }
    return !post_handshake || tls_post_handshake_expected(s, c, type);
}

/*
 * The header of the next message has arrived: stock's state machine reports
 * its current state to the info callback now, before the message itself.
 * After the handshake, stock first passes through its writing side, which
 * reports the same state once more.
 */
static void note_header(SSL *s, struct tls_conn *c)
{
    if (c->hs == NULL) {
        /* Before TLS 1.3 any message after the handshake begins a new one. */
        if (c->version < TLS1_3_VERSION)
            tls_info(s, SSL_CB_HANDSHAKE_START, 1);
        tls_info_loop(s);
    }
    c->writing = 0;
    tls_info_loop(s);
}

/*
 * What the header of the message at pos decides as soon as its four bytes
 * are in, in stock's order: an empty HelloRequest during a client's handshake
 * is dropped (RFC 5246 7.4.1.1: ignored, and not hashed); the info callback
 * hears of the message; its type must be one the current state expects
 * (unexpected_message), then its length within that type's limit
 * (illegal_parameter / excessive_message_size), all before any of its body
 * is awaited.  1: the header is good; 0: not all in yet; -1: failed.
 */
static int check_header(SSL *s, struct tls_conn *c, int post_handshake)
{
    struct tls_msg_in *in = &c->hm;
    const uint8_t *p;
    size_t len;

    if (in->header_seen)
        return 1;
    for (;;) {
        if (in->len - in->pos < 4)
            return 0; /* (before the first record, in->buf is NULL) */
        p = in->buf + in->pos;
        if (s->server || c->hs == NULL || p[0] != SSL3_MT_HELLO_REQUEST ||
            (p[1] | p[2] | p[3]) != 0)
            break;
        tls_msg(s, 0, s->version, SSL3_RT_HANDSHAKE, p, 4);
        in->pos += 4;
    }
    in->header_seen = 1;
    note_header(s, c);
    len = ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
    if (!type_expected(s, c, p[0], post_handshake)) {
        tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        return -1;
    }
    if (len > max_message_len(s, p[0])) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_EXCESSIVE_MESSAGE_SIZE);
        return -1;
    }
    return 1;
}

/* The message callback for the message just framed (an SSL 2.0
 * ClientHello is reported as stock reports it: version 2, no type). */
static void msg_callback(SSL *s, struct tls_conn *c)
{
    if (c->hm.sslv2_len != 0)
        tls_msg(s, 0, SSL2_VERSION, 0, c->hm.msg.raw, c->hm.msg.raw_len);
    else
        tls_msg(s, 0, s->version, SSL3_RT_HANDSHAKE, c->hm.msg.raw, c->hm.msg.raw_len);
}

/* An SSL 2.0 ClientHello is its whole record: its type, then the body
 * (RFC 5246 E.2); the transcript takes all of it. */
static int sslv2_message_ready(SSL *s, struct tls_conn *c)
{
    struct tls_msg_in *in = &c->hm;
    const uint8_t *p;

    if (in->len - in->pos < in->sslv2_len)
        return 0;
    if (!in->header_seen) {
        in->header_seen = 1;
        note_header(s, c);
    }
    p = in->buf + in->pos;
    in->msg.type = p[0];
    in->msg.body = p + 1;
    in->msg.len = in->sslv2_len - 1;
    in->msg.raw = p;
    in->msg.raw_len = in->sslv2_len;
    in->have = 1;
    msg_callback(s, c);
    return 1;
}

/* A complete message at pos, if there is one: 1 (then in in->msg), 0 (not
 * yet), -1 (its header failed the connection). */
static int message_ready(SSL *s, struct tls_conn *c, int post_handshake)
{
    struct tls_msg_in *in = &c->hm;
    const uint8_t *p;
    size_t len;
    int h;

    if (in->sslv2_len != 0)
        return sslv2_message_ready(s, c);
    if ((h = check_header(s, c, post_handshake)) <= 0)
        return h;
    p = in->buf + in->pos;
    len = ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
    if (in->len - in->pos - 4 < len)
        return 0;
    in->msg.type = p[0];
    in->msg.body = p + 4;
    in->msg.len = len;
    in->msg.raw = p;
    in->msg.raw_len = 4 + len;
    in->have = 1;
    msg_callback(s, c);
    return 1;
}

static int append_in(struct tls_msg_in *in, const uint8_t *data, size_t len)
{
    if (in->pos == in->len)
        in->pos = in->len = 0;
    if (len > in->cap - in->len) {
        size_t cap = in->cap ? in->cap : 4096;
        while (cap < in->len + len)
            cap *= 2;
        uint8_t *nb = OPENSSL_realloc(in->buf, cap);
        if (nb == NULL)
            return 0;
        in->buf = nb;
        in->cap = cap;
    }
    memcpy(in->buf + in->len, data, len);
    in->len += len;
    return 1;
}

int tls_hs_append_record(SSL *s, struct tls_conn *c)
{
    int ok = append_in(&c->hm, c->rl.rdata, c->rl.rlen);
    tls_rl_release_record(&c->rl);
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
}

int tls_hs_next_buffered(SSL *s, struct tls_conn *c)
{
    if (c->hm.have)
        return 1;
    return message_ready(s, c, 1) > 0;
}

/* No version is chosen yet: a client before the ServerHello, a server
 * before the ClientHello (a method for one version has chosen it). */
static int no_version_yet(const SSL *s, const struct tls_conn *c)
{
    return c->version == 0 && s->method->version == TLS_ANY_VERSION;
}

/* A record the handshake cannot take.  Until a version is chosen stock
 * refuses any such record as an unexpected message. */
static enum tls_rl_result unexpected_record(SSL *s, struct tls_conn *c)
{
    tls_rl_release_record(&c->rl);
    tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE,
              no_version_yet(s, c) ? SSL_R_UNEXPECTED_MESSAGE : SSL_R_UNEXPECTED_RECORD);
    return TLS_RL_FATAL;
}

static enum tls_rl_result ccs_failure(SSL *s, struct tls_conn *c, int reason)
{
    tls_rl_release_record(&c->rl);
    tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, reason);
    return TLS_RL_FATAL;
}

enum tls_rl_result tls_hs_read_msg(SSL *s, struct tls_conn *c)
{
    if (c->hm.have)
        return TLS_RL_OK;
    for (;;) {
        enum tls_rl_result r;
        int ready = message_ready(s, c, 0);

        if (ready > 0)
            return TLS_RL_OK;
        if (ready < 0)
            return TLS_RL_FATAL;
        if ((r = tls_rl_read(s, &c->rl)) != TLS_RL_OK)
            return r;
        /* A server that has not chosen its version takes nothing but a
         * ClientHello; it answers in the record's version (stock). */
        if (s->server && c->version == 0 && s->method->version == TLS_ANY_VERSION &&
            c->rl.rtype != SSL3_RT_HANDSHAKE) {
            s->version = c->rl.rversion;
            c->rl.wversion = c->rl.rversion;
            tls_rl_release_record(&c->rl);
            tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
            return TLS_RL_FATAL;
        }
        /* Between the peer's ChangeCipherSpec and its Finished only the
         * Finished may come (stock: any other record, alerts too). */
        if (c->ccs_before_finished && c->rl.rtype != SSL3_RT_HANDSHAKE) {
            tls_rl_release_record(&c->rl);
            tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_DATA_BETWEEN_CCS_AND_FINISHED);
            return TLS_RL_FATAL;
        }
        switch (c->rl.rtype) {
        case SSL3_RT_HANDSHAKE:
            if (c->rl.sslv2)
                c->hm.sslv2_len = c->rl.rlen;
            if (!tls_hs_append_record(s, c))
                return TLS_RL_FATAL;
            break;
        case SSL3_RT_ALERT: {
            enum tls_alert_result a = tls_alert_received(s, c->rl.rdata, c->rl.rlen);
            tls_rl_release_record(&c->rl);
            if (a == TLS_ALERT_FATAL || a == TLS_ALERT_PEER_FATAL)
                return TLS_RL_FATAL;
            if (a == TLS_ALERT_CLOSED) {
                /* The peer closed before the handshake finished. */
                tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
                return TLS_RL_FATAL;
            }
            break;
        }
        case SSL3_RT_CHANGE_CIPHER_SPEC:
            /* TLS 1.2 and below: the CCS comes to the state machine as a
             * pseudo message (TLS 1.3's are dropped by the record layer). */
            if (c->version >= TLS1_3_VERSION)
                return unexpected_record(s, c);
            /* RFC 5246 7.1: the single byte 1, never inside a handshake
             * message.  Stock fails both with unexpected_message: once a
             * message's header is in, the CCS came early (or, before a
             * version is chosen, is any unexpected record); before that (a
             * header half read, or a malformed CCS) it is a bad one. */
            if (c->hm.len - c->hm.pos >= 4)
                return no_version_yet(s, c) ? unexpected_record(s, c)
                                            : ccs_failure(s, c, SSL_R_CCS_RECEIVED_EARLY);
            if (c->hm.len != c->hm.pos || c->rl.rlen != 1 || c->rl.rdata[0] != SSL3_MT_CCS)
                return ccs_failure(s, c, SSL_R_BAD_CHANGE_CIPHER_SPEC);
            /* A CCS is a message to stock's state machine (a LOOP event),
             * though it reports no message callback for it. */
            c->writing = 0;
            tls_info_loop(s);
            tls_rl_release_record(&c->rl);
            c->hm.have = 1;
            c->hm.msg.type = TLS_MT_CHANGE_CIPHER_SPEC;
            c->hm.msg.body = c->hm.msg.raw = NULL;
            c->hm.msg.len = c->hm.msg.raw_len = 0;
            return TLS_RL_OK;
        case SSL3_RT_APPLICATION_DATA:
            /* A renegotiating client still takes data until the server
             * answers its ClientHello, as stock does, when it is reading. */
            if (c->hs != NULL && c->hs->renegotiation && c->state == TLS_ST_CW_CLNT_HELLO &&
                c->in_read_app) {
                if (c->rl.rlen == 0) { /* nothing to give */
                    tls_rl_release_record(&c->rl);
                    break;
                }
                c->app = c->rl.rdata;
                c->app_len = c->rl.rlen;
                return TLS_RL_APPDATA;
            }
            /* After a HelloRetryRequest, 0-RTT data the client sent with
             * its first ClientHello arrives before the second: skipped. */
            if (s->server && c->hs != NULL && c->hs->hrr && c->hs->sv.early_data_rejected &&
                !c->rl.rd.keyed) {
                size_t len = c->rl.rlen;
                tls_rl_release_record(&c->rl);
                if (!tls_rl_skip_early_record(s, &c->rl, len))
                    return TLS_RL_FATAL;
                break;
            }
            return unexpected_record(s, c);
        default:
            return unexpected_record(s, c);
        }
    }
}

int tls_hs_msg_ends_record(const struct tls_conn *c)
{
    return c->hm.pos + c->hm.msg.raw_len == c->hm.len;
}

int tls_hs_consume_msg(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct tls_msg_in *in = &c->hm;
    if (hs != NULL && !tls_transcript_add(&hs->transcript, in->msg.raw, in->msg.raw_len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    in->pos += in->msg.raw_len;
    in->have = 0;
    in->header_seen = 0;
    in->sslv2_len = 0;
    memset(&in->msg, 0, sizeof(in->msg));
    /* Nothing left: an established connection keeps no handshake buffer. */
    if (in->pos == in->len) {
        OPENSSL_free(in->buf);
        in->buf = NULL;
        in->len = in->cap = in->pos = 0;
    }
    return 1;
}

/* ----------------------------------------------------------- message output */

int tls_hs_begin_msg(SSL *s, tls_builder *b, int type, size_t size_hint)
{
    if (!tls_b_init(b, size_hint) || !tls_b_u8(b, (uint8_t)type) || !tls_b_open(b, 3)) {
        tls_b_cleanup(b);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    }
    return 1;
}

int tls_hs_send_raw(SSL *s, struct tls_conn *c, struct tls_hs *hs, const uint8_t *msg, size_t len)
{
    tls_conn_note_send(s, c);
    if (!tls_transcript_add(&hs->transcript, msg, len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_rl_queue_all(s, &c->rl, SSL3_RT_HANDSHAKE, msg, len))
        return 0; /* the record layer failed the connection */
    /* Stock reports the message after its records. */
    tls_msg(s, 1, s->version, SSL3_RT_HANDSHAKE, msg, len);
    return 1;
}

int tls_hs_send_msg(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b)
{
    uint8_t *msg = NULL;
    size_t len = 0;
    int ok = tls_b_close(b) && tls_b_finish(b, &msg, &len);

    tls_b_cleanup(b);
    if (!ok)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    ok = tls_hs_send_raw(s, c, hs, msg, len);
    OPENSSL_free(msg);
    return ok;
}

int tls_hs_send_ccs(SSL *s, struct tls_conn *c)
{
    static const uint8_t ccs = SSL3_MT_CCS;

    tls_conn_note_send(s, c);
    if (!tls_rl_queue(s, &c->rl, SSL3_RT_CHANGE_CIPHER_SPEC, &ccs, 1))
        return 0;
    tls_msg(s, 1, s->version, SSL3_RT_CHANGE_CIPHER_SPEC, &ccs, 1);
    return 1;
}

/* ------------------------------------------------------------------ driver */

/* Ending a handshake: what it leaves for later, and stock's events. */
static int finish(SSL *s, struct tls_conn *c)
{
    struct tls_hs *hs = c->hs;
    int post = hs->post_handshake, done_reported = hs->sv.done_reported;

    /* Offered post-handshake authentication needs the handshake's transcript. */
    if (c->version == TLS1_3_VERSION && !post && s->cfg.pha_enabled && !s->server &&
        hs->transcript.ctx != NULL && c->pha == NULL) {
        if ((c->pha = OPENSSL_zalloc(sizeof(*c->pha))) != NULL &&
            !tls_transcript_copy(c->pha, &hs->transcript)) {
            OPENSSL_free(c->pha);
            c->pha = NULL;
        }
    }
    /* What the peer asked of us stays queryable after the handshake. */
    if (hs->peer_sigalgs != NULL || hs->peer_ca_names != NULL) {
        OPENSSL_free(c->peer_sigalgs);
        sk_X509_NAME_pop_free(c->peer_ca_names, X509_NAME_free);
        c->peer_sigalgs = hs->peer_sigalgs;
        c->peer_sigalgs_len = hs->peer_sigalgs_len;
        c->peer_ca_names = hs->peer_ca_names;
        hs->peer_sigalgs = NULL;
        hs->peer_ca_names = NULL;
    }
    tls_hs_free(hs);
    c->hs = NULL;
    if (post) {
        /* Post-handshake work ends where it began, established. */
        tls_conn_set_state(s, c, TLS_ST_OK);
        c->in_init = 0;
        return 1;
    }
    c->in_init = 0;
    c->renegotiate = 0; /* any handshake satisfies a request */
    /* Ending on a message we read, stock passes its writing side once more. */
    if (!c->writing)
        tls_info_loop(s);
    tls_conn_set_state(s, c, TLS_ST_OK);
    /* (A TLS 1.3 server reported it before its tickets.) */
    if (!done_reported)
        tls_info(s, SSL_CB_HANDSHAKE_DONE, 1);
    return 1;
}

static int new_hs(SSL *s, struct tls_conn *c)
{
    if ((c->hs = OPENSSL_zalloc(sizeof(*c->hs))) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    tls_transcript_init(&c->hs->transcript);
    c->hs->machine = s->server ? &tls_server_hello_machine : &tls_client_hello_machine;
    c->cert_req = 0; /* each handshake says anew whether a certificate was asked for */
    return 1;
}

int tls_start_renegotiation(SSL *s, struct tls_conn *c)
{
    if (!new_hs(s, c))
        return 0;
    c->hs->renegotiation = 1;
    c->hs->reneg_new_session = c->renegotiate_new_session;
    c->renegotiate = 0;
    c->num_renegotiations++;
    c->total_renegotiations++;
    c->in_init = 1;
    /* (A server counts on its current context, as stock.) */
    shim_counter_inc(s->server ? &s->ctx->stats.accept_renegotiate
                               : &s->session_ctx->stats.connect_renegotiate);
    return 1;
}

int tls_start_post_handshake(SSL *s, struct tls_conn *c, const struct tls_machine *m, int state)
{
    if (!new_hs(s, c))
        return 0;
    c->hs->post_handshake = 1;
    tls_hs_switch(c->hs, m, state);
    return 1;
}

int tls_handshake_reading(SSL *s)
{
    struct tls_conn *c = tls_conn_get(s);
    int r;

    if (c == NULL)
        return -1;
    c->in_read_app = 1;
    r = tls_handshake(s);
    c->in_read_app = 0;
    return r;
}

int tls_request_renegotiation(SSL *s, int new_session)
{
    struct tls_conn *c = tls_conn_get(s);

    if (c == NULL)
        return 0;
    c->renegotiate = 1;
    c->renegotiate_new_session = new_session;
    return 1;
}

int tls_renegotiation_pending(const SSL *s)
{
    const struct tls_conn *c = s->conn;
    /* A server that sent its HelloRequest is pending until the client answers. */
    return c != NULL &&
           (c->renegotiate || c->hello_request_sent || (c->hs != NULL && c->hs->renegotiation));
}

int tls_renegotiation_due(const SSL *s)
{
    const struct tls_conn *c = s->conn;
    return c != NULL && c->renegotiate && c->hs == NULL && c->state == TLS_ST_OK && !c->failed;
}

/* Runs states until one needs I/O, the application, or ends the handshake. */
static enum tls_step run_machine(SSL *s, struct tls_conn *c)
{
    for (;;) {
        struct tls_hs *hs = c->hs;
        const struct tls_machine *m = hs->machine;
        const struct tls_state *st;
        enum tls_step step;

        if (hs->state < 0 || (size_t)hs->state >= m->nstates) {
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
            return TLS_STEP_FAIL;
        }
        st = &m->states[hs->state];
        if (st->reads && !c->hm.have)
            return TLS_STEP_READ;
        tls_conn_pay_loop(s); /* a new state: the one we left is reported first */
        step = st->run(s, c, hs);
        if (step != TLS_STEP_CONTINUE)
            return step;
    }
}

int tls_handshake(SSL *s)
{
    struct tls_conn *c = tls_conn_get(s);
    int ret = -1;

    if (c == NULL)
        return -1;
    if (c->failed)
        return -1; /* a failed connection stays failed, raising nothing new (stock) */
    /* Every handshake step starts with an empty error queue and errno, as
     * stock's state machine does: SSL_get_error after a step that merely
     * wants to read must not find another connection's left-over error
     * (ncat -l --keep-open printed one error of a failed connection, and
     * our next connection's first want-read then read as SSL_ERROR_SSL:
     * ncat dropped it). */
    ERR_clear_error();
    errno = 0;
    if (c->hs == NULL && c->state == TLS_ST_OK && c->renegotiate && !tls_rl_write_pending(&c->rl) &&
        !tls_rl_has_unread(&c->rl)) {
        /* SSL_renegotiate asked for one: it starts here, when nothing is
         * half read or written (stock's ssl3_renegotiate_check). */
        tls_info(s, SSL_CB_HANDSHAKE_START, 1);
        if (!tls_start_renegotiation(s, c))
            return -1;
    }
    if (c->hs == NULL && c->state == TLS_ST_OK && s->server && c->version == TLS1_3_VERSION &&
        (c->pha_state == TLS_PHA_REQUEST_PENDING || c->extra_tickets > 0) &&
        !tls_rl_write_pending(&c->rl)) {
        /* A TLS 1.3 server asked to request a certificate or send tickets:
         * stock's writing side starts from the established state. */
        c->writing = 0;
        if (!tls_start_post_handshake(s, c, &tls13_server_machine,
                                      c->pha_state == TLS_PHA_REQUEST_PENDING
                                          ? tls13_server_pha_state
                                          : tls13_server_tickets_state))
            return -1;
    }
    if (c->hs == NULL && c->state == TLS_ST_OK) {
        /* Established: only a scheduled KeyUpdate can be left to send. */
        if (!tls_flush_key_update(s, c) || tls_rl_flush_flight(s, &c->rl) != TLS_RL_OK)
            return -1;
        c->in_init = 0;
        return 1;
    }
    if (c->hs == NULL) {
        if (!new_hs(s, c))
            return -1;
        c->before = 0;
        tls_info(s, SSL_CB_HANDSHAKE_START, 1);
    }
    /* A flight goes out in one write: only what a retried call left
     * behind is sent before the machine runs on. */
    if (tls_rl_flush_flight(s, &c->rl) != TLS_RL_OK)
        goto out;
    if (c->hs->machine_done) {
        ret = finish(s, c);
        goto out;
    }
    for (;;) {
        enum tls_step step = run_machine(s, c);
        int wanted = s->rwstate;
        enum tls_rl_result r;

        if (step == TLS_STEP_FAIL)
            break;
        /* The last state does not run twice (a second HelloRequest, the
         * statistics counted again) when the flush below must be retried. */
        if (step == TLS_STEP_DONE)
            c->hs->machine_done = 1;
        /* Whatever happens next, what we have written must reach the peer. */
        if (tls_rl_flush_flight(s, &c->rl) != TLS_RL_OK)
            break;
        if (step == TLS_STEP_SUSPEND) {
            s->rwstate = wanted; /* what the application must do (the flush reset it) */
            break;
        }
        if (step == TLS_STEP_DONE) {
            ret = finish(s, c);
            break;
        }
        r = tls_hs_read_msg(s, c);
        if (r == TLS_RL_APPDATA)
            s->rwstate = SSL_NOTHING; /* the caller has data to return */
        if (r != TLS_RL_OK)
            break;
    }
out:
    tls_info(s, s->server ? SSL_CB_ACCEPT_EXIT : SSL_CB_CONNECT_EXIT, ret);
    return ret;
}
