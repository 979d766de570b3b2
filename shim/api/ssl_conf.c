/*
 * shimssl - SSL_CONF: configuring a context or connection by command name,
 * in the command-line form ("-cipher") or the file form ("CipherString").
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * One table lists every command of OpenSSL 3.0 with its two names, the
 * roles and configuration kinds it is allowed for, and its value type.
 * Value commands call the public setters; switches and the Options /
 * Protocol / VerifyMode lists flip option, certificate or verify flags
 * directly, as stock does.
 */
#include "shim.h"

#include <openssl/conf.h>
#include <openssl/decoder.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "objects.h"

/* Where a flag goes (stock's table flags; the role bits are the
 * SSL_CONF_FLAG_CLIENT / _SERVER values). */
#define FLAG_INV       0x1
#define FLAG_OPTION    0x000
#define FLAG_CERT      0x100
#define FLAG_VFY       0x200
#define FLAG_KIND_MASK 0xf00
#define ROLE_CLIENT    SSL_CONF_FLAG_CLIENT
#define ROLE_SERVER    SSL_CONF_FLAG_SERVER
#define ROLE_BOTH      (ROLE_CLIENT | ROLE_SERVER)

struct ssl_conf_ctx_st {
    unsigned int flags;
    char *prefix;
    size_t prefixlen;
    SSL_CTX *ctx;
    SSL *ssl;
    /* Certificate files waiting for their key (SSL_CONF_FLAG_REQUIRE_PRIVATE). */
    char *cert_file[SHIM_PKEY_NUM];
    STACK_OF(X509_NAME) * canames;
    const struct flag_word *words; /* the list being parsed */
    size_t nwords;
};

/* -------------------------------------------------------------- flag words */

struct flag_word {
    const char *name;
    unsigned int flags;
    uint64_t value;
};

static struct shim_config *target_cfg(SSL_CONF_CTX *cctx)
{
    if (cctx->ssl != NULL)
        return &cctx->ssl->cfg;
    return cctx->ctx != NULL ? &cctx->ctx->cfg : NULL;
}

static void set_flag(SSL_CONF_CTX *cctx, unsigned int flags, uint64_t value, int on)
{
    struct shim_config *cfg = target_cfg(cctx);

    if (cfg == NULL)
        return;
    if (flags & FLAG_INV)
        on = !on;
    switch (flags & FLAG_KIND_MASK) {
    case FLAG_OPTION:
        cfg->options = on ? cfg->options | value : cfg->options & ~value;
        break;
    case FLAG_CERT:
        cfg->cert->cert_flags =
            on ? cfg->cert->cert_flags | (uint32_t)value : cfg->cert->cert_flags & ~(uint32_t)value;
        break;
    case FLAG_VFY:
        cfg->verify_mode =
            on ? cfg->verify_mode | (uint32_t)value : cfg->verify_mode & ~(uint32_t)value;
        break;
    default:
        break;
    }
}

/* One element of an Options / Protocol / VerifyMode list: "+Name", "-Name"
 * or "Name", matched case-insensitively, for this role only. */
static int word_cb(const char *elem, int len, void *arg)
{
    SSL_CONF_CTX *cctx = arg;
    int on = 1;

    if (elem == NULL)
        return 0;
    if (*elem == '+' || *elem == '-') {
        on = *elem == '+';
        elem++;
        len--;
    }
    for (size_t i = 0; i < cctx->nwords; i++) {
        const struct flag_word *w = &cctx->words[i];
        if ((cctx->flags & w->flags & ROLE_BOTH) && (int)strlen(w->name) == len &&
            strncasecmp(w->name, elem, (size_t)len) == 0) {
            set_flag(cctx, w->flags, w->value, on);
            return 1;
        }
    }
    return 0;
}

static int parse_words(SSL_CONF_CTX *cctx, const char *value, const struct flag_word *w, size_t n)
{
    cctx->words = w;
    cctx->nwords = n;
    return CONF_parse_list(value, ',', 1, word_cb, cctx);
}

#define WORD(name, flags, value)                                                                   \
    {                                                                                              \
        name, (flags) | ROLE_BOTH, value                                                           \
    }
#define WORD_INV(name, value)                                                                      \
    {                                                                                              \
        name, FLAG_INV | ROLE_BOTH, value                                                          \
    }
