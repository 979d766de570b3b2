/*
 * shimssl - the library's objects: SSL_METHOD, SSL_CIPHER, SSL_SESSION,
 * SSL_CTX and SSL.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * All five are opaque to applications, so the layout is ours.  Settings that
 * an SSL inherits from its SSL_CTX live in one struct (struct shim_config)
 * that SSL_new copies, so "SSL inherits from SSL_CTX" is one assignment plus
 * the deep copies listed in config.c, not a field-by-field list to keep in
 * sync.  The protocol engine's per-connection state (record layer, handshake)
 * is behind ssl->conn and is allocated only when a handshake starts.
 */
#ifndef SHIM_OBJECTS_H
#define SHIM_OBJECTS_H

#include "shim.h"

#include <openssl/lhash.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "util/counter.h"
#include "util/refcount.h"

/* ------------------------------------------------------------------ methods */

/* Which ends a method may play. */
enum shim_role {
    SHIM_ROLE_ANY = 0, /* TLS_method(): decided by SSL_set_connect/accept_state */
    SHIM_ROLE_CLIENT,
    SHIM_ROLE_SERVER,
};

struct ssl_method_st {
    int version; /* TLS_ANY_VERSION, or the one version a legacy method speaks */
    enum shim_role role;
};

/* ------------------------------------------------------------------ ciphers */

/*
 * A cipher suite.  The algorithm fields are bit masks of SHIM_K_* / SHIM_A_*
 * / SHIM_E_* / SHIM_M_* (shim/tls/cipher_suites.h); they drive the
 * cipher-string language exactly as stock's masks do.
 */
struct ssl_cipher_st {
    int valid;
    const char *name;    /* OpenSSL name, e.g. "ECDHE-RSA-AES128-GCM-SHA256" */
    const char *stdname; /* IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" */
    uint32_t id;         /* 0x0300XXXX, XXXX the IANA code point */
    uint32_t algorithm_mkey;
    uint32_t algorithm_auth;
    uint32_t algorithm_enc;
    uint32_t algorithm_mac;
    int min_tls, max_tls;
    int min_dtls, max_dtls;
    uint32_t algo_strength;
    uint32_t algorithm2;   /* PRF / handshake digest selection */
    int32_t strength_bits; /* effective bits */
    uint32_t alg_bits;     /* bits of the cipher algorithm */
};

/* ----------------------------------------------------------------- sessions */

/* The session lifetime of TLS methods (stock's tls1_default_timeout): 2 hours. */
#define SHIM_DEFAULT_SESSION_TIMEOUT (2 * 60 * 60)

#define SHIM_MAX_MASTER_KEY 512 /* what SSL_SESSION_set1_master_key accepts, as stock */

struct ssl_session_st {
    shim_refcount_t refs;
    int ssl_version;
    const SSL_CIPHER *cipher;
    uint32_t cipher_id; /* kept when the cipher itself is unknown */
    unsigned char master_key[SHIM_MAX_MASTER_KEY];
    size_t master_key_length;
    unsigned char early_secret[EVP_MAX_MD_SIZE];
    unsigned char session_id[SSL_MAX_SSL_SESSION_ID_LENGTH];
    size_t session_id_length;
    unsigned char sid_ctx[SSL_MAX_SID_CTX_LENGTH];
    size_t sid_ctx_length;
    X509 *peer;                  /* the peer's leaf certificate */
    STACK_OF(X509) * peer_chain; /* as received (a client's includes the leaf) */
    long verify_result;
    time_t time;  /* when it was established (seconds) */
    long timeout; /* lifetime in seconds */
    int not_resumable;
    uint32_t flags;     /* SHIM_SESS_FLAG_* */
    uint16_t kex_group; /* (EC)DHE group of the full handshake (TLS code point) */
    char *hostname;     /* SNI sent or received */
    unsigned char *alpn_selected;
    size_t alpn_selected_len;
    /* Tickets (RFC 5077 and TLS 1.3 NewSessionTicket). */
    unsigned char *ticket;
    size_t ticket_len;
    unsigned long ticket_lifetime_hint;
    uint32_t ticket_age_add;
    unsigned char *ticket_appdata;
    size_t ticket_appdata_len;
    uint32_t max_early_data;
    uint8_t max_fragment_len_mode;
    char *psk_identity_hint;
    char *psk_identity;
    CRYPTO_EX_DATA ex_data;
    /* The SSL_CTX cache that holds it, and its place in that cache's list. */
    SSL_CTX *owner;
    SSL_SESSION *cache_prev, *cache_next;
    /* Its key in the cache's index, as it was when cached (so that a later
     * SSL_SESSION_set1_id cannot strand the index's entry). */
    struct {
        int version;
        size_t len;
        unsigned char id[SSL_MAX_SSL_SESSION_ID_LENGTH];
    } cache_key;
    CRYPTO_RWLOCK *lock; /* guards the mutable ticket/appdata fields */
};

