/*
 * shimssl - signature algorithms (RFC 8446 4.2.3).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_SIGALGS_H
#define SHIM_TLS_SIGALGS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sig.h"

struct tls_sigalg {
    uint16_t code;      /* the IANA code point */
    const char *name;   /* RFC 8446 name, or NULL for legacy code points */
    int hash_nid;       /* NID_undef for Ed25519 / Ed448 */
    int sig_type;       /* EVP_PKEY_RSA, EVP_PKEY_RSA_PSS, EVP_PKEY_EC, EVP_PKEY_ED25519, ... */
    int key_slot;       /* SHIM_PKEY_* the signing key must come from */
    int sigandhash_nid; /* the X509 signature NID, where one exists */
    int curve_nid;      /* TLS 1.3 binds ECDSA to one curve; NID_undef otherwise */
    int secbits;        /* what the security level compares against */
    int tls13;          /* allowed in a TLS 1.3 CertificateVerify */
};

/* What a client offers by default, in stock's order. */
extern const uint16_t tls_default_sigalgs[];
extern const size_t tls_default_sigalgs_len;

const struct tls_sigalg *tls_sigalg_by_code(uint16_t code);

/* What libcrypto needs to sign or verify with a. */
struct shim_sig_scheme tls_sigalg_scheme(const struct tls_sigalg *a);

/* TLS 1.0 and 1.1 name no signature algorithm: RSA keys sign MD5+SHA-1 and
 * ECDSA keys SHA-1. The RSA one has no code point, so connections record it
 * under this value, outside the 16-bit space. */
#define TLS_SIGALG_LEGACY_RSA 0x10000
/* The algorithm a connection recorded (a code point, TLS_SIGALG_LEGACY_RSA,
 * or -1 for none). */
const struct tls_sigalg *tls_sigalg_by_conn_code(int code);
/* And back: what a connection records for an algorithm. */
int tls_sigalg_conn_code(const struct tls_sigalg *a);
/* The table, in stock's lookup order (which decides what KEY+HASH names). */
size_t tls_sigalg_count(void);
const struct tls_sigalg *tls_sigalg_at(size_t i);

#endif