#define WORD_SRV(name, value)                                                                      \
    {                                                                                              \
        name, ROLE_SERVER, value                                                                   \
    }

static int cmd_options(SSL_CONF_CTX *cctx, const char *value)
{
    static const struct flag_word words[] = {
        WORD_INV("SessionTicket", SSL_OP_NO_TICKET),
        WORD_INV("EmptyFragments", SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS),
        WORD("Bugs", FLAG_OPTION, SSL_OP_ALL),
        WORD_INV("Compression", SSL_OP_NO_COMPRESSION),
        WORD_SRV("ServerPreference", SSL_OP_CIPHER_SERVER_PREFERENCE),
        WORD_SRV("NoResumptionOnRenegotiation", SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION),
        WORD_SRV("DHSingle", SSL_OP_SINGLE_DH_USE),
        WORD_SRV("ECDHSingle", SSL_OP_SINGLE_ECDH_USE),
        WORD("UnsafeLegacyRenegotiation", FLAG_OPTION, SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION),
        WORD("UnsafeLegacyServerConnect", FLAG_OPTION, SSL_OP_LEGACY_SERVER_CONNECT),
        WORD("ClientRenegotiation", FLAG_OPTION, SSL_OP_ALLOW_CLIENT_RENEGOTIATION),
        WORD_INV("EncryptThenMac", SSL_OP_NO_ENCRYPT_THEN_MAC),
        WORD("NoRenegotiation", FLAG_OPTION, SSL_OP_NO_RENEGOTIATION),
        WORD("AllowNoDHEKEX", FLAG_OPTION, SSL_OP_ALLOW_NO_DHE_KEX),
        WORD("PrioritizeChaCha", FLAG_OPTION, SSL_OP_PRIORITIZE_CHACHA),
        WORD("MiddleboxCompat", FLAG_OPTION, SSL_OP_ENABLE_MIDDLEBOX_COMPAT),
        WORD_INV("AntiReplay", SSL_OP_NO_ANTI_REPLAY),
        WORD_INV("ExtendedMasterSecret", SSL_OP_NO_EXTENDED_MASTER_SECRET),
        WORD_INV("CANames", SSL_OP_DISABLE_TLSEXT_CA_NAMES),
        WORD("KTLS", FLAG_OPTION, SSL_OP_ENABLE_KTLS),
    };
    return parse_words(cctx, value, words, sizeof(words) / sizeof(words[0]));
}

static int cmd_protocol(SSL_CONF_CTX *cctx, const char *value)
{
    static const struct flag_word words[] = {
        WORD_INV("ALL", SSL_OP_NO_SSL_MASK),      WORD_INV("SSLv2", SSL_OP_NO_SSLv2),
        WORD_INV("SSLv3", SSL_OP_NO_SSLv3),       WORD_INV("TLSv1", SSL_OP_NO_TLSv1),
        WORD_INV("TLSv1.1", SSL_OP_NO_TLSv1_1),   WORD_INV("TLSv1.2", SSL_OP_NO_TLSv1_2),
        WORD_INV("TLSv1.3", SSL_OP_NO_TLSv1_3),   WORD_INV("DTLSv1", SSL_OP_NO_DTLSv1),
        WORD_INV("DTLSv1.2", SSL_OP_NO_DTLSv1_2),
    };
    return parse_words(cctx, value, words, sizeof(words) / sizeof(words[0]));
}

static int cmd_verify_mode(SSL_CONF_CTX *cctx, const char *value)
{
    static const struct flag_word words[] = {
        {"Peer", FLAG_VFY | ROLE_CLIENT, SSL_VERIFY_PEER},
        {"Request", FLAG_VFY | ROLE_SERVER, SSL_VERIFY_PEER},
        {"Require", FLAG_VFY | ROLE_SERVER, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT},
        {"Once", FLAG_VFY | ROLE_SERVER, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE},
        {"RequestPostHandshake", FLAG_VFY | ROLE_SERVER,
         SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE},
        {"RequirePostHandshake", FLAG_VFY | ROLE_SERVER,
         SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE | SSL_VERIFY_FAIL_IF_NO_PEER_CERT},
    };
    return parse_words(cctx, value, words, sizeof(words) / sizeof(words[0]));
}

/* ------------------------------------------------------ value commands */

