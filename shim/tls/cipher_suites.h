/*
 * shimssl - the static table of cipher suites and the algorithm masks that
 * describe them.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The mask values are stock's (ssl_local.h): the cipher-string language
 * matches suites by and-ing these bits, so equal bits give equal selections.
 */
#ifndef SHIM_TLS_CIPHER_SUITES_H
#define SHIM_TLS_CIPHER_SUITES_H

#include "objects.h"

/* Key exchange (algorithm_mkey).  0 = any (TLS 1.3 suites). */
#define SHIM_K_ANY      0x00000000U
#define SHIM_K_RSA      0x00000001U
#define SHIM_K_DHE      0x00000002U
#define SHIM_K_ECDHE    0x00000004U
#define SHIM_K_PSK      0x00000008U
#define SHIM_K_GOST     0x00000010U
#define SHIM_K_SRP      0x00000020U
#define SHIM_K_RSAPSK   0x00000040U
#define SHIM_K_ECDHEPSK 0x00000080U
#define SHIM_K_DHEPSK   0x00000100U
#define SHIM_K_GOST18   0x00000200U
#define SHIM_K_ALL_PSK  (SHIM_K_PSK | SHIM_K_RSAPSK | SHIM_K_ECDHEPSK | SHIM_K_DHEPSK)

/* Server authentication (algorithm_auth).  0 = any (TLS 1.3 suites). */
#define SHIM_A_ANY    0x00000000U
#define SHIM_A_RSA    0x00000001U
#define SHIM_A_DSS    0x00000002U
#define SHIM_A_NULL   0x00000004U
#define SHIM_A_ECDSA  0x00000008U
#define SHIM_A_PSK    0x00000010U
#define SHIM_A_GOST01 0x00000020U
#define SHIM_A_SRP    0x00000040U
#define SHIM_A_GOST12 0x00000080U

/* Bulk encryption (algorithm_enc). */
#define SHIM_E_DES              0x00000001U
#define SHIM_E_3DES             0x00000002U
#define SHIM_E_RC4              0x00000004U
#define SHIM_E_RC2              0x00000008U
#define SHIM_E_IDEA             0x00000010U
#define SHIM_E_NULL             0x00000020U
#define SHIM_E_AES128           0x00000040U
#define SHIM_E_AES256           0x00000080U
#define SHIM_E_CAMELLIA128      0x00000100U
#define SHIM_E_CAMELLIA256      0x00000200U
#define SHIM_E_GOST89CNT        0x00000400U
#define SHIM_E_SEED             0x00000800U
#define SHIM_E_AES128GCM        0x00001000U
#define SHIM_E_AES256GCM        0x00002000U
#define SHIM_E_AES128CCM        0x00004000U
#define SHIM_E_AES256CCM        0x00008000U
#define SHIM_E_AES128CCM8       0x00010000U
#define SHIM_E_AES256CCM8       0x00020000U
#define SHIM_E_GOST89CNT12      0x00040000U
#define SHIM_E_CHACHA20POLY1305 0x00080000U
#define SHIM_E_ARIA128GCM       0x00100000U
#define SHIM_E_ARIA256GCM       0x00200000U
#define SHIM_E_MAGMA            0x00400000U
#define SHIM_E_KUZNYECHIK       0x00800000U

