/*
 * shimssl - which algorithms a library context's providers offer.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * SSL_CTX_new asks once, as stock does, so that the cipher-string language
 * never selects a suite the providers cannot run.  Nothing is left on the
 * error queue.
 */
#ifndef SHIM_CRYPTO_PROBE_H
#define SHIM_CRYPTO_PROBE_H

#include "objects.h"

int shim_probe_cipher(OSSL_LIB_CTX *libctx, const char *propq, int nid);
int shim_probe_md(OSSL_LIB_CTX *libctx, const char *propq, int nid);
int shim_probe_keyexch(OSSL_LIB_CTX *libctx, const char *propq, const char *name);
int shim_probe_signature(OSSL_LIB_CTX *libctx, const char *propq, const char *name);
/* GOST keys come from an engine when they come at all: stock asks for the
 * key type's ASN.1 method. */
int shim_probe_pkey_type(const char *sn);

#endif
