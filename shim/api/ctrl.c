/*
 * shimssl - SSL_ctrl, SSL_CTX_ctrl and the callback ctrls: one table from
 * each SSL_CTRL_* number of OpenSSL 3.0 to the handler that does what stock
 * does (see ctrl.h for where handlers live).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each entry says which objects the command applies to, as stock's SSL_ctrl
 * / ssl3_ctrl and SSL_CTX_ctrl / ssl3_ctx_ctrl split them: a command sent to
 * an object stock does not handle it on returns 0, like unknown numbers.
 * Commands stock knows but this library cannot honour yet (SRP, setting
 * OCSP request details) refuse with ERR_R_UNSUPPORTED; their getters answer
 * as stock does with nothing set.
 */
#include "shim.h"

#include <string.h>

#include "api/ctrl.h"

#define ON_SSL  1
#define ON_CTX  2
#define ON_BOTH (ON_SSL | ON_CTX)

struct ctrl_entry {
    shim_ctrl_fn fn;
    int on;
};

/* The settings block of whichever object the command was sent to. */
static struct shim_config *cfg_of(SSL_CTX *ctx, SSL *s)
{
    return s != NULL ? &s->cfg : &ctx->cfg;
}

static long refuse(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    (void)ctx, (void)s, (void)cmd, (void)larg, (void)parg;
    ERR_raise(ERR_LIB_SSL, ERR_R_UNSUPPORTED);
    return 0;
}

/* A callback given to the plain ctrl: it belongs to the callback ctrl. */
static long callback_only(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    (void)ctx, (void)s, (void)cmd, (void)larg, (void)parg;
    ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
    return 0;
}

/* ------------------------------------------------------- simple settings */

static long read_ahead(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_config *c = cfg_of(ctx, s);
    long old = c->read_ahead;

    (void)parg;
    if (cmd == SSL_CTRL_SET_READ_AHEAD)
        c->read_ahead = (int)larg;
    return old;
}

static long msg_callback_arg(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    (void)cmd, (void)larg;
    cfg_of(ctx, s)->msg_callback_arg = parg;
    return 1;
}

static long mode(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_config *c = cfg_of(ctx, s);

    (void)parg;
    if (cmd == SSL_CTRL_MODE)
        c->mode |= (uint32_t)larg;
    else
        c->mode &= ~(uint32_t)larg;
    return (long)c->mode;
}

static long max_cert_list(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_config *c = cfg_of(ctx, s);
    long old = (long)c->max_cert_list;

    (void)parg;
    if (cmd == SSL_CTRL_GET_MAX_CERT_LIST)
        return old;
    if (larg < 0)
        return 0;
    c->max_cert_list = (size_t)larg;
    return old;
}

static long send_fragment(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_config *c = cfg_of(ctx, s);

    (void)parg;
    if (cmd == SSL_CTRL_SET_MAX_SEND_FRAGMENT) {
        if (larg < 512 || larg > SSL3_RT_MAX_PLAIN_LENGTH)
            return 0;
        c->max_send_fragment = (size_t)larg;
        if (c->max_send_fragment < c->split_send_fragment)
            c->split_send_fragment = c->max_send_fragment;
        return 1;
    }
    if (larg == 0 || (size_t)larg > c->max_send_fragment)
        return 0;
    c->split_send_fragment = (size_t)larg;
    return 1;
}

static long max_pipelines(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_config *c = cfg_of(ctx, s);

    (void)cmd, (void)parg;
    if (larg < 1 || larg > SSL_MAX_PIPELINES)
        return 0;
    c->max_pipelines = (size_t)larg;
    if (s != NULL && larg > 1)
        c->read_ahead = 1; /* stock does this on a connection only */
    return 1;
}

static long retry_verify(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    (void)ctx, (void)cmd, (void)larg, (void)parg;
    s->rwstate = SSL_RETRY_VERIFY;
    return 1;
}

static long cert_flags(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_cert *c = cfg_of(ctx, s)->cert;

    (void)parg;
    if (cmd == SSL_CTRL_CERT_FLAGS)
        c->cert_flags |= (uint32_t)larg;
    else
        c->cert_flags &= ~(uint32_t)larg;
    return (long)c->cert_flags;
}

