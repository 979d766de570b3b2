/*
 * shimssl differential test: the client's handshake-message parsers under
 * truncated and oversized input.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The program plays the server over memory BIOs: it reads our ClientHello,
 * builds a valid server flight for it (TLS 1.2: ServerHello, Certificate,
 * ServerKeyExchange signed for real, [CertificateRequest,] ServerHelloDone;
 * TLS 1.3: ServerHello or HelloRetryRequest, the messages that travel in the
 * clear; tls13-enc: ServerHello, then EncryptedExtensions, [CertificateRequest,]
 * Certificate, CertificateVerify and Finished under the handshake keys, which
 * the program derives itself), then sends
 * it with one message damaged: its body cut to every shorter length (the
 * message header adjusted, so that the parser inside sees the short body),
 * one byte too long, or a header claiming 16 MB.  For each it prints what
 * SSL_connect returned, SSL_get_error, the error queue and the records the
 * client wrote back (its alert, decrypted when it was sent under the
 * client's handshake key).  Stock and ours must print the same.
 *
 * tls13-post completes that handshake and then damages the post-handshake
 * NewSessionTicket and KeyUpdate, as SSL_read meets them.
 *
 * With "flip", each body byte is instead altered in place (low bit, then
 * every bit inverted), which reaches the checks on values, not only lengths.
 *
 * With "order", each message is instead replaced by one of another type (its
 * header alone), preceded by an empty HelloRequest, or split by a
 * ChangeCipherSpec record or another (unexpected_messages below).
 *
 * tls12-cbc completes TLS 1.2 handshakes with CBC suites, MAC then encrypt,
 * and sends records with a bad padding or a bad MAC (Finished, data).
 *
 * usage: diff_parse tls12 | tls12-certreq | tls13 | hrr | tls13-enc | tls13-enc-certreq |
 *        tls13-post | tls12-cbc  [flip | order]
 */
#include "diff_common.h"
#include "diff_wire.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <string.h>

static EVP_PKEY *server_key;
static X509 *server_cert;

/* What the server needs from the ClientHello. */
struct hello {
    unsigned char random[32], sid[32];
    size_t sid_len;
    unsigned char msg[4096]; /* the whole message, for the TLS 1.3 transcript */
    size_t msg_len;
    unsigned char x25519[32]; /* the client's X25519 key share */
    int has_x25519;
};

/* The X25519 entry of the key_share extension, if there is one. The hello
 * is our client's own, so only the lengths that lead to it are followed. */
static void find_x25519_share(struct hello *h)
{
    const unsigned char *m = h->msg;
    size_t i = 4 + 2 + 32, end;

    i += 1 + m[i];          /* session id */
    i += 2 + u16_at(m + i); /* cipher suites */
    i += 1 + m[i];          /* compression methods */
    end = i + 2 + u16_at(m + i);
    for (i += 2; i + 4 <= end && end <= h->msg_len; i += 4 + u16_at(m + i + 2)) {
        size_t ext_end = i + 4 + u16_at(m + i + 2);
        if (u16_at(m + i) != 0x0033)
            continue;
        for (size_t j = i + 6; j + 4 <= ext_end; j += 4 + u16_at(m + j + 2)) {
            if (u16_at(m + j) == 0x001d && u16_at(m + j + 2) == 32) {
                memcpy(h->x25519, m + j + 4, 32);
                h->has_x25519 = 1;
            }
        }
    }
}

static int read_client_hello(BIO *wb, struct hello *h)
{
    unsigned char in[4096];
    int n = BIO_read(wb, in, sizeof(in));

    /* record header (5), handshake header (4), version (2), random, sid */
    if (n < 5 + 4 + 2 + 32 + 1 || in[0] != 22 || in[5] != 1 || (size_t)n != 5 + u16_at(in + 3))
        return 0;
    memcpy(h->random, in + 11, 32);
    h->sid_len = in[43];
    memcpy(h->sid, in + 44, h->sid_len);
    h->msg_len = (size_t)n - 5;
    memcpy(h->msg, in + 5, h->msg_len);
    h->has_x25519 = 0;
    find_x25519_share(h);
    return 1;
}

static const unsigned char server_random[32] = {
    0x5e, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0,
    0x01, 0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x78, 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf1};

/* RFC 8446 4.1.3: what a TLS 1.3 server that negotiates TLS 1.2 (or below)
 * puts at the end of its random; a TLS 1.2 ServerHello here may carry one. */
