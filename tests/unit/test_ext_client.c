/*
 * shimssl unit tests: the client's extension hooks (shim/tls/ext_client.c)
 * driven through the table (tls_ext_write_client_hello, tls_ext_collect,
 * tls_ext_parse_all).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A ClientHello block is written, then read back as a server would collect
 * it: the extensions in it are exactly those recorded as sent, in table
 * order, each body as its RFC lays it out.  Then server answers are parsed
 * in the messages that carry them.  Where a refusal is checked, its alert
 * and reason were compared with stock 3.0.19 (the TLS 1.2 ServerHello cases
 * by feeding both libraries the same ServerHello) or follow stock's parser.
 */
#include "shim.h"

#include <openssl/core_names.h>
#include <string.h>

#include "tls/extensions.h"
#include "tls/groups.h"
#include "unit.h"
#include "unit_util.h"

#define MAX_BLOCK 2048

/* A client with a handshake under way; its ClientHello's extension block. */
struct client {
    SSL *s;
    struct tls_conn *c;
    struct tls_hs *hs;
    BIO *out;
    uint8_t block[MAX_BLOCK];
    size_t block_len;
    struct tls_ext_set ch; /* the ClientHello's, as a server collects them */
};

static void client_init(struct client *k)
{
    memset(k, 0, sizeof(*k));
    ERR_clear_error();
    k->out = BIO_new(BIO_s_mem());
    k->s = unit_endpoint(NULL, k->out);
    SSL_set_connect_state(k->s); /* (drops the engine state made above) */
    k->c = tls_conn_get(k->s);
    ck_assert_ptr_nonnull(k->c);
    k->hs = OPENSSL_zalloc(sizeof(*k->hs));
    ck_assert_ptr_nonnull(k->hs);
    tls_transcript_init(&k->hs->transcript);
    k->s->session = SSL_SESSION_new();
    /* Fixed lists, so the expected bytes follow from the RFCs' code points. */
    ck_assert_int_eq(SSL_set1_groups_list(k->s, "X25519:P-256"), 1);
    ck_assert_int_eq(SSL_set1_sigalgs_list(k->s, "ECDSA+SHA256:rsa_pss_rsae_sha256:ed25519"), 1);
}

static void client_free(struct client *k)
{
    tls_hs_free(k->hs);
    SSL_free(k->s);
    ERR_clear_error();
}

static int index_of(uint16_t type)
{
    for (int i = 0; i < TLS_EXT_NUM; i++)
        if (tls_ext_def(i)->type == type)
            return i;
    return -1;
}

/* Writes the ClientHello block for versions min..max and reads it back: a
 * uint16-prefixed list, nothing after it, the extensions in table order and
 * exactly those hs->sent_exts names. */
static void write_client_hello(struct client *k, int min, int max)
{
    tls_builder b;
    uint8_t *out = NULL;
    size_t len = 0, binders = 99, count = 0;
    tls_reader r, list, walk;
    int last = -1;

    ck_assert(tls_b_init(&b, 0));
    ck_assert_int_eq(tls_ext_write_client_hello(k->s, k->c, k->hs, &b, min, max, &binders), 1);
    ck_assert(tls_b_finish(&b, &out, &len));
    ck_assert_uint_le(len, sizeof(k->block));
    memcpy(k->block, out, len);
    k->block_len = len;
    OPENSSL_free(out);
    ck_assert_uint_eq(binders, 0); /* no PSK offered */
    ck_assert_int_eq(ERR_peek_error(), 0);

    tls_r_init(&r, k->block, k->block_len);
    ck_assert(tls_r_sub_u16(&r, &list));
    ck_assert(tls_r_done(&r));
    walk = list;
    while (!tls_r_done(&walk)) {
        uint16_t type;
        tls_reader body;
        int idx;
        ck_assert(tls_r_u16(&walk, &type));
        ck_assert(tls_r_sub_u16(&walk, &body));
        idx = index_of(type);
        ck_assert_msg(idx > last, "extension %u out of table order", type);
        ck_assert_msg(k->hs->sent_exts & (1u << idx), "extension %u sent but not recorded", type);
        last = idx;
        count++;
    }
    ck_assert_int_eq(__builtin_popcount(k->hs->sent_exts), (int)count);
    /* A server collects it without complaint, and finds the same set. */
    ck_assert_int_eq(tls_ext_collect(k->s, NULL, SSL_EXT_CLIENT_HELLO, &list, &k->ch), 1);
    for (int i = 0; i < TLS_EXT_NUM; i++)
        ck_assert_int_eq(k->ch.present[i], (k->hs->sent_exts >> i) & 1);
}

