/*
 * shimssl fuzzing: one connection's life over a peer's recorded bytes, for
 * any role.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The steps are fixed so that a recording and its replays take the same
 * path: handshake, one request, read until the peer closes, shutdown.  The
 * recorder runs them against a live server (fuzz_flight_drive over a socket
 * BIO); a target runs them over the recorded bytes (fuzz_flight_run), the
 * SSL's own output thrown away.  A server target would call the same two
 * functions with an SSL in accept state and a recorded client flight.
 */
#include "fuzz.h"

#include <openssl/err.h>
#include <string.h>

void fuzz_flight_drive(SSL *s, struct fuzz_flight *out)
{
    static const char request[] = FUZZ_FLIGHT_REQUEST;
    unsigned char buf[4096];
    SSL_SESSION *sess;
    unsigned char *der = NULL;

    memset(out, 0, sizeof(*out));
    if (SSL_do_handshake(s) != 1) {
        ERR_clear_error();
        return;
    }
    out->handshake_done = 1;
    out->version = SSL_version(s);
    /* What applications look at once connected: more code reached. */
    X509_free(SSL_get1_peer_certificate(s));
    SSL_CIPHER_get_name(SSL_get_current_cipher(s));
    if (SSL_write(s, request, (int)strlen(request)) > 0) {
        for (int i = 0; i < 64; i++) {
            int n = SSL_read(s, buf, sizeof(buf));
            if (n <= 0) {
                out->closed = SSL_get_error(s, n) == SSL_ERROR_ZERO_RETURN;
                break;
            }
            out->app_bytes += (size_t)n;
        }
    }
    /* The session (tickets included) encodes. */
    if ((sess = SSL_get1_session(s)) != NULL && i2d_SSL_SESSION(sess, &der) > 0)
        OPENSSL_free(der);
    SSL_SESSION_free(sess);
    SSL_shutdown(s);
    ERR_clear_error();
}

void fuzz_flight_run(SSL *s, const uint8_t *data, size_t size, struct fuzz_flight *out)
{
    /* Read-only: the end of the bytes reads as the end of the transport. */
    BIO *in = BIO_new_mem_buf(data, (int)size);
    BIO *sink = BIO_new(BIO_s_mem());

    if (in == NULL || sink == NULL) {
        BIO_free(in);
        BIO_free(sink);
        memset(out, 0, sizeof(*out));
        return;
    }
    SSL_set_bio(s, in, sink);
    fuzz_flight_drive(s, out);
}
