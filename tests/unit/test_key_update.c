/*
 * shimssl unit tests: KeyUpdate scheduling (shim/tls/appdata.c: a TLS 1.3
 * write key is replaced before 2^24 records; shim/tls/handshake13.c:
 * sending and processing KeyUpdate; shim/api/ssl_io.c: SSL_key_update).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Two established endpoints are keyed directly, with their sequence numbers
 * set just below 2^24, and application data is written across that mark and
 * read back.  The next traffic secret, the keys and the KeyUpdate record are
 * derived and decrypted here with libcrypto alone, so the engine's own key
 * schedule is not its own witness.
 */
#include "shim.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <string.h>

#include "crypto/algs.h"
#include "tls/appdata.h"
#include "tls/conn.h"
#include "tls/traffic_keys.h"
#include "unit.h"
#include "unit_util.h"

#define RECORDS_PER_KEY ((uint64_t)1 << 24) /* RFC 8446 5.5: our limit for AES-GCM */
#define FRAG            512                 /* small records: many of them cheaply */
#define MAX_RECORDS     16

static const struct shim_algs *algs(void)
{
    return shim_algs_get(unit_ctx());
}

/* An endpoint whose handshake is over (the state SSL_write and SSL_read see). */
static SSL *established(BIO *rbio, BIO *wbio, int version, int server)
{
    SSL *s = unit_endpoint(rbio, wbio);
    struct tls_conn *c = s->conn;

    s->server = server;
    s->version = version;
    c->version = version;
    c->state = TLS_ST_OK;
    c->in_init = 0;
    c->before = 0;
    c->rl.version = version;
    c->rl.wversion = TLS1_2_VERSION; /* TLS 1.3 records say TLS 1.2 */
    s->cfg.max_send_fragment = FRAG;
    return s;
}

/* The records sitting in a memory BIO (not consumed): outer type and length. */
static size_t list_records(BIO *b, int *types, size_t *lens)
{
    char *p;
    long n = BIO_get_mem_data(b, &p);
    const uint8_t *u = (const uint8_t *)p;
    size_t count = 0;

    for (long off = 0; off < n; count++) {
        ck_assert_int_ge(n - off, 5);
        ck_assert_uint_lt(count, MAX_RECORDS);
        types[count] = u[off];
        lens[count] = (size_t)u[off + 3] << 8 | u[off + 4];
        /* Every record says TLS 1.2 (RFC 8446 5.1 legacy_record_version). */
        ck_assert_int_eq(u[off + 1] << 8 | u[off + 2], TLS1_2_VERSION);
        off += 5 + (long)lens[count];
        ck_assert_int_le(off, n);
    }
    return count;
}

/* Moves everything the writer wrote to the reader's input. */
static void deliver(BIO *from, BIO *to)
{
    char buf[4096];
    int n;
    while ((n = BIO_read(from, buf, sizeof(buf))) > 0)
        ck_assert_int_eq(BIO_write(to, buf, n), n);
}

static void pattern(uint8_t *p, size_t n, uint8_t tag)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(tag + i * 5 + (i >> 9));
}

/* Reads exactly len bytes of application data (KeyUpdates in between are
 * the engine's business). */
static void read_all(SSL *s, uint8_t *out, size_t len)
{
    size_t got = 0;
    for (int calls = 0; got < len; calls++) {
        size_t n = 0;
        ck_assert_int_lt(calls, 4 * MAX_RECORDS);
        ck_assert_int_eq(tls_read_app(s, out + got, len - got, &n, 0), 1);
        got += n;
    }
    ck_assert_uint_eq(got, len);
}

/* ----------------------------------------------------------------- TLS 1.2 */

