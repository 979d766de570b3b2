/*
 * shimssl pair suite: what a TLS 1.3 server negotiates (issue 14).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each TLS 1.3 suite; the client's order or, with
 * SSL_OP_CIPHER_SERVER_PREFERENCE, the server's (and SSL_OP_PRIORITIZE_CHACHA);
 * each group, with a HelloRetryRequest when the client's key share is not
 * one the server takes (RFC 8446 4.1.4: the HRR's random, its key_share
 * naming the group); middlebox compatibility (RFC 8446 D.4: the session id
 * echoed, one ChangeCipherSpec after the first server flight's first
 * message).
 */
#include "pair.h"

#include <string.h>

static const char DATA[] = "negotiated and working";

#define ALL_TLS13                                                                                  \
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"                  \
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"

/* RFC 8446 4.1.3: a HelloRetryRequest's random is SHA-256("HelloRetryRequest"). */
static const unsigned char HRR_RANDOM[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

static int is_hrr(const struct pair_msg *m)
{
    return m != NULL && m->len >= 4 + 2 + 32 && memcmp(m->data + 6, HRR_RANDOM, 32) == 0;
}

/* The session id of a ClientHello or ServerHello (same offset in both). */
static size_t hello_session_id(const struct pair_msg *m, const unsigned char **id)
{
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_ge(m->len, 39);
    *id = m->data + 39;
    ck_assert_uint_ge(m->len, 39 + (size_t)m->data[38]);
    return m->data[38];
}

static struct pair *connect_and_check(const char *suite)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_3_VERSION);
    ck_assert_str_eq(pair_cipher(p->s.ssl), suite);
    ck_assert_str_eq(pair_cipher(p->c.ssl), suite);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
    return p;
}

/* ---- suites ---- */

static const struct {
    const char *name;
    unsigned long id;
} suites[] = {
    {"TLS_AES_128_GCM_SHA256", 0x03001301},       {"TLS_AES_256_GCM_SHA384", 0x03001302},
    {"TLS_CHACHA20_POLY1305_SHA256", 0x03001303}, {"TLS_AES_128_CCM_SHA256", 0x03001304},
    {"TLS_AES_128_CCM_8_SHA256", 0x03001305},
};

/* The client offers all five; the server takes the one it has. */
START_TEST(each_suite)
{
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(cctx, ALL_TLS13), 1);
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(sctx, suites[_i].name), 1);
    struct pair *p = connect_and_check(suites[_i].name);
    ck_assert_uint_eq(SSL_CIPHER_get_id(SSL_get_current_cipher(p->s.ssl)), suites[_i].id);
    /* The ServerHello names the suite (after version, random, session id). */
    const struct pair_msg *sh = pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0);
    ck_assert_ptr_nonnull(sh);
    size_t at = 4 + 2 + 32 + 1 + sh->data[38];
    ck_assert_uint_eq((unsigned)sh->data[at] << 8 | sh->data[at + 1], suites[_i].id & 0xffff);
}
END_TEST

/* Each suite with a HelloRetryRequest in the transcript (SHA-384 replaces
 * the first ClientHello by a message_hash of its own size). */
START_TEST(each_suite_after_hrr)
{
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(cctx, ALL_TLS13), 1);
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(sctx, suites[_i].name), 1);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-256"), 1);
    struct pair *p = connect_and_check(suites[_i].name);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 2);
}
END_TEST

static const char *const CHACHA = "TLS_CHACHA20_POLY1305_SHA256";
static const char *const AES128 = "TLS_AES_128_GCM_SHA256";
static const char *const AES256 = "TLS_AES_256_GCM_SHA384";

START_TEST(client_order_by_default)
{
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(cctx, "TLS_CHACHA20_POLY1305_SHA256:"
                                                    "TLS_AES_128_GCM_SHA256"),
                     1);
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(sctx, "TLS_AES_128_GCM_SHA256:"
                                                    "TLS_CHACHA20_POLY1305_SHA256"),
                     1);
    connect_and_check(CHACHA);
}
END_TEST

START_TEST(server_preference)
{
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(cctx, "TLS_CHACHA20_POLY1305_SHA256:"
                                                    "TLS_AES_128_GCM_SHA256"),
                     1);
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(sctx, "TLS_AES_128_GCM_SHA256:"
                                                    "TLS_CHACHA20_POLY1305_SHA256"),
                     1);
    SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    connect_and_check(AES128);
}
END_TEST

/* SSL_OP_PRIORITIZE_CHACHA: with the server's preference, ChaCha20 goes
 * first when it heads the client's list, and only then. */
