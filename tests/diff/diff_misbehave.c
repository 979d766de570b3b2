/*
 * shimssl differential test: a peer that misbehaves between records (issue
 * 19), played over memory BIOs in plaintext, before any keys are in use.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A client has sent its ClientHello, or a TLS 1.2 server has answered one
 * (the ClientHello comes from a client of the same library), and then
 * receives what the mode names: N warning alerts in a row (stock stops at
 * the fifth: too many warn alerts), or an empty application-data record
 * (stock: unexpected message before a version is chosen, unexpected record
 * once one is).  Each prints the handshake call's result and error queue.
 *
 * Mode ccs-gap: a TLS 1.2 client's last flight with an empty application-data
 * record between its ChangeCipherSpec and Finished, sealed under the
 * client's new keys (derived here from the key log's master secret), so
 * that the server reads it as a valid record (stock: data between ccs and
 * finished).  Mode ccs-gap-client: the same in the server's last flight,
 * under the server's keys, an empty record and one of one byte, for the
 * client to meet.
 *
 * Modes reneg-flood and reneg-flood-refused: ten renegotiation requests in
 * a row after a TLS 1.2 handshake, to each role (reneg_flood below).
 *
 * usage: diff_misbehave warn-alerts|empty-appdata|ccs-gap|ccs-gap-client|
 *                       reneg-flood|reneg-flood-refused
 */
#include "diff_common.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/x509.h>
#include <string.h>

/* A plaintext record of the given type. */
static void put_record(BIO *b, int type, const unsigned char *body, size_t len)
{
    unsigned char hdr[5] = {(unsigned char)type, 3, 3, (unsigned char)(len >> 8),
                            (unsigned char)len};
    BIO_write(b, hdr, 5);
    if (len > 0)
        BIO_write(b, body, (int)len);
}

static void report(const char *label, SSL *s, int r)
{
    printf("%s: ret %d, SSL_get_error %d\n", label, r, SSL_get_error(s, r));
    diff_print_errors("   ");
}

/* What arrives next: n warning alerts (unrecognized_name, then user_canceled
 * as a TLS 1.3 peer would send), or an empty application-data record. */
static void feed(BIO *b, const char *what, int n)
{
    static const unsigned char warn[2] = {SSL3_AL_WARNING, SSL_AD_UNRECOGNIZED_NAME};
    static const unsigned char canceled[2] = {SSL3_AL_WARNING, SSL_AD_USER_CANCELLED};

    if (strcmp(what, "warn-alerts") == 0)
        for (int i = 0; i < n; i++)
            put_record(b, SSL3_RT_ALERT, i % 2 ? canceled : warn, 2);
    else
        put_record(b, SSL3_RT_APPLICATION_DATA, NULL, 0);
}

/* A client that has sent its ClientHello. */
static void client(const char *what, const SSL_METHOD *method, const char *name, int n)
{
    SSL_CTX *ctx = SSL_CTX_new(method);
    SSL *s = SSL_new(ctx);
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    char label[96];

    BIO_set_mem_eof_return(rb, -1);
    SSL_set_bio(s, rb, wb);
    SSL_set_connect_state(s);
    snprintf(label, sizeof(label), "client %s, ClientHello", name);
    report(label, s, SSL_connect(s));
    feed(rb, what, n);
    snprintf(label, sizeof(label), "client %s, after %d", name, n);
    report(label, s, SSL_connect(s));
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static unsigned char master[48];

static void keylog(const SSL *s, const char *line)
{
    const char *p = strrchr(line, ' ');
    (void)s;
    if (strncmp(line, "CLIENT_RANDOM ", 14) == 0 && p != NULL && strlen(p + 1) == 96)
        for (int i = 0; i < 48; i++)
            sscanf(p + 1 + 2 * i, "%2hhx", &master[i]);
}

/* A record of content `type` holding `body` as the sender's record number
 * `seq` under its new keys (ECDHE-ECDSA-AES128-GCM-SHA256: RFC 5246 6.3 key
 * block from the key log's master secret, RFC 5288 explicit nonce = the
 * sequence number), the client's or (from_server) the server's, written to
 * rec; returns its length. */
static size_t seal_record(SSL *c, unsigned char *rec, int from_server, int type,
                          const unsigned char *body, size_t len, uint64_t seq)
{
    unsigned char block[40], seed[13 + 64], nonce[12] = {0}, aad[13] = {0};
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
    EVP_CIPHER_CTX *cctx = EVP_CIPHER_CTX_new();
    OSSL_PARAM params[4];
    int outl;

    memcpy(seed, "key expansion", 13);
    SSL_get_server_random(c, seed + 13, 32);
    SSL_get_client_random(c, seed + 45, 32);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, master, 48);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed, sizeof(seed));
    params[3] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(kctx, block, sizeof(block), params) <= 0)
        printf("key block not derived\n");
    /* client key 0..15, server key 16..31, client IV 32..35, server IV
     * 36..39 */
    memcpy(nonce, block + (from_server ? 36 : 32), 4);
    for (int i = 0; i < 8; i++)
        nonce[4 + i] = aad[i] = (unsigned char)(seq >> (56 - 8 * i));
    aad[8] = (unsigned char)type;
    aad[9] = 3;
    aad[10] = 3;
    aad[11] = (unsigned char)(len >> 8);
    aad[12] = (unsigned char)len;
    rec[0] = (unsigned char)type;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (unsigned char)((8 + len + 16) >> 8);
    rec[4] = (unsigned char)(8 + len + 16);
    memcpy(rec + 5, nonce + 4, 8);
    EVP_EncryptInit_ex(cctx, EVP_aes_128_gcm(), NULL, block + (from_server ? 16 : 0), nonce);
    EVP_EncryptUpdate(cctx, NULL, &outl, aad, sizeof(aad));
    if (len > 0)
        EVP_EncryptUpdate(cctx, rec + 13, &outl, body, (int)len);
    EVP_EncryptFinal_ex(cctx, rec + 13 + len, &outl);
    EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_GET_TAG, 16, rec + 13 + len);
    EVP_CIPHER_CTX_free(cctx);
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return 5 + 8 + len + 16;
}

