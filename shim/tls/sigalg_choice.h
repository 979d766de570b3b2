/*
 * shimssl - which signature algorithm a handshake signs with, and whether
 * the one a peer signed with is acceptable (stock's tls_choose_sigalg and
 * tls12_check_peer_sigalg), for both versions.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_SIGALG_CHOICE_H
#define SHIM_TLS_SIGALG_CHOICE_H

#include "tls/handshake.h"
#include "tls/sigalgs.h"

/* The most shared signature algorithms there can be. */
#define TLS_MAX_SHARED_SIGALGS 32

/*
 * The algorithms both sides accept: the peer's list (peer[0..npeer)) and
 * ours (tls_psigalgs(s, 0)), in the peer's order unless
 * SSL_OP_CIPHER_SERVER_PREFERENCE puts ours first, each allowed by the
 * security level at min_version.  Returns how many (at most max in out).
 */
size_t tls_shared_sigalgs(const SSL *s, const uint16_t *peer, size_t npeer, int min_version,
                          const struct tls_sigalg **out, size_t max);

/*
 * Chooses the key and algorithm our CertificateVerify (or TLS 1.2
 * ServerKeyExchange) signs with, into hs->key and hs->sigalg, from the
 * peer's signature algorithms (hs->peer_sigalgs).  A client that finds none
 * just sends no certificate: hs->sigalg stays NULL and 1 is returned; with
 * fatal set, none is a handshake_failure.  0 after tls_fatal.
 */
int tls_choose_sigalg(SSL *s, struct tls_conn *c, struct tls_hs *hs, int fatal);

/*
 * Checks the algorithm the peer signed with (code) against its key and our
 * rules, as stock's tls12_check_peer_sigalg; records it in
 * c->peer_sigalg.  NULL after tls_fatal.
 */
const struct tls_sigalg *tls_check_peer_sigalg(SSL *s, struct tls_conn *c, uint16_t code,
                                               EVP_PKEY *pkey);

/* What TLS 1.0 and 1.1 sign with for a key of this slot (MD5+SHA-1 for RSA,
 * SHA-1 otherwise), when the security level allows it; NULL otherwise. */
const struct tls_sigalg *tls_legacy_sigalg(SSL *s, int slot);

/* What a server signs with when the client names no algorithms: SHA-1 in
 * TLS 1.2, the legacy algorithms before; NULL if the security level
 * refuses it or no default exists for the slot. */
const struct tls_sigalg *tls_default_sigalg(SSL *s, int version, int slot);

/*
 * SSL_check_chain: how well a certificate (x, its key pk, chain) suits the
 * peer of this handshake, as CERT_PKEY_* flags (stock's tls1_check_chain
 * for an application's chain): the signatures against the peer's
 * algorithms, EC curves against the groups, and for a client the
 * certificate types and CA names the server asked for.  0 for a missing
 * certificate or a key of a type we cannot use.
 */
int tls_check_chain(SSL *s, X509 *x, EVP_PKEY *pk, STACK_OF(X509) * chain);

#endif
