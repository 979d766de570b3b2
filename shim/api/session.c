/*
 * shimssl - SSL_SESSION: the object, its accessors, and a connection's
 * current session.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "objects.h"

/* Stock's defaults for a session made with SSL_SESSION_new: a 304 second
 * lifetime, and a verify result that is deliberately not X509_V_OK. */
#define NEW_SESSION_TIMEOUT (60 * 5 + 4)

SSL_SESSION *SSL_SESSION_new(void)
{
    SSL_SESSION *ss;

    if (!OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL))
        return NULL;
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
    if ((ss->lock = CRYPTO_THREAD_lock_new()) == NULL
        || !CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, ss, &ss->ex_data)) {
        CRYPTO_THREAD_lock_free(ss->lock);
        OPENSSL_free(ss);
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    return ss;
}

int SSL_SESSION_up_ref(SSL_SESSION *ss)
{
    return shim_ref_up(&ss->refs) > 1;
}

void SSL_SESSION_free(SSL_SESSION *ss)
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

SSL_SESSION *SSL_SESSION_dup(const SSL_SESSION *src)
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
    if ((ss->lock = CRYPTO_THREAD_lock_new()) == NULL
        || !CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, ss, &ss->ex_data)) {
        CRYPTO_THREAD_lock_free(ss->lock);
        OPENSSL_free(ss);
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    if (src->peer != NULL && X509_up_ref(src->peer))
        ss->peer = src->peer;
    if (ss->peer != src->peer
        || (src->peer_chain != NULL && (ss->peer_chain = X509_chain_up_ref(src->peer_chain)) == NULL)
        || !dup_str(&ss->hostname, src->hostname)
        || !dup_str(&ss->psk_identity_hint, src->psk_identity_hint)
        || !dup_str(&ss->psk_identity, src->psk_identity)
        || !dup_bytes(&ss->alpn_selected, src->alpn_selected, src->alpn_selected_len)
        || !dup_bytes(&ss->ticket, src->ticket, src->ticket_len)
        || !dup_bytes(&ss->ticket_appdata, src->ticket_appdata, src->ticket_appdata_len)
        || !CRYPTO_dup_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, &ss->ex_data, &src->ex_data)) {
        SSL_SESSION_free(ss);
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    return ss;
}

/* ------------------------------------------------------------- accessors */

const unsigned char *SSL_SESSION_get_id(const SSL_SESSION *ss, unsigned int *len)
{
    if (len != NULL)
        *len = (unsigned int)ss->session_id_length;
    return ss->session_id;
}

int SSL_SESSION_set1_id(SSL_SESSION *ss, const unsigned char *sid, unsigned int sid_len)
{
    if (sid_len > SSL_MAX_SSL_SESSION_ID_LENGTH) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL_SESSION_ID_TOO_LONG);
        return 0;
    }
    ss->session_id_length = sid_len;
    if (sid != ss->session_id)
        memcpy(ss->session_id, sid, sid_len);
    return 1;
}

const unsigned char *SSL_SESSION_get0_id_context(const SSL_SESSION *ss, unsigned int *len)
{
    if (len != NULL)
        *len = (unsigned int)ss->sid_ctx_length;
    return ss->sid_ctx;
}

int SSL_SESSION_set1_id_context(SSL_SESSION *ss, const unsigned char *ctx, unsigned int len)
{
    if (len > SSL_MAX_SID_CTX_LENGTH) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
        return 0;
    }
    ss->sid_ctx_length = len;
    if (ctx != ss->sid_ctx)
        memcpy(ss->sid_ctx, ctx, len);
    return 1;
}

long SSL_SESSION_get_time(const SSL_SESSION *ss)
{
    return ss != NULL ? (long)ss->time : 0;
}

long SSL_SESSION_set_time(SSL_SESSION *ss, long t)
{
    if (ss == NULL)
        return 0;
    ss->time = (time_t)t;
    return t;
}

long SSL_SESSION_get_timeout(const SSL_SESSION *ss)
{
    return ss != NULL ? ss->timeout : 0;
}

long SSL_SESSION_set_timeout(SSL_SESSION *ss, long t)
{
    if (ss == NULL || t < 0)
        return 0;
    ss->timeout = t;
    return 1;
}

int SSL_SESSION_get_protocol_version(const SSL_SESSION *ss)
{
    return ss->ssl_version;
}

int SSL_SESSION_set_protocol_version(SSL_SESSION *ss, int version)
{
    ss->ssl_version = version;
    return 1;
}

const SSL_CIPHER *SSL_SESSION_get0_cipher(const SSL_SESSION *ss)
{
    return ss->cipher;
}