static const unsigned char *downgrade_sentinel;
static const unsigned char sentinel_tls12[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
static const unsigned char sentinel_tls11[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00};
/* The TLS 1.2 ServerHello's random, as the ServerKeyExchange signs it. */
static unsigned char random_12[32];
/* The ec_point_formats list the TLS 1.2 ServerHello carries (RFC 8422
 * 5.2): uncompressed by default. */
static const unsigned char *point_formats = (const unsigned char *)"\x00";
static size_t point_formats_len = 1;

/* The fixed random that marks a HelloRetryRequest (RFC 8446 4.1.3). */
static const unsigned char hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* ServerHello for `suite`, with extended_master_secret or not. */
static void server_hello_12_as(struct buf *o, const struct hello *h, unsigned suite, int ems)
{
    struct buf b = {{0}, 0};

    put_u16(&b, 0x0303);
    memcpy(random_12, server_random, 32);
    if (downgrade_sentinel != NULL)
        memcpy(random_12 + 24, downgrade_sentinel, 8);
    put(&b, random_12, 32);
    put_u8(&b, (unsigned)h->sid_len);
    put(&b, h->sid, h->sid_len);
    put_u16(&b, suite);
    put_u8(&b, 0);
    put_u16(&b, 4 + 1 + (ems ? 4 : 0) + 4 + 1 + (unsigned)point_formats_len);
    put_u16(&b, 0xff01), put_u16(&b, 1), put_u8(&b, 0); /* renegotiation_info */
    if (ems)
        put_u16(&b, 0x0017), put_u16(&b, 0); /* extended_master_secret */
    put_u16(&b, 0x000b), put_u16(&b, 1 + (unsigned)point_formats_len);
    put_u8(&b, (unsigned)point_formats_len), put(&b, point_formats, point_formats_len);
    message(o, 2, &b);
}

static void server_hello_12(struct buf *o, const struct hello *h)
{
    server_hello_12_as(o, h, 0xc02b, 1); /* ECDHE-ECDSA-AES128-GCM-SHA256 */
}

static void certificate_12(struct buf *o)
{
    struct buf b = {{0}, 0};
    unsigned char *der = NULL;
    int n = i2d_X509(server_cert, &der);

    put_u24(&b, (size_t)n + 3);
    put_u24(&b, (size_t)n);
    put(&b, der, (size_t)n);
    OPENSSL_free(der);
    message(o, 11, &b);
}

/* ECDHE over X25519, signed with ecdsa_secp256r1_sha256 over both randoms
 * and the parameters, as RFC 5246 7.4.3 / RFC 8422 5.4 say. */
static void server_key_exchange_keep(struct buf *o, const struct hello *h, EVP_PKEY **keep);

static void server_key_exchange(struct buf *o, const struct hello *h)
{
    server_key_exchange_keep(o, h, NULL);
}

/* ... and the ephemeral key kept in *keep (NULL: freed). */
static void server_key_exchange_keep(struct buf *o, const struct hello *h, EVP_PKEY **keep)
{
    struct buf b = {{0}, 0}, tbs = {{0}, 0};
    EVP_PKEY *eph = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    unsigned char pub[32], sig[128];
    size_t pub_len = sizeof(pub), sig_len = sizeof(sig);
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    EVP_PKEY_get_raw_public_key(eph, pub, &pub_len);
    put_u8(&b, 3);
    put_u16(&b, 0x001d);
    put_u8(&b, (unsigned)pub_len);
    put(&b, pub, pub_len);
    put(&tbs, h->random, 32);
    put(&tbs, random_12, 32);
    put(&tbs, b.b, b.n);
    /* ECDSA signatures vary in length; one of 72 bytes keeps the message
     * the same size on every run. */
    do {
        sig_len = sizeof(sig);
        EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, server_key);
        EVP_DigestSign(md, sig, &sig_len, tbs.b, tbs.n);
    } while (sig_len != 72);
    put_u16(&b, 0x0403);
    put_u16(&b, (unsigned)sig_len);
    put(&b, sig, sig_len);
    EVP_MD_CTX_free(md);
    if (keep != NULL)
        *keep = eph;
    else
        EVP_PKEY_free(eph);
    message(o, 12, &b);
}

/* Certificate types, signature algorithms and one CA name. */
static void certificate_request_12(struct buf *o)
{
    struct buf b = {{0}, 0};
    unsigned char *der = NULL;
    int n = i2d_X509_NAME(X509_get_subject_name(server_cert), &der);

    put_u8(&b, 2), put_u8(&b, 1), put_u8(&b, 64); /* rsa_sign, ecdsa_sign */
    put_u16(&b, 6), put_u16(&b, 0x0403), put_u16(&b, 0x0804), put_u16(&b, 0x0401);
    put_u16(&b, (unsigned)n + 2);
    put_u16(&b, (unsigned)n);
    put(&b, der, (size_t)n);
    OPENSSL_free(der);
    message(o, 13, &b);
}

static void server_hello_done(struct buf *o)
{
    struct buf b = {{0}, 0};
    message(o, 14, &b);
}

static void server_hello_13(struct buf *o, const struct hello *h, int retry, EVP_PKEY *eph)
{
    struct buf b = {{0}, 0};
    unsigned char pub[32];
    size_t pub_len = sizeof(pub);

    EVP_PKEY_get_raw_public_key(eph, pub, &pub_len);
    put_u16(&b, 0x0303);
    put(&b, retry ? hrr_random : server_random, 32);
    put_u8(&b, (unsigned)h->sid_len);
    put(&b, h->sid, h->sid_len);
    put_u16(&b, 0x1301);
    put_u8(&b, 0);
    if (retry) {
        put_u16(&b, 6 + 6 + 10);
        put_u16(&b, 0x002b), put_u16(&b, 2), put_u16(&b, 0x0304);
        put_u16(&b, 0x0033), put_u16(&b, 2), put_u16(&b, 0x0017); /* ask for P-256 */
        put_u16(&b, 0x002c), put_u16(&b, 6), put_u16(&b, 4);      /* cookie */
        put_u16(&b, 0xc00c), put_u16(&b, 0xffee);
    } else {
        put_u16(&b, 6 + 4 + 4 + pub_len);
        put_u16(&b, 0x002b), put_u16(&b, 2), put_u16(&b, 0x0304);
        put_u16(&b, 0x0033), put_u16(&b, (unsigned)(4 + pub_len));
        put_u16(&b, 0x001d), put_u16(&b, (unsigned)pub_len);
        put(&b, pub, pub_len);
    }
    message(o, 2, &b);
}

/* ---------------------------------------------- TLS 1.3 under encryption */

/* The fake server's TLS 1.3 state: TLS_AES_128_GCM_SHA256 only. */
static struct {
    struct buf transcript; /* the handshake messages so far, as hashed */
    struct aead_key s, c;  /* the server's and the client's record keys */
    unsigned char s_finished[32], handshake_secret[32], s_ap[32];
    int keyed;
} t13;

static void transcript_add(const struct buf *m)
{
    put(&t13.transcript, m->b, m->n);
}

static void transcript_hash(unsigned char out[32])
{
    SHA256(t13.transcript.b, t13.transcript.n, out);
}

/* From the (EC)DHE secret and the transcript up to ServerHello: both sides'
 * handshake traffic keys and the server's finished key. */
