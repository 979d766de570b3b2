/*
 * shimssl unit tests: SSL_SESSION to DER (shim/tls/session_der.c), written
 * by hand, held byte for byte to stock libssl's encoder.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The witness is the system's libssl.so.3 itself, opened next to the
 * libcrypto this test runs on: stock reads our encoding (d2i_SSL_SESSION)
 * and writes it again (i2d_SSL_SESSION); DER being canonical, stock's bytes
 * must equal ours.  Our own decoder must read them back too.  The sessions
 * cover every field, absent and present, lengths in each of DER's length
 * forms, and integers at their sign boundaries.
 */
#define _GNU_SOURCE
#include "shim.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string.h>

#include "tls/cipher_suites.h"
#include "tls/session.h"
#include "unit.h"

typedef void *(*d2i_fn)(void **, const unsigned char **, long);
typedef int (*i2d_fn)(const void *, unsigned char **);
typedef void (*free_fn)(void *);

static struct {
    d2i_fn d2i;
    i2d_fn i2d;
    free_fn free;
} stock;

/* The system's libssl.so.3: the directory libcrypto was loaded from. */
static void open_stock(void)
{
    Dl_info info;
    char path[4096];
    const char *slash;
    void *h;

    if (stock.d2i != NULL)
        return;
    ck_assert(dladdr((void *)EVP_MD_fetch, &info) != 0 && info.dli_fname != NULL);
    slash = strrchr(info.dli_fname, '/');
    ck_assert(slash != NULL);
    snprintf(path, sizeof(path), "%.*s/libssl.so.3", (int)(slash - info.dli_fname), info.dli_fname);
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(h != NULL, "stock libssl: %s", dlerror());
    stock.d2i = (d2i_fn)dlsym(h, "d2i_SSL_SESSION");
    stock.i2d = (i2d_fn)dlsym(h, "i2d_SSL_SESSION");
    stock.free = (free_fn)dlsym(h, "SSL_SESSION_free");
    ck_assert(stock.d2i != NULL && stock.i2d != NULL && stock.free != NULL);
}

/* A self-signed P-256 certificate (the peer field). */
static X509 *make_cert(void)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();

    ck_assert(key != NULL && x != NULL);
    ck_assert(X509_set_version(x, X509_VERSION_3));
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"session.test", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    ck_assert(X509_set_pubkey(x, key));
    ck_assert(X509_sign(x, key, EVP_sha256()) > 0);
    EVP_PKEY_free(key);
    return x;
}

static uint8_t *bytes(size_t len, int seed)
{
    uint8_t *b = OPENSSL_malloc(len > 0 ? len : 1);

    ck_assert(b != NULL);
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)(seed + 7 * i);
    return b;
}

/* Session `which`: each case sets a different mix of fields. */
static SSL_SESSION *make_session(int which)
{
    SSL_SESSION *ss = tls_session_create();
    int all = which >= 2;

    ck_assert(ss != NULL);
    ss->ssl_version = which == 1 ? TLS1_2_VERSION : TLS1_3_VERSION;
    ss->cipher = shim_cipher_by_id(which == 1 ? 0x0300C02F : 0x03001302);
    ck_assert(ss->cipher != NULL);
    ss->master_key_length = which == 1 ? 48 : 48 + (size_t)(which % 3) * 8;
    memset(ss->master_key, 0x40 + which, ss->master_key_length);
    ss->session_id_length = which == 0 ? 0 : 32;
    memset(ss->session_id, 0x20 + which, ss->session_id_length);
    /* integers at the edges of their encodings: 0x7f / 0x80 / 0xff00 ... */
    static const int64_t times[] = {1, 0x7f, 0x80, 0xff, 0x8000, 1700000000, 0x7fffffffLL + 1, -1};
    static const long timeouts[] = {7200, 0x80, 1, 0x7fffffff, 300, 86400, 0x800000, 0x7f};
    static const long verify[] = {0, 20, -1, 0x80, 0, 0x7fffffff, -129, 0};
    static const unsigned long hints[] = {0, 7200, 0x80, 0xffffffffUL, 0, 1, 0x8000, 0};
    static const uint32_t age_add[] = {0, 0x80000000u, 1, 0xffffffffu, 0x7f, 0, 0xdeadbeef, 2};
    static const size_t ticket_len[] = {0, 0x7f, 0x80, 0xff, 0x100, 0x10000, 200, 1};
    int i = which % 8;
    ss->time = (time_t)times[i];
    ss->timeout = timeouts[i];
    ss->verify_result = verify[i];
    ss->sid_ctx_length = which == 1 ? 0 : (size_t)which + 1;
    memset(ss->sid_ctx, 0x60 + which, ss->sid_ctx_length);
    ss->ticket_lifetime_hint = hints[i];
    ss->ticket_age_add = age_add[i];
    if (which != 0) {
        ss->ticket = bytes(ticket_len[i], which);
        ss->ticket_len = ticket_len[i];
    }
    if (all) {
        ss->peer = make_cert();
        ss->hostname = OPENSSL_strdup(which == 3 ? "" : "www.example.com");
        ss->alpn_selected = bytes(2, 'h');
        ss->alpn_selected_len = which == 4 ? 0 : 2;
        ss->ticket_appdata = bytes(which * 40, which);
        ss->ticket_appdata_len = (size_t)which * 40;
        ss->max_early_data = which == 5 ? 0x4000 : 0;
        ss->max_fragment_len_mode = (uint8_t)(which == 6 ? 2 : 0);
        ss->flags = which == 7 ? 1 : 0;
        ss->kex_group = (uint16_t)(which == 7 ? 0x001d : 0x0017);
    }
    return ss;
}

START_TEST(equals_stock)
{
    SSL_SESSION *ss, *back;
    unsigned char *ours = NULL, *theirs = NULL, *again = NULL, buf[1 << 17], *wp = buf;
    const unsigned char *p;
    void *st;
    int n, m;

    open_stock();
    ss = make_session(_i);
    n = tls_session_to_der(ss, NULL);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(tls_session_to_der(ss, &ours), n);
    ck_assert_int_lt(n, (int)sizeof(buf));
    /* into the caller's buffer, which then moves on */
    ck_assert_int_eq(tls_session_to_der(ss, &wp), n);
    ck_assert_ptr_eq(wp, buf + n);
    ck_assert_mem_eq(buf, ours, (size_t)n);

    p = ours;
    st = stock.d2i(NULL, &p, n);
    ck_assert_msg(st != NULL, "stock could not read session %d", _i);
    ck_assert_ptr_eq(p, ours + n);
    m = stock.i2d(st, &theirs);
    ck_assert_int_eq(m, n);
    ck_assert_mem_eq(theirs, ours, (size_t)n);

    p = theirs;
    back = tls_session_from_der(NULL, &p, m);
    ck_assert(back != NULL);
    ck_assert_int_eq(tls_session_to_der(back, &again), n);
    ck_assert_mem_eq(again, ours, (size_t)n);

    stock.free(st);
    OPENSSL_free(ours);
    OPENSSL_free(theirs);
    OPENSSL_free(again);
    tls_session_free(back);
    tls_session_free(ss);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("session_der");
    TCase *tc = tcase_create("session_der");
    tcase_add_loop_test(tc, equals_stock, 0, 8);
    suite_add_tcase(s, tc);
    return s;
}
