/*
 * shimssl - a program for the tracer's own tests, built against the system
 * headers and run on stock libssl, with and without libshimssl-trace.so.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Its standard output must be the same with the tracer as without: that is
 * the test that the tracer changes nothing (callbacks still get their
 * arguments, getters give back the program's own functions, the error queue
 * and errno read as before).  Client and server talk over a BIO pair, so
 * the server side is stock's (shimssl has no server yet).
 *
 * usage: trace_prog PKI_DIR callbacks | errors | threads N M | fork
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static const char *pki;
static int token; /* its address is the arg given with every callback */

static char *path(const char *name)
{
    static char buf[4][4096];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, sizeof(buf[0]), "%s/%s", pki, name);
    return b;
}

/* Counters are printed as "called" / "not called": the number of calls is
 * libssl's business, whether the callback ran at all is the test's. */
static int n_verify, n_info, n_msg, n_keylog, n_new, n_servername, n_alpn, n_hello, n_cert,
    n_status, bad_arg;

static int my_verify(int ok, X509_STORE_CTX *ctx)
{
    (void)ctx;
    n_verify++;
    return ok;
}

static void my_info(const SSL *s, int where, int ret)
{
    (void)s, (void)where, (void)ret;
    n_info++;
}

static void my_msg(int write_p, int version, int content_type, const void *buf, size_t len, SSL *s,
                   void *arg)
{
    (void)write_p, (void)version, (void)content_type, (void)buf, (void)len, (void)s;
    bad_arg |= arg != &token;
    n_msg++;
}

static void my_keylog(const SSL *s, const char *line)
{
    (void)s;
    bad_arg |= line == NULL;
    n_keylog++;
}

static int my_new_session(SSL *s, SSL_SESSION *sess)
{
    (void)s, (void)sess;
    n_new++;
    return 0;
}

static int my_servername(SSL *s, int *al, void *arg)
{
    (void)al;
    bad_arg |= arg != &token;
    bad_arg |= strcmp(SSL_get_servername(s, TLSEXT_NAMETYPE_host_name), "localhost") != 0;
    n_servername++;
    return SSL_TLSEXT_ERR_OK;
}

static int my_alpn(SSL *s, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg)
{
    (void)s;
    bad_arg |= arg != &token;
    n_alpn++;
    if (inlen < 3)
        return SSL_TLSEXT_ERR_NOACK;
    *out = in + 1;
    *outlen = in[0];
    return SSL_TLSEXT_ERR_OK;
}

static int my_client_hello(SSL *s, int *al, void *arg)
{
    (void)s, (void)al;
    bad_arg |= arg != &token;
    n_hello++;
    return SSL_CLIENT_HELLO_SUCCESS;
}

static int my_cert(SSL *s, void *arg)
{
    (void)s;
    bad_arg |= arg != &token;
    n_cert++;
    return 1;
}

static int my_status(SSL *s, void *arg)
{
    (void)s;
    bad_arg |= arg != &token;
    n_status++;
    return SSL_TLSEXT_ERR_NOACK;
}

static SSL_CTX *server_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, path("server-ec.pem")) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, path("server-ec.key"), SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        exit(2);
    }
    return ctx;
}

static SSL_CTX *client_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, path("ca.pem"), NULL) != 1) {
        ERR_print_errors_fp(stderr);
        exit(2);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

/* A client and a server over a BIO pair, handshake driven to its end. */
static int handshake(SSL_CTX *cctx, SSL_CTX *sctx, SSL **pc, SSL **ps)
{
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *bc, *bs;
    int done_c = 0, done_s = 0;
    if (c == NULL || s == NULL || !BIO_new_bio_pair(&bc, 0, &bs, 0))
        return 0;
    SSL_set_bio(c, bc, bc);
    SSL_set_bio(s, bs, bs);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, "localhost");
    for (int i = 0; i < 50 && !(done_c && done_s); i++) {
        int rc = done_c ? 1 : SSL_do_handshake(c);
        int rs = done_s ? 1 : SSL_do_handshake(s);
        done_c = rc == 1;
        done_s = rs == 1;
        if ((rc <= 0 && SSL_get_error(c, rc) != SSL_ERROR_WANT_READ) ||
            (rs <= 0 && SSL_get_error(s, rs) != SSL_ERROR_WANT_READ)) {
            ERR_print_errors_fp(stdout);
            return 0;
        }
    }
    *pc = c;
    *ps = s;
    return done_c && done_s;
}

