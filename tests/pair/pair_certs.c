/*
 * shimssl pair suite: the server's certificates (issue 14).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Several certificate/key pairs on one context (one per key slot: RSA,
 * RSA-PSS, ECDSA, Ed25519, Ed448), the one sent chosen from the client's
 * signature_algorithms; ECDSA on P-256, P-384 and P-521 (RFC 8446 4.2.3:
 * in TLS 1.3 the curve comes with the scheme); chains from extra chain
 * certificates, per-certificate chains, chain files, chain stores and the
 * automatic chain built from the verify store; the certificate callback,
 * including its -1 "call me again" (SSL_ERROR_WANT_X509_LOOKUP).
 */
#include "pair.h"

#include <string.h>

#include <openssl/evp.h>

static const char DATA[] = "certificate chosen";

static void use_all(SSL_CTX *ctx)
{
    static const char *const names[] = {"server-rsa", "server-rsapss", "server-ec",
                                        "server-ed25519", "server-ed448"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        pair_ctx_use(ctx, names[i]);
}

static int peer_key_type(SSL *s)
{
    X509 *x = SSL_get1_peer_certificate(s);
    ck_assert_ptr_nonnull(x);
    int t = EVP_PKEY_get_base_id(X509_get0_pubkey(x));
    X509_free(x);
    return t;
}

static int peer_sig_type(SSL *s)
{
    int nid = NID_undef;
    ck_assert_int_eq(SSL_get_peer_signature_type_nid(s, &nid), 1);
    return nid;
}

/* The client's signature_algorithms decide which of the five is sent. */
static const struct {
    const char *client_sigalgs;
    int key_type; /* of the certificate the client receives */
    int sig_type; /* SSL_get_peer_signature_type_nid on the client */
    int sig_hash; /* SSL_get_peer_signature_nid */
} choices[] = {
    {"ed25519", EVP_PKEY_ED25519, NID_ED25519, NID_undef},
    {"ed448", EVP_PKEY_ED448, NID_ED448, NID_undef},
    {"ECDSA+SHA256", EVP_PKEY_EC, NID_X9_62_id_ecPublicKey, NID_sha256},
    {"rsa_pss_pss_sha256", EVP_PKEY_RSA_PSS, NID_rsassaPss, NID_sha256},
    {"rsa_pss_rsae_sha384", EVP_PKEY_RSA, NID_rsassaPss, NID_sha384},
    /* The first the client lists that the server can do. */
    {"ed448:rsa_pss_rsae_sha256:ECDSA+SHA256", EVP_PKEY_ED448, NID_ED448, NID_undef},
    {"rsa_pss_pss_sha512:ed25519", EVP_PKEY_RSA_PSS, NID_rsassaPss, NID_sha512},
};

START_TEST(chosen_by_client_sigalgs)
{
    use_all(sctx);
    ck_assert_int_eq(SSL_CTX_set1_sigalgs_list(cctx, choices[_i].client_sigalgs), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(peer_key_type(p->c.ssl), choices[_i].key_type);
    ck_assert_int_eq(peer_sig_type(p->c.ssl), choices[_i].sig_type);
    int hash = -1;
    SSL_get_peer_signature_nid(p->c.ssl, &hash);
    ck_assert_int_eq(hash, choices[_i].sig_hash);
    /* The server's view: the certificate it used, the scheme it signed with. */
    ck_assert_int_eq(EVP_PKEY_get_base_id(X509_get0_pubkey(SSL_get_certificate(p->s.ssl))),
                     choices[_i].key_type);
    ck_assert_int_eq(EVP_PKEY_get_base_id(SSL_get_privatekey(p->s.ssl)), choices[_i].key_type);
    int nid = NID_undef;
    ck_assert_int_eq(SSL_get_signature_type_nid(p->s.ssl, &nid), 1);
    ck_assert_int_eq(nid, choices[_i].sig_type);
    ck_assert_int_eq(SSL_get_verify_result(p->c.ssl), X509_V_OK);
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
}
END_TEST

/* The default client's list puts ECDSA first. */
START_TEST(default_client_sigalgs)
{
    use_all(sctx);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(peer_key_type(p->c.ssl), EVP_PKEY_EC);
    ck_assert_int_eq(peer_sig_type(p->c.ssl), NID_X9_62_id_ecPublicKey);
}
END_TEST

/* With the server's preference, its own signature_algorithms order decides. */
START_TEST(server_sigalgs_preference)
{
    use_all(sctx);
    ck_assert_int_eq(SSL_CTX_set1_sigalgs_list(sctx, "ed448:ed25519:ECDSA+SHA256"), 1);
    SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(peer_key_type(p->c.ssl), EVP_PKEY_ED448);
}
END_TEST

/* The ECDSA slot holds one key: the last loaded replaces the others. */
START_TEST(one_ecdsa_slot)
{
    pair_ctx_use(sctx, "server-ec384");
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    X509 *x = SSL_get1_peer_certificate(p->c.ssl);
    ck_assert_int_eq(EVP_PKEY_get_bits(X509_get0_pubkey(x)), 384);
    X509_free(x);
    int hash = NID_undef;
    SSL_get_peer_signature_nid(p->c.ssl, &hash);
    ck_assert_int_eq(hash, NID_sha384);
}
END_TEST

/* TLS 1.3 ties each ECDSA scheme to its curve. */
static const struct {
    const char *cert;
    int bits;
    int hash;
} curves[] = {
    {"server-ec", 256, NID_sha256},
    {"server-ec384", 384, NID_sha384},
    {"server-ec521", 521, NID_sha512},
};

START_TEST(ecdsa_curves)
{
    sctx = pair_keep_ctx(pair_server_ctx(curves[_i].cert));
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    X509 *x = SSL_get1_peer_certificate(p->c.ssl);
    ck_assert_int_eq(EVP_PKEY_get_bits(X509_get0_pubkey(x)), curves[_i].bits);
    X509_free(x);
    int hash = NID_undef;
    SSL_get_peer_signature_nid(p->c.ssl, &hash);
    ck_assert_int_eq(hash, curves[_i].hash);
}
END_TEST

/* A P-384 key when the client accepts only ecdsa_secp256r1_sha256. */
START_TEST(no_usable_certificate)
{
    sctx = pair_keep_ctx(pair_server_ctx("server-ec384"));
    ck_assert_int_eq(SSL_CTX_set1_sigalgs_list(cctx, "ECDSA+SHA256"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_HANDSHAKE_FAILURE);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}
END_TEST

/* ---- chains ---- */

/* The Certificate message the server wrote: its number of entries. */
static int certs_sent(const struct pair_side *s)
{
    const struct pair_msg *m = pair_hs_msg(s, 1, SSL3_MT_CERTIFICATE, 0);
    ck_assert_ptr_nonnull(m);
    /* context<0..255>, certificate_list<0..2^24-1> of
     * { cert_data<1..2^24-1>, extensions<0..2^16-1> } (RFC 8446 4.4.2) */
    size_t at = 4;
    at += 1 + m->data[at];
    size_t end =
        at + 3 + ((size_t)m->data[at] << 16 | (size_t)m->data[at + 1] << 8 | m->data[at + 2]);
    ck_assert_uint_eq(end, m->len);
    at += 3;
    int n = 0;
    while (at < end) {
        at += 3 + ((size_t)m->data[at] << 16 | (size_t)m->data[at + 1] << 8 | m->data[at + 2]);
        at += 2 + ((size_t)m->data[at] << 8 | m->data[at + 1]);
        n++;
    }
    ck_assert_uint_eq(at, end);
    return n;
}

static void chain_ctx(void)
{
    sctx = pair_keep_ctx(pair_server_ctx("server-chain"));
}

/* What the client saw: count of certificates, and the chain verified. */
static struct pair *connect_chain(int expect_sent)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_get_verify_result(p->c.ssl), X509_V_OK);
    ck_assert_int_eq(certs_sent(&p->s), expect_sent);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(p->c.ssl);
    ck_assert_ptr_nonnull(chain);
    /* On the client the chain starts with the leaf. */
    ck_assert_int_eq(sk_X509_num(chain), expect_sent);
    ck_assert_str_eq(pair_cn(sk_X509_value(chain, 0)), "localhost");
    ck_assert_str_eq(pair_cn(sk_X509_value(chain, 1)), "shimssl-intermediate-ca");
    return p;
}

START_TEST(chain_extra_certs)
{
    chain_ctx();
    ck_assert_int_eq(SSL_CTX_add_extra_chain_cert(sctx, pair_cert("int-ca")), 1);
    connect_chain(2);
}
END_TEST

START_TEST(chain_per_certificate)
{
    chain_ctx();
    X509 *ic = pair_cert("int-ca");
    if (_i == 0) {
        ck_assert_int_eq(SSL_CTX_add1_chain_cert(sctx, ic), 1);
    } else {
        STACK_OF(X509) *sk = sk_X509_new_null();
        sk_X509_push(sk, ic);
        ck_assert_int_eq(SSL_CTX_set1_chain(sctx, sk), 1);
        sk_X509_free(sk);
    }
    X509_free(ic);
    connect_chain(2);
}
END_TEST

START_TEST(chain_file)
{
    sctx = pair_keep_ctx(SSL_CTX_new(TLS_server_method()));
    ck_assert_int_eq(SSL_CTX_use_certificate_chain_file(sctx, pair_file("server-chain-full.pem")),
                     1);
    ck_assert_int_eq(
        SSL_CTX_use_PrivateKey_file(sctx, pair_file("server-chain.key"), SSL_FILETYPE_PEM), 1);
    connect_chain(2);
}
END_TEST

/* No chain given: the server builds one from its verify store, taking
 * every certificate the store gives it, the root included when it is
 * there; SSL_MODE_NO_AUTO_CHAIN turns that off. */
START_TEST(auto_chain_from_store)
{
    chain_ctx();
    X509 *ic = pair_cert("int-ca");
    ck_assert_int_eq(X509_STORE_add_cert(SSL_CTX_get_cert_store(sctx), ic), 1);
    X509_free(ic);
    if (_i) {
        X509 *root = pair_cert("ca");
        ck_assert_int_eq(X509_STORE_add_cert(SSL_CTX_get_cert_store(sctx), root), 1);
        X509_free(root);
    }
    struct pair *p = connect_chain(_i ? 3 : 2);
    if (_i)
        ck_assert_str_eq(pair_cn(sk_X509_value(SSL_get_peer_cert_chain(p->c.ssl), 2)),
                         "shimssl-test-ca");
}
END_TEST

START_TEST(chain_store)
{
    chain_ctx();
    X509_STORE *st = X509_STORE_new();
    X509 *ic = pair_cert("int-ca");
    ck_assert_int_eq(X509_STORE_add_cert(st, ic), 1);
    X509_free(ic);
    ck_assert_int_eq(SSL_CTX_set1_chain_cert_store(sctx, st), 1);
    X509_STORE_free(st);
    connect_chain(2);
}
END_TEST

START_TEST(no_auto_chain)
{
    chain_ctx();
    X509 *ic = pair_cert("int-ca");
    ck_assert_int_eq(X509_STORE_add_cert(SSL_CTX_get_cert_store(sctx), ic), 1);
    X509_free(ic);
    SSL_CTX_set_mode(sctx, SSL_MODE_NO_AUTO_CHAIN);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(certs_sent(&p->s), 1);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_CERTIFICATE_VERIFY_FAILED);
    ck_assert_int_eq(SSL_get_verify_result(p->c.ssl), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    ck_assert_int_eq(p->c.alert_sent, 0x0200 | SSL_AD_UNKNOWN_CA);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_TLSV1_ALERT_UNKNOWN_CA);
}
END_TEST

