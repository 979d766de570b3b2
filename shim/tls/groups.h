/*
 * shimssl - the key-exchange groups (RFC 8446 4.2.7, RFC 8422, RFC 7919).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_GROUPS_H
#define SHIM_TLS_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/kex.h"

enum tls_group_kind {
    TLS_GROUP_EC,    /* an ECDHE curve, shares are uncompressed points */
    TLS_GROUP_ECX,   /* X25519 / X448, shares are raw u-coordinates */
    TLS_GROUP_FFDHE, /* RFC 7919 finite-field groups, TLS 1.3 only here */
};

struct tls_group {
    uint16_t id;               /* the IANA code point */
    const char *name;          /* stock's TLS name (SSL_group_to_name) */
    const char *alias;         /* the other accepted name (P-256, ...), or NULL */
    struct shim_kex_group kex; /* what libcrypto calls it */
    enum tls_group_kind kind;
    int nid;
    int secbits;
    int min_tls, max_tls; /* max 0: no upper limit */
    size_t share_len;     /* length of a key share on the wire */
};

/* The groups a client offers by default, in stock's order. */
extern const uint16_t tls_default_groups[];
extern const size_t tls_default_groups_len;

const struct tls_group *tls_group_by_id(uint16_t id);
/* By TLS name, alias or libcrypto name, case-sensitively: the names stock's
 * provider lists for SSL_CTX_set1_groups_list. */
const struct tls_group *tls_group_by_stock_name(const char *name);
const struct tls_group *tls_group_by_nid(int nid);

size_t tls_group_count(void);

#endif
