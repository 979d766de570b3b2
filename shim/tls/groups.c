/*
 * shimssl - the key-exchange groups.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The same groups, names, security bits and version ranges as the groups
 * OpenSSL 3.0's default provider announces to libssl.
 */
#include "shim.h"

#include <openssl/obj_mac.h>
#include <string.h>

#include "tls/groups.h"

#define EC(id, name, alias, real, nid, bits, maxv, len)                                            \
    {                                                                                              \
        id, name, alias, {"EC", real, 0}, TLS_GROUP_EC, nid, bits, TLS1_VERSION, maxv, len         \
    }

static const struct tls_group groups[] = {
    EC(1, "sect163k1", "K-163", "sect163k1", NID_sect163k1, 80, TLS1_2_VERSION, 43),
    EC(2, "sect163r1", NULL, "sect163r1", NID_sect163r1, 80, TLS1_2_VERSION, 43),
    EC(3, "sect163r2", "B-163", "sect163r2", NID_sect163r2, 80, TLS1_2_VERSION, 43),
    EC(4, "sect193r1", NULL, "sect193r1", NID_sect193r1, 80, TLS1_2_VERSION, 51),
    EC(5, "sect193r2", NULL, "sect193r2", NID_sect193r2, 80, TLS1_2_VERSION, 51),
    EC(6, "sect233k1", "K-233", "sect233k1", NID_sect233k1, 112, TLS1_2_VERSION, 61),
    EC(7, "sect233r1", "B-233", "sect233r1", NID_sect233r1, 112, TLS1_2_VERSION, 61),
    EC(8, "sect239k1", NULL, "sect239k1", NID_sect239k1, 112, TLS1_2_VERSION, 61),
    EC(9, "sect283k1", "K-283", "sect283k1", NID_sect283k1, 128, TLS1_2_VERSION, 73),
    EC(10, "sect283r1", "B-283", "sect283r1", NID_sect283r1, 128, TLS1_2_VERSION, 73),
    EC(11, "sect409k1", "K-409", "sect409k1", NID_sect409k1, 192, TLS1_2_VERSION, 105),
    EC(12, "sect409r1", "B-409", "sect409r1", NID_sect409r1, 192, TLS1_2_VERSION, 105),
    EC(13, "sect571k1", "K-571", "sect571k1", NID_sect571k1, 256, TLS1_2_VERSION, 145),
    EC(14, "sect571r1", "B-571", "sect571r1", NID_sect571r1, 256, TLS1_2_VERSION, 145),
    EC(15, "secp160k1", NULL, "secp160k1", NID_secp160k1, 80, TLS1_2_VERSION, 41),
    EC(16, "secp160r1", NULL, "secp160r1", NID_secp160r1, 80, TLS1_2_VERSION, 41),
    EC(17, "secp160r2", NULL, "secp160r2", NID_secp160r2, 80, TLS1_2_VERSION, 41),
    EC(18, "secp192k1", NULL, "secp192k1", NID_secp192k1, 80, TLS1_2_VERSION, 49),
    EC(19, "secp192r1", "P-192", "prime192v1", NID_X9_62_prime192v1, 80, TLS1_2_VERSION, 49),
    EC(20, "secp224k1", NULL, "secp224k1", NID_secp224k1, 112, TLS1_2_VERSION, 57),
    EC(21, "secp224r1", "P-224", "secp224r1", NID_secp224r1, 112, TLS1_2_VERSION, 57),
    EC(22, "secp256k1", NULL, "secp256k1", NID_secp256k1, 128, TLS1_2_VERSION, 65),
    EC(23, "secp256r1", "P-256", "prime256v1", NID_X9_62_prime256v1, 128, 0, 65),
    EC(24, "secp384r1", "P-384", "secp384r1", NID_secp384r1, 192, 0, 97),
    EC(25, "secp521r1", "P-521", "secp521r1", NID_secp521r1, 256, 0, 133),
    EC(26, "brainpoolP256r1", NULL, "brainpoolP256r1", NID_brainpoolP256r1, 128, TLS1_2_VERSION,
       65),
    EC(27, "brainpoolP384r1", NULL, "brainpoolP384r1", NID_brainpoolP384r1, 192, TLS1_2_VERSION,
       97),
    EC(28, "brainpoolP512r1", NULL, "brainpoolP512r1", NID_brainpoolP512r1, 256, TLS1_2_VERSION,
       129),
    {29,
     "x25519",
     NULL,
     {"X25519", "X25519", 1},
     TLS_GROUP_ECX,
     NID_X25519,
     128,
     TLS1_VERSION,
     0,
     32},
    {30, "x448", NULL, {"X448", "X448", 1}, TLS_GROUP_ECX, NID_X448, 224, TLS1_VERSION, 0, 56},
    {0x100,
     "ffdhe2048",
     NULL,
     {"DH", "ffdhe2048", 0},
     TLS_GROUP_FFDHE,
     NID_ffdhe2048,
     112,
     TLS1_3_VERSION,
     0,
     256},
    {0x101,
     "ffdhe3072",
     NULL,
     {"DH", "ffdhe3072", 0},
     TLS_GROUP_FFDHE,
     NID_ffdhe3072,
     128,
     TLS1_3_VERSION,
     0,
     384},
    {0x102,
     "ffdhe4096",
     NULL,
     {"DH", "ffdhe4096", 0},
     TLS_GROUP_FFDHE,
     NID_ffdhe4096,
     128,
     TLS1_3_VERSION,
     0,
     512},
    {0x103,
     "ffdhe6144",
     NULL,
     {"DH", "ffdhe6144", 0},
     TLS_GROUP_FFDHE,
     NID_ffdhe6144,
     128,
     TLS1_3_VERSION,
     0,
     768},
    {0x104,
     "ffdhe8192",
     NULL,
     {"DH", "ffdhe8192", 0},
     TLS_GROUP_FFDHE,
     NID_ffdhe8192,
     192,
     TLS1_3_VERSION,
     0,
     1024},
};

/* Stock's supported_groups_default, less the GOST curves no provider here has. */
const uint16_t tls_default_groups[] = {29, 23, 30, 25, 24, 0x100, 0x101, 0x102, 0x103, 0x104};
const size_t tls_default_groups_len = sizeof(tls_default_groups) / sizeof(tls_default_groups[0]);

const struct tls_group *tls_group_by_id(uint16_t id)
{
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        if (groups[i].id == id)
            return &groups[i];
    return NULL;
}

const struct tls_group *tls_group_by_stock_name(const char *name)
{
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        const struct tls_group *g = &groups[i];
        if (strcmp(g->name, name) == 0 || strcmp(g->kex.name, name) == 0 ||
            (g->alias != NULL && strcmp(g->alias, name) == 0))
            return g;
    }
    return NULL;
}

const struct tls_group *tls_group_by_nid(int nid)
{
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        if (groups[i].nid == nid)
            return &groups[i];
    return NULL;
}

size_t tls_group_count(void)
{
    return sizeof(groups) / sizeof(groups[0]);
}
