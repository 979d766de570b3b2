/*
 * shimssl differential test: the getters that hand a program one of the
 * library's objects, and what the program can do with it (issue 16): the
 * session cache's LHASH (SSL_CTX_sessions), the DANE state given to
 * libcrypto's verifier (SSL_get0_dane), the CT log store
 * (SSL_CTX_get0_ctlog_store and its loaders); and SSL_get_servername on a
 * server that resumed a TLS 1.2 session (pyOpenSSL showed ours NULL).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_handles sessions|dane|ctlog|servername
 */
#include "diff_common.h"

#include <openssl/ct.h>
#include <openssl/lhash.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------- a one-process pair */

static EVP_PKEY *key;
static X509 *cert;

static void make_cert(void)
{
    X509_NAME *n;

    key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    n = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"handles", -1, -1, 0);
    X509_set_issuer_name(cert, n);
    X509_sign(cert, key, EVP_sha256());
}

/* Accepting the name makes it the session's (stock keeps a name in the
 * session only when a servername callback said OK). */
static int accept_name(SSL *s, int *alert, void *arg)
{
    (void)s;
    (void)alert;
    (void)arg;
    return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *server_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    SSL_CTX_set_tlsext_servername_callback(ctx, accept_name);
    SSL_CTX_use_certificate(ctx, cert);
    SSL_CTX_use_PrivateKey(ctx, key);
    return ctx;
}

/* One handshake over a BIO pair; the client's session, or NULL. */
static SSL_SESSION *handshake(SSL_CTX *sctx, SSL_CTX *cctx, SSL_SESSION *offer, int max_version,
                              const char *label)
{
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *bc, *bs;
    SSL_SESSION *got = NULL;
    int rc = 0, rs = 0;

    BIO_new_bio_pair(&bc, 0, &bs, 0);
    SSL_set_bio(c, bc, bc);
    SSL_set_bio(s, bs, bs);
    SSL_set_max_proto_version(c, max_version);
    SSL_set_tlsext_host_name(c, "example.test");
    if (offer != NULL)
        SSL_set_session(c, offer);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    for (int i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
        if (rc != 1)
            rc = SSL_do_handshake(c);
        if (rs != 1)
            rs = SSL_do_handshake(s);
    }
    /* (a TLS 1.3 ticket arrives with the first read) */
    {
        char b;
        SSL_write(s, "x", 1);
        SSL_read(c, &b, 1);
    }
    printf("%s: handshake client %d server %d, %s, server resumed %d\n", label, rc, rs,
           SSL_get_version(s), SSL_session_reused(s));
    printf("%s: server's servername: %s\n", label,
           SSL_get_servername(s, TLSEXT_NAMETYPE_host_name) != NULL
               ? SSL_get_servername(s, TLSEXT_NAMETYPE_host_name)
               : "(NULL)");
    diff_print_errors(label);
    got = SSL_get1_session(c);
    /* (an SSL freed in mid-connection takes its session out of the cache) */
    SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(c);
    SSL_free(s);
    return got;
}

/* ------------------------------------------------------------- sessions */

/* The walk counts the sessions per version (its order is the hash's). */
static void count_one(void *p, void *arg)
{
    SSL_SESSION *ss = p;
    int *seen = arg;
    unsigned int len = 0;

    SSL_SESSION_get_id(ss, &len);
    if (len > 0)
        seen[SSL_SESSION_get_protocol_version(ss) == TLS1_3_VERSION]++;
}

static void show_cache(const char *label, SSL_CTX *ctx)
{
    OPENSSL_LHASH *lh = (OPENSSL_LHASH *)SSL_CTX_sessions(ctx);
    int seen[2] = {0, 0};

    if (lh == NULL) {
        printf("%s: SSL_CTX_sessions NULL\n", label);
        diff_print_errors(label);
        return;
    }
    OPENSSL_LH_doall_arg(lh, count_one, seen);
    printf("%s: sessions LHASH: %lu items, walked %d TLS 1.2 and %d TLS 1.3, sess_number %ld\n",
           label, OPENSSL_LH_num_items(lh), seen[0], seen[1], SSL_CTX_sess_number(ctx));
    diff_print_errors(label);
}

