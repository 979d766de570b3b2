/*
 * shimssl differential test: small process-wide and per-connection
 * facilities: the compression-method list, group names, the extension types
 * libssl handles itself, SSL_sendfile without kernel TLS, and what async
 * mode shows an application that has no asynchronous engine.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_misc comp|group-names|ext-supported|sendfile|async
 */
#include "diff_common.h"

#include <fcntl.h>
#include <openssl/async.h>
#include <openssl/comp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void comp(void)
{
    STACK_OF(SSL_COMP) *m = SSL_COMP_get_compression_methods(), *old, *again;

    printf("methods %s, %d\n", m != NULL ? "list" : "NULL", m != NULL ? sk_SSL_COMP_num(m) : -1);
    printf("name of NULL %s, of zlib %s\n", SSL_COMP_get_name(NULL) ? "set" : "NULL",
           SSL_COMP_get_name(COMP_zlib()) ? SSL_COMP_get_name(COMP_zlib()) : "NULL");
    printf("add zlib at 200 -> %d\n", SSL_COMP_add_compression_method(200, COMP_zlib()));
    diff_print_errors("  ");
    printf("add NULL at 5 -> %d\n", SSL_COMP_add_compression_method(5, NULL));
    diff_print_errors("  ");
    printf("count now %d\n", sk_SSL_COMP_num(SSL_COMP_get_compression_methods()));
    old = SSL_COMP_set0_compression_methods(NULL);
    again = SSL_COMP_get_compression_methods();
    printf("set0 NULL returned the list %d; get after it %s\n", old == m,
           again != NULL ? "list" : "NULL");
    printf("set0 back returned %s\n", SSL_COMP_set0_compression_methods(old) ? "list" : "NULL");
    printf("get again is the list %d\n", SSL_COMP_get_compression_methods() == m);
    diff_print_errors("end");
}

static void group_names(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);

    for (int nid = 0; nid < 2000; nid++)
        if (SSL_group_to_name(s, nid) != NULL)
            printf("nid %d %s\n", nid, SSL_group_to_name(s, nid));
    for (int id = 0; id < 0x300; id++)
        if (SSL_group_to_name(s, TLSEXT_nid_unknown | id) != NULL)
            printf("code point %d %s\n", id, SSL_group_to_name(s, TLSEXT_nid_unknown | id));
    diff_print_errors("end");
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static void ext_supported(void)
{
    for (unsigned int t = 0; t < 70000; t++)
        if (SSL_extension_supported(t))
            printf("%u\n", t);
}

static void sendfile_checks(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *s = SSL_new(ctx);
    int fd = open("/dev/null", O_RDONLY);
    int sv[2];
    ossl_ssize_t r;

    printf("no role -> %zd\n", SSL_sendfile(s, fd, 0, 10, 0));
    diff_print_errors("  ");
    SSL_set_connect_state(s);
    SSL_set_bio(s, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    printf("memory BIO -> %zd\n", SSL_sendfile(s, fd, 0, 10, 0));
    diff_print_errors("  ");
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    SSL_set_fd(s, sv[0]);
    r = SSL_sendfile(s, fd, 0, 10, 0);
    printf("socket without kernel TLS -> %zd, get_error %d\n", r, SSL_get_error(s, (int)r));
    diff_print_errors("  ");
    SSL_set_shutdown(s, SSL_SENT_SHUTDOWN);
    printf("after shutdown sent -> %zd\n", SSL_sendfile(s, fd, 0, 10, 0));
    diff_print_errors("  ");
    SSL_free(s);
    SSL_CTX_free(ctx);
    close(fd), close(sv[0]), close(sv[1]);
}

static int async_cb_calls;
static int on_async(SSL *s, void *arg)
{
    (void)s, (void)arg;
    async_cb_calls++;
    return 1;
}

static void show_async(const char *label, SSL *s)
{
    size_t n = 99, add = 99, del = 99;
    int status = -7;
    int all = SSL_get_all_async_fds(s, NULL, &n);
    int changed = SSL_get_changed_async_fds(s, NULL, &add, NULL, &del);
    int st = SSL_get_async_status(s, &status);

    printf("%s: waiting %d, all fds %d (%zu), changed %d (%zu, %zu), status %d (%d)\n", label,
           SSL_waiting_for_async(s), all, n, changed, add, del, st, status);
}

static void async_mode(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *plain, *s;
    int r;

    printf("ctx callback %d, arg %d\n", SSL_CTX_set_async_callback(ctx, on_async),
           SSL_CTX_set_async_callback_arg(ctx, &async_cb_calls));
    plain = SSL_new(ctx);
    SSL_set_bio(plain, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    r = SSL_connect(plain);
    printf("sync connect %d, error %d\n", r, SSL_get_error(plain, r));
    show_async("sync mode after connect", plain);

    SSL_CTX_set_mode(ctx, SSL_MODE_ASYNC);
    s = SSL_new(ctx);
    printf("ssl callback %d, arg %d\n", SSL_set_async_callback(s, on_async),
           SSL_set_async_callback_arg(s, NULL));
    show_async("async mode before I/O", s);
    SSL_set_bio(s, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    r = SSL_connect(s);
    printf("async connect %d, error %d\n", r, SSL_get_error(s, r));
    show_async("async mode after connect", s);
    printf("callback calls %d\n", async_cb_calls);
    diff_print_errors("end");
    SSL_free(plain);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    diff_report_lib();
    if (strcmp(argv[1], "comp") == 0)
        comp();
    else if (strcmp(argv[1], "group-names") == 0)
        group_names();
    else if (strcmp(argv[1], "ext-supported") == 0)
        ext_supported();
    else if (strcmp(argv[1], "sendfile") == 0)
        sendfile_checks();
    else if (strcmp(argv[1], "async") == 0)
        async_mode();
    else
        return 2;
    return 0;
}