/* The ClientHello's body of extension idx is exactly hex. */
static void assert_body(const struct client *k, int idx, const char *hex)
{
    uint8_t want[256];
    size_t n = unit_unhex(hex, want, sizeof(want));
    ck_assert_msg(k->ch.present[idx], "extension %u not sent", tls_ext_def(idx)->type);
    ck_assert_msg(k->ch.data[idx].len == n && memcmp(k->ch.data[idx].p, want, n) == 0,
                  "extension %u: body differs", tls_ext_def(idx)->type);
}

/* Exactly these extensions (table indexes, -1 ends the list) were sent. */
static void assert_sent(const struct client *k, const int *idx)
{
    uint32_t want = 0;
    for (; *idx >= 0; idx++)
        want |= 1u << *idx;
    ck_assert_msg(k->hs->sent_exts == want, "sent %#x, expected %#x", k->hs->sent_exts, want);
}

/* The raw public key of our key share, from libcrypto. */
static size_t share_public(const struct client *k, uint8_t *out, size_t cap)
{
    size_t n = 0;
    ck_assert_ptr_nonnull(k->hs->kex_priv);
    ck_assert(EVP_PKEY_get_octet_string_param(k->hs->kex_priv, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                              out, cap, &n));
    return n;
}

/* key_share: client_shares<0..2^16-1> of { NamedGroup; key_exchange<1..2^16-1> }
 * with one share of group, whose key is our key share's public key. */
static void assert_key_share(const struct client *k, uint16_t group, size_t key_len)
{
    uint8_t pub[133], want[256];
    size_t n = share_public(k, pub, sizeof(pub)), off = 0;

    ck_assert_uint_eq(n, key_len);
    ck_assert_uint_eq(k->hs->kex_group->id, group);
    want[off++] = (uint8_t)((4 + n) >> 8);
    want[off++] = (uint8_t)(4 + n);
    want[off++] = (uint8_t)(group >> 8);
    want[off++] = (uint8_t)group;
    want[off++] = (uint8_t)(n >> 8);
    want[off++] = (uint8_t)n;
    memcpy(want + off, pub, n);
    off += n;
    ck_assert_uint_eq(k->ch.data[TLS_EXT_KEY_SHARE].len, off);
    ck_assert_mem_eq(k->ch.data[TLS_EXT_KEY_SHARE].p, want, off);
}

/* ------------------------------------------------------------ ClientHello */

/* A TLS 1.2-1.3 ClientHello with nothing configured beyond groups and
 * signature algorithms. */
START_TEST(default_client_hello)
{
    static const int sent[] = {TLS_EXT_EC_POINT_FORMATS,
                               TLS_EXT_SUPPORTED_GROUPS,
                               TLS_EXT_SESSION_TICKET,
                               TLS_EXT_ENCRYPT_THEN_MAC,
                               TLS_EXT_EXTENDED_MASTER_SECRET,
                               TLS_EXT_SIG_ALGS,
                               TLS_EXT_SUPPORTED_VERSIONS,
                               TLS_EXT_PSK_KEX_MODES,
                               TLS_EXT_KEY_SHARE,
                               -1};
    struct client k;

    client_init(&k);
    write_client_hello(&k, TLS1_2_VERSION, TLS1_3_VERSION);
    assert_sent(&k, sent);
    /* RFC 4492 5.1.2: uncompressed, ansiX962_compressed_prime, _char2. */
    assert_body(&k, TLS_EXT_EC_POINT_FORMATS, "03 00 01 02");
    /* RFC 8446 4.2.7: x25519 (0x001d), secp256r1 (0x0017). */
    assert_body(&k, TLS_EXT_SUPPORTED_GROUPS, "0004 001d 0017");
    /* RFC 5077 3.2: empty, no ticket to resume. */
    assert_body(&k, TLS_EXT_SESSION_TICKET, "");
    assert_body(&k, TLS_EXT_ENCRYPT_THEN_MAC, "");
    assert_body(&k, TLS_EXT_EXTENDED_MASTER_SECRET, "");
    /* RFC 8446 4.2.3: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, ed25519. */
    assert_body(&k, TLS_EXT_SIG_ALGS, "0006 0403 0804 0807");
    /* RFC 8446 4.2.1: versions<2..254>, highest first. */
    assert_body(&k, TLS_EXT_SUPPORTED_VERSIONS, "04 0304 0303");
    /* RFC 8446 4.2.9: psk_dhe_ke only. */
    assert_body(&k, TLS_EXT_PSK_KEX_MODES, "01 01");
    /* One share, in the first group: X25519's 32-byte key (RFC 8446 4.2.8.2). */
    assert_key_share(&k, 0x001d, 32);
    client_free(&k);
}
END_TEST

