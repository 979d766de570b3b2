"""Scenarios where our library is known to give another result than stock:
(group, scenario) -> what differs.  They run in the meson suite 'pending'
(not run by default) with stock's expectation, and fail until the
difference is fixed; then the entry goes."""
PENDING = {
    ('socat-client', 'connect-wrong-ca'):
        'issue 16 defect 3: socat calls SSL_CTX_set_tmp_ecdh, ours refuses it and the '
        'ERR_R_UNSUPPORTED left on the queue replaces the real error: socat says "unsupported" '
        'where stock says "certificate verify failed"',
    ('socat-client', 'connect-version-refused'):
        'issue 16 defect 3: socat says "unsupported" (left by SSL_CTX_set_tmp_ecdh) where stock '
        'says "tlsv1 alert protocol version"',
    ('socat-client', 'connect-verify-client-cert'):
        'issue 16 defect 1 (intermittent, about one run in three): after the whole response, '
        'socat on ours exits 1 with "SSL_read(): error:0A000126: unexpected eof while reading" '
        'where stock exits 0 (ours SSL_read returns -1 at an EOF without close_notify, stock 0)',
    ('stunnel-client', 'client-verify-cert'):
        'issue 16 defect 2: stunnel as a client never resumes on ours (the upstream sees '
        'reused=. on every connection, stock: reused=r after the first); TLS 1.3',
    ('stunnel-client', 'client-tls12'):
        'issue 16 defect 2: stunnel as a client never resumes on ours (reused=. where stock '
        'shows reused=r); TLS 1.2',
    ('ncat-client', 'client-verify'):
        'issue 16 defect 1: ncat on ours loses the whole response (got_page false) where stock '
        'prints it before "Ncat: Input/output error." (nginx closes without close_notify; ours '
        'SSL_read returns -1 where stock returns 0)',
    ('ncat-client', 'client-cert'):
        'issue 16 defect 1: as client-verify, with a client certificate',
    ('ncat-server', 'server-python'):
        'intermittent (2 runs in 3): ncat --ssl -l on ours answers a stock python client with '
        'a close_notify before the reply (python: SSLZeroReturnError) where stock delivers '
        '"ncat got ping"',
    ('ncat-server', 'server-s_client'):
        'intermittent (4 runs in 5): ncat --ssl -l on ours drops the connection during the '
        'handshake: s_client exits 1, "unexpected eof while reading", no session, where stock '
        'completes TLS 1.3 (ncat drives SSL_accept on a non-blocking socket)',
}
