/*
 * shimssl fuzzing: the server configurations of the server target, shared
 * with the recorder so that both answer a client with the same bytes.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * A recorded client flight decrypts on replay only if the server says
 * exactly what it said when the flight was recorded: the same random, key
 * share and certificates.  The randomness is the fixed stream (fuzz_rand.c),
 * restarted before each connection; the keys and self-signed certificates
 * (P-256 and RSA-2048, valid until 2125) are fixed below, so recordings do
 * not age.  The server offers what draws most client messages into play:
 * ALPN, SNI, DHE and RSA key exchange, tickets or session ids, client
 * certificates accepted whatever they are.
 */
#include "fuzz.h"

#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ec_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgWWMcd4h3vm626+gh\n"
    "VDe5MNLQD+o2PoGMsn1A+k0poRmhRANCAAQND+xJv+e115b7FKVfw/WmFaamzf07\n"
    "AzPGZbrLo6sPad1wwYG0T049Z4Gq+hoeh9XPv7TSBYygN/8aSkSA4WLL\n"
    "-----END PRIVATE KEY-----\n";
static const char ec_cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBiTCCAS+gAwIBAgIUOiiK6SDn1N0lHHW/It0yw+PgJrgwCgYIKoZIzj0EAwIw\n"
    "GTEXMBUGA1UEAwwOZnV6ei1zZXJ2ZXItZWMwIBcNMjYxMjA0MTQxNTQ3WhgPMjEy\n"
    "NjExMTAxNDE1NDdaMBkxFzAVBgNVBAMMDmZ1enotc2VydmVyLWVjMFkwEwYHKoZI\n"
    "zj0CAQYIKoZIzj0DAQcDQgAEDQ/sSb/ntdeW+xSlX8P1phWmps39OwMzxmW6y6Or\n"
    "D2ndcMGBtE9OPWeBqvoaHofVz7+00gWMoDf/GkpEgOFiy6NTMFEwHQYDVR0OBBYE\n"
    "FKpw+qxTRVc5mmSdXn1KV19yT+qAMB8GA1UdIwQYMBaAFKpw+qxTRVc5mmSdXn1K\n"
    "V19yT+qAMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAMm3QzMn\n"
    "8cSO/vzQps8hTw64pB1CKu+LSdDKR0ggzPluAiAFQr33lNe+rBS8RT9KoWYAXygL\n"
    "1nNaw0Tfz/+sXYKFtw==\n"
    "-----END CERTIFICATE-----\n";
static const char rsa_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC1qdd/mQECBc1Y\n"
    "ivozEfgq9LXy7Rk2yzcWGZodS2/wSn2YZxi/+zd320VwB9GlDJ3b3Wo1A5WO0lkJ\n"
    "RaOIyK+dJm3lio+Gff63fGTQaCqFEmBd7OWTrOOPD9J6b2D1nYEWUtbpnEYK6Aug\n"
    "515hqo25DVh3v544u6frRiPnbDpjJAvKqhJKMmlbQNYm4I3t8zIYlA8WQ4e6pSCB\n"
    "U6TieZmycLq6qoPE+J18t4LAV8p4eb2WOB3EYKyiRMFRtqqTDhtEGV7ZCHiGwJAD\n"
    "zci9s2YYDKvBLQ/j/VBZhp2SP2QuIfJq55utl7soGJCZbG3p0fLvknExKFPv96EY\n"
    "27989UlPAgMBAAECggEAF2YwkUlqdVG9APYpwxFB93p8wzUiBcpIJqsWjEZuvTND\n"
    "GTHSYMwheWk/eO4w5UMKREsxRnHXPkW+3TBgn5pF8IaGKkZeNVMeT5EQxT1dmLVk\n"
    "v0Rnz805pHBDyqx0/z4R5ge2kfGknfwEn22d3ROkXJ0o84e1gBY/y1DGCCWLIcDH\n"
    "yPif20Y7gyc0jwuce2kwFkGe2ys4q4SKvCz2H4m45R+jn0lrCNEi3JTqfnG8qOGR\n"
    "yOYQkrUfH1N6qTNLtviv4fXDBCvY/SEqJACKegSPeqlk58X/X+MaD2iGVXTeM8wD\n"
    "kiffAliCOm/+6eq60l0OsN0CbidbiZtthDr2JKLAzQKBgQDcHYQTAAEY4RxM1vXo\n"
    "tZaMMpZ4b0iic6TbiW/7hpDPpyIR6MCdO9LeObMhcWErP8al2E3G3+85BSPHVLrv\n"
    "/RDpwxmOSNVleXOaEjm52yAlfsR2YIuJFi12YcLuFfP+ceHm6b8i57GkIrxO6dkV\n"
    "4T+qLFrwkqWEmQaoFTIyeY3zhQKBgQDTR4rtuABvSsvyVwXgrKDGundI5uAXjRvz\n"
    "IENNReWnCXyUzovVZOrc8dcV3FZ+3/UrOj4tcXCP6O0t8m5ZlDPoFE4iHOceAB6B\n"
    "+HjbJYEeBRx9s2UBfiUxARJviv8m8IqbN0zMOYCZuqzHEFe3CwvzsxO9HYYzX0g3\n"
    "yPtA/1APwwKBgAL/z/XmUR2Cq70MTMt/9e4xHkXD1myIQN3Q8Jqvybdaoqc10bIS\n"
    "x5vJk3xILDfHpbBK0zx7fqn7PPKRX/63JwzYYLfEnEvGrOGTj//NUZHROWIXjK8w\n"
    "gywSxvIxkGKOMLLRyo3yNER1SLWWkCOxLwnlktOmW+UDpMiTiVyQtXN1AoGBAL1d\n"
    "KwzjVShqvp6nFrKHptZXPCCQJZuWMs3XRdsVYb8zxoBNG5GYkNSUwXVrde7jZgdn\n"
    "fWEXgo7JcwMyfWs2ZMuGn3z9sLv32WAeRpwMYkx4wk97oXUUDdt9HXvx9bx97Y0u\n"
    "pFuK0lN2t/L3F9cMRJsZDwD6XFTg+oZdUayw6J4nAoGAS0B7ESeVYLnReNcZ6WM9\n"
    "atrbLkFWqkev3bnHdlvFBNaaquZCtXMVK/2KlB8UFASYaxxqA39FOLCkkOAiUYPE\n"
    "r/4pDwQO+M3JjV8ik1aYDENNJQ921G2tUusDM1HciYtiGKke2HC5Cfp6TDpSXVgs\n"
    "8lgRj3YxNzaSRWabM11YXbY=\n"
    "-----END PRIVATE KEY-----\n";
