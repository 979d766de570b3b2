/*
 * shimssl - SSL: creation, reference counting, reset, duplication, context
 * switching and destruction.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/async.h>

#include <string.h>

#include "api/cert.h"
#include "api/config.h"
#include "tls/conn.h"

SSL *SSL_new(SSL_CTX *ctx)
{
    SSL *s;

    if (ctx == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NULL_SSL_CTX);
        return NULL;
    }
    if (ctx->method == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL_CTX_HAS_NO_DEFAULT_SSL_VERSION);
        return NULL;
    }
    if ((s = OPENSSL_zalloc(sizeof(*s))) == NULL)
        goto err;
    shim_ref_init(&s->refs);
    if (!shim_config_inherit(&s->cfg, &ctx->cfg))
        goto err;
    SSL_CTX_up_ref(ctx);
    s->ctx = ctx;
    SSL_CTX_up_ref(ctx);
    s->session_ctx = ctx;
    s->method = ctx->method;
    /* Stock: an SSL whose method can accept starts as a server until told
     * otherwise; TLS_method() can, so it starts as a server too. */
    s->server = ctx->method->role != SHIM_ROLE_CLIENT;
    s->verify_result = X509_V_OK;
    if (!SSL_clear(s))
        goto err;
    if (!CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL, s, &s->ex_data))
        goto err;
    return s;
err:
    SSL_free(s);
    ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    return NULL;
}

int SSL_up_ref(SSL *s)
{
    return shim_ref_up(&s->refs) > 1;
}

/*
 * A connection that finished its handshake but is dropped without sending
 * close_notify leaves a session that must not be resumed: it is removed from
 * the cache, which marks it not resumable (stock's ssl_clear_bad_session).
 * Returns whether that happened.
 */
static int clear_bad_session(SSL *s)
{
    if (s->session == NULL || (s->shutdown & SSL_SENT_SHUTDOWN) != 0 || tls_conn_in_init(s) ||
        tls_conn_in_before(s))
        return 0;
    SSL_CTX_remove_session(s->session_ctx, s->session);
    return 1;
}

void SSL_free(SSL *s)
{
    if (s == NULL || shim_ref_down(&s->refs) > 0)
        return;
    clear_bad_session(s);
    CRYPTO_free_ex_data(CRYPTO_EX_INDEX_SSL, s, &s->ex_data);
    tls_conn_free(s);
    /* SSL_set_bio took one reference per direction, also when both are the
     * same BIO, so both are released. */
    BIO_free_all(s->wbio);
    BIO_free_all(s->rbio);
    if (s->session != NULL)
        SSL_SESSION_free(s->session);
    sk_X509_pop_free(s->verified_chain, X509_free);
    shim_config_free(&s->cfg);
    OPENSSL_free(s->hostname);
    ASYNC_WAIT_CTX_free(s->waitctx);
    SSL_CTX_free(s->session_ctx);
    SSL_CTX_free(s->ctx);
    OPENSSL_free(s);
}

int SSL_set_session(SSL *s, SSL_SESSION *session)
{
    clear_bad_session(s);
    if (s->ctx->method != s->method && !SSL_set_ssl_method(s, s->ctx->method))
        return 0;
    if (session != NULL) {
        if (!SSL_SESSION_up_ref(session))
            return 0;
        s->verify_result = session->verify_result;
    }
    SSL_SESSION_free(s->session);
    s->session = session;
    return 1;
}

int SSL_clear(SSL *s)
{
    if (s->method == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_METHOD_SPECIFIED);
        return 0;
    }
    /* A session that ended badly must not be offered again; one closed
     * cleanly stays for resumption. */
    if (clear_bad_session(s)) {
        SSL_SESSION_free(s->session);
        s->session = NULL;
    }
    s->hit = 0;
    s->shutdown = 0;
    s->rwstate = SSL_NOTHING;
    tls_conn_free(s);
    if (s->method != s->ctx->method)
        s->method = s->ctx->method;
    /* A version-flexible method reports its highest version until one is
     * negotiated, as stock's. */
    s->version = s->method->version == TLS_ANY_VERSION ? TLS1_3_VERSION : s->method->version;
    s->client_version = s->method->version; /* TLS_ANY_VERSION until a hello, as stock */
    X509_VERIFY_PARAM_move_peername(s->cfg.param, NULL);
    return 1;
}

void SSL_set_connect_state(SSL *s)
{
    s->server = 0;
    s->shutdown = 0;
    s->role_chosen = 1;
    tls_conn_free(s);
}

void SSL_set_accept_state(SSL *s)
{
    s->server = 1;
    s->shutdown = 0;
    s->role_chosen = 1;
    tls_conn_free(s);
}

int SSL_is_server(const SSL *s)
{
    return s->server;
}

int SSL_is_dtls(const SSL *s)
{
    (void)s;
    return 0;
}

const SSL_METHOD *SSL_get_ssl_method(const SSL *s)
{
    return s->method;
}

int SSL_set_ssl_method(SSL *s, const SSL_METHOD *meth)
{
    s->method = meth;
    return 1;
}

SSL_CTX *SSL_get_SSL_CTX(const SSL *s)
{
    return s->ctx;
}

