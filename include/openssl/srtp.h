/*
 * shimssl - a libssl for OpenSSL 3's libcrypto.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * srtp.h: DTLS-SRTP (RFC 5764) profiles and functions.
 *
 * Names, prototypes and numbers follow the OpenSSL 3.0 ABI exactly (they are
 * checked against the system headers by tests/abi); the arrangement and the
 * comments are shimssl's own.
 */

#ifndef OPENSSL_SRTP_H
# define OPENSSL_SRTP_H
# pragma once

# include <openssl/macros.h>
# ifndef OPENSSL_NO_DEPRECATED_3_0
#  define HEADER_D1_SRTP_H
# endif
# include <openssl/ssl.h>

# ifdef  __cplusplus
extern "C" {
# endif

/* SRTP AEAD protection profiles (RFC 7714). */
# define SRTP_AEAD_AES_128_GCM 0x0007
# define SRTP_AEAD_AES_256_GCM 0x0008

/* SRTP protection profiles (RFC 5764). */
# define SRTP_AES128_CM_SHA1_80 0x0001
# define SRTP_AES128_CM_SHA1_32 0x0002
# define SRTP_AES128_F8_SHA1_80 0x0003
# define SRTP_AES128_F8_SHA1_32 0x0004

/* Sizes, limits and other single values. */
# define SRTP_NULL_SHA1_32 0x0006
# define SRTP_NULL_SHA1_80 0x0005

/* Contexts (SSL_CTX). */
int SSL_CTX_set_tlsext_use_srtp(SSL_CTX *, const char *);

/* Connections (SSL): everything else. */
SRTP_PROTECTION_PROFILE *SSL_get_selected_srtp_profile(SSL *);
STACK_OF(SRTP_PROTECTION_PROFILE) *SSL_get_srtp_profiles(SSL *);
int SSL_set_tlsext_use_srtp(SSL *, const char *);

# ifdef  __cplusplus
}
# endif
#endif /* OPENSSL_SRTP_H */
