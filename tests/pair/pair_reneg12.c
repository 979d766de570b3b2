/*
 * shimssl pair suite: TLS 1.2 renegotiation on the server (issue 15).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Stock 3.0's defaults: a client's renegotiation is refused with a warning
 * no_renegotiation (the client then gives up with handshake_failure) unless
 * SSL_OP_ALLOW_CLIENT_RENEGOTIATION; a server's SSL_renegotiate and
 * SSL_renegotiate_abbreviated send a HelloRequest (RFC 5246 7.4.1.1) and
 * the handshake runs inside both sides' SSL_read; SSL_OP_NO_RENEGOTIATION
 * on either side; secure renegotiation (RFC 5746: renegotiation_info
 * carries the previous Finished messages); without SSL_MODE_AUTO_RETRY an
 * SSL_read that completed a renegotiation returns WANT_READ even with data
 * waiting.
 */
#include "pair.h"

#include <pthread.h>
#include <string.h>

static const char DATA[] = "after the renegotiation";

enum { EXT_RENEGOTIATION_INFO = 0xff01 };

static struct pair *connect12(void)
{
    ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_2_VERSION);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
    pair_forget(&p->c);
    pair_forget(&p->s);
    return p;
}

static void take_errors(struct pair_side *side)
{
    unsigned long e;
    while ((e = ERR_get_error()) != 0)
        if (side->n_errs < PAIR_MAX_ERRS)
            side->errs[side->n_errs++] = e;
}

/* One SSL_do_handshake on a side, recorded as pair_handshake records. */
static int handshake_once(struct pair_side *side)
{
    ERR_clear_error();
    side->ret = SSL_do_handshake(side->ssl);
    side->err = SSL_get_error(side->ssl, side->ret);
    take_errors(side);
    return side->ret;
}

static int failed(int err)
{
    return err != SSL_ERROR_NONE && err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE;
}

/* Drives a renegotiation asked for on init: its SSL_do_handshake until it
 * returns 1, then reads on both sides (where the handshake goes on) until
 * init has none pending, or a side fails.  Returns 1 when it completed. */
static int drive(struct pair_side *init)
{
    struct pair_side *peer = pair_peer(init);
    int init_done = 0;
    for (int round = 0; round < 64; round++) {
        if (!init_done) {
            init_done = handshake_once(init) == 1;
            if (failed(init->err))
                break;
        } else if (!init->read_closed) {
            pair_read_once(init);
        }
        if (!peer->read_closed)
            pair_read_once(peer);
        if (init_done && !SSL_renegotiate_pending(init->ssl))
            return 1;
        if (init->read_closed && peer->read_closed)
            break;
    }
    /* Let each side read what the other said last (alerts). */
    for (int i = 0; i < 2; i++) {
        if (!peer->read_closed)
            pair_read_once(peer);
        if (!init->read_closed)
            pair_read_once(init);
    }
    return 0;
}

/* The renegotiation_info a ServerHello carries: its body length. */
static size_t reneg_info_len(const struct pair_side *server, int n)
{
    const unsigned char *b;
    size_t l;
    const struct pair_msg *sh = pair_hs_msg(server, 1, SSL3_MT_SERVER_HELLO, n);
    ck_assert_ptr_nonnull(sh);
    ck_assert(pair_msg_ext(sh, SSL3_MT_SERVER_HELLO, EXT_RENEGOTIATION_INFO, &b, &l));
    ck_assert_uint_ge(l, 1);
    ck_assert_uint_eq(b[0], l - 1);
    return l;
}

/* ---- the client asks ---- */

/* By default stock refuses: a warning no_renegotiation, after which the
 * client fails with handshake_failure. */
START_TEST(client_renegotiation_refused)
{
    if (_i)
        SSL_CTX_set_options(sctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION | SSL_OP_NO_RENEGOTIATION);
    struct pair *p = connect12();
    ck_assert_int_eq(SSL_get_secure_renegotiation_support(p->s.ssl), 1);
    ck_assert_int_eq(SSL_renegotiate(p->c.ssl), 1);
    ck_assert_int_eq(drive(&p->c), 0);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 1);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_SERVER_HELLO), 0);
    ck_assert_int_eq(p->s.alert_sent, 0x0100 | SSL_AD_NO_RENEGOTIATION);
    ck_assert_int_eq(p->c.alert_received, 0x0100 | SSL_AD_NO_RENEGOTIATION);
    ck_assert_int_eq(p->c.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_NO_RENEGOTIATION);
    ck_assert_int_eq(p->c.alert_sent, 0x0200 | SSL_AD_HANDSHAKE_FAILURE);
    ck_assert_int_eq(p->s.read_err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}
