/*
 * shimssl unit tests: shim/api/error.c (SSL_get_error, SSL_want).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The differential test covers an SSL that waits for nothing; here the
 * waiting states only a handshake produces are set directly.  Expected codes
 * follow stock OpenSSL 3.0's SSL_get_error (ssl/ssl_lib.c): error queue
 * first, then rwstate with the BIO's retry flags, then a received
 * close_notify.
 */
#include "shim.h"

#include "objects.h"
#include "unit.h"

static SSL_CTX *ctx;
static SSL *s;
static BIO *rbio, *wbio;

static void setup(void)
{
    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_method());
    s = SSL_new(ctx);
    rbio = BIO_new(BIO_s_mem());
    wbio = BIO_new(BIO_s_mem());
    SSL_set_bio(s, rbio, wbio);
}

static void teardown(void)
{
    SSL_free(s);
    SSL_CTX_free(ctx);
    ERR_clear_error();
}

static void retry(BIO *b, int flags, int reason)
{
    BIO_clear_retry_flags(b);
    BIO_set_flags(b, flags | BIO_FLAGS_SHOULD_RETRY);
    BIO_set_retry_reason(b, reason);
}

START_TEST(reading_uses_rbio_flags)
{
    s->rwstate = SSL_READING;
    ck_assert_int_eq(SSL_want(s), SSL_READING);
    retry(rbio, BIO_FLAGS_READ, 0);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_WANT_READ);
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_WANT_READ);
    ck_assert_int_eq(SSL_get_error(s, 1), SSL_ERROR_NONE);
    /* Stock's work-around for one BIO used both ways. */
    retry(rbio, BIO_FLAGS_WRITE, 0);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_WANT_WRITE);
    retry(rbio, BIO_FLAGS_IO_SPECIAL, BIO_RR_CONNECT);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_WANT_CONNECT);
    retry(rbio, BIO_FLAGS_IO_SPECIAL, BIO_RR_ACCEPT);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_WANT_ACCEPT);
    retry(rbio, BIO_FLAGS_IO_SPECIAL, BIO_RR_SSL_X509_LOOKUP);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_SYSCALL);
    /* The write side's flags are not consulted while reading. */
    BIO_clear_retry_flags(rbio);
    retry(wbio, BIO_FLAGS_WRITE, 0);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_SYSCALL);
}
END_TEST

START_TEST(writing_uses_wbio_flags)
{
    s->rwstate = SSL_WRITING;
    retry(wbio, BIO_FLAGS_WRITE, 0);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_WANT_WRITE);
    retry(wbio, BIO_FLAGS_READ, 0);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_WANT_READ);
    retry(wbio, BIO_FLAGS_IO_SPECIAL, BIO_RR_CONNECT);
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_WANT_CONNECT);
    retry(wbio, BIO_FLAGS_IO_SPECIAL, BIO_RR_ACCEPT);
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_WANT_ACCEPT);
    retry(wbio, BIO_FLAGS_IO_SPECIAL, 0);
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_SYSCALL);
    BIO_clear_retry_flags(wbio);
    retry(rbio, BIO_FLAGS_READ, 0);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_SYSCALL);
}
END_TEST

START_TEST(no_retry_flags_fall_through_to_shutdown)
{
    s->rwstate = SSL_READING;
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_SYSCALL);
    s->shutdown = SSL_RECEIVED_SHUTDOWN;
    s->warn_alert = SSL_AD_CLOSE_NOTIFY;
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_ZERO_RETURN);
    s->warn_alert = SSL_AD_USER_CANCELLED;
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_SYSCALL);
    s->rwstate = SSL_WRITING;
    s->warn_alert = SSL_AD_CLOSE_NOTIFY;
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_ZERO_RETURN);
    /* Retry flags win over the shutdown state. */
    retry(wbio, BIO_FLAGS_WRITE, 0);
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_WANT_WRITE);
}
END_TEST

START_TEST(other_wait_states)
{
    static const struct {
        int rwstate, error;
    } map[] = {
        {SSL_X509_LOOKUP, SSL_ERROR_WANT_X509_LOOKUP},
        {SSL_RETRY_VERIFY, SSL_ERROR_WANT_RETRY_VERIFY},
        {SSL_ASYNC_PAUSED, SSL_ERROR_WANT_ASYNC},
        {SSL_ASYNC_NO_JOBS, SSL_ERROR_WANT_ASYNC_JOB},
        {SSL_CLIENT_HELLO_CB, SSL_ERROR_WANT_CLIENT_HELLO_CB},
        {SSL_NOTHING, SSL_ERROR_SYSCALL},
    };

    /* BIO retry flags and a received close_notify do not matter here. */
    retry(rbio, BIO_FLAGS_READ, 0);
    s->shutdown = SSL_RECEIVED_SHUTDOWN;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        s->rwstate = map[i].rwstate;
        ck_assert_int_eq(SSL_want(s), map[i].rwstate);
        ck_assert_int_eq(SSL_get_error(s, -1),
                         map[i].rwstate == SSL_NOTHING ? SSL_ERROR_ZERO_RETURN : map[i].error);
        ck_assert_int_eq(SSL_get_error(s, 5), SSL_ERROR_NONE);
    }
}
END_TEST

START_TEST(error_queue_wins)
{
    s->rwstate = SSL_READING;
    retry(rbio, BIO_FLAGS_READ, 0);
    ERR_raise(ERR_LIB_SYS, 104);
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_SYSCALL);
    ck_assert_uint_ne(ERR_peek_error(), 0); /* only peeked */
    ERR_clear_error();
    ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
    s->rwstate = SSL_X509_LOOKUP;
    ck_assert_int_eq(SSL_get_error(s, 0), SSL_ERROR_SSL);
    ck_assert_int_eq(SSL_get_error(s, 1), SSL_ERROR_NONE);
}
END_TEST

/* Stock dereferences the missing BIO; we report a plain failure instead. */
START_TEST(missing_bio_is_not_a_crash)
{
    SSL_set_bio(s, NULL, NULL);
    s->rwstate = SSL_READING;
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_SYSCALL);
    s->rwstate = SSL_WRITING;
    ck_assert_int_eq(SSL_get_error(s, -1), SSL_ERROR_SYSCALL);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *su = suite_create("error");
    TCase *tc = tcase_create("get_error");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reading_uses_rbio_flags);
    tcase_add_test(tc, writing_uses_wbio_flags);
    tcase_add_test(tc, no_retry_flags_fall_through_to_shutdown);
    tcase_add_test(tc, other_wait_states);
    tcase_add_test(tc, error_queue_wins);
    tcase_add_test(tc, missing_bio_is_not_a_crash);
    suite_add_tcase(su, tc);
    return su;
}
