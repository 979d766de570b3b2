/*
 * shimssl trace - the life of a traced call: start, forward, end.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Every wrapper calls tr_begin() first.  It answers 0 ("just forward") when
 * the call does not come from the program: while a forwarded call is in
 * progress on this thread (depth > 0), libssl's calls to its own exports
 * are its business; the same goes for a caller address inside libssl's
 * code (stock libssl's SSL BIO calls SSL_read from inside libcrypto's
 * BIO_read, with no wrapper around it).
 */
#define _GNU_SOURCE
#include "tracer.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tr_helpers tr_lib;

/* Per thread: the numbering generation (a fork starts a new one, so the
 * child's threads are numbered afresh), the thread number, how many
 * forwarded calls are in progress, and the innermost open record. */
struct tr_thread {
    unsigned gen;
    unsigned id;
    int depth;
    struct tr_rec *top;
};
static __thread struct tr_thread self __attribute__((tls_model("initial-exec")));

static unsigned long next_seq;  /* atomic */
static unsigned next_thread;    /* atomic */
static unsigned generation = 1; /* atomic */
static int initialised_lib;     /* atomic: see tr_lib_initialised() */
static int ready;               /* atomic: tr_init() has completed */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* libssl's executable segments, for the caller test. */
#define MAX_RANGES 8
static struct {
    uintptr_t lo, hi;
} ranges[MAX_RANGES];
static int nranges;

void *tr_resolve(const char *name)
{
    void *p = dlvsym(RTLD_NEXT, name, "OPENSSL_3.0.0");
    return p != NULL ? p : dlsym(RTLD_NEXT, name);
}

struct find_lib {
    uintptr_t addr;
};

/* dl_iterate_phdr callback: records the executable segments of the object
 * that holds the address. */
static int find_segments(struct dl_phdr_info *info, size_t size, void *data)
{
    struct find_lib *f = data;
    int hit = 0;
    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && f->addr >= lo && f->addr < lo + ph->p_memsz)
            hit = 1;
    }
    if (!hit)
        return 0;
    for (int i = 0; i < info->dlpi_phnum && nranges < MAX_RANGES; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_X) == 0)
            continue;
        ranges[nranges].lo = info->dlpi_addr + ph->p_vaddr;
        ranges[nranges].hi = ranges[nranges].lo + ph->p_memsz;
        nranges++;
    }
    return 1;
}

static int in_libssl(const void *caller)
{
    uintptr_t a = (uintptr_t)caller;
    for (int i = 0; i < nranges; i++)
        if (a >= ranges[i].lo && a < ranges[i].hi)
            return 1;
    return 0;
}

static void fork_prepare(void)
{
    tr_objects_lock();
}

static void fork_parent(void)
{
    tr_objects_unlock();
}

/* The child has one thread and a new pid: new numbering, new file. */
static void fork_child(void)
{
    tr_objects_after_fork_child();
    tr_cbslots_after_fork_child();
    __atomic_store_n(&next_seq, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&next_thread, 0, __ATOMIC_RELAXED);
    __atomic_add_fetch(&generation, 1, __ATOMIC_RELAXED);
    tr_out_after_fork_child();
}

static void init_once_fn(void)
{
    int saved = errno;
    Dl_info info;
    const char *path = "?";
    void *probe;

    tr_resolve_all();
    tr_lib.cipher_name = (const char *(*)(const SSL_CIPHER *))tr_resolve("SSL_CIPHER_get_name");
    tr_lib.get_error = (int (*)(const SSL *, int))tr_resolve("SSL_get_error");
    tr_lib.get_rbio = (BIO * (*)(const SSL *)) tr_resolve("SSL_get_rbio");
    tr_lib.get_wbio = (BIO * (*)(const SSL *)) tr_resolve("SSL_get_wbio");
    probe = tr_resolve("SSL_CTX_new");
    if (probe != NULL) {
        struct find_lib f = {(uintptr_t)probe};
        dl_iterate_phdr(find_segments, &f);
        if (dladdr(probe, &info) && info.dli_fname != NULL)
            path = info.dli_fname;
    }
    tr_out_init(path);
    pthread_atfork(fork_prepare, fork_parent, fork_child);
    __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    errno = saved;
}

void tr_init(void)
{
    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
        pthread_once(&init_once, init_once_fn);
}

void tr_lib_initialised(void)
{
    __atomic_store_n(&initialised_lib, 1, __ATOMIC_RELAXED);
}

int tr_lib_is_initialised(void)
{
    return __atomic_load_n(&initialised_lib, __ATOMIC_RELAXED);
}

