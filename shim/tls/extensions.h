/*
 * shimssl - TLS extensions: one table entry per extension type.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each entry says in which messages the extension may appear and carries
 * its hooks: how a client adds it to a ClientHello and parses it from a
 * server's message, how a server parses it from a ClientHello and adds it to
 * its own messages, and what happens after a message is parsed, whether the
 * extension was there or not (stock's "final" step).  The table is in
 * stock's order, which is the order extensions are written and parsed in, so
 * that a message with several problems fails on the same one.
 *
 * A received block is collected first (tls_ext_collect), in one place for
 * every message: a known extension in the wrong message or twice is
 * illegal_parameter / SSL_R_BAD_EXTENSION; one a peer answers that we did
 * not send is unsupported_extension / SSL_R_UNSOLICITED_EXTENSION; unknown
 * types are skipped.  Then a message's parser may parse a few extensions
 * ahead of the rest (tls_ext_parse_one: supported_versions decides the
 * version) and the rest in table order (tls_ext_parse_all).
 */
#ifndef SHIM_TLS_EXTENSIONS_H
#define SHIM_TLS_EXTENSIONS_H

#include "tls/handshake.h"

enum tls_ext_index {
    TLS_EXT_RENEGOTIATE,
    TLS_EXT_SERVER_NAME,
    TLS_EXT_MAX_FRAGMENT_LENGTH,
    TLS_EXT_SRP,
    TLS_EXT_EC_POINT_FORMATS,
    TLS_EXT_SUPPORTED_GROUPS,
    TLS_EXT_SESSION_TICKET,
    TLS_EXT_STATUS_REQUEST,
    TLS_EXT_NPN,
    TLS_EXT_ALPN,
    TLS_EXT_USE_SRTP,
    TLS_EXT_ENCRYPT_THEN_MAC,
    TLS_EXT_SCT,
    TLS_EXT_EXTENDED_MASTER_SECRET,
    TLS_EXT_SIG_ALGS_CERT,
    TLS_EXT_POST_HANDSHAKE_AUTH,
    TLS_EXT_SIG_ALGS,
    TLS_EXT_SUPPORTED_VERSIONS,
    TLS_EXT_PSK_KEX_MODES,
    TLS_EXT_KEY_SHARE,
    TLS_EXT_COOKIE,
    TLS_EXT_CRYPTOPRO_BUG,
    TLS_EXT_EARLY_DATA,
    TLS_EXT_CERTIFICATE_AUTHORITIES,
    TLS_EXT_PADDING,
    TLS_EXT_PSK,
    TLS_EXT_NUM
};

/* The extensions found in one message. */
struct tls_ext_set {
    int present[TLS_EXT_NUM];
    int parsed[TLS_EXT_NUM];
    tls_reader data[TLS_EXT_NUM];
    tls_reader list; /* the whole block: custom extensions are found in it */
};

/* What a hook works on. */
struct tls_ext_ctx {
    SSL *s;
    struct tls_conn *c;
    struct tls_hs *hs;
    unsigned int context;          /* the message: SSL_EXT_CLIENT_HELLO, SSL_EXT_TLS1_3_... */
    tls_builder *b;                /* writing */
    int min_version, max_version;  /* ClientHello: the range offered */
    size_t binders_len;            /* ClientHello: PSK binders still to be filled in */
    size_t chain_idx;              /* Certificate: which entry (0: the leaf) */
    uint32_t max_early_data;       /* NewSessionTicket: its early_data extension */
    const struct tls_ext_set *set; /* parsing: the whole message's extensions */
    X509 *cert;                    /* Certificate: the entry's certificate */
};

/* A writer's outcome. */
enum tls_ext_write { TLS_EXT_NOT_SENT = 1, TLS_EXT_SENT = 2, TLS_EXT_FAILED = 0 };

typedef enum tls_ext_write (*tls_ext_writer)(struct tls_ext_ctx *x);
/* Parses the extension's body (data); 0 after tls_fatal. */
typedef int (*tls_ext_parser)(struct tls_ext_ctx *x, tls_reader *data);
/* After a message: present says whether the extension was in it. */
typedef int (*tls_ext_final)(struct tls_ext_ctx *x, int present);

