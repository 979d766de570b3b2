/*
 * shimssl - the bounded reader and the length-prefixing builder.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Every byte received from a peer is read through a tls_reader: a pointer and
 * the number of bytes left.  Each getter checks the length first and fails
 * closed (returns 0, consuming nothing); nothing else in the engine does
 * pointer arithmetic on received data.  Nested structures are read by taking
 * a length-prefixed sub-reader, which the caller then requires to be fully
 * consumed (tls_r_done): RFC 8446 treats trailing bytes as decode_error.
 *
 * Writing mirrors it: a tls_builder appends to a growable buffer, and
 * length-prefixed children are opened and closed, the length being filled in
 * on close, so no length is ever computed by hand.
 */
#ifndef SHIM_TLS_BYTES_H
#define SHIM_TLS_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const uint8_t *p;
    size_t len;
} tls_reader;

static inline void tls_r_init(tls_reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
}

static inline size_t tls_r_left(const tls_reader *r)
{
    return r->len;
}

static inline int tls_r_done(const tls_reader *r)
{
    return r->len == 0;
}

int tls_r_u8(tls_reader *r, uint8_t *out);
int tls_r_u16(tls_reader *r, uint16_t *out);
int tls_r_u24(tls_reader *r, uint32_t *out);
int tls_r_u32(tls_reader *r, uint32_t *out);
/* Points *out at the next n bytes and consumes them. */
int tls_r_bytes(tls_reader *r, const uint8_t **out, size_t n);
/* Copies the next n bytes into out. */
int tls_r_copy(tls_reader *r, uint8_t *out, size_t n);
int tls_r_skip(tls_reader *r, size_t n);
/* A sub-reader over the next n bytes. */
int tls_r_sub(tls_reader *r, tls_reader *out, size_t n);
/* Sub-readers over a 1-, 2- or 3-byte length-prefixed vector. */
int tls_r_sub_u8(tls_reader *r, tls_reader *out);
int tls_r_sub_u16(tls_reader *r, tls_reader *out);
int tls_r_sub_u24(tls_reader *r, tls_reader *out);

#define TLS_BUILDER_MAX_DEPTH 8

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t cap;
    int failed; /* sticky: an allocation or nesting error happened */
    int depth;
    size_t open_at[TLS_BUILDER_MAX_DEPTH]; /* where each open length prefix starts */
    uint8_t open_width[TLS_BUILDER_MAX_DEPTH];
} tls_builder;

/* Starts an empty builder with room for initial_cap bytes (0: grow on demand). */
int tls_b_init(tls_builder *b, size_t initial_cap);
/* Frees the buffer (after tls_b_finish, the caller owns it and must not call this). */
void tls_b_cleanup(tls_builder *b);
/* Hands the bytes to the caller; fails if any earlier step failed or a child is open. */
int tls_b_finish(tls_builder *b, uint8_t **out, size_t *out_len);

int tls_b_u8(tls_builder *b, uint8_t v);
int tls_b_u16(tls_builder *b, uint16_t v);
int tls_b_u24(tls_builder *b, uint32_t v);
int tls_b_u32(tls_builder *b, uint32_t v);
int tls_b_bytes(tls_builder *b, const uint8_t *p, size_t n);
/* Reserves n bytes and returns where to write them (valid until the next append). */
uint8_t *tls_b_space(tls_builder *b, size_t n);
/* Opens a child prefixed by its length in width (1, 2 or 3) bytes. */
int tls_b_open(tls_builder *b, int width);
/* Closes the innermost child, writing its length; fails if it does not fit. */
int tls_b_close(tls_builder *b);
/* Drops the innermost child, length prefix and all. */
int tls_b_abandon(tls_builder *b);
/* Bytes written so far. */
static inline size_t tls_b_len(const tls_builder *b)
{
    return b->len;
}

#endif
