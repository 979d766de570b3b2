/*
 * shimssl pair suite: what a TLS 1.2 server negotiates (issue 15).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Every TLS 1.2 suite of stock's DEFAULT list as a server (ECDHE-ECDSA and
 * ECDHE-RSA with AES-GCM, ChaCha20-Poly1305 and CBC with SHA-1, SHA-256 and
 * SHA-384; DHE-RSA; RSA key exchange), chosen in the client's order or the
 * server's (SSL_OP_CIPHER_SERVER_PREFERENCE, SSL_OP_PRIORITIZE_CHACHA) and
 * only where the server holds a certificate for it; DHE parameters
 * (SSL_CTX_set_dh_auto, SSL_CTX_set0_tmp_dh_pkey, the temporary-DH
 * callback); extended master secret (RFC 7627) with stock's rules for
 * resumption; encrypt-then-MAC (RFC 7366) seen in the record lengths;
 * TLS_FALLBACK_SCSV (RFC 7507); the downgrade sentinel (RFC 8446 4.1.3);
 * OCSP stapling (RFC 6066 8: CertificateStatus); client certificates
 * (verify modes, the CertificateRequest's types and CA names); blocking,
 * non-blocking and one-byte transports.  The client is limited to TLS 1.2;
 * the server keeps TLS 1.3 enabled unless a case says otherwise.
 */
#include "pair.h"

#include <string.h>

#include <openssl/dh.h>
#include <openssl/pem.h>

static const char DATA[] = "TLS 1.2 and working";

/* TLS extension numbers (IANA). */
enum {
    EXT_STATUS_REQUEST = 5,
    EXT_ENCRYPT_THEN_MAC = 22,
    EXT_EXTENDED_MASTER_SECRET = 23,
};

static void client12(SSL_CTX *ctx)
{
    ck_assert_int_eq(SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION), 1);
}

static void exchange(struct pair *p)
{
    /* More than one record each way. */
    static unsigned char big[40000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (unsigned char)(i * 13 + 5);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
    ck_assert(pair_send(p, &p->c, big, sizeof(big)));
    ck_assert(pair_send(p, &p->s, big, sizeof(big)));
}

static struct pair *connect12(void)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_2_VERSION);
    ck_assert_int_eq(SSL_version(p->c.ssl), TLS1_2_VERSION);
    ck_assert_str_eq(pair_cipher(p->s.ssl), pair_cipher(p->c.ssl));
    return p;
}

/* The server's handshake failed with this reason and alert, and the client
 * saw the alert. */
static void refused(struct pair *p, int reason, int alert, int client_reason)
{
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), reason);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | alert);
    ck_assert_int_eq(p->c.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->c), client_reason);
}

static const struct pair_msg *server_hello(const struct pair *p)
{
    const struct pair_msg *m = pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0);
    ck_assert_ptr_nonnull(m);
    return m;
}

static int sh_has(const struct pair *p, unsigned ext)
{
    return pair_msg_ext(server_hello(p), SSL3_MT_SERVER_HELLO, ext, NULL, NULL);
}

/* ---- every DEFAULT suite ---- */

enum kx { KX_ECDHE, KX_DHE, KX_RSA };

static const struct {
    const char *name;
    unsigned id;
    const char *cert;
    enum kx kx;
    int cbc;
} suites[] = {
    {"ECDHE-ECDSA-AES256-GCM-SHA384", 0xc02c, "server-ec", KX_ECDHE, 0},
    {"ECDHE-RSA-AES256-GCM-SHA384", 0xc030, "server-rsa", KX_ECDHE, 0},
    {"DHE-RSA-AES256-GCM-SHA384", 0x009f, "server-rsa", KX_DHE, 0},
    {"ECDHE-ECDSA-CHACHA20-POLY1305", 0xcca9, "server-ec", KX_ECDHE, 0},
    {"ECDHE-RSA-CHACHA20-POLY1305", 0xcca8, "server-rsa", KX_ECDHE, 0},
    {"DHE-RSA-CHACHA20-POLY1305", 0xccaa, "server-rsa", KX_DHE, 0},
    {"ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, "server-ec", KX_ECDHE, 0},
    {"ECDHE-RSA-AES128-GCM-SHA256", 0xc02f, "server-rsa", KX_ECDHE, 0},
    {"DHE-RSA-AES128-GCM-SHA256", 0x009e, "server-rsa", KX_DHE, 0},
    {"ECDHE-ECDSA-AES256-SHA384", 0xc024, "server-ec", KX_ECDHE, 1},
    {"ECDHE-RSA-AES256-SHA384", 0xc028, "server-rsa", KX_ECDHE, 1},
    {"DHE-RSA-AES256-SHA256", 0x006b, "server-rsa", KX_DHE, 1},
    {"ECDHE-ECDSA-AES128-SHA256", 0xc023, "server-ec", KX_ECDHE, 1},
    {"ECDHE-RSA-AES128-SHA256", 0xc027, "server-rsa", KX_ECDHE, 1},
    {"DHE-RSA-AES128-SHA256", 0x0067, "server-rsa", KX_DHE, 1},
    {"ECDHE-ECDSA-AES256-SHA", 0xc00a, "server-ec", KX_ECDHE, 1},
    {"ECDHE-RSA-AES256-SHA", 0xc014, "server-rsa", KX_ECDHE, 1},
    {"DHE-RSA-AES256-SHA", 0x0039, "server-rsa", KX_DHE, 1},
    {"ECDHE-ECDSA-AES128-SHA", 0xc009, "server-ec", KX_ECDHE, 1},
    {"ECDHE-RSA-AES128-SHA", 0xc013, "server-rsa", KX_ECDHE, 1},
    {"DHE-RSA-AES128-SHA", 0x0033, "server-rsa", KX_DHE, 1},
    {"AES256-GCM-SHA384", 0x009d, "server-rsa", KX_RSA, 0},
    {"AES128-GCM-SHA256", 0x009c, "server-rsa", KX_RSA, 0},
    {"AES256-SHA256", 0x003d, "server-rsa", KX_RSA, 1},
    {"AES128-SHA256", 0x003c, "server-rsa", KX_RSA, 1},
    {"AES256-SHA", 0x0035, "server-rsa", KX_RSA, 1},
    {"AES128-SHA", 0x002f, "server-rsa", KX_RSA, 1},
};
#define N_SUITES ((int)(sizeof(suites) / sizeof(suites[0])))

/* The table is exactly the TLS 1.2 part of a default server's list. */
START_TEST(table_is_default)
{
    STACK_OF(SSL_CIPHER) *list = SSL_CTX_get_ciphers(sctx);
    int n12 = 0;
    for (int i = 0; i < sk_SSL_CIPHER_num(list); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(list, i);
        /* (TLS 1.3 suites are 0x13xx, RFC 8446 B.4; PSK and SRP suites are
         * chosen only with a PSK or SRP callback.) */
        const char *name = SSL_CIPHER_get_name(c);
        if ((SSL_CIPHER_get_id(c) & 0xff00) == 0x1300 || strstr(name, "PSK") != NULL ||
            strncmp(name, "SRP-", 4) == 0)
            continue;
        ck_assert_int_lt(n12, N_SUITES);
        /* In DEFAULT's order, too. */
        ck_assert_str_eq(SSL_CIPHER_get_name(c), suites[n12].name);
        ck_assert_uint_eq(SSL_CIPHER_get_id(c) & 0xffff, suites[n12].id);
        n12++;
    }
    ck_assert_int_eq(n12, N_SUITES);
}
END_TEST

/* The client offers one suite; the server holds its certificate (and DH
 * parameters, automatic, for DHE). */
START_TEST(each_default_suite)
{
    sctx = pair_keep_ctx(pair_server_ctx(suites[_i].cert));
    if (suites[_i].kx == KX_DHE)
        ck_assert_int_eq(SSL_CTX_set_dh_auto(sctx, 1), 1);
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, suites[_i].name), 1);
    struct pair *p = connect12();
    ck_assert_str_eq(pair_cipher(p->s.ssl), suites[_i].name);
    ck_assert_uint_eq(SSL_CIPHER_get_id(SSL_get_current_cipher(p->s.ssl)) & 0xffff, suites[_i].id);
    ck_assert_int_eq(SSL_get_verify_result(p->c.ssl), X509_V_OK);

    /* The flight: ServerKeyExchange for ECDHE and DHE only; the client's
     * ClientKeyExchange always. */
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_SERVER_KEY_EXCHANGE), suites[_i].kx != KX_RSA);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_KEY_EXCHANGE), 1);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_SERVER_DONE), 1);
    /* Encrypt-then-MAC is answered for CBC suites only; the extended
     * master secret always. */
    ck_assert_int_eq(sh_has(p, EXT_ENCRYPT_THEN_MAC), suites[_i].cbc);
    ck_assert_int_eq(sh_has(p, EXT_EXTENDED_MASTER_SECRET), 1);
    ck_assert_int_eq(SSL_get_extms_support(p->s.ssl), 1);

    /* The key exchange as the client saw it. */
    EVP_PKEY *tmp = NULL;
    int have = SSL_get_peer_tmp_key(p->c.ssl, &tmp);
    ck_assert_int_eq(have, suites[_i].kx != KX_RSA);
    if (suites[_i].kx == KX_ECDHE)
        ck_assert_int_eq(EVP_PKEY_get_id(tmp), EVP_PKEY_X25519);
    if (suites[_i].kx == KX_DHE) {
        ck_assert_int_eq(EVP_PKEY_get_id(tmp), EVP_PKEY_DH);
        /* RFC 3526's 2048-bit group for a 2048-bit RSA key (112 bits). */
        ck_assert_int_eq(EVP_PKEY_get_bits(tmp), 2048);
    }
    EVP_PKEY_free(tmp);
    exchange(p);
}
END_TEST

