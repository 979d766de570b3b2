/*
 * shimssl - statistics counters shared between threads.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * An SSL_CTX is shared by every connection made from it, often from many
 * threads, and its session-cache statistics are bumped by each handshake:
 * plain increments would race (stock's are atomic too).  Wrapped in a struct
 * so that nobody reads or writes one without going through these functions.
 */
#ifndef SHIM_UTIL_COUNTER_H
#define SHIM_UTIL_COUNTER_H

typedef struct {
    int n;
} shim_counter_t;

static inline void shim_counter_inc(shim_counter_t *c)
{
    __atomic_add_fetch(&c->n, 1, __ATOMIC_RELAXED);
}

static inline void shim_counter_dec(shim_counter_t *c)
{
    __atomic_sub_fetch(&c->n, 1, __ATOMIC_RELAXED);
}

static inline int shim_counter_get(const shim_counter_t *c)
{
    return __atomic_load_n(&c->n, __ATOMIC_RELAXED);
}

#endif
