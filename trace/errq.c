/*
 * shimssl trace - the error queue and SSL_get_error, read without touching.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The queue is read through ERR_get_state(), OpenSSL 3.0's public (if
 * deprecated) view of the thread's queue: every entry can be listed in
 * place.  The peek functions only reach the oldest and the newest entry, and
 * popping entries to read them and raising them again would lose marks and
 * data flags -- a program could notice.  Nothing here changes the queue.
 */
#define _GNU_SOURCE
#define OPENSSL_SUPPRESS_DEPRECATED
#include "tracer.h"

#include <errno.h>
#include <openssl/err.h>
#include <string.h>

static ERR_STATE *state(void)
{
    return tr_lib_is_initialised() ? ERR_get_state() : NULL;
}

void tr_err_snapshot(struct tr_errsnap *s)
{
    ERR_STATE *es = state();
    s->valid = es != NULL;
    if (es == NULL)
        return;
    s->top = es->top;
    s->bottom = es->bottom;
    s->code = es->err_buffer[es->top];
}

static int live(const ERR_STATE *es, int i)
{
    return es->err_buffer[i] != 0 && (es->err_flags[i] & ERR_FLAG_CLEAR) == 0;
}

static const char *lib_name(int lib)
{
    switch (lib) {
    case ERR_LIB_SSL:
        return "SSL";
    case ERR_LIB_SYS:
        return "SYS";
    case ERR_LIB_X509:
        return "X509";
    case ERR_LIB_X509V3:
        return "X509V3";
    case ERR_LIB_EVP:
        return "EVP";
    case ERR_LIB_PEM:
        return "PEM";
    case ERR_LIB_BIO:
        return "BIO";
    case ERR_LIB_ASN1:
        return "ASN1";
    case ERR_LIB_PROV:
        return "PROV";
    case ERR_LIB_CONF:
        return "CONF";
    case ERR_LIB_RSA:
        return "RSA";
    case ERR_LIB_EC:
        return "EC";
    case ERR_LIB_CT:
        return "CT";
    case ERR_LIB_OCSP:
        return "OCSP";
    case ERR_LIB_CRYPTO:
        return "CRYPTO";
    case ERR_LIB_DH:
        return "DH";
    case ERR_LIB_OSSL_STORE:
        return "STORE";
    case ERR_LIB_OSSL_DECODER:
        return "DECODER";
    default:
        return NULL;
    }
}

/* " err=[SSL:134 "certificate verify failed" data="..."; ...]", oldest first. */
static void put_queue(struct tr_rec *r, const ERR_STATE *es)
{
    int n = 0;
    tr_puts(r, " err=[");
    for (int i = es->bottom; i != es->top;) {
        unsigned long e;
        const char *lib, *reason;
        i = (i + 1) % ERR_NUM_ERRORS;
        if (!live(es, i))
            continue;
        e = es->err_buffer[i];
        if (n++ > 0)
            tr_puts(r, "; ");
        lib = lib_name(ERR_GET_LIB(e));
        if (lib != NULL)
            tr_puts(r, lib);
        else
            tr_put_dec(r, ERR_GET_LIB(e));
        tr_putc(r, ':');
        if (ERR_GET_LIB(e) == ERR_LIB_SYS && strerrorname_np(ERR_GET_REASON(e)) != NULL)
            tr_puts(r, strerrorname_np(ERR_GET_REASON(e)));
        else
            tr_put_dec(r, ERR_GET_REASON(e));
        reason = ERR_reason_error_string(e);
        if (reason != NULL) {
            tr_putc(r, ' ');
            tr_v_str(r, reason);
        }
        if (es->err_data[i] != NULL && (es->err_data_flags[i] & ERR_TXT_STRING) != 0 &&
            es->err_data[i][0] != '\0') {
            tr_puts(r, " data=");
            tr_v_str(r, es->err_data[i]);
        }
    }
    tr_putc(r, ']');
}

static int queue_empty(const ERR_STATE *es)
{
    for (int i = es->bottom; i != es->top;) {
        i = (i + 1) % ERR_NUM_ERRORS;
        if (live(es, i))
            return 0;
    }
    return 1;
}

void tr_err_note_if_changed(struct tr_rec *r)
{
    ERR_STATE *es;
    const struct tr_errsnap *s = &r->err_before;
    if (!s->valid || (es = state()) == NULL)
        return;
    if (es->top == s->top && es->bottom == s->bottom && es->err_buffer[es->top] == s->code)
        return;
    tr_puts(r, " |");
    put_queue(r, es);
}

/* SSL_get_error's answer for this result, errno when it says "syscall" about
 * a negative result, and the queue when it holds anything. */
void tr_io_note(struct tr_rec *r, const void *ssl, long ret)
{
    ERR_STATE *es = state();
    int code;
    if (ssl == NULL || tr_lib.get_error == NULL || es == NULL) {
        tr_err_note_if_changed(r);
        return;
    }
    code = tr_lib.get_error((const SSL *)ssl, (int)ret);
    tr_puts(r, " | ");
    tr_v_enum(r, tr_names_error, code);
    /* errno is the program's reason only for a result below 0; after a 0
     * ("the peer closed") it holds whatever an earlier call left there. */
    if (code == SSL_ERROR_SYSCALL && ret < 0 && r->saved_errno != 0) {
        const char *name = strerrorname_np(r->saved_errno);
        tr_puts(r, " errno=");
        if (name != NULL)
            tr_puts(r, name);
        else
            tr_put_dec(r, r->saved_errno);
    }
    if (!queue_empty(es))
        put_queue(r, es);
}
