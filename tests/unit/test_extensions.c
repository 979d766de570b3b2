/*
 * shimssl unit tests: the extension table and the collection of a received
 * block (shim/tls/extensions.c: tls_ext_def, tls_ext_collect).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The messages each extension may appear in are written out here once more,
 * from RFC 8446 4.2's table and the TLS 1.2 RFCs (with stock's two additions:
 * supported_groups tolerated in a TLS 1.2 ServerHello, and the CryptoPro
 * code point), and the table must agree; then every entry is collected in
 * every message: accepted exactly where allowed, refused elsewhere with
 * illegal_parameter / bad_extension, the alert actually written.
 */
#include "shim.h"

#include <string.h>

#include "tls/extensions.h"
#include "unit.h"
#include "unit_util.h"

#define CH   SSL_EXT_CLIENT_HELLO
#define SH12 SSL_EXT_TLS1_2_SERVER_HELLO
#define SH13 SSL_EXT_TLS1_3_SERVER_HELLO
#define EE   SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS
#define HRR  SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST
#define CT   SSL_EXT_TLS1_3_CERTIFICATE
#define CR   SSL_EXT_TLS1_3_CERTIFICATE_REQUEST
#define NST  SSL_EXT_TLS1_3_NEW_SESSION_TICKET

/* Every message that carries extensions. */
static const unsigned int contexts[] = {CH, SH12, SH13, EE, HRR, CT, CR, NST};
#define NCONTEXTS ((int)(sizeof(contexts) / sizeof(contexts[0])))

/* Where each extension may appear: RFC 8446 4.2 for TLS 1.3 (CH, SH, HRR,
 * EE, CT, CR, NST), RFC 5246 / 6066 / 7301 / 7627 / 7366 / 5077 / 4492 /
 * 5746 / 6962 for the TLS 1.2 ServerHello; and to which versions it belongs,
 * as stock marks them (TLS 1.2-only extensions are ignored in TLS 1.3 and
 * the other way round). */
#define T12      SSL_EXT_TLS1_2_AND_BELOW_ONLY
#define T13      SSL_EXT_TLS1_3_ONLY
#define MESSAGES (CH | SH12 | SH13 | EE | HRR | CT | CR | NST)
static const struct {
    uint16_t type;
    unsigned int contexts, versions;
} rfc[] = {
    {0xff01, CH | SH12, T12},     /* renegotiation_info (RFC 5746) */
    {0, CH | SH12 | EE, 0},       /* server_name */
    {1, CH | SH12 | EE, 0},       /* max_fragment_length */
    {12, CH, T12},                /* srp (RFC 5054), never answered here */
    {11, CH | SH12, T12},         /* ec_point_formats */
    {10, CH | SH12 | EE, 0},      /* supported_groups (SH12: stock's tolerance) */
    {35, CH | SH12, T12},         /* session_ticket */
    {5, CH | SH12 | CT | CR, 0},  /* status_request */
    {13172, CH | SH12, T12},      /* next_protocol_negotiation */
    {16, CH | SH12 | EE, 0},      /* application_layer_protocol_negotiation */
    {14, 0, 0},                   /* use_srtp: DTLS only, never in TLS */
    {22, CH | SH12, T12},         /* encrypt_then_mac */
    {18, CH | SH12 | CT | CR, 0}, /* signed_certificate_timestamp */
    {23, CH | SH12, T12},         /* extended_master_secret */
    {50, CH | CR, 0},             /* signature_algorithms_cert */
    {49, CH, T13},                /* post_handshake_auth */
    {13, CH | CR, 0},             /* signature_algorithms */
    {43, CH | SH13 | HRR, 0},     /* supported_versions */
    {45, CH, T13},                /* psk_key_exchange_modes */
    {51, CH | SH13 | HRR, T13},   /* key_share */
    {44, CH | HRR, T13},          /* cookie */
    {0xfde8, CH | SH12, T12},     /* CryptoPro (stock's SSL_OP_CRYPTOPRO_TLSEXT_BUG) */
    {42, CH | EE | NST, T13},     /* early_data */
    {47, CH | CR, T13},           /* certificate_authorities */
    {21, CH, 0},                  /* padding (RFC 7685) */
    {41, CH | SH13, T13},         /* pre_shared_key */
};
#define NRFC ((int)(sizeof(rfc) / sizeof(rfc[0])))

