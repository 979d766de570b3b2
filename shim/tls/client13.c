/*
 * shimssl - the TLS 1.3 client handshake.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 *   ClientHello          -------->
 *                        <--------  ServerHello (or HelloRetryRequest)
 *                                   {EncryptedExtensions}
 *                                   {CertificateRequest*}
 *                                   {Certificate*} {CertificateVerify*}
 *                        <--------  {Finished}
 *   [ChangeCipherSpec]
 *   {Certificate*} {CertificateVerify*}
 *   {Finished}           -------->
 *                        <--------  [NewSessionTicket]   (post-handshake)
 *
 * One function per state.  Checks are made in stock's order, so that a
 * given bad message gives the same alert and error as with stock.
 */
#include "shim.h"

#include <openssl/rand.h>
#include <string.h>

#include "api/client_cert.h"
#include "api/config.h"
#include "crypto/kex.h"
#include "crypto/sig.h"
#include "crypto/verify.h"
#include "crypto/x509_cache.h"
#include "tls/alert.h"
#include "tls/ca_names.h"
#include "tls/cert_chain.h"
#include "tls/client12.h"
#include "tls/client13.h"
#include "tls/extensions.h"
#include "tls/keylog.h"
#include "tls/policy.h"
#include "tls/session.h"

enum c13_state {
    C13_SEND_CLIENT_HELLO,
    C13_READ_SERVER_HELLO,
    C13_READ_ENCRYPTED_EXTENSIONS,
    C13_READ_CERT_REQUEST_OR_CERT,
    C13_READ_SERVER_CERTIFICATE,
    C13_READ_CERTIFICATE_VERIFY,
    C13_READ_SERVER_FINISHED,
    C13_SEND_CLIENT_CERTIFICATE,
    C13_SEND_CLIENT_FINISHED,
    C13_DONE,
};

/* RFC 8446 4.1.3: the ServerHello.random of a HelloRetryRequest. */
static const uint8_t hrr_random[SSL3_RANDOM_SIZE] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
/* RFC 8446 4.1.3: the last 8 bytes of a downgraded server's random. */
static const uint8_t downgrade_tls12[8] = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01};
static const uint8_t downgrade_tls11[8] = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x00};

static enum tls_step fail(void)
{
    return TLS_STEP_FAIL;
}

static int expect(SSL *s, struct tls_conn *c, int type)
{
    if (c->hm.msg.type != type)
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
    return 1;
}

/* The handshake hash so far. */
static int transcript_hash(SSL *s, struct tls_hs *hs, uint8_t *out)
{
    size_t n;
    if (!tls_transcript_hash(&hs->transcript, out, &n))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    return 1;
}

/* Installs traffic keys derived from secret for one direction. */
static int install_key(SSL *s, struct tls_conn *c, const uint8_t *secret, int write)
{
    uint8_t key[EVP_MAX_KEY_LENGTH], iv[TLS_AEAD_NONCE_LEN];
    int ok = tls13_traffic_key_iv(c->algs, c->md, secret, key, c->key_len, iv, sizeof(iv))
             && tls_rl_set_key(write ? &c->rl.wr : &c->rl.rd, c->aead, key, c->key_len, iv,
                               sizeof(iv), c->tag_len, write, TLS_PROT_TLS13);
    OPENSSL_cleanse(key, sizeof(key));
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* The AEAD and hash of a TLS 1.3 suite. */
static int choose_suite_algorithms(SSL *s, struct tls_conn *c, const SSL_CIPHER *cipher)
{
    int nid = SSL_CIPHER_get_cipher_nid(cipher);
    const EVP_MD *md = shim_algs_md_by_nid(c->algs, EVP_MD_get_type(SSL_CIPHER_get_handshake_digest(cipher)));

    c->tag_len = EVP_GCM_TLS_TAG_LEN;
    switch (nid) {
    case NID_aes_128_gcm:
        c->aead = c->algs->aes128gcm;
        break;
    case NID_aes_256_gcm:
        c->aead = c->algs->aes256gcm;
        break;
    case NID_chacha20_poly1305:
        c->aead = c->algs->chacha20poly1305;
        break;
    case NID_aes_128_ccm:
        c->aead = c->algs->aes128ccm;
        /* TLS_AES_128_CCM_8_SHA256 has an 8-byte tag. */
        if (SSL_CIPHER_get_protocol_id(cipher) == 0x1305)
            c->tag_len = 8;
        break;
    default:
        c->aead = NULL;
        break;
    }
    if (c->aead == NULL || md == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    c->md = md;
    c->hash_len = (size_t)EVP_MD_get_size(md);
    c->key_len = (size_t)EVP_CIPHER_get_key_length(c->aead);
    return 1;
}

/* ------------------------------------------------------------ ClientHello */

/* Writes the cipher_suites vector: what we may use in our version range, then
 * the renegotiation SCSV (and the fallback SCSV if asked for). */
static int write_cipher_suites(SSL *s, tls_builder *b, int min_version, int max_version,
                               int renegotiation)
{
    STACK_OF(SSL_CIPHER) *ciphers = shim_ssl_cipher_list(s);
    int n = 0, maxverok = 0;

    if (!tls_b_open(b, 2))
        return 0;
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
        const SSL_CIPHER *ci = sk_SSL_CIPHER_value(ciphers, i);
        if (!tls_cipher_usable(s, ci, min_version, max_version, SSL_SECOP_CIPHER_SUPPORTED))
            continue;
        if (!tls_b_u16(b, SSL_CIPHER_get_protocol_id(ci)))
            return 0;
        n++;
        if (ci->min_tls <= max_version && ci->max_tls >= max_version)
            maxverok = 1;
    }
    if (n == 0 || !maxverok) {
        if (!maxverok)
            ERR_raise_data(ERR_LIB_SSL, SSL_R_NO_CIPHERS_AVAILABLE,
                           "No ciphers enabled for max supported SSL/TLS version");
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_NO_CIPHERS_AVAILABLE);
        return -1;
    }
    /* A renegotiation carries renegotiation_info instead (RFC 5746 3.5). */
    if ((!renegotiation && !tls_b_u16(b, 0x00ff)) /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
        || ((s->cfg.mode & SSL_MODE_SEND_FALLBACK_SCSV) && !tls_b_u16(b, 0x5600)))
        return 0;
    return tls_b_close(b);
}

/* RFC 8446 4.2.11.2: binder = HMAC(finished key of "res binder", Hash of the
 * transcript so far plus the ClientHello up to the binders). */
static int fill_binder(SSL *s, struct tls_conn *c, struct tls_hs *hs, uint8_t *msg, size_t len,
                       size_t binders_len)
{
    uint8_t binder_key[EVP_MAX_MD_SIZE], hash[EVP_MAX_MD_SIZE];
    size_t hlen = hs->ks.hlen, trunc = len - binders_len;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    unsigned int n;
    int ok = mctx != NULL && tls13_derive_binder_key(&hs->ks, binder_key);

    if (ok && hs->transcript.ctx != NULL)
        ok = EVP_MD_CTX_copy_ex(mctx, hs->transcript.ctx);
    else if (ok)
        ok = EVP_DigestInit_ex(mctx, hs->ks.md, NULL)
             && EVP_DigestUpdate(mctx, hs->transcript.buf, hs->transcript.len);
    ok = ok && EVP_DigestUpdate(mctx, msg, trunc) && EVP_DigestFinal_ex(mctx, hash, &n)
         && tls13_finished(c->algs, hs->ks.md, binder_key, hash, msg + len - hlen);
    EVP_MD_CTX_free(mctx);
    OPENSSL_cleanse(binder_key, sizeof(binder_key));
    return ok ? 1 : tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
}

/* Chooses, on the first ClientHello, whether to offer the current session for
 * resumption (a TLS 1.3 ticket) or to start a new one. */
