/*
 * shimssl pair suite: the server's entry points (issue 14).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * SSL_accept and SSL_do_handshake in accept state, the methods that can or
 * cannot serve, SSL_is_server, blocking and non-blocking sockets, BIO pairs
 * down to one-byte buffers, SSL_get_error's answers on the way, and the
 * first refusals a server makes (not TLS, no TLS version in common).
 */
#include "pair.h"

#include <string.h>
#include <unistd.h>

static const char PING[] = "ping from the client";
static const char PONG[] = "pong from the server";

static void exchange(struct pair *p)
{
    ck_assert(pair_send(p, &p->c, PING, sizeof(PING)));
    ck_assert(pair_send(p, &p->s, PONG, sizeof(PONG)));
}

/* SSL_accept on the server, SSL_connect on the client, non-blocking over a
 * BIO pair: the first SSL_accept has nothing to read. */
START_TEST(accept_over_bio_pair)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    p->server_call = SSL_accept;
    p->client_call = SSL_connect;

    ck_assert_int_eq(SSL_in_before(p->s.ssl), 1);
    ck_assert_str_eq(SSL_state_string_long(p->s.ssl), "before SSL initialization");
    ERR_clear_error();
    int r = SSL_accept(p->s.ssl);
    ck_assert_int_eq(r, -1);
    ck_assert_int_eq(SSL_get_error(p->s.ssl, r), SSL_ERROR_WANT_READ);
    ck_assert_int_eq(ERR_peek_error(), 0);
    ck_assert_int_eq(SSL_want(p->s.ssl), SSL_READING);

    pair_connect(p);
    ck_assert_int_eq(SSL_is_server(p->s.ssl), 1);
    ck_assert_int_eq(SSL_is_server(p->c.ssl), 0);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_3_VERSION);
    ck_assert_str_eq(SSL_get_version(p->s.ssl), "TLSv1.3");
    ck_assert_int_eq(SSL_is_init_finished(p->s.ssl), 1);
    ck_assert_int_eq(SSL_in_init(p->s.ssl), 0);
    ck_assert_int_eq(SSL_get_state(p->s.ssl), TLS_ST_OK);
    ck_assert_str_eq(SSL_state_string_long(p->s.ssl), "SSL negotiation finished successfully");
    ck_assert_int_eq(SSL_get_error(p->s.ssl, 1), SSL_ERROR_NONE);
    ck_assert_int_eq(SSL_want(p->s.ssl), SSL_NOTHING);
    ck_assert_str_eq(pair_cipher(p->s.ssl), pair_cipher(p->c.ssl));
    ck_assert_int_eq(SSL_get_verify_result(p->c.ssl), X509_V_OK);
    exchange(p);

    /* Once done, SSL_accept has nothing left to do. */
    ERR_clear_error();
    ck_assert_int_eq(SSL_accept(p->s.ssl), 1);
    ck_assert_int_eq(SSL_do_handshake(p->s.ssl), 1);
    ck_assert_int_eq(ERR_peek_error(), 0);
}
END_TEST

/* TLS_method serves after SSL_set_accept_state; before either state call a
 * TLS_method SSL counts as a server (it can accept). */
START_TEST(do_handshake_with_accept_state)
{
    sctx = pair_keep_ctx(SSL_CTX_new(TLS_method()));
    pair_ctx_use(sctx, "server-ec");
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    ck_assert_int_eq(SSL_is_server(s), 1);
    SSL_set_connect_state(s);
    ck_assert_int_eq(SSL_is_server(s), 0);
    SSL_set_accept_state(s);
    ck_assert_int_eq(SSL_is_server(s), 1);
    SSL_set_connect_state(c);
    ck_assert_int_eq(SSL_set1_host(c, "localhost"), 1);
    struct pair *p = pair_keep(pair_wrap(c, s, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_version(s), TLS1_3_VERSION);
    ck_assert_int_eq(SSL_is_server(s), 1);
    exchange(p);
}
END_TEST

/* SSL_do_handshake before any state was set: the role is unknown. */
START_TEST(do_handshake_without_state)
{
    SSL_CTX *ctx = pair_keep_ctx(SSL_CTX_new(TLS_method()));
    SSL *s = SSL_new(ctx);
    ERR_clear_error();
    int r = SSL_do_handshake(s);
    ck_assert_int_eq(r, -1);
    ck_assert_int_eq(SSL_get_error(s, r), SSL_ERROR_SSL);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_CONNECTION_TYPE_NOT_SET);
    ERR_clear_error();
    SSL_free(s);
}
END_TEST

