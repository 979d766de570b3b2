/*
 * shimssl pair suite: custom extensions beyond the TLS 1.3 basics of
 * pair_extensions.c (issue 14).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * TLS 1.2 (the ServerHello context, the legacy forms, nothing on
 * resumption), the order extensions are written in, HelloRetryRequest,
 * CertificateRequest answered in the client's Certificate, answers the
 * client did not ask for, a context a peer may not use, client-side add and
 * parse failures, registration rules, the ClientHello accessors and the
 * debug callback, a servername callback switching contexts, a custom
 * signed_certificate_timestamp, and serverinfo under TLS 1.2 and its loading
 * rules.  Built against stock too (pair-stock-custom_ext), so every
 * expectation here is stock 3.0's.
 */
#include "pair.h"
#include "pair_ext_log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#define EXT_A 1000
#define EXT_B 1001
#define EXT_C 1002

static struct pair_ext_log cl, sl, cl2, sl2;

static void reset(void)
{
    pair_ext_log_reset(&cl, "from client");
    pair_ext_log_reset(&sl, "from server");
    pair_ext_log_reset(&cl2, "client B");
    pair_ext_log_reset(&sl2, "server B");
}

static void reg(SSL_CTX *ctx, unsigned type, unsigned context, struct pair_ext_log *l)
{
    ck_assert_int_eq(SSL_CTX_add_custom_ext(ctx, type, context, pair_ext_add_cb, pair_ext_free_cb,
                                            l, pair_ext_parse_cb, l),
                     1);
}

static void last_is(const struct pair_ext_log *l, const char *s)
{
    ck_assert_uint_eq(l->last_len, strlen(s));
    ck_assert_mem_eq(l->last, s, l->last_len);
}

/* Where a message's extension block starts (the data includes the 4-byte
 * handshake header), for the messages looked at here. */
static size_t ext_block(const struct pair_msg *m, int hs_type)
{
    const unsigned char *d = m->data;
    size_t at = 4;
    if (hs_type == SSL3_MT_ENCRYPTED_EXTENSIONS)
        return at;
    at += 2 + 32;
    if (at >= m->len)
        return 0;
    at += 1 + d[at];
    if (hs_type == SSL3_MT_SERVER_HELLO)
        return at + 3;
    if (at + 2 > m->len)
        return 0;
    at += 2 + ((size_t)d[at] << 8 | d[at + 1]);
    if (at >= m->len)
        return 0;
    return at + 1 + d[at];
}

/* The position of an extension in a message's block, or -1. */
static int ext_pos(const struct pair_msg *m, int hs_type, unsigned type)
{
    ck_assert_ptr_nonnull(m);
    size_t at = ext_block(m, hs_type);
    ck_assert_uint_gt(at, 0);
    ck_assert_uint_le(at + 2, m->len);
    size_t end = at + 2 + ((size_t)m->data[at] << 8 | m->data[at + 1]);
    ck_assert_uint_le(end, m->len);
    at += 2;
    for (int n = 0; at + 4 <= end; n++) {
        unsigned t = (unsigned)m->data[at] << 8 | m->data[at + 1];
        if (t == type)
            return n;
        at += 4 + ((size_t)m->data[at + 2] << 8 | m->data[at + 3]);
    }
    return -1;
}

/* ---- TLS 1.2 ---- */

/* The new form with the TLS 1.2 ServerHello context. */
START_TEST(tls12_server_hello)
{
    reset();
    pair_ctx_version(cctx, TLS1_2_VERSION);
    reg(cctx, EXT_A, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO, &cl);
    reg(sctx, EXT_A, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO, &sl);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(cl.add_calls, 1);
    ck_assert_uint_eq(cl.add_contexts, SSL_EXT_CLIENT_HELLO);
    ck_assert_int_eq(sl.parse_calls, 1);
    last_is(&sl, "from client");
    ck_assert_int_eq(sl.add_calls, 1);
    ck_assert_uint_eq(sl.add_contexts, SSL_EXT_TLS1_2_SERVER_HELLO);
    ck_assert_int_eq(cl.parse_calls, 1);
    ck_assert_uint_eq(cl.parse_contexts, SSL_EXT_TLS1_2_SERVER_HELLO);
    last_is(&cl, "from server");
    /* First in the ServerHello, as custom extensions are written first. */
    ck_assert_int_eq(
        ext_pos(pair_hs_msg(&p->s, 1, SSL3_MT_SERVER_HELLO, 0), SSL3_MT_SERVER_HELLO, EXT_A), 0);
}
END_TEST

