/*
 * shimssl - lists of CA names: the client CA list a server sends in its
 * CertificateRequest, the certificate_authorities list, and the helpers
 * that read names from certificate files and directories.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/pem.h>
#include <openssl/store.h>
#include <string.h>
#include <sys/stat.h>

#include "objects.h"

static void set0_list(STACK_OF(X509_NAME) * *list, STACK_OF(X509_NAME) * names)
{
    sk_X509_NAME_pop_free(*list, X509_NAME_free);
    *list = names;
}

static int add_name(STACK_OF(X509_NAME) * *list, const X509 *x)
{
    X509_NAME *name;

    if (x == NULL)
        return 0;
    if (*list == NULL && (*list = sk_X509_NAME_new_null()) == NULL)
        return 0;
    if ((name = X509_NAME_dup(X509_get_subject_name(x))) == NULL)
        return 0;
    if (!sk_X509_NAME_push(*list, name)) {
        X509_NAME_free(name);
        return 0;
    }
    return 1;
}

STACK_OF(X509_NAME) * SSL_dup_CA_list(const STACK_OF(X509_NAME) * sk)
{
    int n = sk_X509_NAME_num(sk);
    STACK_OF(X509_NAME) *copy = sk_X509_NAME_new_reserve(NULL, n);

    if (copy == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        X509_NAME *name = X509_NAME_dup(sk_X509_NAME_value(sk, i));
        if (name == NULL) {
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            sk_X509_NAME_pop_free(copy, X509_NAME_free);
            return NULL;
        }
        sk_X509_NAME_push(copy, name); /* room was reserved */
    }
    return copy;
}

void SSL_CTX_set0_CA_list(SSL_CTX *ctx, STACK_OF(X509_NAME) * names)
{
    set0_list(&ctx->cfg.ca_names, names);
}

void SSL_set0_CA_list(SSL *s, STACK_OF(X509_NAME) * names)
{
    set0_list(&s->cfg.ca_names, names);
}

const STACK_OF(X509_NAME) * SSL_CTX_get0_CA_list(const SSL_CTX *ctx)
{
    return ctx->cfg.ca_names;
}

const STACK_OF(X509_NAME) * SSL_get0_CA_list(const SSL *s)
{
    return s->cfg.ca_names != NULL ? s->cfg.ca_names : s->ctx->cfg.ca_names;
}

int SSL_CTX_add1_to_CA_list(SSL_CTX *ctx, const X509 *x)
{
    return add_name(&ctx->cfg.ca_names, x);
}

int SSL_add1_to_CA_list(SSL *s, const X509 *x)
{
    return add_name(&s->cfg.ca_names, x);
}

void SSL_CTX_set_client_CA_list(SSL_CTX *ctx, STACK_OF(X509_NAME) * names)
{
    set0_list(&ctx->cfg.client_ca_names, names);
}

void SSL_set_client_CA_list(SSL *s, STACK_OF(X509_NAME) * names)
{
    set0_list(&s->cfg.client_ca_names, names);
}

STACK_OF(X509_NAME) * SSL_CTX_get_client_CA_list(const SSL_CTX *ctx)
{
    return ctx->cfg.client_ca_names;
}

int SSL_CTX_add_client_CA(SSL_CTX *ctx, X509 *x)
{
    return add_name(&ctx->cfg.client_ca_names, x);
}

int SSL_add_client_CA(SSL *s, X509 *x)
{
    return add_name(&s->cfg.client_ca_names, x);
}

/* ------------------------------------------------------ names from files */

/* Names compare by their DER encoding, as stock's do. */
static int name_cmp(const X509_NAME *a, const X509_NAME *b)
{
    unsigned char *da = NULL, *db = NULL;
    int la = i2d_X509_NAME(a, &da), lb = i2d_X509_NAME(b, &db), r;

    if (la < 0 || lb < 0)
        r = -2;
    else if (la != lb)
        r = la - lb;
    else
        r = memcmp(da, db, (size_t)la);
    OPENSSL_free(da);
    OPENSSL_free(db);
    return r;
}

static int name_sk_cmp(const X509_NAME *const *a, const X509_NAME *const *b)
{
    return name_cmp(*a, *b);
}

/* Every certificate's subject, once each. */
STACK_OF(X509_NAME) *
    SSL_load_client_CA_file_ex(const char *file, OSSL_LIB_CTX *libctx, const char *propq)
{
    BIO *in = BIO_new(BIO_s_file());
    X509 *x = X509_new_ex(libctx, propq);
    STACK_OF(X509_NAME) *names = NULL;
    int ok = in != NULL && x != NULL;

    if (!ok)
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    else
        ok = BIO_read_filename(in, file) > 0;
    while (ok && PEM_read_bio_X509(in, &x, NULL, NULL) != NULL) {
        X509_NAME *name = X509_NAME_dup(X509_get_subject_name(x));
        int dup = 0;

        if (names == NULL && (names = sk_X509_NAME_new_null()) == NULL) {
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            ok = 0;
        }
        if (name == NULL)
            ok = 0;
        for (int i = 0; ok && i < sk_X509_NAME_num(names) && !dup; i++)
            dup = name_cmp(sk_X509_NAME_value(names, i), name) == 0;
        if (!ok || dup || !sk_X509_NAME_push(names, name)) {
            X509_NAME_free(name);
            ok = ok && dup;
        }
    }
    if (!ok) {
        sk_X509_NAME_pop_free(names, X509_NAME_free);
        names = NULL;
    }
    BIO_free(in);
    X509_free(x);
    if (names != NULL)
        ERR_clear_error();
    return names;
}

