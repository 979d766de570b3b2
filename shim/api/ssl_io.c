/*
 * shimssl - the handshake and I/O entry points: SSL_connect, SSL_accept,
 * SSL_do_handshake, SSL_read, SSL_peek, SSL_write, SSL_shutdown and friends.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Return values follow stock exactly: the _ex forms return 1/0, the others
 * a byte count or <= 0, with SSL_get_error telling why.
 */
#include "shim.h"

#include <sys/types.h>

#include "api/async.h"
#include "tls/appdata.h"
#include "tls/conn.h"
#include "tls/handshake.h"

/* A client method has no server side and a server method no client side:
 * stock's handshake function for that role is its undefined function. */
static int role_in_method(const SSL *s)
{
    if (s->method->role == SHIM_ROLE_ANY)
        return 1;
    return (s->method->role == SHIM_ROLE_SERVER) == (s->server != 0);
}

int SSL_do_handshake(SSL *s)
{
    if (!s->role_chosen) {
        ERR_raise(ERR_LIB_SSL, SSL_R_CONNECTION_TYPE_NOT_SET);
        return -1;
    }
    if (!role_in_method(s)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
        return 0;
    }
    if (!tls_conn_in_init(s) && !tls_conn_in_before(s) && !tls_renegotiation_due(s))
        return 1;
    shim_async_io_begins(s);
    return tls_handshake(s);
}

int SSL_connect(SSL *s)
{
    if (!s->role_chosen)
        SSL_set_connect_state(s);
    return SSL_do_handshake(s);
}

int SSL_accept(SSL *s)
{
    if (!s->role_chosen)
        SSL_set_accept_state(s);
    return SSL_do_handshake(s);
}

/* Common front of every read: state checks, then the handshake if one is
 * still to be done (stock runs it implicitly). */
static int read_internal(SSL *s, void *buf, size_t num, size_t *readbytes, int peek)
{
    int r;

    *readbytes = 0;
    if (!s->role_chosen) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNINITIALIZED);
        return -1;
    }
    if (s->shutdown & SSL_RECEIVED_SHUTDOWN) {
        s->rwstate = SSL_NOTHING;
        return 0;
    }
    shim_async_io_begins(s);
    if (tls_conn_in_init(s) || tls_conn_in_before(s) || tls_renegotiation_due(s)) {
        r = tls_handshake_reading(s);
        /* A renegotiation may stop for data that came meanwhile. */
        if (r <= 0 && tls_pending(s) == 0)
            return r < 0 ? r : -1;
    }
    return tls_read_app(s, buf, num, readbytes, peek);
}

int SSL_read(SSL *s, void *buf, int num)
{
    size_t n;
    int r;
    if (num < 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return -1;
    }
    r = read_internal(s, buf, (size_t)num, &n, 0);
    return r > 0 ? (int)n : r;
}

int SSL_read_ex(SSL *s, void *buf, size_t num, size_t *readbytes)
{
    int r = read_internal(s, buf, num, readbytes, 0);
    return r < 0 ? 0 : r;
}

int SSL_peek(SSL *s, void *buf, int num)
{
    size_t n;
    int r;
    if (num < 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return -1;
    }
    r = read_internal(s, buf, (size_t)num, &n, 1);
    return r > 0 ? (int)n : r;
}

int SSL_peek_ex(SSL *s, void *buf, size_t num, size_t *readbytes)
{
    int r = read_internal(s, buf, num, readbytes, 1);
    return r < 0 ? 0 : r;
}

static int write_internal(SSL *s, const void *buf, size_t num, size_t *written)
{
    int r;

    *written = 0;
    if (!s->role_chosen) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNINITIALIZED);
        return -1;
    }
    if (s->shutdown & SSL_SENT_SHUTDOWN) {
        s->rwstate = SSL_NOTHING;
        ERR_raise(ERR_LIB_SSL, SSL_R_PROTOCOL_IS_SHUTDOWN);
        return -1;
    }
    shim_async_io_begins(s);
    if (tls_conn_in_init(s) || tls_conn_in_before(s) || tls_renegotiation_due(s)) {
        r = tls_handshake(s);
        if (r < 0)
            return r;
        if (r == 0)
            return -1;
    }
    return tls_write_app(s, buf, num, written);
}

int SSL_write(SSL *s, const void *buf, int num)
{
    size_t n;
    int r;
    if (num < 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return -1;
    }
    r = write_internal(s, buf, (size_t)num, &n);
    return r > 0 ? (int)n : r;
}

int SSL_write_ex(SSL *s, const void *buf, size_t num, size_t *written)
{
    int r = write_internal(s, buf, num, written);
    return r < 0 ? 0 : r;
}

int SSL_shutdown(SSL *s)
{
    if (!s->role_chosen) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNINITIALIZED);
        return -1;
    }
    if (s->cfg.quiet_shutdown || tls_conn_in_before(s)) {
        /* Nothing to say to the peer: just mark both directions closed. */
        if (s->cfg.quiet_shutdown || !tls_conn_in_init(s)) {
            s->shutdown = SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN;
            return 1;
        }
    }
    if (tls_conn_in_init(s)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SHUTDOWN_WHILE_IN_INIT);
        return -1;
    }
    shim_async_io_begins(s);
    return tls_shutdown(s);
}

/* Kernel TLS is never set up here, so this ends as stock's does on a
 * connection without it: after the same state checks, uninitialized. */
ossl_ssize_t SSL_sendfile(SSL *s, int fd, off_t offset, size_t size, int flags)
{
    (void)fd, (void)offset, (void)size, (void)flags;
    if (!s->role_chosen) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNINITIALIZED);
        return -1;
    }
    if (s->shutdown & SSL_SENT_SHUTDOWN) {
        s->rwstate = SSL_NOTHING;
        ERR_raise(ERR_LIB_SSL, SSL_R_PROTOCOL_IS_SHUTDOWN);
        return -1;
    }
    ERR_raise(ERR_LIB_SSL, SSL_R_UNINITIALIZED);
    return -1;
}

int SSL_pending(const SSL *s)
{
    size_t n = tls_pending(s);
    /* SSL_pending returns an int; stock caps it the same way. */
    return n > INT_MAX ? INT_MAX : (int)n;
}

int SSL_has_pending(const SSL *s)
{
    return tls_has_pending(s);
}

int SSL_key_update(SSL *s, int updatetype)
{
    struct tls_conn *c = s->conn;

    if (c == NULL || c->version != TLS1_3_VERSION) {
        ERR_raise(ERR_LIB_SSL, SSL_R_WRONG_SSL_VERSION);
        return 0;
    }
    if (updatetype != SSL_KEY_UPDATE_NOT_REQUESTED && updatetype != SSL_KEY_UPDATE_REQUESTED) {
        ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_KEY_UPDATE_TYPE);
        return 0;
    }
    if (c->in_init || c->state != TLS_ST_OK) {
        ERR_raise(ERR_LIB_SSL, SSL_R_STILL_IN_INIT);
        return 0;
    }
    if (tls_rl_write_pending(&c->rl)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_WRITE_RETRY);
        return 0;
    }
    /* Sent by the next SSL_do_handshake / SSL_write / SSL_read. */
    c->in_init = 1;
    c->key_update = updatetype;
    return 1;
}

int SSL_get_key_update_type(const SSL *s)
{
    return s->conn != NULL ? s->conn->key_update : SSL_KEY_UPDATE_NONE;
}
