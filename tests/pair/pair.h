/*
 * shimssl - the pair helper: a client SSL and a server SSL in one process.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Written against the public API only (libssl and libcrypto headers), so
 * every pair suite builds twice from the same source: against our headers
 * and library, and against the system's (stock OpenSSL 3.0), whose run
 * proves that what a suite expects is what stock does.
 *
 * A pair is two SSL objects joined by a BIO pair (any buffer size, down to
 * one byte), by an AF_UNIX socketpair (blocking, one thread per side, or
 * non-blocking), or by two BIO pairs with a relay between them that can
 * rewrite the records it carries.  The helper drives both sides, takes every
 * SSL_get_error answer and the error queue right after each call (the queue
 * is shared by both sides, since they run in one thread), and records what
 * the info, message and key-log callbacks report, per side.
 */
#ifndef SHIM_TESTS_PAIR_H
#define SHIM_TESTS_PAIR_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* Each pair suite file builds its own suite. */
Suite *pair_suite(void);

/* A test case with the timeout the pair suites use and the fixture below. */
TCase *pair_tcase(const char *name);

/* A case our library does not pass yet, because of a divergence from stock
 * that why names: the stock build always runs it (its expectation stays
 * proven); ours runs it only when PAIR_PENDING is set in the environment
 * (PAIR_PENDING=1 pair_<suite> shows where we stand), else it says on stderr
 * that it left it out.  Loops run _i from start to end - 1. */
void pair_add_pending(TCase *tc, const TTest *test, int start, int end, const char *why);

/* The fixture every pair test case has: before each test, a client context
 * (pair_client_ctx) and a server context holding server-ec; after it, they
 * and everything handed to the pair_keep functions are freed (pairs first,
 * then sessions, then contexts), also when the test failed. */
extern SSL_CTX *cctx, *sctx;
struct pair *pair_keep(struct pair *p);
SSL_SESSION *pair_keep_session(SSL_SESSION *sess);
SSL_CTX *pair_keep_ctx(SSL_CTX *ctx);

/* ---- the test PKI (tests/interop/make_certs.sh, directory in $SHIM_PKI) ---- */

/* "<pki>/<name>"; the result stays valid for a few calls. */
const char *pair_file(const char *name);
/* <name>.pem (the first certificate) and <name>.key. */
X509 *pair_cert(const char *name);
EVP_PKEY *pair_key(const char *name);
/* The whole contents of a file in the PKI directory (DER files: OCSP). */
unsigned char *pair_read_file(const char *name, size_t *len);
/* Loads <name>.pem and <name>.key into ctx (asserting success). */
void pair_ctx_use(SSL_CTX *ctx, const char *name);
/* A server context (TLS_server_method) holding the named certificate. */
SSL_CTX *pair_server_ctx(const char *name);
/* A client context (TLS_client_method) that trusts ca.pem and verifies the
 * server (SSL_VERIFY_PEER); pair_new checks the name "localhost". */
SSL_CTX *pair_client_ctx(void);
/* Both at one TLS version only (TLS1_3_VERSION, TLS1_2_VERSION ...). */
void pair_ctx_version(SSL_CTX *ctx, int version);
/* The subject's common name of a certificate ("" when absent). */
const char *pair_cn(X509 *x);

/* ---- what each side saw ---- */

#define PAIR_MAX_ERRS 16

struct pair_msg {
    int write;        /* 1: sent by this side, 0: received */
    int version;      /* as the message callback gives it */
    int content_type; /* SSL3_RT_*, or SSL3_RT_HEADER / SSL3_RT_INNER_CONTENT_TYPE */
    unsigned char *data;
    size_t len;
};

struct pair_side {
    SSL *ssl;
    const char *name; /* "client" or "server" */
    struct pair *pair;

    /* The handshake as driven by pair_handshake. */
    int done;      /* a handshake call returned 1 */
    int failed;    /* a call failed for good (SSL_ERROR_SSL, _SYSCALL, _ZERO_RETURN) */
    int ret;       /* the last handshake call's return value */
    int err;       /* and SSL_get_error's answer */
    int calls;     /* handshake calls made */
    unsigned seen; /* bit N: SSL_get_error answered N at some call */

    /* Every error taken off the queue after this side's calls. */
    unsigned long errs[PAIR_MAX_ERRS];
    int n_errs;

    /* Alerts, from the info callback: (level << 8) | description, -1: none. */
    int alert_sent, alert_received;

    /* Application data: what pair_send queued, what reads returned. */
    unsigned char *tx;
    size_t tx_len, tx_off;
    unsigned char *rx;
    size_t rx_len, rx_cap;
    int read_ret, read_err;   /* the last SSL_read */
    int write_ret, write_err; /* the last SSL_write */
    int read_closed;          /* SSL_read ended (0 / fatal): no more reads */
    int reads;                /* SSL_read calls that returned data */

    /* Callback records. */
    char **info; /* "where 0x%04x ret %d: <SSL_state_string_long>" */
    int n_info;
    struct pair_msg *msgs;
    int n_msgs;
    char **keylog;
    int n_keylog;
};

/* A relay filter: may rewrite one whole TLS record (header included) in
 * place, or replace it: *rec is a malloc'd buffer it may realloc; returns
 * the new length, 0 to drop the record. from_client says the direction. */
