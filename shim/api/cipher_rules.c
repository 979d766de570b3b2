/*
 * shimssl - the cipher-string language: "ALL:!aNULL:+RSA:@STRENGTH" and the
 * rest of the syntax of ciphers(1), with stock's default preference order.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * The model (stock's, observable in every list it returns): every available
 * TLS 1.2 suite sits in one ordered list, each marked active or not.  The
 * list starts in the default preference order with nothing active; each
 * term of the string then selects suites by algorithm masks and adds them
 * (appending the newly active ones at the end), moves active ones to the end
 * ("+"), deactivates them while keeping them at the front for a later add
 * ("-"), or removes them for good ("!").
 */
#include "shim.h"

#include <string.h>

#include <openssl/objects.h>

#include "api/cipher_rules.h"
#include "crypto/probe.h"
#include "tls/cipher_suites.h"

/* ------------------------------------------------------------ availability */

static int have_cipher(const SSL_CTX *ctx, int nid)
{
    return shim_probe_cipher(ctx->libctx, ctx->propq, nid);
}

static int have_md(const SSL_CTX *ctx, int nid)
{
    return shim_probe_md(ctx->libctx, ctx->propq, nid);
}

static int have_keyexch(const SSL_CTX *ctx, const char *name)
{
    return shim_probe_keyexch(ctx->libctx, ctx->propq, name);
}

static int have_signature(const SSL_CTX *ctx, const char *name)
{
    return shim_probe_signature(ctx->libctx, ctx->propq, name);
}

static int have_pkey_type(const char *sn)
{
    return shim_probe_pkey_type(sn);
}

void shim_cipher_find_disabled(SSL_CTX *ctx)
{
    const struct shim_alg_nid *enc;
    size_t n = shim_cipher_enc_algs(&enc);

    ctx->disabled_enc = 0;
    for (size_t i = 0; i < n; i++)
        if (enc[i].nid != NID_undef && !have_cipher(ctx, enc[i].nid))
            ctx->disabled_enc |= enc[i].mask;

    ctx->disabled_mac = 0;
    for (int i = 0; i < SHIM_MD_IDX_NUM; i++)
        if (!have_md(ctx, shim_cipher_md_idx_nid(i)))
            ctx->disabled_mac |= shim_cipher_md_idx_mac_mask(i);
    if (!have_pkey_type(SN_id_Gost28147_89_MAC))
        ctx->disabled_mac |= SHIM_M_GOST89MAC;
    if (!have_pkey_type(SN_gost_mac_12))
        ctx->disabled_mac |= SHIM_M_GOST89MAC12;
    if (!have_pkey_type(SN_magma_mac))
        ctx->disabled_mac |= SHIM_M_MAGMAOMAC;
    if (!have_pkey_type(SN_kuznyechik_mac))
        ctx->disabled_mac |= SHIM_M_KUZNYECHIKOMAC;

    ctx->disabled_mkey = 0;
    ctx->disabled_auth = 0;
    if (!have_signature(ctx, "DSA"))
        ctx->disabled_auth |= SHIM_A_DSS;
    if (!have_keyexch(ctx, "DH"))
        ctx->disabled_mkey |= SHIM_K_DHE | SHIM_K_DHEPSK;
    if (!have_keyexch(ctx, "ECDH"))
        ctx->disabled_mkey |= SHIM_K_ECDHE | SHIM_K_ECDHEPSK;
    if (!have_signature(ctx, "ECDSA"))
        ctx->disabled_auth |= SHIM_A_ECDSA;
    if (!have_pkey_type(SN_id_GostR3410_2001))
        ctx->disabled_auth |= SHIM_A_GOST01 | SHIM_A_GOST12;
    if (!have_pkey_type(SN_id_GostR3410_2012_256) || !have_pkey_type(SN_id_GostR3410_2012_512))
        ctx->disabled_auth |= SHIM_A_GOST12;
    if ((ctx->disabled_auth & (SHIM_A_GOST01 | SHIM_A_GOST12)) == (SHIM_A_GOST01 | SHIM_A_GOST12))
        ctx->disabled_mkey |= SHIM_K_GOST;
    if (ctx->disabled_auth & SHIM_A_GOST12)
        ctx->disabled_mkey |= SHIM_K_GOST18;
}

