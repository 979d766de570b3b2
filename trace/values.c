/*
 * shimssl trace - arguments and results, decoded by type.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Nothing here prints an address: a trace must read the same in every run
 * and over either libssl.  Objects get ids, pointers of no interest print
 * as "ptr", buffers as their length and a digest.  Values that differ
 * between runs by nature (randoms, keys, times) carry a "~" so that
 * `shimssl diff` compares only their shape.
 */
#include "tracer.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <string.h>

void tr_v_int(struct tr_rec *r, long long v)
{
    tr_put_dec(r, v);
}

void tr_v_uint(struct tr_rec *r, unsigned long long v)
{
    tr_put_udec(r, v);
}

void tr_v_vint(struct tr_rec *r, long long v)
{
    tr_putc(r, '~');
    tr_put_dec(r, v);
}

void tr_v_ptr(struct tr_rec *r, const void *p)
{
    tr_puts(r, p != NULL ? "ptr" : "NULL");
}

void tr_v_fn(struct tr_rec *r, const void *p)
{
    tr_puts(r, p != NULL ? "fn" : "NULL");
}

void tr_v_opaque(struct tr_rec *r, const char *type, const void *p)
{
    if (p == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    tr_putc(r, '<');
    tr_puts(r, type);
    tr_putc(r, '>');
}

#define STR_SHOWN 160

static void put_escaped(struct tr_rec *r, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[4] = {'\\', 0, 0, 0};
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            tr_putn(r, esc, 2);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            tr_putn(r, esc, 2);
        } else if (c < 0x20 || c >= 0x7f) {
            esc[1] = 'x';
            esc[2] = hex[c >> 4];
            esc[3] = hex[c & 15];
            tr_putn(r, esc, 4);
        } else {
            tr_putc(r, (char)c);
        }
    }
}

static void put_digest(struct tr_rec *r, const void *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    uint32_t d = tr_digest(p, n);
    char out[8];
    for (int i = 7; i >= 0; i--, d >>= 4)
        out[i] = hex[d & 15];
    tr_putn(r, out, 8);
}

