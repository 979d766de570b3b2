/*
 * shimssl - wire helpers for the differential programs that play a TLS
 * peer (see diff_wire.h).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "diff_wire.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what)
{
    fprintf(stderr, "diff_wire: %s\n", what);
    abort();
}

/* ------------------------------------------------------------ building */

void put(struct buf *o, const void *p, size_t n)
{
    if (n == 0) /* p may be NULL then, which memcpy does not allow */
        return;
    if (n > sizeof(o->b) - o->n)
        die("a message outgrew its buffer");
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

void put_u8(struct buf *o, unsigned v)
{
    unsigned char c = (unsigned char)v;
    put(o, &c, 1);
}

void put_u16(struct buf *o, unsigned v)
{
    put_u8(o, v >> 8);
    put_u8(o, v);
}

void put_u24(struct buf *o, size_t v)
{
    put_u8(o, (unsigned)(v >> 16));
    put_u16(o, (unsigned)v & 0xffff);
}

void message(struct buf *o, unsigned type, const struct buf *body)
{
    put_u8(o, type);
    put_u24(o, body->n);
    put(o, body->b, body->n);
}

void wire_record(struct buf *o, unsigned type, unsigned version, const unsigned char *p, size_t len)
{
    put_u8(o, type);
    put_u16(o, version);
    put_u16(o, (unsigned)len);
    put(o, p, len);
}

unsigned u16_at(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

size_t u24_at(const unsigned char *p)
{
    return (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
}

/* ------------------------------------------------------------- reading */

void rd_init(struct rd *r, const unsigned char *p, size_t n)
{
    r->p = p;
    r->n = n;
    r->bad = 0;
}

const unsigned char *rd_bytes(struct rd *r, size_t n)
{
    const unsigned char *p = r->p;
    if (r->bad || n > r->n) {
        r->bad = 1;
        return NULL;
    }
    r->p += n;
    r->n -= n;
    return p;
}

unsigned rd_u8(struct rd *r)
{
    const unsigned char *p = rd_bytes(r, 1);
    return p != NULL ? p[0] : 0;
}

unsigned rd_u16(struct rd *r)
{
    const unsigned char *p = rd_bytes(r, 2);
    return p != NULL ? u16_at(p) : 0;
}

size_t rd_u24(struct rd *r)
{
    const unsigned char *p = rd_bytes(r, 3);
    return p != NULL ? u24_at(p) : 0;
}

int rd_vec(struct rd *r, int len_bytes, struct rd *sub)
{
    size_t len = len_bytes == 1 ? rd_u8(r) : len_bytes == 2 ? rd_u16(r) : rd_u24(r);
    const unsigned char *p = rd_bytes(r, len);

    rd_init(sub, p, p != NULL ? len : 0);
    sub->bad = p == NULL;
    return p != NULL;
}

/* ------------------------------------------------------------- damaging */

size_t wire_emit(struct buf *out, const struct buf *m, const struct damage *d)
{
    size_t body = m->n - 4, split = SIZE_MAX;

    switch (d != NULL ? d->kind : INTACT) {
    case CUT:
        put_u8(out, m->b[0]);
        put_u24(out, d->at);
        put(out, m->b + 4, d->at);
        break;
    case LONGER:
        put_u8(out, m->b[0]);
        put_u24(out, body + 1);
        put(out, m->b + 4, body);
        put_u8(out, 0);
        break;
    case HUGE:
        put_u8(out, m->b[0]);
        put_u24(out, 0xffffff);
        put(out, m->b + 4, body);
        break;
    case FLIP:
        put(out, m->b, m->n);
        out->b[out->n - body + d->at] ^= d->mask;
        break;
    case REPLACE:
        put_u8(out, d->type);
        put_u24(out, d->claim);
        for (size_t i = 0; i < d->at; i++)
            put_u8(out, 0);
        break;
    case HELLO_REQ:
        put_u8(out, 0);
        put_u24(out, 0);
        put(out, m->b, m->n);
        break;
    case SPLIT:
        split = out->n + d->at;
        put(out, m->b, m->n);
        break;
    case INTACT:
    default:
        put(out, m->b, m->n);
        break;
    }
    return split;
}

void wire_sweep(void *arg, wire_run_fn run, int count, int first, int last, int flip)
{
    static const unsigned char masks[] = {0x01, 0xff};
    char label[128];

    if (last < 0 || last > count - 1)
        last = count - 1;
    for (int m = first; m <= last; m++) {
        struct damage d = {.kind = LONGER};
        int body = run(arg, m, &d, NULL); /* measures the body */
        if (flip) {
            /* Each body byte with its low bit, then all its bits, inverted. */
            for (int at = 0; at < body; at++) {
                for (size_t i = 0; i < sizeof(masks); i++) {
                    d = (struct damage){.kind = FLIP, .at = (size_t)at, .mask = masks[i]};
                    snprintf(label, sizeof(label), "message %d byte %d of %d ^ 0x%02x", m, at, body,
                             masks[i]);
                    run(arg, m, &d, label);
                }
            }
            continue;
        }
        snprintf(label, sizeof(label), "message %d one byte longer", m);
        d = (struct damage){.kind = LONGER};
        run(arg, m, &d, label);
        snprintf(label, sizeof(label), "message %d claiming 16 MB", m);
        d = (struct damage){.kind = HUGE};
        run(arg, m, &d, label);
        for (int at = 0; at < body; at++) {
            snprintf(label, sizeof(label), "message %d cut to %d of %d", m, at, body);
            d = (struct damage){.kind = CUT, .at = (size_t)at};
            run(arg, m, &d, label);
        }
    }
}

/* ------------------------------------------------------------- keys */

static EVP_KDF_CTX *kdf_ctx(const char *name)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, name, NULL);
    EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;

    EVP_KDF_free(kdf);
    if (ctx == NULL)
        die("libcrypto has no such KDF");
    return ctx;
}

static void hkdf(const EVP_MD *md, int mode, const unsigned char *key, size_t key_len,
                 const unsigned char *salt_or_info, size_t len2, unsigned char *out, size_t out_len)
{
    EVP_KDF_CTX *ctx = kdf_ctx("HKDF");
    OSSL_PARAM params[5], *p = params;

    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len);
    *p++ = OSSL_PARAM_construct_octet_string(
        mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY ? OSSL_KDF_PARAM_SALT : OSSL_KDF_PARAM_INFO,
        (void *)salt_or_info, len2);
    *p = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, out, out_len, params) != 1)
        die("HKDF failed");
    EVP_KDF_CTX_free(ctx);
}

