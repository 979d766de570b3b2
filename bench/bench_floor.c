/*
 * shimssl benchmark: the floor.  Runs, N times, only the libcrypto operations
 * one handshake of a kind cannot do without, each the cheapest way the
 * public libcrypto API offers, so that callgrind's count for it (start-up
 * subtracted, as for the handshakes) is what a TLS library built on
 * libcrypto could at best spend per handshake.
 *
 * usage: bench_floor PKI_DIR ROLE KIND N
 *   ROLE  client | server
 *   KIND  full13-ec | full13-rsa | full13-ed25519 | resume13 | full12-ec |
 *         resume12-ticket | resume12-id
 *
 * What one handshake needs (TLS_AES_256_GCM_SHA384 and
 * ECDHE-ECDSA-AES256-GCM-SHA384, X25519, as stock negotiates them; the
 * server sends two TLS 1.3 tickets after a full handshake and one after a
 * resumption, one TLS 1.2 ticket after a full handshake):
 * - X25519: one key generation, the peer's share made a key, one derivation;
 * - a client's full handshake: the chain verified with the host name
 *   (X509_verify_cert on a kept X509_STORE_CTX, the certificate parsed once
 *   as a cache keyed by its DER allows), and the handshake signature
 *   verified (a kept EVP_PKEY_CTX per certificate; Ed25519 one-shot);
 * - a server's full handshake: the handshake signature made with a kept
 *   context;
 * - HMAC, each a libcrypto HMAC on a reused EVP_MAC_CTX: "keyed" when the
 *   key is new, "again" when the same key was used before (EVP_MAC_init
 *   with a NULL key); HKDF-Expand-Label with output up to the hash's size
 *   and HKDF-Extract are one HMAC, the TLS 1.2 PRF two per output block;
 *   the derivations with all-zero inputs (early secret without a PSK, its
 *   "derived" secret) are constants and cost nothing;
 * - the transcript hashed once, with a copy-and-finalise per snapshot;
 * - AES-GCM: a key schedule per traffic key, one seal or open per record;
 * - session tickets: AES-256-CBC and HMAC-SHA256 over the session;
 * - RAND_bytes for randoms, session ids, ticket IVs and nonces.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ set-up */

static EVP_MD *sha256, *sha384;
static EVP_CIPHER *gcm, *cbc;
static EVP_MAC_CTX *mac384, *mac256;
static EVP_CIPHER_CTX *seal, *open_, *tkt;
static EVP_MD_CTX *transcript, *snap;
static EVP_PKEY *x25519_tmpl, *peer_share;
static EVP_PKEY_CTX *keygen;
static X509_STORE *store;
static X509_STORE_CTX *store_ctx;
static X509 *leaf;
static EVP_PKEY *server_key;
static EVP_PKEY_CTX *sig_ctx; /* kept verify (client) or sign (server) context */
static EVP_MD_CTX *sig_mdctx; /* Ed25519 */
static int sig_kind;          /* 0 ECDSA, 1 RSA-PSS, 2 Ed25519 */

static void die(const char *what)
{
    fprintf(stderr, "bench_floor: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static void *load_pem(const char *dir, const char *name, int key)
{
    char path[4096];
    FILE *f;
    void *p;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if ((f = fopen(path, "r")) == NULL)
        die(path);
    p = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL)
            : (void *)PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (p == NULL)
        die(path);
    return p;
}

static EVP_MAC_CTX *mac_ctx(const char *digest)
{
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = EVP_MAC_CTX_new(hmac);
    OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
                      OSSL_PARAM_construct_end()};
    static const unsigned char k[48];
    if (c == NULL || !EVP_MAC_CTX_set_params(c, p) || !EVP_MAC_init(c, k, sizeof(k), NULL))
        die("HMAC");
    EVP_MAC_free(hmac);
    return c;
}