typedef size_t (*pair_filter_fn)(struct pair *p, int from_client, unsigned char **rec, size_t len,
                                 void *arg);

struct pair {
    struct pair_side c, s;
    /* The BIOs each SSL reads and writes (bio pair ends or socket BIOs). */
    BIO *cbio, *sbio;
    /* With a relay: the middle ends, and the records in transit. */
    BIO *mc, *ms;
    pair_filter_fn filter;
    void *filter_arg;
    unsigned char *relay_buf[2];
    size_t relay_len[2];
    int fds[2];
    int stalled; /* a drive stopped because nothing moved any more */
    /* What the handshake loop calls (default SSL_do_handshake on both). */
    int (*client_call)(SSL *);
    int (*server_call)(SSL *);
};

/* A pair over a BIO pair with this buffer size on each end (0: 17 KB).
 * The client is in connect state with the name "localhost" to verify, the
 * server in accept state; both SSLs get the recording callbacks (info and
 * message per SSL, key-log on both contexts). */
struct pair *pair_new(SSL_CTX *client_ctx, SSL_CTX *server_ctx, size_t bufsize);
/* The same over a socketpair (blocking or not). */
struct pair *pair_new_socket(SSL_CTX *client_ctx, SSL_CTX *server_ctx, int nonblocking);
/* Over two BIO pairs with a relay that passes records through filter. */
struct pair *pair_new_relay(SSL_CTX *client_ctx, SSL_CTX *server_ctx, size_t bufsize,
                            pair_filter_fn filter, void *arg);
/* A pair whose SSLs are made by the caller (states and callbacks as
 * pair_new sets them are not touched; recording callbacks are added). */
struct pair *pair_wrap(SSL *client, SSL *server, size_t bufsize);
void pair_free(struct pair *p);

/* Drives both sides' handshake calls, alternating, without blocking, until
 * both returned 1 (returns 1), or each side either finished or failed, or
 * nothing moves any more, or a side's callback asked to be called again
 * (SSL_ERROR_WANT_X509_LOOKUP, _WANT_CLIENT_HELLO_CB, ...) (returns 0).
 * Calling it again resumes. */
int pair_handshake(struct pair *p);
/* Blocking sockets: the server's handshake runs in a thread while the
 * client's runs in this one (sockets time out after 10 s). */
int pair_handshake_blocking(struct pair *p);
/* Handshake, asserting that both sides complete. */
void pair_connect(struct pair *p);

/* Queues len bytes on a side and drives both sides (writes, reads) until
 * nothing moves; returns 1 when the peer's rx ends with exactly them. */
int pair_send(struct pair *p, struct pair_side *from, const void *buf, size_t len);
/* Reads on both sides (and finishes queued writes) until nothing moves:
 * post-handshake messages (tickets, KeyUpdate, alerts) get processed. */
void pair_pump(struct pair *p);
/* One SSL_read on a side, recorded like pump's; returns its value. */
int pair_read_once(struct pair_side *side);
/* SSL_shutdown on a side with its error queue taken; *err gets
 * SSL_get_error's answer. */
int pair_shutdown(struct pair_side *side, int *err);
/* The other side. */
struct pair_side *pair_peer(struct pair_side *side);

/* The first error of the side's record with ERR_LIB_SSL (its reason), or 0. */
int pair_reason(const struct pair_side *side);
/* 1 when the side's record holds this (library, reason). */
int pair_has_error(const struct pair_side *side, int lib, int reason);
/* Forgets a side's errors. */
void pair_clear_errors(struct pair_side *side);

/* Index of the first info line at or after from containing text, or -1. */
int pair_info_find(const struct pair_side *side, const char *text, int from);
/* Asserts that the info lines contain these texts in this order (a NULL
 * ends the list). */
void pair_info_in_order(const struct pair_side *side, ...);
/* Handshake messages of a type (or -1: any) this side wrote (write=1) or
 * read (0): their count, and the n-th one (body after the 4-byte header). */
int pair_hs_count(const struct pair_side *side, int write, int type);
const struct pair_msg *pair_hs_msg(const struct pair_side *side, int write, int type, int n);
/* Records of a content type (SSL3_RT_*) this side wrote or read, counted
 * from the message callback's SSL3_RT_HEADER reports; with lens != NULL
 * their lengths (as in the header) are stored, up to max. */
int pair_records(const struct pair_side *side, int write, int content_type, int *lens, int max);
/* 1 when a handshake message's extension block holds this type; with body
 * != NULL its contents.  The message is the whole body (after the header);
 * type_of_msg says where the extension block starts. */
int pair_msg_ext(const struct pair_msg *m, int hs_type, unsigned type, const unsigned char **body,
                 size_t *body_len);
/* 1 when this side wrote a ChangeCipherSpec record. */
int pair_wrote_ccs(const struct pair_side *side);
/* The key-log line starting with label, or NULL. */
const char *pair_keylog(const struct pair_side *side, const char *label);
/* Forgets every callback record of a side (to look at what follows). */
void pair_forget(struct pair_side *side);

/* A few small conveniences. */
const char *pair_cipher(SSL *s);                    /* the current suite's name, "" */
char *pair_hex(const unsigned char *p, size_t len); /* malloc'd */

/* Used by the callbacks: the side an SSL belongs to (NULL if none). */
struct pair_side *pair_side_of(const SSL *s);

#endif