static void handshake_keys(const unsigned char *shared, size_t shared_len)
{
    unsigned char early[32], empty[32], derived[32], th[32], s_hs[32], c_hs[32];

    wire_hkdf_extract(EVP_sha256(), NULL, NULL, 0, early);
    SHA256(NULL, 0, empty);
    wire_expand_label(EVP_sha256(), early, "derived", empty, 32, derived, 32);
    wire_hkdf_extract(EVP_sha256(), derived, shared, shared_len, t13.handshake_secret);
    transcript_hash(th);
    wire_derive_secret(EVP_sha256(), t13.handshake_secret, "s hs traffic", th, s_hs);
    wire_derive_secret(EVP_sha256(), t13.handshake_secret, "c hs traffic", th, c_hs);
    wire_traffic_key(EVP_sha256(), EVP_aes_128_gcm(), s_hs, &t13.s);
    wire_traffic_key(EVP_sha256(), EVP_aes_128_gcm(), c_hs, &t13.c);
    wire_expand_label(EVP_sha256(), s_hs, "finished", NULL, 0, t13.s_finished, 32);
    t13.keyed = 1;
}

static void application_keys(void)
{
    unsigned char empty[32], derived[32], master[32], th[32], c_ap[32];

    SHA256(NULL, 0, empty);
    wire_expand_label(EVP_sha256(), t13.handshake_secret, "derived", empty, 32, derived, 32);
    wire_hkdf_extract(EVP_sha256(), derived, NULL, 0, master);
    transcript_hash(th);
    wire_derive_secret(EVP_sha256(), master, "s ap traffic", th, t13.s_ap);
    wire_derive_secret(EVP_sha256(), master, "c ap traffic", th, c_ap);
    wire_traffic_key(EVP_sha256(), EVP_aes_128_gcm(), t13.s_ap, &t13.s);
    wire_traffic_key(EVP_sha256(), EVP_aes_128_gcm(), c_ap, &t13.c);
}

/* KeyUpdate: the server's next traffic secret (RFC 8446 7.2). */
static void update_server_key(void)
{
    unsigned char next[32];

    wire_expand_label(EVP_sha256(), t13.s_ap, "traffic upd", NULL, 0, next, 32);
    memcpy(t13.s_ap, next, 32);
    wire_traffic_key(EVP_sha256(), EVP_aes_128_gcm(), t13.s_ap, &t13.s);
}

/* One TLSCiphertext record holding `n` bytes of content `type`. */
static void seal_record(struct buf *o, const unsigned char *p, size_t n, unsigned char type)
{
    wire_seal13(o, &t13.s, p, n, type);
}

/* server_name and ALPN acknowledged (the client offers both), and the
 * server's groups. */
static void encrypted_extensions(struct buf *o)
{
    struct buf b = {{0}, 0};

    put_u16(&b, 4 + 10 + 9);
    put_u16(&b, 0x0000), put_u16(&b, 0);
    put_u16(&b, 0x000a), put_u16(&b, 6), put_u16(&b, 4), put_u16(&b, 0x001d), put_u16(&b, 0x0017);
    put_u16(&b, 0x0010), put_u16(&b, 5), put_u16(&b, 3), put_u8(&b, 2), put(&b, "h2", 2);
    message(o, 8, &b);
}

/* signature_algorithms and certificate_authorities (one name). */
static void certificate_request_13(struct buf *o)
{
    struct buf b = {{0}, 0};
    unsigned char *der = NULL;
    int n = i2d_X509_NAME(X509_get_subject_name(server_cert), &der);

    put_u8(&b, 0);
    put_u16(&b, 12 + 8 + (unsigned)n);
    put_u16(&b, 0x000d), put_u16(&b, 8), put_u16(&b, 6);
    put_u16(&b, 0x0403), put_u16(&b, 0x0804), put_u16(&b, 0x0401);
    put_u16(&b, 0x002f), put_u16(&b, (unsigned)n + 4), put_u16(&b, (unsigned)n + 2);
    put_u16(&b, (unsigned)n);
    put(&b, der, (size_t)n);
    OPENSSL_free(der);
    message(o, 13, &b);
}

static void certificate_13(struct buf *o)
{
    struct buf b = {{0}, 0};
    unsigned char *der = NULL;
    int n = i2d_X509(server_cert, &der);

    put_u8(&b, 0);
    put_u24(&b, (size_t)n + 3 + 2);
    put_u24(&b, (size_t)n);
    put(&b, der, (size_t)n);
    put_u16(&b, 0);
    OPENSSL_free(der);
    message(o, 11, &b);
}

/* ecdsa_secp256r1_sha256 over the RFC 8446 4.4.3 context string and the
 * transcript hash; a 72-byte signature keeps the size the same every run. */
static void certificate_verify_13(struct buf *o)
{
    struct buf b = {{0}, 0}, tbs = {{0}, 0};
    static const char context[] = "TLS 1.3, server CertificateVerify";
    unsigned char th[32], sig[128];
    size_t sig_len;
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    transcript_hash(th);
    memset(tbs.b, 0x20, 64);
    tbs.n = 64;
    put(&tbs, context, sizeof(context)); /* with its terminating 0 */
    put(&tbs, th, 32);
    do {
        sig_len = sizeof(sig);
        EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, server_key);
        EVP_DigestSign(md, sig, &sig_len, tbs.b, tbs.n);
    } while (sig_len != 72);
    EVP_MD_CTX_free(md);
    put_u16(&b, 0x0403);
    put_u16(&b, (unsigned)sig_len);
    put(&b, sig, sig_len);
    message(o, 15, &b);
}

static void finished_13(struct buf *o)
{
    struct buf b = {{0}, 0};
    unsigned char th[32];

    transcript_hash(th);
    wire_hmac(EVP_sha256(), t13.s_finished, 32, th, 32, b.b);
    b.n = 32;
    message(o, 20, &b);
}

/* ServerHello with our X25519 share, then the encrypted messages, each
 * added to the transcript as the next one is computed from it. Returns the
 * number of messages. */
