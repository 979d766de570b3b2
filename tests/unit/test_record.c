/*
 * shimssl unit tests: shim/tls/record.c and shim/crypto/cbc.c.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Records are written by one connection into a memory BIO and read by
 * another, for every kind of protection; then the same bytes are fed with
 * each byte altered, truncated, or replaced by things that are not TLS.
 */
#include "shim.h"

#include <string.h>

#include "crypto/algs.h"
#include "crypto/cbc.h"
#include "tls/conn.h"
#include "tls/record.h"
#include "unit.h"

static SSL_CTX *ctx;

/* A connection whose record layer reads from rbio and writes to wbio. */
static SSL *endpoint(BIO *rbio, BIO *wbio)
{
    SSL *s;
    if (ctx == NULL)
        ctx = SSL_CTX_new(TLS_method());
    s = SSL_new(ctx);
    ck_assert_ptr_nonnull(s);
    s->rbio = rbio;
    s->wbio = wbio;
    ck_assert_ptr_nonnull(tls_conn_get(s));
    return s;
}

static const struct shim_algs *algs(void)
{
    if (ctx == NULL)
        ctx = SSL_CTX_new(TLS_method());
    return shim_algs_get(ctx);
}

enum kind {
    K_TLS13_GCM,
    K_TLS13_CHACHA,
    K_TLS12_GCM,
    K_TLS12_CHACHA,
    K_CBC_MTE,
    K_CBC_ETM,
    K_CBC_TLS10,
    K_KINDS
};

static void key(SSL *s, enum kind k, int write)
{
    static const uint8_t keyb[32] = {1, 2, 3}, ivb[16] = {4, 5, 6}, mac[48] = {7, 8, 9};
    struct tls_rl *rl = &s->conn->rl;
    struct tls_rl_dir *d = write ? &rl->wr : &rl->rd;
    const struct shim_algs *a = algs();
    struct tls_cbc cbc;

    rl->version = k <= K_TLS13_CHACHA ? TLS1_3_VERSION
                  : k == K_CBC_TLS10  ? TLS1_VERSION
                                      : TLS1_2_VERSION;
    rl->wversion = k == K_CBC_TLS10 ? TLS1_VERSION : TLS1_2_VERSION;
    s->conn->version = rl->version;
    switch (k) {
    case K_TLS13_GCM:
        ck_assert(tls_rl_set_key(d, a->aes128gcm, keyb, 16, ivb, 12, 16, write, TLS_PROT_TLS13));
        break;
    case K_TLS13_CHACHA:
        ck_assert(
            tls_rl_set_key(d, a->chacha20poly1305, keyb, 32, ivb, 12, 16, write, TLS_PROT_TLS13));
        break;
    case K_TLS12_GCM:
        ck_assert(
            tls_rl_set_key(d, a->aes256gcm, keyb, 32, ivb, 4, 16, write, TLS_PROT_AEAD_EXPLICIT));
        break;
    case K_TLS12_CHACHA:
        ck_assert(tls_rl_set_key(d, a->chacha20poly1305, keyb, 32, ivb, 12, 16, write,
                                 TLS_PROT_AEAD_XOR));
        break;
    case K_CBC_MTE:
    case K_CBC_ETM:
    case K_CBC_TLS10:
        ck_assert(tls_cbc_init(&cbc, a, k == K_CBC_MTE ? a->aes256cbc : a->aes128cbc,
                               k == K_CBC_MTE ? a->sha384 : a->sha1, write, rl->version,
                               k == K_CBC_ETM, keyb, ivb, mac));
        tls_rl_set_cbc(d, &cbc, k == K_CBC_TLS10);
        break;
    default:
        ck_abort();
    }
}

/* Writes two application-data records with protection k, returns the bytes. */
static size_t make_records(enum kind k, uint8_t *out, size_t cap)
{
    BIO *w = BIO_new(BIO_s_mem());
    SSL *s = endpoint(NULL, w);
    char *p;
    long n;
    key(s, k, 1);
    s->cfg.options |= SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS;
    ck_assert(tls_rl_queue(s, &s->conn->rl, SSL3_RT_APPLICATION_DATA, (const uint8_t *)"hello", 5));
    ck_assert(
        tls_rl_queue(s, &s->conn->rl, SSL3_RT_APPLICATION_DATA, (const uint8_t *)"world!", 6));
    ck_assert_int_eq(tls_rl_flush(s, &s->conn->rl), TLS_RL_OK);
    n = BIO_get_mem_data(w, &p);
    ck_assert_int_le(n, (long)cap);
    memcpy(out, p, (size_t)n);
    s->wbio = NULL;
    BIO_free(w);
    SSL_free(s);
    return (size_t)n;
}

/* Reads records from data; returns how many came out and the last result. */
static int read_records(enum kind k, const uint8_t *data, size_t len, enum tls_rl_result *last,
                        char *text)
{
    BIO *r = BIO_new_mem_buf(data, (int)len);
    SSL *s = endpoint(r, NULL);
    int n = 0;
    BIO_set_mem_eof_return(r, -1); /* no more data: a retry, not an EOF */
    key(s, k, 0);
    text[0] = '\0';
    while ((*last = tls_rl_read(s, &s->conn->rl)) == TLS_RL_OK) {
        strncat(text, (const char *)s->conn->rl.rdata, s->conn->rl.rlen);
        tls_rl_release_record(&s->conn->rl);
        n++;
    }
    s->rbio = NULL;
    BIO_free(r);
    SSL_free(s);
    return n;
}