/* The legacy forms, where they belong. */
static int lg_c_add, lg_c_parse, lg_s_add, lg_s_parse, lg_c_free, lg_s_free;
static unsigned char lg_seen[16];
static size_t lg_seen_len;

static int lg_add(SSL *s, unsigned int ext_type, const unsigned char **out, size_t *outlen, int *al,
                  void *arg)
{
    (void)s;
    (void)ext_type;
    (void)al;
    ++*(int *)arg;
    *out = (const unsigned char *)(arg == &lg_c_add ? "old-c" : "old-s");
    *outlen = 5;
    return 1;
}

static void lg_free(SSL *s, unsigned int ext_type, const unsigned char *out, void *arg)
{
    (void)s;
    (void)ext_type;
    (void)out;
    if (arg == &lg_c_add)
        lg_c_free++;
    else
        lg_s_free++;
}

static int lg_parse(SSL *s, unsigned int ext_type, const unsigned char *in, size_t inlen, int *al,
                    void *arg)
{
    (void)s;
    (void)ext_type;
    (void)al;
    ++*(int *)arg;
    lg_seen_len = inlen < sizeof(lg_seen) ? inlen : sizeof(lg_seen);
    memcpy(lg_seen, in, lg_seen_len);
    return 1;
}

static void legacy_reset(void)
{
    lg_c_add = lg_c_parse = lg_s_add = lg_s_parse = lg_c_free = lg_s_free = 0;
    lg_seen_len = 0;
    ck_assert_int_eq(SSL_CTX_add_client_custom_ext(cctx, EXT_A, lg_add, lg_free, &lg_c_add,
                                                   lg_parse, &lg_c_parse),
                     1);
    ck_assert_int_eq(SSL_CTX_add_server_custom_ext(sctx, EXT_A, lg_add, lg_free, &lg_s_add,
                                                   lg_parse, &lg_s_parse),
                     1);
}

START_TEST(tls12_legacy_forms)
{
    pair_ctx_version(cctx, TLS1_2_VERSION);
    legacy_reset();
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(lg_c_add, 1);
    ck_assert_int_eq(lg_c_free, 1);
    ck_assert_int_eq(lg_s_parse, 1);
    ck_assert_int_eq(lg_s_add, 1);
    ck_assert_int_eq(lg_s_free, 1);
    ck_assert_int_eq(lg_c_parse, 1);
    ck_assert_uint_eq(lg_seen_len, 5);
    ck_assert_mem_eq(lg_seen, "old-s", 5);
}
END_TEST

/* On resumption the legacy forms are not parsed by the server nor answered;
 * the client still offers. */
START_TEST(tls12_legacy_not_on_resumption)
{
    pair_ctx_version(cctx, TLS1_2_VERSION);
    legacy_reset();
    if (_i)
        SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    SSL_SESSION *sess = pair_keep_session(SSL_get1_session(p->c.ssl));
    lg_c_add = lg_c_parse = lg_s_add = lg_s_parse = 0;
    struct pair *q = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_session(q->c.ssl, sess), 1);
    pair_connect(q);
    ck_assert_int_eq(SSL_session_reused(q->c.ssl), 1);
    ck_assert_int_eq(lg_c_add, 1);
    ck_assert_int_eq(lg_s_parse, 0);
    ck_assert_int_eq(lg_s_add, 0);
    ck_assert_int_eq(lg_c_parse, 0);
}
END_TEST

/* ---- order ---- */

static int alpn_select(SSL *s, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    (void)s;
    (void)arg;
    ck_assert_uint_ge(inlen, 3);
    *out = in + 1;
    *outlen = in[0];
    return SSL_TLSEXT_ERR_OK;
}

/* Custom extensions come first, in the order registered, in the ClientHello
 * and in EncryptedExtensions. */