static const char rsa_cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDFzCCAf+gAwIBAgIUdDgsy7xTmnwLEJ6Oxld3/qbdC04wDQYJKoZIhvcNAQEL\n"
    "BQAwGjEYMBYGA1UEAwwPZnV6ei1zZXJ2ZXItcnNhMCAXDTI2MTIwNDE0MTU0OVoY\n"
    "DzIxMjYxMTEwMTQxNTQ5WjAaMRgwFgYDVQQDDA9mdXp6LXNlcnZlci1yc2EwggEi\n"
    "MA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQC1qdd/mQECBc1YivozEfgq9LXy\n"
    "7Rk2yzcWGZodS2/wSn2YZxi/+zd320VwB9GlDJ3b3Wo1A5WO0lkJRaOIyK+dJm3l\n"
    "io+Gff63fGTQaCqFEmBd7OWTrOOPD9J6b2D1nYEWUtbpnEYK6Aug515hqo25DVh3\n"
    "v544u6frRiPnbDpjJAvKqhJKMmlbQNYm4I3t8zIYlA8WQ4e6pSCBU6TieZmycLq6\n"
    "qoPE+J18t4LAV8p4eb2WOB3EYKyiRMFRtqqTDhtEGV7ZCHiGwJADzci9s2YYDKvB\n"
    "LQ/j/VBZhp2SP2QuIfJq55utl7soGJCZbG3p0fLvknExKFPv96EY27989UlPAgMB\n"
    "AAGjUzBRMB0GA1UdDgQWBBQ5K0eQaDoOPulx5l3GjdNnX6zHRjAfBgNVHSMEGDAW\n"
    "gBQ5K0eQaDoOPulx5l3GjdNnX6zHRjAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3\n"
    "DQEBCwUAA4IBAQB/8JzfPbWnR/IxkcvnL1/Hm9ljcqU4mLcIBPZJLtpo+KThnEDM\n"
    "3pdjp1bjOhhv8hkz7SWhaEVC3dHKnpIc2iZr4751GoshGMYGGvFg/o+k16Z1msXi\n"
    "4ghk5eCw2FRTu543886NinEyHH563nijvvcvM4q9oXKKE15o/Zjfiu0a6f61uGJA\n"
    "mOminQKXy/AUUiSt7zOtdOk8cfSyijKAOZFC+cxBISeZopNVAZ0nUgxpt1JV0sll\n"
    "i80yoX4UVVCLI3ukYxdZbuSo4jRwnjSaplFNYOcxF1MR1i5mDx7DAlg+FGaXnEFL\n"
    "wRgqKNXk2moKN4eg+HyBBpe3DkoE8Ry7Px8o\n"
    "-----END CERTIFICATE-----\n";