/* Data both ways, then a clean shutdown. */
static int exchange(SSL *c, SSL *s)
{
    char buf[64];
    int n;
    if (SSL_write(c, "ping", 4) != 4)
        return 0;
    n = SSL_read(s, buf, sizeof(buf));
    if (n != 4 || SSL_write(s, "pong", 4) != 4)
        return 0;
    n = SSL_read(c, buf, sizeof(buf)); /* tickets first, then data */
    if (n <= 0)
        n = SSL_read(c, buf, sizeof(buf));
    SSL_shutdown(c);
    SSL_shutdown(s);
    return n == 4 && memcmp(buf, "pong", 4) == 0;
}

static const char *called(int n)
{
    return n > 0 ? "called" : "not called";
}

static int run_callbacks(void)
{
    static const unsigned char alpn[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX *cctx = client_ctx(), *sctx = server_ctx();
    int (*status_cb)(SSL *, void *) = NULL;
    SSL *c, *s;
    int ok;

    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, my_verify);
    SSL_CTX_set_info_callback(cctx, my_info);
    SSL_CTX_set_msg_callback(cctx, my_msg);
    SSL_CTX_set_msg_callback_arg(cctx, &token);
    SSL_CTX_set_keylog_callback(cctx, my_keylog);
    SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT);
    SSL_CTX_sess_set_new_cb(cctx, my_new_session);
    SSL_CTX_set_alpn_protos(cctx, alpn, sizeof(alpn));
    SSL_CTX_set_tlsext_status_type(cctx, TLSEXT_STATUSTYPE_ocsp);
    SSL_CTX_set_tlsext_servername_callback(sctx, my_servername);
    SSL_CTX_set_tlsext_servername_arg(sctx, &token);
    SSL_CTX_set_alpn_select_cb(sctx, my_alpn, &token);
    SSL_CTX_set_client_hello_cb(sctx, my_client_hello, &token);
    SSL_CTX_set_cert_cb(sctx, my_cert, &token);
    SSL_CTX_set_tlsext_status_cb(sctx, my_status);
    SSL_CTX_set_tlsext_status_arg(sctx, &token);

    /* Getters give the program its own functions back. */
    SSL_CTX_get_tlsext_status_cb(sctx, &status_cb);
    printf("getter verify: %s\n", SSL_CTX_get_verify_callback(cctx) == my_verify ? "own" : "OTHER");
    printf("getter info: %s\n", SSL_CTX_get_info_callback(cctx) == my_info ? "own" : "OTHER");
    printf("getter keylog: %s\n", SSL_CTX_get_keylog_callback(cctx) == my_keylog ? "own" : "OTHER");
    printf("getter new session: %s\n",
           SSL_CTX_sess_get_new_cb(cctx) == my_new_session ? "own" : "OTHER");
    printf("getter status: %s\n", status_cb == my_status ? "own" : "OTHER");

    ok = handshake(cctx, sctx, &c, &s);
    printf("handshake: %s\n", ok ? "ok" : "FAILED");
    printf("getter ssl verify: %s\n", SSL_get_verify_callback(c) == my_verify ? "own" : "OTHER");
    /* The SSL has no info callback of its own: libssl asks the SSL_CTX. */
    printf("getter ssl info: %s\n", SSL_get_info_callback(c) == NULL ? "none" : "OTHER");
    printf("exchange: %s\n", ok && exchange(c, s) ? "ok" : "FAILED");
    printf("verify %s, info %s, msg %s, keylog %s, new session %s\n", called(n_verify),
           called(n_info), called(n_msg), called(n_keylog), called(n_new));
    printf("servername %s, alpn %s, client hello %s, cert %s, status %s\n", called(n_servername),
           called(n_alpn), called(n_hello), called(n_cert), called(n_status));
    printf("arguments: %s\n", bad_arg ? "WRONG" : "as given");
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return ok ? 0 : 1;
}

/* The whole queue: library, reason, data. */
static void print_queue(const char *label)
{
    const char *data;
    int flags, n = 0;
    unsigned long e;
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        printf("%s: lib %d reason %d data \"%s\"\n", label, ERR_GET_LIB(e), ERR_GET_REASON(e),
               (flags & ERR_TXT_STRING) ? data : "");
        n++;
    }
    if (n == 0)
        printf("%s: empty\n", label);
}

