/*
 * shimssl - the protocol engine's per-connection state.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * struct tls_conn exists from the first handshake step until SSL_free or
 * SSL_clear.  What only the handshake needs lives in struct tls_hs
 * (handshake.h), freed when the handshake ends, so that an established
 * connection keeps only the record layer state and the few secrets needed
 * for key updates, exporters and session tickets.
 */
#ifndef SHIM_TLS_CONN_H
#define SHIM_TLS_CONN_H

#include "objects.h"
#include "crypto/transcript.h"
#include "tls/record.h"

/* The alert description meaning "fail without sending an alert". */
#define TLS_NO_ALERT (-1)

struct tls_hs;
struct tls_group;

/* The type a ChangeCipherSpec record (TLS 1.2 and below) is given when it
 * reaches the handshake state machine. */
#define TLS_MT_CHANGE_CIPHER_SPEC 0x0101

/* A handshake message received (RFC 8446 4: type, uint24 length, body). */
struct tls_msg {
    int type;
    const uint8_t *body; /* points into the reassembly buffer */
    size_t len;
    const uint8_t *raw; /* header + body, as hashed into the transcript */
    size_t raw_len;
};

/* Handshake bytes reassembled across records, during and after the handshake. */
struct tls_msg_in {
    uint8_t *buf;
    size_t len, cap, pos;
    int have;
    int header_seen;  /* the info callback was told of the message at pos */
    size_t sslv2_len; /* an SSL 2.0 ClientHello at pos: its length, header-less */
    struct tls_msg msg;
};

struct tls_conn {
    struct tls_rl rl;
    struct tls_msg_in hm;
    struct tls_hs *hs; /* during a handshake only */
    const struct shim_algs *algs;

    OSSL_HANDSHAKE_STATE state; /* what SSL_get_state reports */
    int in_init;                /* SSL_in_init */
    int before;                 /* SSL_in_before */
    int failed;                 /* a fatal error happened: every later call fails */
    int writing;                /* in a flight of messages we send (info callback) */
    int loop_owed; /* the LOOP event of a state we sent in waits for the flight to leave */
    int fatal_alert_received;

    /* What was negotiated. */
    int version;
    const SSL_CIPHER *cipher;
    const struct tls_group *group;
    EVP_PKEY *peer_tmp;  /* the peer's key share (SSL_get_peer_tmp_key): TLS 1.2's, or
                            TLS 1.3's made from peer_share when first asked for */
    uint8_t *peer_share; /* the peer's TLS 1.3 key share, in group */
    size_t peer_share_len;
    int peer_sigalg; /* code point the peer signed with, or -1 */
    uint8_t client_random[SSL3_RANDOM_SIZE];
    uint8_t server_random[SSL3_RANDOM_SIZE];
    uint8_t finished[EVP_MAX_MD_SIZE], peer_finished[EVP_MAX_MD_SIZE];
    size_t finished_len, peer_finished_len;
    unsigned char *alpn; /* selected protocol (also in the session) */
    size_t alpn_len;
    unsigned char *npn; /* next protocol we chose (SSL_get0_next_proto_negotiated) */
    size_t npn_len;
    uint16_t *peer_groups; /* the peer's supported_groups (SSL_get1_groups): only a
                            * ClientHello's are read, so empty on a client */
    size_t peer_groups_len;
    uint8_t *peer_ec_point_formats; /* the peer's ec_point_formats list (TLS 1.2) */
    size_t peer_ec_point_formats_len;
    /* A client's last CertificateRequest (SSL_get0_certificate_types): its
     * certificate_types (TLS 1.2; none in TLS 1.3), and whether one came
     * in the latest handshake. */
    uint8_t *peer_cert_types;
    size_t peer_cert_types_len;
    int cert_req;
    int ccs_before_finished; /* TLS 1.2: the peer's CCS is in, its Finished not yet */
    uint16_t *peer_sigalgs;  /* from a CertificateRequest (SSL_get_sigalgs) */
    size_t peer_sigalgs_len;
    STACK_OF(X509_NAME) * peer_ca_names; /* the CAs a CertificateRequest named */
    uint8_t *ocsp_response;              /* the stapled OCSP response, if any */
    size_t ocsp_response_len;
    int sigalg;                  /* code point we signed with, or -1 */
    int secure_renegotiation;    /* the server sent renegotiation_info (RFC 5746) */
    int renegotiate;             /* a renegotiation is asked for, not started yet */
    int renegotiate_new_session; /* ... by SSL_renegotiate: no resumption offered */
    int hello_request_sent;      /* a server asked for one: the next ClientHello starts it */
    int num_renegotiations, total_renegotiations;
    int in_read_app; /* the handshake runs inside SSL_read */
    int use_etm;     /* encrypt-then-MAC was negotiated (RFC 7366) */

