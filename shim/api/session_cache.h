/*
 * shimssl - the SSL_CTX session cache as the rest of the library sees it.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_SESSION_CACHE_H
#define SHIM_API_SESSION_CACHE_H

#include "objects.h"

/* Empties the cache of a context being freed (remove callbacks still run). */
void shim_session_cache_flush_all(SSL_CTX *ctx);

#endif
