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
#include "tls/conn.h"
#include "tls/record.h"

/* The largest record stock accepts before anything else is checked
 * (its default read buffer), and the TLS 1.3 / older ciphertext limits. */
#define RL_MAX_PACKET_BODY      16711
#define RL_MAX_TLS13_CIPHERTEXT (SSL3_RT_MAX_PLAIN_LENGTH + 256)
#define RL_MAX_TLS12_CIPHERTEXT (SSL3_RT_MAX_PLAIN_LENGTH + 320)
#define RL_RBUF_SIZE            (SSL3_RT_HEADER_LENGTH + RL_MAX_PACKET_BODY)
/* Stock fails after this many empty records (or ignored CCS) in a row. */
#define RL_MAX_EMPTY_RECORDS 32

void tls_rl_init(struct tls_rl *rl)
{
    memset(rl, 0, sizeof(*rl));
    rl->wversion = TLS1_VERSION; /* the first ClientHello's record version, as stock */
}

static void dir_cleanup(struct tls_rl_dir *d)
{
    if (d->prot == TLS_PROT_CBC)
        tls_cbc_cleanup(&d->cbc);
    else if (d->keyed)
        tls_aead_cleanup(&d->aead);
    memset(d, 0, sizeof(*d));
}

/* The read buffer held decrypted data: what was used of it is wiped. */
static void free_rbuf(struct tls_rl *rl)
{
    if (rl->rbuf != NULL)
        OPENSSL_cleanse(rl->rbuf, rl->r_end);
    OPENSSL_free(rl->rbuf);
    rl->rbuf = NULL;
    rl->r_pos = rl->r_end = 0;
}

void tls_rl_cleanup(struct tls_rl *rl)
{
    dir_cleanup(&rl->rd);
    dir_cleanup(&rl->wr);
    free_rbuf(rl);
    /* The write buffer only ever holds records as sent: nothing secret. */
    OPENSSL_free(rl->wbuf);
    memset(rl, 0, sizeof(*rl));
}

int tls_rl_set_key(struct tls_rl_dir *d, const EVP_CIPHER *cipher, const uint8_t *key,
                   size_t key_len, const uint8_t *iv, size_t iv_len, size_t tag_len, int enc,
                   enum tls_protection prot)
{
    struct tls_aead next;
    if (!tls_aead_init(&next, cipher, enc, key, key_len, iv, iv_len, tag_len))
        return 0;
    dir_cleanup(d);
    d->aead = next;
    d->keyed = 1;
    d->prot = prot;
    d->tls13 = prot == TLS_PROT_TLS13;
    return 1;
}

void tls_rl_set_cbc(struct tls_rl_dir *d, struct tls_cbc *cbc, int empty_fragments)
{
    dir_cleanup(d);
    d->cbc = *cbc;
    d->keyed = 1;
    d->prot = TLS_PROT_CBC;
    d->empty_fragments = empty_fragments;
}

/* The 13 bytes of additional data of a TLS 1.2 AEAD record (RFC 5246 6.2.3.3). */
static void aead12_ad(uint8_t ad[13], uint64_t seq, const uint8_t *hdr, size_t plain_len)
{
    for (int i = 7; i >= 0; i--) {
        ad[i] = (uint8_t)seq;
        seq >>= 8;
    }
    ad[8] = hdr[0];
    ad[9] = hdr[1];
    ad[10] = hdr[2];
    ad[11] = (uint8_t)(plain_len >> 8);
    ad[12] = (uint8_t)plain_len;
}

