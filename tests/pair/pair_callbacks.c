/*
 * shimssl pair suite: the callbacks a TLS 1.3 server's program uses to pick
 * its configuration (issue 14).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The servername callback (OK, NOACK, ALERT_WARNING, ALERT_FATAL;
 * SSL_set_SSL_CTX switching to another context's certificate, as nginx's
 * virtual hosts do; SSL_get_servername on the server), the ClientHello
 * callback (every SSL_client_hello_get* accessor checked against the
 * ClientHello the client wrote, a retry giving SSL_ERROR_WANT_CLIENT_HELLO_CB,
 * a refusal with its alert, a context switch as haproxy does), and the ALPN
 * select callback (RFC 7301: the selection, NOACK, no_application_protocol).
 */
#include "pair.h"

#include <string.h>

static const char DATA[] = "callbacks done";

/* ---- servername ---- */

static int sn_calls, sn_result, sn_alert;
static char sn_seen[256];
static SSL_CTX *sn_switch_to;

static int servername_cb(SSL *s, int *al, void *arg)
{
    ck_assert_ptr_eq(arg, &sn_calls);
    ck_assert_int_eq(*al, SSL_AD_UNRECOGNIZED_NAME);
    sn_calls++;
    const char *name = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    snprintf(sn_seen, sizeof(sn_seen), "%s", name != NULL ? name : "(null)");
    if (sn_switch_to != NULL)
        ck_assert_ptr_eq(SSL_set_SSL_CTX(s, sn_switch_to), sn_switch_to);
    if (sn_alert >= 0)
        *al = sn_alert;
    return sn_result;
}

static struct pair *sni_pair(int result, const char *name)
{
    sn_calls = 0;
    sn_result = result;
    sn_alert = -1;
    sn_seen[0] = '\0';
    sn_switch_to = NULL;
    SSL_CTX_set_tlsext_servername_callback(sctx, servername_cb);
    SSL_CTX_set_tlsext_servername_arg(sctx, &sn_calls);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    if (name != NULL)
        ck_assert_int_eq(SSL_set_tlsext_host_name(p->c.ssl, name), 1);
    return p;
}

static int ee_has(const struct pair_side *s, unsigned type)
{
    const struct pair_msg *ee = pair_hs_msg(s, 1, SSL3_MT_ENCRYPTED_EXTENSIONS, 0);
    ck_assert_ptr_nonnull(ee);
    return pair_msg_ext(ee, SSL3_MT_ENCRYPTED_EXTENSIONS, type, NULL, NULL);
}

START_TEST(servername_ok)
{
    struct pair *p = sni_pair(SSL_TLSEXT_ERR_OK, "localhost");
    pair_connect(p);
    ck_assert_int_eq(sn_calls, 1);
    ck_assert_str_eq(sn_seen, "localhost");
    ck_assert_str_eq(SSL_get_servername(p->s.ssl, TLSEXT_NAMETYPE_host_name), "localhost");
    ck_assert_int_eq(SSL_get_servername_type(p->s.ssl), TLSEXT_NAMETYPE_host_name);
    /* Acknowledged with an empty server_name in EncryptedExtensions. */
    ck_assert(ee_has(&p->s, 0));
    ck_assert_str_eq(SSL_SESSION_get0_hostname(SSL_get_session(p->s.ssl)), "localhost");
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
}
END_TEST

/* NOACK: the name stays readable on the connection, but is neither
 * acknowledged nor kept in the session. */
START_TEST(servername_noack)
{
    struct pair *p = sni_pair(SSL_TLSEXT_ERR_NOACK, "localhost");
    pair_connect(p);
    ck_assert_int_eq(sn_calls, 1);
    ck_assert(!ee_has(&p->s, 0));
    ck_assert_str_eq(SSL_get_servername(p->s.ssl, TLSEXT_NAMETYPE_host_name), "localhost");
    ck_assert_ptr_null(SSL_SESSION_get0_hostname(SSL_get_session(p->s.ssl)));
}
END_TEST

/* ALERT_WARNING: TLS 1.3 has no warning alerts; stock sends none and goes
 * on as with NOACK. */
START_TEST(servername_alert_warning)
{
    struct pair *p = sni_pair(SSL_TLSEXT_ERR_ALERT_WARNING, "localhost");
    pair_connect(p);
    ck_assert_int_eq(p->s.alert_sent, -1);
    ck_assert(!ee_has(&p->s, 0));
}
END_TEST

