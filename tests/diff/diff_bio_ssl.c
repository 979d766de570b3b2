/*
 * shimssl differential test: the SSL filter BIO and its constructors, for
 * everything that works before a handshake.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_bio_ssl basic|chain|ctrl|dup
 */
#include "diff_common.h"
#include "diff_track.h"

#include <string.h>

static SSL_CTX *ctx;
static int ssl_name_idx;

/* SSL objects carry a name in ex_data; freeing one prints it. */
static void on_ssl_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    (void)argl;
    (void)argp;
    if (ptr != NULL)
        printf("    SSL %s freed\n", (const char *)ptr);
}

static SSL *named_ssl(const char *name)
{
    SSL *s = SSL_new(ctx);

    SSL_set_ex_data(s, ssl_name_idx, (void *)name);
    return s;
}

static const char *ssl_name(SSL *s)
{
    const char *n;

    if (s == NULL)
        return "NULL";
    n = SSL_get_ex_data(s, ssl_name_idx);
    return n != NULL ? n : "unnamed";
}

static void show_chain(const char *label, BIO *b)
{
    printf("  %s:", label);
    for (; b != NULL; b = BIO_next(b))
        printf(" %s(%d)", track_name(b), BIO_method_type(b));
    printf("\n");
}

static SSL *get_ssl(BIO *b)
{
    SSL *s = NULL;
    long r = BIO_get_ssl(b, &s);

    printf("  BIO_get_ssl = %ld -> %s\n", r, ssl_name(s));
    return s;
}

static void basic(void)
{
    BIO *b, *b2;
    SSL *s, *got;
    char buf[16];

    printf("BIO_f_ssl stable: %d\n", BIO_f_ssl() == BIO_f_ssl());
    b = track(BIO_new(BIO_f_ssl()), "SB");
    printf("new: type %d name %s\n", BIO_method_type(b), BIO_method_name(b));
    /* Without an SSL every ctrl but SET_SSL answers 0. */
    get_ssl(b);
    printf("  get_close %ld pending %ld wpending %ld flush %ld eof %ld\n", (long)BIO_get_close(b),
           (long)BIO_pending(b), (long)BIO_wpending(b), (long)BIO_flush(b), (long)BIO_eof(b));
    printf("  should_retry %d retry_reason %d\n", BIO_should_retry(b), BIO_get_retry_reason(b));
    printf("  read %d write %d puts %d gets %d\n", BIO_read(b, buf, 4), BIO_write(b, "ab", 2),
           BIO_puts(b, "x"), BIO_gets(b, buf, sizeof(buf)));
    diff_print_errors("no ssl");
    BIO_ssl_shutdown(b); /* no SSL: nothing to do */
    diff_print_errors("BIO_ssl_shutdown without ssl");
    printf("free without ssl\n");
    BIO_free(b);
    track_drain();

    printf("set_ssl NOCLOSE\n");
    b = track(BIO_new(BIO_f_ssl()), "SB");
    s = named_ssl("S1");
    printf("  BIO_set_ssl = %ld\n", BIO_set_ssl(b, s, BIO_NOCLOSE));
    got = get_ssl(b);
    printf("  same %d get_close %ld BIO_get_ssl(NULL) %ld\n", got == s, (long)BIO_get_close(b),
           BIO_ctrl(b, BIO_C_GET_SSL, 0, NULL));
    show_chain("chain", b);
    printf("  free BIO\n");
    BIO_free(b);
    track_drain();
    printf("  SSL_free\n");
    SSL_free(s);

    printf("set_ssl NOCLOSE then set_close\n");
    b = track(BIO_new(BIO_f_ssl()), "SB");
    s = named_ssl("S2");
    BIO_set_ssl(b, s, BIO_NOCLOSE);
    printf("  set_close = %d get_close %ld\n", BIO_set_close(b, BIO_CLOSE), (long)BIO_get_close(b));
    printf("  free BIO\n");
    BIO_free(b);
    track_drain();

    printf("BIO_new_ssl client / server\n");
    for (int client = 1; client >= 0; client--) {
        b = track(BIO_new_ssl(ctx, client), "NS");
        got = get_ssl(b);
        printf("  client=%d: is_server %d get_close %ld in_init %d type %d\n", client,
               SSL_is_server(got), (long)BIO_get_close(b), SSL_in_init(got), BIO_method_type(b));
        SSL_set_ex_data(got, ssl_name_idx, (void *)"NSSL");
        printf("  set_ssl_mode(1) = %ld is_server %d\n", BIO_set_ssl_mode(b, 1),
               SSL_is_server(got));
        printf("  set_ssl_mode(0) = %ld is_server %d\n", BIO_set_ssl_mode(b, 0),
               SSL_is_server(got));
        BIO_free(b);
        track_drain();
    }
    printf("BIO_new_ssl(NULL) %s\n", BIO_new_ssl(NULL, 1) == NULL ? "NULL" : "BIO");
    diff_print_errors("BIO_new_ssl(NULL)");

    printf("replacing the SSL\n");
    b = track(BIO_new(BIO_f_ssl()), "SB");
    BIO_set_ssl(b, named_ssl("OLD"), BIO_CLOSE);
    s = named_ssl("NEW");
    printf("  BIO_set_ssl(NEW, NOCLOSE) = %ld\n", BIO_set_ssl(b, s, BIO_NOCLOSE));
    get_ssl(b);
    printf("  get_close %ld\n", (long)BIO_get_close(b));
    b2 = track(BIO_new(BIO_f_ssl()), "SB2");
    BIO_set_ssl(b2, s, BIO_CLOSE); /* two BIOs on one SSL; only b2 frees it */
    BIO_free(b);
    BIO_free(b2);
    track_drain();
    diff_print_errors("basic");
}

