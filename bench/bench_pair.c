/*
 * shimssl benchmark: both ends in one process, on one library (stock when run
 * plainly, ours when preloaded), over a socketpair, single-threaded.
 * Written against the public libssl API only.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: bench_pair CERT KEY MODE [args] [suite=S] [tls12]
 *   bulk MB        MB megabytes client -> server in 16 KiB writes; user CPU
 *                  per MB for both ends together, next to the raw EVP limit
 *                  (each 16 KiB sealed and opened once, as the two ends must)
 *   flights N      N full handshakes; write() calls per handshake of each end
 *                  (a flight is one write when the library buffers it)
 *   memory K       heap bytes per established idle connection, each role
 * Prints "name value unit" lines.
 *
 * write() is interposed here (libcrypto's socket BIO calls it), counted per
 * file descriptor, so that each end's writes are told apart.  Memory is
 * counted by heap_count.h, each block charged to the role whose call
 * allocated it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "heap_count.h"

#define CHUNK 16384

/* ------------------------------------------------------- write() counting */

static long writes_by_fd[1024];

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (real == NULL)
        real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (fd >= 0 && fd < 1024)
        writes_by_fd[fd]++;
    return real(fd, buf, n);
}

/* ------------------------------------------------------- heap per role */

enum role { ROLE_OTHER, ROLE_CLIENT, ROLE_SERVER }; /* heap_count.h's accounts */

/* ------------------------------------------------------------- helpers */

static void die(const char *what)
{
    fprintf(stderr, "bench_pair: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static double user_cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6;
}

static const char *opt(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], name) == 0)
            return "";
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    }
    return NULL;
}

static SSL_CTX *cctx, *sctx;

static void make_contexts(int argc, char **argv)
{
    const char *suite = opt(argc, argv, "suite");

    cctx = SSL_CTX_new(TLS_client_method());
    sctx = SSL_CTX_new(TLS_server_method());
    if (cctx == NULL || sctx == NULL || SSL_CTX_use_certificate_chain_file(sctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(sctx, argv[2], SSL_FILETYPE_PEM) != 1)
        die("contexts");
    SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_OFF);
    if (suite != NULL &&
        (SSL_CTX_set_ciphersuites(cctx, suite) != 1 || SSL_CTX_set_ciphersuites(sctx, suite) != 1))
        die("suite");
    if (opt(argc, argv, "tls12"))
        SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
}

struct pair {
    SSL *c, *s;
    int cfd, sfd;
    long server_hs_writes; /* the server's writes until SSL_accept is done */
};

/* Steps both ends (non-blocking) until both handshakes are done, and the
 * client has read the server's first byte (which takes in TLS 1.3 tickets). */
static void pair_open(struct pair *p)
{
    int fds[2], cdone = 0, sdone = 0, got = 0;
    char b;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
        die("socketpair");
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    p->cfd = fds[0];
    p->sfd = fds[1];
    heap_account = ROLE_CLIENT;
    p->c = SSL_new(cctx);
    SSL_set_fd(p->c, p->cfd);
    heap_account = ROLE_SERVER;
    p->s = SSL_new(sctx);
    SSL_set_fd(p->s, p->sfd);
    for (int rounds = 0; !(cdone && sdone && got); rounds++) {
        if (rounds > 1000)
            die("handshake does not finish");
        heap_account = ROLE_CLIENT;
        if (!cdone)
            cdone = SSL_connect(p->c) == 1;
        else if (!got)
            got = SSL_read(p->c, &b, 1) == 1;
        heap_account = ROLE_SERVER;
        if (!sdone && (sdone = SSL_accept(p->s) == 1)) {
            p->server_hs_writes = writes_by_fd[p->sfd];
            if (SSL_write(p->s, "x", 1) != 1)
                die("server write");
        }
    }
    heap_account = ROLE_OTHER;
    ERR_clear_error();
}

static void pair_close(struct pair *p)
{
    SSL_free(p->c);
    SSL_free(p->s);
    close(p->cfd);
    close(p->sfd);
}

/* ---------------------------------------------------------------- modes */

