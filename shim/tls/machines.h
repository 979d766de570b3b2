/*
 * shimssl - the handshake state machines, one per (version, role), and the
 * states where one hands over to another.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *   client:  tls_client_hello_machine (ClientHello, ServerHello)
 *              -> tls13_client_machine   (handshake13_client.c)
 *              -> tls12_client_machine   (handshake12_client.c)
 *   server:  tls_server_hello_machine (ClientHello)
 *
 * The hello machines negotiate the version and switch to that version's
 * machine at the state named below.
 */
#ifndef SHIM_TLS_MACHINES_H
#define SHIM_TLS_MACHINES_H

#include "tls/extensions.h"
#include "tls/handshake.h"

extern const struct tls_machine tls_client_hello_machine;
extern const struct tls_machine tls_server_hello_machine;
extern const struct tls_machine tls13_client_machine;
extern const struct tls_machine tls12_client_machine;

/* States of the client hello machine another machine may go back to. */
enum tls_client_hello_state {
    TLS_CH_SEND_CLIENT_HELLO, /* again, after a HelloRetryRequest */
    TLS_CH_READ_SERVER_HELLO,
};

/* What the client's ServerHello parser found, for the version's machine. */
struct tls_server_hello {
    const uint8_t *cipher_id;
    uint8_t compression;
    tls_reader session_id;
    tls_reader ext_list;     /* the extensions' vector, without its length */
    struct tls_ext_set *ext; /* collected (not yet for a HelloRetryRequest) */
};

/* The TLS 1.3 client takes over at a ServerHello (or HelloRetryRequest)
 * whose version is checked and set in c->version. */
enum tls_step tls13_client_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                        struct tls_server_hello *sh);
enum tls_step tls13_client_hello_retry(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                       struct tls_server_hello *sh);
/* The TLS 1.2 client takes over at a ServerHello that chose TLS 1.2 or lower. */
enum tls_step tls12_client_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                        struct tls_server_hello *sh);

/* The client's post-handshake authentication: the machine reads the
 * CertificateRequest in c->hm.msg at this state. */
extern const int tls13_client_pha_state;

/* A server's cipher choice, checked as stock's set_client_ciphersuite (the
 * version's own rules follow in its machine); NULL after tls_fatal. */
const SSL_CIPHER *tls_client_check_cipher(SSL *s, struct tls_conn *c, const uint8_t *id);

/* The client's OCSP status callback on the stapled response (or its
 * absence), as stock runs it; 0 after tls_fatal. */
int tls_client_run_status_cb(SSL *s);

#endif
