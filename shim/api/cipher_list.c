/*
 * shimssl - the cipher lists of contexts and connections.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * As stock: cipher_list holds the TLS 1.3 suites first, then the TLS 1.2
 * suites the cipher string chose; cipher_list_by_id is the same sorted by
 * id; tls13_ciphersuites is what SSL_*_set_ciphersuites() last set.  A
 * connection uses its context's lists until it sets its own.
 */
#include "shim.h"

#include <string.h>

#include <openssl/conf.h>

#include "api/cipher.h"
#include "api/cipher_rules.h"
#include "tls/cipher_suites.h"
#include "tls/conn.h"
#include "api/config.h"
#include "tls/policy.h"

const char *OSSL_default_cipher_list(void)
{
    return "ALL:!COMPLEMENTOFDEFAULT:!eNULL";
}

const char *OSSL_default_ciphersuites(void)
{
    return "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";
}

/* ------------------------------------------------------------- TLS 1.3 */

static int add_suite_by_name(const char *elem, int len, void *arg)
{
    STACK_OF(SSL_CIPHER) *suites = arg;
    char name[80];
    const SSL_CIPHER *c;

    /* Empty and overlong names are skipped, unknown ones too.  Any suite
     * known by its IANA name is taken, as stock takes it, TLS 1.2 ones
     * included. */
    if (elem == NULL || len <= 0 || (size_t)len >= sizeof(name))
        return 1;
    memcpy(name, elem, (size_t)len);
    name[len] = '\0';
    if ((c = shim_cipher_by_std_name(name)) == NULL)
        return 1;
    if (!sk_SSL_CIPHER_push(suites, c)) {
        ERR_raise(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR);
        return 0;
    }
    return 1;
}

/* Parses a TLS 1.3 list ("A:B:C", IANA names) into *suites.  An empty
 * string is an empty list; a non-empty one must name at least one suite. */
static int parse_ciphersuites(STACK_OF(SSL_CIPHER) * *suites, const char *str)
{
    STACK_OF(SSL_CIPHER) *parsed = sk_SSL_CIPHER_new_null();

    if (parsed == NULL)
        return 0;
    if (*str != '\0' && (CONF_parse_list(str, ':', 1, add_suite_by_name, parsed) <= 0 ||
                         sk_SSL_CIPHER_num(parsed) == 0)) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH);
        sk_SSL_CIPHER_free(parsed);
        return 0;
    }
    sk_SSL_CIPHER_free(*suites);
    *suites = parsed;
    return 1;
}

/* Replaces the TLS 1.3 suites at the front of *list by tls13's usable ones. */
static int replace_tls13_part(SSL_CTX *ctx, STACK_OF(SSL_CIPHER) * *list,
                              STACK_OF(SSL_CIPHER) * *by_id, STACK_OF(SSL_CIPHER) * tls13)
{
    STACK_OF(SSL_CIPHER) *updated = sk_SSL_CIPHER_dup(*list);

    if (updated == NULL)
        return 0;
    while (sk_SSL_CIPHER_num(updated) > 0 &&
           sk_SSL_CIPHER_value(updated, 0)->min_tls == TLS1_3_VERSION)
        (void)sk_SSL_CIPHER_delete(updated, 0);
    for (int i = sk_SSL_CIPHER_num(tls13) - 1; i >= 0; i--) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(tls13, i);
        if (shim_cipher_tls13_available(ctx, c) && !sk_SSL_CIPHER_unshift(updated, c)) {
            sk_SSL_CIPHER_free(updated);
            return 0;
        }
    }
    if (!shim_cipher_list_sort_by_id(by_id, updated)) {
        sk_SSL_CIPHER_free(updated);
        return 0;
    }
    sk_SSL_CIPHER_free(*list);
    *list = updated;
    return 1;
}

int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str)
{
    if (!parse_ciphersuites(&ctx->cfg.tls13_ciphersuites, str))
        return 0;
    if (ctx->cfg.cipher_list == NULL)
        return 1;
    return replace_tls13_part(ctx, &ctx->cfg.cipher_list, &ctx->cfg.cipher_list_by_id,
                              ctx->cfg.tls13_ciphersuites);
}

int SSL_set_ciphersuites(SSL *s, const char *str)
{
    int ok = parse_ciphersuites(&s->cfg.tls13_ciphersuites, str);

    /* Stock gives the connection its own copy of the combined list even
     * when the string is refused. */
    if (s->cfg.cipher_list == NULL && SSL_get_ciphers(s) != NULL)
        s->cfg.cipher_list = sk_SSL_CIPHER_dup(SSL_get_ciphers(s));
    if (!ok || s->cfg.cipher_list == NULL)
        return ok;
    return replace_tls13_part(s->ctx, &s->cfg.cipher_list, &s->cfg.cipher_list_by_id,
                              s->cfg.tls13_ciphersuites);
}

/* ------------------------------------------------------------- TLS 1.2 */

static int count_below_tls13(STACK_OF(SSL_CIPHER) * list)
{
    int n = 0;

    for (int i = 0; i < sk_SSL_CIPHER_num(list); i++)
        if (sk_SSL_CIPHER_value(list, i)->min_tls < TLS1_3_VERSION)
            n++;
    return n;
}

/* A string that selects no TLS 1.2 suite still replaces the list (leaving
 * only the TLS 1.3 suites), and fails. */
