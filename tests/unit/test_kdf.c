/*
 * shimssl unit tests: HKDF-Extract, HKDF-Expand-Label and the TLS 1.2 PRF as
 * shim/crypto/kdf.c composes them from libcrypto's HMAC, held byte for byte
 * to libcrypto's own KDFs ("HKDF" extract-only, "TLS13-KDF" expand-only,
 * "TLS1-PRF"), which share none of our code.  The composition keeps one HMAC
 * context per thread and digest and skips the key schedule when the key is
 * the one the context already holds: the sequences below change keys, reuse
 * them, and use keys that are prefixes of each other, so that a context
 * keyed with the wrong key cannot pass.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <pthread.h>
#include <string.h>

#include "crypto/algs.h"
#include "crypto/kdf.h"
#include "unit.h"
#include "unit_util.h"

static const struct shim_algs *algs(void)
{
    return shim_algs_get(unit_ctx());
}

static const EVP_MD *md_of(int sha384)
{
    return sha384 ? algs()->sha384 : algs()->sha256;
}

static const char *md_name(int sha384)
{
    return sha384 ? "SHA384" : "SHA256";
}

static void fill(uint8_t *p, size_t n, uint8_t tag)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(tag * 29 + i * 11 + (i >> 2));
}

/* ---------------------------------------------------------- the witnesses */

static void kdf_run(const char *name, OSSL_PARAM *params, uint8_t *out, size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, name, NULL);
    EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);

    ck_assert_ptr_nonnull(kctx);
    ck_assert_int_eq(EVP_KDF_derive(kctx, out, out_len, params), 1);
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
}

static void kdf_extract(int sha384, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                        size_t ikm_len, uint8_t *out)
{
    int mode = EVP_KDF_HKDF_MODE_EXTRACT_ONLY;
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md_name(sha384), 0),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len),
        OSSL_PARAM_construct_end()};
    kdf_run("HKDF", p, out, sha384 ? 48 : 32);
}

static void kdf_expand_label(int sha384, const uint8_t *secret, size_t secret_len,
                             const char *label, const uint8_t *context, size_t context_len,
                             uint8_t *out, size_t out_len)
{
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md_name(sha384), 0),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secret_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX, "tls13 ", 6),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL, (void *)label, strlen(label)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA,
                                          (void *)(context != NULL ? context : (const uint8_t *)""),
                                          context_len),
        OSSL_PARAM_construct_end()};
    kdf_run("TLS13-KDF", p, out, out_len);
}

static void kdf_prf(int sha384, const uint8_t *secret, size_t secret_len, const char *label,
                    const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md_name(sha384), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, secret_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)label, strlen(label)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed, seed_len),
        OSSL_PARAM_construct_end()};
    kdf_run("TLS1-PRF", p, out, out_len);
}

/* ------------------------------------------------------------ the checks */

static void check_extract(int sha384, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                          size_t ikm_len)
{
    static const uint8_t zeros[64];
    uint8_t want[64], got[64];
    size_t hlen = sha384 ? 48 : 32;

    /* (NULL stands for HashLen zeros, as RFC 8446 7.1 uses it) */
    kdf_extract(sha384, salt != NULL ? salt : zeros, salt != NULL ? salt_len : hlen,
                ikm != NULL ? ikm : zeros, ikm != NULL ? ikm_len : hlen, want);
    memset(got, 0xaa, sizeof(got));
    ck_assert(tls_hkdf_extract(algs(), md_of(sha384), salt, salt_len, ikm, ikm_len, got));
    ck_assert_mem_eq(got, want, hlen);
}

static void check_expand(int sha384, const uint8_t *secret, size_t secret_len, const char *label,
                         const uint8_t *context, size_t context_len, size_t out_len)
{
    uint8_t want[300], got[301];

    ck_assert_uint_le(out_len, sizeof(want));
    kdf_expand_label(sha384, secret, secret_len, label, context, context_len, want, out_len);
    memset(got, 0xaa, sizeof(got));
    ck_assert(tls_hkdf_expand_label(algs(), md_of(sha384), secret, secret_len, label, strlen(label),
                                    context, context_len, got, out_len));
    ck_assert_mem_eq(got, want, out_len);
    ck_assert_uint_eq(got[out_len], 0xaa); /* nothing written past the end */
}