static void key12(struct tls_rl_dir *d, int aead, int write)
{
    static const uint8_t key[32] = {0x12, 0x34}, iv[12] = {0x56, 0x78, 0x9a};
    if (aead == 0)
        ck_assert(tls_rl_set_key(d, algs()->aes128gcm, key, 16, iv, 4, 16, write,
                                 TLS_PROT_AEAD_EXPLICIT));
    else
        ck_assert(tls_rl_set_key(d, algs()->chacha20poly1305, key, 32, iv, 12, 16, write,
                                 TLS_PROT_AEAD_XOR));
}

/*
 * TLS 1.2 has no KeyUpdate: its records go on past 2^24 under the same key.
 * (Before the fix a TLS 1.2 connection scheduled one at its 2^24th record and
 * failed: "message digest is null", internal_error.)
 */
START_TEST(tls12_writes_past_2_24_records)
{
    BIO *wire = BIO_new(BIO_s_mem()), *in = unit_mem_bio();
    SSL *w = established(NULL, wire, TLS1_2_VERSION, 0);
    SSL *r = established(in, NULL, TLS1_2_VERSION, 1);
    uint8_t data[5 * FRAG - 100], got[sizeof(data)];
    int types[MAX_RECORDS];
    size_t lens[MAX_RECORDS], written = 0;

    key12(&w->conn->rl.wr, _i, 1);
    key12(&r->conn->rl.rd, _i, 0);
    w->conn->rl.wr.seq = RECORDS_PER_KEY - 2;
    r->conn->rl.rd.seq = RECORDS_PER_KEY - 2;
    pattern(data, sizeof(data), 1);

    ck_assert_int_eq(tls_write_app(w, data, sizeof(data), &written), 1);
    ck_assert_uint_eq(written, sizeof(data));
    ck_assert_int_eq(w->conn->failed, 0);
    ck_assert_int_eq(w->conn->key_update, SSL_KEY_UPDATE_NONE);
    ck_assert_uint_eq(w->conn->rl.wr.seq, RECORDS_PER_KEY + 3);
    /* Five application-data records and nothing else. */
    ck_assert_uint_eq(list_records(wire, types, lens), 5);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(types[i], SSL3_RT_APPLICATION_DATA);

    deliver(wire, in);
    read_all(r, got, sizeof(got));
    ck_assert_mem_eq(got, data, sizeof(data));
    ck_assert_uint_eq(r->conn->rl.rd.seq, RECORDS_PER_KEY + 3);
    ck_assert_int_eq(r->conn->failed, 0);
    SSL_free(w);
    SSL_free(r);
    ERR_clear_error();
}
END_TEST

/* ----------------------------------------------------------------- TLS 1.3 */

/* HKDF-Expand-Label(secret, label, "", len) over SHA-256 (RFC 8446 7.1),
 * with the HkdfLabel built here byte by byte. */
static void expand_label(const uint8_t *secret, const char *label, uint8_t *out, size_t len)
{
    uint8_t info[2 + 1 + 255 + 1];
    size_t n = 0, ll = strlen(label);
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
    OSSL_PARAM params[5];

    info[n++] = (uint8_t)(len >> 8);
    info[n++] = (uint8_t)len;
    info[n++] = (uint8_t)(6 + ll);
    memcpy(info + n, "tls13 ", 6);
    memcpy(info + n + 6, label, ll);
    n += 6 + ll;
    info[n++] = 0; /* empty context */
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
    params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, 32);
    params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
    params[4] = OSSL_PARAM_construct_end();
    ck_assert_ptr_nonnull(kctx);
    ck_assert_int_eq(EVP_KDF_derive(kctx, out, len, params), 1);
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
}

/* Opens one TLS 1.3 AES-128-GCM record (header at rec) with the keys of
 * secret, as sequence number seq: the inner plaintext, content type last. */
