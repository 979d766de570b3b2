/*
 * shimssl - where a connection is in its handshake and record reading, as
 * the engine reports it: SSL_get_state and friends and their names.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "api/strings.h"
#include "tls/conn.h"

OSSL_HANDSHAKE_STATE SSL_get_state(const SSL *s)
{
    return tls_conn_state(s);
}

int SSL_in_init(const SSL *s)
{
    return tls_conn_in_init(s);
}

int SSL_in_before(const SSL *s)
{
    return tls_conn_in_before(s);
}

int SSL_is_init_finished(const SSL *s)
{
    return !tls_conn_in_init(s) && tls_conn_state(s) == TLS_ST_OK;
}

/* Stock names a connection that hit a fatal error "SSLERR" / "error",
 * whatever state it stopped in. */
static int failed(const SSL *s)
{
    return tls_conn_failed(s);
}

const char *SSL_state_string(const SSL *s)
{
    return shim_state_name(tls_conn_state(s), failed(s));
}

const char *SSL_state_string_long(const SSL *s)
{
    return shim_state_name_long(tls_conn_state(s), failed(s));
}

/*
 * The record layer is between records (SSL_ST_READ_HEADER) except while a
 * record's body is partly read.  The engine does not report that yet, so the
 * between-records state, which is the answer stock gives whenever no partial
 * record is buffered, stands in.
 */
static int read_state(const SSL *s)
{
    (void)s;
    return SSL_ST_READ_HEADER;
}

const char *SSL_rstate_string(const SSL *s)
{
    return shim_rstate_name(read_state(s));
}

const char *SSL_rstate_string_long(const SSL *s)
{
    return shim_rstate_name_long(read_state(s));
}
