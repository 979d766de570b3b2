/*
 * shimssl fuzzing: records a server flight for the client target.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Runs the client target's client (same configuration, same fixed
 * randomness, same steps: tests/fuzz/client_setup.c and flight.c) against a
 * live server on 127.0.0.1:PORT, through a socket BIO that keeps every byte
 * the server sent.  Those bytes, after the mode byte, are a seed the client
 * target replays exactly: the ClientHello it answers is the one the target
 * sends.  Optionally also writes the session the client ended with (a seed
 * for the session target).  record_corpus.py runs it against s_server.
 *
 * usage: record_client PORT MODE FLIGHT_FILE [SESSION_FILE]
 *   MODE: 0 the default client, 1 TLS 1.2 only (the target's first byte)
 */
#include "fuzz.h"
#include "capture_bio.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int tcp_connect(int port)
{
    struct sockaddr_in a = {0};
    struct timeval tv = {10, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        perror("connect");
        exit(1);
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void write_file(const char *path, const unsigned char *first, size_t first_len,
                       const unsigned char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(first, 1, first_len, f) != first_len ||
        fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    struct capture cap = {0};
    struct fuzz_flight result;
    BIO *bio;
    SSL *s;
    unsigned char mode;

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: record_client PORT MODE FLIGHT_FILE [SESSION_FILE]\n");
        return 2;
    }
    mode = (unsigned char)atoi(argv[2]);
    s = fuzz_client_new(mode % 2 == 0 ? FUZZ_CLIENT_DEFAULT : FUZZ_CLIENT_TLS12_ONLY);
    cap.fd = tcp_connect(atoi(argv[1]));
    bio = capture_bio_new(&cap);
    SSL_set_bio(s, bio, bio);

    fuzz_flight_drive(s, &result);
    printf(
        "handshake %s, version 0x%x, %zu application bytes, close_notify %s, %zu bytes recorded\n",
        result.handshake_done ? "done" : "FAILED", result.version, result.app_bytes,
        result.closed ? "yes" : "no", cap.len);
    if (!result.handshake_done || result.app_bytes == 0 || !result.closed)
        return 1;
    write_file(argv[3], &mode, 1, cap.buf, cap.len);
    if (argc == 5) {
        SSL_SESSION *sess = SSL_get1_session(s);
        unsigned char *der = NULL;
        int n = sess != NULL ? i2d_SSL_SESSION(sess, &der) : 0;
        if (n <= 0)
            return 1;
        write_file(argv[4], der, (size_t)n, NULL, 0);
        OPENSSL_free(der);
        SSL_SESSION_free(sess);
    }
    SSL_free(s);
    close(cap.fd);
    free(cap.buf);
    return 0;
}