static void setup(const char *dir, const char *role, const char *cert)
{
    char name[64];
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    sha384 = EVP_MD_fetch(NULL, "SHA384", NULL);
    gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    cbc = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
    mac384 = mac_ctx("SHA384");
    mac256 = mac_ctx("SHA256");
    seal = EVP_CIPHER_CTX_new();
    open_ = EVP_CIPHER_CTX_new();
    tkt = EVP_CIPHER_CTX_new();
    transcript = EVP_MD_CTX_new();
    snap = EVP_MD_CTX_new();
    if ((keygen = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL)) == NULL ||
        EVP_PKEY_keygen_init(keygen) <= 0 || EVP_PKEY_keygen(keygen, &x25519_tmpl) <= 0 ||
        EVP_PKEY_keygen(keygen, &peer_share) <= 0)
        die("X25519");
    if (cert == NULL)
        return;
    snprintf(name, sizeof(name), "%s.pem", cert);
    leaf = load_pem(dir, name, 0);
    sig_kind = strcmp(cert, "server-rsa") == 0 ? 1 : strcmp(cert, "server-ed25519") == 0 ? 2 : 0;
    if (strcmp(role, "client") == 0) {
        store = X509_STORE_new();
        X509_STORE_add_cert(store, load_pem(dir, "ca.pem", 0));
        store_ctx = X509_STORE_CTX_new();
        server_key = X509_get0_pubkey(leaf);
    } else {
        snprintf(name, sizeof(name), "%s.key", cert);
        server_key = load_pem(dir, name, 1);
    }
    if (sig_kind == 2) {
        sig_mdctx = EVP_MD_CTX_new();
        return;
    }
    sig_ctx = EVP_PKEY_CTX_new_from_pkey(NULL, server_key, NULL);
    if (sig_ctx == NULL ||
        (strcmp(role, "client") == 0 ? EVP_PKEY_verify_init(sig_ctx)
                                     : EVP_PKEY_sign_init(sig_ctx)) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(sig_ctx, sha256) <= 0 ||
        (sig_kind == 1 && (EVP_PKEY_CTX_set_rsa_padding(sig_ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
                           EVP_PKEY_CTX_set_rsa_pss_saltlen(sig_ctx, RSA_PSS_SALTLEN_DIGEST) <= 0)))
        die("signature context");
}

/* -------------------------------------------------------------- operations */

static unsigned char buf[4096], out[4096], sig[512], tbs[256]; /* tbs: what is signed */

static void rand_bytes(size_t n)
{
    if (RAND_bytes(buf, (int)n) != 1)
        die("RAND_bytes");
}

/* One X25519 exchange: our share, the peer's share as a key, the secret. */
static void ecdhe(void)
{
    EVP_PKEY *priv = NULL, *pub = EVP_PKEY_new();
    EVP_PKEY_CTX *d;
    unsigned char *enc = NULL, peer[32], secret[32];
    size_t peer_len = sizeof(peer), secret_len = sizeof(secret);
    if (EVP_PKEY_keygen(keygen, &priv) <= 0 || EVP_PKEY_get1_encoded_public_key(priv, &enc) != 32 ||
        EVP_PKEY_get_raw_public_key(peer_share, peer, &peer_len) <= 0 || pub == NULL ||
        EVP_PKEY_copy_parameters(pub, x25519_tmpl) <= 0 ||
        EVP_PKEY_set1_encoded_public_key(pub, peer, peer_len) <= 0 ||
        (d = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL)) == NULL ||
        EVP_PKEY_derive_init(d) <= 0 || EVP_PKEY_derive_set_peer_ex(d, pub, 0) <= 0 ||
        EVP_PKEY_derive(d, secret, &secret_len) <= 0)
        die("X25519 exchange");
    EVP_PKEY_CTX_free(d);
    OPENSSL_free(enc);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(priv);
}

static void verify_chain(void)
{
    if (!X509_STORE_CTX_init(store_ctx, store, leaf, NULL) ||
        !X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(store_ctx), "localhost", 0) ||
        X509_verify_cert(store_ctx) != 1)
        die("chain");
    X509_STORE_CTX_cleanup(store_ctx);
}

/* The handshake signature over len bytes: made by a server, checked by a
 * client (the signature itself made once, in advance, by the caller). */
