/*
 * shimssl - what a TLS 1.3 server asks for after the handshake: the
 * client's certificate (post-handshake authentication) and more session
 * tickets.  Both are sent by the next SSL_do_handshake (or write, or read).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "tls/conn.h"
#include "tls/machines.h"

/* Established, and not in a handshake of any kind (SSL_is_init_finished). */
static int init_finished(const struct tls_conn *c)
{
    return c != NULL && !c->in_init && c->state == TLS_ST_OK;
}

int SSL_verify_client_post_handshake(SSL *s)
{
    struct tls_conn *c = s->conn;

    if (c == NULL || c->version != TLS1_3_VERSION) {
        ERR_raise(ERR_LIB_SSL, SSL_R_WRONG_SSL_VERSION);
        return 0;
    }
    if (!s->server) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NOT_SERVER);
        return 0;
    }
    if (!init_finished(c)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_STILL_IN_INIT);
        return 0;
    }
    switch (c->pha_state) {
    case TLS_PHA_NONE:
        ERR_raise(ERR_LIB_SSL, SSL_R_EXTENSION_NOT_RECEIVED);
        return 0;
    case TLS_PHA_REQUEST_PENDING:
        ERR_raise(ERR_LIB_SSL, SSL_R_REQUEST_PENDING);
        return 0;
    case TLS_PHA_REQUESTED:
        ERR_raise(ERR_LIB_SSL, SSL_R_REQUEST_SENT);
        return 0;
    default:
        break;
    }
    /* The verify mode must ask for a certificate now (SSL_VERIFY_PEER). */
    c->pha_state = TLS_PHA_REQUEST_PENDING;
    if (!tls_server_wants_certificate(s, c)) {
        c->pha_state = TLS_PHA_EXT_RECEIVED;
        ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_CONFIG);
        return 0;
    }
    c->in_init = 1;
    return 1;
}

int SSL_new_session_ticket(SSL *s)
{
    struct tls_conn *c = s->conn;

    /* Stock refuses without a word: not a TLS 1.3 server after its first
     * handshake, or in a handshake not sending tickets already. */
    if (c == NULL || (c->in_init && c->extra_tickets == 0) || c->finished_len == 0 ||
        c->peer_finished_len == 0 || !s->server || c->version != TLS1_3_VERSION)
        return 0;
    c->extra_tickets++;
    if (!tls_rl_write_pending(&c->rl) && !c->in_init)
        c->in_init = 1;
    return 1;
}
