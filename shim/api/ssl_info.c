/*
 * shimssl - what a connection negotiated: version, cipher, peer
 * certificates, ALPN, server name, randoms, Finished values, exporters.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "api/info.h"
#include "crypto/algs.h"
#include "tls/handshake12.h"
#include "tls/conn.h"
#include "tls/handshake.h"
#include "tls/key_schedule.h"
#include "tls/policy.h"
#include "tls/sigalg_choice.h"
#include "tls/sigalgs.h"

/* Stock's names for protocol versions (SSL_get_version, SSL_SESSION_print). */
const char *shim_protocol_name(int version)
{
    switch (version) {
    case TLS1_3_VERSION:
        return "TLSv1.3";
    case TLS1_2_VERSION:
        return "TLSv1.2";
    case TLS1_1_VERSION:
        return "TLSv1.1";
    case TLS1_VERSION:
        return "TLSv1";
    case SSL3_VERSION:
        return "SSLv3";
    case DTLS1_BAD_VER:
        return "DTLSv0.9";
    case DTLS1_VERSION:
        return "DTLSv1";
    case DTLS1_2_VERSION:
        return "DTLSv1.2";
    default:
        return "unknown";
    }
}

const char *SSL_get_version(const SSL *s)
{
    return shim_protocol_name(s->version);
}

int SSL_version(const SSL *s)
{
    return s->version;
}

int SSL_client_version(const SSL *s)
{
    return s->client_version;
}

const SSL_CIPHER *SSL_get_current_cipher(const SSL *s)
{
    return s->session != NULL ? s->session->cipher : NULL;
}

const SSL_CIPHER *SSL_get_pending_cipher(const SSL *s)
{
    return s->conn != NULL && s->conn->in_init ? s->conn->cipher : NULL;
}

void SSL_get0_alpn_selected(const SSL *s, const unsigned char **data, unsigned int *len)
{
    *data = s->conn != NULL ? s->conn->alpn : NULL;
    *len = *data != NULL ? (unsigned int)s->conn->alpn_len : 0;
}

STACK_OF(X509) * SSL_get_peer_cert_chain(const SSL *s)
{
    return s->session != NULL ? s->session->peer_chain : NULL;
}

X509 *SSL_get0_peer_certificate(const SSL *s)
{
    return s->session != NULL ? s->session->peer : NULL;
}

X509 *SSL_get1_peer_certificate(const SSL *s)
{
    X509 *x = SSL_get0_peer_certificate(s);
    if (x != NULL)
        X509_up_ref(x);
    return x;
}

STACK_OF(X509) * SSL_get0_verified_chain(const SSL *s)
{
    return s->verified_chain;
}

const char *SSL_get0_peername(SSL *s)
{
    return X509_VERIFY_PARAM_get0_peername(s->cfg.param);
}

static size_t copy_out(void *buf, size_t count, const uint8_t *src, size_t len)
{
    memcpy(buf, src, count < len ? count : len);
    return len;
}

size_t SSL_get_finished(const SSL *s, void *buf, size_t count)
{
    if (s->conn == NULL)
        return 0;
    return copy_out(buf, count, s->conn->finished, s->conn->finished_len);
}

size_t SSL_get_peer_finished(const SSL *s, void *buf, size_t count)
{
    if (s->conn == NULL)
        return 0;
    return copy_out(buf, count, s->conn->peer_finished, s->conn->peer_finished_len);
}

static size_t get_random(const SSL *s, int server, unsigned char *out, size_t outlen)
{
    static const uint8_t zeros[SSL3_RANDOM_SIZE];
    const uint8_t *r = zeros;
    if (outlen == 0)
        return SSL3_RANDOM_SIZE;
    if (s->conn != NULL)
        r = server ? s->conn->server_random : s->conn->client_random;
    if (outlen > SSL3_RANDOM_SIZE)
        outlen = SSL3_RANDOM_SIZE;
    memcpy(out, r, outlen);
    return outlen;
}

size_t SSL_get_client_random(const SSL *s, unsigned char *out, size_t outlen)
{
    return get_random(s, 0, out, outlen);
}

size_t SSL_get_server_random(const SSL *s, unsigned char *out, size_t outlen)
{
    return get_random(s, 1, out, outlen);
}

int SSL_export_keying_material(SSL *s, unsigned char *out, size_t olen, const char *label,
                               size_t llen, const unsigned char *context, size_t contextlen,
                               int use_context)
{
    struct tls_conn *c = s->conn;

    if (c == NULL || s->session == NULL || c->version < TLS1_VERSION)
        return -1;
    if (c->version != TLS1_3_VERSION)
        return tls12_export_keying_material(s, c, out, olen, label, llen, context, contextlen,
                                            use_context);
    /* Only once the server's Finished has been seen (stock's rule). */
    if (c->peer_finished_len == 0 && s->server == 0)
        return 0;
    /* RFC 8446 7.5: no context and an empty context are the same in TLS 1.3. */
    if (!use_context)
        contextlen = 0;
    if (!tls13_export(c->algs, c->md, c->exporter, label, llen, context, contextlen, out, olen))
        return 0;
    return 1;
}

