/*
 * shimssl - which signature algorithm a handshake signs with, and whether
 * the peer's is acceptable.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/obj_mac.h>
#include <string.h>

#include "crypto/hash.h"
#include "crypto/pkey.h"
#include "crypto/sig.h"
#include "tls/cipher_suites.h"
#include "tls/groups.h"
#include "tls/policy.h"
#include "tls/sigalg_choice.h"

size_t tls_shared_sigalgs(const SSL *s, const uint16_t *peer, size_t npeer, int min_version,
                          const struct tls_sigalg **out, size_t max)
{
    const uint16_t *ours, *pref, *allow;
    size_t nours, npref, nallow, n = 0;

    tls_psigalgs(s, 0, &ours, &nours);
    if (s->cfg.options & SSL_OP_CIPHER_SERVER_PREFERENCE) {
        pref = ours, npref = nours, allow = peer, nallow = npeer;
    } else {
        pref = peer, npref = npeer, allow = ours, nallow = nours;
    }
    for (size_t i = 0; i < npref && n < max; i++) {
        const struct tls_sigalg *a = tls_sigalg_by_code(pref[i]);
        if (a == NULL || !tls_sigalg_usable(s, a, SSL_SECOP_SIGALG_SHARED, min_version) ||
            !tls_listed(pref[i], allow, nallow))
            continue;
        out[n++] = a;
    }
    return n;
}

/* An RSA key signs PSS with this hash only if it is big enough (RFC 8017:
 * two hash lengths and two bytes). */
static int pss_key_big_enough(const struct shim_algs *algs, const struct tls_sigalg *a,
                              EVP_PKEY *pkey)
{
    const EVP_MD *md;

    if (a->sig_type != EVP_PKEY_RSA_PSS)
        return 1;
    md = shim_algs_md_by_nid(algs, a->hash_nid);
    return md != NULL && pkey != NULL && (size_t)shim_pkey_size(pkey) >= 2 * shim_md_size(md) + 2;
}

/* signature_algorithms_cert (RFC 8446 4.2.3), when the peer sent it: our
 * certificate's own signature must be one it lists (hash and key type, as
 * stock compares them: PSS with an RSA or a PSS key alike). */
static int cert_signature_accepted(SSL *s, X509 *x)
{
    const struct tls_hs *hs = s->conn != NULL ? s->conn->hs : NULL;
    int md_nid, pk_nid;

    if (hs == NULL || hs->peer_sigalgs_cert == NULL)
        return 1;
    if (!X509_get_signature_info(x, &md_nid, &pk_nid, NULL, NULL))
        return 0;
    for (size_t i = 0; i < hs->peer_sigalgs_cert_len; i++) {
        const struct tls_sigalg *a = tls_sigalg_by_code(hs->peer_sigalgs_cert[i]);
        if (a != NULL && a->hash_nid == md_nid && a->sig_type == pk_nid)
            return 1;
    }
    return 0;
}

/* This key can make a's signature, and the peer accepts how the
 * certificate is signed (stock's check_cert_usable). */
static int cert_key_usable(SSL *s, const struct tls_sigalg *a, X509 *x, EVP_PKEY *pkey)
{
    return shim_sig_can_sign_digest(s->ctx->sign_ctxs, s->ctx->libctx, s->ctx->propq, pkey,
                                    a->hash_nid) &&
           cert_signature_accepted(s, x);
}

/* We hold a certificate and key in a's slot that can make its signature,
 * and the peer accepts how the certificate is signed. */
static int usable_cert(SSL *s, const struct tls_sigalg *a, int slot)
{
    const struct shim_cert_pkey *k;

    if (slot < 0 || slot >= SHIM_PKEY_NUM)
        return 0;
    k = &s->cfg.cert->pkeys[slot];
    return k->x509 != NULL && k->privatekey != NULL &&
           cert_key_usable(s, a, k->x509, k->privatekey);
}

/* TLS 1.3 (stock's find_sig_alg): the first shared algorithm that is not
 * SHA-1, SHA-224, DSA or PKCS #1, for which we hold a key on its curve; or,
 * given a certificate and key (x and pkey), one that key can use. */
