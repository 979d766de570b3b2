/*
 * shimssl: the ssl_conf module of OpenSSL's configuration file.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * libcrypto parses the file and keeps the [ssl_conf] sections; it exports
 * three accessors (conf_ssl_name_find, conf_ssl_get, conf_ssl_get_cmd) for
 * the libssl it was built with.  We read the sections through them and run
 * each command through SSL_CONF_cmd in file form, as stock does: for
 * SSL_CTX_config / SSL_config on request, and for the section named
 * "system_default" on every new SSL_CTX (how Debian's /etc/ssl/openssl.cnf
 * sets MinProtocol and CipherString system-wide).
 */
#include "shim.h"

#include <openssl/conf.h>
#include <openssl/err.h>

#include "api/config.h"

/* libcrypto's side of the module (internal/sslconf.h in OpenSSL): the
 * command array is opaque, reached only through these. */
typedef struct shim_conf_cmd_st SHIM_CONF_CMD;
const SHIM_CONF_CMD *conf_ssl_get(size_t idx, const char **name, size_t *cnt);
int conf_ssl_name_find(const char *name, size_t *idx);
void conf_ssl_get_cmd(const SHIM_CONF_CMD *cmd, size_t idx, char **cmdstr, char **arg);

/* Returns 1 when the section exists and every command was accepted.  The
 * system default is quiet about a missing section and is not given the
 * certificate commands (an application's SSL_CTX has no business loading
 * keys from the system configuration). */
static int apply_section(SSL *s, SSL_CTX *ctx, const char *name, int system)
{
    const SHIM_CONF_CMD *cmds;
    SSL_CONF_CTX *cctx;
    const SSL_METHOD *meth;
    OSSL_LIB_CTX *libctx, *prev;
    size_t idx, count;
    unsigned int flags = SSL_CONF_FLAG_FILE;
    int failures = 0;

    if (s == NULL && ctx == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
    }
    if (name == NULL && system)
        name = "system_default";
    if (!conf_ssl_name_find(name, &idx)) {
        if (!system)
            ERR_raise_data(ERR_LIB_SSL, SSL_R_INVALID_CONFIGURATION_NAME, "name=%s", name);
        return 0;
    }
    cmds = conf_ssl_get(idx, &name, &count);
    if ((cctx = SSL_CONF_CTX_new()) == NULL)
        return 0;
    if (!system)
        flags |= SSL_CONF_FLAG_CERTIFICATE | SSL_CONF_FLAG_REQUIRE_PRIVATE;
    if (s != NULL) {
        SSL_CONF_CTX_set_ssl(cctx, s);
        meth = s->ctx->method;
        libctx = s->ctx->libctx;
    } else {
        SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
        meth = ctx->method;
        libctx = ctx->libctx;
    }
    /* The commands apply to whichever roles the method can take. */
    if (meth->role != SHIM_ROLE_CLIENT)
        flags |= SSL_CONF_FLAG_SERVER;
    if (meth->role != SHIM_ROLE_SERVER)
        flags |= SSL_CONF_FLAG_CLIENT;
    SSL_CONF_CTX_set_flags(cctx, flags);
    prev = OSSL_LIB_CTX_set0_default(libctx);
    for (size_t i = 0; i < count; i++) {
        char *cmd, *arg;

        conf_ssl_get_cmd(cmds, i, &cmd, &arg);
        if (SSL_CONF_cmd(cctx, cmd, arg) <= 0)
            failures++;
    }
    if (!SSL_CONF_CTX_finish(cctx))
        failures++;
    OSSL_LIB_CTX_set0_default(prev);
    SSL_CONF_CTX_free(cctx);
    return failures == 0;
}

int SSL_CTX_config(SSL_CTX *ctx, const char *name)
{
    return apply_section(NULL, ctx, name, 0);
}

int SSL_config(SSL *s, const char *name)
{
    return apply_section(s, NULL, name, 0);
}

void shim_ctx_system_config(SSL_CTX *ctx)
{
    apply_section(NULL, ctx, NULL, 1);
}
