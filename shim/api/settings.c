/*
 * shimssl - settings kept on SSL_CTX and SSL that are functions rather than
 * ctrls: options, callbacks, ALPN, tickets, session-id context.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * An SSL takes these from its context at SSL_new (shim/api/config.c); the
 * SSL_ forms change the connection only.
 */
#include "shim.h"

#include <string.h>

#include "api/config.h"
#include "tls/bytes.h"

/* ---------------------------------------------------------------- options */

uint64_t SSL_CTX_set_options(SSL_CTX *ctx, uint64_t op)
{
    return ctx->cfg.options |= op;
}

uint64_t SSL_CTX_clear_options(SSL_CTX *ctx, uint64_t op)
{
    return ctx->cfg.options &= ~op;
}

uint64_t SSL_CTX_get_options(const SSL_CTX *ctx)
{
    return ctx->cfg.options;
}

uint64_t SSL_set_options(SSL *s, uint64_t op)
{
    return s->cfg.options |= op;
}

uint64_t SSL_clear_options(SSL *s, uint64_t op)
{
    return s->cfg.options &= ~op;
}

uint64_t SSL_get_options(const SSL *s)
{
    return s->cfg.options;
}

/* ------------------------------------------------------- simple switches */

void SSL_CTX_set_quiet_shutdown(SSL_CTX *ctx, int mode)
{
    ctx->cfg.quiet_shutdown = mode;
}

int SSL_CTX_get_quiet_shutdown(const SSL_CTX *ctx)
{
    return ctx->cfg.quiet_shutdown;
}

void SSL_set_quiet_shutdown(SSL *s, int mode)
{
    s->cfg.quiet_shutdown = mode;
}

int SSL_get_quiet_shutdown(const SSL *s)
{
    return s->cfg.quiet_shutdown;
}

void SSL_set_read_ahead(SSL *s, int yes)
{
    s->cfg.read_ahead = yes;
}

int SSL_get_read_ahead(const SSL *s)
{
    return s->cfg.read_ahead;
}

void SSL_CTX_set_default_read_buffer_len(SSL_CTX *ctx, size_t len)
{
    ctx->cfg.default_read_buf_len = len;
}

void SSL_set_default_read_buffer_len(SSL *s, size_t len)
{
    s->cfg.default_read_buf_len = len;
}

int SSL_CTX_set_num_tickets(SSL_CTX *ctx, size_t num_tickets)
{
    ctx->cfg.num_tickets = num_tickets;
    return 1;
}

size_t SSL_CTX_get_num_tickets(const SSL_CTX *ctx)
{
    return ctx->cfg.num_tickets;
}

int SSL_set_num_tickets(SSL *s, size_t num_tickets)
{
    s->cfg.num_tickets = num_tickets;
    return 1;
}

size_t SSL_get_num_tickets(const SSL *s)
{
    return s->cfg.num_tickets;
}

/* RFC 6066 4: modes 1 to 4 (2^9 .. 2^12 bytes), or 0 for none. */
static int mfl_mode_ok(uint8_t mode)
{
    if (mode != TLSEXT_max_fragment_length_DISABLED &&
        (mode < TLSEXT_max_fragment_length_512 || mode > TLSEXT_max_fragment_length_4096)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH);
        return 0;
    }
    return 1;
}

int SSL_CTX_set_tlsext_max_fragment_length(SSL_CTX *ctx, uint8_t mode)
{
    if (!mfl_mode_ok(mode))
        return 0;
    ctx->cfg.max_fragment_len_mode = mode;
    return 1;
}

int SSL_set_tlsext_max_fragment_length(SSL *s, uint8_t mode)
{
    if (!mfl_mode_ok(mode))
        return 0;
    s->cfg.max_fragment_len_mode = mode;
    return 1;
}

/* -------------------------------------------------------------- callbacks */

void SSL_CTX_set_info_callback(SSL_CTX *ctx, void (*cb)(const SSL *ssl, int type, int val))
{
    ctx->cfg.info_callback = cb;
}

void (*SSL_CTX_get_info_callback(SSL_CTX *ctx))(const SSL *ssl, int type, int val)
{
    return ctx->cfg.info_callback;
}

void SSL_set_info_callback(SSL *s, void (*cb)(const SSL *ssl, int type, int val))
{
    s->cfg.info_callback = cb;
}

void (*SSL_get_info_callback(const SSL *s))(const SSL *ssl, int type, int val)
{
    return s->cfg.info_callback;
}

void SSL_CTX_set_msg_callback(SSL_CTX *ctx,
                              void (*cb)(int write_p, int version, int content_type,
                                         const void *buf, size_t len, SSL *ssl, void *arg))
{
    ctx->cfg.msg_callback = cb;
}

void SSL_set_msg_callback(SSL *s, void (*cb)(int write_p, int version, int content_type,
                                             const void *buf, size_t len, SSL *ssl, void *arg))
{
    s->cfg.msg_callback = cb;
}

void SSL_CTX_set_keylog_callback(SSL_CTX *ctx, SSL_CTX_keylog_cb_func cb)
{
    ctx->keylog_callback = cb;
}

