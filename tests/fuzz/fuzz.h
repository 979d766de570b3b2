/*
 * shimssl fuzz targets: what the targets, the replay driver and the
 * recorder share.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A target is one file, fuzz_NAME.c, defining LLVMFuzzerTestOneInput, plus
 * its name in tests/fuzz/meson.build; its seed corpus is corpus/NAME/.
 * Targets call fuzz_init() first: it makes libcrypto's randomness a fixed
 * stream, so that a run is a function of its input alone.
 */
#ifndef SHIM_FUZZ_H
#define SHIM_FUZZ_H

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Installs the deterministic RAND (once; aborts if it cannot), then restarts
 * its stream: every call gives the same bytes in the same order after it. */
void fuzz_init(void);
void fuzz_rand_restart(void);

/* Optional, defined by a target: after the replay driver ran the file
 * called name, says why the run does not show what that seed is for (NULL:
 * it does).  Recorded flights, for instance, must complete their handshake:
 * otherwise the recording no longer matches what the client sends. */
const char *fuzz_replay_check(const char *name) __attribute__((weak));

/* ------------------------------------------------------------- flights */

/* What one run of an SSL over a peer's recorded bytes got to. */
struct fuzz_flight {
    int handshake_done; /* SSL_do_handshake returned 1 */
    int version;        /* SSL_version() then */
    size_t app_bytes;   /* application data read after it */
    int closed;         /* the peer's close_notify came */
};

/* The same steps for any role, so that a server target can reuse them:
 * handshake, write FUZZ_FLIGHT_REQUEST, read until the peer closes, shut
 * down.  drive() runs them over whatever BIOs s has (the recorder gives it
 * a live socket); run() over the recorded bytes, what s writes thrown away. */
#define FUZZ_FLIGHT_REQUEST "hello shimssl fuzz\nCLOSE\n"
void fuzz_flight_drive(SSL *s, struct fuzz_flight *out);
void fuzz_flight_run(SSL *s, const uint8_t *data, size_t size, struct fuzz_flight *out);

/* ------------------------------------------------------------- clients */

/* The client configurations the client target fuzzes, chosen by the
 * input's first byte; the recorder uses the same ones. */
enum fuzz_client_mode { FUZZ_CLIENT_DEFAULT, FUZZ_CLIENT_TLS12_ONLY, FUZZ_CLIENT_MODES };

/* A client SSL in that configuration, its random stream restarted: the same
 * ClientHello every time. */
SSL *fuzz_client_new(enum fuzz_client_mode mode);

/* Makes the library's once-per-process draws of randomness (client_setup.c)
 * before the first input, so that they do not shift that input's stream. */
void fuzz_warm_up(void);

/* ------------------------------------------------------------- servers */

/* The server configurations the server target fuzzes, chosen by the
 * input's first byte; the recorder uses the same ones. */
enum fuzz_server_mode {
    FUZZ_SERVER_DEFAULT,     /* TLS 1.3 and 1.2, ECDSA and RSA certificates */
    FUZZ_SERVER_TLS12_ONLY,  /* the same, TLS 1.2 at most */
    FUZZ_SERVER_CLIENT_AUTH, /* a client certificate required (any accepted) */
    FUZZ_SERVER_STATEFUL,    /* session ids, server preference, P-256 only */
    FUZZ_SERVER_MODES
};

/* A server SSL in accept state in that configuration, its random stream
 * restarted: the same answer to the same ClientHello every time. */
SSL *fuzz_server_new(enum fuzz_server_mode mode);

#endif