START_TEST(written_first_in_registration_order)
{
    reset();
    unsigned ctx = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS;
    reg(cctx, EXT_B, ctx, &cl2);
    reg(cctx, EXT_A, ctx, &cl);
    reg(sctx, EXT_A, ctx, &sl);
    reg(sctx, EXT_B, ctx, &sl2);
    /* Something built-in in EncryptedExtensions too. */
    static const unsigned char alpn[] = {2, 'h', '2'};
    ck_assert_int_eq(SSL_CTX_set_alpn_protos(cctx, alpn, sizeof(alpn)), 0);
    SSL_CTX_set_alpn_select_cb(sctx, alpn_select, NULL);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    const struct pair_msg *ch = pair_hs_msg(&p->c, 1, SSL3_MT_CLIENT_HELLO, 0);
    ck_assert_int_eq(ext_pos(ch, SSL3_MT_CLIENT_HELLO, EXT_B), 0);
    ck_assert_int_eq(ext_pos(ch, SSL3_MT_CLIENT_HELLO, EXT_A), 1);
    const struct pair_msg *ee = pair_hs_msg(&p->s, 1, SSL3_MT_ENCRYPTED_EXTENSIONS, 0);
    ck_assert_int_eq(ext_pos(ee, SSL3_MT_ENCRYPTED_EXTENSIONS, EXT_A), 0);
    ck_assert_int_eq(ext_pos(ee, SSL3_MT_ENCRYPTED_EXTENSIONS, EXT_B), 1);
    ck_assert_int_eq(ext_pos(ee, SSL3_MT_ENCRYPTED_EXTENSIONS,
                             TLSEXT_TYPE_application_layer_protocol_negotiation),
                     2);
    last_is(&cl, "from server");
    last_is(&cl2, "server B");
}
END_TEST

/* Without an add callback: an empty extension in the ClientHello, nothing
 * from the server. */