static void check_prf(int sha384, const uint8_t *secret, size_t secret_len, const char *label,
                      const uint8_t *seed, size_t seed_len, size_t out_len)
{
    uint8_t want[300], got[301];

    kdf_prf(sha384, secret, secret_len, label, seed, seed_len, want, out_len);
    memset(got, 0xaa, sizeof(got));
    ck_assert(tls1_prf(algs(), md_of(sha384), secret, secret_len, label, seed, seed_len, NULL, 0,
                       NULL, 0, got, out_len));
    ck_assert_mem_eq(got, want, out_len);
    ck_assert_uint_eq(got[out_len], 0xaa);
}

/* Salts and inputs of every length a handshake uses, the zero defaults, and
 * salts longer than the hash's block (which HMAC hashes first). */
START_TEST(extract_matches_libcrypto)
{
    static const size_t lens[] = {1, 20, 32, 48, 64, 65, 128, 129, 200};
    int sha384 = _i;
    uint8_t salt[200], ikm[200];

    fill(salt, sizeof(salt), 1);
    fill(ikm, sizeof(ikm), 2);
    check_extract(sha384, NULL, 0, NULL, 0);
    check_extract(sha384, NULL, 0, ikm, 32);
    check_extract(sha384, salt, 48, NULL, 0);
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        check_extract(sha384, salt, lens[i], ikm, 32);
        check_extract(sha384, salt, 32, ikm, lens[i]);
    }
}
END_TEST

/* Output lengths on both sides of the hash size (one, two and several HMAC
 * blocks), the labels the key schedule uses, empty and full contexts. */
START_TEST(expand_label_matches_libcrypto)
{
    static const size_t outs[] = {1, 12, 16, 31, 32, 33, 48, 49, 64, 96, 97, 255, 300};
    static const char *labels[] = {"key",          "iv",          "finished",
                                   "c hs traffic", "derived",     "res binder",
                                   "resumption",   "traffic upd", "exp master"};
    static const size_t ctx_lens[] = {0, 1, 32, 48, 64, 255};
    int sha384 = _i;
    uint8_t secret[48], context[255];

    fill(secret, sizeof(secret), 3);
    fill(context, sizeof(context), 4);
    for (size_t o = 0; o < sizeof(outs) / sizeof(outs[0]); o++)
        check_expand(sha384, secret, sha384 ? 48 : 32, "key", NULL, 0, outs[o]);
    for (size_t l = 0; l < sizeof(labels) / sizeof(labels[0]); l++)
        for (size_t c = 0; c < sizeof(ctx_lens) / sizeof(ctx_lens[0]); c++)
            check_expand(sha384, secret, sha384 ? 48 : 32, labels[l], context, ctx_lens[c],
                         sha384 ? 48 : 32);
}
END_TEST

/* The context remembers its key: keys changed, reused, interleaved with the
 * other digest, and prefixes of each other (same first bytes, shorter). */
START_TEST(reused_contexts_keep_the_right_key)
{
    uint8_t a[64], b[64], seed[77];

    fill(a, sizeof(a), 5);
    memcpy(b, a, sizeof(b));
    b[47] ^= 1; /* b differs from a in its last byte only */
    fill(seed, sizeof(seed), 6);
    for (int round = 0; round < 3; round++) {
        for (int sha384 = 0; sha384 <= 1; sha384++) {
            check_expand(sha384, a, 48, "key", NULL, 0, 32);
            check_expand(sha384, a, 48, "iv", NULL, 0, 12);
            check_expand(sha384, b, 48, "key", NULL, 0, 32);
            check_expand(sha384, a, 47, "key", NULL, 0, 32);
            check_expand(sha384, a, 48, "key", NULL, 0, 32);
            check_extract(sha384, a, 48, b, 48);
            check_expand(sha384, a, 48, "finished", seed, 48, 48);
            check_prf(sha384, a, 48, "key expansion", seed, 64, 104);
            check_prf(sha384, b, 48, "client finished", seed, 48, 12);
            check_prf(sha384, a, 48, "server finished", seed, 48, 12);
            check_extract(sha384, a, 64, a, 48);
            check_prf(sha384, a, 64, "master secret", seed, 64, 48);
        }
    }
}
END_TEST