static const struct {
    const char *client;
    long options;
    const char *expect;
} chacha_cases[] = {
    {"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384",
     SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA, "TLS_CHACHA20_POLY1305_SHA256"},
    {"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384",
     SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA, "TLS_AES_256_GCM_SHA384"},
    {"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384", SSL_OP_CIPHER_SERVER_PREFERENCE,
     "TLS_AES_256_GCM_SHA384"},
    /* Without the server's preference the client's order rules anyway. */
    {"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256", SSL_OP_PRIORITIZE_CHACHA,
     "TLS_AES_128_GCM_SHA256"},
};

START_TEST(prioritize_chacha)
{
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(cctx, chacha_cases[_i].client), 1);
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(sctx, "TLS_AES_256_GCM_SHA384:"
                                                    "TLS_CHACHA20_POLY1305_SHA256:"
                                                    "TLS_AES_128_GCM_SHA256"),
                     1);
    SSL_CTX_set_options(sctx, (uint64_t)chacha_cases[_i].options);
    connect_and_check(chacha_cases[_i].expect);
}
END_TEST

START_TEST(no_shared_suite)
{
    ck_assert_int_eq(SSL_CTX_set_ciphersuites(sctx, "TLS_AES_128_CCM_SHA256"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.ret, -1);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_NO_SHARED_CIPHER);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_HANDSHAKE_FAILURE);
    ck_assert_int_eq(p->c.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
    (void)AES256;
}
END_TEST

/* ---- groups ---- */

static const struct {
    const char *name;
    int nid;
    unsigned codepoint; /* RFC 8446 4.2.7 / RFC 7919 */
} groups[] = {
    {"X25519", NID_X25519, 0x001d},          {"X448", NID_X448, 0x001e},
    {"P-256", NID_X9_62_prime256v1, 0x0017}, {"P-384", NID_secp384r1, 0x0018},
    {"P-521", NID_secp521r1, 0x0019},        {"ffdhe2048", NID_ffdhe2048, 0x0100},
    {"ffdhe3072", NID_ffdhe3072, 0x0101},    {"ffdhe4096", NID_ffdhe4096, 0x0102},
    {"ffdhe6144", NID_ffdhe6144, 0x0103},    {"ffdhe8192", NID_ffdhe8192, 0x0104},
};

/* The key share a ClientHello carries (its first group). */
static unsigned key_share_group(const struct pair_msg *ch)
{
    const unsigned char *b;
    size_t l;
    ck_assert(pair_msg_ext(ch, SSL3_MT_CLIENT_HELLO, 51, &b, &l));
    ck_assert_uint_ge(l, 4);
    return (unsigned)b[2] << 8 | b[3];
}

/* SSL_get_peer_tmp_key: the key share the peer sent, as on the wire (the
 * same bytes encoded back; stock keeps the peer's share in each role). */
static void check_peer_tmp(SSL *ssl, const unsigned char *share, size_t len)
{
    EVP_PKEY *k = NULL;
    unsigned char *enc = NULL;
    ck_assert_int_eq(SSL_get_peer_tmp_key(ssl, &k), 1);
    ck_assert_uint_eq(EVP_PKEY_get1_encoded_public_key(k, &enc), len);
    ck_assert_mem_eq(enc, share, len);
    OPENSSL_free(enc);
    EVP_PKEY_free(k);
}

/* The server has one group; the default client offers them all with a key
 * share for X25519 only: any other group costs a HelloRetryRequest naming
 * it, then the second ClientHello carries its share. */
