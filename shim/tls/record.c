/*
 * shimssl - the record layer.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *   struct { ContentType type; ProtocolVersion legacy_record_version;
 *            uint16 length; opaque fragment[length]; } TLSPlaintext;
 *   struct { opaque content[length]; ContentType type; uint8 zeros[pad]; }
 *            TLSInnerPlaintext;                        (RFC 8446 5.2)
 */
#include "shim.h"

#include <string.h>

#include "tls/alert.h"
#include "tls/record.h"

/* The largest record stock accepts before anything else is checked
 * (its default read buffer), and the TLS 1.3 / older ciphertext limits. */
#define RL_MAX_PACKET_BODY 16711
#define RL_MAX_TLS13_CIPHERTEXT (SSL3_RT_MAX_PLAIN_LENGTH + 256)
#define RL_MAX_TLS12_CIPHERTEXT (SSL3_RT_MAX_PLAIN_LENGTH + 320)
#define RL_RBUF_SIZE (SSL3_RT_HEADER_LENGTH + RL_MAX_PACKET_BODY)
/* Stock fails after this many empty records (or ignored CCS) in a row. */
#define RL_MAX_EMPTY_RECORDS 32

void tls_rl_init(struct tls_rl *rl)
{
    memset(rl, 0, sizeof(*rl));
    rl->wversion = TLS1_VERSION; /* the first ClientHello's record version, as stock */
}

void tls_rl_cleanup(struct tls_rl *rl)
{
    if (rl->rd.keyed)
        tls_aead_cleanup(&rl->rd.aead);
    if (rl->wr.keyed)
        tls_aead_cleanup(&rl->wr.aead);
    OPENSSL_clear_free(rl->rbuf, RL_RBUF_SIZE);
    OPENSSL_clear_free(rl->wbuf, rl->w_cap);
    memset(rl, 0, sizeof(*rl));
}

int tls_rl_set_key(struct tls_rl_dir *d, const EVP_CIPHER *cipher, const uint8_t *key,
                   size_t key_len, const uint8_t *iv, size_t iv_len, size_t tag_len, int enc,
                   int tls13)
{
    struct tls_aead next;
    if (!tls_aead_init(&next, cipher, enc, key, key_len, iv, iv_len, tag_len))
        return 0;
    if (d->keyed)
        tls_aead_cleanup(&d->aead);
    d->aead = next;
    d->keyed = 1;
    d->tls13 = tls13;
    d->seq = 0;
    return 1;
}

/* ------------------------------------------------------------------ reading */

/* Makes sure n bytes from r_pos are in rbuf, reading from the BIO. */
static enum tls_rl_result fill(SSL *s, struct tls_rl *rl, size_t n)
{
    if (rl->rbuf == NULL) {
        if ((rl->rbuf = OPENSSL_malloc(RL_RBUF_SIZE)) == NULL) {
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
            return TLS_RL_FATAL;
        }
        rl->r_pos = rl->r_end = 0;
    }
    if (rl->r_pos + n > RL_RBUF_SIZE) {
        memmove(rl->rbuf, rl->rbuf + rl->r_pos, rl->r_end - rl->r_pos);
        rl->r_end -= rl->r_pos;
        rl->r_pos = 0;
    }
    while (rl->r_end - rl->r_pos < n) {
        /* Without read-ahead, read exactly what the record needs so that
         * bytes after it stay in the transport for whoever reads next. */
        size_t want = s->cfg.read_ahead ? RL_RBUF_SIZE - rl->r_end
                                        : n - (rl->r_end - rl->r_pos);
        int ret;
        if (s->rbio == NULL) {
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_READ_BIO_NOT_SET);
            return TLS_RL_FATAL;
        }
        s->rwstate = SSL_READING;
        ret = BIO_read(s->rbio, rl->rbuf + rl->r_end, (int)want);
        if (ret > 0) {
            rl->r_end += (size_t)ret;
            continue;
        }
        if (!BIO_should_retry(s->rbio) && BIO_eof(s->rbio)) {
            /* The transport ended without close_notify. */
            if (s->cfg.options & SSL_OP_IGNORE_UNEXPECTED_EOF) {
                s->shutdown |= SSL_RECEIVED_SHUTDOWN;
                s->warn_alert = SSL_AD_CLOSE_NOTIFY;
            } else {
                tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_UNEXPECTED_EOF_WHILE_READING);
                return TLS_RL_FATAL;
            }
        }
        return TLS_RL_RETRY;
    }
    s->rwstate = SSL_NOTHING;
    return TLS_RL_OK;
}

