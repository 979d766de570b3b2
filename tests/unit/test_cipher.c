/*
 * shimssl unit tests: shim/tls/cipher_suites.c, shim/api/cipher_rules.c and
 * cipher_list.c internals.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include <openssl/obj_mac.h>

#include "api/cipher_rules.h"
#include "tls/cipher_suites.h"
#include "unit.h"

/* Lookups by id are binary searches: each table must be strictly sorted. */
START_TEST(tables_sorted_by_id)
{
    for (size_t i = 1; i < shim_cipher_tls12_count(); i++)
        ck_assert_uint_lt(shim_cipher_tls12_at(i - 1)->id, shim_cipher_tls12_at(i)->id);
    for (size_t i = 1; i < shim_cipher_tls13_count(); i++)
        ck_assert_uint_lt(shim_cipher_tls13_at(i - 1)->id, shim_cipher_tls13_at(i)->id);
    ck_assert_ptr_null(shim_cipher_tls12_at(shim_cipher_tls12_count()));
    /* Stock 3.0 without weak ciphers: 167 TLS 1.2 suites, 5 TLS 1.3 ones. */
    ck_assert_uint_eq(shim_cipher_tls12_count(), 167);
    ck_assert_uint_eq(shim_cipher_tls13_count(), 5);
}
END_TEST

/* Code points from RFC 8446 B.4, RFC 5289, RFC 5746 and RFC 7507. */
START_TEST(lookup_by_id_and_name)
{
    const SSL_CIPHER *c = shim_cipher_by_id(0x03001301);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->stdname, "TLS_AES_128_GCM_SHA256");
    ck_assert_int_eq(c->min_tls, TLS1_3_VERSION);

    c = shim_cipher_by_id(0x0300C02F);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->name, "ECDHE-RSA-AES128-GCM-SHA256");
    ck_assert_str_eq(c->stdname, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    ck_assert_uint_eq(c->algorithm_mkey, SHIM_K_ECDHE);
    ck_assert_uint_eq(c->algorithm_auth, SHIM_A_RSA);
    ck_assert_uint_eq(c->algorithm_enc, SHIM_E_AES128GCM);
    ck_assert_ptr_eq(shim_cipher_by_std_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), c);

    c = shim_cipher_by_id(0x030000FF);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->valid, 0);
    ck_assert_ptr_eq(shim_cipher_by_std_name("TLS_FALLBACK_SCSV"), shim_cipher_by_id(0x03005600));

    ck_assert_ptr_null(shim_cipher_by_id(0x03001234));
    ck_assert_ptr_null(shim_cipher_by_id(0x0000C02F));
    ck_assert_ptr_null(shim_cipher_by_std_name("TLS_NOT_A_SUITE"));
}
END_TEST

START_TEST(algorithm_nids)
{
    ck_assert_int_eq(shim_cipher_enc_nid(SHIM_E_AES256GCM), NID_aes_256_gcm);
    ck_assert_int_eq(shim_cipher_enc_nid(SHIM_E_AES128CCM8), NID_aes_128_ccm);
    ck_assert_int_eq(shim_cipher_enc_nid(SHIM_E_AESGCM), NID_undef);
    ck_assert_int_eq(shim_cipher_mac_nid(SHIM_M_SHA384), NID_sha384);
    ck_assert_int_eq(shim_cipher_mac_nid(SHIM_M_AEAD), NID_undef);
    ck_assert_int_eq(shim_cipher_kx_nid(SHIM_K_ANY), NID_kx_any);
    ck_assert_int_eq(shim_cipher_auth_nid(SHIM_A_ECDSA), NID_auth_ecdsa);
    ck_assert_int_eq(shim_cipher_md_idx_nid(SHIM_MD_IDX_MD5_SHA1), NID_md5_sha1);
    ck_assert_int_eq(shim_cipher_md_idx_nid(SHIM_MD_IDX_NUM), NID_undef);
    ck_assert_uint_eq(shim_cipher_md_idx_mac_mask(SHIM_MD_IDX_SHA256), SHIM_M_SHA256);
}
END_TEST