/* ---- the choice ---- */

static const struct {
    const char *client, *server;
    uint64_t options;
    const char *expect;
} choices[] = {
    /* The client's order by default. */
    {"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256",
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305", 0,
     "ECDHE-ECDSA-CHACHA20-POLY1305"},
    /* The server's with SSL_OP_CIPHER_SERVER_PREFERENCE. */
    {"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256",
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305", SSL_OP_CIPHER_SERVER_PREFERENCE,
     "ECDHE-ECDSA-AES128-GCM-SHA256"},
    /* PRIORITIZE_CHACHA: ChaCha20 first when it heads the client's list. */
    {"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256",
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305",
     SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA, "ECDHE-ECDSA-CHACHA20-POLY1305"},
    /* ... and only then. */
    {"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256",
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384",
     SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA, "ECDHE-ECDSA-AES128-GCM-SHA256"},
    /* The server holds an ECDSA certificate only: RSA suites are skipped. */
    {"ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256:ECDHE-ECDSA-AES256-SHA", "DEFAULT", 0,
     "ECDHE-ECDSA-AES256-SHA"},
    /* No server preference for a suite the client lacks. */
    {"ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA256",
     SSL_OP_CIPHER_SERVER_PREFERENCE, "ECDHE-ECDSA-AES128-SHA256"},
};

START_TEST(suite_choice)
{
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, choices[_i].client), 1);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(sctx, choices[_i].server), 1);
    SSL_CTX_set_options(sctx, choices[_i].options);
    struct pair *p = connect12();
    ck_assert_str_eq(pair_cipher(p->s.ssl), choices[_i].expect);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
}
END_TEST

/* Both an RSA and an ECDSA certificate: the suite decides which is sent. */
START_TEST(certificate_follows_suite)
{
    pair_ctx_use(sctx, "server-rsa");
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, _i ? "ECDHE-ECDSA-AES128-GCM-SHA256"
                                                      : "ECDHE-RSA-AES128-GCM-SHA256"),
                     1);
    struct pair *p = connect12();
    X509 *x = SSL_get1_peer_certificate(p->c.ssl);
    ck_assert_ptr_nonnull(x);
    EVP_PKEY *k = X509_get0_pubkey(x);
    ck_assert_int_eq(EVP_PKEY_get_id(k), _i ? EVP_PKEY_EC : EVP_PKEY_RSA);
    X509_free(x);
}
END_TEST

/* Only RSA suites offered to a server with an ECDSA certificate. */
START_TEST(no_suite_for_certificate)
{
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    refused(p, SSL_R_NO_SHARED_CIPHER, SSL_AD_HANDSHAKE_FAILURE,
            SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}
END_TEST

/* ECDHE over the server's groups: the first of the client's the server
 * has (client order), or the server's with SERVER_PREFERENCE. */
START_TEST(ecdhe_group)
{
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, "P-384:P-256:X25519"), 1);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "X25519:P-256"), 1);
    if (_i)
        SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    struct pair *p = connect12();
    ck_assert_int_eq(SSL_get_negotiated_group(p->s.ssl), _i ? NID_X25519 : NID_X9_62_prime256v1);
    EVP_PKEY *tmp = NULL;
    ck_assert_int_eq(SSL_get_peer_tmp_key(p->c.ssl, &tmp), 1);
    ck_assert_int_eq(EVP_PKEY_get_id(tmp), _i ? EVP_PKEY_X25519 : EVP_PKEY_EC);
    EVP_PKEY_free(tmp);
}
END_TEST

/* No group in common: ECDHE suites are out; with nothing else offered the
 * handshake fails. */
START_TEST(ecdhe_no_group)
{
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, "P-384"), 1);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "X25519:P-256"), 1);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, "ECDHE-ECDSA-AES128-GCM-SHA256"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    refused(p, SSL_R_NO_SHARED_CIPHER, SSL_AD_HANDSHAKE_FAILURE,
            SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}
END_TEST

/* ---- DHE parameters ---- */

static void dhe_only(void)
{
    sctx = pair_keep_ctx(pair_server_ctx("server-rsa"));
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, "DHE-RSA-AES128-GCM-SHA256"), 1);
}

