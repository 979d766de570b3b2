/*
 * shimssl - security levels: the default security callback and the
 * functions that set levels and callbacks.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "tls/cipher_suites.h"
#include "api/security.h"
#include "tls/policy.h"

static int clamp_level(int level)
{
    return level < 0 ? 0 : level > 5 ? 5 : level;
}

/*
 * Stock's rules, with stock's numbers: at level 0 only DH below 80 bits is
 * refused; above it nothing weaker than the level, no anonymous or MD5
 * suites, SHA-1 MACs only while the level asks for 160 bits or fewer, no RC4
 * from level 2, forward secrecy from level 3; old versions go by level.
 */
int shim_security_default_callback(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid,
                                   void *other, void *ex)
{
    int level = clamp_level(s != NULL ? s->cfg.cert->sec_level : ctx->cfg.cert->sec_level);
    int minbits = tls_level_bits(level);
    const SSL_CIPHER *c = other;

    (void)ex;
    if (level == 0)
        return !(op == SSL_SECOP_TMP_DH && bits < 80);
    switch (op) {
    case SSL_SECOP_CIPHER_SUPPORTED:
    case SSL_SECOP_CIPHER_SHARED:
    case SSL_SECOP_CIPHER_CHECK:
        if (bits < minbits || (c->algorithm_auth & SHIM_A_NULL) || (c->algorithm_mac & SHIM_M_MD5))
            return 0;
        if (minbits > 160 && (c->algorithm_mac & SHIM_M_SHA1))
            return 0;
        if (level >= 2 && c->algorithm_enc == SHIM_E_RC4)
            return 0;
        if (level >= 3 && c->min_tls != TLS1_3_VERSION &&
            !(c->algorithm_mkey & (SHIM_K_DHE | SHIM_K_ECDHE | SHIM_K_DHEPSK | SHIM_K_ECDHEPSK)))
            return 0;
        return 1;
    case SSL_SECOP_VERSION:
        /* nid is the version here (TLS only: there is no DTLS). */
        return !((nid <= SSL3_VERSION && level >= 2) || (nid <= TLS1_VERSION && level >= 3) ||
                 (nid <= TLS1_1_VERSION && level >= 4));
    case SSL_SECOP_COMPRESSION:
        return level < 2;
    case SSL_SECOP_TICKET:
        return level < 3;
    default:
        return bits >= minbits;
    }
}

void SSL_CTX_set_security_level(SSL_CTX *ctx, int level)
{
    ctx->cfg.cert->sec_level = level;
}

int SSL_CTX_get_security_level(const SSL_CTX *ctx)
{
    return ctx->cfg.cert->sec_level;
}

void SSL_set_security_level(SSL *s, int level)
{
    s->cfg.cert->sec_level = level;
}

int SSL_get_security_level(const SSL *s)
{
    return s->cfg.cert->sec_level;
}

void SSL_CTX_set_security_callback(SSL_CTX *ctx, shim_security_cb cb)
{
    ctx->cfg.cert->sec_cb = cb;
}

shim_security_cb SSL_CTX_get_security_callback(const SSL_CTX *ctx)
{
    return ctx->cfg.cert->sec_cb;
}

void SSL_set_security_callback(SSL *s, shim_security_cb cb)
{
    s->cfg.cert->sec_cb = cb;
}

shim_security_cb SSL_get_security_callback(const SSL *s)
{
    return s->cfg.cert->sec_cb;
}

void SSL_CTX_set0_security_ex_data(SSL_CTX *ctx, void *ex)
{
    ctx->cfg.cert->sec_ex = ex;
}

void *SSL_CTX_get0_security_ex_data(const SSL_CTX *ctx)
{
    return ctx->cfg.cert->sec_ex;
}

void SSL_set0_security_ex_data(SSL *s, void *ex)
{
    s->cfg.cert->sec_ex = ex;
}

void *SSL_get0_security_ex_data(const SSL *s)
{
    return s->cfg.cert->sec_ex;
}