static int cmd_sigalgs(SSL_CONF_CTX *cctx, const char *value)
{
    return (cctx->ssl != NULL ? SSL_set1_sigalgs_list(cctx->ssl, value)
                              : SSL_CTX_set1_sigalgs_list(cctx->ctx, value)) > 0;
}

static int cmd_client_sigalgs(SSL_CONF_CTX *cctx, const char *value)
{
    return (cctx->ssl != NULL ? SSL_set1_client_sigalgs_list(cctx->ssl, value)
                              : SSL_CTX_set1_client_sigalgs_list(cctx->ctx, value)) > 0;
}

static int cmd_groups(SSL_CONF_CTX *cctx, const char *value)
{
    return (cctx->ssl != NULL ? SSL_set1_groups_list(cctx->ssl, value)
                              : SSL_CTX_set1_groups_list(cctx->ctx, value)) > 0;
}

/* One curve, or "automatic" / "auto", which is what happens anyway. */
static int cmd_ecdh_parameters(SSL_CONF_CTX *cctx, const char *value)
{
    if ((cctx->flags & SSL_CONF_FLAG_FILE) &&
        (strcasecmp(value, "+automatic") == 0 || strcasecmp(value, "automatic") == 0))
        return 1;
    if ((cctx->flags & SSL_CONF_FLAG_CMDLINE) && strcmp(value, "auto") == 0)
        return 1;
    if (strchr(value, ':') != NULL)
        return 0;
    if (cctx->ctx != NULL)
        return SSL_CTX_set1_groups_list(cctx->ctx, value) > 0;
    return cctx->ssl == NULL || SSL_set1_groups_list(cctx->ssl, value) > 0;
}

static int cmd_cipher_string(SSL_CONF_CTX *cctx, const char *value)
{
    int rv = 1;

    if (cctx->ctx != NULL)
        rv = SSL_CTX_set_cipher_list(cctx->ctx, value);
    if (cctx->ssl != NULL)
        rv = SSL_set_cipher_list(cctx->ssl, value);
    return rv > 0;
}

static int cmd_ciphersuites(SSL_CONF_CTX *cctx, const char *value)
{
    int rv = 1;

    if (cctx->ctx != NULL)
        rv = SSL_CTX_set_ciphersuites(cctx->ctx, value);
    if (cctx->ssl != NULL)
        rv = SSL_set_ciphersuites(cctx->ssl, value);
    return rv > 0;
}

/* The version names MinProtocol and MaxProtocol accept; -1 for others. */
static int version_by_name(const char *value)
{
    static const struct {
        const char *name;
        int version;
    } names[] = {
        {"None", 0},
        {"SSLv3", SSL3_VERSION},
        {"TLSv1", TLS1_VERSION},
        {"TLSv1.1", TLS1_1_VERSION},
        {"TLSv1.2", TLS1_2_VERSION},
        {"TLSv1.3", TLS1_3_VERSION},
        {"DTLSv1", DTLS1_VERSION},
        {"DTLSv1.2", DTLS1_2_VERSION},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i].name, value) == 0)
            return names[i].version;
    return -1;
}

/* Stock sets the bound directly (without checking it against the other
 * bound, as the ctrl does): a TLS version on a version-flexible TLS method,
 * ignored otherwise. */
static int set_bound(SSL_CONF_CTX *cctx, const char *value, int max)
{
    struct shim_config *cfg = target_cfg(cctx);
    const SSL_METHOD *m;
    int v = version_by_name(value);

    if (cfg == NULL || v < 0)
        return 0;
    m = cctx->ctx != NULL ? cctx->ctx->method : cctx->ssl->ctx->method;
    if (v != 0 && (v < SSL3_VERSION || v > TLS1_3_VERSION))
        return 1; /* a DTLS version: valid, but not for this method */
    if (v == 0 || m->version == TLS_ANY_VERSION)
        *(max ? &cfg->max_proto_version : &cfg->min_proto_version) = v;
    return 1;
}

static int cmd_min_protocol(SSL_CONF_CTX *cctx, const char *value)
{
    return set_bound(cctx, value, 0);
}

static int cmd_max_protocol(SSL_CONF_CTX *cctx, const char *value)
{
    return set_bound(cctx, value, 1);
}