static int check_selection(STACK_OF(SSL_CIPHER) * list)
{
    if (list == NULL)
        return 0;
    if (count_below_tls13(list) == 0) {
        ERR_raise(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH);
        return 0;
    }
    return 1;
}

int SSL_CTX_set_cipher_list(SSL_CTX *ctx, const char *str)
{
    return check_selection(shim_cipher_list_build(ctx, ctx->cfg.cert, ctx->cfg.tls13_ciphersuites,
                                                  str, &ctx->cfg.cipher_list,
                                                  &ctx->cfg.cipher_list_by_id));
}

int SSL_set_cipher_list(SSL *s, const char *str)
{
    return check_selection(shim_cipher_list_build(s->ctx, s->cfg.cert, s->cfg.tls13_ciphersuites,
                                                  str, &s->cfg.cipher_list,
                                                  &s->cfg.cipher_list_by_id));
}

int shim_cipher_ctx_init(SSL_CTX *ctx)
{
    shim_cipher_find_disabled(ctx);
    if (!SSL_CTX_set_ciphersuites(ctx, OSSL_default_ciphersuites()))
        return 0;
    return shim_cipher_list_build(ctx, ctx->cfg.cert, ctx->cfg.tls13_ciphersuites,
                                  OSSL_default_cipher_list(), &ctx->cfg.cipher_list,
                                  &ctx->cfg.cipher_list_by_id) != NULL &&
           sk_SSL_CIPHER_num(ctx->cfg.cipher_list) > 0;
}

/* --------------------------------------------------------------- getters */

STACK_OF(SSL_CIPHER) * SSL_CTX_get_ciphers(const SSL_CTX *ctx)
{
    return ctx != NULL ? ctx->cfg.cipher_list : NULL;
}

STACK_OF(SSL_CIPHER) * SSL_get_ciphers(const SSL *s)
{
    return s != NULL ? shim_ssl_cipher_list(s) : NULL;
}

const char *SSL_get_cipher_list(const SSL *s, int n)
{
    STACK_OF(SSL_CIPHER) *list = SSL_get_ciphers(s);
    const SSL_CIPHER *c;

    if (list == NULL || n < 0 || n >= sk_SSL_CIPHER_num(list))
        return NULL;
    c = sk_SSL_CIPHER_value(list, n);
    return c != NULL ? c->name : NULL;
}

STACK_OF(SSL_CIPHER) * SSL_get1_supported_ciphers(SSL *s)
{
    STACK_OF(SSL_CIPHER) *all = SSL_get_ciphers(s), *usable = NULL;
    int min_version, max_version;

    /* What this end could use now: the suites its version range, PSK and
     * security settings allow (NULL when none, or no version is enabled). */
    if (all == NULL || tls_version_range(s, &min_version, &max_version) != 0)
        return NULL;
    for (int i = 0; i < sk_SSL_CIPHER_num(all); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, i);
        if (!tls_cipher_usable(s, c, min_version, max_version, SSL_SECOP_CIPHER_SUPPORTED))
            continue;
        if ((usable == NULL && (usable = sk_SSL_CIPHER_new_null()) == NULL) ||
            !sk_SSL_CIPHER_push(usable, c)) {
            sk_SSL_CIPHER_free(usable);
            return NULL;
        }
    }
    return usable;
}

STACK_OF(SSL_CIPHER) * SSL_get_client_ciphers(const SSL *s)
{
    /* Only a server has the peer's list, from the ClientHello it received. */
    if (s == NULL || !s->server || s->conn == NULL)
        return NULL;
    return s->conn->peer_ciphers;
}

char *SSL_get_shared_ciphers(const SSL *s, char *buf, int size)
{
    STACK_OF(SSL_CIPHER) *clnt = SSL_get_client_ciphers(s), *srvr;
    char *p = buf;

    if (clnt == NULL || size < 2 || (srvr = shim_ssl_cipher_list(s)) == NULL ||
        sk_SSL_CIPHER_num(clnt) == 0 || sk_SSL_CIPHER_num(srvr) == 0)
        return NULL;
    /* The client's suites we also have, in its order, ':'-separated; a
     * name that does not fit ends the list (stock's truncation). */
    for (int i = 0; i < sk_SSL_CIPHER_num(clnt); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(clnt, i);
        size_t n;

        if (sk_SSL_CIPHER_find(srvr, (SSL_CIPHER *)c) < 0)
            continue;
        n = strlen(c->name);
        if (n >= (size_t)size)
            break;
        memcpy(p, c->name, n);
        p += n;
        *p++ = ':';
        size -= (int)n + 1;
    }
    if (p == buf)
        *p = '\0'; /* (stock writes before the buffer here) */
    else
        p[-1] = '\0';
    return buf;
}

int SSL_bytes_to_cipher_list(SSL *s, const unsigned char *bytes, size_t len, int isv2format,
                             STACK_OF(SSL_CIPHER) * *sk, STACK_OF(SSL_CIPHER) * *scsvs)
{
    STACK_OF(SSL_CIPHER) * suites, *signals;
    int reason = tls_parse_cipher_list(bytes, len, isv2format, &suites, &signals);

    (void)s; /* every method knows the same suites */
    if (reason != 0) {
        ERR_raise(ERR_LIB_SSL, reason);
        return 0;
    }
    if (sk != NULL)
        *sk = suites;
    else
        sk_SSL_CIPHER_free(suites);
    if (scsvs != NULL)
        *scsvs = signals;
    else
        sk_SSL_CIPHER_free(signals);
    return 1;
}
