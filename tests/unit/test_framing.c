/*
 * shimssl unit tests: handshake message framing over records
 * (shim/tls/handshake.c: tls_hs_read_msg, tls_hs_consume_msg).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Unprotected handshake records are written by hand into the reading
 * endpoint's memory BIO, cut in every way RFC 8446 5.1 allows (a message
 * over several records, several messages in one, a header cut in two); what
 * comes out must be the messages, whole, and exactly their bytes must reach
 * the transcript.  Oversized messages must fail as soon as their header is
 * in, with stock's reason and alert.
 */
#include "shim.h"

#include <string.h>

#include "tls/handshake.h"
#include "unit.h"
#include "unit_util.h"

#define MAX_STREAM 8192

/* A reading endpoint and a handshake whose transcript has no hash yet, so
 * it keeps the exact bytes it is given. */
struct reader {
    SSL *s;
    struct tls_conn *c;
    struct tls_hs *hs;
    BIO *in, *out;
    uint8_t seen[MAX_STREAM]; /* the raw messages read so far */
    size_t seen_len;
};

static void reader_init(struct reader *r)
{
    memset(r, 0, sizeof(*r));
    ERR_clear_error();
    r->in = unit_mem_bio();
    r->out = BIO_new(BIO_s_mem());
    r->s = unit_endpoint(r->in, r->out);
    /* A client, reading a server's messages (their limits are the client's). */
    SSL_set_connect_state(r->s);
    r->c = tls_conn_get(r->s);
    r->hs = OPENSSL_zalloc(sizeof(*r->hs));
    ck_assert_ptr_nonnull(r->hs);
    tls_transcript_init(&r->hs->transcript);
}

static void reader_free(struct reader *r)
{
    tls_hs_free(r->hs);
    SSL_free(r->s);
    ERR_clear_error();
}

/* A handshake message: type, uint24 length, body (a pattern of its own). */
static size_t make_msg(uint8_t *out, int type, size_t body)
{
    ck_assert_uint_le(body + 4, MAX_STREAM);
    out[0] = (uint8_t)type;
    out[1] = (uint8_t)(body >> 16);
    out[2] = (uint8_t)(body >> 8);
    out[3] = (uint8_t)body;
    for (size_t i = 0; i < body; i++)
        out[4 + i] = (uint8_t)(type * 7 + i * 3 + (i >> 8));
    return body + 4;
}

/* The next message must be raw (len bytes, header included); it is then
 * consumed, and the transcript must hold exactly what was read so far. */
static void expect_msg(struct reader *r, const uint8_t *raw, size_t len)
{
    ck_assert_int_eq(tls_hs_read_msg(r->s, r->c), TLS_RL_OK);
    ck_assert_int_eq(r->c->hm.msg.type, raw[0]);
    ck_assert_uint_eq(r->c->hm.msg.len, len - 4);
    ck_assert_uint_eq(r->c->hm.msg.raw_len, len);
    ck_assert_mem_eq(r->c->hm.msg.raw, raw, len);
    ck_assert_ptr_eq(r->c->hm.msg.body, r->c->hm.msg.raw + 4);
    ck_assert(tls_hs_consume_msg(r->s, r->c, r->hs));
    memcpy(r->seen + r->seen_len, raw, len);
    r->seen_len += len;
    ck_assert_uint_eq(r->hs->transcript.len, r->seen_len);
    ck_assert_mem_eq(r->hs->transcript.buf, r->seen, r->seen_len);
    /* Consumed: the next read starts afresh. */
    ck_assert_int_eq(r->c->hm.have, 0);
}

/* Nothing complete yet: the reader asks for more, fails nothing, sends nothing. */
static void expect_wait(struct reader *r)
{
    ck_assert_int_eq(tls_hs_read_msg(r->s, r->c), TLS_RL_RETRY);
    ck_assert_int_eq(SSL_get_error(r->s, -1), SSL_ERROR_WANT_READ);
    ck_assert_int_eq(r->c->failed, 0);
    ck_assert_int_eq(ERR_peek_error(), 0);
    ck_assert_int_eq(BIO_pending(r->out), 0);
}

/* One Certificate message over three records: nothing comes out until the
 * last arrives, then the whole message. */
