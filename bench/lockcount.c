/*
 * liblockcount.so: counts lock acquisitions in the process it is preloaded
 * into, for `shimssl bench --only locks`.  Not part of libssl: a benchmark
 * tool, preloaded next to stock libssl or ours.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * It defines pthread_rwlock_{rd,tryrd,timedrd,wr,trywr,timedwr}lock and
 * pthread_mutex_{lock,trylock,timedlock}, forwards each to the C library's
 * (dlsym RTLD_NEXT) and counts the successful ones: read locks as shared,
 * write locks and mutexes as exclusive.  libcrypto 3.0's CRYPTO_THREAD locks
 * are read-write locks; glibc's own internal locks do not come through here.
 *
 * The counts are read two ways:
 *   - LOCKCOUNT_OUT=FILE: at exit, "locks_shared N" and "locks_exclusive N"
 *     lines are written to FILE (the bench runs the measured side with two
 *     handshake counts and subtracts, so start-up and clean-up cancel out);
 *   - lockcount_read(): the running totals, for a program that finds it with
 *     dlsym (the counter's own test does).
 * LOCKCOUNT_BT=exclusive|shared|all also keeps every distinct call stack that
 * took a lock of that kind, with how often, and writes them at exit (to
 * LOCKCOUNT_OUT, or standard error) most frequent first, each frame as
 * "object(symbol+offset) [object+offset in file]"; bench/lockstacks.py turns
 * the file offsets into function names and lines where the object has debug
 * information.  Stacks taken N times in an N-handshake run are per-handshake.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

enum { SHARED, EXCLUSIVE };

static atomic_ulong counts[2];

/* ------------------------------------------------ the C library's functions */

typedef int (*lock_fn)(void *);
typedef int (*timed_fn)(void *, const struct timespec *);

enum {
    RDLOCK,
    TRYRDLOCK,
    TIMEDRDLOCK,
    WRLOCK,
    TRYWRLOCK,
    TIMEDWRLOCK,
    MUTEX_LOCK,
    MUTEX_TRYLOCK,
    MUTEX_TIMEDLOCK,
    NUM_FNS
};

static const char *const fn_names[NUM_FNS] = {
    "pthread_rwlock_rdlock", "pthread_rwlock_tryrdlock", "pthread_rwlock_timedrdlock",
    "pthread_rwlock_wrlock", "pthread_rwlock_trywrlock", "pthread_rwlock_timedwrlock",
    "pthread_mutex_lock",    "pthread_mutex_trylock",    "pthread_mutex_timedlock",
};

static void *_Atomic real_fns[NUM_FNS];

static void *real(int which)
{
    void *f = atomic_load_explicit(&real_fns[which], memory_order_acquire);
    if (f == NULL) {
        /* (the same answer from every thread: a race only looks it up twice) */
        f = dlsym(RTLD_NEXT, fn_names[which]);
        if (f == NULL)
            abort();
        atomic_store_explicit(&real_fns[which], f, memory_order_release);
    }
    return f;
}

/* ----------------------------------------------------- stacks (LOCKCOUNT_BT) */

#define BT_DEPTH 24
#define BT_SLOTS 8192

struct stack {
    unsigned long count;
    int kind, depth;
    void *pc[BT_DEPTH];
};

static int bt_kinds;         /* bit 1 << SHARED, 1 << EXCLUSIVE */
static struct stack *stacks; /* BT_SLOTS of them, open addressing */
static atomic_flag stacks_busy = ATOMIC_FLAG_INIT;
static unsigned long stacks_lost; /* the table was full */
static __thread int in_backtrace; /* backtrace() may take locks itself */

static void *own_base; /* where this library is loaded: its frames are left out */

static int own_frame(void *pc)
{
    Dl_info d;
    return dladdr(pc, &d) != 0 && d.dli_fbase == own_base;
}

static void keep_stack(int kind)
{
    void *pc[BT_DEPTH + 4];
    int n, skip = 0;
    uint64_t h = 1469598103934665603ull;

    in_backtrace = 1;
    n = backtrace(pc, BT_DEPTH + 4);
    while (skip < n && own_frame(pc[skip]))
        skip++;
    in_backtrace = 0;
    n -= skip;
    if (n > BT_DEPTH)
        n = BT_DEPTH;
    for (int i = 0; i < n; i++)
        h = (h ^ (uintptr_t)pc[skip + i]) * 1099511628211ull;
    h ^= (uint64_t)kind;
    while (atomic_flag_test_and_set_explicit(&stacks_busy, memory_order_acquire))
        continue;
    for (unsigned i = 0; i < BT_SLOTS; i++) {
        struct stack *s = &stacks[(h + i) % BT_SLOTS];
        if (s->count == 0) {
            s->kind = kind;
            s->depth = n;
            memcpy(s->pc, pc + skip, sizeof(void *) * (size_t)n);
        } else if (s->kind != kind || s->depth != n ||
                   memcmp(s->pc, pc + skip, sizeof(void *) * (size_t)n) != 0) {
            continue;
        }
        s->count++;
        atomic_flag_clear_explicit(&stacks_busy, memory_order_release);
        return;
    }
    stacks_lost++;
    atomic_flag_clear_explicit(&stacks_busy, memory_order_release);
}

static int count(int kind, int rc)
{
    if (rc != 0)
        return rc;
    atomic_fetch_add_explicit(&counts[kind], 1, memory_order_relaxed);
    if ((bt_kinds & (1 << kind)) && !in_backtrace)
        keep_stack(kind);
    return rc;
}

/* -------------------------------------------------------------- the wrappers */