static size_t open13(const uint8_t *secret, uint64_t seq, const uint8_t *rec, uint8_t *out)
{
    uint8_t key[16], iv[12];
    size_t len = (size_t)rec[3] << 8 | rec[4];
    int n = 0, m = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

    expand_label(secret, "key", key, 16);
    expand_label(secret, "iv", iv, 12);
    for (int i = 0; i < 8; i++)
        iv[11 - i] ^= (uint8_t)(seq >> (8 * i));
    ck_assert_uint_gt(len, 16);
    ck_assert(EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, iv));
    ck_assert(EVP_DecryptUpdate(ctx, NULL, &n, rec, 5));
    ck_assert(EVP_DecryptUpdate(ctx, out, &n, rec + 5, (int)len - 16));
    ck_assert(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)(rec + 5 + len - 16)));
    ck_assert_msg(EVP_DecryptFinal_ex(ctx, out + n, &m) == 1, "record does not open");
    EVP_CIPHER_CTX_free(ctx);
    return (size_t)(n + m);
}

static const uint8_t *secret0(void)
{
    static uint8_t s[32];
    pattern(s, sizeof(s), 0x90);
    return s;
}

/* TLS_AES_128_GCM_SHA256 as the handshake would have set it, and one
 * direction keyed from secret. */
static void suite13(SSL *s, const uint8_t *client_ap, const uint8_t *server_ap)
{
    struct tls_conn *c = s->conn;
    const SSL_CIPHER *ci = SSL_CIPHER_find(s, (const unsigned char[]){0x13, 0x01});

    ck_assert_ptr_nonnull(ci);
    ck_assert(tls13_set_suite(s, c, ci));
    ck_assert_ptr_eq(c->aead, algs()->aes128gcm);
    ck_assert_ptr_eq(c->md, algs()->sha256);
    ck_assert_uint_eq(c->hash_len, 32);
    ck_assert_uint_eq(c->key_len, 16);
    ck_assert_uint_eq(c->tag_len, 16);
    memcpy(c->client_ap, client_ap, 32);
    memcpy(c->server_ap, server_ap, 32);
    /* A client writes with the client's secret, a server reads with it. */
    ck_assert(tls13_install_key(s, c, s->server ? c->server_ap : c->client_ap, 1));
    ck_assert(tls13_install_key(s, c, s->server ? c->client_ap : c->server_ap, 0));
}

/*
 * Writing across 2^24 records: the record that would be the 2^24th under the
 * key is a KeyUpdate (update_not_requested) instead, still under the old key;
 * the data goes on under the next key from sequence number 0; the reader
 * follows and ends with the same next secret.
 */