#define SHIM_SESS_FLAG_EXTMS 0x1 /* negotiated extended master secret */

/* ------------------------------------------------------------- certificates */

/* Key slots: one certificate and key of each kind may be configured at once. */
enum shim_pkey_slot {
    SHIM_PKEY_RSA = 0,
    SHIM_PKEY_RSA_PSS,
    SHIM_PKEY_ECDSA,
    SHIM_PKEY_ED25519,
    SHIM_PKEY_ED448,
    SHIM_PKEY_NUM
};

struct shim_cert_pkey {
    X509 *x509;
    EVP_PKEY *privatekey;
    STACK_OF(X509) * chain;    /* extra chain certificates for this key */
    unsigned char *serverinfo; /* SSL_CTX_use_serverinfo_ex data */
    size_t serverinfo_length;
};

/* Which end a custom extension serves: SSL_CTX_add_custom_ext registers one
 * for both, the legacy TLS 1.2 forms for one each. */
enum shim_ext_role { SHIM_EXT_BOTH = 0, SHIM_EXT_CLIENT, SHIM_EXT_SERVER };

/* What a connection did with a custom extension (stock's SSL_EXT_FLAG_*):
 * a client sent it in its ClientHello, a server received it in a ClientHello
 * or a client in a CertificateRequest (so the answer may carry it). */
#define SHIM_CUSTOM_SENT     0x1
#define SHIM_CUSTOM_RECEIVED 0x2

/* One custom extension (SSL_CTX_add_custom_ext, SSL_CTX_add_client_custom_ext,
 * SSL_CTX_add_server_custom_ext, and serverinfo's). */
struct shim_custom_ext {
    uint16_t type;
    uint8_t role;         /* enum shim_ext_role */
    uint8_t legacy;       /* the callbacks are the TLS 1.2 forms (old) */
    unsigned int context; /* SSL_EXT_* */
    SSL_custom_ext_add_cb_ex add_cb;
    SSL_custom_ext_free_cb_ex free_cb;
    SSL_custom_ext_parse_cb_ex parse_cb;
    struct {
        custom_ext_add_cb add;
        custom_ext_free_cb free;
        custom_ext_parse_cb parse;
    } old;
    void *add_arg;
    void *parse_arg;
    unsigned int flags; /* SHIM_CUSTOM_*: per connection, in the SSL's copy */
};

/*
 * Certificates, keys and the checks around them.  SSL_new gives each SSL its
 * own copy (shim_cert_dup), so per-connection changes never reach the context;
 * SSL_copy_session_id makes two SSLs share one, counted, as stock does.
 */
