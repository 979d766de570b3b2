/*
 * shimssl unit tests: no padding oracle in MAC-then-encrypt CBC records
 * (shim/tls/record.c over shim/crypto/cbc.c; issue 15).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Records are built here by hand (AES-256-CBC, HMAC-SHA384, TLS 1.2's
 * explicit IV, RFC 5246 6.2.3.2) so that each class of damage is exactly
 * what it says: a bad MAC under good padding (short and long padding), a
 * padding whose bytes disagree, a padding longer than the record allows.
 * Each must be refused the same way: the same result, the same error queue
 * and the same alert on the wire.  tests/unit/test_oracle_timing.c times
 * the same classes.
 */
#include "shim.h"

#include <string.h>

#include "cbc_oracle.h"
#include "unit.h"

START_TEST(good_record_reads)
{
    struct cbc_oracle_result r;

    cbc_oracle_read(CBC_GOOD, &r);
    ck_assert_int_eq(r.ok, 1);
    ck_assert_int_eq(r.content_len, CBC_ORACLE_RECORD_LEN - 16 - 48 - 8);
    ck_assert_int_eq(r.alert_len, 0);
}
END_TEST

START_TEST(every_damage_answered_alike)
{
    struct cbc_oracle_result ref, r;

    cbc_oracle_read(CBC_BAD_MAC, &ref);
    ck_assert_int_eq(ref.ok, 0);
    ck_assert_int_eq(ref.num_errors, 1);
    ck_assert_int_eq(ERR_GET_REASON(ref.errors[0]), SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
    /* A fatal bad_record_mac alert, in the clear (our write side is not keyed). */
    ck_assert_int_eq(ref.alert_len, 7);
    ck_assert_int_eq(ref.alert[5], SSL3_AL_FATAL);
    ck_assert_int_eq(ref.alert[6], SSL_AD_BAD_RECORD_MAC);
    for (int k = CBC_BAD_MAC; k < CBC_CLASSES; k++) {
        cbc_oracle_read((enum cbc_class)k, &r);
        ck_assert_msg(r.ok == ref.ok && r.num_errors == ref.num_errors &&
                          memcmp(r.errors, ref.errors, sizeof(r.errors[0]) * r.num_errors) == 0 &&
                          r.alert_len == ref.alert_len &&
                          memcmp(r.alert, ref.alert, r.alert_len) == 0,
                      "class %s is told apart from a bad MAC", cbc_oracle_name((enum cbc_class)k));
    }
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("cbc_oracle");
    TCase *tc = tcase_create("cbc_oracle");
    tcase_add_test(tc, good_record_reads);
    tcase_add_test(tc, every_damage_answered_alike);
    suite_add_tcase(s, tc);
    return s;
}