#define LOCK_WRAPPER(name, type, which, kind)                                                      \
    EXPORT int name(type *l)                                                                       \
    {                                                                                              \
        return count(kind, ((lock_fn)real(which))(l));                                             \
    }
#define TIMED_WRAPPER(name, type, which, kind)                                                     \
    EXPORT int name(type *l, const struct timespec *t)                                             \
    {                                                                                              \
        return count(kind, ((timed_fn)real(which))(l, t));                                         \
    }

LOCK_WRAPPER(pthread_rwlock_rdlock, pthread_rwlock_t, RDLOCK, SHARED)
LOCK_WRAPPER(pthread_rwlock_tryrdlock, pthread_rwlock_t, TRYRDLOCK, SHARED)
TIMED_WRAPPER(pthread_rwlock_timedrdlock, pthread_rwlock_t, TIMEDRDLOCK, SHARED)
LOCK_WRAPPER(pthread_rwlock_wrlock, pthread_rwlock_t, WRLOCK, EXCLUSIVE)
LOCK_WRAPPER(pthread_rwlock_trywrlock, pthread_rwlock_t, TRYWRLOCK, EXCLUSIVE)
TIMED_WRAPPER(pthread_rwlock_timedwrlock, pthread_rwlock_t, TIMEDWRLOCK, EXCLUSIVE)
LOCK_WRAPPER(pthread_mutex_lock, pthread_mutex_t, MUTEX_LOCK, EXCLUSIVE)
LOCK_WRAPPER(pthread_mutex_trylock, pthread_mutex_t, MUTEX_TRYLOCK, EXCLUSIVE)
TIMED_WRAPPER(pthread_mutex_timedlock, pthread_mutex_t, MUTEX_TIMEDLOCK, EXCLUSIVE)

/* The running totals (for programs that look this up with dlsym). */
EXPORT void lockcount_read(unsigned long *shared, unsigned long *exclusive);
void lockcount_read(unsigned long *shared, unsigned long *exclusive)
{
    *shared = atomic_load(&counts[SHARED]);
    *exclusive = atomic_load(&counts[EXCLUSIVE]);
}

/* ------------------------------------------------------------ start and exit */

/* At exit: no stdio (it may be gone), no allocation. */
static void out(int fd, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = (int)sizeof(buf) - 1;
    if (n > 0 && write(fd, buf, (size_t)n) != n)
        return;
}

static void write_frame(int fd, void *pc)
{
    Dl_info d;
    if (dladdr(pc, &d) == 0 || d.dli_fname == NULL) {
        out(fd, "  %p\n", pc);
        return;
    }
    /* (a return address: the call is the byte before it) */
    uintptr_t rel = (uintptr_t)pc - (uintptr_t)d.dli_fbase - 1;
    if (d.dli_sname != NULL)
        out(fd, "  %s(%s+0x%lx) [%s+0x%lx]\n", d.dli_fname, d.dli_sname,
            (unsigned long)((uintptr_t)pc - (uintptr_t)d.dli_saddr), d.dli_fname,
            (unsigned long)rel);
    else
        out(fd, "  %s [%s+0x%lx]\n", d.dli_fname, d.dli_fname, (unsigned long)rel);
}

static void write_stacks(int fd)
{
    /* Most frequent first: repeated passes for the largest count left. */
    for (;;) {
        struct stack *best = NULL;
        for (unsigned i = 0; i < BT_SLOTS; i++)
            if (stacks[i].count > 0 && (best == NULL || stacks[i].count > best->count))
                best = &stacks[i];
        if (best == NULL)
            break;
        out(fd, "stack %lu %s\n", best->count, best->kind == SHARED ? "shared" : "exclusive");
        for (int i = 0; i < best->depth; i++)
            write_frame(fd, best->pc[i]);
        best->count = 0;
    }
    if (stacks_lost > 0)
        out(fd, "stacks_lost %lu\n", stacks_lost);
}

__attribute__((constructor)) static void lockcount_start(void)
{
    const char *bt = getenv("LOCKCOUNT_BT");
    for (int i = 0; i < NUM_FNS; i++)
        real(i);
    if (bt == NULL || *bt == '\0')
        return;
    bt_kinds = strcmp(bt, "shared") == 0 ? 1 << SHARED
               : strcmp(bt, "all") == 0  ? (1 << SHARED) | (1 << EXCLUSIVE)
                                         : 1 << EXCLUSIVE;
    Dl_info d;
    if (dladdr((void *)lockcount_start, &d) == 0)
        return;
    own_base = d.dli_fbase;
    stacks = calloc(BT_SLOTS, sizeof(*stacks));
    if (stacks == NULL) {
        bt_kinds = 0;
        return;
    }
    /* The first backtrace() loads the unwinder: do it now, not in a lock. */
    void *pc[2];
    in_backtrace = 1;
    backtrace(pc, 2);
    in_backtrace = 0;
}

__attribute__((destructor)) static void lockcount_stop(void)
{
    const char *path = getenv("LOCKCOUNT_OUT");
    int fd = 2;
    if (path != NULL && *path != '\0' &&
        (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return;
    /* Stop keeping stacks: the table is read below. */
    int kinds = bt_kinds;
    bt_kinds = 0;
    out(fd, "locks_shared %lu\nlocks_exclusive %lu\n", atomic_load(&counts[SHARED]),
        atomic_load(&counts[EXCLUSIVE]));
    if (kinds != 0) {
        while (atomic_flag_test_and_set_explicit(&stacks_busy, memory_order_acquire))
            continue;
        write_stacks(fd);
    }
    if (fd != 2)
        close(fd);
}