START_TEST(no_add_callback)
{
    reset();
    unsigned ctx = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS;
    ck_assert_int_eq(
        SSL_CTX_add_custom_ext(cctx, EXT_A, ctx, NULL, NULL, NULL, pair_ext_parse_cb, &cl), 1);
    ck_assert_int_eq(
        SSL_CTX_add_custom_ext(sctx, EXT_A, ctx, NULL, NULL, NULL, pair_ext_parse_cb, &sl), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(sl.parse_calls, 1);
    ck_assert_uint_eq(sl.last_len, 0);
    ck_assert_int_eq(cl.parse_calls, 0);
    ck_assert_int_eq(ext_pos(pair_hs_msg(&p->s, 1, SSL3_MT_ENCRYPTED_EXTENSIONS, 0),
                             SSL3_MT_ENCRYPTED_EXTENSIONS, EXT_A),
                     -1);
}
END_TEST

/* ---- TLS 1.3 messages ---- */

/* A HelloRetryRequest may carry one; the client offers it in both
 * ClientHellos and the server parses both. */
START_TEST(hello_retry_request)
{
    reset();
    unsigned ctx = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST;
    reg(cctx, EXT_A, ctx, &cl);
    reg(sctx, EXT_A, ctx, &sl);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-256"), 1);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, "X25519:P-256"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(cl.add_calls, 2);
    ck_assert_int_eq(sl.parse_calls, 2);
    ck_assert_int_eq(sl.add_calls, 1);
    ck_assert_uint_eq(sl.add_contexts, SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST);
    ck_assert_int_eq(cl.parse_calls, 1);
    ck_assert_uint_eq(cl.parse_contexts, SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST);
    last_is(&cl, "from server");
}
END_TEST

/* The legacy forms are TLS 1.2 extensions, yet a client offers them in both
 * ClientHellos around a HelloRetryRequest (no version is chosen before the
 * second); a TLS 1.3 server ignores them each time. */
START_TEST(legacy_after_hello_retry_request)
{
    legacy_reset();
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-256"), 1);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, "X25519:P-256"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(pair_hs_count(&p->c, 1, SSL3_MT_CLIENT_HELLO), 2);
    ck_assert_int_eq(lg_c_add, 2);
    ck_assert_int_eq(lg_s_parse, 0);
    ck_assert_int_eq(lg_s_add, 0);
    ck_assert(pair_msg_ext(pair_hs_msg(&p->c, 1, SSL3_MT_CLIENT_HELLO, 0), SSL3_MT_CLIENT_HELLO,
                           EXT_A, NULL, NULL));
    ck_assert(pair_msg_ext(pair_hs_msg(&p->c, 1, SSL3_MT_CLIENT_HELLO, 1), SSL3_MT_CLIENT_HELLO,
                           EXT_A, NULL, NULL));
}
END_TEST

/* A NewSessionTicket carries one unasked; the client parses it with each
 * ticket. */
START_TEST(new_session_ticket)
{
    reset();
    reg(cctx, EXT_A, SSL_EXT_TLS1_3_NEW_SESSION_TICKET, &cl);
    reg(sctx, EXT_A, SSL_EXT_TLS1_3_NEW_SESSION_TICKET, &sl);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    pair_pump(p);
    ck_assert_int_eq(cl.add_calls, 0);
    ck_assert_int_eq(sl.add_calls, 2);
    ck_assert_uint_eq(sl.add_contexts, SSL_EXT_TLS1_3_NEW_SESSION_TICKET);
    ck_assert_int_eq(cl.parse_calls, 2);
    ck_assert_uint_eq(cl.parse_contexts, SSL_EXT_TLS1_3_NEW_SESSION_TICKET);
    last_is(&cl, "from server");
}
END_TEST

/* The server's CertificateRequest asks, the client's Certificate answers on
 * its certificates' entries, each add call with its certificate. */
START_TEST(certificate_request_and_client_certificate)
{
    reset();
    unsigned ctx = SSL_EXT_TLS1_3_CERTIFICATE_REQUEST | SSL_EXT_TLS1_3_CERTIFICATE;
    reg(cctx, EXT_A, ctx, &cl);
    reg(sctx, EXT_A, ctx, &sl);
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    ck_assert_int_eq(SSL_CTX_load_verify_locations(sctx, pair_file("ca.pem"), NULL), 1);
    pair_ctx_use(cctx, "client-ec");
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    /* The server asks in its CertificateRequest (unasked: no answer is
     * needed) and writes nothing in its own Certificate (not received). */
    ck_assert_uint_eq(sl.add_contexts, SSL_EXT_TLS1_3_CERTIFICATE_REQUEST);
    ck_assert_int_eq(sl.add_calls, 1);
    ck_assert_int_eq(cl.parse_calls, 1);
    ck_assert_uint_eq(cl.parse_contexts, SSL_EXT_TLS1_3_CERTIFICATE_REQUEST);
    last_is(&cl, "from server");
    /* The client's chain is its leaf and the CA (stock's automatic chain). */
    ck_assert_int_eq(cl.add_calls, 2);
    ck_assert_uint_eq(cl.add_contexts, SSL_EXT_TLS1_3_CERTIFICATE);
    ck_assert_int_eq(cl.add_with_cert, 2);
    ck_assert_uint_eq(cl.add_chainidx_max, 1);
    ck_assert_int_eq(sl.parse_calls, 2);
    ck_assert_uint_eq(sl.parse_contexts, SSL_EXT_TLS1_3_CERTIFICATE);
    ck_assert_int_eq(sl.parse_with_cert, 2);
    ck_assert_uint_eq(sl.parse_chainidx_max, 1);
    last_is(&sl, "from client");
}
END_TEST

/* ---- refusals ---- */

/* A client's extension in a message its registration does not allow:
 * illegal_parameter, bad extension. */
START_TEST(context_not_allowed)
{
    reset();
    ck_assert_int_eq(SSL_CTX_add_client_custom_ext(cctx, EXT_A, NULL, NULL, NULL, NULL, NULL), 1);
    reg(sctx, EXT_A, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS, &sl);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(sl.parse_calls, 1);
    ck_assert_int_eq(sl.add_calls, 1);
    ck_assert_int_eq(p->c.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_BAD_EXTENSION);
    ck_assert_int_eq(p->c.alert_sent, 0x0200 | SSL_AD_ILLEGAL_PARAMETER);
}
END_TEST

/* A relay adds an (empty) extension to the ClientHello the client did not
 * send: the server answers it in its ServerHello, and the client, which
 * never asked, refuses with unsupported_extension. */
static size_t add_to_client_hello(struct pair *p, int from_client, unsigned char **rec, size_t len,
                                  void *arg)
{
    (void)p;
    (void)arg;
    unsigned char *r = *rec;
    if (!from_client || len < 9 || r[0] != SSL3_RT_HANDSHAKE || r[5] != SSL3_MT_CLIENT_HELLO)
        return len;
    size_t at = 9 + 2 + 32;
    at += 1 + r[at];
    at += 2 + ((size_t)r[at] << 8 | r[at + 1]);
    at += 1 + r[at];
    ck_assert_uint_le(at + 2, len);
    unsigned char *n = realloc(r, len + 4);
    ck_assert_ptr_nonnull(n);
    n[len] = EXT_A >> 8;
    n[len + 1] = EXT_A & 0xff;
    n[len + 2] = n[len + 3] = 0;
    size_t rl = ((size_t)n[3] << 8 | n[4]) + 4, hl = ((size_t)n[7] << 8 | n[8]) + 4,
           el = ((size_t)n[at] << 8 | n[at + 1]) + 4;
    n[3] = (unsigned char)(rl >> 8), n[4] = (unsigned char)rl;
    n[7] = (unsigned char)(hl >> 8), n[8] = (unsigned char)hl;
    n[at] = (unsigned char)(el >> 8), n[at + 1] = (unsigned char)el;
    *rec = n;
    return len + 4;
}

static const int unasked_versions[] = {TLS1_2_VERSION, TLS1_3_VERSION};

START_TEST(unasked_answer_refused)
{
    reset();
    unsigned ctx = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO;
    cl.add_result = 0;
    reg(cctx, EXT_A, ctx, &cl);
    reg(sctx, EXT_A, ctx, &sl);
    pair_ctx_version(cctx, unasked_versions[_i]);
    struct pair *p = pair_keep(pair_new_relay(cctx, sctx, 0, add_to_client_hello, NULL));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(cl.add_calls, 1);
    ck_assert_int_eq(sl.parse_calls, 1);
    ck_assert_int_eq(sl.add_calls, 1);
    ck_assert_int_eq(cl.parse_calls, 0);
    ck_assert_int_eq(p->c.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_BAD_EXTENSION);
    ck_assert_int_eq(p->c.alert_sent, 0x0200 | SSL_AD_UNSUPPORTED_EXTENSION);
}
END_TEST

/* The client's own callbacks fail: its add callback in the ClientHello, its
 * parse callback on EncryptedExtensions. */
START_TEST(client_add_fails)
{
    reset();
    cl.add_result = -1;
    cl.alert = SSL_AD_HANDSHAKE_FAILURE;
    reg(cctx, EXT_A, SSL_EXT_CLIENT_HELLO, &cl);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->c.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_CALLBACK_FAILED);
    ck_assert_int_eq(cl.free_calls, 0);
}
END_TEST