const char *SSL_get_servername(const SSL *s, const int type)
{
    if (type != TLSEXT_NAMETYPE_host_name)
        return NULL;
    if (!s->server || !s->role_chosen) {
        /* A client reports what it asked for, or, when resuming a TLS 1.2
         * session that named one, the session's name. */
        if (tls_conn_in_before(s)) {
            if (s->hostname == NULL && s->session != NULL &&
                s->session->ssl_version != TLS1_3_VERSION)
                return s->session->hostname;
        } else if (s->version != TLS1_3_VERSION && s->hit && s->session->hostname != NULL) {
            return s->session->hostname;
        }
    } else if (s->hit && s->version != TLS1_3_VERSION) {
        /* A server resuming a TLS 1.2 session answers with the session's
         * name (the one accepted when it was made), not this ClientHello's,
         * as stock does (pyOpenSSL's get_servername() after a resumption). */
        return s->session->hostname;
    }
    return s->hostname;
}

int SSL_get_servername_type(const SSL *s)
{
    return SSL_get_servername(s, TLSEXT_NAMETYPE_host_name) != NULL ? TLSEXT_NAMETYPE_host_name
                                                                    : -1;
}

static int sigalg_type(int code, int *pnid)
{
    const struct tls_sigalg *a = tls_sigalg_by_conn_code(code);
    if (a == NULL)
        return 0;
    *pnid = a->sig_type;
    return 1;
}

int SSL_get_peer_signature_type_nid(const SSL *s, int *pnid)
{
    return s->conn != NULL && sigalg_type(s->conn->peer_sigalg, pnid);
}

int SSL_get_signature_type_nid(const SSL *s, int *pnid)
{
    return s->conn != NULL && sigalg_type(s->conn->sigalg, pnid);
}

/* ------------------------------------------- what the server asked of us */

/* The signature algorithms of the server's CertificateRequest. */
int SSL_get_sigalgs(SSL *s, int idx, int *psign, int *phash, int *psignhash, unsigned char *rsig,
                    unsigned char *rhash)
{
    const struct tls_sigalg *a;
    size_t n;
    const uint16_t *list = tls_conn_peer_sigalgs(s->conn, &n);

    if (list == NULL)
        return 0;
    if (idx >= 0) {
        if ((size_t)idx >= n)
            return 0;
        if (rhash != NULL)
            *rhash = (unsigned char)(list[idx] >> 8);
        if (rsig != NULL)
            *rsig = (unsigned char)list[idx];
        a = tls_sigalg_by_code(list[idx]);
        if (psign != NULL)
            *psign = a != NULL ? a->sig_type : NID_undef;
        if (phash != NULL)
            *phash = a != NULL ? a->hash_nid : NID_undef;
        if (psignhash != NULL)
            *psignhash = a != NULL ? a->sigandhash_nid : NID_undef;
    }
    return (int)n;
}

/* Those of the peer's that we accept too, in stock's order (see
 * tls_shared_sigalgs); once TLS 1.3 is negotiated, without the SHA-1,
 * SHA-224 and DSA ones, as stock. */
int SSL_get_shared_sigalgs(SSL *s, int idx, int *psign, int *phash, int *psignhash,
                           unsigned char *rsig, unsigned char *rhash)
{
    const struct tls_sigalg *shared[TLS_MAX_SHARED_SIGALGS], *a;
    size_t len, n;
    const uint16_t *list = tls_conn_peer_sigalgs(s->conn, &len);

    /* As stock: only a valid index gets an answer (the count). */
    if (list == NULL || idx < 0)
        return 0;
    n = tls_shared_sigalgs(s, list, len, s->conn->version, shared, TLS_MAX_SHARED_SIGALGS);
    if ((size_t)idx >= n)
        return 0;
    a = shared[idx];
    if (rhash != NULL)
        *rhash = (unsigned char)(a->code >> 8);
    if (rsig != NULL)
        *rsig = (unsigned char)a->code;
    if (psign != NULL)
        *psign = a->sig_type;
    if (phash != NULL)
        *phash = a->hash_nid;
    if (psignhash != NULL)
        *psignhash = a->sigandhash_nid;
    return (int)n;
}

const STACK_OF(X509_NAME) * SSL_get0_peer_CA_list(const SSL *s)
{
    return tls_conn_peer_ca_names(s->conn);
}

/* A client's "client CA list" is what the server's CertificateRequest named. */
STACK_OF(X509_NAME) * SSL_get_client_CA_list(const SSL *s)
{
    if (!s->server)
        return tls_conn_peer_ca_names(s->conn);
    return s->cfg.client_ca_names != NULL ? s->cfg.client_ca_names : s->ctx->cfg.client_ca_names;
}

/* ------------------------------------ features this library never turns on */

/* DANE, CT, SRTP and early data cannot be enabled here (their setters
 * refuse), so these report them off, exactly as stock does when they are. */
int SSL_get0_dane_authority(SSL *s, X509 **mcert, EVP_PKEY **mspki)
{
    (void)s, (void)mcert, (void)mspki;
    return -1;
}

int SSL_get0_dane_tlsa(SSL *s, uint8_t *usage, uint8_t *selector, uint8_t *mtype,
                       const unsigned char **data, size_t *dlen)
{
    (void)s, (void)usage, (void)selector, (void)mtype, (void)data, (void)dlen;
    return -1;
}

int SSL_ct_is_enabled(const SSL *s)
{
    (void)s;
    return 0;
}

SRTP_PROTECTION_PROFILE *SSL_get_selected_srtp_profile(SSL *s)
{
    (void)s;
    return NULL;
}

int SSL_get_early_data_status(const SSL *s)
{
    (void)s;
    return SSL_EARLY_DATA_NOT_SENT;
}

/* The protocol chosen through next_protocol_negotiation, if any. */
void SSL_get0_next_proto_negotiated(const SSL *s, const unsigned char **data, unsigned *len)
{
    *data = s->conn != NULL ? s->conn->npn : NULL;
    *len = s->conn != NULL ? (unsigned)s->conn->npn_len : 0;
}
