/*
 * shimssl trace - SSL_ctrl and SSL_CTX_ctrl, decoded by command.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Most of the API's macros (SSL_set_tlsext_host_name, SSL_CTX_set_mode,
 * SSL_CTX_set_min_proto_version ...) are one ctrl call each, so the command
 * decides what larg, parg and the result mean.  Commands not listed print
 * larg as a number and parg as ptr/NULL.
 */
#include "tracer.h"

#include <openssl/tls1.h>

enum larg_kind { L_NUM, L_MODE, L_VERSION, L_CACHE, L_NAMETYPE, L_STATUSTYPE };
enum parg_kind {
    P_PTR,
    P_STR,
    P_BUF,
    P_INTS,
    P_X509,
    P_OUT_INT,
    P_OUT_RBUF,
    P_OUT_VBUF,
    P_OUT_STACK,
    P_OUT_CB,
    P_VBUF
};
enum ret_kind { R_NUM, R_MODE, R_VERSION, R_CACHE };

struct ctrl_shape {
    int cmd;
    enum larg_kind larg;
    enum parg_kind parg;
    enum ret_kind ret;
};

static const struct ctrl_shape shapes[] = {
    {SSL_CTRL_MODE, L_MODE, P_PTR, R_MODE},
    {SSL_CTRL_CLEAR_MODE, L_MODE, P_PTR, R_MODE},
    {SSL_CTRL_SET_MIN_PROTO_VERSION, L_VERSION, P_PTR, R_NUM},
    {SSL_CTRL_SET_MAX_PROTO_VERSION, L_VERSION, P_PTR, R_NUM},
    {SSL_CTRL_GET_MIN_PROTO_VERSION, L_NUM, P_PTR, R_VERSION},
    {SSL_CTRL_GET_MAX_PROTO_VERSION, L_NUM, P_PTR, R_VERSION},
    {SSL_CTRL_SET_SESS_CACHE_MODE, L_CACHE, P_PTR, R_CACHE},
    {SSL_CTRL_GET_SESS_CACHE_MODE, L_NUM, P_PTR, R_CACHE},
    {SSL_CTRL_SET_TLSEXT_HOSTNAME, L_NAMETYPE, P_STR, R_NUM},
    {SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE, L_STATUSTYPE, P_PTR, R_NUM},
    {SSL_CTRL_SET_GROUPS_LIST, L_NUM, P_STR, R_NUM},
    {SSL_CTRL_SET_SIGALGS_LIST, L_NUM, P_STR, R_NUM},
    {SSL_CTRL_SET_CLIENT_SIGALGS_LIST, L_NUM, P_STR, R_NUM},
    {SSL_CTRL_SET_GROUPS, L_NUM, P_INTS, R_NUM},
    {SSL_CTRL_SET_SIGALGS, L_NUM, P_INTS, R_NUM},
    {SSL_CTRL_SET_CLIENT_SIGALGS, L_NUM, P_INTS, R_NUM},
    {SSL_CTRL_SET_CLIENT_CERT_TYPES, L_NUM, P_BUF, R_NUM},
    {SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP, L_NUM, P_BUF, R_NUM},
    {SSL_CTRL_SET_TLSEXT_TICKET_KEYS, L_NUM, P_VBUF, R_NUM},
    {SSL_CTRL_GET_TLSEXT_TICKET_KEYS, L_NUM, P_OUT_VBUF, R_NUM},
    {SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP, L_NUM, P_OUT_RBUF, R_NUM},
    {SSL_CTRL_GET_CLIENT_CERT_TYPES, L_NUM, P_OUT_RBUF, R_NUM},
    {SSL_CTRL_EXTRA_CHAIN_CERT, L_NUM, P_X509, R_NUM},
    {SSL_CTRL_CHAIN_CERT, L_NUM, P_X509, R_NUM},
    {SSL_CTRL_GET_PEER_SIGNATURE_NID, L_NUM, P_OUT_INT, R_NUM},
    {SSL_CTRL_GET_SIGNATURE_NID, L_NUM, P_OUT_INT, R_NUM},
    {SSL_CTRL_GET_EXTRA_CHAIN_CERTS, L_NUM, P_OUT_STACK, R_NUM},
    {SSL_CTRL_GET_CHAIN_CERTS, L_NUM, P_OUT_STACK, R_NUM},
    {SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB, L_NUM, P_OUT_CB, R_NUM},
};

