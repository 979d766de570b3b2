/*
 * shimssl - registration of the library's reason strings.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_ERR_REASONS_H
#define SHIM_API_ERR_REASONS_H

/* Loads the "SSL routines" reason texts into libcrypto's error tables. */
int shim_err_load_reason_strings(void);

#endif