/* The table agrees with the RFCs, entry for entry, and lists each type once. */
START_TEST(table_matches_the_rfcs)
{
    ck_assert_int_eq(TLS_EXT_NUM, NRFC);
    ck_assert_ptr_null(tls_ext_def(-1));
    ck_assert_ptr_null(tls_ext_def(TLS_EXT_NUM));
    for (int i = 0; i < TLS_EXT_NUM; i++) {
        const struct tls_ext_def *d = tls_ext_def(i);
        int found = 0;
        ck_assert_ptr_nonnull(d);
        for (int k = 0; k < NRFC; k++) {
            if (rfc[k].type != d->type)
                continue;
            found++;
            ck_assert_msg((d->contexts & MESSAGES) == rfc[k].contexts,
                          "extension %u: table says %#x, the RFCs %#x", d->type,
                          d->contexts & MESSAGES, rfc[k].contexts);
            ck_assert_msg((d->contexts & (T12 | T13)) == rfc[k].versions,
                          "extension %u: versions %#x, stock's %#x", d->type,
                          d->contexts & (T12 | T13), rfc[k].versions);
        }
        ck_assert_msg(found == 1, "extension %u listed %d times", d->type, found);
        for (int j = 0; j < i; j++)
            ck_assert_uint_ne(tls_ext_def(j)->type, d->type);
    }
}
END_TEST

/* The order is stock's, the order extensions are written and parsed in (so
 * a message with several problems fails on the same one): pre_shared_key
 * last (RFC 8446 4.2.11), padding just before it, key_share after
 * supported_groups, cookie after key_share. */
START_TEST(table_order)
{
    ck_assert_uint_eq(tls_ext_def(TLS_EXT_NUM - 1)->type, TLSEXT_TYPE_psk);
    ck_assert_uint_eq(tls_ext_def(TLS_EXT_NUM - 2)->type, TLSEXT_TYPE_padding);
    ck_assert_int_lt(TLS_EXT_SUPPORTED_GROUPS, TLS_EXT_KEY_SHARE);
    ck_assert_int_lt(TLS_EXT_KEY_SHARE, TLS_EXT_COOKIE);
    ck_assert_int_lt(TLS_EXT_SERVER_NAME, TLS_EXT_ALPN);
    ck_assert_uint_eq(tls_ext_def(0)->type, TLSEXT_TYPE_renegotiate);
    /* The enum names the entry of its type. */
    ck_assert_uint_eq(tls_ext_def(TLS_EXT_KEY_SHARE)->type, TLSEXT_TYPE_key_share);
    ck_assert_uint_eq(tls_ext_def(TLS_EXT_ALPN)->type,
                      TLSEXT_TYPE_application_layer_protocol_negotiation);
    ck_assert_uint_eq(tls_ext_def(TLS_EXT_SUPPORTED_VERSIONS)->type,
                      TLSEXT_TYPE_supported_versions);
    ck_assert_uint_eq(tls_ext_def(TLS_EXT_COOKIE)->type, TLSEXT_TYPE_cookie);
}
END_TEST

/* ----------------------------------------------------------- collecting */

/* A connection to collect with, writing its alerts to a memory BIO, and a
 * handshake that sent whatever sent says. */
struct collector {
    SSL *s;
    BIO *out;
    struct tls_hs hs;
    struct tls_ext_set set;
};

static void collector_init(struct collector *k, uint32_t sent)
{
    ERR_clear_error();
    memset(k, 0, sizeof(*k));
    k->out = BIO_new(BIO_s_mem());
    k->s = unit_endpoint(NULL, k->out);
    k->hs.sent_exts = sent;
}

static void collector_free(struct collector *k)
{
    SSL_free(k->s);
    ERR_clear_error();
}

/* Collects list (the vector's contents, hex) as a message of context. */
static int collect(struct collector *k, unsigned int context, const uint8_t *list, size_t len)
{
    tls_reader r;
    tls_r_init(&r, list, len);
    return tls_ext_collect(k->s, &k->hs, context, &r, &k->set);
}

/* Nothing went wrong: no error, no alert, the connection usable. */
static void assert_clean(struct collector *k)
{
    ck_assert_int_eq(ERR_peek_error(), 0);
    ck_assert_int_eq(BIO_pending(k->out), 0);
    ck_assert_int_eq(k->s->conn->failed, 0);
}

/* Refused with this alert and reason, the alert written, the failure sticky. */
static void assert_refused(struct collector *k, int alert, int reason)
{
    ck_assert_int_eq(unit_ssl_reason(), reason);
    ck_assert_int_eq(unit_fatal_alert_written(k->out), alert);
    ck_assert_int_eq(k->s->conn->failed, 1);
}