static int flight_13_encrypted(const char *kind, const struct hello *h, struct buf *msgs)
{
    EVP_PKEY *eph = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, h->x25519, 32);
    EVP_PKEY_CTX *dh = EVP_PKEY_CTX_new(eph, NULL);
    unsigned char shared[32];
    size_t shared_len = sizeof(shared);
    struct buf ch = {{0}, 0};
    int count = 0;

    EVP_PKEY_derive_init(dh);
    EVP_PKEY_derive_set_peer(dh, peer);
    EVP_PKEY_derive(dh, shared, &shared_len);
    EVP_PKEY_CTX_free(dh);
    EVP_PKEY_free(peer);
    t13.transcript.n = 0;
    put(&ch, h->msg, h->msg_len);
    transcript_add(&ch);
    server_hello_13(&msgs[count], h, 0, eph);
    EVP_PKEY_free(eph);
    transcript_add(&msgs[count++]);
    handshake_keys(shared, shared_len);
    encrypted_extensions(&msgs[count]);
    transcript_add(&msgs[count++]);
    if (strcmp(kind, "tls13-enc-certreq") == 0) {
        certificate_request_13(&msgs[count]);
        transcript_add(&msgs[count++]);
    }
    certificate_13(&msgs[count]);
    transcript_add(&msgs[count++]);
    certificate_verify_13(&msgs[count]);
    transcript_add(&msgs[count++]);
    finished_13(&msgs[count]);
    transcript_add(&msgs[count++]);
    return count;
}

static const struct damage intact = {.kind = INTACT};

/* SPLIT: the record that goes inside the message (a ChangeCipherSpec, or
 * another) and where in the clear flight, or SIZE_MAX. */
static struct {
    unsigned type;
    unsigned char body[2];
    size_t len;
    size_t at;
} inserted = {0, {0}, 0, SIZE_MAX};

/* Builds the flight for this ClientHello; message number `target` gets the
 * damage.  Messages after a damaged one are left out, but after one with a
 * HelloRequest before it or a record inside it.  The messages from `encrypted_from` on go to `enc`,
 * to be sent under the handshake keys.  Returns the number of messages in the full flight. */
/* Whether the messages after the damaged one are sent too. */
static int whole_flight(const struct damage *d)
{
    return d->kind == INTACT || d->kind == HELLO_REQ || d->kind == SPLIT;
}

static int flight(const char *kind, const struct hello *h, int target, const struct damage *d,
                  struct buf *clear, struct buf *enc, size_t *target_body_len)
{
    static struct buf msgs[6];
    int count = 0, encrypted_from = 6;
    struct buf *out = clear;

    memset(msgs, 0, sizeof(msgs));
    enc->n = 0;
    t13.keyed = 0;
    if (strncmp(kind, "tls13-enc", 9) == 0 || strcmp(kind, "tls13-post") == 0) {
        count = flight_13_encrypted(kind, h, msgs);
        encrypted_from = 1;
    } else if (strncmp(kind, "tls12", 5) == 0) {
        server_hello_12(&msgs[count++], h);
        certificate_12(&msgs[count++]);
        server_key_exchange(&msgs[count++], h);
        if (strcmp(kind, "tls12-certreq") == 0)
            certificate_request_12(&msgs[count++]);
        server_hello_done(&msgs[count++]);
    } else {
        EVP_PKEY *eph = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
        server_hello_13(&msgs[0], h, strcmp(kind, "hrr") == 0, eph);
        EVP_PKEY_free(eph);
        count = 1;
    }
    out->n = 0;
    for (int i = 0; i < count && (whole_flight(d) || i <= target); i++) {
        size_t split;
        if (i == encrypted_from)
            out = enc;
        if (i == target)
            *target_body_len = msgs[i].n - 4;
        split = wire_emit(out, &msgs[i], i == target ? d : NULL);
        if (split != SIZE_MAX && out == clear)
            inserted.at = split;
    }
    return count;
}

/* The records the client wrote after its ClientHello: plaintext alerts are
 * shown, anything else by type and length. */
static void show_written(BIO *wb)
{
    unsigned char out[8192];
    int n = BIO_read(wb, out, sizeof(out)), i = 0;

    if (n <= 0) {
        printf("    wrote nothing\n");
        return;
    }
    while (i + 5 <= n) {
        int len = (out[i + 3] << 8) | out[i + 4];
        unsigned char inner[8192];
        size_t inner_len;
        unsigned type;
        if (out[i] == 21 && len == 2 && i + 7 <= n)
            printf("    alert level %d desc %d\n", out[i + 5], out[i + 6]);
        else if (out[i] == 23 && t13.keyed && i + 5 + len <= n &&
                 wire_open13(&t13.c, out + i, (size_t)len + 5, inner, &inner_len, &type)) {
            if (type == 21 && inner_len == 2)
                printf("    encrypted alert level %d desc %d\n", inner[0], inner[1]);
            else
                printf("    encrypted record type %u, %zu bytes, first %d\n", type, inner_len,
                       inner_len > 0 ? inner[0] : -1);
        } else
            printf("    record type %d len %d\n", out[i], len);
        i += 5 + len;
    }
}

static void show_info(const SSL *s, int where, int ret)
{
    printf("    info 0x%04x %d %s\n", where, ret, SSL_state_string_long(s));
}

/* Variations on an intact KeyUpdate, for tls13-post. */
enum key_update_variant {
    KU_PLAIN,     /* update_not_requested, alone in its record */
    KU_REQUESTED, /* update_requested: the client answers with its own */
    KU_BAD_VALUE, /* request_update 2 */
    KU_MID_RECORD /* followed by a NewSessionTicket in the same record */
};
static enum key_update_variant ku_variant;

/* NewSessionTicket (with early_data) and KeyUpdate, each in its own record,
 * then application data under the updated key; message `target` damaged.
 * Shows what SSL_read makes of it. Frees `s`. */
