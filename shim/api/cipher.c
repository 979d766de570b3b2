/*
 * shimssl - what an SSL_CIPHER says about itself.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/evp.h>
#include <openssl/objects.h>

#include "api/info.h"
#include "crypto/hash.h"
#include "tls/cipher_suites.h"

/* "(NONE)" is stock's answer for a missing cipher in the name getters. */
static const char none_name[] = "(NONE)";

const char *SSL_CIPHER_get_name(const SSL_CIPHER *c)
{
    return c != NULL ? c->name : none_name;
}

const char *SSL_CIPHER_standard_name(const SSL_CIPHER *c)
{
    return c != NULL ? c->stdname : none_name;
}

const char *OPENSSL_cipher_name(const char *stdname)
{
    if (stdname == NULL)
        return none_name;
    return SSL_CIPHER_get_name(shim_cipher_by_std_name(stdname));
}

int SSL_CIPHER_get_bits(const SSL_CIPHER *c, int *alg_bits)
{
    if (c == NULL)
        return 0;
    if (alg_bits != NULL)
        *alg_bits = (int)c->alg_bits;
    return (int)c->strength_bits;
}

const char *SSL_CIPHER_get_version(const SSL_CIPHER *c)
{
    if (c == NULL)
        return none_name;
    /* Stock's one exception to its version names: "TLSv1.0" for ciphers. */
    if (c->min_tls == TLS1_VERSION)
        return "TLSv1.0";
    return shim_protocol_name(c->min_tls);
}

uint32_t SSL_CIPHER_get_id(const SSL_CIPHER *c)
{
    return c->id;
}

uint16_t SSL_CIPHER_get_protocol_id(const SSL_CIPHER *c)
{
    return (uint16_t)(c->id & 0xFFFF);
}

int SSL_CIPHER_get_cipher_nid(const SSL_CIPHER *c)
{
    return c != NULL ? shim_cipher_enc_nid(c->algorithm_enc) : NID_undef;
}

int SSL_CIPHER_get_digest_nid(const SSL_CIPHER *c)
{
    return shim_cipher_mac_nid(c->algorithm_mac);
}

int SSL_CIPHER_get_kx_nid(const SSL_CIPHER *c)
{
    return shim_cipher_kx_nid(c->algorithm_mkey);
}

int SSL_CIPHER_get_auth_nid(const SSL_CIPHER *c)
{
    return shim_cipher_auth_nid(c->algorithm_auth);
}

const EVP_MD *SSL_CIPHER_get_handshake_digest(const SSL_CIPHER *c)
{
    int nid = shim_cipher_md_idx_nid((int)(c->algorithm2 & SHIM_HS_MASK));

    return nid != NID_undef ? shim_md_by_nid(nid) : NULL;
}

int SSL_CIPHER_is_aead(const SSL_CIPHER *c)
{
    return (c->algorithm_mac & SHIM_M_AEAD) != 0;
}

const SSL_CIPHER *SSL_CIPHER_find(SSL *ssl, const unsigned char *ptr)
{
    (void)ssl; /* every method knows the same suites */
    return shim_cipher_by_id(0x03000000U | ((uint32_t)ptr[0] << 8) | ptr[1]);
}

/* ------------------------------------------------------------ description */

static const char *kx_text(uint32_t mkey)
{
    switch (mkey) {
    case SHIM_K_RSA:
        return "RSA";
    case SHIM_K_DHE:
        return "DH";
    case SHIM_K_ECDHE:
        return "ECDH";
    case SHIM_K_PSK:
        return "PSK";
    case SHIM_K_RSAPSK:
        return "RSAPSK";
    case SHIM_K_ECDHEPSK:
        return "ECDHEPSK";
    case SHIM_K_DHEPSK:
        return "DHEPSK";
    case SHIM_K_SRP:
        return "SRP";
    case SHIM_K_GOST:
        return "GOST";
    case SHIM_K_GOST18:
        return "GOST18";
    case SHIM_K_ANY:
        return "any";
    default:
        return "unknown";
    }
}