static int prepare_session(SSL *s, struct tls_conn *c, struct tls_hs *hs, int max_version)
{
    if (max_version >= TLS1_3_VERSION && tls_session_resumable13(s, s->session)) {
        const EVP_MD *md = shim_algs_md_by_nid(
            c->algs, EVP_MD_get_type(SSL_CIPHER_get_handshake_digest(s->session->cipher)));
        if (md == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        SSL_SESSION_up_ref(s->session);
        hs->psk_session = s->session;
        if (!tls13_secrets_init(&hs->ks, c->algs, md)
            || !tls13_derive_early(&hs->ks, s->session->master_key, s->session->master_key_length))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return 1;
    }
    if (s->session == NULL || s->session->not_resumable || s->session->ssl_version == TLS1_3_VERSION
        || s->session->session_id_length == 0) {
        if (!tls_session_new(s))
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    }
    return 1;
}

static enum tls_step do_send_client_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_builder b;
    uint8_t *msg = NULL;
    size_t len = 0, binders_len = 0;
    int min_version, max_version, reason, r;

    if (hs->renegotiation) {
        /* A renegotiation keeps the version already agreed. */
        hs->min_version = hs->max_version = c->version;
    } else if (!hs->hrr) {
        if ((reason = tls_version_range(s, &min_version, &max_version)) != 0) {
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, reason);
            return fail();
        }
        hs->min_version = min_version;
        hs->max_version = max_version;
        /* As stock: the connection reports the highest version offered until
         * the server answers, and legacy_version never exceeds TLS 1.2. */
        s->version = max_version;
        s->client_version = max_version < TLS1_2_VERSION ? max_version : TLS1_2_VERSION;
    }
    if (!hs->hrr) {
        if (!prepare_session(s, c, hs, hs->max_version))
            return fail();
        if (RAND_bytes_ex(s->ctx->libctx, c->client_random, SSL3_RANDOM_SIZE, 0) <= 0) {
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
            return fail();
        }
        if (s->session->ssl_version < TLS1_3_VERSION && s->session->session_id_length > 0
            && !hs->reneg_new_session) {
            /* Resuming a TLS 1.2 session: its id (for a ticket, the id made
             * from the ticket) asks the server to resume. */
            hs->session_id_len = s->session->session_id_length;
            memcpy(hs->session_id, s->session->session_id, hs->session_id_len);
        } else if (hs->max_version >= TLS1_3_VERSION
                   && (s->cfg.options & SSL_OP_ENABLE_MIDDLEBOX_COMPAT)) {
            /* RFC 8446 D.4: a non-empty legacy session id makes the
             * handshake look like a TLS 1.2 resumption to middleboxes. */
            hs->session_id_len = SSL3_SESSION_ID_SIZE;
            if (RAND_bytes_ex(s->ctx->libctx, hs->session_id, hs->session_id_len, 0) <= 0) {
                tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
                return fail();
            }
        }
    }
    min_version = hs->min_version;
    max_version = hs->max_version;
    /* A first ClientHello's record says TLS 1.0; a renegotiation's keeps the
     * connection's version. */
    if (!hs->renegotiation)
        c->rl.wversion = hs->hrr ? TLS1_2_VERSION : TLS1_VERSION;

    if (!tls_b_init(&b, 512) || !tls_hs_begin_msg(&b, SSL3_MT_CLIENT_HELLO)
        || !tls_b_u16(&b, (uint16_t)(hs->renegotiation ? s->client_version
                                : max_version < TLS1_2_VERSION ? max_version : TLS1_2_VERSION))
        || !tls_b_bytes(&b, c->client_random, SSL3_RANDOM_SIZE) || !tls_b_open(&b, 1)
        || !tls_b_bytes(&b, hs->session_id, hs->session_id_len) || !tls_b_close(&b)) {
        tls_b_cleanup(&b);
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    if ((r = write_cipher_suites(s, &b, min_version, max_version, hs->renegotiation)) <= 0
        /* legacy_compression_methods: null only */
        || !tls_b_u8(&b, 1) || !tls_b_u8(&b, 0)
        || !tls_ext_write_client_hello(s, c, hs, &b, min_version, max_version, &binders_len)
        || !tls_b_close(&b) || !tls_b_finish(&b, &msg, &len)) {
        tls_b_cleanup(&b);
        if (r == 0 || !c->failed)
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    tls_b_cleanup(&b);
    if (binders_len > 0 && !fill_binder(s, c, hs, msg, len, binders_len)) {
        OPENSSL_free(msg);
        return fail();
    }
    tls_conn_note_send(s, c);
    r = tls_transcript_add(&hs->transcript, msg, len)
        && tls_rl_queue_all(s, &c->rl, SSL3_RT_HANDSHAKE, msg, len);
    if (r)
        tls_msg(s, 1, s->version, SSL3_RT_HANDSHAKE, msg, len);
    OPENSSL_free(msg);
    if (!r) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    /* From here on records carry TLS 1.2 as their version. */
    c->rl.wversion = TLS1_2_VERSION;
    tls_conn_set_state(s, c, TLS_ST_CW_CLNT_HELLO);
    hs->state = C13_READ_SERVER_HELLO;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------------ ServerHello */

/* Which cipher the server picked, checked as stock's set_client_ciphersuite. */
static const SSL_CIPHER *check_cipher(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                      const uint8_t *id)
{
    const SSL_CIPHER *ci = SSL_CIPHER_find(s, id);
    STACK_OF(SSL_CIPHER) *offered = shim_ssl_cipher_list(s);

    if (ci == NULL) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_UNKNOWN_CIPHER_RETURNED);
        return NULL;
    }
    if (!tls_cipher_usable(s, ci, c->version, c->version, SSL_SECOP_CIPHER_CHECK)
        || sk_SSL_CIPHER_find(offered, (SSL_CIPHER *)ci) < 0) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CIPHER_RETURNED);
        return NULL;
    }
    /* After a HelloRetryRequest the suite must not change. */
    if (c->cipher != NULL && c->cipher != ci) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CIPHER_RETURNED);
        return NULL;
    }
    /* Resuming: another suite is fine if its hash is the same. */
    if (hs->psk_session != NULL && hs->psk_accepted && hs->psk_session->cipher != ci
        && SSL_CIPHER_get_handshake_digest(hs->psk_session->cipher)
               != SSL_CIPHER_get_handshake_digest(ci)) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_CIPHERSUITE_DIGEST_HAS_CHANGED);
        return NULL;
    }
    return ci;
}

/* supported_versions in a ServerHello: exactly one version, and it must be
 * TLS 1.3 (the only one the extension can select). */
static int parse_selected_version(SSL *s, tls_reader *r, int *version)
{
    uint16_t v;
    if (!tls_r_u16(r, &v) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (v != TLS1_3_VERSION)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_PROTOCOL_VERSION_NUMBER);
    *version = v;
    return 1;
}

/* The version the server chose, checked against what we offered and against
 * downgrade signals (stock's ssl_choose_client_version). */
static int choose_version(SSL *s, struct tls_conn *c, struct tls_hs *hs, int legacy,
                          struct tls_ext_set *ext)
{
    int version = legacy;

    if (ext->present[TLS_EXT_SUPPORTED_VERSIONS]
        && !parse_selected_version(s, &ext->data[TLS_EXT_SUPPORTED_VERSIONS], &version))
        return 0;
    if (s->method->version != TLS_ANY_VERSION) {
        if (version != s->method->version)
            return tls_fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_WRONG_SSL_VERSION);
    } else if (version < hs->min_version || version > hs->max_version) {
        return tls_fatal(s, SSL_AD_PROTOCOL_VERSION, SSL_R_UNSUPPORTED_PROTOCOL);
    }
    /* RFC 8446 4.1.3: a client landing below its maximum checks the server's
     * random for a downgrade sentinel; as stock, the TLS 1.1 one is refused
     * at any lower version, the TLS 1.2 one only by a TLS 1.3 client. */
    if (hs->max_version > version
        && (memcmp(c->server_random + 24, downgrade_tls11, 8) == 0
            || (hs->max_version == TLS1_3_VERSION
                && memcmp(c->server_random + 24, downgrade_tls12, 8) == 0)))
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_INAPPROPRIATE_FALLBACK);
    c->version = version;
    s->version = version;
    return 1;
}

