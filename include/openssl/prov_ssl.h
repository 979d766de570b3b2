/*
 * shimssl - a libssl for OpenSSL 3's libcrypto.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * prov_ssl.h: protocol version numbers shared with providers.
 *
 * Names, prototypes and numbers follow the OpenSSL 3.0 ABI exactly (they are
 * checked against the system headers by tests/abi); the arrangement and the
 * comments are shimssl's own.
 */

#ifndef OPENSSL_PROV_SSL_H
# define OPENSSL_PROV_SSL_H
# pragma once

# include <openssl/macros.h>

# ifdef  __cplusplus
extern "C" {
# endif

/* Size limits of sessions, master keys and pipelines. */
# define SSL_MAX_MASTER_KEY_LENGTH 48

/* Sizes, limits and other single values. */
# define DTLS1_2_VERSION 0xFEFD
# define DTLS1_BAD_VER 0x0100
# define DTLS1_VERSION 0xFEFF
# define SSL3_VERSION 0x0300
# define TLS1_1_VERSION 0x0302
# define TLS1_2_VERSION 0x0303
# define TLS1_3_VERSION 0x0304
# define TLS1_VERSION 0x0301

# ifdef  __cplusplus
}
# endif
#endif /* OPENSSL_PROV_SSL_H */
