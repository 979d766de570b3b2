/*
 * shimssl - a small TLS client the install test builds with
 * `cc relink_client.c $(pkg-config --cflags --libs shimssl)` against the
 * installed headers and library, and runs with no environment variables.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: relink_client PORT CA_FILE [tls12]
 * Connects to 127.0.0.1:PORT as "localhost", verifies the server against
 * CA_FILE, sends an HTTP/1.0 request and prints the protocol, the suite and
 * the first line of the answer.  Exit status 0 when all of that worked.
 */
#include <openssl/ssl.h>
#include <openssl/err.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relink_common.h"

static int connect_loopback(int port)
{
    struct sockaddr_in sa = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

static void fail(const char *what)
{
    fprintf(stderr, "relink_client: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

int main(int argc, char **argv)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    char answer[256];
    int n;

    if (argc < 3)
        return 2;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || !SSL_CTX_load_verify_locations(ctx, argv[2], NULL))
        fail("SSL_CTX setup");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (argc > 3 && strcmp(argv[3], "tls12") == 0)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL *ssl = SSL_new(ctx);
    if (ssl == NULL || !SSL_set_tlsext_host_name(ssl, "localhost") ||
        !SSL_set1_host(ssl, "localhost") || !SSL_set_fd(ssl, connect_loopback(atoi(argv[1]))))
        fail("SSL setup");
    if (SSL_connect(ssl) != 1)
        fail("SSL_connect");
    if (SSL_write(ssl, request, (int)strlen(request)) <= 0)
        fail("SSL_write");
    n = SSL_read(ssl, answer, sizeof(answer) - 1);
    if (n <= 0)
        fail("SSL_read");
    answer[n] = '\0';
    answer[strcspn(answer, "\r\n")] = '\0';
    printf("connected: %s %s\n", SSL_get_version(ssl),
           SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    printf("answer: %s\n", answer);
    print_mapped_libssl();
    SSL_shutdown(ssl);
    close(SSL_get_fd(ssl));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return 0;
}
