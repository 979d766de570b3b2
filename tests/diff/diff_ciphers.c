/*
 * shimssl differential test: the cipher-suite table, the default lists, the
 * cipher-string language and the TLS 1.3 suite lists.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: diff_ciphers table|default|strings|suites|ssl|bytes|supported|providers
 */
#include "diff_common.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/provider.h>

static void print_list(const char *label, STACK_OF(SSL_CIPHER) * sk)
{
    if (sk == NULL) {
        printf("%s: (null)\n", label);
        return;
    }
    printf("%s: %d:", label, sk_SSL_CIPHER_num(sk));
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++)
        printf("%s%s", i ? ":" : " ", SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)));
    printf("\n");
}

/* The list as SSL_get_cipher_list(s, n) walks it. */
static void print_ssl_list(const char *label, const SSL *s)
{
    const char *name;
    int n = 0;

    printf("%s:", label);
    while ((name = SSL_get_cipher_list(s, n)) != NULL)
        printf("%s%s", n++ ? ":" : " ", name);
    printf(" (%d)\n", n);
}

static const char *md_name(const EVP_MD *md)
{
    return md != NULL ? EVP_MD_get0_name(md) : "(null)";
}

static void print_cipher(const SSL_CIPHER *c)
{
    char buf[128];
    int alg_bits = -1;
    int bits = SSL_CIPHER_get_bits(c, &alg_bits);

    printf("%08lx %04x %s | %s | %s | bits %d/%d | nids %d %d %d %d | hs %s | aead %d\n",
           (unsigned long)SSL_CIPHER_get_id(c), SSL_CIPHER_get_protocol_id(c),
           SSL_CIPHER_get_name(c), SSL_CIPHER_standard_name(c), SSL_CIPHER_get_version(c), bits,
           alg_bits, SSL_CIPHER_get_cipher_nid(c), SSL_CIPHER_get_digest_nid(c),
           SSL_CIPHER_get_kx_nid(c), SSL_CIPHER_get_auth_nid(c),
           md_name(SSL_CIPHER_get_handshake_digest(c)), SSL_CIPHER_is_aead(c));
    printf("  %s", SSL_CIPHER_description(c, buf, sizeof(buf)));
    printf("  by name: %s\n", OPENSSL_cipher_name(SSL_CIPHER_standard_name(c)));
}

/* Every code point: what SSL_CIPHER_find knows, and the getters on it. */
static void table(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);
    int found = 0;

    for (unsigned v = 0; v < 0x10000; v++) {
        unsigned char id[2] = {(unsigned char)(v >> 8), (unsigned char)v};
        const SSL_CIPHER *c = SSL_CIPHER_find(s, id);
        if (c == NULL)
            continue;
        found++;
        print_cipher(c);
    }
    printf("found %d\n", found);

    /* NULL and unknown arguments. */
    int alg_bits = 77;
    char small[127], *desc;
    const SSL_CIPHER *c = SSL_CIPHER_find(s, (const unsigned char *)"\xc0\x2f");
    printf("null: %s %s %s %d %d %d\n", SSL_CIPHER_get_name(NULL), SSL_CIPHER_standard_name(NULL),
           SSL_CIPHER_get_version(NULL), SSL_CIPHER_get_bits(NULL, &alg_bits), alg_bits,
           SSL_CIPHER_get_cipher_nid(NULL));
    printf("bits without alg_bits: %d\n", SSL_CIPHER_get_bits(c, NULL));
    printf("names: %s %s %s %s\n", OPENSSL_cipher_name(NULL), OPENSSL_cipher_name("nope"),
           OPENSSL_cipher_name(""), OPENSSL_cipher_name("TLS_FALLBACK_SCSV"));
    printf("small buffer: %s\n", SSL_CIPHER_description(c, small, sizeof(small)) ? "set" : "null");
    char big[300];
    printf("128: %s", SSL_CIPHER_description(c, big, 128));
    printf("300: %s", SSL_CIPHER_description(c, big, sizeof(big)));
    desc = SSL_CIPHER_description(c, NULL, 0);
    printf("allocated: %s", desc);
    OPENSSL_free(desc);
    diff_print_errors("table");
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static void default_for(const char *label, const SSL_METHOD *meth)
{
    SSL_CTX *ctx = SSL_CTX_new(meth);
    SSL *s = SSL_new(ctx);
    char name[64];

    snprintf(name, sizeof(name), "%s ctx", label);
    print_list(name, SSL_CTX_get_ciphers(ctx));
    snprintf(name, sizeof(name), "%s ssl", label);
    print_ssl_list(name, s);
    printf("%s same stack: %d\n", label, SSL_get_ciphers(s) == SSL_CTX_get_ciphers(ctx));
    SSL_free(s);
    SSL_CTX_free(ctx);
}

