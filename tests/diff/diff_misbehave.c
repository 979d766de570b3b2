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
 * usage: diff_misbehave warn-alerts|empty-appdata
 */
#include "diff_common.h"

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

/* A TLS 1.2 server that has sent its first flight. */
static void server12(const char *what, int n)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method()), *sctx = SSL_CTX_new(TLS_server_method());
    SSL *c = SSL_new(cctx), *s;
    BIO *crb = BIO_new(BIO_s_mem()), *cwb = BIO_new(BIO_s_mem());
    BIO *srb = BIO_new(BIO_s_mem()), *swb = BIO_new(BIO_s_mem());
    char label[96];
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
    s = SSL_new(sctx);
    BIO_set_mem_eof_return(crb, -1);
    BIO_set_mem_eof_return(srb, -1);
    SSL_set_bio(c, crb, cwb);
    SSL_set_bio(s, srb, swb);
    SSL_connect(c);
    /* The ClientHello, moved across. */
    {
        char buf[4096];
        int len = BIO_read(cwb, buf, sizeof(buf));
        BIO_write(srb, buf, len);
    }
    report("server TLS 1.2, first flight", s, SSL_accept(s));
    printf("   version %s\n", SSL_get_version(s));
    feed(srb, what, n);
    snprintf(label, sizeof(label), "server TLS 1.2, after %d", n);
    report(label, s, SSL_accept(s));
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
    } else if (strcmp(what, "empty-appdata") == 0) {
        client(what, TLS_client_method(), "any version", 1);
        client(what, TLSv1_2_client_method(), "TLS 1.2", 1);
        server12(what, 1);
    } else {
        return 2;
    }
    return 0;
}
