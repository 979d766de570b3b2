/*
 * shimssl differential test: SSL_CTX and SSL lifecycle, methods, reference
 * counts, ex_data and context switching.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "diff_common.h"

static int news, dups, frees;

static void on_new(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent;
    (void)ptr;
    (void)ad;
    (void)idx;
    (void)argp;
    news += (int)argl;
}

static int on_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d, int idx, long argl,
                  void *argp)
{
    (void)to;
    (void)from;
    (void)from_d;
    (void)idx;
    (void)argp;
    dups += (int)argl;
    return 1;
}

static void on_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent;
    (void)ptr;
    (void)ad;
    (void)idx;
    (void)argp;
    frees += (int)argl;
}

static void methods(void)
{
    const SSL_METHOD *m[] = {TLS_method(),     TLS_client_method(),     TLS_server_method(),
                             TLSv1_2_method(), TLSv1_2_client_method(), TLSv1_2_server_method()};
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        SSL_CTX *ctx = SSL_CTX_new(m[i]);
        SSL *s = SSL_new(ctx);
        printf("method %zu: ctx %s, ssl %s, is_server %d, same method %d, is_dtls %d\n", i,
               ctx ? "ok" : "NULL", s ? "ok" : "NULL", SSL_is_server(s),
               SSL_CTX_get_ssl_method(ctx) == m[i] && SSL_get_ssl_method(s) == m[i],
               SSL_is_dtls(s));
        SSL_set_connect_state(s);
        printf("  after connect_state: is_server %d\n", SSL_is_server(s));
        SSL_set_accept_state(s);
        printf("  after accept_state: is_server %d\n", SSL_is_server(s));
        SSL_free(s);
        SSL_CTX_free(ctx);
    }
    diff_print_errors("methods");
}

static void null_arguments(void)
{
    printf("SSL_CTX_new(NULL): %s\n", SSL_CTX_new(NULL) ? "object" : "NULL");
    diff_print_errors("SSL_CTX_new(NULL)");
    printf("SSL_new(NULL): %s\n", SSL_new(NULL) ? "object" : "NULL");
    diff_print_errors("SSL_new(NULL)");
    SSL_free(NULL);
    SSL_CTX_free(NULL);
    diff_print_errors("free(NULL)");
}

static void refcounts_and_ex_data(void)
{
    int sidx = SSL_get_ex_new_index(1, NULL, on_new, on_dup, on_free);
    int cidx = SSL_CTX_get_ex_new_index(10, NULL, on_new, on_dup, on_free);
    printf("ex indices valid: %d %d, store idx valid %d, stable %d\n", sidx >= 0, cidx >= 0,
           SSL_get_ex_data_X509_STORE_CTX_idx() >= 0,
           SSL_get_ex_data_X509_STORE_CTX_idx() == SSL_get_ex_data_X509_STORE_CTX_idx());
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    printf("after ctx new: news %d\n", news);
    printf("ctx up_ref: %d\n", SSL_CTX_up_ref(ctx));
    SSL_CTX_free(ctx);
    SSL *s = SSL_new(ctx);
    printf("after ssl new: news %d\n", news);
    printf("set ex: %d %d\n", SSL_set_ex_data(s, sidx, "conn"),
           SSL_CTX_set_ex_data(ctx, cidx, "ctx"));
    printf("get ex: %s %s\n", (char *)SSL_get_ex_data(s, sidx),
           (char *)SSL_CTX_get_ex_data(ctx, cidx));
    printf("get ex of unset index: %p\n", SSL_get_ex_data(s, sidx + 100));
    printf("ssl up_ref: %d\n", SSL_up_ref(s));
    SSL_free(s);
    printf("ssl still alive, ctx of ssl is ctx: %d\n", SSL_get_SSL_CTX(s) == ctx);

    SSL *d = SSL_dup(s);
    printf("dup of a fresh SSL is a new object: %d, dups %d, news %d\n", d != s, dups, news);
    printf("dup keeps ex data: %s\n", (char *)SSL_get_ex_data(d, sidx));
    SSL_free(d);
    printf("after dup free: frees %d\n", frees);

    SSL_CTX *other = SSL_CTX_new(TLS_client_method());
    printf("set_SSL_CTX returns the new ctx: %d\n", SSL_set_SSL_CTX(s, other) == other);
    printf("get_SSL_CTX is other: %d\n", SSL_get_SSL_CTX(s) == other);
    printf("set_SSL_CTX(NULL) returns the original ctx: %d\n", SSL_set_SSL_CTX(s, NULL) == ctx);
    printf("SSL_clear: %d\n", SSL_clear(s));
    SSL_free(s);
    SSL_CTX_free(other);
    printf("before ctx free: frees %d\n", frees);
    SSL_CTX_free(ctx);
    printf("after ctx free: frees %d\n", frees);
    diff_print_errors("refcounts");
}

int main(void)
{
    diff_report_lib();
    methods();
    null_arguments();
    refcounts_and_ex_data();
    return 0;
}