static void die(const char *what)
{
    fprintf(stderr, "fuzz: %s failed\n", what);
    abort();
}

static void use_pair(SSL_CTX *ctx, const char *cert_pem, const char *key_pem)
{
    BIO *cb = BIO_new_mem_buf(cert_pem, -1), *kb = BIO_new_mem_buf(key_pem, -1);
    X509 *cert = cb != NULL ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    EVP_PKEY *key = kb != NULL ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;

    if (cert == NULL || key == NULL || SSL_CTX_use_certificate(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, key) != 1)
        die("loading the server's certificate");
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cb);
    BIO_free(kb);
}

static int accept_chain(int ok, X509_STORE_CTX *store)
{
    (void)ok, (void)store;
    return 1;
}

static int select_alpn(SSL *s, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    static const unsigned char ours[] = "\x02h2\x08http/1.1";
    (void)s, (void)arg;
    if (SSL_select_next_proto((unsigned char **)out, outlen, ours, sizeof(ours) - 1, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    return SSL_TLSEXT_ERR_OK;
}

static int servername(SSL *s, int *alert, void *arg)
{
    (void)alert, (void)arg;
    /* Read as an application would; any name is fine. */
    (void)SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    return SSL_TLSEXT_ERR_OK;
}

static int client_hello_cb(SSL *s, int *alert, void *arg)
{
    const unsigned char *p;
    int *exts = NULL;
    size_t n;
    (void)alert, (void)arg;
    /* What haproxy asks of a ClientHello: more parsing reached. */
    (void)SSL_client_hello_get0_ciphers(s, &p);
    (void)SSL_client_hello_get0_ext(s, TLSEXT_TYPE_server_name, &p, &n);
    if (SSL_client_hello_get1_extensions_present(s, &exts, &n) == 1)
        OPENSSL_free(exts);
    return SSL_CLIENT_HELLO_SUCCESS;
}

/* A shared cache as nginx keeps one: the session in DER.  The internal
 * cache stays empty, so that a replayed input finds what the recording
 * found (a cached id would make the server draw another). */
static int new_session(SSL *s, SSL_SESSION *sess)
{
    unsigned char *der = NULL;
    (void)s;
    if (i2d_SSL_SESSION(sess, &der) > 0)
        OPENSSL_free(der);
    return 0;
}

static SSL_CTX *make_ctx(enum fuzz_server_mode mode)
{
    static const unsigned char sid_ctx[] = "shimssl fuzz";
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (ctx == NULL)
        die("SSL_CTX_new");
    use_pair(ctx, ec_cert_pem, ec_key_pem);
    use_pair(ctx, rsa_cert_pem, rsa_key_pem);
    SSL_CTX_set_dh_auto(ctx, 1);
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
    SSL_CTX_set_tlsext_servername_callback(ctx, servername);
    SSL_CTX_set_client_hello_cb(ctx, client_hello_cb, NULL);
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, new_session);
    /* Every suite the server can do: CBC with and without encrypt-then-MAC,
     * RSA key exchange, DHE. */
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=1");
    switch (mode) {
    case FUZZ_SERVER_TLS12_ONLY:
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
        break;
    case FUZZ_SERVER_CLIENT_AUTH:
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_chain);
        break;
    case FUZZ_SERVER_STATEFUL:
        /* Session ids in the cache instead of tickets, our preference, and
         * one group only: a HelloRetryRequest for most TLS 1.3 clients. */
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                     SSL_OP_PRIORITIZE_CHACHA);
        SSL_CTX_set1_groups_list(ctx, "P-256");
        break;
    default:
        break;
    }
    return ctx;
}

SSL *fuzz_server_new(enum fuzz_server_mode mode)
{
    static SSL_CTX *ctx[FUZZ_SERVER_MODES];
    SSL *s;

    fuzz_init();
    if (ctx[0] == NULL) {
        /* All at once, in a fixed order: each context draws its ticket keys
         * from the stream, the same in every process. */
        fuzz_warm_up();
        for (int m = 0; m < FUZZ_SERVER_MODES; m++)
            ctx[m] = make_ctx((enum fuzz_server_mode)m);
    }
    fuzz_rand_restart();
    s = SSL_new(ctx[mode]);
    if (s == NULL)
        die("SSL_new");
    SSL_set_accept_state(s);
    ERR_clear_error();
    return s;
}
