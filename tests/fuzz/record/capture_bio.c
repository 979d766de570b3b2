/*
 * shimssl fuzzing: the recorders' socket BIO (see capture_bio.h).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "capture_bio.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int cap_read(BIO *b, char *out, int len)
{
    struct capture *c = BIO_get_data(b);
    ssize_t n = recv(c->fd, out, (size_t)len, 0);
    if (n <= 0) {
        c->eof = 1;
        return n == 0 ? 0 : -1;
    }
    c->buf = realloc(c->buf, c->len + (size_t)n);
    memcpy(c->buf + c->len, out, (size_t)n);
    c->len += (size_t)n;
    return (int)n;
}

static int cap_write(BIO *b, const char *in, int len)
{
    struct capture *c = BIO_get_data(b);
    for (int off = 0; off < len;) {
        ssize_t n = send(c->fd, in + off, (size_t)(len - off), MSG_NOSIGNAL);
        if (n <= 0)
            return off > 0 ? off : -1;
        off += (int)n;
    }
    return len;
}

static long cap_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct capture *c = BIO_get_data(b);
    (void)num, (void)ptr;
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_EOF:
        return c->eof;
    default:
        return 0;
    }
}

BIO *capture_bio_new(struct capture *c)
{
    static BIO_METHOD *meth;
    BIO *bio;

    if (meth == NULL) {
        meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "recording socket");
        BIO_meth_set_read(meth, cap_read);
        BIO_meth_set_write(meth, cap_write);
        BIO_meth_set_ctrl(meth, cap_ctrl);
    }
    bio = BIO_new(meth);
    BIO_set_data(bio, c);
    BIO_set_init(bio, 1);
    return bio;
}