static const struct ctrl_shape *shape_of(int cmd)
{
    static const struct ctrl_shape plain = {0, L_NUM, P_PTR, R_NUM};
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
        if (shapes[i].cmd == cmd)
            return &shapes[i];
    return &plain;
}

void tr_ctrl_args(struct tr_rec *r, int cmd, long larg, void *parg)
{
    const struct ctrl_shape *s = shape_of(cmd);
    tr_v_enum(r, tr_names_ctrl, cmd);
    tr_sep(r);
    switch (s->larg) {
    case L_MODE:
        tr_v_flags(r, tr_names_mode, (unsigned long)larg);
        break;
    case L_VERSION:
        tr_v_enum(r, tr_names_version, larg);
        break;
    case L_CACHE:
        tr_v_flags(r, tr_names_sess_cache, (unsigned long)larg);
        break;
    case L_NAMETYPE:
        tr_v_enum(r, tr_names_nametype, larg);
        break;
    case L_STATUSTYPE:
        if (larg == TLSEXT_STATUSTYPE_ocsp)
            tr_puts(r, "TLSEXT_STATUSTYPE_ocsp");
        else
            tr_v_int(r, larg);
        break;
    case L_NUM:
    default:
        tr_v_int(r, larg);
        break;
    }
    tr_sep(r);
    switch (s->parg) {
    case P_STR:
        tr_v_str(r, parg);
        break;
    case P_BUF:
        tr_v_buf(r, parg, larg > 0 ? (size_t)larg : 0);
        break;
    case P_VBUF:
        tr_v_vbuf(r, parg, larg > 0 ? (size_t)larg : 0);
        break;
    case P_INTS:
        tr_v_intarray(r, parg, larg > 0 ? (size_t)larg : 0);
        break;
    case P_X509:
        tr_v_x509(r, parg);
        break;
    case P_OUT_INT:
    case P_OUT_RBUF:
    case P_OUT_VBUF:
    case P_OUT_STACK:
    case P_OUT_CB:
        tr_puts(r, parg != NULL ? "out" : "NULL");
        break;
    case P_PTR:
    default:
        tr_v_ptr(r, parg);
        break;
    }
}

/* Installing callbacks through SSL_CTX_callback_ctrl: the command's name
 * and whether a function was given. */
void tr_cbctrl_args(struct tr_rec *r, int cmd, const void *fp)
{
    tr_v_enum(r, tr_names_cbctrl, cmd);
    tr_sep(r);
    tr_v_fn(r, fp);
}

/* The result, and what the call wrote through parg.  A status callback read
 * back through SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB is the program's own
 * function again, not our trampoline. */
void tr_ctrl_result(struct tr_rec *r, int cmd, long larg, void *parg, long ret)
{
    const struct ctrl_shape *s = shape_of(cmd);
    tr_puts(r, " = ");
    switch (s->ret) {
    case R_MODE:
        tr_v_flags(r, tr_names_mode, (unsigned long)ret);
        break;
    case R_VERSION:
        tr_v_enum(r, tr_names_version, ret);
        break;
    case R_CACHE:
        tr_v_flags(r, tr_names_sess_cache, (unsigned long)ret);
        break;
    case R_NUM:
    default:
        tr_v_int(r, ret);
        break;
    }
    if (parg == NULL)
        return;
    if (s->parg == P_OUT_CB)
        *(void **)parg = tr_cb_unwrap(*(void **)parg);
    /* What a failed call left in the program's variables means nothing. */
    if (ret <= 0 && s->parg != P_OUT_CB)
        return;
    switch (s->parg) {
    case P_OUT_INT:
        tr_out_begin(r, 4);
        tr_v_int(r, *(int *)parg);
        break;
    case P_OUT_RBUF:
        tr_out_begin(r, 4);
        tr_v_buf(r, *(const unsigned char **)parg, ret > 0 ? (size_t)ret : 0);
        break;
    case P_OUT_VBUF:
        tr_out_begin(r, 4);
        tr_v_vbuf(r, parg, larg > 0 ? (size_t)larg : 0);
        break;
    case P_OUT_STACK:
        tr_out_begin(r, 4);
        tr_v_stack(r, *(void **)parg);
        break;
    case P_OUT_CB:
        tr_out_begin(r, 4);
        tr_v_fn(r, *(void **)parg);
        break;
    default:
        break;
    }
    tr_outs_done(r);
}
