/*
 * shimssl unit tests: shim/tls/key_schedule.c, shim/crypto/kdf.c, shim/crypto/aead.c.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The vectors are the published TLS 1.3 example-trace values (a 1-RTT
 * handshake with SHA-256 and AES-128-GCM) that stock OpenSSL's own
 * key-schedule test checks against.
 */
#include "shim.h"

#include <string.h>

#include "crypto/aead.h"
#include "crypto/algs.h"
#include "tls/key_schedule.h"
#include "unit.h"

static size_t unhex(const char *hex, uint8_t *out)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned int b;
        sscanf(hex + 2 * i, "%2x", &b);
        out[i] = (uint8_t)b;
    }
    return n;
}

#define ck_assert_hex(buf, hex)                                                                    \
    do {                                                                                           \
        uint8_t want_[128];                                                                        \
        size_t n_ = unhex(hex, want_);                                                             \
        ck_assert_mem_eq(buf, want_, n_);                                                          \
    } while (0)

static const char HS_START_HASH[] =
    "c6c918ad2f4199d5598eaf0116cb7a5c2c14cb54781218888db7030dd50d5e6d";
static const char HS_FULL_HASH[] =
    "f8c19e8c77c03879bbc8eb6d56e00dd5d86ef55927eefc08e1b002b6ece05dbf";
static const char EARLY_SECRET[] =
    "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a";
static const char ECDHE_SECRET[] =
    "8151d1464c1b55533623b9c2246a6a0e6e7e185063e14afdaff0b6e1c61a8642";
static const char HANDSHAKE_SECRET[] =
    "5b4f965df03c682c46e6ee86c311636615a1d2bbb24345c25205953c879e8d06";
static const char CLIENT_HTS[] = "e2e23207bd93fb7fe4fc2e297afeab160e522b5ab75d64a86e75bcac3f3e5103";
static const char CLIENT_HTS_KEY[] = "2679a43e1d76784034ea1797d5ad2649";
static const char CLIENT_HTS_IV[] = "5482405290dd0d2f81c0d942";
static const char SERVER_HTS[] = "3b7a839c239ef2bf0b7305a0e0c4e5a8c6c69330a753b308f5e3a83aa2ef6979";
static const char SERVER_HTS_KEY[] = "c66cb1aec519df44c91e10995511ac8b";
static const char SERVER_HTS_IV[] = "f7f6884c4981716c2d0d29a4";
static const char MASTER_SECRET[] =
    "5c79d169424e262b563203627be4eb51033f588c43c9ce0373372dbcbc0185a7";
static const char CLIENT_ATS[] = "e2f0db6a82e88280fc26f73c89854ee8615e25df28b2207962fa782226b23626";
static const char CLIENT_ATS_KEY[] = "88b96ad686c84be55ace18a59cce5c87";
static const char CLIENT_ATS_IV[] = "b99dc58cd5ff5ab082fdad19";
static const char SERVER_ATS[] = "5b73b108d9ac1b9b0c8248ca3926ec6e7bc47e411706963987ec11435d305719";
static const char SERVER_ATS_KEY[] = "a688ebb5ac826d6f42d45c0cc44b9b7d";
static const char SERVER_ATS_IV[] = "c1cad4425a438b5de714830a";

static const struct shim_algs *algs(void)
{
    static SSL_CTX *ctx;
    if (ctx == NULL)
        ctx = SSL_CTX_new(TLS_method());
    return shim_algs_get(ctx);
}

START_TEST(secrets_match_the_trace)
{
    struct tls13_secrets k;
    uint8_t dhe[32], h1[32], h2[32];
    unhex(ECDHE_SECRET, dhe);
    unhex(HS_START_HASH, h1);
    unhex(HS_FULL_HASH, h2);
    ck_assert(tls13_secrets_init(&k, algs(), algs()->sha256));
    ck_assert(tls13_derive_early(&k, NULL, 0));
    ck_assert_hex(k.early, EARLY_SECRET);
    ck_assert(tls13_derive_handshake(&k, dhe, sizeof(dhe), h1));
    ck_assert_hex(k.handshake, HANDSHAKE_SECRET);
    ck_assert_hex(k.client_hs, CLIENT_HTS);
    ck_assert_hex(k.server_hs, SERVER_HTS);
    ck_assert(tls13_derive_master(&k, h2));
    ck_assert_hex(k.master, MASTER_SECRET);
    ck_assert_hex(k.client_ap, CLIENT_ATS);
    ck_assert_hex(k.server_ap, SERVER_ATS);
    tls13_secrets_cleanup(&k);
}
END_TEST