START_TEST(round_trip_every_protection)
{
    uint8_t buf[1024];
    char text[64];
    enum tls_rl_result last;
    size_t len = make_records((enum kind)_i, buf, sizeof(buf));
    ck_assert_int_eq(read_records((enum kind)_i, buf, len, &last, text), 2);
    ck_assert_str_eq(text, "helloworld!");
    ck_assert_int_eq(last, TLS_RL_RETRY);
    ERR_clear_error();
}
END_TEST

/* Any altered byte after the header must be refused as bad_record_mac,
 * whatever the protection (for CBC: padding and MAC errors look the same). */
START_TEST(every_altered_byte_is_bad_record_mac)
{
    uint8_t buf[1024], copy[1024];
    char text[64];
    enum tls_rl_result last;
    size_t len = make_records((enum kind)_i, buf, sizeof(buf));
    size_t first = (size_t)((buf[3] << 8) | buf[4]) + 5;

    for (size_t i = 5; i < first; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(copy, buf, len);
            copy[i] ^= (uint8_t)(1 << bit);
            ERR_clear_error();
            ck_assert_int_eq(read_records((enum kind)_i, copy, len, &last, text), 0);
            ck_assert_int_eq(last, TLS_RL_FATAL);
            ck_assert_int_eq(ERR_GET_REASON(ERR_peek_last_error()),
                             SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
        }
    }
    ERR_clear_error();
}
END_TEST

/* A stream cut anywhere yields the complete records before the cut and then
 * asks for more; nothing fails and nothing is read past the end. */
START_TEST(every_truncation_waits_for_more)
{
    uint8_t buf[1024];
    char text[64];
    enum tls_rl_result last;
    size_t len = make_records((enum kind)_i, buf, sizeof(buf));
    size_t first = (size_t)((buf[3] << 8) | buf[4]) + 5;

    for (size_t cut = 0; cut < len; cut++) {
        int n = read_records((enum kind)_i, buf, cut, &last, text);
        ck_assert_int_eq(last, TLS_RL_RETRY);
        ck_assert_int_eq(n, cut >= first ? 1 : 0);
    }
    ERR_clear_error();
}
END_TEST

static int read_plain(const char *bytes, size_t len)
{
    BIO *r = BIO_new_mem_buf(bytes, (int)len);
    SSL *s = endpoint(r, NULL);
    enum tls_rl_result res = tls_rl_read(s, &s->conn->rl);
    s->rbio = NULL;
    BIO_free(r);
    SSL_free(s);
    return res == TLS_RL_FATAL ? ERR_GET_REASON(ERR_peek_last_error()) : -1;
}

/* Stock's reasons when the peer does not speak TLS at all. */
START_TEST(not_tls_is_recognised)
{
    ERR_clear_error();
    ck_assert_int_eq(read_plain("HTTP/1.1 400 Bad Request\r\n", 26), SSL_R_WRONG_VERSION_NUMBER);
    ck_assert_int_eq(read_plain("GET / HTTP/1.1\r\n", 16), SSL_R_HTTP_REQUEST);
    ck_assert_int_eq(read_plain("POST / HTTP/1.1\r\n", 17), SSL_R_HTTP_REQUEST);
    ck_assert_int_eq(read_plain("CONNECT x:443\r\n", 15), SSL_R_HTTPS_PROXY_REQUEST);
    /* A TLS header announcing more than any record may hold. */
    ck_assert_int_eq(read_plain("\x16\x03\x03\x41\x58", 5), SSL_R_PACKET_LENGTH_TOO_LONG);
    ck_assert_int_eq(read_plain("\x16\x03\x03\x41\x41", 5), SSL_R_ENCRYPTED_LENGTH_TOO_LONG);
    ERR_clear_error();
}
END_TEST

/* An established connection keeps no record buffers when idle. */
START_TEST(buffers_released_when_idle)
{
    uint8_t buf[1024];
    size_t len = make_records(K_TLS13_GCM, buf, sizeof(buf));
    BIO *r = BIO_new_mem_buf(buf, (int)len);
    SSL *s = endpoint(r, NULL);
    key(s, K_TLS13_GCM, 0);
    ck_assert_int_eq(tls_rl_read(s, &s->conn->rl), TLS_RL_OK);
    tls_rl_release_record(&s->conn->rl);
    ck_assert_int_eq(tls_rl_read(s, &s->conn->rl), TLS_RL_OK);
    tls_rl_release_record(&s->conn->rl);
    ck_assert_ptr_null(s->conn->rl.rbuf);
    ck_assert_ptr_null(s->conn->rl.wbuf);
    s->rbio = NULL;
    BIO_free(r);
    SSL_free(s);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("record");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, round_trip_every_protection, 0, K_KINDS);
    tcase_add_loop_test(tc, every_altered_byte_is_bad_record_mac, 0, K_KINDS);
    tcase_add_loop_test(tc, every_truncation_waits_for_more, 0, K_KINDS);
    tcase_add_test(tc, not_tls_is_recognised);
    tcase_add_test(tc, buffers_released_when_idle);
    suite_add_tcase(s, tc);
    return s;
}
