/*
 * shimssl benchmarks: heap bytes held, counted through
 * CRYPTO_set_mem_functions (every libcrypto and libssl allocation, for both
 * libraries), each block charged to the account current when it was made
 * (heap_account: one account for a whole process, or one per role when
 * both ends run in one process).  Install before anything allocates:
 *     CRYPTO_set_mem_functions(heap_malloc, heap_realloc, heap_free);
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_BENCH_HEAP_COUNT_H
#define SHIM_BENCH_HEAP_COUNT_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define HEAP_ACCOUNTS 4

static long heap_live[HEAP_ACCOUNTS]; /* bytes held, per account */
static int heap_account;              /* whose calls allocate now */
static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;

/* Each block carries its size and account ahead of what the caller gets. */
static void *heap_malloc(size_t n, const char *file, int line)
{
    size_t *p = malloc(n + sizeof(size_t) * 2);
    (void)file;
    (void)line;
    if (p == NULL)
        return NULL;
    p[0] = n;
    p[1] = (size_t)heap_account;
    pthread_mutex_lock(&heap_lock);
    heap_live[heap_account] += (long)n;
    pthread_mutex_unlock(&heap_lock);
    return p + 2;
}

static void heap_free(void *ptr, const char *file, int line)
{
    size_t *p = ptr;
    (void)file;
    (void)line;
    if (p == NULL)
        return;
    pthread_mutex_lock(&heap_lock);
    heap_live[p[-1]] -= (long)p[-2];
    pthread_mutex_unlock(&heap_lock);
    free(p - 2);
}

static void *heap_realloc(void *ptr, size_t n, const char *file, int line)
{
    void *q;
    if (ptr == NULL)
        return heap_malloc(n, file, line);
    if ((q = heap_malloc(n, file, line)) == NULL)
        return NULL;
    memcpy(q, ptr, ((size_t *)ptr)[-2] < n ? ((size_t *)ptr)[-2] : n);
    heap_free(ptr, file, line);
    return q;
}

#endif