static void chain(void)
{
    BIO *b, *m, *m2, *f;
    SSL *s;

    printf("push onto a mem BIO\n");
    b = track(BIO_new_ssl(ctx, 1), "SB");
    m = track_mem("M");
    s = get_ssl(b);
    SSL_set_ex_data(s, ssl_name_idx, (void *)"S");
    BIO_push(b, m);
    show_chain("after push", b);
    printf("  rbio %s wbio %s\n", track_name(SSL_get_rbio(s)), track_name(SSL_get_wbio(s)));
    BIO_write(m, "hello", 5);
    printf("  wpending %ld flush %d eof %d get_fd %d info %ld\n", (long)BIO_wpending(b),
           BIO_flush(b), BIO_eof(b), (int)BIO_get_fd(b, NULL), BIO_ctrl(b, BIO_CTRL_INFO, 0, NULL));
    printf("  should_retry after flush %d\n", BIO_should_retry(b));
    diff_print_errors("pass-through");
    printf("  pop\n");
    printf("  BIO_pop returned %s\n", track_name(BIO_pop(b)));
    printf("  rbio %s wbio %s\n", track_name(SSL_get_rbio(s)), track_name(SSL_get_wbio(s)));
    show_chain("after pop", b);
    printf("  push again, then free_all\n");
    BIO_push(b, m);
    BIO_free_all(b);
    track_drain();

    printf("push a socket BIO: fd pass-through\n");
    b = track(BIO_new_ssl(ctx, 0), "SB");
    BIO_push(b, track(BIO_new_socket(7, BIO_NOCLOSE), "SOCK"));
    {
        int fd = -2;
        long r = BIO_get_fd(b, &fd);
        printf("  get_fd = %ld fd %d\n", r, fd);
    }
    BIO_free(b);
    track_drain();

    printf("set_ssl with an SSL that has BIOs\n");
    s = named_ssl("S");
    m = track_mem("R");
    m2 = track_mem("W");
    SSL_set_bio(s, m, m2);
    b = track(BIO_new(BIO_f_ssl()), "SB");
    BIO_set_ssl(b, s, BIO_CLOSE);
    show_chain("chain", b);
    printf("  free SB alone\n");
    BIO_free(b);
    track_drain();

    printf("set_ssl behind a filter already chained\n");
    f = track(BIO_new(BIO_f_ssl()), "SB");
    m = track_mem("NEXT");
    BIO_push(f, m); /* no SSL yet: the push ctrl is ignored */
    s = named_ssl("S");
    m2 = track_mem("R");
    SSL_set_bio(s, m2, m2);
    BIO_set_ssl(f, s, BIO_CLOSE);
    show_chain("chain", f);
    printf("  rbio %s wbio %s\n", track_name(SSL_get_rbio(s)), track_name(SSL_get_wbio(s)));
    printf("  free_all\n");
    BIO_free_all(f);
    track_drain();

    printf("replace an SSL whose rbio is chained\n");
    f = track(BIO_new(BIO_f_ssl()), "SB");
    s = named_ssl("S1");
    m = track_mem("R1");
    SSL_set_bio(s, m, m);
    BIO_set_ssl(f, s, BIO_CLOSE);
    s = named_ssl("S2");
    m2 = track_mem("R2");
    SSL_set_bio(s, m2, m2);
    BIO_set_ssl(f, s, BIO_CLOSE);
    show_chain("chain", f);
    printf("  free_all\n");
    BIO_free_all(f);
    track_drain();

    printf("BIO_new_ssl_connect\n");
    b = BIO_new_ssl_connect(ctx);
    show_chain("chain", b);
    s = get_ssl(b);
    printf("  is_server %d rbio is next %d wbio is next %d\n", SSL_is_server(s),
           SSL_get_rbio(s) == BIO_next(b), SSL_get_wbio(s) == BIO_next(b));
    printf("  set_conn_hostname %ld -> %s\n", BIO_set_conn_hostname(b, "example.test:443"),
           BIO_get_conn_hostname(BIO_next(b)));
    printf("  conn_port via filter %s\n", BIO_get_conn_port(b) ? BIO_get_conn_port(b) : "NULL");
    printf("  set info callback %ld\n",
           BIO_callback_ctrl(b, BIO_CTRL_SET_CALLBACK, (BIO_info_cb *)NULL));
    BIO_free_all(b);
    printf("BIO_new_ssl_connect(NULL) %s\n", BIO_new_ssl_connect(NULL) == NULL ? "NULL" : "BIO");
    diff_print_errors("BIO_new_ssl_connect(NULL)");

    printf("BIO_new_buffer_ssl_connect\n");
    b = BIO_new_buffer_ssl_connect(ctx);
    printf("  types %d %d %d %s\n", BIO_method_type(b), BIO_method_type(BIO_next(b)),
           BIO_method_type(BIO_next(BIO_next(b))),
           BIO_next(BIO_next(BIO_next(b))) == NULL ? "end" : "more");
    s = get_ssl(b); /* passes through the buffer BIO */
    printf("  is_server %d\n", SSL_is_server(s));
    BIO_free_all(b);
    printf("BIO_new_buffer_ssl_connect(NULL) %s\n",
           BIO_new_buffer_ssl_connect(NULL) == NULL ? "NULL" : "BIO");
    diff_print_errors("chain");
}