/* An application-data record of len bytes (0 or 1: 'x') as the sender's
 * first under its new keys; the caller puts it before the Finished. */
static size_t seal_appdata(SSL *c, unsigned char *rec, int from_server, size_t len)
{
    return seal_record(c, rec, from_server, SSL3_RT_APPLICATION_DATA, (const unsigned char *)"x",
                       len, 0);
}

/* Moves one flight from wb to rb record by record; after the CCS comes an
 * application-data record of len bytes under the sender's new keys. */
static void move_with_gap(SSL *c, BIO *wb, BIO *rb, int from_server, size_t len)
{
    char buf[8192];
    unsigned char out[8192];
    size_t at = 0, o = 0;
    int n = BIO_read(wb, buf, sizeof(buf));

    while (n > 0 && at + 5 <= (size_t)n) {
        size_t rlen = 5 + ((unsigned char)buf[at + 3] << 8 | (unsigned char)buf[at + 4]);
        memcpy(out + o, buf + at, rlen);
        o += rlen;
        if (buf[at] == SSL3_RT_CHANGE_CIPHER_SPEC)
            o += seal_appdata(c, out + o, from_server, len);
        at += rlen;
    }
    printf("   %s flight %d bytes, %zu with the record of %zu bytes\n",
           from_server ? "server" : "client", n, o, len);
    BIO_write(rb, out, (int)o);
}

/* The record types in what `b` holds, written by the victim, and how many
 * of each in a row ("22 x1, 21 x10"). */
static void show_records(BIO *b)
{
    unsigned char buf[16384];
    int len = BIO_read(b, buf, sizeof(buf)), last = -1, count = 0;
    size_t at = 0;

    printf("   victim wrote:");
    while (len > 0 && at + 5 <= (size_t)len) {
        if (buf[at] != last && count > 0)
            printf(" %d x%d", last, count), count = 0;
        last = buf[at];
        count++;
        at += 5 + ((size_t)buf[at + 3] << 8 | buf[at + 4]);
    }
    if (count > 0)
        printf(" %d x%d", last, count);
    printf(len > 0 ? "\n" : " nothing\n");
}

/* After a completed TLS 1.2 handshake, n renegotiation requests in their own
 * records: HelloRequests to the client (stock: the first starts a
 * renegotiation, the others are dropped while it runs; with
 * SSL_OP_NO_RENEGOTIATION each gets a no_renegotiation warning), the
 * client's ClientHello again to the server (which refuses a client's
 * renegotiation by default: a no_renegotiation warning each). */
static void reneg_flood(SSL *c, SSL *s, const unsigned char *hello, size_t hello_len, int n)
{
    static const unsigned char hello_request[4] = {SSL3_MT_HELLO_REQUEST, 0, 0, 0};
    static unsigned char rec[16384 * 2];
    char data[64];
    size_t o;
    int r;

    for (int victim_server = 0; victim_server <= 1; victim_server++) {
        SSL *v = victim_server ? s : c;
        char label[96];

        o = 0;
        /* (record 0 under the new keys was the sender's Finished; the keys
         * come from the server's randoms, which a client that has begun to
         * renegotiate no longer reports) */
        for (int i = 1; i <= n; i++)
            o += victim_server ? seal_record(s, rec + o, 0, SSL3_RT_HANDSHAKE, hello, hello_len, i)
                               : seal_record(s, rec + o, 1, SSL3_RT_HANDSHAKE, hello_request,
                                             sizeof(hello_request), i);
        BIO_write(SSL_get_rbio(v), rec, (int)o);
        r = SSL_read(v, data, sizeof(data));
        snprintf(label, sizeof(label), "%s, %d %s%s", victim_server ? "server" : "client", n,
                 victim_server ? "ClientHellos" : "HelloRequests",
                 SSL_get_options(v) & SSL_OP_NO_RENEGOTIATION ? ", no renegotiation" : "");
        report(label, v, r);
        show_records(SSL_get_wbio(v));
    }
}

