/*
 * shimssl - what a connection may offer and accept: the protocol version
 * range, and the security-level checks on ciphers, groups and signature
 * algorithms.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_POLICY_H
#define SHIM_TLS_POLICY_H

#include "objects.h"
#include "tls/groups.h"
#include "tls/sigalgs.h"

/* Asks the security callback (SSL_SECOP_*), as stock's ssl_security(). */
int tls_security_ok(const SSL *s, int op, int bits, int nid, void *other);

/* Whether version v is enabled by the options, the version bounds and the
 * security level (stock's ssl_method_error, for TLS). */
int tls_version_enabled(const SSL *s, int v);

/* The contiguous range of enabled versions, as stock's
 * ssl_get_min_max_version(); 0 on success or the reason code (e.g.
 * SSL_R_NO_PROTOCOLS_AVAILABLE). */
int tls_version_range(const SSL *s, int *min_version, int *max_version);

/* A cipher suite we may offer / accept with this version range. */
int tls_cipher_usable(const SSL *s, const SSL_CIPHER *c, int min_version, int max_version, int op);
/* A group we may offer in this version range; *tls13_ok says whether it can
 * be used for a TLS 1.3 key share. */
int tls_group_usable(const SSL *s, const struct tls_group *g, int min_version, int max_version,
                     int *tls13_ok);
/* A signature algorithm we may offer or accept (SSL_SECOP_SIGALG_*).  A
 * client that can only speak TLS 1.3 leaves out DSA, SHA-1 and SHA-224. */
int tls_sigalg_usable(const SSL *s, const struct tls_sigalg *a, int op, int min_version);

/* The groups this connection offers, in preference order. */
void tls_configured_groups(const SSL *s, const uint16_t **groups, size_t *len);
/* Our signature algorithms, as stock's tls12_get_psigalgs: sent 1 for what
 * we send (a ClientHello's, a CertificateRequest's) and check the peer's
 * signatures against, 0 for what we choose from to sign. */
void tls_psigalgs(const SSL *s, int sent, const uint16_t **sigalgs, size_t *len);

/* Whether code is in list. */
int tls_listed(uint16_t code, const uint16_t *list, size_t len);

/* Bits of security a security level asks for; s's level's. */
int tls_level_bits(int level);
int tls_security_level_bits(const SSL *s);

struct tls_conn;
/* A server's n-th group in common with the client (stock's
 * tls1_shared_group): in the client's order, or ours with
 * SSL_OP_CIPHER_SERVER_PREFERENCE; n -1 counts them, -2 is the one to use;
 * 0 if none. */
uint16_t tls_server_shared_group(const SSL *s, const struct tls_conn *c, int n);

#endif