static void ctrl(void)
{
    BIO *b = BIO_new_ssl(ctx, 1);
    BIO *m = track_mem("M");

    printf("renegotiation settings\n");
    printf("  bytes 100 -> %ld\n", BIO_set_ssl_renegotiate_bytes(b, 100));
    printf("  bytes 511 -> %ld\n", BIO_set_ssl_renegotiate_bytes(b, 511));
    printf("  bytes 512 -> %ld\n", BIO_set_ssl_renegotiate_bytes(b, 512));
    printf("  bytes 4096 -> %ld\n", BIO_set_ssl_renegotiate_bytes(b, 4096));
    printf("  bytes -1 -> %ld\n", BIO_set_ssl_renegotiate_bytes(b, -1));
    printf("  bytes 0 -> %ld\n", BIO_set_ssl_renegotiate_bytes(b, 0));
    printf("  timeout 10 -> %ld\n", BIO_set_ssl_renegotiate_timeout(b, 10));
    printf("  timeout 60 -> %ld\n", BIO_set_ssl_renegotiate_timeout(b, 60));
    printf("  timeout 59 -> %ld\n", BIO_set_ssl_renegotiate_timeout(b, 59));
    printf("  timeout 3600 -> %ld\n", BIO_set_ssl_renegotiate_timeout(b, 3600));
    printf("  timeout -5 -> %ld\n", BIO_set_ssl_renegotiate_timeout(b, -5));
    printf("  num_renegotiates %ld\n", BIO_get_num_renegotiates(b));

    printf("pass-through with no transport\n");
    /* (No flush: with nothing behind the filter stock dereferences NULL.) */
    printf("  wpending %ld eof %ld get_fd %d ctrl(99) %ld\n", (long)BIO_wpending(b),
           (long)BIO_eof(b), (int)BIO_get_fd(b, NULL), BIO_ctrl(b, 99, 1, NULL));
    printf("  set callback ctrl %ld\n", BIO_ctrl(b, BIO_CTRL_SET_CALLBACK, 0, NULL));
    printf("  callback_ctrl %ld\n",
           BIO_callback_ctrl(b, BIO_CTRL_SET_CALLBACK, (BIO_info_cb *)NULL));
    printf("  callback_ctrl other cmd %ld\n", BIO_callback_ctrl(b, BIO_CTRL_FLUSH, NULL));
    diff_print_errors("no transport");

    printf("pass-through to a mem BIO\n");
    BIO_push(b, m);
    BIO_write(m, "abc", 3);
    printf("  eof %ld set_close %ld get_close %ld ctrl(99) %ld\n", (long)BIO_eof(b),
           (long)BIO_ctrl(b, BIO_CTRL_SET_CLOSE, BIO_CLOSE, NULL), (long)BIO_get_close(b),
           BIO_ctrl(b, 99, 1, NULL));
    printf("  callback_ctrl to mem %ld\n",
           BIO_callback_ctrl(b, BIO_CTRL_SET_CALLBACK, (BIO_info_cb *)NULL));
    printf("  mem_eof_return %ld\n", BIO_set_mem_eof_return(b, -1));
    diff_print_errors("mem transport");
    BIO_free_all(b);
    track_drain();
    diff_print_errors("ctrl");
}

