/*
 * shimssl - sessions as the handshake creates and updates them.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "tls/session.h"
#include "tls/session_cache.h"

/* Stock's defaults for a session made with SSL_SESSION_new: a 304 second
 * lifetime, and a verify result that is deliberately not X509_V_OK. */
#define NEW_SESSION_TIMEOUT (60 * 5 + 4)

SSL_SESSION *tls_session_create(void)
{
    SSL_SESSION *ss;

    if ((ss = OPENSSL_zalloc(sizeof(*ss))) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    shim_ref_init(&ss->refs);
    /* Until a handshake settles it (SSL_SESSION_get_max_fragment_length says 0). */
    ss->max_fragment_len_mode = TLSEXT_max_fragment_length_UNSPECIFIED;
    ss->verify_result = 1;
    ss->timeout = NEW_SESSION_TIMEOUT;
    ss->time = time(NULL);
    if ((ss->lock = CRYPTO_THREAD_lock_new()) == NULL ||
        !CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, ss, &ss->ex_data)) {
        CRYPTO_THREAD_lock_free(ss->lock);
        OPENSSL_free(ss);
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    return ss;
}

int tls_session_up_ref(SSL_SESSION *ss)
{
    return shim_ref_up(&ss->refs) > 1;
}

void tls_session_free(SSL_SESSION *ss)
{
    if (ss == NULL || shim_ref_down(&ss->refs) > 0)
        return;
    CRYPTO_free_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, ss, &ss->ex_data);
    X509_free(ss->peer);
    sk_X509_pop_free(ss->peer_chain, X509_free);
    OPENSSL_free(ss->hostname);
    OPENSSL_free(ss->alpn_selected);
    OPENSSL_free(ss->ticket);
    OPENSSL_free(ss->ticket_appdata);
    OPENSSL_free(ss->psk_identity_hint);
    OPENSSL_free(ss->psk_identity);
    CRYPTO_THREAD_lock_free(ss->lock);
    OPENSSL_clear_free(ss, sizeof(*ss));
}

/* A copy of len bytes (NULL for none); 0 only when allocation failed. */
static int dup_bytes(unsigned char **dst, const unsigned char *src, size_t len)
{
    *dst = NULL;
    return src == NULL || (*dst = OPENSSL_memdup(src, len > 0 ? len : 1)) != NULL;
}

static int dup_str(char **dst, const char *src)
{
    *dst = NULL;
    return src == NULL || (*dst = OPENSSL_strdup(src)) != NULL;
}

SSL_SESSION *tls_session_dup(const SSL_SESSION *src)
{
    SSL_SESSION *ss = OPENSSL_malloc(sizeof(*ss));

    if (ss == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    memcpy(ss, src, sizeof(*ss));
    /* Everything owned is made anew before anything can fail, so that a
     * failure frees only what this copy owns. */
    shim_ref_init(&ss->refs);
    ss->owner = NULL;
    ss->cache_prev = ss->cache_next = NULL;
    ss->peer = NULL;
    ss->peer_chain = NULL;
    ss->hostname = ss->psk_identity_hint = ss->psk_identity = NULL;
    ss->alpn_selected = ss->ticket = ss->ticket_appdata = NULL;
    memset(&ss->ex_data, 0, sizeof(ss->ex_data));
    if ((ss->lock = CRYPTO_THREAD_lock_new()) == NULL ||
        !CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, ss, &ss->ex_data)) {
        CRYPTO_THREAD_lock_free(ss->lock);
        OPENSSL_free(ss);
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    if (src->peer != NULL && X509_up_ref(src->peer))
        ss->peer = src->peer;
    if (ss->peer != src->peer ||
        (src->peer_chain != NULL &&
         (ss->peer_chain = X509_chain_up_ref(src->peer_chain)) == NULL) ||
        !dup_str(&ss->hostname, src->hostname) ||
        !dup_str(&ss->psk_identity_hint, src->psk_identity_hint) ||
        !dup_str(&ss->psk_identity, src->psk_identity) ||
        !dup_bytes(&ss->alpn_selected, src->alpn_selected, src->alpn_selected_len) ||
        !dup_bytes(&ss->ticket, src->ticket, src->ticket_len) ||
        !dup_bytes(&ss->ticket_appdata, src->ticket_appdata, src->ticket_appdata_len) ||
        !CRYPTO_dup_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, &ss->ex_data, &src->ex_data)) {
        tls_session_free(ss);
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    return ss;
}

int tls_session_new(SSL *s)
{
    SSL_SESSION *ss = tls_session_create();

    if (ss == NULL)
        return 0;
    ss->timeout = s->session_ctx->session_timeout != 0 ? s->session_ctx->session_timeout
                                                       : SHIM_DEFAULT_SESSION_TIMEOUT;
    memcpy(ss->sid_ctx, s->cfg.sid_ctx, sizeof(ss->sid_ctx));
    ss->sid_ctx_length = s->cfg.sid_ctx_length;
    ss->ssl_version = s->version;
    ss->verify_result = X509_V_OK;
    if (s->session != NULL)
        tls_session_free(s->session);
    s->session = ss;
    return 1;
}

int tls_session_resumable13(const SSL *s, const SSL_SESSION *sess)
{
    (void)s;
    return sess != NULL && sess->ssl_version == TLS1_3_VERSION && sess->ticket != NULL &&
           sess->ticket_len > 0 && sess->cipher != NULL && !sess->not_resumable &&
           sess->master_key_length > 0;
}

void tls_session_update_client_cache(SSL *s)
{
    SSL_CTX *ctx = s->session_ctx;
    uint32_t mode = ctx->session_cache_mode;

    if (s->session->session_id_length == 0 || (mode & SSL_SESS_CACHE_CLIENT) == 0)
        return;
    if ((mode & SSL_SESS_CACHE_NO_INTERNAL_STORE) == 0)
        tls_cache_add(ctx, s->session);
    if (ctx->new_session_cb != NULL) {
        tls_conn_pay_loop(s);
        tls_session_up_ref(s->session);
        if (!ctx->new_session_cb(s, s->session))
            tls_session_free(s->session);
    }
}