static int cmd_private_key(SSL_CONF_CTX *cctx, const char *value)
{
    int rv = 1;

    if (!(cctx->flags & SSL_CONF_FLAG_CERTIFICATE))
        return -2;
    if (cctx->ctx != NULL)
        rv = SSL_CTX_use_PrivateKey_file(cctx->ctx, value, SSL_FILETYPE_PEM);
    if (cctx->ssl != NULL)
        rv = SSL_use_PrivateKey_file(cctx->ssl, value, SSL_FILETYPE_PEM);
    return rv > 0;
}

static int cmd_certificate(SSL_CONF_CTX *cctx, const char *value)
{
    struct shim_config *cfg = target_cfg(cctx);
    int rv = 1;

    if (cctx->ctx != NULL)
        rv = SSL_CTX_use_certificate_chain_file(cctx->ctx, value);
    if (cctx->ssl != NULL)
        rv = SSL_use_certificate_chain_file(cctx->ssl, value);
    /* Remembered so that SSL_CONF_CTX_finish can load a key of that name. */
    if (rv > 0 && cfg != NULL && (cctx->flags & SSL_CONF_FLAG_REQUIRE_PRIVATE)) {
        char **slot = &cctx->cert_file[cfg->cert->current - cfg->cert->pkeys];
        OPENSSL_free(*slot);
        if ((*slot = OPENSSL_strdup(value)) == NULL)
            rv = 0;
    }
    return rv > 0;
}

/* CA names gathered for the certificate_authorities list, set at finish. */
static int cmd_ca_file(SSL_CONF_CTX *cctx, const char *value)
{
    if (cctx->canames == NULL && (cctx->canames = sk_X509_NAME_new_null()) == NULL)
        return 0;
    return SSL_add_file_cert_subjects_to_stack(cctx->canames, value);
}

static int cmd_ca_path(SSL_CONF_CTX *cctx, const char *value)
{
    if (cctx->canames == NULL && (cctx->canames = sk_X509_NAME_new_null()) == NULL)
        return 0;
    return SSL_add_dir_cert_subjects_to_stack(cctx->canames, value);
}

static int cmd_ca_store(SSL_CONF_CTX *cctx, const char *value)
{
    if (cctx->canames == NULL && (cctx->canames = sk_X509_NAME_new_null()) == NULL)
        return 0;
    return SSL_add_store_cert_subjects_to_stack(cctx->canames, value);
}

/* Passed on to the context (whose loader refuses until the server side,
 * the only user of serverinfo, exists); without one there is nothing to do. */
static int cmd_server_info(SSL_CONF_CTX *cctx, const char *value)
{
    return cctx->ctx == NULL || SSL_CTX_use_serverinfo_file(cctx->ctx, value) > 0;
}

/* The first DH parameters in a PEM file become the temporary DH key. */
static int cmd_dh_parameters(SSL_CONF_CTX *cctx, const char *value)
{
    SSL_CTX *ctx = cctx->ssl != NULL ? cctx->ssl->ctx : cctx->ctx;
    EVP_PKEY *dh = NULL;
    OSSL_DECODER_CTX *dec;
    BIO *in;
    int rv = 0;

    if (ctx == NULL)
        return 1;
    if ((in = BIO_new(BIO_s_file())) == NULL || BIO_read_filename(in, value) <= 0) {
        BIO_free(in);
        return 0;
    }
    dec = OSSL_DECODER_CTX_new_for_pkey(
        &dh, "PEM", NULL, "DH", OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS, ctx->libctx, ctx->propq);
    if (dec != NULL) {
        /* Whatever precedes the parameters in the file is skipped. */
        ERR_set_mark();
        while (!OSSL_DECODER_from_bio(dec, in) && dh == NULL && !BIO_eof(in))
            continue;
        if (dh != NULL)
            ERR_pop_to_mark();
        else
            ERR_clear_last_mark();
    }
    OSSL_DECODER_CTX_free(dec);
    BIO_free(in);
    if (dh != NULL && cctx->ctx != NULL && (rv = SSL_CTX_set0_tmp_dh_pkey(cctx->ctx, dh)) > 0)
        dh = NULL;
    if (dh != NULL && cctx->ssl != NULL && (rv = SSL_set0_tmp_dh_pkey(cctx->ssl, dh)) > 0)
        dh = NULL;
    EVP_PKEY_free(dh);
    return rv > 0;
}

