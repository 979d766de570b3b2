/*
 * shimssl - the TLS 1.3 messages both roles send and read.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "crypto/hash.h"
#include "crypto/pkey.h"
#include "crypto/sig.h"
#include "tls/extensions.h"
#include "tls/handshake13.h"
#include "tls/keylog.h"
#include "tls/session.h"
#include "tls/session_cache.h"
#include "tls/sigalg_choice.h"
#include "tls/traffic_keys.h"

/* --------------------------------------------------- CertificateVerify */

/* RFC 8446 4.4.3: 64 spaces, the context string, a zero byte, the hash. */
static size_t certificate_verify_input(uint8_t *out, int server, const uint8_t *hash, size_t hlen)
{
    static const char server_ctx[] = "TLS 1.3, server CertificateVerify";
    static const char client_ctx[] = "TLS 1.3, client CertificateVerify";
    size_t n = 64;

    memset(out, 0x20, 64);
    memcpy(out + n, server ? server_ctx : client_ctx, sizeof(server_ctx));
    n += sizeof(server_ctx); /* includes the terminating zero byte */
    memcpy(out + n, hash, hlen);
    return n + hlen;
}

#define CV_INPUT_MAX (64 + 34 + EVP_MAX_MD_SIZE)

/* struct { SignatureScheme algorithm; opaque signature<0..2^16-1>;
 * } CertificateVerify; */
int tls13_process_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE], tbs[CV_INPUT_MAX];
    EVP_PKEY *pkey = X509_get0_pubkey(s->session->peer);
    const struct tls_sigalg *a;
    tls_reader r, sig;
    uint16_t code;
    size_t tbs_len;

    if (pkey == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    if (shim_pkey_slot(pkey) < 0 && shim_pkey_type(pkey) != SHIM_KEY_DSA)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_SIGNATURE_FOR_NON_SIGNING_CERTIFICATE);
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u16(&r, &code))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_PACKET);
    if ((a = tls_check_peer_sigalg(s, c, code, pkey)) == NULL)
        return 0;
    if (!tls_r_sub_u16(&r, &sig) || !tls_r_done(&r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (!tls_hs_transcript_hash(s, hs, hash, NULL))
        return 0;
    /* The peer signed as the other role. */
    tbs_len = certificate_verify_input(tbs, !s->server, hash, c->hash_len);
    if (!tls_sig_verify(c->algs, tls_sigalg_scheme(a), pkey, tbs, tbs_len, sig.p, sig.len))
        return tls_fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_BAD_SIGNATURE);
    return 1;
}

int tls13_send_certificate_verify(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t hash[EVP_MAX_MD_SIZE], tbs[CV_INPUT_MAX], *sig = NULL;
    const struct tls_sigalg *a = hs->sigalg;
    size_t tbs_len, sig_len;
    tls_builder b;
    int ok;

    if (!tls_hs_transcript_hash(s, hs, hash, NULL))
        return 0;
    tbs_len = certificate_verify_input(tbs, s->server, hash, c->hash_len);
    if (!tls_sig_sign(c->algs, s->server ? s->ctx->sign_ctxs : NULL, tls_sigalg_scheme(a),
                      hs->key->privatekey, tbs, tbs_len, &sig, &sig_len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_CERTIFICATE_VERIFY, sig_len + 16)) {
        OPENSSL_free(sig);
        return 0;
    }
    ok = tls_b_u16(&b, a->code) && tls_b_open(&b, 2) && tls_b_bytes(&b, sig, sig_len) &&
         tls_b_close(&b);
    OPENSSL_free(sig);
    if (!ok) {
        tls_b_cleanup(&b);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    if (!tls_hs_send_msg(s, c, hs, &b))
        return 0;
    c->sigalg = a->code;
    return 1;
}

/* ------------------------------------------------------------ Finished */

int tls13_process_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs, const uint8_t *base_key)
{
    uint8_t hash[EVP_MAX_MD_SIZE], expected[EVP_MAX_MD_SIZE];

    if (!tls_hs_transcript_hash(s, hs, hash, NULL))
        return 0;
    if (!tls13_finished(c->algs, c->md, base_key, hash, expected))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    /* The key change after a Finished must fall on a record boundary. */
    if (!tls_hs_msg_ends_record(c))
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_NOT_ON_RECORD_BOUNDARY);
    if (c->hm.msg.len != c->hash_len)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_DIGEST_LENGTH);
    if (CRYPTO_memcmp(c->hm.msg.body, expected, c->hash_len) != 0)
        return tls_fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_DIGEST_CHECK_FAILED);
    memcpy(c->peer_finished, expected, c->hash_len);
    c->peer_finished_len = c->hash_len;
    return 1;
}

int tls13_send_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs, const uint8_t *base_key)
{
    uint8_t hash[EVP_MAX_MD_SIZE];
    tls_builder b;

    if (!tls_hs_transcript_hash(s, hs, hash, NULL))
        return 0;
    if (!tls13_finished(c->algs, c->md, base_key, hash, c->finished))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    c->finished_len = c->hash_len;
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_FINISHED, 64))
        return 0;
    if (!tls_b_bytes(&b, c->finished, c->finished_len)) {
        tls_b_cleanup(&b);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    return tls_hs_send_msg(s, c, hs, &b);
}

