/*
 * shimssl differential test: every getter and query of a feature, asked on a
 * fresh SSL_CTX and SSL (client and server) before anything is configured
 * or negotiated.  Issue 16: where stock reports a feature as off, ours must
 * say the same, silently (nothing on the error queue): nginx logged an
 * error on every upstream connection because SSL_CTX_get_max_early_data
 * raised one.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each line is the function, what it returned (numbers as such, pointers as
 * NULL / set, strings as themselves) and the error queue.
 *
 * usage: diff_getters client|server
 */
#include "diff_common.h"

#include <openssl/srp.h>
#include <string.h>

#define NUM(expr)                                                                                  \
    do {                                                                                           \
        long v_ = (long)(expr);                                                                    \
        printf("%-44s %ld\n", #expr, v_);                                                          \
        diff_print_errors("   ");                                                                  \
    } while (0)

#define PTR(expr)                                                                                  \
    do {                                                                                           \
        const void *p_ = (const void *)(expr);                                                     \
        printf("%-44s %s\n", #expr, p_ != NULL ? "set" : "NULL");                                  \
        diff_print_errors("   ");                                                                  \
    } while (0)

#define STR(expr)                                                                                  \
    do {                                                                                           \
        const char *s_ = (expr);                                                                   \
        printf("%-44s \"%s\"\n", #expr, s_ != NULL ? s_ : "(NULL)");                               \
        diff_print_errors("   ");                                                                  \
    } while (0)

/* Features this library lacks (early data, CT, DANE, PSK, SRP, SRTP,
 * custom extensions, async, DTLS): stock's answers with them off. */
static void lacking(SSL_CTX *ctx, SSL *s)
{
    const unsigned char *p = NULL;
    size_t n = 0;
    unsigned int un = 0;
    int nid = 0, *ids = NULL;
    STACK_OF(X509_EXTENSION) *exts = NULL;
    STACK_OF(OCSP_RESPID) *rids = NULL;

    NUM(SSL_CTX_get_max_early_data(ctx));
    NUM(SSL_CTX_get_recv_max_early_data(ctx));
    NUM(SSL_get_max_early_data(s));
    NUM(SSL_get_recv_max_early_data(s));
    NUM(SSL_get_early_data_status(s));
    NUM(SSL_CTX_ct_is_enabled(ctx));
    NUM(SSL_ct_is_enabled(s));
    PTR(SSL_get0_peer_scts(s));
    NUM(SSL_get0_dane_authority(s, NULL, NULL));
    NUM(SSL_get0_dane_tlsa(s, NULL, NULL, NULL, NULL, NULL));
    PTR(SSL_get_psk_identity(s));
    PTR(SSL_get_psk_identity_hint(s));
    PTR(SSL_get_srp_N(s));
    PTR(SSL_get_srp_g(s));
    PTR(SSL_get_srp_username(s));
    PTR(SSL_get_srp_userinfo(s));
    PTR(SSL_get_srtp_profiles(s));
    PTR(SSL_get_selected_srtp_profile(s));
    NUM(SSL_CTX_has_client_custom_ext(ctx, 1000));
    NUM(SSL_CTX_has_client_custom_ext(ctx, TLSEXT_TYPE_server_name));
    NUM(SSL_waiting_for_async(s));
    NUM(SSL_get_all_async_fds(s, NULL, &n));
    printf("   %zu fds\n", n);
    NUM(SSL_client_hello_isv2(s));
    NUM(SSL_client_hello_get0_ext(s, 0, &p, &n));
    NUM(SSL_client_hello_get1_extensions_present(s, &ids, &n));
    NUM(SSL_is_dtls(s));
    NUM(SSL_get_tlsext_status_exts(s, &exts));
    PTR(exts);
    NUM(SSL_get_tlsext_status_ids(s, &rids));
    PTR(rids);
    NUM(SSL_get_key_update_type(s));
    NUM(SSL_CTX_get_num_tickets(ctx));
    NUM(SSL_get_num_tickets(s));
    NUM(SSL_CTX_get_record_padding_callback_arg(ctx) != NULL);
    NUM(SSL_get_record_padding_callback_arg(s) != NULL);
    NUM(SSL_CTX_get_tlsext_status_type(ctx));
    NUM(SSL_get_tlsext_status_type(s));
    NUM(SSL_get_tlsext_status_ocsp_resp(s, &p));
    NUM(SSL_CTX_get_read_ahead(ctx));
    NUM(SSL_get_read_ahead(s));
    NUM(SSL_CTX_get_max_cert_list(ctx));
    NUM(SSL_get_max_cert_list(s));
    NUM(SSL_CTX_get_max_proto_version(ctx));
    NUM(SSL_CTX_get_min_proto_version(ctx));
    NUM(SSL_get_max_proto_version(s));
    NUM(SSL_get_min_proto_version(s));
    NUM(SSL_CTX_get_security_level(ctx));
    NUM(SSL_get_security_level(s));
    NUM(SSL_CTX_get_session_cache_mode(ctx));
    NUM(SSL_CTX_sess_get_cache_size(ctx));
    NUM(SSL_CTX_sess_number(ctx));
    NUM(SSL_CTX_get_timeout(ctx));
    NUM(SSL_CTX_get_verify_mode(ctx));
    NUM(SSL_CTX_get_verify_depth(ctx));
    NUM(SSL_get_verify_mode(s));
    NUM(SSL_get_verify_depth(s));
    NUM(SSL_get_verify_result(s));
    NUM(SSL_CTX_get_quiet_shutdown(ctx));
    NUM(SSL_get_quiet_shutdown(s));
    NUM(SSL_get_shutdown(s));
    NUM(SSL_CTX_get_mode(ctx));
    NUM(SSL_get_mode(s));
    NUM(SSL_CTX_get_options(ctx) != 0);
    NUM(SSL_get_options(s) != 0);
    NUM(SSL_get_secure_renegotiation_support(s));
    NUM(SSL_num_renegotiations(s));
    NUM(SSL_total_renegotiations(s));
    NUM(SSL_renegotiate_pending(s));
    NUM(SSL_session_reused(s));
    NUM(SSL_get_extms_support(s));
    NUM(SSL_get_shared_group(s, 0));
    NUM(SSL_get_shared_group(s, -1));
    NUM(SSL_get1_groups(s, NULL));
    NUM(SSL_get_shared_sigalgs(s, 0, NULL, NULL, NULL, NULL, NULL));
    NUM(SSL_get_sigalgs(s, 0, NULL, NULL, NULL, NULL, NULL));
    NUM(SSL_get0_certificate_types(s, &p));
    NUM(SSL_get0_ec_point_formats(s, &p));
    NUM(SSL_get_servername_type(s));
    STR(SSL_get_servername(s, TLSEXT_NAMETYPE_host_name));
    PTR(SSL_get0_peername(s));
    PTR(SSL_get_peer_certificate(s));
    PTR(SSL_get_peer_cert_chain(s));
    PTR(SSL_get0_verified_chain(s));
    PTR(SSL_get_certificate(s));
    PTR(SSL_get_privatekey(s));
    PTR(SSL_CTX_get0_certificate(ctx));
    PTR(SSL_CTX_get0_privatekey(ctx));
    PTR(SSL_get_current_cipher(s));
    PTR(SSL_get_pending_cipher(s));
    PTR(SSL_get_current_compression(s));
    PTR(SSL_get_current_expansion(s));
    PTR(SSL_get_session(s));
    SSL_get0_alpn_selected(s, &p, &un);
    PTR(p);
    PTR(SSL_get_client_CA_list(s));
    PTR(SSL_get0_peer_CA_list(s));
    PTR(SSL_CTX_get_client_CA_list(ctx));
    PTR(SSL_get_client_ciphers(s));
    NUM(SSL_client_version(s));
    NUM(SSL_version(s));
    STR(SSL_get_version(s));
    NUM(SSL_is_server(s));
    NUM(SSL_in_init(s));
    NUM(SSL_in_before(s));
    NUM(SSL_is_init_finished(s));
    NUM(SSL_get_state(s));
    STR(SSL_state_string(s));
    STR(SSL_rstate_string(s));
    NUM(SSL_pending(s));
    NUM(SSL_has_pending(s));
    NUM(SSL_want(s));
    NUM(SSL_get_fd(s));
    NUM(SSL_get_rfd(s));
    NUM(SSL_get_wfd(s));
    PTR(SSL_get_rbio(s));
    NUM(SSL_get_finished(s, NULL, 0));
    NUM(SSL_get_peer_finished(s, NULL, 0));
    NUM(SSL_get_client_random(s, NULL, 0));
    NUM(SSL_get_server_random(s, NULL, 0));
    NUM(SSL_get_default_timeout(s));
    NUM(SSL_get_security_callback(s) != NULL);
    PTR(SSL_get_info_callback(s));
    PTR(SSL_get_verify_callback(s));
    PTR(SSL_CTX_get_client_cert_cb(ctx));
    PTR(SSL_CTX_get_info_callback(ctx));
    PTR(SSL_CTX_get_keylog_callback(ctx));
    PTR(SSL_CTX_sess_get_new_cb(ctx));
    PTR(SSL_CTX_sess_get_remove_cb(ctx));
    PTR(SSL_CTX_sess_get_get_cb(ctx));
    PTR(SSL_CTX_get_default_passwd_cb(ctx));
    PTR(SSL_get_default_passwd_cb(s));
    PTR(SSL_get0_param(s));
    PTR(SSL_CTX_get0_param(ctx));
    SSL_get0_next_proto_negotiated(s, &p, &un);
    PTR(p);
    NUM(SSL_get_peer_signature_nid(s, &nid));
    NUM(SSL_get_peer_signature_type_nid(s, &nid));
    NUM(SSL_get_signature_nid(s, &nid));
    NUM(SSL_get_signature_type_nid(s, &nid));
    NUM(SSL_get_verify_result(s));
    NUM(SSL_export_keying_material(s, (unsigned char *)&un, 1, "x", 1, NULL, 0, 0));
    NUM(SSL_get_async_status(s, &nid));
    OPENSSL_free(ids);
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *s;

    if (argc < 2)
        return 2;
    diff_report_lib();
    ctx = SSL_CTX_new(strcmp(argv[1], "server") == 0 ? TLS_server_method() : TLS_client_method());
    s = SSL_new(ctx);
    diff_print_errors("setup");
    lacking(ctx, s);
    SSL_free(s);
    SSL_CTX_free(ctx);
    diff_print_errors("end");
    return 0;
}
