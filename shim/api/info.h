/*
 * shimssl - names the introspection functions share.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_INFO_H
#define SHIM_API_INFO_H

/* Stock's name for a protocol version ("TLSv1.3", ..., "unknown"). */
const char *shim_protocol_name(int version);

#endif
