/*
 * shimssl - application data, close_notify and key updates after the
 * handshake.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "tls/alert.h"
#include "tls/appdata.h"
#include "tls/handshake.h"
#include "tls/handshake13.h"
#include "tls/post_handshake.h"

/* RFC 8446 5.5: AES-GCM keys must be replaced before 2^24.5 records; we
 * update ours well before that. */
#define TLS_RECORDS_PER_KEY ((uint64_t)1 << 24)

size_t tls_pending(const SSL *s)
{
    return s->conn != NULL ? s->conn->app_len : 0;
}

int tls_has_pending(const SSL *s)
{
    const struct tls_conn *c = s->conn;
    return c != NULL && (c->app_len > 0 || tls_rl_has_unread(&c->rl));
}

int tls_flush_key_update(SSL *s, struct tls_conn *c)
{
    if (c->key_update == SSL_KEY_UPDATE_NONE)
        return 1;
    /* Stock runs its state machine to send it: the events are the same. */
    c->writing = 0;
    tls_conn_note_send(s, c);
    if (!tls13_send_key_update(s, c, c->key_update == SSL_KEY_UPDATE_REQUESTED))
        return 0;
    tls_conn_set_state(s, c, s->server ? TLS_ST_SW_KEY_UPDATE : TLS_ST_CW_KEY_UPDATE);
    tls_conn_set_state(s, c, TLS_ST_OK);
    c->in_init = 0;
    tls_info(s, s->server ? SSL_CB_ACCEPT_EXIT : SSL_CB_CONNECT_EXIT, 1);
    return 1;
}

/* A handshake record after the handshake: hand complete messages to the
 * post-handshake processing. */
static int post_handshake(SSL *s, struct tls_conn *c)
{
    if (!tls_hs_append_record(s, c))
        return 0;
    /* A HelloRequest starts a renegotiation, a CertificateRequest
     * post-handshake authentication: what follows is theirs. */
    while (c->hs == NULL && tls_hs_next_buffered(s, c))
        if (!tls_post_handshake_msg(s, c))
            return 0;
    return !c->failed;
}

/* TLS 1.3: the first bytes of a post-handshake message's header are
 * buffered and a record of another type comes before the rest.  Stock
 * refuses that at the record (mixed handshake and non-handshake data); once
 * the header is whole, its body may wait behind other records. */
static int header_interrupted(const struct tls_conn *c)
{
    size_t buffered = c->hm.len - c->hm.pos;

    return c->version == TLS1_3_VERSION && c->rl.rtype != SSL3_RT_HANDSHAKE && !c->hm.have &&
           buffered > 0 && buffered < 4;
}

/* Without SSL_MODE_AUTO_RETRY, stock returns to the application after a
 * handshake message (and the handshake it started) when nothing more is
 * buffered: 1 when the read must stop with SSL_ERROR_WANT_READ. */
static int stop_without_auto_retry(SSL *s, struct tls_conn *c)
{
    if ((s->cfg.mode & SSL_MODE_AUTO_RETRY) || tls_rl_has_unread(&c->rl))
        return 0;
    s->rwstate = SSL_READING;
    BIO_clear_retry_flags(s->rbio);
    BIO_set_retry_read(s->rbio);
    return 1;
}

/* Fills c->app from the next application-data record, handling what else
 * arrives meanwhile.  Returns 1 (data), 0 (close_notify), -1. */
static int next_app_record(SSL *s, struct tls_conn *c)
{
    for (;;) {
        enum tls_rl_result r;

        if (c->hs != NULL) {
            /* A renegotiation runs to its end before data is read again,
             * unless data arrives while it still may. */
            if (tls_handshake_reading(s) <= 0)
                return c->app_len > 0 ? 1 : -1;
            if (c->hs == NULL && c->app_len == 0 && stop_without_auto_retry(s, c))
                return -1;
            continue;
        }
        /* Only SSL_key_update's own request goes out while reading: the
         * answer to a peer's update_requested waits for the next write, as
         * stock's does. */
        if (c->key_update != SSL_KEY_UPDATE_NONE && c->in_init && !tls_flush_key_update(s, c))
            return -1;
        if (tls_rl_write_pending(&c->rl) && tls_rl_flush(s, &c->rl) == TLS_RL_FATAL)
            return -1;
        r = tls_rl_read(s, &c->rl);
        if (r != TLS_RL_OK) {
            /* SSL_OP_IGNORE_UNEXPECTED_EOF turns a bare EOF into a close;
             * without it the read fails, returning what the transport's
             * read did at its end (0), as stock's does. */
            if ((r == TLS_RL_RETRY && (s->shutdown & SSL_RECEIVED_SHUTDOWN)) ||
                (r == TLS_RL_FATAL && c->rl.eof)) {
                s->rwstate = SSL_NOTHING;
                return 0;
            }
            return -1;
        }
        if (header_interrupted(c)) {
            tls_rl_release_record(&c->rl);
            tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_MIXED_HANDSHAKE_AND_NON_HANDSHAKE_DATA);
            return -1;
        }
        switch (c->rl.rtype) {
        case SSL3_RT_APPLICATION_DATA:
            if (c->rl.rlen == 0) { /* an empty record: nothing to return */
                tls_rl_release_record(&c->rl);
                break;
            }
            c->app = c->rl.rdata;
            c->app_len = c->rl.rlen;
            return 1;
        case SSL3_RT_ALERT: {
            enum tls_alert_result a = tls_alert_received(s, c->rl.rdata, c->rl.rlen);
            tls_rl_release_record(&c->rl);
            if (a == TLS_ALERT_FATAL)
                return -1;
            if (a == TLS_ALERT_PEER_FATAL)
                return 0; /* stock's read returns 0 for the peer's fatal alert */
            if (a == TLS_ALERT_CLOSED) {
                s->rwstate = SSL_NOTHING;
                return 0;
            }
            break;
        }
        case SSL3_RT_HANDSHAKE:
            if (!post_handshake(s, c))
                return -1;
            /* A handshake the message started (post-handshake
             * authentication, a renegotiation) runs at once, as stock's
             * runs its state machine then. */
            if (c->hs != NULL)
                break;
            if (stop_without_auto_retry(s, c))
                return -1;
            break;
        default:
            tls_rl_release_record(&c->rl);
            tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_RECORD);
            return -1;
        }
    }
}

