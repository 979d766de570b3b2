/*
 * shimssl benchmark: the measured client.  Written against the public libssl
 * API only, so the same binary runs on stock libssl and, preloaded, on ours.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: bench_client PORT MODE [args] [ca=FILE] [host=NAME]
 *   full N [tls12] [suite=S] [ciphers=C]   N full handshakes; client CPU per handshake
 *   resume N [tls12] [sessid]              N resumptions (tickets, or session ids)
 *   bulk MB [suite=S] [ciphers=C] [tls12]  MB megabytes in 16 KiB writes; client CPU (all,
 *                                          and user mode alone) per MB
 *   evp MB CIPHER                          raw EVP AEAD encryption of MB megabytes
 *   memory K [release] [tls12]             heap bytes per established idle connection
 *   threads T N                            T threads x N handshakes on one SSL_CTX; wall rate
 * Prints "name value unit" lines.
 *
 * The client checks the server as curl does: with ca=FILE it loads that CA,
 * sets SSL_VERIFY_PEER and, per connection, the host name to check and send
 * (host=NAME, default localhost); a failed verification ends the run.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "heap_count.h"

static int port;
static const char *host; /* the name to verify and send, when verifying */

/* ------------------------------------------------------------------ helpers */

/* User-mode CPU alone: what the library itself spends, without the
 * kernel's socket work (the raw EVP figure is all user time). */
static double user_cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6;
}

static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
           u.ru_stime.tv_usec / 1e6;
}

static double wall_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int tcp_connect(void)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

static const char *opt(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], name) == 0)
            return "";
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    }
    return NULL;
}

static SSL_CTX *client_ctx(int argc, char **argv)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    const char *v;
    if (ctx == NULL) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    if ((v = opt(argc, argv, "ca")) != NULL) {
        if (SSL_CTX_load_verify_locations(ctx, v, NULL) != 1) {
            ERR_print_errors_fp(stderr);
            exit(1);
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        host = opt(argc, argv, "host") ? opt(argc, argv, "host") : "localhost";
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (opt(argc, argv, "tls12"))
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    if ((v = opt(argc, argv, "suite")) != NULL)
        SSL_CTX_set_ciphersuites(ctx, v);
    if ((v = opt(argc, argv, "ciphers")) != NULL)
        SSL_CTX_set_cipher_list(ctx, v);
    if (opt(argc, argv, "sessid"))
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    return ctx;
}

/* One connection: handshake, read the server's byte (this also processes
 * TLS 1.3 tickets); the caller decides what happens next. */
static SSL *open_conn(SSL_CTX *ctx, SSL_SESSION *resume)
{
    SSL *s = SSL_new(ctx);
    char b;
    SSL_set_fd(s, tcp_connect());
    if (host != NULL && (SSL_set1_host(s, host) != 1 || SSL_set_tlsext_host_name(s, host) != 1)) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    if (resume != NULL)
        SSL_set_session(s, resume);
    if (SSL_connect(s) != 1 || SSL_read(s, &b, 1) != 1) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    return s;
}

static void close_conn(SSL *s)
{
    int fd = SSL_get_fd(s);
    SSL_shutdown(s);
    SSL_free(s);
    close(fd);
}

/* -------------------------------------------------------------------- modes */

static void mode_full(int argc, char **argv)
{
    int n = atoi(argv[3]);
    SSL_CTX *ctx = client_ctx(argc, argv);
    double c0 = cpu_seconds();
    for (int i = 0; i < n; i++)
        close_conn(open_conn(ctx, NULL));
    double cpu = cpu_seconds() - c0;
    printf("handshakes_per_cpu_second %.1f 1/s\n", n / cpu);
    printf("cpu_per_handshake %.1f us\n", cpu / n * 1e6);
    SSL_CTX_free(ctx);
}

static void mode_resume(int argc, char **argv)
{
    int n = atoi(argv[3]), reused = 0;
    SSL_CTX *ctx = client_ctx(argc, argv);
    SSL *s = open_conn(ctx, NULL);
    SSL_SESSION *sess = SSL_get1_session(s);
    close_conn(s);
    double c0 = cpu_seconds();
    for (int i = 0; i < n; i++) {
        s = open_conn(ctx, sess);
        reused += SSL_session_reused(s);
        /* TLS 1.3 tickets are single-use in spirit: take the newest. */
        SSL_SESSION_free(sess);
        sess = SSL_get1_session(s);
        close_conn(s);
    }
    double cpu = cpu_seconds() - c0;
    SSL_SESSION_free(sess);
    printf("resumptions_per_cpu_second %.1f 1/s\n", n / cpu);
    printf("cpu_per_handshake %.1f us\n", cpu / n * 1e6);
    printf("resumed %d of %d\n", reused, n);
    SSL_CTX_free(ctx);
}

static void mode_bulk(int argc, char **argv)
{
    size_t mb = (size_t)atoi(argv[3]), chunk = 16384;
    SSL_CTX *ctx = client_ctx(argc, argv);
    SSL *s = open_conn(ctx, NULL);
    char *buf = calloc(1, chunk), b;
    double c0 = cpu_seconds(), u0 = user_cpu_seconds(), w0 = wall_seconds();
    for (size_t sent = 0; sent < mb << 20; sent += chunk)
        if (SSL_write(s, buf, (int)chunk) != (int)chunk) {
            ERR_print_errors_fp(stderr);
            exit(1);
        }
    double cpu = cpu_seconds() - c0, user = user_cpu_seconds() - u0, wall = wall_seconds() - w0;
    printf("bulk_mb_per_cpu_second %.1f MB/s\n", mb / cpu);
    /* (0 when the run was too short for the clock to see) */
    printf("bulk_mb_per_user_cpu_second %.1f MB/s\n", user > 0 ? mb / user : 0.0);
    printf("bulk_mb_per_wall_second %.1f MB/s\n", mb / wall);
    printf("cipher %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(s)));
    SSL_shutdown(s);
    while (SSL_read(s, &b, 1) > 0)
        continue;
    close_conn(s);
    free(buf);
    SSL_CTX_free(ctx);
}

static void mode_evp(int argc, char **argv)
{
    size_t mb = (size_t)atoi(argv[3]), chunk = 16384;
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, argc > 4 ? argv[4] : "AES-128-GCM", NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    unsigned char key[32] = {0}, iv[12] = {0}, tag[16], *buf = calloc(1, chunk);
    int n;
    EVP_EncryptInit_ex(ctx, c, NULL, key, iv);
    double c0 = cpu_seconds();
    for (size_t done = 0; done < mb << 20; done += chunk) {
        iv[11]++;
        EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv);
        EVP_EncryptUpdate(ctx, NULL, &n, key, 13);
        EVP_EncryptUpdate(ctx, buf, &n, buf, (int)chunk);
        EVP_EncryptFinal_ex(ctx, buf, &n);
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag);
    }
    double cpu = cpu_seconds() - c0;
    printf("evp_mb_per_cpu_second %.1f MB/s\n", mb / cpu);
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    free(buf);
}