/* HelloRetryRequest key_share: only the group we are to use. */
static int parse_hrr_key_share(SSL *s, struct tls_hs *hs, tls_reader *r)
{
    uint16_t id;
    const struct tls_group *g;
    int tls13_ok;
    const uint16_t *groups;
    size_t n, i;

    if (!tls_r_u16(r, &id) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (hs->kex_group != NULL && id == hs->kex_group->id)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
    tls_configured_groups(s, &groups, &n);
    for (i = 0; i < n && groups[i] != id; i++)
        continue;
    g = tls_group_by_id(id);
    if (i == n || g == NULL || !tls_group_usable(s, g, TLS1_3_VERSION, TLS1_3_VERSION, &tls13_ok)
        || !tls13_ok)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
    hs->kex_group = g;
    EVP_PKEY_free(hs->kex_priv);
    hs->kex_priv = NULL;
    return 1;
}

static enum tls_step process_hello_retry_request(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                                 tls_reader *ext_block, const uint8_t *cipher_id)
{
    struct tls_ext_set ext;
    const SSL_CIPHER *ci;
    int version;

    if (hs->hrr) {
        tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        return fail();
    }
    hs->hrr = 1;
    c->version = TLS1_3_VERSION;
    /* From here on the record layer is TLS 1.3's: the server's
     * middlebox-compatibility CCS after the HRR is dropped there. */
    c->rl.version = TLS1_3_VERSION;
    if ((ci = check_cipher(s, c, hs, cipher_id)) == NULL
        || !tls_ext_collect(s, hs, SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST, ext_block, &ext))
        return fail();
    if (ext.present[TLS_EXT_SUPPORTED_VERSIONS]
        && !parse_selected_version(s, &ext.data[TLS_EXT_SUPPORTED_VERSIONS], &version))
        return fail();
    if (ext.present[TLS_EXT_KEY_SHARE] && !parse_hrr_key_share(s, hs, &ext.data[TLS_EXT_KEY_SHARE]))
        return fail();
    if (ext.present[TLS_EXT_COOKIE]) {
        tls_reader ck;
        if (!tls_r_sub_u16(&ext.data[TLS_EXT_COOKIE], &ck) || !tls_r_done(&ext.data[TLS_EXT_COOKIE])) {
            tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
            return fail();
        }
        OPENSSL_free(hs->cookie);
        hs->cookie = OPENSSL_memdup(ck.p, ck.len > 0 ? ck.len : 1);
        hs->cookie_len = ck.len;
    }
    /* An HRR that changes nothing would make us send the same ClientHello. */
    if (hs->cookie_len == 0 && hs->kex_priv != NULL) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_NO_CHANGE_FOLLOWING_HRR);
        return fail();
    }
    c->cipher = ci;
    if (!choose_suite_algorithms(s, c, ci))
        return fail();
    /* A PSK with another hash cannot be offered again. */
    if (hs->psk_session != NULL && hs->ks.md != c->md) {
        SSL_SESSION_free(hs->psk_session);
        hs->psk_session = NULL;
    }
    if (hs->psk_session == NULL && !tls13_secrets_init(&hs->ks, c->algs, c->md)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    /* RFC 8446 4.4.1: ClientHello1 becomes a message_hash message. */
    if (!tls_transcript_set_md(&hs->transcript, c->md)
        || !tls_transcript_replace_with_message_hash(&hs->transcript)
        || !tls_hs_consume_msg(s, c, hs)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    tls_conn_set_state(s, c, TLS_ST_CR_SRVR_HELLO);
    /* The middlebox-compatibility CCS goes out before the second ClientHello. */
    if (s->cfg.options & SSL_OP_ENABLE_MIDDLEBOX_COMPAT) {
        static const uint8_t ccs = 1;
        tls_conn_note_send(s, c);
        if (!tls_rl_queue(s, &c->rl, SSL3_RT_CHANGE_CIPHER_SPEC, &ccs, 1))
            return fail();
        tls_msg(s, 1, s->version, SSL3_RT_CHANGE_CIPHER_SPEC, &ccs, 1);
        hs->sent_ccs = 1;
        tls_conn_set_state(s, c, TLS_ST_CW_CHANGE);
    }
    hs->state = C13_SEND_CLIENT_HELLO;
    return TLS_STEP_CONTINUE;
}

/* pre_shared_key in a ServerHello: the index of the identity it accepted. */
static int parse_psk_selected(SSL *s, struct tls_hs *hs, tls_reader *r)
{
    uint16_t idx;
    if (!tls_r_u16(r, &idx) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (hs->psk_session == NULL || idx != 0)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_PSK_IDENTITY);
    hs->psk_accepted = 1;
    return 1;
}

/* key_share in a ServerHello: the server's share in the group we offered. */
static int process_server_key_share(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r,
                                    uint8_t **dhe, size_t *dhe_len)
{
    uint16_t id;
    tls_reader pub;
    int alert, reason;

    if (hs->kex_priv == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (!tls_r_u16(r, &id))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (id != hs->kex_group->id)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_SHARE);
    if (!tls_r_sub_u16(r, &pub) || !tls_r_done(r) || pub.len == 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (!tls_kex_peer_key(hs->kex_priv, pub.p, pub.len, &c->peer_tmp, &alert, &reason)
        || !tls_kex_derive(c->algs, hs->kex_priv, c->peer_tmp, 1, dhe, dhe_len, &alert, &reason))
        return tls_fatal(s, alert, reason);
    c->group = hs->kex_group;
    /* The session remembers its group (stock does this before it knows
     * whether the PSK was accepted). */
    s->session->kex_group = c->group->id;
    return 1;
}

static enum tls_step do_read_server_hello(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, sid, ext_block;
    struct tls_ext_set ext;
    uint16_t legacy;
    const uint8_t *cipher_id, *random;
    uint8_t compression, hash[EVP_MAX_MD_SIZE], *dhe = NULL;
    size_t dhe_len = 0;
    const SSL_CIPHER *ci;
    int ok;

    if (!expect(s, c, SSL3_MT_SERVER_HELLO))
        return fail();
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u16(&r, &legacy) || !tls_r_bytes(&r, &random, SSL3_RANDOM_SIZE)) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        return fail();
    }
    int hrr = hs->max_version >= TLS1_3_VERSION && legacy == TLS1_2_VERSION
              && memcmp(random, hrr_random, SSL3_RANDOM_SIZE) == 0;
    if (!hrr)
        memcpy(c->server_random, random, SSL3_RANDOM_SIZE);
    if (!tls_r_sub_u8(&r, &sid)) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        return fail();
    }
    if (sid.len > SSL3_SESSION_ID_SIZE) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_SSL3_SESSION_ID_TOO_LONG);
        return fail();
    }
    if (!tls_r_bytes(&r, &cipher_id, 2) || !tls_r_u8(&r, &compression)) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        return fail();
    }
    if (tls_r_done(&r) && !hrr) {
        tls_r_init(&ext_block, NULL, 0);
    } else {
        tls_reader inner;
        if (!tls_r_sub_u16(&r, &inner) || !tls_r_done(&r)) {
            tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_LENGTH);
            return fail();
        }
        /* tls_ext_collect reads the vector with its length again. */
        tls_r_init(&ext_block, inner.p - 2, inner.len + 2);
    }
    if (!hrr) {
        if (!tls_ext_collect(s, hs, SSL_EXT_TLS1_2_SERVER_HELLO | SSL_EXT_TLS1_3_SERVER_HELLO,
                             &ext_block, &ext)
            || !choose_version(s, c, hs, legacy, &ext))
            return fail();
    }
    if (hrr || c->version == TLS1_3_VERSION) {
        if (compression != 0) {
            tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_INVALID_COMPRESSION_ALGORITHM);
            return fail();
        }
        if (sid.len != hs->session_id_len || memcmp(sid.p, hs->session_id, sid.len) != 0) {
            tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_INVALID_SESSION_ID);
            return fail();
        }
    }
    if (hrr)
        return process_hello_retry_request(s, c, hs, &ext_block, cipher_id);
    /* Now that the version is known: only its ServerHello's extensions. */
    if (!tls_ext_all_allowed(&ext, c->version == TLS1_3_VERSION ? SSL_EXT_TLS1_3_SERVER_HELLO
                                                                 : SSL_EXT_TLS1_2_SERVER_HELLO)) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_EXTENSION);
        return fail();
    }
    if (c->version != TLS1_3_VERSION) {
        struct tls_server_hello sh = {cipher_id, compression, sid, ext};
        return tls_client12_server_hello(s, c, hs, &sh);
    }
    /* The key change after ServerHello must fall on a record boundary. */
    if (c->hm.pos + c->hm.msg.raw_len != c->hm.len) {
        tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_NOT_ON_RECORD_BOUNDARY);
        return fail();
    }
    s->hit = 0;
    if (ext.present[TLS_EXT_PSK] && !parse_psk_selected(s, hs, &ext.data[TLS_EXT_PSK]))
        return fail();
    if (hs->psk_accepted) {
        s->hit = 1;
        if (s->cfg.sid_ctx_length != s->session->sid_ctx_length
            || memcmp(s->session->sid_ctx, s->cfg.sid_ctx, s->cfg.sid_ctx_length) != 0) {
            tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER,
                      SSL_R_ATTEMPT_TO_REUSE_SESSION_IN_DIFFERENT_CONTEXT);
            return fail();
        }
    } else {
        if (hs->psk_session != NULL) {
            shim_counter_inc(&s->session_ctx->stats.miss);
            if (!tls_session_new(s)) {
                tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
                return fail();
            }
            SSL_SESSION_free(hs->psk_session);
            hs->psk_session = NULL;
        }
        s->session->ssl_version = c->version;
    }
    if ((ci = check_cipher(s, c, hs, cipher_id)) == NULL)
        return fail();
    c->cipher = ci;
    if (!choose_suite_algorithms(s, c, ci))
        return fail();
    if (!s->hit)
        s->session->cipher = ci;
    if (hs->psk_session == NULL
        && (!tls13_secrets_init(&hs->ks, c->algs, c->md) || !tls13_derive_early(&hs->ks, NULL, 0))) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    if (!ext.present[TLS_EXT_KEY_SHARE]) {
        /* psk_ke (no key share) is offered only with SSL_OP_ALLOW_NO_DHE_KEX. */
        if (!hs->psk_accepted || !(s->cfg.options & SSL_OP_ALLOW_NO_DHE_KEX)) {
            tls_fatal(s, SSL_AD_MISSING_EXTENSION, SSL_R_NO_SUITABLE_KEY_SHARE);
            return fail();
        }
    } else if (!process_server_key_share(s, c, hs, &ext.data[TLS_EXT_KEY_SHARE], &dhe, &dhe_len)) {
        return fail();
    }
    c->rl.version = TLS1_3_VERSION;
    ok = (hs->transcript.ctx != NULL || tls_transcript_set_md(&hs->transcript, c->md))
         && tls_hs_consume_msg(s, c, hs) && transcript_hash(s, hs, hash)
         && tls13_derive_handshake(&hs->ks, dhe, dhe_len, hash);
    OPENSSL_clear_free(dhe, dhe_len);
    if (!ok) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    tls_keylog(s, c, "SERVER_HANDSHAKE_TRAFFIC_SECRET", hs->ks.server_hs, hs->ks.hlen);
    if (!install_key(s, c, hs->ks.server_hs, 0))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CR_SRVR_HELLO);
    hs->state = C13_READ_ENCRYPTED_EXTENSIONS;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------ EncryptedExtensions */

