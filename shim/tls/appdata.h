/*
 * shimssl - application data, close_notify and key updates after the
 * handshake (the engine side of SSL_read, SSL_write and SSL_shutdown).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_APPDATA_H
#define SHIM_TLS_APPDATA_H

#include "tls/conn.h"

/* Reads up to len bytes of application data (peek: without consuming).
 * Returns 1 with *readbytes > 0, 0 on a clean close (close_notify), or -1
 * (retry or failure; SSL_get_error tells which). */
int tls_read_app(SSL *s, void *buf, size_t len, size_t *readbytes, int peek);

/* Writes all of buf (or, with SSL_MODE_ENABLE_PARTIAL_WRITE, at least one
 * record's worth).  Returns 1 with *written, or -1. */
int tls_write_app(SSL *s, const void *buf, size_t len, size_t *written);

/* The two phases of SSL_shutdown after the handshake: returns 1 (both
 * close_notify sent and received), 0 (ours sent), or -1. */
int tls_shutdown(SSL *s);

/* Sends a pending KeyUpdate (SSL_key_update, or one the peer asked for). */
int tls_flush_key_update(SSL *s, struct tls_conn *c);

/* Decrypted application data waiting (SSL_pending). */
size_t tls_pending(const SSL *s);
/* Anything waiting at all, decrypted or not (SSL_has_pending). */
int tls_has_pending(const SSL *s);

#endif
