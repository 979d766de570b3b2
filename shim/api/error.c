/*
 * shimssl - SSL_get_error, SSL_want and the shutdown flags.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * SSL_get_error classifies the result of the last I/O call from three
 * sources, in stock's order of precedence: the thread's error queue, what
 * the SSL was waiting for (rwstate) together with the retry flags the BIO
 * left, and finally whether the peer closed cleanly.
 */
#include "shim.h"

#include "objects.h"

/*
 * What a BIO's retry flags say the application must wait for.  The side the
 * SSL expected is checked first; the other side is accepted too because
 * rbio and wbio may be one BIO.  An "I/O special" retry names a connect or
 * accept in progress; any other reason cannot be acted upon.
 */
static int retry_error(BIO *b, int expected)
{
    int other = expected == SSL_ERROR_WANT_READ ? SSL_ERROR_WANT_WRITE : SSL_ERROR_WANT_READ;
    int wants_expected;
    int wants_other;

    /* Stock would crash here; no BIO simply has no retry to report. */
    if (b == NULL)
        return SSL_ERROR_NONE;
    wants_expected = expected == SSL_ERROR_WANT_READ ? BIO_should_read(b) : BIO_should_write(b);
    wants_other = expected == SSL_ERROR_WANT_READ ? BIO_should_write(b) : BIO_should_read(b);
    if (wants_expected)
        return expected;
    if (wants_other)
        return other;
    if (BIO_should_io_special(b)) {
        switch (BIO_get_retry_reason(b)) {
        case BIO_RR_CONNECT:
            return SSL_ERROR_WANT_CONNECT;
        case BIO_RR_ACCEPT:
            return SSL_ERROR_WANT_ACCEPT;
        default:
            return SSL_ERROR_SYSCALL;
        }
    }
    return SSL_ERROR_NONE; /* no retry pending on this BIO */
}

int SSL_get_error(const SSL *s, int ret_code)
{
    unsigned long e;
    int r;

    if (ret_code > 0)
        return SSL_ERROR_NONE;
    /* An error raised by the failing call wins over any retry state. */
    if ((e = ERR_peek_error()) != 0)
        return ERR_GET_LIB(e) == ERR_LIB_SYS ? SSL_ERROR_SYSCALL : SSL_ERROR_SSL;

    switch (s->rwstate) {
    case SSL_READING:
        if ((r = retry_error(SSL_get_rbio(s), SSL_ERROR_WANT_READ)) != SSL_ERROR_NONE)
            return r;
        break;
    case SSL_WRITING:
        if ((r = retry_error(s->wbio, SSL_ERROR_WANT_WRITE)) != SSL_ERROR_NONE)
            return r;
        break;
    case SSL_X509_LOOKUP:
        return SSL_ERROR_WANT_X509_LOOKUP;
    case SSL_RETRY_VERIFY:
        return SSL_ERROR_WANT_RETRY_VERIFY;
    case SSL_ASYNC_PAUSED:
        return SSL_ERROR_WANT_ASYNC;
    case SSL_ASYNC_NO_JOBS:
        return SSL_ERROR_WANT_ASYNC_JOB;
    case SSL_CLIENT_HELLO_CB:
        return SSL_ERROR_WANT_CLIENT_HELLO_CB;
    default:
        break;
    }
    /* A close_notify received is a clean end of the stream, not an error. */
    if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) && s->warn_alert == SSL_AD_CLOSE_NOTIFY)
        return SSL_ERROR_ZERO_RETURN;
    return SSL_ERROR_SYSCALL;
}

int SSL_want(const SSL *s)
{
    return s->rwstate;
}

void SSL_set_shutdown(SSL *s, int mode)
{
    s->shutdown = mode;
}

int SSL_get_shutdown(const SSL *s)
{
    return s->shutdown;
}