int tls13_send_compat_ccs(SSL *s, struct tls_conn *c, struct tls_hs *hs, OSSL_HANDSHAKE_STATE state)
{
    if (!(s->cfg.options & SSL_OP_ENABLE_MIDDLEBOX_COMPAT) || hs->sent_ccs)
        return 1;
    if (!tls_hs_send_ccs(s, c))
        return 0;
    hs->sent_ccs = 1;
    tls_conn_set_state(s, c, state);
    return 1;
}

/* ----------------------------------------------------------- KeyUpdate */

int tls13_send_key_update(SSL *s, struct tls_conn *c, int request_peer_update)
{
    uint8_t msg[5] = {SSL3_MT_KEY_UPDATE, 0, 0, 1, (uint8_t)(request_peer_update ? 1 : 0)};
    uint8_t *secret = s->server ? c->server_ap : c->client_ap;

    if (!tls_rl_queue(s, &c->rl, SSL3_RT_HANDSHAKE, msg, sizeof(msg)))
        return 0;
    tls_msg(s, 1, s->version, SSL3_RT_HANDSHAKE, msg, sizeof(msg));
    /* Everything after the KeyUpdate goes out under the next key. */
    if (!tls13_next_traffic_secret(c->algs, c->md, secret))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    tls_keylog(s, c, s->server ? "SERVER_TRAFFIC_SECRET_N" : "CLIENT_TRAFFIC_SECRET_N", secret,
               c->hash_len);
    c->key_update = SSL_KEY_UPDATE_NONE;
    return tls13_install_key(s, c, secret, 1);
}

int tls13_process_key_update(SSL *s, struct tls_conn *c)
{
    uint8_t *secret = s->server ? c->client_ap : c->server_ap;
    uint8_t req;

    /* RFC 8446 4.6.3: a KeyUpdate ends a record; the next one uses the new
     * key.  Checked before the body, as stock does. */
    if (!tls_hs_msg_ends_record(c))
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_NOT_ON_RECORD_BOUNDARY);
    if (c->hm.msg.len != 1)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_KEY_UPDATE);
    if ((req = c->hm.msg.body[0]) > SSL_KEY_UPDATE_REQUESTED)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BAD_KEY_UPDATE);
    if (!tls13_next_traffic_secret(c->algs, c->md, secret))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    tls_keylog(s, c, s->server ? "CLIENT_TRAFFIC_SECRET_N" : "SERVER_TRAFFIC_SECRET_N", secret,
               c->hash_len);
    if (!tls13_install_key(s, c, secret, 0))
        return 0;
    /* Asked to update ours too: answer with update_not_requested, unless we
     * already have one queued. */
    if (req == SSL_KEY_UPDATE_REQUESTED && c->key_update == SSL_KEY_UPDATE_NONE &&
        !(s->shutdown & SSL_SENT_SHUTDOWN))
        c->key_update = SSL_KEY_UPDATE_NOT_REQUESTED;
    return 1;
}

/* ---------------------------------------------------- NewSessionTicket */

/*
 * struct { uint32 ticket_lifetime; uint32 ticket_age_add;
 *          opaque ticket_nonce<0..255>; opaque ticket<1..2^16-1>;
 *          Extension extensions<0..2^16-2>; } NewSessionTicket;  (RFC 8446 4.6.1)
 */
int tls13_process_new_session_ticket(SSL *s, struct tls_conn *c)
{
    struct tls_ext_ctx x = {s, c, NULL, SSL_EXT_TLS1_3_NEW_SESSION_TICKET, NULL, 0, 0, 0, 0, 0};
    tls_reader r, nonce, ticket, exts;
    uint32_t lifetime, age_add;
    struct tls_ext_set ext;
    SSL_SESSION *sess;
    size_t idlen;

    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u32(&r, &lifetime) || !tls_r_u32(&r, &age_add) || !tls_r_sub_u8(&r, &nonce) ||
        !tls_r_sub_u16(&r, &ticket) || ticket.len == 0 || !tls_r_sub_u16(&r, &exts) ||
        !tls_r_done(&r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    if (!tls_ext_collect(s, NULL, SSL_EXT_TLS1_3_NEW_SESSION_TICKET, &exts, &ext) ||
        !tls_ext_parse_all_ctx(&x, &ext))
        return 0;
    /* Sessions are immutable once shared: each ticket gets its own copy. */
    if ((sess = tls_session_dup(s->session)) == NULL)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    OPENSSL_free(sess->ticket);
    sess->ticket = OPENSSL_memdup(ticket.p, ticket.len);
    sess->ticket_len = sess->ticket != NULL ? ticket.len : 0;
    sess->ticket_lifetime_hint = lifetime;
    sess->ticket_age_add = age_add;
    sess->time = time(NULL);
    sess->not_resumable = 0;
    if (ext.present[TLS_EXT_EARLY_DATA])
        sess->max_early_data = x.max_early_data;
    /* The session id of a ticket session is the SHA-256 of the ticket, so
     * that it can be found in the client cache (stock's convention). */
    if (!shim_digest(c->algs->sha256, ticket.p, ticket.len, sess->session_id, &idlen) ||
        !tls13_ticket_psk(c->algs, c->md, c->resumption, nonce.p, nonce.len, sess->master_key)) {
        tls_session_free(sess);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    }
    sess->session_id_length = idlen;
    sess->master_key_length = c->hash_len;
    tls_session_free(s->session);
    s->session = sess;
    tls_session_update_client_cache(s);
    return 1;
}
