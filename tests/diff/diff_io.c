/*
 * shimssl differential test: SSL_set_bio and its reference rules, the set0
 * functions, the getters and the file-descriptor functions.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_io bio|fd|nobio
 */
#include "diff_common.h"
#include "diff_track.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static SSL_CTX *ctx;

static void show(const char *label, SSL *s)
{
    printf("  %s: rbio=%s wbio=%s\n", label, track_name(SSL_get_rbio(s)),
           track_name(SSL_get_wbio(s)));
}

/* Calls SSL_set_bio after granting one reference for each distinct BIO
 * argument, as a caller handing over BIOs it also keeps must. */
static void grant_and_set(SSL *s, BIO *r, BIO *w)
{
    if (r != NULL)
        BIO_up_ref(r);
    if (w != NULL && w != r)
        BIO_up_ref(w);
    printf("  SSL_set_bio(%s, %s)\n", track_name(r), track_name(w));
    SSL_set_bio(s, r, w);
    show("now", s);
}

/* One ownership case: the SSL starts with (r0, w0), then gets (r1, w1).
 * Names: A, B are the initial BIOs, C, D new ones. */
static void set_bio_case(const char *title, int r0, int w0, int r1, int w1)
{
    BIO *pool[4];
    const char *names[4] = {"A", "B", "C", "D"};
    SSL *s = SSL_new(ctx);

    printf("set_bio %s\n", title);
    for (int i = 0; i < 4; i++)
        pool[i] = track_mem(names[i]);
    if (r0 >= 0 || w0 >= 0)
        grant_and_set(s, r0 >= 0 ? pool[r0] : NULL, w0 >= 0 ? pool[w0] : NULL);
    grant_and_set(s, r1 >= 0 ? pool[r1] : NULL, w1 >= 0 ? pool[w1] : NULL);
    printf("  SSL_free\n");
    SSL_free(s);
    track_drain();
    diff_print_errors(title);
}

static void set_bio_cases(void)
{
    enum { A, B, C, D, NONE = -1 };

    set_bio_case("none -> (NULL,NULL)", NONE, NONE, NONE, NONE);
    set_bio_case("none -> (A,A)", NONE, NONE, A, A);
    set_bio_case("none -> (A,B)", NONE, NONE, A, B);
    set_bio_case("none -> (A,NULL)", NONE, NONE, A, NONE);
    set_bio_case("none -> (NULL,A)", NONE, NONE, NONE, A);
    set_bio_case("(A,A) -> (A,A)", A, A, A, A);
    set_bio_case("(A,A) -> (C,C)", A, A, C, C);
    set_bio_case("(A,A) -> (A,C)", A, A, A, C);
    set_bio_case("(A,A) -> (C,A)", A, A, C, A);
    set_bio_case("(A,A) -> (C,D)", A, A, C, D);
    set_bio_case("(A,A) -> (NULL,NULL)", A, A, NONE, NONE);
    set_bio_case("(A,A) -> (A,NULL)", A, A, A, NONE);
    set_bio_case("(A,A) -> (NULL,A)", A, A, NONE, A);
    set_bio_case("(A,B) -> (A,B)", A, B, A, B);
    set_bio_case("(A,B) -> (C,B)", A, B, C, B);
    set_bio_case("(A,B) -> (A,C)", A, B, A, C);
    set_bio_case("(A,B) -> (C,C)", A, B, C, C);
    set_bio_case("(A,B) -> (C,D)", A, B, C, D);
    set_bio_case("(A,B) -> (B,A)", A, B, B, A);
    set_bio_case("(A,B) -> (B,B)", A, B, B, B);
    set_bio_case("(A,B) -> (A,A)", A, B, A, A);
    set_bio_case("(A,B) -> (NULL,B)", A, B, NONE, B);
    set_bio_case("(A,B) -> (A,NULL)", A, B, A, NONE);
    set_bio_case("(A,B) -> (NULL,NULL)", A, B, NONE, NONE);
    set_bio_case("(A,NULL) -> (A,B)", A, NONE, A, B);
    set_bio_case("(NULL,B) -> (A,B)", NONE, B, A, B);
}

static void set0_cases(void)
{
    SSL *s = SSL_new(ctx);
    BIO *a = track_mem("A"), *b = track_mem("B");

    printf("set0\n");
    show("fresh", s);
    SSL_set0_rbio(s, a);
    show("set0_rbio(A)", s);
    BIO_up_ref(a);
    SSL_set0_rbio(s, a); /* the same BIO again: the old reference goes */
    show("set0_rbio(A) again", s);
    BIO_up_ref(a);
    SSL_set0_wbio(s, a);
    show("set0_wbio(A)", s);
    SSL_set0_wbio(s, b);
    show("set0_wbio(B)", s);
    SSL_set0_wbio(s, NULL);
    show("set0_wbio(NULL)", s);
    /* The SSL holds A's last reference: take one of our own first, or
     * set0_rbio(NULL) frees A and handing it back would use freed memory. */
    BIO_up_ref(a);
    SSL_set0_rbio(s, NULL);
    show("set0_rbio(NULL)", s);
    SSL_set0_rbio(s, a); /* our reference goes to the SSL */
    printf("  SSL_free\n");
    SSL_free(s);
    track_drain();
    diff_print_errors("set0");
}