static const struct tls_sigalg *find_tls13(SSL *s, struct tls_conn *c,
                                           const struct tls_sigalg **shared, size_t n, X509 *x,
                                           EVP_PKEY *given)
{
    int curve = -1;

    for (size_t i = 0; i < n; i++) {
        const struct tls_sigalg *a = shared[i];
        EVP_PKEY *pkey;

        if (a->hash_nid == NID_sha1 || a->hash_nid == NID_sha224 || a->sig_type == EVP_PKEY_DSA ||
            a->sig_type == EVP_PKEY_RSA)
            continue;
        if (given != NULL ? shim_pkey_slot(given) != a->key_slot || !cert_key_usable(s, a, x, given)
                          : !usable_cert(s, a, a->key_slot))
            continue;
        pkey = given != NULL ? given : s->cfg.cert->pkeys[a->key_slot].privatekey;
        if (a->sig_type == EVP_PKEY_EC) {
            if (curve == -1)
                curve = shim_pkey_curve_nid(pkey);
            if (a->curve_nid != NID_undef && curve != a->curve_nid)
                continue;
        } else if (!pss_key_big_enough(c->algs, a, pkey)) {
            continue;
        }
        return a;
    }
    return NULL;
}

/* Whether a key of this slot can authenticate the suite (stock's
 * tls12_get_cert_sigalg_idx, less the validity it leaves to the caller):
 * RSA and RSA-PSS keys RSA suites (PSS not with RSA key transport),
 * ECDSA and EdDSA keys ECDSA suites. */
static int slot_fits_suite(int slot, const SSL_CIPHER *ci)
{
    switch (slot) {
    case SHIM_PKEY_RSA:
        return (ci->algorithm_auth & SHIM_A_RSA) != 0;
    case SHIM_PKEY_RSA_PSS:
        return (ci->algorithm_auth & SHIM_A_RSA) != 0 && (ci->algorithm_mkey & SHIM_K_RSA) == 0;
    case SHIM_PKEY_ECDSA:
    case SHIM_PKEY_ED25519:
    case SHIM_PKEY_ED448:
        return (ci->algorithm_auth & SHIM_A_ECDSA) != 0;
    default:
        return 0;
    }
}

const struct tls_sigalg *tls_default_sigalg(SSL *s, int version, int slot)
{
    const struct tls_sigalg *a;
    uint8_t id[2];

    if (version < TLS1_2_VERSION)
        return tls_legacy_sigalg(s, slot);
    /* RFC 5246 7.4.1.4.1: without signature_algorithms, SHA-1. */
    if (slot == SHIM_PKEY_RSA)
        a = tls_sigalg_by_code(0x0201); /* rsa_pkcs1_sha1 */
    else if (slot == SHIM_PKEY_ECDSA)
        a = tls_sigalg_by_code(0x0203); /* ecdsa_sha1 */
    else
        return NULL;
    id[0] = (uint8_t)(a->code >> 8);
    id[1] = (uint8_t)a->code;
    return tls_security_ok(s, SSL_SECOP_SIGALG_SUPPORTED, a->secbits, a->hash_nid, id) ? a : NULL;
}

/* A TLS 1.0-1.2 server: the first shared algorithm one of our keys fitting
 * the suite can sign; without the client's list, the default algorithm of
 * the first such key, which must be one we would accept (stock's order and
 * errors). */
static int choose_server12(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                           const struct tls_sigalg **shared, size_t n)
{
    const struct tls_sigalg *a = NULL;
    int slot = -1;

    if (!(c->cipher->algorithm_auth & (SHIM_A_RSA | SHIM_A_DSS | SHIM_A_ECDSA)))
        return 1;
    if (c->version >= TLS1_2_VERSION && hs->peer_sigalgs != NULL) {
        size_t i;

        for (i = 0; i < n; i++) {
            a = shared[i];
            slot = a->key_slot;
            if (slot_fits_suite(slot, c->cipher) && usable_cert(s, a, slot) &&
                pss_key_big_enough(c->algs, a, s->cfg.cert->pkeys[slot].privatekey))
                break;
        }
        if (i == n)
            return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM);
    } else {
        const uint16_t *sent;
        size_t nsent;

        for (int i = 0; i < SHIM_PKEY_NUM && slot < 0; i++) {
            const struct shim_cert_pkey *k = &s->cfg.cert->pkeys[i];
            if (k->x509 != NULL && k->privatekey != NULL && slot_fits_suite(i, c->cipher))
                slot = i;
        }
        if (slot < 0 || (a = tls_default_sigalg(s, c->version, slot)) == NULL)
            return tls_fatal(
                s, c->version >= TLS1_2_VERSION ? SSL_AD_HANDSHAKE_FAILURE : SSL_AD_INTERNAL_ERROR,
                SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM);
        /* (TLS 1.2: it must be one we would accept ourselves.) */
        tls_psigalgs(s, 1, &sent, &nsent);
        if (c->version >= TLS1_2_VERSION &&
            (!tls_listed(a->code, sent, nsent) || !usable_cert(s, a, slot)))
            return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_WRONG_SIGNATURE_TYPE);
    }
    hs->key = &s->cfg.cert->pkeys[slot];
    hs->sigalg = a;
    s->cfg.cert->current = hs->key;
    return 1;
}