START_TEST(message_over_several_records)
{
    struct reader r;
    uint8_t m[MAX_STREAM];
    size_t len = make_msg(m, SSL3_MT_CERTIFICATE, 3000);

    reader_init(&r);
    unit_put_record(r.in, SSL3_RT_HANDSHAKE, m, 1000);
    expect_wait(&r);
    unit_put_record(r.in, SSL3_RT_HANDSHAKE, m + 1000, 1000);
    expect_wait(&r);
    unit_put_record(r.in, SSL3_RT_HANDSHAKE, m + 2000, len - 2000);
    expect_msg(&r, m, len);
    expect_wait(&r);
    reader_free(&r);
}
END_TEST

/* A TLS 1.3 server flight in one record: each message comes out in turn
 * without reading more, and only the last ends the record (where a key
 * change may happen, RFC 8446 5.1). */
START_TEST(several_messages_in_one_record)
{
    static const struct {
        int type;
        size_t body;
    } flight[] = {{SSL3_MT_ENCRYPTED_EXTENSIONS, 2},
                  {SSL3_MT_CERTIFICATE, 700},
                  {SSL3_MT_CERTIFICATE_VERIFY, 260},
                  {SSL3_MT_FINISHED, 32}};
    struct reader r;
    uint8_t rec[MAX_STREAM];
    size_t off[5] = {0};

    for (size_t i = 0; i < 4; i++)
        off[i + 1] = off[i] + make_msg(rec + off[i], flight[i].type, flight[i].body);
    reader_init(&r);
    unit_put_record(r.in, SSL3_RT_HANDSHAKE, rec, off[4]);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(tls_hs_read_msg(r.s, r.c), TLS_RL_OK);
        /* The record was read whole the first time. */
        ck_assert_int_eq(BIO_pending(r.in), 0);
        ck_assert_int_eq(tls_hs_msg_ends_record(r.c), i == 3);
        expect_msg(&r, rec + off[i], off[i + 1] - off[i]);
    }
    /* All consumed: no handshake buffer is kept. */
    ck_assert_ptr_null(r.c->hm.buf);
    expect_wait(&r);
    reader_free(&r);
}
END_TEST

/* Two messages cut into two records at every possible point: inside the
 * first header, its body, the second header (an empty ServerHelloDone). */
START_TEST(cut_at_every_point)
{
    uint8_t stream[MAX_STREAM];
    size_t l1 = make_msg(stream, SSL3_MT_SERVER_HELLO, 40);
    size_t l2 = make_msg(stream + l1, SSL3_MT_SERVER_DONE, 0);

    for (size_t cut = 1; cut < l1 + l2; cut++) {
        struct reader r;
        reader_init(&r);
        unit_put_record(r.in, SSL3_RT_HANDSHAKE, stream, cut);
        if (cut < l1) {
            expect_wait(&r);
            unit_put_record(r.in, SSL3_RT_HANDSHAKE, stream + cut, l1 + l2 - cut);
            expect_msg(&r, stream, l1);
        } else {
            expect_msg(&r, stream, l1);
            if (cut < l1 + l2)
                expect_wait(&r);
            unit_put_record(r.in, SSL3_RT_HANDSHAKE, stream + cut, l1 + l2 - cut);
        }
        expect_msg(&r, stream + l1, l2);
        expect_wait(&r);
        reader_free(&r);
    }
}
END_TEST

/* Every byte in a record of its own, headers included. */
START_TEST(one_byte_records)
{
    struct reader r;
    uint8_t stream[MAX_STREAM];
    size_t l1 = make_msg(stream, SSL3_MT_CERTIFICATE_REQUEST, 9);
    size_t l2 = make_msg(stream + l1, SSL3_MT_FINISHED, 12);

    reader_init(&r);
    for (size_t i = 0; i < l1 + l2; i++)
        unit_put_record(r.in, SSL3_RT_HANDSHAKE, stream + i, 1);
    expect_msg(&r, stream, l1);
    expect_msg(&r, stream + l1, l2);
    expect_wait(&r);
    reader_free(&r);
}
END_TEST

/*
 * The largest body accepted for each message a client reads, as stock 3.0's
 * client state machine allows it (ssl/statem/statem_clnt.c: ServerHello
 * 65607, EncryptedExtensions 20000, ServerKeyExchange 102400, the ticket
 * 131338 in TLS 1.3 and 65541 before, ServerHelloDone 0, Finished 64,
 * KeyUpdate 1, Certificate and CertificateRequest max_cert_list (100 KiB by
 * default), the rest one record's worth).  The ServerHello limit was checked
 * against stock 3.0.19 directly (65607 waits, 65608 is refused).
 */