/* The full nonce of a TLS 1.2 GCM/CCM record: salt || explicit part. */
static void explicit_nonce(const struct tls_aead *a, const uint8_t *explicit_part,
                           uint8_t nonce[TLS_AEAD_NONCE_LEN])
{
    memcpy(nonce, a->iv, 4);
    memcpy(nonce + 4, explicit_part, 8);
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
        size_t want = s->cfg.read_ahead ? RL_RBUF_SIZE - rl->r_end : n - (rl->r_end - rl->r_pos);
        int ret;
        if (s->rbio == NULL) {
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_READ_BIO_NOT_SET);
            s->rwstate = SSL_READING; /* what stock reports, alert or not */
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
                rl->eof = 1;
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
    return memcmp(p, "GET ", 4) == 0 || memcmp(p, "POST ", 5) == 0 || memcmp(p, "HEAD ", 5) == 0 ||
           memcmp(p, "PUT ", 4) == 0;
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
        if (type != SSL3_RT_APPLICATION_DATA &&
            (type != SSL3_RT_CHANGE_CIPHER_SPEC || !s->conn->in_init) &&
            (type != SSL3_RT_ALERT || !rl->plain_alerts_ok))
            return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
        if (version != TLS1_2_VERSION)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_WRONG_VERSION_NUMBER);
    }
    if (len > RL_MAX_PACKET_BODY)
        return tls_fatal(s, SSL_AD_RECORD_OVERFLOW, SSL_R_PACKET_LENGTH_TOO_LONG);
    if (len >
        (rl->version == TLS1_3_VERSION ? RL_MAX_TLS13_CIPHERTEXT : RL_MAX_TLS12_CIPHERTEXT - 0))
        return tls_fatal(s, SSL_AD_RECORD_OVERFLOW, SSL_R_ENCRYPTED_LENGTH_TOO_LONG);
    return 1;
}

static int count_empty(SSL *s, struct tls_rl *rl, int reason)
{
    if (++rl->empty_records > RL_MAX_EMPTY_RECORDS)
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, reason);
    return 1;
}

