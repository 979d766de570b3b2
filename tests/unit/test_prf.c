/*
 * shimssl unit tests: the TLS 1.0-1.2 PRF (shim/crypto/kdf.c tls1_prf) and
 * the TLS 1.2 key schedule (shim/tls/key_schedule12.c).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Every expected value is computed in the test by two witnesses that do not
 * share our code: libcrypto's own "TLS1-PRF" KDF, given the whole seed as one
 * parameter, and P_hash composed here over HMAC as RFC 5246 section 5 (and
 * RFC 2246 5 for MD5+SHA-1) defines it.  The published vectors are held to
 * both as well, so a mistyped constant cannot pass.  The PRF is due to become
 * a hand composition over HMAC: these cases keep it to libcrypto's bytes.
 */
#include "shim.h"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <string.h>

#include "crypto/algs.h"
#include "crypto/kdf.h"
#include "tls/key_schedule12.h"
#include "unit.h"
#include "unit_util.h"

#define MAX_OUT  256
#define MAX_SEED 256

static const struct shim_algs *algs(void)
{
    return shim_algs_get(unit_ctx());
}

/* The PRF hashes the suites use: SHA-256, SHA-384, and MD5+SHA-1 (TLS 1.0/1.1). */
enum prf_md { PRF_SHA256, PRF_SHA384, PRF_MD5_SHA1, PRF_MDS };

static const EVP_MD *our_md(enum prf_md m)
{
    const struct shim_algs *a = algs();
    return m == PRF_SHA256 ? a->sha256 : m == PRF_SHA384 ? a->sha384 : a->md5_sha1;
}

static const char *md_name(enum prf_md m)
{
    return m == PRF_SHA256 ? "SHA256" : m == PRF_SHA384 ? "SHA384" : "MD5-SHA1";
}

/* Witness 1: libcrypto's TLS1-PRF with seed = label || seed in one piece. */
static void kdf_prf(enum prf_md m, const uint8_t *secret, size_t secret_len, const uint8_t *seed,
                    size_t seed_len, uint8_t *out, size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
    OSSL_PARAM params[4];

    ck_assert_ptr_nonnull(kctx);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md_name(m), 0);
    params[1] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, secret_len);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed, seed_len);
    params[3] = OSSL_PARAM_construct_end();
    ck_assert_int_eq(EVP_KDF_derive(kctx, out, out_len, params), 1);
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
}

/* P_hash(secret, seed) = HMAC(secret, A(1) || seed) || HMAC(secret, A(2) || seed) ...
 * with A(0) = seed, A(i) = HMAC(secret, A(i-1))  (RFC 5246 5). */
static void p_hash(const EVP_MD *md, const uint8_t *secret, size_t secret_len, const uint8_t *seed,
                   size_t seed_len, uint8_t *out, size_t out_len)
{
    uint8_t a[EVP_MAX_MD_SIZE], buf[EVP_MAX_MD_SIZE + MAX_SEED], block[EVP_MAX_MD_SIZE];
    unsigned int alen = 0, blen = 0;
    size_t done = 0;

    ck_assert_uint_le(seed_len, MAX_SEED);
    ck_assert_ptr_nonnull(HMAC(md, secret, (int)secret_len, seed, seed_len, a, &alen));
    while (done < out_len) {
        memcpy(buf, a, alen);
        memcpy(buf + alen, seed, seed_len);
        ck_assert_ptr_nonnull(
            HMAC(md, secret, (int)secret_len, buf, alen + seed_len, block, &blen));
        for (size_t i = 0; i < blen && done < out_len; i++)
            out[done++] = block[i];
        ck_assert_ptr_nonnull(HMAC(md, secret, (int)secret_len, a, alen, a, &alen));
    }
}

/* Witness 2: the PRF over HMAC.  TLS 1.0/1.1 split the secret in two halves
 * (sharing the middle byte when odd) and XOR P_MD5 with P_SHA-1 (RFC 2246 5). */
