"""Scenarios where our library is known to give another result than stock:
(group, scenario) -> what differs.  They run in the meson suite 'pending'
(not run by default) with stock's expectation, and fail until the
difference is fixed; then the entry goes."""
PENDING = {
    ('s_server-server', 'xcert-rsa-tls13-ecdsa-only'):
        'SSL_check_chain is unsupported: it returns -1 (every flag set) with ERR_R_UNSUPPORTED, so '
        's_server -xcert prints the RSA chain valid for a client that accepts only ECDSA, where stock '
        'reports EE signature, sign with EE key and overall validity NOT OK (both then fail the '
        'handshake: no suitable signature algorithm)',
}