/* The slot of our current certificate (the one SSL_use_certificate set). */
static int current_slot(const SSL *s)
{
    return (int)(s->cfg.cert->current - s->cfg.cert->pkeys);
}

int tls_choose_sigalg(SSL *s, struct tls_conn *c, struct tls_hs *hs, int fatal)
{
    const struct tls_sigalg *shared[TLS_MAX_SHARED_SIGALGS], *a = NULL;
    size_t n;
    int slot;

    hs->key = NULL;
    hs->sigalg = NULL;
    n = tls_shared_sigalgs(s, hs->peer_sigalgs, hs->peer_sigalgs_len, c->version, shared,
                           TLS_MAX_SHARED_SIGALGS);
    if (c->version == TLS1_3_VERSION) {
        if ((a = find_tls13(s, c, shared, n, NULL, NULL)) == NULL)
            goto none;
        slot = a->key_slot;
    } else if (s->server) {
        return choose_server12(s, c, hs, shared, n);
    } else {
        /* Only a suite authenticated by certificate signs anything. */
        if (c->cipher == NULL ||
            !(c->cipher->algorithm_auth & (SHIM_A_RSA | SHIM_A_DSS | SHIM_A_ECDSA)))
            return 1;
        slot = current_slot(s);
        /* A client signs with its current certificate or not at all. */
        if (!s->server &&
            (s->cfg.cert->current->x509 == NULL || s->cfg.cert->current->privatekey == NULL))
            return 1;
        if (c->version >= TLS1_2_VERSION) {
            size_t i;
            for (i = 0; i < n; i++) {
                a = shared[i];
                if (a->key_slot == slot && usable_cert(s, a, slot) &&
                    pss_key_big_enough(c->algs, a, s->cfg.cert->pkeys[slot].privatekey))
                    break;
            }
            if (i == n)
                goto none;
        } else if ((a = tls_legacy_sigalg(s, slot)) == NULL) {
            goto none;
        }
    }
    hs->key = &s->cfg.cert->pkeys[slot];
    hs->sigalg = a;
    /* As stock: the key chosen becomes the current one. */
    s->cfg.cert->current = hs->key;
    return 1;
none:
    if (!fatal)
        return 1;
    return tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM);
}

const struct tls_sigalg *tls_legacy_sigalg(SSL *s, int slot)
{
    int code;
    const struct tls_sigalg *a;
    uint8_t id[2];

    switch (slot) {
    case SHIM_PKEY_RSA:
        code = TLS_SIGALG_LEGACY_RSA;
        break;
    case SHIM_PKEY_ECDSA:
        code = 0x0203; /* ecdsa_sha1 */
        break;
    case -1:
        code = 0x0202; /* dsa_sha1: DSA keys have no slot of ours */
        break;
    default:
        return NULL;
    }
    a = tls_sigalg_by_conn_code(code);
    id[0] = (uint8_t)(a->code >> 8);
    id[1] = (uint8_t)a->code;
    if (!tls_security_ok(s, SSL_SECOP_SIGALG_SUPPORTED, a->secbits, a->hash_nid, id))
        return NULL;
    return a;
}

