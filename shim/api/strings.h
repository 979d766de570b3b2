/*
 * shimssl - the fixed texts behind SSL_state_string(_long),
 * SSL_rstate_string(_long) and the SSL_alert_* string functions.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Pure mappings, so they can be tested for every value without a connection.
 */
#ifndef SHIM_API_STRINGS_H
#define SHIM_API_STRINGS_H

#include "shim.h"

/* Stock's short ("TWCH") and long ("SSLv3/TLS write client hello") names of
 * a handshake state; in_error selects stock's "SSLERR" / "error". */
const char *shim_state_name(OSSL_HANDSHAKE_STATE st, int in_error);
const char *shim_state_name_long(OSSL_HANDSHAKE_STATE st, int in_error);

/* Names of a record-layer read state (SSL_ST_READ_HEADER, _BODY, _DONE). */
const char *shim_rstate_name(int rstate);
const char *shim_rstate_name_long(int rstate);

#endif