static int looks_like_http(const uint8_t *p)
{
    return memcmp(p, "GET ", 4) == 0 || memcmp(p, "POST ", 5) == 0 || memcmp(p, "HEAD ", 5) == 0
           || memcmp(p, "PUT ", 4) == 0;
}

/* Checks a header as soon as its 5 bytes are here (RFC 8446 5.1, and stock's
 * order of checks, so that the same input gives the same error). */
static int check_header(SSL *s, struct tls_rl *rl, const uint8_t *h, size_t len)
{
    int type = h[0];
    unsigned int version = ((unsigned int)h[1] << 8) | h[2];

    if (rl->version != 0 && rl->version != TLS1_3_VERSION && version != (unsigned int)rl->version) {
        if (type == SSL3_RT_ALERT && (rl->version >> 8) == (int)(version >> 8) && !rl->wr.keyed)
            return tls_fatal(s, TLS_NO_ALERT, SSL_R_WRONG_VERSION_NUMBER);
        return tls_fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_WRONG_VERSION_NUMBER);
    }
    if ((version >> 8) != SSL3_VERSION_MAJOR) {
        if (!rl->read_any) {
            /* Not TLS at all: stock names the two common cases and sends no alert. */
            if (looks_like_http(h))
                return tls_fatal(s, TLS_NO_ALERT, SSL_R_HTTP_REQUEST);
            if (memcmp(h, "CONNE", 5) == 0)
                return tls_fatal(s, TLS_NO_ALERT, SSL_R_HTTPS_PROXY_REQUEST);
            return tls_fatal(s, TLS_NO_ALERT, SSL_R_WRONG_VERSION_NUMBER);
        }
        return tls_fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_WRONG_VERSION_NUMBER);
    }
    if (rl->rd.keyed && rl->rd.tls13) {
        if (type != SSL3_RT_APPLICATION_DATA
            && (type != SSL3_RT_CHANGE_CIPHER_SPEC || !s->conn->in_init))
            return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
        if (version != TLS1_2_VERSION)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_WRONG_VERSION_NUMBER);
    }
    if (len > RL_MAX_PACKET_BODY)
        return tls_fatal(s, SSL_AD_RECORD_OVERFLOW, SSL_R_PACKET_LENGTH_TOO_LONG);
    if (len > (rl->version == TLS1_3_VERSION ? RL_MAX_TLS13_CIPHERTEXT : RL_MAX_TLS12_CIPHERTEXT - 0))
        return tls_fatal(s, SSL_AD_RECORD_OVERFLOW, SSL_R_ENCRYPTED_LENGTH_TOO_LONG);
    return 1;
}

static int count_empty(SSL *s, struct tls_rl *rl, int reason)
{
    if (++rl->empty_records > RL_MAX_EMPTY_RECORDS)
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, reason);
    return 1;
}

