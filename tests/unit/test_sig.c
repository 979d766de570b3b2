/*
 * shimssl unit tests: handshake signature verification (shim/crypto/sig.c)
 * on kept contexts.  Contexts are kept per peer key and scheme, so the
 * sequences below alternate keys and schemes (ECDSA keys of one curve, RSA
 * with PKCS #1 v1.5 and with PSS, SHA-256 and SHA-384): a context reused for
 * the wrong key, digest or padding accepts a signature it must refuse, or
 * refuses one it must accept.  The signatures are libcrypto's own
 * (EVP_DigestSign), which shares none of our code.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/rsa.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "crypto/algs.h"
#include "crypto/sig.h"
#include "unit.h"
#include "unit_util.h"

static const struct shim_algs *algs(void)
{
    return shim_algs_get(unit_ctx());
}

static EVP_PKEY *keygen(const char *type, const char *arg)
{
    EVP_PKEY *k = strcmp(type, "EC") == 0 ? EVP_EC_gen(arg) : EVP_RSA_gen(2048);
    ck_assert_ptr_nonnull(k);
    return k;
}

/* libcrypto's signature over tbs with key under scheme. */
static size_t sign(EVP_PKEY *key, struct shim_sig_scheme sch, const uint8_t *tbs, size_t tbs_len,
                   uint8_t *sig)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *p = NULL;
    size_t n = 512;

    ck_assert_int_eq(EVP_DigestSignInit(m, &p, EVP_get_digestbynid(sch.hash_nid), NULL, key), 1);
    if (sch.pss) {
        ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING), 0);
        ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_pss_saltlen(p, RSA_PSS_SALTLEN_DIGEST), 0);
    }
    ck_assert_int_eq(EVP_DigestSign(m, sig, &n, tbs, tbs_len), 1);
    EVP_MD_CTX_free(m);
    return n;
}

static int verify(EVP_PKEY *key, struct shim_sig_scheme sch, const uint8_t *tbs, size_t tbs_len,
                  const uint8_t *sig, size_t sig_len)
{
    int ok = tls_sig_verify(algs(), sch, key, tbs, tbs_len, sig, sig_len);
    ERR_clear_error();
    return ok;
}

START_TEST(ecdsa_keys_and_digests_kept_apart)
{
    EVP_PKEY *a = keygen("EC", "P-256"), *b = keygen("EC", "P-256");
    struct shim_sig_scheme s256 = {NID_sha256, 0}, s384 = {NID_sha384, 0};
    uint8_t tbs[130], sa[160], sb[160], sa384[160];
    size_t la, lb, la384;

    memset(tbs, 0x5a, sizeof(tbs));
    la = sign(a, s256, tbs, sizeof(tbs), sa);
    lb = sign(b, s256, tbs, sizeof(tbs), sb);
    la384 = sign(a, s384, tbs, sizeof(tbs), sa384);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(verify(a, s256, tbs, sizeof(tbs), sa, la), 1);
        ck_assert_int_eq(verify(b, s256, tbs, sizeof(tbs), sa, la), 0);
        ck_assert_int_eq(verify(b, s256, tbs, sizeof(tbs), sb, lb), 1);
        ck_assert_int_eq(verify(a, s256, tbs, sizeof(tbs), sb, lb), 0);
        ck_assert_int_eq(verify(a, s384, tbs, sizeof(tbs), sa, la), 0);
        ck_assert_int_eq(verify(a, s384, tbs, sizeof(tbs), sa384, la384), 1);
        ck_assert_int_eq(verify(a, s256, tbs, sizeof(tbs), sa384, la384), 0);
        ck_assert_int_eq(verify(a, s256, tbs, sizeof(tbs) - 1, sa, la), 0);
    }
    EVP_PKEY_free(a);
    EVP_PKEY_free(b);
}
END_TEST

START_TEST(rsa_paddings_kept_apart)
{
    EVP_PKEY *k = keygen("RSA", NULL);
    struct shim_sig_scheme pkcs1 = {NID_sha256, 0}, pss = {NID_sha256, 1};
    uint8_t tbs[100], s1[512], s2[512];
    size_t l1, l2;

    memset(tbs, 0xa5, sizeof(tbs));
    l1 = sign(k, pkcs1, tbs, sizeof(tbs), s1);
    l2 = sign(k, pss, tbs, sizeof(tbs), s2);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(verify(k, pkcs1, tbs, sizeof(tbs), s1, l1), 1);
        ck_assert_int_eq(verify(k, pss, tbs, sizeof(tbs), s1, l1), 0);
        ck_assert_int_eq(verify(k, pss, tbs, sizeof(tbs), s2, l2), 1);
        ck_assert_int_eq(verify(k, pkcs1, tbs, sizeof(tbs), s2, l2), 0);
    }
    EVP_PKEY_free(k);
}
END_TEST

/* More keys than the kept slots: old ones are replaced, all still verify. */
START_TEST(many_keys)
{
    struct shim_sig_scheme s256 = {NID_sha256, 0};
    EVP_PKEY *k[40];
    uint8_t tbs[64], sig[40][160];
    size_t len[40];

    memset(tbs, 1, sizeof(tbs));
    for (int i = 0; i < 40; i++) {
        k[i] = keygen("EC", "P-256");
        len[i] = sign(k[i], s256, tbs, sizeof(tbs), sig[i]);
    }
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 40; i++) {
            ck_assert_int_eq(verify(k[i], s256, tbs, sizeof(tbs), sig[i], len[i]), 1);
            ck_assert_int_eq(verify(k[(i + 1) % 40], s256, tbs, sizeof(tbs), sig[i], len[i]), 0);
        }
    for (int i = 0; i < 40; i++)
        EVP_PKEY_free(k[i]);
}
END_TEST