/* Whether `r` holds exactly one u16-length-prefixed block. */
static int whole_u16_block(const tls_reader *r)
{
    tls_reader copy = *r, block;
    return tls_r_sub_u16(&copy, &block) && tls_r_done(&copy);
}

static int parse_encrypted_extensions(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                      struct tls_ext_set *ext)
{
    /* In table order, as stock parses them. */
    if (ext->present[TLS_EXT_SERVER_NAME]) {
        if (!tls_r_done(&ext->data[TLS_EXT_SERVER_NAME]))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        if (!s->hit && s->session->hostname == NULL && s->hostname != NULL
            && (s->session->hostname = OPENSSL_strdup(s->hostname)) == NULL)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    }
    if (ext->present[TLS_EXT_MAX_FRAGMENT_LENGTH]) {
        uint8_t mode;
        tls_reader *r = &ext->data[TLS_EXT_MAX_FRAGMENT_LENGTH];
        if (!tls_r_u8(r, &mode) || !tls_r_done(r))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        if (mode != s->cfg.max_fragment_len_mode)
            return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH);
        s->session->max_fragment_len_mode = mode;
    } else if (s->session->max_fragment_len_mode == TLSEXT_max_fragment_length_UNSPECIFIED) {
        s->session->max_fragment_len_mode = TLSEXT_max_fragment_length_DISABLED;
    }
    /* A server's supported_groups is allowed here but, as with stock, not
     * read: a client has no use for it (SSL_get1_groups stays empty). */
    if (ext->present[TLS_EXT_ALPN] && !tls_ext_parse_server_alpn(s, c, &ext->data[TLS_EXT_ALPN]))
        return 0;
    (void)hs;
    return 1;
}

static enum tls_step do_read_encrypted_extensions(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct tls_ext_set ext;
    tls_reader r;

    if (!expect(s, c, SSL3_MT_ENCRYPTED_EXTENSIONS))
        return fail();
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    /* The block is required here and must fill the message exactly. */
    if (!whole_u16_block(&r)) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        return fail();
    }
    if (!tls_ext_collect(s, hs, SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS, &r, &ext)
        || !parse_encrypted_extensions(s, c, hs, &ext) || !tls_hs_consume_msg(s, c, hs))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CR_ENCRYPTED_EXTENSIONS);
    /* A resumed session is authenticated by the PSK: no certificate follows. */
    hs->state = s->hit ? C13_READ_SERVER_FINISHED : C13_READ_CERT_REQUEST_OR_CERT;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------ CertificateRequest */

