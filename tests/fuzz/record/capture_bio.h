/*
 * shimssl fuzzing: a socket BIO for the flight recorders that keeps every
 * byte it reads (record_client.c, record_server.c).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_FUZZ_CAPTURE_BIO_H
#define SHIM_FUZZ_CAPTURE_BIO_H

#include <stddef.h>
#include <openssl/bio.h>

struct capture {
    int fd, eof;
    unsigned char *buf; /* everything read from fd */
    size_t len;
};

/* A BIO reading and writing c->fd, recording what it reads into c. */
BIO *capture_bio_new(struct capture *c);

#endif
