/*
 * shimssl - serverinfo: extension data a server sends with a certificate.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The data is a list of extensions; in its V2 form each carries the
 * SSL_EXT_* messages it goes in:
 *     struct { uint32 context; uint16 type; opaque data<0..2^16-1>; } (V2)
 *     struct { uint16 type; opaque data<0..2^16-1>; }                 (V1)
 * It belongs to the certificate loaded last (the context's current key
 * slot), and each extension in it becomes a custom extension of the context
 * whose callbacks answer a client that sent the type (empty) with the data
 * of the certificate the server chose.  V1 data is TLS 1.2 ServerHello
 * data: it is registered with the legacy server form.
 *
 * Stock 3.0's quirks kept: V1 data gets one context in front of all of it
 * (so only single-extension V1 data loads; a file's V1 blocks get one each);
 * and loading a type already registered (the same serverinfo for a second
 * certificate) keeps the data but fails with SSL_R_INVALID_SERVERINFO_DATA.
 */
#include "shim.h"

#include <string.h>

#include <openssl/pem.h>

#include "tls/bytes.h"
#include "tls/ext_custom.h"

/* The context V1 data is given (stock's SYNTHV1CONTEXT): the legacy forms'. */
#define V1_CONTEXT                                                                                 \
    (SSL_EXT_TLS1_2_AND_BELOW_ONLY | SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO |          \
     SSL_EXT_IGNORE_ON_RESUMPTION)

/* One V2 entry; 0 at the end of the data or when it is malformed. */
static int next_entry(tls_reader *r, uint32_t *context, uint16_t *type, tls_reader *data)
{
    return tls_r_u32(r, context) && tls_r_u16(r, type) && tls_r_sub_u16(r, data);
}

