/*
 * shimssl trace - stable object ids: #ssl1, #ctx1, #sess1, #bio1, #conf1.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * An id names an object from its creation (or first sighting, for objects
 * libssl or libcrypto made) until the program frees it; ids count up in
 * creation order per kind, so two runs of a program read alike even though
 * the addresses differ.  A creating function always gives a new id, even
 * when the allocator hands out an address seen before.
 *
 * One mutex guards the table.  Nothing is called under it but malloc: no
 * libssl function, no output.
 */
#include "tracer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024

struct node {
    struct node *next;
    const void *p;
    enum tr_kind kind;
    unsigned id;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct node *buckets[BUCKETS];
static struct node *free_nodes;
static unsigned counters[TR_KIND_COUNT];

#define MAX_METHODS 64
static struct {
    const void *m;
    const char *name;
} methods[MAX_METHODS];
static int nmethods;

static size_t bucket_of(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    return (size_t)((a >> 4) ^ (a >> 14)) % BUCKETS;
}

static struct node *find(const void *p, struct node ***link)
{
    struct node **l = &buckets[bucket_of(p)];
    for (; *l != NULL; l = &(*l)->next)
        if ((*l)->p == p)
            break;
    if (link != NULL)
        *link = l;
    return *l;
}

unsigned tr_obj_id(enum tr_kind k, const void *p, int fresh)
{
    struct node **link;
    struct node *n;
    unsigned id = 0;
    pthread_mutex_lock(&lock);
    n = find(p, &link);
    if (n == NULL) {
        n = free_nodes;
        if (n != NULL)
            free_nodes = n->next;
        else
            n = malloc(sizeof(*n));
        if (n != NULL) {
            n->p = p;
            n->next = NULL;
            n->kind = k;
            n->id = 0;
            *link = n;
        }
    }
    if (n != NULL) {
        if (fresh || n->kind != k || n->id == 0) {
            n->kind = k;
            n->id = ++counters[k];
        }
        id = n->id;
    }
    pthread_mutex_unlock(&lock);
    return id;
}

void tr_obj_forget(const void *p)
{
    struct node **link;
    struct node *n;
    if (p == NULL)
        return;
    pthread_mutex_lock(&lock);
    n = find(p, &link);
    if (n != NULL) {
        *link = n->next;
        n->next = free_nodes;
        free_nodes = n;
    }
    pthread_mutex_unlock(&lock);
}

void tr_method_name_set(const void *m, const char *name)
{
    int i;
    pthread_mutex_lock(&lock);
    for (i = 0; i < nmethods; i++)
        if (methods[i].m == m)
            break;
    if (i == nmethods && nmethods < MAX_METHODS)
        nmethods++;
    if (i < nmethods) {
        methods[i].m = m;
        methods[i].name = name;
    }
    pthread_mutex_unlock(&lock);
}

const char *tr_method_name(const void *m)
{
    const char *name = NULL;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nmethods; i++)
        if (methods[i].m == m)
            name = methods[i].name;
    pthread_mutex_unlock(&lock);
    return name;
}

/* Held across fork() so that the child never inherits a half-updated table. */
void tr_objects_lock(void)
{
    pthread_mutex_lock(&lock);
}

void tr_objects_unlock(void)
{
    pthread_mutex_unlock(&lock);
}

/* In the child the lock was taken by the forking thread (fork_prepare), which
 * is the child's only thread: releasing it is safe. */
void tr_objects_after_fork_child(void)
{
    pthread_mutex_unlock(&lock);
}