START_TEST(client_parse_fails)
{
    reset();
    cl.parse_result = 0;
    cl.alert = SSL_AD_DECODE_ERROR;
    unsigned ctx = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS;
    reg(cctx, EXT_A, ctx, &cl);
    reg(sctx, EXT_A, ctx, &sl);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->c.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_BAD_EXTENSION);
    ck_assert_int_eq(p->c.alert_sent, 0x0200 | SSL_AD_DECODE_ERROR);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_TLSV1_ALERT_DECODE_ERROR);
}
END_TEST

/* ---- registration ---- */

START_TEST(registration_rules)
{
    reset();
    /* A free callback without an add callback would never run. */
    ck_assert_int_eq(SSL_CTX_add_custom_ext(sctx, EXT_A, SSL_EXT_CLIENT_HELLO, NULL,
                                            pair_ext_free_cb, &sl, NULL, NULL),
                     0);
    /* ... the legacy forms take it (their callbacks are wrapped). */
    ck_assert_int_eq(SSL_CTX_add_server_custom_ext(sctx, EXT_C, NULL, lg_free, NULL, NULL, NULL),
                     1);
    ck_assert_int_eq(SSL_CTX_add_custom_ext(sctx, 0x10000 + EXT_A, SSL_EXT_CLIENT_HELLO, NULL, NULL,
                                            NULL, NULL, NULL),
                     0);
    /* Applications may serve signed_certificate_timestamp themselves. */
    ck_assert_int_eq(SSL_CTX_add_custom_ext(sctx, TLSEXT_TYPE_signed_certificate_timestamp,
                                            SSL_EXT_CLIENT_HELLO, NULL, NULL, NULL, NULL, NULL),
                     1);
    ck_assert_int_eq(SSL_CTX_add_custom_ext(sctx, TLSEXT_TYPE_key_share, SSL_EXT_CLIENT_HELLO, NULL,
                                            NULL, NULL, NULL, NULL),
                     0);
    /* The legacy forms: one per role, and then the new form no more. */
    ck_assert_int_eq(SSL_CTX_add_client_custom_ext(cctx, EXT_A, NULL, NULL, NULL, NULL, NULL), 1);
    ck_assert_int_eq(SSL_CTX_has_client_custom_ext(cctx, EXT_A), 1);
    ck_assert_int_eq(SSL_CTX_add_client_custom_ext(cctx, EXT_A, NULL, NULL, NULL, NULL, NULL), 0);
    ck_assert_int_eq(SSL_CTX_add_server_custom_ext(cctx, EXT_A, NULL, NULL, NULL, NULL, NULL), 1);
    ck_assert_int_eq(
        SSL_CTX_add_custom_ext(cctx, EXT_A, SSL_EXT_CLIENT_HELLO, NULL, NULL, NULL, NULL, NULL), 0);
    ck_assert_int_eq(SSL_CTX_add_server_custom_ext(cctx, EXT_B, NULL, NULL, NULL, NULL, NULL), 1);
    ck_assert_int_eq(SSL_CTX_has_client_custom_ext(cctx, EXT_B), 0);
    ck_assert_int_eq(
        SSL_CTX_add_custom_ext(cctx, EXT_B, SSL_EXT_CLIENT_HELLO, NULL, NULL, NULL, NULL, NULL), 0);
    ck_assert_int_eq(SSL_extension_supported(TLSEXT_TYPE_signed_certificate_timestamp), 1);
    ck_assert_int_eq(SSL_extension_supported(EXT_A), 0);
    /* Nothing raised. */
    ck_assert_int_eq(ERR_peek_error(), 0);
}
END_TEST

