/*
 * shimssl - which session a server resumes.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <openssl/rand.h>
#include <string.h>

#include "crypto/hash.h"
#include "tls/cipher_suites.h"
#include "tls/policy.h"
#include "tls/server_session.h"
#include "tls/session.h"
#include "tls/session_cache.h"
#include "tls/tickets.h"

/* ------------------------------------------------------- new sessions */

/* Random ids until one is not in the cache (stock tries 10 times); the
 * first is rnd when the caller drew it. */
static int random_session_id(SSL *s, unsigned char *id, unsigned int *len, const uint8_t *rnd)
{
    for (int tries = 0; tries < 10; tries++) {
        if (tries == 0 && rnd != NULL)
            memcpy(id, rnd, *len);
        else if (RAND_bytes_ex(s->ctx->libctx, id, *len, 0) <= 0)
            return 0;
        if (!tls_cache_has_id(s->session_ctx, s->version, id, *len))
            return 1;
    }
    return 0;
}

int tls_server_session_id(SSL *s, SSL_SESSION *ss, const uint8_t *rnd)
{
    GEN_SESSION_CB cb = s->cfg.generate_session_id != NULL
                            ? s->cfg.generate_session_id
                            : s->session_ctx->cfg.generate_session_id;
    unsigned int len = SSL3_SSL_SESSION_ID_LENGTH;
    int ok;

    /* A TLS 1.2 session resumed by ticket needs no id of its own. */
    if (s->conn->hs != NULL && s->conn->hs->ticket_expected) {
        ss->session_id_length = 0;
        return 1;
    }
    memset(ss->session_id, 0, sizeof(ss->session_id));
    ok = cb != NULL ? cb(s, ss->session_id, &len) : random_session_id(s, ss->session_id, &len, rnd);
    if (!ok)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_SSL_SESSION_ID_CALLBACK_FAILED);
    if (len == 0 || len > SSL3_SSL_SESSION_ID_LENGTH)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_SSL_SESSION_ID_HAS_BAD_LENGTH);
    ss->session_id_length = len;
    if (tls_cache_has_id(s->session_ctx, s->version, ss->session_id, len))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_SSL_SESSION_ID_CONFLICT);
    return 1;
}

int tls_server_new_session(SSL *s)
{
    if (!tls_session_new(s))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_MALLOC_FAILURE);
    /* A TLS 1.3 session gets its id with its first ticket. */
    if (s->version != TLS1_3_VERSION && !tls_server_session_id(s, s->session, NULL))
        return 0;
    if (s->conn->hs != NULL && s->conn->hs->ems)
        s->session->flags |= SHIM_SESS_FLAG_EXTMS;
    return 1;
}

/* ------------------------------------------------- TLS 1.3: the PSK */

/* With SSL_OP_NO_TICKET a TLS 1.3 "ticket" is the cache key of the session. */
static SSL_TICKET_STATUS stateful_ticket(SSL *s, struct tls_hs *hs, const tls_reader *id,
                                         SSL_SESSION **sess)
{
    hs->ticket_expected = 1;
    if (id->len != SSL_MAX_SSL_SESSION_ID_LENGTH)
        return SSL_TICKET_NO_DECRYPT;
    *sess = tls_cache_lookup(s, id->p, id->len);
    return *sess != NULL ? SSL_TICKET_SUCCESS : SSL_TICKET_NO_DECRYPT;
}

/* RFC 8446 4.2.11.2: the binder of the identity chosen, over the
 * transcript so far and the ClientHello up to the binders. */
static int check_binder(SSL *s, struct tls_conn *c, struct tls_hs *hs, SSL_SESSION *sess,
                        const EVP_MD *md, const uint8_t *binders_start, const tls_reader *binder)
{
    struct tls13_secrets ks;
    uint8_t key[EVP_MAX_MD_SIZE], hash[EVP_MAX_MD_SIZE], expected[EVP_MAX_MD_SIZE];
    size_t hlen;
    int ok;

    ok = tls13_secrets_init(&ks, c->algs, md) &&
         tls13_derive_early(&ks, sess->master_key, sess->master_key_length) &&
         tls13_derive_binder_key(&ks, key) &&
         tls_transcript_hash_with(&hs->transcript, md, c->hm.msg.raw,
                                  (size_t)(binders_start - c->hm.msg.raw), hash, &hlen) &&
         tls13_finished(c->algs, md, key, hash, expected);
    /* (kept for the key schedule, used only if this binder verifies) */
    hs->sv.psk_early_md = NULL;
    if (ok) {
        memcpy(hs->sv.psk_early, ks.early, ks.hlen);
        hs->sv.psk_early_md = md;
    }
    tls13_secrets_cleanup(&ks);
    OPENSSL_cleanse(key, sizeof(key));
    if (!ok)
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    /* A wrong binder: illegal_parameter as stock (RFC 8446 6.2 would say
     * decrypt_error). */
    if (CRYPTO_memcmp(expected, binder->p, binder->len) != 0) {
        hs->sv.psk_early_md = NULL;
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_BINDER_DOES_NOT_VERIFY);
    }
    return 1;
}