static size_t ext(uint8_t *p, uint16_t type, const uint8_t *body, size_t len)
{
    p[0] = (uint8_t)(type >> 8);
    p[1] = (uint8_t)type;
    p[2] = (uint8_t)(len >> 8);
    p[3] = (uint8_t)len;
    if (len > 0)
        memcpy(p + 4, body, len);
    return 4 + len;
}

/* Each entry, alone in a block, in each message: collected (with its body)
 * exactly where its contexts say, refused elsewhere. */
START_TEST(collected_only_where_allowed)
{
    const struct tls_ext_def *d = tls_ext_def(_i);
    static const uint8_t body[] = {0xAB, 0xCD, 0xEF};

    for (int k = 0; k < NCONTEXTS; k++) {
        struct collector c;
        uint8_t list[16];
        size_t len = ext(list, d->type, body, sizeof(body));
        int allowed = (d->contexts & MESSAGES & contexts[k]) != 0;

        collector_init(&c, ~(uint32_t)0); /* everything sent: no unsolicited answers */
        ck_assert_int_eq(collect(&c, contexts[k], list, len), allowed);
        if (allowed) {
            assert_clean(&c);
            for (int j = 0; j < TLS_EXT_NUM; j++)
                ck_assert_int_eq(c.set.present[j], j == _i);
            ck_assert_uint_eq(c.set.data[_i].len, sizeof(body));
            ck_assert_mem_eq(c.set.data[_i].p, body, sizeof(body));
            ck_assert_int_eq(c.set.parsed[_i], 0);
        } else {
            assert_refused(&c, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION);
        }
        /* What the table says is what the whole-set check says. */
        c.set.present[_i] = 1;
        ck_assert_int_eq(tls_ext_all_allowed(c.s, &c.set, contexts[k]), allowed);
        collector_free(&c);
    }
}
END_TEST

/* The same extension twice is refused wherever it may appear once. */
START_TEST(duplicates_refused)
{
    const struct tls_ext_def *d = tls_ext_def(_i);

    for (int k = 0; k < NCONTEXTS; k++) {
        struct collector c;
        uint8_t list[16];
        size_t len;

        if ((d->contexts & contexts[k]) == 0)
            continue;
        len = ext(list, d->type, NULL, 0);
        len += ext(list + len, d->type, NULL, 0);
        collector_init(&c, ~(uint32_t)0);
        ck_assert_int_eq(collect(&c, contexts[k], list, len), 0);
        assert_refused(&c, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION);
        collector_free(&c);
    }
}
END_TEST

/* Types we do not know are skipped, in any message, even twice (stock only
 * checks duplicates of extensions it knows); the known ones around them are
 * found with their bodies. */
START_TEST(unknown_types_ignored)
{
    static const uint16_t unknown[] = {0x0a0a /* GREASE */, 0x1234, 0xfafa, 0x0fff, 0xffff};

    for (int k = 0; k < NCONTEXTS; k++) {
        struct collector c;
        uint8_t list[128], body[2] = {0x03, 0x04};
        size_t len = 0;

        for (size_t u = 0; u < sizeof(unknown) / sizeof(unknown[0]); u++)
            len += ext(list + len, unknown[u], body, u % 3);
        len += ext(list + len, 0x1234, NULL, 0);
        /* cookie may be in a ClientHello and a HelloRetryRequest */
        if (contexts[k] & (CH | HRR))
            len += ext(list + len, TLSEXT_TYPE_cookie, body, 2);
        len += ext(list + len, 0xfafa, body, 1);
        collector_init(&c, 0);
        ck_assert_int_eq(collect(&c, contexts[k], list, len), 1);
        assert_clean(&c);
        for (int j = 0; j < TLS_EXT_NUM; j++)
            ck_assert_int_eq(c.set.present[j], j == TLS_EXT_COOKIE && (contexts[k] & (CH | HRR)));
        if (contexts[k] & (CH | HRR)) {
            ck_assert_uint_eq(c.set.data[TLS_EXT_COOKIE].len, 2);
            ck_assert_mem_eq(c.set.data[TLS_EXT_COOKIE].p, body, 2);
        }
        collector_free(&c);
    }
}
END_TEST

/* Messages that answer something (ServerHello, HelloRetryRequest,
 * EncryptedExtensions, Certificate) may only hold what our ClientHello
 * sent: otherwise unsupported_extension / unsolicited_extension (RFC 8446
 * 4.2), except renegotiation_info (a ClientHello signals it with an SCSV),
 * the cookie, SCTs and CryptoPro, as stock.  A ClientHello, a CertificateRequest and a
 * NewSessionTicket answer nothing and may hold any extension they allow. */