/* The key's type as a signature type; in TLS 1.3 an RSA key only signs PSS. */
static int key_sig_type(enum shim_key_type t, int tls13)
{
    switch (t) {
    case SHIM_KEY_RSA:
        return tls13 ? EVP_PKEY_RSA_PSS : EVP_PKEY_RSA;
    case SHIM_KEY_RSA_PSS:
        return EVP_PKEY_RSA_PSS;
    case SHIM_KEY_EC:
        return EVP_PKEY_EC;
    case SHIM_KEY_ED25519:
        return EVP_PKEY_ED25519;
    case SHIM_KEY_ED448:
        return EVP_PKEY_ED448;
    case SHIM_KEY_DSA:
        return EVP_PKEY_DSA;
    default:
        return NID_undef;
    }
}

/* An EC key's curve suits the connection (stock's tls1_check_group_id):
 * allowed by the security level, one the client offered (if it said) when
 * we are the server, and with own_groups one of ours.  A TLS 1.2 peer's
 * ECDSA key is checked with own_groups. */
static int ec_curve_ok(SSL *s, EVP_PKEY *pkey, int own_groups)
{
    const struct tls_group *g = tls_group_by_nid(shim_pkey_curve_nid(pkey));
    const uint16_t *groups;
    size_t n;

    if (g == NULL)
        return 0;
    tls_configured_groups(s, &groups, &n);
    if (own_groups && !tls_listed(g->id, groups, n))
        return 0;
    {
        uint8_t id[2] = {(uint8_t)(g->id >> 8), (uint8_t)g->id};
        if (!tls_security_ok(s, SSL_SECOP_CURVE_CHECK, g->secbits, g->nid, id))
            return 0;
    }
    if (!s->server || s->conn == NULL || s->conn->peer_groups_len == 0)
        return 1;
    return tls_listed(g->id, s->conn->peer_groups, s->conn->peer_groups_len);
}

/* A peer's EC key must be in a point format we said we take (RFC 8422
 * 5.1.2): with our ec_point_formats list the peer's, when it sent one (a
 * TLS 1.2 ServerHello, or a ClientHello before TLS 1.2).  TLS 1.3 has no
 * such list, but stock still checks an uncompressed key against one that
 * was received (stock's tls1_check_pkey_comp). */
static int ec_point_format_ok(const struct tls_conn *c, const EVP_PKEY *pkey, int tls13)
{
    int form = shim_pkey_ec_point_format(pkey);

    if (form < 0)
        return 0;
    if (form != 0 && tls13)
        return 1;
    return c->peer_ec_point_formats == NULL ||
           memchr(c->peer_ec_point_formats, form, c->peer_ec_point_formats_len) != NULL;
}