/* The lists a new context starts with. */
static void defaults(void)
{
    printf("OSSL_default_cipher_list: %s\n", OSSL_default_cipher_list());
    printf("OSSL_default_ciphersuites: %s\n", OSSL_default_ciphersuites());
    default_for("TLS_method", TLS_method());
    default_for("TLS_client_method", TLS_client_method());
    default_for("TLS_server_method", TLS_server_method());
    default_for("TLSv1_2_method", TLSv1_2_method());
    default_for("TLSv1_1_method", TLSv1_1_method());
    default_for("TLSv1_method", TLSv1_method());
    printf("null: %s %s %s\n", SSL_CTX_get_ciphers(NULL) ? "set" : "null",
           SSL_get_ciphers(NULL) ? "set" : "null", SSL_get_cipher_list(NULL, 0) ? "set" : "null");
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);
    printf("out of range: %s %s\n", SSL_get_cipher_list(s, -1) ? "set" : "null",
           SSL_get_cipher_list(s, 100000) ? "set" : "null");
    printf("client ciphers: %s\n", SSL_get_client_ciphers(s) ? "set" : "null");
    char buf[512];
    printf("shared: %s\n", SSL_get_shared_ciphers(s, buf, sizeof(buf)) ? "set" : "null");
    SSL_set_connect_state(s);
    printf("client ciphers (client): %s\n", SSL_get_client_ciphers(s) ? "set" : "null");
    printf("shared (client): %s\n", SSL_get_shared_ciphers(s, buf, sizeof(buf)) ? "set" : "null");
    SSL_set_accept_state(s);
    printf("client ciphers (server): %s\n", SSL_get_client_ciphers(s) ? "set" : "null");
    printf("shared (server): %s\n", SSL_get_shared_ciphers(s, buf, sizeof(buf)) ? "set" : "null");
    diff_print_errors("defaults");
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static const char *const cipher_strings[] = {
    "DEFAULT",
    "ALL",
    "ALL:COMPLEMENTOFALL",
    "COMPLEMENTOFALL",
    "COMPLEMENTOFDEFAULT",
    "ALL:!COMPLEMENTOFDEFAULT",
    "HIGH",
    "MEDIUM",
    "LOW",
    "HIGH:MEDIUM",
    "HIGH:!aNULL:!MD5",
    "aNULL",
    "eNULL",
    "NULL",
    "kRSA",
    "RSA",
    "aRSA",
    "kECDHE",
    "ECDHE",
    "EECDH",
    "kEECDH",
    "aECDSA",
    "ECDSA",
    "DHE",
    "EDH",
    "kDHE",
    "ADH",
    "AECDH",
    "DSS",
    "aDSS",
    "PSK",
    "kPSK",
    "aPSK",
    "kRSAPSK",
    "kDHEPSK",
    "kECDHEPSK",
    "SRP",
    "kSRP",
    "aSRP",
    "AES",
    "AES128",
    "AES256",
    "AESGCM",
    "AESCCM",
    "AESCCM8",
    "CHACHA20",
    "CAMELLIA",
    "CAMELLIA128",
    "CAMELLIA256",
    "ARIA",
    "ARIAGCM",
    "ARIA128",
    "ARIA256",
    "3DES",
    "RC4",
    "IDEA",
    "SEED",
    "GOST89",
    "kGOST",
    "aGOST",
    "CBC",
    "MD5",
    "SHA1",
    "SHA",
    "SHA256",
    "SHA384",
    "GOST94",
    "SSLv3",
    "TLSv1",
    "TLSv1.0",
    "TLSv1.1",
    "TLSv1.2",
    "FIPS",
    "ALL:@STRENGTH",
    "ALL:COMPLEMENTOFALL:@STRENGTH",
    "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM",
    "kECDHE+aRSA+AES256",
    "AESGCM+AES128",
    "AESGCM+CHACHA20",
    "RSA+AES:+SHA",
    "ALL:-RSA:RSA",
    "ALL:!RSA:RSA",
    "ALL:+RSA",
    "ALL:+aRSA:-AES256",
    "-ALL:AES",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA",
    "AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256:@STRENGTH",
    "ECDHE-RSA-AES128-GCM-SHA256+AES128",
    "ECDHE-RSA-AES128-GCM-SHA256+AES256",
    "TLSv1.2+ECDHE-RSA-AES128-SHA",
    "AES128-SHA+TLSv1.2",
    "SSLv3+TLSv1.2",
    "TLSv1+HIGH",
    "COMPLEMENTOFDEFAULT+HIGH",
    "HIGH+COMPLEMENTOFDEFAULT",
    "HIGH+LOW",
    "EDH-RSA-DES-CBC3-SHA",
    "EDH-DSS-DES-CBC3-SHA",
    "DEFAULT:!ECDHE",
    "DEFAULT:@STRENGTH",
    "DEFAULTS",
    "DEFAULT:",
    "DEFAULT::AES",
    "ALL,!AES",
    "ALL;!AES",
    "ALL !AES",
    "ALL!AES",
    "ALL:!AES:",
    ":::ALL",
    "  ALL  ",
    "",
    "FOO",
    "FOO:BAR",
    "FOO:AES128-SHA",
    "ALL:FOO+AES",
    "AES+FOO",
    "AES+",
    "ALL:+",
    "ALL:!",
    "ALL:-",
    "ALL:@",
    "ALL:#",
    "#ALL",
    "ALL:!!AES",
    "ALL:@FOO",
    "ALL:@STRENGTH+x",
    "ALL:@SECLEVEL=3",
    "ALL:@SECLEVEL=6",
    "ALL:@SECLEVEL=x",
    "ALL:@SECLEVEL=",
    "ALL:@SECLEVEL=12",
    "@SECLEVEL=0:ALL:COMPLEMENTOFALL",
    "@SECLEVEL=9:ALL",
    "ALL:@FOO:!AES",
    "TLS_AES_128_GCM_SHA256",
    "eNULL:@STRENGTH",
    "SUITEB128",
    "SUITEB128ONLY",
    "SUITEB128C2",
    "SUITEB192",
    "SUITEB128:AES",
    "SUITEB256",
    "ALL:kGOST18",
    "kRSA:!kRSA",
    "AESGCM:-AES256:AES",
    "aECDSA:aRSA:-aECDSA:aECDSA",
    "ALL:!ADH:!AECDH:+AESGCM",
    "HIGH:!aNULL:!kRSA:!PSK:!SRP:!MD5:!RC4",
    "ALL:-AES:-CAMELLIA:AES",
    "ALL:-ALL:ECDHE",
    "DEFAULTAES",
    "DEFAULT:@SECLEVEL=2",
    "ALL:+CHACHA20:+AESGCM",
    "-AES:AES",
    "!AES:AES",
    "ECDHE-ECDSA-AES128-GCM-SHA256:!ECDHE-ECDSA-AES128-GCM-SHA256",
    "kECDHE+kRSA",
    "AES128+AES256",
    "TLSv1.2+TLSv1",
    "SSLv3:TLSv1.2",
    "ALL:COMPLEMENTOFALL:!DSS:!SHA1",
    "CAMELLIA:@STRENGTH:+SHA1",
    "aGOST01",
    "GOST94",
    "GOST89MAC",
    "GOST12",
    "SHA1+MD5",
    "ALL:@STRENGTH:@STRENGTH",
    "@STRENGTH",
    "ALL@STRENGTH",
    "ALL:!eNULL:eNULL",
    "ALL:COMPLEMENTOFALL:-eNULL:+kRSA:eNULL",
    "aECDSA+AESGCM:aRSA+AESGCM:@STRENGTH",
    "PSK:-kPSK:+kRSAPSK",
    "kDHEPSK+CHACHA20:kECDHEPSK+AES",
    "ECDHE:+aECDSA",
    "MEDIUM:HIGH:@STRENGTH",
    "ALL:!TLSv1.2",
    "ALL:TLSv1.0",
    "ALL:!SSLv3:!TLSv1",
    "AES256-SHA AES128-SHA,CAMELLIA128-SHA;SEED-SHA",
    "ALL:FIPS",
    "FIPS:!FIPS",
    "ALL:-FIPS:+FIPS",
    "AESCCM:+AESCCM8",
    "ARIA:@STRENGTH",
    "kRSA:kRSA:+kRSA",
    "ALL:DES",
    "ALL:!DES",
    "DHE-RSA-AES128-SHA",
    "dhe-rsa-aes128-sha",
    "all",
    "Default",
};