START_TEST(unsolicited_answers_refused)
{
    const struct tls_ext_def *d = tls_ext_def(_i);
    /* CryptoPro may appear only in a ClientHello and a TLS 1.2 ServerHello,
     * where stock exempts it. */
    int exempt = d->type == TLSEXT_TYPE_renegotiate || d->type == TLSEXT_TYPE_cookie ||
                 d->type == TLSEXT_TYPE_signed_certificate_timestamp || d->type == 0xfde8;

    for (int k = 0; k < NCONTEXTS; k++) {
        int answer = (contexts[k] & (CH | CR | NST)) == 0;
        uint8_t list[8];
        size_t len = ext(list, d->type, NULL, 0);

        if ((d->contexts & contexts[k]) == 0)
            continue;
        for (int sent = 0; sent <= 1; sent++) {
            struct collector c;
            /* Everything but this one sent, or only this one. */
            collector_init(&c, sent ? 1u << _i : ~(1u << _i));
            if (!sent && answer && !exempt) {
                ck_assert_int_eq(collect(&c, contexts[k], list, len), 0);
                assert_refused(&c, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_UNSOLICITED_EXTENSION);
            } else {
                ck_assert_int_eq(collect(&c, contexts[k], list, len), 1);
                assert_clean(&c);
                ck_assert_int_eq(c.set.present[_i], 1);
            }
            collector_free(&c);
        }
    }
}
END_TEST

/* Without a handshake (nothing was sent) an answer is unsolicited too. */
START_TEST(no_handshake_means_nothing_sent)
{
    struct collector c;
    uint8_t list[8];
    size_t len = ext(list, TLSEXT_TYPE_application_layer_protocol_negotiation, NULL, 0);
    tls_reader r;

    collector_init(&c, ~(uint32_t)0);
    tls_r_init(&r, list, len);
    ck_assert_int_eq(tls_ext_collect(c.s, NULL, EE, &r, &c.set), 0);
    assert_refused(&c, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_UNSOLICITED_EXTENSION);
    collector_free(&c);
}
END_TEST

/* A block that does not parse: decode_error / bad_extension.  The input
 * reader is left as it was (the caller checks what follows the block). */