/*
 * struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;
 * struct { PskIdentity identities<7..2^16-1>;
 *          PskBinderEntry binders<33..2^16-1>; } OfferedPsks;     (RFC 8446 4.2.11)
 *
 * The first identity that opens to a session whose hash is the chosen
 * suite's; its binder must verify.  With one, s->session is it.
 */
static int parse_psk(SSL *s, struct tls_conn *c, struct tls_hs *hs, tls_reader *r,
                     const SSL_CIPHER *cipher)
{
    const EVP_MD *md = NULL;
    SSL_SESSION *sess = NULL;
    tls_reader identities, binders, binder;
    uint16_t id;

    /* No key exchange mode we take: no resumption. */
    if ((hs->sv.psk_kex_modes & (TLS_PSK_KE | TLS_PSK_DHE_KE)) == 0)
        return 1;
    if (!tls_r_sub_u16(r, &identities))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    hs->ticket_expected = 0;
    for (id = 0; !tls_r_done(&identities); id++) {
        tls_reader identity;
        uint32_t age;
        SSL_TICKET_STATUS ret;

        if (!tls_r_sub_u16(&identities, &identity) || !tls_r_u32(&identities, &age))
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        if (identity.len == 0)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        if (s->cfg.options & SSL_OP_NO_TICKET)
            ret = stateful_ticket(s, hs, &identity, &sess);
        else
            ret = tls_ticket_open(s, hs, identity.p, identity.len, NULL, 0, &sess);
        if (ret == SSL_TICKET_EMPTY)
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        if (ret == SSL_TICKET_FATAL_ERR_MALLOC || ret == SSL_TICKET_FATAL_ERR_OTHER)
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        if (ret == SSL_TICKET_NONE || ret == SSL_TICKET_NO_DECRYPT)
            continue;
        /* (The obfuscated age matters only to early data, which we refuse.) */
        md = sess->cipher != NULL
                 ? shim_algs_md_by_nid(c->algs, tls_suite_handshake_md_nid(sess->cipher))
                 : NULL;
        if (md == NULL) {
            tls_session_free(sess);
            return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
        }
        if (tls_suite_handshake_md_nid(sess->cipher) != tls_suite_handshake_md_nid(cipher)) {
            /* Not for this suite: a full handshake, and (Debian's 3.0.19,
             * our oracle; later 3.0 releases issue one) no ticket. */
            tls_session_free(sess);
            sess = NULL;
            hs->ticket_expected = 0;
            continue;
        }
        break;
    }
    if (sess == NULL)
        return 1;
    /* The binders: up to the one of the identity chosen. */
    const uint8_t *binders_start = r->p;
    if (!tls_r_sub_u16(r, &binders)) {
        tls_session_free(sess);
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    }
    for (uint16_t i = 0; i <= id; i++) {
        if (!tls_r_sub_u8(&binders, &binder)) {
            tls_session_free(sess);
            return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
        }
    }
    if (binder.len != shim_md_size(md)) {
        tls_session_free(sess);
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_EXTENSION);
    }
    if (!check_binder(s, c, hs, sess, md, binders_start, &binder)) {
        tls_session_free(sess);
        return 0;
    }
    hs->sv.tick_identity = id;
    tls_session_free(s->session);
    s->session = sess;
    return 1;
}

/* ------------------------------------------------------ TLS 1.2: tickets */

