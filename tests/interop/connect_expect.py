"""What stock must print in a diff_connect scenario (tests/diff/diff_connect.c),
as the ordered lines run_diff.sh --expect checks in stock's output.

Each scenario of connect_diff.py states its outcome with these helpers: the
handshake completes with this version and suite, the chain verifies and the
request comes back; or it fails with this reason (and, where the output
shows it, this alert).  A scenario whose setup went wrong (a wrong CA, an
expired PKI, a server that did not start as meant) then fails on stock's
run, instead of comparing two equal failures.
"""

REQUEST = 'hello shimssl\n'

CONNECTED = 'connect: ret 1, SSL_get_error 0'
FAILED = 'connect: ret -1, SSL_get_error 1'
VERIFIED = 'verify result 0 (ok)'

# Reasons (ERR_LIB_SSL) as diff_print_errors prints them.
CERT_VERIFY_FAILED = 'error lib=20 reason=134 (certificate verify failed)'
ALERT_HANDSHAKE_FAILURE = 'error lib=20 reason=1040 (sslv3 alert handshake failure)'
ALERT_PROTOCOL_VERSION = 'error lib=20 reason=1070 (tlsv1 alert protocol version)'
ALERT_INTERNAL_ERROR = 'error lib=20 reason=1080 (tlsv1 alert internal error)'
ALERT_CERTIFICATE_REQUIRED = 'error lib=20 reason=1116 (tlsv13 alert certificate required)'
LEGACY_SIGALG = 'error lib=20 reason=333 (legacy sigalg disallowed or unsupported)'
WRONG_VERSION_NUMBER = 'error lib=20 reason=267 (wrong version number)'
UNEXPECTED_EOF = 'error lib=20 reason=294 (unexpected eof while reading)'
BAD_SIGNATURE = 'error lib=20 reason=123 (bad signature)'
DH_KEY_TOO_SMALL = 'error lib=20 reason=394 (dh key too small)'
INVALID_STATUS_RESPONSE = 'error lib=20 reason=328 (invalid status response)'
NO_RENEGOTIATION = 'error lib=20 reason=339 (no renegotiation)'
WRONG_SSL_VERSION = 'error lib=20 reason=266 (wrong ssl version)'

VERSIONS = {'TLSv1.3': 0x304, 'TLSv1.2': 0x303, 'TLSv1.1': 0x302, 'TLSv1': 0x301}


def negotiated(version='TLSv1.3', cipher=None, reused=0):
    """The describe() line: version, suite and whether the session was reused."""
    line = 'version %s (0x%x), cipher ' % (version, VERSIONS[version])
    if cipher is None:  # two expectations met by the same line
        return [line, ', reused %d' % reused]
    return [line + '%s, reused %d' % (cipher, reused)]


def done(version='TLSv1.3', cipher=None, echo=len(REQUEST), verify=VERIFIED, reused=0, alpn=None,
         sig=None, group=None):
    """The handshake completes (with this ALPN protocol, peer signature type
    and group, when given), the peer's chain verifies (or gives the verify
    result given), and the echo server sends echo bytes back."""
    lines = [CONNECTED] + negotiated(version, cipher, reused)
    if alpn is not None:
        lines.append('alpn ' + alpn)
    if sig is not None:
        lines.append('peer signature type ' + sig)
    if group is not None:
        lines.append('negotiated group ' + group)
    lines.append(verify)
    if echo is not None:
        lines.append('read back %d bytes' % echo)
    return lines


def resumed(version='TLSv1.3', cipher=None, echo=len(REQUEST)):
    """Two connections: a full handshake whose session is resumable, then
    one that resumes it."""
    return (done(version, cipher, echo)
            + ['-- second connection, resuming: session resumable 1', 'set_session: 1']
            + done(version, cipher, echo, reused=1))


def fails(reason, *after):
    """SSL_connect fails with this reason first on the queue, then whatever
    else stock must show (the verify result, an alert sent)."""
    return [FAILED, 'connect: ' + reason] + list(after)