void wire_hkdf_extract(const EVP_MD *md, const unsigned char *salt, const unsigned char *ikm,
                       size_t ikm_len, unsigned char *out)
{
    static const unsigned char zeros[EVP_MAX_MD_SIZE];
    size_t hl = (size_t)EVP_MD_get_size(md);

    hkdf(md, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm != NULL ? ikm : zeros, ikm != NULL ? ikm_len : hl,
         salt != NULL ? salt : zeros, hl, out, hl);
}

void wire_expand_label(const EVP_MD *md, const unsigned char *secret, const char *label,
                       const unsigned char *context, size_t context_len, unsigned char *out,
                       size_t len)
{
    struct {
        unsigned char b[2 + 1 + 255 + 1 + 255];
        size_t n;
    } info;
    size_t label_len = strlen(label);

    if (6 + label_len > 255 || context_len > 255)
        die("HKDF label too long");
    info.b[0] = (unsigned char)(len >> 8);
    info.b[1] = (unsigned char)len;
    info.b[2] = (unsigned char)(6 + label_len);
    memcpy(info.b + 3, "tls13 ", 6);
    memcpy(info.b + 9, label, label_len);
    info.n = 9 + label_len;
    info.b[info.n++] = (unsigned char)context_len;
    if (context_len > 0)
        memcpy(info.b + info.n, context, context_len);
    info.n += context_len;
    hkdf(md, EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, (size_t)EVP_MD_get_size(md), info.b, info.n,
         out, len);
}

void wire_derive_secret(const EVP_MD *md, const unsigned char *secret, const char *label,
                        const unsigned char *hash, unsigned char *out)
{
    size_t hl = (size_t)EVP_MD_get_size(md);
    wire_expand_label(md, secret, label, hash, hl, out, hl);
}

void wire_traffic_key(const EVP_MD *md, const EVP_CIPHER *cipher, const unsigned char *secret,
                      struct aead_key *k)
{
    k->cipher = cipher;
    k->key_len = (size_t)EVP_CIPHER_get_key_length(cipher);
    k->iv_len = 12;
    wire_expand_label(md, secret, "key", NULL, 0, k->key, k->key_len);
    wire_expand_label(md, secret, "iv", NULL, 0, k->iv, k->iv_len);
    k->seq = 0;
}

