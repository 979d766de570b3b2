/*
 * shimssl fuzz target: d2i_SSL_SESSION, and what a session's owner then does
 * with it.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Input: DER, as applications keep sessions on disk.  A session that
 * decodes is encoded again, printed, duplicated, queried and set on a
 * connection; and our own encoding must decode and re-encode to the same
 * bytes (a round-trip that does not hold aborts: a finding).
 */
#include "fuzz.h"

#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

static SSL_CTX *ctx;

static void use(SSL_SESSION *sess)
{
    BIO *out = BIO_new(BIO_s_mem());
    const unsigned char *p;
    unsigned char master[64];
    size_t len;
    unsigned int n;
    SSL_SESSION *dup;
    SSL *s;

    SSL_SESSION_print(out, sess);
    SSL_SESSION_print_keylog(out, sess);
    PEM_write_bio_SSL_SESSION(out, sess);
    BIO_free(out);
    SSL_SESSION_get0_hostname(sess);
    SSL_SESSION_get_protocol_version(sess);
    SSL_SESSION_get0_cipher(sess);
    SSL_SESSION_get_master_key(sess, master, sizeof(master));
    SSL_SESSION_get0_ticket(sess, &p, &len);
    SSL_SESSION_get0_alpn_selected(sess, &p, &len);
    SSL_SESSION_get0_id_context(sess, &n);
    SSL_SESSION_get_id(sess, &n);
    SSL_SESSION_get_ticket_lifetime_hint(sess);
    SSL_SESSION_get_max_early_data(sess);
    SSL_SESSION_get_max_fragment_length(sess);
    SSL_SESSION_is_resumable(sess);
    X509_free(SSL_SESSION_get0_peer(sess) != NULL ? X509_dup(SSL_SESSION_get0_peer(sess)) : NULL);
    dup = SSL_SESSION_dup(sess);
    SSL_SESSION_free(dup);
    if ((s = SSL_new(ctx)) != NULL) {
        SSL_set_session(s, sess);
        SSL_free(s);
    }
}

/* Our encoding of a decoded session decodes, and encodes the same again. */
static void round_trip(SSL_SESSION *sess)
{
    unsigned char *der = NULL, *again = NULL;
    const unsigned char *p;
    int n = i2d_SSL_SESSION(sess, &der), m = 0;
    SSL_SESSION *back;

    if (n <= 0)
        return;
    p = der;
    if ((back = d2i_SSL_SESSION(NULL, &p, n)) == NULL || p != der + n ||
        (m = i2d_SSL_SESSION(back, &again)) != n || memcmp(der, again, (size_t)n) != 0) {
        fprintf(stderr, "session round trip broken: %d bytes encoded, %d after decoding\n", n, m);
        abort();
    }
    SSL_SESSION_free(back);
    OPENSSL_free(der);
    OPENSSL_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *p = data;
    SSL_SESSION *sess;

    fuzz_init();
    if (ctx == NULL)
        ctx = SSL_CTX_new(TLS_client_method());
    if (size > 65536)
        return 0;
    if ((sess = d2i_SSL_SESSION(NULL, &p, (long)size)) != NULL) {
        round_trip(sess);
        use(sess);
        SSL_SESSION_free(sess);
    }
    ERR_clear_error();
    return 0;
}