/* What the application configures shows up, laid out as its RFC says; what
 * it turns off is not sent. */
START_TEST(configured_client_hello)
{
    static const int sent[] = {TLS_EXT_SERVER_NAME,         TLS_EXT_MAX_FRAGMENT_LENGTH,
                               TLS_EXT_EC_POINT_FORMATS,    TLS_EXT_SUPPORTED_GROUPS,
                               TLS_EXT_STATUS_REQUEST,      TLS_EXT_ALPN,
                               TLS_EXT_POST_HANDSHAKE_AUTH, TLS_EXT_SIG_ALGS,
                               TLS_EXT_SUPPORTED_VERSIONS,  TLS_EXT_PSK_KEX_MODES,
                               TLS_EXT_KEY_SHARE,           -1};
    static const uint8_t alpn[] = "\x02h2\x08http/1.1";
    struct client k;

    client_init(&k);
    ck_assert_int_eq(SSL_set_tlsext_host_name(k.s, "example.com"), 1);
    ck_assert_int_eq(SSL_set_alpn_protos(k.s, alpn, sizeof(alpn) - 1), 0);
    ck_assert_int_eq(SSL_set_tlsext_max_fragment_length(k.s, TLSEXT_max_fragment_length_1024), 1);
    ck_assert_int_eq(SSL_set_tlsext_status_type(k.s, TLSEXT_STATUSTYPE_ocsp), 1);
    SSL_set_post_handshake_auth(k.s, 1);
    SSL_set_options(k.s, SSL_OP_ALLOW_NO_DHE_KEX | SSL_OP_NO_TICKET | SSL_OP_NO_ENCRYPT_THEN_MAC |
                             SSL_OP_NO_EXTENDED_MASTER_SECRET);
    write_client_hello(&k, TLS1_2_VERSION, TLS1_3_VERSION);
    assert_sent(&k, sent);
    /* RFC 6066 3: server_name_list<1..2^16-1> of { host_name(0), HostName<1..2^16-1> } */
    assert_body(&k, TLS_EXT_SERVER_NAME, "000e 00 000b 6578616d706c652e636f6d");
    /* RFC 6066 4: 2^10 is 2. */
    assert_body(&k, TLS_EXT_MAX_FRAGMENT_LENGTH, "02");
    /* RFC 6066 8: ocsp(1), no responder ids, no extensions. */
    assert_body(&k, TLS_EXT_STATUS_REQUEST, "01 0000 0000");
    /* RFC 7301 3.1: ProtocolName protocol_name_list<2..2^16-1>. */
    assert_body(&k, TLS_EXT_ALPN, "000c 02 6832 08 687474702f312e31");
    /* RFC 8446 4.2.6: empty. */
    assert_body(&k, TLS_EXT_POST_HANDSHAKE_AUTH, "");
    /* psk_dhe_ke, then psk_ke. */
    assert_body(&k, TLS_EXT_PSK_KEX_MODES, "02 01 00");
    client_free(&k);
}
END_TEST