static void mode_memory(int argc, char **argv)
{
    int k = atoi(argv[3]);
    SSL_CTX *ctx = client_ctx(argc, argv);
    SSL **conns = calloc((size_t)k, sizeof(*conns));
    if (opt(argc, argv, "release"))
        SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    /* One connection first, so that per-process caches are already filled. */
    close_conn(open_conn(ctx, NULL));
    long before = heap_live[0];
    for (int i = 0; i < k; i++)
        conns[i] = open_conn(ctx, NULL);
    long after = heap_live[0];
    printf("heap_per_connection %.0f bytes\n", (double)(after - before) / k);
    for (int i = 0; i < k; i++)
        close_conn(conns[i]);
    free(conns);
    SSL_CTX_free(ctx);
}

struct thread_arg {
    SSL_CTX *ctx;
    int n;
};

static void *thread_main(void *p)
{
    struct thread_arg *a = p;
    for (int i = 0; i < a->n; i++)
        close_conn(open_conn(a->ctx, NULL));
    return NULL;
}

static void mode_threads(int argc, char **argv)
{
    int t = atoi(argv[3]), n = argc > 4 ? atoi(argv[4]) : 200;
    SSL_CTX *ctx = client_ctx(argc, argv);
    pthread_t th[64];
    struct thread_arg a = {ctx, n};
    close_conn(open_conn(ctx, NULL));
    double w0 = wall_seconds(), c0 = cpu_seconds();
    for (int i = 0; i < t && i < 64; i++)
        pthread_create(&th[i], NULL, thread_main, &a);
    for (int i = 0; i < t && i < 64; i++)
        pthread_join(th[i], NULL);
    double wall = wall_seconds() - w0, cpu = cpu_seconds() - c0;
    printf("handshakes_per_wall_second %.1f 1/s\n", t * n / wall);
    printf("handshakes_per_cpu_second %.1f 1/s\n", t * n / cpu);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc < 4) {
        fprintf(stderr, "usage: bench_client PORT MODE ARGS...\n");
        return 2;
    }
    /* Before anything allocates: count every libcrypto/libssl allocation
     * (memory mode only: the counting costs a lock per allocation, which
     * would weigh on the other figures). */
    if (strcmp(argv[2], "memory") == 0)
        CRYPTO_set_mem_functions(heap_malloc, heap_realloc, heap_free);
    port = atoi(argv[1]);
    if (strcmp(argv[2], "full") == 0)
        mode_full(argc, argv);
    else if (strcmp(argv[2], "resume") == 0)
        mode_resume(argc, argv);
    else if (strcmp(argv[2], "bulk") == 0)
        mode_bulk(argc, argv);
    else if (strcmp(argv[2], "evp") == 0)
        mode_evp(argc, argv);
    else if (strcmp(argv[2], "memory") == 0)
        mode_memory(argc, argv);
    else if (strcmp(argv[2], "threads") == 0)
        mode_threads(argc, argv);
    else
        return 2;
    return 0;
}
