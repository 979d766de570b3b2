/*
 * shimssl fuzz target: SSL_CONF commands.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Input: byte 0 sets the SSL_CONF_CTX flags (bit 0: file style, else
 * command-line style; bit 1: client; bit 2: server; bit 3: certificate
 * commands allowed; bit 4: apply to an SSL rather than an SSL_CTX); then
 * lines "COMMAND VALUE" (the value may be absent).  Commands that name a
 * file or a directory are skipped: the fuzzer would make them read the
 * machine's files.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SSL_CONF_CTX *cctx;
    SSL_CTX *ctx;
    SSL *s = NULL;
    char *text, *line, *save = NULL;
    unsigned int flags = 0;

    fuzz_init();
    if (size < 1 || size > 4096)
        return 0;
    flags |= data[0] & 1 ? SSL_CONF_FLAG_FILE : SSL_CONF_FLAG_CMDLINE;
    flags |= data[0] & 2 ? SSL_CONF_FLAG_CLIENT : 0;
    flags |= data[0] & 4 ? SSL_CONF_FLAG_SERVER : 0;
    flags |= data[0] & 8 ? SSL_CONF_FLAG_CERTIFICATE : 0;
    text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    ctx = SSL_CTX_new(TLS_method());
    cctx = SSL_CONF_CTX_new();
    SSL_CONF_CTX_set_flags(cctx, flags);
    if (data[0] & 16) {
        s = SSL_new(ctx);
        SSL_CONF_CTX_set_ssl(cctx, s);
    } else {
        SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
    }
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *value = strchr(line, ' ');
        int type;
        if (value != NULL)
            *value++ = '\0';
        type = SSL_CONF_cmd_value_type(cctx, line);
        if (type == SSL_CONF_TYPE_FILE || type == SSL_CONF_TYPE_DIR)
            continue;
        SSL_CONF_cmd(cctx, line, value);
    }
    SSL_CONF_CTX_finish(cctx);
    SSL_CONF_CTX_free(cctx);
    SSL_free(s);
    SSL_CTX_free(ctx);
    free(text);
    ERR_clear_error();
    return 0;
}
