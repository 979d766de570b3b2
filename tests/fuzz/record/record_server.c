/*
 * shimssl fuzzing: records a client flight for the server target.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Runs the server target's server (same configuration, same fixed
 * randomness, same steps: tests/fuzz/server_setup.c and flight.c) for one
 * connection on a loopback port it picks, through a socket BIO that keeps
 * every byte the client sent.  Those bytes, after the mode byte, are a seed
 * the server target replays exactly: the server answers them as it did
 * here.  record_corpus.py runs openssl s_client against it.
 *
 * usage: record_server MODE FLIGHT_FILE
 *   MODE: the target's first byte (enum fuzz_server_mode).  Prints
 *   "port N" once listening, then what the connection got to.
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

/* One connection on a loopback port of the system's choosing. */
static int accept_one(void)
{
    struct sockaddr_in a = {0};
    socklen_t alen = sizeof(a);
    struct timeval tv = {10, 0};
    int lfd = socket(AF_INET, SOCK_STREAM, 0), fd;

    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 1) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
        perror("listen");
        exit(1);
    }
    printf("port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if ((fd = accept(lfd, NULL, NULL)) < 0) {
        perror("accept");
        exit(1);
    }
    close(lfd);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

int main(int argc, char **argv)
{
    struct capture cap = {0};
    struct fuzz_flight result;
    BIO *bio;
    SSL *s;
    unsigned char mode;
    FILE *f;

    if (argc != 3) {
        fprintf(stderr, "usage: record_server MODE FLIGHT_FILE\n");
        return 2;
    }
    mode = (unsigned char)atoi(argv[1]);
    s = fuzz_server_new((enum fuzz_server_mode)(mode % FUZZ_SERVER_MODES));
    cap.fd = accept_one();
    bio = capture_bio_new(&cap);
    SSL_set_bio(s, bio, bio);

    fuzz_flight_drive(s, &result);
    printf("handshake %s, version 0x%x, %zu application bytes, close_notify %s, %zu bytes "
           "recorded\n",
           result.handshake_done ? "done" : "FAILED", result.version, result.app_bytes,
           result.closed ? "yes" : "no", cap.len);
    if (!result.handshake_done || result.app_bytes == 0 || !result.closed)
        return 1;
    if ((f = fopen(argv[2], "wb")) == NULL || fwrite(&mode, 1, 1, f) != 1 ||
        fwrite(cap.buf, 1, cap.len, f) != cap.len || fclose(f) != 0) {
        perror(argv[2]);
        return 1;
    }
    SSL_free(s);
    close(cap.fd);
    free(cap.buf);
    return 0;
}
