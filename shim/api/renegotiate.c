/*
 * shimssl - renegotiation on the application's request (TLS 1.2 and below).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "tls/conn.h"
#include "tls/handshake.h"

/* TLS 1.3 has no renegotiation, and SSL_OP_NO_RENEGOTIATION forbids it. */
static int can_renegotiate(const SSL *s)
{
    if (s->conn != NULL && s->conn->version == TLS1_3_VERSION) {
        ERR_raise(ERR_LIB_SSL, SSL_R_WRONG_SSL_VERSION);
        return 0;
    }
    if (s->cfg.options & SSL_OP_NO_RENEGOTIATION) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_RENEGOTIATION);
        return 0;
    }
    return 1;
}

/* A full renegotiation offers no session to resume; the current one stays
 * until the server answers. */
int SSL_renegotiate(SSL *s)
{
    return can_renegotiate(s) && tls_request_renegotiation(s, 1);
}

int SSL_renegotiate_abbreviated(SSL *s)
{
    return can_renegotiate(s) && tls_request_renegotiation(s, 0);
}

int SSL_renegotiate_pending(const SSL *s)
{
    return tls_renegotiation_pending(s);
}
