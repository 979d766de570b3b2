/*
 * shimssl - the server's hello machine: reading the ClientHello and
 * choosing the version.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The server side is not built yet: a ClientHello is refused as stock
 * refuses what it cannot serve.
 */
#include "shim.h"

#include "tls/machines.h"

static enum tls_step do_read_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    (void)c, (void)hs;
    return tls_fail(s, SSL_AD_INTERNAL_ERROR, ERR_R_UNSUPPORTED);
}

static const struct tls_state server_hello_states[] = {
    {do_read_client_hello, 0},
};

const struct tls_machine tls_server_hello_machine = {"server hello", server_hello_states,
                                                     sizeof(server_hello_states) /
                                                         sizeof(server_hello_states[0])};