/* libcrypto's verdict on sig (the witness for what we sign). */
static int libcrypto_verifies(EVP_PKEY *key, struct shim_sig_scheme sch, const uint8_t *tbs,
                              size_t tbs_len, const uint8_t *sig, size_t sig_len)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *p = NULL;
    int ok;

    ck_assert_int_eq(EVP_DigestVerifyInit(m, &p, EVP_get_digestbynid(sch.hash_nid), NULL, key), 1);
    if (sch.pss) {
        ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING), 0);
        ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_pss_saltlen(p, RSA_PSS_SALTLEN_DIGEST), 0);
    }
    ok = EVP_DigestVerify(m, sig, sig_len, tbs, tbs_len) == 1;
    EVP_MD_CTX_free(m);
    ERR_clear_error();
    return ok;
}

/* Signing on kept contexts: each signature is the right key's, digest's
 * and padding's, with keys and schemes alternated. */
START_TEST(signing_on_kept_contexts)
{
    struct shim_sig_cache *kept = shim_sig_cache_new();
    EVP_PKEY *a = keygen("EC", "P-256"), *b = keygen("EC", "P-256"), *r = keygen("RSA", NULL);
    struct shim_sig_scheme s256 = {NID_sha256, 0}, s384 = {NID_sha384, 0}, pss = {NID_sha256, 1};
    struct {
        EVP_PKEY *key, *other;
        struct shim_sig_scheme sch, wrong;
    } steps[] = {{a, b, s256, s384},   {b, a, s256, s384},   {a, b, s384, s256},
                 {r, NULL, pss, s256}, {r, NULL, s256, pss}, {a, b, s256, s384}};
    uint8_t tbs[130], *sig;
    size_t len;

    ck_assert_ptr_nonnull(kept);
    memset(tbs, 0x3c, sizeof(tbs));
    /* Round 0 without kept contexts, then the first use and the reuse. */
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
            ck_assert(tls_sig_sign(algs(), round ? kept : NULL, steps[i].sch, steps[i].key, tbs,
                                   sizeof(tbs), &sig, &len));
            ck_assert_int_eq(
                libcrypto_verifies(steps[i].key, steps[i].sch, tbs, sizeof(tbs), sig, len), 1);
            ck_assert_int_eq(
                libcrypto_verifies(steps[i].key, steps[i].wrong, tbs, sizeof(tbs), sig, len), 0);
            if (steps[i].other != NULL)
                ck_assert_int_eq(
                    libcrypto_verifies(steps[i].other, steps[i].sch, tbs, sizeof(tbs), sig, len),
                    0);
            OPENSSL_free(sig);
        }
    shim_sig_cache_free(kept);
    EVP_PKEY_free(a);
    EVP_PKEY_free(b);
    EVP_PKEY_free(r);
}
END_TEST

/* Threads share the kept contexts (the TSan build runs this too): each
 * signs and verifies with the same keys at once. */
static struct shim_sig_cache *shared_kept;
static EVP_PKEY *shared_keys[2];
static const struct shim_algs
    *shared_algs; /* (unit_ctx is made on first use: before the threads) */

static void *sign_and_verify(void *arg)
{
    struct shim_sig_scheme s256 = {NID_sha256, 0};
    uint8_t tbs[64], *sig;
    size_t len;

    memset(tbs, (int)(intptr_t)arg, sizeof(tbs));
    for (int i = 0; i < 20; i++) {
        EVP_PKEY *k = shared_keys[i % 2];
        if (!tls_sig_sign(shared_algs, shared_kept, s256, k, tbs, sizeof(tbs), &sig, &len))
            return (void *)1;
        int ok = tls_sig_verify(shared_algs, s256, k, tbs, sizeof(tbs), sig, len) == 1 &&
                 tls_sig_verify(shared_algs, s256, shared_keys[(i + 1) % 2], tbs, sizeof(tbs), sig,
                                len) == 0;
        ERR_clear_error();
        OPENSSL_free(sig);
        if (!ok)
            return (void *)1;
    }
    return NULL;
}

START_TEST(threads_share_kept_contexts)
{
    pthread_t t[4];
    void *ret;

    shared_algs = algs();
    shared_kept = shim_sig_cache_new();
    shared_keys[0] = keygen("EC", "P-256");
    shared_keys[1] = keygen("EC", "P-256");
    for (intptr_t i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, sign_and_verify, (void *)i), 0);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(t[i], &ret), 0);
        ck_assert_ptr_null(ret);
    }
    shim_sig_cache_free(shared_kept);
    EVP_PKEY_free(shared_keys[0]);
    EVP_PKEY_free(shared_keys[1]);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("sig");
    TCase *tc = tcase_create("sig");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ecdsa_keys_and_digests_kept_apart);
    tcase_add_test(tc, rsa_paddings_kept_apart);
    tcase_add_test(tc, many_keys);
    tcase_add_test(tc, signing_on_kept_contexts);
    tcase_add_test(tc, threads_share_kept_contexts);
    suite_add_tcase(s, tc);
    return s;
}
