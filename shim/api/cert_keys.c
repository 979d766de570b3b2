/*
 * shimssl - our certificates and private keys: SSL_CTX_use_* / SSL_use_*,
 * their file and DER forms, chains from files, key checks, and the
 * password callback the PEM loaders use.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * One certificate and key per key type (RSA, RSA-PSS, ECDSA, Ed25519,
 * Ed448) are held side by side; the last one set is "current", the one
 * chain functions act on.
 */
#include "shim.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "objects.h"
#include "api/cert.h"
#include "crypto/pkey.h"
#include "tls/our_certs.h"
#include "tls/sigalg_choice.h"

/* The settings block and context of whichever object is being set up. */
struct target {
    SSL_CTX *ctx;
    SSL *s;
    struct shim_config *cfg;
};

static struct target of_ctx(SSL_CTX *ctx)
{
    return (struct target){ctx, NULL, &ctx->cfg};
}

static struct target of_ssl(SSL *s)
{
    return (struct target){s->ctx, s, &s->cfg};
}

static int cert_secure_as(struct target t, X509 *x, int is_ee)
{
    return tls_cert_secure(t.ctx, t.s, t.cfg->cert, x, is_ee);
}

static int cert_secure(struct target t, X509 *x)
{
    return cert_secure_as(t, x, 1);
}

static int set_cert(struct target t, X509 *x)
{
    return tls_cert_set_x509(t.ctx, t.s, t.cfg->cert, x);
}

static int set_key(struct target t, EVP_PKEY *pkey)
{
    return tls_cert_set_key(t.cfg->cert, pkey);
}

int SSL_CTX_use_certificate(SSL_CTX *ctx, X509 *x)
{
    return set_cert(of_ctx(ctx), x);
}

int SSL_use_certificate(SSL *s, X509 *x)
{
    return set_cert(of_ssl(s), x);
}

/* A certificate callback that picks its chain (s_server -xcert) clears
 * the SSL's certificates first; the context's own are untouched (the SSL
 * holds its own copy). */
void SSL_certs_clear(SSL *s)
{
    shim_cert_clear_keys(s->cfg.cert);
}

/* Which of its chains suits the peer, for a certificate callback: stock's
 * CERT_PKEY_* flags (tls_check_chain). */
int SSL_check_chain(SSL *s, X509 *x, EVP_PKEY *pk, STACK_OF(X509) * chain)
{
    return tls_check_chain(s, x, pk, chain);
}

int SSL_CTX_use_PrivateKey(SSL_CTX *ctx, EVP_PKEY *pkey)
{
    return set_key(of_ctx(ctx), pkey);
}

int SSL_use_PrivateKey(SSL *s, EVP_PKEY *pkey)
{
    return set_key(of_ssl(s), pkey);
}

/* ------------------------------------------------------------ from files */

static pem_password_cb *passwd_cb(struct target t)
{
    return t.cfg->default_passwd_callback;
}

static void *passwd_ud(struct target t)
{
    return t.cfg->default_passwd_callback_userdata;
}

static BIO *open_file(const char *file)
{
    BIO *in = BIO_new(BIO_s_file());

    if (in == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_BUF_LIB);
        return NULL;
    }
    if (BIO_read_filename(in, file) <= 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_SYS_LIB);
        BIO_free(in);
        return NULL;
    }
    return in;
}

static int cert_file(struct target t, const char *file, int type)
{
    BIO *in;
    X509 *x = NULL;
    int reason, ok = 0;

    if ((in = open_file(file)) == NULL)
        return 0;
    if (type != SSL_FILETYPE_ASN1 && type != SSL_FILETYPE_PEM) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_SSL_FILETYPE);
        BIO_free(in);
        return 0;
    }
    if ((x = X509_new_ex(t.ctx->libctx, t.ctx->propq)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        BIO_free(in);
        return 0;
    }
    if (type == SSL_FILETYPE_ASN1) {
        reason = ERR_R_ASN1_LIB;
        ok = d2i_X509_bio(in, &x) != NULL;
    } else {
        reason = ERR_R_PEM_LIB;
        ok = PEM_read_bio_X509(in, &x, passwd_cb(t), passwd_ud(t)) != NULL;
    }
    if (!ok)
        ERR_raise(ERR_LIB_SSL, reason);
    else
        ok = set_cert(t, x);
    X509_free(x);
    BIO_free(in);
    return ok;
}