static int parse_sigalgs(SSL *s, struct tls_hs *hs, tls_reader *r)
{
    tls_reader list;
    if (!tls_r_sub_u16(r, &list) || !tls_r_done(r) || list.len == 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    if (list.len % 2 != 0)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    OPENSSL_free(hs->peer_sigalgs);
    hs->peer_sigalgs_len = list.len / 2;
    if ((hs->peer_sigalgs = OPENSSL_malloc(list.len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    for (size_t i = 0; i < hs->peer_sigalgs_len; i++)
        tls_r_u16(&list, &hs->peer_sigalgs[i]);
    return 1;
}

/* certificate_authorities: the names, then nothing (bad_extension, as stock). */
static int parse_ca_names_ext(SSL *s, struct tls_hs *hs, tls_reader *r)
{
    if (!tls_parse_ca_names(s, r, &hs->peer_ca_names))
        return 0;
    if (!tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    return 1;
}

static enum tls_step do_read_certificate_request(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct tls_ext_set ext;
    tls_reader r, ctx, block, inner;

    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    /* struct { opaque certificate_request_context<0..2^8-1>;
     *          Extension extensions<2..2^16-1>; } CertificateRequest; */
    if (!tls_r_sub_u8(&r, &ctx)) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        return fail();
    }
    OPENSSL_free(hs->cert_req_context);
    hs->cert_req_context = OPENSSL_memdup(ctx.p, ctx.len > 0 ? ctx.len : 1);
    hs->cert_req_context_len = ctx.len;
    block = r;
    if (!tls_r_sub_u16(&r, &inner)) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_LENGTH);
        return fail();
    }
    /* Bytes after the block are refused only once the extensions parsed. */
    block.len -= r.len;
    if (!tls_ext_collect(s, hs, SSL_EXT_TLS1_3_CERTIFICATE_REQUEST, &block, &ext))
        return fail();
    if (ext.present[TLS_EXT_SIG_ALGS] && !parse_sigalgs(s, hs, &ext.data[TLS_EXT_SIG_ALGS]))
        return fail();
    if (ext.present[TLS_EXT_CERTIFICATE_AUTHORITIES]
        && !parse_ca_names_ext(s, hs, &ext.data[TLS_EXT_CERTIFICATE_AUTHORITIES]))
        return fail();
    if (!ext.present[TLS_EXT_SIG_ALGS]) {
        tls_fatal(s, SSL_AD_MISSING_EXTENSION, SSL_R_MISSING_SIGALGS_EXTENSION);
        return fail();
    }
    if (!tls_r_done(&r)) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        return fail();
    }
    hs->cert_requested = 1;
    if (!tls_hs_consume_msg(s, c, hs))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CR_CERT_REQ);
    hs->state = C13_READ_SERVER_CERTIFICATE;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------------- Certificate */

/* The status_request extension of the leaf CertificateEntry: an OCSP response. */
static int parse_ocsp_status(SSL *s, struct tls_hs *hs, tls_reader *r)
{
    uint8_t type;
    tls_reader resp;
    if (!tls_r_u8(r, &type) || type != TLSEXT_STATUSTYPE_ocsp)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_UNSUPPORTED_STATUS_TYPE);
    if (!tls_r_sub_u24(r, &resp) || resp.len == 0 || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    OPENSSL_free(s->conn->ocsp_response);
    if ((s->conn->ocsp_response = OPENSSL_memdup(resp.p, resp.len)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    s->conn->ocsp_response_len = resp.len;
    (void)hs;
    return 1;
}

static int parse_certificate_list(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, list;
    uint8_t ctx_len;
    STACK_OF(X509) *chain = sk_X509_new_null();

    if (chain == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    /* The server's certificate_request_context is empty. */
    if (!tls_r_u8(&r, &ctx_len) || ctx_len != 0 || !tls_r_sub_u24(&r, &list) || !tls_r_done(&r)
        || tls_r_done(&list)) {
        sk_X509_free(chain);
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    }
    while (!tls_r_done(&list)) {
        tls_reader der, exts;
        struct tls_ext_set ext;
        int parsed;
        X509 *x;

        if (!tls_r_sub_u24(&list, &der)) {
            sk_X509_pop_free(chain, X509_free);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_CERT_LENGTH_MISMATCH);
        }
        if ((parsed = shim_x509_from_der(c->algs, der.p, der.len, &x)) == 0) {
            sk_X509_pop_free(chain, X509_free);
            return tls_fatal(s, SSL_AD_BAD_CERTIFICATE, ERR_R_ASN1_LIB);
        }
        if (parsed < 0 || !sk_X509_push(chain, x)) {
            X509_free(x);
            sk_X509_pop_free(chain, X509_free);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_CERT_LENGTH_MISMATCH);
        }
        exts = list;
        if (!tls_r_sub_u16(&list, &der)) {
            sk_X509_pop_free(chain, X509_free);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_LENGTH);
        }
        exts.len = der.len + 2;
        if (!tls_ext_collect(s, hs, SSL_EXT_TLS1_3_CERTIFICATE, &exts, &ext)) {
            sk_X509_pop_free(chain, X509_free);
            return 0;
        }
        if (sk_X509_num(chain) == 1 && ext.present[TLS_EXT_STATUS_REQUEST]
            && !parse_ocsp_status(s, hs, &ext.data[TLS_EXT_STATUS_REQUEST])) {
            sk_X509_pop_free(chain, X509_free);
            return 0;
        }
    }
    sk_X509_pop_free(hs->peer_chain, X509_free);
    hs->peer_chain = chain;
    return 1;
}

static enum tls_step do_read_server_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    EVP_PKEY *pkey;
    X509 *leaf;
    int ok;

    if (!expect(s, c, SSL3_MT_CERTIFICATE) || !parse_certificate_list(s, c, hs))
        return fail();
    /* The session holds the chain as received (leaf first, as a client's stock
     * session does) even if it fails verification: SSL_get_peer_cert_chain
     * shows it after a failed handshake. */
    sk_X509_pop_free(s->session->peer_chain, X509_free);
    s->session->peer_chain = X509_chain_up_ref(hs->peer_chain);
    /* The chain is checked now, before its key is trusted for anything. */
    ok = shim_verify_chain(s, hs->peer_chain);
    if (!ok && s->cfg.verify_mode != SSL_VERIFY_NONE) {
        tls_fatal(s, shim_verify_error_alert(s->verify_result), SSL_R_CERTIFICATE_VERIFY_FAILED);
        return fail();
    }
    ERR_clear_error(); /* a tolerated verification failure leaves no error, as stock */
    leaf = sk_X509_value(hs->peer_chain, 0);
    pkey = X509_get0_pubkey(leaf);
    if (pkey == NULL || EVP_PKEY_missing_parameters(pkey)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_UNABLE_TO_FIND_PUBLIC_KEY_PARAMETERS);
        return fail();
    }
    if (!EVP_PKEY_is_a(pkey, "RSA") && !EVP_PKEY_is_a(pkey, "RSA-PSS") && !EVP_PKEY_is_a(pkey, "EC")
        && !EVP_PKEY_is_a(pkey, "ED25519") && !EVP_PKEY_is_a(pkey, "ED448")
        && !EVP_PKEY_is_a(pkey, "DSA")) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_UNKNOWN_CERTIFICATE_TYPE);
        return fail();
    }
    X509_free(s->session->peer);
    X509_up_ref(leaf);
    s->session->peer = leaf;
    s->session->verify_result = s->verify_result;
    if (!tls_hs_consume_msg(s, c, hs))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CR_CERT);
    hs->state = C13_READ_CERTIFICATE_VERIFY;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_read_cert_request_or_cert(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    if (c->hm.msg.type == SSL3_MT_CERTIFICATE_REQUEST)
        return do_read_certificate_request(s, c, hs);
    return do_read_server_certificate(s, c, hs);
}

/* ----------------------------------------------------- CertificateVerify */

/* RFC 8446 4.4.3: 64 spaces, the context string, a zero byte, the hash. */
static size_t certificate_verify_input(uint8_t *out, int server, const uint8_t *hash, size_t hlen)
{
    static const char server_ctx[] = "TLS 1.3, server CertificateVerify";
    static const char client_ctx[] = "TLS 1.3, client CertificateVerify";
    const char *ctx = server ? server_ctx : client_ctx;
    size_t n = 64;
    memset(out, 0x20, 64);
    memcpy(out + n, ctx, sizeof(server_ctx));
    n += sizeof(server_ctx); /* includes the terminating zero byte */
    memcpy(out + n, hash, hlen);
    return n + hlen;
}

/* The key slot a public key belongs to, as stock's ssl_cert_lookup_by_pkey. */
static int key_slot(EVP_PKEY *pkey)
{
    if (EVP_PKEY_is_a(pkey, "RSA-PSS"))
        return SHIM_PKEY_RSA_PSS;
    if (EVP_PKEY_is_a(pkey, "RSA"))
        return SHIM_PKEY_RSA;
    if (EVP_PKEY_is_a(pkey, "EC"))
        return SHIM_PKEY_ECDSA;
    if (EVP_PKEY_is_a(pkey, "ED25519"))
        return SHIM_PKEY_ED25519;
    if (EVP_PKEY_is_a(pkey, "ED448"))
        return SHIM_PKEY_ED448;
    return -1;
}

/* The peer's choice of signature algorithm, checked as stock's
 * tls12_check_peer_sigalg for TLS 1.3. */
static const struct tls_sigalg *check_peer_sigalg(SSL *s, struct tls_hs *hs, uint16_t code,
                                                  EVP_PKEY *pkey)
{
    const struct tls_sigalg *a = tls_sigalg_by_code(code);
    const uint16_t *sent;
    size_t nsent, i;
    uint8_t id[2] = {(uint8_t)(code >> 8), (uint8_t)code};

    if (EVP_PKEY_is_a(pkey, "DSA")) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    if (a == NULL || a->hash_nid == NID_sha1 || a->hash_nid == NID_sha224
        || a->key_slot != key_slot(pkey)) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    if (a->sig_type == EVP_PKEY_EC) {
        char curve[64];
        size_t len;
        if (!EVP_PKEY_get_utf8_string_param(pkey, "group", curve, sizeof(curve), &len)
            || (a->curve_nid != NID_undef && OBJ_sn2nid(curve) != a->curve_nid
                && EC_curve_nist2nid(curve) != a->curve_nid)) {
            tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_CURVE);
            return NULL;
        }
    }
    tls_configured_sigalgs(s, &sent, &nsent);
    for (i = 0; i < nsent && sent[i] != code; i++)
        continue;
    if (i == nsent) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    if (!tls_security_ok(s, SSL_SECOP_SIGALG_CHECK, a->secbits, a->hash_nid, id)) {
        tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_WRONG_SIGNATURE_TYPE);
        return NULL;
    }
    (void)hs;
    return a;
}