/* An SSL keeps the extensions its context had when it was made. */
START_TEST(registered_after_ssl_new)
{
    reset();
    unsigned ctx = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS;
    reg(sctx, EXT_A, ctx, &sl);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    reg(cctx, EXT_A, ctx, &cl);
    pair_connect(p);
    ck_assert_int_eq(cl.add_calls, 0);
    ck_assert_int_eq(sl.parse_calls, 0);
}
END_TEST

/* ---- what the application sees ---- */

static int ch_present_a, ch_present_unknown, ch_get_a;

static int hello_cb(SSL *s, int *al, void *arg)
{
    (void)al;
    (void)arg;
    int *types;
    size_t n;
    const unsigned char *body;
    size_t body_len;
    ck_assert_int_eq(SSL_client_hello_get1_extensions_present(s, &types, &n), 1);
    for (size_t i = 0; i < n; i++) {
        ch_present_a += types[i] == EXT_A;
        ch_present_unknown += types[i] == EXT_B;
    }
    OPENSSL_free(types);
    ch_get_a = SSL_client_hello_get0_ext(s, EXT_A, &body, &body_len);
    if (ch_get_a)
        ck_assert_uint_eq(body_len, strlen("from client"));
    /* An extension not registered here is not shown. */
    ck_assert_int_eq(SSL_client_hello_get0_ext(s, EXT_B, &body, &body_len), 0);
    return SSL_CLIENT_HELLO_SUCCESS;
}

static int debug_custom, debug_unknown;

static void debug_cb(SSL *s, int client_server, int type, const unsigned char *data, int len,
                     void *arg)
{
    (void)s;
    (void)client_server;
    (void)data;
    (void)len;
    (void)arg;
    debug_custom += type == EXT_A;
    debug_unknown += type == EXT_B;
}

START_TEST(client_hello_accessors_and_debug)
{
    reset();
    ch_present_a = ch_present_unknown = ch_get_a = debug_custom = debug_unknown = 0;
    reg(cctx, EXT_A, SSL_EXT_CLIENT_HELLO, &cl);
    reg(cctx, EXT_B, SSL_EXT_CLIENT_HELLO, &cl2);
    reg(sctx, EXT_A, SSL_EXT_CLIENT_HELLO, &sl);
    SSL_CTX_set_client_hello_cb(sctx, hello_cb, NULL);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    SSL_set_tlsext_debug_callback(p->s.ssl, debug_cb);
    pair_connect(p);
    ck_assert_int_eq(ch_present_a, 1);
    ck_assert_int_eq(ch_present_unknown, 0);
    ck_assert_int_eq(ch_get_a, 1);
    ck_assert_int_eq(debug_custom, 1);
    ck_assert_int_eq(debug_unknown, 0);
}
END_TEST

/* A servername callback moves the connection to another context registering
 * the same type: that context's callbacks answer, since what the ClientHello
 * carried carries over. */
static SSL_CTX *switch_to;

static int switch_cb(SSL *s, int *al, void *arg)
{
    (void)al;
    (void)arg;
    ck_assert_ptr_eq(SSL_set_SSL_CTX(s, switch_to), switch_to);
    return SSL_TLSEXT_ERR_OK;
}

START_TEST(servername_switches_context)
{
    reset();
    unsigned ctx = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS;
    reg(cctx, EXT_A, ctx, &cl);
    reg(sctx, EXT_A, ctx, &sl);
    switch_to = pair_keep_ctx(pair_server_ctx("server-ec"));
    reg(switch_to, EXT_A, ctx, &sl2);
    SSL_CTX_set_tlsext_servername_callback(sctx, switch_cb);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_tlsext_host_name(p->c.ssl, "localhost"), 1);
    pair_connect(p);
    ck_assert_int_eq(sl.parse_calls, 1);
    ck_assert_int_eq(sl.add_calls, 0);
    ck_assert_int_eq(sl2.parse_calls, 0);
    ck_assert_int_eq(sl2.add_calls, 1);
    last_is(&cl, "server B");
}
END_TEST