const struct tls_sigalg *tls_check_peer_sigalg(SSL *s, struct tls_conn *c, uint16_t code,
                                               EVP_PKEY *pkey)
{
    int tls13 = c->version == TLS1_3_VERSION;
    enum shim_key_type kt = shim_pkey_type(pkey);
    int pkeyid = key_sig_type(kt, tls13);
    const struct tls_sigalg *a = tls_sigalg_by_code(code);
    const uint16_t *sent;
    size_t nsent;
    uint8_t id[2] = {(uint8_t)(code >> 8), (uint8_t)code};

    if (tls13 && kt == SHIM_KEY_DSA) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    /* Known, not SHA-1/SHA-224 in TLS 1.3, and of the key's type (an RSA key
     * may sign PSS); then the key's own slot (rsa_pss_pss needs a PSS key). */
    if (a == NULL || (tls13 && (a->hash_nid == NID_sha1 || a->hash_nid == NID_sha224)) ||
        (pkeyid != a->sig_type && (a->sig_type != EVP_PKEY_RSA_PSS || pkeyid != EVP_PKEY_RSA)) ||
        (kt == SHIM_KEY_DSA ? a->key_slot != -1 : a->key_slot != shim_pkey_slot(pkey))) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    if (kt == SHIM_KEY_EC) {
        if (!ec_point_format_ok(c, pkey, tls13)) {
            tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_ILLEGAL_POINT_COMPRESSION);
            return NULL;
        }
        /* TLS 1.3 binds the curve to the algorithm. */
        if (tls13 && a->curve_nid != NID_undef && shim_pkey_curve_nid(pkey) != a->curve_nid) {
            tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CURVE);
            return NULL;
        }
        if (!tls13 && !ec_curve_ok(s, pkey, 1)) {
            tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CURVE);
            return NULL;
        }
    }
    /* One we sent; stock lets a SHA-1 signature through unless strict. */
    tls_psigalgs(s, 1, &sent, &nsent);
    if (!tls_listed(code, sent, nsent) &&
        (a->hash_nid != NID_sha1 || (s->cfg.cert->cert_flags & SSL_CERT_FLAG_TLS_STRICT))) {
        tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    if (!tls_security_ok(s, SSL_SECOP_SIGALG_CHECK, a->secbits, a->hash_nid, id)) {
        tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    c->peer_sigalg = code;
    return a;
}

/* ------------------------------------------------------ SSL_check_chain */

/* A certificate's own signature is one the peer takes (stock's
 * tls1_check_sig_alg): the default algorithm's when the peer named none,
 * otherwise one of the shared ones (TLS 1.3: of signature_algorithms_cert
 * when sent). default_nid -1: anything goes. */
static int cert_signed_acceptably(const struct tls_hs *hs, int tls13, X509 *x, int default_nid,
                                  const struct tls_sigalg **shared, size_t n)
{
    int nid;

    if (default_nid == -1)
        return 1;
    nid = X509_get_signature_nid(x);
    if (default_nid != 0)
        return nid == default_nid;
    if (tls13 && hs->peer_sigalgs_cert != NULL) {
        for (size_t i = 0; i < hs->peer_sigalgs_cert_len; i++) {
            const struct tls_sigalg *a = tls_sigalg_by_code(hs->peer_sigalgs_cert[i]);
            if (a != NULL && a->sigandhash_nid == nid)
                return 1;
        }
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (shared[i]->sigandhash_nid == nid)
            return 1;
    return 0;
}

/* A certificate's key parameters suit the connection (stock's
 * tls1_check_cert_param): an EC key's curve, for a server not necessarily
 * one of its own groups. */
static int cert_params_ok(SSL *s, X509 *x)
{
    EVP_PKEY *pkey = X509_get0_pubkey(x);

    if (pkey == NULL)
        return 0;
    return shim_pkey_type(pkey) != SHIM_KEY_EC || ec_curve_ok(s, pkey, !s->server);
}

/* The CERT_PKEY_SIGN / _EXPLICIT_SIGN flags of a slot: the peer named an
 * algorithm for it (TLS 1.3: not PKCS #1), or, when it named none, our
 * default for the slot is one we send (stock's valid_flags). */
static int slot_sign_flags(SSL *s, int version, int slot, const struct tls_hs *hs,
                           const struct tls_sigalg **shared, size_t n)
{
    int tls13 = version == TLS1_3_VERSION;

    if (hs->peer_sigalgs == NULL && hs->peer_sigalgs_cert == NULL) {
        const struct tls_sigalg *a = tls_default_sigalg(s, version, slot);
        const uint16_t *sent;
        size_t nsent;

        tls_psigalgs(s, 1, &sent, &nsent);
        return a != NULL && tls_listed(a->code, sent, nsent) ? CERT_PKEY_SIGN : 0;
    }
    for (size_t i = 0; i < n; i++)
        if (shared[i]->key_slot == slot && !(tls13 && shared[i]->sig_type == EVP_PKEY_RSA))
            return CERT_PKEY_EXPLICIT_SIGN | CERT_PKEY_SIGN;
    return 0;
}

/* The issuer of x is one of the CAs the server named. */
static int issuer_named(STACK_OF(X509_NAME) * names, X509 *x)
{
    X509_NAME *issuer = X509_get_issuer_name(x);
    for (int i = 0; i < sk_X509_NAME_num(names); i++)
        if (X509_NAME_cmp(issuer, sk_X509_NAME_value(names, i)) == 0)
            return 1;
    return 0;
}

int tls_check_chain(SSL *s, X509 *x, EVP_PKEY *pk, STACK_OF(X509) * chain)
{
    static const struct tls_hs empty;
    const struct tls_sigalg *shared[TLS_MAX_SHARED_SIGALGS];
    struct tls_conn *c = s->conn;
    const struct tls_hs *hs;
    int slot, version, tls13, rv = 0, default_nid = 0, check;
    size_t n;

    if (x == NULL || pk == NULL || (slot = shim_pkey_slot(pk)) < 0)
        return 0;
    hs = c != NULL && c->hs != NULL ? c->hs : &empty;
    /* Before a version is chosen stock takes the TLS 1.2 rules (its
     * version is "any", at least 1.2, and not yet TLS 1.3's). */
    version = c != NULL && c->version != 0 ? c->version : TLS1_2_VERSION;
    tls13 = version == TLS1_3_VERSION;
    check = CERT_PKEY_EE_SIGNATURE | CERT_PKEY_EE_PARAM;
    if (s->cfg.cert->cert_flags & SSL_CERT_FLAG_TLS_STRICT)
        check |= CERT_PKEY_CA_SIGNATURE | CERT_PKEY_CA_PARAM | CERT_PKEY_ISSUER_NAME |
                 CERT_PKEY_CERT_TYPE;
    n = tls_shared_sigalgs(s, hs->peer_sigalgs, hs->peer_sigalgs_len, version, shared,
                           TLS_MAX_SHARED_SIGALGS);

    if (version >= TLS1_2_VERSION) {
        if (hs->peer_sigalgs == NULL && hs->peer_sigalgs_cert == NULL)
            default_nid = slot == SHIM_PKEY_RSA     ? NID_sha1WithRSAEncryption
                          : slot == SHIM_PKEY_ECDSA ? NID_ecdsa_with_SHA1
                                                    : -1;
        if (tls13 ? find_tls13(s, c, shared, n, x, pk) != NULL
                  : cert_signed_acceptably(hs, 0, x, default_nid, shared, n))
            rv |= CERT_PKEY_EE_SIGNATURE;
        rv |= CERT_PKEY_CA_SIGNATURE;
        for (int i = 0; i < sk_X509_num(chain); i++)
            if (!cert_signed_acceptably(hs, tls13, sk_X509_value(chain, i), default_nid, shared,
                                        n)) {
                rv &= ~CERT_PKEY_CA_SIGNATURE;
                break;
            }
    } else {
        rv |= CERT_PKEY_EE_SIGNATURE | CERT_PKEY_CA_SIGNATURE;
    }
    if (cert_params_ok(s, x))
        rv |= CERT_PKEY_EE_PARAM;
    rv |= CERT_PKEY_CA_PARAM;
    if (s->server) {
        for (int i = 0; i < sk_X509_num(chain); i++)
            if (!cert_params_ok(s, sk_X509_value(chain, i))) {
                rv &= ~CERT_PKEY_CA_PARAM;
                break;
            }
        rv |= CERT_PKEY_ISSUER_NAME | CERT_PKEY_CERT_TYPE;
    } else {
        STACK_OF(X509_NAME) *names = tls_conn_peer_ca_names(c);
        int type = 0;

        switch (shim_pkey_type(pk)) {
        case SHIM_KEY_RSA:
            type = TLS_CT_RSA_SIGN;
            break;
        case SHIM_KEY_DSA:
            type = TLS_CT_DSS_SIGN;
            break;
        case SHIM_KEY_EC:
            type = TLS_CT_ECDSA_SIGN;
            break;
        default:
            break;
        }
        if (type == 0 || (c != NULL && c->peer_cert_types != NULL &&
                          memchr(c->peer_cert_types, type, c->peer_cert_types_len) != NULL))
            rv |= CERT_PKEY_CERT_TYPE;
        if (names == NULL || sk_X509_NAME_num(names) == 0 || issuer_named(names, x)) {
            rv |= CERT_PKEY_ISSUER_NAME;
        } else {
            for (int i = 0; i < sk_X509_num(chain); i++)
                if (issuer_named(names, sk_X509_value(chain, i))) {
                    rv |= CERT_PKEY_ISSUER_NAME;
                    break;
                }
        }
    }
    if ((rv & check) == check)
        rv |= CERT_PKEY_VALID;
    /* (Outside a handshake nothing says what the peer takes.) */
    if (version >= TLS1_2_VERSION)
        rv |= hs != &empty ? slot_sign_flags(s, version, slot, hs, shared, n) : 0;
    else
        rv |= CERT_PKEY_SIGN | CERT_PKEY_EXPLICIT_SIGN;
    return rv;
}