static long raw_cipherlist(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    (void)ctx, (void)s, (void)cmd, (void)larg;
    /* Only a server has the peer's raw list; without parg it is the size
     * of one entry. */
    return parg != NULL ? 0 : 2;
}

/* ------------------------------------------------------ protocol versions */

/* Stock's ssl_check_allowed_versions, for a build without SSL 3.0. */
static int versions_allowed(int min, int max)
{
    int min_dtls = min == DTLS1_BAD_VER || min >> 8 == DTLS1_VERSION_MAJOR;
    int max_dtls = max == DTLS1_BAD_VER || max >> 8 == DTLS1_VERSION_MAJOR;

    if ((min_dtls && !max_dtls && max != 0) || (max_dtls && !min_dtls && min != 0))
        return 0; /* TLS and DTLS mixed */
    if (min_dtls || max_dtls)
        return 1;
    if (min == 0 || min == SSL3_VERSION)
        min = TLS1_VERSION; /* SSL 3.0 is not built */
    if (max == 0)
        max = TLS1_3_VERSION;
    return !(min <= SSL3_VERSION && SSL3_VERSION <= max);
}

/* Stock's ssl_set_version_bound: out-of-range versions fail; a TLS
 * version on a version-flexible TLS method sets the bound; anything else is
 * accepted and ignored. */
static int set_bound(const SSL_METHOD *method, int version, int *bound)
{
    int valid_tls = version >= SSL3_VERSION && version <= TLS1_3_VERSION;
    int valid_dtls =
        version == DTLS1_BAD_VER || (version >> 8 == DTLS1_VERSION_MAJOR &&
                                     version >= DTLS1_2_VERSION && version <= DTLS1_VERSION);

    if (version == 0) {
        *bound = 0;
        return 1;
    }
    if (!valid_tls && !valid_dtls)
        return 0;
    if (method->version == TLS_ANY_VERSION && valid_tls)
        *bound = version;
    return 1;
}

static long proto_version(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_config *c = cfg_of(ctx, s);
    const SSL_METHOD *method = s != NULL ? s->ctx->method : ctx->method;

    (void)parg;
    switch (cmd) {
    case SSL_CTRL_SET_MIN_PROTO_VERSION:
        return versions_allowed((int)larg, c->max_proto_version) &&
               set_bound(method, (int)larg, &c->min_proto_version);
    case SSL_CTRL_SET_MAX_PROTO_VERSION:
        return versions_allowed(c->min_proto_version, (int)larg) &&
               set_bound(method, (int)larg, &c->max_proto_version);
    case SSL_CTRL_GET_MIN_PROTO_VERSION:
        return c->min_proto_version;
    case SSL_CTRL_GET_MAX_PROTO_VERSION:
        return c->max_proto_version;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------ extensions */

static long host_name(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    size_t len;

    (void)ctx, (void)cmd;
    if (larg != TLSEXT_NAMETYPE_host_name) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL3_EXT_INVALID_SERVERNAME_TYPE);
        return 0;
    }
    OPENSSL_free(s->hostname);
    s->hostname = NULL;
    if (parg == NULL)
        return 1;
    len = strlen(parg);
    if (len == 0 || len > TLSEXT_MAXLEN_host_name) {
        ERR_raise(ERR_LIB_SSL, SSL_R_SSL3_EXT_INVALID_SERVERNAME);
        return 0;
    }
    if ((s->hostname = OPENSSL_strdup(parg)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR);
        return 0;
    }
    return 1;
}

static long status_type(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_config *c = cfg_of(ctx, s);

    (void)parg;
    if (cmd == SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE)
        return c->status_type;
    c->status_type = (int)larg;
    return 1;
}

static long servername_arg(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    (void)s, (void)cmd, (void)larg;
    ctx->servername_arg = parg;
    return 1;
}

static long status_cb_arg(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    (void)s, (void)larg;
    switch (cmd) {
    case SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG:
        ctx->status_arg = parg;
        return 1;
    case SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB_ARG:
        *(void **)parg = ctx->status_arg;
        return 1;
    default: /* SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB */
        *(int (**)(SSL *, void *))parg = ctx->status_cb;
        return 1;
    }
}

/* The 80-byte ticket key block: name, HMAC key, AES key. */
/* SSL_set_tlsext_debug_arg. */
static long debug_arg(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    (void)ctx, (void)cmd, (void)larg;
    s->tlsext_debug_arg = parg;
    return 1;
}