/* signed_certificate_timestamp served by a custom extension on the leaf,
 * read by a client's custom extension. */
START_TEST(custom_sct)
{
    reset();
    unsigned ctx = SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE;
    cl.payload = "";
    reg(cctx, TLSEXT_TYPE_signed_certificate_timestamp, ctx, &cl);
    reg(sctx, TLSEXT_TYPE_signed_certificate_timestamp, ctx, &sl);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(sl.parse_calls, 1);
    ck_assert_int_eq(sl.add_calls, 1);
    ck_assert_int_eq(cl.parse_calls, 1);
    ck_assert_uint_eq(cl.parse_contexts, SSL_EXT_TLS1_3_CERTIFICATE);
    ck_assert_int_eq(cl.parse_with_cert, 1);
    last_is(&cl, "from server");
}
END_TEST

/* ---- serverinfo ---- */

/* V1 data answers a TLS 1.2 client that asks with an empty extension, in
 * its ServerHello. */
START_TEST(serverinfo_v1_tls12)
{
    reset();
    static const unsigned char v1[] = {EXT_C >> 8, EXT_C & 0xff, 0x00, 0x03, 'o', 'l', 'd'};
    ck_assert_int_eq(SSL_CTX_use_serverinfo(sctx, v1, sizeof(v1)), 1);
    pair_ctx_version(cctx, TLS1_2_VERSION);
    cl.payload = "";
    reg(cctx, EXT_C, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO, &cl);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(cl.parse_calls, 1);
    ck_assert_uint_eq(cl.parse_contexts, SSL_EXT_TLS1_2_SERVER_HELLO);
    last_is(&cl, "old");
}
END_TEST

/* A client asking with a non-empty extension is refused: decode_error. */
START_TEST(serverinfo_request_not_empty)
{
    reset();
    static const unsigned char v2[] = {0x00, 0x00, 0x04, 0x80, EXT_C >> 8, EXT_C & 0xff, 0, 1, 'x'};
    ck_assert_int_eq(SSL_CTX_use_serverinfo_ex(sctx, SSL_SERVERINFOV2, v2, sizeof(v2)), 1);
    reg(cctx, EXT_C, SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS, &cl);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_BAD_EXTENSION);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_DECODE_ERROR);
}
END_TEST

static void expect_fail(int r, int reason)
{
    ck_assert_int_eq(r, 0);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_last_error()), reason);
    ERR_clear_error();
}

/* Loading: what is refused, and stock's quirks. */
START_TEST(serverinfo_loading)
{
    static const unsigned char v2[] = {0x00, 0x00, 0x04, 0x80, EXT_C >> 8, EXT_C & 0xff, 0, 1, 'x'};
    static const unsigned char v1_two[] = {0x03, 0xea, 0, 1, 'x', 0x03, 0xeb, 0, 1, 'y'};
    static const unsigned char v1_one[] = {0x03, 0xec, 0, 1, 'x'};
    ERR_clear_error();
    ck_assert_int_eq(SSL_CTX_use_serverinfo_ex(sctx, SSL_SERVERINFOV2, v2, sizeof(v2)), 1);
    /* The same type again (as for a second certificate): refused. */
    expect_fail(SSL_CTX_use_serverinfo_ex(sctx, SSL_SERVERINFOV2, v2, sizeof(v2)),
                SSL_R_INVALID_SERVERINFO_DATA);
    /* V1 data gets one context in front of all of it. */
    expect_fail(SSL_CTX_use_serverinfo(cctx, v1_two, sizeof(v1_two)),
                SSL_R_INVALID_SERVERINFO_DATA);
    ck_assert_int_eq(SSL_CTX_use_serverinfo(cctx, v1_one, sizeof(v1_one)), 1);
    /* V1 registers the legacy server form: no client extension. */
    ck_assert_int_eq(SSL_CTX_has_client_custom_ext(cctx, 0x03ec), 0);
    ck_assert_int_eq(SSL_CTX_has_client_custom_ext(sctx, EXT_C), 1);
    expect_fail(SSL_CTX_use_serverinfo_ex(cctx, 3, v1_one, sizeof(v1_one)),
                SSL_R_INVALID_SERVERINFO_DATA);
    expect_fail(SSL_CTX_use_serverinfo_ex(cctx, SSL_SERVERINFOV2, NULL, 3),
                ERR_R_PASSED_NULL_PARAMETER);
    expect_fail(SSL_CTX_use_serverinfo_ex(cctx, SSL_SERVERINFOV2, v2, 0),
                ERR_R_PASSED_NULL_PARAMETER);
    /* Truncated V2. */
    expect_fail(SSL_CTX_use_serverinfo_ex(cctx, SSL_SERVERINFOV2, v2, sizeof(v2) - 1),
                SSL_R_INVALID_SERVERINFO_DATA);
}
END_TEST

