/*
 * shimssl differential test: the ssl_conf module of the configuration file
 * (system_default on every SSL_CTX_new, SSL_CTX_config, SSL_config).
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each mode writes its own configuration file and points OPENSSL_CONF at
 * it before the first call into OpenSSL, which loads it.
 *
 * usage: diff_config system|named|bad-system|no-section
 */
#include "diff_common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The named sections; [ssl_sect] itself is written by write_config. */
static const char *const sections = "[sysdef]\n"
                                    "MinProtocol = TLSv1.2\n"
                                    "CipherString = ECDHE+AESGCM:DHE+AESGCM:@SECLEVEL=2\n"
                                    "Options = -SessionTicket,NoRenegotiation\n"
                                    "Groups = X25519:P-256\n"
                                    "[strict_sect]\n"
                                    "MinProtocol = TLSv1.3\n"
                                    "Ciphersuites = TLS_AES_256_GCM_SHA384\n"
                                    "SignatureAlgorithms = ECDSA+SHA256:ed25519\n"
                                    "Options = ServerPreference\n"
                                    "VerifyMode = Peer,Request\n"
                                    "[broken_sect]\n"
                                    "MaxProtocol = TLSv1.2\n"
                                    "CipherString = NOT-A-CIPHER\n"
                                    "NoSuchCommand = 1\n"
                                    "Curves = P-256\n"
                                    "[bad_sysdef]\n"
                                    "CipherString = NOT-A-CIPHER\n"
                                    "MaxProtocol = TLSv1.2\n";

/* system_section: the section named system_default, or NULL for none. */
static void write_config(const char *system_section)
{
    static char path[] = "/tmp/shimssl-config-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    fprintf(f, "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n[ssl_sect]\n");
    if (system_section != NULL)
        fprintf(f, "system_default = %s\n", system_section);
    fprintf(f, "strict = strict_sect\nbroken = broken_sect\n%s", sections);
    fclose(f);
    setenv("OPENSSL_CONF", path, 1);
}

static void show_ctx(const char *label, SSL_CTX *ctx)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);

    printf("%s: min 0x%lx max 0x%lx options 0x%llx verify %d seclevel %d\n", label,
           SSL_CTX_get_min_proto_version(ctx), SSL_CTX_get_max_proto_version(ctx),
           (unsigned long long)SSL_CTX_get_options(ctx), SSL_CTX_get_verify_mode(ctx),
           SSL_CTX_get_security_level(ctx));
    printf("  ciphers %d:", sk_SSL_CIPHER_num(sk));
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++)
        printf(" %s", SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)));
    printf("\n");
}

static void show_ssl(const char *label, SSL *s)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_get_ciphers(s);

    printf("%s: min 0x%lx max 0x%lx options 0x%llx verify %d\n", label,
           SSL_get_min_proto_version(s), SSL_get_max_proto_version(s),
           (unsigned long long)SSL_get_options(s), SSL_get_verify_mode(s));
    printf("  ciphers %d:", sk_SSL_CIPHER_num(sk));
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++)
        printf(" %s", SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)));
    printf("\n");
}

/* The system default applies to every new context, whatever its method. */
static void system_mode(void)
{
    static const struct {
        const char *name;
        const SSL_METHOD *(*method)(void);
    } methods[] = {{"TLS_method", TLS_method},
                   {"TLS_client_method", TLS_client_method},
                   {"TLS_server_method", TLS_server_method},
                   {"TLSv1_2_method", TLSv1_2_method}};

    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        SSL_CTX *ctx = SSL_CTX_new(methods[i].method());
        SSL *s = SSL_new(ctx);
        show_ctx(methods[i].name, ctx);
        show_ssl("  ssl", s);
        diff_print_errors(methods[i].name);
        SSL_free(s);
        SSL_CTX_free(ctx);
    }
}

static void named_mode(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s;

    printf("CTX_config strict: %d\n", SSL_CTX_config(ctx, "strict"));
    diff_print_errors("strict");
    show_ctx("after strict", ctx);
    printf("CTX_config missing: %d\n", SSL_CTX_config(ctx, "missing"));
    diff_print_errors("missing");
    printf("CTX_config broken: %d\n", SSL_CTX_config(ctx, "broken"));
    diff_print_errors("broken");
    show_ctx("after broken", ctx);
    printf("CTX_config NULL ctx: %d\n", SSL_CTX_config(NULL, "strict"));
    diff_print_errors("null");
    SSL_CTX_free(ctx);

    ctx = SSL_CTX_new(TLS_client_method());
    s = SSL_new(ctx);
    printf("SSL_config strict: %d\n", SSL_config(s, "strict"));
    diff_print_errors("ssl strict");
    show_ssl("ssl after strict", s);
    show_ctx("its ctx", ctx);
    printf("SSL_config broken: %d\n", SSL_config(s, "broken"));
    diff_print_errors("ssl broken");
    show_ssl("ssl after broken", s);
    printf("SSL_config NULL: %d\n", SSL_config(NULL, "strict"));
    diff_print_errors("ssl null");
    SSL_free(s);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (strcmp(mode, "system") == 0 || strcmp(mode, "named") == 0)
        write_config("sysdef");
    else if (strcmp(mode, "bad-system") == 0)
        write_config("bad_sysdef");
    else if (strcmp(mode, "no-section") == 0)
        write_config(NULL);
    else {
        fprintf(stderr, "usage: diff_config system|named|bad-system|no-section\n");
        return 2;
    }
    diff_report_lib();
    if (strcmp(mode, "named") == 0)
        named_mode();
    else
        system_mode();
    unlink(getenv("OPENSSL_CONF"));
    return 0;
}