    /* TLS 1.3 secrets kept after the handshake (key updates, exporter, tickets). */
    const EVP_MD *md;
    size_t hash_len;
    const EVP_CIPHER *aead;
    size_t key_len, tag_len;
    uint8_t client_ap[EVP_MAX_MD_SIZE], server_ap[EVP_MAX_MD_SIZE];
    uint8_t exporter[EVP_MAX_MD_SIZE], resumption[EVP_MAX_MD_SIZE];
    int key_update;            /* SSL_KEY_UPDATE_* we have been asked to send */
    int peer_requested_update; /* the peer asked us to update our keys */
    uint64_t ticket_nonce;

    /* Application data: the unread rest of the current record. */
    const uint8_t *app;
    size_t app_len;

    /* An SSL_write that returned a retry: how much of it is already queued. */
    size_t write_done;
    size_t write_pending_len;

    /* Post-handshake authentication (RFC 8446 4.6.2): the transcript hash of
     * the handshake (ClientHello .. client Finished), kept when offered. */
    struct tls_transcript *pha;

    /* Server. */
    STACK_OF(SSL_CIPHER) * peer_ciphers; /* the client's suites we know (SSL_get_client_ciphers) */
    uint8_t *peer_raw_ciphers;           /* its cipher_suites as sent (SSL_get0_raw_cipherlist) */
    size_t peer_raw_ciphers_len;
    int pha_state;        /* TLS_PHA_*: post-handshake authentication */
    int certreqs_sent;    /* CertificateRequests sent (SSL_VERIFY_CLIENT_ONCE) */
    uint8_t *pha_context; /* the certificate_request_context of a post-handshake request */
    size_t pha_context_len;
    struct tls_transcript *pha_request; /* the handshake's transcript and that request */
    size_t sent_tickets;                /* NewSessionTickets sent since the handshake (or a
                                         * post-handshake authentication) */
    size_t extra_tickets;               /* more asked for with SSL_new_session_ticket */
};

/* Where a server's post-handshake authentication stands (stock's states). */
enum tls_pha_state {
    TLS_PHA_NONE,
    TLS_PHA_EXT_RECEIVED,    /* the client offered it */
    TLS_PHA_REQUEST_PENDING, /* SSL_verify_client_post_handshake asked for it */
    TLS_PHA_REQUESTED,       /* the CertificateRequest went out */
};

/* The engine state of s, created on first use (NULL with an error raised on
 * allocation failure). */
struct tls_conn *tls_conn_get(SSL *s);

/* Frees the engine state of s (ssl->conn may be NULL). */
void tls_conn_free(SSL *s);

/* The handshake state SSL_get_state() reports (TLS_ST_BEFORE without a conn). */
OSSL_HANDSHAKE_STATE tls_conn_state(const SSL *s);

/* SSL_in_init(): 1 from SSL_new until a handshake completes, and again while
 * a renegotiation or post-handshake exchange runs. */
int tls_conn_in_init(const SSL *s);

/* SSL_in_before(): no handshake message has been sent or received yet. */
int tls_conn_in_before(const SSL *s);

/* A fatal error ended the connection (stock's MSG_FLOW_ERROR state). */
int tls_conn_failed(const SSL *s);

/* What the peer's CertificateRequest (a client's view) or ClientHello named:
 * the running handshake's once it has them (certificate callbacks ask
 * then), else the last handshake's.  c may be NULL. */
const uint16_t *tls_conn_peer_sigalgs(const struct tls_conn *c, size_t *n);

/* The peer's TLS 1.3 key share in group g (c->group), kept as bytes: a key
 * object costs libcrypto's exclusive locks, and only SSL_get_peer_tmp_key
 * needs one.  0 when out of memory (nothing raised). */
int tls_conn_set_peer_share(struct tls_conn *c, const struct tls_group *g, const uint8_t *share,
                            size_t len);

/* The peer's key share as a key (SSL_get_peer_tmp_key), made from the kept
 * bytes on first use; NULL when there is none. */
EVP_PKEY *tls_conn_peer_tmp(struct tls_conn *c);
STACK_OF(X509_NAME) * tls_conn_peer_ca_names(const struct tls_conn *c);

/*
 * The info callback's LOOP events follow stock's state machine: one before a
 * flight of messages we send, one after each message we send (with the state
 * that message put us in), and one when the header of each message we
 * receive has arrived (with the state before that message).
 */
/* Moves to a new handshake state; a state in which we have just sent a
 * message is reported to the info callback.  Stock writes each message
 * through a buffer and flushes at the end of a flight before it reports
 * the last one, so while our flight is still queued the report is owed:
 * made before anything else is reported, or once the flight has left
 * (tls_conn_pay_loop), never before a WANT_WRITE exit. */
void tls_conn_set_state(SSL *s, struct tls_conn *c, OSSL_HANDSHAKE_STATE st);
/* Makes the owed LOOP event, if any. */
void tls_conn_pay_loop(const SSL *s);
/* Before a message we send: the LOOP event that opens a flight. */
void tls_conn_note_send(SSL *s, struct tls_conn *c);
/* The LOOP event for the current state. */
void tls_info_loop(const SSL *s);

/* Calls the application's info callback, if any. */
void tls_info(const SSL *s, int where, int ret);

/* Calls the application's message callback, if any. */
void tls_msg(SSL *s, int write_p, int version, int content_type, const void *buf, size_t len);

#endif