SSL_CTX_keylog_cb_func SSL_CTX_get_keylog_callback(const SSL_CTX *ctx)
{
    return ctx->keylog_callback;
}

void SSL_CTX_set_client_cert_cb(SSL_CTX *ctx, int (*cb)(SSL *ssl, X509 **x509, EVP_PKEY **pkey))
{
    ctx->client_cert_cb = cb;
}

int (*SSL_CTX_get_client_cert_cb(SSL_CTX *ctx))(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
    return ctx->client_cert_cb;
}

void SSL_CTX_set_cert_cb(SSL_CTX *ctx, int (*cb)(SSL *ssl, void *arg), void *arg)
{
    ctx->cfg.cert->cert_cb = cb;
    ctx->cfg.cert->cert_cb_arg = arg;
}

void SSL_set_cert_cb(SSL *s, int (*cb)(SSL *ssl, void *arg), void *arg)
{
    s->cfg.cert->cert_cb = cb;
    s->cfg.cert->cert_cb_arg = arg;
}

void SSL_CTX_set_not_resumable_session_callback(SSL_CTX *ctx,
                                                int (*cb)(SSL *ssl, int is_forward_secure))
{
    ctx->cfg.not_resumable_session_cb = cb;
}

void SSL_set_not_resumable_session_callback(SSL *s, int (*cb)(SSL *ssl, int is_forward_secure))
{
    s->cfg.not_resumable_session_cb = cb;
}

/* The temporary-DH callback (deprecated in 3.0, still used by servers):
 * consulted for DHE only when neither SSL_CTX_set_dh_auto nor
 * SSL_CTX_set0_tmp_dh_pkey gave parameters (shim/tls/handshake12_server.c).
 * Set through the callback ctrl, as stock's wrappers do. */
void SSL_CTX_set_tmp_dh_callback(SSL_CTX *ctx, DH *(*dh)(SSL *ssl, int is_export, int keylength))
{
    SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TMP_DH_CB, (void (*)(void))dh);
}

void SSL_set_tmp_dh_callback(SSL *s, DH *(*dh)(SSL *ssl, int is_export, int keylength))
{
    SSL_callback_ctrl(s, SSL_CTRL_SET_TMP_DH_CB, (void (*)(void))dh);
}

/* The application's session-id generator (stock's GEN_SESSION_CB): a
 * connection's, else its session context's, makes the id of each new
 * server session (shim/tls/server_session.c); the connection copies the
 * context's when made.  Set under the context's lock, as stock does. */
int SSL_CTX_set_generate_session_id(SSL_CTX *ctx, GEN_SESSION_CB cb)
{
    if (!CRYPTO_THREAD_write_lock(ctx->lock))
        return 0;
    ctx->cfg.generate_session_id = cb;
    CRYPTO_THREAD_unlock(ctx->lock);
    return 1;
}

int SSL_set_generate_session_id(SSL *s, GEN_SESSION_CB cb)
{
    s->cfg.generate_session_id = cb;
    return 1;
}

/* ------------------------------------------------------------------- ALPN */

/* The list must be well formed: non-empty names, each with its length
 * byte, filling the buffer exactly (stock's alpn_value_ok). */
static int alpn_list_ok(const unsigned char *p, unsigned int len)
{
    unsigned int i = 0;

    if (len < 2)
        return 0;
    while (i < len) {
        if (p[i] == 0 || p[i] > len - i - 1)
            return 0;
        i += (unsigned int)p[i] + 1;
    }
    return 1;
}

