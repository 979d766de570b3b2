/*
 * shimssl - NSS key-log lines for the application's keylog callback.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "tls/keylog.h"

void tls_keylog(SSL *s, const struct tls_conn *c, const char *label, const uint8_t *secret,
                size_t secret_len)
{
    static const char hex[] = "0123456789abcdef";
    SSL_CTX_keylog_cb_func cb = s->ctx->keylog_callback;
    size_t label_len = strlen(label),
           n = label_len + 1 + 2 * SSL3_RANDOM_SIZE + 1 + 2 * secret_len + 1;
    char *line, *p;

    tls_conn_pay_loop(s); /* stock reports the state it left first */
    if (cb == NULL || (line = OPENSSL_malloc(n)) == NULL)
        return;
    memcpy(line, label, label_len);
    p = line + label_len;
    *p++ = ' ';
    for (size_t i = 0; i < SSL3_RANDOM_SIZE; i++) {
        *p++ = hex[c->client_random[i] >> 4];
        *p++ = hex[c->client_random[i] & 15];
    }
    *p++ = ' ';
    for (size_t i = 0; i < secret_len; i++) {
        *p++ = hex[secret[i] >> 4];
        *p++ = hex[secret[i] & 15];
    }
    *p = '\0';
    cb(s, line);
    OPENSSL_clear_free(line, n);
}