/* Removes protection from the record at p (len bytes, header at p - 5). */
static int unprotect(SSL *s, struct tls_rl *rl, uint8_t *hdr, uint8_t *p, size_t *len, int *type)
{
    uint8_t nonce[TLS_AEAD_NONCE_LEN];
    size_t n;

    tls_aead_xor_nonce(&rl->rd.aead, rl->rd.seq, nonce);
    if (!tls_aead_open(&rl->rd.aead, nonce, hdr, SSL3_RT_HEADER_LENGTH, p, *len, &n))
        return tls_fatal(s, SSL_AD_BAD_RECORD_MAC, SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
    rl->rd.seq++;
    if (rl->rd.tls13) {
        /* The content type is the last non-zero byte; zeros after it are padding. */
        if (n == 0 || *type != SSL3_RT_APPLICATION_DATA)
            return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
        while (n > 0 && p[n - 1] == 0)
            n--;
        if (n == 0)
            return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
        n--;
        *type = p[n];
        if (*type != SSL3_RT_APPLICATION_DATA && *type != SSL3_RT_ALERT
            && *type != SSL3_RT_HANDSHAKE)
            return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
        tls_msg(s, 0, rl->version, SSL3_RT_INNER_CONTENT_TYPE, &p[n], 1);
    }
    *len = n;
    return 1;
}

enum tls_rl_result tls_rl_read(SSL *s, struct tls_rl *rl)
{
    for (;;) {
        enum tls_rl_result r;
        uint8_t *hdr;
        size_t len;
        int type;

        if ((r = fill(s, rl, SSL3_RT_HEADER_LENGTH)) != TLS_RL_OK)
            return r;
        hdr = rl->rbuf + rl->r_pos;
        len = ((size_t)hdr[3] << 8) | hdr[4];
        tls_msg(s, 0, (hdr[1] << 8) | hdr[2], SSL3_RT_HEADER, hdr, SSL3_RT_HEADER_LENGTH);
        if (!check_header(s, rl, hdr, len))
            return TLS_RL_FATAL;
        if ((r = fill(s, rl, SSL3_RT_HEADER_LENGTH + len)) != TLS_RL_OK)
            return r;
        hdr = rl->rbuf + rl->r_pos; /* fill() may have moved the data */
        rl->r_pos += SSL3_RT_HEADER_LENGTH + len;
        rl->read_any = 1;
        type = hdr[0];

        /* RFC 8446 D.4: a change_cipher_spec during the first TLS 1.3
         * handshake is only middlebox compatibility; it must be exactly 0x01. */
        if (type == SSL3_RT_CHANGE_CIPHER_SPEC && rl->version == TLS1_3_VERSION
            && s->conn->in_init) {
            if (len != 1 || hdr[SSL3_RT_HEADER_LENGTH] != 1) {
                tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_INVALID_CCS_MESSAGE);
                return TLS_RL_FATAL;
            }
            tls_msg(s, 0, rl->version, SSL3_RT_CHANGE_CIPHER_SPEC, hdr + SSL3_RT_HEADER_LENGTH, 1);
            if (!count_empty(s, rl, SSL_R_UNEXPECTED_CCS_MESSAGE))
                return TLS_RL_FATAL;
            continue;
        }
        if (rl->rd.keyed && !unprotect(s, rl, hdr, hdr + SSL3_RT_HEADER_LENGTH, &len, &type))
            return TLS_RL_FATAL;
        if (rl->version == TLS1_3_VERSION && len == 0
            && (type == SSL3_RT_HANDSHAKE || type == SSL3_RT_ALERT)) {
            tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_LENGTH);
            return TLS_RL_FATAL;
        }
        if (len > SSL3_RT_MAX_PLAIN_LENGTH) {
            tls_fatal(s, SSL_AD_RECORD_OVERFLOW, SSL_R_DATA_LENGTH_TOO_LONG);
            return TLS_RL_FATAL;
        }
        if (len == 0) {
            if (!count_empty(s, rl, SSL_R_RECORD_TOO_SMALL))
                return TLS_RL_FATAL;
            continue;
        }
        rl->empty_records = 0;
        rl->rtype = type;
        rl->rdata = hdr + SSL3_RT_HEADER_LENGTH;
        rl->rlen = len;
        return TLS_RL_OK;
    }
}

void tls_rl_release_record(struct tls_rl *rl)
{
    rl->rdata = NULL;
    rl->rlen = 0;
    /* Nothing buffered: give the memory back (an idle connection holds no
     * record buffer). */
    if (rl->rbuf != NULL && rl->r_pos == rl->r_end) {
        OPENSSL_clear_free(rl->rbuf, RL_RBUF_SIZE);
        rl->rbuf = NULL;
        rl->r_pos = rl->r_end = 0;
    }
}

int tls_rl_has_unread(const struct tls_rl *rl)
{
    return rl->rbuf != NULL && rl->r_pos < rl->r_end;
}

/* ------------------------------------------------------------------ writing */

static int wbuf_reserve(struct tls_rl *rl, size_t n)
{
    if (rl->w_pos == rl->w_end)
        rl->w_pos = rl->w_end = 0;
    if (n <= rl->w_cap - rl->w_end)
        return 1;
    size_t cap = rl->w_cap ? rl->w_cap : 4096;
    while (cap < rl->w_end + n)
        cap *= 2;
    uint8_t *nb = OPENSSL_clear_realloc(rl->wbuf, rl->w_cap, cap);
    if (nb == NULL)
        return 0;
    rl->wbuf = nb;
    rl->w_cap = cap;
    return 1;
}

