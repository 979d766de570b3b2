/*
 * shimssl differential test: a slow or silent client costs a server bounded
 * memory (issue 14).  libcrypto's allocator is replaced before anything is
 * allocated, so every byte libssl (stock or ours) and libcrypto hold is
 * counted; the program prints only comparisons against fixed bounds, which
 * stock must meet, so the outputs compare equal whatever the exact sizes.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_slow silent|trickle
 *   silent   a record and handshake header announcing a 16 KB ClientHello,
 *            then nothing, and the server asked again and again
 *   trickle  a real ClientHello (padded to about 16 KB) one byte per call
 */
#include "diff_common.h"

#include <string.h>

/* Each block carries its size in front, so free knows what it returns. */
#define HDR 16
static size_t live, peak;

static void *count_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    unsigned char *p = malloc(n + HDR);
    if (p == NULL)
        return NULL;
    memcpy(p, &n, sizeof(n));
    live += n;
    if (live > peak)
        peak = live;
    return p + HDR;
}

static void count_free(void *q, const char *file, int line)
{
    (void)file;
    (void)line;
    if (q == NULL)
        return;
    unsigned char *p = (unsigned char *)q - HDR;
    size_t n;
    memcpy(&n, p, sizeof(n));
    live -= n;
    free(p);
}

static void *count_realloc(void *q, size_t n, const char *file, int line)
{
    if (q == NULL)
        return count_malloc(n, file, line);
    if (n == 0) {
        count_free(q, file, line);
        return NULL;
    }
    void *r = count_malloc(n, file, line);
    if (r == NULL)
        return NULL;
    size_t old;
    memcpy(&old, (unsigned char *)q - HDR, sizeof(old));
    memcpy(r, q, old < n ? old : n);
    count_free(q, file, line);
    return r;
}

#define KIB(n) ((size_t)(n)*1024)

/* A server over a memory BIO pair whose client end the caller writes. */
static SSL *new_server(SSL_CTX *ctx, BIO **client_end)
{
    BIO *ours;
    SSL *s = SSL_new(ctx);
    BIO_new_bio_pair(&ours, 32768, client_end, 32768);
    SSL_set_bio(s, ours, ours);
    SSL_set_accept_state(s);
    return s;
}

static void silent(SSL_CTX *ctx)
{
    BIO *peer;
    SSL *s = new_server(ctx, &peer);
    size_t base = live;
    int r = SSL_accept(s);
    printf("nothing received: %d, SSL_get_error %d\n", r, SSL_get_error(s, r));
    /* handshake record of 16384 bytes; ClientHello of 16380 */
    static const unsigned char hdr[] = {22, 3, 1, 0x40, 0x00, 1, 0x00, 0x3f, 0xfc};
    BIO_write(peer, hdr, sizeof(hdr));
    r = SSL_accept(s);
    printf("headers announcing a 16 KB ClientHello: %d, SSL_get_error %d\n", r,
           SSL_get_error(s, r));
    size_t after = live;
    peak = live;
    for (int i = 0; i < 1000; i++)
        r = SSL_accept(s);
    printf("1000 more calls, nothing more received: %d, SSL_get_error %d\n", r,
           SSL_get_error(s, r));
    /* (the sizes themselves on stderr, which is not compared) */
    fprintf(stderr, "silent: held %zu, after the calls %zu, peak %zu\n", after - base, live - base,
            peak - base);
    printf("held while waiting under 96 KiB: %d\n", after - base < KIB(96));
    printf("no growth over the 1000 calls: %d\n", live <= after);
    printf("no call's temporary use over 16 KiB: %d\n", peak - after < KIB(16));
    diff_print_errors("silent");
    SSL_free(s);
    BIO_free(peer);
}

/* The ClientHello a default client sends, padded with a padding extension
 * (from a custom extension of 15000 zero bytes) so that it fills most of a
 * record. */
static int add_pad(SSL *s, unsigned int ext_type, unsigned int context, const unsigned char **out,
                   size_t *outlen, X509 *x, size_t chainidx, int *al, void *arg)
{
    static const unsigned char zeros[15000];
    (void)s, (void)ext_type, (void)context, (void)x, (void)chainidx, (void)al, (void)arg;
    *out = zeros;
    *outlen = sizeof(zeros);
    return 1;
}

static size_t client_hello(unsigned char *buf, size_t cap)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_add_custom_ext(cctx, 65000, SSL_EXT_CLIENT_HELLO, add_pad, NULL, NULL, NULL, NULL);
    BIO *peer;
    SSL *c = SSL_new(cctx);
    BIO *ours;
    BIO_new_bio_pair(&ours, 32768, &peer, 32768);
    SSL_set_bio(c, ours, ours);
    SSL_set_connect_state(c);
    SSL_do_handshake(c);
    int n = BIO_read(peer, buf, (int)cap);
    SSL_free(c);
    BIO_free(peer);
    SSL_CTX_free(cctx);
    return n > 0 ? (size_t)n : 0;
}

static void trickle(SSL_CTX *ctx)
{
    static unsigned char hello[32768];
    size_t len = client_hello(hello, sizeof(hello));
    printf("ClientHello record over 15000 bytes: %d\n", len > 15000);
    BIO *peer;
    SSL *s = new_server(ctx, &peer);
    size_t base = live, held_at_10 = 0;
    int r = 0, all_want_read = 1;
    peak = live;
    /* All but the last byte, one per call. */
    for (size_t i = 0; i + 1 < len; i++) {
        BIO_write(peer, hello + i, 1);
        r = SSL_accept(s);
        if (r != -1 || SSL_get_error(s, r) != SSL_ERROR_WANT_READ)
            all_want_read = 0;
        if (i == 10)
            held_at_10 = live;
    }
    fprintf(stderr, "trickle: %zu bytes, held at byte 10 %zu, at the end %zu, peak %zu\n", len,
            held_at_10 - base, live - base, peak - base);
    printf("every call wants more: %d\n", all_want_read);
    printf("held at the end under 96 KiB: %d\n", live - base < KIB(96));
    printf("peak under 96 KiB: %d\n", peak - base < KIB(96));
    printf("held from the 10th byte on grows by at most the message: %d\n",
           live <= held_at_10 + len + KIB(1));
    diff_print_errors("trickle");
    SSL_free(s);
    BIO_free(peer);
}

int main(int argc, char **argv)
{
    /* First: once libcrypto has allocated anything, this fails. */
    int set = CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free);
    if (argc < 2)
        return 2;
    diff_report_lib();
    printf("allocator counted: %d\n", set);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (strcmp(argv[1], "silent") == 0)
        silent(ctx);
    else
        trickle(ctx);
    SSL_CTX_free(ctx);
    diff_print_errors("end");
    return 0;
}
