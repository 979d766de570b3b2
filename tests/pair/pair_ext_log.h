/*
 * Custom-extension callbacks for the pair suites (pair_extensions.c,
 * pair_custom_ext.c) that record what they were called with and answer as
 * told: one struct pair_ext_log per side and extension, given as both the
 * add and the parse argument.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIMSSL_PAIR_EXT_LOG_H
#define SHIMSSL_PAIR_EXT_LOG_H

#include <stddef.h>

#include <openssl/ssl.h>

struct pair_ext_log {
    /* What the callbacks saw. */
    int add_calls, free_calls, parse_calls;
    unsigned add_contexts, parse_contexts;
    int add_with_cert, parse_with_cert;          /* calls that had a certificate */
    size_t add_chainidx_max, parse_chainidx_max; /* the largest chain index seen */
    unsigned char last[64];                      /* the last body parsed (cut) */
    size_t last_len;
    /* How they answer. */
    int add_result;   /* 1 add payload, 0 do not, -1 fail with alert */
    int parse_result; /* 1 accept, 0 fail with alert */
    int alert;
    int leaf_only; /* in a Certificate, add only on the leaf */
    const char *payload;
};

/* Clears l: callbacks that add payload and accept what they parse. */
void pair_ext_log_reset(struct pair_ext_log *l, const char *payload);

int pair_ext_add_cb(SSL *s, unsigned int ext_type, unsigned int context, const unsigned char **out,
                    size_t *outlen, X509 *x, size_t chainidx, int *al, void *arg);
void pair_ext_free_cb(SSL *s, unsigned int ext_type, unsigned int context, const unsigned char *out,
                      void *arg);
int pair_ext_parse_cb(SSL *s, unsigned int ext_type, unsigned int context, const unsigned char *in,
                      size_t inlen, X509 *x, size_t chainidx, int *al, void *arg);

#endif
