/*
 * shimssl - lifetime of the engine's per-connection state.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "tls/conn.h"

void tls_conn_free(SSL *s)
{
    /* The engine does not exist yet: there is never any state to free. */
    s->conn = NULL;
}

OSSL_HANDSHAKE_STATE tls_conn_state(const SSL *s)
{
    (void)s;
    return TLS_ST_BEFORE;
}

int tls_conn_in_init(const SSL *s)
{
    (void)s;
    return 1;
}

int tls_conn_in_before(const SSL *s)
{
    (void)s;
    return 1;
}
