/*
 * shimssl differential test: SSL_get_error, SSL_want and the shutdown flags
 * on connections that have not started a handshake.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Without a handshake the SSL waits for nothing (SSL_NOTHING), so what can
 * vary is the return value, the error queue, the shutdown flags and the
 * retry flags left on the BIOs (which must then be ignored).
 */
#include "diff_common.h"

#include <limits.h>
#include <string.h>

static const int ret_values[] = {1, 100, INT_MAX, 0, -1, -2, INT_MIN};
#define NRET (sizeof(ret_values) / sizeof(ret_values[0]))

/* What the error queue holds when SSL_get_error looks at it. */
static const char *const queue_names[] = {
    "empty", "SYS", "SSL", "BIO", "EVP", "SYS then SSL", "SSL then SYS", "cleared",
};
#define NQUEUE (sizeof(queue_names) / sizeof(queue_names[0]))

static void fill_queue(size_t which)
{
    ERR_clear_error();
    switch (which) {
    case 1:
        ERR_raise(ERR_LIB_SYS, 104); /* ECONNRESET */
        break;
    case 2:
        ERR_raise(ERR_LIB_SSL, SSL_R_WRONG_VERSION_NUMBER);
        break;
    case 3:
        ERR_raise(ERR_LIB_BIO, BIO_R_BROKEN_PIPE);
        break;
    case 4:
        ERR_raise(ERR_LIB_EVP, EVP_R_BAD_DECRYPT);
        break;
    case 5:
        ERR_raise(ERR_LIB_SYS, 32);
        ERR_raise(ERR_LIB_SSL, SSL_R_PROTOCOL_IS_SHUTDOWN);
        break;
    case 6:
        ERR_raise(ERR_LIB_SSL, SSL_R_PROTOCOL_IS_SHUTDOWN);
        ERR_raise(ERR_LIB_SYS, 32);
        break;
    case 7:
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        ERR_clear_error();
        break;
    default:
        break;
    }
}

static void grid(const char *label, SSL *s)
{
    printf("%s: want %d shutdown %d\n", label, SSL_want(s), SSL_get_shutdown(s));
    for (size_t q = 0; q < NQUEUE; q++) {
        printf("  queue %-13s:", queue_names[q]);
        for (size_t r = 0; r < NRET; r++) {
            fill_queue(q);
            printf(" %d", SSL_get_error(s, ret_values[r]));
            /* SSL_get_error only peeks: the queue is left as it was. */
            if (q != 0 && q != 7 && ERR_peek_error() == 0)
                printf("(queue emptied!)");
        }
        printf("\n");
    }
    ERR_clear_error();
}

static void shutdown_states(SSL_CTX *ctx)
{
    SSL *s = SSL_new(ctx);
    const int modes[] = {0,
                         SSL_SENT_SHUTDOWN,
                         SSL_RECEIVED_SHUTDOWN,
                         SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN,
                         0x7fff,
                         -1,
                         4};

    printf("want macros: nothing %d reading %d writing %d x509 %d async %d async_job %d"
           " client_hello %d retry_verify %d\n",
           SSL_want_nothing(s), SSL_want_read(s), SSL_want_write(s), SSL_want_x509_lookup(s),
           SSL_want_async(s), SSL_want_async_job(s), SSL_want_client_hello_cb(s),
           SSL_want_retry_verify(s));
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        char label[64];

        SSL_set_shutdown(s, modes[i]);
        snprintf(label, sizeof(label), "set_shutdown(%d)", modes[i]);
        grid(label, s);
    }
    SSL_set_shutdown(s, SSL_RECEIVED_SHUTDOWN);
    SSL_clear(s);
    grid("after SSL_clear", s);
    SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_set_connect_state(s);
    grid("after set_connect_state", s);
    SSL_set_shutdown(s, SSL_RECEIVED_SHUTDOWN);
    SSL_set_accept_state(s);
    grid("after set_accept_state", s);
    SSL_free(s);
    diff_print_errors("shutdown states");
}

/* Retry flags left on the BIOs do not matter while the SSL waits for nothing. */
static void bio_retry_flags(SSL_CTX *ctx)
{
    SSL *s = SSL_new(ctx);
    BIO *r = BIO_new(BIO_s_mem()), *w = BIO_new(BIO_s_mem());
    char buf[8];

    SSL_set_bio(s, r, w);
    BIO_set_mem_eof_return(r, -1);
    printf("empty mem read: %d should_read %d\n", BIO_read(r, buf, sizeof(buf)),
           BIO_should_read(r));
    grid("rbio wants read", s);
    BIO_set_flags(w, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY);
    grid("wbio wants write too", s);
    BIO_clear_retry_flags(r);
    BIO_set_flags(r, BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
    BIO_set_retry_reason(r, BIO_RR_CONNECT);
    grid("rbio io special (connect)", s);
    SSL_set_shutdown(s, SSL_RECEIVED_SHUTDOWN);
    grid("and received shutdown", s);
    SSL_free(s);

    /* A BIO pair that cannot take more data. */
    s = SSL_new(ctx);
    {
        BIO *b1, *b2;
        char big[64] = {0};

        BIO_new_bio_pair(&b1, 16, &b2, 16);
        SSL_set_bio(s, b1, b1);
        printf("pair write: %d then %d should_write %d\n", BIO_write(b1, big, 16),
               BIO_write(b1, big, 16), BIO_should_write(b1));
        grid("bio pair full", s);
        SSL_free(s);
        BIO_free(b2);
    }
    diff_print_errors("bio retry flags");
}

int main(void)
{
    SSL_CTX *ctx;
    SSL *s;

    diff_report_lib();
    ctx = SSL_CTX_new(TLS_method());
    s = SSL_new(ctx);
    grid("fresh", s);
    SSL_free(s);
    shutdown_states(ctx);
    bio_retry_flags(ctx);
    SSL_CTX_free(ctx);
    diff_print_errors("end");
    return 0;
}