static EVP_PKEY *read_params(const char *name)
{
    BIO *b = BIO_new_file(pair_file(name), "r");
    ck_assert_ptr_nonnull(b);
    EVP_PKEY *k = PEM_read_bio_Parameters(b, NULL);
    BIO_free(b);
    ck_assert_ptr_nonnull(k);
    return k;
}

static void check_peer_dh(struct pair *p, const EVP_PKEY *params, int bits)
{
    EVP_PKEY *tmp = NULL;
    ck_assert_int_eq(SSL_get_peer_tmp_key(p->c.ssl, &tmp), 1);
    ck_assert_int_eq(EVP_PKEY_get_id(tmp), EVP_PKEY_DH);
    ck_assert_int_eq(EVP_PKEY_get_bits(tmp), bits);
    if (params != NULL)
        ck_assert_int_eq(EVP_PKEY_parameters_eq(tmp, params), 1);
    EVP_PKEY_free(tmp);
}

/* Without parameters a server has no DHE suite. */
START_TEST(dhe_without_parameters)
{
    dhe_only();
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    refused(p, SSL_R_NO_SHARED_CIPHER, SSL_AD_HANDSHAKE_FAILURE,
            SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}
END_TEST

START_TEST(dhe_set0_tmp_dh_pkey)
{
    dhe_only();
    EVP_PKEY *params = read_params("ffdhe2048.pem");
    ck_assert_int_eq(EVP_PKEY_up_ref(params), 1);
    ck_assert_int_eq(SSL_CTX_set0_tmp_dh_pkey(sctx, params), 1);
    struct pair *p = connect12();
    ck_assert_str_eq(pair_cipher(p->s.ssl), "DHE-RSA-AES128-GCM-SHA256");
    check_peer_dh(p, params, 2048);
    EVP_PKEY_free(params);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
}
END_TEST

/* Per connection, SSL_set0_tmp_dh_pkey. */
START_TEST(dhe_set0_tmp_dh_pkey_per_connection)
{
    dhe_only();
    EVP_PKEY *params = read_params("ffdhe2048.pem");
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(EVP_PKEY_up_ref(params), 1);
    ck_assert_int_eq(SSL_set0_tmp_dh_pkey(p->s.ssl, params), 1);
    pair_connect(p);
    check_peer_dh(p, params, 2048);
    EVP_PKEY_free(params);
}
END_TEST

/* 1024-bit parameters are refused at security level 2 (80 bits). */
START_TEST(dhe_parameters_too_small)
{
    dhe_only();
    EVP_PKEY *params = read_params("dh1024.pem");
    ERR_clear_error();
    ck_assert_int_eq(SSL_CTX_set0_tmp_dh_pkey(sctx, params), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_DH_KEY_TOO_SMALL);
    ERR_clear_error();
    EVP_PKEY_free(params);
}
END_TEST

/* dh_auto: the group follows the certificate's strength (RSA-2048: 2048). */
START_TEST(dhe_auto)
{
    dhe_only();
    ck_assert_int_eq(SSL_CTX_set_dh_auto(sctx, 1), 1);
    struct pair *p = connect12();
    check_peer_dh(p, NULL, 2048);
}
END_TEST

/* The temporary-DH callback (deprecated, still used): asked for a key
 * length (stock asks for 1024 whatever the certificate), its parameters are
 * used; the DH stays the callback's. dh_cb_file names what it answers with
 * (NULL: no parameters). */
static int dh_cb_calls, dh_cb_export, dh_cb_keylength;
static const char *dh_cb_file;
static DH *dh_cb_answer;

static DH *tmp_dh_cb(SSL *s, int is_export, int keylength)
{
    (void)s;
    dh_cb_calls++;
    dh_cb_export = is_export;
    dh_cb_keylength = keylength;
    if (dh_cb_answer == NULL && dh_cb_file != NULL) {
        BIO *b = BIO_new_file(pair_file(dh_cb_file), "r");
        ck_assert_ptr_nonnull(b);
        dh_cb_answer = PEM_read_bio_DHparams(b, NULL, NULL, NULL);
        BIO_free(b);
        ck_assert_ptr_nonnull(dh_cb_answer);
    }
    return dh_cb_answer;
}

static void dh_cb_answers(const char *file)
{
    DH_free(dh_cb_answer);
    dh_cb_answer = NULL;
    dh_cb_file = file;
    dh_cb_calls = 0;
    dh_cb_keylength = -1;
}

/* _i 0: on the context; 1: on the connection (SSL_set_tmp_dh_callback). */
START_TEST(dhe_tmp_dh_callback)
{
    dhe_only();
    dh_cb_answers("ffdhe2048.pem");
    struct pair *p;
    if (_i == 0) {
        SSL_CTX_set_tmp_dh_callback(sctx, tmp_dh_cb);
        p = connect12();
    } else {
        p = pair_keep(pair_new(cctx, sctx, 0));
        SSL_set_tmp_dh_callback(p->s.ssl, tmp_dh_cb);
        pair_connect(p);
    }
    ck_assert_str_eq(pair_cipher(p->s.ssl), "DHE-RSA-AES128-GCM-SHA256");
    ck_assert_int_eq(dh_cb_calls, 1);
    ck_assert_int_eq(dh_cb_export, 0);
    ck_assert_int_eq(dh_cb_keylength, 1024);
    check_peer_dh(p, NULL, 2048);
    /* The callback still owns its DH: the connection did not free it. */
    ck_assert_int_eq(DH_bits(dh_cb_answer), 2048);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    dh_cb_answers(NULL);
}
END_TEST

/* The callback answers nothing: internal_error, ERR_R_INTERNAL_ERROR. */
START_TEST(dhe_tmp_dh_callback_null)
{
    dhe_only();
    dh_cb_answers(NULL);
    SSL_CTX_set_tmp_dh_callback(sctx, tmp_dh_cb);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(dh_cb_calls, 1);
    refused(p, ERR_GET_REASON(ERR_R_INTERNAL_ERROR), SSL_AD_INTERNAL_ERROR,
            SSL_R_TLSV1_ALERT_INTERNAL_ERROR);
}
END_TEST

/* 1024-bit parameters from the callback fail the security level (2) at
 * the ServerKeyExchange: handshake_failure, DH_KEY_TOO_SMALL. */
START_TEST(dhe_tmp_dh_callback_too_small)
{
    dhe_only();
    dh_cb_answers("dh1024.pem");
    SSL_CTX_set_tmp_dh_callback(sctx, tmp_dh_cb);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(dh_cb_calls, 1);
    refused(p, SSL_R_DH_KEY_TOO_SMALL, SSL_AD_HANDSHAKE_FAILURE,
            SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
    dh_cb_answers(NULL);
}
END_TEST

/* At security level 0 the same 1024-bit group is used. */
START_TEST(dhe_tmp_dh_callback_small_level0)
{
    dhe_only();
    SSL_CTX_set_security_level(sctx, 0);
    SSL_CTX_set_security_level(cctx, 0);
    dh_cb_answers("dh1024.pem");
    SSL_CTX_set_tmp_dh_callback(sctx, tmp_dh_cb);
    struct pair *p = connect12();
    ck_assert_int_eq(dh_cb_calls, 1);
    check_peer_dh(p, NULL, 1024);
    dh_cb_answers(NULL);
}
END_TEST

/* dh_auto (_i 0) and set0_tmp_dh_pkey (_i 1) come first: the callback is
 * not asked. */
START_TEST(dhe_tmp_dh_callback_precedence)
{
    dhe_only();
    dh_cb_answers("dh1024.pem");
    SSL_CTX_set_tmp_dh_callback(sctx, tmp_dh_cb);
    if (_i == 0) {
        ck_assert_int_eq(SSL_CTX_set_dh_auto(sctx, 1), 1);
    } else {
        EVP_PKEY *params = read_params("ffdhe2048.pem");
        ck_assert_int_eq(SSL_CTX_set0_tmp_dh_pkey(sctx, params), 1);
    }
    struct pair *p = connect12();
    ck_assert_int_eq(dh_cb_calls, 0);
    check_peer_dh(p, NULL, 2048);
}
END_TEST

/* The callback belongs to the callback ctrl; the plain ctrl refuses it. */
START_TEST(dhe_tmp_dh_callback_plain_ctrl)
{
    dhe_only();
    ERR_clear_error();
    ck_assert_int_eq(SSL_CTX_ctrl(sctx, SSL_CTRL_SET_TMP_DH_CB, 0, (void *)tmp_dh_cb), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()),
                     ERR_GET_REASON(ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED));
    ERR_clear_error();
    /* Nothing was set: still no DHE suite. */
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    refused(p, SSL_R_NO_SHARED_CIPHER, SSL_AD_HANDSHAKE_FAILURE,
            SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}
END_TEST

/* ---- extended master secret (RFC 7627) ---- */

START_TEST(ems_negotiated)
{
    client12(cctx);
    struct pair *p = connect12();
    ck_assert_int_eq(SSL_get_extms_support(p->s.ssl), 1);
    ck_assert_int_eq(SSL_get_extms_support(p->c.ssl), 1);
    ck_assert(sh_has(p, EXT_EXTENDED_MASTER_SECRET));
}
END_TEST

/* A client without it (SSL_OP_NO_EXTENDED_MASTER_SECRET): not answered. */
START_TEST(ems_not_offered)
{
    client12(cctx);
    SSL_CTX_set_options(cctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
    struct pair *p = connect12();
    ck_assert_int_eq(SSL_get_extms_support(p->s.ssl), 0);
    ck_assert(!sh_has(p, EXT_EXTENDED_MASTER_SECRET));
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
}
END_TEST

/* A session made without EMS offered with EMS (RFC 7627 5.3: no
 * abbreviated handshake): a full handshake. */
START_TEST(ems_resume_session_without)
{
    client12(cctx);
    SSL_CTX_set_options(cctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
    struct pair *p1 = connect12();
    SSL_SESSION *sess = pair_keep_session(SSL_get1_session(p1->c.ssl));
    SSL_CTX_clear_options(cctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_session(p->c.ssl, sess), 1);
    pair_connect(p);
    ck_assert_int_eq(SSL_session_reused(p->s.ssl), 0);
    ck_assert_int_eq(SSL_get_extms_support(p->s.ssl), 1);
}
END_TEST

/* A session made with EMS offered without it: the server aborts. */
START_TEST(ems_resume_session_with)
{
    client12(cctx);
    struct pair *p1 = connect12();
    SSL_SESSION *sess = pair_keep_session(SSL_get1_session(p1->c.ssl));
    SSL_CTX_set_options(cctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_session(p->c.ssl, sess), 1);
    ck_assert_int_eq(pair_handshake(p), 0);
    refused(p, SSL_R_INCONSISTENT_EXTMS, SSL_AD_HANDSHAKE_FAILURE,
            SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
}
END_TEST

/* ---- encrypt-then-MAC (RFC 7366) ---- */

/* One byte of data in ECDHE-ECDSA-AES128-SHA: IV 16 + the byte padded to
 * 16 + HMAC-SHA1 20 = 52 with encrypt-then-MAC; IV 16 + (1 + 20 + pad)
 * rounded to 32 = 48 without. _i: 0 both want it, 1 the client refuses, 2
 * the server refuses. */
START_TEST(encrypt_then_mac)
{
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, "ECDHE-ECDSA-AES128-SHA"), 1);
    if (_i == 1)
        SSL_CTX_set_options(cctx, SSL_OP_NO_ENCRYPT_THEN_MAC);
    if (_i == 2)
        SSL_CTX_set_options(sctx, SSL_OP_NO_ENCRYPT_THEN_MAC);
    struct pair *p = connect12();
    ck_assert_int_eq(sh_has(p, EXT_ENCRYPT_THEN_MAC), _i == 0);
    ck_assert(pair_send(p, &p->c, "x", 1));
    ck_assert(pair_send(p, &p->s, "y", 1));
    int len[4];
    ck_assert_int_eq(pair_records(&p->c, 1, SSL3_RT_APPLICATION_DATA, len, 4), 1);
    ck_assert_int_eq(len[0], _i == 0 ? 52 : 48);
    ck_assert_int_eq(pair_records(&p->s, 1, SSL3_RT_APPLICATION_DATA, len, 4), 1);
    ck_assert_int_eq(len[0], _i == 0 ? 52 : 48);
    exchange(p);
}
END_TEST

/* ---- versions: TLS_FALLBACK_SCSV and the downgrade sentinel ---- */

/* RFC 7507: a client that fell back to TLS 1.2 says so; a server that can
 * do better refuses it with inappropriate_fallback. */
START_TEST(fallback_scsv_refused)
{
    client12(cctx);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    SSL_set_mode(p->c.ssl, SSL_MODE_SEND_FALLBACK_SCSV);
    ck_assert_int_eq(pair_handshake(p), 0);
    refused(p, SSL_R_INAPPROPRIATE_FALLBACK, SSL_AD_INAPPROPRIATE_FALLBACK,
            SSL_R_TLSV1_ALERT_INAPPROPRIATE_FALLBACK);
}
END_TEST

/* A server whose best is TLS 1.2 takes it. */
START_TEST(fallback_scsv_at_best_version)
{
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    SSL_set_mode(p->c.ssl, SSL_MODE_SEND_FALLBACK_SCSV);
    pair_connect(p);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_2_VERSION);
}
END_TEST

/* RFC 8446 4.1.3: a TLS 1.3 server negotiating TLS 1.2 ends its random
 * with "DOWNGRD" 01; a server without TLS 1.3 does not. */
START_TEST(downgrade_sentinel)
{
    static const unsigned char sentinel[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
    client12(cctx);
    if (_i)
        ck_assert_int_eq(SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION), 1);
    struct pair *p = connect12();
    const struct pair_msg *sh = server_hello(p);
    ck_assert_uint_ge(sh->len, 4 + 2 + 32);
    ck_assert_int_eq(memcmp(sh->data + 4 + 2 + 24, sentinel, 8) == 0, !_i);
    /* SSL_get_server_random gives the same bytes. */
    unsigned char random[32];
    ck_assert_uint_eq(SSL_get_server_random(p->s.ssl, random, sizeof(random)), 32);
    ck_assert_mem_eq(random, sh->data + 6, 32);
}
END_TEST

/* ---- OCSP stapling (RFC 6066 8) ---- */

static int status_calls, status_answer, status_set;
static size_t client_resp_len;
static unsigned char *client_resp;

static int server_status_cb(SSL *s, void *arg)
{
    (void)arg;
    status_calls++;
    if (status_set) {
        size_t len;
        unsigned char *file = pair_read_file("server-ec.ocsp", &len);
        unsigned char *resp = OPENSSL_malloc(len);
        ck_assert_ptr_nonnull(resp);
        memcpy(resp, file, len);
        free(file);
        ck_assert_int_eq(SSL_set_tlsext_status_ocsp_resp(s, resp, (long)len), 1);
    }
    return status_answer;
}

static int client_status_cb(SSL *s, void *arg)
{
    (void)arg;
    const unsigned char *resp;
    long len = SSL_get_tlsext_status_ocsp_resp(s, &resp);
    free(client_resp);
    client_resp = NULL;
    client_resp_len = 0;
    if (len > 0 && resp != NULL) {
        client_resp = malloc((size_t)len);
        ck_assert_ptr_nonnull(client_resp);
        memcpy(client_resp, resp, (size_t)len);
        client_resp_len = (size_t)len;
    }
    return 1;
}

static struct pair *ocsp_pair(int request, int answer, int set)
{
    status_calls = 0;
    status_answer = answer;
    status_set = set;
    free(client_resp);
    client_resp = NULL;
    client_resp_len = 0;
    client12(cctx);
    SSL_CTX_set_tlsext_status_cb(sctx, server_status_cb);
    SSL_CTX_set_tlsext_status_cb(cctx, client_status_cb);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    if (request)
        ck_assert_int_eq(SSL_set_tlsext_status_type(p->c.ssl, TLSEXT_STATUSTYPE_ocsp), 1);
    return p;
}

START_TEST(ocsp_stapled)
{
    struct pair *p = ocsp_pair(1, SSL_TLSEXT_ERR_OK, 1);
    pair_connect(p);
    ck_assert_int_eq(status_calls, 1);
    /* An empty status_request in the ServerHello, then CertificateStatus
     * right after the Certificate. */
    const unsigned char *b;
    size_t l;
    ck_assert(pair_msg_ext(server_hello(p), SSL3_MT_SERVER_HELLO, EXT_STATUS_REQUEST, &b, &l));
    ck_assert_uint_eq(l, 0);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE_STATUS), 1);
    pair_info_in_order(&p->s, "write certificate", "write certificate status", "write key exchange",
                       NULL);
    size_t len;
    unsigned char *file = pair_read_file("server-ec.ocsp", &len);
    ck_assert_uint_eq(client_resp_len, len);
    ck_assert_mem_eq(client_resp, file, len);
    /* CertificateStatus: status_type ocsp(1), then the response<3>. */
    const struct pair_msg *cs = pair_hs_msg(&p->s, 1, SSL3_MT_CERTIFICATE_STATUS, 0);
    ck_assert_uint_eq(cs->len, 4 + 1 + 3 + len);
    ck_assert_uint_eq(cs->data[4], 1);
    ck_assert_mem_eq(cs->data + 8, file, len);
    free(file);
}
END_TEST

