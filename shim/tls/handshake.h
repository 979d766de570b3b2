/*
 * shimssl - the handshake driver and handshake message framing.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A state machine is an enum of states and one function per state.  Each
 * function does one step and says what it needs next: go on, the next
 * handshake message, or to stop (done or failed).  The driver here is the
 * only place that does I/O for the handshake and the only place that turns
 * "need input" or "output blocked" into a retry, so every state machine is
 * non-blocking by construction: a retried call resumes at the same state.
 */
#ifndef SHIM_TLS_HANDSHAKE_H
#define SHIM_TLS_HANDSHAKE_H

#include "tls/bytes.h"
#include "tls/conn.h"
#include "tls/key_schedule.h"
#include "crypto/transcript.h"

enum tls_step {
    TLS_STEP_CONTINUE, /* state changed; run the next one */
    TLS_STEP_READ,     /* the next handshake message is needed (c->hm.msg) */
    TLS_STEP_DONE,     /* the handshake is complete */
    TLS_STEP_FAIL,     /* tls_fatal() was called */
};


/* Handshake-only state.  The client fields are used by the client machines;
 * a server would add its own. */
struct tls_hs {
    int state;
    struct tls_transcript transcript;
    struct tls13_secrets ks;

    /* Client: what the ClientHello offered. */
    uint8_t session_id[SSL_MAX_SSL_SESSION_ID_LENGTH];
    size_t session_id_len;
    EVP_PKEY *kex_priv;
    const struct tls_group *kex_group;
    int hrr;                      /* a HelloRetryRequest was received */
    int renegotiation;            /* this handshake renegotiates an established one */
    int reneg_new_session;        /* ... offering no session (SSL_renegotiate) */
    uint8_t *cookie;
    size_t cookie_len;
    int sent_ccs;                 /* the middlebox-compatibility CCS went out */
    int min_version, max_version; /* the range the ClientHello offered */
    SSL_SESSION *psk_session;     /* the session offered for resumption, if any */
    int psk_accepted;
    uint32_t sent_exts;           /* bit per extension index: what may come back (extensions.h) */
    /* Client: what the server said. */
    STACK_OF(X509) *peer_chain;
    EVP_PKEY *peer_key;
    int cert_requested;
    uint8_t *cert_req_context;
    size_t cert_req_context_len;
    uint16_t *peer_sigalgs;       /* from CertificateRequest */
    size_t peer_sigalgs_len;
    STACK_OF(X509_NAME) *peer_ca_names;
    /* TLS 1.2 client. */
    int ticket_expected, status_expected, use_etm;
    int npn_seen;                 /* the server offered NPN: we send NextProtocol */
    unsigned int flight;          /* server-flight messages seen (client12.c) */
    uint8_t *cert_types;          /* from a TLS 1.2 CertificateRequest */
    size_t cert_types_len;
    EVP_PKEY *peer_kex;           /* the server's (EC)DHE public key */
};

/* Runs the handshake of s until it completes (1) or must stop (<= 0, with
 * s->rwstate / the error queue saying why). */
int tls_handshake(SSL *s);

/* Starts renegotiating an established TLS 1.2 connection (the next
 * tls_handshake runs it); counts it as stock does. */
int tls_start_renegotiation(SSL *s, struct tls_conn *c);

/* tls_handshake run from SSL_read: application data may stop a
 * renegotiation (TLS_RL_APPDATA) instead of failing it. */
int tls_handshake_reading(SSL *s);

/* SSL_renegotiate(_abbreviated): asks for one, to start at the next
 * handshake, read or write call; new_session: offer no resumption. */
int tls_request_renegotiation(SSL *s, int new_session);
/* SSL_renegotiate_pending: one is asked for or running. */
int tls_renegotiation_pending(const SSL *s);
/* One is asked for and may start now (the connection is established). */
int tls_renegotiation_due(const SSL *s);

/* Reads records until c->hm.msg holds a complete handshake message, or
 * (TLS_RL_APPDATA) application data arrives while a renegotiation still
 * allows it, left in c->app for SSL_read. */
enum tls_rl_result tls_hs_read_msg(SSL *s, struct tls_conn *c);

/* Appends the current handshake record to the reassembly buffer. */
int tls_hs_append_record(SSL *s, struct tls_conn *c);
/* Whether a complete message is buffered (then in c->hm.msg); 0 also after a
 * fatal error (an oversized message). */
int tls_hs_next_buffered(SSL *s, struct tls_conn *c);

/* Done with c->hm.msg: hash it into hs's transcript (if hs is not NULL) and
 * drop it from the reassembly buffer. */
int tls_hs_consume_msg(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* Starts a handshake message of the given type in b (header with an open
 * 24-bit length); tls_hs_send closes it, hashes it and queues it. */
int tls_hs_begin_msg(tls_builder *b, int type);
int tls_hs_send_msg(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b);

void tls_hs_free(struct tls_hs *hs);

#endif