struct shim_cert {
    shim_refcount_t refs;
    struct shim_cert_pkey pkeys[SHIM_PKEY_NUM];
    struct shim_cert_pkey *current; /* the slot use_certificate / add_chain act on */
    int (*cert_cb)(SSL *ssl, void *arg);
    void *cert_cb_arg;
    X509_STORE *chain_store;  /* SSL_CTRL_SET_CHAIN_CERT_STORE */
    X509_STORE *verify_store; /* SSL_CTRL_SET_VERIFY_CERT_STORE */
    uint32_t cert_flags;      /* SSL_CERT_FLAG_* */
    int sec_level;
    int (*sec_cb)(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid, void *other,
                  void *ex);
    void *sec_ex;
    EVP_PKEY *dh_tmp; /* SSL_CTX_set0_tmp_dh_pkey */
    int dh_tmp_auto;
    DH *(*dh_tmp_cb)(SSL *ssl, int is_export, int keylength);
    uint16_t *conf_sigalgs; /* signature algorithms we offer / accept */
    size_t conf_sigalgs_len;
    uint16_t *client_sigalgs; /* signature algorithms for client authentication */
    size_t client_sigalgs_len;
    uint8_t *ctype; /* client certificate types (TLS 1.2 CertificateRequest) */
    size_t ctype_len;
    char *psk_identity_hint;
    /* Custom extensions in the order registered, which is the order they are
     * written and parsed in. */
    struct shim_custom_ext *custom;
    size_t custom_count;
};

/* ------------------------------------------------------------------ settings */

typedef void (*shim_msg_cb)(int write_p, int version, int content_type, const void *buf, size_t len,
                            SSL *ssl, void *arg);
typedef void (*shim_info_cb)(const SSL *ssl, int where, int ret);

/*
 * Everything an SSL inherits from its SSL_CTX at SSL_new and may then change
 * on its own.  Pointers here are owned by the object holding the struct;
 * shim_config_copy() deep-copies them.
 */
struct shim_config {
    uint64_t options;
    uint32_t mode;
    int min_proto_version;
    int max_proto_version;
    uint32_t verify_mode;
    SSL_verify_cb verify_callback;
    X509_VERIFY_PARAM *param;
    int quiet_shutdown;
    int read_ahead;
    size_t max_cert_list;
    size_t max_send_fragment;
    size_t split_send_fragment;
    size_t max_pipelines;
    size_t default_read_buf_len;
    uint8_t max_fragment_len_mode;
    size_t num_tickets;
    uint32_t max_early_data;
    uint32_t recv_max_early_data;
    size_t block_padding;
    size_t (*record_padding_cb)(SSL *s, int type, size_t len, void *arg);
    void *record_padding_arg;
    int pha_enabled;
    shim_msg_cb msg_callback;
    void *msg_callback_arg;
    shim_info_cb info_callback;
    pem_password_cb *default_passwd_callback;
    void *default_passwd_callback_userdata;
    SSL_psk_client_cb_func psk_client_callback;
    SSL_psk_server_cb_func psk_server_callback;
    SSL_psk_find_session_cb_func psk_find_session_cb;
    SSL_psk_use_session_cb_func psk_use_session_cb;
    SSL_allow_early_data_cb_fn allow_early_data_cb;
    void *allow_early_data_cb_data;
    SSL_async_callback_fn async_cb;
    void *async_cb_arg;
    int (*not_resumable_session_cb)(SSL *ssl, int is_forward_secure);
    GEN_SESSION_CB generate_session_id;
    ssl_ct_validation_cb ct_validation_callback;
    void *ct_validation_callback_arg;
    unsigned char sid_ctx[SSL_MAX_SID_CTX_LENGTH];
    size_t sid_ctx_length;
    /* Cipher suites: TLS 1.2 and below (cipher-string language), TLS 1.3. */
    STACK_OF(SSL_CIPHER) * cipher_list;
    STACK_OF(SSL_CIPHER) * cipher_list_by_id;
    STACK_OF(SSL_CIPHER) * tls13_ciphersuites;
    /* Extensions we send. */
    unsigned char *alpn; /* wire form: length-prefixed protocol names */
    size_t alpn_len;
    uint16_t *groups; /* supported_groups, in preference order */
    size_t groups_len;
    int status_type;                       /* TLSEXT_STATUSTYPE_* (-1: none requested) */
    STACK_OF(X509_NAME) * ca_names;        /* certificate_authorities extension */
    STACK_OF(X509_NAME) * client_ca_names; /* CertificateRequest CA list */
    STACK_OF(SRTP_PROTECTION_PROFILE) * srtp_profiles;
    struct shim_cert *cert;
};

