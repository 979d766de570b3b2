/*
 * shimssl - a ClientHello as the server reads it (RFC 8446 4.1.2):
 *
 *   struct { ProtocolVersion legacy_version = 0x0303; Random random;
 *            opaque legacy_session_id<0..32>;
 *            CipherSuite cipher_suites<2..2^16-2>;
 *            opaque legacy_compression_methods<1..2^8-1>;
 *            Extension extensions<8..2^16-1>; } ClientHello;
 *
 * Parsed once, with stock's error and alert for each malformation, and kept
 * while the server decides what to do with it: the ClientHello callback
 * and the SSL_client_hello_get* accessors read it then.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_CLIENT_HELLO_H
#define SHIM_TLS_CLIENT_HELLO_H

#include "tls/extensions.h"

struct tls_client_hello {
    uint16_t legacy_version;
    uint8_t random[SSL3_RANDOM_SIZE];
    uint8_t session_id[SSL_MAX_SSL_SESSION_ID_LENGTH];
    size_t session_id_len;
    tls_reader ciphers;            /* the cipher_suites vector's contents */
    tls_reader compressions;       /* legacy_compression_methods' contents */
    tls_reader ext_list;           /* the extensions' vector, without its length */
    struct tls_ext_set ext;        /* the extensions we know */
    struct tls_ext_seen seen;      /* every extension, in the order received */
    STACK_OF(SSL_CIPHER) * suites; /* the suites we know, in the client's order */
};

/* The ClientHello a server is processing, while stock would show it to the
 * application (the ClientHello callback, the extension callbacks), else
 * NULL. */
const struct tls_client_hello *tls_server_client_hello(const SSL *s);

/* Frees what tls_client_hello_parse and the server allocated in ch. */
void tls_client_hello_cleanup(struct tls_client_hello *ch);

/* Parses the ClientHello in c->hm.msg into *ch (whose readers point into
 * the message) and collects its extensions. 0 after tls_fatal. */
int tls_client_hello_parse(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                           struct tls_client_hello *ch);

#endif
