/*
 * shimssl - custom extensions on the extension table (see ext_custom.h).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "tls/ext_custom.h"
#include "tls/handshake.h"

struct shim_custom_ext *tls_custom_find(const struct shim_cert *cert, int role, unsigned int type)
{
    if (cert == NULL)
        return NULL;
    for (size_t i = 0; i < cert->custom_count; i++) {
        struct shim_custom_ext *m = &cert->custom[i];
        if (m->type == type &&
            (role == SHIM_EXT_BOTH || m->role == SHIM_EXT_BOTH || m->role == role))
            return m;
    }
    return NULL;
}

int tls_custom_collect_role(unsigned int context)
{
    if ((context & SSL_EXT_CLIENT_HELLO) != 0)
        return SHIM_EXT_SERVER;
    if ((context & SSL_EXT_TLS1_2_SERVER_HELLO) != 0)
        return SHIM_EXT_CLIENT;
    return SHIM_EXT_BOTH;
}

void tls_custom_reset(SSL *s)
{
    struct shim_cert *cert = s->cfg.cert;

    for (size_t i = 0; cert != NULL && i < cert->custom_count; i++)
        cert->custom[i].flags = 0;
}

/* An application's alert goes out only if it is one stock can send
 * (tls1_alert_code / tls13_alert_code know it); otherwise none. */
static int sendable_alert(int al)
{
    switch (al) {
    case SSL_AD_CLOSE_NOTIFY:
    case SSL_AD_UNEXPECTED_MESSAGE:
    case SSL_AD_BAD_RECORD_MAC:
    case SSL_AD_DECRYPTION_FAILED:
    case SSL_AD_RECORD_OVERFLOW:
    case SSL_AD_DECOMPRESSION_FAILURE:
    case SSL_AD_HANDSHAKE_FAILURE:
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
    case SSL_AD_CERTIFICATE_REVOKED:
    case SSL_AD_CERTIFICATE_EXPIRED:
    case SSL_AD_CERTIFICATE_UNKNOWN:
    case SSL_AD_ILLEGAL_PARAMETER:
    case SSL_AD_UNKNOWN_CA:
    case SSL_AD_ACCESS_DENIED:
    case SSL_AD_DECODE_ERROR:
    case SSL_AD_DECRYPT_ERROR:
    case SSL_AD_EXPORT_RESTRICTION:
    case SSL_AD_PROTOCOL_VERSION:
    case SSL_AD_INSUFFICIENT_SECURITY:
    case SSL_AD_INTERNAL_ERROR:
    case SSL_AD_USER_CANCELLED:
    case SSL_AD_NO_RENEGOTIATION:
    case SSL_AD_UNSUPPORTED_EXTENSION:
    case SSL_AD_CERTIFICATE_UNOBTAINABLE:
    case SSL_AD_UNRECOGNIZED_NAME:
    case SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE:
    case SSL_AD_BAD_CERTIFICATE_HASH_VALUE:
    case SSL_AD_UNKNOWN_PSK_IDENTITY:
    case SSL_AD_INAPPROPRIATE_FALLBACK:
    case SSL_AD_NO_APPLICATION_PROTOCOL:
    case SSL_AD_CERTIFICATE_REQUIRED:
    case SSL_AD_MISSING_EXTENSION:
        return al;
    default:
        return TLS_NO_ALERT;
    }
}

/* ------------------------------------------------------------- writing */

/* The legacy forms have no context, certificate or chain index; a missing
 * legacy add callback means an empty extension (stock's wrapper). */
static int call_add(SSL *s, const struct shim_custom_ext *m, unsigned int context,
                    const unsigned char **out, size_t *outlen, X509 *x, size_t chain_idx, int *al)
{
    if (!m->legacy)
        return m->add_cb(s, m->type, context, out, outlen, x, chain_idx, al, m->add_arg);
    return m->old.add == NULL ? 1 : m->old.add(s, m->type, out, outlen, al, m->add_arg);
}

static void call_free(SSL *s, const struct shim_custom_ext *m, unsigned int context,
                      const unsigned char *out)
{
    if (!m->legacy && m->free_cb != NULL)
        m->free_cb(s, m->type, context, out, m->add_arg);
    else if (m->legacy && m->old.free != NULL)
        m->old.free(s, m->type, out, m->add_arg);
}

/* Messages that may only answer what the peer's request carried. */
#define ANSWERS_ONLY                                                                               \
    (SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO |                                   \
     SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS | SSL_EXT_TLS1_3_CERTIFICATE |                            \
     SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST)

/* Whether m belongs in this message (stock's should_add_extension). */
static int should_add(const struct tls_ext_ctx *x, const struct shim_custom_ext *m)
{
    if ((m->context & x->context) == 0)
        return 0;
    /* A ClientHello is written before any version is chosen, also the one
     * after a HelloRetryRequest (stock's method is still TLS_ANY then): only
     * resumption leaves anything out. */
    if ((x->context & SSL_EXT_CLIENT_HELLO) != 0) {
        if (x->s->hit && (m->context & SSL_EXT_IGNORE_ON_RESUMPTION) != 0)
            return 0;
    } else if (!tls_ext_relevant(x->s, x->c, m->context, x->context)) {
        return 0;
    }
    /* A TLS 1.3-only extension is not offered by a client that cannot speak it. */
    if ((m->context & SSL_EXT_TLS1_3_ONLY) != 0 && (x->context & SSL_EXT_CLIENT_HELLO) != 0 &&
        x->max_version < TLS1_3_VERSION)
        return 0;
    if ((x->context & ANSWERS_ONLY) != 0 && (m->flags & SHIM_CUSTOM_RECEIVED) == 0)
        return 0;
    /* Without an add callback only a ClientHello carries it (empty). */
    return (x->context & SSL_EXT_CLIENT_HELLO) != 0 || m->legacy || m->add_cb != NULL;
}

