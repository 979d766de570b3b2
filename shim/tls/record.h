/*
 * shimssl - the record layer (RFC 8446 5, RFC 5246 6).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Reads and writes whole records over the SSL's BIOs, blocking or not.  A
 * read either produces one complete, authenticated record, or says why not:
 * the BIO wants a retry (s->rwstate says which way), the transport ended, or
 * the connection failed (the error is raised and the alert sent).  State is
 * kept between calls, so a retry continues exactly where it stopped.
 *
 * Buffers are allocated when needed and released when empty, so an idle
 * connection holds no record buffers.
 */
#ifndef SHIM_TLS_RECORD_H
#define SHIM_TLS_RECORD_H

#include "crypto/aead.h"
#include "crypto/cbc.h"
#include "objects.h"

enum tls_rl_result {
    TLS_RL_OK = 1,
    TLS_RL_FATAL = 0,   /* error raised, alert sent; the connection is dead */
    TLS_RL_RETRY = -1,  /* the BIO asked for a retry (or failed without a TLS error) */
    TLS_RL_APPDATA = 2, /* application data came where the handshake allows it */
};

/* How one direction's records are protected. */
enum tls_protection {
    TLS_PROT_NONE,
    TLS_PROT_TLS13,         /* AEAD, nonce = IV ^ seq, inner content type and padding */
    TLS_PROT_AEAD_EXPLICIT, /* TLS 1.2 GCM/CCM: 4-byte salt + 8-byte explicit nonce */
    TLS_PROT_AEAD_XOR,      /* TLS 1.2 ChaCha20-Poly1305 (RFC 7905): nonce = IV ^ seq */
    TLS_PROT_CBC,           /* TLS 1.0-1.2 CBC with HMAC */
};

/* One direction's protection. */
struct tls_rl_dir {
    int keyed; /* records are protected */
    int tls13; /* TLS 1.3 protection: inner content type, padding */
    enum tls_protection prot;
    struct tls_aead aead;
    struct tls_cbc cbc;
    uint64_t seq;
    int empty_fragments; /* TLS 1.0 CBC: an empty record before each data record */
};

struct tls_rl {
    /* Reading: rbuf holds received bytes from r_pos to r_end. */
    uint8_t *rbuf;
    size_t r_pos, r_end;
    int read_any;      /* a first record has been seen (not-TLS detection) */
    int eof;           /* the transport ended without close_notify (a fatal error) */
    int empty_records; /* consecutive empty records, bounded as stock does */
    int warn_alerts;   /* warning alerts since the last record with content (stock stops at 5) */
    /* The header at r_pos was checked and shown to the msg callback; the
     * body is still arriving (stock's READ_BODY state: reported once). */
    int hdr_done;
    /* The record last returned by tls_rl_read (its plaintext lives in rbuf). */
    int rtype;
    uint8_t *rdata;
    size_t rlen;
    uint16_t rversion; /* its legacy_record_version */
    int sslv2;         /* it was an SSL 2.0 compatible ClientHello (RFC 5246 E.2) */
    struct tls_rl_dir rd, wr;
    /* Writing: wbuf holds protected records from w_pos to w_end still to send. */
    uint8_t *wbuf;
    size_t w_cap, w_pos, w_end;
    int bio_flush_due; /* written to the BIO since its last BIO_flush */
    uint16_t wversion; /* legacy_record_version written in headers */
    int version;       /* negotiated version, 0 before ServerHello */
    /* A TLS 1.3 server between its ServerHello and the client's first
     * protected message: the client may still send a plaintext alert. */
    int plain_alerts_ok;
    /* A TLS 1.3 server that refused early data skips the client's 0-RTT
     * records, up to this many bytes of them (RFC 8446 4.2.10). */
    int skip_early_data;
    size_t early_data_left;
};

/* Counts a skipped early-data record of len bytes against the budget; 0
 * (after tls_fatal: too_much_early_data) when it is exceeded. */
int tls_rl_skip_early_record(SSL *s, struct tls_rl *rl, size_t len);

void tls_rl_init(struct tls_rl *rl);
void tls_rl_cleanup(struct tls_rl *rl);

/* Reads the next record into rl->rtype / rdata / rlen. */
enum tls_rl_result tls_rl_read(SSL *s, struct tls_rl *rl);
/* The caller is done with the current record's plaintext. */
void tls_rl_release_record(struct tls_rl *rl);
/* Bytes received but not yet returned as records (SSL_has_pending). */
int tls_rl_has_unread(const struct tls_rl *rl);

/* The plaintext limit of a record as the session's negotiated
 * max_fragment_length sets it (RFC 6066 §4), or 0 when none was. */
size_t tls_rl_max_fragment(const SSL *s);
/* How many plaintext bytes one record we send carries at most: the
 * negotiated max_fragment_length, else the application's max_send_fragment. */
size_t tls_rl_send_fragment(const SSL *s);
/* Protects len bytes (<= the record size limit) as one record and queues it. */
int tls_rl_queue(SSL *s, struct tls_rl *rl, int type, const uint8_t *data, size_t len);
/* Queues data of any length as as many records as needed. */
int tls_rl_queue_all(SSL *s, struct tls_rl *rl, int type, const uint8_t *data, size_t len);
/* Sends what is queued. */
enum tls_rl_result tls_rl_flush(SSL *s, struct tls_rl *rl);

/* The end of a handshake flight: tls_rl_flush, then BIO_flush, as stock's
 * state machine flushes each flight (a buffering BIO, such as mod_ssl's
 * output filter, sends only then).  RETRY (SSL_WRITING) until both went. */
enum tls_rl_result tls_rl_flush_flight(SSL *s, struct tls_rl *rl);
static inline int tls_rl_write_pending(const struct tls_rl *rl)
{
    return rl->w_pos < rl->w_end;
}

/* Installs AEAD keys for reading or writing, resetting the sequence.
 * prot is TLS_PROT_TLS13, TLS_PROT_AEAD_EXPLICIT or TLS_PROT_AEAD_XOR. */
int tls_rl_set_key(struct tls_rl_dir *d, const EVP_CIPHER *cipher, const uint8_t *key,
                   size_t key_len, const uint8_t *iv, size_t iv_len, size_t tag_len, int enc,
                   enum tls_protection prot);

/* Installs TLS 1.0-1.2 CBC-HMAC keys (prepared by the caller). */
void tls_rl_set_cbc(struct tls_rl_dir *d, struct tls_cbc *cbc, int empty_fragments);

#endif