int SSL_SESSION_set_cipher(SSL_SESSION *ss, const SSL_CIPHER *cipher)
{
    ss->cipher = cipher;
    return 1;
}

const char *SSL_SESSION_get0_hostname(const SSL_SESSION *ss)
{
    return ss->hostname;
}

int SSL_SESSION_set1_hostname(SSL_SESSION *ss, const char *hostname)
{
    char *copy = NULL;

    if (hostname != NULL && (copy = OPENSSL_strdup(hostname)) == NULL)
        return 0;
    OPENSSL_free(ss->hostname);
    ss->hostname = copy;
    return 1;
}

void SSL_SESSION_get0_alpn_selected(const SSL_SESSION *ss, const unsigned char **alpn,
                                    size_t *len)
{
    *alpn = ss->alpn_selected;
    *len = ss->alpn_selected_len;
}

int SSL_SESSION_set1_alpn_selected(SSL_SESSION *ss, const unsigned char *alpn, size_t len)
{
    unsigned char *copy = NULL;

    if (alpn != NULL && len > 0 && (copy = OPENSSL_memdup(alpn, len)) == NULL)
        return 0;
    OPENSSL_free(ss->alpn_selected);
    ss->alpn_selected = copy;
    ss->alpn_selected_len = copy != NULL ? len : 0;
    return 1;
}

X509 *SSL_SESSION_get0_peer(SSL_SESSION *ss)
{
    return ss->peer;
}

size_t SSL_SESSION_get_master_key(const SSL_SESSION *ss, unsigned char *out, size_t outlen)
{
    if (outlen == 0)
        return ss->master_key_length;
    if (outlen > ss->master_key_length)
        outlen = ss->master_key_length;
    memcpy(out, ss->master_key, outlen);
    return outlen;
}

int SSL_SESSION_set1_master_key(SSL_SESSION *ss, const unsigned char *in, size_t len)
{
    if (len > sizeof(ss->master_key))
        return 0;
    memcpy(ss->master_key, in, len);
    ss->master_key_length = len;
    return 1;
}

int SSL_SESSION_has_ticket(const SSL_SESSION *ss)
{
    return ss->ticket_len > 0;
}

unsigned long SSL_SESSION_get_ticket_lifetime_hint(const SSL_SESSION *ss)
{
    return ss->ticket_lifetime_hint;
}

void SSL_SESSION_get0_ticket(const SSL_SESSION *ss, const unsigned char **tick, size_t *len)
{
    *len = ss->ticket_len;
    if (tick != NULL)
        *tick = ss->ticket;
}

uint32_t SSL_SESSION_get_max_early_data(const SSL_SESSION *ss)
{
    return ss->max_early_data;
}

int SSL_SESSION_set_max_early_data(SSL_SESSION *ss, uint32_t max_early_data)
{
    ss->max_early_data = max_early_data;
    return 1;
}

uint8_t SSL_SESSION_get_max_fragment_length(const SSL_SESSION *ss)
{
    return ss->max_fragment_len_mode == TLSEXT_max_fragment_length_UNSPECIFIED
               ? TLSEXT_max_fragment_length_DISABLED
               : ss->max_fragment_len_mode;
}

int SSL_SESSION_set1_ticket_appdata(SSL_SESSION *ss, const void *data, size_t len)
{
    unsigned char *copy = NULL;

    if (data != NULL && len > 0 && (copy = OPENSSL_memdup(data, len)) == NULL)
        return 0;
    OPENSSL_free(ss->ticket_appdata);
    ss->ticket_appdata = copy;
    ss->ticket_appdata_len = copy != NULL ? len : 0;
    return 1;
}

int SSL_SESSION_get0_ticket_appdata(SSL_SESSION *ss, void **data, size_t *len)
{
    *data = ss->ticket_appdata;
    *len = ss->ticket_appdata_len;
    return 1;
}

unsigned int SSL_SESSION_get_compress_id(const SSL_SESSION *ss)
{
    (void)ss;
    return 0; /* compression is never negotiated */
}

int SSL_SESSION_is_resumable(const SSL_SESSION *ss)
{
    /* Resumable by id or by ticket, unless marked otherwise. */
    return !ss->not_resumable && (ss->session_id_length > 0 || ss->ticket_len > 0);
}

/* ------------------------------------------------- a connection's session */

SSL_SESSION *SSL_get_session(const SSL *s)
{
    return s->session;
}

SSL_SESSION *SSL_get1_session(SSL *s)
{
    SSL_SESSION *ss = s->session;

    if (ss != NULL && !SSL_SESSION_up_ref(ss))
        return NULL;
    return ss;
}

int SSL_session_reused(const SSL *s)
{
    return s->hit;
}