static int post_handshake(SSL *s, int target, const struct damage *d, const char *label)
{
    static struct buf msgs[2], rec, one;
    struct buf b = {{0}, 0};
    unsigned char data[64];
    int r, count = 2;
    size_t body_len = 0;

    put(&b, "\x00\x00\x1c\x20\x01\x02\x03\x04", 8); /* lifetime 7200 s, age_add */
    put_u8(&b, 2), put_u16(&b, 0x0001);             /* ticket_nonce */
    put_u16(&b, 32);
    memset(b.b + b.n, 0x7a, 32);
    b.n += 32;
    put_u16(&b, 8), put_u16(&b, 0x002a), put_u16(&b, 4); /* early_data: max 16384 */
    put(&b, "\x00\x00\x40\x00", 4);
    msgs[0].n = msgs[1].n = 0;
    message(&msgs[0], 4, &b);
    b.n = 0;
    put_u8(&b, ku_variant == KU_REQUESTED ? 1 : ku_variant == KU_BAD_VALUE ? 2 : 0);
    message(&msgs[1], 24, &b);

    application_keys();
    rec.n = 0;
    for (int i = 0; i < count && (whole_flight(d) || i <= target); i++) {
        one.n = 0;
        if (i == target)
            body_len = msgs[i].n - 4;
        wire_emit(&one, &msgs[i], i == target ? d : NULL);
        if (i == 1 && ku_variant == KU_MID_RECORD)
            wire_emit(&one, &msgs[0], NULL);
        seal_record(&rec, one.b, one.n, 22);
        if (i == 1)
            update_server_key();
    }
    if (d->kind == INTACT)
        seal_record(&rec, (const unsigned char *)"ok", 2, 23);
    BIO_write(SSL_get_rbio(s), rec.b, (int)rec.n);
    if (ku_variant == KU_REQUESTED)
        SSL_set_info_callback(s, show_info);
    r = SSL_read(s, data, sizeof(data));
    if (label != NULL) {
        printf("%s: read %d, error %d", label, r, SSL_get_error(s, r));
        printf(r > 0 ? " \"%.*s\"\n" : "\n", r, (const char *)data);
        diff_print_errors("   ");
        show_written(SSL_get_wbio(s));
        if (ku_variant == KU_REQUESTED) {
            /* The answer to update_requested goes out with the next write. */
            r = SSL_write(s, "x", 1);
            printf("    then write %d, error %d\n", r, SSL_get_error(s, r));
            show_written(SSL_get_wbio(s));
        }
        if (d->kind == INTACT) {
            SSL_SESSION *ss = SSL_get_session(s);
            printf("    session: ticket %d, lifetime hint %lu, max early data %u, resumable %d\n",
                   SSL_SESSION_has_ticket(ss), SSL_SESSION_get_ticket_lifetime_hint(ss),
                   SSL_SESSION_get_max_early_data(ss), SSL_SESSION_is_resumable(ss));
        }
    }
    ERR_clear_error();
    SSL_free(s);
    return d->kind == INTACT ? count : (int)body_len;
}

/* A filter that counts the writes reaching the transport: a flight of
 * messages must go out in one. */
static int transport_writes;

static int count_write(BIO *b, const char *data, int len)
{
    int r = BIO_write(BIO_next(b), data, len);
    transport_writes++;
    BIO_clear_retry_flags(b);
    BIO_copy_next_retry(b);
    return r;
}

static int count_read(BIO *b, char *data, int len)
{
    int r = BIO_read(BIO_next(b), data, len);
    BIO_clear_retry_flags(b);
    BIO_copy_next_retry(b);
    return r;
}

static long count_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    return BIO_ctrl(BIO_next(b), cmd, num, ptr);
}

static BIO *counting_bio(BIO *next)
{
    static BIO_METHOD *m;
    if (m == NULL) {
        m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_FILTER, "write counter");
        BIO_meth_set_write(m, count_write);
        BIO_meth_set_read(m, count_read);
        BIO_meth_set_ctrl(m, count_ctrl);
    }
    BIO *b = BIO_new(m);
    BIO_set_init(b, 1);
    return BIO_push(b, next);
}

static int run(SSL_CTX *ctx, const char *kind, int target, const struct damage *d,
               const char *label)
{
    SSL *s = SSL_new(ctx);
    BIO *rb = BIO_new(BIO_s_mem()), *wb = counting_bio(BIO_new(BIO_s_mem()));
    static struct hello h;
    static struct buf fl, enc, rec;
    size_t body_len = 0;
    int r, count, post = strcmp(kind, "tls13-post") == 0;

    rec.n = 0;
    inserted.at = SIZE_MAX;
    BIO_set_mem_eof_return(rb, -1);
    SSL_set_bio(s, rb, wb);
    if (strncmp(kind, "tls13-enc", 9) == 0 || post) {
        /* So that the server may acknowledge both in EncryptedExtensions. */
        SSL_set_tlsext_host_name(s, "parse.test");
        SSL_set_alpn_protos(s, (const unsigned char *)"\x02h2", 3);
    }
    r = SSL_connect(s);
    if (r != -1 || !read_client_hello(wb, &h)) {
        printf("%s: no ClientHello\n", label);
        SSL_free(s);
        return 0;
    }
    /* tls13-post damages what follows an intact handshake. */
    count = flight(kind, &h, post ? -1 : target, post ? &intact : d, &fl, &enc, &body_len);
    /* All of it in handshake records of at most 2^14 bytes (SPLIT: the
     * inserted record between two of them). */
    for (size_t off = 0; off < fl.n;) {
        size_t len = fl.n - off < 16384 ? fl.n - off : 16384;
        if (inserted.at != SIZE_MAX && off <= inserted.at && inserted.at < off + len)
            len = inserted.at - off;
        if (len > 0)
            wire_record(&rec, 22, 0x0303, fl.b + off, len);
        off += len;
        if (off == inserted.at) {
            wire_record(&rec, inserted.type, 0x0303, inserted.body, inserted.len);
            inserted.at = SIZE_MAX;
        }
    }
    if (enc.n > 0) {
        /* The middlebox-compatibility change_cipher_spec, then the rest. */
        put_u8(&rec, 20), put_u16(&rec, 0x0303), put_u16(&rec, 1), put_u8(&rec, 1);
        for (size_t off = 0; off < enc.n; off += 16384)
            seal_record(&rec, enc.b + off, enc.n - off < 16384 ? enc.n - off : 16384, 22);
    }
    BIO_write(rb, rec.b, (int)rec.n);
    transport_writes = 0;
    r = SSL_connect(s);
    if (label != NULL && d->kind == INTACT)
        printf("%s: the client's flight in %d write(s)\n", label, transport_writes);
    if (post) {
        if (r != 1)
            printf("%s: handshake failed\n", label != NULL ? label : "measure");
        (void)BIO_reset(wb);
        return post_handshake(s, target, d, label);
    }
    if (label != NULL) {
        printf("%s: connect %d, error %d\n", label, r, SSL_get_error(s, r));
        diff_print_errors("   ");
        show_written(wb);
    }
    ERR_clear_error();
    SSL_free(s);
    return d->kind == INTACT ? count : (int)body_len;
}