static enum tls_step do_read_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_reader r, sig;
    uint16_t code;
    uint8_t hash[EVP_MAX_MD_SIZE], tbs[64 + 34 + EVP_MAX_MD_SIZE];
    size_t tbs_len;
    EVP_PKEY *pkey;
    const struct tls_sigalg *a;

    if (!expect(s, c, SSL3_MT_CERTIFICATE_VERIFY))
        return fail();
    pkey = X509_get0_pubkey(s->session->peer);
    if (pkey == NULL) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    if (key_slot(pkey) < 0) {
        tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_SIGNATURE_FOR_NON_SIGNING_CERTIFICATE);
        return fail();
    }
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u16(&r, &code)) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_PACKET);
        return fail();
    }
    if ((a = check_peer_sigalg(s, hs, code, pkey)) == NULL)
        return fail();
    if (!tls_r_sub_u16(&r, &sig) || !tls_r_done(&r)) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
        return fail();
    }
    if (!transcript_hash(s, hs, hash))
        return fail();
    tbs_len = certificate_verify_input(tbs, 1, hash, c->hash_len);
    if (!tls_sig_verify(c->algs, tls_sigalg_scheme(a), pkey, tbs, tbs_len, sig.p, sig.len)) {
        tls_fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_BAD_SIGNATURE);
        return fail();
    }
    c->peer_sigalg = code;
    if (!tls_hs_consume_msg(s, c, hs))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CR_CERT_VRFY);
    hs->state = C13_READ_SERVER_FINISHED;
    return TLS_STEP_CONTINUE;
}

/* ---------------------------------------------------------------- Finished */

/* What the server's OCSP callback makes of the stapled response. */
static int run_status_callback(SSL *s, struct tls_hs *hs)
{
    int ret;
    if (s->cfg.status_type == -1 || s->ctx->status_cb == NULL)
        return 1;
    (void)hs;
    ret = s->ctx->status_cb(s, s->ctx->status_arg);
    if (ret == 0)
        return tls_fatal(s, SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE, SSL_R_INVALID_STATUS_RESPONSE);
    if (ret < 0)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_OCSP_CALLBACK_FAILURE);
    return 1;
}

static enum tls_step do_read_server_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE], expected[EVP_MAX_MD_SIZE];

    if (!expect(s, c, SSL3_MT_FINISHED))
        return fail();
    if (!transcript_hash(s, hs, hash)
        || !tls13_finished(c->algs, c->md, hs->ks.server_hs, hash, expected)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    /* The key change after Finished must fall on a record boundary. */
    if (c->hm.pos + c->hm.msg.raw_len != c->hm.len) {
        tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_NOT_ON_RECORD_BOUNDARY);
        return fail();
    }
    if (c->hm.msg.len != c->hash_len) {
        tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_DIGEST_LENGTH);
        return fail();
    }
    if (CRYPTO_memcmp(c->hm.msg.body, expected, c->hash_len) != 0) {
        tls_fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_DIGEST_CHECK_FAILED);
        return fail();
    }
    memcpy(c->peer_finished, expected, c->hash_len);
    c->peer_finished_len = c->hash_len;
    if (!tls_hs_consume_msg(s, c, hs) || !transcript_hash(s, hs, hash)
        || !tls13_derive_master(&hs->ks, hash)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    memcpy(c->client_ap, hs->ks.client_ap, c->hash_len);
    memcpy(c->server_ap, hs->ks.server_ap, c->hash_len);
    memcpy(c->exporter, hs->ks.exporter, c->hash_len);
    tls_keylog(s, c, "EXPORTER_SECRET", c->exporter, c->hash_len);
    tls_keylog(s, c, "SERVER_TRAFFIC_SECRET_0", c->server_ap, c->hash_len);
    if (!install_key(s, c, c->server_ap, 0) || !run_status_callback(s, hs))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CR_FINISHED);
    /* Our second flight starts here: its first LOOP event comes before the
     * handshake write key is logged, CCS or not. */
    tls_conn_note_send(s, c);
    /* Middlebox compatibility: a CCS before our second flight, unless one
     * already went out after a HelloRetryRequest. */
    if ((s->cfg.options & SSL_OP_ENABLE_MIDDLEBOX_COMPAT) && !hs->sent_ccs) {
        static const uint8_t ccs = 1;
        tls_conn_note_send(s, c);
        if (!tls_rl_queue(s, &c->rl, SSL3_RT_CHANGE_CIPHER_SPEC, &ccs, 1))
            return fail();
        tls_msg(s, 1, s->version, SSL3_RT_CHANGE_CIPHER_SPEC, &ccs, 1);
        hs->sent_ccs = 1;
        tls_conn_set_state(s, c, TLS_ST_CW_CHANGE);
    }
    tls_keylog(s, c, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", hs->ks.client_hs, c->hash_len);
    if (!install_key(s, c, hs->ks.client_hs, 1))
        return fail();
    hs->state = hs->cert_requested ? C13_SEND_CLIENT_CERTIFICATE : C13_SEND_CLIENT_FINISHED;
    return TLS_STEP_CONTINUE;
}

/* ------------------------------------------------------ client certificate */

/* The signature algorithm to sign our CertificateVerify with: the server's
 * first preference that we offer too and have a certificate for. */
static const struct tls_sigalg *choose_client_sigalg(SSL *s, struct tls_hs *hs,
                                                     struct shim_cert_pkey **key)
{
    const uint16_t *ours;
    size_t nours;
    struct shim_cert *cert = s->cfg.cert;

    tls_client_auth_sigalgs(s, &ours, &nours);
    for (size_t i = 0; i < hs->peer_sigalgs_len; i++) {
        const struct tls_sigalg *a = tls_sigalg_by_code(hs->peer_sigalgs[i]);
        if (a == NULL || !a->tls13 || a->key_slot < 0 || !tls_sigalg_listed(a->code, ours, nours)
            || !tls_sigalg_usable(s, a, SSL_SECOP_SIGALG_SUPPORTED, TLS1_3_VERSION))
            continue;
        struct shim_cert_pkey *k = &cert->pkeys[a->key_slot];
        if (k->x509 == NULL || k->privatekey == NULL)
            continue;
        if (a->sig_type == EVP_PKEY_EC && a->curve_nid != NID_undef) {
            char curve[64];
            size_t len;
            if (!EVP_PKEY_get_utf8_string_param(k->privatekey, "group", curve, sizeof(curve), &len)
                || (OBJ_sn2nid(curve) != a->curve_nid && EC_curve_nist2nid(curve) != a->curve_nid))
                continue;
        }
        *key = k;
        return a;
    }
    return NULL;
}

/* Gives the application its chances to supply a client certificate: the
 * cert callback, then (with none configured) the client-cert callback.
 * Returns 1 done, 0 failed, -1 the callback asked to be called again. */