STACK_OF(X509_NAME) * SSL_load_client_CA_file(const char *file)
{
    return SSL_load_client_CA_file_ex(file, NULL, NULL);
}

/* Adds the subjects not in the stack yet.  As with stock, looking names up
 * leaves the stack sorted. */
int SSL_add_file_cert_subjects_to_stack(STACK_OF(X509_NAME) * stack, const char *file)
{
    BIO *in = BIO_new(BIO_s_file());
    X509 *x = NULL;
    int ok = 1;
    int (*old)(const X509_NAME *const *, const X509_NAME *const *) =
        sk_X509_NAME_set_cmp_func(stack, name_sk_cmp);

    if (in == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        ok = 0;
    } else if (BIO_read_filename(in, file) <= 0) {
        ok = 0;
    }
    while (ok && PEM_read_bio_X509(in, &x, NULL, NULL) != NULL) {
        X509_NAME *name = X509_NAME_dup(X509_get_subject_name(x));
        if (name == NULL) {
            ok = 0;
        } else if (sk_X509_NAME_find(stack, name) >= 0) {
            X509_NAME_free(name);
        } else if (!sk_X509_NAME_push(stack, name)) {
            X509_NAME_free(name);
            ok = 0;
        }
    }
    if (ok)
        ERR_clear_error();
    BIO_free(in);
    X509_free(x);
    sk_X509_NAME_set_cmp_func(stack, old);
    return ok;
}

int SSL_add_dir_cert_subjects_to_stack(STACK_OF(X509_NAME) * stack, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int ok = 1;

    if (d == NULL) {
        ERR_raise_data(ERR_LIB_SYS, errno, "calling OPENSSL_dir_read(%s)", dir);
        ERR_raise(ERR_LIB_SSL, ERR_R_SYS_LIB);
        return 0;
    }
    errno = 0;
    while (ok && (e = readdir(d)) != NULL) {
        char path[1024];
        struct stat st;

        if (strlen(dir) + strlen(e->d_name) + 2 > sizeof(path)) {
            ERR_raise(ERR_LIB_SSL, SSL_R_PATH_TOO_LONG);
            ok = 0;
            break;
        }
        BIO_snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            continue; /* subdirectories (and . and ..) are skipped */
        ok = SSL_add_file_cert_subjects_to_stack(stack, path);
        errno = 0;
    }
    if (ok && errno != 0) {
        ERR_raise_data(ERR_LIB_SYS, errno, "calling OPENSSL_dir_read(%s)", dir);
        ERR_raise(ERR_LIB_SSL, ERR_R_SYS_LIB);
        ok = 0;
    }
    closedir(d);
    return ok;
}

/* One level of an OSSL_STORE: the certificates found at the URI and, one
 * level down, in the entries it names (a directory's files, say).  Errors
 * while loading end the walk quietly, as stock's does. */
static int add_store_names(STACK_OF(X509_NAME) * stack, const char *uri, int depth)
{
    OSSL_STORE_CTX *store = OSSL_STORE_open(uri, NULL, NULL, NULL, NULL);
    int ok = store != NULL;

    while (ok && !OSSL_STORE_eof(store) && !OSSL_STORE_error(store)) {
        OSSL_STORE_INFO *info = OSSL_STORE_load(store);
        X509_NAME *name;

        if (info == NULL)
            continue;
        switch (OSSL_STORE_INFO_get_type(info)) {
        case OSSL_STORE_INFO_NAME:
            if (depth > 0)
                ok = add_store_names(stack, OSSL_STORE_INFO_get0_NAME(info), depth - 1);
            break;
        case OSSL_STORE_INFO_CERT:
            name = X509_NAME_dup(X509_get_subject_name(OSSL_STORE_INFO_get0_CERT(info)));
            if (name == NULL) {
                ok = 0;
            } else if (sk_X509_NAME_find(stack, name) >= 0) {
                X509_NAME_free(name);
            } else if (!sk_X509_NAME_push(stack, name)) {
                X509_NAME_free(name);
                ok = 0;
            }
            break;
        }
        OSSL_STORE_INFO_free(info);
    }
    if (ok)
        ERR_clear_error();
    OSSL_STORE_close(store);
    return ok;
}

int SSL_add_store_cert_subjects_to_stack(STACK_OF(X509_NAME) * stack, const char *uri)
{
    int (*old)(const X509_NAME *const *, const X509_NAME *const *) =
        sk_X509_NAME_set_cmp_func(stack, name_sk_cmp);
    int ok = add_store_names(stack, uri, 1);

    sk_X509_NAME_set_cmp_func(stack, old);
    return ok;
}
