/*
 * shimssl - helpers shared by the Check unit suites.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <ctype.h>
#include <string.h>

#include "tls/conn.h"
#include "unit.h"
#include "unit_util.h"

size_t unit_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int half = -1;

    for (const char *p = hex; *p != '\0'; p++) {
        int v;
        if (isspace((unsigned char)*p))
            continue;
        ck_assert_msg(isxdigit((unsigned char)*p), "bad hex digit '%c'", *p);
        v = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
        if (half < 0) {
            half = v;
            continue;
        }
        ck_assert_msg(n < cap, "hex vector longer than %zu bytes", cap);
        out[n++] = (uint8_t)(half << 4 | v);
        half = -1;
    }
    ck_assert_msg(half < 0, "odd number of hex digits");
    return n;
}

SSL_CTX *unit_ctx(void)
{
    static SSL_CTX *ctx;
    if (ctx == NULL)
        ctx = SSL_CTX_new(TLS_method());
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

SSL *unit_endpoint(BIO *rbio, BIO *wbio)
{
    SSL *s = SSL_new(unit_ctx());
    ck_assert_ptr_nonnull(s);
    SSL_set0_rbio(s, rbio);
    SSL_set0_wbio(s, wbio);
    ck_assert_ptr_nonnull(tls_conn_get(s));
    return s;
}

BIO *unit_mem_bio(void)
{
    BIO *b = BIO_new(BIO_s_mem());
    ck_assert_ptr_nonnull(b);
    BIO_set_mem_eof_return(b, -1);
    return b;
}

void unit_put_record(BIO *b, int type, const uint8_t *data, size_t len)
{
    uint8_t hdr[5] = {(uint8_t)type, 3, 3, (uint8_t)(len >> 8), (uint8_t)len};
    ck_assert_int_eq(BIO_write(b, hdr, 5), 5);
    if (len > 0)
        ck_assert_int_eq(BIO_write(b, data, (int)len), (int)len);
}

int unit_fatal_alert_written(BIO *wbio)
{
    char *p;
    long n = BIO_get_mem_data(wbio, &p);
    const uint8_t *u = (const uint8_t *)p;

    /* struct { ContentType alert(21); ProtocolVersion; uint16 length = 2;
     *          AlertLevel fatal(2); AlertDescription; } */
    if (n != 7 || u[0] != SSL3_RT_ALERT || u[1] != 3 || u[3] != 0 || u[4] != 2 ||
        u[5] != SSL3_AL_FATAL)
        return -1;
    return u[6];
}

int unit_ssl_reason(void)
{
    unsigned long e = ERR_peek_error();
    if (e == 0)
        return 0;
    ck_assert_int_eq(ERR_GET_LIB(e), ERR_LIB_SSL);
    return ERR_GET_REASON(e);
}