/* Loads into the connection's verify or chain store, made on first use. */
static int load_store(SSL_CONF_CTX *cctx, const char *file, const char *dir, const char *uri,
                      int verify)
{
    struct shim_config *cfg = target_cfg(cctx);
    SSL_CTX *ctx = cctx->ctx != NULL ? cctx->ctx : (cctx->ssl != NULL ? cctx->ssl->ctx : NULL);
    X509_STORE **st;

    if (cfg == NULL)
        return 1;
    st = verify ? &cfg->cert->verify_store : &cfg->cert->chain_store;
    if (*st == NULL && (*st = X509_STORE_new()) == NULL)
        return 0;
    if (file != NULL && !X509_STORE_load_file_ex(*st, file, ctx->libctx, ctx->propq))
        return 0;
    if (dir != NULL && !X509_STORE_load_path(*st, dir))
        return 0;
    return uri == NULL || X509_STORE_load_store_ex(*st, uri, ctx->libctx, ctx->propq);
}

static int cmd_chain_ca_path(SSL_CONF_CTX *c, const char *v)
{
    return load_store(c, NULL, v, NULL, 0);
}

static int cmd_chain_ca_file(SSL_CONF_CTX *c, const char *v)
{
    return load_store(c, v, NULL, NULL, 0);
}

static int cmd_chain_ca_store(SSL_CONF_CTX *c, const char *v)
{
    return load_store(c, NULL, NULL, v, 0);
}

static int cmd_verify_ca_path(SSL_CONF_CTX *c, const char *v)
{
    return load_store(c, NULL, v, NULL, 1);
}

static int cmd_verify_ca_file(SSL_CONF_CTX *c, const char *v)
{
    return load_store(c, v, NULL, NULL, 1);
}

static int cmd_verify_ca_store(SSL_CONF_CTX *c, const char *v)
{
    return load_store(c, NULL, NULL, v, 1);
}

static int cmd_record_padding(SSL_CONF_CTX *cctx, const char *value)
{
    int n = atoi(value), rv = 0;

    if (n >= 0) {
        if (cctx->ctx != NULL)
            rv = SSL_CTX_set_block_padding(cctx->ctx, (size_t)n);
        if (cctx->ssl != NULL)
            rv = SSL_set_block_padding(cctx->ssl, (size_t)n);
    }
    return rv;
}

static int cmd_num_tickets(SSL_CONF_CTX *cctx, const char *value)
{
    int n = atoi(value), rv = 0;

    if (n >= 0) {
        if (cctx->ctx != NULL)
            rv = SSL_CTX_set_num_tickets(cctx->ctx, (size_t)n);
        if (cctx->ssl != NULL)
            rv = SSL_set_num_tickets(cctx->ssl, (size_t)n);
    }
    return rv;
}

/* ------------------------------------------------------------ the table */

struct conf_cmd {
    int (*run)(SSL_CONF_CTX *cctx, const char *value); /* NULL: a switch */
    const char *file_name;
    const char *cmdline_name;
    unsigned int flags;      /* SSL_CONF_FLAG_CLIENT / SERVER / CERTIFICATE it needs */
    unsigned int value_type; /* SSL_CONF_TYPE_* */
    unsigned int switch_flags;
    uint64_t switch_value;
};

#define SWITCH(name, flags, sflags, value)                                                         \
    {                                                                                              \
        NULL, NULL, name, flags, SSL_CONF_TYPE_NONE, sflags, value                                 \
    }
#define STRING(fn, file, cmdline, flags)                                                           \
    {                                                                                              \
        fn, file, cmdline, flags, SSL_CONF_TYPE_STRING, 0, 0                                       \
    }
#define TYPED(fn, file, cmdline, flags, type)                                                      \
    {                                                                                              \
        fn, file, cmdline, flags, type, 0, 0                                                       \
    }
#define CERTF SSL_CONF_FLAG_CERTIFICATE