/* Chains: SSL_free releases whole chains (BIO_free_all). */
static void chain_cases(void)
{
    SSL *s = SSL_new(ctx);
    BIO *f = track(BIO_new(BIO_f_buffer()), "F");
    BIO *m = track_mem("M");

    printf("chains\n");
    BIO_push(f, m);
    SSL_set_bio(s, f, f);
    show("set_bio(F->M)", s);
    printf("  SSL_free\n");
    SSL_free(s);
    track_drain();
    diff_print_errors("chains");
}

static void bio_mode(void)
{
    set_bio_cases();
    set0_cases();
    chain_cases();
}

/* ----------------------------------------------------------------- fds */

static int fds[2];

static const char *fd_name(int fd)
{
    if (fd == fds[0])
        return "fd0";
    if (fd == fds[1])
        return "fd1";
    if (fd == -1)
        return "-1";
    return "other";
}

static void show_fds(const char *label, SSL *s)
{
    BIO *r = SSL_get_rbio(s), *w = SSL_get_wbio(s);

    printf("  %s: fd=%s rfd=%s wfd=%s", label, fd_name(SSL_get_fd(s)), fd_name(SSL_get_rfd(s)),
           fd_name(SSL_get_wfd(s)));
    printf(" rbio %s wbio %s", r == NULL ? "NULL" : "set", w == NULL ? "NULL" : "set");
    printf(" same %d", r == w);
    if (r != NULL)
        printf(" rtype %d rclose %d", BIO_method_type(r), (int)BIO_get_close(r));
    if (w != NULL)
        printf(" wtype %d wclose %d", BIO_method_type(w), (int)BIO_get_close(w));
    printf(" rname %s wname %s\n", track_name(r), track_name(w));
    diff_print_errors(label);
}

static void fd_mode(void)
{
    SSL *s;
    BIO *keep;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        printf("socketpair failed\n");
        return;
    }
    s = SSL_new(ctx);
    /* No BIO at all: BIO_find_type(NULL) raises its error. */
    show_fds("fresh", s);
    printf("set_fd(fd0) = %d\n", SSL_set_fd(s, fds[0]));
    show_fds("after set_fd", s);
    printf("set_wfd(fd0) = %d\n", SSL_set_wfd(s, fds[0]));
    show_fds("set_wfd on the same fd", s);
    printf("set_wfd(fd1) = %d\n", SSL_set_wfd(s, fds[1]));
    show_fds("set_wfd on the other fd", s);
    printf("set_rfd(fd1) = %d\n", SSL_set_rfd(s, fds[1]));
    show_fds("set_rfd reusing the write side", s);
    printf("set_rfd(fd0) = %d\n", SSL_set_rfd(s, fds[0]));
    show_fds("set_rfd on the other fd", s);
    printf("set_fd(-1) = %d\n", SSL_set_fd(s, -1));
    show_fds("set_fd(-1)", s);
    SSL_free(s);
    printf("fd0 still open after SSL_free: %d\n", fcntl(fds[0], F_GETFD) != -1);

    /* Fresh SSLs: only one side set. */
    s = SSL_new(ctx);
    printf("set_wfd(fd0) on fresh = %d\n", SSL_set_wfd(s, fds[0]));
    show_fds("only wfd", s);
    printf("set_rfd(fd0) = %d\n", SSL_set_rfd(s, fds[0]));
    show_fds("then rfd on the same fd", s);
    SSL_free(s);
    s = SSL_new(ctx);
    printf("set_rfd(fd1) on fresh = %d\n", SSL_set_rfd(s, fds[1]));
    show_fds("only rfd", s);
    printf("set_wfd(fd1) = %d\n", SSL_set_wfd(s, fds[1]));
    show_fds("then wfd on the same fd", s);
    SSL_free(s);

    /* Non-socket BIOs on the other side are never reused. */
    s = SSL_new(ctx);
    keep = track(BIO_new_fd(fds[0], BIO_NOCLOSE), "FD");
    SSL_set_bio(s, keep, keep);
    show_fds("fd BIO", s);
    printf("set_wfd(fd0) = %d\n", SSL_set_wfd(s, fds[0]));
    show_fds("set_wfd next to an fd BIO", s);
    printf("set_rfd(fd0) = %d\n", SSL_set_rfd(s, fds[0]));
    show_fds("set_rfd next to a socket BIO", s);
    SSL_free(s);
    track_drain();

    s = SSL_new(ctx);
    keep = track_mem("M");
    SSL_set_bio(s, keep, keep);
    show_fds("mem BIO", s);
    printf("set_rfd(fd1) = %d\n", SSL_set_rfd(s, fds[1]));
    show_fds("set_rfd next to a mem BIO", s);
    SSL_free(s);
    track_drain();

    /* A socket BIO whose descriptor differs is not reused either. */
    s = SSL_new(ctx);
    keep = track(BIO_new_socket(fds[1], BIO_NOCLOSE), "S1");
    SSL_set_bio(s, keep, keep);
    printf("set_rfd(fd0) = %d\n", SSL_set_rfd(s, fds[0]));
    show_fds("set_rfd next to a socket BIO on fd1", s);
    printf("set_wfd(fd0) = %d\n", SSL_set_wfd(s, fds[0]));
    show_fds("set_wfd next to a socket BIO on fd0", s);
    SSL_free(s);
    track_drain();

    /* The descriptor is found behind filters. */
    s = SSL_new(ctx);
    keep = BIO_new(BIO_f_buffer());
    BIO_push(keep, BIO_new_socket(fds[1], BIO_NOCLOSE));
    SSL_set_bio(s, keep, keep);
    BIO_up_ref(keep);
    show_fds("buffer -> socket(fd1)", s);
    printf("set_wfd(fd1) = %d\n", SSL_set_wfd(s, fds[1]));
    show_fds("set_wfd next to a filter chain", s);
    SSL_free(s);
    BIO_free_all(keep);

    /* An uninitialised socket BIO reports -1. */
    s = SSL_new(ctx);
    keep = BIO_new(BIO_s_socket());
    SSL_set_bio(s, keep, keep);
    show_fds("socket BIO without fd", s);
    printf("set_wfd(-1) = %d\n", SSL_set_wfd(s, -1));
    show_fds("set_wfd(-1) next to it", s);
    SSL_free(s);

    /* SSL_set_fd replaces whatever was there and frees it. */
    s = SSL_new(ctx);
    keep = track_mem("OLD");
    SSL_set_bio(s, keep, keep);
    printf("set_fd(fd1) over a mem BIO = %d\n", SSL_set_fd(s, fds[1]));
    show_fds("after", s);
    SSL_free(s);
    track_drain();
    close(fds[0]);
    close(fds[1]);
}

