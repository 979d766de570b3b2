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
 * libcrypto's ASN.1 template does the bounded parsing; the encoding is
 * written here (below).
 */
#include "shim.h"

#include <openssl/asn1t.h>
#include <limits.h>
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

/* libcrypto's template of the encoding, which the decoder reads by (at
 * the end of this file: clang-format cannot lay out what follows it). */
static const ASN1_ITEM *SHIM_SESSION_DER_it(void);

/*
 * The encoder, by hand: the template encoder walks the ASN.1 item twice
 * (length, then bytes) through generic callbacks, ~25 K instructions per
 * session, and a server encodes a session into every ticket it issues.  This
 * writes the same DER (checked byte for byte against stock's i2d in the unit
 * suite) in one cheap counting pass and one writing pass.
 */
struct der {
    uint8_t *p; /* NULL: count only */
    size_t n;
};

static void put(struct der *d, const void *b, size_t len)
{
    if (d->p != NULL && len > 0)
        memcpy(d->p + d->n, b, len);
    d->n += len;
}

static void put_byte(struct der *d, uint8_t b)
{
    put(d, &b, 1);
}

static size_t len_size(size_t n)
{
    size_t k = 1;

    if (n >= 0x80) /* long form: a byte of its own, then n's bytes */
        for (; n > 0; n >>= 8)
            k++;
    return k;
}

static void put_tl(struct der *d, uint8_t tag, size_t len)
{
    size_t k = len_size(len) - 1;

    put_byte(d, tag);
    if (k == 0) {
        put_byte(d, (uint8_t)len);
        return;
    }
    put_byte(d, (uint8_t)(0x80 | k));
    while (k-- > 0)
        put_byte(d, (uint8_t)(len >> (8 * k)));
}

#define TAG_INTEGER  0x02
#define TAG_OCTETS   0x04
#define TAG_SEQUENCE 0x30
#define TAG_EXPLICIT 0xa0 /* | n: [n] EXPLICIT, constructed */

/* An INTEGER's contents: v (two's complement when negative) in the fewest
 * bytes that keep its sign. */
static size_t int_content(uint8_t out[9], uint64_t v, int negative)
{
    uint8_t b[9];
    size_t skip = 0;

    b[0] = negative ? 0xff : 0x00;
    for (int i = 0; i < 8; i++)
        b[1 + i] = (uint8_t)(v >> (56 - 8 * i));
    while (skip < 8 && ((b[skip] == 0x00 && !(b[skip + 1] & 0x80)) ||
                        (b[skip] == 0xff && (b[skip + 1] & 0x80))))
        skip++;
    memcpy(out, b + skip, 9 - skip);
    return 9 - skip;
}

static void put_int(struct der *d, uint64_t v, int negative)
{
    uint8_t c[9];
    size_t len = int_content(c, v, negative);

    put_tl(d, TAG_INTEGER, len);
    put(d, c, len);
}

static void put_signed(struct der *d, int64_t v)
{
    put_int(d, (uint64_t)v, v < 0);
}

/* [tag] EXPLICIT INTEGER; zero_absent: left out when zero (the Z types). */
static void put_exp_int(struct der *d, int tag, uint64_t v, int negative, int zero_absent)
{
    uint8_t c[9];
    size_t len;

    if (zero_absent && v == 0)
        return;
    len = int_content(c, v, negative);
    put_tl(d, (uint8_t)(TAG_EXPLICIT | tag), 2 + len);
    put_tl(d, TAG_INTEGER, len);
    put(d, c, len);
}

static void put_octets(struct der *d, const void *b, size_t len)
{
    put_tl(d, TAG_OCTETS, len);
    put(d, b, len);
}

/* [tag] EXPLICIT OCTET STRING, left out when b is NULL. */
static void put_exp_octets(struct der *d, int tag, const void *b, size_t len)
{
    if (b == NULL)
        return;
    put_tl(d, (uint8_t)(TAG_EXPLICIT | tag), 1 + len_size(len) + len);
    put_octets(d, b, len);
}

