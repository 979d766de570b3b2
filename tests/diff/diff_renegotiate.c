/*
 * shimssl - differential test: TLS 1.2 renegotiation, both ends in one
 * process over a BIO pair (both on the library under test), and flights
 * written through a buffering BIO.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Modes:
 *   server-full     the server's SSL_renegotiate: HelloRequest, the client
 *                   answers, a new handshake (resumed unless refused)
 *   server-abbr     SSL_renegotiate_abbreviated
 *   server-no-resume  server-full with SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION
 *   client-refused  the client's SSL_renegotiate against stock 3.0's default
 *                   server: a warning no_renegotiation, the client fails
 *   client-allowed  the same with SSL_OP_ALLOW_CLIENT_RENEGOTIATION
 *   no-reneg        the server's SSL_renegotiate under SSL_OP_NO_RENEGOTIATION
 *   buffered-13, buffered-12  the server writes through BIO_f_buffer, which
 *                   sends only on BIO_flush (as mod_ssl's output filter):
 *                   each flight must be flushed for the handshake to end
 * Printed: return values, SSL_get_error, renegotiation pending / in init,
 * the server's state and info events, reuse, the error queue.
 */
#include "diff_common.h"

#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

static SSL *server_ssl;

static void server_info(const SSL *s, int where, int ret)
{
    if (s == server_ssl)
        printf("  srv info 0x%04x %d %s\n", where, ret, SSL_state_string_long(s));
}

static X509 *self_signed(EVP_PKEY *key)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_get_subject_name(x);

    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"reneg", -1, -1, 0);
    X509_set_issuer_name(x, n);
    X509_set_pubkey(x, key);
    X509_sign(x, key, EVP_sha256());
    return x;
}

static void status(const char *what, SSL *c, SSL *s)
{
    printf("%s: cli pending %d init %d | srv pending %d init %d state %s\n", what,
           SSL_renegotiate_pending(c), SSL_in_init(c), SSL_renegotiate_pending(s), SSL_in_init(s),
           SSL_state_string_long(s));
}

/* Both sides read until nothing moves; prints each answer. */
static void pump(SSL *c, SSL *s, int rounds)
{
    char buf[64];

    for (int i = 0; i < rounds; i++) {
        int rc = SSL_read(c, buf, sizeof(buf)), ec = SSL_get_error(c, rc);
        diff_print_errors("  cli");
        int rs = SSL_read(s, buf, sizeof(buf)), es = SSL_get_error(s, rs);
        diff_print_errors("  srv");
        printf("round %d: cli read %d (%d) srv read %d (%d)\n", i, rc, ec, rs, es);
        status("  now", c, s);
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "server-full";
    EVP_PKEY *key;
    X509 *cert;
    SSL_CTX *sctx, *cctx;
    SSL *c, *s;
    BIO *b1, *b2;
    char buf[16];
    int r;

    diff_report_lib();
    key = EVP_EC_gen("P-256");
    cert = self_signed(key);
    sctx = SSL_CTX_new(TLS_server_method());
    cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_use_certificate(sctx, cert);
    SSL_CTX_use_PrivateKey(sctx, key);
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    SSL_CTX_set_info_callback(sctx, server_info);
    if (strcmp(mode, "server-no-resume") == 0)
        SSL_CTX_set_options(sctx, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    if (strcmp(mode, "client-allowed") == 0)
        SSL_CTX_set_options(sctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    if (strcmp(mode, "no-reneg") == 0)
        SSL_CTX_set_options(sctx, SSL_OP_NO_RENEGOTIATION);

    if (strcmp(mode, "buffered-13") == 0)
        SSL_CTX_set_max_proto_version(cctx, TLS1_3_VERSION);
    c = SSL_new(cctx);
    s = server_ssl = SSL_new(sctx);
    BIO_new_bio_pair(&b1, 0, &b2, 0);
    SSL_set_bio(c, b1, b1);
    if (strncmp(mode, "buffered", 8) == 0) {
        BIO_up_ref(b2);
        SSL_set_bio(s, b2, BIO_push(BIO_new(BIO_f_buffer()), b2));
    } else {
        SSL_set_bio(s, b2, b2);
    }
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    for (int i = 0; i < 8; i++) {
        SSL_do_handshake(c);
        SSL_do_handshake(s);
    }
    printf("handshake: %s %s reused %d secure %ld\n", SSL_get_version(s),
           SSL_CIPHER_get_name(SSL_get_current_cipher(s)), SSL_session_reused(s),
           SSL_get_secure_renegotiation_support(s));
    printf("finished: client %d server %d\n", SSL_is_init_finished(c), SSL_is_init_finished(s));
    diff_print_errors("handshake");
    if (strncmp(mode, "buffered", 8) == 0) {
        r = SSL_write(c, "data", 4);
        printf("client write: %d\n", r);
        r = SSL_read(s, buf, sizeof(buf));
        printf("server read: %d (%d)\n", r, SSL_get_error(s, r));
        SSL_free(c);
        SSL_free(s);
        SSL_CTX_free(sctx);
        SSL_CTX_free(cctx);
        X509_free(cert);
        EVP_PKEY_free(key);
        return 0;
    }

    SSL *who = strncmp(mode, "client", 6) == 0 ? c : s;
    r = strcmp(mode, "server-abbr") == 0 ? SSL_renegotiate_abbreviated(who) : SSL_renegotiate(who);
    printf("%s renegotiate: %d\n", who == c ? "client" : "server", r);
    diff_print_errors("renegotiate");
    status("asked", c, s);
    r = SSL_do_handshake(who);
    printf("do_handshake: %d (%d)\n", r, SSL_get_error(who, r));
    diff_print_errors("do_handshake");
    status("started", c, s);
    pump(c, s, 4);

    printf("after: reused %d, %s\n", SSL_session_reused(s), SSL_get_version(s));
    r = SSL_write(c, "data", 4);
    printf("client write: %d (%d)\n", r, SSL_get_error(c, r));
    diff_print_errors("client write");
    r = SSL_read(s, buf, sizeof(buf));
    printf("server read: %d (%d)\n", r, SSL_get_error(s, r));
    diff_print_errors("server read");

    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    X509_free(cert);
    EVP_PKEY_free(key);
    return 0;
}