/* Note: 0 on success and 1 on failure, as stock's. */
static int set_alpn(struct shim_config *cfg, const unsigned char *protos, unsigned int len)
{
    unsigned char *copy;

    if (protos == NULL || len == 0) {
        OPENSSL_free(cfg->alpn);
        cfg->alpn = NULL;
        cfg->alpn_len = 0;
        return 0;
    }
    if (!alpn_list_ok(protos, len))
        return 1;
    if ((copy = OPENSSL_memdup(protos, len)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 1;
    }
    OPENSSL_free(cfg->alpn);
    cfg->alpn = copy;
    cfg->alpn_len = len;
    return 0;
}

int SSL_CTX_set_alpn_protos(SSL_CTX *ctx, const unsigned char *protos, unsigned int protos_len)
{
    return set_alpn(&ctx->cfg, protos, protos_len);
}

int SSL_set_alpn_protos(SSL *s, const unsigned char *protos, unsigned int protos_len)
{
    return set_alpn(&s->cfg, protos, protos_len);
}

void SSL_CTX_set_alpn_select_cb(SSL_CTX *ctx, SSL_CTX_alpn_select_cb_func cb, void *arg)
{
    ctx->alpn_select_cb = cb;
    ctx->alpn_select_cb_arg = arg;
}

/* A client's choice among the protocols a server offers through NPN; set,
 * it also makes the ClientHello offer NPN. */
void SSL_CTX_set_next_proto_select_cb(SSL_CTX *ctx, SSL_CTX_npn_select_cb_func cb, void *arg)
{
    ctx->npn_select_cb = cb;
    ctx->npn_select_cb_arg = arg;
}

/* A server's NPN protocols (TLS 1.2 only), asked for when a ClientHello
 * offers NPN; the engine reads the client's NextProtocol message after it. */
void SSL_CTX_set_next_protos_advertised_cb(SSL_CTX *ctx, SSL_CTX_npn_advertised_cb_func cb,
                                           void *arg)
{
    ctx->npn_advertised_cb = cb;
    ctx->npn_advertised_cb_arg = arg;
}

/*
 * RFC 7301 / NPN selection: the first of the server's protocols that the
 * client lists too; failing that, the client's first, with
 * OPENSSL_NPN_NO_OVERLAP.  Empty names and trailing bytes are skipped.
 */
int SSL_select_next_proto(unsigned char **out, unsigned char *outlen, const unsigned char *server,
                          unsigned int server_len, const unsigned char *client,
                          unsigned int client_len)
{
    tls_reader c, cname, srv, sname;

    tls_r_init(&c, client, client_len);
    if (!tls_r_sub_u8(&c, &cname) || cname.len == 0) {
        *out = NULL;
        *outlen = 0;
        return OPENSSL_NPN_NO_OVERLAP;
    }
    *out = (unsigned char *)cname.p;
    *outlen = (unsigned char)cname.len;
    tls_r_init(&srv, server, server_len);
    while (tls_r_sub_u8(&srv, &sname)) {
        if (sname.len == 0)
            continue;
        tls_r_init(&c, client, client_len);
        while (tls_r_sub_u8(&c, &cname)) {
            if (cname.len == sname.len && memcmp(cname.p, sname.p, sname.len) == 0) {
                *out = (unsigned char *)sname.p;
                *outlen = (unsigned char)sname.len;
                return OPENSSL_NPN_NEGOTIATED;
            }
        }
    }
    return OPENSSL_NPN_NO_OVERLAP;
}

/* --------------------------------------------------- session-id context */

static int set_sid_ctx(struct shim_config *cfg, const unsigned char *sid_ctx, unsigned int len)
{
    if (len > SSL_MAX_SID_CTX_LENGTH) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
        return 0;
    }
    cfg->sid_ctx_length = len;
    if (len > 0)
        memcpy(cfg->sid_ctx, sid_ctx, len);
    return 1;
}

int SSL_CTX_set_session_id_context(SSL_CTX *ctx, const unsigned char *sid_ctx, unsigned int len)
{
    return set_sid_ctx(&ctx->cfg, sid_ctx, len);
}

int SSL_set_session_id_context(SSL *s, const unsigned char *sid_ctx, unsigned int len)
{
    return set_sid_ctx(&s->cfg, sid_ctx, len);
}

long SSL_get_default_timeout(const SSL *s)
{
    (void)s;
    return SHIM_DEFAULT_SESSION_TIMEOUT;
}

const COMP_METHOD *SSL_get_current_compression(const SSL *s)
{
    (void)s;
    return NULL; /* compression is never negotiated */
}

const COMP_METHOD *SSL_get_current_expansion(const SSL *s)
{
    (void)s;
    return NULL;
}

/* ---------------------------------------------- post-handshake authentication */

/* Offers post_handshake_auth in a TLS 1.3 ClientHello; the engine then
 * answers the server's CertificateRequests (shim/tls/client13.c). */
void SSL_CTX_set_post_handshake_auth(SSL_CTX *ctx, int val)
{
    ctx->cfg.pha_enabled = val;
}

void SSL_set_post_handshake_auth(SSL *s, int val)
{
    s->cfg.pha_enabled = val;
}

/* ------------------------------------------------ TLS 1.3 record padding */

static int set_block_padding(struct shim_config *cfg, size_t block_size)
{
    if (block_size > SSL3_RT_MAX_PLAIN_LENGTH)
        return 0;
    cfg->block_padding = block_size == 1 ? 0 : block_size; /* 1: no padding */
    return 1;
}

int SSL_CTX_set_block_padding(SSL_CTX *ctx, size_t block_size)
{
    return set_block_padding(&ctx->cfg, block_size);
}

int SSL_set_block_padding(SSL *s, size_t block_size)
{
    return set_block_padding(&s->cfg, block_size);
}

void SSL_CTX_set_record_padding_callback(SSL_CTX *ctx,
                                         size_t (*cb)(SSL *s, int type, size_t len, void *arg))
{
    ctx->cfg.record_padding_cb = cb;
}

void SSL_CTX_set_record_padding_callback_arg(SSL_CTX *ctx, void *arg)
{
    ctx->cfg.record_padding_arg = arg;
}

void *SSL_CTX_get_record_padding_callback_arg(const SSL_CTX *ctx)
{
    return ctx->cfg.record_padding_arg;
}

int SSL_set_record_padding_callback(SSL *s, size_t (*cb)(SSL *s, int type, size_t len, void *arg))
{
    s->cfg.record_padding_cb = cb;
    return 1;
}

void SSL_set_record_padding_callback_arg(SSL *s, void *arg)
{
    s->cfg.record_padding_arg = arg;
}

void *SSL_get_record_padding_callback_arg(const SSL *s)
{
    return s->cfg.record_padding_arg;
}