int shim_cipher_tls13_available(const SSL_CTX *ctx, const SSL_CIPHER *c)
{
    /* A TLS 1.3 suite needs its AEAD and its hash. */
    uint32_t hash_bit = shim_cipher_md_idx_mac_mask((int)(c->algorithm2 & SHIM_HS_MASK));
    return (c->algorithm_enc & ctx->disabled_enc) == 0 && (hash_bit & ctx->disabled_mac) == 0;
}

static int suite_available(const SSL_CTX *ctx, const SSL_CIPHER *c)
{
    return c->valid && c->min_tls != 0 && (c->algorithm_mkey & ctx->disabled_mkey) == 0 &&
           (c->algorithm_auth & ctx->disabled_auth) == 0 &&
           (c->algorithm_enc & ctx->disabled_enc) == 0 &&
           (c->algorithm_mac & ctx->disabled_mac) == 0;
}

/* ------------------------------------------------------ the ordered list */

struct node {
    const SSL_CIPHER *c;
    int active;
    struct node *prev, *next;
};

struct order {
    struct node *nodes; /* every available suite (also those removed by "!") */
    size_t num;
    struct node *head, *tail;
};

/* Which suites a term selects: by strength bits alone, or by algorithms. */
struct selector {
    int by_bits;
    int32_t bits;
    uint32_t id; /* a single suite named in the term; 0 for none */
    uint32_t mkey, auth, enc, mac;
    int min_tls;
    uint32_t strength;
};

enum action {
    ACT_ADD,  /* ""  activate, appending newly active suites at the end */
    ACT_MOVE, /* "+" move active suites to the end */
    ACT_DEL,  /* "-" deactivate, keeping them first in line for a later add */
    ACT_KILL, /* "!" remove for good */
    ACT_BUMP, /* move active suites to the front (default ordering only) */
};

static void unlink_node(struct order *o, struct node *n)
{
    if (n->prev != NULL)
        n->prev->next = n->next;
    else
        o->head = n->next;
    if (n->next != NULL)
        n->next->prev = n->prev;
    else
        o->tail = n->prev;
    n->prev = n->next = NULL;
}

static void to_tail(struct order *o, struct node *n)
{
    if (o->tail == n)
        return;
    unlink_node(o, n);
    n->prev = o->tail;
    if (o->tail != NULL)
        o->tail->next = n;
    else
        o->head = n;
    o->tail = n;
}

static void to_head(struct order *o, struct node *n)
{
    if (o->head == n)
        return;
    unlink_node(o, n);
    n->next = o->head;
    if (o->head != NULL)
        o->head->prev = n;
    else
        o->tail = n;
    o->head = n;
}

static int selects(const struct selector *s, const SSL_CIPHER *c)
{
    if (s->by_bits)
        return c->strength_bits == s->bits;
    if (s->id != 0 && s->id != c->id)
        return 0;
    if ((s->mkey != 0 && (s->mkey & c->algorithm_mkey) == 0) ||
        (s->auth != 0 && (s->auth & c->algorithm_auth) == 0) ||
        (s->enc != 0 && (s->enc & c->algorithm_enc) == 0) ||
        (s->mac != 0 && (s->mac & c->algorithm_mac) == 0))
        return 0;
    if (s->min_tls != 0 && s->min_tls != c->min_tls)
        return 0;
    if ((s->strength & SHIM_S_STRONG_MASK) != 0 &&
        (s->strength & SHIM_S_STRONG_MASK & c->algo_strength) == 0)
        return 0;
    if ((s->strength & SHIM_S_DEFAULT_MASK) != 0 &&
        (s->strength & SHIM_S_DEFAULT_MASK & c->algo_strength) == 0)
        return 0;
    return 1;
}