static void io_report(const char *label, SSL *s, int r)
{
    printf("%s: ret %d, SSL_get_error %d, want %d, state %s\n", label, r, SSL_get_error(s, r),
           SSL_want(s), SSL_state_string_long(s));
    diff_print_errors("  ");
}

/* A handshake on a connection missing one BIO or both (ncat's first
 * SSL_connect, issue 16): stock's buffering BIO takes the first flight and
 * only its flush fails, with nothing on the error queue. */
static void nobio_mode(void)
{
    char buf[16];
    SSL *s = SSL_new(ctx);

    SSL_set_connect_state(s);
    io_report("connect without BIOs", s, SSL_connect(s));
    io_report("connect again", s, SSL_connect(s));
    SSL_free(s);

    s = SSL_new(ctx);
    SSL_set_connect_state(s);
    io_report("write without BIOs", s, SSL_write(s, "x", 1));
    SSL_free(s);

    s = SSL_new(ctx);
    SSL_set_connect_state(s);
    io_report("read without BIOs", s, SSL_read(s, buf, sizeof(buf)));
    SSL_free(s);

    s = SSL_new(ctx);
    SSL_set0_wbio(s, BIO_new(BIO_s_mem()));
    io_report("connect without a read BIO", s, SSL_connect(s));
    printf("  written: %d bytes\n", (int)BIO_pending(SSL_get_wbio(s)));
    SSL_free(s);

    s = SSL_new(ctx);
    SSL_set0_rbio(s, BIO_new(BIO_s_mem()));
    io_report("connect without a write BIO", s, SSL_connect(s));
    SSL_free(s);

    s = SSL_new(ctx);
    SSL_set_accept_state(s);
    io_report("accept without BIOs", s, SSL_accept(s));
    SSL_free(s);
}

int main(int argc, char **argv)
{
    diff_report_lib();
    if (argc < 2)
        return 2;
    ctx = SSL_CTX_new(TLS_method());
    if (strcmp(argv[1], "bio") == 0)
        bio_mode();
    else if (strcmp(argv[1], "fd") == 0)
        fd_mode();
    else if (strcmp(argv[1], "nobio") == 0)
        nobio_mode();
    else
        return 2;
    SSL_CTX_free(ctx);
    diff_print_errors("end");
    return 0;
}
