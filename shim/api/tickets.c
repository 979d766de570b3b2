/*
 * shimssl - how a server makes its session tickets: the application's key
 * callback (the EVP form; the legacy HMAC_CTX form is an SSL_CTX_callback_ctrl
 * command) and the callbacks that add data to a ticket and read it back.
 * The keys themselves are SSL_CTX_set_tlsext_ticket_keys (an SSL_CTX_ctrl).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include "objects.h"

int SSL_CTX_set_tlsext_ticket_key_evp_cb(SSL_CTX *ctx,
                                         int (*cb)(SSL *, unsigned char *, unsigned char *,
                                                   EVP_CIPHER_CTX *, EVP_MAC_CTX *, int))
{
    ctx->ticket_key_evp_cb = cb;
    return 1;
}

int SSL_CTX_set_session_ticket_cb(SSL_CTX *ctx, SSL_CTX_generate_session_ticket_fn gen_cb,
                                  SSL_CTX_decrypt_session_ticket_fn dec_cb, void *arg)
{
    ctx->generate_ticket_cb = gen_cb;
    ctx->decrypt_ticket_cb = dec_cb;
    ctx->ticket_cb_data = arg;
    return 1;
}