static long ticket_keys(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    unsigned char *keys = parg;
    const size_t n1 = sizeof(ctx->tick_key_name), n2 = sizeof(ctx->tick_hmac_key);
    const long total = (long)(n1 + n2 + sizeof(ctx->tick_aes_key));

    (void)s;
    if (keys == NULL)
        return total;
    if (larg != total) {
        ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_TICKET_KEYS_LENGTH);
        return 0;
    }
    if (cmd == SSL_CTRL_SET_TLSEXT_TICKET_KEYS) {
        memcpy(ctx->tick_key_name, keys, n1);
        memcpy(ctx->tick_hmac_key, keys + n1, n2);
        memcpy(ctx->tick_aes_key, keys + n1 + n2, sizeof(ctx->tick_aes_key));
    } else {
        memcpy(keys, ctx->tick_key_name, n1);
        memcpy(keys + n1, ctx->tick_hmac_key, n2);
        memcpy(keys + n1 + n2, ctx->tick_aes_key, sizeof(ctx->tick_aes_key));
    }
    return 1;
}

static long client_cert_types(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_cert *c = cfg_of(ctx, s)->cert;
    uint8_t *copy = NULL;

    (void)cmd;
    if (parg == NULL && larg == 0) {
        OPENSSL_free(c->ctype);
        c->ctype = NULL;
        c->ctype_len = 0;
        return 1;
    }
    if (parg == NULL || larg < 0 || larg > 0xff ||
        (copy = OPENSSL_memdup(parg, larg > 0 ? (size_t)larg : 1)) == NULL)
        return 0;
    OPENSSL_free(c->ctype);
    c->ctype = copy;
    c->ctype_len = (size_t)larg;
    return 1;
}

/* The OCSP request's extensions and responder ids: none can be set (the
 * setters refuse), so the getters give stock's answer for none set. */
static long status_req_none(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    (void)ctx, (void)s, (void)cmd, (void)larg;
    *(void **)parg = NULL;
    return 1;
}

/* ----------------------------------------------------------------- table */