static void start(struct tr_rec *r, const char *prefix, const char *name)
{
    unsigned gen = __atomic_load_n(&generation, __ATOMIC_RELAXED);
    if (self.id == 0 || self.gen != gen) {
        self.gen = gen;
        self.id = __atomic_add_fetch(&next_thread, 1, __ATOMIC_RELAXED);
    }
    r->outer = self.top;
    r->level = r->outer != NULL ? r->outer->level + 1 : 0;
    r->announced = 0;
    r->args_end = 0;
    r->nouts = 0;
    r->err_before.valid = 0;
    r->seq = __atomic_add_fetch(&next_seq, 1, __ATOMIC_RELAXED);
    tr_text_reset(&r->t);
    tr_text_puts(&r->t, prefix);
    tr_text_puts(&r->t, name);
    tr_text_puts(&r->t, "(");
    self.top = r;
}

int tr_begin(struct tr_rec *r, const char *name, const void *caller)
{
    int saved = errno;
    tr_init();
    if (self.depth > 0 || in_libssl(caller)) {
        errno = saved;
        return 0;
    }
    r->saved_errno = saved;
    start(r, "", name);
    return 1;
}

void tr_cb_begin(struct tr_rec *r, const char *name)
{
    r->saved_errno = errno;
    start(r, "cb:", name);
}

void tr_args_done(struct tr_rec *r)
{
    tr_puts(r, ")");
    r->args_end = r->t.len;
}

void tr_call_start(struct tr_rec *r)
{
    if (tr_lib_is_initialised())
        tr_err_snapshot(&r->err_before);
    self.depth++;
    errno = r->saved_errno;
}

void tr_call_done(struct tr_rec *r)
{
    r->saved_errno = errno;
    self.depth--;
}

void tr_cb_call_start(struct tr_rec *r)
{
    r->saved_depth = self.depth;
    self.depth = 0;
    errno = r->saved_errno;
}

void tr_cb_call_done(struct tr_rec *r)
{
    r->saved_errno = errno;
    self.depth = r->saved_depth;
}

/* "t3 42 " and two spaces per level. */
static void line_prefix(struct tr_text *l, const struct tr_rec *r)
{
    char num[24];
    tr_text_putn(l, "t", 1);
    tr_text_putn(l, num, tr_fmt_udec(num, self.id));
    tr_text_putn(l, " ", 1);
    tr_text_putn(l, num, tr_fmt_udec(num, r->seq));
    tr_text_putn(l, " ", 1);
    for (int i = 0; i < r->level; i++)
        tr_text_putn(l, "  ", 2);
}

/* The text functions keep TR_TEXT_RESERVE bytes free for this ending. */
static void write_text(struct tr_text *l)
{
    if (l->truncated) {
        memcpy(l->buf + l->len, "...", 3);
        l->len += 3;
    }
    l->buf[l->len++] = '\n';
    tr_out_line(l->buf, l->len);
}

/* The open records around r that have no line yet get a "> " line, the
 * outermost first, so that nested lines read in the order things happened. */
static void announce_outer(struct tr_rec *r)
{
    struct tr_rec *chain[64];
    int n = 0;
    for (struct tr_rec *o = r->outer; o != NULL && !o->announced && n < 64; o = o->outer)
        chain[n++] = o;
    while (n-- > 0) {
        struct tr_rec *o = chain[n];
        struct tr_text l;
        size_t end = o->args_end != 0 ? o->args_end : o->t.len;
        tr_text_reset(&l);
        line_prefix(&l, o);
        tr_text_putn(&l, "> ", 2);
        tr_text_putn(&l, o->t.buf, end);
        l.truncated |= o->t.truncated && end == o->t.len;
        write_text(&l);
        o->announced = 1;
    }
}

void tr_end(struct tr_rec *r)
{
    struct tr_text l;
    announce_outer(r);
    tr_text_reset(&l);
    line_prefix(&l, r);
    if (r->announced)
        tr_text_putn(&l, "< ", 2);
    tr_text_putn(&l, r->t.buf, r->t.len);
    l.truncated |= r->t.truncated;
    write_text(&l);
    self.top = r->outer;
    errno = r->saved_errno;
}

void tr_missing(const char *name)
{
    static const char msg[] = "shimssl trace: the next libssl has no ";
    ssize_t rc = write(2, msg, sizeof(msg) - 1);
    rc = write(2, name, strlen(name));
    rc = write(2, "\n", 1);
    (void)rc;
    abort();
}