/* ALERT_FATAL: the alert the callback chose (unrecognized_name unless it
 * changed it). */
static const int fatal_alerts[] = {-1, SSL_AD_ACCESS_DENIED};

START_TEST(servername_alert_fatal)
{
    struct pair *p = sni_pair(SSL_TLSEXT_ERR_ALERT_FATAL, "localhost");
    sn_alert = fatal_alerts[_i];
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_CALLBACK_FAILED);
    int al = _i ? SSL_AD_ACCESS_DENIED : SSL_AD_UNRECOGNIZED_NAME;
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | al);
    ck_assert_int_eq(pair_reason(&p->c),
                     _i ? SSL_R_TLSV1_ALERT_ACCESS_DENIED : SSL_R_TLSV1_UNRECOGNIZED_NAME);
}
END_TEST

/* No name from the client: the callback still runs, with no name. */
START_TEST(servername_absent)
{
    struct pair *p = sni_pair(SSL_TLSEXT_ERR_OK, NULL);
    pair_connect(p);
    ck_assert_int_eq(sn_calls, 1);
    ck_assert_str_eq(sn_seen, "(null)");
    ck_assert_ptr_null(SSL_get_servername(p->s.ssl, TLSEXT_NAMETYPE_host_name));
    ck_assert_int_eq(SSL_get_servername_type(p->s.ssl), -1);
    ck_assert(!ee_has(&p->s, 0));
}
END_TEST

/* No callback: the name is readable, not acknowledged, not in the session. */
START_TEST(servername_without_callback)
{
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_tlsext_host_name(p->c.ssl, "localhost"), 1);
    pair_connect(p);
    ck_assert_str_eq(SSL_get_servername(p->s.ssl, TLSEXT_NAMETYPE_host_name), "localhost");
    ck_assert(!ee_has(&p->s, 0));
    ck_assert_ptr_null(SSL_SESSION_get0_hostname(SSL_get_session(p->s.ssl)));
}
END_TEST

/* Virtual hosts: the callback moves the connection to another context,
 * whose certificate is then the one sent. */
START_TEST(servername_switches_context)
{
    SSL_CTX *vhost = pair_keep_ctx(pair_server_ctx("server-rsa"));
    struct pair *p = sni_pair(SSL_TLSEXT_ERR_OK, "localhost");
    sn_switch_to = vhost;
    pair_connect(p);
    ck_assert_ptr_eq(SSL_get_SSL_CTX(p->s.ssl), vhost);
    X509 *x = SSL_get1_peer_certificate(p->c.ssl);
    ck_assert_int_eq(EVP_PKEY_get_base_id(X509_get0_pubkey(x)), EVP_PKEY_RSA);
    X509_free(x);
    ck_assert_int_eq(SSL_get_verify_result(p->c.ssl), X509_V_OK);
    ck_assert(pair_send(p, &p->s, DATA, sizeof(DATA)));
}
END_TEST

/* ---- ClientHello callback ---- */

static int ch_calls, ch_retries, ch_result, ch_alert;
static SSL_CTX *ch_switch_to;
static unsigned ch_legacy_version;
static int ch_isv2;
static unsigned char ch_random[32], *ch_ciphers, ch_compression[8], *ch_sni;
static size_t ch_random_len, ch_session_id_len, ch_ciphers_len, ch_compression_len, ch_sni_len;
static int *ch_exts, ch_has_unknown, ch_sv_has_tls13;
static size_t ch_n_exts;
static char ch_servername_seen[64];