/* The default providers have every algorithm of the common suites and none
 * of GOST, IDEA (not built) or RC4/SEED (legacy provider). */
START_TEST(disabled_algorithms)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    ck_assert_ptr_nonnull(ctx);
    ck_assert_uint_eq(ctx->disabled_enc & (SHIM_E_AES | SHIM_E_CHACHA20POLY1305), 0);
    ck_assert_uint_eq(ctx->disabled_enc & (SHIM_E_RC4 | SHIM_E_SEED | SHIM_E_IDEA),
                      SHIM_E_RC4 | SHIM_E_SEED | SHIM_E_IDEA);
    ck_assert_uint_eq(ctx->disabled_mkey & (SHIM_K_ECDHE | SHIM_K_DHE), 0);
    ck_assert_uint_eq(ctx->disabled_mkey & SHIM_K_GOST, SHIM_K_GOST);
    ck_assert_uint_eq(ctx->disabled_auth & (SHIM_A_DSS | SHIM_A_ECDSA), 0);
    ck_assert_int_eq(shim_cipher_tls13_available(ctx, shim_cipher_by_id(0x03001303)), 1);
    SSL_CTX_free(ctx);
}
END_TEST

/* "@SECLEVEL=n" lands on the certificate settings; a bad command fails the
 * string after the rest was applied, and leaves the lists alone. */
START_TEST(seclevel_and_failures)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    STACK_OF(SSL_CIPHER) *before = ctx->cfg.cipher_list;

    ck_assert_int_eq(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=3"), 1);
    ck_assert_int_eq(ctx->cfg.cert->sec_level, 3);
    before = ctx->cfg.cipher_list;
    ck_assert_ptr_null(shim_cipher_list_build(ctx, ctx->cfg.cert, ctx->cfg.tls13_ciphersuites,
                                              "@SECLEVEL=0:AES:@BOGUS", &ctx->cfg.cipher_list,
                                              &ctx->cfg.cipher_list_by_id));
    ck_assert_int_eq(ctx->cfg.cert->sec_level, 0);
    ck_assert_ptr_eq(ctx->cfg.cipher_list, before);
    ck_assert_int_eq(ERR_GET_REASON(ERR_get_error()), SSL_R_INVALID_COMMAND);
    ERR_clear_error();
    SSL_CTX_free(ctx);
}
END_TEST

/* The by-id list is the same suites, sorted, with a comparison function. */
START_TEST(list_by_id)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    STACK_OF(SSL_CIPHER) * list, *by_id;

    ck_assert_int_eq(SSL_CTX_set_cipher_list(ctx, "AES256-SHA:AES128-SHA"), 1);
    list = ctx->cfg.cipher_list;
    by_id = ctx->cfg.cipher_list_by_id;
    ck_assert_int_eq(sk_SSL_CIPHER_num(list), 5); /* 3 TLS 1.3 suites first */
    ck_assert_int_eq(sk_SSL_CIPHER_num(by_id), 5);
    ck_assert_uint_eq(sk_SSL_CIPHER_value(list, 3)->id, 0x03000035);
    ck_assert_uint_eq(sk_SSL_CIPHER_value(by_id, 0)->id, 0x0300002F);
    ck_assert_uint_eq(sk_SSL_CIPHER_value(by_id, 4)->id, 0x03001303);
    ck_assert_int_ge(sk_SSL_CIPHER_find(by_id, shim_cipher_by_id(0x03001302)), 0);
    SSL_CTX_free(ctx);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("cipher");
    TCase *tc = tcase_create("cipher");
    tcase_add_test(tc, tables_sorted_by_id);
    tcase_add_test(tc, lookup_by_id_and_name);
    tcase_add_test(tc, algorithm_nids);
    tcase_add_test(tc, disabled_algorithms);
    tcase_add_test(tc, seclevel_and_failures);
    tcase_add_test(tc, list_by_id);
    suite_add_tcase(s, tc);
    return s;
}