static size_t sig_len;
static void handshake_signature(int sign, size_t len)
{
    unsigned char md[32];
    size_t n = sizeof(sig);
    if (sig_kind == 2) {
        if (sign ? EVP_DigestSignInit(sig_mdctx, NULL, NULL, NULL, server_key) <= 0 ||
                       EVP_DigestSign(sig_mdctx, sig, &n, tbs, len) <= 0
                 : EVP_DigestVerifyInit(sig_mdctx, NULL, NULL, NULL, server_key) <= 0 ||
                       EVP_DigestVerify(sig_mdctx, sig, sig_len, tbs, len) != 1)
            die("Ed25519");
        if (sign)
            sig_len = n;
        return;
    }
    if (EVP_Digest(tbs, len, md, NULL, sha256, NULL) != 1 ||
        (sign ? EVP_PKEY_sign(sig_ctx, sig, &n, md, sizeof(md)) <= 0
              : EVP_PKEY_verify(sig_ctx, sig, sig_len, md, sizeof(md)) != 1))
        die("signature");
    if (sign)
        sig_len = n;
}

/* HMACs: `keyed` with a new key each, then `again` with the last key. */
static void hmac(EVP_MAC_CTX *c, int keyed, int again)
{
    size_t n;
    for (int i = 0; i < keyed + again; i++) {
        buf[0] = (unsigned char)i;
        if (!EVP_MAC_init(c, i < keyed ? buf : NULL, 48, NULL) || !EVP_MAC_update(c, buf, 80) ||
            !EVP_MAC_final(c, out, &n, sizeof(out)))
            die("HMAC");
    }
}

static void transcript_hash(const EVP_MD *md, size_t bytes, int snapshots)
{
    unsigned int n;
    if (!EVP_DigestInit_ex(transcript, md, NULL))
        die("transcript");
    for (int i = 0; i < snapshots; i++) {
        if (!EVP_DigestUpdate(transcript, buf, bytes / snapshots) ||
            !EVP_MD_CTX_copy_ex(snap, transcript) || !EVP_DigestFinal_ex(snap, out, &n))
            die("transcript");
    }
}

/* keys traffic keys per direction, then records of about `bytes` each. */
static void aead(EVP_CIPHER_CTX *c, int enc, int keys, int records, size_t bytes)
{
    unsigned char iv[12] = {0}, tag[16] = {0};
    int n;
    for (int k = 0; k < keys; k++) {
        buf[0] = (unsigned char)k;
        if (!EVP_CipherInit_ex(c, gcm, NULL, buf, iv, enc))
            die("AEAD key");
    }
    for (int r = 0; r < records; r++) {
        iv[11] = (unsigned char)r;
        if (!enc)
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, tag);
        if (!EVP_CipherInit_ex(c, NULL, NULL, NULL, iv, enc) ||
            !EVP_CipherUpdate(c, NULL, &n, buf, 5) ||
            !EVP_CipherUpdate(c, out, &n, buf, (int)bytes))
            die("AEAD record");
        EVP_CipherFinal_ex(c, out, &n); /* (an open fails its tag: the work is done) */
        if (enc)
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, tag);
    }
}

/* A session ticket sealed (or opened) over `bytes` of session. */
static void ticket(int enc, size_t bytes)
{
    unsigned char key[32] = {1}, iv[16] = {0};
    int n;
    if (enc)
        rand_bytes(16);
    if (!EVP_CipherInit_ex(tkt, cbc, NULL, key, iv, enc) ||
        !EVP_CipherUpdate(tkt, out, &n, buf, (int)bytes))
        die("ticket");
    if (!EVP_CipherFinal_ex(tkt, out + n, &n) &&
        enc) /* (an open fails its padding: the work is done) */
        die("ticket");
    hmac(mac256, 0, 1);
}

/* --------------------------------------------------------------- handshakes */

/* TLS 1.3 full: 23 HMACs (10 new keys), 4 traffic keys, 4 snapshots. */
static void full13(int server, size_t transcript_bytes)
{
    rand_bytes(32);
    if (!server)
        rand_bytes(32); /* the compatibility session id */
    ecdhe();
    if (server)
        handshake_signature(1, 130);
    else {
        verify_chain();
        handshake_signature(0, 130);
    }
    hmac(mac384, 10, 13);
    transcript_hash(sha384, transcript_bytes, 4);
    /* server: EE, Certificate, CertificateVerify, Finished, 2 tickets, "x";
     * client: Finished, close_notify */
    aead(server ? seal : open_, server, 2, 7, 120);
    aead(server ? open_ : seal, !server, 2, 2, 40);
    if (server)
        for (int i = 0; i < 2; i++) {
            rand_bytes(8); /* nonce, age_add */
            ticket(1, 200);
        }
}