/* ---- next protocol negotiation (TLS 1.2 only) ---- */

static const unsigned char NPN_SERVER[] = "\x06spdy/3\x08http/1.1";
static const unsigned char NPN_CLIENT[] = "\x08http/1.1";
static int npn_advertise_answer, npn_advertised_calls;

static int npn_advertised_cb(SSL *s, const unsigned char **out, unsigned int *outlen, void *arg)
{
    (void)s;
    (void)arg;
    npn_advertised_calls++;
    *out = NPN_SERVER;
    *outlen = sizeof(NPN_SERVER) - 1;
    return npn_advertise_answer;
}

static int npn_select_cb(SSL *s, unsigned char **out, unsigned char *outlen,
                         const unsigned char *in, unsigned int inlen, void *arg)
{
    (void)s;
    (void)arg;
    SSL_select_next_proto(out, outlen, in, inlen, NPN_CLIENT, sizeof(NPN_CLIENT) - 1);
    return SSL_TLSEXT_ERR_OK;
}

static struct pair *npn_pair(int answer)
{
    npn_advertise_answer = answer;
    npn_advertised_calls = 0;
    client12(cctx);
    SSL_CTX_set_next_protos_advertised_cb(sctx, npn_advertised_cb, NULL);
    SSL_CTX_set_next_proto_select_cb(cctx, npn_select_cb, NULL);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    return p;
}

