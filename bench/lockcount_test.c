/*
 * The lock counter's own check (test lockcount, suite bench): run with
 * liblockcount.so preloaded, it takes known locks a known number of times and
 * requires exactly those counts, from this thread and from four others, for
 * the C library's locks and for libcrypto's CRYPTO_THREAD locks (the ones the
 * benchmark is about).  Then it runs itself again with LOCKCOUNT_OUT and
 * LOCKCOUNT_BT set and reads what the counter wrote at exit.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS      4
#define PER_THREAD   1000
#define CHILD_SHARED 37

static int failures;

static void expect(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    failures += !ok;
}

static void (*read_counts)(unsigned long *, unsigned long *);
static pthread_mutex_t shared_mutex = PTHREAD_MUTEX_INITIALIZER;

static void *locker(void *arg)
{
    (void)arg;
    for (int i = 0; i < PER_THREAD; i++) {
        pthread_mutex_lock(&shared_mutex);
        pthread_mutex_unlock(&shared_mutex);
    }
    return NULL;
}

static void delta(unsigned long s0, unsigned long x0, unsigned long ds, unsigned long dx,
                  const char *what)
{
    unsigned long s, x;
    char line[200];
    read_counts(&s, &x);
    snprintf(line, sizeof(line), "%s: %lu shared, %lu exclusive (expected %lu, %lu)", what, s - s0,
             x - x0, ds, dx);
    expect(s - s0 == ds && x - x0 == dx, line);
}

/* The counts at exit, as the benchmark reads them. */
static void check_exit_report(const char *self)
{
    char path[] = "/tmp/lockcount-test-XXXXXX", line[512];
    int fd = mkstemp(path), status;
    unsigned long shared = 0, exclusive = ~0ul, stack_count = 0;
    int named_main = 0;
    pid_t pid;
    FILE *f;

    if (fd < 0) {
        expect(0, "a temporary file");
        return;
    }
    close(fd);
    if ((pid = fork()) == 0) {
        setenv("LOCKCOUNT_OUT", path, 1);
        setenv("LOCKCOUNT_BT", "shared", 1);
        execl(self, self, "child", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child ran");
    if ((f = fopen(path, "r")) != NULL) {
        int in_stack = 0;
        while (fgets(line, sizeof(line), f) != NULL) {
            unsigned long n;
            if (sscanf(line, "locks_shared %lu", &n) == 1)
                shared = n;
            else if (sscanf(line, "locks_exclusive %lu", &n) == 1)
                exclusive = n;
            else if (sscanf(line, "stack %lu", &n) == 1)
                in_stack = n == CHILD_SHARED, stack_count += in_stack;
            else if (in_stack && strstr(line, "lockcount_test") != NULL)
                named_main = 1;
        }
        fclose(f);
    }
    unlink(path);
    snprintf(line, sizeof(line), "at exit: %lu shared (expected >= %d), %lu exclusive", shared,
             CHILD_SHARED, exclusive);
    expect(shared >= CHILD_SHARED && exclusive != ~0ul, line);
    snprintf(line, sizeof(line), "LOCKCOUNT_BT: %lu stack(s) taken %d times, through this program",
             stack_count, CHILD_SHARED);
    expect(stack_count == 1 && named_main, line);
}

static void child(void)
{
    pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
    for (int i = 0; i < CHILD_SHARED; i++) {
        pthread_rwlock_rdlock(&rw);
        pthread_rwlock_unlock(&rw);
    }
}

int main(int argc, char **argv)
{
    pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_t th[THREADS];
    unsigned long s0, x0;
    CRYPTO_RWLOCK *cl;

    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        child();
        return 0;
    }
    read_counts = (void (*)(unsigned long *, unsigned long *))dlsym(RTLD_DEFAULT, "lockcount_read");
    expect(read_counts != NULL, "the counter is preloaded (lockcount_read found)");
    if (read_counts == NULL)
        return 1;

    read_counts(&s0, &x0);
    for (int i = 0; i < 7; i++) {
        pthread_rwlock_rdlock(&rw);
        pthread_rwlock_unlock(&rw);
    }
    delta(s0, x0, 7, 0, "7 read locks");

    read_counts(&s0, &x0);
    for (int i = 0; i < 3; i++) {
        pthread_rwlock_wrlock(&rw);
        pthread_rwlock_unlock(&rw);
    }
    for (int i = 0; i < 5; i++) {
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
    }
    delta(s0, x0, 0, 8, "3 write locks and 5 mutex locks");

    /* Only what is acquired counts: a failed try does not. */
    read_counts(&s0, &x0);
    pthread_rwlock_tryrdlock(&rw);
    expect(pthread_rwlock_trywrlock(&rw) != 0, "trywrlock fails under a read lock");
    pthread_rwlock_unlock(&rw);
    pthread_mutex_trylock(&m);
    expect(pthread_mutex_trylock(&m) != 0, "a second mutex trylock fails");
    pthread_mutex_unlock(&m);
    delta(s0, x0, 1, 1, "the successful tries only");

    read_counts(&s0, &x0);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, locker, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    delta(s0, x0, 0, THREADS * PER_THREAD, "4 threads x 1000 mutex locks");

    /* libcrypto's locks (made before counting: creating one may lock). */
    cl = CRYPTO_THREAD_lock_new();
    read_counts(&s0, &x0);
    CRYPTO_THREAD_read_lock(cl);
    CRYPTO_THREAD_unlock(cl);
    CRYPTO_THREAD_write_lock(cl);
    CRYPTO_THREAD_unlock(cl);
    CRYPTO_THREAD_write_lock(cl);
    CRYPTO_THREAD_unlock(cl);
    delta(s0, x0, 1, 2, "libcrypto: 1 CRYPTO_THREAD_read_lock, 2 CRYPTO_THREAD_write_lock");
    CRYPTO_THREAD_lock_free(cl);

    check_exit_report(argv[0]);
    printf("%d failed\n", failures);
    return failures != 0;
}
