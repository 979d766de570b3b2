/*
 * shimssl unit tests: no timing oracle (issue 15), in MAC-then-encrypt CBC
 * records (bad padding against bad MAC, cbc_oracle.h) and in RSA key
 * exchange (a well-formed premaster against bad paddings).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each class is timed over many trials, interleaved so that a slow spell of
 * a shared machine falls on every class alike, and classes are compared by
 * their medians.  The test fails only when one class stands out far beyond
 * noise: a median more than a quarter away from the others' and by more
 * than a microsecond.  That catches a gross leak (work skipped for one
 * class, an early exit) on a noisy machine without failing by chance; a
 * leak of a few hash blocks (Lucky 13's size) is below what a test in a
 * shared CI job can see, and is left to libcrypto's constant-time code
 * that cbc.c and kex.c use.  Suite 'timing': meson test --suite timing.
 */
#include "shim.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cbc_oracle.h"
#include "crypto/algs.h"
#include "crypto/kex.h"
#include "unit.h"

#define TRIALS 2001

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof(v[0]), cmp_u64);
    return v[n / 2];
}

/* Fails if one of n classes' medians stands out (see the file's comment). */
static void check_medians(const char *what, const char *const *names, const uint64_t *med, int n)
{
    uint64_t lo = med[0], hi = med[0];

    for (int i = 0; i < n; i++) {
        fprintf(stderr, "%s: %-28s median %llu ns\n", what, names[i], (unsigned long long)med[i]);
        lo = med[i] < lo ? med[i] : lo;
        hi = med[i] > hi ? med[i] : hi;
    }
    ck_assert_msg(!(hi - lo > lo / 4 && hi - lo > 1000),
                  "%s: one class is told apart by its time (medians %llu and %llu ns)", what,
                  (unsigned long long)lo, (unsigned long long)hi);
}

START_TEST(cbc_classes_take_the_same_time)
{
    static uint64_t t[CBC_CLASSES][TRIALS];
    const char *names[CBC_CLASSES];
    uint64_t med[CBC_CLASSES];
    int first = CBC_BAD_MAC, n = CBC_CLASSES - CBC_BAD_MAC;
    struct cbc_oracle_result r;

    for (int k = 0; k < CBC_CLASSES; k++) /* warm up: caches, fetched algorithms */
        cbc_oracle_read((enum cbc_class)k, &r);
    for (int i = 0; i < TRIALS; i++)
        for (int j = 0; j < n; j++) {
            int k = first + (i + j) % n; /* a rotating order */
            cbc_oracle_read((enum cbc_class)k, &r);
            ck_assert_int_eq(r.ok, 0);
            t[k][i] = r.nanoseconds;
        }
    for (int j = 0; j < n; j++) {
        names[j] = cbc_oracle_name((enum cbc_class)(first + j));
        med[j] = median(t[first + j], TRIALS);
    }
    check_medians("MAC-then-encrypt CBC", names, med, n);
}
END_TEST

/* ------------------------------------------------------------- RSA */

enum rsa_class {
    RSA_WELL_FORMED,
    RSA_BLOCK_TYPE_1,
    RSA_NO_SEPARATOR,
    RSA_WRONG_VERSION,
    RSA_SHORT_PMS,
    RSA_CLASSES
};

static const char *const rsa_names[RSA_CLASSES] = {"well-formed premaster", "padding block type 1",
                                                   "no zero separator", "premaster version 0x0302",
                                                   "premaster of 47 bytes"};

/* A PKCS #1 v1.5 block of class k, encrypted raw to pub (RFC 8017 7.2.1). */
static void rsa_ciphertext(EVP_PKEY *pub, enum rsa_class k, uint8_t *ct, size_t *ct_len)
{
    uint8_t em[256];
    size_t body = k == RSA_SHORT_PMS ? 47 : 48, ps = sizeof(em) - 3 - body;
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(pub, NULL);

    em[0] = 0;
    em[1] = k == RSA_BLOCK_TYPE_1 ? 1 : 2;
    memset(em + 2, k == RSA_BLOCK_TYPE_1 ? 0xff : 0x5a, ps);
    em[2 + ps] = k == RSA_NO_SEPARATOR ? 0x5a : 0;
    memset(em + 3 + ps, 0x42, body);
    em[3 + ps] = 3;
    em[4 + ps] = k == RSA_WRONG_VERSION ? 2 : 3;
    if (pctx == NULL || EVP_PKEY_encrypt_init(pctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_NO_PADDING) != 1 ||
        EVP_PKEY_encrypt(pctx, ct, ct_len, em, sizeof(em)) != 1)
        ck_abort_msg("cannot encrypt a test block");
    EVP_PKEY_CTX_free(pctx);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

START_TEST(rsa_classes_take_the_same_time)
{
    enum { RSA_TRIALS = 401 };
    static uint64_t t[RSA_CLASSES][RSA_TRIALS];
    uint8_t ct[RSA_CLASSES][256], pms[TLS_KEX_RSA_PMS_LEN];
    size_t ct_len[RSA_CLASSES];
    uint64_t med[RSA_CLASSES];
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    EVP_PKEY *key = EVP_RSA_gen(2048);

    ck_assert_ptr_nonnull(ctx);
    ck_assert_ptr_nonnull(key);
    for (int k = 0; k < RSA_CLASSES; k++) {
        ct_len[k] = sizeof(ct[k]);
        rsa_ciphertext(key, (enum rsa_class)k, ct[k], &ct_len[k]);
        /* Every class decrypts to some premaster: no error to tell them by. */
        ck_assert(
            tls_kex_rsa_decrypt(shim_algs_get(ctx), key, ct[k], ct_len[k], TLS1_2_VERSION, 0, pms));
    }
    for (int i = 0; i < RSA_TRIALS; i++)
        for (int j = 0; j < RSA_CLASSES; j++) {
            int k = (i + j) % RSA_CLASSES;
            uint64_t t0 = now_ns();
            ck_assert(tls_kex_rsa_decrypt(shim_algs_get(ctx), key, ct[k], ct_len[k], TLS1_2_VERSION,
                                          0, pms));
            t[k][i] = now_ns() - t0;
        }
    for (int k = 0; k < RSA_CLASSES; k++)
        med[k] = median(t[k], RSA_TRIALS);
    check_medians("RSA key exchange", rsa_names, med, RSA_CLASSES);
    EVP_PKEY_free(key);
    SSL_CTX_free(ctx);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("oracle_timing");
    TCase *tc = tcase_create("oracle_timing");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, cbc_classes_take_the_same_time);
    tcase_add_test(tc, rsa_classes_take_the_same_time);
    suite_add_tcase(s, tc);
    return s;
}
