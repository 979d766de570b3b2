/*
 * shimssl benchmark: the server side, always on stock libssl.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Listens on 127.0.0.1 (an ephemeral port, printed as "PORT n"), and serves
 * each connection in a thread of its own (so that many idle connections can
 * be held open): handshake, send one byte (so that a TLS 1.3 client receives
 * its session tickets), then read and discard whatever the client sends
 * until it closes.
 *
 * With count=N it is the measured side instead: it serves N connections one
 * after the other in its main thread (no threads, so that callgrind counts
 * one process's work plainly), prints the CPU time per connection after the
 * first ("cpu_per_handshake T us") and exits.  Written against the public
 * API only, so the same binary runs on stock and, preloaded, on ours.
 *
 * usage: bench_server CERT KEY [tls12] [ciphers=STR] [suites=STR] [notickets]
 *                     [count=N]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static SSL_CTX *ctx;
static int listener;

static void serve(int fd)
{
    SSL *s = SSL_new(ctx);
    char buf[65536];
    int one = 1;

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    SSL_set_fd(s, fd);
    if (SSL_accept(s) == 1 && SSL_write(s, "x", 1) == 1) {
        while (SSL_read(s, buf, sizeof(buf)) > 0)
            continue;
        if (SSL_get_error(s, 0) == SSL_ERROR_ZERO_RETURN || 1)
            SSL_shutdown(s);
    }
    SSL_free(s);
    close(fd);
    ERR_clear_error();
}

static void *connection(void *arg)
{
    serve((int)(intptr_t)arg);
    return NULL;
}

static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
           u.ru_stime.tv_usec / 1e6;
}

/* count=N: N connections in turn; the first one fills the per-process caches
 * and is left out of the CPU figure. */
static int serve_counted(int n)
{
    double c0 = 0;
    for (int i = 0; i < n; i++) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            perror("accept");
            return 1;
        }
        serve(fd);
        if (i == 0)
            c0 = cpu_seconds();
    }
    if (n > 1)
        printf("cpu_per_handshake %.1f us\n", (cpu_seconds() - c0) / (n - 1) * 1e6);
    return 0;
}

int main(int argc, char **argv)
{
    int count = 0;
    struct sockaddr_in a = {0};
    socklen_t alen = sizeof(a);
    int one = 1;
    pthread_attr_t attr;

    if (argc < 3) {
        fprintf(stderr, "usage: bench_server CERT KEY [options]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"bench", 5);
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "tls12") == 0)
            SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
        else if (strncmp(argv[i], "ciphers=", 8) == 0)
            SSL_CTX_set_cipher_list(ctx, argv[i] + 8);
        else if (strncmp(argv[i], "suites=", 7) == 0)
            SSL_CTX_set_ciphersuites(ctx, argv[i] + 7);
        else if (strcmp(argv[i], "notickets") == 0)
            SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        else if (strncmp(argv[i], "count=", 6) == 0)
            count = atoi(argv[i] + 6);
    }
    listener = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(listener, 512) != 0 ||
        getsockname(listener, (struct sockaddr *)&a, &alen) != 0) {
        perror("listen");
        return 1;
    }
    printf("PORT %d\n", ntohs(a.sin_port));
    fflush(stdout);
    if (count > 0)
        return serve_counted(count);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        pthread_t t;
        if (fd >= 0 && pthread_create(&t, &attr, connection, (void *)(intptr_t)fd) != 0)
            close(fd);
    }
    return 0;
}
