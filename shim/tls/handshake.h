/*
 * shimssl - the handshake driver, the state machines' shape, and handshake
 * message framing.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * There is one state machine per (version, role), each an enum of states
 * and one function per state, described by a struct tls_machine.  A
 * handshake starts in its role's hello machine (the client's ClientHello and
 * ServerHello, the server's ClientHello), which hands over to the machine of
 * the version negotiated.  Each state function does one step, normally one
 * message, and says what it needs next: go on, the next handshake message,
 * to wait for the application (a callback asked to be called again), or to
 * stop (done or failed).  The driver is the only place that does I/O for
 * the handshake and the only place that turns "need input", "output
 * blocked" or "callback retry" into a return to the caller, so every state
 * machine is non-blocking by construction: a retried call resumes at the
 * same state.
 */
#ifndef SHIM_TLS_HANDSHAKE_H
#define SHIM_TLS_HANDSHAKE_H

#include "crypto/ticket_crypt.h"
#include "crypto/transcript.h"
#include "tls/alert.h"
#include "tls/bytes.h"
#include "tls/conn.h"
#include "tls/key_schedule.h"
#include "tls/key_schedule12.h"

enum tls_step {
    TLS_STEP_CONTINUE, /* the state changed; run the next one */
    TLS_STEP_READ,     /* the next handshake message is needed (c->hm.msg) */
    TLS_STEP_SUSPEND,  /* an application callback asked to be called again;
                        * s->rwstate says which (SSL_X509_LOOKUP, ...) */
    TLS_STEP_DONE,     /* the handshake is complete */
    TLS_STEP_FAIL,     /* tls_fatal() was called */
};

struct tls_hs;

/* One state of a machine. */
struct tls_state {
    enum tls_step (*run)(SSL *s, struct tls_conn *c, struct tls_hs *hs);
    int reads; /* runs on the next handshake message, which the driver reads first */
    /* A reading state's answer to "may a message of this type come now?",
     * asked as soon as its header is in, before its size limit and its body
     * (stock's transition check: unexpected_message at the header).  NULL:
     * any type is read whole and left to run to judge. */
    int (*expects)(const SSL *s, const struct tls_conn *c, const struct tls_hs *hs, int type);
};

/* A state machine: its states, indexed by the machine's own enum. */
struct tls_machine {
    const char *name;
    const struct tls_state *states;
    size_t nstates;
};

/* What only the client side of a handshake needs. */
struct tls_hs_client {
    uint8_t session_id[SSL_MAX_SSL_SESSION_ID_LENGTH]; /* legacy_session_id we sent */
    size_t session_id_len;
    int min_version, max_version; /* the range the ClientHello offered */
    uint8_t *cookie;              /* from a HelloRetryRequest */
    size_t cookie_len;
    /* What a CertificateRequest asked. */
    int cert_requested;
    uint8_t *cert_req_context; /* TLS 1.3 certificate_request_context */
    size_t cert_req_context_len;
    int got_cert; /* the certificate callbacks have run */
};

/* What only the server side of a handshake needs. */
struct tls_hs_server {
    struct tls_client_hello *ch; /* while the ClientHello is processed */
    int ch_visible;              /* ... and the SSL_client_hello_get* accessors see it */
    uint16_t hrr_group;          /* the group a HelloRetryRequest asked for */
    int psk_kex_modes;           /* TLS_PSK_KE / TLS_PSK_DHE_KE bits the client allows */
    int servername_done;         /* the host name was accepted: acknowledge it */
    uint16_t tick_identity;      /* the PSK identity resumed */
    uint8_t *alpn_proposed;      /* the client's ALPN list (wire form) */
    size_t alpn_proposed_len;
    int status_requested; /* the client asked for OCSP stapling */
    int cert_request;     /* a CertificateRequest went out */
    int downgrade;        /* the sentinel to put in our random (0: none) */
    int stage;            /* where a suspended ClientHello step resumes */
    uint8_t ch_session_id[SSL_MAX_SSL_SESSION_ID_LENGTH]; /* echoed in TLS 1.3 */
    size_t ch_session_id_len;
    int done_reported;       /* the handshake's end was reported before its tickets */
    int early_data_rejected; /* the client offered 0-RTT data, which we refuse */
    int ec_point_formats;    /* the client listed its EC point formats (TLS 1.2) */
    /* TLS 1.2: the IV for a ticket sealed under the context's own keys,
     * drawn with our random (one RAND call instead of two), used once. */
    uint8_t ticket_iv[SHIM_TICKET_IV_LEN];
    int ticket_iv_set;
    /* TLS 1.3: the Early Secret of the PSK whose binder verified (the key
     * schedule starts from it, not from a second extraction), its hash. */
    uint8_t psk_early[EVP_MAX_MD_SIZE];
    const EVP_MD *psk_early_md;
};

/* psk_key_exchange_modes the server takes (RFC 8446 4.2.9). */
#define TLS_PSK_KE     0x1
#define TLS_PSK_DHE_KE 0x2

/* Handshake-only state, freed when the handshake ends. */
struct tls_hs {
    const struct tls_machine *machine;
    int state; /* an index into machine->states */
    struct tls_transcript transcript;
    struct tls13_secrets ks;
    int renegotiation;      /* this handshake renegotiates an established one */
    int reneg_new_session;  /* ... offering no session (SSL_renegotiate) */
    int reneg_ems_required; /* ... of a connection that used the extended master secret */
    int post_handshake;     /* TLS 1.3 post-handshake authentication */
    int hrr;                /* a HelloRetryRequest was sent or received */
    int sent_ccs;           /* the middlebox-compatibility CCS went out */
    int machine_done;       /* the machine said DONE: a call retried to flush only finishes */
    uint32_t sent_exts;     /* bit per extension index: what we sent (extensions.h) */
    /* What the hellos agreed (either role). */
    int ticket_expected; /* a NewSessionTicket is to come (TLS 1.2), or to issue */
    int status_expected; /* an OCSP response is to come, or to staple */
    int use_etm;         /* encrypt-then-MAC (RFC 7366) */
    int npn_seen;        /* next protocol negotiation is on */
    int ems;             /* the client offered extended master secret */