/* Applies one action to the selected suites.  Each suite in the list when
 * the action starts is visited once; suites it moves past the far end are not
 * visited again.  Deactivating and bumping walk backwards so that the
 * selected suites keep their relative order at the front. */
static void apply(struct order *o, const struct selector *s, enum action act)
{
    int backwards = act == ACT_DEL || act == ACT_BUMP;
    struct node *cur = backwards ? o->tail : o->head;
    struct node *last = backwards ? o->head : o->tail;

    while (cur != NULL) {
        struct node *next = backwards ? cur->prev : cur->next;
        int was_last = cur == last;

        if (selects(s, cur->c)) {
            switch (act) {
            case ACT_ADD:
                if (!cur->active) {
                    to_tail(o, cur);
                    cur->active = 1;
                }
                break;
            case ACT_MOVE:
                if (cur->active)
                    to_tail(o, cur);
                break;
            case ACT_DEL:
                if (cur->active) {
                    to_head(o, cur);
                    cur->active = 0;
                }
                break;
            case ACT_BUMP:
                if (cur->active)
                    to_head(o, cur);
                break;
            case ACT_KILL:
                unlink_node(o, cur);
                cur->active = 0;
                break;
            default:
                break;
            }
        }
        if (was_last)
            break;
        cur = next;
    }
}

/* "@STRENGTH": stable sort of the active suites by descending strength bits. */
static void sort_by_strength(struct order *o)
{
    int32_t bits = INT32_MAX;

    /* Moving every suite of one strength to the end, strongest first, leaves
     * them sorted and keeps their order within a strength.  Only strengths
     * some active suite has need a pass. */
    for (;;) {
        int32_t next = -1;
        for (struct node *n = o->head; n != NULL; n = n->next)
            if (n->active && n->c->strength_bits < bits && n->c->strength_bits > next)
                next = n->c->strength_bits;
        if (next < 0)
            break;
        bits = next;
        struct selector s = {.by_bits = 1, .bits = bits};
        apply(o, &s, ACT_MOVE);
    }
}

/* Stock's default preference order, built over all available suites: ECDHE
 * first (ECDSA before RSA), then AES-GCM, ChaCha20, other AES, the rest; MD5,
 * anonymous, RSA key transport and PSK suites last; then by strength, with
 * TLS 1.2 suites, AEADs, (EC)DHE and (EC)DHE+AEAD bumped to the front in
 * turn; finally all deactivated so that the string decides what is in. */
static void default_order(struct order *o)
{
    static const struct {
        enum action act;
        struct selector sel;
        int then_sort;
    } steps[] = {
        {ACT_ADD, {.mkey = SHIM_K_ECDHE, .auth = SHIM_A_ECDSA}, 0},
        {ACT_ADD, {.mkey = SHIM_K_ECDHE}, 0},
        {ACT_DEL, {.mkey = SHIM_K_ECDHE}, 0},
        {ACT_ADD, {.enc = SHIM_E_AESGCM}, 0},
        {ACT_ADD, {.enc = SHIM_E_CHACHA20POLY1305}, 0},
        {ACT_ADD, {.enc = SHIM_E_AES & ~SHIM_E_AESGCM}, 0},
        {ACT_ADD, {0}, 0},
        {ACT_MOVE, {.mac = SHIM_M_MD5}, 0},
        {ACT_MOVE, {.auth = SHIM_A_NULL}, 0},
        {ACT_MOVE, {.mkey = SHIM_K_RSA}, 0},
        {ACT_MOVE, {.mkey = SHIM_K_PSK}, 0},
        {ACT_MOVE, {.enc = SHIM_E_RC4}, 1},
        {ACT_BUMP, {.min_tls = TLS1_2_VERSION}, 0},
        {ACT_BUMP, {.mac = SHIM_M_AEAD}, 0},
        {ACT_BUMP, {.mkey = SHIM_K_DHE | SHIM_K_ECDHE}, 0},
        {ACT_BUMP, {.mkey = SHIM_K_DHE | SHIM_K_ECDHE, .mac = SHIM_M_AEAD}, 0},
        {ACT_DEL, {0}, 0},
    };

    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        apply(o, &steps[i].sel, steps[i].act);
        if (steps[i].then_sort)
            sort_by_strength(o);
    }
}