/* tls_hmac (TLS 1.3's Finished) against libcrypto's one-shot HMAC(),
 * interleaved with HKDF on the same thread context: the Finished key is
 * derived from a secret the context held just before. */
static void check_hmac(int sha384, const uint8_t *key, size_t key_len, const uint8_t *data,
                       size_t data_len)
{
    uint8_t got[EVP_MAX_MD_SIZE], want[EVP_MAX_MD_SIZE];
    unsigned int want_len = 0;

    ck_assert_ptr_nonnull(HMAC(EVP_get_digestbyname(md_name(sha384)), key, (int)key_len, data,
                               data_len, want, &want_len));
    ck_assert(tls_hmac(algs(), md_of(sha384), key, key_len, data, data_len, got));
    ck_assert_mem_eq(got, want, want_len);
}

START_TEST(hmac_matches_libcrypto)
{
    uint8_t a[64], b[64], data[100];

    fill(a, sizeof(a), 10);
    memcpy(b, a, sizeof(b));
    b[47] ^= 1;
    fill(data, sizeof(data), 11);
    for (int round = 0; round < 2; round++) {
        for (int sha384 = 0; sha384 <= 1; sha384++) {
            check_expand(sha384, a, 48, "finished", NULL, 0, 48);
            check_hmac(sha384, a, 48, data, 48);
            check_hmac(sha384, a, 48, data, 32);
            check_hmac(sha384, b, 48, data, 48);
            check_hmac(sha384, a, 47, data, 100);
            check_hmac(sha384, a, 48, data, 0);
        }
    }
}
END_TEST

/* The PRF's output on both sides of each block, secrets of every length. */
START_TEST(prf_matches_libcrypto_over_lengths)
{
    static const size_t outs[] = {1, 12, 32, 47, 48, 49, 72, 96, 104, 136, 300};
    static const size_t secret_lens[] = {1, 32, 48, 64, 65, 128, 129, 200};
    int sha384 = _i;
    uint8_t secret[200], seed[77];

    fill(secret, sizeof(secret), 7);
    fill(seed, sizeof(seed), 8);
    for (size_t o = 0; o < sizeof(outs) / sizeof(outs[0]); o++)
        check_prf(sha384, secret, 48, "key expansion", seed, sizeof(seed), outs[o]);
    for (size_t s = 0; s < sizeof(secret_lens) / sizeof(secret_lens[0]); s++)
        check_prf(sha384, secret, secret_lens[s], "master secret", seed, 64, 48);
}
END_TEST

/* A thread of its own starts with an empty cache: the same derivations give
 * the same bytes there. */
static void *in_thread(void *arg)
{
    uint8_t secret[48];
    (void)arg;
    fill(secret, sizeof(secret), 9);
    check_expand(1, secret, 48, "key", NULL, 0, 32);
    check_prf(0, secret, 48, "key expansion", secret, 48, 40);
    return NULL;
}

START_TEST(other_threads)
{
    pthread_t t;
    uint8_t secret[48];

    fill(secret, sizeof(secret), 9);
    check_expand(1, secret, 48, "key", NULL, 0, 32);
    ck_assert_int_eq(pthread_create(&t, NULL, in_thread, NULL), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    check_expand(1, secret, 48, "key", NULL, 0, 32);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("kdf");
    TCase *tc = tcase_create("kdf");

    tcase_add_loop_test(tc, extract_matches_libcrypto, 0, 2);
    tcase_add_loop_test(tc, expand_label_matches_libcrypto, 0, 2);
    tcase_add_test(tc, reused_contexts_keep_the_right_key);
    tcase_add_test(tc, hmac_matches_libcrypto);
    tcase_add_loop_test(tc, prf_matches_libcrypto_over_lengths, 0, 2);
    tcase_add_test(tc, other_threads);
    suite_add_tcase(s, tc);
    return s;
}