static void put_exp_str(struct der *d, int tag, const char *s)
{
    if (s != NULL)
        put_exp_octets(d, tag, s, strlen(s));
}

/* The SEQUENCE's contents; 0 if the peer certificate cannot be encoded. */
static int put_body(struct der *d, const SSL_SESSION *in, int peer_len)
{
    uint32_t cipher_id = in->cipher != NULL ? in->cipher->id : in->cipher_id;
    uint8_t cs[2] = {(uint8_t)(cipher_id >> 8), (uint8_t)cipher_id};

    put_int(d, SESSION_DER_VERSION, 0);
    put_signed(d, (int32_t)in->ssl_version);
    put_octets(d, cs, 2);
    put_octets(d, in->session_id, in->session_id_length);
    put_octets(d, in->master_key, in->master_key_length);
    put_exp_int(d, 1, (uint64_t)(int64_t)in->time, (int64_t)in->time < 0, 1);
    put_exp_int(d, 2, (uint64_t)(int64_t)in->timeout, (int64_t)in->timeout < 0, 1);
    if (in->peer != NULL) {
        put_tl(d, TAG_EXPLICIT | 3, (size_t)peer_len);
        if (d->p != NULL) {
            unsigned char *q = d->p + d->n;
            if (i2d_X509(in->peer, &q) != peer_len)
                return 0;
        }
        d->n += (size_t)peer_len;
    }
    put_exp_octets(d, 4, in->sid_ctx, in->sid_ctx_length);
    put_exp_int(d, 5, (uint64_t)(int64_t)(int32_t)in->verify_result, (int32_t)in->verify_result < 0,
                1);
    put_exp_str(d, 6, in->hostname);
    put_exp_str(d, 7, in->psk_identity_hint);
    put_exp_str(d, 8, in->psk_identity);
    put_exp_int(d, 9, (uint64_t)in->ticket_lifetime_hint, 0, 1);
    put_exp_octets(d, 10, in->ticket, in->ticket_len);
    put_exp_int(d, 13, in->flags, 0, 1);
    put_exp_int(d, 14, in->ticket_age_add, 0, 1);
    put_exp_int(d, 15, in->max_early_data, 0, 1);
    put_exp_octets(d, 16, in->alpn_selected, in->alpn_selected_len);
    put_exp_int(d, 17, in->max_fragment_len_mode, 0, 1);
    put_exp_octets(d, 18, in->ticket_appdata, in->ticket_appdata_len);
    put_exp_int(d, 19, in->kex_group, 0, 0);
    return 1;
}

int tls_session_to_der(const SSL_SESSION *in, unsigned char **pp)
{
    struct der d = {NULL, 0};
    int peer_len = 0;
    size_t body, total;
    uint8_t *buf;

    if (in == NULL || (in->cipher == NULL && in->cipher_id == 0))
        return 0;
    if (in->peer != NULL && (peer_len = i2d_X509(in->peer, NULL)) <= 0)
        return -1;
    put_body(&d, in, peer_len);
    body = d.n;
    total = 1 + len_size(body) + body;
    if (total > INT_MAX)
        return -1;
    if (pp == NULL)
        return (int)total;
    if ((buf = *pp) == NULL && (buf = OPENSSL_malloc(total)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return -1;
    }
    d.p = buf;
    d.n = 0;
    put_tl(&d, TAG_SEQUENCE, body);
    if (!put_body(&d, in, peer_len)) {
        if (*pp == NULL)
            OPENSSL_free(buf);
        return -1;
    }
    if (*pp == NULL)
        *pp = buf;
    else
        *pp += total;
    return (int)total;
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
    SHIM_SESSION_DER *d =
        (SHIM_SESSION_DER *)ASN1_item_d2i(NULL, &p, length, ASN1_ITEM_rptr(SHIM_SESSION_DER));
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

/* clang-format off */
ASN1_SEQUENCE(SHIM_SESSION_DER) = {
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
    /* clang-format on */
} static_ASN1_SEQUENCE_END(SHIM_SESSION_DER)