/* --------------------------------------------------------------- SSL_CTX */

struct ssl_ctx_st {
    shim_refcount_t refs;
    CRYPTO_RWLOCK *lock; /* the session cache and statistics */
    OSSL_LIB_CTX *libctx;
    char *propq;
    const SSL_METHOD *method;
    struct shim_config cfg;
    X509_STORE *cert_store;
    STACK_OF(X509) * extra_certs; /* SSL_CTX_add_extra_chain_cert */
    CRYPTO_EX_DATA ex_data;

    /* Verification hooks that only exist on the context. */
    int (*app_verify_callback)(X509_STORE_CTX *, void *);
    void *app_verify_arg;
    int (*client_cert_cb)(SSL *ssl, X509 **x509, EVP_PKEY **pkey);
    ENGINE *client_cert_engine; /* SSL_CTX_set_client_cert_engine */
    SSL_client_hello_cb_fn client_hello_cb;
    void *client_hello_cb_arg;
    SSL_CTX_keylog_cb_func keylog_callback;
    CTLOG_STORE *ctlog_store;

    /* Session cache (shim/api/session_cache.c). */
    uint32_t session_cache_mode;
    size_t session_cache_size;
    long session_timeout;
    SSL_SESSION *cache_head, *cache_tail; /* most recently added first */
    size_t cache_count;
    /* The same sessions by version and id: lookups, and the LHASH stock's
     * SSL_CTX_sessions returns (programs count and walk it). */
    OPENSSL_LHASH *cache_index;
    int (*new_session_cb)(SSL *ssl, SSL_SESSION *sess);
    void (*remove_session_cb)(SSL_CTX *ctx, SSL_SESSION *sess);
    SSL_SESSION *(*get_session_cb)(SSL *ssl, const unsigned char *data, int len, int *copy);
    struct {
        shim_counter_t connect, connect_renegotiate, connect_good;
        shim_counter_t accept, accept_renegotiate, accept_good;
        shim_counter_t miss, timeout, cache_full, hit, cb_hit;
    } stats;

    /* TLS extensions configured on the context only. */
    int (*servername_cb)(SSL *, int *, void *);
    void *servername_arg;
    int (*status_cb)(SSL *ssl, void *arg);
    void *status_arg;
    SSL_CTX_alpn_select_cb_func alpn_select_cb;
    void *alpn_select_cb_arg;
    SSL_CTX_npn_advertised_cb_func npn_advertised_cb;
    void *npn_advertised_cb_arg;
    SSL_CTX_npn_select_cb_func npn_select_cb;
    void *npn_select_cb_arg;
    int (*ticket_key_evp_cb)(SSL *ssl, unsigned char *name, unsigned char *iv, EVP_CIPHER_CTX *ectx,
                             EVP_MAC_CTX *hctx, int enc);
    int (*ticket_key_cb)(SSL *ssl, unsigned char *name, unsigned char *iv, EVP_CIPHER_CTX *ectx,
                         HMAC_CTX *hctx, int enc);
    SSL_CTX_generate_session_ticket_fn generate_ticket_cb;
    SSL_CTX_decrypt_session_ticket_fn decrypt_ticket_cb;
    void *ticket_cb_data;
    /* Cookie callbacks: kept for DTLS and SSL_stateless (both unsupported). */
    int (*cookie_generate_cb)(SSL *, unsigned char *, unsigned int *);
    int (*cookie_verify_cb)(SSL *, const unsigned char *, unsigned int);
    int (*stateless_cookie_generate_cb)(SSL *, unsigned char *, size_t *);
    int (*stateless_cookie_verify_cb)(SSL *, const unsigned char *, size_t);
    unsigned char tick_key_name[16];
    unsigned char tick_hmac_key[32];
    unsigned char tick_aes_key[32];

    /* Cipher-suite algorithms this context's providers lack (SHIM_K_/A_/E_/M_
     * masks, found at SSL_CTX_new as stock does): never selected. */
    uint32_t disabled_mkey, disabled_auth, disabled_enc, disabled_mac;