void wire_hmac(const EVP_MD *md, const unsigned char *key, size_t key_len,
               const unsigned char *data, size_t len, unsigned char *out)
{
    size_t out_len;
    if (EVP_Q_mac(NULL, "HMAC", NULL, EVP_MD_get0_name(md), NULL, key, key_len, data, len, out,
                  EVP_MAX_MD_SIZE, &out_len) == NULL)
        die("HMAC failed");
}

void wire_tls12_prf(const EVP_MD *md, const unsigned char *secret, size_t secret_len,
                    const char *label, const unsigned char *seed, size_t seed_len,
                    unsigned char *out, size_t out_len)
{
    EVP_KDF_CTX *ctx = kdf_ctx("TLS1-PRF");
    unsigned char full[256];
    size_t label_len = strlen(label);
    OSSL_PARAM params[4], *p = params;

    if (label_len + seed_len > sizeof(full))
        die("PRF seed too long");
    memcpy(full, label, label_len);
    memcpy(full + label_len, seed, seed_len);
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, secret_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, full, label_len + seed_len);
    *p = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, out, out_len, params) != 1)
        die("TLS1-PRF failed");
    EVP_KDF_CTX_free(ctx);
}

/* The per-record nonce: the IV XORed with the sequence number (RFC 8446
 * 5.3, RFC 7905 2). */
static void xor_nonce(const struct aead_key *k, uint64_t seq, unsigned char nonce[12])
{
    memcpy(nonce, k->iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (unsigned char)(seq >> (8 * i));
}

/* One AEAD operation: enc 1 seals p into out and appends the 16-byte tag;
 * enc 0 opens p (tag last) into out.  Returns the output length or -1. */
static long aead(const struct aead_key *k, int enc, const unsigned char nonce[12],
                 const unsigned char *aad, size_t aad_len, const unsigned char *p, size_t n,
                 unsigned char *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int outl = 0, fin = 0, ok;
    size_t body = enc ? n : n - 16;

    if (!enc && n < 16) {
        EVP_CIPHER_CTX_free(c);
        return -1;
    }
    ok = EVP_CipherInit_ex(c, k->cipher, NULL, NULL, NULL, enc) &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) &&
         EVP_CipherInit_ex(c, NULL, NULL, k->key, nonce, enc) &&
         EVP_CipherUpdate(c, NULL, &outl, aad, (int)aad_len) &&
         EVP_CipherUpdate(c, out, &outl, p, (int)body) &&
         (enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(p + body))) &&
         EVP_CipherFinal_ex(c, out + outl, &fin) &&
         (!enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out + outl + fin));
    EVP_CIPHER_CTX_free(c);
    if (!ok)
        return -1;
    return (long)(outl + fin) + (enc ? 16 : 0);
}

void wire_seal13(struct buf *o, struct aead_key *k, const unsigned char *p, size_t n, unsigned type)
{
    unsigned char nonce[12], hdr[5], inner[16384 + 1], sealed[16384 + 1 + 16];
    long len;

    if (n > 16384)
        die("TLS 1.3 record too long");
    if (n > 0) /* (p may be NULL then) */
        memcpy(inner, p, n);
    inner[n] = (unsigned char)type;
    hdr[0] = 23, hdr[1] = 3, hdr[2] = 3;
    hdr[3] = (unsigned char)((n + 1 + 16) >> 8), hdr[4] = (unsigned char)(n + 1 + 16);
    xor_nonce(k, k->seq++, nonce);
    if ((len = aead(k, 1, nonce, hdr, 5, inner, n + 1, sealed)) < 0)
        die("sealing failed");
    put(o, hdr, 5);
    put(o, sealed, (size_t)len);
}

int wire_open13(struct aead_key *k, const unsigned char *rec, size_t len, unsigned char *out,
                size_t *out_len, unsigned *type)
{
    unsigned char nonce[12];
    long n;

    if (len < 5 + 16 + 1)
        return 0;
    /* The record was taken, whether or not it opens. */
    xor_nonce(k, k->seq++, nonce);
    if ((n = aead(k, 0, nonce, rec, 5, rec + 5, len - 5, out)) < 0)
        return 0;
    while (n > 0 && out[n - 1] == 0)
        n--;
    if (n == 0)
        return 0;
    *type = out[--n];
    *out_len = (size_t)n;
    return 1;
}