START_TEST(tls13_key_update_at_2_24_records)
{
    BIO *wire = BIO_new(BIO_s_mem()), *in = unit_mem_bio();
    SSL *w = established(NULL, wire, TLS1_3_VERSION, 0);
    SSL *r = established(in, NULL, TLS1_3_VERSION, 1);
    uint8_t server_ap[32], next[32], data[4 * FRAG], got[sizeof(data)], plain[64];
    int types[MAX_RECORDS];
    size_t lens[MAX_RECORDS], written = 0, off = 0;
    const uint8_t *wire_bytes;
    char *p;

    pattern(server_ap, sizeof(server_ap), 0x33);
    suite13(w, secret0(), server_ap);
    suite13(r, secret0(), server_ap);
    w->conn->rl.wr.seq = RECORDS_PER_KEY - 2;
    r->conn->rl.rd.seq = RECORDS_PER_KEY - 2;
    expand_label(secret0(), "traffic upd", next, 32);
    pattern(data, sizeof(data), 7);

    ck_assert_int_eq(tls_write_app(w, data, sizeof(data), &written), 1);
    ck_assert_uint_eq(written, sizeof(data));
    ck_assert_int_eq(w->conn->failed, 0);
    ck_assert_int_eq(w->conn->key_update, SSL_KEY_UPDATE_NONE);
    ck_assert_mem_eq(w->conn->client_ap, next, 32);
    ck_assert_mem_eq(w->conn->server_ap, server_ap, 32); /* ours only */
    ck_assert_uint_eq(w->conn->rl.wr.seq, 2);

    /* data, data, KeyUpdate, data, data: the third record is
     * 18 00 00 01 00 (KeyUpdate, update_not_requested) + type 22 + tag. */
    ck_assert_uint_eq(list_records(wire, types, lens), 5);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(types[i], SSL3_RT_APPLICATION_DATA);
        ck_assert_uint_eq(lens[i], i == 2 ? 5 + 1 + 16 : FRAG + 1 + 16);
    }
    BIO_get_mem_data(wire, &p);
    wire_bytes = (const uint8_t *)p;
    for (int i = 0; i < 5; i++) {
        /* Each record opens under the key and sequence number it should. */
        size_t n = open13(i < 3 ? secret0() : next,
                          i < 3 ? RECORDS_PER_KEY - 2 + (uint64_t)i : (uint64_t)(i - 3),
                          wire_bytes + off, i == 2 ? plain : got);
        if (i == 2) {
            ck_assert_uint_eq(n, 6);
            ck_assert_mem_eq(plain,
                             ((const uint8_t[]){SSL3_MT_KEY_UPDATE, 0, 0, 1,
                                                SSL_KEY_UPDATE_NOT_REQUESTED, SSL3_RT_HANDSHAKE}),
                             6);
        } else {
            ck_assert_uint_eq(n, FRAG + 1);
            ck_assert_int_eq(got[FRAG], SSL3_RT_APPLICATION_DATA);
            ck_assert_mem_eq(got, data + FRAG * (size_t)(i < 2 ? i : i - 1), FRAG);
        }
        off += 5 + lens[i];
    }

    deliver(wire, in);
    memset(got, 0, sizeof(got));
    read_all(r, got, sizeof(got));
    ck_assert_mem_eq(got, data, sizeof(data));
    ck_assert_int_eq(r->conn->failed, 0);
    ck_assert_mem_eq(r->conn->client_ap, next, 32);
    ck_assert_mem_eq(r->conn->server_ap, server_ap, 32);
    ck_assert_uint_eq(r->conn->rl.rd.seq, 2);
    /* update_not_requested: nothing owed in answer. */
    ck_assert_int_eq(r->conn->key_update, SSL_KEY_UPDATE_NONE);
    SSL_free(w);
    SSL_free(r);
    ERR_clear_error();
}
END_TEST

/*
 * SSL_key_update(update_requested): sent with the next write (before the
 * data), the peer answers with update_not_requested before its own next
 * data, and each side's two secrets end up advanced once (RFC 8446 4.6.3).
 */