static const char *auth_text(uint32_t auth)
{
    switch (auth) {
    case SHIM_A_RSA:
        return "RSA";
    case SHIM_A_DSS:
        return "DSS";
    case SHIM_A_NULL:
        return "None";
    case SHIM_A_ECDSA:
        return "ECDSA";
    case SHIM_A_PSK:
        return "PSK";
    case SHIM_A_SRP:
        return "SRP";
    case SHIM_A_GOST01:
        return "GOST01";
    case SHIM_A_GOST01 | SHIM_A_GOST12: /* the 2012 GOST suites carry both bits */
        return "GOST12";
    case SHIM_A_ANY:
        return "any";
    default:
        return "unknown";
    }
}

static const char *enc_text(uint32_t enc)
{
    static const struct {
        uint32_t mask;
        const char *text;
    } names[] = {
        {SHIM_E_DES, "DES(56)"},
        {SHIM_E_3DES, "3DES(168)"},
        {SHIM_E_RC4, "RC4(128)"},
        {SHIM_E_RC2, "RC2(128)"},
        {SHIM_E_IDEA, "IDEA(128)"},
        {SHIM_E_NULL, "None"},
        {SHIM_E_AES128, "AES(128)"},
        {SHIM_E_AES256, "AES(256)"},
        {SHIM_E_AES128GCM, "AESGCM(128)"},
        {SHIM_E_AES256GCM, "AESGCM(256)"},
        {SHIM_E_AES128CCM, "AESCCM(128)"},
        {SHIM_E_AES256CCM, "AESCCM(256)"},
        {SHIM_E_AES128CCM8, "AESCCM8(128)"},
        {SHIM_E_AES256CCM8, "AESCCM8(256)"},
        {SHIM_E_CAMELLIA128, "Camellia(128)"},
        {SHIM_E_CAMELLIA256, "Camellia(256)"},
        {SHIM_E_ARIA128GCM, "ARIAGCM(128)"},
        {SHIM_E_ARIA256GCM, "ARIAGCM(256)"},
        {SHIM_E_SEED, "SEED(128)"},
        {SHIM_E_GOST89CNT, "GOST89(256)"},
        {SHIM_E_GOST89CNT12, "GOST89(256)"},
        {SHIM_E_MAGMA, "MAGMA"},
        {SHIM_E_KUZNYECHIK, "KUZNYECHIK"},
        {SHIM_E_CHACHA20POLY1305, "CHACHA20/POLY1305(256)"},
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].mask == enc)
            return names[i].text;
    return "unknown";
}

static const char *mac_text(uint32_t mac)
{
    switch (mac) {
    case SHIM_M_MD5:
        return "MD5";
    case SHIM_M_SHA1:
        return "SHA1";
    case SHIM_M_SHA256:
        return "SHA256";
    case SHIM_M_SHA384:
        return "SHA384";
    case SHIM_M_AEAD:
        return "AEAD";
    case SHIM_M_GOST89MAC:
    case SHIM_M_GOST89MAC12:
        return "GOST89";
    case SHIM_M_GOST94:
        return "GOST94";
    case SHIM_M_GOST12_256:
    case SHIM_M_GOST12_512:
        return "GOST2012";
    default:
        return "unknown";
    }
}

char *SSL_CIPHER_description(const SSL_CIPHER *cipher, char *buf, int len)
{
    /* Stock's fixed layout; 128 bytes is the documented minimum buffer. */
    if (buf == NULL) {
        len = 128;
        if ((buf = OPENSSL_malloc(len)) == NULL) {
            ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
            return NULL;
        }
    } else if (len < 128) {
        return NULL;
    }
    BIO_snprintf(buf, (size_t)len, "%-30s %-7s Kx=%-8s Au=%-5s Enc=%-22s Mac=%-4s\n", cipher->name,
                 shim_protocol_name(cipher->min_tls), kx_text(cipher->algorithm_mkey),
                 auth_text(cipher->algorithm_auth), enc_text(cipher->algorithm_enc),
                 mac_text(cipher->algorithm_mac));
    return buf;
}
