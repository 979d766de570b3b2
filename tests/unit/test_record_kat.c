/*
 * shimssl unit tests: record-layer known answers (shim/tls/record.c,
 * shim/tls/traffic_keys.c) from RFC 8448 section 3.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * test_record.c only reads back what our own writer produced; here the
 * records are someone else's: the protected records of RFC 8448's simple
 * 1-RTT handshake, fed to a reading endpoint keyed with the RFC's keys, must
 * come out as the RFC's plaintext with the RFC's inner content type, and
 * sealing that plaintext must give back the RFC's exact bytes.
 */
#include "shim.h"

#include <string.h>

#include "crypto/algs.h"
#include "rfc8448.h"
#include "tls/conn.h"
#include "tls/record.h"
#include "tls/traffic_keys.h"
#include "unit.h"
#include "unit_util.h"

#define MAX_REC 1024

struct vec {
    uint8_t b[MAX_REC];
    size_t len;
};

static void hex(struct vec *v, const char *h)
{
    v->len = unit_unhex(h, v->b, sizeof(v->b));
}

/* The 50 octets of application data both sides send: 00 01 .. 31. */
static void app_payload(struct vec *v)
{
    for (size_t i = 0; i < 50; i++)
        v->b[i] = (uint8_t)i;
    v->len = 50;
}

/* One direction of the trace: its keys, the records sent under them in
 * order from sequence number 0, and what each holds. */
struct direction {
    const char *name;
    const char *secret, *key, *iv;
    struct {
        const char *record;
        int type;            /* the inner content type */
        const char *payload; /* hex; NULL: the application data or the flight */
    } recs[3];
};

static const struct direction dirs[] = {
    /* The server's flight is the four messages in one record. */
    {"server handshake",
     RFC_S_HS_SECRET,
     RFC_S_HS_KEY,
     RFC_S_HS_IV,
     {{RFC_REC_S_FLIGHT, SSL3_RT_HANDSHAKE, NULL}}},
    {"client handshake",
     RFC_C_HS_SECRET,
     RFC_C_HS_KEY,
     RFC_C_HS_IV,
     {{RFC_REC_C_FIN, SSL3_RT_HANDSHAKE, RFC_CFIN}}},
    {"server application",
     RFC_S_AP_SECRET,
     RFC_S_AP_KEY,
     RFC_S_AP_IV,
     {{RFC_REC_S_NST, SSL3_RT_HANDSHAKE, RFC_NST},
      {RFC_REC_S_APP, SSL3_RT_APPLICATION_DATA, NULL},
      {RFC_REC_S_ALERT, SSL3_RT_ALERT, "0100"}}},
    {"client application",
     RFC_C_AP_SECRET,
     RFC_C_AP_KEY,
     RFC_C_AP_IV,
     {{RFC_REC_C_APP, SSL3_RT_APPLICATION_DATA, NULL}, {RFC_REC_C_ALERT, SSL3_RT_ALERT, "0100"}}},
};
#define NDIRS ((int)(sizeof(dirs) / sizeof(dirs[0])))

/* The plaintext record i of direction d should carry. */
static void expected_payload(const struct direction *d, int i, struct vec *v)
{
    if (d->recs[i].payload != NULL) {
        hex(v, d->recs[i].payload);
    } else if (d->recs[i].type == SSL3_RT_APPLICATION_DATA) {
        app_payload(v);
    } else {
        /* EncryptedExtensions || Certificate || CertificateVerify || Finished */
        struct vec part;
        const char *msgs[] = {RFC_EE, RFC_CERT, RFC_CV, RFC_SFIN};
        v->len = 0;
        for (size_t k = 0; k < 4; k++) {
            hex(&part, msgs[k]);
            memcpy(v->b + v->len, part.b, part.len);
            v->len += part.len;
        }
        ck_assert_uint_eq(v->len, 657);
    }
}

static int nrecs(const struct direction *d)
{
    int n = 0;
    while (n < 3 && d->recs[n].record != NULL)
        n++;
    return n;
}

/* A TLS 1.3 endpoint (TLS_AES_128_GCM_SHA256) over memory BIOs. */
static SSL *tls13_endpoint(BIO *rbio, BIO *wbio)
{
    SSL *s = unit_endpoint(rbio, wbio);
    struct tls_conn *c = s->conn;
    const SSL_CIPHER *ci = SSL_CIPHER_find(s, (const unsigned char[]){0x13, 0x01});

    ck_assert_ptr_nonnull(ci);
    c->version = TLS1_3_VERSION;
    c->rl.version = TLS1_3_VERSION;
    c->rl.wversion = TLS1_2_VERSION;
    ck_assert(tls13_set_suite(s, c, ci));
    return s;
}

/* Keys one direction of s: with the RFC's key and IV as they are, or
 * (from_secret) derived from the RFC's traffic secret by the key schedule. */