START_TEST(tls13_requested_update_is_answered)
{
    BIO *c2s = BIO_new(BIO_s_mem()), *s_in = unit_mem_bio();
    BIO *s2c = BIO_new(BIO_s_mem()), *c_in = unit_mem_bio();
    SSL *cl = established(c_in, c2s, TLS1_3_VERSION, 0);
    SSL *sv = established(s_in, s2c, TLS1_3_VERSION, 1);
    uint8_t server_ap[32], next_c[32], next_s[32], data[100], got[100];
    int types[MAX_RECORDS];
    size_t lens[MAX_RECORDS], written;

    pattern(server_ap, sizeof(server_ap), 0x44);
    suite13(cl, secret0(), server_ap);
    suite13(sv, secret0(), server_ap);
    expand_label(secret0(), "traffic upd", next_c, 32);
    expand_label(server_ap, "traffic upd", next_s, 32);
    pattern(data, sizeof(data), 9);

    ck_assert_int_eq(SSL_key_update(cl, SSL_KEY_UPDATE_REQUESTED), 1);
    ck_assert_int_eq(SSL_get_key_update_type(cl), SSL_KEY_UPDATE_REQUESTED);
    ck_assert_int_eq(tls_write_app(cl, data, sizeof(data), &written), 1);
    ck_assert_int_eq(SSL_get_key_update_type(cl), SSL_KEY_UPDATE_NONE);
    ck_assert_int_eq(SSL_in_init(cl), 0);
    ck_assert_uint_eq(list_records(c2s, types, lens), 2);
    ck_assert_uint_eq(lens[0], 5 + 1 + 16);
    ck_assert_mem_eq(cl->conn->client_ap, next_c, 32);

    deliver(c2s, s_in);
    read_all(sv, got, sizeof(got));
    ck_assert_mem_eq(got, data, sizeof(data));
    ck_assert_mem_eq(sv->conn->client_ap, next_c, 32);
    /* The answer is owed, and waits for the server's next write. */
    ck_assert_int_eq(sv->conn->key_update, SSL_KEY_UPDATE_NOT_REQUESTED);
    ck_assert_mem_eq(sv->conn->server_ap, server_ap, 32);
    ck_assert_int_eq(BIO_pending(s2c), 0);

    ck_assert_int_eq(tls_write_app(sv, data, sizeof(data), &written), 1);
    ck_assert_uint_eq(list_records(s2c, types, lens), 2);
    ck_assert_uint_eq(lens[0], 5 + 1 + 16);
    ck_assert_mem_eq(sv->conn->server_ap, next_s, 32);
    ck_assert_int_eq(sv->conn->key_update, SSL_KEY_UPDATE_NONE);

    deliver(s2c, c_in);
    memset(got, 0, sizeof(got));
    read_all(cl, got, sizeof(got));
    ck_assert_mem_eq(got, data, sizeof(data));
    ck_assert_mem_eq(cl->conn->server_ap, next_s, 32);
    /* An update_not_requested is not answered: no ping-pong. */
    ck_assert_int_eq(cl->conn->key_update, SSL_KEY_UPDATE_NONE);
    SSL_free(cl);
    SSL_free(sv);
    ERR_clear_error();
}
END_TEST

/* A KeyUpdate the reader must refuse, sent under the current key as one
 * record: the reason stock gives. */
START_TEST(bad_key_update_refused)
{
    static const struct {
        uint8_t msg[10];
        size_t len;
        int reason;
    } cases[] = {
        /* request_update 2 is neither value of KeyUpdateRequest */
        {{SSL3_MT_KEY_UPDATE, 0, 0, 1, 2}, 5, SSL_R_BAD_KEY_UPDATE},
        /* a KeyUpdate must end its record (RFC 8446 5.1) */
        {{SSL3_MT_KEY_UPDATE, 0, 0, 1, 0, SSL3_MT_KEY_UPDATE, 0, 0, 1, 0},
         10,
         SSL_R_NOT_ON_RECORD_BOUNDARY},
    };
    BIO *wire = BIO_new(BIO_s_mem()), *in = unit_mem_bio();
    SSL *w = established(NULL, wire, TLS1_3_VERSION, 0);
    SSL *r = established(in, BIO_new(BIO_s_mem()), TLS1_3_VERSION, 1);
    uint8_t server_ap[32], buf[16];
    size_t n;

    pattern(server_ap, sizeof(server_ap), 0x55);
    suite13(w, secret0(), server_ap);
    suite13(r, secret0(), server_ap);
    ck_assert(tls_rl_queue(w, &w->conn->rl, SSL3_RT_HANDSHAKE, cases[_i].msg, cases[_i].len));
    ck_assert_int_eq(tls_rl_flush(w, &w->conn->rl), TLS_RL_OK);
    deliver(wire, in);
    ERR_clear_error();
    ck_assert_int_eq(tls_read_app(r, buf, sizeof(buf), &n, 0), -1);
    ck_assert_int_eq(unit_ssl_reason(), cases[_i].reason);
    ck_assert_int_eq(r->conn->failed, 1);
    /* The key was not changed. */
    ck_assert_mem_eq(r->conn->client_ap, secret0(), 32);
    SSL_free(w);
    SSL_free(r);
    ERR_clear_error();
}
END_TEST

/* ------------------------------------------------------------ SSL_key_update */

