/*
 * shimssl - connecting an SSL to its transport: SSL_set_bio and the set0
 * functions, the file-descriptor shortcuts and the getters.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Ownership: the SSL holds one reference per direction, also when rbio and
 * wbio are the same BIO, and SSL_free releases both with BIO_free_all.  The
 * set0 functions adopt the caller's reference; SSL_set_bio adopts references
 * by the historical rules documented in SSL_set_bio(3).
 */
#include "shim.h"

#include "objects.h"

void SSL_set0_rbio(SSL *s, BIO *rbio)
{
    /* Stock frees the old BIO even when it is the one being set again. */
    BIO_free_all(s->rbio);
    s->rbio = rbio;
}

void SSL_set0_wbio(SSL *s, BIO *wbio)
{
    BIO_free_all(s->wbio);
    s->wbio = wbio;
}

void SSL_set_bio(SSL *s, BIO *rbio, BIO *wbio)
{
    BIO *old_r = SSL_get_rbio(s);
    BIO *old_w = SSL_get_wbio(s);

    if (rbio == old_r && wbio == old_w)
        return;
    /* The caller grants one reference; the SSL keeps one per direction. */
    if (rbio != NULL && rbio == wbio)
        BIO_up_ref(rbio);
    /* Only the write side changes: the read side keeps its reference. */
    if (rbio == old_r) {
        SSL_set0_wbio(s, wbio);
        return;
    }
    /*
     * Only the read side changes, and the old sides were distinct BIOs: the
     * write side keeps its reference.  When they were one BIO, stock falls
     * through to replacing both, which consumes a reference of wbio too.
     */
    if (wbio == old_w && old_r != old_w) {
        SSL_set0_rbio(s, rbio);
        return;
    }
    SSL_set0_rbio(s, rbio);
    SSL_set0_wbio(s, wbio);
}

BIO *SSL_get_rbio(const SSL *s)
{
    return s->rbio;
}

BIO *SSL_get_wbio(const SSL *s)
{
    return s->wbio;
}

/* The descriptor of the first descriptor-type BIO in the chain, or -1. */
static int chain_fd(BIO *b)
{
    int fd = -1;
    BIO *d = BIO_find_type(b, BIO_TYPE_DESCRIPTOR);

    if (d != NULL)
        BIO_get_fd(d, &fd);
    return fd;
}

int SSL_get_rfd(const SSL *s)
{
    return chain_fd(SSL_get_rbio(s));
}

int SSL_get_wfd(const SSL *s)
{
    return chain_fd(SSL_get_wbio(s));
}

int SSL_get_fd(const SSL *s)
{
    return SSL_get_rfd(s);
}

/* A socket BIO on fd that leaves the descriptor open when freed. */
static BIO *new_socket_bio(int fd)
{
    BIO *b = BIO_new(BIO_s_socket());

    if (b == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_BUF_LIB);
        return NULL;
    }
    BIO_set_fd(b, fd, BIO_NOCLOSE);
    return b;
}

int SSL_set_fd(SSL *s, int fd)
{
    BIO *b = new_socket_bio(fd);

    if (b == NULL)
        return 0;
    SSL_set_bio(s, b, b);
    return 1;
}

/* The other direction's BIO, if it is a plain socket BIO on fd. */
static BIO *socket_bio_on(BIO *other, int fd)
{
    if (other == NULL || BIO_method_type(other) != BIO_TYPE_SOCKET ||
        (int)BIO_get_fd(other, NULL) != fd)
        return NULL;
    return other;
}

int SSL_set_wfd(SSL *s, int fd)
{
    /* Reuse the read side's socket BIO when it is on the same descriptor. */
    BIO *b = socket_bio_on(SSL_get_rbio(s), fd);

    if (b != NULL)
        BIO_up_ref(b);
    else if ((b = new_socket_bio(fd)) == NULL)
        return 0;
    SSL_set0_wbio(s, b);
    return 1;
}

int SSL_set_rfd(SSL *s, int fd)
{
    BIO *b = socket_bio_on(SSL_get_wbio(s), fd);

    if (b != NULL)
        BIO_up_ref(b);
    else if ((b = new_socket_bio(fd)) == NULL)
        return 0;
    SSL_set0_rbio(s, b);
    return 1;
}
