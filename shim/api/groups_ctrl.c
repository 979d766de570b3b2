/*
 * shimssl - the groups and signature-algorithm lists an application sets
 * (SSL_CTRL_SET_GROUPS(_LIST), SSL_CTRL_SET_(CLIENT_)SIGALGS(_LIST)).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The string forms are split as stock splits them (CONF_parse_list with ':'
 * and surrounding blanks dropped); names are matched case-sensitively, as
 * stock matches them against its provider's group list and its signature
 * table.  A failed call leaves the old list in place.
 */
#include "shim.h"

#include <openssl/conf.h>
#include <string.h>

#include "api/ctrl.h"
#include "crypto/pkey.h"
#include "tls/groups.h"
#include "tls/sigalgs.h"

/* Longest name stock accepts in either list (its fixed buffers). */
#define GROUP_NAME_MAX  63
#define SIGALG_NAME_MAX 39

struct id_list {
    uint16_t ids[64];
    size_t n;
};

/* Adds id unless the list has it already; a repeat fails the whole list. */
static int add_unique(struct id_list *l, uint16_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->ids[i] == id)
            return 0;
    if (l->n == sizeof(l->ids) / sizeof(l->ids[0]))
        return 0;
    l->ids[l->n++] = id;
    return 1;
}

static int group_cb(const char *elem, int len, void *arg)
{
    char name[GROUP_NAME_MAX + 1];
    const struct tls_group *g;

    if (elem == NULL || len > GROUP_NAME_MAX)
        return 0;
    memcpy(name, elem, (size_t)len);
    name[len] = '\0';
    if ((g = tls_group_by_stock_name(name)) == NULL) {
        ERR_raise_data(ERR_LIB_SSL, ERR_R_PASSED_INVALID_ARGUMENT, "group '%s' cannot be set",
                       name);
        return 0;
    }
    return add_unique(arg, g->id);
}

/* "RSA", "RSA-PSS"/"PSS", "DSA", "ECDSA" name a key type; anything else a hash. */
static void key_or_hash(const char *s, int *key, int *hash)
{
    if (strcmp(s, "RSA") == 0)
        *key = EVP_PKEY_RSA;
    else if (strcmp(s, "RSA-PSS") == 0 || strcmp(s, "PSS") == 0)
        *key = EVP_PKEY_RSA_PSS;
    else if (strcmp(s, "DSA") == 0)
        *key = EVP_PKEY_DSA;
    else if (strcmp(s, "ECDSA") == 0)
        *key = EVP_PKEY_EC;
    else if ((*hash = OBJ_sn2nid(s)) == NID_undef)
        *hash = OBJ_ln2nid(s);
}

/* A signature scheme name ("rsa_pss_rsae_sha256") or KEY+HASH in either
 * order; for KEY+HASH the first table entry wins, so RSA-PSS means rsae. */
static int sigalg_cb(const char *elem, int len, void *arg)
{
    char name[SIGALG_NAME_MAX + 1], *plus;
    int key = NID_undef, hash = NID_undef;

    if (elem == NULL || len > SIGALG_NAME_MAX)
        return 0;
    memcpy(name, elem, (size_t)len);
    name[len] = '\0';
    if ((plus = strchr(name, '+')) == NULL) {
        for (size_t i = 0; i < tls_sigalg_count(); i++) {
            const struct tls_sigalg *a = tls_sigalg_at(i);
            if (a->name != NULL && strcmp(a->name, name) == 0)
                return add_unique(arg, a->code);
        }
        return 0;
    }
    *plus++ = '\0';
    if (*plus == '\0')
        return 0;
    key_or_hash(name, &key, &hash);
    key_or_hash(plus, &key, &hash);
    if (key == NID_undef || hash == NID_undef)
        return 0;
    for (size_t i = 0; i < tls_sigalg_count(); i++) {
        const struct tls_sigalg *a = tls_sigalg_at(i);
        if (a->hash_nid == hash && a->sig_type == key)
            return add_unique(arg, a->code);
    }
    return 0;
}

