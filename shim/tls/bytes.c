/*
 * shimssl - the bounded reader and the length-prefixing builder.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "tls/bytes.h"

int tls_r_u8(tls_reader *r, uint8_t *out)
{
    if (r->len < 1)
        return 0;
    *out = r->p[0];
    r->p++;
    r->len--;
    return 1;
}

int tls_r_u16(tls_reader *r, uint16_t *out)
{
    if (r->len < 2)
        return 0;
    *out = (uint16_t)((r->p[0] << 8) | r->p[1]);
    r->p += 2;
    r->len -= 2;
    return 1;
}

int tls_r_u24(tls_reader *r, uint32_t *out)
{
    if (r->len < 3)
        return 0;
    *out = ((uint32_t)r->p[0] << 16) | ((uint32_t)r->p[1] << 8) | r->p[2];
    r->p += 3;
    r->len -= 3;
    return 1;
}

int tls_r_u32(tls_reader *r, uint32_t *out)
{
    if (r->len < 4)
        return 0;
    *out =
        ((uint32_t)r->p[0] << 24) | ((uint32_t)r->p[1] << 16) | ((uint32_t)r->p[2] << 8) | r->p[3];
    r->p += 4;
    r->len -= 4;
    return 1;
}

int tls_r_bytes(tls_reader *r, const uint8_t **out, size_t n)
{
    if (r->len < n)
        return 0;
    *out = r->p;
    r->p += n;
    r->len -= n;
    return 1;
}

int tls_r_copy(tls_reader *r, uint8_t *out, size_t n)
{
    const uint8_t *p;
    if (!tls_r_bytes(r, &p, n))
        return 0;
    if (n > 0)
        memcpy(out, p, n);
    return 1;
}

int tls_r_skip(tls_reader *r, size_t n)
{
    const uint8_t *p;
    return tls_r_bytes(r, &p, n);
}

int tls_r_sub(tls_reader *r, tls_reader *out, size_t n)
{
    const uint8_t *p;
    if (!tls_r_bytes(r, &p, n))
        return 0;
    tls_r_init(out, p, n);
    return 1;
}

int tls_r_sub_u8(tls_reader *r, tls_reader *out)
{
    tls_reader save = *r;
    uint8_t n;
    if (!tls_r_u8(r, &n) || !tls_r_sub(r, out, n)) {
        *r = save;
        return 0;
    }
    return 1;
}

int tls_r_sub_u16(tls_reader *r, tls_reader *out)
{
    tls_reader save = *r;
    uint16_t n;
    if (!tls_r_u16(r, &n) || !tls_r_sub(r, out, n)) {
        *r = save;
        return 0;
    }
    return 1;
}

int tls_r_sub_u24(tls_reader *r, tls_reader *out)
{
    tls_reader save = *r;
    uint32_t n;
    if (!tls_r_u24(r, &n) || !tls_r_sub(r, out, n)) {
        *r = save;
        return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- builder */

int tls_b_init(tls_builder *b, size_t initial_cap)
{
    memset(b, 0, sizeof(*b));
    if (initial_cap > 0) {
        if ((b->buf = OPENSSL_malloc(initial_cap)) == NULL) {
            b->failed = 1;
            return 0;
        }
        b->cap = initial_cap;
    }
    return 1;
}

void tls_b_cleanup(tls_builder *b)
{
    OPENSSL_free(b->buf);
    memset(b, 0, sizeof(*b));
}

int tls_b_finish(tls_builder *b, uint8_t **out, size_t *out_len)
{
    if (b->failed || b->depth != 0)
        return 0;
    *out = b->buf;
    *out_len = b->len;
    b->buf = NULL;
    b->len = b->cap = 0;
    return 1;
}

uint8_t *tls_b_space(tls_builder *b, size_t n)
{
    if (b->failed)
        return NULL;
    if (n > b->cap - b->len) {
        size_t need = b->len + n, cap = b->cap ? b->cap : 256;
        uint8_t *nbuf;
        if (need < b->len) { /* overflow */
            b->failed = 1;
            return NULL;
        }
        while (cap < need)
            cap *= 2;
        if ((nbuf = OPENSSL_realloc(b->buf, cap)) == NULL) {
            b->failed = 1;
            return NULL;
        }
        b->buf = nbuf;
        b->cap = cap;
    }
    b->len += n;
    return b->buf + b->len - n;
}

static int put_be(tls_builder *b, uint32_t v, int width)
{
    uint8_t *p = tls_b_space(b, (size_t)width);
    if (p == NULL)
        return 0;
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
    return 1;
}

int tls_b_u8(tls_builder *b, uint8_t v)
{
    return put_be(b, v, 1);
}

int tls_b_u16(tls_builder *b, uint16_t v)
{
    return put_be(b, v, 2);
}

int tls_b_u24(tls_builder *b, uint32_t v)
{
    return put_be(b, v, 3);
}

int tls_b_u32(tls_builder *b, uint32_t v)
{
    return put_be(b, v, 4);
}

int tls_b_bytes(tls_builder *b, const uint8_t *p, size_t n)
{
    uint8_t *dst = tls_b_space(b, n);
    if (dst == NULL)
        return 0;
    if (n > 0)
        memcpy(dst, p, n);
    return 1;
}

int tls_b_open(tls_builder *b, int width)
{
    if (b->failed || b->depth == TLS_BUILDER_MAX_DEPTH || width < 1 || width > 3) {
        b->failed = 1;
        return 0;
    }
    b->open_at[b->depth] = b->len;
    b->open_width[b->depth] = (uint8_t)width;
    b->depth++;
    return put_be(b, 0, width);
}

int tls_b_close(tls_builder *b)
{
    if (b->failed || b->depth == 0) {
        b->failed = 1;
        return 0;
    }
    b->depth--;
    size_t at = b->open_at[b->depth];
    int width = b->open_width[b->depth];
    size_t n = b->len - at - (size_t)width;
    if (n >> (8 * width) != 0) {
        b->failed = 1;
        return 0;
    }
    for (int i = width - 1; i >= 0; i--) {
        b->buf[at + (size_t)i] = (uint8_t)n;
        n >>= 8;
    }
    return 1;
}

int tls_b_abandon(tls_builder *b)
{
    if (b->failed || b->depth == 0) {
        b->failed = 1;
        return 0;
    }
    b->depth--;
    b->len = b->open_at[b->depth];
    return 1;
}