/* ----------------------------------------------------------------- aliases */

struct alias {
    const char *name;
    uint32_t mkey, auth, enc, mac;
    int min_tls;
    uint32_t strength;
};

/* The group names of ciphers(1). */
static const struct alias aliases[] = {
    {"ALL", .enc = ~SHIM_E_NULL}, /* everything but the NULL ciphers */
    {"COMPLEMENTOFALL", .enc = SHIM_E_NULL},
    {"COMPLEMENTOFDEFAULT", .strength = SHIM_S_NOT_DEFAULT},

    {"kRSA", .mkey = SHIM_K_RSA},
    {"kEDH", .mkey = SHIM_K_DHE},
    {"kDHE", .mkey = SHIM_K_DHE},
    {"DH", .mkey = SHIM_K_DHE},
    {"kEECDH", .mkey = SHIM_K_ECDHE},
    {"kECDHE", .mkey = SHIM_K_ECDHE},
    {"ECDH", .mkey = SHIM_K_ECDHE},
    {"kPSK", .mkey = SHIM_K_PSK},
    {"kRSAPSK", .mkey = SHIM_K_RSAPSK},
    {"kECDHEPSK", .mkey = SHIM_K_ECDHEPSK},
    {"kDHEPSK", .mkey = SHIM_K_DHEPSK},
    {"kSRP", .mkey = SHIM_K_SRP},
    {"kGOST", .mkey = SHIM_K_GOST},
    {"kGOST18", .mkey = SHIM_K_GOST18},

    {"aRSA", .auth = SHIM_A_RSA},
    {"aDSS", .auth = SHIM_A_DSS},
    {"DSS", .auth = SHIM_A_DSS},
    {"aNULL", .auth = SHIM_A_NULL},
    {"aECDSA", .auth = SHIM_A_ECDSA},
    {"ECDSA", .auth = SHIM_A_ECDSA},
    {"aPSK", .auth = SHIM_A_PSK},
    {"aGOST01", .auth = SHIM_A_GOST01},
    {"aGOST12", .auth = SHIM_A_GOST12},
    {"aGOST", .auth = SHIM_A_GOST01 | SHIM_A_GOST12},
    {"aSRP", .auth = SHIM_A_SRP},

    {"EDH", .mkey = SHIM_K_DHE, .auth = ~SHIM_A_NULL},
    {"DHE", .mkey = SHIM_K_DHE, .auth = ~SHIM_A_NULL},
    {"EECDH", .mkey = SHIM_K_ECDHE, .auth = ~SHIM_A_NULL},
    {"ECDHE", .mkey = SHIM_K_ECDHE, .auth = ~SHIM_A_NULL},
    {"NULL", .enc = SHIM_E_NULL},
    {"RSA", .mkey = SHIM_K_RSA, .auth = SHIM_A_RSA},
    {"ADH", .mkey = SHIM_K_DHE, .auth = SHIM_A_NULL},
    {"AECDH", .mkey = SHIM_K_ECDHE, .auth = SHIM_A_NULL},
    {"PSK", .mkey = SHIM_K_ALL_PSK},
    {"SRP", .mkey = SHIM_K_SRP},

    {"3DES", .enc = SHIM_E_3DES},
    {"RC4", .enc = SHIM_E_RC4},
    {"RC2", .enc = SHIM_E_RC2},
    {"IDEA", .enc = SHIM_E_IDEA},
    {"SEED", .enc = SHIM_E_SEED},
    {"eNULL", .enc = SHIM_E_NULL},
    {"GOST89", .enc = SHIM_E_GOST_ALL},
    {"AES128", .enc = SHIM_E_AES128 | SHIM_E_AES128GCM | SHIM_E_AES128CCM | SHIM_E_AES128CCM8},
    {"AES256", .enc = SHIM_E_AES256 | SHIM_E_AES256GCM | SHIM_E_AES256CCM | SHIM_E_AES256CCM8},
    {"AES", .enc = SHIM_E_AES},
    {"AESGCM", .enc = SHIM_E_AESGCM},
    {"AESCCM", .enc = SHIM_E_AESCCM},
    {"AESCCM8", .enc = SHIM_E_AESCCM8},
    {"CAMELLIA128", .enc = SHIM_E_CAMELLIA128},
    {"CAMELLIA256", .enc = SHIM_E_CAMELLIA256},
    {"CAMELLIA", .enc = SHIM_E_CAMELLIA},
    {"CHACHA20", .enc = SHIM_E_CHACHA20POLY1305},
    {"GOST2012-GOST8912-GOST8912", .enc = SHIM_E_GOST89CNT12},
    {"ARIA", .enc = SHIM_E_ARIAGCM},
    {"ARIAGCM", .enc = SHIM_E_ARIAGCM},
    {"ARIA128", .enc = SHIM_E_ARIA128GCM},
    {"ARIA256", .enc = SHIM_E_ARIA256GCM},
    {"CBC", .enc = SHIM_E_CBC},

    {"MD5", .mac = SHIM_M_MD5},
    {"SHA1", .mac = SHIM_M_SHA1},
    {"SHA", .mac = SHIM_M_SHA1},
    {"GOST94", .mac = SHIM_M_GOST94},
    {"GOST89MAC", .mac = SHIM_M_GOST89MAC | SHIM_M_GOST89MAC12},
    {"SHA256", .mac = SHIM_M_SHA256},
    {"SHA384", .mac = SHIM_M_SHA384},
    {"GOST12", .mac = SHIM_M_GOST12_256},

    /* Versions select by a suite's minimum version. */
    {"SSLv3", .min_tls = SSL3_VERSION},
    {"TLSv1", .min_tls = TLS1_VERSION},
    {"TLSv1.0", .min_tls = TLS1_VERSION},
    {"TLSv1.2", .min_tls = TLS1_2_VERSION},

    {"LOW", .strength = SHIM_S_LOW},
    {"MEDIUM", .strength = SHIM_S_MEDIUM},
    {"HIGH", .strength = SHIM_S_HIGH},
    {"FIPS", .enc = ~SHIM_E_NULL, .strength = SHIM_S_FIPS},

    /* Old names of the DHE 3DES suites. */
    {"EDH-DSS-DES-CBC3-SHA", SHIM_K_DHE, SHIM_A_DSS, SHIM_E_3DES, SHIM_M_SHA1, 0,
     SHIM_S_HIGH | SHIM_S_FIPS},
    {"EDH-RSA-DES-CBC3-SHA", SHIM_K_DHE, SHIM_A_RSA, SHIM_E_3DES, SHIM_M_SHA1, 0,
     SHIM_S_HIGH | SHIM_S_FIPS},
};

