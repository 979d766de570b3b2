/*
 * shimssl - lifetime of the engine's per-connection state, and the
 * application callbacks it reports to.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "crypto/algs.h"
#include "crypto/kex.h"
#include "tls/conn.h"
#include "tls/groups.h"
#include "tls/handshake.h"

struct tls_conn *tls_conn_get(SSL *s)
{
    struct tls_conn *c = s->conn;

    if (c != NULL)
        return c;
    if ((c = OPENSSL_zalloc(sizeof(*c))) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    if ((c->algs = shim_algs_get(s->ctx)) == NULL) {
        OPENSSL_free(c);
        return NULL;
    }
    tls_rl_init(&c->rl);
    c->state = TLS_ST_BEFORE;
    c->in_init = 1;
    c->before = 1;
    c->peer_sigalg = -1;
    c->sigalg = -1;
    c->key_update = SSL_KEY_UPDATE_NONE;
    s->conn = c;
    return c;
}

void tls_conn_free(SSL *s)
{
    struct tls_conn *c = s->conn;

    if (c == NULL)
        return;
    tls_hs_free(c->hs);
    tls_rl_cleanup(&c->rl);
    OPENSSL_free(c->hm.buf);
    EVP_PKEY_free(c->peer_tmp);
    OPENSSL_free(c->peer_share);
    OPENSSL_free(c->alpn);
    OPENSSL_free(c->npn);
    OPENSSL_free(c->peer_groups);
    OPENSSL_free(c->peer_ec_point_formats);
    OPENSSL_free(c->peer_cert_types);
    OPENSSL_free(c->peer_sigalgs);
    sk_X509_NAME_pop_free(c->peer_ca_names, X509_NAME_free);
    OPENSSL_free(c->ocsp_response);
    if (c->pha != NULL)
        tls_transcript_cleanup(c->pha);
    OPENSSL_free(c->pha);
    if (c->pha_request != NULL)
        tls_transcript_cleanup(c->pha_request);
    OPENSSL_free(c->pha_request);
    sk_SSL_CIPHER_free(c->peer_ciphers);
    OPENSSL_free(c->peer_raw_ciphers);
    OPENSSL_free(c->pha_context);
    OPENSSL_clear_free(c, sizeof(*c));
    s->conn = NULL;
}

OSSL_HANDSHAKE_STATE tls_conn_state(const SSL *s)
{
    return s->conn != NULL ? s->conn->state : TLS_ST_BEFORE;
}

int tls_conn_in_init(const SSL *s)
{
    /* Stock puts a connection back "in init" at its first fatal error, sent
     * or received, whatever it was doing. */
    return s->conn != NULL ? s->conn->in_init || s->conn->failed : 1;
}

int tls_conn_in_before(const SSL *s)
{
    return s->conn != NULL ? s->conn->before : 1;
}

int tls_conn_failed(const SSL *s)
{
    return s->conn != NULL && s->conn->failed;
}

const uint16_t *tls_conn_peer_sigalgs(const struct tls_conn *c, size_t *n)
{
    if (c == NULL) {
        *n = 0;
        return NULL;
    }
    if (c->hs != NULL && c->hs->peer_sigalgs != NULL) {
        *n = c->hs->peer_sigalgs_len;
        return c->hs->peer_sigalgs;
    }
    *n = c->peer_sigalgs_len;
    return c->peer_sigalgs;
}

STACK_OF(X509_NAME) * tls_conn_peer_ca_names(const struct tls_conn *c)
{
    if (c == NULL)
        return NULL;
    return c->hs != NULL && c->hs->peer_ca_names != NULL ? c->hs->peer_ca_names : c->peer_ca_names;
}

void tls_info(const SSL *s, int where, int ret)
{
    if ((where & SSL_CB_EXIT) == 0)
        tls_conn_pay_loop(s);
    shim_info_cb cb = shim_ssl_info_callback(s);
    if (cb != NULL)
        cb(s, where, ret);
}

void tls_msg(SSL *s, int write_p, int version, int content_type, const void *buf, size_t len)
{
    if (write_p)
        tls_conn_pay_loop(s);
    if (s->cfg.msg_callback != NULL)
        s->cfg.msg_callback(write_p, version, content_type, buf, len, s, s->cfg.msg_callback_arg);
}

static int is_send_state(OSSL_HANDSHAKE_STATE st)
{
    switch (st) {
    case TLS_ST_CW_CLNT_HELLO:
    case TLS_ST_CW_CERT:
    case TLS_ST_CW_KEY_EXCH:
    case TLS_ST_CW_CERT_VRFY:
    case TLS_ST_CW_CHANGE:
    case TLS_ST_CW_NEXT_PROTO:
    case TLS_ST_CW_FINISHED:
    case TLS_ST_CW_KEY_UPDATE:
    case TLS_ST_CW_END_OF_EARLY_DATA:
    case TLS_ST_SW_HELLO_REQ:
    case TLS_ST_SW_SRVR_HELLO:
    case TLS_ST_SW_CERT:
    case TLS_ST_SW_KEY_EXCH:
    case TLS_ST_SW_CERT_REQ:
    case TLS_ST_SW_SRVR_DONE:
    case TLS_ST_SW_SESSION_TICKET:
    case TLS_ST_SW_CERT_STATUS:
    case TLS_ST_SW_CHANGE:
    case TLS_ST_SW_FINISHED:
    case TLS_ST_SW_ENCRYPTED_EXTENSIONS:
    case TLS_ST_SW_CERT_VRFY:
    case TLS_ST_SW_KEY_UPDATE:
        return 1;
    default:
        return 0;
    }
}

void tls_info_loop(const SSL *s)
{
    tls_info(s, s->server ? SSL_CB_ACCEPT_LOOP : SSL_CB_CONNECT_LOOP, 1);
}

void tls_conn_pay_loop(const SSL *s)
{
    struct tls_conn *c = s->conn;
    if (c != NULL && c->loop_owed) {
        c->loop_owed = 0;
        tls_info_loop(s);
    }
}

void tls_conn_set_state(SSL *s, struct tls_conn *c, OSSL_HANDSHAKE_STATE st)
{
    tls_conn_pay_loop(s); /* the state we leave first */
    c->state = st;
    if (!is_send_state(st))
        return;
    if (tls_rl_write_pending(&c->rl))
        c->loop_owed = 1;
    else
        tls_info_loop(s);
}

void tls_conn_note_send(SSL *s, struct tls_conn *c)
{
    tls_conn_pay_loop(s);
    if (!c->writing)
        tls_info_loop(s);
    c->writing = 1;
}

int tls_conn_set_peer_share(struct tls_conn *c, const struct tls_group *g, const uint8_t *share,
                            size_t len)
{
    uint8_t *copy = OPENSSL_memdup(share, len);

    if (copy == NULL)
        return 0;
    EVP_PKEY_free(c->peer_tmp);
    c->peer_tmp = NULL;
    OPENSSL_free(c->peer_share);
    c->peer_share = copy;
    c->peer_share_len = len;
    c->group = g;
    return 1;
}

EVP_PKEY *tls_conn_peer_tmp(struct tls_conn *c)
{
    if (c->peer_tmp == NULL && c->peer_share != NULL && c->group != NULL &&
        !tls_kex_share_key(c->algs, &c->group->kex, c->peer_share, c->peer_share_len, &c->peer_tmp))
        c->peer_tmp = NULL;
    return c->peer_tmp;
}
