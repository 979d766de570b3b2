/*
 * shimssl fuzzing: the client configurations of the client target, shared
 * with the recorder so that both send the same ClientHello.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The client offers what draws most server messages into play (ALPN, NPN,
 * OCSP stapling, post-handshake authentication).  It verifies the chain but
 * its verify callback accepts any result: recorded certificates come from a
 * test PKI that is remade and ages, and accepting them lets the fuzzer past
 * the Certificate message into everything after it.
 */
#include "fuzz.h"

#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>

static int accept_chain(int ok, X509_STORE_CTX *store)
{
    (void)ok, (void)store;
    return 1;
}

static int accept_status(SSL *s, void *arg)
{
    const unsigned char *resp;
    (void)arg;
    SSL_get_tlsext_status_ocsp_resp(s, &resp);
    return 1;
}

static int select_npn(SSL *s, unsigned char **out, unsigned char *outlen, const unsigned char *in,
                      unsigned int inlen, void *arg)
{
    static const unsigned char ours[] = "\x08http/1.1";
    (void)s, (void)arg;
    SSL_select_next_proto(out, outlen, in, inlen, ours, sizeof(ours) - 1);
    return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *make_ctx(enum fuzz_client_mode mode)
{
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL) {
        fprintf(stderr, "fuzz: SSL_CTX_new failed\n");
        abort();
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_chain);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn) - 1);
    SSL_CTX_set_next_proto_select_cb(ctx, select_npn, NULL);
    SSL_CTX_set_tlsext_status_type(ctx, TLSEXT_STATUSTYPE_ocsp);
    SSL_CTX_set_tlsext_status_cb(ctx, accept_status);
    SSL_CTX_set_post_handshake_auth(ctx, 1);
    if (mode == FUZZ_CLIENT_TLS12_ONLY)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    return ctx;
}

/*
 * The library draws randomness once per process on top of each handshake's:
 * the first key share of an X25519 or X448 group makes a throwaway key (the
 * group's template, shim/crypto/kex.c).  Left to happen inside the first
 * input, it would shift the stream for that input only, and a recording
 * made in a fresh process would replay in the first run alone.  So every
 * process first makes one ClientHello per such group.
 */
void fuzz_warm_up(void)
{
    static const char *const groups[] = {"X25519", "X448"};
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    for (size_t i = 0; ctx != NULL && i < sizeof(groups) / sizeof(groups[0]); i++) {
        SSL *s = SSL_new(ctx);
        if (s == NULL)
            break;
        SSL_set1_groups_list(s, groups[i]);
        SSL_set_bio(s, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
        SSL_connect(s);
        SSL_free(s);
    }
    SSL_CTX_free(ctx);
    ERR_clear_error();
}

SSL *fuzz_client_new(enum fuzz_client_mode mode)
{
    static SSL_CTX *ctx[FUZZ_CLIENT_MODES];
    static int warm;
    SSL *s;

    fuzz_init();
    if (!warm) {
        fuzz_warm_up();
        warm = 1;
    }
    if (ctx[mode] == NULL)
        ctx[mode] = make_ctx(mode);
    fuzz_rand_restart();
    s = SSL_new(ctx[mode]);
    if (s == NULL) {
        fprintf(stderr, "fuzz: SSL_new failed\n");
        abort();
    }
    SSL_set_connect_state(s);
    SSL_set_tlsext_host_name(s, "localhost");
    ERR_clear_error();
    return s;
}