/* SSL_CTX_build_cert_chain from the verify store: with the root, or
 * without it (SSL_BUILD_CHAIN_FLAG_NO_ROOT). */
START_TEST(built_chain)
{
    chain_ctx();
    X509_STORE *st = SSL_CTX_get_cert_store(sctx);
    X509 *ic = pair_cert("int-ca"), *root = pair_cert("ca");
    ck_assert_int_eq(X509_STORE_add_cert(st, ic), 1);
    ck_assert_int_eq(X509_STORE_add_cert(st, root), 1);
    X509_free(ic);
    X509_free(root);
    ck_assert_int_eq(SSL_CTX_build_cert_chain(sctx, _i ? SSL_BUILD_CHAIN_FLAG_NO_ROOT : 0), 1);
    SSL_CTX_set_mode(sctx, SSL_MODE_NO_AUTO_CHAIN);
    connect_chain(_i ? 2 : 3);
}
END_TEST

/* ---- the certificate callback ---- */

static int cb_calls, cb_retries, cb_result;
static const char *cb_load; /* a certificate to install from the callback */
static char cb_servername[256];

static int cert_cb(SSL *s, void *arg)
{
    ck_assert_ptr_eq(arg, &cb_calls);
    cb_calls++;
    const char *sn = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    snprintf(cb_servername, sizeof(cb_servername), "%s", sn != NULL ? sn : "(none)");
    if (cb_retries > 0) {
        cb_retries--;
        return -1;
    }
    if (cb_load != NULL) {
        X509 *x = pair_cert(cb_load);
        EVP_PKEY *k = pair_key(cb_load);
        ck_assert_int_eq(SSL_use_certificate(s, x), 1);
        ck_assert_int_eq(SSL_use_PrivateKey(s, k), 1);
        X509_free(x);
        EVP_PKEY_free(k);
    }
    return cb_result;
}

