"""Exports whose arguments or results mean more than their C type says.

For each function, optionally:
  params: {index: decoder} or {index: (decoder, decoder after the call)}
          (indexes from 0; decoders as in trace_types.py)
  ret:    decoder of the result
  io:     a handshake or I/O call: the line ends with SSL_get_error's answer
          for the result, and the error queue (True, or a C condition on ret
          under which SSL_get_error applies)
  outs_if: C condition under which output values are printed (default: the
          call succeeded)
  pre / post: C statements run before / after the forwarded call
  init:   the call initialises libssl (see tr_lib_initialised)
  free:   the call frees its first argument: its id is forgotten
"""

IO = ['SSL_connect', 'SSL_accept', 'SSL_do_handshake', 'SSL_read', 'SSL_read_ex', 'SSL_peek',
      'SSL_peek_ex', 'SSL_write', 'SSL_write_ex', 'SSL_shutdown', 'SSL_read_early_data',
      'SSL_write_early_data', 'SSL_sendfile', 'SSL_renegotiate', 'SSL_renegotiate_abbreviated',
      'SSL_key_update', 'SSL_verify_client_post_handshake', 'SSL_stateless', 'DTLSv1_listen']

# Output buffers: the data the call wrote, its length taken from the
# result (ret), from a size_t the call wrote (ptr) or from the length asked
# for (len).  "vdata": random or secret by nature, compared by shape only.
READ = {1: ('out', 'out:data:ret:2')}
READ_EX = {1: ('out', 'out:data:ptr:3'), 3: ('out', 'out:uint')}
RANDOM_OUT = {1: ('out', 'out:vdata:ret:2')}