/* supported_versions lists the range offered, highest first; a TLS 1.2 (or
 * lower) ClientHello carries none of TLS 1.3's extensions, and one that
 * cannot be TLS 1.2 carries no signature_algorithms before it. */
START_TEST(version_range)
{
    struct client k;

    client_init(&k);
    SSL_set_post_handshake_auth(k.s, 1);
    write_client_hello(&k, TLS1_VERSION, TLS1_3_VERSION);
    assert_body(&k, TLS_EXT_SUPPORTED_VERSIONS, "08 0304 0303 0302 0301");
    ck_assert(k.ch.present[TLS_EXT_POST_HANDSHAKE_AUTH]);
    client_free(&k);

    client_init(&k);
    write_client_hello(&k, TLS1_3_VERSION, TLS1_3_VERSION);
    assert_body(&k, TLS_EXT_SUPPORTED_VERSIONS, "02 0304");
    assert_key_share(&k, 0x001d, 32);
    client_free(&k);

    client_init(&k);
    SSL_set_post_handshake_auth(k.s, 1);
    write_client_hello(&k, TLS1_2_VERSION, TLS1_2_VERSION);
    ck_assert(!k.ch.present[TLS_EXT_SUPPORTED_VERSIONS]);
    ck_assert(!k.ch.present[TLS_EXT_KEY_SHARE]);
    ck_assert(!k.ch.present[TLS_EXT_PSK_KEX_MODES]);
    ck_assert(!k.ch.present[TLS_EXT_POST_HANDSHAKE_AUTH]);
    ck_assert_ptr_null(k.hs->kex_priv);
    assert_body(&k, TLS_EXT_SIG_ALGS, "0006 0403 0804 0807");
    client_free(&k);

    client_init(&k);
    write_client_hello(&k, TLS1_VERSION, TLS1_1_VERSION);
    ck_assert(!k.ch.present[TLS_EXT_SIG_ALGS]);
    ck_assert(!k.ch.present[TLS_EXT_SUPPORTED_VERSIONS]);
    ck_assert(!k.ch.present[TLS_EXT_KEY_SHARE]);
    client_free(&k);
}
END_TEST

/* ------------------------------------------------------ the server's answers */

/* Collects and parses list (hex) as the server's message of context, the
 * client's ClientHello having been written first. */
static int answer(struct client *k, unsigned int context, const char *hex)
{
    uint8_t list[512];
    size_t len = unit_unhex(hex, list, sizeof(list));
    struct tls_ext_set set;
    tls_reader r;

    /* As in the handshake, the version is settled before the extensions
     * are parsed (a HelloRetryRequest means TLS 1.3): TLS 1.2-only ones are
     * skipped in TLS 1.3 and the other way round. */
    k->c->version = context == SSL_EXT_TLS1_2_SERVER_HELLO ? TLS1_2_VERSION : TLS1_3_VERSION;
    k->s->version = k->c->version;
    tls_r_init(&r, list, len);
    return tls_ext_collect(k->s, k->hs, context, &r, &set) &&
           tls_ext_parse_all(k->s, k->c, k->hs, context, &set);
}

static void assert_refused(struct client *k, int alert, int reason)
{
    ck_assert_int_eq(unit_ssl_reason(), reason);
    ck_assert_int_eq(unit_fatal_alert_written(k->out), alert);
}

/* A client that offered h2 and http/1.1, max_fragment_length 2^10 and a
 * server name, over TLS 1.2 and 1.3. */
static void offering_client(struct client *k)
{
    static const uint8_t alpn[] = "\x02h2\x08http/1.1";
    client_init(k);
    ck_assert_int_eq(SSL_set_alpn_protos(k->s, alpn, sizeof(alpn) - 1), 0);
    ck_assert_int_eq(SSL_set_tlsext_max_fragment_length(k->s, TLSEXT_max_fragment_length_1024), 1);
    ck_assert_int_eq(SSL_set_tlsext_host_name(k->s, "example.com"), 1);
    write_client_hello(k, TLS1_2_VERSION, TLS1_3_VERSION);
}

/* EncryptedExtensions that agree: the protocol chosen, the fragment length
 * echoed, the name acknowledged; all recorded on the connection and the new
 * session. */