static void npn_expect(const SSL *s, const char *proto)
{
    const unsigned char *data;
    unsigned len;
    SSL_get0_next_proto_negotiated(s, &data, &len);
    ck_assert_uint_eq(len, proto != NULL ? strlen(proto) : 0);
    if (proto != NULL)
        ck_assert_mem_eq(data, proto, len);
}

/* The server advertises its list (the callback asked once, when the
 * ClientHello offers NPN), the client picks http/1.1 and sends it in
 * NextProtocol between its ChangeCipherSpec and Finished; both ends report
 * it. */
START_TEST(npn_negotiated)
{
    struct pair *p = npn_pair(SSL_TLSEXT_ERR_OK);
    ck_assert_int_eq(npn_advertised_calls, 1);
    const unsigned char *b;
    size_t l;
    ck_assert(
        pair_msg_ext(server_hello(p), SSL3_MT_SERVER_HELLO, TLSEXT_TYPE_next_proto_neg, &b, &l));
    ck_assert_uint_eq(l, sizeof(NPN_SERVER) - 1);
    ck_assert_mem_eq(b, NPN_SERVER, l);
    ck_assert_int_eq(pair_hs_count(&p->c, 1, SSL3_MT_NEXT_PROTO), 1);
    pair_info_in_order(&p->s, "read change cipher spec", "read next proto", "read finished", NULL);
    npn_expect(p->c.ssl, "http/1.1");
    npn_expect(p->s.ssl, "http/1.1");
}
END_TEST

/* The callback declines: no extension, no NextProtocol, nothing chosen. */
START_TEST(npn_not_advertised)
{
    struct pair *p = npn_pair(SSL_TLSEXT_ERR_NOACK);
    ck_assert_int_eq(npn_advertised_calls, 1);
    ck_assert(!sh_has(p, TLSEXT_TYPE_next_proto_neg));
    ck_assert_int_eq(pair_hs_count(&p->c, 1, SSL3_MT_NEXT_PROTO), 0);
    npn_expect(p->c.ssl, NULL);
    npn_expect(p->s.ssl, NULL);
}
END_TEST