START_TEST(server_has_one_group)
{
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, groups[_i].name), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_get_negotiated_group(p->s.ssl), groups[_i].nid);
    ck_assert_int_eq(SSL_get_negotiated_group(p->c.ssl), groups[_i].nid);
    int hrr = groups[_i].nid != NID_X25519;
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 1 + hrr);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_SERVER_HELLO), 1 + hrr);
    const struct pair_msg *first = pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0);
    ck_assert_int_eq(is_hrr(first), hrr);
    const unsigned char *b;
    size_t l;
    ck_assert(pair_msg_ext(first, SSL3_MT_SERVER_HELLO, 51, &b, &l));
    if (hrr) {
        /* HRR's key_share is the selected group alone. */
        ck_assert_uint_eq(l, 2);
        ck_assert_uint_eq((unsigned)b[0] << 8 | b[1], groups[_i].codepoint);
        ck_assert_uint_eq(key_share_group(pair_hs_msg(&p->s, 0, SSL3_MT_CLIENT_HELLO, 1)),
                          groups[_i].codepoint);
        ck_assert(!is_hrr(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 1)));
        pair_info_in_order(&p->s, "read client hello", "write server hello", "read client hello",
                           "write server hello", NULL);
    } else {
        ck_assert_uint_ge(l, 4);
        ck_assert_uint_eq((unsigned)b[0] << 8 | b[1], groups[_i].codepoint);
    }
    /* Each side's peer key is the other's share: the client's, the last
     * ClientHello's first (KeyShareClientHello: list length, group, length,
     * key); the server's, its ServerHello's (group, length, key). */
    ck_assert(pair_msg_ext(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, hrr), SSL3_MT_SERVER_HELLO,
                           51, &b, &l));
    ck_assert_uint_gt(l, 4);
    check_peer_tmp(p->c.ssl, b + 4, l - 4);
    ck_assert(pair_msg_ext(pair_hs_msg(&p->s, 0, SSL3_MT_CLIENT_HELLO, hrr), SSL3_MT_CLIENT_HELLO,
                           51, &b, &l));
    ck_assert_uint_gt(l, 6);
    ck_assert_uint_eq((size_t)(b[4] << 8 | b[5]), l - 6);
    check_peer_tmp(p->s.ssl, b + 6, l - 6);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
}
END_TEST

/* The client has one group (its share): the default server takes it at once. */
START_TEST(client_has_one_group)
{
    ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, groups[_i].name), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_get_negotiated_group(p->s.ssl), groups[_i].nid);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 1);
    ck_assert(!is_hrr(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0)));
}
END_TEST

/* A key share the server can use is taken even when the server lists
 * another group first (no HelloRetryRequest for preference), with or
 * without SSL_OP_CIPHER_SERVER_PREFERENCE. */
START_TEST(acceptable_share_taken)
{
    ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, "X25519:P-384"), 1);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-384:X25519"), 1);
    if (_i)
        SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_get_negotiated_group(p->s.ssl), NID_X25519);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 1);
}
END_TEST

/* HelloRetryRequest asks for the first group of the server's list that the
 * client has, with or without SSL_OP_CIPHER_SERVER_PREFERENCE (stock: the
 * client's order counts only among the key shares it sent). */
START_TEST(hrr_group_choice)
{
    ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, "X25519:P-256:P-384"), 1);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-384:P-256"), 1);
    if (_i)
        SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_get_negotiated_group(p->s.ssl), NID_secp384r1);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 2);
}
END_TEST

START_TEST(no_shared_group)
{
    ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, "X25519:P-256"), 1);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-521"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_NO_SUITABLE_KEY_SHARE);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_HANDSHAKE_FAILURE);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_SERVER_HELLO), 0);
}
END_TEST

/* ---- middlebox compatibility ---- */

/* (server option, client option): the ServerHello echoes whatever session
 * id the client sent (32 bytes with the client's option, none without);
 * the server sends its ChangeCipherSpec when its own option is on, whatever
 * the client did. */
START_TEST(middlebox_compat)
{
    int server_on = _i & 1, client_on = (_i >> 1) & 1;
    if (!server_on)
        SSL_CTX_clear_options(sctx, SSL_OP_ENABLE_MIDDLEBOX_COMPAT);
    if (!client_on)
        SSL_CTX_clear_options(cctx, SSL_OP_ENABLE_MIDDLEBOX_COMPAT);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    const unsigned char *cid, *sid;
    size_t clen = hello_session_id(pair_hs_msg(&p->s, 0, SSL3_MT_CLIENT_HELLO, 0), &cid);
    size_t slen = hello_session_id(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0), &sid);
    ck_assert_uint_eq(clen, client_on ? 32 : 0);
    ck_assert_uint_eq(slen, clen);
    ck_assert_mem_eq(sid, cid, clen);
    ck_assert_int_eq(pair_records(&p->s, 1, SSL3_RT_CHANGE_CIPHER_SPEC, NULL, 0), server_on);
    ck_assert_int_eq(pair_records(&p->s, 0, SSL3_RT_CHANGE_CIPHER_SPEC, NULL, 0), client_on);
    if (server_on) {
        /* Right after the ServerHello. */
        int sh = -1, ccs = -1;
        for (int i = 0; i < p->s.n_msgs; i++) {
            const struct pair_msg *m = &p->s.msgs[i];
            if (!m->write || m->content_type == SSL3_RT_HEADER ||
                m->content_type == SSL3_RT_INNER_CONTENT_TYPE)
                continue;
            if (m->content_type == SSL3_RT_HANDSHAKE && m->data[0] == SSL3_MT_SERVER_HELLO)
                sh = i;
            else if (m->content_type == SSL3_RT_CHANGE_CIPHER_SPEC && ccs < 0) {
                ccs = i;
                break;
            } else if (sh >= 0)
                break;
        }
        ck_assert_int_ge(sh, 0);
        ck_assert_int_gt(ccs, sh);
    }
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
}
END_TEST