static int key_file(struct target t, const char *file, int type)
{
    BIO *in;
    EVP_PKEY *pkey = NULL;
    int reason, ok;

    if ((in = open_file(file)) == NULL)
        return 0;
    if (type == SSL_FILETYPE_PEM) {
        reason = ERR_R_PEM_LIB;
        pkey = PEM_read_bio_PrivateKey_ex(in, NULL, passwd_cb(t), passwd_ud(t), t.ctx->libctx,
                                          t.ctx->propq);
    } else if (type == SSL_FILETYPE_ASN1) {
        reason = ERR_R_ASN1_LIB;
        pkey = d2i_PrivateKey_ex_bio(in, NULL, t.ctx->libctx, t.ctx->propq);
    } else {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_SSL_FILETYPE);
        BIO_free(in);
        return 0;
    }
    if (pkey == NULL) {
        ERR_raise(ERR_LIB_SSL, reason);
        BIO_free(in);
        return 0;
    }
    ok = set_key(t, pkey);
    EVP_PKEY_free(pkey);
    BIO_free(in);
    return ok;
}

int SSL_CTX_use_certificate_file(SSL_CTX *ctx, const char *file, int type)
{
    return cert_file(of_ctx(ctx), file, type);
}

int SSL_use_certificate_file(SSL *s, const char *file, int type)
{
    return cert_file(of_ssl(s), file, type);
}

int SSL_CTX_use_PrivateKey_file(SSL_CTX *ctx, const char *file, int type)
{
    return key_file(of_ctx(ctx), file, type);
}

int SSL_use_PrivateKey_file(SSL *s, const char *file, int type)
{
    return key_file(of_ssl(s), file, type);
}

/*
 * A PEM file with the certificate first and its chain after: the chain of
 * the current slot is replaced; running out of certificates (PEM's "no
 * start line") is the normal end and leaves no error.
 */
static int chain_file(struct target t, const char *file)
{
    struct shim_cert *c = t.cfg->cert;
    BIO *in;
    X509 *x = NULL;
    STACK_OF(X509) * chain;
    int ok;
    unsigned long err;

    ERR_clear_error();
    if ((in = open_file(file)) == NULL)
        return 0;
    if ((x = X509_new_ex(t.ctx->libctx, t.ctx->propq)) == NULL ||
        PEM_read_bio_X509_AUX(in, &x, passwd_cb(t), passwd_ud(t)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PEM_LIB);
        X509_free(x);
        BIO_free(in);
        return 0;
    }
    ok = set_cert(t, x) && ERR_peek_error() == 0;
    X509_free(x);
    if (!ok || (chain = sk_X509_new_null()) == NULL) {
        BIO_free(in);
        return 0;
    }
    for (;;) {
        X509 *ca = X509_new_ex(t.ctx->libctx, t.ctx->propq);
        if (ca == NULL || PEM_read_bio_X509(in, &ca, passwd_cb(t), passwd_ud(t)) == NULL) {
            X509_free(ca);
            break;
        }
        if (!sk_X509_push(chain, ca)) {
            X509_free(ca);
            ok = 0;
            break;
        }
    }
    err = ERR_peek_last_error();
    if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE)
        ERR_clear_error();
    else if (err != 0)
        ok = 0;
    if (ok) {
        /* Without extra certificates there is no chain (so the server
         * builds one from its stores, as stock's). */
        sk_X509_pop_free(c->current->chain, X509_free);
        c->current->chain = sk_X509_num(chain) > 0 ? chain : NULL;
        if (c->current->chain == NULL)
            sk_X509_free(chain);
    } else {
        sk_X509_pop_free(chain, X509_free);
    }
    BIO_free(in);
    return ok;
}

int SSL_CTX_use_certificate_chain_file(SSL_CTX *ctx, const char *file)
{
    return chain_file(of_ctx(ctx), file);
}

int SSL_use_certificate_chain_file(SSL *s, const char *file)
{
    return chain_file(of_ssl(s), file);
}

/* -------------------------------------------------------------- from DER */

static int cert_der(struct target t, const unsigned char *d, long len)
{
    const unsigned char *p = d;
    X509 *x = X509_new_ex(t.ctx->libctx, t.ctx->propq);
    int ok;

    if (x == NULL || d2i_X509(&x, &p, len) == NULL) {
        X509_free(x);
        ERR_raise(ERR_LIB_SSL, ERR_R_ASN1_LIB);
        return 0;
    }
    ok = set_cert(t, x);
    X509_free(x);
    return ok;
}

static int key_der(struct target t, int type, const unsigned char *d, long len)
{
    const unsigned char *p = d;
    EVP_PKEY *pkey = d2i_PrivateKey_ex(type, NULL, &p, len, t.ctx->libctx, t.ctx->propq);
    int ok;

    if (pkey == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_ASN1_LIB);
        return 0;
    }
    ok = set_key(t, pkey);
    EVP_PKEY_free(pkey);
    return ok;
}