/* Not asked for: the callback is not called, nothing is stapled. */
START_TEST(ocsp_not_requested)
{
    struct pair *p = ocsp_pair(0, SSL_TLSEXT_ERR_OK, 1);
    pair_connect(p);
    ck_assert_int_eq(status_calls, 0);
    ck_assert(!sh_has(p, EXT_STATUS_REQUEST));
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE_STATUS), 0);
}
END_TEST

/* NOACK, or OK without a response: nothing stapled. */
START_TEST(ocsp_nothing_to_staple)
{
    struct pair *p = ocsp_pair(1, _i ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK, 0);
    pair_connect(p);
    ck_assert_int_eq(status_calls, 1);
    ck_assert(!sh_has(p, EXT_STATUS_REQUEST));
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE_STATUS), 0);
    ck_assert_uint_eq(client_resp_len, 0);
}
END_TEST

/* A fatal answer: internal_error. */
START_TEST(ocsp_callback_fails)
{
    struct pair *p = ocsp_pair(1, SSL_TLSEXT_ERR_ALERT_FATAL, 0);
    ck_assert_int_eq(pair_handshake(p), 0);
    refused(p, SSL_R_CLIENTHELLO_TLSEXT, SSL_AD_INTERNAL_ERROR, SSL_R_TLSV1_ALERT_INTERNAL_ERROR);
}
END_TEST

/* ---- client certificates ---- */

/* Certificates in a TLS 1.2 Certificate message the server read
 * (certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>, RFC 5246 7.4.2). */
static int client_certs_sent(const struct pair *p)
{
    const struct pair_msg *m = pair_hs_msg(&p->s, 0, SSL3_MT_CERTIFICATE, 0);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_ge(m->len, 7);
    size_t at = 4, end = at + 3 + ((size_t)m->data[4] << 16 | (size_t)m->data[5] << 8 | m->data[6]);
    ck_assert_uint_eq(end, m->len);
    int n = 0;
    for (at += 3; at + 3 <= end; n++)
        at += 3 + ((size_t)m->data[at] << 16 | (size_t)m->data[at + 1] << 8 | m->data[at + 2]);
    ck_assert_uint_eq(at, end);
    return n;
}

static struct pair *client_auth_pair(int mode, const char *client_cert)
{
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_load_verify_locations(sctx, pair_file("ca.pem"), NULL), 1);
    SSL_CTX_set_verify(sctx, mode, NULL);
    if (client_cert != NULL)
        pair_ctx_use(cctx, client_cert);
    return pair_keep(pair_new(cctx, sctx, 0));
}

/* The client's certificate verified; on a server the peer chain leaves the
 * leaf out (the client sends its automatic chain: leaf and root); the
 * client's CertificateVerify names its scheme. */
START_TEST(client_cert_verified)
{
    static const char *const certs[] = {"client-ec", "client-rsa"};
    struct pair *p = client_auth_pair(SSL_VERIFY_PEER, certs[_i]);
    pair_connect(p);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_2_VERSION);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE_REQUEST), 1);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CERTIFICATE_VERIFY), 1);
    ck_assert_int_eq(SSL_get_verify_result(p->s.ssl), X509_V_OK);
    X509 *x = SSL_get1_peer_certificate(p->s.ssl);
    ck_assert_ptr_nonnull(x);
    ck_assert_str_eq(pair_cn(x), "shimssl-client");
    X509_free(x);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(p->s.ssl);
    ck_assert_ptr_nonnull(chain);
    ck_assert_int_eq(client_certs_sent(p), 2);
    ck_assert_int_eq(sk_X509_num(chain), 1);
    ck_assert_int_eq(X509_cmp(sk_X509_value(chain, 0), SSL_get0_peer_certificate(p->s.ssl)) != 0,
                     1);
    STACK_OF(X509) *verified = SSL_get0_verified_chain(p->s.ssl);
    ck_assert_ptr_nonnull(verified);
    ck_assert_int_eq(sk_X509_num(verified), 2);
    int type = 0, md = 0;
    ck_assert_int_eq(SSL_get_peer_signature_type_nid(p->s.ssl, &type), 1);
    ck_assert_int_eq(SSL_get_peer_signature_nid(p->s.ssl, &md), 1);
    ck_assert_int_eq(type, _i ? EVP_PKEY_RSA_PSS : EVP_PKEY_EC);
    ck_assert_int_eq(md, NID_sha256);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
}
END_TEST

/* A client certificate whose key is on a curve the server does not take:
 * stock's server checks it at the CertificateVerify and refuses it, wrong
 * curve with illegal_parameter (issue 19, the server's side of the TLS 1.2
 * client's check). */
START_TEST(client_cert_wrong_curve)
{
    struct pair *p = client_auth_pair(SSL_VERIFY_PEER, "client-ec"); /* P-256 */
    ck_assert_int_eq(SSL_set1_groups_list(p->s.ssl, "X25519"), 1);
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CERTIFICATE_VERIFY), 1);
    refused(p, SSL_R_WRONG_CURVE, SSL_AD_ILLEGAL_PARAMETER, 1000 + SSL_AD_ILLEGAL_PARAMETER);
}
END_TEST

/* Rewrites the ClientHello's ec_point_formats (uncompressed and the two
 * compressed forms, as both libraries send it) to name no uncompressed form:
 * the same length, so only the transcript changes. */
static size_t no_uncompressed(struct pair *p, int from_client, unsigned char **rec, size_t len,
                              void *arg)
{
    (void)p;
    static const unsigned char ext[] = {0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02};
    int *done = arg;
    if (!from_client || *done || len < 6 || (*rec)[0] != SSL3_RT_HANDSHAKE ||
        (*rec)[5] != SSL3_MT_CLIENT_HELLO)
        return len;
    for (size_t i = 5; i + sizeof(ext) <= len; i++) {
        if (memcmp(*rec + i, ext, sizeof(ext)) == 0) {
            (*rec)[i + 5] = 0x01;
            *done = 1;
            break;
        }
    }
    return len;
}

/* A client whose ec_point_formats lacks the uncompressed form, signing with
 * an EC key: stock's server refuses its CertificateVerify with illegal point
 * compression, illegal_parameter (checked before the signature, which the
 * rewritten transcript would fail), the server's side of the client's
 * check of a ServerHello (issue 19). */
START_TEST(client_cert_point_formats)
{
    int rewritten = 0;
    /* An RSA server: its own certificate does not need the point formats. */
    sctx = pair_keep_ctx(pair_server_ctx("server-rsa"));
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_load_verify_locations(sctx, pair_file("ca.pem"), NULL), 1);
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
    pair_ctx_use(cctx, "client-ec");
    struct pair *p = pair_keep(pair_new_relay(cctx, sctx, 0, no_uncompressed, &rewritten));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(rewritten, 1);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CERTIFICATE_VERIFY), 1);
    refused(p, SSL_R_ILLEGAL_POINT_COMPRESSION, SSL_AD_ILLEGAL_PARAMETER,
            1000 + SSL_AD_ILLEGAL_PARAMETER);
}
END_TEST