/*
 * "order": each message of the flight in turn gives way to a message of
 * another type (or of its own), whose header claims a length the type allows
 * or not, sent without its body: stock judges the type and then the length
 * as soon as the header is in (unexpected_message before
 * excessive_message_size, before waiting for the body).  Then an empty
 * HelloRequest before each message (a client drops it during a handshake),
 * and ChangeCipherSpec records, good and malformed, and other records at
 * and inside each message sent in the clear.
 */
static void unexpected_messages(SSL_CTX *ctx, const char *kind, int count)
{
    static const unsigned types[] = {0, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 22, 24, 67, 99};
    static const size_t claims[] = {0, 10, 65, 0xffffff};
    static const struct {
        const char *name;
        unsigned type;
        size_t len;
        unsigned char body[2];
    } records[] = {{"good ChangeCipherSpec", 20, 1, {1, 0}},
                   {"two-byte ChangeCipherSpec", 20, 2, {1, 1}},
                   {"ChangeCipherSpec 2", 20, 1, {2, 0}},
                   {"application data", 23, 1, {'x', 0}},
                   {"record type 99", 99, 1, {'x', 0}}};
    static const size_t split_at[] = {0, 2, 4, 6};
    int tls12 = strncmp(kind, "tls12", 5) == 0;
    char label[128];

    for (int m = strncmp(kind, "tls13-enc", 9) == 0; m < count; m++) {
        /* Only the messages sent in the clear can have a record inside. */
        int clear = tls12 || (m == 0 && strcmp(kind, "tls13-post") != 0);
        struct damage d = {.kind = REPLACE};

        for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
            for (size_t k = 0; k < sizeof(claims) / sizeof(claims[0]); k++) {
                d = (struct damage){.kind = REPLACE, .type = types[t], .claim = claims[k]};
                snprintf(label, sizeof(label), "message %d as type %u claiming %zu, header only", m,
                         d.type, d.claim);
                run(ctx, kind, m, &d, label);
            }
        }
        snprintf(label, sizeof(label), "empty HelloRequest before message %d", m);
        d = (struct damage){.kind = HELLO_REQ};
        run(ctx, kind, m, &d, label);
        for (size_t c = 0; clear && c < sizeof(records) / sizeof(records[0]); c++) {
            for (size_t a = 0; a < sizeof(split_at) / sizeof(split_at[0]); a++) {
                inserted.type = records[c].type;
                inserted.len = records[c].len;
                memcpy(inserted.body, records[c].body, 2);
                d = (struct damage){.kind = SPLIT, .at = split_at[a]};
                snprintf(label, sizeof(label), "%s record after %zu bytes of message %d",
                         records[c].name, split_at[a], m);
                run(ctx, kind, m, &d, label);
            }
        }
    }
}

struct sweep {
    SSL_CTX *ctx;
    const char *kind;
};

static int sweep_run(void *arg, int target, const struct damage *d, const char *label)
{
    const struct sweep *sw = arg;
    return run(sw->ctx, sw->kind, target, d, label);
}

/* ------------------------------------------- tls12-cbc: records after it */

/* A full TLS 1.2 handshake with a CBC suite and no encrypt_then_mac (MAC
 * then encrypt, RFC 5246 6.2.3.2), no extended master secret, then the
 * server's records with a bad padding or a bad MAC: in its Finished or in
 * application data.  Both must be refused alike: bad_record_mac. */
struct cbc_case {
    const char *label;
    unsigned suite;
    int in_finished; /* the damage goes to the Finished, else to data */
    enum cbc_damage damage;
};

static const struct cbc_case cbc_cases[] = {
    {"ECDHE-ECDSA-AES128-SHA", 0xc009, 0, CBC_INTACT},
    {"ECDHE-ECDSA-AES128-SHA, Finished with a bad padding", 0xc009, 1, CBC_BAD_PADDING},
    {"ECDHE-ECDSA-AES128-SHA, Finished with a bad MAC", 0xc009, 1, CBC_BAD_MAC},
    {"ECDHE-ECDSA-AES128-SHA, data with a bad padding", 0xc009, 0, CBC_BAD_PADDING},
    {"ECDHE-ECDSA-AES128-SHA, data with a bad MAC", 0xc009, 0, CBC_BAD_MAC},
    {"ECDHE-ECDSA-AES128-SHA256, data with a bad padding", 0xc023, 0, CBC_BAD_PADDING},
    {"ECDHE-ECDSA-AES128-SHA256, data with a bad MAC", 0xc023, 0, CBC_BAD_MAC},
    {"ECDHE-ECDSA-AES256-SHA384", 0xc024, 0, CBC_INTACT},
    {"ECDHE-ECDSA-AES256-SHA384, data with a bad padding", 0xc024, 0, CBC_BAD_PADDING},
    {"ECDHE-ECDSA-AES256-SHA384, data with a bad MAC", 0xc024, 0, CBC_BAD_MAC},
};

/* The handshake messages the client sent after its ClientHello: the
 * ClientKeyExchange in the clear, then (after its ChangeCipherSpec) the
 * Finished under `rd`.  Appends both to the transcript. */