/* A long string shows its start and, for the rest, its length and digest. */
void tr_v_strn(struct tr_rec *r, const char *s, size_t n)
{
    if (s == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    tr_putc(r, '"');
    put_escaped(r, s, n > STR_SHOWN ? STR_SHOWN : n);
    tr_putc(r, '"');
    if (n > STR_SHOWN) {
        tr_puts(r, "...[");
        tr_put_udec(r, n);
        tr_putc(r, ':');
        put_digest(r, s, n);
        tr_putc(r, ']');
    }
}

void tr_v_str(struct tr_rec *r, const char *s)
{
    tr_v_strn(r, s, s != NULL ? strlen(s) : 0);
}

static void put_buf(struct tr_rec *r, const char *tag, const void *p, size_t n)
{
    if (p == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    tr_puts(r, tag);
    tr_put_udec(r, n);
    tr_putc(r, ':');
    put_digest(r, p, n);
    tr_putc(r, ']');
}

void tr_v_buf(struct tr_rec *r, const void *p, size_t n)
{
    put_buf(r, "data[", p, n);
}

void tr_v_vbuf(struct tr_rec *r, const void *p, size_t n)
{
    put_buf(r, "~data[", p, n);
}

/* A buffer the function refuses unread when it is longer than `most`
 * (session ids and contexts): the tracer must not read it either. */
static void put_maxbuf(struct tr_rec *r, const char *tag, const void *p, size_t n, size_t most)
{
    if (p == NULL || n <= most) {
        put_buf(r, tag, p, n);
        return;
    }
    tr_puts(r, tag);
    tr_put_udec(r, n);
    tr_puts(r, ":unread]");
}

void tr_v_maxbuf(struct tr_rec *r, const void *p, size_t n, size_t most)
{
    put_maxbuf(r, "data[", p, n, most);
}

void tr_v_vmaxbuf(struct tr_rec *r, const void *p, size_t n, size_t most)
{
    put_maxbuf(r, "~data[", p, n, most);
}

void tr_v_intarray(struct tr_rec *r, const int *p, size_t n)
{
    if (p == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    tr_putc(r, '[');
    for (size_t i = 0; i < n && i < 64; i++) {
        if (i > 0)
            tr_putc(r, ' ');
        tr_put_dec(r, p[i]);
    }
    tr_putc(r, ']');
}

static const char *const kind_names[TR_KIND_COUNT] = {"#ssl", "#ctx", "#sess", "#bio", "#conf"};

static void put_obj(struct tr_rec *r, enum tr_kind k, const void *p, int fresh)
{
    if (p == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    tr_puts(r, kind_names[k]);
    tr_put_udec(r, tr_obj_id(k, p, fresh));
}

void tr_v_obj(struct tr_rec *r, enum tr_kind k, const void *p)
{
    put_obj(r, k, p, 0);
}

void tr_v_newobj(struct tr_rec *r, enum tr_kind k, const void *p)
{
    put_obj(r, k, p, 1);
}

void tr_v_cipher(struct tr_rec *r, const void *c)
{
    const char *name = NULL;
    if (c == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    if (tr_lib.cipher_name != NULL)
        name = tr_lib.cipher_name(c);
    tr_puts(r, "cipher:");
    tr_puts(r, name != NULL ? name : "?");
}

void tr_v_method(struct tr_rec *r, const void *m)
{
    const char *name;
    if (m == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    name = tr_method_name(m);
    tr_puts(r, name != NULL ? name : "<SSL_METHOD>");
}

/* A method is named after the function that returned it. */
void tr_v_newmethod(struct tr_rec *r, const void *m, const char *name)
{
    if (m != NULL)
        tr_method_name_set(m, name);
    tr_v_method(r, m);
}

/* A certificate by the digest of its DER encoding: the same certificate
 * reads the same in every run.  The encoding happens between a mark and a
 * pop so that a failure cannot leave an error behind. */
void tr_v_x509(struct tr_rec *r, const void *x)
{
    unsigned char *der = NULL;
    int n;
    if (x == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    if (!tr_lib_is_initialised()) {
        tr_puts(r, "<X509>");
        return;
    }
    ERR_set_mark();
    n = i2d_X509((X509 *)x, &der);
    ERR_pop_to_mark();
    if (n <= 0) {
        tr_puts(r, "<X509>");
        return;
    }
    tr_puts(r, "X509[");
    put_digest(r, der, (size_t)n);
    tr_putc(r, ']');
    OPENSSL_free(der);
}

void tr_v_stack(struct tr_rec *r, const void *sk)
{
    if (sk == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    tr_puts(r, "sk[");
    tr_put_dec(r, OPENSSL_sk_num((const OPENSSL_STACK *)sk));
    tr_putc(r, ']');
}

void tr_v_storectx(struct tr_rec *r, const void *ctx)
{
    X509_STORE_CTX *c = (X509_STORE_CTX *)ctx;
    if (c == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    tr_puts(r, "X509_STORE_CTX{depth=");
    tr_put_dec(r, X509_STORE_CTX_get_error_depth(c));
    tr_puts(r, " error=");
    tr_v_enum(r, tr_names_x509v, X509_STORE_CTX_get_error(c));
    tr_putc(r, '}');
}

const char *tr_name_of(const struct tr_name *t, unsigned long long v)
{
    for (; t->name != NULL; t++)
        if (t->value == v)
            return t->name;
    return NULL;
}

void tr_v_enum(struct tr_rec *r, const struct tr_name *t, long long v)
{
    const char *name = tr_name_of(t, (unsigned long long)v);
    if (name != NULL)
        tr_puts(r, name);
    else
        tr_put_dec(r, v);
}

/* Single-bit names only (composites like SSL_OP_ALL would hide which bits
 * are set); bits without a name print as one hex number at the end. */
void tr_v_flags(struct tr_rec *r, const struct tr_name *t, unsigned long long v)
{
    unsigned long long rest = v;
    int n = 0;
    if (v == 0) {
        const char *zero = tr_name_of(t, 0);
        tr_puts(r, zero != NULL ? zero : "0");
        return;
    }
    for (int bit = 0; bit < 64; bit++) {
        unsigned long long b = 1ULL << bit;
        const char *name;
        if ((v & b) == 0 || (name = tr_name_of(t, b)) == NULL)
            continue;
        if (n++ > 0)
            tr_putc(r, '|');
        tr_puts(r, name);
        rest &= ~b;
    }
    if (rest != 0) {
        if (n > 0)
            tr_putc(r, '|');
        tr_put_hex(r, rest);
    }
}

void tr_v_keylog(struct tr_rec *r, const char *line)
{
    size_t n = 0;
    if (line == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    while (line[n] != '\0' && line[n] != ' ')
        n++;
    tr_v_strn(r, line, n);
}

void tr_v_msgbuf(struct tr_rec *r, const void *buf, size_t len, int content_type)
{
    const unsigned char *b = buf;
    if (b == NULL) {
        tr_puts(r, "NULL");
        return;
    }
    switch (content_type) {
    case SSL3_RT_HANDSHAKE:
        tr_puts(r, "handshake[");
        tr_put_udec(r, len);
        tr_puts(r, "]");
        if (len >= 1) {
            tr_putc(r, ' ');
            tr_v_enum(r, tr_names_mt, b[0]);
        }
        return;
    case SSL3_RT_ALERT:
        tr_puts(r, "alert[");
        if (len >= 2) {
            tr_put_udec(r, b[0]);
            tr_putc(r, ' ');
            tr_put_udec(r, b[1]);
        }
        tr_putc(r, ']');
        return;
    case SSL3_RT_HEADER:
        tr_puts(r, "header[");
        if (len >= 5) {
            tr_v_enum(r, tr_names_rt, b[0]);
            tr_putc(r, ' ');
            tr_put_udec(r, (size_t)b[3] << 8 | b[4]);
        }
        tr_putc(r, ']');
        return;
    case SSL3_RT_INNER_CONTENT_TYPE:
        tr_puts(r, "inner[");
        if (len >= 1)
            tr_v_enum(r, tr_names_rt, b[0]);
        tr_putc(r, ']');
        return;
    default:
        tr_puts(r, "msg[");
        tr_put_udec(r, len);
        tr_putc(r, ']');
        return;
    }
}
