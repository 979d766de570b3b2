/*
 * shimssl - SSL_ctrl commands that report what the handshake negotiated.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "api/ctrl.h"
#include "tls/conn.h"
#include "tls/groups.h"
#include "tls/policy.h"
#include "tls/sigalgs.h"

/* A group's NID, or TLSEXT_nid_unknown | id for one we cannot name (stock). */
static int group_nid(uint16_t id)
{
    const struct tls_group *g = tls_group_by_id(id);
    if (id == 0)
        return NID_undef;
    return g != NULL ? g->nid : (int)(TLSEXT_nid_unknown | id);
}

static long sigalg_hash_nid(int code, void *parg)
{
    const struct tls_sigalg *a = tls_sigalg_by_conn_code(code);
    if (a == NULL)
        return 0;
    *(int *)parg = a->hash_nid;
    return 1;
}

long shim_conn_ctrl(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct tls_conn *c;

    /* None of these mean anything on a context. */
    if (s == NULL) {
        (void)ctx;
        return 0;
    }
    c = s->conn;
    switch (cmd) {
    case SSL_CTRL_GET_PEER_SIGNATURE_NID:
        return c != NULL ? sigalg_hash_nid(c->peer_sigalg, parg) : 0;
    case SSL_CTRL_GET_SIGNATURE_NID:
        return c != NULL ? sigalg_hash_nid(c->sigalg, parg) : 0;
    case SSL_CTRL_GET_PEER_TMP_KEY:
        if (c == NULL || s->session == NULL || tls_conn_peer_tmp(c) == NULL)
            return 0;
        EVP_PKEY_up_ref(c->peer_tmp);
        *(EVP_PKEY **)parg = c->peer_tmp;
        return 1;
    case SSL_CTRL_GET_TMP_KEY:
        return 0; /* our key share is discarded with the handshake state */
    case SSL_CTRL_GET_NEGOTIATED_GROUP:
        /* A TLS 1.3 key exchange names its group; otherwise (TLS 1.2, and
         * its resumptions) the session's is reported, as stock. */
        if (c != NULL && c->version == TLS1_3_VERSION && c->group != NULL)
            return group_nid(c->group->id);
        return s->session != NULL && s->session->kex_group != 0 ? group_nid(s->session->kex_group)
                                                                : NID_undef;
    case SSL_CTRL_GET_SHARED_GROUP: {
        /* The n-th group both sides support (n -1: how many), a server's. */
        int id = tls_server_shared_group(s, c, (int)larg);
        return larg == -1 ? id : group_nid((uint16_t)id);
    }
    case SSL_CTRL_GET_GROUPS: {
        int *out = parg;
        if (c == NULL || s->session == NULL)
            return 0;
        if (out != NULL)
            for (size_t i = 0; i < c->peer_groups_len; i++)
                out[i] = group_nid(c->peer_groups[i]);
        return (long)c->peer_groups_len;
    }
    case SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP:
        /* A server's OCSP response to staple, owned from now on. */
        if ((c = tls_conn_get(s)) == NULL)
            return 0;
        OPENSSL_free(c->ocsp_response);
        c->ocsp_response = parg;
        c->ocsp_response_len = larg > 0 ? (size_t)larg : 0;
        return 1;
    case SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP:
        *(unsigned char **)parg = c != NULL ? c->ocsp_response : NULL;
        if (c == NULL || c->ocsp_response_len == 0)
            return -1;
        return (long)c->ocsp_response_len;
    case SSL_CTRL_GET_EXTMS_SUPPORT:
        if (s->session == NULL || c == NULL || c->in_init)
            return -1;
        return (s->session->flags & SHIM_SESS_FLAG_EXTMS) != 0;
    case SSL_CTRL_GET_RI_SUPPORT:
        return c != NULL && c->secure_renegotiation;
    case SSL_CTRL_GET_TOTAL_RENEGOTIATIONS:
        return c != NULL ? c->total_renegotiations : 0;
    case SSL_CTRL_GET_NUM_RENEGOTIATIONS:
        return c != NULL ? c->num_renegotiations : 0;
    case SSL_CTRL_CLEAR_NUM_RENEGOTIATIONS: {
        long n = c != NULL ? c->num_renegotiations : 0;
        if (c != NULL)
            c->num_renegotiations = 0;
        return n;
    }
    case SSL_CTRL_GET_EC_POINT_FORMATS:
        /* The peer's list (a server keeps the client's). */
        if (c == NULL || c->peer_ec_point_formats == NULL)
            return 0;
        *(const unsigned char **)parg = c->peer_ec_point_formats;
        return (long)c->peer_ec_point_formats_len;
    case SSL_CTRL_GET_RAW_CIPHERLIST:
        /* A server's copy of the client's cipher_suites (2-byte entries). */
        if (parg == NULL)
            return 2;
        if (c == NULL || c->peer_raw_ciphers == NULL)
            return 0;
        *(unsigned char **)parg = c->peer_raw_ciphers;
        return (long)c->peer_raw_ciphers_len;
    case SSL_CTRL_GET_CLIENT_CERT_TYPES:
        /* A client's, once the handshake has had a CertificateRequest. */
        if (s->server || c == NULL || !c->cert_req)
            return 0;
        if (parg != NULL)
            *(const unsigned char **)parg = c->peer_cert_types;
        return (long)c->peer_cert_types_len;
    case SSL_CTRL_GET_CLIENT_CERT_REQUEST:
    case SSL_CTRL_GET_FLAGS:
        return 0;
    default:
        (void)larg;
        return 0;
    }
}
