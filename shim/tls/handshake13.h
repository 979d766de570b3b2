/*
 * shimssl - the TLS 1.3 messages both roles send and read: Certificate
 * (certificate.h), CertificateVerify, Finished, KeyUpdate and
 * NewSessionTicket, and the middlebox-compatibility ChangeCipherSpec.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each takes the message in c->hm.msg (reading) or queues one (sending) and
 * fails the connection itself (0 after tls_fatal).
 */
#ifndef SHIM_TLS_HANDSHAKE13_H
#define SHIM_TLS_HANDSHAKE13_H

#include "tls/handshake.h"

/* CertificateVerify (RFC 8446 4.4.3) from the peer, over the transcript so
 * far, with the key of the session's peer certificate. */
int tls13_process_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* Our CertificateVerify, with hs->key and hs->sigalg. */
int tls13_send_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* The peer's Finished: verify_data under the finished key of base_key (the
 * peer's handshake traffic secret, or its application secret after the
 * handshake).  Recorded in c->peer_finished; not yet consumed. */
int tls13_process_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs, const uint8_t *base_key);

/* Our Finished under the finished key of base_key; recorded in c->finished. */
int tls13_send_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs, const uint8_t *base_key);

/* The middlebox-compatibility ChangeCipherSpec (RFC 8446 D.4), once per
 * handshake, if SSL_OP_ENABLE_MIDDLEBOX_COMPAT; state is the one stock
 * reports for it. */
int tls13_send_compat_ccs(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                          OSSL_HANDSHAKE_STATE state);

/* Sends a KeyUpdate (RFC 8446 4.6.3) and moves to the next write key. */
int tls13_send_key_update(SSL *s, struct tls_conn *c, int request_peer_update);

/* A KeyUpdate received: the next read key, and an answer owed if asked. */
int tls13_process_key_update(SSL *s, struct tls_conn *c);

/* A NewSessionTicket received (client): a new session to resume with. */
int tls13_process_new_session_ticket(SSL *s, struct tls_conn *c);

#endif