static void cb_reset(int retries, int result, const char *load)
{
    cb_calls = 0;
    cb_retries = retries;
    cb_result = result;
    cb_load = load;
    cb_servername[0] = '\0';
}

/* The callback installs the certificate on a context that has none, and
 * sees the client's server name already. */
START_TEST(cert_cb_installs)
{
    sctx = pair_keep_ctx(pair_server_ctx(NULL));
    cb_reset(0, 1, "server-ed25519");
    SSL_CTX_set_cert_cb(sctx, cert_cb, &cb_calls);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_tlsext_host_name(p->c.ssl, "localhost"), 1);
    pair_connect(p);
    ck_assert_int_eq(cb_calls, 1);
    ck_assert_str_eq(cb_servername, "localhost");
    ck_assert_int_eq(peer_key_type(p->c.ssl), EVP_PKEY_ED25519);
}
END_TEST

/* -1 asks to be called again: the handshake call returns -1 with
 * SSL_ERROR_WANT_X509_LOOKUP, and the next call runs the callback again. */
START_TEST(cert_cb_retry)
{
    cb_reset(2, 1, NULL);
    SSL_CTX_set_cert_cb(sctx, cert_cb, &cb_calls);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    p->server_call = SSL_accept;
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.ret, -1);
    ck_assert_int_eq(p->s.err, SSL_ERROR_WANT_X509_LOOKUP);
    ck_assert_int_eq(SSL_want(p->s.ssl), SSL_X509_LOOKUP);
    ck_assert_int_eq(p->s.n_errs, 0);
    ck_assert_int_eq(cb_calls, 1);
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_WANT_X509_LOOKUP);
    ck_assert_int_eq(cb_calls, 2);
    pair_connect(p);
    ck_assert_int_eq(cb_calls, 3);
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
}
END_TEST