static const struct conf_cmd commands[] = {
    SWITCH("no_ssl3", 0, 0, SSL_OP_NO_SSLv3),
    SWITCH("no_tls1", 0, 0, SSL_OP_NO_TLSv1),
    SWITCH("no_tls1_1", 0, 0, SSL_OP_NO_TLSv1_1),
    SWITCH("no_tls1_2", 0, 0, SSL_OP_NO_TLSv1_2),
    SWITCH("no_tls1_3", 0, 0, SSL_OP_NO_TLSv1_3),
    SWITCH("bugs", 0, 0, SSL_OP_ALL),
    SWITCH("no_comp", 0, 0, SSL_OP_NO_COMPRESSION),
    SWITCH("comp", 0, FLAG_INV, SSL_OP_NO_COMPRESSION),
    SWITCH("ecdh_single", SSL_CONF_FLAG_SERVER, 0, SSL_OP_SINGLE_ECDH_USE),
    SWITCH("no_ticket", 0, 0, SSL_OP_NO_TICKET),
    SWITCH("serverpref", SSL_CONF_FLAG_SERVER, 0, SSL_OP_CIPHER_SERVER_PREFERENCE),
    SWITCH("legacy_renegotiation", 0, 0, SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION),
    SWITCH("client_renegotiation", SSL_CONF_FLAG_SERVER, 0, SSL_OP_ALLOW_CLIENT_RENEGOTIATION),
    SWITCH("legacy_server_connect", SSL_CONF_FLAG_CLIENT, 0, SSL_OP_LEGACY_SERVER_CONNECT),
    SWITCH("no_renegotiation", 0, 0, SSL_OP_NO_RENEGOTIATION),
    SWITCH("no_resumption_on_reneg", SSL_CONF_FLAG_SERVER, 0,
           SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION),
    SWITCH("no_legacy_server_connect", SSL_CONF_FLAG_CLIENT, FLAG_INV,
           SSL_OP_LEGACY_SERVER_CONNECT),
    SWITCH("allow_no_dhe_kex", 0, 0, SSL_OP_ALLOW_NO_DHE_KEX),
    SWITCH("prioritize_chacha", SSL_CONF_FLAG_SERVER, 0, SSL_OP_PRIORITIZE_CHACHA),
    SWITCH("strict", 0, FLAG_CERT, SSL_CERT_FLAG_TLS_STRICT),
    SWITCH("no_middlebox", 0, FLAG_INV, SSL_OP_ENABLE_MIDDLEBOX_COMPAT),
    SWITCH("anti_replay", SSL_CONF_FLAG_SERVER, FLAG_INV, SSL_OP_NO_ANTI_REPLAY),
    SWITCH("no_anti_replay", SSL_CONF_FLAG_SERVER, 0, SSL_OP_NO_ANTI_REPLAY),
    SWITCH("no_etm", 0, 0, SSL_OP_NO_ENCRYPT_THEN_MAC),
    STRING(cmd_sigalgs, "SignatureAlgorithms", "sigalgs", 0),
    STRING(cmd_client_sigalgs, "ClientSignatureAlgorithms", "client_sigalgs", 0),
    STRING(cmd_groups, "Curves", "curves", 0),
    STRING(cmd_groups, "Groups", "groups", 0),
    STRING(cmd_ecdh_parameters, "ECDHParameters", "named_curve", SSL_CONF_FLAG_SERVER),
    STRING(cmd_cipher_string, "CipherString", "cipher", 0),
    STRING(cmd_ciphersuites, "Ciphersuites", "ciphersuites", 0),
    STRING(cmd_protocol, "Protocol", NULL, 0),
    STRING(cmd_min_protocol, "MinProtocol", "min_protocol", 0),
    STRING(cmd_max_protocol, "MaxProtocol", "max_protocol", 0),
    STRING(cmd_options, "Options", NULL, 0),
    STRING(cmd_verify_mode, "VerifyMode", NULL, 0),
    TYPED(cmd_certificate, "Certificate", "cert", CERTF, SSL_CONF_TYPE_FILE),
    TYPED(cmd_private_key, "PrivateKey", "key", CERTF, SSL_CONF_TYPE_FILE),
    TYPED(cmd_server_info, "ServerInfoFile", NULL, SSL_CONF_FLAG_SERVER | CERTF,
          SSL_CONF_TYPE_FILE),
    TYPED(cmd_chain_ca_path, "ChainCAPath", "chainCApath", CERTF, SSL_CONF_TYPE_DIR),
    TYPED(cmd_chain_ca_file, "ChainCAFile", "chainCAfile", CERTF, SSL_CONF_TYPE_FILE),
    TYPED(cmd_chain_ca_store, "ChainCAStore", "chainCAstore", CERTF, SSL_CONF_TYPE_STORE),
    TYPED(cmd_verify_ca_path, "VerifyCAPath", "verifyCApath", CERTF, SSL_CONF_TYPE_DIR),
    TYPED(cmd_verify_ca_file, "VerifyCAFile", "verifyCAfile", CERTF, SSL_CONF_TYPE_FILE),
    TYPED(cmd_verify_ca_store, "VerifyCAStore", "verifyCAstore", CERTF, SSL_CONF_TYPE_STORE),
    TYPED(cmd_ca_file, "RequestCAFile", "requestCAFile", CERTF, SSL_CONF_TYPE_FILE),
    TYPED(cmd_ca_file, "ClientCAFile", NULL, SSL_CONF_FLAG_SERVER | CERTF, SSL_CONF_TYPE_FILE),
    TYPED(cmd_ca_path, "RequestCAPath", NULL, CERTF, SSL_CONF_TYPE_DIR),
    TYPED(cmd_ca_path, "ClientCAPath", NULL, SSL_CONF_FLAG_SERVER | CERTF, SSL_CONF_TYPE_DIR),
    TYPED(cmd_ca_store, "RequestCAStore", "requestCAStore", CERTF, SSL_CONF_TYPE_STORE),
    TYPED(cmd_ca_store, "ClientCAStore", NULL, SSL_CONF_FLAG_SERVER | CERTF, SSL_CONF_TYPE_STORE),
    TYPED(cmd_dh_parameters, "DHParameters", "dhparam", SSL_CONF_FLAG_SERVER | CERTF,
          SSL_CONF_TYPE_FILE),
    STRING(cmd_record_padding, "RecordPadding", "record_padding", 0),
    STRING(cmd_num_tickets, "NumTickets", "num_tickets", SSL_CONF_FLAG_SERVER),
};

