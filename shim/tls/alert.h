/*
 * shimssl - alerts: failing a connection, sending and receiving alerts.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_ALERT_H
#define SHIM_TLS_ALERT_H

#include "tls/conn.h"

/*
 * The one way the engine fails a connection: raises ERR_LIB_SSL / reason,
 * sends a fatal alert (unless alert is TLS_NO_ALERT), and makes the failure
 * sticky.  Only the first call on a connection raises and sends anything, as
 * with stock's SSLfatal.  Always returns 0, so callers can write
 * "return tls_fatal(...)".  With reason TLS_R_RAISED nothing new is raised:
 * the function that failed (in shim/crypto, say) raised the error already.
 */
int tls_fatal(SSL *s, int alert, int reason);

#define TLS_R_RAISED 0

/* Queues and tries to send an alert; the info and message callbacks see it. */
int tls_send_alert(SSL *s, int level, int desc);

enum tls_alert_result {
    TLS_ALERT_IGNORED = 1,    /* a warning that changes nothing: read on */
    TLS_ALERT_CLOSED = 2,     /* close_notify: the peer finished writing */
    TLS_ALERT_FATAL = 0,      /* the connection failed (error raised) */
    TLS_ALERT_PEER_FATAL = 3, /* the peer sent a fatal alert (error raised): a read
                               * returns 0 for it, as stock's */
};

/* Handles a received alert record (2 bytes) as stock does. */
enum tls_alert_result tls_alert_received(SSL *s, const uint8_t *data, size_t len);

#endif