static SSL_SESSION *made_session(int version, unsigned char id_byte)
{
    SSL_SESSION *ss = SSL_SESSION_new();
    unsigned char id[32];

    memset(id, id_byte, sizeof(id));
    SSL_SESSION_set_protocol_version(ss, version);
    SSL_SESSION_set1_id(ss, id, sizeof(id));
    SSL_SESSION_set_time(ss, (long)time(NULL));
    SSL_SESSION_set_timeout(ss, 300);
    return ss;
}

static void sessions(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method()), *cctx;
    SSL_SESSION *a = made_session(TLS1_2_VERSION, 1), *b = made_session(TLS1_2_VERSION, 2);
    SSL_SESSION *c = made_session(TLS1_3_VERSION, 1), *sess;

    printf("same LHASH twice: %d\n", SSL_CTX_sessions(ctx) == SSL_CTX_sessions(ctx));
    show_cache("fresh", ctx);
    printf("add a %d\n", SSL_CTX_add_session(ctx, a));
    printf("add b %d\n", SSL_CTX_add_session(ctx, b));
    printf("add c (a's id, TLS 1.3) %d\n", SSL_CTX_add_session(ctx, c));
    printf("add a again %d\n", SSL_CTX_add_session(ctx, a));
    show_cache("three added", ctx);
    printf("remove b %d\n", SSL_CTX_remove_session(ctx, b));
    printf("remove b again %d\n", SSL_CTX_remove_session(ctx, b));
    show_cache("b removed", ctx);
    SSL_CTX_flush_sessions(ctx, 0);
    show_cache("flushed", ctx);
    SSL_SESSION_free(a);
    SSL_SESSION_free(b);
    SSL_SESSION_free(c);
    SSL_CTX_free(ctx);

    /* A server's cache after real handshakes. */
    make_cert();
    ctx = server_ctx();
    cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    sess = handshake(ctx, cctx, NULL, TLS1_2_VERSION, "tls12 full");
    SSL_SESSION_free(handshake(ctx, cctx, sess, TLS1_2_VERSION, "tls12 resumed"));
    SSL_SESSION_free(sess);
    show_cache("after TLS 1.2 without tickets", ctx);
    SSL_CTX_free(ctx);
    SSL_CTX_free(cctx);
}

/* ----------------------------------------------------------------- DANE */

static int verify_with(SSL *s, X509_STORE *store, int set_dane)
{
    X509_STORE_CTX *xs = X509_STORE_CTX_new();
    int ok;

    X509_STORE_CTX_init(xs, store, cert, NULL);
    if (set_dane)
        X509_STORE_CTX_set0_dane(xs, SSL_get0_dane(s));
    ok = X509_verify_cert(xs);
    printf("verify %s DANE state: %d, error %d\n", set_dane ? "with the SSL's" : "without", ok,
           X509_STORE_CTX_get_error(xs));
    X509_STORE_CTX_free(xs);
    return ok;
}

