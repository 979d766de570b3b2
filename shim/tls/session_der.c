/*
 * shimssl - SSL_SESSION in DER (i2d_SSL_SESSION / d2i_SSL_SESSION, and the
 * inside of our session tickets), in stock's encoding so that sessions move
 * between the two libraries.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The encoding (OpenSSL's SSL_SESSION_ASN1, version 1) is a SEQUENCE of
 *   version INTEGER, protocol version INTEGER, cipher OCTET STRING (2 bytes),
 *   session id, master key (OCTET STRINGs),
 * then optional context-tagged fields: [0] IMPLICIT key arg, [1] time,
 * [2] timeout, [3] peer certificate, [4] session id context, [5] verify
 * result, [6] host name, [7] PSK identity hint, [8] PSK identity, [9] ticket
 * lifetime hint, [10] ticket, [11] compression id, [12] SRP user name,
 * [13] flags, [14] ticket age add, [15] max early data, [16] ALPN,
 * [17] max fragment length mode, [18] ticket app data, [19] key-exchange
 * group.  Integers that are zero are left out, except the group.
 * libcrypto's ASN.1 templates do the encoding and the bounded parsing.
 */
#include "shim.h"

#include <openssl/asn1t.h>
#include <string.h>

#include "objects.h"
#include "tls/cipher_suites.h"
#include "tls/session.h"

#define SESSION_DER_VERSION 1

typedef struct {
    uint32_t version;
    int32_t protocol;
    ASN1_OCTET_STRING *cipher;
    ASN1_OCTET_STRING *id;
    ASN1_OCTET_STRING *master;
    ASN1_OCTET_STRING *key_arg;
    int64_t time;
    int64_t timeout;
    X509 *peer;
    ASN1_OCTET_STRING *id_ctx;
    int32_t verify_result;
    ASN1_OCTET_STRING *host;
    ASN1_OCTET_STRING *psk_hint;
    ASN1_OCTET_STRING *psk_identity;
    uint64_t lifetime_hint;
    ASN1_OCTET_STRING *ticket;
    ASN1_OCTET_STRING *comp_id;
    ASN1_OCTET_STRING *srp_user;
    uint64_t flags;
    uint32_t age_add;
    uint32_t max_early_data;
    ASN1_OCTET_STRING *alpn;
    uint32_t mfl_mode;
    ASN1_OCTET_STRING *appdata;
    uint32_t group;
} SHIM_SESSION_DER;

ASN1_SEQUENCE(SHIM_SESSION_DER) =
    {
        ASN1_EMBED(SHIM_SESSION_DER, version, UINT32),
        ASN1_EMBED(SHIM_SESSION_DER, protocol, INT32),
        ASN1_SIMPLE(SHIM_SESSION_DER, cipher, ASN1_OCTET_STRING),
        ASN1_SIMPLE(SHIM_SESSION_DER, id, ASN1_OCTET_STRING),
        ASN1_SIMPLE(SHIM_SESSION_DER, master, ASN1_OCTET_STRING),
        ASN1_IMP_OPT(SHIM_SESSION_DER, key_arg, ASN1_OCTET_STRING, 0),
        ASN1_EXP_OPT_EMBED(SHIM_SESSION_DER, time, ZINT64, 1),
        ASN1_EXP_OPT_EMBED(SHIM_SESSION_DER, timeout, ZINT64, 2),
        ASN1_EXP_OPT(SHIM_SESSION_DER, peer, X509, 3),
        ASN1_EXP_OPT(SHIM_SESSION_DER, id_ctx, ASN1_OCTET_STRING, 4),
        ASN1_EXP_OPT_EMBED(SHIM_SESSION_DER, verify_result, ZINT32, 5),
        ASN1_EXP_OPT(SHIM_SESSION_DER, host, ASN1_OCTET_STRING, 6),
        ASN1_EXP_OPT(SHIM_SESSION_DER, psk_hint, ASN1_OCTET_STRING, 7),
        ASN1_EXP_OPT(SHIM_SESSION_DER, psk_identity, ASN1_OCTET_STRING, 8),
        ASN1_EXP_OPT_EMBED(SHIM_SESSION_DER, lifetime_hint, ZUINT64, 9),
        ASN1_EXP_OPT(SHIM_SESSION_DER, ticket, ASN1_OCTET_STRING, 10),
        ASN1_EXP_OPT(SHIM_SESSION_DER, comp_id, ASN1_OCTET_STRING, 11),
        ASN1_EXP_OPT(SHIM_SESSION_DER, srp_user, ASN1_OCTET_STRING, 12),
        ASN1_EXP_OPT_EMBED(SHIM_SESSION_DER, flags, ZUINT64, 13),
        ASN1_EXP_OPT_EMBED(SHIM_SESSION_DER, age_add, ZUINT32, 14),
        ASN1_EXP_OPT_EMBED(SHIM_SESSION_DER, max_early_data, ZUINT32, 15),
        ASN1_EXP_OPT(SHIM_SESSION_DER, alpn, ASN1_OCTET_STRING, 16),
        ASN1_EXP_OPT_EMBED(SHIM_SESSION_DER, mfl_mode, ZUINT32, 17),
        ASN1_EXP_OPT(SHIM_SESSION_DER, appdata, ASN1_OCTET_STRING, 18),
        ASN1_EXP_OPT_EMBED(SHIM_SESSION_DER, group, UINT32, 19),
} static_ASN1_SEQUENCE_END(SHIM_SESSION_DER)

        IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(SHIM_SESSION_DER)

    /* An OCTET STRING over existing bytes (encoding only: nothing is copied). */
    static ASN1_OCTET_STRING
    * view(ASN1_OCTET_STRING * os, const void *data, size_t len)
{
    os->data = (unsigned char *)data;
    os->length = (int)len;
    os->type = V_ASN1_OCTET_STRING;
    os->flags = 0;
    return os;
}

