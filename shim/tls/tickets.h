/*
 * shimssl - a server's session tickets: the ticket field of a
 * NewSessionTicket made from the session, and the session recovered from
 * a ticket a client offers, with the application's ticket callbacks
 * (SSL_CTX_set_session_ticket_cb) where stock calls them.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_TICKETS_H
#define SHIM_TLS_TICKETS_H

#include "tls/handshake.h"

/*
 * The session a ticket holds (stock's tls_decrypt_ticket): SSL_TICKET_EMPTY
 * for an empty one, SSL_TICKET_NO_DECRYPT for one we cannot read,
 * SSL_TICKET_SUCCESS(_RENEW) with *sess a new session (its id set to
 * sess_id when one is given), SSL_TICKET_NONE when the decrypt callback
 * says to ignore it, SSL_TICKET_FATAL_ERR_* on a failure (nothing raised:
 * the caller reports it).  hs->ticket_expected is set when a new ticket
 * should be issued.
 */
SSL_TICKET_STATUS tls_ticket_open(SSL *s, struct tls_hs *hs, const uint8_t *tick, size_t len,
                                  const uint8_t *sess_id, size_t sess_id_len, SSL_SESSION **sess);

enum tls_ticket_made {
    TLS_TICKET_MADE = 1,
    TLS_TICKET_DECLINED = 2, /* the application's key callback returned 0 */
    TLS_TICKET_FAILED = 0,   /* after tls_fatal */
};

/* The ticket for s->session: sealed (stateless; iv as shim_ticket_seal's),
 * or with stateful set the session id that finds it in the cache.  *out is
 * freed by the caller. */
enum tls_ticket_made tls_ticket_make(SSL *s, int stateful, const uint8_t *iv, uint8_t **out,
                                     size_t *out_len);

#endif