START_TEST(encrypted_extensions_accepted)
{
    struct client k;

    offering_client(&k);
    ck_assert_int_eq(answer(&k, SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS,
                            "0000 0000  0001 0001 02  0010 0005 0003 02 6832"),
                     1);
    ck_assert_int_eq(ERR_peek_error(), 0);
    ck_assert_uint_eq(k.c->alpn_len, 2);
    ck_assert_mem_eq(k.c->alpn, "h2", 2);
    ck_assert_uint_eq(k.s->session->alpn_selected_len, 2);
    ck_assert_mem_eq(k.s->session->alpn_selected, "h2", 2);
    ck_assert_int_eq(k.s->session->max_fragment_len_mode, TLSEXT_max_fragment_length_1024);
    ck_assert_str_eq(k.s->session->hostname, "example.com");
    client_free(&k);
}
END_TEST

/* Answers the client must refuse, in EncryptedExtensions. */
START_TEST(encrypted_extensions_refused)
{
    static const struct {
        const char *list;
        int alert, reason;
    } cases[] = {
        /* ALPN: a protocol we did not offer (RFC 7301 3.2) */
        {"0010 0007 0005 04 73706479", SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION},
        /* ALPN: two protocols, or an empty one */
        {"0010 000e 000c 02 6832 08 687474702f312e31", SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION},
        {"0010 0003 0001 00", SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION},
        /* max_fragment_length: not the value asked for (RFC 6066 4) */
        {"0001 0001 03", SSL_AD_ILLEGAL_PARAMETER, SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH},
        {"0001 0002 0200", SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION},
        /* server_name: must be empty in an answer (RFC 6066 3) */
        {"0000 0001 00", SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION},
        /* key_share does not belong in EncryptedExtensions */
        {"0033 0000", SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION},
    };
    struct client k;

    offering_client(&k);
    ck_assert_int_eq(answer(&k, SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS, cases[_i].list), 0);
    assert_refused(&k, cases[_i].alert, cases[_i].reason);
    client_free(&k);
}
END_TEST

/* The same answers in a TLS 1.2 ServerHello (each checked against stock
 * 3.0.19 fed the same ServerHello), and what only TLS 1.2 has. */
START_TEST(tls12_server_hello)
{
    static const struct {
        const char *list;
        int alert, reason; /* 0: accepted */
    } cases[] = {
        {"ff01 0001 00  0010 0005 0003 02 6832  0001 0001 02  0017 0000  0023 0000", 0, 0},
        {"ff01 0001 00  0010 0007 0005 04 73706479", SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION},
        {"ff01 0001 00  0001 0001 03", SSL_AD_ILLEGAL_PARAMETER,
         SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH},
        /* ec_point_formats: an empty list (RFC 4492 5.2) */
        {"ff01 0001 00  000b 0001 00", SSL_AD_DECODE_ERROR, SSL_R_BAD_LENGTH},
        /* session_ticket: must be empty (RFC 5077 3.2) */
        {"ff01 0001 00  0023 0001 aa", SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION},
        /* renegotiation_info: must be empty on a first handshake (RFC 5746 3.4) */
        {"ff01 0002 0100", SSL_AD_ILLEGAL_PARAMETER, SSL_R_RENEGOTIATION_MISMATCH},
        {"ff01 0002 0500", SSL_AD_DECODE_ERROR, SSL_R_RENEGOTIATION_ENCODING_ERR},
        /* ... and must be there (stock 3.0 refuses legacy servers by default) */
        {"0017 0000", SSL_AD_HANDSHAKE_FAILURE, SSL_R_UNSAFE_LEGACY_RENEGOTIATION_DISABLED},
        /* status_request: we did not ask */
        {"ff01 0001 00  0005 0000", SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_UNSOLICITED_EXTENSION},
    };
    struct client k;
    int ok;

    offering_client(&k);
    ok = answer(&k, SSL_EXT_TLS1_2_SERVER_HELLO, cases[_i].list);
    if (cases[_i].reason == 0) {
        ck_assert_int_eq(ok, 1);
        ck_assert_int_eq(ERR_peek_error(), 0);
        ck_assert_int_eq(k.c->secure_renegotiation, 1);
        ck_assert_mem_eq(k.c->alpn, "h2", 2);
        ck_assert(k.s->session->flags & SHIM_SESS_FLAG_EXTMS);
        ck_assert_int_eq(k.hs->ticket_expected, 1);
    } else {
        ck_assert_int_eq(ok, 0);
        assert_refused(&k, cases[_i].alert, cases[_i].reason);
    }
    client_free(&k);
}
END_TEST