/* With a HelloRetryRequest the server's one ChangeCipherSpec follows the
 * HRR, none follows the second ServerHello. */
START_TEST(middlebox_compat_hrr)
{
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-384"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(pair_records(&p->s, 1, SSL3_RT_CHANGE_CIPHER_SPEC, NULL, 0), 1);
    int hrr_at = -1, ccs_at = -1, sh2_at = -1, n_sh = 0;
    for (int i = 0; i < p->s.n_msgs; i++) {
        const struct pair_msg *m = &p->s.msgs[i];
        if (!m->write)
            continue;
        if (m->content_type == SSL3_RT_HANDSHAKE && m->data[0] == SSL3_MT_SERVER_HELLO) {
            if (n_sh++ == 0)
                hrr_at = i;
            else
                sh2_at = i;
        }
        if (m->content_type == SSL3_RT_CHANGE_CIPHER_SPEC)
            ccs_at = i;
    }
    ck_assert_int_ge(hrr_at, 0);
    ck_assert_int_gt(ccs_at, hrr_at);
    ck_assert_int_gt(sh2_at, ccs_at);
    /* Both ServerHellos echo the client's session id (the same one twice). */
    const unsigned char *a, *b;
    size_t la = hello_session_id(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0), &a);
    size_t lb = hello_session_id(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 1), &b);
    ck_assert_uint_eq(la, 32);
    ck_assert_uint_eq(lb, 32);
    ck_assert_mem_eq(a, b, 32);
}
END_TEST

/* The ServerHello of TLS 1.3: legacy_version 0x0303, supported_versions
 * 0x0304, compression 0 (RFC 8446 4.1.3). */
START_TEST(server_hello_shape)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    const struct pair_msg *sh = pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0);
    ck_assert_ptr_nonnull(sh);
    ck_assert_uint_eq((unsigned)sh->data[4] << 8 | sh->data[5], 0x0303);
    size_t at = 4 + 2 + 32 + 1 + sh->data[38] + 2;
    ck_assert_uint_eq(sh->data[at], 0);
    const unsigned char *b;
    size_t l;
    ck_assert(pair_msg_ext(sh, SSL3_MT_SERVER_HELLO, 43, &b, &l));
    ck_assert_uint_eq(l, 2);
    ck_assert_uint_eq((unsigned)b[0] << 8 | b[1], 0x0304);
    /* Nothing but supported_versions and key_share in a full handshake. */
    ck_assert(pair_msg_ext(sh, SSL3_MT_SERVER_HELLO, 51, NULL, NULL));
    ck_assert(!pair_msg_ext(sh, SSL3_MT_SERVER_HELLO, 41, NULL, NULL));
    ck_assert_uint_eq(at + 1 + 2 + 6 + 4 + 2 + 2 + 32, sh->len);
}
END_TEST

Suite *pair_suite(void)
{
    Suite *s = suite_create("pair-negotiate");
    TCase *tc = pair_tcase("suites");
    int n_suites = sizeof(suites) / sizeof(suites[0]);
    tcase_add_loop_test(tc, each_suite, 0, n_suites);
    tcase_add_loop_test(tc, each_suite_after_hrr, 0, n_suites);
    tcase_add_test(tc, client_order_by_default);
    tcase_add_test(tc, server_preference);
    tcase_add_loop_test(tc, prioritize_chacha, 0, sizeof(chacha_cases) / sizeof(chacha_cases[0]));
    tcase_add_test(tc, no_shared_suite);
    suite_add_tcase(s, tc);

    tc = pair_tcase("groups");
    int n_groups = sizeof(groups) / sizeof(groups[0]);
    tcase_add_loop_test(tc, server_has_one_group, 0, n_groups);
    tcase_add_loop_test(tc, client_has_one_group, 0, n_groups);
    tcase_add_loop_test(tc, acceptable_share_taken, 0, 2);
    tcase_add_loop_test(tc, hrr_group_choice, 0, 2);
    tcase_add_test(tc, no_shared_group);
    suite_add_tcase(s, tc);

    tc = pair_tcase("middlebox");
    tcase_add_loop_test(tc, middlebox_compat, 0, 4);
    tcase_add_test(tc, middlebox_compat_hrr);
    tcase_add_test(tc, server_hello_shape);
    suite_add_tcase(s, tc);
    return s;
}
