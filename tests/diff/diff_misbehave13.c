/*
 * shimssl differential test: a TLS 1.3 peer that misbehaves under
 * encryption (issue 19), in both roles.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A client and a server of the library under test run a TLS 1.3 handshake
 * over memory BIOs (TLS_AES_128_GCM_SHA256, no tickets); the program reads
 * the traffic secrets from the key log and, between the two, adds records
 * of its own sealed under the sender's keys, so that the victim opens them
 * as the peer's:
 *   - "handshake": before the first encrypted record of the server's flight
 *     (victim: the client) or of the client's Finished flight (victim: the
 *     server), under the handshake keys; the peer's own records that follow
 *     are opened and sealed again with the sequence numbers moved on;
 *   - "after": once both have finished, under the application keys, then an
 *     application-data record "ok".
 * What is added: N warning user_canceled alerts (stock stops at the fifth:
 * too many warn alerts), empty handshake or alert records (RFC 8446 5.4:
 * not allowed; stock: bad length), empty application-data records (stock
 * takes up to 32 in a row, the 33rd is record too small).  Each case prints
 * the victim's handshake or read result and its error queue.
 *
 * Mode boundaries: a message after the ClientHello or ServerHello in its
 * record, or after the Finished in its record (RFC 8446 5.1: a key change
 * falls on a record boundary; stock: not on record boundary); after the
 * handshake, N KeyUpdates in a row, each in its own record under the key
 * the previous one made, update_not_requested or update_requested (stock
 * sets no limit; it answers a request with one KeyUpdate of its own).
 *
 * Mode split: a handshake message cut in two records with a user_canceled
 * warning alert between them, the cut in its header (stock: mixed handshake
 * and non-handshake data) or in its body.
 *
 * usage: diff_misbehave13 warn-alerts | empty-records | boundaries | split
 */
#include "diff_common.h"
#include "diff_wire.h"

#include <openssl/x509.h>
#include <string.h>

/* The secrets of the connection under way, from the key log. */
static struct {
    unsigned char c_hs[32], s_hs[32], c_ap[32], s_ap[32];
} secrets;

static void hex_secret(const char *hex, unsigned char out[32])
{
    if (strlen(hex) != 64)
        return;
    for (int i = 0; i < 32; i++)
        sscanf(hex + 2 * i, "%2hhx", &out[i]);
}

static void keylog(const SSL *s, const char *line)
{
    static const struct {
        const char *label;
        size_t off;
    } names[] = {{"CLIENT_HANDSHAKE_TRAFFIC_SECRET ", 0},
                 {"SERVER_HANDSHAKE_TRAFFIC_SECRET ", 32},
                 {"CLIENT_TRAFFIC_SECRET_0 ", 64},
                 {"SERVER_TRAFFIC_SECRET_0 ", 96}};
    const char *p = strrchr(line, ' ');
    (void)s;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (p != NULL && strncmp(line, names[i].label, strlen(names[i].label)) == 0)
            hex_secret(p + 1, (unsigned char *)&secrets + names[i].off);
}

static void key_for(const unsigned char *secret, struct aead_key *k)
{
    wire_traffic_key(EVP_sha256(), EVP_aes_128_gcm(), secret, k);
}

/* What the misbehaving peer adds. */
enum extra {
    WARN_ALERTS,
    EMPTY_HANDSHAKE,
    EMPTY_ALERT,
    EMPTY_APPDATA,
    AFTER_HELLO,    /* a KeyUpdate after the hello, in its record */
    AFTER_FINISHED, /* a KeyUpdate after the Finished, in its record */
    SPLIT_BY_ALERT, /* a handshake message cut after n bytes, a user_canceled
                     * warning alert between its two records */
    KEY_UPDATES,    /* after the handshake: KeyUpdates, not requested */
    KEY_UPDATES_REQ /* the same, update_requested */
};

/* A KeyUpdate message: update_not_requested (RFC 8446 4.6.3). */
static const unsigned char key_update[5] = {SSL3_MT_KEY_UPDATE, 0, 0, 1, 0};

static const char *extra_name(enum extra e)
{
    switch (e) {
    case WARN_ALERTS:
        return "user_canceled warning alerts";
    case EMPTY_HANDSHAKE:
        return "empty handshake records";
    case EMPTY_ALERT:
        return "empty alert records";
    case AFTER_HELLO:
        return "KeyUpdate after the hello in its record";
    case AFTER_FINISHED:
        return "KeyUpdate after the Finished in its record";
    case SPLIT_BY_ALERT:
        return "byte(s) of a message, an alert, the rest";
    case KEY_UPDATES:
        return "KeyUpdates";
    case KEY_UPDATES_REQ:
        return "KeyUpdates requesting one";
    case EMPTY_APPDATA:
    default:
        return "empty application-data records";
    }
}

/* n records of the kind, sealed under k (made from secret, which
 * KeyUpdates move on, RFC 8446 7.2). */