    /* Key exchange. */
    EVP_PKEY *kex_priv; /* our key share */
    const struct tls_group *kex_group;
    EVP_PKEY *peer_kex;  /* the peer's TLS 1.2 (EC)DHE public key */
    uint8_t *peer_share; /* a TLS 1.3 server's: the client's key share we took */
    size_t peer_share_len;
    uint8_t *dhe; /* the TLS 1.3 (EC)DHE shared secret, until used */
    size_t dhe_len;
    SSL_SESSION *psk_session; /* the session offered or taken for resumption */
    int psk_accepted;
    /* TLS 1.2: the key block, derived for the first direction to change
     * keys and kept for the other (same master secret and randoms), then
     * cleansed; key_block_uses has bit (1 << write) per direction done. */
    uint8_t key_block[TLS12_KEY_BLOCK_MAX];
    size_t key_block_len;
    unsigned key_block_uses;

    /* The peer's authentication. */
    STACK_OF(X509) * peer_chain;
    uint16_t *peer_sigalgs; /* signature algorithms the peer accepts */
    size_t peer_sigalgs_len;
    uint16_t *peer_sigalgs_cert; /* signature_algorithms_cert: how our chain may be signed */
    size_t peer_sigalgs_cert_len;
    STACK_OF(X509_NAME) * peer_ca_names;

    /* Ours: the key and algorithm our CertificateVerify uses. */
    struct shim_cert_pkey *key;
    const struct tls_sigalg *sigalg;

    struct tls_hs_client cl;
    struct tls_hs_server sv;
};

/* Runs the handshake of s until it completes (1) or must stop (<= 0, with
 * s->rwstate / the error queue saying why). */
int tls_handshake(SSL *s);

/* tls_handshake run from SSL_read: application data may stop a
 * renegotiation (TLS_RL_APPDATA) instead of failing it. */
int tls_handshake_reading(SSL *s);

/* Starts a handshake on an established connection: a TLS 1.2
 * renegotiation, or (machine and state given) TLS 1.3 post-handshake
 * authentication.  0 on allocation failure (raised). */
int tls_start_renegotiation(SSL *s, struct tls_conn *c);
int tls_start_post_handshake(SSL *s, struct tls_conn *c, const struct tls_machine *m, int state);

/* SSL_renegotiate(_abbreviated): asks for one, to start at the next
 * handshake, read or write call; new_session: offer no resumption. */
int tls_request_renegotiation(SSL *s, int new_session);
/* SSL_renegotiate_pending: one is asked for or running. */
int tls_renegotiation_pending(const SSL *s);
/* One is asked for and may start now (the connection is established). */
int tls_renegotiation_due(const SSL *s);

/* Hands the handshake to another machine, at one of its states. */
static inline void tls_hs_switch(struct tls_hs *hs, const struct tls_machine *m, int state)
{
    hs->machine = m;
    hs->state = state;
}

/* Fails the step: raises reason (unless TLS_R_RAISED), sends the alert, and
 * makes the failure sticky (tls_fatal). */
static inline enum tls_step tls_fail(SSL *s, int alert, int reason)
{
    tls_fatal(s, alert, reason);
    return TLS_STEP_FAIL;
}

/* The current message must be of this type (else unexpected_message). */
int tls_hs_expect(SSL *s, struct tls_conn *c, int type);

/* The hash of the transcript so far (fails the connection on error). */
int tls_hs_transcript_hash(SSL *s, struct tls_hs *hs, uint8_t *out, size_t *len);

/* ------------------------------------------------------ message framing */

/* Reads records until c->hm.msg holds a complete handshake message, or
 * (TLS_RL_APPDATA) application data arrives while a renegotiation still
 * allows it, left in c->app for SSL_read. */
enum tls_rl_result tls_hs_read_msg(SSL *s, struct tls_conn *c);

/* Appends the current handshake record to the reassembly buffer. */
int tls_hs_append_record(SSL *s, struct tls_conn *c);
/* Whether a complete message is buffered (then in c->hm.msg); 0 also after a
 * fatal error (an oversized message). */
int tls_hs_next_buffered(SSL *s, struct tls_conn *c);
/* Whether the current message ends the buffered bytes: a key change must
 * fall on a record boundary. */
int tls_hs_msg_ends_record(const struct tls_conn *c);

/* Done with c->hm.msg: hash it into hs's transcript (if hs is not NULL) and
 * drop it from the reassembly buffer. */
int tls_hs_consume_msg(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* Starts a handshake message of the given type in b (header with an open
 * 24-bit length); tls_hs_send_msg closes it, hashes it and queues it.
 * Both fail the connection themselves. */
int tls_hs_begin_msg(SSL *s, tls_builder *b, int type, size_t size_hint);
int tls_hs_send_msg(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b);
/* Hashes and queues a message made elsewhere (header included). */
int tls_hs_send_raw(SSL *s, struct tls_conn *c, struct tls_hs *hs, const uint8_t *msg, size_t len);
/* Queues a ChangeCipherSpec record (TLS 1.2, or TLS 1.3 middlebox compatibility). */
int tls_hs_send_ccs(SSL *s, struct tls_conn *c);

void tls_hs_free(struct tls_hs *hs);

#endif
