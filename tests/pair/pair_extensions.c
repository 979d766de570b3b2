/*
 * shimssl pair suite: custom extensions and serverinfo on a TLS 1.3 server
 * (issue 14).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * SSL_CTX_add_custom_ext on both sides (ClientHello -> EncryptedExtensions
 * and -> Certificate: which callbacks run, with which context, certificate
 * and chain index, how often), answers only to what the client sent
 * (RFC 8446 4.2: a server sends no extension the client did not offer),
 * parse and add failures with their alerts, the TLS 1.2-only legacy forms
 * (SSL_CTX_add_server_custom_ext / add_client_custom_ext) under TLS 1.3,
 * and serverinfo (SSL_CTX_use_serverinfo_ex, _file) tied to the
 * certificate it was loaded with.
 */
#include "pair.h"
#include "pair_ext_log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#define EXT_EE   1000
#define EXT_CERT 1001
#define EXT_INFO 1002

/* What the callbacks saw, per side. */
static struct pair_ext_log c_log, s_log;

static void logs_reset(void)
{
    pair_ext_log_reset(&c_log, "hello");
    pair_ext_log_reset(&s_log, "world");
    /* In a Certificate, only on the leaf. */
    c_log.leaf_only = s_log.leaf_only = 1;
}

static void add_both(unsigned type, unsigned context)
{
    ck_assert_int_eq(SSL_CTX_add_custom_ext(cctx, type, context, pair_ext_add_cb, pair_ext_free_cb,
                                            &c_log, pair_ext_parse_cb, &c_log),
                     1);
    ck_assert_int_eq(SSL_CTX_add_custom_ext(sctx, type, context, pair_ext_add_cb, pair_ext_free_cb,
                                            &s_log, pair_ext_parse_cb, &s_log),
                     1);
}

static void last_is(const struct pair_ext_log *l, const char *s)
{
    ck_assert_uint_eq(l->last_len, strlen(s));
    ck_assert_mem_eq(l->last, s, l->last_len);
}

/* ClientHello out, EncryptedExtensions back. */
START_TEST(client_hello_and_encrypted_extensions)
{
    logs_reset();
    add_both(EXT_EE, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(c_log.add_calls, 1);
    ck_assert_uint_eq(c_log.add_contexts, SSL_EXT_CLIENT_HELLO);
    ck_assert_int_eq(c_log.free_calls, 1);
    ck_assert_int_eq(s_log.parse_calls, 1);
    ck_assert_uint_eq(s_log.parse_contexts, SSL_EXT_CLIENT_HELLO);
    last_is(&s_log, "hello");
    ck_assert_int_eq(s_log.add_calls, 1);
    ck_assert_uint_eq(s_log.add_contexts, SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS);
    ck_assert_int_eq(s_log.free_calls, 1);
    ck_assert_int_eq(c_log.parse_calls, 1);
    ck_assert_uint_eq(c_log.parse_contexts, SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS);
    last_is(&c_log, "world");
    /* On the wire, in EncryptedExtensions. */
    const unsigned char *b;
    size_t l;
    ck_assert(pair_msg_ext(pair_hs_msg(&p->s, 1, SSL3_MT_ENCRYPTED_EXTENSIONS, 0),
                           SSL3_MT_ENCRYPTED_EXTENSIONS, EXT_EE, &b, &l));
    ck_assert_uint_eq(l, 5);
    ck_assert_mem_eq(b, "world", 5);
}
END_TEST

/* ClientHello out, the leaf's entry in Certificate back: the server's add
 * callback runs for each certificate of its chain, with the certificate. */
START_TEST(certificate_entries)
{
    logs_reset();
    sctx = pair_keep_ctx(pair_server_ctx("server-chain"));
    ck_assert_int_eq(SSL_CTX_add_extra_chain_cert(sctx, pair_cert("int-ca")), 1);
    add_both(EXT_CERT, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(s_log.parse_calls, 1);
    ck_assert_int_eq(s_log.add_calls, 2);
    ck_assert_int_eq(s_log.add_with_cert, 2);
    ck_assert_uint_eq(s_log.add_chainidx_max, 1);
    ck_assert_uint_eq(s_log.add_contexts, SSL_EXT_TLS1_3_CERTIFICATE);
    ck_assert_int_eq(c_log.parse_calls, 1);
    ck_assert_int_eq(c_log.parse_with_cert, 1);
    ck_assert_uint_eq(c_log.parse_chainidx_max, 0);
    ck_assert_uint_eq(c_log.parse_contexts, SSL_EXT_TLS1_3_CERTIFICATE);
    last_is(&c_log, "world");
}
END_TEST

/* The server answers only what the client sent. */
START_TEST(not_sent_unless_offered)
{
    logs_reset();
    ck_assert_int_eq(SSL_CTX_add_custom_ext(
                         sctx, EXT_EE, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS,
                         pair_ext_add_cb, pair_ext_free_cb, &s_log, pair_ext_parse_cb, &s_log),
                     1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(s_log.parse_calls, 0);
    ck_assert_int_eq(s_log.add_calls, 0);
}
END_TEST

/* An add callback that declines: nothing sent, nothing parsed. */
START_TEST(server_declines)
{
    logs_reset();
    s_log.add_result = 0;
    add_both(EXT_EE, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(s_log.add_calls, 1);
    ck_assert_int_eq(s_log.free_calls, 0);
    ck_assert_int_eq(c_log.parse_calls, 0);
}
END_TEST

/* The server's parse callback refuses: its alert. */
START_TEST(server_parse_fails)
{
    logs_reset();
    s_log.parse_result = 0;
    s_log.alert = SSL_AD_ILLEGAL_PARAMETER;
    add_both(EXT_EE, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_BAD_EXTENSION);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_ILLEGAL_PARAMETER);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_SSLV3_ALERT_ILLEGAL_PARAMETER);
}
END_TEST

/* The server's add callback fails: its alert. */
START_TEST(server_add_fails)
{
    logs_reset();
    s_log.add_result = -1;
    s_log.alert = SSL_AD_ACCESS_DENIED;
    add_both(EXT_EE, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_CALLBACK_FAILED);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_ACCESS_DENIED);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_TLSV1_ALERT_ACCESS_DENIED);
}
END_TEST