START_TEST(traffic_keys_match_the_trace)
{
    static const struct {
        const char *secret, *key, *iv;
    } cases[] = {
        {CLIENT_HTS, CLIENT_HTS_KEY, CLIENT_HTS_IV},
        {SERVER_HTS, SERVER_HTS_KEY, SERVER_HTS_IV},
        {CLIENT_ATS, CLIENT_ATS_KEY, CLIENT_ATS_IV},
        {SERVER_ATS, SERVER_ATS_KEY, SERVER_ATS_IV},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t secret[32], key[16], iv[12];
        unhex(cases[i].secret, secret);
        ck_assert(tls13_traffic_key_iv(algs(), algs()->sha256, secret, key, 16, iv, 12));
        ck_assert_hex(key, cases[i].key);
        ck_assert_hex(iv, cases[i].iv);
    }
}
END_TEST

/* Seal then open with the trace's client application key; any flipped bit
 * of ciphertext, tag, nonce or additional data must make open fail. */
START_TEST(aead_round_trip_and_tamper)
{
    uint8_t key[16], iv[12], nonce[12], buf[64 + 16], ad[5] = {23, 3, 3, 0, 80};
    struct tls_aead w, r;
    size_t out_len;
    unhex(CLIENT_ATS_KEY, key);
    unhex(CLIENT_ATS_IV, iv);
    ck_assert(tls_aead_init(&w, algs()->aes128gcm, 1, key, 16, iv, 12, 16));
    ck_assert(tls_aead_init(&r, algs()->aes128gcm, 0, key, 16, iv, 12, 16));
    for (uint64_t seq = 0; seq < 3; seq++) {
        memset(buf, 'A' + (int)seq, 64);
        tls_aead_xor_nonce(&w, seq, nonce);
        ck_assert(tls_aead_seal(&w, nonce, ad, sizeof(ad), buf, 64));
        for (size_t bit = 0; bit < sizeof(buf) * 8; bit += 37) {
            uint8_t copy[sizeof(buf)];
            memcpy(copy, buf, sizeof(buf));
            copy[bit / 8] ^= (uint8_t)(1 << (bit % 8));
            ck_assert(!tls_aead_open(&r, nonce, ad, sizeof(ad), copy, sizeof(copy), &out_len));
        }
        uint8_t bad_ad[5];
        memcpy(bad_ad, ad, 5);
        bad_ad[4] ^= 1;
        uint8_t copy[sizeof(buf)];
        memcpy(copy, buf, sizeof(buf));
        ck_assert(!tls_aead_open(&r, nonce, bad_ad, sizeof(bad_ad), copy, sizeof(copy), &out_len));
        ck_assert(tls_aead_open(&r, nonce, ad, sizeof(ad), buf, sizeof(buf), &out_len));
        ck_assert_uint_eq(out_len, 64);
        for (int i = 0; i < 64; i++)
            ck_assert_int_eq(buf[i], 'A' + (int)seq);
    }
    /* The nonce is the IV with the sequence number XORed into its tail. */
    tls_aead_xor_nonce(&w, 0x0102, nonce);
    ck_assert_int_eq(nonce[11], iv[11] ^ 0x02);
    ck_assert_int_eq(nonce[10], iv[10] ^ 0x01);
    ck_assert_int_eq(nonce[0], iv[0]);
    tls_aead_cleanup(&w);
    tls_aead_cleanup(&r);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("key_schedule");
    TCase *tc = tcase_create("key_schedule");
    tcase_add_test(tc, secrets_match_the_trace);
    tcase_add_test(tc, traffic_keys_match_the_trace);
    tcase_add_test(tc, aead_round_trip_and_tamper);
    suite_add_tcase(s, tc);
    return s;
}
