/*
 * shimssl - the TLS 1.0-1.2 pieces both roles use: ChangeCipherSpec,
 * Finished, and keying material exporters (RFC 5246 7.1, 7.4.9, RFC 5705).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each fails the connection itself (0 after tls_fatal).
 */
#ifndef SHIM_TLS_HANDSHAKE12_H
#define SHIM_TLS_HANDSHAKE12_H

#include "tls/handshake.h"

/* Our ChangeCipherSpec, then our new write keys. */
int tls12_send_ccs(SSL *s, struct tls_conn *c, OSSL_HANDSHAKE_STATE state);

/* The peer's ChangeCipherSpec in c->hm.msg: no handshake message may span
 * it (CCS_RECEIVED_EARLY); then the new read keys. */
int tls12_process_ccs(SSL *s, struct tls_conn *c);

/* Our Finished: verify_data = PRF(master, "client finished" or "server
 * finished", transcript hash); recorded in c->finished. */
int tls12_send_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* The peer's Finished in c->hm.msg, checked; recorded in c->peer_finished. */
int tls12_process_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* SSL_export_keying_material for TLS 1.2 and below (RFC 5705). */
int tls12_export_keying_material(SSL *s, struct tls_conn *c, uint8_t *out, size_t olen,
                                 const char *label, size_t llen, const uint8_t *context,
                                 size_t contextlen, int use_context);

#endif