START_TEST(malformed_block)
{
    static const struct {
        const char *hex;
    } cases[] = {
        {"00"},             /* half a type */
        {"0000"},           /* no length */
        {"000000"},         /* half a length */
        {"00000001"},       /* body promised, missing */
        {"0000000100ff01"}, /* a good one, then a truncated one */
        {"001000050003026832ff"},
    };
    struct collector c;
    uint8_t list[32];
    size_t len = unit_unhex(cases[_i].hex, list, sizeof(list));
    tls_reader r;

    collector_init(&c, ~(uint32_t)0);
    tls_r_init(&r, list, len);
    ck_assert_int_eq(tls_ext_collect(c.s, &c.hs, CH, &r, &c.set), 0);
    assert_refused(&c, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    ck_assert_ptr_eq(r.p, list);
    ck_assert_uint_eq(r.len, len);
    collector_free(&c);
}
END_TEST

/* An empty block is a block with nothing in it. */
START_TEST(empty_block)
{
    struct collector c;

    collector_init(&c, 0);
    for (int k = 0; k < NCONTEXTS; k++)
        ck_assert_int_eq(collect(&c, contexts[k], NULL, 0), 1);
    assert_clean(&c);
    for (int j = 0; j < TLS_EXT_NUM; j++)
        ck_assert_int_eq(c.set.present[j], 0);
    collector_free(&c);
}
END_TEST

/*
 * Stock 3.0 (built with GOST, as Debian's is) accepts the CryptoPro extension
 * (0xfde8) unsolicited in a TLS 1.2 ServerHello: its unsolicited check exempts
 * it there.  Checked against stock 3.0.19: a TLS 1.2 ServerHello holding
 * renegotiation_info and an empty 0xfde8 makes stock wait for the Certificate.
 */
START_TEST(cryptopro_unsolicited_in_tls12_server_hello)
{
    struct collector c;
    uint8_t list[8];
    size_t len = ext(list, 0xfde8, NULL, 0);

    collector_init(&c, 0);
    ck_assert_int_eq(collect(&c, SH12, list, len), 1);
    assert_clean(&c);
    ck_assert_int_eq(c.set.present[TLS_EXT_CRYPTOPRO_BUG], 1);
    collector_free(&c);
}
END_TEST

/* RFC 8446 4.2.11: pre_shared_key must be the last extension of a
 * ClientHello; stock refuses it anywhere else with illegal_parameter /
 * bad_extension (checked against a stock 3.0.19 server: the same ClientHello
 * with the PSK last gets past its extensions, with it before
 * supported_versions it fails so).  Last in a ServerHello means nothing. */
START_TEST(psk_must_be_last_in_client_hello)
{
    struct collector c;
    uint8_t list[32];
    size_t len = ext(list, TLSEXT_TYPE_psk, NULL, 0);

    len += ext(list + len, TLSEXT_TYPE_supported_versions, (const uint8_t[]){2, 3, 4}, 3);
    collector_init(&c, 0);
    ck_assert_int_eq(collect(&c, CH, list, len), 0);
    assert_refused(&c, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION);
    collector_free(&c);

    collector_init(&c, ~(uint32_t)0);
    ck_assert_int_eq(collect(&c, SH13, list, len), 1);
    assert_clean(&c);
    collector_free(&c);
}
END_TEST

/* Which extensions matter at the version negotiated (stock's
 * extension_is_relevant): TLS 1.2-only ones not in TLS 1.3, TLS 1.3-only
 * ones not in TLS 1.2 except in the ClientHello a client writes, a
 * HelloRetryRequest meaning TLS 1.3 before the version is settled. */
START_TEST(relevance_by_version)
{
    static const struct {
        int idx;
        unsigned int context;
        int version; /* negotiated; 0: not yet */
        int server;
        int relevant;
    } cases[] = {
        {TLS_EXT_ENCRYPT_THEN_MAC, SH12, TLS1_2_VERSION, 0, 1},
        {TLS_EXT_ENCRYPT_THEN_MAC, CH, 0, 0, 1},
        {TLS_EXT_EXTENDED_MASTER_SECRET, EE, TLS1_3_VERSION, 0, 0},
        {TLS_EXT_PSK_KEX_MODES, CH, 0, 0, 1},
        {TLS_EXT_KEY_SHARE, HRR, 0, 0, 1},
        {TLS_EXT_KEY_SHARE, SH13, TLS1_2_VERSION, 0, 0},
        {TLS_EXT_CERTIFICATE_AUTHORITIES, CR, TLS1_2_VERSION, 0, 0},
        {TLS_EXT_CERTIFICATE_AUTHORITIES, CR, TLS1_3_VERSION, 0, 1},
        {TLS_EXT_PSK_KEX_MODES, CH, TLS1_2_VERSION, 1, 0},
        {TLS_EXT_PSK_KEX_MODES, CH, TLS1_3_VERSION, 1, 1},
        {TLS_EXT_ENCRYPT_THEN_MAC, CH, TLS1_3_VERSION, 1, 0},
        {TLS_EXT_ENCRYPT_THEN_MAC, CH, TLS1_2_VERSION, 1, 1},
        {TLS_EXT_ALPN, EE, TLS1_3_VERSION, 0, 1},
        {TLS_EXT_ALPN, SH12, TLS1_2_VERSION, 0, 1},
        {TLS_EXT_ALPN, CH, TLS1_2_VERSION, 1, 1},
    };
    SSL *s = unit_endpoint(NULL, NULL);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        s->server = cases[i].server;
        s->conn->version = cases[i].version;
        ck_assert_msg(tls_ext_relevant(s, s->conn, tls_ext_def(cases[i].idx)->contexts,
                                       cases[i].context) == cases[i].relevant,
                      "case %zu", i);
    }
    SSL_free(s);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("extensions");
    TCase *tc = tcase_create("extensions");
    tcase_add_test(tc, table_matches_the_rfcs);
    tcase_add_test(tc, table_order);
    tcase_add_loop_test(tc, collected_only_where_allowed, 0, TLS_EXT_NUM);
    tcase_add_loop_test(tc, duplicates_refused, 0, TLS_EXT_NUM);
    tcase_add_test(tc, unknown_types_ignored);
    tcase_add_loop_test(tc, unsolicited_answers_refused, 0, TLS_EXT_NUM);
    tcase_add_test(tc, no_handshake_means_nothing_sent);
    tcase_add_loop_test(tc, malformed_block, 0, 6);
    tcase_add_test(tc, empty_block);
    tcase_add_test(tc, psk_must_be_last_in_client_hello);
    tcase_add_test(tc, cryptopro_unsolicited_in_tls12_server_hello);
    tcase_add_test(tc, relevance_by_version);
    suite_add_tcase(s, tc);
    return s;
}
