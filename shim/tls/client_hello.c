/*
 * shimssl - a ClientHello as the server reads it.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "tls/client_hello.h"

/*
 * The SSL 2.0 compatible form (RFC 5246 E.2), after its msg_type:
 *   uint16 version; uint16 cipher_spec_length; uint16 session_id_length;
 *   uint16 challenge_length; V2CipherSpec cipher_specs[cipher_spec_length];
 *   opaque session_id[...]; opaque challenge[...];
 * The challenge is the random, right-aligned in 32 zero bytes; there are no
 * extensions and only null compression (stock's checks and reasons).
 */
static int parse_v2(SSL *s, tls_reader *r, struct tls_client_hello *ch)
{
    static const uint8_t null_compression = 0;
    uint16_t ciphers_len, sid_len, challenge_len;
    tls_reader challenge;

    if (!tls_r_u16(r, &ciphers_len) || !tls_r_u16(r, &sid_len) || !tls_r_u16(r, &challenge_len))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_RECORD_LENGTH_MISMATCH);
    if (sid_len > SSL_MAX_SSL_SESSION_ID_LENGTH)
        return tls_fatal(s, SSL_AD_ILLEGAL_PARAMETER, SSL_R_LENGTH_MISMATCH);
    if (!tls_r_sub(r, &ch->ciphers, ciphers_len) || !tls_r_copy(r, ch->session_id, sid_len) ||
        !tls_r_sub(r, &challenge, challenge_len) || !tls_r_done(r))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_RECORD_LENGTH_MISMATCH);
    ch->session_id_len = sid_len;
    if (challenge.len > SSL3_RANDOM_SIZE)
        challenge.len = SSL3_RANDOM_SIZE;
    memcpy(ch->random + SSL3_RANDOM_SIZE - challenge.len, challenge.p, challenge.len);
    tls_r_init(&ch->compressions, &null_compression, 1);
    tls_r_init(&ch->ext_list, NULL, 0);
    ch->v2 = 1;
    return 1;
}

int tls_client_hello_parse(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                           struct tls_client_hello *ch)
{
    tls_reader r, sid;

    memset(ch, 0, sizeof(*ch));
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    /* Only a first handshake may begin in the SSL 2.0 form. */
    if (c->hm.sslv2_len != 0 && (c->finished_len != 0 || hs->hrr))
        return tls_fatal(s, SSL_AD_UNEXPECTED_MESSAGE, SSL_R_UNEXPECTED_MESSAGE);
    if (!tls_r_u16(&r, &ch->legacy_version))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_TOO_SHORT);
    if (c->hm.sslv2_len != 0) {
        if (!parse_v2(s, &r, ch))
            return 0;
        return tls_ext_collect_all(s, hs, SSL_EXT_CLIENT_HELLO, &ch->ext_list, &ch->ext, &ch->seen);
    }
    if (!tls_r_copy(&r, ch->random, SSL3_RANDOM_SIZE) || !tls_r_sub_u8(&r, &sid) ||
        sid.len > SSL_MAX_SSL_SESSION_ID_LENGTH)
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    memcpy(ch->session_id, sid.p, sid.len);
    ch->session_id_len = sid.len;
    if (!tls_r_sub_u16(&r, &ch->ciphers) || !tls_r_sub_u8(&r, &ch->compressions))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    /* The extensions may be absent altogether. */
    if (!tls_r_done(&r) && (!tls_r_sub_u16(&r, &ch->ext_list) || !tls_r_done(&r)))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_MISMATCH);
    return tls_ext_collect_all(s, hs, SSL_EXT_CLIENT_HELLO, &ch->ext_list, &ch->ext, &ch->seen);
}

void tls_client_hello_cleanup(struct tls_client_hello *ch)
{
    if (ch == NULL)
        return;
    sk_SSL_CIPHER_free(ch->suites);
    ch->suites = NULL;
}