static int read_client_flight12(BIO *wb, struct aead_key *rd, struct buf *transcript,
                                unsigned char client_pub[32], int (*keys)(const unsigned char *))
{
    static unsigned char in[4096], plain[4096];
    int n = BIO_read(wb, in, sizeof(in)), i = 0;
    size_t plain_len;

    while (n > 0 && i + 5 <= n) {
        size_t len = u16_at(in + i + 3);
        if ((size_t)i + 5 + len > (size_t)n)
            return 0;
        if (in[i] == 22 && rd->mac == NULL) {
            /* ClientKeyExchange: ECPoint (RFC 8422 5.7) */
            if (len != 4 + 1 + 32 || in[i + 5] != 16 || in[i + 9] != 32)
                return 0;
            memcpy(client_pub, in + i + 10, 32);
            put(transcript, in + i + 5, len);
            if (!keys(client_pub))
                return 0;
        } else if (in[i] == 22) {
            if (!wire_open12(rd, in + i, len + 5, plain, &plain_len))
                return 0;
            put(transcript, plain, plain_len);
            return 1;
        }
        i += 5 + (int)len;
    }
    return 0;
}

static struct {
    const EVP_MD *prf, *mac;
    const EVP_CIPHER *cipher;
    EVP_PKEY *eph;
    unsigned char client_random[32], master[48];
    struct aead_key rd, wr; /* the client's keys, the server's */
} cbc12;

/* premaster = X25519; master secret and key block (RFC 5246 8.1, 6.3). */
static int cbc12_keys(const unsigned char *client_pub)
{
    EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, client_pub, 32);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(cbc12.eph, NULL);
    unsigned char pms[32], seed[64], block[2 * 48 + 2 * 32];
    size_t pms_len = sizeof(pms), ml = (size_t)EVP_MD_get_size(cbc12.mac);
    size_t kl = (size_t)EVP_CIPHER_get_key_length(cbc12.cipher);
    int ok = peer != NULL && ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
             EVP_PKEY_derive_set_peer(ctx, peer) == 1 && EVP_PKEY_derive(ctx, pms, &pms_len) == 1;

    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    if (!ok)
        return 0;
    memcpy(seed, cbc12.client_random, 32);
    memcpy(seed + 32, random_12, 32);
    wire_tls12_prf(cbc12.prf, pms, pms_len, "master secret", seed, 64, cbc12.master, 48);
    memcpy(seed, random_12, 32);
    memcpy(seed + 32, cbc12.client_random, 32);
    wire_tls12_prf(cbc12.prf, cbc12.master, 48, "key expansion", seed, 64, block, 2 * ml + 2 * kl);
    memset(&cbc12.rd, 0, sizeof(cbc12.rd));
    memset(&cbc12.wr, 0, sizeof(cbc12.wr));
    cbc12.rd.mac = cbc12.wr.mac = cbc12.mac;
    cbc12.rd.mac_key_len = cbc12.wr.mac_key_len = ml;
    cbc12.rd.cipher = cbc12.wr.cipher = cbc12.cipher;
    cbc12.rd.key_len = cbc12.wr.key_len = kl;
    memcpy(cbc12.rd.mac_key, block, ml);
    memcpy(cbc12.wr.mac_key, block + ml, ml);
    memcpy(cbc12.rd.key, block + 2 * ml, kl);
    memcpy(cbc12.wr.key, block + 2 * ml + kl, kl);
    return 1;
}

/* What the client wrote once keyed: its alert, decrypted. */
static void show_written_cbc(BIO *wb)
{
    static unsigned char out[8192], plain[8192];
    int n = BIO_read(wb, out, sizeof(out)), i = 0;
    size_t plain_len;

    if (n <= 0)
        printf("    wrote nothing\n");
    while (n > 0 && i + 5 <= n) {
        size_t len = u16_at(out + i + 3);
        if ((size_t)i + 5 + len > (size_t)n)
            break;
        if (wire_open12(&cbc12.rd, out + i, len + 5, plain, &plain_len) && out[i] == 21 &&
            plain_len == 2)
            printf("    encrypted alert level %d desc %d\n", plain[0], plain[1]);
        else
            printf("    record type %d len %zu\n", out[i], len);
        i += 5 + (int)len;
    }
}

static void cbc_run(SSL_CTX *ctx, const struct cbc_case *cc)
{
    static struct buf fl, rec, transcript, m;
    static struct hello h;
    SSL *s = SSL_new(ctx);
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    unsigned char client_pub[32], th[EVP_MAX_MD_SIZE], data[64];
    unsigned int th_len;
    int r;

    memset(&cbc12.rd, 0, sizeof(cbc12.rd)); /* (no keys until the ClientKeyExchange) */
    cbc12.prf = cc->suite == 0xc024 ? EVP_sha384() : EVP_sha256();
    cbc12.mac = cc->suite == 0xc009   ? EVP_sha1()
                : cc->suite == 0xc023 ? EVP_sha256()
                                      : EVP_sha384();
    cbc12.cipher = cc->suite == 0xc024 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
    BIO_set_mem_eof_return(rb, -1);
    SSL_set_bio(s, rb, wb);
    r = SSL_connect(s);
    if (r != -1 || !read_client_hello(wb, &h)) {
        printf("%s: no ClientHello\n", cc->label);
        SSL_free(s);
        return;
    }
    memcpy(cbc12.client_random, h.random, 32);
    transcript.n = fl.n = rec.n = 0;
    put(&transcript, h.msg, h.msg_len);
    server_hello_12_as(&fl, &h, cc->suite, 0);
    certificate_12(&fl);
    server_key_exchange_keep(&fl, &h, &cbc12.eph);
    server_hello_done(&fl);
    put(&transcript, fl.b, fl.n);
    wire_record(&rec, 22, 0x0303, fl.b, fl.n);
    BIO_write(rb, rec.b, (int)rec.n);
    r = SSL_connect(s);
    printf("%s: server flight: connect %d, error %d\n", cc->label, r, SSL_get_error(s, r));
    diff_print_errors("   ");
    if (!read_client_flight12(wb, &cbc12.rd, &transcript, client_pub, cbc12_keys)) {
        printf("%s: the client's flight could not be followed\n", cc->label);
        goto end;
    }
    /* ChangeCipherSpec and Finished (RFC 5246 7.4.9) */
    EVP_Digest(transcript.b, transcript.n, th, &th_len, cbc12.prf, NULL);
    m.n = 0;
    put_u8(&m, 20), put_u24(&m, 12);
    wire_tls12_prf(cbc12.prf, cbc12.master, 48, "server finished", th, th_len, m.b + 4, 12);
    m.n = 16;
    rec.n = 0;
    wire_record(&rec, 20, 0x0303, (const unsigned char *)"\x01", 1);
    if (cc->in_finished)
        cbc12.wr.damage = cc->damage;
    wire_seal12(&rec, &cbc12.wr, 22, m.b, m.n);
    BIO_write(rb, rec.b, (int)rec.n);
    r = SSL_connect(s);
    printf("%s: Finished: connect %d, error %d\n", cc->label, r, SSL_get_error(s, r));
    diff_print_errors("   ");
    show_written_cbc(wb);
    if (r != 1)
        goto end;
    rec.n = 0;
    cbc12.wr.damage = cc->damage;
    wire_seal12(&rec, &cbc12.wr, 23, (const unsigned char *)"pong", 4);
    BIO_write(rb, rec.b, (int)rec.n);
    r = SSL_read(s, data, sizeof(data));
    printf("%s: data: read %d, error %d\n", cc->label, r, SSL_get_error(s, r));
    diff_print_errors("   ");
    show_written_cbc(wb);
end:
    ERR_clear_error();
    EVP_PKEY_free(cbc12.eph);
    cbc12.eph = NULL;
    SSL_free(s);
}