END_TEST

/* SSL_OP_ALLOW_CLIENT_RENEGOTIATION: a full handshake (_i 0) or an
 * abbreviated one (_i 1) inside the server's SSL_read. */
START_TEST(client_renegotiation_allowed)
{
    SSL_CTX_set_options(sctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    struct pair *p = connect12();
    if (_i)
        ck_assert_int_eq(SSL_renegotiate_abbreviated(p->c.ssl), 1);
    else
        ck_assert_int_eq(SSL_renegotiate(p->c.ssl), 1);
    ck_assert_int_eq(SSL_renegotiate_pending(p->c.ssl), 1);
    ck_assert_int_eq(drive(&p->c), 1);
    ck_assert_int_eq(p->s.read_closed, 0);
    ck_assert_int_eq(SSL_session_reused(p->s.ssl), _i);
    ck_assert_int_eq(SSL_session_reused(p->c.ssl), _i);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 1);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE), !_i);
    /* RFC 5746 3.7: the client's and the server's previous Finished
     * (12 bytes each) in the renegotiation's ServerHello. */
    ck_assert_uint_eq(reneg_info_len(&p->s, 0), 1 + 24);
    ck_assert_int_eq(SSL_num_renegotiations(p->c.ssl), 1);
    ck_assert_int_eq(SSL_total_renegotiations(p->c.ssl), 1);
    pair_info_in_order(&p->s, "SSL negotiation finished successfully", "read client hello",
                       "write server hello", "SSL negotiation finished successfully", NULL);
    ck_assert_int_eq(SSL_is_init_finished(p->s.ssl), 1);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
}
END_TEST

/* ---- the server asks ---- */

/* SSL_renegotiate (_i 0, 2) or SSL_renegotiate_abbreviated (_i 1) on the
 * server: a HelloRequest, and the handshake runs in both SSL_reads.  The
 * client offers its session either way (a HelloRequest does not ask for a
 * new one), and the server resumes it unless, for SSL_renegotiate,
 * SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION (_i 2). */
START_TEST(server_renegotiation)
{
    if (_i == 2)
        SSL_CTX_set_options(sctx, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    struct pair *p = connect12();
    if (_i == 1)
        ck_assert_int_eq(SSL_renegotiate_abbreviated(p->s.ssl), 1);
    else
        ck_assert_int_eq(SSL_renegotiate(p->s.ssl), 1);
    ck_assert_int_eq(SSL_renegotiate_pending(p->s.ssl), 1);
    ck_assert_int_eq(drive(&p->s), 1);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_HELLO_REQUEST), 1);
    /* A HelloRequest is empty. */
    ck_assert_uint_eq(pair_hs_msg(&p->s, 1, SSL3_MT_HELLO_REQUEST, 0)->len, 4);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 1);
    int resumed = _i != 2;
    ck_assert_int_eq(SSL_session_reused(p->s.ssl), resumed);
    ck_assert_int_eq(SSL_session_reused(p->c.ssl), resumed);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE), !resumed);
    ck_assert_uint_eq(reneg_info_len(&p->s, 0), 1 + 24);
    pair_info_in_order(&p->s, "write hello request", "read client hello", "write server hello",
                       "SSL negotiation finished successfully", NULL);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
}
END_TEST

/* A full renegotiation with a client certificate asked for: again
 * (SSL_VERIFY_PEER, _i 0), or not a second time with SSL_VERIFY_CLIENT_ONCE
 * (_i 1), when the new session has no client certificate (stock keeps none
 * from the first handshake). */
START_TEST(verify_client_once)
{
    static const unsigned char CTX[] = "verified clients";
    ck_assert_int_eq(SSL_CTX_load_verify_locations(sctx, pair_file("ca.pem"), NULL), 1);
    ck_assert_int_eq(SSL_CTX_set_session_id_context(sctx, CTX, sizeof(CTX)), 1);
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | (_i ? SSL_VERIFY_CLIENT_ONCE : 0), NULL);
    SSL_CTX_set_options(sctx, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    pair_ctx_use(cctx, "client-ec");
    struct pair *p = connect12();
    ck_assert_int_eq(SSL_renegotiate(p->s.ssl), 1);
    ck_assert_int_eq(drive(&p->s), 1);
    ck_assert_int_eq(SSL_session_reused(p->s.ssl), 0);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE), 1);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE_REQUEST), !_i);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CERTIFICATE_VERIFY), !_i);
    X509 *x = SSL_get1_peer_certificate(p->s.ssl);
    if (_i) {
        ck_assert_ptr_null(x);
    } else {
        ck_assert_ptr_nonnull(x);
        ck_assert_str_eq(pair_cn(x), "shimssl-client");
    }
    X509_free(x);
    ck_assert_int_eq(SSL_get_verify_result(p->s.ssl), X509_V_OK);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
}
END_TEST

