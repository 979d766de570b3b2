/*
 * shimssl - asynchronous mode (SSL_MODE_ASYNC).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_ASYNC_H
#define SHIM_API_ASYNC_H

#include "objects.h"

/* Called where stock would start an I/O call's ASYNC job: in async mode,
 * makes the SSL's wait context as stock's first job does. */
void shim_async_io_begins(SSL *s);

#endif