static int write_one(struct tls_ext_ctx *x, struct shim_custom_ext *m)
{
    const unsigned char *out = NULL;
    size_t outlen = 0;
    int al = SSL_AD_INTERNAL_ERROR, r = 1, ok;

    if (m->legacy || m->add_cb != NULL) {
        r = call_add(x->s, m, x->context, &out, &outlen, x->cert, x->chain_idx, &al);
        if (r < 0)
            return tls_fatal(x->s, sendable_alert(al), SSL_R_CALLBACK_FAILED);
        if (r == 0)
            return 1;
    }
    ok = outlen <= 0xffff && tls_b_u16(x->b, m->type) && tls_b_open(x->b, 2) &&
         (outlen == 0 || tls_b_bytes(x->b, out, outlen)) && tls_b_close(x->b);
    /* A ClientHello says what a ServerHello may answer. */
    if (ok && (x->context & SSL_EXT_CLIENT_HELLO) != 0)
        m->flags |= SHIM_CUSTOM_SENT;
    call_free(x->s, m, x->context, out);
    return ok ? 1 : tls_fatal(x->s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

int tls_custom_write(struct tls_ext_ctx *x)
{
    struct shim_cert *cert = x->s->cfg.cert;

    for (size_t i = 0; cert != NULL && i < cert->custom_count; i++) {
        struct shim_custom_ext *m = &cert->custom[i];
        if (should_add(x, m) && !write_one(x, m))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------- parsing */

static int call_parse(SSL *s, const struct shim_custom_ext *m, unsigned int context,
                      const tls_reader *data, X509 *x, size_t chain_idx, int *al)
{
    if (!m->legacy)
        return m->parse_cb(s, m->type, context, data->p, data->len, x, chain_idx, al, m->parse_arg);
    return m->old.parse(s, m->type, data->p, data->len, al, m->parse_arg);
}

/* Messages that may carry only what our ClientHello sent. */
#define SOLICITED_ONLY                                                                             \
    (SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO |                                   \
     SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS)

int tls_custom_parse(struct tls_ext_ctx *x, uint16_t type, const tls_reader *data)
{
    int role = SHIM_EXT_BOTH, al = SSL_AD_INTERNAL_ERROR;
    struct shim_custom_ext *m;

    if ((x->context & (SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO)) != 0)
        role = x->s->server ? SHIM_EXT_SERVER : SHIM_EXT_CLIENT;
    if ((m = tls_custom_find(x->s->cfg.cert, role, type)) == NULL ||
        !tls_ext_relevant(x->s, x->c, m->context, x->context))
        return 1;
    if ((x->context & SOLICITED_ONLY) != 0 && (m->flags & SHIM_CUSTOM_SENT) == 0)
        return tls_fatal(x->s, SSL_AD_UNSUPPORTED_EXTENSION, SSL_R_BAD_EXTENSION);
    /* A request: the answer may carry it. */
    if ((x->context & (SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_CERTIFICATE_REQUEST)) != 0)
        m->flags |= SHIM_CUSTOM_RECEIVED;
    if (m->legacy ? m->old.parse == NULL : m->parse_cb == NULL)
        return 1;
    if (call_parse(x->s, m, x->context, data, x->cert, x->chain_idx, &al) <= 0)
        return tls_fatal(x->s, sendable_alert(al), SSL_R_BAD_EXTENSION);
    return 1;
}

/* The body of the first extension of this type in a block already checked
 * by tls_ext_collect. */
static int find_in_block(const tls_reader *list, uint16_t type, tls_reader *body)
{
    tls_reader r = *list;

    while (!tls_r_done(&r)) {
        uint16_t t;
        if (!tls_r_u16(&r, &t) || !tls_r_sub_u16(&r, body))
            return 0;
        if (t == type)
            return 1;
    }
    return 0;
}

int tls_custom_parse_all(struct tls_ext_ctx *x, const struct tls_ext_set *set)
{
    struct shim_cert *cert = x->s->cfg.cert;
    int role = tls_custom_collect_role(x->context);

    for (size_t i = 0; cert != NULL && i < cert->custom_count; i++) {
        const struct shim_custom_ext *m = &cert->custom[i];
        uint16_t type = m->type;
        tls_reader body;

        /* Built-in types are the table's (it hands over those it does not
         * parse itself); a type registered twice, for each role, is parsed
         * once, by the entry the block was collected with. */
        if (tls_ext_known(type) || tls_custom_find(cert, role, type) != m ||
            !find_in_block(&set->list, type, &body))
            continue;
        if (!tls_custom_parse(x, type, &body))
            return 0;
        /* A callback may have changed the connection's table (SSL_set_SSL_CTX). */
        cert = x->s->cfg.cert;
    }
    return 1;
}

/* ---------------------------------------------------------- serverinfo */

int tls_custom_serverinfo(const SSL *s, const uint8_t **data, size_t *len)
{
    const struct shim_cert_pkey *key;

    *data = NULL;
    *len = 0;
    if (s->conn == NULL || s->conn->hs == NULL || (key = s->conn->hs->key) == NULL ||
        key->serverinfo == NULL)
        return 0;
    *data = key->serverinfo;
    *len = key->serverinfo_length;
    return 1;
}
