/*
 * shimssl differential test: the groups and signature-algorithm lists
 * (SSL_CTX_set1_groups(_list), SSL_set1_groups(_list),
 * SSL_CTX_set1_sigalgs(_list), SSL_CTX_set1_client_sigalgs(_list)).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_groups groups|sigalgs
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

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    diff_report_lib();
    if (strcmp(argv[1], "groups") == 0)
        groups();
    else if (strcmp(argv[1], "sigalgs") == 0)
        sigalgs();
    else
        return 2;
    return 0;
}
