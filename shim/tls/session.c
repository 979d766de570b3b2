/*
 * shimssl - sessions as the handshake creates and updates them.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "tls/session.h"

int tls_session_new(SSL *s)
{
    SSL_SESSION *ss = SSL_SESSION_new();

    if (ss == NULL)
        return 0;
    ss->timeout = s->session_ctx->session_timeout != 0 ? s->session_ctx->session_timeout
                                                       : SSL_get_default_timeout(s);
    memcpy(ss->sid_ctx, s->cfg.sid_ctx, sizeof(ss->sid_ctx));
    ss->sid_ctx_length = s->cfg.sid_ctx_length;
    ss->ssl_version = s->version;
    ss->verify_result = X509_V_OK;
    if (s->session != NULL)
        SSL_SESSION_free(s->session);
    s->session = ss;
    return 1;
}

int tls_session_resumable13(const SSL *s, const SSL_SESSION *sess)
{
    (void)s;
    return sess != NULL && sess->ssl_version == TLS1_3_VERSION && sess->ticket != NULL
           && sess->ticket_len > 0 && sess->cipher != NULL && !sess->not_resumable
           && sess->master_key_length > 0;
}

void tls_session_update_client_cache(SSL *s)
{
    SSL_CTX *ctx = s->session_ctx;
    uint32_t mode = ctx->session_cache_mode;

    if (s->session->session_id_length == 0 || (mode & SSL_SESS_CACHE_CLIENT) == 0)
        return;
    if ((mode & SSL_SESS_CACHE_NO_INTERNAL_STORE) == 0)
        SSL_CTX_add_session(ctx, s->session);
    if (ctx->new_session_cb != NULL) {
        SSL_SESSION_up_ref(s->session);
        if (!ctx->new_session_cb(s, s->session))
            SSL_SESSION_free(s->session);
    }
}