/* One cipher string on a fresh context: result, errors, the list; then the
 * same on a connection. */
static void one_string(const SSL_METHOD *meth, const char *str)
{
    SSL_CTX *ctx = SSL_CTX_new(meth);
    SSL *s;
    int ret;

    ret = SSL_CTX_set_cipher_list(ctx, str);
    printf("[%s] ctx ret %d\n", str, ret);
    diff_print_errors("  ");
    print_list("  ctx", SSL_CTX_get_ciphers(ctx));

    SSL_CTX_free(ctx);
    ctx = SSL_CTX_new(meth);
    s = SSL_new(ctx);
    ret = SSL_set_cipher_list(s, str);
    printf("  ssl ret %d own %d\n", ret, SSL_get_ciphers(s) != SSL_CTX_get_ciphers(ctx));
    diff_print_errors("  ");
    print_ssl_list("  ssl", s);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static void strings(void)
{
    for (size_t i = 0; i < sizeof(cipher_strings) / sizeof(cipher_strings[0]); i++)
        one_string(TLS_method(), cipher_strings[i]);
    /* Suite B needs a method that has TLS 1.2 suites. */
    printf("TLSv1_1_method:\n");
    one_string(TLSv1_1_method(), "SUITEB128");
    one_string(TLSv1_1_method(), "ALL");
    printf("TLSv1_2_method:\n");
    one_string(TLSv1_2_method(), "SUITEB192");

    /* A NULL string; Suite B mode stays on for later strings. */
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    printf("null string: %d\n", SSL_CTX_set_cipher_list(ctx, NULL));
    diff_print_errors("  ");
    printf("suiteb then ALL: %d %d\n", SSL_CTX_set_cipher_list(ctx, "SUITEB128"),
           SSL_CTX_set_cipher_list(ctx, "ALL"));
    print_list("  ctx", SSL_CTX_get_ciphers(ctx));
    diff_print_errors("  ");
    SSL_CTX_free(ctx);

    /* A failed string leaves the list alone; one selecting no TLS 1.2 suite
     * replaces it. */
    ctx = SSL_CTX_new(TLS_method());
    printf("set: %d\n", SSL_CTX_set_cipher_list(ctx, "AES128-SHA:AES256-SHA"));
    printf("bad: %d\n", SSL_CTX_set_cipher_list(ctx, "ALL:+"));
    print_list("  ctx", SSL_CTX_get_ciphers(ctx));
    printf("nothing: %d\n", SSL_CTX_set_cipher_list(ctx, "FOO"));
    print_list("  ctx", SSL_CTX_get_ciphers(ctx));
    diff_print_errors("  ");
    SSL_CTX_free(ctx);
}

static const char *const suite_strings[] = {
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256",
    "",
    "FOO",
    "FOO:TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_GCM_SHA256:FOO",
    " TLS_AES_128_GCM_SHA256 : TLS_AES_256_GCM_SHA384 ",
    "TLS_AES_128_GCM_SHA256::TLS_AES_256_GCM_SHA384",
    ":",
    "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256:TLS_AES_128_GCM_SHA256",
    "tls_aes_128_gcm_sha256",
    "AES128-SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_AES_128_GCM_SHA256:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
    "TLS_AES_128_GCM_SHA256_TOO_LONG_NAME_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
};

static void suites(void)
{
    for (size_t i = 0; i < sizeof(suite_strings) / sizeof(suite_strings[0]); i++) {
        const char *str = suite_strings[i];
        SSL_CTX *ctx = SSL_CTX_new(TLS_method());
        SSL *s;
        int ret = SSL_CTX_set_ciphersuites(ctx, str);

        printf("[%s] ctx ret %d\n", str, ret);
        diff_print_errors("  ");
        print_list("  ctx", SSL_CTX_get_ciphers(ctx));
        /* ... and the TLS 1.2 list set afterwards keeps them in front. */
        printf("  then cipher list: %d\n", SSL_CTX_set_cipher_list(ctx, "AES128-SHA"));
        print_list("  ctx", SSL_CTX_get_ciphers(ctx));
        printf("  again: %d\n", SSL_CTX_set_ciphersuites(ctx, str));
        print_list("  ctx", SSL_CTX_get_ciphers(ctx));
        diff_print_errors("  ");

        s = SSL_new(ctx);
        ret = SSL_set_ciphersuites(s, str);
        printf("  ssl ret %d own %d\n", ret, SSL_get_ciphers(s) != SSL_CTX_get_ciphers(ctx));
        diff_print_errors("  ");
        print_ssl_list("  ssl", s);
        SSL_free(s);
        SSL_CTX_free(ctx);
    }

    /* A connection copies the context's TLS 1.3 suites at SSL_new. */
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_CCM_SHA256");
    SSL *s = SSL_new(ctx);
    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384");
    print_ssl_list("inherit before set", s);
    SSL_set_cipher_list(s, "AES256-SHA");
    print_ssl_list("inherit after set", s);
    print_list("ctx after", SSL_CTX_get_ciphers(ctx));
    /* Refused string on a connection with no list of its own. */
    SSL *s2 = SSL_new(ctx);
    printf("refused: %d own %d\n", SSL_set_ciphersuites(s2, "FOO"),
           SSL_get_ciphers(s2) != SSL_CTX_get_ciphers(ctx));
    print_ssl_list("refused", s2);
    diff_print_errors("suites");
    SSL_free(s2);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

/* Connection lists: own versus inherited, SSL_dup, context changes. */
static void ssl_lists(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx), *d;

    SSL_CTX_set_cipher_list(ctx, "AES128-SHA");
    print_ssl_list("inherits later ctx change", s);
    SSL_set_cipher_list(s, "AES256-SHA:CAMELLIA128-SHA");
    SSL_CTX_set_cipher_list(ctx, "AES256-GCM-SHA384");
    print_ssl_list("own list", s);
    d = SSL_dup(s);
    print_ssl_list("dup", d);
    SSL_free(d);
    print_list("ctx", SSL_CTX_get_ciphers(ctx));
    diff_print_errors("ssl");
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static void bytes_case(const char *label, const unsigned char *b, size_t len, int v2)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);
    STACK_OF(SSL_CIPHER) *sk = NULL, *scsvs = NULL;
    int ret = SSL_bytes_to_cipher_list(s, b, len, v2, &sk, &scsvs);

    printf("%s: %d\n", label, ret);
    diff_print_errors("  ");
    print_list("  suites", ret ? sk : NULL);
    print_list("  scsvs", ret ? scsvs : NULL);
    if (ret) {
        sk_SSL_CIPHER_free(sk);
        sk_SSL_CIPHER_free(scsvs);
    }
    printf("  without outputs: %d\n", SSL_bytes_to_cipher_list(s, b, len, v2, NULL, NULL));
    diff_print_errors("  ");
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static void bytes(void)
{
    static const unsigned char tls[] = {0x13, 0x01, 0xc0, 0x2f, 0x00, 0xff, 0x56, 0x00,
                                        0x12, 0x34, 0x00, 0x2f, 0xff, 0x85, 0x00, 0x07};
    static const unsigned char v2[] = {0x00, 0xc0, 0x2f, 0x01, 0x00, 0x80, 0x00, 0x00,
                                       0xff, 0x00, 0x13, 0x02, 0x07, 0x00, 0xc0};
    bytes_case("tls", tls, sizeof(tls), 0);
    bytes_case("odd", tls, 3, 0);
    bytes_case("empty", tls, 0, 0);
    bytes_case("v2", v2, sizeof(v2), 1);
    bytes_case("v2 bad length", v2, 4, 1);
    bytes_case("unknown only", tls + 8, 2, 0);
}

static void supported_case(const char *label, SSL *s)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_get1_supported_ciphers(s);
    print_list(label, sk);
    sk_SSL_CIPHER_free(sk);
    diff_print_errors("  ");
}