/* Stock's order of checks: the version, the type, the handshake state, a
 * write still pending; nothing is scheduled when one fails. */
START_TEST(ssl_key_update_checks)
{
    SSL *fresh = SSL_new(unit_ctx());
    SSL *s12 = established(NULL, BIO_new(BIO_s_mem()), TLS1_2_VERSION, 0);
    SSL *s13 = established(NULL, BIO_new(BIO_s_mem()), TLS1_3_VERSION, 0);
    static const int bad_types[] = {-1, SSL_KEY_UPDATE_NONE, 2, 99};

    ERR_clear_error();
    ck_assert_int_eq(SSL_key_update(fresh, SSL_KEY_UPDATE_NOT_REQUESTED), 0);
    ck_assert_int_eq(unit_ssl_reason(), SSL_R_WRONG_SSL_VERSION);
    ERR_clear_error();
    /* TLS 1.2: the version is checked before the type. */
    ck_assert_int_eq(SSL_key_update(s12, SSL_KEY_UPDATE_REQUESTED), 0);
    ck_assert_int_eq(unit_ssl_reason(), SSL_R_WRONG_SSL_VERSION);
    ERR_clear_error();
    ck_assert_int_eq(SSL_key_update(s12, 7), 0);
    ck_assert_int_eq(unit_ssl_reason(), SSL_R_WRONG_SSL_VERSION);
    ERR_clear_error();
    ck_assert_int_eq(SSL_get_key_update_type(s12), SSL_KEY_UPDATE_NONE);

    for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
        ck_assert_int_eq(SSL_key_update(s13, bad_types[i]), 0);
        ck_assert_int_eq(unit_ssl_reason(), SSL_R_INVALID_KEY_UPDATE_TYPE);
        ERR_clear_error();
        ck_assert_int_eq(SSL_get_key_update_type(s13), SSL_KEY_UPDATE_NONE);
    }
    /* Still in a handshake. */
    s13->conn->in_init = 1;
    ck_assert_int_eq(SSL_key_update(s13, SSL_KEY_UPDATE_NOT_REQUESTED), 0);
    ck_assert_int_eq(unit_ssl_reason(), SSL_R_STILL_IN_INIT);
    ERR_clear_error();
    s13->conn->in_init = 0;
    /* A write still to be retried. */
    s13->conn->rl.w_pos = 0;
    s13->conn->rl.w_end = 1;
    ck_assert_int_eq(SSL_key_update(s13, SSL_KEY_UPDATE_NOT_REQUESTED), 0);
    ck_assert_int_eq(unit_ssl_reason(), SSL_R_BAD_WRITE_RETRY);
    ERR_clear_error();
    s13->conn->rl.w_end = 0;
    ck_assert_int_eq(SSL_get_key_update_type(s13), SSL_KEY_UPDATE_NONE);
    /* Accepted: scheduled, and the connection counts as in a handshake until
     * it is sent. */
    ck_assert_int_eq(SSL_key_update(s13, SSL_KEY_UPDATE_NOT_REQUESTED), 1);
    ck_assert_int_eq(SSL_get_key_update_type(s13), SSL_KEY_UPDATE_NOT_REQUESTED);
    ck_assert_int_eq(SSL_in_init(s13), 1);
    ck_assert_int_eq(ERR_peek_error(), 0);
    SSL_free(fresh);
    SSL_free(s12);
    SSL_free(s13);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("key_update");
    TCase *tc = tcase_create("key_update");
    tcase_add_loop_test(tc, tls12_writes_past_2_24_records, 0, 2);
    tcase_add_test(tc, tls13_key_update_at_2_24_records);
    tcase_add_test(tc, tls13_requested_update_is_answered);
    tcase_add_loop_test(tc, bad_key_update_refused, 0, 2);
    tcase_add_test(tc, ssl_key_update_checks);
    suite_add_tcase(s, tc);
    return s;
}
