/*
 * shimssl trace - text: bounded appends, numbers, digests.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * No stdio here: lines are built in fixed buffers with plain stores, so
 * formatting never allocates, never locks and never touches errno.
 */
#include "tracer.h"

#include <string.h>

void tr_text_reset(struct tr_text *t)
{
    t->len = 0;
    t->truncated = 0;
}

void tr_text_putn(struct tr_text *t, const char *s, size_t n)
{
    size_t room = TR_TEXT_MAX - TR_TEXT_RESERVE - t->len;
    if (n > room) {
        n = room;
        t->truncated = 1;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

void tr_text_puts(struct tr_text *t, const char *s)
{
    tr_text_putn(t, s, strlen(s));
}

void tr_putn(struct tr_rec *r, const char *s, size_t n)
{
    tr_text_putn(&r->t, s, n);
}

void tr_puts(struct tr_rec *r, const char *s)
{
    tr_text_putn(&r->t, s, strlen(s));
}

void tr_putc(struct tr_rec *r, char c)
{
    tr_text_putn(&r->t, &c, 1);
}

size_t tr_fmt_udec(char *out, unsigned long long v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

void tr_put_udec(struct tr_rec *r, unsigned long long v)
{
    char num[24];
    tr_putn(r, num, tr_fmt_udec(num, v));
}

void tr_put_dec(struct tr_rec *r, long long v)
{
    if (v < 0) {
        tr_putc(r, '-');
        tr_put_udec(r, 0ULL - (unsigned long long)v);
        return;
    }
    tr_put_udec(r, (unsigned long long)v);
}

void tr_put_hex(struct tr_rec *r, unsigned long long v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v != 0);
    tr_puts(r, "0x");
    while (n-- > 0)
        tr_putc(r, tmp[n]);
}

/* Between arguments: nothing after the opening parenthesis. */
void tr_sep(struct tr_rec *r)
{
    if (r->t.len > 0 && r->t.buf[r->t.len - 1] != '(')
        tr_puts(r, ", ");
}

/* Output values follow the result: " {arg2=..., arg4=...}". */
void tr_out_begin(struct tr_rec *r, int argno)
{
    tr_puts(r, r->nouts++ == 0 ? " {" : " ");
    tr_puts(r, "arg");
    tr_put_udec(r, (unsigned long long)argno);
    tr_putc(r, '=');
}

void tr_outs_done(struct tr_rec *r)
{
    if (r->nouts > 0)
        tr_putc(r, '}');
}

/* FNV-1a, 32 bits: a short, stable fingerprint of a buffer (not a security
 * property: it only has to tell buffers apart in a trace). */
uint32_t tr_digest(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}