static void install(SSL *s, const struct direction *d, int from_secret, int write)
{
    struct tls_conn *c = s->conn;
    struct tls_rl_dir *dir = write ? &c->rl.wr : &c->rl.rd;

    if (from_secret) {
        uint8_t secret[32];
        ck_assert_uint_eq(unit_unhex(d->secret, secret, sizeof(secret)), 32);
        ck_assert(tls13_install_key(s, c, secret, write));
    } else {
        uint8_t key[16], iv[12];
        ck_assert_uint_eq(unit_unhex(d->key, key, sizeof(key)), 16);
        ck_assert_uint_eq(unit_unhex(d->iv, iv, sizeof(iv)), 12);
        ck_assert(
            tls_rl_set_key(dir, c->algs->aes128gcm, key, 16, iv, 12, 16, write, TLS_PROT_TLS13));
    }
    ck_assert_int_eq(dir->seq, 0);
}

/* Every record of each direction, read in order: its plaintext and inner
 * type exactly, and one sequence number used per record. */
START_TEST(decrypts_rfc8448_records)
{
    const struct direction *d = &dirs[_i / 2];
    int from_secret = _i % 2;
    BIO *in = unit_mem_bio();
    SSL *s = tls13_endpoint(in, NULL);
    struct tls_rl *rl = &s->conn->rl;

    install(s, d, from_secret, 0);
    for (int i = 0; i < nrecs(d); i++) {
        struct vec rec;
        hex(&rec, d->recs[i].record);
        ck_assert_uint_eq(rec.len, 5 + ((size_t)rec.b[3] << 8 | rec.b[4]));
        ck_assert_int_eq(BIO_write(in, rec.b, (int)rec.len), (int)rec.len);
    }
    for (int i = 0; i < nrecs(d); i++) {
        struct vec want;
        expected_payload(d, i, &want);
        ck_assert_msg(tls_rl_read(s, rl) == TLS_RL_OK, "%s record %d", d->name, i);
        ck_assert_int_eq(rl->rtype, d->recs[i].type);
        ck_assert_uint_eq(rl->rlen, want.len);
        ck_assert_mem_eq(rl->rdata, want.b, want.len);
        tls_rl_release_record(rl);
        ck_assert_uint_eq(rl->rd.seq, (uint64_t)i + 1);
    }
    ck_assert_int_eq(tls_rl_read(s, rl), TLS_RL_RETRY);
    ck_assert_int_eq(ERR_peek_error(), 0);
    SSL_free(s);
}
END_TEST

/* Sealing the RFC's plaintext under the RFC's key at the RFC's sequence
 * numbers (no padding) gives the RFC's records byte for byte. */
START_TEST(seals_rfc8448_records)
{
    const struct direction *d = &dirs[_i / 2];
    int from_secret = _i % 2;
    BIO *out = BIO_new(BIO_s_mem());
    SSL *s = tls13_endpoint(NULL, out);
    struct vec all = {.len = 0};
    char *p;

    install(s, d, from_secret, 1);
    for (int i = 0; i < nrecs(d); i++) {
        struct vec rec, payload;
        hex(&rec, d->recs[i].record);
        expected_payload(d, i, &payload);
        ck_assert(tls_rl_queue(s, &s->conn->rl, d->recs[i].type, payload.b, payload.len));
        ck_assert_uint_le(all.len + rec.len, sizeof(all.b));
        memcpy(all.b + all.len, rec.b, rec.len);
        all.len += rec.len;
    }
    ck_assert_int_eq(tls_rl_flush(s, &s->conn->rl), TLS_RL_OK);
    ck_assert_int_eq(BIO_get_mem_data(out, &p), (long)all.len);
    ck_assert_mem_eq(p, all.b, all.len);
    SSL_free(s);
}
END_TEST

/* The nonce depends on the sequence number (RFC 8446 5.3): a record read
 * one number too far on, or with a byte of it altered, is bad_record_mac. */
START_TEST(wrong_sequence_or_byte_is_bad_record_mac)
{
    struct vec rec;

    hex(&rec, RFC_REC_C_APP);
    for (int variant = 0; variant < 3; variant++) {
        BIO *in = unit_mem_bio(), *out = BIO_new(BIO_s_mem());
        SSL *s = tls13_endpoint(in, out);
        struct vec bad = rec;

        install(s, &dirs[3], 0, 0);
        if (variant == 0)
            s->conn->rl.rd.seq = 1;
        else
            bad.b[variant == 1 ? 5 : bad.len - 1] ^= 0x01; /* ciphertext, tag */
        ck_assert_int_eq(BIO_write(in, bad.b, (int)bad.len), (int)bad.len);
        ERR_clear_error();
        ck_assert_int_eq(tls_rl_read(s, &s->conn->rl), TLS_RL_FATAL);
        ck_assert_int_eq(unit_ssl_reason(), SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
        /* The alert goes out in the clear here: no write key is installed. */
        ck_assert_int_eq(unit_fatal_alert_written(out), SSL_AD_BAD_RECORD_MAC);
        SSL_free(s);
        ERR_clear_error();
    }
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("record_kat");
    TCase *tc = tcase_create("record_kat");
    tcase_add_loop_test(tc, decrypts_rfc8448_records, 0, 2 * NDIRS);
    tcase_add_loop_test(tc, seals_rfc8448_records, 0, 2 * NDIRS);
    tcase_add_test(tc, wrong_sequence_or_byte_is_bad_record_mac);
    suite_add_tcase(s, tc);
    return s;
}
