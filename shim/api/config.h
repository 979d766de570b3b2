/*
 * shimssl - the settings an SSL inherits from its SSL_CTX (struct shim_config).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_API_CONFIG_H
#define SHIM_API_CONFIG_H

#include "objects.h"

/* A context's defaults, as stock's SSL_CTX_new sets them. */
int shim_config_init_ctx(struct shim_config *cfg);

/*
 * Fills an SSL's settings from its context at SSL_new.  Copies exactly what
 * stock copies; the fields stock consults on the context at use time
 * (cipher_list, the CA lists, info_callback, srtp_profiles) stay empty and
 * the shim_config_* accessors below fall back to the context.
 */
int shim_config_inherit(struct shim_config *dst, const struct shim_config *src);

void shim_config_free(struct shim_config *cfg);

/* Applies the configuration file's ssl_conf "system_default" section, if
 * any, to a new context (api/ssl_config.c). */
void shim_ctx_system_config(SSL_CTX *ctx);

#endif