static int obtain_client_certificate(SSL *s, struct tls_conn *c)
{
    struct shim_cert *cert = s->cfg.cert;
    X509 *x509 = NULL;
    EVP_PKEY *pkey = NULL;
    int i;

    (void)c;
    if (cert->cert_cb != NULL) {
        i = cert->cert_cb(s, cert->cert_cb_arg);
        if (i < 0) {
            s->rwstate = SSL_X509_LOOKUP;
            return -1;
        }
        if (i == 0)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_CALLBACK_FAILED);
        s->rwstate = SSL_NOTHING;
    }
    if ((cert->current->x509 != NULL && cert->current->privatekey != NULL)
        || !shim_client_cert_has_source(s))
        return 1;
    i = shim_client_cert_from_app(s, &x509, &pkey);
    if (i < 0) {
        s->rwstate = SSL_X509_LOOKUP;
        return -1;
    }
    s->rwstate = SSL_NOTHING;
    if (i == 1 && x509 != NULL && pkey != NULL) {
        if (!SSL_use_certificate(s, x509) || !SSL_use_PrivateKey(s, pkey))
            ERR_clear_error();
    } else if (i == 1) {
        ERR_raise(ERR_LIB_SSL, SSL_R_BAD_DATA_RETURNED_BY_CALLBACK);
    }
    X509_free(x509);
    EVP_PKEY_free(pkey);
    return 1;
}

static int write_certificate_entry(tls_builder *b, X509 *x)
{
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    int ok = len > 0 && tls_b_open(b, 3) && tls_b_bytes(b, der, (size_t)len) && tls_b_close(b)
             && tls_b_u16(b, 0); /* no per-certificate extensions */
    OPENSSL_free(der);
    return ok;
}

static enum tls_step do_send_client_certificate(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    struct shim_cert_pkey *key = NULL;
    const struct tls_sigalg *a;
    tls_builder b;
    int r = obtain_client_certificate(s, c);

    if (r < 0)
        return TLS_STEP_FAIL; /* the driver returns -1; SSL_get_error says X509_LOOKUP */
    if (r == 0)
        return fail();
    a = choose_client_sigalg(s, hs, &key);
    /* struct { opaque certificate_request_context<0..2^8-1>;
     *          CertificateEntry certificate_list<0..2^24-1>; } Certificate; */
    if (!tls_b_init(&b, 2048) || !tls_hs_begin_msg(&b, SSL3_MT_CERTIFICATE) || !tls_b_open(&b, 1)
        || !tls_b_bytes(&b, hs->cert_req_context, hs->cert_req_context_len) || !tls_b_close(&b)
        || !tls_b_open(&b, 3)) {
        tls_b_cleanup(&b);
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    if (a != NULL) {
        STACK_OF(X509) *chain = tls_chain_to_send(s, key);
        int ok = chain != NULL;
        for (int i = 0; ok && i < sk_X509_num(chain); i++)
            ok = write_certificate_entry(&b, sk_X509_value(chain, i));
        sk_X509_pop_free(chain, X509_free);
        if (!ok) {
            tls_b_cleanup(&b);
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
            return fail();
        }
    }
    if (!tls_b_close(&b) || !tls_hs_send_msg(s, c, hs, &b))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CW_CERT);
    if (a != NULL) {
        uint8_t hash[EVP_MAX_MD_SIZE], tbs[64 + 34 + EVP_MAX_MD_SIZE], *sig = NULL;
        size_t tbs_len, sig_len;
        if (!transcript_hash(s, hs, hash))
            return fail();
        tbs_len = certificate_verify_input(tbs, 0, hash, c->hash_len);
        if (!tls_sig_sign(c->algs, tls_sigalg_scheme(a), key->privatekey, tbs, tbs_len, &sig, &sig_len)) {
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_EVP_LIB);
            return fail();
        }
        r = tls_b_init(&b, sig_len + 16) && tls_hs_begin_msg(&b, SSL3_MT_CERTIFICATE_VERIFY)
            && tls_b_u16(&b, a->code) && tls_b_open(&b, 2) && tls_b_bytes(&b, sig, sig_len)
            && tls_b_close(&b);
        OPENSSL_free(sig);
        if (!r || !tls_hs_send_msg(s, c, hs, &b)) {
            tls_b_cleanup(&b);
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
            return fail();
        }
        c->sigalg = a->code;
        tls_conn_set_state(s, c, TLS_ST_CW_CERT_VRFY);
    }
    hs->state = C13_SEND_CLIENT_FINISHED;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_send_client_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE], verify[EVP_MAX_MD_SIZE];
    tls_builder b;

    if (!transcript_hash(s, hs, hash)
        || !tls13_finished(c->algs, c->md, hs->ks.client_hs, hash, verify)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    memcpy(c->finished, verify, c->hash_len);
    c->finished_len = c->hash_len;
    if (!tls_b_init(&b, 64) || !tls_hs_begin_msg(&b, SSL3_MT_FINISHED)
        || !tls_b_bytes(&b, verify, c->hash_len) || !tls_hs_send_msg(s, c, hs, &b)) {
        tls_b_cleanup(&b);
        return fail();
    }
    /* The application write key is installed (and logged) before the state
     * changes, as stock's post-work on the Finished does. */
    tls_keylog(s, c, "CLIENT_TRAFFIC_SECRET_0", c->client_ap, c->hash_len);
    if (!install_key(s, c, c->client_ap, 1))
        return fail();
    tls_conn_set_state(s, c, TLS_ST_CW_FINISHED);
    if (!transcript_hash(s, hs, hash) || !tls13_derive_resumption(&hs->ks, hash)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return fail();
    }
    memcpy(c->resumption, hs->ks.resumption, c->hash_len);
    hs->state = C13_DONE;
    return TLS_STEP_CONTINUE;
}

static enum tls_step do_done(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    (void)hs;
    shim_counter_inc(&s->session_ctx->stats.connect_good);
    if (s->hit)
        shim_counter_inc(&s->session_ctx->stats.hit);
    (void)c;
    return TLS_STEP_DONE;
}

/* ------------------------------------------------------------------ driver */

enum tls_step tls_client13_step(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    int reading = hs->state == C13_READ_SERVER_HELLO || hs->state == C13_READ_ENCRYPTED_EXTENSIONS
                  || hs->state == C13_READ_CERT_REQUEST_OR_CERT
                  || hs->state == C13_READ_SERVER_CERTIFICATE
                  || hs->state == C13_READ_CERTIFICATE_VERIFY
                  || hs->state == C13_READ_SERVER_FINISHED;

    if (reading && !c->hm.have)
        return TLS_STEP_READ;
    switch (hs->state) {
    case C13_SEND_CLIENT_HELLO:
        if (!hs->hrr)
            shim_counter_inc(&s->session_ctx->stats.connect);
        return do_send_client_hello(s, c, hs);
    case C13_READ_SERVER_HELLO:
        return do_read_server_hello(s, c, hs);
    case C13_READ_ENCRYPTED_EXTENSIONS:
        return do_read_encrypted_extensions(s, c, hs);
    case C13_READ_CERT_REQUEST_OR_CERT:
        return do_read_cert_request_or_cert(s, c, hs);
    case C13_READ_SERVER_CERTIFICATE:
        return do_read_server_certificate(s, c, hs);
    case C13_READ_CERTIFICATE_VERIFY:
        return do_read_certificate_verify(s, c, hs);
    case C13_READ_SERVER_FINISHED:
        return do_read_server_finished(s, c, hs);
    case C13_SEND_CLIENT_CERTIFICATE:
        return do_send_client_certificate(s, c, hs);
    case C13_SEND_CLIENT_FINISHED:
        return do_send_client_finished(s, c, hs);
    case C13_DONE:
        return do_done(s, c, hs);
    default:
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        return TLS_STEP_FAIL;
    }
}

/* ---------------------------------------------------------- post-handshake */

int tls13_send_key_update(SSL *s, struct tls_conn *c, int request_peer_update)
{
    uint8_t msg[5] = {SSL3_MT_KEY_UPDATE, 0, 0, 1, (uint8_t)(request_peer_update ? 1 : 0)};
    uint8_t *secret = s->server ? c->server_ap : c->client_ap;

    if (!tls_rl_queue(s, &c->rl, SSL3_RT_HANDSHAKE, msg, sizeof(msg)))
        return 0;
    tls_msg(s, 1, s->version, SSL3_RT_HANDSHAKE, msg, sizeof(msg));
    /* Everything after the KeyUpdate goes out under the next key. */
    if (!tls13_next_traffic_secret(c->algs, c->md, secret))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    tls_keylog(s, c, s->server ? "SERVER_TRAFFIC_SECRET_N" : "CLIENT_TRAFFIC_SECRET_N", secret,
               c->hash_len);
    c->key_update = SSL_KEY_UPDATE_NONE;
    return install_key(s, c, secret, 1);
}

