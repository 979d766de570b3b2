/*
 * shimssl - the hooks of the extension table (extensions.c): the client's
 * side in ext_client.c, the server's in ext_server.c.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_EXT_HOOKS_H
#define SHIM_TLS_EXT_HOOKS_H

#include "tls/cipher_suites.h"
#include "tls/extensions.h"

/* The EC point formats both sides list (RFC 8422 5.1.2), stock's default. */
extern const uint8_t tls_ec_point_formats[3];

/* ClientHello writers (client). */
enum tls_ext_write tls_exc_add_renegotiate(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_server_name(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_max_fragment_length(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_ec_point_formats(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_supported_groups(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_session_ticket(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_status_request(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_npn(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_alpn(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_encrypt_then_mac(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_sct(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_extended_master_secret(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_post_handshake_auth(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_signature_algorithms(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_supported_versions(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_psk_kex_modes(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_key_share(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_cookie(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_certificate_authorities(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_padding(struct tls_ext_ctx *x);
enum tls_ext_write tls_exc_add_psk(struct tls_ext_ctx *x);

/* Parsers of the server's extensions (client). */
int tls_exc_parse_renegotiate(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_server_name(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_final_server_name(struct tls_ext_ctx *x, int present);
int tls_exc_parse_max_fragment_length(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_ec_point_formats(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_session_ticket(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_status_request(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_npn(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_sct(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_alpn(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_encrypt_then_mac(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_extended_master_secret(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_supported_versions(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_key_share(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_cookie(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_early_data(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_sig_algs(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_certificate_authorities(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_psk(struct tls_ext_ctx *x, tls_reader *r);

/* After each server message (client). */
int tls_exc_final_renegotiate(struct tls_ext_ctx *x, int present);
int tls_exc_final_max_fragment_length(struct tls_ext_ctx *x, int present);
int tls_exc_final_extended_master_secret(struct tls_ext_ctx *x, int present);
int tls_exc_final_key_share(struct tls_ext_ctx *x, int present);
int tls_exc_final_sig_algs(struct tls_ext_ctx *x, int present);

/* Parsers of the ClientHello's extensions (server). */
int tls_exs_parse_renegotiate(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_server_name(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_max_fragment_length(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_ec_point_formats(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_supported_groups(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_session_ticket(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_status_request(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_alpn(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_npn(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_srp(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_encrypt_then_mac(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_extended_master_secret(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_sig_algs(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_sig_algs_cert(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_post_handshake_auth(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_psk_kex_modes(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_key_share(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_early_data(struct tls_ext_ctx *x, tls_reader *r);
int tls_exs_parse_certificate_authorities(struct tls_ext_ctx *x, tls_reader *r);

/* Writers of the server's messages' extensions (server). */
enum tls_ext_write tls_exs_add_renegotiate(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_server_name(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_max_fragment_length(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_supported_groups(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_status_request(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_ec_point_formats(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_session_ticket(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_npn(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_encrypt_then_mac(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_extended_master_secret(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_alpn(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_supported_versions(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_key_share(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_psk(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_signature_algorithms(struct tls_ext_ctx *x);
enum tls_ext_write tls_exs_add_certificate_authorities(struct tls_ext_ctx *x);

/* After a ClientHello (server). */
int tls_exs_final_renegotiate(struct tls_ext_ctx *x, int present);
int tls_exs_final_extended_master_secret(struct tls_ext_ctx *x, int present);
int tls_exs_final_server_name(struct tls_ext_ctx *x, int present);
int tls_exs_final_alpn(struct tls_ext_ctx *x, int present);
int tls_exs_final_key_share(struct tls_ext_ctx *x, int present);
int tls_exs_final_psk(struct tls_ext_ctx *x, int present);
int tls_exs_final_early_data(struct tls_ext_ctx *x, int present);
int tls_exs_final_max_fragment_length(struct tls_ext_ctx *x, int present);
int tls_exs_final_sig_algs(struct tls_ext_ctx *x, int present);

/* The application's choice among the client's ALPN protocols (stock's
 * tls_handle_alpn): TLS 1.3 makes it after the ClientHello's extensions,
 * TLS 1.2 after the suite. 0 after tls_fatal. */
int tls_server_choose_alpn(SSL *s, struct tls_conn *c, struct tls_hs *hs);

/* Shared with the message parsers: the OCSP response body (type and
 * response) of a TLS 1.3 CertificateEntry or a TLS 1.2 CertificateStatus,
 * and a ServerHello's or HelloRetryRequest's selected version. */
int tls_client_parse_ocsp_response(SSL *s, tls_reader *r);
int tls_client_selected_version(SSL *s, tls_reader *r, int *version);

#endif