/* SSL_check_chain from the certificate callback: how each of three
 * certificates suits the client (its signature algorithms, the version),
 * as stock's flags.  The chain is the certificate alone (NULL). */
static const char *const check_names[] = {"server-rsa", "server-ec", "server-ed25519"};
static int check_flags[3];

static int check_cb(SSL *s, void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        X509 *x = pair_cert(check_names[i]);
        EVP_PKEY *k = pair_key(check_names[i]);
        check_flags[i] = SSL_check_chain(s, x, k, NULL);
        X509_free(x);
        EVP_PKEY_free(k);
    }
    return 1;
}

START_TEST(check_chain_flags)
{
    /* All but VALID, SIGN, EE_SIGNATURE and EXPLICIT_SIGN: what a key the
     * client named no algorithm for gets; 0x7f3: every flag (no Suite B). */
    enum { UNFIT = 0x6e0, ALL = 0x7f3 };
    static const struct {
        int version;
        const char *sigalgs;
        int want[3]; /* RSA, ECDSA P-256, Ed25519: stock 3.0.19's answers */
    } cases[] = {
        {TLS1_3_VERSION, "ECDSA+SHA256", {UNFIT, ALL, UNFIT}},
        {TLS1_3_VERSION, NULL, {ALL, ALL, ALL}},
        /* TLS 1.2 also asks how each certificate itself is signed. */
        {TLS1_2_VERSION,
         "RSA+SHA256",
         {ALL & ~(CERT_PKEY_VALID | CERT_PKEY_EE_SIGNATURE), UNFIT, UNFIT}},
        {TLS1_2_VERSION, NULL, {ALL, ALL, ALL}},
    };
    memset(check_flags, 0, sizeof(check_flags));
    SSL_CTX_set_cert_cb(sctx, check_cb, NULL);
    pair_ctx_version(cctx, cases[_i].version);
    if (cases[_i].sigalgs != NULL)
        ck_assert_int_eq(SSL_CTX_set1_sigalgs_list(cctx, cases[_i].sigalgs), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    /* (The handshake itself may fail: the context's ECDSA certificate is
     * of no use to a client that takes only RSA signatures.) */
    pair_handshake(p);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(check_flags[i] == cases[_i].want[i], "%s: flags %#x, stock's %#x",
                      check_names[i], check_flags[i], cases[_i].want[i]);
}
END_TEST

/* Before any handshake (nothing known of a peer): no crash, stock's flags. */
START_TEST(check_chain_before_handshake)
{
    SSL *s = SSL_new(sctx);
    ck_assert_ptr_nonnull(s);
    SSL_set_accept_state(s);
    check_cb(s, NULL);
    /* TLS 1.2's rules with no algorithms named: only a key without a
     * default algorithm (Ed25519) has an acceptable signature. */
    ck_assert_int_eq(check_flags[0], 0x6e0);
    ck_assert_int_eq(check_flags[1], 0x6e0);
    ck_assert_int_eq(check_flags[2], 0x6e0 | CERT_PKEY_VALID | CERT_PKEY_EE_SIGNATURE);
    ck_assert_int_eq(ERR_peek_error(), 0);
    SSL_free(s);
}
END_TEST

/* 0 is a failure: internal_error. */
START_TEST(cert_cb_fails)
{
    cb_reset(0, 0, NULL);
    SSL_CTX_set_cert_cb(sctx, cert_cb, &cb_calls);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.ret, -1);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_CERT_CB_ERROR);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_INTERNAL_ERROR);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_TLSV1_ALERT_INTERNAL_ERROR);
}
END_TEST