#define SHIM_E_AESGCM   (SHIM_E_AES128GCM | SHIM_E_AES256GCM)
#define SHIM_E_AESCCM8  (SHIM_E_AES128CCM8 | SHIM_E_AES256CCM8)
#define SHIM_E_AESCCM   (SHIM_E_AES128CCM | SHIM_E_AES256CCM | SHIM_E_AESCCM8)
#define SHIM_E_AES      (SHIM_E_AES128 | SHIM_E_AES256 | SHIM_E_AESGCM | SHIM_E_AESCCM)
#define SHIM_E_CAMELLIA (SHIM_E_CAMELLIA128 | SHIM_E_CAMELLIA256)
#define SHIM_E_ARIAGCM  (SHIM_E_ARIA128GCM | SHIM_E_ARIA256GCM)
#define SHIM_E_GOST_ALL (SHIM_E_GOST89CNT | SHIM_E_GOST89CNT12 | SHIM_E_MAGMA | SHIM_E_KUZNYECHIK)
#define SHIM_E_CBC                                                                                 \
    (SHIM_E_DES | SHIM_E_3DES | SHIM_E_RC2 | SHIM_E_IDEA | SHIM_E_AES128 | SHIM_E_AES256 |         \
     SHIM_E_CAMELLIA128 | SHIM_E_CAMELLIA256 | SHIM_E_SEED)

/* Record MAC (algorithm_mac). */
#define SHIM_M_MD5            0x00000001U
#define SHIM_M_SHA1           0x00000002U
#define SHIM_M_GOST94         0x00000004U
#define SHIM_M_GOST89MAC      0x00000008U
#define SHIM_M_SHA256         0x00000010U
#define SHIM_M_SHA384         0x00000020U
#define SHIM_M_AEAD           0x00000040U
#define SHIM_M_GOST12_256     0x00000080U
#define SHIM_M_GOST89MAC12    0x00000100U
#define SHIM_M_GOST12_512     0x00000200U
#define SHIM_M_MAGMAOMAC      0x00000400U
#define SHIM_M_KUZNYECHIKOMAC 0x00000800U

/* Strength classes (algo_strength): one of NONE/LOW/MEDIUM/HIGH, plus FIPS,
 * plus NOT_DEFAULT for suites left out of "DEFAULT". */
#define SHIM_S_NONE         0x00000001U
#define SHIM_S_LOW          0x00000002U
#define SHIM_S_MEDIUM       0x00000004U
#define SHIM_S_HIGH         0x00000008U
#define SHIM_S_FIPS         0x00000010U
#define SHIM_S_NOT_DEFAULT  0x00000020U
#define SHIM_S_STRONG_MASK  0x0000001FU
#define SHIM_S_DEFAULT_MASK 0x00000020U

/*
 * algorithm2: the low byte selects the handshake digest, the next byte the
 * TLS 1.2 PRF digest; both are indices into the digest list below.
 */
enum shim_md_idx {
    SHIM_MD_IDX_MD5,
    SHIM_MD_IDX_SHA1,
    SHIM_MD_IDX_GOST94,
    SHIM_MD_IDX_GOST89MAC,
    SHIM_MD_IDX_SHA256,
    SHIM_MD_IDX_SHA384,
    SHIM_MD_IDX_GOST12_256,
    SHIM_MD_IDX_GOST89MAC12,
    SHIM_MD_IDX_GOST12_512,
    SHIM_MD_IDX_MD5_SHA1,
    SHIM_MD_IDX_SHA224,
    SHIM_MD_IDX_SHA512,
    SHIM_MD_IDX_MAGMAOMAC,
    SHIM_MD_IDX_KUZNYECHIKOMAC,
    SHIM_MD_IDX_NUM
};

#define SHIM_HS_MASK         0xFFU
#define SHIM_PRF_SHIFT       8
#define SHIM_HS_MD5_SHA1     SHIM_MD_IDX_MD5_SHA1
#define SHIM_HS_SHA256       SHIM_MD_IDX_SHA256
#define SHIM_HS_SHA384       SHIM_MD_IDX_SHA384
#define SHIM_HS_GOST94       SHIM_MD_IDX_GOST94
#define SHIM_HS_GOST12_256   SHIM_MD_IDX_GOST12_256
#define SHIM_PRF_MD5_SHA1    (SHIM_MD_IDX_MD5_SHA1 << SHIM_PRF_SHIFT)
#define SHIM_PRF_SHA256      (SHIM_MD_IDX_SHA256 << SHIM_PRF_SHIFT)
#define SHIM_PRF_SHA384      (SHIM_MD_IDX_SHA384 << SHIM_PRF_SHIFT)
#define SHIM_PRF_GOST94      (SHIM_MD_IDX_GOST94 << SHIM_PRF_SHIFT)
#define SHIM_PRF_GOST12_256  (SHIM_MD_IDX_GOST12_256 << SHIM_PRF_SHIFT)
#define SHIM_ALG2_STREAM_MAC 0x10000U /* GOST: MAC state runs over the stream */
#define SHIM_ALG2_TLSTREE    0x20000U /* GOST: TLSTREE key derivation */

