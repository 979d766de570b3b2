/*
 * shimssl - library initialisation: OPENSSL_init_ssl and ERR_load_SSL_strings.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * SSL_library_init() and SSL_load_error_strings() are macros over
 * OPENSSL_init_ssl() in the 3.0 headers, so these two functions carry all the
 * legacy entry points too.
 */
#include "shim.h"

#include <openssl/crypto.h>

#include "api/err_reasons.h"

/* Stock decides once: the first call that mentions strings, loading or not
 * loading them, settles it for the life of the process. */
static CRYPTO_ONCE strings_once = CRYPTO_ONCE_STATIC_INIT;

static void load_strings(void)
{
    shim_err_load_reason_strings();
}

static void skip_strings(void)
{
}

int OPENSSL_init_ssl(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings)
{
    /* libssl always needs the ciphers and digests, and reads the config file
     * unless told not to, exactly as stock does. */
    opts |= OPENSSL_INIT_ADD_ALL_CIPHERS | OPENSSL_INIT_ADD_ALL_DIGESTS;
    if ((opts & OPENSSL_INIT_NO_LOAD_CONFIG) == 0)
        opts |= OPENSSL_INIT_LOAD_CONFIG;
    if (!OPENSSL_init_crypto(opts, settings))
        return 0;

    if (opts & (OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_NO_LOAD_SSL_STRINGS)) {
        if (!CRYPTO_THREAD_run_once(&strings_once, (opts & OPENSSL_INIT_NO_LOAD_SSL_STRINGS)
                                                       ? skip_strings
                                                       : load_strings))
            return 0;
    }
    return 1;
}

int ERR_load_SSL_strings(void)
{
    return shim_err_load_reason_strings();
}
