/*
 * shimssl - SSL_SESSION: the object, its accessors, and a connection's
 * current session.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "objects.h"
#include "tls/session.h"

SSL_SESSION *SSL_SESSION_new(void)
{
    if (!OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL))
        return NULL;
    return tls_session_create();
}

int SSL_SESSION_up_ref(SSL_SESSION *ss)
{
    return tls_session_up_ref(ss);
}

void SSL_SESSION_free(SSL_SESSION *ss)
{
    tls_session_free(ss);
}

SSL_SESSION *SSL_SESSION_dup(const SSL_SESSION *src)
{
    return tls_session_dup(src);
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

void SSL_SESSION_get0_alpn_selected(const SSL_SESSION *ss, const unsigned char **alpn, size_t *len)
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