static ASN1_OCTET_STRING *view_str(ASN1_OCTET_STRING *os, const char *s)
{
    return s != NULL ? view(os, s, strlen(s)) : NULL;
}

int tls_session_to_der(const SSL_SESSION *in, unsigned char **pp)
{
    SHIM_SESSION_DER d;
    ASN1_OCTET_STRING cipher, id, master, id_ctx, host, hint, identity, ticket, alpn, appdata;
    unsigned char cs[2];
    uint32_t cipher_id;

    if (in == NULL || (in->cipher == NULL && in->cipher_id == 0))
        return 0;
    memset(&d, 0, sizeof(d));
    cipher_id = in->cipher != NULL ? in->cipher->id : in->cipher_id;
    cs[0] = (unsigned char)(cipher_id >> 8);
    cs[1] = (unsigned char)cipher_id;
    d.version = SESSION_DER_VERSION;
    d.protocol = in->ssl_version;
    d.cipher = view(&cipher, cs, 2);
    d.id = view(&id, in->session_id, in->session_id_length);
    d.master = view(&master, in->master_key, in->master_key_length);
    d.time = (int64_t)in->time;
    d.timeout = (int64_t)in->timeout;
    d.peer = in->peer;
    d.id_ctx = view(&id_ctx, in->sid_ctx, in->sid_ctx_length);
    d.verify_result = (int32_t)in->verify_result;
    d.host = view_str(&host, in->hostname);
    d.psk_hint = view_str(&hint, in->psk_identity_hint);
    d.psk_identity = view_str(&identity, in->psk_identity);
    d.lifetime_hint = in->ticket_lifetime_hint;
    d.ticket = in->ticket != NULL ? view(&ticket, in->ticket, in->ticket_len) : NULL;
    d.flags = in->flags;
    d.age_add = in->ticket_age_add;
    d.max_early_data = in->max_early_data;
    d.alpn =
        in->alpn_selected != NULL ? view(&alpn, in->alpn_selected, in->alpn_selected_len) : NULL;
    d.mfl_mode = in->max_fragment_len_mode;
    d.appdata = in->ticket_appdata != NULL
                    ? view(&appdata, in->ticket_appdata, in->ticket_appdata_len)
                    : NULL;
    d.group = in->kex_group;
    return i2d_SHIM_SESSION_DER(&d, pp);
}

/* Copies an optional OCTET STRING of at most max bytes; 0 if longer. */
static int copy_bytes(unsigned char *dst, size_t *dst_len, const ASN1_OCTET_STRING *src, size_t max)
{
    if (src == NULL) {
        *dst_len = 0;
        return 1;
    }
    if ((size_t)src->length > max)
        return 0;
    *dst_len = (size_t)src->length;
    memcpy(dst, src->data, *dst_len);
    return 1;
}