/* SSL_set_cert_cb on the connection replaces the context's. */
static int other_cb_calls;
static int other_cert_cb(SSL *s, void *arg)
{
    (void)s;
    (void)arg;
    other_cb_calls++;
    return 1;
}

START_TEST(ssl_cert_cb_overrides)
{
    cb_reset(0, 1, NULL);
    other_cb_calls = 0;
    SSL_CTX_set_cert_cb(sctx, cert_cb, &cb_calls);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    SSL_set_cert_cb(p->s.ssl, other_cert_cb, NULL);
    pair_connect(p);
    ck_assert_int_eq(cb_calls, 0);
    ck_assert_int_eq(other_cb_calls, 1);
}
END_TEST

/* Once per ClientHello: with a HelloRetryRequest, twice (stock runs the
 * callback while processing each ClientHello, before it knows that the
 * first one will need a retry). */
START_TEST(cert_cb_with_hrr)
{
    cb_reset(0, 1, NULL);
    SSL_CTX_set_cert_cb(sctx, cert_cb, &cb_calls);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-256"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 2);
    ck_assert_int_eq(cb_calls, 2);
}
END_TEST

Suite *pair_suite(void)
{
    Suite *s = suite_create("pair-certs");
    TCase *tc = pair_tcase("choice");
    tcase_add_loop_test(tc, chosen_by_client_sigalgs, 0, sizeof(choices) / sizeof(choices[0]));
    tcase_add_test(tc, default_client_sigalgs);
    tcase_add_test(tc, server_sigalgs_preference);
    tcase_add_test(tc, one_ecdsa_slot);
    tcase_add_loop_test(tc, ecdsa_curves, 0, sizeof(curves) / sizeof(curves[0]));
    tcase_add_test(tc, no_usable_certificate);
    suite_add_tcase(s, tc);

    tc = pair_tcase("chains");
    tcase_add_test(tc, chain_extra_certs);
    tcase_add_loop_test(tc, chain_per_certificate, 0, 2);
    tcase_add_test(tc, chain_file);
    tcase_add_loop_test(tc, auto_chain_from_store, 0, 2);
    tcase_add_test(tc, chain_store);
    tcase_add_test(tc, no_auto_chain);
    tcase_add_loop_test(tc, built_chain, 0, 2);
    suite_add_tcase(s, tc);

    tc = pair_tcase("cert_cb");
    tcase_add_test(tc, cert_cb_installs);
    tcase_add_test(tc, cert_cb_retry);
    tcase_add_test(tc, cert_cb_fails);
    tcase_add_loop_test(tc, check_chain_flags, 0, 4);
    tcase_add_test(tc, check_chain_before_handshake);
    tcase_add_test(tc, ssl_cert_cb_overrides);
    tcase_add_test(tc, cert_cb_with_hrr);
    suite_add_tcase(s, tc);
    return s;
}