/* The legacy forms are TLS 1.2 extensions: the client still offers one in
 * its ClientHello, a TLS 1.3 server neither parses nor answers it. */
static int legacy_client_add, legacy_client_parse, legacy_server_add, legacy_server_parse;

static int legacy_add(SSL *s, unsigned int ext_type, const unsigned char **out, size_t *outlen,
                      int *al, void *add_arg)
{
    (void)s;
    (void)ext_type;
    (void)al;
    ++*(int *)add_arg;
    *out = (const unsigned char *)"old";
    *outlen = 3;
    return 1;
}

static int legacy_parse(SSL *s, unsigned int ext_type, const unsigned char *in, size_t inlen,
                        int *al, void *parse_arg)
{
    (void)s;
    (void)ext_type;
    (void)in;
    (void)inlen;
    (void)al;
    ++*(int *)parse_arg;
    return 1;
}

START_TEST(legacy_forms_under_tls13)
{
    legacy_client_add = legacy_client_parse = legacy_server_add = legacy_server_parse = 0;
    ck_assert_int_eq(SSL_CTX_add_client_custom_ext(cctx, EXT_EE, legacy_add, NULL,
                                                   &legacy_client_add, legacy_parse,
                                                   &legacy_client_parse),
                     1);
    ck_assert_int_eq(SSL_CTX_add_server_custom_ext(sctx, EXT_EE, legacy_add, NULL,
                                                   &legacy_server_add, legacy_parse,
                                                   &legacy_server_parse),
                     1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(legacy_client_add, 1);
    ck_assert_int_eq(legacy_server_parse, 0);
    ck_assert_int_eq(legacy_server_add, 0);
    ck_assert_int_eq(legacy_client_parse, 0);
    /* It was in the ClientHello nonetheless. */
    const unsigned char *b;
    size_t l;
    ck_assert(pair_msg_ext(pair_hs_msg(&p->s, 0, SSL3_MT_CLIENT_HELLO, 0), SSL3_MT_CLIENT_HELLO,
                           EXT_EE, &b, &l));
    ck_assert_uint_eq(l, 3);
}
END_TEST

/* Registration rules: types libssl handles itself and duplicates are
 * refused. */
START_TEST(registration)
{
    logs_reset();
    ck_assert_int_eq(SSL_extension_supported(TLSEXT_TYPE_server_name), 1);
    ck_assert_int_eq(SSL_extension_supported(EXT_EE), 0);
    ck_assert_int_eq(SSL_CTX_add_custom_ext(sctx, TLSEXT_TYPE_server_name, SSL_EXT_CLIENT_HELLO,
                                            pair_ext_add_cb, NULL, &s_log, pair_ext_parse_cb,
                                            &s_log),
                     0);
    ck_assert_int_eq(SSL_CTX_add_custom_ext(sctx, EXT_EE, SSL_EXT_CLIENT_HELLO, pair_ext_add_cb,
                                            NULL, &s_log, pair_ext_parse_cb, &s_log),
                     1);
    ck_assert_int_eq(SSL_CTX_add_custom_ext(sctx, EXT_EE, SSL_EXT_CLIENT_HELLO, pair_ext_add_cb,
                                            NULL, &s_log, pair_ext_parse_cb, &s_log),
                     0);
    /* (The new form registers for both roles: "has client ext" is true on
     * a server context too.) */
    ck_assert_int_eq(SSL_CTX_has_client_custom_ext(sctx, EXT_EE), 1);
    ck_assert_int_eq(SSL_CTX_has_client_custom_ext(sctx, EXT_INFO), 0);
    ck_assert_int_eq(SSL_CTX_add_custom_ext(cctx, EXT_EE, SSL_EXT_CLIENT_HELLO, pair_ext_add_cb,
                                            NULL, &c_log, pair_ext_parse_cb, &c_log),
                     1);
    ck_assert_int_eq(SSL_CTX_has_client_custom_ext(cctx, EXT_EE), 1);
    ERR_clear_error();
}
END_TEST

/* ---- serverinfo ---- */

/* One serverinfo V2 block: context<4>, type<2>, data<2>. */
static size_t make_serverinfo_v2(unsigned char *out, unsigned context, unsigned type,
                                 const char *data)
{
    size_t n = strlen(data);
    out[0] = (unsigned char)(context >> 24);
    out[1] = (unsigned char)(context >> 16);
    out[2] = (unsigned char)(context >> 8);
    out[3] = (unsigned char)context;
    out[4] = (unsigned char)(type >> 8);
    out[5] = (unsigned char)type;
    out[6] = (unsigned char)(n >> 8);
    out[7] = (unsigned char)n;
    memcpy(out + 8, data, n);
    return 8 + n;
}

/* The client asks for the type with an empty body (serverinfo's own parse
 * callback refuses anything else) and records what comes back. */
static void client_asks(unsigned type, unsigned context)
{
    c_log.payload = "";
    ck_assert_int_eq(SSL_CTX_add_custom_ext(cctx, type, context, pair_ext_add_cb, NULL, &c_log,
                                            pair_ext_parse_cb, &c_log),
                     1);
}

static const unsigned info_contexts[] = {
    SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS,
    SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE,
};

START_TEST(serverinfo_v2_contexts)
{
    logs_reset();
    unsigned char info[64];
    size_t n = make_serverinfo_v2(info, info_contexts[_i], EXT_INFO, "stapled info");
    ck_assert_int_eq(SSL_CTX_use_serverinfo_ex(sctx, SSL_SERVERINFOV2, info, n), 1);
    client_asks(EXT_INFO, info_contexts[_i]);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(c_log.parse_calls, 1);
    ck_assert_uint_eq(c_log.parse_contexts, info_contexts[_i] & ~(unsigned)SSL_EXT_CLIENT_HELLO);
    last_is(&c_log, "stapled info");
}
END_TEST

/* Not asked for, not sent. */
START_TEST(serverinfo_not_asked)
{
    logs_reset();
    unsigned char info[64];
    size_t n = make_serverinfo_v2(info, info_contexts[0], EXT_INFO, "stapled info");
    ck_assert_int_eq(SSL_CTX_use_serverinfo_ex(sctx, SSL_SERVERINFOV2, info, n), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert(!pair_msg_ext(pair_hs_msg(&p->s, 1, SSL3_MT_ENCRYPTED_EXTENSIONS, 0),
                            SSL3_MT_ENCRYPTED_EXTENSIONS, EXT_INFO, NULL, NULL));
}
END_TEST

/* Serverinfo belongs to the certificate loaded before it: when another
 * certificate is chosen, nothing is sent. */
START_TEST(serverinfo_per_certificate)
{
    logs_reset();
    unsigned char info[64];
    size_t n = make_serverinfo_v2(info, info_contexts[0], EXT_INFO, "for the ECDSA key");
    ck_assert_int_eq(SSL_CTX_use_serverinfo_ex(sctx, SSL_SERVERINFOV2, info, n), 1);
    pair_ctx_use(sctx, "server-ed25519");
    client_asks(EXT_INFO, info_contexts[0]);
    ck_assert_int_eq(SSL_CTX_set1_sigalgs_list(cctx, _i ? "ed25519" : "ECDSA+SHA256"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(c_log.parse_calls, _i ? 0 : 1);
    if (!_i)
        last_is(&c_log, "for the ECDSA key");
}
END_TEST

/* The V1 form is a TLS 1.2 ServerHello extension: under TLS 1.3 nothing. */
START_TEST(serverinfo_v1_under_tls13)
{
    logs_reset();
    static const unsigned char v1[] = {0x03, 0xea, 0x00, 0x02, 'v', '1'}; /* type 1002 */
    ck_assert_int_eq(SSL_CTX_use_serverinfo(sctx, v1, sizeof(v1)), 1);
    client_asks(EXT_INFO, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(c_log.parse_calls, 0);
}
END_TEST

/* A PEM file of "SERVERINFOV2 FOR" blocks. */
START_TEST(serverinfo_file)
{
    logs_reset();
    unsigned char info[64];
    size_t n = make_serverinfo_v2(info, info_contexts[0], EXT_INFO, "from a file");
    char path[] = "/tmp/shimssl-serverinfo-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_int_gt(PEM_write(f, "SERVERINFOV2 FOR test", "", info, (long)n), 0);
    fclose(f);
    int r = SSL_CTX_use_serverinfo_file(sctx, path);
    unlink(path);
    ck_assert_int_eq(r, 1);
    client_asks(EXT_INFO, info_contexts[0]);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(c_log.parse_calls, 1);
    last_is(&c_log, "from a file");
}
END_TEST

/* Malformed serverinfo is refused when loaded. */
START_TEST(serverinfo_malformed)
{
    static const unsigned char bad[] = {0x00, 0x00, 0x04, 0x80, 0x03, 0xea, 0x00, 0x09, 'x'};
    ERR_clear_error();
    ck_assert_int_eq(SSL_CTX_use_serverinfo_ex(sctx, SSL_SERVERINFOV2, bad, sizeof(bad)), 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), SSL_R_INVALID_SERVERINFO_DATA);
    ERR_clear_error();
}
END_TEST

Suite *pair_suite(void)
{
    Suite *s = suite_create("pair-extensions");
    TCase *tc = pair_tcase("custom");
    tcase_add_test(tc, client_hello_and_encrypted_extensions);
    tcase_add_test(tc, certificate_entries);
    tcase_add_test(tc, not_sent_unless_offered);
    tcase_add_test(tc, server_declines);
    tcase_add_test(tc, server_parse_fails);
    tcase_add_test(tc, server_add_fails);
    tcase_add_test(tc, legacy_forms_under_tls13);
    tcase_add_test(tc, registration);
    suite_add_tcase(s, tc);

    tc = pair_tcase("serverinfo");
    tcase_add_loop_test(tc, serverinfo_v2_contexts, 0, 2);
    tcase_add_test(tc, serverinfo_not_asked);
    tcase_add_loop_test(tc, serverinfo_per_certificate, 0, 2);
    tcase_add_test(tc, serverinfo_v1_under_tls13);
    tcase_add_test(tc, serverinfo_file);
    tcase_add_test(tc, serverinfo_malformed);
    suite_add_tcase(s, tc);
    return s;
}