static void dup_mode(void)
{
    BIO *b = BIO_new_ssl(ctx, 0), *d;
    BIO *m = track_mem("M");
    SSL *s, *ds;

    printf("dup chain\n");
    s = get_ssl(b);
    SSL_set_ex_data(s, ssl_name_idx, (void *)"ORIG");
    BIO_set_ssl_renegotiate_bytes(b, 1000);
    BIO_set_ssl_renegotiate_timeout(b, 120);
    BIO_push(b, m);
    d = BIO_dup_chain(b);
    printf("  dup %s\n", d == NULL ? "NULL" : "BIO");
    ds = NULL;
    BIO_get_ssl(d, &ds);
    printf("  distinct ssl %d is_server %d get_close %ld\n", ds != s, SSL_is_server(ds),
           (long)BIO_get_close(d));
    printf("  dup next is a mem BIO %d, rbio is next %d, wbio is next %d\n",
           BIO_method_type(BIO_next(d)) == BIO_TYPE_MEM, SSL_get_rbio(ds) == BIO_next(d),
           SSL_get_wbio(ds) == BIO_next(d));
    printf("  renegotiate bytes copied: %ld\n", BIO_set_ssl_renegotiate_bytes(d, 0));
    printf("  renegotiate timeout copied: %ld\n", BIO_set_ssl_renegotiate_timeout(d, 60));
    printf("  free dup\n");
    BIO_free_all(d);
    printf("  free original\n");
    BIO_free_all(b);
    track_drain();

    printf("BIO_ssl_copy_session_id failures\n");
    b = BIO_new_ssl(ctx, 1);
    d = BIO_new(BIO_f_ssl());
    m = BIO_new(BIO_s_mem());
    printf("  (NULL, NULL) = %d\n", BIO_ssl_copy_session_id(NULL, NULL));
    diff_print_errors("  (NULL, NULL)");
    printf("  (ssl, NULL) = %d\n", BIO_ssl_copy_session_id(b, NULL));
    diff_print_errors("  (ssl, NULL)");
    printf("  (mem, ssl) = %d\n", BIO_ssl_copy_session_id(m, b));
    diff_print_errors("  (mem, ssl)");
    printf("  (ssl, empty ssl BIO) = %d\n", BIO_ssl_copy_session_id(b, d));
    diff_print_errors("  (ssl, empty ssl BIO)");
    printf("  (empty ssl BIO, ssl) = %d\n", BIO_ssl_copy_session_id(d, b));
    diff_print_errors("  (empty ssl BIO, ssl)");
    BIO_ssl_shutdown(NULL);
    BIO_ssl_shutdown(m);
    BIO_push(m, d);
    BIO_ssl_shutdown(m); /* an SSL BIO without SSL down the chain */
    diff_print_errors("  BIO_ssl_shutdown without SSLs");
    BIO_free_all(m);
    BIO_free_all(b);
    diff_print_errors("dup");
}

int main(int argc, char **argv)
{
    diff_report_lib();
    if (argc < 2)
        return 2;
    ctx = SSL_CTX_new(TLS_method());
    ssl_name_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, on_ssl_free);
    if (strcmp(argv[1], "basic") == 0)
        basic();
    else if (strcmp(argv[1], "chain") == 0)
        chain();
    else if (strcmp(argv[1], "ctrl") == 0)
        ctrl();
    else if (strcmp(argv[1], "dup") == 0)
        dup_mode();
    else
        return 2;
    SSL_CTX_free(ctx);
    diff_print_errors("end");
    return 0;
}