/* A TLS 1.2 AEAD record shorter than its nonce and tag (see aead.h). */
static int short_aead_record(SSL *s, struct tls_rl_dir *d)
{
    ERR_pop_to_mark();
    tls_aead_short_record(&d->aead);
    return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* Removes protection from the record at p (len bytes, header at hdr): the
 * content is then at *p, *len bytes long. */
/* (1: done; 0: after tls_fatal; -1: refused early data, to skip.) */
static int unprotect(SSL *s, struct tls_rl *rl, uint8_t *hdr, uint8_t **pp, size_t *len, int *type)
{
    struct tls_rl_dir *d = &rl->rd;
    uint8_t nonce[TLS_AEAD_NONCE_LEN], ad[13], *p = *pp;
    size_t n = 0;
    int ok;

    /* libcrypto may queue errors for a record that does not authenticate;
     * the only error reported is ours, as with stock. */
    ERR_set_mark();
    switch (d->prot) {
    case TLS_PROT_TLS13:
        tls_aead_xor_nonce(&d->aead, d->seq, nonce);
        ok = tls_aead_open(&d->aead, nonce, hdr, SSL3_RT_HEADER_LENGTH, p, *len, &n);
        break;
    case TLS_PROT_AEAD_XOR:
        if (*len < d->aead.tag_len)
            return short_aead_record(s, d);
        tls_aead_xor_nonce(&d->aead, d->seq, nonce);
        aead12_ad(ad, d->seq, hdr, *len - d->aead.tag_len);
        ok = tls_aead_open(&d->aead, nonce, ad, sizeof(ad), p, *len, &n);
        break;
    case TLS_PROT_AEAD_EXPLICIT:
        if (*len < 8 + d->aead.tag_len)
            return short_aead_record(s, d);
        explicit_nonce(&d->aead, p, nonce);
        aead12_ad(ad, d->seq, hdr, *len - 8 - d->aead.tag_len);
        ok = tls_aead_open(&d->aead, nonce, ad, sizeof(ad), p + 8, *len - 8, &n);
        p += 8;
        break;
    case TLS_PROT_CBC:
        ok = tls_cbc_open(&d->cbc, d->seq, hdr[0], (uint16_t)((hdr[1] << 8) | hdr[2]), p, *len, &p,
                          &n);
        break;
    default:
        ok = 0;
        break;
    }
    if (!ok) {
        ERR_pop_to_mark();
        if (d->prot == TLS_PROT_AEAD_XOR || d->prot == TLS_PROT_AEAD_EXPLICIT)
            tls_aead_tls12_open_failed(&d->aead);
        if (d->prot == TLS_PROT_CBC)
            tls_cbc_open_failed(&d->cbc);
        /* Refused 0-RTT data comes under a key we never made: skipped. */
        if (rl->skip_early_data)
            return -1;
        return tls_fatal(s, SSL_AD_BAD_RECORD_MAC, SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
    }
    ERR_clear_last_mark();
    d->seq++;
    if (d->tls13) {
        /* The content type is the last non-zero byte; zeros after it are padding. */
        if (n == 0 || *type != SSL3_RT_APPLICATION_DATA)
            return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
        while (n > 0 && p[n - 1] == 0)
            n--;
        if (n == 0)
            return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
        n--;
        *type = p[n];
        if (*type != SSL3_RT_APPLICATION_DATA && *type != SSL3_RT_ALERT &&
            *type != SSL3_RT_HANDSHAKE)
            return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_RECORD_TYPE);
        tls_msg(s, 0, rl->version, SSL3_RT_INNER_CONTENT_TYPE, &p[n], 1);
    }
    *pp = p;
    *len = n;
    return 1;
}

/* The SSL 2.0 record that may carry a server's first ClientHello (RFC
 * 5246 E.2): two bytes of length with the high bit set, then the message;
 * stock's limits (its read buffer, and the shortest such ClientHello). */
#define RL_MIN_SSL2_RECORD_LEN 9

static enum tls_rl_result read_sslv2_hello(SSL *s, struct tls_rl *rl)
{
    const uint8_t *hdr = rl->rbuf + rl->r_pos;
    size_t len = ((size_t)(hdr[0] & 0x7f) << 8) | hdr[1];
    enum tls_rl_result r;

    if (len > RL_RBUF_SIZE - 2) {
        tls_fatal(s, SSL_AD_RECORD_OVERFLOW, SSL_R_PACKET_LENGTH_TOO_LONG);
        return TLS_RL_FATAL;
    }
    if (len < RL_MIN_SSL2_RECORD_LEN) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_TOO_SHORT);
        return TLS_RL_FATAL;
    }
    if ((r = fill(s, rl, 2 + len)) != TLS_RL_OK)
        return r;
    rl->rtype = SSL3_RT_HANDSHAKE;
    rl->rversion = SSL2_VERSION;
    rl->sslv2 = 1;
    rl->rdata = rl->rbuf + rl->r_pos + 2;
    rl->rlen = len;
    rl->r_pos += 2 + len;
    rl->read_any = 1;
    return TLS_RL_OK;
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
        rl->sslv2 = 0;
        /* Only a server's very first record may be in SSL 2.0 form. */
        if (s->server && !rl->read_any && (hdr[0] & 0x80) != 0 && hdr[2] == SSL2_MT_CLIENT_HELLO)
            return read_sslv2_hello(s, rl);
        len = ((size_t)hdr[3] << 8) | hdr[4];
        if (!rl->hdr_done) {
            tls_msg(s, 0, (hdr[1] << 8) | hdr[2], SSL3_RT_HEADER, hdr, SSL3_RT_HEADER_LENGTH);
            if (!check_header(s, rl, hdr, len))
                return TLS_RL_FATAL;
            rl->hdr_done = 1;
        }
        if ((r = fill(s, rl, SSL3_RT_HEADER_LENGTH + len)) != TLS_RL_OK)
            return r;
        rl->hdr_done = 0;
        hdr = rl->rbuf + rl->r_pos; /* fill() may have moved the data */
        rl->r_pos += SSL3_RT_HEADER_LENGTH + len;
        rl->read_any = 1;
        type = hdr[0];

        /* RFC 8446 D.4: a change_cipher_spec during the first TLS 1.3
         * handshake is only middlebox compatibility; it must be exactly 0x01. */
        if (type == SSL3_RT_CHANGE_CIPHER_SPEC && rl->version == TLS1_3_VERSION &&
            s->conn->in_init) {
            if (len != 1 || hdr[SSL3_RT_HEADER_LENGTH] != 1) {
                tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_INVALID_CCS_MESSAGE);
                return TLS_RL_FATAL;
            }
            if (!count_empty(s, rl, SSL_R_UNEXPECTED_CCS_MESSAGE))
                return TLS_RL_FATAL;
            continue;
        }
        uint8_t *content = hdr + SSL3_RT_HEADER_LENGTH;
        if (rl->rd.keyed && !(type == SSL3_RT_ALERT && rl->plain_alerts_ok)) {
            int ok = unprotect(s, rl, hdr, &content, &len, &type);

            if (ok < 0) {
                if (!tls_rl_skip_early_record(s, rl, len))
                    return TLS_RL_FATAL;
                continue;
            }
            if (!ok)
                return TLS_RL_FATAL;
            rl->skip_early_data = 0; /* the client's handshake keys are in use */
        }
        if (rl->version == TLS1_3_VERSION && len == 0 &&
            (type == SSL3_RT_HANDSHAKE || type == SSL3_RT_ALERT)) {
            tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_BAD_LENGTH);
            return TLS_RL_FATAL;
        }
        /* RFC 6066 §4: a record over the negotiated max_fragment_length is
         * a record_overflow, as one over 2^14. */
        if (len > SSL3_RT_MAX_PLAIN_LENGTH ||
            (tls_rl_max_fragment(s) != 0 && len > tls_rl_max_fragment(s))) {
            tls_fatal(s, SSL_AD_RECORD_OVERFLOW, SSL_R_DATA_LENGTH_TOO_LONG);
            return TLS_RL_FATAL;
        }
        if (len == 0) {
            if (!count_empty(s, rl, SSL_R_RECORD_TOO_SMALL))
                return TLS_RL_FATAL;
            /* An empty application-data record still is one: stock refuses
             * it where data may not come (during a handshake, between
             * ChangeCipherSpec and Finished); the rest carry nothing. */
            if (type != SSL3_RT_APPLICATION_DATA)
                continue;
        } else {
            rl->empty_records = 0;
            if (type != SSL3_RT_ALERT)
                rl->warn_alerts = 0;
        }
        rl->rtype = type;
        rl->rversion = (uint16_t)((hdr[1] << 8) | hdr[2]);
        rl->rdata = content;
        rl->rlen = len;
        return TLS_RL_OK;
    }
}

