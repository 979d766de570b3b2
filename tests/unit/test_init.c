/*
 * shimssl unit tests: shim/api/init.c and shim/api/err_reasons.c.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "api/err_reasons.h"
#include "unit.h"

/* Texts checked against stock libssl 3.0 (ERR_reason_error_string there). */
START_TEST(reason_texts_after_load)
{
    ck_assert_int_eq(ERR_load_SSL_strings(), 1);
    ck_assert_str_eq(ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_VERSION_NUMBER)),
                     "wrong version number");
    ck_assert_str_eq(
        ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED)),
        "certificate verify failed");
    ck_assert_str_eq(
        ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_TLSV1_ALERT_UNKNOWN_CA)),
        "tlsv1 alert unknown ca");
    char buf[128];
    ERR_error_string_n(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_NO_SHARED_CIPHER), buf, sizeof(buf));
    ck_assert_str_eq(buf, "error:0A0000C1:SSL routines::no shared cipher");
}
END_TEST

START_TEST(loading_twice_is_harmless)
{
    ck_assert_int_eq(shim_err_load_reason_strings(), 1);
    ck_assert_int_eq(shim_err_load_reason_strings(), 1);
    ck_assert_ptr_nonnull(ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_BAD_LENGTH)));
}
END_TEST

START_TEST(init_ssl_succeeds)
{
    ck_assert_int_eq(OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL), 1);
    ck_assert_int_eq(OPENSSL_init_ssl(0, NULL), 1);
    ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("init");
    TCase *tc = tcase_create("init");
    tcase_add_test(tc, reason_texts_after_load);
    tcase_add_test(tc, loading_twice_is_harmless);
    tcase_add_test(tc, init_ssl_succeeds);
    suite_add_tcase(s, tc);
    return s;
}