/* The prefix (or the command line's '-') is checked and skipped. */
static int skip_prefix(const SSL_CONF_CTX *cctx, const char **cmd)
{
    if (*cmd == NULL)
        return 0;
    if (cctx->prefix != NULL) {
        if (strlen(*cmd) <= cctx->prefixlen)
            return 0;
        if ((cctx->flags & SSL_CONF_FLAG_CMDLINE) && strncmp(*cmd, cctx->prefix, cctx->prefixlen))
            return 0;
        if ((cctx->flags & SSL_CONF_FLAG_FILE) && strncasecmp(*cmd, cctx->prefix, cctx->prefixlen))
            return 0;
        *cmd += cctx->prefixlen;
    } else if (cctx->flags & SSL_CONF_FLAG_CMDLINE) {
        if ((*cmd)[0] != '-' || (*cmd)[1] == '\0')
            return 0;
        *cmd += 1;
    }
    return 1;
}

static const struct conf_cmd *lookup(const SSL_CONF_CTX *cctx, const char *cmd)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct conf_cmd *t = &commands[i];
        unsigned int need = t->flags & (SSL_CONF_FLAG_SERVER | SSL_CONF_FLAG_CLIENT | CERTF);
        if ((need & cctx->flags) != need)
            continue;
        if ((cctx->flags & SSL_CONF_FLAG_CMDLINE) && t->cmdline_name != NULL &&
            strcmp(t->cmdline_name, cmd) == 0)
            return t;
        if ((cctx->flags & SSL_CONF_FLAG_FILE) && t->file_name != NULL &&
            strcasecmp(t->file_name, cmd) == 0)
            return t;
    }
    return NULL;
}

int SSL_CONF_cmd(SSL_CONF_CTX *cctx, const char *cmd, const char *value)
{
    const struct conf_cmd *t;
    int rv = -3;

    if (cmd == NULL) {
        ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_NULL_CMD_NAME);
        return 0;
    }
    if (!skip_prefix(cctx, &cmd) || (t = lookup(cctx, cmd)) == NULL) {
        if (cctx->flags & SSL_CONF_FLAG_SHOW_ERRORS)
            ERR_raise_data(ERR_LIB_SSL, SSL_R_UNKNOWN_CMD_NAME, "cmd=%s", cmd);
        return -2;
    }
    if (t->run == NULL) {
        set_flag(cctx, t->switch_flags, t->switch_value, 1);
        return 1;
    }
    if (value != NULL) {
        rv = t->run(cctx, value);
        if (rv > 0)
            return 2;
        if (rv != -2)
            rv = 0;
    }
    if (cctx->flags & SSL_CONF_FLAG_SHOW_ERRORS)
        ERR_raise_data(ERR_LIB_SSL, SSL_R_BAD_VALUE, "cmd=%s, value=%s", cmd,
                       value != NULL ? value : "<EMPTY>");
    return rv;
}

