/*
 * shimssl - protocol methods.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A method only says which versions and which end it allows; the engine does
 * the rest.  The version-specific methods (deprecated since 1.1.0) pin the
 * version exactly as stock's do.  DTLS methods are not provided: DTLS_method()
 * and friends refuse with ERR_R_UNSUPPORTED (see shim/abi/status.tsv).
 */
#include "shim.h"

#include "objects.h"

#define METHOD(fn, ver, role_)                                                                     \
    const SSL_METHOD *fn(void)                                                                     \
    {                                                                                              \
        static const SSL_METHOD m = {ver, role_};                                                  \
        return &m;                                                                                 \
    }

METHOD(TLS_method, TLS_ANY_VERSION, SHIM_ROLE_ANY)
METHOD(TLS_client_method, TLS_ANY_VERSION, SHIM_ROLE_CLIENT)
METHOD(TLS_server_method, TLS_ANY_VERSION, SHIM_ROLE_SERVER)
METHOD(TLSv1_method, TLS1_VERSION, SHIM_ROLE_ANY)
METHOD(TLSv1_client_method, TLS1_VERSION, SHIM_ROLE_CLIENT)
METHOD(TLSv1_server_method, TLS1_VERSION, SHIM_ROLE_SERVER)
METHOD(TLSv1_1_method, TLS1_1_VERSION, SHIM_ROLE_ANY)
METHOD(TLSv1_1_client_method, TLS1_1_VERSION, SHIM_ROLE_CLIENT)
METHOD(TLSv1_1_server_method, TLS1_1_VERSION, SHIM_ROLE_SERVER)
METHOD(TLSv1_2_method, TLS1_2_VERSION, SHIM_ROLE_ANY)
METHOD(TLSv1_2_client_method, TLS1_2_VERSION, SHIM_ROLE_CLIENT)
METHOD(TLSv1_2_server_method, TLS1_2_VERSION, SHIM_ROLE_SERVER)