/* No certificate: an empty Certificate from the client, accepted unless
 * FAIL_IF_NO_PEER_CERT. */
START_TEST(client_cert_missing)
{
    int fail = _i;
    struct pair *p =
        client_auth_pair(SSL_VERIFY_PEER | (fail ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
    if (fail) {
        ck_assert_int_eq(pair_handshake(p), 0);
        refused(p, SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE, SSL_AD_HANDSHAKE_FAILURE,
                SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
        return;
    }
    pair_connect(p);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CERTIFICATE), 1);
    ck_assert_int_eq(client_certs_sent(p), 0);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CERTIFICATE_VERIFY), 0);
    ck_assert_ptr_null(SSL_get0_peer_certificate(p->s.ssl));
    ck_assert_int_eq(SSL_get_verify_result(p->s.ssl), X509_V_OK);
}
END_TEST

/* A certificate from a CA the server does not trust: unknown_ca. */
START_TEST(client_cert_untrusted)
{
    struct pair *p = client_auth_pair(SSL_VERIFY_PEER, "client-untrusted");
    ck_assert_int_eq(pair_handshake(p), 0);
    refused(p, SSL_R_CERTIFICATE_VERIFY_FAILED, SSL_AD_UNKNOWN_CA, SSL_R_TLSV1_ALERT_UNKNOWN_CA);
    ck_assert_int_eq(SSL_get_verify_result(p->s.ssl), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}
END_TEST

/* SSL_VERIFY_NONE: no CertificateRequest, a client certificate unused. */
START_TEST(client_cert_not_requested)
{
    struct pair *p = client_auth_pair(SSL_VERIFY_NONE, "client-ec");
    pair_connect(p);
    ck_assert_int_eq(pair_hs_count(&p->s, 1, SSL3_MT_CERTIFICATE_REQUEST), 0);
    ck_assert_int_eq(pair_hs_count(&p->c, 1, SSL3_MT_CERTIFICATE), 0);
    ck_assert_ptr_null(SSL_get0_peer_certificate(p->s.ssl));
}
END_TEST

/* The CertificateRequest (RFC 5246 7.4.4): certificate_types<1..>,
 * supported_signature_algorithms<2..>, certificate_authorities<0..>; the
 * names come from the client CA list (none without one). */
START_TEST(certificate_request_contents)
{
    struct pair *p = client_auth_pair(SSL_VERIFY_PEER, "client-ec");
    STACK_OF(X509_NAME) *names = NULL;
    if (_i) {
        names = SSL_load_client_CA_file(pair_file("ca.pem"));
        ck_assert_ptr_nonnull(names);
        ck_assert_int_eq(sk_X509_NAME_num(names), 1);
        SSL_set_client_CA_list(p->s.ssl, names);
    }
    pair_connect(p);
    const struct pair_msg *m = pair_hs_msg(&p->s, 1, SSL3_MT_CERTIFICATE_REQUEST, 0);
    ck_assert_ptr_nonnull(m);
    const unsigned char *d = m->data + 4;
    size_t left = m->len - 4;
    /* rsa_sign(1), dss_sign(2), ecdsa_sign(64), as stock. */
    static const unsigned char types[] = {3, 1, 2, 64};
    ck_assert_uint_ge(left, sizeof(types));
    ck_assert_mem_eq(d, types, sizeof(types));
    d += sizeof(types);
    left -= sizeof(types);
    ck_assert_uint_ge(left, 2);
    size_t sl = (size_t)d[0] << 8 | d[1];
    ck_assert_uint_gt(sl, 0);
    ck_assert_uint_ge(left, 2 + sl + 2);
    d += 2 + sl;
    left -= 2 + sl;
    size_t nl = (size_t)d[0] << 8 | d[1];
    ck_assert_uint_eq(left, 2 + nl);
    STACK_OF(X509_NAME) *seen = SSL_get_client_CA_list(p->c.ssl);
    if (!_i) {
        ck_assert_uint_eq(nl, 0);
        ck_assert_int_eq(seen != NULL ? sk_X509_NAME_num(seen) : 0, 0);
        return;
    }
    /* One DistinguishedName<1..2^16-1>: the CA's subject in DER. */
    X509 *ca = pair_cert("ca");
    unsigned char *der = NULL;
    int dl = i2d_X509_NAME(X509_get_subject_name(ca), &der);
    ck_assert_int_gt(dl, 0);
    ck_assert_uint_eq(nl, 2 + (size_t)dl);
    ck_assert_uint_eq((size_t)d[2] << 8 | d[3], (size_t)dl);
    ck_assert_mem_eq(d + 4, der, (size_t)dl);
    ck_assert_ptr_nonnull(seen);
    ck_assert_int_eq(sk_X509_NAME_num(seen), 1);
    ck_assert_int_eq(X509_NAME_cmp(sk_X509_NAME_value(seen, 0), X509_get_subject_name(ca)), 0);
    OPENSSL_free(der);
    X509_free(ca);
}
END_TEST

/* ---- transports ---- */

static const char *const transport_suites[] = {
    "ECDHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-SHA256",
    "AES128-SHA",
    "ECDHE-RSA-CHACHA20-POLY1305",
};

static void transport_ctx(int i)
{
    sctx = pair_keep_ctx(pair_server_ctx("server-rsa"));
    ck_assert_int_eq(SSL_CTX_set_dh_auto(sctx, 1), 1);
    client12(cctx);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, transport_suites[i]), 1);
}

/* Blocking sockets: SSL_accept in a thread, one call. */
START_TEST(blocking_socketpair)
{
    transport_ctx(_i);
    struct pair *p = pair_keep(pair_new_socket(cctx, sctx, 0));
    p->server_call = SSL_accept;
    p->client_call = SSL_connect;
    ck_assert_int_eq(pair_handshake_blocking(p), 1);
    ck_assert_int_eq(p->s.calls, 1);
    ck_assert_int_eq(SSL_version(p->s.ssl), TLS1_2_VERSION);
    ck_assert_str_eq(pair_cipher(p->s.ssl), transport_suites[_i]);
    char buf[64];
    ck_assert_int_eq(SSL_write(p->c.ssl, DATA, sizeof(DATA)), (int)sizeof(DATA));
    ck_assert_int_eq(SSL_read(p->s.ssl, buf, sizeof(buf)), (int)sizeof(DATA));
    ck_assert_mem_eq(buf, DATA, sizeof(DATA));
    ck_assert_int_eq(SSL_write(p->s.ssl, DATA, sizeof(DATA)), (int)sizeof(DATA));
    ck_assert_int_eq(SSL_read(p->c.ssl, buf, sizeof(buf)), (int)sizeof(DATA));
}
END_TEST

START_TEST(nonblocking_socketpair)
{
    transport_ctx(_i);
    struct pair *p = pair_keep(pair_new_socket(cctx, sctx, 1));
    p->server_call = SSL_accept;
    pair_connect(p);
    ck_assert(p->s.seen & (1u << SSL_ERROR_WANT_READ));
    ck_assert_str_eq(pair_cipher(p->s.ssl), transport_suites[_i]);
    exchange(p);
}
END_TEST

