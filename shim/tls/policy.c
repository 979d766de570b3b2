/*
 * shimssl - version range and security-level checks.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "tls/cipher_suites.h"
#include "tls/conn.h"
#include "tls/policy.h"

int tls_security_ok(const SSL *s, int op, int bits, int nid, void *other)
{
    const struct shim_cert *cert = s->cfg.cert;
    if (cert->sec_cb == NULL)
        return 1;
    /* Stock passes no context for a connection's checks. */
    return cert->sec_cb(s, NULL, op, bits, nid, other, cert->sec_ex);
}

int tls_version_enabled(const SSL *s, int v)
{
    static const struct {
        int version;
        uint64_t off;
    } mask[] = {
        {TLS1_3_VERSION, SSL_OP_NO_TLSv1_3},
        {TLS1_2_VERSION, SSL_OP_NO_TLSv1_2},
        {TLS1_1_VERSION, SSL_OP_NO_TLSv1_1},
        {TLS1_VERSION, SSL_OP_NO_TLSv1},
    };
    if ((s->cfg.min_proto_version != 0 && v < s->cfg.min_proto_version) ||
        !tls_security_ok(s, SSL_SECOP_VERSION, 0, v, NULL))
        return 0;
    if (s->cfg.max_proto_version != 0 && v > s->cfg.max_proto_version)
        return 0;
    for (size_t i = 0; i < sizeof(mask) / sizeof(mask[0]); i++)
        if (mask[i].version == v)
            return (s->cfg.options & mask[i].off) == 0;
    return 0;
}

int tls_version_range(const SSL *s, int *min_version, int *max_version)
{
    /* From the highest version down: the first enabled one is the maximum;
     * the range then extends down to just before the next disabled one.
     * SSLv3 is not built, so the table ends at TLS 1.0. */
    static const int versions[] = {TLS1_3_VERSION, TLS1_2_VERSION, TLS1_1_VERSION, TLS1_VERSION};
    int max = 0, min = 0, hole = 1;

    if (s->method->version != TLS_ANY_VERSION) {
        *min_version = *max_version = s->method->version;
        return 0;
    }
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        if (!tls_version_enabled(s, versions[i])) {
            hole = 1;
        } else if (!hole) {
            min = versions[i];
        } else {
            max = min = versions[i];
            hole = 0;
        }
    }
    *min_version = min;
    *max_version = max;
    return max == 0 ? SSL_R_NO_PROTOCOLS_AVAILABLE : 0;
}

int tls_cipher_usable(const SSL *s, const SSL_CIPHER *c, int min_version, int max_version, int op)
{
    /* PSK suites need a PSK callback and SRP is not supported: stock leaves
     * them out of a ClientHello in those cases. */
    if ((c->algorithm_mkey & SHIM_K_ALL_PSK) != 0 && s->cfg.psk_client_callback == NULL)
        return 0;
    if ((c->algorithm_mkey & SHIM_K_SRP) != 0 || (c->algorithm_auth & SHIM_A_SRP) != 0)
        return 0;
    if (c->min_tls > max_version || c->max_tls < min_version)
        return 0;
    return tls_security_ok(s, op, c->strength_bits, 0, (void *)c);
}

int tls_group_usable(const SSL *s, const struct tls_group *g, int min_version, int max_version,
                     int *tls13_ok)
{
    uint8_t id[2] = {(uint8_t)(g->id >> 8), (uint8_t)g->id};
    int in_range = g->min_tls <= max_version && (g->max_tls == 0 || g->max_tls >= min_version);

    if (tls13_ok != NULL)
        *tls13_ok =
            max_version == TLS1_3_VERSION && (g->max_tls == 0 || g->max_tls >= TLS1_3_VERSION);
    return in_range && tls_security_ok(s, SSL_SECOP_CURVE_SUPPORTED, g->secbits, 0, id);
}

int tls_sigalg_usable(const SSL *s, const struct tls_sigalg *a, int op, int min_version)
{
    uint8_t id[2] = {(uint8_t)(a->code >> 8), (uint8_t)a->code};
    if (!s->server && min_version >= TLS1_3_VERSION &&
        (a->sig_type == EVP_PKEY_DSA || a->hash_nid == NID_sha1 || a->hash_nid == NID_sha224))
        return 0;
    /* No DSA once a server has chosen TLS 1.3 (a client's second
     * ClientHello still offers it, as stock's). */
    if (s->server && s->conn != NULL && s->conn->version == TLS1_3_VERSION &&
        a->sig_type == EVP_PKEY_DSA)
        return 0;
    return tls_security_ok(s, op, a->secbits, a->hash_nid, id);
}

void tls_configured_groups(const SSL *s, const uint16_t **groups, size_t *len)
{
    if (s->cfg.groups != NULL) {
        *groups = s->cfg.groups;
        *len = s->cfg.groups_len;
    } else {
        *groups = tls_default_groups;
        *len = tls_default_groups_len;
    }
}

void tls_psigalgs(const SSL *s, int sent, const uint16_t **sigalgs, size_t *len)
{
    const struct shim_cert *cert = s->cfg.cert;

    /* The client list serves a server's CertificateRequest and a client's
     * own choice of what to sign with; otherwise the configured list. */
    if (s->server == sent && cert->client_sigalgs != NULL) {
        *sigalgs = cert->client_sigalgs;
        *len = cert->client_sigalgs_len;
    } else if (cert->conf_sigalgs != NULL) {
        *sigalgs = cert->conf_sigalgs;
        *len = cert->conf_sigalgs_len;
    } else {
        *sigalgs = tls_default_sigalgs;
        *len = tls_default_sigalgs_len;
    }
}

int tls_listed(uint16_t code, const uint16_t *list, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (list[i] == code)
            return 1;
    return 0;
}

int tls_level_bits(int level)
{
    /* Bits of security each level asks for (SSL_CTX_set_security_level(3)). */
    static const int bits[] = {0, 80, 112, 128, 192, 256};
    return bits[level < 0 ? 0 : level > 5 ? 5 : level];
}

int tls_security_level_bits(const SSL *s)
{
    return tls_level_bits(s->cfg.cert->sec_level);
}

uint16_t tls_server_shared_group(const SSL *s, const struct tls_conn *c, int n)
{
    const uint16_t *ours, *pref, *supp, *peer = c != NULL ? c->peer_groups : NULL;
    size_t nours, npeer = c != NULL ? c->peer_groups_len : 0, npref, nsupp;
    int k = 0;

    if (!s->server)
        return 0;
    if (n == -2)
        n = 0; /* (Suite B would choose differently; it is not supported) */
    tls_configured_groups(s, &ours, &nours);
    if (s->cfg.options & SSL_OP_CIPHER_SERVER_PREFERENCE) {
        pref = ours, npref = nours, supp = peer, nsupp = npeer;
    } else {
        pref = peer, npref = npeer, supp = ours, nsupp = nours;
    }
    for (size_t i = 0; i < npref; i++) {
        const struct tls_group *g = tls_group_by_id(pref[i]);
        uint8_t id[2] = {(uint8_t)(pref[i] >> 8), (uint8_t)pref[i]};

        if (!tls_listed(pref[i], supp, nsupp) || g == NULL ||
            !tls_security_ok(s, SSL_SECOP_CURVE_SHARED, g->secbits, g->nid, id))
            continue;
        /* Only groups of the version in use (no FFDHE group in TLS 1.2). */
        if (s->version < g->min_tls || (g->max_tls != 0 && s->version > g->max_tls))
            continue;
        if (n == k)
            return pref[i];
        k++;
    }
    return n == -1 ? (uint16_t)k : 0;
}
