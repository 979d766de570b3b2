/*
 * shimssl trace - program callbacks behind trampolines.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * When the program installs a callback, libssl is given one of our
 * trampolines instead; the trampoline traces the call and calls the
 * program's function.  Each kind of callback has a fixed set of trampolines
 * (generated, trampolines.c), and a slot binds one trampoline to one program
 * function for the life of the process.  Because libssl only ever holds the
 * trampoline's address, it copies, inherits (SSL_CTX to SSL) and replaces it
 * exactly as it would the program's: no table keyed by SSL or SSL_CTX has to
 * guess which callback libssl would call.  Getters hand the program its own
 * function back (tr_cb_unwrap).
 *
 * Slots are never reused, so a trampoline reads its slot without a lock.
 * A program with more distinct functions of one kind than there are slots
 * gets the excess installed unwrapped (untraced), and the trace says so.
 */
#include "tracer.h"

#include <pthread.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int is_trampoline(void *fn)
{
    for (int k = 0; tr_cb_kinds[k] != NULL; k++)
        for (int i = 0; i < TR_CB_SLOTS; i++)
            if (tr_cb_kinds[k]->tramp[i] == fn)
                return 1;
    return 0;
}

static void note_full(const char *kind)
{
    struct tr_text l;
    tr_text_reset(&l);
    tr_text_puts(&l, "# note: more than 16 different ");
    tr_text_puts(&l, kind);
    tr_text_puts(&l, " callbacks; this one is not traced\n");
    tr_out_line(l.buf, l.len);
}

void *tr_cb_wrap(struct tr_cb_kind *k, void *fn)
{
    void *out = fn;
    int full = 0;
    if (fn == NULL || is_trampoline(fn))
        return fn;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < TR_CB_SLOTS; i++) {
        void *u = __atomic_load_n(&k->user[i], __ATOMIC_ACQUIRE);
        if (u == fn) {
            out = k->tramp[i];
            break;
        }
        if (u == NULL) {
            __atomic_store_n(&k->user[i], fn, __ATOMIC_RELEASE);
            out = k->tramp[i];
            break;
        }
        full = i == TR_CB_SLOTS - 1;
    }
    pthread_mutex_unlock(&lock);
    if (full)
        note_full(k->name);
    return out;
}

/* A fork() taken while another thread held the lock leaves it held in the
 * child, where that thread does not exist. */
void tr_cbslots_after_fork_child(void)
{
    static const pthread_mutex_t init = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&lock, &init, sizeof(init));
}

void *tr_cb_unwrap(void *fn)
{
    if (fn == NULL)
        return fn;
    for (int k = 0; tr_cb_kinds[k] != NULL; k++)
        for (int i = 0; i < TR_CB_SLOTS; i++)
            if (tr_cb_kinds[k]->tramp[i] == fn)
                return __atomic_load_n(&tr_cb_kinds[k]->user[i], __ATOMIC_ACQUIRE);
    return fn;
}
