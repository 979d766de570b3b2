/*
 * shimssl differential test: the groups and signature-algorithm lists
 * (SSL_CTX_set1_groups(_list), SSL_set1_groups(_list),
 * SSL_CTX_set1_sigalgs(_list), SSL_CTX_set1_client_sigalgs(_list)).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_groups groups|sigalgs|tmp_ecdh
 */
#include "diff_common.h"

#include <string.h>

static const char *group_lists[] = {
    "X25519",
    "x25519",
    "P-256",
    "p-256",
    "secp256r1",
    "prime256v1",
    "P-256:X25519",
    "X25519:P-256:X448:P-521:P-384:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192",
    "X25519:X25519",
    "X25519:x25519",
    " X25519 : P-256 ",
    "X25519::P-256",
    "",
    ":",
    "X25519:",
    "nosuchgroup",
    "P-256:nosuchgroup",
    "brainpoolP256r1",
    "K-163",
    "B-571",
    "secp160k1",
    "ffdhe1024",
    "X448",
    "x448",
    "FFDHE2048",
    "a-very-long-group-name-that-is-longer-than-sixty-four-characters-in-all-of-it",
};

static const char *sigalg_lists[] = {
    "RSA+SHA256",
    "SHA256+RSA",
    "ECDSA+SHA256:RSA+SHA384",
    "RSA-PSS+SHA256",
    "PSS+SHA512",
    "rsa_pss_rsae_sha256",
    "rsa_pss_pss_sha256",
    "ed25519",
    "ed448",
    "ecdsa_secp256r1_sha256",
    "ECDSA+SHA1",
    "DSA+SHA256",
    "rsa_pkcs1_sha1",
    "ecdsa_sha1",
    "RSA+SHA256:RSA+SHA256",
    "RSA+sha256",
    "rsa+SHA256",
    "RSA+",
    "+SHA256",
    "RSA",
    "ED25519",
    "ED25519+SHA256",
    "",
    "RSA+SHA256::ECDSA+SHA256",
    " RSA+SHA256 ",
    "RSA+SHA512:ed25519:rsa_pss_rsae_sha384",
    "RSA+SHA224",
    "ECDSA+SHA224",
    "RSA+MD5",
    "RSA+sha512",
    "RSA+RSA",
};

