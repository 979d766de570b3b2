/*
 * shimssl - TLS extensions: one table entry per extension type.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The table says, for every extension we know, in which messages it may
 * appear; the ClientHello writers run in table order (stock's order), and a
 * received extension block is checked in one place: known extensions in the
 * wrong message and duplicates are illegal_parameter / SSL_R_BAD_EXTENSION;
 * one a server sends that we did not offer is unsupported_extension /
 * SSL_R_UNSOLICITED_EXTENSION; unknown types are ignored.
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
    tls_reader data[TLS_EXT_NUM];
};

/*
 * Writes the ClientHello extension block.  If a PSK is offered, *binders_len
 * is the length of the binders list at the very end of the block (RFC 8446
 * 4.2.11: pre_shared_key is last), to be filled in once the message is
 * complete; otherwise 0.
 */
int tls_ext_write_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_builder *b,
                               int min_version, int max_version, size_t *binders_len);

/* Reads and checks the extension block of a message received in context
 * (SSL_EXT_*). Returns 0 after tls_fatal. */
int tls_ext_collect(SSL *s, struct tls_hs *hs, unsigned int context, tls_reader *block,
                    struct tls_ext_set *out);

/* Whether every extension in set may appear in context (SSL_EXT_*): a
 * ServerHello is collected before its version is known and checked again
 * once it is. */
int tls_ext_all_allowed(const struct tls_ext_set *set, unsigned int context);

/* The server's application_layer_protocol_negotiation (TLS 1.2 ServerHello
 * or TLS 1.3 EncryptedExtensions): one protocol, one we offered; recorded on
 * the connection and, for a new session, the session. 0 after tls_fatal. */
int tls_ext_parse_server_alpn(SSL *s, struct tls_conn *c, tls_reader *r);

#endif