static int client_hello_cb(SSL *s, int *al, void *arg)
{
    ck_assert_ptr_eq(arg, &ch_calls);
    ch_calls++;
    if (ch_retries > 0) {
        ch_retries--;
        return SSL_CLIENT_HELLO_RETRY;
    }
    const unsigned char *b;
    size_t l;
    ch_isv2 = SSL_client_hello_isv2(s);
    ch_legacy_version = SSL_client_hello_get0_legacy_version(s);
    ch_random_len = SSL_client_hello_get0_random(s, &b);
    if (ch_random_len == 32)
        memcpy(ch_random, b, 32);
    ch_session_id_len = SSL_client_hello_get0_session_id(s, &b);
    ch_ciphers_len = SSL_client_hello_get0_ciphers(s, &b);
    free(ch_ciphers);
    ch_ciphers = malloc(ch_ciphers_len + 1);
    memcpy(ch_ciphers, b, ch_ciphers_len);
    ch_compression_len = SSL_client_hello_get0_compression_methods(s, &b);
    if (ch_compression_len <= sizeof(ch_compression))
        memcpy(ch_compression, b, ch_compression_len);
    free(ch_exts);
    ch_exts = NULL;
    ck_assert_int_eq(SSL_client_hello_get1_extensions_present(s, &ch_exts, &ch_n_exts), 1);
    free(ch_sni);
    ch_sni = NULL;
    ch_sni_len = 0;
    if (SSL_client_hello_get0_ext(s, TLSEXT_TYPE_server_name, &b, &l)) {
        ch_sni = malloc(l + 1);
        memcpy(ch_sni, b, l);
        ch_sni_len = l;
    }
    ch_has_unknown = SSL_client_hello_get0_ext(s, 0x7a7a, &b, &l);
    ch_sv_has_tls13 = 0;
    if (SSL_client_hello_get0_ext(s, TLSEXT_TYPE_supported_versions, &b, &l) && l >= 1)
        for (size_t i = 1; i + 1 < l + 1 && i + 1 <= b[0]; i += 2)
            if (b[i] == 0x03 && b[i + 1] == 0x04)
                ch_sv_has_tls13 = 1;
    const char *sn = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    snprintf(ch_servername_seen, sizeof(ch_servername_seen), "%s", sn ? sn : "(null)");
    if (ch_switch_to != NULL)
        ck_assert_ptr_eq(SSL_set_SSL_CTX(s, ch_switch_to), ch_switch_to);
    if (ch_result == SSL_CLIENT_HELLO_ERROR)
        *al = ch_alert;
    return ch_result;
}

static void ch_reset(int retries, int result)
{
    ch_calls = 0;
    ch_retries = retries;
    ch_result = result;
    ch_alert = 0;
    ch_switch_to = NULL;
    SSL_CTX_set_client_hello_cb(sctx, client_hello_cb, &ch_calls);
}

static void ch_free(void)
{
    free(ch_ciphers);
    free(ch_exts);
    free(ch_sni);
    ch_ciphers = ch_sni = NULL;
    ch_exts = NULL;
}

/* Every accessor, against the ClientHello as the client wrote it. */
START_TEST(client_hello_accessors)
{
    ch_reset(0, SSL_CLIENT_HELLO_SUCCESS);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_tlsext_host_name(p->c.ssl, "localhost"), 1);
    /* (Asked before the handshake: afterwards only the TLS 1.3 ones remain.) */
    STACK_OF(SSL_CIPHER) *sk = SSL_get1_supported_ciphers(p->c.ssl);
    pair_connect(p);
    ck_assert_int_eq(ch_calls, 1);
    ck_assert_int_eq(ch_isv2, 0);
    ck_assert_uint_eq(ch_legacy_version, TLS1_2_VERSION);
    unsigned char cr[32];
    ck_assert_uint_eq(SSL_get_client_random(p->c.ssl, cr, sizeof(cr)), 32);
    ck_assert_uint_eq(ch_random_len, 32);
    ck_assert_mem_eq(ch_random, cr, 32);
    ck_assert_uint_eq(ch_session_id_len, 32);
    ck_assert_uint_eq(ch_compression_len, 1);
    ck_assert_uint_eq(ch_compression[0], 0);

    /* The cipher bytes: the client's suites in its order (what
     * SSL_get1_supported_ciphers gives for its versions), then the
     * renegotiation SCSV (RFC 5746 3.3). */
    int n = sk_SSL_CIPHER_num(sk);
    ck_assert_int_ge(n, 30); /* 3 TLS 1.3 suites, 27 of TLS 1.2 */
    ck_assert_uint_eq(ch_ciphers_len, 2 * (size_t)n + 2);
    for (int i = 0; i < n; i++) {
        unsigned id = SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(sk, i));
        ck_assert_uint_eq((unsigned)ch_ciphers[2 * i] << 8 | ch_ciphers[2 * i + 1], id);
    }
    ck_assert_uint_eq((unsigned)ch_ciphers[2 * n] << 8 | ch_ciphers[2 * n + 1], 0x00ff);
    sk_SSL_CIPHER_free(sk);

    /* The extension types, in the order of the client's own message. */
    const struct pair_msg *ch = pair_hs_msg(&p->c, 1, SSL3_MT_CLIENT_HELLO, 0);
    ck_assert_ptr_nonnull(ch);
    size_t at = 4 + 2 + 32;
    at += 1 + ch->data[at];
    at += 2 + ((size_t)ch->data[at] << 8 | ch->data[at + 1]);
    at += 1 + ch->data[at];
    size_t end = at + 2 + ((size_t)ch->data[at] << 8 | ch->data[at + 1]);
    at += 2;
    size_t k = 0;
    for (; at + 4 <= end; k++) {
        ck_assert_uint_lt(k, ch_n_exts);
        ck_assert_int_eq(ch_exts[k], ch->data[at] << 8 | ch->data[at + 1]);
        at += 4 + ((size_t)ch->data[at + 2] << 8 | ch->data[at + 3]);
    }
    ck_assert_uint_eq(k, ch_n_exts);
    ck_assert_uint_ge(k, 5);

    /* server_name: list<2>, host_name(0), name<2> (RFC 6066 3). */
    static const unsigned char sni[] = {0x00, 0x0c, 0x00, 0x00, 0x09, 'l', 'o',
                                        'c',  'a',  'l',  'h',  'o',  's', 't'};
    ck_assert_uint_eq(ch_sni_len, sizeof(sni));
    ck_assert_mem_eq(ch_sni, sni, sizeof(sni));
    ck_assert_int_eq(ch_has_unknown, 0);
    ck_assert_int_eq(ch_sv_has_tls13, 1);
    /* Not yet parsed when the callback runs. */
    ck_assert_str_eq(ch_servername_seen, "(null)");
    ch_free();
}
END_TEST