/* Every TLS 1.0-1.2 suite, sorted by id (what the cipher-string language
 * chooses from). */
size_t shim_cipher_tls12_count(void);
const SSL_CIPHER *shim_cipher_tls12_at(size_t i);

/* Every TLS 1.3 suite, sorted by id. */
size_t shim_cipher_tls13_count(void);
const SSL_CIPHER *shim_cipher_tls13_at(size_t i);

/* A suite (TLS 1.3, then TLS 1.2, then the two signalling values) by its
 * 0x0300XXXX id, as stock's ssl3_get_cipher_by_id; NULL if unknown. */
const SSL_CIPHER *shim_cipher_by_id(uint32_t id);

/* A suite by its IANA name, searching the same tables; NULL if unknown. */
const SSL_CIPHER *shim_cipher_by_std_name(const char *stdname);

/* A mask bit and the algorithm behind it. */
struct shim_alg_nid {
    uint32_t mask;
    int nid;
};

/* The NIDs behind the masks (NID_undef when a mask is not a single known
 * algorithm), as SSL_CIPHER_get_cipher_nid() and friends report them. */
int shim_cipher_enc_nid(uint32_t enc_mask);
int shim_cipher_mac_nid(uint32_t mac_mask);
int shim_cipher_kx_nid(uint32_t kx_mask);
int shim_cipher_auth_nid(uint32_t auth_mask);

/* The digest of an enum shim_md_idx, and its algorithm_mac bit (0 for
 * digests that are not the MAC of any suite). */
int shim_cipher_md_idx_nid(int idx);
uint32_t shim_cipher_md_idx_mac_mask(int idx);

/* Every bulk-cipher bit with its algorithm (*tab), and how many. */
size_t shim_cipher_enc_algs(const struct shim_alg_nid **tab);

/* ------------------------------------------------ what the engine asks */

/* A suite (TLS 1.3 or 1.2) by its two-byte code point (SSL_CIPHER_find). */
static inline const SSL_CIPHER *tls_suite_by_code(const uint8_t code[2])
{
    return shim_cipher_by_id(0x03000000U | ((uint32_t)code[0] << 8) | code[1]);
}

/* The known suites of a cipher_suites vector in order into *suites, and the
 * signalling values into *signals (stock's bytes_to_cipher_list; v2: the
 * 3-byte entries of an SSLv2-format ClientHello).  0, or the reason it is
 * refused (SSL_R_NO_CIPHERS_SPECIFIED, SSL_R_ERROR_IN_RECEIVED_CIPHER_LIST,
 * ERR_R_MALLOC_FAILURE), with nothing allocated. */
int tls_parse_cipher_list(const uint8_t *bytes, size_t len, int v2, STACK_OF(SSL_CIPHER) * *suites,
                          STACK_OF(SSL_CIPHER) * *signals);

static inline int tls_suite_is_aead(const SSL_CIPHER *c)
{
    return (c->algorithm_mac & SHIM_M_AEAD) != 0;
}

/* The NID of the suite's handshake digest (its TLS 1.3 hash, and the TLS
 * 1.2 PRF's in the suites that name one). */
static inline int tls_suite_handshake_md_nid(const SSL_CIPHER *c)
{
    return shim_cipher_md_idx_nid((int)(c->algorithm2 & SHIM_HS_MASK));
}

#endif