/* TLS 1.3 resumed with psk_dhe_ke: 27 HMACs (12 new keys), 5 snapshots. */
static void resume13(int server)
{
    rand_bytes(32);
    if (!server)
        rand_bytes(32);
    else
        ticket(0, 200);
    ecdhe();
    hmac(mac384, 12, 15);
    transcript_hash(sha384, 900, 5);
    aead(server ? seal : open_, server, 2, 4, 60); /* EE, Finished, ticket, "x" */
    aead(server ? open_ : seal, !server, 2, 2, 40);
    if (server) {
        rand_bytes(8);
        ticket(1, 200);
    }
}

/* TLS 1.2 full ECDHE-ECDSA with extended master secret: the PRF for the
 * master secret (2 HMACs, new key), key block (4) and both Finished (2+2). */
static void full12(int server)
{
    rand_bytes(32);
    if (server)
        rand_bytes(32); /* session id */
    ecdhe();
    if (server)
        handshake_signature(1, 64 + 4 + 32 + 1);
    else {
        verify_chain();
        handshake_signature(0, 64 + 4 + 32 + 1);
    }
    hmac(mac384, 1, 1); /* master secret */
    hmac(mac384, 1, 9); /* key block, Finished: keyed by the master secret */
    transcript_hash(sha384, 1300, 3);
    aead(seal, 1, 1, 2, 40); /* Finished, then close_notify (client) or "x" */
    aead(open_, 0, 1, 2, 40);
    if (server)
        ticket(1, 200);
}

static void resume12(int server, int by_ticket)
{
    rand_bytes(32);
    if (server && by_ticket)
        ticket(0, 200);
    hmac(mac384, 1, 7); /* key block, both Finished */
    transcript_hash(sha384, 500, 2);
    aead(seal, 1, 1, 2, 40);
    aead(open_, 0, 1, 2, 40);
}

int main(int argc, char **argv)
{
    const char *kind, *cert = NULL;
    int server, n;
    if (argc != 5) {
        fprintf(stderr, "usage: bench_floor PKI_DIR client|server KIND N\n");
        return 2;
    }
    server = strcmp(argv[2], "server") == 0;
    kind = argv[3];
    n = atoi(argv[4]);
    if (strcmp(kind, "full13-ec") == 0 || strcmp(kind, "full12-ec") == 0)
        cert = "server-ec";
    else if (strcmp(kind, "full13-rsa") == 0)
        cert = "server-rsa";
    else if (strcmp(kind, "full13-ed25519") == 0)
        cert = "server-ed25519";
    setup(argv[1], argv[2], cert);
    if (cert != NULL && !server) { /* the server's signature, made once */
        EVP_PKEY *key;
        char name[64];
        snprintf(name, sizeof(name), "%s.key", cert);
        key = load_pem(argv[1], name, 1);
        EVP_PKEY *keep = server_key;
        EVP_PKEY_CTX *keep_ctx = sig_ctx;
        server_key = key;
        if (sig_kind != 2) {
            sig_ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
            if (EVP_PKEY_sign_init(sig_ctx) <= 0 ||
                EVP_PKEY_CTX_set_signature_md(sig_ctx, sha256) <= 0 ||
                (sig_kind == 1 &&
                 (EVP_PKEY_CTX_set_rsa_padding(sig_ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(sig_ctx, RSA_PSS_SALTLEN_DIGEST) <= 0)))
                die("signing");
        }
        handshake_signature(1, strcmp(kind, "full12-ec") == 0 ? 64 + 4 + 32 + 1 : 130);
        server_key = keep;
        sig_ctx = keep_ctx;
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(kind, "full13-ec") == 0 || strcmp(kind, "full13-ed25519") == 0)
            full13(server, 1400);
        else if (strcmp(kind, "full13-rsa") == 0)
            full13(server, 2100);
        else if (strcmp(kind, "resume13") == 0)
            resume13(server);
        else if (strcmp(kind, "full12-ec") == 0)
            full12(server);
        else if (strcmp(kind, "resume12-ticket") == 0)
            resume12(server, 1);
        else if (strcmp(kind, "resume12-id") == 0)
            resume12(server, 0);
        else
            die("unknown kind");
    }
    printf("ok %d\n", n);
    return 0;
}