/* A HelloRetryRequest (RFC 8446 4.1.4): TLS 1.3 selected, another group
 * asked for, a cookie to echo; the next ClientHello has a share in the new
 * group (and a new key) and the cookie, byte for byte. */
START_TEST(hello_retry_request_then_second_client_hello)
{
    struct client k;
    EVP_PKEY *first;

    client_init(&k);
    write_client_hello(&k, TLS1_2_VERSION, TLS1_3_VERSION);
    first = k.hs->kex_priv;
    ck_assert(EVP_PKEY_up_ref(first));
    ck_assert_int_eq(answer(&k, SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST,
                            "002b 0002 0304  0033 0002 0017  002c 0005 0003 aabbcc"),
                     1);
    ck_assert_int_eq(ERR_peek_error(), 0);
    ck_assert_uint_eq(k.hs->kex_group->id, 0x0017);
    ck_assert_ptr_null(k.hs->kex_priv);
    ck_assert_uint_eq(k.hs->cl.cookie_len, 3);

    write_client_hello(&k, TLS1_2_VERSION, TLS1_3_VERSION);
    /* P-256: an uncompressed point, 65 bytes (RFC 8446 4.2.8.2). */
    assert_key_share(&k, 0x0017, 65);
    ck_assert_int_eq(share_public(&k, (uint8_t[133]){0}, 133), 65);
    ck_assert(EVP_PKEY_eq(first, k.hs->kex_priv) != 1);
    /* RFC 8446 4.2.2: Cookie { opaque cookie<1..2^16-1> }, as received. */
    assert_body(&k, TLS_EXT_COOKIE, "0003 aabbcc");
    EVP_PKEY_free(first);
    client_free(&k);
}
END_TEST

/* HelloRetryRequests to refuse (stock's checks and reasons). */
START_TEST(hello_retry_request_refused)
{
    static const struct {
        const char *list;
        int alert, reason;
    } cases[] = {
        /* supported_versions selecting anything but TLS 1.3 */
        {"002b 0002 0303", SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_PROTOCOL_VERSION_NUMBER},
        {"002b 0002 7f1c", SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_PROTOCOL_VERSION_NUMBER},
        {"002b 0003 030400", SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH},
        {"002b 0001 03", SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH},
        /* key_share: the group we already sent a share in (RFC 8446 4.1.4) */
        {"0033 0002 001d", SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE},
        /* key_share: a group we did not offer (secp384r1) */
        {"0033 0002 0018", SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE},
        {"0033 0003 001700", SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH},
        /* cookie: the length is wrong */
        {"002c 0005 0005 aabbcc", SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH},
        /* a HelloRetryRequest cannot accept a PSK */
        {"0029 0002 0000", SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION},
    };
    struct client k;

    client_init(&k);
    write_client_hello(&k, TLS1_2_VERSION, TLS1_3_VERSION);
    ck_assert_int_eq(answer(&k, SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST, cases[_i].list), 0);
    assert_refused(&k, cases[_i].alert, cases[_i].reason);
    client_free(&k);
}
END_TEST

/* A TLS 1.3 ServerHello's key share: the shared secret is the one libcrypto
 * computes from the server's private key and the public key we sent. */