/* An alias is usable when, in each algorithm class it names, at least one of
 * its algorithms is available. */
static int alias_available(const SSL_CTX *ctx, const struct alias *a)
{
    return (a->mkey == 0 || (a->mkey & ~ctx->disabled_mkey) != 0) &&
           (a->auth == 0 || (a->auth & ~ctx->disabled_auth) != 0) &&
           (a->enc == 0 || (a->enc & ~ctx->disabled_enc) != 0) &&
           (a->mac == 0 || (a->mac & ~ctx->disabled_mac) != 0);
}

/* ------------------------------------------------------------------ parser */

struct builder {
    SSL_CTX *ctx;
    struct shim_cert *cert;
    struct order order;
};

static int is_separator(char ch)
{
    return ch == ':' || ch == ' ' || ch == ';' || ch == ',';
}

static int is_word_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '=';
}

static int word_is(const char *word, size_t len, const char *name)
{
    return strncmp(word, name, len) == 0 && name[len] == '\0';
}

/* Narrows one class of a selector by a term's mask; 0 when nothing is left. */
static int narrow(uint32_t *sel, uint32_t term)
{
    if (term == 0)
        return 1;
    *sel = *sel != 0 ? *sel & term : term;
    return *sel != 0;
}

/* Narrows the strength part.  Stock's quirk kept: a strength class replaces
 * (not joins) a COMPLEMENTOFDEFAULT given earlier in the same term. */
