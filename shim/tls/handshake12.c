/*
 * shimssl - the TLS 1.0-1.2 pieces both roles use.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "crypto/kdf.h"
#include "tls/handshake12.h"
#include "tls/key_schedule12.h"
#include "tls/keylog.h"
#include "tls/traffic_keys.h"

int tls12_send_ccs(SSL *s, struct tls_conn *c, OSSL_HANDSHAKE_STATE state)
{
    if (!tls_hs_send_ccs(s, c))
        return 0;
    tls_conn_set_state(s, c, state);
    return tls12_install_keys(s, c, 1);
}

int tls12_process_ccs(SSL *s, struct tls_conn *c)
{
    /* Handshake messages must not span the change of keys. */
    if (!tls_hs_msg_ends_record(c))
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_CCS_RECEIVED_EARLY);
    /* Until the Finished, nothing but handshake records may come. */
    c->ccs_before_finished = 1;
    return tls_hs_consume_msg(s, c, NULL) && tls12_install_keys(s, c, 0);
}

/* verify_data of the given side over the transcript so far. */
static int finished_of(SSL *s, struct tls_conn *c, struct tls_hs *hs, int client, uint8_t *out)
{
    uint8_t hash[EVP_MAX_MD_SIZE];
    size_t hlen;

    if (!tls_hs_transcript_hash(s, hs, hash, &hlen))
        return 0;
    if (!tls12_finished(c->algs, tls12_prf_md(c), s->session->master_key, client, hash, hlen, out))
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, TLS_R_RAISED);
    return 1;
}

int tls12_send_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    tls_builder b;

    if (!finished_of(s, c, hs, !s->server, c->finished))
        return 0;
    c->finished_len = TLS12_FINISHED_LEN;
    /* Stock logs the master secret as it builds its Finished, full
     * handshake or resumption alike. */
    tls_keylog(s, c, "CLIENT_RANDOM", s->session->master_key, TLS12_MASTER_SECRET_LEN);
    if (!tls_hs_begin_msg(s, &b, SSL3_MT_FINISHED, 32))
        return 0;
    if (!tls_b_bytes(&b, c->finished, c->finished_len)) {
        tls_b_cleanup(&b);
        return tls_fatal(s, SSL_AD_INTERNAL_ERROR, ERR_R_INTERNAL_ERROR);
    }
    return tls_hs_send_msg(s, c, hs, &b);
}

int tls12_process_finished(SSL *s, struct tls_conn *c, struct tls_hs *hs)
{
    uint8_t expected[TLS12_FINISHED_LEN];

    c->ccs_before_finished = 0;
    if (!finished_of(s, c, hs, s->server, expected))
        return 0;
    if (c->hm.msg.len != TLS12_FINISHED_LEN)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_BAD_DIGEST_LENGTH);
    if (CRYPTO_memcmp(c->hm.msg.body, expected, TLS12_FINISHED_LEN) != 0)
        return tls_fatal(s, SSL_AD_DECRYPT_ERROR, SSL_R_DIGEST_CHECK_FAILED);
    memcpy(c->peer_finished, expected, TLS12_FINISHED_LEN);
    c->peer_finished_len = TLS12_FINISHED_LEN;
    return 1;
}

int tls12_export_keying_material(SSL *s, struct tls_conn *c, uint8_t *out, size_t olen,
                                 const char *label, size_t llen, const uint8_t *context,
                                 size_t contextlen, int use_context)
{
    /* RFC 5705: PRF(master, label, client_random + server_random
     * [+ uint16 context length + context]); labels the handshake itself
     * uses are refused. */
    static const char *const reserved[] = {
        TLS_MD_CLIENT_FINISH_CONST, TLS_MD_SERVER_FINISH_CONST, TLS_MD_MASTER_SECRET_CONST,
        TLS_MD_EXTENDED_MASTER_SECRET_CONST, TLS_MD_KEY_EXPANSION_CONST};
    size_t vlen = llen + 2 * SSL3_RANDOM_SIZE + (use_context ? 2 + contextlen : 0), pos;
    uint8_t *val = OPENSSL_malloc(vlen > 0 ? vlen : 1);
    int ok;

    if (val == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    memcpy(val, label, llen);
    pos = llen;
    memcpy(val + pos, c->client_random, SSL3_RANDOM_SIZE);
    memcpy(val + pos + SSL3_RANDOM_SIZE, c->server_random, SSL3_RANDOM_SIZE);
    pos += 2 * SSL3_RANDOM_SIZE;
    if (use_context) {
        val[pos++] = (uint8_t)(contextlen >> 8);
        val[pos++] = (uint8_t)contextlen;
        if (contextlen > 0)
            memcpy(val + pos, context, contextlen);
    }
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        if (vlen >= strlen(reserved[i]) && memcmp(val, reserved[i], strlen(reserved[i])) == 0) {
            ERR_raise(ERR_LIB_SSL, SSL_R_TLS_ILLEGAL_EXPORTER_LABEL);
            OPENSSL_clear_free(val, vlen);
            return 0;
        }
    }
    ok = tls1_prf(c->algs, tls12_prf_md(c), s->session->master_key, s->session->master_key_length,
                  "", val, vlen, NULL, 0, NULL, 0, out, olen);
    OPENSSL_clear_free(val, vlen);
    return ok;
}
