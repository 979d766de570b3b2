/*
 * shimssl - NSS key-log lines for the application's keylog callback.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_KEYLOG_H
#define SHIM_TLS_KEYLOG_H

#include "tls/conn.h"

/* Emits "LABEL <client_random> <secret>" (hex) if a keylog callback is set:
 * the format Wireshark and SSLKEYLOGFILE readers expect. */
void tls_keylog(SSL *s, const struct tls_conn *c, const char *label, const uint8_t *secret,
                size_t secret_len);

#endif