static const struct {
    int type;
    int version; /* s->version, which the ticket's limit depends on */
    size_t max;
} limits[] = {
    {SSL3_MT_HELLO_REQUEST, TLS1_2_VERSION, 0},
    {SSL3_MT_SERVER_HELLO, 0, 65607},
    {SSL3_MT_ENCRYPTED_EXTENSIONS, TLS1_3_VERSION, 20000},
    {SSL3_MT_CERTIFICATE, 0, 100 * 1024},
    {SSL3_MT_CERTIFICATE_REQUEST, 0, 100 * 1024},
    {SSL3_MT_SERVER_KEY_EXCHANGE, TLS1_2_VERSION, 102400},
    {SSL3_MT_SERVER_DONE, TLS1_2_VERSION, 0},
    {SSL3_MT_NEWSESSION_TICKET, TLS1_3_VERSION, 131338},
    {SSL3_MT_NEWSESSION_TICKET, TLS1_2_VERSION, 65541},
    {SSL3_MT_FINISHED, 0, 64},
    {SSL3_MT_KEY_UPDATE, TLS1_3_VERSION, 1},
    {SSL3_MT_CERTIFICATE_VERIFY, TLS1_3_VERSION, SSL3_RT_MAX_PLAIN_LENGTH},
    {SSL3_MT_CERTIFICATE_STATUS, TLS1_2_VERSION, SSL3_RT_MAX_PLAIN_LENGTH},
};

