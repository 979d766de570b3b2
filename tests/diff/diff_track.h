/*
 * shimssl - observing BIO lifetimes in differential programs without
 * printing pointers.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A tracked BIO has a name and a callback that prints "free NAME" when its
 * last reference goes.  track_name() turns a BIO pointer into its name for
 * printing equalities, and track_drain() reveals how many references are
 * left on each live BIO by releasing them one at a time.
 */
#ifndef SHIM_DIFF_TRACK_H
#define SHIM_DIFF_TRACK_H

#include <openssl/bio.h>
#include <stdio.h>
#include <string.h>

#define TRACK_MAX 16

struct tracked {
    BIO *bio;
    const char *name;
    int freed;
};

static struct tracked track_list[TRACK_MAX];
static int track_count;

static long track_cb(BIO *b, int oper, const char *argp, size_t len, int argi, long argl, int ret,
                     size_t *processed)
{
    (void)argp;
    (void)len;
    (void)argi;
    (void)argl;
    (void)processed;
    if (oper == BIO_CB_FREE) {
        for (int i = 0; i < track_count; i++) {
            if (track_list[i].bio == b && !track_list[i].freed) {
                track_list[i].freed = 1;
                printf("    free %s\n", track_list[i].name);
            }
        }
    }
    return ret;
}

/* Starts tracking b (one reference, the caller's) under name. */
static BIO *track(BIO *b, const char *name)
{
    if (b == NULL || track_count == TRACK_MAX) {
        printf("track %s: no BIO\n", name);
        return b;
    }
    track_list[track_count].bio = b;
    track_list[track_count].name = name;
    track_list[track_count].freed = 0;
    track_count++;
    BIO_set_callback_ex(b, track_cb);
    return b;
}

static BIO *track_mem(const char *name)
{
    return track(BIO_new(BIO_s_mem()), name);
}

/* The name of a live tracked BIO, "NULL", or "untracked". */
static const char *track_name(const BIO *b)
{
    if (b == NULL)
        return "NULL";
    for (int i = 0; i < track_count; i++) {
        if (track_list[i].bio == b && !track_list[i].freed)
            return track_list[i].name;
    }
    return "untracked";
}

/* Frees every live tracked BIO reference by reference, printing how many
 * references each still had, then forgets them all. */
static void track_drain(void)
{
    for (int i = 0; i < track_count; i++) {
        int n = 0;
        while (!track_list[i].freed && n < 100) {
            BIO_free(track_list[i].bio);
            n++;
        }
        if (n > 0)
            printf("  %s had %d reference(s) left\n", track_list[i].name, n);
    }
    track_count = 0;
}

#endif
