/*
 * shimssl - the compression-method list (SSL_COMP_*).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * TLS compression is never negotiated (SSL_OP_NO_COMPRESSION is a default,
 * and Debian's libcrypto has no zlib method), but the list is process-wide
 * state that programs read and write, so it behaves as stock's: filled once
 * from COMP_zlib() when that method is real, methods added only in the
 * private id range 193..255, and SSL_COMP_add_compression_method returning
 * 0 on success and 1 on every refusal.
 */
#include "shim.h"

#include <openssl/comp.h>

struct ssl_comp_st {
    int id;
    const char *name;
    COMP_METHOD *method;
};

static STACK_OF(SSL_COMP) * methods;
static CRYPTO_ONCE load_once = CRYPTO_ONCE_STATIC_INIT;

static int by_id(const SSL_COMP *const *a, const SSL_COMP *const *b)
{
    return (*a)->id - (*b)->id;
}

static void free_method(SSL_COMP *c)
{
    OPENSSL_free(c);
}

static void free_methods(void)
{
    sk_SSL_COMP_pop_free(methods, free_method);
    methods = NULL;
}

/* As stock: a new list replaces whatever was set before the first load. */
static void load_builtin(void)
{
    COMP_METHOD *zlib = COMP_zlib();
    SSL_COMP *c;

    methods = sk_SSL_COMP_new(by_id);
    OPENSSL_atexit(free_methods);
    if (methods == NULL || COMP_get_type(zlib) == NID_undef)
        return;
    if ((c = OPENSSL_malloc(sizeof(*c))) == NULL)
        return;
    c->id = 1; /* zlib's number in the private table stock keeps */
    c->name = COMP_get_name(zlib);
    c->method = zlib;
    if (!sk_SSL_COMP_push(methods, c))
        OPENSSL_free(c);
    sk_SSL_COMP_sort(methods);
}

STACK_OF(SSL_COMP) * SSL_COMP_get_compression_methods(void)
{
    CRYPTO_THREAD_run_once(&load_once, load_builtin);
    return methods;
}

STACK_OF(SSL_COMP) * SSL_COMP_set0_compression_methods(STACK_OF(SSL_COMP) * meths)
{
    STACK_OF(SSL_COMP) *old = methods;
    methods = meths;
    return old;
}

int SSL_COMP_add_compression_method(int id, COMP_METHOD *cm)
{
    SSL_COMP *c;

    if (cm == NULL || COMP_get_type(cm) == NID_undef)
        return 1;
    /* 0-63 IETF, 64-192 IANA-assigned, 193-255 private use. */
    if (id < 193 || id > 255) {
        ERR_raise(ERR_LIB_SSL, SSL_R_COMPRESSION_ID_NOT_WITHIN_PRIVATE_RANGE);
        return 1;
    }
    if ((c = OPENSSL_malloc(sizeof(*c))) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 1;
    }
    c->id = id;
    c->name = NULL;
    c->method = cm;
    CRYPTO_THREAD_run_once(&load_once, load_builtin);
    if (methods != NULL && sk_SSL_COMP_find(methods, c) >= 0) {
        OPENSSL_free(c);
        ERR_raise(ERR_LIB_SSL, SSL_R_DUPLICATE_COMPRESSION_ID);
        return 1;
    }
    if (methods == NULL || !sk_SSL_COMP_push(methods, c)) {
        OPENSSL_free(c);
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 1;
    }
    return 0;
}

const char *SSL_COMP_get_name(const COMP_METHOD *comp)
{
    return comp != NULL ? COMP_get_name(comp) : NULL;
}

const char *SSL_COMP_get0_name(const SSL_COMP *comp)
{
    return comp->name;
}

int SSL_COMP_get_id(const SSL_COMP *comp)
{
    return comp->id;
}