static int narrow_strength(uint32_t *sel, uint32_t term)
{
    uint32_t strong = term & SHIM_S_STRONG_MASK, deflt = term & SHIM_S_DEFAULT_MASK;

    if (strong != 0) {
        if ((*sel & SHIM_S_STRONG_MASK) != 0) {
            *sel &= strong | ~SHIM_S_STRONG_MASK;
            if ((*sel & SHIM_S_STRONG_MASK) == 0)
                return 0;
        } else {
            *sel = strong;
        }
    }
    if (deflt != 0) {
        if ((*sel & SHIM_S_DEFAULT_MASK) != 0) {
            *sel &= deflt | ~SHIM_S_DEFAULT_MASK;
            if ((*sel & SHIM_S_DEFAULT_MASK) == 0)
                return 0;
        } else {
            *sel |= deflt;
        }
    }
    return 1;
}

/* Adds one word of a term ("AES" in "kECDHE+AES") to the selector: a suite
 * name or an alias.  0 when the word is unknown or the term selects nothing. */
static int add_word(const struct builder *b, struct selector *s, const char *word, size_t len)
{
    const SSL_CIPHER *c = NULL;
    const struct alias *a = NULL;

    for (size_t i = 0; i < b->order.num && c == NULL; i++)
        if (word_is(word, len, b->order.nodes[i].c->name))
            c = b->order.nodes[i].c;
    for (size_t i = 0; c == NULL && a == NULL && i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (word_is(word, len, aliases[i].name) && alias_available(b->ctx, &aliases[i]))
            a = &aliases[i];
    if (c != NULL) {
        /* A suite name narrows by its algorithms and picks that suite; its
         * version is not part of the pattern. */
        s->id = c->id;
        return narrow(&s->mkey, c->algorithm_mkey) && narrow(&s->auth, c->algorithm_auth) &&
               narrow(&s->enc, c->algorithm_enc) && narrow(&s->mac, c->algorithm_mac) &&
               narrow_strength(&s->strength, c->algo_strength);
    }
    if (a == NULL)
        return 0;
    if (!narrow(&s->mkey, a->mkey) || !narrow(&s->auth, a->auth) || !narrow(&s->enc, a->enc) ||
        !narrow(&s->mac, a->mac) || !narrow_strength(&s->strength, a->strength))
        return 0;
    if (a->min_tls != 0) {
        if (s->min_tls != 0 && s->min_tls != a->min_tls)
            return 0;
        s->min_tls = a->min_tls;
    }
    return 1;
}

/* "@STRENGTH" and "@SECLEVEL=n" (n 0 to 5). */
static int run_command(struct builder *b, const char *word, size_t len)
{
    if (len == 8 && strncmp(word, "STRENGTH", 8) == 0) {
        sort_by_strength(&b->order);
        return 1;
    }
    if (len == 10 && strncmp(word, "SECLEVEL=", 9) == 0 && word[9] >= '0' && word[9] <= '5') {
        b->cert->sec_level = word[9] - '0';
        return 1;
    }
    ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_COMMAND);
    return 0;
}