/* A client method cannot accept; a server method cannot connect. */
START_TEST(wrong_method_for_role)
{
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    ck_assert_int_eq(SSL_is_server(c), 0);
    ck_assert_int_eq(SSL_is_server(s), 1);

    ERR_clear_error();
    int r = SSL_accept(c);
    ck_assert_int_eq(r, 0);
    ck_assert_int_eq(SSL_get_error(c, r), SSL_ERROR_SSL);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);

    ERR_clear_error();
    r = SSL_connect(s);
    ck_assert_int_eq(r, 0);
    ck_assert_int_eq(SSL_get_error(s, r), SSL_ERROR_SSL);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
    ERR_clear_error();
    SSL_free(c);
    SSL_free(s);
}
END_TEST

/* The methods that serve TLS 1.3 with a default client. */
static const SSL_METHOD *(*const serving[])(void) = {TLS_server_method, TLS_method};

START_TEST(methods_that_serve_tls13)
{
    sctx = pair_keep_ctx(SSL_CTX_new(serving[_i]()));
    pair_ctx_use(sctx, "server-rsa");
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    p->server_call = SSL_accept;
    pair_connect(p);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_3_VERSION);
    ck_assert_int_eq(SSL_version(p->c.ssl), TLS1_3_VERSION);
    exchange(p);
}
END_TEST

/* A TLS 1.2 method meeting a client that speaks only TLS 1.3. */
static const SSL_METHOD *(*const tls12_only[])(void) = {TLSv1_2_server_method, TLSv1_2_method};

START_TEST(tls12_method_refuses_tls13_client)
{
    ck_assert_int_eq(SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION), 1);
    sctx = pair_keep_ctx(SSL_CTX_new(tls12_only[_i]()));
    pair_ctx_use(sctx, "server-ec");
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.failed, 1);
    ck_assert_int_eq(p->s.ret, -1);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    /* (Stock: a version-specific method does not read supported_versions;
     * it takes the ClientHello as TLS 1.2, finds none of its suites among
     * the client's TLS 1.3 ones, and says handshake_failure.) */
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_NO_SHARED_CIPHER);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_HANDSHAKE_FAILURE);
    ck_assert_int_eq(p->c.failed, 1);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}
END_TEST

/* Version limits on the server against a client that cannot meet them. */
START_TEST(no_common_version)
{
    if (_i == 0) {
        ck_assert_int_eq(SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION), 1);
        ck_assert_int_eq(SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION), 1);
    } else {
        ck_assert_int_eq(SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION), 1);
        ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION), 1);
    }
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_UNSUPPORTED_PROTOCOL);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_PROTOCOL_VERSION);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
}
END_TEST

/* Blocking sockets: SSL_accept in a thread returns 1 once the handshake is
 * done; data goes both ways. */