    /* Algorithms fetched once for every connection of this context. */
    struct shim_algs *algs;
    /* Signing contexts of this context's server keys, kept (crypto/sig.h);
     * NULL: made per signature. */
    struct shim_sig_cache *sign_ctxs;
};

/* ------------------------------------------------------------------- SSL */

struct tls_conn; /* the protocol engine's state: shim/tls/conn.h */

/* What SSL_get0_dane returns.  Programs hand it to libcrypto
 * (X509_STORE_CTX_set0_dane), which reads it with the layout of OpenSSL
 * 3.0's SSL_DANE: five pointers (context, TLSA records, certificates,
 * matched record, matched certificate), the usage mask, the match and PKIX
 * depths, the flags.  DANE is not supported here, so it stays all zero:
 * "no TLSA records", the state of stock's before SSL_dane_enable. */
struct shim_dane_off {
    void *dctx, *trecs, *certs, *mtlsa, *mcert;
    uint32_t umask;
    int mdpth, pdpth;
    unsigned long flags;
};

struct ssl_st {
    shim_refcount_t refs;
    SSL_CTX *ctx;         /* current context (SSL_set_SSL_CTX may change it) */
    SSL_CTX *session_ctx; /* the context given to SSL_new: owns the session cache */
    const SSL_METHOD *method;
    struct shim_config cfg;
    CRYPTO_EX_DATA ex_data;
    struct shim_dane_off dane; /* SSL_get0_dane (shim/api/features_off.c) */

    BIO *rbio;
    BIO *wbio;
    int server;         /* 1 server, 0 client */
    int role_chosen;    /* SSL_set_connect_state / SSL_set_accept_state was called */
    int rwstate;        /* SSL_NOTHING, SSL_READING, SSL_WRITING, ... */
    int shutdown;       /* SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN */
    int warn_alert;     /* last warning alert received (close_notify: clean EOF) */
    int version;        /* negotiated (or the method's) protocol version */
    int client_version; /* legacy_version of our ClientHello (SSL_client_version) */
    long verify_result;
    STACK_OF(X509) * verified_chain;
    SSL_SESSION *session; /* the current session (negotiated or to resume) */
    int hit;              /* the session was resumed */

    /* Per-connection settings that have no SSL_CTX counterpart. */
    char *hostname; /* SSL_set_tlsext_host_name */
    tls_session_ticket_ext_cb_fn session_ticket_ext_cb;
    void *session_ticket_ext_cb_arg;
    tls_session_secret_cb_fn session_secret_cb;
    void *session_secret_cb_arg;
    DTLS_timer_cb dtls_timer_cb;
    /* SSL_set_tlsext_debug_callback: told of each known extension received. */
    void (*tlsext_debug_cb)(SSL *s, int client_server, int type, const unsigned char *data, int len,
                            void *arg);
    void *tlsext_debug_arg;
    ASYNC_WAIT_CTX *waitctx; /* made by the first I/O call in SSL_MODE_ASYNC */

    struct tls_conn *conn; /* NULL until a handshake starts */
};

/* ------------------------------------------------- settings used at use time */

/* What an SSL consults on its context when it has no setting of its own
 * (stock looks these up at use time rather than copying them at SSL_new). */
static inline STACK_OF(SSL_CIPHER) * shim_ssl_cipher_list(const SSL *s)
{
    return s->cfg.cipher_list != NULL ? s->cfg.cipher_list : s->ctx->cfg.cipher_list;
}

static inline STACK_OF(SSL_CIPHER) * shim_ssl_cipher_list_by_id(const SSL *s)
{
    return s->cfg.cipher_list_by_id != NULL ? s->cfg.cipher_list_by_id
                                            : s->ctx->cfg.cipher_list_by_id;
}

static inline shim_info_cb shim_ssl_info_callback(const SSL *s)
{
    return s->cfg.info_callback != NULL ? s->cfg.info_callback : s->ctx->cfg.info_callback;
}

#endif /* SHIM_OBJECTS_H */