/* An optional string field; 0 only when allocation fails. */
static int copy_str(char **dst, const ASN1_OCTET_STRING *src)
{
    OPENSSL_free(*dst);
    *dst = NULL;
    return src == NULL || (*dst = OPENSSL_strndup((const char *)src->data, src->length)) != NULL;
}

/* Takes an optional OCTET STRING's buffer over. */
static void take_bytes(unsigned char **dst, size_t *dst_len, ASN1_OCTET_STRING *src)
{
    OPENSSL_free(*dst);
    *dst = NULL;
    *dst_len = 0;
    if (src != NULL) {
        *dst = src->data;
        *dst_len = (size_t)src->length;
        src->data = NULL;
    }
}

static int fill(SSL_SESSION *ret, SHIM_SESSION_DER *d)
{
    int major = (d->protocol >> 8) & 0xff;

    if (d->version != SESSION_DER_VERSION) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNKNOWN_SSL_VERSION);
        return 0;
    }
    if (major != SSL3_VERSION_MAJOR && major != DTLS1_VERSION_MAJOR &&
        d->protocol != DTLS1_BAD_VER) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNSUPPORTED_SSL_VERSION);
        return 0;
    }
    ret->ssl_version = d->protocol;
    ret->kex_group = (uint16_t)d->group;
    if (d->cipher->length != 2) {
        ERR_raise(ERR_LIB_SSL, SSL_R_CIPHER_CODE_WRONG_LENGTH);
        return 0;
    }
    ret->cipher_id = 0x03000000U | ((uint32_t)d->cipher->data[0] << 8) | d->cipher->data[1];
    /* An unknown suite fails without an error of its own, as stock. */
    if ((ret->cipher = shim_cipher_by_id(ret->cipher_id)) == NULL)
        return 0;
    if (!copy_bytes(ret->session_id, &ret->session_id_length, d->id,
                    SSL3_MAX_SSL_SESSION_ID_LENGTH) ||
        !copy_bytes(ret->master_key, &ret->master_key_length, d->master, sizeof(ret->master_key)))
        return 0;
    ret->time = d->time != 0 ? (time_t)d->time : time(NULL);
    ret->timeout = d->timeout != 0 ? (long)d->timeout : 3;
    X509_free(ret->peer);
    ret->peer = d->peer;
    d->peer = NULL;
    if (!copy_bytes(ret->sid_ctx, &ret->sid_ctx_length, d->id_ctx, SSL_MAX_SID_CTX_LENGTH))
        return 0;
    ret->verify_result = d->verify_result;
    if (!copy_str(&ret->hostname, d->host) || !copy_str(&ret->psk_identity_hint, d->psk_hint) ||
        !copy_str(&ret->psk_identity, d->psk_identity))
        return 0;
    ret->ticket_lifetime_hint = (unsigned long)d->lifetime_hint;
    ret->ticket_age_add = d->age_add;
    take_bytes(&ret->ticket, &ret->ticket_len, d->ticket);
    if (d->comp_id != NULL && d->comp_id->length != 1) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return 0;
    }
    ret->flags = (uint32_t)d->flags;
    ret->max_early_data = d->max_early_data;
    take_bytes(&ret->alpn_selected, &ret->alpn_selected_len, d->alpn);
    ret->max_fragment_len_mode = (uint8_t)d->mfl_mode;
    take_bytes(&ret->ticket_appdata, &ret->ticket_appdata_len, d->appdata);
    return 1;
}

SSL_SESSION *tls_session_from_der(SSL_SESSION **a, const unsigned char **pp, long length)
{
    const unsigned char *p = *pp;
    SHIM_SESSION_DER *d = d2i_SHIM_SESSION_DER(NULL, &p, length);
    SSL_SESSION *ret = NULL;
    int ok;

    if (d == NULL)
        return NULL; /* the ASN.1 decoder said why */
    ret = (a != NULL && *a != NULL) ? *a : tls_session_create();
    ok = ret != NULL && fill(ret, d);
    ASN1_item_free((ASN1_VALUE *)d, ASN1_ITEM_rptr(SHIM_SESSION_DER));
    if (!ok) {
        if (a == NULL || *a != ret)
            tls_session_free(ret);
        return NULL;
    }
    if (a != NULL && *a == NULL)
        *a = ret;
    *pp = p;
    return ret;
}