int SSL_CTX_use_certificate_ASN1(SSL_CTX *ctx, int len, const unsigned char *d)
{
    return cert_der(of_ctx(ctx), d, len);
}

int SSL_use_certificate_ASN1(SSL *s, const unsigned char *d, int len)
{
    return cert_der(of_ssl(s), d, len);
}

int SSL_CTX_use_PrivateKey_ASN1(int type, SSL_CTX *ctx, const unsigned char *d, long len)
{
    return key_der(of_ctx(ctx), type, d, len);
}

int SSL_use_PrivateKey_ASN1(int type, SSL *s, const unsigned char *d, long len)
{
    return key_der(of_ssl(s), type, d, len);
}

/* --------------------------------------------------- certificate and key */

/* Certificate, key and chain set together, after every check; with
 * override 0 an occupied slot is refused. */
static int cert_and_key(struct target t, X509 *x, EVP_PKEY *key, STACK_OF(X509) * chain,
                        int override)
{
    struct shim_cert *c = t.cfg->cert;
    EVP_PKEY *pub = NULL;
    STACK_OF(X509) *dup = NULL;
    int i, ok = 0;

    if (!cert_secure(t, x))
        return 0;
    for (int j = 0; j < sk_X509_num(chain); j++)
        if (!cert_secure_as(t, sk_X509_value(chain, j), 0))
            return 0;
    if ((pub = X509_get_pubkey(x)) == NULL)
        return 0;
    if (key == NULL) {
        key = pub;
    } else if (shim_pkey_missing_parameters(key)) {
        if (shim_pkey_missing_parameters(pub)) {
            ERR_raise(ERR_LIB_SSL, SSL_R_MISSING_PARAMETERS);
            goto out;
        }
        if (!shim_pkey_copy_parameters(key, pub)) {
            ERR_raise(ERR_LIB_SSL, SSL_R_COPY_PARAMETERS_FAILED);
            goto out;
        }
    } else if (shim_pkey_missing_parameters(pub) && !shim_pkey_copy_parameters(pub, key)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_COPY_PARAMETERS_FAILED);
        goto out;
    }
    if (key != pub && shim_pkey_eq(pub, key) != 1) {
        ERR_raise(ERR_LIB_SSL, SSL_R_PRIVATE_KEY_MISMATCH);
        goto out;
    }
    if ((i = shim_pkey_slot(pub)) < 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_UNKNOWN_CERTIFICATE_TYPE);
        goto out;
    }
    if (!override &&
        (c->pkeys[i].x509 != NULL || c->pkeys[i].privatekey != NULL || c->pkeys[i].chain != NULL)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NOT_REPLACING_CERTIFICATE);
        goto out;
    }
    if (chain != NULL && (dup = X509_chain_up_ref(chain)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        goto out;
    }
    sk_X509_pop_free(c->pkeys[i].chain, X509_free);
    c->pkeys[i].chain = dup;
    X509_up_ref(x);
    X509_free(c->pkeys[i].x509);
    c->pkeys[i].x509 = x;
    EVP_PKEY_up_ref(key);
    EVP_PKEY_free(c->pkeys[i].privatekey);
    c->pkeys[i].privatekey = key;
    c->current = &c->pkeys[i];
    ok = 1;
out:
    EVP_PKEY_free(pub);
    return ok;
}

int SSL_CTX_use_cert_and_key(SSL_CTX *ctx, X509 *x509, EVP_PKEY *privatekey, STACK_OF(X509) * chain,
                             int override)
{
    return cert_and_key(of_ctx(ctx), x509, privatekey, chain, override);
}

int SSL_use_cert_and_key(SSL *s, X509 *x509, EVP_PKEY *privatekey, STACK_OF(X509) * chain,
                         int override)
{
    return cert_and_key(of_ssl(s), x509, privatekey, chain, override);
}

/* ------------------------------------------------------------ RSA keys */

static int rsa_key(struct target t, RSA *rsa)
{
    EVP_PKEY *pkey;
    int ok;

    if (rsa == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if ((pkey = shim_pkey_from_rsa(rsa)) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_EVP_LIB);
        return 0;
    }
    ok = set_key(t, pkey);
    EVP_PKEY_free(pkey);
    return ok;
}

