/*
 * shimssl - the running hash of the handshake messages.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "crypto/transcript.h"

void tls_transcript_init(struct tls_transcript *t)
{
    memset(t, 0, sizeof(*t));
}

void tls_transcript_cleanup(struct tls_transcript *t)
{
    EVP_MD_CTX_free(t->ctx);
    OPENSSL_free(t->buf);
    memset(t, 0, sizeof(*t));
}

int tls_transcript_add(struct tls_transcript *t, const uint8_t *msg, size_t len)
{
    if (t->ctx != NULL) {
        if (!EVP_DigestUpdate(t->ctx, msg, len)) {
            ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
            return 0;
        }
        if (!t->keep)
            return 1;
    }
    if (len > t->cap - t->len) {
        size_t cap = t->cap ? t->cap : 1024;
        uint8_t *nb;
        while (cap < t->len + len)
            cap *= 2;
        if ((nb = OPENSSL_realloc(t->buf, cap)) == NULL) {
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            return 0;
        }
        t->buf = nb;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, msg, len);
    t->len += len;
    return 1;
}

int tls_transcript_set_md(struct tls_transcript *t, const EVP_MD *md)
{
    /*
     * Set again (a second ServerHello's suite), it starts afresh.  On failure
     * no context is left behind: cleanup would free it a second time.
     */
    EVP_MD_CTX_free(t->ctx);
    t->ctx = NULL;
    t->md = NULL;
    if (md == NULL || (t->ctx = EVP_MD_CTX_new()) == NULL || !EVP_DigestInit_ex(t->ctx, md, NULL) ||
        !EVP_DigestUpdate(t->ctx, t->buf, t->len)) {
        EVP_MD_CTX_free(t->ctx);
        t->ctx = NULL;
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    t->md = md;
    if (!t->keep)
        tls_transcript_drop_buffer(t);
    return 1;
}

void tls_transcript_drop_buffer(struct tls_transcript *t)
{
    OPENSSL_free(t->buf);
    t->buf = NULL;
    t->len = t->cap = 0;
    t->keep = 0;
}

int tls_transcript_hash(const struct tls_transcript *t, uint8_t *out, size_t *out_len)
{
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    unsigned int n = 0;
    int ok = copy != NULL && t->ctx != NULL && EVP_MD_CTX_copy_ex(copy, t->ctx) &&
             EVP_DigestFinal_ex(copy, out, &n);
    EVP_MD_CTX_free(copy);
    if (!ok) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    *out_len = n;
    return 1;
}

int tls_transcript_hash_with(const struct tls_transcript *t, const EVP_MD *md, const uint8_t *extra,
                             size_t extra_len, uint8_t *out, size_t *out_len)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    unsigned int n = 0;
    int ok = mctx != NULL;

    if (ok && t->ctx != NULL)
        ok = EVP_MD_CTX_copy_ex(mctx, t->ctx);
    else if (ok)
        ok = EVP_DigestInit_ex(mctx, md, NULL) && EVP_DigestUpdate(mctx, t->buf, t->len);
    ok = ok && EVP_DigestUpdate(mctx, extra, extra_len) && EVP_DigestFinal_ex(mctx, out, &n);
    EVP_MD_CTX_free(mctx);
    if (!ok) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    *out_len = n;
    return 1;
}

int tls_transcript_copy(struct tls_transcript *dst, const struct tls_transcript *src)
{
    if (src->ctx == NULL || (dst->ctx = EVP_MD_CTX_new()) == NULL ||
        !EVP_MD_CTX_copy_ex(dst->ctx, src->ctx)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    dst->md = src->md;
    return 1;
}

int tls_transcript_replace_with_message_hash(struct tls_transcript *t)
{
    uint8_t hash[EVP_MAX_MD_SIZE], hdr[4];
    size_t len;

    if (!tls_transcript_hash(t, hash, &len) || !EVP_DigestInit_ex(t->ctx, t->md, NULL))
        return 0;
    /* struct { HandshakeType message_hash(254); uint24 length; hash } */
    hdr[0] = 254;
    hdr[1] = 0;
    hdr[2] = 0;
    hdr[3] = (uint8_t)len;
    return tls_transcript_add(t, hdr, 4) && tls_transcript_add(t, hash, len);
}