int SSL_CONF_cmd_argv(SSL_CONF_CTX *cctx, int *pargc, char ***pargv)
{
    const char *arg, *next;
    int rv;

    if (pargc != NULL && *pargc == 0)
        return 0;
    arg = (pargc == NULL || *pargc > 0) ? **pargv : NULL;
    if (arg == NULL)
        return 0;
    next = (pargc == NULL || *pargc > 1) ? (*pargv)[1] : NULL;
    cctx->flags &= ~SSL_CONF_FLAG_FILE;
    cctx->flags |= SSL_CONF_FLAG_CMDLINE;
    rv = SSL_CONF_cmd(cctx, arg, next);
    if (rv > 0) {
        *pargv += rv;
        if (pargc != NULL)
            *pargc -= rv;
        return rv;
    }
    return rv == -2 ? 0 : rv == 0 ? -1 : rv;
}

int SSL_CONF_cmd_value_type(SSL_CONF_CTX *cctx, const char *cmd)
{
    const struct conf_cmd *t;

    if (skip_prefix(cctx, &cmd) && (t = lookup(cctx, cmd)) != NULL)
        return (int)t->value_type;
    return SSL_CONF_TYPE_UNKNOWN;
}

/* ------------------------------------------------------------ the object */

SSL_CONF_CTX *SSL_CONF_CTX_new(void)
{
    SSL_CONF_CTX *cctx = OPENSSL_zalloc(sizeof(*cctx));

    if (cctx == NULL)
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    return cctx;
}

void SSL_CONF_CTX_free(SSL_CONF_CTX *cctx)
{
    if (cctx == NULL)
        return;
    for (size_t i = 0; i < SHIM_PKEY_NUM; i++)
        OPENSSL_free(cctx->cert_file[i]);
    OPENSSL_free(cctx->prefix);
    sk_X509_NAME_pop_free(cctx->canames, X509_NAME_free);
    OPENSSL_free(cctx);
}

/* Keys named like their certificates load now, where none was given. */
int SSL_CONF_CTX_finish(SSL_CONF_CTX *cctx)
{
    struct shim_config *cfg = target_cfg(cctx);

    if (cfg != NULL && (cctx->flags & SSL_CONF_FLAG_REQUIRE_PRIVATE)) {
        for (size_t i = 0; i < SHIM_PKEY_NUM; i++)
            if (cctx->cert_file[i] != NULL && cfg->cert->pkeys[i].privatekey == NULL &&
                !cmd_private_key(cctx, cctx->cert_file[i]))
                return 0;
    }
    if (cctx->canames != NULL) {
        if (cctx->ssl != NULL)
            SSL_set0_CA_list(cctx->ssl, cctx->canames);
        else if (cctx->ctx != NULL)
            SSL_CTX_set0_CA_list(cctx->ctx, cctx->canames);
        else
            sk_X509_NAME_pop_free(cctx->canames, X509_NAME_free);
        cctx->canames = NULL;
    }
    return 1;
}

unsigned int SSL_CONF_CTX_set_flags(SSL_CONF_CTX *cctx, unsigned int flags)
{
    return cctx->flags |= flags;
}

unsigned int SSL_CONF_CTX_clear_flags(SSL_CONF_CTX *cctx, unsigned int flags)
{
    return cctx->flags &= ~flags;
}

int SSL_CONF_CTX_set1_prefix(SSL_CONF_CTX *cctx, const char *pre)
{
    char *copy = NULL;

    if (pre != NULL && (copy = OPENSSL_strdup(pre)) == NULL)
        return 0;
    OPENSSL_free(cctx->prefix);
    cctx->prefix = copy;
    cctx->prefixlen = copy != NULL ? strlen(copy) : 0;
    return 1;
}

void SSL_CONF_CTX_set_ssl(SSL_CONF_CTX *cctx, SSL *ssl)
{
    cctx->ssl = ssl;
    cctx->ctx = NULL;
}

void SSL_CONF_CTX_set_ssl_ctx(SSL_CONF_CTX *cctx, SSL_CTX *ctx)
{
    cctx->ctx = ctx;
    cctx->ssl = NULL;
}