SSL_CTX *SSL_set_SSL_CTX(SSL *s, SSL_CTX *ctx)
{
    struct shim_cert *cert;

    if (s->ctx == ctx)
        return s->ctx;
    if (ctx == NULL)
        ctx = s->session_ctx;
    if ((cert = shim_cert_dup(ctx->cfg.cert)) == NULL)
        return NULL;
    shim_custom_ext_copy_flags(cert, s->cfg.cert);
    shim_cert_free(s->cfg.cert);
    s->cfg.cert = cert;
    /* A session-id context still equal to the old context's follows the new
     * context; one set on the SSL itself stays. */
    if (s->cfg.sid_ctx_length == s->ctx->cfg.sid_ctx_length &&
        memcmp(s->cfg.sid_ctx, s->ctx->cfg.sid_ctx, s->cfg.sid_ctx_length) == 0) {
        s->cfg.sid_ctx_length = ctx->cfg.sid_ctx_length;
        memcpy(s->cfg.sid_ctx, ctx->cfg.sid_ctx, sizeof(s->cfg.sid_ctx));
    }
    SSL_CTX_up_ref(ctx);
    SSL_CTX_free(s->ctx);
    s->ctx = ctx;
    return s->ctx;
}

static int dup_names(STACK_OF(X509_NAME) * *dst, STACK_OF(X509_NAME) * src)
{
    if (src == NULL)
        return 1;
    sk_X509_NAME_pop_free(*dst, X509_NAME_free);
    *dst = sk_X509_NAME_deep_copy(src, X509_NAME_dup, X509_NAME_free);
    return *dst != NULL;
}

/* Stock's order: the session (which may switch t back to its context's
 * method), then f's method, then f's certificates shared rather than copied,
 * then f's session-id context. */
int SSL_copy_session_id(SSL *t, const SSL *f)
{
    if (!SSL_set_session(t, SSL_get_session(f)))
        return 0;
    if (t->method != f->method && !SSL_set_ssl_method(t, f->method))
        return 0;
    if (t->cfg.cert != f->cfg.cert) {
        shim_cert_up_ref(f->cfg.cert);
        shim_cert_free(t->cfg.cert);
        t->cfg.cert = f->cfg.cert;
    }
    return SSL_set_session_id_context(t, f->cfg.sid_ctx, (unsigned int)f->cfg.sid_ctx_length);
}

SSL *SSL_dup(SSL *s)
{
    SSL *ret;

    /* Once a handshake has begun there is nothing safe to copy: like stock,
     * hand back the same object with one more reference. */
    if (tls_conn_state(s) != TLS_ST_BEFORE || s->conn != NULL) {
        shim_ref_up(&s->refs);
        return s;
    }
    if ((ret = SSL_new(SSL_get_SSL_CTX(s))) == NULL)
        return NULL;
    if (s->session != NULL) {
        if (!SSL_copy_session_id(ret, s))
            goto err;
    } else {
        struct shim_cert *cert = shim_cert_dup(s->cfg.cert);
        if (cert == NULL)
            goto err;
        shim_cert_free(ret->cfg.cert);
        ret->cfg.cert = cert;
        ret->method = s->method;
        memcpy(ret->cfg.sid_ctx, s->cfg.sid_ctx, sizeof(ret->cfg.sid_ctx));
        ret->cfg.sid_ctx_length = s->cfg.sid_ctx_length;
    }
    ret->version = s->version;
    ret->cfg.options = s->cfg.options;
    ret->cfg.min_proto_version = s->cfg.min_proto_version;
    ret->cfg.max_proto_version = s->cfg.max_proto_version;
    ret->cfg.mode = s->cfg.mode;
    ret->cfg.max_cert_list = s->cfg.max_cert_list;
    ret->cfg.read_ahead = s->cfg.read_ahead;
    ret->cfg.msg_callback = s->cfg.msg_callback;
    ret->cfg.msg_callback_arg = s->cfg.msg_callback_arg;
    ret->cfg.verify_mode = s->cfg.verify_mode;
    ret->cfg.verify_callback = s->cfg.verify_callback;
    X509_VERIFY_PARAM_set_depth(ret->cfg.param, X509_VERIFY_PARAM_get_depth(s->cfg.param));
    ret->cfg.generate_session_id = s->cfg.generate_session_id;
    ret->cfg.info_callback = s->cfg.info_callback;
    if (!CRYPTO_dup_ex_data(CRYPTO_EX_INDEX_SSL, &ret->ex_data, &s->ex_data))
        goto err;
    ret->server = s->server;
    if (s->role_chosen) {
        if (s->server)
            SSL_set_accept_state(ret);
        else
            SSL_set_connect_state(ret);
    }
    ret->shutdown = s->shutdown;
    ret->hit = s->hit;
    ret->cfg.default_passwd_callback = s->cfg.default_passwd_callback;
    ret->cfg.default_passwd_callback_userdata = s->cfg.default_passwd_callback_userdata;
    X509_VERIFY_PARAM_inherit(ret->cfg.param, s->cfg.param);
    if ((s->cfg.cipher_list != NULL &&
         (ret->cfg.cipher_list = sk_SSL_CIPHER_dup(s->cfg.cipher_list)) == NULL) ||
        (s->cfg.cipher_list_by_id != NULL &&
         (ret->cfg.cipher_list_by_id = sk_SSL_CIPHER_dup(s->cfg.cipher_list_by_id)) == NULL))
        goto err;
    if (!dup_names(&ret->cfg.ca_names, s->cfg.ca_names) ||
        !dup_names(&ret->cfg.client_ca_names, s->cfg.client_ca_names))
        goto err;
    return ret;
err:
    SSL_free(ret);
    return NULL;
}