OVERRIDES = {
    'OPENSSL_init_ssl': {'params': {0: 'flags:init'}, 'init': True},
    'SSL_CTX_new': {'init': True},
    'SSL_CTX_new_ex': {'init': True},
    'SSL_read': {'params': READ},
    'SSL_peek': {'params': READ},
    'SSL_read_ex': {'params': READ_EX},
    'SSL_peek_ex': {'params': READ_EX},
    'SSL_read_early_data': {'params': READ_EX},
    'SSL_get_error': {'ret': 'enum:error'},
    'SSL_want': {'ret': 'enum:want'},
    'SSL_set_options': {'params': {1: 'flags:op'}, 'ret': 'flags:op'},
    'SSL_CTX_set_options': {'params': {1: 'flags:op'}, 'ret': 'flags:op'},
    'SSL_clear_options': {'params': {1: 'flags:op'}, 'ret': 'flags:op'},
    'SSL_CTX_clear_options': {'params': {1: 'flags:op'}, 'ret': 'flags:op'},
    'SSL_get_options': {'ret': 'flags:op'},
    'SSL_CTX_get_options': {'ret': 'flags:op'},
    'SSL_set_verify': {'params': {1: 'flags:verify'}},
    'SSL_CTX_set_verify': {'params': {1: 'flags:verify'}},
    'SSL_get_verify_mode': {'ret': 'flags:verify'},
    'SSL_CTX_get_verify_mode': {'ret': 'flags:verify'},
    'SSL_set_shutdown': {'params': {1: 'flags:shutdown'}},
    'SSL_get_shutdown': {'ret': 'flags:shutdown'},
    'SSL_version': {'ret': 'enum:version'},
    'SSL_client_version': {'ret': 'enum:version'},
    'SSL_SESSION_get_protocol_version': {'ret': 'enum:version'},
    'SSL_SESSION_set_protocol_version': {'params': {1: 'enum:version'}},
    'SSL_get_verify_result': {'ret': 'enum:x509v'},
    'SSL_set_verify_result': {'params': {1: 'enum:x509v'}},
    'SSL_CONF_CTX_set_flags': {'params': {1: 'flags:conf'}, 'ret': 'flags:conf'},
    'SSL_CONF_CTX_clear_flags': {'params': {1: 'flags:conf'}, 'ret': 'flags:conf'},
    'SSL_set_hostflags': {'params': {1: 'flags:hostflags'}},
    'SSL_get_servername': {'params': {1: 'enum:nametype'}},
    'SSL_get_client_random': {'params': RANDOM_OUT},
    'SSL_get_server_random': {'params': RANDOM_OUT},
    'SSL_get_finished': {'params': RANDOM_OUT},
    'SSL_get_peer_finished': {'params': RANDOM_OUT},
    'SSL_SESSION_get_master_key': {'params': RANDOM_OUT},
    'SSL_export_keying_material': {'params': {1: ('out', 'out:vdata:len:2'), 3: 'strn:4'}},
    'SSL_export_keying_material_early': {'params': {1: ('out', 'out:vdata:len:2'),
                                                    3: 'strn:4'}},
    'SSL_SESSION_get_id': {'params': {1: 'out'}, 'ret': 'vretbuf:1'},
    'SSL_SESSION_get0_id_context': {'params': {1: 'out'}, 'ret': 'retbuf:1'},
    # Ids and id contexts longer than 32 bytes are refused unread.
    'SSL_SESSION_set1_id': {'params': {1: 'vmaxbuf:2:32'}},
    'SSL_has_matching_session_id': {'params': {1: 'maxbuf:2:32'}},
    'SSL_set_session_id_context': {'params': {1: 'maxbuf:2:32'}},
    'SSL_CTX_set_session_id_context': {'params': {1: 'maxbuf:2:32'}},
    'SSL_SESSION_set1_id_context': {'params': {1: 'maxbuf:2:32'}},
    'SSL_SESSION_set1_master_key': {'params': {1: 'vmaxbuf:2:512'}},  # refused unread over 512
    'SSL_SESSION_get0_ticket': {'params': {1: ('out', 'out:vrbuf:2')}},
    'SSL_SESSION_get_time': {'ret': 'vint'},
    'SSL_SESSION_set_time': {'params': {1: 'vint'}},
    'SSL_client_hello_get0_random': {'params': {1: ('out', 'out:vrbuf:ret')}},
    'SSL_client_hello_get0_session_id': {'params': {1: ('out', 'out:vrbuf:ret')}},
    'SSL_client_hello_get0_ciphers': {'params': {1: ('out', 'out:rbuf:ret')}},
    'SSL_client_hello_get0_compression_methods': {'params': {1: ('out', 'out:rbuf:ret')}},
    'SSL_select_next_proto': {'params': {0: ('out', 'out:rbuf:1'), 1: 'out'}},
    'SSL_CIPHER_find': {'params': {1: 'fixbuf:2'}},
    'SSL_CTX_use_certificate_ASN1': {'params': {2: 'buf:1'}},
    'SSL_CTX_set_srp_username': {'params': {1: 'str'}},
    'SSL_CTX_set_srp_password': {'params': {1: 'secret'}},
    'SSL_set_srp_server_param_pw': {'params': {2: 'secret'}},
    'SSL_CIPHER_description': {'params': {1: 'ptr'}},
    'SSL_get_shared_ciphers': {'params': {1: 'ptr'}},
    # The DER of a session holds its secret and its time.
    'i2d_SSL_SESSION': {
        'params': {1: 'out'}, 'ret': 'vint',
        'pre': 'const unsigned char *der = a1 != NULL ? *a1 : NULL;',
        'post': 'if (ret > 0 && a1 != NULL) { tr_out_begin(&r, 2); '
                'tr_v_vbuf(&r, der != NULL ? der : *a1, (size_t)ret); }'},
    'd2i_SSL_SESSION': {'params': {0: ('out', 'out:obj:sess'), 1: 'd2i:2', 2: 'vint'}},
    'SSL_free': {'free': True,
                 'pre': 'const void *bios[2]; tr_hook_ssl_bios(a0, bios);',
                 'post': 'tr_hook_forget(bios, 2);'},
    'SSL_CTX_free': {'free': True},
    'SSL_SESSION_free': {'free': True},
    'SSL_CONF_CTX_free': {'free': True},
}

for _name in IO:
    OVERRIDES.setdefault(_name, {})['io'] = True
# SSL_shutdown's 0 and 1 both mean success ("sent", "done"): SSL_get_error
# has nothing to say about them.
OVERRIDES['SSL_shutdown']['io'] = 'ret < 0'
