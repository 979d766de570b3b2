/*
 * shimssl - a libssl for OpenSSL 3's libcrypto.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * ssl.h: the libssl API: objects, configuration, handshake and I/O.
 *
 * Names, prototypes and numbers follow the OpenSSL 3.0 ABI exactly (they are
 * checked against the system headers by tests/abi); the arrangement and the
 * comments are shimssl's own.
 */

#ifndef OPENSSL_SSL_H
# define OPENSSL_SSL_H
# pragma once

# include <openssl/macros.h>
# ifndef OPENSSL_NO_DEPRECATED_3_0
#  define HEADER_SSL_H
# endif

/* Everything a libssl user gets from including ssl.h, as with OpenSSL. */
# include <openssl/e_os2.h>
# include <openssl/opensslconf.h>
# include <openssl/comp.h>
# include <openssl/bio.h>
# ifndef OPENSSL_NO_DEPRECATED_1_1_0
#  include <openssl/x509.h>
#  include <openssl/crypto.h>
#  include <openssl/buffer.h>
# endif
# include <openssl/lhash.h>
# include <openssl/pem.h>
# include <openssl/hmac.h>
# include <openssl/async.h>
# include <openssl/safestack.h>
# include <openssl/symhacks.h>
# include <openssl/ct.h>
# include <openssl/sslerr.h>
# include <openssl/prov_ssl.h>

# ifdef  __cplusplus
extern "C" {
# endif

/*
 * The library's own object types.  All of them are opaque: applications only
 * ever hold pointers, so shimssl is free to lay the structures out its own way.
 */
typedef struct ssl_st *ssl_crock_st;
typedef struct tls_session_ticket_ext_st TLS_SESSION_TICKET_EXT;
typedef struct ssl_method_st SSL_METHOD;
typedef struct ssl_cipher_st SSL_CIPHER;
typedef struct ssl_session_st SSL_SESSION;
typedef struct tls_sigalgs_st TLS_SIGALGS;
typedef struct ssl_conf_ctx_st SSL_CONF_CTX;
typedef struct ssl_comp_st SSL_COMP;

STACK_OF(SSL_CIPHER);
STACK_OF(SSL_COMP);

/* An SRTP protection profile (RFC 5764): the one public structure. */
typedef struct srtp_protection_profile_st {
    const char *name;
    unsigned long id;
} SRTP_PROTECTION_PROFILE;

/* Callback types. */
typedef int (*tls_session_ticket_ext_cb_fn)(SSL *s, const unsigned char *data, int len, void *arg);
typedef int (*tls_session_secret_cb_fn)(SSL *s, void *secret, int *secret_len,
                                        STACK_OF(SSL_CIPHER) *peer_ciphers,
                                        const SSL_CIPHER **cipher, void *arg);
typedef int (*custom_ext_add_cb)(SSL *s, unsigned int ext_type, const unsigned char **out,
                                 size_t *outlen, int *al, void *add_arg);
typedef void (*custom_ext_free_cb)(SSL *s, unsigned int ext_type, const unsigned char *out,
                                   void *add_arg);
typedef int (*custom_ext_parse_cb)(SSL *s, unsigned int ext_type, const unsigned char *in,
                                   size_t inlen, int *al, void *parse_arg);
typedef int (*SSL_custom_ext_add_cb_ex)(SSL *s, unsigned int ext_type, unsigned int context,
                                        const unsigned char **out, size_t *outlen, X509 *x,
                                        size_t chainidx, int *al, void *add_arg);
typedef void (*SSL_custom_ext_free_cb_ex)(SSL *s, unsigned int ext_type, unsigned int context,
                                          const unsigned char *out, void *add_arg);
typedef int (*SSL_custom_ext_parse_cb_ex)(SSL *s, unsigned int ext_type, unsigned int context,
                                          const unsigned char *in, size_t inlen, X509 *x,
                                          size_t chainidx, int *al, void *parse_arg);
typedef int (*SSL_verify_cb)(int preverify_ok, X509_STORE_CTX *x509_ctx);
typedef int (*SSL_async_callback_fn)(SSL *s, void *arg);
typedef int (*GEN_SESSION_CB)(SSL *ssl, unsigned char *id, unsigned int *id_len);
typedef int (*SSL_CTX_npn_advertised_cb_func)(SSL *ssl, const unsigned char **out,
                                              unsigned int *outlen, void *arg);
typedef int (*SSL_CTX_npn_select_cb_func)(SSL *s, unsigned char **out, unsigned char *outlen,
                                          const unsigned char *in, unsigned int inlen, void *arg);
typedef int (*SSL_CTX_alpn_select_cb_func)(SSL *ssl, const unsigned char **out,
                                           unsigned char *outlen, const unsigned char *in,
                                           unsigned int inlen, void *arg);
typedef unsigned int (*SSL_psk_client_cb_func)(SSL *ssl, const char *hint, char *identity,
                                               unsigned int max_identity_len,
                                               unsigned char *psk, unsigned int max_psk_len);
typedef unsigned int (*SSL_psk_server_cb_func)(SSL *ssl, const char *identity,
                                               unsigned char *psk, unsigned int max_psk_len);
typedef int (*SSL_psk_find_session_cb_func)(SSL *ssl, const unsigned char *identity,
                                            size_t identity_len, SSL_SESSION **sess);
typedef int (*SSL_psk_use_session_cb_func)(SSL *ssl, const EVP_MD *md, const unsigned char **id,
                                           size_t *idlen, SSL_SESSION **sess);
typedef void (*SSL_CTX_keylog_cb_func)(const SSL *ssl, const char *line);
typedef int (*SSL_client_hello_cb_fn)(SSL *s, int *al, void *arg);
typedef int (*ssl_ct_validation_cb)(const CT_POLICY_EVAL_CTX *ctx, const STACK_OF(SCT) *scts,
                                    void *arg);
typedef int SSL_TICKET_STATUS;
typedef int SSL_TICKET_RETURN;
typedef int (*SSL_CTX_generate_session_ticket_fn)(SSL *s, void *arg);
typedef SSL_TICKET_RETURN (*SSL_CTX_decrypt_session_ticket_fn)(SSL *s, SSL_SESSION *ss,
                                                               const unsigned char *keyname,
                                                               size_t keyname_length,
                                                               SSL_TICKET_STATUS status,
                                                               void *arg);
typedef unsigned int (*DTLS_timer_cb)(SSL *s, unsigned int timer_us);
typedef int (*SSL_allow_early_data_cb_fn)(SSL *s, void *arg);

/*
 * Handshake states as reported by SSL_get_state().  The order is ABI: the
 * numeric value of each name must not change.
 */
typedef enum {
    TLS_ST_BEFORE,
    TLS_ST_OK,
    DTLS_ST_CR_HELLO_VERIFY_REQUEST,
    TLS_ST_CR_SRVR_HELLO,
    TLS_ST_CR_CERT,
    TLS_ST_CR_CERT_STATUS,
    TLS_ST_CR_KEY_EXCH,
    TLS_ST_CR_CERT_REQ,
    TLS_ST_CR_SRVR_DONE,
    TLS_ST_CR_SESSION_TICKET,
    TLS_ST_CR_CHANGE,
    TLS_ST_CR_FINISHED,
    TLS_ST_CW_CLNT_HELLO,
    TLS_ST_CW_CERT,
    TLS_ST_CW_KEY_EXCH,
    TLS_ST_CW_CERT_VRFY,
    TLS_ST_CW_CHANGE,
    TLS_ST_CW_NEXT_PROTO,
    TLS_ST_CW_FINISHED,
    TLS_ST_SW_HELLO_REQ,
    TLS_ST_SR_CLNT_HELLO,
    DTLS_ST_SW_HELLO_VERIFY_REQUEST,
    TLS_ST_SW_SRVR_HELLO,
    TLS_ST_SW_CERT,
    TLS_ST_SW_KEY_EXCH,
    TLS_ST_SW_CERT_REQ,
    TLS_ST_SW_SRVR_DONE,
    TLS_ST_SR_CERT,
    TLS_ST_SR_KEY_EXCH,
    TLS_ST_SR_CERT_VRFY,
    TLS_ST_SR_NEXT_PROTO,
    TLS_ST_SR_CHANGE,
    TLS_ST_SR_FINISHED,
    TLS_ST_SW_SESSION_TICKET,
    TLS_ST_SW_CERT_STATUS,
    TLS_ST_SW_CHANGE,
    TLS_ST_SW_FINISHED,
    TLS_ST_SW_ENCRYPTED_EXTENSIONS,
    TLS_ST_CR_ENCRYPTED_EXTENSIONS,
    TLS_ST_CR_CERT_VRFY,
    TLS_ST_SW_CERT_VRFY,
    TLS_ST_CR_HELLO_REQ,
    TLS_ST_SW_KEY_UPDATE,
    TLS_ST_CW_KEY_UPDATE,
    TLS_ST_SR_KEY_UPDATE,
    TLS_ST_CR_KEY_UPDATE,
    TLS_ST_EARLY_DATA,
    TLS_ST_PENDING_EARLY_DATA_END,
    TLS_ST_CW_END_OF_EARLY_DATA,
    TLS_ST_SR_END_OF_EARLY_DATA
} OSSL_HANDSHAKE_STATE;

/* Behaviours of the built-in certificate-transparency validation. */
enum {
    SSL_CT_VALIDATION_PERMISSIVE = 0,
    SSL_CT_VALIDATION_STRICT
};

/* Stacks of the library's types, with their typed helpers. */
SKM_DEFINE_STACK_OF_INTERNAL(SRTP_PROTECTION_PROFILE, SRTP_PROTECTION_PROFILE, SRTP_PROTECTION_PROFILE)
# define sk_SRTP_PROTECTION_PROFILE_num(sk) OPENSSL_sk_num(ossl_check_const_SRTP_PROTECTION_PROFILE_sk_type(sk))
# define sk_SRTP_PROTECTION_PROFILE_value(sk, idx) ((SRTP_PROTECTION_PROFILE *)OPENSSL_sk_value(ossl_check_const_SRTP_PROTECTION_PROFILE_sk_type(sk), (idx)))
# define sk_SRTP_PROTECTION_PROFILE_new(cmp) ((STACK_OF(SRTP_PROTECTION_PROFILE) *)OPENSSL_sk_new(ossl_check_SRTP_PROTECTION_PROFILE_compfunc_type(cmp)))
# define sk_SRTP_PROTECTION_PROFILE_new_null() ((STACK_OF(SRTP_PROTECTION_PROFILE) *)OPENSSL_sk_new_null())
# define sk_SRTP_PROTECTION_PROFILE_new_reserve(cmp, n) ((STACK_OF(SRTP_PROTECTION_PROFILE) *)OPENSSL_sk_new_reserve(ossl_check_SRTP_PROTECTION_PROFILE_compfunc_type(cmp), (n)))
# define sk_SRTP_PROTECTION_PROFILE_reserve(sk, n) OPENSSL_sk_reserve(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), (n))
# define sk_SRTP_PROTECTION_PROFILE_free(sk) OPENSSL_sk_free(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk))
# define sk_SRTP_PROTECTION_PROFILE_zero(sk) OPENSSL_sk_zero(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk))
# define sk_SRTP_PROTECTION_PROFILE_delete(sk, i) ((SRTP_PROTECTION_PROFILE *)OPENSSL_sk_delete(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), (i)))
# define sk_SRTP_PROTECTION_PROFILE_delete_ptr(sk, ptr) ((SRTP_PROTECTION_PROFILE *)OPENSSL_sk_delete_ptr(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), ossl_check_SRTP_PROTECTION_PROFILE_type(ptr)))
# define sk_SRTP_PROTECTION_PROFILE_push(sk, ptr) OPENSSL_sk_push(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), ossl_check_SRTP_PROTECTION_PROFILE_type(ptr))
# define sk_SRTP_PROTECTION_PROFILE_unshift(sk, ptr) OPENSSL_sk_unshift(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), ossl_check_SRTP_PROTECTION_PROFILE_type(ptr))
# define sk_SRTP_PROTECTION_PROFILE_pop(sk) ((SRTP_PROTECTION_PROFILE *)OPENSSL_sk_pop(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk)))
# define sk_SRTP_PROTECTION_PROFILE_shift(sk) ((SRTP_PROTECTION_PROFILE *)OPENSSL_sk_shift(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk)))
# define sk_SRTP_PROTECTION_PROFILE_pop_free(sk, freefunc) OPENSSL_sk_pop_free(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk),ossl_check_SRTP_PROTECTION_PROFILE_freefunc_type(freefunc))
# define sk_SRTP_PROTECTION_PROFILE_insert(sk, ptr, idx) OPENSSL_sk_insert(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), ossl_check_SRTP_PROTECTION_PROFILE_type(ptr), (idx))
# define sk_SRTP_PROTECTION_PROFILE_set(sk, idx, ptr) ((SRTP_PROTECTION_PROFILE *)OPENSSL_sk_set(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), (idx), ossl_check_SRTP_PROTECTION_PROFILE_type(ptr)))
# define sk_SRTP_PROTECTION_PROFILE_find(sk, ptr) OPENSSL_sk_find(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), ossl_check_SRTP_PROTECTION_PROFILE_type(ptr))
# define sk_SRTP_PROTECTION_PROFILE_find_ex(sk, ptr) OPENSSL_sk_find_ex(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), ossl_check_SRTP_PROTECTION_PROFILE_type(ptr))
# define sk_SRTP_PROTECTION_PROFILE_find_all(sk, ptr, pnum) OPENSSL_sk_find_all(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), ossl_check_SRTP_PROTECTION_PROFILE_type(ptr), pnum)
# define sk_SRTP_PROTECTION_PROFILE_sort(sk) OPENSSL_sk_sort(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk))
# define sk_SRTP_PROTECTION_PROFILE_is_sorted(sk) OPENSSL_sk_is_sorted(ossl_check_const_SRTP_PROTECTION_PROFILE_sk_type(sk))
# define sk_SRTP_PROTECTION_PROFILE_dup(sk) ((STACK_OF(SRTP_PROTECTION_PROFILE) *)OPENSSL_sk_dup(ossl_check_const_SRTP_PROTECTION_PROFILE_sk_type(sk)))
# define sk_SRTP_PROTECTION_PROFILE_deep_copy(sk, copyfunc, freefunc) ((STACK_OF(SRTP_PROTECTION_PROFILE) *)OPENSSL_sk_deep_copy(ossl_check_const_SRTP_PROTECTION_PROFILE_sk_type(sk), ossl_check_SRTP_PROTECTION_PROFILE_copyfunc_type(copyfunc), ossl_check_SRTP_PROTECTION_PROFILE_freefunc_type(freefunc)))
# define sk_SRTP_PROTECTION_PROFILE_set_cmp_func(sk, cmp) ((sk_SRTP_PROTECTION_PROFILE_compfunc)OPENSSL_sk_set_cmp_func(ossl_check_SRTP_PROTECTION_PROFILE_sk_type(sk), ossl_check_SRTP_PROTECTION_PROFILE_compfunc_type(cmp)))
SKM_DEFINE_STACK_OF_INTERNAL(SSL_CIPHER, const SSL_CIPHER, SSL_CIPHER)
# define sk_SSL_CIPHER_num(sk) OPENSSL_sk_num(ossl_check_const_SSL_CIPHER_sk_type(sk))
# define sk_SSL_CIPHER_value(sk, idx) ((const SSL_CIPHER *)OPENSSL_sk_value(ossl_check_const_SSL_CIPHER_sk_type(sk), (idx)))
# define sk_SSL_CIPHER_new(cmp) ((STACK_OF(SSL_CIPHER) *)OPENSSL_sk_new(ossl_check_SSL_CIPHER_compfunc_type(cmp)))
# define sk_SSL_CIPHER_new_null() ((STACK_OF(SSL_CIPHER) *)OPENSSL_sk_new_null())
# define sk_SSL_CIPHER_new_reserve(cmp, n) ((STACK_OF(SSL_CIPHER) *)OPENSSL_sk_new_reserve(ossl_check_SSL_CIPHER_compfunc_type(cmp), (n)))
# define sk_SSL_CIPHER_reserve(sk, n) OPENSSL_sk_reserve(ossl_check_SSL_CIPHER_sk_type(sk), (n))
# define sk_SSL_CIPHER_free(sk) OPENSSL_sk_free(ossl_check_SSL_CIPHER_sk_type(sk))
# define sk_SSL_CIPHER_zero(sk) OPENSSL_sk_zero(ossl_check_SSL_CIPHER_sk_type(sk))
# define sk_SSL_CIPHER_delete(sk, i) ((const SSL_CIPHER *)OPENSSL_sk_delete(ossl_check_SSL_CIPHER_sk_type(sk), (i)))
# define sk_SSL_CIPHER_delete_ptr(sk, ptr) ((const SSL_CIPHER *)OPENSSL_sk_delete_ptr(ossl_check_SSL_CIPHER_sk_type(sk), ossl_check_SSL_CIPHER_type(ptr)))
# define sk_SSL_CIPHER_push(sk, ptr) OPENSSL_sk_push(ossl_check_SSL_CIPHER_sk_type(sk), ossl_check_SSL_CIPHER_type(ptr))
# define sk_SSL_CIPHER_unshift(sk, ptr) OPENSSL_sk_unshift(ossl_check_SSL_CIPHER_sk_type(sk), ossl_check_SSL_CIPHER_type(ptr))
# define sk_SSL_CIPHER_pop(sk) ((const SSL_CIPHER *)OPENSSL_sk_pop(ossl_check_SSL_CIPHER_sk_type(sk)))
# define sk_SSL_CIPHER_shift(sk) ((const SSL_CIPHER *)OPENSSL_sk_shift(ossl_check_SSL_CIPHER_sk_type(sk)))
# define sk_SSL_CIPHER_pop_free(sk, freefunc) OPENSSL_sk_pop_free(ossl_check_SSL_CIPHER_sk_type(sk),ossl_check_SSL_CIPHER_freefunc_type(freefunc))
# define sk_SSL_CIPHER_insert(sk, ptr, idx) OPENSSL_sk_insert(ossl_check_SSL_CIPHER_sk_type(sk), ossl_check_SSL_CIPHER_type(ptr), (idx))
# define sk_SSL_CIPHER_set(sk, idx, ptr) ((const SSL_CIPHER *)OPENSSL_sk_set(ossl_check_SSL_CIPHER_sk_type(sk), (idx), ossl_check_SSL_CIPHER_type(ptr)))
# define sk_SSL_CIPHER_find(sk, ptr) OPENSSL_sk_find(ossl_check_SSL_CIPHER_sk_type(sk), ossl_check_SSL_CIPHER_type(ptr))
# define sk_SSL_CIPHER_find_ex(sk, ptr) OPENSSL_sk_find_ex(ossl_check_SSL_CIPHER_sk_type(sk), ossl_check_SSL_CIPHER_type(ptr))
# define sk_SSL_CIPHER_find_all(sk, ptr, pnum) OPENSSL_sk_find_all(ossl_check_SSL_CIPHER_sk_type(sk), ossl_check_SSL_CIPHER_type(ptr), pnum)
# define sk_SSL_CIPHER_sort(sk) OPENSSL_sk_sort(ossl_check_SSL_CIPHER_sk_type(sk))
# define sk_SSL_CIPHER_is_sorted(sk) OPENSSL_sk_is_sorted(ossl_check_const_SSL_CIPHER_sk_type(sk))
# define sk_SSL_CIPHER_dup(sk) ((STACK_OF(SSL_CIPHER) *)OPENSSL_sk_dup(ossl_check_const_SSL_CIPHER_sk_type(sk)))
# define sk_SSL_CIPHER_deep_copy(sk, copyfunc, freefunc) ((STACK_OF(SSL_CIPHER) *)OPENSSL_sk_deep_copy(ossl_check_const_SSL_CIPHER_sk_type(sk), ossl_check_SSL_CIPHER_copyfunc_type(copyfunc), ossl_check_SSL_CIPHER_freefunc_type(freefunc)))
# define sk_SSL_CIPHER_set_cmp_func(sk, cmp) ((sk_SSL_CIPHER_compfunc)OPENSSL_sk_set_cmp_func(ossl_check_SSL_CIPHER_sk_type(sk), ossl_check_SSL_CIPHER_compfunc_type(cmp)))
SKM_DEFINE_STACK_OF_INTERNAL(SSL_COMP, SSL_COMP, SSL_COMP)
# define sk_SSL_COMP_num(sk) OPENSSL_sk_num(ossl_check_const_SSL_COMP_sk_type(sk))
# define sk_SSL_COMP_value(sk, idx) ((SSL_COMP *)OPENSSL_sk_value(ossl_check_const_SSL_COMP_sk_type(sk), (idx)))
# define sk_SSL_COMP_new(cmp) ((STACK_OF(SSL_COMP) *)OPENSSL_sk_new(ossl_check_SSL_COMP_compfunc_type(cmp)))
# define sk_SSL_COMP_new_null() ((STACK_OF(SSL_COMP) *)OPENSSL_sk_new_null())
# define sk_SSL_COMP_new_reserve(cmp, n) ((STACK_OF(SSL_COMP) *)OPENSSL_sk_new_reserve(ossl_check_SSL_COMP_compfunc_type(cmp), (n)))
# define sk_SSL_COMP_reserve(sk, n) OPENSSL_sk_reserve(ossl_check_SSL_COMP_sk_type(sk), (n))
# define sk_SSL_COMP_free(sk) OPENSSL_sk_free(ossl_check_SSL_COMP_sk_type(sk))
# define sk_SSL_COMP_zero(sk) OPENSSL_sk_zero(ossl_check_SSL_COMP_sk_type(sk))
# define sk_SSL_COMP_delete(sk, i) ((SSL_COMP *)OPENSSL_sk_delete(ossl_check_SSL_COMP_sk_type(sk), (i)))
# define sk_SSL_COMP_delete_ptr(sk, ptr) ((SSL_COMP *)OPENSSL_sk_delete_ptr(ossl_check_SSL_COMP_sk_type(sk), ossl_check_SSL_COMP_type(ptr)))
# define sk_SSL_COMP_push(sk, ptr) OPENSSL_sk_push(ossl_check_SSL_COMP_sk_type(sk), ossl_check_SSL_COMP_type(ptr))
# define sk_SSL_COMP_unshift(sk, ptr) OPENSSL_sk_unshift(ossl_check_SSL_COMP_sk_type(sk), ossl_check_SSL_COMP_type(ptr))
# define sk_SSL_COMP_pop(sk) ((SSL_COMP *)OPENSSL_sk_pop(ossl_check_SSL_COMP_sk_type(sk)))
# define sk_SSL_COMP_shift(sk) ((SSL_COMP *)OPENSSL_sk_shift(ossl_check_SSL_COMP_sk_type(sk)))
# define sk_SSL_COMP_pop_free(sk, freefunc) OPENSSL_sk_pop_free(ossl_check_SSL_COMP_sk_type(sk),ossl_check_SSL_COMP_freefunc_type(freefunc))
# define sk_SSL_COMP_insert(sk, ptr, idx) OPENSSL_sk_insert(ossl_check_SSL_COMP_sk_type(sk), ossl_check_SSL_COMP_type(ptr), (idx))
# define sk_SSL_COMP_set(sk, idx, ptr) ((SSL_COMP *)OPENSSL_sk_set(ossl_check_SSL_COMP_sk_type(sk), (idx), ossl_check_SSL_COMP_type(ptr)))
# define sk_SSL_COMP_find(sk, ptr) OPENSSL_sk_find(ossl_check_SSL_COMP_sk_type(sk), ossl_check_SSL_COMP_type(ptr))
# define sk_SSL_COMP_find_ex(sk, ptr) OPENSSL_sk_find_ex(ossl_check_SSL_COMP_sk_type(sk), ossl_check_SSL_COMP_type(ptr))
# define sk_SSL_COMP_find_all(sk, ptr, pnum) OPENSSL_sk_find_all(ossl_check_SSL_COMP_sk_type(sk), ossl_check_SSL_COMP_type(ptr), pnum)
# define sk_SSL_COMP_sort(sk) OPENSSL_sk_sort(ossl_check_SSL_COMP_sk_type(sk))
# define sk_SSL_COMP_is_sorted(sk) OPENSSL_sk_is_sorted(ossl_check_const_SSL_COMP_sk_type(sk))
# define sk_SSL_COMP_dup(sk) ((STACK_OF(SSL_COMP) *)OPENSSL_sk_dup(ossl_check_const_SSL_COMP_sk_type(sk)))
# define sk_SSL_COMP_deep_copy(sk, copyfunc, freefunc) ((STACK_OF(SSL_COMP) *)OPENSSL_sk_deep_copy(ossl_check_const_SSL_COMP_sk_type(sk), ossl_check_SSL_COMP_copyfunc_type(copyfunc), ossl_check_SSL_COMP_freefunc_type(freefunc)))
# define sk_SSL_COMP_set_cmp_func(sk, cmp) ((sk_SSL_COMP_compfunc)OPENSSL_sk_set_cmp_func(ossl_check_SSL_COMP_sk_type(sk), ossl_check_SSL_COMP_compfunc_type(cmp)))

# ifdef  __cplusplus
}
# endif

