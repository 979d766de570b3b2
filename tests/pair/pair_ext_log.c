/*
 * Recording custom-extension callbacks for the pair suites (pair_ext_log.h).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "pair_ext_log.h"

#include <string.h>

void pair_ext_log_reset(struct pair_ext_log *l, const char *payload)
{
    memset(l, 0, sizeof(*l));
    l->add_result = l->parse_result = 1;
    l->payload = payload;
}

int pair_ext_add_cb(SSL *s, unsigned int ext_type, unsigned int context, const unsigned char **out,
                    size_t *outlen, X509 *x, size_t chainidx, int *al, void *arg)
{
    (void)s;
    (void)ext_type;
    struct pair_ext_log *l = arg;
    l->add_calls++;
    l->add_contexts |= context;
    if (x != NULL)
        l->add_with_cert++;
    if (chainidx > l->add_chainidx_max)
        l->add_chainidx_max = chainidx;
    if (l->add_result < 0) {
        *al = l->alert;
        return -1;
    }
    if (l->add_result == 0 || (l->leaf_only && chainidx > 0))
        return 0;
    *out = (const unsigned char *)l->payload;
    *outlen = strlen(l->payload);
    return 1;
}

void pair_ext_free_cb(SSL *s, unsigned int ext_type, unsigned int context, const unsigned char *out,
                      void *arg)
{
    (void)s;
    (void)ext_type;
    (void)context;
    (void)out;
    ((struct pair_ext_log *)arg)->free_calls++;
}

int pair_ext_parse_cb(SSL *s, unsigned int ext_type, unsigned int context, const unsigned char *in,
                      size_t inlen, X509 *x, size_t chainidx, int *al, void *arg)
{
    (void)s;
    (void)ext_type;
    struct pair_ext_log *l = arg;
    l->parse_calls++;
    l->parse_contexts |= context;
    if (x != NULL)
        l->parse_with_cert++;
    if (chainidx > l->parse_chainidx_max)
        l->parse_chainidx_max = chainidx;
    l->last_len = inlen < sizeof(l->last) ? inlen : sizeof(l->last);
    memcpy(l->last, in, l->last_len);
    if (!l->parse_result) {
        *al = l->alert;
        return 0;
    }
    return 1;
}
