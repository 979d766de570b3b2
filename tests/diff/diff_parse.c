/*
 * shimssl differential test: the client's handshake-message parsers under
 * truncated and oversized input.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The program plays the server over memory BIOs: it reads our ClientHello,
 * builds a valid server flight for it (TLS 1.2: ServerHello, Certificate,
 * ServerKeyExchange signed for real, [CertificateRequest,] ServerHelloDone;
 * TLS 1.3: ServerHello
 * or HelloRetryRequest, the messages that travel in the clear), then sends
 * it with one message damaged: its body cut to every shorter length (the
 * message header adjusted, so that the parser inside sees the short body),
 * one byte too long, or a header claiming 16 MB.  For each it prints what
 * SSL_connect returned, SSL_get_error, the error queue and the records the
 * client wrote back (its alert).  Stock and ours must print the same.
 *
 * usage: diff_parse tls12 | tls12-certreq | tls13 | hrr
 */
#include "diff_common.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string.h>

static EVP_PKEY *server_key;
static X509 *server_cert;

struct buf {
    unsigned char b[8192];
    size_t n;
};

static void put(struct buf *o, const void *p, size_t n)
{
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void put_u8(struct buf *o, unsigned v)
{
    o->b[o->n++] = (unsigned char)v;
}

static void put_u16(struct buf *o, unsigned v)
{
    put_u8(o, v >> 8);
    put_u8(o, v);
}

static void put_u24(struct buf *o, size_t v)
{
    put_u8(o, (unsigned)(v >> 16));
    put_u16(o, (unsigned)v & 0xffff);
}

/* What the server needs from the ClientHello. */
struct hello {
    unsigned char random[32], sid[32];
    size_t sid_len;
};

static int read_client_hello(BIO *wb, struct hello *h)
{
    unsigned char in[4096];
    int n = BIO_read(wb, in, sizeof(in));

    /* record header (5), handshake header (4), version (2), random, sid */
    if (n < 5 + 4 + 2 + 32 + 1 || in[0] != 22 || in[5] != 1)
        return 0;
    memcpy(h->random, in + 11, 32);
    h->sid_len = in[43];
    memcpy(h->sid, in + 44, h->sid_len);
    return 1;
}

static const unsigned char server_random[32] = {
    0x5e, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0,
    0x01, 0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x78, 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf1};

/* The fixed random that marks a HelloRetryRequest (RFC 8446 4.1.3). */
static const unsigned char hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* A handshake message: type, 24-bit length, body. */
static void message(struct buf *o, unsigned type, const struct buf *body)
{
    put_u8(o, type);
    put_u24(o, body->n);
    put(o, body->b, body->n);
}

static void server_hello_12(struct buf *o, const struct hello *h)
{
    struct buf b = {{0}, 0};

    put_u16(&b, 0x0303);
    put(&b, server_random, 32);
    put_u8(&b, (unsigned)h->sid_len);
    put(&b, h->sid, h->sid_len);
    put_u16(&b, 0xc02b); /* ECDHE-ECDSA-AES128-GCM-SHA256 */
    put_u8(&b, 0);
    put_u16(&b, 4 + 1 + 4 + 4 + 2);
    put_u16(&b, 0xff01), put_u16(&b, 1), put_u8(&b, 0); /* renegotiation_info */
    put_u16(&b, 0x0017), put_u16(&b, 0);                /* extended_master_secret */
    put_u16(&b, 0x000b), put_u16(&b, 2), put_u8(&b, 1), put_u8(&b, 0); /* point formats */
    message(o, 2, &b);
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
static void server_key_exchange(struct buf *o, const struct hello *h)
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
    put(&tbs, server_random, 32);
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

static void server_hello_13(struct buf *o, const struct hello *h, int retry)
{
    struct buf b = {{0}, 0};
    EVP_PKEY *eph = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    unsigned char pub[32];
    size_t pub_len = sizeof(pub);

    EVP_PKEY_get_raw_public_key(eph, pub, &pub_len);
    EVP_PKEY_free(eph);
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

/* How the chosen message is damaged. */
enum damage { INTACT, CUT, LONGER, HUGE };

/* Builds the flight for this ClientHello; message number `target` gets the
 * damage (cut to `keep` body bytes).  Messages after a damaged one are left
 * out.  Returns the number of messages in the full flight. */
static int flight(const char *kind, const struct hello *h, int target, enum damage d, size_t keep,
                  struct buf *out, size_t *target_body_len)
{
    static struct buf msgs[5];
    int count = 0;

    memset(msgs, 0, sizeof(msgs));
    if (strncmp(kind, "tls12", 5) == 0) {
        server_hello_12(&msgs[count++], h);
        certificate_12(&msgs[count++]);
        server_key_exchange(&msgs[count++], h);
        if (strcmp(kind, "tls12-certreq") == 0)
            certificate_request_12(&msgs[count++]);
        server_hello_done(&msgs[count++]);
    } else {
        server_hello_13(&msgs[0], h, strcmp(kind, "hrr") == 0);
        count = 1;
    }
    out->n = 0;
    for (int i = 0; i < count && (d == INTACT || i <= target); i++) {
        struct buf *m = &msgs[i];
        size_t body = m->n - 4;
        if (i == target)
            *target_body_len = body;
        if (i == target && d == CUT) {
            put_u8(out, m->b[0]);
            put_u24(out, keep);
            put(out, m->b + 4, keep);
        } else if (i == target && d == LONGER) {
            put_u8(out, m->b[0]);
            put_u24(out, body + 1);
            put(out, m->b + 4, body);
            put_u8(out, 0);
        } else if (i == target && d == HUGE) {
            put_u8(out, m->b[0]);
            put_u24(out, 0xffffff);
            put(out, m->b + 4, body);
        } else {
            put(out, m->b, m->n);
        }
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
        if (out[i] == 21 && len == 2 && i + 7 <= n)
            printf("    alert level %d desc %d\n", out[i + 5], out[i + 6]);
        else
            printf("    record type %d len %d\n", out[i], len);
        i += 5 + len;
    }
}

static int run(SSL_CTX *ctx, const char *kind, int target, enum damage d, size_t keep,
               const char *label)
{
    SSL *s = SSL_new(ctx);
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    struct hello h;
    struct buf fl, rec = {{0}, 0};
    size_t body_len = 0;
    int r, count;

    BIO_set_mem_eof_return(rb, -1);
    SSL_set_bio(s, rb, wb);
    r = SSL_connect(s);
    if (r != -1 || !read_client_hello(wb, &h)) {
        printf("%s: no ClientHello\n", label);
        SSL_free(s);
        return 0;
    }
    count = flight(kind, &h, target, d, keep, &fl, &body_len);
    /* All of it in handshake records of at most 2^14 bytes. */
    for (size_t off = 0; off < fl.n; off += 16384) {
        size_t len = fl.n - off < 16384 ? fl.n - off : 16384;
        put_u8(&rec, 22);
        put_u16(&rec, 0x0303);
        put_u16(&rec, (unsigned)len);
        put(&rec, fl.b + off, len);
    }
    BIO_write(rb, rec.b, (int)rec.n);
    r = SSL_connect(s);
    if (label != NULL) {
        printf("%s: connect %d, error %d\n", label, r, SSL_get_error(s, r));
        diff_print_errors("   ");
        show_written(wb);
    }
    ERR_clear_error();
    SSL_free(s);
    return d == INTACT ? count : (int)body_len;
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "";
    SSL_CTX *ctx;
    int count;
    char label[96];

    if (strcmp(kind, "tls12") != 0 && strcmp(kind, "tls12-certreq") != 0
        && strcmp(kind, "tls13") != 0 && strcmp(kind, "hrr") != 0) {
        fprintf(stderr, "usage: diff_parse tls12|tls12-certreq|tls13|hrr\n");
        return 2;
    }
    diff_report_lib();
    /* A P-256 server certificate, self-signed; the client does not verify. */
    server_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    server_cert = X509_new();
    X509_set_version(server_cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(server_cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(server_cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(server_cert), 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(server_cert), "CN", MBSTRING_ASC,
                               (const unsigned char *)"parse.test", -1, -1, 0);
    X509_set_issuer_name(server_cert, X509_get_subject_name(server_cert));
    X509_set_pubkey(server_cert, server_key);
    /* (re-signed until the signature has 72 bytes: the same size every run) */
    for (const ASN1_BIT_STRING *sig = NULL; sig == NULL || ASN1_STRING_length(sig) != 72;)
        if (X509_sign(server_cert, server_key, EVP_sha256()) > 0)
            X509_get0_signature(&sig, NULL, server_cert);

    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    if (strncmp(kind, "tls12", 5) == 0)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);

    count = run(ctx, kind, -1, INTACT, 0, "intact flight");
    for (int m = 0; m < count; m++) {
        int body = run(ctx, kind, m, LONGER, 0, NULL); /* measures the body */
        snprintf(label, sizeof(label), "message %d one byte longer", m);
        run(ctx, kind, m, LONGER, 0, label);
        snprintf(label, sizeof(label), "message %d claiming 16 MB", m);
        run(ctx, kind, m, HUGE, 0, label);
        for (int keep = 0; keep < body; keep++) {
            snprintf(label, sizeof(label), "message %d cut to %d of %d", m, keep, body);
            run(ctx, kind, m, CUT, (size_t)keep, label);
        }
    }
    SSL_CTX_free(ctx);
    X509_free(server_cert);
    EVP_PKEY_free(server_key);
    return 0;
}