static int run_errors(void)
{
    const SSL_METHOD *m;
    SSL_CTX *ctx;
    SSL *s;
    /* errno across the very first libssl call (the tracer starts there). */
    errno = 77;
    m = TLS_client_method();
    printf("errno after the first call: %d\n", errno);
    ctx = SSL_CTX_new(m);
    s = SSL_new(ctx);
    errno = 4242;
    SSL_get_version(s);
    SSL_CTX_get_options(ctx);
    printf("errno after queries: %d\n", errno);

    ERR_clear_error();
    printf("bad cipher list: %d\n", SSL_CTX_set_cipher_list(ctx, "NONSENSE"));
    ERR_set_mark();
    printf("marked bad cipher list: %d\n", SSL_CTX_set_cipher_list(ctx, "NONSENSE2"));
    ERR_pop_to_mark();
    print_queue("after pop to mark");

    /* A mark the program set before calling must still be there after. */
    SSL_CTX_set_cipher_list(ctx, "NONSENSE3");
    ERR_set_mark();
    SSL_CTX_use_certificate_file(ctx, "/nonexistent", SSL_FILETYPE_PEM);
    ERR_pop_to_mark();
    print_queue("queue kept under a mark");

    /* A program that closes descriptors it did not open (daemons do) sees
     * no change in errno, and the trace goes on. */
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    errno = 4343;
    SSL_get_version(s);
    printf("errno after closing descriptors: %d\n", errno);

    printf("read before connect: %d\n", SSL_read(s, (char[8]){0}, 8));
    printf("get_error: %d\n", SSL_get_error(s, -1));
    print_queue("after read");
    SSL_free(s);
    SSL_CTX_free(ctx);
    return 0;
}

struct worker {
    SSL_CTX *cctx, *sctx;
    int rounds, ok;
};

static void *worker(void *p)
{
    struct worker *w = p;
    for (int i = 0; i < w->rounds; i++) {
        SSL *c, *s;
        if (!handshake(w->cctx, w->sctx, &c, &s) || !exchange(c, s))
            return NULL;
        SSL_free(c);
        SSL_free(s);
    }
    w->ok = 1;
    return NULL;
}

/* Threads sharing two contexts (and their callbacks) make connections at
 * the same time: the tracer's tables and output are under fire. */
static int run_threads(int nthreads, int rounds)
{
    SSL_CTX *cctx = client_ctx(), *sctx = server_ctx();
    pthread_t t[64];
    struct worker w[64];
    int ok = 1;
    if (nthreads > 64)
        nthreads = 64;
    SSL_CTX_set_info_callback(cctx, my_info);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, my_verify);
    for (int i = 0; i < nthreads; i++) {
        w[i] = (struct worker){cctx, sctx, rounds, 0};
        pthread_create(&t[i], NULL, worker, &w[i]);
    }
    for (int i = 0; i < nthreads; i++) {
        pthread_join(t[i], NULL);
        ok &= w[i].ok;
    }
    printf("threads: %s\n", ok ? "ok" : "FAILED");
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return ok ? 0 : 1;
}

/* A child made by fork() traces into its own file. */
static int run_fork(void)
{
    SSL_CTX *cctx = client_ctx(), *sctx = server_ctx();
    SSL *c, *s;
    int status;
    pid_t pid;
    printf("parent handshake: %s\n", handshake(cctx, sctx, &c, &s) ? "ok" : "FAILED");
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        SSL *c2, *s2;
        int ok = handshake(cctx, sctx, &c2, &s2) && exchange(c2, s2);
        printf("child handshake: %s\n", ok ? "ok" : "FAILED");
        exit(ok ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    printf("child exit: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    printf("parent exchange: %s\n", exchange(c, s) ? "ok" : "FAILED");
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    pki = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(argv[2], "callbacks") == 0)
        return run_callbacks();
    if (strcmp(argv[2], "errors") == 0)
        return run_errors();
    if (strcmp(argv[2], "threads") == 0 && argc == 5)
        return run_threads(atoi(argv[3]), atoi(argv[4]));
    if (strcmp(argv[2], "fork") == 0)
        return run_fork();
    return 2;
}
