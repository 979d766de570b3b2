/*
 * shimssl - the SSL filter BIO (BIO_f_ssl): an SSL object seen through the
 * BIO interface, so BIO_read/BIO_write on it are SSL_read/SSL_write.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The BIO's next BIO is the SSL's rbio: setting the SSL links its rbio
 * behind the filter, and pushing a BIO behind the filter makes it the SSL's
 * transport in both directions.  Behaviour follows stock's ssl/bio_ssl.c,
 * including its oddities (noted where they matter), because applications
 * such as `openssl s_client` and many servers drive TLS through this BIO.
 */
#include "shim.h"

#include <limits.h>
#include <string.h>
#include <time.h>

#include "objects.h"

/* Per-BIO state: the SSL and the optional automatic-renegotiation trigger. */
struct bio_ssl {
    SSL *ssl;
    int num_renegotiates;
    unsigned long renegotiate_count;   /* bytes between renegotiations (0: off) */
    size_t byte_count;                 /* bytes since the last renegotiation */
    unsigned long renegotiate_timeout; /* seconds between renegotiations (0: off) */
    unsigned long last_time;
};

static int bio_ssl_create(BIO *b)
{
    struct bio_ssl *bs = OPENSSL_zalloc(sizeof(*bs));

    if (bs == NULL) {
        ERR_raise(ERR_LIB_BIO, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    BIO_set_init(b, 0);
    BIO_set_data(b, bs);
    BIO_clear_flags(b, ~0);
    return 1;
}

/* With the close flag set, the SSL is shut down (if its handshake is
 * complete) and freed with the BIO. */
static int bio_ssl_destroy(BIO *b)
{
    struct bio_ssl *bs;

    if (b == NULL)
        return 0;
    bs = BIO_get_data(b);
    if (bs != NULL && BIO_get_shutdown(b)) {
        if (bs->ssl != NULL && !SSL_in_init(bs->ssl))
            SSL_shutdown(bs->ssl);
        if (BIO_get_init(b))
            SSL_free(bs->ssl);
        BIO_set_init(b, 0);
    }
    OPENSSL_free(bs);
    BIO_set_data(b, NULL);
    return 1;
}

/* BIO_set_ssl_renegotiate_bytes / _timeout: count application data and
 * renegotiate once the byte budget or the time budget is spent. */
static void count_for_renegotiation(struct bio_ssl *bs, size_t n)
{
    int done = 0;

    if (bs->renegotiate_count > 0) {
        bs->byte_count += n;
        if (bs->byte_count > bs->renegotiate_count) {
            bs->byte_count = 0;
            bs->num_renegotiates++;
            SSL_renegotiate(bs->ssl);
            done = 1;
        }
    }
    if (bs->renegotiate_timeout > 0 && !done) {
        unsigned long now = (unsigned long)time(NULL);

        if (now > bs->last_time + bs->renegotiate_timeout) {
            bs->last_time = now;
            bs->num_renegotiates++;
            SSL_renegotiate(bs->ssl);
        }
    }
}

/* Turns the SSL's verdict on an SSL_read/SSL_write into the BIO's retry
 * flags.  Stock's write path does not recognise "want accept". */
static void set_retry_from_ssl(BIO *b, struct bio_ssl *bs, int ret, size_t n, int writing)
{
    int reason = 0;

    switch (SSL_get_error(bs->ssl, ret)) {
    case SSL_ERROR_NONE:
        count_for_renegotiation(bs, n);
        break;
    case SSL_ERROR_WANT_READ:
        BIO_set_retry_read(b);
        break;
    case SSL_ERROR_WANT_WRITE:
        BIO_set_retry_write(b);
        break;
    case SSL_ERROR_WANT_X509_LOOKUP:
        BIO_set_retry_special(b);
        reason = BIO_RR_SSL_X509_LOOKUP;
        break;
    case SSL_ERROR_WANT_CONNECT:
        BIO_set_retry_special(b);
        reason = BIO_RR_CONNECT;
        break;
    case SSL_ERROR_WANT_ACCEPT:
        if (!writing) {
            BIO_set_retry_special(b);
            reason = BIO_RR_ACCEPT;
        }
        break;
    default:
        break;
    }
    BIO_set_retry_reason(b, reason);
}

/* SSL_read/SSL_write take an int: one call moves at most INT_MAX bytes, and
 * a record is far smaller anyway. */
static int clamp_len(size_t size)
{
    return size > INT_MAX ? INT_MAX : (int)size;
}

static int bio_ssl_read(BIO *b, char *buf, size_t size, size_t *readbytes)
{
    struct bio_ssl *bs = BIO_get_data(b);
    int ret;

    if (buf == NULL || bs->ssl == NULL)
        return 0;
    BIO_clear_retry_flags(b);
    /* The result is passed on as is: BIO_read returns SSL_read's 0 or -1. */
    ret = SSL_read(bs->ssl, buf, clamp_len(size));
    *readbytes = ret > 0 ? (size_t)ret : 0;
    set_retry_from_ssl(b, bs, ret, *readbytes, 0);
    return ret > 0 ? 1 : ret;
}

static int bio_ssl_write(BIO *b, const char *buf, size_t size, size_t *written)
{
    struct bio_ssl *bs = BIO_get_data(b);
    int ret;

    if (buf == NULL || bs->ssl == NULL)
        return 0;
    BIO_clear_retry_flags(b);
    ret = SSL_write(bs->ssl, buf, clamp_len(size));
    *written = ret > 0 ? (size_t)ret : 0;
    set_retry_from_ssl(b, bs, ret, *written, 1);
    return ret > 0 ? 1 : ret;
}

static int bio_ssl_puts(BIO *b, const char *str)
{
    return BIO_write(b, str, (int)strlen(str));
}

/* BIO_C_SET_SSL: adopt ssl (replacing any previous one) and link its rbio
 * behind this BIO. */
static long set_ssl(BIO *b, int close_flag, SSL *ssl)
{
    struct bio_ssl *bs = BIO_get_data(b);
    BIO *next = BIO_next(b);
    BIO *rbio;

    if (bs->ssl != NULL) {
        bio_ssl_destroy(b);
        if (!bio_ssl_create(b))
            return 0;
        bs = BIO_get_data(b);
    }
    BIO_set_shutdown(b, close_flag);
    bs->ssl = ssl;
    if (ssl != NULL && (rbio = SSL_get_rbio(ssl)) != NULL) {
        /* Stock appends whatever followed this BIO behind the rbio. */
        if (next != NULL)
            BIO_push(rbio, next);
        BIO_set_next(b, rbio);
        BIO_up_ref(rbio);
    }
    BIO_set_init(b, 1);
    return 1;
}

/* BIO_CTRL_RESET: end the connection and start over in the same role,
 * then reset the transport. */
static long reset(BIO *b, SSL *ssl, int cmd, long num, void *ptr)
{
    BIO *next = BIO_next(b);

    SSL_shutdown(ssl);
    if (ssl->role_chosen) {
        if (ssl->server)
            SSL_set_accept_state(ssl);
        else
            SSL_set_connect_state(ssl);
    }
    if (!SSL_clear(ssl))
        return 0;
    if (next != NULL)
        return BIO_ctrl(next, cmd, num, ptr);
    if (ssl->rbio != NULL)
        return BIO_ctrl(ssl->rbio, cmd, num, ptr);
    return 1;
}

/* BIO_do_handshake: run the handshake and report what it waits for. */
static long do_handshake(BIO *b, SSL *ssl)
{
    long ret;

    BIO_clear_retry_flags(b);
    BIO_set_retry_reason(b, 0);
    ret = SSL_do_handshake(ssl);
    switch (SSL_get_error(ssl, (int)ret)) {
    case SSL_ERROR_WANT_READ:
        BIO_set_flags(b, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
        break;
    case SSL_ERROR_WANT_WRITE:
        BIO_set_flags(b, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY);
        break;
    case SSL_ERROR_WANT_CONNECT:
        BIO_set_flags(b, BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
        if (BIO_next(b) != NULL)
            BIO_set_retry_reason(b, BIO_get_retry_reason(BIO_next(b)));
        break;
    case SSL_ERROR_WANT_X509_LOOKUP:
        BIO_set_retry_special(b);
        BIO_set_retry_reason(b, BIO_RR_SSL_X509_LOOKUP);
        break;
    default:
        break;
    }
    return ret;
}

/* BIO_CTRL_DUP (BIO_dup_chain): the copy gets SSL_dup of our SSL. */
static long dup_state(struct bio_ssl *bs, BIO *copy)
{
    struct bio_ssl *cs = BIO_get_data(copy);

    SSL_free(cs->ssl);
    cs->ssl = SSL_dup(bs->ssl);
    cs->num_renegotiates = bs->num_renegotiates;
    cs->renegotiate_count = bs->renegotiate_count;
    cs->byte_count = bs->byte_count;
    cs->renegotiate_timeout = bs->renegotiate_timeout;
    cs->last_time = bs->last_time;
    return cs->ssl != NULL;
}

static long bio_ssl_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct bio_ssl *bs = BIO_get_data(b);
    SSL *ssl = bs->ssl;
    BIO *next = BIO_next(b);
    long ret = 1;

    if (cmd == BIO_C_SET_SSL)
        return set_ssl(b, (int)num, ptr);
    if (ssl == NULL)
        return 0;
    switch (cmd) {
    case BIO_CTRL_RESET:
        return reset(b, ssl, cmd, num, ptr);
    case BIO_CTRL_INFO:
        return 0;
    case BIO_C_SSL_MODE:
        if (num != 0)
            SSL_set_connect_state(ssl);
        else
            SSL_set_accept_state(ssl);
        return 1;
    case BIO_C_SET_SSL_RENEGOTIATE_TIMEOUT:
        /* Returns the previous setting; below a minute means 5 seconds. */
        ret = (long)bs->renegotiate_timeout;
        bs->renegotiate_timeout = num < 60 ? 5 : (unsigned long)num;
        bs->last_time = (unsigned long)time(NULL);
        return ret;
    case BIO_C_SET_SSL_RENEGOTIATE_BYTES:
        /* Returns the previous setting; values under 512 are ignored. */
        ret = (long)bs->renegotiate_count;
        if (num >= 512)
            bs->renegotiate_count = (unsigned long)num;
        return ret;
    case BIO_C_GET_SSL_NUM_RENEGOTIATES:
        return bs->num_renegotiates;
    case BIO_C_GET_SSL:
        if (ptr == NULL)
            return 0;
        *(SSL **)ptr = ssl;
        return 1;
    case BIO_CTRL_GET_CLOSE:
        return BIO_get_shutdown(b);
    case BIO_CTRL_SET_CLOSE:
        BIO_set_shutdown(b, (int)num);
        return 1;
    case BIO_CTRL_WPENDING:
        return BIO_ctrl(ssl->wbio, cmd, num, ptr);
    case BIO_CTRL_PENDING:
        /* Decrypted bytes first, else raw bytes waiting in the transport. */
        if ((ret = SSL_pending(ssl)) == 0)
            ret = BIO_pending(ssl->rbio);
        return ret;
    case BIO_CTRL_FLUSH:
        BIO_clear_retry_flags(b);
        ret = BIO_ctrl(ssl->wbio, cmd, num, ptr);
        BIO_copy_next_retry(b);
        return ret;
    case BIO_CTRL_PUSH:
        /* The BIO now behind us becomes the transport; the SSL needs a
         * reference of its own (SSL_set_bio adopts one for both sides). */
        if (next != NULL && next != ssl->rbio) {
            BIO_up_ref(next);
            SSL_set_bio(ssl, next, next);
        }
        return 1;
    case BIO_CTRL_POP:
        /* Only when this BIO itself is popped does the SSL lose its BIOs. */
        if (ptr == b)
            SSL_set_bio(ssl, NULL, NULL);
        return 1;
    case BIO_C_DO_STATE_MACHINE:
        return do_handshake(b, ssl);
    case BIO_CTRL_DUP:
        return dup_state(bs, ptr);
    case BIO_CTRL_SET_CALLBACK:
        return 0; /* callbacks go through callback_ctrl, as stock's */
    case BIO_C_GET_FD:
    default:
        return BIO_ctrl(ssl->rbio, cmd, num, ptr);
    }
}

static long bio_ssl_callback_ctrl(BIO *b, int cmd, BIO_info_cb *fp)
{
    struct bio_ssl *bs = BIO_get_data(b);

    if (cmd != BIO_CTRL_SET_CALLBACK || bs->ssl == NULL)
        return 0;
    return BIO_callback_ctrl(bs->ssl->rbio, cmd, fp);
}

static CRYPTO_ONCE method_once = CRYPTO_ONCE_STATIC_INIT;
static BIO_METHOD *ssl_method;

static void make_method(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_TYPE_SSL, "ssl");

    if (m == NULL)
        return;
    if (!BIO_meth_set_write_ex(m, bio_ssl_write) || !BIO_meth_set_read_ex(m, bio_ssl_read) ||
        !BIO_meth_set_puts(m, bio_ssl_puts) || !BIO_meth_set_ctrl(m, bio_ssl_ctrl) ||
        !BIO_meth_set_create(m, bio_ssl_create) || !BIO_meth_set_destroy(m, bio_ssl_destroy) ||
        !BIO_meth_set_callback_ctrl(m, bio_ssl_callback_ctrl)) {
        BIO_meth_free(m);
        return;
    }
    ssl_method = m;
}

const BIO_METHOD *BIO_f_ssl(void)
{
    if (!CRYPTO_THREAD_run_once(&method_once, make_method))
        return NULL;
    return ssl_method;
}

BIO *BIO_new_ssl(SSL_CTX *ctx, int client)
{
    BIO *b;
    SSL *ssl;

    if ((b = BIO_new(BIO_f_ssl())) == NULL)
        return NULL;
    if ((ssl = SSL_new(ctx)) == NULL) {
        BIO_free(b);
        return NULL;
    }
    if (client)
        SSL_set_connect_state(ssl);
    else
        SSL_set_accept_state(ssl);
    BIO_set_ssl(b, ssl, BIO_CLOSE);
    return b;
}

/* An SSL client BIO in front of a connect BIO (BIO_set_conn_hostname etc.
 * reach the connect BIO through the SSL BIO's pass-through). */
BIO *BIO_new_ssl_connect(SSL_CTX *ctx)
{
    BIO *con, *ssl, *chain;

    if ((con = BIO_new(BIO_s_connect())) == NULL)
        return NULL;
    if ((ssl = BIO_new_ssl(ctx, 1)) == NULL)
        goto err;
    if ((chain = BIO_push(ssl, con)) == NULL)
        goto err;
    return chain;
err:
    BIO_free(ssl);
    BIO_free(con);
    return NULL;
}

/* The same with a buffering BIO in front. */
BIO *BIO_new_buffer_ssl_connect(SSL_CTX *ctx)
{
    BIO *buf, *ssl, *chain;

    if ((buf = BIO_new(BIO_f_buffer())) == NULL)
        return NULL;
    if ((ssl = BIO_new_ssl_connect(ctx)) == NULL)
        goto err;
    if ((chain = BIO_push(buf, ssl)) == NULL)
        goto err;
    return chain;
err:
    BIO_free(buf);
    BIO_free(ssl);
    return NULL;
}

/* The SSL held by an SSL BIO, or NULL. */
static SSL *chain_ssl(BIO *found)
{
    struct bio_ssl *bs;

    if (found == NULL || BIO_method_type(found) != BIO_TYPE_SSL || BIO_get_data(found) == NULL)
        return NULL;
    bs = BIO_get_data(found);
    return bs->ssl;
}

int BIO_ssl_copy_session_id(BIO *to, BIO *from)
{
    /* Both chains are searched before either result is checked, as stock
     * does: a NULL chain raises its BIO error even when the other fails. */
    BIO *t = BIO_find_type(to, BIO_TYPE_SSL);
    BIO *f = BIO_find_type(from, BIO_TYPE_SSL);
    SSL *ts = chain_ssl(t);
    SSL *fs = chain_ssl(f);

    if (ts == NULL || fs == NULL)
        return 0;
    return SSL_copy_session_id(ts, fs) ? 1 : 0;
}

void BIO_ssl_shutdown(BIO *b)
{
    for (; b != NULL; b = BIO_next(b)) {
        SSL *ssl;

        if (BIO_method_type(b) != BIO_TYPE_SSL)
            continue;
        if ((ssl = chain_ssl(b)) != NULL)
            SSL_shutdown(ssl);
    }
}