struct tls_ext_def {
    uint16_t type;
    unsigned int contexts;             /* SSL_EXT_* where it may appear */
    tls_ext_writer add_client_hello;   /* client */
    tls_ext_parser parse_server;       /* client: from ServerHello, EncryptedExtensions,
                                        * HelloRetryRequest, Certificate,
                                        * CertificateRequest, NewSessionTicket */
    tls_ext_final final_client;        /* client, after each server message */
    tls_ext_parser parse_client_hello; /* server */
    tls_ext_writer add_server;         /* server: to its messages (x->context) */
    tls_ext_final final_server;        /* server, after a ClientHello */
};

/* The table, indexed by enum tls_ext_index. */
const struct tls_ext_def *tls_ext_def(int idx);

/* Whether the table knows an extension type. */
int tls_ext_known(uint16_t type);

/* Whether a server keeps a ClientHello extension of this type for the
 * application to see (stock's SSL_client_hello_get*): the table's and the
 * custom ones registered for a server. */
int tls_ext_known_in_client_hello(const SSL *s, uint16_t type);

/*
 * Writes the ClientHello extension block.  If a PSK is offered, *binders_len
 * is the length of the binders list at the very end of the block (RFC 8446
 * 4.2.11: pre_shared_key is last), to be filled in once the message is
 * complete; otherwise 0.
 */
int tls_ext_write_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                               int min_version, int max_version, size_t *binders_len);

/* Writes a server message's extension block (context: the message, one
 * SSL_EXT_* bit; chain_idx: a Certificate entry's index), every extension
 * whose table entry has a server writer for it, in table order.  0 after
 * tls_fatal. */
int tls_ext_write_server(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                         unsigned int context, size_t chain_idx);

/* Writes one TLS 1.3 CertificateEntry's extension block, for either role
 * (a client's carries only custom extensions).  0 after tls_fatal. */
int tls_ext_write_certificate_entry(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                                    X509 *cert, size_t chain_idx);

/* Reads and checks the list of extensions of a message received in context
 * (SSL_EXT_*); list is the vector's contents, without its length.  0 after
 * tls_fatal. */
int tls_ext_collect(SSL *s, struct tls_hs *hs, unsigned int context, tls_reader *list,
                    struct tls_ext_set *out);

/* Every extension of a message, known or not, in the order received (a
 * ClientHello's, for SSL_client_hello_get1_extensions_present). */
#define TLS_EXT_MAX_SEEN 128
struct tls_ext_seen {
    uint16_t types[TLS_EXT_MAX_SEEN];
    tls_reader bodies[TLS_EXT_MAX_SEEN];
    size_t n;
};

/* tls_ext_collect, also listing every extension in *seen. */
int tls_ext_collect_all(SSL *s, struct tls_hs *hs, unsigned int context, tls_reader *list,
                        struct tls_ext_set *out, struct tls_ext_seen *seen);

/* Whether an extension of contexts extctx matters in this message at the
 * version negotiated (stock's extension_is_relevant): TLS 1.2-only ones are
 * skipped in TLS 1.3 and the other way round. */
int tls_ext_relevant(const SSL *s, const struct tls_conn *c, unsigned int extctx,
                     unsigned int context);

/* Whether every extension in set may appear in context (SSL_EXT_*): a
 * ServerHello is collected before its version is known and checked again
 * once it is. */
int tls_ext_all_allowed(SSL *s, const struct tls_ext_set *set, unsigned int context);

/* Parses one extension ahead of the others, if present (its parser for our
 * role); it is not parsed again by tls_ext_parse_all. 0 after tls_fatal. */
int tls_ext_parse_one(SSL *s, struct tls_conn *c, struct tls_hs *hs, unsigned int context,
                      struct tls_ext_set *set, int idx);

/* Parses the rest in table order, then runs every entry's final hook. */
int tls_ext_parse_all(SSL *s, struct tls_conn *c, struct tls_hs *hs, unsigned int context,
                      struct tls_ext_set *set);
/* The same with a context the caller filled in (a Certificate entry's index,
 * or to read what the hooks found: a ticket's early_data limit). */
int tls_ext_parse_all_ctx(struct tls_ext_ctx *x, struct tls_ext_set *set);

#endif