static void seal_extra(struct buf *o, struct aead_key *k, unsigned char *secret, enum extra e,
                       int n)
{
    static const unsigned char canceled[2] = {SSL3_AL_WARNING, SSL_AD_USER_CANCELLED};
    static const unsigned char key_update_req[5] = {SSL3_MT_KEY_UPDATE, 0, 0, 1, 1};
    unsigned char next[32];

    for (int i = 0; i < n; i++) {
        switch (e) {
        case KEY_UPDATES:
        case KEY_UPDATES_REQ:
            wire_seal13(o, k, e == KEY_UPDATES ? key_update : key_update_req, 5, SSL3_RT_HANDSHAKE);
            wire_expand_label(EVP_sha256(), secret, "traffic upd", NULL, 0, next, 32);
            memcpy(secret, next, 32);
            key_for(secret, k);
            break;
        case SPLIT_BY_ALERT:
            /* after the handshake: a KeyUpdate cut after n bytes */
            wire_seal13(o, k, key_update, (size_t)n, SSL3_RT_HANDSHAKE);
            wire_seal13(o, k, canceled, 2, SSL3_RT_ALERT);
            wire_seal13(o, k, key_update + n, sizeof(key_update) - (size_t)n, SSL3_RT_HANDSHAKE);
            wire_expand_label(EVP_sha256(), secret, "traffic upd", NULL, 0, next, 32);
            memcpy(secret, next, 32);
            key_for(secret, k);
            return;
        case AFTER_HELLO:
        case AFTER_FINISHED:
            break;
        case WARN_ALERTS:
            wire_seal13(o, k, canceled, 2, SSL3_RT_ALERT);
            break;
        case EMPTY_HANDSHAKE:
            wire_seal13(o, k, NULL, 0, SSL3_RT_HANDSHAKE);
            break;
        case EMPTY_ALERT:
            wire_seal13(o, k, NULL, 0, SSL3_RT_ALERT);
            break;
        case EMPTY_APPDATA:
        default:
            wire_seal13(o, k, NULL, 0, SSL3_RT_APPLICATION_DATA);
            break;
        }
    }
}

/* Moves what `from` wrote to `to`'s read BIO: plaintext records as they
 * are; before the first encrypted one, the extra records sealed under the
 * sender's key; each encrypted record opened under the sender's key and
 * sealed again after them (n 0: everything as it is).  AFTER_HELLO adds a
 * KeyUpdate to the first handshake record, AFTER_FINISHED to the last
 * encrypted one. */
static void relay(SSL *from, SSL *to, const unsigned char *secret, enum extra e, int n)
{
    static unsigned char in[WIRE_BUF_SIZE];
    static struct buf out;
    struct aead_key rd, wr;
    int len = BIO_read(SSL_get_wbio(from), in, sizeof(in)), added = 0;
    size_t at = 0;

    out.n = 0;
    if (n > 0 && secret != NULL) {
        key_for(secret, &rd);
        key_for(secret, &wr);
    }
    while (len > 0 && at + 5 <= (size_t)len) {
        size_t rlen = 5 + u16_at(in + at + 3);
        unsigned char inner[16384 + 256];
        size_t inner_len;
        unsigned type;

        if (at + rlen > (size_t)len)
            break;
        if (n > 0 && e == AFTER_HELLO && !added && in[at] == SSL3_RT_HANDSHAKE) {
            put_u8(&out, in[at]);
            put_u16(&out, u16_at(in + at + 1));
            put_u16(&out, (unsigned)(rlen - 5 + sizeof(key_update)));
            put(&out, in + at + 5, rlen - 5);
            put(&out, key_update, sizeof(key_update));
            added = 1;
        } else if (in[at] != SSL3_RT_APPLICATION_DATA || n == 0 || e == AFTER_HELLO) {
            put(&out, in + at, rlen);
        } else {
            int first = !added;

            if (first && e != SPLIT_BY_ALERT)
                seal_extra(&out, &wr, NULL, e, n);
            added = 1;
            if (!wire_open13(&rd, in + at, rlen, inner, &inner_len, &type)) {
                printf("   a record of the peer did not open\n");
            } else if (first && e == SPLIT_BY_ALERT && inner_len > (size_t)n) {
                /* the first encrypted record's first message, cut */
                static const unsigned char canceled[2] = {SSL3_AL_WARNING, SSL_AD_USER_CANCELLED};
                wire_seal13(&out, &wr, inner, (size_t)n, type);
                wire_seal13(&out, &wr, canceled, 2, SSL3_RT_ALERT);
                wire_seal13(&out, &wr, inner + n, inner_len - (size_t)n, type);
            } else {
                /* (the last record of the flight ends with the Finished) */
                if (e == AFTER_FINISHED && at + rlen == (size_t)len) {
                    memcpy(inner + inner_len, key_update, sizeof(key_update));
                    inner_len += sizeof(key_update);
                }
                wire_seal13(&out, &wr, inner, inner_len, type);
            }
        }
        at += rlen;
    }
    if (n > 0 && !added)
        printf("   nothing encrypted to add to\n");
    BIO_write(SSL_get_rbio(to), out.b, (int)out.n);
}

