/*
 * shimssl - the per-context session cache.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "api/session_cache.h"

void shim_session_cache_flush_all(SSL_CTX *ctx)
{
    /* Nothing is cached yet: sessions arrive with the handshake. */
    (void)ctx;
}
