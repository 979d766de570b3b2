/*
 * shimssl - helpers shared by the Check unit suites: hex vectors, engine
 * endpoints over memory BIOs, and reading back what an endpoint wrote.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TESTS_UNIT_UTIL_H
#define SHIM_TESTS_UNIT_UTIL_H

#include "shim.h"

#include <stddef.h>
#include <stdint.h>

/* Decodes hex (spaces and newlines allowed, as RFC text prints it) into out;
 * the test aborts on an odd digit count, a bad digit or more than cap bytes,
 * so a mistyped vector cannot pass silently.  Returns the byte count. */
size_t unit_unhex(const char *hex, uint8_t *out, size_t cap);

/* One SSL_CTX (TLS_method) shared by a test program. */
SSL_CTX *unit_ctx(void);

/* A connection with its engine state (s->conn) made, reading from rbio and
 * writing to wbio; it owns both BIOs (either may be NULL). */
SSL *unit_endpoint(BIO *rbio, BIO *wbio);

/* A memory BIO that reports "retry" rather than EOF when empty, like a
 * non-blocking socket with nothing to read yet. */
BIO *unit_mem_bio(void);

/* Appends a record (type, legacy version 0x0303) holding len bytes to b. */
void unit_put_record(BIO *b, int type, const uint8_t *data, size_t len);

/* The description of the one unprotected fatal alert record in wbio, or -1
 * if wbio holds anything else (nothing, another record, a warning). */
int unit_fatal_alert_written(BIO *wbio);

/* The reason of the first error on the queue (ERR_LIB_SSL checked), or 0. */
int unit_ssl_reason(void);

#endif