/* RETRY: the handshake call returns -1 with SSL_ERROR_WANT_CLIENT_HELLO_CB
 * until the callback says success. */
START_TEST(client_hello_retry)
{
    ch_reset(2, SSL_CLIENT_HELLO_SUCCESS);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    p->server_call = SSL_accept;
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.ret, -1);
    ck_assert_int_eq(p->s.err, SSL_ERROR_WANT_CLIENT_HELLO_CB);
    ck_assert_int_eq(SSL_want(p->s.ssl), SSL_CLIENT_HELLO_CB);
    ck_assert_int_eq(p->s.n_errs, 0);
    ck_assert_int_eq(ch_calls, 1);
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_WANT_CLIENT_HELLO_CB);
    ck_assert_int_eq(ch_calls, 2);
    pair_connect(p);
    ck_assert_int_eq(ch_calls, 3);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
    ch_free();
}
END_TEST

START_TEST(client_hello_error)
{
    ch_reset(0, SSL_CLIENT_HELLO_ERROR);
    ch_alert = SSL_AD_ACCESS_DENIED;
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_CALLBACK_FAILED);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_ACCESS_DENIED);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_TLSV1_ALERT_ACCESS_DENIED);
    ch_free();
}
END_TEST

/* haproxy: the context is switched in the ClientHello callback; the new
 * context's certificate and servername callback are the ones used. */
static int vhost_sn_calls;
static int vhost_servername_cb(SSL *s, int *al, void *arg)
{
    (void)s;
    (void)al;
    (void)arg;
    vhost_sn_calls++;
    return SSL_TLSEXT_ERR_OK;
}

START_TEST(client_hello_switches_context)
{
    SSL_CTX *vhost = pair_keep_ctx(pair_server_ctx("server-ed25519"));
    SSL_CTX_set_tlsext_servername_callback(vhost, vhost_servername_cb);
    sn_calls = 0;
    sn_result = SSL_TLSEXT_ERR_OK;
    sn_alert = -1;
    sn_switch_to = NULL;
    vhost_sn_calls = 0;
    SSL_CTX_set_tlsext_servername_callback(sctx, servername_cb);
    SSL_CTX_set_tlsext_servername_arg(sctx, &sn_calls);
    ch_reset(0, SSL_CLIENT_HELLO_SUCCESS);
    ch_switch_to = vhost;
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    ck_assert_int_eq(SSL_set_tlsext_host_name(p->c.ssl, "localhost"), 1);
    pair_connect(p);
    ck_assert_int_eq(ch_calls, 1);
    ck_assert_int_eq(vhost_sn_calls, 1);
    ck_assert_int_eq(sn_calls, 0);
    X509 *x = SSL_get1_peer_certificate(p->c.ssl);
    ck_assert_int_eq(EVP_PKEY_get_base_id(X509_get0_pubkey(x)), EVP_PKEY_ED25519);
    X509_free(x);
    ch_free();
}
END_TEST