static SSL_TICKET_STATUS ticket_from_client(SSL *s, struct tls_hs *hs, struct tls_client_hello *ch,
                                            SSL_SESSION **sess)
{
    const tls_reader *t = &ch->ext.data[TLS_EXT_SESSION_TICKET];

    *sess = NULL;
    hs->ticket_expected = 0;
    /* Tickets off (or refused by the security callback): stateful only. */
    if ((s->cfg.options & SSL_OP_NO_TICKET) || !tls_security_ok(s, SSL_SECOP_TICKET, 0, 0, NULL) ||
        !ch->ext.present[TLS_EXT_SESSION_TICKET])
        return SSL_TICKET_NONE;
    return tls_ticket_open(s, hs, t->p, t->len, ch->session_id, ch->session_id_len, sess);
}

/* --------------------------------------------------------- the checks */

static int timed_out(const SSL_SESSION *ss, time_t now)
{
    return (int64_t)now > (int64_t)ss->time + (int64_t)ss->timeout;
}

enum tls_resume tls_server_find_session(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                                        struct tls_client_hello *ch, const SSL_CIPHER *cipher)
{
    int tls13 = s->version == TLS1_3_VERSION, from_cache = 0;
    SSL_SESSION *ret = NULL;

    if (tls13) {
        tls_session_free(s->session);
        s->session = NULL;
        /* A new ticket, unless the ticket's handling says otherwise. */
        hs->ticket_expected = 1;
        if (!tls_ext_parse_one(s, c, hs, SSL_EXT_CLIENT_HELLO, &ch->ext, TLS_EXT_PSK_KEX_MODES))
            return TLS_RESUME_FAILED;
        if (ch->ext.present[TLS_EXT_PSK]) {
            tls_reader body = ch->ext.data[TLS_EXT_PSK];

            ch->ext.parsed[TLS_EXT_PSK] = 1;
            if (!parse_psk(s, c, hs, &body, cipher))
                return TLS_RESUME_FAILED;
        }
        if ((ret = s->session) != NULL)
            tls_session_up_ref(ret);
    } else {
        switch (ticket_from_client(s, hs, ch, &ret)) {
        case SSL_TICKET_FATAL_ERR_MALLOC:
        case SSL_TICKET_FATAL_ERR_OTHER:
            tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
            return TLS_RESUME_FAILED;
        case SSL_TICKET_NONE:
        case SSL_TICKET_EMPTY:
            if (ch->session_id_len > 0) {
                from_cache = 1;
                ret = tls_cache_lookup(s, ch->session_id, ch->session_id_len);
            }
            break;
        default:
            break;
        }
    }
    if (ret == NULL)
        goto miss;
    if (ret->ssl_version != s->version)
        goto miss;
    if (ret->sid_ctx_length != s->cfg.sid_ctx_length ||
        memcmp(ret->sid_ctx, s->cfg.sid_ctx, ret->sid_ctx_length) != 0)
        goto miss; /* resumable, but not in this context */
    /* Verifying clients without a session id context could resume a
     * session made for another purpose: an error, not a miss. */
    if ((s->cfg.verify_mode & SSL_VERIFY_PEER) && s->cfg.sid_ctx_length == 0) {
        tls_fatal(s, SSL_AD_INTERNAL_ERROR, SSL_R_SESSION_ID_CONTEXT_UNINITIALIZED);
        goto fatal;
    }
    if (timed_out(ret, time(NULL))) {
        shim_counter_inc(&s->session_ctx->stats.timeout);
        if (from_cache)
            tls_cache_remove(s->session_ctx, ret);
        goto miss;
    }
    if (ret->flags & SHIM_SESS_FLAG_EXTMS) {
        if (!hs->ems) {
            tls_fatal(s, SSL_AD_HANDSHAKE_FAILURE, SSL_R_INCONSISTENT_EXTMS);
            goto fatal;
        }
    } else if (hs->ems) {
        goto miss;
    }
    if (tls13) {
        tls_session_free(ret); /* s->session holds it */
    } else {
        tls_session_free(s->session);
        s->session = ret;
    }
    shim_counter_inc(&s->session_ctx->stats.hit);
    s->verify_result = s->session->verify_result;
    return TLS_RESUME_YES;

miss:
    if (ret != NULL) {
        tls_session_free(ret);
        if (tls13) {
            tls_session_free(s->session);
            s->session = NULL;
        }
        if (!from_cache)
            hs->ticket_expected = 1; /* a new ticket for the one refused */
    }
    return TLS_RESUME_NO;

fatal:
    tls_session_free(ret);
    if (tls13) {
        tls_session_free(s->session);
        s->session = NULL;
    }
    return TLS_RESUME_FAILED;
}