static const struct ctrl_entry ctrl_table[] = {
    [SSL_CTRL_SET_TMP_DH] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_SET_TMP_DH_CB] = {callback_only, ON_BOTH},
    [SSL_CTRL_SET_TMP_ECDH] = {shim_groups_ctrl, ON_BOTH},
    [SSL_CTRL_GET_CLIENT_CERT_REQUEST] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_GET_NUM_RENEGOTIATIONS] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_CLEAR_NUM_RENEGOTIATIONS] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_GET_TOTAL_RENEGOTIATIONS] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_GET_FLAGS] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_EXTRA_CHAIN_CERT] = {shim_cert_ctrl, ON_CTX},
    [SSL_CTRL_SET_MSG_CALLBACK_ARG] = {msg_callback_arg, ON_BOTH},
    [SSL_CTRL_SET_TLSEXT_DEBUG_ARG] = {debug_arg, ON_SSL},
    [SSL_CTRL_SESS_NUMBER] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_CONNECT] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_CONNECT_GOOD] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_CONNECT_RENEGOTIATE] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_ACCEPT] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_ACCEPT_GOOD] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_ACCEPT_RENEGOTIATE] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_HIT] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_CB_HIT] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_MISSES] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_TIMEOUTS] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SESS_CACHE_FULL] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_MODE] = {mode, ON_BOTH},
    [SSL_CTRL_GET_READ_AHEAD] = {read_ahead, ON_BOTH},
    [SSL_CTRL_SET_READ_AHEAD] = {read_ahead, ON_BOTH},
    [SSL_CTRL_SET_SESS_CACHE_SIZE] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_GET_SESS_CACHE_SIZE] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_SET_SESS_CACHE_MODE] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_GET_SESS_CACHE_MODE] = {shim_session_ctrl, ON_CTX},
    [SSL_CTRL_GET_MAX_CERT_LIST] = {max_cert_list, ON_BOTH},
    [SSL_CTRL_SET_MAX_CERT_LIST] = {max_cert_list, ON_BOTH},
    [SSL_CTRL_SET_MAX_SEND_FRAGMENT] = {send_fragment, ON_BOTH},
    [SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG] = {servername_arg, ON_CTX},
    [SSL_CTRL_SET_TLSEXT_HOSTNAME] = {host_name, ON_SSL},
    [SSL_CTRL_GET_TLSEXT_TICKET_KEYS] = {ticket_keys, ON_CTX},
    [SSL_CTRL_SET_TLSEXT_TICKET_KEYS] = {ticket_keys, ON_CTX},
    [SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG] = {status_cb_arg, ON_CTX},
    [SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB_ARG] = {status_cb_arg, ON_CTX},
    [SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB] = {status_cb_arg, ON_CTX},
    [SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE] = {status_type, ON_BOTH},
    [SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE] = {status_type, ON_BOTH},
    [SSL_CTRL_GET_TLSEXT_STATUS_REQ_EXTS] = {status_req_none, ON_SSL},
    [SSL_CTRL_SET_TLSEXT_STATUS_REQ_EXTS] = {refuse, ON_SSL},
    [SSL_CTRL_GET_TLSEXT_STATUS_REQ_IDS] = {status_req_none, ON_SSL},
    [SSL_CTRL_SET_TLSEXT_STATUS_REQ_IDS] = {refuse, ON_SSL},
    [SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_SET_TLS_EXT_SRP_USERNAME] = {refuse, ON_CTX},
    [SSL_CTRL_SET_TLS_EXT_SRP_STRENGTH] = {refuse, ON_CTX},
    /* SSL_CTRL_SET_SRP_ARG is 78, SSL_CTRL_CLEAR_MODE's number: stock's
     * generic switch sees CLEAR_MODE first, so the SRP meaning never runs. */
    [SSL_CTRL_SET_TLS_EXT_SRP_PASSWORD] = {refuse, ON_CTX},
    [SSL_CTRL_GET_RI_SUPPORT] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_CLEAR_MODE] = {mode, ON_BOTH},
    [SSL_CTRL_GET_EXTRA_CHAIN_CERTS] = {shim_cert_ctrl, ON_CTX},
    [SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS] = {shim_cert_ctrl, ON_CTX},
    [SSL_CTRL_CHAIN] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_CHAIN_CERT] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_GET_GROUPS] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_SET_GROUPS] = {shim_groups_ctrl, ON_BOTH},
    [SSL_CTRL_SET_GROUPS_LIST] = {shim_groups_ctrl, ON_BOTH},
    [SSL_CTRL_GET_SHARED_GROUP] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_SET_SIGALGS] = {shim_groups_ctrl, ON_BOTH},
    [SSL_CTRL_SET_SIGALGS_LIST] = {shim_groups_ctrl, ON_BOTH},
    [SSL_CTRL_CERT_FLAGS] = {cert_flags, ON_BOTH},
    [SSL_CTRL_CLEAR_CERT_FLAGS] = {cert_flags, ON_BOTH},
    [SSL_CTRL_SET_CLIENT_SIGALGS] = {shim_groups_ctrl, ON_BOTH},
    [SSL_CTRL_SET_CLIENT_SIGALGS_LIST] = {shim_groups_ctrl, ON_BOTH},
    [SSL_CTRL_GET_CLIENT_CERT_TYPES] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_SET_CLIENT_CERT_TYPES] = {client_cert_types, ON_BOTH},
    [SSL_CTRL_BUILD_CERT_CHAIN] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_SET_VERIFY_CERT_STORE] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_SET_CHAIN_CERT_STORE] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_GET_PEER_SIGNATURE_NID] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_GET_PEER_TMP_KEY] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_GET_RAW_CIPHERLIST] = {raw_cipherlist, ON_SSL},
    [SSL_CTRL_GET_EC_POINT_FORMATS] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_GET_CHAIN_CERTS] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_SELECT_CURRENT_CERT] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_SET_CURRENT_CERT] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_SET_DH_AUTO] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_GET_EXTMS_SUPPORT] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_SET_MIN_PROTO_VERSION] = {proto_version, ON_BOTH},
    [SSL_CTRL_SET_MAX_PROTO_VERSION] = {proto_version, ON_BOTH},
    [SSL_CTRL_SET_SPLIT_SEND_FRAGMENT] = {send_fragment, ON_BOTH},
    [SSL_CTRL_SET_MAX_PIPELINES] = {max_pipelines, ON_BOTH},
    [SSL_CTRL_GET_MIN_PROTO_VERSION] = {proto_version, ON_BOTH},
    [SSL_CTRL_GET_MAX_PROTO_VERSION] = {proto_version, ON_BOTH},
    [SSL_CTRL_GET_SIGNATURE_NID] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_GET_TMP_KEY] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_GET_NEGOTIATED_GROUP] = {shim_conn_ctrl, ON_SSL},
    [SSL_CTRL_SET_RETRY_VERIFY] = {retry_verify, ON_SSL},
    [SSL_CTRL_GET_VERIFY_CERT_STORE] = {shim_cert_ctrl, ON_BOTH},
    [SSL_CTRL_GET_CHAIN_CERT_STORE] = {shim_cert_ctrl, ON_BOTH},
};