static void groups(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *s = SSL_new(ctx);
    int nids_ok[] = {NID_X25519, NID_X9_62_prime256v1, NID_ffdhe2048};
    int nids_dup[] = {NID_X25519, NID_X25519};
    int nids_bad[] = {NID_X25519, NID_sha256};

    for (size_t i = 0; i < sizeof(group_lists) / sizeof(group_lists[0]); i++) {
        printf("ctx groups '%s': %ld\n", group_lists[i],
               (long)SSL_CTX_set1_groups_list(ctx, group_lists[i]));
        diff_print_errors("  ");
        printf("ssl groups '%s': %ld\n", group_lists[i],
               (long)SSL_set1_groups_list(s, group_lists[i]));
        diff_print_errors("  ");
    }
    printf("nids ok: %ld\n", (long)SSL_CTX_set1_groups(ctx, nids_ok, 3));
    printf("nids dup: %ld\n", (long)SSL_CTX_set1_groups(ctx, nids_dup, 2));
    printf("nids bad: %ld\n", (long)SSL_CTX_set1_groups(ctx, nids_bad, 2));
    printf("nids none: %ld\n", (long)SSL_CTX_set1_groups(ctx, nids_ok, 0));
    diff_print_errors("nids");
    printf("ssl nids ok: %ld\n", (long)SSL_set1_groups(s, nids_ok, 3));
    diff_print_errors("ssl nids");
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static void sigalgs(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *s = SSL_new(ctx);
    int pairs_ok[] = {NID_sha256, EVP_PKEY_RSA, NID_sha384, EVP_PKEY_EC};
    int pairs_dup[] = {NID_sha256, EVP_PKEY_RSA, NID_sha256, EVP_PKEY_RSA};
    int pairs_bad[] = {NID_sha256, EVP_PKEY_ED25519};

    for (size_t i = 0; i < sizeof(sigalg_lists) / sizeof(sigalg_lists[0]); i++) {
        printf("ctx sigalgs '%s': %ld, client %ld\n", sigalg_lists[i],
               (long)SSL_CTX_set1_sigalgs_list(ctx, sigalg_lists[i]),
               (long)SSL_CTX_set1_client_sigalgs_list(ctx, sigalg_lists[i]));
        diff_print_errors("  ");
        printf("ssl sigalgs '%s': %ld, client %ld\n", sigalg_lists[i],
               (long)SSL_set1_sigalgs_list(s, sigalg_lists[i]),
               (long)SSL_set1_client_sigalgs_list(s, sigalg_lists[i]));
        diff_print_errors("  ");
    }
    printf("pairs ok: %ld\n", (long)SSL_CTX_set1_sigalgs(ctx, pairs_ok, 4));
    printf("pairs dup: %ld\n", (long)SSL_CTX_set1_sigalgs(ctx, pairs_dup, 4));
    printf("pairs odd: %ld\n", (long)SSL_CTX_set1_sigalgs(ctx, pairs_ok, 3));
    printf("pairs bad: %ld\n", (long)SSL_CTX_set1_sigalgs(ctx, pairs_bad, 2));
    printf("client pairs ok: %ld\n", (long)SSL_CTX_set1_client_sigalgs(ctx, pairs_ok, 4));
    printf("ssl pairs ok: %ld\n", (long)SSL_set1_sigalgs(s, pairs_ok, 4));
    diff_print_errors("pairs");
    SSL_free(s);
    SSL_CTX_free(ctx);
}

/* The supported_groups extension of the ClientHello s sends (the code
 * points, in order), and the group of its first key share. */
static void show_groups(const char *label, SSL *s)
{
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    const unsigned char *p, *end;
    char *data;
    long n;

    SSL_set_bio(s, rb, wb);
    printf("%s: connect %d\n", label, SSL_connect(s));
    diff_print_errors("  ");
    n = BIO_get_mem_data(wb, &data);
    p = (const unsigned char *)data;
    end = p + n;
    printf("%s:", label);
    /* record header 5, handshake header 4, version 2, random 32 */
    p += 5 + 4 + 2 + 32;
    if (p >= end)
        goto done;
    p += 1 + p[0]; /* session id */
    if (p + 2 > end)
        goto done;
    p += 2 + (p[0] << 8 | p[1]); /* cipher suites */
    if (p >= end)
        goto done;
    p += 1 + p[0]; /* compression methods */
    p += 2;        /* extensions length */
    while (p + 4 <= end) {
        int type = p[0] << 8 | p[1], len = p[2] << 8 | p[3];
        const unsigned char *body = p + 4;
        if (body + len > end)
            break;
        if (type == TLSEXT_TYPE_supported_groups) {
            printf(" groups");
            for (int i = 2; i + 1 < len; i += 2)
                printf(" 0x%04x", body[i] << 8 | body[i + 1]);
        } else if (type == TLSEXT_TYPE_key_share && len >= 4) {
            printf("; key share 0x%04x", body[2] << 8 | body[3]);
        }
        p = body + len;
    }
done:
    printf("\n");
}

/* SSL_CTX_set_tmp_ecdh / SSL_set_tmp_ecdh (socat sets its curve this way):
 * the groups become that curve alone; a failure leaves nothing behind that
 * a later error report would show instead of its own. */
static void tmp_ecdh(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    EC_KEY *p384 = EC_KEY_new_by_curve_name(NID_secp384r1);
    EC_KEY *p256 = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
    EC_KEY *brainpool = EC_KEY_new_by_curve_name(NID_brainpoolP256r1);
    EC_KEY *bare = EC_KEY_new();
    SSL *s;

    printf("ctx P-384: %ld\n", SSL_CTX_set_tmp_ecdh(ctx, p384));
    diff_print_errors("  ");
    s = SSL_new(ctx);
    show_groups("ssl from ctx", s);
    SSL_free(s);
    s = SSL_new(ctx);
    printf("ssl P-256: %ld\n", SSL_set_tmp_ecdh(s, p256));
    diff_print_errors("  ");
    show_groups("ssl", s);
    SSL_free(s);
    printf("ctx key without a group: %ld\n", SSL_CTX_set_tmp_ecdh(ctx, bare));
    diff_print_errors("  ");
    printf("ctx NULL: %ld\n", SSL_CTX_set_tmp_ecdh(ctx, NULL));
    diff_print_errors("  ");
    s = SSL_new(ctx);
    show_groups("after the failures", s);
    SSL_free(s);
    /* A TLS 1.2 group only: a TLS 1.3 client has nothing to offer. */
    printf("ctx brainpoolP256r1: %ld\n", SSL_CTX_set_tmp_ecdh(ctx, brainpool));
    diff_print_errors("  ");
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    s = SSL_new(ctx);
    show_groups("brainpool, TLS 1.2", s);
    SSL_free(s);
    EC_KEY_free(p384);
    EC_KEY_free(p256);
    EC_KEY_free(brainpool);
    EC_KEY_free(bare);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    diff_report_lib();
    if (strcmp(argv[1], "groups") == 0)
        groups();
    else if (strcmp(argv[1], "sigalgs") == 0)
        sigalgs();
    else if (strcmp(argv[1], "tmp_ecdh") == 0)
        tmp_ecdh();
    else
        return 2;
    return 0;
}
