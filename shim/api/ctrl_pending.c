/*
 * shimssl - stand-ins for ctrl handlers whose modules are not written yet.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each is a weak definition: the module's real handler, once linked in,
 * replaces it.  Until then the commands it owns refuse honestly.  Delete an
 * entry here when its module lands.
 */
#include "shim.h"

#include "api/ctrl.h"

#define PENDING(fn)                                                        \
    __attribute__((weak)) long fn(SSL_CTX *ctx, SSL *s, int cmd, long larg, \
                                  void *parg)                              \
    {                                                                      \
        (void)ctx;                                                         \
        (void)s;                                                           \
        (void)cmd;                                                         \
        (void)larg;                                                        \
        (void)parg;                                                        \
        ERR_raise(ERR_LIB_SSL, ERR_R_UNSUPPORTED);                         \
        return 0;                                                          \
    }

PENDING(shim_cert_ctrl)
PENDING(shim_conn_ctrl)
