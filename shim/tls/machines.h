/*
 * shimssl - the handshake state machines, one per (version, role), and the
 * states where one hands over to another.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *   client:  tls_client_hello_machine (ClientHello, ServerHello)
 *              -> tls13_client_machine   (handshake13_client.c)
 *              -> tls12_client_machine   (handshake12_client.c)
 *   server:  tls_server_hello_machine (ClientHello)
 *              -> tls13_server_machine   (handshake13_server.c)
 *              -> tls12_server_machine   (handshake12_server.c)
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
extern const struct tls_machine tls13_server_machine;
extern const struct tls_machine tls12_server_machine;

/* States of the client hello machine another machine may go back to. */
enum tls_client_hello_state {
    TLS_CH_SEND_CLIENT_HELLO, /* again, after a HelloRetryRequest */
    TLS_CH_READ_SERVER_HELLO,
};

/* States of the server hello machine. */
enum tls_server_hello_state {
    TLS_SH_START,
    TLS_SH_SEND_HELLO_REQUEST, /* a renegotiation the server starts */
    TLS_SH_READ_CLIENT_HELLO,  /* again, after a HelloRetryRequest */
    TLS_SH_PROCESS_CLIENT_HELLO,
};

/* A ClientHello in c->hm.msg after a TLS 1.2 handshake (on a server):
 * the renegotiation we asked for, a client's when allowed, else refused
 * with a no_renegotiation warning.  0 after tls_fatal. */
int tls_server_renegotiation_hello(SSL *s, struct tls_conn *c);

/* The TLS 1.3 server takes over once the ClientHello (still in c->hm.msg)
 * is processed: suite, session, certificate and extensions settled. */
enum tls_step tls13_server_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* The TLS 1.0-1.2 server takes over in the same way. */
enum tls_step tls12_server_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* Post-handshake work a TLS 1.3 server starts on its own: NewSessionTickets
 * asked for with SSL_new_session_ticket, and the CertificateRequest of
 * SSL_verify_client_post_handshake. */
extern const int tls13_server_tickets_state, tls13_server_pha_state;

/* A CertificateRequest would go out now (stock's send_certificate_request;
 * SSL_verify_client_post_handshake checks it too). */
int tls_server_wants_certificate(const SSL *s, const struct tls_conn *c);

/* A TLS 1.3 client's Certificate in answer to a post-handshake request:
 * the machine reads c->hm.msg at this state. */
extern const int tls13_server_pha_cert_state;

/* The suite a server chooses from the client's (stock's ssl3_choose_cipher):
 * in the client's order, or ours with SSL_OP_CIPHER_SERVER_PREFERENCE. */
const SSL_CIPHER *tls_server_choose_cipher(SSL *s, struct tls_conn *c, STACK_OF(SSL_CIPHER) * clnt);

/* A TLS 1.2 suite the server can use with its certificates and settings. */
int tls12_server_suite_ok(const SSL *s, const struct tls_conn *c, const SSL_CIPHER *ci);

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