static void supported(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);

    printf("null: %s\n", SSL_get1_supported_ciphers(NULL) ? "set" : "null");
    supported_case("default", s);
    SSL_set_cipher_list(s, "PSK:AES128-SHA:ECDHE-ECDSA-AES128-SHA256");
    supported_case("psk without callback", s);
    SSL_set_ciphersuites(s, "");
    supported_case("no TLS 1.3 suites", s);
    /* The default security callback: level 3 drops the suites without
     * forward secrecy, level 0 lets every one through. */
    SSL_set_cipher_list(s, "AES128-SHA:ECDHE-RSA-AES128-SHA:DHE-RSA-AES256-SHA256:NULL-SHA256");
    SSL_set_security_level(s, 3);
    supported_case("security level 3", s);
    SSL_set_security_level(s, 0);
    supported_case("security level 0", s);
    SSL_free(s);
    SSL_CTX_free(ctx);

    ctx = SSL_CTX_new(TLSv1_method());
    s = SSL_new(ctx);
    supported_case("TLSv1_method", s);
    SSL_free(s);
    SSL_CTX_free(ctx);

    ctx = SSL_CTX_new(TLSv1_2_method());
    s = SSL_new(ctx);
    supported_case("TLSv1_2_method", s);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

/* Lists depend on what the context's providers offer. */
static void provider_case(const char *label, const char *const *names, size_t n)
{
    static const char *const strs[] = {"DEFAULT",       "ALL:COMPLEMENTOFALL", "SEED:IDEA:CAMELLIA",
                                       "ECDHE:DHE:DSS", "SEED+kRSA",           "MD5"};
    OSSL_LIB_CTX *libctx = OSSL_LIB_CTX_new();
    OSSL_PROVIDER *prov[4] = {NULL};
    SSL_CTX *ctx;

    for (size_t i = 0; i < n; i++)
        prov[i] = OSSL_PROVIDER_load(libctx, names[i]);
    ctx = SSL_CTX_new_ex(libctx, NULL, TLS_method());
    printf("%s: ctx %s\n", label, ctx != NULL ? "made" : "null");
    diff_print_errors("  ");
    for (size_t i = 0; ctx != NULL && i < sizeof(strs) / sizeof(strs[0]); i++) {
        printf("  [%s] %d\n", strs[i], SSL_CTX_set_cipher_list(ctx, strs[i]));
        diff_print_errors("  ");
        print_list("  ctx", SSL_CTX_get_ciphers(ctx));
    }
    SSL_CTX_free(ctx);
    for (size_t i = 0; i < n; i++)
        OSSL_PROVIDER_unload(prov[i]);
    OSSL_LIB_CTX_free(libctx);
}

static void providers(void)
{
    static const char *const legacy[] = {"legacy", "default"};
    static const char *const base[] = {"base"};
    provider_case("legacy+default", legacy, 2);
    provider_case("base only", base, 1);
}

int main(int argc, char **argv)
{
    diff_report_lib();
    if (argc < 2)
        return 2;
    if (strcmp(argv[1], "table") == 0)
        table();
    else if (strcmp(argv[1], "default") == 0)
        defaults();
    else if (strcmp(argv[1], "strings") == 0)
        strings();
    else if (strcmp(argv[1], "suites") == 0)
        suites();
    else if (strcmp(argv[1], "ssl") == 0)
        ssl_lists();
    else if (strcmp(argv[1], "bytes") == 0)
        bytes();
    else if (strcmp(argv[1], "supported") == 0)
        supported();
    else if (strcmp(argv[1], "providers") == 0)
        providers();
    else
        return 2;
    return 0;
}