/* Record headers shown to side's msg callback as received. */
static int headers_read(const struct pair_side *side)
{
    int n = 0;
    for (int i = 0; i < side->n_msgs; i++)
        n += !side->msgs[i].write && side->msgs[i].content_type == SSL3_RT_HEADER;
    return n;
}

/* The LOOP event of the last message of a flight comes once the flight has
 * left (stock flushes its buffer first): after the WANT_WRITE exits made in
 * that state, not before them. */
static void loop_after_flush(const struct pair_side *side, int server, const char *state)
{
    char loop[128], exit_line[128];
    snprintf(loop, sizeof(loop), "where 0x%04x ret 1: %s", server ? 0x2001 : 0x1001, state);
    snprintf(exit_line, sizeof(exit_line), "where 0x%04x ret -1: %s", server ? 0x2002 : 0x1002,
             state);
    int at = pair_info_find(side, loop, 0);
    ck_assert_msg(at > 0, "no '%s'", loop);
    ck_assert_msg(strcmp(side->info[at - 1], exit_line) == 0, "'%s' came after '%s', not '%s'",
                  loop, side->info[at - 1], exit_line);
}

/* BIO pairs of one and of seven bytes: every write is cut. */
START_TEST(tiny_bio_pairs)
{
    /* The records do not depend on the transport, so each header reaches
     * the msg callback as often as over a roomy BIO pair: once (stock
     * reports it when the header is in, not again while the body trickles). */
    transport_ctx(_i);
    struct pair *roomy = pair_keep(pair_new(cctx, sctx, 0));
    roomy->server_call = SSL_accept;
    pair_connect(roomy);
    int c_headers = headers_read(&roomy->c), s_headers = headers_read(&roomy->s);
    ck_assert_int_gt(c_headers, 0);
    ck_assert_int_gt(s_headers, 0);
    for (int size = 1; size <= 7; size += 6) {
        transport_ctx(_i);
        struct pair *p = pair_keep(pair_new(cctx, sctx, (size_t)size));
        p->server_call = SSL_accept;
        pair_connect(p);
        ck_assert_int_eq(headers_read(&p->c), c_headers);
        ck_assert_int_eq(headers_read(&p->s), s_headers);
        loop_after_flush(&p->c, 0, "SSLv3/TLS write client hello");
        loop_after_flush(&p->s, 1, "SSLv3/TLS write server done");
        loop_after_flush(&p->c, 0, "SSLv3/TLS write finished");
        ck_assert(p->s.seen & (1u << SSL_ERROR_WANT_READ));
        ck_assert(p->s.seen & (1u << SSL_ERROR_WANT_WRITE));
        ck_assert_int_eq(
            p->s.seen & ~((1u << SSL_ERROR_WANT_READ) | (1u << SSL_ERROR_WANT_WRITE) | 1u), 0);
        ck_assert_str_eq(pair_cipher(p->s.ssl), transport_suites[_i]);
        /* One handshake counted, however many calls it took. */
        ck_assert_int_eq(SSL_CTX_sess_accept(sctx), 1);
        ck_assert_int_eq(SSL_CTX_sess_accept_good(sctx), 1);
        static unsigned char big[20000];
        memset(big, 0xa5, sizeof(big));
        ck_assert(pair_send(p, &p->c, big, sizeof(big)));
        ck_assert(pair_send(p, &p->s, big, sizeof(big)));
    }
}
END_TEST

Suite *pair_suite(void)
{
    Suite *s = suite_create("pair-tls12");
    TCase *tc = pair_tcase("suites");
    tcase_add_test(tc, table_is_default);
    tcase_add_loop_test(tc, each_default_suite, 0, N_SUITES);
    tcase_add_loop_test(tc, suite_choice, 0, (int)(sizeof(choices) / sizeof(choices[0])));
    tcase_add_loop_test(tc, certificate_follows_suite, 0, 2);
    tcase_add_test(tc, no_suite_for_certificate);
    tcase_add_loop_test(tc, ecdhe_group, 0, 2);
    tcase_add_test(tc, ecdhe_no_group);
    suite_add_tcase(s, tc);

    tc = pair_tcase("dhe");
    tcase_add_test(tc, dhe_without_parameters);
    tcase_add_test(tc, dhe_set0_tmp_dh_pkey);
    tcase_add_test(tc, dhe_set0_tmp_dh_pkey_per_connection);
    tcase_add_test(tc, dhe_parameters_too_small);
    tcase_add_test(tc, dhe_auto);
    tcase_add_loop_test(tc, dhe_tmp_dh_callback, 0, 2);
    tcase_add_test(tc, dhe_tmp_dh_callback_null);
    tcase_add_test(tc, dhe_tmp_dh_callback_too_small);
    tcase_add_test(tc, dhe_tmp_dh_callback_small_level0);
    tcase_add_loop_test(tc, dhe_tmp_dh_callback_precedence, 0, 2);
    tcase_add_test(tc, dhe_tmp_dh_callback_plain_ctrl);
    suite_add_tcase(s, tc);

    tc = pair_tcase("extensions");
    tcase_add_test(tc, ems_negotiated);
    tcase_add_test(tc, ems_not_offered);
    tcase_add_test(tc, ems_resume_session_without);
    tcase_add_test(tc, ems_resume_session_with);
    tcase_add_loop_test(tc, encrypt_then_mac, 0, 3);
    tcase_add_test(tc, fallback_scsv_refused);
    tcase_add_test(tc, fallback_scsv_at_best_version);
    tcase_add_loop_test(tc, downgrade_sentinel, 0, 2);
    tcase_add_test(tc, ocsp_stapled);
    tcase_add_test(tc, npn_negotiated);
    tcase_add_test(tc, npn_not_advertised);
    tcase_add_test(tc, ocsp_not_requested);
    tcase_add_loop_test(tc, ocsp_nothing_to_staple, 0, 2);
    tcase_add_test(tc, ocsp_callback_fails);
    suite_add_tcase(s, tc);

    tc = pair_tcase("client_certificates");
    tcase_add_loop_test(tc, client_cert_verified, 0, 2);
    tcase_add_test(tc, client_cert_wrong_curve);
    tcase_add_test(tc, client_cert_point_formats);
    tcase_add_loop_test(tc, client_cert_missing, 0, 2);
    tcase_add_test(tc, client_cert_untrusted);
    tcase_add_test(tc, client_cert_not_requested);
    tcase_add_loop_test(tc, certificate_request_contents, 0, 2);
    suite_add_tcase(s, tc);

    int nt = (int)(sizeof(transport_suites) / sizeof(transport_suites[0]));
    tc = pair_tcase("transports");
    tcase_add_loop_test(tc, blocking_socketpair, 0, nt);
    tcase_add_loop_test(tc, nonblocking_socketpair, 0, nt);
    tcase_add_loop_test(tc, tiny_bio_pairs, 0, nt);
    suite_add_tcase(s, tc);
    return s;
}
