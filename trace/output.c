/*
 * shimssl trace - the trace file: one per process.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * SHIMSSL_TRACE_FILE names the file.  The first process to trace creates it
 * (O_EXCL decides who is first); every other process (a fork child, a
 * program started by exec) writes FILE.PID, or FILE.PID.N when an exec'd
 * program shares its pid with a process that already wrote.  Without the
 * variable, or with "-", lines go to standard error.
 *
 * Each line goes out in one write() on an O_APPEND descriptor, so threads
 * never interleave inside a line and no lock is held while writing.  A
 * program may close descriptors it did not open (daemons do): before each
 * write the descriptor is checked to still be our file, and reopened if not,
 * so trace lines can never land in a socket the program opened since.
 */
#define _GNU_SOURCE
#include "tracer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PATH_MAX_LEN 4096

static char base[PATH_MAX_LEN];   /* SHIMSSL_TRACE_FILE, "" for stderr */
static char path[PATH_MAX_LEN];   /* the file this process writes */
static char libssl[PATH_MAX_LEN]; /* which libssl we forward to */
static int fd = -1;
static dev_t fd_dev;
static ino_t fd_ino;
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

/* Descriptors below this are left to the program. */
#define HIGH_FD 700

void tr_out_init(const char *libssl_path)
{
    const char *env = getenv("SHIMSSL_TRACE_FILE");
    if (env != NULL && strcmp(env, "-") != 0 && strlen(env) < sizeof(base) - 32)
        strcpy(base, env);
    if (strlen(libssl_path) < sizeof(libssl))
        strcpy(libssl, libssl_path);
}

static size_t append(char *dst, size_t at, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (at + n >= cap)
        n = cap - at - 1;
    memcpy(dst + at, s, n);
    dst[at + n] = '\0';
    return at + n;
}

static size_t append_num(char *dst, size_t at, size_t cap, unsigned long long v)
{
    char num[24];
    size_t n = tr_fmt_udec(num, v);
    num[n] = '\0';
    return append(dst, at, cap, num);
}

/* The program's command line on one line: NULs and line ends as spaces. */
static void read_cmdline(char *out, size_t cap)
{
    int f = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    ssize_t n = f >= 0 ? read(f, out, cap - 1) : -1;
    if (f >= 0)
        close(f);
    if (n < 0)
        n = 0;
    for (ssize_t i = 0; i < n; i++)
        if (out[i] == '\0' || out[i] == '\n' || out[i] == '\r')
            out[i] = ' ';
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static void write_all(int f, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(f, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* "# shimssl-trace pid=.. ppid=.. start=.. libssl=.." then "# cmd: ..". */
static void write_header(int f)
{
    char h[PATH_MAX_LEN * 2], cmd[1024];
    struct timespec ts;
    size_t at = 0;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    read_cmdline(cmd, sizeof(cmd));
    at = append(h, at, sizeof(h), "# shimssl-trace pid=");
    at = append_num(h, at, sizeof(h), (unsigned long long)getpid());
    at = append(h, at, sizeof(h), " ppid=");
    at = append_num(h, at, sizeof(h), (unsigned long long)getppid());
    at = append(h, at, sizeof(h), " start=");
    at = append_num(h, at, sizeof(h),
                    (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec);
    at = append(h, at, sizeof(h), " libssl=");
    at = append(h, at, sizeof(h), libssl);
    at = append(h, at, sizeof(h), "\n# cmd: ");
    at = append(h, at, sizeof(h), cmd);
    at = append(h, at, sizeof(h), "\n");
    write_all(f, h, at);
}

static int open_new(const char *p)
{
    return open(p, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
}

/* First process: the base name; others: base.PID, then base.PID.N. */
static int create_file(void)
{
    int f = open_new(base);
    size_t at;
    if (f >= 0) {
        strcpy(path, base);
        return f;
    }
    at = append(path, 0, sizeof(path), base);
    at = append(path, at, sizeof(path), ".");
    at = append_num(path, at, sizeof(path), (unsigned long long)getpid());
    f = open_new(path);
    for (unsigned n = 2; f < 0 && errno == EEXIST && n < 1000; n++) {
        size_t end = append(path, at, sizeof(path), ".");
        append_num(path, end, sizeof(path), n);
        f = open_new(path);
    }
    return f;
}

/* Moves f out of the range programs use for their own descriptors. */
static int move_high(int f)
{
    int h = fcntl(f, F_DUPFD_CLOEXEC, HIGH_FD);
    if (h < 0)
        return f;
    close(f);
    return h;
}

static void remember(int f)
{
    struct stat st;
    if (fstat(f, &st) == 0) {
        fd_dev = st.st_dev;
        fd_ino = st.st_ino;
    }
    __atomic_store_n(&fd, f, __ATOMIC_RELEASE);
}

static int still_ours(int f)
{
    struct stat st;
    return fstat(f, &st) == 0 && st.st_dev == fd_dev && st.st_ino == fd_ino;
}

/* Opens (or, when the program closed it, reopens) this process's file. */
static int get_fd(void)
{
    int f = __atomic_load_n(&fd, __ATOMIC_ACQUIRE);
    if (base[0] == '\0')
        return 2;
    if (f >= 0 && still_ours(f))
        return f;
    pthread_mutex_lock(&open_lock);
    f = fd;
    if (f < 0 || !still_ours(f)) {
        int fresh = path[0] == '\0';
        f = fresh ? create_file() : open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (f >= 0) {
            f = move_high(f);
            if (fresh)
                write_header(f);
            remember(f);
        }
    }
    pthread_mutex_unlock(&open_lock);
    return f;
}

void tr_out_line(const char *buf, size_t len)
{
    int f = get_fd();
    if (f >= 0)
        write_all(f, buf, len);
}

/* The child writes its own file: the parent's descriptor is closed (the
 * child's copy only) and a new name is chosen at its first line. */
void tr_out_after_fork_child(void)
{
    static const pthread_mutex_t init = PTHREAD_MUTEX_INITIALIZER;
    if (fd >= 0)
        close(fd);
    fd = -1;
    path[0] = '\0';
    memcpy(&open_lock, &init, sizeof(init));
}