static void dane(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *s = SSL_new(ctx), *t = SSL_new(ctx);
    X509_STORE *store = X509_STORE_new();
    uint8_t mtype = 0, usage = 0, selector = 0;
    const unsigned char *data = NULL;
    size_t dlen = 0;

    printf("SSL_get0_dane: %s\n", SSL_get0_dane(s) != NULL ? "set" : "NULL");
    printf("same twice %d, distinct per SSL %d\n", SSL_get0_dane(s) == SSL_get0_dane(s),
           SSL_get0_dane(s) != SSL_get0_dane(t));
    diff_print_errors("dane");
    printf("authority %d, tlsa %d\n", SSL_get0_dane_authority(s, NULL, NULL),
           SSL_get0_dane_tlsa(s, &usage, &selector, &mtype, &data, &dlen));
    /* A program doing its own verification passes it to libcrypto: with no
     * TLSA records it changes nothing. */
    make_cert();
    X509_STORE_add_cert(store, cert);
    verify_with(s, store, 0);
    verify_with(s, store, 1);
    diff_print_errors("dane verify");
    X509_STORE_free(store);
    SSL_free(t);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

/* ---------------------------------------------------------------- CT logs */

static void show_store(const char *label, const SSL_CTX *ctx, const unsigned char *log_id)
{
    const CTLOG_STORE *st = SSL_CTX_get0_ctlog_store(ctx);
    const CTLOG *log;

    if (st == NULL) {
        printf("%s: store NULL\n", label);
    } else {
        log = CTLOG_STORE_get0_log_by_id(st, log_id, 32);
        printf("%s: store set, test log %s\n", label,
               log != NULL ? CTLOG_get0_name(log) : "absent");
    }
    diff_print_errors(label);
}

static void ctlog(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    CTLOG_STORE *mine = CTLOG_STORE_new();
    char path[] = "/tmp/shimssl-ctlogs-XXXXXX";
    unsigned char *der = NULL, log_id[32];
    int der_len, fd;
    EVP_PKEY *logkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    FILE *fh;

    /* A log list (CTLOG_FILE's format): one log named by its key. */
    der_len = i2d_PUBKEY(logkey, &der);
    SHA256(der, (size_t)der_len, log_id);
    fd = mkstemp(path);
    fh = fdopen(fd, "w");
    {
        BIO *b64 = BIO_new(BIO_f_base64()), *mem = BIO_new(BIO_s_mem());
        char *p;
        long n;

        BIO_set_flags(b64, BIO_FLAGS_BASE64_NO_NL);
        BIO_push(b64, mem);
        BIO_write(b64, der, der_len);
        (void)BIO_flush(b64);
        n = BIO_get_mem_data(mem, &p);
        fprintf(fh,
                "enabled_logs = testlog\n\n[testlog]\ndescription = shimssl test log\nkey = %.*s\n",
                (int)n, p);
        BIO_free_all(b64);
    }
    fclose(fh);

    printf("same store twice: %d\n",
           SSL_CTX_get0_ctlog_store(ctx) == SSL_CTX_get0_ctlog_store(ctx));
    show_store("fresh", ctx, log_id);
    printf("load missing file: %d\n", SSL_CTX_set_ctlog_list_file(ctx, "/nonexistent/ct.cnf"));
    diff_print_errors("missing");
    printf("load list: %d\n", SSL_CTX_set_ctlog_list_file(ctx, path));
    show_store("loaded", ctx, log_id);
    SSL_CTX_set0_ctlog_store(ctx, mine);
    printf("set0 store is the one got: %d\n", SSL_CTX_get0_ctlog_store(ctx) == mine);
    show_store("replaced", ctx, log_id);
    setenv("CTLOG_FILE", path, 1);
    printf("load default (CTLOG_FILE): %d\n", SSL_CTX_set_default_ctlog_list_file(ctx));
    show_store("default", ctx, log_id);
    printf("ct enabled: %d\n", SSL_CTX_ct_is_enabled(ctx));
    diff_print_errors("ct");
    unlink(path);
    OPENSSL_free(der);
    EVP_PKEY_free(logkey);
    SSL_CTX_free(ctx);
}

/* ------------------------------------------------------------ servername */

static void servername(void)
{
    SSL_CTX *sctx, *cctx = SSL_CTX_new(TLS_client_method());
    SSL_SESSION *sess;
    int versions[] = {TLS1_2_VERSION, TLS1_3_VERSION};

    make_cert();
    sctx = server_ctx();
    for (int i = 0; i < 2; i++) {
        const char *name = versions[i] == TLS1_2_VERSION ? "tls12" : "tls13";
        char label[32];

        snprintf(label, sizeof(label), "%s full", name);
        sess = handshake(sctx, cctx, NULL, versions[i], label);
        snprintf(label, sizeof(label), "%s resumed", name);
        SSL_SESSION_free(handshake(sctx, cctx, sess, versions[i], label));
        SSL_SESSION_free(sess);
    }
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    diff_report_lib();
    if (strcmp(argv[1], "sessions") == 0)
        sessions();
    else if (strcmp(argv[1], "dane") == 0)
        dane();
    else if (strcmp(argv[1], "ctlog") == 0)
        ctlog();
    else if (strcmp(argv[1], "servername") == 0)
        servername();
    else
        return 2;
    EVP_PKEY_free(key);
    X509_free(cert);
    diff_print_errors("end");
    return 0;
}