/* The additional data of a TLS 1.2 AEAD record (RFC 5246 6.2.3.3). */
static void aad12(unsigned char aad[13], uint64_t seq, unsigned type, size_t len)
{
    for (int i = 0; i < 8; i++)
        aad[i] = (unsigned char)(seq >> (56 - 8 * i));
    aad[8] = (unsigned char)type;
    aad[9] = 3, aad[10] = 3;
    aad[11] = (unsigned char)(len >> 8), aad[12] = (unsigned char)len;
}

/* AES-CBC without padding of its own (the record's is in `in`). */
static int cbc(const struct aead_key *k, int enc, const unsigned char iv[16],
               const unsigned char *in, size_t len, unsigned char *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, ok = ctx != NULL && EVP_CipherInit_ex(ctx, k->cipher, NULL, k->key, iv, enc) &&
                    EVP_CIPHER_CTX_set_padding(ctx, 0) &&
                    EVP_CipherUpdate(ctx, out, &n, in, (int)len) && (size_t)n == len;

    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

/* HMAC(mac_key, seq || type || version || length || content); with
 * encrypt-then-MAC the "content" is the IV and ciphertext. */
static void mac12(const struct aead_key *k, uint64_t seq, unsigned type, const unsigned char *p,
                  size_t n, unsigned char *out)
{
    static unsigned char in[13 + 16384 + 2048];

    aad12(in, seq, type, n);
    memcpy(in + 13, p, n);
    wire_hmac(k->mac, k->mac_key, k->mac_key_len, in, 13 + n, out);
}

/* MAC then encrypt (RFC 5246 6.2.3.2): IV || E(content || MAC || padding),
 * or with encrypt-then-MAC (RFC 7366) IV || E(content || padding) || MAC
 * over the IV and ciphertext; damaged as k->damage asks (a padding byte
 * that disagrees with its length, or a MAC byte altered). */
static void seal12_cbc(struct buf *o, struct aead_key *k, unsigned type, const unsigned char *p,
                       size_t n)
{
    static unsigned char plain[16384 + 64 + 256], sealed[16 + sizeof(plain)];
    size_t ml = (size_t)EVP_MD_get_size(k->mac), inner = k->etm ? 0 : ml, pad, len;
    uint64_t seq = k->seq++;

    memcpy(plain, p, n);
    if (!k->etm)
        mac12(k, seq, type, p, n, plain + n);
    pad = 15 - (n + inner) % 16;
    if (pad == 0 && k->damage == CBC_BAD_PADDING)
        pad = 16; /* a padding byte to damage besides the length */
    memset(plain + n + inner, (int)pad, pad + 1);
    len = n + inner + pad + 1;
    if (k->damage == CBC_BAD_PADDING)
        plain[n + inner] ^= 0x01;
    if (k->damage == CBC_BAD_MAC && !k->etm)
        plain[n] ^= 0x01;
    for (int i = 0; i < 16; i++)
        sealed[i] = (unsigned char)(seq >> (8 * (i % 8))) ^ (unsigned char)(0xa0 + i);
    if (!cbc(k, 1, sealed, plain, len, sealed + 16))
        die("CBC sealing failed");
    len += 16;
    if (k->etm) {
        mac12(k, seq, type, sealed, len, sealed + len);
        if (k->damage == CBC_BAD_MAC)
            sealed[len] ^= 0x01;
        len += ml;
    }
    k->damage = CBC_INTACT;
    put_u8(o, type);
    put_u16(o, 0x0303);
    put_u16(o, (unsigned)len);
    put(o, sealed, len);
}

static int open12_cbc(struct aead_key *k, const unsigned char *rec, size_t len, unsigned char *out,
                      size_t *out_len)
{
    static unsigned char plain[16384 + 2048];
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t ml = (size_t)EVP_MD_get_size(k->mac), inner = k->etm ? 0 : ml, body, pad, n;

    if (k->etm) {
        if (len < 5 + ml)
            return 0;
        len -= ml;
        mac12(k, k->seq, rec[0], rec + 5, len - 5, mac);
        if (memcmp(mac, rec + len, ml) != 0)
            return 0;
    }
    body = len - 5 - 16;
    if (len < 5 + 16 + 16 || (len - 5) % 16 != 0 || body > sizeof(plain) ||
        !cbc(k, 0, rec + 5, rec + 5 + 16, body, plain))
        return 0;
    pad = plain[body - 1];
    if (pad + 1 + inner > body)
        return 0;
    for (size_t i = body - 1 - pad; i < body; i++)
        if (plain[i] != pad)
            return 0;
    n = body - 1 - pad - inner;
    if (!k->etm) {
        mac12(k, k->seq, rec[0], plain, n, mac);
        if (memcmp(mac, plain + n, ml) != 0)
            return 0;
    }
    k->seq++;
    memcpy(out, plain, n);
    *out_len = n;
    return 1;
}

void wire_seal12(struct buf *o, struct aead_key *k, unsigned type, const unsigned char *p, size_t n)
{
    unsigned char nonce[12], aad[13], sealed[16384 + 16];
    int explicit_nonce = k->iv_len == 4;
    uint64_t seq;
    long len;

    if (n > 16384)
        die("TLS 1.2 record too long");
    if (k->mac != NULL) {
        seal12_cbc(o, k, type, p, n);
        return;
    }
    seq = k->seq++;
    if (explicit_nonce) {
        memcpy(nonce, k->iv, 4);
        for (int i = 0; i < 8; i++)
            nonce[4 + i] = (unsigned char)(seq >> (56 - 8 * i));
    } else {
        xor_nonce(k, seq, nonce);
    }
    aad12(aad, seq, type, n);
    if ((len = aead(k, 1, nonce, aad, 13, p, n, sealed)) < 0)
        die("sealing failed");
    put_u8(o, type);
    put_u16(o, 0x0303);
    put_u16(o, (unsigned)len + (explicit_nonce ? 8 : 0));
    if (explicit_nonce)
        put(o, nonce + 4, 8);
    put(o, sealed, (size_t)len);
}

int wire_open12(struct aead_key *k, const unsigned char *rec, size_t len, unsigned char *out,
                size_t *out_len)
{
    unsigned char nonce[12], aad[13];
    size_t skip = k->iv_len == 4 ? 8 : 0;
    uint64_t seq;
    long n;

    if (k->mac != NULL)
        return open12_cbc(k, rec, len, out, out_len);
    if (len < 5 + skip + 16)
        return 0;
    seq = k->seq++;
    if (skip != 0) {
        memcpy(nonce, k->iv, 4);
        memcpy(nonce + 4, rec + 5, 8);
    } else {
        xor_nonce(k, seq, nonce);
    }
    aad12(aad, seq, rec[0], len - 5 - skip - 16);
    if ((n = aead(k, 0, nonce, aad, 13, rec + 5 + skip, len - 5 - skip, out)) < 0)
        return 0;
    *out_len = (size_t)n;
    return 1;
}

/* ------------------------------------------------------ keys and names */

/* Generated for these tests with openssl genpkey. */
const char wire_p256_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9mSpTTHpdzcFbJM6\n"
    "rEhJSxteUYl7CwpxfCC6T4VLh2+hRANCAASLSVyIz4ZfQPKuEYLg1oenjX6hZPEs\n"
    "Kuk9yYywWHc/59UrmdRyb0a8tm5Wrxfjnaa56evLlcg5PFGAmWoI73iE\n"
    "-----END PRIVATE KEY-----\n";

EVP_PKEY *wire_key_from_pem(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);

    BIO_free(b);
    if (k == NULL)
        die("cannot read a fixed key");
    return k;
}

X509 *wire_self_signed(EVP_PKEY *key, const char *cn, const char *not_before, const char *not_after)
{
    X509 *x = X509_new();
    const ASN1_BIT_STRING *sig = NULL;
    int ec = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC;

    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    /* Fixed dates: an altered digit must mean the same in every run. */
    ASN1_TIME_set_string_X509(X509_getm_notBefore(x), not_before);
    ASN1_TIME_set_string_X509(X509_getm_notAfter(x), not_after);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, key);
    /* (ECDSA: re-signed until the signature has 72 bytes, the same size
     * every run; RSA's has the modulus's size anyway) */
    while (sig == NULL || (ec && ASN1_STRING_length(sig) != 72))
        if (X509_sign(x, key, EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256()) >
            0)
            X509_get0_signature(&sig, NULL, x);
    return x;
}
