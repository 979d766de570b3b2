/*
 * shimssl - atomic reference counts for the library's objects.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Wrapped in a struct so that nobody reads or writes the count without going
 * through these functions.
 */
#ifndef SHIM_UTIL_REFCOUNT_H
#define SHIM_UTIL_REFCOUNT_H

typedef struct {
    int n;
} shim_refcount_t;

static inline void shim_ref_init(shim_refcount_t *r)
{
    __atomic_store_n(&r->n, 1, __ATOMIC_RELAXED);
}

/* Returns the new count. */
static inline int shim_ref_up(shim_refcount_t *r)
{
    return __atomic_add_fetch(&r->n, 1, __ATOMIC_RELAXED);
}

/* Returns the new count; the object is to be freed when it reaches 0. The
 * acquire-release order makes every earlier write visible to the freeing thread. */
static inline int shim_ref_down(shim_refcount_t *r)
{
    return __atomic_sub_fetch(&r->n, 1, __ATOMIC_ACQ_REL);
}

#endif