static void mode_bulk(int argc, char **argv)
{
    size_t mb = (size_t)atoi(argv[4]);
    char *buf = calloc(1, CHUNK), *in = malloc(CHUNK);
    struct pair p;
    double u0;

    make_contexts(argc, argv);
    pair_open(&p);
    u0 = user_cpu_seconds();
    for (size_t sent = 0; sent < mb << 20; sent += CHUNK) {
        size_t got = 0;
        int w = SSL_write(p.c, buf, CHUNK);
        if (w != CHUNK)
            die("write");
        while (got < CHUNK) {
            int r = SSL_read(p.s, in, CHUNK);
            if (r <= 0)
                die("read");
            got += (size_t)r;
        }
    }
    double user = user_cpu_seconds() - u0;
    printf("pair_bulk_mb_per_user_cpu_second %.1f MB/s\n", user > 0 ? mb / user : 0.0);
    printf("cipher %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(p.c)));
    pair_close(&p);
    free(buf);
    free(in);
}

/* The limit of bulk: each 16 KiB chunk sealed and opened once with the
 * cipher the run negotiates (AES-256-GCM by default, as TLS 1.3 picks). */
static void mode_evp(int argc, char **argv)
{
    size_t mb = (size_t)atoi(argv[4]);
    const char *name = opt(argc, argv, "evp") ? opt(argc, argv, "evp") : "AES-256-GCM";
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
    EVP_CIPHER_CTX *enc = EVP_CIPHER_CTX_new(), *dec = EVP_CIPHER_CTX_new();
    unsigned char key[32] = {0}, iv[12] = {0}, tag[16], aad[13] = {0};
    unsigned char *buf = calloc(1, CHUNK), *out = malloc(CHUNK + 16);
    int n;

    if (c == NULL || !EVP_EncryptInit_ex(enc, c, NULL, key, iv) ||
        !EVP_DecryptInit_ex(dec, c, NULL, key, iv))
        die("evp");
    double u0 = user_cpu_seconds();
    for (size_t done = 0; done < mb << 20; done += CHUNK) {
        iv[11]++;
        if (!EVP_EncryptInit_ex(enc, NULL, NULL, NULL, iv) ||
            !EVP_EncryptUpdate(enc, NULL, &n, aad, sizeof(aad)) ||
            !EVP_EncryptUpdate(enc, out, &n, buf, CHUNK) || !EVP_EncryptFinal_ex(enc, out, &n) ||
            !EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_AEAD_GET_TAG, 16, tag) ||
            !EVP_DecryptInit_ex(dec, NULL, NULL, NULL, iv) ||
            !EVP_DecryptUpdate(dec, NULL, &n, aad, sizeof(aad)) ||
            !EVP_DecryptUpdate(dec, buf, &n, out, CHUNK) ||
            !EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_AEAD_SET_TAG, 16, tag) ||
            EVP_DecryptFinal_ex(dec, buf, &n) <= 0)
            die("evp round");
    }
    double user = user_cpu_seconds() - u0;
    printf("evp_seal_open_mb_per_user_cpu_second %.1f MB/s\n", user > 0 ? mb / user : 0.0);
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
    EVP_CIPHER_free(c);
    free(buf);
    free(out);
}

static void mode_flights(int argc, char **argv)
{
    int n = atoi(argv[4]);
    long cw = 0, sw = 0;
    struct pair p;

    make_contexts(argc, argv);
    for (int i = 0; i < n; i++) {
        pair_open(&p);
        cw += writes_by_fd[p.cfd];
        sw += p.server_hs_writes;
        /* (descriptors are reused: each pair counts from zero) */
        writes_by_fd[p.cfd] = writes_by_fd[p.sfd] = 0;
        pair_close(&p);
    }
    printf("client_writes_per_handshake %.2f 1\n", (double)cw / n);
    printf("server_writes_per_handshake %.2f 1\n", (double)sw / n);
    printf("protocol %s\n", opt(argc, argv, "tls12") ? "TLSv1.2" : "TLSv1.3");
}

static void mode_memory(int argc, char **argv)
{
    int k = atoi(argv[4]);
    struct pair *p = calloc((size_t)k + 1, sizeof(*p));
    long before[HEAP_ACCOUNTS];

    make_contexts(argc, argv);
    /* One pair first, so that per-process caches are already filled. */
    pair_open(&p[k]);
    pair_close(&p[k]);
    memcpy(before, heap_live, sizeof(heap_live));
    for (int i = 0; i < k; i++)
        pair_open(&p[i]);
    printf("client_heap_per_connection %.0f bytes\n",
           (double)(heap_live[ROLE_CLIENT] - before[ROLE_CLIENT]) / k);
    printf("server_heap_per_connection %.0f bytes\n",
           (double)(heap_live[ROLE_SERVER] - before[ROLE_SERVER]) / k);
    for (int i = 0; i < k; i++)
        pair_close(&p[i]);
    free(p);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_pair CERT KEY bulk|evp|flights|memory N [options]\n");
        return 2;
    }
    /* Before anything allocates (memory mode only: the counting would weigh
     * on the other figures). */
    if (strcmp(argv[3], "memory") == 0)
        CRYPTO_set_mem_functions(heap_malloc, heap_realloc, heap_free);
    if (strcmp(argv[3], "bulk") == 0)
        mode_bulk(argc, argv);
    else if (strcmp(argv[3], "evp") == 0)
        mode_evp(argc, argv);
    else if (strcmp(argv[3], "flights") == 0)
        mode_flights(argc, argv);
    else if (strcmp(argv[3], "memory") == 0)
        mode_memory(argc, argv);
    else
        return 2;
    return 0;
}