/* How many zero bytes of TLS 1.3 padding to add to an inner plaintext of len. */
static size_t padding_for(SSL *s, int type, size_t len)
{
    size_t pad = 0, room = SSL3_RT_MAX_PLAIN_LENGTH - len;
    if (s->cfg.record_padding_cb != NULL)
        pad = s->cfg.record_padding_cb(s, type, len, s->cfg.record_padding_arg);
    else if (s->cfg.block_padding > 0 && len % s->cfg.block_padding != 0)
        pad = s->cfg.block_padding - len % s->cfg.block_padding;
    return pad < room ? pad : room;
}

int tls_rl_queue(SSL *s, struct tls_rl *rl, int type, const uint8_t *data, size_t len)
{
    int protect = rl->wr.keyed;
    int tls13 = protect && rl->wr.tls13;
    size_t pad = tls13 ? padding_for(s, type, len) : 0;
    size_t body = len + (tls13 ? 1 + pad : 0);
    size_t total = SSL3_RT_HEADER_LENGTH + body + (protect ? rl->wr.aead.tag_len : 0);
    uint8_t *h, *p;

    if (!wbuf_reserve(rl, total))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    h = rl->wbuf + rl->w_end;
    p = h + SSL3_RT_HEADER_LENGTH;
    h[0] = (uint8_t)(tls13 ? SSL3_RT_APPLICATION_DATA : type);
    h[1] = (uint8_t)(rl->wversion >> 8);
    h[2] = (uint8_t)rl->wversion;
    h[3] = (uint8_t)((total - SSL3_RT_HEADER_LENGTH) >> 8);
    h[4] = (uint8_t)(total - SSL3_RT_HEADER_LENGTH);
    if (len > 0)
        memcpy(p, data, len);
    if (tls13) {
        p[len] = (uint8_t)type;
        memset(p + len + 1, 0, pad);
        tls_msg(s, 1, rl->version, SSL3_RT_INNER_CONTENT_TYPE, &p[len], 1);
    }
    if (protect) {
        uint8_t nonce[TLS_AEAD_NONCE_LEN];
        tls_aead_xor_nonce(&rl->wr.aead, rl->wr.seq, nonce);
        if (!tls_aead_seal(&rl->wr.aead, nonce, h, SSL3_RT_HEADER_LENGTH, p, body))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        rl->wr.seq++;
    }
    tls_msg(s, 1, rl->wversion, SSL3_RT_HEADER, h, SSL3_RT_HEADER_LENGTH);
    rl->w_end += total;
    return 1;
}

int tls_rl_queue_all(SSL *s, struct tls_rl *rl, int type, const uint8_t *data, size_t len)
{
    size_t frag = s->cfg.max_send_fragment;
    if (frag == 0 || frag > SSL3_RT_MAX_PLAIN_LENGTH)
        frag = SSL3_RT_MAX_PLAIN_LENGTH;
    do {
        size_t n = len < frag ? len : frag;
        if (!tls_rl_queue(s, rl, type, data, n))
            return 0;
        data += n;
        len -= n;
    } while (len > 0);
    return 1;
}

enum tls_rl_result tls_rl_flush(SSL *s, struct tls_rl *rl)
{
    while (rl->w_pos < rl->w_end) {
        int ret;
        if (s->wbio == NULL) {
            ERR_raise(ERR_LIB_SSL, SSL_R_BIO_NOT_SET);
            rl->w_pos = rl->w_end = 0;
            return TLS_RL_FATAL;
        }
        s->rwstate = SSL_WRITING;
        ret = BIO_write(s->wbio, rl->wbuf + rl->w_pos, (int)(rl->w_end - rl->w_pos));
        if (ret <= 0)
            return TLS_RL_RETRY;
        rl->w_pos += (size_t)ret;
    }
    s->rwstate = SSL_NOTHING;
    /* Everything sent: an idle connection keeps no write buffer either. */
    OPENSSL_clear_free(rl->wbuf, rl->w_cap);
    rl->wbuf = NULL;
    rl->w_cap = rl->w_pos = rl->w_end = 0;
    return TLS_RL_OK;
}
