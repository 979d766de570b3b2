/*
 * shimssl - the hooks of the extension table (extensions.c): the client's
 * side in ext_client.c; the server's side arrives with the server.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TLS_EXT_HOOKS_H
#define SHIM_TLS_EXT_HOOKS_H

#include "tls/cipher_suites.h"
#include "tls/extensions.h"

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
int tls_exc_parse_max_fragment_length(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_ec_point_formats(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_session_ticket(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_status_request(struct tls_ext_ctx *x, tls_reader *r);
int tls_exc_parse_npn(struct tls_ext_ctx *x, tls_reader *r);
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

/* After each message (either role). */
int tls_ext_final_renegotiate(struct tls_ext_ctx *x, int present);
int tls_ext_final_max_fragment_length(struct tls_ext_ctx *x, int present);
int tls_ext_final_extended_master_secret(struct tls_ext_ctx *x, int present);
int tls_ext_final_key_share(struct tls_ext_ctx *x, int present);
int tls_ext_final_sig_algs(struct tls_ext_ctx *x, int present);

/* Shared with the message parsers: the OCSP response body (type and
 * response) of a TLS 1.3 CertificateEntry or a TLS 1.2 CertificateStatus,
 * and a ServerHello's or HelloRetryRequest's selected version. */
int tls_client_parse_ocsp_response(SSL *s, tls_reader *r);
int tls_client_selected_version(SSL *s, tls_reader *r, int *version);

#endif