/* The protocol-level headers need the types above. */
# include <openssl/ssl2.h>
# include <openssl/ssl3.h>
# include <openssl/tls1.h>
# include <openssl/dtls1.h>
# include <openssl/srtp.h>

# ifdef  __cplusplus
extern "C" {
# endif

/* ---------------------------------------------------------------- numbers */

/* Result bits of SSL_check_chain(). */
# define CERT_PKEY_VALID 0x1
# define CERT_PKEY_SIGN 0x2
# define CERT_PKEY_EE_SIGNATURE 0x10
# define CERT_PKEY_CA_SIGNATURE 0x20
# define CERT_PKEY_EE_PARAM 0x40
# define CERT_PKEY_CA_PARAM 0x80
# define CERT_PKEY_EXPLICIT_SIGN 0x100
# define CERT_PKEY_ISSUER_NAME 0x200
# define CERT_PKEY_CERT_TYPE 0x400
# define CERT_PKEY_SUITEB 0x800

/* DTLS command numbers for SSL_ctrl(). */
# define DTLS_CTRL_GET_TIMEOUT 73
# define DTLS_CTRL_HANDLE_TIMEOUT 74
# define DTLS_CTRL_SET_LINK_MTU 120
# define DTLS_CTRL_GET_LINK_MIN_MTU 121

/* libssl flags for OPENSSL_init_ssl() (the rest are libcrypto's OPENSSL_INIT_*). */
# define OPENSSL_INIT_NO_LOAD_SSL_STRINGS 0x00100000L
# define OPENSSL_INIT_LOAD_SSL_STRINGS 0x00200000L
# define OPENSSL_INIT_SSL_DEFAULT (OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS)

/* Results of SSL_select_next_proto(). */
# define OPENSSL_NPN_UNSUPPORTED 0
# define OPENSSL_NPN_NEGOTIATED 1
# define OPENSSL_NPN_NO_OVERLAP 2

/* Alert descriptions as reported to callbacks (SSL_AD_*). */
# define SSL_AD_REASON_OFFSET 1000
# define SSL_AD_ACCESS_DENIED TLS1_AD_ACCESS_DENIED
# define SSL_AD_BAD_CERTIFICATE SSL3_AD_BAD_CERTIFICATE
# define SSL_AD_BAD_CERTIFICATE_HASH_VALUE TLS1_AD_BAD_CERTIFICATE_HASH_VALUE
# define SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE TLS1_AD_BAD_CERTIFICATE_STATUS_RESPONSE
# define SSL_AD_BAD_RECORD_MAC SSL3_AD_BAD_RECORD_MAC
# define SSL_AD_CERTIFICATE_EXPIRED SSL3_AD_CERTIFICATE_EXPIRED
# define SSL_AD_CERTIFICATE_REQUIRED TLS13_AD_CERTIFICATE_REQUIRED
# define SSL_AD_CERTIFICATE_REVOKED SSL3_AD_CERTIFICATE_REVOKED
# define SSL_AD_CERTIFICATE_UNKNOWN SSL3_AD_CERTIFICATE_UNKNOWN
# define SSL_AD_CERTIFICATE_UNOBTAINABLE TLS1_AD_CERTIFICATE_UNOBTAINABLE
# define SSL_AD_CLOSE_NOTIFY SSL3_AD_CLOSE_NOTIFY
# define SSL_AD_DECODE_ERROR TLS1_AD_DECODE_ERROR
# define SSL_AD_DECOMPRESSION_FAILURE SSL3_AD_DECOMPRESSION_FAILURE
# define SSL_AD_DECRYPTION_FAILED TLS1_AD_DECRYPTION_FAILED
# define SSL_AD_DECRYPT_ERROR TLS1_AD_DECRYPT_ERROR
# define SSL_AD_EXPORT_RESTRICTION TLS1_AD_EXPORT_RESTRICTION
# define SSL_AD_HANDSHAKE_FAILURE SSL3_AD_HANDSHAKE_FAILURE
# define SSL_AD_ILLEGAL_PARAMETER SSL3_AD_ILLEGAL_PARAMETER
# define SSL_AD_INAPPROPRIATE_FALLBACK TLS1_AD_INAPPROPRIATE_FALLBACK
# define SSL_AD_INSUFFICIENT_SECURITY TLS1_AD_INSUFFICIENT_SECURITY
# define SSL_AD_INTERNAL_ERROR TLS1_AD_INTERNAL_ERROR
# define SSL_AD_MISSING_EXTENSION TLS13_AD_MISSING_EXTENSION
# define SSL_AD_NO_APPLICATION_PROTOCOL TLS1_AD_NO_APPLICATION_PROTOCOL
# define SSL_AD_NO_CERTIFICATE SSL3_AD_NO_CERTIFICATE
# define SSL_AD_NO_RENEGOTIATION TLS1_AD_NO_RENEGOTIATION
# define SSL_AD_PROTOCOL_VERSION TLS1_AD_PROTOCOL_VERSION
# define SSL_AD_RECORD_OVERFLOW TLS1_AD_RECORD_OVERFLOW
# define SSL_AD_UNEXPECTED_MESSAGE SSL3_AD_UNEXPECTED_MESSAGE
# define SSL_AD_UNKNOWN_CA TLS1_AD_UNKNOWN_CA
# define SSL_AD_UNKNOWN_PSK_IDENTITY TLS1_AD_UNKNOWN_PSK_IDENTITY
# define SSL_AD_UNRECOGNIZED_NAME TLS1_AD_UNRECOGNIZED_NAME
# define SSL_AD_UNSUPPORTED_CERTIFICATE SSL3_AD_UNSUPPORTED_CERTIFICATE
# define SSL_AD_UNSUPPORTED_EXTENSION TLS1_AD_UNSUPPORTED_EXTENSION
# define SSL_AD_USER_CANCELLED TLS1_AD_USER_CANCELLED

/* Flags for SSL_CTX_build_cert_chain(). */
# define SSL_BUILD_CHAIN_FLAG_UNTRUSTED 0x1
# define SSL_BUILD_CHAIN_FLAG_NO_ROOT 0x2
# define SSL_BUILD_CHAIN_FLAG_CHECK 0x4
# define SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR 0x8
# define SSL_BUILD_CHAIN_FLAG_CLEAR_ERROR 0x10

/* The "where" codes passed to the info callback. */
# define SSL_CB_LOOP 0x01
# define SSL_CB_EXIT 0x02
# define SSL_CB_READ 0x04
# define SSL_CB_WRITE 0x08
# define SSL_CB_HANDSHAKE_START 0x10
# define SSL_CB_HANDSHAKE_DONE 0x20
# define SSL_CB_ALERT 0x4000
# define SSL_CB_ACCEPT_EXIT (SSL_ST_ACCEPT | SSL_CB_EXIT)
# define SSL_CB_ACCEPT_LOOP (SSL_ST_ACCEPT | SSL_CB_LOOP)
# define SSL_CB_CONNECT_EXIT (SSL_ST_CONNECT | SSL_CB_EXIT)
# define SSL_CB_CONNECT_LOOP (SSL_ST_CONNECT | SSL_CB_LOOP)
# define SSL_CB_READ_ALERT (SSL_CB_ALERT | SSL_CB_READ)
# define SSL_CB_WRITE_ALERT (SSL_CB_ALERT | SSL_CB_WRITE)

/* Certificate selection commands for SSL_CTRL_CERT_FLAGS / set_current_cert. */
# define SSL_CERT_FLAG_TLS_STRICT 0x00000001U
# define SSL_CERT_SET_FIRST 1
# define SSL_CERT_SET_NEXT 2
# define SSL_CERT_SET_SERVER 3
# define SSL_CERT_FLAG_SUITEB_128_LOS_ONLY 0x10000
# define SSL_CERT_FLAG_SUITEB_192_LOS 0x20000
# define SSL_CERT_FLAG_SUITEB_128_LOS 0x30000
# define SSL_CERT_FLAG_BROKEN_PROTOCOL 0x10000000

/* Results of the ClientHello callback. */
# define SSL_CLIENT_HELLO_RETRY (-1)
# define SSL_CLIENT_HELLO_ERROR 0
# define SSL_CLIENT_HELLO_SUCCESS 1
# define SSL_CLIENT_HELLO_CB 7

/* SSL_CONF_CTX flags and command value types. */
# define SSL_CONF_TYPE_UNKNOWN 0x0
# define SSL_CONF_FLAG_CMDLINE 0x1
# define SSL_CONF_TYPE_STRING 0x1
# define SSL_CONF_FLAG_FILE 0x2
# define SSL_CONF_TYPE_FILE 0x2
# define SSL_CONF_TYPE_DIR 0x3
# define SSL_CONF_FLAG_CLIENT 0x4
# define SSL_CONF_TYPE_NONE 0x4
# define SSL_CONF_TYPE_STORE 0x5
# define SSL_CONF_FLAG_SERVER 0x8
# define SSL_CONF_FLAG_SHOW_ERRORS 0x10
# define SSL_CONF_FLAG_CERTIFICATE 0x20
# define SSL_CONF_FLAG_REQUIRE_PRIVATE 0x40

/* Command numbers for SSL_ctrl() / SSL_CTX_ctrl() / *_callback_ctrl(). */
# define SSL_CTRL_GET_CLIENT_CERT_REQUEST 9
# define SSL_CTRL_GET_NUM_RENEGOTIATIONS 10
# define SSL_CTRL_CLEAR_NUM_RENEGOTIATIONS 11
# define SSL_CTRL_GET_TOTAL_RENEGOTIATIONS 12
# define SSL_CTRL_GET_FLAGS 13
# define SSL_CTRL_EXTRA_CHAIN_CERT 14
# define SSL_CTRL_SET_MSG_CALLBACK 15
# define SSL_CTRL_SET_MSG_CALLBACK_ARG 16
# define SSL_CTRL_SET_MTU 17
# define SSL_CTRL_SESS_NUMBER 20
# define SSL_CTRL_SESS_CONNECT 21
# define SSL_CTRL_SESS_CONNECT_GOOD 22
# define SSL_CTRL_SESS_CONNECT_RENEGOTIATE 23
# define SSL_CTRL_SESS_ACCEPT 24
# define SSL_CTRL_SESS_ACCEPT_GOOD 25
# define SSL_CTRL_SESS_ACCEPT_RENEGOTIATE 26
# define SSL_CTRL_SESS_HIT 27
# define SSL_CTRL_SESS_CB_HIT 28
# define SSL_CTRL_SESS_MISSES 29
# define SSL_CTRL_SESS_TIMEOUTS 30
# define SSL_CTRL_SESS_CACHE_FULL 31
# define SSL_CTRL_MODE 33
# define SSL_CTRL_GET_READ_AHEAD 40
# define SSL_CTRL_SET_READ_AHEAD 41
# define SSL_CTRL_SET_SESS_CACHE_SIZE 42
# define SSL_CTRL_GET_SESS_CACHE_SIZE 43
# define SSL_CTRL_SET_SESS_CACHE_MODE 44
# define SSL_CTRL_GET_SESS_CACHE_MODE 45
# define SSL_CTRL_GET_MAX_CERT_LIST 50
# define SSL_CTRL_SET_MAX_CERT_LIST 51
# define SSL_CTRL_SET_MAX_SEND_FRAGMENT 52
# define SSL_CTRL_SET_TLSEXT_SERVERNAME_CB 53
# define SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG 54
# define SSL_CTRL_SET_TLSEXT_HOSTNAME 55
# define SSL_CTRL_SET_TLSEXT_DEBUG_CB 56
# define SSL_CTRL_SET_TLSEXT_DEBUG_ARG 57
# define SSL_CTRL_GET_TLSEXT_TICKET_KEYS 58
# define SSL_CTRL_SET_TLSEXT_TICKET_KEYS 59
# define SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB 63
# define SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG 64
# define SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE 65
# define SSL_CTRL_GET_TLSEXT_STATUS_REQ_EXTS 66
# define SSL_CTRL_SET_TLSEXT_STATUS_REQ_EXTS 67
# define SSL_CTRL_GET_TLSEXT_STATUS_REQ_IDS 68
# define SSL_CTRL_SET_TLSEXT_STATUS_REQ_IDS 69
# define SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP 70
# define SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP 71
# define SSL_CTRL_SET_TLS_EXT_SRP_USERNAME_CB 75
# define SSL_CTRL_GET_RI_SUPPORT 76
# define SSL_CTRL_SET_SRP_VERIFY_PARAM_CB 76
# define SSL_CTRL_SET_SRP_GIVE_CLIENT_PWD_CB 77
# define SSL_CTRL_CLEAR_MODE 78
# define SSL_CTRL_SET_SRP_ARG 78
# define SSL_CTRL_SET_NOT_RESUMABLE_SESS_CB 79
# define SSL_CTRL_SET_TLS_EXT_SRP_USERNAME 79
# define SSL_CTRL_SET_TLS_EXT_SRP_STRENGTH 80
# define SSL_CTRL_SET_TLS_EXT_SRP_PASSWORD 81
# define SSL_CTRL_GET_EXTRA_CHAIN_CERTS 82
# define SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS 83
# define SSL_CTRL_CHAIN 88
# define SSL_CTRL_CHAIN_CERT 89
# define SSL_CTRL_GET_GROUPS 90
# define SSL_CTRL_SET_GROUPS 91
# define SSL_CTRL_SET_GROUPS_LIST 92
# define SSL_CTRL_GET_SHARED_GROUP 93
# define SSL_CTRL_SET_SIGALGS 97
# define SSL_CTRL_SET_SIGALGS_LIST 98
# define SSL_CTRL_CERT_FLAGS 99
# define SSL_CTRL_CLEAR_CERT_FLAGS 100
# define SSL_CTRL_SET_CLIENT_SIGALGS 101
# define SSL_CTRL_SET_CLIENT_SIGALGS_LIST 102
# define SSL_CTRL_GET_CLIENT_CERT_TYPES 103
# define SSL_CTRL_SET_CLIENT_CERT_TYPES 104
# define SSL_CTRL_BUILD_CERT_CHAIN 105
# define SSL_CTRL_SET_VERIFY_CERT_STORE 106
# define SSL_CTRL_SET_CHAIN_CERT_STORE 107
# define SSL_CTRL_GET_PEER_SIGNATURE_NID 108
# define SSL_CTRL_GET_PEER_TMP_KEY 109
# define SSL_CTRL_GET_RAW_CIPHERLIST 110
# define SSL_CTRL_GET_EC_POINT_FORMATS 111
# define SSL_CTRL_GET_CHAIN_CERTS 115
# define SSL_CTRL_SELECT_CURRENT_CERT 116
# define SSL_CTRL_SET_CURRENT_CERT 117
# define SSL_CTRL_SET_DH_AUTO 118
# define SSL_CTRL_GET_EXTMS_SUPPORT 122
# define SSL_CTRL_SET_MIN_PROTO_VERSION 123
# define SSL_CTRL_SET_MAX_PROTO_VERSION 124
# define SSL_CTRL_SET_SPLIT_SEND_FRAGMENT 125
# define SSL_CTRL_SET_MAX_PIPELINES 126
# define SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE 127
# define SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB 128
# define SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB_ARG 129
# define SSL_CTRL_GET_MIN_PROTO_VERSION 130
# define SSL_CTRL_GET_MAX_PROTO_VERSION 131
# define SSL_CTRL_GET_SIGNATURE_NID 132
# define SSL_CTRL_GET_TMP_KEY 133
# define SSL_CTRL_GET_NEGOTIATED_GROUP 134
# define SSL_CTRL_SET_RETRY_VERIFY 136
# define SSL_CTRL_GET_VERIFY_CERT_STORE 137
# define SSL_CTRL_GET_CHAIN_CERT_STORE 138
# define SSL_CTRL_GET_CURVES SSL_CTRL_GET_GROUPS
# define SSL_CTRL_GET_SERVER_TMP_KEY SSL_CTRL_GET_PEER_TMP_KEY
# define SSL_CTRL_GET_SHARED_CURVE SSL_CTRL_GET_SHARED_GROUP
# define SSL_CTRL_SET_CURVES SSL_CTRL_SET_GROUPS
# define SSL_CTRL_SET_CURVES_LIST SSL_CTRL_SET_GROUPS_LIST

/* Older names kept as aliases. */
# define SSL_CTX_set1_curves SSL_CTX_set1_groups
# define SSL_CTX_set1_curves_list SSL_CTX_set1_groups_list
# define SSL_CTX_set_npn_advertised_cb SSL_CTX_set_next_protos_advertised_cb
# define SSL_CTX_set_npn_select_cb SSL_CTX_set_next_proto_select_cb

/* Early-data status values. */
# define SSL_EARLY_DATA_NOT_SENT 0
# define SSL_EARLY_DATA_REJECTED 1
# define SSL_EARLY_DATA_ACCEPTED 2

/* Results of SSL_get_error(). */
# define SSL_ERROR_NONE 0
# define SSL_ERROR_SSL 1
# define SSL_ERROR_WANT_READ 2
# define SSL_ERROR_WANT_WRITE 3
# define SSL_ERROR_WANT_X509_LOOKUP 4
# define SSL_ERROR_SYSCALL 5
# define SSL_ERROR_ZERO_RETURN 6
# define SSL_ERROR_WANT_CONNECT 7
# define SSL_ERROR_WANT_ACCEPT 8
# define SSL_ERROR_WANT_ASYNC 9
# define SSL_ERROR_WANT_ASYNC_JOB 10
# define SSL_ERROR_WANT_CLIENT_HELLO_CB 11
# define SSL_ERROR_WANT_RETRY_VERIFY 12

/* Contexts in which a custom extension may appear. */
# define SSL_EXT_TLS_ONLY 0x0001
# define SSL_EXT_DTLS_ONLY 0x0002
# define SSL_EXT_TLS_IMPLEMENTATION_ONLY 0x0004
# define SSL_EXT_SSL3_ALLOWED 0x0008
# define SSL_EXT_TLS1_2_AND_BELOW_ONLY 0x0010
# define SSL_EXT_TLS1_3_ONLY 0x0020
# define SSL_EXT_IGNORE_ON_RESUMPTION 0x0040
# define SSL_EXT_CLIENT_HELLO 0x0080
# define SSL_EXT_TLS1_2_SERVER_HELLO 0x0100
# define SSL_EXT_TLS1_3_SERVER_HELLO 0x0200
# define SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS 0x0400
# define SSL_EXT_TLS1_3_HELLO_RETRY_REQUEST 0x0800
# define SSL_EXT_TLS1_3_CERTIFICATE 0x1000
# define SSL_EXT_TLS1_3_NEW_SESSION_TICKET 0x2000
# define SSL_EXT_TLS1_3_CERTIFICATE_REQUEST 0x4000

/* KeyUpdate request types. */
# define SSL_KEY_UPDATE_NONE -1
# define SSL_KEY_UPDATE_NOT_REQUESTED 0
# define SSL_KEY_UPDATE_REQUESTED 1

/* Legacy MAC flags of the record layer. */
# define SSL_MAC_FLAG_READ_MAC_STREAM 1
# define SSL_MAC_FLAG_WRITE_MAC_STREAM 2
# define SSL_MAC_FLAG_READ_MAC_TLSTREE 4
# define SSL_MAC_FLAG_WRITE_MAC_TLSTREE 8

/* Size limits of sessions, master keys and pipelines. */
# define SSL_MAX_KEY_ARG_LENGTH 8
# define SSL_MAX_PIPELINES 32
# define SSL_MAX_SID_CTX_LENGTH 32
# define SSL_MAX_SSL_SESSION_ID_LENGTH 32
# define SSL_MAX_CERT_LIST_DEFAULT (1024 * 100)

/* Mode bits for SSL_CTX_set_mode() / SSL_set_mode(). */
# define SSL_MODE_ENABLE_PARTIAL_WRITE 0x00000001U
# define SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER 0x00000002U
# define SSL_MODE_AUTO_RETRY 0x00000004U
# define SSL_MODE_NO_AUTO_CHAIN 0x00000008U
# define SSL_MODE_RELEASE_BUFFERS 0x00000010U
# define SSL_MODE_SEND_CLIENTHELLO_TIME 0x00000020U
# define SSL_MODE_SEND_SERVERHELLO_TIME 0x00000040U
# define SSL_MODE_SEND_FALLBACK_SCSV 0x00000080U
# define SSL_MODE_ASYNC 0x00000100U
# define SSL_MODE_DTLS_SCTP_LABEL_LENGTH_BUG 0x00000400U

/* Option bits (64-bit) for SSL_CTX_set_options() / SSL_set_options(). */
# define SSL_OP_EPHEMERAL_RSA 0x0
# define SSL_OP_MICROSOFT_BIG_SSLV3_BUFFER 0x0
# define SSL_OP_MICROSOFT_SESS_ID_BUG 0x0
# define SSL_OP_MSIE_SSLV2_RSA_PADDING 0x0
# define SSL_OP_NETSCAPE_CA_DN_BUG 0x0
# define SSL_OP_NETSCAPE_CHALLENGE_BUG 0x0
# define SSL_OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG 0x0
# define SSL_OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG 0x0
# define SSL_OP_NO_SSLv2 0x0
# define SSL_OP_PKCS1_CHECK_1 0x0
# define SSL_OP_PKCS1_CHECK_2 0x0
# define SSL_OP_SINGLE_DH_USE 0x0
# define SSL_OP_SINGLE_ECDH_USE 0x0
# define SSL_OP_SSLEAY_080_CLIENT_DH_BUG 0x0
# define SSL_OP_SSLREF2_REUSE_CERT_TYPE_BUG 0x0
# define SSL_OP_TLS_BLOCK_PADDING_BUG 0x0
# define SSL_OP_TLS_D5_BUG 0x0
# define SSL_OP_ALL (SSL_OP_CRYPTOPRO_TLSEXT_BUG | SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS | SSL_OP_TLSEXT_PADDING | SSL_OP_SAFARI_ECDHE_ECDSA_BUG)
# define SSL_OP_ALLOW_CLIENT_RENEGOTIATION SSL_OP_BIT(8)
# define SSL_OP_ALLOW_NO_DHE_KEX SSL_OP_BIT(10)
# define SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION SSL_OP_BIT(18)
# define SSL_OP_CIPHER_SERVER_PREFERENCE SSL_OP_BIT(22)
# define SSL_OP_CISCO_ANYCONNECT SSL_OP_BIT(15)
# define SSL_OP_CLEANSE_PLAINTEXT SSL_OP_BIT(1)
# define SSL_OP_COOKIE_EXCHANGE SSL_OP_BIT(13)
# define SSL_OP_CRYPTOPRO_TLSEXT_BUG SSL_OP_BIT(31)
# define SSL_OP_DISABLE_TLSEXT_CA_NAMES SSL_OP_BIT(9)
# define SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS SSL_OP_BIT(11)
# define SSL_OP_ENABLE_KTLS SSL_OP_BIT(3)
# define SSL_OP_ENABLE_MIDDLEBOX_COMPAT SSL_OP_BIT(20)
# define SSL_OP_IGNORE_UNEXPECTED_EOF SSL_OP_BIT(7)
# define SSL_OP_LEGACY_SERVER_CONNECT SSL_OP_BIT(2)
# define SSL_OP_NO_ANTI_REPLAY SSL_OP_BIT(24)
# define SSL_OP_NO_COMPRESSION SSL_OP_BIT(17)
# define SSL_OP_NO_DTLS_MASK (SSL_OP_NO_DTLSv1 | SSL_OP_NO_DTLSv1_2)
# define SSL_OP_NO_DTLSv1 SSL_OP_BIT(26)
# define SSL_OP_NO_DTLSv1_2 SSL_OP_BIT(27)
# define SSL_OP_NO_ENCRYPT_THEN_MAC SSL_OP_BIT(19)
# define SSL_OP_NO_EXTENDED_MASTER_SECRET SSL_OP_BIT(0)
# define SSL_OP_NO_QUERY_MTU SSL_OP_BIT(12)
# define SSL_OP_NO_RENEGOTIATION SSL_OP_BIT(30)
# define SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION SSL_OP_BIT(16)
# define SSL_OP_NO_SSL_MASK (SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3)
# define SSL_OP_NO_SSLv3 SSL_OP_BIT(25)
# define SSL_OP_NO_TICKET SSL_OP_BIT(14)
# define SSL_OP_NO_TLSv1 SSL_OP_BIT(26)
# define SSL_OP_NO_TLSv1_1 SSL_OP_BIT(28)
# define SSL_OP_NO_TLSv1_2 SSL_OP_BIT(27)
# define SSL_OP_NO_TLSv1_3 SSL_OP_BIT(29)
# define SSL_OP_PRIORITIZE_CHACHA SSL_OP_BIT(21)
# define SSL_OP_SAFARI_ECDHE_ECDSA_BUG SSL_OP_BIT(6)
# define SSL_OP_TLSEXT_PADDING SSL_OP_BIT(4)
# define SSL_OP_TLS_ROLLBACK_BUG SSL_OP_BIT(23)

/* Early-data read results. */
# define SSL_READ_EARLY_DATA_ERROR 0
# define SSL_READ_EARLY_DATA_SUCCESS 1
# define SSL_READ_EARLY_DATA_FINISH 2

/* Operations passed to the security callback. */
# define SSL_SECOP_OTHER_NONE 0
# define SSL_SECOP_PEER 0x1000
# define SSL_SECOP_OTHER_TYPE 0xffff0000
# define SSL_SECOP_CA_KEY (17 | SSL_SECOP_OTHER_CERT)
# define SSL_SECOP_CA_MD (18 | SSL_SECOP_OTHER_CERT)
# define SSL_SECOP_CIPHER_CHECK (3 | SSL_SECOP_OTHER_CIPHER)
# define SSL_SECOP_CIPHER_SHARED (2 | SSL_SECOP_OTHER_CIPHER)
# define SSL_SECOP_CIPHER_SUPPORTED (1 | SSL_SECOP_OTHER_CIPHER)
# define SSL_SECOP_COMPRESSION (15 | SSL_SECOP_OTHER_NONE)
# define SSL_SECOP_CURVE_CHECK (6 | SSL_SECOP_OTHER_CURVE)
# define SSL_SECOP_CURVE_SHARED (5 | SSL_SECOP_OTHER_CURVE)
# define SSL_SECOP_CURVE_SUPPORTED (4 | SSL_SECOP_OTHER_CURVE)
# define SSL_SECOP_EE_KEY (16 | SSL_SECOP_OTHER_CERT)
# define SSL_SECOP_OTHER_CERT (6 << 16)
# define SSL_SECOP_OTHER_CIPHER (1 << 16)
# define SSL_SECOP_OTHER_CURVE (2 << 16)
# define SSL_SECOP_OTHER_DH (3 << 16)
# define SSL_SECOP_OTHER_PKEY (4 << 16)
# define SSL_SECOP_OTHER_SIGALG (5 << 16)
# define SSL_SECOP_PEER_CA_KEY (SSL_SECOP_CA_KEY | SSL_SECOP_PEER)
# define SSL_SECOP_PEER_CA_MD (SSL_SECOP_CA_MD | SSL_SECOP_PEER)
# define SSL_SECOP_PEER_EE_KEY (SSL_SECOP_EE_KEY | SSL_SECOP_PEER)
# define SSL_SECOP_SIGALG_CHECK (13 | SSL_SECOP_OTHER_SIGALG)
# define SSL_SECOP_SIGALG_MASK (14 | SSL_SECOP_OTHER_SIGALG)
# define SSL_SECOP_SIGALG_SHARED (12 | SSL_SECOP_OTHER_SIGALG)
# define SSL_SECOP_SIGALG_SUPPORTED (11 | SSL_SECOP_OTHER_SIGALG)
# define SSL_SECOP_TICKET (10 | SSL_SECOP_OTHER_NONE)
# define SSL_SECOP_TMP_DH (7 | SSL_SECOP_OTHER_PKEY)
# define SSL_SECOP_VERSION (9 | SSL_SECOP_OTHER_NONE)

/* Session cache modes. */
# define SSL_SESS_CACHE_OFF 0x0000
# define SSL_SESS_CACHE_CLIENT 0x0001
# define SSL_SESS_CACHE_SERVER 0x0002
# define SSL_SESS_CACHE_NO_AUTO_CLEAR 0x0080
# define SSL_SESS_CACHE_NO_INTERNAL_LOOKUP 0x0100
# define SSL_SESS_CACHE_NO_INTERNAL_STORE 0x0200
# define SSL_SESS_CACHE_UPDATE_TIME 0x0400
# define SSL_SESS_CACHE_BOTH (SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_SERVER)
# define SSL_SESS_CACHE_NO_INTERNAL (SSL_SESS_CACHE_NO_INTERNAL_LOOKUP | SSL_SESS_CACHE_NO_INTERNAL_STORE)

/* Legacy handshake-state bits used by the info callback. */
# define SSL_ST_READ_HEADER 0xF0
# define SSL_ST_READ_BODY 0xF1
# define SSL_ST_READ_DONE 0xF2
# define SSL_ST_MASK 0x0FFF
# define SSL_ST_CONNECT 0x1000
# define SSL_ST_ACCEPT 0x2000

/* Session ticket callback statuses and return codes. */
# define SSL_TICKET_FATAL_ERR_MALLOC 0
# define SSL_TICKET_RETURN_ABORT 0
# define SSL_TICKET_FATAL_ERR_OTHER 1
# define SSL_TICKET_RETURN_IGNORE 1
# define SSL_TICKET_NONE 2
# define SSL_TICKET_RETURN_IGNORE_RENEW 2
# define SSL_TICKET_EMPTY 3
# define SSL_TICKET_RETURN_USE 3
# define SSL_TICKET_NO_DECRYPT 4
# define SSL_TICKET_RETURN_USE_RENEW 4
# define SSL_TICKET_SUCCESS 5
# define SSL_TICKET_SUCCESS_RENEW 6

/* Keywords of the cipher-string language and protocol names. */
# define SSL_TXT_3DES "3DES"
# define SSL_TXT_ADH "ADH"
# define SSL_TXT_AECDH "AECDH"
# define SSL_TXT_AES "AES"
# define SSL_TXT_AES128 "AES128"
# define SSL_TXT_AES256 "AES256"
# define SSL_TXT_AES_CCM "AESCCM"
# define SSL_TXT_AES_CCM_8 "AESCCM8"
# define SSL_TXT_AES_GCM "AESGCM"
# define SSL_TXT_ALL "ALL"
# define SSL_TXT_ARIA "ARIA"
# define SSL_TXT_ARIA128 "ARIA128"
# define SSL_TXT_ARIA256 "ARIA256"
# define SSL_TXT_ARIA_GCM "ARIAGCM"
# define SSL_TXT_CAMELLIA "CAMELLIA"
# define SSL_TXT_CAMELLIA128 "CAMELLIA128"
# define SSL_TXT_CAMELLIA256 "CAMELLIA256"
# define SSL_TXT_CBC "CBC"
# define SSL_TXT_CHACHA20 "CHACHA20"
# define SSL_TXT_CMPALL "COMPLEMENTOFALL"
# define SSL_TXT_CMPDEF "COMPLEMENTOFDEFAULT"
# define SSL_TXT_DES "DES"
# define SSL_TXT_DH "DH"
# define SSL_TXT_DHE "DHE"
# define SSL_TXT_DSS "DSS"
# define SSL_TXT_ECDH "ECDH"
# define SSL_TXT_ECDHE "ECDHE"
# define SSL_TXT_ECDSA "ECDSA"
# define SSL_TXT_EDH "EDH"
# define SSL_TXT_EECDH "EECDH"
# define SSL_TXT_FIPS "FIPS"
# define SSL_TXT_GOST "GOST89"
# define SSL_TXT_GOST12 "GOST12"
# define SSL_TXT_GOST2012_GOST8912_GOST8912 "GOST2012-GOST8912-GOST8912"
# define SSL_TXT_GOST89MAC "GOST89MAC"
# define SSL_TXT_GOST89MAC12 "GOST89MAC12"
# define SSL_TXT_GOST94 "GOST94"
# define SSL_TXT_HIGH "HIGH"
# define SSL_TXT_IDEA "IDEA"
# define SSL_TXT_LOW "LOW"
# define SSL_TXT_MD5 "MD5"
# define SSL_TXT_MEDIUM "MEDIUM"
# define SSL_TXT_NULL "NULL"
# define SSL_TXT_PSK "PSK"
# define SSL_TXT_RC2 "RC2"
# define SSL_TXT_RC4 "RC4"
# define SSL_TXT_RSA "RSA"
# define SSL_TXT_SEED "SEED"
# define SSL_TXT_SHA "SHA"
# define SSL_TXT_SHA1 "SHA1"
# define SSL_TXT_SHA256 "SHA256"
# define SSL_TXT_SHA384 "SHA384"
# define SSL_TXT_SRP "SRP"
# define SSL_TXT_SSLV3 "SSLv3"
# define SSL_TXT_TLSV1 "TLSv1"
# define SSL_TXT_TLSV1_1 "TLSv1.1"
# define SSL_TXT_TLSV1_2 "TLSv1.2"
# define SSL_TXT_aDH "aDH"
# define SSL_TXT_aDSS "aDSS"
# define SSL_TXT_aECDH "aECDH"
# define SSL_TXT_aECDSA "aECDSA"
# define SSL_TXT_aGOST "aGOST"
# define SSL_TXT_aGOST01 "aGOST01"
# define SSL_TXT_aGOST12 "aGOST12"
# define SSL_TXT_aGOST94 "aGOST94"
# define SSL_TXT_aNULL "aNULL"
# define SSL_TXT_aPSK "aPSK"
# define SSL_TXT_aRSA "aRSA"
# define SSL_TXT_aSRP "aSRP"
# define SSL_TXT_eNULL "eNULL"
# define SSL_TXT_kDH "kDH"
# define SSL_TXT_kDHE "kDHE"
# define SSL_TXT_kDHEPSK "kDHEPSK"
# define SSL_TXT_kDHd "kDHd"
# define SSL_TXT_kDHr "kDHr"
# define SSL_TXT_kECDH "kECDH"
# define SSL_TXT_kECDHE "kECDHE"
# define SSL_TXT_kECDHEPSK "kECDHEPSK"
# define SSL_TXT_kECDHe "kECDHe"
# define SSL_TXT_kECDHr "kECDHr"
# define SSL_TXT_kEDH "kEDH"
# define SSL_TXT_kEECDH "kEECDH"
# define SSL_TXT_kGOST "kGOST"
# define SSL_TXT_kGOST18 "kGOST18"
# define SSL_TXT_kPSK "kPSK"
# define SSL_TXT_kRSA "kRSA"
# define SSL_TXT_kRSAPSK "kRSAPSK"
# define SSL_TXT_kSRP "kSRP"

/* Peer verification modes. */
# define SSL_VERIFY_NONE 0x00
# define SSL_VERIFY_PEER 0x01
# define SSL_VERIFY_FAIL_IF_NO_PEER_CERT 0x02
# define SSL_VERIFY_CLIENT_ONCE 0x04
# define SSL_VERIFY_POST_HANDSHAKE 0x08

# ifndef OPENSSL_NO_DEPRECATED_3_0

/* Command numbers for SSL_ctrl() / SSL_CTX_ctrl() / *_callback_ctrl(). */
# define SSL_CTRL_SET_TMP_DH 3
# define SSL_CTRL_SET_TMP_ECDH 4
# define SSL_CTRL_SET_TMP_DH_CB 6
# define SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB 72
# endif /* OPENSSL_NO_DEPRECATED_3_0 */

/* Sizes, limits and other single values. */
# define PSK_MAX_IDENTITY_LEN 256
# define PSK_MAX_PSK_LEN 512
# define SSL_ASYNC_NO_JOBS 6
# define SSL_ASYNC_PAUSED 5
# define SSL_COOKIE_LENGTH 4096
# define SSL_FILETYPE_ASN1 X509_FILETYPE_ASN1
# define SSL_FILETYPE_PEM X509_FILETYPE_PEM
# define SSL_MIN_RSA_MODULUS_LENGTH_IN_BYTES (512 / 8)
# define SSL_NOTHING 1
# define SSL_READING 3
# define SSL_RECEIVED_SHUTDOWN 2
# define SSL_RETRY_VERIFY 8
# define SSL_SENT_SHUTDOWN 1
# define SSL_SERVERINFOV1 1
# define SSL_SERVERINFOV2 2
# define SSL_SESSION_ASN1_VERSION 0x0001
# define SSL_SESSION_CACHE_MAX_SIZE_DEFAULT (1024 * 20)
# define SSL_WRITING 2
# define SSL_X509_LOOKUP 4
# define SSL_get0_npn_negotiated SSL_get0_next_proto_negotiated
# define SSL_get0_session SSL_get_session
# define SSL_get1_curves SSL_get1_groups
# define SSL_get_shared_curve SSL_get_shared_group
# define SSL_set1_curves SSL_set1_groups
# define SSL_set1_curves_list SSL_set1_groups_list
# define SSLv23_client_method TLS_client_method
# define SSLv23_method TLS_method
# define SSLv23_server_method TLS_server_method

# ifndef OPENSSL_NO_DEPRECATED_3_0

/* Sizes, limits and other single values. */
# define SSL_DEFAULT_CIPHER_LIST "ALL:!COMPLEMENTOFDEFAULT:!eNULL"
# define SSL_get_peer_certificate SSL_get1_peer_certificate
# define TLS_DEFAULT_CIPHERSUITES "TLS_AES_256_GCM_SHA384:" "TLS_CHACHA20_POLY1305_SHA256:" "TLS_AES_128_GCM_SHA256"
# endif /* OPENSSL_NO_DEPRECATED_3_0 */

/* ---------------------------------------------------------- macro functions */

/* Other shorthands. */
# define SSL_CTX_clear_chain_certs(ctx) SSL_CTX_set0_chain(ctx, NULL)
# define SSL_CTX_disable_ct(ctx) ((void)SSL_CTX_set_validation_callback((ctx), NULL, NULL))
# define SSL_CTX_get_default_read_ahead(ctx) SSL_CTX_get_read_ahead(ctx)
# define SSL_CTX_set_default_read_ahead(ctx,m) SSL_CTX_set_read_ahead(ctx, m)
# define SSL_OP_BIT(n) ((uint64_t)1 << (uint64_t)n)
# define SSL_clear_chain_certs(s) SSL_set0_chain(s, NULL)
# define SSL_disable_ct(s) ((void)SSL_set_validation_callback((s), NULL, NULL))
# define SSL_get_cipher(s) SSL_CIPHER_get_name(SSL_get_current_cipher(s))
# define SSL_get_cipher_bits(s,np) SSL_CIPHER_get_bits(SSL_get_current_cipher(s), np)
# define SSL_get_cipher_name(s) SSL_CIPHER_get_name(SSL_get_current_cipher(s))
# define SSL_get_cipher_version(s) SSL_CIPHER_get_version(SSL_get_current_cipher(s))
# define SSL_get_server_tmp_key(s,pk) SSL_get_peer_tmp_key(s, pk)
# define SSL_get_time(a) SSL_SESSION_get_time(a)
# define SSL_get_timeout(a) SSL_SESSION_get_timeout(a)
# define SSL_in_accept_init(a) (SSL_in_init(a) && SSL_is_server(a))
# define SSL_in_connect_init(a) (SSL_in_init(a) && !SSL_is_server(a))
# define SSL_set_time(a,b) SSL_SESSION_set_time((a), (b))
# define SSL_set_timeout(a,b) SSL_SESSION_set_timeout((a), (b))
# define SSL_want_async(s) (SSL_want(s) == SSL_ASYNC_PAUSED)
# define SSL_want_async_job(s) (SSL_want(s) == SSL_ASYNC_NO_JOBS)
# define SSL_want_client_hello_cb(s) (SSL_want(s) == SSL_CLIENT_HELLO_CB)
# define SSL_want_nothing(s) (SSL_want(s) == SSL_NOTHING)
# define SSL_want_read(s) (SSL_want(s) == SSL_READING)
# define SSL_want_retry_verify(s) (SSL_want(s) == SSL_RETRY_VERIFY)
# define SSL_want_write(s) (SSL_want(s) == SSL_WRITING)
# define SSL_want_x509_lookup(s) (SSL_want(s) == SSL_X509_LOOKUP)
# define d2i_SSL_SESSION_bio(bp,s_id) ASN1_d2i_bio_of(SSL_SESSION, SSL_SESSION_new, d2i_SSL_SESSION, bp, s_id)
# define i2d_SSL_SESSION_bio(bp,s_id) ASN1_i2d_bio_of(SSL_SESSION, i2d_SSL_SESSION, bp, s_id)

/* Shorthands over SSL_CTX_ctrl(). */
# define SSL_CTX_add0_chain_cert(ctx,x509) SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 0, (char *)(x509))
# define SSL_CTX_add1_chain_cert(ctx,x509) SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 1, (char *)(x509))
# define SSL_CTX_add_extra_chain_cert(ctx,x509) SSL_CTX_ctrl(ctx, SSL_CTRL_EXTRA_CHAIN_CERT, 0, (char *)(x509))
# define SSL_CTX_build_cert_chain(ctx,flags) SSL_CTX_ctrl(ctx, SSL_CTRL_BUILD_CERT_CHAIN, flags, NULL)
# define SSL_CTX_clear_cert_flags(ctx,op) SSL_CTX_ctrl((ctx), SSL_CTRL_CLEAR_CERT_FLAGS, (op), NULL)
# define SSL_CTX_clear_extra_chain_certs(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS, 0, NULL)
# define SSL_CTX_clear_mode(ctx,op) SSL_CTX_ctrl((ctx), SSL_CTRL_CLEAR_MODE, (op), NULL)
# define SSL_CTX_get0_chain_cert_store(ctx,st) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_CHAIN_CERT_STORE, 0, (char *)(st))
# define SSL_CTX_get0_chain_certs(ctx,px509) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_CHAIN_CERTS, 0, px509)
# define SSL_CTX_get0_verify_cert_store(ctx,st) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_VERIFY_CERT_STORE, 0, (char *)(st))
# define SSL_CTX_get_extra_chain_certs(ctx,px509) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_EXTRA_CHAIN_CERTS, 0, px509)
# define SSL_CTX_get_extra_chain_certs_only(ctx,px509) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_EXTRA_CHAIN_CERTS, 1, px509)
# define SSL_CTX_get_max_cert_list(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MAX_CERT_LIST, 0, NULL)
# define SSL_CTX_get_max_proto_version(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, NULL)
# define SSL_CTX_get_min_proto_version(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, NULL)
# define SSL_CTX_get_mode(ctx) SSL_CTX_ctrl((ctx), SSL_CTRL_MODE, 0, NULL)
# define SSL_CTX_get_read_ahead(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_READ_AHEAD, 0, NULL)
# define SSL_CTX_get_session_cache_mode(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_SESS_CACHE_MODE, 0, NULL)
# define SSL_CTX_select_current_cert(ctx,x509) SSL_CTX_ctrl(ctx, SSL_CTRL_SELECT_CURRENT_CERT, 0, (char *)(x509))
# define SSL_CTX_sess_accept(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_ACCEPT, 0, NULL)
# define SSL_CTX_sess_accept_good(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_ACCEPT_GOOD, 0, NULL)
# define SSL_CTX_sess_accept_renegotiate(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_ACCEPT_RENEGOTIATE, 0, NULL)
# define SSL_CTX_sess_cache_full(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_CACHE_FULL, 0, NULL)
# define SSL_CTX_sess_cb_hits(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_CB_HIT, 0, NULL)
# define SSL_CTX_sess_connect(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_CONNECT, 0, NULL)
# define SSL_CTX_sess_connect_good(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_CONNECT_GOOD, 0, NULL)
# define SSL_CTX_sess_connect_renegotiate(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_CONNECT_RENEGOTIATE, 0, NULL)
# define SSL_CTX_sess_get_cache_size(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_SESS_CACHE_SIZE, 0, NULL)
# define SSL_CTX_sess_hits(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_HIT, 0, NULL)
# define SSL_CTX_sess_misses(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_MISSES, 0, NULL)
# define SSL_CTX_sess_number(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_NUMBER, 0, NULL)
# define SSL_CTX_sess_set_cache_size(ctx,t) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_SIZE, t, NULL)
# define SSL_CTX_sess_timeouts(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_SESS_TIMEOUTS, 0, NULL)
# define SSL_CTX_set0_chain(ctx,sk) SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN, 0, (char *)(sk))
# define SSL_CTX_set0_chain_cert_store(ctx,st) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_CHAIN_CERT_STORE, 0, (char *)(st))
# define SSL_CTX_set0_verify_cert_store(ctx,st) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_VERIFY_CERT_STORE, 0, (char *)(st))
# define SSL_CTX_set1_chain(ctx,sk) SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN, 1, (char *)(sk))
# define SSL_CTX_set1_chain_cert_store(ctx,st) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_CHAIN_CERT_STORE, 1, (char *)(st))
# define SSL_CTX_set1_client_certificate_types(ctx,clist,clistlen) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_CLIENT_CERT_TYPES, clistlen, (char *)(clist))
# define SSL_CTX_set1_client_sigalgs(ctx,slist,slistlen) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_CLIENT_SIGALGS, slistlen, (int *)(slist))
# define SSL_CTX_set1_client_sigalgs_list(ctx,s) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_CLIENT_SIGALGS_LIST, 0, (char *)(s))
# define SSL_CTX_set1_groups(ctx,glist,glistlen) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_GROUPS, glistlen, (int *)(glist))
# define SSL_CTX_set1_groups_list(ctx,s) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, (char *)(s))
# define SSL_CTX_set1_sigalgs(ctx,slist,slistlen) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SIGALGS, slistlen, (int *)(slist))
# define SSL_CTX_set1_sigalgs_list(ctx,s) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SIGALGS_LIST, 0, (char *)(s))
# define SSL_CTX_set1_verify_cert_store(ctx,st) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_VERIFY_CERT_STORE, 1, (char *)(st))
# define SSL_CTX_set_cert_flags(ctx,op) SSL_CTX_ctrl((ctx), SSL_CTRL_CERT_FLAGS, (op), NULL)
# define SSL_CTX_set_current_cert(ctx,op) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_CURRENT_CERT, op, NULL)
# define SSL_CTX_set_dh_auto(ctx,onoff) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_DH_AUTO, onoff, NULL)
# define SSL_CTX_set_max_cert_list(ctx,m) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_CERT_LIST, m, NULL)
# define SSL_CTX_set_max_pipelines(ctx,m) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PIPELINES, m, NULL)
# define SSL_CTX_set_max_proto_version(ctx,version) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, version, NULL)
# define SSL_CTX_set_max_send_fragment(ctx,m) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_SEND_FRAGMENT, m, NULL)
# define SSL_CTX_set_min_proto_version(ctx,version) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL)
# define SSL_CTX_set_mode(ctx,op) SSL_CTX_ctrl((ctx), SSL_CTRL_MODE, (op), NULL)
# define SSL_CTX_set_msg_callback_arg(ctx,arg) SSL_CTX_ctrl((ctx), SSL_CTRL_SET_MSG_CALLBACK_ARG, 0, (arg))
# define SSL_CTX_set_read_ahead(ctx,m) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, m, NULL)
# define SSL_CTX_set_session_cache_mode(ctx,m) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, m, NULL)
# define SSL_CTX_set_split_send_fragment(ctx,m) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SPLIT_SEND_FRAGMENT, m, NULL)

/* Shorthands over SSL_ctrl(). */
# define DTLS_get_link_min_mtu(ssl) SSL_ctrl((ssl), DTLS_CTRL_GET_LINK_MIN_MTU, 0, NULL)
# define DTLS_set_link_mtu(ssl,mtu) SSL_ctrl((ssl), DTLS_CTRL_SET_LINK_MTU, (mtu), NULL)
# define DTLSv1_get_timeout(ssl,arg) SSL_ctrl(ssl, DTLS_CTRL_GET_TIMEOUT, 0, (void *)(arg))
# define DTLSv1_handle_timeout(ssl) SSL_ctrl(ssl, DTLS_CTRL_HANDLE_TIMEOUT, 0, NULL)
# define SSL_add0_chain_cert(s,x509) SSL_ctrl(s, SSL_CTRL_CHAIN_CERT, 0, (char *)(x509))
# define SSL_add1_chain_cert(s,x509) SSL_ctrl(s, SSL_CTRL_CHAIN_CERT, 1, (char *)(x509))
# define SSL_build_cert_chain(s,flags) SSL_ctrl(s, SSL_CTRL_BUILD_CERT_CHAIN, flags, NULL)
# define SSL_clear_cert_flags(s,op) SSL_ctrl((s), SSL_CTRL_CLEAR_CERT_FLAGS, (op), NULL)
# define SSL_clear_mode(ssl,op) SSL_ctrl((ssl), SSL_CTRL_CLEAR_MODE, (op), NULL)
# define SSL_clear_num_renegotiations(ssl) SSL_ctrl((ssl), SSL_CTRL_CLEAR_NUM_RENEGOTIATIONS, 0, NULL)
# define SSL_get0_certificate_types(s,clist) SSL_ctrl(s, SSL_CTRL_GET_CLIENT_CERT_TYPES, 0, (char *)(clist))
# define SSL_get0_chain_cert_store(s,st) SSL_ctrl(s, SSL_CTRL_GET_CHAIN_CERT_STORE, 0, (char *)(st))
# define SSL_get0_chain_certs(s,px509) SSL_ctrl(s, SSL_CTRL_GET_CHAIN_CERTS, 0, px509)
# define SSL_get0_ec_point_formats(s,plst) SSL_ctrl(s, SSL_CTRL_GET_EC_POINT_FORMATS, 0, plst)
# define SSL_get0_raw_cipherlist(s,plst) SSL_ctrl(s, SSL_CTRL_GET_RAW_CIPHERLIST, 0, plst)
# define SSL_get0_verify_cert_store(s,st) SSL_ctrl(s, SSL_CTRL_GET_VERIFY_CERT_STORE, 0, (char *)(st))
# define SSL_get1_groups(s,glist) SSL_ctrl(s, SSL_CTRL_GET_GROUPS, 0, (int *)(glist))
# define SSL_get_extms_support(s) SSL_ctrl((s), SSL_CTRL_GET_EXTMS_SUPPORT, 0, NULL)
# define SSL_get_max_cert_list(ssl) SSL_ctrl(ssl, SSL_CTRL_GET_MAX_CERT_LIST, 0, NULL)
# define SSL_get_max_proto_version(s) SSL_ctrl(s, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, NULL)
# define SSL_get_min_proto_version(s) SSL_ctrl(s, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, NULL)
# define SSL_get_mode(ssl) SSL_ctrl((ssl), SSL_CTRL_MODE, 0, NULL)
# define SSL_get_negotiated_group(s) SSL_ctrl(s, SSL_CTRL_GET_NEGOTIATED_GROUP, 0, NULL)
# define SSL_get_peer_signature_nid(s,pn) SSL_ctrl(s, SSL_CTRL_GET_PEER_SIGNATURE_NID, 0, pn)
# define SSL_get_peer_tmp_key(s,pk) SSL_ctrl(s, SSL_CTRL_GET_PEER_TMP_KEY, 0, pk)
# define SSL_get_secure_renegotiation_support(ssl) SSL_ctrl((ssl), SSL_CTRL_GET_RI_SUPPORT, 0, NULL)
# define SSL_get_shared_group(s,n) SSL_ctrl(s, SSL_CTRL_GET_SHARED_GROUP, n, NULL)
# define SSL_get_signature_nid(s,pn) SSL_ctrl(s, SSL_CTRL_GET_SIGNATURE_NID, 0, pn)
# define SSL_get_tmp_key(s,pk) SSL_ctrl(s, SSL_CTRL_GET_TMP_KEY, 0, pk)
# define SSL_num_renegotiations(ssl) SSL_ctrl((ssl), SSL_CTRL_GET_NUM_RENEGOTIATIONS, 0, NULL)
# define SSL_select_current_cert(s,x509) SSL_ctrl(s, SSL_CTRL_SELECT_CURRENT_CERT, 0, (char *)(x509))
# define SSL_set0_chain(s,sk) SSL_ctrl(s, SSL_CTRL_CHAIN, 0, (char *)(sk))
# define SSL_set0_chain_cert_store(s,st) SSL_ctrl(s, SSL_CTRL_SET_CHAIN_CERT_STORE, 0, (char *)(st))
# define SSL_set0_verify_cert_store(s,st) SSL_ctrl(s, SSL_CTRL_SET_VERIFY_CERT_STORE, 0, (char *)(st))
# define SSL_set1_chain(s,sk) SSL_ctrl(s, SSL_CTRL_CHAIN, 1, (char *)(sk))
# define SSL_set1_chain_cert_store(s,st) SSL_ctrl(s, SSL_CTRL_SET_CHAIN_CERT_STORE, 1, (char *)(st))
# define SSL_set1_client_certificate_types(s,clist,clistlen) SSL_ctrl(s, SSL_CTRL_SET_CLIENT_CERT_TYPES, clistlen, (char *)(clist))
# define SSL_set1_client_sigalgs(s,slist,slistlen) SSL_ctrl(s, SSL_CTRL_SET_CLIENT_SIGALGS, slistlen, (int *)(slist))
# define SSL_set1_client_sigalgs_list(s,str) SSL_ctrl(s, SSL_CTRL_SET_CLIENT_SIGALGS_LIST, 0, (char *)(str))
# define SSL_set1_groups(s,glist,glistlen) SSL_ctrl(s, SSL_CTRL_SET_GROUPS, glistlen, (char *)(glist))
# define SSL_set1_groups_list(s,str) SSL_ctrl(s, SSL_CTRL_SET_GROUPS_LIST, 0, (char *)(str))
# define SSL_set1_sigalgs(s,slist,slistlen) SSL_ctrl(s, SSL_CTRL_SET_SIGALGS, slistlen, (int *)(slist))
# define SSL_set1_sigalgs_list(s,str) SSL_ctrl(s, SSL_CTRL_SET_SIGALGS_LIST, 0, (char *)(str))
# define SSL_set1_verify_cert_store(s,st) SSL_ctrl(s, SSL_CTRL_SET_VERIFY_CERT_STORE, 1, (char *)(st))
# define SSL_set_cert_flags(s,op) SSL_ctrl((s), SSL_CTRL_CERT_FLAGS, (op), NULL)
# define SSL_set_current_cert(s,op) SSL_ctrl(s, SSL_CTRL_SET_CURRENT_CERT, op, NULL)
# define SSL_set_dh_auto(s,onoff) SSL_ctrl(s, SSL_CTRL_SET_DH_AUTO, onoff, NULL)
# define SSL_set_max_cert_list(ssl,m) SSL_ctrl(ssl, SSL_CTRL_SET_MAX_CERT_LIST, m, NULL)
# define SSL_set_max_pipelines(ssl,m) SSL_ctrl(ssl, SSL_CTRL_SET_MAX_PIPELINES, m, NULL)
# define SSL_set_max_proto_version(s,version) SSL_ctrl(s, SSL_CTRL_SET_MAX_PROTO_VERSION, version, NULL)
# define SSL_set_max_send_fragment(ssl,m) SSL_ctrl(ssl, SSL_CTRL_SET_MAX_SEND_FRAGMENT, m, NULL)
# define SSL_set_min_proto_version(s,version) SSL_ctrl(s, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL)
# define SSL_set_mode(ssl,op) SSL_ctrl((ssl), SSL_CTRL_MODE, (op), NULL)
# define SSL_set_msg_callback_arg(ssl,arg) SSL_ctrl((ssl), SSL_CTRL_SET_MSG_CALLBACK_ARG, 0, (arg))
# define SSL_set_mtu(ssl,mtu) SSL_ctrl((ssl), SSL_CTRL_SET_MTU, (mtu), NULL)
# define SSL_set_retry_verify(ssl) (SSL_ctrl(ssl, SSL_CTRL_SET_RETRY_VERIFY, 0, NULL) > 0)
# define SSL_set_split_send_fragment(ssl,m) SSL_ctrl(ssl, SSL_CTRL_SET_SPLIT_SEND_FRAGMENT, m, NULL)
# define SSL_total_renegotiations(ssl) SSL_ctrl((ssl), SSL_CTRL_GET_TOTAL_RENEGOTIATIONS, 0, NULL)

/* ex_data shorthands. */
# define SSL_CTX_get_app_data(ctx) (SSL_CTX_get_ex_data(ctx, 0))
# define SSL_CTX_get_ex_new_index(l,p,newf,dupf,freef) CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_CTX, l, p, newf, dupf, freef)
# define SSL_CTX_set_app_data(ctx,arg) (SSL_CTX_set_ex_data(ctx, 0, (char *)(arg)))
# define SSL_SESSION_get_app_data(s) (SSL_SESSION_get_ex_data(s, 0))
# define SSL_SESSION_get_ex_new_index(l,p,newf,dupf,freef) CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_SESSION, l, p, newf, dupf, freef)
# define SSL_SESSION_set_app_data(s,a) (SSL_SESSION_set_ex_data(s, 0, (char *)(a)))
# define SSL_get_app_data(s) (SSL_get_ex_data(s, 0))
# define SSL_get_ex_new_index(l,p,newf,dupf,freef) CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, l, p, newf, dupf, freef)
# define SSL_set_app_data(s,arg) (SSL_set_ex_data(s, 0, (char *)(arg)))

# ifndef OPENSSL_NO_DEPRECATED_1_1_0
/* Other shorthands. */
# define OpenSSL_add_ssl_algorithms() SSL_library_init()
# define SSL_COMP_free_compression_methods() while (0) continue
# define SSL_CTX_need_tmp_RSA(ctx) 0
# define SSL_CTX_set_ecdh_auto(dummy,onoff) ((onoff) != 0)
# define SSL_CTX_set_tmp_rsa(ctx,rsa) 1
# define SSL_CTX_set_tmp_rsa_callback(ctx,cb) while (0) (cb)(NULL, 0, 0)
# define SSL_cache_hit(s) SSL_session_reused(s)
# define SSL_library_init() OPENSSL_init_ssl(0, NULL)
# define SSL_load_error_strings() OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
# define SSL_need_tmp_RSA(ssl) 0
# define SSL_set_ecdh_auto(dummy,onoff) ((onoff) != 0)
# define SSL_set_tmp_rsa(ssl,rsa) 1
# define SSL_set_tmp_rsa_callback(ssl,cb) while (0) (cb)(NULL, 0, 0)
# define SSLeay_add_ssl_algorithms() SSL_library_init()
# endif

# ifndef OPENSSL_NO_DEPRECATED_3_0
/* Shorthands over SSL_CTX_ctrl(). */
# define SSL_CTX_set_tmp_dh(ctx,dh) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TMP_DH, 0, (char *)(dh))
# define SSL_CTX_set_tmp_ecdh(ctx,ecdh) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TMP_ECDH, 0, (char *)(ecdh))
# endif

# ifndef OPENSSL_NO_DEPRECATED_3_0
/* Shorthands over SSL_ctrl(). */
# define SSL_set_tmp_dh(ssl,dh) SSL_ctrl(ssl, SSL_CTRL_SET_TMP_DH, 0, (char *)(dh))
# define SSL_set_tmp_ecdh(ssl,ecdh) SSL_ctrl(ssl, SSL_CTRL_SET_TMP_ECDH, 0, (char *)(ecdh))
# endif

/* ---------------------------------------------------------------- functions */

/* Library initialisation and error strings. */
int OPENSSL_init_ssl(uint64_t, const OPENSSL_INIT_SETTINGS *);
const char *OSSL_default_cipher_list(void);
const char *OSSL_default_ciphersuites(void);
int SSL_get_ex_data_X509_STORE_CTX_idx(void);

/* Protocol methods. */
const SSL_METHOD *DTLS_client_method(void);
const SSL_METHOD *DTLS_method(void);
const SSL_METHOD *DTLS_server_method(void);
int SSL_COMP_add_compression_method(int, COMP_METHOD *);
STACK_OF(SSL_COMP) *SSL_COMP_get_compression_methods(void);
STACK_OF(SSL_COMP) *SSL_COMP_set0_compression_methods(STACK_OF(SSL_COMP) *);
const SSL_METHOD *SSL_CTX_get_ssl_method(const SSL_CTX *);
size_t SSL_client_hello_get0_compression_methods(SSL *, const unsigned char **);
const SSL_METHOD *SSL_get_ssl_method(const SSL *);
int SSL_set_ssl_method(SSL *, const SSL_METHOD *);
const SSL_METHOD *TLS_client_method(void);
const SSL_METHOD *TLS_method(void);
const SSL_METHOD *TLS_server_method(void);
# ifndef OPENSSL_NO_DEPRECATED_1_1_0
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *DTLSv1_2_client_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *DTLSv1_2_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *DTLSv1_2_server_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *DTLSv1_client_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *DTLSv1_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *DTLSv1_server_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *TLSv1_1_client_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *TLSv1_1_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *TLSv1_1_server_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *TLSv1_2_client_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *TLSv1_2_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *TLSv1_2_server_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *TLSv1_client_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *TLSv1_method(void);
OSSL_DEPRECATEDIN_1_1_0 const SSL_METHOD *TLSv1_server_method(void);
# endif

/* Filter BIO. */
const BIO_METHOD *BIO_f_ssl(void);
BIO *BIO_new_buffer_ssl_connect(SSL_CTX *);
BIO *BIO_new_ssl(SSL_CTX *, int);
BIO *BIO_new_ssl_connect(SSL_CTX *);
int BIO_ssl_copy_session_id(BIO *, BIO *);
void BIO_ssl_shutdown(BIO *);

/* Configuration commands (SSL_CONF). */
unsigned int SSL_CONF_CTX_clear_flags(SSL_CONF_CTX *, unsigned int);
int SSL_CONF_CTX_finish(SSL_CONF_CTX *);
void SSL_CONF_CTX_free(SSL_CONF_CTX *);
SSL_CONF_CTX *SSL_CONF_CTX_new(void);
int SSL_CONF_CTX_set1_prefix(SSL_CONF_CTX *, const char *);
unsigned int SSL_CONF_CTX_set_flags(SSL_CONF_CTX *, unsigned int);
void SSL_CONF_CTX_set_ssl(SSL_CONF_CTX *, SSL *);
void SSL_CONF_CTX_set_ssl_ctx(SSL_CONF_CTX *, SSL_CTX *);
int SSL_CONF_cmd(SSL_CONF_CTX *, const char *, const char *);
int SSL_CONF_cmd_argv(SSL_CONF_CTX *, int *, char ***);
int SSL_CONF_cmd_value_type(SSL_CONF_CTX *, const char *);
int SSL_CTX_config(SSL_CTX *, const char *);
int SSL_config(SSL *, const char *);

/* Cipher suites. */
const char *OPENSSL_cipher_name(const char *);
char *SSL_CIPHER_description(const SSL_CIPHER *, char *, int);
const SSL_CIPHER *SSL_CIPHER_find(SSL *, const unsigned char *);
int SSL_CIPHER_get_auth_nid(const SSL_CIPHER *);
int SSL_CIPHER_get_bits(const SSL_CIPHER *, int *);
int SSL_CIPHER_get_cipher_nid(const SSL_CIPHER *);
int SSL_CIPHER_get_digest_nid(const SSL_CIPHER *);
const EVP_MD *SSL_CIPHER_get_handshake_digest(const SSL_CIPHER *);
uint32_t SSL_CIPHER_get_id(const SSL_CIPHER *);
int SSL_CIPHER_get_kx_nid(const SSL_CIPHER *);
const char *SSL_CIPHER_get_name(const SSL_CIPHER *);
uint16_t SSL_CIPHER_get_protocol_id(const SSL_CIPHER *);
const char *SSL_CIPHER_get_version(const SSL_CIPHER *);
int SSL_CIPHER_is_aead(const SSL_CIPHER *);
const char *SSL_CIPHER_standard_name(const SSL_CIPHER *);
const char *SSL_COMP_get0_name(const SSL_COMP *);
int SSL_COMP_get_id(const SSL_COMP *);
const char *SSL_COMP_get_name(const COMP_METHOD *);
STACK_OF(SSL_CIPHER) *SSL_CTX_get_ciphers(const SSL_CTX *);
int SSL_CTX_set_cipher_list(SSL_CTX *, const char *);
int SSL_CTX_set_ciphersuites(SSL_CTX *, const char *);
const SSL_CIPHER *SSL_SESSION_get0_cipher(const SSL_SESSION *);
int SSL_SESSION_set_cipher(SSL_SESSION *, const SSL_CIPHER *);
int SSL_bytes_to_cipher_list(SSL *, const unsigned char *, size_t, int, STACK_OF(SSL_CIPHER) **, STACK_OF(SSL_CIPHER) **);
size_t SSL_client_hello_get0_ciphers(SSL *, const unsigned char **);
STACK_OF(SSL_CIPHER) *SSL_get1_supported_ciphers(SSL *);
const char *SSL_get_cipher_list(const SSL *, int);
STACK_OF(SSL_CIPHER) *SSL_get_ciphers(const SSL *);
STACK_OF(SSL_CIPHER) *SSL_get_client_ciphers(const SSL *);
const SSL_CIPHER *SSL_get_current_cipher(const SSL *);
const SSL_CIPHER *SSL_get_pending_cipher(const SSL *);
char *SSL_get_shared_ciphers(const SSL *, char *, int);
int SSL_set_cipher_list(SSL *, const char *);
int SSL_set_ciphersuites(SSL *, const char *);

/* Sessions. */
SSL_SESSION *PEM_read_SSL_SESSION(FILE *, SSL_SESSION **, pem_password_cb(*), void *);
SSL_SESSION *PEM_read_bio_SSL_SESSION(BIO *, SSL_SESSION **, pem_password_cb(*), void *);
int PEM_write_SSL_SESSION(FILE *, const SSL_SESSION *);
int PEM_write_bio_SSL_SESSION(BIO *, const SSL_SESSION *);
int SSL_CTX_add_session(SSL_CTX *, SSL_SESSION *);
void SSL_CTX_flush_sessions(SSL_CTX *, long);
int SSL_CTX_remove_session(SSL_CTX *, SSL_SESSION *);
SSL_SESSION *(*SSL_CTX_sess_get_get_cb(SSL_CTX *))(struct ssl_st *, const unsigned char *, int, int *);
int (*SSL_CTX_sess_get_new_cb(SSL_CTX *))(struct ssl_st *, SSL_SESSION *);
void (*SSL_CTX_sess_get_remove_cb(SSL_CTX *))(struct ssl_ctx_st *, SSL_SESSION *);
void SSL_CTX_sess_set_get_cb(SSL_CTX *, SSL_SESSION *(*)(struct ssl_st *, const unsigned char *, int, int *));
void SSL_CTX_sess_set_new_cb(SSL_CTX *, int(*)(struct ssl_st *, SSL_SESSION *));
void SSL_CTX_sess_set_remove_cb(SSL_CTX *, void(*)(struct ssl_ctx_st *, SSL_SESSION *));
LHASH_OF(SSL_SESSION) *SSL_CTX_sessions(SSL_CTX *);
int SSL_CTX_set_generate_session_id(SSL_CTX *, GEN_SESSION_CB);
void SSL_CTX_set_not_resumable_session_callback(SSL_CTX *, int(*)(SSL *, int));
void SSL_CTX_set_psk_find_session_callback(SSL_CTX *, SSL_psk_find_session_cb_func);
void SSL_CTX_set_psk_use_session_callback(SSL_CTX *, SSL_psk_use_session_cb_func);
int SSL_CTX_set_session_id_context(SSL_CTX *, const unsigned char *, unsigned int);
int SSL_CTX_set_session_ticket_cb(SSL_CTX *, SSL_CTX_generate_session_ticket_fn, SSL_CTX_decrypt_session_ticket_fn, void *);
SSL_SESSION *SSL_SESSION_dup(const SSL_SESSION *);
void SSL_SESSION_free(SSL_SESSION *);
void SSL_SESSION_get0_alpn_selected(const SSL_SESSION *, const unsigned char **, size_t *);
const char *SSL_SESSION_get0_hostname(const SSL_SESSION *);
const unsigned char *SSL_SESSION_get0_id_context(const SSL_SESSION *, unsigned int *);
X509 *SSL_SESSION_get0_peer(SSL_SESSION *);
void SSL_SESSION_get0_ticket(const SSL_SESSION *, const unsigned char **, size_t *);
int SSL_SESSION_get0_ticket_appdata(SSL_SESSION *, void **, size_t *);
unsigned int SSL_SESSION_get_compress_id(const SSL_SESSION *);
void *SSL_SESSION_get_ex_data(const SSL_SESSION *, int);
const unsigned char *SSL_SESSION_get_id(const SSL_SESSION *, unsigned int *);
size_t SSL_SESSION_get_master_key(const SSL_SESSION *, unsigned char *, size_t);
uint32_t SSL_SESSION_get_max_early_data(const SSL_SESSION *);
uint8_t SSL_SESSION_get_max_fragment_length(const SSL_SESSION *);
int SSL_SESSION_get_protocol_version(const SSL_SESSION *);
unsigned long SSL_SESSION_get_ticket_lifetime_hint(const SSL_SESSION *);
long SSL_SESSION_get_time(const SSL_SESSION *);
long SSL_SESSION_get_timeout(const SSL_SESSION *);
int SSL_SESSION_has_ticket(const SSL_SESSION *);
int SSL_SESSION_is_resumable(const SSL_SESSION *);
SSL_SESSION *SSL_SESSION_new(void);
int SSL_SESSION_print(BIO *, const SSL_SESSION *);
int SSL_SESSION_print_fp(FILE *, const SSL_SESSION *);
int SSL_SESSION_print_keylog(BIO *, const SSL_SESSION *);
int SSL_SESSION_set1_alpn_selected(SSL_SESSION *, const unsigned char *, size_t);
int SSL_SESSION_set1_hostname(SSL_SESSION *, const char *);
int SSL_SESSION_set1_id(SSL_SESSION *, const unsigned char *, unsigned int);
int SSL_SESSION_set1_id_context(SSL_SESSION *, const unsigned char *, unsigned int);
int SSL_SESSION_set1_master_key(SSL_SESSION *, const unsigned char *, size_t);
int SSL_SESSION_set1_ticket_appdata(SSL_SESSION *, const void *, size_t);
int SSL_SESSION_set_ex_data(SSL_SESSION *, int, void *);
int SSL_SESSION_set_max_early_data(SSL_SESSION *, uint32_t);
int SSL_SESSION_set_protocol_version(SSL_SESSION *, int);
long SSL_SESSION_set_time(SSL_SESSION *, long);
long SSL_SESSION_set_timeout(SSL_SESSION *, long);
int SSL_SESSION_up_ref(SSL_SESSION *);
size_t SSL_client_hello_get0_session_id(SSL *, const unsigned char **);
int SSL_copy_session_id(SSL *, const SSL *);
SSL_SESSION *SSL_get1_session(SSL *);
SSL_SESSION *SSL_get_session(const SSL *);
int SSL_has_matching_session_id(const SSL *, const unsigned char *, unsigned int);
int SSL_new_session_ticket(SSL *);
int SSL_session_reused(const SSL *);
int SSL_set_generate_session_id(SSL *, GEN_SESSION_CB);
void SSL_set_not_resumable_session_callback(SSL *, int(*)(SSL *, int));
void SSL_set_psk_find_session_callback(SSL *, SSL_psk_find_session_cb_func);
void SSL_set_psk_use_session_callback(SSL *, SSL_psk_use_session_cb_func);
int SSL_set_session(SSL *, SSL_SESSION *);
int SSL_set_session_id_context(SSL *, const unsigned char *, unsigned int);
int SSL_set_session_secret_cb(SSL *, tls_session_secret_cb_fn, void *);
int SSL_set_session_ticket_ext(SSL *, void *, int);
int SSL_set_session_ticket_ext_cb(SSL *, tls_session_ticket_ext_cb_fn, void *);
SSL_SESSION *d2i_SSL_SESSION(SSL_SESSION **, const unsigned char **, long);
int i2d_SSL_SESSION(const SSL_SESSION *, unsigned char **);

/* Contexts (SSL_CTX). */
int SSL_CTX_add1_to_CA_list(SSL_CTX *, const X509 *);
int SSL_CTX_add_client_CA(SSL_CTX *, X509 *);
int SSL_CTX_add_client_custom_ext(SSL_CTX *, unsigned int, custom_ext_add_cb, custom_ext_free_cb, void *, custom_ext_parse_cb, void *);
int SSL_CTX_add_custom_ext(SSL_CTX *, unsigned int, unsigned int, SSL_custom_ext_add_cb_ex, SSL_custom_ext_free_cb_ex, void *, SSL_custom_ext_parse_cb_ex, void *);
int SSL_CTX_add_server_custom_ext(SSL_CTX *, unsigned int, custom_ext_add_cb, custom_ext_free_cb, void *, custom_ext_parse_cb, void *);
long SSL_CTX_callback_ctrl(SSL_CTX *, int, void(*)(void));
int SSL_CTX_check_private_key(const SSL_CTX *);
uint64_t SSL_CTX_clear_options(SSL_CTX *, uint64_t);
int SSL_CTX_ct_is_enabled(const SSL_CTX *);
long SSL_CTX_ctrl(SSL_CTX *, int, long, void *);
unsigned long SSL_CTX_dane_clear_flags(SSL_CTX *, unsigned long);
int SSL_CTX_dane_enable(SSL_CTX *);
int SSL_CTX_dane_mtype_set(SSL_CTX *, const EVP_MD *, uint8_t, uint8_t);
unsigned long SSL_CTX_dane_set_flags(SSL_CTX *, unsigned long);
int SSL_CTX_enable_ct(SSL_CTX *, int);
void SSL_CTX_free(SSL_CTX *);
const STACK_OF(X509_NAME) *SSL_CTX_get0_CA_list(const SSL_CTX *);
X509 *SSL_CTX_get0_certificate(const SSL_CTX *);
const CTLOG_STORE *SSL_CTX_get0_ctlog_store(const SSL_CTX *);
X509_VERIFY_PARAM *SSL_CTX_get0_param(SSL_CTX *);
EVP_PKEY *SSL_CTX_get0_privatekey(const SSL_CTX *);
void *SSL_CTX_get0_security_ex_data(const SSL_CTX *);
X509_STORE *SSL_CTX_get_cert_store(const SSL_CTX *);
STACK_OF(X509_NAME) *SSL_CTX_get_client_CA_list(const SSL_CTX *);
int (*SSL_CTX_get_client_cert_cb(SSL_CTX *))(SSL *, X509 **, EVP_PKEY **);
pem_password_cb *SSL_CTX_get_default_passwd_cb(SSL_CTX *);
void *SSL_CTX_get_default_passwd_cb_userdata(SSL_CTX *);
void *SSL_CTX_get_ex_data(const SSL_CTX *, int);
void (*SSL_CTX_get_info_callback(SSL_CTX *))(const SSL *, int, int);
SSL_CTX_keylog_cb_func SSL_CTX_get_keylog_callback(const SSL_CTX *);
uint32_t SSL_CTX_get_max_early_data(const SSL_CTX *);
size_t SSL_CTX_get_num_tickets(const SSL_CTX *);
uint64_t SSL_CTX_get_options(const SSL_CTX *);
int SSL_CTX_get_quiet_shutdown(const SSL_CTX *);
void *SSL_CTX_get_record_padding_callback_arg(const SSL_CTX *);
uint32_t SSL_CTX_get_recv_max_early_data(const SSL_CTX *);
int (*SSL_CTX_get_security_callback(const SSL_CTX *))(const SSL *, const SSL_CTX *, int, int, int, void *, void *);
int SSL_CTX_get_security_level(const SSL_CTX *);
long SSL_CTX_get_timeout(const SSL_CTX *);
SSL_verify_cb SSL_CTX_get_verify_callback(const SSL_CTX *);
int SSL_CTX_get_verify_depth(const SSL_CTX *);
int SSL_CTX_get_verify_mode(const SSL_CTX *);
int SSL_CTX_has_client_custom_ext(const SSL_CTX *, unsigned int);
int SSL_CTX_load_verify_dir(SSL_CTX *, const char *);
int SSL_CTX_load_verify_file(SSL_CTX *, const char *);
int SSL_CTX_load_verify_locations(SSL_CTX *, const char *, const char *);
int SSL_CTX_load_verify_store(SSL_CTX *, const char *);
SSL_CTX *SSL_CTX_new(const SSL_METHOD *);
SSL_CTX *SSL_CTX_new_ex(OSSL_LIB_CTX *, const char *, const SSL_METHOD *);
void SSL_CTX_set0_CA_list(SSL_CTX *, STACK_OF(X509_NAME) *);
void SSL_CTX_set0_ctlog_store(SSL_CTX *, CTLOG_STORE *);
void SSL_CTX_set0_security_ex_data(SSL_CTX *, void *);
int SSL_CTX_set0_tmp_dh_pkey(SSL_CTX *, EVP_PKEY *);
void SSL_CTX_set1_cert_store(SSL_CTX *, X509_STORE *);
int SSL_CTX_set1_param(SSL_CTX *, X509_VERIFY_PARAM *);
void SSL_CTX_set_allow_early_data_cb(SSL_CTX *, SSL_allow_early_data_cb_fn, void *);
int SSL_CTX_set_alpn_protos(SSL_CTX *, const unsigned char *, unsigned int);
void SSL_CTX_set_alpn_select_cb(SSL_CTX *, SSL_CTX_alpn_select_cb_func, void *);
int SSL_CTX_set_async_callback(SSL_CTX *, SSL_async_callback_fn);
int SSL_CTX_set_async_callback_arg(SSL_CTX *, void *);
int SSL_CTX_set_block_padding(SSL_CTX *, size_t);
void SSL_CTX_set_cert_cb(SSL_CTX *, int(*)(SSL *, void *), void *);
void SSL_CTX_set_cert_store(SSL_CTX *, X509_STORE *);
void SSL_CTX_set_cert_verify_callback(SSL_CTX *, int(*)(X509_STORE_CTX *, void *), void *);
void SSL_CTX_set_client_CA_list(SSL_CTX *, STACK_OF(X509_NAME) *);
void SSL_CTX_set_client_cert_cb(SSL_CTX *, int(*)(SSL *, X509 **, EVP_PKEY **));
int SSL_CTX_set_client_cert_engine(SSL_CTX *, ENGINE *);
void SSL_CTX_set_client_hello_cb(SSL_CTX *, SSL_client_hello_cb_fn, void *);
void SSL_CTX_set_cookie_generate_cb(SSL_CTX *, int(*)(SSL *, unsigned char *, unsigned int *));
void SSL_CTX_set_cookie_verify_cb(SSL_CTX *, int(*)(SSL *, const unsigned char *, unsigned int));
int SSL_CTX_set_ct_validation_callback(SSL_CTX *, ssl_ct_validation_cb, void *);
int SSL_CTX_set_ctlog_list_file(SSL_CTX *, const char *);
int SSL_CTX_set_default_ctlog_list_file(SSL_CTX *);
void SSL_CTX_set_default_passwd_cb(SSL_CTX *, pem_password_cb(*));
void SSL_CTX_set_default_passwd_cb_userdata(SSL_CTX *, void *);
void SSL_CTX_set_default_read_buffer_len(SSL_CTX *, size_t);
int SSL_CTX_set_default_verify_dir(SSL_CTX *);
int SSL_CTX_set_default_verify_file(SSL_CTX *);
int SSL_CTX_set_default_verify_paths(SSL_CTX *);
int SSL_CTX_set_default_verify_store(SSL_CTX *);
int SSL_CTX_set_ex_data(SSL_CTX *, int, void *);
void SSL_CTX_set_info_callback(SSL_CTX *, void(*)(const SSL *, int, int));
void SSL_CTX_set_keylog_callback(SSL_CTX *, SSL_CTX_keylog_cb_func);
int SSL_CTX_set_max_early_data(SSL_CTX *, uint32_t);
void SSL_CTX_set_msg_callback(SSL_CTX *, void(*)(int, int, int, const void *, size_t, SSL *, void *));
void SSL_CTX_set_next_proto_select_cb(SSL_CTX *, SSL_CTX_npn_select_cb_func, void *);
void SSL_CTX_set_next_protos_advertised_cb(SSL_CTX *, SSL_CTX_npn_advertised_cb_func, void *);
int SSL_CTX_set_num_tickets(SSL_CTX *, size_t);
uint64_t SSL_CTX_set_options(SSL_CTX *, uint64_t);
void SSL_CTX_set_post_handshake_auth(SSL_CTX *, int);
void SSL_CTX_set_psk_client_callback(SSL_CTX *, SSL_psk_client_cb_func);
void SSL_CTX_set_psk_server_callback(SSL_CTX *, SSL_psk_server_cb_func);
int SSL_CTX_set_purpose(SSL_CTX *, int);
void SSL_CTX_set_quiet_shutdown(SSL_CTX *, int);
void SSL_CTX_set_record_padding_callback(SSL_CTX *, size_t(*)(SSL *, int, size_t, void *));
void SSL_CTX_set_record_padding_callback_arg(SSL_CTX *, void *);
int SSL_CTX_set_recv_max_early_data(SSL_CTX *, uint32_t);
void SSL_CTX_set_security_callback(SSL_CTX *, int(*)(const SSL *, const SSL_CTX *, int, int, int, void *, void *));
void SSL_CTX_set_security_level(SSL_CTX *, int);
void SSL_CTX_set_stateless_cookie_generate_cb(SSL_CTX *, int(*)(SSL *, unsigned char *, size_t *));
void SSL_CTX_set_stateless_cookie_verify_cb(SSL_CTX *, int(*)(SSL *, const unsigned char *, size_t));
long SSL_CTX_set_timeout(SSL_CTX *, long);
int SSL_CTX_set_trust(SSL_CTX *, int);
void SSL_CTX_set_verify(SSL_CTX *, int, SSL_verify_cb);
void SSL_CTX_set_verify_depth(SSL_CTX *, int);
int SSL_CTX_up_ref(SSL_CTX *);
int SSL_CTX_use_PrivateKey(SSL_CTX *, EVP_PKEY *);
int SSL_CTX_use_PrivateKey_ASN1(int, SSL_CTX *, const unsigned char *, long);
int SSL_CTX_use_PrivateKey_file(SSL_CTX *, const char *, int);
int SSL_CTX_use_cert_and_key(SSL_CTX *, X509 *, EVP_PKEY *, STACK_OF(X509) *, int);
int SSL_CTX_use_certificate(SSL_CTX *, X509 *);
int SSL_CTX_use_certificate_ASN1(SSL_CTX *, int, const unsigned char *);
int SSL_CTX_use_certificate_chain_file(SSL_CTX *, const char *);
int SSL_CTX_use_certificate_file(SSL_CTX *, const char *, int);
int SSL_CTX_use_psk_identity_hint(SSL_CTX *, const char *);
int SSL_CTX_use_serverinfo(SSL_CTX *, const unsigned char *, size_t);
int SSL_CTX_use_serverinfo_ex(SSL_CTX *, unsigned int, const unsigned char *, size_t);
int SSL_CTX_use_serverinfo_file(SSL_CTX *, const char *);
# ifndef OPENSSL_NO_DEPRECATED_3_0
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_SRP_CTX_free(SSL_CTX *);
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_SRP_CTX_init(SSL_CTX *);
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_set_srp_cb_arg(SSL_CTX *, void *);
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_set_srp_client_pwd_callback(SSL_CTX *, char *(*)(SSL *, void *));
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_set_srp_password(SSL_CTX *, char *);
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_set_srp_strength(SSL_CTX *, int);
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_set_srp_username(SSL_CTX *, char *);
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_set_srp_username_callback(SSL_CTX *, int(*)(SSL *, int *, void *));
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_set_srp_verify_param_callback(SSL_CTX *, int(*)(SSL *, void *));
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_set_ssl_version(SSL_CTX *, const SSL_METHOD *);
OSSL_DEPRECATEDIN_3_0 void SSL_CTX_set_tmp_dh_callback(SSL_CTX *, DH *(*)(SSL *, int, int));
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_use_RSAPrivateKey(SSL_CTX *, RSA *);
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_use_RSAPrivateKey_ASN1(SSL_CTX *, const unsigned char *, long);
OSSL_DEPRECATEDIN_3_0 int SSL_CTX_use_RSAPrivateKey_file(SSL_CTX *, const char *, int);
# endif

/* Handshake, I/O and shutdown. */
int SSL_accept(SSL *);
int SSL_alloc_buffers(SSL *);
int SSL_clear(SSL *);
uint64_t SSL_clear_options(SSL *, uint64_t);
int SSL_connect(SSL *);
int SSL_do_handshake(SSL *);
int SSL_free_buffers(SSL *);
int SSL_get_all_async_fds(SSL *, int *, size_t *);
int SSL_get_changed_async_fds(SSL *, int *, size_t *, int *, size_t *);
int SSL_get_early_data_status(const SSL *);
int SSL_get_error(const SSL *, int);
int SSL_get_key_update_type(const SSL *);
int SSL_get_shutdown(const SSL *);
OSSL_HANDSHAKE_STATE SSL_get_state(const SSL *);
int SSL_has_pending(const SSL *);
int SSL_in_before(const SSL *);
int SSL_in_init(const SSL *);
int SSL_is_init_finished(const SSL *);
int SSL_key_update(SSL *, int);
int SSL_peek(SSL *, void *, int);
int SSL_peek_ex(SSL *, void *, size_t, size_t *);
int SSL_pending(const SSL *);
int SSL_read(SSL *, void *, int);
int SSL_read_early_data(SSL *, void *, size_t, size_t *);
int SSL_read_ex(SSL *, void *, size_t, size_t *);
int SSL_renegotiate(SSL *);
int SSL_renegotiate_abbreviated(SSL *);
int SSL_renegotiate_pending(const SSL *);
ssize_t SSL_sendfile(SSL *, int, off_t, size_t, int);
void SSL_set_accept_state(SSL *);
void SSL_set_connect_state(SSL *);
void SSL_set_shutdown(SSL *, int);
int SSL_shutdown(SSL *);
const char *SSL_state_string(const SSL *);
const char *SSL_state_string_long(const SSL *);
int SSL_stateless(SSL *);
int SSL_verify_client_post_handshake(SSL *);
int SSL_waiting_for_async(SSL *);
int SSL_want(const SSL *);
int SSL_write(SSL *, const void *, int);
int SSL_write_early_data(SSL *, const void *, size_t, size_t *);
int SSL_write_ex(SSL *, const void *, size_t, size_t *);

/* Datagram TLS. */
size_t DTLS_get_data_mtu(const SSL *);
void DTLS_set_timer_cb(SSL *, DTLS_timer_cb);
int DTLSv1_listen(SSL *, BIO_ADDR *);

/* SRP (deprecated in OpenSSL 3.0). */
# ifndef OPENSSL_NO_DEPRECATED_3_0
OSSL_DEPRECATEDIN_3_0 int SRP_Calc_A_param(SSL *);
OSSL_DEPRECATEDIN_3_0 int SSL_SRP_CTX_free(SSL *);
OSSL_DEPRECATEDIN_3_0 int SSL_SRP_CTX_init(SSL *);
# endif

/* Connections (SSL): everything else. */
int SSL_add1_host(SSL *, const char *);
int SSL_add1_to_CA_list(SSL *, const X509 *);
int SSL_add_client_CA(SSL *, X509 *);
int SSL_add_dir_cert_subjects_to_stack(STACK_OF(X509_NAME) *, const char *);
int SSL_add_file_cert_subjects_to_stack(STACK_OF(X509_NAME) *, const char *);
void SSL_add_ssl_module(void);
int SSL_add_store_cert_subjects_to_stack(STACK_OF(X509_NAME) *, const char *);
const char *SSL_alert_desc_string(int);
const char *SSL_alert_desc_string_long(int);
const char *SSL_alert_type_string(int);
const char *SSL_alert_type_string_long(int);
long SSL_callback_ctrl(SSL *, int, void(*)(void));
void SSL_certs_clear(SSL *);
int SSL_check_private_key(const SSL *);
int SSL_client_hello_get0_ext(SSL *, unsigned int, const unsigned char **, size_t *);
unsigned int SSL_client_hello_get0_legacy_version(SSL *);
size_t SSL_client_hello_get0_random(SSL *, const unsigned char **);
int SSL_client_hello_get1_extensions_present(SSL *, int **, size_t *);
int SSL_client_hello_isv2(SSL *);
int SSL_client_version(const SSL *);
int SSL_ct_is_enabled(const SSL *);
long SSL_ctrl(SSL *, int, long, void *);
unsigned long SSL_dane_clear_flags(SSL *, unsigned long);
int SSL_dane_enable(SSL *, const char *);
unsigned long SSL_dane_set_flags(SSL *, unsigned long);
int SSL_dane_tlsa_add(SSL *, uint8_t, uint8_t, uint8_t, const unsigned char *, size_t);
SSL *SSL_dup(SSL *);
STACK_OF(X509_NAME) *SSL_dup_CA_list(const STACK_OF(X509_NAME) *);
int SSL_enable_ct(SSL *, int);
int SSL_extension_supported(unsigned int);
void SSL_free(SSL *);
const STACK_OF(X509_NAME) *SSL_get0_CA_list(const SSL *);
void SSL_get0_alpn_selected(const SSL *, const unsigned char **, unsigned int *);
SSL_DANE *SSL_get0_dane(SSL *);
int SSL_get0_dane_authority(SSL *, X509 **, EVP_PKEY **);
int SSL_get0_dane_tlsa(SSL *, uint8_t *, uint8_t *, uint8_t *, const unsigned char **, size_t *);
void SSL_get0_next_proto_negotiated(const SSL *, const unsigned char **, unsigned int *);
X509_VERIFY_PARAM *SSL_get0_param(SSL *);
const STACK_OF(X509_NAME) *SSL_get0_peer_CA_list(const SSL *);
X509 *SSL_get0_peer_certificate(const SSL *);
const STACK_OF(SCT) *SSL_get0_peer_scts(SSL *);
const char *SSL_get0_peername(SSL *);
void *SSL_get0_security_ex_data(const SSL *);
STACK_OF(X509) *SSL_get0_verified_chain(const SSL *);
X509 *SSL_get1_peer_certificate(const SSL *);
SSL_CTX *SSL_get_SSL_CTX(const SSL *);
int SSL_get_async_status(SSL *, int *);
X509 *SSL_get_certificate(const SSL *);
STACK_OF(X509_NAME) *SSL_get_client_CA_list(const SSL *);
size_t SSL_get_client_random(const SSL *, unsigned char *, size_t);
const COMP_METHOD *SSL_get_current_compression(const SSL *);
const COMP_METHOD *SSL_get_current_expansion(const SSL *);
pem_password_cb *SSL_get_default_passwd_cb(SSL *);
void *SSL_get_default_passwd_cb_userdata(SSL *);
long SSL_get_default_timeout(const SSL *);
void *SSL_get_ex_data(const SSL *, int);
int SSL_get_fd(const SSL *);
size_t SSL_get_finished(const SSL *, void *, size_t);
void (*SSL_get_info_callback(const SSL *))(const SSL *, int, int);
uint32_t SSL_get_max_early_data(const SSL *);
size_t SSL_get_num_tickets(const SSL *);
uint64_t SSL_get_options(const SSL *);
STACK_OF(X509) *SSL_get_peer_cert_chain(const SSL *);
size_t SSL_get_peer_finished(const SSL *, void *, size_t);
struct evp_pkey_st *SSL_get_privatekey(const SSL *);
const char *SSL_get_psk_identity(const SSL *);
const char *SSL_get_psk_identity_hint(const SSL *);
int SSL_get_quiet_shutdown(const SSL *);
BIO *SSL_get_rbio(const SSL *);
int SSL_get_read_ahead(const SSL *);
void *SSL_get_record_padding_callback_arg(const SSL *);
uint32_t SSL_get_recv_max_early_data(const SSL *);
int SSL_get_rfd(const SSL *);
int (*SSL_get_security_callback(const SSL *))(const SSL *, const SSL_CTX *, int, int, int, void *, void *);
int SSL_get_security_level(const SSL *);
size_t SSL_get_server_random(const SSL *, unsigned char *, size_t);
SSL_verify_cb SSL_get_verify_callback(const SSL *);
int SSL_get_verify_depth(const SSL *);
int SSL_get_verify_mode(const SSL *);
long SSL_get_verify_result(const SSL *);
const char *SSL_get_version(const SSL *);
BIO *SSL_get_wbio(const SSL *);
int SSL_get_wfd(const SSL *);
const char *SSL_group_to_name(SSL *, int);
int SSL_is_dtls(const SSL *);
int SSL_is_server(const SSL *);
STACK_OF(X509_NAME) *SSL_load_client_CA_file(const char *);
STACK_OF(X509_NAME) *SSL_load_client_CA_file_ex(const char *, OSSL_LIB_CTX *, const char *);
SSL *SSL_new(SSL_CTX *);
const char *SSL_rstate_string(const SSL *);
const char *SSL_rstate_string_long(const SSL *);
int SSL_select_next_proto(unsigned char **, unsigned char *, const unsigned char *, unsigned int, const unsigned char *, unsigned int);
void SSL_set0_CA_list(SSL *, STACK_OF(X509_NAME) *);
void SSL_set0_rbio(SSL *, BIO *);
void SSL_set0_security_ex_data(SSL *, void *);
int SSL_set0_tmp_dh_pkey(SSL *, EVP_PKEY *);
void SSL_set0_wbio(SSL *, BIO *);
int SSL_set1_host(SSL *, const char *);
int SSL_set1_param(SSL *, X509_VERIFY_PARAM *);
SSL_CTX *SSL_set_SSL_CTX(SSL *, SSL_CTX *);
void SSL_set_allow_early_data_cb(SSL *, SSL_allow_early_data_cb_fn, void *);
int SSL_set_alpn_protos(SSL *, const unsigned char *, unsigned int);
int SSL_set_async_callback(SSL *, SSL_async_callback_fn);
int SSL_set_async_callback_arg(SSL *, void *);
void SSL_set_bio(SSL *, BIO *, BIO *);
int SSL_set_block_padding(SSL *, size_t);
void SSL_set_cert_cb(SSL *, int(*)(SSL *, void *), void *);
void SSL_set_client_CA_list(SSL *, STACK_OF(X509_NAME) *);
int SSL_set_ct_validation_callback(SSL *, ssl_ct_validation_cb, void *);
void SSL_set_default_passwd_cb(SSL *, pem_password_cb(*));
void SSL_set_default_passwd_cb_userdata(SSL *, void *);
void SSL_set_default_read_buffer_len(SSL *, size_t);
int SSL_set_ex_data(SSL *, int, void *);
int SSL_set_fd(SSL *, int);
void SSL_set_hostflags(SSL *, unsigned int);
void SSL_set_info_callback(SSL *, void(*)(const SSL *, int, int));
int SSL_set_max_early_data(SSL *, uint32_t);
void SSL_set_msg_callback(SSL *, void(*)(int, int, int, const void *, size_t, SSL *, void *));
int SSL_set_num_tickets(SSL *, size_t);
uint64_t SSL_set_options(SSL *, uint64_t);
void SSL_set_post_handshake_auth(SSL *, int);
void SSL_set_psk_client_callback(SSL *, SSL_psk_client_cb_func);
void SSL_set_psk_server_callback(SSL *, SSL_psk_server_cb_func);
int SSL_set_purpose(SSL *, int);
void SSL_set_quiet_shutdown(SSL *, int);
void SSL_set_read_ahead(SSL *, int);
int SSL_set_record_padding_callback(SSL *, size_t(*)(SSL *, int, size_t, void *));
void SSL_set_record_padding_callback_arg(SSL *, void *);
int SSL_set_recv_max_early_data(SSL *, uint32_t);
int SSL_set_rfd(SSL *, int);
void SSL_set_security_callback(SSL *, int(*)(const SSL *, const SSL_CTX *, int, int, int, void *, void *));
void SSL_set_security_level(SSL *, int);
int SSL_set_trust(SSL *, int);
void SSL_set_verify(SSL *, int, SSL_verify_cb);
void SSL_set_verify_depth(SSL *, int);
void SSL_set_verify_result(SSL *, long);
int SSL_set_wfd(SSL *, int);
const struct openssl_ssl_test_functions *SSL_test_functions(void);
void SSL_trace(int, int, int, const void *, size_t, SSL *, void *);
int SSL_up_ref(SSL *);
int SSL_use_PrivateKey(SSL *, EVP_PKEY *);
int SSL_use_PrivateKey_ASN1(int, SSL *, const unsigned char *, long);
int SSL_use_PrivateKey_file(SSL *, const char *, int);
int SSL_use_cert_and_key(SSL *, X509 *, EVP_PKEY *, STACK_OF(X509) *, int);
int SSL_use_certificate(SSL *, X509 *);
int SSL_use_certificate_ASN1(SSL *, const unsigned char *, int);
int SSL_use_certificate_chain_file(SSL *, const char *);
int SSL_use_certificate_file(SSL *, const char *, int);
int SSL_use_psk_identity_hint(SSL *, const char *);
int SSL_version(const SSL *);
# ifndef OPENSSL_NO_DEPRECATED_1_1_0
OSSL_DEPRECATEDIN_1_1_0 void SSL_set_debug(SSL *, int);
# endif
# ifndef OPENSSL_NO_DEPRECATED_3_0
OSSL_DEPRECATEDIN_3_0 BIGNUM *SSL_get_srp_N(SSL *);
OSSL_DEPRECATEDIN_3_0 BIGNUM *SSL_get_srp_g(SSL *);
OSSL_DEPRECATEDIN_3_0 char *SSL_get_srp_userinfo(SSL *);
OSSL_DEPRECATEDIN_3_0 char *SSL_get_srp_username(SSL *);
OSSL_DEPRECATEDIN_3_0 int SSL_set_srp_server_param(SSL *, const BIGNUM *, const BIGNUM *, BIGNUM *, BIGNUM *, char *);
OSSL_DEPRECATEDIN_3_0 int SSL_set_srp_server_param_pw(SSL *, const char *, const char *, const char *);
OSSL_DEPRECATEDIN_3_0 void SSL_set_tmp_dh_callback(SSL *, DH *(*)(SSL *, int, int));
OSSL_DEPRECATEDIN_3_0 int SSL_srp_server_param_with_username(SSL *, int *);
OSSL_DEPRECATEDIN_3_0 int SSL_use_RSAPrivateKey(SSL *, RSA *);
OSSL_DEPRECATEDIN_3_0 int SSL_use_RSAPrivateKey_ASN1(SSL *, const unsigned char *, long);
OSSL_DEPRECATEDIN_3_0 int SSL_use_RSAPrivateKey_file(SSL *, const char *, int);
# endif

# ifdef  __cplusplus
}
# endif
#endif /* OPENSSL_SSL_H */
