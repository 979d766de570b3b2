/*
 * shimssl unit tests: shim/tls/bytes.c (the bounded reader and the builder).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "tls/bytes.h"
#include "unit.h"

/* A small message: u16 version, u8-prefixed id, u16-prefixed list of u16s,
 * u24-prefixed blob. Parsing any strict prefix of it must fail cleanly. */
static const uint8_t sample[] = {0x03, 0x03, 0x02, 0xaa, 0xbb, 0x00, 0x04, 0x13, 0x01,
                                 0x13, 0x02, 0x00, 0x00, 0x03, 'x',  'y',  'z'};

static int parse_sample(const uint8_t *p, size_t len)
{
    tls_reader r, id, list, blob;
    uint16_t v, item;
    tls_r_init(&r, p, len);
    if (!tls_r_u16(&r, &v) || v != 0x0303 || !tls_r_sub_u8(&r, &id) || id.len != 2 ||
        !tls_r_sub_u16(&r, &list) || !tls_r_sub_u24(&r, &blob) || !tls_r_done(&r))
        return 0;
    int n = 0;
    while (!tls_r_done(&list)) {
        if (!tls_r_u16(&list, &item))
            return 0;
        n++;
    }
    return n == 2 && blob.len == 3 && memcmp(blob.p, "xyz", 3) == 0;
}

START_TEST(reader_parses_and_every_truncation_fails)
{
    ck_assert(parse_sample(sample, sizeof(sample)));
    for (size_t n = 0; n < sizeof(sample); n++)
        ck_assert(!parse_sample(sample, n));
    /* Trailing bytes are refused too. */
    uint8_t longer[sizeof(sample) + 1];
    memcpy(longer, sample, sizeof(sample));
    longer[sizeof(sample)] = 0;
    ck_assert(!parse_sample(longer, sizeof(longer)));
}
END_TEST

START_TEST(failed_reads_consume_nothing)
{
    uint8_t buf[3] = {0x00, 0x05, 0x01};
    tls_reader r, sub;
    uint32_t v32;
    tls_r_init(&r, buf, sizeof(buf));
    ck_assert(!tls_r_sub_u16(&r, &sub)); /* claims 5 bytes, has 1 */
    ck_assert_uint_eq(tls_r_left(&r), 3);
    ck_assert(!tls_r_u32(&r, &v32));
    ck_assert_uint_eq(tls_r_left(&r), 3);
    ck_assert(tls_r_u24(&r, &v32));
    ck_assert_uint_eq(v32, 0x000501);
    ck_assert(tls_r_done(&r));
}
END_TEST

START_TEST(builder_fills_lengths)
{
    tls_builder b;
    uint8_t *out;
    size_t len;
    ck_assert(tls_b_init(&b, 0));
    ck_assert(tls_b_u16(&b, 0x0303));
    ck_assert(tls_b_open(&b, 1) && tls_b_u8(&b, 0xaa) && tls_b_u8(&b, 0xbb) && tls_b_close(&b));
    ck_assert(tls_b_open(&b, 2) && tls_b_u16(&b, 0x1301) && tls_b_u16(&b, 0x1302) &&
              tls_b_close(&b));
    ck_assert(tls_b_open(&b, 3) && tls_b_bytes(&b, (const uint8_t *)"xyz", 3) && tls_b_close(&b));
    ck_assert(tls_b_finish(&b, &out, &len));
    ck_assert_uint_eq(len, sizeof(sample));
    ck_assert_mem_eq(out, sample, sizeof(sample));
    OPENSSL_free(out);
}
END_TEST

START_TEST(builder_refuses_overflow_and_unclosed)
{
    tls_builder b;
    uint8_t big[300] = {0}, *out;
    size_t len;
    ck_assert(tls_b_init(&b, 16));
    ck_assert(tls_b_open(&b, 1) && tls_b_bytes(&b, big, sizeof(big)));
    ck_assert(!tls_b_close(&b)); /* 300 does not fit in one length byte */
    ck_assert(!tls_b_finish(&b, &out, &len));
    tls_b_cleanup(&b);

    ck_assert(tls_b_init(&b, 0));
    ck_assert(tls_b_open(&b, 2));
    ck_assert(!tls_b_finish(&b, &out, &len)); /* a child is still open */
    tls_b_cleanup(&b);

    ck_assert(tls_b_init(&b, 0));
    for (int i = 0; i < TLS_BUILDER_MAX_DEPTH; i++)
        ck_assert(tls_b_open(&b, 1));
    ck_assert(!tls_b_open(&b, 1));
    tls_b_cleanup(&b);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("bytes");
    TCase *tc = tcase_create("bytes");
    tcase_add_test(tc, reader_parses_and_every_truncation_fails);
    tcase_add_test(tc, failed_reads_consume_nothing);
    tcase_add_test(tc, builder_fills_lengths);
    tcase_add_test(tc, builder_refuses_overflow_and_unclosed);
    suite_add_tcase(s, tc);
    return s;
}