static void hmac_prf(enum prf_md m, const uint8_t *secret, size_t secret_len, const uint8_t *seed,
                     size_t seed_len, uint8_t *out, size_t out_len)
{
    uint8_t sha1_part[MAX_OUT];
    size_t half = (secret_len + 1) / 2;

    ck_assert_uint_le(out_len, MAX_OUT);
    if (m != PRF_MD5_SHA1) {
        p_hash(m == PRF_SHA256 ? EVP_sha256() : EVP_sha384(), secret, secret_len, seed, seed_len,
               out, out_len);
        return;
    }
    p_hash(EVP_md5(), secret, half, seed, seed_len, out, out_len);
    p_hash(EVP_sha1(), secret + secret_len - half, half, seed, seed_len, sha1_part, out_len);
    for (size_t i = 0; i < out_len; i++)
        out[i] ^= sha1_part[i];
}

/* label || s1 || s2 || s3 into seed; returns its length. */
static size_t join(uint8_t *seed, const char *label, const uint8_t *s1, size_t l1,
                   const uint8_t *s2, size_t l2, const uint8_t *s3, size_t l3)
{
    size_t n = strlen(label);
    ck_assert_uint_le(n + l1 + l2 + l3, MAX_SEED);
    memcpy(seed, label, n);
    if (l1 > 0)
        memcpy(seed + n, s1, l1);
    if (l2 > 0)
        memcpy(seed + n + l1, s2, l2);
    if (l3 > 0)
        memcpy(seed + n + l1 + l2, s3, l3);
    return n + l1 + l2 + l3;
}

/* The expected output by both witnesses, which must agree. */
static void expected(enum prf_md m, const uint8_t *secret, size_t secret_len, const uint8_t *seed,
                     size_t seed_len, uint8_t *out, size_t out_len)
{
    uint8_t other[MAX_OUT];
    kdf_prf(m, secret, secret_len, seed, seed_len, out, out_len);
    hmac_prf(m, secret, secret_len, seed, seed_len, other, out_len);
    ck_assert_mem_eq(out, other, out_len);
}

/* Deterministic filler, different for each use. */
static void fill(uint8_t *p, size_t n, uint8_t tag)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(tag * 31 + i * 7 + (i >> 3));
}

/* ------------------------------------------------------------ published */

/* The TLS 1.2 PRF test vectors published on the IETF TLS list (and used by
 * many implementations): SHA-256, 100 bytes; SHA-384, 148 bytes. */
static const struct {
    enum prf_md md;
    const char *secret, *seed, *out;
} published[] = {
    {PRF_SHA256, "9bbe436ba940f017b17652849a71db35", "a0ba9f936cda311827a6f796ffd5198c",
     "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
     "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
     "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
     "87347b66"},
    {PRF_SHA384, "b80b733d6ceefcdc71566ea48e5567df", "cd665cf6a8447dd6ff8b27555edb7465",
     "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
     "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd"
     "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
     "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6"
     "91c8f3a26854308d5eaa3be85e0990703d73e56f"},
};

START_TEST(published_vectors)
{
    uint8_t secret[16], seed[16], want[MAX_OUT], wit[MAX_OUT], got[MAX_OUT], full[64];
    size_t secret_len = unit_unhex(published[_i].secret, secret, sizeof(secret));
    size_t seed_len = unit_unhex(published[_i].seed, seed, sizeof(seed));
    size_t out_len = unit_unhex(published[_i].out, want, sizeof(want));
    size_t full_len = join(full, "test label", seed, seed_len, NULL, 0, NULL, 0);

    ck_assert_uint_eq(out_len, published[_i].md == PRF_SHA256 ? 100 : 148);
    /* The constant is what libcrypto and the RFC's composition both give. */
    expected(published[_i].md, secret, secret_len, full, full_len, wit, out_len);
    ck_assert_mem_eq(wit, want, out_len);
    /* And ours. */
    memset(got, 0, sizeof(got));
    ck_assert(tls1_prf(algs(), our_md(published[_i].md), secret, secret_len, "test label", seed,
                       seed_len, NULL, 0, NULL, 0, got, out_len));
    ck_assert_mem_eq(got, want, out_len);
}
END_TEST