/* Files: each failure's reason. */
static int load_file(const char *pem_name, const unsigned char *data, long len)
{
    char path[] = "/tmp/shimssl-serverinfo-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    if (pem_name != NULL)
        ck_assert_int_gt(PEM_write(f, pem_name, "", data, len), 0);
    fclose(f);
    ERR_clear_error();
    int r = SSL_CTX_use_serverinfo_file(sctx, path);
    unlink(path);
    return r;
}

START_TEST(serverinfo_files)
{
    static const unsigned char v1[] = {0x03, 0xec, 0, 1, 'x'};
    static const unsigned char v1_bad[] = {0x03, 0xec, 0, 2, 'x'};
    expect_fail(load_file(NULL, NULL, 0), SSL_R_NO_PEM_EXTENSIONS);
    expect_fail(load_file("SERVERINFO", v1, sizeof(v1)), SSL_R_PEM_NAME_TOO_SHORT);
    /* Not V1's prefix, and shorter than V2's. */
    expect_fail(load_file("SERVERINFO FOX x", v1, sizeof(v1)), SSL_R_PEM_NAME_TOO_SHORT);
    expect_fail(load_file("SERVERINFO FOXES x", v1, sizeof(v1)), SSL_R_PEM_NAME_BAD_PREFIX);
    expect_fail(load_file("SERVERINFO FOR x", v1_bad, sizeof(v1_bad)), SSL_R_BAD_DATA);
    expect_fail(load_file("SERVERINFOV2 FOR x", v1, sizeof(v1)), SSL_R_BAD_DATA);
    ck_assert_int_eq(load_file("SERVERINFO FOR x", v1, sizeof(v1)), 1);
    /* PEM's "no start line" from the end of the file stays queued. */
    ck_assert_int_eq(ERR_GET_LIB(ERR_peek_error()), ERR_LIB_PEM);
    ck_assert_int_eq(ERR_GET_REASON(ERR_peek_error()), PEM_R_NO_START_LINE);
    ERR_clear_error();
    expect_fail(SSL_CTX_use_serverinfo_file(sctx, "/nonexistent/serverinfo"), ERR_R_SYS_LIB);
}
END_TEST

Suite *pair_suite(void)
{
    Suite *s = suite_create("pair-custom_ext");
    TCase *tc = pair_tcase("tls12");
    tcase_add_test(tc, tls12_server_hello);
    tcase_add_test(tc, tls12_legacy_forms);
    tcase_add_loop_test(tc, tls12_legacy_not_on_resumption, 0, 2);
    suite_add_tcase(s, tc);

    tc = pair_tcase("messages");
    tcase_add_test(tc, written_first_in_registration_order);
    tcase_add_test(tc, no_add_callback);
    tcase_add_test(tc, hello_retry_request);
    tcase_add_test(tc, legacy_after_hello_retry_request);
    tcase_add_test(tc, new_session_ticket);
    tcase_add_test(tc, certificate_request_and_client_certificate);
    tcase_add_test(tc, custom_sct);
    suite_add_tcase(s, tc);

    tc = pair_tcase("refusals");
    tcase_add_test(tc, context_not_allowed);
    tcase_add_loop_test(tc, unasked_answer_refused, 0, 2);
    tcase_add_test(tc, client_add_fails);
    tcase_add_test(tc, client_parse_fails);
    suite_add_tcase(s, tc);

    tc = pair_tcase("application");
    tcase_add_test(tc, registration_rules);
    tcase_add_test(tc, registered_after_ssl_new);
    tcase_add_test(tc, client_hello_accessors_and_debug);
    tcase_add_test(tc, servername_switches_context);
    suite_add_tcase(s, tc);

    tc = pair_tcase("serverinfo");
    tcase_add_test(tc, serverinfo_v1_tls12);
    tcase_add_test(tc, serverinfo_request_not_empty);
    tcase_add_test(tc, serverinfo_loading);
    tcase_add_test(tc, serverinfo_files);
    suite_add_tcase(s, tc);
    return s;
}
