/*
 * shimssl - defaults and inheritance of struct shim_config.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#include "shim.h"

#include <string.h>

#include "api/cert.h"
#include "api/config.h"

int shim_config_init_ctx(struct shim_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    /* Stock's SSL_CTX_new_ex defaults. */
    cfg->mode = SSL_MODE_AUTO_RETRY;
    cfg->options = SSL_OP_NO_COMPRESSION | SSL_OP_ENABLE_MIDDLEBOX_COMPAT;
    cfg->max_cert_list = SSL_MAX_CERT_LIST_DEFAULT;
    cfg->verify_mode = SSL_VERIFY_NONE;
    cfg->max_send_fragment = SSL3_RT_MAX_PLAIN_LENGTH;
    cfg->split_send_fragment = SSL3_RT_MAX_PLAIN_LENGTH;
    cfg->status_type = -1; /* no status_request unless asked for */
    cfg->max_early_data = 0;
    cfg->recv_max_early_data = SSL3_RT_MAX_PLAIN_LENGTH;
    cfg->num_tickets = 2;
    cfg->param = X509_VERIFY_PARAM_new();
    cfg->cert = shim_cert_new();
    cfg->ca_names = sk_X509_NAME_new_null();
    cfg->client_ca_names = sk_X509_NAME_new_null();
    if (cfg->param == NULL || cfg->cert == NULL || cfg->ca_names == NULL ||
        cfg->client_ca_names == NULL) {
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
    }
    return 1;
}

static int memdup_field(unsigned char **dst, size_t *dst_len, const unsigned char *src, size_t len)
{
    *dst = NULL;
    *dst_len = 0;
    if (src == NULL)
        return 1;
    if ((*dst = OPENSSL_memdup(src, len)) == NULL)
        return 0;
    *dst_len = len;
    return 1;
}

int shim_config_inherit(struct shim_config *dst, const struct shim_config *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->options = src->options;
    dst->mode = src->mode;
    dst->min_proto_version = src->min_proto_version;
    dst->max_proto_version = src->max_proto_version;
    dst->verify_mode = src->verify_mode;
    dst->verify_callback = src->verify_callback;
    dst->quiet_shutdown = src->quiet_shutdown;
    dst->read_ahead = src->read_ahead;
    dst->max_cert_list = src->max_cert_list;
    dst->max_send_fragment = src->max_send_fragment;
    dst->split_send_fragment = src->split_send_fragment;
    dst->max_pipelines = src->max_pipelines;
    if (dst->max_pipelines > 1)
        dst->read_ahead = 1;
    dst->default_read_buf_len = src->default_read_buf_len;
    dst->max_fragment_len_mode = src->max_fragment_len_mode;
    dst->num_tickets = src->num_tickets;
    dst->max_early_data = src->max_early_data;
    dst->recv_max_early_data = src->recv_max_early_data;
    dst->block_padding = src->block_padding;
    dst->record_padding_cb = src->record_padding_cb;
    dst->record_padding_arg = src->record_padding_arg;
    dst->pha_enabled = src->pha_enabled;
    dst->msg_callback = src->msg_callback;
    dst->msg_callback_arg = src->msg_callback_arg;
    dst->default_passwd_callback = src->default_passwd_callback;
    dst->default_passwd_callback_userdata = src->default_passwd_callback_userdata;
    dst->psk_client_callback = src->psk_client_callback;
    dst->psk_server_callback = src->psk_server_callback;
    dst->psk_find_session_cb = src->psk_find_session_cb;
    dst->psk_use_session_cb = src->psk_use_session_cb;
    dst->allow_early_data_cb = src->allow_early_data_cb;
    dst->allow_early_data_cb_data = src->allow_early_data_cb_data;
    dst->async_cb = src->async_cb;
    dst->async_cb_arg = src->async_cb_arg;
    dst->not_resumable_session_cb = src->not_resumable_session_cb;
    dst->generate_session_id = src->generate_session_id;
    dst->ct_validation_callback = src->ct_validation_callback;
    dst->ct_validation_callback_arg = src->ct_validation_callback_arg;
    dst->status_type = src->status_type;
    memcpy(dst->sid_ctx, src->sid_ctx, sizeof(dst->sid_ctx));
    dst->sid_ctx_length = src->sid_ctx_length;

    if ((dst->param = X509_VERIFY_PARAM_new()) == NULL ||
        !X509_VERIFY_PARAM_inherit(dst->param, src->param))
        return 0;
    if (src->tls13_ciphersuites != NULL &&
        (dst->tls13_ciphersuites = sk_SSL_CIPHER_dup(src->tls13_ciphersuites)) == NULL)
        return 0;
    if ((dst->cert = shim_cert_dup(src->cert)) == NULL)
        return 0;
    if (!memdup_field(&dst->alpn, &dst->alpn_len, src->alpn, src->alpn_len))
        return 0;
    if (src->groups != NULL) {
        dst->groups = OPENSSL_memdup(src->groups, src->groups_len * sizeof(*src->groups));
        if (dst->groups == NULL)
            return 0;
        dst->groups_len = src->groups_len;
    }
    return 1;
}

void shim_config_free(struct shim_config *cfg)
{
    X509_VERIFY_PARAM_free(cfg->param);
    sk_SSL_CIPHER_free(cfg->cipher_list);
    sk_SSL_CIPHER_free(cfg->cipher_list_by_id);
    sk_SSL_CIPHER_free(cfg->tls13_ciphersuites);
    OPENSSL_free(cfg->alpn);
    OPENSSL_free(cfg->groups);
    sk_X509_NAME_pop_free(cfg->ca_names, X509_NAME_free);
    sk_X509_NAME_pop_free(cfg->client_ca_names, X509_NAME_free);
    sk_SRTP_PROTECTION_PROFILE_free(cfg->srtp_profiles);
    shim_cert_free(cfg->cert);
    memset(cfg, 0, sizeof(*cfg));
}
