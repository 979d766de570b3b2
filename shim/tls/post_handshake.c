/*
 * shimssl - handshake messages after the handshake.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "tls/alert.h"
#include "tls/appdata.h"
#include "tls/handshake.h"
#include "tls/handshake13.h"
#include "tls/machines.h"
#include "tls/post_handshake.h"

/* A HelloRequest (TLS 1.2 and below): asks for an abbreviated
 * renegotiation, or is refused with a no_renegotiation warning under
 * SSL_OP_NO_RENEGOTIATION, as stock. */
static int hello_request(SSL *s, struct tls_conn *c)
{
    if (c->hm.msg.len != 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (s->cfg.options & SSL_OP_NO_RENEGOTIATION)
        return tls_send_alert(s, SSL3_AL_WARNING, SSL_AD_NO_RENEGOTIATION);
    c->renegotiate = 1;
    c->renegotiate_new_session = 0; /* stock answers with an abbreviated one */
    return 1;
}

/* RFC 8446 4.6.2: a CertificateRequest after the handshake, only if we
 * offered post-handshake authentication.  The answer runs as a handshake
 * of its own, on a transcript that continues the handshake's. */
static int start_pha(SSL *s, struct tls_conn *c)
{
    if (c->pha == NULL)
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
    if (!tls_start_post_handshake(s, c, &tls13_client_machine, tls13_client_pha_state))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_transcript_copy(&c->hs->transcript, c->pha))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    return 1;
}

int tls_post_handshake_expected(const SSL *s, const struct tls_conn *c, int type)
{
    /* After a TLS 1.2 handshake only a HelloRequest may come to a client,
     * a ClientHello (renegotiation) to a server; after a TLS 1.3 one a
     * ticket, a KeyUpdate, and a CertificateRequest if we offered
     * post-handshake authentication; a server takes KeyUpdates, and the
     * Certificate answering its own request. */
    if (s->server && c->version < TLS1_3_VERSION)
        return type == SSL3_MT_CLIENT_HELLO;
    if (s->server)
        return type == SSL3_MT_KEY_UPDATE ||
               (type == SSL3_MT_CERTIFICATE && c->pha_state == TLS_PHA_REQUESTED);
    if (c->version < TLS1_3_VERSION)
        return type == SSL3_MT_HELLO_REQUEST;
    return type == SSL3_MT_NEWSESSION_TICKET || type == SSL3_MT_KEY_UPDATE ||
           (type == SSL3_MT_CERTIFICATE_REQUEST && c->pha != NULL);
}

int tls_post_handshake_msg(SSL *s, struct tls_conn *c)
{
    int ok, type = c->hm.msg.type;

    /* A KeyUpdate still owed (the answer to an earlier update_requested)
     * goes out before the next message is read: stock's state machine,
     * entered for each message, writes it first.  So a run of requests is
     * answered one by one while reading, the last at the next write. */
    if (c->version == TLS1_3_VERSION && c->key_update != SSL_KEY_UPDATE_NONE &&
        !tls_flush_key_update(s, c))
        return 0;

    /* A ClientHello on an established TLS 1.2 connection: a renegotiation
     * the server asked for, or the client's own. */
    if (s->server && c->version < TLS1_3_VERSION && type == SSL3_MT_CLIENT_HELLO)
        return tls_server_renegotiation_hello(s, c);
    switch (tls_post_handshake_expected(s, c, type) ? type : -1) {
    case SSL3_MT_NEWSESSION_TICKET:
        tls_conn_set_state(s, c, TLS_ST_CR_SESSION_TICKET);
        ok = tls13_process_new_session_ticket(s, c);
        break;
    case SSL3_MT_KEY_UPDATE:
        tls_conn_set_state(s, c, s->server ? TLS_ST_SR_KEY_UPDATE : TLS_ST_CR_KEY_UPDATE);
        ok = tls13_process_key_update(s, c);
        break;
    case SSL3_MT_HELLO_REQUEST:
        tls_conn_set_state(s, c, TLS_ST_CR_HELLO_REQ);
        ok = hello_request(s, c);
        break;
    case SSL3_MT_CERTIFICATE_REQUEST:
        /* The message stays for the machine to read. */
        return start_pha(s, c);
    case SSL3_MT_CERTIFICATE:
        /* The answer to our post-handshake request: the server's machine
         * reads it, on the transcript kept from the handshake. */
        if (!tls_start_post_handshake(s, c, &tls13_server_machine, tls13_server_pha_cert_state) ||
            c->pha_request == NULL || !tls_transcript_copy(&c->hs->transcript, c->pha_request))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return 1;
    default:
        ok = tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        break;
    }
    if (!ok || !tls_hs_consume_msg(s, c, NULL))
        return 0;
    /* Stock runs its state machine for the message: the state it read
     * into, then established. A KeyUpdate owed in answer waits for the next
     * write (stock's state machine stops at TLS_ST_OK before sending it). */
    tls_info_loop(s);
    if (type == SSL3_MT_HELLO_REQUEST && c->renegotiate) {
        /* The event just given opens the renegotiation's first flight. */
        c->writing = 1;
        return tls_start_renegotiation(s, c);
    }
    tls_conn_set_state(s, c, TLS_ST_OK);
    if (c->version < TLS1_3_VERSION)
        tls_info(s, SSL_CB_HANDSHAKE_DONE, 1); /* the refused renegotiation "ends" */
    tls_info(s, s->server ? SSL_CB_ACCEPT_EXIT : SSL_CB_CONNECT_EXIT, 1);
    return 1;
}
