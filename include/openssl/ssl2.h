/*
 * shimssl - a libssl for OpenSSL 3's libcrypto.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * ssl2.h: the two SSLv2 numbers still in the API.
 *
 * Names, prototypes and numbers follow the OpenSSL 3.0 ABI exactly (they are
 * checked against the system headers by tests/abi); the arrangement and the
 * comments are shimssl's own.
 */

#ifndef OPENSSL_SSL2_H
# define OPENSSL_SSL2_H
# pragma once

# include <openssl/macros.h>
# ifndef OPENSSL_NO_DEPRECATED_3_0
#  define HEADER_SSL2_H
# endif

# ifdef  __cplusplus
extern "C" {
# endif

/* Sizes, limits and other single values. */
# define SSL2_MT_CLIENT_HELLO 1
# define SSL2_VERSION 0x0002

# ifdef  __cplusplus
}
# endif
#endif /* OPENSSL_SSL2_H */
