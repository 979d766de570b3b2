/*
 * shimssl - alerts: failing a connection, sending and receiving alerts.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "tls/alert.h"
#include "tls/session_cache.h"

int tls_send_alert(SSL *s, int level, int desc)
{
    struct tls_conn *c = s->conn;
    uint8_t alert[2];

    /* Alerts TLS 1.3 introduced are handshake_failure before it (stock's
     * tls1_alert_code). */
    if (c != NULL && c->version != TLS1_3_VERSION &&
        (desc == SSL_AD_CERTIFICATE_REQUIRED || desc == SSL_AD_MISSING_EXTENSION))
        desc = SSL_AD_HANDSHAKE_FAILURE;
    alert[0] = (uint8_t)level;
    alert[1] = (uint8_t)desc;
    if (c == NULL || !tls_rl_queue(s, &c->rl, SSL3_RT_ALERT, alert, 2))
        return 0;
    tls_msg(s, 1, s->version, SSL3_RT_ALERT, alert, 2);
    tls_info(s, SSL_CB_WRITE_ALERT, (level << 8) | desc);
    /* A fatal alert goes out now; if the BIO is not ready it stays queued. */
    if (tls_rl_flush(s, &c->rl) == TLS_RL_OK && level == SSL3_AL_FATAL && s->wbio != NULL)
        (void)BIO_flush(s->wbio);
    return 1;
}

int tls_fatal(SSL *s, int alert, int reason)
{
    struct tls_conn *c = s->conn;

    if (c != NULL && c->failed)
        return 0;
    if (reason != TLS_R_RAISED)
        ERR_raise(ERR_LIB_SSL, reason);
    if (c == NULL)
        return 0;
    c->failed = 1;
    /* Stock sends no alert after its close_notify, and takes the session
     * out of the cache (which makes it not resumable) only as it sends one:
     * a failure after a clean close of our side leaves it resumable. */
    if (alert != TLS_NO_ALERT && !(s->shutdown & SSL_SENT_SHUTDOWN)) {
        if (s->session != NULL)
            tls_cache_remove(s->session_ctx, s->session);
        /* A write error here must not mask the real one. */
        ERR_set_mark();
        tls_send_alert(s, SSL3_AL_FATAL, alert);
        ERR_pop_to_mark();
    }
    return 0;
}

#define TLS_MAX_WARN_ALERTS 5

enum tls_alert_result tls_alert_received(SSL *s, const uint8_t *data, size_t len)
{
    struct tls_conn *c = s->conn;
    int tls13 = c->version == TLS1_3_VERSION;
    int level, desc;

    if (len != 2) {
        tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_INVALID_ALERT);
        return TLS_ALERT_FATAL;
    }
    level = data[0];
    desc = data[1];
    tls_msg(s, 0, s->version, SSL3_RT_ALERT, data, 2);
    tls_info(s, SSL_CB_READ_ALERT, (level << 8) | desc);

    if (level == SSL3_AL_WARNING || (tls13 && desc == SSL_AD_USER_CANCELLED)) {
        s->warn_alert = desc;
        /* A peer sending nothing but warnings is stopped at the fifth in a
         * row (stock's MAX_WARN_ALERT_COUNT), close_notify included. */
        if (++c->rl.warn_alerts == TLS_MAX_WARN_ALERTS) {
            tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_TOO_MANY_WARN_ALERTS);
            return TLS_ALERT_FATAL;
        }
    }
    /* TLS 1.3 has only two warnings: user_canceled (ignored) and close_notify;
     * any other alert there is fatal whatever its level (RFC 8446 6). */
    if (tls13 && desc == SSL_AD_USER_CANCELLED)
        return TLS_ALERT_IGNORED;
    if (desc == SSL_AD_CLOSE_NOTIFY && (tls13 || level == SSL3_AL_WARNING)) {
        s->shutdown |= SSL_RECEIVED_SHUTDOWN;
        return TLS_ALERT_CLOSED;
    }
    if (level == SSL3_AL_FATAL || tls13) {
        s->rwstate = SSL_NOTHING;
        c->fatal_alert_received = desc;
        ERR_raise_data(ERR_LIB_SSL, SSL_AD_REASON_OFFSET + desc, "SSL alert number %d", desc);
        c->failed = 1;
        s->shutdown |= SSL_RECEIVED_SHUTDOWN;
        /* Stock takes the session out of the cache (not resumable). */
        if (s->session != NULL)
            tls_cache_remove(s->session_ctx, s->session);
        return TLS_ALERT_PEER_FATAL;
    }
    if (desc == SSL_AD_NO_RENEGOTIATION) {
        tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_NO_RENEGOTIATION);
        return TLS_ALERT_FATAL;
    }
    if (level == SSL3_AL_WARNING)
        return TLS_ALERT_IGNORED;
    tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_UNKNOWN_ALERT_TYPE);
    return TLS_ALERT_FATAL;
}
