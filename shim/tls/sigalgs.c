/*
 * shimssl - signature algorithms.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The code points, hashes, key types and TLS 1.3 rules of RFC 8446 4.2.3,
 * with the security bits OpenSSL 3.0 assigns (SHA-1 counts as 64 bits for
 * signatures, which is why it is not offered at security level 1).
 */
#include "shim.h"

#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <string.h>

#include "objects.h"
#include "tls/sigalgs.h"

static const struct tls_sigalg sigalgs[] = {
    {0x0403, "ecdsa_secp256r1_sha256", NID_sha256, EVP_PKEY_EC, SHIM_PKEY_ECDSA,
     NID_ecdsa_with_SHA256, NID_X9_62_prime256v1, 128, 1},
    {0x0503, "ecdsa_secp384r1_sha384", NID_sha384, EVP_PKEY_EC, SHIM_PKEY_ECDSA,
     NID_ecdsa_with_SHA384, NID_secp384r1, 192, 1},
    {0x0603, "ecdsa_secp521r1_sha512", NID_sha512, EVP_PKEY_EC, SHIM_PKEY_ECDSA,
     NID_ecdsa_with_SHA512, NID_secp521r1, 256, 1},
    {0x0807, "ed25519", NID_undef, EVP_PKEY_ED25519, SHIM_PKEY_ED25519, NID_undef, NID_undef, 128,
     1},
    {0x0808, "ed448", NID_undef, EVP_PKEY_ED448, SHIM_PKEY_ED448, NID_undef, NID_undef, 224, 1},
    {0x0303, NULL, NID_sha224, EVP_PKEY_EC, SHIM_PKEY_ECDSA, NID_ecdsa_with_SHA224, NID_undef, 112,
     0},
    {0x0203, NULL, NID_sha1, EVP_PKEY_EC, SHIM_PKEY_ECDSA, NID_ecdsa_with_SHA1, NID_undef, 64, 0},
    {0x0804, "rsa_pss_rsae_sha256", NID_sha256, EVP_PKEY_RSA_PSS, SHIM_PKEY_RSA, NID_undef,
     NID_undef, 128, 1},
    {0x0805, "rsa_pss_rsae_sha384", NID_sha384, EVP_PKEY_RSA_PSS, SHIM_PKEY_RSA, NID_undef,
     NID_undef, 192, 1},
    {0x0806, "rsa_pss_rsae_sha512", NID_sha512, EVP_PKEY_RSA_PSS, SHIM_PKEY_RSA, NID_undef,
     NID_undef, 256, 1},
    {0x0809, "rsa_pss_pss_sha256", NID_sha256, EVP_PKEY_RSA_PSS, SHIM_PKEY_RSA_PSS, NID_undef,
     NID_undef, 128, 1},
    {0x080a, "rsa_pss_pss_sha384", NID_sha384, EVP_PKEY_RSA_PSS, SHIM_PKEY_RSA_PSS, NID_undef,
     NID_undef, 192, 1},
    {0x080b, "rsa_pss_pss_sha512", NID_sha512, EVP_PKEY_RSA_PSS, SHIM_PKEY_RSA_PSS, NID_undef,
     NID_undef, 256, 1},
    {0x0401, "rsa_pkcs1_sha256", NID_sha256, EVP_PKEY_RSA, SHIM_PKEY_RSA,
     NID_sha256WithRSAEncryption, NID_undef, 128, 0},
    {0x0501, "rsa_pkcs1_sha384", NID_sha384, EVP_PKEY_RSA, SHIM_PKEY_RSA,
     NID_sha384WithRSAEncryption, NID_undef, 192, 0},
    {0x0601, "rsa_pkcs1_sha512", NID_sha512, EVP_PKEY_RSA, SHIM_PKEY_RSA,
     NID_sha512WithRSAEncryption, NID_undef, 256, 0},
    {0x0301, "rsa_pkcs1_sha224", NID_sha224, EVP_PKEY_RSA, SHIM_PKEY_RSA,
     NID_sha224WithRSAEncryption, NID_undef, 112, 0},
    {0x0201, "rsa_pkcs1_sha1", NID_sha1, EVP_PKEY_RSA, SHIM_PKEY_RSA, NID_sha1WithRSAEncryption,
     NID_undef, 64, 0},
    {0x0402, NULL, NID_sha256, EVP_PKEY_DSA, -1, NID_dsa_with_SHA256, NID_undef, 128, 0},
    {0x0502, NULL, NID_sha384, EVP_PKEY_DSA, -1, NID_undef, NID_undef, 192, 0},
    {0x0602, NULL, NID_sha512, EVP_PKEY_DSA, -1, NID_undef, NID_undef, 256, 0},
    {0x0302, NULL, NID_sha224, EVP_PKEY_DSA, -1, NID_undef, NID_undef, 112, 0},
    {0x0202, NULL, NID_sha1, EVP_PKEY_DSA, -1, NID_dsaWithSHA1, NID_undef, 64, 0},
};

/* Stock's tls12_sigalgs order, less GOST. */
const uint16_t tls_default_sigalgs[] = {
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0401,
    0x0501, 0x0601, 0x0303, 0x0203, 0x0301, 0x0201, 0x0302, 0x0202, 0x0402, 0x0502, 0x0602,
};
const size_t tls_default_sigalgs_len = sizeof(tls_default_sigalgs) / sizeof(tls_default_sigalgs[0]);

const struct tls_sigalg *tls_sigalg_by_code(uint16_t code)
{
    for (size_t i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
        if (sigalgs[i].code == code)
            return &sigalgs[i];
    return NULL;
}

struct shim_sig_scheme tls_sigalg_scheme(const struct tls_sigalg *a)
{
    struct shim_sig_scheme sc = {a->hash_nid, a->sig_type == EVP_PKEY_RSA_PSS};
    return sc;
}

static const struct tls_sigalg legacy_rsa = {
    0, NULL, NID_md5_sha1, EVP_PKEY_RSA, SHIM_PKEY_RSA, NID_undef, NID_undef, 67, 0};

const struct tls_sigalg *tls_sigalg_by_conn_code(int code)
{
    if (code == TLS_SIGALG_LEGACY_RSA)
        return &legacy_rsa;
    return code < 0 || code > 0xffff ? NULL : tls_sigalg_by_code((uint16_t)code);
}

int tls_sigalg_conn_code(const struct tls_sigalg *a)
{
    return a == &legacy_rsa ? TLS_SIGALG_LEGACY_RSA : a->code;
}

size_t tls_sigalg_count(void)
{
    return sizeof(sigalgs) / sizeof(sigalgs[0]);
}

const struct tls_sigalg *tls_sigalg_at(size_t i)
{
    return &sigalgs[i];
}