static void cbc_cases_run(void)
{
    for (size_t i = 0; i < sizeof(cbc_cases) / sizeof(cbc_cases[0]); i++) {
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA256:"
                                     "ECDHE-ECDSA-AES256-SHA384");
        cbc_run(ctx, &cbc_cases[i]);
        SSL_CTX_free(ctx);
    }
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "";
    int flip = argc > 2 && strcmp(argv[2], "flip") == 0;
    int order = argc > 2 && strcmp(argv[2], "order") == 0;
    SSL_CTX *ctx;
    int count;
    struct sweep sw;

    if (strcmp(kind, "tls12") != 0 && strcmp(kind, "tls12-certreq") != 0 &&
        strcmp(kind, "tls12-cbc") != 0 && strcmp(kind, "tls13") != 0 && strcmp(kind, "hrr") != 0 &&
        strcmp(kind, "tls13-enc") != 0 && strcmp(kind, "tls13-enc-certreq") != 0 &&
        strcmp(kind, "tls13-post") != 0) {
        fprintf(stderr, "usage: diff_parse tls12|tls12-certreq|tls13|hrr|tls13-enc|"
                        "tls13-enc-certreq|tls13-post|tls12-cbc [flip|order]\n");
        return 2;
    }
    diff_report_lib();
    /* A P-256 server certificate, self-signed; the client does not verify.
     * The key is fixed so that an altered byte of it has the same effect on
     * every run (whether a changed point is still on the curve). */
    server_key = wire_key_from_pem(wire_p256_key_pem);
    server_cert = wire_self_signed(server_key, "parse.test", "20250101000000Z", "20450101000000Z");

    if (strcmp(kind, "tls12-cbc") == 0) {
        cbc_cases_run();
        X509_free(server_cert);
        EVP_PKEY_free(server_key);
        return 0;
    }
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    if (strncmp(kind, "tls12", 5) == 0)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);

    count = run(ctx, kind, -1, &intact, "intact flight");
    if (order) {
        unexpected_messages(ctx, kind, count);
        count = 0;
    }
    /* (tls13 covers the ServerHello of the encrypted kinds) */
    sw.ctx = ctx;
    sw.kind = kind;
    wire_sweep(&sw, sweep_run, count, strncmp(kind, "tls13-enc", 9) == 0, -1, flip);
    if (strcmp(kind, "tls12") == 0 && !flip && !order) {
        /* The downgrade sentinels, to a client that could have had TLS 1.3
         * and to one that could not. */
        static const struct {
            const char *label;
            const unsigned char *sentinel;
            int max;
        } cases[] = {
            {"TLS 1.2 sentinel, client up to 1.3", sentinel_tls12, 0},
            {"TLS 1.1 sentinel, client up to 1.3", sentinel_tls11, 0},
            {"TLS 1.2 sentinel, client up to 1.2", sentinel_tls12, TLS1_2_VERSION},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            SSL_CTX *c = SSL_CTX_new(TLS_client_method());
            SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
            if (cases[i].max != 0)
                SSL_CTX_set_max_proto_version(c, cases[i].max);
            downgrade_sentinel = cases[i].sentinel;
            run(c, kind, -1, &intact, cases[i].label);
            downgrade_sentinel = NULL;
            SSL_CTX_free(c);
        }
        /* ec_point_formats without the uncompressed format (RFC 8422 5.2
         * requires it), and an empty list. */
        static const struct {
            const char *label;
            const char *list;
            size_t len;
        } formats[] = {
            {"point formats compressed only", "\x01\x02", 2},
            {"point formats unknown 7", "\x07", 1},
            {"point formats compressed, then uncompressed", "\x01\x00", 2},
            {"point formats empty", "", 0},
        };
        for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
            point_formats = (const unsigned char *)formats[i].list;
            point_formats_len = formats[i].len;
            run(ctx, kind, -1, &intact, formats[i].label);
        }
        point_formats = (const unsigned char *)"\x00";
        point_formats_len = 1;
    }
    if (strcmp(kind, "tls13-post") == 0 && !flip && !order) {
        ku_variant = KU_REQUESTED;
        run(ctx, kind, -1, &intact, "key update requested");
        ku_variant = KU_BAD_VALUE;
        run(ctx, kind, -1, &intact, "key update value 2");
        ku_variant = KU_MID_RECORD;
        run(ctx, kind, -1, &intact, "key update followed by a ticket in its record");
    }
    SSL_CTX_free(ctx);
    X509_free(server_cert);
    EVP_PKEY_free(server_key);
    return 0;
}