static int store(uint16_t **dst, size_t *dst_len, const uint16_t *ids, size_t n)
{
    uint16_t *copy = OPENSSL_memdup(ids, n > 0 ? n * sizeof(*ids) : 1);

    if (copy == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    OPENSSL_free(*dst);
    *dst = copy;
    *dst_len = n;
    return 1;
}

/* SSL_CTRL_SET_GROUPS: an array of NIDs. */
static long set_group_nids(struct shim_config *cfg, const int *nids, long n)
{
    struct id_list l = {{0}, 0};

    if (n <= 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
        return 0;
    }
    for (long i = 0; i < n; i++) {
        const struct tls_group *g = tls_group_by_nid(nids[i]);
        if (g == NULL || !add_unique(&l, g->id))
            return 0;
    }
    return store(&cfg->groups, &cfg->groups_len, l.ids, l.n);
}

/* SSL_CTRL_SET_TMP_ECDH (deprecated): the groups become the key's curve
 * alone, as stock; a curve that is no TLS group fails silently, as there. */
static long set_tmp_ecdh(struct shim_config *cfg, const EC_KEY *key)
{
    int has_group, nid;

    if (key == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    nid = shim_ec_key_curve_nid(key, &has_group);
    if (!has_group) {
        ERR_raise(ERR_LIB_SSL, SSL_R_MISSING_PARAMETERS);
        return 0;
    }
    if (nid == NID_undef)
        return 0;
    return set_group_nids(cfg, &nid, 1);
}

/* SSL_CTRL_SET_SIGALGS: (hash NID, key type) pairs. */
static long set_sigalg_nids(uint16_t **dst, size_t *dst_len, const int *pairs, long n)
{
    struct id_list l = {{0}, 0};

    if (n & 1)
        return 0;
    for (long i = 0; i < n; i += 2) {
        size_t j;
        for (j = 0; j < tls_sigalg_count(); j++) {
            const struct tls_sigalg *a = tls_sigalg_at(j);
            if (a->hash_nid == pairs[i] && a->sig_type == pairs[i + 1])
                break;
        }
        /* Stock keeps repeats here; only the string form refuses them. */
        if (j == tls_sigalg_count() || l.n == sizeof(l.ids) / sizeof(l.ids[0]))
            return 0;
        l.ids[l.n++] = tls_sigalg_at(j)->code;
    }
    return store(dst, dst_len, l.ids, l.n);
}

static long set_list(const char *str, int (*cb)(const char *, int, void *), uint16_t **dst,
                     size_t *dst_len)
{
    struct id_list l = {{0}, 0};

    if (!CONF_parse_list(str, ':', 1, cb, &l))
        return 0;
    return store(dst, dst_len, l.ids, l.n);
}

long shim_groups_ctrl(SSL_CTX *ctx, SSL *s, int cmd, long larg, void *parg)
{
    struct shim_config *cfg;
    struct shim_cert *cert;
    struct id_list l = {{0}, 0};

    /* SSL_CTX_ctrl(NULL, ...) only checks a list's syntax. */
    if (ctx == NULL && s == NULL)
        return CONF_parse_list(parg, ':', 1, cmd == SSL_CTRL_SET_GROUPS_LIST ? group_cb : sigalg_cb,
                               &l);
    cfg = s != NULL ? &s->cfg : &ctx->cfg;
    cert = cfg->cert;

    switch (cmd) {
    case SSL_CTRL_SET_GROUPS:
        return set_group_nids(cfg, parg, larg);
    case SSL_CTRL_SET_GROUPS_LIST:
        return set_list(parg, group_cb, &cfg->groups, &cfg->groups_len);
    case SSL_CTRL_SET_TMP_ECDH:
        return set_tmp_ecdh(cfg, parg);
    case SSL_CTRL_SET_SIGALGS:
        return set_sigalg_nids(&cert->conf_sigalgs, &cert->conf_sigalgs_len, parg, larg);
    case SSL_CTRL_SET_SIGALGS_LIST:
        return set_list(parg, sigalg_cb, &cert->conf_sigalgs, &cert->conf_sigalgs_len);
    case SSL_CTRL_SET_CLIENT_SIGALGS:
        return set_sigalg_nids(&cert->client_sigalgs, &cert->client_sigalgs_len, parg, larg);
    case SSL_CTRL_SET_CLIENT_SIGALGS_LIST:
        return set_list(parg, sigalg_cb, &cert->client_sigalgs, &cert->client_sigalgs_len);
    default:
        return 0;
    }
}

/* The TLS name of a group given by NID, or by TLSEXT_nid_unknown | code point
 * (as SSL_get1_groups reports groups it has no NID for). */
const char *SSL_group_to_name(SSL *s, int nid)
{
    const struct tls_group *g = (nid & TLSEXT_nid_unknown)
                                    ? tls_group_by_id((uint16_t)(nid & 0xffff))
                                    : tls_group_by_nid(nid);
    (void)s;
    return g != NULL ? g->name : NULL;
}
