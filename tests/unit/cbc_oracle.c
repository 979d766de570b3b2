/*
 * shimssl unit tests: MAC-then-encrypt CBC records damaged by class (see
 * cbc_oracle.h).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/evp.h>
#include <string.h>
#include <time.h>

#include "cbc_oracle.h"
#include "crypto/algs.h"
#include "crypto/cbc.h"
#include "tls/conn.h"
#include "tls/record.h"

static const uint8_t enc_key[32] = {1, 2, 3}, mac_key[48] = {7, 8, 9};

const char *cbc_oracle_name(enum cbc_class k)
{
    static const char *const names[CBC_CLASSES] = {"good",
                                                   "bad MAC",
                                                   "bad MAC, long padding",
                                                   "bad padding",
                                                   "padding length 255",
                                                   "bad padding and MAC"};
    return k < CBC_CLASSES ? names[k] : "?";
}

/* The record body (RFC 5246 6.2.3.2, TLS 1.2): IV || E(content || MAC ||
 * padding), sequence number 0, application data. */
static void build(enum cbc_class k, uint8_t *body)
{
    uint8_t plain[CBC_ORACLE_RECORD_LEN], mac_in[13 + CBC_ORACLE_RECORD_LEN], mac[48];
    size_t pad = k == CBC_BAD_MAC_LONG ? 256 : 8;
    size_t content = CBC_ORACLE_RECORD_LEN - 16 - 48 - pad, maclen = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n1 = 0, n2 = 0;

    memset(plain, 'A', content);
    memset(mac_in, 0, 8);
    mac_in[8] = SSL3_RT_APPLICATION_DATA, mac_in[9] = 3, mac_in[10] = 3;
    mac_in[11] = (uint8_t)(content >> 8), mac_in[12] = (uint8_t)content;
    memcpy(mac_in + 13, plain, content);
    if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA384", NULL, mac_key, sizeof(mac_key), mac_in,
                   13 + content, mac, sizeof(mac), &maclen))
        abort();
    memcpy(plain + content, mac, 48);
    memset(plain + content + 48, (int)(pad - 1), pad);
    switch (k) {
    case CBC_BAD_MAC:
    case CBC_BAD_MAC_LONG:
        plain[content + 10] ^= 0x01;
        break;
    case CBC_BAD_PADDING:
        plain[content + 48] ^= 0x01;
        break;
    case CBC_PADDING_HUGE:
        plain[CBC_ORACLE_RECORD_LEN - 16 - 1] = 0xff;
        break;
    case CBC_BAD_BOTH:
        plain[content + 10] ^= 0x01;
        plain[content + 48] ^= 0x01;
        break;
    default:
        break;
    }
    memset(body, 0x33, 16); /* the explicit IV */
    if (ctx == NULL || !EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, enc_key, body) ||
        !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
        !EVP_EncryptUpdate(ctx, body + 16, &n1, plain, CBC_ORACLE_RECORD_LEN - 16) ||
        !EVP_EncryptFinal_ex(ctx, body + 16 + n1, &n2) || n1 + n2 != CBC_ORACLE_RECORD_LEN - 16)
        abort();
    EVP_CIPHER_CTX_free(ctx);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cbc_oracle_read(enum cbc_class k, struct cbc_oracle_result *out)
{
    static SSL_CTX *ctx;
    uint8_t rec[5 + CBC_ORACLE_RECORD_LEN];
    BIO *r, *w = BIO_new(BIO_s_mem());
    struct tls_cbc cbc;
    unsigned long e;
    char *written;
    uint64_t t0;
    SSL *s;

    memset(out, 0, sizeof(*out));
    if (ctx == NULL && (ctx = SSL_CTX_new(TLS_method())) == NULL)
        abort();
    rec[0] = SSL3_RT_APPLICATION_DATA, rec[1] = 3, rec[2] = 3;
    rec[3] = CBC_ORACLE_RECORD_LEN >> 8, rec[4] = CBC_ORACLE_RECORD_LEN & 0xff;
    build(k, rec + 5);
    r = BIO_new_mem_buf(rec, sizeof(rec));
    if ((s = SSL_new(ctx)) == NULL || r == NULL || w == NULL || tls_conn_get(s) == NULL)
        abort();
    s->rbio = r;
    s->wbio = w;
    s->conn->rl.version = s->conn->version = TLS1_2_VERSION;
    s->conn->rl.wversion = TLS1_2_VERSION;
    if (!tls_cbc_init(&cbc, shim_algs_get(ctx), shim_algs_get(ctx)->aes256cbc,
                      shim_algs_get(ctx)->sha384, 0, TLS1_2_VERSION, 0, enc_key, enc_key, mac_key))
        abort();
    tls_rl_set_cbc(&s->conn->rl.rd, &cbc, 0);
    ERR_clear_error();
    t0 = now_ns();
    out->ok = tls_rl_read(s, &s->conn->rl) == TLS_RL_OK;
    out->nanoseconds = now_ns() - t0;
    if (out->ok)
        out->content_len = s->conn->rl.rlen;
    while ((e = ERR_get_error()) != 0)
        if (out->num_errors < 8)
            out->errors[out->num_errors++] = e;
    out->alert_len = (size_t)BIO_get_mem_data(w, &written);
    if (out->alert_len > sizeof(out->alert))
        out->alert_len = sizeof(out->alert);
    if (out->alert_len > 0)
        memcpy(out->alert, written, out->alert_len);
    s->rbio = s->wbio = NULL;
    BIO_free(r);
    BIO_free(w);
    SSL_free(s);
}
