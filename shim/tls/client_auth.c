/*
 * shimssl - the client's certificate when a server asks for one.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/engine.h>

#include "tls/certificate.h"
#include "tls/client_auth.h"
#include "tls/our_certs.h"
#include "tls/sigalg_choice.h"

/* Where hs->cl.got_cert is (the callback a retried call resumes at). */
enum { AT_CERT_CB = 0, AT_CLIENT_CERT_CB = 1 };

/* Stock's order: the client-certificate engine, then client_cert_cb.
 * Returns what the one that answered returned (1 found, 0 none, < 0 retry). */
static int from_application(SSL *s, X509 **x509, EVP_PKEY **pkey)
{
    int r = 0;

    if (s->ctx->client_cert_engine != NULL) {
        r = ENGINE_load_ssl_client_cert(s->ctx->client_cert_engine, s,
                                        tls_conn_peer_ca_names(s->conn), x509, pkey, NULL, NULL,
                                        NULL);
        if (r != 0)
            return r;
    }
    if (s->ctx->client_cert_cb != NULL)
        r = s->ctx->client_cert_cb(s, x509, pkey);
    return r;
}

/* What we hold can answer: a key and an algorithm both sides accept. */
static int usable(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    return tls_choose_sigalg(s, c, hs, 0) && hs->sigalg != NULL;
}

int tls_client_prepare_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct shim_cert *cert = s->cfg.cert;
    X509 *x509 = NULL;
    EVP_PKEY *pkey = NULL;
    int i;

    if (hs->cl.got_cert == AT_CERT_CB) {
        if (cert->cert_cb != NULL) {
            i = cert->cert_cb(s, cert->cert_cb_arg);
            if (i < 0) {
                s->rwstate = SSL_X509_LOOKUP;
                return -1;
            }
            if (i == 0)
                return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_CALLBACK_FAILED);
            s->rwstate = SSL_NOTHING;
        }
        if (usable(s, c, hs))
            return 1;
        hs->cl.got_cert = AT_CLIENT_CERT_CB;
    }
    i = from_application(s, &x509, &pkey);
    if (i < 0) {
        s->rwstate = SSL_X509_LOOKUP;
        return -1;
    }
    s->rwstate = SSL_NOTHING;
    if (i == 1 && x509 != NULL && pkey != NULL) {
        if (!tls_cert_set_x509(NULL, s, cert, x509) || !tls_cert_set_key(cert, pkey))
            i = 0;
    } else if (i == 1) {
        i = 0;
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_DATA_RETURNED_BY_CALLBACK);
    }
    X509_free(x509);
    EVP_PKEY_free(pkey);
    if (i == 0 || !usable(s, c, hs)) {
        /* Nothing to answer with: an empty Certificate. */
        hs->key = NULL;
        hs->sigalg = NULL;
    }
    return 1;
}

enum tls_step tls_client_send_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    int r = tls_client_prepare_certificate(s, c, hs);

    if (r < 0)
        return TLS_STEP_SUSPEND; /* SSL_get_error says SSL_ERROR_WANT_X509_LOOKUP */
    if (r == 0 || !tls_send_certificate(s, c, hs, hs->sigalg != NULL ? hs->key : NULL,
                                        hs->cl.cert_req_context, hs->cl.cert_req_context_len))
        return TLS_STEP_FAIL;
    tls_conn_set_state(s, c, TLS_ST_CW_CERT);
    return TLS_STEP_CONTINUE;
}
