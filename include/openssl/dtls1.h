/*
 * shimssl - a libssl for OpenSSL 3's libcrypto.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * dtls1.h: DTLS constants.
 *
 * Names, prototypes and numbers follow the OpenSSL 3.0 ABI exactly (they are
 * checked against the system headers by tests/abi); the arrangement and the
 * comments are shimssl's own.
 */

#ifndef OPENSSL_DTLS1_H
# define OPENSSL_DTLS1_H
# pragma once

# include <openssl/macros.h>
# ifndef OPENSSL_NO_DEPRECATED_3_0
#  define HEADER_DTLS1_H
# endif
# include <openssl/prov_ssl.h>
# include <openssl/opensslconf.h>

# ifdef  __cplusplus
extern "C" {
# endif

/* DTLS1_HM_* */
# define DTLS1_HM_FRAGMENT_RETRY -3
# define DTLS1_HM_BAD_FRAGMENT -2
# define DTLS1_HM_HEADER_LENGTH 12

/* Sizes, limits and other single values. */
# define DTLS1_AL_HEADER_LENGTH 2
# define DTLS1_CCS_HEADER_LENGTH 1
# define DTLS1_COOKIE_LENGTH 255
# define DTLS1_RT_HEADER_LENGTH 13
# define DTLS1_TMO_ALERT_COUNT 12
# define DTLS1_VERSION_MAJOR 0xFE
# define DTLS_ANY_VERSION 0x1FFFF

# ifndef OPENSSL_NO_DEPRECATED_3_0

/* Sizes, limits and other single values. */
# define DTLS_MAX_VERSION DTLS1_2_VERSION
# define DTLS_MIN_VERSION DTLS1_VERSION
# endif /* OPENSSL_NO_DEPRECATED_3_0 */

# ifdef  __cplusplus
}
# endif
#endif /* OPENSSL_DTLS1_H */