/* A record holding only the header of a message of len bytes. */
static void put_header(BIO *in, int type, size_t len)
{
    uint8_t h[4] = {(uint8_t)type, (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
    unit_put_record(in, SSL3_RT_HANDSHAKE, h, 4);
}

/* At the limit the reader waits for the body; one byte more and it fails at
 * once, before any body arrives: excessive_message_size, illegal_parameter. */
START_TEST(oversized_message)
{
    struct reader r;

    reader_init(&r);
    if (limits[_i].version != 0)
        r.s->version = limits[_i].version;
    ck_assert_uint_eq(SSL_get_max_cert_list(r.s), 100 * 1024);
    put_header(r.in, limits[_i].type, limits[_i].max);
    if (limits[_i].max == 0)
        expect_msg(&r, (const uint8_t[]){(uint8_t)limits[_i].type, 0, 0, 0}, 4);
    expect_wait(&r);
    reader_free(&r);

    reader_init(&r);
    if (limits[_i].version != 0)
        r.s->version = limits[_i].version;
    put_header(r.in, limits[_i].type, limits[_i].max + 1);
    ck_assert_int_eq(tls_hs_read_msg(r.s, r.c), TLS_RL_FATAL);
    ck_assert_int_eq(unit_ssl_reason(), SSL_R_EXCESSIVE_MESSAGE_SIZE);
    ck_assert_int_eq(unit_fatal_alert_written(r.out), SSL_AD_ILLEGAL_PARAMETER);
    ck_assert_int_eq(r.c->failed, 1);
    ck_assert_uint_eq(r.hs->transcript.len, 0);
    reader_free(&r);
}
END_TEST

/* The Certificate limit is the application's max_cert_list. */
START_TEST(certificate_limit_follows_max_cert_list)
{
    struct reader r;

    reader_init(&r);
    SSL_set_max_cert_list(r.s, 1000);
    put_header(r.in, SSL3_MT_CERTIFICATE, 1000);
    expect_wait(&r);
    reader_free(&r);

    reader_init(&r);
    SSL_set_max_cert_list(r.s, 1000);
    put_header(r.in, SSL3_MT_CERTIFICATE, 1001);
    ck_assert_int_eq(tls_hs_read_msg(r.s, r.c), TLS_RL_FATAL);
    ck_assert_int_eq(unit_ssl_reason(), SSL_R_EXCESSIVE_MESSAGE_SIZE);
    ck_assert_int_eq(unit_fatal_alert_written(r.out), SSL_AD_ILLEGAL_PARAMETER);
    reader_free(&r);
}
END_TEST

/* Consuming hashes exactly the raw message (header and body) once a hash is
 * chosen, and nothing without a handshake (post-handshake messages). */
START_TEST(consume_hashes_the_raw_bytes)
{
    struct reader r;
    uint8_t stream[MAX_STREAM], want[32], got[EVP_MAX_MD_SIZE];
    size_t l1 = make_msg(stream, SSL3_MT_SERVER_HELLO, 70);
    size_t l2 = make_msg(stream + l1, SSL3_MT_ENCRYPTED_EXTENSIONS, 6);
    size_t l3 = make_msg(stream + l1 + l2, SSL3_MT_NEWSESSION_TICKET, 50);
    size_t got_len = 0;
    unsigned int want_len = 0;

    reader_init(&r);
    ck_assert(tls_transcript_set_md(&r.hs->transcript, EVP_sha256()));
    unit_put_record(r.in, SSL3_RT_HANDSHAKE, stream, l1 + l2 + l3);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(tls_hs_read_msg(r.s, r.c), TLS_RL_OK);
        ck_assert(tls_hs_consume_msg(r.s, r.c, r.hs));
    }
    ck_assert(EVP_Digest(stream, l1 + l2, want, &want_len, EVP_sha256(), NULL));
    ck_assert(tls_transcript_hash(&r.hs->transcript, got, &got_len));
    ck_assert_mem_eq(got, want, 32);
    /* After the handshake: read and consumed, hashed nowhere. */
    ck_assert_int_eq(tls_hs_read_msg(r.s, r.c), TLS_RL_OK);
    ck_assert_int_eq(r.c->hm.msg.type, SSL3_MT_NEWSESSION_TICKET);
    ck_assert(tls_hs_consume_msg(r.s, r.c, NULL));
    ck_assert(tls_transcript_hash(&r.hs->transcript, got, &got_len));
    ck_assert_mem_eq(got, want, 32);
    ck_assert_ptr_null(r.c->hm.buf);
    reader_free(&r);
}
END_TEST

/* After the handshake records are appended one at a time and messages taken
 * while complete ones are buffered (tls_hs_append_record,
 * tls_hs_next_buffered): the same framing and the same limits. */
START_TEST(after_the_handshake)
{
    struct reader r;
    uint8_t stream[MAX_STREAM];
    size_t l1 = make_msg(stream, SSL3_MT_NEWSESSION_TICKET, 200);
    size_t l2 = make_msg(stream + l1, SSL3_MT_KEY_UPDATE, 1);
    size_t l3 = make_msg(stream + l1 + l2, SSL3_MT_KEY_UPDATE, 2); /* one byte too long */

    reader_init(&r);
    r.s->version = TLS1_3_VERSION;
    r.c->version = TLS1_3_VERSION;
    unit_put_record(r.in, SSL3_RT_HANDSHAKE, stream, 100);
    unit_put_record(r.in, SSL3_RT_HANDSHAKE, stream + 100, l1 + l2 + l3 - 100);
    ck_assert_int_eq(tls_rl_read(r.s, &r.c->rl), TLS_RL_OK);
    ck_assert(tls_hs_append_record(r.s, r.c));
    ck_assert_int_eq(tls_hs_next_buffered(r.s, r.c), 0);
    ck_assert_int_eq(r.c->failed, 0);
    ck_assert_int_eq(tls_rl_read(r.s, &r.c->rl), TLS_RL_OK);
    ck_assert(tls_hs_append_record(r.s, r.c));
    ck_assert_int_eq(tls_hs_next_buffered(r.s, r.c), 1);
    expect_msg(&r, stream, l1);
    ck_assert_int_eq(tls_hs_next_buffered(r.s, r.c), 1);
    ck_assert_int_eq(tls_hs_msg_ends_record(r.c), 0);
    expect_msg(&r, stream + l1, l2);
    ck_assert_int_eq(tls_hs_next_buffered(r.s, r.c), 0);
    ck_assert_int_eq(unit_ssl_reason(), SSL_R_EXCESSIVE_MESSAGE_SIZE);
    ck_assert_int_eq(unit_fatal_alert_written(r.out), SSL_AD_ILLEGAL_PARAMETER);
    reader_free(&r);
}
END_TEST

/* Other records in the middle of a message: application data is refused
 * (unexpected_record), as stock refuses it; before a version is chosen stock
 * refuses any such record as an unexpected message. */
START_TEST(application_data_inside_a_message)
{
    struct reader r;
    uint8_t m[64];
    size_t len = make_msg(m, SSL3_MT_CERTIFICATE, 20);

    reader_init(&r);
    if (_i == 1) {
        r.c->version = TLS1_2_VERSION;
        r.s->version = TLS1_2_VERSION;
    }
    unit_put_record(r.in, SSL3_RT_HANDSHAKE, m, 10);
    unit_put_record(r.in, SSL3_RT_APPLICATION_DATA, (const uint8_t *)"A", 1);
    unit_put_record(r.in, SSL3_RT_HANDSHAKE, m + 10, len - 10);
    ck_assert_int_eq(tls_hs_read_msg(r.s, r.c), TLS_RL_FATAL);
    ck_assert_int_eq(unit_ssl_reason(),
                     _i == 1 ? SSL_R_UNEXPECTED_RECORD : SSL_R_UNEXPECTED_MESSAGE);
    ck_assert_int_eq(unit_fatal_alert_written(r.out), SSL_AD_UNEXPECTED_MESSAGE);
    reader_free(&r);
}
END_TEST

/*
 * ChangeCipherSpec in a TLS 1.2 handshake, as stock 3.0.19 takes it (measured
 * with a TLS 1.2 client fed a ServerHello and then the record(s) below):
 *  - a ChangeCipherSpec that is not the single byte 01: unexpected_message
 *    (SSL_R_BAD_CHANGE_CIPHER_SPEC);
 *  - a valid ChangeCipherSpec while a handshake message is half read: it
 *    fails at once, SSL_R_BAD_CHANGE_CIPHER_SPEC when only part of the header
 *    has come and SSL_R_CCS_RECEIVED_EARLY inside the body (both
 *    unexpected_message).
 */
static void tls12_reader(struct reader *r)
{
    reader_init(r);
    r->c->version = TLS1_2_VERSION;
    r->s->version = TLS1_2_VERSION;
}

START_TEST(bad_ccs_is_unexpected_message)
{
    struct reader r;

    tls12_reader(&r);
    unit_put_record(r.in, SSL3_RT_CHANGE_CIPHER_SPEC, (const uint8_t[]){1, 1}, 2);
    ck_assert_int_eq(tls_hs_read_msg(r.s, r.c), TLS_RL_FATAL);
    ck_assert_int_eq(unit_ssl_reason(), SSL_R_BAD_CHANGE_CIPHER_SPEC);
    ck_assert_int_eq(unit_fatal_alert_written(r.out), SSL_AD_UNEXPECTED_MESSAGE);
    reader_free(&r);
}
END_TEST

START_TEST(ccs_inside_a_message)
{
    static const struct {
        size_t before; /* bytes of the message before the CCS */
        int reason;
    } cases[] = {{2, SSL_R_BAD_CHANGE_CIPHER_SPEC}, {6, SSL_R_CCS_RECEIVED_EARLY}};
    uint8_t m[64];
    size_t len = make_msg(m, SSL3_MT_CERTIFICATE, 10);

    for (size_t i = 0; i < 2; i++) {
        struct reader r;
        tls12_reader(&r);
        unit_put_record(r.in, SSL3_RT_HANDSHAKE, m, cases[i].before);
        unit_put_record(r.in, SSL3_RT_CHANGE_CIPHER_SPEC, (const uint8_t[]){1}, 1);
        unit_put_record(r.in, SSL3_RT_HANDSHAKE, m + cases[i].before, len - cases[i].before);
        ck_assert_int_eq(tls_hs_read_msg(r.s, r.c), TLS_RL_FATAL);
        ck_assert_int_eq(unit_ssl_reason(), cases[i].reason);
        ck_assert_int_eq(unit_fatal_alert_written(r.out), SSL_AD_UNEXPECTED_MESSAGE);
        reader_free(&r);
    }
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("framing");
    TCase *tc = tcase_create("framing");
    tcase_add_test(tc, message_over_several_records);
    tcase_add_test(tc, several_messages_in_one_record);
    tcase_add_test(tc, cut_at_every_point);
    tcase_add_test(tc, one_byte_records);
    tcase_add_loop_test(tc, oversized_message, 0, (int)(sizeof(limits) / sizeof(limits[0])));
    tcase_add_test(tc, certificate_limit_follows_max_cert_list);
    tcase_add_test(tc, consume_hashes_the_raw_bytes);
    tcase_add_test(tc, after_the_handshake);
    tcase_add_loop_test(tc, application_data_inside_a_message, 0, 2);
    tcase_add_test(tc, bad_ccs_is_unexpected_message);
    tcase_add_test(tc, ccs_inside_a_message);
    suite_add_tcase(s, tc);
    return s;
}