/* With a HelloRetryRequest, the callback runs for each ClientHello. */
START_TEST(client_hello_with_hrr)
{
    ch_reset(0, SSL_CLIENT_HELLO_SUCCESS);
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-384"), 1);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 2);
    ck_assert_int_eq(ch_calls, 2);
    ch_free();
}
END_TEST

/* ---- ALPN ---- */

static const unsigned char SERVER_PROTOS[] = "\x02h2\x08http/1.1";
static const unsigned char CLIENT_PROTOS[] = "\x08http/1.1\x02h2\x06spdy/1";
static int alpn_calls, alpn_result;
static unsigned char alpn_in[64];
static unsigned alpn_in_len;
static const unsigned char *alpn_force; /* select this regardless */

static int alpn_cb(SSL *s, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg)
{
    (void)s;
    ck_assert_ptr_eq(arg, &alpn_calls);
    alpn_calls++;
    alpn_in_len = inlen < sizeof(alpn_in) ? inlen : sizeof(alpn_in);
    memcpy(alpn_in, in, alpn_in_len);
    if (alpn_result != SSL_TLSEXT_ERR_OK)
        return alpn_result;
    if (alpn_force != NULL) {
        *out = alpn_force + 1;
        *outlen = alpn_force[0];
        return SSL_TLSEXT_ERR_OK;
    }
    unsigned char *o;
    if (SSL_select_next_proto(&o, outlen, SERVER_PROTOS, sizeof(SERVER_PROTOS) - 1, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = o;
    return SSL_TLSEXT_ERR_OK;
}

static struct pair *alpn_pair(int result, int client_offers)
{
    alpn_calls = 0;
    alpn_result = result;
    alpn_force = NULL;
    SSL_CTX_set_alpn_select_cb(sctx, alpn_cb, &alpn_calls);
    if (client_offers)
        ck_assert_int_eq(SSL_CTX_set_alpn_protos(cctx, CLIENT_PROTOS, sizeof(CLIENT_PROTOS) - 1),
                         0);
    return pair_keep(pair_new(cctx, sctx, 0));
}

static void alpn_selected(SSL *s, const char *expect)
{
    const unsigned char *d;
    unsigned l;
    SSL_get0_alpn_selected(s, &d, &l);
    ck_assert_uint_eq(l, strlen(expect));
    if (l)
        ck_assert_mem_eq(d, expect, l);
}

START_TEST(alpn_selects)
{
    struct pair *p = alpn_pair(SSL_TLSEXT_ERR_OK, 1);
    pair_connect(p);
    ck_assert_int_eq(alpn_calls, 1);
    /* The callback sees the client's list as it is on the wire. */
    ck_assert_uint_eq(alpn_in_len, sizeof(CLIENT_PROTOS) - 1);
    ck_assert_mem_eq(alpn_in, CLIENT_PROTOS, alpn_in_len);
    alpn_selected(p->s.ssl, "h2");
    alpn_selected(p->c.ssl, "h2");
    const unsigned char *d;
    size_t l;
    SSL_SESSION_get0_alpn_selected(SSL_get_session(p->s.ssl), &d, &l);
    ck_assert_uint_eq(l, 2);
    ck_assert_mem_eq(d, "h2", 2);
    /* EncryptedExtensions carries it: list<2> of one protocol<1>. */
    const struct pair_msg *ee = pair_hs_msg(&p->s, 1, SSL3_MT_ENCRYPTED_EXTENSIONS, 0);
    const unsigned char *b;
    size_t bl;
    ck_assert(pair_msg_ext(ee, SSL3_MT_ENCRYPTED_EXTENSIONS, 16, &b, &bl));
    ck_assert_uint_eq(bl, 5);
    ck_assert_mem_eq(b, "\x00\x03\x02h2", 5);
    ck_assert(pair_send(p, &p->c, DATA, sizeof(DATA)));
}
END_TEST

START_TEST(alpn_noack)
{
    struct pair *p = alpn_pair(SSL_TLSEXT_ERR_NOACK, 1);
    pair_connect(p);
    ck_assert_int_eq(alpn_calls, 1);
    alpn_selected(p->s.ssl, "");
    alpn_selected(p->c.ssl, "");
    ck_assert(!ee_has(&p->s, 16));
}
END_TEST

START_TEST(alpn_no_protocol)
{
    struct pair *p = alpn_pair(SSL_TLSEXT_ERR_ALERT_FATAL, 1);
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->s.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_NO_APPLICATION_PROTOCOL);
    ck_assert_int_eq(p->s.alert_sent, 0x0200 | SSL_AD_NO_APPLICATION_PROTOCOL);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL);
}
END_TEST

