/*
 * shimssl - a small TLS server the install test builds with
 * `cc relink_server.c $(pkg-config --cflags --libs shimssl)` against the
 * installed headers and library, and runs with no environment variables.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: relink_server CERT KEY
 * Listens on 127.0.0.1 (a port the kernel picks), prints "PORT n", accepts
 * one connection, reads one line and answers "hello from the relinked
 * server: LINE", then closes.  Exit status 0 when all of that worked.
 */
#include <openssl/ssl.h>
#include <openssl/err.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relink_common.h"

static int listen_loopback(void)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        perror("listen");
        exit(1);
    }
    printf("PORT %d\n", ntohs(sa.sin_port));
    fflush(stdout);
    return fd;
}

static void fail(const char *what)
{
    fprintf(stderr, "relink_server: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

int main(int argc, char **argv)
{
    char line[256], reply[320];
    int n, fd;

    if (argc < 3)
        return 2;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1)
        fail("SSL_CTX setup");
    int lfd = listen_loopback();
    fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        fail("accept");
    SSL *ssl = SSL_new(ctx);
    if (ssl == NULL || !SSL_set_fd(ssl, fd))
        fail("SSL setup");
    if (SSL_accept(ssl) != 1)
        fail("SSL_accept");
    n = SSL_read(ssl, line, sizeof(line) - 1);
    if (n <= 0)
        fail("SSL_read");
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    n = snprintf(reply, sizeof(reply), "hello from the relinked server: %s\n", line);
    if (SSL_write(ssl, reply, n) != n)
        fail("SSL_write");
    printf("served: %s %s\n", SSL_get_version(ssl),
           SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    print_mapped_libssl();
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    close(lfd);
    SSL_CTX_free(ctx);
    return 0;
}