/* ------------------------------------------------------------------ PRF */

/* Every hash, output lengths around the hash block sizes, and the seed given
 * in one, two or three pieces (the callers use all three shapes). */
START_TEST(prf_matches_libcrypto)
{
    static const size_t lens[] = {1, 12, 16, 20, 32, 36, 47, 48, 64, 100, 104, 136, 200, MAX_OUT};
    enum prf_md m = (enum prf_md)_i;
    uint8_t secret[48], s1[32], s2[32], s3[40], seed[MAX_SEED], want[MAX_OUT], got[MAX_OUT + 1];

    fill(secret, sizeof(secret), 1);
    fill(s1, sizeof(s1), 2);
    fill(s2, sizeof(s2), 3);
    fill(s3, sizeof(s3), 4);
    for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
        for (int pieces = 0; pieces <= 3; pieces++) {
            size_t l1 = pieces >= 1 ? sizeof(s1) : 0, l2 = pieces >= 2 ? sizeof(s2) : 0;
            size_t l3 = pieces >= 3 ? sizeof(s3) : 0;
            /* An odd secret length exercises the TLS 1.0 shared middle byte. */
            size_t secret_len = pieces == 2 ? 47 : sizeof(secret);
            size_t seed_len = join(seed, "some label", s1, l1, s2, l2, s3, l3);

            expected(m, secret, secret_len, seed, seed_len, want, lens[l]);
            memset(got, 0xAA, sizeof(got));
            ck_assert(tls1_prf(algs(), our_md(m), secret, secret_len, "some label", s1, l1, s2, l2,
                               s3, l3, got, lens[l]));
            ck_assert_msg(memcmp(got, want, lens[l]) == 0, "%s, %zu bytes, %d seed pieces",
                          md_name(m), lens[l], pieces);
            /* Exactly lens[l] bytes written. */
            ck_assert_int_eq(got[lens[l]], 0xAA);
        }
    }
}
END_TEST

/* ------------------------------------------------------ the key schedule */

static const uint8_t *client_random(void)
{
    static uint8_t r[SSL3_RANDOM_SIZE];
    fill(r, sizeof(r), 10);
    return r;
}

static const uint8_t *server_random(void)
{
    static uint8_t r[SSL3_RANDOM_SIZE];
    fill(r, sizeof(r), 11);
    return r;
}

/* master_secret = PRF(pre_master_secret, "master secret",
 *                     ClientHello.random + ServerHello.random)[0..47]  (RFC 5246 8.1) */
START_TEST(master_secret)
{
    /* RSA key exchange gives 48 bytes; X25519 32, X448 56, P-521 66. */
    static const size_t pms_lens[] = {48, 32, 56, 66};
    enum prf_md m = (enum prf_md)_i;
    uint8_t pms[66], seed[MAX_SEED], want[48], got[48];
    size_t seed_len = join(seed, "master secret", client_random(), SSL3_RANDOM_SIZE,
                           server_random(), SSL3_RANDOM_SIZE, NULL, 0);

    for (size_t k = 0; k < sizeof(pms_lens) / sizeof(pms_lens[0]); k++) {
        fill(pms, sizeof(pms), (uint8_t)(20 + k));
        expected(m, pms, pms_lens[k], seed, seed_len, want, sizeof(want));
        ck_assert(tls12_master_secret(algs(), our_md(m), pms, pms_lens[k], client_random(),
                                      server_random(), NULL, 0, got));
        ck_assert_mem_eq(got, want, sizeof(want));
    }
}
END_TEST

/* master_secret = PRF(pre_master_secret, "extended master secret",
 *                     session_hash)[0..47]  (RFC 7627 4); the session hash
 * is the handshake hash, MD5||SHA-1 (36 bytes) before TLS 1.2. */