/* struct { opaque ticket_nonce<0..255>; ... } NewSessionTicket (RFC 8446 4.6.1). */
static int process_new_session_ticket(SSL *s, struct tls_conn *c)
{
    tls_reader r, nonce, ticket, exts;
    uint32_t lifetime, age_add;
    SSL_SESSION *sess;
    struct tls_ext_set ext;
    unsigned int idlen;

    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u32(&r, &lifetime) || !tls_r_u32(&r, &age_add) || !tls_r_sub_u8(&r, &nonce)
        || !tls_r_sub_u16(&r, &ticket) || ticket.len == 0)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    exts = r; /* the extensions vector, length prefix included */
    {
        tls_reader inner;
        if (!tls_r_sub_u16(&r, &inner) || !tls_r_done(&r))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    }
    if (!tls_ext_collect(s, NULL, SSL_EXT_TLS1_3_NEW_SESSION_TICKET, &exts, &ext))
        return 0;
    /* Sessions are immutable once shared: each ticket gets its own copy. */
    if ((sess = SSL_SESSION_dup(s->session)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    OPENSSL_free(sess->ticket);
    sess->ticket = OPENSSL_memdup(ticket.p, ticket.len);
    sess->ticket_len = sess->ticket != NULL ? ticket.len : 0;
    sess->ticket_lifetime_hint = lifetime;
    sess->ticket_age_add = age_add;
    sess->time = time(NULL);
    sess->not_resumable = 0;
    if (ext.present[TLS_EXT_EARLY_DATA]) {
        uint32_t max;
        if (!tls_r_u32(&ext.data[TLS_EXT_EARLY_DATA], &max)
            || !tls_r_done(&ext.data[TLS_EXT_EARLY_DATA])) {
            SSL_SESSION_free(sess);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        }
        sess->max_early_data = max;
    }
    /* The session id of a ticket session is the SHA-256 of the ticket, so
     * that it can be found in the client cache (stock's convention). */
    if (!EVP_Digest(ticket.p, ticket.len, sess->session_id, &idlen, c->algs->sha256, NULL)
        || !tls13_ticket_psk(c->algs, c->md, c->resumption, nonce.p, nonce.len, sess->master_key)) {
        SSL_SESSION_free(sess);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    sess->session_id_length = idlen;
    sess->master_key_length = c->hash_len;
    SSL_SESSION_free(s->session);
    s->session = sess;
    tls_session_update_client_cache(s);
    return 1;
}

static int process_key_update(SSL *s, struct tls_conn *c)
{
    uint8_t req;

    /* RFC 8446 4.6.3: a KeyUpdate ends a record; the next one uses the new
     * key. Checked before the body, as stock does. */
    if (c->hm.pos + c->hm.msg.raw_len != c->hm.len)
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_NOT_ON_RECORD_BOUNDARY);
    if (c->hm.msg.len != 1)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_KEY_UPDATE);
    if ((req = c->hm.msg.body[0]) > SSL_KEY_UPDATE_REQUESTED)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_UPDATE);
    if (!tls13_next_traffic_secret(c->algs, c->md, s->server ? c->client_ap : c->server_ap))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    tls_keylog(s, c, s->server ? "CLIENT_TRAFFIC_SECRET_N" : "SERVER_TRAFFIC_SECRET_N",
               s->server ? c->client_ap : c->server_ap, c->hash_len);
    if (!install_key(s, c, s->server ? c->client_ap : c->server_ap, 0))
        return 0;
    /* Asked to update ours too: answer with update_not_requested, unless we
     * already have one queued. */
    if (req == SSL_KEY_UPDATE_REQUESTED && c->key_update == SSL_KEY_UPDATE_NONE
        && !(s->shutdown & SSL_SENT_SHUTDOWN))
        c->key_update = SSL_KEY_UPDATE_NOT_REQUESTED;
    return 1;
}

/*
 * RFC 8446 4.6.2: a CertificateRequest after the handshake.  The answer
 * (Certificate, CertificateVerify if we have a certificate, Finished) goes
 * out under the current application key; its transcript starts from the
 * handshake's and its Finished key comes from the client application
 * traffic secret.
 */
static int post_handshake_auth(SSL *s, struct tls_conn *c)
{
    struct tls_hs *hs = OPENSSL_zalloc(sizeof(*hs));
    uint8_t hash[EVP_MAX_MD_SIZE], verify[EVP_MAX_MD_SIZE];
    tls_builder b;
    int ok = 0;

    if (hs == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    tls_transcript_init(&hs->transcript);
    c->hs = hs;
    if (!tls_transcript_set_md(&hs->transcript, c->md)
        || !EVP_MD_CTX_copy_ex(hs->transcript.ctx, c->pha_dgst)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        goto out;
    }
    if (do_read_certificate_request(s, c, hs) != TLS_STEP_CONTINUE
        || do_send_client_certificate(s, c, hs) != TLS_STEP_CONTINUE)
        goto out;
    if (!transcript_hash(s, hs, hash)
        || !tls13_finished(c->algs, c->md, c->client_ap, hash, verify)) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        goto out;
    }
    if (!tls_b_init(&b, 64) || !tls_hs_begin_msg(&b, SSL3_MT_FINISHED)
        || !tls_b_bytes(&b, verify, c->hash_len) || !tls_hs_send_msg(s, c, hs, &b)) {
        tls_b_cleanup(&b);
        goto out;
    }
    tls_conn_set_state(s, c, TLS_ST_CW_FINISHED);
    tls_conn_set_state(s, c, TLS_ST_OK);
    tls_info(s, SSL_CB_CONNECT_EXIT, 1);
    ok = 1;
out:
    c->hs = NULL;
    tls_hs_free(hs);
    return ok;
}

int tls_client13_post_handshake(SSL *s, struct tls_conn *c)
{
    int ok, type = c->hm.msg.type;
    /* After a TLS 1.2 handshake only a HelloRequest may come; after a TLS
     * 1.3 one anything but. */
    int allowed = (c->version < TLS1_3_VERSION) == (type == SSL3_MT_HELLO_REQUEST);

    switch (allowed ? type : -1) {
    case SSL3_MT_NEWSESSION_TICKET:
        tls_conn_set_state(s, c, TLS_ST_CR_SESSION_TICKET);
        ok = process_new_session_ticket(s, c);
        break;
    case SSL3_MT_KEY_UPDATE:
        tls_conn_set_state(s, c, TLS_ST_CR_KEY_UPDATE);
        ok = process_key_update(s, c);
        break;
    case SSL3_MT_HELLO_REQUEST:
        tls_conn_set_state(s, c, TLS_ST_CR_HELLO_REQ);
        ok = tls_client12_hello_request(s, c);
        break;
    case SSL3_MT_CERTIFICATE_REQUEST:
        /* Only after we offered post-handshake authentication. */
        ok = c->pha_dgst != NULL ? post_handshake_auth(s, c)
                                 : tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        if (ok)
            return 1; /* the message is consumed and the answer sent */
        break;
    default:
        ok = tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
        break;
    }
    if (!ok || !tls_hs_consume_msg(s, c, NULL))
        return 0;
    /* Stock runs its state machine for the message: the state it read
     * into, then established. A KeyUpdate owed in answer waits for the next
     * write (stock's state machine stops at TLS_ST_OK before sending it). */
    tls_info_loop(s);
    if (type == SSL3_MT_HELLO_REQUEST && c->renegotiate) {
        /* The event just given opens the renegotiation's first flight. */
        c->writing = 1;
        return tls_start_renegotiation(s, c);
    }
    tls_conn_set_state(s, c, TLS_ST_OK);
    if (c->version < TLS1_3_VERSION)
        tls_info(s, SSL_CB_HANDSHAKE_DONE, 1); /* the refused renegotiation "ends" */
    tls_info(s, s->server ? SSL_CB_ACCEPT_EXIT : SSL_CB_CONNECT_EXIT, 1);
    return 1;
}