static long dispatch(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    const struct ctrl_entry *e;

    if (cmd < 0 || (size_t)cmd >= sizeof(ctrl_table) / sizeof(ctrl_table[0]))
        return 0;
    e = &ctrl_table[cmd];
    if (e->fn == NULL || !(e->on & (s != NULL ? ON_SSL : ON_CTX)))
        return 0;
    return e->fn(ctx, s, cmd, larg, parg);
}

long SSL_ctrl(SSL *s, int cmd, long larg, void *parg)
{
    return dispatch(NULL, s, cmd, larg, parg);
}

long SSL_CTX_ctrl(SSL_CTX *ctx, int cmd, long larg, void *parg)
{
    /* Without a context stock only checks the syntax of a list. */
    if (ctx == NULL) {
        switch (cmd) {
        case SSL_CTRL_SET_GROUPS_LIST:
        case SSL_CTRL_SET_SIGALGS_LIST:
        case SSL_CTRL_SET_CLIENT_SIGALGS_LIST:
            return shim_groups_ctrl(NULL, NULL, cmd, larg, parg);
        default:
            return 0;
        }
    }
    return dispatch(ctx, NULL, cmd, larg, parg);
}

/* ------------------------------------------------------- callback ctrls */

typedef void (*any_fn)(void);

static long set_callback(SSL_CTX *ctx, SSL *s, int cmd, any_fn fp)
{
    struct shim_config *c = cfg_of(ctx, s);

    switch (cmd) {
    case SSL_CTRL_SET_MSG_CALLBACK:
        c->msg_callback = (shim_msg_cb)fp;
        return 1;
    case SSL_CTRL_SET_TMP_DH_CB:
        c->cert->dh_tmp_cb = (DH * (*)(SSL *, int, int)) fp;
        return 1;
    case SSL_CTRL_SET_NOT_RESUMABLE_SESS_CB:
        c->not_resumable_session_cb = (int (*)(SSL *, int))fp;
        return 1;
    case SSL_CTRL_SET_TLSEXT_DEBUG_CB:
        if (s == NULL)
            return 0; /* a connection's only, as stock */
        s->tlsext_debug_cb = (void (*)(SSL *, int, int, const unsigned char *, int, void *))fp;
        return 1;
    case SSL_CTRL_SET_SRP_VERIFY_PARAM_CB:
    case SSL_CTRL_SET_TLS_EXT_SRP_USERNAME_CB:
    case SSL_CTRL_SET_SRP_GIVE_CLIENT_PWD_CB:
        ERR_raise(ERR_LIB_SSL, ERR_R_UNSUPPORTED);
        return 0;
    default:
        break;
    }
    if (s != NULL)
        return 0; /* the rest exist on contexts only */
    switch (cmd) {
    case SSL_CTRL_SET_TLSEXT_SERVERNAME_CB:
        ctx->servername_cb = (int (*)(SSL *, int *, void *))fp;
        return 1;
    case SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB:
        ctx->status_cb = (int (*)(SSL *, void *))fp;
        return 1;
    case SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB:
        ctx->ticket_key_cb =
            (int (*)(SSL *, unsigned char *, unsigned char *, EVP_CIPHER_CTX *, HMAC_CTX *, int))fp;
        return 1;
    default:
        return 0;
    }
}

long SSL_callback_ctrl(SSL *s, int cmd, void (*fp)(void))
{
    return set_callback(NULL, s, cmd, fp);
}

long SSL_CTX_callback_ctrl(SSL_CTX *ctx, int cmd, void (*fp)(void))
{
    return set_callback(ctx, NULL, cmd, fp);
}
