/*
 * shimssl fuzz target: the record layer (shim/tls/record.h).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Input: byte 0 picks the protection (none before or after version
 * negotiation, TLS 1.3 AES-GCM or ChaCha20, TLS 1.2 AES-GCM or ChaCha20,
 * CBC MAC-then-encrypt or encrypt-then-MAC, TLS 1.0 CBC); byte 1's bit 0
 * says whether the rest are raw bytes for the reader, or records
 * (type, 16-bit length, content) that a writer with the same keys seals
 * first, bit 1 turns read-ahead on; bytes 2-4 are an offset and a mask
 * flipped into the sealed bytes.  Sealing first lets mutations reach what
 * lies behind the authentication (padding, inner content types, lengths);
 * raw bytes exercise the header checks.  Only the record layer's own header
 * API is used (and the public one for the SSL it reads through), so the
 * target survives changes elsewhere in the engine.
 */
#include "shim.h"

#include <string.h>

#include "fuzz.h"
#include "tls/record.h"

enum kind {
    K_NONE,
    K_NONE12,
    K_TLS13_GCM,
    K_TLS13_CHACHA,
    K_TLS12_GCM,
    K_TLS12_CHACHA,
    K_CBC_MTE,
    K_CBC_ETM,
    K_CBC_TLS10,
    K_KINDS
};

static SSL_CTX *ctx;

/* Keys one direction of rl for kind k (the same keys each time). */
static int key(SSL_CTX *c, struct tls_rl *rl, enum kind k, int write)
{
    static const uint8_t keyb[32] = {1, 2, 3}, ivb[16] = {4, 5, 6}, mac[48] = {7, 8, 9};
    const struct shim_algs *a = shim_algs_get(c);
    struct tls_rl_dir *d = write ? &rl->wr : &rl->rd;
    struct tls_cbc cbc;
    int version = k <= K_NONE12         ? (k == K_NONE ? 0 : TLS1_2_VERSION)
                  : k <= K_TLS13_CHACHA ? TLS1_3_VERSION
                  : k == K_CBC_TLS10    ? TLS1_VERSION
                                        : TLS1_2_VERSION;

    rl->version = version;
    rl->wversion = version == TLS1_VERSION ? TLS1_VERSION : TLS1_2_VERSION;
    if (a == NULL)
        return 0;
    switch (k) {
    case K_NONE:
    case K_NONE12:
        return 1;
    case K_TLS13_GCM:
        return tls_rl_set_key(d, a->aes128gcm, keyb, 16, ivb, 12, 16, write, TLS_PROT_TLS13);
    case K_TLS13_CHACHA:
        return tls_rl_set_key(d, a->chacha20poly1305, keyb, 32, ivb, 12, 16, write, TLS_PROT_TLS13);
    case K_TLS12_GCM:
        return tls_rl_set_key(d, a->aes256gcm, keyb, 32, ivb, 4, 16, write, TLS_PROT_AEAD_EXPLICIT);
    case K_TLS12_CHACHA:
        return tls_rl_set_key(d, a->chacha20poly1305, keyb, 32, ivb, 12, 16, write,
                              TLS_PROT_AEAD_XOR);
    case K_CBC_MTE:
    case K_CBC_ETM:
    case K_CBC_TLS10:
        if (!tls_cbc_init(&cbc, a, k == K_CBC_MTE ? a->aes256cbc : a->aes128cbc,
                          k == K_CBC_MTE ? a->sha384 : a->sha1, write, version, k == K_CBC_ETM,
                          keyb, ivb, mac))
            return 0;
        tls_rl_set_cbc(d, &cbc, k == K_CBC_TLS10);
        return 1;
    default:
        return 0;
    }
}

/* Seals the records described by in (type, u16 length, content) with a
 * writer keyed like the reader; the sealed bytes are left in out. */
static void seal(SSL *s, enum kind k, const uint8_t *in, size_t len, BIO *out)
{
    struct tls_rl wr;

    tls_rl_init(&wr);
    if (key(ctx, &wr, k, 1)) {
        while (len >= 3) {
            size_t n = ((size_t)in[1] << 8) | in[2];
            if (n > len - 3)
                n = len - 3;
            if (n > SSL3_RT_MAX_PLAIN_LENGTH)
                n = SSL3_RT_MAX_PLAIN_LENGTH;
            if (!tls_rl_queue(s, &wr, in[0], in + 3, n))
                break;
            in += 3 + n;
            len -= 3 + n;
        }
        BIO_reset(out);
        tls_rl_flush(s, &wr);
    }
    tls_rl_cleanup(&wr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    BIO *net, *in;
    SSL *s;
    struct tls_rl rd;
    enum kind k;
    int sealed;
    uint8_t *copy = NULL;

    fuzz_init();
    if (size < 5)
        return 0;
    if (ctx == NULL)
        ctx = SSL_CTX_new(TLS_method());
    k = (enum kind)(data[0] % K_KINDS);
    sealed = data[1] & 1;
    s = SSL_new(ctx);
    net = BIO_new(BIO_s_mem());
    in = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(s, in, net);
    SSL_set_read_ahead(s, (data[1] >> 1) & 1);
    /* A client waiting for its ServerHello: the connection state the record
     * layer consults exists, and it is in a handshake. */
    SSL_connect(s);

    if (sealed) {
        char *bytes;
        long n;
        size_t at = ((size_t)data[2] << 8) | data[3];
        seal(s, k, data + 5, size - 5, net);
        n = BIO_get_mem_data(net, &bytes);
        /* A copy: alerts the reader sends go to net and may move its buffer. */
        copy = OPENSSL_memdup(n > 0 ? bytes : "", n > 0 ? (size_t)n : 1);
        if (n > 0 && data[4] != 0)
            copy[at % (size_t)n] ^= data[4];
        in = BIO_new_mem_buf(copy, n > 0 ? (int)n : 0);
    } else {
        in = BIO_new_mem_buf(data + 5, (int)(size - 5));
    }
    SSL_set0_rbio(s, in);

    tls_rl_init(&rd);
    if (key(ctx, &rd, k, 0)) {
        for (int i = 0; i < 4096 && tls_rl_read(s, &rd) == TLS_RL_OK; i++)
            tls_rl_release_record(&rd);
    }
    tls_rl_cleanup(&rd);
    SSL_free(s);
    OPENSSL_free(copy);
    ERR_clear_error();
    return 0;
}
