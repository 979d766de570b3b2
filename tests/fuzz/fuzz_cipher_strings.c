/*
 * shimssl fuzz target: the string parsers of the configuration API.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Input: byte 0 picks the parser, the rest is its string (or bytes):
 *   0 SSL_CTX_set_cipher_list   1 SSL_CTX_set_ciphersuites
 *   2 SSL_set_cipher_list       3 SSL_CTX_set1_groups_list
 *   4 SSL_CTX_set1_sigalgs_list 5 SSL_CTX_set1_client_sigalgs_list
 *   6 SSL_bytes_to_cipher_list (a ClientHello's suites, 2-byte form)
 *   7 the same, SSLv2's 3-byte form
 * and whatever list results is read back as applications do.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static void show(STACK_OF(SSL_CIPHER) * list)
{
    char buf[256];
    for (int i = 0; i < sk_SSL_CIPHER_num(list); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(list, i);
        SSL_CIPHER_description(c, buf, sizeof(buf));
        SSL_CIPHER_get_id(c);
        SSL_CIPHER_standard_name(c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SSL_CTX *ctx;
    SSL *s;
    char *str;

    fuzz_init();
    if (size < 1 || size > 4096)
        return 0;
    str = malloc(size);
    memcpy(str, data + 1, size - 1);
    str[size - 1] = '\0';
    ctx = SSL_CTX_new(TLS_method());
    s = SSL_new(ctx);
    switch (data[0] % 8) {
    case 0:
        SSL_CTX_set_cipher_list(ctx, str);
        break;
    case 1:
        SSL_CTX_set_ciphersuites(ctx, str);
        break;
    case 2:
        SSL_set_cipher_list(s, str);
        show(SSL_get_ciphers(s));
        break;
    case 3:
        SSL_CTX_set1_groups_list(ctx, str);
        break;
    case 4:
        SSL_CTX_set1_sigalgs_list(ctx, str);
        break;
    case 5:
        SSL_CTX_set1_client_sigalgs_list(ctx, str);
        break;
    default: {
        STACK_OF(SSL_CIPHER) *sk = NULL, *scsvs = NULL;
        if (SSL_bytes_to_cipher_list(s, data + 1, size - 1, data[0] % 8 == 7, &sk, &scsvs))
            show(sk);
        sk_SSL_CIPHER_free(sk);
        sk_SSL_CIPHER_free(scsvs);
        break;
    }
    }
    show(SSL_CTX_get_ciphers(ctx));
    SSL_free(s);
    SSL_CTX_free(ctx);
    free(str);
    ERR_clear_error();
    return 0;
}