START_TEST(extended_master_secret)
{
    enum prf_md m = (enum prf_md)_i;
    size_t hash_len = m == PRF_SHA256 ? 32 : m == PRF_SHA384 ? 48 : 36;
    uint8_t pms[32], hash[48], seed[MAX_SEED], want[48], got[48], plain[48];
    size_t seed_len;

    fill(pms, sizeof(pms), 30);
    fill(hash, sizeof(hash), 31);
    seed_len = join(seed, "extended master secret", hash, hash_len, NULL, 0, NULL, 0);
    expected(m, pms, sizeof(pms), seed, seed_len, want, sizeof(want));
    ck_assert(tls12_master_secret(algs(), our_md(m), pms, sizeof(pms), client_random(),
                                  server_random(), hash, hash_len, got));
    ck_assert_mem_eq(got, want, sizeof(want));
    /* The randoms play no part; and it differs from the plain master secret. */
    ck_assert(tls12_master_secret(algs(), our_md(m), pms, sizeof(pms), server_random(),
                                  client_random(), hash, hash_len, got));
    ck_assert_mem_eq(got, want, sizeof(want));
    ck_assert(tls12_master_secret(algs(), our_md(m), pms, sizeof(pms), client_random(),
                                  server_random(), NULL, 0, plain));
    ck_assert(memcmp(plain, want, sizeof(want)) != 0);
}
END_TEST

/* key_block = PRF(master, "key expansion", server_random + client_random)
 * (RFC 5246 6.3: the server's random first, unlike the master secret). */
START_TEST(key_block)
{
    /* AES-128-GCM (2*16 + 2*4), ChaCha20 (2*32 + 2*12), AES-256-CBC-SHA384
     * (2*48 + 2*32 + 2*16), AES-128-CBC-SHA (2*20 + 2*16 + 2*16). */
    static const size_t lens[] = {40, 88, 192, 104};
    enum prf_md m = (enum prf_md)_i;
    uint8_t master[48], seed[MAX_SEED], want[MAX_OUT], got[MAX_OUT];
    size_t seed_len;

    fill(master, sizeof(master), 40);
    seed_len = join(seed, "key expansion", server_random(), SSL3_RANDOM_SIZE, client_random(),
                    SSL3_RANDOM_SIZE, NULL, 0);
    for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
        expected(m, master, sizeof(master), seed, seed_len, want, lens[k]);
        ck_assert(tls12_key_block(algs(), our_md(m), master, client_random(), server_random(), got,
                                  lens[k]));
        ck_assert_mem_eq(got, want, lens[k]);
    }
}
END_TEST

/* verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))
 * [0..11]  (RFC 5246 7.4.9). */
START_TEST(finished)
{
    enum prf_md m = (enum prf_md)_i;
    size_t hash_len = m == PRF_SHA256 ? 32 : m == PRF_SHA384 ? 48 : 36;
    uint8_t master[48], hash[48], seed[MAX_SEED], want[12], got[12], other[12];

    fill(master, sizeof(master), 50);
    fill(hash, sizeof(hash), 51);
    for (int client = 0; client <= 1; client++) {
        size_t seed_len = join(seed, client ? "client finished" : "server finished", hash, hash_len,
                               NULL, 0, NULL, 0);
        expected(m, master, sizeof(master), seed, seed_len, want, sizeof(want));
        ck_assert(tls12_finished(algs(), our_md(m), master, client, hash, hash_len, got));
        ck_assert_mem_eq(got, want, sizeof(want));
    }
    ck_assert(tls12_finished(algs(), our_md(m), master, 0, hash, hash_len, other));
    ck_assert(memcmp(got, other, sizeof(got)) != 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("prf");
    TCase *tc = tcase_create("prf");
    tcase_add_loop_test(tc, published_vectors, 0, (int)(sizeof(published) / sizeof(published[0])));
    tcase_add_loop_test(tc, prf_matches_libcrypto, 0, PRF_MDS);
    tcase_add_loop_test(tc, master_secret, 0, PRF_MDS);
    tcase_add_loop_test(tc, extended_master_secret, 0, PRF_MDS);
    tcase_add_loop_test(tc, key_block, 0, PRF_MDS);
    tcase_add_loop_test(tc, finished, 0, PRF_MDS);
    suite_add_tcase(s, tc);
    return s;
}