/*
 * Runs a rule string.  A term is [-+!@] then words joined by '+'; terms are
 * separated by ':', ',', ';' or ' '.  Unknown words make their term a no-op;
 * a term with no word at all is an error that stops at once, while a bad
 * "@" command fails the whole string only after the rest has been applied.
 */
static int run_rules(struct builder *b, const char *p)
{
    int ok = 1;

    while (*p != '\0') {
        enum action act = ACT_ADD;
        int command = 0, found = 0;
        struct selector sel = {0};
        const char *word;
        size_t len;

        switch (*p) {
        case '-':
            act = ACT_DEL;
            p++;
            break;
        case '+':
            act = ACT_MOVE;
            p++;
            break;
        case '!':
            act = ACT_KILL;
            p++;
            break;
        case '@':
            command = 1;
            p++;
            break;
        default:
            if (is_separator(*p)) {
                p++;
                continue;
            }
            break;
        }

        for (;;) {
            int more;

            for (word = p, len = 0; is_word_char(*p); p++)
                len++;
            if (len == 0) {
                ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_COMMAND);
                return 0;
            }
            if (command)
                break;
            more = *p == '+';
            if (more)
                p++;
            found = add_word(b, &sel, word, len);
            if (!found || !more)
                break;
        }

        if (command) {
            if (!run_command(b, word, len))
                ok = 0;
        } else if (found) {
            apply(&b->order, &sel, act);
            continue;
        }
        /* Whatever is left of an unused or command term is ignored. */
        while (*p != '\0' && !is_separator(*p))
            p++;
    }
    return ok;
}

/*
 * Suite B (RFC 6460): a SUITEB* prefix sets the mode on the certificate
 * settings; in that mode the string is replaced by the mode's fixed suites.
 */
static int apply_suiteb(const SSL_CTX *ctx, struct shim_cert *cert, const char **rules)
{
    uint32_t flags = 0;
    int only_256 = 0;

    if (strncmp(*rules, "SUITEB128ONLY", 13) == 0) {
        flags = SSL_CERT_FLAG_SUITEB_128_LOS_ONLY;
    } else if (strncmp(*rules, "SUITEB128C2", 11) == 0) {
        only_256 = 1;
        flags = SSL_CERT_FLAG_SUITEB_128_LOS;
    } else if (strncmp(*rules, "SUITEB128", 9) == 0) {
        flags = SSL_CERT_FLAG_SUITEB_128_LOS;
    } else if (strncmp(*rules, "SUITEB192", 9) == 0) {
        flags = SSL_CERT_FLAG_SUITEB_192_LOS;
    }
    if (flags != 0) {
        cert->cert_flags &= ~(uint32_t)SSL_CERT_FLAG_SUITEB_128_LOS;
        cert->cert_flags |= flags;
    } else {
        flags = cert->cert_flags & SSL_CERT_FLAG_SUITEB_128_LOS;
    }
    if (flags == 0)
        return 1;
    /* Suite B needs TLS 1.2 suites: methods pinned below TLS 1.2 refuse. */
    if (ctx->method->version != TLS_ANY_VERSION && ctx->method->version != TLS1_2_VERSION) {
        ERR_raise(ERR_LIB_SSL, SSL_R_AT_LEAST_TLS_1_2_NEEDED_IN_SUITEB_MODE);
        return 0;
    }
    switch (flags) {
    case SSL_CERT_FLAG_SUITEB_128_LOS:
        *rules = only_256 ? "ECDHE-ECDSA-AES256-GCM-SHA384"
                          : "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
        break;
    case SSL_CERT_FLAG_SUITEB_128_LOS_ONLY:
        *rules = "ECDHE-ECDSA-AES128-GCM-SHA256";
        break;
    case SSL_CERT_FLAG_SUITEB_192_LOS:
        *rules = "ECDHE-ECDSA-AES256-GCM-SHA384";
        break;
    default:
        break;
    }
    return 1;
}