static int rsa_key_file(struct target t, const char *file, int type)
{
    BIO *in;
    RSA *rsa = NULL;
    int reason, ok;

    if ((in = open_file(file)) == NULL)
        return 0;
    if (type == SSL_FILETYPE_ASN1) {
        reason = ERR_R_ASN1_LIB;
        rsa = d2i_RSAPrivateKey_bio(in, NULL);
    } else if (type == SSL_FILETYPE_PEM) {
        reason = ERR_R_PEM_LIB;
        rsa = PEM_read_bio_RSAPrivateKey(in, NULL, passwd_cb(t), passwd_ud(t));
    } else {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_SSL_FILETYPE);
        BIO_free(in);
        return 0;
    }
    BIO_free(in);
    if (rsa == NULL) {
        ERR_raise(ERR_LIB_SSL, reason);
        return 0;
    }
    ok = rsa_key(t, rsa);
    RSA_free(rsa);
    return ok;
}

static int rsa_key_der(struct target t, const unsigned char *d, long len)
{
    const unsigned char *p = d;
    RSA *rsa = d2i_RSAPrivateKey(NULL, &p, len);
    int ok;

    if (rsa == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_ASN1_LIB);
        return 0;
    }
    ok = rsa_key(t, rsa);
    RSA_free(rsa);
    return ok;
}

int SSL_CTX_use_RSAPrivateKey(SSL_CTX *ctx, RSA *rsa)
{
    return rsa_key(of_ctx(ctx), rsa);
}

int SSL_use_RSAPrivateKey(SSL *s, RSA *rsa)
{
    return rsa_key(of_ssl(s), rsa);
}

int SSL_CTX_use_RSAPrivateKey_file(SSL_CTX *ctx, const char *file, int type)
{
    return rsa_key_file(of_ctx(ctx), file, type);
}

int SSL_use_RSAPrivateKey_file(SSL *s, const char *file, int type)
{
    return rsa_key_file(of_ssl(s), file, type);
}

int SSL_CTX_use_RSAPrivateKey_ASN1(SSL_CTX *ctx, const unsigned char *d, long len)
{
    return rsa_key_der(of_ctx(ctx), d, len);
}

int SSL_use_RSAPrivateKey_ASN1(SSL *s, const unsigned char *d, long len)
{
    return rsa_key_der(of_ssl(s), d, len);
}

/* ------------------------------------------------------------ key checks */

static int check_key(struct target t)
{
    const struct shim_cert_pkey *k = t.cfg->cert->current;

    if (k->x509 == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_CERTIFICATE_ASSIGNED);
        return 0;
    }
    if (k->privatekey == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_PRIVATE_KEY_ASSIGNED);
        return 0;
    }
    return X509_check_private_key(k->x509, k->privatekey);
}

int SSL_CTX_check_private_key(const SSL_CTX *ctx)
{
    return check_key(of_ctx((SSL_CTX *)ctx));
}

int SSL_check_private_key(const SSL *s)
{
    if (s == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    return check_key(of_ssl((SSL *)s));
}

X509 *SSL_CTX_get0_certificate(const SSL_CTX *ctx)
{
    return ctx->cfg.cert != NULL ? ctx->cfg.cert->current->x509 : NULL;
}

EVP_PKEY *SSL_CTX_get0_privatekey(const SSL_CTX *ctx)
{
    return ctx->cfg.cert != NULL ? ctx->cfg.cert->current->privatekey : NULL;
}

X509 *SSL_get_certificate(const SSL *s)
{
    return s->cfg.cert != NULL ? s->cfg.cert->current->x509 : NULL;
}

EVP_PKEY *SSL_get_privatekey(const SSL *s)
{
    return s->cfg.cert != NULL ? s->cfg.cert->current->privatekey : NULL;
}

/* ------------------------------------------------------- password callback */

void SSL_CTX_set_default_passwd_cb(SSL_CTX *ctx, pem_password_cb *cb)
{
    ctx->cfg.default_passwd_callback = cb;
}

void SSL_CTX_set_default_passwd_cb_userdata(SSL_CTX *ctx, void *u)
{
    ctx->cfg.default_passwd_callback_userdata = u;
}

pem_password_cb *SSL_CTX_get_default_passwd_cb(SSL_CTX *ctx)
{
    return ctx->cfg.default_passwd_callback;
}

void *SSL_CTX_get_default_passwd_cb_userdata(SSL_CTX *ctx)
{
    return ctx->cfg.default_passwd_callback_userdata;
}

void SSL_set_default_passwd_cb(SSL *s, pem_password_cb *cb)
{
    s->cfg.default_passwd_callback = cb;
}

void SSL_set_default_passwd_cb_userdata(SSL *s, void *u)
{
    s->cfg.default_passwd_callback_userdata = u;
}

pem_password_cb *SSL_get_default_passwd_cb(SSL *s)
{
    return s->cfg.default_passwd_callback;
}

void *SSL_get_default_passwd_cb_userdata(SSL *s)
{
    return s->cfg.default_passwd_callback_userdata;
}