START_TEST(server_hello_key_share)
{
    struct client k;
    EVP_PKEY *server = EVP_PKEY_Q_keygen(NULL, NULL, "X25519"), *client_pub;
    uint8_t pub[32], cpub[32], want[32], got[32];
    size_t n = sizeof(pub), want_len = sizeof(want);
    char list[256];
    EVP_PKEY_CTX *pctx;

    ck_assert_ptr_nonnull(server);
    ck_assert(EVP_PKEY_get_raw_public_key(server, pub, &n));
    client_init(&k);
    write_client_hello(&k, TLS1_2_VERSION, TLS1_3_VERSION);
    ck_assert_uint_eq(share_public(&k, cpub, sizeof(cpub)), 32);

    strcpy(list, "002b 0002 0304  0033 0024 001d 0020 ");
    for (size_t i = 0; i < 32; i++)
        sprintf(list + strlen(list), "%02x", pub[i]);
    ck_assert_int_eq(answer(&k, SSL_EXT_TLS1_3_SERVER_HELLO, list), 1);
    ck_assert_int_eq(ERR_peek_error(), 0);

    client_pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, cpub, 32);
    pctx = EVP_PKEY_CTX_new(server, NULL);
    ck_assert(EVP_PKEY_derive_init(pctx) == 1 && EVP_PKEY_derive_set_peer(pctx, client_pub) == 1 &&
              EVP_PKEY_derive(pctx, want, &want_len) == 1);
    ck_assert_uint_eq(k.hs->dhe_len, 32);
    ck_assert_mem_eq(k.hs->dhe, want, 32);
    ck_assert_uint_eq(k.c->group->id, 0x001d);
    ck_assert_uint_eq(k.s->session->kex_group, 0x001d);
    /* The share is kept as bytes; SSL_get_peer_tmp_key's key is made from
     * them when asked for, and is the server's public key. */
    ck_assert_ptr_null(k.c->peer_tmp);
    ck_assert_ptr_nonnull(tls_conn_peer_tmp(k.c));
    n = sizeof(got);
    ck_assert(EVP_PKEY_get_raw_public_key(k.c->peer_tmp, got, &n));
    ck_assert_uint_eq(n, 32);
    ck_assert_mem_eq(got, pub, 32);
    EVP_PKEY_CTX_free(pctx);
    EVP_PKEY_free(client_pub);
    EVP_PKEY_free(server);
    client_free(&k);
}
END_TEST

/* TLS 1.3 ServerHellos to refuse. */
START_TEST(server_hello_refused)
{
    static const struct {
        const char *list;
        int alert, reason;
    } cases[] = {
        /* a share in another group than ours */
        {"002b 0002 0304  0033 0045 0017 0041 04"
         "0000000000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000000000000000000000000000000000",
         SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE},
        /* an empty key */
        {"002b 0002 0304  0033 0004 001d 0000", SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH},
        /* no key share and no PSK: nothing to derive keys from */
        {"002b 0002 0304", SSL_AD_MISSING_EXTENSION, SSL_R_NO_SUITABLE_KEY_SHARE},
        /* a PSK we did not offer */
        {"002b 0002 0304  0029 0002 0000", SSL_AD_UNSUPPORTED_EXTENSION,
         SSL_R_UNSOLICITED_EXTENSION},
        /* a cookie belongs in a HelloRetryRequest only */
        {"002b 0002 0304  002c 0003 0001 aa", SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION},
    };
    struct client k;

    client_init(&k);
    write_client_hello(&k, TLS1_2_VERSION, TLS1_3_VERSION);
    ck_assert_int_eq(answer(&k, SSL_EXT_TLS1_3_SERVER_HELLO, cases[_i].list), 0);
    assert_refused(&k, cases[_i].alert, cases[_i].reason);
    client_free(&k);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("ext_client");
    TCase *tc = tcase_create("ext_client");
    tcase_add_test(tc, default_client_hello);
    tcase_add_test(tc, configured_client_hello);
    tcase_add_test(tc, version_range);
    tcase_add_test(tc, encrypted_extensions_accepted);
    tcase_add_loop_test(tc, encrypted_extensions_refused, 0, 7);
    tcase_add_loop_test(tc, tls12_server_hello, 0, 9);
    tcase_add_test(tc, hello_retry_request_then_second_client_hello);
    tcase_add_loop_test(tc, hello_retry_request_refused, 0, 9);
    tcase_add_test(tc, server_hello_key_share);
    tcase_add_loop_test(tc, server_hello_refused, 0, 5);
    suite_add_tcase(s, tc);
    return s;
}