START_TEST(blocking_socketpair)
{
    struct pair *p = pair_keep(pair_new_socket(cctx, sctx, 0));
    p->server_call = SSL_accept;
    p->client_call = SSL_connect;
    ck_assert_int_eq(pair_handshake_blocking(p), 1);
    ck_assert_int_eq(p->s.calls, 1);
    ck_assert_int_eq(p->s.ret, 1);
    ck_assert_int_eq(p->c.calls, 1);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_3_VERSION);
    char buf[64];
    ck_assert_int_eq(SSL_write(p->c.ssl, PING, sizeof(PING)), (int)sizeof(PING));
    ck_assert_int_eq(SSL_read(p->s.ssl, buf, sizeof(buf)), (int)sizeof(PING));
    ck_assert_mem_eq(buf, PING, sizeof(PING));
    ck_assert_int_eq(SSL_write(p->s.ssl, PONG, sizeof(PONG)), (int)sizeof(PONG));
    /* The client first meets the server's tickets, then the data. */
    ck_assert_int_eq(SSL_read(p->c.ssl, buf, sizeof(buf)), (int)sizeof(PONG));
    ck_assert_mem_eq(buf, PONG, sizeof(PONG));
}
END_TEST

/* Non-blocking sockets: the same loop as over BIO pairs. */
START_TEST(nonblocking_socketpair)
{
    sctx = pair_keep_ctx(pair_server_ctx("server-rsa"));
    struct pair *p = pair_keep(pair_new_socket(cctx, sctx, 1));
    p->server_call = SSL_accept;
    pair_connect(p);
    ck_assert(p->s.seen & (1u << SSL_ERROR_WANT_READ));
    static unsigned char big[100000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (unsigned char)(i * 7 + 1);
    ck_assert(pair_send(p, &p->c, big, sizeof(big)));
    ck_assert(pair_send(p, &p->s, big, sizeof(big)));
}
END_TEST

/* BIO pairs with tiny buffers: every write is cut, the server waits to
 * write as well as to read, and the handshake and data still go through. */
static const size_t tiny[] = {1, 2, 3, 7, 16, 64, 512, 4096};

START_TEST(tiny_buffers)
{
    sctx = pair_keep_ctx(pair_server_ctx("server-rsa"));
    struct pair *p = pair_keep(pair_new(cctx, sctx, tiny[_i]));
    p->server_call = SSL_accept;
    pair_connect(p);
    ck_assert(p->s.seen & (1u << SSL_ERROR_WANT_READ));
    /* The server's flight (an RSA certificate) is well over 512 bytes. */
    if (tiny[_i] <= 512)
        ck_assert(p->s.seen & (1u << SSL_ERROR_WANT_WRITE));
    ck_assert_int_eq(p->s.seen & ~((1u << SSL_ERROR_WANT_READ) | (1u << SSL_ERROR_WANT_WRITE) | 1u),
                     0);
    static unsigned char big[20000];
    memset(big, 0x5a, sizeof(big));
    ck_assert(pair_send(p, &p->c, big, sizeof(big)));
    ck_assert(pair_send(p, &p->s, big, sizeof(big)));
}
END_TEST

/* Not TLS at all: an HTTP request where the ClientHello should be. */
START_TEST(http_request_refused)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    static const char get[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ck_assert_int_eq(BIO_write(p->cbio, get, sizeof(get) - 1), (int)sizeof(get) - 1);
    ERR_clear_error();
    int r = SSL_accept(p->s.ssl);
    ck_assert_int_eq(r, -1);
    ck_assert_int_eq(SSL_get_error(p->s.ssl, r), SSL_ERROR_SSL);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_HTTP_REQUEST);
    ERR_clear_error();
}
END_TEST

/* A handshake record that is not a ClientHello (a bare Finished). */
START_TEST(first_message_not_client_hello)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    static const unsigned char fin[] = {0x16, 0x03, 0x01, 0x00, 0x08, 0x14, 0x00,
                                        0x00, 0x04, 0x01, 0x02, 0x03, 0x04};
    ck_assert_int_eq(BIO_write(p->cbio, fin, sizeof(fin)), (int)sizeof(fin));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_UNEXPECTED_MESSAGE);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_UNEXPECTED_MESSAGE);
}
END_TEST

/* The client goes away before saying anything. */
START_TEST(eof_before_client_hello)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(BIO_shutdown_wr(p->cbio), 1);
    ERR_clear_error();
    int r = SSL_accept(p->s.ssl);
    ck_assert_int_eq(r, -1);
    ck_assert_int_eq(SSL_get_error(p->s.ssl, r), SSL_ERROR_SSL);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_UNEXPECTED_EOF_WHILE_READING);
    ERR_clear_error();
}
END_TEST