/* The data of this type in serverinfo: 1 found, 0 not there, -1 malformed. */
static int find_type(const uint8_t *info, size_t len, unsigned int type, const uint8_t **out,
                     size_t *outlen)
{
    tls_reader r;

    tls_r_init(&r, info, len);
    while (!tls_r_done(&r)) {
        uint32_t context;
        uint16_t t;
        tls_reader data;
        if (!next_entry(&r, &context, &t, &data))
            return -1;
        if (t == type) {
            *out = data.p;
            *outlen = data.len;
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------- the callbacks */

/* The client asks with an empty extension. */
static int parse_ex(SSL *s, unsigned int ext_type, unsigned int context, const unsigned char *in,
                    size_t inlen, X509 *x, size_t chainidx, int *al, void *arg)
{
    (void)s, (void)ext_type, (void)context, (void)in, (void)x, (void)chainidx, (void)arg;
    if (inlen != 0) {
        *al = SSL_AD_DECODE_ERROR;
        return 0;
    }
    return 1;
}

static int add_ex(SSL *s, unsigned int ext_type, unsigned int context, const unsigned char **out,
                  size_t *outlen, X509 *x, size_t chainidx, int *al, void *arg)
{
    const uint8_t *info;
    size_t len;
    int found;

    (void)x, (void)arg;
    /* Only the leaf's entry of a Certificate carries it. */
    if ((context & SSL_EXT_TLS1_3_CERTIFICATE) != 0 && chainidx > 0)
        return 0;
    if (!tls_custom_serverinfo(s, &info, &len))
        return 0;
    if ((found = find_type(info, len, ext_type, out, outlen)) < 0) {
        *al = SSL_AD_INTERNAL_ERROR;
        return -1;
    }
    return found;
}

static int parse_v1(SSL *s, unsigned int ext_type, const unsigned char *in, size_t inlen, int *al,
                    void *arg)
{
    return parse_ex(s, ext_type, 0, in, inlen, NULL, 0, al, arg);
}

static int add_v1(SSL *s, unsigned int ext_type, const unsigned char **out, size_t *outlen, int *al,
                  void *arg)
{
    return add_ex(s, ext_type, 0, out, outlen, NULL, 0, al, arg);
}

/* --------------------------------------------------------------- loading */

/* Checks V2 data; with ctx, registers its extensions there. */
static int walk_v2(const uint8_t *info, size_t len, SSL_CTX *ctx)
{
    tls_reader r;

    tls_r_init(&r, info, len);
    while (!tls_r_done(&r)) {
        uint32_t context;
        uint16_t type;
        tls_reader data;
        int ok;

        if (!next_entry(&r, &context, &type, &data))
            return 0;
        if (ctx == NULL)
            continue;
        if (context == V1_CONTEXT)
            ok = SSL_CTX_add_server_custom_ext(ctx, type, add_v1, NULL, NULL, parse_v1, NULL);
        else
            ok = SSL_CTX_add_custom_ext(ctx, type, context, add_ex, NULL, NULL, parse_ex, NULL);
        if (!ok)
            return 0;
    }
    return 1;
}

/* V1 data as V2: one context in front (appended to out, grown). */
static int v1_to_v2(uint8_t **out, size_t *out_len, const uint8_t *v1, size_t len)
{
    uint8_t *grown = OPENSSL_realloc(*out, *out_len + 4 + len);

    if (grown == NULL)
        return 0;
    grown[*out_len] = 0;
    grown[*out_len + 1] = 0;
    grown[*out_len + 2] = (uint8_t)(V1_CONTEXT >> 8);
    grown[*out_len + 3] = (uint8_t)V1_CONTEXT;
    memcpy(grown + *out_len + 4, v1, len);
    *out = grown;
    *out_len += 4 + len;
    return 1;
}

int SSL_CTX_use_serverinfo_ex(SSL_CTX *ctx, unsigned int version, const unsigned char *serverinfo,
                              size_t serverinfo_length)
{
    struct shim_cert_pkey *key;
    uint8_t *copy;

    if (ctx == NULL || serverinfo == NULL || serverinfo_length == 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (version == SSL_SERVERINFOV1) {
        uint8_t *v2 = NULL;
        size_t v2_len = 0;
        int ret;

        if (!v1_to_v2(&v2, &v2_len, serverinfo, serverinfo_length)) {
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            return 0;
        }
        ret = SSL_CTX_use_serverinfo_ex(ctx, SSL_SERVERINFOV2, v2, v2_len);
        OPENSSL_free(v2);
        return ret;
    }
    if (version != SSL_SERVERINFOV2 || !walk_v2(serverinfo, serverinfo_length, NULL)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_SERVERINFO_DATA);
        return 0;
    }
    key = ctx->cfg.cert->current;
    if ((copy = OPENSSL_realloc(key->serverinfo, serverinfo_length)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    memcpy(copy, serverinfo, serverinfo_length);
    key->serverinfo = copy;
    key->serverinfo_length = serverinfo_length;
    if (!walk_v2(serverinfo, serverinfo_length, ctx)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_SERVERINFO_DATA);
        return 0;
    }
    return 1;
}

int SSL_CTX_use_serverinfo(SSL_CTX *ctx, const unsigned char *serverinfo, size_t serverinfo_length)
{
    return SSL_CTX_use_serverinfo_ex(ctx, SSL_SERVERINFOV1, serverinfo, serverinfo_length);
}

/* ------------------------------------------------------------- PEM file */

#define V1_PREFIX "SERVERINFO FOR "
#define V2_PREFIX "SERVERINFOV2 FOR "

/* The version a PEM block's name says, or 0 (raised). */
static unsigned int block_version(const char *name)
{
    size_t len = strlen(name);

    if (len < sizeof(V1_PREFIX) - 1) {
        ERR_raise(ERR_LIB_SSL, SSL_R_PEM_NAME_TOO_SHORT);
        return 0;
    }
    if (strncmp(name, V1_PREFIX, sizeof(V1_PREFIX) - 1) == 0)
        return SSL_SERVERINFOV1;
    if (len < sizeof(V2_PREFIX) - 1) {
        ERR_raise(ERR_LIB_SSL, SSL_R_PEM_NAME_TOO_SHORT);
        return 0;
    }
    if (strncmp(name, V2_PREFIX, sizeof(V2_PREFIX) - 1) != 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_PEM_NAME_BAD_PREFIX);
        return 0;
    }
    return SSL_SERVERINFOV2;
}

/* A block is one extension whose length field covers the rest exactly. */
static int block_plausible(unsigned int version, const uint8_t *data, long len)
{
    tls_reader r;
    uint32_t context;
    uint16_t type, ext_len;

    if (len < 0)
        return 0;
    tls_r_init(&r, data, (size_t)len);
    if (version == SSL_SERVERINFOV2 && !tls_r_u32(&r, &context))
        return 0;
    return tls_r_u16(&r, &type) && tls_r_u16(&r, &ext_len) && tls_r_left(&r) == ext_len;
}

/* Appends one block to the V2 data being gathered; 0 raised. */
static int append_block(uint8_t **info, size_t *info_len, unsigned int version, const uint8_t *data,
                        long len)
{
    uint8_t *grown;

    if (!block_plausible(version, data, len)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_DATA);
        return 0;
    }
    if (version == SSL_SERVERINFOV1) {
        if (v1_to_v2(info, info_len, data, (size_t)len))
            return 1;
    } else if ((grown = OPENSSL_realloc(*info, *info_len + (size_t)len)) != NULL) {
        memcpy(grown + *info_len, data, (size_t)len);
        *info = grown;
        *info_len += (size_t)len;
        return 1;
    }
    ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    return 0;
}

int SSL_CTX_use_serverinfo_file(SSL_CTX *ctx, const char *file)
{
    BIO *in = NULL;
    uint8_t *info = NULL;
    size_t info_len = 0, blocks = 0;
    int ret = 0;

    if (ctx == NULL || file == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if ((in = BIO_new(BIO_s_file())) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_BUF_LIB);
        return 0;
    }
    if (BIO_read_filename(in, file) <= 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_SYS_LIB);
        goto end;
    }
    for (;; blocks++) {
        char *name = NULL, *header = NULL;
        unsigned char *data = NULL;
        long len = 0;
        unsigned int version;
        int ok;

        /* The end of the file (PEM's "no start line" stays queued, as
         * stock leaves it). */
        if (PEM_read_bio(in, &name, &header, &data, &len) == 0) {
            if (blocks == 0) {
                ERR_raise(ERR_LIB_SSL, SSL_R_NO_PEM_EXTENSIONS);
                goto end;
            }
            break;
        }
        ok = (version = block_version(name)) != 0 &&
             append_block(&info, &info_len, version, data, len);
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
        if (!ok)
            goto end;
    }
    ret = SSL_CTX_use_serverinfo_ex(ctx, SSL_SERVERINFOV2, info, info_len);
end:
    OPENSSL_free(info);
    BIO_free(in);
    return ret;
}
