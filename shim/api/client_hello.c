/*
 * shimssl - the ClientHello callback and what it may read of the
 * ClientHello (SSL_client_hello_get*): answers only while a server processes
 * one, 0 otherwise, as stock.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "tls/client_hello.h"

void SSL_CTX_set_client_hello_cb(SSL_CTX *ctx, SSL_client_hello_cb_fn cb, void *arg)
{
    ctx->client_hello_cb = cb;
    ctx->client_hello_cb_arg = arg;
}

int SSL_client_hello_isv2(SSL *s)
{
    (void)tls_server_client_hello(s);
    return 0; /* SSLv2-format ClientHellos are not accepted */
}

unsigned int SSL_client_hello_get0_legacy_version(SSL *s)
{
    const struct tls_client_hello *ch = tls_server_client_hello(s);
    return ch != NULL ? ch->legacy_version : 0;
}

size_t SSL_client_hello_get0_random(SSL *s, const unsigned char **out)
{
    const struct tls_client_hello *ch = tls_server_client_hello(s);

    if (ch == NULL)
        return 0;
    if (out != NULL)
        *out = ch->random;
    return SSL3_RANDOM_SIZE;
}

size_t SSL_client_hello_get0_session_id(SSL *s, const unsigned char **out)
{
    const struct tls_client_hello *ch = tls_server_client_hello(s);

    if (ch == NULL)
        return 0;
    if (out != NULL)
        *out = ch->session_id;
    return ch->session_id_len;
}

size_t SSL_client_hello_get0_ciphers(SSL *s, const unsigned char **out)
{
    const struct tls_client_hello *ch = tls_server_client_hello(s);

    if (ch == NULL)
        return 0;
    if (out != NULL)
        *out = ch->ciphers.p;
    return ch->ciphers.len;
}

size_t SSL_client_hello_get0_compression_methods(SSL *s, const unsigned char **out)
{
    const struct tls_client_hello *ch = tls_server_client_hello(s);

    if (ch == NULL)
        return 0;
    if (out != NULL)
        *out = ch->compressions.p;
    return ch->compressions.len;
}

/* Known extensions (the table's and the custom ones a server registered)
 * only, in the order received. */
int SSL_client_hello_get1_extensions_present(SSL *s, int **out, size_t *outlen)
{
    const struct tls_client_hello *ch = tls_server_client_hello(s);
    size_t n = 0;
    int *types;

    if (ch == NULL || out == NULL || outlen == NULL)
        return 0;
    for (size_t i = 0; i < ch->seen.n; i++)
        n += tls_ext_known_in_client_hello(s, ch->seen.types[i]);
    *out = NULL;
    *outlen = 0;
    if (n == 0)
        return 1;
    if ((types = OPENSSL_malloc(n * sizeof(*types))) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    n = 0;
    for (size_t i = 0; i < ch->seen.n; i++)
        if (tls_ext_known_in_client_hello(s, ch->seen.types[i]))
            types[n++] = ch->seen.types[i];
    *out = types;
    *outlen = n;
    return 1;
}

int SSL_client_hello_get0_ext(SSL *s, unsigned int type, const unsigned char **out, size_t *outlen)
{
    const struct tls_client_hello *ch = tls_server_client_hello(s);

    if (ch == NULL || type > 0xffff || !tls_ext_known_in_client_hello(s, (uint16_t)type))
        return 0;
    for (size_t i = 0; i < ch->seen.n; i++) {
        if (ch->seen.types[i] != type)
            continue;
        if (out != NULL)
            *out = ch->seen.bodies[i].p;
        if (outlen != NULL)
            *outlen = ch->seen.bodies[i].len;
        return 1;
    }
    return 0;
}