int tls_read_app(SSL *s, void *buf, size_t len, size_t *readbytes, int peek)
{
    struct tls_conn *c = s->conn;
    size_t n;

    *readbytes = 0;
    if (c->failed)
        return -1;
    if (c->app_len == 0) {
        int r = next_app_record(s, c);
        if (r <= 0)
            return r;
    }
    n = len < c->app_len ? len : c->app_len;
    memcpy(buf, c->app, n);
    if (!peek) {
        c->app += n;
        c->app_len -= n;
        if (c->app_len == 0)
            tls_rl_release_record(&c->rl);
    }
    *readbytes = n;
    return 1;
}

int tls_write_app(SSL *s, const void *buf, size_t len, size_t *written)
{
    struct tls_conn *c = s->conn;
    const uint8_t *p = buf;
    size_t frag = tls_rl_send_fragment(s);

    *written = 0;
    if (c->failed)
        return -1;
    /* A retried write first finishes sending what it queued last time. */
    if (tls_rl_write_pending(&c->rl) && tls_rl_flush(s, &c->rl) != TLS_RL_OK)
        return -1;
    if (c->write_done > len) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return -1;
    }
    while (c->write_done < len) {
        /* A few records per flush: fewer system calls for bulk data. */
        for (int i = 0; i < 4 && c->write_done < len; i++) {
            size_t n = len - c->write_done < frag ? len - c->write_done : frag;
            /* Only TLS 1.3 can change keys without a handshake. */
            if (c->version == TLS1_3_VERSION && c->rl.wr.seq >= TLS_RECORDS_PER_KEY &&
                c->key_update == SSL_KEY_UPDATE_NONE)
                c->key_update = SSL_KEY_UPDATE_NOT_REQUESTED;
            if ((c->key_update != SSL_KEY_UPDATE_NONE && !tls_flush_key_update(s, c)) ||
                !tls_rl_queue(s, &c->rl, SSL3_RT_APPLICATION_DATA, p + c->write_done, n))
                return -1;
            c->write_done += n;
        }
        if (tls_rl_flush(s, &c->rl) != TLS_RL_OK)
            return -1;
        if (s->cfg.mode & SSL_MODE_ENABLE_PARTIAL_WRITE)
            break;
    }
    *written = c->write_done;
    c->write_done = 0;
    return 1;
}

int tls_shutdown(SSL *s)
{
    struct tls_conn *c = s->conn;

    if (!(s->shutdown & SSL_SENT_SHUTDOWN)) {
        s->shutdown |= SSL_SENT_SHUTDOWN;
        if (c->failed)
            return -1;
        if (!tls_rl_queue(s, &c->rl, SSL3_RT_ALERT,
                          (const uint8_t[]){SSL3_AL_WARNING, SSL_AD_CLOSE_NOTIFY}, 2))
            return -1;
        tls_msg(s, 1, s->version, SSL3_RT_ALERT,
                (const uint8_t[]){SSL3_AL_WARNING, SSL_AD_CLOSE_NOTIFY}, 2);
        tls_info(s, SSL_CB_WRITE_ALERT, (SSL3_AL_WARNING << 8) | SSL_AD_CLOSE_NOTIFY);
        if (tls_rl_flush(s, &c->rl) != TLS_RL_OK)
            return -1;
    } else if (tls_rl_write_pending(&c->rl)) {
        if (tls_rl_flush(s, &c->rl) != TLS_RL_OK)
            return -1;
    } else if (!(s->shutdown & SSL_RECEIVED_SHUTDOWN)) {
        /* The second call waits for the peer's close_notify; data still
         * arriving after ours was sent is an error, as with stock. */
        for (;;) {
            enum tls_rl_result r;
            if (c->app_len > 0) {
                c->app_len = 0;
                tls_rl_release_record(&c->rl);
            }
            if ((r = tls_rl_read(s, &c->rl)) != TLS_RL_OK)
                break;
            if (c->rl.rtype == SSL3_RT_ALERT) {
                enum tls_alert_result a = tls_alert_received(s, c->rl.rdata, c->rl.rlen);
                tls_rl_release_record(&c->rl);
                if (a != TLS_ALERT_IGNORED)
                    break;
            } else if (c->rl.rtype == SSL3_RT_HANDSHAKE) {
                if (!post_handshake(s, c))
                    return -1;
            } else {
                tls_rl_release_record(&c->rl);
                tls_fatal(s, TLS_NO_ALERT, SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY);
                return -1;
            }
        }
        if (!(s->shutdown & SSL_RECEIVED_SHUTDOWN))
            return -1;
    }
    return s->shutdown == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN) &&
                   !tls_rl_write_pending(&c->rl)
               ? 1
               : 0;
}
