/*
 * shimssl - a server's session tickets.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "crypto/ticket_crypt.h"
#include "tls/session.h"
#include "tls/tickets.h"

/* The decrypt callback may overrule what we found (stock's rules). */
static SSL_TICKET_STATUS run_decrypt_cb(SSL *s, SSL_TICKET_STATUS ret, const uint8_t *tick,
                                        size_t len, SSL_SESSION **sess)
{
    SSL_CTX *tctx = s->session_ctx;
    size_t name_len = len < 16 ? len : 16;
    SSL_TICKET_RETURN cb;

    cb = tctx->decrypt_ticket_cb(s, *sess, tick, name_len, ret, tctx->ticket_cb_data);
    switch (cb) {
    case SSL_TICKET_RETURN_IGNORE:
        tls_session_free(*sess);
        *sess = NULL;
        return SSL_TICKET_NONE;
    case SSL_TICKET_RETURN_IGNORE_RENEW:
        tls_session_free(*sess);
        *sess = NULL;
        return ret == SSL_TICKET_EMPTY ? ret : SSL_TICKET_NO_DECRYPT;
    case SSL_TICKET_RETURN_USE:
    case SSL_TICKET_RETURN_USE_RENEW:
        if (ret != SSL_TICKET_SUCCESS && ret != SSL_TICKET_SUCCESS_RENEW)
            return SSL_TICKET_FATAL_ERR_OTHER;
        return cb == SSL_TICKET_RETURN_USE ? SSL_TICKET_SUCCESS : SSL_TICKET_SUCCESS_RENEW;
    default: /* SSL_TICKET_RETURN_ABORT and anything else */
        return SSL_TICKET_FATAL_ERR_OTHER;
    }
}

SSL_TICKET_STATUS tls_ticket_open(SSL *s, struct tls_hs *hs, const uint8_t *tick, size_t len,
                                  const uint8_t *sess_id, size_t sess_id_len, SSL_SESSION **sess)
{
    int tls13 = s->version == TLS1_3_VERSION;
    SSL_TICKET_STATUS ret = SSL_TICKET_NO_DECRYPT;
    uint8_t *plain = NULL;
    size_t plain_len = 0;

    *sess = NULL;
    if (len == 0) {
        ret = SSL_TICKET_EMPTY;
    } else if (tls13 || s->session_secret_cb == NULL) {
        /* (With a session secret callback, a TLS 1.2 ticket is left to it.) */
        enum shim_ticket_open opened = shim_ticket_open(s, tick, len, tls13, &plain, &plain_len);

        switch (opened) {
        case SHIM_TICKET_OPENED:
        case SHIM_TICKET_OPENED_RENEW: {
            const uint8_t *p = plain;

            *sess = tls_session_from_der(NULL, &p, (long)plain_len);
            if (*sess == NULL || p != plain + plain_len) {
                ERR_clear_error(); /* a damaged session is a ticket we cannot read */
                tls_session_free(*sess);
                *sess = NULL;
                break;
            }
            if (sess_id_len > 0) {
                memcpy((*sess)->session_id, sess_id, sess_id_len);
                (*sess)->session_id_length = sess_id_len;
            }
            ret =
                opened == SHIM_TICKET_OPENED_RENEW ? SSL_TICKET_SUCCESS_RENEW : SSL_TICKET_SUCCESS;
            break;
        }
        case SHIM_TICKET_UNREADABLE:
            break;
        default:
            ret = SSL_TICKET_FATAL_ERR_OTHER;
            break;
        }
    }
    OPENSSL_clear_free(plain, plain_len);
    if (s->session_ctx->decrypt_ticket_cb != NULL &&
        (ret == SSL_TICKET_EMPTY || ret == SSL_TICKET_NO_DECRYPT || ret == SSL_TICKET_SUCCESS ||
         ret == SSL_TICKET_SUCCESS_RENEW))
        ret = run_decrypt_cb(s, ret, tick, len, sess);
    /* Only a ticket that opened hands its session on (an application that
     * aborts leaves nothing to free). */
    if (ret != SSL_TICKET_SUCCESS && ret != SSL_TICKET_SUCCESS_RENEW) {
        tls_session_free(*sess);
        *sess = NULL;
    }
    if ((s->session_secret_cb == NULL || tls13) &&
        (ret == SSL_TICKET_NO_DECRYPT || ret == SSL_TICKET_SUCCESS_RENEW ||
         ret == SSL_TICKET_EMPTY))
        hs->ticket_expected = 1;
    return ret;
}

enum tls_ticket_made tls_ticket_make(SSL *s, int stateful, const uint8_t *iv, uint8_t **out,
                                     size_t *out_len)
{
    uint8_t *der = NULL, *p;
    int der_len, reason;
    enum shim_ticket_seal r;

    if (stateful) {
        *out_len = s->session->session_id_length;
        if ((*out = OPENSSL_memdup(s->session->session_id, *out_len)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return TLS_TICKET_MADE;
    }
    /* Some lengths around a ticket are 16 bits. */
    der_len = tls_session_to_der(s->session, NULL);
    if (der_len <= 0 || der_len > 0xFF00)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if ((der = OPENSSL_malloc((size_t)der_len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    p = der;
    if (tls_session_to_der(s->session, &p) != der_len) {
        OPENSSL_clear_free(der, (size_t)der_len);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    r = shim_ticket_seal(s, der, (size_t)der_len, iv, out, out_len, &reason);
    OPENSSL_clear_free(der, (size_t)der_len);
    if (r == SHIM_TICKET_NONE)
        return TLS_TICKET_DECLINED;
    if (r != SHIM_TICKET_SEALED)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, reason);
    return TLS_TICKET_MADE;
}