int tls_rl_skip_early_record(SSL *s, struct tls_rl *rl, size_t len)
{
    if (len > rl->early_data_left)
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_TOO_MUCH_EARLY_DATA);
    rl->early_data_left -= len;
    return 1;
}

void tls_rl_release_record(struct tls_rl *rl)
{
    rl->rdata = NULL;
    rl->rlen = 0;
    /* Nothing buffered: give the memory back (an idle connection holds no
     * record buffer). */
    if (rl->rbuf != NULL && rl->r_pos == rl->r_end)
        free_rbuf(rl);
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
    uint8_t *nb = OPENSSL_realloc(rl->wbuf, cap); /* sealed records only */
    if (nb == NULL)
        return 0;
    rl->wbuf = nb;
    rl->w_cap = cap;
    return 1;
}

/* A record that could not be sealed still holds its plaintext: wiped, as
 * the write buffer is freed without wiping. */
static int seal_failed(SSL *s, uint8_t *p, size_t n)
{
    OPENSSL_cleanse(p, n);
    return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
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

/* The most protection adds to a record of len bytes. */
static size_t expansion(const struct tls_rl_dir *d, size_t pad)
{
    switch (d->prot) {
    case TLS_PROT_TLS13:
        return 1 + pad + d->aead.tag_len;
    case TLS_PROT_AEAD_EXPLICIT:
        return 8 + d->aead.tag_len;
    case TLS_PROT_AEAD_XOR:
        return d->aead.tag_len;
    case TLS_PROT_CBC:
        return tls_cbc_overhead(&d->cbc);
    default:
        return 0;
    }
}

static int queue_one(SSL *s, struct tls_rl *rl, int type, const uint8_t *data, size_t len)
{
    struct tls_rl_dir *d = &rl->wr;
    size_t pad = d->tls13 ? padding_for(s, type, len) : 0;
    size_t room = SSL3_RT_HEADER_LENGTH + len + expansion(d, pad), body = len;
    size_t iv = d->prot == TLS_PROT_CBC && d->cbc.explicit_iv ? d->cbc.block
                : d->prot == TLS_PROT_AEAD_EXPLICIT           ? 8
                                                              : 0;
    uint8_t *h, *p, nonce[TLS_AEAD_NONCE_LEN], ad[13];

    if (!wbuf_reserve(rl, room))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    h = rl->wbuf + rl->w_end;
    p = h + SSL3_RT_HEADER_LENGTH;
    h[0] = (uint8_t)(d->tls13 ? SSL3_RT_APPLICATION_DATA : type);
    h[1] = (uint8_t)(rl->wversion >> 8);
    h[2] = (uint8_t)rl->wversion;
    /* AEAD records are sealed straight from data; the others copy it first. */
    if (len > 0 && d->prot != TLS_PROT_TLS13 && d->prot != TLS_PROT_AEAD_XOR &&
        d->prot != TLS_PROT_AEAD_EXPLICIT)
        memcpy(p + iv, data, len);
    switch (d->prot) {
    case TLS_PROT_NONE:
        break;
    case TLS_PROT_TLS13: {
        /* The inner content type, then the padding zeros (RFC 8446 5.2). */
        uint8_t tail[1 + 255] = {(uint8_t)type};
        if (pad + 1 > sizeof(tail)) {
            memcpy(p, data, len);
            p[len] = (uint8_t)type;
            memset(p + len + 1, 0, pad);
            data = p;
        }
        body = len + 1 + pad;
        h[3] = (uint8_t)((body + d->aead.tag_len) >> 8);
        h[4] = (uint8_t)(body + d->aead.tag_len);
        tls_aead_xor_nonce(&d->aead, d->seq, nonce);
        if (!tls_aead_seal_from(&d->aead, nonce, h, SSL3_RT_HEADER_LENGTH, data,
                                data == p ? body : len, tail, data == p ? 0 : 1 + pad, p))
            return seal_failed(s, p, len + 1 + pad);
        body += d->aead.tag_len;
        break;
    }
    case TLS_PROT_AEAD_XOR:
    case TLS_PROT_AEAD_EXPLICIT:
        aead12_ad(ad, d->seq, h, len);
        if (d->prot == TLS_PROT_AEAD_XOR) {
            tls_aead_xor_nonce(&d->aead, d->seq, nonce);
        } else {
            /* The explicit nonce is the sequence number: unique per key. */
            for (int i = 7; i >= 0; i--)
                p[7 - i] = (uint8_t)(d->seq >> (8 * i));
            explicit_nonce(&d->aead, p, nonce);
        }
        if (!tls_aead_seal_from(&d->aead, nonce, ad, sizeof(ad), data, len, NULL, 0, p + iv))
            return seal_failed(s, p, iv + len + 1);
        body = iv + len + d->aead.tag_len;
        break;
    case TLS_PROT_CBC:
        if (!tls_cbc_seal(&d->cbc, s->ctx->libctx, d->seq, (uint8_t)type, rl->wversion, p, len,
                          &body))
            return seal_failed(s, p, iv + len);
        break;
    default:
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (d->keyed)
        d->seq++;
    h[3] = (uint8_t)(body >> 8);
    h[4] = (uint8_t)body;
    tls_msg(s, 1, rl->wversion, SSL3_RT_HEADER, h, SSL3_RT_HEADER_LENGTH);
    if (d->prot == TLS_PROT_TLS13) {
        /* Stock reports the inner type after the header, with the
         * header's (legacy) version. */
        uint8_t inner = (uint8_t)type;
        tls_msg(s, 1, rl->wversion, SSL3_RT_INNER_CONTENT_TYPE, &inner, 1);
    }
    rl->w_end += SSL3_RT_HEADER_LENGTH + body;
    return 1;
}

int tls_rl_queue(SSL *s, struct tls_rl *rl, int type, const uint8_t *data, size_t len)
{
    /* TLS 1.0 CBC (BEAST): an empty record first makes the data record's IV
     * unpredictable, unless SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS. */
    if (rl->wr.empty_fragments && type == SSL3_RT_APPLICATION_DATA && len > 0 &&
        !(s->cfg.options & SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS) && !queue_one(s, rl, type, NULL, 0))
        return 0;
    return queue_one(s, rl, type, data, len);
}

size_t tls_rl_max_fragment(const SSL *s)
{
    /* The session's mode is set as soon as the hello that settles it is
     * read (stock's session->ext.max_fragment_len_mode), so the limit holds
     * from the next record on, handshake records included. */
    uint8_t mode = s->session != NULL ? s->session->max_fragment_len_mode : 0;

    if (mode < TLSEXT_max_fragment_length_512 || mode > TLSEXT_max_fragment_length_4096)
        return 0;
    return (size_t)512 << (mode - 1);
}

size_t tls_rl_send_fragment(const SSL *s)
{
    size_t frag = tls_rl_max_fragment(s);

    if (frag == 0)
        frag = s->cfg.max_send_fragment;
    if (frag == 0 || frag > SSL3_RT_MAX_PLAIN_LENGTH)
        frag = SSL3_RT_MAX_PLAIN_LENGTH;
    return frag;
}

int tls_rl_queue_all(SSL *s, struct tls_rl *rl, int type, const uint8_t *data, size_t len)
{
    size_t frag = tls_rl_send_fragment(s);
    do {
        size_t n = len < frag ? len : frag;
        if (!tls_rl_queue(s, rl, type, data, n))
            return 0;
        data += n;
        len -= n;
    } while (len > 0);
    return 1;
}

enum tls_rl_result tls_rl_flush_flight(SSL *s, struct tls_rl *rl)
{
    enum tls_rl_result r;

    if (tls_rl_write_pending(rl) || rl->bio_flush_due) {
        if ((r = tls_rl_flush(s, rl)) != TLS_RL_OK)
            return r;
        if (BIO_flush(s->wbio) <= 0) {
            s->rwstate = SSL_WRITING;
            return TLS_RL_RETRY;
        }
        rl->bio_flush_due = 0;
    }
    /* The flight has left: its last state is reported now (tls_conn_set_state). */
    tls_conn_pay_loop(s);
    return TLS_RL_OK;
}

enum tls_rl_result tls_rl_flush(SSL *s, struct tls_rl *rl)
{
    while (rl->w_pos < rl->w_end) {
        int ret;
        if (s->wbio == NULL && tls_conn_in_init(s)) {
            /* Stock writes a handshake into a buffering BIO it puts in
             * front of the write BIO: without one, only that buffer's
             * flush fails, raising nothing (SSL_ERROR_SYSCALL), and the
             * flight stays for a retry. */
            s->rwstate = SSL_WRITING;
            return TLS_RL_RETRY;
        }
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
        rl->bio_flush_due = 1;
    }
    s->rwstate = SSL_NOTHING;
    /* Everything sent: an idle connection keeps no write buffer either. */
    OPENSSL_free(rl->wbuf);
    rl->wbuf = NULL;
    rl->w_cap = rl->w_pos = rl->w_end = 0;
    return TLS_RL_OK;
}
