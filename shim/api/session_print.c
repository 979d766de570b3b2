/*
 * shimssl - SSL_SESSION as text: SSL_SESSION_print (the block s_client
 * shows) and the NSS-style "RSA Session-ID" key-log line.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "objects.h"
#include "api/info.h"

static int hex(BIO *bp, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (BIO_printf(bp, "%02X", p[i]) <= 0)
            return 0;
    return 1;
}

/* The lines and their order are stock's; PSK and SRP lines always appear
 * (Debian's build has both). */
int SSL_SESSION_print(BIO *bp, const SSL_SESSION *x)
{
    int tls13;

    if (x == NULL)
        return 0;
    tls13 = x->ssl_version == TLS1_3_VERSION;
    if (BIO_printf(bp, "SSL-Session:\n    Protocol  : %s\n", shim_protocol_name(x->ssl_version)) <=
        0)
        return 0;
    if (x->cipher != NULL) {
        if (BIO_printf(bp, "    Cipher    : %s\n",
                       x->cipher->name != NULL ? x->cipher->name : "unknown") <= 0)
            return 0;
    } else if ((x->cipher_id & 0xff000000) == 0x02000000) {
        if (BIO_printf(bp, "    Cipher    : %06lX\n", (unsigned long)(x->cipher_id & 0xffffff)) <=
            0)
            return 0;
    } else if (BIO_printf(bp, "    Cipher    : %04lX\n", (unsigned long)(x->cipher_id & 0xffff)) <=
               0) {
        return 0;
    }
    if (BIO_puts(bp, "    Session-ID: ") <= 0 || !hex(bp, x->session_id, x->session_id_length) ||
        BIO_puts(bp, "\n    Session-ID-ctx: ") <= 0 || !hex(bp, x->sid_ctx, x->sid_ctx_length) ||
        BIO_puts(bp, tls13 ? "\n    Resumption PSK: " : "\n    Master-Key: ") <= 0 ||
        !hex(bp, x->master_key, x->master_key_length) ||
        BIO_printf(bp, "\n    PSK identity: %s",
                   x->psk_identity != NULL ? x->psk_identity : "None") <= 0 ||
        BIO_printf(bp, "\n    PSK identity hint: %s",
                   x->psk_identity_hint != NULL ? x->psk_identity_hint : "None") <= 0 ||
        BIO_puts(bp, "\n    SRP username: None") <= 0)
        return 0;
    if (x->ticket_lifetime_hint != 0 &&
        BIO_printf(bp, "\n    TLS session ticket lifetime hint: %ld (seconds)",
                   (long)x->ticket_lifetime_hint) <= 0)
        return 0;
    if (x->ticket != NULL &&
        (BIO_puts(bp, "\n    TLS session ticket:\n") <= 0 ||
         BIO_dump_indent(bp, (const char *)x->ticket, (int)x->ticket_len, 4) <= 0))
        return 0;
    if (x->time != 0 && BIO_printf(bp, "\n    Start Time: %lld", (long long)x->time) <= 0)
        return 0;
    if (x->timeout != 0 &&
        BIO_printf(bp, "\n    Timeout   : %lld (sec)", (long long)x->timeout) <= 0)
        return 0;
    if (BIO_printf(bp, "\n    Verify return code: %ld (%s)\n", x->verify_result,
                   X509_verify_cert_error_string(x->verify_result)) <= 0 ||
        BIO_printf(bp, "    Extended master secret: %s\n",
                   (x->flags & SHIM_SESS_FLAG_EXTMS) ? "yes" : "no") <= 0)
        return 0;
    if (tls13 && BIO_printf(bp, "    Max Early Data: %u\n", x->max_early_data) <= 0)
        return 0;
    return 1;
}

int SSL_SESSION_print_fp(FILE *fp, const SSL_SESSION *x)
{
    BIO *b = BIO_new(BIO_s_file());
    int ret;

    if (b == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_BUF_LIB);
        return 0;
    }
    BIO_set_fp(b, fp, BIO_NOCLOSE);
    ret = SSL_SESSION_print(b, x);
    BIO_free(b);
    return ret;
}

/* "RSA Session-ID:<hex> Master-Key:<hex>" (the RSA prefix is the format's,
 * whatever the key exchange). */
int SSL_SESSION_print_keylog(BIO *bp, const SSL_SESSION *x)
{
    if (x == NULL || x->session_id_length == 0 || x->master_key_length == 0)
        return 0;
    return BIO_puts(bp, "RSA Session-ID:") > 0 && hex(bp, x->session_id, x->session_id_length) &&
           BIO_puts(bp, " Master-Key:") > 0 && hex(bp, x->master_key, x->master_key_length) &&
           BIO_puts(bp, "\n") > 0;
}