/* A client that offers nothing: the callback is not called. */
START_TEST(alpn_not_offered)
{
    struct pair *p = alpn_pair(SSL_TLSEXT_ERR_OK, 0);
    pair_connect(p);
    ck_assert_int_eq(alpn_calls, 0);
    alpn_selected(p->s.ssl, "");
    ck_assert(!ee_has(&p->s, 16));
}
END_TEST

/* A server without the callback ignores the offer. */
START_TEST(alpn_no_callback)
{
    ck_assert_int_eq(SSL_CTX_set_alpn_protos(cctx, CLIENT_PROTOS, sizeof(CLIENT_PROTOS) - 1), 0);
    struct pair *p = pair_keep(pair_new(cctx, sctx, 0));
    pair_connect(p);
    alpn_selected(p->s.ssl, "");
    alpn_selected(p->c.ssl, "");
    ck_assert(!ee_has(&p->s, 16));
}
END_TEST

/* A server that selects what the client did not offer: the client refuses
 * (RFC 7301 3.2; stock says bad extension with decode_error). */
START_TEST(alpn_not_in_client_list)
{
    struct pair *p = alpn_pair(SSL_TLSEXT_ERR_OK, 1);
    alpn_force = (const unsigned char *)"\x03"
                                        "foo";
    ck_assert_int_eq(pair_handshake(p), 0);
    ck_assert_int_eq(p->c.err, SSL_ERROR_SSL);
    ck_assert_int_eq(pair_reason(&p->c), SSL_R_BAD_EXTENSION);
    ck_assert_int_eq(p->c.alert_sent, 0x0200 | SSL_AD_DECODE_ERROR);
    ck_assert_int_eq(pair_reason(&p->s), SSL_R_TLSV1_ALERT_DECODE_ERROR);
}
END_TEST

/* With a HelloRetryRequest the callback runs for each ClientHello (stock
 * selects while processing the first one, before it knows a retry is
 * needed), and the second selection stands. */
START_TEST(alpn_with_hrr)
{
    ck_assert_int_eq(SSL_CTX_set1_groups_list(sctx, "P-384"), 1);
    struct pair *p = alpn_pair(SSL_TLSEXT_ERR_OK, 1);
    pair_connect(p);
    ck_assert_int_eq(pair_hs_count(&p->s, 0, SSL3_MT_CLIENT_HELLO), 2);
    ck_assert_int_eq(alpn_calls, 2);
    alpn_selected(p->c.ssl, "h2");
}
END_TEST

Suite *pair_suite(void)
{
    Suite *s = suite_create("pair-callbacks");
    TCase *tc = pair_tcase("servername");
    tcase_add_test(tc, servername_ok);
    tcase_add_test(tc, servername_noack);
    tcase_add_test(tc, servername_alert_warning);
    tcase_add_loop_test(tc, servername_alert_fatal, 0, 2);
    tcase_add_test(tc, servername_absent);
    tcase_add_test(tc, servername_without_callback);
    tcase_add_test(tc, servername_switches_context);
    suite_add_tcase(s, tc);

    tc = pair_tcase("client_hello");
    tcase_add_test(tc, client_hello_accessors);
    tcase_add_test(tc, client_hello_retry);
    tcase_add_test(tc, client_hello_error);
    tcase_add_test(tc, client_hello_switches_context);
    tcase_add_test(tc, client_hello_with_hrr);
    suite_add_tcase(s, tc);

    tc = pair_tcase("alpn");
    tcase_add_test(tc, alpn_selects);
    tcase_add_test(tc, alpn_noack);
    tcase_add_test(tc, alpn_no_protocol);
    tcase_add_test(tc, alpn_not_offered);
    tcase_add_test(tc, alpn_no_callback);
    tcase_add_test(tc, alpn_not_in_client_list);
    tcase_add_test(tc, alpn_with_hrr);
    suite_add_tcase(s, tc);
    return s;
}