/* SSL_OP_NO_RENEGOTIATION on the server: SSL_renegotiate refuses. */
START_TEST(server_no_renegotiation_option)
{
    SSL_CTX_set_options(sctx, SSL_OP_NO_RENEGOTIATION);
    struct pair *p = connect12();
    ERR_clear_error();
    ck_assert_int_eq(SSL_renegotiate(p->s.ssl), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_NO_RENEGOTIATION);
    ERR_clear_error();
    ck_assert_int_eq(SSL_renegotiate_abbreviated(p->s.ssl), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_NO_RENEGOTIATION);
    ERR_clear_error();
    ck_assert_int_eq(SSL_renegotiate_pending(p->s.ssl), 0);
}
END_TEST

/* A client with SSL_OP_NO_RENEGOTIATION answers the HelloRequest with a
 * warning no_renegotiation: the server gives up. */
START_TEST(client_refuses_hello_request)
{
    SSL_CTX_set_options(cctx, SSL_OP_NO_RENEGOTIATION);
    struct pair *p = connect12();
    ck_assert_int_eq(SSL_renegotiate(p->s.ssl), 1);
    ck_assert_int_eq(drive(&p->s), 0);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_HELLO_REQUEST), 1);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 0);
    ck_assert_int_eq(p->c.alert_sent, 0x0100 | SSL_AD_NO_RENEGOTIATION);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_NO_RENEGOTIATION);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_HANDSHAKE_FAILURE);
}
END_TEST

/* Renegotiation is a TLS 1.2 matter: in TLS 1.3 SSL_renegotiate refuses. */
START_TEST(not_in_tls13)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_3_VERSION);
    ERR_clear_error();
    ck_assert_int_eq(SSL_renegotiate(p->s.ssl), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_WRONG_SSL_VERSION);
    ERR_clear_error();
}
END_TEST

/* ---- SSL_MODE_AUTO_RETRY ---- */

/* Without AUTO_RETRY, an SSL_read that met the peer's HelloRequest or
 * ClientHello and ran the whole renegotiation returns WANT_READ (stock's
 * guard for blocking programs), even on a blocking socket; with it the read
 * goes on to the data.  (A renegotiation taken up again by a later SSL_read
 * returns the data in both modes.)  Blocking socketpairs, the server in a
 * thread. */

struct reader {
    struct pair *p;
    int server_auto_retry;
    int r[2], err[2];
    char buf[2][64];
};

static void read_into(SSL *ssl, struct reader *rd, int i)
{
    rd->r[i] = SSL_read(ssl, rd->buf[i], sizeof(rd->buf[i]));
    rd->err[i] = SSL_get_error(ssl, rd->r[i]);
    ERR_clear_error();
}

static struct pair *blocking12(void)
{
    ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION), 1);
    struct pair *p = pair_keep(pair_new_socket(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake_blocking(p), 1);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_2_VERSION);
    return p;
}

/* The server reads while the client renegotiates, then writes DATA. */
static void *server_reads(void *arg)
{
    struct reader *rd = arg;
    SSL *s = rd->p->s.ssl;
    if (!rd->server_auto_retry)
        SSL_clear_mode(s, SSL_MODE_AUTO_RETRY);
    read_into(s, rd, 0);
    if (rd->r[0] <= 0)
        read_into(s, rd, 1);
    return NULL;
}

/* A client's renegotiation (allowed); the server without AUTO_RETRY (_i 1)
 * or with it (_i 0). */