/* A TLS 1.2 server that has sent its first flight. */
static void server12(const char *what, int n)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method()), *sctx = SSL_CTX_new(TLS_server_method());
    SSL *c = SSL_new(cctx), *s;
    BIO *crb = BIO_new(BIO_s_mem()), *cwb = BIO_new(BIO_s_mem());
    BIO *srb = BIO_new(BIO_s_mem()), *swb = BIO_new(BIO_s_mem());
    char label[96];
    int r;
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();

    /* A self-signed certificate made here: the server needs one to answer. */
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"localhost", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, key);
    X509_sign(x, key, EVP_sha256());
    if (SSL_CTX_use_certificate(sctx, x) != 1 || SSL_CTX_use_PrivateKey(sctx, key) != 1)
        printf("server certificate not loaded\n");
    X509_free(x);
    EVP_PKEY_free(key);
    SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(sctx, "ECDHE-ECDSA-AES128-GCM-SHA256");
    SSL_CTX_set_keylog_callback(cctx, keylog);
    s = SSL_new(sctx);
    BIO_set_mem_eof_return(crb, -1);
    BIO_set_mem_eof_return(srb, -1);
    SSL_set_bio(c, crb, cwb);
    SSL_set_bio(s, srb, swb);
    if (strcmp(what, "reneg-flood-refused") == 0)
        SSL_set_options(c, SSL_OP_NO_RENEGOTIATION);
    SSL_connect(c);
    /* The ClientHello, moved across (kept, without its record header). */
    static unsigned char hello[4096];
    int hello_len = BIO_read(cwb, hello, sizeof(hello));
    BIO_write(srb, hello, hello_len);
    report("server TLS 1.2, first flight", s, SSL_accept(s));
    printf("   version %s\n", SSL_get_version(s));
    if (strncmp(what, "reneg-flood", 11) == 0) {
        char buf[8192];
        int len = BIO_read(swb, buf, sizeof(buf));
        BIO_write(crb, buf, len);
        SSL_connect(c);
        len = BIO_read(cwb, buf, sizeof(buf));
        BIO_write(srb, buf, len);
        r = SSL_accept(s);
        len = BIO_read(swb, buf, sizeof(buf));
        BIO_write(crb, buf, len);
        if (r != 1 || SSL_connect(c) != 1) {
            printf("the handshake did not complete\n");
            diff_print_errors("   ");
            goto done;
        }
        reneg_flood(c, s, hello + 5, (size_t)hello_len - 5, n);
        goto done;
    }
    if (strncmp(what, "ccs-gap", 7) == 0) {
        char buf[8192];
        int len = BIO_read(swb, buf, sizeof(buf));
        BIO_write(crb, buf, len);
        report("client, last flight", c, SSL_connect(c));
        if (strcmp(what, "ccs-gap-client") == 0) {
            /* The server finishes; its last flight reaches the client with
             * n bytes of application data after its CCS. */
            len = BIO_read(cwb, buf, sizeof(buf));
            BIO_write(srb, buf, len);
            report("server TLS 1.2, last flight", s, SSL_accept(s));
            move_with_gap(c, swb, crb, 1, (size_t)n);
            snprintf(label, sizeof(label), "client TLS 1.2, %d byte(s) between CCS and Finished",
                     n);
            report(label, c, SSL_connect(c));
            goto done;
        }
        move_with_gap(c, cwb, srb, 0, 0);
    } else {
        feed(srb, what, n);
    }
    snprintf(label, sizeof(label), "server TLS 1.2, after %d", n);
    report(label, s, SSL_accept(s));
done:
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    const char *what;

    if (argc < 2)
        return 2;
    diff_report_lib();
    what = argv[1];
    if (strcmp(what, "warn-alerts") == 0) {
        for (int n = 4; n <= 5; n++) {
            client(what, TLS_client_method(), "any version", n);
            client(what, TLSv1_2_client_method(), "TLS 1.2", n);
            server12(what, n);
        }
    } else if (strcmp(what, "ccs-gap") == 0) {
        server12(what, 1);
    } else if (strcmp(what, "reneg-flood") == 0 || strcmp(what, "reneg-flood-refused") == 0) {
        server12(what, 10);
    } else if (strcmp(what, "ccs-gap-client") == 0) {
        server12(what, 0);
        server12(what, 1);
    } else if (strcmp(what, "empty-appdata") == 0) {
        client(what, TLS_client_method(), "any version", 1);
        client(what, TLSv1_2_client_method(), "TLS 1.2", 1);
        server12(what, 1);
    } else {
        return 2;
    }
    return 0;
}