/* ------------------------------------------------------------ the result */

static int cmp_by_id(const SSL_CIPHER *const *a, const SSL_CIPHER *const *b)
{
    return (*a)->id < (*b)->id ? -1 : (*a)->id > (*b)->id;
}

int shim_cipher_list_sort_by_id(STACK_OF(SSL_CIPHER) * *by_id, STACK_OF(SSL_CIPHER) * list)
{
    STACK_OF(SSL_CIPHER) *sorted = sk_SSL_CIPHER_dup(list);

    if (sorted == NULL)
        return 0;
    (void)sk_SSL_CIPHER_set_cmp_func(sorted, cmp_by_id);
    sk_SSL_CIPHER_sort(sorted);
    sk_SSL_CIPHER_free(*by_id);
    *by_id = sorted;
    return 1;
}

/* The TLS 1.3 suites (stock always prefers them), then the active suites. */
static STACK_OF(SSL_CIPHER) * collect(const struct builder *b, STACK_OF(SSL_CIPHER) * tls13)
{
    STACK_OF(SSL_CIPHER) *out = sk_SSL_CIPHER_new_null();

    if (out == NULL)
        return NULL;
    for (int i = 0; i < sk_SSL_CIPHER_num(tls13); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(tls13, i);
        if (shim_cipher_tls13_available(b->ctx, c) && !sk_SSL_CIPHER_push(out, c))
            goto err;
    }
    for (const struct node *n = b->order.head; n != NULL; n = n->next)
        if (n->active && !sk_SSL_CIPHER_push(out, n->c))
            goto err;
    return out;
err:
    sk_SSL_CIPHER_free(out);
    return NULL;
}

/* Every available suite, highest code point first (stock's starting order,
 * which the default order keeps among equals). */
static int init_order(struct builder *b)
{
    size_t total = shim_cipher_tls12_count();
    struct order *o = &b->order;

    if ((o->nodes = OPENSSL_zalloc(total * sizeof(*o->nodes))) == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    for (size_t i = total; i-- > 0;) {
        const SSL_CIPHER *c = shim_cipher_tls12_at(i);
        struct node *n = &o->nodes[o->num];
        if (!suite_available(b->ctx, c))
            continue;
        n->c = c;
        n->prev = o->tail;
        if (o->tail != NULL)
            o->tail->next = n;
        else
            o->head = n;
        o->tail = n;
        o->num++;
    }
    return 1;
}

STACK_OF(SSL_CIPHER) * shim_cipher_list_build(SSL_CTX *ctx, struct shim_cert *cert,
                                              STACK_OF(SSL_CIPHER) * tls13, const char *rules,
                                              STACK_OF(SSL_CIPHER) * *list,
                                              STACK_OF(SSL_CIPHER) * *by_id)
{
    struct builder b = {.ctx = ctx, .cert = cert};
    STACK_OF(SSL_CIPHER) *out = NULL;
    int ok = 1;

    if (rules == NULL || !apply_suiteb(ctx, cert, &rules) || !init_order(&b))
        goto done;
    default_order(&b.order);
    /* A leading "DEFAULT" stands for the default string (only there). */
    if (strncmp(rules, "DEFAULT", 7) == 0) {
        ok = run_rules(&b, OSSL_default_cipher_list());
        rules += 7;
        if (*rules == ':')
            rules++;
    }
    if (ok && *rules != '\0')
        ok = run_rules(&b, rules);
    if (!ok)
        goto done;
    if ((out = collect(&b, tls13)) == NULL || !shim_cipher_list_sort_by_id(by_id, out)) {
        sk_SSL_CIPHER_free(out);
        out = NULL;
        goto done;
    }
    sk_SSL_CIPHER_free(*list);
    *list = out;
done:
    OPENSSL_free(b.order.nodes);
    return out;
}
