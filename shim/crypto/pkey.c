/*
 * shimssl - what the engine and the API need to know of a key.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "crypto/pkey.h"

enum shim_key_type shim_pkey_type(const EVP_PKEY *pkey)
{
    /* The common types first: a handshake asks this a few times. */
    static const struct {
        const char *name;
        enum shim_key_type type;
    } types[] = {
        {"EC", SHIM_KEY_EC},           {"RSA", SHIM_KEY_RSA},     {"RSA-PSS", SHIM_KEY_RSA_PSS},
        {"ED25519", SHIM_KEY_ED25519}, {"ED448", SHIM_KEY_ED448}, {"DSA", SHIM_KEY_DSA},
        {"DH", SHIM_KEY_DH},
    };

    if (pkey == NULL)
        return SHIM_KEY_UNKNOWN;
    /* The key's id first: EVP_PKEY_is_a looks the name up in libcrypto's
     * name map, four read locks per call, and a handshake asks this six to
     * ten times.  The id is the NID of the legacy method found by the key
     * manager's names (EVP_PKEY_KEYMGMT when there is none), so a match here
     * is what EVP_PKEY_is_a would say; anything else asks by name. */
    switch (EVP_PKEY_get_id(pkey)) {
    case EVP_PKEY_EC:
        return SHIM_KEY_EC;
    case EVP_PKEY_RSA:
        return SHIM_KEY_RSA;
    case EVP_PKEY_RSA_PSS:
        return SHIM_KEY_RSA_PSS;
    case EVP_PKEY_ED25519:
        return SHIM_KEY_ED25519;
    case EVP_PKEY_ED448:
        return SHIM_KEY_ED448;
    case EVP_PKEY_DSA:
        return SHIM_KEY_DSA;
    case EVP_PKEY_DH:
        return SHIM_KEY_DH;
    case EVP_PKEY_X25519:
    case EVP_PKEY_X448:
        return SHIM_KEY_UNKNOWN; /* (key shares: none of the names above) */
    default:
        break;
    }
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (EVP_PKEY_is_a(pkey, types[i].name))
            return types[i].type;
    return SHIM_KEY_UNKNOWN;
}

int shim_pkey_slot(const EVP_PKEY *pkey)
{
    switch (shim_pkey_type(pkey)) {
    case SHIM_KEY_RSA:
        return SHIM_PKEY_RSA;
    case SHIM_KEY_RSA_PSS:
        return SHIM_PKEY_RSA_PSS;
    case SHIM_KEY_EC:
        return SHIM_PKEY_ECDSA;
    case SHIM_KEY_ED25519:
        return SHIM_PKEY_ED25519;
    case SHIM_KEY_ED448:
        return SHIM_PKEY_ED448;
    default:
        return -1;
    }
}

int shim_pkey_ec_point_format(const EVP_PKEY *pkey)
{
    int form;

    if (shim_pkey_type(pkey) != SHIM_KEY_EC)
        return -1;
    if ((form = EVP_PKEY_get_ec_point_conv_form(pkey)) == 0)
        return -2;
    if (form == POINT_CONVERSION_UNCOMPRESSED)
        return 0;
    switch (EVP_PKEY_get_field_type(pkey)) {
    case NID_X9_62_prime_field:
        return 1;
    case NID_X9_62_characteristic_two_field:
        return 2;
    default:
        return -2;
    }
}

int shim_pkey_curve_nid(const EVP_PKEY *pkey)
{
    char curve[64];
    size_t len;
    int nid;

    if (shim_pkey_type(pkey) != SHIM_KEY_EC ||
        !EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve),
                                        &len))
        return NID_undef;
    /* Providers name curves either way ("prime256v1" or "P-256"). */
    if ((nid = OBJ_sn2nid(curve)) == NID_undef)
        nid = EC_curve_nist2nid(curve);
    return nid;
}

int shim_pkey_security_bits(const EVP_PKEY *pkey)
{
    return EVP_PKEY_get_security_bits(pkey);
}

int shim_pkey_size(const EVP_PKEY *pkey)
{
    return EVP_PKEY_get_size(pkey);
}

int shim_pkey_can_sign_digest(OSSL_LIB_CTX *libctx, const char *propq, EVP_PKEY *pkey, int hash_nid)
{
    const char *md = hash_nid != NID_undef ? OBJ_nid2sn(hash_nid) : NULL;
    int ok;

    /* A "no" may leave errors behind; the question is not a failure. */
    ERR_set_mark();
    ok = EVP_PKEY_digestsign_supports_digest(pkey, libctx, md, propq) > 0;
    ERR_pop_to_mark();
    return ok;
}

int shim_pkey_missing_parameters(const EVP_PKEY *pkey)
{
    return EVP_PKEY_missing_parameters(pkey);
}

int shim_pkey_copy_parameters(EVP_PKEY *to, const EVP_PKEY *from)
{
    return EVP_PKEY_copy_parameters(to, from) > 0;
}

int shim_pkey_eq(const EVP_PKEY *a, const EVP_PKEY *b)
{
    return EVP_PKEY_eq(a, b);
}

EVP_PKEY *shim_pkey_from_rsa(RSA *rsa)
{
    EVP_PKEY *pkey = EVP_PKEY_new();

    if (pkey == NULL || !EVP_PKEY_set1_RSA(pkey, rsa)) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    return pkey;
}

EVP_PKEY *shim_pkey_from_dh(DH *dh)
{
    EVP_PKEY *pkey = EVP_PKEY_new();

    if (pkey == NULL || !EVP_PKEY_set1_DH(pkey, dh)) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    return pkey;
}

int shim_ec_key_curve_nid(const EC_KEY *key, int *has_group)
{
    const EC_GROUP *group = EC_KEY_get0_group(key);

    *has_group = group != NULL;
    return group != NULL ? EC_GROUP_get_curve_name(group) : NID_undef;
}
