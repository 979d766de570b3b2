/*
 * shimssl - a ClientHello as the server reads it.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "tls/client_hello.h"

int tls_client_hello_parse(SSL *s, struct tls_conn *c, struct tls_hs *hs,
                           struct tls_client_hello *ch)
{
    tls_reader r, sid;

    memset(ch, 0, sizeof(*ch));
    tls_r_init(&r, c->hm.msg.body, c->hm.msg.len);
    if (!tls_r_u16(&r, &ch->legacy_version))
        return tls_fatal(s, SSL_AD_DECODE_ERROR, SSL_R_LENGTH_TOO_SHORT);
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