/* SSL_read and SSL_write on a server in accept state run the handshake. */
START_TEST(read_runs_the_handshake)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    char buf[64];
    int r = 0, rounds = 0;
    while (rounds++ < 100) {
        if (!p->c.done) {
            int c = SSL_do_handshake(p->c.ssl);
            p->c.done = c == 1;
            if (c != 1)
                ck_assert_int_eq(SSL_get_error(p->c.ssl, c), SSL_ERROR_WANT_READ);
            else
                ck_assert_int_eq(SSL_write(p->c.ssl, PING, sizeof(PING)), (int)sizeof(PING));
        }
        r = SSL_read(p->s.ssl, buf, sizeof(buf));
        if (r > 0)
            break;
        ck_assert_int_eq(SSL_get_error(p->s.ssl, r), SSL_ERROR_WANT_READ);
    }
    ck_assert_int_eq(r, (int)sizeof(PING));
    ck_assert_mem_eq(buf, PING, sizeof(PING));
    ck_assert_int_eq(SSL_is_init_finished(p->s.ssl), 1);
}
END_TEST

START_TEST(write_runs_the_handshake)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ERR_clear_error();
    int w = SSL_write(p->s.ssl, PONG, sizeof(PONG));
    ck_assert_int_eq(w, -1);
    ck_assert_int_eq(SSL_get_error(p->s.ssl, w), SSL_ERROR_WANT_READ);
    int rounds = 0;
    while (w <= 0 && rounds++ < 100) {
        int c = SSL_do_handshake(p->c.ssl);
        if (c != 1)
            ck_assert_int_eq(SSL_get_error(p->c.ssl, c), SSL_ERROR_WANT_READ);
        w = SSL_write(p->s.ssl, PONG, sizeof(PONG));
        if (w <= 0)
            ck_assert_int_eq(SSL_get_error(p->s.ssl, w), SSL_ERROR_WANT_READ);
    }
    ck_assert_int_eq(w, (int)sizeof(PONG));
    pair_pump(p);
    ck_assert_uint_eq(p->c.rx_len, sizeof(PONG));
    ck_assert_mem_eq(p->c.rx, PONG, sizeof(PONG));
}
END_TEST

/* A server without a certificate cannot answer a full handshake. */
START_TEST(no_certificate)
{
    sctx = pair_keep_ctx(pair_server_ctx(NULL));
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_NO_SHARED_CIPHER);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_HANDSHAKE_FAILURE);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}
END_TEST

Suite *pair_suite(void)
{
    Suite *s = suite_create("pair-entry");
    TCase *tc = pair_tcase("entry");
    tcase_add_test(tc, accept_over_bio_pair);
    tcase_add_test(tc, do_handshake_with_accept_state);
    tcase_add_test(tc, do_handshake_without_state);
    tcase_add_test(tc, wrong_method_for_role);
    tcase_add_loop_test(tc, methods_that_serve_tls13, 0, 2);
    tcase_add_loop_test(tc, tls12_method_refuses_tls13_client, 0, 2);
    tcase_add_loop_test(tc, no_common_version, 0, 2);
    tcase_add_test(tc, blocking_socketpair);
    tcase_add_test(tc, nonblocking_socketpair);
    tcase_add_loop_test(tc, tiny_buffers, 0, sizeof(tiny) / sizeof(tiny[0]));
    tcase_add_test(tc, http_request_refused);
    tcase_add_test(tc, first_message_not_client_hello);
    tcase_add_test(tc, eof_before_client_hello);
    tcase_add_test(tc, read_runs_the_handshake);
    tcase_add_test(tc, write_runs_the_handshake);
    tcase_add_test(tc, no_certificate);
    suite_add_tcase(s, tc);
    return s;
}