static void report(const char *label, SSL *s, int r)
{
    printf("%s: ret %d, SSL_get_error %d\n", label, r, SSL_get_error(s, r));
    diff_print_errors("   ");
}

static EVP_PKEY *key;
static X509 *cert;

static SSL *new_ssl(int server)
{
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    SSL *s;
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());

    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256");
    if (server) {
        SSL_CTX_use_certificate(ctx, cert);
        SSL_CTX_use_PrivateKey(ctx, key);
        SSL_CTX_set_num_tickets(ctx, 0);
    }
    /* Both log: the server knows the handshake secrets before the client. */
    SSL_CTX_set_keylog_callback(ctx, keylog);
    s = SSL_new(ctx);
    SSL_CTX_free(ctx);
    BIO_set_mem_eof_return(rb, -1);
    SSL_set_bio(s, rb, wb);
    return s;
}

/* One case: the victim (client or server) meets n extra records in the
 * handshake or after it. */
static void run(int victim_server, int after, enum extra e, int n)
{
    SSL *c = new_ssl(0), *s = new_ssl(1);
    char label[128];
    int r;

    memset(&secrets, 0, sizeof(secrets));
    snprintf(label, sizeof(label), "%s, %s, %d %s", victim_server ? "server" : "client",
             after ? "after the handshake" : "in the handshake", n, extra_name(e));
    SSL_connect(c);
    if (e == AFTER_HELLO && victim_server) {
        relay(c, s, NULL, e, n);
        report(label, s, SSL_accept(s));
        goto done;
    }
    relay(c, s, NULL, e, 0);
    SSL_accept(s);
    if (!after && !victim_server) {
        relay(s, c, secrets.s_hs, e, n);
        report(label, c, SSL_connect(c));
        goto done;
    }
    relay(s, c, NULL, e, 0);
    r = SSL_connect(c);
    if (!after) {
        relay(c, s, secrets.c_hs, e, n);
        report(label, s, SSL_accept(s));
        goto done;
    }
    relay(c, s, NULL, e, 0);
    if (r != 1 || SSL_accept(s) != 1) {
        printf("%s: the handshake did not complete\n", label);
        diff_print_errors("   ");
        goto done;
    }
    {
        SSL *victim = victim_server ? s : c;
        struct aead_key k;
        static struct buf out;
        char data[64];

        out.n = 0;
        key_for(victim_server ? secrets.c_ap : secrets.s_ap, &k);
        seal_extra(&out, &k, victim_server ? secrets.c_ap : secrets.s_ap, e, n);
        wire_seal13(&out, &k, (const unsigned char *)"ok", 2, SSL3_RT_APPLICATION_DATA);
        BIO_write(SSL_get_rbio(victim), out.b, (int)out.n);
        r = SSL_read(victim, data, sizeof(data));
        report(label, victim, r);
        if (r > 0)
            printf("   read \"%.*s\"\n", r, data);
    }
done:
    printf("   victim wrote %d bytes\n",
           (int)BIO_ctrl_pending(SSL_get_wbio(victim_server ? s : c)));
    SSL_free(c);
    SSL_free(s);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    diff_report_lib();
    key = wire_key_from_pem(wire_p256_key_pem);
    cert = wire_self_signed(key, "misbehave.test", "20250101000000Z", "20450101000000Z");
    for (int victim_server = 0; victim_server <= 1; victim_server++) {
        for (int after = 0; after <= 1; after++) {
            if (strcmp(mode, "warn-alerts") == 0) {
                run(victim_server, after, WARN_ALERTS, 4);
                run(victim_server, after, WARN_ALERTS, 5);
            } else if (strcmp(mode, "empty-records") == 0) {
                run(victim_server, after, EMPTY_HANDSHAKE, 1);
                run(victim_server, after, EMPTY_ALERT, 1);
                run(victim_server, after, EMPTY_APPDATA, 1);
                if (after) {
                    run(victim_server, after, EMPTY_APPDATA, 32);
                    run(victim_server, after, EMPTY_APPDATA, 33);
                }
            } else if (strcmp(mode, "split") == 0) {
                /* in the message's header, then (in the handshake) in its body */
                run(victim_server, after, SPLIT_BY_ALERT, 2);
                run(victim_server, after, SPLIT_BY_ALERT, after ? 4 : 6);
            } else if (strcmp(mode, "boundaries") == 0) {
                if (!after) {
                    run(victim_server, after, AFTER_HELLO, 1);
                    run(victim_server, after, AFTER_FINISHED, 1);
                } else {
                    run(victim_server, after, KEY_UPDATES, 100);
                    run(victim_server, after, KEY_UPDATES_REQ, 3);
                    run(victim_server, after, KEY_UPDATES_REQ, 100);
                }
            } else {
                return 2;
            }
        }
    }
    X509_free(cert);
    EVP_PKEY_free(key);
    return 0;
}