START_TEST(auto_retry_server)
{
    SSL_CTX_set_options(sctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    struct pair *p = blocking12();
    struct reader rd = {.p = p, .server_auto_retry = !_i, .r = {-2, -2}};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, server_reads, &rd), 0);
    ck_assert_int_eq(SSL_renegotiate(p->c.ssl), 1);
    int hs = SSL_do_handshake(p->c.ssl);
    int w = SSL_write(p->c.ssl, DATA, sizeof(DATA));
    pthread_join(t, NULL);
    ck_assert_int_eq(hs, 1);
    ck_assert_int_eq(w, (int)sizeof(DATA));
    ck_assert_int_eq(SSL_renegotiate_pending(p->c.ssl), 0);
    if (_i) {
        ck_assert_int_eq(rd.r[0], -1);
        ck_assert_int_eq(rd.err[0], SSL_ERROR_WANT_READ);
        ck_assert_int_eq(rd.r[1], (int)sizeof(DATA));
        ck_assert_mem_eq(rd.buf[1], DATA, sizeof(DATA));
    } else {
        ck_assert_int_eq(rd.r[0], (int)sizeof(DATA));
        ck_assert_mem_eq(rd.buf[0], DATA, sizeof(DATA));
    }
}
END_TEST

/* The server asks (HelloRequest) and reads without AUTO_RETRY, so its read
 * returns once the renegotiation is done; then it writes DATA. */
static void *server_renegotiates(void *arg)
{
    struct reader *rd = arg;
    SSL *s = rd->p->s.ssl;
    SSL_clear_mode(s, SSL_MODE_AUTO_RETRY);
    rd->r[1] = SSL_renegotiate(s) == 1 && SSL_do_handshake(s) == 1;
    read_into(s, rd, 0);
    if (SSL_write(s, DATA, sizeof(DATA)) != (int)sizeof(DATA))
        rd->r[1] = 0;
    return NULL;
}

/* The client's read meets the HelloRequest: without AUTO_RETRY (_i 1) it
 * returns WANT_READ after the renegotiation, with it (_i 0) the data. */
START_TEST(auto_retry_client)
{
    struct pair *p = blocking12();
    if (_i)
        SSL_clear_mode(p->c.ssl, SSL_MODE_AUTO_RETRY);
    struct reader rd = {.p = p, .r = {-2, -2}};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, server_renegotiates, &rd), 0);
    char buf[64];
    int r1 = SSL_read(p->c.ssl, buf, sizeof(buf));
    int e1 = SSL_get_error(p->c.ssl, r1);
    int r2 = r1 > 0 ? r1 : SSL_read(p->c.ssl, buf, sizeof(buf));
    pthread_join(t, NULL);
    ck_assert_int_eq(rd.r[1], 1);
    ck_assert_int_eq(rd.r[0], -1);
    ck_assert_int_eq(rd.err[0], SSL_ERROR_WANT_READ);
    ck_assert_int_eq(SSL_renegotiate_pending(p->s.ssl), 0);
    ck_assert_int_eq(r1, _i ? -1 : (int)sizeof(DATA));
    if (_i)
        ck_assert_int_eq(e1, SSL_ERROR_WANT_READ);
    ck_assert_int_eq(r2, (int)sizeof(DATA));
    ck_assert_mem_eq(buf, DATA, sizeof(DATA));
}
END_TEST

/* Over one-byte BIO pairs, a server's renegotiation still completes. */
START_TEST(server_renegotiation_one_byte)
{
    ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 1));
    pair_connect(p);
    ck_assert_int_eq(SSL_renegotiate(p->s.ssl), 1);
    int sent = 0;
    for (int round = 0; round < 20000; round++) {
        if (!sent)
            sent = handshake_once(&p->s) == 1;
        pair_read_once(&p->c);
        if (sent)
            pair_read_once(&p->s);
        ck_assert(!p->c.read_closed && !p->s.read_closed);
        if (sent && !SSL_renegotiate_pending(p->s.ssl))
            break;
    }
    ck_assert_int_eq(SSL_renegotiate_pending(p->s.ssl), 0);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 2);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
}
END_TEST

Suite *pair_suite(void)
{
    Suite *s = suite_create("pair-reneg12");
    TCase *tc = pair_tcase("client_initiated");
    tcase_add_loop_test(tc, client_renegotiation_refused, 0, 2);
    tcase_add_loop_test(tc, client_renegotiation_allowed, 0, 2);
    suite_add_tcase(s, tc);

    tc = pair_tcase("server_initiated");
    tcase_add_loop_test(tc, server_renegotiation, 0, 3);
    tcase_add_loop_test(tc, verify_client_once, 0, 2);
    tcase_add_test(tc, server_no_renegotiation_option);
    tcase_add_test(tc, client_refuses_hello_request);
    tcase_add_test(tc, not_in_tls13);
    tcase_add_test(tc, server_renegotiation_one_byte);
    suite_add_tcase(s, tc);

    tc = pair_tcase("auto_retry");
    tcase_add_loop_test(tc, auto_retry_server, 0, 2);
    tcase_add_loop_test(tc, auto_retry_client, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}
